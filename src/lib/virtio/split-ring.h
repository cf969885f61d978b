/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Split virtqueues (virtio 1.2 §2.7), driver side, not trusting the device.
 *
 * Layout in the queue's memory: descriptor table (16 * num, §2.7.5), available ring
 * (flags, idx, ring[num], used_event: §2.7.6) and, on the next 64-byte boundary, the used
 * ring (flags, idx, {id, len}[num], avail_event: §2.7.8), then the indirect tables.
 *
 * The device writes only the used ring; it can also scribble on the descriptor table and
 * the available ring (they are in its memory), so nothing the driver needs is read back
 * from them: chain links live in `link`, flags in `dflags`, lengths in `buf` (closes
 * docs/virtio.md G1, where Linux follows a NEXT flag the device can set). The data path
 * reads only used->idx, one used element, and used->flags or avail_event. A device that
 * writes its read-only descriptor table is caught by pg_vq_split_audit(), a sweep over the
 * table outside the data path (docs/virtio.md "Descriptor table audit" says why there).
 */
#ifndef PG_VIRTIO_SPLIT_RING_H
#define PG_VIRTIO_SPLIT_RING_H

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "virtio-private.h"

#define USED_ALIGN 64u

static size_t used_off(uint16_t num)
{
	size_t avail_end = 16u * (size_t)num + 6u + 2u * (size_t)num;

	return (avail_end + USED_ALIGN - 1u) & ~(size_t)(USED_ALIGN - 1u);
}

static size_t pg_vq_split_bytes(uint16_t num)
{
	size_t end = used_off(num) + 6u + 8u * (size_t)num;

	return (end + 63u) & ~(size_t)63u;
}

/* Shared-ring field addresses. */
#define AVAIL_FLAGS(vq) (&(vq)->avail[0])
#define AVAIL_IDX(vq) (&(vq)->avail[1])
#define AVAIL_RING(vq, i) (&(vq)->avail[2 + (i)])
#define USED_EVENT(vq) (&(vq)->avail[2 + (vq)->num])
#define USED_FLAGS(vq) ((uint16_t *)(void *)(vq)->used)
#define USED_IDX(vq) ((uint16_t *)(void *)((vq)->used + 2))
#define USED_ID(vq, i) ((uint32_t *)(void *)((vq)->used + 4 + 8 * (size_t)(i)))
#define USED_LEN(vq, i) ((uint32_t *)(void *)((vq)->used + 8 + 8 * (size_t)(i)))
#define AVAIL_EVENT(vq) ((uint16_t *)(void *)((vq)->used + 4 + 8 * (size_t)(vq)->num))

static int pg_vq_split_init(struct pg_vq *vq)
{
	uint8_t *m = vq->cfg.mem;
	size_t uo = used_off(vq->num);

	vq->desc = (struct vq_desc *)(void *)m;
	vq->avail = (uint16_t *)(void *)(m + 16u * (size_t)vq->num);
	vq->used = m + uo;
	vq->desc_addr = vq->cfg.device_addr;
	vq->drv_addr = vq->cfg.device_addr + 16u * (size_t)vq->num;
	vq->dev_addr = vq->cfg.device_addr + uo;
	/* Free list through the private links: 0 -> 1 -> ... -> num-1. In-order queues use
	 * descriptors in ring order (§2.7.9 "driver uses descriptors in ring order"), which
	 * this same list gives when chains are returned in order. */
	for (unsigned i = 0; i < vq->num; i++) {
		vq->link[i] = (uint16_t)((i + 1u) % vq->num);
		vq->buf[i].tag = VQ_TAG_FREE;   /* nothing in flight yet */
	}
	vq->num_free = vq->num;
	return 0;
}

static void write_desc(struct vq_desc *d, uint64_t addr, uint32_t len, uint16_t flags,
		       uint16_t next)
{
	d->addr = addr;
	d->len = len;
	d->a = flags;
	d->b = next;
}

/* Fill the indirect table of head id (§2.7.5.3) and point ring descriptor head at it. */
static void put_indirect(struct pg_vq *vq, uint16_t head, const struct pg_vq_seg *segs,
			 unsigned nsegs)
{
	struct vq_desc *t = vq->ind + (size_t)head * PG_VQ_MAX_SEGS;

	for (unsigned i = 0; i < nsegs; i++) {
		uint16_t f = (uint16_t)((segs[i].write ? VQ_F_WRITE : 0u) |
					(i + 1u < nsegs ? VQ_F_NEXT : 0u));

		write_desc(&t[i], segs[i].addr, segs[i].len, f, (uint16_t)(i + 1u));
	}
	write_desc(&vq->desc[head], vq->ind_addr + (uint64_t)head * PG_VQ_MAX_SEGS * 16u,
		   nsegs * 16u, VQ_F_INDIRECT, 0);
	vq->dflags[head] = VQ_F_INDIRECT;
}

static int pg_vq_split_add(struct pg_vq *vq, const struct pg_vq_seg *segs, unsigned nsegs,
		    uint32_t writable, void *token)
{
	bool ind = vq->ind && nsegs > 1;
	unsigned need = ind ? 1u : nsegs;
	uint16_t head = vq->free_head, i = head, last = head;
	uint32_t tag;

	if (vq->num_free < need)
		return -ENOSPC;
	if (ind) {
		put_indirect(vq, head, segs, nsegs);
		i = vq->link[head];
	} else {
		for (unsigned k = 0; k < nsegs; k++) {
			uint16_t f = (uint16_t)((segs[k].write ? VQ_F_WRITE : 0u) |
						(k + 1u < nsegs ? VQ_F_NEXT : 0u));

			write_desc(&vq->desc[i], segs[k].addr, segs[k].len, f, vq->link[i]);
			vq->dflags[i] = f;
			last = i;
			i = vq->link[i];
		}
	}
	vq->free_head = i;
	vq->num_free = (uint16_t)(vq->num_free - need);
	tag = (need > 1u ? VQ_TAG_CHAIN : 0u) |
	      (vq->cfg.len_policy == PG_VQ_LEN_IGNORE ? VQ_TAG_IGNORE : 0u);
	vq->buf[head] = (struct vq_buf){ token, writable, tag };
	vq->chain[head] = (struct vq_chain){ (uint16_t)need, last };
	if (vq->cfg.in_order)
		vq->fifo[(vq->fifo_head + vq->in_flight) & (vq->num - 1u)] = head;
	vq->in_flight++;
	vq_st16(AVAIL_RING(vq, vq->next_avail & (vq->num - 1u)), head);
	vq->next_avail++;
	return 0;
}

static bool pg_vq_split_kick_prepare(struct pg_vq *vq)
{
	uint16_t old = vq->published, new_idx = vq->next_avail;

	vq_st16_rel(AVAIL_IDX(vq), new_idx);
	vq->published = new_idx;
	/* The index store must be visible before the device's suppression word is read, or
	 * both sides may decide the other will act (§2.7.10). */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (vq->cfg.event_idx)
		return vq_need_event(vq_ld16(AVAIL_EVENT(vq)), new_idx, old);
	return !(vq_ld16(USED_FLAGS(vq)) & VQ_USED_F_NO_NOTIFY);
}

/* Return a checked, completed chain of ndesc descriptors from id to last to the free list
 * (private links only) and report it. in_order is a constant at every call site, and so are
 * ndesc and last on the fast path. */
static inline __attribute__((always_inline)) int
split_detach(struct pg_vq *vq, bool in_order, uint16_t id, uint16_t ndesc, uint16_t last,
	     uint32_t len, void **token, uint32_t *ret_len)
{
	struct vq_buf *b = &vq->buf[id];   /* private record */

	*token = b->token;
	*ret_len = len;
	b->token = NULL;
	b->tag = VQ_TAG_FREE;
	if (!in_order) {
		vq->link[last] = vq->free_head;
		vq->free_head = id;
	} else {
		vq->fifo_head = (uint16_t)((vq->fifo_head + 1u) & (vq->num - 1u));
	}
	vq->num_free = (uint16_t)(vq->num_free + ndesc);
	vq->in_flight--;
	vq->last_used++;
	if (vq->cfg.event_idx && vq->cb_enabled)
		vq_st16(USED_EVENT(vq), vq->last_used);
	return 1;
}

/* docs/virtio.md G2: used->idx may only advance over buffers in flight; a backwards jump
 * is a huge u16 distance d and fails the same test. @return -EIO. */
static __attribute__((noinline, cold)) int split_used_idx_fault(struct pg_vq *vq, uint16_t d)
{
	return pg_vq_fail(vq, PG_VQ_FAULT_USED_IDX, d, vq->in_flight,
			  d >= 0x8000u ? "used idx moved backwards" :
			  "used idx advanced beyond the buffers in flight");
}

/* Read used->idx and bound its advance (split_used_idx_fault()). @return the advance (0:
 * nothing new), or -EIO. */
static inline __attribute__((always_inline)) int split_used_advance(struct pg_vq *vq,
								      uint16_t *used_idx)
{
	uint16_t d;

	*used_idx = vq_ld16_acq(USED_IDX(vq));
	d = (uint16_t)(*used_idx - vq->last_used);
	if (VQ_HARDEN(__builtin_expect(d > vq->in_flight, 0)))
		return split_used_idx_fault(vq, d);
	return d;
}

static int split_next_in_batch(struct pg_vq *vq, void **token, uint32_t *len)
{
	uint16_t id = vq->fifo[vq->fifo_head];
	uint32_t l;

	/* Skipped buffers were used completely (§2.8.8 wording; same rule for split). */
	vq->batch_left--;
	l = vq->batch_left ? vq->buf[id].writable : vq->batch_len;
	return split_detach(vq, true, id, vq->chain[id].ndesc, vq->chain[id].last, l, token, len);
}

/* In-order (§2.7.9): the device may write one used element, for the last buffer of a
 * batch, and advance used->idx by the batch size. The id must be exactly the head of the
 * d-th buffer in flight (docs/virtio.md G5: Linux only compares it). */
static __attribute__((noinline)) int split_get_in_order(struct pg_vq *vq, void **token,
							 uint32_t *len)
{
	uint16_t used_idx, slot, expect;
	uint32_t id, ulen;
	int d, rc;

	if (vq->batch_left)
		return split_next_in_batch(vq, token, len);
	d = split_used_advance(vq, &vq->used_seen);
	used_idx = vq->used_seen;
	if (d <= 0)
		return d;
	slot = (uint16_t)(used_idx - 1u) & (uint16_t)(vq->num - 1u);
	id = vq_ld32(USED_ID(vq, slot));
	ulen = vq_ld32(USED_LEN(vq, slot));
	expect = vq->fifo[(vq->fifo_head + d - 1u) & (vq->num - 1u)];
	if (VQ_HARDEN(id >= vq->num))
		return pg_vq_fail(vq, PG_VQ_FAULT_ID_RANGE, id, vq->num, "used id out of range");
	if (VQ_HARDEN(id != expect))
		return pg_vq_fail(vq, PG_VQ_FAULT_ID_ORDER, id, expect,
				  "in-order batch ends with another id");
	rc = pg_vq_check_len(vq, expect, ulen, &vq->batch_len);
	if (rc < 0)
		return rc;
	vq->batch_left = (uint16_t)d;
	return split_next_in_batch(vq, token, len);
}

/* docs/virtio.md G7: a used id out of range, or not the head of a buffer in flight (which
 * also catches an id completed twice). @return -EIO. */
static __attribute__((cold, noinline)) int split_id_fault(struct pg_vq *vq, uint32_t id)
{
	if (id >= vq->num)
		return pg_vq_fail(vq, PG_VQ_FAULT_ID_RANGE, id, vq->num, "used id out of range");
	return pg_vq_fail(vq, PG_VQ_FAULT_ID_NOT_IN_FLIGHT, id, vq->in_flight,
			  "used id is not the head of a buffer in flight");
}

/* Everything but the common completion, out of line so that the hot path makes no call
 * (and spills no register): an id not in flight, a used len above the private bound
 * (clamp, reject: docs/virtio.md G3), a chain of several descriptors, the ignore policy. */
static __attribute__((noinline)) int split_get_slow(struct pg_vq *vq, uint16_t id,
						     uint32_t ulen, void **token, uint32_t *len)
{
	struct vq_chain c = vq->chain[id];
	int64_t l;

	if (VQ_HARDEN(!vq->buf[id].token))
		return split_id_fault(vq, id);
	l = pg_vq_used_len(vq, id, ulen);
	if (l < 0)
		return (int)l;
	return split_detach(vq, false, id, c.ndesc, c.last, (uint32_t)l, token, len);
}

static __attribute__((noinline)) int pg_vq_split_get(struct pg_vq *vq, void **token,
						      uint32_t *len)
{
	uint16_t slot, mask = (uint16_t)(vq->num - 1u);
	uint32_t id, ulen, m;
	const struct vq_buf *b;

	if (vq->cfg.in_order)
		return split_get_in_order(vq, token, len);
	/* used->idx is read (and its advance validated) once per batch: the buffers up to
	 * the index last read are already known to be used. */
	if (vq->last_used == vq->used_seen) {
		uint16_t idx = vq_ld16_acq(USED_IDX(vq)), d = (uint16_t)(idx - vq->last_used);

		if (d == 0)
			return 0;
		if (VQ_HARDEN(__builtin_expect(d > vq->in_flight, 0)))
			return split_used_idx_fault(vq, d);
		vq->used_seen = idx;
	}
	slot = vq->last_used & mask;
	id = vq_ld32(USED_ID(vq, slot));
	ulen = vq_ld32(USED_LEN(vq, slot));
	/* Range check and Spectre v1 mask in one (docs/virtio.md G4): num is a power of 2,
	 * so id < num exactly when masking leaves it unchanged, and the loads below use the
	 * masked value, which stays inside buf even on a mispredicted path. */
	m = VQ_HARDEN(1) ? id & mask : id;
	if (VQ_HARDEN(__builtin_expect(m != id, 0)))
		return split_id_fault(vq, id);
	b = &vq->buf[m];
	/* The fast path: a buffer in flight that is a chain of one descriptor (docs/virtio.md
	 * G7), under a len policy that checks, and a len within the private bound (G3): the
	 * tag is 0 exactly then (VQ_TAG_*), so that is two comparisons. Anything else goes
	 * the slow way. Built without checks, only the tag is looked at. */
	if (VQ_HARDEN(1) ? __builtin_expect((b->tag != 0) | (ulen > b->writable), 0) :
	    b->tag != 0)
		return split_get_slow(vq, (uint16_t)m, ulen, token, len);
	return split_detach(vq, false, (uint16_t)m, 1, (uint16_t)m, ulen, token, len);
}

/* docs/virtio.md G1, "Descriptor table audit": the table is device-read-only (§2.7.5), so
 * every descriptor's flags must still read as the driver last wrote them. The data path
 * never reads the table back (the device's reads move its cache lines away, and a read
 * would wait for them), so this sweep is the check, run when the queue is idle or stopped.
 * Bounded by num. @return 0, or -EIO (queue broken, one audit record: the flags found and
 * the flags written). */
static int pg_vq_split_audit(struct pg_vq *vq)
{
	for (unsigned i = 0; i < vq->num; i++) {
		uint16_t f = vq_ld16(&vq->desc[i].a);
		char detail[64];

		if (f == vq->dflags[i])
			continue;
		/* the record is written before pg_vq_fail() returns: a stack buffer will do */
		(void)snprintf(detail, sizeof(detail), "descriptor %u: flags changed by the device",
			       i);
		return pg_vq_fail(vq, PG_VQ_FAULT_DESC_FLAGS, f, vq->dflags[i], detail);
	}
	return 0;
}

static bool pg_vq_split_enable_cb(struct pg_vq *vq)
{
	if (vq->cfg.event_idx)
		vq_st16(USED_EVENT(vq), vq->last_used);
	else
		vq_st16(AVAIL_FLAGS(vq), 0);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return vq->batch_left || vq->used_seen != vq->last_used ||
	       vq_ld16(USED_IDX(vq)) != vq->last_used;
}

static void pg_vq_split_disable_cb(struct pg_vq *vq)
{
	/* With event index the device ignores the flag (§2.7.7); used_event simply stops
	 * being refreshed. */
	if (!vq->cfg.event_idx)
		vq_st16(AVAIL_FLAGS(vq), VQ_AVAIL_F_NO_INTERRUPT);
}

#endif
