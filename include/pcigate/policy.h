/* SPDX-License-Identifier: GPL-2.0-or-later */
/**
 * @file policy.h
 * @brief Per-device policy files: which profile a device gets and what is opened beyond it.
 *
 * A policy file is YAML (format reference: pcigate-policy(5)). It lists device entries,
 * each selected by a match key and carrying a profile, capability additions/removals, extra
 * register rules, reset preferences and a few "do not use" flags:
 *
 *     version: 1
 *     devices:
 *       - match: "8086:15b8"
 *         profile: guest
 *         capabilities: { add: [vpd], remove: [ext:aer] }
 *         registers:
 *           - { offset: 0x41, size: 1, access: read, mask: 0x0f }
 *           - { offset: 0xa0, size: 4, emulate: 0 }
 *         reset: { prefer: [flr, pm], avoid: [bus] }
 *         flags: [no-msix-mmap]
 *
 * Loading is fail-closed: the file is hostile (it may come from an untrusted management
 * layer), so every key, type, value and count is validated and the first problem rejects
 * the whole file with a position and a reason. There is never a partially loaded policy.
 * Validation is device-independent: it does not know which capabilities a device has or
 * where they sit. The mediator applies a rule to a real device and may refuse more.
 *
 * Lookup precedence (most specific wins), see pg_policy_lookup_device():
 *   1. tier: slot:BDF  >  vendor:device:subvendor:subdevice@rev
 *            >  vendor:device:subvendor:subdevice  >  vendor:device@rev  >  vendor:device
 *            >  class:BBSS  >  class:BBxx
 *   2. within a tier, the narrower device range (an exact device ID is a range of one).
 * Validation guarantees that this choice is unique: the same key twice is an error, and two
 * keys of one tier with the same subsystem/revision whose device ranges overlap must be
 * nested (one strictly inside the other), never partially overlapping.
 *
 * Thread-safety: a loaded policy is immutable; it and the entries it hands out may be read
 * from any number of threads until pg_policy_free().
 */
#ifndef PCIGATE_POLICY_H
#define PCIGATE_POLICY_H

#include <pcigate/export.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <pcigate/backend.h> /* enum pg_reset_method */

#ifdef __cplusplus
extern "C" {
#endif


/* ---- limits: a hostile file cannot make the loader allocate more than these allow ----- */

#define PG_POLICY_VERSION 1u             /**< the only format version understood */
#define PG_POLICY_MAX_FILE (1u << 20)    /**< largest policy text accepted (1 MiB) */
#define PG_POLICY_MAX_ENTRIES 1024u      /**< device entries per file */
#define PG_POLICY_MAX_REGS 64u           /**< register rules per entry */
#define PG_POLICY_MAX_CAPS 32u           /**< capabilities per add or remove list */
#define PG_POLICY_MAX_SCALAR 256u        /**< longest scalar (key or value), bytes */
#define PG_POLICY_NAME_LEN 64u           /**< entry name buffer incl. NUL (63 characters) */
#define PG_POLICY_MAX_RESET 3u           /**< distinct reset methods (flr, pm, bus) */
#define PG_POLICY_MAX_FILES 64u          /**< files in a policy directory */

/* ---- profiles ------------------------------------------------------------------------- */

/**
 * How much of a device a peer may touch (pcigate-policy(5), PROFILES). Shared with the
 * mediator, which compiles a register table per profile.
 */
enum pg_profile {
	PG_PROFILE_GUEST = 0,     /**< "guest": untrusted VM; allow-listed caps, virtual BARs/IDs */
	PG_PROFILE_DEVICE_MODEL,  /**< "device-model": guest + interrupt enable bits */
	PG_PROFILE_PERMISSIVE,    /**< "permissive": escape hatch, every broadened write audited */
	PG_PROFILE__COUNT
};

/** Stable name of a profile ("guest", "device-model", "permissive"); "invalid" if unknown. */
PG_EXPORT const char *pg_profile_name(enum pg_profile profile);

/**
 * Parse a profile name (exact, lower case).
 * @param name borrowed, NUL-terminated
 * @param ret  out: the profile, written only on success
 * @return 0, or -EINVAL (NULL argument or unknown name).
 */
PG_EXPORT PG_MUST_CHECK int pg_profile_parse(const char *name, enum pg_profile *ret);

/* ---- entry contents (plain data) ------------------------------------------------------ */

/** What a match key selects on. */
enum pg_policy_match_kind {
	PG_POLICY_MATCH_IDS = 0,   /**< "VVVV:DEVICE[:SSSS:TTTT][@RR]" */
	PG_POLICY_MATCH_CLASS,     /**< "class:BBSS" or "class:BBxx" */
	PG_POLICY_MATCH_SLOT,      /**< "slot:DDDD:BB:DD.F" */
};

/**
 * Which devices an entry applies to. IDs compare exactly; only the device ID may be a range.
 * The ID fields are meaningful only for PG_POLICY_MATCH_IDS; class_code/class_any_sub only
 * for PG_POLICY_MATCH_CLASS; slot only for PG_POLICY_MATCH_SLOT.
 */
struct pg_policy_match {
	uint8_t kind;               /**< enum pg_policy_match_kind */
	uint16_t class_code;        /**< base class << 8 | subclass (subclass 0 when any) */
	bool class_any_sub;         /**< "class:BBxx": any subclass of the base class */
	char slot[13];              /**< canonical "DDDD:BB:DD.F" */
	uint16_t vendor;            /**< never 0xffff (that is "no device") */
	uint16_t device_lo;         /**< inclusive range of device IDs; lo == hi for one ID, */
	uint16_t device_hi;         /**< 0x0000..0xffff for "*" */
	bool has_subsys;            /**< subvendor/subdevice are part of the key */
	uint16_t subvendor;
	uint16_t subdevice;
	bool has_revision;          /**< revision is part of the key */
	uint8_t revision;
};

/** A capability named in a policy: (extended, id) as in enum pg_cap_id / pg_ecap_id. */
struct pg_policy_cap {
	bool extended;
	uint16_t id;                /**< never 0 (the Null capability); always a known ID */
};

#define PG_POLICY_ACCESS_READ 0x1u  /**< guest reads of the covered bits see the hardware */
#define PG_POLICY_ACCESS_WRITE 0x2u /**< guest writes of the covered bits reach the hardware */

/**
 * One extra register rule, opened on top of the profile.
 *
 * Guaranteed by validation: size is 1, 2 or 4; offset % size == 0; offset + size <= 4096;
 * the bytes lie outside the part of the standard header a policy may never open (see the
 * man page: everything in 0x00-0x3f except Cache Line Size 0x0c, Latency Timer 0x0d and
 * BIST 0x0f); mask and value fit in size bytes; rules of one entry never share a byte.
 */
struct pg_policy_reg {
	uint16_t offset;            /**< config offset of the first byte */
	uint8_t size;               /**< 1, 2 or 4 bytes */
	uint8_t access;             /**< PG_POLICY_ACCESS_* bits; 0 exactly when emulate */
	uint32_t mask;              /**< access rules: covered bits, non-zero (default all of
	                                 size); emulate rules: all bits of size */
	bool emulate;               /**< reads return value, writes are dropped */
	uint32_t value;             /**< the emulated value (0 for access rules) */
	unsigned line;              /**< 1-based line of the rule in the file, for messages */
};

/**
 * Other "do not use" flags. Bits of pg_policy_entry.flags; names as in the file.
 * Each narrows what pcigate does with the device, never broadens it.
 */
enum pg_policy_flag {
	PG_POLICY_F_NO_MSIX_MMAP = 1u << 0, /**< "no-msix-mmap": never map the pages holding the
	                                         MSI-X table/PBA directly; trap every access */
	PG_POLICY_F_NO_INTX = 1u << 1,      /**< "no-intx": hide INTx (Interrupt Pin reads 0) */
	PG_POLICY_F_NO_ROM = 1u << 2,       /**< "no-rom": hide the expansion ROM (reads 0) */
	PG_POLICY_F_NO_D3 = 1u << 3,        /**< "no-d3": never put the device into D3hot */
	PG_POLICY_F_NO_EXT_CFG = 1u << 4,   /**< "no-ext-cfg": extended config space (0x100+)
	                                         reads as zero and ignores writes */
	PG_POLICY_F_RESET_REQUIRED = 1u << 5, /**< "reset-required": a VMM reset (QEMU's
	                                         DEVICE_RESET) that cannot be carried out ends
	                                         the connection and quiesces the device, instead
	                                         of being refused to the VMM while serving goes
	                                         on (docs/serve.md, "Resets") */
};
#define PG_POLICY_F__ALL 0x3fu              /**< every defined flag bit */

/** Bit of pg_policy_entry.reset_avoid for a method. */
#define PG_POLICY_RESET_BIT(m) (1u << (unsigned)(m))

/**
 * One device entry. Plain data owned by the policy: valid until pg_policy_free(), never
 * modified after loading. Arrays are NULL when their count is 0.
 */
struct pg_policy_entry {
	struct pg_policy_match match;
	char name[PG_POLICY_NAME_LEN];          /**< optional "name:"; "" when absent */
	enum pg_profile profile;                /**< "profile:", default PG_PROFILE_GUEST */

	const struct pg_policy_cap *cap_add;    /**< exposed even if the profile hides them */
	size_t n_cap_add;                       /**< <= PG_POLICY_MAX_CAPS */
	const struct pg_policy_cap *cap_remove; /**< hidden even if the profile exposes them */
	size_t n_cap_remove;                    /**< <= PG_POLICY_MAX_CAPS; disjoint from add */

	const struct pg_policy_reg *regs;       /**< sorted by offset, non-overlapping */
	size_t nregs;                           /**< <= PG_POLICY_MAX_REGS */

	/** Methods to try, in order: PG_RESET_FLR, PG_RESET_PM or PG_RESET_BUS, no repeats.
	 *  Empty (n_reset_prefer == 0): the backend's own order when nothing is avoided,
	 *  else FLR, PM, bus without the avoided ones (pg_mediator_reset_methods()). */
	enum pg_reset_method reset_prefer[PG_POLICY_MAX_RESET];
	uint8_t n_reset_prefer;
	uint32_t reset_avoid;                   /**< PG_POLICY_RESET_BIT()s never to use; disjoint
	                                             from reset_prefer. Enforced: the backend is
	                                             handed only the other methods, and a reset
	                                             with none left is refused */
	uint32_t flags;                         /**< enum pg_policy_flag bits */

	unsigned line;                          /**< 1-based position of the entry in the file */
	unsigned column;
	const char *file;                       /**< pg_policy_load_dir(): the file holding the
	                                             entry, owned by the policy; NULL when the
	                                             policy came from one file or buffer */
	uint16_t file_index;                    /**< index of file in the directory's order */
};

/** Opaque loaded policy; free with pg_policy_free(). */
struct pg_policy;

/** Why a policy was rejected. */
struct pg_policy_error {
	unsigned line;              /**< 1-based; 0 when not tied to a position (I/O, size) */
	unsigned column;            /**< 1-based; 0 when line is 0 */
	char msg[192];              /**< reason, NUL-terminated, no trailing newline */
};

/* ---- loading -------------------------------------------------------------------------- */

/**
 * Parse and validate a policy held in memory.
 *
 * @param buf  borrowed; the YAML text, need not be NUL-terminated (an embedded NUL is an
 *             error, as YAML forbids it)
 * @param len  bytes in buf, at most PG_POLICY_MAX_FILE
 * @param ret  out: the new policy on success, owned by the caller (pg_policy_free());
 *             untouched on failure
 * @param err  out, may be NULL: on failure, the first problem found (position and reason)
 * @return 0; -EINVAL for a malformed or invalid policy (err says where and why) or NULL
 *         buf/ret; -E2BIG when a limit is exceeded (text size, entries, rules, list
 *         lengths; err says which); -ENOMEM.
 * Thread-safety: reentrant.
 */
PG_EXPORT PG_MUST_CHECK int pg_policy_load_buf(const void *buf, size_t len,
					       struct pg_policy **ret,
					       struct pg_policy_error *err);

/**
 * Read, parse and validate a policy file. Same contract as pg_policy_load_buf().
 *
 * @param path borrowed; must name a regular file of at most PG_POLICY_MAX_FILE bytes
 * @param ret  out, as for pg_policy_load_buf()
 * @param err  out, may be NULL; for I/O errors line 0 and a short reason
 * @return as pg_policy_load_buf(), plus -errno from open/fstat/read (-ENOENT, -EACCES,
 *         -EISDIR, ...), -ENODEV when path is not a regular file (FIFO, device: never
 *         read, so a hostile path cannot block the loader), -E2BIG when it is too large.
 */
PG_EXPORT PG_MUST_CHECK int pg_policy_load_file(const char *path, struct pg_policy **ret,
						struct pg_policy_error *err);

/**
 * Read a policy directory as one policy: every NAME.yaml (not hidden) in byte-wise lexical
 * order, entries merged. Precedence is the file format's across files as within one, and
 * the uniqueness checks (duplicate keys, partly overlapping ranges) run across files, so
 * file order never decides which entry applies (pcigate-policy(5), POLICY DIRECTORY).
 * Entries carry their file (pg_policy_entry.file).
 *
 * @param dir      borrowed, the directory
 * @param ret      out: the policy, owned by the caller; NULL (with return 0) when dir does
 *                 not exist, meaning "no policy"; a policy with no entries when dir holds
 *                 no policy file (the same for every lookup)
 * @param err      out, may be NULL: position and reason, as pg_policy_load_file()
 * @param bad      out, may be NULL: the path of the file err is about (or dir)
 * @param bad_size bytes at bad
 * @return 0; the errors of pg_policy_load_file() for a bad file; -EINVAL for keys that
 *         clash across files; -E2BIG beyond PG_POLICY_MAX_FILES files or
 *         PG_POLICY_MAX_ENTRIES entries in all; -errno when dir cannot be read.
 */
PG_EXPORT PG_MUST_CHECK int pg_policy_load_dir(const char *dir, struct pg_policy **ret,
					       struct pg_policy_error *err, char *bad,
					       size_t bad_size);

/**
 * Whether pg_policy_load_dir() reads a directory entry of this name: NAME.yaml whose name
 * does not start with a dot (README, x.yaml.dpkg-old, .x.yaml.swp are ignored), so a
 * checker can list what is read and what is not by the loader's own rule.
 * @param name borrowed, a file name without directory; NULL is false
 * Thread-safety: pure.
 */
PG_EXPORT bool pg_policy_dir_reads(const char *name);

/** The default policy directory, SYSCONFDIR/pcigate/policy.d (fixed at build time). */
PG_EXPORT const char *pg_policy_default_dir(void);

/** Free a policy and every entry it owns; NULL is accepted. */
PG_EXPORT void pg_policy_free(struct pg_policy *policy);

/* ---- querying ------------------------------------------------------------------------- */

/** Number of device entries (0 for a valid file with an empty list, or NULL policy). */
PG_EXPORT size_t pg_policy_count(const struct pg_policy *policy);

/**
 * Entry i in file order.
 * @return borrowed from policy, or NULL when policy is NULL or i >= pg_policy_count().
 */
PG_EXPORT const struct pg_policy_entry *pg_policy_entry_at(const struct pg_policy *policy,
							    size_t i);

/**
 * The most specific entry matching a device known only by its IDs: class and slot keys
 * never match (pg_policy_lookup_device() for those).
 * @param policy borrowed, may be NULL (no match)
 * @return borrowed from policy, or NULL when no entry matches (the caller then applies its
 *         default, which for pcigate is the guest profile with nothing opened).
 * Thread-safety: reentrant; O(number of entries).
 */
PG_EXPORT const struct pg_policy_entry *pg_policy_lookup(const struct pg_policy *policy,
							  uint16_t vendor, uint16_t device,
							  uint16_t subvendor, uint16_t subdevice,
							  uint8_t revision);

/** Value of pg_policy_device.class_code when the class is not known: no class key matches. */
#define PG_POLICY_CLASS_UNKNOWN 0xffffffffu

/** A concrete device to look up: everything a key may select on. Nothing is guessed: a
 *  field the caller does not know makes the keys that need it not match. */
struct pg_policy_device {
	uint16_t vendor, device;
	uint16_t subvendor, subdevice;  /**< config 0x2c/0x2e (type 0 header) */
	uint8_t revision;
	uint32_t class_code;            /**< 24-bit base:sub:prog-if (config 0x09-0x0b), or
	                                     PG_POLICY_CLASS_UNKNOWN */
	char slot[13];                  /**< canonical BDF, or "" when not known */
};

/**
 * The most specific entry matching a concrete device, by IDs, class and slot (precedence
 * in the file comment above).
 * @param policy borrowed, may be NULL (no match)
 * @param dev    borrowed, may be NULL (no match)
 * @return borrowed from policy, or NULL when no entry matches.
 * Thread-safety: reentrant; O(number of entries).
 */
PG_EXPORT const struct pg_policy_entry *pg_policy_lookup_device(const struct pg_policy *policy,
								 const struct pg_policy_device *dev);

/** True when m matches dev (ignores precedence). Both borrowed, never NULL. */
PG_EXPORT bool pg_policy_match_dev(const struct pg_policy_match *m,
				   const struct pg_policy_device *dev);

/** True when m, an ID key, matches the device (ignores precedence); class and slot keys
 *  never match here. m borrowed, never NULL. */
PG_EXPORT bool pg_policy_match_device(const struct pg_policy_match *m, uint16_t vendor,
				      uint16_t device, uint16_t subvendor, uint16_t subdevice,
				      uint8_t revision);

/**
 * Canonical text of a match key, as accepted by the file: "8086:15b8", "8086:1500-15ff",
 * "8086:*", "8086:15b8:17aa:2233@03", "class:0200", "class:02xx", "slot:0000:03:00.0"
 * (lower-case hex).
 * @param buf out, at least 32 bytes to never truncate
 * @return the length snprintf() would have written.
 */
PG_EXPORT int pg_policy_match_format(const struct pg_policy_match *m, char *buf, size_t size);

/**
 * Parse a capability as written in a policy: a short name ("msix", "pcie", "vpd"), an
 * extended one with "ext:" ("ext:aer", "ext:sriov"), or a number ("0x03", "ext:0x01").
 * Case-insensitive. Only IDs pcigate knows are accepted, and never the Null ID 0.
 * @param text borrowed
 * @param ret  out, written only on success
 * @return 0, -EINVAL (unknown or malformed).
 */
PG_EXPORT PG_MUST_CHECK int pg_policy_cap_parse(const char *text, struct pg_policy_cap *ret);

/** Short policy name of a capability ("msix", "ext:aer"), or NULL when it has none. */
PG_EXPORT const char *pg_policy_cap_name(bool extended, uint16_t id);

/** Policy name of a reset method ("flr", "pm", "bus"; "any" for PG_RESET_ANY). */
PG_EXPORT const char *pg_policy_reset_name(enum pg_reset_method m);

/** Policy name of one flag bit ("no-msix-mmap"), or NULL if not exactly one defined bit. */
PG_EXPORT const char *pg_policy_flag_name(uint32_t flag);

/* ---- generating ----------------------------------------------------------------------- */

struct pg_cfg_layout;
struct pg_inspect_result;

/**
 * A starting policy for one device (`pcigate policy generate`): one entry matching the
 * device's vendor:device (plus its subsystem IDs for a type 0 header, never the revision,
 * so a new stepping of the same board keeps its entry), named after desc, with the guest
 * profile and nothing opened. Comments list the device's capabilities (which the guest
 * profile shows and which it hides) and the inspect findings, so that anything opened later
 * is opened deliberately. The text always passes pg_policy_load_buf().
 *
 * @param layout borrowed, the parsed config space
 * @param r      borrowed, may be NULL: pg_inspect() findings for layout, listed as comments
 * @param desc   borrowed, may be NULL: a description for the entry's name; characters the
 *               name may not hold are dropped, it is cut to 63 characters
 * @param ret    out: NUL-terminated YAML, owned by the caller (free())
 * @return 0, -EINVAL (NULL layout or ret), -ENOMEM, -E2BIG (text beyond 16 KiB).
 * Thread-safety: reentrant.
 */
PG_EXPORT PG_MUST_CHECK int pg_policy_generate(const struct pg_cfg_layout *layout,
					       const struct pg_inspect_result *r,
					       const char *desc, char **ret);

#ifdef __cplusplus
}
#endif
#endif
