/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The gate: pci-stub first in the PCI bus's driver list, with the catch-all dynamic ID.
 *
 * Why it holds (pcigate-guard(8), "The gate"; measured 26/26 on Debian 12's 6.1):
 * __device_attach() walks the bus's drivers in registration order and stops at the first
 * that matches and probes successfully; pci_match_device() checks dynamic IDs before the
 * static table; pci-stub's probe only logs and returns 0. So a stub registered first with
 * "ffffffff ffffffff" takes every later device, and the order is the whole guarantee:
 *   - a module registered before pci-stub wins for the devices it matches (0/8 gated when
 *     the order is wrong), so "armed" is refused while one exists;
 *   - built-in drivers always come first (serial, pcieport, ...): they are named, since a
 *     device claiming their IDs or class goes to them;
 *   - unloading and reloading pci-stub puts it last and drops the catch-all.
 * Verification: 6.1 has no read-out of dynamic IDs, but new_id answers EEXIST when the
 * driver already matches the ID written, so writing an ID only the catch-all can match
 * proves it is there (undone with remove_id when it is not: a check never arms). A plain
 * file (a fake tree, a bind mount) accepts every write: that is never "armed".
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "guard-private.h"
#include "util/strbuf.h"
#include "util/util.h"

#define CATCH_ALL "ffffffff ffffffff"
#define PROBE_ID "ffff ffff"
#define MAX_DRIVERS 1024u
#define MAX_MODULES_FILE (4u << 20)
#define MAX_ALIAS_FILE (64u << 20)

/* Position of module name in /proc/modules text (0 = newest), or -1. */
static long module_pos(const char *text, const char *name)
{
	size_t n = strlen(name);
	long pos = 0;

	for (const char *line = text; *line; pos++) {
		const char *nl = strchr(line, '\n');

		if (!strncmp(line, name, n) && line[n] == ' ')
			return pos;
		if (!nl)
			break;
		line = nl + 1;
	}
	return -1;
}

/* Module names use '_' where driver names may use '-' (pci-stub is module pci_stub). */
static void module_of(const char *driver, char *out, size_t size)
{
	pg_util_copy(out, size, driver, strlen(driver));
	for (char *p = out; *p; p++)
		if (*p == '-')
			*p = '_';
}

static void note(char (*list)[PG_GUARD_DRIVER_LEN], unsigned *n, const char *name)
{
	if (*n < PG_GUARD_MAX_LISTED)
		pg_util_copy(list[(*n)++], PG_GUARD_DRIVER_LEN, name, strlen(name));
}

/* Walk ROOT/bus/pci/drivers: which are built in, which modules were loaded before stub. */
static int scan_drivers(const char *root, const char *modules, long stub_pos,
			struct pg_guard_gate *g)
{
	char path[512], mod[PG_GUARD_DRIVER_LEN];
	unsigned seen = 0;
	struct dirent *e;
	DIR *dir;
	int r;

	if ((r = pg_guard_path(path, sizeof(path), root, "bus/pci/drivers")) < 0)
		return r;
	if (!(dir = opendir(path)))
		return -errno;
	while ((e = readdir(dir)) && seen++ < MAX_DRIVERS) {
		long pos;

		if (e->d_name[0] == '.' || !pg_guard_name_ok(e->d_name) ||
		    !strcmp(e->d_name, PG_GUARD_STUB))
			continue;
		if (pg_guard_path(path, sizeof(path), root, "bus/pci/drivers/%s/module",
				  e->d_name) < 0 ||
		    pg_guard_link_name(path, mod, sizeof(mod)) < 0)
			continue;
		if (!mod[0]) {
			note(g->builtin, &g->nbuiltin, e->d_name);
			continue;
		}
		pos = module_pos(modules, mod);
		/* Newest first: a larger position is an older module, registered earlier. */
		if (stub_pos >= 0 && pos > stub_pos && g->nearly < PG_GUARD_MAX_LISTED)
			(void)snprintf(g->early[g->nearly++], sizeof(g->early[0]), "%.31s/%.31s", mod,
				       e->d_name);
	}
	closedir(dir);
	return 0;
}

static int check_order(const char *root, const char *modules_path, struct pg_guard_gate *g)
{
	char path[512], mod[PG_GUARD_DRIVER_LEN], stubmod[PG_GUARD_DRIVER_LEN];
	char *text = NULL;
	size_t len;
	long stub_pos = -1;
	int r;

	if ((r = pg_guard_path(path, sizeof(path), root, "bus/pci/drivers/%s", PG_GUARD_STUB)) < 0)
		return r;
	if (access(path, F_OK) < 0) {
		(void)snprintf(g->why, sizeof(g->why), "pci-stub is not loaded (modprobe pci-stub "
			       "before any other PCI driver)");
		return -ENOENT;
	}
	g->stub_loaded = true;
	if ((r = pg_guard_path(path, sizeof(path), root, "bus/pci/drivers/%s/module",
			       PG_GUARD_STUB)) < 0 ||
	    (r = pg_guard_link_name(path, stubmod, sizeof(stubmod))) < 0)
		return r;
	g->stub_builtin = !stubmod[0];
	r = pg_util_read_file_at(AT_FDCWD, modules_path ? modules_path : "/proc/modules",
				 MAX_MODULES_FILE, false, &text, &len);
	if (r < 0) {
		(void)snprintf(g->why, sizeof(g->why), "cannot read the module list: %s",
			       strerror(-r));
		return r;
	}
	module_of(PG_GUARD_STUB, mod, sizeof(mod));
	if (!g->stub_builtin && (stub_pos = module_pos(text, mod)) < 0)
		r = -ENOENT; /* the driver is there but not the module: inconsistent */
	if (r == 0)
		r = scan_drivers(root, text, g->stub_builtin ? -1 : stub_pos, g);
	free(text);
	if (r < 0) {
		(void)snprintf(g->why, sizeof(g->why), "cannot prove the driver order: %s",
			       strerror(-r));
		return r;
	}
	g->order_ok = g->nearly == 0;
	if (!g->order_ok) {
		(void)snprintf(g->why, sizeof(g->why),
			       "%u loadable PCI driver%s registered before pci-stub (first: %s): "
			       "they claim the devices they match before the gate", g->nearly,
			       g->nearly == 1 ? " was" : "s were", g->early[0]);
		return -ENOTRECOVERABLE;
	}
	return 0;
}

/* The proof without side effects: new_id answers EEXIST when the driver already matches
 * the ID written (drivers/pci/pci-driver.c new_id_store()). The probe is vendor FFFFh, which
 * no function has (it is what an empty slot reads), so only the catch-all matches it. When
 * nothing matches, the write adds that dynamic ID (it binds nothing) and remove_id takes it
 * away again: checking never arms the gate. */
static int probe_armed(const char *root, bool arm, struct pg_guard_gate *g)
{
	char path[512];
	int r = pg_guard_path(path, sizeof(path), root, "bus/pci/drivers/%s/new_id", PG_GUARD_STUB);

	if (r < 0)
		return r;
	r = pg_guard_write_attr(path, PROBE_ID);
	if (r == -EEXIST) {
		g->armed = true;
		return 0;
	}
	if (r < 0) {
		(void)snprintf(g->why, sizeof(g->why), "verifying the catch-all failed: %s",
			       strerror(-r));
		return r;
	}
	if (pg_guard_path(path, sizeof(path), root, "bus/pci/drivers/%s/remove_id",
			  PG_GUARD_STUB) < 0 || pg_guard_write_attr(path, PROBE_ID) < 0)
		(void)snprintf(g->why, sizeof(g->why), "the catch-all is not in place, and the "
			       "probe ID %s could not be removed again", PROBE_ID);
	else if (arm)
		(void)snprintf(g->why, sizeof(g->why), "the catch-all was accepted but does not "
			       "match: this new_id is not the kernel's pci-stub");
	else
		(void)snprintf(g->why, sizeof(g->why), "the catch-all is not in place (run "
			       "`pcigate guard arm`)");
	g->newly_armed = false;
	return arm ? -EPROTO : -EAGAIN;
}

int pg_guard_gate_check(const char *root, const char *modules_path, bool arm,
			struct pg_guard_gate *ret)
{
	char path[512];
	struct pg_guard_gate g;
	int r;

	if (!ret)
		return -EINVAL;
	memset(&g, 0, sizeof(g));
	if ((r = check_order(root, modules_path, &g)) < 0)
		goto out;
	if (arm) {
		if ((r = pg_guard_path(path, sizeof(path), root, "bus/pci/drivers/%s/new_id",
				       PG_GUARD_STUB)) < 0)
			goto out;
		r = pg_guard_write_attr(path, CATCH_ALL);
		if (r < 0 && r != -EEXIST) {
			(void)snprintf(g.why, sizeof(g.why), "writing the catch-all failed: %s",
				       strerror(-r));
			goto out;
		}
		g.newly_armed = r == 0;
	}
	r = probe_armed(root, arm, &g);
out:
	*ret = g;
	return r;
}

/* "alias pci:v... MODULE" lines: the modules that drive PCI devices, once each. */
int pg_guard_softdeps(const char *alias_path, char **ret)
{
	struct pg_strbuf sb;
	char *text = NULL, *save = NULL, *dup = NULL;
	char **seen = NULL;
	size_t len, nseen = 0;
	int r;

	if (!alias_path || !ret)
		return -EINVAL;
	if ((r = pg_util_read_file_at(AT_FDCWD, alias_path, MAX_ALIAS_FILE, false, &text,
				      &len)) < 0)
		return r;
	pg_strbuf_init(&sb);
	pg_strbuf_printf(&sb, "# pcigate guard: load pci-stub before every PCI driver module, so\n"
			      "# that it is registered first and its catch-all gates hot-plugged\n"
			      "# devices (pcigate-guard(8)). Generated by `pcigate guard softdeps`.\n");
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char alias[512], mod[PG_GUARD_DRIVER_LEN + 1];
		bool dup_mod = false;

		if (sscanf(line, "alias %511s %32s", alias, mod) != 2 || strncmp(alias, "pci:", 4) ||
		    !pg_guard_name_ok(mod) || !strcmp(mod, "pci_stub"))
			continue;
		for (size_t i = 0; i < nseen && !dup_mod; i++)
			dup_mod = !strcmp(seen[i], mod);
		if (dup_mod)
			continue;
		if (nseen % 64 == 0) {
			char **ns = realloc(seen, (nseen + 64) * sizeof(*ns));

			if (!ns) {
				r = -ENOMEM;
				goto out;
			}
			seen = ns;
		}
		if (!(seen[nseen] = strdup(mod))) {
			r = -ENOMEM;
			goto out;
		}
		nseen++;
		pg_strbuf_printf(&sb, "softdep %s pre: pci-stub\n", mod);
	}
	r = pg_strbuf_finish(&sb, &dup);
	if (r == 0)
		*ret = dup;
out:
	pg_strbuf_free(&sb);
	for (size_t i = 0; i < nseen; i++)
		free(seen[i]);
	free(seen);
	free(text);
	return r;
}
