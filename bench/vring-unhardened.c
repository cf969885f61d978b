/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bench-vring's baseline: libpcigate's own ring code (src/lib/virtio/ring.c) compiled a
 * second time with PG_VQ_UNHARDENED, which turns every validation of device-written data
 * (VQ_HARDEN) into 0, under other names. Same layout code, same bookkeeping, same harness:
 * the difference between the two builds is the cost of the hardening alone (docs/virtio.md).
 */
#define PG_VQ_UNHARDENED 1
#define pg_vq_ring_bytes ub_vq_ring_bytes
#define pg_vq_new ub_vq_new
#define pg_vq_add ub_vq_add
#define pg_vq_kick_prepare ub_vq_kick_prepare
#define pg_vq_get ub_vq_get
#define pg_vq_enable_cb ub_vq_enable_cb
#define pg_vq_disable_cb ub_vq_disable_cb
#define pg_vq_audit_ring ub_vq_audit_ring
#include "ring.c"
