/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A fake sysfs for the guard tests, on umockdev's testbed (umockdev_testbed_add_device
 * makes /sys/devices/..., the bus/pci/devices links and the attributes). The library is
 * given the testbed's sys directory as its root, never "/sys". What umockdev does not
 * model (drivers, slots, the bus-wide files) is created here as plain files, and, as the
 * umockdev recipe warns, a plain file has no kernel behind it: a write is only stored.
 */
#ifndef PG_TEST_FAKESYS_H
#define PG_TEST_FAKESYS_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <umockdev.h>

struct fakesys {
	UMockdevTestbed *tb;
	char *sys;           /* the root given to the library */
};

static inline void fs_path(const struct fakesys *f, char *buf, size_t size, const char *rel)
{
	snprintf(buf, size, "%s/%s", f->sys, rel);
}

static inline void fs_write(const struct fakesys *f, const char *rel, const char *text)
{
	char path[1024];
	FILE *fp;

	fs_path(f, path, sizeof(path), rel);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
}

/* Contents of ROOT/rel, "" when absent (static buffer). */
static inline const char *fs_read(const struct fakesys *f, const char *rel)
{
	static char buf[4096];
	char path[1024];
	FILE *fp;
	size_t n;

	fs_path(f, path, sizeof(path), rel);
	buf[0] = '\0';
	fp = fopen(path, "r");
	if (!fp)
		return buf;
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	buf[n] = '\0';
	fclose(fp);
	return buf;
}

static inline void fs_mkdir(const struct fakesys *f, const char *rel)
{
	char path[1024];

	fs_path(f, path, sizeof(path), rel);
	for (char *p = path + strlen(f->sys) + 1; *p; p++) {
		if (*p == '/') {
			*p = '\0';
			(void)mkdir(path, 0755);
			*p = '/';
		}
	}
	(void)mkdir(path, 0755);
}

/* A PCI driver; module NULL = built in. */
static inline void fs_driver(const struct fakesys *f, const char *name, const char *module)
{
	char rel[256], path[1024], target[256];

	snprintf(rel, sizeof(rel), "bus/pci/drivers/%s", name);
	fs_mkdir(f, rel);
	snprintf(rel, sizeof(rel), "bus/pci/drivers/%s/unbind", name);
	fs_write(f, rel, "");
	snprintf(rel, sizeof(rel), "bus/pci/drivers/%s/new_id", name);
	fs_write(f, rel, "");
	snprintf(rel, sizeof(rel), "bus/pci/drivers/%s/remove_id", name);
	fs_write(f, rel, "");
	if (module) {
		snprintf(rel, sizeof(rel), "module/%s", module);
		fs_mkdir(f, rel);
		snprintf(rel, sizeof(rel), "bus/pci/drivers/%s/module", name);
		fs_path(f, path, sizeof(path), rel);
		snprintf(target, sizeof(target), "../../../../module/%s", module);
		assert_int_equal(symlink(target, path), 0);
	}
}

static inline void fakesys_init(struct fakesys *f)
{
	f->tb = umockdev_testbed_new();
	assert_non_null(f->tb);
	f->sys = umockdev_testbed_get_sys_dir(f->tb);
	assert_non_null(f->sys);
	/* Safety: everything below writes under the testbed, never the host's sysfs. */
	assert_true(strcmp(f->sys, "/sys") != 0 && strstr(f->sys, "umockdev"));
	/* After testbed_new (it caches its answer): the preload must be active, or umockdev
	 * would create devices against the real /sys paths. */
	assert_true(umockdev_in_mock_environment());
	fs_mkdir(f, "bus/pci/slots");
	fs_write(f, "bus/pci/drivers_probe", "");
	fs_driver(f, "pci-stub", "pci_stub");
	fs_driver(f, "e1000e", "e1000e");
	fs_driver(f, "nvme", "nvme");
	fs_driver(f, "pcieport", NULL);
}

static inline void fakesys_done(struct fakesys *f)
{
	char *root = umockdev_testbed_get_root_dir(f->tb);
	char cmd[1200];

	g_object_unref(f->tb); /* removes the testbed directory */
	snprintf(cmd, sizeof(cmd), "test ! -e '%s'", root);
	assert_int_equal(system(cmd), 0);
	g_free(root);
	g_free(f->sys);
}

/* Config space: header with a capability list, PCIe capability, a Device Serial Number
 * extended capability; chain_loop makes the standard list point to itself (malformed). */
static inline void fs_config(uint8_t *cfg, uint16_t vendor, uint16_t device, uint32_t cls,
			     bool chain_loop)
{
	memset(cfg, 0, 4096);
	cfg[0] = (uint8_t)vendor;
	cfg[1] = (uint8_t)(vendor >> 8);
	cfg[2] = (uint8_t)device;
	cfg[3] = (uint8_t)(device >> 8);
	cfg[6] = 0x10;                     /* Status: capability list */
	cfg[9] = (uint8_t)cls;
	cfg[10] = (uint8_t)(cls >> 8);
	cfg[11] = (uint8_t)(cls >> 16);
	cfg[0x34] = 0x40;
	cfg[0x40] = 0x10;                  /* PCIe capability, endpoint, v2 */
	cfg[0x41] = chain_loop ? 0x40 : 0x00;
	cfg[0x42] = 0x02;
	/* DSN at 0x100: header (ID 3, v1, next 0), serial 0x0123456789abcdef low dword first */
	cfg[0x100] = 0x03;
	cfg[0x102] = 0x01;
	for (int i = 0; i < 8; i++)
		cfg[0x104 + i] = (uint8_t)(0x0123456789abcdefull >> (8 * i));
}

/* Add a device below parent (a devpath from an earlier call, or NULL for the root bus);
 * returns its devpath (g_free()). driver may be NULL. */
static inline char *fs_device(struct fakesys *f, const char *parent, const char *bdf,
			      uint16_t vendor, uint16_t device, uint32_t cls,
			      const char *driver, bool chain_loop)
{
	char v[16], d[16], c[16];
	uint8_t cfg[4096];
	char *dp;

	snprintf(v, sizeof(v), "0x%04x", vendor);
	snprintf(d, sizeof(d), "0x%04x", device);
	snprintf(c, sizeof(c), "0x%06x", cls);
	dp = umockdev_testbed_add_device(f->tb, "pci", bdf, parent, "vendor", v, "device", d,
					 "subsystem_vendor", "0x8086", "subsystem_device",
					 "0x0000", "class", c, "revision", "0x00", NULL,
					 "PCI_SLOT_NAME", bdf, NULL);
	assert_non_null(dp);
	fs_config(cfg, vendor, device, cls, chain_loop);
	umockdev_testbed_set_attribute_binary(f->tb, dp, "config", cfg, sizeof(cfg));
	umockdev_testbed_set_attribute(f->tb, dp, "driver_override", "(null)");
	umockdev_testbed_set_attribute(f->tb, dp, "remove", "");
	if (driver) {
		char target[256];

		snprintf(target, sizeof(target), "../../../bus/pci/drivers/%s", driver);
		umockdev_testbed_set_attribute_link(f->tb, dp, "driver", target);
	}
	return dp;
}

static inline void fs_set_driver(struct fakesys *f, const char *dp, const char *driver)
{
	char target[256], link[1024];

	/* dp is "/sys/devices/..."; the link is in the testbed. umockdev refuses to replace
	 * an existing link. */
	snprintf(link, sizeof(link), "%s%s/driver", f->sys, dp + 4);
	(void)unlink(link);

	snprintf(target, sizeof(target), "../../../bus/pci/drivers/%s", driver);
	umockdev_testbed_set_attribute_link(f->tb, dp, "driver", target);
}

/* A hotplug slot named name whose address is the bus of bdf; with a power controller. */
static inline void fs_slot(struct fakesys *f, const char *name, const char *bdf)
{
	char rel[256], addr[16];

	snprintf(rel, sizeof(rel), "bus/pci/slots/%s", name);
	fs_mkdir(f, rel);
	snprintf(addr, sizeof(addr), "%.10s\n", bdf);
	snprintf(rel, sizeof(rel), "bus/pci/slots/%s/address", name);
	fs_write(f, rel, addr);
	snprintf(rel, sizeof(rel), "bus/pci/slots/%s/power", name);
	fs_write(f, rel, "1\n");
}

#endif
