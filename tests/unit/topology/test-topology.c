/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Tests of the topology module (src/lib/topology/) on a sysfs tree built by umockdev's
 * testbed (devices, binary config attributes, driver and iommu_group links) plus the
 * IOMMU group directories the kernel keeps under /sys/kernel. The library is pointed at
 * the testbed's sys directory, so no LD_PRELOAD is needed and nothing of the host is read.
 *
 * The tree (each verdict follows Linux pci_acs_enabled() with SV|RR|CR|UF):
 *   00:1c.0 root port, ACS with SV|RR|CR|UF enabled
 *     03:00.0 NIC, driver igb, group 7 (alone), reset_method "flr bus"
 *   00:1d.0 root port without ACS
 *     04:00.0, 04:00.1 a two-function card, group 8 (both)
 *   00:1e.0 root port read by a non-root user (64 bytes: ACS unknown)
 *     05:00.0
 *   00:1f.0 conventional PCI-to-PCI bridge (no PCIe capability: never isolates)
 *     06:01.0
 *   00:1c.4 root port, ACS present but Request Redirect off
 *     07:00.0 switch upstream port, single function (needs no ACS)
 *       08:00.0 switch downstream port with full ACS
 *         09:00.0 endpoint: the gap is the root port two levels up
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <umockdev.h>

#include <pcigate/cfg.h>
#include <pcigate/topology.h>

#include "cfgbuild.h"

#define ACS_ALL 0x001du /* SV | RR | CR | UF */

static UMockdevTestbed *tb;
static const char *sys;

/* Config of a bridge or endpoint: PCIe capability of port_type at 0x40 (none when
 * port_type is 0xff), ACS at 0x100 with cap/ctrl when acs is true; len bytes exposed. */
static void config(struct cfgbuild *c, uint32_t class_code, uint8_t hdr, uint8_t port_type,
		   bool acs, uint16_t acs_ctrl)
{
	cb_header(c, 0x8086, 0x1234, class_code, hdr, port_type == 0xff ? 0 : 0x40);
	if (port_type != 0xff)
		cb_pcie(c, 0x40, 0, port_type);
	if (acs) {
		cb_ecap(c, 0x100, PG_ECAP_ACS, 1, 0);
		cb_w16(c, 0x104, 0x005f); /* SV TB RR CR UF DT capable */
		cb_w16(c, 0x106, acs_ctrl);
	}
}

static char *add(const char *name, const char *parent, struct cfgbuild *c, size_t len)
{
	char *path = umockdev_testbed_add_device(tb, "pci", name, parent, NULL, NULL);

	assert_non_null(path);
	umockdev_testbed_set_attribute_binary(tb, path, "config", c->b, (gint)len);
	return path;
}

static void group(const char *path, int n, const char *const *members)
{
	char dir[4096], target[64], link[4200];

	snprintf(target, sizeof(target), "../../../kernel/iommu_groups/%d", n);
	umockdev_testbed_set_attribute_link(tb, path, "iommu_group", target);
	snprintf(dir, sizeof(dir), "%s/kernel/iommu_groups/%d/devices", sys, n);
	if (access(dir, F_OK) != 0) {
		char mk[4200];

		snprintf(mk, sizeof(mk), "mkdir -p '%s'", dir);
		assert_int_equal(system(mk), 0);
		for (size_t i = 0; members[i]; i++) {
			snprintf(link, sizeof(link), "%s/%s", dir, members[i]);
			snprintf(target, sizeof(target), "../../../../bus/pci/devices/%s",
				 members[i]);
			assert_int_equal(symlink(target, link), 0);
		}
	}
}

static int setup(void **state)
{
	static const char *const g7[] = { "0000:03:00.0", NULL };
	static const char *const g8[] = { "0000:04:00.1", "0000:04:00.0", NULL };
	struct cfgbuild c;
	char *rp, *p, *us, *ds;

	(void)state;
	tb = umockdev_testbed_new();
	assert_non_null(tb);
	sys = umockdev_testbed_get_sys_dir(tb);

	config(&c, 0x060400, 0x01, PG_PCIE_ROOT_PORT, true, ACS_ALL);
	rp = add("0000:00:1c.0", NULL, &c, 4096);
	config(&c, 0x020000, 0x00, PG_PCIE_ENDPOINT, false, 0);
	p = add("0000:03:00.0", rp, &c, 4096);
	umockdev_testbed_set_attribute_link(tb, p, "driver", "../../../../bus/pci/drivers/igb");
	umockdev_testbed_set_attribute(tb, p, "reset_method", "flr bus\n");
	group(p, 7, g7);
	g_free(p);
	g_free(rp);

	config(&c, 0x060400, 0x01, PG_PCIE_ROOT_PORT, false, 0);
	rp = add("0000:00:1d.0", NULL, &c, 4096);
	config(&c, 0x020000, 0x80, PG_PCIE_ENDPOINT, false, 0);
	p = add("0000:04:00.0", rp, &c, 4096);
	group(p, 8, g8);
	g_free(p);
	p = add("0000:04:00.1", rp, &c, 4096);
	group(p, 8, g8);
	g_free(p);
	g_free(rp);

	config(&c, 0x060400, 0x01, PG_PCIE_ROOT_PORT, true, ACS_ALL);
	rp = add("0000:00:1e.0", NULL, &c, 64);
	config(&c, 0x010802, 0x00, PG_PCIE_ENDPOINT, false, 0);
	g_free(add("0000:05:00.0", rp, &c, 4096));
	g_free(rp);

	config(&c, 0x060400, 0x01, 0xff, false, 0);
	rp = add("0000:00:1f.0", NULL, &c, 256);
	config(&c, 0x040100, 0x00, 0xff, false, 0);
	g_free(add("0000:06:01.0", rp, &c, 256));
	g_free(rp);

	config(&c, 0x060400, 0x01, PG_PCIE_ROOT_PORT, true, ACS_ALL & ~0x0004u);
	rp = add("0000:00:1c.4", NULL, &c, 4096);
	config(&c, 0x060400, 0x01, PG_PCIE_UPSTREAM, false, 0);
	us = add("0000:07:00.0", rp, &c, 4096);
	config(&c, 0x060400, 0x01, PG_PCIE_DOWNSTREAM, true, ACS_ALL);
	ds = add("0000:08:00.0", us, &c, 4096);
	config(&c, 0x030000, 0x00, PG_PCIE_ENDPOINT, false, 0);
	g_free(add("0000:09:00.0", ds, &c, 4096));
	g_free(ds);
	g_free(us);
	g_free(rp);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	g_object_unref(tb);
	return 0;
}

static struct pg_topo_dev *read_dev(const char *bdf)
{
	struct pg_topo_dev *d = calloc(1, sizeof(*d));

	assert_non_null(d);
	if (pg_topo_read(sys, bdf, d) != 0)
		fail_msg("pg_topo_read(%s) failed", bdf);
	return d;
}

static void test_isolated(void **state)
{
	struct pg_topo_dev *d = read_dev("03:00.0");

	(void)state;
	assert_string_equal(d->bdf, "0000:03:00.0");
	assert_int_equal(d->vendor, 0x8086);
	assert_int_equal(d->class_code, 0x020000);
	assert_string_equal(d->parent, "0000:00:1c.0");
	assert_string_equal(d->driver, "igb");
	assert_int_equal(d->iommu_group, 7);
	assert_int_equal(d->ngroup, 1);
	assert_string_equal(d->group[0], "0000:03:00.0");
	assert_true(d->has_reset_method);
	assert_string_equal(d->reset_method, "flr bus");
	assert_int_equal(d->nupstream, 1);
	assert_true(d->upstream[0].isolates);
	assert_int_equal(d->acs, PG_TOPO_ACS_ISOLATED);
	free(d);
}

static void test_gap_and_group(void **state)
{
	struct pg_topo_dev *d = read_dev("0000:04:00.1");

	(void)state;
	assert_int_equal(d->iommu_group, 8);
	assert_int_equal(d->ngroup, 2);
	assert_string_equal(d->group[0], "0000:04:00.0"); /* sorted */
	assert_string_equal(d->group[1], "0000:04:00.1");
	assert_string_equal(d->driver, "");
	assert_false(d->has_reset_method);
	assert_int_equal(d->acs, PG_TOPO_ACS_GAP);
	assert_int_equal(d->acs_at, 0);
	assert_string_equal(d->upstream[0].why, "no ACS capability");
	free(d);
}

static void test_unknown_and_conventional(void **state)
{
	struct pg_topo_dev *d = read_dev("05:00.0");

	(void)state;
	assert_int_equal(d->iommu_group, -1);
	assert_int_equal(d->acs, PG_TOPO_ACS_UNKNOWN);
	assert_false(d->upstream[0].known);
	assert_non_null(strstr(d->upstream[0].why, "needs root"));
	free(d);

	d = read_dev("06:01.0");
	assert_int_equal(d->acs, PG_TOPO_ACS_GAP);
	assert_false(d->upstream[0].pcie);
	assert_non_null(strstr(d->upstream[0].why, "conventional"));
	free(d);
}

static void test_deep_path(void **state)
{
	struct pg_topo_dev *d = read_dev("09:00.0");

	(void)state;
	assert_int_equal(d->nupstream, 3);
	assert_string_equal(d->upstream[0].bdf, "0000:08:00.0");
	assert_string_equal(d->upstream[1].bdf, "0000:07:00.0");
	assert_string_equal(d->upstream[2].bdf, "0000:00:1c.4");
	assert_true(d->upstream[0].isolates);       /* downstream port, full ACS */
	assert_true(d->upstream[1].isolates);       /* single-function upstream port */
	assert_false(d->upstream[1].needs_acs);
	assert_false(d->upstream[2].isolates);      /* RR off */
	assert_int_equal(d->acs, PG_TOPO_ACS_GAP);
	assert_int_equal(d->acs_at, 2);
	free(d);
}

static void test_errors(void **state)
{
	struct pg_topo_dev *d = calloc(1, sizeof(*d));

	(void)state;
	assert_non_null(d);
	assert_int_equal(pg_topo_read(sys, "0000:0a:00.0", d), -ENODEV);
	assert_int_equal(pg_topo_read(sys, "not-a-bdf", d), -EINVAL);
	assert_int_equal(pg_topo_read(sys, NULL, d), -EINVAL);
	assert_int_equal(pg_topo_read(sys, "03:00.0", NULL), -EINVAL);
	assert_int_equal(pg_topo_read("/nonexistent-sysfs", "03:00.0", d), -ENOENT);
	assert_string_equal(pg_topo_acs_name(PG_TOPO_ACS_GAP), "gap");
	free(d);
}

/* A crafted tree: each odd link or attribute is bounded or ignored, never followed out of
 * the tree, and never crashes the reader. */
static void test_hostile_tree(void **state)
{
	char dir[4096], link[8192], path[4200];
	struct pg_topo_dev *d = calloc(1, sizeof(*d));
	struct cfgbuild c;
	char *p;

	(void)state;
	assert_non_null(d);
	config(&c, 0x020000, 0x00, PG_PCIE_ENDPOINT, false, 0);
	p = add("0000:0b:00.0", NULL, &c, 256);
	/* iommu_group pointing at a non-number, a driver name with a quote and spaces,
	 * a reset_method longer than the attribute can be */
	umockdev_testbed_set_attribute_link(tb, p, "iommu_group", "../../kernel/iommu_groups/x1");
	umockdev_testbed_set_attribute_link(tb, p, "driver", "../drivers/evil \"name\"");
	memset(link, 'f', 600);
	link[600] = '\0';
	umockdev_testbed_set_attribute(tb, p, "reset_method", link);
	assert_int_equal(pg_topo_read(sys, "0b:00.0", d), 0);
	assert_int_equal(d->iommu_group, -1);
	assert_string_equal(d->driver, "?");
	assert_false(d->has_reset_method);
	g_free(p);

	/* a device link naming more bridges than PG_TOPO_MAX_DEPTH */
	snprintf(dir, sizeof(dir), "%s/devices", sys);
	strcpy(link, "../../../devices");
	for (unsigned i = 0; i <= PG_TOPO_MAX_DEPTH + 1; i++) {
		size_t n = strlen(link);

		snprintf(link + n, sizeof(link) - n, "/0000:%02x:00.0", 0x20 + i);
	}
	snprintf(path, sizeof(path), "%s/bus/pci/devices/0000:%02x:00.0", sys,
		 0x20 + PG_TOPO_MAX_DEPTH + 1);
	assert_int_equal(symlink(link, path), 0);
	assert_int_equal(pg_topo_read(sys, path + strlen(path) - 12, d), -E2BIG);

	/* a link that does not end in the function itself */
	snprintf(path, sizeof(path), "%s/bus/pci/devices/0000:0c:00.0", sys);
	assert_int_equal(symlink("../../../devices/0000:0b:00.0", path), 0);
	assert_int_equal(pg_topo_read(sys, "0c:00.0", d), -EIO);
	free(d);
}

/* The kernel's rule, row by row, on parsed configs (no sysfs). */
static void test_judge(void **state)
{
	static const struct {
		const char *what;
		uint8_t hdr, port_type;
		bool acs;
		uint16_t ctrl;
		size_t len;
		bool isolates, known;
	} rows[] = {
		{ "root port, full ACS", 0x01, PG_PCIE_ROOT_PORT, true, ACS_ALL, 4096, true, true },
		{ "root port, UF off", 0x01, PG_PCIE_ROOT_PORT, true, 0x000d, 4096, false, true },
		{ "downstream, no ACS", 0x01, PG_PCIE_DOWNSTREAM, false, 0, 4096, false, true },
		{ "downstream, 256 bytes", 0x01, PG_PCIE_DOWNSTREAM, true, ACS_ALL, 256, false,
		  false },
		{ "upstream, single function", 0x01, PG_PCIE_UPSTREAM, false, 0, 4096, true, true },
		{ "upstream, multi-function", 0x81, PG_PCIE_UPSTREAM, false, 0, 4096, false, true },
		{ "PCIe-to-PCI bridge", 0x01, PG_PCIE_PCIE_TO_PCI, true, ACS_ALL, 4096, false,
		  true },
		{ "conventional bridge", 0x01, 0xff, false, 0, 256, false, true },
		{ "root port read in 64 bytes", 0x01, PG_PCIE_ROOT_PORT, true, ACS_ALL, 64, false,
		  false },
	};
	struct cfgbuild c;

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct pg_cfg_layout *l = NULL;
		struct pg_topo_bridge b = { .bdf = "0000:00:01.0" };

		config(&c, 0x060400, rows[i].hdr, rows[i].port_type, rows[i].acs, rows[i].ctrl);
		assert_int_equal(pg_cfg_parse(c.b, rows[i].len, NULL, &l), 0);
		assert_int_equal(pg_topo_bridge_judge(l, &b), 0);
		if (b.isolates != rows[i].isolates || b.known != rows[i].known)
			fail_msg("%s: isolates %d known %d (%s)", rows[i].what, b.isolates,
				 b.known, b.why);
		assert_string_equal(b.bdf, "0000:00:01.0");
		pg_cfg_free(l);
	}
	assert_int_equal(pg_topo_bridge_judge(NULL, NULL), -EINVAL);
}

/* Given the function's parsed config (a live inspect has read it through its backend),
 * pg_topo_read_with() takes the identity from it and never reads the function's config
 * attribute again: with that attribute moved away the answer is whole, while
 * pg_topo_read() then has no identity. The bridges' configs are still read. */
static void test_read_with_layout(void **state)
{
	struct pg_topo_dev *d = calloc(1, sizeof(*d)), *ref = read_dev("09:00.0");
	struct pg_cfg_layout *own = NULL;
	char cfg[4096], moved[4200];
	struct cfgbuild c;

	(void)state;
	assert_non_null(d);
	cb_init(&c, 0x1af4, 0x1041, 0x020000, 0x00, 256);
	assert_int_equal(pg_cfg_parse(c.b, 256, NULL, &own), 0);
	snprintf(cfg, sizeof(cfg), "%s/bus/pci/devices/0000:09:00.0/config", sys);
	snprintf(moved, sizeof(moved), "%s.moved", cfg);
	assert_int_equal(rename(cfg, moved), 0);

	assert_int_equal(pg_topo_read_with(sys, "09:00.0", own, d), 0);
	assert_int_equal(d->vendor, 0x1af4); /* the caller's bytes, not the file's 0x8086 */
	assert_int_equal(d->device, 0x1041);
	assert_int_equal(d->class_code, 0x020000);
	assert_int_equal(d->nupstream, ref->nupstream);
	assert_int_equal(d->acs, ref->acs); /* bridges judged from their own configs */
	assert_int_equal(d->acs_at, ref->acs_at);
	assert_true(d->upstream[0].isolates && d->upstream[0].known);

	assert_int_equal(pg_topo_read_with(sys, "09:00.0", NULL, d), 0); /* = pg_topo_read */
	assert_int_equal(d->vendor, 0);    /* its config is gone: identity unknown */
	assert_int_equal(d->acs, ref->acs);
	assert_int_equal(rename(moved, cfg), 0);

	assert_int_equal(pg_topo_read_with(sys, "09:00.0", NULL, d), 0);
	assert_int_equal(d->vendor, 0x8086);
	assert_int_equal(d->class_code, 0x030000);
	assert_int_equal(pg_topo_read_with(sys, "0a:00.0", own, d), -ENODEV);
	assert_int_equal(pg_topo_read_with(sys, "09:00.0", own, NULL), -EINVAL);
	pg_cfg_free(own);
	free(ref);
	free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_isolated),
		cmocka_unit_test(test_gap_and_group),
		cmocka_unit_test(test_unknown_and_conventional),
		cmocka_unit_test(test_deep_path),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_hostile_tree),
		cmocka_unit_test(test_judge),
		cmocka_unit_test(test_read_with_layout),
	};

	return cmocka_run_group_tests_name("topology", tests, setup, teardown);
}
