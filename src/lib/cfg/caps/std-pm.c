/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Power Management capability (PCI Bus Power Management Interface spec 1.2 §3.2):
 * PMC at cap+2, PMCSR at cap+4, PMCSR_BSE at cap+6, Data at cap+7; 8 bytes.
 *
 * The D-state and NoSoftRst matter to a mediator: a function that loses its state in
 * D3hot->D0 (NoSoftRst clear) can be reset through PM, and BAR mappings must not be used
 * outside D0. A hostile device may claim any combination; the decoder only reports it.
 */
#include "caps-private.h"

#define PM_PMC 2u
#define PM_PMCSR 4u
#define PMC_VERSION 0x0007u
#define PMC_D1 0x0200u
#define PMC_D2 0x0400u
#define PMC_PME_SHIFT 11
#define PMCSR_STATE 0x0003u
#define PMCSR_NO_SOFT_RESET 0x0008u
#define PMCSR_PME_EN 0x0100u

const struct pg_field pg_pm_fields[PG_PM_NFIELDS] = {
	PG_FIELD(PG_FIELD_U8, pm.version, "version", false),
	PG_FIELD(PG_FIELD_BOOL, pm.d1, "d1", false),
	PG_FIELD(PG_FIELD_BOOL, pm.d2, "d2", false),
	PG_FIELD(PG_FIELD_U8, pm.pme_support, "pme_support", true),
	PG_FIELD(PG_FIELD_U8, pm.state, "state", false),
	PG_FIELD(PG_FIELD_BOOL, pm.no_soft_reset, "no_soft_reset", false),
	PG_FIELD(PG_FIELD_BOOL, pm.pme_enabled, "pme_enabled", false),
};

void pg_pm_decode(struct pg_cfg_layout *l, struct pg_cap *cap)
{
	struct pg_cap_pm *pm = &cap->info.pm;
	uint16_t pmc = cap_rd16(l, cap, PM_PMC);
	uint16_t pmcsr = cap_rd16(l, cap, PM_PMCSR);

	pm->version = (uint8_t)(pmc & PMC_VERSION);
	pm->d1 = (pmc & PMC_D1) != 0;
	pm->d2 = (pmc & PMC_D2) != 0;
	pm->pme_support = (uint8_t)(pmc >> PMC_PME_SHIFT);
	pm->state = (uint8_t)(pmcsr & PMCSR_STATE);
	pm->no_soft_reset = (pmcsr & PMCSR_NO_SOFT_RESET) != 0;
	pm->pme_enabled = (pmcsr & PMCSR_PME_EN) != 0;

	if (cap->len < PM_PMCSR + 2u)
		return; /* truncated: already reported, fields read as zero */
	/* The version (1..3 for PM 1.0..1.2) is reported, not judged: the registers used
	 * here are the same in every version. A D-state the function says it does not
	 * support means PMCSR is not what it seems (or the device ignores its own bits). */
	if ((pm->state == 1 && !pm->d1) || (pm->state == 2 && !pm->d2))
		pg_cfg_diag(l, PG_DIAG_CAP_FIELD, cap->offset,
			    "PM state D%u but D%u is not supported", pm->state, pm->state);
}
