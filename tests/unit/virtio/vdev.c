/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Device side of split and packed virtqueues for tests (see vdev.h). Written from virtio
 * 1.2 §2.7 and §2.8 with its own layout code, so that the driver library is checked
 * against the specification rather than against itself.
 */
#include <string.h>

#include "vdev.h"

#define F_NEXT 1u
#define F_WRITE 2u
#define F_INDIRECT 4u
#define F_AVAIL (1u << 7)
#define F_USED (1u << 15)

struct desc {
	uint64_t addr;
	uint32_t len;
	uint16_t w1;   /* split flags / packed id */
	uint16_t w2;   /* split next / packed flags */
};

static struct desc *D(const struct vdev_ring *r, uint16_t i)
{
	return (struct desc *)(void *)(r->desc + 16u * (size_t)i);
}

static uint16_t *avail16(const struct vdev_ring *r, unsigned i)
{
	return (uint16_t *)(void *)(r->drv + 2u * i);
}

static uint16_t *used16(const struct vdev_ring *r, unsigned byte_off)
{
	return (uint16_t *)(void *)(r->dev + byte_off);
}

void vdev_init(struct vdev_ring *r, bool packed, bool event_idx, uint16_t num, void *desc,
	       void *drv, void *dev, void *mem, uint64_t mem_addr, size_t mem_size)
{
	memset(r, 0, sizeof(*r));
	r->packed = packed;
	r->event_idx = event_idx;
	r->num = num;
	r->desc = desc;
	r->drv = drv;
	r->dev = dev;
	r->mem = mem;
	r->mem_addr = mem_addr;
	r->mem_size = mem_size;
	r->avail_wrap = r->used_wrap = true;
}

void *vdev_ptr(const struct vdev_ring *r, uint64_t addr, uint32_t len)
{
	if (addr < r->mem_addr || addr - r->mem_addr > r->mem_size ||
	    len > r->mem_size - (addr - r->mem_addr))
		return NULL;
	return r->mem + (addr - r->mem_addr);
}

static int add_seg(struct vdev_buf *b, uint64_t addr, uint32_t len, bool write)
{
	if (b->nseg >= VDEV_MAX_SEGS)
		return -1;
	b->seg[b->nseg++] = (struct vdev_seg){ addr, len, write };
	if (write)
		b->writable += len;
	return 0;
}

static int add_indirect(const struct vdev_ring *r, struct vdev_buf *b, uint64_t addr,
			uint32_t len, bool packed)
{
	struct desc *t = vdev_ptr(r, addr, len);
	unsigned n = len / 16u;

	if (!t || !n || len % 16u || n > VDEV_MAX_SEGS || (addr & 15u))
		return -1;
	for (unsigned k = 0, i = 0; k < n; k++) {
		uint16_t f = packed ? t[i].w2 : t[i].w1;

		if (add_seg(b, t[i].addr, t[i].len, f & F_WRITE) < 0)
			return -1;
		if (packed) {
			i++;
			continue;
		}
		if (!(f & F_NEXT))
			return 0;
		i = t[i].w2;
		if (i >= n)
			return -1;
	}
	return packed ? 0 : -1;
}

static int pop_split(struct vdev_ring *r, struct vdev_buf *b)
{
	uint16_t idx = __atomic_load_n(avail16(r, 1), __ATOMIC_ACQUIRE), i;

	if (idx == r->last_avail)
		return 0;
	i = *avail16(r, 2u + (r->last_avail & (r->num - 1u)));
	if (i >= r->num)
		return -1;
	b->id = i;
	for (unsigned steps = 0;; steps++) {
		struct desc d = *D(r, i);

		if (steps >= r->num)
			return -1;
		b->ndesc++;
		if (d.w1 & F_INDIRECT) {
			if (add_indirect(r, b, d.addr, d.len, false) < 0)
				return -1;
			break;
		}
		if (add_seg(b, d.addr, d.len, d.w1 & F_WRITE) < 0)
			return -1;
		if (!(d.w1 & F_NEXT))
			break;
		i = d.w2;
		if (i >= r->num)
			return -1;
	}
	r->last_avail++;
	if (r->event_idx) {
		/* The event store must be visible before the next look at avail->idx, or a
		 * buffer published in between is never kicked (§2.7.10). */
		__atomic_store_n(used16(r, 4u + 8u * r->num), r->last_avail, __ATOMIC_RELEASE);
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
	}
	return 1;
}

static void step(const struct vdev_ring *r, uint16_t *pos, bool *wrap, uint16_t n)
{
	uint32_t p = (uint32_t)*pos + n;

	while (p >= r->num) {
		p -= r->num;
		*wrap = !*wrap;
	}
	*pos = (uint16_t)p;
}

static int pop_packed(struct vdev_ring *r, struct vdev_buf *b)
{
	uint16_t pos = r->last_avail;
	bool wrap = r->avail_wrap;
	uint16_t f = __atomic_load_n(&D(r, pos)->w2, __ATOMIC_ACQUIRE);

	if (!!(f & F_AVAIL) != wrap || !!(f & F_USED) == wrap)
		return 0;
	for (unsigned steps = 0;; steps++) {
		struct desc d = *D(r, pos);

		if (steps >= r->num)
			return -1;
		f = d.w2;
		b->ndesc++;
		b->id = d.w1;
		if (f & F_INDIRECT) {
			if (add_indirect(r, b, d.addr, d.len, true) < 0)
				return -1;
		} else if (add_seg(b, d.addr, d.len, f & F_WRITE) < 0) {
			return -1;
		}
		step(r, &pos, &wrap, 1);
		if (!(f & F_NEXT))
			break;
	}
	r->last_avail = pos;
	r->avail_wrap = wrap;
	return 1;
}

int vdev_pop(struct vdev_ring *r, struct vdev_buf *b)
{
	memset(b, 0, offsetof(struct vdev_buf, seg));
	b->writable = 0;
	return r->packed ? pop_packed(r, b) : pop_split(r, b);
}

void vdev_split_put_elem(struct vdev_ring *r, uint16_t idx, uint32_t id, uint32_t len)
{
	uint8_t *e = r->dev + 4u + 8u * (size_t)(idx & (r->num - 1u));

	__atomic_store_n((uint32_t *)(void *)e, id, __ATOMIC_RELAXED);
	__atomic_store_n((uint32_t *)(void *)(e + 4), len, __ATOMIC_RELAXED);
}

void vdev_split_set_used_idx(struct vdev_ring *r, uint16_t idx)
{
	__atomic_store_n(used16(r, 2), idx, __ATOMIC_RELEASE);
}

void vdev_split_set_desc_flags(struct vdev_ring *r, uint16_t i, uint16_t flags)
{
	__atomic_store_n(&D(r, i)->w1, flags, __ATOMIC_RELAXED);
}

void vdev_packed_put(struct vdev_ring *r, uint16_t pos, uint16_t id, uint32_t len,
		     uint16_t flags)
{
	struct desc *d = D(r, pos);

	d->w1 = id;
	d->len = len;
	__atomic_store_n(&d->w2, flags, __ATOMIC_RELEASE);
}

void vdev_push(struct vdev_ring *r, uint16_t id, uint32_t len, uint16_t ndesc)
{
	if (!r->packed) {
		vdev_split_put_elem(r, r->used_idx, id, len);
		r->used_idx++;
		vdev_split_set_used_idx(r, r->used_idx);
		return;
	}
	vdev_packed_put(r, r->used_idx, id, len,
			(uint16_t)((r->used_wrap ? F_AVAIL | F_USED : 0u) | (len ? F_WRITE : 0u)));
	step(r, &r->used_idx, &r->used_wrap, ndesc);
}

bool vdev_need_call(struct vdev_ring *r)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (r->packed) {
		uint16_t flags = __atomic_load_n((uint16_t *)(void *)(r->drv + 2), __ATOMIC_RELAXED);

		return flags != 1u; /* DISABLE; DESC is treated as enable (extra calls only) */
	}
	if (r->event_idx) {
		uint16_t ev = __atomic_load_n(avail16(r, 2u + r->num), __ATOMIC_RELAXED);
		uint16_t old = r->signalled;

		r->signalled = r->used_idx;
		return (uint16_t)(r->used_idx - ev - 1u) < (uint16_t)(r->used_idx - old);
	}
	return !(__atomic_load_n(avail16(r, 0), __ATOMIC_RELAXED) & 1u);
}
