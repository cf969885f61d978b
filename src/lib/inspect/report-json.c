/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The JSON report (schema: docs/json-schema.md, docs/pcigate-inspect.schema.json), built as
 * one json-c object tree per device so quoting and escaping are json-c's job, never ours,
 * and streamed one device at a time. Every key
 * written here is documented there, and tests/unit/inspect/test-report-json.c checks the
 * two agree: change them together. Within a schema_version keys are only ever added.
 *
 * Strings that can carry outside bytes (a dump's path and slot, pci.ids names) are checked
 * for valid UTF-8 and invalid bytes replaced with '?', so the document stays valid JSON
 * whatever a hostile file name or dump contains.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include <pcigate/pcigate.h>

#include "inspect-private.h"

#define JSON_STR_MAX 4096u /* longest string copied into the document */

/* Builder state: the first allocation failure sticks and the document is dropped. */
struct jb {
	bool oom;
};

/* Add val under key to obj, taking ownership of val. A NULL val from a failed json-c
 * allocation marks the builder as failed. Returns val (borrowed) or NULL. */
static struct json_object *put(struct jb *jb, struct json_object *obj, const char *key,
			       struct json_object *val)
{
	if (!val || !obj || json_object_object_add(obj, key, val) < 0) {
		json_object_put(val);
		jb->oom = true;
		return NULL;
	}
	return val;
}

static void put_int(struct jb *jb, struct json_object *obj, const char *key, int64_t v)
{
	put(jb, obj, key, json_object_new_int64(v));
}

/* A 64-bit value (address, size, serial number) as a "0x..." hex string: JSON numbers are
 * IEEE doubles for jq and JavaScript, which round integers above 2^53 silently. */
static void put_hex64(struct jb *jb, struct json_object *obj, const char *key, uint64_t v)
{
	char buf[24];

	(void)snprintf(buf, sizeof(buf), "0x%llx", (unsigned long long)v);
	put(jb, obj, key, json_object_new_string(buf));
}

static void put_bool(struct jb *jb, struct json_object *obj, const char *key, bool v)
{
	put(jb, obj, key, json_object_new_boolean(v));
}

/* Length of the valid UTF-8 sequence at s (1..4), or 0 when s starts an invalid one. */
static size_t utf8_seq(const unsigned char *s)
{
	size_t n = s[0] < 0x80 ? 1 : (s[0] & 0xe0) == 0xc0 ? 2 : (s[0] & 0xf0) == 0xe0 ? 3
				 : (s[0] & 0xf8) == 0xf0 ? 4 : 0;
	uint32_t cp;

	if (n <= 1)
		return n;
	cp = s[0] & (0xffu >> (n + 1));
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0; /* also stops at the NUL */
		cp = cp << 6 | (s[i] & 0x3fu);
	}
	/* Reject overlong forms, surrogates and code points past U+10FFFF. */
	if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return n;
}

/* A string value, NULL for JSON null. Invalid UTF-8 bytes become '?'. */
static void put_str(struct jb *jb, struct json_object *obj, const char *key, const char *s)
{
	char buf[JSON_STR_MAX];
	size_t o = 0;

	if (!s) {
		if (!obj || json_object_object_add(obj, key, NULL) < 0)
			jb->oom = true;
		return;
	}
	for (const unsigned char *p = (const unsigned char *)s; *p && o + 5 < sizeof(buf);) {
		size_t n = utf8_seq(p);

		if (!n) {
			buf[o++] = '?';
			p++;
			continue;
		}
		memcpy(buf + o, p, n);
		o += n;
		p += n;
	}
	buf[o] = '\0';
	put(jb, obj, key, json_object_new_string(buf));
}

static struct json_object *add_object(struct jb *jb, struct json_object *arr)
{
	struct json_object *o = json_object_new_object();

	if (!o || json_object_array_add(arr, o) < 0) {
		json_object_put(o);
		jb->oom = true;
		return NULL;
	}
	return o;
}

static void put_names(struct jb *jb, struct json_object *dev, const struct pg_dev_names *n)
{
	struct json_object *o = put(jb, dev, "names", json_object_new_object());

	put_str(jb, o, "vendor", n->vendor);
	put_str(jb, o, "device", n->device);
	put_str(jb, o, "subsystem", n->subsystem);
	put_str(jb, o, "class", n->class_name);
}

static void put_header(struct jb *jb, struct json_object *dev, const struct pg_cfg_layout *l)
{
	struct json_object *o = put(jb, dev, "header", json_object_new_object());

	put_int(jb, o, "type", l->header_type & 0x7f);
	put_str(jb, o, "kind", pg_inspect_hdr_kind_name(l->kind));
	put_bool(jb, o, "multifunction", l->multifunction);
}

static void put_bars(struct jb *jb, struct json_object *dev, const struct pg_cfg_layout *l)
{
	struct json_object *arr = put(jb, dev, "bars", json_object_new_array());

	for (unsigned i = 0; arr && i < PG_CFG_NUM_BARS; i++) {
		const struct pg_bar *b = &l->bars[i];
		struct json_object *o;

		if (!pg_inspect_bar_reported(b) || !(o = add_object(jb, arr)))
			continue;
		put_int(jb, o, "index", i);
		put_str(jb, o, "kind", pg_bar_kind_name(b->kind));
		put_int(jb, o, "register", b->reg);
		put_bool(jb, o, "prefetchable", b->prefetchable);
		put_bool(jb, o, "rom_enabled", b->rom_enabled);
		put_hex64(jb, o, "address", b->addr);
		if (b->size_known)
			put_hex64(jb, o, "size", b->size);
		else
			put_str(jb, o, "size", NULL);
	}
}

static void put_fields(struct jb *jb, struct json_object *cap, const struct pg_cap *c)
{
	struct json_object *o = put(jb, cap, "fields", json_object_new_object());
	const struct pg_field *f;
	size_t n = 0;

	f = pg_cap_fields(c, &n);
	for (size_t i = 0; o && f && i < n; i++) {
		uint64_t v = pg_field_get(c, &f[i]);

		if (f[i].type == PG_FIELD_BOOL)
			put_bool(jb, o, f[i].name, v != 0);
		else if (f[i].type == PG_FIELD_U64)
			put_hex64(jb, o, f[i].name, v);
		else
			put_int(jb, o, f[i].name, (int64_t)v);
	}
}

static void put_caps(struct jb *jb, struct json_object *dev, const struct pg_cfg_layout *l)
{
	struct json_object *arr = put(jb, dev, "capabilities", json_object_new_array());

	for (uint16_t i = 0; arr && i < l->ncaps && i < PG_CFG_MAX_CAPS; i++) {
		const struct pg_cap *c = &l->caps[i];
		struct json_object *o = add_object(jb, arr);

		if (!o)
			continue;
		put_int(jb, o, "offset", c->offset);
		put_int(jb, o, "id", c->id);
		put_bool(jb, o, "extended", c->extended);
		put_int(jb, o, "version", c->version);
		put_str(jb, o, "name", c->name);
		put_int(jb, o, "length", c->len);
		put_bool(jb, o, "decoded", c->decoded);
		put_fields(jb, o, c);
	}
}

static void put_diags(struct jb *jb, struct json_object *dev, const struct pg_cfg_layout *l)
{
	struct json_object *arr = put(jb, dev, "diagnostics", json_object_new_array());

	for (uint16_t i = 0; arr && i < l->ndiags && i < PG_CFG_MAX_DIAGS; i++) {
		const struct pg_diag *d = &l->diags[i];
		struct json_object *o = add_object(jb, arr);

		if (!o)
			continue;
		put_str(jb, o, "code", pg_diag_name(d->code));
		put_int(jb, o, "offset", d->offset);
		put_str(jb, o, "detail", d->detail);
	}
	put_int(jb, dev, "diagnostics_dropped", l->diags_dropped);
}

static void put_findings(struct jb *jb, struct json_object *dev,
			 const struct pg_inspect_result *r)
{
	struct json_object *arr = put(jb, dev, "findings", json_object_new_array());

	for (unsigned i = 0; arr && i < r->nfindings && i < PG_INSPECT_MAX_FINDINGS; i++) {
		const struct pg_finding *f = &r->findings[i];
		struct json_object *o = add_object(jb, arr);

		if (!o)
			continue;
		put_str(jb, o, "code", pg_finding_name(f->code));
		put_str(jb, o, "severity", pg_severity_name(f->severity));
		put_int(jb, o, "offset", f->offset);
		put_str(jb, o, "why", f->why);
		put_str(jb, o, "remedy", pg_finding_remedy(f->code));
	}
	put_str(jb, dev, "worst_severity", r->nfindings ? pg_severity_name(r->worst) : "none");
}

/* "topology": null for a dump; for a live device its IOMMU group, driver, the kernel's
 * reset methods and the ACS verdict on the bridges above (pg_topo_read()). */
static void put_topology(struct jb *jb, struct json_object *dev, const struct pg_topo_dev *t)
{
	struct json_object *o, *arr;

	if (!t) {
		put_str(jb, dev, "topology", NULL); /* JSON null */
		return;
	}
	if (!(o = put(jb, dev, "topology", json_object_new_object())))
		return;
	if (t->iommu_group >= 0)
		put_int(jb, o, "iommu_group", t->iommu_group);
	else
		put_str(jb, o, "iommu_group", NULL);
	arr = put(jb, o, "iommu_group_members", json_object_new_array());
	for (unsigned i = 0; arr && i < t->ngroup; i++)
		if (json_object_array_add(arr, json_object_new_string(t->group[i])) < 0)
			jb->oom = true;
	put_bool(jb, o, "iommu_group_truncated", t->group_truncated);
	put_str(jb, o, "driver", t->driver[0] ? t->driver : NULL);
	put_str(jb, o, "reset_method", t->has_reset_method ? t->reset_method : NULL);
	arr = put(jb, o, "upstream", json_object_new_array());
	for (unsigned i = 0; arr && i < t->nupstream; i++) {
		struct json_object *b = add_object(jb, arr);

		if (!b)
			continue;
		put_str(jb, b, "bdf", t->upstream[i].bdf);
		put_bool(jb, b, "isolates", t->upstream[i].isolates);
		put_bool(jb, b, "known", t->upstream[i].known);
		put_str(jb, b, "why", t->upstream[i].why);
	}
	put_str(jb, o, "acs", pg_topo_acs_name(t->acs));
	put_str(jb, o, "acs_at", t->acs != PG_TOPO_ACS_ISOLATED && t->acs_at < t->nupstream
					 ? t->upstream[t->acs_at].bdf : NULL);
	put_str(jb, o, "interrupt_remapping", pg_topo_irq_remap_name(t->irq_remap));
	put_str(jb, o, "interrupt_remapping_why", t->irq_remap_why ? t->irq_remap_why : "");
}

/* Region indexes (0-5 BARs, 6 ROM) whose bit is set in mask, as an array. */
static void put_regions(struct jb *jb, struct json_object *o, const char *key, uint8_t mask)
{
	struct json_object *arr = put(jb, o, key, json_object_new_array());

	for (unsigned i = 0; arr && i < 7; i++)
		if ((mask >> i) & 1 && json_object_array_add(arr, json_object_new_int(i)) < 0)
			jb->oom = true;
}

/* "vfio": null unless the device was opened through vfio-pci (pg_report_vfio_read()). */
static void put_vfio(struct jb *jb, struct json_object *dev, const struct pg_report_vfio *v)
{
	struct json_object *o, *irq, *msix;
	const struct pg_vfio_info *i = v ? &v->info : NULL;

	if (!v) {
		put_str(jb, dev, "vfio", NULL);
		return;
	}
	if (!(o = put(jb, dev, "vfio", json_object_new_object())))
		return;
	put_int(jb, o, "iommu_group", i->group);
	put_bool(jb, o, "device_reset", i->reset);
	put_str(jb, o, "reset_method", i->reset_method);
	put_bool(jb, o, "hot_reset", i->hot_reset);
	put_bool(jb, o, "interrupt_remapping", i->irq_remap);
	put_str(jb, o, "interrupt_remapping_why", i->irq_remap_why ? i->irq_remap_why : "");
	if ((irq = put(jb, o, "interrupts", json_object_new_object()))) {
		put_int(jb, irq, "intx", i->irq_count[0]);
		put_int(jb, irq, "msi", i->irq_count[1]);
		put_int(jb, irq, "msix", i->irq_count[2]);
	}
	put_regions(jb, o, "mmap_regions", i->mmap_regions);
	put_regions(jb, o, "msix_mappable_regions", i->msix_mappable);
	if ((msix = put(jb, o, "msix_table", json_object_new_object()))) {
		put_bool(jb, msix, "direct_map", v->msix_direct);
		put_str(jb, msix, "why", v->msix_why ? v->msix_why : "");
	}
}

static void put_device(struct jb *jb, struct json_object *o, const struct pg_report_dev *d)
{
	const struct pg_cfg_layout *l = d->layout;

	put_str(jb, o, "source", d->source);
	put_str(jb, o, "name", d->name);
	put_str(jb, o, "slot", d->slot);
	put_int(jb, o, "vendor_id", l->vendor);
	put_int(jb, o, "device_id", l->device);
	put_int(jb, o, "subsystem_vendor_id", l->subsys_vendor);
	put_int(jb, o, "subsystem_device_id", l->subsys_device);
	put_names(jb, o, &d->names);
	put_int(jb, o, "class", l->class_code);
	put_int(jb, o, "revision", l->revision);
	put_header(jb, o, l);
	put_int(jb, o, "command", l->command);
	put_int(jb, o, "status", l->status);
	put_int(jb, o, "config_length", l->len);
	put_bars(jb, o, l);
	put_caps(jb, o, l);
	put_diags(jb, o, l);
	put_topology(jb, o, d->topology);
	put_vfio(jb, o, d->vfio);
	put_findings(jb, o, d->result);
}

/*
 * Streaming: the document is head + one text per device + tail, so a caller can write
 * each device as soon as it is inspected and free it (memory stays flat however many
 * devices there are). Each device is its own json-c tree, rendered like the whole
 * document would be (pretty, two spaces per level) and re-indented to sit inside
 * "devices". JSON strings never hold a raw newline (json-c escapes it), so indenting
 * after each newline cannot touch a value.
 */
#define JSON_FLAGS (JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED | \
		    JSON_C_TO_STRING_NOSLASHESCAPE)
#define DEV_INDENT "    "

static bool dev_valid(const struct pg_report_dev *d)
{
	return d && d->layout && d->result && d->source && d->name;
}

int pg_report_json_head(char **ret)
{
	struct json_object *v;
	const char *q;
	char *text = NULL;
	int n;

	if (!ret)
		return -EINVAL;
	v = json_object_new_string(pg_version());
	q = v ? json_object_to_json_string_ext(v, JSON_FLAGS) : NULL;
	n = q ? asprintf(&text, "{\n  \"schema_version\": %d,\n  \"pcigate_version\": %s,\n"
			 "  \"devices\": [", PG_JSON_SCHEMA_VERSION, q) : -1;
	json_object_put(v);
	if (n < 0)
		return -ENOMEM;
	*ret = text;
	return 0;
}

/* Copy text into a new string with DEV_INDENT after every newline, after prefix. */
static char *indent(const char *prefix, const char *text)
{
	size_t nl = 0, plen = strlen(prefix), tlen = strlen(text), o;
	char *out;

	for (const char *p = text; *p; p++)
		nl += *p == '\n';
	out = malloc(plen + tlen + nl * (sizeof(DEV_INDENT) - 1) + 1);
	if (!out)
		return NULL;
	memcpy(out, prefix, plen);
	o = plen;
	for (const char *p = text; *p; p++) {
		out[o++] = *p;
		if (*p == '\n') {
			memcpy(out + o, DEV_INDENT, sizeof(DEV_INDENT) - 1);
			o += sizeof(DEV_INDENT) - 1;
		}
	}
	out[o] = '\0';
	return out;
}

int pg_report_json_device(const struct pg_report_dev *dev, size_t index, char **ret)
{
	struct jb jb = { false };
	struct json_object *o;
	const char *text;
	char *out = NULL;

	if (!ret || !dev_valid(dev))
		return -EINVAL;
	o = json_object_new_object();
	if (!o)
		return -ENOMEM;
	put_device(&jb, o, dev);
	text = jb.oom ? NULL : json_object_to_json_string_ext(o, JSON_FLAGS);
	if (text)
		out = indent(index ? ",\n" DEV_INDENT : "\n" DEV_INDENT, text);
	json_object_put(o);
	if (!out)
		return -ENOMEM;
	*ret = out;
	return 0;
}

int pg_report_json_tail(size_t ndevs, char **ret)
{
	char *t;

	if (!ret)
		return -EINVAL;
	t = strdup(ndevs ? "\n  ]\n}" : " ]\n}");
	if (!t)
		return -ENOMEM;
	*ret = t;
	return 0;
}

/* Append part (owned) to *doc (owned, grown); frees part. */
static int append(char **doc, size_t *len, char *part)
{
	size_t n = strlen(part);
	char *p = realloc(*doc, *len + n + 1);

	if (!p) {
		free(part);
		return -ENOMEM;
	}
	memcpy(p + *len, part, n + 1);
	*doc = p;
	*len += n;
	free(part);
	return 0;
}

int pg_report_json(const struct pg_report_dev *devs, size_t n, char **ret)
{
	char *doc = NULL, *part = NULL;
	size_t len = 0;
	int r;

	if (!ret || (!devs && n))
		return -EINVAL;
	for (size_t i = 0; i < n; i++)
		if (!dev_valid(&devs[i]))
			return -EINVAL;
	r = pg_report_json_head(&part);
	if (r == 0)
		r = append(&doc, &len, part);
	for (size_t i = 0; r == 0 && i < n; i++) {
		r = pg_report_json_device(&devs[i], i, &part);
		if (r == 0)
			r = append(&doc, &len, part);
	}
	if (r == 0)
		r = pg_report_json_tail(n, &part);
	if (r == 0)
		r = append(&doc, &len, part);
	if (r < 0) {
		free(doc);
		return r;
	}
	*ret = doc;
	return 0;
}
