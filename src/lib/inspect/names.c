/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Vendor, device, subsystem and class names from pci.ids, through libpci.
 *
 * libpci reports trouble through callbacks in struct pci_access: error() is declared
 * noreturn and by default prints and exit()s, warning() and debug() print. A library must
 * never do either, and pci.ids is a file on disk that may be truncated or corrupt. So every
 * callback is ours: warning() and debug() are silent, and error() leaves libpci with
 * longjmp() to the lookup that called it, which then gives up on names for good (NULL
 * names, as for a missing pci.ids). The jump target is thread-local: a pg_names is used by
 * one thread at a time, and libpci's callbacks carry no user pointer.
 *
 * pci_init() is deliberately not called: it only picks a config-access method (and on
 * x86 as root its probe may poke the 0xcf8/0xcfc ports), which name lookup does not use.
 * Only the local file is consulted: no udev hwdb, no DNS, no ~/.cache.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

#include <pci/pci.h>

#include "inspect-private.h"

#define NAME_LEN 256

struct pg_names {
	struct pci_access *pacc;
	bool broken;               /* libpci raised an error: no more lookups */
	char vendor[NAME_LEN];
	char device[NAME_LEN];
	char subsystem[NAME_LEN];
	char class_name[NAME_LEN];
};

static _Thread_local jmp_buf *names_jmp;

__attribute__((noreturn, format(printf, 1, 2)))
static void names_error(char *msg, ...)
{
	(void)msg;
	/* Only reached from inside a guarded lookup (names_jmp set); abort() rather than
	 * return into libpci, which assumes error() never returns. */
	if (names_jmp)
		longjmp(*names_jmp, 1);
	abort();
}

__attribute__((format(printf, 1, 2)))
static void names_quiet(char *msg, ...)
{
	(void)msg;
}

static int names_new(char *ids_path, struct pg_names **ret)
{
	struct pg_names *n = calloc(1, sizeof(*n));

	if (!n)
		return -ENOMEM;
	n->pacc = pci_alloc();
	if (!n->pacc) {
		free(n);
		return -ENOMEM;
	}
	n->pacc->error = names_error;
	n->pacc->warning = names_quiet;
	n->pacc->debug = names_quiet;
	n->pacc->numeric_ids = 0;
	n->pacc->id_lookup_mode = 0; /* no ID cache file, no network */
	if (ids_path)
		pci_set_name_list_path(n->pacc, ids_path, 1); /* libpci owns and frees it */
	*ret = n;
	return 0;
}

int pg_names_open(struct pg_names **ret)
{
	if (!ret)
		return -EINVAL;
	return names_new(NULL, ret);
}

int pg_names_open_file(const char *path, struct pg_names **ret)
{
	char *copy;
	int r;

	if (!path || !ret)
		return -EINVAL;
	copy = strdup(path);
	if (!copy)
		return -ENOMEM;
	r = names_new(copy, ret);
	if (r < 0)
		free(copy);
	return r;
}

void pg_names_close(struct pg_names *names)
{
	if (!names)
		return;
	pci_cleanup(names->pacc);
	free(names);
}

/* One guarded libpci lookup into buf; NULL when unknown or after any libpci error. The
 * variadic arguments are passed as ints, as pci_lookup_name() reads them. */
static const char *lookup(struct pg_names *n, char *buf, int flags, int a, int b, int c, int d)
{
	jmp_buf env;
	jmp_buf *volatile saved = names_jmp;
	const char *volatile r = NULL;

	if (n->broken)
		return NULL;
	names_jmp = &env;
	if (setjmp(env) == 0) {
		r = pci_lookup_name(n->pacc, buf, NAME_LEN,
				    flags | PCI_LOOKUP_NO_NUMBERS | PCI_LOOKUP_NO_HWDB, a, b, c, d);
	} else {
		/* Corrupt pci.ids (or out of memory inside libpci): drop what was loaded
		 * and stop asking. */
		n->broken = true;
		r = NULL;
		pci_free_name_list(n->pacc);
	}
	names_jmp = saved;
	/* libpci may return a static error string instead of buf; only buf is a name. */
	return r == buf ? buf : NULL;
}

void pg_names_lookup(struct pg_names *names, const struct pg_cfg_layout *l,
		     struct pg_dev_names *ret)
{
	if (!ret)
		return;
	memset(ret, 0, sizeof(*ret));
	if (!names || !l)
		return;
	ret->vendor = lookup(names, names->vendor, PCI_LOOKUP_VENDOR, l->vendor, 0, 0, 0);
	ret->device = lookup(names, names->device, PCI_LOOKUP_DEVICE, l->vendor, l->device, 0, 0);
	if (l->subsys_vendor)
		ret->subsystem = lookup(names, names->subsystem,
					PCI_LOOKUP_SUBSYSTEM | PCI_LOOKUP_DEVICE, l->vendor,
					l->device, l->subsys_vendor, l->subsys_device);
	ret->class_name = lookup(names, names->class_name, PCI_LOOKUP_CLASS,
				 (int)(l->class_code >> 8), 0, 0, 0);
}
