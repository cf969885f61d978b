/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * virtio-blk requests (virtio 1.2 §5.2.6): submission with a bounded number in flight,
 * validated completion, and waiting on the call eventfd with the transport's timeout.
 */
#include <errno.h>
#include <string.h>

#include "blk-private.h"

static void put_hdr(uint8_t *h, uint32_t type, uint64_t sector)
{
	memset(h, 0, 17);
	memcpy(h, &type, 4);       /* le32 type, le32 reserved, le64 sector (LE host) */
	memcpy(h + 8, &sector, 8);
	h[16] = 0xff;              /* status: anything but OK until the device writes it */
}

static int submit(struct pg_vblk *b, unsigned q, struct slot *sl, enum pg_vblk_op op,
		  uint64_t sector, const uint8_t *src, uint32_t len)
{
	struct pg_vq_seg segs[3];
	unsigned n = 0;

	put_hdr(sl->hdr, (uint32_t)op, sector);
	segs[n++] = (struct pg_vq_seg){ sl->hdr_gpa, 16, false };
	if (len) {
		if (op == PG_VBLK_WRITE)
			memcpy(sl->data, src, len);
		segs[n++] = (struct pg_vq_seg){ sl->data_gpa, len, op == PG_VBLK_READ };
	}
	segs[n++] = (struct pg_vq_seg){ sl->hdr_gpa + 16, 1, true };
	return pg_vq_add(b->vq[q], segs, n, sl);
}

/* Validate one completion and copy read data out. */
static int complete(struct pg_vblk *b, struct slot *sl, uint32_t used, enum pg_vblk_op op,
		    uint8_t *buf, uint32_t len)
{
	uint8_t status = __atomic_load_n(&sl->hdr[16], __ATOMIC_RELAXED);
	uint32_t want = op == PG_VBLK_READ ? len + 1 : 1;

	sl->busy = false;
	/* §5.2.6: the device writes the data, then the status byte; a completion reporting
	 * fewer bytes than that has not written them (§2.7.8: nothing beyond len is valid). */
	if (used != want || status != BLK_S_OK)
		return -EIO;
	if (op == PG_VBLK_READ)
		memcpy(buf + (size_t)sl->index * len, sl->data, len);
	return 0;
}

static int wait_queue(struct pg_vblk *b, unsigned q)
{
	int rc;

	if (pg_vq_enable_cb(b->vq[q]))
		return 0;
	rc = pg_vhu_wait(b->v, q);
	if (rc == -ETIMEDOUT)
		pg_vhu_report(b->v, (int)q, rc, "no completion before the timeout");
	else if (rc == -EPIPE)
		pg_vhu_report(b->v, (int)q, rc, "back end closed the connection or sent an unsolicited message");
	return rc;
}

static struct slot *free_slot(struct pg_vblk *b, unsigned q)
{
	for (unsigned s = 0; s < b->depth; s++)
		if (!b->slot[q][s].busy)
			return &b->slot[q][s];
	return NULL;
}

static int check_args(struct pg_vblk *b, unsigned q, enum pg_vblk_op op, uint64_t sector,
		      const void *buf, uint32_t len, unsigned count)
{
	uint64_t per = len / 512u;

	if (!b || q >= MAX_QUEUES || !b->vq[q] || b->stopped[q])
		return -EINVAL;
	if (op == PG_VBLK_FLUSH)
		return len == 0 ? 0 : -EINVAL;
	if (op != PG_VBLK_READ && op != PG_VBLK_WRITE)
		return -EINVAL;
	if (!buf || !len || len % 512u || len > MAX_IO || len > b->size_max || !count)
		return -EINVAL;
	/* §5.2.6.1: no request beyond capacity; overflow-safe. */
	if (sector > b->info.capacity || per * count > b->info.capacity - sector)
		return -EINVAL;
	return 0;
}

int pg_vblk_io(struct pg_vblk *b, unsigned q, enum pg_vblk_op op, uint64_t sector, void *buf,
	       uint32_t len, unsigned count)
{
	unsigned sent = 0, done = 0, inflight = 0;
	int rc = check_args(b, q, op, sector, buf, len, count);

	if (rc < 0)
		return rc;
	if (op == PG_VBLK_FLUSH)
		count = 1;
	while (done < count) {
		struct slot *sl;
		void *tok;
		uint32_t used;

		while (sent < count && (sl = free_slot(b, q))) {
			rc = submit(b, q, sl, op, sector + (uint64_t)sent * (len / 512u),
				    (const uint8_t *)buf + (size_t)sent * len, len);
			if (rc == -ENOSPC && inflight)
				break;   /* ring full: reap first */
			if (rc < 0)
				return rc;
			sl->busy = true;
			sl->index = sent++;
			inflight++;
		}
		if (pg_vq_kick_prepare(b->vq[q])) {
			rc = pg_vhu_kick(b->v, q);
			if (rc < 0)
				return rc;
		}
		rc = pg_vq_get(b->vq[q], &tok, &used);
		if (rc < 0)
			return rc;
		if (rc == 0) {
			rc = wait_queue(b, q);
			if (rc < 0)
				return rc;
			continue;
		}
		rc = complete(b, tok, used, op, buf, len);
		if (rc < 0)
			return rc;
		inflight--;
		done++;
	}
	/* Idle now: the sweep reads the table while the device has nothing of it to fetch,
	 * and only the lines it read since the last request are away from this CPU. */
	return pg_vq_audit_ring(b->vq[q]);
}
