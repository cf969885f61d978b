/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The vhost-user front end against scripted back-end replies, one row per malformed reply.
 * Oracle: QEMU docs/interop/vhost-user.rst ("Message specification": a reply carries
 * version 1 and the REPLY flag, echoes the request, and GET_FEATURES answers with a u64
 * payload of exactly 8 bytes and no file descriptors). Every row must fail closed with the
 * documented error, audit one "transport" record, and leave no file descriptor behind.
 */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include <pcigate/virtio.h>

#include "fdcount.h"
#include "vhu-listen.h"

#define F_VERSION_1 (1ull << 32)

enum act { OK, WRONG_REQ, NO_REPLY_FLAG, VERSION_2, SIZE_4, SIZE_HUGE, WITH_FD, SHORT_EOF,
	   SILENT, NO_VERSION_1 };

struct row {
	const char *name;
	enum act act;
	int rc;
};

static const struct row rows[] = {
	{ "ok", OK, 0 },
	{ "wrong-request", WRONG_REQ, -EPROTO },
	{ "no-reply-flag", NO_REPLY_FLAG, -EPROTO },
	{ "version-2", VERSION_2, -EPROTO },
	{ "size-4", SIZE_4, -EPROTO },
	{ "size-huge", SIZE_HUGE, -EPROTO },
	{ "fd-attached", WITH_FD, -EPROTO },
	{ "short-then-eof", SHORT_EOF, -EPIPE },
	{ "silent", SILENT, -ETIMEDOUT },
	{ "no-version-1", NO_VERSION_1, -ENOTSUP },
};

struct srv {
	int lsock;
	enum act act;
};

static void send_reply(int c, enum act a)
{
	uint32_t h[3] = { 1, 1u | 4u, 8 };
	uint64_t feat = a == NO_VERSION_1 ? 0 : F_VERSION_1;
	uint8_t msg[20];
	union { char b[CMSG_SPACE(sizeof(int))]; struct cmsghdr al; } u;
	struct iovec iov = { msg, sizeof(msg) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	int efd = -1;

	if (a == WRONG_REQ)
		h[0] = 2;
	if (a == NO_REPLY_FLAG)
		h[1] = 1;
	if (a == VERSION_2)
		h[1] = 2u | 4u;
	if (a == SIZE_4)
		h[2] = 4;
	if (a == SIZE_HUGE)
		h[2] = 0x7fffffff;
	memcpy(msg, h, 12);
	memcpy(msg + 12, &feat, 8);
	if (a == SHORT_EOF)
		iov.iov_len = 16;
	if (a == WITH_FD) {
		struct cmsghdr *cm;

		efd = eventfd(0, EFD_CLOEXEC);
		mh.msg_control = u.b;
		mh.msg_controllen = sizeof(u.b);
		cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cm), &efd, sizeof(int));
	}
	(void)sendmsg(c, &mh, MSG_NOSIGNAL);
	if (efd >= 0)
		close(efd);
}

/* Answer GET_FEATURES as the row says; swallow everything else until EOF. */
static void *serve(void *arg)
{
	struct srv *s = arg;
	int c = accept(s->lsock, NULL, NULL);
	uint8_t buf[4096];
	ssize_t n;

	if (c < 0)
		return NULL;
	n = recv(c, buf, sizeof(buf), 0);
	if (n >= 12 && s->act != SILENT)
		send_reply(c, s->act);
	if (s->act == SHORT_EOF) {
		close(c);
		return NULL;
	}
	while (recv(c, buf, sizeof(buf), 0) > 0)
		;
	close(c);
	return NULL;
}

static void audit(void *data, const struct pg_virtio_audit *rec)
{
	unsigned *n = data;

	assert_int_equal(rec->fault, PG_VQ_FAULT_TRANSPORT);
	assert_int_equal(rec->verdict, PG_VQ_FAILED);
	(*n)++;
}

static void run_row(const struct row *r)
{
	struct vhu_listen l;
	struct srv s = { -1, r->act };
	struct pg_vhu_config c = { .timeout_ms = 1000, .mem_bytes = 1u << 20, .audit = audit };
	struct pg_vhu *v = NULL;
	unsigned audits = 0, fds;
	uint64_t feat = 0;
	pthread_t th;
	int rc;

	print_message("row %s\n", r->name);
	vhu_listen(&l);
	s.lsock = l.sock;
	assert_int_equal(pthread_create(&th, NULL, serve, &s), 0);
	fds = pg_test_open_fds();
	c.audit_data = &audits;
	assert_int_equal(pg_vhu_open(l.path, &c, &v), 0);
	rc = pg_vhu_negotiate(v, F_VERSION_1, F_VERSION_1, &feat);
	assert_int_equal(rc, r->rc);
	assert_int_equal(audits, r->rc ? 1 : 0);
	if (!rc)
		assert_int_equal(feat, F_VERSION_1);
	pg_vhu_close(v);
	assert_int_equal(pthread_join(th, NULL), 0);
	/* every fd the reply carried and every fd of the connection is closed */
	assert_int_equal(pg_test_open_fds(), fds);
	vhu_unlisten(&l);
}

static void test_replies(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		run_row(&rows[i]);
}

static void test_args(void **state)
{
	struct pg_vhu *v = NULL;
	struct pg_vhu_config big = { .mem_bytes = (size_t)2 << 30 };
	char longpath[200];

	(void)state;
	memset(longpath, 'a', sizeof(longpath) - 1);
	longpath[sizeof(longpath) - 1] = 0;
	assert_int_equal(pg_vhu_open(longpath, NULL, &v), -EINVAL);
	assert_int_equal(pg_vhu_open("/nonexistent/pcigate.sock", &big, &v), -EINVAL);
	assert_int_equal(pg_vhu_open("/nonexistent/pcigate.sock", NULL, &v), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_replies),
		cmocka_unit_test(test_args),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
