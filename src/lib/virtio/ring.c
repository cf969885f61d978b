/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The virtqueue data path of both ring formats in one translation unit: the public entry
 * points (add, kick, get, notifications) and queue creation, with the layout code of
 * split-ring.h (virtio 1.2 §2.7) and packed-ring.h (§2.8) inlined into them. Keeping the
 * checks next to the ring accesses lets the compiler fold them into a handful of
 * instructions per buffer: the hardening has to be nearly free (bench/bench-vring.c).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "virtio-private.h"
#include "split-ring.h"
#include "packed-ring.h"

static int check_num(const struct pg_vq_config *cfg)
{
	if (cfg->num == 0 || cfg->num > PG_VQ_MAX_SPLIT)
		return -EINVAL;
	if (cfg->layout == PG_VQ_SPLIT && (cfg->num & (cfg->num - 1u)))
		return -EINVAL; /* §2.7: split Queue Size is a power of 2 */
	if (cfg->layout != PG_VQ_SPLIT && cfg->layout != PG_VQ_PACKED)
		return -EINVAL;
	return 0; /* packed: any size up to 2^15 (§2.8), docs/virtio.md G6 */
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
	/* Private arrays indexed by a device-supplied id get a power-of-2 number of entries,
	 * so that masking the id after its bounds check keeps even a mispredicted load inside
	 * them (Spectre v1, docs/virtio.md G4); entries from num on stay empty. */
	vq->id_mask = 1u;
	while (vq->id_mask < vq->num)
		vq->id_mask <<= 1;
	vq->buf = calloc(vq->id_mask, sizeof(*vq->buf));
	vq->id_mask -= 1u;
	vq->link = calloc(vq->num, sizeof(*vq->link));
	vq->dflags = calloc(vq->num, sizeof(*vq->dflags));
	vq->fifo = calloc(vq->num, sizeof(*vq->fifo));
	vq->chain = calloc(vq->num, sizeof(*vq->chain));
	if (!vq->buf || !vq->link || !vq->dflags || !vq->fifo || !vq->chain) {
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

/* Validate the caller's segments: count, readable before writable (§2.7.4.2), writable
 * total (the used len bound, which must fit the 32-bit used len). Caller input, not device
 * data, so not under VQ_HARDEN: both builds compile the same add, and the hardened/unhardened
 * difference stays the device checks alone. The order check is branch-free. */
static inline int check_segs(const struct pg_vq_seg *segs, unsigned nsegs, uint32_t *writable)
{
	uint64_t w = 0;
	bool seen_write = false, bad = false;

	if (!segs)
		return -EINVAL;
	if (nsegs == 1) {               /* the common case: nothing to order */
		*writable = segs[0].write ? segs[0].len : 0u;
		return 0;
	}
	if (nsegs == 0 || nsegs > PG_VQ_MAX_SEGS)
		return -EINVAL;
	for (unsigned i = 0; i < nsegs; i++) {
		bool wr = segs[i].write;

		bad |= seen_write & !wr;
		seen_write |= wr;
		w += wr ? segs[i].len : 0u;
	}
	if (bad || w > UINT32_MAX)
		return -EINVAL;
	*writable = (uint32_t)w;
	return 0;
}

int pg_vq_add(struct pg_vq *vq, const struct pg_vq_seg *segs, unsigned nsegs, void *token)
{
	uint32_t writable;
	int rc;

	if (vq->broken)
		return -EIO;
	if (!token)
		return -EINVAL;
	rc = check_segs(segs, nsegs, &writable);
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

int pg_vq_audit_ring(struct pg_vq *vq)
{
	if (vq->broken)
		return -EIO;
	/* Packed descriptors are written by the device by design (§2.8.6): nothing to compare. */
	return vq->split ? pg_vq_split_audit(vq) : 0;
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

