/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Profiles and policy: what a profile lets through is a value compiled into the rows, not
 * code on the hot path (Xen vpci_init_header sets the DomU Command policy with one mask
 * registration). The permissive profile is the guest table with each row's perm_open bits
 * turned into pass-to-hardware bits that are audited whenever a write changes them; rows
 * whose semantics must survive (BARs, capability chain, interrupt routing, PM state, FLR)
 * have no perm_open bits.
 *
 * Policy register rules open bytes on top of the profile. They may never take over a
 * register the mediator must keep mediating: a rule overlapping a mediated row makes
 * compilation fail (-EEXIST) rather than silently dropping either.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>

#include "mediator-private.h"

int pg_med_add(struct pg_mediator *m, const struct pg_reg *r, uint16_t *ret_idx)
{
	struct pg_reg x = *r;
	uint32_t open = x.perm_open & ~(x.pass | x.rw1c);

	x.paudit = 0;
	x.pvalue = 0;
	if (m->profile == PG_PROFILE_PERMISSIVE && open) {
		x.pass |= open;
		x.virt &= ~open;
		x.ro &= ~open;
		x.deny &= ~open;
		x.rsvdp &= ~open;
		x.rsvdz &= ~open;
		x.wo &= ~open;
		x.value &= x.virt;
		x.paudit = open;
		/* reference value for "changed": what the hardware held at compile time */
		x.pvalue = pg_med_snap(m, x.off, x.size) & open;
	}
	return pg_regtable_add(&m->rt, &x, ret_idx);
}

void pg_med_def_row(const struct pg_mediator *m, uint16_t base, const struct pg_row_def *def,
		    uint32_t value, struct pg_reg *ret)
{
	uint32_t all = pg_size_mask(def->size);

	memset(ret, 0, sizeof(*ret));
	ret->off = (uint16_t)(base + def->rel);
	ret->size = def->size;
	ret->pass = def->pass & all;
	ret->rw1c = def->rw1c & all;
	ret->rsvdp = def->rsvdp & all;
	ret->rsvdz = def->rsvdz & all;
	ret->ro = def->ro & all;
	ret->deny = def->deny & all;
	ret->virt = def->virt & all;
	ret->wo = def->wo & all;
	ret->perm_open = def->perm_open & all;
	ret->value = ((pg_med_snap(m, ret->off, def->size) & def->snap) | value) & ret->virt;
	ret->write = def->write;
	pg_reg_set_id(ret, def->id, NULL);
}

int pg_med_add_def(struct pg_mediator *m, uint16_t base, const struct pg_row_def *def,
		   uint32_t value, uint16_t *ret_idx)
{
	struct pg_reg r;

	pg_med_def_row(m, base, def, value, &r);
	return pg_med_add(m, &r, ret_idx);
}

int pg_med_add_defs(struct pg_mediator *m, uint16_t base, const struct pg_row_def *defs,
		    size_t n, uint32_t len, uint16_t *ret_idx)
{
	int rc = 0;

	for (size_t i = 0; i < n && rc == 0; i++) {
		uint16_t idx = PG_ROW_NONE;

		if ((uint32_t)defs[i].rel + defs[i].size <= len)
			rc = pg_med_add_def(m, base, &defs[i], 0, &idx);
		if (ret_idx)
			ret_idx[i] = idx;
	}
	return rc;
}

int pg_med_ro_rows(struct pg_mediator *m, uint16_t from, uint16_t to, const char *id)
{
	int rc;

	for (uint32_t p = from; p < to;) {
		uint8_t s = (p % 4u == 0 && p + 4u <= to) ? 4 : (p % 2u == 0 && p + 2u <= to) ? 2 : 1;
		/* read from the hardware, never written (permissive: written through) */
		const struct pg_row_def ro = { .size = s, .id = id, .ro = 0xffffffffu,
					       .perm_open = 0xffffffffu };

		rc = pg_med_add_def(m, (uint16_t)p, &ro, 0, NULL);
		if (rc < 0)
			return rc;
		p += s;
	}
	return 0;
}

/* Guest and device-model allow-list (Xen supported_caps[] plus PM and a filtered PCIe
 * capability, which Linux drivers need for MPS/ASPM/FLR handling). */
static bool default_allowed(enum pg_profile p, bool extended, uint16_t id)
{
	if (p == PG_PROFILE_PERMISSIVE)
		return true;
	if (extended)
		return false;
	return id == PG_CAP_PM || id == PG_CAP_MSI || id == PG_CAP_MSIX || id == PG_CAP_EXP;
}

static bool listed(const struct pg_policy_cap *caps, size_t n, bool extended, uint16_t id)
{
	for (size_t i = 0; caps && i < n && i < PG_POLICY_MAX_CAPS; i++)
		if (caps[i].extended == extended && caps[i].id == id)
			return true;
	return false;
}

bool pg_med_cap_allowed(const struct pg_mediator *m, const struct pg_policy_entry *pol,
			bool extended, uint16_t id)
{
	if (pol && listed(pol->cap_remove, pol->n_cap_remove, extended, id))
		return false;
	if (pol && listed(pol->cap_add, pol->n_cap_add, extended, id))
		return true;
	return default_allowed(m->profile, extended, id);
}

bool pg_med_policy_covers(const struct pg_policy_entry *pol, uint16_t off)
{
	for (size_t i = 0; pol && pol->regs && i < pol->nregs && i < PG_POLICY_MAX_REGS; i++) {
		const struct pg_policy_reg *r = &pol->regs[i];

		if (off >= r->offset && off < (uint32_t)r->offset + r->size)
			return true;
	}
	return false;
}

/* One policy rule as a row. Bits outside an access rule's mask read 0 and their changes
 * are audited under the rule's id. */
static void policy_row(const struct pg_policy_reg *pr, struct pg_reg *r)
{
	uint32_t all = pg_size_mask(pr->size);
	uint32_t mask = pr->mask & all;

	memset(r, 0, sizeof(*r));
	r->off = pr->offset;
	r->size = pr->size;
	(void)snprintf(r->id, sizeof(r->id), "policy:%u", pr->line);
	if (pr->emulate) {
		r->virt = all;
		r->ro = all;
		r->value = pr->value & all;
		return;
	}
	if (pr->access & PG_POLICY_ACCESS_WRITE) {
		r->pass = mask;
		if (!(pr->access & PG_POLICY_ACCESS_READ))
			r->wo = mask;
	} else {
		r->ro = mask;
	}
	r->virt = all & ~mask;
	r->deny = all & ~mask;
	r->perm_open = all & ~r->pass;
}

int pg_med_policy_rows(struct pg_mediator *m, const struct pg_policy_entry *pol)
{
	struct pg_reg r;
	int rc;

	for (size_t i = 0; pol && pol->regs && i < pol->nregs; i++) {
		const struct pg_policy_reg *pr = &pol->regs[i];

		if (i >= PG_POLICY_MAX_REGS)
			return -E2BIG;
		if ((uint32_t)pr->offset + pr->size > m->cfg_len) {
			pg_med_log(m, LOG_ERR, "policy rule at line %u: 0x%03x/%u lies beyond the "
				   "%u config bytes", pr->line, pr->offset, pr->size, m->cfg_len);
			return -EINVAL;
		}
		policy_row(pr, &r);
		rc = pg_med_add(m, &r, NULL);
		if (rc == -EEXIST) {
			const struct pg_reg *o = pg_regtable_row_at(&m->rt, pr->offset);

			for (unsigned b = 0; !o && b < pr->size; b++)
				o = pg_regtable_row_at(&m->rt, (uint16_t)(pr->offset + b));
			pg_med_log(m, LOG_ERR, "policy rule at line %u (0x%03x/%u) overlaps the "
				   "mediated register %s", pr->line, pr->offset, pr->size,
				   o ? o->id : "?");
		} else if (rc < 0) {
			pg_med_log(m, LOG_ERR, "policy rule at line %u (0x%03x/%u) rejected: %s",
				   pr->line, pr->offset, pr->size, strerror(-rc));
		}
		if (rc < 0)
			return rc;
	}
	return 0;
}
