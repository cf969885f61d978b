/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Virtqueue behaviour with a conforming device (the test device of vdev.c): sizes
 * (§2.7 power of 2, §2.8 up to 2^15), segment rules, a full ring, thousands of buffers over
 * many laps completed out of order (private free list and chain state stay consistent) or
 * in order, notification suppression; plus negotiation, queue sizing, config reads and the
 * JSON Lines audit record.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "vqtest.h"

static void test_sizes(void **state)
{
	static const struct { enum pg_vq_layout l; uint16_t num; int rc; } rows[] = {
		{ PG_VQ_SPLIT, 0, -EINVAL }, { PG_VQ_SPLIT, 1, 0 }, { PG_VQ_SPLIT, 3, -EINVAL },
		{ PG_VQ_SPLIT, 256, 0 }, { PG_VQ_SPLIT, 32768, 0 }, { PG_VQ_SPLIT, 40000, -EINVAL },
		{ PG_VQ_PACKED, 0, -EINVAL }, { PG_VQ_PACKED, 3, 0 }, { PG_VQ_PACKED, 32768, 0 },
		{ PG_VQ_PACKED, 32769, -EINVAL }, { PG_VQ_PACKED, 65535, -EINVAL },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct pg_vq_config c = { .layout = rows[i].l, .num = rows[i].num };
		size_t n = 0;

		assert_int_equal(pg_vq_ring_bytes(&c, &n), rows[i].rc);
		if (!rows[i].rc)
			assert_true(n >= 16u * rows[i].num);
	}
}

static void test_segs(void **state)
{
	struct vqt t;
	struct pg_vq_seg bad[2] = { { VQT_BASE + VQT_DATA, 10, true },
				    { VQT_BASE + VQT_DATA + 10, 10, false } };
	struct pg_vq_seg big[2] = { { VQT_BASE, 0xffffffffu, true }, { VQT_BASE, 2, true } };
	int tok;

	(void)state;
	assert_int_equal(vqt_setup(&t, PG_VQ_SPLIT, 8, false, false, 0), 0);
	assert_int_equal(pg_vq_add(t.vq, bad, 2, &tok), -EINVAL);   /* §2.7.4.2 order */
	assert_int_equal(pg_vq_add(t.vq, big, 2, &tok), -EINVAL);   /* len is 32 bits */
	assert_int_equal(pg_vq_add(t.vq, bad, 0, &tok), -EINVAL);
	assert_int_equal(pg_vq_add(t.vq, bad, 1, NULL), -EINVAL);
	assert_int_equal(pg_vq_add(t.vq, bad, PG_VQ_MAX_SEGS + 1, &tok), -EINVAL);
	/* 8 descriptors: four 2-segment buffers fill the ring. */
	for (unsigned k = 0; k < 4; k++)
		assert_int_equal(vqt_add(&t, k, 1, 1), 0);
	assert_int_equal(vqt_add(&t, 4, 1, 0), -ENOSPC);
	assert_int_equal(pg_vq_in_flight(t.vq), 4);
	vqt_teardown(&t);
}

/* Many laps, random segment counts, completions in a shuffled order. */
static void soak(enum pg_vq_layout layout, bool indirect, bool in_order, uint16_t num)
{
	struct vqt t;
	struct vdev_buf pend[64];
	unsigned npend = 0, added = 0, done = 0, seed = 12345;

	assert_int_equal(vqt_setup(&t, layout, num, indirect, in_order, PG_VQ_LEN_REJECT), 0);
	while (done < 5000) {
		unsigned nr = 1 + (seed = seed * 1103515245u + 12345u) / 65536u % 3u;
		unsigned nw = (seed = seed * 1103515245u + 12345u) / 65536u % 3u;
		int rc = added - done < 40 ? vqt_add(&t, added, nr, nw) : -ENOSPC;
		void *tok;
		uint32_t len;

		if (rc == 0) {
			added++;
			(void)pg_vq_kick_prepare(t.vq);
			continue;
		}
		assert_int_equal(rc, -ENOSPC);
		while (npend < 64 && vdev_pop(&t.dev, &pend[npend]) == 1)
			npend++;
		/* complete a random one (in order: the oldest), claiming all writable bytes */
		{
			unsigned i = in_order ? 0 : (seed = seed * 1103515245u + 12345u) / 65536u % npend;

			vdev_push(&t.dev, pend[i].id, pend[i].writable, pend[i].ndesc);
			memmove(&pend[i], &pend[i + 1], (npend - i - 1) * sizeof(pend[0]));
			npend--;
		}
		while ((rc = pg_vq_get(t.vq, &tok, &len)) == 1) {
			int k = *(int *)tok;

			assert_true(k >= 0 && (unsigned)k < added);
			done++;
		}
		assert_int_equal(rc, 0);
	}
	assert_false(pg_vq_broken(t.vq));
	assert_int_equal(t.audits, 0);
	vqt_teardown(&t);
}

static void test_soak(void **state)
{
	(void)state;
	soak(PG_VQ_SPLIT, false, false, 64);
	soak(PG_VQ_SPLIT, true, false, 32);
	soak(PG_VQ_SPLIT, false, true, 64);
	soak(PG_VQ_PACKED, false, false, 64);
	soak(PG_VQ_PACKED, true, false, 50);   /* not a power of 2: legal for packed */
	soak(PG_VQ_PACKED, false, true, 61);
}

/* §2.7.10 / §2.8.10: the driver kicks only when the device's event index says so. */
static void test_kick(void **state)
{
	struct vqt t;
	uint16_t *avail_event;

	(void)state;
	assert_int_equal(vqt_setup(&t, PG_VQ_SPLIT, 8, false, false, 0), 0);
	avail_event = (uint16_t *)(void *)(t.dev.dev + 4 + 8 * 8);
	*avail_event = 0;                       /* device wants a kick when idx passes 0 */
	assert_int_equal(vqt_add(&t, 0, 1, 0), 0);
	assert_true(pg_vq_kick_prepare(t.vq));  /* idx 0 -> 1 crosses event 0 */
	*avail_event = 5;
	assert_int_equal(vqt_add(&t, 1, 1, 0), 0);
	assert_false(pg_vq_kick_prepare(t.vq)); /* 1 -> 2 does not reach 5 */
	vqt_teardown(&t);
	assert_int_equal(vqt_setup(&t, PG_VQ_PACKED, 8, false, false, 0), 0);
	*(uint32_t *)(void *)t.dev.dev = 1u << 16;   /* flags DISABLE */
	assert_int_equal(vqt_add(&t, 0, 1, 0), 0);
	assert_false(pg_vq_kick_prepare(t.vq));
	*(uint32_t *)(void *)t.dev.dev = 0;          /* ENABLE */
	assert_int_equal(vqt_add(&t, 1, 1, 0), 0);
	assert_true(pg_vq_kick_prepare(t.vq));
	vqt_teardown(&t);
}

static void test_negotiate(void **state)
{
	uint64_t r = 0;

	(void)state;
	assert_int_equal(pg_virtio_negotiate(0xff, 0x0f, 0x01, &r), 0);
	assert_int_equal(r, 0x0f);                      /* unknown offered bits dropped */
	assert_int_equal(pg_virtio_negotiate(0xf0, 0x0f, 0x01, &r), -ENOTSUP);
	assert_int_equal(pg_virtio_negotiate(0xff, 0x0f, 0x10, &r), -EINVAL);
	assert_int_equal(pg_virtio_negotiate(0x03, 0x0f, 0, &r), 0);
	assert_int_equal(r, 0x03);                      /* nothing the device did not offer */
}

static void test_queue_size(void **state)
{
	static const struct { enum pg_vq_layout l; uint32_t max; uint16_t want; int rc;
			      uint16_t out; } rows[] = {
		{ PG_VQ_SPLIT, 1024, 256, 0, 256 }, { PG_VQ_SPLIT, 100, 256, 0, 64 },
		{ PG_VQ_PACKED, 100, 256, 0, 100 }, { PG_VQ_SPLIT, 0, 256, -EPROTO, 0 },
		{ PG_VQ_SPLIT, 0xffffffffu, 512, 0, 512 }, { PG_VQ_SPLIT, 64, 0, -EINVAL, 0 },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		uint16_t n = 0;

		assert_int_equal(pg_virtio_queue_size(rows[i].l, rows[i].max, rows[i].want, &n),
				 rows[i].rc);
		if (!rows[i].rc)
			assert_int_equal(n, rows[i].out);
	}
}

struct cfgdev {
	unsigned reads, change_until;
	int64_t gen;
	bool gen_moves;
};

static int cfg_read(void *ctx, void *buf, size_t len)
{
	struct cfgdev *d = ctx;

	memset(buf, d->reads < d->change_until ? (int)d->reads : 0xee, len);
	d->reads++;
	return 0;
}

static int64_t cfg_gen(void *ctx)
{
	struct cfgdev *d = ctx;

	return d->gen_moves ? d->gen++ : d->gen;
}

static void test_config_read(void **state)
{
	uint8_t buf[8];
	struct cfgdev d = { 0 };

	(void)state;
	assert_int_equal(pg_virtio_config_read(cfg_read, NULL, &d, buf, 8, 4), 0);
	assert_int_equal(buf[0], 0xee);
	d = (struct cfgdev){ .change_until = 3 };       /* settles after a few reads */
	assert_int_equal(pg_virtio_config_read(cfg_read, NULL, &d, buf, 8, 8), 0);
	assert_int_equal(buf[7], 0xee);
	d = (struct cfgdev){ .change_until = 1000 };    /* never settles: bounded */
	assert_int_equal(pg_virtio_config_read(cfg_read, NULL, &d, buf, 8, 8), -EAGAIN);
	assert_true(d.reads <= 9);
	d = (struct cfgdev){ .gen_moves = true };       /* §2.5.1 generation keeps moving */
	assert_int_equal(pg_virtio_config_read(cfg_read, cfg_gen, &d, buf, 8, 5), -EAGAIN);
	assert_int_equal(d.reads, 5);
	d = (struct cfgdev){ 0 };
	assert_int_equal(pg_virtio_config_read(cfg_read, cfg_gen, &d, buf, 8, 5), 0);
	assert_int_equal(pg_virtio_config_read(cfg_read, NULL, &d, buf, 8, 0), -EINVAL);
}

static void test_audit_json(void **state)
{
	struct pg_virtio_audit r = { .time = { 1, 5 }, .device = "dev0", .queue = 2,
				     .layout = "packed", .fault = PG_VQ_FAULT_ID_RANGE,
				     .verdict = PG_VQ_BROKEN, .value = 300, .limit = 256,
				     .detail = "x" };
	struct json_object *o, *v;
	char *s = NULL;

	(void)state;
	assert_int_equal(pg_virtio_audit_to_json(&r, &s), 0);
	o = json_tokener_parse(s);
	assert_non_null(o);
	assert_true(json_object_object_get_ex(o, "time", &v));
	assert_string_equal(json_object_get_string(v), "1970-01-01T00:00:01.000000005Z");
	assert_true(json_object_object_get_ex(o, "space", &v));
	assert_string_equal(json_object_get_string(v), "virtio");
	assert_true(json_object_object_get_ex(o, "rule", &v));
	assert_string_equal(json_object_get_string(v), "id-range");
	assert_true(json_object_object_get_ex(o, "verdict", &v));
	assert_string_equal(json_object_get_string(v), "broken");
	assert_true(json_object_object_get_ex(o, "queue", &v));
	assert_int_equal(json_object_get_int(v), 2);
	assert_true(json_object_object_get_ex(o, "value", &v));
	assert_int_equal(json_object_get_uint64(v), 300);
	json_object_put(o);
	free(s);
	r.queue = -1;
	assert_int_equal(pg_virtio_audit_to_json(&r, &s), 0);
	assert_null(strstr(s, "\"queue\""));            /* device-level record */
	free(s);
	assert_string_equal(pg_vq_fault_name(PG_VQ_FAULT__COUNT), "invalid");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sizes),      cmocka_unit_test(test_segs),
		cmocka_unit_test(test_soak),       cmocka_unit_test(test_kick),
		cmocka_unit_test(test_negotiate),  cmocka_unit_test(test_queue_size),
		cmocka_unit_test(test_config_read), cmocka_unit_test(test_audit_json),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
