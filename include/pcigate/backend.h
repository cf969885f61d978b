/* SPDX-License-Identifier: GPL-2.0-or-later */
/**
 * @file backend.h
 * @brief The only code that touches a device: one interface, several implementations.
 *
 * A backend offers config read/write, BAR info/read/write, reset and close. The mediator
 * decides and a backend acts (architecture invariant 2). Implementations:
 * - model: a device modelled from an lspci dump; writes behave like hardware where it
 *   matters (IDs and class read-only, BAR sizing, RW1C status bits), BARs are RAM.
 * - sysfs: a live host device by BDF, read-only unless opened writable.
 * - custom: any caller-provided pg_backend_ops (tests use a recording backend).
 *
 * Thread-safety: a backend must not be used from two threads at once.
 */
#ifndef PCIGATE_BACKEND_H
#define PCIGATE_BACKEND_H

#include <pcigate/cfg.h>
#include <pcigate/dump.h>
#include <pcigate/topology.h> /* pg_iommu_group(), pg_pci_driver(), pg_topo_irq_remap() */

#ifdef __cplusplus
extern "C" {
#endif

struct pg_backend;

/** BAR description from a backend. */
struct pg_bar_info {
	bool present;         /**< the BAR is implemented */
	enum pg_bar_kind kind;
	bool prefetchable;
	uint64_t size;        /**< bytes, 0 when unknown */
	uint64_t host_addr;   /**< address on the host side, 0 when none or unknown */
	bool accessible;      /**< bar_read/bar_write may touch it */
};

/**
 * Reset methods. PG_RESET_ANY leaves the choice to the backend (the kernel's own order for
 * sysfs and vfio); the others name one method: Function Level Reset (PCIe Base r5.0
 * §6.6.2, or the Advanced Features capability's FLR), a PM D3hot -> D0 transition without
 * No_Soft_Reset (PCI PM 1.2 §5.4) and a secondary bus reset of the parent bridge (PCI-to-PCI
 * Bridge 1.2 §3.2.5.18).
 */
enum pg_reset_method {
	PG_RESET_ANY = 0,     /**< the backend's preferred method */
	PG_RESET_FLR,
	PG_RESET_PM,
	PG_RESET_BUS,
	PG_RESET__COUNT
};

/** Most entries in an ordered list of reset methods (FLR, PM, bus; or ANY alone). */
#define PG_RESET_MAX_METHODS 3u

/** Operations of a backend. Every op returns 0 or a negative errno. */
struct pg_backend_ops {
	const char *kind;     /**< "model", "sysfs", ... */
	/** Read size (1, 2 or 4) bytes at off (aligned to size, off + size <= cfg_len). */
	int (*cfg_read)(struct pg_backend *be, uint16_t off, uint8_t size, uint32_t *val);
	/** Write; -EROFS when the backend is read-only. Same alignment rules as cfg_read. */
	int (*cfg_write)(struct pg_backend *be, uint16_t off, uint8_t size, uint32_t val);
	/** Describe BAR bar (0..5, PG_CFG_ROM_BAR for the ROM). */
	int (*bar_info)(struct pg_backend *be, unsigned bar, struct pg_bar_info *info);
	/** Read/write size (1, 2, 4, 8) bytes at off within the BAR. -EPERM if not accessible. */
	int (*bar_read)(struct pg_backend *be, unsigned bar, uint64_t off, uint8_t size,
			uint64_t *val);
	int (*bar_write)(struct pg_backend *be, unsigned bar, uint64_t off, uint8_t size,
			 uint64_t val);
	/**
	 * Reset the function with the first of methods[0..n) the device supports, trying them
	 * in this order, and set *used to the method that reset it. The list is what policy
	 * allows: a method not in it must never be used (a device may hang or take its
	 * neighbours down with a method the administrator excluded). Validated by
	 * pg_backend_reset_list(): 1 <= n <= PG_RESET_MAX_METHODS, no repeats, PG_RESET_ANY
	 * only as the single entry. -EOPNOTSUPP when none of the methods is available.
	 */
	int (*reset)(struct pg_backend *be, const enum pg_reset_method *methods, unsigned n,
		     enum pg_reset_method *used);
	/** Release priv; called once by pg_backend_close(). May be NULL. */
	void (*destroy)(void *priv);
	/**
	 * Optional: read config bytes [0, len) into buf at once (len = cfg_len). A device
	 * whose config reads are expensive system calls (sysfs) reads it in one go instead
	 * of one op call per dword. NULL: pg_backend_snapshot() reads dword by dword.
	 */
	int (*cfg_read_all)(struct pg_backend *be, uint8_t *buf, uint16_t len);
};

/**
 * Create a backend around caller-provided ops.
 * @param ops     borrowed, must outlive the backend; cfg_read and bar_info are required;
 *                without cfg_write config writes are -EROFS, without bar_read/bar_write
 *                BAR accesses -EPERM, without reset resets -EOPNOTSUPP; kind NULL reads
 *                as "custom"
 * @param priv    owned by the backend from success on: passed to ops->destroy at close
 *                (on failure the caller keeps it)
 * @param cfg_len config bytes the device exposes (64, 256 or 4096, or a partial length)
 * @param name    borrowed, may be NULL (empty name); copied (truncated to 63 characters),
 *                for messages
 * @param ret     out
 * @return 0, -EINVAL (NULL ops/ret, missing required op, cfg_len 0 or > 4096), -ENOMEM.
 */
PG_EXPORT PG_MUST_CHECK int pg_backend_new(const struct pg_backend_ops *ops, void *priv,
					   uint16_t cfg_len, const char *name,
					   struct pg_backend **ret);

/** The priv pointer given to pg_backend_new(), for ops implementations. */
PG_EXPORT void *pg_backend_priv(const struct pg_backend *be);

/** Close a backend and release everything it owns; NULL is accepted. */
PG_EXPORT void pg_backend_close(struct pg_backend *be);

/** Config bytes the device exposes. */
PG_EXPORT uint16_t pg_backend_cfg_len(const struct pg_backend *be);
/** Name given at creation (a BDF, a dump path, ...); never NULL. */
PG_EXPORT const char *pg_backend_name(const struct pg_backend *be);
/** ops->kind; never NULL. */
PG_EXPORT const char *pg_backend_kind(const struct pg_backend *be);

/**
 * Config access with validation before the ops are called: size must be 1, 2 or 4, off
 * aligned to size and off + size <= cfg_len, else -EINVAL (the ops never see it). A
 * write whose val has bits above size bytes is -EINVAL too; a read value is masked to
 * size bytes. A backend without cfg_write returns -EROFS.
 */
PG_EXPORT PG_MUST_CHECK int pg_backend_cfg_read(struct pg_backend *be, uint16_t off,
						uint8_t size, uint32_t *val);
PG_EXPORT PG_MUST_CHECK int pg_backend_cfg_write(struct pg_backend *be, uint16_t off,
						 uint8_t size, uint32_t val);
/**
 * Read-modify-write in one validated call: the bits of mask take value's, the others keep
 * the device's current ones (read first, unless mask covers every bit of size). Bits of
 * value outside mask are ignored. Same validation and errors as pg_backend_cfg_write();
 * a read error is returned before anything is written.
 */
PG_EXPORT PG_MUST_CHECK int pg_backend_cfg_update(struct pg_backend *be, uint16_t off,
						  uint8_t size, uint32_t value, uint32_t mask);
/**
 * BAR access: bar < PG_CFG_NUM_BARS, size 1/2/4/8 and aligned, else -EINVAL.
 *
 * pg_backend_bar_info() zeroes *info before calling the op and writes it on success only.
 * pg_backend_bar_read()/pg_backend_bar_write() check, in this order, before the ops see
 * the access: val NULL, bad bar/size/alignment, or a written value wider than size
 * -> -EINVAL; then they ask bar_info: its error is returned; a BAR that is not present
 * -> -ENXIO; not accessible -> -EPERM; when the BAR size is known (non-zero),
 * off + size > size -> -ERANGE (the access must lie wholly inside [0, size)). A missing
 * bar_read/bar_write op -> -EPERM. Read values are masked to size bytes.
 */
PG_EXPORT PG_MUST_CHECK int pg_backend_bar_info(struct pg_backend *be, unsigned bar,
						struct pg_bar_info *info);
PG_EXPORT PG_MUST_CHECK int pg_backend_bar_read(struct pg_backend *be, unsigned bar,
						uint64_t off, uint8_t size, uint64_t *val);
PG_EXPORT PG_MUST_CHECK int pg_backend_bar_write(struct pg_backend *be, unsigned bar,
						 uint64_t off, uint8_t size, uint64_t val);
/**
 * Reset the function with the first method of an ordered list of allowed methods that the
 * backend supports; methods outside the list are never used.
 * @param methods borrowed: n distinct methods PG_RESET_FLR..PG_RESET_BUS in order of
 *                preference, or the single entry PG_RESET_ANY (the backend's choice)
 * @param n       1..PG_RESET_MAX_METHODS
 * @param used    out, may be NULL: the method that reset the function, set on success only
 * @return 0; -EINVAL (NULL be/methods, n out of range, an unknown or repeated method, ANY
 *         mixed with others); -EOPNOTSUPP when the backend has no reset or supports none of
 *         the methods; -EROFS for a read-only backend; another negative errno from it.
 */
PG_EXPORT PG_MUST_CHECK int pg_backend_reset_list(struct pg_backend *be,
						  const enum pg_reset_method *methods,
						  unsigned n, enum pg_reset_method *used);

/** pg_backend_reset_list() with the one method m. */
PG_EXPORT PG_MUST_CHECK int pg_backend_reset(struct pg_backend *be, enum pg_reset_method m);

/* ---- forwarding backend ----------------------------------------------------------------- */

/**
 * What a forwarding backend reports: one call for every config write, BAR write and reset
 * that went to the inner backend (or was refused on the way, rc then the refusal). Reads
 * are not reported (a guest scans config space constantly). Every member may be NULL.
 */
struct pg_backend_observer {
	/** old: the register's value before the write, when old_valid (it is read from the
	 *  inner backend first; never for a refused write). */
	void (*cfg_write)(void *data, uint16_t off, uint8_t size, uint32_t val, bool old_valid,
			  uint32_t old, int rc);
	void (*bar_write)(void *data, unsigned bar, uint64_t off, uint8_t size, uint64_t val,
			  int rc);
	/** method: the one that reset the function, or on failure the first one asked for. */
	void (*reset)(void *data, enum pg_reset_method method, int rc);
};

/** Refuse everything that could change or touch the device: config writes (-EROFS), BAR
 *  reads and writes (-EPERM), resets (-EROFS), without reaching the inner backend. Config
 *  reads and BAR info still pass. */
#define PG_FORWARD_READONLY 0x1u

/**
 * A backend that forwards every operation to inner and tells obs what reached it: the
 * one way to record what a device receives (pcigate session's "hw" lines, serve's
 * --trace-backend, tests), and to put a live device behind a read-only fence whatever the
 * layer above decides.
 * @param inner borrowed: must outlive the wrapper, and is not closed with it
 * @param flags 0 or PG_FORWARD_READONLY
 * @param obs   borrowed, may be NULL; must outlive the wrapper
 * @param data  passed to the observer
 * @param ret   out: same cfg_len and name as inner, kind "forward"; config snapshots
 *              are read in bulk through inner (pg_backend_snapshot())
 * @return 0, -EINVAL (NULL inner/ret, unknown flags), -ENOMEM.
 * Thread-safety: as any backend; the observer is called on the caller's thread.
 */
PG_EXPORT PG_MUST_CHECK int pg_backend_forward_new(struct pg_backend *inner, unsigned flags,
						   const struct pg_backend_observer *obs,
						   void *data, struct pg_backend **ret);

/**
 * Snapshot the whole config space (cfg_len bytes) into buf (at least 4096 bytes) and the
 * BAR sizes the backend knows into sizes (may be NULL), ready for pg_cfg_parse().
 * Config is read with the backend's cfg_read_all op when it has one (sysfs: one read of
 * the config file), else dword by dword (bytes for a tail shorter than a dword); buf is
 * zeroed beyond cfg_len. For each BAR i, sizes marks i known with the backend's size when
 * bar_info reports it present with a non-zero size, known with size 0 when it reports it
 * not present, and leaves it unknown when bar_info fails or the size is 0 (unknown).
 * sizes is written only on success.
 * @return bytes read (cfg_len) or a negative errno from the backend.
 */
PG_EXPORT PG_MUST_CHECK int pg_backend_snapshot(struct pg_backend *be, uint8_t *buf,
						struct pg_cfg_bar_sizes *sizes);

/* ---- model backend ------------------------------------------------------------------ */

/**
 * Default BAR size when a dump gives no size for an implemented BAR (no `# pcigate:`
 * annotation, no `lspci -vvv` Region line): the natural alignment of the programmed
 * address (its lowest set bit), clamped to [PG_MODEL_MIN_MEM_BAR, PG_MODEL_MAX_DEFAULT_BAR]
 * for memory (and the ROM) and [PG_MODEL_MIN_IO_BAR, PG_MODEL_MAX_DEFAULT_IO_BAR] for I/O;
 * an unprogrammed (zero address) memory BAR gets PG_MODEL_MIN_MEM_BAR, an unprogrammed I/O
 * BAR PG_MODEL_MIN_IO_BAR. A BAR register that reads all zero is ambiguous (an unassigned
 * 32-bit memory BAR reads the same as none): with a size in the dump it is a 32-bit
 * non-prefetchable memory BAR (size > 0) or not implemented (size 0); without one it is a
 * 32-bit memory BAR when the MSI-X table or PBA lives in it (sized to hold them: the
 * smallest power of two, at least PG_MODEL_MIN_MEM_BAR), and otherwise taken as not
 * implemented. A ROM register reading zero is not implemented unless sized. Every size
 * invented this way, and every zero BAR taken as absent, is reported by
 * pg_backend_model_guesses(), so a program can warn instead of silently inventing.
 */
#define PG_MODEL_MIN_MEM_BAR 4096u
#define PG_MODEL_MAX_DEFAULT_BAR (1u << 20)
#define PG_MODEL_MIN_IO_BAR 4u
#define PG_MODEL_MAX_DEFAULT_IO_BAR 256u
/** BAR contents are RAM of min(size, PG_MODEL_MAX_BAR_RAM) bytes; beyond, reads 0. */
#define PG_MODEL_MAX_BAR_RAM (1u << 20)

/**
 * Model a device from one parsed dump device.
 *
 * Config reads return the dump; writes follow per-byte masks like hardware: IDs, class,
 * revision, header type, BIST, subsystem IDs, capability pointer and Interrupt Pin are
 * read-only; Command bits 0-6 and 8-10 are writable; Status bits 0xf900 are RW1C (also
 * Secondary Status of a bridge); Cache Line, Latency Timer and Interrupt Line are RW; a
 * bridge's bus numbers, windows and Bridge Control are RW; BAR registers have writable
 * address bits at and above their size (flag bits are kept, so writing all ones reads
 * back the size mask), for 64-bit BARs in both halves, and address bits below the size
 * read as zero once the register is written (a dump address not aligned to the size reads
 * verbatim until then); the ROM register likewise plus its enable bit; capability bodies
 * (extent from pg_cfg_parse()) are RW, their headers (2 bytes standard, 4 extended)
 * read-only; everything else, and every byte of an all-ones or all-zero dump, is RO.
 *
 * BARs: bar_info reports kind, prefetchable and size (host_addr 0); present BARs are
 * accessible. bar_read/bar_write act on RAM of min(size, PG_MODEL_MAX_BAR_RAM) bytes,
 * zero until written (allocated on the first write); beyond the RAM window reads return
 * 0 and writes are dropped; an access not wholly inside [0, size) is -ERANGE; writes to
 * the expansion ROM are -EROFS.
 *
 * reset: puts config space in its power-on state and discards BAR RAM. In the header every
 * writable and RW1C bit reads 0 (Command 0, so no decode and no Bus Master; BAR and ROM
 * addresses 0; Status errors, bus numbers and windows 0) and read-only bits keep the
 * dump's value; PM goes to D0 with PME_En off, MSI and MSI-X are disabled (Function Mask
 * off), PCIe Device Control takes its defaults (0x2810) and Device Status errors clear;
 * other capability bytes keep the dump's value. The first listed method the model supports
 * is used: PG_RESET_ANY always works; PG_RESET_FLR when the dump has a PCIe capability
 * with DevCap FLR (bit 28) or an
 * Advanced Features capability with its FLR bit; PG_RESET_PM when it has a PM capability
 * with PMCSR No_Soft_Reset clear; otherwise (and always for PG_RESET_BUS) -EOPNOTSUPP.
 *
 * @param dev borrowed; copied
 * @param name borrowed, may be NULL (then dev->slot)
 * @return 0, -EINVAL (len < 64, or an annotation that does not fit the header: a size
 *         for a BAR slot the header type lacks, for the upper half of a 64-bit BAR, for an
 *         invalid BAR, or outside what the BAR type can express: I/O 4..64K, memory
 *         16..2G (64-bit: ..2^63), ROM 2K..2G), -ENOMEM.
 */
PG_EXPORT PG_MUST_CHECK int pg_backend_model_new(const struct pg_dump_dev *dev,
						 const char *name, struct pg_backend **ret);

/** What a model backend had to assume because its dump did not say. */
struct pg_model_guesses {
	uint8_t guessed;  /**< bit i: BAR i (PG_CFG_ROM_BAR: the ROM) got an invented size */
	uint8_t absent;   /**< bit i: BAR i reads 0, has no size: taken as not implemented */
	uint64_t size[PG_CFG_NUM_BARS]; /**< the invented sizes (bytes), where guessed */
};

/**
 * What the model backend be assumed about its BARs (see PG_MODEL_MIN_MEM_BAR).
 * @param be  borrowed
 * @param ret out, written on success
 * @return 0; -EINVAL for NULL arguments or a backend that is not a model.
 */
PG_EXPORT PG_MUST_CHECK int pg_backend_model_guesses(const struct pg_backend *be,
						     struct pg_model_guesses *ret);

/**
 * The same as one line for a warning: "guessed bar0=1M bar3=16K; BAR4, BAR5, ROM read 0,
 * taken as not implemented", or "" when nothing was assumed (or be is not a model).
 * @param buf out: NUL-terminated, truncated to n bytes (n >= 1)
 * @return buf. Reentrant.
 */
PG_EXPORT const char *pg_backend_model_guess_text(const struct pg_backend *be, char *buf,
						  size_t n);

/**
 * Model the first device of a dump file; the backend is named after path.
 * @param err out, may be NULL: why the file was rejected (for an annotation that does not
 *            fit the device, the line of its header and the reason)
 * @return 0 or an error from pg_dump_read_file()/pg_backend_model_new().
 */
PG_EXPORT PG_MUST_CHECK int pg_backend_model_open(const char *path, struct pg_backend **ret,
						  struct pg_dump_error *err);

/* ---- sysfs backend ------------------------------------------------------------------ */

#define PG_SYSFS_WRITABLE 0x1u  /**< allow config writes, BAR access and reset */

/**
 * Open a live host device.
 *
 * Reads ROOT/bus/pci/devices/BDF/config (kept open; cfg_len is what a read of up to 4096
 * bytes returns at open: 64 for unprivileged users on Linux) and the BAR table from
 * ROOT/bus/pci/devices/BDF/resource (lines "start end flags" in hex; line i is BAR i,
 * line 6 the ROM). Config accesses are pread()/pwrite() on the config file. With
 * PG_SYSFS_WRITABLE, BAR accesses use resourceN (pread()/pwrite() for I/O BARs, a shared
 * mapping for memory BARs, opened on first use) and reset writes "1" to the reset file.
 * PG_RESET_ANY uses the kernel's order as it stands. A list of named methods is honoured
 * through ROOT/.../BDF/reset_method (Linux 5.15+): the listed methods the kernel offers
 * for the device ("flr" also matches "af_flr"), in the list's order, are written there,
 * then the reset, then the previous reset_method content is written back; with no
 * reset_method file, or none of the methods offered, the result is -EOPNOTSUPP and
 * nothing is written. Without it nothing but config and resource is ever opened.
 *
 * @param bdf    "dddd:bb:dd.f" or "bb:dd.f" (domain 0); validated strictly
 * @param flags  0 (read-only) or PG_SYSFS_WRITABLE; other bits -EINVAL
 * @param root   sysfs root for tests, NULL for "/sys"
 * @return 0; -EINVAL (malformed BDF, unknown flags), -ENODEV (no such device, or no
 *         config/resource file), -EIO (config unreadable, empty or a resource file that
 *         does not parse), -ENAMETOOLONG, -ENOMEM, -errno from open.
 *         No object is created on failure.
 * Read-only: cfg_write returns -EROFS, bar_read/bar_write -EPERM, reset -EROFS.
 */
PG_EXPORT PG_MUST_CHECK int pg_backend_sysfs_open(const char *bdf, unsigned flags,
						  const char *root, struct pg_backend **ret);

/** Largest number of directory entries pg_sysfs_list() examines. */
#define PG_SYSFS_MAX_SCAN 65536u

/**
 * List the PCI devices under ROOT/bus/pci/devices, enumerated by libpci (pciutils) with
 * its sysfs method only (PCI_ACCESS_SYS_BUS_PCI, "sysfs.path" = ROOT/bus/pci; no probe of
 * other methods, so never /proc/bus/pci or I/O ports). libpci's scan reads the directory
 * and opens no file inside it; its error callback, which must not return, is ours and
 * never exits or prints. Before libpci runs, every entry name is checked to be one libpci
 * parses (its error path would leak), and the number of entries is bounded. Addresses
 * libpci reports that are not canonical "dddd:bb:dd.f" (domains above 0xffff, device
 * above 0x1f, function above 7) or that do not name an existing entry (libpci truncates
 * bus, device and function to 8 bits) are skipped, and duplicates are listed once. The
 * list is sorted (string order = domain, bus, dev, fn order).
 *
 * @param root  sysfs root, NULL for "/sys"; ROOT/bus/pci/devices must fit in 1023 bytes
 * @param bdfs  out: at least max entries; may be NULL when max is 0 (count only)
 * @param max   capacity of bdfs
 * @param ret_n out: devices found (all of them when bdfs is NULL)
 * @return 0; -E2BIG (more than max devices, or more than PG_SYSFS_MAX_SCAN entries);
 *         -EINVAL (NULL ret_n, or NULL bdfs with max > 0); -ENAMETOOLONG (root too long);
 *         -ENOENT where there is no ROOT/bus/pci/devices (no PCI bus), -ENOTDIR, -EACCES
 *         or another -errno from opening it; -EIO (an entry whose name is no PCI address
 *         libpci can parse, e.g. "junk" or "00:02.0": the tree is malformed; or libpci
 *         raised an error while scanning); -EOPNOTSUPP (libpci without its sysfs method);
 *         -ENOMEM. bdfs and ret_n are written on success only.
 * Thread-safety: reentrant (each call has its own libpci context; libpci's error jump
 * target is thread-local).
 */
PG_EXPORT PG_MUST_CHECK int pg_sysfs_list(const char *root, char (*bdfs)[13], size_t max,
					  size_t *ret_n);

/**
 * Canonicalise a BDF string to "dddd:bb:dd.f" (lower-case hex).
 *
 * Accepted: [DOMAIN ":"] BUS ":" DEV "." FN, where DOMAIN is 1-4 hex digits, BUS 1-2, DEV
 * 1-2 with a value <= 0x1f, FN one digit 0-7; hex digits in either case; nothing before
 * or after (no spaces, signs, prefixes or trailing characters).
 * @param out at least 13 bytes; written on success only
 * @return 0 or -EINVAL naming nothing (the caller names the input).
 */
PG_EXPORT PG_MUST_CHECK int pg_bdf_parse(const char *text, char out[13]);

/* ---- vfio backend -------------------------------------------------------------------- */

/*
 * A device bound to Linux vfio-pci, opened through the type1 container API (Linux 6.1:
 * /dev/vfio/vfio + /dev/vfio/GROUP). Config space goes through the config region (vfio
 * virtualises parts of it: BARs, MSI/MSI-X control), BARs through their regions (mmap
 * where the region allows it, else pread/pwrite), the expansion ROM through its read-only
 * region. Interrupts, resets and DMA mappings have their own calls below; closing the
 * backend quiesces the device first (pg_vfio_quiesce()).
 *
 * pcigate never sets vfio_iommu_type1's allow_unsafe_interrupts: a host without interrupt
 * remapping refuses the container (-EPERM, explained in the error) unless the administrator
 * set it.
 */

struct pg_mediator;
struct pg_irq_effect;

/** Log sink of the vfio backend (syslog levels; msg starts with the BDF, no newline). */
typedef void (*pg_vfio_log_fn)(void *data, int level, const char *msg);

/** How to open a vfio device. Zero-initialise; every field is optional. */
struct pg_vfio_config {
	const char *sysfs_root;   /**< NULL: "/sys" (groups, drivers, reset_method) */
	const char *dev_root;     /**< NULL: "/dev/vfio" */
	pg_vfio_log_fn log;       /**< facts at open (regions, MSI-X, IR), quiesce failures */
	void *log_data;
};

/** Why an open failed, for the user: names the group members, the module knob, ... */
struct pg_vfio_error {
	char msg[512];
};

/**
 * Parse a device spec "vfio:BDF".
 * @param spec borrowed
 * @param bdf  out (canonical "dddd:bb:dd.f"), written on success only
 * @return 0; -ENOENT when spec does not start with "vfio:" (not a vfio spec);
 *         -EINVAL when it does but the BDF is malformed.
 */
PG_EXPORT PG_MUST_CHECK int pg_vfio_spec_parse(const char *spec, char bdf[13]);

/**
 * Open a device bound to vfio-pci.
 *
 * Order: the device's IOMMU group (ROOT/bus/pci/devices/BDF/iommu_group); the container
 * (API version, type1v2 or type1); the group, whose viability is checked before anything
 * else is done with it (a group is viable when every member is bound to vfio-pci, a
 * pci-stub-like driver or no driver): a non-viable group is refused and the error names
 * every other member and its driver; then the group joins the container, type1 is set
 * (EPERM there means no interrupt remapping and allow_unsafe_interrupts off); then the
 * device fd, its regions (with capability chains) and IRQ indexes.
 *
 * @param bdf  "dddd:bb:dd.f" or "bb:dd.f"
 * @param cfg  borrowed, may be NULL
 * @param ret  out
 * @param err  out, may be NULL: a sentence naming the cause
 * @return 0; -EINVAL (bad BDF); -ENODEV (no such device, or no IOMMU group: no IOMMU or
 *         not bound to vfio-pci); -EBUSY (group not viable, or already opened elsewhere);
 *         -EPERM (type1 refused: no interrupt remapping); -EACCES; -ENOTTY/-EOPNOTSUPP
 *         (no type1 in this kernel, or the device is not PCI); -EIO (a region the kernel
 *         describes inconsistently); -ENOMEM.
 * Ownership: the backend owns the container, group and device fds and every mapping.
 */
PG_EXPORT PG_MUST_CHECK int pg_backend_vfio_open(const char *bdf,
						 const struct pg_vfio_config *cfg,
						 struct pg_backend **ret,
						 struct pg_vfio_error *err);

/** True when be was made by pg_backend_vfio_open(). */
PG_EXPORT bool pg_backend_is_vfio(const struct pg_backend *be);

/** Facts about an open vfio device. */
struct pg_vfio_info {
	int group;                 /**< IOMMU group number */
	bool reset;                /**< the kernel offers VFIO_DEVICE_RESET */
	bool hot_reset;            /**< a bus (hot) reset affects only this group */
	bool irq_remap;            /**< interrupt remapping is on (see pg_topo_irq_remap()) */
	const char *irq_remap_why; /**< static text: how irq_remap was decided */
	uint32_t irq_count[3];     /**< vectors of INTx, MSI, MSI-X (0: not offered) */
	uint8_t msix_mappable;     /**< bit i: region i carries VFIO_REGION_INFO_CAP_MSIX_MAPPABLE */
	uint8_t mmap_regions;      /**< bit i: region i (BAR 0..5, ROM 6) is mmapped */
	char reset_method[64];     /**< the kernel's reset_method, "" when it has none */
};

/** @return 0, -EINVAL (NULL, or not a vfio backend). ret written on success. */
PG_EXPORT PG_MUST_CHECK int pg_vfio_info(struct pg_backend *be, struct pg_vfio_info *ret);

/** Where a VFIO region lives, for a VMM that maps a BAR itself (after
 *  pg_vfio_msix_direct_map() allowed it for the MSI-X BAR) or reads it raw. */
struct pg_vfio_region_desc {
	int fd;             /**< the device fd: borrowed, owned by the backend */
	uint64_t offset;    /**< of the region within fd */
	uint64_t size;      /**< 0: the device has no such region */
	uint32_t flags;     /**< VFIO_REGION_INFO_FLAG_* (READ 1, WRITE 2, MMAP 4) */
};

/**
 * @param index 0..5 BARs, 6 ROM, 7 config
 * @return 0, -EINVAL (not vfio, index > 7, NULL ret). ret written on success.
 */
PG_EXPORT PG_MUST_CHECK int pg_vfio_region(struct pg_backend *be, unsigned index,
					   struct pg_vfio_region_desc *ret);

/**
 * An eventfd (borrowed, non-blocking) that becomes readable when the kernel asks for the
 * device back (an unbind from vfio-pci, a hot removal): the owner should quiesce and close
 * the backend, which lets the removal finish; until then the kernel waits.
 * @return the fd, -EOPNOTSUPP (the kernel offers no request channel), -EINVAL (not vfio).
 */
PG_EXPORT int pg_vfio_request_fd(const struct pg_backend *be);

/** VFIO interrupt indexes (linux/vfio.h VFIO_PCI_*_IRQ_INDEX). */
enum pg_vfio_irq {
	PG_VFIO_IRQ_INTX = 0,
	PG_VFIO_IRQ_MSI = 1,
	PG_VFIO_IRQ_MSIX = 2,
};

/**
 * Route interrupts of one type to eventfds (VFIO_DEVICE_SET_IRQS, ACTION_TRIGGER).
 * count 0 disables the type (fds ignored). Otherwise fds[i] (borrowed; -1: no trigger for
 * that vector, i.e. masked) serves vector start + i. Enabling a type disables the others
 * first (one interrupt type at a time). INTx is delivered masked-until-EOI by the kernel:
 * pg_vfio_irq_unmask() re-arms it.
 * @return 0; -EINVAL (not vfio, bad type, start + count beyond what the device offers,
 *         count > 0 with NULL fds); -errno of the ioctl.
 */
PG_EXPORT PG_MUST_CHECK int pg_vfio_irq_set(struct pg_backend *be, enum pg_vfio_irq type,
					    uint32_t start, uint32_t count, const int *fds);

/** Unmask INTx after the guest handled it (VFIO_IRQ_SET_ACTION_UNMASK). */
PG_EXPORT PG_MUST_CHECK int pg_vfio_irq_unmask(struct pg_backend *be);

/** Unmask INTx whenever fd (an eventfd, borrowed; -1 removes it) is signalled, e.g. a
 *  VMM's resample eventfd at EOI. @return 0, -EINVAL, -errno of the ioctl. */
PG_EXPORT PG_MUST_CHECK int pg_vfio_irq_unmask_fd(struct pg_backend *be, int fd);

/**
 * Carry out a mediator PG_EFFECT_IRQ on the device: INTx enable/disable; MSI enable with
 * 1 << MME vectors (vectors whose mask bit is set get no trigger) or disable; MSI-X enable
 * (every unmasked table entry of the mediator's virtual table gets fds[entry], masked ones
 * and all under Function Mask none) or disable; an MSI-X per-vector change re-routes that
 * vector only. The guest's message address/data are never written to the device: the
 * kernel programs the real MSI/MSI-X registers (interrupt remapping decides where they go).
 * @param m   borrowed: the virtual MSI-X table is read from it
 * @param fds borrowed: eventfd per vector (nfds of them); vectors beyond nfds get none
 * @return 0, -EINVAL, -errno of the ioctl.
 */
PG_EXPORT PG_MUST_CHECK int pg_vfio_irq_effect(struct pg_backend *be,
					       const struct pg_mediator *m,
					       const struct pg_irq_effect *e, const int *fds,
					       unsigned nfds);

/** Most DMA mappings one device holds. */
#define PG_VFIO_MAX_DMA 64u
#define PG_VFIO_DMA_READONLY 0x1u   /**< the device may only read the mapping */

/**
 * Map [vaddr, vaddr + size) of this process at IOVA iova for device DMA
 * (VFIO_IOMMU_MAP_DMA; the kernel pins the pages, so a later truncation of the file
 * behind them cannot pull memory out from under the device).
 * @return 0; -EINVAL (not vfio, size 0, iova/vaddr/size not aligned to the IOMMU's
 *         smallest page, iova + size wrapping, unknown flags); -ERANGE (outside the IOVA
 *         ranges the IOMMU reports); -EEXIST (overlaps a mapping of this device);
 *         -ENOSPC (PG_VFIO_MAX_DMA mappings); -errno of the ioctl (e.g. -EFAULT for
 *         vaddr not mapped).
 */
PG_EXPORT PG_MUST_CHECK int pg_vfio_dma_map(struct pg_backend *be, uint64_t iova, void *vaddr,
					    uint64_t size, unsigned flags);

/** Unmap exactly one earlier mapping. @return 0, -EINVAL, -ENOENT (no such mapping). */
PG_EXPORT PG_MUST_CHECK int pg_vfio_dma_unmap(struct pg_backend *be, uint64_t iova,
					      uint64_t size);

/** Unmap every mapping of the device (never fails; failures are logged). */
PG_EXPORT void pg_vfio_dma_unmap_all(struct pg_backend *be);

/** One entry of a DMA table for pg_vfio_dma_sync(). */
struct pg_vfio_dma_region {
	uint64_t iova;    /**< device address (a guest-physical address for the proxy) */
	void *vaddr;      /**< this process's mapping of the memory */
	uint64_t size;
	uint64_t token;   /**< the caller's identity of the memory behind vaddr (e.g.
	                       pg_sysmem_region_id()); 0: none, always (re)mapped */
};

/**
 * Make the device's DMA mappings exactly the table r[0..n) (read-write), changing only what
 * changed: a current mapping with the same iova, size, vaddr and non-zero token as an
 * entry stays mapped (its pages stay pinned, no IOTLB churn); the other current mappings
 * are unmapped, then the remaining entries are mapped. The whole table is validated first
 * (each entry as pg_vfio_dma_map() checks it, and no two entries overlap): a refused table
 * changes nothing. A mapping that then fails leaves nothing mapped (fail closed).
 * @param r borrowed; may be NULL when n is 0 (unmap everything)
 * @param kept, mapped out, may be NULL: entries kept as they were / newly mapped
 * @return 0; -EINVAL (not vfio, NULL r with n > 0, a misaligned, empty or wrapping entry);
 *         -ERANGE (outside the IOMMU's IOVA ranges); -EEXIST (two entries overlap);
 *         -ENOSPC (n > PG_VFIO_MAX_DMA); -errno of a map ioctl (nothing left mapped).
 */
PG_EXPORT PG_MUST_CHECK int pg_vfio_dma_sync(struct pg_backend *be,
					     const struct pg_vfio_dma_region *r, unsigned n,
					     unsigned *kept, unsigned *mapped);

/**
 * The resets quiescing may use (pg_vfio_quiesce(), and the close after writes): the
 * policy's allowed methods in order (pg_mediator_reset_methods()), so that a method the
 * administrator excluded (a device that hangs after a bus reset) is never used on the way
 * out either. Default: PG_RESET_ANY alone. n 0: quiescing never resets.
 * @return 0, -EINVAL (not vfio, n > PG_RESET_MAX_METHODS, an unknown method, ANY mixed).
 */
PG_EXPORT PG_MUST_CHECK int pg_vfio_set_quiesce_resets(struct pg_backend *be,
						       const enum pg_reset_method *methods,
						       unsigned n);

/**
 * Put the device in a safe state: every interrupt type disabled, Bus Master cleared,
 * reset with the allowed methods (pg_vfio_set_quiesce_resets(); a device without one is
 * left so), Bus Master cleared again, every DMA mapping removed.
 * pg_backend_close() calls it unless the backend only ever read (config, BARs, info).
 * Each step runs whatever the previous ones returned.
 * @return 0 or the first negative errno (a missing reset is not an error).
 */
PG_EXPORT PG_MUST_CHECK int pg_vfio_quiesce(struct pg_backend *be);

/**
 * The MSI-X direct-map decision: may the pages holding the MSI-X table and PBA be mapped
 * into the guest instead of trapped? Yes only when all three hold: the mediator allows it
 * (pg_mediator_msix_table_mappable() with the platform's interrupt isolation), the kernel
 * reports VFIO_REGION_INFO_CAP_MSIX_MAPPABLE on the table's BAR, and interrupt remapping is
 * on.
 * @param why out, may be NULL: static text naming the deciding reason
 * @return true to map directly; false (and a reason) otherwise, also for a non-vfio be.
 */
PG_EXPORT bool pg_vfio_msix_direct_map(struct pg_backend *be, const struct pg_mediator *m,
				       const char **why);

/**
 * Bind a device to vfio-pci: driver_override "vfio-pci", unbind from its driver, then
 * drivers_probe; success when vfio-pci holds it (already holding it is success too).
 * Refused before anything is written: host bridges, any bridge (class 06h, header type not
 * 0), and a device whose IOMMU group has another member bound to a driver other than
 * vfio-pci, pci-stub or pcieport (the error names them).
 * @param root sysfs root, NULL for "/sys"
 * @param err  out, may be NULL
 * @return 0; -EINVAL (bad BDF), -ENODEV (no device, no IOMMU group), -EPERM (a bridge),
 *         -EBUSY (group not viable), -ENOENT (vfio-pci not loaded), -EIO (vfio-pci did not
 *         take it), -errno of a sysfs write.
 */
PG_EXPORT PG_MUST_CHECK int pg_vfio_assign(const char *root, const char *bdf,
					   struct pg_vfio_error *err);

/**
 * Give a device back: clear driver_override, unbind from vfio-pci, drivers_probe (a host
 * driver may take it). A device bound to no driver is just re-probed.
 * @return 0; -EINVAL (bad BDF), -ENODEV, -EBUSY (bound to another driver), -errno.
 */
PG_EXPORT PG_MUST_CHECK int pg_vfio_release(const char *root, const char *bdf,
					    struct pg_vfio_error *err);

#ifdef __cplusplus
}
#endif
#endif
