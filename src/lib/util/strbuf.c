/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Growable string buffer with a sticky error (see strbuf.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"

void pg_strbuf_init(struct pg_strbuf *sb)
{
	sb->buf = NULL;
	sb->len = 0;
	sb->cap = 0;
	sb->err = 0;
}

/* Make room for extra more bytes plus the NUL; doubles, capped at PG_STRBUF_MAX. */
static int reserve(struct pg_strbuf *sb, size_t extra)
{
	size_t need, cap;
	char *p;

	if (sb->err)
		return sb->err;
	if (extra > PG_STRBUF_MAX || sb->len + extra + 1 > PG_STRBUF_MAX) {
		sb->err = -E2BIG;
		return sb->err;
	}
	need = sb->len + extra + 1;
	if (need <= sb->cap)
		return 0;
	cap = sb->cap ? sb->cap : 256;
	while (cap < need)
		cap *= 2; /* need <= PG_STRBUF_MAX, so this ends well before overflow */
	p = realloc(sb->buf, cap);
	if (!p) {
		sb->err = -ENOMEM;
		return sb->err;
	}
	sb->buf = p;
	sb->cap = cap;
	return 0;
}

void pg_strbuf_append(struct pg_strbuf *sb, const char *s, size_t n)
{
	if (reserve(sb, n) < 0)
		return;
	memcpy(sb->buf + sb->len, s, n);
	sb->len += n;
	sb->buf[sb->len] = '\0';
}

void pg_strbuf_printf(struct pg_strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (sb->err)
		return;
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0) {
		sb->err = -EINVAL;
		return;
	}
	if (reserve(sb, (size_t)n) < 0)
		return;
	va_start(ap, fmt);
	vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	sb->len += (size_t)n;
}

int pg_strbuf_finish(struct pg_strbuf *sb, char **ret)
{
	int r = sb->err;

	if (!r && !sb->buf)
		r = reserve(sb, 0); /* an empty report is "", not NULL */
	if (r < 0) {
		pg_strbuf_free(sb);
		return r;
	}
	sb->buf[sb->len] = '\0';
	*ret = sb->buf;
	pg_strbuf_init(sb);
	return 0;
}

void pg_strbuf_free(struct pg_strbuf *sb)
{
	free(sb->buf);
	pg_strbuf_init(sb);
}
