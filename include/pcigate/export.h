/* SPDX-License-Identifier: GPL-2.0-or-later */
/**
 * @file export.h
 * @brief Symbol visibility and result-checking attributes shared by every public header.
 * The library is built with -fvisibility=hidden: only PG_EXPORT symbols are in the ABI.
 */
#ifndef PCIGATE_EXPORT_H
#define PCIGATE_EXPORT_H

#define PG_EXPORT __attribute__((visibility("default")))
#define PG_MUST_CHECK __attribute__((warn_unused_result))

#endif
