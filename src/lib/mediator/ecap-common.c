/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What every extended-capability handler shares (PCIe r5.0 §7.6 extended capabilities):
 * the device-model reduction of a row and the read-only cover of the bytes a handler's
 * table leaves out.
 *
 * Device-model profile: nothing of an extended capability reaches the hardware (the
 * profile lets the interrupt enables through and nothing else, mediator.h): bits a guest
 * would write through become virtual, starting from the device's value, and RW1C bits
 * become refused, so a 1 written to them is audited and clears nothing.
 *
 * A handler whose rows need nothing device-specific is a table: pg_med_ecap_table_init()
 * adds the rows lying within the capability and covers the rest.
 *
 * Every byte of a visible capability belongs to a row: a register a handler's table does
 * not name (a later revision's, a vendor's, one beyond a short capability) reads from the
 * hardware and ignores writes, as a capability without a handler does; the permissive
 * profile writes it through and audits it.
 */
#include <errno.h>

#include "mediator-private.h"

int pg_med_ecap_add(struct pg_mediator *m, struct pg_reg *r)
{
	if (m->profile == PG_PROFILE_DEVICE_MODEL) {
		r->value |= pg_med_snap(m, r->off, r->size) & r->pass;
		r->virt |= r->pass;
		r->wo &= ~r->pass;
		r->pass = 0;
		r->deny |= r->rw1c;
		r->rw1c = 0;
	}
	return pg_med_add(m, r, NULL);
}

int pg_med_ecap_fill(struct pg_mediator *m, const struct pg_med_cap *cap, const char *id)
{
	uint32_t end = (uint32_t)cap->off + cap->len;
	uint32_t p = (uint32_t)cap->off + 4u;
	int rc = 0;

	if (end > m->cfg_len)
		end = m->cfg_len;
	while (p < end && rc == 0) {
		uint32_t q = p;

		if (pg_regtable_row_at(&m->rt, (uint16_t)p)) {
			p++;
			continue;
		}
		while (q < end && !pg_regtable_row_at(&m->rt, (uint16_t)q))
			q++;
		rc = pg_med_ro_rows(m, (uint16_t)p, (uint16_t)q, id);
		p = q;
	}
	return rc;
}

int pg_med_ecap_table_init(struct pg_mediator *m, const struct pg_med_cap *cap,
			   const struct pg_ecap_table *t, size_t n)
{
	const struct pg_ecap_table *e = NULL;
	int rc = 0;

	for (size_t i = 0; i < n && !e; i++)
		if (cap->extended && t[i].id == cap->id)
			e = &t[i];
	if (!e)
		return -EINVAL;
	for (size_t i = 0; i < e->nrows && rc == 0; i++) {
		struct pg_reg r;

		if ((uint32_t)e->rows[i].rel + e->rows[i].size > cap->len)
			continue;
		pg_med_def_row(m, cap->off, &e->rows[i], 0, &r);
		rc = pg_med_ecap_add(m, &r);
	}
	return rc ? rc : pg_med_ecap_fill(m, cap, e->name);
}
