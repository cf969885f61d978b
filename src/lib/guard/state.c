/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Decisions kept across daemon restarts: a JSON file {"version":1,"decisions":[...]},
 * rewritten atomically (temporary file, fsync, rename) after every change, so a crash
 * leaves the old or the new file, never half of one.
 *
 * Why it matters: a restart must neither forget that a device was allowed (and fight the
 * driver for it) nor treat a device someone rejected or kept quarantined as new. The file
 * is re-validated field by field on load, like any input: a malformed file is refused as a
 * whole and the daemon starts fail-closed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include <pcigate/backend.h>

#include "guard-private.h"
#include "util/util.h"

#define MAX_STATE_FILE (8u << 20)

void pg_guard_state_free(struct pg_guard_state *st)
{
	free(st->d);
	memset(st, 0, sizeof(*st));
}

long pg_guard_state_find(const struct pg_guard_state *st, const struct pg_guard_dev *dev,
			 bool permanent)
{
	for (size_t i = 0; i < st->n; i++) {
		const struct pg_guard_decision *d = &st->d[i];

		if (d->permanent != permanent)
			continue;
		if (permanent ? pg_guard_dev_same(&d->dev, dev) :
				(!strcmp(d->dev.bdf, dev->bdf) && pg_guard_dev_same(&d->dev, dev)))
			return (long)i;
	}
	return -1;
}

int pg_guard_state_put(struct pg_guard_state *st, const struct pg_guard_decision *dec)
{
	long i = pg_guard_state_find(st, &dec->dev, dec->permanent);

	if (!dec->permanent) {
		pg_guard_state_drop_bdf(st, dec->dev.bdf);
		i = -1;
	}
	if (i >= 0) {
		st->d[i] = *dec;
		return 0;
	}
	if (st->n >= PG_GUARD_MAX_DECISIONS)
		return -E2BIG;
	if (st->n == st->cap) {
		size_t ncap = st->cap ? st->cap * 2 : 16;
		struct pg_guard_decision *nd = realloc(st->d, ncap * sizeof(*nd));

		if (!nd)
			return -ENOMEM;
		st->d = nd;
		st->cap = ncap;
	}
	st->d[st->n++] = *dec;
	return 0;
}

void pg_guard_state_drop_bdf(struct pg_guard_state *st, const char *bdf)
{
	size_t w = 0;

	for (size_t i = 0; i < st->n; i++)
		if (st->d[i].permanent || strcmp(st->d[i].dev.bdf, bdf))
			st->d[w++] = st->d[i];
	st->n = w;
}

/* ---- JSON ---------------------------------------------------------------------------- */

static int put(struct json_object *o, const char *k, struct json_object *v)
{
	if (!v || json_object_object_add(o, k, v) < 0) {
		json_object_put(v);
		return -ENOMEM;
	}
	return 0;
}

static struct json_object *dec_to_json(const struct pg_guard_decision *d)
{
	struct json_object *o = json_object_new_object();
	char dsn[24];
	int r = o ? 0 : -ENOMEM;

	(void)snprintf(dsn, sizeof(dsn), "%016llx", (unsigned long long)d->dev.dsn);
	if (!r) r = put(o, "bdf", json_object_new_string(d->dev.bdf));
	if (!r) r = put(o, "vendor", json_object_new_int(d->dev.vendor));
	if (!r) r = put(o, "device", json_object_new_int(d->dev.device));
	if (!r) r = put(o, "subvendor", json_object_new_int(d->dev.subvendor));
	if (!r) r = put(o, "subdevice", json_object_new_int(d->dev.subdevice));
	if (!r) r = put(o, "class", json_object_new_int((int32_t)d->dev.class_code));
	if (!r) r = put(o, "revision", json_object_new_int(d->dev.revision));
	if (!r && d->dev.has_dsn) r = put(o, "serial", json_object_new_string(dsn));
	if (!r) r = put(o, "path", json_object_new_string(d->dev.path));
	if (!r) r = put(o, "action", json_object_new_string(pg_guard_action_name(d->action)));
	if (!r) r = put(o, "driver", json_object_new_string(d->driver));
	if (!r) r = put(o, "permanent", json_object_new_boolean(d->permanent));
	if (!r) r = put(o, "by", json_object_new_string(d->by));
	if (!r) r = put(o, "rule", json_object_new_string(d->rule));
	if (r) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

int pg_guard_state_save(const char *path, const struct pg_guard_state *st)
{
	struct json_object *top = json_object_new_object(), *arr = json_object_new_array();
	char tmp[4096];
	const char *s;
	int fd = -1, r = top && arr ? 0 : -ENOMEM;

	for (size_t i = 0; !r && i < st->n; i++) {
		struct json_object *o = dec_to_json(&st->d[i]);

		r = o && json_object_array_add(arr, o) == 0 ? 0 : -ENOMEM;
		if (r)
			json_object_put(o);
	}
	if (!r) {
		r = put(top, "version", json_object_new_int(1));
		if (!r) {
			r = put(top, "decisions", arr);
			arr = NULL;
		}
	}
	if (r)
		goto out;
	s = json_object_to_json_string_ext(top, JSON_C_TO_STRING_PRETTY);
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= sizeof(tmp)) {
		r = -ENAMETOOLONG;
		goto out;
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0) {
		r = -errno;
		goto out;
	}
	if (write(fd, s, strlen(s)) != (ssize_t)strlen(s) || write(fd, "\n", 1) != 1 ||
	    fsync(fd) < 0)
		r = errno ? -errno : -EIO;
	if (close(fd) < 0 && !r)
		r = -errno;
	if (!r && rename(tmp, path) < 0)
		r = -errno;
	if (r)
		(void)unlink(tmp);
out:
	json_object_put(arr);
	json_object_put(top);
	return r;
}

static bool get_u(struct json_object *o, const char *k, uint32_t max, uint32_t *ret)
{
	struct json_object *v;
	int64_t x;

	if (!json_object_object_get_ex(o, k, &v) || !json_object_is_type(v, json_type_int))
		return false;
	x = json_object_get_int64(v);
	if (x < 0 || x > max)
		return false;
	*ret = (uint32_t)x;
	return true;
}

static bool get_s(struct json_object *o, const char *k, char *buf, size_t size)
{
	struct json_object *v;
	const char *s;

	if (!json_object_object_get_ex(o, k, &v) || !json_object_is_type(v, json_type_string))
		return false;
	s = json_object_get_string(v);
	if (strlen(s) >= size)
		return false;
	memcpy(buf, s, strlen(s) + 1);
	return true;
}

static int dec_from_json(struct json_object *o, struct pg_guard_decision *d)
{
	uint32_t v[7];
	char act[16], dsn[24], canon[13];
	struct json_object *b;
	uint64_t x;
	static const char *const keys[7] = {
		"vendor", "device", "subvendor", "subdevice", "class", "revision", NULL };
	static const uint32_t max[6] = { 0xffff, 0xffff, 0xffff, 0xffff, 0xffffff, 0xff };

	memset(d, 0, sizeof(*d));
	for (unsigned i = 0; i < 6; i++)
		if (!get_u(o, keys[i], max[i], &v[i]))
			return -EINVAL;
	if (!json_object_is_type(o, json_type_object) ||
	    !get_s(o, "bdf", d->dev.bdf, sizeof(d->dev.bdf)) ||
	    pg_bdf_parse(d->dev.bdf, canon) < 0 || strcmp(canon, d->dev.bdf) ||
	    !get_s(o, "path", d->dev.path, sizeof(d->dev.path)) ||
	    !get_s(o, "action", act, sizeof(act)) || pg_guard_action_parse(act, &d->action) < 0 ||
	    !get_s(o, "driver", d->driver, sizeof(d->driver)) ||
	    (d->driver[0] && !pg_guard_name_ok(d->driver)) ||
	    !get_s(o, "by", d->by, sizeof(d->by)) || !get_s(o, "rule", d->rule, sizeof(d->rule)) ||
	    !json_object_object_get_ex(o, "permanent", &b) ||
	    !json_object_is_type(b, json_type_boolean))
		return -EINVAL;
	if ((d->action == PG_GUARD_ALLOW || d->action == PG_GUARD_ASSIGN) && !d->driver[0])
		return -EINVAL;
	d->permanent = json_object_get_boolean(b);
	d->dev.vendor = (uint16_t)v[0];
	d->dev.device = (uint16_t)v[1];
	d->dev.subvendor = (uint16_t)v[2];
	d->dev.subdevice = (uint16_t)v[3];
	d->dev.class_code = v[4];
	d->dev.revision = (uint8_t)v[5];
	if (get_s(o, "serial", dsn, sizeof(dsn))) {
		if (strlen(dsn) != 16 || pg_util_parse_hex(dsn, 16, &x) < 0)
			return -EINVAL;
		d->dev.has_dsn = true;
		d->dev.dsn = x;
	}
	return 0;
}

int pg_guard_state_load(const char *path, struct pg_guard_state *st)
{
	struct json_object *top = NULL, *arr;
	struct json_tokener *tok = NULL;
	char *buf = NULL;
	size_t len = 0;
	int r;

	memset(st, 0, sizeof(*st));
	r = pg_util_read_file_at(AT_FDCWD, path, MAX_STATE_FILE, true, &buf, &len);
	if (r == -ENOENT)
		return 0; /* first start */
	if (r < 0)
		return r;
	tok = json_tokener_new();
	if (!tok) {
		r = -ENOMEM;
		goto out;
	}
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	top = json_tokener_parse_ex(tok, buf, (int)len);
	r = -EINVAL;
	if (!top || json_tokener_get_error(tok) != json_tokener_success ||
	    !json_object_is_type(top, json_type_object) ||
	    !json_object_object_get_ex(top, "decisions", &arr) ||
	    !json_object_is_type(arr, json_type_array) ||
	    json_object_array_length(arr) > PG_GUARD_MAX_DECISIONS)
		goto out;
	r = 0;
	for (size_t i = 0; !r && i < json_object_array_length(arr); i++) {
		struct pg_guard_decision d;

		r = dec_from_json(json_object_array_get_idx(arr, i), &d);
		if (!r)
			r = pg_guard_state_put(st, &d);
	}
out:
	if (r < 0)
		pg_guard_state_free(st);
	json_object_put(top);
	if (tok)
		json_tokener_free(tok);
	free(buf);
	return r;
}
