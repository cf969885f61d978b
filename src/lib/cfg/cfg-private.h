/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Internal helpers of the cfg module: bounded readers over a layout's raw bytes and the
 * diagnostic sink. Every reader is safe for any offset: bytes beyond the 4096-byte buffer
 * read as zero, so a hostile pointer can never index outside raw[].
 */
#ifndef PG_CFG_PRIVATE_H
#define PG_CFG_PRIVATE_H

#include <pcigate/cfg.h>

static inline uint8_t cfg_rd8(const struct pg_cfg_layout *l, uint32_t off)
{
	return off < PG_CFG_EXT_LEN ? l->raw[off] : 0;
}

static inline uint16_t cfg_rd16(const struct pg_cfg_layout *l, uint32_t off)
{
	return (uint16_t)(cfg_rd8(l, off) | (cfg_rd8(l, off + 1) << 8));
}

static inline uint32_t cfg_rd32(const struct pg_cfg_layout *l, uint32_t off)
{
	return (uint32_t)cfg_rd16(l, off) | ((uint32_t)cfg_rd16(l, off + 2) << 16);
}

/* Readers relative to a capability that honour its (clamped) length: a field that lies
 * partly beyond cap->len reads as zero, so a truncated capability decodes as "absent"
 * rather than from whatever bytes follow it. */
static inline uint8_t cap_rd8(const struct pg_cfg_layout *l, const struct pg_cap *c,
			      uint16_t rel)
{
	return (uint32_t)rel + 1 <= c->len ? cfg_rd8(l, (uint32_t)c->offset + rel) : 0;
}

static inline uint16_t cap_rd16(const struct pg_cfg_layout *l, const struct pg_cap *c,
				uint16_t rel)
{
	return (uint32_t)rel + 2 <= c->len ? cfg_rd16(l, (uint32_t)c->offset + rel) : 0;
}

static inline uint32_t cap_rd32(const struct pg_cfg_layout *l, const struct pg_cap *c,
				uint16_t rel)
{
	return (uint32_t)rel + 4 <= c->len ? cfg_rd32(l, (uint32_t)c->offset + rel) : 0;
}

/* Record a diagnostic; beyond PG_CFG_MAX_DIAGS only the dropped counter grows. */
void pg_cfg_diag(struct pg_cfg_layout *l, enum pg_diag_code code, uint16_t off,
		 const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Header and BAR decoding (header.c). */
void pg_cfg_parse_header(struct pg_cfg_layout *l, const struct pg_cfg_bar_sizes *sizes);
/* vendor-invalid when the Vendor ID is 0xffff or 0x0000 (header.c). */
void pg_cfg_check_vendor(struct pg_cfg_layout *l);

/* Capability chain walks (walk.c). */
void pg_cfg_walk_std(struct pg_cfg_layout *l);
void pg_cfg_walk_ext(struct pg_cfg_layout *l);
void pg_cfg_check_overlaps(struct pg_cfg_layout *l);

#endif
