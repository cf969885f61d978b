/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * MSI capability (PCI 3.0 §6.8.1).
 *
 * Address, Data and the per-vector Mask bits are virtual: the guest programs guest
 * physical addresses and vectors, which must never reach the device (a hostile guest could
 * otherwise aim the device's writes at any host address or interrupt). Enabling MSI, or
 * changing the message while enabled, yields a PG_EFFECT_IRQ for the VMM to set up the
 * real route. Multiple Message Enable is clamped to Multiple Message Capable (vfio, Xen).
 * One interrupt type at a time (irq.c). In the device-model profile the Enable bit itself
 * also reaches the hardware (pciback allow_interrupt_control), only when it changes there:
 * a refused enable writes nothing.
 *
 * Layout (64-bit address, per-vector masking, where Message Data and the Mask bits sit)
 * is the cfg parser's decode of Message Control (struct pg_cap_msi), not re-derived here.
 */
#include <errno.h>
#include <string.h>

#include "mediator-private.h"
#include "regs.h"

static void ctrl_write(struct pg_mediator *m, struct pg_reg *r, struct pg_wctx *w)
{
	uint32_t mme = (r->value & MSI_CTRL_MME) >> MSI_CTRL_MME_SHIFT;

	if (mme > m->msi.mmc)
		r->value = (r->value & ~MSI_CTRL_MME) | (uint32_t)m->msi.mmc << MSI_CTRL_MME_SHIFT;
	(void)pg_med_irq_exclusive(m, r, w, PG_IRQ_MSI, MSI_CTRL_ENABLE);
	if (m->profile == PG_PROFILE_DEVICE_MODEL && (w->bm & MSI_CTRL_ENABLE))
		pg_med_hw_bits(w, MSI_CTRL_ENABLE, r->value, &m->msi.hw_ctrl);
	if ((r->value ^ w->old) & MSI_CTRL_ENABLE ||
	    ((r->value & MSI_CTRL_ENABLE) && ((r->value ^ w->old) & MSI_CTRL_MME)))
		pg_med_post_irq(m, w, PG_IRQ_MSI, PG_IRQ_ALL_VECTORS);
	pg_med_intx_sync(m, w);
}

/* Address, Data, Mask: a change while MSI is enabled re-routes. */
static void msg_write(struct pg_mediator *m, struct pg_reg *r, struct pg_wctx *w)
{
	if (r->value != w->old && pg_med_msi_enabled(m))
		pg_med_post_irq(m, w, PG_IRQ_MSI, PG_IRQ_ALL_VECTORS);
}

static const struct pg_row_def row_ctrl = {
	.rel = MSI_CTRL, .size = 2, .id = "msi.control",
	.virt = MSI_CTRL_ENABLE | MSI_CTRL_MMC | MSI_CTRL_MME | MSI_CTRL_64BIT | MSI_CTRL_PVM,
	.ro = MSI_CTRL_MMC | MSI_CTRL_64BIT | MSI_CTRL_PVM,
	.rsvdp = MSI_CTRL_RSVD,
	.snap = MSI_CTRL_64BIT | MSI_CTRL_PVM, /* MMC: the clamped value, added at init */
	.write = ctrl_write,
};

static const struct pg_row_def row_addr = {
	.rel = MSI_ADDR, .size = 4, .id = "msi.addr",
	.virt = ~(uint32_t)MSI_ADDR_RSVD, .rsvdp = MSI_ADDR_RSVD, .write = msg_write,
};

static const struct pg_row_def row_addr_hi = {
	.rel = MSI_ADDR_HI, .size = 4, .id = "msi.addr_hi", .virt = 0xffffffffu,
	.write = msg_write,
};

/* Offsets relative to Message Data. */
static const struct pg_row_def row_data = {
	.rel = 0, .size = 2, .id = "msi.data", .virt = 0xffffu, .write = msg_write,
};

/* The upper half of the data dword of a maskable capability (PCI 3.0 §6.8.1: reserved). */
static const struct pg_row_def row_data_rsvd = {
	.rel = 2, .size = 2, .id = "msi.reserved", .rsvdp = 0xffffu,
};

/* Offsets relative to Mask Bits; the mask row's bits depend on the vector count. */
static const struct pg_row_def row_mask = {
	.rel = 0, .size = 4, .id = "msi.mask", .write = msg_write,
};

static const struct pg_row_def row_pending = {
	.rel = 4, .size = 4, .id = "msi.pending", .ro = 0xffffffffu,
};

static int add_mask_rows(struct pg_mediator *m, uint16_t data, uint16_t mask)
{
	uint32_t nvec = 1u << m->msi.mmc;
	uint32_t vecs = nvec >= 32 ? 0xffffffffu : (1u << nvec) - 1u;
	struct pg_reg r;
	int rc = pg_med_add_def(m, data, &row_data_rsvd, 0, NULL);

	if (rc < 0)
		return rc;
	pg_med_def_row(m, mask, &row_mask, 0, &r);
	r.virt = vecs;       /* one mask bit per vector the function has */
	r.rsvdp = ~vecs;
	rc = pg_med_add(m, &r, &m->msi.row_mask);
	return rc < 0 ? rc : pg_med_add_def(m, mask, &row_pending, 0, NULL);
}

int pg_med_msi_init(struct pg_mediator *m, const struct pg_med_cap *cap)
{
	const struct pg_cap_msi *info = &cap->src->info.msi;
	uint16_t c = cap->off, data = (uint16_t)(c + info->data_off);
	int rc;

	if (m->msi.present)
		return -EEXIST; /* a second MSI capability: which one would the device use? */
	if (cap->src->truncated || !cap->src->decoded)
		return -ERANGE;
	m->msi.row_ahi = m->msi.row_mask = PG_ROW_NONE;
	m->msi.mmc = info->mmc > MSI_MM_MAX ? MSI_MM_MAX : info->mmc; /* 6, 7 reserved */
	rc = pg_med_add_def(m, c, &row_ctrl, (uint32_t)m->msi.mmc << MSI_CTRL_MMC_SHIFT,
			    &m->msi.row_ctrl);
	if (!rc)
		rc = pg_med_add_def(m, c, &row_addr, 0, &m->msi.row_alo);
	if (!rc && info->is64)
		rc = pg_med_add_def(m, c, &row_addr_hi, 0, &m->msi.row_ahi);
	if (!rc)
		rc = pg_med_add_def(m, data, &row_data, 0, &m->msi.row_data);
	if (!rc && info->maskable)
		rc = add_mask_rows(m, data, (uint16_t)(c + info->mask_off));
	if (rc < 0)
		return rc;
	m->msi.present = true;
	m->msi.hw_ctrl = info->control & MSI_CTRL_ENABLE;
	m->msi.cap = c;
	m->msi.is64 = info->is64;
	m->msi.maskable = info->maskable;
	return 0;
}
