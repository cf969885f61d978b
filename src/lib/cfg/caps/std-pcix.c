/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * PCI-X capability (PCI-X 2.0a §7.2). Two forms share ID 0x07: the device form (type 0
 * header: Command at cap+2, Status at cap+4) and the bridge form (type 1 header:
 * Secondary Status at cap+2, Bridge Status at cap+4, split-transaction controls at
 * cap+8/cap+0xc). Capability version 1/2 (Command or Secondary Status bits 13:12) adds the
 * ECC registers: device 8 -> 24 bytes, bridge 16 -> 32 bytes (Linux
 * PCI_CAP_PCIX_SIZEOF_V0/V1 for the device form).
 *
 * Mode 2 (266/533 MHz capable, Status bits 31:30) means the function has an extended
 * configuration space (PCI-X 2.0 §7.2; Linux pci_cfg_space_size()); walk.c relies on
 * mode2/bridge to decide whether to walk it.
 */
#include "caps-private.h"

#define PCIX_CMD 2u    /* device: Command; bridge: Secondary Status */
#define PCIX_STATUS 4u /* device: Status; bridge: Bridge Status */
#define PCIX_VERSION_SHIFT 12
#define PCIX_VERSION_MASK 0x3u
#define PCIX_STATUS_266_533 0xc0000000u
#define PCIX_VERSION_RESERVED 3u

#define PCIX_LEN_DEV_V0 8u
#define PCIX_LEN_DEV_ECC 24u
#define PCIX_LEN_BRIDGE_V0 16u
#define PCIX_LEN_BRIDGE_ECC 32u

const struct pg_field pg_pcix_fields[PG_PCIX_NFIELDS] = {
	PG_FIELD(PG_FIELD_BOOL, pcix.bridge, "bridge", false),
	PG_FIELD(PG_FIELD_U16, pcix.command, "command", true),
	PG_FIELD(PG_FIELD_U32, pcix.status, "status", true),
	PG_FIELD(PG_FIELD_BOOL, pcix.mode2, "mode2", false),
};

static unsigned pcix_version(uint16_t cmd)
{
	return (cmd >> PCIX_VERSION_SHIFT) & PCIX_VERSION_MASK;
}

uint16_t pg_pcix_length(const struct pg_cfg_layout *l, uint16_t off)
{
	bool bridge = l->kind == PG_HDR_BRIDGE;
	bool ecc = pcix_version(cfg_rd16(l, (uint32_t)off + PCIX_CMD)) != 0;

	if (bridge)
		return ecc ? PCIX_LEN_BRIDGE_ECC : PCIX_LEN_BRIDGE_V0;
	return ecc ? PCIX_LEN_DEV_ECC : PCIX_LEN_DEV_V0;
}

void pg_pcix_decode(struct pg_cfg_layout *l, struct pg_cap *cap)
{
	struct pg_cap_pcix *x = &cap->info.pcix;
	unsigned version;

	x->bridge = l->kind == PG_HDR_BRIDGE;
	x->command = cap_rd16(l, cap, PCIX_CMD);
	x->status = cap_rd32(l, cap, PCIX_STATUS);
	x->mode2 = (x->status & PCIX_STATUS_266_533) != 0;
	version = pcix_version(x->command);
	if (cap->len >= PCIX_CMD + 2u && version == PCIX_VERSION_RESERVED)
		pg_cfg_diag(l, PG_DIAG_CAP_FIELD, cap->offset,
			    "PCI-X capability version %u is reserved", version);
}
