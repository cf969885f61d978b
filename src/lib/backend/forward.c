/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The forwarding backend (pg_backend_forward_new()): passes every operation to an inner
 * backend and reports writes and resets to an observer, optionally behind a read-only
 * fence. One implementation for every "what did the device receive" record (pcigate
 * session, serve --trace-backend, tests) instead of one hand-written wrapper each.
 *
 * Threat: the fence is the last line before a live host device. With PG_FORWARD_READONLY
 * nothing that writes, resets or touches a BAR is passed on, whatever the mediator above
 * decided, so a mediator bug cannot reach real hardware through a read-only tool.
 */
#include <errno.h>
#include <stdlib.h>

#include "backend-private.h"

struct forward {
	struct pg_backend *inner;             /* borrowed */
	unsigned flags;
	const struct pg_backend_observer *obs; /* borrowed, may be NULL */
	void *data;
};

static struct forward *fw(const struct pg_backend *be)
{
	return pg_backend_priv(be);
}

static bool readonly(const struct forward *f)
{
	return f->flags & PG_FORWARD_READONLY;
}

static int fw_cfg_read(struct pg_backend *be, uint16_t off, uint8_t size, uint32_t *val)
{
	return pg_backend_cfg_read(fw(be)->inner, off, size, val);
}

static int fw_cfg_read_all(struct pg_backend *be, uint8_t *buf, uint16_t len)
{
	(void)len; /* the wrapper's cfg_len is the inner one's */
	return pg_backend_read_cfg(fw(be)->inner, buf);
}

static int fw_cfg_write(struct pg_backend *be, uint16_t off, uint8_t size, uint32_t val)
{
	const struct forward *f = fw(be);
	uint32_t old = 0;
	bool have_old = false;
	int rc = -EROFS;

	if (!readonly(f)) {
		have_old = pg_backend_cfg_read(f->inner, off, size, &old) == 0;
		rc = pg_backend_cfg_write(f->inner, off, size, val);
	}
	if (f->obs && f->obs->cfg_write)
		f->obs->cfg_write(f->data, off, size, val, have_old, old, rc);
	return rc;
}

static int fw_bar_info(struct pg_backend *be, unsigned bar, struct pg_bar_info *info)
{
	return pg_backend_bar_info(fw(be)->inner, bar, info);
}

static int fw_bar_read(struct pg_backend *be, unsigned bar, uint64_t off, uint8_t size,
		       uint64_t *val)
{
	const struct forward *f = fw(be);

	/* never read a fenced device's BAR: reads can have side effects */
	return readonly(f) ? -EPERM : pg_backend_bar_read(f->inner, bar, off, size, val);
}

static int fw_bar_write(struct pg_backend *be, unsigned bar, uint64_t off, uint8_t size,
			uint64_t val)
{
	const struct forward *f = fw(be);
	int rc = readonly(f) ? -EPERM : pg_backend_bar_write(f->inner, bar, off, size, val);

	if (f->obs && f->obs->bar_write)
		f->obs->bar_write(f->data, bar, off, size, val, rc);
	return rc;
}

static int fw_reset(struct pg_backend *be, const enum pg_reset_method *methods, unsigned n,
		    enum pg_reset_method *used)
{
	const struct forward *f = fw(be);
	enum pg_reset_method got = methods[0];
	int rc = readonly(f) ? -EROFS : pg_backend_reset_list(f->inner, methods, n, &got);

	if (rc == 0 && used)
		*used = got;
	if (f->obs && f->obs->reset) /* the method that reset it, or the first one asked for */
		f->obs->reset(f->data, got, rc);
	return rc;
}

static const struct pg_backend_ops forward_ops = {
	.kind = "forward",
	.cfg_read = fw_cfg_read,
	.cfg_write = fw_cfg_write,
	.bar_info = fw_bar_info,
	.bar_read = fw_bar_read,
	.bar_write = fw_bar_write,
	.reset = fw_reset,
	.destroy = free, /* the struct forward; the inner backend is borrowed */
	.cfg_read_all = fw_cfg_read_all,
};

int pg_backend_forward_new(struct pg_backend *inner, unsigned flags,
			   const struct pg_backend_observer *obs, void *data,
			   struct pg_backend **ret)
{
	struct forward *f;
	int rc;

	if (!inner || !ret || (flags & ~PG_FORWARD_READONLY))
		return -EINVAL;
	f = calloc(1, sizeof(*f));
	if (!f)
		return -ENOMEM;
	f->inner = inner;
	f->flags = flags;
	f->obs = obs;
	f->data = data;
	rc = pg_backend_new(&forward_ops, f, pg_backend_cfg_len(inner), pg_backend_name(inner),
			    ret);
	if (rc < 0)
		free(f);
	return rc;
}
