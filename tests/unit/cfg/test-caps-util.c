/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "test-caps-util.h"

#define STATUS_CAP_LIST 0x0010u

void tc_w8(struct tcfg *t, uint32_t off, uint8_t v)
{
	assert_true(off < PG_CFG_EXT_LEN);
	t->b[off] = v;
}

void tc_w16(struct tcfg *t, uint32_t off, uint16_t v)
{
	tc_w8(t, off, (uint8_t)v);
	tc_w8(t, off + 1, (uint8_t)(v >> 8));
}

void tc_w32(struct tcfg *t, uint32_t off, uint32_t v)
{
	tc_w16(t, off, (uint16_t)v);
	tc_w16(t, off + 2, (uint16_t)(v >> 16));
}

void tc_init(struct tcfg *t, uint8_t hdr_type)
{
	memset(t, 0, sizeof(*t));
	tc_w16(t, 0x00, 0x1234);
	tc_w16(t, 0x02, 0x5678);
	tc_w16(t, 0x06, STATUS_CAP_LIST);
	tc_w8(t, 0x0e, hdr_type);
	t->std_link = 0x34;
}

void tc_bar(struct tcfg *t, unsigned i, uint32_t v)
{
	assert_true(i < 6);
	tc_w32(t, 0x10 + 4 * i, v);
}

uint16_t tc_std(struct tcfg *t, uint8_t off, uint8_t id)
{
	tc_w8(t, off, id);
	tc_w8(t, off + 1u, 0);
	tc_w8(t, t->std_link, off);
	t->std_link = (uint16_t)(off + 1u);
	return off;
}

uint16_t tc_ext(struct tcfg *t, uint16_t off, uint16_t id, uint8_t version)
{
	assert_true(t->ext_last || off == 0x100);
	tc_w32(t, off, (uint32_t)id | (uint32_t)(version & 0xfu) << 16);
	if (t->ext_last) {
		uint32_t prev = (uint32_t)t->b[t->ext_last] | (uint32_t)t->b[t->ext_last + 1] << 8 |
				(uint32_t)t->b[t->ext_last + 2] << 16;

		tc_w32(t, t->ext_last, prev | (uint32_t)off << 20);
	}
	t->ext_last = off;
	return off;
}

uint16_t tc_pcie(struct tcfg *t, uint8_t off, uint8_t port_type, uint8_t width,
		 uint32_t devcap2)
{
	tc_std(t, off, PG_CAP_EXP);
	tc_w16(t, off + 0x02u, (uint16_t)(0x0002u | (uint16_t)(port_type & 0xfu) << 4));
	tc_w32(t, off + 0x0cu, 0x3u | (uint32_t)(width & 0x3fu) << 4);
	tc_w32(t, off + 0x24u, devcap2);
	return off;
}

void tc_apply(struct tcfg *t, uint16_t off, const struct tc_write *w)
{
	for (unsigned i = 0; i < TC_MAX_WRITES && w[i].size; i++) {
		switch (w[i].size) {
		case 1:
			tc_w8(t, (uint32_t)off + w[i].rel, (uint8_t)w[i].val);
			break;
		case 2:
			tc_w16(t, (uint32_t)off + w[i].rel, (uint16_t)w[i].val);
			break;
		default:
			tc_w32(t, (uint32_t)off + w[i].rel, w[i].val);
			break;
		}
	}
}

const struct pg_cfg_layout *tc_parse(const struct tcfg *t, size_t len,
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
