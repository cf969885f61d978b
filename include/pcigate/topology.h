/* SPDX-License-Identifier: GPL-2.0-or-later */
/**
 * @file topology.h
 * @brief Where a live PCI function sits: the facts a passthrough user checks first.
 *
 * For a function of this machine, read from sysfs only: its IOMMU group and the group's
 * other members (what must be passed through, or left unbound, together), the driver bound
 * to it, the kernel's reset methods (`reset_method`), the bridges above it, and whether
 * Access Control Services isolate it upstream, judged by the rule the Linux kernel uses to
 * form IOMMU groups (every bridge between the function and the root must have ACS Source
 * Validation, Request Redirect, Completion Redirect and Upstream Forwarding enabled where it
 * implements them; Linux pci_acs_path_enabled() with REQ_ACS_FLAGS).
 *
 * What is read: the symlinks ROOT/bus/pci/devices/BDF (the device path, whose components
 * name the bridges above), BDF/iommu_group, BDF/driver, the directory
 * ROOT/kernel/iommu_groups/N/devices, the text attribute BDF/reset_method, and the
 * `config` attribute of the function and of each bridge above it (read-only; without
 * CAP_SYS_ADMIN Linux returns only 64 bytes, so ACS, an extended capability, is then
 * unknown). Never written, never a BAR (`resourceN`), never a reset or an unbind.
 *
 * Threats: sysfs is the kernel's, but ROOT may be a test tree or a crafted directory.
 * Every link target and attribute is length-bounded, names must be canonical BDFs or
 * decimal group numbers, walks are bounded (PG_TOPO_MAX_DEPTH bridges,
 * PG_TOPO_MAX_GROUP members, PG_TOPO_MAX_SCAN directory entries), regular files only.
 *
 * Thread-safety: reentrant; no global state.
 */
#ifndef PCIGATE_TOPOLOGY_H
#define PCIGATE_TOPOLOGY_H

#include <pcigate/cfg.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PG_TOPO_MAX_DEPTH 32u   /**< bridges above a function */
#define PG_TOPO_MAX_GROUP 128u  /**< IOMMU group members listed */
#define PG_TOPO_MAX_SCAN 4096u  /**< directory entries examined in an IOMMU group */
#define PG_TOPO_DRIVER_LEN 64u
#define PG_TOPO_RESET_LEN 128u

/** ACS as the kernel's IOMMU grouping sees the path from a function to the root. */
enum pg_topo_acs {
	PG_TOPO_ACS_ISOLATED = 0, /**< every bridge above isolates (or none needs to) */
	PG_TOPO_ACS_GAP,          /**< a bridge above does not: peers below it share a group */
	PG_TOPO_ACS_UNKNOWN,      /**< a bridge's extended config could not be read */
};

/** Whether the host remaps interrupts (pg_topo_irq_remap()). */
enum pg_topo_irq_remap {
	PG_TOPO_IR_UNKNOWN = 0,   /**< not read (a test sysfs tree), or unreadable */
	PG_TOPO_IR_ON,            /**< an interrupt-remapping irqchip is in use */
	PG_TOPO_IR_OFF,           /**< none: a device could forge MSIs to any vector */
};

/** One bridge above a function. */
struct pg_topo_bridge {
	char bdf[13];
	bool pcie;              /**< has a PCI Express capability */
	uint8_t port_type;      /**< enum pg_pcie_type when pcie */
	bool multifunction;
	bool ext_readable;      /**< more than 256 config bytes were readable */
	bool has_acs;           /**< ACS extended capability present */
	uint16_t acs_cap, acs_ctrl;
	bool needs_acs;         /**< the rule checks this bridge (see pg_topo_bridge_judge()) */
	bool known;             /**< the verdict is known (false: config too short to tell) */
	bool isolates;          /**< ACS enabled as the rule requires; false when unknown */
	const char *why;        /**< static: why it does not isolate, "" when it does */
};

/** A function and its surroundings. */
struct pg_topo_dev {
	char bdf[13];
	uint16_t vendor, device;        /**< from its config (0 when unreadable) */
	uint32_t class_code;
	char parent[13];                /**< nearest bridge above, "" on a root bus */
	char driver[PG_TOPO_DRIVER_LEN];/**< bound driver, "" when none */
	int iommu_group;                /**< -1: in no IOMMU group (no IOMMU, or not enabled) */
	unsigned ngroup;                /**< members listed, this function included, sorted */
	bool group_truncated;           /**< more than PG_TOPO_MAX_GROUP members */
	char group[PG_TOPO_MAX_GROUP][13];
	bool has_reset_method;          /**< the kernel exposes reset_method (Linux >= 5.15) */
	char reset_method[PG_TOPO_RESET_LEN]; /**< its contents, e.g. "flr bus"; "" = none */
	unsigned nupstream;
	struct pg_topo_bridge upstream[PG_TOPO_MAX_DEPTH]; /**< nearest first */
	enum pg_topo_acs acs;
	unsigned acs_at;                /**< GAP/UNKNOWN: index in upstream of the first cause */
	/** Host interrupt remapping (pg_topo_irq_remap()), read only when the root is the real
	 *  /sys (NULL): a test tree has no /proc of its own, so it stays UNKNOWN there. */
	enum pg_topo_irq_remap irq_remap;
	const char *irq_remap_why;      /**< static text: how irq_remap was decided */
};

/**
 * Read a live function's surroundings from sysfs.
 * @param root sysfs root, NULL for "/sys"; ROOT/bus/pci/devices must fit in 1023 bytes
 * @param bdf  canonical or short BDF (pg_bdf_parse())
 * @param ret  out: written on success only (a large struct: heap or static storage)
 * @return 0; -EINVAL (NULL arguments, malformed BDF); -ENODEV (no such device); -E2BIG
 *         (more than PG_TOPO_MAX_DEPTH bridges above it); -ENAMETOOLONG; -EIO (a link or
 *         attribute that does not parse); -ENOMEM; -errno from reading the device link.
 *         Missing optional attributes (iommu_group, driver, reset_method) are not errors;
 *         neither is an unreadable bridge config (its ACS is then unknown).
 */
PG_EXPORT PG_MUST_CHECK int pg_topo_read(const char *root, const char *bdf,
					 struct pg_topo_dev *ret);

/**
 * pg_topo_read() for a function whose config the caller has already read and parsed (a
 * live `inspect` reads it once through its backend): the vendor, device and class code
 * are taken from @p own, and the function's own `config` attribute is not read again
 * (each dword of a sysfs config read is a config cycle in the kernel). The bridges'
 * configs are still read, as by pg_topo_read().
 * @param root as pg_topo_read()
 * @param bdf  as pg_topo_read()
 * @param own  borrowed; the function's parsed config, or NULL to read it (= pg_topo_read())
 * @param ret  out: written on success only
 * @return as pg_topo_read(). Reentrant.
 */
PG_EXPORT PG_MUST_CHECK int pg_topo_read_with(const char *root, const char *bdf,
					      const struct pg_cfg_layout *own,
					      struct pg_topo_dev *ret);

/**
 * Judge one bridge from its parsed config, by the kernel's rule (Linux pci_acs_enabled()
 * with SV | RR | CR | UF): a root or downstream port must enable those of the four it
 * implements; an upstream port or endpoint only when it is multi-function; a PCIe-to-PCI
 * bridge and a conventional bridge never isolate (no ACS is defined for them).
 * @param l   borrowed; the bridge's config
 * @param ret out: every member but bdf is set
 * @return 0 or -EINVAL (NULL arguments). Reentrant.
 */
PG_EXPORT PG_MUST_CHECK int pg_topo_bridge_judge(const struct pg_cfg_layout *l,
						 struct pg_topo_bridge *ret);

/** "isolated", "gap" or "unknown". Static storage. */
PG_EXPORT const char *pg_topo_acs_name(enum pg_topo_acs acs);

/* ---- single facts (one home for each: the vfio backend and `assign` use these) ------- */

/**
 * IOMMU group of a device and its other members with their drivers, as one line.
 * @param root    sysfs root, NULL for "/sys"
 * @param bdf     canonical or short BDF
 * @param group   out: the group number
 * @param members out: "0000:00:1f.0 (lpc_ich), 0000:00:1f.3 (no driver)" (truncated to
 *                cap), or "no other member is listed"
 * @return 0, -EINVAL (NULL argument, cap 0, malformed BDF), -ENODEV (no such device, or
 *         in no IOMMU group), -ENAMETOOLONG, -errno from opening the tree.
 */
PG_EXPORT PG_MUST_CHECK int pg_iommu_group(const char *root, const char *bdf, int *group,
					   char *members, size_t cap);

/**
 * IOMMU group of a device and every member (itself included), sorted canonical BDFs.
 * @param members out: max entries; written on success only
 * @param ret_n   out: members written
 * @return 0, -EINVAL, -ENODEV (no such device, or in no IOMMU group), -E2BIG (more than
 *         max members, or more than PG_TOPO_MAX_GROUP), -ENOMEM, -errno from opening the
 *         tree.
 */
PG_EXPORT PG_MUST_CHECK int pg_iommu_group_list(const char *root, const char *bdf, int *group,
						char (*members)[13], size_t max,
						size_t *ret_n);

/**
 * Name of the driver bound to a device (ROOT/bus/pci/devices/BDF/driver); a name that is
 * not a short identifier reads "?".
 * @param out at least PG_TOPO_DRIVER_LEN (64) bytes: "" when unbound
 * @return 0, -EINVAL, -ENODEV (no such device), -errno from opening the tree.
 */
PG_EXPORT PG_MUST_CHECK int pg_pci_driver(const char *root, const char *bdf, char out[64]);

/**
 * Whether the host remaps interrupts: an "IR-" irqchip in PROC/interrupts is on; none is
 * off (why says whether allow_unsafe_interrupts is set); an unreadable file is unknown.
 * With allow_unsafe_interrupts off a vfio type1
 * container attach fails without remapping, so an open vfio device proves it on its own
 * (the vfio backend says so).
 * @param root      sysfs root for the module parameter, NULL for "/sys"
 * @param proc_root NULL for "/proc"
 * @param why       out, may be NULL: static text
 * Reentrant.
 */
PG_EXPORT enum pg_topo_irq_remap pg_topo_irq_remap(const char *root, const char *proc_root,
						   const char **why);

/** "on", "off" or "unknown". Static storage. */
PG_EXPORT const char *pg_topo_irq_remap_name(enum pg_topo_irq_remap state);

/** Whether vfio_iommu_type1's allow_unsafe_interrupts is set (ROOT/module/...; NULL root:
 *  "/sys"). pcigate never sets it. */
PG_EXPORT bool pg_topo_unsafe_interrupts(const char *root);

#ifdef __cplusplus
}
#endif
#endif
