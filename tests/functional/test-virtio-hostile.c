/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The hardened virtio-blk driver against a hostile vhost-user back end (vhost-hostile.c),
 * one row per misbehaviour. Oracle per row (from virtio 1.2 §2.7/§2.8/§5.2 and the
 * vhost-user protocol, not from the driver): whether opening succeeds, the error of I/O on
 * the misbehaving queue 0, the audit rule and verdict of the one record about it, and
 * whether queue 1 still moves data correctly afterwards (a write then a read-back of a
 * pattern). Every wait is bounded (the back end's timeout is 2 s, the back end itself
 * dies after 60 s), so the driver can never hang the test. Closing stops every ring with
 * GET_VRING_BASE (vhost-user.rst): it must end within one timeout whatever the back end
 * does, and where the back end behaves, the bases it reports are checked (stop_bases()).
 *
 * Usage: test-virtio-hostile PATH-TO-vhost-hostile
 */
#include <errno.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <pcigate/virtio.h>

extern char **environ;

struct row {
	const char *scenario;
	bool packed, in_order;
	enum pg_vq_len_policy pol;
	int open_rc;          /* expected pg_vblk_open() result */
	int io_rc;            /* expected result of I/O on queue 0 */
	const char *rule;     /* audit rule of the one record, NULL: none */
	const char *verdict;
	bool q1_works;
	unsigned nrec;        /* audit records expected when rule is set; 0 means 1 */
};

static const struct row rows[] = {
	{ "ok", false, false, 0, 0, 0, NULL, NULL, true, 0 },
	{ "idx-ahead", false, false, 0, 0, -EIO, "used-idx-range", "broken", true, 0 },
	{ "idx-back", false, false, 0, 0, -EIO, "used-idx-range", "broken", true, 0 },
	{ "id-range", false, false, 0, 0, -EIO, "id-range", "broken", true, 0 },
	{ "id-not-in-flight", false, false, 0, 0, -EIO, "id-not-in-flight", "broken", true, 0 },
	{ "id-twice", false, false, 0, 0, -EIO, "id-not-in-flight", "broken", true, 0 },
	{ "len-large", false, false, PG_VQ_LEN_CLAMP, 0, 0, "len-too-large", "clamped", true, 0 },
	{ "len-large", false, false, PG_VQ_LEN_REJECT, 0, -EIO, "len-too-large", "broken", true, 0 },
	{ "desc-flags", false, false, 0, 0, -EIO, "device-desc-flags", "broken", true, 0 },
	{ "packed-ok", true, false, 0, 0, 0, NULL, NULL, true, 0 },
	{ "packed-wrap", true, false, 0, 0, -EIO, "packed-wrap", "broken", true, 0 },
	{ "packed-id-range", true, false, 0, 0, -EIO, "id-range", "broken", true, 0 },
	{ "packed-next", true, false, 0, 0, 0, NULL, NULL, true, 0 },
	{ "packed-id-twice", true, false, 0, 0, -EIO, "id-not-in-flight", "broken", true, 0 },
	{ "packed-len-large", true, false, PG_VQ_LEN_REJECT, 0, -EIO, "len-too-large", "broken",
	  true, 0 },
	{ "packed-inorder-batch", true, true, 0, 0, 0, NULL, NULL, true, 0 },
	{ "packed-inorder-bad-id", true, true, 0, 0, -EIO, "id-out-of-order", "broken", true, 0 },
	{ "inorder-ok", false, true, 0, 0, 0, NULL, NULL, true, 0 },
	{ "inorder-batch", false, true, 0, 0, 0, NULL, NULL, true, 0 },
	{ "inorder-bad-id", false, true, 0, 0, -EIO, "id-out-of-order", "broken", true, 0 },
	{ "config-unstable", false, false, 0, -EAGAIN, 0, "config-unstable", "failed", false, 0 },
	{ "hang", false, false, 0, 0, -ETIMEDOUT, "transport", "failed", true, 0 },
	/* a dead back end: queue 0 reports it, and so does the attempt on queue 1 */
	{ "die", false, false, 0, 0, -EPIPE, "transport", "failed", false, 2 },
	{ "bad-reply", false, false, 0, -EPROTO, 0, "transport", "failed", false, 0 },
	/* GET_VRING_BASE on close: no answer, another ring's index, an impossible base. Close
	 * still ends, within one timeout, with one record about the first ring. */
	{ "stop-silent", false, false, 0, 0, 0, "transport", "failed", true, 0 },
	{ "stop-bad-index", false, false, 0, 0, 0, "transport", "failed", true, 0 },
	{ "stop-bad-base", false, false, 0, 0, 0, "transport", "failed", true, 0 },
	/* a descriptor table written while the driver was idle: the audit when the ring
	 * stops finds it (the I/O itself had ended well) */
	{ "stop-desc-flags", false, false, 0, 0, 0, "device-desc-flags", "broken", true, 0 },
};

#define TIMEOUT_MS 2000   /* the driver's wait for any reply or completion */

struct audit_log {
	unsigned n;
	char rule[32], verdict[16];
};

static void audit(void *data, const struct pg_virtio_audit *rec)
{
	struct audit_log *a = data;
	char *json = NULL;

	if (a->n++ == 0) {
		snprintf(a->rule, sizeof(a->rule), "%s", pg_vq_fault_name(rec->fault));
		snprintf(a->verdict, sizeof(a->verdict), "%s",
			 rec->verdict == PG_VQ_BROKEN ? "broken" :
			 rec->verdict == PG_VQ_CLAMPED ? "clamped" : "failed");
	}
	if (pg_virtio_audit_to_json(rec, &json) == 0) {
		printf("    audit: %s\n", json);
		free(json);
	}
}

static pid_t spawn(char *prog, char *sock, const struct row *r)
{
	char scenario[64];
	char *argv[] = { prog, sock, scenario, NULL };
	struct timespec ts = { 0, 10 * 1000 * 1000 };
	struct stat st;
	pid_t pid;

	snprintf(scenario, sizeof(scenario), "%s", r->scenario);
	if (posix_spawn(&pid, prog, NULL, NULL, argv, environ) != 0)
		return -1;
	for (int i = 0; i < 500; i++) {      /* at most 5 s for the socket to appear */
		if (stat(sock, &st) == 0)
			return pid;
		nanosleep(&ts, NULL);
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	return -1;
}

static void fill(uint8_t *b, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		b[i] = (uint8_t)(i * 31u + seed);
}

static bool q1_roundtrip(struct pg_vblk *b)
{
	static uint8_t w[4 * 4096], r[4 * 4096];

	fill(w, sizeof(w), 77);
	memset(r, 0, sizeof(r));
	return pg_vblk_io(b, 1, PG_VBLK_WRITE, 256, w, 4096, 4) == 0 &&
	       pg_vblk_io(b, 1, PG_VBLK_READ, 256, r, 4096, 4) == 0 && !memcmp(w, r, sizeof(w));
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* A well-behaved back end's GET_VRING_BASE answer is where it would fetch the next buffer:
 * after 4 requests on queue 0 and 8 on queue 1 (q1_roundtrip()), split avail indices 4 and
 * 8; packed, ring positions 4 and 8 with the wrap counter (bit 15) still 1, since each
 * request takes one ring slot with the indirect tables the back end offers (§2.8.1,
 * §2.8.7). @return failures. */
static int stop_bases(struct pg_vblk *b, const struct row *r)
{
	static uint8_t buf4k[4096];
	uint32_t base[2] = { 0, 0 }, want[2] = { 4, 8 };
	int fails = 0;

	for (unsigned q = 0; q < 2; q++) {
		int rc = pg_vblk_stop(b, q, &base[q]);

		if (r->packed)
			want[q] |= 0x8000u;
		if (rc || base[q] != want[q]) {
			printf("FAIL %s: stopping queue %u returned %d, base 0x%x, expected 0x%x\n",
			       r->scenario, q, rc, base[q], want[q]);
			fails++;
		}
	}
	if (pg_vblk_stop(b, 0, &base[0]) != -EINVAL ||
	    pg_vblk_io(b, 0, PG_VBLK_READ, 0, buf4k, 4096, 1) != -EINVAL) {
		printf("FAIL %s: a stopped queue stopped again or took a request\n", r->scenario);
		fails++;
	}
	return fails;
}

static int run_row(char *prog, const char *dir, const struct row *r)
{
	char sock[256];
	struct audit_log a = { 0 };
	struct pg_vblk_config c = { .queues = 2, .depth = 4, .packed = r->packed,
				    .in_order = r->in_order, .len_policy = r->pol };
	struct pg_vblk *b = NULL;
	static uint8_t buf[4 * 4096];
	int rc, io = 0, fails = 0;
	bool q1 = false;
	double t_close = 0;
	pid_t pid;

	snprintf(sock, sizeof(sock), "%s/%s.sock", dir, r->scenario);
	unlink(sock);
	pid = spawn(prog, sock, r);
	if (pid < 0) {
		printf("FAIL %s: back end did not start\n", r->scenario);
		return 1;
	}
	c.vhu.timeout_ms = TIMEOUT_MS;   /* generous: a loaded machine must not fail "ok" */
	c.vhu.audit = audit;
	c.vhu.audit_data = &a;
	rc = pg_vblk_open(sock, &c, &b);
	if (rc == 0) {
		fill(buf, sizeof(buf), 5);
		io = pg_vblk_io(b, 0, PG_VBLK_WRITE, 8, buf, 4096, 4);
		q1 = q1_roundtrip(b);
		if (!r->rule)
			fails += stop_bases(b, r);
		t_close = now();
		pg_vblk_close(b);
		t_close = now() - t_close;
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	unlink(sock);
#define CHECK(cond, ...) do { if (!(cond)) { printf("FAIL %s: ", r->scenario); \
	printf(__VA_ARGS__); printf("\n"); fails++; } } while (0)
	CHECK(rc == r->open_rc, "open returned %d, expected %d", rc, r->open_rc);
	if (rc == 0) {
		CHECK(io == r->io_rc, "queue 0 I/O returned %d, expected %d", io, r->io_rc);
		CHECK(q1 == r->q1_works, "queue 1 %s", q1 ? "worked" : "failed");
		/* one timeout at most, plus slack for a loaded machine */
		CHECK(t_close < TIMEOUT_MS / 1000.0 + 2.0, "close took %.1f s", t_close);
		if (!strcmp(r->scenario, "stop-silent"))
			CHECK(t_close > TIMEOUT_MS / 1000.0 * 0.9,
			      "close took %.1f s: it did not wait for GET_VRING_BASE", t_close);
	}
	if (r->rule) {
		unsigned want = r->nrec ? r->nrec : 1;

		CHECK(a.n == want, "%u audit records, expected %u", a.n, want);
		CHECK(!strcmp(a.rule, r->rule), "rule %s, expected %s", a.rule, r->rule);
		CHECK(!strcmp(a.verdict, r->verdict), "verdict %s, expected %s", a.verdict,
		      r->verdict);
	} else {
		CHECK(a.n == 0, "%u unexpected audit records (first %s)", a.n, a.rule);
	}
	printf("%s %s%s\n", fails ? "not ok" : "ok", r->scenario,
	       r->pol == PG_VQ_LEN_REJECT ? " (len reject)" : "");
	return fails;
}

int main(int argc, char **argv)
{
	char dir[] = "/tmp/pcigate-vhost-XXXXXX";
	int fails = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: %s VHOST-HOSTILE\n", argv[0]);
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		fails += run_row(argv[1], dir, &rows[i]);
	rmdir(dir);
	printf("%d failure(s) in %zu scenarios\n", fails, sizeof(rows) / sizeof(rows[0]));
	return fails ? 1 : 0;
}
