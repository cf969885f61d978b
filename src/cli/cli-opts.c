/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One option parser for every subcommand (cli.h): getopt_long with the pieces each command
 * would otherwise repeat -- -h/--help, "--opt=value" and "--opt value" alike, "--" ending
 * the options, and one message naming the bad option with exit status 2 -- plus the one
 * message format of errors and warnings, "pcigate: COMMAND: error: ..." (pcigate(1)).
 */
#include <stdarg.h>
#include <string.h>

#include "cli.h"

static void vreport(const char *cmd, const char *kind, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));
static void vreport(const char *cmd, const char *kind, const char *fmt, va_list ap)
{
	fputs("pcigate: ", stderr);
	if (cmd)
		fprintf(stderr, "%s: ", cmd);
	fprintf(stderr, "%s: ", kind);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void pg_cli_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(cmd, "error", fmt, ap);
	va_end(ap);
}

void pg_cli_warn(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(cmd, "warning", fmt, ap);
	va_end(ap);
}

/* The option as the user wrote it, without "=value": for the error message. */
static void bad_name(char **argv, char *buf, size_t n)
{
	const char *a = optind > 0 ? argv[optind - 1] : "";

	if (optopt && strncmp(a, "--", 2)) {
		snprintf(buf, n, "-%c", optopt);
		return;
	}
	snprintf(buf, n, "%.*s", (int)strcspn(a, "="), a);
}

int pg_cli_next_opt(const struct pg_cli_parser *p, int argc, char **argv)
{
	char name[64];
	int c;

	opterr = 0; /* our own messages, in our format */
	c = getopt_long(argc, argv, p->shortopts, p->longopts, NULL);
	switch (c) {
	case 'h':
		p->usage(stdout);
		return PG_OPT_HELP;
	case ':':
		bad_name(argv, name, sizeof(name));
		pg_cli_error(p->cmd, "option '%s' needs a value", name);
		return PG_OPT_BAD;
	case '?':
		bad_name(argv, name, sizeof(name));
		if (optopt && !strncmp(argv[optind - 1], "--", 2))
			pg_cli_error(p->cmd, "option '%s' takes no value", name);
		else
			pg_cli_error(p->cmd, "unknown option '%s' (see 'pcigate help %.*s')", name,
				     (int)strcspn(p->cmd, " "), p->cmd); /* help takes the command */
		return PG_OPT_BAD;
	default:
		return c < 0 ? PG_OPT_END : c;
	}
}
