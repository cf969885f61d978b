/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: raw config-space bytes straight into pg_cfg_parse(), the way a
 * hostile device presents them to a backend.
 *
 * Input: byte 0 = mask of BARs whose size is known (bit 7 set: no sizes at all), bytes
 * 1..7 = log2 of the sizes of BAR0..BAR5 and the ROM (0xff: size 0, "not implemented"),
 * then up to 4096 config bytes. Inputs shorter than 8 bytes are parsed as config bytes
 * without sizes; longer than 4104 must be refused with -EINVAL.
 */
#include <errno.h>
#include <stdlib.h>

#include "fuzz-common.h"

#define PREFIX 8u

static struct pg_cfg_layout *parse(const uint8_t *cfg, size_t len,
				   const struct pg_cfg_bar_sizes *sizes)
{
	struct pg_cfg_layout *l = NULL;

	if (pg_cfg_parse(cfg, len, sizes, &l) != 0 || !l)
		abort(); /* content is never an error */
	fuzz_check_layout(l, cfg, len);
	return l;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pg_cfg_bar_sizes sizes = { .known = 0 };
	struct pg_cfg_layout *l;
	size_t len;

	if (size < PREFIX) {
		pg_cfg_free(parse(data, size, NULL));
		return 0;
	}
	len = size - PREFIX;
	if (len > PG_CFG_EXT_LEN) {
		struct pg_cfg_layout *none = NULL;

		if (pg_cfg_parse(data + PREFIX, len, NULL, &none) != -EINVAL || none)
			abort(); /* oversized input must be refused, not truncated */
		return 0;
	}
	sizes.known = data[0] & 0x7fu;
	for (unsigned i = 0; i < PG_CFG_NUM_BARS; i++)
		sizes.size[i] = data[1 + i] == 0xff ? 0 : (uint64_t)1 << (data[1 + i] & 63u);
	l = parse(data + PREFIX, len, (data[0] & 0x80u) ? NULL : &sizes);
	pg_cfg_free(l);
	return 0;
}
