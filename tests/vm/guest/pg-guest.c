/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pg-guest: a tiny static helper for the VM harness guest (tests/vm). It runs inside the
 * Linux guest, where only busybox, lspci and setpci exist, and does the two things they
 * cannot: MMIO through a BAR with exact access sizes, and a timed config-space read loop.
 *
 *   pg-guest mmio BDF BAR OP...     OP: r32:OFF | w32:OFF=VALUE (hex or decimal)
 *       mmaps /sys/bus/pci/devices/BDF/resourceBAR and performs each access in order
 *       (32-bit, volatile), printing one line per access:
 *       "mmio r32 OFF VALUE" / "mmio w32 OFF VALUE".
 *   pg-guest cfgbench BDF SWEEPS
 *       reads the first 256 bytes of /sys/bus/pci/devices/BDF/config with pread() of 4
 *       bytes at a time, dword by dword, SWEEPS times (after one warm-up sweep), timing
 *       each sweep with CLOCK_MONOTONIC, and prints
 *       "cfgbench BDF sweeps=N dwords=64 mean_ns=M median_ns=D min_ns=L" per dword.
 *
 * Built by tests/vm/vm-test.py with `cc -static` (the guest has no libc).
 * Exit status: 0, 1 on an error (printed), 2 on a usage error.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAX_SWEEPS 1000000L
#define CFG_BYTES 256

static int usage(void)
{
	fputs("usage: pg-guest mmio BDF BAR (r32:OFF | w32:OFF=VALUE)...\n"
	      "       pg-guest cfgbench BDF SWEEPS\n", stderr);
	return 2;
}

static int parse_u64(const char *s, uint64_t *ret)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s || *end)
		return -1;
	*ret = v;
	return 0;
}

/* A BDF is copied into a path: accept only "dddd:bb:dd.f" characters. */
static int check_bdf(const char *bdf)
{
	return strlen(bdf) == 12 && strspn(bdf, "0123456789abcdef:.") == 12 ? 0 : -1;
}

static int do_op(volatile uint8_t *base, size_t len, const char *op)
{
	uint64_t off, val = 0;
	char offs[32];
	const char *eq;
	bool is_write = !strncmp(op, "w32:", 4);

	if (!is_write && strncmp(op, "r32:", 4))
		return -1;
	eq = strchr(op + 4, '=');
	if (is_write != (eq != NULL) || (eq && (size_t)(eq - op - 4) >= sizeof(offs)))
		return -1;
	snprintf(offs, sizeof(offs), "%.*s", eq ? (int)(eq - op - 4) : 31, op + 4);
	if (parse_u64(offs, &off) < 0 || (eq && parse_u64(eq + 1, &val) < 0) ||
	    off % 4 || off > len - 4 || val > UINT32_MAX)
		return -1;
	if (is_write) {
		*(volatile uint32_t *)(base + off) = (uint32_t)val;
	} else {
		val = *(volatile uint32_t *)(base + off);
	}
	printf("mmio %s 0x%llx 0x%08llx\n", is_write ? "w32" : "r32", (unsigned long long)off,
	       (unsigned long long)val);
	return 0;
}

static int cmd_mmio(int argc, char **argv)
{
	char path[96];
	struct stat st;
	uint64_t bar;
	void *map;
	int fd, rc = 0;

	if (argc < 4 || check_bdf(argv[1]) < 0 || parse_u64(argv[2], &bar) < 0 || bar > 5)
		return usage();
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/resource%u", argv[1],
		 (unsigned)bar);
	fd = open(path, O_RDWR | O_SYNC);
	if (fd < 0 || fstat(fd, &st) < 0 || st.st_size < 4) {
		fprintf(stderr, "pg-guest: %s: %s\n", path, fd < 0 ? strerror(errno) : "too small");
		return 1;
	}
	map = mmap(NULL, (size_t)st.st_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED) {
		fprintf(stderr, "pg-guest: mmap %s: %s\n", path, strerror(errno));
		close(fd);
		return 1;
	}
	for (int i = 3; i < argc && rc == 0; i++) {
		rc = do_op(map, (size_t)st.st_size, argv[i]);
		if (rc < 0)
			fprintf(stderr, "pg-guest: bad access '%s' (BAR size %lld)\n", argv[i],
				(long long)st.st_size);
	}
	fflush(stdout);
	munmap(map, (size_t)st.st_size);
	close(fd);
	return rc < 0 ? 1 : 0;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* One sweep: 64 dword reads. Returns 0 or -1 on a short read. */
static int sweep(int fd)
{
	uint32_t v;

	for (off_t off = 0; off < CFG_BYTES; off += 4)
		if (pread(fd, &v, 4, off) != 4)
			return -1;
	return 0;
}

static int cmd_cfgbench(int argc, char **argv)
{
	char path[96];
	uint64_t n;
	int64_t *t, sum = 0;
	int fd;

	if (argc != 3 || check_bdf(argv[1]) < 0 || parse_u64(argv[2], &n) < 0 || n == 0 ||
	    n > MAX_SWEEPS)
		return usage();
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/config", argv[1]);
	fd = open(path, O_RDONLY);
	t = calloc(n, sizeof(*t));
	if (fd < 0 || !t || sweep(fd) < 0) {
		fprintf(stderr, "pg-guest: %s: %s\n", path, fd < 0 ? strerror(errno) : "read failed");
		return 1;
	}
	for (uint64_t i = 0; i < n; i++) {
		int64_t t0 = now_ns();

		if (sweep(fd) < 0) {
			fprintf(stderr, "pg-guest: %s: short read\n", path);
			return 1;
		}
		t[i] = now_ns() - t0;
		sum += t[i];
	}
	qsort(t, n, sizeof(*t), cmp_i64);
	printf("cfgbench %s sweeps=%llu dwords=%d mean_ns=%lld median_ns=%lld min_ns=%lld\n",
	       argv[1], (unsigned long long)n, CFG_BYTES / 4,
	       (long long)(sum / (int64_t)n / (CFG_BYTES / 4)),
	       (long long)(t[n / 2] / (CFG_BYTES / 4)), (long long)(t[0] / (CFG_BYTES / 4)));
	free(t);
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "mmio"))
		return cmd_mmio(argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "cfgbench"))
		return cmd_cfgbench(argc - 1, argv + 1);
	return usage();
}
