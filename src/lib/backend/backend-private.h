/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Internal helpers shared by the backend implementations (model.c, sysfs.c).
 */
#ifndef PG_BACKEND_PRIVATE_H
#define PG_BACKEND_PRIVATE_H

#include <pcigate/backend.h>

/* Little-endian load/store of n (1..8) bytes: config space and BARs are little endian
 * whatever the host is. */
static inline uint64_t pg_le_load(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;

	for (unsigned i = n; i-- > 0;)
		v = v << 8 | p[i];
	return v;
}

static inline void pg_le_store(uint8_t *p, unsigned n, uint64_t v)
{
	for (unsigned i = 0; i < n; i++, v >>= 8)
		p[i] = (uint8_t)v;
}

/*
 * pg_backend_model_new() with an error report: on -EINVAL for an annotation that does not
 * fit the device (e.g. a size for a BAR the header does not have), err names the dump
 * line of the device and the reason. err may be NULL.
 */
int pg_model_new_err(const struct pg_dump_dev *dev, const char *name, struct pg_backend **ret,
		     struct pg_dump_error *err) __attribute__((warn_unused_result));

/*
 * Reset the sysfs device whose directory is dirfd with the first of methods[0..n) (a list
 * pg_backend_reset_list() validated) the kernel offers, honouring the order through the
 * reset_method file (sysfs-reset.c). @return 0 (*used set), -EOPNOTSUPP (no reset file,
 * or named methods without a reset_method file or none offered), -EIO, -errno.
 */
/*
 * The reset_method text to write: the kernel names of methods[0..n) that the offered list
 * (the reset_method content) holds, in the methods' order, space-separated, into out.
 * *first is the first method written. @return 0, -EOPNOTSUPP (none offered), -EIO (out too
 * small).
 */
int pg_sysfs_reset_order(const char *offered, const enum pg_reset_method *methods, unsigned n,
			 char *out, size_t size, enum pg_reset_method *first)
	__attribute__((warn_unused_result));
int pg_sysfs_reset_at(int dirfd, const enum pg_reset_method *methods, unsigned n,
		      enum pg_reset_method *used) __attribute__((warn_unused_result));
/* Read config [0, cfg_len) of be into buf (at least cfg_len bytes) the way
 * pg_backend_snapshot() does: in bulk when the backend can. */
int pg_backend_read_cfg(struct pg_backend *be, uint8_t *buf) __attribute__((warn_unused_result));

#endif
