/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Audit records (src/lib/mediator/audit.c): fields, JSON Lines, rate limiting that never
 * loses counts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "medtest.h"

static struct mt *open_rate(uint32_t burst, uint32_t per_sec, pg_clock_fn clock)
{
	struct mt *t = calloc(1, sizeof(*t));
	struct pg_mediator_config cfg;

	assert_non_null(t);
	mt_device(&t->f);
	mt_config(t, &cfg, PG_PROFILE_GUEST);
	cfg.rate.burst = burst;
	cfg.rate.per_sec = per_sec;
	cfg.clock = clock;
	t->rec.now.tv_sec = 1700000000;
	t->rec.now.tv_nsec = 123;
	assert_int_equal(mt_open_cfg(t, &cfg), 0);
	return t;
}

static void deny_once(struct mt *t)
{
	assert_int_equal(mt_wr(t, 0xe0, 4, 0xdeadbeef), 0);
}

static void test_record_fields(void **state)
{
	struct mt *t = open_rate(0, 0, mt_clock);

	(void)state;
	assert_int_equal(mt_wr(t, 0xe2, 2, 0xbeef), 0);
	assert_int_equal(t->rec.naudits, 1);
	assert_int_equal(t->rec.audits[0].time.tv_sec, 1700000000);
	assert_int_equal(t->rec.audits[0].time.tv_nsec, 123);
	assert_int_equal(t->rec.audits[0].profile, PG_PROFILE_GUEST);
	assert_int_equal(t->rec.audits[0].space, PG_SPACE_CFG);
	assert_int_equal(t->rec.audits[0].offset, 0xe2);
	assert_int_equal(t->rec.audits[0].size, 2);
	assert_int_equal(t->rec.audits[0].value, 0xbeef);
	assert_int_equal(t->rec.audits[0].verdict, PG_AUDIT_DENIED);
	assert_string_equal(t->rec.audits[0].rule, "default-deny");
	assert_string_equal(pg_mediator_name(t->m), "test0");
	assert_string_equal(pg_audit_verdict_name(PG_AUDIT_DENIED), "denied");
	assert_string_equal(pg_audit_verdict_name(PG_AUDIT_PERMISSIVE), "permissive");
	assert_string_equal(pg_audit_verdict_name(PG_AUDIT_SUPPRESSED), "suppressed");
	assert_string_equal(pg_audit_verdict_name((enum pg_audit_verdict)9), "invalid");
	mt_free(t);
}

static const char *jstr(struct json_object *o, const char *k)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, k, &v))
		return NULL;
	return json_object_get_string(v);
}

static int64_t jint(struct json_object *o, const char *k)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, k, &v))
		return -1;
	return json_object_get_int64(v);
}

static void test_json(void **state)
{
	struct pg_audit_record r;
	struct json_object *o;
	char *s = NULL;

	(void)state;
	memset(&r, 0, sizeof(r));
	r.time.tv_sec = 1700000000;
	r.time.tv_nsec = 123;
	r.device = "0000:01:00.0";
	r.profile = PG_PROFILE_DEVICE_MODEL;
	r.space = PG_SPACE_BAR;
	r.bar = 2;
	r.offset = 0x2004;
	r.size = 4;
	r.value = 0xfee00000;
	r.verdict = PG_AUDIT_DENIED;
	r.rule = "msix-table-access";
	assert_int_equal(pg_audit_record_to_json(&r, &s), 0);
	assert_non_null(s);
	assert_null(strchr(s, '\n'));
	o = json_tokener_parse(s);
	assert_non_null(o);
	assert_string_equal(jstr(o, "time"), "2023-11-14T22:13:20.000000123Z");
	assert_string_equal(jstr(o, "device"), "0000:01:00.0");
	assert_string_equal(jstr(o, "profile"), "device-model");
	assert_string_equal(jstr(o, "space"), "bar");
	assert_int_equal(jint(o, "bar"), 2);
	assert_int_equal(jint(o, "offset"), 0x2004);
	assert_int_equal(jint(o, "size"), 4);
	assert_int_equal(jint(o, "value"), 0xfee00000);
	assert_string_equal(jstr(o, "verdict"), "denied");
	assert_string_equal(jstr(o, "rule"), "msix-table-access");
	assert_null(jstr(o, "suppressed"));
	json_object_put(o);
	free(s);

	r.space = PG_SPACE_CFG;
	r.verdict = PG_AUDIT_SUPPRESSED;
	r.suppressed = 41;
	r.rule = "rate-limit";
	r.device = "a \"quoted\"\nname";
	assert_int_equal(pg_audit_record_to_json(&r, &s), 0);
	assert_null(strchr(s, '\n'));
	o = json_tokener_parse(s);
	assert_non_null(o);
	assert_int_equal(jint(o, "suppressed"), 41);
	assert_null(jstr(o, "bar"));
	assert_string_equal(jstr(o, "device"), "a \"quoted\"\nname");
	json_object_put(o);
	free(s);
	assert_int_equal(pg_audit_record_to_json(NULL, &s), -EINVAL);
	assert_int_equal(pg_audit_record_to_json(&r, NULL), -EINVAL);
}

/* Emitted records + suppressed ones always add up to everything audited. */
static void assert_conserved(const struct mt *t, uint64_t total)
{
	struct pg_audit_counters c;
	uint64_t records = 0, summarised = 0;

	pg_mediator_counters(t->m, &c);
	for (unsigned i = 0; i < t->rec.naudits; i++) {
		if (t->rec.audits[i].verdict == PG_AUDIT_SUPPRESSED)
			summarised += t->rec.audits[i].suppressed;
		else
			records++;
	}
	assert_int_equal(c.denied, total);
	assert_int_equal(c.emitted, t->rec.naudits);
	assert_int_equal(records + c.suppressed, total);
	assert_true(summarised <= c.suppressed);
}

static void test_rate_limit(void **state)
{
	struct mt *t = open_rate(3, 1, mt_clock);
	struct pg_audit_counters c;

	(void)state;
	for (int i = 0; i < 10; i++)
		deny_once(t);
	assert_int_equal(t->rec.naudits, 3);
	pg_mediator_counters(t->m, &c);
	assert_int_equal(c.suppressed, 7);
	assert_conserved(t, 10);

	/* two seconds later: two tokens; the next record is preceded by a summary */
	t->rec.now.tv_sec += 2;
	deny_once(t);
	assert_int_equal(t->rec.naudits, 5);
	assert_int_equal(t->rec.audits[3].verdict, PG_AUDIT_SUPPRESSED);
	assert_int_equal(t->rec.audits[3].suppressed, 7);
	assert_string_equal(t->rec.audits[3].rule, "rate-limit");
	assert_int_equal(t->rec.audits[4].verdict, PG_AUDIT_DENIED);
	deny_once(t);
	deny_once(t);
	assert_int_equal(t->rec.naudits, 6);
	assert_conserved(t, 13);

	/* half a second gives half a token: still suppressed */
	t->rec.now.tv_nsec += 500000000;
	deny_once(t);
	assert_int_equal(t->rec.naudits, 6);
	t->rec.now.tv_sec += 1;
	deny_once(t);
	assert_int_equal(t->rec.naudits, 8);
	assert_int_equal(t->rec.audits[6].suppressed, 2);
	assert_conserved(t, 15);

	/* flush emits whatever is pending, even without a token */
	for (int i = 0; i < 4; i++)
		deny_once(t);
	pg_mediator_audit_flush(t->m);
	assert_int_equal(t->rec.audits[t->rec.naudits - 1].verdict, PG_AUDIT_SUPPRESSED);
	pg_mediator_counters(t->m, &c);
	assert_int_equal(c.summaries, 3);
	pg_mediator_audit_flush(t->m); /* nothing pending: nothing emitted */
	assert_int_equal(c.emitted, t->rec.naudits);
	assert_conserved(t, 19);
	mt_free(t);
}

static int clock_fail(void *data, struct timespec *ts)
{
	(void)data;
	(void)ts;
	return -EIO;
}

static void test_clock_edges(void **state)
{
	struct mt *t = open_rate(1, 1000, mt_clock);

	(void)state;
	/* a huge jump refills to the burst, never beyond */
	deny_once(t);
	t->rec.now.tv_sec = INT32_MAX;
	for (int i = 0; i < 3; i++)
		deny_once(t);
	assert_int_equal(t->rec.naudits, 2);
	/* the clock going backwards refills nothing */
	t->rec.now.tv_sec = 5;
	deny_once(t);
	assert_int_equal(t->rec.naudits, 2);
	assert_conserved(t, 5);
	mt_free(t);

	/* a failing clock: zero timestamps, no refill, counts kept */
	t = open_rate(2, 1, clock_fail);
	for (int i = 0; i < 5; i++)
		deny_once(t);
	assert_int_equal(t->rec.naudits, 2);
	assert_int_equal(t->rec.audits[0].time.tv_sec, 0);
	assert_conserved(t, 5);
	mt_free(t);

	/* per_sec 0: the bucket never refills; freeing flushes the summary */
	t = open_rate(1, 0, mt_clock);
	for (int i = 0; i < 4; i++) {
		deny_once(t);
		t->rec.now.tv_sec += 100;
	}
	assert_int_equal(t->rec.naudits, 1);
	pg_mediator_free(t->m);
	t->m = NULL;
	assert_int_equal(t->rec.naudits, 2);
	assert_int_equal(t->rec.audits[1].suppressed, 3);
	pg_backend_close(t->be);
	free(t);

	/* the default clock is the real time */
	t = open_rate(0, 0, NULL);
	deny_once(t);
	assert_true(t->rec.audits[0].time.tv_sec > 1600000000);
	mt_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_record_fields),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_rate_limit),
		cmocka_unit_test(test_clock_edges),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
