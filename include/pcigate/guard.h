/* SPDX-License-Identifier: GPL-2.0-or-later */
/**
 * @file guard.h
 * @brief Hot-plugged PCI devices quarantined by a kernel gate and authorized by rules.
 *
 * The gate (pcigate-guard(8)): the kernel tries PCI drivers in
 * registration order and checks a driver's dynamic IDs before its static table, so pci-stub,
 * registered before every other loadable PCI driver and given the catch-all dynamic ID
 * "ffffffff ffffffff", claims every device that appears later. pci-stub's probe cannot fail
 * and never enables the device: memory decode and bus master stay off. pg_guard_gate_check()
 * proves the order (/proc/modules lists newest first), arms the catch-all and verifies it
 * (a second write returns EEXIST only while it is armed), and names the built-in drivers
 * that still come first.
 *
 * On that gate, a rule file (pcigate-guard-rules(5)) decides what happens to each new
 * device: allow (bind its driver through driver_override), keep it quarantined, assign it
 * to vfio-pci, or reject it (remove it, or power the slot off). The first matching rule
 * wins; no match keeps the device quarantined.
 *
 * Modules of this header:
 *   rules   YAML loader (strict, positioned errors, like pcigate-policy(5)) and matching
 *   uevent  validation of kernel uevent messages (hostile: any local root process, and in
 *           tests any sender, can forge them; the daemon also checks the sender)
 *   sys     reading a device's identity from sysfs and carrying out actions there; the
 *           sysfs root is a parameter (tests use umockdev's fake tree), "/sys" by default
 *   gate    the module-order proof and the catch-all
 *   daemon  decisions, their persistence, control requests and audit records
 *
 * The library never prints: messages go to the log callback of the daemon object.
 * Thread-safety: objects of this module must not be used from two threads at once; loaded
 * rules are immutable and may be shared.
 */
#ifndef PCIGATE_GUARD_H
#define PCIGATE_GUARD_H

#include <pcigate/export.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- limits -------------------------------------------------------------------------- */

#define PG_GUARD_RULES_VERSION 1u        /**< the only rule file version understood */
#define PG_GUARD_MAX_RULES 1024u         /**< rules per file */
#define PG_GUARD_MAX_FILE (1u << 20)     /**< largest rule file (1 MiB) */
#define PG_GUARD_NAME_LEN 64u            /**< rule name incl. NUL */
#define PG_GUARD_DRIVER_LEN 32u          /**< driver name incl. NUL (kernel: a module name) */
#define PG_GUARD_PATH_LEN 160u           /**< port path incl. NUL: up to 11 BDFs */
#define PG_GUARD_SLOT_LEN 32u            /**< physical slot name incl. NUL */
#define PG_GUARD_IOMMU_LEN 16u           /**< IOMMU domain type incl. NUL */
#define PG_GUARD_MAX_UEVENT 8192u        /**< largest uevent message accepted */
#define PG_GUARD_STUB "pci-stub"         /**< the gate's driver */

/* ---- actions ------------------------------------------------------------------------- */

/** What happens to a device. Names as in rule files and the control protocol. */
enum pg_guard_action {
	PG_GUARD_QUARANTINE = 0, /**< "quarantine": stay with pci-stub (the default) */
	PG_GUARD_ALLOW,          /**< "allow": bind the rule's driver */
	PG_GUARD_ASSIGN,         /**< "assign": bind vfio-pci, for passthrough to a VM */
	PG_GUARD_REJECT,         /**< "reject": remove it (slot power-off where there is one) */
	PG_GUARD__ACTIONS
};

/** "quarantine", "allow", "assign", "reject"; "invalid" otherwise. Static storage. */
PG_EXPORT const char *pg_guard_action_name(enum pg_guard_action a);
/** Parse an action name (exact). @return 0, -EINVAL. @param ret out, on success only. */
PG_EXPORT PG_MUST_CHECK int pg_guard_action_parse(const char *text, enum pg_guard_action *ret);

/* ---- devices ------------------------------------------------------------------------- */

/** What the daemon knows about one PCI function, read from sysfs (pg_guard_sys_read()). */
struct pg_guard_dev {
	char bdf[13];                    /**< "dddd:bb:dd.f" */
	uint16_t vendor, device;
	uint16_t subvendor, subdevice;
	uint32_t class_code;             /**< 24 bits: base, sub, prog-if */
	uint8_t revision;
	bool has_dsn;                    /**< a Device Serial Number capability was read */
	uint64_t dsn;
	char path[PG_GUARD_PATH_LEN];    /**< BDFs from the root port down to the device,
	                                      '/'-separated: "0000:00:1c.0/0000:01:00.0" */
	char slot[PG_GUARD_SLOT_LEN];    /**< physical slot name ("" when none) */
	bool slot_power;                 /**< that slot has a power control file */
	bool removable;                  /**< `removable` reads "removable" (below an
	                                      external-facing port) */
	char iommu[PG_GUARD_IOMMU_LEN];  /**< IOMMU group's domain type ("DMA", "DMA-FQ",
	                                      "identity", ...), "" without a group */
	uint32_t findings;               /**< bit (1 << enum pg_finding_code) per inspect
	                                      finding of the device's config space */
	char driver[PG_GUARD_DRIVER_LEN];/**< bound driver, "" when none */
	uint16_t command;                /**< PCI Command register when read (config 0x04) */
	bool is_vf;                      /**< an SR-IOV virtual function (has `physfn`) */
};

/** True when two reads describe the same device (IDs, class, revision, serial, path). */
PG_EXPORT bool pg_guard_dev_same(const struct pg_guard_dev *a, const struct pg_guard_dev *b);

/* ---- rules --------------------------------------------------------------------------- */

/** Bits of pg_guard_match.have: which conditions a rule has (all must hold). */
enum pg_guard_match_bits {
	PG_GUARD_M_ID = 1u << 0,
	PG_GUARD_M_CLASS = 1u << 1,
	PG_GUARD_M_SUBSYS = 1u << 2,
	PG_GUARD_M_SERIAL = 1u << 3,
	PG_GUARD_M_PORT = 1u << 4,
	PG_GUARD_M_SLOT = 1u << 5,
	PG_GUARD_M_REMOVABLE = 1u << 6,
	PG_GUARD_M_IOMMU = 1u << 7,
	PG_GUARD_M_FINDING = 1u << 8,
	PG_GUARD_M_VF = 1u << 9,
};

/** Conditions of one rule; only those named in have apply. */
struct pg_guard_match {
	uint32_t have;
	uint16_t vendor, device_lo, device_hi;   /**< id: VVVV:DDDD, VVVV:DDDD-DDDD, VVVV:* */
	uint32_t class_value, class_mask;        /**< class: "02", "0c03", "0c0330" */
	uint16_t subvendor, subdevice_lo, subdevice_hi; /**< subsystem: SSSS:TTTT or SSSS:* */
	uint64_t serial;                         /**< serial: DSN "01-23-45-67-89-ab-cd-ef" */
	char port[PG_GUARD_PATH_LEN];            /**< port: a path prefix, whole BDFs */
	char slot[PG_GUARD_SLOT_LEN];            /**< slot: physical slot name */
	bool removable;                          /**< removable: true|false */
	char iommu[PG_GUARD_IOMMU_LEN];          /**< iommu: domain type, "none" = no group */
	uint32_t findings;                       /**< finding: any of these inspect findings */
	bool vf;                                 /**< vf: true|false */
};

/** One rule, plain data owned by its rule set. */
struct pg_guard_rule {
	char name[PG_GUARD_NAME_LEN];            /**< "" when absent */
	enum pg_guard_action action;
	char driver[PG_GUARD_DRIVER_LEN];        /**< allow: required; assign: "vfio-pci" */
	struct pg_guard_match match;
	unsigned line, column;                   /**< 1-based position in the file */
};

/** Opaque rule set. */
struct pg_guard_rules;

/** Why a rule file was rejected (same shape as pg_policy_error). */
struct pg_guard_error {
	unsigned line, column;   /**< 1-based; 0 when not tied to a position */
	char msg[192];
};

/**
 * Parse and validate a rule file held in memory (format: pcigate-guard-rules(5)).
 * Fail-closed: any unknown key, bad value, duplicate or overlong list rejects the file.
 * @param buf borrowed, len bytes (at most PG_GUARD_MAX_FILE), need not be NUL-terminated
 * @param ret out: owned by the caller (pg_guard_rules_free()), on success only
 * @param err out, may be NULL: first problem with its position
 * @return 0; -EINVAL (invalid; err says where and why, or NULL buf/ret); -E2BIG (a limit);
 *         -ENOMEM. Reentrant.
 */
PG_EXPORT PG_MUST_CHECK int pg_guard_rules_load_buf(const void *buf, size_t len,
						    struct pg_guard_rules **ret,
						    struct pg_guard_error *err);

/**
 * Read and validate a rule file; same contract as pg_guard_rules_load_buf().
 * @return also -errno of open/read, -ENODEV for a file that is not regular, -E2BIG.
 */
PG_EXPORT PG_MUST_CHECK int pg_guard_rules_load_file(const char *path,
						     struct pg_guard_rules **ret,
						     struct pg_guard_error *err);

/** Free a rule set; NULL accepted. */
PG_EXPORT void pg_guard_rules_free(struct pg_guard_rules *rules);
/** Number of rules (0 for NULL). */
PG_EXPORT size_t pg_guard_rules_count(const struct pg_guard_rules *rules);
/** Rule i in file order, borrowed; NULL when out of range. */
PG_EXPORT const struct pg_guard_rule *pg_guard_rules_at(const struct pg_guard_rules *rules,
							 size_t i);

/** True when every condition of m holds for dev. Both borrowed, never NULL. */
PG_EXPORT bool pg_guard_match(const struct pg_guard_match *m, const struct pg_guard_dev *dev);

/**
 * The first rule matching dev.
 * @param rules borrowed, may be NULL (no rules: quarantine)
 * @return the rule (borrowed), or NULL when none matches (the caller quarantines).
 */
PG_EXPORT const struct pg_guard_rule *pg_guard_decide(const struct pg_guard_rules *rules,
						       const struct pg_guard_dev *dev);

/**
 * Write a rule (as one YAML list item, two-space indented) that matches dev as tightly as
 * the device allows (id, subsystem, class, serial when present, port path) with action a
 * and driver (may be NULL or "" for actions other than allow).
 * @param buf out; at least 1024 bytes never truncates
 * @return the length snprintf() would have written, or -EINVAL.
 */
PG_EXPORT int pg_guard_rule_format(const struct pg_guard_dev *dev, enum pg_guard_action a,
				   const char *driver, char *buf, size_t size);

/* ---- uevents ------------------------------------------------------------------------- */

/** Uevent actions the daemon handles. */
enum pg_guard_uevent_action {
	PG_UEV_ADD = 0, PG_UEV_REMOVE, PG_UEV_BIND, PG_UEV_UNBIND, PG_UEV_CHANGE,
	PG_UEV_MOVE, PG_UEV_ONLINE, PG_UEV_OFFLINE,
	PG_UEV__COUNT
};

/** A validated kernel uevent of the pci subsystem (other subsystems are not parsed). */
struct pg_guard_uevent {
	enum pg_guard_uevent_action action;
	char devpath[256];           /**< DEVPATH: "/devices/pci0000:00/0000:00:02.0/..." */
	char bdf[13];                /**< PCI_SLOT_NAME, canonical */
	char driver[PG_GUARD_DRIVER_LEN]; /**< DRIVER, "" when absent */
	uint64_t seqnum;
	bool has_ids;                /**< PCI_ID was present */
	uint16_t vendor, device;
	bool has_class;
	uint32_t class_code;         /**< PCI_CLASS */
};

/**
 * Parse one kernel uevent message ("ACTION@DEVPATH\0KEY=VALUE\0...").
 *
 * Every field is checked: the header's action and devpath must equal ACTION and DEVPATH,
 * each key appears at most once, values are printable ASCII of bounded length, numbers
 * have one spelling, PCI_SLOT_NAME is a canonical BDF that is also the last component of
 * DEVPATH, and SUBSYSTEM must be present. Messages in libudev's format (from udevd, not
 * the kernel) are refused.
 * @param buf borrowed, len bytes
 * @param ret out, on success only
 * @return 0 for a pci uevent; -ENOENT for a valid uevent of another subsystem (ignored);
 *         -EINVAL for anything malformed; -E2BIG when len > PG_GUARD_MAX_UEVENT.
 */
PG_EXPORT PG_MUST_CHECK int pg_guard_uevent_parse(const void *buf, size_t len,
						  struct pg_guard_uevent *ret);

/* ---- sysfs --------------------------------------------------------------------------- */

/**
 * Read one device's identity and state from ROOT/bus/pci/devices/BDF (read-only: the
 * config file is read, never written).
 * @param root sysfs root, NULL for "/sys"
 * @param bdf canonical BDF (validated)
 * @param ret out, on success only
 * @return 0; -EINVAL (bad BDF); -ENODEV (no such device); -EIO (an attribute that does
 *         not parse); -ENAMETOOLONG; -errno of a read.
 */
PG_EXPORT PG_MUST_CHECK int pg_guard_sys_read(const char *root, const char *bdf,
					      struct pg_guard_dev *ret);

/** Outcome of an action, for the audit log. */
struct pg_guard_done {
	char driver[PG_GUARD_DRIVER_LEN]; /**< driver bound afterwards ("" none/removed) */
	const char *how;                  /**< static: "bound", "already", "removed",
	                                       "slot-power-off", "kept" */
};

/**
 * Carry out an action on a device in sysfs.
 *
 * Before writing anything, the device is read again and must still be expected (same IDs,
 * class, serial, path: pg_guard_dev_same()); a device swapped in the meantime (TOCTOU, as
 * bolt re-checks unique_id) is refused with -ESTALE and stays quarantined.
 *   allow/assign: driver_override = DRIVER, unbind from the current driver, drivers_probe,
 *                 then the driver link must name DRIVER; else -ENXIO (the driver is not
 *                 loaded or its probe failed, e.g. vfio-pci without an IOMMU) and the
 *                 device is given back to pci-stub (override pci-stub, drivers_probe).
 *   quarantine:   when bound to something else: driver_override = pci-stub, unbind,
 *                 drivers_probe (a device taken back from a driver).
 *   reject:       slots/N/power = 0 when the slot has a power controller, else remove = 1.
 * @param root sysfs root, NULL for "/sys"
 * @param expected borrowed: the device as it was decided on
 * @param driver allow: the driver (required); assign: ignored ("vfio-pci"); else ignored
 * @param ret out, may be NULL
 * @return 0; -EINVAL (bad arguments, allow without a driver, a driver name that is not a
 *         plain name); -ESTALE; -ENOENT (no such driver in ROOT/bus/pci/drivers);
 *         -ENXIO; -errno of a write.
 */
PG_EXPORT PG_MUST_CHECK int pg_guard_sys_act(const char *root,
					     const struct pg_guard_dev *expected,
					     enum pg_guard_action a, const char *driver,
					     struct pg_guard_done *ret);

/* ---- the gate ------------------------------------------------------------------------ */

#define PG_GUARD_MAX_LISTED 32u   /**< drivers listed per category in a gate report */

/** What pg_guard_gate_check() found. */
struct pg_guard_gate {
	bool stub_loaded;          /**< pci-stub is registered (ROOT/bus/pci/drivers/pci-stub) */
	bool stub_builtin;         /**< ... as a built-in driver (its order cannot be proven) */
	bool order_ok;             /**< no loadable PCI driver registered before pci-stub */
	bool armed;                /**< the catch-all is in place, verified by EEXIST */
	bool newly_armed;          /**< this call wrote it */
	/** Loadable PCI drivers registered before pci-stub ("module/driver"): each one wins. */
	char early[PG_GUARD_MAX_LISTED][2 * PG_GUARD_DRIVER_LEN];
	unsigned nearly;
	/** Built-in PCI drivers: registered before every module, they win for what they match. */
	char builtin[PG_GUARD_MAX_LISTED][PG_GUARD_DRIVER_LEN];
	unsigned nbuiltin;
	char why[192];             /**< when not armed: the reason, one line */
};

/**
 * Check the gate and, with arm, install and verify the catch-all.
 *
 * The order proof: /proc/modules (modules_path) lists modules newest first, so every
 * module owning a driver in ROOT/bus/pci/drivers must come before pci_stub. The catch-all
 * is written only when the order holds; armed means a further write returned EEXIST.
 * @param root sysfs root, NULL for "/sys"
 * @param modules_path NULL for "/proc/modules"
 * @param arm write the catch-all (else only verify it)
 * @param ret out, always written
 * @return 0 when armed; -ENOENT (pci-stub not loaded); -ENOTRECOVERABLE (wrong order: the
 *         gate would let those drivers win; ret->early names them); -EPROTO (the write was
 *         accepted twice, so whatever holds new_id is not the kernel's catch-all);
 *         -EAGAIN (not armed and arm was false); -errno of a read or write.
 */
PG_EXPORT PG_MUST_CHECK int pg_guard_gate_check(const char *root, const char *modules_path,
						bool arm, struct pg_guard_gate *ret);

/**
 * modprobe.d text that makes every PCI driver module named in modules.alias load pci-stub
 * first ("softdep MODULE pre: pci-stub"), so the order holds from boot (pcigate-guard(8)).
 * @param alias_path a modules.alias file; borrowed
 * @param ret out: malloc()ed text, owned by the caller, on success only
 * @return 0; -errno of the read; -E2BIG (file over 64 MiB); -ENOMEM.
 */
PG_EXPORT PG_MUST_CHECK int pg_guard_softdeps(const char *alias_path, char **ret);

/* ---- the daemon ---------------------------------------------------------------------- */

/** Log callback: syslog level, one message without newline. */
typedef void (*pg_guard_log_fn)(void *data, int level, const char *msg);
/** Audit callback: one JSON object (a JSON Lines record) without newline. */
typedef void (*pg_guard_audit_fn)(void *data, const char *json);

struct pg_guard_config {
	const char *sysfs_root;      /**< NULL for "/sys" */
	const char *state_path;      /**< decisions file (JSON), NULL: decisions not kept */
	struct pg_guard_rules *rules;/**< owned by the daemon from pg_guard_daemon_new() on;
	                                  NULL = fail closed: quarantine everything */
	const char *rules_error;     /**< why rules is NULL (copied; shown by list/audit) */
	pg_guard_log_fn log;
	pg_guard_audit_fn audit;
	void *data;                  /**< passed to log and audit */
};

struct pg_guard_daemon;

/**
 * Create the daemon state: loads state_path (decisions of an earlier run; a missing file is
 * an empty state, a malformed one is -EINVAL: the caller starts fail-closed).
 * @param cfg borrowed (strings copied); cfg->rules is taken over even on failure
 * @return 0, -EINVAL, -ENOMEM, -errno of reading the state.
 */
PG_EXPORT PG_MUST_CHECK int pg_guard_daemon_new(const struct pg_guard_config *cfg,
						struct pg_guard_daemon **ret);
/** Free; NULL accepted. Never touches devices: the gate stays armed. */
PG_EXPORT void pg_guard_daemon_free(struct pg_guard_daemon *d);

/**
 * Look at every device bound to pci-stub now (at start): apply the kept decision of an
 * earlier run, or the rules (only to devices without a kept decision). Devices bound to
 * other drivers are left alone.
 * @return number of devices acted on, or -errno of listing the devices.
 */
PG_EXPORT PG_MUST_CHECK int pg_guard_daemon_scan(struct pg_guard_daemon *d);

/**
 * Handle one uevent (pg_guard_uevent_parse()) received at t_ns (CLOCK_MONOTONIC).
 * add: read the device; decide; act now if pci-stub holds it, else when its bind arrives.
 * bind: act on a pending device; a driver other than pci-stub on an undecided device is
 * a gate breach (audited with the Command register). remove: forget instance decisions.
 * @return 0 (also when the event is ignored), or a negative errno of the action (audited).
 */
PG_EXPORT int pg_guard_daemon_uevent(struct pg_guard_daemon *d,
				     const struct pg_guard_uevent *ev, uint64_t t_ns);

/** A peer of the control socket. */
struct pg_guard_peer {
	uid_t uid;
	gid_t gid;
	const gid_t *groups;   /**< supplementary groups (SO_PEERGROUPS), may be NULL */
	size_t ngroups;
};

/**
 * Handle one control request ("list", "allow BDF [driver=NAME] [permanent]", "assign BDF
 * [permanent]", "reject BDF [permanent]", "quarantine BDF [permanent]").
 * Authorization: uid 0, or allowed_gid (unless (gid_t)-1) as primary or supplementary group.
 * @param req borrowed, len bytes (at most 512, printable ASCII)
 * @param ret out: malloc()ed reply text, first line "ok" or "error: REASON"
 * @return 0 when a reply was made (also for refused requests); -ENOMEM.
 */
PG_EXPORT PG_MUST_CHECK int pg_guard_daemon_request(struct pg_guard_daemon *d,
						    const struct pg_guard_peer *peer,
						    gid_t allowed_gid, const char *req, size_t len,
						    char **ret);

#ifdef __cplusplus
}
#endif
#endif
