/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Extended capabilities whose controls the host owns (src/lib/mediator/ecap-lock.c): a
 * write to Resizable BAR Size, the SR-IOV controls and VF BARs, ATS/PASID/PRI enables or
 * the ACS controls never reaches the device in any profile, permissive included, and is
 * audited as denied; the register keeps reading the device's value (a VF BAR reads 0).
 * Register layouts are written from PCIe r5.0 (§7.8.6 Resizable BAR, §9.3.3 SR-IOV,
 * §9.3.7.5 VF Resizable BAR, §10.5.1 ATS, §7.8.8 PASID, §10.5.2 PRI, §7.7.8 ACS).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

#include <cmocka.h>

#include "medtest.h"

/* the extended chain of lock_device(): AER, then one of each */
#define REBAR 0x140u
#define SRIOV 0x160u
#define ATS 0x1a0u
#define PASID 0x1b0u
#define PRI 0x1c0u
#define ACS 0x1d0u
#define VFREBAR 0x1e0u

static void w16(struct fake *f, unsigned off, uint16_t v)
{
	f->cfg[off] = (uint8_t)v;
	f->cfg[off + 1] = (uint8_t)(v >> 8);
}

static void ecap(struct fake *f, unsigned off, uint16_t id, unsigned next)
{
	fake_w32(f, off, (uint32_t)id | 1u << 16 | (uint32_t)next << 20);
}

/* mt_device() with, after AER: Resizable BAR (one entry: BAR0, 256 MB, 1 MB-512 MB
 * supported), SR-IOV (VF BAR0 programmed by the host, page size 4 KiB, 8 TotalVFs), ATS,
 * PASID, PRI (a Response Failure pending), ACS (SV, RR, CR, UF enabled; no egress
 * control), VF Resizable BAR (two entries). The fake hardware lets every bit be written,
 * so only the mediator keeps them. */
static void lock_device(struct fake *f)
{
	memset(&f->cfg[MT_DSN], 0, 0x100);
	ecap(f, MT_AER, PG_ECAP_AER, REBAR);
	ecap(f, REBAR, PG_ECAP_REBAR, SRIOV);
	fake_w32(f, REBAR + 4, 0x00003ff0u);      /* sizes 1 MB .. 512 MB (bits 4..13) */
	fake_w32(f, REBAR + 8, 0x00000820u);      /* BAR 0, 1 resizable BAR, size 8: 256 MB */
	ecap(f, SRIOV, PG_ECAP_SRIOV, ATS);
	w16(f, SRIOV + 0x0e, 8);                  /* TotalVFs */
	fake_w32(f, SRIOV + 0x1c, 0x00000553u);   /* supported page sizes */
	fake_w32(f, SRIOV + 0x20, 0x00000001u);   /* System Page Size 4 KiB */
	fake_w32(f, SRIOV + 0x24, 0xf0000004u);   /* VF BAR0: 64-bit, host address */
	fake_w32(f, SRIOV + 0x28, 0x00000001u);
	ecap(f, ATS, PG_ECAP_ATS, PASID);
	w16(f, ATS + 4, 0x0020);                  /* Page Aligned Request */
	ecap(f, PASID, PG_ECAP_PASID, PRI);
	w16(f, PASID + 4, 0x1406);                /* Execute, Privileged, 20-bit PASID */
	ecap(f, PRI, PG_ECAP_PRI, ACS);
	w16(f, PRI + 6, 0x0001);                  /* Response Failure */
	fake_w32(f, PRI + 8, 0x00000100u);        /* capacity */
	ecap(f, ACS, PG_ECAP_ACS, VFREBAR);
	w16(f, ACS + 4, 0x001f);                  /* SV, TB, RR, CR, UF */
	w16(f, ACS + 6, 0x001d);                  /* SV, RR, CR, UF enabled */
	ecap(f, VFREBAR, PG_ECAP_VF_REBAR, 0);
	fake_w32(f, VFREBAR + 4, 0x00000070u);
	fake_w32(f, VFREBAR + 8, 0x00000041u);    /* BAR 1, 2 resizable BARs, 1 MB */
	fake_w32(f, VFREBAR + 0x0c, 0x00000070u);
	fake_w32(f, VFREBAR + 0x10, 0x00000103u); /* BAR 3, 2 MB */
}

static const struct pg_policy_cap adds[] = {
	{ true, PG_ECAP_REBAR }, { true, PG_ECAP_SRIOV }, { true, PG_ECAP_ATS },
	{ true, PG_ECAP_PASID }, { true, PG_ECAP_PRI }, { true, PG_ECAP_ACS },
	{ true, PG_ECAP_VF_REBAR },
};

static struct mt *lock_new(enum pg_profile p)
{
	return mt_new_caps(p, adds, sizeof(adds) / sizeof(adds[0]), lock_device);
}

struct lock_case {
	const char *name;
	uint16_t off;
	uint8_t size;
	uint32_t write;
	uint32_t guest;       /* what the guest reads, before and after */
	const char *rule;     /* the denied record's rule; NULL: the write changes nothing */
};

static const struct lock_case cases[] = {
	{ "rebar-size", REBAR + 8, 4, 0x00000a20u, 0x00000820u, "rebar.control" },
	{ "rebar-size-byte", REBAR + 9, 1, 0x0a, 0x08, "rebar.control" },
	{ "rebar-same", REBAR + 8, 4, 0x00000820u, 0x00000820u, NULL },
	{ "vf-rebar-size-2", VFREBAR + 0x10, 4, 0x00000203u, 0x00000103u, "vf-rebar.control" },
	{ "sriov-vf-enable", SRIOV + 0x08, 2, 0x0019, 0x0000, "sriov.control" },
	{ "sriov-num-vfs", SRIOV + 0x10, 2, 0x0008, 0x0000, "sriov.num-vfs" },
	{ "sriov-page-size", SRIOV + 0x20, 4, 0x00000010u, 0x00000001u, "sriov.page-size" },
	{ "sriov-vf-bar-sizing", SRIOV + 0x24, 4, 0xffffffffu, 0, "sriov.vf-bar" },
	{ "sriov-vf-bar-hi", SRIOV + 0x28, 4, 0x12345678u, 0, "sriov.vf-bar" },
	{ "sriov-vf-bar-zero", SRIOV + 0x24, 4, 0, 0, NULL },
	{ "ats-enable", ATS + 6, 2, 0x8000, 0x0000, "ats.control" },
	{ "pasid-enable", PASID + 6, 2, 0x0007, 0x0000, "pasid.control" },
	{ "pri-enable", PRI + 4, 2, 0x0001, 0x0000, "pri.control" },
	{ "pri-alloc", PRI + 0x0c, 4, 0x00000020u, 0x00000000u, "pri.alloc" },
	{ "acs-clear", ACS + 6, 2, 0x0000, 0x001d, "acs.control" },
};

/* The device's registers must be what lock_device() left, whatever was written. */
static void assert_device_kept(const struct mt *t, const char *name)
{
	struct fake ref;

	mt_device(&ref);
	lock_device(&ref);
	for (unsigned off = 0x100; off < 0x200; off++)
		if (t->f.cfg[off] != ref.cfg[off])
			fail_msg("%s: device byte 0x%03x changed: 0x%02x -> 0x%02x", name, off,
				 ref.cfg[off], t->f.cfg[off]);
}

static void test_locked(void **state)
{
	static const enum pg_profile profiles[] = {
		PG_PROFILE_GUEST, PG_PROFILE_DEVICE_MODEL, PG_PROFILE_PERMISSIVE,
	};

	(void)state;
	for (size_t p = 0; p < 3; p++) {
		for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
			const struct lock_case *c = &cases[i];
			struct mt *t = lock_new(profiles[p]);

			assert_non_null(t);
			if (mt_rd(t, c->off, c->size) != c->guest)
				fail_msg("%s/%s: reads 0x%x before", c->name,
					 pg_profile_name(profiles[p]), mt_rd(t, c->off, c->size));
			assert_int_equal(mt_wr(t, c->off, c->size, c->write), 0);
			if (mt_rd(t, c->off, c->size) != c->guest)
				fail_msg("%s/%s: reads 0x%x after", c->name,
					 pg_profile_name(profiles[p]), mt_rd(t, c->off, c->size));
			/* permissive writes the rest of a Resizable BAR Control through, the
			 * BAR Size bits as the device has them */
			if (t->f.nwrites && profiles[p] != PG_PROFILE_PERMISSIVE)
				fail_msg("%s/%s: the device saw %u writes", c->name,
					 pg_profile_name(profiles[p]), t->f.nwrites);
			assert_device_kept(t, c->name);
			if (t->rec.naudits != (c->rule ? 1u : 0u))
				fail_msg("%s/%s: %u audit records", c->name,
					 pg_profile_name(profiles[p]), t->rec.naudits);
			if (c->rule) {
				assert_string_equal(t->rec.audits[0].rule, c->rule);
				assert_int_equal(t->rec.audits[0].verdict, PG_AUDIT_DENIED);
			}
			mt_free(t);
		}
	}
}

/* Everything else of these capabilities: read-only in the strict profiles (no write, no
 * audit), written through and audited in permissive. The PRI status bits are the host's
 * page-request handler's in every profile. */
static void test_rest(void **state)
{
	struct mt *t = lock_new(PG_PROFILE_GUEST);

	(void)state;
	assert_non_null(t);
	assert_int_equal(mt_wr(t, ATS + 4, 2, 0x0000), 0);
	assert_int_equal(mt_wr(t, REBAR + 4, 4, 0), 0);
	assert_int_equal(mt_wr(t, PRI + 6, 2, 0x0001), 0);
	assert_int_equal(t->f.nwrites, 0);
	assert_int_equal(t->rec.naudits, 0);
	assert_int_equal(mt_rd(t, ATS + 4, 2), 0x0020);
	assert_int_equal(mt_rd(t, SRIOV + 0x0e, 2), 8);
	mt_free(t);

	t = lock_new(PG_PROFILE_PERMISSIVE);
	assert_non_null(t);
	assert_int_equal(mt_wr(t, ATS + 4, 2, 0x0000), 0);
	assert_int_equal(mt_hw(t, ATS + 4, 2), 0x0000);
	assert_int_equal(t->rec.naudits, 1);
	assert_int_equal(t->rec.audits[0].verdict, PG_AUDIT_PERMISSIVE);
	assert_string_equal(t->rec.audits[0].rule, "ecap.ats");
	assert_int_equal(mt_wr(t, PRI + 6, 2, 0x0001), 0);
	assert_int_equal(mt_hw(t, PRI + 6, 2), 0x0001);
	assert_int_equal(t->rec.naudits, 1);
	mt_free(t);
}

/* Without a policy adding them, the strict profiles hide them all. */
static void test_hidden_by_default(void **state)
{
	struct mt *t = calloc(1, sizeof(*t));
	struct pg_mediator_config cfg;

	(void)state;
	assert_non_null(t);
	mt_device(&t->f);
	lock_device(&t->f);
	mt_config(t, &cfg, PG_PROFILE_GUEST);
	assert_int_equal(mt_open_cfg(t, &cfg), 0);
	for (size_t i = 0; i < sizeof(adds) / sizeof(adds[0]); i++)
		assert_false(pg_mediator_cap_visible(t->m, true, adds[i].id));
	assert_int_equal(mt_rd(t, REBAR + 8, 4), 0);
	mt_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_locked),
		cmocka_unit_test(test_rest),
		cmocka_unit_test(test_hidden_by_default),
	};

	mt_unused();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
