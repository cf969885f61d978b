/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Interrupt mode: the one place that knows which of INTx, MSI and MSI-X the guest has
 * live, builds PG_EFFECT_IRQ descriptions and keeps INTx off on the hardware while a
 * message interrupt is enabled.
 *
 * One type at a time (PCI 3.0 §6.8.1.3 and §6.8.2.3: MSI and MSI-X must not be enabled
 * together; the result is undefined): enabling one while the other is enabled is refused
 * and audited as "irq-exclusive". INTx Disable reaches the hardware as the guest's value
 * OR MSI/MSI-X enabled OR the no-intx policy flag (Xen cmd_write): a guest that enables
 * MSI-X without setting INTx Disable must not leave a shared line asserted on the host.
 *
 * The guest's view of each enable bit is the virtual value of its row (Control of MSI and
 * MSI-X, Command for INTx Disable), read here and nowhere else.
 */
#include <string.h>

#include "mediator-private.h"
#include "regs.h"

static uint32_t rowval(const struct pg_mediator *m, uint16_t idx)
{
	const struct pg_reg *r = pg_med_crow(m, idx);

	return r ? r->value : 0;
}

bool pg_med_msi_enabled(const struct pg_mediator *m)
{
	return m->msi.present && (rowval(m, m->msi.row_ctrl) & MSI_CTRL_ENABLE);
}

bool pg_med_msix_enabled(const struct pg_mediator *m)
{
	return m->msix.present && (rowval(m, m->msix.row_ctrl) & MSIX_CTRL_ENABLE);
}

static bool guest_intx_disabled(const struct pg_mediator *m)
{
	return rowval(m, m->row_cmd) & CMD_INTX_DISABLE;
}

enum pg_irq_type pg_mediator_irq_type(const struct pg_mediator *m)
{
	if (!m)
		return PG_IRQ_NONE;
	if (pg_med_msix_enabled(m))
		return PG_IRQ_MSIX;
	if (pg_med_msi_enabled(m))
		return PG_IRQ_MSI;
	if (m->row_cmd != PG_ROW_NONE && !guest_intx_disabled(m) && m->snap[REG_INT_PIN] &&
	    !(m->pflags & PG_POLICY_F_NO_INTX))
		return PG_IRQ_INTX;
	return PG_IRQ_NONE;
}

static void msi_fill(const struct pg_mediator *m, struct pg_irq_effect *e)
{
	uint32_t ctl = rowval(m, m->msi.row_ctrl);

	e->enabled = ctl & MSI_CTRL_ENABLE;
	e->nvectors = (uint16_t)(1u << ((ctl & MSI_CTRL_MME) >> MSI_CTRL_MME_SHIFT));
	e->addr = rowval(m, m->msi.row_alo) | (uint64_t)rowval(m, m->msi.row_ahi) << 32;
	e->data = rowval(m, m->msi.row_data);
	e->msi_mask = rowval(m, m->msi.row_mask);
	e->masked = e->msi_mask & 1u;
}

static void msix_fill(const struct pg_mediator *m, uint16_t vector, struct pg_irq_effect *e)
{
	uint32_t ctl = rowval(m, m->msix.row_ctrl);

	e->enabled = ctl & MSIX_CTRL_ENABLE;
	e->function_masked = ctl & MSIX_CTRL_MASKALL;
	e->nvectors = m->msix.nent;
	if (vector < m->msix.nent && m->msix.table) {
		const struct pg_med_msix_entry *t = &m->msix.table[vector];

		e->addr = t->addr_lo | (uint64_t)t->addr_hi << 32;
		e->data = t->data;
		e->masked = t->ctrl & MSIX_ENTRY_MASKED;
	}
}

void pg_med_irq_effect(const struct pg_mediator *m, enum pg_irq_type type, uint16_t vector,
		       struct pg_effect *ret)
{
	struct pg_irq_effect *e = &ret->u.irq;

	memset(ret, 0, sizeof(*ret));
	ret->kind = PG_EFFECT_IRQ;
	e->type = type;
	e->vector = vector;
	if (type == PG_IRQ_MSI && m->msi.present)
		msi_fill(m, e);
	else if (type == PG_IRQ_MSIX && m->msix.present)
		msix_fill(m, vector, e);
	else if (type == PG_IRQ_INTX)
		e->enabled = !guest_intx_disabled(m);
}

void pg_med_post_irq(struct pg_mediator *m, struct pg_wctx *w, enum pg_irq_type type,
		     uint16_t vector)
{
	struct pg_effect *e = pg_med_post_new(w);

	if (e)
		pg_med_irq_effect(m, type, vector, e);
}

bool pg_med_irq_exclusive(struct pg_mediator *m, struct pg_reg *r, struct pg_wctx *w,
			  enum pg_irq_type type, uint32_t enable)
{
	bool other = type == PG_IRQ_MSI ? pg_med_msix_enabled(m) : pg_med_msi_enabled(m);

	if ((w->old & enable) || !(r->value & enable) || !other)
		return true;
	pg_med_deny(m, r, w, enable, "irq-exclusive", false);
	return false;
}

uint16_t pg_med_intx_want(const struct pg_mediator *m)
{
	bool off = guest_intx_disabled(m) || pg_med_msi_enabled(m) || pg_med_msix_enabled(m) ||
		   (m->pflags & PG_POLICY_F_NO_INTX);

	return off ? CMD_INTX_DISABLE : 0;
}

void pg_med_intx_sync(struct pg_mediator *m, struct pg_wctx *w)
{
	uint16_t want = pg_med_intx_want(m);

	if ((m->cmd_hw & CMD_INTX_DISABLE) == want)
		return;
	m->cmd_hw = (uint16_t)((m->cmd_hw & ~CMD_INTX_DISABLE) | want);
	pg_med_post_cfg(w, REG_COMMAND, 2, want, CMD_INTX_DISABLE);
}
