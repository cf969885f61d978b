/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A hostile device against the hardened virtqueues, one row per misbehaviour. Each row
 * makes buffers available, lets the test device (vdev.c, written from virtio 1.2 §2.7/§2.8)
 * take them, then writes the device-side fields the way the row says. Oracle: the
 * completions a conforming driver may report before the violation, the fault (rule name of
 * the audit record), the value the device wrote, exactly one audit record, and a queue
 * that stays dead (add and get fail with -EIO, no second record). Once no more buffers
 * come back, the row audits the ring (pg_vq_audit_ring()), as a driver does when its
 * queue is idle: that is where a rewritten descriptor table is found (docs/virtio.md G1).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "vqtest.h"

#define NUM 16u
#define NONE UINT64_MAX

struct row {
	const char *name;
	enum pg_vq_layout layout;
	bool in_order, indirect;
	enum pg_vq_len_policy pol;
	unsigned nbuf, nread, nwrite;
	void (*act)(struct vqt *t, struct vdev_buf *b, unsigned n);
	unsigned completions;      /* before the fault (or all, for harmless rows) */
	const char *rule;          /* expected fault, NULL: none */
	uint64_t value;            /* expected offending value, NONE: not checked */
};

/* §2.7.8: used->idx is the count of used elements; the driver has nbuf in flight. */
static void idx_ahead(struct vqt *t, struct vdev_buf *b, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		vdev_split_put_elem(&t->dev, (uint16_t)i, b[i].id, 0);
	vdev_split_set_used_idx(&t->dev, (uint16_t)(n + 3));
}

static void idx_back(struct vqt *t, struct vdev_buf *b, unsigned n)
{
	vdev_push(&t->dev, b[0].id, b[0].writable, b[0].ndesc);
	vdev_split_set_used_idx(&t->dev, 0xfffeu);   /* 3 behind the one just published */
}

static void idx_back_after(struct vqt *t, struct vdev_buf *b, unsigned n)
{
	(void)t, (void)b, (void)n; /* applied by the test body after the first get */
}

static void id_value(struct vqt *t, uint32_t id)
{
	vdev_split_put_elem(&t->dev, 0, id, 0);
	vdev_split_set_used_idx(&t->dev, 1);
}

static void id_num(struct vqt *t, struct vdev_buf *b, unsigned n) { id_value(t, NUM); }
static void id_huge(struct vqt *t, struct vdev_buf *b, unsigned n) { id_value(t, 0xffffffffu); }
static void id_mid_chain(struct vqt *t, struct vdev_buf *b, unsigned n) { id_value(t, b[0].id + 1u); }
static void id_never(struct vqt *t, struct vdev_buf *b, unsigned n) { id_value(t, 9); }

static void id_twice(struct vqt *t, struct vdev_buf *b, unsigned n)
{
	vdev_push(&t->dev, b[0].id, 0, b[0].ndesc);
	vdev_push(&t->dev, b[0].id, 0, b[0].ndesc);
}

static void len_big(struct vqt *t, struct vdev_buf *b, unsigned n)
{
	vdev_push(&t->dev, b[0].id, b[0].writable + 4096u, b[0].ndesc);
}

static void len_small(struct vqt *t, struct vdev_buf *b, unsigned n)
{
	vdev_push(&t->dev, b[0].id, 7, b[0].ndesc);
}

/* G1: a device setting NEXT on the chain's last descriptor (and INDIRECT on its head). */
static void desc_next(struct vqt *t, struct vdev_buf *b, unsigned n)
{
	vdev_split_set_desc_flags(&t->dev, (uint16_t)(b[0].id + b[0].ndesc - 1u), 1u | 2u);
	vdev_push(&t->dev, b[0].id, 0, b[0].ndesc);
}

/* G1 on a descriptor the driver never used (INDIRECT), the buffers served correctly. */
static void desc_free(struct vqt *t, struct vdev_buf *b, unsigned n)
{
	vdev_split_set_desc_flags(&t->dev, NUM - 1u, 4u);
	for (unsigned i = 0; i < n; i++)
		vdev_push(&t->dev, b[i].id, b[i].writable, b[i].ndesc);
}

/* G1: INDIRECT cleared on the head of an indirect buffer. */
static void desc_ind_cleared(struct vqt *t, struct vdev_buf *b, unsigned n)
{
	vdev_split_set_desc_flags(&t->dev, b[0].id, 0);
	vdev_push(&t->dev, b[0].id, b[0].writable, b[0].ndesc);
}

/* §2.7.9 in-order: one element for the last buffer of the batch, idx += batch. */
static void inorder_batch(struct vqt *t, struct vdev_buf *b, unsigned n)
{
	vdev_split_put_elem(&t->dev, (uint16_t)(n - 1u), b[n - 1].id, 42);
	vdev_split_set_used_idx(&t->dev, (uint16_t)n);
}

static void inorder_wrong(struct vqt *t, struct vdev_buf *b, unsigned n)
{
	vdev_split_put_elem(&t->dev, (uint16_t)(n - 1u), b[0].id, 0);
	vdev_split_set_used_idx(&t->dev, (uint16_t)n);
}

static void all_ok(struct vqt *t, struct vdev_buf *b, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		vdev_push(&t->dev, b[i].id, b[i].writable, b[i].ndesc);
}

static void reverse_ok(struct vqt *t, struct vdev_buf *b, unsigned n)
{
	for (unsigned i = n; i-- > 0;)
		vdev_push(&t->dev, b[i].id, b[i].writable, b[i].ndesc);
}

/* Packed (§2.8): used descriptor = AVAIL and USED both equal to the device wrap counter. */
#define PUSED (0x8080u | 2u)
static void p_id(struct vqt *t, uint16_t id) { vdev_packed_put(&t->dev, 0, id, 0, PUSED); }
static void p_id_num(struct vqt *t, struct vdev_buf *b, unsigned n) { p_id(t, NUM); }
static void p_id_huge(struct vqt *t, struct vdev_buf *b, unsigned n) { p_id(t, 0xffffu); }
static void p_id_never(struct vqt *t, struct vdev_buf *b, unsigned n) { p_id(t, 11); }

/* Wrap counter flipped early: marked used with the previous lap's counter (0/0). */
static void p_wrap(struct vqt *t, struct vdev_buf *b, unsigned n)
{
	vdev_packed_put(&t->dev, 0, b[0].id, 0, 2u);
}

/* AVAIL set, USED clear swapped: neither pending nor used for wrap 1. */
static void p_wrap_mixed(struct vqt *t, struct vdev_buf *b, unsigned n)
{
	vdev_packed_put(&t->dev, 0, b[0].id, 0, 0x8000u);
}

static void p_idle(struct vqt *t, struct vdev_buf *b, unsigned n) { p_id(t, 0); }

/* §2.8.6: NEXT is reserved in used descriptors and ignored; INDIRECT likewise unused. */
static void p_next(struct vqt *t, struct vdev_buf *b, unsigned n)
{
	for (unsigned i = 0, pos = 0; i < n; pos += b[i].ndesc, i++)
		vdev_packed_put(&t->dev, (uint16_t)pos, b[i].id, b[i].writable, PUSED | 1u | 4u);
}

static void p_twice(struct vqt *t, struct vdev_buf *b, unsigned n)
{
	vdev_packed_put(&t->dev, 0, b[0].id, 0, PUSED);
	vdev_packed_put(&t->dev, b[0].ndesc, b[0].id, 0, PUSED);
}

/* §2.8.8: one used descriptor with the id of the batch's last buffer. */
static void p_inorder_batch(struct vqt *t, struct vdev_buf *b, unsigned n)
{
	vdev_packed_put(&t->dev, 0, b[n - 1].id, 42, PUSED);
}

static void p_inorder_outside(struct vqt *t, struct vdev_buf *b, unsigned n)
{
	vdev_packed_put(&t->dev, 0, (uint16_t)(b[n - 1].id + b[n - 1].ndesc), 0, PUSED);
}

static const struct row rows[] = {
	{ "split-ok", PG_VQ_SPLIT, false, false, 0, 4, 1, 1, all_ok, 4, NULL, NONE },
	{ "split-ok-reverse", PG_VQ_SPLIT, false, true, 0, 4, 1, 2, reverse_ok, 4, NULL, NONE },
	{ "split-idx-ahead", PG_VQ_SPLIT, false, false, 0, 2, 1, 1, idx_ahead, 0,
	  "used-idx-range", 5 },
	{ "split-idx-back", PG_VQ_SPLIT, false, false, 0, 2, 1, 1, idx_back, 0,
	  "used-idx-range", 0xfffe },
	{ "split-id-range", PG_VQ_SPLIT, false, false, 0, 1, 1, 1, id_num, 0, "id-range", NUM },
	{ "split-id-huge", PG_VQ_SPLIT, false, false, 0, 1, 1, 1, id_huge, 0, "id-range",
	  0xffffffffu },
	{ "split-id-mid-chain", PG_VQ_SPLIT, false, false, 0, 1, 1, 1, id_mid_chain, 0,
	  "id-not-in-flight", 1 },
	{ "split-id-never", PG_VQ_SPLIT, false, false, 0, 1, 1, 1, id_never, 0,
	  "id-not-in-flight", 9 },
	{ "split-id-twice", PG_VQ_SPLIT, false, false, 0, 3, 1, 1, id_twice, 1,
	  "id-not-in-flight", 0 },
	{ "split-len-clamp", PG_VQ_SPLIT, false, false, PG_VQ_LEN_CLAMP, 1, 1, 1, len_big, 1,
	  NULL, NONE },
	{ "split-len-reject", PG_VQ_SPLIT, false, false, PG_VQ_LEN_REJECT, 1, 1, 1, len_big, 0,
	  "len-too-large", 4196 },
	{ "split-len-ignore", PG_VQ_SPLIT, false, false, PG_VQ_LEN_IGNORE, 1, 1, 1, len_small, 1,
	  NULL, NONE },
	{ "split-len-ignore-big", PG_VQ_SPLIT, false, false, PG_VQ_LEN_IGNORE, 1, 1, 1, len_big,
	  1, NULL, NONE },
	{ "split-len-ignore-chain", PG_VQ_SPLIT, false, false, PG_VQ_LEN_IGNORE, 4, 1, 2,
	  reverse_ok, 4, NULL, NONE },
	{ "split-desc-next", PG_VQ_SPLIT, false, false, 0, 1, 1, 2, desc_next, 1,
	  "device-desc-flags", 3 },
	{ "split-desc-free", PG_VQ_SPLIT, false, false, 0, 2, 1, 1, desc_free, 2,
	  "device-desc-flags", 4 },
	{ "split-desc-indirect-cleared", PG_VQ_SPLIT, false, true, 0, 1, 1, 2, desc_ind_cleared,
	  1, "device-desc-flags", 0 },
	{ "split-inorder-desc-free", PG_VQ_SPLIT, true, false, 0, 3, 1, 1, desc_free, 3,
	  "device-desc-flags", 4 },
	{ "split-inorder-batch", PG_VQ_SPLIT, true, false, 0, 3, 1, 1, inorder_batch, 3, NULL,
	  NONE },
	{ "split-inorder-wrong-id", PG_VQ_SPLIT, true, false, 0, 3, 1, 1, inorder_wrong, 0,
	  "id-out-of-order", 0 },
	{ "packed-ok", PG_VQ_PACKED, false, false, 0, 4, 1, 1, all_ok, 4, NULL, NONE },
	{ "packed-ok-indirect-reverse", PG_VQ_PACKED, false, true, 0, 4, 2, 2, reverse_ok, 4,
	  NULL, NONE },
	{ "packed-id-range", PG_VQ_PACKED, false, false, 0, 1, 1, 1, p_id_num, 0, "id-range",
	  NUM },
	{ "packed-id-huge", PG_VQ_PACKED, false, false, 0, 1, 1, 1, p_id_huge, 0, "id-range",
	  0xffff },
	{ "packed-id-never", PG_VQ_PACKED, false, false, 0, 1, 1, 1, p_id_never, 0,
	  "id-not-in-flight", 11 },
	{ "packed-id-twice", PG_VQ_PACKED, false, false, 0, 3, 1, 1, p_twice, 1,
	  "id-not-in-flight", NONE },
	{ "packed-wrap-flip", PG_VQ_PACKED, false, false, 0, 1, 1, 1, p_wrap, 0, "packed-wrap",
	  2 },
	{ "packed-wrap-mixed", PG_VQ_PACKED, false, false, 0, 1, 1, 1, p_wrap_mixed, 0,
	  "packed-wrap", 0x8000 },
	{ "packed-used-idle", PG_VQ_PACKED, false, false, 0, 0, 1, 1, p_idle, 0,
	  "used-while-idle", NONE },
	{ "packed-next-indirect-ignored", PG_VQ_PACKED, false, false, 0, 3, 1, 2, p_next, 3,
	  NULL, NONE },
	{ "packed-len-reject", PG_VQ_PACKED, false, false, PG_VQ_LEN_REJECT, 1, 1, 1, len_big, 0,
	  "len-too-large", 4196 },
	{ "packed-len-clamp", PG_VQ_PACKED, false, false, PG_VQ_LEN_CLAMP, 1, 1, 1, len_big, 1,
	  NULL, NONE },
	{ "packed-len-ignore", PG_VQ_PACKED, false, false, PG_VQ_LEN_IGNORE, 1, 1, 1, len_small,
	  1, NULL, NONE },
	{ "packed-len-ignore-big", PG_VQ_PACKED, false, false, PG_VQ_LEN_IGNORE, 1, 1, 1, len_big,
	  1, NULL, NONE },
	{ "packed-len-ignore-many", PG_VQ_PACKED, false, true, PG_VQ_LEN_IGNORE, 4, 2, 2,
	  reverse_ok, 4, NULL, NONE },
	{ "packed-inorder-batch", PG_VQ_PACKED, true, false, 0, 3, 1, 1, p_inorder_batch, 3,
	  NULL, NONE },
	{ "packed-inorder-outside", PG_VQ_PACKED, true, false, 0, 3, 1, 1, p_inorder_outside, 0,
	  "id-out-of-order", NONE },
};

static void run_row(const struct row *r)
{
	struct vqt t;
	struct vdev_buf b[8];
	unsigned got = 0, popped = 0;
	int rc = 0;

	print_message("row %s\n", r->name);
	assert_int_equal(vqt_setup(&t, r->layout, NUM, r->indirect, r->in_order, r->pol), 0);
	for (unsigned k = 0; k < r->nbuf; k++)
		assert_int_equal(vqt_add(&t, k, r->nread, r->nwrite), 0);
	(void)pg_vq_kick_prepare(t.vq);
	while (popped < r->nbuf && vdev_pop(&t.dev, &b[popped]) == 1)
		popped++;
	assert_int_equal(popped, r->nbuf);
	r->act(&t, b, popped);
	for (unsigned i = 0; i < 2 * r->nbuf + 4; i++) {
		void *tok;
		uint32_t len = UINT32_MAX;

		rc = pg_vq_get(t.vq, &tok, &len);
		if (rc <= 0)
			break;
		got++;
		/* Spec oracle: never more than the buffer's device-writable bytes. */
		assert_true(len <= r->nwrite * 100u);
		if (r->pol == PG_VQ_LEN_IGNORE)
			assert_int_equal(len, r->nwrite * 100u);
	}
	assert_int_equal(got, r->completions);
	if (rc == 0)
		rc = pg_vq_audit_ring(t.vq);
	if (!r->rule) {
		assert_int_equal(rc, 0);
		assert_false(pg_vq_broken(t.vq));
		assert_int_equal(pg_vq_in_flight(t.vq), r->nbuf - r->completions);
		if (r->act == len_big && r->pol != PG_VQ_LEN_IGNORE) {
			assert_int_equal(t.audits, 1);           /* one "clamped" record */
			assert_int_equal(t.last.verdict, PG_VQ_CLAMPED);
			assert_int_equal(pg_vq_clamped(t.vq), 1);
		} else {
			if (t.audits)
				print_message("unexpected %s value %llu\n", t.last_rule,
					      (unsigned long long)t.last.value);
			assert_int_equal(t.audits, 0);
		}
		/* The queue still works: one more buffer round trip. */
		assert_int_equal(vqt_add(&t, 100, 1, 1), 0);
		vqt_teardown(&t);
		return;
	}
	assert_int_equal(rc, -EIO);
	assert_true(pg_vq_broken(t.vq));
	assert_int_equal(t.audits, 1);
	assert_string_equal(t.last_rule, r->rule);
	assert_int_equal(t.last.verdict, PG_VQ_BROKEN);
	assert_string_equal(t.last.layout, r->layout == PG_VQ_SPLIT ? "split" : "packed");
	if (r->value != NONE)
		assert_int_equal(t.last.value, r->value);
	if (!strcmp(r->rule, "device-desc-flags")) {
		/* The record names a descriptor whose flags word in the shared table (§2.7.5:
		 * le16 flags at byte 12) holds the value reported. */
		unsigned i = NUM;
		uint16_t f;

		assert_int_equal(sscanf(t.last.detail, "descriptor %u:", &i), 1);
		assert_true(i < NUM);
		memcpy(&f, t.dev.desc + 16u * i + 12u, 2);
		assert_int_equal(f, t.last.value);
	}
	/* Dead and quiet from now on. */
	assert_int_equal(vqt_add(&t, 200, 1, 1), -EIO);
	{
		void *tok;
		uint32_t len;

		assert_int_equal(pg_vq_get(t.vq, &tok, &len), -EIO);
	}
	assert_int_equal(t.audits, 1);
	vqt_teardown(&t);
}

static void test_rows(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		run_row(&rows[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows),
	};

	(void)idx_back_after;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
