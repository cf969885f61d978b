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
/* A capability field whose value is a code with names (field-names.c). */
struct pg_code_name {
	uint64_t value;
	const char *name;
};

struct pg_coded_field {
	bool extended;
	uint16_t cap_id;
	const char *field;              /* pg_field.name */
	const char *label;              /* what the text report calls it */
	const struct pg_code_name *names;
	size_t nnames;
	/* NULL, or what to print instead when the value carries no meaning for this cap */
	const char *(*unset)(const struct pg_cap *cap, uint64_t value);
};

/* The names table for field of cap, or NULL when its value is not a code. */
const struct pg_coded_field *pg_inspect_coded_field(const struct pg_cap *cap,
						    const struct pg_field *field);
/* Every coded field (tests); *ret_n entries, static. */
const struct pg_coded_field *pg_inspect_coded_fields(size_t *ret_n);
/* The name of value, or "unknown (0xN)" written into buf (len >= 32) for a value the
 * table does not define; cap (may be NULL) lets a field say its value is unset ("none
 * logged"). Returns static storage or buf. */
const char *pg_inspect_code_name(const struct pg_coded_field *f, const struct pg_cap *cap,
				 uint64_t value, char *buf, size_t len);

struct pg_strbuf;
void pg_report_topo_text(struct pg_strbuf *sb, const struct pg_topo_dev *t);
/* The "VFIO:" section of a vfio:BDF device's text report (report-vfio.c). */
void pg_report_vfio_text(struct pg_strbuf *sb, const struct pg_report_vfio *v);

#endif
