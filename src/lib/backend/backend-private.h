/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Internal helpers shared by the backend implementations (model.c, sysfs.c).
 */
#ifndef PG_BACKEND_PRIVATE_H
#define PG_BACKEND_PRIVATE_H

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>

#include <pcigate/backend.h>

/* The handle behind the opaque struct pg_backend (backend.c): here so that the trusted
 * update below can be inlined into the mediator's executor. Nothing else outside backend.c
 * touches it. */
struct pg_backend {
	const struct pg_backend_ops *ops; /* borrowed, outlives the backend */
	void *priv;                       /* owned: ops->destroy at close */
	uint16_t cfg_len;
	char name[64];
};

/*
 * pg_backend_cfg_update() without its geometry check, for a caller that has made the same
 * check itself: size 1, 2 or 4, off aligned to size, off + size within the backend's
 * cfg_len (pg_backend_cfg_len()). Only the mediator's decide-and-act path
 * (pg_mediator_cfg_write()) uses it, for config effects it built from its own register
 * rows, which pg_regtable_add() validated against that same length at compile time (and
 * narrowed to naturally aligned pieces of a row). Never for geometry a caller handed in:
 * decisions given to pg_mediator_apply() go through the checked call. The ops are called
 * as the checked call would: -EROFS without cfg_write, the written value masked to size.
 * Inline: it runs on every guest config write that reaches the hardware.
 */
static inline int pg_backend_cfg_update_trusted(struct pg_backend *be, uint16_t off,
						uint8_t size, uint32_t value, uint32_t mask)
{
	static const uint32_t all_of[8] = { 0, 0xffu, 0xffffu, 0xffffffu, UINT32_MAX };
	const struct pg_backend_ops *ops = be->ops; /* fixed for the backend's life */
	uint32_t all = all_of[size & 7u], cur; /* size is 1, 2 or 4 (checked by the caller) */
	int r;

	if (!ops->cfg_write)
		return -EROFS;
	mask &= all;
	if (mask == all)
		return ops->cfg_write(be, off, size, value & all);
	r = ops->cfg_read(be, off, size, &cur);
	if (r < 0)
		return r;
	return ops->cfg_write(be, off, size, ((cur & ~mask) | (value & mask)) & all);
}

/*
 * pg_backend_cfg_read() without its geometry check, for the same callers and on the same
 * terms as pg_backend_cfg_update_trusted() above: the mediator's guest read
 * (pg_mediator_cfg_read()), whose access_ok() has already required size 1, 2 or 4 within
 * one dword and within its cfg_len (the snapshot's length, never more than the backend's),
 * and which calls this only for an access aligned to its size (an unaligned one goes byte
 * by byte). The op is called as the checked call would, and bits beyond the access are
 * still cut (an implementation must not leak them upward). Inline: it runs on every guest
 * read of a device-owned register (issue 9's cost of the mediated read).
 */
static inline int pg_backend_cfg_read_trusted(struct pg_backend *be, uint16_t off,
					      uint8_t size, uint32_t *val)
{
	static const uint32_t all_of[8] = { 0, 0xffu, 0xffffu, 0xffffffu, UINT32_MAX };
	uint32_t v = 0;
	int r = be->ops->cfg_read(be, off, size, &v);

	if (r < 0)
		return r;
	*val = v & all_of[size & 7u];
	return 0;
}

/* Little-endian load/store of n (1..8) bytes: config space and BARs are little endian
 * whatever the host is. */
static inline uint64_t pg_le_load(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;

	for (unsigned i = n; i-- > 0;)
		v = v << 8 | p[i];
	return v;
}

static inline void pg_le_store(uint8_t *p, unsigned n, uint64_t v)
{
	for (unsigned i = 0; i < n; i++, v >>= 8)
		p[i] = (uint8_t)v;
}

/* Memory BAR access of exactly size (1, 2, 4, 8) bytes: one volatile load or store, as a
 * driver's readl()/writel() would do, never a byte-wise copy that splits a register
 * access (shared by the sysfs and vfio backends' mappings). */
static inline uint64_t pg_mmio_read(volatile uint8_t *p, uint8_t size)
{
	switch (size) {
	case 1: return *p;
	case 2: return *(volatile uint16_t *)(volatile void *)p;
	case 4: return *(volatile uint32_t *)(volatile void *)p;
	default: return *(volatile uint64_t *)(volatile void *)p;
	}
}

static inline void pg_mmio_write(volatile uint8_t *p, uint8_t size, uint64_t v)
{
	switch (size) {
	case 1: *p = (uint8_t)v; break;
	case 2: *(volatile uint16_t *)(volatile void *)p = (uint16_t)v; break;
	case 4: *(volatile uint32_t *)(volatile void *)p = (uint32_t)v; break;
	default: *(volatile uint64_t *)(volatile void *)p = v; break;
	}
}

/*
 * pg_backend_model_new() with an error report: on -EINVAL for an annotation that does not
 * fit the device (e.g. a size for a BAR the header does not have), err names the dump
 * line of the device and the reason. err may be NULL.
 */
int pg_model_new_err(const struct pg_dump_dev *dev, const char *name, struct pg_backend **ret,
		     struct pg_dump_error *err) __attribute__((warn_unused_result));

/* ---- vfio (vfio.c: open, regions, config/BAR ops; vfio-ctl.c: IRQ, reset, DMA) ---------- */

#define PG_VFIO_NUM_REGIONS 9u   /* BAR0-5, ROM, config, VGA (VFIO_PCI_NUM_REGIONS) */
#define PG_VFIO_CFG_REGION 7u
#define PG_VFIO_ROM_REGION 6u
#define PG_VFIO_NUM_IRQ_TYPES 3u /* INTx, MSI, MSI-X */

struct pg_vfio_region {
	uint64_t size, offset;      /* within the device fd */
	uint32_t flags;             /* VFIO_REGION_INFO_FLAG_* */
	bool msix_mappable;         /* VFIO_REGION_INFO_CAP_MSIX_MAPPABLE */
	bool sparse;                /* VFIO_REGION_INFO_CAP_SPARSE_MMAP: only parts mmappable */
	volatile uint8_t *map;      /* whole-region mapping, NULL: pread/pwrite */
};

struct pg_vfio_dma {
	uint64_t iova, size, vaddr;
	uint64_t token;             /* the caller's identity of the memory; 0: none */
};

/* IOVA window the IOMMU accepts (VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE). */
struct pg_vfio_range {
	uint64_t start, end;        /* inclusive */
};
#define PG_VFIO_MAX_RANGES 8u

struct pg_vfio_dev {
	int container, group, device;
	int group_id;
	char bdf[13];
	char root[256];             /* sysfs root */
	uint32_t dev_flags;
	struct pg_vfio_region regions[PG_VFIO_NUM_REGIONS];
	struct pg_bar_info bars[PG_CFG_NUM_BARS]; /* at open: BARs 0..5 and the ROM */
	uint32_t irq_count[PG_VFIO_NUM_IRQ_TYPES];
	int irq_on;                 /* enabled type (enum pg_vfio_irq) or -1 */
	uint32_t irq_on_count;      /* vectors enabled for irq_on */
	uint64_t pgsize;            /* smallest IOMMU page */
	struct pg_vfio_range ranges[PG_VFIO_MAX_RANGES];
	unsigned nranges;           /* 0: the IOMMU reported no ranges (no check) */
	struct pg_vfio_dma dma[PG_VFIO_MAX_DMA];
	unsigned ndma;
	bool hot_reset;            /* a hot reset would affect only our group */
	uint16_t pm_cap;           /* PM capability offset, 0 when none */
	bool unmap_all;            /* the kernel has VFIO_DMA_UNMAP_FLAG_ALL */
	enum pg_reset_method quiesce[PG_RESET_MAX_METHODS]; /* resets quiescing may use */
	unsigned nquiesce;         /* default 1 (ANY); 0: quiescing never resets */
	bool touched;              /* written, reset, IRQ or DMA set up: quiesce at close */
	bool mmap_checked;         /* mmap_ok is current (cleared by config writes, resets) */
	bool mmap_ok;              /* Memory decode on and in D0: mappings may be touched */
	bool irq_remap;
	const char *irq_remap_why;
	char reset_method[64];
	int rm_fd;                  /* reset_method, open for narrowing the order; -1: none */
	int req_fd;                 /* eventfd of the kernel's device request; -1: none */
	pg_vfio_log_fn log;
	void *log_data;
};

struct pg_vfio_dev *pg_vfio_dev(struct pg_backend *be);
/* Read or write size (1, 2, 4, 8) bytes at off of region idx (mapping or pread/pwrite). */
int pg_vfio_region_rw(struct pg_vfio_dev *d, unsigned idx, uint64_t off, uint8_t size,
		      uint64_t *val, bool write) __attribute__((warn_unused_result));
/* Offset of standard capability id (bounded walk of the config region), or -ENOENT. */
int pg_vfio_find_cap(struct pg_vfio_dev *d, uint8_t id);
/* The backend's reset op and pg_vfio_quiesce() on the private state (vfio-ctl.c). */
int pg_vfio_backend_reset(struct pg_backend *be, const enum pg_reset_method *methods,
			  unsigned n, enum pg_reset_method *used);
int pg_vfio_quiesce_dev(struct pg_vfio_dev *d);
void pg_vfio_log(const struct pg_vfio_dev *d, int level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* reset_method into d (vfio-host.c; kept open for narrowing when writable). The group,
 * its members, drivers and interrupt remapping come from the topology module. */
void pg_vfio_read_reset_method(struct pg_vfio_dev *d);
/* Format err->msg (err may be NULL) and return rc: the open/assign refusals. */
int pg_vfio_fail(struct pg_vfio_error *err, int rc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Every DMA mapping removed, ours and the container's (vfio-dma.c; failures logged). */
void pg_vfio_unmap_all_dev(struct pg_vfio_dev *d);
/* The bookkeeping of pg_vfio_dma_sync() (pure): validate the new table r[0..n) and say
 * which current mappings stay (bit i of *keep: d->dma[i]) and which entries must be
 * mapped (bit j of *map: r[j]). Errors as pg_vfio_dma_sync(). */
int pg_vfio_dma_plan(const struct pg_vfio_dev *d, const struct pg_vfio_dma_region *r,
		     unsigned n, uint64_t *keep, uint64_t *map) __attribute__((warn_unused_result));
/* Validate a new DMA mapping against the table and the IOMMU's limits (pure; see
 * pg_vfio_dma_map() for the errors). */
int pg_vfio_dma_check(const struct pg_vfio_dev *d, uint64_t iova, uint64_t vaddr,
		      uint64_t size) __attribute__((warn_unused_result));

/* The reset ladder: how the device is reset for a list of allowed methods. */
enum pg_vfio_reset_how {
	PG_VFIO_DEVICE_RESET = 1,   /* VFIO_DEVICE_RESET (the kernel's reset_method order) */
	PG_VFIO_HOT_RESET,          /* VFIO_DEVICE_PCI_HOT_RESET (secondary bus reset) */
};
/* Plan a reset for methods[0..n) (validated by pg_backend_reset_list()) on a device with
 * these facts (pure): 0 with *how, *first (the method the kernel tries first, ANY for ANY)
 * and order (the reset_method text to use for the reset, "" to leave it), or -EOPNOTSUPP,
 * -EINVAL (an unknown method). */
int pg_vfio_reset_plan(const enum pg_reset_method *methods, unsigned n, bool device_reset,
		       bool hot_reset, bool can_reorder, const char *reset_method, char *order,
		       size_t size, enum pg_vfio_reset_how *how, enum pg_reset_method *first)
	__attribute__((warn_unused_result));

/*
 * Reset the sysfs device whose directory is dirfd with the first of methods[0..n) (a list
 * pg_backend_reset_list() validated) the kernel offers, honouring the order through the
 * reset_method file (sysfs-reset.c). @return 0 (*used set), -EOPNOTSUPP (no reset file,
 * or named methods without a reset_method file or none offered), -EIO, -errno.
 */
/*
 * The reset_method text to write: the kernel names of methods[0..n) that the offered list
 * (the reset_method content) holds, in the methods' order, space-separated, into out.
 * *first is the first method written. @return 0, -EOPNOTSUPP (none offered), -EIO (out too
 * small).
 */
int pg_sysfs_reset_order(const char *offered, const enum pg_reset_method *methods, unsigned n,
			 char *out, size_t size, enum pg_reset_method *first)
	__attribute__((warn_unused_result));
int pg_sysfs_reset_at(int dirfd, const enum pg_reset_method *methods, unsigned n,
		      enum pg_reset_method *used) __attribute__((warn_unused_result));
/* Read config [0, cfg_len) of be into buf (at least cfg_len bytes) the way
 * pg_backend_snapshot() does: in bulk when the backend can. */
int pg_backend_read_cfg(struct pg_backend *be, uint8_t *buf) __attribute__((warn_unused_result));

#endif
