/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Packed virtqueues (virtio 1.2 §2.8), driver side, not trusting the device.
 *
 * Layout: descriptor ring (16 * num), driver event suppression {off_wrap, flags} and, one
 * cache line further, device event suppression (§2.8.10), then the indirect tables.
 *
 * The device overwrites available descriptors with used ones (§2.8), so the ring is
 * device-writable by design. The driver reads exactly one place: the descriptor at its
 * private next-used position, whose AVAIL/USED bits must be either "pending" (as the driver
 * wrote them) or "used" for the private wrap counter (§2.8.1); anything else means the
 * device's wrap counter flipped early or it scribbled on the ring. The buffer id is then
 * checked and masked; the number of descriptors to skip comes from the private record,
 * never from the device (§2.8.6: "the driver needs to keep track of the size of the list
 * corresponding to each buffer ID"). NEXT in a used descriptor is reserved and ignored
 * (§2.8.6), so a device setting it changes nothing; len is reserved without WRITE (§2.8.4)
 * and then reads as 0.
 */
#ifndef PG_VIRTIO_PACKED_RING_H
#define PG_VIRTIO_PACKED_RING_H

#include <errno.h>

#include "virtio-private.h"

static size_t pg_vq_packed_bytes(uint16_t num)
{
	return 16u * (size_t)num + 128u;
}

static int pg_vq_packed_init(struct pg_vq *vq)
{
	uint8_t *m = vq->cfg.mem;
	size_t ring = 16u * (size_t)vq->num;

	vq->desc = (struct vq_desc *)(void *)m;
	vq->drv_evt = (uint16_t *)(void *)(m + ring);
	vq->dev_evt = (uint32_t *)(void *)(m + ring + 64u);
	vq->desc_addr = vq->cfg.device_addr;
	vq->drv_addr = vq->cfg.device_addr + ring;
	vq->dev_addr = vq->cfg.device_addr + ring + 64u;
	for (unsigned i = 0; i < vq->num; i++)
		vq->link[i] = (uint16_t)((i + 1u) % vq->num);   /* free buffer ids */
	vq->num_free = vq->num;
	vq->avail_wrap = vq->used_wrap = true;               /* §2.8.1: start at 1 */
	vq->used_bits = VQ_F_AVAIL | VQ_F_USED;
	vq->fast_num = vq->cfg.len_policy == PG_VQ_LEN_IGNORE ? 0 : vq->num;
	return 0;
}

static uint16_t packed_avail_bits(bool wrap)
{
	return wrap ? VQ_F_AVAIL : VQ_F_USED;
}

static void packed_step(struct pg_vq *vq, uint16_t *pos, bool *wrap, uint16_t n)
{
	uint32_t p = (uint32_t)*pos + n;

	if (p >= vq->num) {
		p -= vq->num;
		*wrap = !*wrap;
	}
	*pos = (uint16_t)p;
}

static int pg_vq_packed_add(struct pg_vq *vq, const struct pg_vq_seg *segs, unsigned nsegs,
		     uint32_t writable, void *token)
{
	bool ind = vq->ind && nsegs > 1, wrap = vq->avail_wrap;
	unsigned need = ind ? 1u : nsegs;
	uint16_t head = vq->next_avail, pos = head, id, head_flags = 0;

	if (vq->num_free < need)
		return -ENOSPC;
	if (vq->cfg.in_order) {
		id = head;             /* unique among buffers in flight */
	} else {
		id = vq->free_head;
		vq->free_head = vq->link[id];
	}
	if (ind) {
		struct vq_desc *t = vq->ind + (size_t)id * PG_VQ_MAX_SEGS;

		for (unsigned i = 0; i < nsegs; i++) /* §2.8.7: only WRITE is valid here */
			t[i] = (struct vq_desc){ segs[i].addr, segs[i].len, 0,
						 segs[i].write ? VQ_F_WRITE : 0u };
		vq->desc[pos] = (struct vq_desc){ vq->ind_addr +
						  (uint64_t)id * PG_VQ_MAX_SEGS * 16u,
						  nsegs * 16u, id, 0 };
		head_flags = (uint16_t)(VQ_F_INDIRECT | packed_avail_bits(wrap));
		packed_step(vq, &pos, &wrap, 1);
	} else {
		for (unsigned k = 0; k < nsegs; k++) {
			uint16_t f = (uint16_t)((segs[k].write ? VQ_F_WRITE : 0u) |
						(k + 1u < nsegs ? VQ_F_NEXT : 0u) |
						packed_avail_bits(wrap));

			vq->desc[pos].addr = segs[k].addr;
			vq->desc[pos].len = segs[k].len;
			vq->desc[pos].a = id;
			if (k)
				vq_st16(&vq->desc[pos].b, f);
			else
				head_flags = f;
			packed_step(vq, &pos, &wrap, 1);
		}
	}
	/* §2.8.6: the first descriptor is made available after the rest of the list. */
	vq_st16_rel(&vq->desc[head].b, head_flags);
	vq->next_avail = pos;
	vq->avail_wrap = wrap;
	vq->buf[id] = (struct vq_buf){ token, writable, need };
	if (vq->cfg.in_order)
		vq->fifo[(vq->fifo_head + vq->in_flight) % vq->num] = id;
	vq->in_flight++;
	vq->num_free = (uint16_t)(vq->num_free - need);
	vq->added = (uint16_t)(vq->added + need);
	return 0;
}

static bool pg_vq_packed_kick_prepare(struct pg_vq *vq)
{
	uint16_t new_idx = vq->next_avail, old = (uint16_t)(new_idx - vq->added);
	uint32_t snap;
	uint16_t flags, event;

	vq->added = 0;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	/* One 32-bit read: offset/wrap and flags from the same device write (§2.8.10). */
	snap = vq_ld32(vq->dev_evt);
	flags = (uint16_t)((snap >> 16) & 3u);
	if (flags != VQ_EVENT_DESC || !vq->cfg.event_idx)
		return flags != VQ_EVENT_DISABLE;
	event = (uint16_t)(snap & 0x7fffu);
	if (((snap >> 15) & 1u) != (uint32_t)vq->avail_wrap)
		event = (uint16_t)(event - vq->num);
	/* A lying device can only cause a missed or an extra notification here. */
	return vq_need_event(event, new_idx, old);
}

static void packed_set_event(struct pg_vq *vq)
{
	vq_st16(&vq->drv_evt[0], (uint16_t)(vq->last_used | ((uint16_t)vq->used_wrap << 15)));
}

/* Return a checked, completed buffer: private state only. in_order is a constant at every
 * call site. */
static inline __attribute__((always_inline)) int
packed_detach(struct pg_vq *vq, bool in_order, uint16_t id, uint32_t len, void **token,
	      uint32_t *ret_len)
{
	struct vq_buf *b = &vq->buf[id];
	uint32_t p = (uint32_t)vq->last_used + b->tag;

	*token = b->token;
	*ret_len = len;
	b->token = NULL;
	if (p >= vq->num) {                   /* §2.8.1: the used wrap counter flips */
		p -= vq->num;
		vq->used_wrap = !vq->used_wrap;
		vq->used_bits ^= VQ_F_AVAIL | VQ_F_USED;
	}
	vq->last_used = (uint16_t)p;
	vq->num_free = (uint16_t)(vq->num_free + b->tag);
	vq->in_flight--;
	if (in_order) {
		vq->fifo_head = (uint16_t)(vq->fifo_head + 1u == vq->num ? 0u :
					   vq->fifo_head + 1u);
	} else {
		vq->link[id] = vq->free_head;
		vq->free_head = id;
	}
	if (vq->cfg.event_idx && vq->cb_enabled)
		packed_set_event(vq);
	return 1;
}

static int packed_next_in_batch(struct pg_vq *vq, void **token, uint32_t *len)
{
	uint16_t id = vq->fifo[vq->fifo_head];

	/* §2.8.8: "The skipped buffers ... are assumed to have been used ... completely." */
	vq->batch_left--;
	return packed_detach(vq, true, id,
			     vq->batch_left ? vq->buf[id].writable : vq->batch_len, token, len);
}

static __attribute__((cold, noinline)) int packed_wrap_fault(struct pg_vq *vq, uint16_t flags)
{
	return pg_vq_fail(vq, PG_VQ_FAULT_WRAP, flags, vq->used_wrap,
			  "used descriptor flags do not match the wrap counter");
}

static __attribute__((cold, noinline)) int packed_idle_fault(struct pg_vq *vq, uint16_t flags)
{
	return pg_vq_fail(vq, PG_VQ_FAULT_USED_IDLE, flags, vq->used_wrap,
			  "descriptor marked used with nothing in flight");
}

/* Classify the flags at the next used position against the private wrap counter (never
 * against anything read back). 1: used; 0: not yet; <0: fault. */
static inline __attribute__((always_inline)) int packed_classify(struct pg_vq *vq,
								   uint16_t flags)
{
	uint16_t bits = flags & (VQ_F_AVAIL | VQ_F_USED);

	if (bits == vq->used_bits)
		return 1;
	/* With buffers in flight this position holds what the driver wrote (AVAIL = w,
	 * USED = !w) until the device marks it used; any other pattern is a wrap counter
	 * the device flipped on its own, or a scribble. */
	if (VQ_HARDEN(__builtin_expect(vq->in_flight && bits != (vq->used_bits ^ VQ_F_USED),
				       0)))
		return packed_wrap_fault(vq, flags);
	return 0;
}

/* In-order (§2.8.8): the id names the last buffer of a batch; it must lie in the window of
 * buffers in flight (docs/virtio.md G5). */
static __attribute__((noinline)) int packed_get_in_order(struct pg_vq *vq, void **token,
							  uint32_t *len)
{
	uint16_t pos = vq->last_used, flags;
	uint32_t id, ulen;
	int rc, k;

	if (vq->batch_left)
		return packed_next_in_batch(vq, token, len);
	flags = vq_ld16_acq(&vq->desc[pos].b);
	rc = packed_classify(vq, flags);
	if (rc <= 0)
		return rc;
	if (VQ_HARDEN(!vq->in_flight))
		return packed_idle_fault(vq, flags);
	id = vq_ld16(&vq->desc[pos].a);
	ulen = (flags & VQ_F_WRITE) ? vq_ld32(&vq->desc[pos].len) : 0;
	if (VQ_HARDEN(id >= vq->num))
		return pg_vq_fail(vq, PG_VQ_FAULT_ID_RANGE, id, vq->num, "used id out of range");
	/* Spectre v1 (docs/virtio.md G4): the mask keeps a mispredicted load inside buf. */
	id &= VQ_HARDEN(1) ? vq->id_mask : UINT32_MAX;
	k = pg_vq_fifo_find(vq, (uint16_t)id);
	if (VQ_HARDEN(k < 0))
		return pg_vq_fail(vq, PG_VQ_FAULT_ID_ORDER, id, vq->in_flight,
				  "in-order id outside the window in flight");
	rc = pg_vq_check_len(vq, id, ulen, &vq->batch_len);
	if (rc < 0)
		return rc;
	vq->batch_left = (uint16_t)(k + 1);
	return packed_next_in_batch(vq, token, len);
}

/* A used descriptor whose id is out of range or not in flight (docs/virtio.md G7): with
 * nothing in flight at all, that is a used descriptor while idle. @return -EIO. */
static __attribute__((cold, noinline)) int packed_id_fault(struct pg_vq *vq, uint16_t flags,
							   uint32_t id)
{
	if (!vq->in_flight)
		return packed_idle_fault(vq, flags);
	if (id >= vq->num)
		return pg_vq_fail(vq, PG_VQ_FAULT_ID_RANGE, id, vq->num, "used id out of range");
	return pg_vq_fail(vq, PG_VQ_FAULT_ID_NOT_IN_FLIGHT, id, vq->in_flight,
			  "used id is not a buffer in flight");
}

/* Everything but the common completion, out of line so that the hot path makes no call and
 * spills no register: an id out of range or not in flight, a used len above the private
 * bound (docs/virtio.md G3), any completion under the ignore policy (fast_num 0). */
static __attribute__((noinline)) int packed_get_slow(struct pg_vq *vq, uint16_t flags,
						      uint32_t id, uint32_t ulen, void **token,
						      uint32_t *len)
{
	int64_t l;

	if (VQ_HARDEN(id >= vq->num))
		return packed_id_fault(vq, flags, id);
	id &= VQ_HARDEN(1) ? vq->id_mask : UINT32_MAX;
	if (VQ_HARDEN(!vq->buf[id].token))
		return packed_id_fault(vq, flags, id);
	l = pg_vq_used_len(vq, id, ulen);
	return l < 0 ? (int)l : packed_detach(vq, false, (uint16_t)id, (uint32_t)l, token, len);
}

static __attribute__((noinline)) int pg_vq_packed_get(struct pg_vq *vq, void **token,
						       uint32_t *len)
{
	uint16_t pos = vq->last_used, flags, bits;
	uint32_t id, ulen;
	const struct vq_buf *b;

	if (vq->cfg.in_order)
		return packed_get_in_order(vq, token, len);
	flags = vq_ld16_acq(&vq->desc[pos].b);
	bits = flags & (VQ_F_AVAIL | VQ_F_USED);
	if (bits != vq->used_bits) {  /* packed_classify(), with the fault as a tail call */
		if (VQ_HARDEN(__builtin_expect(vq->in_flight &&
					       bits != (vq->used_bits ^ VQ_F_USED), 0)))
			return packed_wrap_fault(vq, flags);
		return 0;
	}
	id = vq_ld16(&vq->desc[pos].a);
	ulen = (flags & VQ_F_WRITE) ? vq_ld32(&vq->desc[pos].len) : 0;
	/* Range check, then the Spectre v1 mask (docs/virtio.md G4): even a mispredicted
	 * load stays inside buf, which has id_mask + 1 entries. With nothing in flight every
	 * id fails one of the two checks (no record holds a token): packed_id_fault(). The
	 * bound is fast_num, num or 0 under the ignore policy, so that such a queue takes
	 * the slow path (full checks there) at no cost to the others. */
	if (VQ_HARDEN(__builtin_expect(id >= vq->fast_num, 0)))
		return packed_get_slow(vq, flags, id, ulen, token, len);
	id &= VQ_HARDEN(1) ? vq->id_mask : UINT32_MAX;
	b = &vq->buf[id];
	(void)b;            /* unused when built without the checks (bench) */
	if (VQ_HARDEN(__builtin_expect(!b->token || ulen > b->writable, 0)))
		return packed_get_slow(vq, flags, id, ulen, token, len);
	return packed_detach(vq, false, (uint16_t)id, ulen, token, len);
}

static bool pg_vq_packed_enable_cb(struct pg_vq *vq)
{
	uint16_t flags;

	if (vq->cfg.event_idx) {
		packed_set_event(vq);
		vq_st16(&vq->drv_evt[1], VQ_EVENT_DESC);
	} else {
		vq_st16(&vq->drv_evt[1], VQ_EVENT_ENABLE);
	}
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (vq->batch_left)
		return true;
	flags = vq_ld16(&vq->desc[vq->last_used].b);
	return ((flags & VQ_F_AVAIL) != 0) == vq->used_wrap &&
	       ((flags & VQ_F_USED) != 0) == vq->used_wrap;
}

static void pg_vq_packed_disable_cb(struct pg_vq *vq)
{
	vq_st16(&vq->drv_evt[1], VQ_EVENT_DISABLE);
}

#endif
