/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Shared fixture of the virtqueue unit tests: a queue and the test device over one
 * allocation whose device addresses start at VQT_BASE. */
#ifndef PG_TEST_VQTEST_H
#define PG_TEST_VQTEST_H

#include <pcigate/virtio.h>

#include "vdev.h"

#define VQT_BASE 0x40000000ull
#define VQT_DATA 0x100000u       /* data buffers start 1 MiB into the allocation */
#define VQT_MEM (VQT_DATA + 0x100000u)

struct vqt {
	uint8_t *mem;
	struct pg_vq *vq;
	struct vdev_ring dev;
	struct pg_vq_config cfg;
	unsigned audits;
	struct pg_virtio_audit last;  /* detail points to last_detail */
	char last_rule[32];
	char last_detail[96];
	int tokens[1024];
};

/** Build a queue; returns 0 or the pg_vq_new() error. */
int vqt_setup(struct vqt *t, enum pg_vq_layout layout, uint16_t num, bool indirect,
	      bool in_order, enum pg_vq_len_policy pol);
void vqt_teardown(struct vqt *t);
/** Add buffer k: nread readable then nwrite writable segments of 100 bytes each. */
int vqt_add(struct vqt *t, unsigned k, unsigned nread, unsigned nwrite);

#endif
