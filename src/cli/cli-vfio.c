// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Devices named "vfio:BDF" on the command line (inspect, view, session, serve, launch): open
 * through the library's vfio backend, print its refusals once, and log the MSI-X direct-map
 * decision with its reason (inspect's VFIO section is the library's report,
 * pg_report_vfio_read()).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>

#include <pcigate/backend.h>
#include <pcigate/mediator.h>

#include "cli.h"

static void vfio_log(void *data, int level, const char *msg)
{
	const char *cmd = data;

	if (level <= LOG_WARNING)
		pg_cli_warn(cmd, "%s", msg);
}

int pg_cli_vfio_open(const char *cmd, const char *bdf, struct pg_backend **ret)
{
	struct pg_vfio_config vc = { .log = vfio_log, .log_data = (void *)(uintptr_t)cmd };
	struct pg_vfio_error err = { "" };
	int r = pg_backend_vfio_open(bdf, &vc, ret, &err);

	if (r < 0)
		pg_cli_error(cmd, "vfio:%s: %s", bdf, err.msg[0] ? err.msg : strerror(-r));
	return r;
}

void pg_cli_vfio_decision(const char *cmd, struct pg_backend *be, const struct pg_mediator *m)
{
	const char *why = "";
	bool direct;

	if (!be || !pg_backend_is_vfio(be))
		return;
	direct = pg_vfio_msix_direct_map(be, m, &why);
	fprintf(stderr, "pcigate: %s: %s: MSI-X table: %s (%s)\n", cmd, pg_backend_name(be),
		direct ? "may be mapped directly" : "trapped", why);
}
