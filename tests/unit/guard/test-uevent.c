/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Kernel uevent validation (src/lib/guard/uevent.c). Messages are built the way
 * lib/kobject_uevent.c sends them ("ACTION@DEVPATH" then KEY=VALUE, each NUL-terminated)
 * with the fields pci_uevent() adds; each row then breaks one rule.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <pcigate/guard.h>

#define DP "/devices/pci0000:00/0000:00:1c.0/0000:05:00.0"

/* Join fields (NULL-terminated list) with NULs; returns the length. */
static size_t msg(char *buf, size_t size, const char *const *f)
{
	size_t n = 0;

	for (; *f; f++) {
		size_t l = strlen(*f) + 1;

		assert_true(n + l <= size);
		memcpy(buf + n, *f, l);
		n += l;
	}
	return n;
}

static void test_kernel_add(void **state)
{
	const char *f[] = { "add@" DP, "ACTION=add", "DEVPATH=" DP, "SUBSYSTEM=pci",
			    "PCI_CLASS=20000", "PCI_ID=8086:10D3", "PCI_SUBSYS_ID=8086:0000",
			    "PCI_SLOT_NAME=0000:05:00.0", "MODALIAS=pci:v00008086d000010D3sv",
			    "SEQNUM=1234", NULL };
	char buf[1024];
	struct pg_guard_uevent ev;
	size_t n = msg(buf, sizeof(buf), f);

	assert_int_equal(pg_guard_uevent_parse(buf, n, &ev), 0);
	assert_int_equal(ev.action, PG_UEV_ADD);
	assert_string_equal(ev.bdf, "0000:05:00.0");
	assert_string_equal(ev.devpath, DP);
	assert_true(ev.has_ids && ev.vendor == 0x8086 && ev.device == 0x10d3);
	assert_true(ev.has_class && ev.class_code == 0x020000);
	assert_true(ev.seqnum == 1234);
	assert_string_equal(ev.driver, "");
}

static void test_bind(void **state)
{
	const char *f[] = { "bind@" DP, "ACTION=bind", "DEVPATH=" DP, "SUBSYSTEM=pci",
			    "DRIVER=pci-stub", "PCI_CLASS=C0330", "PCI_SLOT_NAME=0000:05:00.0",
			    NULL };
	char buf[1024];
	struct pg_guard_uevent ev;

	assert_int_equal(pg_guard_uevent_parse(buf, msg(buf, sizeof(buf), f), &ev), 0);
	assert_int_equal(ev.action, PG_UEV_BIND);
	assert_string_equal(ev.driver, "pci-stub");
	assert_int_equal(ev.class_code, 0x0c0330);
}

struct bad {
	const char *why;
	int rc;
	const char *f[8];
};

#define OK_TAIL "DEVPATH=" DP, "SUBSYSTEM=pci", "PCI_SLOT_NAME=0000:05:00.0"
static const struct bad bads[] = {
	{ "libudev header", -EINVAL, { "libudev", "ACTION=add", OK_TAIL } },
	{ "header action differs", -EINVAL, { "remove@" DP, "ACTION=add", OK_TAIL } },
	{ "header devpath differs", -EINVAL,
	  { "add@/devices/pci0000:00/0000:05:00.0", "ACTION=add", OK_TAIL } },
	{ "unknown action", -EINVAL, { "eject@" DP, "ACTION=eject", OK_TAIL } },
	{ "ACTION twice", -EINVAL, { "add@" DP, "ACTION=add", "ACTION=add", OK_TAIL } },
	{ "no SUBSYSTEM", -EINVAL, { "add@" DP, "ACTION=add", "DEVPATH=" DP,
				     "PCI_SLOT_NAME=0000:05:00.0" } },
	{ "slot is not the devpath's device", -EINVAL,
	  { "add@" DP, "ACTION=add", "DEVPATH=" DP, "SUBSYSTEM=pci",
	    "PCI_SLOT_NAME=0000:06:00.0" } },
	{ "slot not canonical", -EINVAL,
	  { "add@" DP, "ACTION=add", "DEVPATH=" DP, "SUBSYSTEM=pci", "PCI_SLOT_NAME=05:00.0" } },
	{ "devpath with ..", -EINVAL,
	  { "add@/devices/../0000:05:00.0", "ACTION=add", "DEVPATH=/devices/../0000:05:00.0",
	    "SUBSYSTEM=pci", "PCI_SLOT_NAME=0000:05:00.0" } },
	{ "devpath outside /devices", -EINVAL,
	  { "add@/class/0000:05:00.0", "ACTION=add", "DEVPATH=/class/0000:05:00.0",
	    "SUBSYSTEM=pci", "PCI_SLOT_NAME=0000:05:00.0" } },
	{ "control character", -EINVAL, { "add@" DP, "ACTION=add", OK_TAIL, "X=a\tb" } },
	{ "lower-case key", -EINVAL, { "add@" DP, "ACTION=add", OK_TAIL, "driver=x" } },
	{ "no '='", -EINVAL, { "add@" DP, "ACTION=add", OK_TAIL, "JUNK" } },
	{ "driver with a slash", -EINVAL, { "bind@" DP, "ACTION=bind", OK_TAIL, "DRIVER=a/b" } },
	{ "short PCI_ID", -EINVAL, { "add@" DP, "ACTION=add", OK_TAIL, "PCI_ID=8086:10D" } },
	{ "class with leading zero", -EINVAL, { "add@" DP, "ACTION=add", OK_TAIL,
						"PCI_CLASS=020000" } },
	{ "class too long", -EINVAL, { "add@" DP, "ACTION=add", OK_TAIL, "PCI_CLASS=1234567" } },
	{ "seqnum with leading zero", -EINVAL, { "add@" DP, "ACTION=add", OK_TAIL,
						 "SEQNUM=01" } },
	{ "another subsystem", -ENOENT,
	  { "add@" DP, "ACTION=add", "DEVPATH=" DP, "SUBSYSTEM=usb" } },
};

static void test_bad(void **state)
{
	for (size_t i = 0; i < sizeof(bads) / sizeof(bads[0]); i++) {
		char buf[1024];
		struct pg_guard_uevent ev;
		size_t n = msg(buf, sizeof(buf), bads[i].f);
		int rc = pg_guard_uevent_parse(buf, n, &ev);

		if (rc != bads[i].rc)
			fail_msg("%s: got %d, want %d", bads[i].why, rc, bads[i].rc);
	}
}

static void test_framing(void **state)
{
	const char *f[] = { "add@" DP, "ACTION=add", OK_TAIL, NULL };
	char buf[PG_GUARD_MAX_UEVENT + 16];
	struct pg_guard_uevent ev;
	size_t n = msg(buf, sizeof(buf), f);

	/* the last field must be NUL-terminated */
	assert_int_equal(pg_guard_uevent_parse(buf, n - 1, &ev), -EINVAL);
	assert_int_equal(pg_guard_uevent_parse(buf, 0, &ev), -EINVAL);
	assert_int_equal(pg_guard_uevent_parse(buf, PG_GUARD_MAX_UEVENT + 1, &ev), -E2BIG);
	/* more than 64 fields */
	for (unsigned i = 0; i < 70; i++)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "K%u=v", i) + 1;
	assert_int_equal(pg_guard_uevent_parse(buf, n, &ev), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kernel_add), cmocka_unit_test(test_bind),
		cmocka_unit_test(test_bad), cmocka_unit_test(test_framing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
