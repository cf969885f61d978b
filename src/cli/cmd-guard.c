/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pcigate guard: hot-plugged PCI devices quarantined by a kernel gate, authorized by rules
 * (pcigate-guard(8), pcigate-guard-rules(5)).
 *
 *   guard arm [--check]           prove the gate (module order), arm and verify it
 *   guard check FILE...           validate rule files
 *   guard run --rules FILE ...    the daemon (guard-daemon.c)
 *   guard list | allow BDF [--driver NAME] | quarantine BDF | assign BDF | reject BDF
 *                                 [--permanent]: requests to the daemon's control socket
 *   guard generate                rules that allow what is bound now
 *   guard softdeps                modprobe.d lines that load pci-stub first
 *
 * Nothing here touches a device except `arm` (the catch-all write) and the daemon; both
 * take --sysfs-root for tests. The CLI is thin: the logic is in src/lib/guard.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <pcigate/guard.h>

#include "cli.h"

void pg_cmd_guard_usage(FILE *out)
{
	fputs("usage: pcigate guard arm [--check] [--sysfs-root DIR] [--modules FILE]\n"
	      "       pcigate guard check FILE...\n"
	      "       pcigate guard run --rules FILE [--state FILE] [--socket PATH]\n"
	      "                         [--audit FILE] [--group NAME] [--no-arm]\n"
	      "                         [--sysfs-root DIR] [--modules FILE]\n"
	      "       pcigate guard list [--socket PATH]\n"
	      "       pcigate guard allow BDF [--driver NAME] [--permanent] [--socket PATH]\n"
	      "       pcigate guard quarantine|assign|reject BDF [--permanent] [--socket PATH]\n"
	      "       pcigate guard generate [--sysfs-root DIR]\n"
	      "       pcigate guard softdeps [--alias FILE]\n"
	      "\n"
	      "arm       check that pci-stub is registered before every loadable PCI driver,\n"
	      "          write its catch-all ID and verify it (--check: verify only)\n"
	      "check     validate guard rule files (pcigate-guard-rules(5))\n"
	      "run       the daemon: decide on every hot-plugged device, serve requests\n"
	      "generate  print rules that allow the devices bound to drivers now\n"
	      "softdeps  print modprobe.d lines that load pci-stub before every PCI driver\n"
	      "\n"
	      "exit status: 0 success; 1 not armed, invalid rules or a refused request;\n"
	      "2 usage error; 3 an input or the daemon could not be reached.\n", out);
}

/* ---- arm ----------------------------------------------------------------------------- */

static void print_gate(const struct pg_guard_gate *g)
{
	printf("pci-stub: %s\n", !g->stub_loaded ? "not loaded" :
	       g->stub_builtin ? "built in (order not provable)" : "loaded");
	printf("order: %s\n", g->order_ok ? "pci-stub before every loadable PCI driver" :
	       "WRONG");
	for (unsigned i = 0; i < g->nearly; i++)
		printf("  registered before pci-stub (wins for what it matches): %s\n",
		       g->early[i]);
	for (unsigned i = 0; i < g->nbuiltin; i++)
		printf("  built-in driver, always before the gate: %s\n", g->builtin[i]);
	if (g->nbuiltin)
		printf("  (a device matching a built-in driver's IDs or class is bound by it, "
		       "not gated)\n");
	printf("catch-all: %s\n", g->armed ? (g->newly_armed ? "armed now (verified: EEXIST)" :
			"armed (verified: EEXIST)") : "NOT ARMED");
	if (!g->armed && g->why[0])
		printf("why: %s\n", g->why);
}

static int guard_arm(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "check", no_argument, NULL, 'c' },
		{ "sysfs-root", required_argument, NULL, 'r' },
		{ "modules", required_argument, NULL, 'm' },
		PG_CLI_OPT_HELP, { 0 },
	};
	static const struct pg_cli_parser parser = { "guard arm", ":h", opts,
						     pg_cmd_guard_usage };
	const char *root = NULL, *modules = NULL;
	struct pg_guard_gate g;
	bool arm = true;
	int c, r;

	pg_cli_opts_begin();
	while ((c = pg_cli_next_opt(&parser, argc, argv)) != PG_OPT_END) {
		if (c == PG_OPT_HELP || c == PG_OPT_BAD)
			return c == PG_OPT_HELP ? PG_EXIT_OK : PG_EXIT_USAGE;
		if (c == 'c')
			arm = false;
		else if (c == 'r')
			root = optarg;
		else
			modules = optarg;
	}
	if (optind < argc) {
		pg_cli_error("guard arm", "unexpected argument '%s'", argv[optind]);
		return PG_EXIT_USAGE;
	}
	r = pg_guard_gate_check(root, modules, arm, &g);
	print_gate(&g);
	if (fflush(stdout) != 0)
		return PG_EXIT_INPUT;
	return r == 0 ? PG_EXIT_OK : PG_EXIT_FINDING;
}

/* ---- check --------------------------------------------------------------------------- */

int pg_guard_cli_load(const char *path, struct pg_guard_rules **ret, char *why, size_t size)
{
	struct pg_guard_error err;
	int r = pg_guard_rules_load_file(path, ret, &err);

	if (r == 0)
		return PG_EXIT_OK;
	if (r == -EINVAL || r == -E2BIG) {
		if (err.line)
			(void)snprintf(why, size, "%s:%u:%u: error: %s", path, err.line,
				       err.column, err.msg);
		else
			(void)snprintf(why, size, "%s: error: %s", path, err.msg);
		return PG_EXIT_FINDING;
	}
	(void)snprintf(why, size, "%s: error: %s: %s", path, err.msg, strerror(-r));
	return PG_EXIT_INPUT;
}

/* A subcommand without options of its own: --help and "--" only; the operands are left
 * at argv[optind..]. Returns -1 to go on, else an exit code. */
static int no_options(const char *cmd, int argc, char **argv)
{
	static const struct option opts[] = { PG_CLI_OPT_HELP, { 0 } };
	const struct pg_cli_parser parser = { cmd, ":h", opts, pg_cmd_guard_usage };
	int c;

	pg_cli_opts_begin();
	while ((c = pg_cli_next_opt(&parser, argc, argv)) != PG_OPT_END)
		return c == PG_OPT_HELP ? PG_EXIT_OK : PG_EXIT_USAGE;
	return -1;
}

static int guard_check(int argc, char **argv)
{
	int status = no_options("guard check", argc, argv);

	if (status >= 0)
		return status;
	status = PG_EXIT_OK;
	if (optind >= argc) {
		pg_cli_error("guard check", "no FILE given");
		return PG_EXIT_USAGE;
	}
	for (int i = optind; i < argc; i++) {
		struct pg_guard_rules *rules = NULL;
		char why[512];
		int r = pg_guard_cli_load(argv[i], &rules, why, sizeof(why));

		if (r == PG_EXIT_OK) {
			size_t n = pg_guard_rules_count(rules);

			printf("%s: ok (%zu rule%s)\n", argv[i], n, n == 1 ? "" : "s");
			pg_guard_rules_free(rules);
			continue;
		}
		fprintf(stderr, "%s\n", why);
		if (r == PG_EXIT_INPUT || status == PG_EXIT_OK)
			status = r;
	}
	return fflush(stdout) == 0 ? status : PG_EXIT_INPUT;
}

/* ---- client -------------------------------------------------------------------------- */

static int request(const char *sock, const char *req)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char buf[4096];
	ssize_t n;
	bool first = true, err = false;
	int fd;

	if (strlen(sock) >= sizeof(sa.sun_path)) {
		pg_cli_error("guard", "socket path too long: %s", sock);
		return PG_EXIT_USAGE;
	}
	memcpy(sa.sun_path, sock, strlen(sock) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		pg_cli_error("guard", "cannot reach the daemon at %s: %s", sock, strerror(errno));
		if (fd >= 0)
			close(fd);
		return PG_EXIT_INPUT;
	}
	if (write(fd, req, strlen(req)) != (ssize_t)strlen(req) || shutdown(fd, SHUT_WR) < 0) {
		pg_cli_error("guard", "sending the request failed: %s", strerror(errno));
		close(fd);
		return PG_EXIT_INPUT;
	}
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		size_t skip = 0;

		if (first) {
			err = strncmp(buf, "ok\n", n < 3 ? (size_t)n : 3) != 0;
			skip = err ? 0 : 3;
			first = false;
		}
		fwrite(buf + skip, 1, (size_t)n - skip, err ? stderr : stdout);
	}
	close(fd);
	if (first) {
		pg_cli_error("guard", "the daemon closed the connection without a reply");
		return PG_EXIT_INPUT;
	}
	return err ? PG_EXIT_FINDING : PG_EXIT_OK;
}

static int guard_client(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "driver", required_argument, NULL, 'd' },
		{ "permanent", no_argument, NULL, 'p' },
		PG_CLI_OPT_HELP, { 0 },
	};
	const char *sock = PG_GUARD_SOCKET, *driver = NULL;
	bool list = !strcmp(argv[0], "list"), permanent = false;
	char req[256], cmd[32];
	struct pg_cli_parser parser = { cmd, ":h", opts, pg_cmd_guard_usage };
	int c;

	(void)snprintf(cmd, sizeof(cmd), "guard %s", argv[0]);
	pg_cli_opts_begin();
	while ((c = pg_cli_next_opt(&parser, argc, argv)) != PG_OPT_END) {
		if (c == PG_OPT_HELP || c == PG_OPT_BAD)
			return c == PG_OPT_HELP ? PG_EXIT_OK : PG_EXIT_USAGE;
		if (c == 's') {
			sock = optarg;
		} else if (c == 'd' && !strcmp(argv[0], "allow")) {
			driver = optarg;
		} else if (c == 'p' && !list) {
			permanent = true;
		} else {
			pg_cli_error(cmd, "option '%s' is not for '%s' (see 'pcigate help guard')",
				     c == 'd' ? "--driver" : "--permanent", cmd);
			return PG_EXIT_USAGE;
		}
	}
	if (list ? optind != argc : optind + 1 != argc) {
		pg_cli_error(cmd, "%s", list ? "unexpected argument" :
			     "expected one device address (BDF)");
		return PG_EXIT_USAGE;
	}
	if (driver && strlen(driver) >= PG_GUARD_DRIVER_LEN) {
		pg_cli_error("guard allow", "driver name too long: '%s'", driver);
		return PG_EXIT_USAGE;
	}
	if (list)
		(void)snprintf(req, sizeof(req), "list");
	else if (strlen(argv[optind]) > 16 || strchr(argv[optind], ' ')) {
		pg_cli_error(cmd, "not a device address: '%s'", argv[optind]);
		return PG_EXIT_USAGE;
	} else
		(void)snprintf(req, sizeof(req), "%s %s%s%s%s", argv[0], argv[optind],
			       driver ? " driver=" : "", driver ? driver : "",
			       permanent ? " permanent" : "");
	return request(sock, req);
}

/* ---- generate, softdeps -------------------------------------------------------------- */

/* Options of a subcommand with one valued option and no operands: -1 to go on (*val set
 * when given), else the exit code (--help printed, or a usage error printed). */
static int one_option(const struct pg_cli_parser *p, int argc, char **argv, const char **val)
{
	int c;

	pg_cli_opts_begin();
	while ((c = pg_cli_next_opt(p, argc, argv)) != PG_OPT_END) {
		if (c == PG_OPT_HELP || c == PG_OPT_BAD)
			return c == PG_OPT_HELP ? PG_EXIT_OK : PG_EXIT_USAGE;
		*val = optarg;
	}
	if (optind < argc) {
		pg_cli_error(p->cmd, "unexpected argument '%s'", argv[optind]);
		return PG_EXIT_USAGE;
	}
	return -1;
}

static int guard_generate(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "sysfs-root", required_argument, NULL, 'r' }, PG_CLI_OPT_HELP, { 0 },
	};
	static const struct pg_cli_parser parser = { "guard generate", ":h", opts,
						     pg_cmd_guard_usage };
	const char *root = NULL;
	char (*bdfs)[13] = NULL;
	size_t n = 0;
	int r = one_option(&parser, argc, argv, &root);

	if (r >= 0)
		return r;
	r = pg_sysfs_list(root, NULL, 0, &n);
	if (r == 0 && !(bdfs = calloc(n ? n : 1, sizeof(*bdfs))))
		r = -ENOMEM;
	if (r == 0)
		r = pg_sysfs_list(root, bdfs, n, &n);
	if (r < 0) {
		pg_cli_error("guard generate", "listing PCI devices: %s", strerror(-r));
		free(bdfs);
		return PG_EXIT_INPUT;
	}
	printf("# pcigate guard rules generated from the devices bound now\nversion: 1\nrules:\n");
	for (size_t i = 0; i < n; i++) {
		struct pg_guard_dev dev;
		char rule[1024];
		bool stub;

		if (pg_guard_sys_read(root, bdfs[i], &dev) < 0 || !dev.driver[0])
			continue;
		stub = !strcmp(dev.driver, PG_GUARD_STUB);
		if (pg_guard_rule_format(&dev, stub ? PG_GUARD_QUARANTINE :
					 !strcmp(dev.driver, "vfio-pci") ? PG_GUARD_ASSIGN :
					 PG_GUARD_ALLOW, dev.driver, rule, sizeof(rule)) > 0)
			fputs(rule, stdout);
	}
	free(bdfs);
	return fflush(stdout) == 0 ? PG_EXIT_OK : PG_EXIT_INPUT;
}

static int guard_softdeps(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "alias", required_argument, NULL, 'a' }, PG_CLI_OPT_HELP, { 0 },
	};
	static const struct pg_cli_parser parser = { "guard softdeps", ":h", opts,
						     pg_cmd_guard_usage };
	char path[512], *text = NULL;
	const char *alias = NULL;
	struct utsname u;
	int r = one_option(&parser, argc, argv, &alias);

	if (r >= 0)
		return r;
	if (alias) {
		(void)snprintf(path, sizeof(path), "%s", alias);
	} else if (uname(&u) == 0) {
		(void)snprintf(path, sizeof(path), "/lib/modules/%s/modules.alias", u.release);
	} else {
		pg_cli_error("guard softdeps", "uname: %s", strerror(errno));
		return PG_EXIT_INPUT;
	}
	r = pg_guard_softdeps(path, &text);
	if (r < 0) {
		pg_cli_error("guard softdeps", "%s: %s", path, strerror(-r));
		return PG_EXIT_INPUT;
	}
	fputs(text, stdout);
	free(text);
	return fflush(stdout) == 0 ? PG_EXIT_OK : PG_EXIT_INPUT;
}

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
} verbs[] = {
	{ "arm", guard_arm }, { "check", guard_check }, { "run", pg_guard_run },
	{ "list", guard_client }, { "allow", guard_client }, { "quarantine", guard_client },
	{ "assign", guard_client }, { "reject", guard_client },
	{ "generate", guard_generate }, { "softdeps", guard_softdeps },
};

/* Each subcommand takes -h/--help through the shared parser; guard itself here. */
int pg_cmd_guard(int argc, char **argv)
{
	if (argc >= 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		pg_cmd_guard_usage(stdout);
		return PG_EXIT_OK;
	}
	if (argc < 2) {
		pg_cli_error("guard", "no subcommand given (see 'pcigate help guard')");
		return PG_EXIT_USAGE;
	}
	for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		if (!strcmp(argv[1], verbs[i].name))
			return verbs[i].fn(argc - 1, argv + 1);
	pg_cli_error("guard", "unknown subcommand '%s' (see 'pcigate help guard')", argv[1]);
	return PG_EXIT_USAGE;
}
