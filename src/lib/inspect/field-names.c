/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Names for the coded capability fields the text report prints: a person reads "PCIe port
 * type: Root Port", not "port_type=4". One table per code, one row per defined value; a
 * value no table defines (reserved, or a hostile device's) prints as "unknown (0xN)", so a
 * device cannot make the report claim a meaning the specification does not give. The
 * JSON report keeps the raw codes (docs/json-schema.md).
 */
#include <stdio.h>
#include <string.h>

#include "inspect-private.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* PCIe r5.0 §7.5.3.2, Device/Port Type. */
static const struct pg_code_name port_types[] = {
	{ PG_PCIE_ENDPOINT, "Endpoint" },
	{ PG_PCIE_LEGACY_ENDPOINT, "Legacy Endpoint" },
	{ PG_PCIE_ROOT_PORT, "Root Port" },
	{ PG_PCIE_UPSTREAM, "Upstream Switch Port" },
	{ PG_PCIE_DOWNSTREAM, "Downstream Switch Port" },
	{ PG_PCIE_PCIE_TO_PCI, "PCIe-to-PCI bridge" },
	{ PG_PCIE_PCI_TO_PCIE, "PCI-to-PCIe bridge" },
	{ PG_PCIE_RC_IEP, "RCiEP" },
	{ PG_PCIE_RC_EC, "Root Complex Event Collector" },
};

/* PCIe r5.0 §7.5.3.6 and §7.5.3.8: Max Link Speed / Current Link Speed index the
 * Supported Link Speeds Vector; bit 0 2.5 GT/s ... bit 4 32.0 GT/s (PCIe r6.0 adds bit 5,
 * 64.0 GT/s). */
static const struct pg_code_name link_speeds[] = {
	{ 1, "2.5 GT/s" }, { 2, "5.0 GT/s" }, { 3, "8.0 GT/s" },
	{ 4, "16.0 GT/s" }, { 5, "32.0 GT/s" }, { 6, "64.0 GT/s" },
};

/* PCI Bus Power Management Interface r1.2 §3.2.4, PowerState. */
static const struct pg_code_name power_states[] = {
	{ 0, "D0" }, { 1, "D1" }, { 2, "D2" }, { 3, "D3hot" },
};

/* PCI Local Bus 3.0 §6.8.1.3, Multiple Message Capable/Enable: log2 of the vectors; 6
 * and 7 are reserved. */
static const struct pg_code_name msi_vectors[] = {
	{ 0, "1 vector" }, { 1, "2 vectors" }, { 2, "4 vectors" },
	{ 3, "8 vectors" }, { 4, "16 vectors" }, { 5, "32 vectors" },
};

/* PCIe r5.0 §7.7.2.2, Table/PBA BIR: BARs 0-5 (10h-24h); 6 and 7 are reserved. */
static const struct pg_code_name birs[] = {
	{ 0, "BAR0" }, { 1, "BAR1" }, { 2, "BAR2" }, { 3, "BAR3" }, { 4, "BAR4" }, { 5, "BAR5" },
};

/* PCIe r5.0 §7.8.4.7, First Error Pointer: the bit of the Uncorrectable Error Status
 * register (§7.8.4.2) that was logged first. */
static const struct pg_code_name aer_errors[] = {
	{ 4, "Data Link Protocol Error" }, { 5, "Surprise Down Error" },
	{ 12, "Poisoned TLP Received" }, { 13, "Flow Control Protocol Error" },
	{ 14, "Completion Timeout" }, { 15, "Completer Abort" },
	{ 16, "Unexpected Completion" }, { 17, "Receiver Overflow" },
	{ 18, "Malformed TLP" }, { 19, "ECRC Error" },
	{ 20, "Unsupported Request Error" }, { 21, "ACS Violation" },
	{ 22, "Uncorrectable Internal Error" }, { 23, "MC Blocked TLP" },
	{ 24, "AtomicOp Egress Blocked" }, { 25, "TLP Prefix Blocked Error" },
	{ 26, "Poisoned TLP Egress Blocked" },
};

/* The First Error Pointer means something only while the status bit it points at is set
 * (PCIe r5.0 §7.8.4.7); otherwise nothing was logged and the pointer is stale or 0. */
static const char *aer_first_error_logged(const struct pg_cap *c, uint64_t v)
{
	return v < 32 && (c->info.aer.uncor_status >> v) & 1u ? NULL : "none logged";
}

static const struct pg_coded_field coded_fields[] = {
	{ false, PG_CAP_EXP, "port_type", "PCIe port type", port_types, N(port_types), NULL },
	{ false, PG_CAP_EXP, "link_speed_max", "max link speed", link_speeds, N(link_speeds),
	  NULL },
	{ false, PG_CAP_EXP, "link_speed", "link speed", link_speeds, N(link_speeds), NULL },
	{ false, PG_CAP_PM, "state", "power state", power_states, N(power_states), NULL },
	{ false, PG_CAP_MSI, "mmc", "MSI vectors capable", msi_vectors, N(msi_vectors), NULL },
	{ false, PG_CAP_MSI, "mme", "MSI vectors enabled", msi_vectors, N(msi_vectors), NULL },
	{ false, PG_CAP_MSIX, "table_bir", "MSI-X table in", birs, N(birs), NULL },
	{ false, PG_CAP_MSIX, "pba_bir", "MSI-X PBA in", birs, N(birs), NULL },
	{ true, PG_ECAP_AER, "first_error", "AER first error", aer_errors, N(aer_errors),
	  aer_first_error_logged },
};

const struct pg_coded_field *pg_inspect_coded_field(const struct pg_cap *cap,
						    const struct pg_field *field)
{
	for (size_t i = 0; i < N(coded_fields); i++) {
		const struct pg_coded_field *c = &coded_fields[i];

		if (c->extended == cap->extended && c->cap_id == cap->id &&
		    !strcmp(c->field, field->name))
			return c;
	}
	return NULL;
}

const struct pg_coded_field *pg_inspect_coded_fields(size_t *ret_n)
{
	*ret_n = N(coded_fields);
	return coded_fields;
}

const char *pg_inspect_code_name(const struct pg_coded_field *f, const struct pg_cap *cap,
				 uint64_t value, char *buf, size_t len)
{
	const char *none = f->unset && cap ? f->unset(cap, value) : NULL;

	if (none)
		return none;
	for (size_t i = 0; i < f->nnames; i++)
		if (f->names[i].value == value)
			return f->names[i].name;
	snprintf(buf, len, "unknown (0x%llx)", (unsigned long long)value);
	return buf;
}
