/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Capability lengths written from the PCI, PCI PM and PCIe specifications, independent of
 * the cfg parser: the guest oracle (guest-oracle.h) sizes capabilities with it, and the
 * cap-geometry test compares it with the parser on every corpus capability.
 */
#ifndef PG_TEST_CAP_SPEC_H
#define PG_TEST_CAP_SPEC_H

#include <stdbool.h>
#include <stdint.h>

#include <pcigate/cfg.h>

/* Little-endian read of size (1..4) bytes of a config snapshot. */
static inline uint32_t go_rd(const uint8_t *b, unsigned off, unsigned size)
{
	uint32_t v = 0;

	for (unsigned i = 0; i < size && off + i < PG_CFG_EXT_LEN; i++)
		v |= (uint32_t)b[off + i] << (8u * i);
	return v;
}

/* DevCap2 of the first PCI Express capability (0 when there is none or it is version 1):
 * AER's TLP Prefix Log exists only with End-End TLP Prefix Supported (bit 21). */
static inline uint32_t go_devcap2(const uint8_t *snap, unsigned len)
{
	unsigned p = snap[0x34] & 0xfcu, ttl = 48;

	while (p >= 0x40 && p + 0x28 <= 256 && p + 0x28 <= len && ttl--) {
		if (snap[p] == PG_CAP_EXP)
			return (go_rd(snap, p + 2u, 2) & 0xfu) >= 2 ? go_rd(snap, p + 0x24u, 4) : 0;
		p = snap[p + 1] & 0xfcu;
	}
	return 0;
}

/* Is the function a root port or root complex event collector (PCIe port type)? */
static inline bool go_root(const uint8_t *snap, unsigned len)
{
	unsigned p = snap[0x34] & 0xfcu, ttl = 48;

	while (p >= 0x40 && p + 4 <= 256 && p + 4 <= len && ttl--) {
		if (snap[p] == PG_CAP_EXP) {
			unsigned type = (go_rd(snap, p + 2u, 2) >> 4) & 0xfu;

			return type == PG_PCIE_ROOT_PORT || type == PG_PCIE_RC_EC;
		}
		p = snap[p + 1] & 0xfcu;
	}
	return false;
}

/*
 * Length of a capability, written from the specifications and independent of the cfg
 * parser (a test compares the two on every corpus device). *exact says whether the
 * oracle knows the structure; otherwise the header length is an under-approximation.
 *   PCI PM 1.2 §3.2: PM 8 bytes. PCI 3.0 §6.8.1: MSI 0x0a (32-bit address) or 0x0e
 *   (64-bit), +2 with Extended Message Data Capable (PCI 6.0 §7.7.1.2, Control bit 9), or
 *   0x14/0x18 with per-vector masking (Mask and Pending dwords). §6.8.2: MSI-X 12. PCI
 *   3.0 §6.4 VPD 8, §H Bridge Subsystem ID 8, Vendor Specific: its length byte. AF ECN:
 *   6. PCIe r5.0 §7.5.3: version 1 ends after the last register group of the port type
 *   (device 0x0c for an RCiEP, link 0x14, slot 0x1c for ports with a slot, root 0x24),
 *   version 2 is 0x3c (RCiEP 0x2c: no link or slot registers). Extended (§7.8, §7.9):
 *   AER 0x2c, 0x38 with the root registers (root port, event collector), 0x48 with the
 *   TLP Prefix Log; DSN 12; ARI, ATS, LTR, PASID 8; PRI, L1 PM Substates, Power
 *   Budgeting 16; PTM 12; SR-IOV 0x40; ACS 8 plus the Egress Control Vector (Egress
 *   Control capable: vector size bits 15:8, 0 meaning 256, in dwords); Resizable BAR and
 *   VF Resizable BAR (§7.8.6, §9.3.7.5) 4 + 8 per entry, the count in bits 7:5 of the
 *   first Control (1-6; another value is taken as written, at least one entry, and is not
 *   exact); VSEC and DVSEC: the length field at +4 bits 31:20.
 */
static inline unsigned go_spec_len(const uint8_t *snap, unsigned len, bool ext, uint16_t id,
				   uint16_t off, bool *exact)
{
	uint16_t ctl = (uint16_t)go_rd(snap, off + 2u, 2);

	*exact = true;
	if (ext) {
		switch (id) {
		case PG_ECAP_AER:
			if (go_devcap2(snap, len) & 0x00200000u)
				return 0x48;
			return go_root(snap, len) ? 0x38 : 0x2c;
		case PG_ECAP_DSN: case PG_ECAP_PTM: return 12;
		case PG_ECAP_ARI: case PG_ECAP_ATS: case PG_ECAP_LTR: case PG_ECAP_PASID: return 8;
		case PG_ECAP_PRI: case PG_ECAP_L1SS: case PG_ECAP_PWR: return 16;
		case PG_ECAP_SRIOV: return 0x40;
		case PG_ECAP_ACS: {
			unsigned cap = go_rd(snap, off + 4u, 2), bits = (cap >> 8) & 0xffu;

			if (!(cap & 0x20u))
				return 8;
			return 8u + 4u * (((bits ? bits : 256u) + 31u) / 32u);
		}
		case PG_ECAP_REBAR: case PG_ECAP_VF_REBAR: {
			/* Number of Resizable BARs, bits 7:5 of the first Control: 1-6 */
			unsigned n = (go_rd(snap, off + 8u, 4) >> 5) & 7u;

			*exact = n >= 1 && n <= 6;
			return 4u + 8u * (n ? n : 1u);
		}
		case PG_ECAP_VNDR: case PG_ECAP_DVSEC: {
			unsigned l = go_rd(snap, off + 4u, 4) >> 20;

			if (l >= 8)
				return l;
			*exact = false;
			return 4;
		}
		default:
			*exact = false;
			return 4;
		}
	}
	switch (id) {
	case PG_CAP_PM: case PG_CAP_VPD: case PG_CAP_SSVID: return 8;
	case PG_CAP_MSI:
		if (ctl & 0x100u)
			return (ctl & 0x80u) ? 0x18 : 0x14;
		return ((ctl & 0x80u) ? 0x0eu : 0x0au) + ((ctl & 0x200u) ? 2u : 0u);
	case PG_CAP_MSIX: return 12;
	case PG_CAP_EXP: {
		unsigned type = (ctl >> 4) & 0xfu;

		if ((ctl & 0xfu) >= 2)
			return type == PG_PCIE_RC_IEP ? 0x2c : 0x3c;
		if (type == PG_PCIE_RC_IEP)
			return 0x0c;
		if (type == PG_PCIE_ROOT_PORT || type == PG_PCIE_RC_EC)
			return 0x24;
		return (ctl & 0x100u) && (type == PG_PCIE_DOWNSTREAM ||
					  type == PG_PCIE_PCI_TO_PCIE) ? 0x1c : 0x14;
	}
	case PG_CAP_AF: return 6;
	case PG_CAP_VNDR: {
		unsigned l = snap[off + 2u];

		if (l >= 3)
			return l;
		*exact = false;
		return 2;
	}
	default:
		*exact = false;
		return 2;
	}
}

#endif
