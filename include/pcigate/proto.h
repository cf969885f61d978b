/* SPDX-License-Identifier: GPL-2.0-or-later */
/**
 * @file proto.h
 * @brief Server side of QEMU 7.2's multi-process PCI proxy protocol (mpqemu, the
 *        `x-pci-proxy-dev` device): framing, validation, fd handling and a dispatch loop.
 *
 * Wire format (host-endian, x86_64 ABI; docs/serve.md, mpqemu §1-§2;
 * QEMU 7.2 include/hw/remote/mpqemu-link.h): a 16-byte
 * header {int cmd; 4 bytes padding; size_t size} followed by `size` payload bytes, fds as
 * SCM_RIGHTS on the same sendmsg. The server replies to CFGREAD/CFGWRITE/BAR_READ/BAR_WRITE/
 * DEVICE_RESET with one RET message carrying a u64, and never to SYNC_SYSMEM or SET_IRQFD.
 *
 * Threat model: the peer is a VMM that may be compromised (docs/serve.md). Every message
 * is validated before anything acts on it, per a table of what each command allows:
 * - the payload size must be exactly the command's (never above PG_PROTO_MAX_PAYLOAD = 192;
 *   a larger size is rejected from the header alone: the connection reads at most one
 *   maximum frame (16 + 192 bytes) at a time, one receive call per message, and keeps the
 *   bytes of a following message for the next call);
 * - the number of fds must be within the command's range (SYNC_SYSMEM 1..8, SET_IRQFD
 *   exactly 2, all others 0; an fd belongs to the message holding the last byte of the
 *   read it arrived with); fds beyond what a command allows are closed immediately and
 *   the message is rejected; more than PG_PROTO_MAX_FDS in one message is rejected too;
 * - unknown commands and RET (a server->VMM message) are rejected;
 * - config accesses must have len 1, 2 or 4, be naturally aligned and end within 256 bytes
 *   (the proxy forwards only conventional config space); BAR accesses must have size 1, 2,
 *   4 or 8, be naturally aligned and not wrap; write values must fit in len/size bytes;
 * - EOF or a short read inside a message is an error; EOF between messages is a clean end.
 * Every fd received is owned by exactly one party at every moment and is closed on every
 * error path (tests count /proc/self/fd). The parsing core (pg_proto_decode_header(),
 * pg_proto_decode()) is pure: it works on byte buffers and does no I/O, so a fuzzer can
 * drive it; the connection layer reads through a pluggable transport.
 *
 * Errors: functions return 0 (or a documented positive value) or a negative errno:
 * -EPROTO (malformed message: the connection must be closed), -EINVAL (bad argument),
 * -EIO/-ECONNRESET/-errno from the transport, -ENOMEM. Where a struct pg_proto_error is
 * passed, it receives a human-readable reason naming the command and the bad field.
 * The library never prints.
 *
 * Thread-safety: a connection, a message and a guest-memory table must not be used from two
 * threads at once; distinct objects are independent.
 */
#ifndef PCIGATE_PROTO_H
#define PCIGATE_PROTO_H

#include <pcigate/export.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif


#define PG_PROTO_HDR_SIZE 16u      /**< offsetof(MPQemuMsg, data) */
#define PG_PROTO_MAX_PAYLOAD 192u  /**< sizeof(MPQemuMsg.data); larger sizes are rejected */
#define PG_PROTO_MAX_FDS 8u        /**< REMOTE_MAX_FDS */
#define PG_PROTO_CFG_SIZE 12u      /**< sizeof(PciConfDataMsg) */
#define PG_PROTO_BAR_SIZE 24u      /**< sizeof(BarAccessMsg), with 3 bytes of tail padding */
#define PG_PROTO_SYSMEM_SIZE 192u  /**< sizeof(SyncSysmemMsg) */
#define PG_PROTO_CFG_SPACE 256u    /**< the proxy forwards only conventional config space */
#define PG_PROTO_REPLY_SIZE 24u    /**< a RET message: header + u64 */

/** enum MPQemuCmd of QEMU 7.2. Values are wire values: never renumber. */
enum pg_proto_cmd {
	PG_PROTO_SYNC_SYSMEM = 0,  /**< guest RAM regions + memory fds; no reply */
	PG_PROTO_RET = 1,          /**< the reply (server->VMM only) */
	PG_PROTO_CFGWRITE = 2,
	PG_PROTO_CFGREAD = 3,
	PG_PROTO_BAR_WRITE = 4,
	PG_PROTO_BAR_READ = 5,
	PG_PROTO_SET_IRQFD = 6,    /**< [0] irq eventfd, [1] resample eventfd; no reply */
	PG_PROTO_DEVICE_RESET = 7,
	PG_PROTO_CMD_MAX = 8,
};

/** Reason for a rejected message or failed operation (filled on error). */
struct pg_proto_error {
	int code;        /**< the negative errno also returned */
	char text[160];  /**< NUL-terminated, names the command and the bad field */
};

/** A decoded header. */
struct pg_proto_hdr {
	enum pg_proto_cmd cmd;
	uint32_t size;   /**< payload bytes; validated <= PG_PROTO_MAX_PAYLOAD */
};

/** CFGREAD/CFGWRITE payload, validated. */
struct pg_proto_cfg {
	uint16_t addr;   /**< config offset, aligned to len, addr + len <= 256 */
	uint8_t len;     /**< 1, 2 or 4 */
	uint32_t val;    /**< write value (fits in len bytes); 0 for reads */
};

/** BAR_READ/BAR_WRITE payload, validated. */
struct pg_proto_bar {
	uint64_t addr;   /**< absolute guest-physical address or port; aligned to size */
	uint64_t val;    /**< write value (fits in size bytes); 0 for reads */
	uint8_t size;    /**< 1, 2, 4 or 8 */
	bool memory;     /**< true: memory BAR; false: I/O BAR */
};

/** SYNC_SYSMEM payload: region i pairs with fd i of the message. */
struct pg_proto_sysmem {
	unsigned nregions;                   /**< = the message's fd count, 1..8 */
	uint64_t gpa[PG_PROTO_MAX_FDS];
	uint64_t size[PG_PROTO_MAX_FDS];
	uint64_t offset[PG_PROTO_MAX_FDS];   /**< offset inside fd i (an off_t on the wire) */
};

/**
 * One validated message. fds[0..nfds) are owned by the message: pg_proto_msg_clear()
 * closes every entry that is not -1. A consumer that keeps an fd "steals" it by copying it
 * and setting the entry to -1.
 */
struct pg_proto_msg {
	enum pg_proto_cmd cmd;
	union {
		struct pg_proto_cfg cfg;
		struct pg_proto_bar bar;
		struct pg_proto_sysmem sysmem;
	} u;
	int fds[PG_PROTO_MAX_FDS];
	unsigned nfds;
};

/** Static name of a command ("CFGREAD", ...), "UNKNOWN" for other values; never NULL. */
PG_EXPORT const char *pg_proto_cmd_name(int cmd);

/**
 * Decode and validate a header (pure). Checks: known command other than RET, size <= 192
 * and size equal to the command's payload size.
 * @param buf borrowed, PG_PROTO_HDR_SIZE bytes
 * @param hdr out, written on success only
 * @param err out, may be NULL; filled on error
 * @return 0 or -EPROTO.
 */
PG_EXPORT PG_MUST_CHECK int pg_proto_decode_header(const uint8_t buf[PG_PROTO_HDR_SIZE],
						   struct pg_proto_hdr *hdr,
						   struct pg_proto_error *err);

/**
 * Decode and validate a payload and the fd count for a decoded header (pure; fds are not
 * touched: the caller puts them in msg->fds after success, or closes them on error).
 * @param hdr     borrowed, from pg_proto_decode_header()
 * @param payload borrowed, hdr->size bytes (may be NULL when hdr->size is 0)
 * @param nfds    fds that arrived with the message
 * @param msg     out: cmd and u written on success only; fds/nfds are not touched
 * @param err     out, may be NULL
 * @return 0 or -EPROTO (wrong fd count, bad len/size/alignment/range, value too wide,
 *         SYNC_SYSMEM region of size 0 or whose gpa/offset + size wraps).
 */
PG_EXPORT PG_MUST_CHECK int pg_proto_decode(const struct pg_proto_hdr *hdr,
					    const uint8_t *payload, unsigned nfds,
					    struct pg_proto_msg *msg, struct pg_proto_error *err);

/** Encode a RET reply carrying val into buf (pure). */
PG_EXPORT void pg_proto_encode_ret(uint64_t val, uint8_t buf[PG_PROTO_REPLY_SIZE]);

/** Close every fd still owned by msg and set nfds to 0. NULL is accepted. */
PG_EXPORT void pg_proto_msg_clear(struct pg_proto_msg *msg);

/* ---- transport and connection ------------------------------------------------------- */

/**
 * How a connection moves bytes. The socket transport (pg_proto_conn_new_socket()) is the
 * real one; tests and the fuzzer provide in-memory ones.
 */
struct pg_proto_transport {
	/**
	 * Receive at most len (> 0) bytes into buf. Any fds that arrive are stored in
	 * fds[0..*nfds) (capacity PG_PROTO_MAX_FDS) and from then on owned by the caller;
	 * *ctrunc is set when more fds arrived than fit (the excess is already gone).
	 * @return bytes received (> 0), 0 at EOF, or a negative errno.
	 */
	ssize_t (*recv)(void *ctx, void *buf, size_t len, int fds[PG_PROTO_MAX_FDS],
			unsigned *nfds, bool *ctrunc);
	/** Send all len bytes. @return 0 or a negative errno. */
	int (*send)(void *ctx, const void *buf, size_t len);
	/** Release ctx; called once by pg_proto_conn_free(). May be NULL. */
	void (*destroy)(void *ctx);
};

struct pg_proto_conn;

/**
 * Create a connection over a transport.
 * @param tp  borrowed, must outlive the connection
 * @param ctx owned from success on (passed to tp->destroy at free)
 * @return 0, -EINVAL (NULL tp/ret, missing recv/send), -ENOMEM.
 */
PG_EXPORT PG_MUST_CHECK int pg_proto_conn_new(const struct pg_proto_transport *tp, void *ctx,
					      struct pg_proto_conn **ret);

/**
 * Create a connection over a connected AF_UNIX SOCK_STREAM socket.
 * @param fd owned from success on (closed by pg_proto_conn_free()); it is made blocking.
 * @return 0, -EINVAL (fd < 0), -ENOTSOCK (not a stream unix socket), -ENOTCONN (not
 *         connected: e.g. a listening socket), -ENOMEM, -errno.
 */
PG_EXPORT PG_MUST_CHECK int pg_proto_conn_new_socket(int fd, struct pg_proto_conn **ret);

/** Free a connection and its transport; NULL is accepted. */
PG_EXPORT void pg_proto_conn_free(struct pg_proto_conn *conn);

/** Messages received and validated so far on conn. */
PG_EXPORT uint64_t pg_proto_conn_count(const struct pg_proto_conn *conn);

/** Bytes received but not yet consumed (part or all of the next message): while non-zero,
 *  a caller that polls the transport's fd before pg_proto_recv() must not wait on it.
 *  NULL: 0. */
PG_EXPORT size_t pg_proto_conn_buffered(const struct pg_proto_conn *conn);

/**
 * Read one whole message and validate it, with one transport receive when the message is
 * not already buffered (bytes of a following message are kept for the next call). On any
 * error, every fd received (for this message and any buffered one) has been closed, the
 * buffer is emptied and msg is untouched: the connection must then be closed.
 * @param msg out, written on success only; its fds are owned by the caller
 *            (pg_proto_msg_clear())
 * @return 1 (a message), 0 (EOF exactly at a message boundary), -EPROTO (invalid message,
 *         EOF inside a message, too many fds), or the transport's negative errno.
 */
PG_EXPORT PG_MUST_CHECK int pg_proto_recv(struct pg_proto_conn *conn, struct pg_proto_msg *msg,
					  struct pg_proto_error *err);

/** Send a RET reply carrying val. @return 0 or the transport's negative errno. */
PG_EXPORT PG_MUST_CHECK int pg_proto_send_ret(struct pg_proto_conn *conn, uint64_t val);

/* ---- dispatch ------------------------------------------------------------------------ */

/** A handler op's "refused, keep serving": the request is answered as a failed operation
 *  (all ones) but is no device failure, so the connection stays open. */
#define PG_PROTO_REFUSED 1

/**
 * What a server does with each command. Every op returns 0, PG_PROTO_REFUSED or a negative
 * errno; any op may be NULL (then: reads return all ones, writes and resets are
 * acknowledged and ignored, SYNC_SYSMEM and SET_IRQFD fds are closed). A negative return
 * is treated as a device failure: reads answer all ones, the error goes back to the caller
 * of pg_proto_serve_one(), which should close the connection (fail closed).
 * PG_PROTO_REFUSED answers all ones too, and pg_proto_serve_one() returns 1 (handled): the
 * op has already logged and audited the refusal and left the device in a safe state.
 * sync_sysmem and set_irqfd receive the message and may steal its fds (set them to -1);
 * whatever is left is closed after the op returns, also on error.
 */
struct pg_proto_handler {
	int (*cfg_read)(void *ctx, uint16_t addr, uint8_t len, uint32_t *val);
	int (*cfg_write)(void *ctx, uint16_t addr, uint8_t len, uint32_t val);
	int (*bar_read)(void *ctx, uint64_t addr, uint8_t size, bool memory, uint64_t *val);
	int (*bar_write)(void *ctx, uint64_t addr, uint8_t size, bool memory, uint64_t val);
	int (*reset)(void *ctx);
	int (*sync_sysmem)(void *ctx, struct pg_proto_msg *msg);
	int (*set_irqfd)(void *ctx, struct pg_proto_msg *msg);
};

/**
 * Receive one message, dispatch it to h and send the reply the command requires.
 * @param h   borrowed
 * @param ctx passed to every op
 * @param cmd out, may be NULL: the command handled (written when a message was received)
 * @return 1 (handled; also a request the handler refused with PG_PROTO_REFUSED, answered
 *         with all ones), 0 (clean EOF), -EPROTO (bad message; err says why), the handler's
 *         negative errno (err names the command), or the transport's negative errno.
 */
PG_EXPORT PG_MUST_CHECK int pg_proto_serve_one(struct pg_proto_conn *conn,
					       const struct pg_proto_handler *h, void *ctx,
					       enum pg_proto_cmd *cmd, struct pg_proto_error *err);

/* ---- guest memory (SYNC_SYSMEM) ----------------------------------------------------- */

/**
 * A bounded table of guest RAM regions from SYNC_SYSMEM, for DMA. Each region keeps its fd.
 *
 * The VMM owns the memory file and can ftruncate() it after validation. So the server
 * never loads or stores through a mapping of it: pg_sysmem_read()/pg_sysmem_write() use
 * pread()/pwrite() (a shrunk file gives -EFAULT, not SIGBUS), and pg_sysmem_region() maps
 * a region only so that an IOMMU can pin it for device DMA (VFIO_IOMMU_MAP_DMA pins the
 * pages; a later shrink leaves the pinned pages with the device, never a hole).
 */
struct pg_sysmem;

/** Create an empty table. @return 0, -EINVAL, -ENOMEM. */
PG_EXPORT PG_MUST_CHECK int pg_sysmem_new(struct pg_sysmem **ret);

/** Unmap every region, close every fd and free the table; NULL is accepted. */
PG_EXPORT void pg_sysmem_free(struct pg_sysmem *mem);

/**
 * Replace the whole table with the regions of a validated SYNC_SYSMEM message. Each fd is
 * checked first: a regular file or memfd (fstat), offset page-aligned, offset + size within
 * its st_size; regions must not overlap in guest-physical space. On success the table
 * steals msg's fds (set to -1) and the previous regions are unmapped and their fds closed.
 * On error the previous table is kept unchanged and msg's fds stay owned by msg.
 * @param msg borrowed (fds stolen on success), cmd must be PG_PROTO_SYNC_SYSMEM
 * @return 0, -EINVAL (not SYNC_SYSMEM), -EPROTO (a region fails validation; err says
 *         which), -errno from fstat.
 */
PG_EXPORT PG_MUST_CHECK int pg_sysmem_replace(struct pg_sysmem *mem, struct pg_proto_msg *msg,
					      struct pg_proto_error *err);

/** Regions currently in the table (0..8). */
PG_EXPORT unsigned pg_sysmem_count(const struct pg_sysmem *mem);

/**
 * Copy len bytes of guest memory at gpa into buf (DMA read) or from buf (DMA write). The
 * whole range must lie inside one region; pread()/pwrite() on its fd.
 * @return 0, -EINVAL (NULL arguments), -EFAULT (range not inside one region, wraps, or
 *         beyond the end of a file the VMM shrank), -errno from pread/pwrite.
 */
PG_EXPORT PG_MUST_CHECK int pg_sysmem_read(struct pg_sysmem *mem, uint64_t gpa, void *buf,
					   size_t len);
PG_EXPORT PG_MUST_CHECK int pg_sysmem_write(struct pg_sysmem *mem, uint64_t gpa,
					    const void *buf, size_t len);

/**
 * Region i of the table, mapped MAP_SHARED (once; unmapped with the table) for
 * registration with an IOMMU. The caller must not load or store through vaddr (see above).
 * @param gpa, size, vaddr  out; vaddr borrowed, valid until the next replace or free
 * @return 0, -EINVAL, -ENOENT (i >= count), -EFAULT (too large), -errno from mmap.
 */
PG_EXPORT PG_MUST_CHECK int pg_sysmem_region(struct pg_sysmem *mem, unsigned i, uint64_t *gpa,
					     uint64_t *size, void **vaddr);

/**
 * Identity of region i: non-zero, unchanged for as long as the region is (a replacement
 * naming the same file, offset, size and guest address keeps the region, its mapping and
 * its id; the fd sent again is closed), new for every other region. It is the token of a
 * DMA mapping (pg_vfio_dma_sync()): same id and same vaddr mean the same memory.
 * @return the id, 0 for NULL mem or i >= count.
 */
PG_EXPORT uint64_t pg_sysmem_region_id(const struct pg_sysmem *mem, unsigned i);


/* ---- a mediated device served to QEMU 7.2 ------------------------------------------- */

struct pg_mediator;
struct pg_backend;

/**
 * Binds a mediator (and its backend) to the mpqemu handler interface: the frontend of
 * `pcigate serve`. The mediator must have been built with PG_MEDIATOR_TRANSPORT_QEMU72
 * (and PG_MEDIATOR_OPT_READONLY exactly when PG_PROTO_DEV_READONLY is given): what the
 * guest sees is the mediator's one decision, so `pcigate view --transport qemu72` prints
 * it. What QEMU 7.2's x-pci-proxy-dev requires (docs/serve.md):
 * - BAR messages carry absolute addresses: they are translated to (BAR, offset) from the
 *   mediator's guest view of the BARs (pg_mediator_bar_guest()), which sees the same config
 *   writes as QEMU's shadow. An address inside no BAR, or a BAR message while the guest's
 *   Command register disables the BAR's space, reads all ones and drops writes
 *   (counted as unrouted), because QEMU routes from its own shadow and a compromised QEMU
 *   may send anything.
 * - QEMU registers every BAR as 32-bit and probes the upper dword of a 64-bit BAR as a BAR
 *   of its own: a 64-bit memory BAR is shown as 32-bit (type bits 2:1 read 0) and its upper
 *   dword reads 0 and ignores writes, so the BAR stays below 4 GiB where QEMU can route it.
 *   BARs QEMU cannot size (2 GiB or larger; I/O BARs under 16 bytes) and the expansion ROM
 *   (never mapped by the proxy) read 0 and ignore writes. These are transport limits, not
 *   policy decisions: mediator options, reported through the mediator's log callback.
 * - PG_PROTO_DEV_READONLY (with the mediator's read-only executor): nothing is ever
 *   written to the device. Config writes still update the mediator's virtual registers
 *   but their hardware effects are dropped; BAR accesses that would reach the hardware
 *   read all ones and drop writes; DEVICE_RESET is acknowledged without a reset. This is
 *   how a live host device (sysfs backend, read-only) is served: config only. A BAR the
 *   backend refuses (-EPERM) also reads all ones and drops writes.
 * - DEVICE_RESET otherwise is pg_mediator_reset(). A reset with no method to carry it out
 *   (-EPERM: the policy avoids every method; -EOPNOTSUPP: the device has none of the
 *   allowed ones, like QEMU's edu) is refused (PG_PROTO_REFUSED: the VMM reads a failed
 *   operation; the mediator audited it and reinitialised its virtual registers), the
 *   device is brought to what the reinitialised view says (Bus Master off, and I/O and
 *   Memory decode off except in the device-model profile) and serving goes on; with
 *   PG_PROTO_DEV_RESET_REQUIRED it is a device failure instead. Any other reset error is
 *   a device failure. After every VMM reset a vfio device's INTx is routed to QEMU's
 *   irqfd again (a reset drops the kernel's interrupt routes).
 * SYNC_SYSMEM replaces a pg_sysmem table (fds kept, mapped lazily); SET_IRQFD fds are kept
 * (replacing closes the old ones) although QEMU 7.2 under TCG never consumes them
 * (docs/serve.md, mpqemu §7).
 */
struct pg_proto_dev;

#define PG_PROTO_DEV_READONLY 0x1u
/** A DEVICE_RESET that cannot be carried out (no allowed method the device has) is a
 *  device failure that closes the connection; without it the reset is refused to the VMM
 *  and serving goes on (policy flag reset-required, docs/serve.md "Resets"). */
#define PG_PROTO_DEV_RESET_REQUIRED 0x2u

/** Counters of a served device. */
struct pg_proto_dev_stats {
	uint64_t cfg_reads, cfg_writes, bar_reads, bar_writes;
	uint64_t resets, sysmem, irqfd;
	uint64_t unrouted;     /**< BAR accesses at an address inside no BAR */
	uint64_t dropped;      /**< writes dropped by a transport limit or READONLY */
	uint64_t resets_refused; /**< DEVICE_RESETs refused (no allowed method), served on */
	uint64_t dma_mapped;   /**< vfio: regions mapped for DMA by SYNC_SYSMEMs */
	uint64_t dma_kept;     /**< vfio: regions a SYNC_SYSMEM left mapped (unchanged) */
};

/** Log sink: syslog level and a message without trailing newline. */
typedef void (*pg_proto_log_fn)(void *data, int level, const char *msg);

/**
 * Create a served device.
 * @param m     borrowed; must outlive the device; used only through this device afterwards
 * @param be    borrowed: the mediator's backend (BAR accessibility, quiesce)
 * @param flags 0, PG_PROTO_DEV_READONLY, PG_PROTO_DEV_RESET_REQUIRED
 * @param log   may be NULL
 * @return 0, -EINVAL (NULL m/be/ret, unknown flags, a mediator built without
 *         PG_MEDIATOR_TRANSPORT_QEMU72 or whose PG_MEDIATOR_OPT_READONLY differs from
 *         PG_PROTO_DEV_READONLY), -ENOMEM.
 */
PG_EXPORT PG_MUST_CHECK int pg_proto_dev_new(struct pg_mediator *m, struct pg_backend *be,
					     unsigned flags, pg_proto_log_fn log,
					     void *log_data, struct pg_proto_dev **ret);

/** Free a served device: close the irqfds, unmap and close guest memory. NULL is accepted.
 *  The mediator and backend are not freed. */
PG_EXPORT void pg_proto_dev_free(struct pg_proto_dev *dev);

/** The handler to pass to pg_proto_serve_one() with the device as ctx. Static storage. */
PG_EXPORT const struct pg_proto_handler *pg_proto_dev_handler(void);

/** The device's guest-memory table (borrowed; valid until pg_proto_dev_free()). */
PG_EXPORT struct pg_sysmem *pg_proto_dev_sysmem(struct pg_proto_dev *dev);

/** Copy the counters. */
PG_EXPORT void pg_proto_dev_stats(const struct pg_proto_dev *dev, struct pg_proto_dev_stats *ret);

/**
 * Fail closed after a bad message or a device failure: turn Bus Master off through the
 * backend (read-modify-write of Command), reset the function where the backend can with
 * a method the policy allows (pg_mediator_reset_methods(); none allowed: no reset), and
 * turn Bus Master off again (a reset may restore a state with it on).
 * A READONLY device is not touched (returns 0).
 * @return 0 or the first negative errno (-EOPNOTSUPP from reset is not an error).
 */
PG_EXPORT PG_MUST_CHECK int pg_proto_dev_quiesce(struct pg_proto_dev *dev);

/**
 * Name the vfio backend behind the device (needed when the backend given to
 * pg_proto_dev_new() wraps it; a vfio backend given there directly is used already). With
 * it: SYNC_SYSMEM maps every region for device DMA at IOVA = GPA (pinned; only what changed
 * is unmapped and mapped, pg_vfio_dma_sync(); a region that cannot be mapped fails the
 * message and leaves nothing mapped), SET_IRQFD routes the
 * device's INTx to QEMU's irqfd with its resample eventfd as the unmask, and
 * pg_proto_dev_quiesce() also disables interrupts and removes every DMA mapping.
 * @param vfio borrowed, must outlive dev; NULL stops using one
 * @return 0, -EINVAL (NULL dev, or not a vfio backend), -EROFS (a read-only device).
 */
PG_EXPORT PG_MUST_CHECK int pg_proto_dev_set_vfio(struct pg_proto_dev *dev,
						  struct pg_backend *vfio);

#ifdef __cplusplus
}
#endif
#endif
