/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Tests of the sysfs backend (src/lib/backend/sysfs.c).
 *
 * Fake tree: built in a temporary directory from tests/data/dump/ and tests/data/sysfs/;
 * read-only and writable modes, BAR info from the resource file, error paths (missing
 * device, malformed files, FIFOs), pg_sysfs_list() through libpci (names libpci cannot
 * parse fail the listing with -EIO before libpci sees them; addresses libpci truncates are
 * dropped). Devices carry the attribute files a real tree has (vendor, device, class,
 * irq); inotify proves that read-only mode opens nothing but config and resource, and that
 * listing opens nothing inside the devices directory.
 *
 * Real devices: every device under /sys/bus/pci/devices, opened read-only; its snapshot
 * must equal a direct read of its config file; cfg_write must be -EROFS, BAR accesses
 * -EPERM (or -ENXIO for absent BARs), reset -EROFS; no resourceN is ever opened. Nothing
 * is written and no BAR is touched. Skipped where /sys/bus/pci is absent.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "backend/backend-private.h"
#include "fdcount.h"

#include <pcigate/backend.h>

static char root[64];

/* ---- fake tree ---------------------------------------------------------------------- */

static void write_bytes(const char *path, const void *data, size_t len)
{
	int fd = open(path, O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0600);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	assert_int_equal(close(fd), 0);
}

static void sized_file(const char *path, off_t size)
{
	int fd = open(path, O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0600);

	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, size), 0);
	assert_int_equal(close(fd), 0);
}

static char *read_text(const char *path, size_t *len)
{
	FILE *f = fopen(path, "r");
	char *buf = calloc(1, 65536);

	assert_non_null(f);
	assert_non_null(buf);
	*len = fread(buf, 1, 65535, f);
	fclose(f);
	return buf;
}

static char *dev_path(const char *bdf, const char *file)
{
	static char p[256];

	snprintf(p, sizeof(p), "%s/bus/pci/devices/%s%s%s", root, bdf, file ? "/" : "",
		 file ? file : "");
	return p;
}

/* The attribute files the kernel provides beside config (libpci's pci_fill_info() reads
 * them; neither listing nor opening a device may). */
static void write_attrs(const char *bdf, const uint8_t *cfg)
{
	static const struct { const char *name; unsigned off, len; } attrs[] = {
		{ "vendor", 0x00, 2 }, { "device", 0x02, 2 }, { "class", 0x09, 3 },
		{ "irq", 0x3c, 1 },
	};
	char text[32];

	for (size_t i = 0; i < sizeof(attrs) / sizeof(attrs[0]); i++) {
		unsigned v = 0;

		for (unsigned b = 0; b < attrs[i].len; b++)
			v |= (unsigned)cfg[attrs[i].off + b] << (8 * b);
		if (attrs[i].len == 1)
			snprintf(text, sizeof(text), "%u\n", v);
		else
			snprintf(text, sizeof(text), "0x%0*x\n", (int)attrs[i].len * 2, v);
		write_bytes(dev_path(bdf, attrs[i].name), text, strlen(text));
	}
}

/* Device directory with config = device idx of a dump fixture (cut to len) and resource. */
static void make_dev(const char *bdf, const char *dump, size_t idx, uint16_t len,
		     const char *res)
{
	const char *data = getenv("PG_TESTDATA");
	struct pg_dump_dev *devs = NULL;
	char src[4096];
	char *text;
	size_t n = 0, tl;

	assert_non_null(data);
	assert_int_equal(mkdir(dev_path(bdf, NULL), 0700), 0);
	snprintf(src, sizeof(src), "%s/dump/%s", data, dump);
	assert_int_equal(pg_dump_read_file(src, &devs, &n, NULL), 0);
	assert_true(idx < n && len <= devs[idx].len);
	write_bytes(dev_path(bdf, "config"), devs[idx].cfg, len);
	write_attrs(bdf, devs[idx].cfg);
	free(devs);
	if (!res)
		return;
	snprintf(src, sizeof(src), "%s/sysfs/%s", data, res);
	text = read_text(src, &tl);
	write_bytes(dev_path(bdf, "resource"), text, tl);
	free(text);
}

static int setup_tree(void **state)
{
	char p[128];

	(void)state;
	snprintf(root, sizeof(root), "/tmp/pg-sysfs-test-XXXXXX");
	if (!mkdtemp(root))
		return -1;
	snprintf(p, sizeof(p), "%s/bus", root);
	mkdir(p, 0700);
	snprintf(p, sizeof(p), "%s/bus/pci", root);
	mkdir(p, 0700);
	snprintf(p, sizeof(p), "%s/bus/pci/devices", root);
	mkdir(p, 0700);
	make_dev("0000:01:00.0", "82576-annotated.txt", 0, 4096, "82576.resource");
	make_dev("0000:00:01.0", "lspci-xxx-local.txt", 1, 256, "virtio-balloon.resource");
	make_dev("0000:00:1f.0", "82576-annotated.txt", 0, 64, "82576.resource");
	/* Writable-mode files of the 82576: BARs as regular files, a reset file. */
	sized_file(dev_path("0000:01:00.0", "resource0"), 128 << 10);
	sized_file(dev_path("0000:01:00.0", "resource2"), 32);
	sized_file(dev_path("0000:01:00.0", "resource3"), 100); /* shorter than the BAR */
	sized_file(dev_path("0000:01:00.0", "reset"), 0);
	return 0;
}

static int teardown_tree(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	return system(cmd) == 0 ? 0 : -1;
}

static struct pg_backend *open_dev(const char *bdf, unsigned flags)
{
	struct pg_backend *be = NULL;
	int r = pg_backend_sysfs_open(bdf, flags, root, &be);

	if (r != 0)
		fail_msg("open %s: %d", bdf, r);
	return be;
}

/* Names opened (IN_OPEN) in a directory since the watch was added, as "a,b,c," text;
 * returns how many times the watched directory itself was opened. */
static unsigned opened_names(int ifd, char *out, size_t cap)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	unsigned self = 0;
	ssize_t n;

	out[0] = '\0';
	while ((n = read(ifd, buf, sizeof(buf))) > 0) {
		for (char *p = buf; p < buf + n;) {
			struct inotify_event *e = (struct inotify_event *)(void *)p;

			if ((e->mask & IN_OPEN) && !e->len)
				self++;
			if ((e->mask & IN_OPEN) && e->len && !strstr(out, e->name)) {
				strncat(out, e->name, cap - strlen(out) - 2);
				strcat(out, ",");
			}
			p += sizeof(*e) + e->len;
		}
	}
	return self;
}

/* BAR table of the fake 82576 in read-only mode: described, never accessible. */
static void check_82576_bars(struct pg_backend *be)
{
	static const struct pg_bar_info want[PG_CFG_NUM_BARS] = {
		{ true, PG_BAR_MEM32, false, 128u << 10, 0xe0800000, false },
		{ true, PG_BAR_MEM32, false, 4u << 20, 0xe0000000, false },
		{ true, PG_BAR_IO, false, 32, 0x1020, false },
		{ true, PG_BAR_MEM32, false, 16u << 10, 0xe0840000, false },
		{ false, PG_BAR_NONE, false, 0, 0, false },
		{ false, PG_BAR_NONE, false, 0, 0, false },
		{ true, PG_BAR_ROM, true, 512u << 10, 0xc7800000, false },
	};
	uint64_t v;

	for (unsigned i = 0; i < PG_CFG_NUM_BARS; i++) {
		struct pg_bar_info info;

		assert_int_equal(pg_backend_bar_info(be, i, &info), 0);
		if (info.present != want[i].present || info.kind != want[i].kind ||
		    info.prefetchable != want[i].prefetchable || info.size != want[i].size ||
		    info.host_addr != want[i].host_addr || info.accessible != want[i].accessible)
			fail_msg("BAR%u: present %d kind %d pf %d size %llx addr %llx acc %d", i,
				 info.present, info.kind, info.prefetchable,
				 (unsigned long long)info.size, (unsigned long long)info.host_addr,
				 info.accessible);
		assert_int_equal(pg_backend_bar_read(be, i, 0, 4, &v),
				 want[i].present ? -EPERM : -ENXIO);
		assert_int_equal(pg_backend_bar_write(be, i, 0, 4, 0),
				 want[i].present ? -EPERM : -ENXIO);
	}
}

static void test_fake_readonly(void **state)
{
	int ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	uint8_t *buf = malloc(PG_CFG_EXT_LEN), *file = malloc(PG_CFG_EXT_LEN);
	struct pg_cfg_bar_sizes sizes;
	struct pg_backend *be;
	char opened[512];
	size_t flen;
	int fd;

	(void)state;
	assert_true(ifd >= 0);
	assert_non_null(buf);
	assert_non_null(file);
	assert_true(inotify_add_watch(ifd, dev_path("0000:01:00.0", NULL), IN_OPEN) >= 0);

	be = open_dev("01:00.0", 0); /* short form, domain 0 */
	assert_string_equal(pg_backend_kind(be), "sysfs");
	assert_string_equal(pg_backend_name(be), "0000:01:00.0");
	assert_int_equal(pg_backend_cfg_len(be), 4096);
	assert_int_equal(pg_backend_snapshot(be, buf, &sizes), 4096);
	fd = open(dev_path("0000:01:00.0", "config"), O_RDONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	flen = (size_t)read(fd, file, PG_CFG_EXT_LEN);
	close(fd);
	assert_int_equal(flen, 4096);
	assert_memory_equal(buf, file, 4096);
	assert_int_equal(sizes.known, 0x7f);
	assert_int_equal(sizes.size[1], 4u << 20);
	check_82576_bars(be);
	assert_int_equal(pg_backend_cfg_write(be, 0x04, 2, 0), -EROFS);
	assert_int_equal(pg_backend_reset(be, PG_RESET_ANY), -EROFS);
	pg_backend_close(be);

	/* config unchanged; nothing but config and resource was opened. */
	fd = open(dev_path("0000:01:00.0", "config"), O_RDONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(read(fd, buf, PG_CFG_EXT_LEN), 4096);
	close(fd);
	assert_memory_equal(buf, file, 4096);
	(void)opened_names(ifd, opened, sizeof(opened));
	assert_string_equal(opened, "config,resource,"); /* + our own reads of config */
	close(ifd);
	free(buf);
	free(file);
}

/* Read system calls this process has made so far (/proc/self/io "syscr"), or -1. */
static long read_calls(void)
{
	char buf[512], *p;
	int fd = open("/proc/self/io", O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;

	if (fd >= 0)
		close(fd);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	p = strstr(buf, "syscr: ");
	return p ? strtol(p + 7, NULL, 10) : -1;
}

/* Config of a live device is read in bulk, once: lspci reads a 4 KiB config space with a
 * handful of preads, and each dword of a sysfs config read is a config cycle in the
 * kernel. Opening reads the file once (to learn its length) and the first snapshot reuses
 * those bytes; a later snapshot is one more bulk read, not one read per dword. */
static void test_fake_bulk_reads(void **state)
{
	uint8_t *buf = malloc(PG_CFG_EXT_LEN), *file = malloc(PG_CFG_EXT_LEN);
	long c0 = read_calls(), c1 = read_calls(), probe = c1 - c0, open_reads, snap1, snap2;
	struct pg_backend *be;
	int fd;

	(void)state;
	assert_non_null(buf);
	assert_non_null(file);
	if (c0 < 0)
		skip(); /* no I/O accounting in this kernel */
	c0 = read_calls();
	be = open_dev("0000:01:00.0", 0);
	c1 = read_calls();
	open_reads = c1 - c0 - probe;
	assert_int_equal(pg_backend_snapshot(be, buf, NULL), 4096);
	c0 = read_calls();
	snap1 = c0 - c1 - probe;
	assert_int_equal(pg_backend_snapshot(be, buf, NULL), 4096);
	snap2 = read_calls() - c0 - probe;
	pg_backend_close(be);
	/* config (one 4 KiB pread) and resource (read to EOF) */
	if (open_reads > 4 || snap1 != 0 || snap2 > 2)
		fail_msg("read calls: open %ld (<= 4), first snapshot %ld (0), second %ld (<= 2)",
			 open_reads, snap1, snap2);
	fd = open(dev_path("0000:01:00.0", "config"), O_RDONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(read(fd, file, PG_CFG_EXT_LEN), 4096);
	close(fd);
	assert_memory_equal(buf, file, 4096);
	free(buf);
	free(file);
}

static void test_fake_mem64_and_short(void **state)
{
	struct pg_backend *be = open_dev("0000:00:01.0", 0);
	struct pg_bar_info info;
	uint32_t v;

	(void)state;
	assert_int_equal(pg_backend_cfg_len(be), 256);
	assert_int_equal(pg_backend_bar_info(be, 0, &info), 0);
	assert_true(info.present);
	assert_int_equal(info.kind, PG_BAR_MEM64);
	assert_false(info.prefetchable);
	assert_int_equal(info.size, 512u << 10);
	assert_int_equal(info.host_addr, 0x4000000000ull);
	assert_int_equal(pg_backend_bar_info(be, 1, &info), 0);
	assert_false(info.present);
	assert_int_equal(info.kind, PG_BAR_MEM64_HI);
	assert_int_equal(pg_backend_cfg_read(be, 0, 4, &v), 0);
	assert_int_equal(v, 0x10451af4);
	pg_backend_close(be);

	/* A 64-byte config file (what non-root users see): cfg_len 64. */
	be = open_dev("0000:00:1f.0", 0);
	assert_int_equal(pg_backend_cfg_len(be), 64);
	assert_int_equal(pg_backend_cfg_read(be, 60, 4, &v), 0);
	assert_int_equal(pg_backend_cfg_read(be, 64, 4, &v), -EINVAL);
	pg_backend_close(be);
}

static void test_fake_writable(void **state)
{
	struct pg_backend *be = open_dev("0000:01:00.0", PG_SYSFS_WRITABLE);
	struct pg_bar_info info;
	uint8_t cfg[8];
	uint64_t v;
	int fd;

	(void)state;
	assert_int_equal(pg_backend_bar_info(be, 0, &info), 0);
	assert_true(info.accessible);
	assert_int_equal(pg_backend_bar_info(be, PG_CFG_ROM_BAR, &info), 0);
	assert_false(info.accessible); /* the ROM has no resourceN */

	/* Config writes land in the file, little endian. */
	assert_int_equal(pg_backend_cfg_write(be, 0x04, 2, 0x0406), 0);
	assert_int_equal(pg_backend_cfg_write(be, 0x3c, 1, 0x0a), 0);
	fd = open(dev_path("0000:01:00.0", "config"), O_RDONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(pread(fd, cfg, 2, 0x04), 2);
	assert_int_equal(pread(fd, cfg + 2, 1, 0x3c), 1);
	close(fd);
	assert_int_equal(cfg[0], 0x06);
	assert_int_equal(cfg[1], 0x04);
	assert_int_equal(cfg[2], 0x0a);

	/* Memory BAR through the mapping of resource0. */
	assert_int_equal(pg_backend_bar_write(be, 0, 0x100, 8, 0x1122334455667788ull), 0);
	assert_int_equal(pg_backend_bar_read(be, 0, 0x104, 4, &v), 0);
	assert_int_equal(v, 0x11223344);
	assert_int_equal(pg_backend_bar_read(be, 0, (128u << 10) - 1, 1, &v), 0);
	assert_int_equal(pg_backend_bar_read(be, 0, 128u << 10, 1, &v), -ERANGE);
	/* I/O BAR through pread/pwrite of resource2; 8-byte port accesses do not exist. */
	assert_int_equal(pg_backend_bar_write(be, 2, 4, 4, 0xa1b2c3d4), 0);
	assert_int_equal(pg_backend_bar_read(be, 2, 6, 2, &v), 0);
	assert_int_equal(v, 0xa1b2);
	assert_int_equal(pg_backend_bar_read(be, 2, 8, 8, &v), -EOPNOTSUPP);
	/* resource1 missing, resource3 shorter than its BAR (would SIGBUS if mapped). */
	assert_int_equal(pg_backend_bar_read(be, 1, 0, 4, &v), -ENOENT);
	assert_int_equal(pg_backend_bar_read(be, 3, 0, 4, &v), -EIO);
	assert_int_equal(pg_backend_bar_read(be, PG_CFG_ROM_BAR, 0, 4, &v), -EPERM);

	pg_backend_close(be);

	/* The BAR file holds what was written. */
	fd = open(dev_path("0000:01:00.0", "resource0"), O_RDONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(pread(fd, &v, 8, 0x100), 8);
	close(fd);
	assert_int_equal(v, 0x1122334455667788ull);

}

static void test_fake_reset(void **state)
{
	struct pg_backend *be = open_dev("0000:01:00.0", PG_SYSFS_WRITABLE);
	size_t len;
	char *text;

	(void)state;
	/* Reset writes "1" to the reset file; specific methods are not offered. */
	assert_int_equal(pg_backend_reset(be, PG_RESET_FLR), -EOPNOTSUPP);
	assert_int_equal(pg_backend_reset(be, PG_RESET_ANY), 0);
	text = read_text(dev_path("0000:01:00.0", "reset"), &len);
	assert_int_equal(len, 1);
	assert_int_equal(text[0], '1');
	free(text);
	pg_backend_close(be);

	be = open_dev("0000:00:01.0", PG_SYSFS_WRITABLE);
	assert_int_equal(pg_backend_reset(be, PG_RESET_ANY), -EOPNOTSUPP); /* no reset file */
	pg_backend_close(be);
}

/* Issue 7: an ordered list of allowed methods goes to reset_method; a method the policy
 * excluded is never written, and the administrator's list is put back. */
static void test_fake_reset_order(void **state)
{
	static const enum pg_reset_method pm[] = { PG_RESET_PM };
	static const enum pg_reset_method bus_flr[] = { PG_RESET_BUS, PG_RESET_FLR };
	struct pg_backend *be = open_dev("0000:01:00.0", PG_SYSFS_WRITABLE);
	enum pg_reset_method used = PG_RESET_ANY;
	size_t len;
	char *text;

	(void)state;
	write_bytes(dev_path("0000:01:00.0", "reset_method"), "flr bus\n", 8);
	write_bytes(dev_path("0000:01:00.0", "reset"), "", 0);
	/* PM is not offered: refused, nothing written */
	assert_int_equal(pg_backend_reset_list(be, pm, 1, &used), -EOPNOTSUPP);
	text = read_text(dev_path("0000:01:00.0", "reset"), &len);
	assert_int_equal(len, 0);
	free(text);
	assert_int_equal(pg_backend_reset_list(be, bus_flr, 2, &used), 0);
	assert_int_equal(used, PG_RESET_BUS);
	text = read_text(dev_path("0000:01:00.0", "reset"), &len);
	assert_int_equal(len, 1);
	assert_int_equal(text[0], '1');
	free(text);
	text = read_text(dev_path("0000:01:00.0", "reset_method"), &len);
	assert_string_equal(text, "flr bus"); /* restored */
	free(text);
	assert_int_equal(unlink(dev_path("0000:01:00.0", "reset_method")), 0);
	pg_backend_close(be);
}

/* The text written to reset_method, table-driven. */
static void test_reset_order_text(void **state)
{
	static const struct {
		const char *offered;
		enum pg_reset_method m[3];
		unsigned n;
		int rc;
		const char *want;
		enum pg_reset_method first;
	} cases[] = {
		{ "flr pm bus", { PG_RESET_BUS, PG_RESET_PM }, 2, 0, "bus pm", PG_RESET_BUS },
		{ "af_flr bus", { PG_RESET_FLR }, 1, 0, "af_flr", PG_RESET_FLR },
		{ "device_specific flr af_flr", { PG_RESET_PM, PG_RESET_FLR }, 2, 0, "flr af_flr",
		  PG_RESET_FLR },
		{ "acpi bus", { PG_RESET_FLR, PG_RESET_PM }, 2, -EOPNOTSUPP, "", PG_RESET_ANY },
		{ "", { PG_RESET_BUS }, 1, -EOPNOTSUPP, "", PG_RESET_ANY },
		{ "busy pmx", { PG_RESET_BUS, PG_RESET_PM }, 2, -EOPNOTSUPP, "", PG_RESET_ANY },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		enum pg_reset_method first = PG_RESET_ANY;
		char out[64];
		int rc = pg_sysfs_reset_order(cases[i].offered, cases[i].m, cases[i].n, out,
					      sizeof(out), &first);

		assert_int_equal(rc, cases[i].rc);
		if (rc == 0) {
			assert_string_equal(out, cases[i].want);
			assert_int_equal(first, cases[i].first);
		}
	}
}

/* ---- errors ------------------------------------------------------------------------- */

static void expect_open(const char *bdf, unsigned flags, const char *r, int rc)
{
	struct pg_backend *be = (void *)0x1;
	int got = pg_backend_sysfs_open(bdf, flags, r, &be);

	if (got != rc)
		fail_msg("open %s (root %s): %d, want %d", bdf ? bdf : "(null)", r, got, rc);
	assert_ptr_equal(be, (void *)0x1); /* no partial object */
}

static void broken_dev(const char *bdf, const char *config, const char *resource)
{
	assert_int_equal(mkdir(dev_path(bdf, NULL), 0700), 0);
	if (config)
		write_bytes(dev_path(bdf, "config"), config, strlen(config));
	if (resource)
		write_bytes(dev_path(bdf, "resource"), resource, strlen(resource));
}

static void test_fake_errors(void **state)
{
	static const char res_ok[] = "0x0000000000001000 0x0000000000001fff 0x0000000000000200\n";
	char longroot[PATH_MAX + 16];

	(void)state;
	expect_open("0000:02:00.0", 0, root, -ENODEV);
	expect_open("0001:01:00.0", 0, root, -ENODEV);
	expect_open("01:00.0 ", 0, root, -EINVAL);
	expect_open("01:20.0", 0, root, -EINVAL);
	expect_open("01:00.0", 0x2, root, -EINVAL);
	expect_open(NULL, 0, root, -EINVAL);
	memset(longroot, 'r', sizeof(longroot) - 1);
	longroot[sizeof(longroot) - 1] = '\0';
	expect_open("01:00.0", 0, longroot, -ENAMETOOLONG);

	broken_dev("0000:03:00.0", NULL, res_ok);                      /* no config */
	expect_open("03:00.0", 0, root, -ENODEV);
	broken_dev("0000:04:00.0", "\x86\x80\x10\x10", NULL);          /* no resource */
	expect_open("04:00.0", 0, root, -ENODEV);
	broken_dev("0000:05:00.0", "", res_ok);                        /* empty config */
	expect_open("05:00.0", 0, root, -EIO);
	broken_dev("0000:06:00.0", "\x86\x80\x10\x10", "0x1000 0x1fff\n"); /* 2 fields */
	expect_open("06:00.0", 0, root, -EIO);
	broken_dev("0000:07:00.0", "\x86\x80\x10\x10", "0x1000 0x1fff 0x200 0x1\n");
	expect_open("07:00.0", 0, root, -EIO);
	broken_dev("0000:08:00.0", "\x86\x80\x10\x10", "1000 1fff 200\n"); /* no 0x */
	expect_open("08:00.0", 0, root, -EIO);
	broken_dev("0000:09:00.0", "\x86\x80\x10\x10", "0x1000  0x1fff 0x200\n");
	expect_open("09:00.0", 0, root, -EIO);
	/* A FIFO planted as config must neither block nor be read. */
	broken_dev("0000:0a:00.0", NULL, res_ok);
	assert_int_equal(mkfifo(dev_path("0000:0a:00.0", "config"), 0600), 0);
	expect_open("0a:00.0", 0, root, -EIO);
	/* A symlinked config is refused (O_NOFOLLOW). */
	broken_dev("0000:0b:00.0", NULL, res_ok);
	{
		char target[256];

		snprintf(target, sizeof(target), "%s", dev_path("0000:01:00.0", "config"));
		assert_int_equal(symlink(target, dev_path("0000:0b:00.0", "config")), 0);
	}
	expect_open("0b:00.0", 0, root, -ELOOP);
	/* Short resource files are fine: missing lines are absent BARs. */
	broken_dev("0000:0c:00.0", "\x86\x80\x10\x10", res_ok);
	{
		struct pg_backend *be = open_dev("0c:00.0", 0);
		struct pg_bar_info info;

		assert_int_equal(pg_backend_cfg_len(be), 4);
		assert_int_equal(pg_backend_bar_info(be, 0, &info), 0);
		assert_true(info.present && info.size == 4096 && info.kind == PG_BAR_MEM32);
		assert_int_equal(pg_backend_bar_info(be, 3, &info), 0);
		assert_false(info.present);
		pg_backend_close(be);
	}
}

static void mkdir_in(const char *dir, const char *name)
{
	char p[512];

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	assert_int_equal(mkdir(p, 0700), 0);
}

static void test_fake_list(void **state)
{
	char list[16][13], devices[256], opened[512];
	int ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC), wdev, wone;
	size_t n = 0;

	(void)state;
	assert_true(ifd >= 0);
	snprintf(devices, sizeof(devices), "%s/bus/pci/devices", root);
	/* Names libpci parses but that are no canonical device of this tree: a 5-digit
	 * domain, a bus libpci truncates to 8 bits (0x100 -> 00, and 0000:00:00.0 does not
	 * exist), a short-form alias of 0000:00:01.0 (listed once), a hidden entry. */
	mkdir_in(devices, "10000:00:00.0");
	mkdir_in(devices, "0000:100:00.0");
	mkdir_in(devices, "0:0:1.0");
	mkdir_in(devices, ".hidden");
	wdev = inotify_add_watch(ifd, devices, IN_OPEN);
	wone = inotify_add_watch(ifd, dev_path("0000:01:00.0", NULL), IN_OPEN);
	assert_true(wdev >= 0 && wone >= 0);
	assert_int_equal(pg_sysfs_list(root, list, 16, &n), 0);
	assert_int_equal(n, 13); /* 3 good devices + 10 broken ones of test_fake_errors */
	assert_string_equal(list[0], "0000:00:01.0");
	assert_string_equal(list[1], "0000:00:1f.0");
	assert_string_equal(list[2], "0000:01:00.0");
	assert_string_equal(list[12], "0000:0c:00.0");
	for (size_t i = 1; i < n; i++)
		assert_true(strcmp(list[i - 1], list[i]) < 0);
	/* Listing reads the devices directory and opens nothing inside it: no device
	 * directory, no attribute file (vendor, device, class, irq, resource, config). The
	 * watch on a device directory sees every open of a file in it. */
	assert_true(opened_names(ifd, opened, sizeof(opened)) >= 1);
	assert_string_equal(opened, "");
	close(ifd);

	assert_int_equal(pg_sysfs_list(root, NULL, 0, &n), 0);
	assert_int_equal(n, 13);
	n = 99;
	assert_int_equal(pg_sysfs_list(root, list, 12, &n), -E2BIG);
	assert_int_equal(n, 99);
	assert_int_equal(pg_sysfs_list(root, NULL, 1, &n), -EINVAL);
	assert_int_equal(pg_sysfs_list(root, list, 16, NULL), -EINVAL);
	assert_int_equal(pg_sysfs_list("/nonexistent-pg", list, 16, &n), -ENOENT);
	assert_int_equal(n, 99);
}

/* Trees pg_sysfs_list() refuses, each in its own root. */
static void test_fake_list_errors(void **state)
{
	static const char *const bad_names[] = {
		"junk", "00:02.0", "0000:00:02", "80000000:00:00.0", "0000:00:xx.0",
	};
	char other[64], p[256], q[512], list[4][13], longroot[1100];
	size_t n = 77;
	unsigned fds;

	(void)state;
	snprintf(other, sizeof(other), "/tmp/pg-sysfs-list-XXXXXX");
	assert_non_null(mkdtemp(other));
	snprintf(p, sizeof(p), "%s/bus", other);
	assert_int_equal(mkdir(p, 0700), 0);
	snprintf(p, sizeof(p), "%s/bus/pci", other);
	assert_int_equal(mkdir(p, 0700), 0);
	/* devices is a file, not a directory */
	snprintf(p, sizeof(p), "%s/bus/pci/devices", other);
	write_bytes(p, "x", 1);
	assert_int_equal(pg_sysfs_list(other, list, 4, &n), -ENOTDIR);
	assert_int_equal(unlink(p), 0);
	assert_int_equal(mkdir(p, 0700), 0);
	/* Empty bus: no devices. */
	assert_int_equal(pg_sysfs_list(other, list, 4, &n), 0);
	assert_int_equal(n, 0);
	mkdir_in(p, "0000:00:03.0");
	/* A name libpci cannot parse (its scan would raise error()) fails the listing,
	 * before libpci runs: no descriptor or memory is left behind (LeakSanitizer checks
	 * the memory in the sanitizer build). */
	for (size_t i = 0; i < sizeof(bad_names) / sizeof(bad_names[0]); i++) {
		mkdir_in(p, bad_names[i]);
		fds = pg_test_open_fds();
		n = 77;
		if (pg_sysfs_list(other, list, 4, &n) != -EIO)
			fail_msg("entry '%s' not refused", bad_names[i]);
		assert_int_equal(n, 77);
		assert_int_equal(pg_test_open_fds(), fds);
		snprintf(q, sizeof(q), "%s/%s", p, bad_names[i]);
		assert_int_equal(rmdir(q), 0);
	}
	assert_int_equal(pg_sysfs_list(other, list, 4, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(list[0], "0000:00:03.0");
	/* libpci builds "%s/devices" in 1024 bytes: longer roots are refused up front. */
	memset(longroot, 'r', sizeof(longroot) - 1);
	longroot[0] = '/';
	longroot[sizeof(longroot) - 1] = '\0';
	assert_int_equal(pg_sysfs_list(longroot, list, 4, &n), -ENAMETOOLONG);
	snprintf(p, sizeof(p), "rm -rf '%s'", other);
	assert_int_equal(system(p), 0);
}

/* ---- this machine ------------------------------------------------------------------- */

/* True when this process has any resourceN of a PCI device open. */
static bool resource_fd_open(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	bool found = false;

	assert_non_null(d);
	while ((e = readdir(d))) {
		char p[300], target[PATH_MAX];
		ssize_t n;

		snprintf(p, sizeof(p), "/proc/self/fd/%s", e->d_name);
		n = readlink(p, target, sizeof(target) - 1);
		if (n <= 0)
			continue;
		target[n] = '\0';
		/* ".../resource" is the text table we may read; ".../resourceN" is a BAR. */
		if (strstr(target, "/sys/") && strncmp(strrchr(target, '/'), "/resource", 9) == 0 &&
		    strcmp(strrchr(target, '/'), "/resource") != 0)
			found = true;
	}
	closedir(d);
	return found;
}

/* Read a config file directly (up to 4096 bytes); returns the length. */
static size_t read_config(const char *bdf, uint8_t *buf)
{
	char path[128];
	ssize_t n = 0, r;
	int fd;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/config", bdf);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	while (n < (ssize_t)PG_CFG_EXT_LEN &&
	       (r = pread(fd, buf + n, PG_CFG_EXT_LEN - (size_t)n, n)) > 0)
		n += r;
	close(fd);
	return (size_t)n;
}

/* The snapshot equals the config file. A live device may change some bytes between two
 * reads (status bits, counters in vendor space): bytes that differ between a direct read
 * before and one after the snapshot are not compared. */
static void compare_snapshot(struct pg_backend *be, const char *bdf)
{
	uint8_t *snap = malloc(PG_CFG_EXT_LEN), *d1 = malloc(PG_CFG_EXT_LEN);
	uint8_t *d2 = malloc(PG_CFG_EXT_LEN);
	size_t len, volatile_bytes = 0;

	assert_non_null(snap);
	assert_non_null(d1);
	assert_non_null(d2);
	len = read_config(bdf, d1);
	assert_int_equal(pg_backend_snapshot(be, snap, NULL), pg_backend_cfg_len(be));
	assert_int_equal(read_config(bdf, d2), len);
	assert_int_equal(len, pg_backend_cfg_len(be));
	for (size_t i = 0; i < len; i++) {
		if (d1[i] != d2[i]) {
			volatile_bytes++;
			continue;
		}
		if (snap[i] != d1[i])
			fail_msg("%s: snapshot byte 0x%zx is 0x%02x, config file 0x%02x", bdf, i,
				 snap[i], d1[i]);
	}
	assert_true(volatile_bytes < len / 4);
	assert_memory_equal(snap, d1, 4); /* IDs never change */
	free(snap);
	free(d1);
	free(d2);
}

static void check_real(const char *bdf)
{
	struct pg_backend *be = NULL;
	uint64_t v;
	int rc;

	rc = pg_backend_sysfs_open(bdf, 0, NULL, &be);
	if (rc != 0)
		fail_msg("%s: open %d", bdf, rc);
	compare_snapshot(be, bdf);
	assert_int_equal(pg_backend_cfg_write(be, 0x04, 2, 0), -EROFS);
	assert_int_equal(pg_backend_reset(be, PG_RESET_ANY), -EROFS);
	for (unsigned i = 0; i < PG_CFG_NUM_BARS; i++) {
		struct pg_bar_info info;

		assert_int_equal(pg_backend_bar_info(be, i, &info), 0);
		assert_false(info.accessible);
		assert_int_equal(pg_backend_bar_read(be, i, 0, 4, &v),
				 info.present ? -EPERM : -ENXIO);
		assert_int_equal(pg_backend_bar_write(be, i, 0, 1, 0),
				 info.present ? -EPERM : -ENXIO);
	}
	assert_false(resource_fd_open());
	print_message("%s: %u config bytes, read-only checks passed\n", bdf,
		      pg_backend_cfg_len(be));
	pg_backend_close(be);
}

static void test_real_devices(void **state)
{
	char (*list)[13] = NULL;
	size_t n = 0, count = 0;

	(void)state;
	if (access("/sys/bus/pci/devices", F_OK) != 0) {
		print_message("skip: /sys/bus/pci/devices does not exist on this machine\n");
		skip();
		return;
	}
	assert_int_equal(pg_sysfs_list(NULL, NULL, 0, &count), 0);
	if (!count) {
		print_message("skip: no PCI devices under /sys/bus/pci/devices\n");
		skip();
		return;
	}
	list = calloc(count, sizeof(*list));
	assert_non_null(list);
	assert_int_equal(pg_sysfs_list(NULL, list, count, &n), 0);
	assert_int_equal(n, count);
	for (size_t i = 0; i < n; i++)
		check_real(list[i]);
	free(list);
}

int main(void)
{
	const struct CMUnitTest fake[] = {
		cmocka_unit_test(test_fake_readonly),
		cmocka_unit_test(test_fake_bulk_reads),
		cmocka_unit_test(test_fake_mem64_and_short),
		cmocka_unit_test(test_fake_writable),
		cmocka_unit_test(test_fake_reset),
		cmocka_unit_test(test_fake_reset_order),
		cmocka_unit_test(test_reset_order_text),
		cmocka_unit_test(test_fake_errors),
		cmocka_unit_test(test_fake_list),
		cmocka_unit_test(test_fake_list_errors),
	};
	const struct CMUnitTest real[] = {
		cmocka_unit_test(test_real_devices),
	};
	int r = cmocka_run_group_tests_name("fake sysfs tree", fake, setup_tree, teardown_tree);

	return r | cmocka_run_group_tests_name("this machine (read-only)", real, NULL, NULL);
}
