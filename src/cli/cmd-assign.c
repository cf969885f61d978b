// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pcigate assign BDF / pcigate release BDF: hand a device to vfio-pci (driver_override +
 * drivers_probe) and give it back. The library refuses host bridges, bridges and devices
 * whose IOMMU group would not be viable, before anything is written (pg_vfio_assign()).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <pcigate/backend.h>

#include "cli.h"

void pg_cmd_assign_usage(FILE *out)
{
	fputs("usage: pcigate assign [--sysfs-root DIR] BDF\n"
	      "       pcigate release [--sysfs-root DIR] BDF\n"
	      "\n"
	      "assign binds the device to vfio-pci (driver_override, unbind, drivers_probe) so\n"
	      "that `serve --device vfio:BDF` can use it; release gives it back to the host's\n"
	      "drivers. Host bridges, bridges and devices whose IOMMU group has a member bound\n"
	      "to a host driver are refused, naming the reason.\n"
	      "  --sysfs-root DIR a sysfs tree other than /sys (testing)\n"
	      "  -h, --help       show this help\n"
	      "exit status: 0 done; 2 usage error; 3 refused or failed (the reason is printed).\n",
	      out);
}

static int assign_or_release(int argc, char **argv, bool assign)
{
	const char *root = NULL, *bdf = NULL, *verb = assign ? "assign" : "release";
	struct pg_vfio_error err = { "" };
	int r;

	static const struct option longopts[] = {
		{ "sysfs-root", required_argument, NULL, 'R' }, PG_CLI_OPT_HELP, { 0 }
	};
	const struct pg_cli_parser parser = { verb, ":h", longopts, pg_cmd_assign_usage };
	int c;

	pg_cli_opts_begin();
	while ((c = pg_cli_next_opt(&parser, argc, argv)) != PG_OPT_END) {
		if (c == PG_OPT_HELP || c == PG_OPT_BAD)
			return c == PG_OPT_HELP ? PG_EXIT_OK : PG_EXIT_USAGE;
		root = optarg; /* 'R' */
	}
	if (optind < argc)
		bdf = argv[optind];
	if (optind + 1 < argc) {
		pg_cli_error(verb, "unexpected argument '%s': one BDF only", argv[optind + 1]);
		return PG_EXIT_USAGE;
	}
	if (!bdf) {
		pg_cli_error(verb, "no BDF given");
		return PG_EXIT_USAGE;
	}
	r = assign ? pg_vfio_assign(root, bdf, &err) : pg_vfio_release(root, bdf, &err);
	if (r == -EINVAL) {
		pg_cli_error(verb, "%s", err.msg);
		return PG_EXIT_USAGE;
	}
	if (r < 0) {
		pg_cli_error(verb, "%s", err.msg[0] ? err.msg : strerror(-r));
		return PG_EXIT_INPUT;
	}
	printf("%s: %s\n", bdf, assign ? "bound to vfio-pci" : "released from vfio-pci");
	return PG_EXIT_OK;
}

int pg_cmd_assign(int argc, char **argv)
{
	return assign_or_release(argc, argv, true);
}

int pg_cmd_release(int argc, char **argv)
{
	return assign_or_release(argc, argv, false);
}
