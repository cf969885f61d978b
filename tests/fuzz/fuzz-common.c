/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Layout invariants shared by the fuzz targets. A violation is a parser bug: the fuzzer
 * must stop on it, so each check aborts (libFuzzer saves the input as a crash).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz-common.h"

#define CHECK(cond)                                                                   \
	do {                                                                          \
		if (!(cond)) {                                                        \
			fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__,    \
				__LINE__, #cond);                                     \
			abort();                                                      \
		}                                                                     \
	} while (0)

static volatile uint64_t sink; /* keeps the field reads from being optimised away */

static size_t field_size(enum pg_field_type t)
{
	static const size_t sizes[] = {
		[PG_FIELD_BOOL] = sizeof(bool), [PG_FIELD_U8] = 1, [PG_FIELD_U16] = 2,
		[PG_FIELD_U32] = 4, [PG_FIELD_U64] = 8,
	};

	CHECK((unsigned)t < sizeof(sizes) / sizeof(sizes[0]));
	return sizes[t];
}

static void check_cap(const struct pg_cfg_layout *l, unsigned i)
{
	const struct pg_cap *c = &l->caps[i];
	bool ext = i >= l->nstd;
	uint32_t lo = ext ? PG_CFG_STD_LEN : 0x40u, hi = ext ? PG_CFG_EXT_LEN : PG_CFG_STD_LEN;
	const struct pg_cap *first;
	const struct pg_field *f;
	size_t nf = 0;

	CHECK(c->extended == ext);
	CHECK(c->offset >= lo && c->offset < hi && c->offset % 4 == 0);
	CHECK(c->len > 0);
	CHECK((uint32_t)c->offset + c->len <= hi);
	CHECK((uint32_t)c->offset + c->len <= l->len);
	CHECK(c->next % 4 == 0);
	CHECK(c->name && strlen(c->name) < 128);
	CHECK(pg_cap_name(c->extended, c->id) != NULL);
	CHECK(ext ? c->version <= 0xf : c->version == 0);
	first = pg_cfg_find_cap(l, c->extended, c->id);
	CHECK(first && first <= c && first->id == c->id && first->extended == c->extended);

	f = pg_cap_fields(c, &nf);
	CHECK(f || nf == 0);
	CHECK(c->decoded || nf == 0);
	for (size_t k = 0; k < nf; k++) {
		CHECK(f[k].name && f[k].name[0]);
		CHECK(f[k].offset + field_size(f[k].type) <= sizeof(union pg_cap_info));
		sink += pg_field_get(c, &f[k]);
	}
	if (!ext && c->id == PG_CAP_EXP && c->decoded)
		CHECK(pg_pcie_type_name(c->info.pcie.port_type) != NULL);
}

void fuzz_check_layout(const struct pg_cfg_layout *l, const uint8_t *buf, size_t len)
{
	CHECK(l->len == len);
	CHECK(len == 0 || !memcmp(l->raw, buf, len));
	for (size_t i = len; i < PG_CFG_EXT_LEN; i++)
		CHECK(l->raw[i] == 0);
	CHECK((unsigned)l->kind <= PG_HDR_UNKNOWN);
	CHECK(l->nbars <= 6);
	for (unsigned i = 0; i < PG_CFG_NUM_BARS; i++) {
		CHECK((unsigned)l->bars[i].kind <= PG_BAR_UNKNOWN);
		CHECK(pg_bar_kind_name(l->bars[i].kind) != NULL);
		CHECK(l->bars[i].size_known || l->bars[i].size == 0);
		/* "unknown" is exactly a zero register without a size. */
		CHECK(l->bars[i].kind != PG_BAR_UNKNOWN ||
		      (!l->bars[i].size_known && l->bars[i].addr == 0));
	}
	for (unsigned i = l->nbars; i < PG_CFG_NUM_BARS - 1; i++)
		CHECK(l->bars[i].kind == PG_BAR_NONE);

	CHECK(l->nstd <= l->ncaps && l->nstd <= PG_CFG_STD_TTL);
	CHECK((unsigned)(l->ncaps - l->nstd) <= PG_CFG_EXT_TTL);
	CHECK(l->ext_walked || l->ncaps == l->nstd);
	CHECK(!l->ext_walked || len > PG_CFG_STD_LEN);
	for (unsigned i = 0; i < l->ncaps; i++)
		check_cap(l, i);

	CHECK(l->ndiags <= PG_CFG_MAX_DIAGS);
	CHECK(!l->diags_dropped || l->ndiags == PG_CFG_MAX_DIAGS);
	for (unsigned i = 0; i < l->ndiags; i++) {
		const struct pg_diag *d = &l->diags[i];

		CHECK((unsigned)d->code < PG_DIAG__COUNT);
		CHECK(strcmp(pg_diag_name(d->code), "unknown") != 0);
		CHECK(memchr(d->detail, '\0', sizeof(d->detail)) != NULL);
		CHECK(d->detail[0] != '\0');
		CHECK(d->offset <= PG_CFG_EXT_LEN);
	}
}
