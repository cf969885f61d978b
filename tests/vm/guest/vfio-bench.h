/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The read benchmark of `pg-vfio bench` (vfio-bench.c). */
#ifndef PG_VFIO_BENCH_H
#define PG_VFIO_BENCH_H

#include <pcigate/pcigate.h>

/*
 * Mediated vs raw VFIO reads on be (opened by pg_backend_vfio_open(), Memory decode on) with
 * m (a guest-profile mediator over be): n reads per method, in rounds of interleaved blocks;
 * prints "PG-VM: BENCH-*" lines. Returns the number of failed reads.
 */
long pg_vfio_bench_reads(struct pg_backend *be, struct pg_mediator *m, long n);

#endif
