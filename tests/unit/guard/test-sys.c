/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sysfs reads and actions (src/lib/guard/sys.c) and the gate proof (gate.c), over
 * umockdev's fake sysfs (fakesys.h). Writes land in plain files there, so each test
 * asserts exactly which files an action wrote and what, which is the kernel interface the
 * action relies on (Documentation/ABI/testing/sysfs-bus-pci), and that nothing else moved.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <pcigate/guard.h>
#include <pcigate/inspect.h>

#include "fakesys.h"

#define NIC "0000:05:00.0"

struct t {
	struct fakesys f;
	char *port, *nic;
};

static int setup(void **state)
{
	struct t *t = calloc(1, sizeof(*t));

	assert_non_null(t);
	fakesys_init(&t->f);
	t->port = fs_device(&t->f, NULL, "0000:00:1c.0", 0x8086, 0xa110, 0x060400, "pcieport",
			    false);
	t->nic = fs_device(&t->f, t->port, NIC, 0x8086, 0x10d3, 0x020000, "pci-stub", false);
	*state = t;
	return 0;
}

static int teardown(void **state)
{
	struct t *t = *state;

	g_free(t->port);
	g_free(t->nic);
	fakesys_done(&t->f);
	free(t);
	return 0;
}

static void test_read(void **state)
{
	struct t *t = *state;
	struct pg_guard_dev d;

	fs_slot(&t->f, "3", NIC);
	umockdev_testbed_set_attribute(t->f.tb, t->nic, "removable", "removable\n");
	assert_int_equal(pg_guard_sys_read(t->f.sys, NIC, &d), 0);
	assert_string_equal(d.bdf, NIC);
	assert_int_equal(d.vendor, 0x8086);
	assert_int_equal(d.device, 0x10d3);
	assert_int_equal(d.subvendor, 0x8086);
	assert_int_equal(d.class_code, 0x020000);
	assert_string_equal(d.path, "0000:00:1c.0/" NIC);
	assert_string_equal(d.driver, "pci-stub");
	assert_string_equal(d.slot, "3");
	assert_true(d.slot_power);
	assert_true(d.removable);
	assert_string_equal(d.iommu, "");
	assert_true(d.has_dsn);
	assert_true(d.dsn == 0x0123456789abcdefull);
	assert_int_equal(d.command, 0);
	assert_false(d.is_vf);
	assert_false(d.findings & (1u << PG_FIND_CHAIN_MALFORMED));
}

/* Attribute text is parsed strictly: one spelling, bounded length. */
static void test_read_hostile(void **state)
{
	struct t *t = *state;
	struct pg_guard_dev d;
	static const char *const bad[] = { "8086\n", "0x80861\n", "0x\n", "0x80g6\n",
					   "0x8086 junk\n" };

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		umockdev_testbed_set_attribute(t->f.tb, t->nic, "vendor", bad[i]);
		assert_int_equal(pg_guard_sys_read(t->f.sys, NIC, &d), -EIO);
	}
	assert_int_equal(pg_guard_sys_read(t->f.sys, "0000:09:00.0", &d), -ENODEV);
	assert_int_equal(pg_guard_sys_read(t->f.sys, "05:00.0", &d), -EINVAL);
	assert_int_equal(pg_guard_sys_read(t->f.sys, "0000:05:00.0/..", &d), -EINVAL);
}

static void test_malformed_config(void **state)
{
	struct t *t = *state;
	char *dp = fs_device(&t->f, t->port, "0000:05:00.1", 0x1b36, 0x0001, 0xff0000,
			     "pci-stub", true);
	struct pg_guard_dev d;

	assert_int_equal(pg_guard_sys_read(t->f.sys, "0000:05:00.1", &d), 0);
	assert_true(d.findings & (1u << PG_FIND_CHAIN_MALFORMED));
	g_free(dp);
}

/* A VF's own config space reads Vendor/Device FFFFh while sysfs shows its PF's IDs. */
static void test_vf_by_config(void **state)
{
	struct t *t = *state;
	uint8_t cfg[4096];
	struct pg_guard_dev d;

	fs_config(cfg, 0xffff, 0xffff, 0x010802, false);
	umockdev_testbed_set_attribute_binary(t->f.tb, t->nic, "config", cfg, sizeof(cfg));
	assert_int_equal(pg_guard_sys_read(t->f.sys, NIC, &d), 0);
	assert_int_equal(d.vendor, 0x8086);
	assert_true(d.is_vf);
	fs_config(cfg, 0x8086, 0x10d3, 0x020000, false);
	umockdev_testbed_set_attribute_binary(t->f.tb, t->nic, "config", cfg, sizeof(cfg));
	assert_int_equal(pg_guard_sys_read(t->f.sys, NIC, &d), 0);
	assert_false(d.is_vf);
}

static void test_allow(void **state)
{
	struct t *t = *state;
	struct pg_guard_done done;
	struct pg_guard_dev d;

	assert_int_equal(pg_guard_sys_read(t->f.sys, NIC, &d), 0);
	/* The fake has no kernel: nothing binds, so the action reports -ENXIO after the writes
	 * (override, unbind, probe) and gives the device back to pci-stub (fail closed). */
	assert_int_equal(pg_guard_sys_act(t->f.sys, &d, PG_GUARD_ALLOW, "e1000e", &done), -ENXIO);
	assert_string_equal(fs_read(&t->f, "bus/pci/drivers/pci-stub/unbind"), NIC);
	assert_string_equal(fs_read(&t->f, "bus/pci/devices/" NIC "/driver_override"), "pci-stub");
	assert_string_equal(fs_read(&t->f, "bus/pci/drivers_probe"), NIC);
	assert_string_equal(done.driver, "pci-stub");
	assert_string_equal(done.how, "failed");
	/* The driver took it (as the kernel would): allowing again changes nothing. */
	fs_set_driver(&t->f, t->nic, "e1000e");
	fs_write(&t->f, "bus/pci/drivers_probe", "");
	assert_int_equal(pg_guard_sys_act(t->f.sys, &d, PG_GUARD_ALLOW, "e1000e", &done), 0);
	assert_string_equal(done.how, "already");
	assert_string_equal(fs_read(&t->f, "bus/pci/drivers_probe"), "");
	/* Quarantine takes it back through the same three files. */
	assert_int_equal(pg_guard_sys_act(t->f.sys, &d, PG_GUARD_QUARANTINE, NULL, &done), -ENXIO);
	assert_string_equal(fs_read(&t->f, "bus/pci/devices/" NIC "/driver_override"), "pci-stub");
	assert_string_equal(fs_read(&t->f, "bus/pci/drivers/e1000e/unbind"), NIC);
	/* Unknown driver, bad names, allow without a driver. */
	assert_int_equal(pg_guard_sys_act(t->f.sys, &d, PG_GUARD_ALLOW, "igb", &done), -ENOENT);
	assert_int_equal(pg_guard_sys_act(t->f.sys, &d, PG_GUARD_ALLOW, "../x", &done), -EINVAL);
	assert_int_equal(pg_guard_sys_act(t->f.sys, &d, PG_GUARD_ALLOW, NULL, &done), -EINVAL);
	assert_int_equal(pg_guard_sys_act(t->f.sys, &d, PG_GUARD_ASSIGN, NULL, &done), -ENOENT);
}

static void test_reject(void **state)
{
	struct t *t = *state;
	struct pg_guard_done done;
	struct pg_guard_dev d;

	assert_int_equal(pg_guard_sys_read(t->f.sys, NIC, &d), 0);
	assert_int_equal(pg_guard_sys_act(t->f.sys, &d, PG_GUARD_REJECT, NULL, &done), 0);
	assert_string_equal(done.how, "removed");
	assert_string_equal(fs_read(&t->f, "bus/pci/devices/" NIC "/remove"), "1");
	fs_slot(&t->f, "7", NIC);
	assert_int_equal(pg_guard_sys_read(t->f.sys, NIC, &d), 0);
	assert_int_equal(pg_guard_sys_act(t->f.sys, &d, PG_GUARD_REJECT, NULL, &done), 0);
	assert_string_equal(done.how, "slot-power-off");
	assert_string_equal(fs_read(&t->f, "bus/pci/slots/7/power"), "0");
}

/* Another device at the address by the time of the action: nothing is written. */
static void test_stale(void **state)
{
	struct t *t = *state;
	struct pg_guard_dev d;

	assert_int_equal(pg_guard_sys_read(t->f.sys, NIC, &d), 0);
	umockdev_testbed_set_attribute(t->f.tb, t->nic, "device", "0x1533\n");
	assert_int_equal(pg_guard_sys_act(t->f.sys, &d, PG_GUARD_ALLOW, "e1000e", NULL), -ESTALE);
	assert_string_equal(fs_read(&t->f, "bus/pci/devices/" NIC "/driver_override"), "(null)");
	assert_string_equal(fs_read(&t->f, "bus/pci/drivers_probe"), "");
}

static void write_modules(char *path, const char *text)
{
	FILE *f;

	strcpy(path, "/tmp/pg-guard-modules-XXXXXX");
	assert_true(mkstemp(path) >= 0);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void test_gate(void **state)
{
	struct t *t = *state;
	struct pg_guard_gate g;
	char mods[64];

	/* Newest first: e1000e was loaded before pci_stub, so it was registered first. */
	write_modules(mods, "nvme 49152 0 - Live 0x0\npci_stub 16384 0 - Live 0x0\n"
			    "e1000e 319488 0 - Live 0x0\n");
	assert_int_equal(pg_guard_gate_check(t->f.sys, mods, true, &g), -ENOTRECOVERABLE);
	assert_false(g.order_ok);
	assert_false(g.armed);
	assert_int_equal(g.nearly, 1);
	assert_string_equal(g.early[0], "e1000e/e1000e");
	assert_int_equal(g.nbuiltin, 1);
	assert_string_equal(g.builtin[0], "pcieport");
	assert_string_equal(fs_read(&t->f, "bus/pci/drivers/pci-stub/new_id"), ""); /* not armed */
	unlink(mods);
	/* Right order. A check writes only the probe ID (vendor FFFFh) and removes it again:
	 * the plain file took it, so not armed, and the catch-all was never written. */
	write_modules(mods, "e1000e 319488 0 - Live 0x0\nnvme 49152 0 - Live 0x0\n"
			    "pci_stub 16384 0 - Live 0x0\n");
	assert_int_equal(pg_guard_gate_check(t->f.sys, mods, false, &g), -EAGAIN);
	assert_true(g.order_ok);
	assert_false(g.armed);
	assert_string_equal(fs_read(&t->f, "bus/pci/drivers/pci-stub/new_id"), "ffff ffff");
	assert_string_equal(fs_read(&t->f, "bus/pci/drivers/pci-stub/remove_id"), "ffff ffff");
	/* Arming writes the catch-all; the plain file then takes the probe too: not the
	 * kernel (whose catch-all would match the probe and answer EEXIST), not armed. */
	fs_write(&t->f, "bus/pci/drivers/pci-stub/remove_id", "");
	assert_int_equal(pg_guard_gate_check(t->f.sys, mods, true, &g), -EPROTO);
	assert_false(g.armed);
	assert_non_null(strstr(g.why, "does not match"));
	assert_string_equal(fs_read(&t->f, "bus/pci/drivers/pci-stub/remove_id"), "ffff ffff");
	unlink(mods);
	assert_int_equal(pg_guard_gate_check(t->f.sys, "/nonexistent", true, &g), -ENOENT);
	assert_false(g.armed);
}

static void test_softdeps(void **state)
{
	char alias[64], *text = NULL;

	write_modules(alias, "alias pci:v00008086d000010D3sv*sd*bc*sc*i* e1000e\n"
			     "alias pci:v00008086d000010D4sv*sd*bc*sc*i* e1000e\n"
			     "alias usb:v1234p* usbthing\n"
			     "alias pci:v*d*sv*sd*bc01sc08i02* nvme\n"
			     "alias pci:v*d*sv*sd*bc*sc*i* pci_stub\n"
			     "alias pci:v*d* bad;name\n");
	assert_int_equal(pg_guard_softdeps(alias, &text), 0);
	assert_non_null(strstr(text, "\nsoftdep e1000e pre: pci-stub\nsoftdep nvme pre: "
				     "pci-stub\n"));
	assert_null(strstr(text, "usbthing"));
	assert_null(strstr(text, "softdep pci_stub"));
	assert_null(strstr(text, "bad;name"));
	free(text);
	unlink(alias);
	assert_int_equal(pg_guard_softdeps("/nonexistent", &text), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_read, setup, teardown),
		cmocka_unit_test_setup_teardown(test_read_hostile, setup, teardown),
		cmocka_unit_test_setup_teardown(test_malformed_config, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vf_by_config, setup, teardown),
		cmocka_unit_test_setup_teardown(test_allow, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reject, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stale, setup, teardown),
		cmocka_unit_test_setup_teardown(test_gate, setup, teardown),
		cmocka_unit_test_setup_teardown(test_softdeps, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
