/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Capability registry: one const row per known capability ID, telling its name, how long
 * it is, how to decode its key fields and which fields reports show. Unknown IDs have no
 * row and are reported by name only ("Unknown"), with the minimal header length.
 *
 * A length function sees a capability whose offset is valid and whose header lies inside
 * the available bytes, and may read any field through the bounded cfg_rd*() helpers; it
 * returns the architected length in bytes (the walker clamps it to the available config
 * and to the end of the standard or extended region). A decode function sees the clamped
 * length and must read only through cap_rd*(); it may add diagnostics (cap-field,
 * msix-*). Neither may assume anything about the bytes: they are hostile.
 */
#ifndef PG_CAPS_PRIVATE_H
#define PG_CAPS_PRIVATE_H

#include "../cfg-private.h"

struct pg_cap_ops {
	uint16_t id;
	bool extended;
	const char *name;
	bool unique;          /* at most one per function (cap-duplicate otherwise) */
	uint16_t fixed_len;   /* used when length is NULL */
	uint16_t (*length)(const struct pg_cfg_layout *l, uint16_t off);
	void (*decode)(struct pg_cfg_layout *l, struct pg_cap *cap);
	const struct pg_field *fields;
	size_t nfields;
};

/* Row for (extended, id), or NULL when the ID is not known. */
const struct pg_cap_ops *pg_cap_ops_find(bool extended, uint16_t id);

/* Minimal lengths for unknown IDs: the header only. */
#define PG_CAP_MIN_LEN 2u
#define PG_ECAP_MIN_LEN 4u

/* Field-table helper: FIELD(type, member-path, json_name, hex). */
#define PG_FIELD(ty, member, key, is_hex) \
	{ .name = (key), .type = (ty), .offset = (uint16_t)offsetof(union pg_cap_info, member), \
	  .hex = (is_hex) }
#define PG_NFIELDS(arr) (sizeof(arr) / sizeof((arr)[0]))

#endif
