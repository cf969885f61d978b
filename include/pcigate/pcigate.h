/* SPDX-License-Identifier: GPL-2.0-or-later */
/**
 * @file pcigate.h
 * @brief pcigate umbrella header: common macros, version and logging.
 *
 * Conventions used by every public function of libpcigate:
 * - Functions returning int return 0 (or a count) on success and a negative errno on
 *   failure. They never print; diagnostics are data and logging goes through a callback.
 * - Output parameters are written only on success.
 * - Nothing here keeps global mutable state: distinct objects may be used from distinct
 *   threads; one object must not be used from two threads at once unless its
 *   documentation says otherwise.
 */
#ifndef PCIGATE_PCIGATE_H
#define PCIGATE_PCIGATE_H

#include <pcigate/export.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif


/** Library version string ("MAJOR.MINOR.PATCH"); static storage, never NULL. */
PG_EXPORT const char *pg_version(void);

#ifdef __cplusplus
}
#endif

#include <pcigate/cfg.h>
#include <pcigate/dump.h>
#include <pcigate/backend.h>
#include <pcigate/inspect.h>
#include <pcigate/mediator.h>
#include <pcigate/policy.h>
#include <pcigate/proto.h>
#include <pcigate/serve.h>
#include <pcigate/topology.h>
#include <pcigate/virtio.h>

#endif
