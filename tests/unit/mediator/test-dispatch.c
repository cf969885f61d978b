/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The dispatcher (src/lib/mediator/dispatch.c) with labelled rows: full, partial and
 * straddling reads and writes over every mask class, gaps between rows, invalid accesses.
 * Rows live at 0x40-0x53 of a device without capabilities (so that area is otherwise gap).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

#include <cmocka.h>

#include "medtest.h"
#include "mediator/mediator-private.h"

#define BASE 0x40u
#define NB 20u
#define INIT 0x5au

/*
 * 0x40/4 t.pass   all pass
 * 0x44/2 t.rw1c   pass 0x0f0f, rw1c 0xf0f0 (hardware honours RW1C on those bits)
 * 0x46/2 t.rsvd   pass 0xf00f, rsvdp 0x00f0, rsvdz 0x0f00
 * 0x48/4 t.virt   ro 0x0000ffff (hardware), virt 0xffff0000 = 0xabcd
 * 0x4c/1 t.deny   virt 0xff = 0x05, deny 0x0f
 * 0x4d   gap
 * 0x4e/2 t.wo     pass 0xffff, wo 0x00ff
 * 0x50/4 t.hwdeny deny 0xff (read from hardware), pass 0xff00, rest unclassified
 */
static const struct pg_reg rows[] = {
	{ .off = 0x40, .size = 4, .pass = 0xffffffffu, .id = "t.pass" },
	{ .off = 0x44, .size = 2, .pass = 0x0f0f, .rw1c = 0xf0f0, .id = "t.rw1c" },
	{ .off = 0x46, .size = 2, .pass = 0xf00f, .rsvdp = 0x00f0, .rsvdz = 0x0f00, .id = "t.rsvd" },
	{ .off = 0x48, .size = 4, .ro = 0xffff, .virt = 0xffff0000u, .value = 0xabcd0000u,
	  .id = "t.virt" },
	{ .off = 0x4c, .size = 1, .virt = 0xff, .deny = 0x0f, .value = 0x05, .id = "t.deny" },
	{ .off = 0x4e, .size = 2, .pass = 0xffff, .wo = 0x00ff, .id = "t.wo" },
	{ .off = 0x50, .size = 4, .deny = 0xff, .pass = 0xff00, .id = "t.hwdeny" },
};

static struct mt *setup_dev(void)
{
	struct mt *t = calloc(1, sizeof(*t));
	struct pg_mediator_config cfg;
	struct cfgbuild c;

	assert_non_null(t);
	cb_header(&c, 0x1234, 0x5678, 0xff0000, 0, 0);
	memcpy(t->f.cfg, c.b, sizeof(t->f.cfg));
	memset(t->f.cfg + BASE, INIT, NB);
	t->f.cfg_len = 256;
	t->f.w1c[0x44] = 0xf0;
	t->f.w1c[0x45] = 0xf0;
	mt_config(t, &cfg, PG_PROFILE_GUEST);
	assert_int_equal(mt_open_cfg(t, &cfg), 0);
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		assert_int_equal(pg_med_add(t->m, &rows[i], NULL), 0);
	return t;
}

struct rd_case {
	uint16_t off;
	uint8_t size;
	uint32_t expect;
};

static const struct rd_case reads[] = {
	{ 0x40, 4, 0x5a5a5a5a }, { 0x41, 1, 0x5a }, { 0x42, 2, 0x5a5a },
	{ 0x44, 2, 0x5a5a },
	{ 0x46, 2, 0x500a },             /* RsvdP and RsvdZ bits read 0 */
	{ 0x48, 4, 0xabcd5a5a },         /* hardware low half, virtual high half */
	{ 0x4a, 2, 0xabcd }, { 0x49, 1, 0x5a }, { 0x49, 2, 0xcd5a }, { 0x4b, 1, 0xab },
	{ 0x4c, 1, 0x05 }, { 0x4d, 1, 0x00 }, { 0x4c, 2, 0x0005 },
	{ 0x4e, 2, 0x5a00 },             /* write-only byte reads 0 */
	{ 0x4c, 4, 0x5a000005 },         /* row, gap, wo, pass in one dword */
	{ 0x50, 4, 0x5a5a5a5a },
	{ 0x51, 2, 0x5a5a }, { 0x53, 1, 0x5a },
};

static void test_reads(void **state)
{
	struct mt *t = setup_dev();

	(void)state;
	for (size_t i = 0; i < sizeof(reads) / sizeof(reads[0]); i++) {
		uint32_t v = mt_rd(t, reads[i].off, reads[i].size);

		if (v != reads[i].expect)
			fail_msg("read 0x%x/%u = 0x%x, expected 0x%x", reads[i].off, reads[i].size, v,
				 reads[i].expect);
	}
	assert_int_equal(t->rec.naudits, 0); /* reads are never audited */
	mt_free(t);
}

struct wr_case {
	const char *name;
	uint16_t off;
	uint8_t size;
	uint32_t val;
	uint8_t hw[NB];          /* expected hardware bytes 0x40..0x53 afterwards */
	uint16_t roff;           /* read back */
	uint8_t rsize;
	uint32_t rexpect;
	unsigned audits;
	const char *rule;        /* rule of the first audit record */
};

#define HW(...) { __VA_ARGS__ }
#define I INIT

static const struct wr_case writes[] = {
	{ "pass-full", 0x40, 4, 0x12345678,
	  HW(0x78, 0x56, 0x34, 0x12, I, I, I, I, I, I, I, I, I, I, I, I, I, I, I, I),
	  0x40, 4, 0x12345678, 0, NULL },
	{ "pass-byte", 0x41, 1, 0xee,
	  HW(I, 0xee, I, I, I, I, I, I, I, I, I, I, I, I, I, I, I, I, I, I),
	  0x40, 4, 0x5a5aee5a, 0, NULL },
	{ "rw1c-full", 0x44, 2, 0x1030,
	  HW(I, I, I, I, 0x40, 0x40, I, I, I, I, I, I, I, I, I, I, I, I, I, I),
	  0x44, 2, 0x4040, 0, NULL },
	{ "rw1c-partial-keeps-other-byte", 0x44, 1, 0x03,
	  HW(I, I, I, I, 0x53, I, I, I, I, I, I, I, I, I, I, I, I, I, I, I),
	  0x44, 2, 0x5a53, 0, NULL },
	{ "rw1c-high-byte", 0x45, 1, 0xf7,
	  HW(I, I, I, I, I, 0x07, I, I, I, I, I, I, I, I, I, I, I, I, I, I),
	  0x44, 2, 0x075a, 0, NULL },
	{ "rsvdp-preserved-rsvdz-zeroed", 0x46, 2, 0xffff,
	  HW(I, I, I, I, I, I, 0x5f, 0xf0, I, I, I, I, I, I, I, I, I, I, I, I),
	  0x46, 2, 0xf00f, 0, NULL },
	{ "ro-and-virt", 0x48, 4, 0x11112222,
	  HW(I, I, I, I, I, I, I, I, I, I, I, I, I, I, I, I, I, I, I, I),
	  0x48, 4, 0x11115a5a, 0, NULL },
	{ "ro-virt-straddle-bytes", 0x49, 2, 0x7788,
	  HW(I, I, I, I, I, I, I, I, I, I, I, I, I, I, I, I, I, I, I, I),
	  0x48, 4, 0xab775a5a, 0, NULL },
	{ "virt-writable-no-audit", 0x4c, 1, 0xf5,
	  HW(I, I, I, I, I, I, I, I, I, I, I, I, I, I, I, I, I, I, I, I),
	  0x4c, 1, 0xf5, 0, NULL },
	{ "deny-change-audited", 0x4c, 1, 0x0a,
	  HW(I, I, I, I, I, I, I, I, I, I, I, I, I, I, I, I, I, I, I, I),
	  0x4c, 1, 0x05, 1, "t.deny" },
	{ "gap-denied", 0x4d, 1, 0x77,
	  HW(I, I, I, I, I, I, I, I, I, I, I, I, I, I, I, I, I, I, I, I),
	  0x4d, 1, 0x00, 1, "default-deny" },
	{ "straddle-row-gap-row", 0x4c, 4, 0x11223344,
	  HW(I, I, I, I, I, I, I, I, I, I, I, I, I, I, 0x22, 0x11, I, I, I, I),
	  0x4c, 4, 0x11000045, 2, "t.deny" },
	{ "wo-pass", 0x4e, 2, 0xbeef,
	  HW(I, I, I, I, I, I, I, I, I, I, I, I, I, I, 0xef, 0xbe, I, I, I, I),
	  0x4e, 2, 0xbe00, 0, NULL },
	{ "hwdeny-zero-ok", 0x50, 2, 0x0100,
	  HW(I, I, I, I, I, I, I, I, I, I, I, I, I, I, I, I, I, 0x01, I, I),
	  0x50, 4, 0x5a5a015a, 0, NULL },
	{ "hwdeny-one-audited", 0x50, 1, 0x01,
	  HW(I, I, I, I, I, I, I, I, I, I, I, I, I, I, I, I, I, I, I, I),
	  0x50, 1, 0x5a, 1, "t.hwdeny" },
	{ "unclassified-is-ro", 0x52, 2, 0x0000,
	  HW(I, I, I, I, I, I, I, I, I, I, I, I, I, I, I, I, I, I, I, I),
	  0x50, 4, 0x5a5a5a5a, 0, NULL },
};

static void test_writes(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(writes) / sizeof(writes[0]); i++) {
		const struct wr_case *w = &writes[i];
		struct mt *t = setup_dev();
		uint32_t v;

		if (mt_wr(t, w->off, w->size, w->val) != 0)
			fail_msg("%s: write failed", w->name);
		for (unsigned b = 0; b < NB; b++)
			if (t->f.cfg[BASE + b] != w->hw[b])
				fail_msg("%s: hw byte 0x%x = 0x%02x, expected 0x%02x", w->name, BASE + b,
					 t->f.cfg[BASE + b], w->hw[b]);
		v = mt_rd(t, w->roff, w->rsize);
		if (v != w->rexpect)
			fail_msg("%s: read 0x%x = 0x%x, expected 0x%x", w->name, w->roff, v,
				 w->rexpect);
		if (t->rec.naudits != w->audits)
			fail_msg("%s: %u audits, expected %u", w->name, t->rec.naudits, w->audits);
		if (w->rule && strcmp(t->rec.audits[0].rule, w->rule) != 0)
			fail_msg("%s: rule %s, expected %s", w->name, t->rec.audits[0].rule, w->rule);
		for (unsigned a = 0; a < t->rec.naudits; a++)
			assert_int_equal(t->rec.audits[a].verdict, PG_AUDIT_DENIED);
		mt_free(t);
	}
}

/* A write is narrowed to the bytes it touches: a byte write of a pass row is one 1-byte
 * backend write, and a virtual-only write never reaches the backend. */
static void test_write_shapes(void **state)
{
	struct mt *t = setup_dev();
	struct pg_write_decision d;

	(void)state;
	assert_int_equal(pg_mediator_decide_write(t->m, 0x42, 1, 0x99, &d), 0);
	assert_int_equal(d.neffects, 1);
	assert_int_equal(d.effects[0].kind, PG_EFFECT_CFG_WRITE);
	assert_int_equal(d.effects[0].u.cfg.off, 0x42);
	assert_int_equal(d.effects[0].u.cfg.size, 1);
	assert_int_equal(d.effects[0].u.cfg.write_mask, 0xff);
	assert_int_equal(t->f.nwrites, 0); /* deciding does no I/O */
	assert_int_equal(pg_mediator_apply(t->m, &d), 0);
	assert_int_equal(t->f.nwrites, 1);
	assert_int_equal(t->f.nreads, 0); /* a full-mask write needs no read */
	assert_int_equal(pg_mediator_decide_write(t->m, 0x48, 4, 0xffffffff, &d), 0);
	assert_int_equal(d.neffects, 0);
	/* a partially masked register is read-modify-written */
	assert_int_equal(pg_mediator_decide_write(t->m, 0x46, 2, 0xffff, &d), 0);
	assert_int_equal(d.neffects, 1);
	assert_int_equal(d.effects[0].u.cfg.write_mask, 0xff0f);
	t->f.nreads = 0;
	assert_int_equal(pg_mediator_apply(t->m, &d), 0);
	assert_int_equal(t->f.nreads, 1);
	mt_free(t);
}

static void test_invalid_access(void **state)
{
	struct mt *t = setup_dev();
	struct pg_read_decision r;
	struct pg_write_decision d;
	uint32_t v = 0x1234;

	(void)state;
	const struct { uint16_t off; uint8_t size; } bad[] = {
		{ 0x4b, 2 }, { 0x4a, 4 }, { 0x41, 4 }, { 0x40, 3 }, { 0x40, 0 }, { 0x40, 8 },
		{ 0xff, 2 }, { 0x100, 1 }, { 0xfffe, 2 },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(pg_mediator_decide_read(t->m, bad[i].off, bad[i].size, &r), -EINVAL);
		assert_int_equal(pg_mediator_decide_write(t->m, bad[i].off, bad[i].size, 0, &d),
				 -EINVAL);
		assert_int_equal(pg_mediator_cfg_read(t->m, bad[i].off, bad[i].size, &v), -EINVAL);
		assert_int_equal(v, 0x1234);
	}
	assert_int_equal(pg_mediator_decide_read(NULL, 0, 4, &r), -EINVAL);
	assert_int_equal(pg_mediator_decide_read(t->m, 0, 4, NULL), -EINVAL);
	assert_int_equal(pg_mediator_cfg_read(t->m, 0, 4, NULL), -EINVAL);
	assert_int_equal(t->f.nwrites, 0);
	mt_free(t);
}

/* Decisions are pure: a read decision names hardware bits and never reads. */
static void test_read_decision(void **state)
{
	struct mt *t = setup_dev();
	struct pg_read_decision r;

	(void)state;
	assert_int_equal(pg_mediator_decide_read(t->m, 0x48, 4, &r), 0);
	assert_int_equal(r.hw_mask, 0x0000ffff);
	assert_int_equal(r.value, 0xabcd0000u);
	assert_int_equal(pg_mediator_decide_read(t->m, 0x4c, 4, &r), 0);
	assert_int_equal(r.hw_mask, 0xff000000u);
	assert_int_equal(r.value, 0x05);
	assert_int_equal(pg_mediator_decide_read(t->m, 0xf0, 4, &r), 0); /* gap */
	assert_int_equal(r.hw_mask, 0);
	assert_int_equal(r.value, 0);
	assert_int_equal(t->f.nreads, 0);
	mt_free(t);
}

/* Every row of a real compiled table, every profile: a dword write has the same outcome
 * (guest view and hardware) as the same bytes written as two words or four bytes, and a
 * dword read equals its bytes and words read separately. This exercises partial access to
 * every register the mediator defines, with its hooks. */
static void view(struct mt *t, uint32_t *out)
{
	for (uint16_t off = 0; off < PG_CFG_EXT_LEN; off = (uint16_t)(off + 4))
		out[off / 4] = mt_rd(t, off, 4);
}

static void split_write(struct mt *t, uint16_t off, uint32_t v, uint8_t piece)
{
	for (unsigned i = 0; i < 4; i += piece)
		assert_int_equal(mt_wr(t, (uint16_t)(off + i), piece,
				       (v >> (8 * i)) & pg_size_mask(piece)), 0);
}

static void test_partial_equals_full(void **state)
{
	static uint32_t va[1024], vb[1024];
	static const uint32_t values[] = { 0xffffffffu, 0x00000000u, 0xa5c3e10fu };

	(void)state;
	for (int p = 0; p < PG_PROFILE__COUNT; p++) {
		for (uint16_t off = 0; off < 0x200; off = (uint16_t)(off + 4)) {
			for (size_t k = 0; k < sizeof(values) / sizeof(values[0]); k++) {
				for (uint8_t piece = 1; piece <= 2; piece++) {
					struct mt *a = mt_new((enum pg_profile)p, NULL);
					struct mt *b = mt_new((enum pg_profile)p, NULL);

					assert_int_equal(mt_wr(a, off, 4, values[k]), 0);
					split_write(b, off, values[k], piece);
					view(a, va);
					view(b, vb);
					if (memcmp(va, vb, sizeof(va)) || memcmp(a->f.cfg, b->f.cfg, 4096) ||
					    a->f.resets != b->f.resets)
						fail_msg("profile %d, 0x%03x = 0x%08x: %u-byte writes differ",
							 p, off, values[k], piece);
					mt_free(a);
					mt_free(b);
				}
			}
		}
	}
}

static void test_partial_reads(void **state)
{
	(void)state;
	for (int p = 0; p < PG_PROFILE__COUNT; p++) {
		struct mt *t = mt_new((enum pg_profile)p, NULL);

		for (uint16_t off = 0; off < PG_CFG_EXT_LEN; off = (uint16_t)(off + 4)) {
			uint32_t d = mt_rd(t, off, 4);
			uint32_t w = mt_rd(t, off, 2) | mt_rd(t, (uint16_t)(off + 2), 2) << 16;
			uint32_t b = 0, mid = mt_rd(t, (uint16_t)(off + 1), 2);

			for (unsigned i = 0; i < 4; i++)
				b |= mt_rd(t, (uint16_t)(off + i), 1) << (8 * i);
			if (d != w || d != b || mid != ((d >> 8) & 0xffff))
				fail_msg("profile %d, 0x%03x: dword 0x%08x, words 0x%08x, bytes 0x%08x",
					 p, off, d, w, b);
		}
		mt_free(t);
	}
}

/*
 * The whole-dword read's plan (struct pg_dw_plan) never goes stale: after every step of a
 * script of state changes made by hooks (Command decode, BAR sizing, MSI and MSI-X enable,
 * a PM state change, a reset) and of a random write storm, every dword read through
 * pg_mediator_cfg_read() equals its decision (pg_mediator_decide_read(), which steps
 * through the map) merged with the device's dword. The Command dword must have a plan, so
 * the fast read is what is checked.
 */
static uint32_t next_rand(uint32_t *s)
{
	*s = *s * 1664525u + 1013904223u;
	return *s >> 8;
}

static void dwords_match(struct mt *t, const char *step)
{
	for (uint16_t off = 0; off < PG_CFG_EXT_LEN; off = (uint16_t)(off + 4)) {
		struct pg_read_decision d;
		uint32_t v = 0, want;

		assert_int_equal(pg_mediator_decide_read(t->m, off, 4, &d), 0);
		assert_int_equal(pg_mediator_cfg_read(t->m, off, 4, &v), 0);
		want = (uint32_t)((mt_hw(t, off, 4) & d.hw_mask) | d.value);
		if (v != want)
			fail_msg("%s: dword 0x%03x reads 0x%08x, its decision 0x%08x", step, off,
				 v, want);
	}
}

static void test_dword_plan_fresh(void **state)
{
	static const struct { uint16_t off; uint8_t size; uint32_t val; const char *step; } s[] = {
		{ 0x04, 2, 0x0007, "command decode on" },
		{ 0x10, 4, 0xffffffffu, "BAR0 sizing" },
		{ 0x14, 4, 0xffffffffu, "BAR1 sizing" },
		{ 0x10, 4, 0xfebf0000u, "BAR0 placed" },
		{ MT_MSI + 4, 4, 0xfee00000u, "MSI address" },
		{ MT_MSI + 2, 2, 0x0001, "MSI enable" },
		{ MT_MSIX + 2, 2, 0x8000, "MSI-X enable" },
		{ MT_MSIX + 2, 2, 0xc000, "MSI-X function mask" },
		{ MT_PM + 4, 2, 0x0003, "PM D3hot" },
		{ MT_PM + 4, 2, 0x0000, "PM D0" },
		{ 0x3c, 1, 0x0b, "interrupt line" },
		{ 0x04, 2, 0x0000, "command decode off" },
	};

	(void)state;
	for (int p = 0; p < PG_PROFILE__COUNT; p++) {
		struct mt *t = mt_new((enum pg_profile)p, NULL);
		uint32_t seed = 0x9e3779b9u + (uint32_t)p;
		int rc;

		assert_non_null(t);
		assert_int_not_equal(t->m->rt.dw[0x04 / 4u].rows[0], 0);
		dwords_match(t, "fresh");
		for (size_t i = 0; i < sizeof(s) / sizeof(s[0]); i++) {
			(void)mt_wr(t, s[i].off, s[i].size, s[i].val);
			dwords_match(t, s[i].step);
		}
		t->f.reset_ok = 0xff;
		rc = pg_mediator_reset(t->m);
		(void)rc; /* the reset's own tests check its result; here only the reads */
		dwords_match(t, "reset");
		for (unsigned i = 0; i < 400; i++) {
			uint8_t size = (uint8_t)(1u << (next_rand(&seed) % 3u));
			uint16_t off = (uint16_t)((next_rand(&seed) % 0x100u) & ~(size - 1u));

			(void)mt_wr(t, off, size, next_rand(&seed) | next_rand(&seed) << 24);
			if (i % 20u == 19u)
				dwords_match(t, "storm");
		}
		mt_free(t);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reads),
		cmocka_unit_test(test_writes),
		cmocka_unit_test(test_write_shapes),
		cmocka_unit_test(test_invalid_access),
		cmocka_unit_test(test_read_decision),
		cmocka_unit_test(test_partial_equals_full),
		cmocka_unit_test(test_partial_reads),
		cmocka_unit_test(test_dword_plan_fresh),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
