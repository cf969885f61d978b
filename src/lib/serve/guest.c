/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pg_guest_open(): a device as a guest will see it, for view, session and serve alike.
 * DEVICE is vfio:BDF (vfio backend: a device bound to vfio-pci, the real thing), a dump file
 * (model backend, its first device) or a BDF (sysfs backend, always read-only: only the
 * config and resource files are opened, and config writes are refused with -EROFS by the
 * backend itself). The policy entry is chosen from the IDs the
 * device presents. Errors are one line in struct pg_guest_error; nothing is printed.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <pcigate/backend.h>
#include <pcigate/cfg.h>
#include <pcigate/dump.h>
#include <pcigate/inspect.h>
#include <pcigate/serve.h>

static int gfail(struct pg_guest_error *err, int rc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int gfail(struct pg_guest_error *err, int rc, const char *fmt, ...)
{
	va_list ap;

	if (err) {
		va_start(ap, fmt);
		(void)vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
		va_end(ap);
	}
	return rc;
}

struct first_dev {
	struct pg_dump_dev dev;
	size_t n;
};

/* Keep the first device; count the others (the whole file is still checked). */
static int keep_first(void *data, const struct pg_dump_dev *dev)
{
	struct first_dev *f = data;

	if (f->n++ == 0)
		f->dev = *dev;
	return 0;
}

static int open_dump(const char *device, struct pg_guest_dev *g, struct pg_guest_error *err)
{
	struct pg_dump_error derr = { 0, "" };
	struct first_dev *f = calloc(1, sizeof(*f));
	int rc;

	if (!f)
		return -ENOMEM;
	rc = pg_dump_read_each(device, keep_first, f, NULL, &derr);
	if (rc == 0)
		rc = pg_backend_model_new(&f->dev, device, &g->be);
	if (rc < 0) {
		if (derr.msg[0] && derr.line)
			gfail(err, rc, "%s:%u: %s", device, derr.line, derr.msg);
		else if (derr.msg[0])
			gfail(err, rc, "%s: %s", device, derr.msg);
		else
			gfail(err, rc, "%s: %s", device, rc == -EINVAL ?
			      "a BAR size annotation does not fit the device" : strerror(-rc));
		free(f);
		return rc;
	}
	g->ndevs = f->n;
	(void)snprintf(g->slot, sizeof(g->slot), "%s", f->dev.slot);
	(void)snprintf(g->desc, sizeof(g->desc), "%s", f->dev.desc);
	free(f);
	return 0;
}

static int open_live(const char *device, const char *bdf, const char *root,
		     struct pg_guest_dev *g, struct pg_guest_error *err)
{
	uint32_t id = 0, cls = 0;
	int rc = pg_backend_sysfs_open(bdf, 0, root, &g->be);

	if (rc < 0)
		return gfail(err, rc, "%s: %s", device,
			     rc == -ENODEV ? "no such PCI device" : strerror(-rc));
	g->live = true;
	g->ndevs = 1;
	(void)snprintf(g->slot, sizeof(g->slot), "%s", bdf);
	if (pg_backend_cfg_read(g->be, 0x00, 4, &id) < 0 ||
	    pg_backend_cfg_read(g->be, 0x08, 4, &cls) < 0)
		id = cls = 0;
	(void)snprintf(g->desc, sizeof(g->desc), "Class %04x: Device %04x:%04x (rev %02x)",
		       cls >> 16, id & 0xffffu, id >> 16, cls & 0xffu);
	return 0;
}

/* A device bound to vfio-pci (vfio:BDF): written through the mediator, never read-only. */
static int open_vfio(const char *bdf, const char *root, struct pg_guest_dev *g,
		     struct pg_guest_error *err)
{
	struct pg_vfio_config vc = { .sysfs_root = root };
	struct pg_vfio_error verr = { "" };
	int rc = pg_backend_vfio_open(bdf, &vc, &g->be, &verr);

	if (rc < 0)
		return gfail(err, rc, "%s", verr.msg[0] ? verr.msg : strerror(-rc));
	g->vfio = true;
	g->ndevs = 1;
	(void)snprintf(g->slot, sizeof(g->slot), "%s", bdf);
	(void)snprintf(g->desc, sizeof(g->desc), "VFIO device %s", bdf);
	return 0;
}

/* Fill a lookup key from the device's own config space (IDs, class, slot). */
static int device_key(const struct pg_guest_dev *g, struct pg_policy_device *d)
{
	uint32_t id = 0, cls = 0, sub = 0;
	char bdf[13];

	if (pg_backend_cfg_read(g->be, 0x00, 4, &id) < 0 ||
	    pg_backend_cfg_read(g->be, 0x08, 4, &cls) < 0 ||
	    pg_backend_cfg_read(g->be, 0x2c, 4, &sub) < 0)
		return -EIO;
	memset(d, 0, sizeof(*d));
	d->vendor = (uint16_t)id;
	d->device = (uint16_t)(id >> 16);
	d->revision = (uint8_t)cls;
	d->class_code = cls >> 8;
	d->subvendor = (uint16_t)sub;
	d->subdevice = (uint16_t)(sub >> 16);
	if (pg_bdf_parse(g->slot, bdf) == 0)
		memcpy(d->slot, bdf, sizeof(bdf));
	return 0;
}

static int lookup_policy(const char *device, const char *policy, struct pg_guest_dev *g,
			 struct pg_guest_error *err)
{
	struct pg_policy_error perr = { 0, 0, "" };
	struct pg_policy_device key;
	char bad[4096] = "";
	uint32_t id = 0;
	struct stat st;
	int rc;

	if (pg_backend_cfg_read(g->be, 0x00, 4, &id) == 0)
		g->ids = id;
	if (!policy)
		return 0;
	if (device_key(g, &key) < 0)
		return gfail(err, -EIO, "%s: cannot read its IDs", device);
	/* A directory (the default SYSCONFDIR/pcigate/policy.d): every NAME.yaml in it, a
	 * missing one meaning no policy; anything else: one policy file. */
	if (stat(policy, &st) == 0 && S_ISDIR(st.st_mode))
		rc = pg_policy_load_dir(policy, &g->policy, &perr, bad, sizeof(bad));
	else if (!strcmp(policy, pg_policy_default_dir()))
		rc = 0; /* the default directory does not exist: no policy */
	else
		rc = pg_policy_load_file(policy, &g->policy, &perr);
	if (rc < 0) {
		const char *what = bad[0] ? bad : policy;

		if (perr.line)
			return gfail(err, rc, "--policy %s:%u:%u: %s", what, perr.line,
				     perr.column, perr.msg);
		return gfail(err, rc, "--policy %s: %s", what,
			     perr.msg[0] ? perr.msg : strerror(-rc));
	}
	g->entry = pg_policy_lookup_device(g->policy, &key);
	return 0;
}

int pg_guest_policy_key(const struct pg_guest_dev *g, struct pg_policy_device *ret)
{
	if (!g || !g->be || !ret)
		return -EINVAL;
	return device_key(g, ret);
}

int pg_guest_entry_describe(const struct pg_guest_dev *g, const char *policy, char *buf,
			    size_t size)
{
	char key[32];

	if (!g || !g->entry)
		return snprintf(buf, size, "none (default: guest profile, nothing opened)");
	(void)pg_policy_match_format(&g->entry->match, key, sizeof(key));
	if (g->entry->file)
		policy = g->entry->file; /* from a policy directory */
	return snprintf(buf, size, "%s:%u %s%s%s%s (profile %s)", policy ? policy : "?",
			g->entry->line, key, g->entry->name[0] ? " \"" : "", g->entry->name,
			g->entry->name[0] ? "\"" : "", pg_profile_name(g->entry->profile));
}

int pg_guest_open(const char *device, const char *policy, const char *sysfs_root,
		  struct pg_guest_dev *ret, struct pg_guest_error *err)
{
	struct pg_guest_dev g;
	struct stat st;
	char bdf[13];
	int rc;

	if (!device || !ret)
		return gfail(err, -EINVAL, "no device given");
	memset(&g, 0, sizeof(g));
	rc = pg_vfio_spec_parse(device, bdf);
	if (rc == -EINVAL)
		return gfail(err, rc, "%s: not a PCI address after vfio: ([dddd:]bb:dd.f)",
			     device);
	if (rc == 0)
		rc = open_vfio(bdf, sysfs_root, &g, err);
	/* An existing path is a dump file; otherwise a BDF names a live host device. */
	else if (stat(device, &st) == 0 || pg_bdf_parse(device, bdf) < 0)
		rc = open_dump(device, &g, err);
	else
		rc = open_live(device, bdf, sysfs_root, &g, err);
	if (rc == 0)
		rc = lookup_policy(device, policy, &g, err);
	if (rc < 0) {
		pg_guest_close(&g);
		return rc;
	}
	*ret = g;
	return 0;
}

void pg_guest_close(struct pg_guest_dev *g)
{
	if (!g)
		return;
	pg_backend_close(g->be);
	pg_policy_free(g->policy);
	memset(g, 0, sizeof(*g));
}

/* Append "; code: why" for each HIGH finding the check refuses. "bridge" and
 * "header-unsupported" are left to the mediator, which refuses every non-endpoint whatever
 * --force says (and names the header). */
static size_t high_findings(const struct pg_inspect_result *r, char *out, size_t cap)
{
	size_t used = 0, n = 0;

	out[0] = '\0';
	for (unsigned i = 0; i < r->nfindings && i < PG_INSPECT_MAX_FINDINGS; i++) {
		const struct pg_finding *f = &r->findings[i];

		if (f->severity < PG_SEV_HIGH || f->code == PG_FIND_BRIDGE ||
		    f->code == PG_FIND_HEADER_UNSUPPORTED)
			continue;
		used += (size_t)snprintf(out + used, used < cap ? cap - used : 0, "%s%s: %s",
					 n++ ? "; " : "", pg_finding_name(f->code), f->why);
	}
	return n;
}

int pg_guest_check(const struct pg_guest_dev *g, const char *device, bool force,
		   struct pg_guest_error *err)
{
	struct pg_cfg_bar_sizes sizes;
	struct pg_cfg_layout *l = NULL;
	struct pg_inspect_result *r = NULL;
	uint8_t *cfg = NULL;
	char why[256];
	int rc, len;

	if (!g || !g->be || !device)
		return gfail(err, -EINVAL, "no device given");
	if (force || g->entry)
		return 0; /* the operator, or a policy entry naming the device, accepted it */
	cfg = malloc(PG_CFG_EXT_LEN);
	r = malloc(sizeof(*r));
	if (!cfg || !r) {
		rc = gfail(err, -ENOMEM, "%s: %s", device, strerror(ENOMEM));
		goto out;
	}
	len = pg_backend_snapshot(g->be, cfg, &sizes);
	rc = len < 0 ? len : pg_cfg_parse(cfg, (size_t)len, &sizes, &l);
	if (rc == 0)
		rc = pg_inspect(l, r);
	if (rc < 0) {
		rc = gfail(err, rc, "%s: cannot inspect the device: %s", device, strerror(-rc));
		goto out;
	}
	if (high_findings(r, why, sizeof(why)))
		rc = gfail(err, -EPERM, "%s: refused, `pcigate inspect` rates it HIGH (%s); "
			   "--force or a policy entry for the device accepts it", device, why);
out:
	pg_cfg_free(l);
	free(r);
	free(cfg);
	return rc;
}
