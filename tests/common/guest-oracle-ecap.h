/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The guest oracle's rules for extended capabilities a policy adds to the strict profiles
 * (W1, R2 and A1 of guest-oracle.h for the AER capability). Written from PCIe r5.0 §7.8.4
 * and the AER rules of docs/mediation.md, never from the mediator's tables. Included by
 * guest-oracle.h only, after the oracle's structure and guest-oracle-read.h.
 *
 * AER (guest profile): the Uncorrectable and Correctable Error Status bits are RW1C to the
 * device, their reserved bits may be written 0; a mask bit the device did not have set may
 * change on the device, one it had set never does (clearing it is audited, and it keeps
 * reading 1); ECRC Generation/Check Enable may change where ECRC Generation/Check Capable
 * is set; nothing else of the capability changes on the device. Severity reads what the
 * guest wrote (starting from the device's), the Header Log and TLP Prefix Log read 0, and
 * so do the status registers' reserved bits.
 * Device-model: nothing changes on the device; a 1 written to a status bit is audited; the
 * masks' other bits and the capable ECRC enables read what the guest wrote.
 * Permissive: the capability is the guest's like any other (guest-oracle.h).
 *
 * LTR (PCIe r5.0 §7.8.2) and L1 PM Substates (§7.8.3) added to the strict profiles: the
 * latency registers (value 9:0, scale 12:10) and Control 1/2 (all but reserved bits 7:6,
 * 28:26 / 2, 31:8) read what the guest wrote, nothing changes on the device. Power
 * Budgeting (§7.8.1): Data Select (offset 4) may change on the device in guest, reads
 * what the guest wrote in device-model. Every other byte of an added capability never
 * changes on the device.
 *
 * Controls the host owns, in every profile (permissive included; docs/mediation.md): no
 * write changes them, a write that would is audited as denied, and they read the device's
 * value: Resizable BAR and VF Resizable BAR Control BAR Size (bits 13:8 of each entry's
 * Control, PCIe r5.0 §7.8.6, entries counted by bits 7:5 of the first); SR-IOV Control,
 * NumVFs and System Page Size (§9.3.3; the VF BARs read 0, a host address); ATS Control
 * (§10.5.1); PASID Control (§7.8.8); PRI Control and Outstanding Page Request Allocation
 * (§10.5.2); ACS Control and the Egress Control Vector (§7.7.8). The SR-IOV and PRI status
 * registers never change on the device.
 */
#ifndef PG_TEST_GUEST_ORACLE_ECAP_H
#define PG_TEST_GUEST_ORACLE_ECAP_H

/* The extended capabilities the oracle has rules for in the strict profiles (a policy may
 * add them): AER, SR-IOV, ATS, PASID, PRI, ACS, LTR, L1 PM Substates, Power Budgeting,
 * Resizable BAR and VF Resizable BAR. */
#define GO_EXT_RULES ((1ull << PG_ECAP_AER) | (1ull << PG_ECAP_SRIOV) | (1ull << PG_ECAP_ATS) | \
		      (1ull << PG_ECAP_PASID) | (1ull << PG_ECAP_PRI) | (1ull << PG_ECAP_ACS) | \
		      (1ull << PG_ECAP_LTR) | (1ull << PG_ECAP_L1SS) | (1ull << PG_ECAP_PWR) | \
		      (1ull << PG_ECAP_REBAR) | (1ull << PG_ECAP_VF_REBAR))

/* The policy capability list for add_ext (at most 64 entries in out); returns the count. */
static inline size_t go_ext_policy(uint64_t add_ext, struct pg_policy_cap *out)
{
	size_t n = 0;

	for (unsigned id = 1; id < 64; id++)
		if ((add_ext >> id) & 1u) {
			out[n].extended = true;
			out[n++].id = (uint16_t)id;
		}
	return n;
}

/* PCIe r5.0 §7.8.4.2: bit 0 (Undefined: writable), 4-5, 12-26 */
#define GO_AER_UNC 0x07fff031u
/* §7.8.4.5: bits 0, 6-8, 12-15 */
#define GO_AER_COR 0x0000f1c1u

static inline const struct go_cap *go_find_ext(const struct go_oracle *o, uint16_t id)
{
	for (unsigned i = 0; i < o->ncaps; i++)
		if (o->caps[i].ext && o->caps[i].id == id && o->caps[i].visible)
			return &o->caps[i];
	return NULL;
}

/* The AER ECRC enables (§7.8.4.7: Generation Enable bit 6 with Capable bit 5, Check
 * Enable bit 8 with Capable bit 7) the device has. */
static inline uint32_t go_aer_ecrc(const struct go_oracle *o, const struct go_cap *a)
{
	uint32_t cc = go_rd(o->snap, a->off + 0x18u, 4);

	return ((cc & 0x20u) ? 0x40u : 0u) | ((cc & 0x80u) ? 0x100u : 0u);
}

/* One host-owned field: never changed on the device, reads v, audited when changed. */
static inline void go_lock(struct go_oracle *o, unsigned off, unsigned size, uint32_t mask,
			   uint32_t v)
{
	for (unsigned i = 0; i < size && off + i < o->cfg_len; i++) {
		uint8_t m = (uint8_t)(mask >> (8u * i));

		o->chg[off + i] &= (uint8_t)~m;
		o->w1c[off + i] &= (uint8_t)~m;
		o->zero[off + i] &= (uint8_t)~m;
		o->aud_mask[off + i] |= m;
		o->aud_val[off + i] = (uint8_t)((o->aud_val[off + i] & ~m) | ((v >> (8u * i)) & m));
		o->exp[off + i] = (uint8_t)((o->exp[off + i] & ~m) | ((v >> (8u * i)) & m));
		o->exp_mask[off + i] |= m;
	}
}

/* A register the device keeps in every profile (no audit: nothing the guest asks). */
static inline void go_keep(struct go_oracle *o, unsigned off, unsigned size)
{
	for (unsigned i = 0; i < size && off + i < o->cfg_len; i++)
		o->chg[off + i] = o->w1c[off + i] = o->zero[off + i] = 0;
}

/* Lock field [rel, rel + size) of c when the capability holds it. */
static inline void go_lock_in(struct go_oracle *o, const struct go_cap *c, unsigned len,
			      unsigned rel, unsigned size, uint32_t mask, bool reads_zero)
{
	if (rel + size <= len)
		go_lock(o, c->off + rel, size, mask,
			reads_zero ? 0u : go_rd(o->snap, c->off + rel, size));
}

static inline void go_ecap_locks(struct go_oracle *o)
{
	for (unsigned i = 0; i < o->ncaps; i++) {
		const struct go_cap *c = &o->caps[i];
		unsigned len = c->len;

		if (!c->ext || !c->visible)
			continue;
		switch (c->id) {
		case PG_ECAP_REBAR: case PG_ECAP_VF_REBAR:
			for (unsigned e = 8; e + 4 <= len; e += 8)
				go_lock_in(o, c, len, e, 4, 0x3f00u, false);
			break;
		case PG_ECAP_SRIOV:
			go_lock_in(o, c, len, 0x08, 2, 0xffffu, false);
			go_lock_in(o, c, len, 0x10, 2, 0xffffu, false);
			go_lock_in(o, c, len, 0x20, 4, 0xffffffffu, false);
			for (unsigned b = 0x24; b < 0x3c; b += 4)
				go_lock_in(o, c, len, b, 4, 0xffffffffu, true);
			if (len >= 0x0c)
				go_keep(o, c->off + 0x0au, 2);
			break;
		case PG_ECAP_ATS: case PG_ECAP_PASID:
			go_lock_in(o, c, len, 0x06, 2, 0xffffu, false);
			break;
		case PG_ECAP_PRI:
			go_lock_in(o, c, len, 0x04, 2, 0xffffu, false);
			go_lock_in(o, c, len, 0x0c, 4, 0xffffffffu, false);
			if (len >= 0x08)
				go_keep(o, c->off + 0x06u, 2);
			break;
		case PG_ECAP_ACS:
			go_lock_in(o, c, len, 0x06, 2, 0xffffu, false);
			for (unsigned b = 0x08; b < 0x28; b += 4)
				go_lock_in(o, c, len, b, 4, 0xffffffffu, false);
			break;
		default:
			break;
		}
	}
}

/* W1: what the guest profile lets reach the device. */
static inline void go_aer_bits(struct go_oracle *o)
{
	const struct go_cap *a = go_find_ext(o, PG_ECAP_AER);

	if (!a || o->profile != PG_PROFILE_GUEST)
		return;
	if (a->len >= 0x08) {
		go_set(o->w1c, a->off + 0x04u, 4, GO_AER_UNC);
		go_set(o->zero, a->off + 0x04u, 4, ~GO_AER_UNC);
	}
	if (a->len >= 0x0c)
		go_set(o->chg, a->off + 0x08u, 4, GO_AER_UNC & ~go_rd(o->snap, a->off + 0x08u, 4));
	if (a->len >= 0x14) {
		go_set(o->w1c, a->off + 0x10u, 4, GO_AER_COR);
		go_set(o->zero, a->off + 0x10u, 4, ~GO_AER_COR);
	}
	if (a->len >= 0x18)
		go_set(o->chg, a->off + 0x14u, 4, GO_AER_COR & ~go_rd(o->snap, a->off + 0x14u, 4));
	if (a->len >= 0x1c)
		go_set(o->chg, a->off + 0x18u, 4, go_aer_ecrc(o, a));
}

/* Virtual bits (mask) of a register: read what the guest wrote, from the device's value. */
static inline void go_mark_virt_n(struct go_oracle *o, unsigned off, unsigned size,
				  uint32_t init, uint32_t mask)
{
	go_mark_virt(o, off, size, init);
	go_expect(o, off, size, init, mask);
}

static inline void go_mark_virt_bits(struct go_oracle *o, unsigned off, uint32_t init,
				     uint32_t mask)
{
	go_mark_virt_n(o, off, 4, init, mask);
}

/* The power capabilities in the strict profiles (W1 for guest, R2 for both). */
static inline void go_power_rules(struct go_oracle *o)
{
	bool dm = o->profile == PG_PROFILE_DEVICE_MODEL;

	if (o->profile == PG_PROFILE_PERMISSIVE)
		return;
	for (unsigned i = 0; i < o->ncaps; i++) {
		const struct go_cap *c = &o->caps[i];

		if (!c->ext || !c->visible)
			continue;
		if (c->id == PG_ECAP_LTR && c->len >= 8)
			for (unsigned r = 4; r < 8; r += 2)
				go_mark_virt_n(o, c->off + r, 2, go_rd(o->snap, c->off + r, 2),
					       0x1fffu);
		if (c->id == PG_ECAP_L1SS && c->len >= 0x10) {
			go_mark_virt_bits(o, c->off + 8u, go_rd(o->snap, c->off + 8u, 4),
					  ~0x1c0000c0u);
			go_mark_virt_bits(o, c->off + 0xcu, go_rd(o->snap, c->off + 0xcu, 4),
					  ~0xffffff04u);
		}
		if (c->id == PG_ECAP_PWR && c->len >= 8) {
			if (dm)
				go_mark_virt_n(o, c->off + 4u, 1, o->snap[c->off + 4u], 0xffu);
			else
				go_set(o->chg, c->off + 4u, 1, 0xffu);
		}
	}
}

/* R2 of the extended chain (mediator.h): each visible extended capability's header reads
 * its ID and version with the next pointer of the next visible one; when the capability
 * at 0x100 is hidden and another is visible, 0x100 holds an ID-0 placeholder header that
 * links them, and a write to it is audited like one to any hidden byte. */
static inline void go_ext_chain(struct go_oracle *o)
{
	unsigned prev = 0;
	bool first_hidden = false;

	for (unsigned i = 0; i < o->ncaps; i++) {
		const struct go_cap *c = &o->caps[i];

		if (!c->ext)
			continue;
		if (c->off == 0x100 && !c->visible)
			first_hidden = true;
		if (!c->visible)
			continue;
		if (first_hidden && !prev) {
			for (unsigned b = 0x100; b < 0x104; b++) {
				o->zread[b] = false;
				o->aud_mask[b] = 0xff;
				o->aud_val[b] = (uint8_t)(((uint32_t)c->off << 20) >> (8u * (b - 0x100)));
			}
			go_expect(o, 0x100, 4, (uint32_t)c->off << 20, 0xffffffffu);
		} else if (prev) {
			go_expect(o, prev, 4, (go_rd(o->snap, prev, 4) & 0xfffffu) |
				  (uint32_t)c->off << 20, 0xffffffffu);
		}
		prev = c->off;
	}
	if (prev)
		go_expect(o, prev, 4, go_rd(o->snap, prev, 4) & 0xfffffu, 0xffffffffu);
}

/* R2 and A1 in the strict profiles. */
static inline void go_aer_expect(struct go_oracle *o)
{
	const struct go_cap *a = go_find_ext(o, PG_ECAP_AER);
	bool dm = o->profile == PG_PROFILE_DEVICE_MODEL;
	uint32_t umask, cmask;

	go_ecap_locks(o);
	go_power_rules(o);
	if (o->profile == PG_PROFILE_PERMISSIVE)
		return;
	go_ext_chain(o);
	if (!a || a->len < 0x2c)
		return;
	umask = go_rd(o->snap, a->off + 0x08u, 4) & GO_AER_UNC;
	cmask = go_rd(o->snap, a->off + 0x14u, 4) & GO_AER_COR;
	go_expect(o, a->off + 0x04u, 4, 0, ~GO_AER_UNC);          /* reserved: 0 */
	go_expect(o, a->off + 0x10u, 4, 0, ~GO_AER_COR);
	go_mark_virt_bits(o, a->off + 0x0cu, go_rd(o->snap, a->off + 0x0cu, 4), GO_AER_UNC);
	for (unsigned r = 0x1c; r < 0x2c; r += 4)
		go_expect(o, a->off + r, 4, 0, 0xffffffffu);       /* Header Log */
	for (unsigned r = 0x38; r < 0x48 && r + 4 <= a->len; r += 4)
		go_expect(o, a->off + r, 4, 0, 0xffffffffu);       /* TLP Prefix Log */
	if (dm) {
		go_mark_virt_bits(o, a->off + 0x08u, go_rd(o->snap, a->off + 0x08u, 4),
				  GO_AER_UNC & ~umask);
		go_mark_virt_bits(o, a->off + 0x14u, go_rd(o->snap, a->off + 0x14u, 4),
				  GO_AER_COR & ~cmask);
		go_mark_virt_bits(o, a->off + 0x18u, go_rd(o->snap, a->off + 0x18u, 4),
				  go_aer_ecrc(o, a));
		go_refuse(o, a->off + 0x04u, 4, GO_AER_UNC, true);
		go_refuse(o, a->off + 0x10u, 4, GO_AER_COR, true);
	} else {
		go_expect(o, a->off + 0x08u, 4, umask, umask);     /* host masks read 1 */
		go_expect(o, a->off + 0x14u, 4, cmask, cmask);
	}
	go_refuse(o, a->off + 0x08u, 4, umask, false);
	go_refuse(o, a->off + 0x14u, 4, cmask, false);
}

#endif
