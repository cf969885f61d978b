/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libpci (pciutils) without its process-killing error path (private: not installed).
 *
 * libpci reports trouble through callbacks in struct pci_access: error() is declared
 * noreturn and by default prints and exit()s, warning() and debug() print. A library must
 * never do either, and libpci's inputs (pci.ids, a sysfs tree) are files that may be
 * truncated, corrupt or planted. So every callback is ours: warning() and debug() are
 * silent, and error() leaves libpci with longjmp() to the innermost pg_pcilib_guard() of
 * the calling thread. The jump target is thread-local because libpci's callbacks carry no
 * user pointer; a pci_access must therefore be used by one thread at a time.
 *
 * Limits of the longjmp: libpci does not unwind, so whatever it had allocated or opened
 * at the point of the error (a DIR of a scan, a half-built pci_dev) leaks. Callers keep
 * the error path rare by validating libpci's input first and treat the pci_access as
 * unusable for further work after an error (pci_cleanup() is still safe).
 */
#ifndef PG_PCILIB_H
#define PG_PCILIB_H

#include "util.h"

struct pci_access;

/**
 * pci_alloc() with our callbacks installed (error() jumps, warning()/debug() are silent).
 * Nothing else is set: the caller chooses the method, parameters and name-list options.
 * @param ret out, written on success only; release with pci_cleanup()
 * @return 0 or -ENOMEM.
 * Thread-safety: reentrant.
 */
PG_WARN_UNUSED int pg_pcilib_alloc(struct pci_access **ret);

/** Work to run under a guard; it reports through arg (libpci's results are not returned
 * through the jump). */
typedef void pg_pcilib_fn(struct pci_access *pacc, void *arg);

/**
 * Run fn(pacc, arg) so that a libpci error() raised inside it returns here instead of
 * exiting. Guards nest (the previous target is restored). error() raised outside any
 * guard abort()s rather than return into libpci, which assumes it never returns.
 * @param pacc borrowed; its error callback must be ours (from pg_pcilib_alloc())
 * @return 0 when fn returned normally; -EIO when libpci raised an error (fn's work is
 *         incomplete and what libpci held at that moment has leaked).
 * Thread-safety: the jump target is per thread; pacc itself is not locked.
 */
PG_WARN_UNUSED int pg_pcilib_guard(struct pci_access *pacc, pg_pcilib_fn *fn, void *arg);

#endif
