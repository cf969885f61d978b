/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * BAR sizes from `lspci -v`/`-vvv -xxxx` output. A config dump alone cannot tell a BAR's
 * size (only writing all ones to the register can), and cannot tell an unassigned 32-bit
 * memory BAR from an unimplemented one (both read 0). lspci prints what the kernel knows
 * (sysfs `resource`) on its decode lines:
 *
 *     Region 0: Memory at f7e00000 (32-bit, non-prefetchable) [size=128K]
 *     Region 2: I/O ports at e000 [size=32]
 *     Region 3: Memory at <unassigned> (32-bit, non-prefetchable) [size=16K]
 *     Expansion ROM at f7d00000 [disabled] [size=512K]
 *
 * Threats: the text is hostile like the rest of a dump. Lines are already bounded by the
 * reader (PG_DUMP_MAX_LINE); the region number is one digit 0-5, the size is parsed by
 * the bounded pg_util_parse_size() (K/M/G suffixes; anything else leaves the BAR
 * unknown), and must be a power of two as any BAR size is.
 */
#include <stdio.h>
#include <string.h>

#include "dump-private.h"
#include "util/util.h"

#define REGION_TAG "Region "
#define ROM_TAG "Expansion ROM at "
#define SIZE_TAG "[size="
#define ANNOT_MAX_SIZE (1ull << 63)
#define HDR_TYPE 0x0e
#define BAR0 0x10u
#define ROM0 0x30u
#define ROM1 0x38u

static bool starts(const char *s, size_t n, const char *tag)
{
	size_t t = strlen(tag);

	return n >= t && !memcmp(s, tag, t);
}

/* The size of "[size=16K]" anywhere on the line; false when absent or malformed. */
static bool line_size(const char *s, size_t n, uint64_t *ret)
{
	size_t t = strlen(SIZE_TAG);

	for (size_t i = 0; i + t < n; i++) {
		const char *v, *end;

		if (memcmp(s + i, SIZE_TAG, t))
			continue;
		v = s + i + t;
		end = memchr(v, ']', n - i - t);
		if (!end || pg_util_parse_size(v, (size_t)(end - v), ANNOT_MAX_SIZE, ret) < 0)
			return false;
		return *ret && pg_util_is_pow2(*ret);
	}
	return false;
}

void pg_dump_region_line(struct pg_dump_regions *r, const char *s, size_t n)
{
	size_t ind = 0;
	unsigned idx;
	uint64_t size;

	while (ind < n && (s[ind] == ' ' || s[ind] == '\t'))
		ind++;
	if (!r->started) {
		r->started = true;
		r->indent = ind;
	}
	if (ind != r->indent)
		return; /* a capability's own lines (SR-IOV VF regions), not this BAR table */
	s += ind;
	n -= ind;
	if (starts(s, n, REGION_TAG) && n > strlen(REGION_TAG) + 1 &&
	    s[strlen(REGION_TAG)] >= '0' && s[strlen(REGION_TAG)] <= '5' &&
	    s[strlen(REGION_TAG) + 1] == ':')
		idx = (unsigned)(s[strlen(REGION_TAG)] - '0');
	else if (starts(s, n, ROM_TAG))
		idx = PG_CFG_ROM_BAR;
	else
		return;
	r->seen |= (uint8_t)(1u << idx);
	if (line_size(s, n, &size)) {
		r->sized |= (uint8_t)(1u << idx);
		r->size[idx] = size;
	}
}

static uint32_t rd32(const struct pg_dump_dev *dev, unsigned off)
{
	if (off + 4u > dev->len)
		return UINT32_MAX; /* not in the dump: never taken for a zero register */
	return (uint32_t)dev->cfg[off] | (uint32_t)dev->cfg[off + 1] << 8 |
	       (uint32_t)dev->cfg[off + 2] << 16 | (uint32_t)dev->cfg[off + 3] << 24;
}

/* Whether slot i is the upper half of a 64-bit memory BAR in slot i - 1. */
static bool upper_half(const struct pg_dump_dev *dev, unsigned i)
{
	uint32_t lo;

	if (i == 0)
		return false;
	lo = rd32(dev, BAR0 + 4u * (i - 1));
	return lo != UINT32_MAX && !(lo & 1u) && (lo & 6u) == 4u;
}

static void set(struct pg_dump_dev *dev, unsigned i, uint64_t size)
{
	if (dev->sizes.known & (1u << i))
		return; /* an annotation says otherwise: it wins */
	dev->sizes.size[i] = size;
	dev->sizes.known |= (uint8_t)(1u << i);
}

const char *pg_dump_size_text(uint64_t size, char *buf, size_t n)
{
	static const char units[] = "KMG";
	unsigned u = 0;

	if (!buf || !n)
		return buf;
	while (size && size % 1024 == 0 && u < sizeof(units) - 1) {
		size /= 1024;
		u++;
	}
	if (u)
		snprintf(buf, n, "%llu%c", (unsigned long long)size, units[u - 1]);
	else
		snprintf(buf, n, "%llu", (unsigned long long)size);
	return buf;
}

void pg_dump_regions_apply(const struct pg_dump_regions *r, struct pg_dump_dev *dev)
{
	unsigned type, nbars, rom;

	if (!r->sized || dev->len < 0x40)
		return;
	type = dev->cfg[HDR_TYPE] & 0x7fu;
	nbars = type == 0 ? 6u : type == 1 ? 2u : 0u;
	rom = type == 0 ? ROM0 : type == 1 ? ROM1 : 0u;
	for (unsigned i = 0; i < nbars; i++) {
		if (upper_half(dev, i))
			continue;
		if (r->sized & (1u << i))
			set(dev, i, r->size[i]);
		else if (!(r->seen & (1u << i)) && rd32(dev, BAR0 + 4u * i) == 0)
			set(dev, i, 0); /* lspci had sizes and printed nothing: none */
	}
	if (!rom)
		return;
	if (r->sized & (1u << PG_CFG_ROM_BAR))
		set(dev, PG_CFG_ROM_BAR, r->size[PG_CFG_ROM_BAR]);
	else if (!(r->seen & (1u << PG_CFG_ROM_BAR)) && rd32(dev, rom) == 0)
		set(dev, PG_CFG_ROM_BAR, 0);
}
