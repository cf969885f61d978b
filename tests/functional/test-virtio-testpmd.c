/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Packed virtqueues against a real vhost-user device: DPDK's testpmd with its vhost PMD
 * (net_vhost, Debian package dpdk-dev) forwarding in macswap mode, no hugepages. The
 * hardened driver sets up a virtio-net device (virtio 1.2 §5.1: queue 0 receive, queue 1
 * transmit, a 12-byte struct virtio_net_hdr before each frame with VERSION_1) over packed
 * rings, sends frames and checks that each comes back with source and destination MAC
 * swapped and the payload unchanged (DPDK's macswap forwarding), with a used len that is
 * exactly header + frame. Exit 77 (skip) when dpdk-testpmd is not installed or cannot
 * start here.
 *
 * Usage: test-virtio-testpmd [split]   (default packed)
 */
#include <dirent.h>
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

#define NET_HDR 12u
#define FRAME 60u
#define RXBUF 2048u
#define QSZ 64u
#define NFRAMES 32u

extern char **environ;

static pid_t tp_pid = -1;
static int tp_stdin = -1;

/* testpmd leaves its runtime directory (/var/run/dpdk/PREFIX as root) behind: remove ours. */
static void remove_runtime_dir(void)
{
	const char *base = getenv("XDG_RUNTIME_DIR");
	char dir[256], path[512];
	struct dirent *e;
	DIR *d;

	snprintf(dir, sizeof(dir), "%s/pcigate-test-%d",
		 getuid() == 0 || !base ? "/var/run/dpdk" : base, (int)getpid());
	d = opendir(dir);
	if (!d)
		return;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.' &&
		    (size_t)snprintf(path, sizeof(path), "%s/%s", dir, e->d_name) < sizeof(path))
			unlink(path);
	closedir(d);
	rmdir(dir);
}

static void stop_testpmd(void)
{
	if (tp_pid > 0) {
		kill(tp_pid, SIGTERM);
		for (int i = 0; i < 50 && waitpid(tp_pid, NULL, WNOHANG) == 0; i++)
			usleep(100000);
		kill(tp_pid, SIGKILL);
		waitpid(tp_pid, NULL, 0);
		tp_pid = -1;
	}
	if (tp_stdin >= 0)
		close(tp_stdin);
	tp_stdin = -1;
	remove_runtime_dir();
}

static int start_testpmd(const char *sock, const char *log)
{
	char vdev[300], prefix[64];
	char *argv[] = { "dpdk-testpmd", "--no-pci", "--no-huge", "--no-shconf", prefix, "-m", "128",
			 "-l", "0-1", "--vdev", vdev, "--", "--total-num-mbufs=2048",
			 "--auto-start", "--forward-mode=macswap", "--stats-period=0", NULL };
	posix_spawn_file_actions_t fa;
	int pipefd[2];
	struct stat st;

	snprintf(vdev, sizeof(vdev), "net_vhost0,iface=%s,queues=1", sock);
	/* no shared config files, and a private runtime directory name */
	snprintf(prefix, sizeof(prefix), "--file-prefix=pcigate-test-%d", (int)getpid());
	if (pipe(pipefd) < 0)
		return -1;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, pipefd[0], 0);
	posix_spawn_file_actions_addclose(&fa, pipefd[1]);
	posix_spawn_file_actions_addopen(&fa, 1, log, 01 | 0100 | 01000, 0600);
	posix_spawn_file_actions_adddup2(&fa, 1, 2);
	if (posix_spawnp(&tp_pid, "dpdk-testpmd", &fa, NULL, argv, environ) != 0) {
		tp_pid = -1;
		close(pipefd[0]);
		close(pipefd[1]);
		posix_spawn_file_actions_destroy(&fa);
		return -1;
	}
	posix_spawn_file_actions_destroy(&fa);
	close(pipefd[0]);
	tp_stdin = pipefd[1];          /* keep its stdin open: it exits on Enter */
	for (int i = 0; i < 300; i++) {  /* at most 30 s: it is slow to start under load */
		if (stat(sock, &st) == 0) {
			usleep(200000);         /* exists from bind(); let listen() follow */
			return 0;
		}
		if (waitpid(tp_pid, NULL, WNOHANG) == tp_pid) {
			tp_pid = -1;
			return -1;
		}
		usleep(100000);
	}
	return -1;
}

struct net {
	struct pg_vhu *v;
	struct pg_vq *rx, *tx;
	uint8_t *bufs;
	uint64_t bufs_gpa;
	unsigned audits;
};

static void audit(void *data, const struct pg_virtio_audit *rec)
{
	char *j = NULL;

	((struct net *)data)->audits++;
	if (pg_virtio_audit_to_json(rec, &j) == 0) {
		printf("audit: %s\n", j);
		free(j);
	}
}

static int make_queue(struct net *n, unsigned q, bool packed, struct pg_vq **ret)
{
	struct pg_vq_config c = { .layout = packed ? PG_VQ_PACKED : PG_VQ_SPLIT, .num = QSZ,
				  .index = (uint16_t)q, .audit = audit, .audit_data = n,
				  .len_policy = PG_VQ_LEN_REJECT };
	size_t bytes;
	int rc = pg_vq_ring_bytes(&c, &bytes);

	if (!rc)
		rc = pg_vhu_alloc(n->v, bytes, 4096, &c.mem, &c.device_addr);
	if (!rc)
		rc = pg_vq_new(&c, ret);
	if (!rc)
		rc = pg_vhu_start_queue(n->v, q, *ret, QSZ);
	return rc;
}

static void frame(uint8_t *f, unsigned k)
{
	static const uint8_t dst[6] = { 0x02, 0, 0, 0, 0, 0x01 }, src[6] = { 0x02, 0, 0, 0, 0, 0x02 };

	memcpy(f, dst, 6);
	memcpy(f + 6, src, 6);
	f[12] = 0x88;
	f[13] = 0xb5;                   /* IEEE local experimental ethertype */
	for (unsigned i = 14; i < FRAME; i++)
		f[i] = (uint8_t)(k * 7u + i);
}

static int check_rx(const uint8_t *b, uint32_t len, bool *seen)
{
	uint8_t want[FRAME];
	unsigned k;                     /* which frame: found by its payload */

	if (len != NET_HDR + FRAME)
		return -1;
	for (k = 0; k < NFRAMES; k++) {
		frame(want, k);
		if (!memcmp(b + NET_HDR + 14, want + 14, FRAME - 14))
			break;
	}
	if (k == NFRAMES || seen[k])
		return -1;
	/* macswap: the destination is the old source and vice versa */
	if (memcmp(b + NET_HDR, want + 6, 6) || memcmp(b + NET_HDR + 6, want, 6))
		return -1;
	seen[k] = true;
	return 0;
}

/* Post QSZ receive buffers and send NFRAMES frames. */
static int post_and_send(struct net *n)
{
	unsigned posted = 0, sent = 0;
	int rc = 0;

	for (; posted < QSZ; posted++) {
		struct pg_vq_seg s = { n->bufs_gpa + posted * RXBUF, RXBUF, true };

		if (pg_vq_add(n->rx, &s, 1, n->bufs + posted * RXBUF) < 0)
			return -1;
	}
	if (pg_vq_kick_prepare(n->rx))
		rc = pg_vhu_kick(n->v, 0);
	for (; rc == 0 && sent < NFRAMES; sent++) {
		uint8_t *b = n->bufs + (QSZ + sent) * RXBUF;
		struct pg_vq_seg s = { n->bufs_gpa + (QSZ + sent) * RXBUF, NET_HDR + FRAME, false };

		memset(b, 0, NET_HDR);
		frame(b + NET_HDR, sent);
		rc = pg_vq_add(n->tx, &s, 1, b);
	}
	if (rc == 0 && pg_vq_kick_prepare(n->tx))
		rc = pg_vhu_kick(n->v, 1);
	return rc;
}

/* Collect the frames that come back, at most 20 s; returns how many were right. */
static unsigned receive(struct net *n)
{
	bool seen[NFRAMES] = { false };
	struct timespec t0, t;
	unsigned got = 0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (got < NFRAMES) {
		void *tok;
		uint32_t len;
		int rc = pg_vq_get(n->rx, &tok, &len);

		if (rc < 0)
			break;
		if (rc == 1) {
			if (check_rx(tok, len, seen) < 0) {
				printf("FAIL: received frame %u is not a macswapped frame we sent "
				       "(len %u)\n", got, len);
				break;
			}
			got++;
			continue;
		}
		while (pg_vq_get(n->tx, &tok, &len) == 1)
			;
		clock_gettime(CLOCK_MONOTONIC, &t);
		if (t.tv_sec - t0.tv_sec > 20)
			break;
		usleep(1000);
	}
	return got;
}

static int run(struct net *n, bool packed)
{
	uint64_t feat, ring = packed ? 1ull << PG_VIRTIO_F_RING_PACKED : 0;
	unsigned got;
	int rc = pg_vhu_negotiate(n->v, (1ull << PG_VIRTIO_F_VERSION_1) | ring |
				  (1ull << PG_VIRTIO_F_EVENT_IDX),
				  (1ull << PG_VIRTIO_F_VERSION_1) | ring, &feat);

	if (rc < 0) {
		printf("FAIL: negotiation: %s\n", strerror(-rc));
		return 1;
	}
	printf("negotiated features 0x%llx (%s ring)\n", (unsigned long long)feat,
	       packed ? "packed" : "split");
	rc = make_queue(n, 0, packed, &n->rx);
	if (!rc)
		rc = make_queue(n, 1, packed, &n->tx);
	if (!rc)
		rc = pg_vhu_alloc(n->v, (size_t)(2 * QSZ) * RXBUF, 4096, (void **)&n->bufs,
				  &n->bufs_gpa);
	if (!rc)
		rc = post_and_send(n);
	if (rc < 0) {
		printf("FAIL: queue setup or submission: %s\n", strerror(rc == -1 ? ENOSPC : -rc));
		return 1;
	}
	got = receive(n);
	printf("%s: %u of %u frames came back macswapped, %u audit records\n",
	       got == NFRAMES && !n->audits ? "ok" : "FAIL", got, NFRAMES, n->audits);
	return got == NFRAMES && !n->audits && !pg_vq_broken(n->rx) && !pg_vq_broken(n->tx) ?
	       0 : 1;
}

int main(int argc, char **argv)
{
	char dir[] = "/tmp/pcigate-testpmd-XXXXXX", sock[128], log[128];
	bool packed = !(argc > 1 && !strcmp(argv[1], "split"));
	struct pg_vhu_config vc = { .mem_bytes = 4u << 20, .timeout_ms = 10000 };
	struct net n = { 0 };
	int rc;

	signal(SIGPIPE, SIG_IGN);
	if (!mkdtemp(dir))
		return 1;
	snprintf(sock, sizeof(sock), "%s/sock", dir);
	snprintf(log, sizeof(log), "%s/testpmd.log", dir);
	if (start_testpmd(sock, log) < 0) {
		stop_testpmd();
		printf("SKIP: dpdk-testpmd (package dpdk-dev) is not installed or did not start "
		       "here (log: %s)\n", log);
		return 77;
	}
	vc.audit = audit;
	vc.audit_data = &n;
	rc = pg_vhu_open(sock, &vc, &n.v);
	if (rc < 0) {
		printf("FAIL: connect: %s\n", strerror(-rc));
		stop_testpmd();
		return 1;
	}
	rc = run(&n, packed);
	pg_vhu_close(n.v);      /* stops the rings (GET_VRING_BASE) while their queues exist */
	pg_vq_free(n.rx);
	pg_vq_free(n.tx);
	stop_testpmd();
	if (!rc) {
		unlink(log);
		unlink(sock);
		rmdir(dir);
	}
	return rc;
}
