/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Internals of the policy module.
 *
 * The loader reads the YAML text through libyaml's event API, never its document loader:
 * events come one at a time and the schema walker rejects the first event that does not
 * fit, so a hostile file can never make us hold more than one entry's scratch state plus
 * the entries accepted so far (each bounded by the PG_POLICY_MAX_* limits). Aliases, anchors
 * and tags are refused outright, which rules out "billion laughs" expansion and type
 * confusion through explicit tags.
 *
 * Files: yaml.c (event stream, errors, scalar and number helpers, the version pre-pass),
 * schema.c (key tables and handlers for every mapping), regs.c (register rule checks),
 * match.c (match keys, precedence, lookup), names.c (name tables), load.c (public entry
 * points and ownership).
 */
#ifndef PG_POLICY_PRIVATE_H
#define PG_POLICY_PRIVATE_H

#include <stdarg.h>
#include <yaml.h>

#include <pcigate/policy.h>

/* A loaded policy: entries in file order. blocks[i] is the one allocation holding entry i's
 * capability and register arrays (NULL when it has none), so the public entry can expose
 * const pointers while the owner frees through a non-const one. */
struct pg_policy {
	struct pg_policy_entry *entries;
	void **blocks;
	size_t n;
	size_t cap;
	char **files;               /* pg_policy_load_dir(): the files read, owned; else NULL */
	size_t nfiles;
};

/* Deepest nesting the schema uses: top map, devices list, entry map, registers list, rule
 * map (or capabilities map, add list). The version pre-pass gives up (and leaves the
 * verdict to the schema walker) beyond a generous multiple of it. */
#define PP_SCHEMA_DEPTH 5u
#define PP_SKIP_DEPTH 16u

/* Scratch state of the device entry being parsed. */
struct pp_entry {
	struct pg_policy_entry e;
	struct pg_policy_cap add[PG_POLICY_MAX_CAPS];
	struct pg_policy_cap rem[PG_POLICY_MAX_CAPS];
	struct pg_policy_reg regs[PG_POLICY_MAX_REGS];
	yaml_mark_t start;
	bool has_match;
};

struct pp_ctx {
	yaml_parser_t parser;
	bool parser_ready;
	yaml_event_t ev;            /* the current event, valid while have_ev */
	bool have_ev;
	const unsigned char *buf;
	size_t len;
	struct pg_policy_error *err;
	struct pg_policy *pol;      /* being built (main pass only) */
	struct pp_entry *cur;       /* entry being parsed (main pass only) */
};

/* ---- yaml.c -------------------------------------------------------------------------- */

int pp_init(struct pp_ctx *c, const void *buf, size_t len, struct pg_policy_error *err);
void pp_done(struct pp_ctx *c);
/* Record the first error (later ones are ignored) at mark m and return rc. */
int pp_fail(struct pp_ctx *c, const yaml_mark_t *m, int rc, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Advance to the next event; syntax errors, aliases, anchors and tags fail here. */
int pp_next(struct pp_ctx *c);
/* "a list", "a mapping", "the value 'x'", "an empty value": what the current event is. */
void pp_describe(const struct pp_ctx *c, char *buf, size_t size);
/* Current event must be a scalar; copy it NUL-terminated into buf (PG_POLICY_MAX_SCALAR+1
 * bytes). what names the expected thing for the error message. */
int pp_scalar(struct pp_ctx *c, const char *what, char *buf);
/* Current event must be a plain scalar holding a decimal or 0x-hex number <= UINT32_MAX. */
int pp_number(struct pp_ctx *c, const char *what, uint32_t *ret);
/* Parse text as a number (decimal without leading zeros, or 0x with 1-8 hex digits). */
int pp_parse_number(const char *text, uint32_t *ret);
/* The version pre-pass: YAML syntax and the version key are judged before the content. */
int pp_check_version(const void *buf, size_t len, struct pg_policy_error *err);
/* Validate a version value (current event). */
int pp_version_value(struct pp_ctx *c);

/* ---- schema.c ------------------------------------------------------------------------ */

/* Walk the whole stream (after pp_init) and fill c->pol. */
int pp_parse_policy(struct pp_ctx *c);

/* One key of a mapping: the key event is current; the handler pulls and consumes the value
 * itself. */
struct pp_key {
	const char *name;
	int (*fn)(struct pp_ctx *c, void *obj, const yaml_mark_t *key);
};

/* The schema walker's building blocks, shared with the guard rule format (src/lib/guard):
 * walk a mapping whose start is the current event against a key table (unknown and
 * duplicate keys fail; at most 32 keys; ret_seen may be NULL); pull the next event and
 * require a mapping; pull a list and call item() for each of at most max items. */
int pp_walk_map(struct pp_ctx *c, const char *what, const struct pp_key *keys, size_t n,
		void *obj, uint32_t *ret_seen);
int pp_expect_map(struct pp_ctx *c, const char *what);
int pp_walk_seq(struct pp_ctx *c, const char *what, size_t max,
		int (*item)(struct pp_ctx *c, void *obj, size_t idx), void *obj);

/* ---- regs.c -------------------------------------------------------------------------- */

/* Field marks of a register rule being parsed, for errors that point at the bad value. */
struct pp_reg {
	struct pg_policy_reg r;
	bool has_offset, has_size, has_access, has_mask, has_emulate;
	yaml_mark_t m_start, m_offset, m_size, m_mask, m_emulate;
};

/* Check a complete rule and its overlap with the rules of the entry so far. */
int pp_reg_validate(struct pp_ctx *c, struct pp_reg *rr, const struct pg_policy_reg *prev,
		    size_t nprev);
/* Parse "read" | "write" | "read-write" into PG_POLICY_ACCESS_* bits; 0 when unknown. */
uint8_t pp_access_parse(const char *text);
/* Reason a policy may not open byte off of the standard header, or NULL if it may. */
const char *pp_header_forbidden(uint16_t off, uint16_t *ret_lo, uint16_t *ret_hi);

/* ---- match.c ------------------------------------------------------------------------- */

/* Parse a match key; on failure *ret_why says what is wrong. */
int pp_match_parse(const char *text, struct pg_policy_match *ret, const char **ret_why);
/* True when keys m and o may not share a policy (duplicate, partial overlap); why says
 * which, naming o's line. */
bool pp_match_conflict(const struct pg_policy_match *m, const struct pg_policy_match *o,
		       unsigned o_line, char *why, size_t size);
/* Check m against the entries loaded so far (duplicates, partial overlaps). */
int pp_match_check(struct pp_ctx *c, const yaml_mark_t *mark, const struct pg_policy_match *m);

/* ---- names.c ------------------------------------------------------------------------- */

/* Reset method by policy name (PG_RESET_FLR/PM/BUS), -EINVAL when unknown. */
int pp_reset_parse(const char *text, enum pg_reset_method *ret);
/* Flag bit by policy name, 0 when unknown. */
uint32_t pp_flag_parse(const char *text);

#endif
