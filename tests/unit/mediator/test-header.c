/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The type 0 header (src/lib/mediator/header.c): identity, Command, Status, BARs, ROM. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

#include <cmocka.h>

#include "medtest.h"

static bool any_hw_write_in(const struct mt *t, uint16_t lo, uint16_t hi)
{
	for (unsigned i = 0; i < t->f.nwrites; i++)
		if (t->f.writes[i].off < hi && t->f.writes[i].off + t->f.writes[i].size > lo)
			return true;
	return false;
}

static void test_identity(void **state)
{
	struct mt *t = mt_new(PG_PROFILE_GUEST, NULL);

	(void)state;
	assert_non_null(t);
	assert_int_equal(mt_rd(t, 0x00, 4), 0x10d38086);
	assert_int_equal(mt_rd(t, 0x08, 4), 0x02000003);
	assert_int_equal(mt_rd(t, 0x0e, 1), 0x00); /* multifunction bit cleared */
	assert_int_equal(mt_rd(t, 0x2c, 4), 0xa01f8086);
	assert_int_equal(mt_rd(t, 0x3d, 1), 0x01);
	assert_int_equal(mt_wr(t, 0x00, 4, 0xffffffff), 0);
	assert_int_equal(mt_wr(t, 0x08, 4, 0), 0);
	assert_int_equal(mt_wr(t, 0x2c, 4, 0), 0);
	assert_int_equal(mt_rd(t, 0x00, 4), 0x10d38086);
	assert_int_equal(mt_rd(t, 0x08, 4), 0x02000003);
	assert_int_equal(mt_rd(t, 0x2c, 4), 0xa01f8086);
	assert_int_equal(t->f.nwrites, 0);
	assert_int_equal(t->rec.naudits, 0); /* architecturally read-only: not a denial */
	assert_int_equal(t->f.nreads, 0);    /* identity never reads the device */
	mt_free(t);
}

static void test_identity_override(void **state)
{
	struct mt t0 = { 0 }, *t = &t0;
	struct pg_mediator_config cfg;
	struct pg_mediator_ids ids = { .has_vendor = true, .vendor = 0x1af4, .has_subsys = true,
				       .subvendor = 0x1111, .subdevice = 0x2222,
				       .has_class = true, .class_code = 0x010802,
				       .has_revision = true, .revision = 0x42 };

	(void)state;
	mt_device(&t->f);
	mt_config(t, &cfg, PG_PROFILE_GUEST);
	cfg.ids = &ids;
	assert_int_equal(mt_open_cfg(t, &cfg), 0);
	assert_int_equal(mt_rd(t, 0x00, 2), 0x1af4);
	assert_int_equal(mt_rd(t, 0x02, 2), 0x10d3);
	assert_int_equal(mt_rd(t, 0x08, 4), 0x01080242);
	assert_int_equal(mt_rd(t, 0x2c, 4), 0x22221111);
	pg_mediator_free(t->m);
	pg_backend_close(t->be);
}

struct cmd_case {
	const char *name;
	enum pg_profile profile;
	uint16_t off;
	uint8_t size;
	uint32_t val;
	uint16_t hw;      /* Command on hardware afterwards */
	uint16_t guest;   /* Command the guest reads */
};

static const struct cmd_case cmd_cases[] = {
	{ "initial", PG_PROFILE_GUEST, 0, 0, 0, 0x0406, 0x0406 },
	{ "decode-and-master-pass", PG_PROFILE_GUEST, 0x04, 2, 0x0007, 0x0007, 0x0007 },
	{ "other-bits-virtual", PG_PROFILE_GUEST, 0x04, 2, 0x0546, 0x0406, 0x0546 },
	{ "reserved-rsvdp", PG_PROFILE_GUEST, 0x04, 2, 0xf806, 0x0006, 0x0006 },
	{ "intx-byte", PG_PROFILE_GUEST, 0x05, 1, 0x00, 0x0006, 0x0006 },
	{ "low-byte-keeps-intx", PG_PROFILE_GUEST, 0x04, 1, 0x01, 0x0401, 0x0401 },
	{ "dword-with-status", PG_PROFILE_GUEST, 0x04, 4, 0x00000002, 0x0002, 0x0002 },
	{ "dm-decode-virtual", PG_PROFILE_DEVICE_MODEL, 0x04, 2, 0x0001, 0x0006, 0x0001 },
	{ "dm-intx-passes", PG_PROFILE_DEVICE_MODEL, 0x04, 2, 0x0406, 0x0406, 0x0406 },
	{ "perm-all-but-intx-pass", PG_PROFILE_PERMISSIVE, 0x04, 2, 0x0146, 0x0146, 0x0146 },
};

static void test_command(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cmd_cases) / sizeof(cmd_cases[0]); i++) {
		const struct cmd_case *c = &cmd_cases[i];
		struct mt *t = mt_new(c->profile, NULL);

		assert_non_null(t);
		if (c->size)
			assert_int_equal(mt_wr(t, c->off, c->size, c->val), 0);
		if (mt_hw(t, 0x04, 2) != c->hw)
			fail_msg("%s: hw 0x%04x, expected 0x%04x", c->name, mt_hw(t, 0x04, 2), c->hw);
		if (mt_rd(t, 0x04, 2) != c->guest)
			fail_msg("%s: guest 0x%04x, expected 0x%04x", c->name, mt_rd(t, 0x04, 2),
				 c->guest);
		mt_free(t);
	}
}

static void test_status(void **state)
{
	struct mt *t = mt_new(PG_PROFILE_GUEST, NULL);

	(void)state;
	assert_int_equal(mt_rd(t, 0x06, 2), 0x4210);
	/* RsvdZ and RO bits ignored, only the guest's 1s clear error bits */
	assert_int_equal(mt_wr(t, 0x06, 2, 0x0046), 0);
	assert_int_equal(mt_rd(t, 0x06, 2), 0x4210);
	assert_int_equal(mt_wr(t, 0x06, 2, 0x4000), 0);
	assert_int_equal(mt_hw(t, 0x06, 2), 0x0210);
	assert_int_equal(mt_rd(t, 0x06, 2), 0x0210);
	/* a Command-only write must not clear Status bits */
	t->f.cfg[0x07] |= 0x80;
	assert_int_equal(mt_wr(t, 0x04, 2, 0x0006), 0);
	assert_int_equal(mt_hw(t, 0x06, 2), 0x8210);
	assert_int_equal(t->rec.naudits, 0);
	mt_free(t);

	/* device-model: the error bits are read-only and a clearing attempt is audited */
	t = mt_new(PG_PROFILE_DEVICE_MODEL, NULL);
	assert_int_equal(mt_wr(t, 0x06, 2, 0x4000), 0);
	assert_int_equal(mt_hw(t, 0x06, 2), 0x4210);
	assert_int_equal(t->rec.naudits, 1);
	assert_string_equal(t->rec.audits[0].rule, "hdr.status");
	mt_free(t);
}

struct bar_case {
	const char *name;
	uint16_t reg;
	uint32_t write;
	uint32_t read;
};

static const struct bar_case bar_cases[] = {
	{ "bar0-initial", 0x10, 0, 0x00000004 },
	{ "bar0-size", 0x10, 0xffffffff, 0xffffc004 },
	{ "bar0-addr", 0x10, 0xfebf1234, 0xfebf0004 },
	{ "bar1-hi-size", 0x14, 0xffffffff, 0xffffffff },
	{ "bar1-hi-addr", 0x14, 0x00000002, 0x00000002 },
	{ "bar2-size", 0x18, 0xffffffff, 0xfffff000 },
	{ "bar2-addr", 0x18, 0xfd100fff, 0xfd100000 },
	{ "bar3-none", 0x1c, 0xffffffff, 0 },
	{ "bar4-io-size", 0x20, 0xffffffff, 0xffffffe1 },
	{ "bar4-io-addr", 0x20, 0x0000c0ff, 0x0000c0e1 },
	{ "bar5-none", 0x24, 0xffffffff, 0 },
	{ "cis-zero", 0x28, 0xffffffff, 0 },
	{ "rom-size", 0x30, 0xfffff7fe, 0xffff0000 },
	{ "rom-size-enable", 0x30, 0xffffffff, 0xffff0001 },
	{ "rom-addr", 0x30, 0xfe0007ff, 0xfe000001 },
};

static void test_bar_sizing(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bar_cases) / sizeof(bar_cases[0]); i++) {
		const struct bar_case *c = &bar_cases[i];
		struct mt *t = mt_new(PG_PROFILE_GUEST, NULL);
		uint32_t hw = mt_hw(t, c->reg, 4);

		if (c->write)
			assert_int_equal(mt_wr(t, c->reg, 4, c->write), 0);
		if (mt_rd(t, c->reg, 4) != c->read)
			fail_msg("%s: read 0x%08x, expected 0x%08x", c->name, mt_rd(t, c->reg, 4),
				 c->read);
		/* byte-wise reads agree with the dword */
		for (unsigned b = 0; b < 4; b++)
			assert_int_equal(mt_rd(t, (uint16_t)(c->reg + b), 1), (c->read >> (8 * b)) & 0xff);
		assert_int_equal(mt_hw(t, c->reg, 4), hw);
		assert_false(any_hw_write_in(t, 0x10, 0x34));
		mt_free(t);
	}
}

/* Sizing byte by byte and 64-bit relocation stay virtual; the frontend learns mappings. */
static void test_bar_relocation(void **state)
{
	struct mt *t = mt_new(PG_PROFILE_GUEST, NULL);
	struct pg_mediator_bar g;
	const struct pg_effect *e;

	(void)state;
	/* sizing with decode on: the all-ones pattern is never a mapping */
	assert_int_equal(mt_wr(t, 0x18, 4, 0xffffffff), 0);
	assert_int_equal(mt_count(t, PG_EFFECT_BAR_MAP), 0);
	/* byte-wise sizing with decode off, as firmware does */
	assert_int_equal(mt_wr(t, 0x04, 2, 0x0404), 0);
	for (unsigned b = 0; b < 4; b++)
		assert_int_equal(mt_wr(t, (uint16_t)(0x18 + b), 1, 0xff), 0);
	assert_int_equal(mt_rd(t, 0x18, 4), 0xfffff000);
	assert_int_equal(mt_wr(t, 0x18, 4, 0xf0000000), 0);
	assert_int_equal(mt_count(t, PG_EFFECT_BAR_MAP), 0); /* not decoding */
	assert_int_equal(mt_wr(t, 0x04, 2, 0x0406), 0);
	assert_int_equal(mt_count(t, PG_EFFECT_BAR_MAP), 1);
	e = &t->rec.effects[t->rec.neffects - 1];
	assert_int_equal(e->u.map.bar, 2);
	assert_true(e->u.map.mapped);
	assert_int_equal(e->u.map.guest_addr, 0xf0000000);
	assert_int_equal(e->u.map.size, 0x1000);
	assert_int_equal(pg_mediator_bar_guest(t->m, 2, &g), 0);
	assert_int_equal(g.guest_addr, 0xf0000000);
	assert_true(g.mapped && g.decode);
	assert_int_equal(g.kind, PG_BAR_MEM32);

	/* 64-bit BAR0 above 4 GiB */
	assert_int_equal(mt_wr(t, 0x14, 4, 0x00000001), 0);
	assert_int_equal(mt_wr(t, 0x10, 4, 0x80000000), 0);
	assert_int_equal(pg_mediator_bar_guest(t->m, 0, &g), 0);
	assert_int_equal(g.guest_addr, 0x180000000ull);
	assert_int_equal(g.size, 0x4000);
	assert_true(g.mapped);
	assert_int_equal(pg_mediator_bar_guest(t->m, 1, &g), 0);
	assert_int_equal(g.kind, PG_BAR_MEM64_HI);

	/* memory decode off unmaps both */
	t->rec.neffects = 0;
	assert_int_equal(mt_wr(t, 0x04, 2, 0x0404), 0);
	assert_int_equal(mt_count(t, PG_EFFECT_BAR_MAP), 2);
	for (unsigned i = 0; i < t->rec.neffects; i++)
		assert_false(t->rec.effects[i].u.map.mapped);
	assert_int_equal(pg_mediator_bar_guest(t->m, 2, &g), 0);
	assert_false(g.decode);
	assert_false(any_hw_write_in(t, 0x10, 0x34));
	assert_int_equal(mt_hw(t, 0x18, 4), 0xfd000000);
	assert_int_equal(pg_mediator_bar_guest(t->m, 9, &g), -EINVAL);
	mt_free(t);
}

/* The mapping each Command decode bit controls (PCI 3.0 §6.2.2: I/O Space enables the I/O
 * BARs, Memory Space the memory BARs and, with its own enable bit, the ROM §6.2.5.2): a
 * toggle of one bit remaps the BARs it enables and no other, both at once remap all, a
 * rewrite remaps nothing, and after a reset the guest's BARs read 0 and are not mapped by
 * decode alone. Rows: the Command write, then the BAR_MAP effects as (bar, mapped). */
static void expect_maps(struct mt *t, uint16_t cmd, const char *what, unsigned n,
			const uint8_t (*want)[2])
{
	t->rec.neffects = 0;
	assert_int_equal(mt_wr(t, 0x04, 2, cmd), 0);
	if (mt_count(t, PG_EFFECT_BAR_MAP) != n)
		fail_msg("%s: %u BAR_MAP effects, expected %u", what,
			 mt_count(t, PG_EFFECT_BAR_MAP), n);
	for (unsigned k = 0; k < n; k++) {
		bool found = false;

		for (unsigned i = 0; i < t->rec.neffects; i++) {
			const struct pg_effect *e = &t->rec.effects[i];

			found |= e->kind == PG_EFFECT_BAR_MAP && e->u.map.bar == want[k][0] &&
				 e->u.map.mapped == (want[k][1] != 0);
		}
		if (!found)
			fail_msg("%s: no BAR_MAP of BAR %u with mapped %u", what, want[k][0],
				 want[k][1]);
	}
}

static void test_bar_decode_bits(void **state)
{
	static const uint8_t io_on[][2] = { { 4, 1 } }, io_off[][2] = { { 4, 0 } };
	static const uint8_t mem_on[][2] = { { 0, 1 }, { 2, 1 }, { PG_CFG_ROM_BAR, 1 } };
	static const uint8_t swap[][2] = { { 0, 0 }, { 2, 0 }, { PG_CFG_ROM_BAR, 0 }, { 4, 1 } };
	struct mt *t = mt_new(PG_PROFILE_GUEST, NULL);

	(void)state;
	assert_int_equal(mt_wr(t, 0x04, 2, 0x0400), 0);        /* decode off */
	assert_int_equal(mt_wr(t, 0x10, 4, 0xe0000000), 0);    /* BAR0 (64-bit) */
	assert_int_equal(mt_wr(t, 0x14, 4, 0), 0);
	assert_int_equal(mt_wr(t, 0x18, 4, 0xf0000000), 0);    /* BAR2 */
	assert_int_equal(mt_wr(t, 0x20, 4, 0xc000), 0);        /* BAR4 (I/O) */
	assert_int_equal(mt_wr(t, 0x30, 4, 0xd0000001), 0);    /* ROM, enabled */
	assert_int_equal(mt_count(t, PG_EFFECT_BAR_MAP), 0);
	expect_maps(t, 0x0401, "I/O on", 1, io_on);
	expect_maps(t, 0x0403, "memory on", 3, mem_on);
	expect_maps(t, 0x0403, "rewrite", 0, NULL);
	expect_maps(t, 0x0402, "I/O off", 1, io_off);
	expect_maps(t, 0x0402, "rewrite", 0, NULL);
	expect_maps(t, 0x0401, "memory off, I/O on", 4, swap);
	expect_maps(t, 0x0403, "memory on again", 3, mem_on);
	/* after a reset the record starts over with the guest's BARs at 0: decode alone maps
	 * nothing, and the I/O BAR is not left mapped from before */
	assert_int_equal(pg_mediator_reset(t->m), 0);
	expect_maps(t, 0x0403, "after reset", 0, NULL);
	assert_int_equal(mt_wr(t, 0x20, 4, 0xc000), 0);
	assert_int_equal(mt_count(t, PG_EFFECT_BAR_MAP), 1);
	expect_maps(t, 0x0402, "I/O off after reset", 1, io_off);
	mt_free(t);
}

/* A hook's effects follow its row's own hardware write in the decision, whatever the
 * hook posts (the row's slot is reserved before the hook runs and closed up when the row
 * writes nothing): Command turning Memory Space on is [the Command write, the BAR map];
 * a BAR register written while decoding is the BAR map alone (the register is virtual);
 * a rewrite of a BAR with its own address is nothing at all. */
static void test_effect_order(void **state)
{
	struct mt *t = mt_new(PG_PROFILE_GUEST, NULL);
	struct pg_write_decision d;

	(void)state;
	assert_int_equal(mt_wr(t, 0x04, 2, 0x0400), 0);        /* decode off */
	assert_int_equal(mt_wr(t, 0x18, 4, 0xf0000000), 0);    /* BAR2 */
	assert_int_equal(pg_mediator_decide_write(t->m, 0x04, 4, 0x0402, &d), 0);
	assert_int_equal(d.neffects, 2);
	assert_int_equal(d.effects[0].kind, PG_EFFECT_CFG_WRITE);
	assert_int_equal(d.effects[0].u.cfg.off, 0x04);
	assert_int_equal(d.effects[0].u.cfg.value & d.effects[0].u.cfg.write_mask, 0x0402);
	assert_int_equal(d.effects[1].kind, PG_EFFECT_BAR_MAP);
	assert_int_equal(d.effects[1].u.map.bar, 2);
	assert_true(d.effects[1].u.map.mapped);
	assert_int_equal(d.effects[1].u.map.guest_addr, 0xf0000000);
	assert_int_equal(pg_mediator_apply(t->m, &d), 0);
	/* relocation while decoding: one BAR_MAP, no config write */
	assert_int_equal(pg_mediator_decide_write(t->m, 0x18, 4, 0xe0000000, &d), 0);
	assert_int_equal(d.neffects, 1);
	assert_int_equal(d.effects[0].kind, PG_EFFECT_BAR_MAP);
	assert_int_equal(d.effects[0].u.map.guest_addr, 0xe0000000);
	assert_int_equal(pg_mediator_apply(t->m, &d), 0);
	assert_int_equal(pg_mediator_decide_write(t->m, 0x18, 4, 0xe0000000, &d), 0);
	assert_int_equal(d.neffects, 0);
	/* Memory Space off: the Command write, then the unmap */
	assert_int_equal(pg_mediator_decide_write(t->m, 0x04, 2, 0x0400, &d), 0);
	assert_int_equal(d.neffects, 2);
	assert_int_equal(d.effects[0].kind, PG_EFFECT_CFG_WRITE);
	assert_int_equal(d.effects[1].kind, PG_EFFECT_BAR_MAP);
	assert_false(d.effects[1].u.map.mapped);
	assert_false(any_hw_write_in(t, 0x10, 0x34));
	mt_free(t);
}

/* A decode toggle maps from what the BAR registers held at their last write (the mediator
 * keeps it, so the toggle reads no row): every register write while decoding must remap at
 * once and leave the next toggle right. The ROM's enable bit maps and unmaps it under
 * Memory Space; a BAR sized (all ones) while decoding is unmapped, and stays unmapped
 * across a toggle; programmed again it maps at the new address. */
static void test_bar_writes_while_decoding(void **state)
{
	struct mt *t = mt_new(PG_PROFILE_GUEST, NULL);
	struct pg_mediator_bar g;
	const struct pg_effect *e;

	(void)state;
	assert_int_equal(mt_wr(t, 0x04, 2, 0x0402), 0);        /* Memory Space on */
	t->rec.neffects = 0;
	assert_int_equal(mt_wr(t, 0x30, 4, 0xd0000000), 0);    /* ROM address, disabled */
	assert_int_equal(mt_count(t, PG_EFFECT_BAR_MAP), 0);
	assert_int_equal(mt_wr(t, 0x30, 4, 0xd0000001), 0);    /* enabled: mapped */
	assert_int_equal(mt_count(t, PG_EFFECT_BAR_MAP), 1);
	e = &t->rec.effects[t->rec.neffects - 1];
	assert_int_equal(e->u.map.bar, PG_CFG_ROM_BAR);
	assert_true(e->u.map.mapped);
	assert_int_equal(e->u.map.guest_addr, 0xd0000000);
	assert_int_equal(mt_wr(t, 0x30, 4, 0xd0000000), 0);    /* disabled: unmapped */
	assert_int_equal(mt_count(t, PG_EFFECT_BAR_MAP), 2);
	assert_false(t->rec.effects[t->rec.neffects - 1].u.map.mapped);
	/* BAR2 programmed while decoding maps at once; sizing it unmaps it */
	assert_int_equal(mt_wr(t, 0x18, 4, 0xf0000000), 0);
	assert_int_equal(mt_count(t, PG_EFFECT_BAR_MAP), 3);
	assert_true(t->rec.effects[t->rec.neffects - 1].u.map.mapped);
	assert_int_equal(mt_wr(t, 0x18, 4, 0xffffffff), 0);
	assert_int_equal(mt_count(t, PG_EFFECT_BAR_MAP), 4);
	assert_false(t->rec.effects[t->rec.neffects - 1].u.map.mapped);
	/* a toggle maps nothing while BAR2 holds the sizing pattern (and the ROM is off) */
	t->rec.neffects = 0;
	assert_int_equal(mt_wr(t, 0x04, 2, 0x0400), 0);
	assert_int_equal(mt_wr(t, 0x04, 2, 0x0402), 0);
	assert_int_equal(mt_count(t, PG_EFFECT_BAR_MAP), 0);
	/* programmed with decode off, the next toggle maps the new address */
	assert_int_equal(mt_wr(t, 0x04, 2, 0x0400), 0);
	assert_int_equal(mt_wr(t, 0x18, 4, 0xe0000000), 0);
	assert_int_equal(mt_count(t, PG_EFFECT_BAR_MAP), 0);
	assert_int_equal(mt_wr(t, 0x04, 2, 0x0402), 0);
	assert_int_equal(mt_count(t, PG_EFFECT_BAR_MAP), 1);
	e = &t->rec.effects[t->rec.neffects - 1];
	assert_int_equal(e->u.map.bar, 2);
	assert_true(e->u.map.mapped);
	assert_int_equal(e->u.map.guest_addr, 0xe0000000);
	assert_int_equal(pg_mediator_bar_guest(t->m, 2, &g), 0);
	assert_true(g.mapped && g.decode);
	assert_int_equal(g.guest_addr, 0xe0000000);
	assert_int_equal(pg_mediator_bar_guest(t->m, PG_CFG_ROM_BAR, &g), 0);
	assert_false(g.mapped);
	mt_free(t);
}

static void test_misc_registers(void **state)
{
	struct mt *t = mt_new(PG_PROFILE_GUEST, NULL);

	(void)state;
	assert_int_equal(mt_rd(t, 0x3c, 1), 0x00);          /* not the host's line */
	assert_int_equal(mt_wr(t, 0x3c, 1, 0x0a), 0);
	assert_int_equal(mt_rd(t, 0x3c, 1), 0x0a);
	assert_int_equal(mt_hw(t, 0x3c, 1), 0x0b);
	assert_int_equal(mt_wr(t, 0x3d, 1, 0x04), 0);       /* pin is read-only */
	assert_int_equal(mt_rd(t, 0x3d, 1), 0x01);
	assert_int_equal(mt_wr(t, 0x0c, 1, 0x20), 0);
	assert_int_equal(mt_rd(t, 0x0c, 1), 0x20);
	assert_int_equal(mt_hw(t, 0x0c, 1), 0x10);
	assert_int_equal(t->rec.naudits, 0);
	assert_int_equal(mt_wr(t, 0x0f, 1, 0x40), 0);       /* BIST start refused */
	assert_int_equal(mt_rd(t, 0x0f, 1), 0x00);
	assert_int_equal(t->rec.naudits, 1);
	assert_string_equal(t->rec.audits[0].rule, "hdr.bist");
	assert_int_equal(mt_wr(t, 0x38, 4, 0x1), 0);        /* reserved: default deny */
	assert_int_equal(t->rec.naudits, 2);
	assert_string_equal(t->rec.audits[1].rule, "default-deny");
	assert_int_equal(t->f.nwrites, 0);
	mt_free(t);
}

/* A backend that reports a BAR size no hardware has gets the BAR hidden, not mis-sized. */
static void test_bad_backend_bar(void **state)
{
	struct mt t0 = { 0 }, *t = &t0;
	struct pg_mediator_config cfg;

	(void)state;
	mt_device(&t->f);
	t->f.bars[2].size = 0x3000;
	t->f.bars[4].kind = PG_BAR_MEM32;
	mt_config(t, &cfg, PG_PROFILE_GUEST);
	assert_int_equal(mt_open_cfg(t, &cfg), 0);
	assert_int_equal(mt_wr(t, 0x18, 4, 0xffffffff), 0);
	assert_int_equal(mt_rd(t, 0x18, 4), 0);
	assert_int_equal(mt_wr(t, 0x20, 4, 0xffffffff), 0);
	assert_int_equal(mt_rd(t, 0x20, 4), 0);
	assert_int_equal(t->rec.nlogs, 2);
	assert_non_null(strstr(t->rec.logs[0], "BAR 2"));
	pg_mediator_free(t->m);
	pg_backend_close(t->be);
}

static void test_not_endpoint(void **state)
{
	struct mt t0 = { 0 }, *t = &t0;
	struct pg_mediator_config cfg;

	(void)state;
	mt_device(&t->f);
	t->f.cfg[0x0e] = 0x01; /* bridge */
	mt_config(t, &cfg, PG_PROFILE_GUEST);
	assert_int_equal(mt_open_cfg(t, &cfg), -EINVAL);
	assert_null(t->m);
	pg_backend_close(t->be);
	assert_int_equal(pg_mediator_new(NULL, NULL, &t->m), -EINVAL);
}

static struct mt *mt_new_opts(unsigned options, uint64_t io_size, uint64_t bar2_size)
{
	struct mt *t = calloc(1, sizeof(*t));
	struct pg_mediator_config cfg;

	assert_non_null(t);
	mt_device(&t->f);
	t->f.bars[4].size = io_size;
	t->f.bars[2].size = bar2_size;
	mt_config(t, &cfg, PG_PROFILE_GUEST);
	cfg.options = options;
	assert_int_equal(mt_open_cfg(t, &cfg), 0);
	return t;
}

/* Issue 7: QEMU 7.2's limits are mediator options (one guest view for view and serve). */
static void test_transport_qemu72(void **state)
{
	struct pg_mediator_bar b;
	struct mt *t = mt_new_opts(PG_MEDIATOR_TRANSPORT_QEMU72, 8, 1ull << 31);

	(void)state;
	assert_int_equal(pg_mediator_options(t->m), PG_MEDIATOR_TRANSPORT_QEMU72);
	/* BAR0: 64-bit shown as 32-bit; its upper dword reads 0 and ignores writes */
	assert_int_equal(mt_rd(t, 0x10, 4), 0x00000000);
	assert_int_equal(mt_wr(t, 0x10, 4, 0xffffffff), 0);
	assert_int_equal(mt_rd(t, 0x10, 4), 0xffffc000);     /* 16 KiB, type bits 2:1 = 0 */
	assert_int_equal(mt_wr(t, 0x14, 4, 0xffffffff), 0);
	assert_int_equal(mt_rd(t, 0x14, 4), 0);
	assert_int_equal(pg_mediator_bar_guest(t->m, 0, &b), 0);
	assert_int_equal(b.kind, PG_BAR_MEM32);
	assert_int_equal(pg_mediator_bar_guest(t->m, 1, &b), 0);
	assert_int_equal(b.kind, PG_BAR_NONE);
	/* BAR2 of 2 GiB, the 8-byte I/O BAR4 and the ROM: hidden */
	assert_int_equal(mt_wr(t, 0x18, 4, 0xffffffff), 0);
	assert_int_equal(mt_rd(t, 0x18, 4), 0);
	assert_int_equal(mt_wr(t, 0x20, 4, 0xffffffff), 0);
	assert_int_equal(mt_rd(t, 0x20, 4), 0);
	assert_int_equal(mt_wr(t, 0x30, 4, 0xffffffff), 0);
	assert_int_equal(mt_rd(t, 0x30, 4), 0);
	/* no extended space: the AER header reads 0 */
	assert_int_equal(mt_rd(t, 0x100, 4), 0);
	assert_int_equal(t->f.nwrites, 0);
	/* a reset still restores the host's 64-bit BAR, both halves */
	memset(t->f.cfg + 0x10, 0, 8);
	assert_int_equal(pg_mediator_reset(t->m), 0);
	assert_int_equal(mt_hw(t, 0x10, 4), 0xfe000004);
	assert_int_equal(mt_hw(t, 0x14, 4), 0x00000001);
	mt_free(t);

	/* without the options the same device keeps its 64-bit BAR, I/O BAR and ROM */
	t = mt_new_opts(0, 8, 0x1000);
	assert_int_equal(mt_rd(t, 0x10, 4), 0x00000004);
	assert_int_equal(mt_rd(t, 0x20, 4), 0x00000001);
	mt_free(t);
}

/* The read-only executor: decisions as usual, nothing reaches the device. */
static void test_readonly_executor(void **state)
{
	struct mt *t = mt_new_opts(PG_MEDIATOR_OPT_READONLY, 0x20, 0x1000);
	uint64_t v = 0;

	(void)state;
	assert_int_equal(mt_wr(t, 0x04, 2, 0x0007), 0);        /* would pass to hardware */
	assert_int_equal(mt_rd(t, 0x04, 2) & 0x7, 0x6);         /* pass bits: the device's */
	assert_int_equal(mt_wr(t, MT_PCIE + 8, 2, 0x8000), 0);  /* FLR: no reset */
	assert_int_equal(pg_mediator_reset(t->m), 0);
	assert_int_equal(t->f.reset_calls, 0);
	assert_int_equal(pg_mediator_bar_write(t->m, 2, 0x10, 4, 0x1234), 0);
	assert_int_equal(pg_mediator_bar_read(t->m, 2, 0x10, 4, &v), 0);
	assert_true(v == 0xffffffffu);                          /* reads as absent */
	assert_int_equal(t->f.nwrites, 0);
	assert_int_equal(t->f.nbar_writes + t->f.nbar_reads, 0);
	mt_free(t);
	assert_int_equal(pg_mediator_new(NULL, NULL, NULL), -EINVAL);
	{
		struct mt t0;
		struct pg_mediator_config cfg;

		memset(&t0, 0, sizeof(t0));
		mt_device(&t0.f);
		mt_config(&t0, &cfg, PG_PROFILE_GUEST);
		cfg.options = 0x1000u; /* unknown option bit */
		assert_int_equal(mt_open_cfg(&t0, &cfg), -EINVAL);
		pg_backend_close(t0.be);
	}
}

/* A ROM the VMM serves (pg_mediator_config.vmm_rom_size, QEMU's romfile=): a virtual ROM
 * BAR of that size in place of the device's 64 KiB ROM, shown under the QEMU 7.2 transport
 * that hides the device's ROM, never written to or restored on the device. Sizes: a power
 * of two from 2 KiB to 16 MiB (PCI 3.0 §6.2.5.2: the ROM BAR decodes at least 2 KiB). */
static void test_vmm_rom(void **state)
{
	static const struct { uint32_t size; int rc; uint32_t mask; } rows[] = {
		{ 0, 0, 0 },                        /* none: the transport hides the ROM */
		{ 2048, 0, 0xfffff800 }, { 4096, 0, 0xfffff000 },
		{ 1u << 24, 0, 0xff000000 },
		{ 1024, -EINVAL, 0 }, { 3000, -EINVAL, 0 }, { 1u << 25, -EINVAL, 0 },
		{ 0x80000000u, -EINVAL, 0 },
	};
	struct pg_mediator_config cfg;

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct mt *t = calloc(1, sizeof(*t));
		struct pg_mediator_bar b;

		assert_non_null(t);
		mt_device(&t->f);
		mt_config(t, &cfg, PG_PROFILE_GUEST);
		cfg.options = PG_MEDIATOR_TRANSPORT_QEMU72;
		cfg.vmm_rom_size = rows[i].size;
		assert_int_equal(mt_open_cfg(t, &cfg), rows[i].rc);
		if (rows[i].rc < 0) {
			pg_backend_close(t->be);
			free(t);
			continue;
		}
		/* sizing reads the VMM's size (enable bit kept), an address sticks */
		assert_int_equal(mt_wr(t, 0x30, 4, 0xfffff800), 0);
		assert_int_equal(mt_rd(t, 0x30, 4), rows[i].mask);
		assert_int_equal(mt_wr(t, 0x30, 4, 0xffffffff), 0);
		assert_int_equal(mt_rd(t, 0x30, 4), rows[i].mask | (rows[i].size ? 1u : 0u));
		assert_int_equal(mt_wr(t, 0x30, 4, 0xfe000001), 0);
		assert_int_equal(mt_rd(t, 0x30, 4), rows[i].size ? 0xfe000001u : 0u);
		assert_int_equal(pg_mediator_bar_guest(t->m, PG_CFG_ROM_BAR, &b), 0);
		assert_int_equal(b.kind, rows[i].size ? PG_BAR_ROM : PG_BAR_NONE);
		assert_true(b.size == rows[i].size);
		/* the device's ROM register is never written, not even by a reset's restore,
		 * and the ROM is no BAR the mediator routes to the device */
		assert_int_equal(pg_mediator_reset(t->m), 0);
		assert_false(any_hw_write_in(t, 0x30, 0x34));
		assert_int_equal(mt_rd(t, 0x30, 4), 0);  /* the guest's view starts over */
		{
			uint64_t v = 0;

			assert_int_equal(pg_mediator_bar_read(t->m, PG_CFG_ROM_BAR, 0, 4, &v),
					 -EINVAL);
		}
		assert_int_equal(t->f.nbar_reads, 0);
		mt_free(t);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_identity),
		cmocka_unit_test(test_identity_override),
		cmocka_unit_test(test_command),
		cmocka_unit_test(test_status),
		cmocka_unit_test(test_bar_sizing),
		cmocka_unit_test(test_bar_relocation),
		cmocka_unit_test(test_bar_decode_bits),
		cmocka_unit_test(test_effect_order),
		cmocka_unit_test(test_bar_writes_while_decoding),
		cmocka_unit_test(test_misc_registers),
		cmocka_unit_test(test_bad_backend_bar),
		cmocka_unit_test(test_not_endpoint),
		cmocka_unit_test(test_transport_qemu72),
		cmocka_unit_test(test_readonly_executor),
		cmocka_unit_test(test_vmm_rom),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
