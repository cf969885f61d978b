/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Helpers of the capability tests on top of the shared builder (tests/common/cfgbuild.h):
 * a header preset, a PCIe capability with link width and DevCap2, and lookups in the
 * parsed layout. cmocka must be included before this header.
 */
#ifndef TEST_CAPS_UTIL_H
#define TEST_CAPS_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <pcigate/cfg.h>

#include "cfgbuild.h"

/* A header of the given type (0 or 1) with CAP_LIST set and empty chains. */
void tc_init(struct cfgbuild *t, uint8_t hdr_type);
/* BAR register i (0..5) of the header. */
void tc_bar(struct cfgbuild *t, unsigned i, uint32_t v);
/* Add a version 2 PCIe capability at off with the given port type, Maximum Link Width
 * and DevCap2, so that the extended list is walked. */
uint16_t tc_pcie(struct cfgbuild *t, uint8_t off, uint8_t port_type, uint8_t width,
		 uint32_t devcap2);

/* Parse the first len bytes; the returned layout is static and overwritten by the next
 * call. Fails the test when parsing returns an error. */
const struct pg_cfg_layout *tc_parse(const struct cfgbuild *t, size_t len,
				     const struct pg_cfg_bar_sizes *sizes);
/* The capability at off on the given list; fails the test when absent. */
const struct pg_cap *tc_cap_at(const struct pg_cfg_layout *l, bool ext, uint16_t off);
/* Diagnostics with this code (and, when substr is not NULL, containing it). */
unsigned tc_ndiag(const struct pg_cfg_layout *l, enum pg_diag_code code, const char *substr);
/* Value of the field named key in cap's fields table; fails the test when missing. */
uint64_t tc_field(const struct pg_cap *cap, const char *key);
/* Print the diagnostics of a layout (for failing-test context). */
void tc_dump_diags(const struct pg_cfg_layout *l);

/* A register write for table-driven cases: size 1, 2 or 4 bytes at cap-relative rel. */
struct tc_write {
	uint16_t rel;
	uint8_t size;
	uint32_t val;
};
#define TC_MAX_WRITES 6
void tc_apply(struct cfgbuild *t, uint16_t off, const struct tc_write *w);

#endif
