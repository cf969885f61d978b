/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * MSI-X capability (PCI 3.0 §6.8.2, PCIe 6.0 §7.7.2): Message Control at cap+2, Table
 * Offset/BIR at cap+4, PBA Offset/BIR at cap+8; 12 bytes.
 *
 * The table and PBA live in memory BARs, which is where a mediator must trap them. A
 * hostile or broken device can name a BIR that is no memory BAR at all (reserved 6/7, an
 * I/O BAR, the upper half of a 64-bit BAR, an unimplemented slot), place the structures
 * past the end of their BAR, or overlap table and PBA. Each is a diagnostic, so policy
 * can hide the capability rather than trap the wrong range (an AMD FCH SATA controller's
 * BIR names a zero-size BAR; Xen commit 53859596c0).
 */
#include "caps-private.h"

#define MSIX_CTRL 2u
#define MSIX_TABLE 4u
#define MSIX_PBA 8u
#define MSIX_LEN 12u
#define MSIX_CTRL_QSIZE 0x07ffu
#define MSIX_CTRL_MASKALL 0x4000u
#define MSIX_CTRL_ENABLE 0x8000u
#define MSIX_BIR_MASK 0x7u
#define MSIX_OFFSET_MASK 0xfffffff8u
#define MSIX_ENTRY_SIZE 16u
#define MSIX_BAR_SLOTS 6u /* BIR 6 and 7 are reserved */

const struct pg_field pg_msix_fields[PG_MSIX_NFIELDS] = {
	PG_FIELD(PG_FIELD_U16, msix.control, "control", true),
	PG_FIELD(PG_FIELD_BOOL, msix.enabled, "enabled", false),
	PG_FIELD(PG_FIELD_BOOL, msix.function_mask, "function_mask", false),
	PG_FIELD(PG_FIELD_U16, msix.table_size, "table_size", false),
	PG_FIELD(PG_FIELD_U8, msix.table_bir, "table_bir", false),
	PG_FIELD(PG_FIELD_U32, msix.table_offset, "table_offset", true),
	PG_FIELD(PG_FIELD_U8, msix.pba_bir, "pba_bir", false),
	PG_FIELD(PG_FIELD_U32, msix.pba_offset, "pba_offset", true),
};

/* Why a BIR names no usable memory BAR, or NULL when it does. */
static const char *bir_problem(const struct pg_cfg_layout *l, uint8_t bir)
{
	if (bir >= MSIX_BAR_SLOTS)
		return "is reserved";
	if (bir >= l->nbars)
		return "is beyond this header's BARs";
	switch (l->bars[bir].kind) {
	case PG_BAR_MEM32:
	case PG_BAR_MEM64:
	case PG_BAR_MEM_BELOW1M:
	case PG_BAR_UNKNOWN: /* reads 0 and unsized: may well be an unassigned memory BAR */
		return NULL;
	case PG_BAR_IO:
		return "is an I/O BAR";
	case PG_BAR_MEM64_HI:
		return "is the upper half of a 64-bit BAR";
	case PG_BAR_NONE:
		return "is not implemented";
	case PG_BAR_ROM:
	case PG_BAR_INVALID:
		break;
	}
	return "is an invalid BAR";
}

/* Check one structure (table or PBA) against its BAR. A function using Enhanced
 * Allocation hardwires its BARs to zero and describes them in EA entries instead. */
static void check_struct(struct pg_cfg_layout *l, const struct pg_cap *cap, const char *what,
			 uint8_t bir, uint32_t offset, uint64_t bytes)
{
	const char *why = bir_problem(l, bir);
	uint64_t size = 0;
	bool size_known = false;
	bool zero = bir < l->nbars &&
		    (l->bars[bir].kind == PG_BAR_NONE || l->bars[bir].kind == PG_BAR_UNKNOWN);

	if (zero && pg_ea_mem_bar(l, bir, &size)) {
		why = NULL;
		size_known = true;
	} else if (zero && pg_ea_present(l)) {
		/* An EA function hardwires its BARs to 0 (EA ECN): a zero BAR without an
		 * enabled EA memory entry is not implemented, not merely unassigned. */
		why = "is not implemented";
	} else if (!why) {
		size = l->bars[bir].size;
		size_known = l->bars[bir].size_known;
	}
	if (why) {
		pg_cfg_diag(l, PG_DIAG_MSIX_BIR, cap->offset, "MSI-X %s BIR %u %s", what, bir,
			    why);
		return;
	}
	if (size_known && (uint64_t)offset + bytes > size)
		pg_cfg_diag(l, PG_DIAG_MSIX_BAR_SMALL, cap->offset,
			    "MSI-X %s 0x%x+0x%llx runs past BAR%u (0x%llx bytes)", what, offset,
			    (unsigned long long)bytes, bir, (unsigned long long)size);
}

static void validate(struct pg_cfg_layout *l, const struct pg_cap *cap)
{
	const struct pg_cap_msix *m = &cap->info.msix;
	uint64_t tbytes = (uint64_t)m->table_size * MSIX_ENTRY_SIZE;
	uint64_t pbytes = (((uint64_t)m->table_size + 63u) / 64u) * 8u; /* qword-granular */
	uint64_t tend = (uint64_t)m->table_offset + tbytes;
	uint64_t pend = (uint64_t)m->pba_offset + pbytes;

	check_struct(l, cap, "table", m->table_bir, m->table_offset, tbytes);
	check_struct(l, cap, "PBA", m->pba_bir, m->pba_offset, pbytes);
	/* Overlap makes PBA reads return table bytes and table writes hit pending bits. */
	if (m->table_bir == m->pba_bir && m->table_offset < pend && m->pba_offset < tend)
		pg_cfg_diag(l, PG_DIAG_MSIX_OVERLAP, cap->offset,
			    "MSI-X table 0x%x..0x%llx and PBA 0x%x..0x%llx overlap in BIR %u",
			    m->table_offset, (unsigned long long)tend, m->pba_offset,
			    (unsigned long long)pend, m->table_bir);
}

void pg_msix_decode(struct pg_cfg_layout *l, struct pg_cap *cap)
{
	struct pg_cap_msix *m = &cap->info.msix;
	uint16_t ctrl = cap_rd16(l, cap, MSIX_CTRL);
	uint32_t table = cap_rd32(l, cap, MSIX_TABLE);
	uint32_t pba = cap_rd32(l, cap, MSIX_PBA);

	m->control = ctrl;
	m->enabled = (ctrl & MSIX_CTRL_ENABLE) != 0;
	m->function_mask = (ctrl & MSIX_CTRL_MASKALL) != 0;
	m->table_size = (uint16_t)((ctrl & MSIX_CTRL_QSIZE) + 1u);
	m->table_bir = (uint8_t)(table & MSIX_BIR_MASK);
	m->table_offset = table & MSIX_OFFSET_MASK;
	m->pba_bir = (uint8_t)(pba & MSIX_BIR_MASK);
	m->pba_offset = pba & MSIX_OFFSET_MASK;

	/* A truncated capability has no trustworthy table/PBA registers (they read as zero
	 * here); judging BARs from zeros would only add noise to the truncation report. */
	if (cap->len >= MSIX_LEN)
		validate(l, cap);
}
