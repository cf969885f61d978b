/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Length rules of extended capabilities that pcigate sizes but does not decode. Knowing
 * their extent is what lets the walker report overlaps and a mediator trap whole
 * registers. Sources are PCIe 6.0 §7.9 (and §7.7.x for the physical-layer ones) and Linux
 * pci_regs.h / vfio_pci_config.c for cross-checking:
 *
 *   VC, VC9, MFVC   0x10 + 0x0c per VC, plus the arbitration tables it advertises
 *   RCLD            0x10 + 0x10 per link entry (Self Description bits 15:8)
 *   RCEC            8, or 0x0c from version 2 (Associated Bus Numbers)
 *   Multicast       0x28, or 0x30 in root and switch ports (MC Overlay BAR)
 *   Secondary PCIe  0x0c + 2 bytes of Lane Equalization Control per lane
 *   PMUX            0x10 + 4 bytes per protocol array entry (bits 5:0)
 *   16/32 GT/s PL   0x20 + 1 byte of Lane Equalization Control per lane
 *   64 GT/s PL      0x10 + 1 byte per lane
 *   Lane Margining  0x08 + 4 bytes (Control and Status) per lane
 *
 * Lane counts come from Maximum Link Width in the function's PCIe capability (walked
 * first). Every result is computed in 32 bits and saturates at the config space size.
 */
#include "caps-private.h"

#define VC_CAP1 0x04u
#define VC_CAP2 0x08u
#define VC_RES_BASE 0x10u
#define VC_RES_SIZE 0x0cu
#define VC_CAP1_EVCC 0x7u
#define VC_CAP1_ARB_SIZE_SHIFT 10
#define VC_CAP1_ARB_SIZE_MASK 0x3u
#define VC_TABLE_OFF_SHIFT 24 /* in 16-byte units, in CAP2 and each VC resource cap */
#define VC_TABLE_UNIT 16u

/* Phases of the WRR VC (or function) arbitration table, from Port VC Capability 2. */
static uint32_t vc_arb_phases(uint32_t cap2)
{
	if (cap2 & 0x08u)
		return 128;
	if (cap2 & 0x04u)
		return 64;
	return (cap2 & 0x02u) ? 32u : 0u;
}

/* Phases of a port arbitration table, from a VC Resource Capability. */
static uint32_t port_arb_phases(uint32_t rcap)
{
	if (rcap & 0x20u)
		return 256;
	if (rcap & 0x18u)
		return 128; /* WRR 128 or time-based WRR 128 */
	if (rcap & 0x04u)
		return 64;
	return (rcap & 0x02u) ? 32u : 0u;
}

static uint32_t max_u32(uint32_t a, uint32_t b)
{
	return a > b ? a : b;
}

uint16_t pg_vc_length(const struct pg_cfg_layout *l, uint16_t off)
{
	uint32_t cap1 = cfg_rd32(l, (uint32_t)off + VC_CAP1);
	uint32_t cap2 = cfg_rd32(l, (uint32_t)off + VC_CAP2);
	uint32_t nvc = (cap1 & VC_CAP1_EVCC) + 1u; /* at most 8 */
	uint32_t entry_bits = 1u << ((cap1 >> VC_CAP1_ARB_SIZE_SHIFT) & VC_CAP1_ARB_SIZE_MASK);
	uint32_t len = VC_RES_BASE + nvc * VC_RES_SIZE;
	uint32_t phases = vc_arb_phases(cap2);
	uint32_t table = (cap2 >> VC_TABLE_OFF_SHIFT) * VC_TABLE_UNIT;

	/* The VC arbitration table has 4 bits per phase. Without a stated offset it
	 * follows the resource registers on a 16-byte boundary (Linux vfio_vc_cap_len()). */
	if (phases)
		len = max_u32(len, (table ? table : (len + 15u) & ~15u) + phases / 2u);
	for (uint32_t i = 0; i < nvc; i++) {
		uint32_t rcap = cfg_rd32(l, (uint32_t)off + VC_RES_BASE + i * VC_RES_SIZE);
		uint32_t pt = (rcap >> VC_TABLE_OFF_SHIFT) * VC_TABLE_UNIT;
		uint32_t pp = port_arb_phases(rcap);

		if (pt && pp)
			len = max_u32(len, pt + pp * entry_bits / 8u);
	}
	return pg_caps_len_sat(len);
}

#define RCLD_DESC 0x04u
#define RCLD_LINKS_SHIFT 8
uint16_t pg_rcld_length(const struct pg_cfg_layout *l, uint16_t off)
{
	uint32_t n = (cfg_rd32(l, (uint32_t)off + RCLD_DESC) >> RCLD_LINKS_SHIFT) & 0xffu;

	return pg_caps_len_sat(0x10u + 0x10u * n);
}

uint16_t pg_rcec_length(const struct pg_cfg_layout *l, uint16_t off)
{
	unsigned version = (cfg_rd32(l, off) >> 16) & 0xfu;

	return version >= 2 ? 0x0c : 0x08;
}

uint16_t pg_mcast_length(const struct pg_cfg_layout *l, uint16_t off)
{
	const struct pg_cap_pcie *p = pg_caps_pcie(l);

	(void)off;
	if (p && (p->port_type == PG_PCIE_ROOT_PORT || p->port_type == PG_PCIE_UPSTREAM ||
		  p->port_type == PG_PCIE_DOWNSTREAM))
		return 0x30;
	return 0x28;
}

uint16_t pg_secpci_length(const struct pg_cfg_layout *l, uint16_t off)
{
	(void)off;
	return (uint16_t)(0x0cu + pg_caps_round4(2u * pg_caps_max_lanes(l)));
}

#define PMUX_CAP 0x04u
uint16_t pg_pmux_length(const struct pg_cfg_layout *l, uint16_t off)
{
	uint32_t n = cfg_rd32(l, (uint32_t)off + PMUX_CAP) & 0x3fu;

	return (uint16_t)(0x10u + 4u * n);
}

uint16_t pg_pl16_length(const struct pg_cfg_layout *l, uint16_t off)
{
	(void)off;
	return (uint16_t)(0x20u + pg_caps_round4(pg_caps_max_lanes(l)));
}

uint16_t pg_pl32_length(const struct pg_cfg_layout *l, uint16_t off)
{
	return pg_pl16_length(l, off); /* same layout up to the lane registers */
}

uint16_t pg_pl64_length(const struct pg_cfg_layout *l, uint16_t off)
{
	(void)off;
	return (uint16_t)(0x10u + pg_caps_round4(pg_caps_max_lanes(l)));
}

uint16_t pg_lmr_length(const struct pg_cfg_layout *l, uint16_t off)
{
	(void)off;
	return (uint16_t)(0x08u + 4u * pg_caps_max_lanes(l));
}
