/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The one copy of pcigate's libpci error-callback guard (see pcilib.h for why).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdlib.h>

#include <pci/pci.h>

#include "pcilib.h"

static _Thread_local jmp_buf *pcilib_jmp;

__attribute__((noreturn, format(printf, 1, 2)))
static void pcilib_error(char *msg, ...)
{
	(void)msg;
	if (pcilib_jmp)
		longjmp(*pcilib_jmp, 1);
	abort();
}

__attribute__((format(printf, 1, 2)))
static void pcilib_quiet(char *msg, ...)
{
	(void)msg;
}

int pg_pcilib_alloc(struct pci_access **ret)
{
	/* pci_alloc() has no error path of its own (its allocation failure calls the
	 * error() of a structure that does not exist yet); the check costs nothing. */
	struct pci_access *pacc = pci_alloc();

	if (!pacc)
		return -ENOMEM;
	pacc->error = pcilib_error;
	pacc->warning = pcilib_quiet;
	pacc->debug = pcilib_quiet;
	*ret = pacc;
	return 0;
}

int pg_pcilib_guard(struct pci_access *pacc, pg_pcilib_fn *fn, void *arg)
{
	jmp_buf env;
	jmp_buf *volatile saved = pcilib_jmp;
	volatile int r = 0;

	pcilib_jmp = &env;
	if (setjmp(env) == 0)
		fn(pacc, arg);
	else
		r = -EIO;
	pcilib_jmp = saved;
	return r;
}
