/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Register rules: the bytes a policy opens beyond its profile, and the bytes it never may.
 *
 * The standard header (0x00-0x3f) belongs to the mediator. A policy is chosen by IDs, not by
 * header type, so every byte that is dangerous in either the type 0 (endpoint) or type 1
 * (bridge) layout is refused; only three bytes that are harmless in both may be opened:
 * Cache Line Size (0x0c), Latency Timer (0x0d) and BIST (0x0f), the ones vfio-pci also lets
 * a user write ("no harm to write"). The threats behind each refused range are in the table.
 * A rule is refused if any of its bytes is refused, whether it reads, writes or emulates:
 * even an emulated ID or BAR would let a policy author make the guest (or our own lookup
 * and mediator tables, which read the same header) believe in a different device.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "policy-private.h"
#include "util/util.h"

struct header_range {
	uint8_t lo, hi; /* inclusive */
	const char *what;
};

static const struct header_range header_forbidden[] = {
	{ 0x00, 0x03, "Vendor/Device ID (identity is virtual and selects the policy)" },
	{ 0x04, 0x07, "Command/Status (decode, bus master and INTx enables are the mediator's)" },
	{ 0x08, 0x0b, "Revision/Class Code (identity is virtual)" },
	{ 0x0e, 0x0e, "Header Type (it selects the register layout)" },
	/* A guest that can write a BAR can make the device decode over another device's MMIO
	 * or the MSI doorbell; one that can read it learns host physical addresses. */
	{ 0x10, 0x27, "BARs (virtual: host addresses never reach the guest)" },
	{ 0x28, 0x2b, "CardBus CIS / bridge prefetchable window (virtual)" },
	{ 0x2c, 0x2f, "Subsystem IDs (identity is virtual)" },
	{ 0x30, 0x33, "Expansion ROM BAR / bridge I/O window (virtual)" },
	/* Opening the pointer would show the guest capabilities the profile hides. */
	{ 0x34, 0x37, "Capabilities Pointer (the capability list is virtual)" },
	{ 0x38, 0x3b, "bridge Expansion ROM BAR (virtual)" },
	{ 0x3c, 0x3d, "Interrupt Line/Pin (interrupt routing is virtual)" },
	/* On a bridge this is Bridge Control, whose Secondary Bus Reset resets a whole bus. */
	{ 0x3e, 0x3f, "Min_Gnt/Max_Lat / Bridge Control (secondary bus reset)" },
};

const char *pp_header_forbidden(uint16_t off, uint16_t *ret_lo, uint16_t *ret_hi)
{
	for (size_t i = 0; i < sizeof(header_forbidden) / sizeof(header_forbidden[0]); i++) {
		const struct header_range *h = &header_forbidden[i];

		if (off >= h->lo && off <= h->hi) {
			*ret_lo = h->lo;
			*ret_hi = h->hi;
			return h->what;
		}
	}
	return NULL;
}

uint8_t pp_access_parse(const char *text)
{
	if (strcmp(text, "read") == 0)
		return PG_POLICY_ACCESS_READ;
	if (strcmp(text, "write") == 0)
		return PG_POLICY_ACCESS_WRITE;
	if (strcmp(text, "read-write") == 0)
		return PG_POLICY_ACCESS_READ | PG_POLICY_ACCESS_WRITE;
	return 0;
}

/* Placement: inside config space, naturally aligned, clear of the refused header bytes. */
static int check_place(struct pp_ctx *c, const struct pp_reg *rr)
{
	const struct pg_policy_reg *r = &rr->r;
	const char *why;
	char range[16];
	uint16_t lo, hi;

	if ((uint32_t)r->offset + r->size > PG_CFG_EXT_LEN)
		return pp_fail(c, &rr->m_offset, -EINVAL,
			       "register 0x%02x (size %u) runs past the end of config space "
			       "(0x1000)", r->offset, r->size);
	if (r->offset % r->size)
		return pp_fail(c, &rr->m_offset, -EINVAL,
			       "register 0x%02x is not aligned to its size (%u)", r->offset,
			       r->size);
	for (uint16_t off = r->offset; off < r->offset + r->size; off++) {
		why = pp_header_forbidden(off, &lo, &hi);
		if (!why)
			continue;
		if (lo == hi)
			(void)snprintf(range, sizeof(range), "0x%02x", lo);
		else
			(void)snprintf(range, sizeof(range), "0x%02x-0x%02x", lo, hi);
		return pp_fail(c, &rr->m_offset, -EINVAL,
			       "register 0x%02x touches %s, %s: a policy may never open it",
			       r->offset, range, why);
	}
	return 0;
}

static int check_values(struct pp_ctx *c, struct pp_reg *rr)
{
	struct pg_policy_reg *r = &rr->r;
	uint32_t full = (uint32_t)pg_util_size_mask(r->size);

	if (!rr->has_access && !rr->has_emulate)
		return pp_fail(c, &rr->m_start, -EINVAL,
			       "register rule needs 'access' or 'emulate'");
	if (rr->has_mask) {
		if (r->mask == 0)
			return pp_fail(c, &rr->m_mask, -EINVAL,
				       "mask 0 opens nothing (leave the rule out instead)");
		if (r->mask & ~full)
			return pp_fail(c, &rr->m_mask, -EINVAL,
				       "mask 0x%x is wider than the %u-byte register", r->mask,
				       r->size);
	} else {
		r->mask = full;
	}
	if (rr->has_emulate && (r->value & ~full))
		return pp_fail(c, &rr->m_emulate, -EINVAL,
			       "emulated value 0x%x is wider than the %u-byte register",
			       r->value, r->size);
	return 0;
}

int pp_reg_validate(struct pp_ctx *c, struct pp_reg *rr, const struct pg_policy_reg *prev,
		    size_t nprev)
{
	const struct pg_policy_reg *r = &rr->r;
	int ret;

	if (!rr->has_offset)
		return pp_fail(c, &rr->m_start, -EINVAL, "register rule needs an 'offset'");
	if (!rr->has_size)
		return pp_fail(c, &rr->m_start, -EINVAL, "register rule needs a 'size'");
	ret = check_place(c, rr);
	if (ret < 0)
		return ret;
	ret = check_values(c, rr);
	if (ret < 0)
		return ret;
	for (size_t i = 0; i < nprev; i++) {
		if (r->offset < prev[i].offset + prev[i].size &&
		    prev[i].offset < r->offset + r->size)
			return pp_fail(c, &rr->m_offset, -EINVAL,
				       "register 0x%02x (size %u) overlaps the rule at line %u "
				       "(0x%02x, size %u)", r->offset, r->size, prev[i].line,
				       prev[i].offset, prev[i].size);
	}
	return 0;
}
