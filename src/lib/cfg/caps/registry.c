/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The capability registry: every capability ID pcigate knows, by name, with its length
 * rule and decoder where one exists. Lookup is a direct index (IDs are dense and small),
 * so a hostile ID costs one bounds check.
 */
#include "caps-private.h"

/*
 * Row shapes. NAMED: recognised, length unknown (the walker uses the bare header).
 * SIZED/SIZED_FN: architected fixed length, or a length computed from the capability's
 * own fields. DECODED: sized and decoded, with a fields table for reports. U marks
 * capabilities a function may carry at most once (cap-duplicate otherwise); the vendor
 * containers (0x09, VSEC, DVSEC), HyperTransport and DOE may repeat.
 */
#define U true
#define M false
#define NAMED(i, ext, nm) [i] = { .id = (i), .extended = (ext), .name = (nm) }
#define SIZED(i, ext, nm, uniq, len) \
	[i] = { .id = (i), .extended = (ext), .name = (nm), .unique = (uniq), .fixed_len = (len) }
#define SIZED_FN(i, ext, nm, uniq, fn) \
	[i] = { .id = (i), .extended = (ext), .name = (nm), .unique = (uniq), .length = (fn) }
#define DECODED(i, ext, nm, uniq, len, fn, dec, flds) \
	[i] = { .id = (i), .extended = (ext), .name = (nm), .unique = (uniq), \
		.fixed_len = (len), .length = (fn), .decode = (dec), .fields = (flds), \
		.nfields = PG_NFIELDS(flds) }

static const struct pg_cap_ops std_caps[] = {
	NAMED(PG_CAP_NULL, false, "Null"),
	DECODED(PG_CAP_PM, false, "Power Management", U, 8, NULL, pg_pm_decode, pg_pm_fields),
	SIZED(PG_CAP_AGP, false, "AGP", U, 12),
	DECODED(PG_CAP_VPD, false, "Vital Product Data", U, 8, NULL, pg_vpd_decode,
		pg_vpd_fields),
	SIZED(PG_CAP_SLOTID, false, "Slot Identification", U, 4),
	DECODED(PG_CAP_MSI, false, "MSI", U, 0, pg_msi_length, pg_msi_decode, pg_msi_fields),
	SIZED(PG_CAP_CHSWP, false, "CompactPCI Hot Swap", U, 4),
	DECODED(PG_CAP_PCIX, false, "PCI-X", U, 0, pg_pcix_length, pg_pcix_decode,
		pg_pcix_fields),
	SIZED_FN(PG_CAP_HT, false, "HyperTransport", M, pg_ht_length),
	DECODED(PG_CAP_VNDR, false, "Vendor Specific", M, 0, pg_vndr_length, pg_vndr_decode,
		pg_vndr_fields),
	SIZED(PG_CAP_DBG, false, "Debug Port", U, 4),
	NAMED(PG_CAP_CCRC, false, "CompactPCI Central Resource Control"),
	SIZED(PG_CAP_SHPC, false, "PCI Hot-Plug", U, 8),
	SIZED(PG_CAP_SSVID, false, "Bridge Subsystem Vendor ID", U, 8),
	NAMED(PG_CAP_AGP3, false, "AGP 8x"),
	NAMED(PG_CAP_SECDEV, false, "Secure Device"),
	DECODED(PG_CAP_EXP, false, "PCI Express", U, 0, pg_pcie_length, pg_pcie_decode,
		pg_pcie_fields),
	DECODED(PG_CAP_MSIX, false, "MSI-X", U, 12, NULL, pg_msix_decode, pg_msix_fields),
	SIZED_FN(PG_CAP_SATA, false, "SATA HBA", U, pg_sata_length),
	DECODED(PG_CAP_AF, false, "Advanced Features", U, 6, NULL, pg_af_decode, pg_af_fields),
	SIZED_FN(PG_CAP_EA, false, "Enhanced Allocation", U, pg_ea_length),
	NAMED(PG_CAP_FPB, false, "Flattening Portal Bridge"),
};

static const struct pg_cap_ops ext_caps[] = {
	NAMED(PG_ECAP_NULL, true, "Null"),
	DECODED(PG_ECAP_AER, true, "Advanced Error Reporting", U, 0, pg_aer_length,
		pg_aer_decode, pg_aer_fields),
	SIZED_FN(PG_ECAP_VC, true, "Virtual Channel", U, pg_vc_length),
	DECODED(PG_ECAP_DSN, true, "Device Serial Number", U, 0x0c, NULL, pg_dsn_decode,
		pg_dsn_fields),
	SIZED(PG_ECAP_PWR, true, "Power Budgeting", U, 0x10),
	SIZED_FN(PG_ECAP_RCLD, true, "Root Complex Link Declaration", U, pg_rcld_length),
	SIZED(PG_ECAP_RCILC, true, "Root Complex Internal Link Control", U, 0x0c),
	SIZED_FN(PG_ECAP_RCEC, true, "Root Complex Event Collector Endpoint Association", U,
		 pg_rcec_length),
	SIZED_FN(PG_ECAP_MFVC, true, "Multi-Function Virtual Channel", U, pg_vc_length),
	SIZED_FN(PG_ECAP_VC9, true, "Virtual Channel (MFVC present)", U, pg_vc_length),
	SIZED(PG_ECAP_RCRB, true, "Root Complex Register Block", U, 0x14),
	DECODED(PG_ECAP_VNDR, true, "Vendor-Specific Extended", M, 0, pg_vsec_length,
		pg_vsec_decode, pg_vsec_fields),
	SIZED(PG_ECAP_CAC, true, "Configuration Access Correlation", U, 8),
	DECODED(PG_ECAP_ACS, true, "Access Control Services", U, 0, pg_acs_length,
		pg_acs_decode, pg_acs_fields),
	DECODED(PG_ECAP_ARI, true, "Alternative Routing-ID Interpretation", U, 8, NULL,
		pg_ari_decode, pg_ari_fields),
	DECODED(PG_ECAP_ATS, true, "Address Translation Services", U, 8, NULL, pg_ats_decode,
		pg_ats_fields),
	DECODED(PG_ECAP_SRIOV, true, "Single Root I/O Virtualization", U, 0x40, NULL,
		pg_sriov_decode, pg_sriov_fields),
	NAMED(PG_ECAP_MRIOV, true, "Multi-Root I/O Virtualization"),
	SIZED_FN(PG_ECAP_MCAST, true, "Multicast", U, pg_mcast_length),
	DECODED(PG_ECAP_PRI, true, "Page Request Interface", U, 0x10, NULL, pg_pri_decode,
		pg_pri_fields),
	NAMED(PG_ECAP_AMD_XXX, true, "Reserved for AMD"),
	DECODED(PG_ECAP_REBAR, true, "Resizable BAR", U, 0, pg_rebar_length, pg_rebar_decode,
		pg_rebar_fields),
	SIZED_FN(PG_ECAP_DPA, true, "Dynamic Power Allocation", U, pg_dpa_length),
	SIZED_FN(PG_ECAP_TPH, true, "TPH Requester", U, pg_tph_length),
	DECODED(PG_ECAP_LTR, true, "Latency Tolerance Reporting", U, 8, NULL, pg_ltr_decode,
		pg_ltr_fields),
	SIZED_FN(PG_ECAP_SECPCI, true, "Secondary PCI Express", U, pg_secpci_length),
	SIZED_FN(PG_ECAP_PMUX, true, "Protocol Multiplexing", U, pg_pmux_length),
	DECODED(PG_ECAP_PASID, true, "Process Address Space ID", U, 8, NULL, pg_pasid_decode,
		pg_pasid_fields),
	SIZED(PG_ECAP_LNR, true, "LN Requester", U, 8),
	DECODED(PG_ECAP_DPC, true, "Downstream Port Containment", U, 0, pg_dpc_length,
		pg_dpc_decode, pg_dpc_fields),
	DECODED(PG_ECAP_L1SS, true, "L1 PM Substates", U, 0x10, NULL, pg_l1ss_decode,
		pg_l1ss_fields),
	DECODED(PG_ECAP_PTM, true, "Precision Time Measurement", U, 0x0c, NULL, pg_ptm_decode,
		pg_ptm_fields),
	NAMED(PG_ECAP_MPCIE, true, "PCI Express over M-PHY"),
	SIZED(PG_ECAP_FRS, true, "FRS Queueing", U, 0x10),
	SIZED(PG_ECAP_RTR, true, "Readiness Time Reporting", U, 0x0c),
	DECODED(PG_ECAP_DVSEC, true, "Designated Vendor-Specific", M, 0, pg_dvsec_length,
		pg_dvsec_decode, pg_dvsec_fields),
	DECODED(PG_ECAP_VF_REBAR, true, "VF Resizable BAR", U, 0, pg_rebar_length,
		pg_rebar_decode, pg_rebar_fields),
	SIZED(PG_ECAP_DLNK, true, "Data Link Feature", U, 0x0c),
	SIZED_FN(PG_ECAP_PL16, true, "Physical Layer 16.0 GT/s", U, pg_pl16_length),
	SIZED_FN(PG_ECAP_LMR, true, "Lane Margining at the Receiver", U, pg_lmr_length),
	SIZED(PG_ECAP_HIER_ID, true, "Hierarchy ID", U, 0x20),
	SIZED(PG_ECAP_NPEM, true, "Native PCIe Enclosure Management", U, 0x10),
	SIZED_FN(PG_ECAP_PL32, true, "Physical Layer 32.0 GT/s", U, pg_pl32_length),
	SIZED(PG_ECAP_ALT_PROTO, true, "Alternate Protocol", U, 0x18),
	NAMED(PG_ECAP_SFI, true, "System Firmware Intermediary"),
	NAMED(PG_ECAP_SHADOW, true, "Shadow Functions"),
	DECODED(PG_ECAP_DOE, true, "Data Object Exchange", M, 0x18, NULL, pg_doe_decode,
		pg_doe_fields),
	SIZED(PG_ECAP_DEV3, true, "Device 3", U, 0x10),
	NAMED(PG_ECAP_IDE, true, "Integrity and Data Encryption"),
	SIZED_FN(PG_ECAP_PL64, true, "Physical Layer 64.0 GT/s", U, pg_pl64_length),
	NAMED(PG_ECAP_FLIT_LOG, true, "Flit Logging"),
	NAMED(PG_ECAP_FLIT_PERF, true, "Flit Performance Measurement"),
	NAMED(PG_ECAP_FLIT_ERR, true, "Flit Error Injection"),
};

const struct pg_cap_ops *pg_cap_ops_find(bool extended, uint16_t id)
{
	const struct pg_cap_ops *tab = extended ? ext_caps : std_caps;
	size_t n = extended ? PG_NFIELDS(ext_caps) : PG_NFIELDS(std_caps);

	if (id >= n || !tab[id].name)
		return NULL;
	return &tab[id];
}

const char *pg_cap_name(bool extended, uint16_t id)
{
	const struct pg_cap_ops *ops = pg_cap_ops_find(extended, id);

	return ops ? ops->name : "Unknown";
}

const struct pg_field *pg_cap_fields(const struct pg_cap *cap, size_t *ret_n)
{
	const struct pg_cap_ops *ops;

	if (ret_n)
		*ret_n = 0;
	if (!cap || !ret_n || !cap->decoded)
		return NULL;
	ops = pg_cap_ops_find(cap->extended, cap->id);
	if (!ops || !ops->fields)
		return NULL;
	*ret_n = ops->nfields;
	/* Resizable BAR: the entries the capability declares, not all six slots. */
	if (cap->extended && (cap->id == PG_ECAP_REBAR || cap->id == PG_ECAP_VF_REBAR))
		*ret_n = pg_rebar_nfields(cap);
	return ops->fields;
}

uint64_t pg_field_get(const struct pg_cap *cap, const struct pg_field *f)
{
	const uint8_t *base = (const uint8_t *)&cap->info + f->offset;

	switch (f->type) {
	case PG_FIELD_BOOL:
		return *(const bool *)(const void *)base;
	case PG_FIELD_U8:
		return *base;
	case PG_FIELD_U16:
		return *(const uint16_t *)(const void *)base;
	case PG_FIELD_U32:
		return *(const uint32_t *)(const void *)base;
	case PG_FIELD_U64:
		return *(const uint64_t *)(const void *)base;
	}
	return 0;
}
