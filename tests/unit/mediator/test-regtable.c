/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The register engine (src/lib/mediator/regtable.c): registration rules and the index. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

#include <cmocka.h>

#include "mediator/mediator-private.h"

struct reg_case {
	const char *name;
	struct pg_reg r;
	int rc;
};

#define R(o, s) .off = (o), .size = (s)

/* Each row is checked against a table that already holds a 2-byte row at 0x10. */
static const struct reg_case cases[] = {
	{ "ok-1", { R(0x20, 1), .pass = 0xff }, 0 },
	{ "ok-2", { R(0x22, 2), .rw1c = 0xff00, .ro = 0xff }, 0 },
	{ "ok-4-all-classes", { R(0x24, 4), .pass = 0x3, .rw1c = 0xc, .rsvdp = 0x30, .rsvdz = 0xc0,
				.ro = 0xff00, .deny = 0xff0000, .virt = 0xffff0000u,
				.value = 0x12340000u }, 0 },
	{ "ok-wo-in-pass", { R(0x28, 4), .pass = 0xff, .wo = 0x0f }, 0 },
	{ "ok-virt-ro", { R(0x2c, 2), .virt = 0xffff, .ro = 0xffff, .value = 0xabcd }, 0 },
	{ "ok-next-to-row", { R(0x12, 2), .ro = 0xffff }, 0 },
	{ "size-3", { R(0x20, 3) }, -EINVAL },
	{ "size-0", { R(0x20, 0) }, -EINVAL },
	{ "size-8", { R(0x20, 8) }, -EINVAL },
	{ "misaligned-2", { R(0x21, 2) }, -EINVAL },
	{ "misaligned-4", { R(0x22, 4) }, -EINVAL },
	{ "beyond-len", { R(0xfe, 4) }, -EINVAL },
	{ "at-len", { R(0x100, 1) }, -EINVAL },
	{ "pass-too-wide", { R(0x20, 1), .pass = 0x100 }, -EINVAL },
	{ "virt-too-wide", { R(0x20, 2), .virt = 0x10000 }, -EINVAL },
	{ "value-too-wide", { R(0x20, 1), .virt = 0xff, .value = 0x1ff }, -EINVAL },
	{ "pass-rw1c", { R(0x20, 1), .pass = 0x1, .rw1c = 0x1 }, -EINVAL },
	{ "pass-ro", { R(0x20, 1), .pass = 0x2, .ro = 0x2 }, -EINVAL },
	{ "rsvdp-rsvdz", { R(0x20, 1), .rsvdp = 0x4, .rsvdz = 0x4 }, -EINVAL },
	{ "ro-deny", { R(0x20, 1), .ro = 0x8, .deny = 0x8 }, -EINVAL },
	{ "virt-pass", { R(0x20, 1), .virt = 0x1, .pass = 0x1 }, -EINVAL },
	{ "virt-rw1c", { R(0x20, 1), .virt = 0x1, .rw1c = 0x1 }, -EINVAL },
	{ "virt-rsvdz", { R(0x20, 1), .virt = 0x1, .rsvdz = 0x1 }, -EINVAL },
	{ "wo-outside-pass", { R(0x20, 1), .pass = 0x1, .wo = 0x2 }, -EINVAL },
	{ "value-outside-virt", { R(0x20, 1), .virt = 0x1, .value = 0x2 }, -EINVAL },
	{ "overlap-exact", { R(0x10, 2) }, -EEXIST },
	{ "overlap-inner", { R(0x11, 1) }, -EEXIST },
	{ "overlap-outer", { R(0x10, 4) }, -EEXIST },
};

static void test_registration(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct pg_regtable t;
		struct pg_reg base = { R(0x10, 2), .pass = 0xffff };
		uint16_t idx = 77;
		int rc;

		pg_regtable_init(&t, 256);
		assert_int_equal(pg_regtable_add(&t, &base, NULL), 0);
		rc = pg_regtable_add(&t, &cases[i].r, &idx);
		if (rc != cases[i].rc)
			fail_msg("case %s: rc %d, expected %d", cases[i].name, rc, cases[i].rc);
		if (rc == 0) {
			assert_int_equal(idx, 1);
			assert_int_equal(t.nrows, 2);
			for (unsigned b = 0; b < cases[i].r.size; b++)
				assert_ptr_equal(pg_regtable_row_at(&t, (uint16_t)(cases[i].r.off + b)),
						 &t.rows[1]);
		} else {
			assert_int_equal(idx, 77); /* out parameter untouched on failure */
			assert_int_equal(t.nrows, 1);
		}
		pg_regtable_free(&t);
	}
}

static void test_read_masks(void **state)
{
	struct pg_regtable t;
	struct pg_reg r = { R(0x40, 4), .pass = 0x1, .rw1c = 0x2, .rsvdp = 0x4, .rsvdz = 0x8,
			    .ro = 0x10, .deny = 0x20, .virt = 0x300, .wo = 0x1 };

	(void)state;
	r.pass |= 0x400;
	pg_regtable_init(&t, 256);
	assert_int_equal(pg_regtable_add(&t, &r, NULL), 0);
	/* hardware: rw1c, ro, deny (not virtual), pass not wo, and every unclassified bit */
	assert_int_equal(t.rows[0].rd_hw, 0xfffffcf2u);
	/* what the write path uses, from the mask table of mediator-private.h: a write stores
	 * the virtual bits that are neither read-only nor denied, sends pass and RW1C bits,
	 * and a row with deny bits is audited (so it is not plain) */
	assert_int_equal(t.rows[0].wr_virt, 0x300u);
	assert_int_equal(t.rows[0].wr_hw, 0x403u);
	assert_int_equal(t.rows[0].wr_all, 0xffffffffu);
	assert_int_equal(t.rows[0].wr_shift, 0);
	assert_true(t.rows[0].wr_audit);
	assert_false(t.rows[0].wr_plain);
	pg_regtable_free(&t);
}

/* The register's place in its dword and its width, and what makes a row plain (no hook,
 * nothing to audit): a virtual bit that is also read-only or denied is never stored. */
static void write_hook(struct pg_mediator *m, struct pg_reg *r, struct pg_wctx *w)
{
	(void)m;
	(void)r;
	(void)w;
}

static void test_write_masks(void **state)
{
	struct pg_regtable t;
	struct pg_reg a = { R(0x42, 2), .virt = 0xff00, .ro = 0x0f00, .pass = 0x00f0 };
	struct pg_reg b = { R(0x45, 1), .virt = 0xff, .deny = 0x01 };
	struct pg_reg c = { R(0x48, 4), .rw1c = 0xf0000000u, .write = write_hook };
	struct pg_reg d = { R(0x4c, 1), .pass = 0xff, .paudit = 0x0f };

	(void)state;
	pg_regtable_init(&t, 256);
	assert_int_equal(pg_regtable_add(&t, &a, NULL), 0);
	assert_int_equal(pg_regtable_add(&t, &b, NULL), 0);
	assert_int_equal(pg_regtable_add(&t, &c, NULL), 0);
	assert_int_equal(pg_regtable_add(&t, &d, NULL), 0);
	assert_int_equal(t.rows[0].wr_shift, 16);
	assert_int_equal(t.rows[0].wr_all, 0xffffu);
	assert_int_equal(t.rows[0].wr_virt, 0xf000u);
	assert_int_equal(t.rows[0].wr_hw, 0x00f0u);
	assert_true(t.rows[0].wr_plain);
	assert_int_equal(t.rows[1].wr_shift, 8);
	assert_int_equal(t.rows[1].wr_all, 0xffu);
	assert_int_equal(t.rows[1].wr_virt, 0xfeu);
	assert_true(t.rows[1].wr_audit);
	assert_false(t.rows[1].wr_plain);
	assert_int_equal(t.rows[2].wr_shift, 0);
	assert_int_equal(t.rows[2].wr_hw, 0xf0000000u);
	assert_false(t.rows[2].wr_audit);
	assert_false(t.rows[2].wr_plain); /* a hook */
	assert_true(t.rows[3].wr_audit);  /* permissive-audit bits */
	assert_false(t.rows[3].wr_plain);
	pg_regtable_free(&t);
}

static void test_truncate_and_hide(void **state)
{
	struct pg_regtable t;
	struct pg_reg a = { R(0x40, 4), .ro = 0xffffffffu };
	struct pg_reg b = { R(0x44, 2), .ro = 0xffff };

	(void)state;
	pg_regtable_init(&t, 256);
	assert_int_equal(pg_regtable_add(&t, &a, NULL), 0);
	assert_int_equal(pg_regtable_add(&t, &b, NULL), 0);
	pg_regtable_truncate(&t, 1);
	assert_int_equal(t.nrows, 1);
	assert_null(pg_regtable_row_at(&t, 0x44));
	assert_non_null(pg_regtable_row_at(&t, 0x43));
	/* hiding marks only free bytes; a hidden byte may then be taken by a row */
	pg_regtable_hide(&t, 0x40, 0x10, 5);
	assert_int_equal(t.map[0x40], 1);
	assert_int_equal(t.map[0x44], PG_MAP_HIDDEN | 5);
	assert_int_equal(t.map[0x4f], PG_MAP_HIDDEN | 5);
	assert_int_equal(t.map[0x50], 0);
	assert_int_equal(pg_regtable_add(&t, &b, NULL), 0);
	assert_non_null(pg_regtable_row_at(&t, 0x45));
	/* hiding beyond the config length is clamped */
	pg_regtable_hide(&t, 0xf8, 0x20, 1);
	assert_int_equal(t.map[0xff], PG_MAP_HIDDEN | 1);
	assert_int_equal(t.map[0x100], 0);
	pg_regtable_free(&t);
}

/*
 * The dword read plan (struct pg_dw_plan) follows every change of the index: a dword
 * covered by one or two rows has one (hardware mask = the bits neither virtual, reserved
 * nor write-only, at their place), a gap, a hidden byte or a third row leaves it without,
 * truncation removes it, and re-adding restores it.
 */
static void test_dword_plan(void **state)
{
	struct pg_regtable t;
	struct pg_reg cmd = { R(0x04, 2), .pass = 0x0007, .virt = 0x07f8, .rsvdp = 0xf800 };
	struct pg_reg sts = { R(0x06, 2), .ro = 0xffff, .virt = 0x0010 };
	struct pg_reg bar = { R(0x10, 4), .virt = 0xffffffffu };
	struct pg_reg wo = { R(0x14, 4), .pass = 0xffffffffu, .wo = 0x0000ff00u };
	struct pg_reg b0 = { R(0x18, 1), .ro = 0xff }, b1 = { R(0x19, 1), .ro = 0xff };
	struct pg_reg w1 = { R(0x1a, 2), .ro = 0xffff };
	struct pg_reg half = { R(0x20, 2), .ro = 0xffff };

	(void)state;
	pg_regtable_init(&t, 256);
	assert_int_equal(t.dw[1].rows[0], 0);
	assert_int_equal(pg_regtable_add(&t, &cmd, NULL), 0);
	assert_int_equal(t.dw[1].rows[0], 0); /* 0x06-0x07 still a gap */
	assert_int_equal(pg_regtable_add(&t, &sts, NULL), 0);
	assert_int_equal(t.dw[1].rows[0], 1);
	assert_int_equal(t.dw[1].rows[1], 2);
	assert_int_equal(t.dw[1].hw, 0xffef0007u);
	assert_int_equal(pg_regtable_add(&t, &bar, NULL), 0);
	assert_int_equal(t.dw[4].rows[0], 3);
	assert_int_equal(t.dw[4].rows[1], 3); /* one row: repeated */
	assert_int_equal(t.dw[4].hw, 0);
	assert_int_equal(pg_regtable_add(&t, &wo, NULL), 0);
	assert_int_equal(t.dw[5].hw, 0xffff00ffu);
	assert_int_equal(pg_regtable_add(&t, &b0, NULL), 0);
	assert_int_equal(pg_regtable_add(&t, &b1, NULL), 0);
	assert_int_equal(pg_regtable_add(&t, &w1, NULL), 0);
	assert_int_equal(t.dw[6].rows[0], 0); /* three rows */
	assert_int_equal(pg_regtable_add(&t, &half, NULL), 0);
	pg_regtable_hide(&t, 0x20, 0x10, 3);
	assert_int_equal(t.dw[8].rows[0], 0); /* a hidden half */
	pg_regtable_truncate(&t, 1);          /* Status, BAR and the rest go */
	assert_int_equal(t.dw[1].rows[0], 0);
	assert_int_equal(t.dw[4].rows[0], 0);
	assert_int_equal(t.dw[5].rows[0], 0);
	assert_int_equal(pg_regtable_add(&t, &sts, NULL), 0);
	assert_int_equal(t.dw[1].rows[0], 1);
	assert_int_equal(t.dw[1].rows[1], 2);
	assert_int_equal(t.dw[1].hw, 0xffef0007u);
	pg_regtable_free(&t);
}

static void test_full_table(void **state)
{
	struct pg_regtable t;
	struct pg_reg r = { R(0, 1), .ro = 0xff };

	(void)state;
	pg_regtable_init(&t, 4096);
	for (unsigned i = 0; i < 4096; i++) {
		r.off = (uint16_t)i;
		assert_int_equal(pg_regtable_add(&t, &r, NULL), 0);
	}
	assert_int_equal(t.nrows, 4096);
	r.off = 0;
	assert_int_equal(pg_regtable_add(&t, &r, NULL), -EEXIST);
	assert_int_equal(pg_regtable_add(NULL, &r, NULL), -EINVAL);
	pg_regtable_free(&t);
	pg_regtable_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_registration),
		cmocka_unit_test(test_read_masks),
		cmocka_unit_test(test_write_masks),
		cmocka_unit_test(test_truncate_and_hide),
		cmocka_unit_test(test_dword_plan),
		cmocka_unit_test(test_full_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
