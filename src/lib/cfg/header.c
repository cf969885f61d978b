/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Type 0/1/2 header and BAR decoding. Offsets follow the PCI Local Bus spec 3.0 §6.1 and
 * the PCI-to-PCI Bridge spec 1.2 §3.2. A dump may stop anywhere (64-byte dumps from
 * non-root lspci, posts cut short): every field is read only when its bytes exist, and a
 * cut structure is reported once as cfg-short.
 */
#include <stdio.h>

#include "cfg-private.h"

#define HDR_VENDOR 0x00
#define HDR_DEVICE 0x02
#define HDR_COMMAND 0x04
#define HDR_STATUS 0x06
#define HDR_REVISION 0x08
#define HDR_CLASS 0x09
#define HDR_TYPE 0x0e
#define HDR_BAR0 0x10
#define HDR0_SUBSYS_VENDOR 0x2c
#define HDR0_SUBSYS_ID 0x2e
#define HDR0_ROM 0x30
#define HDR1_ROM 0x38
#define HDR2_SUBSYS_VENDOR 0x40
#define HDR2_SUBSYS_ID 0x42
#define HDR_INT_LINE 0x3c
#define HDR_INT_PIN 0x3d
#define CLASS_BRIDGE 0x06u

#define BAR_IO 0x1u
#define BAR_MEM_TYPE_MASK 0x6u
#define BAR_MEM_TYPE_32 0x0u
#define BAR_MEM_TYPE_1M 0x2u
#define BAR_MEM_TYPE_64 0x4u
#define BAR_MEM_PREFETCH 0x8u
#define ROM_ENABLE 0x1u
#define ROM_ADDR_MASK 0xfffff800u

struct hdr_shape {
	uint8_t nbars;
	uint8_t rom_reg;      /* 0: no ROM register */
	uint8_t subsys_reg;   /* 0: subsystem IDs not in the header */
};

/* One row per header kind: the layout is data, not branches. */
static const struct hdr_shape shapes[] = {
	[PG_HDR_ENDPOINT] = { 6, HDR0_ROM, HDR0_SUBSYS_VENDOR },
	[PG_HDR_BRIDGE] = { 2, HDR1_ROM, 0 },
	[PG_HDR_CARDBUS] = { 1, 0, HDR2_SUBSYS_VENDOR },
	[PG_HDR_UNKNOWN] = { 0, 0, 0 },
};

static bool have(const struct pg_cfg_layout *l, uint32_t off, uint32_t n)
{
	return off + n <= l->len;
}

/* A size from the backend or the dump settles what the register alone cannot: a BAR
 * reading 0 is a 32-bit memory BAR without an address when it has a size, and not
 * implemented when its size is 0. Without a size it stays PG_BAR_UNKNOWN. */
static void apply_size(struct pg_bar *b, unsigned idx, const struct pg_cfg_bar_sizes *sizes)
{
	if (!sizes || !(sizes->known & (1u << idx)))
		return;
	b->size = sizes->size[idx];
	b->size_known = true;
	if (!b->size && b->kind != PG_BAR_MEM64_HI)
		b->kind = PG_BAR_NONE; /* the backend sized it: not implemented */
	else if (b->size && b->kind == PG_BAR_UNKNOWN)
		b->kind = PG_BAR_MEM32; /* implemented, never assigned an address */
}

static void decode_bar(struct pg_cfg_layout *l, unsigned i, const struct pg_cfg_bar_sizes *sizes)
{
	struct pg_bar *b = &l->bars[i];
	uint8_t reg = (uint8_t)(HDR_BAR0 + 4 * i);
	uint32_t v = cfg_rd32(l, reg);

	b->reg = reg;
	if (v & BAR_IO) {
		b->kind = PG_BAR_IO;
		b->addr = v & ~0x3u;
	} else {
		b->prefetchable = (v & BAR_MEM_PREFETCH) != 0;
		b->addr = v & ~0xfu;
		switch (v & BAR_MEM_TYPE_MASK) {
		case BAR_MEM_TYPE_32:
			b->kind = v ? PG_BAR_MEM32 : PG_BAR_UNKNOWN;
			break;
		case BAR_MEM_TYPE_1M:
			b->kind = PG_BAR_MEM_BELOW1M;
			break;
		case BAR_MEM_TYPE_64:
			if (i + 1 >= l->nbars) {
				/* The upper half would be the next header field: a 64-bit
				 * BAR cannot sit in the last slot. */
				b->kind = PG_BAR_INVALID;
				pg_cfg_diag(l, PG_DIAG_BAR_64_LAST, reg,
					    "BAR%u is 64-bit but has no upper half", i);
				break;
			}
			b->kind = PG_BAR_MEM64;
			if (have(l, reg + 4u, 4))
				b->addr |= (uint64_t)cfg_rd32(l, reg + 4u) << 32;
			l->bars[i + 1].kind = PG_BAR_MEM64_HI;
			l->bars[i + 1].reg = (uint8_t)(reg + 4);
			break;
		default:
			b->kind = PG_BAR_INVALID;
			pg_cfg_diag(l, PG_DIAG_BAR_RESERVED, reg,
				    "BAR%u has reserved memory type 11b", i);
			break;
		}
	}
	apply_size(b, i, sizes);
}

static void decode_rom(struct pg_cfg_layout *l, uint8_t reg, const struct pg_cfg_bar_sizes *sizes)
{
	struct pg_bar *b = &l->bars[PG_CFG_ROM_BAR];
	uint32_t v = cfg_rd32(l, reg);

	b->reg = reg;
	b->addr = v & ROM_ADDR_MASK;
	b->rom_enabled = (v & ROM_ENABLE) != 0;
	b->kind = v ? PG_BAR_ROM : PG_BAR_NONE;
	apply_size(b, PG_CFG_ROM_BAR, sizes);
	if (b->kind == PG_BAR_NONE && b->size_known && b->size)
		b->kind = PG_BAR_ROM; /* sized by the backend, just not programmed */
}

static void decode_bars(struct pg_cfg_layout *l, const struct hdr_shape *shape,
			const struct pg_cfg_bar_sizes *sizes)
{
	bool cut = false;

	for (unsigned i = 0; i < l->nbars; i++) {
		if (l->bars[i].kind == PG_BAR_MEM64_HI) {
			apply_size(&l->bars[i], i, sizes);
			continue;
		}
		if (!have(l, HDR_BAR0 + 4u * i, 4)) {
			cut = true;
			break;
		}
		decode_bar(l, i, sizes);
	}
	if (shape->rom_reg) {
		if (have(l, shape->rom_reg, 4))
			decode_rom(l, shape->rom_reg, sizes);
		else
			cut = true;
	}
	if (cut)
		pg_cfg_diag(l, PG_DIAG_CFG_SHORT, l->len,
			    "header cut at 0x%02x: BARs beyond it are unknown", l->len);
}

void pg_cfg_parse_header(struct pg_cfg_layout *l, const struct pg_cfg_bar_sizes *sizes)
{
	const struct hdr_shape *shape;
	uint8_t type;

	if (!have(l, 0, 0x10)) {
		/* Too short to know even the header type. */
		pg_cfg_diag(l, PG_DIAG_CFG_SHORT, 0,
			    "only %u bytes: the 64-byte header is incomplete", l->len);
		l->kind = PG_HDR_UNKNOWN;
		if (have(l, HDR_VENDOR, 4)) {
			l->vendor = cfg_rd16(l, HDR_VENDOR);
			l->device = cfg_rd16(l, HDR_DEVICE);
		}
		return;
	}
	l->vendor = cfg_rd16(l, HDR_VENDOR);
	l->device = cfg_rd16(l, HDR_DEVICE);
	l->command = cfg_rd16(l, HDR_COMMAND);
	l->status = cfg_rd16(l, HDR_STATUS);
	l->revision = cfg_rd8(l, HDR_REVISION);
	l->class_code = (uint32_t)cfg_rd8(l, HDR_CLASS) | (uint32_t)cfg_rd8(l, HDR_CLASS + 1) << 8 |
			(uint32_t)cfg_rd8(l, HDR_CLASS + 2) << 16;
	l->header_type = cfg_rd8(l, HDR_TYPE);
	l->multifunction = (l->header_type & 0x80) != 0;
	type = l->header_type & 0x7f;
	l->kind = type <= PG_HDR_CARDBUS ? (enum pg_hdr_kind)type : PG_HDR_UNKNOWN;
	if (l->kind == PG_HDR_UNKNOWN)
		pg_cfg_diag(l, PG_DIAG_HDR_UNKNOWN, HDR_TYPE,
			    "header type 0x%02x is not 0, 1 or 2", type);
	else if (l->kind == PG_HDR_CARDBUS)
		pg_cfg_diag(l, PG_DIAG_HDR_CARDBUS, HDR_TYPE,
			    "CardBus bridge header: recognised, not modelled");

	shape = &shapes[l->kind];
	l->nbars = shape->nbars;
	if (shape->nbars || shape->rom_reg)
		decode_bars(l, shape, sizes); /* reports cfg-short itself when cut */
	else if (!have(l, 0, PG_CFG_HDR_LEN))
		pg_cfg_diag(l, PG_DIAG_CFG_SHORT, l->len,
			    "only %u bytes: the 64-byte header is incomplete", l->len);

	if (shape->subsys_reg && have(l, shape->subsys_reg, 4)) {
		l->subsys_vendor = cfg_rd16(l, shape->subsys_reg);
		l->subsys_device = cfg_rd16(l, shape->subsys_reg + 2u);
	}
	if (have(l, HDR_INT_LINE, 2)) {
		l->int_line = cfg_rd8(l, HDR_INT_LINE);
		l->int_pin = cfg_rd8(l, HDR_INT_PIN);
	}
}

/* Vendor ID 0xffff is what a read with no function behind it returns, and 0x0000 is no
 * vendor either (PCI 3.0 §6.2.1). The all-ones and all-zero cases are caught before the
 * header is decoded; a config space that has such a Vendor ID but other bytes set (a
 * function caught mid-reset, a torn read, a crafted dump) is no device to trust either. */
void pg_cfg_check_vendor(struct pg_cfg_layout *l)
{
	if (!have(l, HDR_VENDOR, 2) || (l->vendor != 0xffffu && l->vendor != 0))
		return;
	pg_cfg_diag(l, PG_DIAG_VENDOR_INVALID, HDR_VENDOR,
		    "Vendor ID 0x%04x names no vendor (no function answers)", l->vendor);
}

const char *pg_hdr_layout_name(uint8_t header_type, char *buf, size_t n)
{
	static const char *const names[] = {
		"type 0", "type 1 (PCI-to-PCI bridge)", "type 2 (CardBus bridge)",
	};
	unsigned type = header_type & 0x7fu;

	if (!buf || !n)
		return "";
	if (type < sizeof(names) / sizeof(names[0]))
		snprintf(buf, n, "%s", names[type]);
	else
		snprintf(buf, n, "unknown type 0x%02x", type);
	return buf;
}

/* Bridge sub-classes (PCI Code and ID Assignment 1.x, base class 0x06). */
static const char *const bridge_subclasses[] = {
	"host bridge", "ISA bridge", "EISA bridge", "MicroChannel bridge",
	"PCI-to-PCI bridge", "PCMCIA bridge", "NuBus bridge", "CardBus bridge",
	"RACEway bridge", "semi-transparent PCI-to-PCI bridge", "InfiniBand-to-PCI bridge",
	"Advanced Switching-to-PCI bridge",
};

const char *pg_cfg_bridge_kind(const struct pg_cfg_layout *l)
{
	unsigned sub;

	if (!l || !have(l, 0, 0x10))
		return NULL;
	for (uint16_t i = 0; i < l->ndiags && i < PG_CFG_MAX_DIAGS; i++)
		if (l->diags[i].code == PG_DIAG_CFG_ALL_ONES ||
		    l->diags[i].code == PG_DIAG_CFG_ALL_ZERO ||
		    l->diags[i].code == PG_DIAG_VENDOR_INVALID)
			return NULL; /* no device: nothing about its class is meaningful */
	if (l->kind == PG_HDR_BRIDGE)
		return "PCI-to-PCI bridge header";
	if (l->kind == PG_HDR_CARDBUS)
		return "CardBus bridge header";
	if ((l->class_code >> 16) != CLASS_BRIDGE)
		return NULL;
	sub = (l->class_code >> 8) & 0xffu;
	return sub < sizeof(bridge_subclasses) / sizeof(bridge_subclasses[0])
		       ? bridge_subclasses[sub] : "bridge";
}
