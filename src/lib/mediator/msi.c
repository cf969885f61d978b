/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * MSI capability (PCI 3.0 §6.8.1).
 *
 * Address, Data and the per-vector Mask bits are virtual: the guest programs guest
 * physical addresses and vectors, which must never reach the device (a hostile guest could
 * otherwise aim the device's writes at any host address or interrupt). Enabling MSI, or
 * changing the message while enabled, yields a PG_EFFECT_IRQ for the VMM to set up the
 * real route. Multiple Message Enable is clamped to Multiple Message Capable (vfio, Xen).
 * One interrupt type at a time: enabling MSI while MSI-X is enabled is refused and
 * audited ("irq-exclusive"). In the device-model profile the Enable bit itself also
 * reaches the hardware (pciback allow_interrupt_control), only when it changes there: a
 * refused enable writes nothing.
 */
#include <errno.h>
#include <string.h>

#include "mediator-private.h"

#define MSI_ENABLE 0x0001u
#define MSI_MMC 0x000eu
#define MSI_MME 0x0070u
#define MSI_64 0x0080u
#define MSI_PVM 0x0100u
#define MSIX_ENABLE 0x8000u
#define MSIX_MASKALL 0x4000u

static uint32_t rowval(const struct pg_mediator *m, uint16_t idx)
{
	const struct pg_reg *r = pg_med_crow(m, idx);

	return r ? r->value : 0;
}

bool pg_med_msi_enabled(const struct pg_mediator *m)
{
	return m->msi.present && (rowval(m, m->msi.row_ctrl) & MSI_ENABLE);
}

bool pg_med_msix_enabled(const struct pg_mediator *m)
{
	return m->msix.present && (rowval(m, m->msix.row_ctrl) & MSIX_ENABLE);
}

static void msi_fill(const struct pg_mediator *m, struct pg_irq_effect *e)
{
	uint32_t ctl = rowval(m, m->msi.row_ctrl);

	e->enabled = ctl & MSI_ENABLE;
	e->nvectors = (uint16_t)(1u << ((ctl & MSI_MME) >> 4));
	e->addr = rowval(m, m->msi.row_alo) | (uint64_t)rowval(m, m->msi.row_ahi) << 32;
	e->data = rowval(m, m->msi.row_data);
	e->msi_mask = rowval(m, m->msi.row_mask);
	e->masked = e->msi_mask & 1u;
}

static void msix_fill(const struct pg_mediator *m, uint16_t vector, struct pg_irq_effect *e)
{
	uint32_t ctl = rowval(m, m->msix.row_ctrl);

	e->enabled = ctl & MSIX_ENABLE;
	e->function_masked = ctl & MSIX_MASKALL;
	e->nvectors = m->msix.nent;
	if (vector < m->msix.nent && m->msix.table) {
		const struct pg_med_msix_entry *t = &m->msix.table[vector];

		e->addr = t->addr_lo | (uint64_t)t->addr_hi << 32;
		e->data = t->data;
		e->masked = t->ctrl & 1u;
	}
}

void pg_med_irq_effect(const struct pg_mediator *m, enum pg_irq_type type, uint16_t vector,
		       struct pg_irq_effect *ret)
{
	memset(ret, 0, sizeof(*ret));
	ret->type = type;
	ret->vector = vector;
	if (type == PG_IRQ_MSI && m->msi.present)
		msi_fill(m, ret);
	else if (type == PG_IRQ_MSIX && m->msix.present)
		msix_fill(m, vector, ret);
	else if (type == PG_IRQ_INTX)
		ret->enabled = !(rowval(m, m->row_cmd) & 0x0400u);
}

static void ctrl_write(struct pg_mediator *m, struct pg_reg *r, struct pg_wctx *w)
{
	uint32_t mme = (r->value & MSI_MME) >> 4;
	bool was = w->old & MSI_ENABLE;

	if (mme > m->msi.mmc)
		r->value = (r->value & ~MSI_MME) | (uint32_t)m->msi.mmc << 4;
	if (!was && (r->value & MSI_ENABLE) && pg_med_msix_enabled(m))
		pg_med_deny(m, r, w, MSI_ENABLE, "irq-exclusive", false);
	if (m->profile == PG_PROFILE_DEVICE_MODEL && (w->bm & MSI_ENABLE))
		pg_med_hw_bits(w, MSI_ENABLE, r->value, &m->msi.hw_ctrl);
	if ((r->value ^ w->old) & MSI_ENABLE ||
	    ((r->value & MSI_ENABLE) && ((r->value ^ w->old) & MSI_MME)))
		pg_med_post_irq(m, w, PG_IRQ_MSI, PG_IRQ_ALL_VECTORS);
	pg_med_intx_sync(m, w);
}

/* Address, Data, Mask: a change while MSI is enabled re-routes. */
static void msg_write(struct pg_mediator *m, struct pg_reg *r, struct pg_wctx *w)
{
	if (r->value != w->old && pg_med_msi_enabled(m))
		pg_med_post_irq(m, w, PG_IRQ_MSI, PG_IRQ_ALL_VECTORS);
}

static int add(struct pg_mediator *m, uint16_t off, uint8_t size, const char *id,
	       uint32_t virt, uint32_t ro, uint32_t rsvdp, uint32_t value, pg_reg_hook hook,
	       uint16_t *ret_idx)
{
	struct pg_reg r;

	memset(&r, 0, sizeof(r));
	r.off = off;
	r.size = size;
	r.virt = virt;
	r.ro = ro;
	r.rsvdp = rsvdp;
	r.value = value & virt;
	r.write = hook;
	pg_reg_set_id(&r, id, NULL);
	return pg_med_add(m, &r, ret_idx);
}

static int add_mask_rows(struct pg_mediator *m, uint16_t c, uint16_t data)
{
	uint32_t nvec = 1u << m->msi.mmc;
	uint32_t vecs = nvec >= 32 ? 0xffffffffu : (1u << nvec) - 1u;
	uint16_t mask = (uint16_t)(data + 4u);
	int rc;

	(void)c;
	rc = add(m, (uint16_t)(data + 2u), 2, "msi.reserved", 0, 0, 0xffffu, 0, NULL, NULL);
	if (!rc)
		rc = add(m, mask, 4, "msi.mask", vecs, 0, ~vecs, 0, msg_write, &m->msi.row_mask);
	if (!rc)
		rc = add(m, (uint16_t)(mask + 4u), 4, "msi.pending", 0, 0xffffffffu, 0, 0, NULL,
			 NULL);
	return rc;
}

int pg_med_msi_init(struct pg_mediator *m, const struct pg_med_cap *cap)
{
	uint16_t c = cap->off;
	uint16_t ctl = (uint16_t)pg_med_snap(m, (uint16_t)(c + 2u), 2);
	bool is64 = ctl & MSI_64, maskable = ctl & MSI_PVM;
	uint16_t data = (uint16_t)(c + (is64 ? 0x0cu : 0x08u));
	uint32_t len = 10u + (is64 ? 4u : 0u) + (maskable ? 10u : 0u);
	uint8_t mmc = (uint8_t)((ctl & MSI_MMC) >> 1);
	int rc;

	if (m->msi.present)
		return -EEXIST; /* a second MSI capability: which one would the device use? */
	if (c + len > PG_CFG_STD_LEN || c + len > m->cfg_len)
		return -ERANGE;
	m->msi.row_ahi = m->msi.row_mask = PG_ROW_NONE;
	m->msi.mmc = mmc > 5 ? 5 : mmc; /* 110b and 111b are reserved encodings */
	rc = add(m, (uint16_t)(c + 2u), 2, "msi.control", 0x01ffu, 0x018eu, 0xfe00u,
		 (ctl & (MSI_64 | MSI_PVM)) | (uint32_t)m->msi.mmc << 1, ctrl_write,
		 &m->msi.row_ctrl);
	if (!rc)
		rc = add(m, (uint16_t)(c + 4u), 4, "msi.addr", 0xfffffffcu, 0, 0x3u, 0, msg_write,
			 &m->msi.row_alo);
	if (!rc && is64)
		rc = add(m, (uint16_t)(c + 8u), 4, "msi.addr_hi", 0xffffffffu, 0, 0, 0, msg_write,
			 &m->msi.row_ahi);
	if (!rc)
		rc = add(m, data, 2, "msi.data", 0xffffu, 0, 0, 0, msg_write, &m->msi.row_data);
	if (!rc && maskable)
		rc = add_mask_rows(m, c, data);
	if (rc < 0)
		return rc;
	m->msi.present = true;
	m->msi.hw_ctrl = ctl & MSI_ENABLE;
	m->msi.cap = c;
	m->msi.is64 = is64;
	m->msi.maskable = maskable;
	return 0;
}
