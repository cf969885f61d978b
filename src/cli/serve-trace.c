/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pcigate serve --trace-backend FILE: every write and reset that reaches the backend, as
 * JSON Lines (docs/serve.md, "Backend trace").
 *
 * A test hook and an operator's record. The wrapper sits between the mediator (and the
 * quiesce path) and the real backend, so each line is something the device actually
 * received, not something the guest asked for: the VM tests assert from it that a BAR
 * relocation stays virtual, that only MSI/MSI-X enables reach a device-model backend, that
 * MSI-X table writes never reach BAR memory and that SIGTERM quiesces. Config writes carry
 * the register's previous value ("old") so a reader can tell which bits changed. Reads are
 * not logged (a guest scans config space constantly). "start"/"final" records hold the
 * whole config space of the real backend.
 *
 * One record = one write(2) on an O_APPEND file, so the servers of `pcigate launch` may
 * share one file without interleaving inside a line. The file is opened before the
 * sandbox; afterwards only write(2) and malloc are used.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <pcigate/pcigate.h>

#include "cli.h"

struct pg_trace {
	int fd;
	struct pg_backend *inner;  /* the real backend (owned) */
	char dev[160];             /* the device name, JSON-escaped */
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
	if (write(t->fd, line, n) < 0)
		fprintf(stderr, "pcigate serve: warning: backend trace record lost\n");
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
	uint16_t len;
	char *body;
	size_t n;

	if (!t)
		return;
	len = pg_backend_cfg_len(t->inner);
	body = malloc(2u * len + 64u);
	if (!body)
		return;
	n = (size_t)snprintf(body, 64, "\"trace\":\"%.16s\",\"config\":\"", what);
	/* Byte by byte through the real backend: never the guest view. */
	for (uint16_t off = 0; off < len; off++) {
		uint32_t v;

		if (pg_backend_cfg_read(t->inner, off, 1, &v) < 0)
			v = 0xff;
		body[n++] = hex[(v >> 4) & 0xf];
		body[n++] = hex[v & 0xf];
	}
	body[n++] = '"';
	trace_put(t, body, n);
	free(body);
}

/* ---- the wrapper backend ------------------------------------------------------------------ */

static struct pg_trace *priv(const struct pg_backend *be)
{
	return pg_backend_priv(be);
}

static int w_cfg_read(struct pg_backend *be, uint16_t off, uint8_t size, uint32_t *val)
{
	return pg_backend_cfg_read(priv(be)->inner, off, size, val);
}

static int w_cfg_write(struct pg_backend *be, uint16_t off, uint8_t size, uint32_t val)
{
	const struct pg_trace *t = priv(be);
	uint32_t old = 0;
	bool have_old = pg_backend_cfg_read(t->inner, off, size, &old) == 0;
	int rc = pg_backend_cfg_write(t->inner, off, size, val);

	if (have_old)
		trace_emit(t, "\"trace\":\"cfg-write\",\"off\":%u,\"size\":%u,\"old\":%u,"
			   "\"value\":%u,\"rc\":%d", off, size, old, val, rc);
	else
		trace_emit(t, "\"trace\":\"cfg-write\",\"off\":%u,\"size\":%u,\"value\":%u,"
			   "\"rc\":%d", off, size, val, rc);
	return rc;
}

static int w_bar_info(struct pg_backend *be, unsigned bar, struct pg_bar_info *info)
{
	return pg_backend_bar_info(priv(be)->inner, bar, info);
}

static int w_bar_read(struct pg_backend *be, unsigned bar, uint64_t off, uint8_t size,
		      uint64_t *val)
{
	return pg_backend_bar_read(priv(be)->inner, bar, off, size, val);
}

static int w_bar_write(struct pg_backend *be, unsigned bar, uint64_t off, uint8_t size,
		       uint64_t val)
{
	const struct pg_trace *t = priv(be);
	int rc = pg_backend_bar_write(t->inner, bar, off, size, val);

	trace_emit(t, "\"trace\":\"bar-write\",\"bar\":%u,\"off\":%llu,\"size\":%u,"
		   "\"value\":%llu,\"rc\":%d", bar, (unsigned long long)off, size,
		   (unsigned long long)val, rc);
	return rc;
}

static int w_reset(struct pg_backend *be, const enum pg_reset_method *methods, unsigned n,
		   enum pg_reset_method *used)
{
	const struct pg_trace *t = priv(be);
	int rc = pg_backend_reset_list(t->inner, methods, n, used);

	/* "method": the one that reset, or the first allowed one when none did */
	trace_emit(t, "\"trace\":\"reset\",\"method\":\"%s\",\"rc\":%d",
		   pg_policy_reset_name(rc == 0 ? *used : methods[0]), rc);
	return rc;
}

static const struct pg_backend_ops trace_ops = {
	.kind = "trace",
	.cfg_read = w_cfg_read,
	.cfg_write = w_cfg_write,
	.bar_info = w_bar_info,
	.bar_read = w_bar_read,
	.bar_write = w_bar_write,
	.reset = w_reset,
	/* no destroy: the trace outlives the wrapper and closes the real backend itself */
};

int pg_trace_open(const char *path, const char *name, struct pg_backend **be,
		  struct pg_trace **ret)
{
	struct pg_backend *wrapper = NULL;
	struct pg_trace *t = calloc(1, sizeof(*t));
	size_t k = 0;
	int rc;

	if (!t)
		return -ENOMEM;
	/* The name is a file's base name: escape what JSON cannot hold verbatim. */
	for (const char *c = name; *c && k + 2 < sizeof(t->dev); c++) {
		if (*c == '"' || *c == '\\')
			t->dev[k++] = '\\';
		t->dev[k++] = (unsigned char)*c < 0x20 ? '?' : *c;
	}
	t->fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, 0600);
	if (t->fd < 0) {
		rc = -errno;
		pg_cli_err("serve: --trace-backend %s: %s", path, strerror(errno));
		free(t);
		return rc;
	}
	rc = pg_backend_new(&trace_ops, t, pg_backend_cfg_len(*be), pg_backend_name(*be),
			    &wrapper);
	if (rc < 0) {
		pg_cli_err("serve: --trace-backend %s: %s", path, strerror(-rc));
		(void)close(t->fd);
		free(t);
		return rc;
	}
	t->inner = *be;
	*be = wrapper;
	pg_trace_config(t, "start");
	*ret = t;
	return 0;
}

void pg_trace_close(struct pg_trace *t)
{
	if (!t)
		return;
	pg_backend_close(t->inner);
	(void)close(t->fd);
	free(t);
}
