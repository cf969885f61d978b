/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * lspci's device filters (cli.h), with lspci's syntax so the same words select the same
 * devices (pciutils' lspci(8), "-s" and "-d"):
 *   -s [[[domain]:]bus:][dev][.[fn]]    -d [vendor]:[device][:class]
 * A missing field or "*" matches anything; numbers are hexadecimal. The class is the
 * 16-bit base class and subclass (PCI Local Bus Spec 3.0, section 6.2.1 Class Code).
 */
#include <stdlib.h>
#include <string.h>

#include <pcigate/cfg.h>

#include "cli.h"

/* One hex field of at most max ("" or "*": -1, any); false when it is not a number. */
static bool field(const char *s, size_t len, long max, long *out)
{
	char buf[16], *end;

	if (!len || (len == 1 && s[0] == '*')) {
		*out = -1;
		return true;
	}
	if (len >= sizeof(buf))
		return false;
	memcpy(buf, s, len);
	buf[len] = '\0';
	if (buf[0] == '-' || buf[0] == '+' || buf[0] == ' ')
		return false;
	*out = strtol(buf, &end, 16);
	return *end == '\0' && *out <= max;
}

int pg_cli_filter_slot(struct pg_cli_filter *f, const char *s)
{
	const char *dot = strchr(s, '.'), *end = dot ? dot : s + strlen(s);
	size_t nparts = 0;
	long *dst[3] = { &f->dev, &f->bus, &f->domain };
	static const long max[3] = { 0x1f, 0xff, 0xffff };

	f->fn = f->dev = f->bus = f->domain = -1;
	if (dot && !field(dot + 1, strlen(dot + 1), 7, &f->fn))
		return -1;
	/* components right to left: dev, bus, domain */
	for (const char *p = end; nparts < 3; ) {
		const char *c = p;

		while (c > s && c[-1] != ':')
			c--;
		if (!field(c, (size_t)(p - c), max[nparts], dst[nparts]))
			return -1;
		nparts++;
		if (c == s)
			return 0;
		p = c - 1;
	}
	return -1; /* a fourth component */
}

int pg_cli_filter_id(struct pg_cli_filter *f, const char *s)
{
	const char *c1 = strchr(s, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;

	if (!c1)
		return -1;
	if (!field(s, (size_t)(c1 - s), 0xffff, &f->vendor))
		return -1;
	if (!field(c1 + 1, c2 ? (size_t)(c2 - c1 - 1) : strlen(c1 + 1), 0xffff, &f->device))
		return -1;
	f->cls = -1;
	return c2 && !field(c2 + 1, strlen(c2 + 1), 0xffff, &f->cls) ? -1 : 0;
}

void pg_cli_filter_init(struct pg_cli_filter *f)
{
	f->domain = f->bus = f->dev = f->fn = -1;
	f->vendor = f->device = f->cls = -1;
}

static bool eq(long want, unsigned long have)
{
	return want < 0 || (unsigned long)want == have;
}

bool pg_cli_filter_match(const struct pg_cli_filter *f, const char *slot,
			 const struct pg_cfg_layout *l)
{
	unsigned dom = 0, bus, dev, fn;
	int n = 0;

	if (!eq(f->vendor, l->vendor) || !eq(f->device, l->device) ||
	    !eq(f->cls, l->class_code >> 8))
		return false;
	if (f->domain < 0 && f->bus < 0 && f->dev < 0 && f->fn < 0)
		return true;
	/* The slot is "dddd:bb:dd.f" or "bb:dd.f" (dumps); no slot matches no -s. */
	if (!slot || (sscanf(slot, "%x:%x:%x.%x%n", &dom, &bus, &dev, &fn, &n) != 4 &&
		      (dom = 0, sscanf(slot, "%x:%x.%x%n", &bus, &dev, &fn, &n) != 3)))
		return false;
	return eq(f->domain, dom) && eq(f->bus, bus) && eq(f->dev, dev) && eq(f->fn, fn);
}
