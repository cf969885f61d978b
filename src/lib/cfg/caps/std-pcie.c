/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * PCI Express capability (PCIe 6.0 §7.5.3). Its length depends on the capability version
 * and the device/port type (PCIe 1.1 §7.8 versus 2.0+):
 *
 *   version 1: registers end after the last group the type implements: device (0x0c),
 *              link (0x14), slot (0x1c, ports with a slot), root (0x24, root ports and
 *              event collectors); an RCiEP has no link (0x0c).
 *   version 2+: the full 0x3c structure for every type, except an RCiEP whose link and
 *              slot registers are absent (0x2c, as Linux PCI_CAP_EXP_RC_ENDPOINT_SIZEOF_V2).
 *
 * Version 0 is invalid (seen on some VFs; QEMU rewrites it to 1) and is sized as version 1.
 * The port type drives later decisions (AER root registers, Multicast overlay BAR, lane
 * counts), so a reserved type is reported.
 */
#include "caps-private.h"

#define EXP_FLAGS 0x02u
#define EXP_DEVCAP 0x04u
#define EXP_DEVCTL 0x08u
#define EXP_DEVSTA 0x0au
#define EXP_LNKCAP 0x0cu
#define EXP_LNKSTA 0x12u
#define EXP_DEVCAP2 0x24u
#define EXP_DEVCTL2 0x28u

#define FLAGS_VERSION 0x000fu
#define FLAGS_TYPE_SHIFT 4
#define FLAGS_TYPE_MASK 0xfu
#define FLAGS_SLOT 0x0100u
#define FLAGS_IRQ_SHIFT 9
#define FLAGS_IRQ_MASK 0x1fu
#define DEVCAP_PAYLOAD 0x7u
#define DEVCAP_FLR 0x10000000u
#define LNK_SPEED 0x000fu
#define LNK_WIDTH_SHIFT 4
#define LNK_WIDTH_MASK 0x3fu
#define PAYLOAD_MAX_ENC 5u /* 4096 bytes; 6 and 7 are reserved */
#define LANES_MAX 32u

#define LEN_V1_DEVICE 0x0cu
#define LEN_V1_LINK 0x14u
#define LEN_V1_SLOT 0x1cu
#define LEN_V1_ROOT 0x24u
#define LEN_V2_NO_LINK 0x2cu
#define LEN_V2 0x3cu

/* Per port type: valid, version-1 length, may implement a slot. Reserved types are
 * sized like an endpoint (link registers only) and reported by the decoder. */
static const struct {
	bool valid;
	uint8_t v1_len;
	bool slot_ok;
} port_types[16] = {
	[PG_PCIE_ENDPOINT] = { true, LEN_V1_LINK, false },
	[PG_PCIE_LEGACY_ENDPOINT] = { true, LEN_V1_LINK, false },
	[PG_PCIE_ROOT_PORT] = { true, LEN_V1_ROOT, true },
	[PG_PCIE_UPSTREAM] = { true, LEN_V1_LINK, false },
	[PG_PCIE_DOWNSTREAM] = { true, LEN_V1_LINK, true },
	[PG_PCIE_PCIE_TO_PCI] = { true, LEN_V1_LINK, false },
	[PG_PCIE_PCI_TO_PCIE] = { true, LEN_V1_LINK, true },
	[PG_PCIE_RC_IEP] = { true, LEN_V1_DEVICE, false },
	[PG_PCIE_RC_EC] = { true, LEN_V1_ROOT, false },
};

const struct pg_field pg_pcie_fields[PG_PCIE_NFIELDS] = {
	PG_FIELD(PG_FIELD_U8, pcie.version, "version", false),
	PG_FIELD(PG_FIELD_U8, pcie.port_type, "port_type", false),
	PG_FIELD(PG_FIELD_BOOL, pcie.slot, "slot", false),
	PG_FIELD(PG_FIELD_U8, pcie.irq_msg, "irq_msg", false),
	PG_FIELD(PG_FIELD_U32, pcie.devcap, "devcap", true),
	PG_FIELD(PG_FIELD_BOOL, pcie.flr, "flr", false),
	PG_FIELD(PG_FIELD_U16, pcie.max_payload, "max_payload", false),
	PG_FIELD(PG_FIELD_U16, pcie.devctl, "devctl", true),
	PG_FIELD(PG_FIELD_U16, pcie.devsta, "devsta", true),
	PG_FIELD(PG_FIELD_U32, pcie.lnkcap, "lnkcap", true),
	PG_FIELD(PG_FIELD_U8, pcie.link_speed_max, "link_speed_max", false),
	PG_FIELD(PG_FIELD_U8, pcie.link_width_max, "link_width_max", false),
	PG_FIELD(PG_FIELD_U16, pcie.lnksta, "lnksta", true),
	PG_FIELD(PG_FIELD_U8, pcie.link_speed, "link_speed", false),
	PG_FIELD(PG_FIELD_U8, pcie.link_width, "link_width", false),
	PG_FIELD(PG_FIELD_U32, pcie.devcap2, "devcap2", true),
	PG_FIELD(PG_FIELD_U16, pcie.devctl2, "devctl2", true),
};

uint16_t pg_pcie_length(const struct pg_cfg_layout *l, uint16_t off)
{
	uint16_t flags = cfg_rd16(l, (uint32_t)off + EXP_FLAGS);
	unsigned type = (flags >> FLAGS_TYPE_SHIFT) & FLAGS_TYPE_MASK;
	uint16_t len;

	if ((flags & FLAGS_VERSION) >= 2)
		return type == PG_PCIE_RC_IEP ? LEN_V2_NO_LINK : LEN_V2;
	len = port_types[type].valid ? port_types[type].v1_len : LEN_V1_LINK;
	if ((flags & FLAGS_SLOT) && port_types[type].slot_ok && len < LEN_V1_SLOT)
		len = LEN_V1_SLOT;
	return len;
}

static void check_fields(struct pg_cfg_layout *l, const struct pg_cap *cap, uint32_t devcap)
{
	const struct pg_cap_pcie *p = &cap->info.pcie;

	if (cap->len < EXP_FLAGS + 2u)
		return;
	if (p->version == 0)
		pg_cfg_diag(l, PG_DIAG_CAP_FIELD, cap->offset,
			    "PCIe capability version 0 is invalid (sized as version 1)");
	if (!port_types[p->port_type].valid)
		pg_cfg_diag(l, PG_DIAG_CAP_FIELD, cap->offset,
			    "PCIe port_type 0x%x is reserved", p->port_type);
	if (cap->len >= EXP_DEVCAP + 4u && (devcap & DEVCAP_PAYLOAD) > PAYLOAD_MAX_ENC)
		pg_cfg_diag(l, PG_DIAG_CAP_FIELD, cap->offset,
			    "PCIe max_payload encoding %u is reserved", devcap & DEVCAP_PAYLOAD);
}

void pg_pcie_decode(struct pg_cfg_layout *l, struct pg_cap *cap)
{
	struct pg_cap_pcie *p = &cap->info.pcie;
	uint16_t flags = cap_rd16(l, cap, EXP_FLAGS);
	uint32_t payload;

	p->version = (uint8_t)(flags & FLAGS_VERSION);
	p->port_type = (uint8_t)((flags >> FLAGS_TYPE_SHIFT) & FLAGS_TYPE_MASK);
	p->slot = (flags & FLAGS_SLOT) != 0;
	p->irq_msg = (uint8_t)((flags >> FLAGS_IRQ_SHIFT) & FLAGS_IRQ_MASK);
	p->devcap = cap_rd32(l, cap, EXP_DEVCAP);
	p->flr = (p->devcap & DEVCAP_FLR) != 0;
	payload = p->devcap & DEVCAP_PAYLOAD;
	p->max_payload = (uint16_t)(payload <= PAYLOAD_MAX_ENC ? 128u << payload : 0u);
	p->devctl = cap_rd16(l, cap, EXP_DEVCTL);
	p->devsta = cap_rd16(l, cap, EXP_DEVSTA);
	p->lnkcap = cap_rd32(l, cap, EXP_LNKCAP);
	p->link_speed_max = (uint8_t)(p->lnkcap & LNK_SPEED);
	p->link_width_max = (uint8_t)((p->lnkcap >> LNK_WIDTH_SHIFT) & LNK_WIDTH_MASK);
	p->lnksta = cap_rd16(l, cap, EXP_LNKSTA);
	p->link_speed = (uint8_t)(p->lnksta & LNK_SPEED);
	p->link_width = (uint8_t)((p->lnksta >> LNK_WIDTH_SHIFT) & LNK_WIDTH_MASK);
	/* Version 1 structures end before DevCap2; cap_rd*() reads them as zero. */
	p->devcap2 = cap_rd32(l, cap, EXP_DEVCAP2);
	p->devctl2 = cap_rd16(l, cap, EXP_DEVCTL2);
	check_fields(l, cap, p->devcap);
}

const struct pg_cap *pg_caps_find_std(const struct pg_cfg_layout *l, uint8_t id)
{
	/* Standard capabilities precede extended ones in caps[], at most PG_CFG_STD_TTL. */
	for (uint16_t i = 0; i < l->ncaps && !l->caps[i].extended; i++)
		if (l->caps[i].id == id)
			return &l->caps[i];
	return NULL;
}

const struct pg_cap_pcie *pg_caps_pcie(const struct pg_cfg_layout *l)
{
	const struct pg_cap *c = pg_caps_find_std(l, PG_CAP_EXP);

	return c && c->decoded ? &c->info.pcie : NULL;
}

uint32_t pg_caps_max_lanes(const struct pg_cfg_layout *l)
{
	const struct pg_cap_pcie *p = pg_caps_pcie(l);
	uint32_t w = p ? p->link_width_max : 0u;

	return w > LANES_MAX ? LANES_MAX : w;
}
