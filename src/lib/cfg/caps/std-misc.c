/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Small standard capabilities: Advanced Features (AF), Vital Product Data (VPD) and the
 * vendor-specific capability (0x09) are decoded; HyperTransport, SATA HBA and Enhanced
 * Allocation are only sized, because their length varies with their contents. EA entries
 * are also looked up for the MSI-X checks: a function using EA (Cavium ThunderX, in the
 * corpus) hardwires its BARs to zero and describes them only there.
 *
 * Sources: PCI 3.0 §6.8.2 (VPD), AF ECN (2006), PCI 3.0 §6.7 (vendor-specific length
 * byte), HyperTransport I/O Link spec 3.10 §7.5 (capability types; Linux pci_regs.h
 * HT_CAP_SIZEOF_*), SATA AHCI 1.3 §2.3 (Serial ATA capability), EA ECN (2014, PCI 3.0
 * §6.9). Every count read here is hostile and bounded before use.
 */
#include "caps-private.h"

#define AF_LENGTH 2u
#define AF_CAP 3u
#define AF_CAP_TP 0x01u
#define AF_CAP_FLR 0x02u
#define AF_LEN 6u

#define VPD_ADDR 2u
#define VPD_ADDR_MASK 0x7fffu
#define VPD_FLAG 0x8000u

#define VNDR_LENGTH 2u
#define VNDR_MIN_LEN 3u /* ID, next, the length byte itself */

const struct pg_field pg_af_fields[PG_AF_NFIELDS] = {
	PG_FIELD(PG_FIELD_BOOL, af.tp, "tp", false),
	PG_FIELD(PG_FIELD_BOOL, af.flr, "flr", false),
};

const struct pg_field pg_vpd_fields[PG_VPD_NFIELDS] = {
	PG_FIELD(PG_FIELD_U16, vpd.addr, "addr", true),
	PG_FIELD(PG_FIELD_BOOL, vpd.flag, "flag", false),
};

const struct pg_field pg_vndr_fields[PG_VNDR_NFIELDS] = {
	PG_FIELD(PG_FIELD_U8, vndr.len, "len", false),
};

void pg_af_decode(struct pg_cfg_layout *l, struct pg_cap *cap)
{
	uint8_t len = cap_rd8(l, cap, AF_LENGTH);
	uint8_t caps = cap_rd8(l, cap, AF_CAP);

	cap->info.af.tp = (caps & AF_CAP_TP) != 0;
	cap->info.af.flr = (caps & AF_CAP_FLR) != 0;
	/* The AF length byte is fixed at 6; any other value means the bytes are not an AF
	 * capability (and FLR through it must not be trusted). */
	if (cap->len > AF_LENGTH && len != AF_LEN)
		pg_cfg_diag(l, PG_DIAG_CAP_FIELD, cap->offset,
			    "AF length byte %u is not %u", len, AF_LEN);
}

void pg_vpd_decode(struct pg_cfg_layout *l, struct pg_cap *cap)
{
	uint16_t a = cap_rd16(l, cap, VPD_ADDR);

	cap->info.vpd.addr = a & VPD_ADDR_MASK;
	cap->info.vpd.flag = (a & VPD_FLAG) != 0;
}

uint16_t pg_vndr_length(const struct pg_cfg_layout *l, uint16_t off)
{
	uint8_t len = cfg_rd8(l, (uint32_t)off + VNDR_LENGTH);

	return len < VNDR_MIN_LEN ? VNDR_MIN_LEN : len;
}

void pg_vndr_decode(struct pg_cfg_layout *l, struct pg_cap *cap)
{
	cap->info.vndr.len = cap_rd8(l, cap, VNDR_LENGTH);
	if (cap->len > VNDR_LENGTH && cap->info.vndr.len < VNDR_MIN_LEN)
		pg_cfg_diag(l, PG_DIAG_CAP_FIELD, cap->offset,
			    "vendor-specific len %u is below %u", cap->info.vndr.len,
			    VNDR_MIN_LEN);
}

/* HyperTransport: the type is Command bits 15:11 (bits 15:13 for the two interface
 * blocks). Types whose size we do not know are sized to their header dword only: a
 * short length can miss an overlap, a long one would invent one. */
#define HT_CMD 2u
#define HT_TYPE_SHIFT 11
static const uint8_t ht_len[32] = {
	[0x00] = 28, [0x01] = 28, [0x02] = 28, [0x03] = 28, /* slave/primary interface */
	[0x04] = 24, [0x05] = 24, [0x06] = 24, [0x07] = 24, /* host/secondary interface */
	[0x08] = 24,                                         /* switch */
	[0x10] = 8,                                          /* interrupt discovery */
	[0x11] = 4,                                          /* revision ID */
	[0x15] = 12,                                         /* MSI mapping */
};

uint16_t pg_ht_length(const struct pg_cfg_layout *l, uint16_t off)
{
	unsigned type = cfg_rd16(l, (uint32_t)off + HT_CMD) >> HT_TYPE_SHIFT;

	return ht_len[type] ? ht_len[type] : 4u;
}

/* SATA: BAR location 0xf in SATA Capability Register 1 means the index/data register
 * pair follows inline (Linux PCI_SATA_SIZEOF_LONG/SHORT). */
#define SATA_CR1 4u
#define SATA_BARLOC_MASK 0xfu
#define SATA_BARLOC_INLINE 0xfu

uint16_t pg_sata_length(const struct pg_cfg_layout *l, uint16_t off)
{
	uint32_t cr1 = cfg_rd32(l, (uint32_t)off + SATA_CR1);

	return (cr1 & SATA_BARLOC_MASK) == SATA_BARLOC_INLINE ? 16 : 8;
}

/* Enhanced Allocation: Num Entries at cap+2 (bits 5:0); entries start at cap+4 (cap+8 in
 * a type 1 header, after the fixed bus numbers); each entry is its header dword plus
 * Entry Size (bits 2:0) more dwords. At most 63 entries of 32 bytes: the loop and the
 * sum are bounded, and the walk stops at the end of the standard region. */
#define EA_NUM_ENT 2u
#define EA_NUM_MASK 0x3fu
#define EA_FIRST 4u
#define EA_FIRST_BRIDGE 8u
#define EA_ES_MASK 0x7u
#define PCI_CAP_PTR 0x34u

uint16_t pg_ea_length(const struct pg_cfg_layout *l, uint16_t off)
{
	unsigned n = cfg_rd8(l, (uint32_t)off + EA_NUM_ENT) & EA_NUM_MASK;
	uint32_t pos = (uint32_t)off + (l->kind == PG_HDR_BRIDGE ? EA_FIRST_BRIDGE : EA_FIRST);

	for (unsigned i = 0; i < n && pos < PG_CFG_STD_LEN; i++)
		pos += 4u + 4u * (cfg_rd32(l, pos) & EA_ES_MASK);
	return pg_caps_len_sat(pos - off);
}

/* Enhanced Allocation entry: header (Entry Size bits 2:0, BEI bits 7:4, Primary/Secondary
 * Properties bits 15:8/23:16, Enable bit 31), Base, MaxOffset, then the upper Base and
 * MaxOffset dwords when their bit 1 says 64-bit (EA ECN §6.9.1.2; Linux pci_ea_read()). */
#define EA_BEI_SHIFT 4
#define EA_BEI_MASK 0xfu
#define EA_PROP_MEM 0x00u
#define EA_PROP_MEM_PREFETCH 0x01u
#define EA_PROP_BRIDGE_IO 0x07u
#define EA_PROP_MEM_RESERVED 0xfdu
#define EA_ENABLE 0x80000000u
#define EA_IS_64 0x2u
#define EA_FIELD_MASK 0xfffffffcu

static bool ea_is_mem(uint32_t hdr)
{
	unsigned prop = (hdr >> 8) & 0xffu;

	/* A primary property software does not know defers to the secondary one. */
	if (prop > EA_PROP_BRIDGE_IO && prop < EA_PROP_MEM_RESERVED)
		prop = (hdr >> 16) & 0xffu;
	return prop == EA_PROP_MEM || prop == EA_PROP_MEM_PREFETCH;
}

/* Size of one enabled memory entry at rel (inside cap), 0 when it is not one. */
static uint64_t ea_entry_size(const struct pg_cfg_layout *l, const struct pg_cap *ea,
			      uint16_t rel, uint32_t hdr)
{
	uint32_t dwords = hdr & EA_ES_MASK;
	uint32_t base = cap_rd32(l, ea, (uint16_t)(rel + 4u));
	uint32_t maxoff = cap_rd32(l, ea, (uint16_t)(rel + 8u));
	uint32_t need = 2u + ((base & EA_IS_64) ? 1u : 0u) + ((maxoff & EA_IS_64) ? 1u : 0u);
	uint64_t size = (uint64_t)(maxoff & EA_FIELD_MASK) | 3u;

	if (!(hdr & EA_ENABLE) || !ea_is_mem(hdr) || dwords < need)
		return 0;
	if (maxoff & EA_IS_64)
		size |= (uint64_t)cap_rd32(l, ea, (uint16_t)(rel + 4u * need)) << 32;
	return size == UINT64_MAX ? UINT64_MAX : size + 1u;
}

/* The EA capability of this function. MSI-X is decoded while the standard list is still
 * being walked, and EA may come after it in the chain, so when the walker has not reached
 * it yet it is looked up on the raw chain, bounded by the same TTL and pointer rules as
 * walk.c, and sized with the same clamp. */
static bool ea_find(const struct pg_cfg_layout *l, struct pg_cap *ret)
{
	const struct pg_cap *ea = pg_caps_find_std(l, PG_CAP_EA);
	uint32_t end = l->len < PG_CFG_STD_LEN ? l->len : PG_CFG_STD_LEN;
	uint8_t p = cfg_rd8(l, PCI_CAP_PTR);

	if (ea) {
		*ret = *ea;
		return true;
	}
	if (l->kind != PG_HDR_ENDPOINT && l->kind != PG_HDR_BRIDGE)
		return false;
	for (unsigned ttl = 0; ttl < PG_CFG_STD_TTL; ttl++) {
		p &= (uint8_t)~3u;
		if (p < PG_CFG_HDR_LEN || p + 2u > end)
			return false;
		if (cfg_rd8(l, p) == PG_CAP_EA) {
			uint32_t want = pg_ea_length(l, p);

			ret->offset = p;
			ret->len = (uint16_t)(p + want > end ? end - p : want);
			return true;
		}
		p = cfg_rd8(l, p + 1u);
	}
	return false;
}

bool pg_ea_present(const struct pg_cfg_layout *l)
{
	struct pg_cap ea = { 0 };

	return ea_find(l, &ea);
}

bool pg_ea_mem_bar(const struct pg_cfg_layout *l, uint8_t bei, uint64_t *ret_size)
{
	struct pg_cap ea = { 0 };
	unsigned n;
	uint32_t rel;

	if (!ea_find(l, &ea))
		return false;
	n = cap_rd8(l, &ea, EA_NUM_ENT) & EA_NUM_MASK;
	rel = l->kind == PG_HDR_BRIDGE ? EA_FIRST_BRIDGE : EA_FIRST;
	for (unsigned i = 0; i < n && rel + 4u <= ea.len; i++) {
		uint32_t hdr = cap_rd32(l, &ea, (uint16_t)rel);
		uint64_t size;

		if (((hdr >> EA_BEI_SHIFT) & EA_BEI_MASK) == bei) {
			size = ea_entry_size(l, &ea, (uint16_t)rel, hdr);
			if (size) {
				*ret_size = size;
				return true;
			}
		}
		rel += 4u + 4u * (hdr & EA_ES_MASK);
	}
	return false;
}
