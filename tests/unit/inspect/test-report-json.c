/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * JSON report: parse our own output back with json-c, check values, and hold it against
 * the documented schema (docs/pcigate-inspect.schema.json) in closed-world mode: every
 * object must carry exactly the documented keys, every value the documented type, and
 * the enums of finding and diagnostic codes must equal what the library can emit. Every
 * key must also be named in docs/json-schema.md, and every finding code in the man page.
 */
#include <errno.h>
#include <regex.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "cfgbuild.h"

#define MAX_DEPTH 16

static struct json_object *schema_root;
static char *schema_md;
static char *man_page;

static char *read_text(const char *rel)
{
	const char *root = getenv("PG_SOURCE_ROOT");
	char path[1024];
	char *buf;
	FILE *f;
	long n;

	snprintf(path, sizeof(path), "%s/%s", root ? root : ".", rel);
	f = fopen(path, "r");
	if (!f)
		fail_msg("cannot open %s (PG_SOURCE_ROOT unset?)", path);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n > 0);
	rewind(f);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* The remedy the library gives for a finding code's name; "" for an unknown name. */
static const char *remedy_of(const char *code)
{
	for (unsigned i = 0; code && i < PG_FIND__COUNT; i++)
		if (!strcmp(code, pg_finding_name((enum pg_finding_code)i)))
			return pg_finding_remedy((enum pg_finding_code)i);
	return "";
}

static int setup(void **state)
{
	char *text = read_text("docs/pcigate-inspect.schema.json");

	(void)state;
	schema_root = json_tokener_parse(text);
	free(text);
	schema_md = read_text("docs/json-schema.md");
	man_page = read_text("docs/pcigate.1.scd");
	return schema_root ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	json_object_put(schema_root);
	free(schema_md);
	free(man_page);
	return 0;
}

/* ---- a closed-world validator for the subset of JSON Schema the file uses ------------- */

static struct json_object *resolve(struct json_object *s)
{
	struct json_object *ref, *defs, *target;
	const char *r;

	for (int i = 0; i < MAX_DEPTH && json_object_object_get_ex(s, "$ref", &ref); i++) {
		r = json_object_get_string(ref);
		if (strncmp(r, "#/$defs/", 8))
			fail_msg("unsupported $ref %s", r);
		assert_true(json_object_object_get_ex(schema_root, "$defs", &defs));
		if (!json_object_object_get_ex(defs, r + 8, &target))
			fail_msg("dangling $ref %s", r);
		s = target;
	}
	return s;
}

static bool type_is(struct json_object *v, const char *t)
{
	enum json_type jt = json_object_get_type(v);

	if (!strcmp(t, "null"))
		return jt == json_type_null;
	if (!strcmp(t, "boolean"))
		return jt == json_type_boolean;
	if (!strcmp(t, "integer") || !strcmp(t, "number"))
		return jt == json_type_int;
	if (!strcmp(t, "string"))
		return jt == json_type_string;
	if (!strcmp(t, "object"))
		return jt == json_type_object;
	if (!strcmp(t, "array"))
		return jt == json_type_array;
	fail_msg("unknown schema type %s", t);
	return false;
}

static void check_type(struct json_object *v, struct json_object *t, const char *where)
{
	bool ok = false;

	if (json_object_get_type(t) == json_type_string) {
		ok = type_is(v, json_object_get_string(t));
	} else {
		for (size_t i = 0; i < json_object_array_length(t); i++)
			ok |= type_is(v, json_object_get_string(json_object_array_get_idx(t, i)));
	}
	if (!ok)
		fail_msg("%s: %s does not have type %s", where, json_object_to_json_string(v),
			 json_object_to_json_string(t));
}

static void check_enum(struct json_object *v, struct json_object *e, const char *where)
{
	for (size_t i = 0; i < json_object_array_length(e); i++)
		if (json_object_equal(v, json_object_array_get_idx(e, i)))
			return;
	fail_msg("%s: %s is not in %s", where, json_object_to_json_string(v),
		 json_object_to_json_string(e));
}

static void check_range(struct json_object *v, struct json_object *s, const char *where)
{
	struct json_object *lim;

	if (json_object_get_type(v) != json_type_int)
		return;
	if (json_object_object_get_ex(s, "minimum", &lim) &&
	    json_object_get_int64(v) < json_object_get_int64(lim))
		fail_msg("%s: %s below minimum", where, json_object_to_json_string(v));
	if (json_object_object_get_ex(s, "maximum", &lim) &&
	    json_object_get_int64(v) > json_object_get_int64(lim))
		fail_msg("%s: %s above maximum", where, json_object_to_json_string(v));
}

/* "pattern" applies to strings only (JSON Schema), as a POSIX extended regex. */
static void check_pattern(struct json_object *v, struct json_object *s, const char *where)
{
	struct json_object *pat;
	regex_t re;
	int rc;

	if (json_object_get_type(v) != json_type_string ||
	    !json_object_object_get_ex(s, "pattern", &pat))
		return;
	assert_int_equal(regcomp(&re, json_object_get_string(pat), REG_EXTENDED | REG_NOSUB), 0);
	rc = regexec(&re, json_object_get_string(v), 0, NULL, 0);
	regfree(&re);
	if (rc != 0)
		fail_msg("%s: %s does not match %s", where, json_object_to_json_string(v),
			 json_object_get_string(pat));
}

static void validate(struct json_object *v, struct json_object *s, const char *where,
		     int depth);

static void validate_object(struct json_object *v, struct json_object *s, const char *where,
			    int depth)
{
	struct json_object *props = NULL, *req, *extra = NULL;
	char sub[256];

	json_object_object_get_ex(s, "properties", &props);
	json_object_object_get_ex(s, "additionalProperties", &extra);
	if (json_object_object_get_ex(s, "required", &req)) {
		for (size_t i = 0; i < json_object_array_length(req); i++) {
			const char *k = json_object_get_string(json_object_array_get_idx(req, i));

			if (!json_object_object_get_ex(v, k, NULL))
				fail_msg("%s: required key \"%s\" missing", where, k);
		}
	}
	json_object_object_foreach(v, key, val) {
		struct json_object *ps = NULL;

		snprintf(sub, sizeof(sub), "%s.%s", where, key);
		if (props && json_object_object_get_ex(props, key, &ps))
			validate(val, ps, sub, depth + 1);
		else if (extra && json_object_get_type(extra) == json_type_object)
			validate(val, extra, sub, depth + 1);
		else /* closed world: an undocumented key is a test failure */
			fail_msg("%s: key not documented in the schema", sub);
	}
}

static void validate(struct json_object *v, struct json_object *s, const char *where, int depth)
{
	struct json_object *t, *items;
	char sub[256];

	assert_true(depth < MAX_DEPTH);
	s = resolve(s);
	if (json_object_object_get_ex(s, "const", &t) && !json_object_equal(v, t))
		fail_msg("%s: %s is not the constant %s", where, json_object_to_json_string(v),
			 json_object_to_json_string(t));
	if (json_object_object_get_ex(s, "enum", &t))
		check_enum(v, t, where);
	if (json_object_object_get_ex(s, "type", &t))
		check_type(v, t, where);
	check_range(v, s, where);
	check_pattern(v, s, where);
	if (json_object_get_type(v) == json_type_object)
		validate_object(v, s, where, depth);
	if (json_object_get_type(v) == json_type_array &&
	    json_object_object_get_ex(s, "items", &items)) {
		for (size_t i = 0; i < json_object_array_length(v); i++) {
			snprintf(sub, sizeof(sub), "%s[%zu]", where, i);
			validate(json_object_array_get_idx(v, i), items, sub, depth + 1);
		}
	}
}

/* ---- fixtures --------------------------------------------------------------------------- */

struct devset {
	struct pg_cfg_layout *layouts[3];
	struct pg_inspect_result results[3];
	struct pg_report_dev devs[3];
	size_t n;
};

static void add_dev(struct devset *ds, struct cfgbuild *c, const char *name)
{
	size_t i = ds->n++;

	assert_int_equal(pg_cfg_parse(c->b, c->len, c->sizes.known ? &c->sizes : NULL,
				      &ds->layouts[i]), 0);
	assert_int_equal(pg_inspect(ds->layouts[i], &ds->results[i]), 0);
	memset(&ds->devs[i], 0, sizeof(ds->devs[i]));
	ds->devs[i].source = "dump";
	ds->devs[i].name = name;
	ds->devs[i].slot = "01:00.0";
	ds->devs[i].layout = ds->layouts[i];
	ds->devs[i].result = &ds->results[i];
}

/* A live device's surroundings: a group shared with a sibling, a gap one bridge up. */
static struct pg_topo_dev live_topo = {
	.bdf = "0000:01:00.0", .vendor = 0x8086, .device = 0x1901, .class_code = 0x060400,
	.parent = "0000:00:1d.0", .driver = "pcieport", .iommu_group = 8, .ngroup = 2,
	.group = { "0000:01:00.0", "0000:01:00.1" }, .has_reset_method = true,
	.reset_method = "flr bus", .nupstream = 1,
	.upstream = { { .bdf = "0000:00:1d.0", .pcie = true, .port_type = PG_PCIE_ROOT_PORT,
			.ext_readable = true, .needs_acs = true, .known = true,
			.why = "no ACS capability" } },
	.acs = PG_TOPO_ACS_GAP, .acs_at = 0,
	.irq_remap = PG_TOPO_IR_OFF, .irq_remap_why = "no interrupt remapping seen",
};

/* A device opened through vfio-pci: an NVMe-like function (FLR, 65 MSI-X vectors, BAR0
 * mmapped and MSIX_MAPPABLE, direct map allowed). */
static const struct pg_report_vfio nvme_vfio = {
	.info = { .group = 3, .reset = true, .hot_reset = false, .irq_remap = true,
		  .irq_remap_why = "type1 accepted the group", .irq_count = { 1, 0, 65 },
		  .msix_mappable = 0x01, .mmap_regions = 0x11, .reset_method = "flr" },
	.msix_direct = true, .msix_why = "mediator allows it",
};

static void build_set(struct devset *ds)
{
	struct cfgbuild c;

	ds->n = 0;
	cb_nvme(&c);
	cb_size(&c, 0, 0x4000);
	cb_w32(&c, 0x30, 0xfe200001); /* an enabled expansion ROM */
	cb_size(&c, PG_CFG_ROM_BAR, 0x10000);
	add_dev(ds, &c, "nvme.txt");
	ds->devs[0].names.vendor = "Samsung Electronics Co Ltd";
	ds->devs[0].names.class_name = "Non-Volatile memory controller";

	cb_init(&c, 0x8086, 0x1901, 0x060400, 0x81, PG_CFG_EXT_LEN);
	cb_add_pcie(&c, 0x40, PG_PCIE_ROOT_PORT, false);
	cb_w8(&c, 0x41, 0x40); /* loop: diagnostics and several findings */
	add_dev(ds, &c, "bridge \xff\xfe name.txt"); /* invalid UTF-8 in a file name */
	ds->devs[1].source = "sysfs";
	ds->devs[1].slot = NULL;
	ds->devs[1].topology = &live_topo;
}

static void free_set(struct devset *ds)
{
	for (size_t i = 0; i < ds->n; i++)
		pg_cfg_free(ds->layouts[i]);
}

static struct json_object *render(const struct pg_report_dev *devs, size_t n)
{
	char *text = NULL;
	struct json_object *doc;

	assert_int_equal(pg_report_json(devs, n, &text), 0);
	assert_non_null(text);
	doc = json_tokener_parse(text);
	if (!doc)
		fail_msg("output does not parse as JSON:\n%s", text);
	free(text);
	return doc;
}

static struct json_object *get(struct json_object *o, const char *key)
{
	struct json_object *v = NULL;

	if (!json_object_object_get_ex(o, key, &v))
		fail_msg("key %s missing", key);
	return v;
}

/* ---- tests ------------------------------------------------------------------------------ */

static void test_round_trip(void **state)
{
	struct devset ds;
	struct json_object *doc, *devs, *d0, *d1, *bars, *caps, *f;
	(void)state;

	build_set(&ds);
	doc = render(ds.devs, ds.n);
	assert_int_equal(json_object_get_int(get(doc, "schema_version")), PG_JSON_SCHEMA_VERSION);
	assert_string_equal(json_object_get_string(get(doc, "pcigate_version")), pg_version());
	devs = get(doc, "devices");
	assert_int_equal(json_object_array_length(devs), 2);
	d0 = json_object_array_get_idx(devs, 0);
	assert_string_equal(json_object_get_string(get(d0, "source")), "dump");
	assert_string_equal(json_object_get_string(get(d0, "name")), "nvme.txt");
	assert_string_equal(json_object_get_string(get(d0, "slot")), "01:00.0");
	assert_int_equal(json_object_get_int(get(d0, "vendor_id")), 0x144d);
	assert_int_equal(json_object_get_int(get(d0, "device_id")), 0xa808);
	assert_int_equal(json_object_get_int(get(d0, "class")), 0x010802);
	assert_int_equal(json_object_get_int(get(d0, "config_length")), 4096);
	assert_string_equal(json_object_get_string(get(get(d0, "names"), "vendor")),
			    "Samsung Electronics Co Ltd");
	assert_true(json_object_is_type(get(get(d0, "names"), "device"), json_type_null));
	assert_string_equal(json_object_get_string(get(get(d0, "header"), "kind")), "endpoint");
	bars = get(d0, "bars");
	/* BAR0 (mem64, sized), BAR2-5 reading 0 without a size (unknown), the ROM. */
	assert_int_equal(json_object_array_length(bars), 6);
	assert_string_equal(json_object_get_string(get(json_object_array_get_idx(bars, 0), "size")),
			    "0x4000");
	for (int i = 1; i <= 4; i++) {
		struct json_object *b = json_object_array_get_idx(bars, (size_t)i);

		assert_int_equal(json_object_get_int(get(b, "index")), i + 1);
		assert_string_equal(json_object_get_string(get(b, "kind")), "unknown");
		assert_true(json_object_is_type(get(b, "size"), json_type_null));
	}
	assert_int_equal(json_object_get_int(get(json_object_array_get_idx(bars, 5), "index")),
			 PG_CFG_ROM_BAR);
	assert_true(json_object_get_boolean(get(json_object_array_get_idx(bars, 5),
						"rom_enabled")));
	caps = get(d0, "capabilities");
	assert_int_equal(json_object_array_length(caps), 4);
	f = get(json_object_array_get_idx(caps, 1), "fields");
	assert_int_equal(json_object_get_int(get(f, "table_size")), 33);
	assert_int_equal(json_object_get_int(get(f, "table_offset")), 0x2000);
	assert_true(json_object_get_boolean(get(get(json_object_array_get_idx(caps, 2),
						    "fields"), "flr")));
	assert_true(json_object_get_boolean(get(json_object_array_get_idx(caps, 3), "extended")));
	assert_string_equal(json_object_get_string(get(d0, "worst_severity")), "low");

	d1 = json_object_array_get_idx(devs, 1);
	assert_string_equal(json_object_get_string(get(d1, "name")), "bridge ?? name.txt");
	assert_true(json_object_is_type(get(d1, "slot"), json_type_null));
	assert_true(get(get(d1, "header"), "multifunction") != NULL);
	assert_true(json_object_array_length(get(d1, "diagnostics")) >= 1);
	f = json_object_array_get_idx(get(d1, "findings"), 0);
	assert_string_equal(json_object_get_string(get(f, "severity")), "high");
	assert_string_equal(json_object_get_string(get(f, "remedy")),
			    remedy_of(json_object_get_string(get(f, "code"))));
	assert_true(json_object_get_string_len(get(f, "remedy")) > 0);
	assert_string_equal(json_object_get_string(get(d1, "worst_severity")), "high");
	json_object_put(doc);
	free_set(&ds);
}

static void test_matches_schema(void **state)
{
	struct devset ds;
	struct json_object *doc;
	(void)state;

	build_set(&ds);
	ds.devs[0].vfio = &nvme_vfio;
	doc = render(ds.devs, ds.n);
	validate(doc, schema_root, "$", 0);
	{
		struct json_object *devs = get(doc, "devices");
		struct json_object *t = get(json_object_array_get_idx(devs, 1), "topology");
		struct json_object *v = get(json_object_array_get_idx(devs, 0), "vfio");

		assert_true(json_object_is_type(get(json_object_array_get_idx(devs, 1), "vfio"),
						json_type_null));
		assert_int_equal(json_object_get_int(get(v, "iommu_group")), 3);
		assert_true(json_object_get_boolean(get(v, "device_reset")));
		assert_false(json_object_get_boolean(get(v, "hot_reset")));
		assert_string_equal(json_object_get_string(get(v, "reset_method")), "flr");
		assert_true(json_object_get_boolean(get(v, "interrupt_remapping")));
		assert_int_equal(json_object_get_int(get(get(v, "interrupts"), "msix")), 65);
		assert_int_equal(json_object_get_int(get(get(v, "interrupts"), "intx")), 1);
		/* bits 0 and 4 of mmap_regions: BAR0 and BAR4 */
		assert_int_equal(json_object_array_length(get(v, "mmap_regions")), 2);
		assert_int_equal(json_object_get_int(json_object_array_get_idx(
					 get(v, "mmap_regions"), 1)), 4);
		assert_int_equal(json_object_array_length(get(v, "msix_mappable_regions")), 1);
		assert_true(json_object_get_boolean(get(get(v, "msix_table"), "direct_map")));
		assert_string_equal(json_object_get_string(get(get(v, "msix_table"), "why")),
				    "mediator allows it");
		assert_string_equal(json_object_get_string(get(t, "interrupt_remapping")), "off");
		assert_string_equal(json_object_get_string(get(t, "interrupt_remapping_why")),
				    "no interrupt remapping seen");

		/* a dump has none; a live device's object is validated above, key by key */
		assert_true(json_object_is_type(get(json_object_array_get_idx(devs, 0), "topology"),
						json_type_null));
		assert_string_equal(json_object_get_string(get(t, "acs")), "gap");
		assert_string_equal(json_object_get_string(get(t, "acs_at")), "0000:00:1d.0");
		assert_int_equal(json_object_get_int(get(t, "iommu_group")), 8);
		assert_int_equal(json_object_array_length(get(t, "iommu_group_members")), 2);
		assert_string_equal(json_object_get_string(get(t, "reset_method")), "flr bus");
	}
	json_object_put(doc);
	doc = render(NULL, 0);
	validate(doc, schema_root, "$", 0);
	assert_int_equal(json_object_array_length(get(doc, "devices")), 0);
	json_object_put(doc);
	free_set(&ds);
}

/* The documented top-level and per-device key sets equal what we emit, both ways. */
static void test_key_sets(void **state)
{
	struct devset ds;
	struct json_object *doc, *dev, *props, *defs;
	size_t nkeys = 0;
	(void)state;

	build_set(&ds);
	doc = render(ds.devs, 1);
	dev = json_object_array_get_idx(get(doc, "devices"), 0);
	props = get(schema_root, "properties");
	assert_int_equal(json_object_object_length(doc), json_object_object_length(props));
	json_object_object_foreach(props, k1, v1) {
		(void)v1;
		assert_true(json_object_object_get_ex(doc, k1, NULL));
	}
	defs = get(schema_root, "$defs");
	props = get(get(defs, "device"), "properties");
	json_object_object_foreach(props, k2, v2) {
		(void)v2;
		if (!json_object_object_get_ex(dev, k2, NULL))
			fail_msg("documented device key %s not emitted", k2);
		nkeys++;
	}
	assert_int_equal(json_object_object_length(dev), nkeys);
	json_object_put(doc);
	free_set(&ds);
}

static void check_enum_equals(struct json_object *e, const char *(*name)(int), int count,
			      const char *what)
{
	assert_int_equal(json_object_array_length(e), (size_t)count);
	for (int i = 0; i < count; i++) {
		struct json_object *s = json_object_new_string(name(i));

		if (!s)
			fail();
		check_enum(s, e, what);
		json_object_put(s);
	}
}

static const char *finding_name(int i)
{
	return pg_finding_name((enum pg_finding_code)i);
}

static const char *diag_name(int i)
{
	return pg_diag_name((enum pg_diag_code)i);
}

static void test_enums(void **state)
{
	struct json_object *defs = get(schema_root, "$defs");
	(void)state;

	check_enum_equals(get(get(get(get(defs, "finding"), "properties"), "code"), "enum"),
			  finding_name, PG_FIND__COUNT, "finding.code");
	check_enum_equals(get(get(get(get(defs, "diagnostic"), "properties"), "code"), "enum"),
			  diag_name, PG_DIAG__COUNT, "diagnostic.code");
}

/* Every key the schema defines is explained in json-schema.md as `key`. */
static void check_md_keys(struct json_object *s, int depth)
{
	struct json_object *props;
	char needle[96];

	assert_true(depth < MAX_DEPTH);
	if (!json_object_object_get_ex(s, "properties", &props))
		return;
	json_object_object_foreach(props, key, sub) {
		snprintf(needle, sizeof(needle), "`%s`", key);
		if (!strstr(schema_md, needle))
			fail_msg("docs/json-schema.md does not document %s", needle);
		check_md_keys(resolve(sub), depth + 1);
		if (json_object_object_get_ex(sub, "items", NULL))
			check_md_keys(resolve(get(sub, "items")), depth + 1);
	}
}

static void test_docs(void **state)
{
	char needle[64];
	(void)state;

	check_md_keys(schema_root, 0);
	for (int i = 0; i < PG_FIND__COUNT; i++) {
		snprintf(needle, sizeof(needle), "*%s*", finding_name(i));
		if (!strstr(man_page, needle))
			fail_msg("docs/pcigate.1.scd does not list finding %s", needle);
		snprintf(needle, sizeof(needle), "`%s`", finding_name(i));
		if (!strstr(schema_md, needle))
			fail_msg("docs/json-schema.md does not list finding %s", needle);
	}
}

/* 64-bit values are hex strings, exact where a JSON number would be rounded: a Device
 * Serial Number and a BAR address above 2^53 (jq and JavaScript read numbers as doubles). */
static void test_hex64(void **state)
{
	struct devset ds = { .n = 0 };
	struct json_object *doc, *dev, *bar, *cap;
	struct cfgbuild c;
	(void)state;

	cb_init(&c, 0x8086, 0x10c9, 0x020000, 0, PG_CFG_EXT_LEN);
	cb_add_pcie(&c, 0x40, PG_PCIE_ENDPOINT, false);
	cb_bar64(&c, 0, 0xfedcba9876543000ull);
	cb_size(&c, 0, 0x1000);
	cb_add_ecap(&c, 0x100, PG_ECAP_DSN, 1);
	cb_w32(&c, 0x104, 0x89abcdefu);
	cb_w32(&c, 0x108, 0xfffffffeu); /* serial 0xfffffffe89abcdef: 2^64 - 6,253,826,577 */
	add_dev(&ds, &c, "dsn.txt");
	doc = render(ds.devs, 1);
	validate(doc, schema_root, "$", 0);
	dev = json_object_array_get_idx(get(doc, "devices"), 0);
	bar = json_object_array_get_idx(get(dev, "bars"), 0);
	assert_string_equal(json_object_get_string(get(bar, "address")), "0xfedcba9876543000");
	assert_string_equal(json_object_get_string(get(bar, "size")), "0x1000");
	cap = NULL;
	for (size_t i = 0; i < json_object_array_length(get(dev, "capabilities")); i++) {
		struct json_object *k = json_object_array_get_idx(get(dev, "capabilities"), i);

		if (json_object_get_int(get(k, "id")) == PG_ECAP_DSN &&
		    json_object_get_boolean(get(k, "extended")))
			cap = k;
	}
	assert_non_null(cap);
	assert_string_equal(json_object_get_string(get(get(cap, "fields"), "serial")),
			    "0xfffffffe89abcdef");
	json_object_put(doc);
	free_set(&ds);
}

/* Streamed (head, each device, tail) is exactly the whole document, for 0, 1 and 2
 * devices, and each device's text is independent of the others (rendered alone). */
static void test_stream(void **state)
{
	struct devset ds;
	(void)state;

	build_set(&ds);
	for (size_t n = 0; n <= ds.n; n++) {
		char *whole = NULL, *part = NULL, *cat = calloc(1, 1 << 20);
		size_t len = 0;

		assert_non_null(cat);
		assert_int_equal(pg_report_json(n ? ds.devs : NULL, n, &whole), 0);
		assert_int_equal(pg_report_json_head(&part), 0);
		len += (size_t)sprintf(cat + len, "%s", part);
		free(part);
		for (size_t i = 0; i < n; i++) {
			assert_int_equal(pg_report_json_device(&ds.devs[i], i, &part), 0);
			len += (size_t)sprintf(cat + len, "%s", part);
			free(part);
		}
		assert_int_equal(pg_report_json_tail(n, &part), 0);
		len += (size_t)sprintf(cat + len, "%s", part);
		free(part);
		assert_string_equal(cat, whole);
		json_object_put(render(n ? ds.devs : NULL, n)); /* and it parses */
		free(whole);
		free(cat);
	}
	assert_int_equal(pg_report_json_device(NULL, 0, (char **)&ds), -EINVAL);
	assert_int_equal(pg_report_json_head(NULL), -EINVAL);
	assert_int_equal(pg_report_json_tail(0, NULL), -EINVAL);
	free_set(&ds);
}

static void test_bad_args(void **state)
{
	struct devset ds;
	char *text = (char *)0x1;
	(void)state;

	build_set(&ds);
	assert_int_equal(pg_report_json(ds.devs, 1, NULL), -EINVAL);
	assert_int_equal(pg_report_json(NULL, 1, &text), -EINVAL);
	ds.devs[1].result = NULL;
	assert_int_equal(pg_report_json(ds.devs, 2, &text), -EINVAL);
	ds.devs[1].result = &ds.results[1];
	ds.devs[1].source = NULL;
	assert_int_equal(pg_report_json(ds.devs, 2, &text), -EINVAL);
	assert_ptr_equal(text, (char *)0x1);
	free_set(&ds);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_matches_schema),
		cmocka_unit_test(test_key_sets),
		cmocka_unit_test(test_enums),
		cmocka_unit_test(test_docs),
		cmocka_unit_test(test_hex64),
		cmocka_unit_test(test_stream),
		cmocka_unit_test(test_bad_args),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
