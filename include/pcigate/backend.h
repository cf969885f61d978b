/* SPDX-License-Identifier: GPL-2.0-or-later */
/**
 * @file backend.h
 * @brief The only code that touches a device: one interface, several implementations.
 *
 * A backend offers config read/write, BAR info/read/write, reset and close. The mediator
 * decides and a backend acts (architecture invariant 2). Implementations:
 * - model: a device modelled from an lspci dump; writes behave like hardware where it
 *   matters (IDs and class read-only, BAR sizing, RW1C status bits), BARs are RAM.
 * - sysfs: a live host device by BDF, read-only unless opened writable.
 * - custom: any caller-provided pg_backend_ops (tests use a recording backend).
 *
 * Thread-safety: a backend must not be used from two threads at once.
 */
#ifndef PCIGATE_BACKEND_H
#define PCIGATE_BACKEND_H

#include <pcigate/cfg.h>
#include <pcigate/dump.h>

#ifdef __cplusplus
extern "C" {
#endif

struct pg_backend;

/** BAR description from a backend. */
struct pg_bar_info {
	bool present;         /**< the BAR is implemented */
	enum pg_bar_kind kind;
	bool prefetchable;
	uint64_t size;        /**< bytes, 0 when unknown */
	uint64_t host_addr;   /**< address on the host side, 0 when none or unknown */
	bool accessible;      /**< bar_read/bar_write may touch it */
};

enum pg_reset_method {
	PG_RESET_ANY = 0,     /**< the backend's preferred method */
	PG_RESET_FLR,
	PG_RESET_PM,
	PG_RESET_BUS,
};

/** Operations of a backend. Every op returns 0 or a negative errno. */
struct pg_backend_ops {
	const char *kind;     /**< "model", "sysfs", ... */
	/** Read size (1, 2 or 4) bytes at off (aligned to size, off + size <= cfg_len). */
	int (*cfg_read)(struct pg_backend *be, uint16_t off, uint8_t size, uint32_t *val);
	/** Write; -EROFS when the backend is read-only. Same alignment rules as cfg_read. */
	int (*cfg_write)(struct pg_backend *be, uint16_t off, uint8_t size, uint32_t val);
	/** Describe BAR bar (0..5, PG_CFG_ROM_BAR for the ROM). */
	int (*bar_info)(struct pg_backend *be, unsigned bar, struct pg_bar_info *info);
	/** Read/write size (1, 2, 4, 8) bytes at off within the BAR. -EPERM if not accessible. */
	int (*bar_read)(struct pg_backend *be, unsigned bar, uint64_t off, uint8_t size,
			uint64_t *val);
	int (*bar_write)(struct pg_backend *be, unsigned bar, uint64_t off, uint8_t size,
			 uint64_t val);
	/** Reset the function; -EOPNOTSUPP when the method is unavailable. */
	int (*reset)(struct pg_backend *be, enum pg_reset_method method);
	/** Release priv; called once by pg_backend_close(). May be NULL. */
	void (*destroy)(void *priv);
};

/**
 * Create a backend around caller-provided ops.
 * @param ops     borrowed, must outlive the backend; cfg_read and bar_info are required
 * @param priv    owned by the backend from success on: passed to ops->destroy at close
 * @param cfg_len config bytes the device exposes (64, 256 or 4096, or a partial length)
 * @param name    borrowed; copied (truncated to 63 characters), for messages
 * @param ret     out
 * @return 0, -EINVAL (NULL ops/ret, missing required op, cfg_len 0 or > 4096), -ENOMEM.
 */
PG_EXPORT PG_MUST_CHECK int pg_backend_new(const struct pg_backend_ops *ops, void *priv,
					   uint16_t cfg_len, const char *name,
					   struct pg_backend **ret);

/** The priv pointer given to pg_backend_new(), for ops implementations. */
PG_EXPORT void *pg_backend_priv(const struct pg_backend *be);

/** Close a backend and release everything it owns; NULL is accepted. */
PG_EXPORT void pg_backend_close(struct pg_backend *be);

/** Config bytes the device exposes. */
PG_EXPORT uint16_t pg_backend_cfg_len(const struct pg_backend *be);
/** Name given at creation (a BDF, a dump path, ...); never NULL. */
PG_EXPORT const char *pg_backend_name(const struct pg_backend *be);
/** ops->kind; never NULL. */
PG_EXPORT const char *pg_backend_kind(const struct pg_backend *be);

/**
 * Config access with validation before the ops are called: size must be 1, 2 or 4, off
 * aligned to size and off + size <= cfg_len, else -EINVAL (the ops never see it).
 */
PG_EXPORT PG_MUST_CHECK int pg_backend_cfg_read(struct pg_backend *be, uint16_t off,
						uint8_t size, uint32_t *val);
PG_EXPORT PG_MUST_CHECK int pg_backend_cfg_write(struct pg_backend *be, uint16_t off,
						 uint8_t size, uint32_t val);
/** BAR access: bar < PG_CFG_NUM_BARS, size 1/2/4/8 and aligned, else -EINVAL. */
PG_EXPORT PG_MUST_CHECK int pg_backend_bar_info(struct pg_backend *be, unsigned bar,
						struct pg_bar_info *info);
PG_EXPORT PG_MUST_CHECK int pg_backend_bar_read(struct pg_backend *be, unsigned bar,
						uint64_t off, uint8_t size, uint64_t *val);
PG_EXPORT PG_MUST_CHECK int pg_backend_bar_write(struct pg_backend *be, unsigned bar,
						 uint64_t off, uint8_t size, uint64_t val);
/** Reset; -EOPNOTSUPP when the backend has no reset. */
PG_EXPORT PG_MUST_CHECK int pg_backend_reset(struct pg_backend *be, enum pg_reset_method m);

/**
 * Snapshot the whole config space (cfg_len bytes) into buf (at least 4096 bytes) and the
 * BAR sizes the backend knows into sizes (may be NULL), ready for pg_cfg_parse().
 * @return bytes read (cfg_len) or a negative errno from the backend.
 */
PG_EXPORT PG_MUST_CHECK int pg_backend_snapshot(struct pg_backend *be, uint8_t *buf,
						struct pg_cfg_bar_sizes *sizes);

/* ---- model backend ------------------------------------------------------------------ */

/**
 * Default BAR size when a dump carries no annotation for an implemented BAR: the natural
 * alignment of the programmed address (its lowest set bit), clamped to
 * [PG_MODEL_MIN_MEM_BAR, PG_MODEL_MAX_DEFAULT_BAR] for memory and [4, 256] for I/O; an
 * unprogrammed (zero) memory BAR gets PG_MODEL_MIN_MEM_BAR.
 */
#define PG_MODEL_MIN_MEM_BAR 4096u
#define PG_MODEL_MAX_DEFAULT_BAR (1u << 20)
/** BAR contents are RAM of min(size, PG_MODEL_MAX_BAR_RAM) bytes; beyond, reads 0. */
#define PG_MODEL_MAX_BAR_RAM (1u << 20)

/**
 * Model a device from one parsed dump device.
 * @param dev borrowed; copied
 * @param name borrowed, may be NULL (then dev->slot)
 * @return 0, -EINVAL (len < 64), -ENOMEM.
 */
PG_EXPORT PG_MUST_CHECK int pg_backend_model_new(const struct pg_dump_dev *dev,
						 const char *name, struct pg_backend **ret);

/**
 * Model the first device of a dump file.
 * @param err out, may be NULL: why the file was rejected
 * @return 0 or an error from pg_dump_read_file()/pg_backend_model_new().
 */
PG_EXPORT PG_MUST_CHECK int pg_backend_model_open(const char *path, struct pg_backend **ret,
						  struct pg_dump_error *err);

/* ---- sysfs backend ------------------------------------------------------------------ */

#define PG_SYSFS_WRITABLE 0x1u  /**< allow config writes, BAR access and reset */

/**
 * Open a live host device.
 * @param bdf    "dddd:bb:dd.f" or "bb:dd.f" (domain 0); validated strictly
 * @param flags  0 (read-only) or PG_SYSFS_WRITABLE
 * @param root   sysfs root for tests, NULL for "/sys"
 * @return 0; -EINVAL (malformed BDF), -ENODEV (no such device), -errno from open.
 * Read-only: cfg_write returns -EROFS, bar_read/bar_write -EPERM, reset -EROFS.
 */
PG_EXPORT PG_MUST_CHECK int pg_backend_sysfs_open(const char *bdf, unsigned flags,
						  const char *root, struct pg_backend **ret);

/**
 * Canonicalise a BDF string to "dddd:bb:dd.f".
 * @param out at least 13 bytes
 * @return 0 or -EINVAL naming nothing (the caller names the input).
 */
PG_EXPORT PG_MUST_CHECK int pg_bdf_parse(const char *text, char out[13]);

#ifdef __cplusplus
}
#endif
#endif
