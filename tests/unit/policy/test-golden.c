/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Golden policy files: every tests/data/policy/good/NAME.yaml must load, with the device
 * count its NAME.expect gives ("ok N"); every tests/data/policy/bad/NAME.yaml must be
 * rejected at exactly the LINE:COL its NAME.expect gives ("LINE:COL: text"), with text a
 * substring of the reason. Files are found by listing the directories (PG_TESTDATA), so a
 * new golden file is tested without touching this code; a .yaml without a .expect (or the
 * reverse) fails the test. Each file is loaded both from disk and from memory, and the two
 * paths must agree.
 */
#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <pcigate/policy.h>

#define MAX_FILES 512
#define MIN_GOOD 6
#define MIN_BAD 20

struct golden {
	char dir[512];
	char names[MAX_FILES][128];   /* base names without .yaml, sorted */
	size_t n;
};

static int cmp_names(const void *a, const void *b)
{
	return strcmp(a, b);
}

static bool has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n > m && strcmp(s + n - m, suffix) == 0;
}

/* List NAME for every NAME.yaml; assert every NAME.expect has its NAME.yaml. */
static void list_dir(struct golden *g, const char *sub)
{
	const char *root = getenv("PG_TESTDATA");
	struct dirent *de;
	size_t nexpect = 0;
	DIR *d;

	assert_non_null(root);
	(void)snprintf(g->dir, sizeof(g->dir), "%s/policy/%s", root, sub);
	d = opendir(g->dir);
	assert_non_null(d);
	g->n = 0;
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);

		if (has_suffix(de->d_name, ".expect"))
			nexpect++;
		if (!has_suffix(de->d_name, ".yaml"))
			continue;
		assert_true(g->n < MAX_FILES);
		assert_true(len - 5 < sizeof(g->names[0]));
		memcpy(g->names[g->n], de->d_name, len - 5);
		g->names[g->n][len - 5] = '\0';
		g->n++;
	}
	closedir(d);
	qsort(g->names, g->n, sizeof(g->names[0]), cmp_names);
	/* Every .yaml must have a .expect (checked per file); equal counts then mean no
	 * stray .expect without its .yaml. */
	assert_int_equal(nexpect, g->n);
}

static void read_text(const char *path, char *buf, size_t size, size_t *ret_len)
{
	FILE *f = fopen(path, "rb");
	size_t n;

	if (!f)
		fail_msg("cannot open %s", path);
	n = fread(buf, 1, size - 1, f);
	assert_false(ferror(f));
	assert_true(feof(f)); /* the whole file fit */
	fclose(f);
	buf[n] = '\0';
	if (ret_len)
		*ret_len = n;
}

static void read_expect(const struct golden *g, const char *name, char *buf, size_t size)
{
	char path[1024];
	size_t len;

	(void)snprintf(path, sizeof(path), "%s/%s.expect", g->dir, name);
	read_text(path, buf, size, &len);
	while (len && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
		buf[--len] = '\0';
	assert_true(len > 0);
}

/* Load a file both ways; return the rc, the error and (on success) the policy. */
static int load_both(const struct golden *g, const char *name, struct pg_policy **ret,
		     struct pg_policy_error *err)
{
	static char text[PG_POLICY_MAX_FILE + 1];
	struct pg_policy_error e2;
	/* Outputs start as sentinels: a failed load must leave them untouched. */
	struct pg_policy *const sentinel = (struct pg_policy *)&e2;
	struct pg_policy *p1 = *ret, *p2 = sentinel;
	char path[1024];
	size_t len;
	int r1, r2;

	(void)snprintf(path, sizeof(path), "%s/%s.yaml", g->dir, name);
	memset(err, 0, sizeof(*err));
	memset(&e2, 0, sizeof(e2));
	r1 = pg_policy_load_file(path, &p1, err);
	read_text(path, text, sizeof(text), &len);
	r2 = pg_policy_load_buf(text, len, &p2, &e2);
	if (r1 != r2 || err->line != e2.line || err->column != e2.column ||
	    strcmp(err->msg, e2.msg) != 0)
		fail_msg("%s: file and buffer loads disagree (%d %u:%u '%s' vs %d %u:%u '%s')",
			 name, r1, err->line, err->column, err->msg, r2, e2.line, e2.column,
			 e2.msg);
	if (r1 == 0) {
		assert_int_equal(pg_policy_count(p1), pg_policy_count(p2));
		pg_policy_free(p2);
	} else {
		assert_ptr_equal(p2, sentinel);
	}
	*ret = p1;
	return r1;
}

static void test_good(void **state)
{
	static struct golden g;
	char expect[256];

	list_dir(&g, "good");
	assert_true(g.n >= MIN_GOOD);
	for (size_t i = 0; i < g.n; i++) {
		struct pg_policy *p = NULL;
		struct pg_policy_error err;
		unsigned long want;
		char *end;
		int r = load_both(&g, g.names[i], &p, &err);

		if (r != 0)
			fail_msg("good/%s.yaml rejected: %d at %u:%u: %s", g.names[i], r, err.line,
				 err.column, err.msg);
		read_expect(&g, g.names[i], expect, sizeof(expect));
		if (strncmp(expect, "ok ", 3) != 0)
			fail_msg("good/%s.expect must read 'ok N'", g.names[i]);
		want = strtoul(expect + 3, &end, 10);
		assert_true(*end == '\0');
		if (pg_policy_count(p) != want)
			fail_msg("good/%s.yaml: %zu devices, expected %lu", g.names[i],
				 pg_policy_count(p), want);
		pg_policy_free(p);
	}
}

static void test_bad(void **state)
{
	static struct golden g;
	char expect[512];

	list_dir(&g, "bad");
	assert_true(g.n >= MIN_BAD);
	for (size_t i = 0; i < g.n; i++) {
		struct pg_policy *p = (struct pg_policy *)&g; /* sentinel: must stay untouched */
		struct pg_policy_error err;
		unsigned line, col;
		int off = 0;
		int r = load_both(&g, g.names[i], &p, &err);

		read_expect(&g, g.names[i], expect, sizeof(expect));
		if (sscanf(expect, "%u:%u: %n", &line, &col, &off) != 2 || off == 0)
			fail_msg("bad/%s.expect must read 'LINE:COL: text'", g.names[i]);
		if (r != -EINVAL && r != -E2BIG)
			fail_msg("bad/%s.yaml: rc %d, expected -EINVAL or -E2BIG (%s)", g.names[i],
				 r, err.msg);
		assert_ptr_equal(p, (struct pg_policy *)&g);
		if (err.line != line || err.column != col || !strstr(err.msg, expect + off))
			fail_msg("bad/%s.yaml: got %u:%u: %s\n  expected %s", g.names[i], err.line,
				 err.column, err.msg, expect);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_bad),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
