/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The guard rule file (pcigate-guard-rules(5)):
 *
 *     version: 1
 *     rules:
 *       - name: dock NIC
 *         action: allow
 *         driver: e1000e
 *         match: { id: "8086:10d3", port: "0000:00:1c.0", removable: true }
 *       - action: reject
 *         match: { finding: [cap-chain-malformed] }
 *
 * Threat: the file decides which hot-plugged devices get a driver and bus mastering, so a
 * misread rule is a hole. It is read with the policy module's YAML walker (no aliases,
 * anchors or tags, bounded scalars, one spelling per number, positioned errors), every key
 * has a table row, and the whole file is refused at its first problem: the daemon then
 * keeps every device quarantined (fail closed) and says why. A rule that can never match
 * because an earlier rule without conditions matches everything is an error too: its
 * author meant something the file does not do.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pcigate/backend.h>
#include <pcigate/inspect.h>

#include "guard-private.h"
#include "policy/policy-private.h"
#include "util/util.h"

/* Scratch state while a rule is parsed. */
struct gr_rule {
	struct pg_guard_rule r;
	bool has_action, has_driver;
	yaml_mark_t start, driver_mark;
};

struct gr_ctx {
	struct pp_ctx *c;
	struct pg_guard_rules *set;
	size_t cap;
	struct gr_rule cur;
};

/* The current event as a scalar into text; pulls the next event first. */
static int next_scalar(struct pp_ctx *c, const char *what, char *text)
{
	int r = pp_next(c);

	return r < 0 ? r : pp_scalar(c, what, text);
}

static int parse_bool(struct pp_ctx *c, const char *what, bool *ret)
{
	char text[PG_POLICY_MAX_SCALAR + 1];
	int r = next_scalar(c, what, text);

	if (r < 0)
		return r;
	if (c->ev.data.scalar.style == YAML_PLAIN_SCALAR_STYLE && !strcmp(text, "true"))
		*ret = true;
	else if (c->ev.data.scalar.style == YAML_PLAIN_SCALAR_STYLE && !strcmp(text, "false"))
		*ret = false;
	else
		return pp_fail(c, &c->ev.start_mark, -EINVAL,
			       "expected %s (true or false, unquoted), got '%.40s'", what, text);
	return 0;
}

/* Length of text when it is 1..size-1 printable ASCII characters none of which is in
 * forbidden, else 0. Names and slots end up in logs, terminals and generated YAML. */
static size_t plain_len(const char *text, size_t size, const char *forbidden)
{
	size_t n = strlen(text);

	for (size_t i = 0; i < n; i++)
		if (text[i] < 0x20 || text[i] > 0x7e || strchr(forbidden, text[i]))
			return 0;
	return n < size ? n : 0;
}

/* Exactly n hex digits, nothing else. */
static bool hex_n(const char *s, size_t n, uint64_t *ret)
{
	return strlen(s) == n && pg_util_parse_hex(s, n, ret) == 0;
}

/* ---- match keys ---------------------------------------------------------------------- */

static int m_id(struct pp_ctx *c, void *obj, const yaml_mark_t *key)
{
	struct pg_guard_match *m = obj;
	char text[PG_POLICY_MAX_SCALAR + 1];
	struct pg_policy_match pm;
	const char *why = NULL;
	int r = next_scalar(c, "an ID", text);

	if (r < 0)
		return r;
	if (pp_match_parse(text, &pm, &why) < 0)
		return pp_fail(c, &c->ev.start_mark, -EINVAL, "bad id '%.40s': %s", text, why);
	if (pm.has_subsys || pm.has_revision)
		return pp_fail(c, &c->ev.start_mark, -EINVAL,
			       "id is VVVV:DDDD, VVVV:DDDD-DDDD or VVVV:* (use 'subsystem' for "
			       "the subsystem IDs)");
	m->vendor = pm.vendor;
	m->device_lo = pm.device_lo;
	m->device_hi = pm.device_hi;
	m->have |= PG_GUARD_M_ID;
	return 0;
}

static int m_class(struct pp_ctx *c, void *obj, const yaml_mark_t *key)
{
	struct pg_guard_match *m = obj;
	char text[PG_POLICY_MAX_SCALAR + 1];
	uint64_t v;
	size_t n;
	int r = next_scalar(c, "a class", text);

	if (r < 0)
		return r;
	n = strlen(text);
	if ((n != 2 && n != 4 && n != 6) || !hex_n(text, n, &v))
		return pp_fail(c, &c->ev.start_mark, -EINVAL,
			       "class is 2, 4 or 6 hex digits (base class, +subclass, +prog-if; "
			       "e.g. \"02\", \"0c03\", \"0c0330\"), got '%.40s'", text);
	m->class_value = (uint32_t)(v << (24 - 4 * n));
	m->class_mask = (0xffffffu << (24 - 4 * n)) & 0xffffffu;
	m->have |= PG_GUARD_M_CLASS;
	return 0;
}

static int m_subsystem(struct pp_ctx *c, void *obj, const yaml_mark_t *key)
{
	struct pg_guard_match *m = obj;
	char text[PG_POLICY_MAX_SCALAR + 1];
	uint64_t sv, sd;
	int r = next_scalar(c, "a subsystem", text);

	if (r < 0)
		return r;
	if (strlen(text) < 6 || text[4] != ':' || pg_util_parse_hex(text, 4, &sv) < 0 ||
	    (strcmp(text + 5, "*") != 0 && !hex_n(text + 5, 4, &sd)))
		return pp_fail(c, &c->ev.start_mark, -EINVAL,
			       "subsystem is SSSS:TTTT or SSSS:* (4 hex digits each), got '%.40s'",
			       text);
	m->subvendor = (uint16_t)sv;
	m->subdevice_lo = text[5] == '*' ? 0 : (uint16_t)sd;
	m->subdevice_hi = text[5] == '*' ? 0xffff : (uint16_t)sd;
	m->have |= PG_GUARD_M_SUBSYS;
	return 0;
}

static int m_serial(struct pp_ctx *c, void *obj, const yaml_mark_t *key)
{
	struct pg_guard_match *m = obj;
	char text[PG_POLICY_MAX_SCALAR + 1];
	uint64_t v = 0, b;
	int r = next_scalar(c, "a serial number", text);

	if (r < 0)
		return r;
	for (unsigned i = 0; i < 8; i++) {
		if (pg_util_parse_hex(text + 3 * i, 2, &b) < 0 ||
		    text[3 * i + 2] != (i == 7 ? '\0' : '-'))
			return pp_fail(c, &c->ev.start_mark, -EINVAL,
				       "serial is the Device Serial Number as lspci prints it, 8 "
				       "hex bytes high first: \"01-23-45-67-89-ab-cd-ef\"");
		v = v << 8 | b;
	}
	m->serial = v;
	m->have |= PG_GUARD_M_SERIAL;
	return 0;
}

static int m_port(struct pp_ctx *c, void *obj, const yaml_mark_t *key)
{
	struct pg_guard_match *m = obj;
	char text[PG_POLICY_MAX_SCALAR + 1], bdf[13];
	size_t n;
	int r = next_scalar(c, "a port path", text);

	if (r < 0)
		return r;
	n = strlen(text);
	/* Whole canonical BDFs separated by '/': "0000:00:1c.0/0000:01:00.0". */
	bool ok = n > 0 && n < PG_GUARD_PATH_LEN && (n + 1) % 13 == 0;

	for (size_t i = 0; ok && i < n; i += 13) {
		char one[13];

		pg_util_copy(one, sizeof(one), text + i, 12);
		ok = (text[i + 12] == '/' || text[i + 12] == '\0') &&
		     pg_bdf_parse(one, bdf) == 0 && !strcmp(one, bdf);
	}
	if (!ok)
		return pp_fail(c, &c->ev.start_mark, -EINVAL,
			       "port is a path of canonical addresses from the root port down, "
			       "'/'-separated (\"0000:00:1c.0/0000:01:00.0\"), got '%.60s'", text);
	memcpy(m->port, text, n + 1);
	m->have |= PG_GUARD_M_PORT;
	return 0;
}

/* A free-text value (slot, name): printable ASCII, none of forbidden, 1..size-1 long. */
static int text_value(struct pp_ctx *c, const char *key, const char *noun, size_t size,
		      const char *forbidden, const char *without, char *dst)
{
	char text[PG_POLICY_MAX_SCALAR + 1];
	size_t n;
	int r = next_scalar(c, noun, text);

	if (r < 0)
		return r;
	n = plain_len(text, size, forbidden);
	if (n == 0)
		return pp_fail(c, &c->ev.start_mark, -EINVAL,
			       "%s is %s of 1-%zu printable characters without %s", key, noun,
			       size - 1, without);
	memcpy(dst, text, n + 1);
	return 0;
}

static int m_slot(struct pp_ctx *c, void *obj, const yaml_mark_t *key)
{
	struct pg_guard_match *m = obj;

	m->have |= PG_GUARD_M_SLOT;
	return text_value(c, "slot", "a physical slot name", PG_GUARD_SLOT_LEN, " /",
			  "spaces or '/'", m->slot);
}

static int m_removable(struct pp_ctx *c, void *obj, const yaml_mark_t *key)
{
	struct pg_guard_match *m = obj;

	m->have |= PG_GUARD_M_REMOVABLE;
	return parse_bool(c, "removable", &m->removable);
}

static int m_vf(struct pp_ctx *c, void *obj, const yaml_mark_t *key)
{
	struct pg_guard_match *m = obj;

	m->have |= PG_GUARD_M_VF;
	return parse_bool(c, "vf", &m->vf);
}

/* Domain types Linux 6.1 shows in iommu_group/type, and "none" for no group. */
static const char *const iommu_types[] = {
	"DMA", "DMA-FQ", "identity", "blocked", "unmanaged", "none",
};

static int m_iommu(struct pp_ctx *c, void *obj, const yaml_mark_t *key)
{
	struct pg_guard_match *m = obj;
	char text[PG_POLICY_MAX_SCALAR + 1];
	int r = next_scalar(c, "an IOMMU domain type", text);

	if (r < 0)
		return r;
	for (size_t i = 0; i < N_ELEM(iommu_types); i++) {
		if (!strcmp(text, iommu_types[i])) {
			memcpy(m->iommu, text, strlen(text) + 1);
			m->have |= PG_GUARD_M_IOMMU;
			return 0;
		}
	}
	return pp_fail(c, &c->ev.start_mark, -EINVAL,
		       "unknown IOMMU domain type '%.40s' (expected DMA, DMA-FQ, identity, "
		       "blocked, unmanaged or none)", text);
}

static int finding_item(struct pp_ctx *c, void *obj, size_t idx)
{
	struct pg_guard_match *m = obj;
	char text[PG_POLICY_MAX_SCALAR + 1];
	int r = pp_scalar(c, "an inspect finding", text);

	if (r < 0)
		return r;
	for (unsigned code = 0; code < PG_FIND__COUNT; code++) {
		if (strcmp(text, pg_finding_name((enum pg_finding_code)code)))
			continue;
		if (m->findings & (1u << code))
			return pp_fail(c, &c->ev.start_mark, -EINVAL,
				       "finding '%s' listed twice", text);
		m->findings |= 1u << code;
		return 0;
	}
	return pp_fail(c, &c->ev.start_mark, -EINVAL,
		       "unknown finding '%.40s' (the codes of pcigate-inspect, e.g. "
		       "cap-chain-malformed, msix-invalid, no-device)", text);
}

static int m_finding(struct pp_ctx *c, void *obj, const yaml_mark_t *key)
{
	struct pg_guard_match *m = obj;
	int r = pp_walk_seq(c, "finding", PG_FIND__COUNT, finding_item, obj);

	if (r < 0)
		return r;
	if (!m->findings)
		return pp_fail(c, key, -EINVAL, "finding lists at least one finding");
	m->have |= PG_GUARD_M_FINDING;
	return 0;
}

static const struct pp_key match_keys[] = {
	{ "id", m_id }, { "class", m_class }, { "subsystem", m_subsystem },
	{ "serial", m_serial }, { "port", m_port }, { "slot", m_slot },
	{ "removable", m_removable }, { "iommu", m_iommu }, { "finding", m_finding },
	{ "vf", m_vf },
};

/* ---- rule keys ----------------------------------------------------------------------- */

static int r_match(struct pp_ctx *c, void *obj, const yaml_mark_t *key)
{
	struct gr_rule *gr = obj;
	int r = pp_expect_map(c, "match");

	if (r < 0)
		return r;
	return pp_walk_map(c, "match", match_keys, N_ELEM(match_keys), &gr->r.match, NULL);
}

static int r_action(struct pp_ctx *c, void *obj, const yaml_mark_t *key)
{
	struct gr_rule *gr = obj;
	char text[PG_POLICY_MAX_SCALAR + 1];
	int r = next_scalar(c, "an action", text);

	if (r < 0)
		return r;
	if (pg_guard_action_parse(text, &gr->r.action) < 0)
		return pp_fail(c, &c->ev.start_mark, -EINVAL,
			       "unknown action '%.40s' (expected allow, quarantine, assign or "
			       "reject)", text);
	gr->has_action = true;
	return 0;
}

static int r_driver(struct pp_ctx *c, void *obj, const yaml_mark_t *key)
{
	struct gr_rule *gr = obj;
	char text[PG_POLICY_MAX_SCALAR + 1];
	int r = next_scalar(c, "a driver name", text);

	if (r < 0)
		return r;
	if (!pg_guard_name_ok(text))
		return pp_fail(c, &c->ev.start_mark, -EINVAL,
			       "driver is a kernel driver name (1-%u of A-Z a-z 0-9 _ -), got "
			       "'%.40s'", PG_GUARD_DRIVER_LEN - 1, text);
	memcpy(gr->r.driver, text, strlen(text) + 1);
	gr->driver_mark = c->ev.start_mark;
	gr->has_driver = true;
	return 0;
}

static int r_name(struct pp_ctx *c, void *obj, const yaml_mark_t *key)
{
	struct gr_rule *gr = obj;

	return text_value(c, "name", "a label", PG_GUARD_NAME_LEN, "\"\\",
			  "quotes or backslashes", gr->r.name);
}

static const struct pp_key rule_keys[] = {
	{ "name", r_name }, { "action", r_action }, { "driver", r_driver }, { "match", r_match },
};

/* Cross-key checks of a complete rule. */
static int rule_check(struct pp_ctx *c, struct gr_rule *gr)
{
	const char *act = pg_guard_action_name(gr->r.action);

	if (!gr->has_action)
		return pp_fail(c, &gr->start, -EINVAL, "rule needs an 'action'");
	if (gr->r.action == PG_GUARD_ALLOW && !gr->has_driver)
		return pp_fail(c, &gr->start, -EINVAL,
			       "an allow rule names the driver to bind ('driver: e1000e')");
	if (gr->r.action != PG_GUARD_ALLOW && gr->has_driver)
		return pp_fail(c, &gr->driver_mark, -EINVAL,
			       "'driver' belongs to allow rules (%s binds %s)", act,
			       gr->r.action == PG_GUARD_ASSIGN ? "vfio-pci" : "no driver");
	if (gr->has_driver && !strcmp(gr->r.driver, PG_GUARD_STUB))
		return pp_fail(c, &gr->driver_mark, -EINVAL,
			       "allowing to pci-stub is quarantine: write 'action: quarantine'");
	if (gr->has_driver && !strcmp(gr->r.driver, "vfio-pci"))
		return pp_fail(c, &gr->driver_mark, -EINVAL,
			       "binding vfio-pci is 'action: assign' (an explicit passthrough)");
	if (gr->r.action == PG_GUARD_ASSIGN)
		memcpy(gr->r.driver, "vfio-pci", sizeof("vfio-pci"));
	return 0;
}

static int rule_item(struct pp_ctx *c, void *obj, size_t idx)
{
	struct gr_ctx *g = obj;
	struct gr_rule *gr = &g->cur;
	char got[64];
	int r;

	if (c->ev.type != YAML_MAPPING_START_EVENT) {
		pp_describe(c, got, sizeof(got));
		return pp_fail(c, &c->ev.start_mark, -EINVAL,
			       "expected a rule (a mapping), got %s", got);
	}
	memset(gr, 0, sizeof(*gr));
	gr->start = c->ev.start_mark;
	gr->r.line = (unsigned)gr->start.line + 1;
	gr->r.column = (unsigned)gr->start.column + 1;
	if ((r = pp_walk_map(c, "rule", rule_keys, N_ELEM(rule_keys), gr, NULL)) < 0 ||
	    (r = rule_check(c, gr)) < 0)
		return r;
	for (size_t i = 0; i < g->set->n; i++)
		if (!g->set->rules[i].match.have)
			return pp_fail(c, &gr->start, -EINVAL,
				       "this rule can never match: the rule at line %u has no "
				       "conditions and matches every device first",
				       g->set->rules[i].line);
	if (g->set->n == g->cap) {
		size_t ncap = g->cap ? g->cap * 2 : 16;
		struct pg_guard_rule *nr = realloc(g->set->rules, ncap * sizeof(*nr));

		if (!nr)
			return -ENOMEM;
		g->set->rules = nr;
		g->cap = ncap;
	}
	g->set->rules[g->set->n++] = gr->r;
	return 0;
}

static int top_version(struct pp_ctx *c, void *obj, const yaml_mark_t *key)
{
	uint32_t v;
	int r = pp_next(c);

	if (r < 0 || (r = pp_number(c, "a version number", &v)) < 0)
		return r;
	if (v != PG_GUARD_RULES_VERSION)
		return pp_fail(c, &c->ev.start_mark, -EINVAL,
			       "unsupported rule file version %u (this pcigate reads version %u)",
			       v, PG_GUARD_RULES_VERSION);
	return 0;
}

static int top_rules(struct pp_ctx *c, void *obj, const yaml_mark_t *key)
{
	return pp_walk_seq(c, "rules", PG_GUARD_MAX_RULES, rule_item, obj);
}

static const struct pp_key top_keys[] = { { "version", top_version }, { "rules", top_rules } };

static int parse_top(struct pp_ctx *c, struct gr_ctx *g)
{
	uint32_t seen = 0;
	yaml_mark_t top;
	int r;

	if ((r = pp_next(c)) < 0 || (r = pp_next(c)) < 0)
		return r;
	if (c->ev.type == YAML_STREAM_END_EVENT)
		return pp_fail(c, &c->ev.start_mark, -EINVAL,
			       "empty rule file: expected a mapping with 'version' and 'rules'");
	if ((r = pp_expect_map(c, "a rule file")) < 0)
		return r;
	top = c->ev.start_mark;
	if ((r = pp_walk_map(c, "the rule file", top_keys, N_ELEM(top_keys), g, &seen)) < 0)
		return r;
	for (size_t i = 0; i < N_ELEM(top_keys); i++)
		if (!(seen & (1u << i)))
			return pp_fail(c, &top, -EINVAL, "missing required key '%s'",
				       top_keys[i].name);
	if ((r = pp_next(c)) < 0 || (r = pp_next(c)) < 0)
		return r;
	if (c->ev.type != YAML_STREAM_END_EVENT)
		return pp_fail(c, &c->ev.start_mark, -EINVAL,
			       "a rule file holds exactly one YAML document");
	return 0;
}

int pg_guard_rules_load_buf(const void *buf, size_t len, struct pg_guard_rules **ret,
			    struct pg_guard_error *err)
{
	struct pg_policy_error perr = { 0 };
	struct gr_ctx g = { 0 };
	struct pp_ctx c;
	int r;

	if (err)
		memset(err, 0, sizeof(*err));
	if (!buf || !ret)
		return -EINVAL;
	if (len > PG_GUARD_MAX_FILE) {
		if (err)
			(void)snprintf(err->msg, sizeof(err->msg),
				       "rule file larger than %u bytes", PG_GUARD_MAX_FILE);
		return -E2BIG;
	}
	g.set = calloc(1, sizeof(*g.set));
	if (!g.set)
		return -ENOMEM;
	r = pp_init(&c, buf, len, &perr);
	g.c = &c;
	if (r == 0)
		r = parse_top(&c, &g);
	pp_done(&c);
	if (err) {
		err->line = perr.line;
		err->column = perr.column;
		memcpy(err->msg, perr.msg, sizeof(err->msg));
	}
	if (r < 0) {
		pg_guard_rules_free(g.set);
		return r;
	}
	*ret = g.set;
	return 0;
}

int pg_guard_rules_load_file(const char *path, struct pg_guard_rules **ret,
			     struct pg_guard_error *err)
{
	char *buf = NULL;
	size_t len = 0;
	int r;

	if (err)
		memset(err, 0, sizeof(*err));
	if (!path || !ret)
		return -EINVAL;
	r = pg_util_read_file_at(AT_FDCWD, path, PG_GUARD_MAX_FILE, false, &buf,
				 &len);
	if (r < 0) {
		if (r == -EINVAL)
			r = -ENODEV;
		if (err)
			(void)snprintf(err->msg, sizeof(err->msg), "%s",
				       r == -E2BIG ? "rule file too large" : "cannot read it");
		return r;
	}
	r = pg_guard_rules_load_buf(buf, len, ret, err);
	free(buf);
	return r;
}

void pg_guard_rules_free(struct pg_guard_rules *rules)
{
	if (!rules)
		return;
	free(rules->rules);
	free(rules);
}

size_t pg_guard_rules_count(const struct pg_guard_rules *rules)
{
	return rules ? rules->n : 0;
}

const struct pg_guard_rule *pg_guard_rules_at(const struct pg_guard_rules *rules, size_t i)
{
	return rules && i < rules->n ? &rules->rules[i] : NULL;
}
