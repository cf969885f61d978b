/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pci.ids names through libpci: a private ID file with known entries, the system pci.ids
 * when present, a missing file (NULL names, no error) and a corrupt one (NULL names, and
 * above all the process neither exits nor prints: libpci's fatal-error path is caught).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <cmocka.h>

#include "cfgbuild.h"

static const char ids_text[] =
	"# test pci.ids\n"
	"1234  Test Vendor\n"
	"\t5678  Test Device\n"
	"\t\t1af4 0001  Test Subsystem\n"
	"C 02  Network controller\n"
	"\t00  Ethernet controller\n";

static char *write_temp(const char *text)
{
	char tmpl[] = "/tmp/pg-test-ids-XXXXXX";
	int fd = mkstemp(tmpl);
	size_t n = strlen(text);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, n), (ssize_t)n);
	close(fd);
	return strdup(tmpl);
}

static struct pg_cfg_layout *layout_for(uint16_t ven, uint16_t dev, uint32_t cls,
					uint16_t sven, uint16_t sdev)
{
	struct cfgbuild c;
	struct pg_cfg_layout *l = NULL;

	cb_init(&c, ven, dev, cls, 0x00, PG_CFG_STD_LEN);
	cb_w16(&c, 0x2c, sven);
	cb_w16(&c, 0x2e, sdev);
	assert_int_equal(pg_cfg_parse(c.b, c.len, NULL, &l), 0);
	return l;
}

static void test_private_file(void **state)
{
	char *path = write_temp(ids_text);
	struct pg_names *names = NULL;
	struct pg_cfg_layout *l = layout_for(0x1234, 0x5678, 0x020000, 0x1af4, 0x0001);
	struct pg_dev_names n;
	(void)state;

	assert_int_equal(pg_names_open_file(path, &names), 0);
	pg_names_lookup(names, l, &n);
	assert_string_equal(n.vendor, "Test Vendor");
	assert_string_equal(n.device, "Test Device");
	assert_string_equal(n.subsystem, "Test Subsystem");
	assert_string_equal(n.class_name, "Ethernet controller");
	pg_cfg_free(l);

	/* Unknown IDs are NULL, not "Device 9999" (PCI_LOOKUP_NO_NUMBERS). */
	l = layout_for(0x9999, 0x0001, 0x0b4000, 0, 0);
	pg_names_lookup(names, l, &n);
	assert_null(n.vendor);
	assert_null(n.device);
	assert_null(n.subsystem);
	assert_null(n.class_name);
	pg_cfg_free(l);

	/* Known vendor, unknown device. */
	l = layout_for(0x1234, 0x0002, 0x020000, 0, 0);
	pg_names_lookup(names, l, &n);
	assert_string_equal(n.vendor, "Test Vendor");
	assert_null(n.device);
	pg_cfg_free(l);

	pg_names_close(names);
	unlink(path);
	free(path);
}

static void test_missing_file(void **state)
{
	struct pg_names *names = NULL;
	struct pg_cfg_layout *l = layout_for(0x8086, 0x100e, 0x020000, 0, 0);
	struct pg_dev_names n;
	(void)state;

	assert_int_equal(pg_names_open_file("/nonexistent/pcigate/pci.ids", &names), 0);
	memset(&n, 0x5a, sizeof(n));
	pg_names_lookup(names, l, &n);
	assert_null(n.vendor);
	assert_null(n.device);
	assert_null(n.subsystem);
	assert_null(n.class_name);
	pg_names_close(names);
	pg_cfg_free(l);
}

/* libpci calls its noreturn error() on a malformed line; ours must come back with NULL
 * names, again on later lookups, and the test process must still be running. */
static void test_corrupt_file(void **state)
{
	char *path = write_temp("1234  Fine Vendor\n\t\t\t\tdeeply nested garbage\n");
	struct pg_names *names = NULL;
	struct pg_cfg_layout *l = layout_for(0x1234, 0x0001, 0x020000, 0, 0);
	struct pg_dev_names n;
	(void)state;

	assert_int_equal(pg_names_open_file(path, &names), 0);
	for (int i = 0; i < 2; i++) {
		pg_names_lookup(names, l, &n);
		assert_null(n.vendor);
		assert_null(n.device);
		assert_null(n.class_name);
	}
	pg_names_close(names);
	pg_cfg_free(l);
	unlink(path);
	free(path);
}

static void test_null_args(void **state)
{
	struct pg_names *names = NULL;
	struct pg_cfg_layout *l = layout_for(0x8086, 0x100e, 0x020000, 0, 0);
	struct pg_dev_names n;
	(void)state;

	memset(&n, 0x5a, sizeof(n));
	pg_names_lookup(NULL, l, &n);
	assert_null(n.vendor);
	assert_null(n.class_name);
	assert_int_equal(pg_names_open(&names), 0);
	memset(&n, 0x5a, sizeof(n));
	pg_names_lookup(names, NULL, &n);
	assert_null(n.vendor);
	pg_names_lookup(names, l, NULL); /* nothing to write: must not crash */
	pg_names_close(names);
	pg_names_close(NULL);
	assert_int_equal(pg_names_open(NULL), -EINVAL);
	assert_int_equal(pg_names_open_file(NULL, &names), -EINVAL);
	assert_int_equal(pg_names_open_file("/x", NULL), -EINVAL);
	pg_cfg_free(l);
}

/* The system pci.ids, when installed: a long-standing entry resolves. */
static void test_system_ids(void **state)
{
	static const char *const paths[] = { "/usr/share/misc/pci.ids",
					     "/usr/share/hwdata/pci.ids", "/usr/share/pci.ids" };
	struct pg_names *names = NULL;
	struct pg_cfg_layout *l;
	struct pg_dev_names n;
	bool have = false;
	(void)state;

	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
		have |= access(paths[i], R_OK) == 0;
	if (!have)
		skip();
	l = layout_for(0x8086, 0x100e, 0x020000, 0, 0);
	assert_int_equal(pg_names_open(&names), 0);
	pg_names_lookup(names, l, &n);
	if (!n.vendor) {
		pg_names_close(names); /* libpci built with another default path */
		pg_cfg_free(l);
		skip();
	}
	assert_string_equal(n.vendor, "Intel Corporation");
	assert_non_null(n.device);
	assert_non_null(strstr(n.device, "82540EM"));
	assert_string_equal(n.class_name, "Ethernet controller");
	pg_names_close(names);
	pg_cfg_free(l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_private_file),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_corrupt_file),
		cmocka_unit_test(test_null_args),
		cmocka_unit_test(test_system_ids),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
