/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bench-virtio-blk: end-to-end buffers per second through the hardened driver against a real
 * device, qemu-storage-daemon's vhost-user-blk export of a null-co node (4 KiB reads, no
 * disk I/O), with the CPU time per request of the driver process and of the daemon.
 * Skips (exit 77) when qemu-storage-daemon is not installed.
 *
 * Usage: bench-virtio-blk [REQUESTS (default 50000)]
 */
#include <errno.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <pcigate/virtio.h>

extern char **environ;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double self_cpu(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec * 1e-6 +
	       (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec * 1e-6;
}

/* utime + stime of a child from /proc/PID/stat, in seconds. */
static double proc_cpu(pid_t pid)
{
	char path[64], buf[1024], *p;
	unsigned long ut = 0, st = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return 0;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = 0;
	fclose(f);
	p = strrchr(buf, ')');
	if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut, &st)
		  != 2)
		return 0;
	return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

static pid_t start_qsd(const char *sock)
{
	char exp[512];
	char *argv[] = { "qemu-storage-daemon", "--blockdev",
			 "driver=null-co,node-name=n0,size=1073741824", "--export", exp, NULL };
	struct timespec ts = { 0, 20 * 1000 * 1000 };
	struct stat st;
	pid_t pid;

	snprintf(exp, sizeof(exp), "type=vhost-user-blk,id=e0,node-name=n0,addr.type=unix,"
		 "addr.path=%s,writable=on,num-queues=1", sock);
	if (posix_spawnp(&pid, "qemu-storage-daemon", NULL, NULL, argv, environ) != 0)
		return -1;
	for (int i = 0; i < 250; i++) {
		if (stat(sock, &st) == 0) {
			nanosleep(&ts, NULL);   /* exists from bind(); let listen() follow */
			return pid;
		}
		nanosleep(&ts, NULL);
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	return -1;
}

static int one(const char *sock, pid_t qsd, unsigned depth, bool packed_asked,
	       bool indirect, unsigned long n)
{
	struct pg_vblk_config c = { .depth = depth, .queue_size = 128, .no_indirect = !indirect,
				    .packed = packed_asked };
	struct pg_vblk *b = NULL;
	static uint8_t buf[64 * 4096];
	double t0, c0, q0, t, cpu, qcpu;
	unsigned long done = 0;
	int rc = pg_vblk_open(sock, &c, &b);

	if (rc < 0) {
		fprintf(stderr, "bench-virtio-blk: open: %s\n", strerror(-rc));
		return 1;
	}
	t0 = now();
	c0 = self_cpu();
	q0 = proc_cpu(qsd);
	while (done < n) {
		rc = pg_vblk_io(b, 0, PG_VBLK_READ, (done * 8u) % (1u << 20), buf, 4096, depth);
		if (rc < 0) {
			fprintf(stderr, "bench-virtio-blk: read: %s\n", strerror(-rc));
			pg_vblk_close(b);
			return 1;
		}
		done += depth;
	}
	t = now() - t0;
	cpu = self_cpu() - c0;
	qcpu = proc_cpu(qsd) - q0;
	printf("depth %2u %-12s: %8.0f req/s  %6.2f us/req wall  driver CPU %5.2f us/req  "
	       "daemon CPU %5.2f us/req\n", depth, indirect ? "indirect" : "direct",
	       (double)done / t, t / (double)done * 1e6, cpu / (double)done * 1e6,
	       qcpu / (double)done * 1e6);
	pg_vblk_close(b);
	return 0;
}

int main(int argc, char **argv)
{
	unsigned long n = argc > 1 ? strtoul(argv[1], NULL, 0) : 50000ul;
	char dir[] = "/tmp/pcigate-bench-XXXXXX", sock[128];
	static const unsigned depths[] = { 1, 8, 32 };
	pid_t qsd;
	int rc = 0;

	if (!n)
		return 2;
	signal(SIGPIPE, SIG_IGN);
	if (!mkdtemp(dir))
		return 1;
	snprintf(sock, sizeof(sock), "%s/sock", dir);
	qsd = start_qsd(sock);
	if (qsd < 0) {
		rmdir(dir);
		printf("SKIP: qemu-storage-daemon could not be started\n");
		return 77;
	}
	printf("bench-virtio-blk: %lu 4 KiB reads per row, qemu-storage-daemon null-co, "
	       "split ring 128 + event idx\n", n);
	for (size_t i = 0; i < sizeof(depths) / sizeof(depths[0]) && !rc; i++)
		for (int ind = 1; ind >= 0 && !rc; ind--)
			rc = one(sock, qsd, depths[i], false, ind, n);
	kill(qsd, SIGTERM);
	waitpid(qsd, NULL, 0);
	unlink(sock);
	rmdir(dir);
	return rc;
}
