/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The executor: the only mediator code that touches the device, and only through the
 * backend. Config writes are read-modify-write with RW1C bits written as 0 unless the
 * guest wrote a 1 there, so a partial write can never clear an error bit by accident
 * (Xen vpci_write_helper). On any failure the executor stops and returns the error: the
 * caller is expected to fail closed (stop forwarding, quarantine). Resets go to the
 * backend with the method order the policy allows; the read-only mode drops every effect
 * that would act on the device (mediator.h).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>

#include "mediator-private.h"
#include "regs.h"

/* The backend gets the allowed order and picks the first method it has; with none
 * allowed there is nothing to ask it (policy "avoid" names every method). */
static int exec_reset_methods(struct pg_mediator *m, const struct pg_effect *e)
{
	if (!e->u.reset.nmethods)
		return -EPERM;
	return pg_backend_reset_list(m->be, e->u.reset.methods,
				     e->u.reset.nmethods < PG_RESET_MAX_METHODS ?
				     e->u.reset.nmethods : PG_RESET_MAX_METHODS, NULL);
}

/* Why a reset failed, in words an operator can act on: the policy allowed no method, or
 * the device has none of the ones allowed (named), or the backend's own error. */
static void reset_failed(struct pg_mediator *m, const struct pg_effect *e, int rc)
{
	const char *why = e->u.reset.why ? e->u.reset.why : "";
	char names[48] = "";
	size_t len = 0;
	unsigned n = e->u.reset.nmethods < PG_RESET_MAX_METHODS ? e->u.reset.nmethods
								 : PG_RESET_MAX_METHODS;

	for (unsigned i = 0; i < n && len < sizeof(names); i++)
		len += (size_t)snprintf(names + len, sizeof(names) - len, "%s%s", i ? ", " : "",
					pg_policy_reset_name(e->u.reset.methods[i]));
	if (rc == -EPERM && n == 0)
		pg_med_log(m, LOG_ERR, "reset (%s) failed: the policy allows no reset method "
			   "(reset: avoid lists flr, pm and bus)", why);
	else if (rc == -EOPNOTSUPP)
		pg_med_log(m, LOG_ERR, "reset (%s) failed: the device supports none of the reset "
			   "methods the policy allows (%s)", why, names);
	else
		pg_med_log(m, LOG_ERR, "reset (%s) failed with %s: %s", why, names,
			   strerror(-rc));
}

static int exec_reset(struct pg_mediator *m, const struct pg_effect *e)
{
	int rc = exec_reset_methods(m, e);

	/* The guest's view starts over whatever happened: a failed reset must not leave
	 * half-valid virtual state (fail closed: the caller sees the error). */
	pg_med_reinit_virtual(m);
	if (rc < 0) {
		/* A reset the policy or the backend refused is not silently skipped: the
		 * caller gets the error and the audit log says which request it was. */
		reset_failed(m, e, rc);
		pg_med_audit(m, PG_SPACE_CFG, 0, e->u.reset.off, e->u.reset.size,
			     e->u.reset.value, PG_AUDIT_DENIED,
			     rc == -EPERM ? "reset:avoided" : "reset:unsupported");
		return rc;
	}
	rc = pg_med_restore_host(m);
	return rc < 0 ? rc : pg_med_notify(m, e);
}

/* Read-only executor: what would act on the device is dropped; what only the VMM does
 * (interrupt routes, mappings, PM notifications) still goes to the callback. */
static bool readonly_drops(const struct pg_mediator *m, const struct pg_effect *e)
{
	return (m->opts & PG_MEDIATOR_OPT_READONLY) &&
	       (e->kind == PG_EFFECT_CFG_WRITE || e->kind == PG_EFFECT_BAR_WRITE ||
		e->kind == PG_EFFECT_RESET || e->kind == PG_EFFECT_RESTORE);
}

int pg_mediator_apply(struct pg_mediator *m, const struct pg_write_decision *d)
{
	if (!m || !d || d->neffects > PG_MEDIATOR_MAX_EFFECTS)
		return -EINVAL;
	return pg_med_apply(m, d, false);
}

int pg_med_apply_one(struct pg_mediator *m, const struct pg_effect *e)
{
	if (readonly_drops(m, e))
		return 0;
	switch (e->kind) {
	case PG_EFFECT_CFG_WRITE:
		return pg_med_exec_cfg(m, e);
	case PG_EFFECT_BAR_WRITE:
		return pg_backend_bar_write(m->be, e->u.bar.bar, e->u.bar.off, e->u.bar.size,
					    e->u.bar.value);
	case PG_EFFECT_RESET:
		return exec_reset(m, e);
	case PG_EFFECT_RESTORE: {
		int rc = pg_med_restore_host(m);

		return rc == 0 ? pg_med_notify(m, e) : rc;
	}
	case PG_EFFECT_IRQ:
	case PG_EFFECT_BAR_MAP:
	case PG_EFFECT_PM_STATE:
		return pg_med_notify(m, e);
	default:
		return -EINVAL;
	}
}

/* Rewrite the config the host owns: BARs and ROM as they were at compile time (the guest
 * never programs them) and the Command bits the guest may drive on hardware. Needed after
 * a reset or a D3hot->D0 transition without No_Soft_Reset, which clear them. */
int pg_med_restore_host(struct pg_mediator *m)
{
	int rc;

	for (unsigned i = 0; i < PG_CFG_NUM_BARS; i++) {
		const struct pg_med_bar *b = &m->bars[i];
		uint16_t reg = i == PG_CFG_ROM_BAR ? REG_ROM : (uint16_t)(REG_BAR0 + 4 * i);

		if (b->kind == PG_BAR_NONE || b->kind == PG_BAR_MEM64_HI || b->vmm)
			continue; /* the high half goes with its low half; a VMM ROM is not the
				   * device's */
		rc = pg_backend_cfg_write(m->be, reg, 4, b->kind == PG_BAR_ROM ?
					  b->host_lo & ~ROM_ENABLE : b->host_lo);
		if (rc == 0 && b->host64)
			rc = pg_backend_cfg_write(m->be, (uint16_t)(reg + 4), 4, b->host_hi);
		if (rc < 0)
			return rc;
	}
	{
		/* I/O, Memory, Bus Master and INTx Disable as cmd_hw says; in the device-model
		 * profile only INTx Disable: the decode bits belong to the host there, and its
		 * reset path (e.g. Linux pci_reset_function's save/restore) brings them back */
		uint32_t keep = m->profile == PG_PROFILE_DEVICE_MODEL ? CMD_INTX_DISABLE :
				CMD_DECODE | CMD_INTX_DISABLE;
		struct pg_effect e;

		memset(&e, 0, sizeof(e));
		pg_med_cfg_effect(&e, REG_COMMAND, 2, m->cmd_hw & keep, keep, 0);
		return pg_med_exec_cfg(m, &e);
	}
}

void pg_med_reinit_virtual(struct pg_mediator *m)
{
	for (uint16_t i = 0; i < m->rt.nrows; i++) {
		struct pg_reg *r = &m->rt.rows[i];

		r->value = r->init;
	}
	m->cmd_hw = 0; /* after a reset Command reads 0 on hardware, */
	m->msi.hw_ctrl = m->msix.hw_ctrl = 0; /* and MSI/MSI-X are disabled */
	m->bar_mapped = 0;
	for (unsigned i = 0; i < PG_CFG_NUM_BARS; i++)
		m->bars[i].last_addr = 0;
	pg_med_bars_refresh(m); /* the BAR registers are back at their init values */
	pg_med_msix_reinit(m);
}

int pg_mediator_reset(struct pg_mediator *m)
{
	struct pg_write_decision d;

	if (!m)
		return -EINVAL;
	if (m->opts & PG_MEDIATOR_OPT_READONLY)
		return 0; /* never reset a device served read-only; see mediator.h */
	memset(&d, 0, sizeof(d));
	d.neffects = 1;
	pg_med_reset_effect(m, "vmm", 0, 0, 0, &d.effects[0]);
	return pg_mediator_apply(m, &d);
}

int pg_mediator_reset_methods(const struct pg_mediator *m,
			      enum pg_reset_method ret[PG_RESET_MAX_METHODS])
{
	if (!m || !ret)
		return -EINVAL;
	memcpy(ret, m->reset_order, m->n_reset * sizeof(ret[0]));
	return m->n_reset;
}
