/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Shared pieces of the libFuzzer targets and their replay driver.
 *
 * Each target defines LLVMFuzzerTestOneInput(). Under -fsanitize=fuzzer libFuzzer drives
 * it; in ordinary builds replay.c's main() feeds it the committed seeds and regression
 * inputs, so gcc and ASan/UBSan builds run the same checks.
 */
#ifndef PG_FUZZ_COMMON_H
#define PG_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>

#include <pcigate/cfg.h>

/* The libFuzzer entry point: 0 always; an invariant violation aborts. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * Check every invariant a layout must satisfy whatever the input bytes were, and read
 * every reachable field (names, decoded fields through pg_field_get(), diagnostics, BARs)
 * so that sanitizers see any out-of-bounds or uninitialised access.
 * @param l   borrowed, from pg_cfg_parse() of buf/len
 * @param buf borrowed, the bytes that were parsed
 * Aborts with a message on stderr on the first violation.
 */
void fuzz_check_layout(const struct pg_cfg_layout *l, const uint8_t *buf, size_t len);

#endif
