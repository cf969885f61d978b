/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Internal helpers shared by the findings engine and the two report renderers.
 */
#ifndef PG_INSPECT_PRIVATE_H
#define PG_INSPECT_PRIVATE_H

#include <pcigate/inspect.h>

#define PG_PAGE_SIZE 4096u

/* Stable lower-case name of a header kind ("endpoint", "bridge", "cardbus", "unknown"),
 * used as header.kind in JSON and in the text report. Never NULL. */
const char *pg_inspect_hdr_kind_name(enum pg_hdr_kind kind);

/* Whether a BAR slot holds something worth reporting (implemented, not the upper half of
 * a 64-bit BAR). */
static inline bool pg_inspect_bar_reported(const struct pg_bar *b)
{
	return b->kind != PG_BAR_NONE && b->kind != PG_BAR_MEM64_HI;
}

/* The topology lines of a live device's text report (report-topo.c). */
struct pg_strbuf;
void pg_report_topo_text(struct pg_strbuf *sb, const struct pg_topo_dev *t);

#endif
