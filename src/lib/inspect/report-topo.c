/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The topology lines of a live device's text report (pg_topo_read()): the IOMMU group and
 * who else is in it, the bound driver, the kernel's reset methods, the bridges above and
 * whether ACS isolates the function upstream. The strings come from sysfs names that the
 * topology module already reduced to canonical BDFs, decimal numbers and printable text,
 * plus the host's interrupt remapping state (static text).
 */
#include <string.h>

#include "inspect-private.h"
#include "util/strbuf.h"

static void put_group(struct pg_strbuf *sb, const struct pg_topo_dev *t)
{
	unsigned others = 0;

	if (t->iommu_group < 0) {
		pg_strbuf_printf(sb, "  iommu      no group (the IOMMU is off or absent: "
				     "passthrough needs it)\n");
		return;
	}
	pg_strbuf_printf(sb, "  iommu      group %d", t->iommu_group);
	for (unsigned i = 0; i < t->ngroup; i++)
		others += strcmp(t->group[i], t->bdf) != 0;
	if (!others && !t->group_truncated) {
		pg_strbuf_printf(sb, ", alone in it\n");
		return;
	}
	pg_strbuf_printf(sb, " with %u other function%s%s:", others, others == 1 ? "" : "s",
			 t->group_truncated ? " (list truncated)" : "");
	for (unsigned i = 0; i < t->ngroup; i++)
		if (strcmp(t->group[i], t->bdf))
			pg_strbuf_printf(sb, " %s", t->group[i]);
	pg_strbuf_printf(sb, " (a group is passed through whole)\n");
}

static void put_isolation(struct pg_strbuf *sb, const struct pg_topo_dev *t)
{
	const struct pg_topo_bridge *b = t->acs_at < t->nupstream ? &t->upstream[t->acs_at] : NULL;

	if (!t->nupstream) {
		pg_strbuf_printf(sb, "  isolation  on a root bus: no bridge above%s\n",
				 t->iommu_group >= 0 ? "" : " (and no IOMMU group)");
		return;
	}
	switch (t->acs) {
	case PG_TOPO_ACS_ISOLATED:
		pg_strbuf_printf(sb, "  isolation  ACS isolates every bridge above\n");
		break;
	case PG_TOPO_ACS_GAP:
		pg_strbuf_printf(sb, "  isolation  NOT isolated at %s (%s): peers below it can "
				     "reach each other without the IOMMU\n",
				 b ? b->bdf : "?", b ? b->why : "?");
		break;
	case PG_TOPO_ACS_UNKNOWN:
		pg_strbuf_printf(sb, "  isolation  unknown at %s (%s)\n", b ? b->bdf : "?",
				 b ? b->why : "?");
		break;
	}
}

void pg_report_topo_text(struct pg_strbuf *sb, const struct pg_topo_dev *t)
{
	put_group(sb, t);
	pg_strbuf_printf(sb, "  driver     %s\n", t->driver[0] ? t->driver : "none");
	if (!t->has_reset_method)
		pg_strbuf_printf(sb, "  reset      none listed (no reset_method: the kernel has no "
				     "reset for it, or predates Linux 5.15)\n");
	else if (!t->reset_method[0])
		pg_strbuf_printf(sb, "  reset      none: the kernel has no way to reset it\n");
	else
		pg_strbuf_printf(sb, "  reset      %s (the kernel's reset_method, in order)\n",
				 t->reset_method);
	pg_strbuf_printf(sb, "  irq remap  %s (%s)\n", pg_topo_irq_remap_name(t->irq_remap),
			 t->irq_remap_why ? t->irq_remap_why : "not read");
	pg_strbuf_printf(sb, "  upstream  ");
	for (unsigned i = 0; i < t->nupstream; i++)
		pg_strbuf_printf(sb, " %s%s", t->upstream[i].bdf, i + 1 < t->nupstream ? "," : "");
	pg_strbuf_printf(sb, "%s\n", !t->nupstream ? " root bus"
				      : t->nupstream > 1 ? " (nearest first)" : "");
	put_isolation(sb, t);
}
