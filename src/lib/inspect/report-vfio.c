/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The VFIO section of a report (a device opened through vfio-pci, "vfio:BDF"): what VFIO
 * offers for it (device reset, hot reset, interrupt vectors, mmapped regions), whether
 * interrupts are remapped as the vfio backend established it, and the MSI-X direct-map
 * decision with its reason (include/pcigate/backend.h). Read once by
 * pg_report_vfio_read(), rendered here as text and by report-json.c as the "vfio" object.
 * Everything rendered is numbers or the library's own static text.
 */
#include <errno.h>
#include <string.h>

#include <pcigate/backend.h>
#include <pcigate/mediator.h>

#include "inspect-private.h"
#include "util/strbuf.h"

int pg_report_vfio_read(struct pg_backend *be, struct pg_report_vfio *ret)
{
	struct pg_report_vfio v;
	struct pg_mediator *m = NULL;
	int r;

	if (!be || !ret)
		return -EINVAL;
	memset(&v, 0, sizeof(v));
	r = pg_vfio_info(be, &v.info);
	if (r < 0)
		return r;
	/* The decision a guest-profile mediator makes (what `pcigate serve` logs at start);
	 * without one, the backend still says why it would not map. */
	if (pg_mediator_new(be, NULL, &m) < 0)
		m = NULL;
	v.msix_direct = pg_vfio_msix_direct_map(be, m, &v.msix_why);
	if (!m)
		v.msix_why = "no guest view could be built for the device: trapped";
	pg_mediator_free(m);
	*ret = v;
	return 0;
}

void pg_report_vfio_text(struct pg_strbuf *sb, const struct pg_report_vfio *v)
{
	const struct pg_vfio_info *i = &v->info;

	pg_strbuf_printf(sb, "VFIO:\n"
			     "  IOMMU group:          %d\n"
			     "  reset:                VFIO_DEVICE_RESET %s (kernel order: %s), hot "
			     "reset %s\n"
			     "  interrupt remapping:  %s (%s)\n"
			     "  interrupts:           INTx %u, MSI %u, MSI-X %u vectors\n"
			     "  MSI-X table:          %s (%s)\n",
			 i->group, i->reset ? "offered" : "not offered",
			 i->reset_method[0] ? i->reset_method : "none",
			 i->hot_reset ? "possible" : "not possible", i->irq_remap ? "on" : "off",
			 i->irq_remap_why ? i->irq_remap_why : "",
			 i->irq_count[0], i->irq_count[1], i->irq_count[2],
			 v->msix_direct ? "direct map allowed" : "trapped",
			 v->msix_why ? v->msix_why : "");
}
