/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Builder for synthetic config spaces used by the inspect tests: a header, capabilities
 * chained in the order they are added, and optional BAR sizes. Register layouts follow
 * the PCI 3.0 / PCIe 6.0 specs (offsets named at each helper); the parser under test
 * decides what they mean.
 */
#ifndef PG_TEST_CFGBUILD_H
#define PG_TEST_CFGBUILD_H

#include <stdint.h>
#include <string.h>

#include <pcigate/pcigate.h>

struct cfgb {
	uint8_t b[PG_CFG_EXT_LEN];
	size_t len;
	uint16_t std_link;   /* byte holding the next pointer of the last standard cap */
	uint16_t ext_last;   /* offset of the last extended cap, 0 when none */
	struct pg_cfg_bar_sizes sizes;
};

static inline void cb_w8(struct cfgb *c, uint16_t off, uint8_t v)
{
	c->b[off] = v;
}

static inline void cb_w16(struct cfgb *c, uint16_t off, uint16_t v)
{
	c->b[off] = (uint8_t)v;
	c->b[off + 1] = (uint8_t)(v >> 8);
}

static inline void cb_w32(struct cfgb *c, uint16_t off, uint32_t v)
{
	cb_w16(c, off, (uint16_t)v);
	cb_w16(c, (uint16_t)(off + 2), (uint16_t)(v >> 16));
}

/* Header: IDs, class (base<<16 | sub<<8 | prog-if), header type byte, length. */
static inline void cb_init(struct cfgb *c, uint16_t vendor, uint16_t device, uint32_t cls,
			   uint8_t hdr_type, size_t len)
{
	memset(c, 0, sizeof(*c));
	c->len = len;
	cb_w16(c, 0x00, vendor);
	cb_w16(c, 0x02, device);
	cb_w16(c, 0x04, 0x0006);          /* memory + bus master */
	cb_w8(c, 0x08, 0x01);             /* revision */
	cb_w8(c, 0x09, (uint8_t)cls);
	cb_w8(c, 0x0a, (uint8_t)(cls >> 8));
	cb_w8(c, 0x0b, (uint8_t)(cls >> 16));
	cb_w8(c, 0x0e, hdr_type);
	c->std_link = 0x34;
}

/* Standard capability header at off, linked after the previous one. */
static inline void cb_cap(struct cfgb *c, uint8_t off, uint8_t id)
{
	c->b[c->std_link] = off;
	c->b[off] = id;
	c->b[off + 1] = 0;
	c->std_link = (uint16_t)(off + 1);
	cb_w16(c, 0x06, (uint16_t)(c->b[0x06] | (c->b[0x07] << 8) | 0x0010)); /* Cap List */
}

/* Extended capability header at off (the first must be 0x100), linked after the last. */
static inline void cb_ecap(struct cfgb *c, uint16_t off, uint16_t id, uint8_t ver)
{
	if (c->ext_last) {
		uint32_t h = c->b[c->ext_last] | c->b[c->ext_last + 1] << 8 |
			     (uint32_t)c->b[c->ext_last + 2] << 16;

		cb_w32(c, c->ext_last, (h & 0x000fffffu) | (uint32_t)off << 20);
	}
	cb_w32(c, off, id | (uint32_t)(ver & 0xf) << 16);
	c->ext_last = off;
}

static inline void cb_bar32(struct cfgb *c, unsigned i, uint32_t addr)
{
	cb_w32(c, (uint16_t)(0x10 + 4 * i), addr & ~0xfu);
}

static inline void cb_bar64(struct cfgb *c, unsigned i, uint64_t addr)
{
	cb_w32(c, (uint16_t)(0x10 + 4 * i), ((uint32_t)addr & ~0xfu) | 0x4u);
	cb_w32(c, (uint16_t)(0x14 + 4 * i), (uint32_t)(addr >> 32));
}

static inline void cb_size(struct cfgb *c, unsigned i, uint64_t size)
{
	c->sizes.size[i] = size;
	c->sizes.known |= (uint8_t)(1u << i);
}

/* PCIe capability v2 (0x3c bytes): flags at +2, DevCap at +4 (FLR = bit 28). */
static inline void cb_pcie(struct cfgb *c, uint8_t off, uint8_t port_type, bool flr)
{
	cb_cap(c, off, PG_CAP_EXP);
	cb_w16(c, (uint16_t)(off + 2), (uint16_t)(0x2 | (port_type << 4)));
	cb_w32(c, (uint16_t)(off + 4), flr ? (1u << 28) : 0);
}

/* PM capability: PMC at +2 (version 3), PMCSR at +4 (NoSoftRst = bit 3). */
static inline void cb_pm(struct cfgb *c, uint8_t off, bool no_soft_reset)
{
	cb_cap(c, off, PG_CAP_PM);
	cb_w16(c, (uint16_t)(off + 2), 0x0003);
	cb_w16(c, (uint16_t)(off + 4), no_soft_reset ? 0x0008 : 0x0000);
}

/* Advanced Features: length byte 6 at +2, AF Capabilities at +3 (TP bit 0, FLR bit 1). */
static inline void cb_af(struct cfgb *c, uint8_t off, bool flr, bool tp)
{
	cb_cap(c, off, PG_CAP_AF);
	cb_w8(c, (uint16_t)(off + 2), 6);
	cb_w8(c, (uint16_t)(off + 3), (uint8_t)((tp ? 1u : 0u) | (flr ? 2u : 0u)));
}

/* MSI-X: Control at +2 (table size N-1), table at +4, PBA at +8 (offset | BIR). */
static inline void cb_msix(struct cfgb *c, uint8_t off, uint16_t entries, uint8_t tbir,
			   uint32_t toff, uint8_t pbir, uint32_t poff)
{
	cb_cap(c, off, PG_CAP_MSIX);
	cb_w16(c, (uint16_t)(off + 2), (uint16_t)(entries - 1));
	cb_w32(c, (uint16_t)(off + 4), toff | tbir);
	cb_w32(c, (uint16_t)(off + 8), poff | pbir);
}

/* Vendor-specific capability with length byte len at +2. */
static inline void cb_vndr(struct cfgb *c, uint8_t off, uint8_t len)
{
	cb_cap(c, off, PG_CAP_VNDR);
	cb_w8(c, (uint16_t)(off + 2), len);
}

/* A healthy PCIe NVMe endpoint: PM (NoSoftRst+), MSI-X with the table alone in page 0x2000
 * and the PBA alone in page 0x3000 of a 64-bit BAR0, PCIe with FLR, AER. */
static inline void cb_nvme(struct cfgb *c)
{
	cb_init(c, 0x144d, 0xa808, 0x010802, 0x00, PG_CFG_EXT_LEN);
	cb_bar64(c, 0, 0xfe000000);
	cb_pm(c, 0x40, true);
	cb_msix(c, 0x50, 33, 0, 0x2000, 0, 0x3000);
	cb_pcie(c, 0x70, PG_PCIE_ENDPOINT, true);
	cb_ecap(c, 0x100, PG_ECAP_AER, 2);
}

#endif
