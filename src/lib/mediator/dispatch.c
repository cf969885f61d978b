/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The one dispatcher: every config access goes through here, whatever its size, and is
 * split across rows and gaps by the per-byte index. Bit rules live in the row masks and
 * are applied only here, so no handler re-implements RO/RW1C/RsvdP/RsvdZ (the bug class
 * libvfio-user's switch-based pci_hdr_write carries). Decisions never touch the device.
 *
 * Threat: the guest picks offset, size and value freely. An access must lie within one
 * dword (PCI configuration transactions are dword-addressed with byte enables, so a
 * crossing access has no hardware meaning) and within the device's config length.
 */
#include <errno.h>
#include <string.h>
#include <syslog.h>

#include "mediator-private.h"

static inline bool access_ok(const struct pg_mediator *m, uint16_t off, uint8_t size)
{
	/* size 1, 2 or 4 (bits 1, 2 and 4 of 0x16), within its dword, within the device */
	return size <= 4u && ((0x16u >> size) & 1u) && (off & 3u) + size <= 4u &&
	       (uint32_t)off + size <= m->cfg_len;
}

/* Gap bytes of the permissive profile read from the hardware; hidden ones never do. */
static bool gap_is_hw(const struct pg_mediator *m, uint16_t e)
{
	return e == 0 && m->profile == PG_PROFILE_PERMISSIVE;
}

/*
 * A read in the coordinates of its dword, as a write is below: each row met contributes its
 * virtual bits and its hardware-read mask at its place in the dword (wr_shift), then the
 * access's bytes are cut out (shifted down by the access's own place, masked to its size),
 * which drops the parts of rows the access does not cover. A row never crosses a dword
 * (pg_regtable_add) and neither does an access (access_ok), so this takes at most four
 * steps, one per row or gap byte; an access that is exactly one row takes one. Gap bytes:
 * read from the hardware in the permissive profile, else the deny byte (counted).
 */
static inline void read_plan(struct pg_mediator *m, uint16_t off, uint8_t size,
			     uint32_t *ret_value, uint32_t *ret_hw)
{
	const struct pg_regtable *t = &m->rt;
	unsigned b = off, end = (unsigned)off + size, sh = 8u * (off & 3u);
	uint32_t v = 0, hw = 0, all = pg_size_mask(size);
	bool fixed = false;

	while (b < end) {
		uint16_t e = t->map[b];

		if (e && !(e & PG_MAP_HIDDEN)) {
			const struct pg_reg *r = &t->rows[e - 1u];

			v |= (r->value & r->virt) << r->wr_shift;
			hw |= r->rd_hw << r->wr_shift;
			b = (unsigned)r->off + r->size; /* past b: the row holds byte b */
		} else {
			if (gap_is_hw(m, e))
				hw |= 0xffu << (8u * (b & 3u));
			else
				fixed = true; /* the deny byte, PG_MEDIATOR_DENY_BYTE, is 0 */
			b++;
		}
	}
	if (fixed)
		m->audit_state.c.reads_fixed++;
	*ret_value = (v >> sh) & all;
	*ret_hw = (hw >> sh) & all;
}
_Static_assert(PG_MEDIATOR_DENY_BYTE == 0, "read_plan() leaves denied bytes at zero");

int pg_mediator_decide_read(struct pg_mediator *m, uint16_t off, uint8_t size,
			    struct pg_read_decision *ret)
{
	uint32_t v, hw;

	if (!m || !ret || !access_ok(m, off, size))
		return -EINVAL;
	read_plan(m, off, size, &v, &hw);
	memset(ret, 0, sizeof(*ret));
	ret->space = PG_SPACE_CFG;
	ret->off = off;
	ret->size = size;
	ret->value = v;
	ret->hw_mask = hw;
	return 0;
}

/* The hardware bytes of an unaligned read, one by one (only the bytes needed). Out of line:
 * the aligned read, nearly every read, keeps a small frame. The trusted read skips the
 * backend's geometry check: access_ok() made it, and a byte is always aligned
 * (pg_backend_cfg_read_trusted()). */
__attribute__((noinline))
static int fetch_bytes(struct pg_mediator *m, uint16_t off, uint8_t size, uint32_t hw_mask,
		       uint32_t *ret)
{
	uint32_t v = 0, b;
	int rc;

	for (unsigned i = 0; i < size; i++) {
		if (!((hw_mask >> (8u * i)) & 0xffu))
			continue;
		rc = pg_backend_cfg_read_trusted(m->be, (uint16_t)(off + i), 1, &b);
		if (rc < 0)
			return rc;
		v |= b << (8u * i);
	}
	*ret = v;
	return 0;
}

/*
 * read_plan() of a whole dword that has a plan (struct pg_dw_plan): its rows' virtual bits
 * in one pass, no stepping through the map; the hardware mask was fixed when the rows were
 * added. The decision (pg_mediator_decide_read) keeps stepping, so the unit tests compare
 * this against it after writes, resets and hooks.
 */
static inline void dword_plan(const struct pg_regtable *t, uint16_t off, uint32_t *ret_value,
			      uint32_t *ret_hw)
{
	const struct pg_dw_plan *p = &t->dw[off / 4u];
	const struct pg_reg *a = &t->rows[p->rows[0] - 1u], *b = &t->rows[p->rows[1] - 1u];

	*ret_value = (a->value & a->virt) << a->wr_shift | (b->value & b->virt) << b->wr_shift;
	*ret_hw = p->hw;
}

/* Any read the dword plan does not cover: stepping through the map (read_plan()), then the
 * fetch. Out of line, so the planned whole-dword read keeps a small frame. */
__attribute__((noinline))
static int cfg_read_stepped(struct pg_mediator *m, uint16_t off, uint8_t size, uint32_t *val)
{
	uint32_t v, hw, cur = 0;
	int rc;

	if (!access_ok(m, off, size))
		return -EINVAL;
	read_plan(m, off, size, &v, &hw);
	if (hw) {
		/* one access when aligned to its size (access_ok() checked the rest) */
		rc = !(off & (size - 1u)) ? pg_backend_cfg_read_trusted(m->be, off, size, &cur)
					  : fetch_bytes(m, off, size, hw, &cur);
		if (rc < 0)
			return rc;
	}
	*val = (cur & hw) | v;
	return 0;
}

/* The decision and its fetch without a decision struct: a guest read of a device-owned
 * register is the hot read (issue 9: the mediator's share of a VFIO config read). An aligned
 * dword inside the device whose dword has a plan (access_ok()'s checks for size 4) takes
 * dword_plan() and at most one backend read; every other read steps. */
int pg_mediator_cfg_read(struct pg_mediator *m, uint16_t off, uint8_t size, uint32_t *val)
{
	uint32_t v, hw, cur = 0;
	int rc;

	if (!val || !m)
		return -EINVAL;
	if (size != 4u || (off & 3u) || (uint32_t)off + 4u > m->cfg_len ||
	    !m->rt.dw[off / 4u].rows[0])
		return cfg_read_stepped(m, off, size, val);
	dword_plan(&m->rt, off, &v, &hw);
	if (hw) {
		rc = pg_backend_cfg_read_trusted(m->be, off, 4, &cur);
		if (rc < 0)
			return rc;
	}
	*val = (cur & hw) | v;
	return 0;
}

/* Audit changes to deny bits (strict) or permissive-only bits (permissive). Out of line:
 * the hot write path stays small. */
__attribute__((noinline))
static void audit_row(struct pg_mediator *m, struct pg_reg *r, const struct pg_wctx *w)
{
	uint32_t vdeny = r->deny & r->virt & w->bm;
	uint32_t hdeny = r->deny & ~r->virt & w->bm;
	uint32_t perm = r->paudit & w->bm;
	uint64_t gv = pg_wctx_guest_value(r, w);

	if (((w->val ^ r->value) & vdeny) || (w->val & hdeny))
		pg_med_audit(m, PG_SPACE_CFG, 0, w->off, w->size, gv, PG_AUDIT_DENIED, r->id);
	if ((w->val ^ r->pvalue) & perm) {
		pg_med_audit(m, PG_SPACE_CFG, 0, w->off, w->size, gv, PG_AUDIT_PERMISSIVE,
			     r->id);
		r->pvalue = (r->pvalue & ~perm) | (w->val & perm);
	}
}

/* Would audit_row() record anything? Its two tests, inline: a rewrite of a row with deny or
 * permissive-audit bits (Device Control, Link Control) then costs no call. */
static inline bool audit_due(const struct pg_reg *r, uint32_t bm, uint32_t v)
{
	uint32_t denied = ((v ^ r->value) & r->virt) | (v & ~r->virt);

	return (r->deny & bm & denied) || (r->paudit & bm & (v ^ r->pvalue));
}

/*
 * Write coordinates. An access lies within one dword (access_ok) and a row never crosses
 * one (natural alignment, pg_regtable_add), so a write is split in the coordinates of its
 * dword: am the bytes written, dv the value at its place. The part for a row starting at
 * byte rk of the dword is (am, dv) shifted down by rk bytes and cut to the row's size:
 * two shifts and two ANDs per row, whatever the access's offset and size.
 */

/* The hooked row's hardware write into the slot reserved before its hook ran (ahead of
 * the hook's posts), or, with nothing for the hardware, the slot closed up. */
static inline int finish_hooked(struct pg_reg *r, struct pg_wctx *w,
				struct pg_write_decision *d)
{
	if (w->hw_mask) {
		if (w->slot >= PG_MEDIATOR_MAX_EFFECTS)
			return -ENOSPC;
		pg_med_cfg_effect(&d->effects[w->slot], r->off, r->size, w->hw_value, w->hw_mask,
				  r->rw1c);
		return 0;
	}
	if (w->slot >= PG_MEDIATOR_MAX_EFFECTS)
		return 0;
	d->neffects--;
	if (d->neffects > w->slot) /* the hook posted: move its effects up */
		memmove(&d->effects[w->slot], &d->effects[w->slot + 1u],
			(d->neffects - w->slot) * sizeof(d->effects[0]));
	return 0;
}

/* Apply one guest write to the n bytes at off, bm (value v) in row coordinates, of row r.
 * Inlined into the dispatcher: it runs once per row of every write. */
static inline __attribute__((always_inline)) int
write_row(struct pg_mediator *m, struct pg_reg *r, uint16_t off, unsigned n, uint32_t bm,
	  uint32_t v, struct pg_write_decision *d)
{
	struct pg_wctx w;
	uint32_t vw;

	/* no memset: this is the hot path */
	w.d = d;
	w.off = off;          /* the guest's bytes within the row (for audit) */
	w.size = (uint8_t)n;
	w.bm = bm;
	w.val = v;
	w.old = r->value;
	w.slot = PG_MEDIATOR_MAX_EFFECTS;
	w.overflow = false;
	if (r->wr_audit && audit_due(r, bm, v))
		audit_row(m, r, &w);

	vw = r->wr_virt & bm;
	r->value = (r->value & ~vw) | (v & vw);
	/* Only RW1C bits written as 1 act (the executor writes the others as 0), and RsvdZ
	 * bits are written as 0 only along with bits that reach the hardware anyway: a write
	 * of zeros to RW1C and reserved bits alone is no write at all. */
	w.hw_mask = (r->pass | (r->rw1c & v)) & bm;
	if (w.hw_mask)
		w.hw_mask |= r->rsvdz & bm;
	w.hw_value = v & r->wr_hw;
	if (r->write) {
		/* the row's own hardware write goes before its hook's effects: its slot is
		 * reserved first, so the hook posts straight into the decision (a hooked row
		 * needs one free slot even when it ends up writing nothing) */
		if (d->neffects < PG_MEDIATOR_MAX_EFFECTS)
			w.slot = d->neffects++;
		r->write(m, r, &w);
		return w.overflow ? -ENOSPC : finish_hooked(r, &w, d);
	}
	if (w.hw_mask && !pg_med_push_cfg(d, r->off, r->size, w.hw_value, w.hw_mask, r->rw1c))
		return -ENOSPC;
	return 0;
}

/* write_row() for a row with no hook and nothing to audit (most status and read-only
 * rows): the same mask rules without the hook context. */
static inline __attribute__((always_inline)) int write_plain(struct pg_reg *r, uint32_t bm,
							    uint32_t v,
							    struct pg_write_decision *d)
{
	uint32_t vw = r->wr_virt & bm;
	uint32_t hw_mask = (r->pass | (r->rw1c & v)) & bm;

	r->value = (r->value & ~vw) | (v & vw);
	if (!hw_mask)
		return 0;
	hw_mask |= r->rsvdz & bm;
	return pg_med_push_cfg(d, r->off, r->size, v & r->wr_hw, hw_mask, r->rw1c) ? 0 : -ENOSPC;
}

/* Bytes no visible row owns: dropped and audited; the permissive profile writes plain
 * gap bytes (not hidden ones) through, in naturally aligned pieces. */
__attribute__((cold, noinline))
static int write_gap(struct pg_mediator *m, uint16_t e, uint16_t off, uint8_t n, uint32_t val,
		     struct pg_write_decision *d)
{
	char rule[48];
	bool pass = gap_is_hw(m, e);

	if (e & PG_MAP_HIDDEN)
		pg_med_hidden_rule(m, (uint16_t)(e & ~PG_MAP_HIDDEN), rule, sizeof(rule));
	else
		memcpy(rule, "default-deny", sizeof("default-deny"));
	pg_med_audit(m, PG_SPACE_CFG, 0, off, n, val & pg_size_mask(n),
		     pass ? PG_AUDIT_PERMISSIVE : PG_AUDIT_DENIED, rule);
	if (!pass)
		return 0;
	for (uint16_t p = off; p < off + n;) {
		uint8_t s = (p % 4u == 0 && p + 4u <= off + n) ? 4 :
			    (p % 2u == 0 && p + 2u <= off + n) ? 2 : 1;
		uint32_t v = (val >> ((p - off) * 8u)) & pg_size_mask(s);

		if (!pg_med_push_cfg(d, p, s, v, pg_size_mask(s), 0))
			return -ENOSPC;
		p = (uint16_t)(p + s);
	}
	return 0;
}

/* pg_mediator_decide_write() for a checked access; inlined into both the decision call and
 * pg_mediator_cfg_write(), so the decide-and-act path is one call deep until the executor. */
static inline __attribute__((always_inline)) int
decide_write(struct pg_mediator *m, uint16_t off, uint8_t size, uint32_t value,
	     struct pg_write_decision *ret)
{
	unsigned lo = off & 3u, end = lo + size;
	uint16_t base = (uint16_t)(off - lo);
	uint32_t am = pg_size_mask(size) << (8u * lo);
	uint32_t dv = (value << (8u * lo)) & am;
	int rc = 0;

	ret->neffects = 0;
	for (unsigned k = lo; k < end;) {
		uint16_t e = m->rt.map[base + k];

		if (__builtin_expect(e && !(e & PG_MAP_HIDDEN), 1)) {
			/* a row: the bytes of the access within it */
			struct pg_reg *r = &m->rt.rows[e - 1u];
			uint32_t bm = (am >> r->wr_shift) & r->wr_all;
			uint32_t v = (dv >> r->wr_shift) & r->wr_all;
			unsigned next = r->wr_end; /* the row's end */

			if (r->wr_plain)
				rc = write_plain(r, bm, v, ret);
			else
				rc = write_row(m, r, (uint16_t)(base + k),
					       (next < end ? next : end) - k, bm, v, ret);
			k = next;
		} else {
			unsigned j = k + 1;

			while (j < end && m->rt.map[base + j] == e)
				j++;
			rc = write_gap(m, e, (uint16_t)(base + k), (uint8_t)(j - k),
				       dv >> (8u * k), ret);
			k = j;
		}
		if (__builtin_expect(rc < 0, 0)) {
			pg_med_log(m, LOG_ERR, "write 0x%03x/%u produced too many effects", off,
				   size);
			return rc;
		}
	}
	return 0;
}

int pg_mediator_decide_write(struct pg_mediator *m, uint16_t off, uint8_t size, uint32_t value,
			     struct pg_write_decision *ret)
{
	if (!m || !ret || !access_ok(m, off, size))
		return -EINVAL;
	return decide_write(m, off, size, value, ret);
}

int pg_mediator_cfg_write(struct pg_mediator *m, uint16_t off, uint8_t size, uint32_t value)
{
	struct pg_write_decision d;
	int rc;

	if (!m || !access_ok(m, off, size))
		return -EINVAL;
	rc = decide_write(m, off, size, value, &d);
	/* an empty decision (most rewrites of virtual registers) is an empty loop there */
	return rc < 0 ? rc : pg_med_apply(m, &d, true);
}
