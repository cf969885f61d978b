/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The sysfs backend: a live host device through /sys/bus/pci/devices/BDF.
 *
 * Least privilege: opened read-only (the default), the backend opens exactly two files,
 * config (O_RDONLY) and resource, and every operation that could change the device or
 * touch its BARs (config write, BAR access, reset) is refused before any file is opened.
 * Writable mode opens config O_RDWR and, on first use, resourceN and reset.
 *
 * The tree is trusted no more than any input: tests (and a hostile root passed by a
 * confused caller) can plant FIFOs, symlinks or odd content. Files are opened
 * O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC and fstat()ed to be regular; the resource file is
 * size-capped and parsed strictly; a resourceN file is mapped only when it is at least as
 * long as the BAR (a shorter regular file would raise SIGBUS on access).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <pcigate/backend.h>

#include <pci/pci.h>

#include "backend-private.h"
#include "util/pcilib.h"
#include "util/util.h"

/* Linux include/linux/ioport.h */
#define IORESOURCE_IO 0x00000100ull
#define IORESOURCE_MEM 0x00000200ull
#define IORESOURCE_PREFETCH 0x00002000ull
#define IORESOURCE_MEM_64 0x00100000ull

#define RESOURCE_FILE_MAX 8192u /* the kernel prints at most 17 lines of 57 characters */
#define OPEN_FLAGS (O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY)

struct sysfs_bar {
	uint64_t start, end, flags; /* from the resource file */
	int fd;                     /* resourceN, -1 until first use */
	volatile uint8_t *map;      /* memory BARs: shared mapping of resourceN */
	size_t map_len;
};

struct sysfs_dev {
	int dirfd;                  /* ROOT/bus/pci/devices/BDF */
	int cfg_fd;
	bool writable;
	/* The config bytes read at open (to learn cfg_len), handed to the first snapshot so
	 * that opening and snapshotting a device reads its config file once, as lspci does
	 * (every 4-byte piece of a sysfs config read is a config cycle in the kernel).
	 * Dropped at the first snapshot and by any write or reset. */
	uint8_t *open_cfg;
	struct sysfs_bar bars[PG_CFG_NUM_BARS];
};

static struct sysfs_dev *dev_of(struct pg_backend *be)
{
	return pg_backend_priv(be);
}

/* ---- resource file ------------------------------------------------------------------ */

/* Parse "0x" + 1..16 hex digits. */
static int parse_0x(const char *s, size_t n, uint64_t *v)
{
	if (n < 3 || s[0] != '0' || s[1] != 'x')
		return -EINVAL;
	return pg_util_parse_hex(s + 2, n - 2, v);
}

/* One line "start end flags"; single spaces as the kernel prints them. */
static int parse_res_line(const char *s, size_t n, struct sysfs_bar *b)
{
	uint64_t v[3];
	size_t pos = 0;

	for (int i = 0; i < 3; i++) {
		const char *sp = memchr(s + pos, ' ', n - pos);
		size_t tn = sp ? (size_t)(sp - (s + pos)) : n - pos;

		if ((i < 2) != (sp != NULL) || parse_0x(s + pos, tn, &v[i]) < 0)
			return -EIO;
		pos += tn + (sp ? 1 : 0);
	}
	b->start = v[0];
	b->end = v[1];
	b->flags = v[2];
	return 0;
}

static int load_resources(struct sysfs_dev *d)
{
	char *text = NULL;
	size_t len = 0, pos = 0;
	int r = pg_util_read_file_at(d->dirfd, "resource", RESOURCE_FILE_MAX, true, &text, &len);

	if (r == -ENOENT)
		return -ENODEV;
	if (r < 0)
		return r == -E2BIG || r == -EINVAL || r == -EISDIR ? -EIO : r;
	/* Lines beyond the ROM (bridge windows, SR-IOV) are not BARs of this function. */
	for (unsigned i = 0; i < PG_CFG_NUM_BARS && pos < len; i++) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (text + pos)) : len - pos;

		r = parse_res_line(text + pos, n, &d->bars[i]);
		if (r < 0)
			break;
		pos += n + 1;
	}
	free(text);
	return r;
}

static uint64_t res_size(const struct sysfs_bar *b)
{
	if (!b->flags || b->end <= b->start || b->end - b->start == UINT64_MAX)
		return 0;
	return b->end - b->start + 1;
}

/* ---- ops ---------------------------------------------------------------------------- */

static int sysfs_cfg_read(struct pg_backend *be, uint16_t off, uint8_t size, uint32_t *val)
{
	uint8_t buf[4];
	ssize_t r = pread(dev_of(be)->cfg_fd, buf, size, off);

	if (r < 0)
		return -errno;
	if (r != size)
		return -EIO;
	*val = (uint32_t)pg_le_load(buf, size);
	return 0;
}

/* Read [0, len) of config with as few preads as the kernel allows (one for a whole file). */
static int read_cfg_bulk(int fd, uint8_t *buf, size_t len, size_t *got)
{
	size_t n = 0;

	while (n < len) {
		ssize_t r = pread(fd, buf + n, len - n, (off_t)n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (r == 0)
			break;
		n += (size_t)r;
	}
	*got = n;
	return 0;
}

static int sysfs_cfg_read_all(struct pg_backend *be, uint8_t *buf, uint16_t len)
{
	struct sysfs_dev *d = dev_of(be);
	size_t got = 0;
	int r;

	if (d->open_cfg) {
		memcpy(buf, d->open_cfg, len);
		free(d->open_cfg);
		d->open_cfg = NULL;
		return 0;
	}
	r = read_cfg_bulk(d->cfg_fd, buf, len, &got);
	if (r < 0)
		return r;
	return got == len ? 0 : -EIO; /* the file shrank under us */
}

static int sysfs_cfg_write(struct pg_backend *be, uint16_t off, uint8_t size, uint32_t val)
{
	struct sysfs_dev *d = dev_of(be);
	uint8_t buf[4];
	ssize_t r;

	if (!d->writable)
		return -EROFS;
	free(d->open_cfg);
	d->open_cfg = NULL;
	pg_le_store(buf, size, val);
	r = pwrite(d->cfg_fd, buf, size, off);
	if (r < 0)
		return -errno;
	return r == size ? 0 : -EIO;
}

static enum pg_bar_kind res_kind(const struct sysfs_dev *d, unsigned bar)
{
	const struct sysfs_bar *b = &d->bars[bar];

	if (b->flags & IORESOURCE_IO)
		return PG_BAR_IO;
	if (b->flags & IORESOURCE_MEM) {
		if (bar == PG_CFG_ROM_BAR)
			return PG_BAR_ROM;
		return (b->flags & IORESOURCE_MEM_64) ? PG_BAR_MEM64 : PG_BAR_MEM32;
	}
	if (bar > 0 && bar < PG_CFG_ROM_BAR && (d->bars[bar - 1].flags & IORESOURCE_MEM) &&
	    (d->bars[bar - 1].flags & IORESOURCE_MEM_64))
		return PG_BAR_MEM64_HI;
	return PG_BAR_NONE;
}

static int sysfs_bar_info(struct pg_backend *be, unsigned bar, struct pg_bar_info *info)
{
	struct sysfs_dev *d = dev_of(be);
	const struct sysfs_bar *b = &d->bars[bar];

	info->kind = res_kind(d, bar);
	info->present = info->kind != PG_BAR_NONE && info->kind != PG_BAR_MEM64_HI;
	info->prefetchable = (b->flags & IORESOURCE_MEM) && (b->flags & IORESOURCE_PREFETCH);
	info->size = info->present ? res_size(b) : 0;
	info->host_addr = info->present ? b->start : 0;
	/* The ROM has no resourceN file (it is "rom"), and an unsized BAR cannot be
	 * bounds-checked: neither is accessible. */
	info->accessible = d->writable && info->present && bar < PG_CFG_ROM_BAR && info->size;
	return 0;
}

/* Open resourceN (and map it for a memory BAR) on first use. */
static int open_bar(struct sysfs_dev *d, unsigned bar)
{
	struct sysfs_bar *b = &d->bars[bar];
	uint64_t size = res_size(b);
	char name[16];
	struct stat st;
	void *map;

	if (b->fd >= 0)
		return 0;
	snprintf(name, sizeof(name), "resource%u", bar);
	b->fd = openat(d->dirfd, name, O_RDWR | OPEN_FLAGS);
	if (b->fd < 0)
		return -errno;
	if (fstat(b->fd, &st) < 0 || !S_ISREG(st.st_mode) || (uint64_t)st.st_size < size ||
	    size > SIZE_MAX)
		goto fail_io;
	if (b->flags & IORESOURCE_IO)
		return 0;
	map = mmap(NULL, (size_t)size, PROT_READ | PROT_WRITE, MAP_SHARED, b->fd, 0);
	if (map == MAP_FAILED)
		goto fail_io;
	b->map = map;
	b->map_len = (size_t)size;
	return 0;
fail_io:
	close(b->fd);
	b->fd = -1;
	return -EIO;
}

static int bar_prepare(struct sysfs_dev *d, unsigned bar, uint64_t off, uint8_t size)
{
	const struct sysfs_bar *b = &d->bars[bar];
	int r;

	if (!d->writable)
		return -EPERM; /* before anything is opened: read-only never touches BARs */
	if (bar >= PG_CFG_ROM_BAR || off >= res_size(b) || size > res_size(b) - off)
		return -ERANGE;
	if ((b->flags & IORESOURCE_IO) && size > 4)
		return -EOPNOTSUPP; /* the kernel's port accessors do 1, 2 or 4 bytes */
	r = open_bar(d, bar);
	return r;
}

static int sysfs_bar_read(struct pg_backend *be, unsigned bar, uint64_t off, uint8_t size,
			  uint64_t *val)
{
	struct sysfs_dev *d = dev_of(be);
	struct sysfs_bar *b = &d->bars[bar];
	uint8_t buf[8];
	ssize_t n;
	int r = bar_prepare(d, bar, off, size);

	if (r < 0)
		return r;
	if (b->map) {
		*val = pg_mmio_read(b->map + off, size);
		return 0;
	}
	n = pread(b->fd, buf, size, (off_t)off);
	if (n < 0)
		return -errno;
	if (n != size)
		return -EIO;
	*val = pg_le_load(buf, size);
	return 0;
}

static int sysfs_bar_write(struct pg_backend *be, unsigned bar, uint64_t off, uint8_t size,
			   uint64_t val)
{
	struct sysfs_dev *d = dev_of(be);
	struct sysfs_bar *b = &d->bars[bar];
	uint8_t buf[8];
	ssize_t n;
	int r = bar_prepare(d, bar, off, size);

	if (r < 0)
		return r;
	if (b->map) {
		pg_mmio_write(b->map + off, size, val);
		return 0;
	}
	pg_le_store(buf, size, val);
	n = pwrite(b->fd, buf, size, (off_t)off);
	if (n < 0)
		return -errno;
	return n == size ? 0 : -EIO;
}

static int sysfs_reset(struct pg_backend *be, const enum pg_reset_method *methods,
		       unsigned n, enum pg_reset_method *used)
{
	struct sysfs_dev *d = dev_of(be);

	if (!d->writable)
		return -EROFS;
	free(d->open_cfg); /* a reset changes the config: the bytes read at open are stale */
	d->open_cfg = NULL;
	return pg_sysfs_reset_at(d->dirfd, methods, n, used);
}

static void sysfs_destroy(void *priv)
{
	struct sysfs_dev *d = priv;

	if (!d)
		return;
	for (unsigned i = 0; i < PG_CFG_NUM_BARS; i++) {
		if (d->bars[i].map)
			munmap((void *)(uintptr_t)d->bars[i].map, d->bars[i].map_len);
		if (d->bars[i].fd >= 0)
			close(d->bars[i].fd);
	}
	if (d->cfg_fd >= 0)
		close(d->cfg_fd);
	free(d->open_cfg);
	if (d->dirfd >= 0)
		close(d->dirfd);
	free(d);
}

static const struct pg_backend_ops sysfs_ops = {
	.kind = "sysfs",
	.cfg_read = sysfs_cfg_read,
	.cfg_write = sysfs_cfg_write,
	.bar_info = sysfs_bar_info,
	.bar_read = sysfs_bar_read,
	.bar_write = sysfs_bar_write,
	.reset = sysfs_reset,
	.destroy = sysfs_destroy,
	.cfg_read_all = sysfs_cfg_read_all,
};

/* ---- open --------------------------------------------------------------------------- */

/* ROOT/bus/pci/devices[/name] into buf; -ENAMETOOLONG when it does not fit. */
static int devices_path(char *buf, size_t cap, const char *root, const char *name)
{
	int n = snprintf(buf, cap, "%s/bus/pci/devices%s%s", root ? root : "/sys",
			 name ? "/" : "", name ? name : "");

	return n < 0 ? -EINVAL : (size_t)n >= cap ? -ENAMETOOLONG : 0;
}

/* Open config and learn cfg_len: what a read of up to 4096 bytes returns. The bytes are
 * kept for the first snapshot (d->open_cfg). */
static int open_config(struct sysfs_dev *d, uint16_t *ret_len)
{
	uint8_t buf[PG_CFG_EXT_LEN];
	size_t len = 0;
	struct stat st;
	int r;

	d->cfg_fd = openat(d->dirfd, "config", (d->writable ? O_RDWR : O_RDONLY) | OPEN_FLAGS);
	if (d->cfg_fd < 0)
		return errno == ENOENT ? -ENODEV : -errno;
	if (fstat(d->cfg_fd, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode))
		return -EIO;
	r = read_cfg_bulk(d->cfg_fd, buf, sizeof(buf), &len);
	if (r < 0)
		return r;
	if (!len)
		return -EIO;
	d->open_cfg = malloc(len);
	if (!d->open_cfg)
		return -ENOMEM;
	memcpy(d->open_cfg, buf, len);
	*ret_len = (uint16_t)len;
	return 0;
}

static int sysfs_dev_init(struct sysfs_dev *d, const char *path, uint16_t *ret_len)
{
	int r;

	d->dirfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (d->dirfd < 0)
		return errno == ENOENT || errno == ENOTDIR ? -ENODEV : -errno;
	r = open_config(d, ret_len);
	if (r < 0)
		return r;
	return load_resources(d);
}

int pg_backend_sysfs_open(const char *bdf, unsigned flags, const char *root,
			  struct pg_backend **ret)
{
	char canon[13], path[PATH_MAX];
	struct sysfs_dev *d;
	uint16_t len = 0;
	int r;

	if (!bdf || !ret || (flags & ~PG_SYSFS_WRITABLE))
		return -EINVAL;
	r = pg_bdf_parse(bdf, canon);
	if (r < 0)
		return r;
	r = devices_path(path, sizeof(path), root, canon);
	if (r < 0)
		return r;
	d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	d->dirfd = d->cfg_fd = -1;
	for (unsigned i = 0; i < PG_CFG_NUM_BARS; i++)
		d->bars[i].fd = -1;
	d->writable = flags & PG_SYSFS_WRITABLE;
	r = sysfs_dev_init(d, path, &len);
	if (r < 0)
		goto out_destroy;
	r = pg_backend_new(&sysfs_ops, d, len, canon, ret);
	if (r < 0)
		goto out_destroy;
	return 0;
out_destroy:
	sysfs_destroy(d);
	return r;
}

/* ---- listing ------------------------------------------------------------------------ */

/*
 * Enumeration goes through libpci's sysfs method (PCI_ACCESS_SYS_BUS_PCI only: the
 * automatic probe could fall back to /proc/bus/pci or, as root on x86, to the 0xcf8/0xcfc
 * ports). libpci 3.9's scan is a readdir of SYSFS_PATH/devices that opens no per-device
 * file (attributes are read lazily by pci_fill_info(), never called here). Its error path
 * is the problem: a name it cannot parse raises error(), which we turn into a longjmp
 * (util/pcilib.h) that leaks the scan's DIR and a pci_dev. So the directory is vetted
 * first with the same conversion libpci applies, and bounded in size, so that error()
 * stays a race with a tree changing under us rather than something a planted name can
 * trigger at will. libpci also truncates bus/dev/func to 8 bits without a check: every
 * address it reports is range-checked and must exist as an entry of the directory.
 */

/* libpci formats "%s/devices" from sysfs.path into a buffer of this size. */
#define LIBPCI_PATH_MAX 1024

static char libpci_sysfs_param[] = "sysfs.path";

struct scan_call {
	char *bus_path;             /* ROOT/bus/pci */
	int r;
};

static void scan_fn(struct pci_access *pacc, void *arg)
{
	struct scan_call *sc = arg;

	pacc->method = PCI_ACCESS_SYS_BUS_PCI;
	if (pci_set_param(pacc, libpci_sysfs_param, sc->bus_path) < 0) {
		sc->r = -EOPNOTSUPP; /* libpci built without the sysfs method */
		return;
	}
	pci_init(pacc);
	pci_scan_bus(pacc);
}

/* An entry name libpci 3.9's sysfs_scan() accepts (it skips names starting with '.'). */
static bool libpci_parses(const char *name)
{
	unsigned int dom, bus, dev;
	int func;

	if (name[0] == '.')
		return true;
	return sscanf(name, "%x:%x:%x.%d", &dom, &bus, &dev, &func) == 4 && dom <= 0x7fffffff;
}

/* Open ROOT/bus/pci/devices and check every entry before libpci reads it. */
static int vet_devices(const char *bus_path, DIR **ret)
{
	char path[LIBPCI_PATH_MAX];
	struct dirent *e;
	size_t seen = 0;
	DIR *dir;
	int fd, r = 0;

	snprintf(path, sizeof(path), "%s/devices", bus_path); /* fits: checked by caller */
	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	dir = fdopendir(fd);
	if (!dir) {
		r = -errno;
		close(fd);
		return r;
	}
	while (!r && (e = readdir(dir))) {
		if (++seen > PG_SYSFS_MAX_SCAN)
			r = -E2BIG;
		else if (!libpci_parses(e->d_name))
			r = -EIO;
	}
	if (r < 0) {
		closedir(dir);
		return r;
	}
	*ret = dir;
	return 0;
}

static int cmp_bdf(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* Canonical addresses of the devices libpci found that exist in dirfd, sorted, unique. */
static int collect(struct pci_access *pacc, int dirfd, char (**ret)[13], size_t *ret_n)
{
	char (*all)[13];
	size_t total = 0, n = 0;
	struct pci_dev *d;

	for (d = pacc->devices; d && total <= PG_SYSFS_MAX_SCAN; d = d->next)
		total++;
	if (total > PG_SYSFS_MAX_SCAN)
		return -E2BIG; /* the tree grew after it was vetted */
	all = calloc(total ? total : 1, sizeof(*all));
	if (!all)
		return -ENOMEM;
	for (d = pacc->devices; d; d = d->next) {
		struct stat st;

		if (d->domain < 0 || d->domain > 0xffff || d->dev > 0x1f || d->func > 7)
			continue; /* not a canonical "dddd:bb:dd.f" address */
		snprintf(all[n], sizeof(all[n]), "%04x:%02x:%02x.%u", (unsigned)d->domain,
			 d->bus, d->dev, d->func);
		if (fstatat(dirfd, all[n], &st, AT_SYMLINK_NOFOLLOW) == 0)
			n++; /* else a truncated bus/dev/func named something else */
	}
	if (n) {
		size_t w = 1;

		qsort(all, n, sizeof(*all), cmp_bdf);
		for (size_t i = 1; i < n; i++) /* two names can alias after truncation */
			if (strcmp(all[i], all[w - 1]))
				memmove(all[w++], all[i], sizeof(*all));
		n = w;
	}
	*ret = all;
	*ret_n = n;
	return 0;
}

int pg_sysfs_list(const char *root, char (*bdfs)[13], size_t max, size_t *ret_n)
{
	char bus_path[LIBPCI_PATH_MAX - sizeof("/devices") + 1], (*all)[13] = NULL;
	struct scan_call sc = { bus_path, 0 };
	struct pci_access *pacc = NULL;
	DIR *dir = NULL;
	size_t n = 0;
	int r;

	if (!ret_n || (!bdfs && max))
		return -EINVAL;
	r = snprintf(bus_path, sizeof(bus_path), "%s/bus/pci", root ? root : "/sys");
	if (r < 0 || (size_t)r >= sizeof(bus_path))
		return r < 0 ? -EINVAL : -ENAMETOOLONG;
	r = vet_devices(bus_path, &dir);
	if (r < 0)
		return r;
	r = pg_pcilib_alloc(&pacc);
	if (r < 0)
		goto out;
	r = pg_pcilib_guard(pacc, scan_fn, &sc);
	if (r == 0)
		r = sc.r;
	if (r == 0)
		r = collect(pacc, dirfd(dir), &all, &n);
	if (r == 0 && bdfs && n > max)
		r = -E2BIG;
	if (r < 0)
		goto out;
	if (bdfs && n)
		memcpy(bdfs, all, n * sizeof(*all));
	*ret_n = n;
out:
	free(all);
	if (pacc)
		pci_cleanup(pacc);
	closedir(dir);
	return r;
}
