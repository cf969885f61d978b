/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The kernel's reset_method of a vfio device, kept open for the reset ladder (vfio-ctl.c).
 * The other host facts (IOMMU group and members, drivers, interrupt remapping) have one
 * home, the topology module (include/pcigate/topology.h).
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <pcigate/backend.h>

#include "backend-private.h"

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
