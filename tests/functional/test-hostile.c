/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Hostile config spaces (tests/data/hostile/NAME.txt, made by gen.sh there) against their
 * expected diagnostics (NAME.expect: one "CODE OFFSET" per line).
 *
 * For every device the dump reader must accept the file, pg_cfg_parse() must succeed, and
 * the diagnostics must equal NAME.expect exactly as a multiset: order-insensitive (the
 * order in which header, walks, decoders and the overlap check report is an implementation
 * detail) but count-sensitive (a diagnostic reported twice is a defect). The walk must also
 * terminate with sane, bounded counts: the standard/extended capability counts, whether
 * the extended list was walked and the dropped-diagnostic count are listed per device in
 * the table below, and generic invariants (offsets, lengths, bounds) hold for all.
 *
 * A device added to the folder without a row here, or a row without its files, fails the
 * test: nothing is skipped silently.
 */
#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <pcigate/cfg.h>
#include <pcigate/dump.h>

#define MAX_EXPECT 128u

struct hostile_case {
	const char *name;
	uint16_t nstd;         /* standard capabilities found */
	uint16_t next;         /* extended capabilities found */
	bool ext_walked;
	uint32_t dropped;      /* diagnostics beyond PG_CFG_MAX_DIAGS */
	void (*extra)(const struct pg_cfg_layout *l);
};

struct diag_item {
	unsigned code;
	unsigned offset;
};

/* ---- per-device extra checks ------------------------------------------------------- */

static void expect_cap(const struct pg_cfg_layout *l, unsigned i, uint16_t off, uint16_t id,
		       bool ext)
{
	assert_true(i < l->ncaps);
	assert_int_equal(l->caps[i].offset, off);
	assert_int_equal(l->caps[i].id, id);
	assert_int_equal(l->caps[i].extended, ext);
}

static void extra_std_loop_long(const struct pg_cfg_layout *l)
{
	expect_cap(l, 0, 0x40, PG_CAP_PM, false);
	expect_cap(l, 1, 0x50, PG_CAP_MSI, false);
	expect_cap(l, 2, 0x60, PG_CAP_VNDR, false);
	expect_cap(l, 3, 0x70, PG_CAP_DBG, false);
}

static void extra_std_ttl(const struct pg_cfg_layout *l)
{
	for (unsigned i = 0; i < PG_CFG_STD_TTL; i++)
		expect_cap(l, i, (uint16_t)(0x40 + 4 * i), PG_CAP_NULL, false);
}

static void extra_std_misaligned(const struct pg_cfg_layout *l)
{
	expect_cap(l, 0, 0x40, PG_CAP_PM, false);
	expect_cap(l, 1, 0x50, PG_CAP_MSI, false);
	assert_int_equal(l->caps[0].next, 0x50); /* reserved bits masked */
}

static void extra_std_cap_past_end(const struct pg_cfg_layout *l)
{
	expect_cap(l, 1, 0xfc, PG_CAP_PM, false);
	assert_int_equal(l->caps[1].len, 4); /* clamped to the end of the standard space */
}

static void extra_ecap_loop_long(const struct pg_cfg_layout *l)
{
	expect_cap(l, 1, 0x100, PG_ECAP_DSN, true);
	expect_cap(l, 2, 0x140, PG_ECAP_LTR, true);
	expect_cap(l, 3, 0x200, PG_ECAP_L1SS, true);
	expect_cap(l, 4, 0x180, PG_ECAP_ARI, true);
}

static void extra_ecap_misaligned(const struct pg_cfg_layout *l)
{
	expect_cap(l, 2, 0x140, PG_ECAP_LTR, true);
	assert_int_equal(l->caps[1].next, 0x140);
}

static void extra_ecap_past_end(const struct pg_cfg_layout *l)
{
	expect_cap(l, 2, 0xffc, PG_ECAP_LTR, true);
	assert_int_equal(l->caps[2].len, 4);
}

static void extra_ecap_chain(const struct pg_cfg_layout *l)
{
	for (unsigned i = 0; i < PG_CFG_EXT_TTL; i++) {
		expect_cap(l, 1 + i, (uint16_t)(0x100 + 4 * i), PG_ECAP_NULL, true);
		assert_int_equal(l->caps[1 + i].version, 1);
	}
}

static void extra_trunc_ecap(const struct pg_cfg_layout *l)
{
	expect_cap(l, 2, 0x13c, PG_ECAP_LTR, true);
	assert_int_equal(l->caps[2].len, 4); /* 0x13c..0x13f: the dump ends at 0x140 */
}

static void extra_all_ff(const struct pg_cfg_layout *l)
{
	assert_int_equal(l->vendor, 0xffff);
	assert_int_equal(l->device, 0xffff);
}

static void extra_hdr_unknown(const struct pg_cfg_layout *l)
{
	assert_int_equal(l->kind, PG_HDR_UNKNOWN);
	assert_int_equal(l->nbars, 0);
	for (unsigned i = 0; i < PG_CFG_NUM_BARS; i++)
		assert_int_equal(l->bars[i].kind, PG_BAR_NONE);
}

static void extra_cardbus(const struct pg_cfg_layout *l)
{
	assert_int_equal(l->kind, PG_HDR_CARDBUS);
	expect_cap(l, 0, 0x80, PG_CAP_PM, false); /* from 0x14, not the garbage at 0x34 */
	assert_int_equal(l->subsys_vendor, 0x1af4);
}

static void extra_bar_64_last(const struct pg_cfg_layout *l)
{
	assert_int_equal(l->bars[0].kind, PG_BAR_MEM32);
	assert_int_equal(l->bars[5].kind, PG_BAR_INVALID);
}

static void extra_bar_64_last_bridge(const struct pg_cfg_layout *l)
{
	assert_int_equal(l->kind, PG_HDR_BRIDGE);
	assert_int_equal(l->nbars, 2);
	assert_int_equal(l->bars[1].kind, PG_BAR_INVALID);
}

static void extra_bar_reserved(const struct pg_cfg_layout *l)
{
	assert_int_equal(l->bars[0].kind, PG_BAR_INVALID);
	assert_int_equal(l->bars[1].kind, PG_BAR_MEM32);
}

static void extra_msix_upper(const struct pg_cfg_layout *l)
{
	assert_int_equal(l->bars[0].kind, PG_BAR_MEM64);
	assert_int_equal(l->bars[1].kind, PG_BAR_MEM64_HI);
	assert_true(l->bars[0].size_known);
	assert_int_equal(l->bars[0].size, 16384);
}

/* The `# pcigate: bar0=4K bar2=4K` annotation must reach the layout: without it no
 * msix-bar-small could ever be reported. */
static void extra_msix_table_big(const struct pg_cfg_layout *l)
{
	assert_true(l->bars[0].size_known);
	assert_int_equal(l->bars[0].size, 4096);
	assert_true(l->bars[2].size_known);
	assert_int_equal(l->bars[2].size, 4096);
	expect_cap(l, 0, 0x40, PG_CAP_MSIX, false);
	if (l->caps[0].decoded) {
		assert_int_equal(l->caps[0].info.msix.table_size, 512);
		assert_int_equal(l->caps[0].info.msix.pba_bir, 2);
	}
}

/* The zero BAR the table names is "unknown", not "none": nothing says it is absent. */
static void extra_msix_zero_unsized(const struct pg_cfg_layout *l)
{
	assert_int_equal(l->bars[3].kind, PG_BAR_UNKNOWN);
	assert_false(l->bars[3].size_known);
}

static void extra_msix_bir6(const struct pg_cfg_layout *l)
{
	assert_int_equal(l->bars[PG_CFG_ROM_BAR].kind, PG_BAR_ROM);
	assert_int_equal(l->bars[PG_CFG_ROM_BAR].size, 65536);
}

/* ---- the table ---------------------------------------------------------------------- */

static struct hostile_case cases[] = {
	{ "std-loop-2", 2, 0, false, 0, NULL },
	{ "std-loop-long", 4, 0, false, 0, extra_std_loop_long },
	{ "std-self-loop", 1, 0, false, 0, NULL },
	{ "std-ttl", 48, 0, false, 0, extra_std_ttl },
	{ "std-ptr-low-first", 0, 0, false, 0, NULL },
	{ "std-ptr-low", 1, 0, false, 0, NULL },
	{ "std-misaligned", 2, 0, false, 0, extra_std_misaligned },
	{ "std-overlap", 2, 0, false, 0, NULL },
	{ "std-cap-past-end", 2, 0, false, 0, extra_std_cap_past_end },
	{ "std-cap-ff", 1, 0, false, 0, NULL },
	{ "dup-msi", 2, 0, false, 0, NULL },
	{ "no-caplist-garbage", 0, 0, false, 0, NULL },
	{ "ecap-loop-2", 1, 2, true, 0, NULL },
	{ "ecap-loop-long", 1, 4, true, 0, extra_ecap_loop_long },
	{ "ecap-self-loop", 1, 2, true, 0, NULL },
	{ "ecap-ptr-low", 1, 1, true, 0, NULL },
	{ "ecap-misaligned", 1, 2, true, 0, extra_ecap_misaligned },
	{ "ecap-overlap", 1, 2, true, 0, NULL },
	{ "ecap-past-end", 1, 2, true, 0, extra_ecap_past_end },
	{ "ecap-all-ones-mid", 1, 1, true, 0, NULL },
	{ "ecap-first-all-ones", 1, 0, true, 0, NULL },
	{ "ecap-max-chain", 1, 960, true, 0, extra_ecap_chain },
	{ "ecap-max-chain-end", 1, 960, true, 0, extra_ecap_chain },
	{ "diag-flood", 1, 960, true, 960 - PG_CFG_MAX_DIAGS, NULL },
	{ "ecap-dup-flood", 1, 960, true, 479 + 2 + 320 - PG_CFG_MAX_DIAGS, NULL },
	{ "pcix-mode1-noext", 1, 0, false, 0, NULL },
	{ "pcix-mode2-ext", 1, 1, true, 0, NULL },
	{ "trunc-16", 0, 0, false, 0, NULL },
	{ "trunc-48", 0, 0, false, 0, NULL },
	{ "trunc-64", 0, 0, false, 0, NULL },
	{ "trunc-128", 1, 0, false, 0, NULL },
	{ "trunc-ecap-320", 1, 2, true, 0, extra_trunc_ecap },
	{ "all-ff", 0, 0, false, 0, extra_all_ff },
	{ "all-00", 0, 0, false, 0, NULL },
	{ "hdr-type-03", 0, 0, false, 0, extra_hdr_unknown },
	{ "hdr-type-7f", 0, 0, false, 0, extra_hdr_unknown },
	{ "cardbus", 1, 0, false, 0, extra_cardbus },
	{ "bar-64-last", 0, 0, false, 0, extra_bar_64_last },
	{ "bar-64-last-bridge", 0, 0, false, 0, extra_bar_64_last_bridge },
	{ "bar-reserved", 0, 0, false, 0, extra_bar_reserved },
	{ "msix-bir-absent", 1, 0, false, 0, NULL },
	{ "msix-bir-zero-unsized", 1, 0, false, 0, extra_msix_zero_unsized },
	{ "msix-bir6", 1, 0, false, 0, extra_msix_bir6 },
	{ "msix-bir7", 1, 0, false, 0, NULL },
	{ "msix-bir-upper", 1, 0, false, 0, extra_msix_upper },
	{ "msix-table-big", 1, 0, false, 0, extra_msix_table_big },
	{ "msix-pba-past-bar", 1, 0, false, 0, NULL },
	{ "msix-overlap", 1, 0, false, 0, NULL },
	{ "msix-good", 1, 0, false, 0, NULL },
};

#define NCASES (sizeof(cases) / sizeof(cases[0]))

/* ---- helpers ------------------------------------------------------------------------ */

static const char *hostile_dir(char *buf, size_t size)
{
	const char *base = getenv("PG_TESTDATA");
	int n;

	if (!base)
		fail_msg("PG_TESTDATA is not set (run through meson test)");
	n = snprintf(buf, size, "%s/hostile", base);
	assert_true(n > 0 && (size_t)n < size);
	return buf;
}

static void case_path(char *buf, size_t size, const char *name, const char *ext)
{
	char dir[4096];
	int n = snprintf(buf, size, "%s/%s.%s", hostile_dir(dir, sizeof(dir)), name, ext);

	assert_true(n > 0 && (size_t)n < size);
}

static int diag_code_by_name(const char *name)
{
	for (unsigned c = 0; c < PG_DIAG__COUNT; c++)
		if (!strcmp(pg_diag_name((enum pg_diag_code)c), name))
			return (int)c;
	return -1;
}

/* Read NAME.expect; a line is "CODE OFFSET", blank lines and '#' comments are ignored.
 * Unknown codes and malformed lines fail the test, so a typo cannot hide an expectation. */
static size_t read_expect(const char *name, struct diag_item *items, size_t max)
{
	char path[4200], line[256];
	size_t n = 0;
	unsigned lineno = 0;
	FILE *f;

	case_path(path, sizeof(path), name, "expect");
	f = fopen(path, "re");
	if (!f)
		fail_msg("%s: %s", path, strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		char code[64], *end;
		unsigned long off;
		char offs[32];
		int c;

		lineno++;
		if (line[0] == '#' || line[strspn(line, " \t\r\n")] == '\0')
			continue;
		if (sscanf(line, "%63s %31s", code, offs) != 2)
			fail_msg("%s:%u: expected \"CODE OFFSET\"", path, lineno);
		c = diag_code_by_name(code);
		if (c < 0)
			fail_msg("%s:%u: unknown diagnostic \"%s\"", path, lineno, code);
		errno = 0;
		off = strtoul(offs, &end, 0);
		if (errno || *end || off > 0xffff)
			fail_msg("%s:%u: bad offset \"%s\"", path, lineno, offs);
		if (n >= max)
			fail_msg("%s: more than %zu expectations", path, max);
		items[n].code = (unsigned)c;
		items[n].offset = (unsigned)off;
		n++;
	}
	fclose(f);
	return n;
}

static int cmp_item(const void *a, const void *b)
{
	const struct diag_item *x = a, *y = b;

	if (x->code != y->code)
		return x->code < y->code ? -1 : 1;
	if (x->offset != y->offset)
		return x->offset < y->offset ? -1 : 1;
	return 0;
}

/* Multiset comparison; every difference is printed before failing. */
static void compare_diags(const char *name, const struct pg_cfg_layout *l)
{
	struct diag_item want[MAX_EXPECT], got[PG_CFG_MAX_DIAGS];
	size_t nwant = read_expect(name, want, MAX_EXPECT), ngot = l->ndiags;
	size_t i = 0, j = 0;
	unsigned bad = 0;

	for (size_t k = 0; k < ngot; k++) {
		got[k].code = l->diags[k].code;
		got[k].offset = l->diags[k].offset;
	}
	qsort(want, nwant, sizeof(want[0]), cmp_item);
	qsort(got, ngot, sizeof(got[0]), cmp_item);
	while (i < nwant || j < ngot) {
		int c = i == nwant ? 1 : j == ngot ? -1 : cmp_item(&want[i], &got[j]);

		if (c == 0) {
			i++, j++;
			continue;
		}
		bad++;
		if (c < 0) {
			print_message("%s: missing    %s 0x%03x\n", name,
				      pg_diag_name((enum pg_diag_code)want[i].code), want[i].offset);
			i++;
		} else {
			print_message("%s: unexpected %s 0x%03x\n", name,
				      pg_diag_name((enum pg_diag_code)got[j].code), got[j].offset);
			j++;
		}
	}
	if (bad) {
		for (size_t k = 0; k < l->ndiags; k++)
			print_message("%s:   reported %s 0x%03x: %s\n", name,
				      pg_diag_name(l->diags[k].code), l->diags[k].offset,
				      l->diags[k].detail);
		fail_msg("%s: %u diagnostic(s) differ from %s.expect", name, bad, name);
	}
}

/* Invariants that must hold for any layout, whatever the bytes. */
static void check_sane(const struct pg_cfg_layout *l)
{
	assert_true(l->nstd <= l->ncaps);
	assert_true(l->nstd <= PG_CFG_STD_TTL);
	assert_true((unsigned)(l->ncaps - l->nstd) <= PG_CFG_EXT_TTL);
	assert_true(l->ndiags <= PG_CFG_MAX_DIAGS);
	if (l->diags_dropped)
		assert_int_equal(l->ndiags, PG_CFG_MAX_DIAGS);
	for (unsigned i = 0; i < l->ncaps; i++) {
		const struct pg_cap *c = &l->caps[i];
		bool ext = i >= l->nstd;
		uint32_t lo = ext ? PG_CFG_STD_LEN : 0x40u, hi = ext ? PG_CFG_EXT_LEN : PG_CFG_STD_LEN;
		size_t nf = 0;
		const struct pg_field *f = pg_cap_fields(c, &nf);

		assert_int_equal(c->extended, ext);
		assert_true(c->offset >= lo && c->offset < hi);
		assert_int_equal(c->offset % 4, 0);
		assert_true(c->len > 0);
		assert_true((uint32_t)c->offset + c->len <= hi);
		assert_true((uint32_t)c->offset + c->len <= l->len);
		assert_int_equal(c->next % 4, 0);
		assert_non_null(c->name);
		assert_true(f != NULL || nf == 0);
		for (size_t k = 0; k < nf; k++) {
			assert_non_null(f[k].name);
			(void)pg_field_get(c, &f[k]);
		}
	}
	for (unsigned i = 0; i < l->ndiags; i++) {
		assert_true((unsigned)l->diags[i].code < PG_DIAG__COUNT);
		assert_string_not_equal(pg_diag_name(l->diags[i].code), "unknown");
		assert_non_null(memchr(l->diags[i].detail, '\0', sizeof(l->diags[i].detail)));
		assert_true(l->diags[i].detail[0] != '\0');
	}
	for (unsigned i = l->nbars; i < PG_CFG_NUM_BARS - 1; i++)
		assert_int_equal(l->bars[i].kind, PG_BAR_NONE); /* slots this header lacks */
}

/* Same bytes, same answer: pg_cfg_parse_into() into fresh storage must agree. */
static void check_deterministic(const struct pg_dump_dev *d, const struct pg_cfg_layout *l)
{
	struct pg_cfg_layout *again = malloc(sizeof(*again));

	assert_non_null(again);
	memset(again, 0x5a, sizeof(*again)); /* stale contents must not leak into the result */
	assert_int_equal(pg_cfg_parse_into(d->cfg, d->len, &d->sizes, again), 0);
	assert_int_equal(again->ncaps, l->ncaps);
	assert_int_equal(again->nstd, l->nstd);
	assert_int_equal(again->ndiags, l->ndiags);
	assert_int_equal(again->diags_dropped, l->diags_dropped);
	assert_int_equal(again->ext_walked, l->ext_walked);
	for (unsigned i = 0; i < l->ncaps; i++) {
		assert_int_equal(again->caps[i].offset, l->caps[i].offset);
		assert_int_equal(again->caps[i].id, l->caps[i].id);
		assert_int_equal(again->caps[i].len, l->caps[i].len);
	}
	for (unsigned i = 0; i < l->ndiags; i++) {
		assert_int_equal(again->diags[i].code, l->diags[i].code);
		assert_int_equal(again->diags[i].offset, l->diags[i].offset);
		assert_string_equal(again->diags[i].detail, l->diags[i].detail);
	}
	free(again);
}

/* ---- tests -------------------------------------------------------------------------- */

static void test_device(void **state)
{
	const struct hostile_case *tc = *state;
	struct pg_dump_error err = { 0 };
	struct pg_dump_dev *devs = NULL;
	struct pg_cfg_layout *l = NULL;
	char path[4200];
	size_t n = 0;
	int r;

	case_path(path, sizeof(path), tc->name, "txt");
	r = pg_dump_read_file(path, &devs, &n, &err);
	if (r < 0)
		fail_msg("%s: pg_dump_read_file: %s (line %u: %s)", tc->name, strerror(-r), err.line,
			 err.msg);
	assert_int_equal(n, 1);
	assert_int_equal(pg_cfg_parse(devs[0].cfg, devs[0].len, &devs[0].sizes, &l), 0);
	assert_int_equal(l->len, devs[0].len);

	compare_diags(tc->name, l);
	check_sane(l);
	assert_int_equal(l->nstd, tc->nstd);
	assert_int_equal(l->ncaps - l->nstd, tc->next);
	assert_int_equal(l->ext_walked, tc->ext_walked);
	assert_int_equal(l->diags_dropped, tc->dropped);
	if (tc->extra)
		tc->extra(l);
	check_deterministic(&devs[0], l);

	pg_cfg_free(l);
	free(devs);
}

static bool has_case(const char *name)
{
	for (size_t i = 0; i < NCASES; i++)
		if (!strcmp(cases[i].name, name))
			return true;
	return false;
}

/* Every NAME.txt in the folder has a row and a NAME.expect; every row has its files. */
static void test_table_complete(void **state)
{
	char dir[4096], path[4200];
	unsigned found = 0, bad = 0;
	struct dirent *e;
	DIR *d;

	(void)state;
	d = opendir(hostile_dir(dir, sizeof(dir)));
	if (!d)
		fail_msg("%s: %s", dir, strerror(errno));
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);
		char name[256];

		if (len < 5 || len >= sizeof(name) || strcmp(e->d_name + len - 4, ".txt"))
			continue;
		memcpy(name, e->d_name, len - 4);
		name[len - 4] = '\0';
		found++;
		if (!has_case(name)) {
			print_message("%s.txt has no row in test-hostile.c\n", name);
			bad++;
		}
	}
	closedir(d);
	for (size_t i = 0; i < NCASES; i++) {
		FILE *f;

		case_path(path, sizeof(path), cases[i].name, "expect");
		f = fopen(path, "re");
		if (!f) {
			print_message("%s: %s\n", path, strerror(errno));
			bad++;
			continue;
		}
		fclose(f);
	}
	assert_int_equal(bad, 0);
	assert_int_equal(found, NCASES);
	assert_true(NCASES >= 25);
}

int main(void)
{
	struct CMUnitTest tests[NCASES + 1];

	tests[0] = (struct CMUnitTest){ .name = "table-complete", .test_func = test_table_complete };
	for (size_t i = 0; i < NCASES; i++)
		tests[i + 1] = (struct CMUnitTest){ .name = cases[i].name, .test_func = test_device,
						    .initial_state = &cases[i] };
	return cmocka_run_group_tests_name("hostile", tests, NULL, NULL);
}
