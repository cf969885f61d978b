/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The schema walk: one key table per mapping of the format, one handler per key. A key
 * that is not in its table, a key given twice, a value of the wrong kind or a list longer
 * than its limit stops the load at that event (fail closed; nothing partial escapes).
 *
 * There is no recursion: each nesting level of the format is its own function, so the call
 * depth is fixed by the schema (PP_SCHEMA_DEPTH), whatever the file contains.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy-private.h"

#define N_ELEM(a) (sizeof(a) / sizeof((a)[0]))

/* Walk a mapping whose MAPPING_START is the current event. what names it in messages;
 * ret_seen (may be NULL) gets bit i set for each keys[i] present. */
static int walk_map(struct pp_ctx *c, const char *what, const struct pp_key *keys, size_t n,
		    void *obj, uint32_t *ret_seen)
{
	char key[PG_POLICY_MAX_SCALAR + 1];
	yaml_mark_t km;
	uint32_t seen = 0;
	size_t i;
	int r;

	for (;;) {
		if ((r = pp_next(c)) < 0)
			return r;
		if (c->ev.type == YAML_MAPPING_END_EVENT) {
			if (ret_seen)
				*ret_seen = seen;
			return 0;
		}
		if ((r = pp_scalar(c, "a key", key)) < 0)
			return r;
		for (i = 0; i < n && strcmp(keys[i].name, key) != 0; i++)
			;
		if (i == n)
			return pp_fail(c, &c->ev.start_mark, -EINVAL, "unknown key '%.64s' in %s",
				       key, what);
		if (seen & (1u << i))
			return pp_fail(c, &c->ev.start_mark, -EINVAL, "duplicate key '%s' in %s",
				       key, what);
		seen |= 1u << i;
		km = c->ev.start_mark;
		if ((r = keys[i].fn(c, obj, &km)) < 0)
			return r;
	}
}

/* Pull the next event and require a mapping. */
static int expect_map(struct pp_ctx *c, const char *what)
{
	char got[64];
	int r = pp_next(c);

	if (r < 0)
		return r;
	if (c->ev.type != YAML_MAPPING_START_EVENT) {
		pp_describe(c, got, sizeof(got));
		return pp_fail(c, &c->ev.start_mark, -EINVAL, "expected %s (a mapping), got %s",
			       what, got);
	}
	return 0;
}

/* Pull a list and call item() with each item's first event current; at most max items. */
static int walk_seq(struct pp_ctx *c, const char *what, size_t max,
		    int (*item)(struct pp_ctx *c, void *obj, size_t idx), void *obj)
{
	char got[64];
	int r = pp_next(c);

	if (r < 0)
		return r;
	if (c->ev.type != YAML_SEQUENCE_START_EVENT) {
		pp_describe(c, got, sizeof(got));
		return pp_fail(c, &c->ev.start_mark, -EINVAL, "expected %s (a list), got %s",
			       what, got);
	}
	for (size_t idx = 0;; idx++) {
		if ((r = pp_next(c)) < 0)
			return r;
		if (c->ev.type == YAML_SEQUENCE_END_EVENT)
			return 0;
		if (idx >= max)
			return pp_fail(c, &c->ev.start_mark, -E2BIG,
				       "too many items in %s (at most %zu)", what, max);
		if ((r = item(c, obj, idx)) < 0)
			return r;
	}
}

/* ---- register rules ------------------------------------------------------------------ */

#define ONE_OF_MSG "a rule has either 'access' or 'emulate', not both"

static int reg_offset(struct pp_ctx *c, void *obj, const yaml_mark_t *key)
{
	struct pp_reg *rr = obj;
	uint32_t v;
	int r;

	if ((r = pp_next(c)) < 0 || (r = pp_number(c, "an offset", &v)) < 0)
		return r;
	rr->m_offset = c->ev.start_mark;
	if (v >= PG_CFG_EXT_LEN)
		return pp_fail(c, &rr->m_offset, -EINVAL,
			       "offset 0x%x is beyond config space (0x0-0xfff)", v);
	rr->r.offset = (uint16_t)v;
	rr->has_offset = true;
	return 0;
}

static int reg_size(struct pp_ctx *c, void *obj, const yaml_mark_t *key)
{
	struct pp_reg *rr = obj;
	uint32_t v;
	int r;

	if ((r = pp_next(c)) < 0 || (r = pp_number(c, "a size", &v)) < 0)
		return r;
	rr->m_size = c->ev.start_mark;
	if (v != 1 && v != 2 && v != 4)
		return pp_fail(c, &rr->m_size, -EINVAL, "size must be 1, 2 or 4, not %u", v);
	rr->r.size = (uint8_t)v;
	rr->has_size = true;
	return 0;
}

static int reg_access(struct pp_ctx *c, void *obj, const yaml_mark_t *key)
{
	struct pp_reg *rr = obj;
	char text[PG_POLICY_MAX_SCALAR + 1];
	int r;

	if (rr->has_emulate)
		return pp_fail(c, key, -EINVAL, ONE_OF_MSG);
	if ((r = pp_next(c)) < 0 || (r = pp_scalar(c, "an access mode", text)) < 0)
		return r;
	rr->r.access = pp_access_parse(text);
	if (!rr->r.access)
		return pp_fail(c, &c->ev.start_mark, -EINVAL,
			       "unknown access '%.40s' (expected read, write or read-write)", text);
	rr->has_access = true;
	return 0;
}

static int reg_mask(struct pp_ctx *c, void *obj, const yaml_mark_t *key)
{
	struct pp_reg *rr = obj;
	int r;

	if (rr->has_emulate)
		return pp_fail(c, key, -EINVAL,
			       "'mask' belongs to access rules; an emulated register is whole");
	if ((r = pp_next(c)) < 0 || (r = pp_number(c, "a mask", &rr->r.mask)) < 0)
		return r;
	rr->m_mask = c->ev.start_mark;
	rr->has_mask = true;
	return 0;
}

static int reg_emulate(struct pp_ctx *c, void *obj, const yaml_mark_t *key)
{
	struct pp_reg *rr = obj;
	int r;

	if (rr->has_access)
		return pp_fail(c, key, -EINVAL, ONE_OF_MSG);
	if (rr->has_mask)
		return pp_fail(c, key, -EINVAL,
			       "'mask' belongs to access rules; an emulated register is whole");
	if ((r = pp_next(c)) < 0 || (r = pp_number(c, "an emulated value", &rr->r.value)) < 0)
		return r;
	rr->m_emulate = c->ev.start_mark;
	rr->r.emulate = true;
	rr->has_emulate = true;
	return 0;
}

static const struct pp_key reg_keys[] = {
	{ "offset", reg_offset }, { "size", reg_size }, { "access", reg_access },
	{ "mask", reg_mask }, { "emulate", reg_emulate },
};

static int reg_item(struct pp_ctx *c, void *obj, size_t idx)
{
	struct pp_entry *pe = obj;
	struct pp_reg rr;
	char got[64];
	int r;

	if (c->ev.type != YAML_MAPPING_START_EVENT) {
		pp_describe(c, got, sizeof(got));
		return pp_fail(c, &c->ev.start_mark, -EINVAL,
			       "expected a register rule (a mapping), got %s", got);
	}
	memset(&rr, 0, sizeof(rr));
	rr.m_start = c->ev.start_mark;
	rr.r.line = (unsigned)rr.m_start.line + 1;
	r = walk_map(c, "register rule", reg_keys, N_ELEM(reg_keys), &rr, NULL);
	if (r == 0)
		r = pp_reg_validate(c, &rr, pe->regs, idx);
	if (r < 0)
		return r;
	pe->regs[idx] = rr.r;
	pe->e.nregs = idx + 1;
	return 0;
}

static int entry_registers(struct pp_ctx *c, void *obj, const yaml_mark_t *key)
{
	return walk_seq(c, "registers", PG_POLICY_MAX_REGS, reg_item, obj);
}

/* ---- capabilities -------------------------------------------------------------------- */

static bool cap_in(const struct pg_policy_cap *list, size_t n, const struct pg_policy_cap *cap)
{
	for (size_t i = 0; i < n; i++)
		if (list[i].extended == cap->extended && list[i].id == cap->id)
			return true;
	return false;
}

static int cap_item(struct pp_ctx *c, struct pp_entry *pe, size_t idx, bool add)
{
	char text[PG_POLICY_MAX_SCALAR + 1];
	struct pg_policy_cap cap;
	struct pg_policy_cap *mine = add ? pe->add : pe->rem;
	const struct pg_policy_cap *other = add ? pe->rem : pe->add;
	size_t nother = add ? pe->e.n_cap_remove : pe->e.n_cap_add;
	int r = pp_scalar(c, "a capability name or ID", text);

	if (r < 0)
		return r;
	if (pg_policy_cap_parse(text, &cap) < 0)
		return pp_fail(c, &c->ev.start_mark, -EINVAL,
			       "unknown capability '%.40s' (a name such as msix or ext:aer, or a "
			       "known ID such as 0x11 or ext:0x01)", text);
	if (cap_in(mine, idx, &cap))
		return pp_fail(c, &c->ev.start_mark, -EINVAL, "capability '%s' listed twice",
			       pg_policy_cap_name(cap.extended, cap.id));
	if (cap_in(other, nother, &cap))
		return pp_fail(c, &c->ev.start_mark, -EINVAL,
			       "capability '%s' is both added and removed",
			       pg_policy_cap_name(cap.extended, cap.id));
	mine[idx] = cap;
	if (add)
		pe->e.n_cap_add = idx + 1;
	else
		pe->e.n_cap_remove = idx + 1;
	return 0;
}

static int add_item(struct pp_ctx *c, void *obj, size_t idx)
{
	return cap_item(c, obj, idx, true);
}

static int rem_item(struct pp_ctx *c, void *obj, size_t idx)
{
	return cap_item(c, obj, idx, false);
}

static int caps_add(struct pp_ctx *c, void *obj, const yaml_mark_t *key)
{
	return walk_seq(c, "capabilities.add", PG_POLICY_MAX_CAPS, add_item, obj);
}

static int caps_remove(struct pp_ctx *c, void *obj, const yaml_mark_t *key)
{
	return walk_seq(c, "capabilities.remove", PG_POLICY_MAX_CAPS, rem_item, obj);
}

static const struct pp_key cap_keys[] = { { "add", caps_add }, { "remove", caps_remove } };

static int entry_capabilities(struct pp_ctx *c, void *obj, const yaml_mark_t *key)
{
	int r = expect_map(c, "capabilities");

	return r < 0 ? r : walk_map(c, "capabilities", cap_keys, N_ELEM(cap_keys), obj, NULL);
}

/* ---- reset --------------------------------------------------------------------------- */

static int reset_method(struct pp_ctx *c, enum pg_reset_method *ret)
{
	char text[PG_POLICY_MAX_SCALAR + 1];
	int r = pp_scalar(c, "a reset method", text);

	if (r < 0)
		return r;
	if (pp_reset_parse(text, ret) < 0)
		return pp_fail(c, &c->ev.start_mark, -EINVAL,
			       "unknown reset method '%.40s' (expected flr, pm or bus)", text);
	return 0;
}

static bool preferred(const struct pg_policy_entry *e, enum pg_reset_method m)
{
	for (unsigned i = 0; i < e->n_reset_prefer; i++)
		if (e->reset_prefer[i] == m)
			return true;
	return false;
}

static int prefer_item(struct pp_ctx *c, void *obj, size_t idx)
{
	struct pg_policy_entry *e = &((struct pp_entry *)obj)->e;
	enum pg_reset_method m;
	int r = reset_method(c, &m);

	if (r < 0)
		return r;
	if (preferred(e, m))
		return pp_fail(c, &c->ev.start_mark, -EINVAL,
			       "reset method '%s' listed twice", pg_policy_reset_name(m));
	if (e->reset_avoid & PG_POLICY_RESET_BIT(m))
		return pp_fail(c, &c->ev.start_mark, -EINVAL,
			       "reset method '%s' is both preferred and avoided",
			       pg_policy_reset_name(m));
	e->reset_prefer[idx] = m;
	e->n_reset_prefer = (uint8_t)(idx + 1);
	return 0;
}

static int avoid_item(struct pp_ctx *c, void *obj, size_t idx)
{
	struct pg_policy_entry *e = &((struct pp_entry *)obj)->e;
	enum pg_reset_method m;
	int r = reset_method(c, &m);

	if (r < 0)
		return r;
	if (e->reset_avoid & PG_POLICY_RESET_BIT(m))
		return pp_fail(c, &c->ev.start_mark, -EINVAL,
			       "reset method '%s' listed twice", pg_policy_reset_name(m));
	if (preferred(e, m))
		return pp_fail(c, &c->ev.start_mark, -EINVAL,
			       "reset method '%s' is both preferred and avoided",
			       pg_policy_reset_name(m));
	e->reset_avoid |= PG_POLICY_RESET_BIT(m);
	return 0;
}

static int reset_prefer(struct pp_ctx *c, void *obj, const yaml_mark_t *key)
{
	return walk_seq(c, "reset.prefer", PG_POLICY_MAX_RESET, prefer_item, obj);
}

static int reset_avoid(struct pp_ctx *c, void *obj, const yaml_mark_t *key)
{
	return walk_seq(c, "reset.avoid", PG_POLICY_MAX_RESET, avoid_item, obj);
}

static const struct pp_key reset_keys[] = {
	{ "prefer", reset_prefer }, { "avoid", reset_avoid },
};

static int entry_reset(struct pp_ctx *c, void *obj, const yaml_mark_t *key)
{
	int r = expect_map(c, "reset");

	return r < 0 ? r : walk_map(c, "reset", reset_keys, N_ELEM(reset_keys), obj, NULL);
}

/* ---- flags, profile, name, match ----------------------------------------------------- */

static int flag_item(struct pp_ctx *c, void *obj, size_t idx)
{
	struct pg_policy_entry *e = &((struct pp_entry *)obj)->e;
	char text[PG_POLICY_MAX_SCALAR + 1];
	uint32_t bit;
	int r = pp_scalar(c, "a flag", text);

	if (r < 0)
		return r;
	bit = pp_flag_parse(text);
	if (!bit)
		return pp_fail(c, &c->ev.start_mark, -EINVAL,
			       "unknown flag '%.40s' (expected no-msix-mmap, no-intx, no-rom, "
			       "no-d3, no-ext-cfg or reset-required)", text);
	if (e->flags & bit)
		return pp_fail(c, &c->ev.start_mark, -EINVAL, "flag '%s' listed twice", text);
	e->flags |= bit;
	return 0;
}

static int entry_flags(struct pp_ctx *c, void *obj, const yaml_mark_t *key)
{
	/* Each flag at most once, so the limit is the number of flags. */
	return walk_seq(c, "flags", 6, flag_item, obj); /* each flag once */
}

static int entry_profile(struct pp_ctx *c, void *obj, const yaml_mark_t *key)
{
	struct pg_policy_entry *e = &((struct pp_entry *)obj)->e;
	char text[PG_POLICY_MAX_SCALAR + 1];
	int r;

	if ((r = pp_next(c)) < 0 || (r = pp_scalar(c, "a profile", text)) < 0)
		return r;
	if (pg_profile_parse(text, &e->profile) < 0)
		return pp_fail(c, &c->ev.start_mark, -EINVAL,
			       "unknown profile '%.40s' (expected guest, device-model or "
			       "permissive)", text);
	return 0;
}

static int entry_name(struct pp_ctx *c, void *obj, const yaml_mark_t *key)
{
	struct pg_policy_entry *e = &((struct pp_entry *)obj)->e;
	char text[PG_POLICY_MAX_SCALAR + 1];
	size_t len;
	int r;

	if ((r = pp_next(c)) < 0 || (r = pp_scalar(c, "a name", text)) < 0)
		return r;
	len = strlen(text);
	if (len == 0 || len >= PG_POLICY_NAME_LEN)
		return pp_fail(c, &c->ev.start_mark, -EINVAL, "name must be 1-%u characters",
			       PG_POLICY_NAME_LEN - 1);
	/* Printable ASCII only: names end up in logs and terminals (no escape sequences). */
	for (size_t i = 0; i < len; i++)
		if (text[i] < 0x20 || text[i] > 0x7e)
			return pp_fail(c, &c->ev.start_mark, -EINVAL,
				       "name may hold printable ASCII only");
	memcpy(e->name, text, len + 1);
	return 0;
}

static int entry_match(struct pp_ctx *c, void *obj, const yaml_mark_t *key)
{
	struct pp_entry *pe = obj;
	char text[PG_POLICY_MAX_SCALAR + 1];
	const char *why = NULL;
	int r;

	if ((r = pp_next(c)) < 0 || (r = pp_scalar(c, "a match key", text)) < 0)
		return r;
	if (pp_match_parse(text, &pe->e.match, &why) < 0)
		return pp_fail(c, &c->ev.start_mark, -EINVAL, "bad match '%.40s': %s", text, why);
	if ((r = pp_match_check(c, &c->ev.start_mark, &pe->e.match)) < 0)
		return r;
	pe->has_match = true;
	return 0;
}

static const struct pp_key entry_keys[] = {
	{ "match", entry_match }, { "name", entry_name }, { "profile", entry_profile },
	{ "capabilities", entry_capabilities }, { "registers", entry_registers },
	{ "reset", entry_reset }, { "flags", entry_flags },
};

/* ---- entries and the top level ------------------------------------------------------- */

static int reg_cmp(const void *a, const void *b)
{
	const struct pg_policy_reg *x = a, *y = b;

	return (int)x->offset - (int)y->offset;
}

static int grow(struct pg_policy *pol)
{
	size_t ncap = pol->cap ? pol->cap * 2 : 16;
	struct pg_policy_entry *ne;
	void **nb;

	if (pol->n < pol->cap)
		return 0;
	ne = realloc(pol->entries, ncap * sizeof(*ne));
	if (!ne)
		return -ENOMEM;
	pol->entries = ne;
	nb = realloc(pol->blocks, ncap * sizeof(*nb));
	if (!nb)
		return -ENOMEM;
	pol->blocks = nb;
	pol->cap = ncap;
	return 0;
}

/* Move the scratch entry into the policy: one block for its arrays, regs sorted. */
static int commit_entry(struct pp_ctx *c, struct pp_entry *pe)
{
	struct pg_policy *pol = c->pol;
	struct pg_policy_entry *e = &pe->e;
	size_t rbytes = e->nregs * sizeof(struct pg_policy_reg);
	size_t cbytes = (e->n_cap_add + e->n_cap_remove) * sizeof(struct pg_policy_cap);
	struct pg_policy_reg *regs = NULL;
	struct pg_policy_cap *caps = NULL;
	unsigned char *block = NULL;
	int r = grow(pol);

	if (r < 0)
		return r;
	if (rbytes + cbytes && !(block = malloc(rbytes + cbytes)))
		return -ENOMEM;
	/* Registers first: their alignment (4) is at least that of the caps (2). */
	if (e->nregs) {
		regs = (struct pg_policy_reg *)(void *)block;
		memcpy(regs, pe->regs, rbytes);
		qsort(regs, e->nregs, sizeof(*regs), reg_cmp);
	}
	/* Only when there is a block: NULL + 0 is undefined behaviour (found by fuzz-policy). */
	if (cbytes)
		caps = (struct pg_policy_cap *)(void *)(block + rbytes);
	if (e->n_cap_add)
		memcpy(caps, pe->add, e->n_cap_add * sizeof(*caps));
	if (e->n_cap_remove)
		memcpy(caps + e->n_cap_add, pe->rem, e->n_cap_remove * sizeof(*caps));
	e->regs = regs;
	e->cap_add = e->n_cap_add ? caps : NULL;
	e->cap_remove = e->n_cap_remove ? caps + e->n_cap_add : NULL;
	pol->entries[pol->n] = *e;
	pol->blocks[pol->n] = block;
	pol->n++;
	return 0;
}

static int device_item(struct pp_ctx *c, void *obj, size_t idx)
{
	struct pp_entry *pe = c->cur;
	char got[64];
	int r;

	if (c->ev.type != YAML_MAPPING_START_EVENT) {
		pp_describe(c, got, sizeof(got));
		return pp_fail(c, &c->ev.start_mark, -EINVAL,
			       "expected a device entry (a mapping), got %s", got);
	}
	memset(pe, 0, sizeof(*pe));
	pe->start = c->ev.start_mark;
	pe->e.profile = PG_PROFILE_GUEST;
	pe->e.line = (unsigned)pe->start.line + 1;
	pe->e.column = (unsigned)pe->start.column + 1;
	if ((r = walk_map(c, "device entry", entry_keys, N_ELEM(entry_keys), pe, NULL)) < 0)
		return r;
	if (!pe->has_match)
		return pp_fail(c, &pe->start, -EINVAL, "device entry needs a 'match' key");
	return commit_entry(c, pe);
}

static int top_version(struct pp_ctx *c, void *obj, const yaml_mark_t *key)
{
	int r = pp_next(c);

	return r < 0 ? r : pp_version_value(c);
}

static int top_devices(struct pp_ctx *c, void *obj, const yaml_mark_t *key)
{
	return walk_seq(c, "devices", PG_POLICY_MAX_ENTRIES, device_item, obj);
}

static const struct pp_key top_keys[] = {
	{ "version", top_version }, { "devices", top_devices },
};

int pp_parse_policy(struct pp_ctx *c)
{
	yaml_mark_t top;
	uint32_t seen = 0;
	int r;

	/* The pre-pass has seen a stream start, a document and a top-level mapping. */
	if ((r = pp_next(c)) < 0 || (r = pp_next(c)) < 0 || (r = expect_map(c, "a policy")) < 0)
		return r;
	top = c->ev.start_mark;
	if ((r = walk_map(c, "the policy", top_keys, N_ELEM(top_keys), NULL, &seen)) < 0)
		return r;
	for (size_t i = 0; i < N_ELEM(top_keys); i++)
		if (!(seen & (1u << i)))
			return pp_fail(c, &top, -EINVAL, "missing required key '%s'",
				       top_keys[i].name);
	if ((r = pp_next(c)) < 0)
		return r;
	if (c->ev.type != YAML_DOCUMENT_END_EVENT)
		return pp_fail(c, &c->ev.start_mark, -EINVAL, "unexpected content");
	if ((r = pp_next(c)) < 0)
		return r;
	if (c->ev.type != YAML_STREAM_END_EVENT)
		return pp_fail(c, &c->ev.start_mark, -EINVAL,
			       "a policy file holds exactly one YAML document");
	return 0;
}

/* ---- shared with other YAML formats (guard rules) ----------------------------------- */

int pp_walk_map(struct pp_ctx *c, const char *what, const struct pp_key *keys, size_t n,
		void *obj, uint32_t *ret_seen)
{
	return walk_map(c, what, keys, n, obj, ret_seen);
}

int pp_expect_map(struct pp_ctx *c, const char *what)
{
	return expect_map(c, what);
}

int pp_walk_seq(struct pp_ctx *c, const char *what, size_t max,
		int (*item)(struct pp_ctx *c, void *obj, size_t idx), void *obj)
{
	return walk_seq(c, what, max, item, obj);
}
