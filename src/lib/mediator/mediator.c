/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Mediator lifecycle, the convenience decide-and-act calls, the BAR path and accessors.
 *
 * Compilation order matters: header rows first (the capability filter links Status and the
 * capability pointer), then capabilities (hidden ones mark their bytes last), then policy
 * rules, which may open gap and hidden bytes but never a mediated register.
 */
#include <errno.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>

#include "mediator-private.h"
#include "regs.h"

void pg_mediator_config_init(struct pg_mediator_config *cfg)
{
	if (!cfg)
		return;
	memset(cfg, 0, sizeof(*cfg));
	cfg->profile = PG_PROFILE_GUEST;
	cfg->rate.burst = 20;
	cfg->rate.per_sec = 5;
}

/*
 * The reset methods the backend may use, in order: the policy's "prefer" list, else FLR,
 * PM, bus (PCIe Base r5.0 §6.6.2 FLR first: it resets one function only, where a bus reset
 * takes every function behind the bridge), minus every method in "avoid" either way. With
 * neither list the backend chooses (PG_RESET_ANY). Everything avoided leaves nothing: a
 * reset is then refused (-EPERM), never done some other way.
 */
static void reset_order(struct pg_mediator *m, const struct pg_policy_entry *pol)
{
	static const enum pg_reset_method dflt[] = { PG_RESET_FLR, PG_RESET_PM, PG_RESET_BUS };
	const enum pg_reset_method *from = dflt;
	unsigned n = PG_RESET_MAX_METHODS;

	m->n_reset = 0;
	if (!pol || (!pol->n_reset_prefer && !pol->reset_avoid)) {
		m->reset_order[m->n_reset++] = PG_RESET_ANY;
		return;
	}
	if (pol->n_reset_prefer) {
		from = pol->reset_prefer;
		n = pol->n_reset_prefer < PG_POLICY_MAX_RESET ? pol->n_reset_prefer :
								PG_POLICY_MAX_RESET;
	}
	for (unsigned i = 0; i < n && m->n_reset < PG_RESET_MAX_METHODS; i++) {
		bool dup = false;

		if (from[i] == PG_RESET_ANY || (unsigned)from[i] >= PG_RESET__COUNT ||
		    (pol->reset_avoid & PG_POLICY_RESET_BIT(from[i])))
			continue;
		for (unsigned k = 0; k < m->n_reset; k++)
			dup |= m->reset_order[k] == from[i];
		if (!dup)
			m->reset_order[m->n_reset++] = from[i];
	}
}

static void copy_config(struct pg_mediator *m, const struct pg_mediator_config *cfg,
			const struct pg_backend *be)
{
	const struct pg_policy_entry *pol = cfg->policy;
	const char *name = cfg->name ? cfg->name : pg_backend_name(be);

	(void)snprintf(m->name, sizeof(m->name), "%s", name ? name : "device");
	m->profile = pol ? pol->profile : cfg->profile;
	m->log = cfg->log;
	m->log_data = cfg->log_data;
	m->audit = cfg->audit;
	m->audit_data = cfg->audit_data;
	m->effect = cfg->effect;
	m->effect_data = cfg->effect_data;
	m->clock = cfg->clock;
	m->clock_data = cfg->clock_data;
	m->audit_state.rate = cfg->rate;
	m->opts = cfg->options;
	m->vmm_rom_size = cfg->vmm_rom_size;
	m->audit_state.tokens = (uint64_t)cfg->rate.burst * 1000000000ull;
	if (pol)
		m->pflags = pol->flags;
	if (cfg->options & PG_MEDIATOR_OPT_NO_EXT_CFG)
		m->pflags |= PG_POLICY_F_NO_EXT_CFG; /* one rule for both: caps-filter.c */
	reset_order(m, pol);
}

static int snapshot(struct pg_mediator *m, struct pg_cfg_layout **ret)
{
	struct pg_cfg_bar_sizes sizes;
	int n;

	memset(&sizes, 0, sizeof(sizes));
	n = pg_backend_snapshot(m->be, m->snap, &sizes);
	if (n < 0)
		return n;
	if (n < (int)PG_CFG_HDR_LEN || n > (int)PG_CFG_EXT_LEN) {
		pg_med_log(m, LOG_ERR, "config space of %d bytes is too short to mediate", n);
		return -EINVAL;
	}
	m->cfg_len = (uint16_t)n;
	return pg_cfg_parse(m->snap, (size_t)n, &sizes, ret);
}

/* Is there a device behind the bytes at all? The parser stops at an all-ones or all-zero
 * config space (diagnostic only) and leaves the header kind at its default, endpoint, so
 * the kind alone would serve "no device" as a device with IDs ffff:ffff (a master abort,
 * a surprise-removed or D3cold function) or 0000:0000: a guest must not be handed a
 * phantom. A header cut before 0x40 has no complete type 0 layout to mediate. */
static int check_present(const struct pg_mediator *m, const struct pg_cfg_layout *l)
{
	for (uint16_t i = 0; i < l->ndiags && i < PG_CFG_MAX_DIAGS; i++) {
		const struct pg_diag *d = &l->diags[i];

		if (d->code == PG_DIAG_CFG_ALL_ONES || d->code == PG_DIAG_CFG_ALL_ZERO) {
			pg_med_log(m, LOG_ERR, "config space reads all 0x%s (%s): not an endpoint, "
				   "not mediated", d->code == PG_DIAG_CFG_ALL_ONES ? "ff" : "00",
				   d->code == PG_DIAG_CFG_ALL_ONES ? "no function answers" :
				   "no vendor ID");
			return -ENODEV;
		}
		if (d->code == PG_DIAG_VENDOR_INVALID) {
			pg_med_log(m, LOG_ERR, "Vendor ID reads 0x%04x (no function answers): "
				   "not an endpoint, not mediated", l->vendor);
			return -ENODEV;
		}
		if (d->code == PG_DIAG_CFG_SHORT && d->offset < PG_CFG_HDR_LEN) {
			pg_med_log(m, LOG_ERR, "config space too short: the type 0 header is "
				   "cut at 0x%02x: not mediated", d->offset);
			return -EINVAL;
		}
	}
	return 0;
}

static int compile(struct pg_mediator *m, const struct pg_mediator_config *cfg)
{
	struct pg_cfg_layout *l = NULL;
	int rc = snapshot(m, &l);

	if (rc < 0)
		return rc;
	rc = check_present(m, l);
	if (rc < 0)
		goto out_free;
	if (l->kind != PG_HDR_ENDPOINT || pg_cfg_bridge_kind(l)) {
		/* bridges expose bus numbers and windows that steer host traffic (vfio refuses
		 * them too), and a host or ISA bridge with a type 0 header still owns the root
		 * complex or the machine's legacy I/O: the same rule as inspect's "bridge"
		 * finding. Unknown layouts cannot be mediated row by row. */
		char hdr[40];
		const char *bridge = pg_cfg_bridge_kind(l);

		pg_med_log(m, LOG_ERR, "header %s%s, class %04x%s%s%s: not an endpoint, not mediated",
			   pg_hdr_layout_name(l->header_type, hdr, sizeof(hdr)),
			   l->multifunction ? " multi-function" : "", (unsigned)(l->class_code >> 8),
			   bridge ? " (" : "", bridge ? bridge : "", bridge ? ")" : "");
		rc = -EINVAL;
		goto out_free;
	}
	pg_regtable_init(&m->rt, m->cfg_len);
	m->row_cmd = m->row_status = m->row_capptr = PG_ROW_NONE;
	rc = pg_med_header_init(m, l, cfg->policy, cfg->ids);
	if (!rc)
		rc = pg_med_caps_init(m, l, cfg->policy);
	if (!rc)
		rc = pg_med_policy_rows(m, cfg->policy);
out_free:
	pg_cfg_free(l);
	return rc;
}

int pg_mediator_new(struct pg_backend *be, const struct pg_mediator_config *cfg,
		    struct pg_mediator **ret)
{
	struct pg_mediator_config defaults;
	struct pg_mediator *m;
	int rc;

	if (!be || !ret)
		return -EINVAL;
	if (!cfg) {
		pg_mediator_config_init(&defaults);
		cfg = &defaults;
	}
	if ((unsigned)(cfg->policy ? cfg->policy->profile : cfg->profile) >= PG_PROFILE__COUNT ||
	    (cfg->options & ~PG_MEDIATOR_OPT__ALL))
		return -EINVAL;
	/* a VMM ROM is a ROM BAR: a power of two the mediator's ROM checks accept */
	if (cfg->vmm_rom_size && (!pg_util_is_pow2(cfg->vmm_rom_size) ||
				  cfg->vmm_rom_size < 2048u || cfg->vmm_rom_size > (1u << 24)))
		return -EINVAL;
	m = calloc(1, sizeof(*m));
	if (!m)
		return -ENOMEM;
	m->be = be;
	copy_config(m, cfg, be);
	rc = compile(m, cfg);
	if (rc < 0) {
		pg_mediator_free(m);
		return rc;
	}
	*ret = m;
	return 0;
}

void pg_mediator_free(struct pg_mediator *m)
{
	if (!m)
		return;
	pg_mediator_audit_flush(m);
	pg_regtable_free(&m->rt);
	free(m->msix.table);
	free(m);
}

unsigned pg_mediator_options(const struct pg_mediator *m)
{
	return m ? m->opts : 0;
}

enum pg_profile pg_mediator_profile(const struct pg_mediator *m)
{
	return m ? m->profile : PG_PROFILE_GUEST;
}

const char *pg_mediator_name(const struct pg_mediator *m)
{
	return m ? m->name : "";
}

/* ---- decide and act --------------------------------------------------------------------- */

/* pg_mediator_cfg_read() and pg_mediator_cfg_write() are in dispatch.c, beside the decisions
 * they inline. */

/* Malformed accesses are -EINVAL. Then only BARs the guest can see, and only inside them:
 * a BAR the mediator hid (absent, rejected size) is not reachable through the BAR path
 * either. Those refusals use the backend's codes for the same conditions. */
static int bar_access_check(const struct pg_mediator *m, unsigned bar, uint64_t off,
			    uint8_t size)
{
	const struct pg_med_bar *b;

	if (!m || bar > 5)
		return -EINVAL;
	if (size != 1 && size != 2 && size != 4 && size != 8)
		return -EINVAL;
	if (off % size != 0 || off > UINT64_MAX - size)
		return -EINVAL; /* as the backend: the access must not wrap */
	b = &m->bars[bar];
	if (b->kind != PG_BAR_MEM32 && b->kind != PG_BAR_MEM64 && b->kind != PG_BAR_IO)
		return -ENXIO;
	return off < b->size && size <= b->size - off ? 0 : -ERANGE; /* no overflow */
}

int pg_mediator_bar_decide_read(struct pg_mediator *m, unsigned bar, uint64_t off,
				uint8_t size, struct pg_read_decision *ret)
{
	struct pg_read_decision d;
	int rc = bar_access_check(m, bar, off, size);

	if (rc < 0 || !ret)
		return rc < 0 ? rc : -EINVAL;
	memset(&d, 0, sizeof(d));
	d.space = PG_SPACE_BAR;
	d.bar = (uint8_t)bar;
	d.off = off;
	d.size = size;
	if (!pg_med_msix_bar_read(m, bar, off, size, &d))
		d.hw_mask = pg_size_mask64(size);
	*ret = d;
	return 0;
}

int pg_mediator_bar_decide_write(struct pg_mediator *m, unsigned bar, uint64_t off,
				 uint8_t size, uint64_t value, struct pg_write_decision *ret)
{
	struct pg_effect e;
	int rc = bar_access_check(m, bar, off, size);

	if (rc < 0 || !ret)
		return rc < 0 ? rc : -EINVAL;
	ret->neffects = 0;
	value &= pg_size_mask64(size);
	if (pg_med_msix_bar_write(m, bar, off, size, value, ret))
		return 0;
	memset(&e, 0, sizeof(e));
	e.kind = PG_EFFECT_BAR_WRITE;
	e.u.bar.bar = (uint8_t)bar;
	e.u.bar.off = off;
	e.u.bar.size = size;
	e.u.bar.value = value;
	(void)pg_med_push(ret, &e);
	return 0;
}

int pg_mediator_bar_read(struct pg_mediator *m, unsigned bar, uint64_t off, uint8_t size,
			 uint64_t *val)
{
	struct pg_read_decision d;
	uint64_t hw = 0;
	int rc;

	if (!val)
		return -EINVAL;
	rc = pg_mediator_bar_decide_read(m, bar, off, size, &d);
	if (rc < 0)
		return rc;
	if (d.hw_mask && (m->opts & PG_MEDIATOR_OPT_READONLY)) {
		*val = d.value | d.hw_mask; /* nothing behind it may be touched: reads as absent */
		return 0;
	}
	if (d.hw_mask) {
		rc = pg_backend_bar_read(m->be, bar, off, size, &hw);
		if (rc < 0)
			return rc;
	}
	*val = (hw & d.hw_mask) | d.value;
	return 0;
}

int pg_mediator_bar_write(struct pg_mediator *m, unsigned bar, uint64_t off, uint8_t size,
			  uint64_t value)
{
	struct pg_write_decision d;
	int rc = pg_mediator_bar_decide_write(m, bar, off, size, value, &d);

	return rc < 0 ? rc : pg_mediator_apply(m, &d);
}

/* ---- accessors -------------------------------------------------------------------------- */

int pg_mediator_bar_guest(const struct pg_mediator *m, unsigned bar, struct pg_mediator_bar *ret)
{
	const struct pg_med_bar *b;
	const struct pg_reg *lo, *hi;
	struct pg_mediator_bar g;

	if (!m || !ret || bar >= PG_CFG_NUM_BARS)
		return -EINVAL;
	b = &m->bars[bar];
	memset(&g, 0, sizeof(g));
	g.kind = b->kind;
	if (b->kind != PG_BAR_NONE && b->kind != PG_BAR_MEM64_HI) {
		uint32_t flags = b->kind == PG_BAR_IO ? BAR_IO_FLAGS : b->kind == PG_BAR_ROM ?
				 ROM_FLAGS : BAR_MEM_FLAGS;

		lo = pg_med_crow(m, b->row);
		hi = b->kind == PG_BAR_MEM64 ? pg_med_crow(m, (uint16_t)(b->row + 1u)) : NULL;
		g.prefetchable = b->prefetchable;
		g.size = b->size;
		g.guest_addr = (lo ? lo->value & ~flags : 0) | (hi ? (uint64_t)hi->value << 32 : 0);
		g.decode = pg_med_guest_cmd(m) & (b->kind == PG_BAR_IO ? CMD_IO : CMD_MEM);
		if (b->kind == PG_BAR_ROM)
			g.decode = g.decode && lo && (lo->value & ROM_ENABLE);
		g.mapped = (m->bar_mapped >> bar) & 1u;
	}
	*ret = g;
	return 0;
}

int pg_mediator_msix_entry(const struct pg_mediator *m, uint16_t index,
			   struct pg_mediator_msix_entry *ret)
{
	const struct pg_med_msix_entry *e;

	if (!m || !ret)
		return -EINVAL;
	if (!m->msix.present || !m->msix.table)
		return -ENOENT;
	if (index >= m->msix.nent)
		return -EINVAL;
	e = &m->msix.table[index];
	ret->addr = e->addr_lo | (uint64_t)e->addr_hi << 32;
	ret->data = e->data;
	ret->masked = e->ctrl & MSIX_ENTRY_MASKED;
	return 0;
}

bool pg_mediator_cap_visible(const struct pg_mediator *m, bool extended, uint16_t id)
{
	for (uint16_t i = 0; m && i < m->ncaps; i++)
		if (m->caps[i].extended == extended && m->caps[i].id == id && m->caps[i].visible)
			return true;
	return false;
}
