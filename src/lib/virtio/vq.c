/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Virtqueue state shared by both ring formats, off the data path: fault recording (a
 * broken queue stays broken: virtio 1.2 §2.1 DEVICE_NEEDS_RESET is the device's way out,
 * a hostile one never takes it), the used-len fault policy, accessors. The data path and
 * queue creation are in ring.c.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "virtio-private.h"

static const char *const fault_names[PG_VQ_FAULT__COUNT] = {
	[PG_VQ_OK] = "ok",
	[PG_VQ_FAULT_USED_IDX] = "used-idx-range",
	[PG_VQ_FAULT_ID_RANGE] = "id-range",
	[PG_VQ_FAULT_ID_NOT_IN_FLIGHT] = "id-not-in-flight",
	[PG_VQ_FAULT_ID_ORDER] = "id-out-of-order",
	[PG_VQ_FAULT_LEN] = "len-too-large",
	[PG_VQ_FAULT_WRAP] = "packed-wrap",
	[PG_VQ_FAULT_USED_IDLE] = "used-while-idle",
	[PG_VQ_FAULT_DESC_FLAGS] = "device-desc-flags",
	[PG_VQ_FAULT_CONFIG] = "config-unstable",
	[PG_VQ_FAULT_TRANSPORT] = "transport",
};

const char *pg_vq_fault_name(enum pg_vq_fault f)
{
	if ((unsigned)f >= PG_VQ_FAULT__COUNT)
		return "invalid";
	return fault_names[f];
}

static const char *layout_name(const struct pg_vq *vq)
{
	return vq->split ? "split" : "packed";
}

int pg_vq_fail(struct pg_vq *vq, enum pg_vq_fault f, uint64_t value, uint64_t limit,
	       const char *detail)
{
	if (vq->broken)
		return -EIO;
	vq->broken = true;
	vq->fault = f;
	vq->fault_value = value;
	vq->fault_limit = limit;
	pg_virtio_emit(vq->cfg.audit, vq->cfg.audit_data, vq->cfg.device, vq->cfg.index,
		       layout_name(vq), f, PG_VQ_BROKEN, value, limit, detail);
	return -EIO;
}

int64_t pg_vq_len_fault(struct pg_vq *vq, uint32_t len, uint32_t writable)
{
	/* The device claims to have written more than the buffer holds (docs/virtio.md G3): a
	 * consumer trusting it would read past the buffer. Linux reverted rejecting this
	 * because real devices get it wrong, so clamping is the default. */
	if (vq->cfg.len_policy == PG_VQ_LEN_REJECT)
		return pg_vq_fail(vq, PG_VQ_FAULT_LEN, len, writable,
				  "used len larger than the buffer's writable bytes");
	if (!vq->clamped)
		pg_virtio_emit(vq->cfg.audit, vq->cfg.audit_data, vq->cfg.device, vq->cfg.index,
			       layout_name(vq), PG_VQ_FAULT_LEN, PG_VQ_CLAMPED, len, writable,
			       "used len clamped to the buffer's writable bytes");
	vq->clamped++;
	return writable;
}

int pg_vq_fifo_find(const struct pg_vq *vq, uint16_t id)
{
	/* Bounded by the buffers in flight, at most num. */
	for (unsigned k = 0; k < vq->in_flight; k++) {
		unsigned slot = (vq->fifo_head + k) % vq->num;

		if (vq->fifo[slot] == id)
			return (int)k;
	}
	return -1;
}

void pg_vq_free(struct pg_vq *vq)
{
	if (!vq)
		return;
	free(vq->buf);
	free(vq->link);
	free(vq->dflags);
	free(vq->fifo);
	free(vq->chain);
	free(vq);
}

void pg_vq_addrs(const struct pg_vq *vq, uint64_t *desc, uint64_t *driver, uint64_t *device)
{
	if (desc)
		*desc = vq->desc_addr;
	if (driver)
		*driver = vq->drv_addr;
	if (device)
		*device = vq->dev_addr;
}

unsigned pg_vq_in_flight(const struct pg_vq *vq)
{
	return vq->in_flight;
}

enum pg_vq_fault pg_vq_fault(const struct pg_vq *vq, uint64_t *value, uint64_t *limit)
{
	if (value)
		*value = vq->fault_value;
	if (limit)
		*limit = vq->fault_limit;
	return vq->fault;
}

bool pg_vq_broken(const struct pg_vq *vq)
{
	return vq->broken;
}

uint64_t pg_vq_clamped(const struct pg_vq *vq)
{
	return vq->clamped;
}
