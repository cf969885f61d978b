/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the host says about a device, for the vfio backend and the commands around it: its
 * IOMMU group and the other members with their drivers, the kernel's reset_method, and
 * whether interrupts are remapped. Read from sysfs (a root given by tests) and
 * /proc/interrupts; symlinks are only read, never followed into files.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <pcigate/backend.h>

#include "backend-private.h"
#include "util/util.h"

#define MAX_GROUP_MEMBERS 64u   /* listed in a refusal; the rest are counted */

/* ---- sysfs facts -------------------------------------------------------------------- */

/* Basename of the symlink ROOT/REL into out; -ENOENT when there is none. */
static int link_name(const char *root, const char *rel, char *out, size_t cap)
{
	char path[PATH_MAX], target[PATH_MAX];
	const char *base;
	ssize_t n;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", root, rel) >= sizeof(path))
		return -ENAMETOOLONG;
	n = readlink(path, target, sizeof(target) - 1);
	if (n < 0)
		return -errno;
	target[n] = '\0';
	base = strrchr(target, '/');
	base = base ? base + 1 : target;
	if (strlen(base) >= cap)
		return -ENAMETOOLONG;
	memcpy(out, base, strlen(base) + 1);
	return 0;
}

static const char *root_or_default(const char *root)
{
	return root ? root : "/sys";
}

int pg_pci_driver(const char *root, const char *bdf, char out[64])
{
	char canon[13], rel[64], dummy[PATH_MAX];
	int r;

	if (!bdf || !out || pg_bdf_parse(bdf, canon) < 0)
		return -EINVAL;
	(void)snprintf(rel, sizeof(rel), "%s/bus/pci/devices/%s", root_or_default(root), canon);
	if (!realpath(rel, dummy))
		return -ENODEV;
	(void)snprintf(rel, sizeof(rel), "bus/pci/devices/%s/driver", canon);
	r = link_name(root_or_default(root), rel, out, 64);
	if (r == -ENOENT) {
		out[0] = '\0';
		return 0;
	}
	return r;
}

int pg_vfio_group_of(const char *root, const char *bdf, int *ret)
{
	char rel[64], name[32];
	long v;
	char *end;
	int r;

	(void)snprintf(rel, sizeof(rel), "bus/pci/devices/%s/iommu_group", bdf);
	r = link_name(root, rel, name, sizeof(name));
	if (r < 0)
		return r;
	v = strtol(name, &end, 10);
	if (*end || end == name || v < 0 || v > INT_MAX)
		return -EIO;
	*ret = (int)v;
	return 0;
}

int pg_iommu_group(const char *root, const char *bdf, int *group, char *members, size_t cap)
{
	char canon[13];
	int g, r;

	if (!bdf || !group || !members || !cap || pg_bdf_parse(bdf, canon) < 0)
		return -EINVAL;
	r = pg_vfio_group_of(root_or_default(root), canon, &g);
	if (r < 0)
		return r == -ENOENT ? -ENODEV : r;
	pg_vfio_group_members(root_or_default(root), g, canon, members, cap);
	*group = g;
	return 0;
}

/* "0000:00:1f.0 (lpc_ich), 0000:00:1f.2 (no driver)" for the members other than self. */
void pg_vfio_group_members(const char *root, int group, const char *self, char *out,
			  size_t cap)
{
	char path[PATH_MAX];
	struct dirent **names = NULL;
	size_t used = 0;
	int n;

	out[0] = '\0';
	(void)snprintf(path, sizeof(path), "%s/kernel/iommu_groups/%d/devices", root, group);
	n = scandir(path, &names, NULL, alphasort);
	for (int i = 0; i < n; i++) {
		char drv[64] = "";
		const char *dn = names[i]->d_name;

		if (dn[0] != '.' && strcmp(dn, self) && (unsigned)i < MAX_GROUP_MEMBERS &&
		    used < cap) {
			if (pg_pci_driver(root, dn, drv) < 0)
				drv[0] = '\0';
			used += (size_t)snprintf(out + used, cap - used, "%s%s (%s)",
						 used ? ", " : "", dn, drv[0] ? drv : "no driver");
		}
		free(names[i]);
	}
	free(names);
	if (!out[0])
		(void)snprintf(out, cap, "no other member is listed");
}

/* The kernel's reset_method, kept open read-write (root) so that a reset can narrow it to
 * the methods the policy allows, also after the serve sandbox forbids opening files. */
void pg_vfio_read_reset_method(struct pg_vfio_dev *d)
{
	char rel[64], buf[64];
	ssize_t n;
	int dirfd = open(d->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC), fd;

	d->reset_method[0] = '\0';
	if (dirfd < 0)
		return;
	(void)snprintf(rel, sizeof(rel), "bus/pci/devices/%s/reset_method", d->bdf);
	d->rm_fd = openat(dirfd, rel, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
	fd = d->rm_fd >= 0 ? d->rm_fd : openat(dirfd, rel, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	close(dirfd);
	if (fd < 0)
		return;
	n = pread(fd, buf, sizeof(buf) - 1, 0);
	if (n > 0 && (size_t)n < sizeof(buf) - 1) { /* a longer list is not trusted */
		buf[n] = '\0';
		buf[strcspn(buf, "\n")] = '\0';
		memcpy(d->reset_method, buf, strlen(buf) + 1);
	}
	if (fd != d->rm_fd)
		close(fd);
}

/* ---- interrupt remapping ------------------------------------------------------------ */

bool pg_vfio_unsafe_interrupts(const char *root)
{
	char path[PATH_MAX], c = 'N';
	int fd;

	(void)snprintf(path, sizeof(path),
		       "%s/module/vfio_iommu_type1/parameters/allow_unsafe_interrupts", root);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	if (read(fd, &c, 1) != 1)
		c = 'N';
	close(fd);
	return c == 'Y' || c == 'y' || c == '1';
}

/* An "IR-" irqchip (IR-IO-APIC, IR-PCI-MSI...) in /proc/interrupts: the kernel remaps. */
static bool proc_shows_ir(const char *proc_root)
{
	char path[PATH_MAX], *text = NULL;
	size_t len = 0;
	bool ir;
	int dirfd;

	(void)snprintf(path, sizeof(path), "%s", proc_root ? proc_root : "/proc");
	dirfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0)
		return false;
	if (pg_util_read_file_at(dirfd, "interrupts", 1u << 20, false, &text, &len) < 0) {
		close(dirfd);
		return false;
	}
	close(dirfd);
	ir = memmem(text, len, " IR-", 4) != NULL;
	free(text);
	return ir;
}

bool pg_vfio_irq_remap(const char *root, const char *proc_root, const char **why)
{
	const char *w;
	bool on;

	if (proc_shows_ir(proc_root)) {
		on = true;
		w = "the kernel's irqchips remap interrupts (IR- in /proc/interrupts)";
	} else {
		on = false;
		w = pg_vfio_unsafe_interrupts(root_or_default(root))
			    ? "no interrupt remapping, and allow_unsafe_interrupts is set on "
			      "vfio_iommu_type1 (a device could forge MSIs)"
			    : "no interrupt remapping seen in /proc/interrupts";
	}
	if (why)
		*why = w;
	return on;
}
