/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Tests of the shared helpers (src/lib/util/util.c): hex and size parsers (table-driven,
 * including overflow and trailing garbage), the bounded copy, and the bounded whole-file
 * reader (regular file, directory, FIFO, symlink with nofollow, size cap).
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "util/util.h"

struct num_case {
	const char *text;
	int rc;
	uint64_t val;
};

static const struct num_case hex_cases[] = {
	{ "0", 0, 0 },
	{ "fF", 0, 0xff },
	{ "ffffffffffffffff", 0, UINT64_MAX },
	{ "1ffffffffffffffff", -EINVAL, 0 }, /* 17 digits */
	{ "", -EINVAL, 0 },
	{ "0x1", -EINVAL, 0 },
	{ "12 ", -EINVAL, 0 },
	{ "-1", -EINVAL, 0 },
	{ "g", -EINVAL, 0 },
};

static void test_hex(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(hex_cases) / sizeof(hex_cases[0]); i++) {
		const struct num_case *c = &hex_cases[i];
		uint64_t v = 0xdead;
		int r = pg_util_parse_hex(c->text, strlen(c->text), &v);

		if (r != c->rc || (r == 0 && v != c->val) || (r < 0 && v != 0xdead))
			fail_msg("hex '%s': rc %d v 0x%llx", c->text, r, (unsigned long long)v);
	}
	assert_int_equal(pg_util_hexval('a'), 10);
	assert_int_equal(pg_util_hexval('F'), 15);
	assert_int_equal(pg_util_hexval('g'), -1);
	assert_int_equal(pg_util_hexval('\0'), -1);
}

static const struct num_case size_cases[] = {
	{ "0", 0, 0 },
	{ "4096", 0, 4096 },
	{ "0x4000", 0, 0x4000 },
	{ "0X10", 0, 16 },
	{ "64K", 0, 65536 },
	{ "64k", 0, 65536 },
	{ "1M", 0, 1u << 20 },
	{ "2g", 0, 2ull << 30 },
	{ "0x10K", 0, 16u << 10 },
	{ "18446744073709551615", 0, UINT64_MAX },
	{ "18446744073709551616", -ERANGE, 0 },
	{ "0x10000000000000000", -ERANGE, 0 },
	{ "17179869184G", -ERANGE, 0 }, /* 2^34 G = 2^64 */
	{ "", -EINVAL, 0 },
	{ "K", -EINVAL, 0 },
	{ "0x", -EINVAL, 0 },
	{ "0xK", -EINVAL, 0 },
	{ "12Q", -EINVAL, 0 },
	{ "1KK", -EINVAL, 0 },
	{ "1 K", -EINVAL, 0 },
	{ " 1", -EINVAL, 0 },
	{ "-1", -EINVAL, 0 },
	{ "+1", -EINVAL, 0 },
	{ "0xgf", -EINVAL, 0 },
	{ "0xfg", 0, 15ull << 30 }, /* g is the giga suffix */
	{ "1a", -EINVAL, 0 }, /* hex digit without 0x */
	{ "000000000000000000000000000000001", -EINVAL, 0 }, /* 33 bytes: over the bound */
};

static void test_size(void **state)
{
	uint64_t v;

	(void)state;
	for (size_t i = 0; i < sizeof(size_cases) / sizeof(size_cases[0]); i++) {
		const struct num_case *c = &size_cases[i];
		int r;

		v = 0xdead;
		r = pg_util_parse_size(c->text, strlen(c->text), UINT64_MAX, &v);
		if (r != c->rc || (r == 0 && v != c->val) || (r < 0 && v != 0xdead))
			fail_msg("size '%s': rc %d v 0x%llx", c->text, r, (unsigned long long)v);
	}
	assert_int_equal(pg_util_parse_size("1M", 2, 1u << 20, &v), 0);
	assert_int_equal(pg_util_parse_size("2M", 2, 1u << 20, &v), -ERANGE);
	/* Counted, not NUL-terminated: only the first n bytes count. */
	assert_int_equal(pg_util_parse_size("16Kxyz", 3, UINT64_MAX, &v), 0);
	assert_int_equal(v, 16u << 10);
}

static void test_copy_pow2(void **state)
{
	char buf[4];

	(void)state;
	assert_int_equal(pg_util_copy(buf, sizeof(buf), "abcdef", 6), 3);
	assert_string_equal(buf, "abc");
	assert_int_equal(pg_util_copy(buf, sizeof(buf), "ab\0cd", 5), 2);
	assert_string_equal(buf, "ab");
	assert_int_equal(pg_util_copy(buf, sizeof(buf), "xyz", 1), 1);
	assert_string_equal(buf, "x");
	assert_int_equal(pg_util_copy(buf, 1, "xyz", 3), 0);
	assert_string_equal(buf, "");
	assert_false(pg_util_is_pow2(0));
	assert_true(pg_util_is_pow2(1));
	assert_true(pg_util_is_pow2(1ull << 63));
	assert_false(pg_util_is_pow2(0x3000));
	assert_int_equal(pg_util_lowest_bit(0x4000f000), 0x1000);
	assert_int_equal(pg_util_lowest_bit(0), 0);
}

static void test_read_file(void **state)
{
	char dir[] = "/tmp/pg-util-test-XXXXXX", path[128], link[128], cmd[160];
	char *buf = (char *)0x1;
	size_t len = 777;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/f", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("hello", f);
	fclose(f);

	assert_int_equal(pg_util_read_file_at(AT_FDCWD, path, 5, false, &buf, &len), 0);
	assert_int_equal(len, 5);
	assert_string_equal(buf, "hello"); /* NUL-terminated */
	free(buf);
	buf = (char *)0x1;
	len = 777;
	assert_int_equal(pg_util_read_file_at(AT_FDCWD, path, 4, false, &buf, &len), -E2BIG);
	assert_int_equal(pg_util_read_file_at(AT_FDCWD, dir, 4, false, &buf, &len), -EISDIR);
	snprintf(link, sizeof(link), "%s/l", dir);
	assert_int_equal(symlink(path, link), 0);
	assert_int_equal(pg_util_read_file_at(AT_FDCWD, link, 9, true, &buf, &len), -ELOOP);
	snprintf(link, sizeof(link), "%s/p", dir);
	assert_int_equal(mkfifo(link, 0600), 0);
	assert_int_equal(pg_util_read_file_at(AT_FDCWD, link, 9, false, &buf, &len), -EINVAL);
	snprintf(link, sizeof(link), "%s/none", dir);
	assert_int_equal(pg_util_read_file_at(AT_FDCWD, link, 9, false, &buf, &len), -ENOENT);
	assert_ptr_equal(buf, (char *)0x1); /* untouched on every failure */
	assert_int_equal(len, 777);

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hex),
		cmocka_unit_test(test_size),
		cmocka_unit_test(test_copy_pow2),
		cmocka_unit_test(test_read_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
