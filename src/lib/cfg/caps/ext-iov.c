/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Virtualization and address-translation capabilities: SR-IOV (PCIe 6.0 §9.3.3), ATS
 * (§10.5.1), PRI (§10.5.2), PASID (§7.8.8) and Resizable BAR / VF Resizable BAR
 * (§7.8.6, §9.3.7.5).
 *
 * These are what lets a function create more functions (VFs), reach memory through
 * translated addresses, or change the size of a BAR the mediator traps; a hostile
 * function can claim inconsistent counts (NumVFs above TotalVFs, a Resizable BAR count of
 * 7 for 6 BARs). The decoders report such values as cap-field so policy can refuse them.
 */
#include "caps-private.h"

#define SRIOV_CAP 0x04u
#define SRIOV_CTRL 0x08u
#define SRIOV_CTRL_VFE 0x0001u
#define SRIOV_INITIAL 0x0cu
#define SRIOV_TOTAL 0x0eu
#define SRIOV_NUM 0x10u
#define SRIOV_OFFSET 0x14u
#define SRIOV_STRIDE 0x16u
#define SRIOV_DID 0x1au
#define SRIOV_SUPPS 0x1cu
#define SRIOV_SYSPS 0x20u

#define ATS_CAP 0x04u
#define ATS_CTRL 0x06u
#define ATS_IQD_MASK 0x1fu
#define ATS_IQD_ZERO 32u
#define ATS_PAGE_ALIGNED 0x0020u
#define ATS_STU_MASK 0x1fu
#define ATS_ENABLE 0x8000u

#define PRI_CTRL 0x04u
#define PRI_ENABLE 0x0001u
#define PRI_CAPACITY 0x08u
#define PRI_ALLOC 0x0cu

#define PASID_CAP 0x04u
#define PASID_CTRL 0x06u
#define PASID_EXEC 0x0002u
#define PASID_PRIV 0x0004u
#define PASID_WIDTH_SHIFT 8
#define PASID_WIDTH_MASK 0x1fu
#define PASID_WIDTH_MAX 20u
#define PASID_ENABLE 0x0001u

#define REBAR_CAP0 0x04u
#define REBAR_CTRL0 0x08u
#define REBAR_ENTRY 8u
#define REBAR_IDX_MASK 0x7u
#define REBAR_NBAR_SHIFT 5
#define REBAR_NBAR_MASK 0x7u
#define REBAR_SIZE_SHIFT 8
#define REBAR_SIZE_MASK 0x3fu
#define REBAR_MAX 6u

const struct pg_field pg_sriov_fields[PG_SRIOV_NFIELDS] = {
	PG_FIELD(PG_FIELD_U32, sriov.cap, "cap", true),
	PG_FIELD(PG_FIELD_U16, sriov.ctrl, "ctrl", true),
	PG_FIELD(PG_FIELD_BOOL, sriov.vf_enable, "vf_enable", false),
	PG_FIELD(PG_FIELD_U16, sriov.initial_vfs, "initial_vfs", false),
	PG_FIELD(PG_FIELD_U16, sriov.total_vfs, "total_vfs", false),
	PG_FIELD(PG_FIELD_U16, sriov.num_vfs, "num_vfs", false),
	PG_FIELD(PG_FIELD_U16, sriov.vf_offset, "vf_offset", false),
	PG_FIELD(PG_FIELD_U16, sriov.vf_stride, "vf_stride", false),
	PG_FIELD(PG_FIELD_U16, sriov.vf_device, "vf_device", true),
	PG_FIELD(PG_FIELD_U32, sriov.page_sizes, "page_sizes", true),
	PG_FIELD(PG_FIELD_U32, sriov.page_size, "page_size", true),
};

const struct pg_field pg_ats_fields[PG_ATS_NFIELDS] = {
	PG_FIELD(PG_FIELD_U8, ats.inv_queue_depth, "inv_queue_depth", false),
	PG_FIELD(PG_FIELD_BOOL, ats.page_aligned, "page_aligned", false),
	PG_FIELD(PG_FIELD_BOOL, ats.enabled, "enabled", false),
	PG_FIELD(PG_FIELD_U8, ats.stu, "stu", false),
};

const struct pg_field pg_pri_fields[PG_PRI_NFIELDS] = {
	PG_FIELD(PG_FIELD_BOOL, pri.enabled, "enabled", false),
	PG_FIELD(PG_FIELD_U32, pri.outstanding_capacity, "outstanding_capacity", false),
	PG_FIELD(PG_FIELD_U32, pri.outstanding_alloc, "outstanding_alloc", false),
};

const struct pg_field pg_pasid_fields[PG_PASID_NFIELDS] = {
	PG_FIELD(PG_FIELD_BOOL, pasid.exec, "exec", false),
	PG_FIELD(PG_FIELD_BOOL, pasid.priv, "priv", false),
	PG_FIELD(PG_FIELD_U8, pasid.max_width, "max_width", false),
	PG_FIELD(PG_FIELD_BOOL, pasid.enabled, "enabled", false),
};

#define REBAR_ENTRY_FIELDS(i) \
	PG_FIELD(PG_FIELD_U8, rebar.bars[i].bar, "bar" #i "_index", false), \
	PG_FIELD(PG_FIELD_U32, rebar.bars[i].sizes, "bar" #i "_sizes", true), \
	PG_FIELD(PG_FIELD_U8, rebar.bars[i].cur_size, "bar" #i "_cur_size", false)

const struct pg_field pg_rebar_fields[PG_REBAR_NFIELDS] = {
	PG_FIELD(PG_FIELD_U8, rebar.nbars, "nbars", false),
	REBAR_ENTRY_FIELDS(0), REBAR_ENTRY_FIELDS(1), REBAR_ENTRY_FIELDS(2),
	REBAR_ENTRY_FIELDS(3), REBAR_ENTRY_FIELDS(4), REBAR_ENTRY_FIELDS(5),
};

static void sriov_check(struct pg_cfg_layout *l, const struct pg_cap *cap)
{
	const struct pg_ecap_sriov *s = &cap->info.sriov;

	if (cap->len < SRIOV_NUM + 2u)
		return;
	if (s->initial_vfs > s->total_vfs)
		pg_cfg_diag(l, PG_DIAG_CAP_FIELD, cap->offset,
			    "SR-IOV initial_vfs %u exceeds total_vfs %u", s->initial_vfs,
			    s->total_vfs);
	/* NumVFs above TotalVFs would make the PF decode Routing IDs it does not own. */
	if (s->num_vfs > s->total_vfs)
		pg_cfg_diag(l, PG_DIAG_CAP_FIELD, cap->offset,
			    "SR-IOV num_vfs %u exceeds total_vfs %u", s->num_vfs, s->total_vfs);
	if (s->vf_enable && s->num_vfs &&
	    (!s->vf_offset || (s->num_vfs > 1 && !s->vf_stride)))
		pg_cfg_diag(l, PG_DIAG_CAP_FIELD, cap->offset,
			    "SR-IOV VFs enabled with vf_offset %u vf_stride %u", s->vf_offset,
			    s->vf_stride);
}

void pg_sriov_decode(struct pg_cfg_layout *l, struct pg_cap *cap)
{
	struct pg_ecap_sriov *s = &cap->info.sriov;

	s->cap = cap_rd32(l, cap, SRIOV_CAP);
	s->ctrl = cap_rd16(l, cap, SRIOV_CTRL);
	s->vf_enable = (s->ctrl & SRIOV_CTRL_VFE) != 0;
	s->initial_vfs = cap_rd16(l, cap, SRIOV_INITIAL);
	s->total_vfs = cap_rd16(l, cap, SRIOV_TOTAL);
	s->num_vfs = cap_rd16(l, cap, SRIOV_NUM);
	s->vf_offset = cap_rd16(l, cap, SRIOV_OFFSET);
	s->vf_stride = cap_rd16(l, cap, SRIOV_STRIDE);
	s->vf_device = cap_rd16(l, cap, SRIOV_DID);
	s->page_sizes = cap_rd32(l, cap, SRIOV_SUPPS);
	s->page_size = cap_rd32(l, cap, SRIOV_SYSPS);
	sriov_check(l, cap);
}

void pg_ats_decode(struct pg_cfg_layout *l, struct pg_cap *cap)
{
	struct pg_ecap_ats *a = &cap->info.ats;
	uint16_t c = cap_rd16(l, cap, ATS_CAP);
	uint16_t ctl = cap_rd16(l, cap, ATS_CTRL);
	unsigned iqd = c & ATS_IQD_MASK;

	/* Invalidate Queue Depth 0 encodes 32 outstanding requests. */
	a->inv_queue_depth = (uint8_t)(iqd ? iqd : ATS_IQD_ZERO);
	a->page_aligned = (c & ATS_PAGE_ALIGNED) != 0;
	a->enabled = (ctl & ATS_ENABLE) != 0;
	a->stu = (uint8_t)(ctl & ATS_STU_MASK);
}

void pg_pri_decode(struct pg_cfg_layout *l, struct pg_cap *cap)
{
	struct pg_ecap_pri *p = &cap->info.pri;

	p->enabled = (cap_rd16(l, cap, PRI_CTRL) & PRI_ENABLE) != 0;
	p->outstanding_capacity = cap_rd32(l, cap, PRI_CAPACITY);
	p->outstanding_alloc = cap_rd32(l, cap, PRI_ALLOC);
	if (p->outstanding_alloc > p->outstanding_capacity)
		pg_cfg_diag(l, PG_DIAG_CAP_FIELD, cap->offset,
			    "PRI outstanding_alloc %u exceeds outstanding_capacity %u",
			    p->outstanding_alloc, p->outstanding_capacity);
}

void pg_pasid_decode(struct pg_cfg_layout *l, struct pg_cap *cap)
{
	struct pg_ecap_pasid *p = &cap->info.pasid;
	uint16_t c = cap_rd16(l, cap, PASID_CAP);

	p->exec = (c & PASID_EXEC) != 0;
	p->priv = (c & PASID_PRIV) != 0;
	p->max_width = (uint8_t)((c >> PASID_WIDTH_SHIFT) & PASID_WIDTH_MASK);
	p->enabled = (cap_rd16(l, cap, PASID_CTRL) & PASID_ENABLE) != 0;
	if (p->max_width > PASID_WIDTH_MAX)
		pg_cfg_diag(l, PG_DIAG_CAP_FIELD, cap->offset,
			    "PASID max_width %u exceeds %u", p->max_width, PASID_WIDTH_MAX);
}

static unsigned rebar_count(uint32_t ctrl0)
{
	return (ctrl0 >> REBAR_NBAR_SHIFT) & REBAR_NBAR_MASK;
}

uint16_t pg_rebar_length(const struct pg_cfg_layout *l, uint16_t off)
{
	unsigned n = rebar_count(cfg_rd32(l, (uint32_t)off + REBAR_CTRL0));

	/* The count lives in the first entry, so at least one entry exists even when the
	 * count is an invalid 0; 7 (invalid too) is sized as stated, at most 60 bytes. */
	return (uint16_t)(4u + REBAR_ENTRY * (n ? n : 1u));
}

size_t pg_rebar_nfields(const struct pg_cap *cap)
{
	unsigned n = cap->info.rebar.nbars > REBAR_MAX ? REBAR_MAX : cap->info.rebar.nbars;

	return 1u + 3u * n; /* nbars, then index/sizes/cur_size per entry */
}

void pg_rebar_decode(struct pg_cfg_layout *l, struct pg_cap *cap)
{
	struct pg_ecap_rebar *r = &cap->info.rebar;
	unsigned n;

	r->nbars = (uint8_t)rebar_count(cap_rd32(l, cap, REBAR_CTRL0));
	n = r->nbars > REBAR_MAX ? REBAR_MAX : r->nbars;
	for (unsigned i = 0; i < n; i++) {
		uint16_t base = (uint16_t)(REBAR_ENTRY * i);
		uint32_t c = cap_rd32(l, cap, (uint16_t)(base + REBAR_CAP0));
		uint32_t ctl = cap_rd32(l, cap, (uint16_t)(base + REBAR_CTRL0));

		r->bars[i].bar = (uint8_t)(ctl & REBAR_IDX_MASK);
		r->bars[i].sizes = c >> 4;
		r->bars[i].cur_size = (uint8_t)((ctl >> REBAR_SIZE_SHIFT) & REBAR_SIZE_MASK);
		if (r->bars[i].bar >= REBAR_MAX && (uint32_t)base + REBAR_CTRL0 + 4u <= cap->len)
			pg_cfg_diag(l, PG_DIAG_CAP_FIELD, cap->offset,
				    "Resizable BAR entry %u names BAR %u", i, r->bars[i].bar);
	}
	if (cap->len >= REBAR_CTRL0 + 4u && (r->nbars == 0 || r->nbars > REBAR_MAX))
		pg_cfg_diag(l, PG_DIAG_CAP_FIELD, cap->offset,
			    "Resizable BAR nbars %u is not 1..%u", r->nbars, REBAR_MAX);
}
