/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Audit records and diagnostics (architecture invariant 5: nothing is silently
 * broadened). Every denied and every permissive-only access is counted; records go to the
 * caller's sink through a per-device token bucket. A hostile guest can write denied bytes
 * in a loop to flood the log, so emission is rate-limited, but counts never are: the
 * records withheld are counted and a summary record says how many when a token is
 * available again. The bucket is integer arithmetic in nano-tokens, so no float rounding
 * can lose or invent tokens.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "mediator-private.h"
#include "util/jsonl.h"

#define NS_PER_S 1000000000ull

static const char *const verdict_names[PG_AUDIT__COUNT] = {
	[PG_AUDIT_DENIED] = "denied",
	[PG_AUDIT_PERMISSIVE] = "permissive",
	[PG_AUDIT_SUPPRESSED] = "suppressed",
};

const char *pg_audit_verdict_name(enum pg_audit_verdict verdict)
{
	if ((unsigned)verdict >= PG_AUDIT__COUNT)
		return "invalid";
	return verdict_names[verdict];
}

void pg_med_log(const struct pg_mediator *m, int level, const char *fmt, ...)
{
	char msg[256];
	int n;
	va_list ap;

	if (!m->log)
		return;
	n = snprintf(msg, sizeof(msg), "%s: ", m->name);
	if (n < 0 || (size_t)n >= sizeof(msg))
		n = 0;
	va_start(ap, fmt);
	(void)vsnprintf(msg + n, sizeof(msg) - (size_t)n, fmt, ap);
	va_end(ap);
	m->log(m->log_data, level, msg);
}

const char *pg_med_cap_short(bool extended, uint16_t id, char *buf, size_t n)
{
	const char *s = pg_policy_cap_name(extended, id);

	if (s)
		return s;
	(void)snprintf(buf, n, "%s0x%02x", extended ? "ext:" : "", id);
	return buf;
}

void pg_med_hidden_rule(const struct pg_mediator *m, uint16_t h, char *buf, size_t n)
{
	char tmp[24];
	const struct pg_med_cap *c = h < m->ncaps ? &m->caps[h] : NULL;

	if (h == PG_MED_HIDE_NO_EXT) {
		(void)snprintf(buf, n, "no-ext-cfg");
		return;
	}
	if (!c) {
		(void)snprintf(buf, n, "hidden-cap:unknown");
		return;
	}
	(void)snprintf(buf, n, "hidden-cap:%s", pg_med_cap_short(c->extended, c->id, tmp,
								     sizeof(tmp)));
}

static void now(const struct pg_mediator *m, struct timespec *ts)
{
	int rc;

	if (m->clock)
		rc = m->clock(m->clock_data, ts);
	else
		rc = clock_gettime(CLOCK_REALTIME, ts) < 0 ? -errno : 0;
	if (rc < 0)
		memset(ts, 0, sizeof(*ts));
}

static uint64_t elapsed_ns(const struct timespec *a, const struct timespec *b)
{
	int64_t s = (int64_t)b->tv_sec - (int64_t)a->tv_sec;
	int64_t ns = (int64_t)b->tv_nsec - (int64_t)a->tv_nsec;

	if (ns < 0) {
		s -= 1;
		ns += (int64_t)NS_PER_S;
	}
	if (s < 0 || ns < 0)
		return 0; /* clock went backwards: no refill, never a negative one */
	if ((uint64_t)s > (UINT64_MAX - (uint64_t)ns) / NS_PER_S)
		return UINT64_MAX;
	return (uint64_t)s * NS_PER_S + (uint64_t)ns;
}

static void refill(struct pg_mediator *m, const struct timespec *ts)
{
	uint64_t full = (uint64_t)m->audit_state.rate.burst * NS_PER_S;
	uint64_t per = m->audit_state.rate.per_sec;
	uint64_t dt, add;

	if (!m->audit_state.have_last) {
		m->audit_state.have_last = true;
		m->audit_state.last = *ts;
		return;
	}
	dt = elapsed_ns(&m->audit_state.last, ts);
	if (!dt)
		return;
	m->audit_state.last = *ts;
	if (!per)
		return;
	/* tokens (scaled) = dt[ns] * per[1/s]; clamp dt first so the product cannot overflow */
	if (dt > full / per + 1)
		dt = full / per + 1;
	add = dt * per;
	m->audit_state.tokens = full - m->audit_state.tokens < add ? full :
				m->audit_state.tokens + add;
}

static void emit(struct pg_mediator *m, const struct pg_audit_record *rec)
{
	m->audit_state.c.emitted++;
	if (m->audit)
		m->audit(m->audit_data, rec);
}

static void emit_summary(struct pg_mediator *m, const struct timespec *ts)
{
	struct pg_audit_record s;

	memset(&s, 0, sizeof(s));
	s.time = *ts;
	s.device = m->name;
	s.profile = m->profile;
	s.verdict = PG_AUDIT_SUPPRESSED;
	s.rule = "rate-limit";
	s.suppressed = m->audit_state.pending;
	m->audit_state.pending = 0;
	m->audit_state.c.summaries++;
	emit(m, &s);
}

void pg_med_audit(struct pg_mediator *m, enum pg_access_space space, uint8_t bar,
		  uint64_t off, uint8_t size, uint64_t value, enum pg_audit_verdict verdict,
		  const char *rule)
{
	struct pg_audit_record rec;

	if (verdict == PG_AUDIT_DENIED)
		m->audit_state.c.denied++;
	else if (verdict == PG_AUDIT_PERMISSIVE)
		m->audit_state.c.permissive++;
	memset(&rec, 0, sizeof(rec));
	now(m, &rec.time);
	rec.device = m->name;
	rec.profile = m->profile;
	rec.space = space;
	rec.bar = bar;
	rec.offset = off;
	rec.size = size;
	rec.value = value;
	rec.verdict = verdict;
	rec.rule = rule ? rule : "default-deny";
	if (m->audit_state.rate.burst) {
		refill(m, &rec.time);
		if (m->audit_state.tokens < NS_PER_S) {
			m->audit_state.c.suppressed++;
			m->audit_state.pending++;
			return;
		}
		m->audit_state.tokens -= NS_PER_S;
	}
	if (m->audit_state.pending)
		emit_summary(m, &rec.time);
	emit(m, &rec);
}

void pg_mediator_audit_flush(struct pg_mediator *m)
{
	struct timespec ts;

	if (!m || !m->audit_state.pending)
		return;
	now(m, &ts);
	emit_summary(m, &ts);
}

void pg_mediator_counters(const struct pg_mediator *m, struct pg_audit_counters *ret)
{
	if (!m || !ret)
		return;
	*ret = m->audit_state.c;
}

/* ---- JSON Lines ------------------------------------------------------------------------- */

static int fill(struct json_object *o, const void *rec)
{
	const struct pg_audit_record *r = rec;
	int rc = pg_jsonl_add(o, "time", pg_jsonl_time(&r->time));

	if (!rc)
		rc = pg_jsonl_add(o, "device", json_object_new_string(r->device ? r->device : ""));
	if (!rc)
		rc = pg_jsonl_add(o, "profile", json_object_new_string(pg_profile_name(r->profile)));
	if (!rc)
		rc = pg_jsonl_add(o, "space", json_object_new_string(r->space == PG_SPACE_BAR ? "bar" :
							      "cfg"));
	if (!rc && r->space == PG_SPACE_BAR)
		rc = pg_jsonl_add(o, "bar", json_object_new_int(r->bar));
	if (!rc)
		rc = pg_jsonl_add(o, "offset", json_object_new_uint64(r->offset));
	if (!rc)
		rc = pg_jsonl_add(o, "size", json_object_new_int(r->size));
	if (!rc)
		rc = pg_jsonl_add(o, "value", json_object_new_uint64(r->value));
	if (!rc)
		rc = pg_jsonl_add(o, "verdict", json_object_new_string(pg_audit_verdict_name(r->verdict)));
	if (!rc)
		rc = pg_jsonl_add(o, "rule", json_object_new_string(r->rule ? r->rule : ""));
	if (!rc && r->verdict == PG_AUDIT_SUPPRESSED)
		rc = pg_jsonl_add(o, "suppressed", json_object_new_uint64(r->suppressed));
	return rc;
}

int pg_audit_record_to_json(const struct pg_audit_record *rec, char **ret)
{
	return pg_jsonl_record(fill, rec, ret);
}
