/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The executor (src/lib/mediator/effects.c): read-modify-write rules, error propagation,
 * resets and restores. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

#include <cmocka.h>

#include "medtest.h"
#include "mediator/mediator-private.h"

static struct pg_write_decision one(struct pg_effect e)
{
	struct pg_write_decision d;

	memset(&d, 0, sizeof(d));
	d.neffects = 1;
	d.effects[0] = e;
	return d;
}

static struct pg_effect cfgw(uint16_t off, uint8_t size, uint32_t v, uint32_t wm, uint32_t rw1c)
{
	struct pg_effect e;

	memset(&e, 0, sizeof(e));
	e.kind = PG_EFFECT_CFG_WRITE;
	e.u.cfg.off = off;
	e.u.cfg.size = size;
	e.u.cfg.value = v;
	e.u.cfg.write_mask = wm;
	e.u.cfg.rw1c_mask = rw1c;
	return e;
}

struct rmw_case {
	const char *name;
	uint16_t off;
	uint8_t size;
	uint32_t value, wm, rw1c;
	uint32_t hw_after;     /* Status (0x06) on the fake afterwards, initially 0x4210 */
	unsigned reads;
};

static const struct rmw_case rmw[] = {
	/* RW1C bits outside the write mask are written as 0: nothing cleared by accident */
	{ "rw1c-protected", 0x06, 2, 0x0000, 0x00ff, 0xf900, 0x4210, 1 },
	/* the guest's 1 in an RW1C bit clears it */
	{ "rw1c-cleared", 0x06, 2, 0x4000, 0xf900, 0xf900, 0x0210, 1 },
	/* a full mask needs no read */
	{ "full-mask", 0x06, 2, 0x0000, 0xffff, 0, 0x4210, 0 },
	{ "mask-plus-rw1c-covers", 0x06, 2, 0x0000, 0x06ff, 0xf900, 0x4210, 0 },
	{ "empty-mask-no-io", 0x06, 2, 0xffff, 0, 0xf900, 0x4210, 0 },
};

static void test_rmw(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(rmw) / sizeof(rmw[0]); i++) {
		const struct rmw_case *c = &rmw[i];
		struct mt *t = mt_new(PG_PROFILE_GUEST, NULL);
		struct pg_write_decision d = one(cfgw(c->off, c->size, c->value, c->wm, c->rw1c));

		assert_int_equal(pg_mediator_apply(t->m, &d), 0);
		if (mt_hw(t, 0x06, 2) != c->hw_after)
			fail_msg("%s: Status 0x%04x, expected 0x%04x", c->name, mt_hw(t, 0x06, 2),
				 c->hw_after);
		if (t->f.nreads != c->reads)
			fail_msg("%s: %u reads", c->name, t->f.nreads);
		mt_free(t);
	}
}

static void test_errors_propagate(void **state)
{
	struct mt *t = mt_new(PG_PROFILE_GUEST, NULL);
	struct pg_write_decision d;

	(void)state;
	t->f.fail_write = -EIO;
	assert_int_equal(mt_wr(t, 0x04, 2, 0x0007), -EIO);
	t->f.fail_write = 0;
	/* a failing effect callback stops the executor */
	t->rec.effect_rc = -EPERM;
	assert_int_equal(pg_mediator_decide_write(t->m, MT_MSIX + 2, 2, 0x8000, &d), 0);
	assert_int_equal(pg_mediator_apply(t->m, &d), -EPERM);
	t->rec.effect_rc = 0;
	/* malformed decisions */
	d.neffects = PG_MEDIATOR_MAX_EFFECTS + 1;
	assert_int_equal(pg_mediator_apply(t->m, &d), -EINVAL);
	d = one(cfgw(0x04, 2, 0, 0xffff, 0));
	d.effects[0].kind = (enum pg_effect_kind)99;
	assert_int_equal(pg_mediator_apply(t->m, &d), -EINVAL);
	assert_int_equal(pg_mediator_apply(NULL, &d), -EINVAL);
	assert_int_equal(pg_mediator_apply(t->m, NULL), -EINVAL);
	/* an effect the backend rejects (misaligned) is an error, not a silent drop */
	d = one(cfgw(0x05, 2, 0, 0xffff, 0));
	assert_int_equal(pg_mediator_apply(t->m, &d), -EINVAL);
	mt_free(t);
}

/* The mediator's own config effects reach the backend without its geometry check
 * (pg_backend_cfg_update_trusted(): they come from rows checked at compile time); a
 * decision handed to pg_mediator_apply() is someone else's and keeps the check: a write
 * past the config, a size 3 or a misaligned one is -EINVAL and nothing reaches the device.
 * A backend without cfg_write refuses the mediator's own writes with -EROFS, as the checked
 * call does. */
static void test_foreign_geometry(void **state)
{
	static const struct pg_backend_ops ro_ops = {
		.cfg_read = fake_cfg_read, .bar_info = fake_bar_info,
	};
	struct mt *t = mt_new(PG_PROFILE_GUEST, NULL);
	uint16_t len = pg_backend_cfg_len(t->be);
	const struct { uint16_t off; uint8_t size; } bad[] = {
		{ (uint16_t)(len - 2u), 4 }, { len, 1 }, { (uint16_t)(len - 4u), 8 },
		{ 0x04, 3 }, { 0x06, 4 }, { 0x05, 2 }, { 0x04, 0 },
	};
	struct pg_write_decision d;
	struct pg_backend *ro;
	struct pg_mediator *m;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		d = one(cfgw(bad[i].off, bad[i].size, 0, 0xff, 0));
		if (pg_mediator_apply(t->m, &d) != -EINVAL)
			fail_msg("effect 0x%x/%u was not refused", bad[i].off, bad[i].size);
	}
	assert_int_equal(t->f.nwrites, 0);
	assert_int_equal(t->f.nreads, 0);
	/* the same backend behind a read-only ops table */
	assert_int_equal(pg_backend_new(&ro_ops, &t->f, len, "ro", &ro), 0);
	assert_int_equal(pg_mediator_new(ro, NULL, &m), 0);
	assert_int_equal(pg_mediator_cfg_write(m, 0x04, 2, 0x0006), -EROFS);
	d = one(cfgw(0x04, 2, 0x0006, 0x0006, 0));
	assert_int_equal(pg_mediator_apply(m, &d), -EROFS);
	pg_mediator_free(m);
	pg_backend_close(ro); /* no destroy op: t->f stays with t */
	mt_free(t);
}

static void test_bar_write_effect(void **state)
{
	struct mt *t = mt_new(PG_PROFILE_GUEST, NULL);
	struct pg_write_decision d;

	(void)state;
	memset(&d, 0, sizeof(d));
	d.neffects = 1;
	d.effects[0].kind = PG_EFFECT_BAR_WRITE;
	d.effects[0].u.bar.bar = 2;
	d.effects[0].u.bar.off = 0x10;
	d.effects[0].u.bar.size = 8;
	d.effects[0].u.bar.value = 0x1122334455667788ull;
	assert_int_equal(pg_mediator_apply(t->m, &d), 0);
	assert_int_equal(t->f.nbar_writes, 1);
	assert_int_equal(t->f.bar_writes[0].bar, 2);
	assert_int_equal(t->f.bar_writes[0].val, 0x1122334455667788ull);
	mt_free(t);
}

static void test_reset(void **state)
{
	struct mt *t = mt_new(PG_PROFILE_GUEST, NULL);

	(void)state;
	assert_int_equal(mt_wr(t, 0x3c, 1, 0x0a), 0);
	assert_int_equal(mt_wr(t, MT_MSI + 4, 4, 0xfee00000), 0);
	memset(t->f.cfg + 0x10, 0, 8);
	assert_int_equal(pg_mediator_reset(t->m), 0);
	assert_int_equal(t->f.resets, 1);
	assert_int_equal(mt_rd(t, 0x3c, 1), 0);
	assert_int_equal(mt_rd(t, MT_MSI + 4, 4), 0);
	assert_int_equal(mt_hw(t, 0x10, 4), 0xfe000004); /* host BAR restored */
	assert_int_equal(mt_hw(t, 0x14, 4), 0x00000001);
	assert_int_equal(mt_count(t, PG_EFFECT_RESET), 1);
	assert_string_equal(t->rec.effects[t->rec.neffects - 1].u.reset.why, "vmm");
	assert_int_equal(pg_mediator_reset(NULL), -EINVAL);
	mt_free(t);
}

static const struct pg_backend_ops noreset_ops = {
	.kind = "noreset",
	.cfg_read = fake_cfg_read,
	.cfg_write = fake_cfg_write,
	.bar_info = fake_bar_info,
};

static void test_reset_unsupported(void **state)
{
	struct mt t0, *t = &t0;
	struct pg_mediator_config cfg;

	(void)state;
	memset(t, 0, sizeof(*t));
	mt_device(&t->f);
	assert_int_equal(pg_backend_new(&noreset_ops, &t->f, 4096, "noreset", &t->be), 0);
	mt_config(t, &cfg, PG_PROFILE_GUEST);
	assert_int_equal(pg_mediator_new(t->be, &cfg, &t->m), 0);
	assert_int_equal(mt_wr(t, 0x3c, 1, 0x0a), 0);
	assert_int_equal(pg_mediator_reset(t->m), -EOPNOTSUPP);
	assert_int_equal(mt_rd(t, 0x3c, 1), 0); /* virtual state reinitialised regardless */
	assert_true(t->rec.nlogs >= 1);
	assert_int_equal(mt_count(t, PG_EFFECT_RESET), 0);
	/* the BAR path on a backend without BAR access fails cleanly */
	assert_int_equal(pg_mediator_bar_write(t->m, 0, 0x1000, 4, 1), -EPERM);
	pg_mediator_free(t->m);
	pg_backend_close(t->be);
}

static void test_restore_effect(void **state)
{
	struct mt *t = mt_new(PG_PROFILE_DEVICE_MODEL, NULL);
	struct pg_write_decision d;

	(void)state;
	memset(&d, 0, sizeof(d));
	d.neffects = 1;
	d.effects[0].kind = PG_EFFECT_RESTORE;
	memset(t->f.cfg + 0x04, 0, 2);
	memset(t->f.cfg + 0x18, 0, 4);
	assert_int_equal(pg_mediator_apply(t->m, &d), 0);
	assert_int_equal(mt_hw(t, 0x18, 4), 0xfd000000);
	/* device-model: only INTx Disable is restored; the decode bits are the host's */
	assert_int_equal(mt_hw(t, 0x04, 2), 0x0400);
	assert_int_equal(mt_count(t, PG_EFFECT_RESTORE), 1);
	mt_free(t);
}

/* The chunk a config write effect covers: the smallest naturally aligned 1-, 2- or 4-byte
 * piece of the register holding every byte the mask touches (a config transaction is one
 * dword with byte enables; PCI 3.0 §3.2.2.3.4). Reference by search over the candidates,
 * smallest first, for every byte pattern of every register size, with the mask's bits at
 * either end of each byte, RW1C bits and a value with bits outside the mask. */
static void test_cfg_effect_chunk(void **state)
{
	static const uint8_t sizes[] = { 1, 2, 4 };

	(void)state;
	for (size_t si = 0; si < sizeof(sizes); si++) {
		uint8_t size = sizes[si];

		for (unsigned pat = 1; pat < (1u << size); pat++) {
			for (unsigned form = 0; form < 2; form++) {
				uint32_t mask = 0, rw1c = 0, value = 0xa5c3e187u;
				unsigned want_first = 0, want_n = 0;
				struct pg_effect e;

				for (unsigned b = 0; b < size; b++)
					if (pat & (1u << b))
						mask |= (form ? 0x80u : 0x01u) << (8 * b);
				rw1c = mask & 0x80808080u;
				for (unsigned n = 1; n <= size && !want_n; n *= 2)
					for (unsigned first = 0; first + n <= size; first += n)
						if (!want_n && (pat & ~(((1u << n) - 1) << first)) == 0) {
							want_first = first;
							want_n = n;
						}
				memset(&e, 0xee, sizeof(e));
				pg_med_cfg_effect(&e, 0x40, size, value, mask, rw1c);
				if (e.kind != PG_EFFECT_CFG_WRITE || e.u.cfg.off != 0x40 + want_first ||
				    e.u.cfg.size != want_n)
					fail_msg("size %u bytes 0x%x form %u: chunk 0x%x/%u, expected "
						 "0x%x/%u", size, pat, form, e.u.cfg.off, e.u.cfg.size,
						 0x40 + want_first, want_n);
				{
					uint32_t all = want_n == 4 ? 0xffffffffu : (1u << (8 * want_n)) - 1;
					unsigned sh = 8 * want_first;

					assert_int_equal(e.u.cfg.write_mask, (mask >> sh) & all);
					assert_int_equal(e.u.cfg.rw1c_mask, (rw1c >> sh) & all);
					assert_int_equal(e.u.cfg.value, (value >> sh) & all);
				}
			}
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rmw),
		cmocka_unit_test(test_errors_propagate),
		cmocka_unit_test(test_foreign_geometry),
		cmocka_unit_test(test_bar_write_effect),
		cmocka_unit_test(test_reset),
		cmocka_unit_test(test_reset_unsupported),
		cmocka_unit_test(test_restore_effect),
		cmocka_unit_test(test_cfg_effect_chunk),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
