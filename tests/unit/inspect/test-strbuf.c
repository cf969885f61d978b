/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The report string buffer (src/lib/util/strbuf.c): growth across many reallocations,
 * embedded bytes, the empty case, and the sticky size cap that stops a runaway report.
 * (Kept with the inspect tests because inspect is its only user so far.)
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "util/strbuf.h"

static void test_grow(void **state)
{
	struct pg_strbuf sb;
	char *out = NULL;
	(void)state;

	pg_strbuf_init(&sb);
	for (int i = 0; i < 1000; i++)
		pg_strbuf_printf(&sb, "%04d,", i);
	pg_strbuf_append(&sb, "x\0y", 1);
	assert_int_equal(sb.len, 5001);
	assert_int_equal(pg_strbuf_finish(&sb, &out), 0);
	assert_int_equal(strlen(out), 5001);
	assert_memory_equal(out, "0000,0001,", 10);
	assert_memory_equal(out + 4990, "0998,0999,x", 12);
	assert_null(sb.buf); /* handed over: the buffer is empty again */
	free(out);
}

static void test_empty(void **state)
{
	struct pg_strbuf sb;
	char *out = NULL;
	(void)state;

	pg_strbuf_init(&sb);
	assert_int_equal(pg_strbuf_finish(&sb, &out), 0);
	assert_non_null(out);
	assert_string_equal(out, "");
	free(out);
	pg_strbuf_init(&sb);
	pg_strbuf_free(&sb); /* freeing an untouched buffer is fine */
	pg_strbuf_free(&sb);
}

static void test_cap_is_sticky(void **state)
{
	struct pg_strbuf sb;
	char *out = (char *)0x1;
	(void)state;

	pg_strbuf_init(&sb);
	pg_strbuf_printf(&sb, "head");
	pg_strbuf_append(&sb, "x", PG_STRBUF_MAX); /* would pass the cap: refused */
	assert_int_equal(sb.err, -E2BIG);
	pg_strbuf_printf(&sb, "tail");             /* later appends are no-ops */
	assert_int_equal(sb.len, 4);
	assert_int_equal(pg_strbuf_finish(&sb, &out), -E2BIG);
	assert_ptr_equal(out, (char *)0x1);        /* not written on failure */
	assert_null(sb.buf);                       /* released */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_grow),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_cap_is_sticky),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
