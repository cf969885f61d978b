/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * JSON Lines record helpers shared by the audit formats of libpcigate (private: not
 * installed, not exported): one json-c object built field by field, a UTC timestamp with
 * nanoseconds, and the final one-line string.
 */
#ifndef PG_UTIL_JSONL_H
#define PG_UTIL_JSONL_H

#include <time.h>

#include <json-c/json.h>

#include "util.h"

/** Add v (owned, may be NULL after a failed allocation) under key. @return 0, -ENOMEM. */
PG_WARN_UNUSED int pg_jsonl_add(struct json_object *o, const char *key, struct json_object *v);

/** "YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ" (UTC); NULL on allocation failure. An out-of-range
 *  tv_nsec counts as 0. */
struct json_object *pg_jsonl_time(const struct timespec *ts);

/** Format o as one plain JSON line (no newline) into *ret (malloc()ed, caller frees), then
 *  release o. @return 0, -ENOMEM (o released too). */
PG_WARN_UNUSED int pg_jsonl_finish(struct json_object *o, char **ret);

/** A record's one JSON line: a new object, fill(o, rec) adds its fields, then
 *  pg_jsonl_finish(). @return 0, -EINVAL (rec or ret NULL), -ENOMEM, or fill's error (the
 *  object is released whatever happens). */
PG_WARN_UNUSED int pg_jsonl_record(int (*fill)(struct json_object *o, const void *rec),
				   const void *rec, char **ret);

#endif
