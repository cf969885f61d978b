/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The model backend: a device built from one lspci dump.
 *
 * Reads return the dump. Writes go through per-byte masks computed once at creation, so
 * every write, whatever its size, obeys the same rules (one dispatcher, no per-register
 * branches):
 *   new = ((old & ~wmask) | (val & wmask)) & ~wzero;  new &= ~(val & w1c)
 * The masks come from tables of register rows per header type (PCI 3.0 §6.1-6.2, PCI-to-PCI
 * Bridge 1.2 §3.2), from the BAR sizes (writable bits = address bits at and above the
 * size, so the all-ones sizing protocol returns the size mask with the flag bits kept),
 * and from the capability lists (bodies RW, the ID/next headers RO: 2 bytes standard,
 * 4 bytes extended). Anything not covered is read-only (default deny): vendor bytes
 * between capabilities, reserved header fields, and every byte of a dump that reads all
 * ones or all zeros (no device answers there).
 *
 * Simplifications, on purpose: capability bodies are plain RW (no per-field RO/RW1C), the
 * CardBus header exposes only the common registers and its socket BAR, and BAR contents
 * are RAM. The dump's BAR addresses need not be aligned to the (annotated) size: the model
 * returns them verbatim until the register is written; from then on the address bits
 * below the size read as zero (wzero), as they are hardwired on a real device.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pcigate/backend.h>

#include "backend-private.h"
#include "util/util.h"

#define REG_COMMAND 0x04u
#define REG_HDR_TYPE 0x0eu
#define REG_BAR0 0x10u
#define BAR_IO 0x1u
#define BAR_MEM_TYPE_MASK 0x6u
#define BAR_MEM_TYPE_1M 0x2u
#define BAR_MEM_TYPE_64 0x4u
#define BAR_MEM_PREFETCH 0x8u
#define BAR_IO_FLAGS 0x3u
#define BAR_MEM_FLAGS 0xfu
#define ROM_ENABLE 0x1u
#define ROM_ADDR_MASK 0xfffff800u
#define STATUS_RW1C 0xf900u /* parity, sig/rcv target/master abort, SERR, detected parity */
#define PCIE_DEVCAP_FLR (1u << 28)
#define AF_CAP_FLR 0x02u
#define PM_CTRL_NO_SOFT_RESET 0x08u

#define MIN_MEM_BAR 16u     /* smallest memory BAR the spec allows (PCI 3.0 §6.2.5.1) */
#define MIN_ROM_BAR 2048u   /* ROM address bits start at bit 11 */
#define MAX_IO_BAR 65536u   /* whole 16-bit I/O space; the spec asks for <= 256 */

/* One register row: bits of wmask are writable, bits of w1c are write-one-to-clear. */
struct reg_row {
	uint8_t off;
	uint8_t size;
	uint32_t wmask;
	uint32_t w1c;
};

/* Registers every header type has. */
static const struct reg_row common_rows[] = {
	{ REG_COMMAND, 2, 0x077f, 0 },   /* I/O .. INTx Disable; bit 7 and 11-15 reserved */
	{ 0x06, 2, 0, STATUS_RW1C },     /* Status: error bits RW1C, the rest RO */
	{ 0x0c, 1, 0xff, 0 },            /* Cache Line Size */
	{ 0x0d, 1, 0xff, 0 },            /* Latency Timer */
	{ 0x3c, 1, 0xff, 0 },            /* Interrupt Line */
};

/* Type 1 (PCI-to-PCI bridge) registers beyond the common ones. */
static const struct reg_row bridge_rows[] = {
	{ 0x18, 1, 0xff, 0 },            /* Primary Bus Number */
	{ 0x19, 1, 0xff, 0 },            /* Secondary Bus Number */
	{ 0x1a, 1, 0xff, 0 },            /* Subordinate Bus Number */
	{ 0x1b, 1, 0xff, 0 },            /* Secondary Latency Timer */
	{ 0x1c, 1, 0xf0, 0 },            /* I/O Base: low nibble = addressing capability */
	{ 0x1d, 1, 0xf0, 0 },            /* I/O Limit */
	{ 0x1e, 2, 0, STATUS_RW1C },     /* Secondary Status */
	{ 0x20, 2, 0xfff0, 0 },          /* Memory Base */
	{ 0x22, 2, 0xfff0, 0 },          /* Memory Limit */
	{ 0x24, 2, 0xfff0, 0 },          /* Prefetchable Base: low nibble = 64-bit flag */
	{ 0x26, 2, 0xfff0, 0 },          /* Prefetchable Limit */
	{ 0x28, 4, 0xffffffffu, 0 },     /* Prefetchable Base Upper 32 */
	{ 0x2c, 4, 0xffffffffu, 0 },     /* Prefetchable Limit Upper 32 */
	{ 0x30, 2, 0xffff, 0 },          /* I/O Base Upper 16 */
	{ 0x32, 2, 0xffff, 0 },          /* I/O Limit Upper 16 */
	{ 0x3e, 2, 0x0bff, 0x0400 },     /* Bridge Control; Discard Timer Status RW1C */
};

/* Header shape: BAR slots and ROM register per header type (bits 6:0 of 0x0e). */
struct hdr_shape {
	uint8_t nbars;
	uint8_t rom_reg; /* 0: none */
	const struct reg_row *rows;
	size_t nrows;
};

static const struct hdr_shape shapes[] = {
	{ 6, 0x30, NULL, 0 },                                               /* type 0 */
	{ 2, 0x38, bridge_rows, sizeof(bridge_rows) / sizeof(bridge_rows[0]) }, /* type 1 */
	{ 1, 0, NULL, 0 },                                                  /* CardBus */
};
static const struct hdr_shape unknown_shape = { 0, 0, NULL, 0 };

struct model_bar {
	enum pg_bar_kind kind;
	bool prefetchable;
	uint64_t size;     /* bytes, power of two; 0 = not implemented */
	uint8_t *ram;      /* allocated on first write, ram_len bytes */
	size_t ram_len;    /* min(size, PG_MODEL_MAX_BAR_RAM) */
};

struct model {
	uint16_t len;
	uint8_t resets;                  /* bit per enum pg_reset_method supported */
	uint8_t guessed;                 /* bit per BAR whose size the dump did not give */
	uint8_t absent;                  /* bit per BAR read 0, unsized, taken as absent */
	uint8_t init[PG_CFG_EXT_LEN];    /* the dump */
	uint8_t poweron[PG_CFG_EXT_LEN]; /* the reset target: the dump in power-on state */
	uint8_t cur[PG_CFG_EXT_LEN];
	uint8_t wmask[PG_CFG_EXT_LEN];
	uint8_t w1c[PG_CFG_EXT_LEN];
	uint8_t wzero[PG_CFG_EXT_LEN];   /* bits forced to 0 by any write (BAR bits < size) */
	struct model_bar bars[PG_CFG_NUM_BARS];
};

/* ---- creation: masks ---------------------------------------------------------------- */

static void set_mask(struct model *m, uint16_t off, unsigned size, uint64_t wmask, uint64_t w1c)
{
	for (unsigned i = 0; i < size && off + i < PG_CFG_EXT_LEN; i++) {
		m->wmask[off + i] = (uint8_t)(wmask >> (8u * i));
		m->w1c[off + i] = (uint8_t)(w1c >> (8u * i));
	}
}

/* A BAR register: address bits at and above the size writable, those below hardwired 0. */
static void set_bar_mask(struct model *m, uint16_t off, unsigned size, uint64_t bar_size,
			 uint64_t addr_mask)
{
	uint64_t below = (bar_size - 1) & addr_mask;

	set_mask(m, off, size, ~(bar_size - 1) & addr_mask, 0);
	for (unsigned i = 0; i < size && off + i < PG_CFG_EXT_LEN; i++)
		m->wzero[off + i] = (uint8_t)(below >> (8u * i));
}

static void apply_rows(struct model *m, const struct reg_row *rows, size_t n)
{
	for (size_t i = 0; i < n; i++)
		set_mask(m, rows[i].off, rows[i].size, rows[i].wmask, rows[i].w1c);
}

static const struct hdr_shape *shape_of(const uint8_t *cfg)
{
	unsigned type = cfg[REG_HDR_TYPE] & 0x7fu;

	return type < sizeof(shapes) / sizeof(shapes[0]) ? &shapes[type] : &unknown_shape;
}

/* Capability bodies RW, headers RO (headers last, so an overlapping body cannot make a
 * neighbour's ID or next pointer writable). Offsets and lengths come from the bounded
 * walks of pg_cfg_parse(); only offsets, IDs and lengths are used. */
static void apply_caps(struct model *m, const struct pg_cfg_layout *l)
{
	for (int pass = 0; pass < 2; pass++) {
		for (uint16_t i = 0; i < l->ncaps; i++) {
			const struct pg_cap *c = &l->caps[i];
			uint32_t hdr = c->extended ? 4u : 2u, min = c->extended ? 0x100u : 0x40u;
			uint32_t end = (uint32_t)c->offset + c->len;

			if (c->offset < min)
				continue;
			if (end > m->len)
				end = m->len;
			for (uint32_t b = c->offset; b < end; b++) {
				bool is_hdr = b < c->offset + hdr;

				if (pass == 0 && !is_hdr)
					m->wmask[b] = 0xff;
				else if (pass == 1 && is_hdr)
					m->wmask[b] = m->w1c[b] = 0;
			}
		}
	}
}

/* ---- creation: BARs ----------------------------------------------------------------- */

static uint64_t clamp_u64(uint64_t v, uint64_t lo, uint64_t hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

/* The documented default: natural alignment of the programmed address, clamped. */
static uint64_t default_size(enum pg_bar_kind kind, uint64_t addr)
{
	uint64_t align = pg_util_lowest_bit(addr);

	if (kind == PG_BAR_IO)
		return addr ? clamp_u64(align, PG_MODEL_MIN_IO_BAR, PG_MODEL_MAX_DEFAULT_IO_BAR)
			    : PG_MODEL_MIN_IO_BAR;
	return addr ? clamp_u64(align, PG_MODEL_MIN_MEM_BAR, PG_MODEL_MAX_DEFAULT_BAR)
		    : PG_MODEL_MIN_MEM_BAR;
}

/* Decode BAR slot i from the raw register (and the next one for a 64-bit BAR). */
static void decode_bar(struct model_bar *bars, unsigned i, unsigned nbars, const uint8_t *cfg,
		       uint64_t *addr)
{
	uint32_t v = (uint32_t)pg_le_load(cfg + REG_BAR0 + 4u * i, 4);
	struct model_bar *b = &bars[i];

	*addr = 0;
	if (v & BAR_IO) {
		b->kind = PG_BAR_IO;
		*addr = v & ~(uint32_t)BAR_IO_FLAGS;
		return;
	}
	b->prefetchable = (v & BAR_MEM_PREFETCH) != 0;
	*addr = v & ~(uint32_t)BAR_MEM_FLAGS;
	switch (v & BAR_MEM_TYPE_MASK) {
	case 0:
		b->kind = v ? PG_BAR_MEM32 : PG_BAR_NONE; /* all zero: not implemented */
		break;
	case BAR_MEM_TYPE_1M:
		b->kind = PG_BAR_MEM_BELOW1M;
		break;
	case BAR_MEM_TYPE_64:
		if (i + 1 >= nbars) {
			b->kind = PG_BAR_INVALID; /* no slot left for the upper half */
			break;
		}
		b->kind = PG_BAR_MEM64;
		*addr |= pg_le_load(cfg + REG_BAR0 + 4u * (i + 1), 4) << 32;
		bars[i + 1].kind = PG_BAR_MEM64_HI;
		break;
	default:
		b->kind = PG_BAR_INVALID; /* reserved type 11b */
		break;
	}
}

/* Per BAR kind: the sizes an annotation may give (what the register can express), the
 * address bits of the register (flag bits excluded) and its width (8: both halves of a
 * 64-bit BAR). Kinds without a row have no size: not implemented, upper half, invalid. */
struct kind_rule {
	uint64_t min, max;
	uint64_t addr_mask;
	uint8_t reg_bytes;
};

static const struct kind_rule kind_rules[PG_BAR_UNKNOWN + 1] = {
	[PG_BAR_IO] = { 4, MAX_IO_BAR, 0xffffffffu & ~(uint64_t)BAR_IO_FLAGS, 4 },
	[PG_BAR_MEM32] = { MIN_MEM_BAR, 1ull << 31, 0xffffffffu & ~(uint64_t)BAR_MEM_FLAGS, 4 },
	[PG_BAR_MEM64] = { MIN_MEM_BAR, 1ull << 63, ~(uint64_t)BAR_MEM_FLAGS, 8 },
	[PG_BAR_MEM_BELOW1M] = { MIN_MEM_BAR, 1ull << 31,
				 0xffffffffu & ~(uint64_t)BAR_MEM_FLAGS, 4 },
	[PG_BAR_ROM] = { MIN_ROM_BAR, 1ull << 31, ROM_ADDR_MASK, 4 },
};

static void apply_bar_masks(struct model *m, const struct hdr_shape *shape)
{
	for (unsigned i = 0; i < PG_CFG_NUM_BARS; i++) {
		const struct model_bar *b = &m->bars[i];
		const struct kind_rule *rule = &kind_rules[b->kind];
		uint16_t reg = i == PG_CFG_ROM_BAR ? shape->rom_reg : (uint16_t)(REG_BAR0 + 4u * i);

		if (!b->size || !rule->reg_bytes || !reg)
			continue; /* not implemented, upper half (set with its low half), invalid */
		set_bar_mask(m, reg, rule->reg_bytes, b->size, rule->addr_mask);
		if (b->kind == PG_BAR_ROM)
			m->wmask[reg] |= ROM_ENABLE;
	}
}

static const char *const annot_keys[PG_CFG_NUM_BARS] = {
	"bar0", "bar1", "bar2", "bar3", "bar4", "bar5", "rom",
};

static int bar_error(struct pg_dump_error *err, const struct pg_dump_dev *dev, unsigned i,
		     const char *why)
{
	if (err) {
		err->line = dev->line;
		snprintf(err->msg, sizeof(err->msg), "annotation %s of %s: %s", annot_keys[i],
			 dev->slot, why);
	}
	return -EINVAL;
}

/* Bytes of BAR i that the MSI-X table and PBA need, 0 when neither lives there. A BAR
 * register reading 0 that MSI-X names is implemented (an unassigned 32-bit memory BAR):
 * dropping it would hide MSI-X from every guest. */
static uint64_t msix_need(const struct pg_cfg_layout *l, unsigned i)
{
	const struct pg_cap *c = pg_cfg_find_cap(l, false, PG_CAP_MSIX);
	const struct pg_cap_msix *x;
	uint64_t need = 0, t, p;

	if (!c || !c->decoded)
		return 0;
	x = &c->info.msix;
	t = (uint64_t)x->table_offset + (uint64_t)x->table_size * 16u;
	p = (uint64_t)x->pba_offset + ((uint64_t)x->table_size + 63u) / 64u * 8u;
	if (x->table_bir == i)
		need = t;
	if (x->pba_bir == i && p > need)
		need = p;
	return need;
}

/* Smallest power of two >= n, at least PG_MODEL_MIN_MEM_BAR, at most 2 GiB. */
static uint64_t pow2_at_least(uint64_t n)
{
	uint64_t v = PG_MODEL_MIN_MEM_BAR;

	while (v < n && v < (1ull << 31))
		v <<= 1;
	return v;
}

/* A BAR the dump gives no size for: the documented default for an implemented one; for
 * a register reading 0, an unassigned 32-bit memory BAR when MSI-X lives in it, else
 * not implemented. Every size invented here is recorded (pg_backend_model_guesses()). */
static void guess_bar(struct model *m, struct model_bar *b, uint64_t addr, unsigned i,
		      const struct pg_cfg_layout *l)
{
	/* An Enhanced Allocation function hardwires its BARs to 0 (EA ECN): there a zero
	 * register is not an unassigned BAR, whatever MSI-X names. */
	uint64_t need = i < PG_CFG_ROM_BAR && !pg_cfg_find_cap(l, false, PG_CAP_EA)
				? msix_need(l, i) : 0;

	if (b->kind == PG_BAR_NONE && need) {
		b->kind = PG_BAR_MEM32;
		b->size = pow2_at_least(need);
	} else if (kind_rules[b->kind].max) {
		b->size = default_size(b->kind, addr);
	} else {
		if (b->kind == PG_BAR_NONE)
			m->absent |= (uint8_t)(1u << i);
		return;
	}
	m->guessed |= (uint8_t)(1u << i);
}

/* Give BAR slot i (or the ROM) its size: the dump's when it has one, else a recorded
 * guess. A non-zero size makes an all-zero BAR a 32-bit memory BAR (a dump of an
 * unconfigured device) and must fit what the register can express; size 0 says the BAR
 * is not implemented, which a register that is not zero contradicts. */
static int size_bar(struct model *m, struct model_bar *b, uint64_t addr,
		    const struct pg_dump_dev *dev, unsigned i, const struct pg_cfg_layout *l,
		    struct pg_dump_error *err)
{
	bool annotated = dev->sizes.known & (1u << i);
	const struct kind_rule *rule;

	if (!annotated) {
		guess_bar(m, b, addr, i, l);
		return 0;
	}
	if (!dev->sizes.size[i]) {
		if (b->kind != PG_BAR_NONE)
			return bar_error(err, dev, i, "size 0 (not implemented) but the register "
					 "is not zero");
		return 0;
	}
	if (b->kind == PG_BAR_NONE)
		b->kind = i == PG_CFG_ROM_BAR ? PG_BAR_ROM : PG_BAR_MEM32;
	rule = &kind_rules[b->kind];
	if (!rule->max)
		return bar_error(err, dev, i, "names an invalid BAR (64-bit in the last slot "
				 "or reserved type)");
	if (dev->sizes.size[i] < rule->min || dev->sizes.size[i] > rule->max)
		return bar_error(err, dev, i, "size out of range for this BAR type");
	b->size = dev->sizes.size[i];
	return 0;
}

static int setup_bars(struct model *m, const struct pg_dump_dev *dev,
		      const struct hdr_shape *shape, const struct pg_cfg_layout *l,
		      struct pg_dump_error *err)
{
	uint64_t addr;
	int r;

	for (unsigned i = 0; i < PG_CFG_NUM_BARS - 1; i++) {
		if (i >= shape->nbars) {
			if (dev->sizes.known & (1u << i))
				return bar_error(err, dev, i, "the header type has no such BAR");
			continue;
		}
		if (m->bars[i].kind == PG_BAR_MEM64_HI) {
			if (dev->sizes.known & (1u << i))
				return bar_error(err, dev, i,
						 "names the upper half of a 64-bit BAR");
			continue;
		}
		decode_bar(m->bars, i, shape->nbars, m->init, &addr);
		r = size_bar(m, &m->bars[i], addr, dev, i, l, err);
		if (r < 0)
			return r;
	}
	if (!shape->rom_reg) {
		if (dev->sizes.known & (1u << PG_CFG_ROM_BAR))
			return bar_error(err, dev, PG_CFG_ROM_BAR,
					 "the header type has no ROM register");
		return 0;
	}
	addr = pg_le_load(m->init + shape->rom_reg, 4);
	m->bars[PG_CFG_ROM_BAR].kind = addr ? PG_BAR_ROM : PG_BAR_NONE;
	return size_bar(m, &m->bars[PG_CFG_ROM_BAR], addr & ROM_ADDR_MASK, dev, PG_CFG_ROM_BAR, l,
			err);
}

static void setup_ram_len(struct model *m)
{
	for (unsigned i = 0; i < PG_CFG_NUM_BARS; i++) {
		struct model_bar *b = &m->bars[i];

		b->ram_len = (size_t)(b->size < PG_MODEL_MAX_BAR_RAM ? b->size
								     : PG_MODEL_MAX_BAR_RAM);
	}
}

/* ---- creation: reset methods -------------------------------------------------------- */

/* Which resets the dump says the function supports: FLR from PCIe DevCap bit 28 or the
 * Advanced Features FLR bit (PCIe 6.0 §7.5.3.3, PCI AF ECN); PM (D3hot->D0) when a PM
 * capability exists and PMCSR No_Soft_Reset is clear (PCI PM 1.2 §3.2.4). Raw bits are
 * read directly, each only when inside the dump. */
static uint8_t find_resets(const struct model *m, const struct pg_cfg_layout *l)
{
	uint8_t r = 1u << PG_RESET_ANY;
	const struct pg_cap *c;

	c = pg_cfg_find_cap(l, false, PG_CAP_EXP);
	if (c && c->offset + 8u <= m->len &&
	    (pg_le_load(m->init + c->offset + 4, 4) & PCIE_DEVCAP_FLR))
		r |= 1u << PG_RESET_FLR;
	c = pg_cfg_find_cap(l, false, PG_CAP_AF);
	if (c && c->offset + 4u <= m->len && (m->init[c->offset + 3] & AF_CAP_FLR))
		r |= 1u << PG_RESET_FLR;
	c = pg_cfg_find_cap(l, false, PG_CAP_PM);
	if (c && c->offset + 6u <= m->len && !(m->init[c->offset + 4] & PM_CTRL_NO_SOFT_RESET))
		r |= 1u << PG_RESET_PM;
	return r;
}

static bool all_bytes(const uint8_t *p, size_t n, uint8_t v)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != v)
			return false;
	return true;
}

/* ---- creation: the power-on state ---------------------------------------------------- */

/* Control registers of capabilities whose power-on value the spec fixes; a row keeps the
 * bits of keep and sets those of set. The model's capability bodies are plain RW (it
 * cannot tell their RO fields from RW ones), so only these registers are reset; the rest
 * of a body keeps the dump's bytes. */
static const struct poweron_row {
	uint8_t cap;
	uint8_t rel, size;
	uint16_t keep, set;
} poweron_rows[] = {
	{ PG_CAP_PM, 4, 2, 0x60fcu, 0 },     /* PMCSR: D0; PME_En, Data_Select 0; PME_Status
						(RW1C) clear (PCI PM 1.2 §3.2.4) */
	{ PG_CAP_MSI, 2, 2, 0xff8eu, 0 },    /* Enable 0, Multiple Message Enable 0 */
	{ PG_CAP_MSIX, 2, 2, 0x3fffu, 0 },   /* Enable 0, Function Mask 0 (PCI 3.0 §6.8.2.3) */
	{ PG_CAP_EXP, 8, 2, 0, 0x2810u },    /* DevCtl defaults: RO 1, No Snoop 1, MRRS 512 B
						(PCIe 4.0 §7.5.3.4) */
	{ PG_CAP_EXP, 10, 2, 0xfff0u, 0 },   /* DevSta error bits (RW1C) clear */
};

/* What a reset (FLR, or D3hot->D0 without No_Soft_Reset) leaves: the power-on state, not
 * the running state the dump was taken in (PCIe 4.0 §6.6.2). In the header every
 * writable and RW1C bit reads 0 (Command 0: no decode, no Bus Master; BAR and ROM
 * addresses 0; Status errors clear; bus numbers and windows 0); read-only bits (IDs,
 * class, BAR flag bits, capability pointer) keep the dump's value. */
static void setup_poweron(struct model *m, const struct pg_cfg_layout *l)
{
	for (unsigned b = 0; b < PG_CFG_HDR_LEN; b++)
		m->poweron[b] = (uint8_t)(m->init[b] & ~m->wmask[b] & ~m->w1c[b] & ~m->wzero[b]);
	for (size_t i = 0; i < sizeof(poweron_rows) / sizeof(poweron_rows[0]); i++) {
		const struct poweron_row *r = &poweron_rows[i];
		const struct pg_cap *c = pg_cfg_find_cap(l, false, r->cap);
		uint32_t off;
		uint64_t v;

		if (!c || c->offset < PG_CFG_HDR_LEN || r->rel + r->size > c->len)
			continue;
		off = (uint32_t)c->offset + r->rel;
		if (off + r->size > m->len)
			continue;
		v = pg_le_load(m->init + off, r->size);
		pg_le_store(m->poweron + off, r->size, (v & r->keep) | r->set);
	}
}

/* Build masks, BARs and reset methods of a fresh model whose init/cur/len are set. */
static int model_setup(struct model *m, const struct pg_dump_dev *dev,
		       struct pg_dump_error *err)
{
	const struct hdr_shape *shape = shape_of(m->init);
	struct pg_cfg_layout *l = NULL;
	int r;

	memcpy(m->poweron, m->init, sizeof(m->poweron));
	if (all_bytes(m->init, m->len, 0xff) || all_bytes(m->init, m->len, 0)) {
		m->resets = 1u << PG_RESET_ANY;
		return 0; /* nobody answers: every byte RO, no BARs */
	}
	r = pg_cfg_parse(m->init, m->len, NULL, &l);
	if (r < 0)
		return r;
	r = setup_bars(m, dev, shape, l, err);
	if (r < 0)
		goto out_free;
	setup_ram_len(m);
	apply_rows(m, common_rows, sizeof(common_rows) / sizeof(common_rows[0]));
	if (shape->rows)
		apply_rows(m, shape->rows, shape->nrows);
	apply_bar_masks(m, shape);
	apply_caps(m, l);
	m->resets = find_resets(m, l);
	setup_poweron(m, l);
out_free:
	pg_cfg_free(l);
	return r;
}

/* ---- ops ---------------------------------------------------------------------------- */

static struct model *model_of(struct pg_backend *be)
{
	return pg_backend_priv(be);
}

/* One constant-size load per access size (the loop of pg_le_load() unrolled): this read is
 * also the first half of every read-modify-write a mediator does (pg_backend_cfg_update()). */
static int model_cfg_read(struct pg_backend *be, uint16_t off, uint8_t size, uint32_t *val)
{
	const uint8_t *p = model_of(be)->cur + off;

	*val = (uint32_t)(size == 4 ? pg_le_load(p, 4) : size == 2 ? pg_le_load(p, 2) : *p);
	return 0;
}

static int model_cfg_write(struct pg_backend *be, uint16_t off, uint8_t size, uint32_t val)
{
	struct model *m = model_of(be);

	for (unsigned i = 0; i < size; i++) {
		uint8_t b = (uint8_t)(val >> (8u * i)), wm = m->wmask[off + i];
		uint8_t nb = (uint8_t)(((m->cur[off + i] & ~wm) | (b & wm)) & ~m->wzero[off + i]);

		m->cur[off + i] = (uint8_t)(nb & ~(b & m->w1c[off + i]));
	}
	return 0;
}

static int model_bar_info(struct pg_backend *be, unsigned bar, struct pg_bar_info *info)
{
	const struct model_bar *b = &model_of(be)->bars[bar];

	info->kind = b->kind;
	info->present = b->size != 0;
	info->prefetchable = b->prefetchable;
	info->size = b->size;
	info->host_addr = 0; /* a model has no host side */
	info->accessible = info->present;
	return 0;
}

/* Bounds shared by bar_read/bar_write: -ERANGE unless [off, off + size) lies inside the
 * BAR (the generic layer checked already; this keeps the model safe on its own). */
static int bar_bounds(const struct model_bar *b, uint64_t off, uint8_t size)
{
	if (!b->size)
		return -ENXIO;
	if (off >= b->size || size > b->size - off)
		return -ERANGE;
	return 0;
}

static int model_bar_read(struct pg_backend *be, unsigned bar, uint64_t off, uint8_t size,
			  uint64_t *val)
{
	const struct model_bar *b = &model_of(be)->bars[bar];
	int r = bar_bounds(b, off, size);

	if (r < 0)
		return r;
	if (!b->ram || off >= b->ram_len || size > b->ram_len - off)
		*val = 0; /* never written, or beyond the RAM window */
	else
		*val = pg_le_load(b->ram + off, size);
	return 0;
}

static int model_bar_write(struct pg_backend *be, unsigned bar, uint64_t off, uint8_t size,
			   uint64_t val)
{
	struct model_bar *b = &model_of(be)->bars[bar];
	int r = bar_bounds(b, off, size);

	if (r < 0)
		return r;
	if (b->kind == PG_BAR_ROM)
		return -EROFS;
	if (off >= b->ram_len || size > b->ram_len - off)
		return 0; /* beyond the RAM window: dropped */
	if (!b->ram) {
		b->ram = calloc(1, b->ram_len);
		if (!b->ram)
			return -ENOMEM;
	}
	pg_le_store(b->ram + off, size, val);
	return 0;
}

static void free_ram(struct model *m)
{
	for (unsigned i = 0; i < PG_CFG_NUM_BARS; i++) {
		free(m->bars[i].ram);
		m->bars[i].ram = NULL;
	}
}

/* The first listed method the dump says the function supports; never an unlisted one. */
static int model_reset(struct pg_backend *be, const enum pg_reset_method *methods,
		       unsigned n, enum pg_reset_method *used)
{
	struct model *m = model_of(be);

	for (unsigned i = 0; i < n; i++) {
		if (!(m->resets & (1u << methods[i])))
			continue;
		memcpy(m->cur, m->poweron, sizeof(m->cur));
		free_ram(m);
		*used = methods[i];
		return 0;
	}
	return -EOPNOTSUPP;
}

static void model_destroy(void *priv)
{
	struct model *m = priv;

	if (!m)
		return;
	free_ram(m);
	free(m);
}

static const struct pg_backend_ops model_ops = {
	.kind = "model",
	.cfg_read = model_cfg_read,
	.cfg_write = model_cfg_write,
	.bar_info = model_bar_info,
	.bar_read = model_bar_read,
	.bar_write = model_bar_write,
	.reset = model_reset,
	.destroy = model_destroy,
};

/* ---- public ------------------------------------------------------------------------- */

int pg_model_new_err(const struct pg_dump_dev *dev, const char *name, struct pg_backend **ret,
		     struct pg_dump_error *err)
{
	struct model *m;
	int r;

	if (!dev || !ret || dev->len < PG_CFG_HDR_LEN || dev->len > PG_CFG_EXT_LEN)
		return -EINVAL;
	m = calloc(1, sizeof(*m));
	if (!m)
		return -ENOMEM;
	m->len = dev->len;
	memcpy(m->init, dev->cfg, m->len);
	memcpy(m->cur, m->init, sizeof(m->cur));
	r = model_setup(m, dev, err);
	if (r < 0)
		goto out_free;
	r = pg_backend_new(&model_ops, m, m->len, name ? name : dev->slot, ret);
	if (r < 0)
		goto out_free;
	return 0;
out_free:
	model_destroy(m);
	return r;
}

int pg_backend_model_guesses(const struct pg_backend *be, struct pg_model_guesses *ret)
{
	const struct model *m;

	if (!be || !ret || strcmp(pg_backend_kind(be), model_ops.kind))
		return -EINVAL;
	m = pg_backend_priv(be);
	memset(ret, 0, sizeof(*ret));
	ret->guessed = m->guessed;
	ret->absent = m->absent;
	for (unsigned i = 0; i < PG_CFG_NUM_BARS; i++)
		if (m->guessed & (1u << i))
			ret->size[i] = m->bars[i].size;
	return 0;
}

/* Append to buf (n bytes, NUL-terminated) as far as it fits. */
__attribute__((format(printf, 3, 4)))
static void append(char *buf, size_t n, const char *fmt, ...)
{
	size_t used = strlen(buf);
	va_list ap;

	if (used + 1 >= n)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + used, n - used, fmt, ap);
	va_end(ap);
}

const char *pg_backend_model_guess_text(const struct pg_backend *be, char *buf, size_t n)
{
	struct pg_model_guesses g;
	char sz[24];
	unsigned k = 0;

	if (!buf || !n)
		return buf;
	buf[0] = '\0';
	if (pg_backend_model_guesses(be, &g) < 0)
		return buf;
	for (unsigned i = 0; i < PG_CFG_NUM_BARS; i++) {
		if (!(g.guessed & (1u << i)))
			continue;
		pg_dump_size_text(g.size[i], sz, sizeof(sz));
		append(buf, n, "%s%s=%s", k++ ? " " : "guessed ", annot_keys[i], sz);
	}
	k = 0;
	for (unsigned i = 0; i < PG_CFG_NUM_BARS; i++) {
		if (!(g.absent & (1u << i)))
			continue;
		if (i == PG_CFG_ROM_BAR)
			append(buf, n, "%sROM", k++ ? ", " : buf[0] ? "; " : "");
		else
			append(buf, n, "%sBAR%u", k++ ? ", " : buf[0] ? "; " : "", i);
	}
	if (k)
		append(buf, n, " read 0, taken as not implemented");
	return buf;
}

int pg_backend_model_new(const struct pg_dump_dev *dev, const char *name, struct pg_backend **ret)
{
	return pg_model_new_err(dev, name, ret, NULL);
}

int pg_backend_model_open(const char *path, struct pg_backend **ret, struct pg_dump_error *err)
{
	struct pg_dump_dev *devs = NULL;
	size_t n = 0;
	int r;

	if (!path || !ret)
		return -EINVAL;
	r = pg_dump_read_file(path, &devs, &n, err);
	if (r < 0)
		return r;
	r = pg_model_new_err(&devs[0], path, ret, err);
	free(devs);
	return r;
}
