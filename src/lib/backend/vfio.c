/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The vfio backend: a device bound to vfio-pci, through the type1 container API (the one a
 * Linux 6.1 kernel has; iommufd/cdev came later). This file opens the device and carries
 * out config and BAR accesses; vfio-ctl.c has interrupts, resets, DMA and quiescing.
 *
 * Threats and rules:
 * - The group must be viable before the container takes it: a group with a member bound to
 *   a host driver would let the device DMA into that driver's memory (the IOMMU isolates
 *   groups, not functions). The kernel's verdict (VFIO_GROUP_GET_STATUS) is what counts; the
 *   sysfs listing only explains it to the user.
 * - allow_unsafe_interrupts is never written: without interrupt remapping a device could
 *   forge MSI writes to any vector, so type1 refusing us (EPERM) is reported, not bypassed.
 * - The kernel's region table is input like any other: every region is checked to lie
 *   inside the device fd's offset space without wrapping, and a mapping is made only when
 *   the region says MMAP and is not sparse (a sparse region's holes, such as an MSI-X table
 *   on an older kernel, must not be mapped).
 * - Every access was validated by backend.c before it reaches these ops (size, alignment,
 *   inside the BAR or config length).
 */
#include <dirent.h>
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <syslog.h>
#include <unistd.h>

#include <linux/vfio.h>

#include <pcigate/backend.h>

#include "backend-private.h"
#include "util/util.h"

#define OPEN_FLAGS (O_CLOEXEC | O_NOFOLLOW)
#define REGION_INFO_MAX 4096u   /* bytes of a region info with its capability chain */

static const struct pg_backend_ops vfio_ops;

struct pg_vfio_dev *pg_vfio_dev(struct pg_backend *be)
{
	return pg_backend_is_vfio(be) ? pg_backend_priv(be) : NULL;
}

bool pg_backend_is_vfio(const struct pg_backend *be)
{
	return be && !strcmp(pg_backend_kind(be), vfio_ops.kind);
}

void pg_vfio_log(const struct pg_vfio_dev *d, int level, const char *fmt, ...)
{
	char msg[512];
	int n;
	va_list ap;

	if (!d->log)
		return;
	n = snprintf(msg, sizeof(msg), "%s: ", d->bdf);
	va_start(ap, fmt);
	(void)vsnprintf(msg + n, sizeof(msg) - (size_t)n, fmt, ap);
	va_end(ap);
	d->log(d->log_data, level, msg);
}

static void describe_bar(struct pg_vfio_dev *d, unsigned bar, struct pg_bar_info *info);

#define fail pg_vfio_fail

int pg_vfio_fail(struct pg_vfio_error *err, int rc, const char *fmt, ...)
{
	va_list ap;

	if (err) {
		va_start(ap, fmt);
		(void)vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
		va_end(ap);
	}
	return rc;
}

int pg_vfio_spec_parse(const char *spec, char bdf[13])
{
	if (!spec || !bdf)
		return -EINVAL;
	if (strncmp(spec, "vfio:", 5))
		return -ENOENT;
	return pg_bdf_parse(spec + 5, bdf);
}

/* ---- open --------------------------------------------------------------------------- */

static int open_container(struct pg_vfio_dev *d, const char *dev_root,
			  struct pg_vfio_error *err)
{
	char path[PATH_MAX];

	(void)snprintf(path, sizeof(path), "%s/vfio", dev_root);
	d->container = open(path, O_RDWR | OPEN_FLAGS);
	if (d->container < 0)
		return fail(err, -errno == -ENOENT ? -ENODEV : -errno,
			    "%s: cannot open %s: %s (is the vfio module loaded?)", d->bdf, path,
			    strerror(errno));
	if (ioctl(d->container, VFIO_GET_API_VERSION) != VFIO_API_VERSION)
		return fail(err, -EOPNOTSUPP, "%s: %s speaks another VFIO API version", d->bdf,
			    path);
	if (ioctl(d->container, VFIO_CHECK_EXTENSION, VFIO_TYPE1v2_IOMMU) <= 0 &&
	    ioctl(d->container, VFIO_CHECK_EXTENSION, VFIO_TYPE1_IOMMU) <= 0)
		return fail(err, -EOPNOTSUPP, "%s: the kernel has no type1 IOMMU for VFIO "
			    "(vfio_iommu_type1 not loaded?)", d->bdf);
	return 0;
}

static int open_group(struct pg_vfio_dev *d, const char *dev_root, struct pg_vfio_error *err)
{
	struct vfio_group_status st = { .argsz = sizeof(st) };
	char path[PATH_MAX], members[384];
	int g;

	(void)snprintf(path, sizeof(path), "%s/%d", dev_root, d->group_id);
	d->group = open(path, O_RDWR | OPEN_FLAGS);
	if (d->group < 0)
		return fail(err, errno == ENOENT ? -ENODEV : -errno,
			    "%s: cannot open %s: %s%s", d->bdf, path, strerror(errno),
			    errno == EBUSY ? " (the group is open in another process)" : "");
	if (ioctl(d->group, VFIO_GROUP_GET_STATUS, &st) < 0)
		return fail(err, -errno, "%s: VFIO_GROUP_GET_STATUS: %s", d->bdf, strerror(errno));
	if (!(st.flags & VFIO_GROUP_FLAGS_VIABLE)) {
		if (pg_iommu_group(d->root, d->bdf, &g, members, sizeof(members)) < 0)
			(void)snprintf(members, sizeof(members), "(not listed)");
		return fail(err, -EBUSY, "%s: IOMMU group %d is not viable: every device in it "
			    "must be bound to vfio-pci or to no driver; other members: %s",
			    d->bdf, d->group_id, members);
	}
	return 0;
}

/* The IOMMU's smallest page and IOVA ranges from VFIO_IOMMU_GET_INFO and its caps. */
static void iommu_info(struct pg_vfio_dev *d)
{
	uint64_t buf[512];
	struct vfio_iommu_type1_info *info = (void *)buf;
	uint32_t off;
	unsigned hops = 0;

	memset(buf, 0, sizeof(buf));
	info->argsz = sizeof(buf);
	d->pgsize = 4096;
	if (ioctl(d->container, VFIO_IOMMU_GET_INFO, info) < 0 || info->argsz > sizeof(buf))
		return;
	if ((info->flags & VFIO_IOMMU_INFO_PGSIZES) && info->iova_pgsizes)
		d->pgsize = info->iova_pgsizes & -info->iova_pgsizes;
	if (!(info->flags & VFIO_IOMMU_INFO_CAPS))
		return;
	/* Bounded walk of a kernel-built chain: offsets must move forward inside buf. */
	for (off = info->cap_offset; off && hops++ < 16; ) {
		struct vfio_info_cap_header *h;

		if (off < sizeof(*info) || off + sizeof(*h) > info->argsz || off % 8)
			break;
		h = (void *)((uint8_t *)buf + off);
		if (h->id == VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE) {
			struct vfio_iommu_type1_info_cap_iova_range *c = (void *)h;

			for (uint32_t i = 0; i < c->nr_iovas && d->nranges < PG_VFIO_MAX_RANGES &&
			     off + sizeof(*c) + (i + 1) * sizeof(c->iova_ranges[0]) <= info->argsz;
			     i++) {
				d->ranges[d->nranges].start = c->iova_ranges[i].start;
				d->ranges[d->nranges++].end = c->iova_ranges[i].end;
			}
		}
		if (h->next <= off)
			break;
		off = h->next;
	}
}

static int attach(struct pg_vfio_dev *d, struct pg_vfio_error *err)
{
	int type = ioctl(d->container, VFIO_CHECK_EXTENSION, VFIO_TYPE1v2_IOMMU) > 0
			   ? VFIO_TYPE1v2_IOMMU : VFIO_TYPE1_IOMMU;

	if (ioctl(d->group, VFIO_GROUP_SET_CONTAINER, &d->container) < 0)
		return fail(err, -errno, "%s: VFIO_GROUP_SET_CONTAINER: %s", d->bdf,
			    strerror(errno));
	if (ioctl(d->container, VFIO_SET_IOMMU, type) < 0) {
		if (errno == EPERM)
			return fail(err, -EPERM, "%s: the IOMMU refused the group: this host has "
				    "no interrupt remapping, so a device could forge MSIs; pcigate "
				    "does not set vfio_iommu_type1's allow_unsafe_interrupts",
				    d->bdf);
		return fail(err, -errno, "%s: VFIO_SET_IOMMU: %s", d->bdf, strerror(errno));
	}
	iommu_info(d);
	d->unmap_all = ioctl(d->container, VFIO_CHECK_EXTENSION, VFIO_UNMAP_ALL) > 0;
	return 0;
}

/* Read one region's info and its capability chain (MSIX_MAPPABLE, SPARSE_MMAP). */
static int region_info(struct pg_vfio_dev *d, unsigned idx)
{
	uint64_t buf[REGION_INFO_MAX / 8];
	struct vfio_region_info *ri = (void *)buf;
	struct pg_vfio_region *rg = &d->regions[idx];
	uint32_t off;
	unsigned hops = 0;

	memset(buf, 0, sizeof(buf));
	ri->argsz = sizeof(buf);
	ri->index = idx;
	if (ioctl(d->device, VFIO_DEVICE_GET_REGION_INFO, ri) < 0)
		return errno == EINVAL ? 0 : -errno; /* a region the device lacks */
	if (ri->size && ri->offset > UINT64_MAX - ri->size)
		return -EIO;
	rg->size = ri->size;
	rg->offset = ri->offset;
	rg->flags = ri->flags;
	if (!(ri->flags & VFIO_REGION_INFO_FLAG_CAPS) || ri->argsz > sizeof(buf))
		return 0;
	for (off = ri->cap_offset; off && hops++ < 16; ) {
		struct vfio_info_cap_header *h;

		if (off < sizeof(*ri) || off + sizeof(*h) > ri->argsz || off % 4)
			break;
		h = (void *)((uint8_t *)buf + off);
		if (h->id == VFIO_REGION_INFO_CAP_MSIX_MAPPABLE)
			rg->msix_mappable = true;
		else if (h->id == VFIO_REGION_INFO_CAP_SPARSE_MMAP)
			rg->sparse = true;
		if (h->next <= off)
			break;
		off = h->next;
	}
	return 0;
}

/* Map a BAR region whole when the kernel allows it; otherwise accesses use pread/pwrite. */
static void map_region(struct pg_vfio_dev *d, unsigned idx)
{
	struct pg_vfio_region *rg = &d->regions[idx];
	void *p;

	if (idx >= PG_VFIO_ROM_REGION || !rg->size || rg->sparse || rg->size > SIZE_MAX ||
	    (rg->flags & (VFIO_REGION_INFO_FLAG_MMAP | VFIO_REGION_INFO_FLAG_READ |
			  VFIO_REGION_INFO_FLAG_WRITE)) !=
		    (VFIO_REGION_INFO_FLAG_MMAP | VFIO_REGION_INFO_FLAG_READ |
		     VFIO_REGION_INFO_FLAG_WRITE))
		return;
	p = mmap(NULL, (size_t)rg->size, PROT_READ | PROT_WRITE, MAP_SHARED, d->device,
		 (off_t)rg->offset);
	if (p != MAP_FAILED)
		rg->map = p;
}

/* Can a secondary bus reset be done by us alone: every affected function in our group? */
static void probe_hot_reset(struct pg_vfio_dev *d)
{
	uint64_t buf[64];
	struct vfio_pci_hot_reset_info *hi = (void *)buf;
	uint32_t max = (uint32_t)((sizeof(buf) - sizeof(*hi)) / sizeof(hi->devices[0]));

	memset(buf, 0, sizeof(buf));
	hi->argsz = sizeof(buf);
	d->hot_reset = false;
	if (ioctl(d->device, VFIO_DEVICE_GET_PCI_HOT_RESET_INFO, hi) < 0 || !hi->count ||
	    hi->count > max)
		return;
	for (uint32_t i = 0; i < hi->count; i++)
		if ((int)hi->devices[i].group_id != d->group_id)
			return;
	d->hot_reset = true;
}

/*
 * The kernel's device request (unbind, hot removal): without a listener it blocks the
 * removal until we let go, silently. With one, an eventfd the owner can watch
 * (pg_vfio_request_fd()). Best effort: a kernel without the index simply has none.
 */
static void listen_requests(struct pg_vfio_dev *d, uint32_t num_irqs)
{
	struct vfio_irq_info ii = { .argsz = sizeof(ii), .index = VFIO_PCI_REQ_IRQ_INDEX };
	struct {
		uint32_t argsz, flags, index, start, count;
		int32_t fd;
	} set;

	_Static_assert(sizeof(struct vfio_irq_set) == 5 * sizeof(uint32_t), "vfio_irq_set");
	if (num_irqs <= VFIO_PCI_REQ_IRQ_INDEX ||
	    ioctl(d->device, VFIO_DEVICE_GET_IRQ_INFO, &ii) < 0 || !ii.count)
		return;
	d->req_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (d->req_fd < 0)
		return;
	set = (__typeof__(set)){ sizeof(set), VFIO_IRQ_SET_DATA_EVENTFD |
				 VFIO_IRQ_SET_ACTION_TRIGGER, VFIO_PCI_REQ_IRQ_INDEX, 0, 1,
				 d->req_fd };
	if (ioctl(d->device, VFIO_DEVICE_SET_IRQS, &set) < 0) {
		close(d->req_fd);
		d->req_fd = -1;
	}
}

int pg_vfio_request_fd(const struct pg_backend *be)
{
	const struct pg_vfio_dev *d = pg_backend_is_vfio(be) ? pg_backend_priv(be) : NULL;

	if (!d)
		return -EINVAL;
	return d->req_fd >= 0 ? d->req_fd : -EOPNOTSUPP;
}

static int open_device(struct pg_vfio_dev *d, struct pg_vfio_error *err)
{
	struct vfio_device_info di = { .argsz = sizeof(di) };
	int r;

	d->device = ioctl(d->group, VFIO_GROUP_GET_DEVICE_FD, d->bdf);
	if (d->device < 0)
		return fail(err, -errno, "%s: VFIO_GROUP_GET_DEVICE_FD: %s", d->bdf,
			    strerror(errno));
	if (ioctl(d->device, VFIO_DEVICE_GET_INFO, &di) < 0)
		return fail(err, -errno, "%s: VFIO_DEVICE_GET_INFO: %s", d->bdf, strerror(errno));
	if (!(di.flags & VFIO_DEVICE_FLAGS_PCI) || di.num_regions <= PG_VFIO_CFG_REGION)
		return fail(err, -EOPNOTSUPP, "%s: not a vfio-pci device", d->bdf);
	d->dev_flags = di.flags;
	for (unsigned i = 0; i < PG_VFIO_NUM_REGIONS && i < di.num_regions; i++) {
		r = region_info(d, i);
		if (r < 0)
			return fail(err, r, "%s: region %u: %s", d->bdf, i, strerror(-r));
		map_region(d, i);
	}
	for (unsigned i = 0; i < PG_VFIO_NUM_IRQ_TYPES && i < di.num_irqs; i++) {
		struct vfio_irq_info ii = { .argsz = sizeof(ii), .index = i };

		if (ioctl(d->device, VFIO_DEVICE_GET_IRQ_INFO, &ii) == 0 &&
		    (ii.flags & VFIO_IRQ_INFO_EVENTFD))
			d->irq_count[i] = ii.count;
	}
	if (!d->regions[PG_VFIO_CFG_REGION].size)
		return fail(err, -EIO, "%s: no config region", d->bdf);
	listen_requests(d, di.num_irqs);
	probe_hot_reset(d);
	for (unsigned i = 0; i < PG_CFG_NUM_BARS; i++)
		describe_bar(d, i, &d->bars[i]);
	r = pg_vfio_find_cap(d, 0x01);
	d->pm_cap = r > 0 ? (uint16_t)r : 0;
	return 0;
}

static void log_facts(const struct pg_vfio_dev *d)
{
	for (unsigned i = 0; i < PG_VFIO_ROM_REGION; i++)
		if (d->regions[i].size)
			pg_vfio_log(d, LOG_INFO, "BAR%u: %#llx bytes, %s%s", i,
				    (unsigned long long)d->regions[i].size,
				    d->regions[i].map ? "mmapped" : "pread/pwrite",
				    d->regions[i].msix_mappable ? ", kernel allows MSI-X mmap" : "");
	pg_vfio_log(d, LOG_INFO, "group %d, reset: %s%s, interrupt remapping: %s (%s)",
		    d->group_id, (d->dev_flags & VFIO_DEVICE_FLAGS_RESET) ? "device" : "none",
		    d->hot_reset ? " + hot reset" : "", d->irq_remap ? "on" : "off",
		    d->irq_remap_why);
}

static int vfio_init(struct pg_vfio_dev *d, const struct pg_vfio_config *cfg,
		     struct pg_vfio_error *err)
{
	const char *dev_root = cfg && cfg->dev_root ? cfg->dev_root : "/dev/vfio";
	char path[PATH_MAX], dummy[PATH_MAX], members[8];
	int r;

	(void)snprintf(path, sizeof(path), "%s/bus/pci/devices/%s", d->root, d->bdf);
	if (!realpath(path, dummy))
		return fail(err, -ENODEV, "%s: no such PCI device", d->bdf);
	r = pg_iommu_group(d->root, d->bdf, &d->group_id, members, sizeof(members));
	if (r < 0)
		return fail(err, -ENODEV, "%s: no IOMMU group (is an IOMMU enabled, e.g. "
			    "intel_iommu=on?)", d->bdf);
	r = open_container(d, dev_root, err);
	if (r == 0)
		r = open_group(d, dev_root, err);
	if (r == 0)
		r = attach(d, err);
	if (r == 0)
		r = open_device(d, err);
	if (r < 0)
		return r;
	pg_vfio_read_reset_method(d);
	/* type1 attached without allow_unsafe_interrupts: the kernel verified isolation. */
	if (!pg_topo_unsafe_interrupts(d->root)) {
		d->irq_remap = true;
		d->irq_remap_why = "type1 accepted the group without allow_unsafe_interrupts";
	} else {
		d->irq_remap = pg_topo_irq_remap(d->root, NULL, &d->irq_remap_why) ==
			       PG_TOPO_IR_ON;
	}
	log_facts(d);
	return 0;
}

static void vfio_destroy(void *priv);

int pg_backend_vfio_open(const char *bdf, const struct pg_vfio_config *cfg,
			 struct pg_backend **ret, struct pg_vfio_error *err)
{
	const char *root = cfg && cfg->sysfs_root ? cfg->sysfs_root : "/sys";
	struct pg_vfio_dev *d;
	char canon[13];
	uint16_t len;
	int r;

	if (err)
		err->msg[0] = '\0';
	if (!bdf || !ret)
		return fail(err, -EINVAL, "no device");
	if (pg_bdf_parse(bdf, canon) < 0)
		return fail(err, -EINVAL, "'%s' is not a PCI address ([dddd:]bb:dd.f)", bdf);
	if (strlen(root) >= sizeof(d->root))
		return fail(err, -ENAMETOOLONG, "sysfs root too long");
	d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	d->container = d->group = d->device = d->rm_fd = d->req_fd = -1;
	d->irq_on = -1;
	d->quiesce[0] = PG_RESET_ANY;
	d->nquiesce = 1;
	memcpy(d->bdf, canon, sizeof(canon));
	memcpy(d->root, root, strlen(root) + 1);
	d->log = cfg ? cfg->log : NULL;
	d->log_data = cfg ? cfg->log_data : NULL;
	r = vfio_init(d, cfg, err);
	if (r < 0)
		goto out_destroy;
	len = d->regions[PG_VFIO_CFG_REGION].size >= PG_CFG_EXT_LEN
		      ? PG_CFG_EXT_LEN : (uint16_t)d->regions[PG_VFIO_CFG_REGION].size;
	r = pg_backend_new(&vfio_ops, d, len, canon, ret);
	if (r < 0)
		goto out_destroy;
	return 0;
out_destroy:
	vfio_destroy(d); /* nothing to quiesce: the device was never touched */
	return r;
}

/* ---- ops ---------------------------------------------------------------------------- */

int pg_vfio_find_cap(struct pg_vfio_dev *d, uint8_t id)
{
	uint64_t v = 0, st = 0;
	unsigned hops = 0;

	if (pg_vfio_region_rw(d, PG_VFIO_CFG_REGION, 0x06, 2, &st, false) < 0 || !(st & 0x10) ||
	    pg_vfio_region_rw(d, PG_VFIO_CFG_REGION, 0x34, 1, &v, false) < 0)
		return -ENOENT;
	/* Bounded walk (48 capabilities fit in 192 bytes), pointers below 0x40 end it. */
	for (uint64_t p = v & 0xfc; p >= 0x40 && hops++ < 48; p = v & 0xfc) {
		uint64_t hdr = 0;

		if (pg_vfio_region_rw(d, PG_VFIO_CFG_REGION, (uint16_t)p, 2, &hdr, false) < 0)
			return -ENOENT;
		if ((hdr & 0xff) == id)
			return (int)p;
		v = hdr >> 8;
	}
	return -ENOENT;
}

/* Command register and PM state from the config region, without the mapping check. */
static bool decode_on(struct pg_vfio_dev *d)
{
	const struct pg_vfio_region *c = &d->regions[PG_VFIO_CFG_REGION];
	uint8_t cmd[2] = { 0, 0 }, pmcsr[2] = { 0, 0 };

	if (pread(d->device, cmd, 2, (off_t)(c->offset + 0x04)) != 2 || !(cmd[0] & 0x2))
		return false;
	if (d->pm_cap && (pread(d->device, pmcsr, 2, (off_t)(c->offset + d->pm_cap + 4)) != 2 ||
			  (pmcsr[0] & 3) != 0))
		return false;
	return true;
}

/*
 * vfio-pci answers a touch of a BAR mapping with SIGBUS while Memory decode is off or the
 * function is not in D0 (it cannot let the access hit a disabled device). The guest
 * controls both bits (through the mediator), so a mapping is used only after checking
 * them; the check is redone after every config write and reset, and otherwise cached, so
 * the steady state costs nothing. When they are off, pread/pwrite gets vfio's -EIO
 * instead of a signal that would kill the server.
 */
static bool mmap_usable(struct pg_vfio_dev *d)
{
	if (!d->mmap_checked) {
		d->mmap_ok = decode_on(d);
		d->mmap_checked = true;
	}
	return d->mmap_ok;
}

int pg_vfio_region_rw(struct pg_vfio_dev *d, unsigned idx, uint64_t off, uint8_t size,
		     uint64_t *val, bool write)
{
	const struct pg_vfio_region *rg = &d->regions[idx];
	uint8_t buf[8];
	ssize_t n;

	if (off >= rg->size || size > rg->size - off)
		return -ERANGE;
	if (rg->map && mmap_usable(d)) {
		d->touched |= write;
		if (write)
			pg_mmio_write(rg->map + off, size, *val);
		else
			*val = pg_mmio_read(rg->map + off, size);
		return 0;
	}
	if (size == 8) { /* vfio's pread path does at most 4 bytes per access on 6.1 */
		uint64_t lo = *val & 0xffffffffu, hi = *val >> 32;
		int r = pg_vfio_region_rw(d, idx, off, 4, &lo, write);

		if (r == 0)
			r = pg_vfio_region_rw(d, idx, off + 4, 4, &hi, write);
		if (r == 0 && !write)
			*val = (lo & 0xffffffffu) | hi << 32;
		return r;
	}
	if (write) {
		d->touched = true;
		if (idx == PG_VFIO_CFG_REGION)
			d->mmap_checked = false;
		pg_le_store(buf, size, *val);
		n = pwrite(d->device, buf, size, (off_t)(rg->offset + off));
	} else {
		n = pread(d->device, buf, size, (off_t)(rg->offset + off));
	}
	if (n < 0)
		return -errno;
	if (n != size)
		return -EIO;
	if (!write)
		*val = pg_le_load(buf, size);
	return 0;
}

/* The hot path of every mediated read of a register the device owns (Command/Status,
 * say): the config region is never mmapped, so one pread and nothing else (no detour
 * through the BAR path; backend.c or the mediator validated off and size already). Under
 * TCG every instruction here adds to the guest's read (issue 9), so: the private data
 * straight from the handle (pg_backend_priv() is an exported call through the PLT), and
 * the bytes into a zeroed little-endian dword decoded by one le32toh() (bytes past size
 * stay zero), not a byte loop. */
static int vfio_cfg_read(struct pg_backend *be, uint16_t off, uint8_t size, uint32_t *val)
{
	const struct pg_vfio_dev *d = be->priv;
	const struct pg_vfio_region *c = &d->regions[PG_VFIO_CFG_REGION];
	uint32_t le = 0;
	ssize_t n;

	if (off >= c->size || size > c->size - off || size > sizeof(le))
		return -ERANGE;
	n = pread(d->device, &le, size, (off_t)(c->offset + off));
	if (n < 0)
		return -errno;
	if (n != size)
		return -EIO;
	*val = le32toh(le);
	return 0;
}

static int vfio_cfg_write(struct pg_backend *be, uint16_t off, uint8_t size, uint32_t val)
{
	uint64_t v = val;

	return pg_vfio_region_rw(pg_backend_priv(be), PG_VFIO_CFG_REGION, off, size, &v, true);
}

/* BAR descriptions from the region sizes and the BAR registers' type bits, computed once at
 * open: every BAR access asks for them (backend.c checks bounds), and a config read per
 * access would double its cost. */
static void describe_bar(struct pg_vfio_dev *d, unsigned bar, struct pg_bar_info *info)
{
	const struct pg_vfio_region *rg = &d->regions[bar];
	uint16_t reg = bar == PG_CFG_ROM_BAR ? 0x30 : (uint16_t)(0x10 + 4 * bar);
	uint64_t v = 0;

	memset(info, 0, sizeof(*info));
	if (pg_vfio_region_rw(d, PG_VFIO_CFG_REGION, reg, 4, &v, false) < 0)
		v = 0;
	if (!rg->size) {
		/* The high half of a 64-bit BAR has no region of its own. */
		if (bar > 0 && bar < PG_CFG_ROM_BAR && d->bars[bar - 1].kind == PG_BAR_MEM64)
			info->kind = PG_BAR_MEM64_HI;
		return;
	}
	info->present = true;
	info->size = rg->size;
	info->accessible = (rg->flags & VFIO_REGION_INFO_FLAG_READ) != 0;
	if (bar == PG_CFG_ROM_BAR) {
		info->kind = PG_BAR_ROM;
		info->host_addr = v & ~0x7ffull;
	} else if (v & 1) {
		info->kind = PG_BAR_IO;
		info->host_addr = v & ~3ull;
	} else {
		info->kind = (v & 6) == 4 ? PG_BAR_MEM64 : PG_BAR_MEM32;
		info->prefetchable = (v & 8) != 0;
		info->host_addr = v & ~0xfull;
	}
}

static int vfio_bar_info(struct pg_backend *be, unsigned bar, struct pg_bar_info *info)
{
	struct pg_vfio_dev *d = pg_backend_priv(be);

	*info = d->bars[bar];
	return 0;
}

static int vfio_bar_read(struct pg_backend *be, unsigned bar, uint64_t off, uint8_t size,
			 uint64_t *val)
{
	return pg_vfio_region_rw(pg_backend_priv(be), bar, off, size, val, false);
}

static int vfio_bar_write(struct pg_backend *be, unsigned bar, uint64_t off, uint8_t size,
			  uint64_t val)
{
	struct pg_vfio_dev *d = pg_backend_priv(be);

	if (bar == PG_CFG_ROM_BAR || !(d->regions[bar].flags & VFIO_REGION_INFO_FLAG_WRITE))
		return -EROFS;
	return pg_vfio_region_rw(d, bar, off, size, &val, true);
}

static void vfio_destroy(void *priv)
{
	struct pg_vfio_dev *d = priv;

	if (!d)
		return;
	for (unsigned i = 0; i < PG_VFIO_NUM_REGIONS; i++)
		if (d->regions[i].map)
			(void)munmap((void *)(uintptr_t)d->regions[i].map,
				     (size_t)d->regions[i].size);
	if (d->rm_fd >= 0)
		close(d->rm_fd);
	if (d->req_fd >= 0)
		close(d->req_fd);
	if (d->device >= 0)
		close(d->device);
	if (d->group >= 0)
		close(d->group);
	if (d->container >= 0)
		close(d->container); /* drops every DMA mapping still held */
	free(d);
}

/* Closing quiesces first: whoever closes (clean exit, error path, EOF) leaves the device
 * with interrupts off, Bus Master off, reset and no DMA mapping. A backend that only read
 * (inspect, view) leaves the device as it found it. */
static void vfio_close(void *priv)
{
	struct pg_vfio_dev *d = priv;
	int r = d->touched ? pg_vfio_quiesce_dev(d) : 0; /* inspect/view only read */

	if (r < 0)
		pg_vfio_log(d, LOG_WARNING, "quiescing at close: %s", strerror(-r));
	vfio_destroy(d);
}

static const struct pg_backend_ops vfio_ops = {
	.kind = "vfio",
	.cfg_read = vfio_cfg_read,
	.cfg_write = vfio_cfg_write,
	.bar_info = vfio_bar_info,
	.bar_read = vfio_bar_read,
	.bar_write = vfio_bar_write,
	.reset = pg_vfio_backend_reset,
	.destroy = vfio_close,
};
