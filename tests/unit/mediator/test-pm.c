/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Power Management (src/lib/mediator/pm.c): D-state transitions and their effects. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

#include <cmocka.h>

#include "medtest.h"

#define PMCSR (MT_PM + 4)

static void test_pmc(void **state)
{
	struct mt *t = mt_new(PG_PROFILE_GUEST, NULL);

	(void)state;
	assert_int_equal(mt_rd(t, MT_PM + 2, 2), 0x0603); /* PME_Support reads 0 */
	assert_int_equal(mt_wr(t, MT_PM + 2, 2, 0xffff), 0);
	assert_int_equal(mt_rd(t, MT_PM + 2, 2), 0x0603);
	assert_int_equal(t->f.nwrites, 0);
	mt_free(t);
}

static void test_d3_and_back(void **state)
{
	struct mt *t = mt_new(PG_PROFILE_GUEST, NULL);
	struct pg_write_decision d;
	bool bar0 = false, rom = false;

	(void)state;
	assert_int_equal(pg_mediator_decide_write(t->m, PMCSR, 2, 0x0003, &d), 0);
	assert_int_equal(d.neffects, 2);
	assert_int_equal(d.effects[0].kind, PG_EFFECT_CFG_WRITE);
	assert_int_equal(d.effects[0].u.cfg.write_mask & 0x3, 0x3);
	assert_int_equal(d.effects[0].u.cfg.value & 0x3, 0x3);
	assert_int_equal(d.effects[1].kind, PG_EFFECT_PM_STATE);
	assert_int_equal(d.effects[1].u.pm.from, 0);
	assert_int_equal(d.effects[1].u.pm.to, 3);
	assert_int_equal(pg_mediator_apply(t->m, &d), 0);
	assert_int_equal(mt_hw(t, PMCSR, 2) & 3, 3);
	assert_int_equal(mt_rd(t, PMCSR, 2) & 3, 3);

	/* the function loses its BARs in D3hot -> D0 without No_Soft_Reset */
	memset(t->f.cfg + 0x10, 0, 0x24);
	t->f.nwrites = 0;
	assert_int_equal(pg_mediator_decide_write(t->m, PMCSR, 2, 0x0000, &d), 0);
	assert_int_equal(d.neffects, 3);
	assert_int_equal(d.effects[1].kind, PG_EFFECT_PM_STATE);
	assert_int_equal(d.effects[2].kind, PG_EFFECT_RESTORE);
	assert_int_equal(pg_mediator_apply(t->m, &d), 0);
	assert_int_equal(mt_hw(t, PMCSR, 2) & 3, 0);
	assert_int_equal(mt_hw(t, 0x10, 4), 0xfe000004);
	assert_int_equal(mt_hw(t, 0x14, 4), 0x00000001);
	assert_int_equal(mt_hw(t, 0x18, 4), 0xfd000000);
	assert_int_equal(mt_hw(t, 0x20, 4), 0x0000e001);
	assert_int_equal(mt_hw(t, 0x30, 4), 0xfc000000); /* ROM restored disabled */
	for (unsigned i = 0; i < t->f.nwrites; i++) {
		bar0 |= t->f.writes[i].off == 0x10;
		rom |= t->f.writes[i].off == 0x30;
	}
	assert_true(bar0 && rom);
	assert_int_equal(mt_hw(t, 0x04, 2), 0x0406); /* Command's hardware bits rewritten */
	assert_int_equal(mt_count(t, PG_EFFECT_RESTORE), 1);
	assert_int_equal(mt_count(t, PG_EFFECT_PM_STATE), 2);
	/* the guest's virtual BARs are untouched by the restore */
	assert_int_equal(mt_rd(t, 0x10, 4), 0x00000004);
	mt_free(t);
}

static void test_no_soft_reset(void **state)
{
	struct mt t0, *t = &t0;
	struct pg_mediator_config cfg;
	struct pg_write_decision d;

	(void)state;
	memset(t, 0, sizeof(*t));
	mt_device(&t->f);
	t->f.cfg[PMCSR] = 0x08 | 0x03; /* NoSoftRst, currently D3hot */
	mt_config(t, &cfg, PG_PROFILE_GUEST);
	assert_int_equal(mt_open_cfg(t, &cfg), 0);
	assert_int_equal(mt_rd(t, PMCSR, 2), 0x000b);
	assert_int_equal(pg_mediator_decide_write(t->m, PMCSR, 2, 0x0008, &d), 0);
	assert_int_equal(d.neffects, 2); /* write + PM_STATE, no RESTORE */
	assert_true(d.effects[1].u.pm.no_soft_reset);
	pg_mediator_free(t->m);
	pg_backend_close(t->be);
}

struct pm_case {
	const char *name;
	enum pg_profile profile;
	uint32_t flags;
	uint16_t pmc;        /* 0: the device's */
	uint16_t write;
	uint16_t guest;      /* PMCSR the guest reads */
	uint16_t hw;         /* PMCSR on hardware */
	unsigned audits;
	enum pg_audit_verdict verdict;
};

static const struct pm_case cases[] = {
	{ "d1", PG_PROFILE_GUEST, 0, 0, 0x0001, 0x0001, 0x0001, 0, 0 },
	{ "d2-unsupported", PG_PROFILE_GUEST, 0, 0x0203, 0x0002, 0x0000, 0x0000, 0, 0 },
	{ "pme-en-virtual", PG_PROFILE_GUEST, 0, 0, 0x0100, 0x0100, 0x0000, 0, 0 },
	{ "pme-status-reads-0", PG_PROFILE_GUEST, 0, 0, 0x8000, 0x0000, 0x0000, 0, 0 },
	{ "data-select-passes", PG_PROFILE_GUEST, 0, 0, 0x1e00, 0x1e00, 0x1e00, 0, 0 },
	{ "reserved-rsvdp", PG_PROFILE_GUEST, 0, 0, 0x00f4, 0x0000, 0x0000, 0, 0 },
	{ "no-d3", PG_PROFILE_GUEST, PG_POLICY_F_NO_D3, 0, 0x0003, 0x0000, 0x0000, 1,
	  PG_AUDIT_DENIED },
	{ "no-d3-even-permissive", PG_PROFILE_PERMISSIVE, PG_POLICY_F_NO_D3, 0, 0x0003, 0x0000,
	  0x0000, 1, PG_AUDIT_DENIED },
	{ "dm-d3-virtual", PG_PROFILE_DEVICE_MODEL, 0, 0, 0x0003, 0x0003, 0x0000, 0, 0 },
	{ "dm-data-select-virtual", PG_PROFILE_DEVICE_MODEL, 0, 0, 0x1e00, 0x1e00, 0x0000, 0, 0 },
	{ "perm-pme-en-to-hw", PG_PROFILE_PERMISSIVE, 0, 0, 0x0100, 0x0100, 0x0100, 1,
	  PG_AUDIT_PERMISSIVE },
};

static void test_pmcsr_cases(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct pm_case *c = &cases[i];
		struct mt t0, *t = &t0;
		struct pg_mediator_config cfg;
		struct pg_policy_entry pol;

		memset(t, 0, sizeof(*t));
		memset(&pol, 0, sizeof(pol));
		mt_device(&t->f);
		if (c->pmc) {
			t->f.cfg[MT_PM + 2] = (uint8_t)c->pmc;
			t->f.cfg[MT_PM + 3] = (uint8_t)(c->pmc >> 8);
		}
		mt_config(t, &cfg, c->profile);
		pol.profile = c->profile;
		pol.flags = c->flags;
		cfg.policy = &pol;
		assert_int_equal(mt_open_cfg(t, &cfg), 0);
		assert_int_equal(mt_wr(t, PMCSR, 2, c->write), 0);
		if (mt_rd(t, PMCSR, 2) != c->guest)
			fail_msg("%s: guest 0x%x", c->name, mt_rd(t, PMCSR, 2));
		if (mt_hw(t, PMCSR, 2) != c->hw)
			fail_msg("%s: hw 0x%x", c->name, mt_hw(t, PMCSR, 2));
		if (t->rec.naudits != c->audits)
			fail_msg("%s: %u audits", c->name, t->rec.naudits);
		if (c->audits)
			assert_int_equal(t->rec.audits[0].verdict, c->verdict);
		pg_mediator_free(t->m);
		pg_backend_close(t->be);
	}
}

/* PME_Status (PMCSR bit 15) is RW1C on the device (PCI PM 1.2 §3.2.4): a guest write that
 * reaches PMCSR (PowerState, Data_Select) must not clear a PME the device has pending,
 * whatever the guest wrote there. Found by the corpus-wide hostile-guest run (a FireWire
 * controller whose dump has PME_Status set). */
static void test_pme_status_kept(void **state)
{
	static const struct { uint8_t size; uint16_t off; uint32_t v; } writes[] = {
		{ 2, PMCSR, 0x8003 },     /* D3hot, PME_Status written 1 */
		{ 2, PMCSR, 0x8000 },     /* and back to D0 */
		{ 1, PMCSR + 1, 0x82 },   /* Data_Select alone, PME_Status 1 */
		{ 1, PMCSR, 0x03 },       /* PowerState alone */
	};
	struct mt *t = mt_new(PG_PROFILE_GUEST, NULL);

	(void)state;
	assert_non_null(t);
	t->f.w1c[PMCSR + 1] = 0x80;
	t->f.cfg[PMCSR + 1] = 0x80;  /* a PME is pending */
	for (size_t i = 0; i < sizeof(writes) / sizeof(writes[0]); i++) {
		unsigned before = t->f.nwrites;

		assert_int_equal(mt_wr(t, writes[i].off, writes[i].size, writes[i].v), 0);
		assert_true(t->f.nwrites > before); /* each one did reach the device */
		assert_int_equal(t->f.cfg[PMCSR + 1] & 0x80, 0x80);
	}
	assert_int_equal(mt_rd(t, PMCSR, 2) & 0x8000, 0); /* the guest sees no PME */
	mt_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pmc),
		cmocka_unit_test(test_d3_and_back),
		cmocka_unit_test(test_no_soft_reset),
		cmocka_unit_test(test_pmcsr_cases),
		cmocka_unit_test(test_pme_status_kept),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
