/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * MSI-X decoding and its validation against the BARs decoded before the walk: a table or
 * PBA BIR must name an implemented memory BAR (msix-bir), both structures must fit their
 * BAR when its size is known (msix-bar-small), and they must not overlap (msix-overlap).
 * Functions with Enhanced Allocation describe their BARs in EA entries instead.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "test-caps-util.h"

#define CAP 0x40u
#define KIB 1024u

enum bar_setup {
	BARS_MEM,     /* BAR0 mem32, BAR1 I/O, BAR2+3 mem64, BAR4 unimplemented, BAR5 11b */
	BARS_BRIDGE,  /* type 1 header: BAR0 mem32, BAR1 mem32 */
	BARS_EA,      /* BARs zero; EA entry BEI 2 (memory, 4 KiB) and BEI 3 (disabled) */
};

struct msix_case {
	const char *what;
	enum bar_setup bars;
	uint16_t entries;
	uint8_t tbir;
	uint32_t toff;
	uint8_t pbir;
	uint32_t poff;
	uint8_t sized;       /* bit i: BAR i has the size below */
	uint64_t size;
	unsigned bir, small, overlap;
	const char *detail;  /* substring of the first msix diagnostic, or NULL */
};

static const struct msix_case cases[] = {
	{ "valid mem32", BARS_MEM, 64, 0, 0, 0, 0x800, 0x01, 4 * KIB, 0, 0, 0, NULL },
	{ "valid mem64", BARS_MEM, 64, 2, 0x1000, 2, 0x2000, 0x04, 16 * KIB, 0, 0, 0, NULL },
	{ "valid, sizes unknown", BARS_MEM, 2048, 0, 0xfffff000, 0, 0x10, 0, 0, 0, 0, 0, NULL },
	{ "table I/O BAR", BARS_MEM, 8, 1, 0, 0, 0x800, 0, 0, 1, 0, 0, "table BIR 1 is an I/O" },
	{ "PBA upper half", BARS_MEM, 8, 0, 0, 3, 0, 0, 0, 1, 0, 0, "PBA BIR 3 is the upper half" },
	/* BAR4 reads 0: sized 0 it is not implemented; unsized it may be an unassigned
	 * 32-bit memory BAR (PCI 3.0 §6.2.5.1), so nothing can be said against it. */
	{ "table unimplemented", BARS_MEM, 8, 4, 0, 0, 0x800, 0x10, 0, 1, 0, 0, "not implemented" },
	{ "table in unassigned BAR", BARS_MEM, 8, 4, 0, 0, 0x800, 0x10, 4 * KIB, 0, 0, 0, NULL },
	{ "table in zero BAR, unsized", BARS_MEM, 8, 4, 0, 0, 0x800, 0, 0, 0, 0, 0, NULL },
	{ "unassigned BAR too small", BARS_MEM, 257, 4, 0, 4, 0x1010, 0x10, 4 * KIB, 0, 2, 0,
	  "runs past BAR4" },
	{ "table invalid BAR", BARS_MEM, 8, 5, 0, 0, 0x800, 0, 0, 1, 0, 0, "invalid BAR" },
	{ "BIR 6 reserved", BARS_MEM, 8, 6, 0, 0, 0x800, 0, 0, 1, 0, 0, "table BIR 6 is reserved" },
	{ "BIR 7 both", BARS_MEM, 8, 7, 0, 7, 0x800, 0, 0, 2, 0, 0, "BIR 7 is reserved" },
	{ "bridge BIR 2", BARS_BRIDGE, 8, 2, 0, 1, 0, 0, 0, 1, 0, 0, "beyond this header" },
	{ "bridge valid", BARS_BRIDGE, 8, 0, 0, 1, 0, 0x03, 4 * KIB, 0, 0, 0, NULL },
	/* 2048 entries = 32 KiB of table in a 16 KiB BAR */
	{ "table too big", BARS_MEM, 2048, 0, 0, 2, 0, 0x05, 16 * KIB, 0, 1, 0,
	  "table 0x0+0x8000" },
	/* 65 entries need 16 PBA bytes; 8 left */
	{ "PBA past end", BARS_MEM, 65, 0, 0, 0, 4 * KIB - 8, 0x01, 4 * KIB, 0, 1, 0, "PBA" },
	{ "PBA exactly fits", BARS_MEM, 65, 0, 0, 0, 4 * KIB - 16, 0x01, 4 * KIB, 0, 0, 0, NULL },
	{ "table at huge offset", BARS_MEM, 1, 0, 0xfffffff8, 2, 0, 0x05, 4 * KIB, 0, 1, 0, NULL },
	{ "overlap", BARS_MEM, 16, 0, 0, 0, 0x80, 0, 0, 0, 0, 1, "overlap in BIR 0" },
	{ "overlap at 0", BARS_MEM, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, NULL },
	{ "adjacent", BARS_MEM, 16, 0, 0, 0, 0x100, 0, 0, 0, 0, 0, NULL },
	{ "PBA before table", BARS_MEM, 65, 0, 0x10, 0, 0x8, 0, 0, 0, 0, 1, NULL },
	{ "PBA just before table", BARS_MEM, 64, 0, 0x10, 0, 0x8, 0, 0, 0, 0, 0, NULL },
	{ "same offset, other BAR", BARS_MEM, 16, 0, 0, 2, 0, 0, 0, 0, 0, 0, NULL },
	{ "EA entry", BARS_EA, 64, 2, 0, 2, 0x800, 0, 0, 0, 0, 0, NULL },
	{ "EA entry too small", BARS_EA, 65, 2, 0, 2, 0xff8, 0, 0, 0, 1, 0,
	  "PBA 0xff8+0x10 runs past BAR2" },
	{ "EA entry disabled", BARS_EA, 8, 3, 0, 2, 0x800, 0, 0, 1, 0, 0, "BIR 3 is not" },
	{ "EA, no entry", BARS_EA, 8, 0, 0, 2, 0x800, 0, 0, 1, 0, 0, "BIR 0 is not" },
};

static void setup_bars(struct cfgbuild *t, enum bar_setup bars)
{
	switch (bars) {
	case BARS_MEM:
		tc_init(t, 0);
		tc_bar(t, 0, 0xfe000000);
		tc_bar(t, 1, 0x0000e001);
		tc_bar(t, 2, 0x0000000c);
		tc_bar(t, 3, 0x00000001);
		tc_bar(t, 5, 0xfd000006);
		break;
	case BARS_BRIDGE:
		tc_init(t, 1);
		tc_bar(t, 0, 0xfe000000);
		tc_bar(t, 1, 0xfd000000);
		break;
	case BARS_EA:
		tc_init(t, 0);
		/* EA after MSI-X in the chain: MSI-X is decoded before the walker reaches it. */
		cb_add_cap(t, 0x80, PG_CAP_EA);
		cb_w8(t, 0x82, 2);
		cb_w32(t, 0x84, 0x80000022);  /* enabled, 2 dwords, BEI 2, memory */
		cb_w32(t, 0x88, 0xfe000000);
		cb_w32(t, 0x8c, 0x00000ffc);  /* MaxOffset 0xfff: 4 KiB */
		cb_w32(t, 0x90, 0x00000032);  /* disabled, BEI 3 */
		cb_w32(t, 0x94, 0xfd000000);
		cb_w32(t, 0x98, 0x00000ffc);
		break;
	}
}

static void run_case(const struct msix_case *c)
{
	struct cfgbuild t;
	struct pg_cfg_bar_sizes sizes = { .known = c->sized };
	const struct pg_cfg_layout *l;
	const struct pg_cap *cap;

	for (unsigned i = 0; i < PG_CFG_NUM_BARS; i++)
		sizes.size[i] = c->size;
	setup_bars(&t, c->bars);
	/* insert MSI-X first in the chain, keeping what setup_bars linked after it */
	cb_w8(&t, CAP, PG_CAP_MSIX);
	cb_w8(&t, CAP + 1, t.b[0x34]);
	cb_w8(&t, 0x34, CAP);
	cb_w16(&t, CAP + 2, (uint16_t)(0x8000u | (c->entries - 1u)));
	cb_w32(&t, CAP + 4, c->toff | c->tbir);
	cb_w32(&t, CAP + 8, c->poff | c->pbir);
	l = tc_parse(&t, PG_CFG_STD_LEN, &sizes);
	cap = tc_cap_at(l, false, CAP);
	assert_int_equal(cap->info.msix.table_size, c->entries);
	assert_int_equal(cap->info.msix.table_bir, c->tbir);
	assert_int_equal(cap->info.msix.table_offset, c->toff);
	assert_int_equal(cap->info.msix.pba_bir, c->pbir);
	assert_int_equal(cap->info.msix.pba_offset, c->poff);
	if (tc_ndiag(l, PG_DIAG_MSIX_BIR, NULL) != c->bir ||
	    tc_ndiag(l, PG_DIAG_MSIX_BAR_SMALL, NULL) != c->small ||
	    tc_ndiag(l, PG_DIAG_MSIX_OVERLAP, NULL) != c->overlap) {
		print_error("case '%s'\n", c->what);
		tc_dump_diags(l);
	}
	assert_int_equal(tc_ndiag(l, PG_DIAG_MSIX_BIR, NULL), c->bir);
	assert_int_equal(tc_ndiag(l, PG_DIAG_MSIX_BAR_SMALL, NULL), c->small);
	assert_int_equal(tc_ndiag(l, PG_DIAG_MSIX_OVERLAP, NULL), c->overlap);
	if (c->detail) {
		bool found = false;

		for (uint16_t i = 0; i < l->ndiags; i++)
			if (strstr(l->diags[i].detail, c->detail) && l->diags[i].offset == CAP)
				found = true;
		if (!found)
			print_error("case '%s': no diagnostic with '%s'\n", c->what, c->detail);
		assert_true(found);
	}
}

static void test_msix_cases(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		run_case(&cases[i]);
}

static void test_msix_control(void **state)
{
	struct cfgbuild t;
	const struct pg_cap *cap;

	(void)state;
	tc_init(&t, 0);
	tc_bar(&t, 0, 0xfe000000);
	cb_add_cap(&t, CAP, PG_CAP_MSIX);
	cb_w16(&t, CAP + 2, 0x47ff); /* mask all, 2048 entries, disabled */
	cb_w32(&t, CAP + 4, 0x00000000);
	cb_w32(&t, CAP + 8, 0x00008000);
	cap = tc_cap_at(tc_parse(&t, PG_CFG_STD_LEN, NULL), false, CAP);
	assert_int_equal(cap->len, 12);
	assert_int_equal(cap->info.msix.control, 0x47ff);
	assert_false(cap->info.msix.enabled);
	assert_true(cap->info.msix.function_mask);
	assert_int_equal(cap->info.msix.table_size, 2048);
	assert_int_equal(tc_field(cap, "table_size"), 2048);
	assert_int_equal(tc_field(cap, "pba_offset"), 0x8000);
}

/* A backend that sized a BAR to 0 makes it unimplemented: the BIR is then refused. */
static void test_msix_bar_sized_zero(void **state)
{
	struct cfgbuild t;
	struct pg_cfg_bar_sizes sizes = { .known = 0x01 };
	const struct pg_cfg_layout *l;

	(void)state;
	tc_init(&t, 0);
	tc_bar(&t, 0, 0xfe000000);
	cb_add_cap(&t, CAP, PG_CAP_MSIX);
	cb_w32(&t, CAP + 8, 0x00000800);
	l = tc_parse(&t, PG_CFG_STD_LEN, &sizes);
	assert_int_equal(tc_ndiag(l, PG_DIAG_MSIX_BIR, "BIR 0 is not implemented"), 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_msix_cases),
		cmocka_unit_test(test_msix_control),
		cmocka_unit_test(test_msix_bar_sized_zero),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
