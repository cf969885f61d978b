/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vhost-user front end: feature and protocol negotiation, the memory table, config reads,
 * queue start and stop (vhost-user.rst "Starting and stopping rings"; the order GET_FEATURES,
 * protocol features, SET_OWNER, SET_FEATURES, SET_MEM_TABLE, then per ring NUM, BASE, ADDR,
 * KICK, CALL, ENABLE works with qemu-storage-daemon 7.2 and DPDK 22.11; docs/virtio.md).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "vhost-user-private.h"

#define CONFIG_HDR 12u
#define CONFIG_MAX 256u

static int protocol(struct pg_vhu *v)
{
	uint64_t offered, want;
	int rc = pg_vhu_get_u64(v, VHU_GET_PROTOCOL_FEATURES, &offered);

	if (rc < 0)
		return pg_vhu_fail(v, rc, "GET_PROTOCOL_FEATURES");
	want = offered & ((1ull << VHU_PROTO_MQ) | (1ull << VHU_PROTO_REPLY_ACK) |
			  (1ull << VHU_PROTO_CONFIG));
	rc = pg_vhu_call(v, VHU_SET_PROTOCOL_FEATURES, &want, sizeof(want), NULL, 0);
	if (rc < 0)
		return pg_vhu_fail(v, rc, "SET_PROTOCOL_FEATURES");
	/* Acks apply from the next message on. */
	v->reply_ack = want & (1ull << VHU_PROTO_REPLY_ACK);
	v->config = want & (1ull << VHU_PROTO_CONFIG);
	v->mq = want & (1ull << VHU_PROTO_MQ);
	return 0;
}

static int mem_table(struct pg_vhu *v)
{
	struct {
		uint32_t nregions, padding;
		uint64_t gpa, size, uva, offset;
	} m = { 1, 0, 0, v->mem_bytes, (uint64_t)(uintptr_t)v->mem, 0 };
	int rc;

	_Static_assert(sizeof(m) == 40, "VhostUserMemory with one region");
	rc = pg_vhu_call(v, VHU_SET_MEM_TABLE, &m, sizeof(m), &v->memfd, 1);
	return rc < 0 ? pg_vhu_fail(v, rc, "SET_MEM_TABLE") : 0;
}

int pg_vhu_negotiate(struct pg_vhu *v, uint64_t driver, uint64_t required, uint64_t *ret)
{
	uint64_t offered, acked;
	int rc;

	if (!v || !ret)
		return -EINVAL;
	rc = pg_vhu_get_u64(v, VHU_GET_FEATURES, &offered);
	if (rc < 0)
		return pg_vhu_fail(v, rc, "GET_FEATURES");
	rc = pg_virtio_negotiate(offered, driver & ~(1ull << PG_VHOST_USER_F_PROTOCOL_FEATURES),
				 required, &acked);
	if (rc < 0)
		return pg_vhu_fail(v, rc, "feature negotiation");
	v->proto = offered & (1ull << PG_VHOST_USER_F_PROTOCOL_FEATURES);
	if (v->proto) {
		rc = protocol(v);
		if (rc < 0)
			return rc;
	}
	rc = pg_vhu_call(v, VHU_SET_OWNER, NULL, 0, NULL, 0);
	if (rc < 0)
		return pg_vhu_fail(v, rc, "SET_OWNER");
	{
		uint64_t f = acked | (v->proto ? 1ull << PG_VHOST_USER_F_PROTOCOL_FEATURES : 0);

		rc = pg_vhu_call(v, VHU_SET_FEATURES, &f, sizeof(f), NULL, 0);
	}
	if (rc < 0)
		return pg_vhu_fail(v, rc, "SET_FEATURES");
	rc = mem_table(v);
	if (rc < 0)
		return rc;
	v->features = acked;
	*ret = acked;
	return 0;
}

int pg_vhu_queue_num(struct pg_vhu *v, unsigned *ret)
{
	uint64_t n = 1;
	int rc;

	if (!v || !ret)
		return -EINVAL;
	if (v->mq) {
		rc = pg_vhu_get_u64(v, VHU_GET_QUEUE_NUM, &n);
		if (rc < 0)
			return pg_vhu_fail(v, rc, "GET_QUEUE_NUM");
	}
	if (n == 0 || n > PG_VHU_MAX_QUEUES)
		return pg_vhu_fail(v, -EPROTO, "GET_QUEUE_NUM out of range");
	*ret = (unsigned)n;
	return 0;
}

struct cfg_ctx {
	struct pg_vhu *v;
};

static int read_config(void *ctx, void *buf, size_t len)
{
	struct pg_vhu *v = ((struct cfg_ctx *)ctx)->v;
	uint8_t msg[CONFIG_HDR + CONFIG_MAX];
	uint32_t hdr[3] = { 0, (uint32_t)len, 0 };
	int rc;

	memset(msg, 0, sizeof(msg));
	memcpy(msg, hdr, sizeof(hdr));
	/* GET_CONFIG is always answered, never acked (vhost-user.rst). */
	rc = pg_vhu_get_config_msg(v, msg, CONFIG_HDR + (uint32_t)len);
	if (rc < 0)
		return rc;
	memcpy(hdr, msg, sizeof(hdr));
	/* QEMU answers size 0 on error; anything but our offset/size is malformed. */
	if (hdr[0] != 0 || hdr[1] != len)
		return -EPROTO;
	memcpy(buf, msg + CONFIG_HDR, len);
	return 0;
}

int pg_vhu_get_config_msg(struct pg_vhu *v, uint8_t *msg, uint32_t size)
{
	bool ack = v->reply_ack;
	int rc;

	v->reply_ack = false;
	rc = pg_vhu_call(v, VHU_GET_CONFIG, msg, size, NULL, 0);
	v->reply_ack = ack;
	if (rc < 0)
		return rc;
	return pg_vhu_recv_reply(v, VHU_GET_CONFIG, msg, size);
}

int pg_vhu_get_config(struct pg_vhu *v, void *buf, size_t len)
{
	struct cfg_ctx c = { v };
	int rc;

	if (!v || !buf || !len || len > CONFIG_MAX)
		return -EINVAL;
	if (!v->config)
		return -ENOTSUP;
	rc = pg_virtio_config_read(read_config, NULL, &c, buf, len, 8);
	if (rc == -EAGAIN) {
		pg_virtio_emit(v->audit, v->audit_data, v->name, -1, "", PG_VQ_FAULT_CONFIG,
			       PG_VQ_FAILED, len, 8, "config space changed between reads");
		return rc;
	}
	return rc < 0 ? pg_vhu_fail(v, rc, "GET_CONFIG") : 0;
}

static int new_eventfd(int *slot)
{
	int fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);

	if (fd < 0)
		return -errno;
	if (*slot >= 0)
		close(*slot);
	*slot = fd;
	return 0;
}

static int ring_setup(struct pg_vhu *v, unsigned q, struct pg_vq *vq, uint16_t num)
{
	uint32_t st[2] = { q, num };
	uint64_t desc, drv, dev, base = (uint64_t)(uintptr_t)v->mem;
	struct vring_addr {
		uint32_t index, flags;
		uint64_t desc, used, avail, log;
	} a;
	int rc = pg_vhu_call(v, VHU_SET_VRING_NUM, st, sizeof(st), NULL, 0);

	if (rc < 0)
		return rc;
	/* Packed rings carry the avail wrap counter in bit 15 of the base (vhost-user.rst,
	 * "ring state description"); ours starts at 1 (§2.8.1). */
	st[1] = vq->split ? 0u : 1u << 15;
	rc = pg_vhu_call(v, VHU_SET_VRING_BASE, st, sizeof(st), NULL, 0);
	if (rc < 0)
		return rc;
	pg_vq_addrs(vq, &desc, &drv, &dev);
	a = (struct vring_addr){ q, 0, base + desc, base + dev, base + drv, 0 };
	return pg_vhu_call(v, VHU_SET_VRING_ADDR, &a, sizeof(a), NULL, 0);
}

int pg_vhu_start_queue(struct pg_vhu *v, unsigned q, struct pg_vq *vq, uint16_t num)
{
	uint64_t idx = q;
	uint32_t en[2] = { q, 1 };
	int rc;

	if (!v || !vq || q >= PG_VHU_MAX_QUEUES || vq->num != num ||
	    (uint8_t *)vq->cfg.mem < (uint8_t *)v->mem ||
	    (uint8_t *)vq->cfg.mem >= (uint8_t *)v->mem + v->mem_bytes)
		return -EINVAL;
	rc = ring_setup(v, q, vq, num);
	if (!rc)
		rc = new_eventfd(&v->kick[q]);
	if (!rc)
		rc = new_eventfd(&v->call[q]);
	if (!rc)
		rc = pg_vhu_call(v, VHU_SET_VRING_KICK, &idx, sizeof(idx), &v->kick[q], 1);
	if (!rc)
		rc = pg_vhu_call(v, VHU_SET_VRING_CALL, &idx, sizeof(idx), &v->call[q], 1);
	if (!rc && v->proto)
		rc = pg_vhu_call(v, VHU_SET_VRING_ENABLE, en, sizeof(en), NULL, 0);
	if (rc < 0)
		return pg_vhu_fail(v, rc, "queue start");
	v->vq[q] = vq;
	return 0;
}

/*
 * Is the base a back end reports for a stopped ring possible? It is where the device would
 * fetch the next available buffer, so it lies between what the driver has seen used and
 * what the driver has made available (both private, nothing read back from the ring):
 * split, a free-running avail index in [last_used, published] (vhost-user.rst "ring state
 * description"; the upper 16 bits must be 0); packed, bits 0-14 a ring position below num
 * and bit 15 its wrap counter, in the window from the driver's used position to its next
 * avail position, counted over two laps (virtio 1.2 §2.8.1; bits 16-31, which newer back
 * ends fill with their used position, are not relied on). @return 0 or -EPROTO.
 */
static int check_base(const struct pg_vq *vq, uint32_t base, uint64_t *lo, uint64_t *hi)
{
	uint32_t lap, b, u, a;

	if (vq->split) {
		*lo = vq->last_used;
		*hi = vq->published;
		return base <= 0xffffu && (uint16_t)(base - vq->last_used) <=
			(uint16_t)(vq->published - vq->last_used) ? 0 : -EPROTO;
	}
	lap = 2u * vq->num;
	*lo = vq->last_used | (uint32_t)vq->used_wrap << 15;
	*hi = vq->next_avail | (uint32_t)vq->avail_wrap << 15;
	if ((base & 0x7fffu) >= vq->num)
		return -EPROTO;
	/* position + num on laps with the counter at 0: one number per (position, wrap) */
	b = (base & 0x7fffu) + ((base & 0x8000u) ? 0u : vq->num);
	u = vq->last_used + (vq->used_wrap ? 0u : vq->num);
	a = vq->next_avail + (vq->avail_wrap ? 0u : vq->num);
	return (b + lap - u) % lap <= (a + lap - u) % lap ? 0 : -EPROTO;
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

static int stop_fail(struct pg_vhu *v, unsigned q, int err, const char *detail)
{
	pg_vhu_report(v, (int)q, err, detail);
	return err;
}

/* GET_VRING_BASE for ring q (over vq) and the checks of its reply. */
static int stop_ring(struct pg_vhu *v, unsigned q, const struct pg_vq *vq, uint32_t *base)
{
	uint32_t st[2] = { q, 0 }, reply[2];
	uint64_t lo, hi;
	char text[160];
	int rc;

	rc = pg_vhu_send(v, VHU_GET_VRING_BASE, st, sizeof(st));
	if (!rc)
		rc = pg_vhu_recv_reply(v, VHU_GET_VRING_BASE, reply, sizeof(reply));
	if (rc < 0) {
		(void)snprintf(text, sizeof(text), "GET_VRING_BASE: %s", strerror(-rc));
		return stop_fail(v, q, rc, text);
	}
	if (reply[0] != q) {
		(void)snprintf(text, sizeof(text), "GET_VRING_BASE reply for ring %u, asked %u",
			       reply[0], q);
		return stop_fail(v, q, -EPROTO, text);
	}
	if (check_base(vq, reply[1], &lo, &hi) < 0) {
		(void)snprintf(text, sizeof(text), "GET_VRING_BASE base 0x%x outside the driver's "
			       "window 0x%llx..0x%llx", reply[1], (unsigned long long)lo,
			       (unsigned long long)hi);
		return stop_fail(v, q, -EPROTO, text);
	}
	if (base)
		*base = reply[1];
	return 0;
}

int pg_vhu_audit_ring(struct pg_vq *vq)
{
	return pg_vq_broken(vq) ? 0 : pg_vq_audit_ring(vq);
}

int pg_vhu_stop_queue(struct pg_vhu *v, unsigned q, uint32_t *base)
{
	struct pg_vq *vq;
	int rc, audit;

	if (!v || q >= PG_VHU_MAX_QUEUES || !v->vq[q])
		return -EINVAL;
	vq = v->vq[q];
	/* Whatever the answer, the ring is no longer in use: no more kicks or waits on it,
	 * and pg_vhu_close() does not ask again. */
	v->vq[q] = NULL;
	close_fd(&v->kick[q]);
	close_fd(&v->call[q]);
	rc = stop_ring(v, q, vq, base);
	/* The last look at the table (docs/virtio.md "Descriptor table audit"), even when
	 * the stop failed: a back end that will not stop may still have written it. */
	audit = pg_vhu_audit_ring(vq);
	return rc < 0 ? rc : audit;
}
