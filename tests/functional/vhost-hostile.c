/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vhost-hostile SOCKET SCENARIO: a vhost-user-blk back end (QEMU docs/interop/vhost-user.rst,
 * virtio 1.2 §5.2) over a 1 MiB RAM disk, with two queues, that misbehaves on purpose on
 * queue 0 according to SCENARIO (queue 1 always behaves, so a test can show that the
 * other queues keep working). Written for tests; it trusts its front end.
 *
 * Scenarios: ok, idx-ahead, idx-back, id-range, id-not-in-flight, id-twice, len-large,
 * desc-flags, packed-ok, packed-wrap, packed-next, packed-id-range, packed-id-twice,
 * packed-len-large, inorder-ok, inorder-batch, inorder-bad-id, packed-inorder-batch,
 * packed-inorder-bad-id, config-unstable, hang, die, bad-reply, stop-silent,
 * stop-bad-index, stop-bad-base (GET_VRING_BASE: no answer, another ring's index, a base
 * beyond what was made available), stop-desc-flags (sets NEXT and INDIRECT on a descriptor
 * it was never given, then answers GET_VRING_BASE as it should). A name containing
 * "packed" offers a packed ring, one containing "inorder" offers VIRTIO_F_IN_ORDER; the
 * "-batch" scenarios behave but complete a whole batch with one used entry (§2.7.9, §2.8.8).
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "../unit/virtio/vdev.h"

#define NQ 2u
#define DISK_SECTORS 2048u
#define F(n) (1ull << (n))

struct queue {
	uint16_t num;
	uint64_t desc, drv, dev;   /* front-end addresses */
	int kick, call;
	bool ready;
	struct vdev_ring r;
	unsigned served;
};

static struct {
	const char *sc;
	int sock;
	uint8_t *map;
	uint64_t uva, size;
	bool packed, in_order;
	struct queue q[NQ];
	uint8_t disk[DISK_SECTORS * 512];
	unsigned config_reads;
} S;

static bool is(const char *name)
{
	return !strcmp(S.sc, name);
}

static void die(const char *why)
{
	fprintf(stderr, "vhost-hostile: %s\n", why);
	exit(2);
}

static void reply(uint32_t req, const void *p, uint32_t size)
{
	uint32_t h[3] = { is("bad-reply") && req == 1 ? 2u : req, 1u | 4u, size };
	struct iovec iov[2] = { { h, 12 }, { (void *)(uintptr_t)p, size } };
	struct msghdr mh = { .msg_iov = iov, .msg_iovlen = 2 };

	if (sendmsg(S.sock, &mh, MSG_NOSIGNAL) < 0)
		exit(0);
}

static void ack(uint32_t req, uint32_t flags)
{
	uint64_t zero = 0;

	if (flags & 8u)
		reply(req, &zero, 8);
}

static uint8_t *xlate_uva(uint64_t uva)
{
	if (uva < S.uva || uva - S.uva >= S.size)
		die("ring address outside guest memory");
	return S.map + (uva - S.uva);
}

static void start_queue(struct queue *q)
{
	vdev_init(&q->r, S.packed, true, q->num, xlate_uva(q->desc), xlate_uva(q->drv),
		  xlate_uva(q->dev), S.map, 0, S.size);
	q->ready = true;
}

/* GET_VRING_BASE (vhost-user.rst): stop the ring, answer {index, where the device would
 * fetch the next available buffer}: split, the free-running avail index; packed, the
 * position with the avail wrap counter in bit 15. The stop-* scenarios misbehave here. */
static void stop_queue(uint32_t idx)
{
	struct queue *q = &S.q[idx];
	uint32_t st[2] = { idx, q->r.last_avail };

	if (S.packed)
		st[1] = q->r.last_avail | (uint32_t)q->r.avail_wrap << 15;
	q->ready = false;
	if (is("stop-silent"))
		return;                 /* never answers */
	if (is("stop-bad-index"))
		st[0] = idx ^ 1u;       /* answers for the other ring */
	if (is("stop-bad-base"))
		st[1] += 1000u;         /* claims buffers the driver never made available */
	if (is("stop-desc-flags") && idx == 0)   /* the table is device-read-only */
		vdev_split_set_desc_flags(&q->r, (uint16_t)(q->num - 1u), 1u | 4u);
	reply(11, st, sizeof(st));
}

/* virtio-blk config (§5.2.4): capacity, ..., num_queues at 34. */
static void config(uint32_t size)
{
	uint8_t buf[12 + 64] = { 0 };
	uint64_t cap = DISK_SECTORS;
	uint16_t nq = NQ;

	if (size < 12 || size > sizeof(buf))
		die("GET_CONFIG size");
	if (is("config-unstable"))
		cap += S.config_reads;   /* changes under the driver on every read */
	S.config_reads++;
	memcpy(buf + 4, &(uint32_t){ size - 12 }, 4);
	memcpy(buf + 12, &cap, 8);
	memcpy(buf + 12 + 34, &nq, 2);
	reply(24, buf, size);
}

static uint64_t features(void)
{
	uint64_t f = F(32) | F(28) | F(29) | F(30) | F(12) | F(9);

	if (S.packed)
		f |= F(34);
	if (S.in_order)
		f |= F(35);
	return f;
}

static void handle(uint32_t req, uint32_t flags, uint8_t *p, uint32_t size, int *fds,
		   unsigned nfds)
{
	uint32_t idx = 0;
	uint64_t v;

	if (size >= 4)
		memcpy(&idx, p, 4);
	if (idx >= NQ && req >= 8 && req <= 18 && req != 15 && req != 16 && req != 17)
		die("queue index");
	switch (req) {
	case 1: v = features(); reply(1, &v, 8); break;
	case 15: v = F(0) | F(3) | F(9); reply(15, &v, 8); break;
	case 17: v = NQ; reply(17, &v, 8); break;
	case 24: config(size); break;
	case 5:
		if (nfds != 1 || size < 40)
			die("SET_MEM_TABLE");
		memcpy(&S.size, p + 16, 8);
		memcpy(&S.uva, p + 24, 8);
		S.map = mmap(NULL, S.size, PROT_READ | PROT_WRITE, MAP_SHARED, fds[0], 0);
		if (S.map == MAP_FAILED)
			die("mmap");
		close(fds[0]);
		ack(req, flags);
		break;
	case 8: memcpy(&S.q[idx].num, p + 4, 2); ack(req, flags); break;
	case 9:
		memcpy(&S.q[idx].desc, p + 8, 8);
		memcpy(&S.q[idx].dev, p + 16, 8);
		memcpy(&S.q[idx].drv, p + 24, 8);
		ack(req, flags);
		break;
	case 12: case 13: {
		uint64_t u;

		memcpy(&u, p, 8);
		if (nfds != 1 || (u & 0xff) >= NQ)
			die("kick/call fd");
		if (req == 12)
			S.q[u & 0xff].kick = fds[0];
		else
			S.q[u & 0xff].call = fds[0];
		ack(req, flags);
		break;
	}
	case 18: start_queue(&S.q[idx]); ack(req, flags); break;
	case 11: stop_queue(idx); break;
	default:
		for (unsigned i = 0; i < nfds; i++)
			close(fds[i]);
		ack(req, flags);
	}
}

static void read_msg(void)
{
	uint32_t h[3];
	uint8_t p[4096];
	int fds[8];
	unsigned nfds = 0;
	union { char b[CMSG_SPACE(sizeof(fds))]; struct cmsghdr a; } u;
	struct iovec iov = { h, 12 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.b,
			     .msg_controllen = sizeof(u.b) };
	ssize_t n = recvmsg(S.sock, &mh, MSG_WAITALL);

	if (n <= 0)
		exit(0);
	if (n != 12 || h[2] > sizeof(p))
		die("header");
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c))
		if (c->cmsg_type == SCM_RIGHTS) {
			nfds = (unsigned)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
			memcpy(fds, CMSG_DATA(c), nfds * sizeof(int));
		}
	if (h[2] && recv(S.sock, p, h[2], MSG_WAITALL) != (ssize_t)h[2])
		exit(0);
	handle(h[0], h[1], p, h[2], fds, nfds);
}

/* Serve one blk request (§5.2.6) on the RAM disk; returns the used len. */
static uint32_t serve(struct vdev_ring *r, struct vdev_buf *b)
{
	uint8_t *hdr = b->nseg >= 2 ? vdev_ptr(r, b->seg[0].addr, 16) : NULL;
	uint8_t *st = b->nseg >= 2 ? vdev_ptr(r, b->seg[b->nseg - 1].addr, 1) : NULL;
	uint32_t type, done = 0;
	uint64_t sector;

	if (!hdr || !st)
		die("request layout");
	memcpy(&type, hdr, 4);
	memcpy(&sector, hdr + 8, 8);
	for (unsigned i = 1; i + 1 < b->nseg; i++) {
		uint8_t *d = vdev_ptr(r, b->seg[i].addr, b->seg[i].len);
		uint64_t off = sector * 512u + done;

		if (!d || off > sizeof(S.disk) || b->seg[i].len > sizeof(S.disk) - off) {
			*st = 1;
			return 1;
		}
		if (type == 0)
			memcpy(d, S.disk + off, b->seg[i].len);
		else
			memcpy(S.disk + off, d, b->seg[i].len);
		done += b->seg[i].len;
	}
	*st = 0;
	return type == 0 ? done + 1 : 1;
}

static void notify(struct queue *q)
{
	uint64_t one = 1;

	if (write(q->call, &one, 8) != 8)
		exit(0);
}

/* In-order batch: one used entry for the last buffer, the ring skips the whole batch. */
static void batch(struct queue *q, struct vdev_buf *b, uint32_t *len, unsigned n)
{
	struct vdev_ring *r = &q->r;
	unsigned skip = 0;

	if (!S.packed) {
		vdev_split_put_elem(r, (uint16_t)(r->used_idx + n - 1u), b[n - 1].id, len[n - 1]);
		r->used_idx = (uint16_t)(r->used_idx + n);
		vdev_split_set_used_idx(r, r->used_idx);
		return;
	}
	for (unsigned i = 0; i < n; i++)
		skip += b[i].ndesc;
	vdev_packed_put(r, r->used_idx, b[n - 1].id, len[n - 1], r->used_wrap ? 0x8082u : 0x2u);
	while (skip--)
		if (++r->used_idx == q->num) {
			r->used_idx = 0;
			r->used_wrap = !r->used_wrap;
		}
}

/* Queue 0's misbehaviour, given the buffers popped and served this round. */
static bool misbehave(struct queue *q, struct vdev_buf *b, uint32_t *len, unsigned n)
{
	struct vdev_ring *r = &q->r;
	uint16_t base = r->used_idx;

	if (is("idx-ahead")) {
		vdev_push(r, b[0].id, len[0], b[0].ndesc);
		vdev_split_set_used_idx(r, (uint16_t)(r->used_idx + 5u));
	} else if (is("idx-back")) {
		vdev_split_set_used_idx(r, (uint16_t)(base - 3u));
	} else if (is("id-range") || is("packed-id-range")) {
		if (S.packed)
			vdev_packed_put(r, r->used_idx, (uint16_t)(q->num + 3u), 1, 0x8082);
		else {
			vdev_split_put_elem(r, base, q->num + 3u, 1);
			vdev_split_set_used_idx(r, (uint16_t)(base + 1u));
		}
	} else if (is("id-not-in-flight")) {
		vdev_split_put_elem(r, base, (uint16_t)(b[n - 1].id + 1u) % q->num, 1);
		vdev_split_set_used_idx(r, (uint16_t)(base + 1u));
	} else if (is("id-twice") || is("packed-id-twice")) {
		vdev_push(r, b[0].id, len[0], b[0].ndesc);
		vdev_push(r, b[0].id, len[0], b[0].ndesc);
	} else if (is("desc-flags")) {
		uint16_t *flags = (uint16_t *)(void *)(r->desc + 16u * b[0].id + 12u);

		/* NEXT on a descriptor the driver owns, then every buffer served as usual:
		 * nothing else gives the tampering away */
		*flags |= 1u;
		for (unsigned i = 0; i < n; i++)
			vdev_push(r, b[i].id, len[i], b[i].ndesc);
	} else if (is("packed-wrap")) {
		vdev_packed_put(r, r->used_idx, b[0].id, len[0], r->used_wrap ? 0x2u : 0x8082u);
	} else if (is("inorder-bad-id")) {
		vdev_split_put_elem(r, (uint16_t)(base + n - 1u), b[0].id, len[0]);
		vdev_split_set_used_idx(r, (uint16_t)(base + n));
	} else if (is("packed-inorder-bad-id")) {
		/* the id after the batch: no buffer there is in flight */
		vdev_packed_put(r, r->used_idx, (uint16_t)((b[n - 1].id + b[n - 1].ndesc) % q->num),
				len[n - 1], r->used_wrap ? 0x8082u : 0x2u);
	} else if (is("inorder-batch") || is("packed-inorder-batch")) {
		batch(q, b, len, n);
	} else if (is("hang")) {
		return true;        /* never completes, never notifies */
	} else {
		return false;
	}
	return true;
}

static void process(struct queue *q, unsigned qi)
{
	struct vdev_buf b[64];
	uint32_t len[64];
	unsigned n = 0;
	uint64_t cnt;

	if (read(q->kick, &cnt, 8) < 0 && errno != EAGAIN)
		exit(0);
	if (!q->ready)
		return;
	if (qi == 0 && is("die"))
		exit(0);
	while (n < 64 && vdev_pop(&q->r, &b[n]) == 1) {
		len[n] = serve(&q->r, &b[n]);
		n++;
	}
	if (!n)
		return;
	if (qi == 0 && q->served++ == 0 && misbehave(q, b, len, n)) {
		if (!is("hang"))
			notify(q);
		return;
	}
	for (unsigned i = 0; i < n; i++) {
		uint32_t l = len[i];
		uint16_t flags = S.packed && q->r.used_wrap ? 0x8082u : 0x2u;

		if (qi == 0 && (is("len-large") || is("packed-len-large")))
			l += 4096u;
		if (qi == 0 && is("packed-next")) {
			vdev_packed_put(&q->r, q->r.used_idx, b[i].id, l, flags | 1u | 4u);
			for (unsigned k = 0; k < b[i].ndesc; k++)
				if (++q->r.used_idx == q->num) {
					q->r.used_idx = 0;
					q->r.used_wrap = !q->r.used_wrap;
				}
		} else {
			vdev_push(&q->r, b[i].id, l, b[i].ndesc);
		}
	}
	notify(q);
}

static int listen_on(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0), c;

	char tmp[sizeof(sa.sun_path)];

	if (s < 0 || strlen(path) + 5 >= sizeof(sa.sun_path))
		die("socket");
	/* Bind under a temporary name and rename after listen(), so the path appears only
	 * once connecting to it works (a test waits for the path). */
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	memcpy(sa.sun_path, tmp, strlen(tmp) + 1);
	unlink(tmp);
	if (bind(s, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(s, 1) < 0 ||
	    rename(tmp, path) < 0)
		die("bind");
	c = accept(s, NULL, NULL);
	if (c < 0)
		die("accept");
	close(s);
	return c;
}

int main(int argc, char **argv)
{
	if (argc != 3)
		die("usage: vhost-hostile SOCKET SCENARIO");
	S.sc = argv[2];
	S.packed = strstr(S.sc, "packed") != NULL;
	S.in_order = strstr(S.sc, "inorder") != NULL;
	for (unsigned i = 0; i < NQ; i++)
		S.q[i].kick = S.q[i].call = -1;
	alarm(60);             /* bounded lifetime whatever the test does */
	S.sock = listen_on(argv[1]);
	for (;;) {
		struct pollfd p[1 + NQ] = { { .fd = S.sock, .events = POLLIN } };

		for (unsigned i = 0; i < NQ; i++)
			p[1 + i] = (struct pollfd){ .fd = S.q[i].kick, .events = POLLIN };
		if (poll(p, 1 + NQ, -1) < 0 && errno != EINTR)
			die("poll");
		if (p[0].revents)
			read_msg();
		for (unsigned i = 0; i < NQ; i++)
			if (p[1 + i].revents & POLLIN)
				process(&S.q[i], i);
	}
}
