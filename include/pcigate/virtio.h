/* SPDX-License-Identifier: GPL-2.0-or-later */
/**
 * @file virtio.h
 * @brief Driver side of virtio that does not trust the device: split and packed virtqueues
 *        (virtio 1.2 §2.7, §2.8), feature negotiation and config reads (§2.2, §2.5), a
 *        vhost-user front end (QEMU docs/interop/vhost-user.rst) and a virtio-blk driver
 *        (§5.2) on top.
 *
 * Threat model (docs/virtio.md): the device, or a host pretending to
 * be one, writes the used ring, the packed descriptors, the event-suppression areas and the
 * config space, and may change any of them at any moment. The ring code therefore:
 * - reads every device-written value exactly once into a local, then validates it;
 * - bounds the split used index advance by the number of buffers in flight;
 * - checks a used id against the queue size, then masks it (no speculative out-of-bounds
 *   load of private state, Spectre v1), then checks that it is the head of a buffer in
 *   flight; in in-order mode the id must be exactly the one the batch implies;
 * - checks a used length against a private record of the buffer's device-writable bytes,
 *   with a per-queue policy (clamp by default, reject, or ignore the device's value);
 * - keeps packed wrap counters in private state and accepts only the two flag patterns a
 *   conforming device can leave at the next used position;
 * - keeps every chain link, length, flag and indirect table it needs to complete or free a
 *   buffer in private memory: nothing in shared memory is read back except the used ring
 *   (split) or the used descriptor (packed) and the event-suppression words;
 * - bounds every loop by the queue size; on a violation marks the queue broken, stops
 *   consuming it, and reports what the device did once (pg_virtio_audit_fn).
 *
 * Errors: int functions return 0 (or a documented non-negative value) or a negative errno.
 * The library never prints: violations go to the audit callback, nothing else is logged.
 *
 * Thread-safety: one queue (or one vhost-user connection, one block device) must not be
 * used by two threads at once; distinct objects are independent. The shared ring memory is
 * of course concurrently written by the device: that is the point.
 */
#ifndef PCIGATE_VIRTIO_H
#define PCIGATE_VIRTIO_H

#include <pcigate/export.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- feature bits (virtio 1.2 §6 "Reserved Feature Bits", §5.2.3) ---------------------- */
#define PG_VIRTIO_F_INDIRECT_DESC 28u   /**< VIRTIO_F_INDIRECT_DESC */
#define PG_VIRTIO_F_EVENT_IDX 29u       /**< VIRTIO_F_EVENT_IDX */
#define PG_VIRTIO_F_VERSION_1 32u       /**< VIRTIO_F_VERSION_1 */
#define PG_VIRTIO_F_RING_PACKED 34u     /**< VIRTIO_F_RING_PACKED */
#define PG_VIRTIO_F_IN_ORDER 35u        /**< VIRTIO_F_IN_ORDER */
#define PG_VHOST_USER_F_PROTOCOL_FEATURES 30u /**< vhost-user.rst: feature bit 30 */

/** Largest split queue (§2.7: Queue Size is at most 32768 and a power of 2). */
#define PG_VQ_MAX_SPLIT 32768u
/** Largest packed queue (§2.8: 2^15, the wrap counter lives in bit 15 of event offsets). */
#define PG_VQ_MAX_PACKED 32768u
/** Most segments in one buffer (the indirect table of one buffer holds this many). */
#define PG_VQ_MAX_SEGS 16u

/* ---- audit ------------------------------------------------------------------------------ */

/** What the device did. Names (audit "rule") in comments. */
enum pg_vq_fault {
	PG_VQ_OK = 0,
	PG_VQ_FAULT_USED_IDX,       /**< "used-idx-range": split used->idx advanced beyond in-flight */
	PG_VQ_FAULT_ID_RANGE,       /**< "id-range": used id >= queue size */
	PG_VQ_FAULT_ID_NOT_IN_FLIGHT, /**< "id-not-in-flight": not the head of an outstanding buffer
				       *   (never submitted, or completed twice) */
	PG_VQ_FAULT_ID_ORDER,       /**< "id-out-of-order": in-order queue, id not the one the batch
				     *   implies */
	PG_VQ_FAULT_LEN,            /**< "len-too-large": used len > private writable bytes */
	PG_VQ_FAULT_WRAP,           /**< "packed-wrap": next used descriptor's AVAIL/USED flags
				     *   are neither pending nor used for the private wrap counter */
	PG_VQ_FAULT_USED_IDLE,      /**< "used-while-idle": packed descriptor marked used with
				     *   nothing in flight */
	PG_VQ_FAULT_DESC_FLAGS,     /**< "device-desc-flags": split: the device rewrote the flags of
				     *   a descriptor (the table is device-read-only); found by
				     *   pg_vq_audit_ring(), never followed */
	PG_VQ_FAULT_CONFIG,         /**< "config-unstable": config space kept changing */
	PG_VQ_FAULT_TRANSPORT,      /**< "transport": bad reply, hang or death of the back end */
	PG_VQ_FAULT__COUNT
};

/** Stable name of a fault (see enum pg_vq_fault); "invalid" for other values. */
PG_EXPORT const char *pg_vq_fault_name(enum pg_vq_fault f);

/** Outcome recorded for a fault. Names: "broken", "clamped", "failed". */
enum pg_vq_verdict {
	PG_VQ_BROKEN = 0,   /**< the queue is dead: nothing more is consumed */
	PG_VQ_CLAMPED,      /**< len clamped to the writable size (policy clamp); queue lives */
	PG_VQ_FAILED,       /**< device-level failure (config, transport); no queue */
};

/**
 * One audit record about the device. Pointers are borrowed, valid only during the
 * callback. JSON Lines form: pg_virtio_audit_to_json().
 */
struct pg_virtio_audit {
	struct timespec time;   /**< CLOCK_REALTIME when the fault was seen */
	const char *device;     /**< device name from the configuration; never NULL */
	int queue;              /**< queue index, -1 for a device-level fault */
	const char *layout;     /**< "split", "packed" or "" (device-level) */
	enum pg_vq_fault fault;
	enum pg_vq_verdict verdict;
	uint64_t value;         /**< the offending device value (index, id, len, flags, ...) */
	uint64_t limit;         /**< what was allowed (in flight, size, writable bytes, ...) */
	const char *detail;     /**< short human text; never NULL */
};

/** Audit sink; called synchronously from the call that saw the fault. */
typedef void (*pg_virtio_audit_fn)(void *data, const struct pg_virtio_audit *rec);

/**
 * One JSON Lines record (no newline) in the project's audit format, for example
 * {"time":"2026-12-06T15:00:00.000000001Z","device":"vhost-user:/tmp/s","space":"virtio",
 *  "queue":0,"layout":"split","verdict":"broken","rule":"id-not-in-flight","value":5,
 *  "limit":64,"detail":"..."}
 * @param rec borrowed
 * @param ret out: malloc()ed string owned by the caller
 * @return 0, -EINVAL, -ENOMEM. Reentrant.
 */
PG_EXPORT PG_MUST_CHECK int pg_virtio_audit_to_json(const struct pg_virtio_audit *rec,
						     char **ret);

/* ---- virtqueues ------------------------------------------------------------------------- */

/** Ring layout. */
enum pg_vq_layout {
	PG_VQ_SPLIT = 0,   /**< §2.7 */
	PG_VQ_PACKED,      /**< §2.8 */
};

/** What to do with a used len above the buffer's device-writable bytes (docs/virtio.md G3). */
enum pg_vq_len_policy {
	PG_VQ_LEN_CLAMP = 0, /**< report the writable size; audit once per queue (default) */
	PG_VQ_LEN_REJECT,    /**< mark the queue broken */
	PG_VQ_LEN_IGNORE,    /**< never use the device's len: always report the writable size
			      *   (§2.7.8.1 legacy advice: "generally a good idea to ignore") */
};

/** Queue configuration. Zero-initialise, then set what you need. */
struct pg_vq_config {
	enum pg_vq_layout layout;
	uint16_t num;           /**< queue size: split a power of 2 in 1..32768; packed 1..32768 */
	uint16_t index;         /**< queue index (audit records) */
	bool indirect;          /**< VIRTIO_F_INDIRECT_DESC negotiated: multi-segment buffers
				 *   use one indirect table (§2.7.5.3, §2.8.7) */
	bool event_idx;         /**< VIRTIO_F_EVENT_IDX negotiated (§2.7.7, §2.7.10, §2.8.10) */
	bool in_order;          /**< VIRTIO_F_IN_ORDER negotiated (§2.7.9, §2.8.8) */
	enum pg_vq_len_policy len_policy;
	/** Shared memory for the ring (and indirect tables), pg_vq_ring_bytes() bytes, 64-byte
	 *  aligned, borrowed for the queue's lifetime; device_addr is its device address. */
	void *mem;
	uint64_t device_addr;
	const char *device;     /**< name in audit records, borrowed; NULL: "virtio" */
	pg_virtio_audit_fn audit;
	void *audit_data;
};

struct pg_vq;

/** One buffer segment: a device address range, device-readable or device-writable. */
struct pg_vq_seg {
	uint64_t addr;
	uint32_t len;
	bool write;    /**< device-writable (all writable segments follow all readable ones) */
};

/**
 * Bytes of shared memory a queue needs (ring, plus indirect tables when cfg->indirect).
 * @param cfg borrowed; only layout, num and indirect are used
 * @param ret out, written on success
 * @return 0, -EINVAL (bad size for the layout: 0, above 32768, split not a power of 2).
 */
PG_EXPORT PG_MUST_CHECK int pg_vq_ring_bytes(const struct pg_vq_config *cfg, size_t *ret);

/**
 * Create a queue over cfg->mem (zeroed here) with its private state.
 * @param cfg borrowed (device name and mem borrowed for the queue's lifetime)
 * @param ret out: owned by the caller, free with pg_vq_free()
 * @return 0, -EINVAL (bad size, NULL or misaligned mem), -ENOMEM.
 */
PG_EXPORT PG_MUST_CHECK int pg_vq_new(const struct pg_vq_config *cfg, struct pg_vq **ret);

/** Free a queue (the shared memory is not touched); NULL is accepted. */
PG_EXPORT void pg_vq_free(struct pg_vq *vq);

/**
 * Device addresses of the three areas, for the transport (vhost-user SET_VRING_ADDR;
 * virtio-pci queue_desc/queue_driver/queue_device).
 * @param desc,driver,device out (any may be NULL)
 */
PG_EXPORT void pg_vq_addrs(const struct pg_vq *vq, uint64_t *desc, uint64_t *driver,
			   uint64_t *device);

/**
 * Make a buffer available. Split: the device sees it once pg_vq_kick_prepare() publishes
 * the available index; packed: the head descriptor's flags make it visible at once. The
 * buffer's device-writable size, chain and flags are recorded privately (never read back).
 * @param segs  borrowed, nsegs entries (readable ones first); 1..PG_VQ_MAX_SEGS
 * @param token opaque, returned by pg_vq_get() on completion; must not be NULL
 * @return 0; -EINVAL (bad segment order or count, NULL token, writable total > 4 GiB);
 *         -ENOSPC (not enough free descriptors); -EIO (queue broken).
 */
PG_EXPORT PG_MUST_CHECK int pg_vq_add(struct pg_vq *vq, const struct pg_vq_seg *segs,
				      unsigned nsegs, void *token);

/**
 * Publish added buffers (split: store-release of avail->idx) and say whether the device
 * wants a notification (event index or NO_NOTIFY, read once; worst case of a lying device
 * is a missed or extra kick).
 * @return true when the caller should notify the device.
 */
PG_EXPORT bool pg_vq_kick_prepare(struct pg_vq *vq);

/**
 * Take the next used buffer, validated.
 * @param token out: the token given to pg_vq_add()
 * @param len   out: bytes the device wrote, never above the buffer's writable bytes
 * @return 1 (a buffer), 0 (none yet), -EIO (the queue is broken, now or before; the
 *         fault was reported once to the audit callback).
 */
PG_EXPORT PG_MUST_CHECK int pg_vq_get(struct pg_vq *vq, void **token, uint32_t *len);

/**
 * Ask the device for used-buffer notifications again (§2.7.7 / §2.8.10).
 * @return true when buffers are already pending (the caller should poll before sleeping).
 */
PG_EXPORT bool pg_vq_enable_cb(struct pg_vq *vq);

/** Ask the device not to notify (a hint the device may ignore). */
PG_EXPORT void pg_vq_disable_cb(struct pg_vq *vq);

/** Buffers in flight (added and not yet returned by pg_vq_get()). */
PG_EXPORT unsigned pg_vq_in_flight(const struct pg_vq *vq);

/**
 * The first fault of this queue (PG_VQ_OK when none) and, optionally, its record fields.
 * @param value,limit out, may be NULL
 */
PG_EXPORT enum pg_vq_fault pg_vq_fault(const struct pg_vq *vq, uint64_t *value,
				       uint64_t *limit);

/**
 * Audit the ring memory the device may only read: split, the flags of every descriptor must
 * be what the driver last wrote (docs/virtio.md G1); packed, nothing to compare. The data
 * path does not read the descriptor table back (a read waits for the cache lines the
 * device's reads took away: docs/virtio.md "Descriptor table audit"), so call this when
 * the queue is idle and once the device has stopped using it (pg_vblk does both). A
 * change the driver overwrites by reusing the descriptor before an audit is not seen; it
 * had no effect either, since nothing is read back.
 * Cost: one pass over the table (num descriptors), bounded. Same thread-safety as
 * pg_vq_get().
 * @return 0; -EIO when the queue is or becomes broken (one audit record, value = flags
 *         found, limit = flags written).
 */
PG_EXPORT PG_MUST_CHECK int pg_vq_audit_ring(struct pg_vq *vq);

/** True when the queue is broken (pg_vq_get()/pg_vq_add() return -EIO). */
PG_EXPORT bool pg_vq_broken(const struct pg_vq *vq);

/** Times a used len was clamped (policy clamp). */
PG_EXPORT uint64_t pg_vq_clamped(const struct pg_vq *vq);

/* ---- features and config (virtio 1.2 §2.2, §2.5, §3.1) ---------------------------------- */

/**
 * Feature negotiation: accept only what the device offered AND the driver understands.
 * @param offered  the device's feature bits
 * @param driver   bits this driver implements
 * @param required bits without which the driver cannot work (subset of driver)
 * @param ret      out: offered & driver, written on success
 * @return 0; -ENOTSUP (a required bit not offered); -EINVAL (required not within driver).
 */
PG_EXPORT PG_MUST_CHECK int pg_virtio_negotiate(uint64_t offered, uint64_t driver,
						uint64_t required, uint64_t *ret);

/**
 * Queue size from a device maximum: min(wanted, device_max), then rounded down to a power
 * of 2 for split. A device maximum above 32768 counts as 32768; 0 is refused.
 * @return 0; -EINVAL (wanted 0 or above 32768); -EPROTO (device_max 0).
 */
PG_EXPORT PG_MUST_CHECK int pg_virtio_queue_size(enum pg_vq_layout layout,
						 uint32_t device_max, uint16_t wanted,
						 uint16_t *ret);

/**
 * Read a config space consistently (§2.5.1: read until the generation is unchanged).
 * The transport's generation counter is read before and after; without one (gen NULL, as
 * in vhost-user) two consecutive reads must agree byte for byte. Bounded: at most `tries`
 * rounds.
 * @param read  reads len bytes into buf; returns 0 or a negative errno (passed through)
 * @param gen   may be NULL; returns the generation or a negative errno
 * @param buf   out, len bytes, written on success (scratch on failure)
 * @param tries 1..64
 * @return 0; -EAGAIN (still changing after tries rounds); -EINVAL; errors of read/gen.
 */
PG_EXPORT PG_MUST_CHECK int pg_virtio_config_read(int (*read)(void *ctx, void *buf,
							       size_t len),
						  int64_t (*gen)(void *ctx), void *ctx,
						  void *buf, size_t len, unsigned tries);

/* ---- vhost-user front end (QEMU docs/interop/vhost-user.rst) ----------------------------- */

struct pg_vhu;

/** Front-end options. Zero-initialise; 0 fields take the documented default. */
struct pg_vhu_config {
	size_t mem_bytes;        /**< shared guest memory (memfd), default 4 MiB, max 1 GiB */
	int timeout_ms;          /**< each reply and each pg_vhu_wait(); default 5000 */
	const char *device;      /**< audit name; default "vhost-user:<path>" */
	pg_virtio_audit_fn audit;
	void *audit_data;
};

/**
 * Connect to a back end's Unix socket and create the shared memory (memfd, one region at
 * guest physical address 0).
 * @param path borrowed
 * @param cfg  borrowed, may be NULL (defaults)
 * @param ret  out: owned, free with pg_vhu_close()
 * @return 0; -EINVAL (path too long, bad sizes); -errno of socket/connect/memfd/mmap.
 */
PG_EXPORT PG_MUST_CHECK int pg_vhu_open(const char *path, const struct pg_vhu_config *cfg,
					struct pg_vhu **ret);

/**
 * Stop every ring still started (pg_vhu_stop_queue(); the first failure is audited and ends
 * the round, so a silent back end costs at most one timeout), audit the rings left started
 * after such a failure too (pg_vq_audit_ring()), then close the connection, the eventfds
 * and the memory. The pg_vq of every ring still started must still exist
 * (free queues after this call, or stop them first). NULL accepted.
 */
PG_EXPORT void pg_vhu_close(struct pg_vhu *v);

/**
 * Negotiate: GET_FEATURES, GET/SET_PROTOCOL_FEATURES (REPLY_ACK, CONFIG, MQ when offered),
 * SET_OWNER, SET_FEATURES (offered & driver, plus PROTOCOL_FEATURES when offered),
 * SET_MEM_TABLE. Every reply is validated (REPLY flag, version 1, request echoed, exact
 * payload size) before use.
 * @param driver,required feature bits as for pg_virtio_negotiate()
 * @param ret out: negotiated virtio features
 * @return 0; -ENOTSUP; -EPROTO (malformed reply, a nack); -ETIMEDOUT; -EPIPE (back end
 *         gone); -errno. Failures are also audited (fault "transport").
 */
PG_EXPORT PG_MUST_CHECK int pg_vhu_negotiate(struct pg_vhu *v, uint64_t driver,
					     uint64_t required, uint64_t *ret);

/** Queue count from GET_QUEUE_NUM (1 when MQ was not negotiated), bounded 1..64.
 *  @return 0, -EPROTO (0 or above 64), transport errors. */
PG_EXPORT PG_MUST_CHECK int pg_vhu_queue_num(struct pg_vhu *v, unsigned *ret);

/**
 * GET_CONFIG of len bytes from offset 0, through pg_virtio_config_read() (two agreeing
 * reads, at most 8 rounds). A reply of another size (qemu answers size 0 on error) fails.
 * @return 0; -EAGAIN (config kept changing, audited "config-unstable"); -EPROTO; -ENOTSUP
 *         (CONFIG not negotiated); transport errors.
 */
PG_EXPORT PG_MUST_CHECK int pg_vhu_get_config(struct pg_vhu *v, void *buf, size_t len);

/**
 * Carve len bytes (aligned to align, a power of 2 <= 4096) from the shared memory.
 * @param ptr out: driver address; @param gpa out: device address
 * @return 0, -EINVAL, -ENOMEM (region exhausted).
 */
PG_EXPORT PG_MUST_CHECK int pg_vhu_alloc(struct pg_vhu *v, size_t len, size_t align,
					 void **ptr, uint64_t *gpa);

/**
 * Start queue q over vq: SET_VRING_NUM/BASE/ADDR/KICK/CALL (fresh eventfds) and
 * SET_VRING_ENABLE. q < 64, the queue must live in this connection's memory.
 * @param vq  borrowed until the ring is stopped (pg_vhu_stop_queue(), pg_vhu_close())
 * @param num the queue size vq was made with
 * @return 0, -EINVAL, transport errors.
 */
PG_EXPORT PG_MUST_CHECK int pg_vhu_start_queue(struct pg_vhu *v, unsigned q,
					       struct pg_vq *vq, uint16_t num);

/**
 * Stop ring q with GET_VRING_BASE (vhost-user.rst: this is how a front end stops a ring),
 * waiting at most the timeout for the reply. The reply must be well formed, name ring q,
 * and its base must be possible for what the driver knows (private state of the ring's
 * pg_vq, nothing read back): split, a free-running avail index between the driver's used
 * and published indices; packed, position (bits 0-14, below num) and wrap counter (bit
 * 15) between the driver's used and next avail positions. Failures are audited (fault
 * "transport", the queue, the reason). Whatever happens, the ring counts as stopped
 * afterwards: its eventfds are closed, pg_vhu_kick() and pg_vhu_wait() return -EINVAL. The
 * ring is then audited (pg_vq_audit_ring(), unless already broken), whatever the answer.
 * @param base out, may be NULL: the validated base
 * @return 0; -EINVAL (q not started); -EPROTO (malformed reply, another ring, base out of
 *         the window); -ETIMEDOUT; -EPIPE (back end gone); -errno; -EIO (the stop went well
 *         and the audit found a descriptor the device rewrote).
 */
PG_EXPORT PG_MUST_CHECK int pg_vhu_stop_queue(struct pg_vhu *v, unsigned q, uint32_t *base);

/** Notify queue q (8 bytes to its kick eventfd). @return 0, -EINVAL, -errno. */
PG_EXPORT PG_MUST_CHECK int pg_vhu_kick(struct pg_vhu *v, unsigned q);

/**
 * Wait for a call on queue q, at most the configured timeout. A dead back end (socket
 * hangup) is noticed here too.
 * @return 0 (called); -ETIMEDOUT (hang); -EPIPE (back end closed the socket, or sent an
 *         unsolicited message: no back-end channel is negotiated, so it must not); -EINVAL.
 */
PG_EXPORT PG_MUST_CHECK int pg_vhu_wait(struct pg_vhu *v, unsigned q);

/** Report a transport fault to the audit sink (for callers that notice one, e.g. a
 *  timeout on a queue). @param queue -1 for the device. */
PG_EXPORT void pg_vhu_report(struct pg_vhu *v, int queue, int err, const char *detail);

/* ---- virtio-blk over vhost-user (virtio 1.2 §5.2) -------------------------------------- */

struct pg_vblk;

/** Block driver options. Zero-initialise. */
struct pg_vblk_config {
	struct pg_vhu_config vhu;
	uint16_t queue_size;     /**< wanted, default 128 */
	unsigned queues;         /**< queues to start (1..device's count), default 1 */
	bool packed;             /**< offer RING_PACKED (used only if the device offers it) */
	bool no_indirect, no_event_idx, in_order;
	enum pg_vq_len_policy len_policy;
	unsigned depth;          /**< requests in flight per queue for pg_vblk_io(); default 1 */
};

/** What pg_vblk_open() found. */
struct pg_vblk_info {
	uint64_t features;       /**< negotiated */
	uint64_t capacity;       /**< 512-byte sectors */
	uint32_t blk_size;       /**< logical block size (512 when not offered) */
	uint32_t seg_max;        /**< 0 when not offered */
	unsigned queues;         /**< started */
	uint16_t queue_size;
	bool packed, indirect, event_idx, in_order;
};

/**
 * Connect, negotiate (VERSION_1 required), read and validate the config (§5.2.4: capacity,
 * blk_size a power of 2 in 512..65536, num_queues >= 1), create and start the queues.
 * @return 0; -EPROTO (invalid config or reply); -ENOTSUP; transport errors; -ENOMEM.
 */
PG_EXPORT PG_MUST_CHECK int pg_vblk_open(const char *path, const struct pg_vblk_config *cfg,
					 struct pg_vblk **ret);

/**
 * Stop queue q (pg_vhu_stop_queue(): GET_VRING_BASE, reply validated against the queue's
 * private state, then the ring audited). The queue takes no more requests afterwards
 * (pg_vblk_io() returns -EINVAL), whatever the result.
 * @param base out, may be NULL: the back end's base (split: its next avail index, i.e. the
 *        requests it fetched; packed: position | wrap counter << 15)
 * @return 0; -EINVAL (no such queue, already stopped); errors of pg_vhu_stop_queue().
 */
PG_EXPORT PG_MUST_CHECK int pg_vblk_stop(struct pg_vblk *b, unsigned q, uint32_t *base);

/** Stop the queues still started (GET_VRING_BASE, bounded, failures audited, rings
 *  audited: see pg_vhu_close()) and close; NULL ok. */
PG_EXPORT void pg_vblk_close(struct pg_vblk *b);

/** @param ret out: a copy of what open found. */
PG_EXPORT void pg_vblk_info(const struct pg_vblk *b, struct pg_vblk_info *ret);

/** Request types (§5.2.6). */
enum pg_vblk_op {
	PG_VBLK_READ = 0,    /**< VIRTIO_BLK_T_IN */
	PG_VBLK_WRITE = 1,   /**< VIRTIO_BLK_T_OUT */
	PG_VBLK_FLUSH = 4,   /**< VIRTIO_BLK_T_FLUSH */
};

/**
 * Synchronous I/O on queue q: count requests of len bytes each, starting at sector, with
 * up to cfg->depth in flight; data is buf (count * len bytes; read into it, or written
 * from it; for PG_VBLK_FLUSH buf may be NULL and len must be 0). len is a multiple of 512
 * up to 64 KiB and the device's size_max. Each completion is validated: used len exactly
 * len + 1 for a read and 1 for a write or flush (data, then the status byte: §5.2.6), and
 * status VIRTIO_BLK_S_OK; read data is copied out of the shared bounce buffer only then.
 * Once every request has completed, the idle ring is audited (pg_vq_audit_ring()).
 * @return 0; -EIO (queue broken, a status not OK, a short used len, or a descriptor the
 *         device rewrote, audited "device-desc-flags"); -ETIMEDOUT (no
 *         completion within the timeout, audited "transport"); -EPIPE (back end gone,
 *         audited); -ENOSPC never (a full ring is reaped first); -EINVAL (range beyond
 *         capacity, bad len, q not started or stopped).
 * Thread-safety: one call at a time per device.
 */
PG_EXPORT PG_MUST_CHECK int pg_vblk_io(struct pg_vblk *b, unsigned q, enum pg_vblk_op op,
				       uint64_t sector, void *buf, uint32_t len,
				       unsigned count);

/** The queue q of the device (borrowed), for fault inspection; NULL if q not started. */
PG_EXPORT struct pg_vq *pg_vblk_queue(struct pg_vblk *b, unsigned q);

#ifdef __cplusplus
}
#endif

#endif
