/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * MSI capability (PCI 3.0 §6.8.1, PCIe 6.0 §7.7.1). Message Control at cap+2 decides the
 * layout: 32- or 64-bit address, 16- or 32-bit data (Extended Message Data Capable), and
 * optional per-vector Mask/Pending bits. The length follows from Control alone:
 *
 *   layout                 32-bit addr  64-bit addr
 *   plain                  0x0a         0x0e
 *   extended data          0x0c         0x10
 *   per-vector masking     0x14         0x18   (extended data lives in the reserved
 *                                              half of the data dword: same length)
 *
 * A device that lies about MMC/MME can make a guest program more vectors than it has;
 * those are reported as cap-field and left for policy to refuse.
 */
#include "caps-private.h"

#define MSI_CTRL 2u
#define MSI_CTRL_ENABLE 0x0001u
#define MSI_CTRL_MMC_SHIFT 1
#define MSI_CTRL_MME_SHIFT 4
#define MSI_CTRL_MM_MASK 0x7u
#define MSI_CTRL_64BIT 0x0080u
#define MSI_CTRL_PVM 0x0100u
#define MSI_CTRL_EXT_DATA 0x0200u
#define MSI_MM_MAX 5u /* 32 vectors; 6 and 7 are reserved */

#define MSI_DATA_32 0x08u
#define MSI_DATA_64 0x0cu
#define MSI_MASK_32 0x0cu
#define MSI_MASK_64 0x10u

const struct pg_field pg_msi_fields[PG_MSI_NFIELDS] = {
	PG_FIELD(PG_FIELD_U16, msi.control, "control", true),
	PG_FIELD(PG_FIELD_BOOL, msi.enabled, "enabled", false),
	PG_FIELD(PG_FIELD_BOOL, msi.is64, "is64", false),
	PG_FIELD(PG_FIELD_BOOL, msi.maskable, "maskable", false),
	PG_FIELD(PG_FIELD_U8, msi.mmc, "mmc", false),
	PG_FIELD(PG_FIELD_U8, msi.mme, "mme", false),
	PG_FIELD(PG_FIELD_U8, msi.data_off, "data_off", true),
	PG_FIELD(PG_FIELD_U8, msi.mask_off, "mask_off", true),
};

uint16_t pg_msi_length(const struct pg_cfg_layout *l, uint16_t off)
{
	uint16_t ctrl = cfg_rd16(l, (uint32_t)off + MSI_CTRL);
	bool is64 = (ctrl & MSI_CTRL_64BIT) != 0;

	if (ctrl & MSI_CTRL_PVM)
		return is64 ? 0x18 : 0x14; /* Mask and Pending dwords after the data */
	if (ctrl & MSI_CTRL_EXT_DATA)
		return is64 ? 0x10 : 0x0c;
	return is64 ? 0x0e : 0x0a;
}

void pg_msi_decode(struct pg_cfg_layout *l, struct pg_cap *cap)
{
	struct pg_cap_msi *m = &cap->info.msi;
	uint16_t ctrl = cap_rd16(l, cap, MSI_CTRL);

	m->control = ctrl;
	m->enabled = (ctrl & MSI_CTRL_ENABLE) != 0;
	m->is64 = (ctrl & MSI_CTRL_64BIT) != 0;
	m->maskable = (ctrl & MSI_CTRL_PVM) != 0;
	m->mmc = (uint8_t)((ctrl >> MSI_CTRL_MMC_SHIFT) & MSI_CTRL_MM_MASK);
	m->mme = (uint8_t)((ctrl >> MSI_CTRL_MME_SHIFT) & MSI_CTRL_MM_MASK);
	m->data_off = (uint8_t)(m->is64 ? MSI_DATA_64 : MSI_DATA_32);
	m->mask_off = (uint8_t)(m->maskable ? (m->is64 ? MSI_MASK_64 : MSI_MASK_32) : 0);

	if (cap->len < MSI_CTRL + 2u)
		return; /* Control itself was cut: nothing to judge */
	if (m->mmc > MSI_MM_MAX)
		pg_cfg_diag(l, PG_DIAG_CAP_FIELD, cap->offset,
			    "MSI mmc %u is reserved (max %u: 32 vectors)", m->mmc, MSI_MM_MAX);
	/* Software wrote more vectors than the function offers: the device would alias
	 * message data bits it does not decode. */
	if (m->mme > m->mmc)
		pg_cfg_diag(l, PG_DIAG_CAP_FIELD, cap->offset,
			    "MSI mme %u exceeds mmc %u", m->mme, m->mmc);
}
