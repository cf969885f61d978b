/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Power Management capability (PCI PM 1.2 §3.2.3 PMC, §3.2.4 PMCSR).
 *
 * PMC is read-only with PME_Support reading 0: PME is not forwarded to guests (vfio,
 * pciback). PMCSR: PowerState is trapped: a change yields a PG_EFFECT_PM_STATE (the VMM
 * tears down direct BAR mappings when leaving D0, openvmm #3609) and, except in the
 * device-model profile, the new state is written to the hardware. D3hot -> D0 on a
 * function without No_Soft_Reset resets its internal state, so it also yields a
 * PG_EFFECT_RESTORE (vfio needs_pm_restore). A request for D1/D2 the function does not
 * support is ignored, as the spec requires of the hardware. PME_En and PME_Status are
 * virtual (PME_Status reads 0); Data_Select passes; Data_Scale and No_Soft_Reset are
 * read from the hardware. The policy flag no-d3 refuses D3hot with an audit record.
 */
#include <errno.h>
#include <string.h>

#include "mediator-private.h"

#define PMC_D1 0x0200u
#define PMC_D2 0x0400u
#define PMCSR_STATE 0x0003u
#define PMCSR_NSR 0x0008u

static void post_state(struct pg_mediator *m, struct pg_wctx *w, uint8_t from, uint8_t to)
{
	struct pg_effect e;

	memset(&e, 0, sizeof(e));
	e.kind = PG_EFFECT_PM_STATE;
	e.u.pm.from = from;
	e.u.pm.to = to;
	e.u.pm.no_soft_reset = m->pm.no_soft_reset;
	pg_med_post(w, &e);
	if (from == 3 && to == 0 && !m->pm.no_soft_reset &&
	    m->profile != PG_PROFILE_DEVICE_MODEL) {
		memset(&e, 0, sizeof(e));
		e.kind = PG_EFFECT_RESTORE;
		pg_med_post(w, &e);
	}
}

static void pmcsr_write(struct pg_mediator *m, struct pg_reg *r, struct pg_wctx *w)
{
	uint16_t pmc = (uint16_t)pg_med_snap(m, (uint16_t)(r->off - 2u), 2);
	uint8_t from = (uint8_t)(w->old & PMCSR_STATE), to = (uint8_t)(r->value & PMCSR_STATE);

	if (!(w->bm & PMCSR_STATE))
		return;
	if ((to == 1 && !(pmc & PMC_D1)) || (to == 2 && !(pmc & PMC_D2))) {
		r->value = (r->value & ~PMCSR_STATE) | from;
		to = from;
	}
	if (to == 3 && from != 3 && (m->pflags & PG_POLICY_F_NO_D3)) {
		pg_med_deny(m, r, w, PMCSR_STATE, "no-d3", true);
		to = from;
	}
	if (to == from)
		return;
	if (m->profile != PG_PROFILE_DEVICE_MODEL) {
		w->hw_mask |= PMCSR_STATE;
		w->hw_value = (w->hw_value & ~PMCSR_STATE) | to;
	}
	post_state(m, w, from, to);
}

int pg_med_pm_init(struct pg_mediator *m, const struct pg_med_cap *cap)
{
	uint16_t c = cap->off;
	bool dm = m->profile == PG_PROFILE_DEVICE_MODEL;
	uint16_t pmcsr = (uint16_t)pg_med_snap(m, (uint16_t)(c + 4u), 2);
	struct pg_reg r;
	int rc;

	if (m->pm.present)
		return -EEXIST;
	if (c + 8u > PG_CFG_STD_LEN || c + 8u > m->cfg_len)
		return -ERANGE;
	memset(&r, 0, sizeof(r));
	r.off = (uint16_t)(c + 2u);
	r.size = 2;
	r.virt = r.ro = 0xffffu;
	r.value = pg_med_snap(m, r.off, 2) & 0x07ffu; /* PME_Support reads 0 */
	memcpy(r.id, "pm.pmc", sizeof("pm.pmc"));
	rc = pg_med_add(m, &r, NULL);

	memset(&r, 0, sizeof(r));
	r.off = (uint16_t)(c + 4u);
	r.size = 2;
	r.pass = dm ? 0 : 0x1e00u;         /* Data_Select */
	r.virt = 0x8103u | (dm ? 0x1e00u : 0); /* PME_Status, PME_En, PowerState */
	r.ro = 0x8000u | 0x6008u;          /* PME_Status (virtual 0), Data_Scale, NSR */
	r.rsvdp = 0x00f4u;
	r.perm_open = 0x01f4u;
	r.value = pmcsr & PMCSR_STATE;
	r.write = pmcsr_write;
	memcpy(r.id, "pm.pmcsr", sizeof("pm.pmcsr"));
	if (!rc)
		rc = pg_med_add(m, &r, &m->pm.row_pmcsr);
	if (!rc)
		rc = pg_med_ro_rows(m, (uint16_t)(c + 6u), (uint16_t)(c + 8u), "pm.data");
	if (rc < 0)
		return rc;
	m->pm.present = true;
	m->pm.no_soft_reset = pmcsr & PMCSR_NSR;
	return 0;
}
