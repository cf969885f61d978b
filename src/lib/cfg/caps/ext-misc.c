/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Identity and vendor extension capabilities: Device Serial Number (PCIe 6.0 §7.9.3),
 * Vendor-Specific (VSEC, §7.9.5), Designated Vendor-Specific (DVSEC, §7.9.6) and Data
 * Object Exchange (DOE, §7.9.24).
 *
 * VSEC and DVSEC state their own length in bits 31:20 of the dword at cap+4. A hostile
 * value can be anything from 0 to 4095: below the headers the capability is reported
 * (cap-field) and sized to its headers; above, the walker clamps it to the config space
 * and reports any overlap with what follows.
 */
#include "caps-private.h"

#define DSN_LO 0x04u
#define DSN_HI 0x08u

#define VSEC_HDR 0x04u
#define VSEC_ID_MASK 0xffffu
#define VSEC_REV_SHIFT 16
#define VSEC_REV_MASK 0xfu
#define VSEC_LEN_SHIFT 20
#define VSEC_MIN_LEN 0x08u  /* extended header + vendor-specific header */
#define DVSEC_HDR2 0x08u
#define DVSEC_MIN_LEN 0x0au /* + the 16-bit DVSEC ID */

#define DOE_CAP 0x04u
#define DOE_CTRL 0x08u
#define DOE_STATUS 0x0cu
#define DOE_CAP_IRQ 0x001u
#define DOE_CAP_IRQ_MSG_SHIFT 1
#define DOE_CAP_IRQ_MSG_MASK 0x7ffu

const struct pg_field pg_dsn_fields[PG_DSN_NFIELDS] = {
	PG_FIELD(PG_FIELD_U64, dsn.serial, "serial", true),
};

const struct pg_field pg_vsec_fields[PG_VSEC_NFIELDS] = {
	PG_FIELD(PG_FIELD_U16, vsec.vsec_id, "vsec_id", true),
	PG_FIELD(PG_FIELD_U8, vsec.vsec_rev, "vsec_rev", false),
	PG_FIELD(PG_FIELD_U16, vsec.vsec_len, "vsec_len", true),
};

const struct pg_field pg_dvsec_fields[PG_DVSEC_NFIELDS] = {
	PG_FIELD(PG_FIELD_U16, dvsec.vendor, "vendor", true),
	PG_FIELD(PG_FIELD_U8, dvsec.revision, "revision", false),
	PG_FIELD(PG_FIELD_U16, dvsec.dvsec_len, "dvsec_len", true),
	PG_FIELD(PG_FIELD_U16, dvsec.dvsec_id, "dvsec_id", true),
};

const struct pg_field pg_doe_fields[PG_DOE_NFIELDS] = {
	PG_FIELD(PG_FIELD_U32, doe.cap, "cap", true),
	PG_FIELD(PG_FIELD_U32, doe.ctrl, "ctrl", true),
	PG_FIELD(PG_FIELD_U32, doe.status, "status", true),
	PG_FIELD(PG_FIELD_BOOL, doe.irq, "irq", false),
	PG_FIELD(PG_FIELD_U16, doe.irq_msg, "irq_msg", false),
};

void pg_dsn_decode(struct pg_cfg_layout *l, struct pg_cap *cap)
{
	cap->info.dsn.serial = (uint64_t)cap_rd32(l, cap, DSN_LO) |
			       (uint64_t)cap_rd32(l, cap, DSN_HI) << 32;
}

static uint16_t stated_len(uint32_t hdr)
{
	return (uint16_t)(hdr >> VSEC_LEN_SHIFT); /* 12 bits: at most 4095 */
}

uint16_t pg_vsec_length(const struct pg_cfg_layout *l, uint16_t off)
{
	uint16_t len = stated_len(cfg_rd32(l, (uint32_t)off + VSEC_HDR));

	return len < VSEC_MIN_LEN ? VSEC_MIN_LEN : len;
}

void pg_vsec_decode(struct pg_cfg_layout *l, struct pg_cap *cap)
{
	struct pg_ecap_vsec *v = &cap->info.vsec;
	uint32_t hdr = cap_rd32(l, cap, VSEC_HDR);

	v->vsec_id = (uint16_t)(hdr & VSEC_ID_MASK);
	v->vsec_rev = (uint8_t)((hdr >> VSEC_REV_SHIFT) & VSEC_REV_MASK);
	v->vsec_len = stated_len(hdr);
	if (cap->len >= VSEC_HDR + 4u && v->vsec_len < VSEC_MIN_LEN)
		pg_cfg_diag(l, PG_DIAG_CAP_FIELD, cap->offset,
			    "VSEC vsec_len 0x%x is below its 0x%x header bytes", v->vsec_len,
			    VSEC_MIN_LEN);
}

uint16_t pg_dvsec_length(const struct pg_cfg_layout *l, uint16_t off)
{
	uint16_t len = stated_len(cfg_rd32(l, (uint32_t)off + VSEC_HDR));

	return len < DVSEC_MIN_LEN ? DVSEC_MIN_LEN : len;
}

void pg_dvsec_decode(struct pg_cfg_layout *l, struct pg_cap *cap)
{
	struct pg_ecap_dvsec *d = &cap->info.dvsec;
	uint32_t hdr = cap_rd32(l, cap, VSEC_HDR);

	d->vendor = (uint16_t)(hdr & VSEC_ID_MASK);
	d->revision = (uint8_t)((hdr >> VSEC_REV_SHIFT) & VSEC_REV_MASK);
	d->dvsec_len = stated_len(hdr);
	d->dvsec_id = cap_rd16(l, cap, DVSEC_HDR2);
	if (cap->len >= VSEC_HDR + 4u && d->dvsec_len < DVSEC_MIN_LEN)
		pg_cfg_diag(l, PG_DIAG_CAP_FIELD, cap->offset,
			    "DVSEC dvsec_len 0x%x is below its 0x%x header bytes", d->dvsec_len,
			    DVSEC_MIN_LEN);
}

void pg_doe_decode(struct pg_cfg_layout *l, struct pg_cap *cap)
{
	struct pg_ecap_doe *d = &cap->info.doe;

	d->cap = cap_rd32(l, cap, DOE_CAP);
	d->ctrl = cap_rd32(l, cap, DOE_CTRL);
	d->status = cap_rd32(l, cap, DOE_STATUS);
	d->irq = (d->cap & DOE_CAP_IRQ) != 0;
	d->irq_msg = (uint16_t)((d->cap >> DOE_CAP_IRQ_MSG_SHIFT) & DOE_CAP_IRQ_MSG_MASK);
}
