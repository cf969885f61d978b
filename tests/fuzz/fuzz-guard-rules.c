/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: guard rule files (pcigate-guard-rules(5)) through
 * pg_guard_rules_load_buf(). A loaded set must keep every promise of guard.h; each rule
 * must match a device built from its own conditions (a reference model of what each
 * condition means), and `guard generate` text for that device must load back.
 * On rejection: a documented code, no output, a terminated printable message.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pcigate/backend.h>
#include <pcigate/guard.h>
#include <pcigate/inspect.h>

#include "fuzz-common.h"

#define CHECK(cond) do { if (!(cond)) abort(); } while (0)

static bool printable(const char *s)
{
	for (; *s; s++)
		if (*s < 0x20 || *s > 0x7e)
			return false;
	return true;
}

/* A device satisfying every condition of m (the reference meaning of each key). */
static void model_device(const struct pg_guard_match *m, struct pg_guard_dev *d)
{
	memset(d, 0, sizeof(*d));
	strcpy(d->bdf, "0000:05:00.0");
	d->vendor = m->vendor;
	d->device = m->device_lo;
	d->class_code = m->class_value;
	d->subvendor = m->subvendor;
	d->subdevice = m->subdevice_hi;
	d->has_dsn = (m->have & PG_GUARD_M_SERIAL) != 0;
	d->dsn = m->serial;
	strcpy(d->path, (m->have & PG_GUARD_M_PORT) ? m->port : "0000:00:1c.0/0000:05:00.0");
	strcpy(d->slot, m->slot);
	d->removable = m->removable;
	if (strcmp(m->iommu, "none"))
		strcpy(d->iommu, m->iommu);
	d->findings = m->findings;
	d->is_vf = m->vf;
}

static void check_rule(const struct pg_guard_rule *r, bool last)
{
	const struct pg_guard_match *m = &r->match;
	struct pg_guard_dev d;
	char text[1200], bdf[13];
	struct pg_guard_rules *back = NULL;

	CHECK((unsigned)r->action < PG_GUARD__ACTIONS && r->line > 0 && r->column > 0);
	CHECK(printable(r->name) && strlen(r->name) < PG_GUARD_NAME_LEN);
	if (r->action == PG_GUARD_ALLOW)
		CHECK(r->driver[0] && strcmp(r->driver, "pci-stub") && strcmp(r->driver, "vfio-pci"));
	else if (r->action == PG_GUARD_ASSIGN)
		CHECK(!strcmp(r->driver, "vfio-pci"));
	else
		CHECK(!r->driver[0]);
	CHECK(m->have || last); /* a rule without conditions can only be the last */
	CHECK(m->device_lo <= m->device_hi && m->subdevice_lo <= m->subdevice_hi);
	CHECK((m->class_value & ~m->class_mask) == 0 && m->class_mask <= 0xffffff);
	CHECK((m->findings >> PG_FIND__COUNT) == 0);
	if (m->have & PG_GUARD_M_PORT)
		for (size_t i = 0; i < strlen(m->port); i += 13) {
			memcpy(bdf, m->port + i, 12);
			bdf[12] = '\0';
			CHECK(pg_bdf_parse(bdf, bdf) == 0);
		}
	model_device(m, &d);
	CHECK(pg_guard_match(m, &d));
	if (r->action == PG_GUARD_ALLOW) {
		int n = snprintf(text, sizeof(text), "version: 1\nrules:\n");

		CHECK(pg_guard_rule_format(&d, r->action, r->driver, text + n, sizeof(text) - n) > 0);
		CHECK(pg_guard_rules_load_buf(text, strlen(text), &back, NULL) == 0);
		CHECK(pg_guard_decide(back, &d) == pg_guard_rules_at(back, 0));
		pg_guard_rules_free(back);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pg_guard_rules *set = NULL;
	struct pg_guard_error err;
	int rc = pg_guard_rules_load_buf(data, size, &set, &err);

	if (rc < 0) {
		CHECK(rc == -EINVAL || rc == -E2BIG || rc == -ENOMEM);
		CHECK(set == NULL);
		CHECK(memchr(err.msg, '\0', sizeof(err.msg)) && err.msg[0] && printable(err.msg));
		CHECK((err.line == 0) == (err.column == 0));
		return 0;
	}
	CHECK(pg_guard_rules_count(set) <= PG_GUARD_MAX_RULES);
	for (size_t i = 0; i < pg_guard_rules_count(set); i++)
		check_rule(pg_guard_rules_at(set, i), i + 1 == pg_guard_rules_count(set));
	CHECK(pg_guard_rules_at(set, pg_guard_rules_count(set)) == NULL);
	pg_guard_rules_free(set);
	return 0;
}
