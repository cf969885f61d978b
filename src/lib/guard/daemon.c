/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The guard daemon's logic: uevents in, decisions carried out, audit records out, control
 * requests answered. The program around it (src/cli/cmd-guard.c) owns the sockets.
 *
 * Order of a hot-plug (drivers/pci/bus.c pci_bus_add_device()): the `add` uevent is sent
 * when the device is registered, then the kernel attaches a driver (pci-stub, when the
 * gate holds) and sends `bind`. The daemon decides on `add` and acts as soon as pci-stub
 * holds the device, so it never races a driver: it only ever takes a device from pci-stub.
 * A `bind` of any other driver to a device nobody allowed is a gate breach: it is audited
 * with the Command register (bus master on or not) and the decision is still carried out
 * (fail closed: quarantine takes the device back to pci-stub, reject removes it).
 *
 * Fail closed: without a valid rule set every device stays quarantined, and every
 * decision says why ("fail-closed" plus the load error in the audit and in `list`).
 */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include <json-c/json.h>

#include <pcigate/backend.h>
#include <pcigate/inspect.h>

#include "guard-private.h"
#include "util/jsonl.h"
#include "util/strbuf.h"
#include "util/util.h"

#define MAX_PENDING 256u
#define MAX_DEVICES 4096u
#define MAX_REQUEST 512u

struct pending {
	struct pg_guard_decision dec;
	uint64_t t_add;
};

struct pg_guard_daemon {
	char *root;
	char *state_path;
	struct pg_guard_rules *rules;
	char rules_error[256];
	pg_guard_log_fn log;
	pg_guard_audit_fn audit;
	void *data;
	struct pg_guard_state st;
	struct pending pending[MAX_PENDING];
	size_t npending;
	uint64_t cpu0;  /* this thread's CPU time when the current uevent was taken up, or 0 */
};

static uint64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	if (clock_gettime(id, &ts) < 0)
		return 0;
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static uint64_t now_ns(void)
{
	return clock_ns(CLOCK_MONOTONIC);
}

static void dlog(const struct pg_guard_daemon *d, int level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void dlog(const struct pg_guard_daemon *d, int level, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (!d->log)
		return;
	va_start(ap, fmt);
	(void)vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	d->log(d->data, level, msg);
}

/* ---- audit --------------------------------------------------------------------------- */

/* Audit fields are best effort: on an allocation failure the record lacks that field. */
static void jput(struct json_object *o, const char *k, struct json_object *v)
{
	if (pg_jsonl_add(o, k, v) < 0)
		return;
}

static void jstr(struct json_object *o, const char *k, const char *v)
{
	jput(o, k, json_object_new_string(v));
}

static struct json_object *record(const char *event, const struct pg_guard_dev *dev)
{
	struct json_object *o = json_object_new_object();
	struct timespec ts;
	char buf[64];

	if (!o)
		return NULL;
	clock_gettime(CLOCK_REALTIME, &ts);
	jput(o, "time", pg_jsonl_time(&ts));
	jstr(o, "event", event);
	if (!dev)
		return o;
	jstr(o, "bdf", dev->bdf);
	(void)snprintf(buf, sizeof(buf), "%04x:%04x", dev->vendor, dev->device);
	jstr(o, "id", buf);
	(void)snprintf(buf, sizeof(buf), "%06x", dev->class_code);
	jstr(o, "class", buf);
	jstr(o, "path", dev->path);
	return o;
}

static void emit(const struct pg_guard_daemon *d, struct json_object *o)
{
	if (o && d->audit)
		d->audit(d->data, json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
}

/* add and bind records carry what the gate is about: who holds the device, bus master. */
static void audit_seen(const struct pg_guard_daemon *d, const char *event,
		       const struct pg_guard_dev *dev, uint64_t read_ns)
{
	struct json_object *o = record(event, dev);

	if (!o)
		return;
	if (read_ns) /* how long reading the device from sysfs took (part of decide_us) */
		jput(o, "read_us", json_object_new_double((double)read_ns / 1e3));
	jstr(o, "driver", dev->driver);
	jput(o, "command", json_object_new_int(dev->command));
	jput(o, "bus_master", json_object_new_boolean(dev->command & 0x4));
	jput(o, "removable", json_object_new_boolean(dev->removable));
	if (dev->slot[0])
		jstr(o, "slot", dev->slot);
	if (dev->has_dsn) {
		char dsn[24];

		(void)snprintf(dsn, sizeof(dsn), "%016llx", (unsigned long long)dev->dsn);
		jstr(o, "serial", dsn);
	}
	if (dev->findings) {
		struct json_object *a = json_object_new_array();

		for (unsigned c = 0; a && c < PG_FIND__COUNT; c++)
			if (dev->findings & (1u << c))
				json_object_array_add(a, json_object_new_string(
							 pg_finding_name((enum pg_finding_code)c)));
		jput(o, "findings", a);
	}
	emit(d, o);
}

/* ---- deciding and acting ------------------------------------------------------------- */

static void decide(const struct pg_guard_daemon *d, const struct pg_guard_dev *dev,
		   struct pg_guard_decision *ret)
{
	const struct pg_guard_rule *rule;
	long i;

	memset(ret, 0, sizeof(*ret));
	ret->dev = *dev;
	ret->action = PG_GUARD_QUARANTINE;
	if (!d->rules) {
		memcpy(ret->by, "fail-closed", sizeof("fail-closed"));
		return;
	}
	if ((i = pg_guard_state_find(&d->st, dev, true)) >= 0) {
		ret->action = d->st.d[i].action;
		memcpy(ret->driver, d->st.d[i].driver, sizeof(ret->driver));
		memcpy(ret->by, "permanent", sizeof("permanent"));
		return;
	}
	rule = pg_guard_decide(d->rules, dev);
	if (!rule) {
		memcpy(ret->by, "default", sizeof("default"));
		return;
	}
	ret->action = rule->action;
	memcpy(ret->driver, rule->driver, sizeof(ret->driver));
	memcpy(ret->by, "rule", sizeof("rule"));
	if (rule->name[0])
		memcpy(ret->rule, rule->name, sizeof(ret->rule));
	else
		(void)snprintf(ret->rule, sizeof(ret->rule), "line %u", rule->line);
}

static void save(struct pg_guard_daemon *d)
{
	int r;

	if (!d->state_path)
		return;
	r = pg_guard_state_save(d->state_path, &d->st);
	if (r < 0)
		dlog(d, LOG_ERR, "saving decisions to %s failed: %s", d->state_path, strerror(-r));
}

/* Carry out dec; t_add/t_event: receipt of the add uevent and of the event acted on. */
static int act(struct pg_guard_daemon *d, struct pg_guard_decision *dec, uint64_t t_add,
	       uint64_t t_event)
{
	uint64_t t0 = now_ns();
	struct pg_guard_done done = { .how = "failed" };
	struct json_object *o;
	uint64_t t1;
	int r = pg_guard_sys_act(d->root, &dec->dev, dec->action, dec->driver, &done);

	t1 = now_ns();
	o = record("decision", &dec->dev);
	if (o) {
		jstr(o, "action", pg_guard_action_name(dec->action));
		jstr(o, "by", dec->by);
		if (dec->rule[0])
			jstr(o, "rule", dec->rule);
		if (d->rules_error[0] && !d->rules)
			jstr(o, "why", d->rules_error);
		jstr(o, "result", r < 0 ? strerror(-r) : "ok");
		jstr(o, "how", done.how);
		jstr(o, "driver", done.driver);
		if (t_add)
			jput(o, "decision_us", json_object_new_double((double)(t1 - t_add) / 1e3));
		/* cpu_us: CPU time this thread spent on the event up to the action done; far
		 * below process_us means the daemon waited for the CPU, not for its work. */
		if (d->cpu0)
			jput(o, "cpu_us", json_object_new_double(
					  (double)(clock_ns(CLOCK_THREAD_CPUTIME_ID) - d->cpu0) / 1e3));
		if (t_event) {
			/* decide_us: event received -> decision made (reading the device and
			 * matching the rules); process_us: -> action done in sysfs. */
			jput(o, "decide_us", json_object_new_double((double)(t0 - t_event) / 1e3));
			jput(o, "process_us", json_object_new_double((double)(t1 - t_event) / 1e3));
		}
		jput(o, "permanent", json_object_new_boolean(dec->permanent));
	}
	emit(d, o);
	if (r < 0)
		dlog(d, LOG_ERR, "%s: %s failed: %s (the device stays with %s)", dec->dev.bdf,
		     pg_guard_action_name(dec->action), strerror(-r),
		     done.driver[0] ? done.driver : "no driver");
	else
		dlog(d, LOG_INFO, "%s: %s (%s%s%s)", dec->dev.bdf,
		     pg_guard_action_name(dec->action), dec->by, dec->rule[0] ? " " : "",
		     dec->rule);
	if (dec->action == PG_GUARD_REJECT) {
		pg_guard_state_drop_bdf(&d->st, dec->dev.bdf);
	} else if (r == 0) {
		struct pg_guard_decision inst = *dec;

		inst.permanent = false;
		if (pg_guard_state_put(&d->st, &inst) < 0)
			dlog(d, LOG_ERR, "%s: too many decisions to keep", dec->dev.bdf);
	}
	save(d);
	return r;
}

static struct pending *find_pending(struct pg_guard_daemon *d, const char *bdf)
{
	for (size_t i = 0; i < d->npending; i++)
		if (!strcmp(d->pending[i].dec.dev.bdf, bdf))
			return &d->pending[i];
	return NULL;
}

static void drop_pending(struct pg_guard_daemon *d, struct pending *p)
{
	*p = d->pending[--d->npending];
}

/* A device held by a driver that neither the gate nor a decision put there. */
static bool breach(const struct pg_guard_daemon *d, const struct pg_guard_dev *dev)
{
	long i;

	if (!dev->driver[0] || !strcmp(dev->driver, PG_GUARD_STUB))
		return false;
	i = pg_guard_state_find(&d->st, dev, false);
	return i < 0 || strcmp(d->st.d[i].driver, dev->driver);
}

static int on_add(struct pg_guard_daemon *d, const struct pg_guard_uevent *ev, uint64_t t)
{
	struct pg_guard_decision dec;
	struct pending *p;
	struct pg_guard_dev dev;
	uint64_t t0 = now_ns();
	int r = pg_guard_sys_read(d->root, ev->bdf, &dev);

	if (r < 0) {
		dlog(d, LOG_ERR, "%s: added but unreadable: %s", ev->bdf, strerror(-r));
		return r;
	}
	pg_guard_state_drop_bdf(&d->st, dev.bdf); /* a new instance at this address */
	audit_seen(d, "add", &dev, now_ns() - t0);
	decide(d, &dev, &dec);
	if (!strcmp(dev.driver, PG_GUARD_STUB) || breach(d, &dev)) {
		if (dev.driver[0] && strcmp(dev.driver, PG_GUARD_STUB))
			audit_seen(d, "gate-breach", &dev, 0);
		return act(d, &dec, t, t);
	}
	if ((p = find_pending(d, dev.bdf)) == NULL) {
		if (d->npending == MAX_PENDING) {
			dlog(d, LOG_ERR, "%s: too many devices waiting for their bind", dev.bdf);
			return -E2BIG;
		}
		p = &d->pending[d->npending++];
	}
	p->dec = dec;
	p->t_add = t;
	return 0;
}

static int on_bind(struct pg_guard_daemon *d, const struct pg_guard_uevent *ev, uint64_t t)
{
	struct pending *p = find_pending(d, ev->bdf);
	struct pg_guard_decision dec;
	struct pg_guard_dev dev;
	uint64_t t_add = 0;
	int r = pg_guard_sys_read(d->root, ev->bdf, &dev);

	if (r < 0)
		return r == -ENODEV ? 0 : r;
	if (p) {
		/* Decide again on what sysfs says now: the kernel links an SR-IOV VF's `physfn`
		 * after its add uevent and before it binds a driver (drivers/pci/iov.c). */
		t_add = p->t_add;
		drop_pending(d, p);
		decide(d, &dev, &dec);
	} else if (!breach(d, &dev)) {
		return 0; /* our own bind, or pci-stub re-taking a device */
	} else {
		decide(d, &dev, &dec);
	}
	audit_seen(d, breach(d, &dev) ? "gate-breach" : "bind", &dev, 0);
	return act(d, &dec, t_add, t);
}

int pg_guard_daemon_uevent(struct pg_guard_daemon *d, const struct pg_guard_uevent *ev,
			   uint64_t t_ns)
{
	struct pending *p;
	struct json_object *o;

	int r;

	if (!d || !ev)
		return -EINVAL;
	switch (ev->action) {
	case PG_UEV_ADD:
	case PG_UEV_BIND:
		d->cpu0 = clock_ns(CLOCK_THREAD_CPUTIME_ID);
		r = ev->action == PG_UEV_ADD ? on_add(d, ev, t_ns) : on_bind(d, ev, t_ns);
		d->cpu0 = 0;
		return r;
	case PG_UEV_REMOVE:
		if ((p = find_pending(d, ev->bdf)))
			drop_pending(d, p);
		pg_guard_state_drop_bdf(&d->st, ev->bdf);
		o = record("remove", NULL);
		if (o)
			jstr(o, "bdf", ev->bdf);
		emit(d, o);
		save(d);
		return 0;
	default:
		return 0;
	}
}

/* ---- lifecycle ----------------------------------------------------------------------- */

/* json-c seeds its hash tables on first use with getrandom(), which blocks (the kernel
 * then spins generating jitter entropy) until the CRNG is ready: measured as 1.4 s of CPU
 * at the first decision in a freshly booted guest. Pay that at start, not while a device
 * waits for its decision. */
static void warm_up(void)
{
	struct json_object *o = json_object_new_object();

	if (o)
		jput(o, "seed", json_object_new_double(0.5));
	json_object_put(o);
}

int pg_guard_daemon_new(const struct pg_guard_config *cfg, struct pg_guard_daemon **ret)
{
	struct pg_guard_daemon *d;
	int r;

	if (!cfg || !ret) {
		pg_guard_rules_free(cfg ? cfg->rules : NULL);
		return -EINVAL;
	}
	d = calloc(1, sizeof(*d));
	if (!d) {
		pg_guard_rules_free(cfg->rules);
		return -ENOMEM;
	}
	d->rules = cfg->rules;
	d->log = cfg->log;
	d->audit = cfg->audit;
	d->data = cfg->data;
	if (cfg->rules_error)
		pg_util_copy(d->rules_error, sizeof(d->rules_error), cfg->rules_error,
			     strlen(cfg->rules_error));
	if ((cfg->sysfs_root && !(d->root = strdup(cfg->sysfs_root))) ||
	    (cfg->state_path && !(d->state_path = strdup(cfg->state_path)))) {
		r = -ENOMEM;
		goto fail;
	}
	if (d->state_path && (r = pg_guard_state_load(d->state_path, &d->st)) < 0)
		goto fail;
	warm_up();
	*ret = d;
	return 0;
fail:
	pg_guard_daemon_free(d);
	return r;
}

void pg_guard_daemon_free(struct pg_guard_daemon *d)
{
	if (!d)
		return;
	pg_guard_state_free(&d->st);
	pg_guard_rules_free(d->rules);
	free(d->root);
	free(d->state_path);
	free(d);
}

/* BDFs under ROOT/bus/pci/devices, sorted; *ret malloc()ed. */
static int list_bdfs(const char *root, char (**ret)[13], size_t *ret_n)
{
	char path[512], canon[13];
	char (*v)[13] = NULL;
	size_t n = 0, cap = 0;
	unsigned seen = 0;
	struct dirent *e;
	DIR *dir;
	int r = pg_guard_path(path, sizeof(path), root, "bus/pci/devices");

	if (r < 0)
		return r;
	if (!(dir = opendir(path)))
		return -errno;
	while ((e = readdir(dir)) && seen++ < MAX_DEVICES) {
		if (strlen(e->d_name) != 12 || pg_bdf_parse(e->d_name, canon) < 0 ||
		    strcmp(canon, e->d_name))
			continue;
		if (n == cap) {
			char (*nv)[13] = realloc(v, (cap = cap ? cap * 2 : 32) * sizeof(*nv));

			if (!nv) {
				r = -ENOMEM;
				break;
			}
			v = nv;
		}
		memcpy(v[n++], canon, 13);
	}
	closedir(dir);
	if (r < 0) {
		free(v);
		return r;
	}
	qsort(v, n, sizeof(*v), (int (*)(const void *, const void *))strcmp);
	*ret = v;
	*ret_n = n;
	return 0;
}

/* Devices present at start: only what pci-stub holds, and never a device on a root bus
 * (host bridge, LPC, integrated functions bound by the catch-all when it was armed): a
 * rule is about devices behind a port. */
int pg_guard_daemon_scan(struct pg_guard_daemon *d)
{
	char (*bdfs)[13] = NULL;
	size_t n = 0;
	int acted = 0, r;

	if (!d)
		return -EINVAL;
	if ((r = list_bdfs(d->root, &bdfs, &n)) < 0)
		return r;
	for (size_t i = 0; i < n; i++) {
		struct pg_guard_decision dec;
		struct pg_guard_dev dev;
		long k;

		if (pg_guard_sys_read(d->root, bdfs[i], &dev) < 0 ||
		    strcmp(dev.driver, PG_GUARD_STUB) || !strchr(dev.path, '/'))
			continue;
		k = pg_guard_state_find(&d->st, &dev, false);
		if (k >= 0) {
			dec = d->st.d[k];
			dec.dev = dev;
			if (dec.action == PG_GUARD_QUARANTINE)
				continue; /* kept: nothing to do */
		} else {
			decide(d, &dev, &dec);
		}
		audit_seen(d, "present", &dev, 0);
		(void)act(d, &dec, 0, 0);
		acted++;
	}
	free(bdfs);
	return acted;
}

/* ---- control requests ---------------------------------------------------------------- */

static bool authorized(const struct pg_guard_peer *p, gid_t allowed)
{
	if (p->uid == 0)
		return true;
	if (allowed == (gid_t)-1)
		return false;
	if (p->gid == allowed)
		return true;
	for (size_t i = 0; i < p->ngroups && p->groups; i++)
		if (p->groups[i] == allowed)
			return true;
	return false;
}

static const char *state_of(const struct pg_guard_dev *dev)
{
	if (!strcmp(dev->driver, PG_GUARD_STUB))
		return "quarantined";
	if (!strcmp(dev->driver, "vfio-pci"))
		return "assigned";
	return dev->driver[0] ? "bound" : "unbound";
}

static void list_devices(struct pg_guard_daemon *d, struct pg_strbuf *sb)
{
	char (*bdfs)[13] = NULL;
	size_t n = 0;
	int r = list_bdfs(d->root, &bdfs, &n);

	if (r < 0) {
		pg_strbuf_printf(sb, "error: listing devices: %s\n", strerror(-r));
		return;
	}
	pg_strbuf_printf(sb, "ok\n");
	if (!d->rules)
		pg_strbuf_printf(sb, "# fail-closed: no valid rules (%s); everything stays "
				     "quarantined\n", d->rules_error);
	for (size_t i = 0; i < n; i++) {
		struct pg_guard_dev dev;
		long k;

		if (pg_guard_sys_read(d->root, bdfs[i], &dev) < 0)
			continue;
		k = pg_guard_state_find(&d->st, &dev, false);
		pg_strbuf_printf(sb, "%s %04x:%04x class=%06x %s driver=%s path=%s", dev.bdf,
				 dev.vendor, dev.device, dev.class_code, state_of(&dev),
				 dev.driver[0] ? dev.driver : "-", dev.path);
		if (k >= 0)
			pg_strbuf_printf(sb, " decision=%s by=%s%s%s",
					 pg_guard_action_name(d->st.d[k].action), d->st.d[k].by,
					 d->st.d[k].rule[0] ? " rule=" : "", d->st.d[k].rule);
		if (pg_guard_state_find(&d->st, &dev, true) >= 0)
			pg_strbuf_printf(sb, " permanent");
		pg_strbuf_printf(sb, "\n");
	}
	free(bdfs);
}

/* "VERB BDF [driver=NAME] [permanent]" */
static void command(struct pg_guard_daemon *d, enum pg_guard_action a, char **w, size_t nw,
		    struct pg_strbuf *sb)
{
	struct pg_guard_decision dec;
	struct pg_guard_dev dev;
	char bdf[13];
	int r;

	memset(&dec, 0, sizeof(dec));
	if (nw < 2 || pg_bdf_parse(w[1], bdf) < 0) {
		pg_strbuf_printf(sb, "error: expected a device address after '%s'\n", w[0]);
		return;
	}
	for (size_t i = 2; i < nw; i++) {
		if (!strcmp(w[i], "permanent")) {
			dec.permanent = true;
		} else if (a == PG_GUARD_ALLOW && !strncmp(w[i], "driver=", 7) &&
			   pg_guard_name_ok(w[i] + 7)) {
			memcpy(dec.driver, w[i] + 7, strlen(w[i] + 7) + 1);
		} else {
			pg_strbuf_printf(sb, "error: unexpected '%.40s'\n", w[i]);
			return;
		}
	}
	if ((r = pg_guard_sys_read(d->root, bdf, &dev)) < 0) {
		pg_strbuf_printf(sb, "error: %s: %s\n", bdf, strerror(-r));
		return;
	}
	if (a == PG_GUARD_ALLOW && !dec.driver[0]) {
		const struct pg_guard_rule *rule = pg_guard_decide(d->rules, &dev);

		if (!rule || rule->action != PG_GUARD_ALLOW) {
			pg_strbuf_printf(sb, "error: %s: no allow rule names its driver: give "
					     "driver=NAME\n", bdf);
			return;
		}
		memcpy(dec.driver, rule->driver, sizeof(dec.driver));
	}
	dec.dev = dev;
	dec.action = a;
	memcpy(dec.by, "command", sizeof("command"));
	r = act(d, &dec, 0, 0);
	/* Kept for later plugs only once it worked: a failed allow must not become a rule. */
	if (r == 0 && dec.permanent && (r = pg_guard_state_put(&d->st, &dec)) == 0)
		save(d);
	if (r < 0)
		pg_strbuf_printf(sb, "error: %s: %s failed: %s\n", bdf, pg_guard_action_name(a),
				 strerror(-r));
	else
		pg_strbuf_printf(sb, "ok\n%s %s%s\n", bdf, pg_guard_action_name(a),
				 dec.permanent ? " permanent" : "");
}

int pg_guard_daemon_request(struct pg_guard_daemon *d, const struct pg_guard_peer *peer,
			    gid_t allowed_gid, const char *req, size_t len, char **ret)
{
	char text[MAX_REQUEST + 1], *w[8], *save = NULL;
	struct pg_strbuf sb;
	enum pg_guard_action a;
	struct json_object *o;
	size_t nw = 0;

	if (!d || !peer || !req || !ret)
		return -EINVAL;
	pg_strbuf_init(&sb);
	if (len > MAX_REQUEST || memchr(req, '\0', len)) {
		pg_strbuf_printf(&sb, "error: malformed request\n");
		goto out;
	}
	memcpy(text, req, len);
	text[len] = '\0';
	while (len && text[len - 1] == '\n')
		text[--len] = '\0';
	for (size_t i = 0; i < len; i++)
		if (text[i] < 0x20 || text[i] > 0x7e)
			text[i] = '?';
	o = record("request", NULL);
	if (o) {
		jstr(o, "request", text);
		jput(o, "uid", json_object_new_int64(peer->uid));
		jput(o, "authorized", json_object_new_boolean(authorized(peer, allowed_gid)));
	}
	emit(d, o);
	if (!authorized(peer, allowed_gid)) {
		pg_strbuf_printf(&sb, "error: permission denied (root or the guard group only)\n");
		goto out;
	}
	for (char *t = strtok_r(text, " ", &save); t && nw < N_ELEM(w);
	     t = strtok_r(NULL, " ", &save))
		w[nw++] = t;
	if (nw == 1 && !strcmp(w[0], "list"))
		list_devices(d, &sb);
	else if (nw >= 1 && nw < N_ELEM(w) && pg_guard_action_parse(w[0], &a) == 0)
		command(d, a, w, nw, &sb);
	else
		pg_strbuf_printf(&sb, "error: unknown request (list, allow, quarantine, assign, "
				      "reject)\n");
out:
	return pg_strbuf_finish(&sb, ret);
}
