/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Power-management extended capabilities: Latency Tolerance Reporting (PCIe r5.0 §7.8.2),
 * L1 PM Substates (§7.8.3) and Power Budgeting (§7.8.1).
 *
 * LTR's Max Snoop/No-Snoop Latency tell the device what latency the platform tolerates;
 * the platform's power management (the host's) programs them, and a guest's value would
 * let the device's requests decide how deep the platform idles. The L1 PM Substates
 * controls (L1.1/L1.2 enables, thresholds, T_POWER_ON) must match the upstream port across
 * the link, which the host owns: a mismatch takes the shared link down. So both are
 * virtual, as PCIe Link Control's ASPM bits are (pcie.c): the guest reads back what it
 * wrote (drivers save and restore them across suspend), the device keeps the host's.
 * Reserved bits read 0.
 *
 * Power Budgeting's Data Select only chooses which budget entry Data reports: it passes,
 * so the guest reads the entry it selected (vfio lets it through as well). Device-model:
 * virtual (ecap-common.c). Permissive: all written through, audited when changed.
 */
#include "mediator-private.h"
#include "regs.h"

#define ALL 0xffffffffu
/* Virtual from the device's value; reserved bits RsvdP. */
#define VIRT(r, s, n, rsvd) { .rel = (r), .size = (s), .id = (n), .virt = ALL & ~(rsvd), \
			      .snap = ALL & ~(rsvd), .rsvdp = (rsvd), .perm_open = ALL }

static const struct pg_row_def ltr_rows[] = {
	VIRT(LTR_MAX_SNOOP, 2, "ltr.max-snoop", LTR_RSVD),
	VIRT(LTR_MAX_NOSNOOP, 2, "ltr.max-nosnoop", LTR_RSVD),
};

static const struct pg_row_def l1ss_rows[] = {
	VIRT(L1SS_CTRL1, 4, "l1ss.control1", L1SS_CTRL1_RSVD),
	VIRT(L1SS_CTRL2, 4, "l1ss.control2", L1SS_CTRL2_RSVD),
};

static const struct pg_row_def pwr_rows[] = {
	{ .rel = PWR_DATA_SEL, .size = 1, .id = "pwr.data-select", .pass = 0xffu,
	  .perm_open = 0xffu },
};

static const struct pg_ecap_table power[] = {
	PG_ECAP_TABLE(PG_ECAP_LTR, ltr_rows, "ecap.ltr"),
	PG_ECAP_TABLE(PG_ECAP_L1SS, l1ss_rows, "ecap.l1ss"),
	PG_ECAP_TABLE(PG_ECAP_PWR, pwr_rows, "ecap.pwr"),
};

int pg_med_ecap_power_init(struct pg_mediator *m, const struct pg_med_cap *cap)
{
	return pg_med_ecap_table_init(m, cap, power, sizeof(power) / sizeof(power[0]));
}
