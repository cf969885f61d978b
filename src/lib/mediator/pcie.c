/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * PCI Express capability (PCIe r5.0 §7.5.3) and Advanced Features (PCI AF ECN).
 *
 * Only Endpoint, Legacy Endpoint and RCiEP functions are mediated (xen_pt, QEMU vfio):
 * port registers (slot, root) have no meaning for an assigned function. Capabilities,
 * DevCap/LnkCap/DevCap2 read as the device has them.
 *
 * DevCtl: the error-reporting enables, Relaxed Ordering, Extended Tag and No Snoop reach
 * the hardware (vfio passes them; they affect only this function). Max_Payload_Size and
 * Max_Read_Request_Size are virtual: MPS must match the rest of the hierarchy ("can break
 * communication with other physical devices", vfio) and the host owns it. Phantom
 * Functions Enable is refused and audited: phantom requester IDs escape the IOMMU context
 * of the function. Initiate FLR (bit 15) never reaches the hardware: it becomes a
 * PG_EFFECT_RESET (vfio). DevSta error bits are RW1C to hardware.
 *
 * LnkCtl and LnkCtl2 are virtual (the link is shared with the upstream port the host owns;
 * vfio makes them read-only, which breaks guests' ASPM read-back); Link Disable, Retrain
 * Link and the compliance-entry bits are refused and audited. DevCtl2: Completion
 * Timeout, AtomicOp Requester and IDO pass; LTR, OBFF, 10-bit tags and the blocking bits
 * are virtual (they need support along the path, which the host decides); ARI Forwarding
 * is a port bit and refused.
 *
 * Device-model profile: nothing here reaches the hardware (pass bits become virtual, RW1C
 * bits become audited read-only), and an FLR request (DevCtl or AF Control, on a function
 * that has FLR) is refused and audited as "device-model:reset": the toolstack owns resets.
 */
#include <errno.h>
#include <string.h>
#include <syslog.h>

#include "mediator-private.h"
#include "regs.h"

/* A guest FLR request becomes a reset effect; bit is the request bit in row r. The
 * device-model profile refuses it: there the toolstack, not the device model, owns
 * resets, and the reset's restore would rewrite BARs, ROM and Command, far more than the
 * interrupt enables the profile lets reach the hardware. */
static void post_reset(struct pg_mediator *m, struct pg_reg *r, struct pg_wctx *w,
		       uint32_t bit, const char *why)
{
	struct pg_effect e;

	if (m->profile == PG_PROFILE_DEVICE_MODEL) {
		pg_med_deny(m, r, w, bit, "device-model:reset", true);
		return;
	}
	pg_med_reset_effect(m, why, r->off, r->size, bit, &e);
	pg_med_post(w, &e);
}

static void devctl_write(struct pg_mediator *m, struct pg_reg *r, struct pg_wctx *w)
{
	/* FLR on a function without the capability is a no-op, as on hardware */
	if ((w->bm & DEVCTL_FLR) && (w->val & DEVCTL_FLR) && m->pcie_flr)
		post_reset(m, r, w, DEVCTL_FLR, "pcie-flr");
}

/* Read-only, the device's value as the guest's (capabilities, flags). */
#define EMUL(r, s, n) { .rel = (r), .size = (s), .id = (n), .ro = 0xffffffffu, \
			.virt = 0xffffffffu, .snap = 0xffffffffu }
/* Read-only from the hardware (status the guest observes, port registers). */
#define HWRO(r, s, n) { .rel = (r), .size = (s), .id = (n), .ro = 0xffffffffu, \
			.perm_open = 0xffffffffu }

/* Link registers the host owns: Link Disable and Retrain would take the shared link down
 * (refused), the rest is virtual so guests can read back their ASPM settings. */
static const struct pg_row_def pcie_v1[] = {
	EMUL(EXP_FLAGS, 2, "pcie.flags"),
	EMUL(EXP_DEVCAP, 4, "pcie.devcap"),
	{ .rel = EXP_DEVCTL, .size = 2, .id = "pcie.devctl",
	  .pass = DEVCTL_ERR_ENABLES | DEVCTL_RELAXED | DEVCTL_EXT_TAG | DEVCTL_NOSNOOP,
	  .ro = DEVCTL_FLR, .deny = DEVCTL_PHANTOM,
	  .virt = DEVCTL_FLR | DEVCTL_READRQ | DEVCTL_AUX_PM | DEVCTL_PHANTOM | DEVCTL_PAYLOAD,
	  .perm_open = DEVCTL_READRQ | DEVCTL_AUX_PM | DEVCTL_PHANTOM | DEVCTL_PAYLOAD,
	  .snap = 0xffffu, .write = devctl_write },
	{ .rel = EXP_DEVSTA, .size = 2, .id = "pcie.devsta", .rw1c = DEVSTA_RW1C,
	  .rsvdz = DEVSTA_RSVDZ, .ro = DEVSTA_RO },
	EMUL(EXP_LNKCAP, 4, "pcie.lnkcap"),
	{ .rel = EXP_LNKCTL, .size = 2, .id = "pcie.lnkctl",
	  .deny = LNKCTL_DISABLE | LNKCTL_RETRAIN, .virt = 0xffffu, .perm_open = 0xffffu,
	  .snap = 0xffffu },
	HWRO(EXP_LNKSTA, 2, "pcie.lnksta"),
	HWRO(EXP_SLTCAP, 4, "pcie.sltcap"),
	HWRO(EXP_SLTCTL, 2, "pcie.sltctl"),
	HWRO(EXP_SLTSTA, 2, "pcie.sltsta"),
	HWRO(EXP_RTCTL, 2, "pcie.rtctl"),
	HWRO(EXP_RTCAP, 2, "pcie.rtcap"),
	HWRO(EXP_RTSTA, 4, "pcie.rtsta"),
};

/* Version 2 registers. DevCtl2 bits that need support along the path (the host decides)
 * are virtual; ARI Forwarding is a port bit and refused. */
static const struct pg_row_def pcie_v2[] = {
	EMUL(EXP_DEVCAP2, 4, "pcie.devcap2"),
	{ .rel = EXP_DEVCTL2, .size = 2, .id = "pcie.devctl2",
	  .pass = DEVCTL2_COMP_TIMEOUT | DEVCTL2_ATOMIC_REQ | DEVCTL2_IDO,
	  .deny = DEVCTL2_ARI, .virt = DEVCTL2_ARI | DEVCTL2_PATH,
	  .perm_open = DEVCTL2_ARI | DEVCTL2_PATH, .snap = 0xffffu },
	HWRO(EXP_DEVSTA2, 2, "pcie.devsta2"),
	EMUL(EXP_LNKCAP2, 4, "pcie.lnkcap2"),
	{ .rel = EXP_LNKCTL2, .size = 2, .id = "pcie.lnkctl2",
	  .deny = LNKCTL2_ENTER_COMP | LNKCTL2_COMP_SOS, .virt = 0xffffu,
	  .perm_open = 0xffffu, .snap = 0xffffu },
	HWRO(EXP_LNKSTA2, 2, "pcie.lnksta2"),
	HWRO(EXP_SLTCAP2, 4, "pcie.sltcap2"),
	HWRO(EXP_SLTCTL2, 2, "pcie.sltctl2"),
	HWRO(EXP_SLTSTA2, 2, "pcie.sltsta2"),
};

/* Register the rows of t lying within the first len bytes of the capability; in the
 * device-model profile nothing here reaches the hardware (pass bits become virtual, RW1C
 * bits audited read-only). */
static int add_table(struct pg_mediator *m, uint16_t c, const struct pg_row_def *t, size_t n,
		     uint32_t len)
{
	int rc = 0;

	for (size_t i = 0; i < n && rc == 0; i++) {
		struct pg_reg r;

		if ((uint32_t)t[i].rel + t[i].size > len)
			continue;
		pg_med_def_row(m, c, &t[i], 0, &r);
		if (m->profile == PG_PROFILE_DEVICE_MODEL) {
			r.virt |= r.pass;
			r.value = pg_med_snap(m, r.off, r.size) & r.virt & (t[i].snap | r.pass);
			r.pass = 0;
			r.deny |= r.rw1c;
			r.rw1c = 0;
		}
		rc = pg_med_add(m, &r, NULL);
	}
	return rc;
}

/* Only Endpoint, Legacy Endpoint and RCiEP functions are mediated. The capability's length
 * (version 1: up to the last register group the type has; version 2: the full structure)
 * is the cfg parser's (PCIe r5.0 §7.5.3; PCIe 1.1 §7.8 for version 1). */
int pg_med_pcie_init(struct pg_mediator *m, const struct pg_med_cap *cap)
{
	const struct pg_cap_pcie *info = &cap->src->info.pcie;
	uint8_t type = info->port_type;
	int rc;

	for (uint16_t i = 0; i < m->ncaps; i++)
		if (&m->caps[i] != cap && !m->caps[i].extended && m->caps[i].id == PG_CAP_EXP &&
		    m->caps[i].visible)
			return -EEXIST;
	if (type != PG_PCIE_ENDPOINT && type != PG_PCIE_LEGACY_ENDPOINT &&
	    type != PG_PCIE_RC_IEP) {
		pg_med_log(m, LOG_WARNING, "PCI Express device/port type %s is not mediated",
			   pg_pcie_type_name(type));
		return -EOPNOTSUPP;
	}
	if (cap->src->truncated || !cap->src->decoded)
		return -ERANGE;
	m->pcie_flr = info->flr;
	rc = add_table(m, cap->off, pcie_v1, sizeof(pcie_v1) / sizeof(pcie_v1[0]), cap->len);
	if (!rc && info->version >= 2)
		rc = add_table(m, cap->off, pcie_v2, sizeof(pcie_v2) / sizeof(pcie_v2[0]),
			       cap->len);
	return rc;
}

/* ---- Advanced Features ------------------------------------------------------------------ */

static void af_write(struct pg_mediator *m, struct pg_reg *r, struct pg_wctx *w)
{
	/* vfio requires both TP and FLR capability before it treats this as an FLR */
	if ((w->val & AF_CTRL_FLR) && m->af_flr)
		post_reset(m, r, w, AF_CTRL_FLR, "af-flr");
}

static const struct pg_row_def af_rows[] = {
	EMUL(AF_LEN_REG, 1, "af.len"),
	EMUL(AF_CAP, 1, "af.cap"),
	{ .rel = AF_CTRL, .size = 1, .id = "af.control", .ro = 0xffu, .virt = 0xffu,
	  .write = af_write },
	HWRO(AF_STATUS, 1, "af.status"),
};

int pg_med_af_init(struct pg_mediator *m, const struct pg_med_cap *cap)
{
	const struct pg_cap_af *info = &cap->src->info.af;

	if (cap->src->truncated || !cap->src->decoded)
		return -ERANGE;
	m->af_flr = info->tp && info->flr;
	return add_table(m, cap->off, af_rows, sizeof(af_rows) / sizeof(af_rows[0]), AF_LEN);
}
