/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Power-management extended capabilities (src/lib/mediator/ecap-power.c), from PCIe r5.0:
 * LTR Max Snoop/No-Snoop Latency (§7.8.2: value 9:0, scale 12:10, 15:13 reserved) and the
 * L1 PM Substates controls (§7.8.3: Control 1 reserved 7:6 and 28:26, Control 2 reserved
 * 2 and 31:8) are virtual in guest and device-model (the guest reads back what it wrote,
 * the device keeps the host's values, reserved bits read 0) and written through in
 * permissive; Power Budgeting Data Select (§7.8.1) reaches the device in guest and
 * permissive and is virtual in device-model.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

#include <cmocka.h>

#include "medtest.h"

#define L1SS 0x160u
#define PWR 0x170u

/* mt_device()'s LTR (host values: 3 x 1 us, scale 2), then L1SS and Power Budgeting. */
static void power_device(struct fake *f)
{
	fake_w32(f, MT_LTR, PG_ECAP_LTR | 1u << 16 | (uint32_t)L1SS << 20);
	fake_w32(f, MT_LTR + 4, 0x08030803u);
	fake_w32(f, L1SS, PG_ECAP_L1SS | 1u << 16 | (uint32_t)PWR << 20);
	fake_w32(f, L1SS + 4, 0x0028281fu);        /* capabilities */
	fake_w32(f, L1SS + 8, 0x4000280fu);        /* all four enables, threshold */
	fake_w32(f, L1SS + 0xc, 0x00000028u);      /* T_POWER_ON */
	fake_w32(f, PWR, PG_ECAP_PWR | 1u << 16);
	fake_w32(f, PWR + 8, 0x00001234u);         /* Data of entry 0 */
}

static const struct pg_policy_cap adds[] = {
	{ true, PG_ECAP_LTR }, { true, PG_ECAP_L1SS }, { true, PG_ECAP_PWR },
};

#define G PG_PROFILE_GUEST
#define DM PG_PROFILE_DEVICE_MODEL
#define P PG_PROFILE_PERMISSIVE

struct power_case {
	const char *name;
	enum pg_profile profile;
	uint16_t off;
	uint8_t size;
	uint32_t write;
	uint32_t guest;       /* what the guest reads back */
	uint32_t hw;          /* the device's register afterwards */
	bool audited;         /* one permissive record */
};

static const struct power_case cases[] = {
	{ "g-ltr-snoop", G, MT_LTR + 4, 2, 0x1001, 0x1001, 0x0803, false },
	{ "g-ltr-rsvd", G, MT_LTR + 6, 2, 0xffff, 0x1fff, 0x0803, false },
	{ "g-l1ss-ctl1-off", G, L1SS + 8, 4, 0, 0, 0x4000280fu, false },
	{ "g-l1ss-ctl1-rsvd", G, L1SS + 8, 4, 0xffffffffu, 0xe3ffff3fu, 0x4000280fu, false },
	{ "g-l1ss-ctl2", G, L1SS + 0xc, 4, 0xffffffffu, 0x000000fbu, 0x00000028u, false },
	{ "g-pwr-select", G, PWR + 4, 1, 0x05, 0x05, 0x05, false },
	{ "dm-ltr", DM, MT_LTR + 4, 4, 0, 0, 0x08030803u, false },
	{ "dm-pwr-select", DM, PWR + 4, 1, 0x05, 0x05, 0x00, false },
	{ "p-ltr", P, MT_LTR + 4, 2, 0x1001, 0x1001, 0x1001, true },
	{ "p-l1ss", P, L1SS + 8, 4, 0, 0, 0, true },
};

static void test_power(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct power_case *c = &cases[i];
		struct mt *t = mt_new_caps(c->profile, adds, sizeof(adds) / sizeof(adds[0]),
					   power_device);

		assert_non_null(t);
		assert_int_equal(mt_wr(t, c->off, c->size, c->write), 0);
		if (mt_rd(t, c->off, c->size) != c->guest)
			fail_msg("%s: guest reads 0x%x, expected 0x%x", c->name,
				 mt_rd(t, c->off, c->size), c->guest);
		if (mt_hw(t, c->off, c->size) != c->hw)
			fail_msg("%s: device 0x%x, expected 0x%x", c->name,
				 mt_hw(t, c->off, c->size), c->hw);
		if (t->rec.naudits != (c->audited ? 1u : 0u))
			fail_msg("%s: %u audit records", c->name, t->rec.naudits);
		if (c->audited)
			assert_int_equal(t->rec.audits[0].verdict, PG_AUDIT_PERMISSIVE);
		mt_free(t);
	}
}

/* The virtual copies start at the device's values and go back to them on a reset. */
static void test_initial_and_reset(void **state)
{
	struct mt *t = mt_new_caps(G, adds, sizeof(adds) / sizeof(adds[0]), power_device);

	(void)state;
	assert_non_null(t);
	assert_int_equal(mt_rd(t, MT_LTR + 4, 4), 0x08030803u);
	assert_int_equal(mt_rd(t, L1SS + 8, 4), 0x4000280fu);
	assert_int_equal(mt_rd(t, L1SS + 4, 4), 0x0028281fu);
	assert_int_equal(mt_rd(t, PWR + 8, 4), 0x00001234u);
	assert_int_equal(mt_wr(t, L1SS + 8, 4, 0), 0);
	assert_int_equal(mt_wr(t, L1SS + 4, 4, 0), 0);   /* capabilities: read-only */
	assert_int_equal(mt_rd(t, L1SS + 4, 4), 0x0028281fu);
	assert_int_equal(pg_mediator_reset(t->m), 0);
	assert_int_equal(mt_rd(t, L1SS + 8, 4), 0x4000280fu);
	mt_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_power),
		cmocka_unit_test(test_initial_and_reset),
	};

	mt_unused();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
