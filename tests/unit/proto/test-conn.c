/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Tests of the connection layer (src/lib/proto/conn.c) over real AF_UNIX socketpairs and
 * real fds: whole messages, replies as bytes, EOF at and inside messages, short reads (a
 * one-byte transport), fds on the header and on the payload, too many fds (kernel
 * truncation and our own limit), per-command fd limits with the extra fds closed, handler
 * failures, and fd accounting through /proc/self/fd over thousands of SYNC_SYSMEM messages.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cmocka.h>

#include "fdcount.h"

#include <pcigate/proto.h>

/* ---- helpers ------------------------------------------------------------------------- */

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

static void put64(uint8_t *p, uint64_t v)
{
	memcpy(p, &v, 8);
}

/* Send bytes with fds attached, like QEMU's one sendmsg per message. */
static void send_fds(int sk, const void *buf, size_t len, const int *fds, unsigned nfds)
{
	union {
		char b[CMSG_SPACE(16 * sizeof(int))];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = { .iov_base = (void *)(uintptr_t)buf, .iov_len = len };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };

	if (nfds) {
		struct cmsghdr *c;

		memset(&ctl, 0, sizeof(ctl));
		mh.msg_control = ctl.b;
		mh.msg_controllen = CMSG_SPACE(nfds * sizeof(int));
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(nfds * sizeof(int));
		memcpy(CMSG_DATA(c), fds, nfds * sizeof(int));
	}
	assert_int_equal(sendmsg(sk, &mh, 0), (ssize_t)len);
}

static size_t build(uint8_t *b, int cmd, const void *payload, size_t size)
{
	memset(b, 0, PG_PROTO_HDR_SIZE);
	put32(b, (uint32_t)cmd);
	put64(b + 8, size);
	if (size)
		memcpy(b + PG_PROTO_HDR_SIZE, payload, size);
	return PG_PROTO_HDR_SIZE + size;
}

static void send_msg(int sk, int cmd, const void *payload, size_t size, const int *fds,
		     unsigned nfds)
{
	uint8_t b[PG_PROTO_HDR_SIZE + 256];

	send_fds(sk, b, build(b, cmd, payload, size), fds, nfds);
}

static void send_cfg(int sk, int cmd, uint32_t addr, uint32_t val, int32_t len)
{
	uint8_t p[PG_PROTO_CFG_SIZE];

	put32(p, addr);
	put32(p + 4, val);
	put32(p + 8, (uint32_t)len);
	send_msg(sk, cmd, p, sizeof(p), NULL, 0);
}

static uint64_t read_ret(int sk)
{
	uint8_t b[PG_PROTO_REPLY_SIZE];
	uint32_t cmd;
	uint64_t size, val;

	assert_int_equal(recv(sk, b, sizeof(b), MSG_WAITALL), (ssize_t)sizeof(b));
	memcpy(&cmd, b, 4);
	memcpy(&size, b + 8, 8);
	memcpy(&val, b + 16, 8);
	assert_int_equal(cmd, PG_PROTO_RET);
	assert_int_equal(size, 8);
	return val;
}

static int memfd_of(size_t size)
{
	int fd = memfd_create("test-guest-ram", MFD_CLOEXEC);

	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, (off_t)size), 0);
	return fd;
}

static bool fd_open(int fd)
{
	return fcntl(fd, F_GETFD) >= 0;
}

struct pair {
	int peer;                   /* the "QEMU" end */
	struct pg_proto_conn *conn; /* the server end */
};

static void pair_open(struct pair *p)
{
	int sv[2];

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
	p->peer = sv[0];
	assert_int_equal(pg_proto_conn_new_socket(sv[1], &p->conn), 0);
}

static void pair_close(struct pair *p)
{
	pg_proto_conn_free(p->conn);
	close(p->peer);
}

static void send_sysmem(int sk, int ram);

/* ---- a recording handler -------------------------------------------------------------- */

struct rec {
	unsigned cfg_reads, cfg_writes, bar_reads, bar_writes, resets, sysmems, irqfds;
	uint16_t addr;
	uint8_t len;
	uint32_t val;
	uint64_t bar_addr, bar_val;
	int fail;                   /* returned by every op when non-zero */
	struct pg_sysmem *mem;      /* sync_sysmem replaces it when set */
	int irq[2];
};

static int h_cfg_read(void *ctx, uint16_t addr, uint8_t len, uint32_t *val)
{
	struct rec *r = ctx;

	r->cfg_reads++;
	r->addr = addr;
	r->len = len;
	*val = 0x12345678; /* wider than len: the dispatcher must truncate */
	return r->fail;
}

static int h_cfg_write(void *ctx, uint16_t addr, uint8_t len, uint32_t val)
{
	struct rec *r = ctx;

	r->cfg_writes++;
	r->addr = addr;
	r->len = len;
	r->val = val;
	return r->fail;
}

static int h_bar_read(void *ctx, uint64_t addr, uint8_t size, bool memory, uint64_t *val)
{
	struct rec *r = ctx;

	r->bar_reads++;
	r->bar_addr = addr;
	*val = 0x1122334455667788ull;
	return r->fail;
}

static int h_bar_write(void *ctx, uint64_t addr, uint8_t size, bool memory, uint64_t val)
{
	struct rec *r = ctx;

	r->bar_writes++;
	r->bar_addr = addr;
	r->bar_val = val;
	return r->fail;
}

static int h_reset(void *ctx)
{
	struct rec *r = ctx;

	r->resets++;
	return r->fail;
}

static int h_sysmem(void *ctx, struct pg_proto_msg *m)
{
	struct rec *r = ctx;

	r->sysmems++;
	if (r->fail)
		return r->fail;
	return r->mem ? pg_sysmem_replace(r->mem, m, NULL) : 0;
}

static int h_irqfd(void *ctx, struct pg_proto_msg *m)
{
	struct rec *r = ctx;

	r->irqfds++;
	if (r->fail)
		return r->fail;
	for (int i = 0; i < 2; i++) {
		if (r->irq[i] >= 0)
			close(r->irq[i]);
		r->irq[i] = m->fds[i];
		m->fds[i] = -1;
	}
	return 0;
}

static const struct pg_proto_handler rec_handler = {
	h_cfg_read, h_cfg_write, h_bar_read, h_bar_write, h_reset, h_sysmem, h_irqfd,
};

/* ---- tests ----------------------------------------------------------------------------- */

static void test_dispatch_and_replies(void **state)
{
	struct pair p;
	struct rec r = { .irq = { -1, -1 } };
	struct pg_proto_error err = { 0, "" };
	enum pg_proto_cmd cmd;
	uint8_t bar[PG_PROTO_BAR_SIZE] = { 0 };
	int efd[2] = { eventfd(0, EFD_CLOEXEC), eventfd(0, EFD_CLOEXEC) };

	pair_open(&p);
	send_cfg(p.peer, PG_PROTO_CFGREAD, 0x02, 0, 2);
	assert_int_equal(pg_proto_serve_one(p.conn, &rec_handler, &r, &cmd, &err), 1);
	assert_int_equal(cmd, PG_PROTO_CFGREAD);
	assert_int_equal(r.addr, 2);
	assert_int_equal(r.len, 2);
	assert_true(read_ret(p.peer) == 0x5678); /* truncated to len */

	send_cfg(p.peer, PG_PROTO_CFGWRITE, 0x04, 0x0406, 2);
	assert_int_equal(pg_proto_serve_one(p.conn, &rec_handler, &r, &cmd, &err), 1);
	assert_int_equal(r.val, 0x0406);
	assert_true(read_ret(p.peer) == 0);

	put64(bar, 0xfeb00010);
	put32(bar + 16, 4);
	bar[20] = 1;
	send_msg(p.peer, PG_PROTO_BAR_READ, bar, sizeof(bar), NULL, 0);
	assert_int_equal(pg_proto_serve_one(p.conn, &rec_handler, &r, &cmd, &err), 1);
	assert_true(r.bar_addr == 0xfeb00010);
	assert_true(read_ret(p.peer) == 0x55667788);

	put64(bar + 8, 0xabcd);
	send_msg(p.peer, PG_PROTO_BAR_WRITE, bar, sizeof(bar), NULL, 0);
	assert_int_equal(pg_proto_serve_one(p.conn, &rec_handler, &r, &cmd, &err), 1);
	assert_true(r.bar_val == 0xabcd);
	assert_true(read_ret(p.peer) == 0);

	send_msg(p.peer, PG_PROTO_DEVICE_RESET, NULL, 0, NULL, 0);
	assert_int_equal(pg_proto_serve_one(p.conn, &rec_handler, &r, &cmd, &err), 1);
	assert_int_equal(r.resets, 1);
	assert_true(read_ret(p.peer) == 0);

	/* SET_IRQFD: no reply; the handler keeps both fds */
	send_msg(p.peer, PG_PROTO_SET_IRQFD, NULL, 0, efd, 2);
	close(efd[0]);
	close(efd[1]);
	assert_int_equal(pg_proto_serve_one(p.conn, &rec_handler, &r, &cmd, &err), 1);
	assert_int_equal(cmd, PG_PROTO_SET_IRQFD);
	assert_true(fd_open(r.irq[0]) && fd_open(r.irq[1]));
	assert_int_equal(recv(p.peer, bar, 1, MSG_DONTWAIT), -1);
	assert_int_equal(errno, EAGAIN);
	assert_true(pg_proto_conn_count(p.conn) == 6);

	/* clean EOF at a message boundary */
	close(p.peer);
	assert_int_equal(pg_proto_serve_one(p.conn, &rec_handler, &r, &cmd, &err), 0);
	pg_proto_conn_free(p.conn);
	close(r.irq[0]);
	close(r.irq[1]);
}

/* Default ops: reads answer all ones, writes are acknowledged, fds are closed. */
static void test_null_ops(void **state)
{
	static const struct pg_proto_handler none = { 0 };
	struct pair p;
	unsigned before = pg_test_open_fds();
	int fds[2] = { memfd_of(4096), memfd_of(4096) };
	uint8_t sm[PG_PROTO_SYSMEM_SIZE] = { 0 };

	pair_open(&p);
	send_cfg(p.peer, PG_PROTO_CFGREAD, 0x00, 0, 4);
	assert_int_equal(pg_proto_serve_one(p.conn, &none, NULL, NULL, NULL), 1);
	assert_true(read_ret(p.peer) == 0xffffffff);
	put64(sm + 64, 4096);
	put64(sm + 72, 4096);
	put64(sm + 8, 0x100000);
	send_msg(p.peer, PG_PROTO_SYNC_SYSMEM, sm, sizeof(sm), fds, 2);
	close(fds[0]);
	close(fds[1]);
	assert_int_equal(pg_proto_serve_one(p.conn, &none, NULL, NULL, NULL), 1);
	pair_close(&p);
	assert_int_equal(pg_test_open_fds(), before);
}

static void test_handler_failure(void **state)
{
	struct pair p;
	struct rec r = { .fail = -EIO, .irq = { -1, -1 } };
	struct pg_proto_error err = { 0, "" };

	pair_open(&p);
	send_cfg(p.peer, PG_PROTO_CFGREAD, 0x00, 0, 4);
	assert_int_equal(pg_proto_serve_one(p.conn, &rec_handler, &r, NULL, &err), -EIO);
	assert_true(read_ret(p.peer) == UINT64_MAX); /* QEMU reports this as a failure */
	assert_non_null(strstr(err.text, "CFGREAD handler failed"));
	/* the refused message is named with its fields, not just "handler failed" */
	assert_string_equal(err.text, "CFGREAD handler failed (addr 0x00, len 4): "
			    "Input/output error");
	send_cfg(p.peer, PG_PROTO_CFGWRITE, 0x04, 0x7, 2);
	assert_int_equal(pg_proto_serve_one(p.conn, &rec_handler, &r, NULL, &err), -EIO);
	assert_true(read_ret(p.peer) == UINT64_MAX);
	assert_string_equal(err.text, "CFGWRITE handler failed (addr 0x04, len 2, val 0x7): "
			    "Input/output error");
	pair_close(&p);
}

/* PG_PROTO_REFUSED: the request is answered as a failed operation (all ones) and the
 * connection goes on; the next message is served normally. */
static void test_handler_refused(void **state)
{
	struct pair p;
	struct rec r = { .fail = PG_PROTO_REFUSED, .irq = { -1, -1 } };
	struct pg_proto_error err = { 0, "" };
	enum pg_proto_cmd cmd = PG_PROTO_CMD_MAX;
	uint8_t b[2 * (PG_PROTO_HDR_SIZE + PG_PROTO_CFG_SIZE)], cfgp[PG_PROTO_CFG_SIZE] = { 0 };
	size_t n;

	(void)state;
	pair_open(&p);
	send_msg(p.peer, PG_PROTO_DEVICE_RESET, NULL, 0, NULL, 0);
	assert_int_equal(pg_proto_serve_one(p.conn, &rec_handler, &r, &cmd, &err), 1);
	assert_int_equal(cmd, PG_PROTO_DEVICE_RESET);
	assert_true(read_ret(p.peer) == UINT64_MAX);
	assert_string_equal(err.text, ""); /* no error to report */
	send_cfg(p.peer, PG_PROTO_CFGREAD, 0x00, 0, 4);
	assert_int_equal(pg_proto_serve_one(p.conn, &rec_handler, &r, NULL, &err), 1);
	assert_true(read_ret(p.peer) == UINT64_MAX); /* a refused read reads all ones */
	r.fail = 0;
	send_cfg(p.peer, PG_PROTO_CFGREAD, 0x00, 0, 2);
	assert_int_equal(pg_proto_serve_one(p.conn, &rec_handler, &r, NULL, &err), 1);
	assert_true(read_ret(p.peer) == 0x5678);
	assert_int_equal(r.resets, 1);
	assert_int_equal(r.cfg_reads, 2);
	assert_int_equal(pg_proto_conn_count(p.conn), 3);
	assert_int_equal(pg_proto_conn_buffered(p.conn), 0);
	/* two messages in one write: after the first is served the second is buffered (a
	 * caller polling the socket must not wait then), and then nothing is */
	put32(cfgp + 8, 4);
	n = build(b, PG_PROTO_CFGREAD, cfgp, sizeof(cfgp));
	n += build(b + n, PG_PROTO_CFGREAD, cfgp, sizeof(cfgp));
	assert_int_equal(send(p.peer, b, n, 0), (ssize_t)n);
	assert_int_equal(pg_proto_serve_one(p.conn, &rec_handler, &r, NULL, &err), 1);
	assert_int_equal(pg_proto_conn_buffered(p.conn), PG_PROTO_HDR_SIZE + PG_PROTO_CFG_SIZE);
	assert_int_equal(pg_proto_serve_one(p.conn, &rec_handler, &r, NULL, &err), 1);
	assert_int_equal(pg_proto_conn_buffered(p.conn), 0);
	assert_true(read_ret(p.peer) == 0x12345678 && read_ret(p.peer) == 0x12345678);
	assert_int_equal(pg_proto_conn_buffered(NULL), 0);
	pair_close(&p);
}

/* A failing SET_IRQFD handler must not leak the two fds. */
static void test_handler_failure_closes_fds(void **state)
{
	struct pair p;
	struct rec r = { .fail = -EINVAL, .irq = { -1, -1 } };
	unsigned before = pg_test_open_fds();
	int efd[2] = { eventfd(0, EFD_CLOEXEC), eventfd(0, EFD_CLOEXEC) };

	pair_open(&p);
	send_msg(p.peer, PG_PROTO_SET_IRQFD, NULL, 0, efd, 2);
	close(efd[0]);
	close(efd[1]);
	assert_int_equal(pg_proto_serve_one(p.conn, &rec_handler, &r, NULL, NULL), -EINVAL);
	pair_close(&p);
	assert_int_equal(pg_test_open_fds(), before);
}

/* Every invalid message is rejected and every fd it carried is closed. */
static void test_invalid_messages_close_fds(void **state)
{
	uint8_t cfg[PG_PROTO_CFG_SIZE] = { 0 }, sm[PG_PROTO_SYSMEM_SIZE] = { 0 };
	static const struct {
		int cmd;
		size_t size;
		unsigned nfds;
		const char *text;
	} cases[] = {
		{ PG_PROTO_CFGREAD, 12, 1, "CFGREAD: 1 fds, expected exactly 0" },
		{ PG_PROTO_CFGWRITE, 12, 3, "expected exactly 0" },
		{ PG_PROTO_DEVICE_RESET, 0, 1, "DEVICE_RESET: 1 fds" },
		{ PG_PROTO_SET_IRQFD, 0, 1, "SET_IRQFD: 1 fds, expected exactly 2" },
		{ PG_PROTO_SET_IRQFD, 0, 3, "SET_IRQFD: 3 fds" },
		{ PG_PROTO_SYNC_SYSMEM, 192, 0, "SYNC_SYSMEM: 0 fds, expected 1..8" },
		{ PG_PROTO_SYNC_SYSMEM, 192, 9, "more than 8 fds" },
		{ PG_PROTO_SYNC_SYSMEM, 192, 16, "more than 8 fds" },
		{ PG_PROTO_RET, 8, 2, "server reply" },
		{ 42, 0, 2, "unknown command 42" },
		{ PG_PROTO_CFGREAD, 500, 2, "exceeds the 192-byte limit" },
	};

	put32(cfg + 8, 4);
	for (unsigned i = 0; i < 16; i++)
		put64(sm + 64 + 8 * (i % 8), 4096), put64(sm + 8 * (i % 8), (uint64_t)i << 20);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct pair p;
		struct rec r = { .irq = { -1, -1 } };
		struct pg_proto_error err = { 0, "" };
		unsigned before = pg_test_open_fds();
		int fds[16];
		uint8_t b[PG_PROTO_HDR_SIZE + 192];
		size_t len;
		int rc;

		for (unsigned k = 0; k < cases[i].nfds; k++)
			fds[k] = eventfd(0, EFD_CLOEXEC);
		pair_open(&p);
		len = build(b, cases[i].cmd, cases[i].cmd == PG_PROTO_SYNC_SYSMEM ? sm : cfg,
			    cases[i].size > 192 ? 0 : cases[i].size);
		if (cases[i].size > 192)
			put64(b + 8, cases[i].size);
		send_fds(p.peer, b, len, fds, cases[i].nfds);
		for (unsigned k = 0; k < cases[i].nfds; k++)
			close(fds[k]);
		rc = pg_proto_serve_one(p.conn, &rec_handler, &r, NULL, &err);
		if (rc != -EPROTO || !strstr(err.text, cases[i].text))
			fail_msg("case %zu: rc %d '%s', expected '%s'", i, rc, err.text,
				 cases[i].text);
		assert_int_equal(r.cfg_reads + r.cfg_writes + r.sysmems + r.irqfds + r.resets, 0);
		pair_close(&p);
		if (pg_test_open_fds() != before)
			fail_msg("case %zu leaked %d fds", i, (int)(pg_test_open_fds() - before));
	}
}

/* fds may arrive on the payload instead of the header: they still count for the message. */
static void test_fds_on_payload(void **state)
{
	struct pair p;
	struct rec r = { .irq = { -1, -1 } };
	struct pg_proto_error err = { 0, "" };
	uint8_t b[PG_PROTO_HDR_SIZE + PG_PROTO_CFG_SIZE];
	uint8_t cfg[PG_PROTO_CFG_SIZE] = { 0 };
	unsigned before = pg_test_open_fds();
	int fd = eventfd(0, EFD_CLOEXEC);

	put32(cfg + 8, 4);
	pair_open(&p);
	build(b, PG_PROTO_CFGREAD, cfg, sizeof(cfg));
	send_fds(p.peer, b, PG_PROTO_HDR_SIZE, NULL, 0);
	send_fds(p.peer, b + PG_PROTO_HDR_SIZE, sizeof(cfg), &fd, 1);
	close(fd);
	assert_int_equal(pg_proto_serve_one(p.conn, &rec_handler, &r, NULL, &err), -EPROTO);
	assert_non_null(strstr(err.text, "1 fds"));
	pair_close(&p);
	assert_int_equal(pg_test_open_fds(), before);
}

/* An oversized header is rejected from the header alone: its payload is never read or
 * buffered. At most one maximum-size frame (header + 192 bytes) leaves the socket; the
 * announced payload beyond it stays unread. */
static void test_oversize_not_read(void **state)
{
	int sv[2];
	struct pg_proto_conn *c;
	struct pg_proto_error err = { 0, "" };
	struct pg_proto_msg m;
	uint8_t b[PG_PROTO_HDR_SIZE + 1024];
	int spy;

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
	spy = dup(sv[1]);
	assert_int_equal(pg_proto_conn_new_socket(sv[1], &c), 0);
	memset(b, 0x5a, sizeof(b));
	build(b, PG_PROTO_CFGREAD, NULL, 0);
	put64(b + 8, 1024);
	send_fds(sv[0], b, sizeof(b), NULL, 0);
	assert_int_equal(pg_proto_recv(c, &m, &err), -EPROTO);
	assert_non_null(strstr(err.text, "size 1024"));
	assert_int_equal(recv(spy, b, sizeof(b), MSG_DONTWAIT),
			 (ssize_t)(sizeof(b) - PG_PROTO_HDR_SIZE - PG_PROTO_MAX_PAYLOAD));
	pg_proto_conn_free(c);
	close(spy);
	close(sv[0]);
}

/* ---- one receive call per message, over a real socket ------------------------------- */

struct counted {
	int fd;
	unsigned calls;
};

/* recvmsg exactly as the socket transport does it, counting the calls. */
static ssize_t counted_recv(void *ctx, void *buf, size_t len, int fds[PG_PROTO_MAX_FDS],
			    unsigned *nfds, bool *ctrunc)
{
	struct counted *k = ctx;
	union {
		char buf[CMSG_SPACE(PG_PROTO_MAX_FDS * sizeof(int))];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = { .iov_base = buf, .iov_len = len };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.buf,
			     .msg_controllen = sizeof(ctl.buf) };
	ssize_t n;

	k->calls++;
	*nfds = 0;
	*ctrunc = (bool)false;
	n = recvmsg(k->fd, &mh, MSG_CMSG_CLOEXEC);
	if (n < 0)
		return -errno;
	for (struct cmsghdr *cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm)) {
		size_t nf = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);

		for (size_t i = 0; i < nf && *nfds < PG_PROTO_MAX_FDS; i++)
			memcpy(&fds[(*nfds)++], CMSG_DATA(cm) + i * sizeof(int), sizeof(int));
	}
	return n;
}

static int counted_send(void *ctx, const void *buf, size_t len)
{
	struct counted *k = ctx;

	return send(k->fd, buf, len, MSG_NOSIGNAL) == (ssize_t)len ? 0 : -EIO;
}

static const struct pg_proto_transport counted_tp = { counted_recv, counted_send, NULL };

/* QEMU sends one message per sendmsg and waits for each reply: every message is read with
 * one receive call. A message queued behind another (an unsolicited SYNC_SYSMEM behind a
 * request) is kept for the next call, and its fds stay with it (the kernel ends a read
 * after the segment that carried fds). */
static void test_one_recv_per_message(void **state)
{
	static const int cmds[] = { PG_PROTO_SYNC_SYSMEM, PG_PROTO_SET_IRQFD, PG_PROTO_CFGREAD,
				    PG_PROTO_BAR_READ, PG_PROTO_CFGWRITE, PG_PROTO_BAR_WRITE,
				    PG_PROTO_DEVICE_RESET };
	struct rec r = { .irq = { -1, -1 } };
	struct pg_proto_error err = { 0, "" };
	uint8_t cfg[PG_PROTO_CFG_SIZE] = { 0 }, bar[PG_PROTO_BAR_SIZE] = { 0 };
	unsigned before = pg_test_open_fds();
	int sv[2], ram = memfd_of(0x200000), ev[2];
	struct counted k;
	struct pg_proto_conn *c;
	enum pg_proto_cmd cmd;

	put32(cfg + 8, 4);
	put32(bar + 16, 4);
	bar[20] = 1;
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
	k.fd = sv[1];
	k.calls = 0;
	assert_int_equal(pg_proto_conn_new(&counted_tp, &k, &c), 0);
	for (unsigned i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		if (cmds[i] == PG_PROTO_SYNC_SYSMEM) {
			send_sysmem(sv[0], ram);
		} else if (cmds[i] == PG_PROTO_SET_IRQFD) {
			ev[0] = eventfd(0, EFD_CLOEXEC);
			ev[1] = eventfd(0, EFD_CLOEXEC);
			send_msg(sv[0], PG_PROTO_SET_IRQFD, NULL, 0, ev, 2);
			close(ev[0]);
			close(ev[1]);
		} else if (cmds[i] == PG_PROTO_CFGREAD || cmds[i] == PG_PROTO_CFGWRITE) {
			send_msg(sv[0], cmds[i], cfg, sizeof(cfg), NULL, 0);
		} else if (cmds[i] == PG_PROTO_DEVICE_RESET) {
			send_msg(sv[0], cmds[i], NULL, 0, NULL, 0);
		} else {
			send_msg(sv[0], cmds[i], bar, sizeof(bar), NULL, 0);
		}
		if (pg_proto_serve_one(c, &rec_handler, &r, &cmd, &err) != 1)
			fail_msg("%s: %s", pg_proto_cmd_name(cmds[i]), err.text);
		assert_int_equal(cmd, cmds[i]);
		if (k.calls != i + 1)
			fail_msg("%s: %u receive calls for %u messages", pg_proto_cmd_name(cmds[i]),
				 k.calls, i + 1);
		if (cmds[i] != PG_PROTO_SYNC_SYSMEM && cmds[i] != PG_PROTO_SET_IRQFD)
			(void)read_ret(sv[0]);
	}
	/* A request with an unsolicited SYNC_SYSMEM queued behind it: two messages, at most
	 * two calls, the fds go to SYNC_SYSMEM and the request is accepted without fds. */
	send_msg(sv[0], PG_PROTO_CFGREAD, cfg, sizeof(cfg), NULL, 0);
	send_sysmem(sv[0], ram);
	k.calls = 0;
	assert_int_equal(pg_proto_serve_one(c, &rec_handler, &r, &cmd, &err), 1);
	assert_int_equal(cmd, PG_PROTO_CFGREAD);
	assert_int_equal(pg_proto_serve_one(c, &rec_handler, &r, &cmd, &err), 1);
	assert_int_equal(cmd, PG_PROTO_SYNC_SYSMEM);
	assert_true(k.calls <= 2);
	assert_int_equal(r.sysmems, 2);
	(void)read_ret(sv[0]);
	close(sv[0]);
	assert_int_equal(pg_proto_serve_one(c, &rec_handler, &r, &cmd, &err), 0);
	pg_proto_conn_free(c);
	close(sv[1]);
	close(r.irq[0]);
	close(r.irq[1]);
	close(ram);
	assert_int_equal(pg_test_open_fds(), before);
}

/* EOF inside the header and inside the payload is an error; at the boundary it is not. */
static void test_eof(void **state)
{
	uint8_t b[PG_PROTO_HDR_SIZE + PG_PROTO_CFG_SIZE], cfg[PG_PROTO_CFG_SIZE] = { 0 };
	static const size_t cut[] = { 0, 1, 8, 15, 16, 17, 27 };

	put32(cfg + 8, 4);
	build(b, PG_PROTO_CFGREAD, cfg, sizeof(cfg));
	for (size_t i = 0; i < sizeof(cut) / sizeof(cut[0]); i++) {
		struct pair p;
		struct pg_proto_msg m;
		struct pg_proto_error err = { 0, "" };
		int rc;

		pair_open(&p);
		if (cut[i])
			send_fds(p.peer, b, cut[i], NULL, 0);
		close(p.peer);
		rc = pg_proto_recv(p.conn, &m, &err);
		if (cut[i] == 0) {
			assert_int_equal(rc, 0);
		} else {
			assert_int_equal(rc, -EPROTO);
			assert_non_null(strstr(err.text, "EOF after"));
			assert_non_null(strstr(err.text, cut[i] < 16 ? "header" : "payload"));
		}
		pg_proto_conn_free(p.conn);
	}
}

/* ---- a transport that returns one byte per call (short reads everywhere) --------------- */

struct trickle {
	const uint8_t *data;
	size_t len, pos;
	int fd_at;          /* give one real fd when pos == fd_at, -1: never */
	uint8_t sent[64];
	size_t nsent;
};

static ssize_t trickle_recv(void *ctx, void *buf, size_t len, int fds[PG_PROTO_MAX_FDS],
			    unsigned *nfds, bool *ctrunc)
{
	struct trickle *t = ctx;

	*nfds = 0;
	*ctrunc = false;
	if (t->pos >= t->len)
		return 0;
	if (t->fd_at >= 0 && t->pos == (size_t)t->fd_at) {
		fds[0] = eventfd(0, EFD_CLOEXEC);
		fds[1] = eventfd(0, EFD_CLOEXEC);
		*nfds = 2;
	}
	((uint8_t *)buf)[0] = t->data[t->pos++];
	return len ? 1 : 0;
}

static int trickle_send(void *ctx, const void *buf, size_t len)
{
	struct trickle *t = ctx;

	if (t->nsent + len > sizeof(t->sent))
		return -ENOSPC;
	memcpy(t->sent + t->nsent, buf, len);
	t->nsent += len;
	return 0;
}

static const struct pg_proto_transport trickle_tp = { trickle_recv, trickle_send, NULL };

static void test_short_reads(void **state)
{
	uint8_t stream[2 * (PG_PROTO_HDR_SIZE + PG_PROTO_CFG_SIZE) + PG_PROTO_HDR_SIZE];
	uint8_t cfg[PG_PROTO_CFG_SIZE] = { 0 };
	struct trickle t = { .data = stream, .fd_at = 40 }; /* fds arrive mid-second-message */
	struct rec r = { .irq = { -1, -1 } };
	struct pg_proto_conn *c;
	struct pg_proto_error err = { 0, "" };
	enum pg_proto_cmd cmd;
	unsigned before = pg_test_open_fds();
	size_t n;

	put32(cfg, 0x08);
	put32(cfg + 8, 4);
	n = build(stream, PG_PROTO_CFGREAD, cfg, sizeof(cfg));
	n += build(stream + n, PG_PROTO_SET_IRQFD, NULL, 0);
	t.fd_at = (int)n - 3;
	n += build(stream + n, PG_PROTO_CFGREAD, cfg, sizeof(cfg));
	t.len = n;
	assert_int_equal(pg_proto_conn_new(&trickle_tp, &t, &c), 0);
	assert_int_equal(pg_proto_serve_one(c, &rec_handler, &r, &cmd, &err), 1);
	assert_int_equal(r.addr, 8);
	assert_int_equal(t.nsent, PG_PROTO_REPLY_SIZE);
	assert_int_equal(pg_proto_serve_one(c, &rec_handler, &r, &cmd, &err), 1);
	assert_int_equal(cmd, PG_PROTO_SET_IRQFD);
	assert_int_equal(r.irqfds, 1);
	assert_int_equal(pg_proto_serve_one(c, &rec_handler, &r, &cmd, &err), 1);
	assert_int_equal(pg_proto_serve_one(c, &rec_handler, &r, &cmd, &err), 0);
	assert_int_equal(t.nsent, 2 * PG_PROTO_REPLY_SIZE);
	pg_proto_conn_free(c);
	close(r.irq[0]);
	close(r.irq[1]);
	assert_int_equal(pg_test_open_fds(), before);
}

/* ---- SYNC_SYSMEM at scale --------------------------------------------------------------- */

static void send_sysmem(int sk, int ram)
{
	uint8_t sm[PG_PROTO_SYSMEM_SIZE] = { 0 };
	int fds[2] = { dup(ram), dup(ram) }; /* QEMU sends fresh dups every time */

	put64(sm + 0, 0);
	put64(sm + 64, 0xa0000);
	put64(sm + 128, 0);
	put64(sm + 8, 0x100000);
	put64(sm + 72, 0x100000);
	put64(sm + 136, 0x100000);
	send_msg(sk, PG_PROTO_SYNC_SYSMEM, sm, sizeof(sm), fds, 2);
	close(fds[0]);
	close(fds[1]);
}

static void test_sysmem_no_leak(void **state)
{
	struct pair p;
	struct rec r = { .irq = { -1, -1 } };
	struct pg_proto_error err = { 0, "" };
	unsigned before = pg_test_open_fds(), held;
	int ram = memfd_of(0x200000);
	uint32_t magic = 0xc0ffee11, got = 0;

	assert_int_equal(pg_sysmem_new(&r.mem), 0);
	pair_open(&p);
	/* QEMU sends 84 per boot; thousands prove the table stays bounded. */
	for (unsigned i = 0; i < 3000; i++) {
		send_sysmem(p.peer, ram);
		if (pg_proto_serve_one(p.conn, &rec_handler, &r, NULL, &err) != 1)
			fail_msg("message %u: %s", i, err.text);
		if (i == 0)
			held = pg_test_open_fds();
		else if (pg_test_open_fds() != held)
			fail_msg("message %u: %u fds open, expected %u", i, pg_test_open_fds(), held);
		if (i % 500 == 0) { /* map, then replace: the old mapping must go too */
			assert_int_equal(pg_sysmem_write(r.mem, 0x100010, &magic, 4), 0);
			assert_int_equal(pg_sysmem_read(r.mem, 0x100010, &got, 4), 0);
			assert_int_equal(got, magic);
		}
	}
	assert_int_equal(r.sysmems, 3000);
	assert_int_equal(pg_sysmem_count(r.mem), 2);
	/* table (2 fds) + socket pair (2) + ram (1) */
	assert_int_equal(held, before + 5);
	assert_int_equal(pread(ram, &got, 4, 0x100010), 4);
	assert_int_equal(got, magic);
	pair_close(&p);
	pg_sysmem_free(r.mem);
	close(ram);
	assert_int_equal(pg_test_open_fds(), before);
}

static void test_conn_args(void **state)
{
	struct pg_proto_conn *c = NULL;
	int pfd[2];
	int dg[2];

	assert_int_equal(pg_proto_conn_new(NULL, NULL, &c), -EINVAL);
	assert_int_equal(pg_proto_conn_new_socket(-1, &c), -EINVAL);
	assert_int_equal(pipe2(pfd, O_CLOEXEC), 0);
	assert_int_equal(pg_proto_conn_new_socket(pfd[0], &c), -ENOTSOCK);
	close(pfd[0]);
	close(pfd[1]);
	assert_int_equal(socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, dg), 0);
	assert_int_equal(pg_proto_conn_new_socket(dg[0], &c), -ENOTSOCK);
	close(dg[0]);
	close(dg[1]);
	/* a stream socket that is not connected (listening, or fresh) is no connection */
	dg[0] = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(dg[0] >= 0);
	assert_int_equal(pg_proto_conn_new_socket(dg[0], &c), -ENOTCONN);
	{
		struct sockaddr_un sa = { .sun_family = AF_UNIX };

		snprintf(sa.sun_path + 1, sizeof(sa.sun_path) - 1, "pg-test-%d", (int)getpid());
		assert_int_equal(bind(dg[0], (struct sockaddr *)&sa, sizeof(sa)), 0);
	}
	assert_int_equal(listen(dg[0], 1), 0);
	assert_int_equal(pg_proto_conn_new_socket(dg[0], &c), -ENOTCONN);
	close(dg[0]);
	assert_null(c);
	assert_int_equal(pg_proto_serve_one(NULL, &rec_handler, NULL, NULL, NULL), -EINVAL);
	assert_int_equal(pg_proto_send_ret(NULL, 0), -EINVAL);
	pg_proto_conn_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dispatch_and_replies),
		cmocka_unit_test(test_null_ops),
		cmocka_unit_test(test_handler_failure),
		cmocka_unit_test(test_handler_refused),
		cmocka_unit_test(test_handler_failure_closes_fds),
		cmocka_unit_test(test_invalid_messages_close_fds),
		cmocka_unit_test(test_fds_on_payload),
		cmocka_unit_test(test_oversize_not_read),
		cmocka_unit_test(test_one_recv_per_message),
		cmocka_unit_test(test_eof),
		cmocka_unit_test(test_short_reads),
		cmocka_unit_test(test_sysmem_no_leak),
		cmocka_unit_test(test_conn_args),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
