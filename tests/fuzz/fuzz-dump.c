/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: dump text (the corpus format, hostile files a user may feed the
 * CLI) through pg_dump_parse(), then every device through pg_cfg_parse() and the layout
 * invariants of fuzz-common.c (every capability, decoded field and diagnostic is read).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <pcigate/dump.h>

#include "fuzz-common.h"

#define CHECK(cond) do { if (!(cond)) abort(); } while (0)

/* Static: 256 devices of 4 KiB each is too large for the stack. */
static struct pg_dump_dev devs[PG_DUMP_MAX_DEVICES];

static void check_dev(const struct pg_dump_dev *d)
{
	struct pg_cfg_layout *l = NULL;

	CHECK(d->len <= PG_CFG_EXT_LEN && d->len % 16 == 0);
	CHECK(memchr(d->slot, '\0', sizeof(d->slot)) != NULL);
	CHECK(memchr(d->desc, '\0', sizeof(d->desc)) != NULL);
	CHECK(d->line > 0);
	for (size_t i = d->len; i < PG_CFG_EXT_LEN; i++)
		CHECK(d->cfg[i] == 0);
	CHECK((d->sizes.known & 0x80u) == 0);
	if (pg_cfg_parse(d->cfg, d->len, &d->sizes, &l) != 0 || !l)
		abort();
	fuzz_check_layout(l, d->cfg, d->len);
	pg_cfg_free(l);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pg_dump_error err = { .line = 0 };
	size_t n = 0;
	int r;

	r = pg_dump_parse((const char *)data, size, devs, PG_DUMP_MAX_DEVICES, &n, &err);
	if (r < 0) {
		CHECK(r == -EINVAL || r == -E2BIG);
		CHECK(memchr(err.msg, '\0', sizeof(err.msg)) != NULL);
		CHECK(r != -EINVAL || err.msg[0] != '\0');
		return 0;
	}
	CHECK(r == 0 && n >= 1 && n <= PG_DUMP_MAX_DEVICES);
	for (size_t i = 0; i < n; i++) {
		CHECK(i == 0 || devs[i].line > devs[i - 1].line);
		check_dev(&devs[i]);
	}
	return 0;
}
