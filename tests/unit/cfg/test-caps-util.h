/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Builders for synthetic configuration spaces used by the capability tests: a 4096-byte
 * buffer with a type 0/1 header whose Status has CAP_LIST set, helpers that append
 * standard and extended capabilities to their chains, and lookups for the parsed layout.
 * cmocka must be included before this header.
 */
#ifndef TEST_CAPS_UTIL_H
#define TEST_CAPS_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <pcigate/cfg.h>

struct tcfg {
	uint8_t b[PG_CFG_EXT_LEN];
	uint16_t std_link; /* byte holding the pointer to patch when a std cap is added */
	uint16_t ext_last; /* offset of the last extended cap header, 0 when none */
};

/* A header of the given type (0 or 1) with CAP_LIST set and empty chains. */
void tc_init(struct tcfg *t, uint8_t hdr_type);
void tc_w8(struct tcfg *t, uint32_t off, uint8_t v);
void tc_w16(struct tcfg *t, uint32_t off, uint16_t v);
void tc_w32(struct tcfg *t, uint32_t off, uint32_t v);
/* BAR register i (0..5) of the header. */
void tc_bar(struct tcfg *t, unsigned i, uint32_t v);
/* Append a standard capability at off; returns off. */
uint16_t tc_std(struct tcfg *t, uint8_t off, uint8_t id);
/* Append an extended capability at off (the first one must be at 0x100); returns off. */
uint16_t tc_ext(struct tcfg *t, uint16_t off, uint16_t id, uint8_t version);
/* Add a version 2 PCIe capability at off with the given port type, Maximum Link Width
 * and DevCap2, so that the extended list is walked. */
uint16_t tc_pcie(struct tcfg *t, uint8_t off, uint8_t port_type, uint8_t width,
		 uint32_t devcap2);

/* Parse the first len bytes; the returned layout is static and overwritten by the next
 * call. Fails the test when parsing returns an error. */
const struct pg_cfg_layout *tc_parse(const struct tcfg *t, size_t len,
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
void tc_apply(struct tcfg *t, uint16_t off, const struct tc_write *w);

#endif
