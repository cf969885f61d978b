/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Kernel uevent messages (NETLINK_KOBJECT_UEVENT, group 1): "ACTION@DEVPATH\0" followed by
 * "KEY=VALUE\0" fields (lib/kobject_uevent.c; the PCI fields come from pci_uevent() in
 * drivers/pci/pci-driver.c: PCI_CLASS "%04X", PCI_ID "%04X:%04X", PCI_SLOT_NAME).
 *
 * Threat: the daemon only accepts messages whose netlink sender is the kernel (port id 0,
 * checked by the caller), but the parser assumes nothing of the kind: a forged or corrupt
 * message must not make it read out of bounds, act on a device other than the one named,
 * or see two values for one key. So the header must agree with ACTION and DEVPATH, the
 * device address must be the last component of DEVPATH, each known key appears once,
 * values are short printable ASCII, and numbers have exactly one spelling.
 */
#include <errno.h>
#include <string.h>

#include <pcigate/backend.h>

#include "guard-private.h"
#include "util/util.h"

#define MAX_FIELDS 64u
#define MAX_KEY 32u
#define MAX_VALUE 255u

static const char *const action_names[PG_UEV__COUNT] = {
	[PG_UEV_ADD] = "add", [PG_UEV_REMOVE] = "remove", [PG_UEV_BIND] = "bind",
	[PG_UEV_UNBIND] = "unbind", [PG_UEV_CHANGE] = "change", [PG_UEV_MOVE] = "move",
	[PG_UEV_ONLINE] = "online", [PG_UEV_OFFLINE] = "offline",
};

/* Fields we keep, by index: each may appear once. */
enum { F_ACTION, F_DEVPATH, F_SUBSYSTEM, F_DRIVER, F_SLOT, F_ID, F_CLASS, F_SEQNUM, F__N };
static const char *const field_names[F__N] = {
	"ACTION", "DEVPATH", "SUBSYSTEM", "DRIVER", "PCI_SLOT_NAME", "PCI_ID", "PCI_CLASS",
	"SEQNUM",
};

static int parse_action(const char *s, size_t n, enum pg_guard_uevent_action *ret)
{
	for (unsigned i = 0; i < PG_UEV__COUNT; i++) {
		if (strlen(action_names[i]) == n && !memcmp(s, action_names[i], n)) {
			*ret = (enum pg_guard_uevent_action)i;
			return 0;
		}
	}
	return -EINVAL;
}

static bool printable(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < 0x20 || s[i] > 0x7e)
			return false;
	return true;
}

/* "/devices/..." without "..", "//", a trailing '/' or anything unprintable. */
static bool devpath_ok(const char *s, size_t n)
{
	if (n < 10 || n >= 256 || strncmp(s, "/devices/", 9) || s[n - 1] == '/' ||
	    !printable(s, n))
		return false;
	for (size_t i = 0; i + 1 < n; i++)
		if ((s[i] == '/' && s[i + 1] == '/') ||
		    (s[i] == '/' && s[i + 1] == '.' && (i + 2 == n || s[i + 2] == '.' ||
							s[i + 2] == '/')))
			return false;
	return true;
}

/* 1-max hex digits, either case (the kernel prints upper case). */
static bool hex_upto(const char *s, size_t n, size_t max, uint64_t *ret)
{
	return n >= 1 && n <= max && pg_util_parse_hex(s, n, ret) == 0;
}

static int parse_seqnum(const char *s, size_t n, uint64_t *ret)
{
	uint64_t v = 0;

	if (n == 0 || n > 19 || (s[0] == '0' && n > 1))
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	*ret = v;
	return 0;
}

/* Split the message into fields; vals[F_*] point into buf (NUL-terminated there). */
static int split(const char *buf, size_t len, const char **hdr, const char *vals[F__N])
{
	size_t off, nfields = 0;

	if (len == 0 || buf[len - 1] != '\0')
		return -EINVAL; /* every field, the last too, is NUL-terminated */
	*hdr = buf;
	off = strlen(buf) + 1;
	while (off < len) {
		const char *f = buf + off;
		size_t flen = strlen(f);
		const char *eq = memchr(f, '=', flen);
		size_t klen = eq ? (size_t)(eq - f) : 0;
		unsigned i;

		if (++nfields > MAX_FIELDS || !eq || klen == 0 || klen > MAX_KEY ||
		    flen - klen - 1 > MAX_VALUE || !printable(f, flen))
			return -EINVAL;
		for (size_t k = 0; k < klen; k++)
			if (!((f[k] >= 'A' && f[k] <= 'Z') || (f[k] >= '0' && f[k] <= '9') ||
			      f[k] == '_'))
				return -EINVAL;
		for (i = 0; i < F__N; i++)
			if (strlen(field_names[i]) == klen && !memcmp(f, field_names[i], klen))
				break;
		if (i < F__N) {
			if (vals[i])
				return -EINVAL; /* a second value for one key */
			vals[i] = eq + 1;
		}
		off += flen + 1;
	}
	return 0;
}

static int check_header(const char *hdr, const char *vals[F__N],
			struct pg_guard_uevent *ev)
{
	const char *at = strchr(hdr, '@');
	size_t alen;

	if (!at || !vals[F_ACTION] || !vals[F_DEVPATH] || !vals[F_SUBSYSTEM])
		return -EINVAL;
	alen = (size_t)(at - hdr);
	if (strlen(vals[F_ACTION]) != alen || memcmp(hdr, vals[F_ACTION], alen) ||
	    strcmp(at + 1, vals[F_DEVPATH]))
		return -EINVAL;
	if (parse_action(hdr, alen, &ev->action) < 0 ||
	    !devpath_ok(vals[F_DEVPATH], strlen(vals[F_DEVPATH])))
		return -EINVAL;
	pg_util_copy(ev->devpath, sizeof(ev->devpath), vals[F_DEVPATH], 255);
	if (vals[F_SEQNUM] && parse_seqnum(vals[F_SEQNUM], strlen(vals[F_SEQNUM]),
					   &ev->seqnum) < 0)
		return -EINVAL;
	return 0;
}

static int check_pci(const char *vals[F__N], struct pg_guard_uevent *ev)
{
	const char *slot = vals[F_SLOT], *last = strrchr(ev->devpath, '/') + 1;
	uint64_t v, d;

	if (!slot || strlen(slot) != 12 || pg_bdf_parse(slot, ev->bdf) < 0 ||
	    strcmp(slot, ev->bdf) || strcmp(last, ev->bdf))
		return -EINVAL;
	if (vals[F_DRIVER]) {
		if (!pg_guard_name_ok(vals[F_DRIVER]))
			return -EINVAL;
		memcpy(ev->driver, vals[F_DRIVER], strlen(vals[F_DRIVER]) + 1);
	}
	if (vals[F_ID]) {
		const char *s = vals[F_ID];

		if (strlen(s) != 9 || s[4] != ':' || !hex_upto(s, 4, 4, &v) ||
		    !hex_upto(s + 5, 4, 4, &d))
			return -EINVAL;
		ev->has_ids = true;
		ev->vendor = (uint16_t)v;
		ev->device = (uint16_t)d;
	}
	if (vals[F_CLASS]) {
		/* "%04X": at least 4 digits, at most 6 for 24 bits, no extra leading zero. */
		size_t n = strlen(vals[F_CLASS]);

		if (n < 4 || !hex_upto(vals[F_CLASS], n, 6, &v) ||
		    (n > 4 && vals[F_CLASS][0] == '0'))
			return -EINVAL;
		ev->has_class = true;
		ev->class_code = (uint32_t)v;
	}
	return 0;
}

int pg_guard_uevent_parse(const void *buf, size_t len, struct pg_guard_uevent *ret)
{
	const char *vals[F__N] = { 0 };
	struct pg_guard_uevent ev;
	const char *hdr;
	int r;

	if (!buf || !ret)
		return -EINVAL;
	if (len > PG_GUARD_MAX_UEVENT)
		return -E2BIG;
	memset(&ev, 0, sizeof(ev));
	if ((r = split(buf, len, &hdr, vals)) < 0 || (r = check_header(hdr, vals, &ev)) < 0)
		return r;
	if (strcmp(vals[F_SUBSYSTEM], "pci"))
		return printable(vals[F_SUBSYSTEM], strlen(vals[F_SUBSYSTEM])) ? -ENOENT :
										  -EINVAL;
	if ((r = check_pci(vals, &ev)) < 0)
		return r;
	*ret = ev;
	return 0;
}
