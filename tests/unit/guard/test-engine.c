/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * First-match decisions (src/lib/guard/engine.c): each condition against devices that
 * satisfy it and devices that differ in exactly that field, the first matching rule
 * winning, no match meaning quarantine, and `guard generate` text that loads back as a
 * rule matching the device it was made from (and not its neighbour on another port).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <pcigate/guard.h>
#include <pcigate/inspect.h>

static struct pg_guard_dev base(void)
{
	struct pg_guard_dev d;

	memset(&d, 0, sizeof(d));
	strcpy(d.bdf, "0000:05:00.0");
	d.vendor = 0x8086;
	d.device = 0x10d3;
	d.subvendor = 0x17aa;
	d.subdevice = 0x2233;
	d.class_code = 0x020000;
	d.has_dsn = true;
	d.dsn = 0x525400ffff123403ull;
	strcpy(d.path, "0000:00:1c.0/0000:05:00.0");
	strcpy(d.slot, "3");
	d.removable = true;
	strcpy(d.iommu, "DMA");
	d.findings = 1u << PG_FIND_NO_RESET;
	return d;
}

struct row {
	const char *match;
	void (*tweak)(struct pg_guard_dev *d); /* makes the device miss the condition */
};

static void other_device(struct pg_guard_dev *d) { d->device = 0x10d4; }
static void other_class(struct pg_guard_dev *d) { d->class_code = 0x010802; }
static void other_subsys(struct pg_guard_dev *d) { d->subvendor = 0x17ab; }
static void no_serial(struct pg_guard_dev *d) { d->has_dsn = false; }
static void other_port(struct pg_guard_dev *d) { strcpy(d->path, "0000:00:1c.1/0000:05:00.0"); }
static void no_slot(struct pg_guard_dev *d) { d->slot[0] = '\0'; }
static void fixed(struct pg_guard_dev *d) { d->removable = false; }
static void no_group(struct pg_guard_dev *d) { d->iommu[0] = '\0'; }
static void clean(struct pg_guard_dev *d) { d->findings = 0; }
static void a_vf(struct pg_guard_dev *d) { d->is_vf = true; }

static const struct row rows[] = {
	{ "{ id: \"8086:10d3\" }", other_device },
	{ "{ id: \"8086:10c0-10d3\" }", other_device },
	{ "{ class: \"02\" }", other_class },
	{ "{ class: \"0200\" }", other_class },
	{ "{ subsystem: \"17aa:*\" }", other_subsys },
	{ "{ subsystem: \"17aa:2233\" }", other_subsys },
	{ "{ serial: \"52-54-00-ff-ff-12-34-03\" }", no_serial },
	{ "{ port: \"0000:00:1c.0\" }", other_port },
	{ "{ port: \"0000:00:1c.0/0000:05:00.0\" }", other_port },
	{ "{ slot: \"3\" }", no_slot },
	{ "{ removable: true }", fixed },
	{ "{ iommu: DMA }", no_group },
	{ "{ finding: [no-reset, cap-chain-malformed] }", clean },
	{ "{ vf: false }", a_vf },
};

static struct pg_guard_rules *load(const char *text)
{
	struct pg_guard_rules *s = NULL;
	struct pg_guard_error err;

	if (pg_guard_rules_load_buf(text, strlen(text), &s, &err) != 0)
		fail_msg("%u:%u %s\n%s", err.line, err.column, err.msg, text);
	return s;
}

static void test_conditions(void **state)
{
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		char text[512];
		struct pg_guard_dev d = base(), miss = base();
		struct pg_guard_rules *s;
		const struct pg_guard_rule *r;

		snprintf(text, sizeof(text), "version: 1\nrules:\n  - action: reject\n"
			 "    match: %s\n", rows[i].match);
		s = load(text);
		r = pg_guard_rules_at(s, 0);
		rows[i].tweak(&miss);
		if (!pg_guard_match(&r->match, &d) || pg_guard_match(&r->match, &miss))
			fail_msg("row %zu '%s'", i, rows[i].match);
		pg_guard_rules_free(s);
	}
}

/* A port is a whole-address prefix: 00:1c.0 does not cover 00:1c.01-looking paths, and an
 * iommu of "none" matches a device without a group. */
static void test_port_and_none(void **state)
{
	struct pg_guard_rules *s = load("version: 1\nrules:\n  - action: reject\n"
					"    match: { port: \"0000:00:1c.0\", iommu: none }\n");
	struct pg_guard_dev d = base();

	d.iommu[0] = '\0';
	assert_true(pg_guard_match(&pg_guard_rules_at(s, 0)->match, &d));
	strcpy(d.path, "0000:00:1c.0");
	assert_true(pg_guard_match(&pg_guard_rules_at(s, 0)->match, &d));
	strcpy(d.path, "0000:00:1c.00/0000:05:00.0"); /* not a sysfs name, but no prefix match */
	assert_false(pg_guard_match(&pg_guard_rules_at(s, 0)->match, &d));
	pg_guard_rules_free(s);
}

static void test_first_match(void **state)
{
	struct pg_guard_rules *s = load(
		"version: 1\nrules:\n"
		"  - { name: nvme, action: allow, driver: nvme, match: { class: \"0108\" } }\n"
		"  - { name: nics, action: allow, driver: e1000e, match: { class: \"02\" } }\n"
		"  - { name: all-intel, action: reject, match: { id: \"8086:*\" } }\n");
	struct pg_guard_dev d = base();

	assert_string_equal(pg_guard_decide(s, &d)->name, "nics");
	d.class_code = 0x0c0330;
	assert_string_equal(pg_guard_decide(s, &d)->name, "all-intel");
	d.vendor = 0x1b36;
	assert_null(pg_guard_decide(s, &d)); /* no match: the caller quarantines */
	assert_null(pg_guard_decide(NULL, &d));
	pg_guard_rules_free(s);
}

static void test_generate_roundtrip(void **state)
{
	char text[2048] = "version: 1\nrules:\n", rule[1024];
	struct pg_guard_dev d = base(), other = base();
	struct pg_guard_rules *s;
	const struct pg_guard_rule *r;

	assert_true(pg_guard_rule_format(&d, PG_GUARD_ALLOW, "e1000e", rule, sizeof(rule)) > 0);
	strcat(text, rule);
	s = load(text);
	r = pg_guard_decide(s, &d);
	assert_non_null(r);
	assert_int_equal(r->action, PG_GUARD_ALLOW);
	assert_string_equal(r->driver, "e1000e");
	strcpy(other.path, "0000:00:1d.0/0000:05:00.0");
	assert_null(pg_guard_decide(s, &other));
	pg_guard_rules_free(s);
	assert_int_equal(pg_guard_rule_format(&d, PG_GUARD_ALLOW, NULL, rule, sizeof(rule)),
			 -EINVAL);
	assert_int_equal(pg_guard_rule_format(&d, PG_GUARD_ALLOW, "a;b", rule, sizeof(rule)),
			 -EINVAL);
}

static void test_same(void **state)
{
	struct pg_guard_dev a = base(), b = base();

	assert_true(pg_guard_dev_same(&a, &b));
	b.dsn ^= 1;
	assert_false(pg_guard_dev_same(&a, &b));
	b = base();
	b.command = 0x406; /* state, not identity */
	strcpy(b.driver, "e1000e");
	assert_true(pg_guard_dev_same(&a, &b));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_conditions), cmocka_unit_test(test_port_and_none),
		cmocka_unit_test(test_first_match), cmocka_unit_test(test_generate_roundtrip),
		cmocka_unit_test(test_same),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
