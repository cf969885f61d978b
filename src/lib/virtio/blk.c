/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * virtio-blk driver (virtio 1.2 §5.2) over the vhost-user front end and the hardened rings.
 *
 * Each request is three segments (§5.2.6): a 16-byte device-readable header {type,
 * reserved, sector}, the data (readable for a write, writable for a read) and a one-byte
 * device-writable status. Headers, data and status live in per-slot bounce areas of the
 * shared memory: the caller's buffer is never exposed to the device, and read data is
 * copied out only after the completion has been validated (id, len, status).
 *
 * The config space is read once through pg_vhu_get_config() (two agreeing reads) and only
 * the fields the negotiated features define are used (§5.2.4), each validated.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "blk-private.h"

static uint64_t le(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;

	for (unsigned i = n; i-- > 0;)
		v = v << 8 | p[i];
	return v;
}

static int parse_config(struct pg_vblk *b, const uint8_t *c, unsigned dev_queues)
{
	uint64_t f = b->info.features;

	b->info.capacity = le(c, 8);
	b->info.blk_size = 512;
	if (f & BIT(BLK_F_BLK_SIZE)) {
		uint32_t bs = (uint32_t)le(c + 20, 4);

		if (bs < 512 || bs > 65536 || (bs & (bs - 1)))
			return -EPROTO;
		b->info.blk_size = bs;
	}
	if (f & BIT(BLK_F_SEG_MAX)) {
		b->info.seg_max = (uint32_t)le(c + 12, 4);
		if (b->info.seg_max == 0)
			return -EPROTO; /* no room for the data segment */
	}
	b->size_max = UINT32_MAX;
	if (f & BIT(BLK_F_SIZE_MAX)) {
		uint32_t sm = (uint32_t)le(c + 8, 4);

		/* qemu-storage-daemon 7.2 offers SIZE_MAX with size_max 0: read as "no limit"
		 * rather than refusing a real device; any other value below a sector is bogus. */
		if (sm && sm < 512)
			return -EPROTO;
		if (sm)
			b->size_max = sm;
	}
	if (f & BIT(BLK_F_MQ)) {
		uint16_t nq = (uint16_t)le(c + 34, 2);

		if (nq == 0 || nq > 64)
			return -EPROTO; /* §5.2.4: num_queues is at least 1 */
		if (nq < dev_queues)
			dev_queues = nq;
	}
	if (b->info.queues > dev_queues)
		return -EINVAL;
	return 0;
}

static int make_queue(struct pg_vblk *b, const struct pg_vblk_config *cfg, unsigned q)
{
	struct pg_vq_config qc = {
		.layout = b->info.packed ? PG_VQ_PACKED : PG_VQ_SPLIT,
		.num = b->info.queue_size, .index = (uint16_t)q,
		.indirect = b->info.indirect, .event_idx = b->info.event_idx,
		.in_order = b->info.in_order, .len_policy = cfg->len_policy,
		.device = pg_vhu_name(b->v), .audit = cfg->vhu.audit,
		.audit_data = cfg->vhu.audit_data,
	};
	size_t bytes;
	int rc = pg_vq_ring_bytes(&qc, &bytes);

	if (!rc)
		rc = pg_vhu_alloc(b->v, bytes, 4096, &qc.mem, &qc.device_addr);
	if (!rc)
		rc = pg_vq_new(&qc, &b->vq[q]);
	for (unsigned s = 0; !rc && s < b->depth; s++) {
		struct slot *sl = &b->slot[q][s];

		rc = pg_vhu_alloc(b->v, 64, 64, (void **)&sl->hdr, &sl->hdr_gpa);
		if (!rc)
			rc = pg_vhu_alloc(b->v, MAX_IO, 4096, (void **)&sl->data, &sl->data_gpa);
	}
	if (!rc)
		rc = pg_vhu_start_queue(b->v, q, b->vq[q], b->info.queue_size);
	return rc;
}

/* Shared memory for the queues: rings with indirect tables, per-slot header and bounce. */
static size_t mem_needed(unsigned depth, unsigned queues, uint16_t qs)
{
	size_t ring = 16u * qs * (1u + PG_VQ_MAX_SEGS) + 8192u;

	return (size_t)queues * (ring + depth * (MAX_IO + 4096u)) + (1u << 20);
}

static int negotiate(struct pg_vblk *b, const struct pg_vblk_config *cfg, unsigned *dev_q)
{
	uint64_t drv = BIT(PG_VIRTIO_F_VERSION_1) | BIT(BLK_F_SIZE_MAX) | BIT(BLK_F_SEG_MAX) |
		       BIT(BLK_F_BLK_SIZE) | BIT(BLK_F_FLUSH) | BIT(BLK_F_MQ);
	uint8_t c[BLK_CONFIG_LEN];
	int rc;

	if (!cfg->no_indirect)
		drv |= BIT(PG_VIRTIO_F_INDIRECT_DESC);
	if (!cfg->no_event_idx)
		drv |= BIT(PG_VIRTIO_F_EVENT_IDX);
	if (cfg->packed)
		drv |= BIT(PG_VIRTIO_F_RING_PACKED);
	if (cfg->in_order)
		drv |= BIT(PG_VIRTIO_F_IN_ORDER);
	rc = pg_vhu_negotiate(b->v, drv, BIT(PG_VIRTIO_F_VERSION_1), &b->info.features);
	if (!rc)
		rc = pg_vhu_queue_num(b->v, dev_q);
	if (!rc)
		rc = pg_vhu_get_config(b->v, c, sizeof(c));
	if (!rc) {
		rc = parse_config(b, c, *dev_q);
		if (rc == -EPROTO)
			pg_vhu_report(b->v, -1, rc, "invalid virtio-blk config space");
	}
	return rc;
}

int pg_vblk_open(const char *path, const struct pg_vblk_config *cfg, struct pg_vblk **ret)
{
	struct pg_vblk_config c = cfg ? *cfg : (struct pg_vblk_config){ 0 };
	struct pg_vblk *b;
	unsigned dev_q = 0;
	int rc;

	if (!path || !ret || c.queues > MAX_QUEUES || c.depth > MAX_DEPTH)
		return -EINVAL;
	b = calloc(1, sizeof(*b));
	if (!b)
		return -ENOMEM;
	b->depth = c.depth ? c.depth : 1;
	b->info.queues = c.queues ? c.queues : 1;
	rc = pg_virtio_queue_size(PG_VQ_SPLIT, PG_VQ_MAX_SPLIT,
				  c.queue_size ? c.queue_size : 128, &b->info.queue_size);
	if (!rc && b->info.queue_size < 3)
		rc = -EINVAL; /* a request without indirect needs three descriptors */
	if (!c.vhu.mem_bytes)
		c.vhu.mem_bytes = mem_needed(b->depth, b->info.queues, b->info.queue_size);
	if (!rc)
		rc = pg_vhu_open(path, &c.vhu, &b->v);
	if (!rc)
		rc = negotiate(b, &c, &dev_q);
	if (rc < 0)
		goto out_close;
	b->info.packed = b->info.features & BIT(PG_VIRTIO_F_RING_PACKED);
	b->info.indirect = b->info.features & BIT(PG_VIRTIO_F_INDIRECT_DESC);
	b->info.event_idx = b->info.features & BIT(PG_VIRTIO_F_EVENT_IDX);
	b->info.in_order = b->info.features & BIT(PG_VIRTIO_F_IN_ORDER);
	for (unsigned q = 0; q < b->info.queues && !rc; q++)
		rc = make_queue(b, &c, q);
	if (rc < 0)
		goto out_close;
	*ret = b;
	return 0;
out_close:
	pg_vblk_close(b);
	return rc;
}

int pg_vblk_stop(struct pg_vblk *b, unsigned q, uint32_t *base)
{
	if (!b || q >= b->info.queues)
		return -EINVAL;
	b->stopped[q] = true;    /* whatever the answer: the ring is not used again */
	return pg_vhu_stop_queue(b->v, q, base);
}

void pg_vblk_close(struct pg_vblk *b)
{
	if (!b)
		return;
	pg_vhu_close(b->v);     /* stops the rings: their pg_vq must still exist */
	for (unsigned q = 0; q < MAX_QUEUES; q++)
		pg_vq_free(b->vq[q]);
	free(b);
}

void pg_vblk_info(const struct pg_vblk *b, struct pg_vblk_info *ret)
{
	*ret = b->info;
}

struct pg_vq *pg_vblk_queue(struct pg_vblk *b, unsigned q)
{
	return b && q < MAX_QUEUES ? b->vq[q] : NULL;
}
