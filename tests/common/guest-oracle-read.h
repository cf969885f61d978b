/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The guest oracle's read and audit model (invariants R2 and A1 of guest-oracle.h): what
 * each visible register must read, how guest writes and resets change the virtual ones,
 * and which refused bits must be audited. Included by guest-oracle.h only, after the
 * oracle's structure and go_find().
 */
#ifndef PG_TEST_GUEST_ORACLE_READ_H
#define PG_TEST_GUEST_ORACLE_READ_H

/* ---- R2: what visible registers read --------------------------------------------------- */

static inline void go_expect(struct go_oracle *o, unsigned off, unsigned size, uint32_t v,
			     uint32_t mask)
{
	for (unsigned i = 0; i < size && off + i < PG_CFG_EXT_LEN; i++) {
		o->exp[off + i] = (uint8_t)(v >> (8u * i));
		o->exp_mask[off + i] = (uint8_t)(mask >> (8u * i));
	}
}

/* A BAR size real hardware could have (PCI 3.0 §6.2.5.1: a power of two; at least 16 bytes
 * of memory, 4 of I/O, 2 KiB of ROM; at most what the type can address), as the mediator
 * documents it accepts them. */
static inline bool go_bar_size_ok(uint8_t kind, uint64_t size)
{
	if (!size || (size & (size - 1)))
		return false;
	switch (kind) {
	case PG_BAR_IO: return size >= 4 && size <= 256;
	case PG_BAR_MEM32: return size >= 16 && size <= (1ull << 31);
	case PG_BAR_MEM64: return size >= 16 && size <= (1ull << 62);
	case PG_BAR_ROM: return size >= 2048 && size <= (1ull << 24);
	default: return false;
	}
}

/* Which BARs the guest sees: the device's register says the type (PCI 3.0 §6.2.5.1: bit 0
 * I/O; memory type 00b 32-bit, 10b 64-bit, which needs a following slot), the backend
 * agrees and reports a plausible size. The ROM is the backend's alone. */
static inline void go_bars(struct go_oracle *o)
{
	for (unsigned i = 0; i < 6; i++) {
		uint32_t v = go_rd(o->snap, 0x10u + 4u * i, 4);
		uint8_t kind = PG_BAR_NONE;

		if (o->gbar[i].kind == PG_BAR_MEM64_HI || !v)
			continue;
		if (v & 1u)
			kind = PG_BAR_IO;
		else if (((v >> 1) & 3u) == 0)
			kind = PG_BAR_MEM32;
		else if (((v >> 1) & 3u) == 2 && i < 5)
			kind = PG_BAR_MEM64;
		if (kind == PG_BAR_NONE || !o->bars[i].present || o->bars[i].kind != kind ||
		    !go_bar_size_ok(kind, o->bars[i].size))
			continue;
		o->gbar[i].kind = kind;
		o->gbar[i].size = o->bars[i].size;
		o->gbar[i].flags = v & (kind == PG_BAR_IO ? 0x3u : 0xfu);
		if (kind == PG_BAR_MEM64)
			o->gbar[i + 1].kind = PG_BAR_MEM64_HI;
	}
	if (o->bars[PG_CFG_ROM_BAR].present && o->bars[PG_CFG_ROM_BAR].kind == PG_BAR_ROM &&
	    go_bar_size_ok(PG_BAR_ROM, o->bars[PG_CFG_ROM_BAR].size)) {
		o->gbar[PG_CFG_ROM_BAR].kind = PG_BAR_ROM;
		o->gbar[PG_CFG_ROM_BAR].size = o->bars[PG_CFG_ROM_BAR].size;
	}
}

/* The value BAR register i reads after the guest wrote x to it (sizing and programming). */
static inline uint32_t go_bar_value(const struct go_oracle *o, unsigned i, uint32_t x)
{
	uint64_t size = o->gbar[i].size;

	switch (o->gbar[i].kind) {
	case PG_BAR_IO: return (x & (uint32_t)~(size - 1u) & ~3u) | o->gbar[i].flags;
	case PG_BAR_MEM32: case PG_BAR_MEM64:
		return (x & (uint32_t)~(size - 1u) & ~0xfu) | o->gbar[i].flags;
	case PG_BAR_MEM64_HI: return x & (uint32_t)(~(o->gbar[i - 1].size - 1u) >> 32);
	case PG_BAR_ROM: return (x & (uint32_t)~(size - 1u) & ~0x7ffu) | (x & 1u);
	default: return 0;
	}
}

static inline void go_mark_virt(struct go_oracle *o, unsigned off, unsigned size, uint32_t init)
{
	for (unsigned i = 0; i < size && off + i < PG_CFG_EXT_LEN; i++) {
		o->virt[off + i] = 1;
		o->virt_init[off + i] = (uint8_t)(init >> (8u * i));
	}
	go_expect(o, off, size, init, 0xffffffffu);
}

/* Put the virtual registers back to their start values (a reset). */
static inline void go_virt_reset(struct go_oracle *o)
{
	for (unsigned b = 0; b < PG_CFG_EXT_LEN; b++)
		if (o->virt[b])
			o->exp[b] = o->virt_init[b];
}

static inline void go_expectations(struct go_oracle *o)
{
	uint16_t prev = 0x34;
	bool any = false;

	go_expect(o, 0x00, 4, go_rd(o->snap, 0x00, 4), 0xffffffffu);      /* IDs */
	go_expect(o, 0x08, 4, go_rd(o->snap, 0x08, 4), 0xffffffffu);      /* revision, class */
	go_expect(o, 0x0e, 1, o->snap[0x0e] & 0x7fu, 0xffu);
	go_expect(o, 0x2c, 4, go_rd(o->snap, 0x2c, 4), 0xffffffffu);      /* subsystem */
	go_expect(o, 0x3d, 1, o->snap[0x3d], 0xffu);                      /* Interrupt Pin */
	go_bars(o);
	for (unsigned i = 0; i < PG_CFG_NUM_BARS; i++)
		go_mark_virt(o, i == PG_CFG_ROM_BAR ? 0x30u : 0x10u + 4u * i, 4,
			     go_bar_value(o, i, 0));
	go_mark_virt(o, 0x3c, 1, 0);                                     /* Interrupt Line */
	if (o->profile != PG_PROFILE_PERMISSIVE) {
		go_mark_virt(o, 0x0c, 1, o->snap[0x0c]);
		go_mark_virt(o, 0x0d, 1, o->snap[0x0d]);
	}
	for (unsigned i = 0; i < o->ncaps; i++) {
		const struct go_cap *c = &o->caps[i];

		if (c->ext || !c->visible)
			continue;
		go_expect(o, prev, 1, c->off, 0xffu);
		go_expect(o, c->off, 1, c->id, 0xffu);
		prev = (uint16_t)(c->off + 1u);
		any = true;
		if (c->id == PG_CAP_MSI) {
			bool is64 = go_rd(o->snap, c->off + 2u, 2) & 0x80u;

			go_mark_virt(o, c->off + 4u, 4, 0);
			if (is64)
				go_mark_virt(o, c->off + 8u, 4, 0);
			go_mark_virt(o, c->off + (is64 ? 0xcu : 0x8u), 2, 0);
		}
	}
	go_expect(o, prev, 1, 0, 0xffu);                                    /* end of chain */
	go_expect(o, 0x06, 1, any ? 0x10u : 0, 0x10u);                      /* CAP_LIST */
}

static inline void go_refuse(struct go_oracle *o, unsigned off, unsigned size, uint32_t mask,
			     bool when_one)
{
	for (unsigned i = 0; i < size && off + i < PG_CFG_EXT_LEN; i++) {
		uint8_t m = (uint8_t)(mask >> (8u * i));

		if (when_one) {
			o->aud_one[off + i] |= m;
		} else {
			o->aud_mask[off + i] |= m;
			o->aud_val[off + i] = o->snap[off + i];
		}
	}
}

/* The refused bits of A1 (guest and device-model). */
static inline void go_refusals(struct go_oracle *o)
{
	const struct go_cap *e = go_find(o, PG_CAP_EXP);

	if (o->profile == PG_PROFILE_PERMISSIVE)
		return;
	go_refuse(o, 0x0f, 1, 0x40, false);                          /* BIST Start */
	if (o->profile == PG_PROFILE_DEVICE_MODEL)
		go_refuse(o, 0x06, 2, 0xf900, true);                 /* Status errors */
	if (!e)
		return;
	go_refuse(o, e->off + 0x08u, 2, 0x0200, false);             /* Phantom Functions */
	go_refuse(o, e->off + 0x10u, 2, 0x0030, false);             /* Link Disable, Retrain */
	if ((go_rd(o->snap, e->off + 2u, 2) & 0xfu) >= 2 && e->len >= 0x32) {
		go_refuse(o, e->off + 0x28u, 2, 0x0020, false);     /* ARI Forwarding */
		go_refuse(o, e->off + 0x30u, 2, 0x0410, false);     /* compliance */
	}
	if (o->profile == PG_PROFILE_DEVICE_MODEL) {
		go_refuse(o, e->off + 0x0au, 2, 0x004f, true);      /* Device Status errors */
		if (go_rd(o->snap, e->off + 4u, 4) & (1u << 28))
			go_refuse(o, e->off + 0x08u, 2, 0x8000, true); /* Initiate FLR */
	}
}

/* A valid guest write of value at [off, off + size) was decided: track the virtual ones. */
static inline void go_virt_write(struct go_oracle *o, uint16_t off, uint8_t size, uint32_t value)
{
	for (unsigned i = 0; i < size && off + i < PG_CFG_EXT_LEN; i++)
		if (o->virt[off + i])
			o->exp[off + i] = (uint8_t)(value >> (8u * i));
	for (unsigned i = 0; i < PG_CFG_NUM_BARS; i++) {
		unsigned reg = i == PG_CFG_ROM_BAR ? 0x30u : 0x10u + 4u * i;

		if (off / 4u == reg / 4u)
			go_expect(o, reg, 4, go_bar_value(o, i, go_rd(o->exp, reg, 4)), 0xffffffffu);
	}
	for (unsigned i = 0; i < o->ncaps; i++) {
		const struct go_cap *c = &o->caps[i];

		if (!c->ext && c->visible && c->id == PG_CAP_MSI && off / 4u == (c->off + 4u) / 4u)
			o->exp[c->off + 4u] &= 0xfcu; /* Message Address is dword aligned */
	}
}

/* R2: compare a read with the model. */
static inline void go_check_read(struct go_oracle *o, uint16_t off, uint8_t size, uint32_t v)
{
	for (unsigned i = 0; i < size && off + i < PG_CFG_EXT_LEN; i++) {
		unsigned b = off + i;
		uint8_t got = (uint8_t)(v >> (8u * i));

		if ((got ^ o->exp[b]) & o->exp_mask[b])
			go_fail(o, "%s: byte 0x%03x reads 0x%02x, the guest's view is 0x%02x "
				"(bits 0x%02x)", pg_profile_name(o->profile), b, got, o->exp[b],
				o->exp_mask[b]);
	}
}

#endif
