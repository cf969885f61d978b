/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A real client reads the guest view: for every corpus dump ($PG_CORPUS) and each profile
 * (guest, device-model, permissive), `pcigate view --profile P DUMP` must produce a dump
 * that `lspci -F FILE -n -vvv` (pciutils) decodes without error, showing
 *
 *   - the device's IDs (vendor:device, as `lspci -n` prints them for the original dump);
 *   - exactly the allowed capabilities, at their offsets: for guest and device-model the
 *     device's PM, MSI, MSI-X and PCI Express capabilities and nothing else, for
 *     permissive every capability the device has (as lspci lists them for the original);
 *   - an intact chain (no "<chain looped>", no "<chain broken>").
 *
 * Speed: lspci costs ~40 ms per run here (mostly start-up), so the views are not decoded
 * one by one (948 runs, ~40 s): each profile's views go into one multi-device file, one
 * device per slot (bus 1.., device 0-31), and lspci runs once per profile, plus once over
 * the originals. pcigate itself runs once per dump and profile (it is the thing tested).
 *
 * Devices the mediator refuses: a header other than type 0 (bridges, CardBus, unknown
 * layouts) is not mediated (vfio refuses bridges too), nor is a bridge class (base class
 * 0x06: host, ISA, other bridges) on a type 0 header, which owns platform resources, nor a
 * config space reading all ones (no function answers; its header type reads 0x7f, so it
 * counts as one of these).
 * For those the test asserts that view fails with exit status 3 and says why ("not an
 * endpoint"), instead of expecting a view. Any other disagreement must be listed below by
 * file name and profile with its reason; the test fails on an unlisted disagreement and on
 * a listed one that no longer occurs.
 *
 * Programs run without a shell (fork + execv with fixed argv).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include <pcigate/pcigate.h>

#include "runprog.h"

#define CORPUS_FILES 316u
#define REFUSED_FILES 69u       /* corpus devices with a header other than type 0 (44, all-ones
				 * too) or a bridge class on a type 0 header (25) */
#define MAX_DEVS 512u
#define MAX_CAPS 64u
#define MAX_OUT (16u << 20)

static const char *pcigate;     /* the binary under test (argv[1]) */
static char tmpdir[4096];

/* ---- known disagreements -------------------------------------------------------------- */

#define P_GUEST (1u << PG_PROFILE_GUEST)
#define P_DM (1u << PG_PROFILE_DEVICE_MODEL)
#define P_PERM (1u << PG_PROFILE_PERMISSIVE)
#define P_ALL (P_GUEST | P_DM | P_PERM)

struct exception {
	const char *file;
	unsigned profiles;
	const char *reason;
};

static const struct exception exceptions[] = {
	{ "168c-002a_qualcomm-atheros-ar928x-wireless-network-adapter_4096.txt", P_ALL,
	  "device: the MSI-X capability is all zero (table and PBA both at offset 0 of BAR 0, "
	  "overlapping): hidden on failure, as documented, in every profile" },
	{ "177d-a01e_cavium-thunderx-network-interface-controller_4096.txt", P_ALL,
	  "device: MSI-X table and PBA in BIR 4, a BAR this Enhanced Allocation device does "
	  "not implement (its resources come from EA): hidden on failure in every profile" },
	{ "8086-0b23_intel-device_4096.txt", P_ALL,
	  "a Root Complex Event Collector: only Endpoint, Legacy Endpoint and RCiEP PCI Express "
	  "capabilities are mediated, so it is hidden in every profile" },
	{ NULL, 0, NULL },
};

/* ---- running programs ------------------------------------------------------------------- */

/* Run argv (no shell) with stderr into the file err; the output and exit status. */
static char *run(char *const argv[], const char *err, int *status)
{
	char why[256] = "";
	size_t len = 0;
	char *o = rp_run(argv, err, &len, status, why, sizeof(why));

	if (!o)
		fail_msg("%s: %s", argv[0], why);
	return o;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* lspci's stderr may only hold its libkmod warning (no module data in a container). */
static bool lspci_stderr_ok(const char *err)
{
	for (const char *p = err; *p;) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);

		if (n && !(n >= 30 && !strncmp(p, "lspci: Unable to load libkmod", 29)))
			return false;
		p += n + (nl ? 1 : 0);
	}
	return true;
}

/* ---- lspci output ----------------------------------------------------------------------- */

struct lcap {
	bool ext;
	unsigned off, ver;
	char key[48];        /* the name up to its first ':' (values differ, names do not) */
	char line[96];
};

struct ldev {
	char slot[16];
	char ids[16];        /* "vvvv:dddd" */
	struct lcap caps[MAX_CAPS];
	unsigned ncaps;
	bool looped, broken, denied;
	bool seen;
};

static void add_cap(struct ldev *d, const char *p, size_t n, bool ext, unsigned off,
		    unsigned ver)
{
	struct lcap *c;
	const char *colon = memchr(p, ':', n);
	size_t k = colon ? (size_t)(colon - p) : n;

	if (n >= 14 && !strncmp(p, "<chain looped>", 14)) {
		d->looped = true;
		return;
	}
	if (n >= 14 && !strncmp(p, "<chain broken>", 14)) {
		d->broken = true;
		return;
	}
	if (d->ncaps >= MAX_CAPS)
		return;
	c = &d->caps[d->ncaps++];
	c->ext = ext;
	c->off = off;
	c->ver = ver;
	snprintf(c->key, sizeof(c->key), "%.*s", (int)k, p);
	snprintf(c->line, sizeof(c->line), "%.*s", (int)n, p);
}

/* Parse the "\tCapabilities: [..]" entries of one device's block (text, n bytes). A
 * decoder that printed nothing leaves the next entry on the same line. */
static void parse_caps(struct ldev *d, const char *text, size_t n)
{
	static const char tag[] = "\tCapabilities: ";
	const char *p = text, *end = text + n;

	while ((p = memmem(p, (size_t)(end - p), tag, sizeof(tag) - 1))) {
		const char *q = p + sizeof(tag) - 1, *nl, *stop;
		unsigned off = 0, ver = 0, digits = 0;

		p = q;
		if (q >= end || *q != '[') {
			d->denied = true; /* "<access denied>" */
			continue;
		}
		for (q++; q < end && strchr("0123456789abcdef", *q) && *q; q++, digits++)
			off = off * 16 + (unsigned)(strchr("0123456789abcdef", *q) - "0123456789abcdef");
		if (q + 1 < end && q[0] == ' ' && q[1] == 'v')
			for (q += 2; q < end && *q >= '0' && *q <= '9'; q++)
				ver = ver * 10 + (unsigned)(*q - '0');
		if (q + 1 >= end || q[0] != ']' || q[1] != ' ')
			continue;
		q += 2;
		nl = memchr(q, '\n', (size_t)(end - q));
		stop = memmem(q, (size_t)(end - q), tag, sizeof(tag) - 1);
		if (!nl)
			nl = end;
		if (stop && stop < nl)
			nl = stop;
		add_cap(d, q, (size_t)(nl - q), digits == 3, off, ver);
	}
}

static bool is_slot_line(const char *p)
{
	return strlen(p) > 8 && p[2] == ':' && p[5] == '.' && p[7] == ' ';
}

/* Split `lspci -n -vvv` output into devices; devs is indexed by our slot numbering. */
static void parse_lspci(char *out, struct ldev *devs, size_t ndevs)
{
	char *p = out;

	while (p && *p) {
		char *next = p, slot[16];
		unsigned bus = 0, dev = 0, idx;
		struct ldev *d;

		/* the block runs to the next slot line */
		do {
			next = strchr(next, '\n');
			next = next ? next + 1 : NULL;
		} while (next && *next && !is_slot_line(next));
		if (!is_slot_line(p) || sscanf(p, "%2x:%2x", &bus, &dev) != 2 || bus < 1) {
			p = next;
			continue;
		}
		idx = (bus - 1) * 32 + dev;
		if (idx < ndevs) {
			d = &devs[idx];
			memset(d, 0, sizeof(*d));
			snprintf(slot, sizeof(slot), "%.7s", p);
			memcpy(d->slot, slot, sizeof(d->slot));
			/* "01:00.0 0200: 8086:10c9 (rev 01)" */
			(void)sscanf(p + 8, "%*4x: %9s", d->ids);
			parse_caps(d, p, next ? (size_t)(next - p) : strlen(p));
			d->seen = true;
		}
		p = next;
	}
}

/* ---- the corpus ------------------------------------------------------------------------- */

struct entry {
	char *name;
	bool endpoint;            /* header type 0: mediated */
	bool served;              /* not an endpoint, but view did not refuse it */
	struct pg_dump_dev dev;
};

static size_t list_corpus(const char *dir, char ***names)
{
	size_t n = rp_list_dir(dir, ".txt", MAX_DEVS, names);

	if (n == (size_t)-1) {
		fail_msg("%s: cannot list the corpus (or more than %u dumps)", dir, MAX_DEVS);
		return 0;
	}
	return n;
}

static void slot_of(size_t i, char *buf, size_t n)
{
	snprintf(buf, n, "%02x:%02zx.0", (unsigned)(1 + i / 32), i % 32);
}

/* The original dumps as one multi-device file, renumbered like the views. */
static void write_originals(const struct entry *ents, size_t n, const char *path)
{
	FILE *f = fopen(path, "we");

	assert_non_null(f);
	for (size_t i = 0; i < n; i++) {
		char slot[16];

		if (!ents[i].endpoint)
			continue;
		slot_of(i, slot, sizeof(slot));
		fprintf(f, "%s original\n", slot);
		for (unsigned off = 0; off < ents[i].dev.len; off += 16) {
			fprintf(f, off < 0x100 ? "%02x:" : "%03x:", off);
			for (unsigned k = 0; k < 16; k++)
				fprintf(f, " %02x", ents[i].dev.cfg[off + k]);
			fputc('\n', f);
		}
		fputc('\n', f);
	}
	assert_int_equal(fclose(f), 0);
}

/* Run lspci -F path -n -vvv and parse its output into devs. */
static double lspci_parse(const char *path, struct ldev *devs, size_t n)
{
	char err[4200];
	char lspci[] = "lspci", f[] = "-F", nn[] = "-n", vvv[] = "-vvv", file[4200];
	char *argv[] = { lspci, f, file, nn, vvv, NULL };
	char *o, *e;
	double t0 = now(), t;
	int st = -1;

	snprintf(file, sizeof(file), "%s", path);
	snprintf(err, sizeof(err), "%s/lspci.err", tmpdir);
	o = run(argv, err, &st);
	t = now() - t0;
	e = rp_read_file(err, NULL);
	assert_non_null(o);
	assert_non_null(e);
	if (st != 0 || !lspci_stderr_ok(e))
		fail_msg("lspci -F %s: exit %d, stderr: %s", path, st, e);
	parse_lspci(o, devs, n);
	free(o);
	free(e);
	return t;
}

/* ---- comparison ------------------------------------------------------------------------- */

static bool allowed_cap(enum pg_profile p, const struct lcap *c)
{
	static const char *const ok[] = { "Power Management version", "MSI: ", "MSI-X: ",
					  "Express " };

	if (p == PG_PROFILE_PERMISSIVE)
		return true;
	if (c->ext)
		return false;
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		if (!strncmp(c->line, ok[i], strlen(ok[i])))
			return true;
	return false;
}

/* Compare one view with its original; false with why set on a disagreement. */
static bool compare(enum pg_profile p, const struct ldev *orig, const struct ldev *view,
		    char *why, size_t n)
{
	unsigned j = 0;

	if (!view->seen) {
		snprintf(why, n, "lspci did not list the view");
		return false;
	}
	if (view->looped || view->broken) {
		snprintf(why, n, "chain %s in the view", view->looped ? "looped" : "broken");
		return false;
	}
	if (strcmp(orig->ids, view->ids) || !orig->ids[0]) {
		snprintf(why, n, "IDs %s, view %s", orig->ids, view->ids);
		return false;
	}
	for (unsigned i = 0; i < orig->ncaps; i++) {
		const struct lcap *o = &orig->caps[i], *v = j < view->ncaps ? &view->caps[j] : NULL;

		if (!allowed_cap(p, o))
			continue;
		if (!v || v->ext != o->ext || v->off != o->off || v->ver != o->ver ||
		    strcmp(v->key, o->key)) {
			snprintf(why, n, "missing or different: [%x] %s (view has %s%s)", o->off,
				 o->line, v ? "" : "nothing", v ? v->line : "");
			return false;
		}
		j++;
	}
	if (j != view->ncaps) {
		snprintf(why, n, "extra capability in the view: [%x] %s", view->caps[j].off,
			 view->caps[j].line);
		return false;
	}
	return true;
}

static const struct exception *find_exception(const char *file, enum pg_profile p)
{
	for (size_t i = 0; exceptions[i].file; i++)
		if (!strcmp(exceptions[i].file, file) && (exceptions[i].profiles & (1u << p)))
			return &exceptions[i];
	return NULL;
}

/* ---- the test --------------------------------------------------------------------------- */

struct state {
	const char *dir;
	struct entry *ents;
	size_t n;
	struct ldev *orig;
	double t_lspci, t_view;
};

/* Produce every view of profile p (one pcigate run each) into one file. */
static void make_views(struct state *s, enum pg_profile p, const char *path, unsigned *refused)
{
	char err[4200], src[4200];
	FILE *f = fopen(path, "we");

	assert_non_null(f);
	snprintf(err, sizeof(err), "%s/view.err", tmpdir);
	for (size_t i = 0; i < s->n; i++) {
		char exe[4200], view[] = "view", prof[] = "--profile", pname[32];
		char force[] = "--force"; /* what lspci decodes; refusals: test-cli-opts.sh */
		char *argv[] = { exe, view, prof, pname, force, src, NULL };
		char slot[16], *o, *e, *nl;
		double t0 = now();
		int st = -1;

		snprintf(exe, sizeof(exe), "%s", pcigate);
		snprintf(pname, sizeof(pname), "%s", pg_profile_name(p));
		snprintf(src, sizeof(src), "%s/%s", s->dir, s->ents[i].name);
		o = run(argv, err, &st);
		s->t_view += now() - t0;
		e = rp_read_file(err, NULL);
		assert_non_null(o);
		assert_non_null(e);
		if (!s->ents[i].endpoint) {
			if (st == 3 && strstr(e, "not an endpoint"))
				(*refused)++;
			else if (find_exception(s->ents[i].name, p))
				s->ents[i].served = true; /* a known exception, counted later */
			else
				fail_msg("%s (%s): a non-endpoint must be refused (exit 3, 'not an "
					 "endpoint'); got exit %d: %s", s->ents[i].name,
					 pg_profile_name(p), st, e);
		} else {
			nl = strchr(o, '\n');
			if (st != 0 || !nl || strncmp(o, s->ents[i].dev.slot,
						      strlen(s->ents[i].dev.slot)))
				fail_msg("%s (%s): view failed (exit %d): %s", s->ents[i].name,
					 pg_profile_name(p), st, e);
			slot_of(i, slot, sizeof(slot));
			fprintf(f, "%s view\n%s\n", slot, nl + 1);
		}
		free(o);
		free(e);
	}
	assert_int_equal(fclose(f), 0);
}

/* Non-endpoints that a listed exception says are served rather than refused. */
static unsigned listed_refusals(const struct state *s, enum pg_profile p)
{
	unsigned n = 0;

	for (size_t i = 0; i < s->n; i++)
		n += !s->ents[i].endpoint && find_exception(s->ents[i].name, p);
	return n;
}

static void check_profile(struct state *s, enum pg_profile p)
{
	struct ldev *view = calloc(MAX_DEVS, sizeof(*view));
	unsigned agree = 0, listed = 0, unlisted = 0, refused = 0, caps = 0;
	char path[4200], why[512];
	double t;

	assert_non_null(view);
	snprintf(path, sizeof(path), "%s/views-%s.txt", tmpdir, pg_profile_name(p));
	make_views(s, p, path, &refused);
	t = lspci_parse(path, view, s->n);
	s->t_lspci += t;
	for (size_t i = 0; i < s->n; i++) {
		const struct exception *ex;

		ex = find_exception(s->ents[i].name, p);
		if (!s->ents[i].endpoint && s->ents[i].served) {
			print_message("known %s (%s): not refused -- %s\n", s->ents[i].name,
				      pg_profile_name(p), ex->reason);
			s->ents[i].served = false;
			listed++;
			continue;
		}
		if (!s->ents[i].endpoint) {
			if (ex) {
				print_message("STALE exception %s (%s): refused now\n",
					      s->ents[i].name, pg_profile_name(p));
				unlisted++;
			}
			continue;
		}
		if (compare(p, &s->orig[i], &view[i], why, sizeof(why))) {
			agree++;
			caps += view[i].ncaps;
			if (ex) {
				print_message("STALE exception %s (%s): agrees now\n",
					      s->ents[i].name, pg_profile_name(p));
				unlisted++;
			}
		} else if (ex) {
			print_message("known %s (%s): %s -- %s\n", s->ents[i].name,
				      pg_profile_name(p), why, ex->reason);
			listed++;
		} else {
			print_message("DISAGREE %s (%s): %s\n", s->ents[i].name, pg_profile_name(p),
				      why);
			unlisted++;
		}
	}
	print_message("%s: %zu dumps: %u views agree with lspci (%u capabilities shown), %u "
		      "known exceptions, %u unlisted disagreements, %u non-endpoints refused; "
		      "lspci over all views %.2f s\n", pg_profile_name(p), s->n, agree, caps, listed,
		      unlisted, refused, t);
	free(view);
	assert_int_equal(unlisted, 0);
	assert_int_equal(refused + listed_refusals(s, p), REFUSED_FILES);
	assert_int_equal(agree + listed + refused, s->n);
	assert_true(caps > 0);
}

static void test_views_decode(void **state)
{
	struct state s = { 0 };
	char **names = NULL, path[4200];
	double t0 = now();

	(void)state;
	s.dir = getenv("PG_CORPUS");
	if (!s.dir)
		fail_msg("PG_CORPUS is not set (run through meson test)");
	s.n = list_corpus(s.dir, &names);
	assert_int_equal(s.n, CORPUS_FILES);
	assert_true(s.n <= 32u * 254u);
	s.ents = calloc(s.n, sizeof(*s.ents));
	s.orig = calloc(MAX_DEVS, sizeof(*s.orig));
	assert_non_null(s.ents);
	assert_non_null(s.orig);
	for (size_t i = 0; i < s.n; i++) {
		struct pg_dump_dev *devs = NULL;
		size_t nd = 0;

		snprintf(path, sizeof(path), "%s/%s", s.dir, names[i]);
		assert_int_equal(pg_dump_read_file(path, &devs, &nd, NULL), 0);
		s.ents[i].name = names[i];
		s.ents[i].dev = devs[0];
		s.ents[i].endpoint = devs[0].len >= 64 && (devs[0].cfg[0x0e] & 0x7fu) == 0 &&
				     devs[0].cfg[0x0b] != 0x06; /* base class 0x06: bridge */
		free(devs);
	}
	snprintf(path, sizeof(path), "%s/originals.txt", tmpdir);
	write_originals(s.ents, s.n, path);
	s.t_lspci += lspci_parse(path, s.orig, s.n);
	for (size_t i = 0; i < s.n; i++)
		if (s.ents[i].endpoint && !s.orig[i].seen)
			fail_msg("lspci did not list the original %s", names[i]);
	for (int p = 0; p < PG_PROFILE__COUNT; p++)
		check_profile(&s, (enum pg_profile)p);
	for (size_t i = 0; exceptions[i].file; i++) {
		snprintf(path, sizeof(path), "%s/%s", s.dir, exceptions[i].file);
		if (access(path, R_OK))
			fail_msg("STALE exception %s: no such file", exceptions[i].file);
	}
	print_message("%zu dumps x 3 profiles: pcigate view %.2f s (%zu runs), lspci %.2f s "
		      "(4 runs), total %.2f s\n", s.n, s.t_view, 3 * s.n, s.t_lspci, now() - t0);
	rp_free_list(names, s.n);
	free(s.ents);
	free(s.orig);
}

static int setup(void **state)
{
	const char *base = getenv("TMPDIR");

	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "%s/pcigate-guest-view-XXXXXX", base ? base : "/tmp");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
	static const char *const files[] = { "originals.txt", "views-guest.txt",
					     "views-device-model.txt", "views-permissive.txt",
					     "lspci.out", "lspci.err", "view.out", "view.err" };
	char path[4200];

	(void)state;
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", tmpdir, files[i]);
		(void)unlink(path);
	}
	return rmdir(tmpdir) == 0 ? 0 : -1;
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_views_decode),
	};

	if (argc != 2) {
		fprintf(stderr, "usage: %s PCIGATE\n", argv[0]);
		return 2;
	}
	pcigate = argv[1];
	/* Fixed command string: nothing from the corpus reaches a shell. */
	if (system("command -v lspci >/dev/null 2>&1") != 0) {
		fprintf(stderr, "lspci (pciutils) not found: skipping\n");
		return 77;
	}
	return cmocka_run_group_tests_name("guest-view-lspci", tests, setup, teardown);
}
