/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Effects: how decisions describe what must happen (no I/O here; exec.c carries them out).
 * Hooks queue effects and refuse bits through these helpers.
 */
#include <errno.h>
#include <string.h>
#include <syslog.h>

#include "mediator-private.h"

bool pg_med_push(struct pg_write_decision *d, const struct pg_effect *e)
{
	if (d->neffects >= PG_MEDIATOR_MAX_EFFECTS)
		return false;
	d->effects[d->neffects++] = *e;
	return true;
}

void pg_med_post(struct pg_wctx *w, const struct pg_effect *e)
{
	if (w->npost >= PG_MED_MAX_POST) {
		w->overflow = true;
		return;
	}
	w->post[w->npost++] = *e;
}

/* Smallest naturally aligned chunk (1, 2 or 4 bytes) of a size-byte register holding every
 * byte of mask (mask non-zero and within size). */
static void narrow(uint8_t size, uint32_t mask, unsigned *ret_first, uint8_t *ret_n)
{
	unsigned lo = (unsigned)__builtin_ctz(mask) / 8u;
	unsigned hi = (31u - (unsigned)__builtin_clz(mask)) / 8u;

	if (lo == hi) {
		*ret_first = lo;
		*ret_n = 1;
	} else if (lo / 2u == hi / 2u) {
		*ret_first = lo & ~1u;
		*ret_n = 2;
	} else {
		*ret_first = 0;
		*ret_n = size;
	}
}

void pg_med_cfg_effect(struct pg_effect *e, uint16_t off, uint8_t size, uint32_t value,
		       uint32_t mask, uint32_t rw1c)
{
	unsigned first = 0;
	uint8_t n = size;

	if (mask & pg_size_mask(size))
		narrow(size, mask & pg_size_mask(size), &first, &n);
	e->kind = PG_EFFECT_CFG_WRITE;
	e->u.cfg.off = (uint16_t)(off + first);
	e->u.cfg.size = n;
	e->u.cfg.value = (value >> (8u * first)) & pg_size_mask(n);
	e->u.cfg.write_mask = (mask >> (8u * first)) & pg_size_mask(n);
	e->u.cfg.rw1c_mask = (rw1c >> (8u * first)) & pg_size_mask(n);
}

bool pg_med_push_cfg(struct pg_write_decision *d, uint16_t off, uint8_t size, uint32_t value,
		     uint32_t mask, uint32_t rw1c)
{
	if (d->neffects >= PG_MEDIATOR_MAX_EFFECTS)
		return false;
	pg_med_cfg_effect(&d->effects[d->neffects++], off, size, value, mask, rw1c); /* in place */
	return true;
}

void pg_med_post_cfg(struct pg_wctx *w, uint16_t off, uint8_t size, uint32_t value,
		     uint32_t mask)
{
	struct pg_effect e;

	memset(&e, 0, sizeof(e));
	pg_med_cfg_effect(&e, off, size, value, mask, 0);
	pg_med_post(w, &e);
}

void pg_med_hw_bits(struct pg_wctx *w, uint32_t bits, uint32_t want, uint16_t *hw)
{
	/* An unchanged bit is no write at all: a refused enable, or a rewrite of the same
	 * value, must not reach a device whose state the write would not change. */
	if (!((want ^ *hw) & bits))
		return;
	*hw = (uint16_t)((*hw & ~bits) | (want & bits));
	w->hw_mask |= bits;
	w->hw_value = (w->hw_value & ~bits) | (want & bits);
}

void pg_med_deny(struct pg_mediator *m, struct pg_reg *r, struct pg_wctx *w, uint32_t bits,
		 const char *rule, bool hard)
{
	uint64_t gv = pg_wctx_guest_value(r, w);

	if (!hard && m->profile == PG_PROFILE_PERMISSIVE) {
		pg_med_audit(m, PG_SPACE_CFG, 0, w->off, w->size, gv, PG_AUDIT_PERMISSIVE, rule);
		return;
	}
	r->value = (r->value & ~bits) | (w->old & bits);
	w->hw_mask &= ~bits;
	pg_med_audit(m, PG_SPACE_CFG, 0, w->off, w->size, gv, PG_AUDIT_DENIED, rule);
}

void pg_med_reset_effect(const struct pg_mediator *m, const char *why, uint16_t off,
			 uint8_t size, uint32_t value, struct pg_effect *ret)
{
	memset(ret, 0, sizeof(*ret));
	ret->kind = PG_EFFECT_RESET;
	memcpy(ret->u.reset.methods, m->reset_order, sizeof(m->reset_order));
	ret->u.reset.nmethods = m->n_reset;
	ret->u.reset.why = why;
	ret->u.reset.off = off;
	ret->u.reset.size = size;
	ret->u.reset.value = value;
}

