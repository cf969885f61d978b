/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A live function's surroundings, from sysfs links and attributes only (see topology.h
 * for what is read and why nothing else is). The device link names the bridges above:
 * ROOT/bus/pci/devices/0000:03:00.0 -> ../../../devices/pci0000:00/0000:00:1c.0/0000:03:00.0
 *
 * Every name taken from a link or a directory is checked to be a canonical BDF (or a
 * decimal group number) before it is used in a path, so a crafted tree cannot make us
 * read outside ROOT by way of "..".
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <pcigate/backend.h>
#include <pcigate/topology.h>

#include "util/util.h"

#define LINK_MAX_LEN 1024u
#define BDF_LEN 12u

/* "dddd:bb:dd.f", lower-case hex, nothing else. */
static bool is_bdf(const char *s, size_t n)
{
	char canon[13];
	char copy[13];

	if (n != BDF_LEN)
		return false;
	memcpy(copy, s, n);
	copy[n] = '\0';
	return pg_bdf_parse(copy, canon) == 0 && !strcmp(canon, copy);
}

/* readlinkat into buf (NUL-terminated); -errno, or -EIO when it does not fit. */
static int read_link(int dirfd, const char *name, char *buf, size_t cap)
{
	ssize_t n = readlinkat(dirfd, name, buf, cap);

	if (n < 0)
		return -errno;
	if ((size_t)n >= cap)
		return -EIO;
	buf[n] = '\0';
	return 0;
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

/* The bridges named in the device link, root first, into up[] (nearest first). */
static int parse_path(const char *link, const char *bdf, struct pg_topo_dev *d)
{
	char chain[PG_TOPO_MAX_DEPTH + 1][13];
	unsigned n = 0;
	const char *p = link;

	while (*p) {
		const char *e = strchr(p, '/');
		size_t len = e ? (size_t)(e - p) : strlen(p);

		if (is_bdf(p, len)) {
			if (n > PG_TOPO_MAX_DEPTH)
				return -E2BIG;
			memcpy(chain[n], p, len);
			chain[n++][len] = '\0';
		}
		p += len + (e ? 1 : 0);
	}
	if (!n || strcmp(chain[n - 1], bdf))
		return -EIO; /* the link does not end in the function itself */
	d->nupstream = n - 1;
	for (unsigned i = 0; i + 1 < n; i++)
		memcpy(d->upstream[i].bdf, chain[n - 2 - i], 13);
	if (d->nupstream)
		memcpy(d->parent, d->upstream[0].bdf, 13);
	return 0;
}

static int cmp_bdf(const void *a, const void *b)
{
	return strcmp((const char *)a, (const char *)b);
}

/* ROOT/kernel/iommu_groups/N/devices: the members, bounded and sorted. */
static void read_group(int sysfd, struct pg_topo_dev *d)
{
	char path[64];
	struct dirent *e;
	unsigned scanned = 0;
	int fd;
	DIR *dir;

	snprintf(path, sizeof(path), "kernel/iommu_groups/%d/devices", d->iommu_group);
	fd = openat(sysfd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || !(dir = fdopendir(fd))) {
		if (fd >= 0)
			close(fd);
		return; /* group known, members not: ngroup stays 0 */
	}
	while ((e = readdir(dir)) && scanned++ < PG_TOPO_MAX_SCAN) {
		if (!is_bdf(e->d_name, strlen(e->d_name)))
			continue;
		if (d->ngroup == PG_TOPO_MAX_GROUP) {
			d->group_truncated = true;
			continue;
		}
		memcpy(d->group[d->ngroup++], e->d_name, 13);
	}
	if (e)
		d->group_truncated = true;
	closedir(dir);
	qsort(d->group, d->ngroup, sizeof(d->group[0]), cmp_bdf);
}

static void read_iommu(int sysfd, int devfd, struct pg_topo_dev *d)
{
	char link[LINK_MAX_LEN];
	const char *num;
	char *end;
	long v;

	d->iommu_group = -1;
	if (read_link(devfd, "iommu_group", link, sizeof(link)) < 0)
		return;
	num = base_name(link);
	if (!*num || strlen(num) > 9 || strspn(num, "0123456789") != strlen(num))
		return; /* not a group number: treat as no group */
	v = strtol(num, &end, 10);
	d->iommu_group = (int)v;
	read_group(sysfd, d);
}

static void read_driver(int devfd, struct pg_topo_dev *d)
{
	char link[LINK_MAX_LEN];
	const char *name;

	if (read_link(devfd, "driver", link, sizeof(link)) < 0)
		return;
	name = base_name(link);
	/* Driver names are short identifiers; anything else is shown as unknown. */
	if (strlen(name) >= sizeof(d->driver) || strcspn(name, " \t\n\\\"") != strlen(name))
		snprintf(d->driver, sizeof(d->driver), "?");
	else
		snprintf(d->driver, sizeof(d->driver), "%s", name);
}

static void read_reset_method(int devfd, struct pg_topo_dev *d)
{
	char *buf = NULL;
	size_t len = 0, j = 0;

	if (pg_util_read_file_at(devfd, "reset_method", PG_TOPO_RESET_LEN - 1, true, &buf,
				 &len) < 0)
		return;
	d->has_reset_method = true;
	for (size_t i = 0; i < len && j + 1 < sizeof(d->reset_method); i++)
		if (buf[i] >= 0x20 && buf[i] < 0x7f)
			d->reset_method[j++] = buf[i]; /* printable only; drops the newline */
	d->reset_method[j] = '\0';
	free(buf);
}

/* Config bytes of a function (read-only attribute), parsed; NULL when unreadable. */
static struct pg_cfg_layout *read_config(int devsfd, const char *bdf)
{
	struct pg_cfg_layout *l = NULL;
	char *buf = NULL;
	size_t len = 0;
	int fd = openat(devsfd, bdf, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return NULL;
	if (pg_util_read_file_at(fd, "config", PG_CFG_EXT_LEN, true, &buf, &len) == 0 &&
	    pg_cfg_parse((const uint8_t *)buf, len, NULL, &l) < 0)
		l = NULL;
	free(buf);
	close(fd);
	return l;
}

/* Identity from the function's own config: the caller's parsed copy when it has one (a
 * live inspect has just read the attribute through its backend; reading it again is a
 * second bulk read, one config cycle per dword in the kernel), else the attribute. */
static void read_identity(int devsfd, const struct pg_cfg_layout *own, struct pg_topo_dev *d)
{
	struct pg_cfg_layout *l = own ? NULL : read_config(devsfd, d->bdf);
	const struct pg_cfg_layout *id = own ? own : l;

	if (id) {
		d->vendor = id->vendor;
		d->device = id->device;
		d->class_code = id->class_code;
	}
	pg_cfg_free(l);
}

/* The ACS judgement of every bridge above the function. */
static void judge_path(int devsfd, struct pg_topo_dev *d)
{
	struct pg_cfg_layout *l;

	d->acs = PG_TOPO_ACS_ISOLATED;
	for (unsigned i = 0; i < d->nupstream; i++) {
		struct pg_topo_bridge *b = &d->upstream[i];

		l = read_config(devsfd, b->bdf);
		if (!l || pg_topo_bridge_judge(l, b) < 0) {
			b->needs_acs = true;
			b->known = false;
			b->why = "config unreadable";
		}
		pg_cfg_free(l);
		if (b->isolates || d->acs == PG_TOPO_ACS_GAP)
			continue;
		/* The first bridge known not to isolate decides; one that cannot be judged
		 * only makes the answer unknown until a real gap shows above it. */
		if (b->known) {
			d->acs = PG_TOPO_ACS_GAP;
			d->acs_at = i;
		} else if (d->acs == PG_TOPO_ACS_ISOLATED) {
			d->acs = PG_TOPO_ACS_UNKNOWN;
			d->acs_at = i;
		}
	}
}

static int open_sys(const char *root, int *sysfd, int *devsfd)
{
	char path[1024];

	if ((size_t)snprintf(path, sizeof(path), "%s/bus/pci/devices", root ? root : "/sys") >=
	    sizeof(path))
		return -ENAMETOOLONG;
	*devsfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (*devsfd < 0)
		return -errno;
	*sysfd = open(root ? root : "/sys", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (*sysfd < 0) {
		int r = -errno;

		close(*devsfd);
		return r;
	}
	return 0;
}

int pg_topo_read(const char *root, const char *bdf, struct pg_topo_dev *ret)
{
	return pg_topo_read_with(root, bdf, NULL, ret);
}

int pg_topo_read_with(const char *root, const char *bdf, const struct pg_cfg_layout *own,
		      struct pg_topo_dev *ret)
{
	char link[LINK_MAX_LEN];
	struct pg_topo_dev *d;
	int sysfd = -1, devsfd = -1, devfd = -1, r;

	if (!bdf || !ret)
		return -EINVAL;
	d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	if (pg_bdf_parse(bdf, d->bdf) < 0) {
		r = -EINVAL;
		goto out;
	}
	r = open_sys(root, &sysfd, &devsfd);
	if (r < 0)
		goto out;
	r = read_link(devsfd, d->bdf, link, sizeof(link));
	if (r == -ENOENT) {
		r = -ENODEV;
		goto out_close;
	}
	if (r == 0)
		r = parse_path(link, d->bdf, d);
	if (r < 0)
		goto out_close;
	devfd = openat(devsfd, d->bdf, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (devfd < 0) {
		r = errno == ENOENT ? -ENODEV : -errno;
		goto out_close;
	}
	read_iommu(sysfd, devfd, d);
	read_driver(devfd, d);
	read_reset_method(devfd, d);
	read_identity(devsfd, own, d);
	judge_path(devsfd, d);
	if (!root) /* the real host: its /proc goes with /sys */
		d->irq_remap = pg_topo_irq_remap(NULL, NULL, &d->irq_remap_why);
	else
		d->irq_remap_why = "not read: a sysfs tree other than /sys was given";
	*ret = *d;
	r = 0;
	close(devfd);
out_close:
	close(devsfd);
	close(sysfd);
out:
	free(d);
	return r;
}

/* ---- single facts ------------------------------------------------------------------- */

/* ROOT (sysfd), ROOT/bus/pci/devices (devsfd) and the device's directory (devfd) of a
 * canonical BDF; -ENODEV when there is no such device. On error nothing stays open. */
static int open_dev(const char *root, const char *canon, int *sysfd, int *devsfd, int *devfd)
{
	int r = open_sys(root, sysfd, devsfd);

	if (r < 0)
		return r;
	*devfd = openat(*devsfd, canon, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (*devfd >= 0)
		return 0;
	r = errno == ENOENT ? -ENODEV : -errno;
	close(*devsfd);
	close(*sysfd);
	return r;
}

int pg_pci_driver(const char *root, const char *bdf, char out[64])
{
	struct pg_topo_dev d = { .driver = "" };
	char canon[13];
	int sysfd = -1, devsfd = -1, devfd = -1, r;

	if (!bdf || !out || pg_bdf_parse(bdf, canon) < 0)
		return -EINVAL;
	r = open_dev(root, canon, &sysfd, &devsfd, &devfd);
	if (r < 0)
		return r;
	read_driver(devfd, &d);
	memcpy(out, d.driver, sizeof(d.driver));
	close(devfd);
	close(devsfd);
	close(sysfd);
	return 0;
}

/* "BDF (driver), ..." for the members of d's group other than d itself. */
static void format_members(int devsfd, const struct pg_topo_dev *d, char *out, size_t cap)
{
	size_t used = 0;

	out[0] = '\0';
	for (unsigned i = 0; i < d->ngroup && used < cap; i++) {
		struct pg_topo_dev m = { .driver = "" };
		int fd;

		if (!strcmp(d->group[i], d->bdf))
			continue;
		fd = openat(devsfd, d->group[i], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd >= 0) {
			read_driver(fd, &m);
			close(fd);
		}
		used += (size_t)snprintf(out + used, cap - used, "%s%s (%s)", used ? ", " : "",
					 d->group[i], m.driver[0] ? m.driver : "no driver");
	}
	if (!out[0])
		(void)snprintf(out, cap, "no other member is listed");
}

/* The group and its members of bdf into a new d (freed by the caller), and the member
 * line when members is not NULL. */
static int group_of(const char *root, const char *bdf, char *members, size_t cap,
		    struct pg_topo_dev **ret)
{
	struct pg_topo_dev *d = calloc(1, sizeof(**ret));
	int sysfd = -1, devsfd = -1, devfd = -1, r;

	if (!d)
		return -ENOMEM;
	r = pg_bdf_parse(bdf, d->bdf) < 0 ? -EINVAL : open_dev(root, d->bdf, &sysfd, &devsfd,
								&devfd);
	if (r < 0) {
		free(d);
		return r;
	}
	read_iommu(sysfd, devfd, d);
	if (d->iommu_group < 0)
		r = -ENODEV;
	else if (members)
		format_members(devsfd, d, members, cap);
	close(devfd);
	close(devsfd);
	close(sysfd);
	if (r < 0)
		free(d);
	else
		*ret = d;
	return r;
}

int pg_iommu_group(const char *root, const char *bdf, int *group, char *members, size_t cap)
{
	struct pg_topo_dev *d;
	int r;

	if (!bdf || !group || !members || !cap)
		return -EINVAL;
	r = group_of(root, bdf, members, cap, &d);
	if (r == 0) {
		*group = d->iommu_group;
		free(d);
	}
	return r;
}

int pg_iommu_group_list(const char *root, const char *bdf, int *group, char (*members)[13],
			size_t max, size_t *ret_n)
{
	struct pg_topo_dev *d;
	int r;

	if (!bdf || !group || !ret_n || (max && !members))
		return -EINVAL;
	r = group_of(root, bdf, NULL, 0, &d);
	if (r < 0)
		return r;
	if (d->ngroup > max || d->group_truncated) {
		r = -E2BIG;
	} else {
		memcpy(members, d->group, d->ngroup * sizeof(d->group[0]));
		*ret_n = d->ngroup;
		*group = d->iommu_group;
	}
	free(d);
	return r;
}
