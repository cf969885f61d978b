/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Table-driven tests of header and BAR decoding (src/lib/cfg/header.c, layout.c). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include "cfgbuild.h"

struct exp_bar {
	enum pg_bar_kind kind;
	uint64_t addr;
	bool prefetch;
	uint64_t size;
};

struct hdr_case {
	const char *name;
	void (*build)(struct cfgbuild *c);
	uint16_t len;
	const struct pg_cfg_bar_sizes *sizes;
	enum pg_hdr_kind kind;
	uint8_t nbars;
	struct exp_bar bars[PG_CFG_NUM_BARS];
	enum pg_diag_code diag; /* PG_DIAG__COUNT: none expected */
	uint16_t diag_off;
};

static void b_endpoint(struct cfgbuild *c)
{
	cb_header(c, 0x8086, 0x10d3, 0x020000, 0x80, 0);
	cb_w32(c, 0x10, 0xfebc0000);            /* mem32 */
	cb_w32(c, 0x14, 0x0000e001);            /* io */
	cb_w32(c, 0x18, 0xc000000c);            /* mem64 prefetchable, low */
	cb_w32(c, 0x1c, 0x00000001);            /* high: 0x1_c000_0000 */
	cb_w32(c, 0x20, 0);                     /* unimplemented */
	cb_w32(c, 0x24, 0x00000002);            /* below 1M (legacy) */
	cb_w32(c, 0x30, 0xfeb00001);            /* ROM enabled */
	cb_w16(c, 0x2c, 0x8086);
	cb_w16(c, 0x2e, 0xa01f);
	cb_w8(c, 0x3c, 11);
	cb_w8(c, 0x3d, 1);
}

static void b_bar64_last(struct cfgbuild *c)
{
	cb_header(c, 0x1234, 0x0001, 0x020000, 0, 0);
	cb_w32(c, 0x24, 0xd0000004);
}

static void b_reserved(struct cfgbuild *c)
{
	cb_header(c, 0x1234, 0x0001, 0x020000, 0, 0);
	cb_w32(c, 0x10, 0xd0000006);
}

static void b_bridge(struct cfgbuild *c)
{
	cb_header(c, 0x8086, 0x1901, 0x060400, 0x01, 0);
	cb_w32(c, 0x10, 0xf7000000);
	cb_w32(c, 0x18, 0x00020100);            /* bus numbers, not a BAR */
	cb_w32(c, 0x38, 0xf6000000);            /* bridge ROM register */
}

static void b_cardbus(struct cfgbuild *c)
{
	cb_header(c, 0x104c, 0xac56, 0x060700, 0x02, 0);
}

static void b_unknown(struct cfgbuild *c)
{
	cb_header(c, 0x104c, 0xac56, 0x060700, 0x7f, 0);
}

/* A memory BAR register reading 0 is either not implemented or a 32-bit memory BAR never
 * assigned an address (PCI 3.0 §6.2.5.1: only sizing tells): without sizes it is
 * "unknown", with a size it is settled. */
#define UNK { PG_BAR_UNKNOWN, 0, false, 0 }

static const struct pg_cfg_bar_sizes sized = {
	.size = { 0x20000, 0x20, 0x100000, 0, 0, 0, 0x8000 },
	.known = 0x7f,
};

/* BAR4 reads 0 but has 16 KiB: a BAR the firmware left unassigned. */
static const struct pg_cfg_bar_sizes zero_sized = {
	.size = { 0x20000, 0x20, 0x100000, 0, 0x4000, 0x1000, 0x8000 },
	.known = 0x7f,
};

static const struct hdr_case cases[] = {
	{ "endpoint BAR kinds", b_endpoint, 256, NULL, PG_HDR_ENDPOINT, 6,
	  { { PG_BAR_MEM32, 0xfebc0000, false, 0 }, { PG_BAR_IO, 0xe000, false, 0 },
	    { PG_BAR_MEM64, 0x1c0000000ull, true, 0 }, { PG_BAR_MEM64_HI, 0, false, 0 },
	    UNK, { PG_BAR_MEM_BELOW1M, 0, false, 0 },
	    { PG_BAR_ROM, 0xfeb00000, false, 0 } },
	  PG_DIAG__COUNT, 0 },
	{ "endpoint BAR sizes from backend", b_endpoint, 256, &sized, PG_HDR_ENDPOINT, 6,
	  { { PG_BAR_MEM32, 0xfebc0000, false, 0x20000 }, { PG_BAR_IO, 0xe000, false, 0x20 },
	    { PG_BAR_MEM64, 0x1c0000000ull, true, 0x100000 }, { PG_BAR_MEM64_HI, 0, false, 0 },
	    { PG_BAR_NONE, 0, false, 0 }, { PG_BAR_NONE, 0, false, 0 },
	    { PG_BAR_ROM, 0xfeb00000, false, 0x8000 } },
	  PG_DIAG__COUNT, 0 },
	{ "64-bit BAR in last slot", b_bar64_last, 256, NULL, PG_HDR_ENDPOINT, 6,
	  { UNK, UNK, UNK, UNK, UNK, { PG_BAR_INVALID, 0xd0000000, false, 0 } },
	  PG_DIAG_BAR_64_LAST, 0x24 },
	{ "reserved memory type", b_reserved, 256, NULL, PG_HDR_ENDPOINT, 6,
	  { { PG_BAR_INVALID, 0xd0000000, false, 0 }, UNK, UNK, UNK, UNK, UNK },
	  PG_DIAG_BAR_RESERVED, 0x10 },
	{ "bridge: two BARs and ROM at 0x38", b_bridge, 256, NULL, PG_HDR_BRIDGE, 2,
	  { [0] = { PG_BAR_MEM32, 0xf7000000, false, 0 }, [1] = UNK,
	    [6] = { PG_BAR_ROM, 0xf6000000, false, 0 } },
	  PG_DIAG__COUNT, 0 },
	{ "cardbus recognised", b_cardbus, 256, NULL, PG_HDR_CARDBUS, 1, { UNK },
	  PG_DIAG_HDR_CARDBUS, 0x0e },
	{ "unknown header type", b_unknown, 256, NULL, PG_HDR_UNKNOWN, 0, { { 0 } },
	  PG_DIAG_HDR_UNKNOWN, 0x0e },
	{ "header cut at 0x20", b_endpoint, 0x20, NULL, PG_HDR_ENDPOINT, 6,
	  { { PG_BAR_MEM32, 0xfebc0000, false, 0 }, { PG_BAR_IO, 0xe000, false, 0 },
	    { PG_BAR_MEM64, 0x1c0000000ull, true, 0 }, { PG_BAR_MEM64_HI, 0, false, 0 } },
	  PG_DIAG_CFG_SHORT, 0x20 },
	{ "zero BARs sized: unassigned mem32 or none", b_endpoint, 256, &zero_sized,
	  PG_HDR_ENDPOINT, 6,
	  { { PG_BAR_MEM32, 0xfebc0000, false, 0x20000 }, { PG_BAR_IO, 0xe000, false, 0x20 },
	    { PG_BAR_MEM64, 0x1c0000000ull, true, 0x100000 }, { PG_BAR_MEM64_HI, 0, false, 0 },
	    { PG_BAR_MEM32, 0, false, 0x4000 }, { PG_BAR_MEM_BELOW1M, 0, false, 0x1000 },
	    { PG_BAR_ROM, 0xfeb00000, false, 0x8000 } },
	  PG_DIAG__COUNT, 0 },
};

static void run_case(void **state)
{
	const struct hdr_case *tc = *state;
	struct cfgbuild c;
	struct pg_cfg_layout *l = NULL;

	tc->build(&c);
	assert_int_equal(pg_cfg_parse(c.b, tc->len, tc->sizes, &l), 0);
	assert_int_equal(l->kind, tc->kind);
	assert_int_equal(l->nbars, tc->nbars);
	for (unsigned i = 0; i < PG_CFG_NUM_BARS; i++) {
		const struct pg_bar *b = &l->bars[i];

		print_message("  bar%u %s addr=0x%llx size=0x%llx\n", i, pg_bar_kind_name(b->kind),
			      (unsigned long long)b->addr, (unsigned long long)b->size);
		assert_int_equal(b->kind, tc->bars[i].kind);
		if (b->kind == PG_BAR_NONE || b->kind == PG_BAR_MEM64_HI)
			continue;
		assert_int_equal(b->addr, tc->bars[i].addr);
		assert_int_equal(b->prefetchable, tc->bars[i].prefetch);
		assert_int_equal(b->size, tc->bars[i].size);
		assert_int_equal(b->size_known, tc->sizes != NULL);
	}
	if (tc->diag == PG_DIAG__COUNT) {
		assert_int_equal(l->ndiags, 0);
	} else {
		assert_int_equal(l->ndiags, 1);
		assert_int_equal(l->diags[0].code, tc->diag);
		assert_int_equal(l->diags[0].offset, tc->diag_off);
	}
	pg_cfg_free(l);
}

static void test_identity(void **state)
{
	struct cfgbuild c;
	struct pg_cfg_layout l;

	(void)state;
	b_endpoint(&c);
	cb_w8(&c, 0x08, 0x03);
	assert_int_equal(pg_cfg_parse_into(c.b, 256, NULL, &l), 0);
	assert_int_equal(l.vendor, 0x8086);
	assert_int_equal(l.device, 0x10d3);
	assert_int_equal(l.class_code, 0x020000);
	assert_int_equal(l.revision, 3);
	assert_true(l.multifunction);
	assert_int_equal(l.subsys_vendor, 0x8086);
	assert_int_equal(l.subsys_device, 0xa01f);
	assert_int_equal(l.int_line, 11);
	assert_int_equal(l.int_pin, 1);
	assert_int_equal(l.len, 256);
	assert_true(l.bars[PG_CFG_ROM_BAR].rom_enabled);
}

static void test_all_ones_and_zero(void **state)
{
	uint8_t buf[256];
	struct pg_cfg_layout l;

	(void)state;
	memset(buf, 0xff, sizeof(buf));
	assert_int_equal(pg_cfg_parse_into(buf, sizeof(buf), NULL, &l), 0);
	assert_int_equal(l.ndiags, 1);
	assert_int_equal(l.diags[0].code, PG_DIAG_CFG_ALL_ONES);
	assert_int_equal(l.ncaps, 0);
	assert_int_equal(l.vendor, 0xffff);
	memset(buf, 0, sizeof(buf));
	assert_int_equal(pg_cfg_parse_into(buf, sizeof(buf), NULL, &l), 0);
	assert_int_equal(l.ndiags, 1);
	assert_int_equal(l.diags[0].code, PG_DIAG_CFG_ALL_ZERO);
}

static void test_tiny(void **state)
{
	uint8_t buf[8] = { 0x86, 0x80, 0x34, 0x12, 0x06, 0x00, 0x10, 0x00 };
	struct pg_cfg_layout l;

	(void)state;
	assert_int_equal(pg_cfg_parse_into(buf, sizeof(buf), NULL, &l), 0);
	assert_int_equal(l.vendor, 0x8086);
	assert_int_equal(l.device, 0x1234);
	assert_int_equal(l.kind, PG_HDR_UNKNOWN);
	assert_int_equal(l.ndiags, 1);
	assert_int_equal(l.diags[0].code, PG_DIAG_CFG_SHORT);
	assert_int_equal(pg_cfg_parse_into(buf, 0, NULL, &l), 0);
	assert_int_equal(l.len, 0);
}

/* Diagnostics beyond the cap are counted, not stored: a hostile device cannot grow
 * memory. 960 extended capabilities with misaligned next pointers give 960 anomalies. */
static void test_diag_cap(void **state)
{
	struct cfgbuild c;
	struct pg_cfg_layout l;

	(void)state;
	cb_header(&c, 0x1234, 0x5678, 0x010802, 0, 0x40);
	cb_pcie(&c, 0x40, 0, PG_PCIE_ENDPOINT);
	for (unsigned off = 0x100; off < 0x1000; off += 4)
		cb_ecap(&c, off, 0x7f, 1, off + 4 < 0x1000 ? (uint16_t)(off + 4 + 1) : 0);
	assert_int_equal(pg_cfg_parse_into(c.b, sizeof(c.b), NULL, &l), 0);
	assert_int_equal(l.ncaps, 1 + PG_CFG_EXT_TTL);
	assert_int_equal(l.ndiags, PG_CFG_MAX_DIAGS);
	assert_int_equal(l.diags_dropped, PG_CFG_EXT_TTL - 1 - PG_CFG_MAX_DIAGS);
	assert_int_equal(l.diags[0].code, PG_DIAG_ECAP_PTR_MISALIGNED);
	assert_string_equal(pg_diag_name(PG_DIAG_CAP_LOOP), "cap-loop");
	assert_string_equal(pg_diag_name((enum pg_diag_code)999), "unknown");
	for (unsigned i = 0; i < PG_DIAG__COUNT; i++)
		assert_string_not_equal(pg_diag_name((enum pg_diag_code)i), "unknown");
}

/* Vendor ID 0xffff or 0x0000 with other bytes set: no device (PCI 3.0 §6.2.1). */
static void test_vendor_invalid(void **state)
{
	static const uint16_t vendors[] = { 0xffff, 0x0000 };
	struct cfgbuild c;
	struct pg_cfg_layout l;

	(void)state;
	for (size_t i = 0; i < sizeof(vendors) / sizeof(vendors[0]); i++) {
		cb_header(&c, vendors[i], 0x1234, 0x020000, 0, 0);
		assert_int_equal(pg_cfg_parse_into(c.b, 256, NULL, &l), 0);
		assert_int_equal(l.ndiags, 1);
		assert_int_equal(l.diags[0].code, PG_DIAG_VENDOR_INVALID);
		assert_string_equal(pg_diag_name(l.diags[0].code), "vendor-invalid");
		assert_null(pg_cfg_bridge_kind(&l)); /* no device: no class either */
	}
	cb_header(&c, 0x8086, 0x1234, 0x020000, 0, 0);
	assert_int_equal(pg_cfg_parse_into(c.b, 256, NULL, &l), 0);
	assert_int_equal(l.ndiags, 0);
}

/* One bridge rule for inspect and the mediator: header types 1 and 2, and base class 0x06
 * on any header (PCI Code and ID Assignment: 0600 host, 0601 ISA, 0604 PCI-to-PCI...). */
static void test_bridge_kind(void **state)
{
	static const struct {
		uint32_t class_code;
		uint8_t type;
		const char *want; /* NULL: not a bridge */
	} rows[] = {
		{ 0x020000, 0, NULL },
		{ 0x060000, 0, "host bridge" },
		{ 0x060100, 0, "ISA bridge" },
		{ 0x068000, 0, "bridge" },
		{ 0x060400, 1, "PCI-to-PCI bridge header" },
		{ 0x020000, 1, "PCI-to-PCI bridge header" },
		{ 0x060700, 2, "CardBus bridge header" },
		{ 0x0c0330, 0x7f, NULL },
	};
	struct cfgbuild c;
	struct pg_cfg_layout l;
	char buf[40];

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const char *got;

		cb_header(&c, 0x8086, 0x1234, rows[i].class_code, rows[i].type, 0);
		assert_int_equal(pg_cfg_parse_into(c.b, 256, NULL, &l), 0);
		got = pg_cfg_bridge_kind(&l);
		if (!rows[i].want)
			assert_null(got);
		else
			assert_string_equal(got, rows[i].want);
	}
	assert_string_equal(pg_hdr_layout_name(0x81, buf, sizeof(buf)),
			    "type 1 (PCI-to-PCI bridge)");
	assert_string_equal(pg_hdr_layout_name(0x00, buf, sizeof(buf)), "type 0");
	assert_string_equal(pg_hdr_layout_name(0x7f, buf, sizeof(buf)), "unknown type 0x7f");
}

int main(void)
{
	struct CMUnitTest tests[sizeof(cases) / sizeof(cases[0]) + 6];
	size_t n = 0;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		tests[n++] = (struct CMUnitTest){ cases[i].name, run_case, NULL, NULL,
						  (void *)(uintptr_t)&cases[i] };
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_identity);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_all_ones_and_zero);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_tiny);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_diag_cap);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_vendor_invalid);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_bridge_kind);
	return _cmocka_run_group_tests("cfg-header", tests, n, NULL, NULL);
}
