/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Match keys (src/lib/policy/match.c): syntax, canonical formatting, lookup precedence and
 * the duplicate/overlap rules that keep the winner unique whatever the entry order.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <pcigate/policy.h>

#include "policy/policy-private.h"

#define N_ELEM(a) (sizeof(a) / sizeof((a)[0]))

/* ---- syntax ---------------------------------------------------------------------------- */

struct parse_case {
	const char *text;
	const char *canon;   /* NULL: must be rejected */
	const char *why;     /* substring of the reason when rejected */
};

static const struct parse_case parse_cases[] = {
	{ "8086:15b8", "8086:15b8", NULL },
	{ "8086:15B8", "8086:15b8", NULL },
	{ "0000:0000", "0000:0000", NULL },
	{ "8086:1500-15ff", "8086:1500-15ff", NULL },
	{ "8086:0000-ffff", "8086:*", NULL },
	{ "8086:*", "8086:*", NULL },
	{ "8086:15b8:17aa:2233", "8086:15b8:17aa:2233", NULL },
	{ "8086:15b8@03", "8086:15b8@03", NULL },
	{ "8086:15b8:17aa:2233@ff", "8086:15b8:17aa:2233@ff", NULL },
	{ "8086:*:17aa:2233@00", "8086:*:17aa:2233@00", NULL },
	{ "10ec:8000-8fff:ffff:ffff", "10ec:8000-8fff:ffff:ffff", NULL },
	{ "", NULL, "VVVV:DDDD" },
	{ "8086", NULL, "VVVV:DDDD" },
	{ "808:15b8", NULL, "VVVV:DDDD" },
	{ "80866:15b8", NULL, "VVVV:DDDD" },
	{ "8086-15b8", NULL, "VVVV:DDDD" },
	{ "ffff:15b8", NULL, "vendor ffff" },
	{ "FFFF:*", NULL, "vendor ffff" },
	{ "8086:", NULL, "device ID" },
	{ "8086:15b", NULL, "device ID" },
	{ "8086:15b88", NULL, "device ID" },
	{ "8086:0x15", NULL, "device ID" },
	{ "8086:**", NULL, "unexpected text" },
	{ "8086:1500-", NULL, "range end" },
	{ "8086:1500-15f", NULL, "range end" },
	{ "8086:1500-1500", NULL, "low to high" },
	{ "8086:15ff-1500", NULL, "low to high" },
	{ "8086:*-ffff", NULL, "unexpected text" },
	{ "8086:15b8:17aa", NULL, "subsystem" },
	{ "8086:15b8:17aa:", NULL, "subsystem" },
	{ "8086:15b8:17aa:22334", NULL, "subsystem" },
	{ "8086:15b8:17aa-2233", NULL, "subsystem" },
	{ "8086:15b8@3", NULL, "revision" },
	{ "8086:15b8@003", NULL, "revision" },
	{ "8086:15b8@", NULL, "revision" },
	{ "8086:15b8@03:17aa:2233", NULL, "unexpected text" },
	{ "8086:15b8 ", NULL, "unexpected text" },
	{ " 8086:15b8", NULL, "VVVV:DDDD" },
};

static void test_parse(void **state)
{
	for (size_t i = 0; i < N_ELEM(parse_cases); i++) {
		const struct parse_case *t = &parse_cases[i];
		struct pg_policy_match m;
		const char *why = NULL;
		char buf[32];
		int r = pp_match_parse(t->text, &m, &why);

		if (!t->canon) {
			if (r != -EINVAL || !why || !strstr(why, t->why))
				fail_msg("'%s': expected rejection with '%s', got %d '%s'", t->text,
					 t->why, r, why ? why : "(null)");
			continue;
		}
		if (r != 0)
			fail_msg("'%s' rejected: %s", t->text, why);
		assert_true(pg_policy_match_format(&m, buf, sizeof(buf)) < (int)sizeof(buf));
		if (strcmp(buf, t->canon) != 0)
			fail_msg("'%s' formats as '%s', expected '%s'", t->text, buf, t->canon);
	}
}

static void test_parse_fields(void **state)
{
	struct pg_policy_match m;
	const char *why;

	assert_int_equal(pp_match_parse("8086:1500-15ff:17aa:2233@03", &m, &why), 0);
	assert_int_equal(m.vendor, 0x8086);
	assert_int_equal(m.device_lo, 0x1500);
	assert_int_equal(m.device_hi, 0x15ff);
	assert_true(m.has_subsys);
	assert_int_equal(m.subvendor, 0x17aa);
	assert_int_equal(m.subdevice, 0x2233);
	assert_true(m.has_revision);
	assert_int_equal(m.revision, 0x03);

	assert_int_equal(pp_match_parse("8086:15b8", &m, &why), 0);
	assert_false(m.has_subsys);
	assert_false(m.has_revision);
	assert_int_equal(m.device_lo, m.device_hi);
}

static void test_match_device(void **state)
{
	struct pg_policy_match m;
	const char *why;

	assert_int_equal(pp_match_parse("8086:1500-15ff:17aa:2233@03", &m, &why), 0);
	assert_true(pg_policy_match_device(&m, 0x8086, 0x1500, 0x17aa, 0x2233, 0x03));
	assert_true(pg_policy_match_device(&m, 0x8086, 0x15ff, 0x17aa, 0x2233, 0x03));
	assert_false(pg_policy_match_device(&m, 0x8086, 0x14ff, 0x17aa, 0x2233, 0x03));
	assert_false(pg_policy_match_device(&m, 0x8086, 0x1600, 0x17aa, 0x2233, 0x03));
	assert_false(pg_policy_match_device(&m, 0x8087, 0x1500, 0x17aa, 0x2233, 0x03));
	assert_false(pg_policy_match_device(&m, 0x8086, 0x1500, 0x17ab, 0x2233, 0x03));
	assert_false(pg_policy_match_device(&m, 0x8086, 0x1500, 0x17aa, 0x2234, 0x03));
	assert_false(pg_policy_match_device(&m, 0x8086, 0x1500, 0x17aa, 0x2233, 0x04));

	/* Without subsystem and revision, those fields are ignored. */
	assert_int_equal(pp_match_parse("8086:*", &m, &why), 0);
	assert_true(pg_policy_match_device(&m, 0x8086, 0x0000, 0x1, 0x2, 0x3));
	assert_true(pg_policy_match_device(&m, 0x8086, 0xffff, 0xffff, 0xffff, 0xff));
}

/* ---- precedence ------------------------------------------------------------------------ */

static const char *const prec_keys[] = {
	"10ec:*", "10ec:8000-8fff", "10ec:8100-81ff", "10ec:8168", "10ec:8168@15",
	"10ec:8168:1043:8554", "10ec:8168:1043:8554@15", "10ec:8168:1043:8677",
	"10ec:9000-90ff", "10ec:8000-8fff:1043:1111", "8086:15b8",
};

struct prec_case {
	uint16_t v, d, sv, sd;
	uint8_t rev;
	const char *want;    /* canonical key of the winner, NULL for no match */
};

static const struct prec_case prec_cases[] = {
	{ 0x10ec, 0x8168, 0x1043, 0x8554, 0x15, "10ec:8168:1043:8554@15" }, /* tier 3 */
	{ 0x10ec, 0x8168, 0x1043, 0x8554, 0x10, "10ec:8168:1043:8554" },    /* tier 2 */
	{ 0x10ec, 0x8168, 0x1043, 0x8677, 0x15, "10ec:8168:1043:8677" },    /* subsys > rev */
	{ 0x10ec, 0x8168, 0x1111, 0x2222, 0x15, "10ec:8168@15" },           /* tier 1 */
	{ 0x10ec, 0x8168, 0x1111, 0x2222, 0x01, "10ec:8168" },              /* exact device */
	{ 0x10ec, 0x8169, 0x0000, 0x0000, 0x00, "10ec:8100-81ff" },         /* narrowest range */
	{ 0x10ec, 0x8200, 0x0000, 0x0000, 0x00, "10ec:8000-8fff" },
	{ 0x10ec, 0x8fff, 0x0000, 0x0000, 0x00, "10ec:8000-8fff" },         /* range end */
	{ 0x10ec, 0x9000, 0x0000, 0x0000, 0x00, "10ec:9000-90ff" },
	{ 0x10ec, 0x0001, 0x0000, 0x0000, 0x00, "10ec:*" },
	{ 0x10ec, 0xffff, 0x0000, 0x0000, 0x00, "10ec:*" },
	/* tier beats width: a subsystem range wins over an exact device without one */
	{ 0x10ec, 0x8168, 0x1043, 0x1111, 0x00, "10ec:8000-8fff:1043:1111" },
	{ 0x8086, 0x15b8, 0x0000, 0x0000, 0x00, "8086:15b8" },
	{ 0x8086, 0x15b9, 0x0000, 0x0000, 0x00, NULL },
	{ 0x10ed, 0x8168, 0x1043, 0x8554, 0x15, NULL },
};

static struct pg_policy *load_keys(const char *const *keys, size_t n, bool reverse)
{
	static char text[8192];
	struct pg_policy_error err;
	struct pg_policy *p = NULL;
	size_t len = (size_t)snprintf(text, sizeof(text), "version: 1\ndevices:\n");

	for (size_t i = 0; i < n; i++) {
		const char *k = keys[reverse ? n - 1 - i : i];

		len += (size_t)snprintf(text + len, sizeof(text) - len, "  - match: \"%s\"\n", k);
		assert_true(len < sizeof(text));
	}
	if (pg_policy_load_buf(text, len, &p, &err) != 0)
		fail_msg("load failed at %u:%u: %s", err.line, err.column, err.msg);
	assert_int_equal(pg_policy_count(p), n);
	return p;
}

static void check_prec(const struct pg_policy *p)
{
	for (size_t i = 0; i < N_ELEM(prec_cases); i++) {
		const struct prec_case *t = &prec_cases[i];
		const struct pg_policy_entry *e =
			pg_policy_lookup(p, t->v, t->d, t->sv, t->sd, t->rev);
		char got[32] = "(none)";

		if (e)
			(void)pg_policy_match_format(&e->match, got, sizeof(got));
		if ((!t->want && e) || (t->want && strcmp(got, t->want) != 0))
			fail_msg("case %zu: %04x:%04x:%04x:%04x@%02x -> %s, expected %s", i, t->v,
				 t->d, t->sv, t->sd, t->rev, got, t->want ? t->want : "(none)");
	}
}

static void test_precedence(void **state)
{
	struct pg_policy *p = load_keys(prec_keys, N_ELEM(prec_keys), false);

	check_prec(p);
	pg_policy_free(p);
	/* The answer never depends on the order of entries in the file. */
	p = load_keys(prec_keys, N_ELEM(prec_keys), true);
	check_prec(p);
	pg_policy_free(p);
}

static void test_lookup_null(void **state)
{
	assert_null(pg_policy_lookup(NULL, 0x8086, 0x15b8, 0, 0, 0));
	assert_int_equal(pg_policy_count(NULL), 0);
	assert_null(pg_policy_entry_at(NULL, 0));
}

/* ---- class and slot keys (pcigate-policy(5), MATCH KEYS and Precedence) -------------- */

static const char *const kind_keys[] = {
	"class:02xx", "class:0200", "class:0c03", "10ec:*", "10ec:8168:1043:8554",
	"slot:0000:08:00.0", "slot:0001:00:1f.3",
};

struct kind_case {
	uint16_t v, d, sv, sd;
	uint32_t cls;               /* 24-bit class code */
	const char *slot;
	const char *want;           /* NULL: no entry */
};

static const struct kind_case kind_cases[] = {
	/* a slot beats every ID key, even the most specific one present */
	{ 0x10ec, 0x8168, 0x1043, 0x8554, 0x020000, "0000:08:00.0", "slot:0000:08:00.0" },
	{ 0x10ec, 0x8168, 0x1043, 0x8554, 0x020000, "0000:09:00.0", "10ec:8168:1043:8554" },
	/* every ID key beats a class, even "vendor:*" */
	{ 0x10ec, 0x0001, 0x0000, 0x0000, 0x020000, "", "10ec:*" },
	/* subclass beats a whole base class; the programming interface is ignored */
	{ 0x8086, 0x15b8, 0x0000, 0x0000, 0x020000, "", "class:0200" },
	{ 0x8086, 0x15b8, 0x0000, 0x0000, 0x0200ff, "", "class:0200" },
	{ 0x8086, 0x1000, 0x0000, 0x0000, 0x028000, "", "class:02xx" },
	{ 0x8086, 0x1000, 0x0000, 0x0000, 0x0c0330, "", "class:0c03" },
	{ 0x8086, 0x1000, 0x0000, 0x0000, 0x0c0500, "", NULL },
	{ 0x8086, 0x1000, 0x0000, 0x0000, 0x030000, "0001:00:1f.3", "slot:0001:00:1f.3" },
	/* another domain is another slot */
	{ 0x8086, 0x1000, 0x0000, 0x0000, 0x030000, "0000:00:1f.3", NULL },
	/* an unknown class or slot never matches a class or slot key */
	{ 0x8086, 0x1000, 0x0000, 0x0000, PG_POLICY_CLASS_UNKNOWN, "", NULL },
};

static void check_kinds(const struct pg_policy *p)
{
	for (size_t i = 0; i < N_ELEM(kind_cases); i++) {
		const struct kind_case *t = &kind_cases[i];
		struct pg_policy_device d = { .vendor = t->v, .device = t->d, .subvendor = t->sv,
			.subdevice = t->sd, .class_code = t->cls };
		const struct pg_policy_entry *e;
		char got[32] = "(none)";

		(void)snprintf(d.slot, sizeof(d.slot), "%s", t->slot);
		e = pg_policy_lookup_device(p, &d);
		if (e)
			(void)pg_policy_match_format(&e->match, got, sizeof(got));
		if ((!t->want && e) || (t->want && strcmp(got, t->want) != 0))
			fail_msg("case %zu: -> %s, expected %s", i, got,
				 t->want ? t->want : "(none)");
	}
}

static void test_class_slot(void **state)
{
	struct pg_policy *p = load_keys(kind_keys, N_ELEM(kind_keys), false);

	check_kinds(p);
	/* the ID-only lookup never matches class or slot keys (it knows neither) */
	assert_null(pg_policy_lookup(p, 0x8086, 0x15b8, 0, 0, 0));
	pg_policy_free(p);
	p = load_keys(kind_keys, N_ELEM(kind_keys), true);
	check_kinds(p);
	pg_policy_free(p);
	assert_null(pg_policy_lookup_device(NULL, NULL));
}

static void test_class_slot_parse(void **state)
{
	static const struct { const char *key, *canon; } ok[] = {
		{ "class:0200", "class:0200" }, { "class:02XX", "class:02xx" },
		{ "class:0C03", "class:0c03" }, { "slot:03:00.0", "slot:0000:03:00.0" },
		{ "slot:0001:ff:1f.7", "slot:0001:ff:1f.7" },
	};
	static const char *const bad[] = {
		"class:", "class:2", "class:020", "class:020000", "class:xx00", "class:02x",
		"class:02xxx", "class: 0200", "slot:", "slot:03:00", "slot:03:20.0",
		"slot:03:00.8", "slot:0000:03:00.0x", "Class:0200",
	};

	for (size_t i = 0; i < N_ELEM(ok); i++) {
		const char *keys[1] = { ok[i].key };
		struct pg_policy *p = load_keys(keys, 1, false);
		char got[32];

		(void)pg_policy_match_format(&pg_policy_entry_at(p, 0)->match, got, sizeof(got));
		assert_string_equal(got, ok[i].canon);
		pg_policy_free(p);
	}
	for (size_t i = 0; i < N_ELEM(bad); i++) {
		char text[128];
		struct pg_policy *p = NULL;
		struct pg_policy_error err;
		int n = snprintf(text, sizeof(text), "version: 1\ndevices:\n  - match: \"%s\"\n",
				 bad[i]);

		if (pg_policy_load_buf(text, (size_t)n, &p, &err) != -EINVAL)
			fail_msg("'%s' loaded", bad[i]);
		assert_int_equal(err.line, 3);
		assert_non_null(strstr(err.msg, "bad match"));
	}
}

/* ---- duplicates and overlaps ----------------------------------------------------------- */

struct overlap_case {
	const char *a, *b;
	const char *why;     /* NULL: both load */
};

static const struct overlap_case overlap_cases[] = {
	{ "8086:15b8", "8086:15b8", "duplicate match key '8086:15b8' (first at line 3)" },
	{ "8086:15b8", "8086:15B8", "duplicate match key" },
	{ "8086:*", "8086:0000-ffff", "duplicate match key '8086:*'" },
	{ "8086:15b8@01", "8086:15b8@01", "duplicate match key" },
	{ "8086:15b8:0001:0002", "8086:15b8:1:2", "bad match" }, /* widths come first */
	{ "8086:15b8:0001:0002", "8086:15b8:0001:0002", "duplicate match key" },
	{ "8086:1500-15ff", "8086:15f0-16ff", "partly overlaps '8086:1500-15ff' (line 3)" },
	{ "8086:15f0-16ff", "8086:1500-15ff", "partly overlaps" },
	{ "8086:1500-15ff", "8086:15ff-1600", "partly overlaps" },
	{ "8086:1500-15ff", "8086:1600-16ff", NULL },           /* disjoint, adjacent */
	{ "8086:1500-15ff", "8086:1500-15fe", NULL },           /* nested, shared start */
	{ "8086:1500-15ff", "8086:15b8", NULL },                /* nested */
	{ "8086:*", "8086:1500-15ff", NULL },
	{ "8086:15b8", "8086:15b8@01", NULL },                  /* different tiers */
	{ "8086:15b8@01", "8086:15b8@02", NULL },
	{ "8086:15b8:0001:0002", "8086:15b8:0001:0003", NULL },
	{ "8086:15b8:0001:0002", "8086:15b8@02", NULL },
	{ "8086:1500-15ff:0001:0002", "8086:15f0-16ff:0001:0002", "partly overlaps" },
	{ "8086:1500-15ff:0001:0002", "8086:15f0-16ff:0001:0003", NULL },
	{ "8086:1500-15ff", "8087:15f0-16ff", NULL },           /* other vendor */
};

static void test_overlap(void **state)
{
	for (size_t i = 0; i < N_ELEM(overlap_cases); i++) {
		const struct overlap_case *t = &overlap_cases[i];
		struct pg_policy *p = NULL;
		struct pg_policy_error err;
		char text[256];
		int len = snprintf(text, sizeof(text),
				   "version: 1\ndevices:\n  - match: \"%s\"\n  - match: \"%s\"\n",
				   t->a, t->b);
		int r = pg_policy_load_buf(text, (size_t)len, &p, &err);

		if (!t->why) {
			if (r != 0)
				fail_msg("%s + %s rejected: %s", t->a, t->b, err.msg);
			assert_int_equal(pg_policy_count(p), 2);
			pg_policy_free(p);
			continue;
		}
		if (r != -EINVAL || !strstr(err.msg, t->why))
			fail_msg("%s + %s: got %d '%s', expected '%s'", t->a, t->b, r,
				 r ? err.msg : "ok", t->why);
		assert_int_equal(err.line, 4);     /* the second key is blamed */
		assert_int_equal(err.column, 12);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_parse_fields),
		cmocka_unit_test(test_match_device),
		cmocka_unit_test(test_precedence),
		cmocka_unit_test(test_lookup_null),
		cmocka_unit_test(test_class_slot),
		cmocka_unit_test(test_class_slot_parse),
		cmocka_unit_test(test_overlap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
