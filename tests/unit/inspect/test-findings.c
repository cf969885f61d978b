/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Findings engine: synthetic config spaces, each with the exact set of finding codes it
 * must produce (table-driven), plus the API edges (NULL arguments, names, severities).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include "cfgbuild.h"

#define NONE (-1)
#define MAXC 6

struct fcase {
	const char *name;
	void (*build)(struct cfgbuild *c);
	int codes[MAXC];               /* expected codes, any order, NONE-terminated */
	int sev_code;                  /* a code whose severity is checked, or NONE */
	enum pg_severity sev;
};

/* ---- builders -------------------------------------------------------------------------- */

static void b_nvme(struct cfgbuild *c)
{
	cb_nvme(c);
}

static void b_nvme_sized(struct cfgbuild *c)
{
	cb_nvme(c);
	cb_size(c, 0, 0x4000); /* table page 0x2000 holds 528 table bytes + 3568 more */
	cb_size(c, 1, 0);
}

static void b_msix_leading(struct cfgbuild *c)
{
	cb_nvme(c);
	cb_w32(c, 0x54, 0x2800); /* table at 0x2800: 2 KiB of BAR0 precede it in its page */
}

static void b_msix_exact_pages(struct cfgbuild *c)
{
	/* 256 entries fill the last page of a 16 KiB BAR0; the 32-byte PBA fills a 32-byte
	 * BAR2: no byte of either page is anything but MSI-X. */
	cb_init(c, 0x8086, 0x1533, 0x020000, 0x00, PG_CFG_EXT_LEN);
	cb_bar64(c, 0, 0xfe000000);
	cb_bar32(c, 2, 0xfe100000);
	cb_size(c, 0, 0x4000);
	cb_size(c, 1, 0);
	cb_size(c, 2, 0x20);
	cb_msix(c, 0x50, 256, 0, 0x3000, 2, 0);
	cb_add_pcie(c, 0x70, PG_PCIE_ENDPOINT, true);
}

static void b_msix_bad_bir(struct cfgbuild *c)
{
	cb_nvme(c);
	cb_w32(c, 0x54, 0x2000 | 1); /* BAR1 is the upper half of 64-bit BAR0 */
}

/* BAR3 reads 0 and nothing sizes it: it may be a memory BAR the firmware never assigned
 * (I210/I211/I225 NICs, virtio functions), so MSI-X in it is no fault of the device. */
static void b_msix_zero_bar(struct cfgbuild *c)
{
	cb_nvme(c);
	cb_w32(c, 0x54, 0x2000 | 3);
}

static void b_root_port_acs(struct cfgbuild *c)
{
	cb_init(c, 0x8086, 0x1901, 0x060400, 0x01, PG_CFG_EXT_LEN);
	cb_pm(c, 0x40, false);
	cb_add_pcie(c, 0x60, PG_PCIE_ROOT_PORT, false);
	cb_add_ecap(c, 0x100, PG_ECAP_ACS, 1);
	cb_w16(c, 0x104, 0x001f);
}

static void b_root_port(struct cfgbuild *c)
{
	cb_init(c, 0x8086, 0x1901, 0x060400, 0x01, PG_CFG_EXT_LEN);
	cb_add_pcie(c, 0x60, PG_PCIE_ROOT_PORT, false);
	cb_add_ecap(c, 0x100, PG_ECAP_AER, 2);
}

static void b_downstream(struct cfgbuild *c)
{
	cb_init(c, 0x10b5, 0x8796, 0x060400, 0x01, PG_CFG_EXT_LEN);
	cb_add_pcie(c, 0x68, PG_PCIE_DOWNSTREAM, false);
}

static void b_host_bridge(struct cfgbuild *c)
{
	cb_init(c, 0x8086, 0x0d57, 0x060000, 0x00, PG_CFG_STD_LEN);
}

static void b_loop(struct cfgbuild *c)
{
	cb_init(c, 0x1234, 0x5678, 0x020000, 0x00, PG_CFG_EXT_LEN);
	cb_add_pcie(c, 0x40, PG_PCIE_ENDPOINT, true);
	cb_w8(c, 0x41, 0x40); /* next pointer back to itself */
}

static void b_ptr_low(struct cfgbuild *c)
{
	cb_init(c, 0x1234, 0x5678, 0x020000, 0x00, PG_CFG_EXT_LEN);
	cb_add_pcie(c, 0x40, PG_PCIE_ENDPOINT, true);
	cb_w8(c, 0x41, 0x20); /* next pointer into the header */
}

static void b_duplicate(struct cfgbuild *c)
{
	cb_init(c, 0x1234, 0x5678, 0x020000, 0x00, PG_CFG_EXT_LEN);
	cb_pm(c, 0x40, false);
	cb_pm(c, 0x48, false);
	cb_add_pcie(c, 0x60, PG_PCIE_ENDPOINT, true);
}

static void b_ecap_truncated_full(struct cfgbuild *c)
{
	cb_nvme(c);
	cb_add_ecap(c, 0xff8, PG_ECAP_SRIOV, 1); /* 0x40 bytes cannot fit before 0x1000 */
}

static void b_ecap_truncated_short(struct cfgbuild *c)
{
	cb_nvme(c);
	c->len = 0x110; /* a dump cut inside AER at 0x100 */
}

static void b_short64(struct cfgbuild *c)
{
	cb_nvme(c);
	c->len = PG_CFG_HDR_LEN;
}

static void b_pcie256(struct cfgbuild *c)
{
	cb_nvme(c);
	c->len = PG_CFG_STD_LEN;
}

static void b_no_reset(struct cfgbuild *c)
{
	cb_init(c, 0x1234, 0x5678, 0x020000, 0x00, PG_CFG_EXT_LEN);
	cb_pm(c, 0x40, true);
	cb_add_pcie(c, 0x60, PG_PCIE_ENDPOINT, false);
}

static void b_pm_reset(struct cfgbuild *c)
{
	cb_init(c, 0x1234, 0x5678, 0x020000, 0x00, PG_CFG_EXT_LEN);
	cb_pm(c, 0x40, false);
	cb_add_pcie(c, 0x60, PG_PCIE_ENDPOINT, false);
}

static void b_af_flr(struct cfgbuild *c)
{
	cb_init(c, 0x1234, 0x5678, 0x040300, 0x00, PG_CFG_STD_LEN);
	cb_pm(c, 0x40, true);
	cb_af(c, 0x50, true, true);
}

static void b_af_flr_no_tp(struct cfgbuild *c)
{
	cb_init(c, 0x1234, 0x5678, 0x040300, 0x00, PG_CFG_STD_LEN);
	cb_pm(c, 0x40, true);
	cb_af(c, 0x50, true, false);
}

static void b_vendor(struct cfgbuild *c)
{
	cb_nvme(c);
	cb_vndr(c, 0xb0, 8);
}

static void b_dvsec(struct cfgbuild *c)
{
	cb_nvme(c);
	cb_add_ecap(c, 0x140, PG_ECAP_DVSEC, 1);
	cb_w32(c, 0x144, 0x1e98 | 1u << 16 | 0x010u << 20);
}

static void b_ats(struct cfgbuild *c)
{
	cb_nvme(c);
	cb_add_ecap(c, 0x140, PG_ECAP_ATS, 1);
	cb_add_ecap(c, 0x180, PG_ECAP_PASID, 1);
}

static void b_sriov(struct cfgbuild *c)
{
	cb_nvme(c);
	cb_add_ecap(c, 0x140, PG_ECAP_SRIOV, 1);
	cb_w16(c, 0x14e, 64); /* TotalVFs */
}

static void b_multifunction(struct cfgbuild *c)
{
	cb_nvme(c);
	cb_w8(c, 0x0e, 0x80);
}

static void b_multifunction_acs(struct cfgbuild *c)
{
	b_multifunction(c);
	cb_add_ecap(c, 0x140, PG_ECAP_ACS, 1);
}

static void b_type1_wrong_class(struct cfgbuild *c)
{
	cb_init(c, 0x1234, 0x5678, 0x020000, 0x01, PG_CFG_STD_LEN);
}

static void b_type0_bridge_class(struct cfgbuild *c)
{
	cb_init(c, 0x1234, 0x5678, 0x060400, 0x00, PG_CFG_STD_LEN);
}

static void b_cardbus(struct cfgbuild *c)
{
	cb_init(c, 0x1180, 0x0476, 0x060700, 0x02, PG_CFG_STD_LEN);
}

static void b_unknown_hdr(struct cfgbuild *c)
{
	cb_init(c, 0x1234, 0x5678, 0x020000, 0x05, PG_CFG_STD_LEN);
}

static void b_all_ones(struct cfgbuild *c)
{
	memset(c, 0, sizeof(*c));
	memset(c->b, 0xff, PG_CFG_STD_LEN);
	c->len = PG_CFG_STD_LEN;
}

static void b_all_zero(struct cfgbuild *c)
{
	memset(c, 0, sizeof(*c));
	c->len = PG_CFG_STD_LEN;
}

/* ---- cases ----------------------------------------------------------------------------- */

static const struct fcase cases[] = {
	{ "healthy-nvme", b_nvme, { NONE }, NONE, 0 },
	{ "healthy-nvme-sized-bar", b_nvme_sized, { PG_FIND_MSIX_SHARED_PAGE, NONE },
	  PG_FIND_MSIX_SHARED_PAGE, PG_SEV_LOW },
	{ "msix-exact-pages", b_msix_exact_pages, { NONE }, NONE, 0 },
	{ "msix-leading-bytes", b_msix_leading, { PG_FIND_MSIX_SHARED_PAGE, NONE },
	  PG_FIND_MSIX_SHARED_PAGE, PG_SEV_MEDIUM },
	{ "msix-bad-bir", b_msix_bad_bir, { PG_FIND_MSIX_INVALID, NONE }, PG_FIND_MSIX_INVALID,
	  PG_SEV_HIGH },
	{ "msix-zero-bar-unsized", b_msix_zero_bar, { NONE }, NONE, 0 },
	{ "root-port-with-acs", b_root_port_acs, { PG_FIND_BRIDGE, NONE }, PG_FIND_BRIDGE,
	  PG_SEV_HIGH },
	{ "root-port-no-acs", b_root_port, { PG_FIND_BRIDGE, PG_FIND_NO_ACS, NONE },
	  PG_FIND_NO_ACS, PG_SEV_MEDIUM },
	{ "downstream-no-acs", b_downstream, { PG_FIND_BRIDGE, PG_FIND_NO_ACS, NONE }, NONE, 0 },
	{ "host-bridge", b_host_bridge, { PG_FIND_BRIDGE, NONE }, PG_FIND_BRIDGE, PG_SEV_HIGH },
	{ "cap-loop", b_loop, { PG_FIND_CHAIN_MALFORMED, NONE }, PG_FIND_CHAIN_MALFORMED,
	  PG_SEV_HIGH },
	{ "cap-ptr-low", b_ptr_low, { PG_FIND_CHAIN_MALFORMED, NONE }, NONE, 0 },
	{ "cap-duplicate", b_duplicate, { PG_FIND_CHAIN_MALFORMED, NONE }, NONE, 0 },
	{ "ecap-truncated-4096", b_ecap_truncated_full,
	  { PG_FIND_CHAIN_MALFORMED, PG_FIND_SRIOV_PF, NONE }, NONE, 0 },
	{ "ecap-truncated-short", b_ecap_truncated_short, { PG_FIND_CFG_SHORT, NONE },
	  PG_FIND_CFG_SHORT, PG_SEV_MEDIUM },
	{ "short-64", b_short64, { PG_FIND_CFG_SHORT, PG_FIND_NO_RESET, NONE }, NONE, 0 },
	{ "pcie-256", b_pcie256, { PG_FIND_CFG_SHORT, NONE }, NONE, 0 },
	{ "no-reset", b_no_reset, { PG_FIND_NO_RESET, NONE }, PG_FIND_NO_RESET, PG_SEV_MEDIUM },
	{ "pm-reset", b_pm_reset, { NONE }, NONE, 0 },
	{ "af-flr", b_af_flr, { NONE }, NONE, 0 },
	{ "af-flr-without-tp", b_af_flr_no_tp, { PG_FIND_NO_RESET, NONE }, NONE, 0 },
	{ "vendor-cap", b_vendor, { PG_FIND_VENDOR_CAP, NONE }, PG_FIND_VENDOR_CAP, PG_SEV_LOW },
	{ "dvsec", b_dvsec, { PG_FIND_VENDOR_CAP, NONE }, NONE, 0 },
	{ "ats-pasid", b_ats, { PG_FIND_ATS_PRI_PASID, NONE }, PG_FIND_ATS_PRI_PASID,
	  PG_SEV_MEDIUM },
	{ "sriov", b_sriov, { PG_FIND_SRIOV_PF, NONE }, PG_FIND_SRIOV_PF, PG_SEV_MEDIUM },
	{ "multifunction-no-acs", b_multifunction, { PG_FIND_NO_ACS, NONE }, NONE, 0 },
	{ "multifunction-acs", b_multifunction_acs, { NONE }, NONE, 0 },
	{ "type1-wrong-class", b_type1_wrong_class,
	  { PG_FIND_BRIDGE, PG_FIND_HEADER_CLASS, NONE }, PG_FIND_HEADER_CLASS, PG_SEV_MEDIUM },
	{ "type0-bridge-class", b_type0_bridge_class,
	  { PG_FIND_BRIDGE, PG_FIND_HEADER_CLASS, NONE }, NONE, 0 },
	{ "cardbus", b_cardbus, { PG_FIND_BRIDGE, PG_FIND_HEADER_UNSUPPORTED, NONE },
	  PG_FIND_HEADER_UNSUPPORTED, PG_SEV_HIGH },
	{ "unknown-header", b_unknown_hdr, { PG_FIND_HEADER_UNSUPPORTED, NONE }, NONE, 0 },
	{ "all-ones", b_all_ones, { PG_FIND_NO_DEVICE, NONE }, PG_FIND_NO_DEVICE, PG_SEV_HIGH },
	{ "all-zero", b_all_zero, { PG_FIND_NO_DEVICE, NONE }, NONE, 0 },
};

#define NCASES (sizeof(cases) / sizeof(cases[0]))

static void format_codes(const struct pg_inspect_result *r, char *buf, size_t n)
{
	size_t o = 0;

	buf[0] = '\0';
	for (unsigned i = 0; i < r->nfindings && o < n; i++)
		o += (size_t)snprintf(buf + o, n - o, "%s%s", i ? "," : "",
				      pg_finding_name(r->findings[i].code));
}

static void run_case(const struct fcase *fc)
{
	struct cfgbuild c;
	struct pg_cfg_layout *l = NULL;
	struct pg_inspect_result r;
	enum pg_severity worst = PG_SEV_INFO;
	unsigned expected = 0;
	char got[256];

	fc->build(&c);
	assert_int_equal(pg_cfg_parse(c.b, c.len, c.sizes.known ? &c.sizes : NULL, &l), 0);
	assert_int_equal(pg_inspect(l, &r), 0);
	format_codes(&r, got, sizeof(got));
	for (; expected < MAXC && fc->codes[expected] != NONE; expected++) {
		bool found = false;

		for (unsigned i = 0; i < r.nfindings; i++)
			found |= (int)r.findings[i].code == fc->codes[expected];
		if (!found)
			fail_msg("%s: expected %s, got [%s]", fc->name,
				 pg_finding_name((enum pg_finding_code)fc->codes[expected]), got);
	}
	if (r.nfindings != expected)
		fail_msg("%s: expected %u findings, got [%s]", fc->name, expected, got);
	for (unsigned i = 0; i < r.nfindings; i++) {
		const struct pg_finding *f = &r.findings[i];

		assert_true(f->why[0] != '\0');
		assert_null(strchr(f->why, '\n'));
		if (f->severity > worst)
			worst = f->severity;
		if (i)
			assert_true(r.findings[i - 1].severity >= f->severity); /* worst first */
		if ((int)f->code == fc->sev_code && f->severity != fc->sev)
			fail_msg("%s: %s has severity %s, expected %s", fc->name,
				 pg_finding_name(f->code), pg_severity_name(f->severity),
				 pg_severity_name(fc->sev));
	}
	assert_int_equal(r.worst, worst);
	pg_cfg_free(l);
}

static void test_cases(void **state)
{
	(void)state;
	for (size_t i = 0; i < NCASES; i++)
		run_case(&cases[i]);
}

/* The healthy NVMe must stay free of medium/high findings whatever the BAR sizes say. */
static void test_healthy_has_no_risk(void **state)
{
	static void (*const builds[])(struct cfgbuild *) = { b_nvme, b_nvme_sized, b_pm_reset };
	(void)state;

	for (size_t i = 0; i < sizeof(builds) / sizeof(builds[0]); i++) {
		struct cfgbuild c;
		struct pg_cfg_layout *l = NULL;
		struct pg_inspect_result r;

		builds[i](&c);
		assert_int_equal(pg_cfg_parse(c.b, c.len, &c.sizes, &l), 0);
		assert_int_equal(pg_inspect(l, &r), 0);
		assert_true(r.worst <= PG_SEV_LOW);
		pg_cfg_free(l);
	}
}

/* A why names what it found: the diagnostic and its offset, the MSI-X structure. */
static void test_why_text(void **state)
{
	struct cfgbuild c;
	struct pg_cfg_layout *l = NULL;
	struct pg_inspect_result r;
	(void)state;

	b_loop(&c);
	assert_int_equal(pg_cfg_parse(c.b, c.len, NULL, &l), 0);
	assert_int_equal(pg_inspect(l, &r), 0);
	assert_int_equal(r.nfindings, 1);
	assert_non_null(strstr(r.findings[0].why, "cap-loop at 0x041"));
	pg_cfg_free(l);

	b_msix_leading(&c);
	assert_int_equal(pg_cfg_parse(c.b, c.len, NULL, &l), 0);
	assert_int_equal(pg_inspect(l, &r), 0);
	assert_int_equal(r.nfindings, 1);
	assert_int_equal(r.findings[0].offset, 0x50);
	assert_non_null(strstr(r.findings[0].why, "table (BAR0+0x2800)"));
	assert_non_null(strstr(r.findings[0].why, "2048 other BAR bytes before it"));
	pg_cfg_free(l);
}

/* The first finding named code, or NULL. */
static const struct pg_finding *finding(const struct pg_inspect_result *r,
					enum pg_finding_code code)
{
	for (unsigned i = 0; i < r->nfindings; i++)
		if (r->findings[i].code == code)
			return &r->findings[i];
	return NULL;
}

/* A table of 16 entries (256 bytes) at BAR0+0 and the PBA at +0x800: 1792 bytes between
 * them share the page. Without BAR0's size nothing after the PBA can be counted, so the
 * count is a lower bound and must say so; with the size it is exact (and larger). */
static void test_msix_shared_bound(void **state)
{
	struct cfgbuild c;
	struct pg_cfg_layout *l = NULL;
	struct pg_inspect_result r;
	const struct pg_finding *f;
	(void)state;

	cb_init(&c, 0x8086, 0x1533, 0x020000, 0x00, PG_CFG_EXT_LEN);
	cb_bar32(&c, 0, 0xfe000000);
	cb_msix(&c, 0x50, 16, 0, 0, 0, 0x800);
	cb_add_pcie(&c, 0x70, PG_PCIE_ENDPOINT, true);
	assert_int_equal(pg_cfg_parse(c.b, c.len, NULL, &l), 0);
	assert_int_equal(pg_inspect(l, &r), 0);
	assert_non_null(f = finding(&r, PG_FIND_MSIX_SHARED_PAGE));
	assert_int_equal(f->severity, PG_SEV_LOW);
	assert_non_null(strstr(f->why, "at least 1792 BAR bytes"));
	assert_non_null(strstr(f->why, "BAR size unknown"));
	pg_cfg_free(l);

	cb_size(&c, 0, 0x4000);
	assert_int_equal(pg_cfg_parse(c.b, c.len, &c.sizes, &l), 0);
	assert_int_equal(pg_inspect(l, &r), 0);
	assert_non_null(f = finding(&r, PG_FIND_MSIX_SHARED_PAGE));
	/* 1792 between, plus 4096 - 0x808 after the PBA's 8 bytes = 3832 */
	assert_non_null(strstr(f->why, "spans 3832 BAR bytes"));
	assert_null(strstr(f->why, "at least"));
	pg_cfg_free(l);
}

/* no-acs on a conventional multi-function device read in full: ACS is an extended
 * capability, which a conventional function cannot have, so the reason is the function's
 * kind, not a short read (the old text blamed "extended config not visible"). */
static void test_no_acs_conventional(void **state)
{
	struct cfgbuild c;
	struct pg_cfg_layout *l = NULL;
	struct pg_inspect_result r;
	const struct pg_finding *f;
	(void)state;

	cb_init(&c, 0x8086, 0x2668, 0x040300, 0x80, PG_CFG_EXT_LEN);
	cb_pm(&c, 0x50, false);
	assert_int_equal(pg_cfg_parse(c.b, c.len, NULL, &l), 0);
	assert_int_equal(pg_inspect(l, &r), 0);
	assert_non_null(f = finding(&r, PG_FIND_NO_ACS));
	assert_non_null(strstr(f->why, "conventional PCI: no extended config space"));
	assert_null(strstr(f->why, "not visible"));
	pg_cfg_free(l);

	/* A PCIe multi-function device read in 256 bytes: there it is the short read. */
	cb_init(&c, 0x8086, 0x1521, 0x020000, 0x80, PG_CFG_STD_LEN);
	cb_add_pcie(&c, 0x70, PG_PCIE_ENDPOINT, true);
	assert_int_equal(pg_cfg_parse(c.b, c.len, NULL, &l), 0);
	assert_int_equal(pg_inspect(l, &r), 0);
	assert_non_null(f = finding(&r, PG_FIND_NO_ACS));
	assert_non_null(strstr(f->why, "(extended config not visible)"));
	pg_cfg_free(l);
}

/* Host and ISA bridges on a type 0 header are bridges, named by their class; a function
 * whose Vendor ID reads 0xffff is no device, whatever else it holds. */
static void test_bridge_and_vendor(void **state)
{
	struct cfgbuild c;
	struct pg_cfg_layout *l = NULL;
	struct pg_inspect_result r;
	const struct pg_finding *f;
	(void)state;

	cb_init(&c, 0x8086, 0x7000, 0x060100, 0x80, PG_CFG_STD_LEN);
	assert_int_equal(pg_cfg_parse(c.b, c.len, NULL, &l), 0);
	assert_int_equal(pg_inspect(l, &r), 0);
	assert_non_null(f = finding(&r, PG_FIND_BRIDGE));
	assert_non_null(strstr(f->why, "ISA bridge (header type 0, class 0601)"));
	assert_null(finding(&r, PG_FIND_NO_RESET)); /* not reported for bridges */
	pg_cfg_free(l);

	cb_init(&c, 0xffff, 0x1234, 0x020000, 0x00, PG_CFG_STD_LEN);
	assert_int_equal(pg_cfg_parse(c.b, c.len, NULL, &l), 0);
	assert_int_equal(pg_inspect(l, &r), 0);
	assert_int_equal(r.nfindings, 1);
	assert_int_equal(r.findings[0].code, PG_FIND_NO_DEVICE);
	assert_non_null(strstr(r.findings[0].why, "Vendor ID reads 0xffff"));
	pg_cfg_free(l);
}

/* Findings from a live device's surroundings: a shared IOMMU group and an ACS gap above,
 * each once, sorted in; nothing for a device alone behind isolating bridges, nor for a
 * bridge. */
static void test_topology_findings(void **state)
{
	struct pg_topo_dev *t = calloc(1, sizeof(*t));
	struct pg_cfg_layout *l = NULL;
	struct pg_inspect_result r;
	struct cfgbuild c;
	(void)state;

	assert_non_null(t);
	b_nvme(&c);
	assert_int_equal(pg_cfg_parse(c.b, c.len, NULL, &l), 0);
	snprintf(t->bdf, sizeof(t->bdf), "0000:04:00.1");
	t->iommu_group = 8;
	t->ngroup = 2;
	snprintf(t->group[0], 13, "0000:04:00.0");
	snprintf(t->group[1], 13, "0000:04:00.1");
	t->nupstream = 1;
	snprintf(t->upstream[0].bdf, 13, "0000:00:1d.0");
	t->upstream[0].why = "no ACS capability";
	t->acs = PG_TOPO_ACS_GAP;
	assert_int_equal(pg_inspect(l, &r), 0);
	assert_int_equal(pg_inspect_topology(t, l, &r), 0);
	assert_non_null(finding(&r, PG_FIND_IOMMU_SHARED));
	assert_non_null(strstr(finding(&r, PG_FIND_IOMMU_SHARED)->why, "first 0000:04:00.0"));
	assert_non_null(strstr(finding(&r, PG_FIND_ACS_GAP)->why, "0000:00:1d.0 (no ACS"));
	assert_int_equal(r.worst, PG_SEV_MEDIUM);
	for (unsigned i = 1; i < r.nfindings; i++)
		assert_true(r.findings[i - 1].severity >= r.findings[i].severity);
	assert_string_equal(pg_finding_name(PG_FIND_IOMMU_SHARED), "iommu-group-shared");
	assert_string_equal(pg_finding_name(PG_FIND_ACS_GAP), "acs-gap");

	/* alone, isolated: nothing added */
	t->ngroup = 1;
	snprintf(t->group[0], 13, "0000:04:00.1");
	t->acs = PG_TOPO_ACS_ISOLATED;
	assert_int_equal(pg_inspect(l, &r), 0);
	assert_int_equal(pg_inspect_topology(t, l, &r), 0);
	assert_null(finding(&r, PG_FIND_IOMMU_SHARED));
	assert_null(finding(&r, PG_FIND_ACS_GAP));
	pg_cfg_free(l);

	/* a bridge is not passed through: no topology findings either */
	b_root_port(&c);
	assert_int_equal(pg_cfg_parse(c.b, c.len, NULL, &l), 0);
	t->acs = PG_TOPO_ACS_GAP;
	t->ngroup = 2;
	assert_int_equal(pg_inspect(l, &r), 0);
	assert_int_equal(pg_inspect_topology(t, l, &r), 0);
	assert_null(finding(&r, PG_FIND_ACS_GAP));
	assert_int_equal(pg_inspect_topology(NULL, l, &r), -EINVAL);
	pg_cfg_free(l);
	free(t);
}

static void test_null_args(void **state)
{
	struct pg_inspect_result r;
	struct cfgbuild c;
	struct pg_cfg_layout *l = NULL;
	(void)state;

	memset(&r, 0xa5, sizeof(r));
	assert_int_equal(pg_inspect(NULL, &r), -EINVAL);
	assert_int_equal(r.nfindings, 0xa5a5a5a5u); /* untouched on failure */
	b_nvme(&c);
	assert_int_equal(pg_cfg_parse(c.b, c.len, NULL, &l), 0);
	assert_int_equal(pg_inspect(l, NULL), -EINVAL);
	pg_cfg_free(l);
}

static void test_names(void **state)
{
	(void)state;
	for (unsigned i = 0; i < PG_FIND__COUNT; i++) {
		const char *n = pg_finding_name((enum pg_finding_code)i);

		assert_string_not_equal(n, "unknown");
		for (unsigned j = 0; j < i; j++)
			assert_string_not_equal(n, pg_finding_name((enum pg_finding_code)j));
	}
	assert_string_equal(pg_finding_name(PG_FIND_BRIDGE), "bridge");
	assert_string_equal(pg_finding_name(PG_FIND_MSIX_INVALID), "msix-invalid");
	assert_string_equal(pg_finding_name(PG_FIND__COUNT), "unknown");
	assert_string_equal(pg_finding_name((enum pg_finding_code)-1), "unknown");
}

/* Every finding says what to do: a non-empty line, no newline (the text report prints it
 * on its own "fix:" line), and nothing for codes that do not exist. */
static void test_remedies(void **state)
{
	(void)state;
	for (unsigned i = 0; i < PG_FIND__COUNT; i++) {
		const char *r = pg_finding_remedy((enum pg_finding_code)i);

		assert_non_null(r);
		if (!*r)
			fail_msg("finding %s has no remedy",
				 pg_finding_name((enum pg_finding_code)i));
		assert_null(strchr(r, '\n'));
	}
	assert_string_equal(pg_finding_remedy(PG_FIND_NO_ACS),
			    "pass through only with its whole IOMMU group, or use a slot behind an "
			    "ACS-capable port");
	assert_string_equal(pg_finding_remedy(PG_FIND__COUNT), "");
	assert_string_equal(pg_finding_remedy((enum pg_finding_code)-1), "");
}

static void test_severity(void **state)
{
	static const char *const names[] = { "info", "low", "medium", "high" };
	static const char *const upper[] = { "INFO", "Low", "MEDIUM", "HiGh" };
	static const char *const bad[] = { "", "hi", "high ", "critical", "0", "HIGHER" };
	enum pg_severity s = PG_SEV_LOW;
	(void)state;

	for (unsigned i = 0; i < 4; i++) {
		assert_string_equal(pg_severity_name((enum pg_severity)i), names[i]);
		assert_int_equal(pg_severity_parse(names[i], &s), 0);
		assert_int_equal(s, i);
		/* any case: reports print "HIGH", and users type what they read */
		assert_int_equal(pg_severity_parse(upper[i], &s), 0);
		assert_int_equal(s, i);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		s = PG_SEV_LOW;
		assert_int_equal(pg_severity_parse(bad[i], &s), -EINVAL);
		assert_int_equal(s, PG_SEV_LOW);
	}
	assert_int_equal(pg_severity_parse(NULL, &s), -EINVAL);
	assert_int_equal(pg_severity_parse("low", NULL), -EINVAL);
	assert_string_equal(pg_severity_name((enum pg_severity)7), "unknown");
}

/* Every real dump in the corpus inspects without error, and no finding set is garbage. */
static void test_corpus_smoke(void **state)
{
	const char *dir = getenv("PG_CORPUS");
	const char *files[] = {
		"1022-1414_amd-family-15h-models-10h-1fh-processor-root-por_4096.txt",
		"1000-0072_broadcom-lsi-sas2008-pci-express-fusion-mpt-sas_4096.txt",
		"ffff-ffff_dead-device-all-ff_256.txt",
	};
	(void)state;

	if (!dir)
		skip();
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		char path[1024];
		struct pg_dump_dev *devs = NULL;
		struct pg_cfg_layout *l = NULL;
		struct pg_inspect_result r;
		size_t n = 0;

		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		if (pg_dump_read_file(path, &devs, &n, NULL) < 0)
			skip(); /* corpus not present in this checkout */
		assert_int_equal(pg_cfg_parse(devs[0].cfg, devs[0].len, &devs[0].sizes, &l), 0);
		assert_int_equal(pg_inspect(l, &r), 0);
		assert_true(r.nfindings > 0);
		if (i == 0)
			assert_int_equal(r.findings[0].code, PG_FIND_BRIDGE);
		if (i == 1)
			assert_int_equal(r.findings[0].code, PG_FIND_MSIX_SHARED_PAGE);
		if (i == 2)
			assert_int_equal(r.findings[0].code, PG_FIND_NO_DEVICE);
		pg_cfg_free(l);
		free(devs);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_healthy_has_no_risk),
		cmocka_unit_test(test_why_text),
		cmocka_unit_test(test_msix_shared_bound),
		cmocka_unit_test(test_no_acs_conventional),
		cmocka_unit_test(test_bridge_and_vendor),
		cmocka_unit_test(test_topology_findings),
		cmocka_unit_test(test_null_args),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_remedies),
		cmocka_unit_test(test_severity),
		cmocka_unit_test(test_corpus_smoke),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
