/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Stable names of diagnostics, PCIe port types and BAR kinds. */
#include "cfg-private.h"

static const char *const diag_names[PG_DIAG__COUNT] = {
	[PG_DIAG_CFG_SHORT] = "cfg-short",
	[PG_DIAG_CFG_ALL_ONES] = "cfg-all-ones",
	[PG_DIAG_CFG_ALL_ZERO] = "cfg-all-zero",
	[PG_DIAG_HDR_UNKNOWN] = "hdr-unknown",
	[PG_DIAG_HDR_CARDBUS] = "hdr-cardbus",
	[PG_DIAG_BAR_64_LAST] = "bar-64-last",
	[PG_DIAG_BAR_RESERVED] = "bar-reserved-type",
	[PG_DIAG_CAP_PTR_LOW] = "cap-ptr-low",
	[PG_DIAG_CAP_PTR_MISALIGNED] = "cap-ptr-misaligned",
	[PG_DIAG_CAP_PTR_PAST_END] = "cap-ptr-past-end",
	[PG_DIAG_CAP_LOOP] = "cap-loop",
	[PG_DIAG_CAP_TTL] = "cap-ttl",
	[PG_DIAG_CAP_BROKEN] = "cap-broken",
	[PG_DIAG_CAP_TRUNCATED] = "cap-truncated",
	[PG_DIAG_CAP_OVERLAP] = "cap-overlap",
	[PG_DIAG_ECAP_PTR_LOW] = "ecap-ptr-low",
	[PG_DIAG_ECAP_PTR_MISALIGNED] = "ecap-ptr-misaligned",
	[PG_DIAG_ECAP_PTR_PAST_END] = "ecap-ptr-past-end",
	[PG_DIAG_ECAP_LOOP] = "ecap-loop",
	[PG_DIAG_ECAP_TTL] = "ecap-ttl",
	[PG_DIAG_ECAP_BROKEN] = "ecap-broken",
	[PG_DIAG_ECAP_TRUNCATED] = "ecap-truncated",
	[PG_DIAG_ECAP_OVERLAP] = "ecap-overlap",
	[PG_DIAG_CAP_FIELD] = "cap-field",
	[PG_DIAG_MSIX_BIR] = "msix-bir",
	[PG_DIAG_MSIX_BAR_SMALL] = "msix-bar-small",
	[PG_DIAG_MSIX_OVERLAP] = "msix-overlap",
	[PG_DIAG_CAP_DUPLICATE] = "cap-duplicate",
	[PG_DIAG_VENDOR_INVALID] = "vendor-invalid",
};

const char *pg_diag_name(enum pg_diag_code code)
{
	if ((unsigned)code >= PG_DIAG__COUNT || !diag_names[code])
		return "unknown";
	return diag_names[code];
}

static const char *const pcie_types[16] = {
	[PG_PCIE_ENDPOINT] = "Endpoint",
	[PG_PCIE_LEGACY_ENDPOINT] = "Legacy Endpoint",
	[PG_PCIE_ROOT_PORT] = "Root Port",
	[PG_PCIE_UPSTREAM] = "Upstream Port",
	[PG_PCIE_DOWNSTREAM] = "Downstream Port",
	[PG_PCIE_PCIE_TO_PCI] = "PCIe to PCI/PCI-X Bridge",
	[PG_PCIE_PCI_TO_PCIE] = "PCI/PCI-X to PCIe Bridge",
	[PG_PCIE_RC_IEP] = "Root Complex Integrated Endpoint",
	[PG_PCIE_RC_EC] = "Root Complex Event Collector",
};

const char *pg_pcie_type_name(uint8_t type)
{
	return type < 16 && pcie_types[type] ? pcie_types[type] : "Reserved";
}

static const char *const bar_kinds[] = {
	[PG_BAR_NONE] = "none",
	[PG_BAR_IO] = "io",
	[PG_BAR_MEM32] = "mem32",
	[PG_BAR_MEM64] = "mem64",
	[PG_BAR_MEM64_HI] = "mem64-upper",
	[PG_BAR_MEM_BELOW1M] = "mem-below-1m",
	[PG_BAR_ROM] = "rom",
	[PG_BAR_INVALID] = "invalid",
	[PG_BAR_UNKNOWN] = "unknown",
};

const char *pg_bar_kind_name(enum pg_bar_kind kind)
{
	return (unsigned)kind < sizeof(bar_kinds) / sizeof(bar_kinds[0]) ? bar_kinds[kind]
									 : "invalid";
}
