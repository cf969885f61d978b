/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Capability chain walks. The chains are device-provided linked lists, so a hostile or
 * broken device can make them loop, point into the header, point past the end, or run a
 * capability into its neighbour. Each walk is bounded twice: by a TTL (48 standard, 960
 * extended, as Linux uses) and by a visited bitmap that stops at the first revisit. Low
 * pointer bits are reserved (PCI 3.0 §6.7, PCIe 6.0 §7.6.3) and are masked off with a
 * diagnostic. Nothing here can index outside the 4096-byte raw buffer.
 */
#include <string.h>

#include "cfg-private.h"
#include "caps/caps-private.h"

#define STATUS_CAP_LIST 0x0010u
#define CAP_PTR_TYPE01 0x34u
#define CAP_PTR_CARDBUS 0x14u
#define STD_FIRST 0x40u
#define EXT_FIRST 0x100u
#define PCIX_STATUS_266_533 (3u << 30)

static uint16_t min_u16(uint32_t a, uint32_t b)
{
	return (uint16_t)(a < b ? a : b);
}

/* first[id] is the offset of the first capability with that ID on the chain being walked
 * (0: none yet; no capability sits at offset 0). Looking the first one up in this table
 * instead of scanning the earlier capabilities keeps a hostile chain of hundreds of
 * duplicates linear: the scan made 480 duplicates behind 480 other capabilities cost
 * ~230k comparisons (~160 us). IDs beyond the table (none in the registry today) fall back
 * to the scan. */
#define UNIQUE_IDS 64u

static void note_duplicate(struct pg_cfg_layout *l, const struct pg_cap_ops *ops, uint16_t off,
			   uint16_t *first)
{
	if (ops->id < UNIQUE_IDS) {
		if (!first[ops->id])
			first[ops->id] = off;
		else
			pg_cfg_diag(l, PG_DIAG_CAP_DUPLICATE, off,
				    "second %s capability (first at 0x%03x)", ops->name,
				    first[ops->id]);
		return;
	}
	for (uint16_t i = 0; i + 1u < l->ncaps; i++) {
		const struct pg_cap *c = &l->caps[i];

		if (c->extended == ops->extended && c->id == ops->id) {
			pg_cfg_diag(l, PG_DIAG_CAP_DUPLICATE, off,
				    "second %s capability (first at 0x%03x)", ops->name, c->offset);
			return;
		}
	}
}

/* Append a capability found at off, size it per ID, clamp it to the available bytes of
 * its region and decode it. */
static void add_cap(struct pg_cfg_layout *l, uint16_t off, uint16_t id, bool ext,
		    uint8_t version, uint16_t next, uint16_t *first)
{
	const struct pg_cap_ops *ops = pg_cap_ops_find(ext, id);
	uint32_t region_end = ext ? PG_CFG_EXT_LEN : PG_CFG_STD_LEN;
	uint32_t avail_end = min_u16(region_end, l->len);
	uint32_t min_len = ext ? PG_ECAP_MIN_LEN : PG_CAP_MIN_LEN;
	uint32_t want = min_len;
	struct pg_cap *c;

	if (l->ncaps >= PG_CFG_MAX_CAPS)
		return; /* unreachable: the TTLs sum to the array size */
	c = &l->caps[l->ncaps++];
	memset(c, 0, sizeof(*c));
	c->offset = off;
	c->id = id;
	c->extended = ext;
	c->version = version;
	c->next = next;
	c->name = ops ? ops->name : "Unknown";

	if (ops)
		want = ops->length ? ops->length(l, off) : ops->fixed_len;
	if (want < min_len)
		want = min_len;
	if (off + want > avail_end) {
		pg_cfg_diag(l, ext ? PG_DIAG_ECAP_TRUNCATED : PG_DIAG_CAP_TRUNCATED, off,
			    "%s needs %u bytes, only %u before 0x%03x", c->name, want,
			    avail_end - off, avail_end);
		want = avail_end - off;
		c->truncated = true;
	}
	c->len = (uint16_t)want;
	if (ops && ops->unique)
		note_duplicate(l, ops, off, first);
	if (ops && ops->decode) {
		ops->decode(l, c);
		c->decoded = true;
	}
}

void pg_cfg_walk_std(struct pg_cfg_layout *l)
{
	bool visited[PG_CFG_STD_LEN / 4] = { false };
	uint16_t first[UNIQUE_IDS] = { 0 };
	uint16_t from = l->kind == PG_HDR_CARDBUS ? CAP_PTR_CARDBUS : CAP_PTR_TYPE01;
	uint8_t ptr;

	if (l->kind == PG_HDR_UNKNOWN || !(l->status & STATUS_CAP_LIST))
		return; /* lspci and Linux ignore the pointer unless Status says a list exists */
	if (from >= l->len) {
		pg_cfg_diag(l, PG_DIAG_CFG_SHORT, from,
			    "capability pointer at 0x%02x lies beyond the %u bytes", from, l->len);
		return;
	}
	ptr = cfg_rd8(l, from);
	for (unsigned ttl = 0;; ttl++) {
		uint8_t p = ptr & (uint8_t)~3u;

		if (ptr & 3u)
			pg_cfg_diag(l, PG_DIAG_CAP_PTR_MISALIGNED, from,
				    "pointer 0x%02x has reserved low bits set; using 0x%02x", ptr, p);
		if (!p)
			break;
		if (ttl >= PG_CFG_STD_TTL) {
			pg_cfg_diag(l, PG_DIAG_CAP_TTL, from,
				    "more than %u capabilities: walk stopped", PG_CFG_STD_TTL);
			break;
		}
		if (p < STD_FIRST) {
			pg_cfg_diag(l, PG_DIAG_CAP_PTR_LOW, from,
				    "pointer 0x%02x points into the header", p);
			break;
		}
		if (p + 2u > l->len) {
			pg_cfg_diag(l, PG_DIAG_CAP_PTR_PAST_END, from,
				    "pointer 0x%02x is beyond the %u bytes available", p, l->len);
			break;
		}
		if (visited[p / 4]) {
			pg_cfg_diag(l, PG_DIAG_CAP_LOOP, from,
				    "pointer 0x%02x revisits a capability: chain loops", p);
			break;
		}
		visited[p / 4] = true;
		if (cfg_rd8(l, p) == 0xff) {
			pg_cfg_diag(l, PG_DIAG_CAP_BROKEN, p, "capability ID 0xff: chain broken");
			break;
		}
		ptr = cfg_rd8(l, p + 1u);
		add_cap(l, p, cfg_rd8(l, p), false, 0, ptr & (uint8_t)~3u, first);
		from = (uint16_t)(p + 1u);
	}
}

/* Extended config space exists only for PCIe functions and PCI-X mode 2 (PCI-X 2.0
 * §7.2; Linux pci_cfg_space_size()). Walking it otherwise would trust bytes a
 * conventional device never defined. */
static bool has_ext_space(const struct pg_cfg_layout *l)
{
	const struct pg_cap *pcix;

	if (pg_cfg_find_cap(l, false, PG_CAP_EXP))
		return true;
	pcix = pg_cfg_find_cap(l, false, PG_CAP_PCIX);
	return pcix && (!pcix->decoded || pcix->info.pcix.mode2 || pcix->info.pcix.bridge);
}

void pg_cfg_walk_ext(struct pg_cfg_layout *l)
{
	bool visited[(PG_CFG_EXT_LEN - EXT_FIRST) / 4] = { false };
	uint16_t first[UNIQUE_IDS] = { 0 };
	uint16_t off = EXT_FIRST, from = EXT_FIRST;

	/* The first header must be whole: a 257..259-byte dump has no readable list. */
	if (l->len < EXT_FIRST + 4u || !has_ext_space(l))
		return;
	l->ext_walked = true;
	for (unsigned ttl = 0;; ttl++) {
		uint32_t hdr = cfg_rd32(l, off);
		uint16_t next;

		if (hdr == 0)
			break; /* empty list (at 0x100) or an empty terminator */
		if (hdr == 0xffffffffu) {
			if (off != EXT_FIRST)
				pg_cfg_diag(l, PG_DIAG_ECAP_BROKEN, from,
					    "pointer 0x%03x leads to an all-ones header", off);
			break;
		}
		if (visited[(off - EXT_FIRST) / 4]) {
			pg_cfg_diag(l, PG_DIAG_ECAP_LOOP, from,
				    "pointer 0x%03x revisits a capability: chain loops", off);
			break;
		}
		if (ttl >= PG_CFG_EXT_TTL) {
			pg_cfg_diag(l, PG_DIAG_ECAP_TTL, from,
				    "more than %u extended capabilities: walk stopped",
				    PG_CFG_EXT_TTL);
			break;
		}
		visited[(off - EXT_FIRST) / 4] = true;
		next = (uint16_t)(hdr >> 20);
		add_cap(l, off, (uint16_t)(hdr & 0xffffu), true, (uint8_t)((hdr >> 16) & 0xfu),
			next & (uint16_t)~3u, first);
		if (next & 3u)
			pg_cfg_diag(l, PG_DIAG_ECAP_PTR_MISALIGNED, off,
				    "next pointer 0x%03x has reserved low bits set", next);
		next &= (uint16_t)~3u;
		if (!next)
			break;
		if (next < EXT_FIRST) {
			pg_cfg_diag(l, PG_DIAG_ECAP_PTR_LOW, off,
				    "next pointer 0x%03x is below 0x100", next);
			break;
		}
		if (next + 4u > l->len) {
			pg_cfg_diag(l, PG_DIAG_ECAP_PTR_PAST_END, off,
				    "next pointer 0x%03x is beyond the %u bytes available", next,
				    l->len);
			break;
		}
		from = off;
		off = next;
	}
}

/* Two capabilities must not share bytes: a device that overlaps them lets a write meant
 * for one register land in another (e.g. an MSI-X control word aliasing a vendor
 * register). One owner map keeps the check linear whatever the count: each slot is claimed
 * at most once and each capability stops at its first clash. The map has one slot per
 * dword: every capability starts dword-aligned (pointers are masked), so two of them share
 * a byte exactly when they share a dword, and the map is a quarter of a byte map. */
void pg_cfg_check_overlaps(struct pg_cfg_layout *l)
{
	static const uint16_t none = 0xffff;
	uint16_t owner[PG_CFG_EXT_LEN / 4];

	memset(owner, 0xff, sizeof(owner));
	for (uint16_t i = 0; i < l->ncaps; i++) {
		const struct pg_cap *c = &l->caps[i];
		uint32_t end = (uint32_t)c->offset + c->len;

		for (uint32_t d = c->offset / 4u; d * 4u < end; d++) {
			uint16_t o = owner[d];

			if (o != none) {
				const struct pg_cap *other = &l->caps[o];

				pg_cfg_diag(l, c->extended ? PG_DIAG_ECAP_OVERLAP : PG_DIAG_CAP_OVERLAP,
					    c->offset,
					    "%s at 0x%03x (%u bytes) overlaps %s at 0x%03x (%u bytes)",
					    c->name, c->offset, c->len, other->name, other->offset,
					    other->len);
				break;
			}
			owner[d] = i;
		}
	}
}
