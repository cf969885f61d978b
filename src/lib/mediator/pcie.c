/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * PCI Express capability and Advanced Features (PCIe 4.0 §7.5.3; Advanced Features ECN).
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

#define DEVCAP_FLR (1u << 28)
#define DEVCTL_FLR 0x8000u
#define AF_CAP_TP 0x01u
#define AF_CAP_FLR 0x02u
#define AF_CTRL_FLR 0x01u

enum { V_NONE = 0, V_SNAP };

struct prow {
	uint8_t rel, size;
	const char *id;
	uint32_t pass, rw1c, rsvdz, ro, deny, virt, perm_open;
	uint8_t val;
	pg_reg_hook hook;
};

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
	uint32_t devcap = pg_med_snap(m, (uint16_t)(r->off - 4u), 4);

	/* FLR on a function without the capability is a no-op, as on hardware */
	if ((w->bm & DEVCTL_FLR) && (w->val & DEVCTL_FLR) && (devcap & DEVCAP_FLR))
		post_reset(m, r, w, DEVCTL_FLR, "pcie-flr");
}

#define EMUL(o, s, n) { (o), (s), (n), 0, 0, 0, 0xffffffffu, 0, 0xffffffffu, 0, V_SNAP, NULL }
#define HWRO(o, s, n) { (o), (s), (n), 0, 0, 0, 0xffffffffu, 0, 0, 0xffffffffu, V_NONE, NULL }

static const struct prow pcie_v1[] = {
	EMUL(0x02, 2, "pcie.flags"),
	EMUL(0x04, 4, "pcie.devcap"),
	{ 0x08, 2, "pcie.devctl", 0x091fu, 0, 0, 0x8000u, 0x0200u, 0xf6e0u, 0x76e0u, V_SNAP,
	  devctl_write },
	{ 0x0a, 2, "pcie.devsta", 0, 0x004fu, 0xff80u, 0x0030u, 0, 0, 0, V_NONE, NULL },
	EMUL(0x0c, 4, "pcie.lnkcap"),
	{ 0x10, 2, "pcie.lnkctl", 0, 0, 0, 0, 0x0030u, 0xffffu, 0xffffu, V_SNAP, NULL },
	HWRO(0x12, 2, "pcie.lnksta"),
	HWRO(0x14, 4, "pcie.sltcap"),
	HWRO(0x18, 2, "pcie.sltctl"),
	HWRO(0x1a, 2, "pcie.sltsta"),
	HWRO(0x1c, 2, "pcie.rtctl"),
	HWRO(0x1e, 2, "pcie.rtcap"),
	HWRO(0x20, 4, "pcie.rtsta"),
};

static const struct prow pcie_v2[] = {
	EMUL(0x24, 4, "pcie.devcap2"),
	{ 0x28, 2, "pcie.devctl2", 0x035fu, 0, 0, 0, 0x0020u, 0xfca0u, 0xfca0u, V_SNAP, NULL },
	HWRO(0x2a, 2, "pcie.devsta2"),
	EMUL(0x2c, 4, "pcie.lnkcap2"),
	{ 0x30, 2, "pcie.lnkctl2", 0, 0, 0, 0, 0x0410u, 0xffffu, 0xffffu, V_SNAP, NULL },
	HWRO(0x32, 2, "pcie.lnksta2"),
	HWRO(0x34, 4, "pcie.sltcap2"),
	HWRO(0x38, 2, "pcie.sltctl2"),
	HWRO(0x3a, 2, "pcie.sltsta2"),
};

static int add_prow(struct pg_mediator *m, uint16_t c, const struct prow *t)
{
	uint32_t all = pg_size_mask(t->size);
	struct pg_reg r;

	memset(&r, 0, sizeof(r));
	r.off = (uint16_t)(c + t->rel);
	r.size = t->size;
	r.pass = t->pass;
	r.rw1c = t->rw1c;
	r.rsvdz = t->rsvdz;
	r.ro = t->ro & all;
	r.deny = t->deny;
	r.virt = t->virt & all;
	r.perm_open = t->perm_open & all;
	r.write = t->hook;
	if (m->profile == PG_PROFILE_DEVICE_MODEL) {
		r.virt |= r.pass;
		r.pass = 0;
		r.deny |= r.rw1c;
		r.rw1c = 0;
	}
	if (t->val == V_SNAP)
		r.value = pg_med_snap(m, r.off, r.size) & r.virt;
	pg_reg_set_id(&r, t->id, NULL);
	return pg_med_add(m, &r, NULL);
}

/* Register the rows of t that lie within the first len bytes of the capability. */
static int add_table(struct pg_mediator *m, uint16_t c, const struct prow *t, size_t n,
		     uint32_t len)
{
	int rc = 0;

	for (size_t i = 0; i < n && rc == 0; i++)
		if ((uint32_t)t[i].rel + t[i].size <= len)
			rc = add_prow(m, c, &t[i]);
	return rc;
}

/* Bytes of a mediated function's capability (PCIe 1.1 §7.8, as the cfg parser's
 * pg_pcie_length()): version 1 ends after the link registers (after Device Status for an
 * RCiEP, which has no link); version 2 is the full structure (an RCiEP lacks link and
 * slot registers). Version 1 endpoints sit at 0xe0 on real devices: asking for a root
 * port's 0x24 bytes there would hide their PCI Express capability. */
static uint32_t pcie_len(bool v2, uint8_t type)
{
	if (v2)
		return type == PG_PCIE_RC_IEP ? 0x2cu : 0x3cu;
	return type == PG_PCIE_RC_IEP ? 0x0cu : 0x14u;
}

int pg_med_pcie_init(struct pg_mediator *m, const struct pg_med_cap *cap)
{
	uint16_t c = cap->off;
	uint16_t flags = (uint16_t)pg_med_snap(m, (uint16_t)(c + 2u), 2);
	uint8_t type = (uint8_t)((flags >> 4) & 0xfu);
	bool v2 = (flags & 0xfu) >= 2;
	uint32_t len = pcie_len(v2, type);
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
	if (c + len > PG_CFG_STD_LEN || c + len > m->cfg_len)
		return -ERANGE;
	rc = add_table(m, c, pcie_v1, sizeof(pcie_v1) / sizeof(pcie_v1[0]), len);
	if (!rc && v2)
		rc = add_table(m, c, pcie_v2, sizeof(pcie_v2) / sizeof(pcie_v2[0]), len);
	return rc;
}

/* ---- Advanced Features ------------------------------------------------------------------ */

static void af_write(struct pg_mediator *m, struct pg_reg *r, struct pg_wctx *w)
{
	uint8_t afcap = m->snap[r->off - 1u];

	/* vfio requires both TP and FLR capability before it treats this as an FLR */
	if ((w->val & AF_CTRL_FLR) && (afcap & AF_CAP_TP) && (afcap & AF_CAP_FLR))
		post_reset(m, r, w, AF_CTRL_FLR, "af-flr");
}

static const struct prow af_rows[] = {
	EMUL(0x02, 1, "af.len"),
	EMUL(0x03, 1, "af.cap"),
	{ 0x04, 1, "af.control", 0, 0, 0, 0xffu, 0, 0xffu, 0, V_NONE, af_write },
	HWRO(0x05, 1, "af.status"),
};

int pg_med_af_init(struct pg_mediator *m, const struct pg_med_cap *cap)
{
	uint16_t c = cap->off;

	if (c + 6u > PG_CFG_STD_LEN || c + 6u > m->cfg_len)
		return -ERANGE;
	return add_table(m, c, af_rows, sizeof(af_rows) / sizeof(af_rows[0]), 6);
}
