/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Cross-check pcigate's capability walks against an independent decoder: for every dump in
 * $PG_CORPUS, the dump must read and parse, and the standard and extended capabilities
 * pcigate finds (chain order, offset, ID, and for extended ones the version) must be the
 * ones `lspci -F FILE -vvv` (pciutils 3.9) prints for the same file.
 *
 * lspci prints names, not IDs, so the name prefixes below map its first output line of
 * each capability back to IDs; the strings are those of pciutils 3.9 ls-caps.c,
 * ls-caps-vendor.c and ls-ecaps.c. Lines that are not capabilities ("<chain looped>",
 * "<chain broken>", "<access denied>") are skipped: pcigate reports those situations as
 * diagnostics, not as capabilities.
 *
 * The hostile devices of tests/data/hostile get the same cross-check: there the expected
 * disagreements are the places where pcigate is deliberately stricter than lspci.
 *
 * Known, explained disagreements are listed per folder (corpus_exceptions,
 * hostile_exceptions) with the reason. The test fails on any disagreement not listed, and
 * also on a listed file that agrees or no longer exists (so the lists stay honest when the
 * parser changes).
 *
 * lspci runs without a shell: fork + execvp with a fixed argv, the file name passed as one
 * argument, so no file name can be interpreted.
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
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include <pcigate/cfg.h>
#include <pcigate/dump.h>

#include "runprog.h"

#define CORPUS_FILES 316u
#define MAX_OUT (4u << 20)   /* lspci output cap per file */
#define MAX_LCAPS 1100u      /* more than any walk can print (48 + 960 + markers) */
#define NO_ID 0xffffffffu

/* ---- lspci name -> ID ----------------------------------------------------------------- */

struct name_map {
	const char *prefix;
	unsigned id, alt_id;  /* alt_id: a second ID printed under the same name, or NO_ID */
};

/* Standard capabilities (pciutils 3.9 ls-caps.c show_caps(), ls-caps-vendor.c). "Capability
 * ID 0x.." (unknown IDs) is parsed separately. SSVID prints nothing at all when its 8 bytes
 * cannot be fetched: that empty name is matched by the "" row. */
static const struct name_map std_names[] = {
	{ "Null", 0x00, NO_ID },
	{ "Power Management version", 0x01, NO_ID },
	{ "AGP version", 0x02, NO_ID },
	{ "Vital Product Data", 0x03, NO_ID },
	{ "Slot ID:", 0x04, NO_ID },
	{ "MSI:", 0x05, NO_ID },
	{ "CompactPCI hot-swap", 0x06, NO_ID },
	{ "PCI-X non-bridge device", 0x07, NO_ID },
	{ "PCI-X bridge device", 0x07, NO_ID },
	{ "HyperTransport:", 0x08, NO_ID },
	{ "Vendor Specific Information", 0x09, NO_ID },
	{ "Debug port:", 0x0a, NO_ID },
	{ "CompactPCI central resource control", 0x0b, NO_ID },
	{ "Hot-plug capable", 0x0c, NO_ID },
	{ "Subsystem:", 0x0d, NO_ID },
	{ "AGP3", 0x0e, NO_ID },
	{ "Secure device", 0x0f, NO_ID },
	{ "Express ", 0x10, NO_ID },
	{ "MSI-X:", 0x11, NO_ID },
	{ "SATA HBA", 0x12, NO_ID },
	{ "PCI Advanced Features", 0x13, NO_ID },
	{ "Enhanced Allocation (EA)", 0x14, NO_ID },
	{ "", 0x0d, NO_ID },
};

/* Extended capabilities (pciutils 3.9 ls-ecaps.c show_ext_caps()). VC (0x02) and VC9
 * (0x09) share a name. DSN prints nothing when its 8 bytes cannot be fetched ("" row).
 * "Extended Capability ID 0x.." is parsed separately. */
static const struct name_map ext_names[] = {
	{ "Null", 0x00, NO_ID },
	{ "Advanced Error Reporting", 0x01, NO_ID },
	{ "Virtual Channel", 0x02, 0x09 },
	{ "Device Serial Number", 0x03, NO_ID },
	{ "Power Budgeting", 0x04, NO_ID },
	{ "Root Complex Link", 0x05, NO_ID },
	{ "Root Complex Internal Link", 0x06, NO_ID },
	{ "Root Complex Event Collector Endpoint Association", 0x07, NO_ID },
	{ "Multi-Function Virtual Channel", 0x08, NO_ID },
	{ "Root Complex Register Block", 0x0a, NO_ID },
	{ "Vendor Specific Information", 0x0b, NO_ID },
	{ "Access Control Services", 0x0d, NO_ID },
	{ "Alternative Routing-ID Interpretation", 0x0e, NO_ID },
	{ "Address Translation Service", 0x0f, NO_ID },
	{ "Single Root I/O Virtualization", 0x10, NO_ID },
	{ "Multi-Root I/O Virtualization", 0x11, NO_ID },
	{ "Multicast", 0x12, NO_ID },
	{ "Page Request Interface", 0x13, NO_ID },
	{ "Physical Resizable BAR", 0x15, NO_ID },
	{ "Dynamic Power Allocation", 0x16, NO_ID },
	{ "Transaction Processing Hints", 0x17, NO_ID },
	{ "Latency Tolerance Reporting", 0x18, NO_ID },
	{ "Secondary PCI Express", 0x19, NO_ID },
	{ "Protocol Multiplexing", 0x1a, NO_ID },
	{ "Process Address Space ID", 0x1b, NO_ID },
	{ "LN Requester", 0x1c, NO_ID },
	{ "Downstream Port Containment", 0x1d, NO_ID },
	{ "L1 PM Substates", 0x1e, NO_ID },
	{ "Precision Time Measurement", 0x1f, NO_ID },
	{ "PCI Express over M_PHY", 0x20, NO_ID },
	{ "FRS Queueing", 0x21, NO_ID },
	{ "Readiness Time Reporting", 0x22, NO_ID },
	{ "Designated Vendor-Specific", 0x23, NO_ID },
	{ "Virtual Resizable BAR", 0x24, NO_ID },
	{ "Data Link Feature", 0x25, NO_ID },
	{ "Physical Layer 16.0 GT/s", 0x26, NO_ID },
	{ "Lane Margining at the Receiver", 0x27, NO_ID },
	{ "Hierarchy ID", 0x28, NO_ID },
	{ "Native PCIe Enclosure Management", 0x29, NO_ID },
	{ "Data Object Exchange", 0x2e, NO_ID },
	{ "", 0x03, NO_ID },
};

/* ---- known disagreements -------------------------------------------------------------- */

struct exception {
	const char *file;
	const char *reason;
};

/* Real corpus ($PG_CORPUS): every file agrees today (pciutils 3.9.0, 316 files). */
static const struct exception corpus_exceptions[] = {
	{ NULL, NULL },
};

/* Hostile devices (tests/data/hostile): where pcigate is deliberately stricter than lspci.
 * Every other hostile file (loops, TTL, bad and misaligned pointers, truncations, the
 * 960-capability chains) yields the same capability list from both. */
static const struct exception hostile_exceptions[] = {
	{ "pcix-mode1-noext.txt", "PCI-X mode 1 has no extended space (PCI-X 2.0): pcigate does "
	  "not walk 0x100, lspci 3.9 walks it for any PCI-X capability" },
	{ "std-ptr-low-first.txt", "pointer 0x10 into the header: pcigate stops (cap-ptr-low, "
	  "as Linux), lspci follows it and prints a capability at [10]" },
	{ "std-ptr-low.txt", "next pointer 0x38 into the header: pcigate stops (cap-ptr-low), "
	  "lspci follows it and prints a capability at [38]" },
	{ NULL, NULL },
};

/* ---- lspci output model --------------------------------------------------------------- */

struct lcap {
	bool ext;
	unsigned offset;
	unsigned version;
	unsigned id, alt_id;
	char name[64];
};

static bool starts_with(const char *s, size_t n, const char *prefix)
{
	size_t p = strlen(prefix);

	return p <= n && !memcmp(s, prefix, p);
}

/* Map a printed name (not NUL-terminated, n bytes) to IDs; false when unknown. */
static bool map_name(bool ext, const char *s, size_t n, unsigned *id, unsigned *alt)
{
	const struct name_map *tab = ext ? ext_names : std_names;
	size_t count = ext ? sizeof(ext_names) / sizeof(ext_names[0])
			   : sizeof(std_names) / sizeof(std_names[0]);
	const char *unknown = ext ? "Extended Capability ID " : "Capability ID ";
	const struct name_map *best = NULL;

	if (starts_with(s, n, unknown)) {
		char buf[16] = { 0 };
		size_t u = strlen(unknown), k = 0;

		while (u + k < n && k < sizeof(buf) - 1 && s[u + k] != ' ')
			buf[k] = s[u + k], k++;
		*id = (unsigned)strtoul(buf, NULL, 16);
		*alt = NO_ID;
		return k > 0;
	}
	/* Longest matching prefix wins ("MSI-X:" is not "MSI:", "" matches only empty). */
	for (size_t i = 0; i < count; i++) {
		if (!tab[i].prefix[0] ? n == 0 : starts_with(s, n, tab[i].prefix))
			if (!best || strlen(tab[i].prefix) > strlen(best->prefix))
				best = &tab[i];
	}
	if (!best)
		return false;
	*id = best->id;
	*alt = best->alt_id;
	return true;
}

/* Parse every "\tCapabilities: [..] NAME" in lspci's output. A capability whose decoder
 * printed nothing leaves the next "\tCapabilities:" on the same line, so entries are found
 * by searching the text, not by line. Returns the count, or -1 on an unknown name. */
static int parse_lspci(const char *out, size_t len, struct lcap *caps, size_t max,
		       char *why, size_t whylen)
{
	static const char tag[] = "\tCapabilities: ";
	const char *p = out, *end = out + len;
	size_t n = 0;

	while ((p = memmem(p, (size_t)(end - p), tag, sizeof(tag) - 1))) {
		const char *q = p + sizeof(tag) - 1, *name, *stop, *nl;
		unsigned digits = 0, off = 0, ver = 0;
		struct lcap *c;

		p = q;
		if (q >= end || *q != '[')
			continue; /* "<access denied>" */
		for (q++; q < end && strchr("0123456789abcdef", *q) && *q; q++, digits++)
			off = off * 16 + (unsigned)(strchr("0123456789abcdef", *q) - "0123456789abcdef");
		if (q + 1 < end && q[0] == ' ' && q[1] == 'v')
			for (q += 2; q < end && *q >= '0' && *q <= '9'; q++)
				ver = ver * 10 + (unsigned)(*q - '0');
		if (q + 1 >= end || q[0] != ']' || q[1] != ' ' || (digits != 2 && digits != 3)) {
			snprintf(why, whylen, "unparsable capability line near offset %zu",
				 (size_t)(p - out));
			return -1;
		}
		name = q + 2;
		nl = memchr(name, '\n', (size_t)(end - name));
		stop = memmem(name, (size_t)(end - name), tag, sizeof(tag) - 1);
		if (!nl)
			nl = end;
		if (stop && stop < nl)
			nl = stop;
		if (starts_with(name, (size_t)(nl - name), "<chain looped>") ||
		    starts_with(name, (size_t)(nl - name), "<chain broken>"))
			continue;
		if (n >= max) {
			snprintf(why, whylen, "more than %zu capabilities", max);
			return -1;
		}
		c = &caps[n];
		c->ext = digits == 3;
		c->offset = off;
		c->version = ver;
		snprintf(c->name, sizeof(c->name), "%.*s", (int)(nl - name), name);
		if (!map_name(c->ext, name, (size_t)(nl - name), &c->id, &c->alt_id)) {
			snprintf(why, whylen, "no ID known for lspci name \"%s\" at [%x]", c->name,
				 off);
			return -1;
		}
		n++;
	}
	return (int)n;
}

/* Run `lspci -F path -vvv` and collect stdout; stderr goes to /dev/null (libkmod
 * warnings). Returns the output (malloc'd, NUL-terminated) or NULL with why set. */
static char *run_lspci(const char *path, size_t *ret_len, char *why, size_t whylen)
{
	char lspci[] = "lspci", f[] = "-F", vvv[] = "-vvv", file[4200];
	char *argv[] = { lspci, f, file, vvv, NULL };
	int status = -1;
	char *buf;

	snprintf(file, sizeof(file), "%s", path);
	buf = rp_run(argv, NULL, ret_len, &status, why, whylen);
	if (buf && status != 0) {
		snprintf(why, whylen, "lspci failed (exit %d)", status);
		free(buf);
		buf = NULL;
	}
	return buf;
}

/* ---- comparison ------------------------------------------------------------------------ */

static bool id_matches(const struct lcap *lc, unsigned id)
{
	return lc->id == id || (lc->alt_id != NO_ID && lc->alt_id == id);
}

/* pcigate's capabilities against lspci's, in chain order; false with why on a difference. */
static bool compare_lists(const struct pg_cfg_layout *l, const struct lcap *lc, unsigned nl,
			  char *why, size_t whylen)
{
	for (unsigned i = 0; i < l->ncaps || i < nl; i++) {
		const struct pg_cap *c = i < l->ncaps ? &l->caps[i] : NULL;
		const struct lcap *x = i < nl ? &lc[i] : NULL;

		if (!c) {
			snprintf(why, whylen, "#%u: pcigate has no more, lspci %s [%03x] \"%s\"", i,
				 x->ext ? "ext" : "std", x->offset, x->name);
			return false;
		}
		if (!x) {
			snprintf(why, whylen, "#%u: pcigate %s [%03x] id 0x%02x, lspci has no more", i,
				 c->extended ? "ext" : "std", c->offset, c->id);
			return false;
		}
		if (c->extended != x->ext || c->offset != x->offset || !id_matches(x, c->id) ||
		    (c->extended && c->version != x->version)) {
			snprintf(why, whylen,
				 "#%u: pcigate %s [%03x] id 0x%02x v%u, lspci %s [%03x v%u] \"%s\"",
				 i, c->extended ? "ext" : "std", c->offset, c->id, c->version,
				 x->ext ? "ext" : "std", x->offset, x->version, x->name);
			return false;
		}
	}
	return true;
}

/* Compare one file; returns true on agreement, otherwise fills why. Parse failures are
 * reported through *hard (they are never acceptable exceptions). */
static bool compare_file(const char *path, char *why, size_t whylen, bool *hard,
			 unsigned *ret_std, unsigned *ret_ext)
{
	static struct lcap lc[MAX_LCAPS];
	struct pg_dump_error err = { 0 };
	struct pg_dump_dev *devs = NULL;
	struct pg_cfg_layout *l = NULL;
	size_t n = 0, outlen = 0;
	bool agree = false;
	char *out = NULL;
	int r, nl;

	*hard = true;
	r = pg_dump_read_file(path, &devs, &n, &err);
	if (r < 0 || n != 1) {
		snprintf(why, whylen, "dump not read: %s (line %u: %s), %zu devices",
			 r < 0 ? strerror(-r) : "ok", err.line, err.msg, n);
		goto out;
	}
	r = pg_cfg_parse(devs[0].cfg, devs[0].len, &devs[0].sizes, &l);
	if (r < 0) {
		snprintf(why, whylen, "pg_cfg_parse: %s", strerror(-r));
		goto out;
	}
	out = run_lspci(path, &outlen, why, whylen);
	if (!out)
		goto out;
	nl = parse_lspci(out, outlen, lc, MAX_LCAPS, why, whylen);
	if (nl < 0)
		goto out;
	*hard = false;
	if (!compare_lists(l, lc, (unsigned)nl, why, whylen))
		goto out;
	*ret_std = l->nstd;
	*ret_ext = (unsigned)(l->ncaps - l->nstd);
	agree = true;
out:
	free(out);
	pg_cfg_free(l);
	free(devs);
	return agree;
}

static const struct exception *find_exception(const struct exception *tab, const char *file)
{
	for (size_t i = 0; tab[i].file; i++)
		if (!strcmp(tab[i].file, file))
			return &tab[i];
	return NULL;
}

static size_t list_corpus(const char *dir, char ***ret)
{
	size_t n = rp_list_dir(dir, ".txt", 512, ret);

	if (n == (size_t)-1) {
		fail_msg("%s: cannot list it (or more than 512 dumps)", dir);
		return 0;
	}
	return n;
}

struct tally {
	unsigned agree, listed, unlisted, stale, hard;
	unsigned nstd, next; /* capabilities compared in agreeing files */
};

static void check_one(const char *dir, const char *name, const struct exception *tab,
		      struct tally *t)
{
	const struct exception *ex = find_exception(tab, name);
	char path[4096], why[512] = "";
	unsigned fstd = 0, fext = 0;
	bool is_hard = false;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (compare_file(path, why, sizeof(why), &is_hard, &fstd, &fext)) {
		t->agree++;
		t->nstd += fstd;
		t->next += fext;
		if (ex) {
			print_message("STALE exception %s: now agrees (%s)\n", name, ex->reason);
			t->stale++;
		}
	} else if (is_hard) {
		print_message("FAIL %s: %s\n", name, why);
		t->hard++;
	} else if (ex) {
		print_message("known %s: %s -- %s\n", name, why, ex->reason);
		t->listed++;
	} else {
		print_message("DISAGREE %s: %s\n", name, why);
		t->unlisted++;
	}
}

/* Compare every *.txt of dir; fails on a parse failure, an unlisted disagreement or a
 * stale exception. Returns the number of files. */
static size_t check_dir(const char *label, const char *dir, const struct exception *tab,
			struct tally *t)
{
	char **names = NULL;
	size_t n = list_corpus(dir, &names);

	for (size_t i = 0; i < n; i++) {
		check_one(dir, names[i], tab, t);
		free(names[i]);
	}
	free(names);
	for (size_t i = 0; tab[i].file; i++) {
		char path[4096];

		snprintf(path, sizeof(path), "%s/%s", dir, tab[i].file);
		if (access(path, R_OK)) {
			print_message("STALE exception %s: no such file\n", tab[i].file);
			t->stale++;
		}
	}
	print_message("%s: %zu files, %u agree exactly (%u standard and %u extended "
		      "capabilities), %u known exceptions, %u unlisted disagreements, %u stale "
		      "exceptions, %u failures\n", label, n, t->agree, t->nstd, t->next,
		      t->listed, t->unlisted, t->stale, t->hard);
	assert_int_equal(t->hard, 0);
	assert_int_equal(t->unlisted, 0);
	assert_int_equal(t->stale, 0);
	assert_true(t->nstd > 0 && t->next > 0); /* the comparison really compared something */
	return n;
}

static void test_corpus_agrees_with_lspci(void **state)
{
	const char *dir = getenv("PG_CORPUS");
	struct tally t = { 0 };

	(void)state;
	if (!dir)
		fail_msg("PG_CORPUS is not set (run through meson test)");
	assert_int_equal(check_dir("corpus", dir, corpus_exceptions, &t), CORPUS_FILES);
}

static void test_hostile_agrees_with_lspci(void **state)
{
	const char *data = getenv("PG_TESTDATA");
	struct tally t = { 0 };
	char dir[4096];

	(void)state;
	if (!data)
		fail_msg("PG_TESTDATA is not set (run through meson test)");
	snprintf(dir, sizeof(dir), "%s/hostile", data);
	assert_true(check_dir("hostile", dir, hostile_exceptions, &t) >= 25);
}

/* The name table itself: each row maps, and lspci's unknown-ID forms parse. */
static void test_name_map(void **state)
{
	unsigned id, alt;

	(void)state;
	assert_true(map_name(false, "MSI-X: Enable+", 14, &id, &alt));
	assert_int_equal(id, 0x11);
	assert_true(map_name(false, "MSI: Enable+", 12, &id, &alt));
	assert_int_equal(id, 0x05);
	assert_true(map_name(false, "Capability ID 0x15 [0000]", 25, &id, &alt));
	assert_int_equal(id, 0x15);
	assert_true(map_name(true, "Extended Capability ID 0x2a", 27, &id, &alt));
	assert_int_equal(id, 0x2a);
	assert_true(map_name(true, "Virtual Channel", 15, &id, &alt));
	assert_int_equal(id, 0x02);
	assert_int_equal(alt, 0x09);
	assert_true(map_name(true, "Root Complex Internal Link <?>", 30, &id, &alt));
	assert_int_equal(id, 0x06);
	assert_true(map_name(true, "", 0, &id, &alt));
	assert_int_equal(id, 0x03);
	assert_false(map_name(false, "Something new", 13, &id, &alt));
}

/* The output parser on canned lspci text: markers skipped, a decoder that printed
 * nothing (SSVID, DSN) leaves the next capability on the same line, ext offsets are 3
 * digits with a version. */
static void test_parse_lspci(void **state)
{
	static const char out[] =
		"00:1c.0 PCI bridge: Intel Corporation Device 9d10\n"
		"\tCapabilities: [40] Express (v2) Root Port (Slot+), MSI 00\n"
		"\t\tDevCap:\tMaxPayload 256 bytes\n"
		"\tCapabilities: [80] \tCapabilities: [90] Subsystem: Intel Device 7270\n"
		"\tCapabilities: [a0] Capability ID 0x15 [0000]\n"
		"\tCapabilities: [40] <chain looped>\n"
		"\tCapabilities: [100 v1] Advanced Error Reporting\n"
		"\tCapabilities: [140 v2] \tCapabilities: [150 v1] Virtual Channel\n"
		"\tCapabilities: [200 v1] <chain looped>\n";
	static const struct { bool ext; unsigned off, id, ver; } want[] = {
		{ false, 0x40, 0x10, 0 }, { false, 0x80, 0x0d, 0 }, { false, 0x90, 0x0d, 0 },
		{ false, 0xa0, 0x15, 0 }, { true, 0x100, 0x01, 1 }, { true, 0x140, 0x03, 2 },
		{ true, 0x150, 0x02, 1 },
	};
	static const char unknown[] = "\tCapabilities: [40] Frobnicator\n";
	static const char denied[] = "\tCapabilities: <access denied>\n";
	struct lcap caps[16];
	char why[128] = "";
	int n;

	(void)state;
	n = parse_lspci(out, sizeof(out) - 1, caps, 16, why, sizeof(why));
	assert_int_equal(n, sizeof(want) / sizeof(want[0]));
	for (int i = 0; i < n; i++) {
		assert_int_equal(caps[i].ext, want[i].ext);
		assert_int_equal(caps[i].offset, want[i].off);
		assert_int_equal(caps[i].id, want[i].id);
		assert_int_equal(caps[i].version, want[i].ver);
	}
	assert_int_equal(caps[6].alt_id, 0x09);
	n = parse_lspci(unknown, strlen(unknown), caps, 16, why, sizeof(why));
	assert_int_equal(n, -1); /* an unknown name is an error, not a silent skip */
	assert_non_null(strstr(why, "Frobnicator"));
	assert_int_equal(parse_lspci(denied, strlen(denied), caps, 16, why, sizeof(why)), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_name_map),
		cmocka_unit_test(test_parse_lspci),
		cmocka_unit_test(test_corpus_agrees_with_lspci),
		cmocka_unit_test(test_hostile_agrees_with_lspci),
	};
	const char *dir = getenv("PG_CORPUS");

	/* Fixed command string: nothing from the corpus reaches a shell. */
	if (system("command -v lspci >/dev/null 2>&1") != 0) {
		fprintf(stderr, "lspci (pciutils) not found: skipping\n");
		return 77;
	}
	if (dir && access(dir, R_OK | X_OK)) {
		fprintf(stderr, "corpus %s: %s: skipping\n", dir, strerror(errno));
		return 77;
	}
	return cmocka_run_group_tests_name("corpus-lspci", tests, NULL, NULL);
}
