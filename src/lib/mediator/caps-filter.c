/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Capability filtering: which capabilities the guest sees (PCI 3.0 §6.7 capability list,
 * PCIe r5.0 §7.6 extended capabilities).
 *
 * Each capability the parser found (bounded, validated walks) is either visible, with a
 * virtual header whose next pointer skips hidden ones, or hidden: its bytes read 0 and
 * writes to them are dropped and audited as "hidden-cap:<name>". Which capabilities are
 * visible is the profile's allow-list adjusted by the policy. A visible capability with a
 * handler (PM, MSI, MSI-X, PCIe, AF; extended: AER, the host-owned controls of
 * ecap-lock.c, the power capabilities of ecap-power.c) gets that handler's rows; others get
 * read-only rows (docs/mediation.md says which extended capabilities stay so, and why).
 * A handler that fails (registers beyond config, overlapping another capability, bogus
 * MSI-X BIR, a second MSI capability, ...) leaves no rows behind and its capability is
 * hidden with a diagnostic (Xen 4bd1ee8534: hide, do not fail the device).
 *
 * The extended list cannot unlink its first entry (0x100 is where the walk starts): when
 * that capability is hidden its header stays, with ID 0 and version 0, pointing at the
 * next visible one (vfio, Xen hwdom). Its bytes are still the hidden capability's: writes
 * to them are dropped and audited "hidden-cap:<name>" like every other hidden byte.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>

#include "mediator-private.h"
#include "regs.h"


struct handler {
	uint16_t id;
	int (*init)(struct pg_mediator *m, const struct pg_med_cap *cap);
};

static const struct handler std_handlers[] = {
	{ PG_CAP_PM, pg_med_pm_init },
	{ PG_CAP_MSI, pg_med_msi_init },
	{ PG_CAP_MSIX, pg_med_msix_init },
	{ PG_CAP_EXP, pg_med_pcie_init },
	{ PG_CAP_AF, pg_med_af_init },
};

static const struct handler ext_handlers[] = {
	{ PG_ECAP_AER, pg_med_aer_init },
	{ PG_ECAP_REBAR, pg_med_ecap_lock_init },
	{ PG_ECAP_VF_REBAR, pg_med_ecap_lock_init },
	{ PG_ECAP_SRIOV, pg_med_ecap_lock_init },
	{ PG_ECAP_ATS, pg_med_ecap_lock_init },
	{ PG_ECAP_PASID, pg_med_ecap_lock_init },
	{ PG_ECAP_PRI, pg_med_ecap_lock_init },
	{ PG_ECAP_ACS, pg_med_ecap_lock_init },
	{ PG_ECAP_LTR, pg_med_ecap_power_init },
	{ PG_ECAP_L1SS, pg_med_ecap_power_init },
	{ PG_ECAP_PWR, pg_med_ecap_power_init },
};

static const struct handler *find_handler(bool extended, uint16_t id)
{
	const struct handler *t = extended ? ext_handlers : std_handlers;
	size_t n = extended ? sizeof(ext_handlers) / sizeof(ext_handlers[0]) :
		   sizeof(std_handlers) / sizeof(std_handlers[0]);

	for (size_t i = 0; i < n; i++)
		if (t[i].id == id)
			return &t[i];
	return NULL;
}

/* Capability headers are virtual: the ID (and an extended header's version) as the device
 * has them, the next pointer linking visible capabilities only (link_std(), link_ext()). */
static const struct pg_row_def row_std_hdr = {
	.size = 2, .virt = 0xffffu, .ro = 0xffffu, .snap = CAP_HDR_ID,
};

static const struct pg_row_def row_ext_hdr = {
	.size = 4, .virt = 0xffffffffu, .ro = 0xffffffffu, .snap = ECAP_HDR_ID | ECAP_HDR_VER,
};

static int add_cap_header(struct pg_mediator *m, struct pg_med_cap *mc, char *name)
{
	struct pg_reg r;

	pg_med_def_row(m, mc->off, mc->extended ? &row_ext_hdr : &row_std_hdr, 0, &r);
	pg_reg_set_id(&r, name, ".hdr");
	return pg_med_add(m, &r, &mc->hdr_row);
}

/* Register one allowed capability; on failure nothing of it remains and it is hidden. */
static void init_cap(struct pg_mediator *m, struct pg_med_cap *mc)
{
	const struct handler *h = find_handler(mc->extended, mc->id);
	uint16_t mark = m->rt.nrows;
	char tmp[24], name[PG_REG_ID_LEN];
	int rc;

	(void)snprintf(name, sizeof(name), "%s.%s", mc->extended ? "ecap" : "cap",
		       pg_med_cap_short(mc->extended, mc->id, tmp, sizeof(tmp)));
	rc = add_cap_header(m, mc, name);
	if (rc == 0 && h)
		rc = h->init(m, mc);
	else if (rc == 0)
		rc = pg_med_ro_rows(m, (uint16_t)(mc->off + (mc->extended ? 4u : 2u)),
				    (uint16_t)(mc->off + mc->len), name);
	if (rc < 0) {
		pg_regtable_truncate(&m->rt, mark);
		pg_med_log(m, LOG_WARNING, "%s capability at 0x%03x hidden: handler failed (%s)",
			   pg_cap_name(mc->extended, mc->id), mc->off, strerror(-rc));
		return;
	}
	mc->visible = true;
}

/* Point each visible header (and the start pointer) at the next visible capability. */
static void link_std(struct pg_mediator *m)
{
	struct pg_reg *prev = pg_med_row(m, m->row_capptr);
	struct pg_reg *st = pg_med_row(m, m->row_status);
	bool any = false;

	if (prev)
		prev->value = prev->init = 0;
	for (uint16_t i = 0; i < m->ncaps; i++) {
		struct pg_med_cap *c = &m->caps[i];
		struct pg_reg *h;

		if (c->extended || !c->visible)
			continue;
		h = pg_med_row(m, c->hdr_row);
		if (prev == pg_med_row(m, m->row_capptr))
			prev->value = prev->init = c->off;
		else if (prev)
			prev->value = prev->init = (prev->value & CAP_HDR_ID) |
						   (uint32_t)c->off << CAP_HDR_NEXT_SHIFT;
		prev = h;
		any = true;
	}
	if (st) {
		st->value = st->init = any ? STATUS_CAP_LIST : 0;
		/* with nothing to list, CAP_LIST is RsvdP like any reserved bit (Xen a3c8fb450a) */
	}
}

static void set_next_ext(struct pg_mediator *m, uint16_t idx, uint16_t next)
{
	struct pg_reg *r = pg_med_row(m, idx);

	if (r)
		r->value = r->init = (r->value & (ECAP_HDR_ID | ECAP_HDR_VER)) |
				     (uint32_t)next << ECAP_HDR_NEXT_SHIFT;
}

/* The placeholder's bytes belong to the hidden capability: every write is dropped (the
 * row is read-only) and audited as a write to hidden bytes is (mediator.h), else a guest
 * could poke the hidden header without a trace. */
static void placeholder_write(struct pg_mediator *m, struct pg_reg *r, struct pg_wctx *w)
{
	uint64_t gv = pg_wctx_guest_value(r, w);
	char rule[48];

	pg_med_hidden_rule(m, r->priv, rule, sizeof(rule));
	pg_med_audit(m, PG_SPACE_CFG, 0, w->off, w->size, gv, PG_AUDIT_DENIED, rule);
}

static int link_ext(struct pg_mediator *m)
{
	static const struct pg_row_def row_placeholder = {
		.size = 4, .id = "ecap.placeholder", .virt = 0xffffffffu, .ro = 0xffffffffu,
		.write = placeholder_write,
	};
	uint16_t prev = PG_ROW_NONE;
	struct pg_reg ph;
	int rc;

	for (uint16_t i = 0; i < m->ncaps; i++) {
		if (m->caps[i].extended && m->caps[i].off == ECAP_FIRST && !m->caps[i].visible) {
			pg_med_def_row(m, ECAP_FIRST, &row_placeholder, 0, &ph);
			ph.value = 0; /* ID 0, version 0; link_ext() sets the next pointer */
			ph.priv = i; /* the hidden capability, for the audit rule */
			rc = pg_med_add(m, &ph, &prev);
			if (rc < 0)
				return rc;
		}
	}
	for (uint16_t i = 0; i < m->ncaps; i++) {
		const struct pg_med_cap *c = &m->caps[i];

		if (!c->extended || !c->visible)
			continue;
		if (prev != PG_ROW_NONE)
			set_next_ext(m, prev, c->off);
		prev = c->hdr_row;
	}
	return 0;
}

static void hide_rest(struct pg_mediator *m)
{
	for (uint16_t i = 0; i < m->ncaps; i++) {
		const struct pg_med_cap *c = &m->caps[i];

		if (c->visible)
			continue;
		pg_regtable_hide(&m->rt, c->off, c->len, i);
		if (!c->extended && c->id == PG_CAP_MSIX)
			pg_med_msix_note_hidden(m, c);
	}
}

int pg_med_caps_init(struct pg_mediator *m, const struct pg_cfg_layout *l,
		     const struct pg_policy_entry *pol)
{
	bool ext_ok = l->ext_walked && m->cfg_len > PG_CFG_STD_LEN &&
		      !(m->pflags & PG_POLICY_F_NO_EXT_CFG);
	int rc;

	m->ncaps = 0;
	for (uint16_t i = 0; i < l->ncaps && i < PG_CFG_MAX_CAPS; i++) {
		const struct pg_cap *c = &l->caps[i];
		struct pg_med_cap *mc;

		if (c->extended && !ext_ok)
			continue;
		mc = &m->caps[m->ncaps++];
		memset(mc, 0, sizeof(*mc));
		mc->off = c->offset;
		mc->id = c->id;
		mc->extended = c->extended;
		mc->len = c->len; /* the parser's geometry: one source (cfg.h) */
		mc->hdr_row = PG_ROW_NONE;
		mc->src = c;
		if (pg_med_cap_allowed(m, pol, c->extended, c->id))
			init_cap(m, mc);
	}
	link_std(m);
	rc = link_ext(m);
	if (rc == 0)
		hide_rest(m);
	for (uint16_t i = 0; i < m->ncaps; i++)
		m->caps[i].src = NULL; /* the layout is freed after compilation */
	if (rc < 0)
		return rc;
	/* no-ext-cfg: the whole extended space is hidden in every profile (even permissive
	 * gaps, which otherwise reach the hardware) */
	if ((m->pflags & PG_POLICY_F_NO_EXT_CFG) && m->cfg_len > PG_CFG_STD_LEN)
		pg_regtable_hide(&m->rt, PG_CFG_STD_LEN, (uint16_t)(m->cfg_len - PG_CFG_STD_LEN),
				 PG_MED_HIDE_NO_EXT);
	return 0;
}
