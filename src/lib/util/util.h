/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Small shared helpers of libpcigate (private: not installed, not exported).
 *
 * Every parser here works on a counted byte range (never on NUL termination alone) and
 * rejects anything it does not fully consume, because its callers feed it hostile text:
 * dump files, sysfs attributes of a device tree that a test or a hostile root provides,
 * command-line arguments. Every function is reentrant and keeps no state.
 */
#ifndef PG_UTIL_H
#define PG_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PG_WARN_UNUSED __attribute__((warn_unused_result))

/** Value of one hex digit (either case), or -1 if c is not a hex digit. */
int pg_util_hexval(char c);

/** True when v is a power of two (0 is not). */
static inline bool pg_util_is_pow2(uint64_t v)
{
	return v && !(v & (v - 1));
}

/** Lowest set bit of v as a value (v & -v); 0 for 0. */
static inline uint64_t pg_util_lowest_bit(uint64_t v)
{
	return v & (~v + 1);
}

/**
 * Parse exactly n hex digits (1..16, either case, no prefix, no sign, no spaces).
 * @param s borrowed, n bytes (need not be NUL-terminated)
 * @param ret out, written on success only
 * @return 0 or -EINVAL.
 */
PG_WARN_UNUSED int pg_util_parse_hex(const char *s, size_t n, uint64_t *ret);

/**
 * Parse a size: decimal digits or "0x"/"0X" followed by hex digits, then an optional
 * binary suffix K, M or G (either case, x1024^1..3). All n bytes must be consumed.
 * Bounded: at most 32 bytes of input, overflow checked at every step.
 * @param s   borrowed, n bytes
 * @param max largest accepted value (after the suffix)
 * @param ret out, written on success only
 * @return 0; -EINVAL (empty, stray character, no digits, bad suffix); -ERANGE (overflow
 *         or above max).
 */
PG_WARN_UNUSED int pg_util_parse_size(const char *s, size_t n, uint64_t max, uint64_t *ret);

/**
 * Copy at most n bytes of src (stopping early at a NUL) into dst of cap bytes, always
 * NUL-terminating (truncating when needed). cap must be at least 1.
 * @return bytes copied, excluding the NUL.
 */
size_t pg_util_copy(char *dst, size_t cap, const char *src, size_t n);

/** The bits of a value of bytes bytes (1..8; 8 or more: all 64): the one size-mask helper
 *  of the library (config and BAR accesses, wire values, policy rules). */
static inline uint64_t pg_util_size_mask(unsigned bytes)
{
	return bytes >= 8 ? UINT64_MAX : (UINT64_C(1) << (8u * bytes)) - 1u;
}

/**
 * Read a whole regular file into memory.
 *
 * The file is opened O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK and checked with
 * fstat() before any read, so a FIFO or device node planted where a file was expected
 * can neither block the caller nor stream unbounded data: only regular files are read.
 * Reading stops at max + 1 bytes whatever st_size claims (files can grow, and sysfs
 * attributes report a fixed size), so memory use is bounded by max.
 *
 * @param dirfd   AT_FDCWD or a directory fd that relative paths resolve against
 * @param path    borrowed
 * @param max     largest accepted content length
 * @param nofollow refuse a symlink as the last path component (O_NOFOLLOW)
 * @param ret_buf out: malloc()ed buffer of *ret_len bytes plus a NUL, owned by the caller
 * @param ret_len out
 * @return 0; -errno from open()/fstat()/read() (-ENOENT, -EACCES, -ELOOP, ...); -EISDIR
 *         for a directory; -EINVAL for any other non-regular file; -E2BIG when the
 *         content exceeds max; -ENOMEM.
 */
PG_WARN_UNUSED int pg_util_read_file_at(int dirfd, const char *path, size_t max, bool nofollow,
					char **ret_buf, size_t *ret_len);

#endif
