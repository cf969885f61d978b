/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Virtqueue object shared by both ring formats: creation, the public entry points, fault
 * recording (a broken queue stays broken: virtio 1.2 §2.1 DEVICE_NEEDS_RESET is the device's
 * way out, a hostile one never takes it), the used-len policy and segment checks.
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

int pg_vq_check_len(struct pg_vq *vq, uint32_t id, uint32_t len, uint32_t *ret)
{
	uint32_t writable = vq->buf[id].writable;

	if (vq->cfg.len_policy == PG_VQ_LEN_IGNORE) {
		*ret = writable;
		return 0;
	}
	if (len <= writable) {
		*ret = len;
		return 0;
	}
	/* The device claims to have written more than the buffer holds (reference G3): a
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
	*ret = writable;
	return 0;
}

int pg_vq_check_segs(const struct pg_vq_seg *segs, unsigned nsegs, uint32_t *writable)
{
	uint64_t w = 0;
	bool seen_write = false;

	if (!segs || nsegs == 0 || nsegs > PG_VQ_MAX_SEGS)
		return -EINVAL;
	for (unsigned i = 0; i < nsegs; i++) {
		if (segs[i].write) {
			seen_write = true;
			w += segs[i].len;
		} else if (seen_write) {
			return -EINVAL; /* §2.7.4.2: readable descriptors come first */
		}
	}
	if (w > UINT32_MAX)
		return -EINVAL; /* used len is 32 bits: the bound must fit */
	*writable = (uint32_t)w;
	return 0;
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

static int check_num(const struct pg_vq_config *cfg)
{
	if (cfg->num == 0 || cfg->num > PG_VQ_MAX_SPLIT)
		return -EINVAL;
	if (cfg->layout == PG_VQ_SPLIT && (cfg->num & (cfg->num - 1u)))
		return -EINVAL; /* §2.7: split Queue Size is a power of 2 */
	if (cfg->layout != PG_VQ_SPLIT && cfg->layout != PG_VQ_PACKED)
		return -EINVAL;
	return 0; /* packed: any size up to 2^15 (§2.8), reference G6 */
}

static size_t ind_bytes(const struct pg_vq_config *cfg)
{
	return cfg->indirect ? (size_t)cfg->num * PG_VQ_MAX_SEGS * sizeof(struct vq_desc) : 0;
}

int pg_vq_ring_bytes(const struct pg_vq_config *cfg, size_t *ret)
{
	size_t ring;

	if (!cfg || !ret || check_num(cfg) < 0)
		return -EINVAL;
	ring = cfg->layout == PG_VQ_SPLIT ? pg_vq_split_bytes(cfg->num) :
	       pg_vq_packed_bytes(cfg->num);
	*ret = ring + ind_bytes(cfg);
	return 0;
}

int pg_vq_new(const struct pg_vq_config *cfg, struct pg_vq **ret)
{
	struct pg_vq *vq;
	size_t bytes;
	int rc;

	if (!cfg || !ret || !cfg->mem || ((uintptr_t)cfg->mem & 63u) || (cfg->device_addr & 15u))
		return -EINVAL;
	rc = pg_vq_ring_bytes(cfg, &bytes);
	if (rc < 0)
		return rc;
	vq = calloc(1, sizeof(*vq));
	if (!vq)
		return -ENOMEM;
	vq->cfg = *cfg;
	if (!vq->cfg.device)
		vq->cfg.device = "virtio";
	vq->num = cfg->num;
	vq->split = cfg->layout == PG_VQ_SPLIT;
	vq->buf = calloc(vq->num, sizeof(*vq->buf));
	vq->link = calloc(vq->num, sizeof(*vq->link));
	vq->dflags = calloc(vq->num, sizeof(*vq->dflags));
	vq->fifo = calloc(vq->num, sizeof(*vq->fifo));
	if (!vq->buf || !vq->link || !vq->dflags || !vq->fifo) {
		rc = -ENOMEM;
		goto out_free;
	}
	memset(cfg->mem, 0, bytes);
	if (cfg->indirect) {
		size_t ring = bytes - ind_bytes(cfg);

		vq->ind = (struct vq_desc *)((uint8_t *)cfg->mem + ring);
		vq->ind_addr = cfg->device_addr + ring;
	}
	vq->cb_enabled = true;
	rc = vq->split ? pg_vq_split_init(vq) : pg_vq_packed_init(vq);
	if (rc < 0)
		goto out_free;
	*ret = vq;
	return 0;
out_free:
	pg_vq_free(vq);
	return rc;
}

void pg_vq_free(struct pg_vq *vq)
{
	if (!vq)
		return;
	free(vq->buf);
	free(vq->link);
	free(vq->dflags);
	free(vq->fifo);
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

int pg_vq_add(struct pg_vq *vq, const struct pg_vq_seg *segs, unsigned nsegs, void *token)
{
	uint32_t writable;
	int rc;

	if (vq->broken)
		return -EIO;
	if (!token)
		return -EINVAL;
	rc = pg_vq_check_segs(segs, nsegs, &writable);
	if (rc < 0)
		return rc;
	if (vq->split)
		return pg_vq_split_add(vq, segs, nsegs, writable, token);
	return pg_vq_packed_add(vq, segs, nsegs, writable, token);
}

bool pg_vq_kick_prepare(struct pg_vq *vq)
{
	if (vq->broken)
		return false;
	return vq->split ? pg_vq_split_kick_prepare(vq) : pg_vq_packed_kick_prepare(vq);
}

int pg_vq_get(struct pg_vq *vq, void **token, uint32_t *len)
{
	if (vq->broken)
		return -EIO;
	return vq->split ? pg_vq_split_get(vq, token, len) : pg_vq_packed_get(vq, token, len);
}

bool pg_vq_enable_cb(struct pg_vq *vq)
{
	if (vq->broken)
		return false;
	vq->cb_enabled = true;
	return vq->split ? pg_vq_split_enable_cb(vq) : pg_vq_packed_enable_cb(vq);
}

void pg_vq_disable_cb(struct pg_vq *vq)
{
	vq->cb_enabled = false;
	if (vq->split)
		pg_vq_split_disable_cb(vq);
	else
		pg_vq_packed_disable_cb(vq);
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
