/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Power and timing capabilities: Latency Tolerance Reporting (PCIe 6.0 §7.8.2), L1 PM
 * Substates (§7.8.3) and Precision Time Measurement (§7.9.15) are decoded; Dynamic Power
 * Allocation (§7.9.12) and TPH Requester (§7.9.13) are sized from their contents.
 *
 * DPA carries one Power Allocation byte per substate after 0x10 (Substate_Max bits 4:0 is
 * the count minus one); TPH carries its Steering Tag table inline when ST Table Location
 * is 01b, 2 bytes per entry (ST Table Size bits 26:16 is entries minus one). Both are
 * rounded up to whole dwords and the TPH size, which a hostile device can push to 4108
 * bytes, saturates at the config space size.
 */
#include "caps-private.h"

#define LTR_MAX_SNOOP 0x04u
#define LTR_MAX_NOSNOOP 0x06u

#define L1SS_CAP 0x04u
#define L1SS_CTL1 0x08u
#define L1SS_CTL2 0x0cu

#define PTM_CAP 0x04u
#define PTM_CTRL 0x08u
#define PTM_CAP_REQ 0x01u
#define PTM_CAP_RESP 0x02u
#define PTM_CAP_ROOT 0x04u
#define PTM_GRAN_SHIFT 8
#define PTM_CTRL_ENABLE 0x01u

#define DPA_CAP 0x04u
#define DPA_SUBSTATE_MASK 0x1fu
#define DPA_BASE 0x10u

#define TPH_CAP 0x04u
#define TPH_LOC_SHIFT 9
#define TPH_LOC_MASK 0x3u
#define TPH_LOC_CAP 0x1u
#define TPH_ST_SHIFT 16
#define TPH_ST_MASK 0x7ffu
#define TPH_BASE 0x0cu

const struct pg_field pg_ltr_fields[PG_LTR_NFIELDS] = {
	PG_FIELD(PG_FIELD_U16, ltr.max_snoop, "max_snoop", true),
	PG_FIELD(PG_FIELD_U16, ltr.max_nosnoop, "max_nosnoop", true),
};

const struct pg_field pg_l1ss_fields[PG_L1SS_NFIELDS] = {
	PG_FIELD(PG_FIELD_U32, l1ss.cap, "cap", true),
	PG_FIELD(PG_FIELD_U32, l1ss.ctl1, "ctl1", true),
	PG_FIELD(PG_FIELD_U32, l1ss.ctl2, "ctl2", true),
};

const struct pg_field pg_ptm_fields[PG_PTM_NFIELDS] = {
	PG_FIELD(PG_FIELD_BOOL, ptm.requester, "requester", false),
	PG_FIELD(PG_FIELD_BOOL, ptm.responder, "responder", false),
	PG_FIELD(PG_FIELD_BOOL, ptm.root, "root", false),
	PG_FIELD(PG_FIELD_U8, ptm.granularity, "granularity", false),
	PG_FIELD(PG_FIELD_BOOL, ptm.enabled, "enabled", false),
};

void pg_ltr_decode(struct pg_cfg_layout *l, struct pg_cap *cap)
{
	cap->info.ltr.max_snoop = cap_rd16(l, cap, LTR_MAX_SNOOP);
	cap->info.ltr.max_nosnoop = cap_rd16(l, cap, LTR_MAX_NOSNOOP);
}

void pg_l1ss_decode(struct pg_cfg_layout *l, struct pg_cap *cap)
{
	cap->info.l1ss.cap = cap_rd32(l, cap, L1SS_CAP);
	cap->info.l1ss.ctl1 = cap_rd32(l, cap, L1SS_CTL1);
	cap->info.l1ss.ctl2 = cap_rd32(l, cap, L1SS_CTL2);
}

void pg_ptm_decode(struct pg_cfg_layout *l, struct pg_cap *cap)
{
	struct pg_ecap_ptm *p = &cap->info.ptm;
	uint32_t c = cap_rd32(l, cap, PTM_CAP);

	p->requester = (c & PTM_CAP_REQ) != 0;
	p->responder = (c & PTM_CAP_RESP) != 0;
	p->root = (c & PTM_CAP_ROOT) != 0;
	p->granularity = (uint8_t)(c >> PTM_GRAN_SHIFT);
	p->enabled = (cap_rd32(l, cap, PTM_CTRL) & PTM_CTRL_ENABLE) != 0;
	/* A PTM Root sources time to responders: it must be a Responder itself (§6.21.3). */
	if (p->root && !p->responder)
		pg_cfg_diag(l, PG_DIAG_CAP_FIELD, cap->offset,
			    "PTM root capable but not responder capable");
}

uint16_t pg_dpa_length(const struct pg_cfg_layout *l, uint16_t off)
{
	uint32_t n = (cfg_rd32(l, (uint32_t)off + DPA_CAP) & DPA_SUBSTATE_MASK) + 1u;

	return (uint16_t)pg_caps_round4(DPA_BASE + n); /* at most 0x30 */
}

uint16_t pg_tph_length(const struct pg_cfg_layout *l, uint16_t off)
{
	uint32_t c = cfg_rd32(l, (uint32_t)off + TPH_CAP);
	uint32_t entries = ((c >> TPH_ST_SHIFT) & TPH_ST_MASK) + 1u;

	if (((c >> TPH_LOC_SHIFT) & TPH_LOC_MASK) != TPH_LOC_CAP)
		return TPH_BASE;
	return pg_caps_len_sat(pg_caps_round4(TPH_BASE + 2u * entries));
}
