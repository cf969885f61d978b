/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: a hostile device against the hardened virtqueues. The input chooses the
 * queue (layout, size, indirect, in-order, used-len policy), the contents of a config space
 * that may change between reads, and a sequence of operations: the driver adds buffers,
 * kicks, takes used buffers, toggles notifications; the device either behaves (test device,
 * tests/unit/virtio/vdev.c) or writes arbitrary bytes anywhere in the ring memory (used
 * ring, descriptors, available ring, event areas, indirect tables: all of it is in the
 * device's reach).
 *
 * Invariants (abort on violation), checked against a model of what was submitted:
 * - pg_vq_get() returns only tokens that are in flight, each once, with len no larger than
 *   that buffer's device-writable bytes;
 * - pg_vq_in_flight() equals the model's count;
 * - once broken, a queue stays broken (get/add fail with -EIO) and its fault is set;
 * - pg_vq_audit_ring() fails only on a broken queue, and never when the device has not
 *   written the descriptor table (split) or on a packed ring not already broken;
 * - pg_virtio_config_read() either returns two agreeing reads or -EAGAIN within its bound.
 * ASan/UBSan catch any access outside the ring memory or the private state.
 *
 * Input: [mode][num][cfg_len][cfg bytes...] then ops, each [op][arg][arg2...].
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pcigate/virtio.h>

#include "fuzz-common.h"
#include "../unit/virtio/vdev.h"

#define BASE 0x10000000ull
#define DATA_OFF (1u << 20)
#define MEM (DATA_OFF + (64u << 10))
#define MAXTOK 4096u

struct model {
	uint32_t writable[MAXTOK];
	uint8_t state[MAXTOK];     /* 0 free, 1 in flight, 2 returned */
	unsigned ntok, in_flight;
};

struct cfgsrc {
	const uint8_t *data;
	size_t len, pos;
	unsigned reads;
};

static void die(const char *why)
{
	fprintf(stderr, "fuzz-vring: invariant violated: %s\n", why);
	abort();
}

static int cfg_read(void *ctx, void *buf, size_t len)
{
	struct cfgsrc *c = ctx;

	c->reads++;
	for (size_t i = 0; i < len; i++)
		((uint8_t *)buf)[i] = c->len ? c->data[(c->pos + i) % c->len] : 0;
	if (c->len && (c->data[0] & 1u))
		c->pos++;               /* a config space that moves under the driver */
	return 0;
}

static void fuzz_config(const uint8_t *d, size_t n)
{
	struct cfgsrc c = { d, n, 0, 0 };
	uint8_t buf[64];
	int rc = pg_virtio_config_read(cfg_read, NULL, &c, buf, sizeof(buf), 6);

	if (rc != 0 && rc != -EAGAIN)
		die("config read: unexpected error");
	if (c.reads > 7)
		die("config read: more rounds than the bound");
}

static void do_add(struct pg_vq *vq, struct model *m, uint8_t a, uint8_t b)
{
	struct pg_vq_seg s[PG_VQ_MAX_SEGS];
	unsigned n = 1u + a % PG_VQ_MAX_SEGS, nr = b % (n + 1u);
	uint32_t w = 0;
	int rc;

	if (m->ntok >= MAXTOK)
		return;
	for (unsigned i = 0; i < n; i++) {
		uint32_t len = 1u + (uint32_t)((a * 7u + b * 13u + i * 29u) % 3000u);

		s[i] = (struct pg_vq_seg){ BASE + DATA_OFF + 16u * i, len, i >= nr };
		if (i >= nr)
			w += len;
	}
	rc = pg_vq_add(vq, s, n, &m->state[m->ntok]);
	if (rc == 0) {
		m->writable[m->ntok] = w;
		m->state[m->ntok++] = 1;
		m->in_flight++;
	} else if (rc != -ENOSPC && rc != -EIO) {
		die("add: unexpected error");
	}
}

static void do_get(struct pg_vq *vq, struct model *m, unsigned max)
{
	for (unsigned i = 0; i < max; i++) {
		void *tok;
		uint32_t len;
		int rc = pg_vq_get(vq, &tok, &len);
		size_t k;

		if (rc == 0)
			return;
		if (rc < 0) {
			if (rc != -EIO || !pg_vq_broken(vq) || pg_vq_fault(vq, NULL, NULL) == PG_VQ_OK)
				die("get: error without a broken queue and a fault");
			return;
		}
		k = (size_t)((uint8_t *)tok - m->state);
		if ((uint8_t *)tok < m->state || k >= m->ntok || m->state[k] != 1)
			die("get: token not in flight");
		if (len > m->writable[k])
			die("get: len above the buffer's writable bytes");
		m->state[k] = 2;
		m->in_flight--;
	}
}

/* The audit, at any time the input says and at the end. desc_written: the device wrote a
 * byte of the split descriptor table (§2.7.5: device-read-only). */
static void do_audit(struct pg_vq *vq, bool split, bool desc_written)
{
	bool was_broken = pg_vq_broken(vq);
	int rc = pg_vq_audit_ring(vq);

	if (rc != 0 && (rc != -EIO || !pg_vq_broken(vq) || pg_vq_fault(vq, NULL, NULL) == PG_VQ_OK))
		die("audit: error without a broken queue and a fault");
	if (rc != 0 && !was_broken && (!split || !desc_written))
		die("audit: a fault with the descriptor table untouched");
	if (rc == 0 && was_broken)
		die("audit: a broken queue passed");
}

static void device_ok(struct vdev_ring *r, uint8_t a)
{
	struct vdev_buf b;

	for (unsigned i = 0; i < 1u + a % 8u; i++) {
		if (vdev_pop(r, &b) != 1)
			return;
		vdev_push(r, b.id, a & 0x80 ? b.writable + a : b.writable / 2u, b.ndesc);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t *mem;
	static struct model m;
	struct pg_vq_config c = { 0 };
	struct pg_vq *vq = NULL;
	struct vdev_ring r;
	size_t pos, ring = 0;
	uint64_t d, drv, dev;
	bool split, desc_written = false;

	if (size < 3)
		return 0;
	if (!mem && posix_memalign((void **)&mem, 4096, MEM))
		abort();
	memset(&m, 0, sizeof(m));
	c.layout = data[0] & 1u ? PG_VQ_PACKED : PG_VQ_SPLIT;
	c.in_order = data[0] & 2u;
	c.indirect = data[0] & 4u;
	c.event_idx = data[0] & 8u;
	c.len_policy = (enum pg_vq_len_policy)((data[0] >> 4) % 3u);
	c.num = c.layout == PG_VQ_SPLIT ? (uint16_t)(1u << (data[1] % 9u)) :
		(uint16_t)(1u + data[1] % 200u);
	c.mem = mem;
	c.device_addr = BASE;
	split = c.layout == PG_VQ_SPLIT;
	pos = 3u + (data[2] < size - 3u ? data[2] : size - 3u);
	fuzz_config(data + 3, pos - 3u);
	if (pg_vq_ring_bytes(&c, &ring) < 0 || ring > DATA_OFF || pg_vq_new(&c, &vq) < 0)
		abort(); /* every size chosen above is valid */
	pg_vq_addrs(vq, &d, &drv, &dev);
	vdev_init(&r, c.layout == PG_VQ_PACKED, c.event_idx, c.num, mem + (d - BASE),
		  mem + (drv - BASE), mem + (dev - BASE), mem, BASE, MEM);
	while (pos + 2u <= size) {
		uint8_t op = data[pos], a = data[pos + 1];

		pos += 2;
		switch (op % 7u) {
		case 0: do_add(vq, &m, a, op); break;
		case 1: (void)pg_vq_kick_prepare(vq); break;
		case 2: do_get(vq, &m, 1u + a % 16u); break;
		case 3: device_ok(&r, a); break;
		case 4: { /* arbitrary device write of up to 8 bytes anywhere in the ring */
			size_t off = ((size_t)a << 8 | op) % ring, n = 1u + (op >> 5);

			for (size_t i = 0; i < n && pos < size && off + i < ring; i++) {
				desc_written |= off + i < (d - BASE) + 16u * (size_t)c.num;
				mem[off + i] = data[pos++];
			}
			break;
		}
		case 5: (void)pg_vq_enable_cb(vq); break;
		default:
			if (a & 0x80u)
				do_audit(vq, split, desc_written);
			else
				pg_vq_disable_cb(vq);
			break;
		}
		if (pg_vq_in_flight(vq) != m.in_flight)
			die("in-flight count differs from the model");
	}
	do_get(vq, &m, c.num + 1u);
	do_audit(vq, split, desc_written);
	if (pg_vq_broken(vq)) {
		void *tok;
		uint32_t len;

		if (pg_vq_get(vq, &tok, &len) != -EIO)
			die("a broken queue returned a buffer");
	}
	pg_vq_free(vq);
	return 0;
}
