/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Bounded parsers and a bounded whole-file reader shared by the dump reader and the
 * backends. See util.h for the contracts; the threat is always hostile input text.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

#define SIZE_TEXT_MAX 32u /* "0x" + 16 hex digits + suffix, with room to spare */

int pg_util_hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int pg_util_parse_hex(const char *s, size_t n, uint64_t *ret)
{
	uint64_t v = 0;

	if (!s || !ret || n == 0 || n > 16)
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		int d = pg_util_hexval(s[i]);

		if (d < 0)
			return -EINVAL;
		v = v << 4 | (uint64_t)d;
	}
	*ret = v;
	return 0;
}

/* Multiplier of a one-letter binary suffix, 0 when c is not one. */
static uint64_t suffix_mult(char c)
{
	static const struct {
		char lo, up;
		uint64_t mult;
	} sfx[] = {
		{ 'k', 'K', 1ull << 10 },
		{ 'm', 'M', 1ull << 20 },
		{ 'g', 'G', 1ull << 30 },
	};

	for (size_t i = 0; i < sizeof(sfx) / sizeof(sfx[0]); i++)
		if (c == sfx[i].lo || c == sfx[i].up)
			return sfx[i].mult;
	return 0;
}

int pg_util_parse_size(const char *s, size_t n, uint64_t max, uint64_t *ret)
{
	unsigned base = 10;
	uint64_t v = 0, mult = 1;
	size_t i = 0, ndigits = 0;

	if (!s || !ret || n == 0 || n > SIZE_TEXT_MAX)
		return -EINVAL;
	if (n > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		i = 2;
	}
	if (suffix_mult(s[n - 1])) {
		mult = suffix_mult(s[n - 1]);
		n--;
	}
	for (; i < n; i++, ndigits++) {
		int d = pg_util_hexval(s[i]);

		if (d < 0 || (unsigned)d >= base)
			return -EINVAL;
		if (v > (UINT64_MAX - (uint64_t)d) / base)
			return -ERANGE;
		v = v * base + (uint64_t)d;
	}
	if (!ndigits)
		return -EINVAL;
	if (v > UINT64_MAX / mult)
		return -ERANGE;
	v *= mult;
	if (v > max)
		return -ERANGE;
	*ret = v;
	return 0;
}

size_t pg_util_copy(char *dst, size_t cap, const char *src, size_t n)
{
	size_t i = 0;

	if (!dst || !cap)
		return 0;
	for (; src && i < n && i + 1 < cap && src[i]; i++)
		dst[i] = src[i];
	dst[i] = '\0';
	return i;
}

/* Read up to max + 1 bytes from fd into a buffer of that size (plus the NUL). */
static int read_bounded(int fd, size_t max, char **ret_buf, size_t *ret_len)
{
	size_t cap = max + 1, len = 0;
	char *buf = malloc(cap + 1);

	if (!buf)
		return -ENOMEM;
	while (len < cap) {
		ssize_t r = read(fd, buf + len, cap - len);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int e = errno ? -errno : -EIO;

			free(buf);
			return e;
		}
		if (r == 0)
			break;
		len += (size_t)r;
	}
	if (len > max) {
		free(buf);
		return -E2BIG;
	}
	buf[len] = '\0';
	*ret_buf = buf;
	*ret_len = len;
	return 0;
}

int pg_util_read_file_at(int dirfd, const char *path, size_t max, bool nofollow,
			 char **ret_buf, size_t *ret_len)
{
	int flags = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | (nofollow ? O_NOFOLLOW : 0);
	struct stat st;
	int fd, r;

	if (!path || !ret_buf || !ret_len || max >= SIZE_MAX / 2)
		return -EINVAL;
	fd = openat(dirfd, path, flags);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0) {
		r = -errno;
		goto out_close;
	}
	if (S_ISDIR(st.st_mode)) {
		r = -EISDIR;
		goto out_close;
	}
	if (!S_ISREG(st.st_mode)) {
		r = -EINVAL; /* FIFO, socket, device node: never read */
		goto out_close;
	}
	if (st.st_size > 0 && (uint64_t)st.st_size > (uint64_t)max + 4096u) {
		/* Clearly too big: refuse before allocating (sysfs attributes report one
		 * page even when shorter, hence the slack). */
		r = -E2BIG;
		goto out_close;
	}
	r = read_bounded(fd, max, ret_buf, ret_len);
out_close:
	close(fd);
	return r;
}
