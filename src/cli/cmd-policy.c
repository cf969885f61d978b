/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pcigate policy check [--device DEVICE] [FILE|DIR...]
 * pcigate policy lookup FILE|DIR DEVICE
 * pcigate policy generate DEVICE
 *
 * check: validate policy files (pcigate-policy(5)) the way the daemon will load them.
 *   Prints "FILE: ok (N devices)" on stdout for each valid file and
 *   "FILE:LINE:COL: error: REASON" (or "FILE: error: REASON" when the problem has no
 *   position) on stderr for each invalid or unreadable one. Every file is checked even
 *   after a failure. A directory is checked file by file (each file's errors, the ignored
 *   names), then as one policy (clashes across files), as serve/launch/view load it; no
 *   operand checks the default directory. Exit: 0 all valid; 1 some file invalid; 3 some
 *   file unreadable (takes precedence over 1, since an unread file was not checked at
 *   all); 2 usage error.
 * lookup: show which entry of a valid policy applies to one device, using the same
 *   precedence as the mediator. Exit 0 (whether or not an entry matches), 1 invalid policy,
 *   3 unreadable, 2 usage error. DEVICE is full IDs (VVVV:DDDD:SSSS:TTTT@RR: subsystem and
 *   revision are never guessed, a guess could pick another entry), a dump file or a BDF
 *   (read-only sysfs backend); class and slot keys match only a dump or a BDF.
 * generate: print a starting policy for DEVICE (pg_policy_generate()). Exit 0, 3 device
 *   unreadable, 2 usage error.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <pcigate/pcigate.h>

#include "cli.h"

#define EXIT_INVALID PG_EXIT_FINDING /* 1: the shared "the input failed the check" status */

void pg_cmd_policy_usage(FILE *out)
{
	fputs("usage: pcigate policy check [--device DEVICE] [--sysfs-root DIR] [PATH...]\n"
	      "       pcigate policy lookup [--sysfs-root DIR] PATH DEVICE\n"
	      "       pcigate policy generate [--sysfs-root DIR] DEVICE\n"
	      "\n"
	      "check     validate policy files; prints 'FILE: ok (N devices)' or\n"
	      "          'FILE:LINE:COL: error: REASON'; with --device, also the entry of\n"
	      "          each valid FILE that applies to DEVICE. A PATH that is a directory\n"
	      "          is checked file by file, then as one policy (as serve loads it);\n"
	      "          without PATH, the default directory is checked\n"
	      "lookup    show the entry of PATH (file or directory) that applies to a device\n"
	      "          (most specific match)\n"
	      "generate  print a starting policy for a device (guest profile, nothing opened)\n"
	      "\n"
	      "DEVICE is a dump file, a BDF (read-only: only config space is read) or, for\n"
	      "check and lookup, VVVV:DDDD:SSSS:TTTT@RR (all IDs; nothing is guessed).\n"
	      "  --device DEVICE    (check) the device to look up in every valid FILE\n"
	      "  --sysfs-root DIR   sysfs for a BDF (default /sys)\n"
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

/* A policy directory read the way serve, launch and view read it (fail-closed: the first
 * bad file, or a clash across files, rejects it), the failure reported as load_one()
 * does, at the file and line it is about. *ret is NULL for a directory without policy
 * files. Returns 0, EXIT_INVALID or PG_EXIT_INPUT. */
static int load_dir(const char *dir, struct pg_policy **ret)
{
	struct pg_policy_error err;
	char bad[4096] = "";
	int r = pg_policy_load_dir(dir, ret, &err, bad, sizeof(bad));

	if (r == 0)
		return PG_EXIT_OK;
	if (!bad[0])
		(void)snprintf(bad, sizeof(bad), "%s", dir);
	if (err.line)
		fprintf(stderr, "%s:%u:%u: error: %s\n", bad, err.line, err.column, err.msg);
	else
		fprintf(stderr, "%s: error: %s%s%s\n", bad, err.msg, r == -EINVAL || r == -E2BIG ?
			"" : ": ", r == -EINVAL || r == -E2BIG ? "" : strerror(-r));
	return r == -EINVAL || r == -E2BIG ? EXIT_INVALID : PG_EXIT_INPUT;
}

static bool is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
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

/* VVVV:DDDD:SSSS:TTTT@RR, every part given: 0; VVVV:DDDD with a part missing: -EDOM (the
 * lookup never guesses subsystem or revision: a default would select a different entry);
 * anything else: -EINVAL (then it may be a BDF or a dump file). */
static int parse_ids(const char *p, struct pg_policy_device *dev)
{
	unsigned v, d, sv, sd, rev;

	if (!hex_field(&p, 4, &v) || *p++ != ':' || !hex_field(&p, 4, &d))
		return -EINVAL;
	if (*p != ':' || (p++, !hex_field(&p, 4, &sv)) || *p++ != ':' ||
	    !hex_field(&p, 4, &sd) || *p++ != '@' || !hex_field(&p, 2, &rev) || *p)
		return -EDOM;
	*dev = (struct pg_policy_device){ .vendor = (uint16_t)v, .device = (uint16_t)d,
		.subvendor = (uint16_t)sv, .subdevice = (uint16_t)sd, .revision = (uint8_t)rev,
		.class_code = PG_POLICY_CLASS_UNKNOWN };
	return 0;
}

/* The device to look up: full IDs, a dump file or a BDF (read-only sysfs backend: only
 * config space is read, nothing is written). vfio: is refused, it would open the device
 * for writing. Returns an exit code; prints its errors. */
static int device_key(const char *cmd, const char *spec, const char *root,
		      struct pg_policy_device *dev)
{
	struct pg_guest_error err = { "" };
	struct pg_guest_dev g;
	int r = parse_ids(spec, dev);

	if (r == 0)
		return PG_EXIT_OK;
	if (r == -EDOM || !strncmp(spec, "vfio:", 5)) {
		pg_cli_error(cmd, "bad device '%s' (expected VVVV:DDDD:SSSS:TTTT@RR with "
			     "subsystem and revision, a dump file or a BDF; nothing is guessed)",
			     spec);
		return PG_EXIT_USAGE;
	}
	if (pg_guest_open(spec, NULL, root, &g, &err) < 0) {
		pg_cli_error(cmd, "%s", err.msg);
		return PG_EXIT_INPUT;
	}
	r = pg_guest_policy_key(&g, dev);
	pg_guest_close(&g);
	if (r < 0) {
		pg_cli_error(cmd, "%s: cannot read its config space", spec);
		return PG_EXIT_INPUT;
	}
	return PG_EXIT_OK;
}

/* Print the entry of p that applies to dev (named by its own file when p is a directory),
 * or say the default applies. */
static void show_match(const char *path, const struct pg_policy *p, const char *spec,
		       const struct pg_policy_device *dev)
{
	const struct pg_policy_entry *e = p ? pg_policy_lookup_device(p, dev) : NULL;

	if (e)
		print_entry(e->file ? e->file : path, e);
	else
		printf("%s: no entry matches %s; the default applies (profile guest, nothing "
		       "opened)\n", path, spec);
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name); /* the loader's byte-wise order */
}

/* Check each file the loader reads on its own, in the loader's order, so every file's
 * errors are reported (the loader stops at the first); name the files it ignores. Returns
 * the worst status; *nread gets the number of files read. */
static int check_dir_files(const char *dir, unsigned *nread)
{
	struct dirent **names = NULL;
	int n = scandir(dir, &names, NULL, by_name), status = PG_EXIT_OK;

	*nread = 0;
	if (n < 0) {
		fprintf(stderr, "%s: error: cannot read the policy directory: %s\n", dir,
			strerror(errno));
		return PG_EXIT_INPUT;
	}
	for (int i = 0; i < n; i++) {
		const char *name = names[i]->d_name;
		struct pg_policy *p = NULL;
		char path[4096];
		int r;

		if (snprintf(path, sizeof(path), "%s%s%s", dir, dir[strlen(dir) - 1] == '/' ?
			     "" : "/", name) >= (int)sizeof(path)) {
			fprintf(stderr, "%s: error: path too long\n", dir);
			status = PG_EXIT_INPUT;
		} else if (!pg_policy_dir_reads(name)) {
			if (name[0] != '.')
				printf("%s: ignored (only NAME.yaml files are read)\n", path);
		} else if ((r = load_one(path, &p)) == PG_EXIT_OK) {
			printf("%s: ok (%zu device%s)\n", path, pg_policy_count(p),
			       pg_policy_count(p) == 1 ? "" : "s");
			pg_policy_free(p);
			(*nread)++;
		} else {
			(*nread)++;
			if (r == PG_EXIT_INPUT || status == PG_EXIT_OK)
				status = r;
		}
	}
	for (int i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return status;
}

/*
 * policy check DIR: every file on its own (all errors, file:line), then the directory as
 * serve, launch and view load it: one policy, precedence and uniqueness across files
 * (pcigate-policy(5), POLICY DIRECTORY). With a device, the entry that applies, named by
 * its file and line. Returns an exit code.
 */
static int check_dir(const char *dir, const char *device, const struct pg_policy_device *dev)
{
	struct pg_policy *p = NULL;
	unsigned nfiles;
	int status = check_dir_files(dir, &nfiles);

	if (status != PG_EXIT_OK) {
		fprintf(stderr, "%s: error: invalid (serve, launch and view refuse the whole "
			"directory)\n", dir);
		return status;
	}
	status = load_dir(dir, &p);
	if (status != PG_EXIT_OK)
		return status;
	printf("%s: ok (%u file%s, %zu device%s)%s\n", dir, nfiles, nfiles == 1 ? "" : "s",
	       p ? pg_policy_count(p) : 0, p && pg_policy_count(p) == 1 ? "" : "s",
	       p && pg_policy_count(p) ? "" : ": no policy, every device gets the default");
	if (device)
		show_match(dir, p, device, dev);
	pg_policy_free(p);
	return PG_EXIT_OK;
}

static int policy_check(int argc, char **argv, const char *device, const char *root)
{
	const char *def = pg_policy_default_dir();
	char *defv[] = { (char *)(uintptr_t)def };
	struct pg_policy_device dev;
	int status = PG_EXIT_OK;

	if (device && (status = device_key("policy check", device, root, &dev)) != PG_EXIT_OK)
		return status;
	if (argc < 1 && !is_dir(def)) {
		/* no FILE: the default directory, which may well not exist */
		printf("%s: no policy directory: every device gets the default (profile guest, "
		       "nothing opened)\n", def);
		return fflush(stdout) == 0 ? PG_EXIT_OK : PG_EXIT_INPUT;
	}
	if (argc < 1) {
		argc = 1;
		argv = defv;
	}
	for (int i = 0; i < argc; i++) {
		struct pg_policy *p = NULL;
		int r = is_dir(argv[i]) ? check_dir(argv[i], device, &dev) : load_one(argv[i], &p);

		if (r == PG_EXIT_OK && p) {
			size_t n = pg_policy_count(p);

			printf("%s: ok (%zu device%s)\n", argv[i], n, n == 1 ? "" : "s");
			if (device)
				show_match(argv[i], p, device, &dev);
			pg_policy_free(p);
		} else if (r == PG_EXIT_INPUT || status == PG_EXIT_OK) {
			status = r;
		}
	}
	if (fflush(stdout) != 0)
		return PG_EXIT_INPUT;
	return status;
}


static int policy_lookup(int argc, char **argv, const char *root)
{
	struct pg_policy_device dev;
	struct pg_policy *p = NULL;
	int r;

	if (argc != 2) {
		pg_cli_error("policy lookup", "expected FILE and a DEVICE (VVVV:DDDD:SSSS:TTTT@RR, "
			     "a dump file or a BDF)");
		return PG_EXIT_USAGE;
	}
	r = device_key("policy lookup", argv[1], root, &dev);
	if (r != PG_EXIT_OK)
		return r;
	r = is_dir(argv[0]) ? load_dir(argv[0], &p) : load_one(argv[0], &p);
	if (r != PG_EXIT_OK)
		return r;
	show_match(argv[0], p, argv[1], &dev);
	pg_policy_free(p);
	return fflush(stdout) == 0 ? PG_EXIT_OK : PG_EXIT_INPUT;
}

/* Read the device (dump or BDF, read-only), parse and inspect it, print the policy. */
static int generate_text(const char *spec, const char *root, char **ret)
{
	struct pg_guest_error err = { "" };
	struct pg_inspect_result *res = calloc(1, sizeof(*res));
	uint8_t *buf = calloc(1, PG_CFG_EXT_LEN);
	struct pg_cfg_bar_sizes sizes;
	struct pg_cfg_layout *l = NULL;
	struct pg_guest_dev g;
	int r, n;

	if (!res || !buf) {
		r = -ENOMEM;
		goto out_free;
	}
	r = pg_guest_open(spec, NULL, root, &g, &err);
	if (r < 0) {
		pg_cli_error("policy generate", "%s", err.msg);
		goto out_free;
	}
	n = pg_backend_snapshot(g.be, buf, &sizes);
	r = n < 0 ? n : pg_cfg_parse(buf, (size_t)n, &sizes, &l);
	if (r == 0)
		r = pg_inspect(l, res);
	if (r == 0)
		r = pg_policy_generate(l, res, g.desc, ret);
	if (r < 0)
		pg_cli_error("policy generate", "%s: %s", spec, strerror(-r));
	pg_cfg_free(l);
	pg_guest_close(&g);
out_free:
	free(buf);
	free(res);
	return r;
}

static int policy_generate(int argc, char **argv, const char *root)
{
	char *text = NULL;

	if (argc != 1) {
		pg_cli_error("policy generate", "expected one DEVICE (a dump file or a BDF)");
		return PG_EXIT_USAGE;
	}
	if (!strncmp(argv[0], "vfio:", 5)) {
		pg_cli_error("policy generate", "'%s': give the BDF without vfio: (read-only)",
			     argv[0]);
		return PG_EXIT_USAGE;
	}
	if (generate_text(argv[0], root, &text) < 0)
		return PG_EXIT_INPUT;
	fputs(text, stdout);
	free(text);
	return fflush(stdout) == 0 ? PG_EXIT_OK : PG_EXIT_INPUT;
}

enum { OPT_DEVICE = 0x100, OPT_SYSFS_ROOT };

int pg_cmd_policy(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "device", required_argument, NULL, OPT_DEVICE },
		{ "sysfs-root", required_argument, NULL, OPT_SYSFS_ROOT },
		PG_CLI_OPT_HELP, { 0 },
	};
	const char *device = NULL, *root = NULL, *cmd;
	struct pg_cli_parser parser = { NULL, ":h", longopts, pg_cmd_policy_usage };
	int c;

	if (argc < 2) {
		pg_cli_error("policy", "expected 'check', 'lookup' or 'generate' (see 'pcigate "
			     "help policy')");
		return PG_EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		pg_cmd_policy_usage(stdout);
		return PG_EXIT_OK;
	}
	cmd = !strcmp(argv[1], "check") ? "policy check" :
	      !strcmp(argv[1], "lookup") ? "policy lookup" :
	      !strcmp(argv[1], "generate") ? "policy generate" : NULL;
	if (!cmd) {
		pg_cli_error("policy", "unknown action '%s' (expected 'check', 'lookup' or "
			     "'generate')", argv[1]);
		return PG_EXIT_USAGE;
	}
	parser.cmd = cmd;
	pg_cli_opts_begin();
	while ((c = pg_cli_next_opt(&parser, argc - 1, argv + 1)) != PG_OPT_END) {
		if (c == PG_OPT_HELP)
			return PG_EXIT_OK;
		if (c == PG_OPT_BAD)
			return PG_EXIT_USAGE;
		if (c == OPT_DEVICE)
			device = optarg;
		else
			root = optarg;
	}
	argc -= 1 + optind;
	argv += 1 + optind;
	if (device && cmd[7] != 'c') {
		pg_cli_error(cmd, "--device is for 'check'");
		return PG_EXIT_USAGE;
	}
	if (cmd[7] == 'c')
		return policy_check(argc, argv, device, root);
	if (cmd[7] == 'l')
		return policy_lookup(argc, argv, root);
	return policy_generate(argc, argv, root);
}
