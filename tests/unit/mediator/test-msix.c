/* SPDX-License-Identifier: GPL-2.0-or-later */
/* MSI-X (src/lib/mediator/msix.c): Message Control, the trapped table and PBA, the rest of
 * the BAR passing through, and the table-mapping verdict. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

#include <cmocka.h>

#include "medtest.h"

static uint64_t bar_rd(struct mt *t, unsigned bar, uint64_t off, uint8_t size)
{
	uint64_t v = 0xdead;

	assert_int_equal(pg_mediator_bar_read(t->m, bar, off, size, &v), 0);
	return v;
}

static const struct pg_effect *last_irq(const struct mt *t)
{
	for (unsigned i = t->rec.neffects; i-- > 0;)
		if (t->rec.effects[i].kind == PG_EFFECT_IRQ)
			return &t->rec.effects[i];
	return NULL;
}

static void test_control(void **state)
{
	struct mt *t = mt_new(PG_PROFILE_GUEST, NULL);
	const struct pg_effect *e;

	(void)state;
	assert_int_equal(mt_rd(t, MT_MSIX + 2, 2), 0x000f);
	assert_int_equal(mt_wr(t, MT_MSIX + 2, 2, 0xffff), 0);
	assert_int_equal(mt_rd(t, MT_MSIX + 2, 2), 0xc00f);  /* Table Size RO, 11-13 RsvdP */
	e = last_irq(t);
	assert_non_null(e);
	assert_int_equal(e->u.irq.type, PG_IRQ_MSIX);
	assert_int_equal(e->u.irq.vector, PG_IRQ_ALL_VECTORS);
	assert_true(e->u.irq.enabled && e->u.irq.function_masked);
	assert_int_equal(e->u.irq.nvectors, MT_NVEC);
	assert_int_equal(mt_hw(t, MT_MSIX + 2, 2), 0x000f);  /* guest profile: virtual */
	assert_int_equal(mt_rd(t, MT_MSIX + 4, 4), MT_TABLE); /* BIR/offset read-only */
	assert_int_equal(mt_wr(t, MT_MSIX + 4, 4, 0x12345678), 0);
	assert_int_equal(mt_rd(t, MT_MSIX + 4, 4), MT_TABLE);
	assert_int_equal(mt_rd(t, MT_MSIX + 8, 4), MT_PBA);
	assert_int_equal(pg_mediator_irq_type(t->m), PG_IRQ_MSIX);
	mt_free(t);
}

static void test_table(void **state)
{
	struct mt *t = mt_new(PG_PROFILE_GUEST, NULL);
	const struct pg_effect *e;

	(void)state;
	/* out of reset every entry is masked */
	assert_int_equal(bar_rd(t, 0, MT_TABLE + 12, 4), 1);
	assert_int_equal(bar_rd(t, 0, MT_TABLE + 8, 8), 0x100000000ull);
	/* program entry 3 with MSI-X disabled: no routing yet */
	assert_int_equal(pg_mediator_bar_write(t->m, 0, MT_TABLE + 0x30, 8, 0x00000000fee00000ull),
			 0);
	assert_int_equal(pg_mediator_bar_write(t->m, 0, MT_TABLE + 0x38, 4, 0x55), 0);
	assert_int_equal(mt_count(t, PG_EFFECT_IRQ), 0);
	assert_int_equal(bar_rd(t, 0, MT_TABLE + 0x30, 4), 0xfee00000);
	assert_int_equal(bar_rd(t, 0, MT_TABLE + 0x38, 8), 0x100000055ull);
	/* enable masked, clear the function mask, unmask entry 3 */
	assert_int_equal(mt_wr(t, MT_MSIX + 2, 2, 0xc000), 0);
	assert_int_equal(mt_wr(t, MT_MSIX + 2, 2, 0x8000), 0);
	assert_int_equal(mt_count(t, PG_EFFECT_IRQ), 2);
	assert_int_equal(pg_mediator_bar_write(t->m, 0, MT_TABLE + 0x3c, 4, 0), 0);
	e = last_irq(t);
	assert_int_equal(mt_count(t, PG_EFFECT_IRQ), 3);
	assert_int_equal(e->u.irq.vector, 3);
	assert_false(e->u.irq.masked);
	assert_int_equal(e->u.irq.addr, 0xfee00000);
	assert_int_equal(e->u.irq.data, 0x55);
	mt_free(t);
}

/* Entry 3 programmed and unmasked with MSI-X enabled, as test_table leaves it. */
static struct mt *enabled_entry3(void)
{
	struct mt *t = mt_new(PG_PROFILE_GUEST, NULL);

	assert_int_equal(pg_mediator_bar_write(t->m, 0, MT_TABLE + 0x30, 8, 0xfee00000ull), 0);
	assert_int_equal(pg_mediator_bar_write(t->m, 0, MT_TABLE + 0x38, 4, 0x55), 0);
	assert_int_equal(mt_wr(t, MT_MSIX + 2, 2, 0x8000), 0);
	assert_int_equal(pg_mediator_bar_write(t->m, 0, MT_TABLE + 0x3c, 4, 0), 0);
	assert_int_equal(mt_count(t, PG_EFFECT_IRQ), 2);
	return t;
}

static void test_table_updates(void **state)
{
	struct mt *t = enabled_entry3();
	struct pg_mediator_msix_entry ent;

	(void)state;
	/* changing an unmasked entry re-routes; masking it does too; a masked one does not */
	assert_int_equal(pg_mediator_bar_write(t->m, 0, MT_TABLE + 0x38, 4, 0x56), 0);
	assert_int_equal(mt_count(t, PG_EFFECT_IRQ), 3);
	assert_int_equal(last_irq(t)->u.irq.data, 0x56);
	assert_int_equal(pg_mediator_bar_write(t->m, 0, MT_TABLE + 0x3c, 4, 1), 0);
	assert_int_equal(mt_count(t, PG_EFFECT_IRQ), 4);
	assert_true(last_irq(t)->u.irq.masked);
	assert_int_equal(pg_mediator_bar_write(t->m, 0, MT_TABLE + 0x38, 4, 0x57), 0);
	assert_int_equal(mt_count(t, PG_EFFECT_IRQ), 4);
	/* Vector Control reserved bits read 0; address low bits RsvdP */
	assert_int_equal(pg_mediator_bar_write(t->m, 0, MT_TABLE + 0x3c, 4, 0xfffffffe), 0);
	assert_int_equal(bar_rd(t, 0, MT_TABLE + 0x3c, 4), 0);
	assert_int_equal(pg_mediator_bar_write(t->m, 0, MT_TABLE + 0x40, 4, 0xfee00003), 0);
	assert_int_equal(bar_rd(t, 0, MT_TABLE + 0x40, 4), 0xfee00000);
	assert_int_equal(pg_mediator_msix_entry(t->m, 3, &ent), 0);
	assert_int_equal(ent.addr, 0xfee00000);
	assert_int_equal(ent.data, 0x57);
	assert_false(ent.masked);
	assert_int_equal(pg_mediator_msix_entry(t->m, MT_NVEC, &ent), -EINVAL);
	/* the device's table never saw any of it */
	assert_int_equal(t->f.nbar_writes, 0);
	assert_int_equal(t->f.nbar_reads, 0);
	assert_int_equal(t->rec.naudits, 0);
	/* a reset re-masks every entry */
	assert_int_equal(pg_mediator_reset(t->m), 0);
	assert_int_equal(pg_mediator_msix_entry(t->m, 3, &ent), 0);
	assert_true(ent.masked);
	assert_int_equal(ent.addr, 0);
	mt_free(t);
}

struct bad_case {
	uint64_t off;
	uint8_t size;
	uint64_t read;
};

static const struct bad_case bad[] = {
	{ MT_TABLE + 2, 2, 0xffff },
	{ MT_TABLE + 5, 1, 0xff },
	{ MT_TABLE + 0x10, 2, 0xffff },
};

static void test_bad_table_access(void **state)
{
	struct mt *t = mt_new(PG_PROFILE_GUEST, NULL);
	struct pg_read_decision r;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(bar_rd(t, 0, bad[i].off, bad[i].size), bad[i].read);
		assert_int_equal(pg_mediator_bar_write(t->m, 0, bad[i].off, bad[i].size, 0), 0);
	}
	assert_int_equal(t->rec.naudits, 2 * sizeof(bad) / sizeof(bad[0]));
	assert_string_equal(t->rec.audits[0].rule, "msix-table-access");
	assert_int_equal(t->rec.audits[0].space, PG_SPACE_BAR);
	assert_int_equal(t->rec.audits[0].bar, 0);
	assert_int_equal(t->rec.audits[0].offset, MT_TABLE + 2);
	assert_int_equal(bar_rd(t, 0, MT_TABLE + 12, 4), 1); /* entry 0 untouched */
	/* API-level rejections */
	assert_int_equal(pg_mediator_bar_decide_read(t->m, 0, MT_TABLE + 4, 8, &r), -EINVAL);
	assert_int_equal(pg_mediator_bar_decide_read(t->m, 6, 0, 4, &r), -EINVAL);
	assert_int_equal(pg_mediator_bar_decide_read(t->m, 0, 0, 3, &r), -EINVAL);
	assert_int_equal(pg_mediator_bar_decide_read(t->m, 3, 0, 4, &r), -ENXIO); /* none */
	assert_int_equal(pg_mediator_bar_decide_read(t->m, 1, 0, 4, &r), -ENXIO); /* 64 hi */
	assert_int_equal(pg_mediator_bar_decide_read(t->m, 2, 0x1000, 4, &r), -ERANGE);
	assert_int_equal(pg_mediator_bar_write(t->m, 2, 0xffc, 8, 0), -EINVAL); /* misaligned */
	assert_int_equal(pg_mediator_bar_decide_read(t->m, 2, 0xffc, 4, &r), 0);
	assert_int_equal(pg_mediator_bar_decide_read(t->m, 4, 0x1c, 4, &r), 0); /* I/O */
	assert_int_equal(t->f.nbar_writes, 0);
	mt_free(t);
}

static void test_pba_and_passthrough(void **state)
{
	struct mt *t = mt_new(PG_PROFILE_GUEST, NULL);
	struct pg_read_decision r;

	(void)state;
	t->f.bar_val = 0x1122334455667788ull;
	/* PBA writes are dropped and audited (Pending Bits are read-only, PCI 3.0 §6.8.2.10) */
	assert_int_equal(pg_mediator_bar_write(t->m, 0, MT_PBA, 8, ~0ull), 0);
	assert_int_equal(t->rec.naudits, 1);
	assert_string_equal(t->rec.audits[0].rule, "msix-pba");
	assert_int_equal(t->f.nbar_writes, 0);
	assert_int_equal(t->f.nbar_reads, 0);
	/* registers beside the table, and other BARs, reach the device */
	assert_int_equal(bar_rd(t, 0, 0x1000, 4), 0x55667788);
	assert_int_equal(bar_rd(t, 0, MT_TABLE + MT_NVEC * 16, 8), 0x1122334455667788ull);
	assert_int_equal(bar_rd(t, 2, 0, 4), 0x55667788);
	assert_int_equal(pg_mediator_bar_write(t->m, 0, 0x1004, 2, 0xbeef), 0);
	assert_int_equal(pg_mediator_bar_write(t->m, 0, MT_PBA + 8, 4, 0x1), 0);
	assert_int_equal(t->f.nbar_writes, 2);
	assert_int_equal(t->f.bar_writes[0].off, 0x1004);
	assert_int_equal(t->f.bar_writes[0].size, 2);
	assert_int_equal(t->f.bar_writes[0].val, 0xbeef);
	assert_int_equal(t->f.bar_writes[1].off, MT_PBA + 8);
	/* the decision is pure: it names the access and does none */
	t->f.nbar_reads = 0;
	assert_int_equal(pg_mediator_bar_decide_read(t->m, 0, 0x1000, 4, &r), 0);
	assert_int_equal(r.hw_mask, 0xffffffffu);
	assert_int_equal(r.space, PG_SPACE_BAR);
	assert_int_equal(t->f.nbar_reads, 0);
	mt_free(t);
}

/* PBA reads on the BAR path: the device's Pending Bits of the MT_NVEC (16) vectors the
 * table has, one bit per vector from bit 0 of the first qword (PCI 3.0 §6.8.2.10); bits of
 * vectors past Table Size read 0, and an access holding none of them never reaches the
 * device. The device answers every read with all ones. */
static void test_pba_reads(void **state)
{
	static const struct {
		uint64_t off;
		uint8_t size;
		uint64_t want;
		bool hw;
	} rows[] = {
		{ 0, 8, 0xffffull, true },      /* vectors 0-15 */
		{ 0, 4, 0xffffull, true },
		{ 0, 2, 0xffffull, true },
		{ 1, 1, 0xffull, true },        /* vectors 8-15 */
		{ 2, 2, 0, false },             /* vectors 16-31: none exists */
		{ 4, 4, 0, false },
	};
	struct mt *t = mt_new(PG_PROFILE_GUEST, NULL);

	(void)state;
	t->f.bar_val = ~0ull;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		unsigned before = t->f.nbar_reads;

		assert_int_equal(bar_rd(t, 0, MT_PBA + rows[i].off, rows[i].size), rows[i].want);
		assert_int_equal(t->f.nbar_reads - before, rows[i].hw ? 1u : 0u);
	}
	assert_int_equal(t->rec.naudits, 0);
	mt_free(t);
}

static void test_mappable(void **state)
{
	struct pg_policy_entry pol;
	struct pg_policy_cap rm = { false, PG_CAP_MSIX };
	const char *why = NULL;
	struct mt *t = mt_new(PG_PROFILE_GUEST, NULL);

	(void)state;
	assert_true(pg_mediator_msix_table_mappable(t->m, true, &why));
	assert_non_null(strstr(why, "isolation"));
	assert_false(pg_mediator_msix_table_mappable(t->m, false, &why));
	assert_non_null(strstr(why, "no interrupt isolation"));
	mt_free(t);

	memset(&pol, 0, sizeof(pol));
	pol.flags = PG_POLICY_F_NO_MSIX_MMAP;
	t = mt_new(PG_PROFILE_GUEST, &pol);
	assert_false(pg_mediator_msix_table_mappable(t->m, true, &why));
	assert_non_null(strstr(why, "no-msix-mmap"));
	mt_free(t);

	memset(&pol, 0, sizeof(pol));
	pol.cap_remove = &rm;
	pol.n_cap_remove = 1;
	t = mt_new(PG_PROFILE_GUEST, &pol);
	/* hidden MSI-X: the real table is still there, so still trapped */
	assert_false(pg_mediator_msix_table_mappable(t->m, false, NULL));
	assert_true(pg_mediator_msix_table_mappable(t->m, true, NULL));
	t->f.bar_val = 7;
	assert_int_equal(bar_rd(t, 0, MT_TABLE, 4), 0);
	assert_int_equal(bar_rd(t, 0, MT_PBA, 4), 0);
	assert_int_equal(bar_rd(t, 0, 0x1000, 4), 7);
	assert_int_equal(pg_mediator_bar_write(t->m, 0, MT_TABLE, 4, 0xfee00000), 0);
	assert_int_equal(t->f.nbar_writes, 0);
	assert_int_equal(t->rec.naudits, 1);
	assert_string_equal(t->rec.audits[0].rule, "hidden-cap:msix");
	assert_int_equal(pg_mediator_msix_entry(t->m, 0, &(struct pg_mediator_msix_entry){ 0 }),
			 -ENOENT);
	mt_free(t);

	/* no MSI-X capability at all: nothing to protect */
	memset(&pol, 0, sizeof(pol));
	{
		struct mt t0, *u = &t0;
		struct pg_mediator_config cfg;

		memset(u, 0, sizeof(*u));
		mt_device(&u->f);
		u->f.cfg[MT_MSI + 1] = MT_PCIE; /* unlink MSI-X on the device itself */
		mt_config(u, &cfg, PG_PROFILE_GUEST);
		assert_int_equal(mt_open_cfg(u, &cfg), 0);
		assert_true(pg_mediator_msix_table_mappable(u->m, false, &why));
		assert_non_null(strstr(why, "nothing to protect"));
		pg_mediator_free(u->m);
		pg_backend_close(u->be);
	}
	assert_false(pg_mediator_msix_table_mappable(NULL, true, &why));
}

/* Config writes a decision would make. */
static unsigned cfg_writes(const struct pg_write_decision *d)
{
	unsigned n = 0;

	for (unsigned i = 0; i < d->neffects; i++)
		n += d->effects[i].kind == PG_EFFECT_CFG_WRITE;
	return n;
}

struct dm_ctl_case {
	const char *name;
	uint16_t msi_ctl;      /* MSI Control written first (0: none) */
	uint16_t first;        /* MSI-X Control written next (0: none) */
	uint8_t rel, size;     /* the write under test: offset in the capability, size */
	uint32_t write;
	unsigned ncfg;         /* config writes it must produce */
	uint8_t hw;            /* MSI-X Control high byte in hardware afterwards */
};

static const struct dm_ctl_case dm_ctls[] = {
	/* refused (MSI is on): nothing at all reaches the hardware, not even Enable = 0 */
	{ "refused-enable", 0x0187, 0, 2, 2, 0x800f, 0, 0x00 },
	{ "refused-enable-byte", 0x0187, 0, 3, 1, 0x80, 0, 0x00 },
	{ "refused-enable-dword", 0x0187, 0, 0, 4, 0x800f0000u | MT_PCIE << 8 | PG_CAP_MSIX, 0,
	  0x00 },
	/* only Enable is refused: a Function Mask the guest sets alongside is taken */
	{ "refused-enable-mask-taken", 0x0187, 0, 2, 2, 0xc00f, 1, 0x40 },
	/* Enable and Function Mask already as written: no write */
	{ "unchanged-off", 0, 0, 2, 2, 0x000f, 0, 0x00 },
	{ "unchanged-on", 0, 0x800f, 2, 2, 0x800f, 0, 0x80 },
	/* a real change still reaches the hardware */
	{ "enable", 0, 0, 2, 2, 0xc00f, 1, 0xc0 },
	{ "unmask", 0, 0xc00f, 2, 2, 0x800f, 1, 0x80 },
	{ "disable", 0, 0x800f, 2, 2, 0x000f, 1, 0x00 },
};

/* Device-model profile: MSI-X Enable and Function Mask reach the hardware only when the
 * hardware bits change. A refused enable (MSI is on) must not write the device at all. */
static void test_dm_control_writes(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(dm_ctls) / sizeof(dm_ctls[0]); i++) {
		const struct dm_ctl_case *c = &dm_ctls[i];
		struct mt *t = mt_new(PG_PROFILE_DEVICE_MODEL, NULL);
		struct pg_write_decision d;
		unsigned before;

		assert_non_null(t);
		if (c->msi_ctl)
			assert_int_equal(mt_wr(t, MT_MSI + 2, 2, c->msi_ctl), 0);
		if (c->first)
			assert_int_equal(mt_wr(t, MT_MSIX + 2, 2, c->first), 0);
		assert_int_equal(pg_mediator_decide_write(t->m, (uint16_t)(MT_MSIX + c->rel),
							  c->size, c->write, &d), 0);
		if (cfg_writes(&d) != c->ncfg)
			fail_msg("%s: %u config writes decided, expected %u", c->name,
				 cfg_writes(&d), c->ncfg);
		before = t->f.nwrites;
		assert_int_equal(pg_mediator_apply(t->m, &d), 0);
		if (t->f.nwrites - before != c->ncfg)
			fail_msg("%s: %u config writes reached the device, expected %u", c->name,
				 t->f.nwrites - before, c->ncfg);
		assert_int_equal(t->f.cfg[MT_MSIX + 3] & 0xc0, c->hw);
		mt_free(t);
	}
}

struct layout_warn_case {
	const char *name;
	uint16_t off;          /* register to corrupt */
	uint32_t val;
	bool remove;           /* the policy hides MSI-X (no handler init, only the trap check) */
	const char *warning;
};

static const struct layout_warn_case layout_warns[] = {
	{ "table-past-bar", MT_MSIX + 4, 0x3f80, false, "outside its BAR" },
	{ "bir-no-bar", MT_MSIX + 4, MT_TABLE | 3, false, "outside its BAR" },
	{ "overlap", MT_MSIX + 8, MT_TABLE + 0x80, false, "overlap in BAR" },
	{ "policy-hidden-past-bar", MT_MSIX + 4, 0x3f80, true, "outside its BAR" },
	{ "policy-hidden-overlap", MT_MSIX + 8, MT_TABLE + 0x80, true, "overlap in BAR" },
};

/* A bad table/PBA layout is reported once per capability, although both the handler and
 * the hidden-capability trap check it. */
static void test_layout_warned_once(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(layout_warns) / sizeof(layout_warns[0]); i++) {
		const struct layout_warn_case *c = &layout_warns[i];
		struct pg_policy_cap rm = { false, PG_CAP_MSIX };
		struct pg_policy_entry pol;
		struct pg_mediator_config cfg;
		struct mt t0, *t = &t0;
		unsigned n = 0;

		memset(t, 0, sizeof(*t));
		mt_device(&t->f);
		for (unsigned b = 0; b < 4; b++)
			t->f.cfg[c->off + b] = (uint8_t)(c->val >> (8 * b));
		memset(&pol, 0, sizeof(pol));
		pol.cap_remove = &rm;
		pol.n_cap_remove = c->remove ? 1 : 0;
		mt_config(t, &cfg, PG_PROFILE_GUEST);
		cfg.policy = &pol;
		assert_int_equal(mt_open_cfg(t, &cfg), 0);
		assert_false(pg_mediator_cap_visible(t->m, false, PG_CAP_MSIX));
		for (unsigned k = 0; k < t->rec.nlogs; k++)
			n += strstr(t->rec.logs[k], c->warning) != NULL;
		if (n != 1)
			fail_msg("%s: \"%s\" logged %u times, expected once", c->name,
				 c->warning, n);
		pg_mediator_free(t->m);
		pg_backend_close(t->be);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_control),
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_table_updates),
		cmocka_unit_test(test_bad_table_access),
		cmocka_unit_test(test_pba_and_passthrough),
		cmocka_unit_test(test_pba_reads),
		cmocka_unit_test(test_mappable),
		cmocka_unit_test(test_layout_warned_once),
		cmocka_unit_test(test_dm_control_writes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
