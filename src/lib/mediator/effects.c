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
	if (!pg_med_push(w->d, e))
		w->overflow = true;
}

void pg_med_post_cfg(struct pg_wctx *w, uint16_t off, uint8_t size, uint32_t value,
		     uint32_t mask)
{
	struct pg_effect *e = pg_med_post_new(w);

	if (e)
		pg_med_cfg_effect(e, off, size, value, mask, 0);
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

