/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Table-driven tests of the capability chain walks (src/lib/cfg/walk.c): each case builds a
 * config space, parses it, and asserts the exact capabilities found (offset, ID, list) and
 * the exact diagnostics (code, offset).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include "cfgbuild.h"

struct exp_cap {
	uint16_t off, id;
	bool ext;
};

struct exp_diag {
	enum pg_diag_code code;
	uint16_t off;
};

struct walk_case {
	const char *name;
	void (*build)(struct cfgbuild *c);
	uint16_t len;
	struct exp_cap caps[8];
	unsigned ncaps;
	struct exp_diag diags[6];
	unsigned ndiags;
};

static void b_simple(struct cfgbuild *c)
{
	cb_header(c, 0x8086, 0x1234, 0x020000, 0, 0x40);
	cb_cap(c, 0x40, PG_CAP_PM, 0x50);
	cb_cap(c, 0x50, PG_CAP_VNDR, 0);
	cb_w8(c, 0x52, 4);
}

static void b_loop2(struct cfgbuild *c)
{
	cb_header(c, 0x8086, 0x1234, 0x020000, 0, 0x40);
	cb_cap(c, 0x40, PG_CAP_VNDR, 0x50);
	cb_w8(c, 0x42, 3);
	cb_cap(c, 0x50, PG_CAP_VNDR, 0x40);
	cb_w8(c, 0x52, 3);
}

static void b_self(struct cfgbuild *c)
{
	cb_header(c, 0x8086, 0x1234, 0x020000, 0, 0x40);
	cb_cap(c, 0x40, PG_CAP_VNDR, 0x40);
	cb_w8(c, 0x42, 3);
}

static void b_into_header(struct cfgbuild *c)
{
	cb_header(c, 0x8086, 0x1234, 0x020000, 0, 0x40);
	cb_cap(c, 0x40, PG_CAP_VNDR, 0x10);
	cb_w8(c, 0x42, 3);
}

static void b_misaligned(struct cfgbuild *c)
{
	cb_header(c, 0x8086, 0x1234, 0x020000, 0, 0x43);
	cb_cap(c, 0x40, PG_CAP_VNDR, 0);
	cb_w8(c, 0x42, 3);
}

static void b_no_caplist(struct cfgbuild *c)
{
	cb_header(c, 0x8086, 0x1234, 0x020000, 0, 0x40);
	cb_w16(c, 0x06, 0); /* Status.CAP_LIST clear: the pointer is garbage */
	cb_cap(c, 0x40, PG_CAP_VNDR, 0x40);
}

static void b_broken(struct cfgbuild *c)
{
	cb_header(c, 0x8086, 0x1234, 0x020000, 0, 0x40);
	cb_cap(c, 0x40, PG_CAP_VNDR, 0x60);
	cb_w8(c, 0x42, 3);
	cb_cap(c, 0x60, 0xff, 0x70);
}

static void b_past_end(struct cfgbuild *c)
{
	cb_header(c, 0x8086, 0x1234, 0x020000, 0, 0x80);
}

static void b_ext_chain(struct cfgbuild *c)
{
	cb_header(c, 0x8086, 0x1234, 0x010802, 0, 0x40);
	cb_pcie(c, 0x40, 0, PG_PCIE_ENDPOINT);
	cb_ecap(c, 0x100, 0x0b, 1, 0x200);
	cb_w32(c, 0x104, 0x01000001u); /* VSEC length field 0x010 */
	cb_ecap(c, 0x200, 0x0b, 1, 0);
	cb_w32(c, 0x204, 0x01000001u);
}

static void b_ext_loop(struct cfgbuild *c)
{
	b_ext_chain(c);
	cb_ecap(c, 0x200, 0x0b, 1, 0x100);
}

static void b_ext_low(struct cfgbuild *c)
{
	b_ext_chain(c);
	cb_ecap(c, 0x200, 0x0b, 1, 0x040);
}

static void b_ext_misaligned(struct cfgbuild *c)
{
	b_ext_chain(c);
	cb_ecap(c, 0x100, 0x0b, 1, 0x202);
}

static void b_ext_allones(struct cfgbuild *c)
{
	b_ext_chain(c);
	cb_w32(c, 0x200, 0xffffffffu);
}

static void b_ext_without_pcie(struct cfgbuild *c)
{
	b_ext_chain(c);
	cb_w8(c, 0x40, PG_CAP_VNDR); /* no PCIe capability: no extended space to walk */
	cb_w8(c, 0x42, 3);
}

static void b_overlap(struct cfgbuild *c)
{
	cb_header(c, 0x8086, 0x1234, 0x020000, 0, 0x40);
	cb_cap(c, 0x40, PG_CAP_VNDR, 0x44);
	cb_w8(c, 0x42, 8); /* claims 8 bytes: runs into the next capability */
	cb_cap(c, 0x44, PG_CAP_VNDR, 0);
	cb_w8(c, 0x46, 3);
}

static const struct walk_case cases[] = {
	{ "simple chain", b_simple, 256,
	  { { 0x40, PG_CAP_PM, false }, { 0x50, PG_CAP_VNDR, false } }, 2, { { 0 } }, 0 },
	{ "two-cycle loop", b_loop2, 256,
	  { { 0x40, PG_CAP_VNDR, false }, { 0x50, PG_CAP_VNDR, false } }, 2,
	  { { PG_DIAG_CAP_LOOP, 0x51 } }, 1 },
	{ "self pointer", b_self, 256, { { 0x40, PG_CAP_VNDR, false } }, 1,
	  { { PG_DIAG_CAP_LOOP, 0x41 } }, 1 },
	{ "pointer into header", b_into_header, 256, { { 0x40, PG_CAP_VNDR, false } }, 1,
	  { { PG_DIAG_CAP_PTR_LOW, 0x41 } }, 1 },
	{ "misaligned first pointer", b_misaligned, 256, { { 0x40, PG_CAP_VNDR, false } }, 1,
	  { { PG_DIAG_CAP_PTR_MISALIGNED, 0x34 } }, 1 },
	{ "no CAP_LIST, garbage pointer ignored", b_no_caplist, 256, { { 0 } }, 0, { { 0 } }, 0 },
	{ "ID 0xff breaks the chain", b_broken, 256, { { 0x40, PG_CAP_VNDR, false } }, 1,
	  { { PG_DIAG_CAP_BROKEN, 0x60 } }, 1 },
	{ "pointer past a 64-byte dump", b_past_end, 64, { { 0 } }, 0,
	  { { PG_DIAG_CAP_PTR_PAST_END, 0x34 } }, 1 },
	{ "extended chain", b_ext_chain, 4096,
	  { { 0x40, PG_CAP_EXP, false }, { 0x100, 0x0b, true }, { 0x200, 0x0b, true } }, 3,
	  { { 0 } }, 0 },
	{ "extended loop", b_ext_loop, 4096,
	  { { 0x40, PG_CAP_EXP, false }, { 0x100, 0x0b, true }, { 0x200, 0x0b, true } }, 3,
	  { { PG_DIAG_ECAP_LOOP, 0x200 } }, 1 },
	{ "extended pointer below 0x100", b_ext_low, 4096,
	  { { 0x40, PG_CAP_EXP, false }, { 0x100, 0x0b, true }, { 0x200, 0x0b, true } }, 3,
	  { { PG_DIAG_ECAP_PTR_LOW, 0x200 } }, 1 },
	{ "extended misaligned pointer", b_ext_misaligned, 4096,
	  { { 0x40, PG_CAP_EXP, false }, { 0x100, 0x0b, true }, { 0x200, 0x0b, true } }, 3,
	  { { PG_DIAG_ECAP_PTR_MISALIGNED, 0x100 } }, 1 },
	{ "extended all-ones header mid-chain", b_ext_allones, 4096,
	  { { 0x40, PG_CAP_EXP, false }, { 0x100, 0x0b, true } }, 2,
	  { { PG_DIAG_ECAP_BROKEN, 0x100 } }, 1 },
	{ "extended space ignored without PCIe", b_ext_without_pcie, 4096,
	  { { 0x40, PG_CAP_VNDR, false } }, 1, { { 0 } }, 0 },
	{ "overlapping capabilities", b_overlap, 256,
	  { { 0x40, PG_CAP_VNDR, false }, { 0x44, PG_CAP_VNDR, false } }, 2,
	  { { PG_DIAG_CAP_OVERLAP, 0x44 } }, 1 },
};

static void run_case(void **state)
{
	const struct walk_case *tc = *state;
	struct cfgbuild c;
	struct pg_cfg_layout *l = NULL;

	tc->build(&c);
	assert_int_equal(pg_cfg_parse(c.b, tc->len, NULL, &l), 0);
	for (unsigned i = 0; i < l->ndiags; i++)
		print_message("  diag %s @0x%03x: %s\n", pg_diag_name(l->diags[i].code),
			      l->diags[i].offset, l->diags[i].detail);
	assert_int_equal(l->ncaps, tc->ncaps);
	for (unsigned i = 0; i < tc->ncaps; i++) {
		assert_int_equal(l->caps[i].offset, tc->caps[i].off);
		assert_int_equal(l->caps[i].id, tc->caps[i].id);
		assert_int_equal(l->caps[i].extended, tc->caps[i].ext);
		assert_non_null(l->caps[i].name);
		assert_true(l->caps[i].len >= 2);
		assert_true(l->caps[i].offset + l->caps[i].len <= tc->len);
	}
	assert_int_equal(l->ndiags, tc->ndiags);
	for (unsigned i = 0; i < tc->ndiags; i++) {
		assert_string_equal(pg_diag_name(l->diags[i].code), pg_diag_name(tc->diags[i].code));
		assert_int_equal(l->diags[i].offset, tc->diags[i].off);
		assert_true(l->diags[i].detail[0] != '\0');
	}
	pg_cfg_free(l);
}

/* A maximal extended chain: 960 capabilities, every dword of 0x100..0xffc, in order.
 * The walk must visit each exactly once and stop at the end without a diagnostic. */
static void test_max_ext_chain(void **state)
{
	struct cfgbuild c;
	struct pg_cfg_layout *l = NULL;

	(void)state;
	cb_header(&c, 0x1234, 0x5678, 0x010802, 0, 0x40);
	cb_pcie(&c, 0x40, 0, PG_PCIE_ENDPOINT);
	for (unsigned off = 0x100; off < 0x1000; off += 4)
		cb_ecap(&c, off, 0x7f, 1, off + 4 < 0x1000 ? (uint16_t)(off + 4) : 0);
	assert_int_equal(pg_cfg_parse(c.b, sizeof(c.b), NULL, &l), 0);
	assert_int_equal(l->ncaps, 1 + PG_CFG_EXT_TTL);
	assert_int_equal(l->ndiags, 0);
	pg_cfg_free(l);
}

/* A chain that visits every dword and then loops back: the visited set stops it. */
static void test_max_ext_loop(void **state)
{
	struct cfgbuild c;
	struct pg_cfg_layout *l = NULL;

	(void)state;
	cb_header(&c, 0x1234, 0x5678, 0x010802, 0, 0x40);
	cb_pcie(&c, 0x40, 0, PG_PCIE_ENDPOINT);
	for (unsigned off = 0x100; off < 0x1000; off += 4)
		cb_ecap(&c, off, 0x7f, 1, off + 4 < 0x1000 ? (uint16_t)(off + 4) : 0x100);
	assert_int_equal(pg_cfg_parse(c.b, sizeof(c.b), NULL, &l), 0);
	assert_int_equal(l->ncaps, 1 + PG_CFG_EXT_TTL);
	assert_int_equal(l->ndiags, 1);
	assert_int_equal(l->diags[0].code, PG_DIAG_ECAP_LOOP);
	pg_cfg_free(l);
}

/* Diagnostic texts name the capability and the offsets involved, formatted as documented. */
static void test_diag_text(void **state)
{
	struct cfgbuild c;
	struct pg_cfg_layout *l = NULL;
	char want[96];
	bool dup = false, past = false;

	(void)state;
	cb_header(&c, 0x8086, 0x1234, 0x020000, 0, 0x40);
	cb_cap(&c, 0x40, PG_CAP_MSI, 0x50);
	cb_cap(&c, 0x50, PG_CAP_MSI, 0x60);
	cb_pcie(&c, 0x60, 0, PG_PCIE_ENDPOINT);
	cb_ecap(&c, 0x100, PG_ECAP_DSN, 1, 0x200);
	assert_int_equal(pg_cfg_parse(c.b, 0x200, NULL, &l), 0);
	for (uint16_t i = 0; i < l->ndiags; i++) {
		const struct pg_diag *d = &l->diags[i];

		if (d->code == PG_DIAG_CAP_DUPLICATE) {
			snprintf(want, sizeof(want), "second %s capability (first at 0x%03x)", "MSI",
				 0x40);
			assert_string_equal(d->detail, want);
			dup = true;
		}
		if (d->code == PG_DIAG_ECAP_PTR_PAST_END) {
			snprintf(want, sizeof(want),
				 "next pointer 0x%03x is beyond the %u bytes available", 0x200, 0x200);
			assert_string_equal(d->detail, want);
			past = true;
		}
	}
	assert_true(dup && past);
	pg_cfg_free(l);
}

static void test_bad_args(void **state)
{
	uint8_t buf[8] = { 0 };
	struct pg_cfg_layout *l = NULL;

	(void)state;
	assert_int_equal(pg_cfg_parse(NULL, 4, NULL, &l), -EINVAL);
	assert_int_equal(pg_cfg_parse(buf, 4097, NULL, &l), -EINVAL);
	assert_int_equal(pg_cfg_parse(buf, 4, NULL, NULL), -EINVAL);
	assert_null(l);
}

int main(void)
{
	struct CMUnitTest tests[sizeof(cases) / sizeof(cases[0]) + 4];
	size_t n = 0;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		tests[n++] = (struct CMUnitTest){ cases[i].name, run_case, NULL, NULL,
						  (void *)(uintptr_t)&cases[i] };
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_max_ext_chain);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_max_ext_loop);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_bad_args);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_diag_text);
	return _cmocka_run_group_tests("cfg-walk", tests, n, NULL, NULL);
}
