/* SPDX-License-Identifier: GPL-2.0-or-later */
/**
 * @file inspect.h
 * @brief Passthrough-safety findings, pci.ids names and reports (text and JSON).
 *
 * pg_inspect() looks at a parsed layout and lists the reasons a device may be unsafe or
 * troublesome to pass through to a VM, each with a severity and a one-line why. Reports
 * render identity, header, BARs, capabilities with key fields, diagnostics and findings.
 * The JSON schema is documented in docs/json-schema.md and is stable: fields are only
 * added, never renamed or removed, within a schema_version.
 */
#ifndef PCIGATE_INSPECT_H
#define PCIGATE_INSPECT_H

#include <pcigate/backend.h>
#include <pcigate/cfg.h>
#include <pcigate/topology.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PG_JSON_SCHEMA_VERSION 2
#define PG_INSPECT_MAX_FINDINGS 32u

enum pg_severity {
	PG_SEV_INFO = 0,   /**< worth knowing, no action needed */
	PG_SEV_LOW,        /**< minor risk or a feature that needs care */
	PG_SEV_MEDIUM,     /**< real risk: needs a policy decision or a quirk */
	PG_SEV_HIGH,       /**< do not pass through as is */
};

/** Finding codes; stable kebab-case names via pg_finding_name(). Append only. */
enum pg_finding_code {
	PG_FIND_BRIDGE = 0,        /**< "bridge": a bridge is not assignable */
	PG_FIND_CHAIN_MALFORMED,   /**< "cap-chain-malformed": loop, bad pointer, overlap... */
	PG_FIND_MSIX_SHARED_PAGE,  /**< "msix-shared-page": table/PBA page holds other registers */
	PG_FIND_NO_RESET,          /**< "no-reset": no FLR and no PM reset (NoSoftRst+) */
	PG_FIND_VENDOR_CAP,        /**< "vendor-specific-cap": opaque vendor registers */
	PG_FIND_ATS_PRI_PASID,     /**< "ats-pri-pasid": device-side address translation */
	PG_FIND_SRIOV_PF,          /**< "sriov-pf": physical function of SR-IOV */
	PG_FIND_NO_ACS,            /**< "no-acs": downstream port / multi-function without ACS */
	PG_FIND_HEADER_CLASS,      /**< "header-class-mismatch": bridge header vs class */
	PG_FIND_CFG_SHORT,         /**< "cfg-short": fewer bytes than the header claims */
	PG_FIND_HEADER_UNSUPPORTED,/**< "header-unsupported": CardBus or unknown header type */
	PG_FIND_NO_DEVICE,         /**< "no-device": config reads all ones */
	PG_FIND_MSIX_INVALID,      /**< "msix-invalid": MSI-X table/PBA outside a usable BAR */
	PG_FIND_IOMMU_SHARED,      /**< "iommu-group-shared": other functions in its IOMMU group
	                                (live devices, pg_inspect_topology()) */
	PG_FIND_ACS_GAP,           /**< "acs-gap": a bridge above does not isolate it (live) */
	PG_FIND__COUNT
};

struct pg_finding {
	enum pg_finding_code code;
	enum pg_severity severity;
	uint16_t offset;           /**< config offset it concerns, 0 when device-wide */
	char why[160];             /**< one line, no trailing newline */
};

struct pg_inspect_result {
	struct pg_finding findings[PG_INSPECT_MAX_FINDINGS];
	unsigned nfindings;
	enum pg_severity worst;    /**< highest severity found; PG_SEV_INFO when none */
};

/**
 * Compute passthrough findings for a layout.
 * @param layout borrowed
 * @param out    out: overwritten
 * @return 0 or -EINVAL (NULL arguments). Reentrant.
 */
PG_EXPORT PG_MUST_CHECK int pg_inspect(const struct pg_cfg_layout *layout,
				       struct pg_inspect_result *out);

/**
 * Add the findings only a live device's surroundings tell (pg_topo_read()):
 * "iommu-group-shared" (medium) when its IOMMU group holds other functions, which must
 * be passed through with it or left unbound, and "acs-gap" (medium) when a bridge above
 * does not isolate it by the kernel's rule. Nothing is added for a device that does not
 * answer (no-device), nor for a bridge. The findings stay sorted, worst updated.
 * @param topo   borrowed
 * @param layout borrowed; the device's parsed config
 * @param r      in/out: the result of pg_inspect() for layout
 * @return 0 or -EINVAL (NULL arguments). Reentrant.
 */
PG_EXPORT PG_MUST_CHECK int pg_inspect_topology(const struct pg_topo_dev *topo,
						const struct pg_cfg_layout *layout,
						struct pg_inspect_result *r);

/** Stable kebab-case name of a finding code ("no-reset"); "unknown" if out of range.
 *  Static storage. Reentrant. */
PG_EXPORT const char *pg_finding_name(enum pg_finding_code code);
/** One line saying what to do about a finding of this code (no-acs: "pass through only
 *  with its whole IOMMU group, ..."); "" if out of range. For people: the wording may
 *  change. Static storage. Reentrant. */
PG_EXPORT const char *pg_finding_remedy(enum pg_finding_code code);
/** "info", "low", "medium" or "high"; "unknown" if out of range. Static storage. */
PG_EXPORT const char *pg_severity_name(enum pg_severity sev);
/** Parse "info"/"low"/"medium"/"high" in any case ("HIGH", as text reports print it)
 *  into *ret (written on success only); -EINVAL otherwise or for NULL arguments.
 *  Reentrant. */
PG_EXPORT PG_MUST_CHECK int pg_severity_parse(const char *text, enum pg_severity *ret);

/* ---- names from pci.ids (through libpci) --------------------------------------------- */

struct pg_names;

/**
 * Open the pci.ids database through libpci.
 * @return 0, -ENOMEM. A missing pci.ids is not an error: lookups then return NULL.
 * Not thread-safe: one pg_names per thread.
 */
PG_EXPORT PG_MUST_CHECK int pg_names_open(struct pg_names **ret);

/**
 * Like pg_names_open() but with an explicit ID file instead of the system pci.ids (tests,
 * a newer pci.ids shipped elsewhere).
 * @param path borrowed; copied. A missing or unreadable file is not an error (NULL names);
 *             a corrupt one gives NULL names from the first lookup that finds it bad.
 * @return 0, -EINVAL (NULL argument), -ENOMEM. Not thread-safe: one pg_names per thread.
 */
PG_EXPORT PG_MUST_CHECK int pg_names_open_file(const char *path, struct pg_names **ret);
/** Release names and everything libpci loaded; NULL is accepted. */
PG_EXPORT void pg_names_close(struct pg_names *names);

/** Names for a device; each member NULL when unknown. Strings owned by names, valid
 *  until the next lookup on the same names object. */
struct pg_dev_names {
	const char *vendor;
	const char *device;
	const char *subsystem;
	const char *class_name;
};

/**
 * Look up names for the identity in layout (vendor, device, subsystem device, class).
 * @param names  borrowed, may be NULL (every name NULL)
 * @param layout borrowed, may be NULL (every name NULL)
 * @param ret    out: always written; members point into names
 */
PG_EXPORT void pg_names_lookup(struct pg_names *names, const struct pg_cfg_layout *layout,
			       struct pg_dev_names *ret);

/* ---- reports ------------------------------------------------------------------------ */

/** The VFIO facts of a device opened through vfio-pci (pg_report_vfio_read()). */
struct pg_report_vfio {
	struct pg_vfio_info info;  /**< pg_vfio_info(): group, resets, IR, vectors, regions */
	bool msix_direct;          /**< pg_vfio_msix_direct_map() under a guest-profile view */
	const char *msix_why;      /**< static text: the reason that decided it */
};

/**
 * Read the VFIO facts of an open vfio backend for a report, with the MSI-X direct-map
 * decision a guest-profile mediator makes (the one `pcigate serve` logs at start). Reads
 * only: the backend's cached region and IRQ info and its config region.
 * @param be  borrowed: a backend from pg_backend_vfio_open()
 * @param ret out, written on success only
 * @return 0, -EINVAL (NULL argument, not a vfio backend). Not thread-safe with other uses
 *         of be.
 */
PG_EXPORT PG_MUST_CHECK int pg_report_vfio_read(struct pg_backend *be,
						struct pg_report_vfio *ret);

/** Everything a report needs about one device; all borrowed. */
struct pg_report_dev {
	const char *source;        /**< "sysfs" or "dump" */
	const char *name;          /**< BDF or file path */
	const char *slot;          /**< slot as the dump names it, or the BDF */
	const struct pg_cfg_layout *layout;
	const struct pg_inspect_result *result;
	struct pg_dev_names names; /**< members may be NULL */
	/** Live devices: IOMMU group, driver, reset methods, ACS isolation (pg_topo_read());
	 *  NULL for dumps or when it could not be read. */
	const struct pg_topo_dev *topology;
	/** vfio:BDF devices: what VFIO offers and the MSI-X decision (pg_report_vfio_read());
	 *  NULL otherwise. Text: a "VFIO:" section after the topology lines; JSON: "vfio". */
	const struct pg_report_vfio *vfio;
};

/**
 * Render the readable report of one device.
 * @param dev borrowed; source, name, layout and result must be set (slot and names may be
 *            NULL)
 * @param ret out: NUL-terminated text owned by the caller (free()); written on success only
 * @return 0, -EINVAL (NULL dev/ret or a required member), -ENOMEM. Reentrant.
 */
PG_EXPORT PG_MUST_CHECK int pg_report_text(const struct pg_report_dev *dev, char **ret);

/** pg_report_text_flags() flags. */
enum pg_report_flags {
	/** Colour the severity words with ANSI SGR escapes (HIGH red, MEDIUM yellow, LOW and
	 *  INFO dim). The caller decides (a terminal, NO_COLOR unset): the library never
	 *  looks at a file descriptor or the environment. */
	PG_REPORT_COLOR = 1u << 0,
};

/**
 * pg_report_text() with rendering flags.
 * @param dev   as for pg_report_text()
 * @param flags PG_REPORT_* ORed; 0 renders exactly what pg_report_text() does
 * @param ret   as for pg_report_text()
 * @return 0, -EINVAL (as pg_report_text(), or an unknown flag bit), -ENOMEM. Reentrant.
 */
PG_EXPORT PG_MUST_CHECK int pg_report_text_flags(const struct pg_report_dev *dev,
						 unsigned flags, char **ret);

/**
 * Render the JSON document for n devices (schema in docs/json-schema.md).
 * @param devs borrowed; n entries, each as for pg_report_text(); may be NULL when n is 0
 * @param ret out: NUL-terminated JSON owned by the caller (free()); written on success only
 * @return 0, -EINVAL (NULL ret, NULL devs with n > 0, a required member NULL), -ENOMEM.
 * Reentrant. Strings that are not valid UTF-8 have their invalid bytes replaced by '?'.
 */
PG_EXPORT PG_MUST_CHECK int pg_report_json(const struct pg_report_dev *devs, size_t n,
					   char **ret);

/**
 * The same document streamed: pg_report_json_head(), then pg_report_json_device() for
 * devices 0..n-1, then pg_report_json_tail(n); the concatenation of the texts equals
 * pg_report_json() of the n devices. A caller writes each text as it gets it and can free
 * each device right after, so memory does not grow with the number of devices.
 * Each @param ret is out: NUL-terminated text owned by the caller (free()), written on
 * success only. Reentrant; no state is kept between calls.
 * @return 0, -EINVAL (NULL ret; for a device, NULL dev or a required member NULL),
 *         -ENOMEM.
 */
PG_EXPORT PG_MUST_CHECK int pg_report_json_head(char **ret);
/** @param dev borrowed, as for pg_report_text(); @param index its position (0 first). */
PG_EXPORT PG_MUST_CHECK int pg_report_json_device(const struct pg_report_dev *dev,
						  size_t index, char **ret);
/** @param ndevs how many devices were written. */
PG_EXPORT PG_MUST_CHECK int pg_report_json_tail(size_t ndevs, char **ret);

#ifdef __cplusplus
}
#endif
#endif
