/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The vfio backend's control plane: interrupts (VFIO_DEVICE_SET_IRQS), resets
 * (VFIO_DEVICE_RESET, VFIO_DEVICE_PCI_HOT_RESET), DMA mappings (VFIO_IOMMU_MAP_DMA) and
 * quiescing, plus the MSI-X direct-map decision. vfio.c opens the device, vfio-dma.c keeps
 * the DMA mappings.
 *
 * Threats: the guest (through the mediator's effects) chooses vector numbers, counts and
 * mask states; the VMM chooses DMA ranges. Every number is checked against what the kernel
 * reported at open (vector counts, IOMMU page size and IOVA ranges) and against this
 * device's own mapping table (no overlap) before an ioctl sees it. The guest's MSI
 * address/data never reach the device: with VFIO the kernel programs the real MSI/MSI-X
 * registers, and interrupt remapping confines where they point.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include <linux/vfio.h>

#include <pcigate/backend.h>
#include <pcigate/mediator.h>

#include "backend-private.h"

#define MAX_VECTORS 2048u  /* MSI-X table size limit (PCI Local Bus 3.0, 6.8.2.3) */

/* ---- interrupts --------------------------------------------------------------------- */

/* VFIO_DEVICE_SET_IRQS: count 0 (DATA_NONE) disables the type, else eventfds. */
static int set_irqs_at(struct pg_vfio_dev *d, unsigned type, uint32_t start, uint32_t count,
		       const int *fds, uint32_t action)
{
	size_t len = sizeof(struct vfio_irq_set) + (size_t)count * sizeof(int32_t);
	struct vfio_irq_set *s = calloc(1, len);
	int r = 0;

	if (!s)
		return -ENOMEM;
	d->touched |= count > 0;
	s->argsz = (uint32_t)len;
	s->index = type;
	s->start = start;
	s->count = count;
	s->flags = action | (count ? VFIO_IRQ_SET_DATA_EVENTFD : VFIO_IRQ_SET_DATA_NONE);
	for (uint32_t i = 0; i < count; i++)
		((int32_t *)(void *)s->data)[i] = fds[i] < 0 ? -1 : fds[i];
	if (ioctl(d->device, VFIO_DEVICE_SET_IRQS, s) < 0)
		r = -errno;
	free(s);
	return r;
}

static int set_irqs(struct pg_vfio_dev *d, unsigned type, uint32_t start, uint32_t count,
		    const int *fds)
{
	return set_irqs_at(d, type, start, count, fds, VFIO_IRQ_SET_ACTION_TRIGGER);
}

static int irq_disable(struct pg_vfio_dev *d, unsigned type)
{
	int r;

	if (d->irq_on != (int)type)
		return 0;
	r = set_irqs(d, type, 0, 0, NULL);
	if (r == 0) {
		d->irq_on = -1;
		d->irq_on_count = 0;
	}
	return r;
}

int pg_vfio_irq_set(struct pg_backend *be, enum pg_vfio_irq type, uint32_t start,
		    uint32_t count, const int *fds)
{
	struct pg_vfio_dev *d = pg_vfio_dev(be);
	int r;

	if (!d || (unsigned)type >= PG_VFIO_NUM_IRQ_TYPES || (count && !fds))
		return -EINVAL;
	if (!count)
		return irq_disable(d, type);
	if (start > d->irq_count[type] || count > d->irq_count[type] - start)
		return -EINVAL;
	if (d->irq_on == (int)type) {
		/* Re-route vectors of an enabled type; the enabled block cannot grow on 6.1. */
		if (start + count > d->irq_on_count)
			return -EINVAL;
		return set_irqs(d, type, start, count, fds);
	}
	if (d->irq_on >= 0) {
		r = irq_disable(d, (unsigned)d->irq_on); /* one interrupt type at a time */
		if (r < 0)
			return r;
	}
	if (start) /* the kernel enables vectors 0..start+count-1; the first ones untriggered */
		return -EINVAL;
	r = set_irqs(d, type, 0, count, fds);
	if (r == 0) {
		d->irq_on = (int)type;
		d->irq_on_count = count;
	}
	return r;
}

int pg_vfio_irq_unmask(struct pg_backend *be)
{
	struct vfio_irq_set s = { .argsz = sizeof(s),
				  .flags = VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_UNMASK,
				  .index = VFIO_PCI_INTX_IRQ_INDEX, .start = 0, .count = 1 };
	struct pg_vfio_dev *d = pg_vfio_dev(be);

	if (!d)
		return -EINVAL;
	return ioctl(d->device, VFIO_DEVICE_SET_IRQS, &s) < 0 ? -errno : 0;
}

int pg_vfio_irq_unmask_fd(struct pg_backend *be, int fd)
{
	struct pg_vfio_dev *d = pg_vfio_dev(be);

	if (!d)
		return -EINVAL;
	return set_irqs_at(d, VFIO_PCI_INTX_IRQ_INDEX, 0, 1, &fd, VFIO_IRQ_SET_ACTION_UNMASK);
}

static int fd_of(const int *fds, unsigned nfds, unsigned i)
{
	return fds && i < nfds ? fds[i] : -1;
}

/* MSI-X enable: one eventfd per unmasked entry of the guest's table, none under Function
 * Mask (the kernel keeps the vector allocated but fires nothing). */
static int msix_enable(struct pg_backend *be, const struct pg_mediator *m,
		       const struct pg_irq_effect *e, const int *fds, unsigned nfds)
{
	struct pg_vfio_dev *d = pg_vfio_dev(be);
	uint32_t n = e->nvectors;
	int *v, r;

	if (n > d->irq_count[PG_VFIO_IRQ_MSIX])
		n = d->irq_count[PG_VFIO_IRQ_MSIX];
	if (!n || n > MAX_VECTORS)
		return -EINVAL;
	v = calloc(n, sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (uint32_t i = 0; i < n; i++) {
		struct pg_mediator_msix_entry ent;

		v[i] = -1;
		if (!e->function_masked && pg_mediator_msix_entry(m, (uint16_t)i, &ent) == 0 &&
		    !ent.masked)
			v[i] = fd_of(fds, nfds, i);
	}
	r = pg_vfio_irq_set(be, PG_VFIO_IRQ_MSIX, 0, n, v);
	free(v);
	return r;
}

static int msi_enable(struct pg_backend *be, const struct pg_irq_effect *e, const int *fds,
		      unsigned nfds)
{
	struct pg_vfio_dev *d = pg_vfio_dev(be);
	int v[32];
	uint32_t n = e->nvectors ? e->nvectors : 1;

	if (n > 32 || n > d->irq_count[PG_VFIO_IRQ_MSI])
		n = d->irq_count[PG_VFIO_IRQ_MSI] < 32 ? d->irq_count[PG_VFIO_IRQ_MSI] : 32;
	if (!n)
		return -EINVAL;
	for (uint32_t i = 0; i < n; i++)
		v[i] = (e->msi_mask >> i) & 1 ? -1 : fd_of(fds, nfds, i);
	if (d->irq_on == PG_VFIO_IRQ_MSI && d->irq_on_count != n) {
		int r = irq_disable(d, PG_VFIO_IRQ_MSI); /* Multiple Message Enable changed */

		if (r < 0)
			return r;
	}
	return pg_vfio_irq_set(be, PG_VFIO_IRQ_MSI, 0, n, v);
}

int pg_vfio_irq_effect(struct pg_backend *be, const struct pg_mediator *m,
		       const struct pg_irq_effect *e, const int *fds, unsigned nfds)
{
	struct pg_vfio_dev *d = pg_vfio_dev(be);

	if (!d || !m || !e)
		return -EINVAL;
	switch (e->type) {
	case PG_IRQ_INTX:
		if (!e->enabled || !d->irq_count[PG_VFIO_IRQ_INTX])
			return irq_disable(d, PG_VFIO_IRQ_INTX);
		{
			int fd = fd_of(fds, nfds, 0);

			return pg_vfio_irq_set(be, PG_VFIO_IRQ_INTX, 0, 1, &fd);
		}
	case PG_IRQ_MSI:
		return e->enabled ? msi_enable(be, e, fds, nfds) : irq_disable(d, PG_VFIO_IRQ_MSI);
	case PG_IRQ_MSIX:
		if (!e->enabled)
			return irq_disable(d, PG_VFIO_IRQ_MSIX);
		if (e->vector == PG_IRQ_ALL_VECTORS || d->irq_on != PG_VFIO_IRQ_MSIX)
			return msix_enable(be, m, e, fds, nfds);
		if (e->vector >= d->irq_on_count)
			return -EINVAL;
		{
			int fd = e->masked || e->function_masked ? -1 : fd_of(fds, nfds, e->vector);

			return pg_vfio_irq_set(be, PG_VFIO_IRQ_MSIX, e->vector, 1, &fd);
		}
	case PG_IRQ_NONE:
		return d->irq_on >= 0 ? irq_disable(d, (unsigned)d->irq_on) : 0;
	default:
		return -EINVAL;
	}
}

/* ---- resets ------------------------------------------------------------------------- */

/*
 * The one place that maps an ordered list of allowed reset methods onto what VFIO offers
 * (the policy's preference order and its do-not-use exclusions are already in the list).
 * - ANY alone: the function reset the kernel offers (its reset_method order), else a hot
 *   reset that only hits our group.
 * - Named methods: VFIO_DEVICE_RESET resets through the kernel's reset_method list, so the
 *   list is narrowed to the allowed methods it offers, in the allowed order (order), which
 *   requires rewriting reset_method for the reset (can_reorder) unless it already says
 *   exactly that: a method the policy excluded is never left for the kernel to fall through
 *   to (a device that hangs after a bus reset, say). When no allowed function method is
 *   offered, BUS in the list means a hot reset, if only our group sits behind the bus.
 */
int pg_vfio_reset_plan(const enum pg_reset_method *methods, unsigned n, bool device_reset,
		       bool hot_reset, bool can_reorder, const char *reset_method, char *order,
		       size_t size, enum pg_vfio_reset_how *how, enum pg_reset_method *first)
{
	const char *rm = reset_method ? reset_method : "";
	bool bus = false;

	order[0] = '\0';
	if (n == 1 && methods[0] == PG_RESET_ANY) {
		*first = PG_RESET_ANY;
		*how = device_reset ? PG_VFIO_DEVICE_RESET : PG_VFIO_HOT_RESET;
		return device_reset || hot_reset ? 0 : -EOPNOTSUPP;
	}
	for (unsigned i = 0; i < n; i++) {
		if (methods[i] <= PG_RESET_ANY || methods[i] >= PG_RESET__COUNT)
			return -EINVAL;
		bus |= methods[i] == PG_RESET_BUS;
	}
	if (device_reset && pg_sysfs_reset_order(rm, methods, n, order, size, first) == 0 &&
	    (can_reorder || !strcmp(order, rm))) {
		*how = PG_VFIO_DEVICE_RESET;
		return 0;
	}
	order[0] = '\0';
	if (bus && hot_reset) {
		*how = PG_VFIO_HOT_RESET;
		*first = PG_RESET_BUS;
		return 0;
	}
	return -EOPNOTSUPP;
}

static int hot_reset(struct pg_vfio_dev *d)
{
	/* struct vfio_pci_hot_reset followed by one group fd (its flexible array) */
	uint32_t req[4] = { (uint32_t)sizeof(req), 0, 1, (uint32_t)d->group };

	_Static_assert(sizeof(struct vfio_pci_hot_reset) == 3 * sizeof(uint32_t),
		       "vfio_pci_hot_reset layout");
	return ioctl(d->device, VFIO_DEVICE_PCI_HOT_RESET, req) < 0 ? -errno : 0;
}

static int write_methods(struct pg_vfio_dev *d, const char *text)
{
	ssize_t n = pwrite(d->rm_fd, text, strlen(text), 0);

	return n == (ssize_t)strlen(text) ? 0 : n < 0 ? -errno : -EIO;
}

/* VFIO_DEVICE_RESET with reset_method narrowed to order for its duration. */
static int device_reset(struct pg_vfio_dev *d, const char *order)
{
	bool narrow = order[0] && strcmp(order, d->reset_method);
	int r = narrow ? write_methods(d, order) : 0, r2;

	if (r < 0)
		return r;
	r = ioctl(d->device, VFIO_DEVICE_RESET) < 0 ? -errno : 0;
	if (narrow) { /* the administrator's list back, whatever the reset did */
		r2 = write_methods(d, d->reset_method[0] ? d->reset_method : "default");
		if (r == 0)
			r = r2;
	}
	return r;
}

/* One method (or ANY) by the plan; -EOPNOTSUPP when it is not available. */
static int reset_one(struct pg_vfio_dev *d, enum pg_reset_method m)
{
	char order[64];
	enum pg_vfio_reset_how how;
	enum pg_reset_method first;
	int r = pg_vfio_reset_plan(&m, 1, d->dev_flags & VFIO_DEVICE_FLAGS_RESET, d->hot_reset,
				   d->rm_fd >= 0, d->reset_method, order, sizeof(order), &how,
				   &first);

	if (r < 0)
		return r;
	r = how == PG_VFIO_DEVICE_RESET ? device_reset(d, order) : hot_reset(d);
	/* The kernel offered a bus reset it then could not do for this function alone
	 * (ENOTTY: e.g. a slot without a reset op): the group-wide hot reset may. */
	if (r == -ENOTTY && m == PG_RESET_BUS && how == PG_VFIO_DEVICE_RESET && d->hot_reset) {
		how = PG_VFIO_HOT_RESET;
		r = hot_reset(d);
	}
	pg_vfio_log(d, r < 0 ? LOG_WARNING : LOG_INFO, "reset (%s%s%s): %s",
		    how == PG_VFIO_DEVICE_RESET ? "VFIO_DEVICE_RESET" : "hot reset",
		    order[0] ? ", reset_method " : "", order, r < 0 ? strerror(-r) : "done");
	return r;
}

/*
 * The allowed methods one at a time, in order, so that *used is the method that really
 * reset the function (the kernel does not say which entry of a longer reset_method list
 * worked). A method the kernel cannot carry out (-ENOTTY, -EOPNOTSUPP) moves on to the
 * next; any other error stops. Interrupts are dropped first: a reset leaves MSI/MSI-X
 * disabled as far as the mediator is concerned (it reinitialises its virtual registers),
 * so the kernel's routes go too, device and mediator agree, and the guest re-enables
 * through the mediator.
 */
static int do_reset(struct pg_vfio_dev *d, const enum pg_reset_method *methods, unsigned n,
		    enum pg_reset_method *used)
{
	int r = -EOPNOTSUPP;

	if (d->irq_on >= 0)
		(void)irq_disable(d, (unsigned)d->irq_on);
	d->mmap_checked = false; /* a reset clears Memory decode */
	d->touched = true;
	for (unsigned i = 0; i < n && i < PG_RESET_MAX_METHODS; i++) {
		r = reset_one(d, methods[i]);
		if (r == 0) {
			if (used)
				*used = methods[i];
			return 0;
		}
		if (r != -ENOTTY && r != -EOPNOTSUPP)
			return r;
	}
	return -EOPNOTSUPP;
}

int pg_vfio_backend_reset(struct pg_backend *be, const enum pg_reset_method *methods,
			  unsigned n, enum pg_reset_method *used)
{
	return do_reset(pg_backend_priv(be), methods, n, used);
}

/* ---- quiesce, info, MSI-X decision -------------------------------------------------- */

/* Bus Master off in the config region; 0 when it already was. */
static int bus_master_off(struct pg_vfio_dev *d)
{
	uint64_t cmd = 0;
	int s = pg_vfio_region_rw(d, PG_VFIO_CFG_REGION, 0x04, 2, &cmd, false);

	if (s == 0 && (cmd & 0x4)) {
		cmd &= ~0x4ull; /* no DMA, no MSI from here on */
		s = pg_vfio_region_rw(d, PG_VFIO_CFG_REGION, 0x04, 2, &cmd, true);
	}
	return s;
}

int pg_vfio_quiesce_dev(struct pg_vfio_dev *d)
{
	int r = 0, s;

	if (!d || d->device < 0)
		return 0;
	for (unsigned t = 0; t < PG_VFIO_NUM_IRQ_TYPES; t++) {
		s = set_irqs(d, t, 0, 0, NULL);
		if (s < 0 && s != -EINVAL && !r)
			r = s; /* EINVAL: a type the device does not have */
	}
	d->irq_on = -1;
	s = bus_master_off(d);
	if (s < 0 && !r)
		r = s;
	/* Only the methods the owner allowed (the policy's list; none: no reset). */
	if (d->nquiesce) {
		s = do_reset(d, d->quiesce, d->nquiesce, NULL);
		if (s < 0 && s != -EOPNOTSUPP && !r)
			r = s;
		s = bus_master_off(d); /* a reset may restore a saved Command */
		if (s < 0 && !r)
			r = s;
	}
	pg_vfio_unmap_all_dev(d);
	return r;
}

int pg_vfio_set_quiesce_resets(struct pg_backend *be, const enum pg_reset_method *methods,
			       unsigned n)
{
	struct pg_vfio_dev *d = pg_vfio_dev(be);

	if (!d || n > PG_RESET_MAX_METHODS || (n && !methods))
		return -EINVAL;
	for (unsigned i = 0; i < n; i++)
		if ((unsigned)methods[i] >= PG_RESET__COUNT ||
		    (methods[i] == PG_RESET_ANY && n != 1))
			return -EINVAL;
	for (unsigned i = 0; i < n; i++)
		d->quiesce[i] = methods[i];
	d->nquiesce = n;
	return 0;
}

int pg_vfio_quiesce(struct pg_backend *be)
{
	struct pg_vfio_dev *d = pg_vfio_dev(be);

	return d ? pg_vfio_quiesce_dev(d) : -EINVAL;
}

int pg_vfio_info(struct pg_backend *be, struct pg_vfio_info *ret)
{
	struct pg_vfio_dev *d = pg_vfio_dev(be);
	struct pg_vfio_info i;

	if (!d || !ret)
		return -EINVAL;
	memset(&i, 0, sizeof(i));
	i.group = d->group_id;
	i.reset = d->dev_flags & VFIO_DEVICE_FLAGS_RESET;
	i.hot_reset = d->hot_reset;
	i.irq_remap = d->irq_remap;
	i.irq_remap_why = d->irq_remap_why;
	for (unsigned t = 0; t < PG_VFIO_NUM_IRQ_TYPES; t++)
		i.irq_count[t] = d->irq_count[t];
	for (unsigned r = 0; r <= PG_VFIO_ROM_REGION; r++) {
		if (d->regions[r].msix_mappable)
			i.msix_mappable |= (uint8_t)(1u << r);
		if (d->regions[r].map)
			i.mmap_regions |= (uint8_t)(1u << r);
	}
	memcpy(i.reset_method, d->reset_method, sizeof(i.reset_method));
	*ret = i;
	return 0;
}

int pg_vfio_region(struct pg_backend *be, unsigned index, struct pg_vfio_region_desc *ret)
{
	struct pg_vfio_dev *d = pg_vfio_dev(be);

	if (!d || !ret || index > PG_VFIO_CFG_REGION)
		return -EINVAL;
	ret->fd = d->device;
	ret->offset = d->regions[index].offset;
	ret->size = d->regions[index].size;
	ret->flags = d->regions[index].flags;
	return 0;
}

/* BIR of the MSI-X table. */
static int msix_bir(struct pg_vfio_dev *d)
{
	uint64_t tbl = 0;
	int p = pg_vfio_find_cap(d, 0x11);

	if (p < 0 || pg_vfio_region_rw(d, PG_VFIO_CFG_REGION, (uint16_t)(p + 4), 4, &tbl, false) < 0)
		return -ENOENT;
	return (int)(tbl & 7);
}

bool pg_vfio_msix_direct_map(struct pg_backend *be, const struct pg_mediator *m,
			     const char **why)
{
	struct pg_vfio_dev *d = pg_vfio_dev(be);
	const char *w = NULL;
	int bir;
	bool ok = false;

	if (!d || !m) {
		w = "not a vfio device";
	} else if (!pg_mediator_msix_table_mappable(m, d->irq_remap, &w)) {
		/* the mediator's reason (no MSI-X, policy, no isolation) */
	} else if ((bir = msix_bir(d)) < 0 || bir >= (int)PG_VFIO_ROM_REGION) {
		w = "the device has no MSI-X table in a BAR: nothing to map";
	} else if (!d->regions[bir].msix_mappable) {
		w = "the kernel does not report VFIO_REGION_INFO_CAP_MSIX_MAPPABLE for the "
		    "table's BAR: the table and PBA pages are trapped";
	} else if (!d->irq_remap) {
		w = "interrupt remapping is off: the table and PBA pages are trapped";
	} else {
		ok = true;
		w = "mediator allows it, the kernel reports MSIX_MAPPABLE and interrupt "
		    "remapping is on: the table pages may be mapped directly";
	}
	if (why)
		*why = w ? w : "";
	return ok;
}
