/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Entry points of the config-space model: copy the hostile bytes into a fixed buffer,
 * decode the header and BARs, walk both capability lists, check overlaps.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg-private.h"

void pg_cfg_diag(struct pg_cfg_layout *l, enum pg_diag_code code, uint16_t off,
		 const char *fmt, ...)
{
	struct pg_diag *d;
	va_list ap;

	if (l->ndiags >= PG_CFG_MAX_DIAGS) {
		/* A hostile device can produce many anomalies; keep the first ones and an
		 * honest count instead of growing without bound. */
		l->diags_dropped++;
		return;
	}
	d = &l->diags[l->ndiags++];
	d->code = code;
	d->offset = off;
	va_start(ap, fmt);
	vsnprintf(d->detail, sizeof(d->detail), fmt, ap);
	va_end(ap);
}

static bool all_bytes_are(const uint8_t *buf, size_t len, uint8_t v)
{
	for (size_t i = 0; i < len; i++)
		if (buf[i] != v)
			return false;
	return true;
}

static void reset_layout(struct pg_cfg_layout *l)
{
	/* Everything between len and the caps array is small scalar state; the big arrays
	 * (caps, diags) are bounded by their counters and need no clearing. */
	memset(&l->len, 0, offsetof(struct pg_cfg_layout, caps) -
			   offsetof(struct pg_cfg_layout, len));
	l->ncaps = 0;
	l->nstd = 0;
	l->ext_walked = false;
	l->ndiags = 0;
	l->diags_dropped = 0;
}

int pg_cfg_parse_into(const uint8_t *buf, size_t len, const struct pg_cfg_bar_sizes *sizes,
		      struct pg_cfg_layout *l)
{
	if (!l || (!buf && len) || len > PG_CFG_EXT_LEN)
		return -EINVAL;

	reset_layout(l);
	if (len)
		memcpy(l->raw, buf, len);
	memset(l->raw + len, 0, PG_CFG_EXT_LEN - len);
	l->len = (uint16_t)len;

	if (len && all_bytes_are(buf, len, 0xff)) {
		/* Master abort or a device that vanished: nothing in it is meaningful. */
		pg_cfg_diag(l, PG_DIAG_CFG_ALL_ONES, 0, "all %zu bytes read 0xff", len);
		l->vendor = l->device = 0xffff;
		return 0;
	}
	if (len && all_bytes_are(buf, len, 0x00)) {
		pg_cfg_diag(l, PG_DIAG_CFG_ALL_ZERO, 0, "all %zu bytes read 0x00", len);
		return 0;
	}

	pg_cfg_parse_header(l, sizes);
	pg_cfg_check_vendor(l);
	pg_cfg_walk_std(l);
	l->nstd = l->ncaps;
	pg_cfg_walk_ext(l);
	pg_cfg_check_overlaps(l);
	return 0;
}

int pg_cfg_parse(const uint8_t *buf, size_t len, const struct pg_cfg_bar_sizes *sizes,
		 struct pg_cfg_layout **ret)
{
	struct pg_cfg_layout *l;
	int r;

	if (!ret || (!buf && len) || len > PG_CFG_EXT_LEN)
		return -EINVAL;
	l = malloc(sizeof(*l));
	if (!l)
		return -ENOMEM;
	r = pg_cfg_parse_into(buf, len, sizes, l);
	if (r < 0) {
		free(l);
		return r;
	}
	*ret = l;
	return 0;
}

void pg_cfg_free(struct pg_cfg_layout *layout)
{
	free(layout);
}

const struct pg_cap *pg_cfg_find_cap(const struct pg_cfg_layout *l, bool extended,
				     uint16_t id)
{
	if (!l)
		return NULL;
	for (uint16_t i = 0; i < l->ncaps; i++)
		if (l->caps[i].extended == extended && l->caps[i].id == id)
			return &l->caps[i];
	return NULL;
}
