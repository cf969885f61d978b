/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The one builder of synthetic configuration spaces for the tests: bytes written little
 * endian, the way a device presents them. Two ways to lay out capabilities:
 *   - by hand: cb_header() sets the first pointer, cb_cap()/cb_ecap() write a header with
 *     an explicit next pointer (chains that loop, skip or point anywhere);
 *   - chained: cb_init() starts a header, cb_add_cap()/cb_add_ecap() append to the
 *     standard and extended lists in the order they are called, and register helpers
 *     (cb_pm(), cb_msix(), cb_add_pcie(), ...) lay out common capabilities.
 * Register layouts follow the PCI 3.0 / PCI PM 1.2 / PCIe r5.0 specifications (offsets
 * named at each helper); the code under test decides what they mean. Writes beyond the
 * 4096 bytes are ignored. Static inline: include it once per test.
 */
#ifndef PG_TEST_CFGBUILD_H
#define PG_TEST_CFGBUILD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <pcigate/pcigate.h>

struct cfgbuild {
	uint8_t b[PG_CFG_EXT_LEN];
	size_t len;                   /* bytes the device presents (chained builders) */
	uint16_t std_link;            /* byte holding the next pointer of the last std cap */
	uint16_t ext_last;            /* offset of the last extended cap, 0 when none */
	struct pg_cfg_bar_sizes sizes;
};

static inline void cb_w8(struct cfgbuild *c, unsigned off, uint8_t v)
{
	if (off < sizeof(c->b))
		c->b[off] = v;
}

static inline void cb_w16(struct cfgbuild *c, unsigned off, uint16_t v)
{
	cb_w8(c, off, (uint8_t)v);
	cb_w8(c, off + 1, (uint8_t)(v >> 8));
}

static inline void cb_w32(struct cfgbuild *c, unsigned off, uint32_t v)
{
	cb_w16(c, off, (uint16_t)v);
	cb_w16(c, off + 2, (uint16_t)(v >> 16));
}

/* ---- by hand ------------------------------------------------------------------------- */

/* A type-0 (or type-1/2 by header_type) header with IDs, class and, when first is not 0,
 * Status.CAP_LIST set and the capability pointer at 0x34 (0x14 for CardBus) = first. */
static inline void cb_header(struct cfgbuild *c, uint16_t vendor, uint16_t device,
			     uint32_t class_code, uint8_t header_type, uint8_t first)
{
	memset(c, 0, sizeof(*c));
	c->len = PG_CFG_EXT_LEN;
	c->std_link = 0x34;
	cb_w16(c, 0x00, vendor);
	cb_w16(c, 0x02, device);
	cb_w8(c, 0x09, (uint8_t)class_code);
	cb_w8(c, 0x0a, (uint8_t)(class_code >> 8));
	cb_w8(c, 0x0b, (uint8_t)(class_code >> 16));
	cb_w8(c, 0x0e, header_type);
	if (first) {
		cb_w16(c, 0x06, 0x0010);
		cb_w8(c, (header_type & 0x7f) == 2 ? 0x14 : 0x34, first);
	}
}

/* Standard capability header (PCI 3.0 §6.7): ID and next pointer. */
static inline void cb_cap(struct cfgbuild *c, unsigned off, uint8_t id, uint8_t next)
{
	cb_w8(c, off, id);
	cb_w8(c, off + 1, next);
}

/* Extended capability header (PCIe r5.0 §7.6.3): ID, version, next pointer. */
static inline void cb_ecap(struct cfgbuild *c, unsigned off, uint16_t id, uint8_t ver,
			   uint16_t next)
{
	cb_w32(c, off, (uint32_t)id | (uint32_t)(ver & 0xf) << 16 | (uint32_t)next << 20);
}

/* A minimal PCIe v2 endpoint capability at off (makes the extended space walkable). */
static inline void cb_pcie(struct cfgbuild *c, unsigned off, uint8_t next, uint8_t port_type)
{
	cb_cap(c, off, PG_CAP_EXP, next);
	cb_w16(c, off + 2, (uint16_t)(0x2 | (port_type & 0xf) << 4));
}

/* ---- chained ------------------------------------------------------------------------- */

/* Header: IDs, class (base<<16 | sub<<8 | prog-if), header type byte, length; Command has
 * memory and bus master on, revision 1. */
static inline void cb_init(struct cfgbuild *c, uint16_t vendor, uint16_t device, uint32_t cls,
			   uint8_t hdr_type, size_t len)
{
	cb_header(c, vendor, device, cls, hdr_type, 0);
	c->len = len;
	cb_w16(c, 0x04, 0x0006);
	cb_w8(c, 0x08, 0x01);
}

/* Standard capability header at off, linked after the previous one (CAP_LIST set). */
static inline uint16_t cb_add_cap(struct cfgbuild *c, uint8_t off, uint8_t id)
{
	cb_w8(c, c->std_link, off);
	cb_cap(c, off, id, 0);
	c->std_link = (uint16_t)(off + 1);
	c->b[0x06] |= 0x10;
	return off;
}

/* Extended capability header at off (the first at 0x100), linked after the last. */
static inline uint16_t cb_add_ecap(struct cfgbuild *c, uint16_t off, uint16_t id, uint8_t ver)
{
	if (c->ext_last) {
		uint32_t h = c->b[c->ext_last] | c->b[c->ext_last + 1] << 8 |
			     (uint32_t)c->b[c->ext_last + 2] << 16;

		cb_w32(c, c->ext_last, (h & 0x000fffffu) | (uint32_t)off << 20);
	}
	cb_ecap(c, off, id, ver, 0);
	c->ext_last = off;
	return off;
}

static inline void cb_bar32(struct cfgbuild *c, unsigned i, uint32_t addr)
{
	cb_w32(c, 0x10 + 4 * i, addr & ~0xfu);
}

static inline void cb_bar64(struct cfgbuild *c, unsigned i, uint64_t addr)
{
	cb_w32(c, 0x10 + 4 * i, ((uint32_t)addr & ~0xfu) | 0x4u);
	cb_w32(c, 0x14 + 4 * i, (uint32_t)(addr >> 32));
}

static inline void cb_size(struct cfgbuild *c, unsigned i, uint64_t size)
{
	c->sizes.size[i] = size;
	c->sizes.known |= (uint8_t)(1u << i);
}

/* PCIe capability v2 (0x3c bytes): flags at +2, DevCap at +4 (FLR = bit 28). */
static inline void cb_add_pcie(struct cfgbuild *c, uint8_t off, uint8_t port_type, bool flr)
{
	cb_add_cap(c, off, PG_CAP_EXP);
	cb_w16(c, off + 2u, (uint16_t)(0x2 | (port_type << 4)));
	cb_w32(c, off + 4u, flr ? (1u << 28) : 0);
}

/* PM capability: PMC at +2 (version 3), PMCSR at +4 (NoSoftRst = bit 3). */
static inline void cb_pm(struct cfgbuild *c, uint8_t off, bool no_soft_reset)
{
	cb_add_cap(c, off, PG_CAP_PM);
	cb_w16(c, off + 2u, 0x0003);
	cb_w16(c, off + 4u, no_soft_reset ? 0x0008 : 0x0000);
}

/* Advanced Features: length byte 6 at +2, AF Capabilities at +3 (TP bit 0, FLR bit 1). */
static inline void cb_af(struct cfgbuild *c, uint8_t off, bool flr, bool tp)
{
	cb_add_cap(c, off, PG_CAP_AF);
	cb_w8(c, off + 2u, 6);
	cb_w8(c, off + 3u, (uint8_t)((tp ? 1u : 0u) | (flr ? 2u : 0u)));
}

/* MSI-X: Control at +2 (table size N-1), table at +4, PBA at +8 (offset | BIR). */
static inline void cb_msix(struct cfgbuild *c, uint8_t off, uint16_t entries, uint8_t tbir,
			   uint32_t toff, uint8_t pbir, uint32_t poff)
{
	cb_add_cap(c, off, PG_CAP_MSIX);
	cb_w16(c, off + 2u, (uint16_t)(entries - 1));
	cb_w32(c, off + 4u, toff | tbir);
	cb_w32(c, off + 8u, poff | pbir);
}

/* Vendor-specific capability with length byte len at +2. */
static inline void cb_vndr(struct cfgbuild *c, uint8_t off, uint8_t len)
{
	cb_add_cap(c, off, PG_CAP_VNDR);
	cb_w8(c, off + 2u, len);
}

/* A healthy PCIe NVMe endpoint: PM (NoSoftRst+), MSI-X with the table alone in page 0x2000
 * and the PBA alone in page 0x3000 of a 64-bit BAR0, PCIe with FLR, AER. */
static inline void cb_nvme(struct cfgbuild *c)
{
	cb_init(c, 0x144d, 0xa808, 0x010802, 0x00, PG_CFG_EXT_LEN);
	cb_bar64(c, 0, 0xfe000000);
	cb_pm(c, 0x40, true);
	cb_msix(c, 0x50, 33, 0, 0x2000, 0, 0x3000);
	cb_add_pcie(c, 0x70, PG_PCIE_ENDPOINT, true);
	cb_add_ecap(c, 0x100, PG_ECAP_AER, 2);
}

#endif
