/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The register engine: a table of rows with typed bit masks and a per-byte index.
 *
 * Registration validates everything a dispatcher later relies on (Xen vPCI's
 * vpci_add_register_mask checks, plus our virtual and denied classes), so the hot path
 * never re-checks: size 1/2/4, natural alignment, inside the device's config, masks no
 * wider than the register, classes that cannot contradict each other, no byte owned by two
 * rows. A row that fails validation is never half-registered.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mediator-private.h"

#define PG_REGTABLE_MAX 4096u /* one row per byte at most */

void pg_regtable_init(struct pg_regtable *t, uint16_t cfg_len)
{
	memset(t, 0, sizeof(*t));
	t->len = cfg_len;
}

void pg_regtable_free(struct pg_regtable *t)
{
	if (!t)
		return;
	free(t->rows);
	t->rows = NULL;
	t->nrows = t->cap = 0;
}

static bool disjoint(const uint32_t *masks, size_t n)
{
	uint32_t seen = 0;

	for (size_t i = 0; i < n; i++) {
		if (seen & masks[i])
			return false;
		seen |= masks[i];
	}
	return true;
}

/* The mask rules of the file comment in mediator-private.h. */
static bool masks_valid(const struct pg_reg *r)
{
	uint32_t all = pg_size_mask(r->size);
	const uint32_t cls[] = { r->pass, r->rw1c, r->rsvdp, r->rsvdz, r->ro, r->deny };

	for (size_t i = 0; i < sizeof(cls) / sizeof(cls[0]); i++)
		if (cls[i] & ~all)
			return false;
	if ((r->virt | r->wo | r->value | r->perm_open) & ~all)
		return false;
	if (!disjoint(cls, sizeof(cls) / sizeof(cls[0])))
		return false;
	if (r->virt & (r->pass | r->rw1c | r->rsvdp | r->rsvdz))
		return false;
	if (r->wo & ~r->pass)
		return false;
	if (r->value & ~r->virt)
		return false;
	return true;
}

/* Re-plan the dword holding byte off (struct pg_dw_plan): from the map alone, after it
 * changed there. */
static void plan_dword(struct pg_regtable *t, uint32_t off)
{
	struct pg_dw_plan *p = &t->dw[off / 4u];
	uint16_t seen[2] = { 0, 0 };
	unsigned n = 0;
	uint32_t hw = 0;

	memset(p, 0, sizeof(*p));
	for (uint32_t b = off & ~3u; b < (off & ~3u) + 4u; b++) {
		uint16_t e = b < t->len ? t->map[b] : 0;

		if (!e || (e & PG_MAP_HIDDEN))
			return; /* a gap or hidden byte: the stepping read handles it */
		if (n && seen[n - 1u] == e)
			continue; /* rows are contiguous: same row as the byte before */
		if (n == 2u)
			return; /* three or four rows: not planned */
		seen[n++] = e;
		hw |= t->rows[e - 1u].rd_hw << t->rows[e - 1u].wr_shift;
	}
	p->hw = hw;
	p->rows[0] = seen[0];
	p->rows[1] = n == 2u ? seen[1] : seen[0];
}

static bool shape_valid(const struct pg_regtable *t, const struct pg_reg *r)
{
	if (r->size != 1 && r->size != 2 && r->size != 4)
		return false;
	if (r->off % r->size)
		return false;
	return (uint32_t)r->off + r->size <= t->len;
}

static int grow(struct pg_regtable *t)
{
	uint32_t ncap = t->cap ? (uint32_t)t->cap * 2u : 64u;
	struct pg_reg *rows;

	if (ncap > PG_REGTABLE_MAX)
		ncap = PG_REGTABLE_MAX;
	if (ncap <= t->cap)
		return -ENOSPC;
	rows = realloc(t->rows, ncap * sizeof(*rows));
	if (!rows)
		return -ENOMEM;
	t->rows = rows;
	t->cap = (uint16_t)ncap;
	return 0;
}

int pg_regtable_add(struct pg_regtable *t, const struct pg_reg *r, uint16_t *ret_idx)
{
	struct pg_reg *row;
	int rc;

	if (!t || !r || !shape_valid(t, r) || !masks_valid(r))
		return -EINVAL;
	for (unsigned i = 0; i < r->size; i++) {
		uint16_t e = t->map[r->off + i];

		if (e && !(e & PG_MAP_HIDDEN))
			return -EEXIST;
	}
	if (t->nrows >= t->cap) {
		rc = grow(t);
		if (rc < 0)
			return rc;
	}
	row = &t->rows[t->nrows];
	*row = *r;
	row->id[PG_REG_ID_LEN - 1] = '\0';
	row->init = row->value;
	row->rd_hw = pg_size_mask(r->size) & ~r->virt & ~r->rsvdp & ~r->rsvdz & ~r->wo;
	row->wr_virt = r->virt & ~r->ro & ~r->deny;
	row->wr_hw = r->pass | r->rw1c;
	row->wr_all = pg_size_mask(r->size);
	row->wr_shift = (uint8_t)(8u * (r->off & 3u));
	row->wr_end = (uint8_t)((r->off & 3u) + r->size);
	row->wr_audit = (r->deny | r->paudit) != 0;
	row->wr_plain = !r->write && !row->wr_audit;
	for (unsigned i = 0; i < r->size; i++)
		t->map[r->off + i] = (uint16_t)(t->nrows + 1u);
	if (ret_idx)
		*ret_idx = t->nrows;
	t->nrows++;
	plan_dword(t, r->off); /* a row never crosses a dword (shape_valid) */
	return 0;
}

void pg_regtable_truncate(struct pg_regtable *t, uint16_t n)
{
	while (t->nrows > n) {
		const struct pg_reg *r = &t->rows[--t->nrows];

		for (unsigned i = 0; i < r->size; i++)
			t->map[r->off + i] = 0;
		plan_dword(t, r->off);
	}
}

void pg_regtable_hide(struct pg_regtable *t, uint16_t off, uint16_t len, uint16_t h)
{
	for (uint32_t b = off; b < (uint32_t)off + len && b < t->len; b++)
		if (!t->map[b]) {
			t->map[b] = (uint16_t)(PG_MAP_HIDDEN | h);
			plan_dword(t, b); /* was no plan (a gap), stays none: kept exact anyway */
		}
}
