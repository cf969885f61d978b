/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fault injection for the policy loader (SQLite-style "fail the Nth allocation"): with
 * N = 1, 2, ... the Nth malloc/calloc/realloc made by pcigate's own code fails, until a
 * load completes without meeting the failure. Every failed load must return -ENOMEM,
 * leave the output untouched and free everything (the ASan build reports leaks).
 *
 * Linked with -Wl,--wrap=malloc,calloc,realloc (see meson.build): the wrappers see only
 * calls from objects linked into this executable, i.e. libpcigate's static library.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <pcigate/policy.h>

void *__real_malloc(size_t size);
void *__real_calloc(size_t nmemb, size_t size);
void *__real_realloc(void *ptr, size_t size);
void *__wrap_malloc(size_t size);
void *__wrap_calloc(size_t nmemb, size_t size);
void *__wrap_realloc(void *ptr, size_t size);

static unsigned long fail_at;  /* 0: never fail */
static unsigned long calls;

static bool inject(void)
{
	return fail_at && ++calls == fail_at;
}

void *__wrap_malloc(size_t size)
{
	return inject() ? NULL : __real_malloc(size);
}

void *__wrap_calloc(size_t nmemb, size_t size)
{
	return inject() ? NULL : __real_calloc(nmemb, size);
}

void *__wrap_realloc(void *ptr, size_t size)
{
	return inject() ? NULL : __real_realloc(ptr, size);
}

static struct pg_policy *const SENTINEL = (struct pg_policy *)(uintptr_t)0x5a5a5a50;

/* Enough entries to make the entry array grow several times (16, 32, 64). */
static char text[16384];

static size_t make_text(void)
{
	size_t len = (size_t)snprintf(text, sizeof(text), "version: 1\ndevices:\n");

	for (unsigned i = 0; i < 40; i++)
		len += (size_t)snprintf(text + len, sizeof(text) - len,
					"  - match: \"8086:%04x\"\n"
					"    capabilities: {add: [vpd], remove: [ext:aer]}\n"
					"    registers: [{offset: 0x40, size: 4, "
					"access: read}]\n", i);
	len += (size_t)snprintf(text + len, sizeof(text) - len, "  - match: \"1af4:*\"\n");
	assert_true(len < sizeof(text));
	return len;
}

typedef int (*load_fn)(const char *arg, size_t len, struct pg_policy **ret,
		       struct pg_policy_error *err);

static int load_mem(const char *arg, size_t len, struct pg_policy **ret,
		    struct pg_policy_error *err)
{
	return pg_policy_load_buf(arg, len, ret, err);
}

static int load_path(const char *arg, size_t len, struct pg_policy **ret,
		     struct pg_policy_error *err)
{
	return pg_policy_load_file(arg, ret, err);
}

static void fail_each(load_fn load, const char *arg, size_t len)
{
	unsigned long n;

	for (n = 1; n < 10000; n++) {
		struct pg_policy *p = SENTINEL;
		struct pg_policy_error err;
		int r;

		memset(&err, 0, sizeof(err));
		fail_at = n;
		calls = 0;
		r = load(arg, len, &p, &err);
		fail_at = 0;
		if (r == 0) {
			assert_true(calls < n); /* finished without meeting the failure */
			assert_int_equal(pg_policy_count(p), 41);
			pg_policy_free(p);
			break;
		}
		if (r != -ENOMEM)
			fail_msg("allocation %lu failed: rc %d '%s'", n, r, err.msg);
		assert_ptr_equal(p, SENTINEL);
		assert_string_equal(err.msg, "out of memory");
	}
	/* pol, scratch, blocks and 3 growths of each array at least were failed */
	assert_true(n > 8);
}

static void test_alloc_buf(void **state)
{
	fail_each(load_mem, text, make_text());
}

static void test_alloc_file(void **state)
{
	char path[] = "/tmp/pg-policy-alloc-XXXXXX";
	size_t len = make_text();
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, len), (ssize_t)len);
	assert_int_equal(close(fd), 0);
	fail_each(load_path, path, len);
	assert_int_equal(unlink(path), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_alloc_buf),
		cmocka_unit_test(test_alloc_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
