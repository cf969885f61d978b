/* SPDX-License-Identifier: GPL-2.0-or-later */
/* PCI Express and AF capabilities (src/lib/mediator/pcie.c): which control bits pass,
 * which are virtual, which are refused, and FLR as a reset effect. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

#include <cmocka.h>

#include "medtest.h"

#define DEVCTL (MT_PCIE + 0x08)
#define DEVSTA (MT_PCIE + 0x0a)
#define LNKCTL (MT_PCIE + 0x10)
#define DEVCTL2 (MT_PCIE + 0x28)
#define LNKCTL2 (MT_PCIE + 0x30)

struct ctl_case {
	const char *name;
	enum pg_profile profile;
	uint16_t off;
	uint16_t write;
	uint16_t guest;
	uint16_t hw;
	const char *audit;    /* rule of the single audit record, or NULL for none */
};

static const struct ctl_case cases[] = {
	{ "devctl-initial", PG_PROFILE_GUEST, DEVCTL, 0x2810, 0x2810, 0x2810, NULL },
	{ "devctl-pass-and-virtual", PG_PROFILE_GUEST, DEVCTL, 0x50ff, 0x50ff, 0x201f, NULL },
	{ "devctl-nosnoop-exttag", PG_PROFILE_GUEST, DEVCTL, 0x2900, 0x2900, 0x2900, NULL },
	{ "devctl-phantom", PG_PROFILE_GUEST, DEVCTL, 0x2a10, 0x2810, 0x2810, "pcie.devctl" },
	{ "devctl-dm-virtual", PG_PROFILE_DEVICE_MODEL, DEVCTL, 0x281f, 0x281f, 0x2810, NULL },
	{ "devctl-perm-mps", PG_PROFILE_PERMISSIVE, DEVCTL, 0x28b0, 0x28b0, 0x28b0, "pcie.devctl" },
	{ "lnkctl-aspm-virtual", PG_PROFILE_GUEST, LNKCTL, 0x0043, 0x0043, 0x0040, NULL },
	{ "lnkctl-disable-refused", PG_PROFILE_GUEST, LNKCTL, 0x0050, 0x0040, 0x0040,
	  "pcie.lnkctl" },
	{ "lnkctl-retrain-refused", PG_PROFILE_GUEST, LNKCTL, 0x0060, 0x0040, 0x0040,
	  "pcie.lnkctl" },
	{ "lnkctl-perm-to-hw", PG_PROFILE_PERMISSIVE, LNKCTL, 0x0042, 0x0042, 0x0042,
	  "pcie.lnkctl" },
	{ "devctl2-ltr-virtual", PG_PROFILE_GUEST, DEVCTL2, 0x0400, 0x0400, 0x0000, NULL },
	{ "devctl2-atomic-ct-pass", PG_PROFILE_GUEST, DEVCTL2, 0x0345, 0x0345, 0x0345, NULL },
	{ "devctl2-ari-refused", PG_PROFILE_GUEST, DEVCTL2, 0x0020, 0x0000, 0x0000,
	  "pcie.devctl2" },
	{ "lnkctl2-compliance-refused", PG_PROFILE_GUEST, LNKCTL2, 0x0013, 0x0003, 0x0000,
	  "pcie.lnkctl2" },
	{ "devcap-ro", PG_PROFILE_GUEST, MT_PCIE + 4, 0x0000, 0x8fc0, 0x8fc0, NULL },
};

static void test_control_bits(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct ctl_case *c = &cases[i];
		struct mt *t = mt_new(c->profile, NULL);

		assert_non_null(t);
		assert_int_equal(mt_wr(t, c->off, 2, c->write), 0);
		if (mt_rd(t, c->off, 2) != c->guest)
			fail_msg("%s: guest 0x%04x, expected 0x%04x", c->name, mt_rd(t, c->off, 2),
				 c->guest);
		if (mt_hw(t, c->off, 2) != c->hw)
			fail_msg("%s: hw 0x%04x, expected 0x%04x", c->name, mt_hw(t, c->off, 2), c->hw);
		if (t->rec.naudits != (c->audit ? 1u : 0u))
			fail_msg("%s: %u audits", c->name, t->rec.naudits);
		if (c->audit)
			assert_string_equal(t->rec.audits[0].rule, c->audit);
		assert_int_equal(mt_count(t, PG_EFFECT_RESET), 0);
		mt_free(t);
	}
}

static void test_devsta_rw1c(void **state)
{
	struct mt *t = mt_new(PG_PROFILE_GUEST, NULL);

	(void)state;
	t->f.cfg[DEVSTA] = 0x25; /* CED, FED, Transactions Pending */
	assert_int_equal(mt_rd(t, DEVSTA, 2), 0x0025);
	assert_int_equal(mt_wr(t, DEVSTA, 2, 0x0021), 0);
	assert_int_equal(mt_hw(t, DEVSTA, 2), 0x0024);
	assert_int_equal(mt_rd(t, DEVSTA, 2), 0x0024);
	/* a DevCtl-only write leaves the status bits alone */
	assert_int_equal(mt_wr(t, DEVCTL, 2, 0x2810), 0);
	assert_int_equal(mt_hw(t, DEVSTA, 2), 0x0024);
	mt_free(t);
}

static void test_flr(void **state)
{
	struct mt *t = mt_new(PG_PROFILE_GUEST, NULL);
	struct pg_write_decision d;

	(void)state;
	assert_int_equal(mt_wr(t, MT_MSI + 2, 2, 0x0001), 0);   /* some guest state */
	assert_int_equal(mt_wr(t, 0x18, 4, 0xf0000000), 0);
	assert_int_equal(pg_mediator_decide_write(t->m, DEVCTL, 2, 0xa810, &d), 0);
	assert_int_equal(d.neffects, 2);
	assert_int_equal(d.effects[0].kind, PG_EFFECT_CFG_WRITE);
	assert_int_equal(d.effects[0].u.cfg.value & 0x8000, 0);   /* never a raw FLR write */
	assert_int_equal(d.effects[1].kind, PG_EFFECT_RESET);
	assert_string_equal(d.effects[1].u.reset.why, "pcie-flr");
	assert_int_equal(pg_mediator_apply(t->m, &d), 0);
	assert_int_equal(t->f.resets, 1);
	assert_int_equal(t->f.last_reset, PG_RESET_ANY);
	assert_int_equal(mt_count(t, PG_EFFECT_RESET), 1);       /* the VMM is told */
	for (unsigned i = 0; i < t->f.nwrites; i++)
		if (t->f.writes[i].off <= DEVCTL + 1 && t->f.writes[i].off + t->f.writes[i].size > DEVCTL)
			assert_int_equal((t->f.writes[i].val << (8 * (t->f.writes[i].off - DEVCTL))) &
					 0x8000, 0);
	assert_int_equal(mt_rd(t, DEVCTL, 2) & 0x8000, 0);
	/* virtual state starts over */
	assert_int_equal(mt_rd(t, MT_MSI + 2, 2) & 1, 0);
	assert_int_equal(mt_rd(t, 0x18, 4), 0);
	mt_free(t);
}

static void test_flr_policy_order(void **state)
{
	struct pg_policy_entry pol;
	struct mt *t;

	(void)state;
	memset(&pol, 0, sizeof(pol));
	pol.reset_prefer[0] = PG_RESET_PM;
	pol.reset_prefer[1] = PG_RESET_BUS;
	pol.reset_prefer[2] = PG_RESET_FLR;
	pol.n_reset_prefer = 3;
	pol.reset_avoid = 0;
	t = mt_new(PG_PROFILE_GUEST, &pol);
	assert_int_equal(mt_wr(t, DEVCTL, 2, 0x8000), 0);
	assert_int_equal(t->f.resets, 1);
	assert_int_equal(t->f.last_reset, PG_RESET_FLR); /* PM and bus unavailable */
	mt_free(t);

	/* nothing works: the error reaches the caller (fail closed) */
	memset(&pol, 0, sizeof(pol));
	pol.reset_prefer[0] = PG_RESET_BUS;
	pol.n_reset_prefer = 1;
	t = mt_new(PG_PROFILE_GUEST, &pol);
	assert_int_equal(mt_wr(t, DEVCTL, 2, 0x8000), -EOPNOTSUPP);
	assert_int_equal(t->f.resets, 0);
	mt_free(t);
}

static bool audited(const struct mt *t, const char *rule, uint64_t off)
{
	for (unsigned i = 0; i < t->rec.naudits; i++)
		if (strcmp(t->rec.audits[i].rule, rule) == 0 && t->rec.audits[i].offset == off &&
		    t->rec.audits[i].verdict == PG_AUDIT_DENIED)
			return true;
	return false;
}

/* Issue 7: "reset: { avoid: [...] }" was never enforced (a guest FLR still reset the
 * device with method "any"). The backend now receives only the allowed order, and with
 * nothing allowed the reset is refused, returned to the caller and audited. */
static void test_flr_reset_avoid(void **state)
{
	const uint32_t all = PG_POLICY_RESET_BIT(PG_RESET_FLR) | PG_POLICY_RESET_BIT(PG_RESET_PM) |
			     PG_POLICY_RESET_BIT(PG_RESET_BUS);
	enum pg_reset_method order[PG_RESET_MAX_METHODS];
	struct pg_policy_entry pol;
	struct mt *t;

	(void)state;
	memset(&pol, 0, sizeof(pol));
	pol.reset_avoid = all;
	t = mt_new(PG_PROFILE_GUEST, &pol);
	assert_int_equal(pg_mediator_reset_methods(t->m, order), 0);
	assert_int_equal(mt_wr(t, DEVCTL, 2, 0x8000), -EPERM);
	assert_int_equal(t->f.reset_calls, 0);             /* the backend is never asked */
	assert_true(audited(t, "reset:avoided", DEVCTL));
	assert_int_equal(pg_mediator_reset(t->m), -EPERM);   /* the VMM's reset too */
	assert_true(audited(t, "reset:avoided", 0));
	assert_int_equal(t->f.reset_calls, 0);
	assert_int_equal(mt_count(t, PG_EFFECT_RESET), 0);   /* never reported as done */
	mt_free(t);

	/* avoid FLR only: the default order without it; the backend has FLR and PM */
	memset(&pol, 0, sizeof(pol));
	pol.reset_avoid = PG_POLICY_RESET_BIT(PG_RESET_FLR);
	t = mt_new(PG_PROFILE_GUEST, &pol);
	t->f.reset_ok = (uint8_t)((1u << PG_RESET_FLR) | (1u << PG_RESET_PM));
	assert_int_equal(pg_mediator_reset_methods(t->m, order), 2);
	assert_int_equal(order[0], PG_RESET_PM);
	assert_int_equal(order[1], PG_RESET_BUS);
	assert_int_equal(mt_wr(t, DEVCTL, 2, 0x8000), 0);
	assert_int_equal(t->f.resets, 1);
	assert_int_equal(t->f.last_reset, PG_RESET_PM);
	mt_free(t);

	/* allowed but not available: -EOPNOTSUPP, audited with the register */
	memset(&pol, 0, sizeof(pol));
	pol.reset_prefer[0] = PG_RESET_BUS;
	pol.n_reset_prefer = 1;
	pol.reset_avoid = PG_POLICY_RESET_BIT(PG_RESET_FLR);
	t = mt_new(PG_PROFILE_GUEST, &pol);
	assert_int_equal(pg_mediator_reset_methods(t->m, order), 1);
	assert_int_equal(mt_wr(t, DEVCTL, 2, 0x8000), -EOPNOTSUPP);
	assert_int_equal(t->f.reset_calls, 1);
	assert_int_equal(t->f.resets, 0);
	assert_true(audited(t, "reset:unsupported", DEVCTL));
	mt_free(t);

	/* no policy: the backend chooses */
	t = mt_new(PG_PROFILE_GUEST, NULL);
	assert_int_equal(pg_mediator_reset_methods(t->m, order), 1);
	assert_int_equal(order[0], PG_RESET_ANY);
	assert_int_equal(pg_mediator_reset_methods(NULL, order), -EINVAL);
	mt_free(t);
}

static void test_flr_without_capability(void **state)
{
	struct mt t0, *t = &t0;
	struct pg_mediator_config cfg;

	(void)state;
	memset(t, 0, sizeof(*t));
	mt_device(&t->f);
	t->f.cfg[MT_PCIE + 7] = 0x00; /* DevCap FLR clear */
	mt_config(t, &cfg, PG_PROFILE_DEVICE_MODEL);
	assert_int_equal(mt_open_cfg(t, &cfg), 0);
	assert_int_equal(mt_wr(t, DEVCTL, 2, 0x8000), 0);
	assert_int_equal(t->f.resets, 0);
	assert_int_equal(t->f.nwrites, 0);
	pg_mediator_free(t->m);
	pg_backend_close(t->be);
}

static void test_af_flr(void **state)
{
	struct pg_policy_entry pol;
	struct pg_policy_cap add = { false, PG_CAP_AF };
	struct mt *t;

	(void)state;
	memset(&pol, 0, sizeof(pol));
	pol.cap_add = &add;
	pol.n_cap_add = 1;
	t = mt_new(PG_PROFILE_GUEST, &pol);
	assert_true(pg_mediator_cap_visible(t->m, false, PG_CAP_AF));
	assert_int_equal(mt_rd(t, MT_AF, 4), 0x03060013);
	assert_int_equal(mt_wr(t, MT_AF + 4, 1, 0x01), 0);
	assert_int_equal(t->f.resets, 1);
	assert_int_equal(mt_count(t, PG_EFFECT_RESET), 1);
	assert_string_equal(t->rec.effects[0].u.reset.why, "af-flr");
	assert_int_equal(mt_rd(t, MT_AF + 4, 1), 0);
	assert_int_equal(t->f.nwrites == 0 || t->f.writes[0].off != MT_AF + 4, 1);
	mt_free(t);
}

struct dm_flr_case {
	const char *name;
	uint16_t off;
	uint8_t size;
	uint32_t value;
	bool af;               /* the policy adds the AF capability */
	uint16_t aoff;         /* the audit record: the register's part of the access */
	uint8_t asize;
	uint32_t avalue;
};

static const struct dm_flr_case dm_flrs[] = {
	{ "pcie-flr", DEVCTL, 2, 0x8000, false, DEVCTL, 2, 0x8000 },
	{ "pcie-flr-with-devctl-bits", DEVCTL, 2, 0xa810, false, DEVCTL, 2, 0xa810 },
	{ "pcie-flr-high-byte", DEVCTL + 1, 1, 0x80, false, DEVCTL + 1, 1, 0x80 },
	{ "pcie-flr-dword", DEVCTL, 4, 0x00008000, false, DEVCTL, 2, 0x8000 },
	{ "af-flr", MT_AF + 4, 1, 0x01, true, MT_AF + 4, 1, 0x01 },
	{ "af-flr-word", MT_AF + 4, 2, 0x0001, true, MT_AF + 4, 1, 0x01 },
};

/* Device-model profile: the toolstack owns resets, so a guest FLR request (PCIe DevCtl
 * Initiate FLR, AF Control) is refused and audited: no reset, no BAR/ROM/Command restore,
 * nothing written, and the guest's virtual state survives. */
static void test_dm_flr_denied(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(dm_flrs) / sizeof(dm_flrs[0]); i++) {
		const struct dm_flr_case *c = &dm_flrs[i];
		struct pg_policy_cap add = { false, PG_CAP_AF };
		struct pg_policy_entry pol;
		struct pg_write_decision d;
		struct mt *t;
		uint32_t bar2;

		memset(&pol, 0, sizeof(pol));
		pol.profile = PG_PROFILE_DEVICE_MODEL;
		pol.cap_add = &add;
		pol.n_cap_add = c->af ? 1 : 0;
		t = mt_new(PG_PROFILE_DEVICE_MODEL, &pol);
		assert_non_null(t);
		assert_int_equal(mt_wr(t, MT_MSIX + 2, 2, 0x800f), 0);  /* some guest state */
		assert_int_equal(mt_wr(t, 0x18, 4, 0xf0000000), 0);
		bar2 = mt_rd(t, 0x18, 4);
		t->f.nwrites = 0;
		t->rec.naudits = 0;
		t->rec.neffects = 0;
		assert_int_equal(pg_mediator_decide_write(t->m, c->off, c->size, c->value, &d), 0);
		for (unsigned k = 0; k < d.neffects; k++)
			if (d.effects[k].kind == PG_EFFECT_RESET ||
			    d.effects[k].kind == PG_EFFECT_RESTORE ||
			    d.effects[k].kind == PG_EFFECT_CFG_WRITE)
				fail_msg("%s: effect kind %d decided", c->name,
					 (int)d.effects[k].kind);
		assert_int_equal(pg_mediator_apply(t->m, &d), 0);
		assert_int_equal(t->f.resets, 0);
		assert_int_equal(t->f.nwrites, 0);
		assert_int_equal(mt_count(t, PG_EFFECT_RESET), 0);
		if (t->rec.naudits != 1)
			fail_msg("%s: %u audit records, expected 1", c->name, t->rec.naudits);
		assert_string_equal(t->rec.audits[0].rule, "device-model:reset");
		assert_int_equal(t->rec.audits[0].verdict, PG_AUDIT_DENIED);
		assert_int_equal(t->rec.audits[0].offset, c->aoff);
		assert_int_equal(t->rec.audits[0].size, c->asize);
		assert_int_equal(t->rec.audits[0].value, c->avalue);
		/* the guest's state is still there */
		assert_int_equal(mt_rd(t, MT_MSIX + 2, 2) & 0x8000, 0x8000);
		assert_int_equal(mt_rd(t, 0x18, 4), bar2);
		assert_int_equal(pg_mediator_irq_type(t->m), PG_IRQ_MSIX);
		mt_free(t);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_control_bits),
		cmocka_unit_test(test_devsta_rw1c),
		cmocka_unit_test(test_flr),
		cmocka_unit_test(test_flr_policy_order),
		cmocka_unit_test(test_flr_reset_avoid),
		cmocka_unit_test(test_flr_without_capability),
		cmocka_unit_test(test_af_flr),
		cmocka_unit_test(test_dm_flr_denied),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
