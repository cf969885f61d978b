/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The generic backend layer: an opaque handle around an ops table, and the one place that
 * validates every access before an implementation sees it. Implementations (model, sysfs,
 * a test's recording backend) may therefore assume: config accesses are 1/2/4 bytes,
 * naturally aligned and inside cfg_len; written values fit the access size; BAR accesses
 * name an existing, present, accessible BAR, are 1/2/4/8 bytes, naturally aligned and
 * (when the BAR size is known) inside the BAR. The threat is the caller: a mediator
 * forwarding guest-chosen offsets and sizes, or a bug in it, must not be able to reach
 * past a register or a BAR through any backend.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pcigate/backend.h>

#include "backend-private.h"
#include "util/util.h"

int pg_backend_new(const struct pg_backend_ops *ops, void *priv, uint16_t cfg_len,
		   const char *name, struct pg_backend **ret)
{
	struct pg_backend *be;

	if (!ops || !ret || !ops->cfg_read || !ops->bar_info || cfg_len == 0 ||
	    cfg_len > PG_CFG_EXT_LEN)
		return -EINVAL;
	be = calloc(1, sizeof(*be));
	if (!be)
		return -ENOMEM;
	be->ops = ops;
	be->priv = priv;
	be->cfg_len = cfg_len;
	pg_util_copy(be->name, sizeof(be->name), name ? name : "", sizeof(be->name) - 1);
	*ret = be;
	return 0;
}

void *pg_backend_priv(const struct pg_backend *be)
{
	return be ? be->priv : NULL;
}

void pg_backend_close(struct pg_backend *be)
{
	if (!be)
		return;
	if (be->ops->destroy)
		be->ops->destroy(be->priv);
	free(be);
}

uint16_t pg_backend_cfg_len(const struct pg_backend *be)
{
	return be ? be->cfg_len : 0;
}

const char *pg_backend_name(const struct pg_backend *be)
{
	return be ? be->name : "";
}

const char *pg_backend_kind(const struct pg_backend *be)
{
	return be && be->ops->kind ? be->ops->kind : "custom";
}

/* Alignment by mask, not a divide: size is 1, 2 or 4 once the first test passed (every
 * config access of every caller runs this). */
static bool cfg_access_ok(const struct pg_backend *be, uint16_t off, uint8_t size)
{
	return be && (size == 1 || size == 2 || size == 4) && !(off & (size - 1u)) &&
	       (uint32_t)off + size <= be->cfg_len;
}

int pg_backend_cfg_read(struct pg_backend *be, uint16_t off, uint8_t size, uint32_t *val)
{
	uint32_t v = 0;
	int r;

	if (!val || !cfg_access_ok(be, off, size))
		return -EINVAL;
	r = be->ops->cfg_read(be, off, size, &v);
	if (r < 0)
		return r;
	/* An implementation returning bits beyond the access must not leak them upward. */
	*val = (uint32_t)(v & pg_util_size_mask(size));
	return 0;
}

int pg_backend_cfg_write(struct pg_backend *be, uint16_t off, uint8_t size, uint32_t val)
{
	if (!cfg_access_ok(be, off, size) || (val & ~pg_util_size_mask(size)))
		return -EINVAL;
	if (!be->ops->cfg_write)
		return -EROFS;
	return be->ops->cfg_write(be, off, size, val);
}

int pg_backend_cfg_update(struct pg_backend *be, uint16_t off, uint8_t size, uint32_t value,
			  uint32_t mask)
{
	if (!cfg_access_ok(be, off, size))
		return -EINVAL;
	return pg_backend_cfg_update_trusted(be, off, size, value, mask);
}

int pg_backend_bar_info(struct pg_backend *be, unsigned bar, struct pg_bar_info *info)
{
	struct pg_bar_info tmp;
	int r;

	if (!be || !info || bar >= PG_CFG_NUM_BARS)
		return -EINVAL;
	memset(&tmp, 0, sizeof(tmp));
	r = be->ops->bar_info(be, bar, &tmp);
	if (r < 0)
		return r;
	if ((unsigned)tmp.kind > PG_BAR_INVALID)
		return -EIO; /* the implementation is broken: fail closed */
	*info = tmp;
	return 0;
}

/* The shared checks of bar_read/bar_write (see the file comment and backend.h). */
static int bar_access_check(struct pg_backend *be, unsigned bar, uint64_t off, uint8_t size)
{
	struct pg_bar_info info;
	int r;

	if (!be || bar >= PG_CFG_NUM_BARS || !(size == 1 || size == 2 || size == 4 || size == 8) ||
	    off % size != 0 || off > UINT64_MAX - size)
		return -EINVAL;
	r = pg_backend_bar_info(be, bar, &info);
	if (r < 0)
		return r;
	if (!info.present)
		return -ENXIO;
	if (!info.accessible)
		return -EPERM;
	if (info.size && off + size > info.size)
		return -ERANGE;
	return 0;
}

int pg_backend_bar_read(struct pg_backend *be, unsigned bar, uint64_t off, uint8_t size,
			uint64_t *val)
{
	uint64_t v = 0;
	int r;

	if (!val)
		return -EINVAL;
	r = bar_access_check(be, bar, off, size);
	if (r < 0)
		return r;
	if (!be->ops->bar_read)
		return -EPERM;
	r = be->ops->bar_read(be, bar, off, size, &v);
	if (r < 0)
		return r;
	*val = v & pg_util_size_mask(size);
	return 0;
}

int pg_backend_bar_write(struct pg_backend *be, unsigned bar, uint64_t off, uint8_t size,
			 uint64_t val)
{
	int r;

	if (val & ~pg_util_size_mask(size))
		return -EINVAL;
	r = bar_access_check(be, bar, off, size);
	if (r < 0)
		return r;
	if (!be->ops->bar_write)
		return -EPERM;
	return be->ops->bar_write(be, bar, off, size, val);
}

/* A list the implementations can trust: known methods, no repeats, ANY only alone. */
static bool reset_list_valid(const enum pg_reset_method *methods, unsigned n)
{
	unsigned seen = 0;

	if (!methods || n == 0 || n > PG_RESET_MAX_METHODS)
		return false;
	for (unsigned i = 0; i < n; i++) {
		unsigned m = (unsigned)methods[i];

		if (m >= PG_RESET__COUNT || (seen & (1u << m)) || (m == PG_RESET_ANY && n != 1))
			return false;
		seen |= 1u << m;
	}
	return true;
}

int pg_backend_reset_list(struct pg_backend *be, const enum pg_reset_method *methods,
			  unsigned n, enum pg_reset_method *used)
{
	enum pg_reset_method u = PG_RESET_ANY;
	int rc;

	if (!be || !reset_list_valid(methods, n))
		return -EINVAL;
	if (!be->ops->reset)
		return -EOPNOTSUPP;
	rc = be->ops->reset(be, methods, n, &u);
	if (rc == 0 && used)
		*used = u;
	return rc;
}

int pg_backend_reset(struct pg_backend *be, enum pg_reset_method m)
{
	return pg_backend_reset_list(be, &m, 1, NULL);
}

/* Read the config space dword-wise (bytes for a tail that is not a whole dword). */
int pg_backend_read_cfg(struct pg_backend *be, uint8_t *buf)
{
	uint16_t off = 0;

	if (be->ops->cfg_read_all)
		return be->ops->cfg_read_all(be, buf, be->cfg_len);
	while (off < be->cfg_len) {
		uint8_t size = be->cfg_len - off >= 4 ? 4 : 1;
		uint32_t v;
		int r = pg_backend_cfg_read(be, off, size, &v);

		if (r < 0)
			return r;
		for (uint8_t i = 0; i < size; i++)
			buf[off + i] = (uint8_t)(v >> (8u * i));
		off = (uint16_t)(off + size);
	}
	return 0;
}

int pg_backend_snapshot(struct pg_backend *be, uint8_t *buf, struct pg_cfg_bar_sizes *sizes)
{
	struct pg_cfg_bar_sizes s;
	int r;

	if (!be || !buf)
		return -EINVAL;
	memset(buf, 0, PG_CFG_EXT_LEN);
	r = pg_backend_read_cfg(be, buf);
	if (r < 0)
		return r;
	if (!sizes)
		return be->cfg_len;
	memset(&s, 0, sizeof(s));
	for (unsigned i = 0; i < PG_CFG_NUM_BARS; i++) {
		struct pg_bar_info info;

		/* A BAR the backend cannot describe stays unknown rather than failing the
		 * snapshot: the config bytes are still right. */
		if (pg_backend_bar_info(be, i, &info) < 0)
			continue;
		if (info.present && !info.size)
			continue; /* present but size unknown */
		s.size[i] = info.present ? info.size : 0;
		s.known |= (uint8_t)(1u << i);
	}
	*sizes = s;
	return be->cfg_len;
}

/* ---- BDF ---------------------------------------------------------------------------- */

/* Parse 1..maxd hex digits at *p, advancing it; -1 when there are none or too many. */
static long hex_field(const char **p, unsigned maxd)
{
	long v = 0;
	unsigned n = 0;

	while (n <= maxd && pg_util_hexval((*p)[n]) >= 0) {
		v = v << 4 | pg_util_hexval((*p)[n]);
		n++;
	}
	if (n == 0 || n > maxd)
		return -1;
	*p += n;
	return v;
}

int pg_bdf_parse(const char *text, char out[13])
{
	const char *p = text, *c1;
	long dom = 0, bus, dev, fn;
	size_t n;

	if (!text || !out)
		return -EINVAL;
	n = strnlen(text, 13);
	if (n > 12) /* longer than "dddd:bb:dd.f": reject before scanning further */
		return -EINVAL;
	c1 = memchr(text, ':', n);
	if (c1 && memchr(c1 + 1, ':', n - (size_t)(c1 + 1 - text))) {
		dom = hex_field(&p, 4); /* two colons: a domain is present */
		if (dom < 0 || *p++ != ':')
			return -EINVAL;
	}
	bus = hex_field(&p, 2);
	if (bus < 0 || *p++ != ':')
		return -EINVAL;
	dev = hex_field(&p, 2);
	if (dev < 0 || dev > 0x1f || *p++ != '.')
		return -EINVAL;
	fn = hex_field(&p, 1);
	if (fn < 0 || fn > 7 || *p != '\0')
		return -EINVAL;
	snprintf(out, 13, "%04x:%02x:%02x.%x", (unsigned)dom & 0xffffu, (unsigned)bus & 0xffu,
		 (unsigned)dev & 0x1fu, (unsigned)fn & 0x7u);
	return 0;
}
