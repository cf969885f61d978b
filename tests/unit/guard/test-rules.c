/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Guard rule files (src/lib/guard/rules.c): the golden files of tests/data/guard, where
 * every bad file names on its first line the position and reason it must be refused with
 * ("# expect: LINE:COL: TEXT"), and table rows for what each match key means.
 */
#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <pcigate/guard.h>
#include <pcigate/inspect.h>

static char *read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = malloc(1 << 16);
	size_t n;

	assert_non_null(f);
	assert_non_null(buf);
	n = fread(buf, 1, (1 << 16) - 1, f);
	fclose(f);
	buf[n] = '\0';
	*len = n;
	return buf;
}

static void each_file(const char *sub, void (*fn)(const char *path))
{
	const char *data = getenv("PG_TESTDATA");
	char dir[1024], path[2048];
	struct dirent *e;
	DIR *d;
	unsigned n = 0;

	assert_non_null(data);
	snprintf(dir, sizeof(dir), "%s/guard/%s", data, sub);
	d = opendir(dir);
	assert_non_null(d);
	while ((e = readdir(d))) {
		if (!strstr(e->d_name, ".yaml"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		fn(path);
		n++;
	}
	closedir(d);
	assert_true(n >= 2);
}

static void good_one(const char *path)
{
	struct pg_guard_rules *r = NULL;
	struct pg_guard_error err;
	int rc = pg_guard_rules_load_file(path, &r, &err);

	if (rc != 0)
		fail_msg("%s: %d %u:%u %s", path, rc, err.line, err.column, err.msg);
	pg_guard_rules_free(r);
}

static void bad_one(const char *path)
{
	struct pg_guard_rules *r = NULL;
	struct pg_guard_error err;
	unsigned line, col;
	char want[200];
	size_t len;
	char *text = read_all(path, &len);
	int rc;

	if (sscanf(text, "# expect: %u:%u: %199[^\n]", &line, &col, want) != 3)
		fail_msg("%s: no '# expect: LINE:COL: TEXT' first line", path);
	rc = pg_guard_rules_load_buf(text, len, &r, &err);
	if (rc != -EINVAL || err.line != line || err.column != col || !strstr(err.msg, want))
		fail_msg("%s: got %d %u:%u '%s', want %u:%u '%s'", path, rc, err.line, err.column,
			 err.msg, line, col, want);
	assert_null(r);
	free(text);
}

static void test_good_files(void **state)
{
	each_file("good", good_one);
}

static void test_bad_files(void **state)
{
	each_file("bad", bad_one);
}

static const struct pg_guard_rule *load_one(const char *match, struct pg_guard_rules **set)
{
	char text[1024];
	struct pg_guard_error err;
	int rc;

	snprintf(text, sizeof(text), "version: 1\nrules:\n  - action: reject\n    match: %s\n",
		 match);
	rc = pg_guard_rules_load_buf(text, strlen(text), set, &err);
	if (rc != 0)
		fail_msg("'%s': %s", match, err.msg);
	return pg_guard_rules_at(*set, 0);
}

/* Each match key against the meaning pcigate-guard-rules(5) gives it. */
static void test_match_values(void **state)
{
	struct pg_guard_rules *s = NULL;
	const struct pg_guard_rule *r;

	r = load_one("{ class: \"02\" }", &s);
	assert_int_equal(r->match.class_value, 0x020000);
	assert_int_equal(r->match.class_mask, 0xff0000);
	pg_guard_rules_free(s);
	r = load_one("{ class: \"0c03\" }", &s);
	assert_int_equal(r->match.class_value, 0x0c0300);
	assert_int_equal(r->match.class_mask, 0xffff00);
	pg_guard_rules_free(s);
	r = load_one("{ class: \"0c0330\" }", &s);
	assert_int_equal(r->match.class_mask, 0xffffff);
	pg_guard_rules_free(s);
	r = load_one("{ id: \"8086:1500-15ff\", subsystem: \"17aa:*\" }", &s);
	assert_int_equal(r->match.vendor, 0x8086);
	assert_int_equal(r->match.device_lo, 0x1500);
	assert_int_equal(r->match.device_hi, 0x15ff);
	assert_int_equal(r->match.subdevice_lo, 0);
	assert_int_equal(r->match.subdevice_hi, 0xffff);
	pg_guard_rules_free(s);
	/* lspci prints the serial high byte first. */
	r = load_one("{ serial: \"01-23-45-67-89-ab-cd-ef\" }", &s);
	assert_true(r->match.serial == 0x0123456789abcdefull);
	pg_guard_rules_free(s);
	r = load_one("{ port: \"0000:00:1c.0/0000:01:00.0\", finding: [cap-chain-malformed] }",
		     &s);
	assert_string_equal(r->match.port, "0000:00:1c.0/0000:01:00.0");
	assert_int_equal(r->match.findings, 1u << PG_FIND_CHAIN_MALFORMED);
	assert_int_equal(r->match.have, PG_GUARD_M_PORT | PG_GUARD_M_FINDING);
	pg_guard_rules_free(s);
}

/* An assign rule binds vfio-pci; allow keeps its driver; the default action names. */
static void test_actions(void **state)
{
	const char *text = "version: 1\nrules:\n  - action: assign\n    match: { class: \"03\" }\n"
			   "  - { action: allow, driver: nvme, match: { class: \"0108\" } }\n";
	struct pg_guard_rules *s = NULL;
	enum pg_guard_action a;

	assert_int_equal(pg_guard_rules_load_buf(text, strlen(text), &s, NULL), 0);
	assert_int_equal(pg_guard_rules_count(s), 2);
	assert_int_equal(pg_guard_rules_at(s, 0)->action, PG_GUARD_ASSIGN);
	assert_string_equal(pg_guard_rules_at(s, 0)->driver, "vfio-pci");
	assert_string_equal(pg_guard_rules_at(s, 1)->driver, "nvme");
	assert_int_equal(pg_guard_rules_at(s, 1)->line, 5);
	assert_null(pg_guard_rules_at(s, 2));
	pg_guard_rules_free(s);
	assert_int_equal(pg_guard_action_parse("reject", &a), 0);
	assert_int_equal(a, PG_GUARD_REJECT);
	assert_int_equal(pg_guard_action_parse("block", &a), -EINVAL);
	assert_string_equal(pg_guard_action_name(PG_GUARD__ACTIONS), "invalid");
}

static void test_limits(void **state)
{
	size_t n = PG_GUARD_MAX_RULES + 1, len = 0, cap = 64 + n * 64;
	char *text = malloc(cap);
	struct pg_guard_rules *s = NULL;
	struct pg_guard_error err;

	assert_non_null(text);
	len += (size_t)snprintf(text, cap, "version: 1\nrules:\n");
	for (size_t i = 0; i < n; i++)
		len += (size_t)snprintf(text + len, cap - len,
					"  - { action: reject, match: { vf: true } }\n");
	assert_int_equal(pg_guard_rules_load_buf(text, len, &s, &err), -E2BIG);
	assert_non_null(strstr(err.msg, "too many items in rules"));
	assert_int_equal(pg_guard_rules_load_buf(text, PG_GUARD_MAX_FILE + 1, &s, &err), -E2BIG);
	assert_int_equal(pg_guard_rules_load_buf(NULL, 1, &s, &err), -EINVAL);
	free(text);
	assert_int_equal(pg_guard_rules_load_file("/nonexistent/rules.yaml", &s, &err), -ENOENT);
	assert_int_equal(pg_guard_rules_load_file("/dev/null", &s, &err), -ENODEV);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_files), cmocka_unit_test(test_bad_files),
		cmocka_unit_test(test_match_values), cmocka_unit_test(test_actions),
		cmocka_unit_test(test_limits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
