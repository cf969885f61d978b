/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Capability registry: one const row per known capability ID, telling its name, how long
 * it is, how to decode its key fields and which fields reports show. Unknown IDs have no
 * row and are reported by name only ("Unknown"), with the minimal header length.
 *
 * A length function sees a capability whose offset is valid and whose header lies inside
 * the available bytes, and may read any field through the bounded cfg_rd*() helpers; it
 * returns the architected length in bytes (the walker clamps it to the available config
 * and to the end of the standard or extended region). A decode function sees the clamped
 * length and must read only through cap_rd*(); it may add diagnostics (cap-field,
 * msix-*). Neither may assume anything about the bytes: they are hostile.
 *
 * Length functions work in 32 bits and saturate at PG_CFG_EXT_LEN (pg_caps_len_sat()),
 * so no combination of hostile count fields can wrap a uint16_t or exceed the config
 * space. Length functions of extended capabilities may look at the standard list (walked
 * first, see layout.c) through pg_caps_pcie(), e.g. for the port type or lane count.
 *
 * The per-capability code lives in one file per capability or small family:
 *   std-pm.c (PM), std-msi.c (MSI), std-msix.c (MSI-X and its BAR checks),
 *   std-pcie.c (PCI Express), std-pcix.c (PCI-X), std-misc.c (AF, VPD, vendor-specific,
 *   and the lengths of HyperTransport, SATA, Enhanced Allocation),
 *   ext-aer.c (AER, DPC), ext-acs.c (ACS, ARI), ext-iov.c (SR-IOV, ATS, PRI, PASID,
 *   Resizable BAR), ext-power.c (LTR, L1 PM Substates, PTM and the power-management
 *   lengths: Power Budgeting, DPA, TPH), ext-misc.c (DSN, VSEC, DVSEC, DOE),
 *   ext-len.c (lengths of extended capabilities that are sized but not decoded).
 */
#ifndef PG_CAPS_PRIVATE_H
#define PG_CAPS_PRIVATE_H

#include "../cfg-private.h"

struct pg_cap_ops {
	uint16_t id;
	bool extended;
	const char *name;
	bool unique;          /* at most one per function (cap-duplicate otherwise) */
	uint16_t fixed_len;   /* used when length is NULL */
	uint16_t (*length)(const struct pg_cfg_layout *l, uint16_t off);
	void (*decode)(struct pg_cfg_layout *l, struct pg_cap *cap);
	const struct pg_field *fields;
	size_t nfields;
};

/* Row for (extended, id), or NULL when the ID is not known. */
const struct pg_cap_ops *pg_cap_ops_find(bool extended, uint16_t id);

/* Minimal lengths for unknown IDs: the header only. */
#define PG_CAP_MIN_LEN 2u
#define PG_ECAP_MIN_LEN 4u

/* Field-table helper: FIELD(type, member-path, json_name, hex). */
#define PG_FIELD(ty, member, key, is_hex) \
	{ .name = (key), .type = (ty), .offset = (uint16_t)offsetof(union pg_cap_info, member), \
	  .hex = (is_hex) }
#define PG_NFIELDS(arr) (sizeof(arr) / sizeof((arr)[0]))

/* Saturate a computed length at the size of the whole config space: hostile count
 * fields (TPH ST table size, RCLD link entries, ...) can describe more than 4096 bytes. */
static inline uint16_t pg_caps_len_sat(uint32_t n)
{
	return (uint16_t)(n > PG_CFG_EXT_LEN ? PG_CFG_EXT_LEN : n);
}

static inline uint32_t pg_caps_round4(uint32_t n)
{
	return (n + 3u) & ~3u;
}

/* First standard capability with this ID found so far, or NULL. Unlike pg_cfg_find_cap()
 * it never scans the extended list, so length rules called once per extended capability
 * stay linear on a hostile 960-entry chain. */
const struct pg_cap *pg_caps_find_std(const struct pg_cfg_layout *l, uint8_t id);

/* Decoded PCI Express capability of this function, or NULL when it has none (or it was
 * not decoded). Extended-capability length rules that depend on the port type or the
 * lane count call this: the standard list is walked before the extended one. */
const struct pg_cap_pcie *pg_caps_pcie(const struct pg_cfg_layout *l);

/* Maximum Link Width of the function's PCIe capability, saturated at 32 lanes (the
 * largest width the spec defines), 0 without a PCIe capability. */
uint32_t pg_caps_max_lanes(const struct pg_cfg_layout *l);

/*
 * Field tables. Their sizes are spelled out here so registry.c can take the count with
 * PG_NFIELDS(); a definition with fewer initialisers would leave a NULL-named entry,
 * which test-caps-registry.c rejects, and one with more does not compile.
 */
#define PG_PM_NFIELDS 7
#define PG_MSI_NFIELDS 8
#define PG_MSIX_NFIELDS 8
#define PG_PCIE_NFIELDS 17
#define PG_AF_NFIELDS 2
#define PG_VPD_NFIELDS 2
#define PG_VNDR_NFIELDS 1
#define PG_PCIX_NFIELDS 4
#define PG_AER_NFIELDS 8
#define PG_DPC_NFIELDS 5
#define PG_ACS_NFIELDS 10
#define PG_ARI_NFIELDS 3
#define PG_SRIOV_NFIELDS 11
#define PG_ATS_NFIELDS 4
#define PG_PRI_NFIELDS 3
#define PG_PASID_NFIELDS 4
#define PG_REBAR_NFIELDS 19
#define PG_LTR_NFIELDS 2
#define PG_L1SS_NFIELDS 3
#define PG_PTM_NFIELDS 5
#define PG_DSN_NFIELDS 1
#define PG_VSEC_NFIELDS 3
#define PG_DVSEC_NFIELDS 4
#define PG_DOE_NFIELDS 5

/* std-pm.c */
extern const struct pg_field pg_pm_fields[PG_PM_NFIELDS];
void pg_pm_decode(struct pg_cfg_layout *l, struct pg_cap *cap);

/* std-msi.c */
extern const struct pg_field pg_msi_fields[PG_MSI_NFIELDS];
uint16_t pg_msi_length(const struct pg_cfg_layout *l, uint16_t off);
void pg_msi_decode(struct pg_cfg_layout *l, struct pg_cap *cap);

/* std-msix.c */
extern const struct pg_field pg_msix_fields[PG_MSIX_NFIELDS];
void pg_msix_decode(struct pg_cfg_layout *l, struct pg_cap *cap);

/* std-pcie.c */
extern const struct pg_field pg_pcie_fields[PG_PCIE_NFIELDS];
uint16_t pg_pcie_length(const struct pg_cfg_layout *l, uint16_t off);
void pg_pcie_decode(struct pg_cfg_layout *l, struct pg_cap *cap);

/* std-pcix.c */
extern const struct pg_field pg_pcix_fields[PG_PCIX_NFIELDS];
uint16_t pg_pcix_length(const struct pg_cfg_layout *l, uint16_t off);
void pg_pcix_decode(struct pg_cfg_layout *l, struct pg_cap *cap);

/* std-misc.c */
extern const struct pg_field pg_af_fields[PG_AF_NFIELDS];
extern const struct pg_field pg_vpd_fields[PG_VPD_NFIELDS];
extern const struct pg_field pg_vndr_fields[PG_VNDR_NFIELDS];
void pg_af_decode(struct pg_cfg_layout *l, struct pg_cap *cap);
void pg_vpd_decode(struct pg_cfg_layout *l, struct pg_cap *cap);
uint16_t pg_vndr_length(const struct pg_cfg_layout *l, uint16_t off);
void pg_vndr_decode(struct pg_cfg_layout *l, struct pg_cap *cap);
uint16_t pg_ht_length(const struct pg_cfg_layout *l, uint16_t off);
uint16_t pg_sata_length(const struct pg_cfg_layout *l, uint16_t off);
uint16_t pg_ea_length(const struct pg_cfg_layout *l, uint16_t off);
/* An enabled Enhanced Allocation memory entry for BAR-equivalent bei (0..5): true and its
 * size in *ret_size (written only then). Functions using EA hardwire their BARs to 0. */
bool pg_ea_mem_bar(const struct pg_cfg_layout *l, uint8_t bei, uint64_t *ret_size);
/* Whether the function has an Enhanced Allocation capability (its BARs read 0). */
bool pg_ea_present(const struct pg_cfg_layout *l);

/* ext-aer.c */
extern const struct pg_field pg_aer_fields[PG_AER_NFIELDS];
extern const struct pg_field pg_dpc_fields[PG_DPC_NFIELDS];
uint16_t pg_aer_length(const struct pg_cfg_layout *l, uint16_t off);
void pg_aer_decode(struct pg_cfg_layout *l, struct pg_cap *cap);
uint16_t pg_dpc_length(const struct pg_cfg_layout *l, uint16_t off);
void pg_dpc_decode(struct pg_cfg_layout *l, struct pg_cap *cap);

/* ext-acs.c */
extern const struct pg_field pg_acs_fields[PG_ACS_NFIELDS];
extern const struct pg_field pg_ari_fields[PG_ARI_NFIELDS];
uint16_t pg_acs_length(const struct pg_cfg_layout *l, uint16_t off);
void pg_acs_decode(struct pg_cfg_layout *l, struct pg_cap *cap);
void pg_ari_decode(struct pg_cfg_layout *l, struct pg_cap *cap);

/* ext-iov.c */
extern const struct pg_field pg_sriov_fields[PG_SRIOV_NFIELDS];
extern const struct pg_field pg_ats_fields[PG_ATS_NFIELDS];
extern const struct pg_field pg_pri_fields[PG_PRI_NFIELDS];
extern const struct pg_field pg_pasid_fields[PG_PASID_NFIELDS];
extern const struct pg_field pg_rebar_fields[PG_REBAR_NFIELDS];
/* Fields of a decoded (VF) Resizable BAR that its entry count covers (ext-iov.c). */
size_t pg_rebar_nfields(const struct pg_cap *cap);
void pg_sriov_decode(struct pg_cfg_layout *l, struct pg_cap *cap);
void pg_ats_decode(struct pg_cfg_layout *l, struct pg_cap *cap);
void pg_pri_decode(struct pg_cfg_layout *l, struct pg_cap *cap);
void pg_pasid_decode(struct pg_cfg_layout *l, struct pg_cap *cap);
uint16_t pg_rebar_length(const struct pg_cfg_layout *l, uint16_t off);
void pg_rebar_decode(struct pg_cfg_layout *l, struct pg_cap *cap);

/* ext-power.c */
extern const struct pg_field pg_ltr_fields[PG_LTR_NFIELDS];
extern const struct pg_field pg_l1ss_fields[PG_L1SS_NFIELDS];
extern const struct pg_field pg_ptm_fields[PG_PTM_NFIELDS];
void pg_ltr_decode(struct pg_cfg_layout *l, struct pg_cap *cap);
void pg_l1ss_decode(struct pg_cfg_layout *l, struct pg_cap *cap);
void pg_ptm_decode(struct pg_cfg_layout *l, struct pg_cap *cap);
uint16_t pg_dpa_length(const struct pg_cfg_layout *l, uint16_t off);
uint16_t pg_tph_length(const struct pg_cfg_layout *l, uint16_t off);

/* ext-misc.c */
extern const struct pg_field pg_dsn_fields[PG_DSN_NFIELDS];
extern const struct pg_field pg_vsec_fields[PG_VSEC_NFIELDS];
extern const struct pg_field pg_dvsec_fields[PG_DVSEC_NFIELDS];
extern const struct pg_field pg_doe_fields[PG_DOE_NFIELDS];
void pg_dsn_decode(struct pg_cfg_layout *l, struct pg_cap *cap);
uint16_t pg_vsec_length(const struct pg_cfg_layout *l, uint16_t off);
void pg_vsec_decode(struct pg_cfg_layout *l, struct pg_cap *cap);
uint16_t pg_dvsec_length(const struct pg_cfg_layout *l, uint16_t off);
void pg_dvsec_decode(struct pg_cfg_layout *l, struct pg_cap *cap);
void pg_doe_decode(struct pg_cfg_layout *l, struct pg_cap *cap);

/* ext-len.c: sized, not decoded */
uint16_t pg_vc_length(const struct pg_cfg_layout *l, uint16_t off);
uint16_t pg_rcld_length(const struct pg_cfg_layout *l, uint16_t off);
uint16_t pg_rcec_length(const struct pg_cfg_layout *l, uint16_t off);
uint16_t pg_mcast_length(const struct pg_cfg_layout *l, uint16_t off);
uint16_t pg_secpci_length(const struct pg_cfg_layout *l, uint16_t off);
uint16_t pg_pmux_length(const struct pg_cfg_layout *l, uint16_t off);
uint16_t pg_pl16_length(const struct pg_cfg_layout *l, uint16_t off);
uint16_t pg_pl32_length(const struct pg_cfg_layout *l, uint16_t off);
uint16_t pg_pl64_length(const struct pg_cfg_layout *l, uint16_t off);
uint16_t pg_lmr_length(const struct pg_cfg_layout *l, uint16_t off);

#endif
