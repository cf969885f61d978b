/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Error reporting and containment: Advanced Error Reporting (PCIe 6.0 §7.8.4) and
 * Downstream Port Containment (§7.9.14).
 *
 * AER layout: status/mask/severity registers to 0x1c, the 16-byte Header Log to 0x2c, then
 * Root Error Command/Status and Error Source ID (0x2c..0x37) in root ports and root
 * complex event collectors only, then the TLP Prefix Log (0x38..0x47) in functions that
 * support End-End TLP Prefixes (DevCap2 bit 21). The PCIe capability tells which; the
 * standard list is walked before the extended one, so it is known here.
 *
 * DPC layout: 0x0c bytes, or with RP Extensions the RP PIO registers (to 0x20) and an RP
 * PIO log of "RP PIO Log Size" dwords: bits 11:8, 4..9 (TLP header, ImpSpec, up to 4
 * prefixes); in Flit Mode (PCIe flags bit 15) bit 13 is bit 4 of the size and the header
 * log may hold up to 14 dwords (PCIe 6.0 §7.9.14.2; Linux dpc.c uses the same bounds).
 */
#include "caps-private.h"

#define AER_UNCOR_STATUS 0x04u
#define AER_UNCOR_MASK 0x08u
#define AER_UNCOR_SEVER 0x0cu
#define AER_COR_STATUS 0x10u
#define AER_COR_MASK 0x14u
#define AER_CAP 0x18u
#define AER_FEP_MASK 0x1fu
#define AER_LEN 0x2cu
#define AER_LEN_ROOT 0x38u
#define AER_LEN_PREFIX 0x48u
#define DEVCAP2_EE_PREFIX 0x00200000u

#define DPC_CAP 0x04u
#define DPC_CTL 0x06u
#define DPC_STATUS 0x08u
#define DPC_CAP_RP_EXT 0x0020u
#define DPC_CAP_LOG_SHIFT 8
#define DPC_CAP_LOG_MASK 0xfu
#define DPC_CAP_LOG4 0x2000u
#define DPC_LEN 0x0cu
#define DPC_LEN_RP 0x20u
#define DPC_LOG_MIN 4u       /* the TLP header log alone is 4 dwords */
#define DPC_LOG_MAX 9u       /* + ImpSpec log + 4 TLP prefix log dwords */
#define DPC_LOG_MAX_FLIT 15u /* 14-dword Flit Mode header log + ImpSpec log */
#define EXP_FLAGS 0x02u
#define EXP_FLAGS_FLIT 0x8000u

const struct pg_field pg_aer_fields[PG_AER_NFIELDS] = {
	PG_FIELD(PG_FIELD_U32, aer.uncor_status, "uncor_status", true),
	PG_FIELD(PG_FIELD_U32, aer.uncor_mask, "uncor_mask", true),
	PG_FIELD(PG_FIELD_U32, aer.uncor_sev, "uncor_sev", true),
	PG_FIELD(PG_FIELD_U32, aer.cor_status, "cor_status", true),
	PG_FIELD(PG_FIELD_U32, aer.cor_mask, "cor_mask", true),
	PG_FIELD(PG_FIELD_U32, aer.cap_ctrl, "cap_ctrl", true),
	PG_FIELD(PG_FIELD_U8, aer.first_error, "first_error", false),
	PG_FIELD(PG_FIELD_BOOL, aer.root, "root", false),
};

const struct pg_field pg_dpc_fields[PG_DPC_NFIELDS] = {
	PG_FIELD(PG_FIELD_U16, dpc.cap, "cap", true),
	PG_FIELD(PG_FIELD_U16, dpc.ctrl, "ctrl", true),
	PG_FIELD(PG_FIELD_U16, dpc.status, "status", true),
	PG_FIELD(PG_FIELD_U8, dpc.rp_pio_log_size, "rp_pio_log_size", false),
	PG_FIELD(PG_FIELD_BOOL, dpc.rp_ext, "rp_ext", false),
};

static bool aer_root(const struct pg_cfg_layout *l)
{
	const struct pg_cap_pcie *p = pg_caps_pcie(l);

	return p && (p->port_type == PG_PCIE_ROOT_PORT || p->port_type == PG_PCIE_RC_EC);
}

uint16_t pg_aer_length(const struct pg_cfg_layout *l, uint16_t off)
{
	const struct pg_cap_pcie *p = pg_caps_pcie(l);

	(void)off;
	if (p && (p->devcap2 & DEVCAP2_EE_PREFIX))
		return AER_LEN_PREFIX;
	return aer_root(l) ? AER_LEN_ROOT : AER_LEN;
}

void pg_aer_decode(struct pg_cfg_layout *l, struct pg_cap *cap)
{
	struct pg_ecap_aer *a = &cap->info.aer;

	a->uncor_status = cap_rd32(l, cap, AER_UNCOR_STATUS);
	a->uncor_mask = cap_rd32(l, cap, AER_UNCOR_MASK);
	a->uncor_sev = cap_rd32(l, cap, AER_UNCOR_SEVER);
	a->cor_status = cap_rd32(l, cap, AER_COR_STATUS);
	a->cor_mask = cap_rd32(l, cap, AER_COR_MASK);
	a->cap_ctrl = cap_rd32(l, cap, AER_CAP);
	a->first_error = (uint8_t)(a->cap_ctrl & AER_FEP_MASK);
	a->root = aer_root(l) && cap->len >= AER_LEN_ROOT;
}

/* Flit Mode Supported in the function's PCIe capability (raw: pg_cap_pcie keeps no
 * copy of the flags word). */
static bool flit_mode(const struct pg_cfg_layout *l)
{
	const struct pg_cap *exp = pg_caps_find_std(l, PG_CAP_EXP);

	return exp && (cap_rd16(l, exp, EXP_FLAGS) & EXP_FLAGS_FLIT);
}

static unsigned dpc_log_size(uint16_t dcap, bool flit)
{
	unsigned n = (dcap >> DPC_CAP_LOG_SHIFT) & DPC_CAP_LOG_MASK;

	return (flit && (dcap & DPC_CAP_LOG4)) ? n + DPC_CAP_LOG_MASK + 1u : n;
}

uint16_t pg_dpc_length(const struct pg_cfg_layout *l, uint16_t off)
{
	uint16_t dcap = cfg_rd16(l, (uint32_t)off + DPC_CAP);

	if (!(dcap & DPC_CAP_RP_EXT))
		return DPC_LEN;
	return (uint16_t)(DPC_LEN_RP + 4u * dpc_log_size(dcap, flit_mode(l))); /* <= 0x9c */
}

void pg_dpc_decode(struct pg_cfg_layout *l, struct pg_cap *cap)
{
	struct pg_ecap_dpc *d = &cap->info.dpc;
	bool flit = flit_mode(l);
	unsigned max = flit ? DPC_LOG_MAX_FLIT : DPC_LOG_MAX;

	d->cap = cap_rd16(l, cap, DPC_CAP);
	d->ctrl = cap_rd16(l, cap, DPC_CTL);
	d->status = cap_rd16(l, cap, DPC_STATUS);
	d->rp_ext = (d->cap & DPC_CAP_RP_EXT) != 0;
	d->rp_pio_log_size = (uint8_t)(d->rp_ext ? dpc_log_size(d->cap, flit) : 0u);
	/* A log size outside what the spec allows means the log registers are not where
	 * the size says; software reading them would misparse (Linux refuses them too). */
	if (d->rp_ext && (d->rp_pio_log_size < DPC_LOG_MIN || d->rp_pio_log_size > max))
		pg_cfg_diag(l, PG_DIAG_CAP_FIELD, cap->offset,
			    "DPC rp_pio_log_size %u is not %u..%u", d->rp_pio_log_size,
			    DPC_LOG_MIN, max);
}
