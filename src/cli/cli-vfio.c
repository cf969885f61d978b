// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Devices named "vfio:BDF" on the command line (inspect, view, session, serve, launch): open
 * through the library's vfio backend, print its refusals once, and print what a user needs
 * to judge the assignment: IOMMU group and members, driver, reset methods, interrupt
 * remapping and the MSI-X direct-map decision with its reason.
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

/* What the topology section above it (IOMMU group, members, driver, reset_method) does not
 * say: what VFIO offers, interrupt remapping and the MSI-X decision. */
void pg_cli_vfio_facts(FILE *out, struct pg_backend *be, const struct pg_mediator *m)
{
	struct pg_vfio_info vi;
	const char *why = "";
	bool direct;

	if (pg_vfio_info(be, &vi) < 0)
		return;
	direct = pg_vfio_msix_direct_map(be, m, &why);
	fprintf(out, "VFIO:\n"
		"  IOMMU group:          %d\n"
		"  reset:                VFIO_DEVICE_RESET %s (kernel order: %s), hot reset %s\n"
		"  interrupt remapping:  %s (%s)\n"
		"  interrupts:           INTx %u, MSI %u, MSI-X %u vectors\n"
		"  MSI-X table:          %s (%s)\n",
		vi.group, vi.reset ? "offered" : "not offered",
		vi.reset_method[0] ? vi.reset_method : "none",
		vi.hot_reset ? "possible" : "not possible", vi.irq_remap ? "on" : "off",
		vi.irq_remap_why, vi.irq_count[0], vi.irq_count[1], vi.irq_count[2],
		direct ? "direct map allowed" : "trapped", why);
}
