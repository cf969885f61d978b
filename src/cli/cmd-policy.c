/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pcigate policy check FILE...
 * pcigate policy lookup FILE VVVV:DDDD[:SSSS:TTTT][@RR]
 *
 * check: validate policy files (pcigate-policy(5)) the way the daemon will load them.
 *   Prints "FILE: ok (N devices)" on stdout for each valid file and
 *   "FILE:LINE:COL: error: REASON" (or "FILE: error: REASON" when the problem has no
 *   position) on stderr for each invalid or unreadable one. Every file is checked even
 *   after a failure. Exit: 0 all valid; 1 some file invalid; 3 some file unreadable (takes
 *   precedence over 1, since an unread file was not checked at all); 2 usage error.
 * lookup: show which entry of a valid policy applies to one device, using the same
 *   precedence as the mediator. Exit 0 (whether or not an entry matches), 1 invalid policy,
 *   3 unreadable, 2 usage error.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <pcigate/pcigate.h>

#include "cli.h"

#define EXIT_INVALID PG_EXIT_FINDING /* 1: the shared "the input failed the check" status */

void pg_cmd_policy_usage(FILE *out)
{
	fputs("usage: pcigate policy check FILE...\n"
	      "       pcigate policy lookup FILE VVVV:DDDD[:SSSS:TTTT][@RR]\n"
	      "\n"
	      "check   validate policy files; prints 'FILE: ok (N devices)' or\n"
	      "        'FILE:LINE:COL: error: REASON'\n"
	      "lookup  show the entry of FILE that applies to a device (most specific match)\n"
	      "\n"
	      "exit status: 0 valid; 1 a policy is invalid; 2 usage error; 3 a file could not\n"
	      "be read. The format is described in pcigate-policy(5).\n", out);
}

/* Load one file, report a failure on stderr; returns 0, EXIT_INVALID or PG_EXIT_INPUT. */
static int load_one(const char *path, struct pg_policy **ret)
{
	struct pg_policy_error err;
	int r = pg_policy_load_file(path, ret, &err);

	if (r == 0)
		return PG_EXIT_OK;
	if (r == -EINVAL || r == -E2BIG) {
		if (err.line)
			fprintf(stderr, "%s:%u:%u: error: %s\n", path, err.line, err.column,
				err.msg);
		else
			fprintf(stderr, "%s: error: %s\n", path, err.msg);
		return EXIT_INVALID;
	}
	fprintf(stderr, "%s: error: %s: %s\n", path, err.msg, strerror(-r));
	return PG_EXIT_INPUT;
}

static int policy_check(int argc, char **argv)
{
	int status = PG_EXIT_OK;

	if (argc < 1) {
		pg_cli_error("policy check", "no FILE given");
		return PG_EXIT_USAGE;
	}
	for (int i = 0; i < argc; i++) {
		struct pg_policy *p = NULL;
		int r = load_one(argv[i], &p);

		if (r == PG_EXIT_OK) {
			size_t n = pg_policy_count(p);

			printf("%s: ok (%zu device%s)\n", argv[i], n, n == 1 ? "" : "s");
			pg_policy_free(p);
		} else if (r == PG_EXIT_INPUT || status == PG_EXIT_OK) {
			status = r;
		}
	}
	if (fflush(stdout) != 0)
		return PG_EXIT_INPUT;
	return status;
}

static void print_list(const char *label, const struct pg_policy_cap *caps, size_t n)
{
	if (!n)
		return;
	printf("  %s:", label);
	for (size_t i = 0; i < n; i++) {
		const char *name = pg_policy_cap_name(caps[i].extended, caps[i].id);

		printf(" %s", name ? name : "?");
	}
	putchar('\n');
}

static void print_regs(const struct pg_policy_entry *e)
{
	for (size_t i = 0; i < e->nregs; i++) {
		const struct pg_policy_reg *r = &e->regs[i];

		if (r->emulate)
			printf("  register 0x%03x/%u: emulate 0x%0*x\n", r->offset, r->size,
			       2 * r->size, r->value);
		else
			printf("  register 0x%03x/%u: %s mask 0x%0*x\n", r->offset, r->size,
			       r->access == PG_POLICY_ACCESS_READ    ? "read" :
			       r->access == PG_POLICY_ACCESS_WRITE ? "write" : "read-write",
			       2 * r->size, r->mask);
	}
}

static void print_entry(const char *path, const struct pg_policy_entry *e)
{
	char key[32];

	(void)pg_policy_match_format(&e->match, key, sizeof(key));
	printf("%s:%u: %s%s%s%s\n  profile: %s\n", path, e->line, key, e->name[0] ? " (" : "",
	       e->name, e->name[0] ? ")" : "", pg_profile_name(e->profile));
	print_list("add capabilities", e->cap_add, e->n_cap_add);
	print_list("remove capabilities", e->cap_remove, e->n_cap_remove);
	print_regs(e);
	if (e->n_reset_prefer) {
		printf("  reset prefer:");
		for (unsigned i = 0; i < e->n_reset_prefer; i++)
			printf(" %s", pg_policy_reset_name(e->reset_prefer[i]));
		putchar('\n');
	}
	if (e->reset_avoid) {
		printf("  reset avoid:");
		for (unsigned m = PG_RESET_FLR; m <= PG_RESET_BUS; m++)
			if (e->reset_avoid & PG_POLICY_RESET_BIT(m))
				printf(" %s", pg_policy_reset_name((enum pg_reset_method)m));
		putchar('\n');
	}
	if (e->flags) {
		printf("  flags:");
		for (unsigned b = 0; b < 32; b++)
			if (e->flags & (1u << b) && pg_policy_flag_name(1u << b))
				printf(" %s", pg_policy_flag_name(1u << b));
		putchar('\n');
	}
}

/* Exactly ndig hex digits at *p (no sign, blank or 0x); advances *p. */
static bool hex_field(const char **p, unsigned ndig, unsigned *ret)
{
	unsigned v = 0;

	for (unsigned i = 0; i < ndig; i++) {
		char ch = (*p)[i];

		if (!isxdigit((unsigned char)ch))
			return false;
		v = v << 4 | (unsigned)(isdigit((unsigned char)ch) ? ch - '0' :
					 tolower((unsigned char)ch) - 'a' + 10);
	}
	*p += ndig;
	*ret = v;
	return true;
}

/* The device to look up: VVVV:DDDD[:SSSS:TTTT][@RR], like a fully specified match key. */
static int parse_device(const char *p, struct pg_policy_match *dev)
{
	unsigned v, d, sv = 0, sd = 0, rev = 0;

	if (!hex_field(&p, 4, &v) || *p++ != ':' || !hex_field(&p, 4, &d))
		return -EINVAL;
	if (*p == ':' && (p++, !hex_field(&p, 4, &sv) || *p++ != ':' || !hex_field(&p, 4, &sd)))
		return -EINVAL;
	if (*p == '@' && (p++, !hex_field(&p, 2, &rev)))
		return -EINVAL;
	if (*p)
		return -EINVAL;
	*dev = (struct pg_policy_match){ .vendor = (uint16_t)v, .device_lo = (uint16_t)d,
		.subvendor = (uint16_t)sv, .subdevice = (uint16_t)sd, .revision = (uint8_t)rev };
	return 0;
}

static int policy_lookup(int argc, char **argv)
{
	const struct pg_policy_entry *e;
	struct pg_policy_match dev;
	struct pg_policy *p = NULL;
	int r;

	if (argc != 2) {
		pg_cli_error("policy lookup", "expected FILE and a device VVVV:DDDD[:SSSS:TTTT][@RR]");
		return PG_EXIT_USAGE;
	}
	if (parse_device(argv[1], &dev) < 0) {
		pg_cli_error("policy lookup", "bad device '%s' (expected VVVV:DDDD[:SSSS:TTTT][@RR], "
			   "hex)", argv[1]);
		return PG_EXIT_USAGE;
	}
	r = load_one(argv[0], &p);
	if (r != PG_EXIT_OK)
		return r;
	e = pg_policy_lookup(p, dev.vendor, dev.device_lo, dev.subvendor, dev.subdevice,
			     dev.revision);
	if (e)
		print_entry(argv[0], e);
	else
		printf("%s: no entry matches %s; the default applies (profile guest, nothing "
		       "opened)\n", argv[0], argv[1]);
	pg_policy_free(p);
	return fflush(stdout) == 0 ? PG_EXIT_OK : PG_EXIT_INPUT;
}

/* The options of `policy check|lookup` (argv[0] the action): only -h/--help, and "--"
 * before a FILE that starts with '-'. Returns 0 (operands at argv[optind]), -1 after the
 * help, or PG_EXIT_USAGE. */
static int action_options(const char *cmd, int argc, char **argv)
{
	static const struct option longopts[] = { PG_CLI_OPT_HELP, { 0 } };
	const struct pg_cli_parser parser = { cmd, ":h", longopts, pg_cmd_policy_usage };
	int c;

	pg_cli_opts_begin();
	while ((c = pg_cli_next_opt(&parser, argc, argv)) != PG_OPT_END)
		return c == PG_OPT_HELP ? -1 : PG_EXIT_USAGE; /* no other option */
	return 0;
}

int pg_cmd_policy(int argc, char **argv)
{
	const char *cmd;
	int r;

	if (argc < 2) {
		pg_cli_error("policy", "expected 'check' or 'lookup' (see 'pcigate help policy')");
		return PG_EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		pg_cmd_policy_usage(stdout);
		return PG_EXIT_OK;
	}
	cmd = !strcmp(argv[1], "check") ? "policy check" :
	      !strcmp(argv[1], "lookup") ? "policy lookup" : NULL;
	if (!cmd) {
		pg_cli_error("policy", "unknown action '%s' (expected 'check' or 'lookup')",
			     argv[1]);
		return PG_EXIT_USAGE;
	}
	r = action_options(cmd, argc - 1, argv + 1);
	if (r)
		return r < 0 ? PG_EXIT_OK : r;
	argc -= 1 + optind;
	argv += 1 + optind;
	return cmd[7] == 'c' ? policy_check(argc, argv) : policy_lookup(argc, argv);
}
