/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The YAML event stream under the policy loader, and the first of its two passes.
 *
 * Threat: the policy text comes from whoever manages the host, possibly a compromised
 * management layer. libyaml tokenises it; everything libyaml hands us is re-checked:
 * aliases and anchors are refused (no shared or exponentially expanded nodes), tags are
 * refused (a "!!binary" or custom tag must not change how a value is read), scalars are
 * length-bounded and may not contain NUL (YAML's "\0" escape), and numbers have one strict
 * spelling so "010" or "1e3" can never be read two ways.
 *
 * Error order is deterministic: the pre-pass reports YAML syntax errors met before the
 * version key and the version verdict; the schema walk then reports the first content error
 * in file order. libyaml marks are 0-based; errors are 1-based line:column.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "policy-private.h"
#include "util/util.h"

int pp_init(struct pp_ctx *c, const void *buf, size_t len, struct pg_policy_error *err)
{
	memset(c, 0, sizeof(*c));
	c->buf = buf;
	c->len = len;
	c->err = err;
	if (!yaml_parser_initialize(&c->parser))
		return -ENOMEM;
	c->parser_ready = true;
	/* Encoding is left to libyaml's detection, which skips a UTF-8 byte-order mark; forcing
	 * UTF-8 would make it read the mark as text. UTF-16 is refused by the pre-pass. */
	yaml_parser_set_input_string(&c->parser, c->buf, len);
	return 0;
}

void pp_done(struct pp_ctx *c)
{
	if (c->have_ev)
		yaml_event_delete(&c->ev);
	c->have_ev = false;
	if (c->parser_ready)
		yaml_parser_delete(&c->parser);
	c->parser_ready = false;
}

int pp_fail(struct pp_ctx *c, const yaml_mark_t *m, int rc, const char *fmt, ...)
{
	va_list ap;

	if (!c->err || c->err->msg[0])
		return rc;
	c->err->line = m ? (unsigned)m->line + 1 : 0;
	c->err->column = m ? (unsigned)m->column + 1 : 0;
	va_start(ap, fmt);
	(void)vsnprintf(c->err->msg, sizeof(c->err->msg), fmt, ap);
	va_end(ap);
	/* Messages quote the file (keys, values); a hostile file must not reach the terminal
	 * of whoever runs `pcigate policy check` with escape sequences: printable ASCII only. */
	for (char *p = c->err->msg; *p; p++)
		if (*p < 0x20 || *p > 0x7e)
			*p = '?';
	return rc;
}

/* Reader errors (bad UTF-8, control characters) carry a byte offset, not a mark. */
static bool utf8_bom(const unsigned char *buf, size_t len)
{
	return len >= 3 && buf[0] == 0xef && buf[1] == 0xbb && buf[2] == 0xbf;
}

static void offset_to_mark(const struct pp_ctx *c, size_t off, yaml_mark_t *m)
{
	memset(m, 0, sizeof(*m));
	for (size_t i = utf8_bom(c->buf, c->len) ? 3 : 0; i < off && i < c->len; i++) {
		if (c->buf[i] == '\n') {
			m->line++;
			m->column = 0;
		} else if ((c->buf[i] & 0xc0) != 0x80) {
			m->column++; /* count characters, not UTF-8 continuation bytes */
		}
	}
}

static int syntax_error(struct pp_ctx *c)
{
	const yaml_parser_t *p = &c->parser;
	const char *problem = p->problem ? p->problem : "malformed YAML";
	yaml_mark_t m = p->problem_mark;

	if (p->error == YAML_MEMORY_ERROR)
		return -ENOMEM;
	if (p->error == YAML_READER_ERROR)
		offset_to_mark(c, p->problem_offset, &m);
	if (p->context)
		return pp_fail(c, &m, -EINVAL, "YAML syntax error: %s %s", p->context, problem);
	return pp_fail(c, &m, -EINVAL, "YAML syntax error: %s", problem);
}

static int check_decorations(struct pp_ctx *c)
{
	const yaml_event_t *e = &c->ev;
	const yaml_char_t *anchor = NULL, *tag = NULL;

	switch (e->type) {
	case YAML_ALIAS_EVENT:
		return pp_fail(c, &e->start_mark, -EINVAL,
			       "YAML aliases (*name) are not allowed in a policy");
	case YAML_SCALAR_EVENT:
		anchor = e->data.scalar.anchor;
		tag = e->data.scalar.tag;
		break;
	case YAML_SEQUENCE_START_EVENT:
		anchor = e->data.sequence_start.anchor;
		tag = e->data.sequence_start.tag;
		break;
	case YAML_MAPPING_START_EVENT:
		anchor = e->data.mapping_start.anchor;
		tag = e->data.mapping_start.tag;
		break;
	default:
		break;
	}
	if (anchor)
		return pp_fail(c, &e->start_mark, -EINVAL,
			       "YAML anchors (&name) are not allowed in a policy");
	if (tag)
		return pp_fail(c, &e->start_mark, -EINVAL,
			       "YAML tags (!tag) are not allowed in a policy");
	return 0;
}

int pp_next(struct pp_ctx *c)
{
	if (c->have_ev)
		yaml_event_delete(&c->ev);
	c->have_ev = false;
	if (!yaml_parser_parse(&c->parser, &c->ev))
		return syntax_error(c);
	c->have_ev = true;
	return check_decorations(c);
}

void pp_describe(const struct pp_ctx *c, char *buf, size_t size)
{
	const yaml_event_t *e = &c->ev;

	switch (e->type) {
	case YAML_SEQUENCE_START_EVENT:
		(void)snprintf(buf, size, "a list");
		break;
	case YAML_MAPPING_START_EVENT:
		(void)snprintf(buf, size, "a mapping");
		break;
	case YAML_SCALAR_EVENT:
		if (e->data.scalar.length == 0)
			(void)snprintf(buf, size, "an empty value");
		else
			(void)snprintf(buf, size, "the value '%.40s%s'",
				       (const char *)e->data.scalar.value,
				       e->data.scalar.length > 40 ? "..." : "");
		break;
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		(void)snprintf(buf, size, "the end of the enclosing block");
		break;
	default:
		(void)snprintf(buf, size, "the end of the document");
		break;
	}
}

int pp_scalar(struct pp_ctx *c, const char *what, char *buf)
{
	const yaml_event_t *e = &c->ev;
	char got[64];

	if (e->type != YAML_SCALAR_EVENT) {
		pp_describe(c, got, sizeof(got));
		return pp_fail(c, &e->start_mark, -EINVAL, "expected %s, got %s", what, got);
	}
	if (e->data.scalar.length > PG_POLICY_MAX_SCALAR)
		return pp_fail(c, &e->start_mark, -E2BIG, "value longer than %u bytes",
			       PG_POLICY_MAX_SCALAR);
	if (memchr(e->data.scalar.value, 0, e->data.scalar.length))
		return pp_fail(c, &e->start_mark, -EINVAL, "NUL character in a value");
	memcpy(buf, e->data.scalar.value, e->data.scalar.length);
	buf[e->data.scalar.length] = '\0';
	return 0;
}

int pp_parse_number(const char *text, uint32_t *ret)
{
	uint64_t v = 0;
	size_t n = 0;

	if (text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
		for (text += 2; text[n]; n++) {
			if (n >= 8 || pg_util_hexval(text[n]) < 0)
				return -EINVAL;
			v = v << 4 | (uint64_t)pg_util_hexval(text[n]);
		}
	} else {
		/* No leading zeros: YAML 1.1 reads "010" as octal, we would read it as ten. */
		if (text[0] == '0' && text[1])
			return -EINVAL;
		for (; text[n]; n++) {
			if (n >= 10 || text[n] < '0' || text[n] > '9')
				return -EINVAL;
			v = v * 10 + (uint64_t)(text[n] - '0');
		}
	}
	if (n == 0 || v > UINT32_MAX)
		return -EINVAL;
	*ret = (uint32_t)v;
	return 0;
}

int pp_number(struct pp_ctx *c, const char *what, uint32_t *ret)
{
	char text[PG_POLICY_MAX_SCALAR + 1];
	int r = pp_scalar(c, what, text);

	if (r < 0)
		return r;
	if (c->ev.data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return pp_fail(c, &c->ev.start_mark, -EINVAL,
			       "expected %s, got a quoted string (numbers are written unquoted)",
			       what);
	if (pp_parse_number(text, ret) < 0)
		return pp_fail(c, &c->ev.start_mark, -EINVAL,
			       "expected %s (decimal, or 0x and 1-8 hex digits; at most "
			       "0xffffffff), got '%.40s'", what, text);
	return 0;
}

int pp_version_value(struct pp_ctx *c)
{
	uint32_t v;
	int r = pp_number(c, "a version number", &v);

	if (r < 0)
		return r;
	if (v != PG_POLICY_VERSION)
		return pp_fail(c, &c->ev.start_mark, -EINVAL,
			       "unsupported policy version %u (this pcigate reads version %u)", v,
			       PG_POLICY_VERSION);
	return 0;
}

/* Skip the node whose first event is current. Returns 1 when it nests deeper than
 * PP_SKIP_DEPTH (the caller then stops the pre-pass), 0 when skipped, <0 on error. */
static int skip_node(struct pp_ctx *c)
{
	unsigned depth = 0;
	int r;

	do {
		if (c->ev.type == YAML_SEQUENCE_START_EVENT ||
		    c->ev.type == YAML_MAPPING_START_EVENT) {
			if (++depth > PP_SKIP_DEPTH)
				return 1;
		} else if (c->ev.type == YAML_SEQUENCE_END_EVENT ||
			   c->ev.type == YAML_MAPPING_END_EVENT) {
			depth--;
		}
		if (depth == 0)
			return 0;
		r = pp_next(c);
		if (r < 0)
			return r;
	} while (c->ev.type != YAML_STREAM_END_EVENT);
	return 0;
}

/* Scan the top-level mapping for "version". Anything the pre-pass cannot judge (a non-
 * scalar key, absurd nesting) is left to the schema walk, which reports it precisely. */
static int scan_top(struct pp_ctx *c)
{
	yaml_mark_t top;
	char key[PG_POLICY_MAX_SCALAR + 1];
	char got[64];
	int r;

	/* Marks must be UTF-8 character positions and reader errors byte offsets we can map:
	 * a UTF-16 file (libyaml would transcode it) is refused outright. */
	if (c->len >= 2 && ((c->buf[0] == 0xff && c->buf[1] == 0xfe) ||
			    (c->buf[0] == 0xfe && c->buf[1] == 0xff)))
		return pp_fail(c, &(yaml_mark_t){ 0 }, -EINVAL,
			       "a policy must be UTF-8 (found a UTF-16 byte-order mark)");
	if ((r = pp_next(c)) < 0 || (r = pp_next(c)) < 0)    /* stream start, document */
		return r;
	if (c->ev.type == YAML_STREAM_END_EVENT)
		return pp_fail(c, &c->ev.start_mark, -EINVAL,
			       "empty policy: expected a mapping with 'version' and 'devices'");
	if ((r = pp_next(c)) < 0)
		return r;
	if (c->ev.type != YAML_MAPPING_START_EVENT) {
		pp_describe(c, got, sizeof(got));
		return pp_fail(c, &c->ev.start_mark, -EINVAL,
			       "a policy is a mapping with 'version' and 'devices', got %s", got);
	}
	top = c->ev.start_mark;
	for (;;) {
		if ((r = pp_next(c)) < 0)
			return r;
		if (c->ev.type == YAML_MAPPING_END_EVENT)
			return pp_fail(c, &top, -EINVAL, "missing required key 'version'");
		if (c->ev.type != YAML_SCALAR_EVENT || pp_scalar(c, "a key", key) < 0)
			return 0;
		if ((r = pp_next(c)) < 0)
			return r;
		if (strcmp(key, "version") == 0)
			return pp_version_value(c);
		if ((r = skip_node(c)) != 0)
			return r < 0 ? r : 0;
	}
}

int pp_check_version(const void *buf, size_t len, struct pg_policy_error *err)
{
	struct pp_ctx c;
	int r = pp_init(&c, buf, len, err);

	if (r == 0)
		r = scan_top(&c);
	pp_done(&c);
	return r;
}
