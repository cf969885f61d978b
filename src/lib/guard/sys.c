/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sysfs: a device's identity and state, and the writes that carry out a decision.
 *
 * The sysfs root is a parameter so that tests run against umockdev's fake tree; the daemon
 * uses "/sys". Everything read is treated as hostile text (a device's config space is what
 * the device says; attribute files in a fake or compromised tree can hold anything): every
 * value is parsed strictly, every read is bounded, and symlinks are read, never followed
 * blindly for writing (O_NOFOLLOW on every write).
 *
 * Writes follow the kernel's own interfaces (Documentation/ABI/testing/sysfs-bus-pci):
 * driver_override names the only driver that may bind a device, unbind releases it from
 * its driver, drivers_probe asks the bus to attach it again, remove hot-removes it, and a
 * hotplug slot's power file powers the slot off.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <pcigate/backend.h>
#include <pcigate/cfg.h>
#include <pcigate/inspect.h>

#include "guard-private.h"
#include "util/util.h"

#define MAX_SLOTS 256u

int pg_guard_path(char *buf, size_t size, const char *root, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(buf, size, "%s/", root ? root : "/sys"), m;

	if (n < 0 || (size_t)n >= size)
		return -ENAMETOOLONG;
	va_start(ap, fmt);
	m = vsnprintf(buf + n, size - (size_t)n, fmt, ap);
	va_end(ap);
	return m < 0 || (size_t)m >= size - (size_t)n ? -ENAMETOOLONG : 0;
}

int pg_guard_read_attr(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	ssize_t n;
	int r = 0;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, size - 1);
	if (n < 0)
		r = -errno;
	else if ((size_t)n == size - 1)
		r = -E2BIG; /* longer than any value we accept */
	close(fd);
	if (r < 0)
		return r;
	buf[n] = '\0';
	if (n > 0 && buf[n - 1] == '\n')
		buf[n - 1] = '\0';
	return 0;
}

int pg_guard_write_attr(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY);
	size_t len = strlen(text);
	ssize_t n;
	int r = 0;

	if (fd < 0)
		return -errno;
	n = write(fd, text, len);
	if (n < 0)
		r = -errno;
	else if ((size_t)n != len)
		r = -EIO;
	if (close(fd) < 0 && r == 0)
		r = -errno;
	return r;
}

bool pg_guard_name_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n >= PG_GUARD_DRIVER_LEN)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '_' || s[i] == '-'))
			return false;
	return true;
}

int pg_guard_link_name(const char *path, char *buf, size_t size)
{
	char target[1024];
	ssize_t n = readlink(path, target, sizeof(target) - 1);
	const char *base;

	buf[0] = '\0';
	if (n < 0)
		return errno == ENOENT ? 0 : -errno;
	target[n] = '\0';
	base = strrchr(target, '/');
	base = base ? base + 1 : target;
	if (strlen(base) >= size)
		return -ENAMETOOLONG;
	memcpy(buf, base, strlen(base) + 1);
	return 0;
}

/* "0x" and 1..ndig hex digits. */
static int attr_hex(const char *root, const char *bdf, const char *name, unsigned ndig,
		    uint32_t *ret)
{
	char path[512], text[32];
	uint64_t v;
	size_t n;
	int r = pg_guard_path(path, sizeof(path), root, "bus/pci/devices/%s/%s", bdf, name);

	if (r < 0 || (r = pg_guard_read_attr(path, text, sizeof(text))) < 0)
		return r == -ENOENT ? -ENODEV : r;
	n = strlen(text);
	if (n < 3 || n > 2 + ndig || text[0] != '0' || text[1] != 'x' ||
	    pg_util_parse_hex(text + 2, n - 2, &v) < 0)
		return -EIO;
	*ret = (uint32_t)v;
	return 0;
}

/* The BDF components of the device's sysfs link: root port down to the device. */
static int read_path(const char *root, const char *bdf, char *out, size_t size)
{
	char path[512], target[1024], canon[13];
	size_t used = 0;
	ssize_t n;
	int r = pg_guard_path(path, sizeof(path), root, "bus/pci/devices/%s", bdf);

	if (r < 0)
		return r;
	n = readlink(path, target, sizeof(target) - 1);
	if (n < 0) {
		if (errno != EINVAL)
			return errno == ENOENT ? -ENODEV : -errno;
		n = 0; /* a directory, not a link (some fake trees): the device alone */
	}
	target[n] = '\0';
	out[0] = '\0';
	for (char *save = NULL, *c = strtok_r(target, "/", &save); c;
	     c = strtok_r(NULL, "/", &save)) {
		if (strlen(c) != 12 || pg_bdf_parse(c, canon) < 0 || strcmp(c, canon))
			continue;
		if (used + 13 >= size)
			return -ENAMETOOLONG;
		used += (size_t)snprintf(out + used, size - used, "%s%s", used ? "/" : "", c);
	}
	if (!used || strcmp(out + used - 12, bdf)) {
		if (used + 13 >= size)
			return -ENAMETOOLONG;
		(void)snprintf(out + used, size - used, "%s%s", used ? "/" : "", bdf);
	}
	return 0;
}

/* The physical slot whose address is the device's "dddd:bb:dd". */
static void read_slot(const char *root, struct pg_guard_dev *d)
{
	char path[512], addr[32];
	struct dirent *e;
	unsigned seen = 0;
	DIR *dir;

	if (pg_guard_path(path, sizeof(path), root, "bus/pci/slots") < 0 ||
	    !(dir = opendir(path)))
		return;
	while ((e = readdir(dir)) && seen++ < MAX_SLOTS) {
		size_t n = strlen(e->d_name);
		bool ok = n > 0 && n < PG_GUARD_SLOT_LEN && e->d_name[0] != '.';

		for (size_t i = 0; ok && i < n; i++)
			ok = e->d_name[i] > 0x20 && e->d_name[i] < 0x7f && e->d_name[i] != '"' &&
			     e->d_name[i] != '\\';
		if (!ok || pg_guard_path(path, sizeof(path), root, "bus/pci/slots/%s/address",
					 e->d_name) < 0 ||
		    pg_guard_read_attr(path, addr, sizeof(addr)) < 0 ||
		    strncmp(addr, d->bdf, 10) || addr[10] != '\0')
			continue;
		memcpy(d->slot, e->d_name, n + 1);
		d->slot_power = pg_guard_path(path, sizeof(path), root, "bus/pci/slots/%s/power",
					      e->d_name) == 0 && access(path, F_OK) == 0;
		break;
	}
	closedir(dir);
}

/* Config space: Command register, serial number, inspect findings. */
static void read_config(const char *root, struct pg_guard_dev *d)
{
	char path[512];
	char *buf = NULL;
	size_t len = 0;
	struct pg_cfg_layout *l = NULL;
	struct pg_inspect_result res;
	const struct pg_cap *dsn;
	const uint8_t *b;

	if (pg_guard_path(path, sizeof(path), root, "bus/pci/devices/%s/config", d->bdf) < 0 ||
	    pg_util_read_file_at(AT_FDCWD, path, PG_CFG_EXT_LEN, false, &buf, &len) < 0)
		return;
	b = (const uint8_t *)buf;
	if (len >= 6)
		d->command = (uint16_t)(b[4] | b[5] << 8);
	/* A VF's own Vendor and Device ID read FFFFh (PCIe Base spec, SR-IOV: VF Vendor ID),
	 * while sysfs shows the IDs the kernel took from its PF. The kernel sends the VF's
	 * add uevent before it links `physfn`, so the link alone misses a VF at its add. */
	if (len >= 4 && b[0] == 0xff && b[1] == 0xff && b[2] == 0xff && b[3] == 0xff &&
	    d->vendor != 0xffff)
		d->is_vf = true;
	if (pg_cfg_parse(b, len, NULL, &l) == 0) {
		dsn = pg_cfg_find_cap(l, true, PG_ECAP_DSN);
		if (dsn && dsn->offset + 12u <= len) {
			d->has_dsn = true;
			for (int i = 11; i >= 4; i--)
				d->dsn = d->dsn << 8 | b[dsn->offset + i];
		}
		if (pg_inspect(l, &res) == 0)
			for (unsigned i = 0; i < res.nfindings; i++)
				d->findings |= 1u << res.findings[i].code;
		pg_cfg_free(l);
	}
	free(buf);
}

static int read_ids(const char *root, const char *bdf, struct pg_guard_dev *d)
{
	uint32_t v[6];
	static const struct { const char *name; unsigned ndig; } attrs[6] = {
		{ "vendor", 4 }, { "device", 4 }, { "subsystem_vendor", 4 },
		{ "subsystem_device", 4 }, { "class", 6 }, { "revision", 2 },
	};

	for (unsigned i = 0; i < 6; i++) {
		int r = attr_hex(root, bdf, attrs[i].name, attrs[i].ndig, &v[i]);

		if (r < 0)
			return r;
	}
	d->vendor = (uint16_t)v[0];
	d->device = (uint16_t)v[1];
	d->subvendor = (uint16_t)v[2];
	d->subdevice = (uint16_t)v[3];
	d->class_code = v[4];
	d->revision = (uint8_t)v[5];
	return 0;
}

int pg_guard_sys_read(const char *root, const char *bdf, struct pg_guard_dev *ret)
{
	struct pg_guard_dev d;
	char path[512], text[32];
	int r;

	if (!bdf || !ret || strlen(bdf) != 12 || pg_bdf_parse(bdf, d.bdf) < 0 || strcmp(bdf, d.bdf))
		return -EINVAL;
	memset(&d, 0, sizeof(d));
	memcpy(d.bdf, bdf, 13);
	if ((r = read_path(root, bdf, d.path, sizeof(d.path))) < 0 ||
	    (r = read_ids(root, bdf, &d)) < 0)
		return r;
	if (pg_guard_path(path, sizeof(path), root, "bus/pci/devices/%s/removable", bdf) == 0 &&
	    pg_guard_read_attr(path, text, sizeof(text)) == 0)
		d.removable = !strcmp(text, "removable");
	if (pg_guard_path(path, sizeof(path), root, "bus/pci/devices/%s/iommu_group/type",
			  bdf) == 0 &&
	    pg_guard_read_attr(path, text, sizeof(text)) == 0 && strlen(text) < sizeof(d.iommu) &&
	    pg_guard_name_ok(text))
		memcpy(d.iommu, text, strlen(text) + 1);
	if ((r = pg_guard_path(path, sizeof(path), root, "bus/pci/devices/%s/driver", bdf)) < 0 ||
	    (r = pg_guard_link_name(path, d.driver, sizeof(d.driver))) < 0)
		return r;
	if (d.driver[0] && !pg_guard_name_ok(d.driver))
		return -EIO;
	d.is_vf = pg_guard_path(path, sizeof(path), root, "bus/pci/devices/%s/physfn", bdf) == 0 &&
		  access(path, F_OK) == 0;
	read_slot(root, &d);
	read_config(root, &d);
	*ret = d;
	return 0;
}

/* ---- actions ------------------------------------------------------------------------- */

/* Write text to ROOT/bus/pci/<dir>/<name>/<attr> (dir "devices", "drivers", "slots") or,
 * with name NULL, to ROOT/bus/pci/<attr>. */
static int write_to(const char *root, const char *text, const char *dir, const char *name,
		    const char *attr)
{
	char path[512];
	int r = name ? pg_guard_path(path, sizeof(path), root, "bus/pci/%s/%s/%s", dir, name,
				     attr) :
		       pg_guard_path(path, sizeof(path), root, "bus/pci/%s", attr);

	return r < 0 ? r : pg_guard_write_attr(path, text);
}

/* Bind dev (currently bound to cur, maybe "") to drv through driver_override. */
static int rebind(const char *root, const struct pg_guard_dev *dev, const char *cur,
		  const char *drv, struct pg_guard_done *done)
{
	char path[512];
	struct pg_guard_dev now;
	int r;

	if (!strcmp(cur, drv)) {
		done->how = "already";
		memcpy(done->driver, cur, strlen(cur) + 1);
		return 0;
	}
	if ((r = pg_guard_path(path, sizeof(path), root, "bus/pci/drivers/%s", drv)) < 0)
		return r;
	if (access(path, F_OK) < 0)
		return -ENOENT;
	/* Override first: once the device is unbound, only drv may take it (pci-stub's
	 * catch-all would otherwise claim it again at drivers_probe). */
	if ((r = write_to(root, drv, "devices", dev->bdf, "driver_override")) < 0)
		return r;
	if ((cur[0] && (r = write_to(root, dev->bdf, "drivers", cur, "unbind")) < 0) ||
	    (r = write_to(root, dev->bdf, NULL, NULL, "drivers_probe")) < 0 ||
	    (r = pg_guard_sys_read(root, dev->bdf, &now)) < 0 || strcmp(now.driver, drv)) {
		/* Fail closed: the driver did not take it (not loaded, probe failed): give it
		 * back to pci-stub rather than leave an override a later modprobe would honour. */
		if (r == 0)
			r = -ENXIO;
		if (strcmp(drv, PG_GUARD_STUB) &&
		    write_to(root, PG_GUARD_STUB, "devices", dev->bdf, "driver_override") == 0)
			(void)write_to(root, dev->bdf, NULL, NULL, "drivers_probe");
		if (pg_guard_sys_read(root, dev->bdf, &now) == 0)
			memcpy(done->driver, now.driver, sizeof(done->driver));
		done->how = "failed";
		return r;
	}
	memcpy(done->driver, now.driver, sizeof(done->driver));
	done->how = "bound";
	return 0;
}

int pg_guard_sys_act(const char *root, const struct pg_guard_dev *expected,
		     enum pg_guard_action a, const char *driver, struct pg_guard_done *ret)
{
	struct pg_guard_done done = { .how = "kept" };
	struct pg_guard_dev now;
	int r;

	if (!expected || (unsigned)a >= PG_GUARD__ACTIONS ||
	    (a == PG_GUARD_ALLOW && (!driver || !pg_guard_name_ok(driver))))
		return -EINVAL;
	/* TOCTOU: the device at this address must still be the one decided on. */
	if ((r = pg_guard_sys_read(root, expected->bdf, &now)) < 0)
		return r;
	if (!pg_guard_dev_same(expected, &now))
		return -ESTALE;
	memcpy(done.driver, now.driver, sizeof(done.driver));
	switch (a) {
	case PG_GUARD_ALLOW:
		r = rebind(root, &now, now.driver, driver, &done);
		break;
	case PG_GUARD_ASSIGN:
		r = rebind(root, &now, now.driver, "vfio-pci", &done);
		break;
	case PG_GUARD_QUARANTINE:
		r = now.driver[0] ? rebind(root, &now, now.driver, PG_GUARD_STUB, &done) : 0;
		break;
	default:
		done.driver[0] = '\0';
		if (now.slot[0] && now.slot_power) {
			r = write_to(root, "0", "slots", now.slot, "power");
			done.how = "slot-power-off";
		} else {
			r = write_to(root, "1", "devices", now.bdf, "remove");
			done.how = "removed";
		}
		break;
	}
	if (ret)
		*ret = done;
	return r;
}
