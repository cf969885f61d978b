/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Power Management capability (PCI PM 1.2 §3.2).
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
#include "regs.h"

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

static void pmcsr_state(struct pg_mediator *m, struct pg_reg *r, struct pg_wctx *w)
{
	uint8_t from = (uint8_t)(w->old & PMCSR_STATE), to = (uint8_t)(r->value & PMCSR_STATE);

	if (!(w->bm & PMCSR_STATE))
		return;
	if ((to == 1 && !m->pm.d1) || (to == 2 && !m->pm.d2)) {
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

/* PME_Status is RW1C on the device (PCI PM 1.2 §3.2.4) but virtual to the guest: every
 * hardware write of PMCSR is a read-modify-write, which would write a pending PME_Status
 * back as 1 and clear it behind the host's back, so it is written as 0. */
static void pmcsr_write(struct pg_mediator *m, struct pg_reg *r, struct pg_wctx *w)
{
	pmcsr_state(m, r, w);
	if (w->hw_mask) {
		w->hw_mask |= PMCSR_PME_STATUS;
		w->hw_value &= ~PMCSR_PME_STATUS;
	}
}

static const struct pg_row_def row_pmc = {
	.rel = PM_PMC, .size = 2, .id = "pm.pmc",
	.virt = 0xffffu, .ro = 0xffffu, .snap = (uint16_t)~PMC_PME_SUPPORT, /* PME_Support: 0 */
};

/* PowerState is trapped (pmcsr_write); Data_Select passes (guest profile); PME_Status
 * reads a virtual 0; Data_Scale and No_Soft_Reset read from the hardware. */
static const struct pg_row_def row_pmcsr = {
	.rel = PM_PMCSR, .size = 2, .id = "pm.pmcsr",
	.pass = PMCSR_DATA_SEL,
	.virt = PMCSR_PME_STATUS | PMCSR_PME_EN | PMCSR_STATE,
	.ro = PMCSR_PME_STATUS | PMCSR_DATA_SCALE | PMCSR_NSR,
	.rsvdp = PMCSR_RSVD,
	.perm_open = PMCSR_RSVD | PMCSR_PME_EN,
	.snap = PMCSR_STATE,
	.write = pmcsr_write,
};

int pg_med_pm_init(struct pg_mediator *m, const struct pg_med_cap *cap)
{
	const struct pg_cap_pm *info = &cap->src->info.pm;
	struct pg_reg r;
	int rc;

	if (m->pm.present)
		return -EEXIST;
	if (cap->src->truncated || !cap->src->decoded)
		return -ERANGE;
	rc = pg_med_add_def(m, cap->off, &row_pmc, 0, NULL);
	pg_med_def_row(m, cap->off, &row_pmcsr, 0, &r);
	if (m->profile == PG_PROFILE_DEVICE_MODEL) {
		r.virt |= r.pass; /* nothing but the interrupt enables reaches the hardware */
		r.pass = 0;
	}
	if (!rc)
		rc = pg_med_add(m, &r, &m->pm.row_pmcsr);
	if (!rc)
		rc = pg_med_ro_rows(m, (uint16_t)(cap->off + PM_DATA),
				    (uint16_t)(cap->off + PM_LEN), "pm.data");
	if (rc < 0)
		return rc;
	m->pm.present = true;
	m->pm.no_soft_reset = info->no_soft_reset;
	m->pm.d1 = info->d1;
	m->pm.d2 = info->d2;
	return 0;
}
