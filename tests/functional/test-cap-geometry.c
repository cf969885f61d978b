/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One truth for capability geometry (issue 7: a version-1 PCIe capability was 0x24 bytes
 * in one mediator file and 0x14 in another, MSI and MSI-X were re-decoded, and the test
 * oracle had a fourth copy). The cfg parser's length is the one the library uses; the
 * oracle's table in tests/common/cap-spec.h is written from the specifications. This
 * test compares the two on every capability of every corpus device ($PG_CORPUS, 316 dumps)
 * whose structure the oracle knows: the parser's length must be the specification's,
 * clamped to the bytes the device has (and then flagged truncated).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <pcigate/pcigate.h>

#include "cap-spec.h"
#include "runprog.h"

#define CORPUS_FILES 316u

struct tally {
	unsigned devices, compared, truncated, unknown;
};

static void check_device(const char *name, const struct pg_dump_dev *dev, struct tally *t)
{
	struct pg_cfg_layout *l = NULL;
	uint8_t snap[PG_CFG_EXT_LEN] = { 0 };
	unsigned len = dev->len > PG_CFG_EXT_LEN ? PG_CFG_EXT_LEN : dev->len;

	memcpy(snap, dev->cfg, len);
	assert_int_equal(pg_cfg_parse(snap, len, NULL, &l), 0);
	t->devices++;
	for (uint16_t i = 0; i < l->ncaps; i++) {
		const struct pg_cap *c = &l->caps[i];
		unsigned end = c->extended ? len : (len < 256 ? len : 256);
		bool exact;
		unsigned spec = go_spec_len(snap, len, c->extended, c->id, c->offset, &exact);
		unsigned want = c->offset + spec <= end ? spec : end - c->offset;

		if (!exact) {
			t->unknown++;
			continue;
		}
		if (c->len != want || c->truncated != (spec != want))
			fail_msg("%s: %s capability 0x%02x (%s) at 0x%03x: parser %u bytes%s, "
				 "specification %u (%u available)", name,
				 c->extended ? "extended" : "standard", c->id, c->name, c->offset,
				 c->len, c->truncated ? " (truncated)" : "", spec, end - c->offset);
		t->compared++;
		t->truncated += c->truncated;
	}
	pg_cfg_free(l);
}

static void test_geometry_agrees(void **state)
{
	const char *dir = getenv("PG_CORPUS");
	struct tally t = { 0, 0, 0, 0 };
	char **names = NULL;
	size_t n;

	(void)state;
	if (!dir)
		skip();
	n = rp_list_dir(dir, ".txt", 1024, &names);
	assert_int_equal(n, CORPUS_FILES);
	for (size_t i = 0; i < n; i++) {
		struct pg_dump_dev *devs = NULL;
		size_t nd = 0;
		char path[4096];

		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		assert_int_equal(pg_dump_read_file(path, &devs, &nd, NULL), 0);
		for (size_t d = 0; d < nd; d++)
			check_device(names[i], &devs[d], &t);
		free(devs);
	}
	rp_free_list(names, n);
	printf("# %u devices: %u capability lengths agree with the specification table "
	       "(%u clamped), %u not in the table\n", t.devices, t.compared, t.truncated,
	       t.unknown);
	assert_true(t.devices >= CORPUS_FILES);
	assert_true(t.compared > 800); /* 868 in the committed corpus */
}

/* The table itself, on hand-made headers (the cases the corpus may not hold). */
static void test_spec_table(void **state)
{
	static const struct {
		bool ext;
		uint16_t id, ctl;
		unsigned want;
	} cases[] = {
		{ false, PG_CAP_MSI, 0x0000, 0x0a }, { false, PG_CAP_MSI, 0x0080, 0x0e },
		{ false, PG_CAP_MSI, 0x0200, 0x0c }, { false, PG_CAP_MSI, 0x0280, 0x10 },
		{ false, PG_CAP_MSI, 0x0100, 0x14 }, { false, PG_CAP_MSI, 0x0380, 0x18 },
		{ false, PG_CAP_EXP, 0x0001, 0x14 }, { false, PG_CAP_EXP, 0x0041, 0x24 },
		{ false, PG_CAP_EXP, 0x0091, 0x0c }, { false, PG_CAP_EXP, 0x0161, 0x1c },
		{ false, PG_CAP_EXP, 0x0002, 0x3c }, { false, PG_CAP_EXP, 0x0092, 0x2c },
		{ false, PG_CAP_PM, 0, 8 }, { false, PG_CAP_MSIX, 0, 12 }, { false, PG_CAP_AF, 0, 6 },
	};
	uint8_t snap[PG_CFG_EXT_LEN] = { 0 };

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		bool exact = false;

		snap[0x42] = (uint8_t)cases[i].ctl;
		snap[0x43] = (uint8_t)(cases[i].ctl >> 8);
		assert_int_equal(go_spec_len(snap, 256, cases[i].ext, cases[i].id, 0x40, &exact),
				 cases[i].want);
		assert_true(exact);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spec_table),
		cmocka_unit_test(test_geometry_agrees),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
