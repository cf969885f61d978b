/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Internals of the guard module (include/pcigate/guard.h).
 *
 * Files: rules.c (the YAML rule format, on the policy module's event walker), engine.c
 * (matching, first-match decisions, rule text for `guard generate`), uevent.c (kernel
 * uevent validation), sys.c (sysfs reads and actions), gate.c (module order, catch-all,
 * softdeps), state.c (decisions kept across restarts), daemon.c (events, control requests,
 * audit records).
 */
#ifndef PG_GUARD_PRIVATE_H
#define PG_GUARD_PRIVATE_H

#include <pcigate/guard.h>

#define N_ELEM(a) (sizeof(a) / sizeof((a)[0]))

struct pg_guard_rules {
	struct pg_guard_rule *rules;
	size_t n;
};

/* ---- sys.c --------------------------------------------------------------------------- */

/* "ROOT/rel" into buf; -ENAMETOOLONG when it does not fit. root NULL = "/sys". */
int pg_guard_path(char *buf, size_t size, const char *root, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Read a small sysfs attribute (<= size-1 bytes, trailing newline dropped). */
int pg_guard_read_attr(const char *path, char *buf, size_t size);
/* Write text to a sysfs attribute in one write(); -errno of open/write. */
int pg_guard_write_attr(const char *path, const char *text);
/* Basename of the symlink at path (driver, module, iommu group), "" when absent. */
int pg_guard_link_name(const char *path, char *buf, size_t size);
/* True when text is a plain driver or module name: 1..31 of [A-Za-z0-9_-]. */
bool pg_guard_name_ok(const char *text);

/* ---- state.c ------------------------------------------------------------------------- */

/* One decision: for a device instance (permanent false: forgotten on remove) or for an
 * identity (permanent: applies to every later plug of a device that is the same). */
struct pg_guard_decision {
	struct pg_guard_dev dev;
	enum pg_guard_action action;
	char driver[PG_GUARD_DRIVER_LEN];
	bool permanent;
	char by[24];           /* "rule", "command", "default", "fail-closed", "kept" */
	char rule[PG_GUARD_NAME_LEN];
};

#define PG_GUARD_MAX_DECISIONS 4096u

struct pg_guard_state {
	struct pg_guard_decision *d;
	size_t n, cap;
};

int pg_guard_state_load(const char *path, struct pg_guard_state *st);
int pg_guard_state_save(const char *path, const struct pg_guard_state *st);
void pg_guard_state_free(struct pg_guard_state *st);
/* Index of the instance decision for bdf, or of the permanent one for dev's identity;
 * -1 when none. Permanent identity ignores the BDF and matches pg_guard_dev_same(). */
long pg_guard_state_find(const struct pg_guard_state *st, const struct pg_guard_dev *dev,
			 bool permanent);
/* Insert or replace (same BDF for instance, same identity for permanent). */
int pg_guard_state_put(struct pg_guard_state *st, const struct pg_guard_decision *dec);
void pg_guard_state_drop_bdf(struct pg_guard_state *st, const char *bdf);

/* Identity key of a device for messages: "8086:10d3 class 020000 at PATH". */
void pg_guard_dev_describe(const struct pg_guard_dev *dev, char *buf, size_t size);

#endif
