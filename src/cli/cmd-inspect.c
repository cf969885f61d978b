/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pcigate inspect [--json] [--fail-on SEVERITY] [BDF... | --dump FILE...]
 * pcigate inspect --tree | --dot
 *
 * Reads devices (live ones read-only through the sysfs backend: config and resource files
 * only, never a BAR), parses, inspects and reports them. The whole command line is checked
 * before any input is read, so a usage error never leaves half a report. An input that
 * cannot be read is reported once and skipped; the others are still reported and the exit
 * status says that something was missing.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <pcigate/pcigate.h>

#include "cli.h"

#define NAME_COPY 256

struct inspect_opts {
	bool json;
	bool fail_on_set;
	enum pg_severity fail_on;
	bool tree, dot;             /* the topology of every device instead of reports */
	bool one_line;              /* --short: one line per device */
	const char *sysfs_root;     /* live devices under this root instead of /sys (tests) */
	bool fail_on_bridges;       /* --fail-on-bridges: bridges count for --fail-on too */
	struct pg_cli_filter filter; /* -s / -d: devices not matching are skipped */
	enum { COLOR_AUTO, COLOR_ALWAYS, COLOR_NEVER } color; /* --color */
};

/* One command-line input in order of appearance. */
struct input {
	const char *arg;       /* borrowed from argv */
	bool dump;             /* --dump FILE, else a BDF */
	bool vfio;             /* "vfio:BDF": read through vfio-pci, VFIO facts added */
	char bdf[13];          /* canonical BDF */
};

/* One device ready to be reported; owns everything it points to. */
struct device {
	struct pg_cfg_layout *layout;
	struct pg_inspect_result result;
	struct pg_topo_dev *topo;   /* live devices: their surroundings, or NULL */
	const char *source;
	char *name;
	char slot[32];
	char names[4][NAME_COPY];
	bool has_name[4];
};

struct run {
	struct inspect_opts opts;
	struct pg_names *names;     /* NULL when pci.ids could not be opened at all */
	size_t ndevs;               /* devices reported so far */
	bool json_open;             /* the JSON head has been written */
	bool enumerating;           /* read_all(): devices nobody named (see is_bridge()) */
	bool input_error;
	bool failed_threshold;
	bool out_error;
	size_t unprivileged;        /* live devices read in fewer than 256 bytes */
	const struct pg_report_vfio *vfio; /* read_vfio(): the device being added, or NULL */
	char first_short[13];
};

void pg_cmd_inspect_usage(FILE *out)
{
	fputs("usage: pcigate inspect [--json] [--fail-on SEVERITY] [-s SLOT] [-d ID]\n"
	      "                       [BDF... | --dump FILE...]\n"
	      "       pcigate inspect --tree | --dot\n"
	      "\n"
	      "Report what makes PCI devices risky to pass through to a VM. With no BDF and\n"
	      "no --dump, every device in /sys/bus/pci/devices is read (config, resource and\n"
	      "sysfs attributes only, read-only). A live device's report adds its IOMMU group\n"
	      "and the other members, the bound driver, the kernel's reset_method and whether\n"
	      "ACS isolates it upstream.\n"
	      "\n"
	      "  BDF              a live device, [dddd:]bb:dd.f\n"
	      "  vfio:BDF         a device bound to vfio-pci, read through VFIO, with its\n"
	      "                   IOMMU group and members, driver, reset methods, interrupt\n"
	      "                   remapping and the MSI-X direct-map decision\n"
	      "  --dump FILE      an `lspci -x` or `lspci -vvv -xxxx` style dump, or what\n"
	      "                   `pcigate dump` writes (may repeat; several devices per file)\n"
	      "  --json           print one JSON document (docs/json-schema.md)\n"
	      "  --fail-on SEV    exit 1 when a device has a finding of severity SEV or\n"
	      "                   more (info, low, medium, high; any case)\n"
	      "  --fail-on-bridges  with no BDF and no --dump, bridges count for --fail-on\n"
	      "                   too (by default they are reported but never passed\n"
	      "                   through, so their findings do not fail the run)\n"
	      "  -s, --slot [[[domain]:]bus:][dev][.[fn]]  only devices at these addresses\n"
	      "                   (lspci -s syntax, hex; a missing field matches any)\n"
	      "  -d, --id [vendor]:[device][:class]  only devices with these IDs (lspci -d\n"
	      "                   syntax, hex; class is base class and subclass, 0200)\n"
	      "  --short          one line per device: address, name, worst severity and the\n"
	      "                   most severe finding\n"
	      "  --tree           print this machine's PCI topology as a tree (bridges, IOMMU\n"
	      "                   groups, drivers, ACS)\n"
	      "  --dot            the same as a Graphviz DOT graph\n"
	      "  --color=WHEN     colour severities: auto (default: when stdout is a\n"
	      "                   terminal and NO_COLOR is unset or empty), always, never\n"
	      "  --sysfs-root DIR read live devices under DIR instead of /sys (testing)\n"
	      "  -h, --help       show this help\n"
	      "\n"
	      "exit status: 0 success; 1 a finding at or above --fail-on; 2 usage error;\n"
	      "3 an input could not be read (the others are still reported).\n",
	      out);
}

/* ---- command line --------------------------------------------------------------------- */

enum { OPT_JSON = 0x100, OPT_SHORT, OPT_TREE, OPT_DOT, OPT_SYSFS_ROOT, OPT_FAIL_ON, OPT_DUMP,
       OPT_BRIDGES, OPT_COLOR };

static int parse_color(const char *v, struct inspect_opts *o)
{
	static const struct { const char *name; int value; } whens[] = {
		{ "auto", COLOR_AUTO }, { "always", COLOR_ALWAYS }, { "never", COLOR_NEVER },
	};

	for (size_t i = 0; i < sizeof(whens) / sizeof(whens[0]); i++) {
		if (!strcmp(v, whens[i].name)) {
			o->color = whens[i].value;
			return 0;
		}
	}
	pg_cli_error("inspect", "--color: '%s' is not auto, always or never", v);
	return -EINVAL;
}

/* auto: colour only for a person at a terminal, and never when they asked for none
 * (https://no-color.org: NO_COLOR present and not empty). */
static bool use_color(const struct inspect_opts *o)
{
	const char *no = getenv("NO_COLOR");

	if (o->color != COLOR_AUTO)
		return o->color == COLOR_ALWAYS;
	return isatty(STDOUT_FILENO) && !(no && *no);
}

/* One operand, in order with the --dump inputs: a BDF or vfio:BDF. */
static int parse_operand(const char *a, struct input *in, size_t *nin)
{
	if (!strncmp(a, "vfio:", 5)) {
		if (pg_vfio_spec_parse(a, in[*nin].bdf) < 0) {
			pg_cli_error("inspect", "'%s' is not a PCI address after vfio: "
				     "([dddd:]bb:dd.f)", a);
			return -EINVAL;
		}
		in[*nin].vfio = true;
	} else if (pg_bdf_parse(a, in[*nin].bdf) < 0) {
		pg_cli_error("inspect", "'%s' is not a PCI address ([dddd:]bb:dd.f)", a);
		return -EINVAL;
	}
	in[*nin].arg = a;
	in[(*nin)++].dump = false;
	return 0;
}

static int parse_option(int c, const char *v, struct inspect_opts *o, struct input *in,
			size_t *nin)
{
	switch (c) {
	case OPT_JSON: o->json = true; break;
	case OPT_SHORT: o->one_line = true; break;
	case OPT_TREE: o->tree = true; break;
	case OPT_DOT: o->dot = true; break;
	case OPT_BRIDGES: o->fail_on_bridges = true; break;
	case OPT_SYSFS_ROOT: o->sysfs_root = v; break;
	case OPT_COLOR: return parse_color(v, o);
	case OPT_FAIL_ON:
		if (pg_severity_parse(v, &o->fail_on) < 0) {
			pg_cli_error("inspect", "--fail-on: '%s' is not a severity "
				     "(info, low, medium, high)", v);
			return -EINVAL;
		}
		o->fail_on_set = true;
		break;
	case OPT_DUMP:
		in[*nin].arg = v;
		in[(*nin)++].dump = true;
		break;
	case 's':
		if (pg_cli_filter_slot(&o->filter, v) < 0) {
			pg_cli_error("inspect", "-s '%s': not [[[domain]:]bus:][dev][.[fn]]", v);
			return -EINVAL;
		}
		break;
	case 'd':
		if (pg_cli_filter_id(&o->filter, v) < 0) {
			pg_cli_error("inspect", "-d '%s': not [vendor]:[device][:class]", v);
			return -EINVAL;
		}
		break;
	default: /* 1: an operand, kept in order with --dump */
		return parse_operand(v, in, nin);
	}
	return 0;
}

/* "-" first: operands come back in order (as 1) so BDFs and --dump files are read in the
 * order given; after "--" the rest are operands. */
static int parse_args(int argc, char **argv, struct inspect_opts *o, struct input *in,
		      size_t *nin, bool *help)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, OPT_JSON },
		{ "short", no_argument, NULL, OPT_SHORT },
		{ "tree", no_argument, NULL, OPT_TREE },
		{ "dot", no_argument, NULL, OPT_DOT },
		{ "fail-on-bridges", no_argument, NULL, OPT_BRIDGES },
		{ "sysfs-root", required_argument, NULL, OPT_SYSFS_ROOT },
		{ "color", required_argument, NULL, OPT_COLOR },
		{ "fail-on", required_argument, NULL, OPT_FAIL_ON },
		{ "dump", required_argument, NULL, OPT_DUMP },
		{ "slot", required_argument, NULL, 's' },
		{ "id", required_argument, NULL, 'd' },
		PG_CLI_OPT_HELP, { 0 }
	};
	static const struct pg_cli_parser parser = { "inspect", "-:hs:d:", longopts,
						     pg_cmd_inspect_usage };
	int c;

	pg_cli_filter_init(&o->filter);
	pg_cli_opts_begin();
	while ((c = pg_cli_next_opt(&parser, argc, argv)) != PG_OPT_END) {
		if (c == PG_OPT_HELP) {
			*help = true;
			return 0;
		}
		if (c == PG_OPT_BAD || parse_option(c, optarg, o, in, nin) < 0)
			return -EINVAL;
	}
	for (int i = optind; i < argc; i++)
		if (parse_operand(argv[i], in, nin) < 0)
			return -EINVAL;
	return 0;
}

/* ---- devices -------------------------------------------------------------------------- */

static void device_free(struct device *d)
{
	free(d->topo);
	pg_cfg_free(d->layout);
	free(d->name);
	memset(d, 0, sizeof(*d));
}

static void copy_name(struct device *d, unsigned i, const char *s)
{
	d->has_name[i] = s != NULL;
	if (s)
		snprintf(d->names[i], sizeof(d->names[i]), "%s", s);
}

static void device_report_dev(const struct device *d, struct pg_report_dev *rd)
{
	rd->source = d->source;
	rd->name = d->name;
	rd->slot = d->slot[0] ? d->slot : NULL;
	rd->layout = d->layout;
	rd->result = &d->result;
	rd->topology = d->topo;
	rd->names.vendor = d->has_name[0] ? d->names[0] : NULL;
	rd->names.device = d->has_name[1] ? d->names[1] : NULL;
	rd->names.subsystem = d->has_name[2] ? d->names[2] : NULL;
	rd->names.class_name = d->has_name[3] ? d->names[3] : NULL;
}

/* Append s to line with control characters replaced (names come from pci.ids). */
static void put_clean(char *line, size_t cap, const char *s)
{
	size_t used = strlen(line);

	for (; s && *s && used + 1 < cap; s++)
		line[used++] = (unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s;
	line[used] = '\0';
}

/* --short: "ADDRESS  NAME [vvvv:dddd]  WORST  code: why" */
static void emit_short(const struct device *d)
{
	const struct pg_inspect_result *r = &d->result;
	char line[512] = "";

	put_clean(line, sizeof(line), d->slot[0] && strcmp(d->slot, d->name) ? d->name : "");
	put_clean(line, sizeof(line), d->slot[0] && strcmp(d->slot, d->name) ? " " : "");
	put_clean(line, sizeof(line), d->slot[0] ? d->slot : d->name);
	put_clean(line, sizeof(line), "  ");
	put_clean(line, sizeof(line), d->has_name[3] ? d->names[3] : "Class");
	put_clean(line, sizeof(line), ": ");
	put_clean(line, sizeof(line), d->has_name[0] ? d->names[0] : "");
	put_clean(line, sizeof(line), d->has_name[0] && d->has_name[1] ? " " : "");
	put_clean(line, sizeof(line), d->has_name[1] ? d->names[1] : "");
	printf("%s [%04x:%04x]  ", line, d->layout->vendor, d->layout->device);
	if (!r->nfindings) {
		printf("none\n");
		return;
	}
	line[0] = '\0';
	put_clean(line, sizeof(line), r->findings[0].why);
	for (const char *s = pg_severity_name(r->worst); *s; s++)
		putchar(*s >= 'a' && *s <= 'z' ? *s - 'a' + 'A' : *s);
	printf("  %s: %s\n", pg_finding_name(r->findings[0].code), line);
}

static void emit_text(struct run *run, const struct device *d)
{
	struct pg_report_dev rd;
	char *text = NULL;
	int r;

	if (run->opts.one_line) {
		emit_short(d);
		run->ndevs++;
		return;
	}
	device_report_dev(d, &rd);
	rd.vfio = run->vfio;
	r = pg_report_text_flags(&rd, use_color(&run->opts) ? PG_REPORT_COLOR : 0, &text);
	if (r < 0) {
		pg_cli_error("inspect", "%s: cannot render report: %s", d->name, strerror(-r));
		run->out_error = true;
		return;
	}
	printf("%s%s", run->ndevs ? "\n" : "", text);
	run->ndevs++;
	free(text);
}

/* JSON: write the device as the next element of "devices" (the head first, once). One
 * device at a time, so memory stays flat whatever the number of devices. */
static void emit_json(struct run *run, const struct device *d)
{
	struct pg_report_dev rd;
	char *text = NULL;
	int r = 0;

	if (!run->json_open) {
		r = pg_report_json_head(&text);
		if (r == 0) {
			fputs(text, stdout);
			free(text);
			run->json_open = true;
		}
	}
	device_report_dev(d, &rd);
	rd.vfio = run->vfio;
	if (r == 0)
		r = pg_report_json_device(&rd, run->ndevs, &text);
	if (r < 0) {
		pg_cli_error("inspect", "%s: cannot render JSON: %s", d->name, strerror(-r));
		run->out_error = true;
		return;
	}
	fputs(text, stdout);
	run->ndevs++;
	free(text);
}

/* Take ownership of d: print it now (text or the next JSON element) and free it. */
/* Host bridges (class 06 00), PCI-to-PCI bridges (header type 1) and other bridges of
 * class 06 are never handed to a guest (`assign` refuses them) and every machine has
 * some, so when inspect enumerates the machine itself (no BDF, no --dump) their findings
 * do not trip --fail-on unless --fail-on-bridges: `pcigate inspect --fail-on high` then
 * judges what could be passed through. They are still reported. A device the user names
 * (BDF, vfio:BDF, --dump) always counts: asking about a bridge gets its HIGH "bridge". */
static bool is_bridge(const struct pg_cfg_layout *l)
{
	return (l->header_type & 0x7fu) == 1 || (l->class_code >> 16) == 0x06;
}

static int emit(struct run *run, struct device *d)
{
	const struct pg_inspect_result *res = &d->result;
	bool counts = run->opts.fail_on_set &&
		      (!run->enumerating || run->opts.fail_on_bridges || !is_bridge(d->layout));

	for (unsigned i = 0; counts && i < res->nfindings; i++)
		if (res->findings[i].severity >= run->opts.fail_on)
			run->failed_threshold = true;
	if (run->opts.json)
		emit_json(run, d);
	else
		emit_text(run, d);
	device_free(d);
	return 0;
}

/* A live device read in fewer than 256 bytes (Linux shows the rest of config space only
 * to CAP_SYS_ADMIN): its capabilities are out of sight, so "cfg-short" and "no-reset"
 * would blame the device for the reader's privilege. They are dropped and the run says
 * once, at the end, how to see everything. */
static void drop_unprivileged(struct run *run, struct device *d)
{
	struct pg_inspect_result *r = &d->result;
	unsigned k = 0;

	if (!run->unprivileged++)
		snprintf(run->first_short, sizeof(run->first_short), "%s", d->name);
	r->worst = PG_SEV_INFO;
	for (unsigned i = 0; i < r->nfindings; i++) {
		if (r->findings[i].code == PG_FIND_CFG_SHORT ||
		    r->findings[i].code == PG_FIND_NO_RESET)
			continue;
		r->findings[k++] = r->findings[i];
		if (r->findings[i].severity > r->worst)
			r->worst = r->findings[i].severity;
	}
	r->nfindings = k;
}

/* A live device's IOMMU group, driver, reset methods and ACS path; NULL (and a note)
 * when they cannot be read: the report is still worth having. Its identity comes from
 * the config the backend has read (l), which is not read a second time. */
static struct pg_topo_dev *read_topology(struct run *run, const char *bdf,
					 const struct pg_cfg_layout *l)
{
	struct pg_topo_dev *t = malloc(sizeof(*t));
	int r = t ? pg_topo_read_with(run->opts.sysfs_root, bdf, l, t) : -ENOMEM;

	if (r < 0) {
		pg_cli_warn("inspect", "%s: topology not read: %s", bdf, strerror(-r));
		free(t);
		return NULL;
	}
	return t;
}

/* Parse, inspect and name one device's config bytes, then emit it. A live device (name
 * is its BDF) has its surroundings read and inspected too. */
static int add_device(struct run *run, const char *source, const char *name, const char *slot,
		      const uint8_t *cfg, size_t len, const struct pg_cfg_bar_sizes *sizes,
		      bool live)
{
	struct device d = { 0 };
	struct pg_dev_names n;
	int r;

	d.source = source;
	d.name = strdup(name);
	if (!d.name)
		return -ENOMEM;
	snprintf(d.slot, sizeof(d.slot), "%s", slot ? slot : "");
	r = pg_cfg_parse(cfg, len, sizes, &d.layout);
	if (r < 0)
		goto fail;
	if (!pg_cli_filter_match(&run->opts.filter, slot, d.layout)) {
		device_free(&d); /* -s / -d: not one of the devices asked for */
		return 0;
	}
	r = pg_inspect(d.layout, &d.result);
	if (r < 0)
		goto fail;
	if (!strcmp(source, "sysfs") && len < PG_CFG_STD_LEN)
		drop_unprivileged(run, &d);
	if (live)
		d.topo = read_topology(run, name, d.layout);
	if (d.topo) {
		r = pg_inspect_topology(d.topo, d.layout, &d.result);
		if (r < 0)
			goto fail;
	}
	pg_names_lookup(run->names, d.layout, &n);
	copy_name(&d, 0, n.vendor);
	copy_name(&d, 1, n.device);
	copy_name(&d, 2, n.subsystem);
	copy_name(&d, 3, n.class_name);
	return emit(run, &d);
fail:
	device_free(&d);
	return r;
}

/* ---- inputs ----------------------------------------------------------------------------- */

static void read_bdf(struct run *run, const char *bdf)
{
	uint8_t cfg[PG_CFG_EXT_LEN];
	struct pg_cfg_bar_sizes sizes;
	struct pg_backend *be = NULL;
	int r;

	r = pg_backend_sysfs_open(bdf, 0, run->opts.sysfs_root, &be);
	if (r < 0) {
		pg_cli_error("inspect", "%s: %s", bdf, r == -ENODEV ? "no such PCI device" : strerror(-r));
		run->input_error = true;
		return;
	}
	r = pg_backend_snapshot(be, cfg, &sizes);
	pg_backend_close(be);
	if (r < 0) {
		pg_cli_error("inspect", "%s: cannot read config space: %s", bdf, strerror(-r));
		run->input_error = true;
		return;
	}
	r = add_device(run, "sysfs", bdf, bdf, cfg, (size_t)r, &sizes, true);
	if (r < 0) {
		pg_cli_error("inspect", "%s: %s", bdf, strerror(-r));
		run->input_error = true;
	}
}

/* A device bound to vfio-pci: the report with its VFIO section (what VFIO offers, the
 * MSI-X decision of a guest-profile mediator). Reads only: config region and region info. */
static void read_vfio(struct run *run, const char *bdf)
{
	uint8_t cfg[PG_CFG_EXT_LEN];
	struct pg_cfg_bar_sizes sizes;
	struct pg_report_vfio rv;
	struct pg_backend *be = NULL;
	int r;

	if (pg_cli_vfio_open("inspect", bdf, &be) < 0) {
		run->input_error = true;
		return;
	}
	r = pg_backend_snapshot(be, cfg, &sizes);
	if (r >= 0) {
		run->vfio = pg_report_vfio_read(be, &rv) == 0 ? &rv : NULL;
		r = add_device(run, "vfio", bdf, bdf, cfg, (size_t)r, &sizes, true);
		run->vfio = NULL;
	}
	if (r < 0) {
		pg_cli_error("inspect", "%s: %s", bdf, strerror(-r));
		run->input_error = true;
	}
	pg_backend_close(be);
}

struct dump_ctx {
	struct run *run;
	const char *path;
};

/* One device of a dump, reported as soon as the reader has it (memory stays flat). */
static int dump_dev(void *data, const struct pg_dump_dev *dev)
{
	struct dump_ctx *c = data;
	int r = add_device(c->run, "dump", c->path, dev->slot, dev->cfg, dev->len, &dev->sizes,
			   false);

	if (r < 0) {
		pg_cli_error("inspect", "%s:%u: %s", c->path, dev->line, strerror(-r));
		c->run->input_error = true;
	}
	return 0;
}

static void read_dump(struct run *run, const char *path)
{
	struct pg_dump_error err = { 0, "" };
	struct dump_ctx c = { run, path };
	int r;

	r = pg_dump_read_each(path, dump_dev, &c, NULL, &err);
	if (r < 0) {
		if (err.line)
			pg_cli_error("inspect", "%s:%u: %s", path, err.line, err.msg);
		else
			pg_cli_error("inspect", "%s: %s", path, err.msg[0] ? err.msg : strerror(-r));
		run->input_error = true;
	}
}

/* Every device of this machine, in BDF order. The list is read twice (count, then fill);
 * the slack absorbs devices hot-plugged in between. */
#define HOTPLUG_SLACK 16u

static void read_all(struct run *run)
{
	char (*bdfs)[13] = NULL;
	size_t n = 0, got = 0;
	int r;

	r = pg_sysfs_list(run->opts.sysfs_root, NULL, 0, &n);
	if (r >= 0 && n) {
		bdfs = calloc(n + HOTPLUG_SLACK, sizeof(*bdfs));
		r = bdfs ? pg_sysfs_list(run->opts.sysfs_root, bdfs, n + HOTPLUG_SLACK, &got)
			 : -ENOMEM;
	}
	if (r < 0) {
		pg_cli_error("inspect", "/sys/bus/pci/devices: %s", strerror(-r));
		run->input_error = true;
		free(bdfs);
		return;
	}
	run->enumerating = true;
	for (size_t i = 0; i < got; i++)
		read_bdf(run, bdfs[i]);
	run->enumerating = false;
	free(bdfs);
}

/* ---- output ----------------------------------------------------------------------------- */

/* Close the JSON document (writing the head first when no device was reported). */
static void end_json(struct run *run)
{
	char *head = NULL, *tail = NULL;
	int r = run->json_open ? 0 : pg_report_json_head(&head);

	if (r == 0)
		r = pg_report_json_tail(run->ndevs, &tail);
	if (r < 0) {
		pg_cli_error("inspect", "cannot render JSON: %s", strerror(-r));
		run->out_error = true;
	} else {
		printf("%s%s\n", head ? head : "", tail);
	}
	free(head);
	free(tail);
}

static int finish(struct run *run)
{
	if (run->opts.json)
		end_json(run);
	if (run->unprivileged)
		pg_cli_warn("inspect", "%s%s was read in 64 bytes only: without root "
			    "(CAP_SYS_ADMIN) the kernel hides the rest of config space, so "
			    "capabilities, resets and isolation are not judged (cfg-short and "
			    "no-reset are not reported); run `sudo pcigate inspect` for the full "
			    "report",
			run->first_short, run->unprivileged > 1 ? " (and others)" : "");
	if (fflush(stdout) != 0 || ferror(stdout)) {
		pg_cli_error("inspect", "cannot write the report: %s", strerror(errno));
		run->out_error = true;
	}
	if (run->input_error || run->out_error)
		return PG_EXIT_INPUT;
	return run->failed_threshold ? PG_EXIT_FINDING : PG_EXIT_OK;
}

int pg_cmd_inspect(int argc, char **argv)
{
	struct run run = { 0 };
	struct input *in;
	size_t nin = 0;
	bool help = false;
	int r;

	/* At most one input per argument. */
	in = calloc((size_t)argc, sizeof(*in));
	if (!in) {
		pg_cli_error("inspect", "out of memory");
		return PG_EXIT_INPUT;
	}
	if (parse_args(argc, argv, &run.opts, in, &nin, &help) < 0) {
		free(in);
		return PG_EXIT_USAGE;
	}
	if (help) {
		pg_cmd_inspect_usage(stdout);
		free(in);
		return PG_EXIT_OK;
	}
	if (pg_names_open(&run.names) < 0)
		run.names = NULL; /* reports simply carry no names */
	if (run.opts.tree || run.opts.dot) {
		if (nin || run.opts.json || (run.opts.tree && run.opts.dot)) {
			pg_cli_error("inspect", "--tree and --dot show every device of this machine, "
				   "alone (no BDF, --dump, --json, or each other)");
			r = PG_EXIT_USAGE;
		} else {
			r = pg_cli_topology(run.opts.sysfs_root, run.names, run.opts.dot);
		}
		pg_names_close(run.names);
		free(in);
		return r;
	}
	if (!nin)
		read_all(&run);
	for (size_t i = 0; i < nin; i++) {
		if (in[i].dump)
			read_dump(&run, in[i].arg);
		else if (in[i].vfio)
			read_vfio(&run, in[i].bdf);
		else
			read_bdf(&run, in[i].bdf);
	}
	r = finish(&run);
	pg_names_close(run.names);
	free(in);
	return r;
}
