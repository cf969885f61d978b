/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Stopping a ring: pg_vhu_stop_queue() and pg_vhu_close() against a scripted back end that
 * answers VHOST_USER_GET_VRING_BASE with the ring index and base of each row. Oracle: QEMU
 * docs/interop/vhost-user.rst ("ring state description": split, the next avail index the
 * back end would process; packed, bits 0-14 the avail position and bit 15 the avail wrap
 * counter) and virtio 1.2 §2.7/§2.8: a device can only have fetched buffers the driver made
 * available and must have fetched every buffer it returned, so the base lies between the
 * driver's used and avail positions; anything else fails with -EPROTO and one "transport"
 * audit record. The ring is driven by the test device (vdev.c) in this process.
 */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include <pcigate/virtio.h>

#include "vdev.h"
#include "vhu-listen.h"

#define NUM 8u
#define GET_VRING_BASE 11u
#define NO_REPLY UINT32_MAX

struct row {
	const char *name;
	bool packed;
	unsigned lap;          /* packed: fill and complete a whole ring first (wrap flips) */
	uint32_t index, base;  /* the reply; base NO_REPLY: never answer */
	int rc;
};

/* Before the stop: a lap if asked, then 5 buffers made available, 2 of them used and
 * reaped. Split window [2, 5]; packed [pos 2, pos 5] with wrap 1, or after a lap (used pos
 * 0 wrap 0 ... avail pos 3 wrap 0: only 3 added then) [0x0000, 0x0003]. */
static const struct row rows[] = {
	{ "split-low-edge", false, 0, 0, 2, 0 },
	{ "split-inside", false, 0, 0, 4, 0 },
	{ "split-high-edge", false, 0, 0, 5, 0 },
	{ "split-before-used", false, 0, 0, 1, -EPROTO },
	{ "split-beyond-avail", false, 0, 0, 6, -EPROTO },
	{ "split-far-behind", false, 0, 0, 0xfff0, -EPROTO },
	{ "split-upper-bits", false, 0, 0, 0x10004, -EPROTO },
	{ "split-other-ring", false, 0, 1, 4, -EPROTO },
	{ "split-silent", false, 0, 0, NO_REPLY, -ETIMEDOUT },
	{ "packed-low-edge", true, 0, 0, 0x8002, 0 },
	{ "packed-high-edge", true, 0, 0, 0x8005, 0 },
	{ "packed-before-used", true, 0, 0, 0x8001, -EPROTO },
	{ "packed-beyond-avail", true, 0, 0, 0x8006, -EPROTO },
	{ "packed-wrong-wrap", true, 0, 0, 0x0003, -EPROTO },
	{ "packed-position-past-num", true, 0, 0, 0x8000 | NUM, -EPROTO },
	{ "packed-lap-inside", true, 1, 0, 0x0002, 0 },
	{ "packed-lap-old-wrap", true, 1, 0, 0x8002, -EPROTO },
	{ "packed-lap-beyond", true, 1, 0, 0x0004, -EPROTO },
};

struct srv {
	int lsock;
	const struct row *r;
	unsigned stops;        /* GET_VRING_BASE requests seen */
};

/* Read messages (closing any fds) until EOF; answer GET_VRING_BASE as the row says. */
static void *serve(void *arg)
{
	struct srv *s = arg;
	int c = accept(s->lsock, NULL, NULL);

	while (c >= 0) {
		uint32_t h[3], st[2], rh[3] = { GET_VRING_BASE, 1u | 4u, 8 };
		uint8_t p[256];
		union { char b[CMSG_SPACE(8 * sizeof(int))]; struct cmsghdr a; } u;
		struct iovec iov = { h, sizeof(h) };
		struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.b,
				     .msg_controllen = sizeof(u.b) };

		if (recvmsg(c, &mh, MSG_WAITALL) != (ssize_t)sizeof(h) || h[2] > sizeof(p) ||
		    (h[2] && recv(c, p, h[2], MSG_WAITALL) != (ssize_t)h[2]))
			break;
		for (struct cmsghdr *m = CMSG_FIRSTHDR(&mh); m; m = CMSG_NXTHDR(&mh, m))
			for (size_t i = 0; i < (m->cmsg_len - CMSG_LEN(0)) / sizeof(int); i++) {
				int fd;

				memcpy(&fd, CMSG_DATA(m) + i * sizeof(int), sizeof(int));
				close(fd);
			}
		if (h[0] != GET_VRING_BASE)
			continue;
		s->stops++;
		if (s->r->base == NO_REPLY)
			continue;
		st[0] = s->r->index;
		st[1] = s->r->base;
		if (send(c, rh, sizeof(rh), MSG_NOSIGNAL) < 0 ||
		    send(c, st, sizeof(st), MSG_NOSIGNAL) < 0)
			break;
	}
	if (c >= 0)
		close(c);
	return NULL;
}

static void audit(void *data, const struct pg_virtio_audit *rec)
{
	unsigned *n = data;

	assert_int_equal(rec->fault, PG_VQ_FAULT_TRANSPORT);
	assert_int_equal(rec->queue, 0);
	(*n)++;
}

/* Make n buffers available and publish them. */
static void add(struct pg_vq *vq, uint64_t data_gpa, unsigned n)
{
	static int tok[NUM];

	for (unsigned i = 0; i < n; i++) {
		struct pg_vq_seg sg = { data_gpa, 64, true };

		assert_int_equal(pg_vq_add(vq, &sg, 1, &tok[i]), 0);
	}
	(void)pg_vq_kick_prepare(vq);
}

/* The device uses n buffers, the driver reaps them. */
static void complete(struct pg_vq *vq, struct vdev_ring *d, unsigned n)
{
	struct vdev_buf b;
	void *tok;
	uint32_t len;

	for (unsigned i = 0; i < n; i++) {
		assert_int_equal(vdev_pop(d, &b), 1);
		vdev_push(d, b.id, b.writable, b.ndesc);
	}
	for (unsigned i = 0; i < n; i++)
		assert_int_equal(pg_vq_get(vq, &tok, &len), 1);
}

/* Ring q 0 of v, started, driven to the row's state. */
static struct pg_vq *ring(struct pg_vhu *v, const struct row *r)
{
	struct pg_vq_config qc = { .layout = r->packed ? PG_VQ_PACKED : PG_VQ_SPLIT, .num = NUM };
	struct vdev_ring d;
	struct pg_vq *vq = NULL;
	uint64_t gpa, data_gpa, da, dr, dv;
	uint8_t *base;
	void *data;
	size_t bytes;

	assert_int_equal(pg_vq_ring_bytes(&qc, &bytes), 0);
	assert_int_equal(pg_vhu_alloc(v, bytes, 4096, &qc.mem, &gpa), 0);
	assert_int_equal(pg_vhu_alloc(v, 4096, 4096, &data, &data_gpa), 0);
	qc.device_addr = gpa;
	assert_int_equal(pg_vq_new(&qc, &vq), 0);
	assert_int_equal(pg_vhu_start_queue(v, 0, vq, NUM), 0);
	base = (uint8_t *)qc.mem - gpa;          /* guest physical 0 */
	pg_vq_addrs(vq, &da, &dr, &dv);
	vdev_init(&d, r->packed, false, NUM, base + da, base + dr, base + dv, base, 0,
		  data_gpa + 4096);
	if (r->lap) {
		add(vq, data_gpa, NUM);
		complete(vq, &d, NUM);
		add(vq, data_gpa, 3);
	} else {
		add(vq, data_gpa, 5);
		complete(vq, &d, 2);
	}
	return vq;
}

static void run_row(const struct row *r, bool by_close)
{
	struct vhu_listen l;
	struct srv s = { -1, r, 0 };
	struct pg_vhu_config c = { .timeout_ms = 300, .mem_bytes = 1u << 20, .audit = audit };
	struct pg_vhu *v = NULL;
	struct pg_vq *vq;
	unsigned audits = 0;
	uint32_t base = 0;
	pthread_t th;

	print_message("row %s%s\n", r->name, by_close ? " (by close)" : "");
	vhu_listen(&l);
	s.lsock = l.sock;
	assert_int_equal(pthread_create(&th, NULL, serve, &s), 0);
	c.audit_data = &audits;
	assert_int_equal(pg_vhu_open(l.path, &c, &v), 0);
	vq = ring(v, r);
	if (!by_close) {
		assert_int_equal(pg_vhu_stop_queue(v, 0, &base), r->rc);
		if (!r->rc)
			assert_int_equal(base, r->base);
		/* stopped whatever the answer: no second request, no kicks */
		assert_int_equal(pg_vhu_stop_queue(v, 0, &base), -EINVAL);
		assert_int_equal(pg_vhu_kick(v, 0), -EINVAL);
	}
	pg_vhu_close(v);       /* by_close: stops the ring itself */
	assert_int_equal(pthread_join(th, NULL), 0);
	assert_int_equal(s.stops, 1);
	assert_int_equal(audits, r->rc ? 1 : 0);
	pg_vq_free(vq);
	vhu_unlisten(&l);
}

static void test_stop(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		run_row(&rows[i], false);
}

static void test_close(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		run_row(&rows[i], true);
}

static void test_args(void **state)
{
	uint32_t base;

	(void)state;
	assert_int_equal(pg_vhu_stop_queue(NULL, 0, &base), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stop),
		cmocka_unit_test(test_close),
		cmocka_unit_test(test_args),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
