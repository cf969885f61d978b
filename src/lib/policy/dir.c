/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pg_policy_load_dir(): a policy directory (SYSCONFDIR/pcigate/policy.d) read as one policy.
 *
 * Files NAME.yaml are read in byte-wise lexical order (strcmp, not the locale's collation,
 * so the order cannot change with LANG) and their entries are merged into one policy. The
 * precedence rules are the file format's, across files as within one: the most specific
 * key wins wherever it is written, and the checks that keep the winner unique (duplicate
 * keys, partly overlapping ranges) run across files too. So a file dropped into the
 * directory by a package can never silently shadow an administrator's entry by sorting
 * first: a clash is an error naming both files. Fail-closed like a single file: one bad
 * file rejects the whole directory.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy-private.h"

#ifndef PG_SYSCONFDIR
#error "PG_SYSCONFDIR must be set by the build (meson: get_option('sysconfdir'))"
#endif

const char *pg_policy_default_dir(void)
{
	return PG_SYSCONFDIR "/pcigate/policy.d";
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

/* Policy files: NAME.yaml, not hidden (editor and package-manager leftovers are). */
bool pg_policy_dir_reads(const char *name)
{
	size_t n = name ? strlen(name) : 0;

	return n > 5 && name[0] != '.' && strcmp(name + n - 5, ".yaml") == 0;
}

static int is_policy(const struct dirent *de)
{
	return pg_policy_dir_reads(de->d_name);
}

/* Record a problem without a position (msg NULL: err already says it). */
static int dir_fail(struct pg_policy_error *err, char *bad, size_t bad_size, const char *path,
		    int rc, const char *msg)
{
	if (err && msg) {
		memset(err, 0, sizeof(*err));
		(void)snprintf(err->msg, sizeof(err->msg), "%s", msg);
	}
	if (bad && bad_size)
		(void)snprintf(bad, bad_size, "%s", path);
	return rc;
}

/* Append the entries of part (file index fi) to all; part's blocks move to all. */
static int merge(struct pg_policy *all, struct pg_policy *part, size_t fi,
		 struct pg_policy_error *err, char *bad, size_t bad_size)
{
	size_t need = all->n + part->n;

	for (size_t i = 0; i < part->n; i++)
		for (size_t j = 0; j < all->n; j++) {
			char why[160];

			if (!pp_match_conflict(&part->entries[i].match, &all->entries[j].match,
					       all->entries[j].line, why, sizeof(why)))
				continue;
			if (err) {
				memset(err, 0, sizeof(*err));
				err->line = part->entries[i].line;
				err->column = part->entries[i].column;
				(void)snprintf(err->msg, sizeof(err->msg), "%s in %s", why,
					       all->files[all->entries[j].file_index]);
			}
			if (bad && bad_size)
				(void)snprintf(bad, bad_size, "%s", all->files[fi]);
			return -EINVAL;
		}
	if (need > all->cap) {
		struct pg_policy_entry *e = realloc(all->entries, need * sizeof(*e));
		void **b;

		if (!e)
			return -ENOMEM;
		all->entries = e;
		b = realloc(all->blocks, need * sizeof(*b));
		if (!b)
			return -ENOMEM;
		all->blocks = b;
		all->cap = need;
	}
	for (size_t i = 0; i < part->n; i++) {
		all->entries[all->n] = part->entries[i];
		all->entries[all->n].file_index = (uint16_t)fi;
		all->entries[all->n].file = all->files[fi];
		all->blocks[all->n++] = part->blocks[i];
		part->blocks[i] = NULL;
	}
	return 0;
}

static int load_one(struct pg_policy *all, const char *path, size_t fi,
		    struct pg_policy_error *err, char *bad, size_t bad_size)
{
	struct pg_policy *part = NULL;
	int rc;

	all->files[fi] = strdup(path);
	if (!all->files[fi])
		return -ENOMEM;
	all->nfiles = fi + 1;
	rc = pg_policy_load_file(path, &part, err);
	if (rc < 0)
		return dir_fail(err, bad, bad_size, path, rc, NULL);
	if (all->n + part->n > PG_POLICY_MAX_ENTRIES)
		rc = dir_fail(err, bad, bad_size, path, -E2BIG,
			      "more than 1024 device entries in the directory");
	else
		rc = merge(all, part, fi, err, bad, bad_size);
	pg_policy_free(part);
	return rc;
}

int pg_policy_load_dir(const char *dir, struct pg_policy **ret, struct pg_policy_error *err,
		       char *bad, size_t bad_size)
{
	struct pg_policy *all = NULL;
	struct dirent **names = NULL;
	int n, rc = 0;

	if (!dir || !ret)
		return dir_fail(err, bad, bad_size, "", -EINVAL, "invalid arguments");
	n = scandir(dir, &names, is_policy, by_name);
	if (n < 0 && errno == ENOENT) {
		*ret = NULL; /* no directory: no policy, the documented default applies */
		return 0;
	}
	if (n < 0)
		return dir_fail(err, bad, bad_size, dir, -errno,
				"cannot read the policy directory");
	if (n > (int)PG_POLICY_MAX_FILES) {
		rc = dir_fail(err, bad, bad_size, dir, -E2BIG, "more than 64 policy files");
		goto out;
	}
	all = calloc(1, sizeof(*all));
	if (!all || !(all->files = calloc((size_t)n + 1, sizeof(char *)))) {
		rc = -ENOMEM;
		goto out;
	}
	for (int i = 0; i < n && rc == 0; i++) {
		char path[4096];

		/* "policy.d/" as given on a command line: no "//" in the names we report */
		if (snprintf(path, sizeof(path), "%s%s%s", dir,
			     dir[0] && dir[strlen(dir) - 1] == '/' ? "" : "/",
			     names[i]->d_name) >= (int)sizeof(path))
			rc = dir_fail(err, bad, bad_size, dir, -ENAMETOOLONG,
				      "path too long");
		else
			rc = load_one(all, path, (size_t)i, err, bad, bad_size);
	}
out:
	for (int i = 0; i < n; i++)
		free(names[i]);
	free(names);
	if (rc < 0) {
		pg_policy_free(all);
		return rc;
	}
	*ret = all;
	return 0;
}
