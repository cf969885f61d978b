/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Match keys and lookup precedence.
 *
 * Syntax (all IDs hex, fixed width so "80:15b8" cannot silently mean 0x0080):
 *     VVVV:DEVICE[:SSSS:TTTT][@RR]     DEVICE = DDDD | DDDD-DDDD | *
 *     class:BBSS | class:BBxx          base class and subclass, or a whole base class
 *     slot:[DDDD:]BB:DD.F              one PCI address
 *
 * A slot names one physical function and beats every ID key; a class describes a kind of
 * device and loses to every ID key (see tier()).
 *
 * Precedence (documented in policy.h and pcigate-policy(5)): first the tier, where the
 * subsystem pair counts more than the revision (a subsystem names a board, a revision only a
 * stepping of the same silicon), then the narrower device range. Validation keeps the
 * winner unique, so the answer never depends on the order of entries in the file: an
 * attacker who can append to a policy cannot shadow an entry by writing the same key later.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "policy-private.h"
#include "util/util.h"

#include <pcigate/backend.h> /* pg_bdf_parse() */

/* ndig hex digits at *p, more may follow; advances *p. */
static bool hex_fixed_prefix(const char **p, unsigned ndig, uint16_t *ret)
{
	unsigned v = 0;

	for (unsigned i = 0; i < ndig; i++) {
		int d = pg_util_hexval((*p)[i]);

		if (d < 0)
			return false;
		v = v << 4 | (unsigned)d;
	}
	*p += ndig;
	*ret = (uint16_t)v;
	return true;
}

/* Exactly ndig hex digits at *p; advances *p. */
static bool hex_fixed(const char **p, unsigned ndig, uint16_t *ret)
{
	const char *q = *p;

	if (!hex_fixed_prefix(&q, ndig, ret) || pg_util_hexval(*q) >= 0)
		return false; /* too few or too many digits */
	*p = q;
	return true;
}

static bool parse_device(const char **p, struct pg_policy_match *m, const char **why)
{
	if (**p == '*') {
		(*p)++;
		m->device_lo = 0x0000;
		m->device_hi = 0xffff;
		return true;
	}
	if (!hex_fixed(p, 4, &m->device_lo)) {
		*why = "device ID must be 4 hex digits, a range DDDD-DDDD or *";
		return false;
	}
	m->device_hi = m->device_lo;
	if (**p != '-')
		return true;
	(*p)++;
	if (!hex_fixed(p, 4, &m->device_hi)) {
		*why = "device range end must be 4 hex digits";
		return false;
	}
	if (m->device_hi <= m->device_lo) {
		*why = "device range must go from low to high (write one ID as DDDD)";
		return false;
	}
	return true;
}

static bool parse_tail(const char **p, struct pg_policy_match *m, const char **why)
{
	if (**p == ':') {
		(*p)++;
		m->has_subsys = true;
		if (!hex_fixed(p, 4, &m->subvendor) || *(*p)++ != ':' ||
		    !hex_fixed(p, 4, &m->subdevice)) {
			*why = "subsystem must be :SSSS:TTTT (4 hex digits each)";
			return false;
		}
	}
	if (**p == '@') {
		uint16_t rev;

		(*p)++;
		m->has_revision = true;
		if (!hex_fixed(p, 2, &rev)) {
			*why = "revision must be @RR (2 hex digits)";
			return false;
		}
		m->revision = (uint8_t)rev;
	}
	if (**p) {
		*why = "unexpected text after the key (expected :SSSS:TTTT or @RR)";
		return false;
	}
	return true;
}

/* "class:BBSS" (base class and subclass) or "class:BBxx" (any subclass of base BB). The
 * programming interface is never part of the key: it says how software talks to the
 * function, not what it is, and a wildcard there would only add a tier nobody needs. */
static int parse_class(const char *p, struct pg_policy_match *m, const char **why)
{
	uint16_t base, sub = 0;

	m->kind = PG_POLICY_MATCH_CLASS;
	if (!hex_fixed_prefix(&p, 2, &base)) {
		*why = "class must be class:BBSS or class:BBxx (hex base class and subclass)";
		return -EINVAL;
	}
	if ((p[0] == 'x' || p[0] == 'X') && (p[1] == 'x' || p[1] == 'X') && !p[2]) {
		m->class_any_sub = true;
	} else if (!hex_fixed(&p, 2, &sub) || *p) {
		*why = "class must be class:BBSS or class:BBxx (hex base class and subclass)";
		return -EINVAL;
	}
	m->class_code = (uint16_t)(base << 8 | sub);
	return 0;
}

/* "slot:[DDDD:]BB:DD.F": one PCI address, stored canonical (pg_bdf_parse()). */
static int parse_slot(const char *p, struct pg_policy_match *m, const char **why)
{
	m->kind = PG_POLICY_MATCH_SLOT;
	if (pg_bdf_parse(p, m->slot) < 0) {
		*why = "slot must be slot:[DDDD:]BB:DD.F (a PCI address)";
		return -EINVAL;
	}
	return 0;
}

int pp_match_parse(const char *text, struct pg_policy_match *ret, const char **ret_why)
{
	struct pg_policy_match m;
	const char *p = text;

	memset(&m, 0, sizeof(m));
	if (!strncmp(text, "class:", 6) || !strncmp(text, "slot:", 5)) {
		int rc = text[0] == 'c' ? parse_class(text + 6, &m, ret_why) :
					  parse_slot(text + 5, &m, ret_why);

		if (rc == 0)
			*ret = m;
		return rc;
	}
	if (!hex_fixed(&p, 4, &m.vendor) || *p++ != ':') {
		*ret_why = "expected VVVV:DDDD (4 hex digits each)";
		return -EINVAL;
	}
	if (m.vendor == 0xffff) {
		*ret_why = "vendor ffff is not a device (it is what an empty slot reads)";
		return -EINVAL;
	}
	if (!parse_device(&p, &m, ret_why) || !parse_tail(&p, &m, ret_why))
		return -EINVAL;
	*ret = m;
	return 0;
}

int pg_policy_match_format(const struct pg_policy_match *m, char *buf, size_t size)
{
	char dev[16], sub[16] = "", rev[8] = "";

	if (m->kind == PG_POLICY_MATCH_SLOT)
		return snprintf(buf, size, "slot:%s", m->slot);
	if (m->kind == PG_POLICY_MATCH_CLASS && m->class_any_sub)
		return snprintf(buf, size, "class:%02xxx", m->class_code >> 8);
	if (m->kind == PG_POLICY_MATCH_CLASS)
		return snprintf(buf, size, "class:%04x", m->class_code);
	if (m->device_lo == 0 && m->device_hi == 0xffff)
		(void)snprintf(dev, sizeof(dev), "*");
	else if (m->device_lo == m->device_hi)
		(void)snprintf(dev, sizeof(dev), "%04x", m->device_lo);
	else
		(void)snprintf(dev, sizeof(dev), "%04x-%04x", m->device_lo, m->device_hi);
	if (m->has_subsys)
		(void)snprintf(sub, sizeof(sub), ":%04x:%04x", m->subvendor, m->subdevice);
	if (m->has_revision)
		(void)snprintf(rev, sizeof(rev), "@%02x", m->revision);
	return snprintf(buf, size, "%04x:%s%s%s", m->vendor, dev, sub, rev);
}

bool pg_policy_match_device(const struct pg_policy_match *m, uint16_t vendor, uint16_t device,
			    uint16_t subvendor, uint16_t subdevice, uint8_t revision)
{
	if (m->kind != PG_POLICY_MATCH_IDS)
		return false;
	if (m->vendor != vendor || device < m->device_lo || device > m->device_hi)
		return false;
	if (m->has_subsys && (m->subvendor != subvendor || m->subdevice != subdevice))
		return false;
	return !m->has_revision || m->revision == revision;
}

bool pg_policy_match_dev(const struct pg_policy_match *m, const struct pg_policy_device *d)
{
	switch (m->kind) {
	case PG_POLICY_MATCH_SLOT:
		return d->slot[0] && !strcmp(m->slot, d->slot);
	case PG_POLICY_MATCH_CLASS:
		if (m->class_any_sub)
			return (d->class_code >> 16) == (uint32_t)(m->class_code >> 8);
		return (d->class_code >> 8) == m->class_code;
	default:
		return pg_policy_match_device(m, d->vendor, d->device, d->subvendor,
					      d->subdevice, d->revision);
	}
}

/* Rank, most specific highest: slot (one physical function) 6; the ID tiers 2-5; a class
 * with its subclass 1; a base class alone 0. */
static unsigned tier(const struct pg_policy_match *m)
{
	if (m->kind == PG_POLICY_MATCH_SLOT)
		return 6;
	if (m->kind == PG_POLICY_MATCH_CLASS)
		return m->class_any_sub ? 0u : 1u;
	return 2u + (m->has_subsys ? 2u : 0u) + (m->has_revision ? 1u : 0u);
}

static unsigned width(const struct pg_policy_match *m)
{
	return (unsigned)m->device_hi - m->device_lo;
}

const struct pg_policy_entry *pg_policy_lookup(const struct pg_policy *policy, uint16_t vendor,
					       uint16_t device, uint16_t subvendor,
					       uint16_t subdevice, uint8_t revision)
{
	struct pg_policy_device d = { .vendor = vendor, .device = device,
		.subvendor = subvendor, .subdevice = subdevice, .revision = revision };

	/* No class or slot is known here: those entries must not match, never a guess. */
	d.class_code = PG_POLICY_CLASS_UNKNOWN;
	return pg_policy_lookup_device(policy, &d);
}

const struct pg_policy_entry *pg_policy_lookup_device(const struct pg_policy *policy,
						      const struct pg_policy_device *dev)
{
	const struct pg_policy_entry *best = NULL;

	if (!policy || !dev)
		return NULL;
	for (size_t i = 0; i < policy->n; i++) {
		const struct pg_policy_entry *e = &policy->entries[i];

		if (!pg_policy_match_dev(&e->match, dev))
			continue;
		if (!best || tier(&e->match) > tier(&best->match) ||
		    (tier(&e->match) == tier(&best->match) &&
		     width(&e->match) < width(&best->match)))
			best = e;
	}
	return best;
}

/* Same vendor, tier, subsystem and revision: only the device ranges tell the keys apart. */
static bool same_slot(const struct pg_policy_match *a, const struct pg_policy_match *b)
{
	if (a->kind != PG_POLICY_MATCH_IDS || b->kind != PG_POLICY_MATCH_IDS)
		return false;
	if (a->vendor != b->vendor || a->has_subsys != b->has_subsys ||
	    a->has_revision != b->has_revision)
		return false;
	if (a->has_subsys && (a->subvendor != b->subvendor || a->subdevice != b->subdevice))
		return false;
	return !a->has_revision || a->revision == b->revision;
}

bool pp_match_conflict(const struct pg_policy_match *m, const struct pg_policy_match *o,
		       unsigned o_line, char *why, size_t size)
{
	bool disjoint = m->device_hi < o->device_lo || o->device_hi < m->device_lo;
	bool nested = (m->device_lo >= o->device_lo && m->device_hi <= o->device_hi) ||
		      (o->device_lo >= m->device_lo && o->device_hi <= m->device_hi);
	char mine[32], theirs[32];

	(void)pg_policy_match_format(m, mine, sizeof(mine));
	(void)pg_policy_match_format(o, theirs, sizeof(theirs));
	if (m->kind != PG_POLICY_MATCH_IDS && !strcmp(mine, theirs)) {
		(void)snprintf(why, size, "duplicate match key '%s' (first at line %u)", mine,
			       o_line);
		return true;
	}
	if (!same_slot(m, o) || disjoint)
		return false;
	if (m->device_lo == o->device_lo && m->device_hi == o->device_hi)
		(void)snprintf(why, size, "duplicate match key '%s' (first at line %u)", mine,
			       o_line);
	else if (!nested)
		(void)snprintf(why, size, "match '%s' partly overlaps '%s' (line %u): device "
			       "ranges must be disjoint or nested", mine, theirs, o_line);
	return !nested || (m->device_lo == o->device_lo && m->device_hi == o->device_hi);
}

int pp_match_check(struct pp_ctx *c, const yaml_mark_t *mark, const struct pg_policy_match *m)
{
	char why[160];

	for (size_t i = 0; i < c->pol->n; i++)
		if (pp_match_conflict(m, &c->pol->entries[i].match, c->pol->entries[i].line, why,
				      sizeof(why)))
			return pp_fail(c, mark, -EINVAL, "%s", why);
	return 0;
}
