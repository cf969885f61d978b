/* SPDX-License-Identifier: GPL-2.0-or-later */
/**
 * @file mediator.h
 * @brief The mediator: for every guest access to config space (and to the MSI-X table and
 * PBA in the BARs) decide what reaches the hardware, then act through a backend.
 *
 * A mediator is compiled once per device from a snapshot of its config space (read through
 * the backend), a profile and an optional policy entry. Compilation builds a register
 * table: one row per register with typed bit masks (pass to hardware, RW1C, virtual,
 * read-only, RsvdP, RsvdZ, denied) and an optional side-effect hook. One dispatcher splits
 * every 1-, 2- or 4-byte access across rows and gaps; lookup is O(1) through a per-byte
 * index built at compile time.
 *
 * Decide, then act (architecture invariant 2). pg_mediator_decide_read() and
 * pg_mediator_decide_write() never touch the device: a read decision names the hardware
 * bits to fetch and the virtual bits to merge; a write decision is a list of effects
 * (config read-modify-write, BAR write, interrupt routing, reset, BAR mapping, PM state,
 * state restore). Deciding updates the mediator's virtual registers (the guest's view) and
 * emits audit records, but performs no device I/O. pg_mediator_apply() is the executor:
 * it carries out config/BAR writes and resets through the backend and hands the effects
 * only a VMM can carry out (interrupts, mappings, PM) to the caller's effect callback.
 * pg_mediator_cfg_read()/pg_mediator_cfg_write() and the BAR pair decide and act in one call.
 *
 * Default deny (invariant 1). A byte no row covers, and every byte of a hidden capability,
 * reads as 0x00 and ignores writes; every such write is audited with rule "default-deny"
 * or "hidden-cap:<name>". 0x00 rather than Xen's ~0: an all-ones byte in the capability
 * area looks like a broken chain (capability ID 0xff) or a present-but-unknown register to
 * lspci and guest drivers, whereas 0x00 is what an absent, unimplemented register reads on
 * real hardware, keeps `lspci -xxx` of the guest view readable and never suggests a
 * capability or BAR that is not there. Reads of such bytes are not audited (the fixed value
 * discloses nothing and PCI cores scan every byte); they are counted (reads_fixed). A
 * hidden first extended capability keeps an ID-0 placeholder header at 0x100 that links
 * the visible ones (the list must start there): it reads as that header, and every write
 * to it is dropped and audited as "hidden-cap:<name>" like any other hidden byte.
 *
 * Profiles (enum pg_profile, declared in policy.h):
 * - guest: the capabilities PM, MSI, MSI-X and a filtered PCI Express capability are
 *   visible; every other standard and every extended capability is hidden (unlinked).
 *   IDs, class, revision, subsystem, BARs, ROM, Interrupt Line, capability pointers and
 *   the MSI/MSI-X message registers are virtual. What reaches the hardware: Command
 *   Memory/I/O/Bus Master; INTx Disable as (guest value OR MSI/MSI-X enabled); the RW1C
 *   error bits of Status and PCIe Device Status; PM PowerState (as an effect-carrying write)
 *   and Data_Select; PCIe Device Control error-reporting enables, Relaxed Ordering, Extended
 *   Tag and No Snoop; Device Control 2 Completion Timeout, AtomicOp Requester and IDO.
 *   Everything else is virtual, read-only or refused (the source files say why per bit).
 *   An extended capability a policy adds is read-only, except AER (status RW1C, masks the
 *   device had clear, capable ECRC enables; severity virtual, logs read 0), LTR and L1 PM
 *   Substates controls (virtual), Power Budgeting Data Select, and the host-owned
 *   controls listed under permissive; docs/mediation.md has the rules.
 * - device-model: the guest rules, except that the only bits that ever reach the hardware
 *   are MSI Enable, MSI-X Enable and Function Mask, and INTx Disable, each written only
 *   when its hardware value changes (a refused or repeated enable writes nothing). One
 *   interrupt type at a time: MSI Enable is refused while MSI-X is enabled and vice versa;
 *   INTx counts as disabled while MSI/MSI-X is enabled, so Linux's order (enable MSI-X,
 *   then set INTx Disable) succeeds. Command Memory/I/O/Bus Master become virtual (the host
 *   enables the device when it assigns it); their changes still produce PG_EFFECT_BAR_MAP
 *   effects. The toolstack, not the device model, owns resets: a guest FLR request (PCIe
 *   Device Control Initiate FLR, AF Control) is refused, with no reset or restore, and
 *   audited with rule "device-model:reset"; D3hot -> D0 yields no PG_EFFECT_RESTORE.
 *   pg_mediator_reset() stays available to the toolstack/VMM.
 * - permissive: every capability is visible; every bit the guest profile would drop goes
 *   to the hardware instead and is audited with verdict PG_AUDIT_PERMISSIVE (gap bytes on
 *   every write, register bits when a write changes them); gap bytes also read from the
 *   hardware, bytes of hidden capabilities stay hidden. What stays mediated: BARs and
 *   ROM (virtual), capability IDs and next pointers (virtual, so hiding keeps working),
 *   MSI/MSI-X message registers and enables (interrupt routing), PM state (effects), FLR
 *   (always a reset effect, never a raw write), and the extended controls the host owns:
 *   Resizable BAR sizes, SR-IOV controls and VF BARs (read 0), ATS, PASID and PRI enables,
 *   ACS controls (refused and audited as denied; docs/mediation.md).
 *
 * Hide on failure: a capability whose handler fails to initialise (registers out of range,
 * overlapping, invalid MSI-X BIR/offset/size, ...) is hidden and a diagnostic goes to the
 * log callback; the device is still served.
 *
 * Threat model: the guest/device model is hostile (any offset, size, value, sequence); the
 * device is hostile (its snapshot was parsed by the hostile-safe cfg parser; capability
 * registers are range-checked before rows are registered); the backend's BAR sizes are
 * validated (power of two, minimum per kind) before BAR sizing is emulated from them.
 *
 * Thread-safety: a mediator must not be used from two threads at once (it shares the
 * backend, which has the same rule). Callbacks are called synchronously from the calling
 * thread, never after pg_mediator_free() returns, and must not call back into the same
 * mediator.
 */
#ifndef PCIGATE_MEDIATOR_H
#define PCIGATE_MEDIATOR_H

#include <pcigate/export.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <pcigate/backend.h>
#include <pcigate/policy.h> /* enum pg_profile, struct pg_policy_entry */

#ifdef __cplusplus
extern "C" {
#endif


struct pg_mediator;

/** Fixed value read from unhandled bytes and from bytes of hidden capabilities. */
#define PG_MEDIATOR_DENY_BYTE 0x00u
/** Most effects one access can produce. The worst case is a Command write that toggles
 *  decode and remaps every BAR (config write + 7 BAR_MAP) plus the Status write beside it. */
#define PG_MEDIATOR_MAX_EFFECTS 16u
/** Guest-visible value of an MSI-X table access the mediator refuses (misaligned, bad size). */
#define PG_MEDIATOR_BAD_ACCESS 0xffffffffffffffffull

/* ---- audit ------------------------------------------------------------------------------ */

/** What happened to an audited access. Names: "denied", "permissive", "suppressed". */
enum pg_audit_verdict {
	PG_AUDIT_DENIED = 0,   /**< dropped: the profile refuses it */
	PG_AUDIT_PERMISSIVE,   /**< reached the hardware only because the profile is permissive */
	PG_AUDIT_SUPPRESSED,   /**< summary record: `suppressed` records were rate-limited away */
	PG_AUDIT__COUNT
};

/** Which address space an access targets. Names: "cfg", "bar". */
enum pg_access_space {
	PG_SPACE_CFG = 0,
	PG_SPACE_BAR,
};

/**
 * One audit record. Handed to the audit callback; every pointer is borrowed and valid only
 * during the callback (copy what you keep).
 */
struct pg_audit_record {
	struct timespec time;           /**< from the clock callback (default CLOCK_REALTIME) */
	const char *device;             /**< device name (config name or the backend's name) */
	enum pg_profile profile;
	enum pg_access_space space;
	uint8_t bar;                    /**< BAR index for PG_SPACE_BAR, else 0 */
	uint64_t offset;                /**< config offset, or offset within the BAR */
	uint8_t size;                   /**< access size in bytes (0 in a summary record) */
	uint64_t value;                 /**< value the guest wrote (0 in a summary record) */
	enum pg_audit_verdict verdict;
	/** Stable id of the rule that decided: a row id ("hdr.command", "msi.control",
	 *  "pcie.devctl", "policy:12", ...), "default-deny", "hidden-cap:<name>",
	 *  "msix-table-access", "msix-pba", "irq-exclusive", "no-d3", "device-model:reset",
	 *  "reset:avoided", "reset:unsupported", or "rate-limit" in a summary record.
	 *  Never NULL. */
	const char *rule;
	uint64_t suppressed;            /**< summary records: how many records were not emitted */
};

/** Audit sink. Called synchronously; must not call into the mediator. */
typedef void (*pg_audit_fn)(void *data, const struct pg_audit_record *rec);

/** Clock source for audit timestamps and rate limiting. Return 0 or a negative errno (then
 *  the mediator uses a zero timestamp and does not refill the bucket). */
typedef int (*pg_clock_fn)(void *data, struct timespec *ret);

/**
 * Token bucket per device: `burst` records may be emitted at once, refilled at `per_sec`
 * records per second. burst == 0 disables rate limiting. Records that find the bucket
 * empty are counted, never lost: when the bucket has a token again, a PG_AUDIT_SUPPRESSED
 * summary record stating how many were suppressed is emitted before the next record (or
 * by pg_mediator_audit_flush()).
 */
struct pg_audit_rate {
	uint32_t burst;
	uint32_t per_sec;
};

/** Per-device counters. Every audited access is counted whether or not it was emitted. */
struct pg_audit_counters {
	uint64_t denied;       /**< verdict PG_AUDIT_DENIED */
	uint64_t permissive;   /**< verdict PG_AUDIT_PERMISSIVE */
	uint64_t emitted;      /**< records handed to the callback (summaries included) */
	uint64_t suppressed;   /**< records withheld by the rate limiter (total, ever) */
	uint64_t summaries;    /**< PG_AUDIT_SUPPRESSED summary records emitted */
	uint64_t reads_fixed;  /**< reads of unhandled/hidden bytes answered with the fixed value */
};

/** Stable name of a verdict ("denied", "permissive", "suppressed"); "invalid" otherwise. */
PG_EXPORT const char *pg_audit_verdict_name(enum pg_audit_verdict verdict);

/**
 * Format a record as one line of JSON (JSON Lines; no trailing newline), for example
 * {"time":"2025-01-02T03:04:05.000000123Z","device":"0000:01:00.0","profile":"guest",
 *  "space":"cfg","offset":65,"size":1,"value":255,"verdict":"denied","rule":"default-deny"}
 * ("bar" is added for PG_SPACE_BAR, "suppressed" for summary records).
 * @param rec borrowed
 * @param ret out: malloc()ed NUL-terminated string owned by the caller (free())
 * @return 0, -EINVAL (NULL argument), -ENOMEM.
 * Thread-safety: reentrant.
 */
PG_EXPORT PG_MUST_CHECK int pg_audit_record_to_json(const struct pg_audit_record *rec,
						     char **ret);

/* ---- effects ---------------------------------------------------------------------------- */

/** Interrupt types. Names: "none", "intx", "msi", "msix". */
enum pg_irq_type {
	PG_IRQ_NONE = 0,
	PG_IRQ_INTX,
	PG_IRQ_MSI,
	PG_IRQ_MSIX,
};

/** pg_irq_effect.vector for a function-wide change (enable, function mask, MME). */
#define PG_IRQ_ALL_VECTORS 0xffffu

/** An interrupt-routing change the VMM must carry out (guest-programmed values). */
struct pg_irq_effect {
	enum pg_irq_type type;
	bool enabled;          /**< MSI/MSI-X Enable; INTx: !INTx Disable (guest view) */
	bool function_masked;  /**< MSI-X Function Mask */
	uint16_t vector;       /**< MSI-X table entry, MSI vector 0, or PG_IRQ_ALL_VECTORS */
	uint16_t nvectors;     /**< MSI: 1 << Multiple Message Enable; MSI-X: table size */
	bool masked;           /**< this vector's mask (MSI mask bit 0 / MSI-X Vector Control) */
	uint64_t addr;         /**< guest-programmed message address (MSI, MSI-X entry) */
	uint32_t data;         /**< guest-programmed message data */
	uint32_t msi_mask;     /**< MSI: the per-vector mask bits (0 when not maskable) */
};

enum pg_effect_kind {
	/** Config read-modify-write, executed through the backend:
	 *  new = (cur & ~(write_mask | rw1c_mask)) | (value & write_mask); when write_mask
	 *  covers every bit of size and rw1c_mask adds nothing the current value is not read. */
	PG_EFFECT_CFG_WRITE = 0,
	/** BAR write to a register beside the MSI-X table/PBA, executed through the backend. */
	PG_EFFECT_BAR_WRITE,
	/** Interrupt routing changed: handed to the effect callback. */
	PG_EFFECT_IRQ,
	/** Guest requested a function reset (FLR in PCIe DevCtl or AF Control; never in the
	 *  device-model profile, which refuses the request). The executor resets through
	 *  the backend with the allowed method order (policy "prefer", else FLR, PM, bus;
	 *  minus "avoid"); when no method is allowed or the backend has none of them the
	 *  reset fails (-EPERM or -EOPNOTSUPP from pg_mediator_apply()) and is audited with
	 *  rule "reset:avoided" or "reset:unsupported". On success it restores the host-owned config
	 *  (BARs, ROM), reinitialises the virtual registers, then tells the callback.
	 *  Every guest BAR mapping and interrupt route is void afterwards (the virtual BARs
	 *  read 0, MSI/MSI-X are disabled, MSI-X entries masked). */
	PG_EFFECT_RESET,
	/** A memory/I/O BAR's guest mapping changed (address or decode): effect callback. */
	PG_EFFECT_BAR_MAP,
	/** Power state changed (the PMCSR write itself is a separate PG_EFFECT_CFG_WRITE):
	 *  effect callback, e.g. to tear down direct BAR mappings when leaving D0. */
	PG_EFFECT_PM_STATE,
	/** D3hot -> D0 without No_Soft_Reset: the function lost its state. The executor
	 *  rewrites the host-owned config (BARs, ROM) and the Command bits the guest drives on
	 *  hardware (device-model: INTx Disable only), then tells the
	 *  callback (which should re-program interrupts). */
	PG_EFFECT_RESTORE,
};

/** One effect of a write decision. Which member of u is valid follows from kind. */
struct pg_effect {
	enum pg_effect_kind kind;
	union {
		struct {
			uint16_t off;         /**< aligned to size */
			uint8_t size;         /**< 1, 2 or 4 */
			uint32_t value;
			uint32_t write_mask;  /**< bits taken from value */
			uint32_t rw1c_mask;   /**< RW1C bits of the register: written 0 unless
			                           in write_mask (so nothing is cleared by accident) */
		} cfg;
		struct {
			uint8_t bar;
			uint8_t size;         /**< 1, 2, 4 or 8 */
			uint64_t off;
			uint64_t value;
		} bar;
		struct pg_irq_effect irq;
		struct {
			/** the methods policy allows, in order of preference, for
			 *  pg_backend_reset_list(): PG_RESET_ANY alone when the policy names
			 *  none (neither prefer nor avoid) */
			enum pg_reset_method methods[PG_RESET_MAX_METHODS];
			uint8_t nmethods;     /**< 0: policy avoids every method: refused */
			const char *why;      /**< static: "pcie-flr", "af-flr" or "vmm" */
			uint16_t off;         /**< register that requested it (0: the VMM) */
			uint8_t size;         /**< its size (0: the VMM) */
			uint32_t value;       /**< the request bit written (0: the VMM) */
		} reset;
		struct {
			uint8_t bar;          /**< 0..5, or PG_CFG_ROM_BAR */
			bool io;              /**< I/O BAR */
			bool mapped;          /**< decode on and a real address programmed */
			uint64_t guest_addr;  /**< guest-programmed base */
			uint64_t size;
		} map;
		struct {
			uint8_t from, to;     /**< D-states 0..3 */
			bool no_soft_reset;
		} pm;
	} u;
};

/** Effect sink for the kinds only a VMM can carry out (IRQ, BAR_MAP, PM_STATE, and the
 *  notifications after RESET/RESTORE). Return 0 or a negative errno, which
 *  pg_mediator_apply() returns after stopping. */
typedef int (*pg_effect_fn)(void *data, const struct pg_effect *effect);

/** Log sink with syslog levels (LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG); msg has no
 *  trailing newline and starts with the device name. */
typedef void (*pg_mediator_log_fn)(void *data, int level, const char *msg);

/* ---- decisions -------------------------------------------------------------------------- */

/** A read decision. Final value = (hardware & hw_mask) | value. */
struct pg_read_decision {
	enum pg_access_space space;
	uint8_t bar;           /**< PG_SPACE_BAR: the BAR to read */
	uint64_t off;          /**< hardware access (the guest's offset and size) */
	uint8_t size;
	uint64_t hw_mask;      /**< bits (of the size-byte value) to fetch from the hardware;
	                            0: the read does not touch the device */
	uint64_t value;        /**< the virtual bits (zero within hw_mask) */
};

/** A write decision: effects in execution order. */
struct pg_write_decision {
	unsigned neffects;
	struct pg_effect effects[PG_MEDIATOR_MAX_EFFECTS];
};

/* ---- configuration ---------------------------------------------------------------------- */

/** Optional overrides of the emulated identity (header 0x00-0x2f); a set flag uses the value. */
struct pg_mediator_ids {
	bool has_vendor, has_device, has_subsys, has_class, has_revision;
	uint16_t vendor, device, subvendor, subdevice;
	uint32_t class_code;   /**< base << 16 | sub << 8 | prog-if */
	uint8_t revision;
};

/**
 * Options (bits of pg_mediator_config.options): transport limits that change what the
 * guest sees, and executor modes. They are part of the one decision every frontend shares
 * (`pcigate view --transport qemu72` prints what `pcigate serve` serves), never applied
 * beside the mediator.
 *
 * Transport limits of QEMU 7.2's x-pci-proxy-dev (docs/serve.md): its proxy sizes
 * BARs with an int and a 32-bit mask, registers every BAR as 32-bit and never maps the
 * expansion ROM. Each is logged (LOG_WARNING when something is hidden, LOG_INFO for the
 * 32-bit view) at creation.
 */
/** Hide the expansion ROM (the ROM register reads 0 and ignores writes), as the policy
 *  flag no-rom does. */
#define PG_MEDIATOR_OPT_NO_ROM 0x1u
/** Show a 64-bit memory BAR as a 32-bit one: type bits 2:1 read 0 and its upper dword
 *  reads 0 and ignores writes, so the guest keeps it below 4 GiB (the host's upper half is
 *  still restored after a reset). A 64-bit BAR larger than 2 GiB is hidden. */
#define PG_MEDIATOR_OPT_BARS_32BIT 0x2u
/** Hide BARs of 2 GiB or more (the register reads 0 and ignores writes). */
#define PG_MEDIATOR_OPT_MAX_BAR_2G 0x4u
/** Hide I/O BARs smaller than 16 bytes (QEMU 7.2 sizes I/O BARs with mask 0xfffffff0). */
#define PG_MEDIATOR_OPT_MIN_IO_BAR_16 0x8u
/** No extended config space: 0x100 and above read 0 and ignore writes, as the policy flag
 *  no-ext-cfg does (QEMU 7.2's proxy forwards the first 256 bytes only). */
#define PG_MEDIATOR_OPT_NO_EXT_CFG 0x20u
/** Every QEMU 7.2 proxy limit: what pg_proto_dev_new() requires. */
#define PG_MEDIATOR_TRANSPORT_QEMU72 (PG_MEDIATOR_OPT_NO_ROM | PG_MEDIATOR_OPT_BARS_32BIT | \
				      PG_MEDIATOR_OPT_MAX_BAR_2G | PG_MEDIATOR_OPT_MIN_IO_BAR_16 | \
				      PG_MEDIATOR_OPT_NO_EXT_CFG)
/**
 * Read-only executor: nothing is ever written to the device. Decisions are the same
 * (virtual registers update, audit records are emitted), but pg_mediator_apply() drops
 * config writes, BAR writes, resets and restores; BAR reads outside the virtual MSI-X
 * table and PBA read all ones without touching the device; pg_mediator_reset() does
 * nothing and returns 0 (the virtual registers keep their values). How a live host device
 * opened read-only is served.
 */
#define PG_MEDIATOR_OPT_READONLY 0x10u
#define PG_MEDIATOR_OPT__ALL 0x3fu

/** How to build a mediator. Initialise with pg_mediator_config_init(). */
struct pg_mediator_config {
	enum pg_profile profile;              /**< used when policy is NULL */
	/** Borrowed during pg_mediator_new() only (everything needed is copied); may be NULL.
	 *  When set, its profile replaces `profile`, and its capability additions/removals,
	 *  register rules, reset preferences and flags apply. */
	const struct pg_policy_entry *policy;
	const struct pg_mediator_ids *ids;    /**< borrowed during pg_mediator_new(); may be NULL */
	const char *name;                     /**< copied; NULL: the backend's name */
	pg_mediator_log_fn log;               /**< may be NULL (diagnostics dropped) */
	void *log_data;
	pg_audit_fn audit;                    /**< may be NULL (records only counted) */
	void *audit_data;
	pg_effect_fn effect;                  /**< may be NULL (VMM effects ignored) */
	void *effect_data;
	pg_clock_fn clock;                    /**< NULL: clock_gettime(CLOCK_REALTIME) */
	void *clock_data;
	struct pg_audit_rate rate;            /**< default {burst 20, per_sec 5} */
	unsigned options;                     /**< PG_MEDIATOR_OPT_* bits; default 0 */
	/**
	 * 0 (default), or the size of an expansion ROM the VMM serves from its own memory
	 * (QEMU's romfile=, whose ROM BAR QEMU maps itself): a power of two from 2 KiB to
	 * 16 MiB, else pg_mediator_new() fails with -EINVAL. The guest then sees a virtual
	 * ROM BAR of this size in place of the device's own ROM, which stays hidden and is
	 * never touched (its register is not restored after a reset; the ROM never reaches
	 * the device through the BAR path). The ROM BAR sizes, takes an address and its
	 * enable bit like any ROM BAR (PCI 3.0 §6.2.5.2), so the guest and the VMM's copy
	 * of the register (QEMU's shadow, which decides where QEMU maps the file) agree.
	 * Shown whatever PG_MEDIATOR_OPT_NO_ROM and the policy's no-rom say: both hide the
	 * device's ROM, and this is not the device's. Logged at LOG_INFO.
	 */
	uint32_t vmm_rom_size;
};

/** Fill cfg with defaults: guest profile, no policy, no callbacks, rate {20, 5}. */
PG_EXPORT void pg_mediator_config_init(struct pg_mediator_config *cfg);

/* ---- lifecycle -------------------------------------------------------------------------- */

/**
 * Build a mediator for the device behind a backend: snapshot its config space and BAR
 * info through the backend (reads only), parse it, compile the register table.
 *
 * @param be   borrowed; must outlive the mediator and must not be used by anyone else
 *             while the mediator uses it
 * @param cfg  borrowed; NULL means pg_mediator_config_init() defaults
 * @param ret  out: the mediator, owned by the caller (pg_mediator_free()); set on success only
 * @return 0; -EINVAL (NULL be/ret, profile out of range, unknown option bits, a header
 *         type other than 0,
 *         config shorter than 64 bytes or a type 0 header cut short); -ENODEV (the config
 *         space reads all 0xff, i.e. no function answers: absent, surprise-removed, in
 *         D3cold or a master abort; or all 0x00: there is no device to serve, so none is
 *         invented with IDs ffff:ffff); -EEXIST when a policy register rule overlaps a
 *         register the mediator must keep (capability registers it mediates); -ENOMEM;
 *         a negative errno from the backend's snapshot. A refused device (its header,
 *         its config length, no device, a policy overlap) is explained through the log
 *         callback (LOG_ERR).
 * Capability problems are not errors: the capability is hidden and logged.
 */
PG_EXPORT PG_MUST_CHECK int pg_mediator_new(struct pg_backend *be,
					    const struct pg_mediator_config *cfg,
					    struct pg_mediator **ret);

/** Free a mediator (the backend is not closed); NULL is accepted. Pending audit summaries
 *  are flushed to the audit callback first. */
PG_EXPORT void pg_mediator_free(struct pg_mediator *m);

/** The profile the mediator was compiled for. */
PG_EXPORT enum pg_profile pg_mediator_profile(const struct pg_mediator *m);

/** The PG_MEDIATOR_OPT_* bits the mediator was built with (0 for NULL). */
PG_EXPORT unsigned pg_mediator_options(const struct pg_mediator *m);

/** The device name used in audit records and logs; never NULL, borrowed from m. */
PG_EXPORT const char *pg_mediator_name(const struct pg_mediator *m);

/* ---- config space: decide, act ---------------------------------------------------------- */

/**
 * Decide a config read. Pure with respect to device I/O.
 * @param off, size  the guest access: size 1, 2 or 4, the bytes within one dword
 *                   (off % 4 + size <= 4) and off + size <= the device's config length
 * @param ret  out
 * @return 0, -EINVAL (bad size, crossing a dword, beyond config length, NULL argument).
 */
PG_EXPORT PG_MUST_CHECK int pg_mediator_decide_read(struct pg_mediator *m, uint16_t off,
						    uint8_t size,
						    struct pg_read_decision *ret);

/**
 * Decide a config write: update the virtual registers, emit audit records, and return the
 * effects to execute. Never touches the device.
 * @param value  the guest's value (bits above size * 8 are ignored)
 * @param ret    out: effects (possibly none)
 * @return 0, -EINVAL (as pg_mediator_decide_read()); -ENOSPC if the effects would not fit
 *         (cannot happen with the built-in rows; logged as an internal error).
 */
PG_EXPORT PG_MUST_CHECK int pg_mediator_decide_write(struct pg_mediator *m, uint16_t off,
						     uint8_t size, uint32_t value,
						     struct pg_write_decision *ret);

/**
 * The executor: carry out a decision's effects in order. Config and BAR writes and resets
 * go through the backend; IRQ, BAR_MAP and PM_STATE go to the effect callback; RESET and
 * RESTORE are executed and then passed to the callback.
 * @param d borrowed
 * @return 0; the first negative errno from the backend or the callback (later effects are
 *         not executed: the caller should fail closed, e.g. quarantine the device).
 */
PG_EXPORT PG_MUST_CHECK int pg_mediator_apply(struct pg_mediator *m,
					      const struct pg_write_decision *d);

/**
 * Decide and perform a config read (the hardware is read only for hw_mask bits).
 * @param val out: the guest-visible value, set on success only
 * @return 0, -EINVAL, or a negative errno from the backend.
 */
PG_EXPORT PG_MUST_CHECK int pg_mediator_cfg_read(struct pg_mediator *m, uint16_t off,
						 uint8_t size, uint32_t *val);

/** Decide and apply a config write. @return as decide_write() and apply(). */
PG_EXPORT PG_MUST_CHECK int pg_mediator_cfg_write(struct pg_mediator *m, uint16_t off,
						  uint8_t size, uint32_t value);

/* ---- BAR path (MSI-X table and PBA) ----------------------------------------------------- */

/**
 * Decide a read at off within BAR bar (0..5). Accesses inside the MSI-X table are
 * answered from the virtual table (only aligned 4- or 8-byte accesses; others read
 * PG_MEDIATOR_BAD_ACCESS truncated to size and are audited "msix-table-access"); a PBA
 * read fetches from the device only the Pending Bits of vectors below Table Size (hw_mask;
 * the other bits read 0, and an access holding none of them does not touch the device);
 * any other offset passes through to the backend.
 * @param bar  0..5, a BAR the guest sees (implemented, accepted size; not the high half of
 *              a 64-bit BAR)
 * @param size 1, 2, 4 or 8, off aligned to size, off + size within the BAR
 * @return 0; -EINVAL (bar > 5, bad size or alignment, NULL argument); -ENXIO (a BAR the
 *         guest does not see: absent, hidden, the high half of a 64-bit BAR); -ERANGE
 *         (beyond the BAR's size).
 */
PG_EXPORT PG_MUST_CHECK int pg_mediator_bar_decide_read(struct pg_mediator *m, unsigned bar,
							uint64_t off, uint8_t size,
							struct pg_read_decision *ret);

/**
 * Decide a BAR write: MSI-X table entries are virtual (unmasking an entry while MSI-X is
 * enabled, or changing an unmasked entry, yields a PG_EFFECT_IRQ); PBA writes are dropped
 * and audited; other offsets yield a PG_EFFECT_BAR_WRITE.
 * @return as pg_mediator_bar_decide_read().
 */
PG_EXPORT PG_MUST_CHECK int pg_mediator_bar_decide_write(struct pg_mediator *m, unsigned bar,
							 uint64_t off, uint8_t size,
							 uint64_t value,
							 struct pg_write_decision *ret);

/** Decide and perform a BAR read. @param val out, set on success only. */
PG_EXPORT PG_MUST_CHECK int pg_mediator_bar_read(struct pg_mediator *m, unsigned bar,
						 uint64_t off, uint8_t size, uint64_t *val);

/** Decide and apply a BAR write. */
PG_EXPORT PG_MUST_CHECK int pg_mediator_bar_write(struct pg_mediator *m, unsigned bar,
						  uint64_t off, uint8_t size, uint64_t value);

/**
 * May the page(s) holding the MSI-X table be mapped straight into the guest (instead of
 * trapping every access)? Only when the platform isolates MSIs (interrupt remapping /
 * isolated-MSI IOMMU: a guest-written table entry then cannot target another domain's
 * interrupts, the check vfio makes at group attach), MSI-X is visible, and the policy
 * does not set no-msix-mmap.
 * @param platform_irq_isolation  the caller verified interrupt isolation on this host
 * @param why  out, may be NULL: static text explaining the answer
 * @return true when direct mapping is acceptable.
 */
PG_EXPORT bool pg_mediator_msix_table_mappable(const struct pg_mediator *m,
					       bool platform_irq_isolation, const char **why);

/* ---- state accessors (for frontends and tests) ------------------------------------------ */

/** Guest view of one BAR. */
struct pg_mediator_bar {
	enum pg_bar_kind kind;   /**< PG_BAR_NONE when not implemented or hidden */
	bool prefetchable;
	uint64_t size;           /**< bytes (validated power of two), 0 when none */
	uint64_t guest_addr;     /**< address the guest programmed (flags masked off) */
	bool decode;             /**< Command Memory (or I/O) enabled, or ROM enable for the ROM */
	bool mapped;             /**< decode on and the address is not a sizing pattern */
};

/**
 * Guest view of BAR bar (0..5, PG_CFG_ROM_BAR). For the high half of a 64-bit BAR the
 * kind is PG_BAR_MEM64_HI and the rest is zero; look at the low half.
 * @param ret out, set on success only
 * @return 0, -EINVAL (bar out of range, NULL argument).
 */
PG_EXPORT PG_MUST_CHECK int pg_mediator_bar_guest(const struct pg_mediator *m, unsigned bar,
						  struct pg_mediator_bar *ret);

/** Guest view of one MSI-X table entry. */
struct pg_mediator_msix_entry {
	uint64_t addr;
	uint32_t data;
	bool masked;             /**< Vector Control bit 0 */
};

/**
 * One MSI-X table entry as the guest programmed it.
 * @return 0, -ENOENT (MSI-X hidden or absent), -EINVAL (index >= table size, NULL argument).
 */
PG_EXPORT PG_MUST_CHECK int pg_mediator_msix_entry(const struct pg_mediator *m,
						   uint16_t index,
						   struct pg_mediator_msix_entry *ret);

/** True when the capability (extended, id) is present and visible in the guest view. */
PG_EXPORT bool pg_mediator_cap_visible(const struct pg_mediator *m, bool extended, uint16_t id);

/** The interrupt type the guest has enabled (MSI-X, then MSI, then INTx unless disabled or
 *  no pin, else none). */
PG_EXPORT enum pg_irq_type pg_mediator_irq_type(const struct pg_mediator *m);

/** Copy the audit counters. @param ret out, never NULL. */
PG_EXPORT void pg_mediator_counters(const struct pg_mediator *m,
				    struct pg_audit_counters *ret);

/** Emit a pending rate-limit summary record now (if any records were suppressed since the
 *  last summary), regardless of the bucket. */
PG_EXPORT void pg_mediator_audit_flush(struct pg_mediator *m);

/**
 * Reset the function on behalf of the VMM (e.g. QEMU's DEVICE_RESET): reset through the
 * backend with the allowed method order (pg_mediator_reset_methods()), restore the
 * host-owned config and reinitialise every virtual register to its compiled value.
 * Equivalent to applying a PG_EFFECT_RESET with why "vmm".
 * @return 0; -EPERM when the policy allows no method; -EOPNOTSUPP when the backend has
 *         none of the allowed methods (both audited, rule "reset:avoided" /
 *         "reset:unsupported", offset 0 size 0); another negative errno from the backend or
 *         the effect callback. The virtual registers are reinitialised in every case.
 */
PG_EXPORT PG_MUST_CHECK int pg_mediator_reset(struct pg_mediator *m);

/**
 * The reset methods the backend may use for this device, in order: the policy's "prefer"
 * list, else FLR, PM, bus; minus "avoid"; PG_RESET_ANY alone when the policy names none.
 * For callers that reset through the backend themselves (quiescing on shutdown).
 * @param ret out: the methods; entries beyond the returned count are untouched
 * @return the number of methods (0: the policy allows none, do not reset), -EINVAL.
 */
PG_EXPORT PG_MUST_CHECK int pg_mediator_reset_methods(const struct pg_mediator *m,
						      enum pg_reset_method ret[PG_RESET_MAX_METHODS]);

#ifdef __cplusplus
}
#endif
#endif
