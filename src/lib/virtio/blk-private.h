/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Private to src/lib/virtio: the virtio-blk device object (blk.c: open and config;
 * blk-io.c: requests).
 */
#ifndef PG_BLK_PRIVATE_H
#define PG_BLK_PRIVATE_H

#include "vhost-user-private.h"

#define BLK_F_SIZE_MAX 1u
#define BLK_F_SEG_MAX 2u
#define BLK_F_BLK_SIZE 6u
#define BLK_F_FLUSH 9u
#define BLK_F_MQ 12u
#define BLK_S_OK 0u
#define BLK_CONFIG_LEN 36u   /* capacity .. num_queues */
#define MAX_DEPTH 64u
#define MAX_QUEUES 8u
#define MAX_IO 65536u
#define BIT(n) (1ull << (n))

struct slot {
	uint8_t *hdr;          /* 16 bytes, then the status byte at hdr[16] */
	uint64_t hdr_gpa;
	uint8_t *data;
	uint64_t data_gpa;
	unsigned index;        /* request number within the current pg_vblk_io() call */
	bool busy;
};

struct pg_vblk {
	struct pg_vhu *v;
	struct pg_vblk_info info;
	unsigned depth;
	uint32_t size_max;
	struct pg_vq *vq[MAX_QUEUES];
	bool stopped[MAX_QUEUES];   /* pg_vblk_stop() was called: no more requests */
	struct slot slot[MAX_QUEUES][MAX_DEPTH];
};

#endif
