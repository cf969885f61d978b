/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The capability registry as data: every row is consistent with its index, every fields
 * table has stable, unique snake_case keys that lie inside union pg_cap_info, every field
 * of every decoded capability resolves through pg_field_get(), names are stable, and the
 * unique flags match what the spec allows to repeat.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "cfg/caps/caps-private.h"
#include "test-caps-util.h"

static size_t field_size(enum pg_field_type t)
{
	switch (t) {
	case PG_FIELD_BOOL:
		return sizeof(bool);
	case PG_FIELD_U8:
		return 1;
	case PG_FIELD_U16:
		return 2;
	case PG_FIELD_U32:
		return 4;
	case PG_FIELD_U64:
		return 8;
	}
	return 0;
}

static bool snake_case(const char *s)
{
	if (!s || !*s || !(*s >= 'a' && *s <= 'z'))
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_'))
			return false;
	return true;
}

static void check_fields(const struct pg_cap_ops *ops)
{
	for (size_t i = 0; i < ops->nfields; i++) {
		const struct pg_field *f = &ops->fields[i];

		if (!snake_case(f->name))
			print_error("%s field %zu: bad key '%s'\n", ops->name, i,
				    f->name ? f->name : "(null)");
		assert_true(snake_case(f->name));
		assert_true(field_size(f->type) > 0);
		assert_true(f->offset + field_size(f->type) <= sizeof(union pg_cap_info));
		assert_int_equal(f->offset % field_size(f->type), 0);
		for (size_t j = 0; j < i; j++)
			assert_string_not_equal(f->name, ops->fields[j].name);
	}
}

static void test_rows(void **state)
{
	unsigned rows = 0, decoded = 0;

	(void)state;
	for (int ext = 0; ext < 2; ext++) {
		for (uint32_t id = 0; id <= 0xffff; id++) {
			const struct pg_cap_ops *ops = pg_cap_ops_find(ext, (uint16_t)id);

			if (!ops) {
				assert_string_equal(pg_cap_name(ext, (uint16_t)id), "Unknown");
				continue;
			}
			rows++;
			assert_int_equal(ops->id, id);
			assert_int_equal(ops->extended, ext);
			assert_non_null(ops->name);
			assert_string_equal(pg_cap_name(ext, (uint16_t)id), ops->name);
			/* A length rule is a fixed length or a function, never both. */
			assert_false(ops->length && ops->fixed_len);
			assert_true(ops->fixed_len <= PG_CFG_EXT_LEN);
			/* decoders come with fields and fields with a decoder */
			assert_int_equal(ops->decode != NULL, ops->fields != NULL);
			assert_int_equal(ops->fields != NULL, ops->nfields > 0);
			if (ops->decode) {
				decoded++;
				assert_true(ops->length || ops->fixed_len);
				check_fields(ops);
			}
		}
	}
	assert_int_equal(rows, 22 + 53);
	assert_int_equal(decoded, 8 + 17);
}

static void test_names_stable(void **state)
{
	static const struct {
		bool ext;
		uint16_t id;
		const char *name;
	} names[] = {
		{ false, PG_CAP_PM, "Power Management" },
		{ false, PG_CAP_MSI, "MSI" },
		{ false, PG_CAP_EXP, "PCI Express" },
		{ false, PG_CAP_MSIX, "MSI-X" },
		{ false, PG_CAP_VNDR, "Vendor Specific" },
		{ true, PG_ECAP_AER, "Advanced Error Reporting" },
		{ true, PG_ECAP_SRIOV, "Single Root I/O Virtualization" },
		{ true, PG_ECAP_DVSEC, "Designated Vendor-Specific" },
		{ true, PG_ECAP_FLIT_ERR, "Flit Error Injection" },
		{ false, 0x16, "Unknown" },
		{ true, 0x35, "Unknown" },
		{ true, 0xffff, "Unknown" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		assert_string_equal(pg_cap_name(names[i].ext, names[i].id), names[i].name);
}

static void test_unique_flags(void **state)
{
	static const uint16_t std_unique[] = { PG_CAP_PM, PG_CAP_MSI, PG_CAP_MSIX, PG_CAP_EXP,
					       PG_CAP_AF, PG_CAP_PCIX };
	static const uint16_t ext_unique[] = { PG_ECAP_AER, PG_ECAP_ACS, PG_ECAP_ARI,
					       PG_ECAP_ATS, PG_ECAP_PRI, PG_ECAP_PASID,
					       PG_ECAP_SRIOV, PG_ECAP_REBAR, PG_ECAP_DPC,
					       PG_ECAP_LTR, PG_ECAP_L1SS, PG_ECAP_DSN,
					       PG_ECAP_PTM };

	(void)state;
	for (size_t i = 0; i < sizeof(std_unique) / sizeof(std_unique[0]); i++)
		assert_true(pg_cap_ops_find(false, std_unique[i])->unique);
	for (size_t i = 0; i < sizeof(ext_unique) / sizeof(ext_unique[0]); i++)
		assert_true(pg_cap_ops_find(true, ext_unique[i])->unique);
	assert_false(pg_cap_ops_find(false, PG_CAP_VNDR)->unique);
	assert_false(pg_cap_ops_find(false, PG_CAP_HT)->unique);
	assert_false(pg_cap_ops_find(true, PG_ECAP_VNDR)->unique);
	assert_false(pg_cap_ops_find(true, PG_ECAP_DVSEC)->unique);
	assert_false(pg_cap_ops_find(true, PG_ECAP_DOE)->unique);
}

/* Every decoded capability in one config space: each fields entry resolves, and its value
 * is the member it names (read by type), so offsets and types agree with cfg.h. */
static void test_every_field_resolves(void **state)
{
	static const uint8_t std_ids[] = { PG_CAP_PM, PG_CAP_MSI, PG_CAP_MSIX, PG_CAP_AF,
					   PG_CAP_VPD, PG_CAP_VNDR, PG_CAP_PCIX };
	static const uint16_t ext_ids[] = {
		PG_ECAP_AER, PG_ECAP_DSN, PG_ECAP_VNDR, PG_ECAP_ACS, PG_ECAP_ARI, PG_ECAP_ATS,
		PG_ECAP_SRIOV, PG_ECAP_PRI, PG_ECAP_REBAR, PG_ECAP_LTR, PG_ECAP_PASID,
		PG_ECAP_DPC, PG_ECAP_L1SS, PG_ECAP_PTM, PG_ECAP_DVSEC, PG_ECAP_VF_REBAR,
		PG_ECAP_DOE,
	};
	struct cfgbuild t;
	const struct pg_cfg_layout *l;
	unsigned ndecoded = 0;

	(void)state;
	tc_init(&t, 0);
	/* every register byte 0xa5: all fields non-trivial, then the chains on top */
	memset(t.b + 0x40, 0xa5, sizeof(t.b) - 0x40);
	t.b[0x34] = 0;
	tc_pcie(&t, 0x40, PG_PCIE_ENDPOINT, 4, 0);
	for (size_t i = 0; i < sizeof(std_ids); i++)
		cb_add_cap(&t, (uint8_t)(0x80u + 0x14u * i), std_ids[i]);
	for (size_t i = 0; i < sizeof(ext_ids) / sizeof(ext_ids[0]); i++)
		cb_add_ecap(&t, (uint16_t)(0x100u + 0x80u * i), ext_ids[i], 1);
	l = tc_parse(&t, PG_CFG_EXT_LEN, NULL);
	assert_int_equal(l->ncaps, 1 + sizeof(std_ids) + sizeof(ext_ids) / sizeof(ext_ids[0]));
	for (uint16_t i = 0; i < l->ncaps; i++) {
		const struct pg_cap *c = &l->caps[i];
		size_t n = 0;
		const struct pg_field *f = pg_cap_fields(c, &n);
		uint64_t any = 0;

		assert_true(c->decoded);
		assert_non_null(f);
		ndecoded++;
		for (size_t k = 0; k < n; k++) {
			const uint8_t *p = (const uint8_t *)&c->info + f[k].offset;
			uint64_t v = pg_field_get(c, &f[k]), want = 0;

			memcpy(&want, p, field_size(f[k].type)); /* little-endian host */
			if (f[k].type == PG_FIELD_BOOL)
				assert_true(v <= 1);
			assert_int_equal(v, want);
			any |= v;
		}
		if (!any)
			print_error("%s at 0x%03x: every field is 0\n", c->name, c->offset);
		assert_true(any != 0);
	}
	assert_int_equal(ndecoded, l->ncaps);
}

static void test_fields_undecoded(void **state)
{
	struct cfgbuild t;
	const struct pg_cfg_layout *l;
	size_t n = 99;

	(void)state;
	tc_init(&t, 0);
	cb_add_cap(&t, 0x40, PG_CAP_HT);   /* sized, not decoded */
	cb_add_cap(&t, 0x60, 0x30);        /* unknown */
	l = tc_parse(&t, PG_CFG_STD_LEN, NULL);
	assert_false(tc_cap_at(l, false, 0x40)->decoded);
	assert_null(pg_cap_fields(tc_cap_at(l, false, 0x40), &n));
	assert_int_equal(n, 0);
	n = 99;
	assert_null(pg_cap_fields(tc_cap_at(l, false, 0x60), &n));
	assert_int_equal(n, 0);
	assert_string_equal(tc_cap_at(l, false, 0x60)->name, "Unknown");
	assert_null(pg_cap_fields(NULL, &n));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows),
		cmocka_unit_test(test_names_stable),
		cmocka_unit_test(test_unique_flags),
		cmocka_unit_test(test_every_field_resolves),
		cmocka_unit_test(test_fields_undecoded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
