/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Capability filtering (src/lib/mediator/caps-filter.c): allow-lists per profile and
 * policy, unlinking of hidden standard and extended capabilities (including the first
 * extended one), hide-on-failure, and the default-deny of hidden bytes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

#include <cmocka.h>

#include "medtest.h"

/* Walk the guest's standard list (bounded) into ids[]; returns the count. */
static unsigned guest_std_chain(struct mt *t, uint16_t *offs, uint8_t *ids, unsigned max)
{
	unsigned n = 0;
	uint8_t p;

	if (!(mt_rd(t, 0x06, 2) & 0x10))
		return 0;
	p = (uint8_t)mt_rd(t, 0x34, 1);
	while (p && n < max) {
		offs[n] = p;
		ids[n++] = (uint8_t)mt_rd(t, p, 1);
		p = (uint8_t)mt_rd(t, (uint16_t)(p + 1), 1);
	}
	return n;
}

static unsigned guest_ext_chain(struct mt *t, uint16_t *offs, uint16_t *ids, unsigned max)
{
	unsigned n = 0;
	uint16_t p = 0x100;

	while (p && n < max) {
		uint32_t h = mt_rd(t, p, 4);

		if (h == 0)
			break;
		offs[n] = p;
		ids[n++] = (uint16_t)h;
		p = (uint16_t)(h >> 20);
	}
	return n;
}

struct chain_case {
	const char *name;
	enum pg_profile profile;
	struct pg_policy_cap add[4], remove[4];
	size_t nadd, nremove;
	uint8_t std[8];
	unsigned nstd;
	uint16_t ext[4];
	unsigned next;
	uint32_t hdr100;     /* what 0x100 reads */
};

#define PC(e, i) { (e), (i) }

static const struct chain_case chains[] = {
	{ "guest", PG_PROFILE_GUEST, { { 0 } }, { { 0 } }, 0, 0,
	  { PG_CAP_PM, PG_CAP_MSI, PG_CAP_MSIX, PG_CAP_EXP }, 4, { 0 }, 0, 0 },
	{ "device-model", PG_PROFILE_DEVICE_MODEL, { { 0 } }, { { 0 } }, 0, 0,
	  { PG_CAP_PM, PG_CAP_MSI, PG_CAP_MSIX, PG_CAP_EXP }, 4, { 0 }, 0, 0 },
	{ "permissive", PG_PROFILE_PERMISSIVE, { { 0 } }, { { 0 } }, 0, 0,
	  { PG_CAP_PM, PG_CAP_MSI, PG_CAP_MSIX, PG_CAP_EXP, PG_CAP_VNDR, PG_CAP_AF }, 6,
	  { PG_ECAP_AER, PG_ECAP_DSN, PG_ECAP_LTR }, 3, 0x14010001 },
	{ "guest-remove-msi-add-vndr", PG_PROFILE_GUEST, { PC(false, PG_CAP_VNDR) },
	  { PC(false, PG_CAP_MSI) }, 1, 1,
	  { PG_CAP_PM, PG_CAP_MSIX, PG_CAP_EXP, PG_CAP_VNDR }, 4, { 0 }, 0, 0 },
	{ "guest-add-first-ecap", PG_PROFILE_GUEST, { PC(true, PG_ECAP_AER) }, { { 0 } }, 1, 0,
	  { PG_CAP_PM, PG_CAP_MSI, PG_CAP_MSIX, PG_CAP_EXP }, 4, { PG_ECAP_AER }, 1,
	  0x00010001 },
	{ "guest-add-later-ecap", PG_PROFILE_GUEST, { PC(true, PG_ECAP_DSN) }, { { 0 } }, 1, 0,
	  { PG_CAP_PM, PG_CAP_MSI, PG_CAP_MSIX, PG_CAP_EXP }, 4, { 0, PG_ECAP_DSN }, 2,
	  0x14000000 },
	{ "permissive-remove-middle-ecap", PG_PROFILE_PERMISSIVE, { { 0 } },
	  { PC(true, PG_ECAP_DSN), PC(false, PG_CAP_PM) }, 0, 2,
	  { PG_CAP_MSI, PG_CAP_MSIX, PG_CAP_EXP, PG_CAP_VNDR, PG_CAP_AF }, 5,
	  { PG_ECAP_AER, PG_ECAP_LTR }, 2, 0x15010001 },
	{ "permissive-remove-first-ecap", PG_PROFILE_PERMISSIVE, { { 0 } },
	  { PC(true, PG_ECAP_AER) }, 0, 1,
	  { PG_CAP_PM, PG_CAP_MSI, PG_CAP_MSIX, PG_CAP_EXP, PG_CAP_VNDR, PG_CAP_AF }, 6,
	  { 0, PG_ECAP_DSN, PG_ECAP_LTR }, 3, 0x14000000 },
	{ "guest-remove-everything", PG_PROFILE_GUEST, { { 0 } },
	  { PC(false, PG_CAP_PM), PC(false, PG_CAP_MSI), PC(false, PG_CAP_MSIX),
	    PC(false, PG_CAP_EXP) }, 0, 4, { 0 }, 0, { 0 }, 0, 0 },
};

static void test_chains(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(chains) / sizeof(chains[0]); i++) {
		const struct chain_case *c = &chains[i];
		struct pg_policy_entry pol;
		struct mt *t;
		uint16_t offs[16], eids[16];
		uint8_t ids[16];
		unsigned n;

		memset(&pol, 0, sizeof(pol));
		pol.profile = c->profile;
		pol.cap_add = c->add;
		pol.n_cap_add = c->nadd;
		pol.cap_remove = c->remove;
		pol.n_cap_remove = c->nremove;
		t = mt_new(c->profile, &pol);
		assert_non_null(t);
		n = guest_std_chain(t, offs, ids, 16);
		if (n != c->nstd)
			fail_msg("%s: %u standard caps, expected %u", c->name, n, c->nstd);
		for (unsigned k = 0; k < n; k++) {
			assert_int_equal(ids[k], c->std[k]);
			assert_true(pg_mediator_cap_visible(t->m, false, ids[k]));
		}
		assert_int_equal(mt_rd(t, 0x06, 2) & 0x10, c->nstd ? 0x10 : 0);
		if (!c->nstd)
			assert_int_equal(mt_rd(t, 0x34, 1), 0);
		if (mt_rd(t, 0x100, 4) != c->hdr100)
			fail_msg("%s: 0x100 reads 0x%08x, expected 0x%08x", c->name,
				 mt_rd(t, 0x100, 4), c->hdr100);
		n = guest_ext_chain(t, offs, eids, 16);
		if (n != c->next)
			fail_msg("%s: %u ext caps, expected %u", c->name, n, c->next);
		for (unsigned k = 0; k < n; k++)
			assert_int_equal(eids[k], c->ext[k]);
		assert_int_equal(t->f.nwrites, 0);
		mt_free(t);
	}
}

struct hidden_case {
	enum pg_profile profile;
	uint16_t off;
	const char *rule;
};

static const struct hidden_case hidden[] = {
	{ PG_PROFILE_GUEST, MT_VNDR + 4, "hidden-cap:vndr" },
	{ PG_PROFILE_GUEST, MT_VNDR, "hidden-cap:vndr" },
	{ PG_PROFILE_GUEST, MT_AF, "hidden-cap:af" },
	{ PG_PROFILE_GUEST, MT_AER + 8, "hidden-cap:ext:aer" },
	{ PG_PROFILE_GUEST, MT_DSN + 4, "hidden-cap:ext:dsn" },
	{ PG_PROFILE_DEVICE_MODEL, MT_LTR, "hidden-cap:ext:ltr" },
	{ PG_PROFILE_GUEST, 0xe0, "default-deny" },
	{ PG_PROFILE_GUEST, 0x800, "default-deny" },
};

/* Hidden bytes read the fixed value and writes to them are dropped and audited. */
static void test_hidden_bytes(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(hidden) / sizeof(hidden[0]); i++) {
		struct mt *t = mt_new(hidden[i].profile, NULL);
		struct pg_audit_counters c;
		uint32_t before = mt_hw(t, hidden[i].off, 4);

		assert_int_equal(mt_rd(t, hidden[i].off, 4), PG_MEDIATOR_DENY_BYTE * 0x01010101u);
		assert_int_equal(mt_wr(t, hidden[i].off, 4, 0xa5a5a5a5), 0);
		assert_int_equal(mt_hw(t, hidden[i].off, 4), before);
		assert_int_equal(t->f.nwrites, 0);
		assert_int_equal(t->rec.naudits, 1);
		assert_string_equal(t->rec.audits[0].rule, hidden[i].rule);
		assert_int_equal(t->rec.audits[0].verdict, PG_AUDIT_DENIED);
		assert_int_equal(t->rec.audits[0].offset, hidden[i].off);
		assert_int_equal(t->rec.audits[0].value, 0xa5a5a5a5);
		pg_mediator_counters(t->m, &c);
		assert_int_equal(c.denied, 1);
		assert_int_equal(c.reads_fixed, 1);
		mt_free(t);
	}
}

struct placeholder_case {
	const char *name;
	enum pg_profile profile;
	struct pg_policy_cap remove;
	bool has_remove;
	uint16_t off;
	uint8_t size;
	uint32_t hdr100;     /* the placeholder: ID 0, version 0, next visible capability */
};

static const struct placeholder_case placeholders[] = {
	{ "guest-dword", PG_PROFILE_GUEST, { 0 }, false, 0x100, 4, 0 },
	{ "guest-id-word", PG_PROFILE_GUEST, { 0 }, false, 0x100, 2, 0 },
	{ "guest-next-byte", PG_PROFILE_GUEST, { 0 }, false, 0x103, 1, 0 },
	{ "device-model-version-word", PG_PROFILE_DEVICE_MODEL, { 0 }, false, 0x102, 2, 0 },
	{ "permissive-first-removed", PG_PROFILE_PERMISSIVE, { true, PG_ECAP_AER }, true, 0x100,
	  4, 0x14000000 },
};

/* The first extended capability cannot be unlinked, so when it is hidden 0x100 keeps an
 * ID-0 placeholder. Its bytes are still the hidden capability's: every write to them is
 * dropped and audited as "hidden-cap:<name>" like any other hidden byte (a silent drop
 * would let a guest probe the hidden AER header without a trace). */
static void test_hidden_placeholder_audited(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(placeholders) / sizeof(placeholders[0]); i++) {
		const struct placeholder_case *c = &placeholders[i];
		uint32_t v = 0xa5a5a5a5u & (c->size == 4 ? ~0u : (1u << (8 * c->size)) - 1u);
		struct pg_policy_entry pol;
		struct pg_audit_counters cnt;
		struct mt *t;

		memset(&pol, 0, sizeof(pol));
		pol.profile = c->profile;
		pol.cap_remove = &c->remove;
		pol.n_cap_remove = c->has_remove ? 1 : 0;
		t = mt_new(c->profile, &pol);
		assert_non_null(t);
		assert_false(pg_mediator_cap_visible(t->m, true, PG_ECAP_AER));
		assert_int_equal(mt_rd(t, 0x100, 4), c->hdr100);
		assert_int_equal(mt_wr(t, c->off, c->size, v), 0);
		assert_int_equal(mt_rd(t, 0x100, 4), c->hdr100);   /* the write changed nothing */
		assert_int_equal(t->f.nwrites, 0);
		if (t->rec.naudits != 1)
			fail_msg("%s: %u audit records, expected 1", c->name, t->rec.naudits);
		assert_string_equal(t->rec.audits[0].rule, "hidden-cap:ext:aer");
		assert_int_equal(t->rec.audits[0].verdict, PG_AUDIT_DENIED);
		assert_int_equal(t->rec.audits[0].offset, c->off);
		assert_int_equal(t->rec.audits[0].size, c->size);
		assert_int_equal(t->rec.audits[0].value, v);
		pg_mediator_counters(t->m, &cnt);
		assert_int_equal(cnt.denied, 1);
		assert_int_equal(cnt.permissive, 0);
		mt_free(t);
	}
}

static void build_and_open(struct mt *t, enum pg_profile p)
{
	struct pg_mediator_config cfg;

	mt_config(t, &cfg, p);
	assert_int_equal(mt_open_cfg(t, &cfg), 0);
}

static void close_t(struct mt *t)
{
	pg_mediator_free(t->m);
	pg_backend_close(t->be);
}

struct fail_case {
	const char *name;
	uint16_t off;
	uint32_t val;
	uint8_t size;
	uint8_t hidden_id;
	const char *log;
};

static const struct fail_case fails[] = {
	{ "msix-bir-no-bar", MT_MSIX + 4, MT_TABLE | 3, 4, PG_CAP_MSIX, "MSI-X" },
	{ "msix-bir-reserved", MT_MSIX + 4, MT_TABLE | 7, 4, PG_CAP_MSIX, "MSI-X" },
	{ "msix-table-past-bar", MT_MSIX + 4, 0x3f80, 4, PG_CAP_MSIX, "MSI-X" },
	{ "msix-pba-in-io-bar", MT_MSIX + 8, 0x0 | 4, 4, PG_CAP_MSIX, "MSI-X" },
	{ "msix-overlap", MT_MSIX + 8, MT_TABLE + 0x80, 4, PG_CAP_MSIX, "overlap" },
	{ "pcie-root-port", MT_PCIE + 2, 0x0042, 2, PG_CAP_EXP, "Root Port" },
};

/* A capability whose handler fails is hidden with a diagnostic; the device still works. */
static void test_hide_on_failure(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(fails) / sizeof(fails[0]); i++) {
		const struct fail_case *c = &fails[i];
		struct mt t0, *t = &t0;
		uint16_t offs[16];
		uint8_t ids[16];
		unsigned n;
		bool found_log = false;

		memset(t, 0, sizeof(*t));
		mt_device(&t->f);
		for (unsigned b = 0; b < c->size; b++)
			t->f.cfg[c->off + b] = (uint8_t)(c->val >> (8 * b));
		build_and_open(t, PG_PROFILE_GUEST);
		assert_false(pg_mediator_cap_visible(t->m, false, c->hidden_id));
		n = guest_std_chain(t, offs, ids, 16);
		assert_int_equal(n, 3);
		for (unsigned k = 0; k < n; k++)
			assert_int_not_equal(ids[k], c->hidden_id);
		for (unsigned k = 0; k < t->rec.nlogs; k++)
			found_log |= strstr(t->rec.logs[k], c->log) != NULL;
		if (!found_log)
			fail_msg("%s: no diagnostic mentioning %s", c->name, c->log);
		close_t(t);
	}
}

/* Overlapping and duplicate capabilities from a hostile device: the later one is hidden,
 * nothing of it is half-registered. */
static void test_hostile_caps(void **state)
{
	struct mt t0, *t = &t0;
	struct pg_write_decision d;

	(void)state;
	memset(t, 0, sizeof(*t));
	mt_device(&t->f);
	/* a second MSI capability in place of the vendor one */
	t->f.cfg[MT_VNDR] = PG_CAP_MSI;
	t->f.cfg[MT_VNDR + 2] = 0x00;
	t->f.cfg[MT_VNDR + 3] = 0x00;
	build_and_open(t, PG_PROFILE_PERMISSIVE);
	assert_true(pg_mediator_cap_visible(t->m, false, PG_CAP_MSI));
	assert_int_equal(mt_rd(t, MT_VNDR, 4), 0);
	assert_int_equal(mt_rd(t, MT_PCIE + 1, 1), MT_AF); /* chain skips the duplicate */
	assert_int_equal(pg_mediator_decide_write(t->m, MT_VNDR + 2, 2, 1, &d), 0);
	assert_int_equal(d.neffects, 0);
	close_t(t);

	/* MSI overlapping PM's registers */
	memset(t, 0, sizeof(*t));
	mt_device(&t->f);
	t->f.cfg[MT_PM + 1] = 0x44;
	t->f.cfg[0x44] = PG_CAP_MSI;
	t->f.cfg[0x45] = MT_MSIX;
	build_and_open(t, PG_PROFILE_GUEST);
	assert_true(pg_mediator_cap_visible(t->m, false, PG_CAP_PM));
	assert_false(pg_mediator_cap_visible(t->m, false, PG_CAP_MSI));
	assert_int_equal(mt_rd(t, MT_PM + 1, 1), MT_MSIX);
	close_t(t);
}

static void test_no_ext_cfg_flag(void **state)
{
	struct pg_policy_entry pol;
	struct mt *t;

	(void)state;
	memset(&pol, 0, sizeof(pol));
	pol.profile = PG_PROFILE_PERMISSIVE;
	pol.flags = PG_POLICY_F_NO_EXT_CFG;
	t = mt_new(PG_PROFILE_PERMISSIVE, &pol);
	assert_non_null(t);
	assert_int_equal(mt_rd(t, 0x100, 4), 0);
	assert_false(pg_mediator_cap_visible(t->m, true, PG_ECAP_AER));
	assert_int_equal(mt_wr(t, 0x100, 4, 1), 0);
	assert_int_equal(t->rec.naudits, 1);
	assert_string_equal(t->rec.audits[0].rule, "no-ext-cfg");
	assert_int_equal(t->f.nwrites, 0);
	mt_free(t);
}

/* A conventional (256-byte) device has no extended space at all. */
static void test_short_config(void **state)
{
	struct mt t0, *t = &t0;
	struct pg_read_decision r;

	(void)state;
	memset(t, 0, sizeof(*t));
	mt_device(&t->f);
	t->f.cfg_len = 256;
	build_and_open(t, PG_PROFILE_PERMISSIVE);
	assert_int_equal(pg_mediator_decide_read(t->m, 0x100, 4, &r), -EINVAL);
	assert_int_equal(mt_rd(t, 0x34, 1), MT_PM);
	close_t(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_chains),
		cmocka_unit_test(test_hidden_bytes),
		cmocka_unit_test(test_hidden_placeholder_audited),
		cmocka_unit_test(test_hide_on_failure),
		cmocka_unit_test(test_hostile_caps),
		cmocka_unit_test(test_no_ext_cfg_flag),
		cmocka_unit_test(test_short_config),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
