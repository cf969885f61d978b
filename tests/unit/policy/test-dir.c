/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pg_policy_load_dir() (pcigate-policy(5), POLICY DIRECTORY): NAME.yaml files in byte-wise
 * lexical order, hidden and other files skipped, entries merged with the single-file
 * precedence, clashes across files rejected naming both files, a missing directory meaning
 * no policy, one bad file rejecting the whole directory.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include <pcigate/policy.h>

static char dir[64];

static void put(const char *name, const char *text)
{
	char path[128];
	FILE *f;

	(void)snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

static int setup(void **state)
{
	(void)snprintf(dir, sizeof(dir), "/tmp/pg-policy-dir-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static const char *base(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

static void test_order_and_merge(void **state)
{
	struct pg_policy_device d = { .vendor = 0x8086, .device = 0x15b8,
		.class_code = 0x020000, .slot = "0000:03:00.0" };
	struct pg_policy *p = NULL;
	struct pg_policy_error err;
	const struct pg_policy_entry *e;

	/* written out of order: the directory order, not creation order, counts */
	put("20-site.yaml", "version: 1\ndevices:\n  - match: \"8086:15b8\"\n");
	put("10-vendor.yaml", "version: 1\ndevices:\n  - match: \"class:02xx\"\n"
	    "  - match: \"8086:*\"\n");
	put("Z-upper.yaml", "version: 1\ndevices: []\n");       /* 'Z' < 'a' byte-wise */
	put("a-lower.yaml", "version: 1\ndevices:\n  - match: \"slot:00:1f.0\"\n");
	put(".hidden.yaml", "not: a policy\n");                 /* skipped: hidden */
	put("README", "not a policy either\n");                 /* skipped: not .yaml */
	put("99-x.yaml.dpkg-old", "garbage\n");                 /* skipped */
	assert_int_equal(pg_policy_load_dir(dir, &p, &err, NULL, 0), 0);
	assert_non_null(p);
	assert_int_equal(pg_policy_count(p), 4);
	/* entries in file order: 10-vendor (2), 20-site, Z-upper (none), a-lower */
	assert_string_equal(base(pg_policy_entry_at(p, 0)->file), "10-vendor.yaml");
	assert_int_equal(pg_policy_entry_at(p, 1)->line, 4);
	assert_string_equal(base(pg_policy_entry_at(p, 2)->file), "20-site.yaml");
	assert_string_equal(base(pg_policy_entry_at(p, 3)->file), "a-lower.yaml");
	assert_int_equal(pg_policy_entry_at(p, 3)->file_index, 3);
	/* precedence across files is the format's: the exact ID in 20-site wins over
	 * 8086:* and class:02xx in 10-vendor, whatever the order */
	e = pg_policy_lookup_device(p, &d);
	assert_non_null(e);
	assert_string_equal(base(e->file), "20-site.yaml");
	d.device = 0x1000;
	e = pg_policy_lookup_device(p, &d);
	assert_string_equal(base(e->file), "10-vendor.yaml");
	assert_int_equal(e->line, 4);
	memcpy(d.slot, "0000:00:1f.0", 13);
	e = pg_policy_lookup_device(p, &d);
	assert_string_equal(base(e->file), "a-lower.yaml");
	pg_policy_free(p);
}

static void test_clash_across_files(void **state)
{
	struct pg_policy *p = NULL;
	struct pg_policy_error err;
	char bad[256] = "";

	put("10-a.yaml", "version: 1\ndevices:\n  - match: \"8086:1500-15ff\"\n");
	put("20-b.yaml", "version: 1\ndevices:\n  - match: \"8086:0000\"\n"
	    "  - match: \"8086:15f0-16ff\"\n");
	assert_int_equal(pg_policy_load_dir(dir, &p, &err, bad, sizeof(bad)), -EINVAL);
	assert_null(p);
	assert_string_equal(base(bad), "20-b.yaml");
	assert_int_equal(err.line, 4);
	assert_int_equal(err.column, 5);
	assert_non_null(strstr(err.msg, "partly overlaps '8086:1500-15ff' (line 3)"));
	assert_non_null(strstr(err.msg, "10-a.yaml"));
	/* the same key in two files is a duplicate, too */
	put("20-b.yaml", "version: 1\ndevices:\n  - match: \"8086:1500-15FF\"\n");
	assert_int_equal(pg_policy_load_dir(dir, &p, &err, bad, sizeof(bad)), -EINVAL);
	assert_non_null(strstr(err.msg, "duplicate match key"));
}

static void test_bad_file_rejects_all(void **state)
{
	struct pg_policy *p = NULL;
	struct pg_policy_error err;
	char bad[256] = "";

	put("10-good.yaml", "version: 1\ndevices:\n  - match: \"8086:15b8\"\n");
	put("50-bad.yaml", "version: 1\ndevices:\n  - match: \"8086:15b\"\n");
	assert_int_equal(pg_policy_load_dir(dir, &p, &err, bad, sizeof(bad)), -EINVAL);
	assert_null(p);
	assert_string_equal(base(bad), "50-bad.yaml");
	assert_int_equal(err.line, 3);
	assert_int_equal(err.column, 12);
}

static void test_missing_and_empty(void **state)
{
	struct pg_policy *p = (struct pg_policy *)(uintptr_t)0x1000;
	struct pg_policy_error err;

	assert_int_equal(pg_policy_load_dir("/nonexistent/pcigate/policy.d", &p, &err, NULL, 0),
			 0);
	assert_null(p);
	/* an empty directory is a policy with no entries */
	assert_int_equal(pg_policy_load_dir(dir, &p, &err, NULL, 0), 0);
	assert_int_equal(pg_policy_count(p), 0);
	pg_policy_free(p);
	assert_int_equal(pg_policy_load_dir(NULL, &p, &err, NULL, 0), -EINVAL);
	/* a file is not a directory */
	put("f.yaml", "version: 1\ndevices: []\n");
	{
		char path[128];

		(void)snprintf(path, sizeof(path), "%s/f.yaml", dir);
		assert_int_equal(pg_policy_load_dir(path, &p, &err, NULL, 0), -ENOTDIR);
	}
	assert_non_null(strstr(pg_policy_default_dir(), "/pcigate/policy.d"));
}

/* pg_policy_dir_reads(): the names the loader reads, by pcigate-policy(5)'s rule (NAME.yaml,
 * not hidden), and a directory loaded with a trailing slash names its files without "//". */
static void test_names_read(void **state)
{
	static const struct { const char *name; bool read; } rows[] = {
		{ "10-vendor.yaml", true }, { "a.yaml", true }, { "A B.yaml", true },
		{ ".yaml", false }, { ".hidden.yaml", false }, { ".x.yaml.swp", false },
		{ "x.yaml.dpkg-old", false }, { "x.yml", false }, { "README", false },
		{ "x.YAML", false }, { "yaml", false }, { "", false }, { NULL, false },
	};
	struct pg_policy_error err;
	struct pg_policy *p = NULL;
	char slash[80];

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		if (pg_policy_dir_reads(rows[i].name) != rows[i].read)
			fail_msg("pg_policy_dir_reads(\"%s\") != %d",
				 rows[i].name ? rows[i].name : "(null)", rows[i].read);
	}
	put("10-a.yaml", "version: 1\ndevices:\n  - match: \"8086:1533\"\n");
	(void)snprintf(slash, sizeof(slash), "%s/", dir);
	assert_int_equal(pg_policy_load_dir(slash, &p, &err, NULL, 0), 0);
	assert_int_equal(pg_policy_count(p), 1);
	assert_null(strstr(pg_policy_entry_at(p, 0)->file, "//"));
	pg_policy_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_order_and_merge, setup, teardown),
		cmocka_unit_test_setup_teardown(test_clash_across_files, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_file_rejects_all, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_and_empty, setup, teardown),
		cmocka_unit_test_setup_teardown(test_names_read, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
