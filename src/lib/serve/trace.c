/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The backend trace of a server (pg_serve_config.trace_fd; `pcigate serve --trace-backend
 * FILE`, docs/serve.md "Backend trace"): every config write (with the register's previous
 * value), BAR write and reset that reaches the device, as JSON Lines, plus the whole config
 * space at start and exit.
 *
 * A test hook and an operator's record. A forwarding backend (pg_backend_forward_new())
 * sits between the mediator (and the quiesce path) and the real backend, so each line is
 * something the device actually received, not something the guest asked for: the VM tests
 * assert from it that a BAR relocation stays virtual, that only MSI/MSI-X enables reach a
 * device-model backend, that MSI-X table writes never reach BAR memory and that SIGTERM
 * quiesces. Reads are not logged (a guest scans config space constantly).
 *
 * One record = one write(2), so servers sharing an O_APPEND file (pcigate launch) never
 * interleave inside a line. After the sandbox only write(2) and malloc are used.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "serve-private.h"

struct pg_trace {
	int fd;                      /* borrowed */
	const struct pg_serve *s;    /* for log messages */
	struct pg_backend *inner;    /* the real backend (borrowed) */
	struct pg_backend *wrapper;  /* owned */
	char dev[160];               /* the device name, JSON-escaped */
};

/* Frame a record body as one line {"device":"NAME",BODY} and write it with one write(2). */
static void trace_put(const struct pg_trace *t, const char *body, size_t len)
{
	size_t dlen = strlen(t->dev), n = 0;
	char *line = malloc(len + dlen + 16);

	if (!line)
		return;
	memcpy(line, "{\"device\":\"", 11);
	n = 11;
	memcpy(line + n, t->dev, dlen);
	n += dlen;
	line[n++] = '"';
	line[n++] = ',';
	memcpy(line + n, body, len);
	n += len;
	line[n++] = '}';
	line[n++] = '\n';
	if (write(t->fd, line, n) != (ssize_t)n)
		pg_serve_logf(t->s, LOG_WARNING, "backend trace record lost");
	free(line);
}

static void trace_emit(const struct pg_trace *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void trace_emit(const struct pg_trace *t, const char *fmt, ...)
{
	char body[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(body, sizeof(body), fmt, ap);
	va_end(ap);
	if (n > 0 && (size_t)n < sizeof(body))
		trace_put(t, body, (size_t)n);
}

void pg_trace_event(const struct pg_trace *t, const char *what, const char *why)
{
	if (t)
		trace_emit(t, "\"trace\":\"%s\",\"why\":\"%s\"", what, why);
}

void pg_trace_config(const struct pg_trace *t, const char *what)
{
	static const char hex[] = "0123456789abcdef";
	uint8_t *cfg = NULL;
	uint16_t len;
	char *body;
	size_t n;

	if (!t)
		return;
	len = pg_backend_cfg_len(t->inner);
	body = malloc(2u * len + 64u);
	cfg = malloc(PG_CFG_EXT_LEN);
	if (!body || !cfg)
		goto out;
	/* The real backend, in one read where it can: never the guest view. */
	if (pg_backend_snapshot(t->inner, cfg, NULL) < 0)
		memset(cfg, 0xff, PG_CFG_EXT_LEN);
	n = (size_t)snprintf(body, 64, "\"trace\":\"%.16s\",\"config\":\"", what);
	for (uint16_t off = 0; off < len; off++) {
		body[n++] = hex[cfg[off] >> 4];
		body[n++] = hex[cfg[off] & 0xf];
	}
	body[n++] = '"';
	trace_put(t, body, n);
out:
	free(cfg);
	free(body);
}

static void on_cfg_write(void *data, uint16_t off, uint8_t size, uint32_t val, bool old_valid,
			 uint32_t old, int rc)
{
	if (old_valid)
		trace_emit(data, "\"trace\":\"cfg-write\",\"off\":%u,\"size\":%u,\"old\":%u,"
			   "\"value\":%u,\"rc\":%d", off, size, old, val, rc);
	else
		trace_emit(data, "\"trace\":\"cfg-write\",\"off\":%u,\"size\":%u,\"value\":%u,"
			   "\"rc\":%d", off, size, val, rc);
}

static void on_bar_write(void *data, unsigned bar, uint64_t off, uint8_t size, uint64_t val,
			 int rc)
{
	trace_emit(data, "\"trace\":\"bar-write\",\"bar\":%u,\"off\":%llu,\"size\":%u,"
		   "\"value\":%llu,\"rc\":%d", bar, (unsigned long long)off, size,
		   (unsigned long long)val, rc);
}

static void on_reset(void *data, enum pg_reset_method method, int rc)
{
	trace_emit(data, "\"trace\":\"reset\",\"method\":\"%s\",\"rc\":%d",
		   pg_policy_reset_name(method), rc);
}

static const struct pg_backend_observer trace_observer = {
	.cfg_write = on_cfg_write,
	.bar_write = on_bar_write,
	.reset = on_reset,
};

int pg_trace_new(int fd, const struct pg_serve *s, struct pg_backend **be,
		 struct pg_trace **ret)
{
	struct pg_trace *t = calloc(1, sizeof(*t));
	size_t k = 0;
	int rc;

	if (!t)
		return -ENOMEM;
	/* The name is a file's base name: escape what JSON cannot hold verbatim. */
	for (const char *c = s->name; *c && k + 2 < sizeof(t->dev); c++) {
		if (*c == '"' || *c == '\\')
			t->dev[k++] = '\\';
		t->dev[k++] = (unsigned char)*c < 0x20 ? '?' : *c;
	}
	t->fd = fd;
	t->s = s;
	t->inner = *be;
	rc = pg_backend_forward_new(*be, 0, &trace_observer, t, &t->wrapper);
	if (rc < 0) {
		free(t);
		return rc;
	}
	*be = t->wrapper;
	pg_trace_config(t, "start");
	*ret = t;
	return 0;
}

void pg_trace_free(struct pg_trace *t)
{
	if (!t)
		return;
	pg_backend_close(t->wrapper);
	free(t);
}
