/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Vendor, device, subsystem and class names from pci.ids, through libpci.
 *
 * libpci's error() callback must not return and by default exit()s; every libpci call here
 * runs under pg_pcilib_guard() (util/pcilib.h), and after an error the lookup gives up on
 * names for good (NULL names, as for a missing pci.ids): pci.ids is a file on disk that may
 * be truncated or corrupt.
 *
 * pci_init() is deliberately not called: it only picks a config-access method (and on
 * x86 as root its probe may poke the 0xcf8/0xcfc ports), which name lookup does not use.
 * Only the local file is consulted: no udev hwdb, no DNS, no ~/.cache.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <pci/pci.h>

#include "inspect-private.h"
#include "util/pcilib.h"

#define NAME_LEN 256

struct pg_names {
	struct pci_access *pacc;
	bool broken;               /* libpci raised an error: no more lookups */
	char vendor[NAME_LEN];
	char device[NAME_LEN];
	char subsystem[NAME_LEN];
	char class_name[NAME_LEN];
};

static int names_new(char *ids_path, struct pg_names **ret)
{
	struct pg_names *n = calloc(1, sizeof(*n));

	if (!n)
		return -ENOMEM;
	if (pg_pcilib_alloc(&n->pacc) < 0) {
		free(n);
		return -ENOMEM;
	}
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

struct lookup_call {
	char *buf;
	int flags, a, b, c, d;
	const char *result;
};

static void lookup_fn(struct pci_access *pacc, void *arg)
{
	struct lookup_call *lc = arg;

	lc->result = pci_lookup_name(pacc, lc->buf, NAME_LEN,
				     lc->flags | PCI_LOOKUP_NO_NUMBERS | PCI_LOOKUP_NO_HWDB,
				     lc->a, lc->b, lc->c, lc->d);
}

/* One guarded libpci lookup into buf; NULL when unknown or after any libpci error. The
 * variadic arguments are passed as ints, as pci_lookup_name() reads them. */
static const char *lookup(struct pg_names *n, char *buf, int flags, int a, int b, int c, int d)
{
	struct lookup_call lc = { buf, flags, a, b, c, d, NULL };

	if (n->broken)
		return NULL;
	if (pg_pcilib_guard(n->pacc, lookup_fn, &lc) < 0) {
		/* Corrupt pci.ids (or out of memory inside libpci): drop what was loaded
		 * and stop asking. */
		n->broken = true;
		pci_free_name_list(n->pacc);
		return NULL;
	}
	/* libpci may return a static error string instead of buf; only buf is a name. */
	return lc.result == buf ? buf : NULL;
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
