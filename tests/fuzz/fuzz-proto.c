/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: a hostile VMM's byte stream on the mpqemu socket, read through
 * pg_proto_serve_one() until EOF or the first error, each message dispatched to a fake
 * handler that keeps SYNC_SYSMEM regions in a real pg_sysmem table (and reads guest memory
 * through it) and keeps SET_IRQFD fds.
 *
 * Input: a sequence of chunks, each [ctl][bytes...]. ctl bits 0..5 = chunk length - 1
 * (1..64 bytes, delivered by one transport read: short reads everywhere), bits 6..7 = fds
 * attached to that read: 0 none, 1 one, 2 two, 3 the next byte says (low nibble: count
 * 0..15; high nibble: bit i set = fd i is an eventfd instead of a 2 MiB memfd). fds are
 * real (memfd/eventfd), at most 64 per input.
 *
 * Invariants (abort on violation): every fd the transport created is closed once the
 * connection, table and handler are gone; every reply is one well-formed 24-byte RET and
 * there is exactly one per handled CFGREAD/CFGWRITE/BAR_READ/BAR_WRITE/DEVICE_RESET; a
 * config read reply fits in the access length.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <unistd.h>

#include <pcigate/proto.h>

#include "fuzz-common.h"

#define MAX_CREATED 64u
#define RAM_SIZE (2u << 20)

struct fz {
	const uint8_t *data;
	size_t size, pos;
	int created[MAX_CREATED];
	unsigned ncreated;
	uint64_t replies;        /* RET messages "sent" */
	uint64_t last_reply;
	struct pg_sysmem *mem;
	int irq[2];
};

static void die(const char *why)
{
	fprintf(stderr, "fuzz-proto: invariant violated: %s\n", why);
	abort();
}

static int make_fd(struct fz *f, bool event)
{
	int fd;

	if (f->ncreated >= MAX_CREATED)
		return -1;
	if (event) {
		fd = eventfd(0, EFD_CLOEXEC);
	} else {
		fd = memfd_create("fuzz-ram", MFD_CLOEXEC);
		if (fd >= 0 && ftruncate(fd, RAM_SIZE) < 0) {
			close(fd);
			fd = -1;
		}
	}
	if (fd >= 0)
		f->created[f->ncreated++] = fd;
	return fd;
}

static ssize_t fz_recv(void *ctx, void *buf, size_t len, int fds[PG_PROTO_MAX_FDS],
		       unsigned *nfds, bool *ctrunc)
{
	struct fz *f = ctx;
	unsigned want = 0, kinds = 0;
	size_t chunk;
	uint8_t ctl;

	*nfds = 0;
	*ctrunc = false;
	if (f->pos >= f->size)
		return 0;
	ctl = f->data[f->pos++];
	chunk = (size_t)(ctl & 0x3f) + 1;
	switch (ctl >> 6) {
	case 1: want = 1; break;
	case 2: want = 2; break;
	case 3:
		if (f->pos < f->size) {
			want = f->data[f->pos] & 0x0f;
			kinds = f->data[f->pos++] >> 4;
		}
		break;
	default: break;
	}
	/* Like the kernel with an 8-slot control buffer: the excess is dropped and flagged. */
	for (unsigned i = 0; i < want; i++) {
		int fd = make_fd(f, i < 4 && (kinds >> i) & 1);

		if (fd < 0)
			continue;
		if (*nfds < PG_PROTO_MAX_FDS) {
			fds[(*nfds)++] = fd;
		} else {
			close(fd);
			*ctrunc = true;
		}
	}
	if (chunk > len)
		chunk = len;
	if (chunk > f->size - f->pos)
		chunk = f->size - f->pos;
	if (chunk == 0) {
		/* fds with no data cannot happen on a stream socket: the kernel needs a byte */
		for (unsigned i = 0; i < *nfds; i++)
			close(fds[i]);
		*nfds = 0;
		return 0;
	}
	memcpy(buf, f->data + f->pos, chunk);
	f->pos += chunk;
	return (ssize_t)chunk;
}

static int fz_send(void *ctx, const void *buf, size_t len)
{
	struct fz *f = ctx;
	uint32_t cmd;
	uint64_t size;

	if (len != PG_PROTO_REPLY_SIZE)
		die("reply is not 24 bytes");
	memcpy(&cmd, buf, 4);
	memcpy(&size, (const uint8_t *)buf + 8, 8);
	memcpy(&f->last_reply, (const uint8_t *)buf + 16, 8);
	if (cmd != PG_PROTO_RET || size != 8)
		die("reply is not a RET of 8 bytes");
	f->replies++;
	return 0;
}

static const struct pg_proto_transport fz_tp = { fz_recv, fz_send, NULL };

/* ---- fake handler ----------------------------------------------------------------------- */

static int h_cfg_read(void *ctx, uint16_t addr, uint8_t len, uint32_t *val)
{
	if (addr >= PG_PROTO_CFG_SPACE || addr % len)
		die("invalid config read reached the handler");
	*val = 0xa5a5a5a5u ^ addr;
	return 0;
}

static int h_cfg_write(void *ctx, uint16_t addr, uint8_t len, uint32_t val)
{
	if (addr + len > PG_PROTO_CFG_SPACE || (len < 4 && val >> (8 * len)))
		die("invalid config write reached the handler");
	return addr == 0xfc ? -EIO : 0; /* a failing device, to cover that path */
}

static int h_bar_read(void *ctx, uint64_t addr, uint8_t size, bool memory, uint64_t *val)
{
	struct fz *f = ctx;
	uint64_t v = 0;

	if (addr % size)
		die("misaligned BAR read reached the handler");
	/* Treat the BAR address as a guest-physical DMA source when it hits guest RAM. */
	if (memory && pg_sysmem_read(f->mem, addr, &v, size) < 0)
		v = ~addr;
	*val = v;
	return 0;
}

static int h_bar_write(void *ctx, uint64_t addr, uint8_t size, bool memory, uint64_t val)
{
	struct fz *f = ctx;

	int rc = memory ? pg_sysmem_write(f->mem, addr, &val, size) : 0;

	return rc == -EFAULT ? 0 : rc; /* DMA outside guest RAM is the guest's problem */
}

static int h_reset(void *ctx)
{
	return 0;
}

static int h_sysmem(void *ctx, struct pg_proto_msg *m)
{
	struct fz *f = ctx;
	uint64_t probe;
	int rc = pg_sysmem_replace(f->mem, m, NULL);

	if (rc == 0 && pg_sysmem_count(f->mem) != m->u.sysmem.nregions)
		die("table size differs from the message");
	if (rc == 0 && pg_sysmem_read(f->mem, m->u.sysmem.gpa[0], &probe, 1) < 0)
		die("first byte of a validated region is not readable");
	return rc == -EPROTO ? 0 : rc; /* a refused table is not fatal to the fuzz loop */
}

static int h_irqfd(void *ctx, struct pg_proto_msg *m)
{
	struct fz *f = ctx;

	if (m->nfds != 2)
		die("SET_IRQFD without exactly 2 fds reached the handler");
	for (unsigned i = 0; i < 2; i++) {
		if (f->irq[i] >= 0)
			close(f->irq[i]);
		f->irq[i] = m->fds[i];
		m->fds[i] = -1;
	}
	return 0;
}

static const struct pg_proto_handler fz_handler = {
	h_cfg_read, h_cfg_write, h_bar_read, h_bar_write, h_reset, h_sysmem, h_irqfd,
};

static bool needs_reply(enum pg_proto_cmd c)
{
	return c == PG_PROTO_CFGREAD || c == PG_PROTO_CFGWRITE || c == PG_PROTO_BAR_READ ||
	       c == PG_PROTO_BAR_WRITE || c == PG_PROTO_DEVICE_RESET;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = { .data = data, .size = size, .irq = { -1, -1 } };
	struct pg_proto_conn *conn = NULL;
	struct pg_proto_error err;
	uint64_t expect = 0;
	int rc;

	if (pg_sysmem_new(&f.mem) < 0 || pg_proto_conn_new(&fz_tp, &f, &conn) < 0)
		die("setup failed");
	/* Bounded: every message consumes at least 16 input bytes. */
	for (;;) {
		enum pg_proto_cmd cmd = PG_PROTO_CMD_MAX;
		uint64_t before = f.replies;

		rc = pg_proto_serve_one(conn, &fz_handler, &f, &cmd, &err);
		if (rc == 1 || (rc < 0 && cmd != PG_PROTO_CMD_MAX)) {
			if (needs_reply(cmd))
				expect++;
			if (cmd == PG_PROTO_CFGREAD && rc == 1 && f.replies > before &&
			    f.last_reply > UINT32_MAX)
				die("config read reply wider than 32 bits");
		}
		if (f.replies != expect)
			die("reply count differs from the replying commands handled");
		if (rc <= 0)
			break;
	}
	if (rc < 0 && (err.code != rc || !err.text[0]))
		die("error without a reason");
	pg_proto_conn_free(conn);
	pg_sysmem_free(f.mem);
	for (unsigned i = 0; i < 2; i++)
		if (f.irq[i] >= 0)
			close(f.irq[i]);
	for (unsigned i = 0; i < f.ncreated; i++)
		if (fcntl(f.created[i], F_GETFD) >= 0)
			die("an fd from the peer was leaked");
	return 0;
}
