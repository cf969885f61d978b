/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The vfio backend's DMA mappings (VFIO_IOMMU_MAP_DMA / UNMAP_DMA on the type1 container):
 * one at a time (pg_vfio_dma_map()), or a whole table kept in step with the VMM's guest
 * RAM (pg_vfio_dma_sync(): what is unchanged stays mapped, so a SYNC_SYSMEM that QEMU
 * re-sends after every memory-topology change costs no unmap/pin cycle of all guest RAM).
 *
 * Threat: the VMM chooses the ranges. Every one is checked against the IOMMU's smallest
 * page and IOVA ranges and against overlap, before any ioctl sees it; a table that fails
 * anywhere leaves nothing mapped (fail closed). A mapping is kept only when the caller
 * names the same memory (iova, size, vaddr and a non-zero identity token all equal): a
 * new mmap may reuse an old address for other pages, so an address alone proves nothing.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <syslog.h>

#include <linux/vfio.h>

#include <pcigate/backend.h>

#include "backend-private.h"

/* Alignment to the IOMMU's smallest page, no wrap, inside its IOVA ranges. */
static int check_shape(const struct pg_vfio_dev *d, uint64_t iova, uint64_t vaddr,
		       uint64_t size)
{
	uint64_t last;
	bool in_range = d->nranges == 0;

	if (!size || !d->pgsize || (iova | vaddr | size) & (d->pgsize - 1))
		return -EINVAL;
	if (iova > UINT64_MAX - (size - 1) || vaddr > UINT64_MAX - (size - 1))
		return -EINVAL;
	last = iova + (size - 1);
	for (unsigned i = 0; i < d->nranges && i < PG_VFIO_MAX_RANGES; i++)
		if (iova >= d->ranges[i].start && last <= d->ranges[i].end)
			in_range = true;
	return in_range ? 0 : -ERANGE;
}

/* [a, a + as) and [b, b + bs) share a byte (both non-empty, neither wraps). */
static bool overlap(uint64_t a, uint64_t as, uint64_t b, uint64_t bs)
{
	return a <= b + (bs - 1) && b <= a + (as - 1);
}

int pg_vfio_dma_check(const struct pg_vfio_dev *d, uint64_t iova, uint64_t vaddr,
		      uint64_t size)
{
	int r = check_shape(d, iova, vaddr, size);

	if (r < 0)
		return r;
	for (unsigned i = 0; i < d->ndma && i < PG_VFIO_MAX_DMA; i++)
		if (overlap(iova, size, d->dma[i].iova, d->dma[i].size))
			return -EEXIST;
	return d->ndma >= PG_VFIO_MAX_DMA ? -ENOSPC : 0;
}

/* The current mapping equal to entry e, or -1. */
static int same_mapping(const struct pg_vfio_dev *d, const struct pg_vfio_dma_region *e)
{
	for (unsigned i = 0; i < d->ndma && i < PG_VFIO_MAX_DMA; i++) {
		const struct pg_vfio_dma *m = &d->dma[i];

		if (e->token && m->token == e->token && m->iova == e->iova &&
		    m->size == e->size && m->vaddr == (uint64_t)(uintptr_t)e->vaddr)
			return (int)i;
	}
	return -1;
}

int pg_vfio_dma_plan(const struct pg_vfio_dev *d, const struct pg_vfio_dma_region *r,
		     unsigned n, uint64_t *keep, uint64_t *map)
{
	_Static_assert(PG_VFIO_MAX_DMA <= 64, "one mask bit per mapping");
	uint64_t k = 0, m = 0;
	int rc;

	if (n > PG_VFIO_MAX_DMA)
		return -ENOSPC;
	if (n && !r)
		return -EINVAL;
	for (unsigned j = 0; j < n; j++) {
		int i;

		rc = check_shape(d, r[j].iova, (uint64_t)(uintptr_t)r[j].vaddr, r[j].size);
		if (rc < 0)
			return rc;
		for (unsigned o = 0; o < j; o++)
			if (overlap(r[j].iova, r[j].size, r[o].iova, r[o].size))
				return -EEXIST;
		i = same_mapping(d, &r[j]);
		if (i >= 0 && !(k >> i & 1))
			k |= 1ull << i;
		else
			m |= 1ull << j;
	}
	*keep = k;
	*map = m;
	return 0;
}

static int map_one(struct pg_vfio_dev *d, uint64_t iova, uint64_t vaddr, uint64_t size,
		   unsigned flags, uint64_t token)
{
	struct vfio_iommu_type1_dma_map map = { .argsz = sizeof(map) };

	map.flags = VFIO_DMA_MAP_FLAG_READ |
		    (flags & PG_VFIO_DMA_READONLY ? 0 : VFIO_DMA_MAP_FLAG_WRITE);
	map.vaddr = vaddr;
	map.iova = iova;
	map.size = size;
	if (ioctl(d->container, VFIO_IOMMU_MAP_DMA, &map) < 0)
		return -errno;
	d->touched = true;
	d->dma[d->ndma++] = (struct pg_vfio_dma){ iova, size, vaddr, token };
	return 0;
}

int pg_vfio_dma_map(struct pg_backend *be, uint64_t iova, void *vaddr, uint64_t size,
		    unsigned flags)
{
	struct pg_vfio_dev *d = pg_vfio_dev(be);
	int r;

	if (!d || (flags & ~PG_VFIO_DMA_READONLY))
		return -EINVAL;
	r = pg_vfio_dma_check(d, iova, (uint64_t)(uintptr_t)vaddr, size);
	if (r < 0)
		return r;
	return map_one(d, iova, (uint64_t)(uintptr_t)vaddr, size, flags, 0);
}

static int unmap_one(struct pg_vfio_dev *d, unsigned i)
{
	struct vfio_iommu_type1_dma_unmap um = { .argsz = sizeof(um) };
	int r = 0;

	um.iova = d->dma[i].iova;
	um.size = d->dma[i].size;
	if (ioctl(d->container, VFIO_IOMMU_UNMAP_DMA, &um) < 0)
		r = -errno;
	/* Forget it either way: closing the container removes whatever is left. */
	d->dma[i] = d->dma[--d->ndma];
	return r;
}

int pg_vfio_dma_unmap(struct pg_backend *be, uint64_t iova, uint64_t size)
{
	struct pg_vfio_dev *d = pg_vfio_dev(be);

	if (!d)
		return -EINVAL;
	for (unsigned i = 0; i < d->ndma; i++)
		if (d->dma[i].iova == iova && d->dma[i].size == size)
			return unmap_one(d, i);
	return -ENOENT;
}

/*
 * Our own mappings, then a sweep of the whole container: a process that shares the
 * container (a server forked from a launcher) may have mapped more, and after it died only
 * the sweep removes those (VFIO_DMA_UNMAP_FLAG_ALL, Linux 5.13+; else the whole IOVA space
 * as one range, which type1 accepts for every mapping wholly inside it).
 */
void pg_vfio_unmap_all_dev(struct pg_vfio_dev *d)
{
	struct vfio_iommu_type1_dma_unmap um = { .argsz = sizeof(um) };

	while (d->ndma) {
		int r = unmap_one(d, d->ndma - 1);

		if (r < 0)
			pg_vfio_log(d, LOG_WARNING, "VFIO_IOMMU_UNMAP_DMA: %s", strerror(-r));
	}
	if (d->container < 0)
		return;
	if (d->unmap_all) {
		um.flags = VFIO_DMA_UNMAP_FLAG_ALL;
	} else {
		um.iova = 0;
		um.size = UINT64_MAX & ~(d->pgsize ? d->pgsize - 1 : 4095);
	}
	if (ioctl(d->container, VFIO_IOMMU_UNMAP_DMA, &um) < 0)
		pg_vfio_log(d, LOG_WARNING, "VFIO_IOMMU_UNMAP_DMA (all): %s", strerror(errno));
}

void pg_vfio_dma_unmap_all(struct pg_backend *be)
{
	struct pg_vfio_dev *d = pg_vfio_dev(be);

	if (d)
		pg_vfio_unmap_all_dev(d);
}


/*
 * Removed mappings go first (from the end of the table: unmap_one() moves the last entry
 * into the freed slot, and every entry above the cursor has been decided already), so the
 * new ones never meet an overlap with memory the VMM took away.
 */
int pg_vfio_dma_sync(struct pg_backend *be, const struct pg_vfio_dma_region *r, unsigned n,
		     unsigned *kept, unsigned *mapped)
{
	struct pg_vfio_dev *d = pg_vfio_dev(be);
	uint64_t keep = 0, map = 0;
	unsigned nkept = 0, nmapped = 0;
	int rc;

	if (!d)
		return -EINVAL;
	rc = pg_vfio_dma_plan(d, r, n, &keep, &map);
	if (rc < 0)
		return rc;
	for (unsigned i = d->ndma; i-- > 0;) {
		if (keep >> i & 1) {
			nkept++;
			continue;
		}
		rc = unmap_one(d, i);
		if (rc < 0)
			pg_vfio_log(d, LOG_WARNING, "VFIO_IOMMU_UNMAP_DMA: %s", strerror(-rc));
	}
	for (unsigned j = 0; j < n; j++) {
		if (!(map >> j & 1))
			continue;
		rc = map_one(d, r[j].iova, (uint64_t)(uintptr_t)r[j].vaddr, r[j].size, 0,
			     r[j].token);
		if (rc < 0) {
			pg_vfio_unmap_all_dev(d);
			return rc;
		}
		nmapped++;
	}
	if (kept)
		*kept = nkept;
	if (mapped)
		*mapped = nmapped;
	return 0;
}
