/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Internal interface of the dump reader: BAR sizes read from the decode lines of
 * `lspci -v`/`-vvv` output (regions.c), merged into a device when its block ends.
 */
#ifndef PG_DUMP_PRIVATE_H
#define PG_DUMP_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>

#include <pcigate/dump.h>

/* What the decode lines of one device block said about its BARs. */
struct pg_dump_regions {
	uint8_t seen;                  /* bit i: a "Region i:" (or ROM) line was present */
	uint8_t sized;                 /* bit i: and it carried a size, in size[i] */
	uint64_t size[PG_CFG_NUM_BARS];
	size_t indent;                 /* indentation of the block's first decode line */
	bool started;                  /* indent is set */
};

/* Look at one decode line (s, n bytes, starting with its indentation). Only lines at the
 * block's first indentation level count ("\tRegion 0: ... [size=16K]",
 * "\tExpansion ROM at ... [size=64K]"): deeper ones belong to capabilities (the SR-IOV
 * capability prints VF "Region" lines of its own). Anything unrecognised is ignored, as
 * decode lines always were. */
void pg_dump_region_line(struct pg_dump_regions *r, const char *s, size_t n);

/* Merge into dev->sizes what the decode lines said, never overriding a `# pcigate:`
 * annotation. When lspci knew sizes (some line had one), it printed every BAR that has
 * an address, flag bits or a size, so a BAR slot with no line whose register reads 0 has
 * size 0: not implemented. The upper half of a 64-bit BAR is never sized. */
void pg_dump_regions_apply(const struct pg_dump_regions *r, struct pg_dump_dev *dev);

#endif
