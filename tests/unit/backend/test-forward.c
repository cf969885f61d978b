/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Tests of the forwarding backend (src/lib/backend/forward.c) over a model device: every
 * operation reaches the inner backend; the observer sees each config write with the
 * register's previous value, each BAR write and each reset, with the inner backend's
 * result; the read-only fence refuses writes, BAR accesses and resets without touching the
 * device, and reports the refusals; a snapshot goes through the inner backend in bulk.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <pcigate/backend.h>
#include <pcigate/dump.h>

struct seen {
	char log[2048];
	size_t n;
};

static void add(struct seen *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void add(struct seen *s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	s->n += (size_t)vsnprintf(s->log + s->n, sizeof(s->log) - s->n, fmt, ap);
	va_end(ap);
}

static void o_cfg(void *data, uint16_t off, uint8_t size, uint32_t val, bool old_valid,
		  uint32_t old, int rc)
{
	if (old_valid)
		add(data, "cfg %x/%u %x old %x rc %d;", off, size, val, old, rc);
	else
		add(data, "cfg %x/%u %x rc %d;", off, size, val, rc);
}

static void o_bar(void *data, unsigned bar, uint64_t off, uint8_t size, uint64_t val, int rc)
{
	add(data, "bar %u %llx/%u %llx rc %d;", bar, (unsigned long long)off, size,
	    (unsigned long long)val, rc);
}

static void o_reset(void *data, enum pg_reset_method method, int rc)
{
	add(data, "reset %d rc %d;", (int)method, rc);
}

static const struct pg_backend_observer obs = { o_cfg, o_bar, o_reset };

/* A small endpoint: IDs, Command, BAR0 (4 KiB memory, annotated). */
static struct pg_backend *model(void)
{
	static const char text[] =
		"00:02.0 test\n"
		"# pcigate: bar0=4K\n"
		"00: 86 80 d3 10 00 00 10 00 01 00 00 02 00 00 00 00\n"
		"10: 00 00 bf fe 00 00 00 00 00 00 00 00 00 00 00 00\n"
		"20: 00 00 00 00 00 00 00 00 00 00 00 00 86 80 00 00\n"
		"30: 00 00 00 00 00 00 00 00 00 00 00 00 00 01 00 00\n";
	struct pg_dump_dev dev;
	struct pg_backend *be = NULL;
	size_t n = 0;

	assert_int_equal(pg_dump_parse(text, sizeof(text) - 1, &dev, 1, &n, NULL), 0);
	assert_int_equal(pg_backend_model_new(&dev, "test", &be), 0);
	return be;
}

static void test_forward(void **state)
{
	struct pg_backend *inner = model(), *fw = NULL;
	struct seen s = { "", 0 };
	char expect[128];
	uint8_t *snap = malloc(PG_CFG_EXT_LEN);
	uint64_t v64 = 0;
	uint32_t v = 0;
	int rc;

	(void)state;
	assert_non_null(snap);
	assert_int_equal(pg_backend_forward_new(inner, 0, &obs, &s, &fw), 0);
	assert_string_equal(pg_backend_kind(fw), "forward");
	assert_string_equal(pg_backend_name(fw), pg_backend_name(inner));
	assert_int_equal(pg_backend_cfg_len(fw), pg_backend_cfg_len(inner));
	/* reads pass and are not reported */
	assert_int_equal(pg_backend_cfg_read(fw, 0, 4, &v), 0);
	assert_int_equal(v, 0x10d38086);
	assert_int_equal(pg_backend_snapshot(fw, snap, NULL), 64);
	assert_int_equal(snap[0x2c], 0x86);
	/* writes reach the model and are reported with the previous value */
	assert_int_equal(pg_backend_cfg_write(fw, 0x04, 2, 0x0006), 0);
	assert_int_equal(pg_backend_cfg_read(inner, 0x04, 2, &v), 0);
	assert_int_equal(v, 0x0006);
	assert_int_equal(pg_backend_bar_write(fw, 0, 0x10, 4, 0x1234), 0);
	assert_int_equal(pg_backend_bar_read(inner, 0, 0x10, 4, &v64), 0);
	assert_int_equal(v64, 0x1234);
	rc = pg_backend_reset(fw, PG_RESET_ANY);
	/* the reset is reported with the model's own result */
	snprintf(expect, sizeof(expect), "cfg 4/2 6 old 0 rc 0;bar 0 10/4 1234 rc 0;reset 0 rc %d;",
		 rc);
	assert_string_equal(s.log, expect);
	/* an invalid access is refused by the generic checks before any op or observer */
	s.n = 0;
	s.log[0] = 0;
	assert_int_equal(pg_backend_cfg_write(fw, 0x05, 2, 0), -EINVAL);
	assert_string_equal(s.log, "");
	pg_backend_close(fw);
	pg_backend_close(inner);
	free(snap);
}

static void test_readonly_fence(void **state)
{
	struct pg_backend *inner = model(), *fw = NULL;
	struct seen s = { "", 0 };
	uint64_t v64 = 0;
	uint32_t v = 0;

	(void)state;
	assert_int_equal(pg_backend_forward_new(inner, PG_FORWARD_READONLY, &obs, &s, &fw), 0);
	assert_int_equal(pg_backend_cfg_write(fw, 0x04, 2, 0x0006), -EROFS);
	assert_int_equal(pg_backend_bar_write(fw, 0, 0x10, 4, 0x1234), -EPERM);
	assert_int_equal(pg_backend_bar_read(fw, 0, 0x10, 4, &v64), -EPERM);
	assert_int_equal(pg_backend_reset(fw, PG_RESET_ANY), -EROFS);
	assert_string_equal(s.log, "cfg 4/2 6 rc -30;bar 0 10/4 1234 rc -1;reset 0 rc -30;");
	/* nothing reached the device */
	assert_int_equal(pg_backend_cfg_read(inner, 0x04, 2, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(pg_backend_bar_read(inner, 0, 0x10, 4, &v64), 0);
	assert_int_equal(v64, 0);
	/* config reads still pass */
	assert_int_equal(pg_backend_cfg_read(fw, 0x2c, 2, &v), 0);
	assert_int_equal(v, 0x8086);
	pg_backend_close(fw);
	pg_backend_close(inner);
}

static void test_args(void **state)
{
	struct pg_backend *inner = model(), *fw = NULL;

	(void)state;
	assert_int_equal(pg_backend_forward_new(NULL, 0, NULL, NULL, &fw), -EINVAL);
	assert_int_equal(pg_backend_forward_new(inner, 0, NULL, NULL, NULL), -EINVAL);
	assert_int_equal(pg_backend_forward_new(inner, 0x80, NULL, NULL, &fw), -EINVAL);
	assert_null(fw);
	/* no observer: still forwards */
	assert_int_equal(pg_backend_forward_new(inner, 0, NULL, NULL, &fw), 0);
	assert_int_equal(pg_backend_cfg_write(fw, 0x3c, 1, 0x0b), 0);
	pg_backend_close(fw);
	pg_backend_close(inner);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_forward),
		cmocka_unit_test(test_readonly_fence),
		cmocka_unit_test(test_args),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
