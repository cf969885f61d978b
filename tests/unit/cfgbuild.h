/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Test helper: build synthetic configuration spaces byte by byte (little endian), the way
 * a device would present them. Shared by the unit tests of every module.
 */
#ifndef PG_TEST_CFGBUILD_H
#define PG_TEST_CFGBUILD_H

#include <stdint.h>
#include <string.h>

#include <pcigate/cfg.h>

struct cfgbuild {
	uint8_t b[PG_CFG_EXT_LEN];
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

/* A type-0 (or type-1/2 by header_type) header with IDs, class and, when caps is true,
 * Status.CAP_LIST set and the capability pointer at 0x34 (0x14 for CardBus) = first. */
static inline void cb_header(struct cfgbuild *c, uint16_t vendor, uint16_t device,
			     uint32_t class_code, uint8_t header_type, uint8_t first)
{
	memset(c->b, 0, sizeof(c->b));
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

/* Standard capability header: ID and next pointer. */
static inline void cb_cap(struct cfgbuild *c, unsigned off, uint8_t id, uint8_t next)
{
	cb_w8(c, off, id);
	cb_w8(c, off + 1, next);
}

/* Extended capability header: ID, version, next pointer. */
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

#endif
