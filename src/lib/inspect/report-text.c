/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The readable report of one device: identity, header, BARs, capabilities with their key
 * fields, diagnostics and findings. Every string that came from the device or a dump
 * (names from pci.ids, diagnostic details built from device bytes, slot text from a dump)
 * is printed with control characters replaced, so a hostile dump cannot smuggle terminal
 * escapes or fake report lines into the output.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "inspect-private.h"
#include "util/strbuf.h"

/* Append s with control characters (C0 and DEL) replaced by '?'; bytes >= 0x80 pass so
 * UTF-8 names from pci.ids stay intact. */
static void put_clean(struct pg_strbuf *sb, const char *s)
{
	for (; *s; s++) {
		unsigned char u = (unsigned char)*s;
		char c = u < 0x20 || u == 0x7f ? '?' : *s;

		pg_strbuf_append(sb, &c, 1);
	}
}

static void put_size(struct pg_strbuf *sb, uint64_t size)
{
	static const char units[] = "KMGTPE";
	unsigned u = 0;
	uint64_t v = size;

	if (!size) {
		pg_strbuf_printf(sb, "0");
		return;
	}
	while (v >= 1024 && !(v % 1024) && u < sizeof(units) - 1) {
		v /= 1024;
		u++;
	}
	if (u)
		pg_strbuf_printf(sb, "%llu%c (0x%llx)", (unsigned long long)v, units[u - 1],
				 (unsigned long long)size);
	else
		pg_strbuf_printf(sb, "0x%llx", (unsigned long long)size);
}

static void put_identity(struct pg_strbuf *sb, const struct pg_report_dev *dev)
{
	const struct pg_cfg_layout *l = dev->layout;
	const struct pg_dev_names *n = &dev->names;

	put_clean(sb, dev->name);
	if (dev->slot && *dev->slot && strcmp(dev->slot, dev->name)) {
		pg_strbuf_printf(sb, " ");
		put_clean(sb, dev->slot);
	}
	pg_strbuf_printf(sb, " (");
	put_clean(sb, dev->source);
	pg_strbuf_printf(sb, ")\n  device     %04x:%04x", l->vendor, l->device);
	if (n->vendor) {
		pg_strbuf_printf(sb, " ");
		put_clean(sb, n->vendor);
	}
	if (n->device) {
		pg_strbuf_printf(sb, " ");
		put_clean(sb, n->device);
	}
	if (l->subsys_vendor || l->subsys_device) {
		pg_strbuf_printf(sb, "\n  subsystem  %04x:%04x", l->subsys_vendor,
				 l->subsys_device);
		if (n->subsystem) {
			pg_strbuf_printf(sb, " ");
			put_clean(sb, n->subsystem);
		}
	}
	pg_strbuf_printf(sb, "\n  class      %06x", l->class_code);
	if (n->class_name) {
		pg_strbuf_printf(sb, " ");
		put_clean(sb, n->class_name);
	}
	pg_strbuf_printf(sb, "\n  revision   0x%02x\n", l->revision);
	pg_strbuf_printf(sb, "  header     type %u (%s), %s\n", l->header_type & 0x7fu,
			 pg_inspect_hdr_kind_name(l->kind),
			 l->multifunction ? "multi-function" : "single-function");
	pg_strbuf_printf(sb, "  command    0x%04x\n  status     0x%04x\n", l->command, l->status);
	pg_strbuf_printf(sb, "  config     %u bytes\n", l->len);
}

static void put_bars(struct pg_strbuf *sb, const struct pg_cfg_layout *l)
{
	bool any = false;

	for (unsigned i = 0; i < PG_CFG_NUM_BARS; i++) {
		const struct pg_bar *b = &l->bars[i];

		if (!pg_inspect_bar_reported(b))
			continue;
		if (!any)
			pg_strbuf_printf(sb, "  bars\n");
		any = true;
		if (b->kind == PG_BAR_UNKNOWN) {
			pg_strbuf_printf(sb, "    BAR%u  unknown: reads 0, size unknown (an unassigned "
					 "32-bit memory BAR, or none)\n", i);
			continue;
		}
		if (i == PG_CFG_ROM_BAR)
			pg_strbuf_printf(sb, "    ROM   %s%s", pg_bar_kind_name(b->kind),
					 b->rom_enabled ? " enabled" : " disabled");
		else
			pg_strbuf_printf(sb, "    BAR%u  %s%s", i, pg_bar_kind_name(b->kind),
					 b->prefetchable ? " prefetchable" : "");
		pg_strbuf_printf(sb, " addr=0x%llx size=", (unsigned long long)b->addr);
		if (b->size_known)
			put_size(sb, b->size);
		else
			pg_strbuf_printf(sb, "unknown");
		pg_strbuf_printf(sb, "\n");
	}
	if (!any)
		pg_strbuf_printf(sb, "  bars       none\n");
}

/* Raw key=value fields on the capability's line, then one indented line per coded field
 * with its name ("PCIe port type: Root Port"); JSON keeps the codes. */
static void put_cap(struct pg_strbuf *sb, const struct pg_cap *c)
{
	const struct pg_field *f;
	size_t n = 0;

	if (c->extended)
		pg_strbuf_printf(sb, "    [%03x] %s (ext 0x%04x v%u)", c->offset, c->name, c->id,
				 c->version);
	else
		pg_strbuf_printf(sb, "    [%03x] %s (0x%02x)", c->offset, c->name, c->id);
	f = pg_cap_fields(c, &n);
	for (size_t i = 0; f && i < n; i++) {
		uint64_t v = pg_field_get(c, &f[i]);

		if (pg_inspect_coded_field(c, &f[i]))
			continue;
		if (f[i].type == PG_FIELD_BOOL)
			pg_strbuf_printf(sb, " %s=%s", f[i].name, v ? "true" : "false");
		else if (f[i].hex)
			pg_strbuf_printf(sb, " %s=0x%llx", f[i].name, (unsigned long long)v);
		else
			pg_strbuf_printf(sb, " %s=%llu", f[i].name, (unsigned long long)v);
	}
	pg_strbuf_printf(sb, "\n");
	for (size_t i = 0; f && i < n; i++) {
		const struct pg_coded_field *cf = pg_inspect_coded_field(c, &f[i]);
		char buf[32];

		if (cf)
			pg_strbuf_printf(sb, "          %s: %s\n", cf->label,
					 pg_inspect_code_name(cf, c, pg_field_get(c, &f[i]),
							      buf, sizeof(buf)));
	}
}

static void put_caps(struct pg_strbuf *sb, const struct pg_cfg_layout *l)
{
	if (!l->ncaps) {
		pg_strbuf_printf(sb, "  capabilities none\n");
		return;
	}
	pg_strbuf_printf(sb, "  capabilities\n");
	for (uint16_t i = 0; i < l->ncaps && i < PG_CFG_MAX_CAPS; i++)
		put_cap(sb, &l->caps[i]);
}

static void put_diags(struct pg_strbuf *sb, const struct pg_cfg_layout *l)
{
	if (!l->ndiags) {
		pg_strbuf_printf(sb, "  diagnostics none\n");
		return;
	}
	pg_strbuf_printf(sb, "  diagnostics\n");
	for (uint16_t i = 0; i < l->ndiags && i < PG_CFG_MAX_DIAGS; i++) {
		const struct pg_diag *d = &l->diags[i];

		pg_strbuf_printf(sb, "    [%03x] %s: ", d->offset, pg_diag_name(d->code));
		put_clean(sb, d->detail);
		pg_strbuf_printf(sb, "\n");
	}
	if (l->diags_dropped)
		pg_strbuf_printf(sb, "    (%u more not kept)\n", l->diags_dropped);
}

static void put_upper(struct pg_strbuf *sb, const char *s)
{
	for (; *s; s++) {
		char c = (char)toupper((unsigned char)*s);

		pg_strbuf_append(sb, &c, 1);
	}
}

/* SGR colours of the severity words (ECMA-48 §8.3.117): 31 red, 33 yellow, 2 faint.
 * Only the fixed severity word is wrapped; nothing from the device is. */
static const char *const severity_sgr[] = {
	[PG_SEV_INFO] = "\033[2m",
	[PG_SEV_LOW] = "\033[2m",
	[PG_SEV_MEDIUM] = "\033[33m",
	[PG_SEV_HIGH] = "\033[1;31m",
};
#define SGR_RESET "\033[0m"

static void put_severity(struct pg_strbuf *sb, enum pg_severity sev, bool color)
{
	const char *sgr = (unsigned)sev < sizeof(severity_sgr) / sizeof(severity_sgr[0])
				  ? severity_sgr[sev] : NULL;

	if (color && sgr)
		pg_strbuf_printf(sb, "%s", sgr);
	put_upper(sb, pg_severity_name(sev));
	if (color && sgr)
		pg_strbuf_printf(sb, SGR_RESET);
}

static void put_findings(struct pg_strbuf *sb, const struct pg_inspect_result *r, bool color)
{
	if (!r->nfindings) {
		pg_strbuf_printf(sb, "  findings   none\n  worst      none\n");
		return;
	}
	pg_strbuf_printf(sb, "  findings\n");
	for (unsigned i = 0; i < r->nfindings && i < PG_INSPECT_MAX_FINDINGS; i++) {
		const struct pg_finding *f = &r->findings[i];

		pg_strbuf_printf(sb, "    ");
		put_severity(sb, f->severity, color);
		pg_strbuf_printf(sb, " %s: ", pg_finding_name(f->code));
		put_clean(sb, f->why);
		pg_strbuf_printf(sb, "\n      fix: %s\n", pg_finding_remedy(f->code));
	}
	pg_strbuf_printf(sb, "  worst      %s\n", pg_severity_name(r->worst));
}

int pg_report_text_flags(const struct pg_report_dev *dev, unsigned flags, char **ret)
{
	struct pg_strbuf sb;

	if (!dev || !ret || !dev->layout || !dev->result || !dev->source || !dev->name ||
	    (flags & ~(unsigned)PG_REPORT_COLOR))
		return -EINVAL;
	pg_strbuf_init(&sb);
	put_identity(&sb, dev);
	put_bars(&sb, dev->layout);
	put_caps(&sb, dev->layout);
	put_diags(&sb, dev->layout);
	if (dev->topology)
		pg_report_topo_text(&sb, dev->topology);
	if (dev->vfio)
		pg_report_vfio_text(&sb, dev->vfio);
	put_findings(&sb, dev->result, flags & PG_REPORT_COLOR);
	return pg_strbuf_finish(&sb, ret);
}

int pg_report_text(const struct pg_report_dev *dev, char **ret)
{
	return pg_report_text_flags(dev, 0, ret);
}
