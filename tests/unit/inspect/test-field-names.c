/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Names of coded capability fields in the text report. The expected names are written
 * from the specifications (PCIe r5.0 §7.5.3.2 Device/Port Type, §7.5.3.6 link speeds),
 * not from the tables under test; a value no table defines prints "unknown (0xN)".
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include "cfgbuild.h"
#include "inspect/inspect-private.h"

static const struct pg_coded_field *find(bool ext, uint16_t id, const char *field)
{
	struct pg_cap cap = { .extended = ext, .id = id };
	struct pg_field f = { .name = field };
	const struct pg_coded_field *cf = pg_inspect_coded_field(&cap, &f);

	if (!cf)
		fail_msg("no names for %s", field);
	return cf;
}

/* Every Device/Port Type PCIe r5.0 §7.5.3.2 defines, and the reserved ones around them. */
static void test_port_types(void **state)
{
	static const struct { uint64_t v; const char *name; } rows[] = {
		{ 0x0, "Endpoint" },
		{ 0x1, "Legacy Endpoint" },
		{ 0x2, "unknown (0x2)" },
		{ 0x3, "unknown (0x3)" },
		{ 0x4, "Root Port" },
		{ 0x5, "Upstream Switch Port" },
		{ 0x6, "Downstream Switch Port" },
		{ 0x7, "PCIe-to-PCI bridge" },
		{ 0x8, "PCI-to-PCIe bridge" },
		{ 0x9, "RCiEP" },
		{ 0xa, "Root Complex Event Collector" },
		{ 0xb, "unknown (0xb)" },
		{ 0xf, "unknown (0xf)" },
	};
	const struct pg_coded_field *cf = find(false, PG_CAP_EXP, "port_type");
	char buf[32];
	(void)state;

	assert_string_equal(cf->label, "PCIe port type");
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		assert_string_equal(pg_inspect_code_name(cf, NULL, rows[i].v, buf, sizeof(buf)),
				    rows[i].name);
}

static void test_link_speeds(void **state)
{
	static const struct { uint64_t v; const char *name; } rows[] = {
		{ 0, "unknown (0x0)" }, { 1, "2.5 GT/s" }, { 2, "5.0 GT/s" }, { 3, "8.0 GT/s" },
		{ 4, "16.0 GT/s" }, { 5, "32.0 GT/s" }, { 6, "64.0 GT/s" }, { 7, "unknown (0x7)" },
	};
	const struct pg_coded_field *cf = find(false, PG_CAP_EXP, "link_speed");
	char buf[32];
	(void)state;

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		assert_string_equal(pg_inspect_code_name(cf, NULL, rows[i].v, buf, sizeof(buf)),
				    rows[i].name);
}

/* The First Error Pointer names an error only while that error's status bit is set
 * (PCIe r5.0 §7.8.4.7); bit 14 of Uncorrectable Error Status is Completion Timeout. */
static void test_aer_first_error(void **state)
{
	const struct pg_coded_field *cf = find(true, PG_ECAP_AER, "first_error");
	struct pg_cap cap = { .extended = true, .id = PG_ECAP_AER };
	char buf[32];
	(void)state;

	cap.info.aer.uncor_status = 1u << 14;
	assert_string_equal(pg_inspect_code_name(cf, &cap, 14, buf, sizeof(buf)),
			    "Completion Timeout");
	assert_string_equal(pg_inspect_code_name(cf, &cap, 12, buf, sizeof(buf)), "none logged");
	cap.info.aer.uncor_status = 0;
	assert_string_equal(pg_inspect_code_name(cf, &cap, 0, buf, sizeof(buf)), "none logged");
	cap.info.aer.uncor_status = 1u << 31;
	assert_string_equal(pg_inspect_code_name(cf, &cap, 31, buf, sizeof(buf)),
			    "unknown (0x1f)");
}

/* Every table: each row's value gives its own name, and a value past every row (none of
 * the fields is wider than 8 bits) gives "unknown (0xN)", never another row's name. */
static void test_every_table(void **state)
{
	size_t n = 0;
	const struct pg_coded_field *all = pg_inspect_coded_fields(&n);
	char buf[32];
	(void)state;

	assert_true(n >= 9);
	for (size_t i = 0; i < n; i++) {
		const struct pg_coded_field *cf = &all[i];

		assert_true(cf->nnames > 0);
		assert_non_null(cf->label);
		assert_ptr_equal(find(cf->extended, cf->cap_id, cf->field), cf);
		for (size_t j = 0; j < cf->nnames; j++)
			assert_string_equal(pg_inspect_code_name(cf, NULL, cf->names[j].value, buf,
								 sizeof(buf)), cf->names[j].name);
		assert_string_equal(pg_inspect_code_name(cf, NULL, 0x100, buf, sizeof(buf)),
				    "unknown (0x100)");
	}
}

/* The text report prints the names, the JSON report keeps the code. */
static void test_report(void **state)
{
	struct pg_cfg_layout *l = NULL;
	struct pg_inspect_result r;
	struct pg_report_dev dev = { .source = "dump", .name = "x" };
	struct cfgbuild c;
	char *text = NULL, *json = NULL;
	const char *p;
	(void)state;

	cb_init(&c, 0x8086, 0x1234, 0x020000, 0x00, PG_CFG_STD_LEN);
	cb_add_pcie(&c, 0x40, PG_PCIE_LEGACY_ENDPOINT, true);
	assert_int_equal(pg_cfg_parse(c.b, c.len, NULL, &l), 0);
	assert_int_equal(pg_inspect(l, &r), 0);
	dev.layout = l;
	dev.result = &r;
	assert_int_equal(pg_report_text(&dev, &text), 0);
	assert_non_null(strstr(text, "\n          PCIe port type: Legacy Endpoint\n"));
	assert_null(strstr(text, "port_type="));
	assert_int_equal(pg_report_json(&dev, 1, &json), 0);
	p = strstr(json, "\"port_type\"");
	assert_non_null(p);
	p += strlen("\"port_type\"");
	p += strspn(p, ": ");
	assert_true(p[0] == '1' && (p[1] == ',' || p[1] == ' ' || p[1] == '}'));
	free(text);
	free(json);
	pg_cfg_free(l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_port_types),
		cmocka_unit_test(test_link_speeds),
		cmocka_unit_test(test_aer_first_error),
		cmocka_unit_test(test_every_table),
		cmocka_unit_test(test_report),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
