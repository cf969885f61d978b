/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "test-caps-util.h"

#define STATUS_CAP_LIST 0x0010u

void tc_init(struct cfgbuild *t, uint8_t hdr_type)
{
	cb_header(t, 0x1234, 0x5678, 0, hdr_type, 0);
	cb_w16(t, 0x06, STATUS_CAP_LIST);
}

void tc_bar(struct cfgbuild *t, unsigned i, uint32_t v)
{
	assert_true(i < 6);
	cb_w32(t, 0x10 + 4 * i, v);
}

uint16_t tc_pcie(struct cfgbuild *t, uint8_t off, uint8_t port_type, uint8_t width,
		 uint32_t devcap2)
{
	cb_add_cap(t, off, PG_CAP_EXP);
	cb_w16(t, off + 0x02u, (uint16_t)(0x0002u | (uint16_t)(port_type & 0xfu) << 4));
	cb_w32(t, off + 0x0cu, 0x3u | (uint32_t)(width & 0x3fu) << 4);
	cb_w32(t, off + 0x24u, devcap2);
	return off;
}

void tc_apply(struct cfgbuild *t, uint16_t off, const struct tc_write *w)
{
	for (unsigned i = 0; i < TC_MAX_WRITES && w[i].size; i++) {
		switch (w[i].size) {
		case 1:
			cb_w8(t, (uint32_t)off + w[i].rel, (uint8_t)w[i].val);
			break;
		case 2:
			cb_w16(t, (uint32_t)off + w[i].rel, (uint16_t)w[i].val);
			break;
		default:
			cb_w32(t, (uint32_t)off + w[i].rel, w[i].val);
			break;
		}
	}
}

const struct pg_cfg_layout *tc_parse(const struct cfgbuild *t, size_t len,
				     const struct pg_cfg_bar_sizes *sizes)
{
	static struct pg_cfg_layout layout;

	assert_int_equal(pg_cfg_parse_into(t->b, len, sizes, &layout), 0);
	return &layout;
}

const struct pg_cap *tc_cap_at(const struct pg_cfg_layout *l, bool ext, uint16_t off)
{
	for (uint16_t i = 0; i < l->ncaps; i++)
		if (l->caps[i].extended == ext && l->caps[i].offset == off)
			return &l->caps[i];
	print_error("no %s capability at 0x%03x\n", ext ? "extended" : "standard", off);
	tc_dump_diags(l);
	fail();
	return NULL;
}

unsigned tc_ndiag(const struct pg_cfg_layout *l, enum pg_diag_code code, const char *substr)
{
	unsigned n = 0;

	for (uint16_t i = 0; i < l->ndiags; i++)
		if (l->diags[i].code == code && (!substr || strstr(l->diags[i].detail, substr)))
			n++;
	return n;
}

uint64_t tc_field(const struct pg_cap *cap, const char *key)
{
	size_t n = 0;
	const struct pg_field *f = pg_cap_fields(cap, &n);

	for (size_t i = 0; f && i < n; i++)
		if (!strcmp(f[i].name, key))
			return pg_field_get(cap, &f[i]);
	print_error("%s has no field '%s'\n", cap->name, key);
	fail();
	return 0;
}

void tc_dump_diags(const struct pg_cfg_layout *l)
{
	for (uint16_t i = 0; i < l->ndiags; i++)
		print_message("  diag %s @0x%03x: %s\n", pg_diag_name(l->diags[i].code),
			      l->diags[i].offset, l->diags[i].detail);
}
