/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Tests of the generic backend layer (src/lib/backend/backend.c). A recording backend logs
 * every op call; after every table case the log proves that the ops never saw an invalid
 * access (bad size, misalignment, out of range, over-wide value, absent or inaccessible
 * BAR). Also: lifecycle, snapshot, pg_bdf_parse.
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

enum op { OP_CFG_READ, OP_CFG_WRITE, OP_BAR_INFO, OP_BAR_READ, OP_BAR_WRITE, OP_RESET };

struct call {
	enum op op;
	unsigned bar;
	uint64_t off;
	uint8_t size;
	uint64_t val;
};

struct rec {
	struct call calls[1024];
	unsigned ncalls;
	uint16_t cfg_len;
	uint8_t cfg[PG_CFG_EXT_LEN];
	struct pg_bar_info bars[PG_CFG_NUM_BARS];
	int bar_info_rc[PG_CFG_NUM_BARS];
	unsigned fail_cfg_read_at; /* 1-based call number that fails; 0 never */
	unsigned cfg_reads;
	uint32_t read_garbage;     /* OR-ed into cfg reads, beyond the access size */
	int *destroyed;
};

static void log_call(struct pg_backend *be, enum op op, unsigned bar, uint64_t off,
		     uint8_t size, uint64_t val)
{
	struct rec *r = pg_backend_priv(be);

	assert_true(r->ncalls < 1024);
	r->calls[r->ncalls++] = (struct call){ op, bar, off, size, val };
}

static int rec_cfg_read(struct pg_backend *be, uint16_t off, uint8_t size, uint32_t *val)
{
	struct rec *r = pg_backend_priv(be);

	log_call(be, OP_CFG_READ, 0, off, size, 0);
	if (r->fail_cfg_read_at && ++r->cfg_reads == r->fail_cfg_read_at)
		return -EIO;
	*val = r->read_garbage;
	for (unsigned i = 0; i < size; i++)
		*val |= (uint32_t)r->cfg[off + i] << (8 * i);
	return 0;
}

static int rec_cfg_write(struct pg_backend *be, uint16_t off, uint8_t size, uint32_t val)
{
	log_call(be, OP_CFG_WRITE, 0, off, size, val);
	return 0;
}

static int rec_bar_info(struct pg_backend *be, unsigned bar, struct pg_bar_info *info)
{
	struct rec *r = pg_backend_priv(be);

	log_call(be, OP_BAR_INFO, bar, 0, 0, 0);
	if (r->bar_info_rc[bar])
		return r->bar_info_rc[bar];
	*info = r->bars[bar];
	return 0;
}

static int rec_bar_read(struct pg_backend *be, unsigned bar, uint64_t off, uint8_t size,
			uint64_t *val)
{
	log_call(be, OP_BAR_READ, bar, off, size, 0);
	*val = 0x1122334455667788ull; /* wider than most accesses: must be masked */
	return 0;
}

static int rec_bar_write(struct pg_backend *be, unsigned bar, uint64_t off, uint8_t size,
			 uint64_t val)
{
	log_call(be, OP_BAR_WRITE, bar, off, size, val);
	return 0;
}

/* Records the first method (off) and how many were allowed (size). */
static int rec_reset(struct pg_backend *be, const enum pg_reset_method *methods, unsigned n,
		     enum pg_reset_method *used)
{
	log_call(be, OP_RESET, 0, methods[0], (uint8_t)n, 0);
	*used = methods[0];
	return 0;
}

static void rec_destroy(void *priv)
{
	struct rec *r = priv;

	(*r->destroyed)++;
	free(r);
}

static const struct pg_backend_ops rec_ops = {
	.kind = "recording",
	.cfg_read = rec_cfg_read,
	.cfg_write = rec_cfg_write,
	.bar_info = rec_bar_info,
	.bar_read = rec_bar_read,
	.bar_write = rec_bar_write,
	.reset = rec_reset,
	.destroy = rec_destroy,
};

static int destroyed;

/* BAR table of the recording device (see the file comment of each case). */
static void rec_bars(struct rec *r)
{
	r->bars[0] = (struct pg_bar_info){ true, PG_BAR_MEM32, false, 4096, 0xf0000000, true };
	r->bars[2] = (struct pg_bar_info){ true, PG_BAR_MEM64, true, 8192, 0, false };
	r->bars[3] = (struct pg_bar_info){ true, PG_BAR_MEM64, false, 0, 0, true }; /* size ? */
	r->bar_info_rc[4] = -EIO;
	r->bars[5] = (struct pg_bar_info){ false, PG_BAR_NONE, false, 0, 0, false };
	r->bars[6] = (struct pg_bar_info){ true, PG_BAR_ROM, false, 2048, 0, true };
}

static struct pg_backend *rec_new(uint16_t cfg_len, struct rec **ret_rec)
{
	struct rec *r = calloc(1, sizeof(*r));
	struct pg_backend *be = NULL;

	assert_non_null(r);
	r->cfg_len = cfg_len;
	for (unsigned i = 0; i < PG_CFG_EXT_LEN; i++)
		r->cfg[i] = (uint8_t)(i * 13 + 1);
	r->destroyed = &destroyed;
	rec_bars(r);
	assert_int_equal(pg_backend_new(&rec_ops, r, cfg_len, "rec", &be), 0);
	*ret_rec = r;
	return be;
}

/* Every logged data access satisfies the generic layer's promises. */
static void assert_log_valid(const struct rec *r)
{
	for (unsigned i = 0; i < r->ncalls; i++) {
		const struct call *c = &r->calls[i];

		switch (c->op) {
		case OP_CFG_READ:
		case OP_CFG_WRITE:
			assert_true(c->size == 1 || c->size == 2 || c->size == 4);
			assert_int_equal(c->off % c->size, 0);
			assert_true(c->off + c->size <= r->cfg_len);
			if (c->size < 4)
				assert_int_equal(c->val >> (8 * c->size), 0);
			break;
		case OP_BAR_READ:
		case OP_BAR_WRITE:
			assert_true(c->bar < PG_CFG_NUM_BARS);
			assert_true(c->size == 1 || c->size == 2 || c->size == 4 || c->size == 8);
			assert_int_equal(c->off % c->size, 0);
			assert_true(r->bars[c->bar].present && r->bars[c->bar].accessible);
			if (r->bars[c->bar].size)
				assert_true(c->off + c->size <= r->bars[c->bar].size);
			if (c->size < 8)
				assert_int_equal(c->val >> (8 * c->size), 0);
			break;
		default:
			break;
		}
	}
}

/* Number of data calls (everything but bar_info) in the log. */
static unsigned data_calls(const struct rec *r)
{
	unsigned n = 0;

	for (unsigned i = 0; i < r->ncalls; i++)
		n += r->calls[i].op != OP_BAR_INFO;
	return n;
}

/* ---- config access ------------------------------------------------------------------ */

struct cfg_case {
	uint16_t off;
	uint8_t size;
	uint32_t val;
	int rc_read, rc_write;
};

#define OK_BOTH 0, 0
#define BAD_BOTH -EINVAL, -EINVAL
static const struct cfg_case cfg_cases[] = {
	{ 0, 1, 0, OK_BOTH }, { 0, 2, 0, OK_BOTH }, { 0, 4, 0, OK_BOTH },
	{ 3, 1, 0xff, OK_BOTH }, { 2, 2, 0xffff, OK_BOTH }, { 252, 4, 0xffffffffu, OK_BOTH },
	{ 254, 2, 0, OK_BOTH }, { 255, 1, 0, OK_BOTH },
	{ 1, 2, 0, BAD_BOTH }, { 2, 4, 0, BAD_BOTH }, { 1, 4, 0, BAD_BOTH },
	{ 0, 3, 0, BAD_BOTH }, { 0, 0, 0, BAD_BOTH }, { 0, 8, 0, BAD_BOTH },
	{ 256, 1, 0, BAD_BOTH }, { 256, 4, 0, BAD_BOTH }, { 0xfffc, 4, 0, BAD_BOTH },
	{ 0xffff, 1, 0, BAD_BOTH },
	{ 0, 1, 0x100, 0, -EINVAL }, { 0, 2, 0x10000, 0, -EINVAL }, /* value too wide */
};

static void test_cfg_validation(void **state)
{
	struct rec *r;
	struct pg_backend *be = rec_new(256, &r);

	(void)state;
	for (size_t i = 0; i < sizeof(cfg_cases) / sizeof(cfg_cases[0]); i++) {
		const struct cfg_case *c = &cfg_cases[i];
		unsigned before = r->ncalls;
		uint32_t v = 0xabababab;
		int rr = pg_backend_cfg_read(be, c->off, c->size, &v);
		unsigned mid = r->ncalls;
		int rw = pg_backend_cfg_write(be, c->off, c->size, c->val);

		if (rr != c->rc_read || rw != c->rc_write)
			fail_msg("cfg case %zu (off 0x%x size %u): read %d write %d want %d/%d", i,
				 c->off, c->size, rr, rw, c->rc_read, c->rc_write);
		/* A refused access never reaches the ops; an accepted one does, unchanged. */
		assert_int_equal(mid - before, rr == 0);
		assert_int_equal(r->ncalls - mid, rw == 0);
		if (rr < 0)
			assert_int_equal(v, 0xabababab); /* not written on failure */
		else
			assert_true(r->calls[before].off == c->off &&
				    r->calls[before].size == c->size);
		if (rw == 0)
			assert_int_equal(r->calls[mid].val, c->val);
	}
	assert_log_valid(r);
	assert_int_equal(pg_backend_cfg_read(be, 0, 4, NULL), -EINVAL);
	assert_int_equal(pg_backend_cfg_read(NULL, 0, 4, &(uint32_t){ 0 }), -EINVAL);
	pg_backend_close(be);
}

static void test_cfg_masking(void **state)
{
	struct rec *r;
	struct pg_backend *be = rec_new(64, &r);
	uint32_t v;

	(void)state;
	r->read_garbage = 0xdead0000u; /* a sloppy backend leaving junk above the access */
	assert_int_equal(pg_backend_cfg_read(be, 1, 1, &v), 0);
	assert_int_equal(v, r->cfg[1]);
	assert_int_equal(pg_backend_cfg_read(be, 2, 2, &v), 0);
	assert_int_equal(v, r->cfg[2] | r->cfg[3] << 8);
	assert_int_equal(pg_backend_cfg_read(be, 60, 4, &v), 0);
	assert_int_equal(v, (r->cfg[60] | r->cfg[61] << 8 | r->cfg[62] << 16 |
			     (uint32_t)r->cfg[63] << 24) | 0xdead0000u);
	assert_int_equal(pg_backend_cfg_read(be, 64, 1, &v), -EINVAL); /* cfg_len 64 */
	pg_backend_close(be);
}

/* ---- BAR access --------------------------------------------------------------------- */

struct bar_case {
	unsigned bar;
	uint64_t off;
	uint8_t size;
	uint64_t val;
	int rc;
};

static const struct bar_case bar_cases[] = {
	{ 0, 0, 4, 0, 0 }, { 0, 4092, 4, 0, 0 }, { 0, 4088, 8, 0, 0 }, { 0, 4095, 1, 0xff, 0 },
	{ 0, 4096, 1, 0, -ERANGE }, { 0, 1ull << 40, 4, 0, -ERANGE },
	{ 0, 4092, 8, 0, -EINVAL }, { 0, 4090, 4, 0, -EINVAL }, { 0, 0, 3, 0, -EINVAL },
	{ 0, 0, 16, 0, -EINVAL }, { 0, 0, 0, 0, -EINVAL }, { 7, 0, 4, 0, -EINVAL },
	{ 99, 0, 4, 0, -EINVAL }, { 0, UINT64_MAX - 7, 8, 0, -EINVAL },
	{ 1, 0, 4, 0, -ENXIO },   /* not present */
	{ 2, 0, 4, 0, -EPERM },   /* present, not accessible */
	{ 3, 1ull << 40, 8, 0, 0 }, /* size unknown: the backend decides */
	{ 3, UINT64_MAX - 7, 8, 0, -EINVAL },
	{ 4, 0, 4, 0, -EIO },     /* bar_info fails */
	{ 5, 0, 4, 0, -ENXIO },
	{ 6, 2044, 4, 0, 0 }, { 6, 2048, 4, 0, -ERANGE },
};

static void test_bar_validation(void **state)
{
	struct rec *r;
	struct pg_backend *be = rec_new(256, &r);

	(void)state;
	for (size_t i = 0; i < sizeof(bar_cases) / sizeof(bar_cases[0]); i++) {
		const struct bar_case *c = &bar_cases[i];
		unsigned before = data_calls(r);
		uint64_t v = 0xabab;
		int rr = pg_backend_bar_read(be, c->bar, c->off, c->size, &v);
		int rw = pg_backend_bar_write(be, c->bar, c->off, c->size, c->val);

		if (rr != c->rc || rw != c->rc)
			fail_msg("bar case %zu (bar %u off 0x%llx size %u): rd %d wr %d want %d", i,
				 c->bar, (unsigned long long)c->off, c->size, rr, rw, c->rc);
		if (c->rc < 0) {
			assert_int_equal(data_calls(r), before);
			assert_int_equal(v, 0xabab);
		} else {
			uint64_t mask = c->size == 8 ? UINT64_MAX : (1ull << (8 * c->size)) - 1;

			assert_int_equal(data_calls(r), before + 2);
			assert_int_equal(v, 0x1122334455667788ull & mask);
		}
	}
	/* A value wider than the access never reaches the backend. */
	assert_int_equal(pg_backend_bar_write(be, 0, 0, 1, 0x100), -EINVAL);
	assert_int_equal(pg_backend_bar_write(be, 0, 0, 4, 1ull << 32), -EINVAL);
	assert_int_equal(pg_backend_bar_read(be, 0, 0, 4, NULL), -EINVAL);
	assert_log_valid(r);
	pg_backend_close(be);
}

static int bad_kind_info(struct pg_backend *be, unsigned bar, struct pg_bar_info *info)
{
	(void)be;
	(void)bar;
	info->kind = (enum pg_bar_kind)42;
	info->present = true;
	return 0;
}

static int min_cfg_read(struct pg_backend *be, uint16_t off, uint8_t size, uint32_t *val)
{
	(void)be;
	(void)off;
	(void)size;
	*val = 0;
	return 0;
}

static void test_minimal_ops(void **state)
{
	static const struct pg_backend_ops min_ops = {
		.cfg_read = min_cfg_read, .bar_info = bad_kind_info,
	};
	struct pg_backend *be = NULL;
	struct pg_bar_info info = { .size = 77 };
	uint64_t v;

	(void)state;
	assert_int_equal(pg_backend_new(&min_ops, NULL, 64, NULL, &be), 0);
	assert_string_equal(pg_backend_kind(be), "custom");
	assert_string_equal(pg_backend_name(be), "");
	assert_int_equal(pg_backend_cfg_write(be, 0, 4, 0), -EROFS);
	assert_int_equal(pg_backend_reset(be, PG_RESET_ANY), -EOPNOTSUPP);
	/* A broken bar_info (kind out of range) fails closed. */
	assert_int_equal(pg_backend_bar_info(be, 0, &info), -EIO);
	assert_int_equal(info.size, 77);
	assert_int_equal(pg_backend_bar_read(be, 0, 0, 4, &v), -EIO);
	pg_backend_close(be); /* no destroy op: fine */
}

static void test_lifecycle(void **state)
{
	static const struct pg_backend_ops no_info = { .cfg_read = min_cfg_read };
	static const struct pg_backend_ops no_read = { .bar_info = bad_kind_info };
	char longname[100];
	struct pg_backend *be = (void *)0x1;
	struct rec *r;

	(void)state;
	assert_int_equal(pg_backend_new(NULL, NULL, 64, "x", &be), -EINVAL);
	assert_int_equal(pg_backend_new(&no_info, NULL, 64, "x", &be), -EINVAL);
	assert_int_equal(pg_backend_new(&no_read, NULL, 64, "x", &be), -EINVAL);
	assert_int_equal(pg_backend_new(&rec_ops, NULL, 0, "x", &be), -EINVAL);
	assert_int_equal(pg_backend_new(&rec_ops, NULL, 4097, "x", &be), -EINVAL);
	assert_int_equal(pg_backend_new(&rec_ops, NULL, 64, "x", NULL), -EINVAL);
	assert_ptr_equal(be, (void *)0x1);

	destroyed = 0;
	be = rec_new(4096, &r);
	assert_ptr_equal(pg_backend_priv(be), r);
	assert_int_equal(pg_backend_cfg_len(be), 4096);
	assert_string_equal(pg_backend_kind(be), "recording");
	assert_string_equal(pg_backend_name(be), "rec");
	assert_int_equal(pg_backend_reset(be, PG_RESET_FLR), 0);
	assert_int_equal(r->calls[r->ncalls - 1].off, PG_RESET_FLR);
	assert_int_equal(pg_backend_reset(be, (enum pg_reset_method)9), -EINVAL);
	{
		/* an ordered list reaches the op whole; bad lists never do */
		static const enum pg_reset_method pm_bus[] = { PG_RESET_PM, PG_RESET_BUS };
		static const enum pg_reset_method dup[] = { PG_RESET_PM, PG_RESET_PM };
		static const enum pg_reset_method any_flr[] = { PG_RESET_ANY, PG_RESET_FLR };
		static const enum pg_reset_method four[] = { PG_RESET_FLR, PG_RESET_PM,
							     PG_RESET_BUS, PG_RESET_ANY };
		enum pg_reset_method used = PG_RESET_BUS;
		unsigned n = r->ncalls;

		assert_int_equal(pg_backend_reset_list(be, pm_bus, 2, &used), 0);
		assert_int_equal(used, PG_RESET_PM);
		assert_int_equal(r->calls[r->ncalls - 1].off, PG_RESET_PM);
		assert_int_equal(r->calls[r->ncalls - 1].size, 2);
		n = r->ncalls;
		assert_int_equal(pg_backend_reset_list(be, dup, 2, NULL), -EINVAL);
		assert_int_equal(pg_backend_reset_list(be, any_flr, 2, NULL), -EINVAL);
		assert_int_equal(pg_backend_reset_list(be, four, 4, NULL), -EINVAL);
		assert_int_equal(pg_backend_reset_list(be, pm_bus, 0, NULL), -EINVAL);
		assert_int_equal(pg_backend_reset_list(be, NULL, 1, NULL), -EINVAL);
		assert_int_equal(pg_backend_reset_list(NULL, pm_bus, 1, NULL), -EINVAL);
		assert_int_equal(r->ncalls, n);
	}
	pg_backend_close(be);
	assert_int_equal(destroyed, 1);
	pg_backend_close(NULL);

	memset(longname, 'n', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	r = calloc(1, sizeof(*r));
	assert_non_null(r);
	r->destroyed = &destroyed;
	assert_int_equal(pg_backend_new(&rec_ops, r, 64, longname, &be), 0);
	assert_int_equal(strlen(pg_backend_name(be)), 63);
	pg_backend_close(be);
	assert_int_equal(destroyed, 2);
}

/* ---- snapshot ----------------------------------------------------------------------- */

static void test_snapshot(void **state)
{
	uint8_t *buf = malloc(PG_CFG_EXT_LEN);
	struct pg_cfg_bar_sizes sizes, untouched;
	struct rec *r;
	struct pg_backend *be = rec_new(66, &r); /* 16 dwords and a 2-byte tail */
	unsigned dwords = 0, bytes = 0;

	(void)state;
	assert_non_null(buf);
	memset(buf, 0x5a, PG_CFG_EXT_LEN);
	assert_int_equal(pg_backend_snapshot(be, buf, &sizes), 66);
	assert_memory_equal(buf, r->cfg, 66);
	for (unsigned i = 66; i < PG_CFG_EXT_LEN; i++)
		assert_int_equal(buf[i], 0);
	for (unsigned i = 0; i < r->ncalls; i++) {
		if (r->calls[i].op != OP_CFG_READ)
			continue;
		dwords += r->calls[i].size == 4;
		bytes += r->calls[i].size == 1;
	}
	assert_int_equal(dwords, 16);
	assert_int_equal(bytes, 2);
	/* bar0 4096; bar1 absent (all-zero info) and bar5 not present: known, 0; bar2
	 * size known though not accessible; bar3 size unknown; bar4 info fails; ROM 2048. */
	assert_int_equal(sizes.known, 0x67);
	assert_int_equal(sizes.size[0], 4096);
	assert_int_equal(sizes.size[1], 0);
	assert_int_equal(sizes.size[2], 8192);
	assert_int_equal(sizes.size[5], 0);
	assert_int_equal(sizes.size[6], 2048);
	assert_int_equal(pg_backend_snapshot(be, buf, NULL), 66);

	/* A failing config read fails the snapshot and leaves sizes alone. */
	memset(&untouched, 0x77, sizeof(untouched));
	sizes = untouched;
	r->fail_cfg_read_at = 5;
	r->cfg_reads = 0;
	assert_int_equal(pg_backend_snapshot(be, buf, &sizes), -EIO);
	assert_memory_equal(&sizes, &untouched, sizeof(sizes));
	assert_int_equal(pg_backend_snapshot(NULL, buf, &sizes), -EINVAL);
	assert_int_equal(pg_backend_snapshot(be, NULL, &sizes), -EINVAL);
	assert_log_valid(r);
	pg_backend_close(be);
	free(buf);
}

/* ---- BDF ---------------------------------------------------------------------------- */

struct bdf_case {
	const char *text;
	const char *canon; /* NULL: -EINVAL */
};

static const struct bdf_case bdf_cases[] = {
	{ "0000:00:1f.7", "0000:00:1f.7" },
	{ "00:1f.7", "0000:00:1f.7" },
	{ "ABCD:Ef:1F.0", "abcd:ef:1f.0" },
	{ "1:2.3", "0000:01:02.3" },
	{ "a:b:c.1", "000a:0b:0c.1" },
	{ "ffff:ff:1f.7", "ffff:ff:1f.7" },
	{ "00:20.0", NULL },          /* device > 0x1f */
	{ "00:1f.8", NULL },          /* function > 7 */
	{ "10000:00:00.0", NULL },    /* domain > 4 digits */
	{ "000:100:00.0", NULL },     /* bus > 2 digits */
	{ "00:001.0", NULL },
	{ "00:1f.07", NULL },
	{ "00:1f.0 ", NULL },         /* trailing space */
	{ " 00:1f.0", NULL },
	{ "00:1f.0\n", NULL },
	{ "00:1f", NULL },
	{ "00:1f.", NULL },
	{ ":00:1f.0", NULL },
	{ "0000::1f.0", NULL },
	{ "0x0:00:1f.0", NULL },
	{ "00.1f:0", NULL },
	{ "0000:00:1f.0:", NULL },
	{ "g0:00.0", NULL },
	{ "", NULL },
	{ "0000:00:00.00000000000000", NULL },
};

static void test_bdf(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bdf_cases) / sizeof(bdf_cases[0]); i++) {
		const struct bdf_case *c = &bdf_cases[i];
		char out[13] = "untouched";
		int r = pg_bdf_parse(c->text, out);

		if (c->canon ? (r != 0 || strcmp(out, c->canon)) :
			       (r != -EINVAL || strcmp(out, "untouched")))
			fail_msg("bdf '%s': rc %d out '%s' want %s", c->text, r, out,
				 c->canon ? c->canon : "-EINVAL");
	}
	assert_int_equal(pg_bdf_parse(NULL, (char[13]){ 0 }), -EINVAL);
	assert_int_equal(pg_bdf_parse("00:00.0", NULL), -EINVAL);
}

/* pg_backend_cfg_update(): one validation, a read only when bits must be kept, the merge
 * (mask bits from value, the rest the device's), and a read error before any write. */
static void test_cfg_update(void **state)
{
	struct rec *r;
	struct pg_backend *be = rec_new(256, &r);
	uint32_t cur = (uint32_t)r->cfg[0x10] | (uint32_t)r->cfg[0x11] << 8;
	unsigned n;

	(void)state;
	assert_int_equal(pg_backend_cfg_update(be, 0x10, 2, 0xffff, 0x00f0), 0);
	assert_int_equal(r->ncalls, 2);
	assert_int_equal(r->calls[0].op, OP_CFG_READ);
	assert_int_equal(r->calls[1].op, OP_CFG_WRITE);
	assert_int_equal(r->calls[1].val, (cur & ~0x00f0u) | 0x00f0u);
	/* every bit given: no read; value bits outside mask and size ignored */
	n = r->ncalls;
	assert_int_equal(pg_backend_cfg_update(be, 0x20, 1, 0x1a5, 0xff), 0);
	assert_int_equal(r->ncalls, n + 1);
	assert_int_equal(r->calls[n].op, OP_CFG_WRITE);
	assert_int_equal(r->calls[n].val, 0xa5);
	/* validated like a write, before the ops see anything */
	n = r->ncalls;
	assert_int_equal(pg_backend_cfg_update(be, 0x11, 2, 0, 0xffff), -EINVAL);
	assert_int_equal(pg_backend_cfg_update(be, 0xfe, 4, 0, 0xff), -EINVAL);
	assert_int_equal(pg_backend_cfg_update(NULL, 0x10, 2, 0, 1), -EINVAL);
	assert_int_equal(r->ncalls, n);
	/* a failing read writes nothing */
	r->fail_cfg_read_at = 1;
	r->cfg_reads = 0;
	assert_int_equal(pg_backend_cfg_update(be, 0x10, 2, 0, 1), -EIO);
	assert_int_equal(r->ncalls, n + 1);
	assert_int_equal(r->calls[n].op, OP_CFG_READ);
	pg_backend_close(be);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cfg_validation),
		cmocka_unit_test(test_cfg_masking),
		cmocka_unit_test(test_cfg_update),
		cmocka_unit_test(test_bar_validation),
		cmocka_unit_test(test_minimal_ops),
		cmocka_unit_test(test_lifecycle),
		cmocka_unit_test(test_snapshot),
		cmocka_unit_test(test_bdf),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
