/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: dump text (the corpus format, hostile files a user may feed the
 * CLI) through pg_dump_parse(), then every device through pg_cfg_parse() and the layout
 * invariants of fuzz-common.c (every capability, decoded field and diagnostic is read).
 * Differential: the same bytes as a file through the streaming reader pg_dump_read_each()
 * (64 KiB reads, lines split across reads) must give exactly the same devices, or the
 * same error on the same line.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <pcigate/dump.h>

#include "fuzz-common.h"

#define CHECK(cond) do { if (!(cond)) abort(); } while (0)

/* More devices than an input of max_len (65536) bytes can hold (a device takes at least
 * a header and one 16-byte line, about 60 bytes); static: too large for the stack. */
#define FUZZ_MAX_DEVS 2048u
static struct pg_dump_dev devs[FUZZ_MAX_DEVS];

struct stream_cmp {
	size_t n, parsed;
};

/* Each streamed device must be the in-memory parser's device of the same index. */
static int cmp_dev(void *data, const struct pg_dump_dev *dev)
{
	struct stream_cmp *c = data;

	CHECK(c->n < FUZZ_MAX_DEVS);
	if (c->n < c->parsed)
		CHECK(memcmp(dev, &devs[c->n], sizeof(*dev)) == 0);
	c->n++;
	return 0;
}

/* The streaming reader over the same bytes agrees with pg_dump_parse(). */
static void check_stream(const uint8_t *data, size_t size, int rc, size_t n,
			 const struct pg_dump_error *perr)
{
	struct pg_dump_error err = { .line = 0 };
	struct stream_cmp c = { 0, rc == 0 ? n : 0 };
	char path[64];
	size_t sn = 0;
	int fd = memfd_create("fuzz-dump", MFD_CLOEXEC), r;

	if (fd < 0)
		return;
	if (size && write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	r = pg_dump_read_each(path, cmp_dev, &c, &sn, &err);
	close(fd);
	CHECK(r == rc);
	if (r == 0)
		CHECK(sn == n && c.n == n);
	else
		CHECK(err.line == perr->line && strcmp(err.msg, perr->msg) == 0);
}

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

	r = pg_dump_parse((const char *)data, size, devs, FUZZ_MAX_DEVS, &n, &err);
	if (r < 0) {
		CHECK(r == -EINVAL);
		CHECK(memchr(err.msg, '\0', sizeof(err.msg)) != NULL);
		CHECK(err.msg[0] != '\0');
		check_stream(data, size, r, n, &err);
		return 0;
	}
	CHECK(r == 0 && n >= 1 && n <= FUZZ_MAX_DEVS);
	check_stream(data, size, r, n, &err);
	for (size_t i = 0; i < n; i++) {
		CHECK(i == 0 || devs[i].line > devs[i - 1].line);
		check_dev(&devs[i]);
	}
	return 0;
}
