/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Extended capabilities whose control registers belong to the host in every profile,
 * permissive included: a write to them is refused and audited, the register keeps reading
 * the device's value (or 0 where that value is a host address). Every other byte of these
 * capabilities is read-only, written through in permissive (ecap-common.c).
 *
 * Why each one, by the harm one write does (docs/mediation.md lists them all):
 * - Resizable BAR, VF Resizable BAR (PCIe r5.0 §7.8.6, §9.3.7.5): BAR Size changes how
 *   much address space the BAR decodes. The host sized its window for the current size: a
 *   larger BAR decodes over the next device's MMIO, and the mediator's own BAR emulation
 *   (sizing, mappings) is compiled for the current size. BARs stay mediated in permissive
 *   (mediator.h), so their size does too.
 * - SR-IOV (§9.3.3): VF Enable and NumVFs create functions with their own requester IDs,
 *   outside the assignment and its IOMMU context; VF MSE and the VF BARs make them decode
 *   host addresses; System Page Size and ARI Capable Hierarchy shape the host's resource
 *   assignment. The VF BARs hold host physical addresses, so they read 0 (the host's
 *   addresses never reach a guest, as for the BARs themselves).
 * - ATS (§10.5.1), PASID (§7.8.8), PRI (§10.5.2): the host's IOMMU driver enables them
 *   together with its device-TLB invalidation, PASID tables and page-request queue. An
 *   enable the host did not make leaves the device caching translations the host never
 *   invalidates, or tagging requests with PASIDs the host never set up. The PRI status bits
 *   are the host's page-request handler's to clear.
 * - ACS (§7.7.8): on a multi-function device the ACS controls (P2P Request and Completion
 *   Redirect, Egress Control, Source Validation, ...) are what the host's IOMMU grouping
 *   relied on when it let the functions be assigned apart; clearing them lets one function
 *   reach another peer-to-peer without the IOMMU.
 */
#include "mediator-private.h"
#include "regs.h"

#define ALL 0xffffffffu
/* Refused, audited when a write changes it; reads the device's value. */
#define LOCK(r, s, n) { .rel = (r), .size = (s), .id = (n), .virt = ALL, .deny = ALL, \
			.snap = ALL }
/* Refused, audited when a write is not 0; reads 0 (a host address). */
#define LOCK0(r, n) { .rel = (r), .size = 4, .id = (n), .virt = ALL, .deny = ALL }
/* Resizable BAR Control i: BAR Size refused, the rest read-only. */
#define REBAR(i, n) { .rel = REBAR_CTRL0 + REBAR_ENTRY * (i), .size = 4, .id = (n), \
		      .virt = REBAR_CTRL_SIZE, .deny = REBAR_CTRL_SIZE, .snap = REBAR_CTRL_SIZE, \
		      .ro = ~REBAR_CTRL_SIZE, .perm_open = ~REBAR_CTRL_SIZE }

/* Seven entries: the count field can say 7 (invalid, sized as stated by the cfg parser);
 * rows beyond the capability's length are not added. */
static const struct pg_row_def rebar_rows[] = {
	REBAR(0, "rebar.control"), REBAR(1, "rebar.control"), REBAR(2, "rebar.control"),
	REBAR(3, "rebar.control"), REBAR(4, "rebar.control"), REBAR(5, "rebar.control"),
	REBAR(6, "rebar.control"),
};

static const struct pg_row_def vf_rebar_rows[] = {
	REBAR(0, "vf-rebar.control"), REBAR(1, "vf-rebar.control"),
	REBAR(2, "vf-rebar.control"), REBAR(3, "vf-rebar.control"),
	REBAR(4, "vf-rebar.control"), REBAR(5, "vf-rebar.control"),
	REBAR(6, "vf-rebar.control"),
};

static const struct pg_row_def sriov_rows[] = {
	LOCK(SRIOV_CTRL, 2, "sriov.control"),
	{ .rel = SRIOV_STATUS, .size = 2, .id = "sriov.status", .ro = ALL },
	LOCK(SRIOV_NUM_VFS, 2, "sriov.num-vfs"),
	LOCK(SRIOV_PAGE_SIZE, 4, "sriov.page-size"),
	LOCK0(SRIOV_VF_BAR0, "sriov.vf-bar"), LOCK0(SRIOV_VF_BAR0 + 4, "sriov.vf-bar"),
	LOCK0(SRIOV_VF_BAR0 + 8, "sriov.vf-bar"), LOCK0(SRIOV_VF_BAR0 + 12, "sriov.vf-bar"),
	LOCK0(SRIOV_VF_BAR0 + 16, "sriov.vf-bar"), LOCK0(SRIOV_VF_BAR0 + 20, "sriov.vf-bar"),
};

static const struct pg_row_def ats_rows[] = {
	LOCK(ATS_CTRL, 2, "ats.control"),
};

static const struct pg_row_def pasid_rows[] = {
	LOCK(PASID_CTRL, 2, "pasid.control"),
};

static const struct pg_row_def pri_rows[] = {
	LOCK(PRI_CTRL, 2, "pri.control"),
	{ .rel = PRI_STATUS, .size = 2, .id = "pri.status", .ro = ALL },
	LOCK(PRI_ALLOC, 4, "pri.alloc"),
};

static const struct pg_row_def acs_rows[] = {
	LOCK(ACS_CTRL, 2, "acs.control"),
	LOCK(ACS_EGRESS, 4, "acs.egress"), LOCK(ACS_EGRESS + 4, 4, "acs.egress"),
	LOCK(ACS_EGRESS + 8, 4, "acs.egress"), LOCK(ACS_EGRESS + 12, 4, "acs.egress"),
	LOCK(ACS_EGRESS + 16, 4, "acs.egress"), LOCK(ACS_EGRESS + 20, 4, "acs.egress"),
	LOCK(ACS_EGRESS + 24, 4, "acs.egress"), LOCK(ACS_EGRESS + 28, 4, "acs.egress"),
};

static const struct pg_ecap_table locks[] = {
	PG_ECAP_TABLE(PG_ECAP_REBAR, rebar_rows, "ecap.rebar"),
	PG_ECAP_TABLE(PG_ECAP_VF_REBAR, vf_rebar_rows, "ecap.vf-rebar"),
	PG_ECAP_TABLE(PG_ECAP_SRIOV, sriov_rows, "ecap.sriov"),
	PG_ECAP_TABLE(PG_ECAP_ATS, ats_rows, "ecap.ats"),
	PG_ECAP_TABLE(PG_ECAP_PASID, pasid_rows, "ecap.pasid"),
	PG_ECAP_TABLE(PG_ECAP_PRI, pri_rows, "ecap.pri"),
	PG_ECAP_TABLE(PG_ECAP_ACS, acs_rows, "ecap.acs"),
};

int pg_med_ecap_lock_init(struct pg_mediator *m, const struct pg_med_cap *cap)
{
	return pg_med_ecap_table_init(m, cap, locks, sizeof(locks) / sizeof(locks[0]));
}
