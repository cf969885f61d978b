/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * First-match decisions over a rule set, and the rule text `guard generate` writes.
 *
 * Matching is on what sysfs says about the device. IDs, class, subsystem and serial are
 * the device's own claims (pcigate-guard-rules(5), TRUST: a malicious device can copy
 * any of them), so rules that should hold against a hostile device also name where it
 * sits: the port path, the slot, `removable` (the kernel's verdict for devices below an
 * external-facing port) and the IOMMU domain type. A condition on a field the device
 * lacks (no serial, no slot) does not match.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <pcigate/inspect.h>

#include "guard-private.h"

static const char *const action_names[PG_GUARD__ACTIONS] = {
	[PG_GUARD_QUARANTINE] = "quarantine",
	[PG_GUARD_ALLOW] = "allow",
	[PG_GUARD_ASSIGN] = "assign",
	[PG_GUARD_REJECT] = "reject",
};

const char *pg_guard_action_name(enum pg_guard_action a)
{
	return (unsigned)a < PG_GUARD__ACTIONS ? action_names[a] : "invalid";
}

int pg_guard_action_parse(const char *text, enum pg_guard_action *ret)
{
	if (!text || !ret)
		return -EINVAL;
	for (unsigned i = 0; i < PG_GUARD__ACTIONS; i++) {
		if (!strcmp(text, action_names[i])) {
			*ret = (enum pg_guard_action)i;
			return 0;
		}
	}
	return -EINVAL;
}

bool pg_guard_dev_same(const struct pg_guard_dev *a, const struct pg_guard_dev *b)
{
	return a->vendor == b->vendor && a->device == b->device &&
	       a->subvendor == b->subvendor && a->subdevice == b->subdevice &&
	       a->class_code == b->class_code && a->revision == b->revision &&
	       a->has_dsn == b->has_dsn && (!a->has_dsn || a->dsn == b->dsn) &&
	       !strcmp(a->path, b->path);
}

/* port is a whole-BDF prefix of path: "0000:00:1c.0" matches "0000:00:1c.0/0000:01:00.0"
 * but "0000:00:1c.0/0000:01:00.0" does not match "0000:00:1c.0/0000:01:00.01..." (the
 * parser only accepts whole addresses, so the next character is '/' or the end). */
static bool port_match(const char *port, const char *path)
{
	size_t n = strlen(port);

	return !strncmp(port, path, n) && (path[n] == '\0' || path[n] == '/');
}

bool pg_guard_match(const struct pg_guard_match *m, const struct pg_guard_dev *d)
{
	uint32_t h = m->have;

	if ((h & PG_GUARD_M_ID) &&
	    (d->vendor != m->vendor || d->device < m->device_lo || d->device > m->device_hi))
		return false;
	if ((h & PG_GUARD_M_CLASS) && (d->class_code & m->class_mask) != m->class_value)
		return false;
	if ((h & PG_GUARD_M_SUBSYS) &&
	    (d->subvendor != m->subvendor || d->subdevice < m->subdevice_lo ||
	     d->subdevice > m->subdevice_hi))
		return false;
	if ((h & PG_GUARD_M_SERIAL) && (!d->has_dsn || d->dsn != m->serial))
		return false;
	if ((h & PG_GUARD_M_PORT) && !port_match(m->port, d->path))
		return false;
	if ((h & PG_GUARD_M_SLOT) && (!d->slot[0] || strcmp(m->slot, d->slot)))
		return false;
	if ((h & PG_GUARD_M_REMOVABLE) && d->removable != m->removable)
		return false;
	if ((h & PG_GUARD_M_IOMMU) &&
	    strcmp(m->iommu, d->iommu[0] ? d->iommu : "none"))
		return false;
	if ((h & PG_GUARD_M_FINDING) && !(d->findings & m->findings))
		return false;
	return !(h & PG_GUARD_M_VF) || d->is_vf == m->vf;
}

const struct pg_guard_rule *pg_guard_decide(const struct pg_guard_rules *rules,
					     const struct pg_guard_dev *dev)
{
	if (!rules || !dev)
		return NULL;
	for (size_t i = 0; i < rules->n; i++)
		if (pg_guard_match(&rules->rules[i].match, dev))
			return &rules->rules[i];
	return NULL;
}

static void dsn_text(uint64_t v, char *buf, size_t size)
{
	(void)snprintf(buf, size, "%02x-%02x-%02x-%02x-%02x-%02x-%02x-%02x",
		       (unsigned)(v >> 56) & 0xff, (unsigned)(v >> 48) & 0xff,
		       (unsigned)(v >> 40) & 0xff, (unsigned)(v >> 32) & 0xff,
		       (unsigned)(v >> 24) & 0xff, (unsigned)(v >> 16) & 0xff,
		       (unsigned)(v >> 8) & 0xff, (unsigned)v & 0xff);
}

int pg_guard_rule_format(const struct pg_guard_dev *d, enum pg_guard_action a,
			 const char *driver, char *buf, size_t size)
{
	char drv[64] = "", serial[48] = "", dsn[24];

	if (!d || !buf || (unsigned)a >= PG_GUARD__ACTIONS ||
	    (a == PG_GUARD_ALLOW && (!driver || !pg_guard_name_ok(driver))))
		return -EINVAL;
	if (a == PG_GUARD_ALLOW)
		(void)snprintf(drv, sizeof(drv), "    driver: %s\n", driver);
	if (d->has_dsn) {
		dsn_text(d->dsn, dsn, sizeof(dsn));
		(void)snprintf(serial, sizeof(serial), ", serial: \"%s\"", dsn);
	}
	/* The path and slot come from sysfs names; the parser re-validates them on load, and
	 * a BDF or slot with a quote never passes pg_guard_sys_read(). */
	return snprintf(buf, size,
			"  - name: \"%s %04x:%04x\"\n"
			"    action: %s\n%s"
			"    match: { id: \"%04x:%04x\", subsystem: \"%04x:%04x\", "
			"class: \"%06x\"%s, port: \"%s\" }\n",
			d->bdf, d->vendor, d->device, pg_guard_action_name(a), drv, d->vendor,
			d->device, d->subvendor, d->subdevice, d->class_code, serial, d->path);
}

void pg_guard_dev_describe(const struct pg_guard_dev *d, char *buf, size_t size)
{
	(void)snprintf(buf, size, "%04x:%04x class %06x at %s", d->vendor, d->device,
		       d->class_code, d->path);
}
