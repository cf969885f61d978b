/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pcigate dump [--sysfs-root DIR] BDF...
 *
 * Write a live device's config space with its BAR sizes, in the dump format that
 * `inspect --dump`, `view`, `session` and `serve` read back (include/pcigate/dump.h):
 *
 *     0000:03:00.0 Ethernet controller: Intel Corporation I210 (rev 03)
 *     # pcigate: bar0=128K bar1=0 bar2=32 bar3=16K bar4=0 bar5=0 rom=0
 *     00: 86 80 33 15 ...
 *
 * A config dump alone cannot tell a BAR's size, nor an unassigned BAR from a missing one;
 * the kernel knows both (sysfs `resource`, read-only), so the dump carries them and
 * nothing has to be guessed later. Read-only: the sysfs backend opens only `config` and
 * `resource`; never a BAR, never a write.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <pcigate/pcigate.h>

#include "cli.h"

void pg_cmd_dump_usage(FILE *out)
{
	fputs("usage: pcigate dump [--sysfs-root DIR] BDF...\n"
	      "\n"
	      "Print live devices' config space and BAR sizes (from sysfs, read-only) as a\n"
	      "dump that `pcigate inspect --dump`, view, session and serve read back:\n"
	      "  pcigate dump 03:00.0 > card.txt\n"
	      "Run as root: without CAP_SYS_ADMIN the kernel shows only 64 bytes.\n"
	      "  --sysfs-root DIR read live devices under DIR instead of /sys (testing)\n"
	      "  -h, --help       show this help\n"
	      "exit status: 0 success; 2 usage error; 3 a device could not be read (the\n"
	      "others are still printed).\n", out);
}

/* "# pcigate: bar0=128K ..." from the backend's BAR table. A BAR the kernel sizes gets its
 * size; one it reports absent gets 0, but only when its register reads 0 (anything else
 * would contradict the config bytes); the upper half of a 64-bit BAR and a BAR present
 * without a size get nothing (unknown). */
static void annotation(struct pg_backend *be, const uint8_t *cfg, size_t len, char *out,
		       size_t cap)
{
	unsigned type = len > 0x0e ? cfg[0x0e] & 0x7fu : 0x7fu;
	unsigned nbars = type == 0 ? 6u : type == 1 ? 2u : 0u;
	unsigned rom = type == 0 ? 0x30u : type == 1 ? 0x38u : 0u;
	size_t used = 0;

	out[0] = '\0';
	for (unsigned i = 0; i < PG_CFG_NUM_BARS; i++) {
		unsigned reg = i == PG_CFG_ROM_BAR ? rom : 0x10u + 4u * i;
		struct pg_bar_info info;
		char key[8], sz[32];
		bool zero;

		if ((i < PG_CFG_ROM_BAR && i >= nbars) || !reg || reg + 4u > len ||
		    pg_backend_bar_info(be, i, &info) < 0 || info.kind == PG_BAR_MEM64_HI)
			continue;
		zero = !cfg[reg] && !cfg[reg + 1] && !cfg[reg + 2] && !cfg[reg + 3];
		if (info.present && info.size)
			pg_dump_size_text(info.size, sz, sizeof(sz));
		else if (!info.present && zero)
			snprintf(sz, sizeof(sz), "0");
		else
			continue;
		used += (size_t)snprintf(out + used, used < cap ? cap - used : 0, " %s=%s",
					 pg_cli_bar_key(i, key, sizeof(key)), sz);
	}
}

/* The lspci-style description: class, vendor, device names (or IDs) and revision. */
static void describe(struct pg_names *names, const uint8_t *cfg, size_t len, char *out,
		     size_t cap)
{
	struct pg_cfg_layout *l = NULL;
	struct pg_dev_names n = { NULL, NULL, NULL, NULL };

	if (pg_cfg_parse(cfg, len, NULL, &l) < 0) {
		snprintf(out, cap, "(unparsable)");
		return;
	}
	pg_names_lookup(names, l, &n);
	if (n.class_name && n.vendor && n.device)
		snprintf(out, cap, "%s: %s %s (rev %02x)", n.class_name, n.vendor, n.device,
			 l->revision);
	else
		snprintf(out, cap, "Class %04x: Device %04x:%04x (rev %02x)",
			 (unsigned)(l->class_code >> 8), l->vendor, l->device, l->revision);
	for (char *p = out; *p; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f)
			*p = '?'; /* the dump reader keeps printable ASCII only */
	pg_cfg_free(l);
}

static int dump_one(const char *root, struct pg_names *names, const char *bdf, bool first)
{
	uint8_t *cfg = malloc(PG_CFG_EXT_LEN);
	struct pg_backend *be = NULL;
	char desc[200], annot[160];
	int n = cfg ? pg_backend_sysfs_open(bdf, 0, root, &be) : -ENOMEM;

	if (n == 0)
		n = pg_backend_snapshot(be, cfg, NULL);
	if (n < 0) {
		pg_cli_error("dump", "%s: %s", bdf, n == -ENODEV ? "no such PCI device" : strerror(-n));
		pg_backend_close(be);
		free(cfg);
		return n;
	}
	describe(names, cfg, (size_t)n, desc, sizeof(desc));
	annotation(be, cfg, (size_t)n, annot, sizeof(annot));
	pg_backend_close(be);
	if (n < (int)PG_CFG_STD_LEN)
		pg_cli_warn("dump", "%s: only %d bytes of config space are readable without "
			    "root (CAP_SYS_ADMIN); run as root for all of it", bdf, n);
	printf("%s%s %s\n", first ? "" : "\n", bdf, desc);
	if (annot[0])
		printf("# pcigate:%s\n", annot);
	for (int off = 0; off + 16 <= n; off += 16) {
		printf(off < 0x100 ? "%02x:" : "%03x:", off);
		for (int i = 0; i < 16; i++)
			printf(" %02x", cfg[off + i]);
		putchar('\n');
	}
	free(cfg);
	return 0;
}

int pg_cmd_dump(int argc, char **argv)
{
	const char *root = NULL;
	struct pg_names *names = NULL;
	char (*bdfs)[13] = calloc((size_t)argc, sizeof(*bdfs));
	int nb = 0, rc = PG_EXIT_OK;

	static const struct option longopts[] = {
		{ "sysfs-root", required_argument, NULL, 'R' }, PG_CLI_OPT_HELP, { 0 }
	};
	static const struct pg_cli_parser parser = { "dump", ":h", longopts,
						     pg_cmd_dump_usage };
	int c;

	if (!bdfs)
		return PG_EXIT_INPUT;
	pg_cli_opts_begin();
	while (rc == PG_EXIT_OK && (c = pg_cli_next_opt(&parser, argc, argv)) != PG_OPT_END) {
		if (c == PG_OPT_HELP || c == PG_OPT_BAD) {
			free(bdfs);
			return c == PG_OPT_HELP ? PG_EXIT_OK : PG_EXIT_USAGE;
		}
		root = optarg; /* 'R', the only option with a value */
	}
	for (int i = optind; i < argc; i++) {
		if (pg_bdf_parse(argv[i], bdfs[nb]) < 0) {
			pg_cli_error("dump", "'%s' is not a PCI address ([dddd:]bb:dd.f)", argv[i]);
			rc = PG_EXIT_USAGE;
		} else {
			nb++;
		}
	}
	if (rc == PG_EXIT_OK && !nb) {
		pg_cli_error("dump", "no BDF given (see 'pcigate help dump')");
		rc = PG_EXIT_USAGE;
	}
	if (rc == PG_EXIT_OK && pg_names_open(&names) < 0)
		names = NULL;
	for (int i = 0; rc != PG_EXIT_USAGE && i < nb; i++)
		if (dump_one(root, names, bdfs[i], i == 0) < 0)
			rc = PG_EXIT_INPUT;
	pg_names_close(names);
	free(bdfs);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		pg_cli_error("dump", "cannot write the dump: %s", strerror(errno));
		rc = PG_EXIT_INPUT;
	}
	return rc;
}
