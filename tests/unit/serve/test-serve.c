/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Tests of the serve module (src/lib/serve/) in-process, without the sandbox (the
 * functional serve-* tests run the real `pcigate serve`, sandbox included):
 * pg_guest_open() for a dump (first device, count of the others), a missing live device
 * and a bad policy, with the one-line errors; a server over a socketpair answering a
 * request, closing on a bad message with the message named and the device quiesced,
 * ending cleanly at EOF with its summary, and writing the backend trace to the caller's
 * fd; argument errors.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <syslog.h>
#include <unistd.h>

#include <cmocka.h>

#include <pcigate/pcigate.h>

#define NVME "144d-a808_samsung-electronics-co-nvme-ssd-controller-sm981_256.txt"

static char nvme[4096];

static int setup(void **state)
{
	const char *dir = getenv("PG_CORPUS");

	(void)state;
	if (!dir)
		return -1;
	snprintf(nvme, sizeof(nvme), "%s/%s", dir, NVME);
	return 0;
}

/* ---- pg_guest_open() -------------------------------------------------------------------- */

static void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

static void test_guest_open(void **state)
{
	char dir[] = "/tmp/pg-serve-unit-XXXXXX", two[128], pol[128];
	struct pg_guest_error err = { "" };
	struct pg_guest_dev g;
	uint32_t v = 0;

	(void)state;
	assert_int_equal(pg_guest_open(nvme, NULL, NULL, &g, &err), 0);
	assert_false(g.live);
	assert_int_equal(g.ndevs, 1);
	assert_null(g.policy);
	assert_int_equal(g.ids, 0xa808144d);
	assert_int_equal(pg_backend_cfg_read(g.be, 0, 2, &v), 0);
	assert_int_equal(v, 0x144d);
	pg_guest_close(&g);
	assert_null(g.be);

	assert_non_null(mkdtemp(dir));
	snprintf(two, sizeof(two), "%s/two.txt", dir);
#define DEV64 "00: 86 80 d3 10 00 00 10 00 01 00 00 02 00 00 00 00\n" \
	      "10: 00 00 bf fe 00 00 00 00 00 00 00 00 00 00 00 00\n" \
	      "20: 00 00 00 00 00 00 00 00 00 00 00 00 86 80 00 00\n" \
	      "30: 00 00 00 00 00 00 00 00 00 00 00 00 00 01 00 00\n"
	write_text(two, "01:00.0 first\n" DEV64 "\n02:00.0 second\n" DEV64);
	assert_int_equal(pg_guest_open(two, NULL, NULL, &g, &err), 0);
	assert_int_equal(g.ndevs, 2);
	assert_string_equal(g.slot, "01:00.0");
	assert_string_equal(g.desc, "first");
	pg_guest_close(&g);

	/* a BDF under an empty sysfs tree: no such device, named */
	memset(&g, 0x5a, sizeof(g));
	assert_int_equal(pg_guest_open("0000:07:00.0", NULL, dir, &g, &err), -ENODEV);
	assert_string_equal(err.msg, "0000:07:00.0: no such PCI device");
	/* a malformed policy: the error names the file and the line */
	snprintf(pol, sizeof(pol), "%s/bad.yaml", dir);
	write_text(pol, "version: [\n");
	assert_true(pg_guest_open(nvme, pol, NULL, &g, &err) < 0);
	assert_true(strncmp(err.msg, "--policy ", 9) == 0);
	assert_non_null(strstr(err.msg, "bad.yaml"));
	/* a malformed dump: file and line */
	write_text(two, "01:00.0 x\n00: zz\n");
	assert_int_equal(pg_guest_open(two, NULL, NULL, &g, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "two.txt:2: "));
	assert_int_equal(pg_guest_open(NULL, NULL, NULL, &g, &err), -EINVAL);
	assert_int_equal(pg_guest_open(nvme, NULL, NULL, NULL, NULL), -EINVAL);
	unlink(two);
	unlink(pol);
	rmdir(dir);
}

/* ---- a server ---------------------------------------------------------------------------- */

struct logs {
	char text[8192];
	size_t n;
};

static void logger(void *data, int level, const char *msg)
{
	struct logs *l = data;

	l->n += (size_t)snprintf(l->text + l->n, sizeof(l->text) - l->n, "%d %s\n", level, msg);
	if (l->n >= sizeof(l->text))
		l->n = sizeof(l->text) - 1;
}

static void send_cfgread(int sk, uint32_t addr, int32_t len)
{
	uint8_t m[PG_PROTO_HDR_SIZE + PG_PROTO_CFG_SIZE] = { 0 };
	uint32_t cmd = PG_PROTO_CFGREAD;
	uint64_t size = PG_PROTO_CFG_SIZE;

	memcpy(m, &cmd, 4);
	memcpy(m + 8, &size, 8);
	memcpy(m + 16, &addr, 4);
	memcpy(m + 24, &len, 4);
	assert_int_equal(send(sk, m, sizeof(m), MSG_NOSIGNAL), (ssize_t)sizeof(m));
}

static uint64_t reply(int sk)
{
	uint8_t b[PG_PROTO_REPLY_SIZE];
	uint64_t v;

	assert_int_equal(recv(sk, b, sizeof(b), MSG_WAITALL), (ssize_t)sizeof(b));
	memcpy(&v, b + 16, 8);
	return v;
}

static void config(struct pg_serve_config *c, struct logs *l)
{
	pg_serve_config_init(c);
	c->device = nvme;
	c->no_sandbox = true;
	c->log = logger;
	c->log_data = l;
}

/* pg_guest_check(): HIGH findings refuse (naming code and why), force or a matching policy
 * entry accept, a clean device passes; bridges are left to the mediator. */
static void test_guest_check(void **state)
{
	char dir[] = "/tmp/pg-serve-unit-XXXXXX", bad[128], pol[128];
	struct pg_guest_error err = { "" };
	struct pg_guest_dev g;

	(void)state;
	assert_int_equal(pg_guest_open(nvme, NULL, NULL, &g, &err), 0);
	assert_int_equal(pg_guest_check(&g, nvme, false, &err), 0);
	pg_guest_close(&g);

	assert_non_null(mkdtemp(dir));
	snprintf(bad, sizeof(bad), "%s/bad.txt", dir);
	/* An endpoint whose capability pointer (0x34) points at itself: a loop (HIGH). */
	write_text(bad, "01:00.0 looping\n"
		   "00: 86 80 d3 10 00 00 10 00 01 00 00 02 00 00 00 00\n"
		   "10: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00\n"
		   "20: 00 00 00 00 00 00 00 00 00 00 00 00 86 80 00 00\n"
		   "30: 00 00 00 00 40 00 00 00 00 00 00 00 00 01 00 00\n"
		   "40: 01 40 03 00 00 00 00 00 00 00 00 00 00 00 00 00\n");
	assert_int_equal(pg_guest_open(bad, NULL, NULL, &g, &err), 0);
	assert_int_equal(pg_guest_check(&g, bad, false, &err), -EPERM);
	assert_non_null(strstr(err.msg, "rates it HIGH (cap-chain-malformed: "));
	assert_non_null(strstr(err.msg, bad));
	assert_int_equal(pg_guest_check(&g, bad, true, &err), 0);
	assert_int_equal(pg_guest_check(NULL, bad, true, &err), -EINVAL);
	pg_guest_close(&g);

	snprintf(pol, sizeof(pol), "%s/p.yaml", dir);
	write_text(pol, "version: 1\ndevices:\n  - match: \"8086:10d3\"\n    profile: guest\n");
	assert_int_equal(pg_guest_open(bad, pol, NULL, &g, &err), 0);
	assert_non_null(g.entry);
	assert_int_equal(pg_guest_check(&g, bad, false, &err), 0);
	pg_guest_close(&g);
	assert_int_equal(unlink(pol), 0);
	assert_int_equal(unlink(bad), 0);
	assert_int_equal(rmdir(dir), 0);
}

static void test_serve_bad_message(void **state)
{
	struct logs l = { "", 0 };
	struct pg_serve_config c;
	struct pg_serve *s = NULL;
	int sv[2], trace = memfd_create("trace", MFD_CLOEXEC);
	char buf[16384];
	ssize_t n;

	(void)state;
	config(&c, &l);
	c.trace_fd = trace;
	assert_true(trace >= 0);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
	assert_int_equal(pg_serve_new(&c, &s), 0);
	assert_int_equal(pg_serve_loop(s), -EINVAL); /* not attached */
	send_cfgread(sv[0], 0, 2);
	send_cfgread(sv[0], 0, 3); /* len 3: a protocol error */
	assert_int_equal(pg_serve_attach(s, sv[1]), 0);
	assert_int_equal(pg_serve_loop(s), PG_SERVE_CLOSED);
	assert_int_equal(reply(sv[0]), 0x144d);
	assert_non_null(strstr(l.text, "3 " NVME ": closing the connection after message 2: "
				"CFGREAD: len 3 is not 1, 2 or 4"));
	assert_non_null(strstr(l.text, "5 " NVME ": device quiesced"));
	pg_serve_free(s);
	close(sv[0]);
	/* the trace on the caller's fd: start, the quiesce and the final config */
	n = pread(trace, buf, sizeof(buf) - 1, 0);
	assert_true(n > 0);
	buf[n] = 0;
	assert_non_null(strstr(buf, "{\"device\":\"" NVME "\",\"trace\":\"start\",\"config\":\"4d14"));
	assert_non_null(strstr(buf, "\"trace\":\"quiesce\",\"why\":\"error\""));
	assert_non_null(strstr(buf, "\"trace\":\"final\""));
	assert_true(fcntl(trace, F_GETFD) >= 0); /* the caller's fd stays open */
	close(trace);
}

static void test_serve_eof(void **state)
{
	struct logs l = { "", 0 };
	struct pg_serve_config c;
	struct pg_serve *s = NULL;
	int sv[2], pipefd[2];

	(void)state;
	config(&c, &l);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
	assert_int_equal(pg_serve_new(&c, &s), 0);
	send_cfgread(sv[0], 2, 2);
	assert_int_equal(shutdown(sv[0], SHUT_WR), 0);
	assert_int_equal(pg_serve_attach(s, sv[1]), 0);
	assert_int_equal(pg_serve_attach(s, -1), -EINVAL); /* once */
	assert_int_equal(pg_serve_loop(s), 0);
	assert_int_equal(reply(sv[0]), 0xa808);
	assert_non_null(strstr(l.text, "6 " NVME ": 1 messages: cfg 1 R / 0 W"));
	assert_null(strstr(l.text, "quiesced")); /* a clean end leaves the device alone */
	pg_serve_free(s);
	close(sv[0]);

	/* attach refuses what is not a connected AF_UNIX stream socket (and closes it) */
	assert_int_equal(pg_serve_new(&c, &s), 0);
	assert_int_equal(pipe2(pipefd, O_CLOEXEC), 0);
	assert_int_equal(pg_serve_attach(s, pipefd[0]), -ENOTSOCK);
	pg_serve_free(s);
	assert_int_equal(fcntl(pipefd[0], F_GETFD), -1);
	close(pipefd[1]);
}

/* Waiting for QEMU on --socket: a readable watch fd (a vfio device's request eventfd)
 * ends the wait with PG_SERVE_RELEASED and removes the socket; without it, a connection
 * is accepted as before. */
static void test_accept_watch(void **state)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char dir[] = "/tmp/pg-serve-unit-XXXXXX", path[sizeof(sa.sun_path)], why[256];
	int lfd, cfd = -1, ev = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK), peer;
	uint64_t one = 1;
	bool stale = true;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/s.sock", dir);
	assert_true(ev >= 0);
	assert_int_equal(pg_serve_listen(path, &lfd, &stale, why, sizeof(why)), 0);
	assert_false(stale);
	assert_int_equal(write(ev, &one, 8), 8);
	assert_int_equal(pg_serve_accept_watch(lfd, path, ev, &cfd, why, sizeof(why)),
			 PG_SERVE_RELEASED);
	assert_non_null(strstr(why, "the kernel asks for the device back"));
	assert_int_equal(cfd, -1);
	assert_int_equal(access(path, F_OK), -1); /* removed */
	assert_true(fcntl(lfd, F_GETFD) < 0);      /* closed */

	/* a connection that is already there is taken when the watch fd is quiet */
	assert_int_equal(read(ev, &one, 8), 8);
	assert_int_equal(pg_serve_listen(path, &lfd, &stale, why, sizeof(why)), 0);
	peer = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	assert_int_equal(connect(peer, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(pg_serve_accept_watch(lfd, path, ev, &cfd, why, sizeof(why)), 0);
	assert_true(cfd >= 0);
	close(cfd);
	close(peer);
	assert_int_equal(pg_serve_request_fd(NULL), -1);
	close(ev);
	assert_int_equal(rmdir(dir), 0);
}

static void test_serve_args(void **state)
{
	struct logs l = { "", 0 };
	struct pg_serve_config c;
	struct pg_serve *s = (struct pg_serve *)0x1;

	(void)state;
	config(&c, &l);
	assert_int_equal(pg_serve_new(NULL, &s), -EINVAL);
	assert_int_equal(pg_serve_new(&c, NULL), -EINVAL);
	c.device = "/nonexistent/dump.txt";
	assert_true(pg_serve_new(&c, &s) < 0);
	assert_ptr_equal(s, (struct pg_serve *)0x1);
	assert_non_null(strstr(l.text, "3 /nonexistent/dump.txt: "));
	pg_serve_free(NULL);
	pg_serve_config_init(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_guest_open),
		cmocka_unit_test(test_guest_check),
		cmocka_unit_test(test_serve_bad_message),
		cmocka_unit_test(test_serve_eof),
		cmocka_unit_test(test_accept_watch),
		cmocka_unit_test(test_serve_args),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
