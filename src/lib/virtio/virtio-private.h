/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Private to src/lib/virtio: the queue object, the shared-memory layouts of virtio 1.2
 * §2.7 (split) and §2.8 (packed), and the helpers both ring formats share.
 *
 * Shared memory is only ever touched through the vq_ld and vq_st helpers below: each is one
 * access of the field's natural width (a device can change the value between two reads,
 * so a value is read once into a local and validated there). Little-endian hosts only
 * (virtio 1.x rings are little-endian; pcigate targets x86-64 and arm64 LE).
 */
#ifndef PG_VIRTIO_PRIVATE_H
#define PG_VIRTIO_PRIVATE_H

#include <errno.h>

#include <pcigate/virtio.h>

#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "virtio rings are little-endian; big-endian hosts need byte swaps here"
#endif

/* Descriptor flags (§2.7.5, §2.8). */
#define VQ_F_NEXT 1u
#define VQ_F_WRITE 2u
#define VQ_F_INDIRECT 4u
#define VQ_F_AVAIL (1u << 7)
#define VQ_F_USED (1u << 15)
/* §2.7.7 / §2.7.10: avail->flags and used->flags bits. */
#define VQ_AVAIL_F_NO_INTERRUPT 1u
#define VQ_USED_F_NO_NOTIFY 1u
/* §2.8.10: event-suppression flags. */
#define VQ_EVENT_ENABLE 0u
#define VQ_EVENT_DISABLE 1u
#define VQ_EVENT_DESC 2u

/** One descriptor of either format: 16 bytes (split: addr len flags next; packed: addr len
 *  id flags). Only the driver-side write helpers use this layout. */
struct vq_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t a;   /* split: flags; packed: id */
	uint16_t b;   /* split: next;  packed: flags */
};
_Static_assert(sizeof(struct vq_desc) == 16, "virtq_desc / pvirtq_desc are 16 bytes");

/** Private record of one buffer, indexed by its id (split: head descriptor; packed: the
 *  buffer id): what a completion needs in 16 bytes. */
struct vq_buf {
	void *token;        /* non-NULL: in flight */
	uint32_t writable;  /* device-writable bytes (the used len bound) */
	uint32_t tag;       /* split: 0 for a completion the fast path may take, else VQ_TAG_*
	                     * bits; packed: the ring descriptors the buffer occupies */
};

/* Split tag bits, each sending a completion the slow way: a chain of several descriptors, a
 * queue under PG_VQ_LEN_IGNORE, a record not in flight (an id the device may not return). */
#define VQ_TAG_CHAIN (1u << 16)
#define VQ_TAG_IGNORE (1u << 17)
#define VQ_TAG_FREE (1u << 18)

/** Split: the chain behind a head (slow path and in-order only). */
struct vq_chain {
	uint16_t ndesc;     /* ring descriptors it occupies (1 with an indirect table) */
	uint16_t last;      /* last descriptor of the chain */
};

struct pg_vq {
	struct pg_vq_config cfg;
	uint16_t num;
	bool split;
	/* shared memory */
	struct vq_desc *desc;      /* num descriptors */
	uint16_t *avail;           /* split: flags, idx, ring[num], used_event */
	uint8_t *used;             /* split: flags, idx, {id,len}[num], avail_event */
	uint16_t *drv_evt;         /* packed: driver event suppression {off_wrap, flags} */
	uint32_t *dev_evt;         /* packed: device event suppression, read as one u32 */
	struct vq_desc *ind;       /* indirect tables, PG_VQ_MAX_SEGS per id; NULL if none */
	uint64_t desc_addr, drv_addr, dev_addr, ind_addr;
	/* private state */
	struct vq_buf *buf;        /* [id_mask + 1]: a power of 2 >= num */
	uint32_t id_mask;          /* masks a checked id (speculation) */
	uint16_t *link;            /* split: chain/free-list link; packed: id free list */
	uint16_t *dflags;          /* split: the flags the driver last wrote to each descriptor
	                            * (what pg_vq_split_audit() expects to read) */
	struct vq_chain *chain;    /* split: [num] by head */
	uint16_t *fifo;            /* in-order: ids in submission order (ring of num) */
	uint16_t fifo_head;
	uint16_t free_head;        /* split: first free descriptor; packed: first free id */
	uint16_t num_free;         /* free descriptors */
	uint16_t in_flight;        /* buffers */
	uint16_t next_avail;       /* split: avail idx (free-running); packed: ring position */
	uint16_t published;        /* split: avail idx last published */
	uint16_t last_used;        /* split: free-running; packed: ring position */
	uint16_t used_seen;        /* split: used->idx as last read and validated */
	uint16_t added;            /* packed: descriptors made available since the last kick */
	bool avail_wrap, used_wrap;/* packed wrap counters (§2.8.1), start at 1 */
	uint16_t used_bits;        /* packed: AVAIL|USED of a used descriptor for used_wrap */
	uint16_t fast_num;         /* packed: ids below it take the fast path (num; 0 under
	                            * PG_VQ_LEN_IGNORE, whose completions all go the slow way) */
	bool cb_enabled;
	uint16_t batch_left;       /* in-order: buffers of the current batch still to return */
	uint32_t batch_len;        /* in-order: the used len of the batch's last buffer */
	/* faults */
	bool broken;
	enum pg_vq_fault fault;
	uint64_t fault_value, fault_limit;
	uint64_t clamped;
};

/*
 * VQ_HARDEN(cond): a validation of device-written data. Always the condition itself in the
 * library; bench/vring-unhardened.c alone compiles the same ring code with
 * PG_VQ_UNHARDENED, where every such check is 0, to measure what the checks cost.
 */
#ifdef PG_VQ_UNHARDENED
#define VQ_HARDEN(cond) 0
#else
#define VQ_HARDEN(cond) (cond)
#endif

/* ---- single accesses to shared memory --------------------------------------------------- */

static inline uint16_t vq_ld16(const uint16_t *p)
{
	return __atomic_load_n(p, __ATOMIC_RELAXED);
}

static inline uint16_t vq_ld16_acq(const uint16_t *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static inline uint32_t vq_ld32(const uint32_t *p)
{
	return __atomic_load_n(p, __ATOMIC_RELAXED);
}

static inline void vq_st16(uint16_t *p, uint16_t v)
{
	__atomic_store_n(p, v, __ATOMIC_RELAXED);
}

static inline void vq_st16_rel(uint16_t *p, uint16_t v)
{
	__atomic_store_n(p, v, __ATOMIC_RELEASE);
}

/** Wrap-safe "the event index lies in (old, new]" (§2.7.10, vring_need_event semantics). */
static inline bool vq_need_event(uint16_t event, uint16_t new_idx, uint16_t old_idx)
{
	return (uint16_t)(new_idx - event - 1u) < (uint16_t)(new_idx - old_idx);
}

/* ---- shared between split.c, packed.c and vq.c ------------------------------------------ */

/** Record a fault: the queue is broken from now on, the first fault is kept and audited.
 *  @return -EIO. */
int pg_vq_fail(struct pg_vq *vq, enum pg_vq_fault f, uint64_t value, uint64_t limit,
	       const char *detail) __attribute__((cold));
/** A used len above the writable bytes under clamp or reject (cold path): audit, clamp
 *  or break the queue. @return the clamped len (writable), or -EIO. */
int64_t pg_vq_len_fault(struct pg_vq *vq, uint32_t len, uint32_t writable)
	__attribute__((cold));

/** Apply the len policy to a used len (§2.7.8 / §2.8.4). @return the len to report, or
 *  -EIO. Returned by value, not through a pointer: the hot path keeps it in a register. */
static inline int64_t pg_vq_used_len(struct pg_vq *vq, uint32_t id, uint32_t len)
{
	uint32_t writable = vq->buf[id].writable;

	if (!VQ_HARDEN(1) ||
	    (__builtin_expect(len <= writable, 1) && vq->cfg.len_policy != PG_VQ_LEN_IGNORE))
		return len;
	if (vq->cfg.len_policy == PG_VQ_LEN_IGNORE)
		return writable;
	return pg_vq_len_fault(vq, len, writable);
}

/** pg_vq_used_len() into *ret. @return 0 or -EIO. */
static inline int pg_vq_check_len(struct pg_vq *vq, uint32_t id, uint32_t len, uint32_t *ret)
{
	int64_t l = pg_vq_used_len(vq, id, len);

	if (l < 0)
		return (int)l;
	*ret = (uint32_t)l;
	return 0;
}
/** Emit one audit record (device name and time filled here). */
void pg_virtio_emit(pg_virtio_audit_fn fn, void *data, const char *device, int queue,
		    const char *layout, enum pg_vq_fault f, enum pg_vq_verdict v,
		    uint64_t value, uint64_t limit, const char *detail);
/** In-order: position in the FIFO of the in-flight buffer with this id, or -1. */
int pg_vq_fifo_find(const struct pg_vq *vq, uint16_t id);

#endif
