/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Advanced Error Reporting extended capability (PCIe r5.0 §7.8.4). Visible in the guest and
 * device-model profiles only when a policy adds it ("ext:aer"); always in permissive.
 *
 * What a guest does with AER changes what the host sees of the device's errors: an
 * unmasked error is signalled upstream (ERR_COR, ERR_NONFATAL, ERR_FATAL messages) to a
 * root port the host owns, and its severity decides what the host does about it. The
 * threats, and the rules that answer them (guest profile):
 *
 * - Unmasking. A guest that clears a mask bit the host (or platform firmware, under
 *   firmware-first error handling) has set can make the device signal errors it provokes
 *   at will, e.g. Unsupported Request or Advisory Non-Fatal on every bad access: a message
 *   storm that becomes an AER interrupt storm on the host, or a firmware SMI storm that
 *   stalls every CPU. So a mask bit the device had set when the mediator was compiled
 *   stays set: clearing it is refused and audited ("aer.uncor-mask", "aer.cor-mask"), and
 *   the guest keeps reading 1. Every other mask bit is the guest's, on the hardware:
 *   masking more only hides this function's own errors, which the guest can do anyway
 *   with the Device Control reporting enables it already drives (pcie.c).
 * - Severity. Whether an uncorrectable error is fatal decides the host's recovery: a
 *   fatal error resets the link (a secondary bus reset of everything below the port, not
 *   only this function), and firmware-first platforms may escalate it to a machine check.
 *   A guest must not turn a contained error into that, so Uncorrectable Error Severity is
 *   virtual: the guest reads back what it wrote, the device keeps the host's severities.
 * - Status. The status bits are RW1C to the hardware (vfio lets the user clear them too):
 *   a guest's AER driver acknowledges its errors there. Clearing them can only erase the
 *   record of this function's own errors before the host logs it; the error messages were
 *   already sent when the error was detected. Reserved bits are RsvdZ.
 * - ECRC Generation and Check Enable reach the hardware only on a function capable of
 *   them (otherwise read-only, as the spec makes them); they change only the TLPs this
 *   function sends and checks. Multiple Header Recording Enable is virtual: it changes how
 *   the Header Log the host's error handling reads is kept.
 * - Logs. The Header Log holds the header of the TLP in error: for a request the device
 *   received, the host physical address the host used for its BAR; for a completion, the
 *   host's requester and completer IDs. The mediator hides both elsewhere (BARs and MSI
 *   addresses are virtual), so the Header Log and the TLP Prefix Log read 0; the First
 *   Error Pointer and the capability bits read from the hardware.
 * - Root Error Command, Root Error Status and Error Source ID exist in Root Ports and
 *   Root Complex Event Collectors only. A root port is a bridge and never mediated; an
 *   event collector (a type 0 function) collects other functions' errors for the host's
 *   AER service, so its root registers are read-only, and the Error Source ID (host
 *   requester IDs) reads 0. In other functions the bytes between the Header Log and a TLP
 *   Prefix Log are reserved and read 0.
 *
 * Device-model profile: nothing reaches the hardware (ecap-common.c): mask and ECRC bits
 * become virtual, a 1 written to a status bit is refused and audited, host-set mask bits
 * stay refused. Permissive profile: every bit goes to the hardware, audited when a write
 * changes it (the escape hatch); nothing here must stay mediated there, since the
 * permissive guest drives the function's error signalling through Device Control anyway.
 */
#include <errno.h>

#include "mediator-private.h"
#include "regs.h"

enum aer_fix {
	AER_FIX_NONE,
	AER_FIX_HOSTMASK, /* .pass bits the device had set become refused, virtual 1 */
	AER_FIX_CAPCTL,   /* the enables: by the capable bits */
	AER_FIX_ROOT,     /* Root Port / Event Collector register: only there */
	AER_FIX_NONROOT,  /* the same bytes, reserved, in every other function */
};

struct aer_row {
	struct pg_row_def def;
	enum aer_fix fix;
};

#define ALL 0xffffffffu
/* Reads 0 whatever the hardware holds; writes dropped (permissive: the hardware's). */
#define ZERO(r, n, f) { .def = { .rel = (r), .size = 4, .id = (n), .virt = ALL, .ro = ALL, \
			  .perm_open = ALL }, .fix = (f) }
/* Read from the hardware, never written (permissive: written through, audited). */
#define HWRO(r, n, f) { .def = { .rel = (r), .size = 4, .id = (n), .ro = ALL, \
			  .perm_open = ALL }, .fix = (f) }
/* Reserved: reads 0, the hardware value is preserved. */
#define RSVD(r, n, f) { .def = { .rel = (r), .size = 4, .id = (n), .rsvdp = ALL, \
			  .perm_open = ALL }, .fix = (f) }

static const struct aer_row aer_rows[] = {
	{ .def = { .rel = AER_UNCOR_STATUS, .size = 4, .id = "aer.uncor-status",
	    .rw1c = AER_UNCOR_BITS, .rsvdz = AER_UNCOR_RSVD, .perm_open = ALL },
	  .fix = AER_FIX_NONE },
	{ .def = { .rel = AER_UNCOR_MASK, .size = 4, .id = "aer.uncor-mask",
	    .pass = AER_UNCOR_BITS, .rsvdp = AER_UNCOR_RSVD, .perm_open = ALL },
	  .fix = AER_FIX_HOSTMASK },
	{ .def = { .rel = AER_UNCOR_SEVER, .size = 4, .id = "aer.uncor-severity",
	    .virt = AER_UNCOR_BITS, .snap = AER_UNCOR_BITS, .rsvdp = AER_UNCOR_RSVD,
	    .perm_open = ALL }, .fix = AER_FIX_NONE },
	{ .def = { .rel = AER_COR_STATUS, .size = 4, .id = "aer.cor-status",
	    .rw1c = AER_COR_BITS, .rsvdz = AER_COR_RSVD, .perm_open = ALL },
	  .fix = AER_FIX_NONE },
	{ .def = { .rel = AER_COR_MASK, .size = 4, .id = "aer.cor-mask",
	    .pass = AER_COR_BITS, .rsvdp = AER_COR_RSVD, .perm_open = ALL },
	  .fix = AER_FIX_HOSTMASK },
	{ .def = { .rel = AER_CAPCTL, .size = 4, .id = "aer.capctl", .ro = AER_CAP_RO,
	    .rsvdp = AER_CAP_RSVD, .perm_open = ALL }, .fix = AER_FIX_CAPCTL },
	ZERO(AER_HEADER_LOG, "aer.header-log", AER_FIX_NONE),
	ZERO(AER_HEADER_LOG + 4, "aer.header-log", AER_FIX_NONE),
	ZERO(AER_HEADER_LOG + 8, "aer.header-log", AER_FIX_NONE),
	ZERO(AER_HEADER_LOG + 12, "aer.header-log", AER_FIX_NONE),
	HWRO(AER_ROOT_CMD, "aer.root-cmd", AER_FIX_ROOT),
	HWRO(AER_ROOT_STATUS, "aer.root-status", AER_FIX_ROOT),
	ZERO(AER_SOURCE_ID, "aer.source-id", AER_FIX_ROOT),
	RSVD(AER_ROOT_CMD, "aer.reserved", AER_FIX_NONROOT),
	RSVD(AER_ROOT_STATUS, "aer.reserved", AER_FIX_NONROOT),
	RSVD(AER_SOURCE_ID, "aer.reserved", AER_FIX_NONROOT),
	ZERO(AER_PREFIX_LOG, "aer.prefix-log", AER_FIX_NONE),
	ZERO(AER_PREFIX_LOG + 4, "aer.prefix-log", AER_FIX_NONE),
	ZERO(AER_PREFIX_LOG + 8, "aer.prefix-log", AER_FIX_NONE),
	ZERO(AER_PREFIX_LOG + 12, "aer.prefix-log", AER_FIX_NONE),
};

/* An enable bit: to the hardware when the capable bit is set, else read-only. */
static void capable_enable(struct pg_reg *r, uint32_t hw, uint32_t cap, uint32_t en,
			   bool virtual_only)
{
	if (!(hw & cap)) {
		r->ro |= en;
		return;
	}
	if (virtual_only) {
		r->virt |= en;
		r->value |= hw & en;
	} else {
		r->pass |= en;
	}
}

/* Apply the row's device-dependent rule; false when the row does not apply. */
static bool fix_row(const struct pg_mediator *m, enum aer_fix fix, bool root, struct pg_reg *r)
{
	uint32_t hw = pg_med_snap(m, r->off, r->size);

	switch (fix) {
	case AER_FIX_HOSTMASK: {
		uint32_t host = r->pass & hw;

		r->pass &= ~host;
		r->virt |= host;
		r->deny |= host;
		r->value |= host;
		return true;
	}
	case AER_FIX_CAPCTL:
		capable_enable(r, hw, AER_CAP_ECRC_GEN, AER_CTL_ECRC_GEN, false);
		capable_enable(r, hw, AER_CAP_ECRC_CHK, AER_CTL_ECRC_CHK, false);
		capable_enable(r, hw, AER_CAP_MHR, AER_CTL_MHR, true);
		return true;
	case AER_FIX_ROOT:
		return root;
	case AER_FIX_NONROOT:
		return !root;
	case AER_FIX_NONE:
	default:
		return true;
	}
}

/* One AER capability per function: the first, which is the one the host's AER driver
 * finds and programs (a search for a capability ID stops at the first match). A second
 * one is a malformed or hostile layout whose masks nobody programmed; it is hidden, as a
 * second PM, MSI or PCIe capability is. */
int pg_med_aer_init(struct pg_mediator *m, const struct pg_med_cap *cap)
{
	bool root = cap->src && cap->src->decoded && cap->src->info.aer.root;
	int rc = 0;

	for (uint16_t i = 0; i < m->ncaps; i++)
		if (&m->caps[i] != cap && m->caps[i].extended && m->caps[i].id == PG_ECAP_AER &&
		    m->caps[i].visible)
			return -EEXIST;

	for (size_t i = 0; i < sizeof(aer_rows) / sizeof(aer_rows[0]) && rc == 0; i++) {
		const struct aer_row *a = &aer_rows[i];
		struct pg_reg r;

		if ((uint32_t)a->def.rel + a->def.size > cap->len)
			continue;
		pg_med_def_row(m, cap->off, &a->def, 0, &r);
		if (fix_row(m, a->fix, root, &r))
			rc = pg_med_ecap_add(m, &r);
	}
	if (rc == 0)
		rc = pg_med_ecap_fill(m, cap, "ecap.aer");
	return rc;
}
