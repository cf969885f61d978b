/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Text report: each section carries the values of the layout it renders (key substrings),
 * hostile strings cannot inject control characters, and bad arguments are refused.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include "cfgbuild.h"

struct fixture {
	struct pg_cfg_layout *layout;
	struct pg_inspect_result result;
	struct pg_report_dev dev;
};

static void fixture_build(struct fixture *f, struct cfgbuild *c)
{
	memset(f, 0, sizeof(*f));
	assert_int_equal(pg_cfg_parse(c->b, c->len, c->sizes.known ? &c->sizes : NULL,
				      &f->layout), 0);
	assert_int_equal(pg_inspect(f->layout, &f->result), 0);
	f->dev.source = "dump";
	f->dev.name = "tests/nvme.txt";
	f->dev.slot = "01:00.0";
	f->dev.layout = f->layout;
	f->dev.result = &f->result;
}

static char *render(const struct fixture *f)
{
	char *text = NULL;

	assert_int_equal(pg_report_text(&f->dev, &text), 0);
	assert_non_null(text);
	return text;
}

static void expect(const char *text, const char *needle)
{
	if (!text || !strstr(text, needle))
		fail_msg("report lacks \"%s\":\n%s", needle, text ? text : "(null)");
}

static void test_healthy(void **state)
{
	struct fixture f;
	struct cfgbuild c;
	char *text;
	(void)state;

	cb_nvme(&c);
	cb_w16(&c, 0x2c, 0x144d);
	cb_w16(&c, 0x2e, 0xa801);
	cb_size(&c, 0, 0x4000);
	fixture_build(&f, &c);
	f.dev.names.vendor = "Samsung Electronics Co Ltd";
	f.dev.names.device = "NVMe SSD Controller SM981/PM981/PM983";
	f.dev.names.class_name = "Non-Volatile memory controller";
	text = render(&f);
	static const char *const needles[] = {
		"tests/nvme.txt 01:00.0 (dump)\n",
		("  device     144d:a808 Samsung Electronics Co Ltd NVMe SSD Controller "
		 "SM981/PM981/PM983\n"),
		"  subsystem  144d:a801\n",
		"  class      010802 Non-Volatile memory controller\n",
		"  revision   0x01\n",
		"  header     type 0 (endpoint), single-function\n",
		"  command    0x0006\n",
		"  status     0x0010\n",
		"  config     4096 bytes\n",
		"    BAR0  mem64 addr=0xfe000000 size=16K (0x4000)\n",
		"    [040] Power Management (0x01)",
		"no_soft_reset=true",
		"    [050] MSI-X (0x11)",
		"table_size=33",           /* decimal field */
		"table_offset=0x2000",     /* hex field */
		"    [070] PCI Express (0x10)",
		"flr=true",
		"    [100] Advanced Error Reporting (ext 0x0001 v2)",
		"  diagnostics none\n",
		"    LOW msix-shared-page: MSI-X table (BAR0+0x2000)",
		"  worst      low\n",
	};
	for (size_t i = 0; i < sizeof(needles) / sizeof(needles[0]); i++)
		expect(text, needles[i]);
	assert_null(strstr(text, "BAR1")); /* the upper half of BAR0 is not a BAR */
	free(text);
	pg_cfg_free(f.layout);
}

/* A live device opened through vfio-pci: the topology lines carry the host's interrupt
 * remapping state, and the VFIO section what VFIO offers and the MSI-X decision. */
static void test_live_vfio(void **state)
{
	static const struct pg_topo_dev topo = {
		.bdf = "0000:00:04.0", .driver = "vfio-pci", .iommu_group = 3, .ngroup = 1,
		.group = { "0000:00:04.0" }, .has_reset_method = true, .reset_method = "flr",
		.irq_remap = PG_TOPO_IR_ON, .irq_remap_why = "IR- in /proc/interrupts",
	};
	static const struct pg_report_vfio vfio = {
		.info = { .group = 3, .reset = true, .irq_remap = true,
			  .irq_remap_why = "type1 accepted the group", .irq_count = { 1, 0, 65 },
			  .reset_method = "flr" },
		.msix_direct = false, .msix_why = "interrupt remapping is off",
	};
	static const char *const needles[] = {
		"  iommu      group 3, alone in it\n",
		"  driver     vfio-pci\n",
		"  irq remap  on (IR- in /proc/interrupts)\n",
		"VFIO:\n  IOMMU group:          3\n",
		("  reset:                VFIO_DEVICE_RESET offered (kernel order: flr), hot reset "
		 "not possible\n"),
		"  interrupt remapping:  on (type1 accepted the group)\n",
		"  interrupts:           INTx 1, MSI 0, MSI-X 65 vectors\n",
		"  MSI-X table:          trapped (interrupt remapping is off)\n",
	};
	struct fixture f;
	struct cfgbuild c;
	char *text;
	(void)state;

	cb_nvme(&c);
	fixture_build(&f, &c);
	f.dev.source = "vfio";
	f.dev.topology = &topo;
	f.dev.vfio = &vfio;
	text = render(&f);
	for (size_t i = 0; i < sizeof(needles) / sizeof(needles[0]); i++)
		expect(text, needles[i]);
	/* the VFIO section sits before the findings */
	assert_true(strstr(text, "VFIO:\n") < strstr(text, "  worst "));
	free(text);
	f.dev.vfio = NULL;
	text = render(&f);
	assert_null(strstr(text, "VFIO:"));
	free(text);
	pg_cfg_free(f.layout);
}

static void test_problems(void **state)
{
	struct fixture f;
	struct cfgbuild c;
	char *text;
	(void)state;

	/* A bridge with a looping chain and no sizes: diagnostics and findings sections. */
	cb_init(&c, 0x8086, 0x1901, 0x060400, 0x81, PG_CFG_EXT_LEN);
	cb_add_pcie(&c, 0x40, PG_PCIE_ROOT_PORT, false);
	cb_w8(&c, 0x41, 0x40);
	cb_bar32(&c, 0, 0xfd000000);
	fixture_build(&f, &c);
	f.dev.source = "sysfs";
	f.dev.name = "0000:00:1c.0";
	f.dev.slot = "0000:00:1c.0";
	text = render(&f);
	expect(text, "0000:00:1c.0 (sysfs)\n");      /* slot equal to name: once */
	expect(text, "  device     8086:1901\n");     /* no names: IDs only */
	expect(text, "  header     type 1 (bridge), multi-function\n");
	expect(text, "    BAR0  mem32 addr=0xfd000000 size=unknown\n");
	expect(text, "  diagnostics\n    [041] cap-loop: ");
	expect(text, "\n          PCIe port type: Root Port\n");
	expect(text, "    HIGH bridge: PCI-to-PCI bridge header");
	expect(text, "    HIGH cap-chain-malformed: cap-loop at 0x041");
	expect(text, "    MEDIUM no-acs: PCIe root port without ACS");
	/* Each finding is followed by what to do about it. */
	expect(text, "can bypass the IOMMU\n      fix: pass through only with its whole IOMMU "
		     "group, or use a slot behind an ACS-capable port\n");
	expect(text, "  worst      high\n");
	/* Findings are listed worst first. */
	assert_true(strstr(text, "HIGH cap-chain") < strstr(text, "MEDIUM no-acs"));
	free(text);
	pg_cfg_free(f.layout);
}

static void test_empty_and_hostile(void **state)
{
	struct fixture f;
	struct cfgbuild c;
	char *text;
	(void)state;

	cb_init(&c, 0x1234, 0x0001, 0xff0000, 0x00, PG_CFG_HDR_LEN);
	cb_pm(&c, 0x40, false); /* pointer beyond a 64-byte dump */
	fixture_build(&f, &c);
	f.dev.name = "evil\x1b[31m\nname";
	f.dev.slot = NULL;
	f.dev.names.vendor = "Vendor\twith\x7f" "controls";
	text = render(&f);
	expect(text, "evil?[31m?name (dump)\n");
	expect(text, "Vendor?with?controls");
	/* BARs reading 0 with no size: unknown, never "none" (unassigned looks the same). */
	expect(text, "    BAR0  unknown: reads 0, size unknown");
	expect(text, "  capabilities none\n");
	expect(text, "cap-ptr-past-end");
	expect(text, "MEDIUM cfg-short: cap-ptr-past-end at 0x034");
	assert_null(strchr(text, '\x1b'));
	assert_null(strchr(text, '\t'));
	free(text);
	pg_cfg_free(f.layout);

	cb_init(&c, 0x1234, 0x0001, 0x020000, 0x00, PG_CFG_EXT_LEN);
	cb_pm(&c, 0x40, false);
	fixture_build(&f, &c);
	text = render(&f);
	expect(text, "  findings   none\n  worst      none\n");
	free(text);
	pg_cfg_free(f.layout);
}

static void test_bad_args(void **state)
{
	struct fixture f;
	struct cfgbuild c;
	char *text = (char *)0x1;
	(void)state;

	cb_nvme(&c);
	fixture_build(&f, &c);
	assert_int_equal(pg_report_text(NULL, &text), -EINVAL);
	assert_int_equal(pg_report_text(&f.dev, NULL), -EINVAL);
	f.dev.layout = NULL;
	assert_int_equal(pg_report_text(&f.dev, &text), -EINVAL);
	f.dev.layout = f.layout;
	f.dev.result = NULL;
	assert_int_equal(pg_report_text(&f.dev, &text), -EINVAL);
	f.dev.result = &f.result;
	f.dev.name = NULL;
	assert_int_equal(pg_report_text(&f.dev, &text), -EINVAL);
	assert_ptr_equal(text, (char *)0x1); /* output untouched on failure */
	pg_cfg_free(f.layout);
}

/* The colour flag wraps only the severity words in SGR sequences (ECMA-48 §8.3.117):
 * red for HIGH, yellow for MEDIUM; without it no ESC byte appears at all, and apart
 * from the escapes the two texts are the same. */
static void test_color(void **state)
{
	struct fixture f;
	struct cfgbuild c;
	char *plain, *colored, *text = (char *)0x1;
	(void)state;

	cb_init(&c, 0x8086, 0x1901, 0x060400, 0x81, PG_CFG_EXT_LEN);
	cb_add_pcie(&c, 0x40, PG_PCIE_ROOT_PORT, false);
	fixture_build(&f, &c);
	assert_int_equal(pg_report_text_flags(&f.dev, 0, &plain), 0);
	assert_int_equal(pg_report_text_flags(&f.dev, PG_REPORT_COLOR, &colored), 0);
	assert_null(strchr(plain, '\033'));
	expect(plain, "    HIGH bridge: ");
	expect(colored, "    \033[1;31mHIGH\033[0m bridge: ");
	expect(colored, "    \033[33mMEDIUM\033[0m no-acs: ");
	/* Strip the escapes: what remains is the plain report. */
	for (char *e; (e = strchr(colored, '\033'));)
		memmove(e, e + strcspn(e, "m") + 1, strlen(e + strcspn(e, "m") + 1) + 1);
	assert_string_equal(colored, plain);
	free(plain);
	free(colored);
	assert_int_equal(pg_report_text_flags(&f.dev, 0x80, &text), -EINVAL);
	assert_ptr_equal(text, (char *)0x1);
	pg_cfg_free(f.layout);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_healthy),
		cmocka_unit_test(test_live_vfio),
		cmocka_unit_test(test_problems),
		cmocka_unit_test(test_empty_and_hostile),
		cmocka_unit_test(test_bad_args),
		cmocka_unit_test(test_color),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
