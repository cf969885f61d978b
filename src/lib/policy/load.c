/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Public entry points of the policy module: load from memory or a file, free, iterate.
 *
 * A file path is hostile too: it may name a FIFO or a device that never ends, or a file that
 * grows while we read it. We open non-blocking, refuse anything but a regular file before
 * reading, and read at most PG_POLICY_MAX_FILE + 1 bytes whatever fstat() said.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "policy-private.h"

void pg_policy_free(struct pg_policy *policy)
{
	if (!policy)
		return;
	for (size_t i = 0; i < policy->n; i++)
		free(policy->blocks[i]);
	for (size_t i = 0; policy->files && i < policy->nfiles; i++)
		free(policy->files[i]);
	free(policy->files);
	free(policy->blocks);
	free(policy->entries);
	free(policy);
}

static void set_err(struct pg_policy_error *err, const struct pg_policy_error *src)
{
	if (err)
		*err = *src;
}

static int load_checked(const void *buf, size_t len, struct pg_policy **ret,
			struct pg_policy_error *e)
{
	struct pp_entry *scratch = NULL;
	struct pg_policy *pol = NULL;
	struct pp_ctx c;
	int r;

	r = pp_check_version(buf, len, e);
	if (r < 0)
		return r;
	pol = calloc(1, sizeof(*pol));
	scratch = malloc(sizeof(*scratch));
	if (!pol || !scratch) {
		r = -ENOMEM;
		goto out_free;
	}
	r = pp_init(&c, buf, len, e);
	if (r < 0)
		goto out_free;
	c.pol = pol;
	c.cur = scratch;
	r = pp_parse_policy(&c);
	pp_done(&c);
	if (r < 0)
		goto out_free;
	free(scratch);
	*ret = pol;
	return 0;

out_free:
	free(scratch);
	pg_policy_free(pol);
	return r;
}

int pg_policy_load_buf(const void *buf, size_t len, struct pg_policy **ret,
		       struct pg_policy_error *err)
{
	struct pg_policy_error e;
	int r;

	memset(&e, 0, sizeof(e));
	if (!buf || !ret) {
		(void)snprintf(e.msg, sizeof(e.msg), "invalid arguments");
		r = -EINVAL;
	} else if (len > PG_POLICY_MAX_FILE) {
		(void)snprintf(e.msg, sizeof(e.msg),
			       "policy is %zu bytes, more than the limit of %u bytes", len,
			       PG_POLICY_MAX_FILE);
		r = -E2BIG;
	} else {
		r = load_checked(buf, len, ret, &e);
		if (r == -ENOMEM && !e.msg[0])
			(void)snprintf(e.msg, sizeof(e.msg), "out of memory");
	}
	if (r < 0) {
		if (!e.msg[0])
			(void)snprintf(e.msg, sizeof(e.msg), "invalid policy");
		set_err(err, &e);
	}
	return r;
}

/* Read a regular file of at most PG_POLICY_MAX_FILE bytes into a new buffer. */
static int read_all(int fd, char **ret_buf, size_t *ret_len, struct pg_policy_error *e)
{
	size_t cap = PG_POLICY_MAX_FILE + 1, len = 0;
	char *buf = malloc(cap);
	ssize_t n;

	if (!buf) {
		(void)snprintf(e->msg, sizeof(e->msg), "out of memory");
		return -ENOMEM;
	}
	while (len < cap) {
		n = read(fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int r = -errno;

			(void)snprintf(e->msg, sizeof(e->msg), "cannot read the file");
			free(buf);
			return r;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	if (len > PG_POLICY_MAX_FILE) {
		(void)snprintf(e->msg, sizeof(e->msg), "policy file larger than the limit of %u "
			       "bytes", PG_POLICY_MAX_FILE);
		free(buf);
		return -E2BIG;
	}
	*ret_buf = buf;
	*ret_len = len;
	return 0;
}

static int open_regular(const char *path, struct pg_policy_error *e)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	int r;

	if (fd < 0) {
		r = -errno;
		(void)snprintf(e->msg, sizeof(e->msg), "cannot open the file");
		return r;
	}
	if (fstat(fd, &st) < 0) {
		r = -errno;
		(void)snprintf(e->msg, sizeof(e->msg), "cannot stat the file");
	} else if (S_ISDIR(st.st_mode)) {
		r = -EISDIR;
		(void)snprintf(e->msg, sizeof(e->msg), "is a directory");
	} else if (!S_ISREG(st.st_mode)) {
		r = -ENODEV;
		(void)snprintf(e->msg, sizeof(e->msg), "not a regular file");
	} else if (st.st_size > (off_t)PG_POLICY_MAX_FILE) {
		r = -E2BIG;
		(void)snprintf(e->msg, sizeof(e->msg),
			       "policy file is %jd bytes, more than the limit of %u bytes",
			       (intmax_t)st.st_size, PG_POLICY_MAX_FILE);
	} else {
		return fd;
	}
	(void)close(fd);
	return r;
}

int pg_policy_load_file(const char *path, struct pg_policy **ret, struct pg_policy_error *err)
{
	struct pg_policy_error e;
	char *buf = NULL;
	size_t len = 0;
	int fd, r;

	memset(&e, 0, sizeof(e));
	if (!path || !ret) {
		(void)snprintf(e.msg, sizeof(e.msg), "invalid arguments");
		set_err(err, &e);
		return -EINVAL;
	}
	fd = open_regular(path, &e);
	if (fd < 0) {
		set_err(err, &e);
		return fd;
	}
	r = read_all(fd, &buf, &len, &e);
	(void)close(fd);
	if (r < 0) {
		set_err(err, &e);
		return r;
	}
	r = pg_policy_load_buf(buf, len, ret, err);
	free(buf);
	return r;
}

size_t pg_policy_count(const struct pg_policy *policy)
{
	return policy ? policy->n : 0;
}

const struct pg_policy_entry *pg_policy_entry_at(const struct pg_policy *policy, size_t i)
{
	if (!policy || i >= policy->n)
		return NULL;
	return &policy->entries[i];
}
