/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bench-serve: the server-side cost of a proxied config read (issue 4 §3), host only.
 *
 * A client process plays QEMU: it sends CFGREAD messages (16-byte header + 12-byte payload
 * in one send, like QEMU's sendmsg) over an AF_UNIX socketpair, cycling over the 64 dwords
 * of config space, and waits for each RET (16 + 8 bytes, read as header then body, like
 * QEMU). Two servers, each in its own process, are measured in the same run, interleaved
 * round by round so that machine noise hits both alike:
 *   floor     reads each message exactly as pcigate's connection layer does (one recvmsg
 *             of up to one maximum frame, with a control buffer for fds) and answers a
 *             fixed RET: the raw socket round trip, no decoding, no mediation;
 *   2-recv    the floor with the framing pcigate used before (one recvmsg for the header,
 *             one for the payload): what reading each message with a single call saves;
 *   pcigate   pg_proto_serve_one() with the pg_proto_dev handler over a mediator (guest
 *             profile) on a model backend: decode, validation, mediation, reply.
 * Each round times every round trip with CLOCK_MONOTONIC; the median and mean round trip
 * and each server's CPU time per message (CLOCK_PROCESS_CPUTIME_ID over its whole loop,
 * user + system: recvmsg, send and the work between) are reported.
 *
 * In-process, without any socket: ns per message of pg_proto_serve_one() over an in-memory
 * transport (decode + validate + mediate + encode the reply), and of
 * pg_mediator_cfg_read() alone.
 *
 * Target (issue 4): mediation adds under 10% to the raw socket round trip. Printed as the
 * in-process cost per message over the floor round trip, and as the measured difference
 * of the two round trips (noisier). Numbers only: the exit status is non-zero only when
 * the device cannot be opened or a process fails.
 *
 * PG_BENCH_CPU=N pins the client and every server to CPU N (children inherit it).
 *
 * Usage: bench-serve [-n ROUND_TRIPS_PER_ROUND] [-r ROUNDS] [DUMP]
 */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <pcigate/pcigate.h>

#ifndef PG_BENCH_CORPUS
#define PG_BENCH_CORPUS "tests/data/pci-real"
#endif
#define DEVICE "144d-a826_samsung-electronics-co-nvme-ssd-controller-pm174_4096.txt"
#define DEFAULT_N 50000u
#define DEFAULT_ROUNDS 5u
#define MAX_N 1000000u
#define MAX_ROUNDS 50u
#define INPROC_N 1000000u

static volatile uint64_t sink;

static int64_t now_ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/* A CFGREAD of 4 bytes at off, as QEMU sends it: header {cmd, pad, size} + payload. */
static void encode_cfgread(uint8_t msg[28], uint32_t off)
{
	uint32_t cmd = PG_PROTO_CFGREAD, len = 4, zero = 0;
	uint64_t size = PG_PROTO_CFG_SIZE;

	memcpy(msg, &cmd, 4);
	memcpy(msg + 4, &zero, 4);
	memcpy(msg + 8, &size, 8);
	memcpy(msg + 16, &off, 4);
	memcpy(msg + 20, &zero, 4);
	memcpy(msg + 24, &len, 4);
}

static int read_full(int fd, void *buf, size_t len)
{
	uint8_t *p = buf;

	while (len) {
		ssize_t n = read(fd, p, len);

		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* ---- the two servers (child processes) ----------------------------------------------- */

/* recvmsg exactly like the socket transport of src/lib/proto/conn.c. */
static ssize_t floor_recv(int fd, void *buf, size_t len)
{
	union {
		char buf[CMSG_SPACE(PG_PROTO_MAX_FDS * sizeof(int))];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = { .iov_base = buf, .iov_len = len };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
			     .msg_control = ctl.buf, .msg_controllen = sizeof(ctl.buf) };

	return recvmsg(fd, &mh, MSG_CMSG_CLOEXEC);
}

static int64_t serve_floor(int fd, bool two_calls)
{
	uint8_t msg[PG_PROTO_HDR_SIZE + PG_PROTO_MAX_PAYLOAD], ret[PG_PROTO_REPLY_SIZE];
	int64_t n = 0;

	pg_proto_encode_ret(0x12345678, ret);
	/* Bounded by the client: each iteration consumes one message or ends at EOF. */
	for (;;) {
		if (two_calls) {
			if (floor_recv(fd, msg, PG_PROTO_HDR_SIZE) != PG_PROTO_HDR_SIZE ||
			    floor_recv(fd, msg + PG_PROTO_HDR_SIZE, PG_PROTO_CFG_SIZE) !=
				    PG_PROTO_CFG_SIZE)
				break;
		} else if (floor_recv(fd, msg, sizeof(msg)) !=
			   PG_PROTO_HDR_SIZE + PG_PROTO_CFG_SIZE) {
			break;
		}
		if (send(fd, ret, sizeof(ret), MSG_NOSIGNAL) != (ssize_t)sizeof(ret))
			break;
		n++;
	}
	return n;
}

struct device {
	struct pg_backend *be;
	struct pg_mediator *med;
	struct pg_proto_dev *dev;
};

static int open_device(const char *path, struct device *d)
{
	struct pg_dump_error derr = { 0, "" };
	struct pg_mediator_config cfg;
	int rc = pg_backend_model_open(path, &d->be, &derr);

	pg_mediator_config_init(&cfg); /* guest profile, no audit sink */
	cfg.options = PG_MEDIATOR_TRANSPORT_QEMU72;
	if (rc == 0)
		rc = pg_mediator_new(d->be, &cfg, &d->med);
	if (rc == 0)
		rc = pg_proto_dev_new(d->med, d->be, 0, NULL, NULL, &d->dev);
	if (rc < 0)
		fprintf(stderr, "bench-serve: %s: %s %s\n", path, strerror(-rc), derr.msg);
	return rc;
}

static void close_device(struct device *d)
{
	pg_proto_dev_free(d->dev);
	pg_mediator_free(d->med);
	pg_backend_close(d->be);
}

static int64_t serve_pcigate(int fd, struct device *d)
{
	struct pg_proto_error err = { 0, "" };
	struct pg_proto_conn *conn;
	int64_t n = 0;

	if (pg_proto_conn_new_socket(fd, &conn) < 0)
		return -1;
	while (pg_proto_serve_one(conn, pg_proto_dev_handler(), d->dev, NULL, &err) > 0)
		n++;
	pg_proto_conn_free(conn);
	return n;
}

/* Fork a server on one end of a socketpair; it prints nothing and reports its CPU time per
 * message through a pipe. Returns the client's socket. */
enum server { FLOOR, PCIGATE, TWO_RECV, NSERVERS };
static const char *const server_names[NSERVERS] = { "floor", "pcigate", "2-recv" };

static int spawn(enum server kind, struct device *d, pid_t *pid, int *report)
{
	int sp[2], pp[2];

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) < 0 || pipe(pp) < 0)
		return -1;
	fflush(NULL);
	*pid = fork();
	if (*pid < 0)
		return -1;
	if (*pid == 0) {
		int64_t t0, n, cpu;

		close(sp[0]);
		close(pp[0]);
		t0 = now_ns(CLOCK_PROCESS_CPUTIME_ID);
		n = kind == PCIGATE ? serve_pcigate(sp[1], d) : serve_floor(sp[1], kind == TWO_RECV);
		cpu = now_ns(CLOCK_PROCESS_CPUTIME_ID) - t0;
		cpu = n > 0 ? cpu / n : -1;
		_exit(write(pp[1], &cpu, sizeof(cpu)) == sizeof(cpu) && n > 0 ? 0 : 1);
	}
	close(sp[1]);
	close(pp[1]);
	*report = pp[0];
	return sp[0];
}

/* ---- the client ------------------------------------------------------------------------ */

struct result {
	int64_t median_rt, mean_rt, server_cpu;
};

static int run_round(enum server kind, struct device *d, unsigned n, int64_t *lat,
		     struct result *res)
{
	uint8_t msg[64][28], reply[PG_PROTO_REPLY_SIZE];
	int64_t sum = 0;
	int report, st;
	pid_t pid;
	int fd = spawn(kind, d, &pid, &report);

	if (fd < 0)
		return -1;
	for (uint32_t i = 0; i < 64; i++)
		encode_cfgread(msg[i], i * 4);
	for (unsigned i = 0; i < n; i++) {
		int64_t t0 = now_ns(CLOCK_MONOTONIC);

		if (write(fd, msg[i & 63], 28) != 28 || read_full(fd, reply, 16) < 0 ||
		    read_full(fd, reply + 16, 8) < 0)
			break;
		lat[i] = now_ns(CLOCK_MONOTONIC) - t0;
		sum += lat[i];
	}
	close(fd); /* EOF: the server reports and exits */
	if (read_full(report, &res->server_cpu, sizeof(res->server_cpu)) < 0)
		res->server_cpu = -1;
	close(report);
	if (waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
		return -1;
	qsort(lat, n, sizeof(*lat), cmp_i64);
	res->median_rt = lat[n / 2];
	res->mean_rt = sum / n;
	return 0;
}

/* ---- in-process: no socket ------------------------------------------------------------- */

struct memtp {
	uint8_t msg[64][28];
	unsigned next, pos;
};

static ssize_t mem_recv(void *ctx, void *buf, size_t len, int fds[PG_PROTO_MAX_FDS],
			unsigned *nfds, bool *ctrunc)
{
	struct memtp *m = ctx;

	(void)fds;
	*nfds = 0;
	*ctrunc = false;
	if (len > 28 - m->pos)
		len = 28 - m->pos;
	memcpy(buf, m->msg[m->next & 63] + m->pos, len);
	m->pos += (unsigned)len;
	if (m->pos == 28) {
		m->pos = 0;
		m->next++;
	}
	return (ssize_t)len;
}

static int mem_send(void *ctx, const void *buf, size_t len)
{
	(void)ctx;
	sink += ((const uint8_t *)buf)[len - 1];
	return 0;
}

static const struct pg_proto_transport mem_transport = { .recv = mem_recv, .send = mem_send };

static double inproc_serve_one(struct device *d)
{
	struct pg_proto_error err = { 0, "" };
	struct memtp m = { .next = 0 };
	struct pg_proto_conn *conn;
	int64_t t0;

	for (uint32_t i = 0; i < 64; i++)
		encode_cfgread(m.msg[i], i * 4);
	if (pg_proto_conn_new(&mem_transport, &m, &conn) < 0)
		return -1;
	t0 = now_ns(CLOCK_MONOTONIC);
	for (unsigned i = 0; i < INPROC_N; i++)
		if (pg_proto_serve_one(conn, pg_proto_dev_handler(), d->dev, NULL, &err) != 1)
			break;
	t0 = now_ns(CLOCK_MONOTONIC) - t0;
	pg_proto_conn_free(conn);
	return (double)t0 / INPROC_N;
}

static double inproc_mediator(struct device *d)
{
	int64_t t0 = now_ns(CLOCK_MONOTONIC);

	for (unsigned i = 0; i < INPROC_N; i++) {
		uint32_t v = 0;

		if (pg_mediator_cfg_read(d->med, (uint16_t)((i & 63) * 4), 4, &v) < 0)
			return -1;
		sink += v;
	}
	return (double)(now_ns(CLOCK_MONOTONIC) - t0) / INPROC_N;
}

static int64_t median_of(int64_t *v, unsigned n)
{
	qsort(v, n, sizeof(*v), cmp_i64);
	return v[n / 2];
}

static int parse_args(int argc, char **argv, unsigned *n, unsigned *rounds, const char **path)
{
	for (int i = 1; i < argc; i++) {
		if ((!strcmp(argv[i], "-n") || !strcmp(argv[i], "-r")) && i + 1 < argc) {
			unsigned long v = strtoul(argv[i + 1], NULL, 10);

			if (argv[i][1] == 'n' && v >= 1 && v <= MAX_N)
				*n = (unsigned)v;
			else if (argv[i][1] == 'r' && v >= 1 && v <= MAX_ROUNDS)
				*rounds = (unsigned)v;
			else
				return -1;
			i++;
		} else if (argv[i][0] != '-') {
			*path = argv[i];
		} else {
			return -1;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	unsigned n = DEFAULT_N, rounds = DEFAULT_ROUNDS;
	const char *path = PG_BENCH_CORPUS "/" DEVICE;
	int64_t med[NSERVERS][MAX_ROUNDS], mean[NSERVERS][MAX_ROUNDS], cpu[NSERVERS][MAX_ROUNDS];
	struct device d = { NULL, NULL, NULL };
	double serve_one, mediate;
	int64_t *lat;

	if (parse_args(argc, argv, &n, &rounds, &path) < 0) {
		fputs("usage: bench-serve [-n ROUND_TRIPS (1..1000000)] [-r ROUNDS (1..50)] "
		      "[DUMP]\n", stderr);
		return 2;
	}
	if (getenv("PG_BENCH_CPU")) {
		/* Client and servers on one CPU: a round trip is then two context switches on
		 * that CPU, not a cross-CPU wake-up whose cost depends on the other load. */
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(atoi(getenv("PG_BENCH_CPU")), &set);
		if (sched_setaffinity(0, sizeof(set), &set) < 0)
			perror("bench-serve: PG_BENCH_CPU");
	}
	lat = calloc(n, sizeof(*lat));
	if (!lat || open_device(path, &d) < 0)
		return 1;
	printf("bench-serve: %s, guest profile; %u rounds x %u CFGREAD round trips per server\n",
	       strrchr(path, '/') ? strrchr(path, '/') + 1 : path, rounds, n);
	for (unsigned r = 0; r < rounds; r++) {
		/* Rotate the order so that no server always runs first in a round. */
		for (int j = 0; j < NSERVERS; j++) {
			int k = (j + (int)r) % NSERVERS;
			struct result res;

			if (run_round((enum server)k, &d, n, lat, &res) < 0) {
				fprintf(stderr, "bench-serve: a server process failed\n");
				return 1;
			}
			med[k][r] = res.median_rt;
			mean[k][r] = res.mean_rt;
			cpu[k][r] = res.server_cpu;
		}
	}
	serve_one = inproc_serve_one(&d);
	mediate = inproc_mediator(&d);
	for (int k = 0; k < NSERVERS; k++) {
		int64_t m = median_of(med[k], rounds), a = median_of(mean[k], rounds);

		printf("  %-8s round trip: median %6lld ns, mean %6lld ns; server CPU %5lld ns per "
		       "message (medians over rounds)\n", server_names[k], (long long)m,
		       (long long)a, (long long)median_of(cpu[k], rounds));
	}
	printf("  one recvmsg per message instead of two: server CPU x%.2f, round trip x%.2f "
	       "(floor / 2-recv)\n", (double)cpu[FLOOR][rounds / 2] / (double)cpu[TWO_RECV][rounds / 2],
	       (double)med[FLOOR][rounds / 2] / (double)med[TWO_RECV][rounds / 2]);
	printf("  in-process, no socket: pg_proto_serve_one %.0f ns per CFGREAD (decode, mediate, "
	       "reply); pg_mediator_cfg_read alone %.1f ns\n", serve_one, mediate);
	printf("  mediation adds %.2f%% to the floor round trip (in-process cost / floor median); "
	       "measured round-trip difference %+.1f%%, server CPU difference %+lld ns "
	       "(target: under 10%%)\n",
	       100.0 * serve_one / (double)med[0][rounds / 2],
	       100.0 * (double)(med[1][rounds / 2] - med[0][rounds / 2]) /
		       (double)med[0][rounds / 2],
	       (long long)(cpu[1][rounds / 2] - cpu[0][rounds / 2]));
	close_device(&d);
	free(lat);
	return 0;
}
