/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A small growable string buffer for building reports. Errors are sticky: after the first
 * failed append (out of memory, or the PG_STRBUF_MAX cap a hostile input could otherwise
 * push us past) every later append is a no-op and pg_strbuf_finish() returns the error,
 * so report code can append freely and check once.
 *
 * Thread-safety: a buffer must not be used from two threads at once.
 */
#ifndef PG_UTIL_STRBUF_H
#define PG_UTIL_STRBUF_H

#include <stddef.h>

#define PG_STRBUF_MAX (64u << 20) /**< largest text a buffer may hold (64 MiB) */

struct pg_strbuf {
	char *buf;   /**< NUL-terminated when len > 0; NULL before the first append */
	size_t len;  /**< bytes used, without the NUL */
	size_t cap;  /**< bytes allocated */
	int err;     /**< 0 or the first negative errno (-ENOMEM, -E2BIG) */
};

/** Initialise an empty buffer (no allocation). @param sb out */
void pg_strbuf_init(struct pg_strbuf *sb);

/** Append formatted text; on failure records the error in sb->err. */
void pg_strbuf_printf(struct pg_strbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/** Append n bytes of s (need not be NUL-terminated). */
void pg_strbuf_append(struct pg_strbuf *sb, const char *s, size_t n);

/**
 * Hand the text over.
 * @param ret out: NUL-terminated text owned by the caller (free()); "" for an empty buffer
 * @return 0 or the sticky error (-ENOMEM, -E2BIG); the buffer is released either way and
 *         left empty.
 */
int pg_strbuf_finish(struct pg_strbuf *sb, char **ret) __attribute__((warn_unused_result));

/** Release the buffer; safe on an initialised or finished buffer. */
void pg_strbuf_free(struct pg_strbuf *sb);

#endif
