/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A mediated device served over mpqemu (the frontend behind `pcigate serve`): the
 * pg_proto_handler ops implemented on top of the mediator.
 *
 * Decide, then act: every config and BAR access goes through the mediator, which was
 * built with QEMU 7.2's transport limits (a 32-bit view of 64-bit BARs, hiding what QEMU
 * cannot size or map) and, for a live device, its read-only executor (mediator.h); this
 * file adds only absolute-address BAR routing. Threat: the VMM is possibly compromised, so
 * a BAR address that matches no BAR is answered with all ones, never guessed.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include <pcigate/mediator.h>

#include "proto-private.h"

#define CMD_REG 0x04u
#define CMD_BUS_MASTER 0x0004u
#define CMD_DECODE 0x0003u     /* I/O and Memory Space */

struct pg_proto_dev {
	struct pg_mediator *med;
	struct pg_backend *be;
	unsigned flags;
	pg_proto_log_fn log;
	void *log_data;
	struct pg_sysmem *mem;
	struct pg_backend *vfio;               /* DMA mappings and INTx routing, or NULL */
	int irqfd, resamplefd;
	struct pg_proto_dev_stats st;
};

static void dlog(struct pg_proto_dev *d, int level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void dlog(struct pg_proto_dev *d, int level, const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	if (!d->log)
		return;
	va_start(ap, fmt);
	(void)vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	d->log(d->log_data, level, buf);
}

/* The guest view is the mediator's alone: QEMU 7.2's limits and the read-only mode are
 * options it was compiled with (mediator.h), so `pcigate view --transport qemu72` shows
 * what is served here. A mediator built without them would serve something else. */
static bool mediator_fits(const struct pg_mediator *m, unsigned flags)
{
	unsigned want = PG_MEDIATOR_TRANSPORT_QEMU72 |
			((flags & PG_PROTO_DEV_READONLY) ? PG_MEDIATOR_OPT_READONLY : 0);
	unsigned have = pg_mediator_options(m);

	return (have & want) == want &&
	       !!(have & PG_MEDIATOR_OPT_READONLY) == !!(flags & PG_PROTO_DEV_READONLY);
}

/* The vfio backend quiesces (also when it is closed) with the policy's reset methods. */
static int use_vfio(struct pg_proto_dev *dev, struct pg_backend *vfio)
{
	enum pg_reset_method order[PG_RESET_MAX_METHODS];
	int n = vfio ? pg_mediator_reset_methods(dev->med, order) : 0;

	if (n < 0)
		return n;
	if (vfio) {
		n = pg_vfio_set_quiesce_resets(vfio, order, (unsigned)n);
		if (n < 0)
			return n;
	}
	dev->vfio = vfio;
	return 0;
}

int pg_proto_dev_new(struct pg_mediator *m, struct pg_backend *be, unsigned flags,
		     pg_proto_log_fn log, void *log_data, struct pg_proto_dev **ret)
{
	struct pg_proto_dev *d;
	int rc;

	if (!m || !be || !ret || (flags & ~(PG_PROTO_DEV_READONLY | PG_PROTO_DEV_RESET_REQUIRED)) || !mediator_fits(m, flags))
		return -EINVAL;
	d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	*d = (struct pg_proto_dev){ .med = m, .be = be, .flags = flags, .log = log,
				    .log_data = log_data, .irqfd = -1, .resamplefd = -1 };
	rc = pg_backend_is_vfio(be) && !(flags & PG_PROTO_DEV_READONLY) ? use_vfio(d, be) : 0;
	if (rc == 0)
		rc = pg_sysmem_new(&d->mem);
	if (rc < 0) {
		free(d);
		return rc;
	}
	*ret = d;
	return 0;
}

static void close_irqfds(struct pg_proto_dev *d)
{
	if (d->irqfd >= 0)
		(void)close(d->irqfd);
	if (d->resamplefd >= 0)
		(void)close(d->resamplefd);
	d->irqfd = d->resamplefd = -1;
}

void pg_proto_dev_free(struct pg_proto_dev *dev)
{
	if (!dev)
		return;
	close_irqfds(dev);
	pg_sysmem_free(dev->mem);
	free(dev);
}

struct pg_sysmem *pg_proto_dev_sysmem(struct pg_proto_dev *dev)
{
	return dev ? dev->mem : NULL;
}

void pg_proto_dev_stats(const struct pg_proto_dev *dev, struct pg_proto_dev_stats *ret)
{
	if (dev && ret)
		*ret = dev->st;
}

static int dev_cfg_read(void *ctx, uint16_t addr, uint8_t len, uint32_t *val)
{
	struct pg_proto_dev *d = ctx;

	d->st.cfg_reads++;
	/* Past the device's config (a dump of 64 bytes, as `lspci -x` prints): the guest's
	 * 256-byte space still has these bytes; they read the mediator's fixed byte, as in
	 * `pcigate view`, instead of failing the message and closing the connection. */
	if ((uint32_t)addr + len > pg_backend_cfg_len(d->be)) {
		*val = PG_MEDIATOR_DENY_BYTE * (len == 4 ? 0x01010101u : len == 2 ? 0x0101u : 1u);
		return 0;
	}
	return pg_mediator_cfg_read(d->med, addr, len, val);
}

static int dev_cfg_write(void *ctx, uint16_t addr, uint8_t len, uint32_t val)
{
	struct pg_proto_dev *d = ctx;

	d->st.cfg_writes++;
	if ((uint32_t)addr + len > pg_backend_cfg_len(d->be)) {
		d->st.dropped++; /* past the device's config (see dev_cfg_read) */
		return 0;
	}
	return pg_mediator_cfg_write(d->med, addr, len, val);
}

/* Which BAR holds [addr, addr + size) in the guest view; -1 when none. A BAR decodes only
 * while the guest's Command register enables its space (Memory Space bit 1, I/O Space
 * bit 0; PCI Local Bus 3.0 §6.2.2): a compromised QEMU may send BAR messages whatever its
 * shadow says, and hardware would ignore them too. */
static int route(struct pg_proto_dev *d, uint64_t addr, uint8_t size, bool memory,
		 uint64_t *off)
{
	uint32_t cmd = 0;

	if (pg_mediator_cfg_read(d->med, CMD_REG, 2, &cmd) < 0 ||
	    !(cmd & (memory ? 0x2u : 0x1u))) {
		d->st.unrouted++;
		return -1;
	}
	for (unsigned i = 0; i < 6; i++) {
		struct pg_mediator_bar b;
		bool is_mem;

		if (pg_mediator_bar_guest(d->med, i, &b) < 0 || !b.size)
			continue;
		if (b.kind != PG_BAR_IO && b.kind != PG_BAR_MEM32 && b.kind != PG_BAR_MEM64)
			continue;
		is_mem = b.kind != PG_BAR_IO;
		if (is_mem != memory || addr < b.guest_addr || addr - b.guest_addr >= b.size ||
		    size > b.size - (addr - b.guest_addr))
			continue;
		*off = addr - b.guest_addr;
		return (int)i;
	}
	d->st.unrouted++;
	return -1;
}

/* A BAR the backend refuses to touch (-EPERM: not accessible) reads all ones and drops
 * writes: QEMU has no way to report an error to the guest. */
static int dev_bar_read(void *ctx, uint64_t addr, uint8_t size, bool memory, uint64_t *val)
{
	struct pg_proto_dev *d = ctx;
	uint64_t off;
	int bar, rc;

	d->st.bar_reads++;
	bar = route(d, addr, size, memory, &off);
	if (bar < 0) {
		*val = UINT64_MAX;
		return 0;
	}
	rc = pg_mediator_bar_read(d->med, (unsigned)bar, off, size, val);
	if (rc == -EPERM) {
		*val = UINT64_MAX;
		rc = 0;
	}
	return rc;
}

static int dev_bar_write(void *ctx, uint64_t addr, uint8_t size, bool memory, uint64_t val)
{
	struct pg_proto_dev *d = ctx;
	uint64_t off;
	int bar, rc;

	d->st.bar_writes++;
	bar = route(d, addr, size, memory, &off);
	if (bar < 0) {
		d->st.dropped++;
		return 0;
	}
	rc = pg_mediator_bar_write(d->med, (unsigned)bar, off, size, val);
	if (rc == -EPERM) {
		d->st.dropped++;
		rc = 0;
	}
	return rc;
}

/* VFIO: the device's INTx goes to QEMU's irqfd, its resample eventfd unmasks it. */
static int route_intx(struct pg_proto_dev *d)
{
	int rc;

	if (!d->vfio || d->irqfd < 0)
		return 0;
	rc = pg_vfio_irq_set(d->vfio, PG_VFIO_IRQ_INTX, 0, 1, &d->irqfd);
	if (rc == 0)
		rc = pg_vfio_irq_unmask_fd(d->vfio, d->resamplefd);
	if (rc < 0 && rc != -EINVAL) /* -EINVAL: the device has no INTx pin */
		dlog(d, LOG_ERR, "%s: routing INTx to QEMU's irqfd: %s", pg_mediator_name(d->med),
		     strerror(-rc));
	return rc == -EINVAL ? 0 : rc;
}

/*
 * A reset nobody can carry out: the guest's view already starts over (the mediator
 * reinitialised it: Command 0, MSI/MSI-X off), so the device is brought to match what
 * matters for safety, no DMA and no decode, without a reset. In the device-model profile
 * the decode bits are the host's (mediator.h), so only Bus Master goes.
 */
static int refused_reset_sync(struct pg_proto_dev *d)
{
	uint32_t mask = CMD_BUS_MASTER |
			(pg_mediator_profile(d->med) == PG_PROFILE_DEVICE_MODEL ? 0 : CMD_DECODE);

	int rc = 0;

	if (d->vfio) { /* count 0: off, if on (the proxy never turns them on itself) */
		rc = pg_vfio_irq_set(d->vfio, PG_VFIO_IRQ_MSI, 0, 0, NULL);
		if (rc == 0)
			rc = pg_vfio_irq_set(d->vfio, PG_VFIO_IRQ_MSIX, 0, 0, NULL);
	}
	return rc < 0 ? rc : pg_backend_cfg_update(d->be, CMD_REG, 2, 0, mask);
}

/*
 * QEMU sends DEVICE_RESET at every machine start and system reset, and ignores the reply's
 * value. A device with no reset method the policy allows (QEMU's edu has none at all)
 * would otherwise close the connection before the guest boots: such a refusal is audited
 * by the mediator ("reset:unsupported" / "reset:avoided"), logged, answered as a failed
 * operation and served on (PG_PROTO_REFUSED), unless the policy says a missing reset must
 * end the session (PG_PROTO_DEV_RESET_REQUIRED). Any other failure (the reset itself went
 * wrong) is a device failure.
 * READONLY: the mediator's read-only executor resets nothing and keeps the virtual
 * registers until the guest's firmware reprograms them (QEMU resets its own shadow, and
 * no BAR is routed before decode is enabled again).
 */
static int dev_reset(void *ctx)
{
	struct pg_proto_dev *d = ctx;
	int rc, r2;

	d->st.resets++;
	rc = pg_mediator_reset(d->med);
	if (rc == 0)
		return route_intx(d);
	if ((rc != -EPERM && rc != -EOPNOTSUPP) || (d->flags & PG_PROTO_DEV_RESET_REQUIRED)) {
		dlog(d, LOG_ERR, "%s: device reset refused: %s%s", pg_mediator_name(d->med),
		     strerror(-rc), (d->flags & PG_PROTO_DEV_RESET_REQUIRED) &&
		     (rc == -EPERM || rc == -EOPNOTSUPP) ? " (policy flag reset-required)" : "");
		return rc;
	}
	d->st.resets_refused++;
	r2 = refused_reset_sync(d);
	if (r2 == 0)
		r2 = route_intx(d);
	if (r2 < 0) {
		dlog(d, LOG_ERR, "%s: device reset refused (%s), and turning interrupts and Bus "
		     "Master off failed: %s", pg_mediator_name(d->med), rc == -EPERM ?
		     "the policy avoids every method" : "no allowed reset method", strerror(-r2));
		return r2;
	}
	dlog(d, LOG_WARNING, "%s: device reset refused (%s): the guest's view starts over, Bus "
	     "Master and decode are off on the device; serving on (policy flag reset-required would end "
	     "the session)", pg_mediator_name(d->med), rc == -EPERM ?
	     "the policy avoids every method" : "the device has no allowed reset method");
	return PG_PROTO_REFUSED;
}

/*
 * A VFIO device DMAs to guest memory through the IOMMU: the table is mapped at IOVA = GPA
 * (the proxy's guest sees no IOMMU in front of the device). QEMU re-sends the whole table
 * after every memory-topology change, so only what changed is unmapped and mapped
 * (pg_vfio_dma_sync(), keyed by the sysmem region ids): unchanged guest RAM stays pinned
 * and mapped. VFIO_IOMMU_MAP_DMA pins the pages, so a VMM that shrinks the file later
 * cannot pull them from under the device, and a region the kernel cannot pin (already
 * shrunk, out of the IOMMU's range) or a table the backend refuses (overlap, alignment)
 * fails the message: fail closed, with no half-mapped table left behind.
 */
static int dma_sync(struct pg_proto_dev *d)
{
	struct pg_vfio_dma_region r[PG_PROTO_MAX_FDS];
	unsigned n = pg_sysmem_count(d->mem), kept = 0, mapped = 0;
	int rc = 0;

	for (unsigned i = 0; rc == 0 && i < n && i < PG_PROTO_MAX_FDS; i++) {
		rc = pg_sysmem_region(d->mem, i, &r[i].iova, &r[i].size, &r[i].vaddr);
		r[i].token = pg_sysmem_region_id(d->mem, i);
		if (rc < 0)
			dlog(d, LOG_ERR, "%s: SYNC_SYSMEM: region %u cannot be mapped here: %s",
			     pg_mediator_name(d->med), i, strerror(-rc));
	}
	if (rc == 0) {
		rc = pg_vfio_dma_sync(d->vfio, r, n < PG_PROTO_MAX_FDS ? n : PG_PROTO_MAX_FDS,
				      &kept, &mapped);
		if (rc < 0)
			dlog(d, LOG_ERR, "%s: SYNC_SYSMEM: the table (%u regions) cannot be mapped "
			     "for DMA: %s", pg_mediator_name(d->med), n, strerror(-rc));
		else
			dlog(d, LOG_DEBUG, "%s: SYNC_SYSMEM: %u regions kept mapped, %u mapped",
			     pg_mediator_name(d->med), kept, mapped);
	}
	if (rc < 0)
		pg_vfio_dma_unmap_all(d->vfio);
	d->st.dma_kept += kept;
	d->st.dma_mapped += mapped;
	return rc;
}

static int dev_sync_sysmem(void *ctx, struct pg_proto_msg *msg)
{
	struct pg_proto_dev *d = ctx;
	struct pg_proto_error err = { 0, "" };
	int rc;

	d->st.sysmem++;
	rc = pg_sysmem_replace(d->mem, msg, &err);
	if (rc < 0)
		dlog(d, LOG_ERR, "%s: %s", pg_mediator_name(d->med), err.text);
	else if (d->vfio)
		rc = dma_sync(d);
	return rc;
}

static int dev_set_irqfd(void *ctx, struct pg_proto_msg *msg)
{
	struct pg_proto_dev *d = ctx;

	d->st.irqfd++;
	if (msg->nfds != 2)
		return -EPROTO; /* the decoder guarantees 2; never trust a caller-built message */
	close_irqfds(d);
	d->irqfd = msg->fds[0];
	d->resamplefd = msg->fds[1];
	msg->fds[0] = msg->fds[1] = -1;
	/* VFIO: the device's INTx fires QEMU's irqfd directly; QEMU's resample (EOI) eventfd
	 * unmasks it, as QEMU's own vfio-pci does with KVM. The proxy carries no MSI. */
	return route_intx(d);
}

static const struct pg_proto_handler dev_handler = {
	.cfg_read = dev_cfg_read,
	.cfg_write = dev_cfg_write,
	.bar_read = dev_bar_read,
	.bar_write = dev_bar_write,
	.reset = dev_reset,
	.sync_sysmem = dev_sync_sysmem,
	.set_irqfd = dev_set_irqfd,
};

const struct pg_proto_handler *pg_proto_dev_handler(void)
{
	return &dev_handler;
}

static int bus_master_off(struct pg_proto_dev *dev)
{
	uint32_t cmd;
	int rc = pg_backend_cfg_read(dev->be, CMD_REG, 2, &cmd);

	if (rc == 0 && (cmd & CMD_BUS_MASTER))
		rc = pg_backend_cfg_write(dev->be, CMD_REG, 2, cmd & ~(uint32_t)CMD_BUS_MASTER);
	return rc;
}

int pg_proto_dev_quiesce(struct pg_proto_dev *dev)
{
	enum pg_reset_method order[PG_RESET_MAX_METHODS];
	int rc, n;

	if (!dev)
		return -EINVAL;
	if (dev->flags & PG_PROTO_DEV_READONLY)
		return 0;
	/* VFIO: interrupts off, Bus Master off, a reset with the policy's methods (set when
	 * the backend was named), Bus Master off again, every DMA mapping gone. */
	if (dev->vfio)
		return pg_vfio_quiesce(dev->vfio);
	/* Straight to the backend: stopping DMA must not depend on what the guest view says.
	 * Bus Master goes off first (stop DMA now), then the reset, then off again: a reset
	 * may restore a state with Bus Master on (the model backend restores its dump). */
	rc = bus_master_off(dev);
	if (rc < 0)
		return rc;
	/* Only methods the policy allows; none allowed or none available: Bus Master off is
	 * what stops DMA, the reset only clears device state. */
	n = pg_mediator_reset_methods(dev->med, order);
	if (n < 0)
		return n;
	rc = n ? pg_backend_reset_list(dev->be, order, (unsigned)n, NULL) : 0;
	if (rc < 0 && rc != -EOPNOTSUPP)
		return rc;
	return bus_master_off(dev);
}


int pg_proto_dev_set_vfio(struct pg_proto_dev *dev, struct pg_backend *vfio)
{
	if (!dev || (vfio && !pg_backend_is_vfio(vfio)))
		return -EINVAL;
	if (dev->flags & PG_PROTO_DEV_READONLY)
		return -EROFS;
	return use_vfio(dev, vfio);
}
