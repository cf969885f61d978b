/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The capability registry: every capability ID pcigate knows, by name, with its length
 * rule and decoder where one exists. Lookup is a direct index (IDs are dense and small),
 * so a hostile ID costs one bounds check.
 */
#include "caps-private.h"

#define NAMED(i, ext, nm) [i] = { .id = (i), .extended = (ext), .name = (nm) }

static const struct pg_cap_ops std_caps[] = {
	NAMED(PG_CAP_NULL, false, "Null"),
	NAMED(PG_CAP_PM, false, "Power Management"),
	NAMED(PG_CAP_AGP, false, "AGP"),
	NAMED(PG_CAP_VPD, false, "Vital Product Data"),
	NAMED(PG_CAP_SLOTID, false, "Slot Identification"),
	NAMED(PG_CAP_MSI, false, "MSI"),
	NAMED(PG_CAP_CHSWP, false, "CompactPCI Hot Swap"),
	NAMED(PG_CAP_PCIX, false, "PCI-X"),
	NAMED(PG_CAP_HT, false, "HyperTransport"),
	NAMED(PG_CAP_VNDR, false, "Vendor Specific"),
	NAMED(PG_CAP_DBG, false, "Debug Port"),
	NAMED(PG_CAP_CCRC, false, "CompactPCI Central Resource Control"),
	NAMED(PG_CAP_SHPC, false, "PCI Hot-Plug"),
	NAMED(PG_CAP_SSVID, false, "Bridge Subsystem Vendor ID"),
	NAMED(PG_CAP_AGP3, false, "AGP 8x"),
	NAMED(PG_CAP_SECDEV, false, "Secure Device"),
	NAMED(PG_CAP_EXP, false, "PCI Express"),
	NAMED(PG_CAP_MSIX, false, "MSI-X"),
	NAMED(PG_CAP_SATA, false, "SATA HBA"),
	NAMED(PG_CAP_AF, false, "Advanced Features"),
	NAMED(PG_CAP_EA, false, "Enhanced Allocation"),
	NAMED(PG_CAP_FPB, false, "Flattening Portal Bridge"),
};

static const struct pg_cap_ops ext_caps[] = {
	NAMED(PG_ECAP_NULL, true, "Null"),
	NAMED(PG_ECAP_AER, true, "Advanced Error Reporting"),
	NAMED(PG_ECAP_VC, true, "Virtual Channel"),
	NAMED(PG_ECAP_DSN, true, "Device Serial Number"),
	NAMED(PG_ECAP_PWR, true, "Power Budgeting"),
	NAMED(PG_ECAP_RCLD, true, "Root Complex Link Declaration"),
	NAMED(PG_ECAP_RCILC, true, "Root Complex Internal Link Control"),
	NAMED(PG_ECAP_RCEC, true, "Root Complex Event Collector Endpoint Association"),
	NAMED(PG_ECAP_MFVC, true, "Multi-Function Virtual Channel"),
	NAMED(PG_ECAP_VC9, true, "Virtual Channel (MFVC present)"),
	NAMED(PG_ECAP_RCRB, true, "Root Complex Register Block"),
	NAMED(PG_ECAP_VNDR, true, "Vendor-Specific Extended"),
	NAMED(PG_ECAP_CAC, true, "Configuration Access Correlation"),
	NAMED(PG_ECAP_ACS, true, "Access Control Services"),
	NAMED(PG_ECAP_ARI, true, "Alternative Routing-ID Interpretation"),
	NAMED(PG_ECAP_ATS, true, "Address Translation Services"),
	NAMED(PG_ECAP_SRIOV, true, "Single Root I/O Virtualization"),
	NAMED(PG_ECAP_MRIOV, true, "Multi-Root I/O Virtualization"),
	NAMED(PG_ECAP_MCAST, true, "Multicast"),
	NAMED(PG_ECAP_PRI, true, "Page Request Interface"),
	NAMED(PG_ECAP_AMD_XXX, true, "Reserved for AMD"),
	NAMED(PG_ECAP_REBAR, true, "Resizable BAR"),
	NAMED(PG_ECAP_DPA, true, "Dynamic Power Allocation"),
	NAMED(PG_ECAP_TPH, true, "TPH Requester"),
	NAMED(PG_ECAP_LTR, true, "Latency Tolerance Reporting"),
	NAMED(PG_ECAP_SECPCI, true, "Secondary PCI Express"),
	NAMED(PG_ECAP_PMUX, true, "Protocol Multiplexing"),
	NAMED(PG_ECAP_PASID, true, "Process Address Space ID"),
	NAMED(PG_ECAP_LNR, true, "LN Requester"),
	NAMED(PG_ECAP_DPC, true, "Downstream Port Containment"),
	NAMED(PG_ECAP_L1SS, true, "L1 PM Substates"),
	NAMED(PG_ECAP_PTM, true, "Precision Time Measurement"),
	NAMED(PG_ECAP_MPCIE, true, "PCI Express over M-PHY"),
	NAMED(PG_ECAP_FRS, true, "FRS Queueing"),
	NAMED(PG_ECAP_RTR, true, "Readiness Time Reporting"),
	NAMED(PG_ECAP_DVSEC, true, "Designated Vendor-Specific"),
	NAMED(PG_ECAP_VF_REBAR, true, "VF Resizable BAR"),
	NAMED(PG_ECAP_DLNK, true, "Data Link Feature"),
	NAMED(PG_ECAP_PL16, true, "Physical Layer 16.0 GT/s"),
	NAMED(PG_ECAP_LMR, true, "Lane Margining at the Receiver"),
	NAMED(PG_ECAP_HIER_ID, true, "Hierarchy ID"),
	NAMED(PG_ECAP_NPEM, true, "Native PCIe Enclosure Management"),
	NAMED(PG_ECAP_PL32, true, "Physical Layer 32.0 GT/s"),
	NAMED(PG_ECAP_ALT_PROTO, true, "Alternate Protocol"),
	NAMED(PG_ECAP_SFI, true, "System Firmware Intermediary"),
	NAMED(PG_ECAP_SHADOW, true, "Shadow Functions"),
	NAMED(PG_ECAP_DOE, true, "Data Object Exchange"),
	NAMED(PG_ECAP_DEV3, true, "Device 3"),
	NAMED(PG_ECAP_IDE, true, "Integrity and Data Encryption"),
	NAMED(PG_ECAP_PL64, true, "Physical Layer 64.0 GT/s"),
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
