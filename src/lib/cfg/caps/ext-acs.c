/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Isolation-related capabilities: Access Control Services (PCIe 6.0 §7.7.11) and
 * Alternative Routing-ID Interpretation (§7.8.7).
 *
 * ACS decides whether peer-to-peer traffic can bypass the IOMMU, so its capability bits
 * are what isolation (IOMMU group) decisions read. Its length grows with the P2P Egress
 * Control Vector: 8 bytes, plus ceil(size/32) dwords when Egress Control is supported,
 * where a size field of 0 means 256 bits (Linux vfio_ext_cap_len()).
 */
#include "caps-private.h"

#define ACS_CAP 0x04u
#define ACS_CTRL 0x06u
#define ACS_SV 0x0001u
#define ACS_TB 0x0002u
#define ACS_RR 0x0004u
#define ACS_CR 0x0008u
#define ACS_UF 0x0010u
#define ACS_EC 0x0020u
#define ACS_DT 0x0040u
#define ACS_EGRESS_SHIFT 8
#define ACS_EGRESS_ZERO_BITS 256u
#define ACS_LEN 8u

#define ARI_CAP 0x04u
#define ARI_MFVC 0x0001u
#define ARI_ACS 0x0002u
#define ARI_NFN_SHIFT 8

const struct pg_field pg_acs_fields[PG_ACS_NFIELDS] = {
	PG_FIELD(PG_FIELD_U16, acs.cap, "cap", true),
	PG_FIELD(PG_FIELD_U16, acs.ctrl, "ctrl", true),
	PG_FIELD(PG_FIELD_BOOL, acs.sv, "sv", false),
	PG_FIELD(PG_FIELD_BOOL, acs.tb, "tb", false),
	PG_FIELD(PG_FIELD_BOOL, acs.rr, "rr", false),
	PG_FIELD(PG_FIELD_BOOL, acs.cr, "cr", false),
	PG_FIELD(PG_FIELD_BOOL, acs.uf, "uf", false),
	PG_FIELD(PG_FIELD_BOOL, acs.ec, "ec", false),
	PG_FIELD(PG_FIELD_BOOL, acs.dt, "dt", false),
	PG_FIELD(PG_FIELD_U16, acs.egress_vec_bits, "egress_vec_bits", false),
};

const struct pg_field pg_ari_fields[PG_ARI_NFIELDS] = {
	PG_FIELD(PG_FIELD_BOOL, ari.mfvc, "mfvc", false),
	PG_FIELD(PG_FIELD_BOOL, ari.acs, "acs", false),
	PG_FIELD(PG_FIELD_U8, ari.next_fn, "next_fn", false),
};

/* Egress Control Vector size in bits, 0 when Egress Control is not supported. */
static uint16_t egress_bits(uint16_t cap)
{
	unsigned bits = (cap >> ACS_EGRESS_SHIFT) & 0xffu;

	if (!(cap & ACS_EC))
		return 0;
	return (uint16_t)(bits ? bits : ACS_EGRESS_ZERO_BITS);
}

uint16_t pg_acs_length(const struct pg_cfg_layout *l, uint16_t off)
{
	uint32_t bits = egress_bits(cfg_rd16(l, (uint32_t)off + ACS_CAP));

	return (uint16_t)(ACS_LEN + 4u * ((bits + 31u) / 32u)); /* at most 40 */
}

void pg_acs_decode(struct pg_cfg_layout *l, struct pg_cap *cap)
{
	struct pg_ecap_acs *a = &cap->info.acs;

	a->cap = cap_rd16(l, cap, ACS_CAP);
	a->ctrl = cap_rd16(l, cap, ACS_CTRL);
	a->sv = (a->cap & ACS_SV) != 0;
	a->tb = (a->cap & ACS_TB) != 0;
	a->rr = (a->cap & ACS_RR) != 0;
	a->cr = (a->cap & ACS_CR) != 0;
	a->uf = (a->cap & ACS_UF) != 0;
	a->ec = (a->cap & ACS_EC) != 0;
	a->dt = (a->cap & ACS_DT) != 0;
	a->egress_vec_bits = egress_bits(a->cap);
	/* Control bits for features the function does not offer are hardwired to 0; one
	 * that reads 1 means isolation decisions cannot trust either register. */
	if (cap->len >= ACS_CTRL + 2u && (a->ctrl & ~a->cap & 0x7fu))
		pg_cfg_diag(l, PG_DIAG_CAP_FIELD, cap->offset,
			    "ACS ctrl 0x%04x enables features cap 0x%04x lacks", a->ctrl, a->cap);
}

void pg_ari_decode(struct pg_cfg_layout *l, struct pg_cap *cap)
{
	uint16_t c = cap_rd16(l, cap, ARI_CAP);

	cap->info.ari.mfvc = (c & ARI_MFVC) != 0;
	cap->info.ari.acs = (c & ARI_ACS) != 0;
	cap->info.ari.next_fn = (uint8_t)(c >> ARI_NFN_SHIFT);
}
