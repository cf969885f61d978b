/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonl.h"

int pg_jsonl_add(struct json_object *o, const char *key, struct json_object *v)
{
	if (!v)
		return -ENOMEM;
	if (json_object_object_add(o, key, v) < 0) {
		json_object_put(v);
		return -ENOMEM;
	}
	return 0;
}

struct json_object *pg_jsonl_time(const struct timespec *ts)
{
	char buf[64];
	struct tm tm;
	time_t t = ts->tv_sec;
	long ns = ts->tv_nsec >= 0 && ts->tv_nsec < 1000000000L ? ts->tv_nsec : 0;
	size_t n;

	if (!gmtime_r(&t, &tm))
		memset(&tm, 0, sizeof(tm));
	n = strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
	(void)snprintf(buf + n, sizeof(buf) - n, ".%09ldZ", ns);
	return json_object_new_string(buf);
}

int pg_jsonl_record(int (*fill)(struct json_object *o, const void *rec), const void *rec,
		    char **ret)
{
	struct json_object *o;
	int rc;

	if (!rec || !ret)
		return -EINVAL;
	o = json_object_new_object();
	if (!o)
		return -ENOMEM;
	rc = fill(o, rec);
	if (rc < 0) {
		json_object_put(o);
		return rc;
	}
	return pg_jsonl_finish(o, ret); /* releases o */
}

int pg_jsonl_finish(struct json_object *o, char **ret)
{
	const char *s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
	char *dup = s ? strdup(s) : NULL;

	json_object_put(o);
	if (!dup)
		return -ENOMEM;
	*ret = dup;
	return 0;
}
