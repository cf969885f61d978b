/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A test device: the device side of split (virtio 1.2 §2.7) and packed (§2.8) rings,
 * written from the specification, independent of src/lib/virtio. The unit tests, the
 * hostile vhost-user back end, the fuzz target and the benchmark drive the hardened driver
 * with it, and misbehave by writing the shared fields directly (vdev_* helpers below).
 */
#ifndef PG_TEST_VDEV_H
#define PG_TEST_VDEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VDEV_MAX_SEGS 64u

struct vdev_seg {
	uint64_t addr;
	uint32_t len;
	bool write;
};

/** One available buffer as the device sees it. */
struct vdev_buf {
	uint16_t id;          /* split: head index; packed: buffer id */
	uint16_t ndesc;       /* ring descriptors it occupies */
	unsigned nseg;
	struct vdev_seg seg[VDEV_MAX_SEGS];
	uint32_t writable;
};

struct vdev_ring {
	bool packed, event_idx;
	uint16_t num;
	uint8_t *desc, *drv, *dev;     /* the three areas (driver addresses) */
	/* address translation for descriptors: [mem_addr, mem_addr + mem_size) -> mem */
	uint8_t *mem;
	uint64_t mem_addr;
	size_t mem_size;
	/* device-private state */
	uint16_t last_avail;           /* split: free-running avail idx; packed: position */
	bool avail_wrap;
	uint16_t used_idx;             /* split: free-running used idx; packed: position */
	bool used_wrap;
	uint16_t signalled;            /* split event idx: used idx at the last decision */
};

/** Set up the device side (areas are the driver's pointers). */
void vdev_init(struct vdev_ring *r, bool packed, bool event_idx, uint16_t num, void *desc,
	       void *drv, void *dev, void *mem, uint64_t mem_addr, size_t mem_size);
/** Take the next available buffer: 1, 0 (none) or -1 (malformed chain). */
int vdev_pop(struct vdev_ring *r, struct vdev_buf *b);
/** Mark a buffer used (split: element + idx store-release; packed: one used descriptor at
 *  the next used position, then skip ndesc). */
void vdev_push(struct vdev_ring *r, uint16_t id, uint32_t len, uint16_t ndesc);
/** Translate a device address range; NULL when outside the memory. */
void *vdev_ptr(const struct vdev_ring *r, uint64_t addr, uint32_t len);
/** Should the device notify the driver after publishing (event idx / flags)? */
bool vdev_need_call(struct vdev_ring *r);

/* ---- raw hostile writes ---- */
/** Split: write used element at ring slot (idx & (num-1)) without publishing. */
void vdev_split_put_elem(struct vdev_ring *r, uint16_t idx, uint32_t id, uint32_t len);
/** Split: publish used->idx = idx. */
void vdev_split_set_used_idx(struct vdev_ring *r, uint16_t idx);
/** Split: the flags word of descriptor i (device writing its read-only table). */
void vdev_split_set_desc_flags(struct vdev_ring *r, uint16_t i, uint16_t flags);
/** Packed: write a descriptor {id, len, flags} at pos (flags stored last). */
void vdev_packed_put(struct vdev_ring *r, uint16_t pos, uint16_t id, uint32_t len,
		     uint16_t flags);

#endif
