/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * An independent oracle for what a hostile guest may make the mediator do, shared by the
 * hostile-guest unit test (tests/unit/mediator/test-hostile-guest.c) and the libFuzzer
 * target tests/fuzz/fuzz-access.c.
 *
 * The oracle derives, from a device's config bytes, its BARs and a profile, which bits of
 * which bytes the profile lets reach the hardware. It does so from the profile rules as
 * documented (include/pcigate/mediator.h, PCI 3.0 §6, PCIe 4.0 §7, the
 * file comments of src/lib/mediator), with its own capability walk and its own visibility
 * rules, never by asking the mediator. It then serves the device to the mediator as a
 * recording backend ("perfect RAM" hardware with RW1C bits) that checks every config
 * write against those bits as it arrives, and checks every access's result:
 *
 *   W1 no config write changes a bit the profile does not open (RsvdZ bits may be written
 *      0), sets a hardware RW1C bit the profile does not let the guest clear, or covers a
 *      byte the profile never opens at all; BAR registers (0x10-0x27) and the ROM (0x30)
 *      are never written, except to rewrite the host's own value after a reset or a
 *      D3hot->D0 transition (the documented restore; guest and permissive only, or a
 *      VMM-requested pg_mediator_reset());
 *   W2 no write touches the bytes of a hidden capability (in guest/device-model: nothing
 *      outside the header, PM, MSI, MSI-X and PCIe ranges, and nothing at 0x100+);
 *   R1 hidden bytes read PG_MEDIATOR_DENY_BYTE;
 *   I1 an invalid access (size, dword crossing, range; BAR index, size, alignment) returns
 *      -EINVAL and has no effect: no backend access, no audit record, no effect;
 *   B1 no BAR access reaches the MSI-X table or PBA (they are virtual, also when the
 *      capability is hidden), except a read of a visible capability's PBA that holds the
 *      Pending Bit of a vector the table has (PCI 3.0 §6.8.2.10);
 *   D1 device-model: no guest config write decides a reset or a restore (a guest FLR is
 *      refused there: the toolstack owns resets, and the restore would rewrite BARs, ROM
 *      and Command), so the restore allowance of W1 never applies to a guest write;
 *   R2 what visible registers read, both directions: the identity reads the device's
 *      (Header Type without the multifunction bit), the capability pointer and each
 *      visible standard capability's ID and next pointer form the chain of visible
 *      capabilities, Status CAP_LIST says whether there is one, and the virtual registers
 *      read what the guest wrote and never a host value: BARs and the ROM as a guest
 *      sizes and programs them (PCI 3.0 §6.2.5: address bits at and above the BAR's size,
 *      type bits from the device; starting at 0), Interrupt Line (starting at 0), MSI
 *      Message Address and Data (starting at 0), and in guest/device-model Cache Line
 *      Size and Latency Timer; a reset puts them back to their start values;
 *   A1 every valid write touching a byte that must read PG_MEDIATOR_DENY_BYTE (hidden or
 *      uncovered, R1) is audited as denied, and in guest and device-model so is every
 *      write of a bit the profiles refuse (mediator.h and the mediator's file comments):
 *      BIST Start; PCIe Phantom Functions Enable, Link Disable and Retrain, ARI
 *      Forwarding, Enter Compliance and Compliance SOS changed from the device's value;
 *      and in device-model a 1 written to a Status or Device Status error bit (RW1C there
 *      only on the host's side) or to Initiate FLR of a function that has FLR.
 *
 * With add_ext (a policy adding extended capabilities to the strict profiles: bit n for
 * ID n), those are visible there too, under the rules of guest-oracle-ecap.h.
 *
 * The oracle's capability lengths for capabilities the mediator does not handle are an
 * under-approximation (header only for unknown IDs), so R1/W2 never flag a byte the
 * mediator could legitimately own. Everything is static inline: each user includes it once.
 */
#ifndef PG_TEST_GUEST_ORACLE_H
#define PG_TEST_GUEST_ORACLE_H

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <pcigate/pcigate.h>

#include "cap-spec.h"

#define GO_MAX_CAPS 96u
#define GO_WHY 320u

struct go_cap {
	uint16_t off, len, id;
	bool ext, visible;
};

struct go_oracle {
	enum pg_profile profile;
	uint16_t cfg_len;
	uint8_t snap[PG_CFG_EXT_LEN];        /* the device at start (host values) */
	struct pg_bar_info bars[PG_CFG_NUM_BARS];
	struct go_cap caps[GO_MAX_CAPS];
	unsigned ncaps;
	bool endpoint;                       /* header type 0: the mediator serves it */
	uint64_t add_ext;                    /* bit n: the policy adds extended ID n */

	/* per byte, derived from the profile */
	uint8_t chg[PG_CFG_EXT_LEN];         /* bits the guest may change on hardware */
	uint8_t w1c[PG_CFG_EXT_LEN];         /* RW1C bits the guest may clear */
	uint8_t zero[PG_CFG_EXT_LEN];        /* RsvdZ bits that may be written 0 */
	uint8_t hwrw1c[PG_CFG_EXT_LEN];      /* hardware RW1C positions (our hardware model) */
	bool zread[PG_CFG_EXT_LEN];          /* must read PG_MEDIATOR_DENY_BYTE */
	uint8_t exp[PG_CFG_EXT_LEN];         /* R2: expected guest-visible value ... */
	uint8_t exp_mask[PG_CFG_EXT_LEN];    /* ... of these bits */
	uint8_t virt_init[PG_CFG_EXT_LEN];   /* start values of the virtual registers */
	uint8_t virt[PG_CFG_EXT_LEN];        /* bytes that are guest-written virtual registers */
	uint8_t aud_mask[PG_CFG_EXT_LEN];    /* A1: refused bits, audited when changed ... */
	uint8_t aud_val[PG_CFG_EXT_LEN];     /* ... from these values */
	uint8_t aud_one[PG_CFG_EXT_LEN];     /* A1: refused bits, audited when written as 1 */
	struct { uint8_t kind; uint64_t size; uint32_t flags; } gbar[PG_CFG_NUM_BARS];

	bool msix_trap;                      /* the MSI-X table/PBA layout is valid */
	uint8_t tbir, pbir;
	uint64_t toff, tlen, poff, plen;

	/* the recording backend */
	uint8_t hw[PG_CFG_EXT_LEN];
	struct pg_backend *model;            /* BAR info and BAR RAM */
	bool restore_ok;                     /* the current access reset/restores the device */
	unsigned long cfg_reads, cfg_writes, bar_reads, bar_writes, resets, effects;
	unsigned long restores;              /* BAR/ROM rewrites of host values seen */
	unsigned long ext_writes;            /* config writes at 0x100 and above */
	unsigned long accesses, invalid;     /* accesses made, of which invalid */
	bool failed;
	char why[GO_WHY];
};

static inline void go_fail(struct go_oracle *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static inline void go_fail(struct go_oracle *o, const char *fmt, ...)
{
	va_list ap;

	if (o->failed)
		return;
	o->failed = true;
	va_start(ap, fmt);
	(void)vsnprintf(o->why, sizeof(o->why), fmt, ap);
	va_end(ap);
}


/* ---- capability walk and visibility ------------------------------------------------------ */

static inline unsigned go_cap_len(const struct go_oracle *o, bool ext, uint16_t id, uint16_t off)
{
	bool exact;

	return go_spec_len(o->snap, o->cfg_len, ext, id, off, &exact);
}

static inline void go_add_cap(struct go_oracle *o, bool ext, uint16_t id, uint16_t off)
{
	struct go_cap *c;

	if (o->ncaps >= GO_MAX_CAPS)
		return;
	c = &o->caps[o->ncaps++];
	memset(c, 0, sizeof(*c));
	c->off = off;
	c->id = id;
	c->ext = ext;
}

/* Bounded walks (the devices are real, but a loop must not hang a test). */
static inline void go_walk(struct go_oracle *o)
{
	bool seen[PG_CFG_EXT_LEN / 4] = { false };
	bool pcie = false;
	unsigned p = o->snap[0x34] & 0xfcu, ttl = 48;

	if (!(go_rd(o->snap, 0x06, 2) & 0x10u))
		p = 0;
	while (p >= 0x40 && p + 2 <= 256 && p + 2 <= o->cfg_len && ttl-- && !seen[p / 4]) {
		seen[p / 4] = true;
		if (o->snap[p] == 0xff)
			break;
		go_add_cap(o, false, o->snap[p], (uint16_t)p);
		pcie = pcie || o->snap[p] == PG_CAP_EXP;
		p = o->snap[p + 1] & 0xfcu;
	}
	if (!pcie || o->cfg_len <= 256)
		return;
	for (p = 0x100, ttl = 960; p >= 0x100 && p + 4 <= o->cfg_len && ttl-- && !seen[p / 4];) {
		uint32_t h = go_rd(o->snap, p, 4);

		seen[p / 4] = true;
		if (h == 0 || h == 0xffffffffu)
			break;
		go_add_cap(o, true, (uint16_t)(h & 0xffffu), (uint16_t)p);
		p = (h >> 20) & 0xffcu;
	}
}

/* Clamp lengths to the next capability and to the end of their space. */
static inline void go_lengths(struct go_oracle *o)
{
	for (unsigned i = 0; i < o->ncaps; i++) {
		struct go_cap *c = &o->caps[i];
		unsigned end = c->ext ? o->cfg_len : (o->cfg_len < 256 ? o->cfg_len : 256);
		unsigned len = go_cap_len(o, c->ext, c->id, c->off);

		for (unsigned j = 0; j < o->ncaps; j++)
			if (o->caps[j].ext == c->ext && o->caps[j].off > c->off &&
			    o->caps[j].off < end)
				end = o->caps[j].off;
		c->len = (uint16_t)(c->off + len <= end ? len : end - c->off);
	}
}

/* A BAR the mediator accepts (backend and config agree, plausible size). */
static inline bool go_mem_bar(const struct go_oracle *o, unsigned bir)
{
	const struct pg_bar_info *b = bir < 6 ? &o->bars[bir] : NULL;

	if (!b || !b->present || (b->kind != PG_BAR_MEM32 && b->kind != PG_BAR_MEM64))
		return false;
	return b->size >= 16 && (b->size & (b->size - 1)) == 0 &&
	       b->size <= (b->kind == PG_BAR_MEM32 ? (1ull << 31) : (1ull << 62));
}

static inline bool go_msix_layout(struct go_oracle *o, const struct go_cap *c)
{
	uint16_t ctl = (uint16_t)go_rd(o->snap, c->off + 2u, 2);
	uint32_t t = go_rd(o->snap, c->off + 4u, 4), p = go_rd(o->snap, c->off + 8u, 4);
	uint64_t n = (ctl & 0x7ffu) + 1u;

	o->tbir = (uint8_t)(t & 7u);
	o->toff = t & ~7u;
	o->tlen = n * 16u;
	o->pbir = (uint8_t)(p & 7u);
	o->poff = p & ~7u;
	o->plen = ((n + 63u) / 64u) * 8u;
	if (!go_mem_bar(o, o->tbir) || !go_mem_bar(o, o->pbir))
		return false;
	if (o->toff + o->tlen > o->bars[o->tbir].size || o->poff + o->plen > o->bars[o->pbir].size)
		return false;
	return !(o->tbir == o->pbir && o->toff < o->poff + o->plen && o->poff < o->toff + o->tlen);
}

/* Would the mediator's handler for this capability accept it? (Documented hide-on-failure
 * conditions: registers inside the standard space, one instance, a mediated PCIe port
 * type, a valid MSI-X layout.) */
static inline bool go_handler_ok(struct go_oracle *o, const struct go_cap *c, bool *have)
{
	unsigned full = go_cap_len(o, false, c->id, c->off);
	uint8_t type = (uint8_t)((go_rd(o->snap, c->off + 2u, 2) >> 4) & 0xfu);
	bool fits = c->off + full <= 256 && c->off + full <= o->cfg_len;
	unsigned slot = c->id == PG_CAP_PM ? 0 : c->id == PG_CAP_MSI ? 1 :
			c->id == PG_CAP_MSIX ? 2 : c->id == PG_CAP_EXP ? 3 : 4;
	bool ok;

	if (c->ext || slot == 4)
		return c->ext || c->id != PG_CAP_AF || fits;
	ok = fits && !have[slot];
	if (ok && c->id == PG_CAP_EXP)
		ok = type == PG_PCIE_ENDPOINT || type == PG_PCIE_LEGACY_ENDPOINT ||
		     type == PG_PCIE_RC_IEP;
	if (ok && c->id == PG_CAP_MSIX)
		ok = go_msix_layout(o, c);
	if (ok)
		have[slot] = true;
	return ok;
}

static inline void go_visibility(struct go_oracle *o)
{
	bool have[4] = { false };
	bool msix_seen = false, aer_seen = false;

	for (unsigned i = 0; i < o->ncaps; i++) {
		struct go_cap *c = &o->caps[i];
		bool allowed = o->profile == PG_PROFILE_PERMISSIVE ||
			       (!c->ext && (c->id == PG_CAP_PM || c->id == PG_CAP_MSI ||
					    c->id == PG_CAP_MSIX || c->id == PG_CAP_EXP)) ||
			       (c->ext && c->id < 64 && ((o->add_ext >> c->id) & 1u));

		c->visible = allowed && go_handler_ok(o, c, have);
		/* only the first AER is served, a second one is hidden (docs/mediation.md) */
		if (c->ext && c->id == PG_ECAP_AER && c->visible) {
			c->visible = !aer_seen;
			aer_seen = true;
		}
		/* the first MSI-X capability's table stays trapped, visible or not */
		if (!c->ext && c->id == PG_CAP_MSIX && !msix_seen) {
			msix_seen = true;
			o->msix_trap = go_msix_layout(o, c);
		}
	}
}

/* ---- allowed bits per profile ------------------------------------------------------------ */

static inline const struct go_cap *go_find(const struct go_oracle *o, uint16_t id)
{
	for (unsigned i = 0; i < o->ncaps; i++)
		if (!o->caps[i].ext && o->caps[i].id == id && o->caps[i].visible)
			return &o->caps[i];
	return NULL;
}

static inline void go_set(uint8_t *map, unsigned off, unsigned size, uint32_t mask)
{
	for (unsigned i = 0; i < size && off + i < PG_CFG_EXT_LEN; i++)
		map[off + i] |= (uint8_t)(mask >> (8u * i));
}

static inline void go_clear_range(struct go_oracle *o, unsigned off, unsigned len)
{
	for (unsigned b = off; b < off + len && b < PG_CFG_EXT_LEN; b++)
		o->chg[b] = o->w1c[b] = o->zero[b] = 0;
}

/* guest: Command Memory/I/O/Bus Master and INTx Disable; Status error bits (RW1C, RsvdZ
 * written 0); PMCSR PowerState and Data_Select; PCIe DevCtl error enables, Relaxed
 * Ordering, Extended Tag, No Snoop; DevSta RW1C; DevCtl2 Completion Timeout, AtomicOp
 * Requester, IDO. */
static inline void go_guest_bits(struct go_oracle *o)
{
	const struct go_cap *pm = go_find(o, PG_CAP_PM), *e = go_find(o, PG_CAP_EXP);

	go_set(o->chg, 0x04, 2, 0x0407);
	go_set(o->w1c, 0x06, 2, 0xf900);
	go_set(o->zero, 0x06, 2, 0x0046);
	if (pm)
		go_set(o->chg, pm->off + 4u, 2, 0x1e03);
	if (e) {
		go_set(o->chg, e->off + 8u, 2, 0x091f);
		go_set(o->w1c, e->off + 0xau, 2, 0x004f);
		go_set(o->zero, e->off + 0xau, 2, 0xff80);
		if ((go_rd(o->snap, e->off + 2u, 2) & 0xfu) >= 2)
			go_set(o->chg, e->off + 0x28u, 2, 0x035f);
	}
}

/* device-model: only MSI Enable, MSI-X Enable and Function Mask, and INTx Disable. */
static inline void go_dm_bits(struct go_oracle *o)
{
	const struct go_cap *msi = go_find(o, PG_CAP_MSI), *x = go_find(o, PG_CAP_MSIX);

	go_set(o->chg, 0x04, 2, 0x0400);
	if (msi)
		go_set(o->chg, msi->off + 2u, 2, 0x0001);
	if (x)
		go_set(o->chg, x->off + 2u, 2, 0xc000);
}

/* permissive: everything, except what stays mediated: BARs and ROM, the capability
 * pointer, capability IDs and next pointers, MSI and MSI-X (interrupt routing), FLR (a
 * reset effect, never a raw write), and hidden capabilities. */
static inline void go_permissive_bits(struct go_oracle *o)
{
	memset(o->chg, 0xff, o->cfg_len);
	memset(o->w1c, 0xff, o->cfg_len);
	memset(o->zero, 0xff, o->cfg_len);
	go_clear_range(o, 0x10, 0x18);
	go_clear_range(o, 0x30, 5);
	for (unsigned i = 0; i < o->ncaps; i++) {
		const struct go_cap *c = &o->caps[i];

		if (!c->visible)
			continue;
		go_clear_range(o, c->off, c->ext ? 4u : 2u);
		if (!c->ext && (c->id == PG_CAP_MSI || c->id == PG_CAP_MSIX))
			go_clear_range(o, c->off, c->len);
		if (!c->ext && c->id == PG_CAP_EXP) {
			o->chg[c->off + 9u] &= 0x7f;
			o->w1c[c->off + 9u] &= 0x7f;
		}
		if (!c->ext && c->id == PG_CAP_AF) {
			o->chg[c->off + 4u] &= 0xfe;
			o->w1c[c->off + 4u] &= 0xfe;
		}
	}
}

/* Bytes that must read the deny byte and never be written. */
static inline void go_hidden(struct go_oracle *o)
{
	if (o->profile != PG_PROFILE_PERMISSIVE) {
		for (unsigned b = 0x40; b < o->cfg_len; b++)
			o->zread[b] = true;
		for (unsigned i = 0; i < o->ncaps; i++)
			if (o->caps[i].visible)
				for (unsigned b = o->caps[i].off; b < o->caps[i].off + o->caps[i].len;
				     b++)
					o->zread[b] = false;
	}
	for (unsigned i = 0; i < o->ncaps; i++) {
		const struct go_cap *c = &o->caps[i];

		if (c->visible)
			continue;
		for (unsigned b = c->off; b < c->off + c->len && b < o->cfg_len; b++)
			o->zread[b] = true;
	}
	for (unsigned b = 0; b < o->cfg_len; b++)
		if (o->zread[b])
			o->chg[b] = o->w1c[b] = o->zero[b] = 0;
}

/* Hardware model: which bits are RW1C on the device (written 1 they clear). */
static inline void go_hw_rw1c(struct go_oracle *o)
{
	go_set(o->hwrw1c, 0x06, 2, 0xf900);
	for (unsigned i = 0; i < o->ncaps; i++) {
		const struct go_cap *c = &o->caps[i];

		if (!c->ext && c->id == PG_CAP_EXP && c->off + 0xcu <= 256)
			go_set(o->hwrw1c, c->off + 0xau, 2, 0x004f);
		if (!c->ext && c->id == PG_CAP_PM && c->off + 6u <= 256)
			go_set(o->hwrw1c, c->off + 4u, 2, 0x8000);
		if (c->ext && c->id == PG_ECAP_AER && c->off + 0x14u <= o->cfg_len) {
			go_set(o->hwrw1c, c->off + 4u, 4, 0xffffffffu);
			go_set(o->hwrw1c, c->off + 0x10u, 4, 0xffffffffu);
		}
	}
}

#include "guest-oracle-read.h"
#include "guest-oracle-ecap.h"

/**
 * Derive everything from a device, a profile and the extended capabilities a policy adds.
 * @param cfg the device's config bytes (cfg_len of them); bars: its BARs (7 entries)
 * @param add_ext bit n: extended capability ID n is added (GO_EXT_RULES: those the
 *        oracle has rules for)
 */
static inline void go_init_ext(struct go_oracle *o, const uint8_t *cfg, uint16_t cfg_len,
			       const struct pg_bar_info *bars, enum pg_profile profile,
			       uint64_t add_ext)
{
	memset(o, 0, sizeof(*o));
	o->profile = profile;
	o->add_ext = add_ext;
	o->cfg_len = cfg_len > PG_CFG_EXT_LEN ? PG_CFG_EXT_LEN : cfg_len;
	memcpy(o->snap, cfg, o->cfg_len);
	memcpy(o->hw, cfg, o->cfg_len);
	memcpy(o->bars, bars, sizeof(o->bars));
	o->endpoint = (o->snap[0x0e] & 0x7fu) == 0 && o->cfg_len >= 64;
	go_walk(o);
	go_lengths(o);
	go_visibility(o);
	if (profile == PG_PROFILE_GUEST)
		go_guest_bits(o);
	else if (profile == PG_PROFILE_DEVICE_MODEL)
		go_dm_bits(o);
	else
		go_permissive_bits(o);
	go_aer_bits(o);
	go_hidden(o);
	go_hw_rw1c(o);
	go_expectations(o);
	go_refusals(o);
	go_aer_expect(o);
}

/** go_init_ext() with the profile's own capabilities (no policy). */
static inline void go_init(struct go_oracle *o, const uint8_t *cfg, uint16_t cfg_len,
			   const struct pg_bar_info *bars, enum pg_profile profile)
{
	go_init_ext(o, cfg, cfg_len, bars, profile, 0);
}

#include "guest-oracle-backend.h"

/* ---- accesses ---------------------------------------------------------------------------- */

struct go_snapshot {
	unsigned long cfg_reads, cfg_writes, bar_reads, bar_writes, resets, effects;
	struct pg_audit_counters c;
};

static inline void go_take(const struct go_oracle *o, struct pg_mediator *m,
			   struct go_snapshot *s)
{
	s->cfg_reads = o->cfg_reads;
	s->cfg_writes = o->cfg_writes;
	s->bar_reads = o->bar_reads;
	s->bar_writes = o->bar_writes;
	s->resets = o->resets;
	s->effects = o->effects;
	pg_mediator_counters(m, &s->c);
}

/* I1: nothing happened since s. */
static inline void go_no_effect(struct go_oracle *o, struct pg_mediator *m,
				const struct go_snapshot *s, const char *what)
{
	struct go_snapshot n;

	go_take(o, m, &n);
	if (memcmp(&n, s, sizeof(n)))
		go_fail(o, "%s: invalid %s had an effect (backend, audit or effect callback)",
			pg_profile_name(o->profile), what);
}

/* A1: a valid write touching a byte that must read the deny byte was audited as denied. */
static inline void go_check_audited(struct go_oracle *o, struct pg_mediator *m,
				    const struct go_snapshot *before, bool done, uint16_t off,
				    uint8_t size, uint32_t value)
{
	struct pg_audit_counters c;
	bool denied = false;

	bool refused = false;

	if (!done)
		return;
	for (unsigned i = 0; i < size; i++) {
		unsigned b = off + i;
		uint8_t nb = (uint8_t)(value >> (8u * i));

		denied |= o->zread[b];
		if (b < PG_CFG_EXT_LEN)
			refused |= ((nb ^ o->aud_val[b]) & o->aud_mask[b]) || (nb & o->aud_one[b]);
	}
	pg_mediator_counters(m, &c);
	if ((denied || refused) && c.denied == before->c.denied)
		go_fail(o, "%s: write 0x%03x/%u = 0x%x %s but was not audited as denied",
			pg_profile_name(o->profile), off, size,
			size >= 4 ? value : value & ((1u << (8u * size)) - 1u),
			denied ? "touches hidden or uncovered bytes" : "sets a refused bit");
}

static inline bool go_cfg_valid(const struct go_oracle *o, uint16_t off, uint8_t size)
{
	return (size == 1 || size == 2 || size == 4) && (off & 3u) + size <= 4u &&
	       (uint32_t)off + size <= o->cfg_len;
}

static inline void go_cfg_access(struct go_oracle *o, struct pg_mediator *m, bool write,
				 uint16_t off, uint8_t size, uint32_t value)
{
	bool valid = go_cfg_valid(o, off, size);
	struct pg_write_decision d;
	struct go_snapshot s;
	uint32_t v = 0x5a5a5a5au;
	int rc;

	memset(&s, 0, sizeof(s)); /* padding, compared with memcmp */
	go_take(o, m, &s);
	o->accesses++;
	o->invalid += !valid;
	if (!write) {
		rc = pg_mediator_cfg_read(m, off, size, &v);
		if (valid && rc == 0)
			go_check_read(o, off, size, v);
		if (valid && rc == 0) {
			for (unsigned i = 0; i < size; i++)
				if (o->zread[off + i] && ((v >> (8u * i)) & 0xffu) != PG_MEDIATOR_DENY_BYTE)
					go_fail(o, "%s: hidden byte 0x%03x read 0x%02x",
						pg_profile_name(o->profile), off + i,
						(v >> (8u * i)) & 0xffu);
		}
	} else {
		rc = pg_mediator_decide_write(m, off, size, value, &d);
		o->restore_ok = false;
		for (unsigned i = 0; rc == 0 && i < d.neffects; i++) {
			if (d.effects[i].kind != PG_EFFECT_RESET &&
			    d.effects[i].kind != PG_EFFECT_RESTORE)
				continue;
			if (o->profile == PG_PROFILE_DEVICE_MODEL)
				go_fail(o, "device-model: write 0x%03x/%u = 0x%x decided a %s",
					off, size,
					size >= 4 ? value : value & ((1u << 8u * size) - 1u),
					d.effects[i].kind == PG_EFFECT_RESET ? "reset" : "restore");
			else
				o->restore_ok = true;
		}
		if (valid && rc == 0)
			go_virt_write(o, off, size, value);
		if (rc == 0)
			rc = pg_mediator_apply(m, &d);
		for (unsigned i = 0; rc == 0 && i < d.neffects; i++)
			if (d.effects[i].kind == PG_EFFECT_RESET)
				go_virt_reset(o);
		o->restore_ok = false;
		go_check_audited(o, m, &s, valid && rc == 0, off, size, value);
	}
	if (valid && rc != 0)
		go_fail(o, "%s: valid %s 0x%03x/%u failed: %d", pg_profile_name(o->profile),
			write ? "write" : "read", off, size, rc);
	if (!valid && rc != -EINVAL)
		go_fail(o, "%s: invalid %s 0x%03x/%u returned %d, not -EINVAL",
			pg_profile_name(o->profile), write ? "write" : "read", off, size, rc);
	if (!valid && !write && v != 0x5a5a5a5au)
		go_fail(o, "%s: invalid read 0x%03x/%u wrote its output", pg_profile_name(o->profile),
			off, size);
	if (!valid)
		go_no_effect(o, m, &s, write ? "config write" : "config read");
}

static inline bool go_bar_valid(unsigned bar, uint64_t off, uint8_t size)
{
	return bar <= 5 && (size == 1 || size == 2 || size == 4 || size == 8) && off % size == 0 &&
	       off <= UINT64_MAX - size;
}

static inline void go_bar_access(struct go_oracle *o, struct pg_mediator *m, bool write,
				 unsigned bar, uint64_t off, uint8_t size, uint64_t value)
{
	bool valid = go_bar_valid(bar, off, size);
	struct go_snapshot s;
	uint64_t v = 0x5a5a5a5a5a5a5a5aull;
	int rc;

	memset(&s, 0, sizeof(s));
	go_take(o, m, &s);
	o->accesses++;
	o->invalid += !valid;
	rc = write ? pg_mediator_bar_write(m, bar, off, size, value) :
		     pg_mediator_bar_read(m, bar, off, size, &v);
	/* the backend may refuse a valid access (absent BAR, beyond its size): never the
	 * mediator's to accept or refuse */
	if (valid && rc != 0 && rc != -ERANGE && rc != -ENXIO && rc != -EPERM)
		go_fail(o, "%s: valid BAR%u %s 0x%llx/%u failed: %d", pg_profile_name(o->profile),
			bar, write ? "write" : "read", (unsigned long long)off, size, rc);
	if (!valid && rc != -EINVAL)
		go_fail(o, "%s: invalid BAR%u %s 0x%llx/%u returned %d, not -EINVAL",
			pg_profile_name(o->profile), bar, write ? "write" : "read",
			(unsigned long long)off, size, rc);
	if (!valid)
		go_no_effect(o, m, &s, write ? "BAR write" : "BAR read");
	if (valid && !write && !rc && go_in_msix(o, bar, off, size) &&
	    !(bar == o->tbir && off < o->toff + o->tlen && off + size > o->toff) &&
	    (v & ~go_pba_visible(o, off, size)))
		go_fail(o, "%s: PBA read at BAR%u 0x%llx/%u shows 0x%llx: bits of no vector",
			pg_profile_name(o->profile), bar, (unsigned long long)off, size,
			(unsigned long long)v);
}

/* Compare the oracle's visibility with the mediator's (a disagreement is a finding). */
static inline void go_check_visibility(struct go_oracle *o, const struct pg_mediator *m)
{
	for (unsigned i = 0; i < o->ncaps; i++) {
		const struct go_cap *c = &o->caps[i];
		bool first = true;

		for (unsigned j = 0; j < i; j++)
			if (o->caps[j].ext == c->ext && o->caps[j].id == c->id)
				first = false;
		if (first && pg_mediator_cap_visible(m, c->ext, c->id) != c->visible)
			go_fail(o, "%s: %s capability 0x%02x at 0x%03x: oracle says %s, mediator %s",
				pg_profile_name(o->profile), c->ext ? "extended" : "standard", c->id,
				c->off, c->visible ? "visible" : "hidden",
				c->visible ? "hidden" : "visible");
	}
}

#endif
