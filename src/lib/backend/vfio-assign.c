/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Hand a device to vfio-pci and give it back (driver_override + drivers_probe, the kernel's
 * documented way: Documentation/ABI/testing/sysfs-bus-pci). What is refused, and why:
 * - host bridges and every other bridge class (PCI Code and ID Assignment, base class 06h)
 *   and any header type but 0: a bridge forwards other devices' traffic and configuration,
 *   and vfio-pci does not bind bridges usefully; a guest must never own one;
 * - a device whose IOMMU group has another member bound to a host driver (other than
 *   vfio-pci, pci-stub or pcieport, which the kernel's viability check accepts): the group
 *   would not be viable, and the device could DMA into that driver's memory.
 * The sysfs tree is read under ROOT (tests use a fake one); nothing is written before every
 * check passed.
 */
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

#define OPEN_FLAGS (O_CLOEXEC | O_NOFOLLOW)

#define fail pg_vfio_fail

static int write_at(const char *root, const char *rel, const char *text)
{
	char path[PATH_MAX];
	ssize_t n;
	int fd;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", root, rel) >= sizeof(path))
		return -ENAMETOOLONG;
	fd = open(path, O_WRONLY | OPEN_FLAGS);
	if (fd < 0)
		return -errno;
	n = write(fd, text, strlen(text));
	if (n < 0)
		n = -errno;
	close(fd);
	return n == (ssize_t)strlen(text) ? 0 : n < 0 ? (int)n : -EIO;
}

/* driver_override := override, unbind from the current driver (when bound), then
 * drivers_probe: the kernel's sequence for moving a device to another driver. */
static int rebind(const char *root, const char *bdf, const char *override, bool bound)
{
	char rel[96];
	int r;

	(void)snprintf(rel, sizeof(rel), "bus/pci/devices/%s/driver_override", bdf);
	r = write_at(root, rel, override);
	if (r == 0 && bound) {
		(void)snprintf(rel, sizeof(rel), "bus/pci/devices/%s/driver/unbind", bdf);
		r = write_at(root, rel, bdf);
	}
	return r < 0 ? r : write_at(root, "bus/pci/drivers_probe", bdf);
}

/* Header type (low 7 bits) and class code from the config file (64 bytes readable by all). */
static int read_ids(const char *root, const char *bdf, unsigned *hdr, unsigned *cls)
{
	char path[PATH_MAX];
	uint8_t b[16];
	int fd;

	(void)snprintf(path, sizeof(path), "%s/bus/pci/devices/%s/config", root, bdf);
	fd = open(path, O_RDONLY | OPEN_FLAGS);
	if (fd < 0)
		return errno == ENOENT ? -ENODEV : -errno;
	if (pread(fd, b, sizeof(b), 0) != (ssize_t)sizeof(b)) {
		close(fd);
		return -EIO;
	}
	close(fd);
	*hdr = b[0x0e] & 0x7f;
	*cls = (unsigned)b[0x0b] << 16 | (unsigned)b[0x0a] << 8 | b[0x09];
	return 0;
}

static bool viable_driver(const char *drv)
{
	return !drv[0] || !strcmp(drv, "vfio-pci") || !strcmp(drv, "pci-stub") ||
	       !strcmp(drv, "pcieport");
}

/* Every other member of the group must be unbound or bound to a driver vfio accepts. The
 * members come from the topology module, the one reader of IOMMU groups. */
static int check_group(const char *root, const char *bdf, struct pg_vfio_error *err)
{
	char members[512], bad[512] = "", (*list)[13] = malloc(PG_TOPO_MAX_GROUP * 13);
	size_t used = 0, n = 0;
	int group, r;

	if (!list)
		return -ENOMEM;
	r = pg_iommu_group(root, bdf, &group, members, sizeof(members));
	if (r == 0)
		r = pg_iommu_group_list(root, bdf, &group, list, PG_TOPO_MAX_GROUP, &n);
	if (r < 0) {
		free(list);
		return fail(err, r == -E2BIG ? -EBUSY : -ENODEV, r == -E2BIG ?
			    "%s: its IOMMU group has too many members to check" :
			    "%s: no IOMMU group (is an IOMMU enabled, e.g. intel_iommu=on?)", bdf);
	}
	for (size_t i = 0; i < n && used < sizeof(bad); i++) {
		char drv[64];

		if (strcmp(list[i], bdf) && pg_pci_driver(root, list[i], drv) == 0 &&
		    !viable_driver(drv))
			used += (size_t)snprintf(bad + used, sizeof(bad) - used, "%s%s (%s)",
						 used ? ", " : "", list[i], drv);
	}
	free(list);
	if (bad[0])
		return fail(err, -EBUSY, "%s: IOMMU group %d would not be viable: %s must be "
			    "released from its driver first (all members: %s)", bdf, group, bad,
			    members);
	return 0;
}

static int check_assignable(const char *root, const char *bdf, struct pg_vfio_error *err)
{
	unsigned hdr = 0, cls = 0;
	int r = read_ids(root, bdf, &hdr, &cls);

	if (r == -ENODEV)
		return fail(err, r, "%s: no such PCI device", bdf);
	if (r < 0)
		return fail(err, r, "%s: cannot read its config space: %s", bdf, strerror(-r));
	if (cls >> 8 == 0x0600)
		return fail(err, -EPERM, "%s: a host bridge is never assigned", bdf);
	if (cls >> 16 == 0x06 || hdr != 0)
		return fail(err, -EPERM, "%s: a bridge (class %06x, header type %u) is never "
			    "assigned: it forwards other devices' traffic", bdf, cls, hdr);
	return check_group(root, bdf, err);
}

/* The BDF both commands take, canonical; err cleared. */
static int target(const char *bdf, char canon[13], struct pg_vfio_error *err)
{
	if (err)
		err->msg[0] = '\0';
	if (!bdf || pg_bdf_parse(bdf, canon) < 0)
		return fail(err, -EINVAL, "'%s' is not a PCI address ([dddd:]bb:dd.f)",
			    bdf ? bdf : "");
	return 0;
}

int pg_vfio_assign(const char *root, const char *bdf, struct pg_vfio_error *err)
{
	char canon[13], drv[64], path[PATH_MAX];
	const char *r0 = root ? root : "/sys";
	int r = target(bdf, canon, err);

	if (r == 0)
		r = check_assignable(r0, canon, err);
	if (r < 0)
		return r;
	if (pg_pci_driver(r0, canon, drv) < 0)
		return fail(err, -ENODEV, "%s: disappeared", canon);
	if (!strcmp(drv, "vfio-pci"))
		return 0; /* already assigned */
	if ((size_t)snprintf(path, sizeof(path), "%s/bus/pci/drivers/vfio-pci", r0) >=
		    sizeof(path) || access(path, F_OK) < 0)
		return fail(err, -ENOENT, "%s: vfio-pci is not loaded (modprobe vfio-pci)", canon);
	r = rebind(r0, canon, "vfio-pci", drv[0] != '\0');
	if (r < 0)
		return fail(err, r, "%s: binding to vfio-pci: %s", canon, strerror(-r));
	if (pg_pci_driver(r0, canon, drv) < 0 || strcmp(drv, "vfio-pci"))
		return fail(err, -EIO, "%s: vfio-pci did not take the device (driver now: %s)",
			    canon, drv[0] ? drv : "none");
	return 0;
}

int pg_vfio_release(const char *root, const char *bdf, struct pg_vfio_error *err)
{
	char canon[13], drv[64];
	const char *r0 = root ? root : "/sys";
	int r = target(bdf, canon, err);

	if (r < 0)
		return r;
	r = pg_pci_driver(r0, canon, drv);
	if (r < 0)
		return fail(err, r, "%s: no such PCI device", canon);
	if (drv[0] && strcmp(drv, "vfio-pci"))
		return fail(err, -EBUSY, "%s: bound to %s, not vfio-pci: nothing to release",
			    canon, drv);
	/* An empty override: the probe offers the device to the host's drivers. */
	r = rebind(r0, canon, "\n", drv[0] != '\0');
	if (r < 0)
		return fail(err, r, "%s: giving the device back: %s", canon, strerror(-r));
	return 0;
}
