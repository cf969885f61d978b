/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: policy text (pcigate-policy(5), a hostile file from whoever manages the
 * host) through pg_policy_load_buf(), then every guarantee the header promises about a
 * loaded policy is checked against the entries, and lookups are compared with a reference
 * model (a brute-force scan written from the documented precedence rules).
 *
 * On rejection: the return code is one of the documented ones, the output is untouched and
 * the error message is a terminated, non-empty string with a sane position.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <pcigate/policy.h>

#include "fuzz-common.h"

#define CHECK(cond) do { if (!(cond)) abort(); } while (0)

static bool header_byte_allowed(unsigned off)
{
	return off >= 0x40 || off == 0x0c || off == 0x0d || off == 0x0f;
}

static uint32_t full_mask(unsigned size)
{
	return size == 4 ? 0xffffffffu : (1u << (8 * size)) - 1;
}

static void check_regs(const struct pg_policy_entry *e)
{
	CHECK(e->nregs <= PG_POLICY_MAX_REGS);
	CHECK((e->nregs == 0) == (e->regs == NULL));
	for (size_t i = 0; i < e->nregs; i++) {
		const struct pg_policy_reg *r = &e->regs[i];

		CHECK(r->size == 1 || r->size == 2 || r->size == 4);
		CHECK(r->offset % r->size == 0 && r->offset + r->size <= PG_CFG_EXT_LEN);
		for (unsigned b = r->offset; b < r->offset + r->size; b++)
			CHECK(header_byte_allowed(b));
		CHECK(r->mask != 0 && (r->mask & ~full_mask(r->size)) == 0);
		CHECK((r->value & ~full_mask(r->size)) == 0);
		CHECK(r->emulate == (r->access == 0));
		CHECK((r->access & ~(PG_POLICY_ACCESS_READ | PG_POLICY_ACCESS_WRITE)) == 0);
		CHECK(!r->emulate || r->mask == full_mask(r->size));
		CHECK(r->emulate || r->value == 0);
		CHECK(r->line > 0);
		/* sorted, and no byte shared with the next rule */
		CHECK(i == 0 || e->regs[i - 1].offset + e->regs[i - 1].size <= r->offset);
	}
}

static void check_caps(const struct pg_policy_cap *caps, size_t n,
		       const struct pg_policy_cap *other, size_t nother)
{
	CHECK(n <= PG_POLICY_MAX_CAPS);
	CHECK((n == 0) == (caps == NULL));
	for (size_t i = 0; i < n; i++) {
		const char *name = pg_policy_cap_name(caps[i].extended, caps[i].id);

		CHECK(caps[i].id != 0 && name != NULL);
		for (size_t j = 0; j < i; j++)
			CHECK(caps[j].extended != caps[i].extended || caps[j].id != caps[i].id);
		for (size_t j = 0; j < nother; j++)
			CHECK(other[j].extended != caps[i].extended || other[j].id != caps[i].id);
	}
}

static void check_entry(const struct pg_policy_entry *e)
{
	uint32_t seen = 0;

	if (e->match.kind == PG_POLICY_MATCH_IDS)
		CHECK(e->match.vendor != 0xffff && e->match.device_lo <= e->match.device_hi);
	else if (e->match.kind == PG_POLICY_MATCH_CLASS)
		CHECK(!e->match.class_any_sub || (e->match.class_code & 0xff) == 0);
	else
		CHECK(e->match.kind == PG_POLICY_MATCH_SLOT && strlen(e->match.slot) == 12);
	CHECK(memchr(e->name, '\0', sizeof(e->name)) != NULL);
	for (const char *p = e->name; *p; p++)
		CHECK(*p >= 0x20 && *p <= 0x7e);
	CHECK((unsigned)e->profile < PG_PROFILE__COUNT);
	CHECK(strcmp(pg_profile_name(e->profile), "invalid") != 0);
	check_caps(e->cap_add, e->n_cap_add, e->cap_remove, e->n_cap_remove);
	check_caps(e->cap_remove, e->n_cap_remove, e->cap_add, e->n_cap_add);
	check_regs(e);
	CHECK(e->n_reset_prefer <= PG_POLICY_MAX_RESET);
	for (unsigned i = 0; i < e->n_reset_prefer; i++) {
		uint32_t bit = PG_POLICY_RESET_BIT(e->reset_prefer[i]);

		CHECK(e->reset_prefer[i] >= PG_RESET_FLR && e->reset_prefer[i] <= PG_RESET_BUS);
		CHECK(!(seen & bit) && !(e->reset_avoid & bit));
		seen |= bit;
	}
	CHECK((e->reset_avoid & ~(PG_POLICY_RESET_BIT(PG_RESET_FLR) |
				  PG_POLICY_RESET_BIT(PG_RESET_PM) |
				  PG_POLICY_RESET_BIT(PG_RESET_BUS))) == 0);
	CHECK((e->flags & ~PG_POLICY_F__ALL) == 0);
	CHECK(e->line > 0 && e->column > 0);
}

/* pcigate-policy(5), Precedence: slot, then the four ID tiers, then class:BBSS, class:BBxx. */
static unsigned tier(const struct pg_policy_match *m)
{
	if (m->kind == PG_POLICY_MATCH_SLOT)
		return 6;
	if (m->kind == PG_POLICY_MATCH_CLASS)
		return m->class_any_sub ? 0 : 1;
	return 2 + (m->has_subsys ? 2u : 0u) + (m->has_revision ? 1u : 0u);
}

/* Reference matcher for a full device, from the man page's wording. */
static bool ref_match(const struct pg_policy_match *m, const struct pg_policy_device *d)
{
	if (m->kind == PG_POLICY_MATCH_SLOT)
		return strcmp(m->slot, d->slot) == 0;
	if (m->kind == PG_POLICY_MATCH_CLASS)
		return m->class_any_sub ? d->class_code >> 16 == (uint32_t)m->class_code >> 8 :
					  d->class_code >> 8 == m->class_code;
	return m->vendor == d->vendor && d->device >= m->device_lo &&
	       d->device <= m->device_hi &&
	       (!m->has_subsys || (m->subvendor == d->subvendor &&
				   m->subdevice == d->subdevice)) &&
	       (!m->has_revision || m->revision == d->revision);
}

/* Reference lookup of a full device: the unique maximum by (tier, -width). */
static void check_lookup_dev(const struct pg_policy *p, const struct pg_policy_device *d)
{
	const struct pg_policy_entry *got = pg_policy_lookup_device(p, d);
	const struct pg_policy_entry *best = NULL;

	for (size_t i = 0; i < pg_policy_count(p); i++) {
		const struct pg_policy_entry *e = pg_policy_entry_at(p, i);
		unsigned w = (unsigned)(e->match.device_hi - e->match.device_lo);

		if (!ref_match(&e->match, d))
			continue;
		CHECK(pg_policy_match_dev(&e->match, d));
		if (!best || tier(&e->match) > tier(&best->match) ||
		    (tier(&e->match) == tier(&best->match) &&
		     w < (unsigned)(best->match.device_hi - best->match.device_lo)))
			best = e;
	}
	CHECK(got == best);
}

/* Reference lookup: the maximum by (tier, -width) must exist uniquely among matches. */
static void check_lookup(const struct pg_policy *p, uint16_t v, uint16_t d, uint16_t sv,
			 uint16_t sd, uint8_t rev)
{
	const struct pg_policy_entry *got = pg_policy_lookup(p, v, d, sv, sd, rev);
	const struct pg_policy_entry *best = NULL;
	unsigned ties = 0;

	for (size_t i = 0; i < pg_policy_count(p); i++) {
		const struct pg_policy_entry *e = pg_policy_entry_at(p, i);
		unsigned t = tier(&e->match);
		unsigned w = (unsigned)(e->match.device_hi - e->match.device_lo);

		if (!pg_policy_match_device(&e->match, v, d, sv, sd, rev))
			continue;
		if (best && t == tier(&best->match) &&
		    w == (unsigned)(best->match.device_hi - best->match.device_lo)) {
			ties++;
		} else if (!best || t > tier(&best->match) ||
			   (t == tier(&best->match) &&
			    w < (unsigned)(best->match.device_hi - best->match.device_lo))) {
			best = e;
			ties = 0;
		}
	}
	CHECK(ties == 0); /* validation keeps the winner unique */
	CHECK(got == best);
}

static void check_policy(const struct pg_policy *p)
{
	size_t n = pg_policy_count(p);

	CHECK(n <= PG_POLICY_MAX_ENTRIES);
	CHECK(pg_policy_entry_at(p, n) == NULL);
	for (size_t i = 0; i < n; i++) {
		const struct pg_policy_entry *e = pg_policy_entry_at(p, i);
		const struct pg_policy_match *m = &e->match;
		char key[32];

		check_entry(e);
		CHECK(i == 0 || e->line >= pg_policy_entry_at(p, i - 1)->line);
		CHECK(pg_policy_match_format(m, key, sizeof(key)) < (int)sizeof(key));
		/* probe each entry's own corners and its neighbours */
		check_lookup(p, m->vendor, m->device_lo, m->subvendor, m->subdevice, m->revision);
		check_lookup(p, m->vendor, m->device_hi, m->subvendor, m->subdevice, m->revision);
		check_lookup(p, m->vendor, (uint16_t)(m->device_hi + 1), m->subvendor,
			     m->subdevice, (uint8_t)(m->revision + 1));
		check_lookup(p, m->vendor, (uint16_t)(m->device_lo - 1), 0, 0, 0);
		{
			struct pg_policy_device d = { .vendor = m->vendor,
				.device = m->device_lo, .subvendor = m->subvendor,
				.subdevice = m->subdevice, .revision = m->revision,
				.class_code = (uint32_t)m->class_code << 8 | 0x01 };

			memcpy(d.slot, m->slot, sizeof(d.slot));
			check_lookup_dev(p, &d);
			d.class_code ^= 0x100; /* another subclass of the same base class */
			check_lookup_dev(p, &d);
		}
		/* a lookup always returns an entry that matches the device it was asked for */
		CHECK(pg_policy_match_device(m, m->vendor, m->device_lo, m->subvendor,
					     m->subdevice, m->revision) ==
		      (m->kind == PG_POLICY_MATCH_IDS));
	}
	check_lookup(p, 0x8086, 0x15b8, 0x17aa, 0x2233, 0x03);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pg_policy *const sentinel = (struct pg_policy *)(uintptr_t)0x1000;
	struct pg_policy *p = sentinel;
	struct pg_policy_error err;
	int r;

	memset(&err, 0xa5, sizeof(err));
	r = pg_policy_load_buf(data, size, &p, &err);
	if (r < 0) {
		CHECK(r == -EINVAL || r == -E2BIG || r == -ENOMEM);
		CHECK(p == sentinel);
		CHECK(memchr(err.msg, '\0', sizeof(err.msg)) != NULL && err.msg[0] != '\0');
		for (const char *m = err.msg; *m; m++)
			CHECK(*m >= 0x20 && *m <= 0x7e); /* no escape sequences reach a terminal */
		CHECK((err.line == 0) == (err.column == 0));
		CHECK(err.line <= size + 1);
		return 0;
	}
	CHECK(r == 0 && p != sentinel && p != NULL);
	check_policy(p);
	pg_policy_free(p);
	return 0;
}
