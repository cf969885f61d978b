/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pcigate view [--profile P] [--policy FILE] [--sysfs-root DIR] DEVICE
 *
 * Print the configuration space a guest would see through the mediator, as an `lspci -x`
 * style dump ("SLOT DESCRIPTION" then "OFF: b0 ... b15" lines) that `lspci -F FILE -vvv`
 * decodes: 256 bytes, or 4096 when the device has extended space. Every byte is read
 * through pg_mediator_cfg_read(), the path a guest's config read takes, so the dump shows
 * exactly what the profile and policy let through: hidden capabilities unlinked and
 * reading 0x00, virtual BARs starting at 0, emulated identity.
 *
 * DEVICE is a dump file (model backend) or a BDF (sysfs backend, read-only: only the
 * config and resource files are read). Reads never change the device.
 *
 * This file also holds what `pcigate session` shares with view: options, opening the
 * device and the policy entry (libpcigate's pg_guest_open(), as serve does), building the
 * mediator.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include <pcigate/pcigate.h>

#include "cli.h"

/* ---- shared with pcigate session -------------------------------------------------------- */

int pg_guest_opt(int c, const char *v, struct pg_guest_opts *o)
{
	switch (c) {
	case PG_GUEST_OPT_POLICY:
		o->policy = v;
		return 1;
	case PG_GUEST_OPT_SYSFS_ROOT:
		o->sysfs_root = v;
		return 1;
	case PG_GUEST_OPT_FORCE:
		o->force = true;
		return 1;
	case PG_GUEST_OPT_PROFILE:
		if (pg_profile_parse(v, &o->profile) < 0) {
			pg_cli_error(o->cmd, "--profile '%s': not guest, device-model or "
				     "permissive", v);
			return -PG_EXIT_USAGE;
		}
		return 1;
	default:
		return 0;
	}
}

int pg_guest_operand(int argc, char **argv, struct pg_guest_opts *o)
{
	if (optind < argc)
		o->device = argv[optind];
	if (optind + 1 < argc) {
		pg_cli_error(o->cmd, "unexpected argument '%s': one DEVICE only", argv[optind + 1]);
		return PG_EXIT_USAGE;
	}
	if (!o->device) {
		pg_cli_error(o->cmd, "no DEVICE given (a dump file or a BDF)");
		return PG_EXIT_USAGE;
	}
	return 0;
}

int pg_cli_guest_open(const struct pg_guest_opts *o, struct pg_guest *g)
{
	struct pg_guest_error err = { "" };
	int rc;

	memset(g, 0, sizeof(*g));
	rc = pg_guest_open(o->device, o->policy ? o->policy : pg_policy_default_dir(),
			   o->sysfs_root, &g->dev, &err);
	if (rc == 0) {
		rc = pg_guest_check(&g->dev, o->device, o->force, &err);
		if (rc < 0)
			pg_guest_close(&g->dev);
	}
	if (rc < 0) {
		pg_cli_error(o->cmd, "%s", err.msg);
		return rc;
	}
	if (g->dev.ndevs > 1)
		pg_cli_warn(o->cmd, "%s holds %zu devices; using the first (%s)", o->device, g->dev.ndevs, g->dev.slot);
	pg_cli_warn_guesses(o->cmd, o->device, g->dev.be);
	if (g->dev.policy && !g->dev.entry)
		pg_cli_warn(o->cmd, "%s: no entry in %s for %04x:%04x; profile %s", o->device,
			    o->policy ? o->policy : pg_policy_default_dir(),
			    g->dev.ids & 0xffffu, g->dev.ids >> 16, pg_profile_name(o->profile));
	if (g->dev.entry) {
		char desc[320];

		(void)pg_guest_entry_describe(&g->dev, o->policy, desc, sizeof(desc));
		fprintf(stderr, "pcigate %s: %s: policy entry %s\n", o->cmd, o->device, desc);
	}
	return 0;
}

void pg_cli_guest_close(struct pg_guest *g)
{
	if (g)
		pg_guest_close(&g->dev);
}

void pg_guest_log(void *data, int level, const char *msg)
{
	struct pg_guest *g = data;

	if (level <= LOG_ERR && g->building) {
		(void)snprintf(g->last_err, sizeof(g->last_err), "%s", msg);
		return;
	}
	if (level <= LOG_WARNING)
		(level <= LOG_ERR ? pg_cli_error : pg_cli_warn)(g->cmd, "%s", msg);
}

int pg_guest_mediator(const struct pg_guest_opts *o, struct pg_guest *g,
		      struct pg_backend *be, struct pg_mediator_config *mc,
		      struct pg_mediator **ret)
{
	int rc;

	mc->profile = o->profile;
	mc->policy = g->dev.entry;
	mc->name = g->dev.slot;
	mc->log = pg_guest_log;
	mc->log_data = g;
	g->cmd = o->cmd;
	g->last_err[0] = '\0';
	g->building = true;
	rc = pg_mediator_new(be, mc, ret);
	g->building = false;
	if (rc < 0)
		pg_cli_error(o->cmd, "%s: cannot mediate the device: %s", o->device,
			   g->last_err[0] ? g->last_err : strerror(-rc));
	else if (g->dev.vfio)
		pg_cli_vfio_decision(o->cmd, g->dev.be, *ret);
	return rc;
}

/* ---- view ------------------------------------------------------------------------------- */

void pg_cmd_view_usage(FILE *out)
{
	fputs("usage: pcigate view [--profile P] [--policy FILE] [--sysfs-root DIR]\n"
	      "                    [--transport T] DEVICE\n"
	      "\n"
	      "Print the config space a guest sees through the mediator as an lspci -x style\n"
	      "dump (256 bytes, or 4096 when the device has extended space) that\n"
	      "`lspci -F FILE -vvv` decodes.\n"
	      "  DEVICE           an lspci -x dump file (modelled device) or a BDF (live host\n"
	      "                   device, read-only: config and resource files only), or\n"
	      "                   vfio:BDF (a device bound to vfio-pci, read through VFIO)\n"
	      "  --profile P      guest (default), device-model or permissive\n"
	      "  --policy FILE    per-device policy; its entry's profile replaces --profile\n"
	      "  --sysfs-root DIR read live devices under DIR instead of /sys (testing)\n"
	      "  --force          a device `pcigate inspect` rates HIGH (otherwise refused,\n"
	      "                   naming the findings, unless --policy has an entry for it)\n"
	      "  -h, --help       show this help\n"
	      "  --transport T    none (default) or qemu72: the view `pcigate serve` gives\n"
	      "                   QEMU 7.2 (64-bit BARs as 32-bit, no ROM, no BAR >= 2 GiB)\n"
	      "exit status: 0 success; 2 usage error; 3 the device could not be read or\n"
	      "mediated (bridges are not), or the policy is invalid.\n", out);
}

/* Bytes of the view: what a guest's config space has, 4096 only for a function with
 * extended config space (PCIe, PCI-X mode 2) read beyond 256 bytes, and only when the
 * transport carries it. A conventional function has 256 bytes even when its dump holds
 * 4096 (lspci -xxxx pads with zeros or ones). */
static uint16_t view_len(struct pg_backend *be, unsigned options)
{
	uint8_t *buf = malloc(PG_CFG_EXT_LEN);
	struct pg_cfg_layout *l = NULL;
	uint16_t len = PG_CFG_STD_LEN;
	int n = buf && !(options & PG_MEDIATOR_OPT_NO_EXT_CFG) ? pg_backend_snapshot(be, buf, NULL)
								 : -ENOMEM;

	if (n > (int)PG_CFG_STD_LEN && pg_cfg_parse(buf, (size_t)n, NULL, &l) == 0 &&
	    l->ext_walked)
		len = PG_CFG_EXT_LEN;
	pg_cfg_free(l);
	free(buf);
	return len;
}

/* Read the guest view. Bytes beyond the device's config length read as the mediator's
 * fixed byte: the guest's config space has them, the device does not. */
static int read_view(struct pg_mediator *m, uint16_t cfg_len, uint8_t *buf, uint16_t len)
{
	memset(buf, PG_MEDIATOR_DENY_BYTE, len);
	for (uint32_t off = 0; off < len && off < cfg_len;) {
		uint8_t size = off % 4u == 0 && off + 4u <= cfg_len ? 4 : 1;
		uint32_t v = 0;
		int rc = pg_mediator_cfg_read(m, (uint16_t)off, size, &v);

		if (rc < 0)
			return rc;
		for (unsigned i = 0; i < size; i++)
			buf[off + i] = (uint8_t)(v >> (8u * i));
		off += size;
	}
	return 0;
}

static int print_view(const struct pg_guest *g, const uint8_t *buf, uint16_t len)
{
	printf("%s %s\n", g->dev.slot, g->dev.desc);
	for (uint32_t off = 0; off < len; off += 16) {
		printf(off < 0x100 ? "%02x:" : "%03x:", off);
		for (unsigned i = 0; i < 16; i++)
			printf(" %02x", buf[off + i]);
		putchar('\n');
	}
	return fflush(stdout) == 0 && !ferror(stdout) ? 0 : -EIO;
}

/* --transport qemu72: the view `pcigate serve` gives QEMU 7.2 (mediator options). */
static int parse_transport(const char *v, unsigned *options)
{
	if (strcmp(v, "qemu72") && strcmp(v, "none")) {
		pg_cli_error("view", "--transport '%s': not qemu72 or none", v);
		return PG_EXIT_USAGE;
	}
	*options = strcmp(v, "qemu72") ? 0 : PG_MEDIATOR_TRANSPORT_QEMU72;
	return 0;
}

static int parse_view(int argc, char **argv, struct pg_guest_opts *o, unsigned *options)
{
	static const struct option longopts[] = {
		PG_GUEST_LONGOPTS, { "transport", required_argument, NULL, 'T' },
		PG_CLI_OPT_HELP, { 0 }
	};
	static const struct pg_cli_parser parser = { "view", ":h", longopts,
						     pg_cmd_view_usage };
	int c, r;

	pg_cli_opts_begin();
	while ((c = pg_cli_next_opt(&parser, argc, argv)) != PG_OPT_END) {
		if (c == PG_OPT_HELP)
			return -1;
		if (c == PG_OPT_BAD)
			return PG_EXIT_USAGE;
		r = pg_guest_opt(c, optarg, o);
		if (r < 0)
			return -r;
		if (!r && parse_transport(optarg, options)) /* 'T' */
			return PG_EXIT_USAGE;
	}
	return pg_guest_operand(argc, argv, o);
}

int pg_cmd_view(int argc, char **argv)
{
	struct pg_guest_opts o = { .cmd = "view", .profile = PG_PROFILE_GUEST };
	struct pg_mediator_config mc;
	struct pg_mediator *m = NULL;
	struct pg_guest g;
	uint8_t buf[PG_CFG_EXT_LEN];
	unsigned options = 0;
	uint16_t len;
	int rc;

	rc = parse_view(argc, argv, &o, &options);
	if (rc)
		return rc < 0 ? PG_EXIT_OK : rc;
	if (pg_cli_guest_open(&o, &g) < 0)
		return PG_EXIT_INPUT;
	pg_mediator_config_init(&mc);
	mc.options = options;
	rc = pg_guest_mediator(&o, &g, g.dev.be, &mc, &m);
	if (rc == 0) {
		len = view_len(g.dev.be, options);
		rc = read_view(m, pg_backend_cfg_len(g.dev.be), buf, len);
		if (rc < 0)
			pg_cli_error("view", "%s: reading config space: %s", o.device, strerror(-rc));
	}
	if (rc == 0) {
		rc = print_view(&g, buf, len);
		if (rc < 0)
			pg_cli_error("view", "writing the dump: %s", strerror(-rc));
	}
	pg_mediator_free(m);
	pg_cli_guest_close(&g);
	return rc < 0 ? PG_EXIT_INPUT : PG_EXIT_OK;
}
