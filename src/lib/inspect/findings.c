/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Passthrough-safety findings. One table row per finding: {code, name, default severity,
 * check}. A check looks only at the parsed layout (never at a device), so it is as safe
 * against hostile bytes as the parser it sits on: every structure it reads was bounded and
 * clamped there, and the arithmetic here is done in 64 bits on values the parser already
 * masked. Each check reports at most one finding of its code; the why names the first
 * cause and how many more there were.
 *
 * Rules and their threat model are in docs/pcigate.1.scd (FINDINGS); keep both in step.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "inspect-private.h"

#define CLASS_PCI_BRIDGE 0x0604u
#define CLASS_SEMI_PCI_BRIDGE 0x0609u
#define HDR_TYPE_BYTES 0x10u        /* bytes needed to know class and header type */
#define MSIX_ENTRY_BYTES 16u
#define MSIX_PBA_BITS_PER_QWORD 64u

struct hit {
	bool found;
	enum pg_severity severity;  /* preset to the row's default; a check may change it */
	uint16_t offset;
	char why[sizeof(((struct pg_finding *)0)->why)];
};

struct finding_rule {
	const char *name;
	enum pg_severity severity;
	void (*check)(const struct pg_cfg_layout *l, struct hit *h);
	const char *remedy;  /* one line: what an administrator can do about it */
};

__attribute__((format(printf, 3, 4)))
static void hit_set(struct hit *h, uint16_t off, const char *fmt, ...)
{
	va_list ap;

	h->found = true;
	h->offset = off;
	va_start(ap, fmt);
	vsnprintf(h->why, sizeof(h->why), fmt, ap);
	va_end(ap);
}

static const struct pg_diag *find_diag(const struct pg_cfg_layout *l, enum pg_diag_code code)
{
	for (uint16_t i = 0; i < l->ndiags && i < PG_CFG_MAX_DIAGS; i++)
		if (l->diags[i].code == code)
			return &l->diags[i];
	return NULL;
}

static const struct pg_cap *decoded_cap(const struct pg_cfg_layout *l, bool ext, uint16_t id)
{
	const struct pg_cap *c = pg_cfg_find_cap(l, ext, id);

	return c && c->decoded ? c : NULL;
}

/* Class and header type are only known once the first 16 bytes exist. */
static bool no_device_diag(const struct pg_cfg_layout *l)
{
	return find_diag(l, PG_DIAG_CFG_ALL_ONES) || find_diag(l, PG_DIAG_CFG_ALL_ZERO) ||
	       find_diag(l, PG_DIAG_VENDOR_INVALID);
}

static bool header_known(const struct pg_cfg_layout *l)
{
	return l->len >= HDR_TYPE_BYTES && !no_device_diag(l);
}

/* The same rule the mediator refuses by (pg_cfg_bridge_kind()). */
static bool is_bridge(const struct pg_cfg_layout *l)
{
	return header_known(l) && pg_cfg_bridge_kind(l) != NULL;
}

static bool is_short(const struct pg_cfg_layout *l)
{
	return l->len < PG_CFG_STD_LEN;
}

/* ---- no-device, header-unsupported, bridge, header-class-mismatch --------------------- */

static void check_no_device(const struct pg_cfg_layout *l, struct hit *h)
{
	if (find_diag(l, PG_DIAG_CFG_ALL_ONES))
		hit_set(h, 0, "config space reads all ones: no device answers "
			      "(absent, powered off or behind a dead link)");
	else if (find_diag(l, PG_DIAG_CFG_ALL_ZERO))
		hit_set(h, 0, "config space reads all zeros: no usable device");
	else if (find_diag(l, PG_DIAG_VENDOR_INVALID))
		hit_set(h, 0, "Vendor ID reads 0x%04x: no function answers (a torn read, a "
			      "function in reset, or a crafted dump)", l->vendor);
}

static void check_header_unsupported(const struct pg_cfg_layout *l, struct hit *h)
{
	const struct pg_diag *d;

	if ((d = find_diag(l, PG_DIAG_HDR_CARDBUS)))
		hit_set(h, d->offset, "CardBus bridge header (type 2): recognised, not modelled");
	else if ((d = find_diag(l, PG_DIAG_HDR_UNKNOWN)))
		hit_set(h, d->offset, "header type 0x%02x is not 0, 1 or 2: nothing past 0x10 "
				      "can be interpreted", l->header_type & 0x7fu);
}

static void check_bridge(const struct pg_cfg_layout *l, struct hit *h)
{
	unsigned cls = (unsigned)(l->class_code >> 8);
	const char *what;

	if (!header_known(l) || !(what = pg_cfg_bridge_kind(l)))
		return;
	hit_set(h, 0, "%s (header type %u, class %04x): bridges are not assignable", what,
		l->header_type & 0x7fu, cls);
}

static void check_header_class(const struct pg_cfg_layout *l, struct hit *h)
{
	unsigned cls = (unsigned)(l->class_code >> 8);
	bool bridge_class = cls == CLASS_PCI_BRIDGE || cls == CLASS_SEMI_PCI_BRIDGE;

	if (!header_known(l))
		return;
	/* Software picks the header layout from the type and the driver from the class: a
	 * mismatch means one of them lies, and whoever trusts the wrong one misreads the
	 * registers at 0x10-0x3f (BARs versus bus numbers and windows). */
	if (l->kind == PG_HDR_BRIDGE && !bridge_class)
		hit_set(h, 0x0e, "type 1 (bridge) header but class %04x, not 0604/0609", cls);
	else if (l->kind == PG_HDR_ENDPOINT && bridge_class)
		hit_set(h, 0x0e, "type 0 header but PCI-to-PCI bridge class %04x", cls);
}

/* ---- chain problems: cap-chain-malformed, cfg-short, msix-invalid ---------------------- */

/* Chain diagnostics. short_below: when the dump holds fewer bytes than this, the anomaly is
 * what any cut dump shows (a pointer or capability beyond the bytes we have), so it is
 * cfg-short rather than a malformed chain. 0: always malformed. */
static const struct chain_diag {
	enum pg_diag_code code;
	uint16_t short_below;
} chain_diags[] = {
	{ PG_DIAG_CAP_PTR_LOW, 0 },        { PG_DIAG_CAP_PTR_MISALIGNED, 0 },
	{ PG_DIAG_CAP_PTR_PAST_END, PG_CFG_STD_LEN },
	{ PG_DIAG_CAP_LOOP, 0 },           { PG_DIAG_CAP_TTL, 0 },
	{ PG_DIAG_CAP_BROKEN, 0 },         { PG_DIAG_CAP_OVERLAP, 0 },
	{ PG_DIAG_CAP_TRUNCATED, PG_CFG_STD_LEN },
	{ PG_DIAG_ECAP_PTR_LOW, 0 },       { PG_DIAG_ECAP_PTR_MISALIGNED, 0 },
	{ PG_DIAG_ECAP_PTR_PAST_END, PG_CFG_EXT_LEN },
	{ PG_DIAG_ECAP_LOOP, 0 },          { PG_DIAG_ECAP_TTL, 0 },
	{ PG_DIAG_ECAP_BROKEN, 0 },        { PG_DIAG_ECAP_OVERLAP, 0 },
	{ PG_DIAG_ECAP_TRUNCATED, PG_CFG_EXT_LEN },
	{ PG_DIAG_CAP_DUPLICATE, 0 },
};

enum diag_class { DIAG_OTHER, DIAG_MALFORMED, DIAG_SHORT };

static enum diag_class classify(const struct pg_cfg_layout *l, const struct pg_diag *d)
{
	for (size_t i = 0; i < sizeof(chain_diags) / sizeof(chain_diags[0]); i++) {
		if (chain_diags[i].code != d->code)
			continue;
		return l->len < chain_diags[i].short_below ? DIAG_SHORT : DIAG_MALFORMED;
	}
	if (d->code == PG_DIAG_CFG_SHORT)
		return DIAG_SHORT;
	return DIAG_OTHER;
}

/* Report the first diagnostic accepted by want() and count the others. */
static void report_diags(const struct pg_cfg_layout *l, struct hit *h,
			 bool (*want)(const struct pg_cfg_layout *, const struct pg_diag *))
{
	const struct pg_diag *first = NULL;
	unsigned more = 0;

	for (uint16_t i = 0; i < l->ndiags && i < PG_CFG_MAX_DIAGS; i++) {
		if (!want(l, &l->diags[i]))
			continue;
		if (!first)
			first = &l->diags[i];
		else
			more++;
	}
	if (!first)
		return;
	if (more)
		hit_set(h, first->offset, "%s at 0x%03x: %s (+%u more)", pg_diag_name(first->code),
			first->offset, first->detail, more);
	else
		hit_set(h, first->offset, "%s at 0x%03x: %s", pg_diag_name(first->code),
			first->offset, first->detail);
}

static bool want_malformed(const struct pg_cfg_layout *l, const struct pg_diag *d)
{
	return classify(l, d) == DIAG_MALFORMED;
}

static bool want_short(const struct pg_cfg_layout *l, const struct pg_diag *d)
{
	return classify(l, d) == DIAG_SHORT;
}

static bool want_msix(const struct pg_cfg_layout *l, const struct pg_diag *d)
{
	(void)l;
	return d->code == PG_DIAG_MSIX_BIR || d->code == PG_DIAG_MSIX_BAR_SMALL ||
	       d->code == PG_DIAG_MSIX_OVERLAP;
}

static void check_chain_malformed(const struct pg_cfg_layout *l, struct hit *h)
{
	report_diags(l, h, want_malformed);
}

static void check_msix_invalid(const struct pg_cfg_layout *l, struct hit *h)
{
	report_diags(l, h, want_msix);
}

/* Extended config space exists for PCIe functions and PCI-X mode 2 (PCI-X 2.0 §7.2). */
static const char *ext_space_owner(const struct pg_cfg_layout *l)
{
	const struct pg_cap *pcix = decoded_cap(l, false, PG_CAP_PCIX);

	if (pg_cfg_find_cap(l, false, PG_CAP_EXP))
		return "PCIe";
	if (pcix && pcix->info.pcix.mode2)
		return "PCI-X mode 2";
	return NULL;
}

static void check_cfg_short(const struct pg_cfg_layout *l, struct hit *h)
{
	const char *owner = ext_space_owner(l);

	report_diags(l, h, want_short);
	if (h->found || !owner || l->len >= PG_CFG_EXT_LEN)
		return;
	/* The device has 4096 bytes but we see fewer: capabilities that matter here (ACS,
	 * SR-IOV, ATS, vendor-specific) may hide in what we cannot see. */
	hit_set(h, l->len, "%s function but only %u of 4096 config bytes: extended "
			   "capabilities are not visible", owner, l->len);
}

/* ---- reset, isolation and feature findings ---------------------------------------------- */

static bool has_flr(const struct pg_cfg_layout *l)
{
	const struct pg_cap *exp = decoded_cap(l, false, PG_CAP_EXP);
	const struct pg_cap *af = decoded_cap(l, false, PG_CAP_AF);

	/* AF FLR is only usable with TP, which tells when outstanding transactions are done
	 * (PCI AF ECN; Linux pci_af_flr()). */
	return (exp && exp->info.pcie.flr) || (af && af->info.af.flr && af->info.af.tp);
}

static void check_no_reset(const struct pg_cfg_layout *l, struct hit *h)
{
	const struct pg_cap *pm = decoded_cap(l, false, PG_CAP_PM);

	if (!header_known(l) || l->kind != PG_HDR_ENDPOINT || is_bridge(l))
		return;
	/* A D3hot->D0 transition resets the function only when NoSoftRst is clear. Without
	 * FLR or that, only a secondary bus reset remains, which also resets every other
	 * function below the same bridge, and state can leak from one VM to the next. */
	if (has_flr(l) || (pm && !pm->info.pm.no_soft_reset))
		return;
	hit_set(h, pm ? pm->offset : 0, "no FLR (PCIe or AF) and %s: only a bus reset is left%s",
		pm ? "PM NoSoftRst+ (D3hot->D0 keeps state)" : "no PM capability",
		is_short(l) ? " (config is short: capabilities may be missing)" : "");
}

/* Why ACS may be missing from what we see: ACS is an extended capability, which a
 * conventional function cannot have at all, and a PCIe function may have beyond a short
 * read. Nothing to add when the whole extended space was examined. */
static const char *acs_visibility(const struct pg_cfg_layout *l)
{
	if (!ext_space_owner(l))
		return " (conventional PCI: no extended config space, so no ACS)";
	if (!l->ext_walked || l->len < PG_CFG_EXT_LEN)
		return " (extended config not visible)";
	return "";
}

static void check_no_acs(const struct pg_cfg_layout *l, struct hit *h)
{
	const struct pg_cap *exp = decoded_cap(l, false, PG_CAP_EXP);
	const char *what = NULL;

	if (!header_known(l))
		return;
	if (exp && exp->info.pcie.port_type == PG_PCIE_ROOT_PORT)
		what = "PCIe root port";
	else if (exp && exp->info.pcie.port_type == PG_PCIE_DOWNSTREAM)
		what = "PCIe downstream port";
	else if (l->multifunction)
		what = "multi-function device";
	if (!what || pg_cfg_find_cap(l, true, PG_ECAP_ACS))
		return;
	hit_set(h, exp ? exp->offset : 0x0e, "%s without ACS: peer-to-peer requests can bypass "
					     "the IOMMU%s", what, acs_visibility(l));
}

static void check_vendor_cap(const struct pg_cfg_layout *l, struct hit *h)
{
	const struct pg_cap *first = NULL;
	unsigned n = 0;

	for (uint16_t i = 0; i < l->ncaps && i < PG_CFG_MAX_CAPS; i++) {
		const struct pg_cap *c = &l->caps[i];
		bool vndr = c->extended ? (c->id == PG_ECAP_VNDR || c->id == PG_ECAP_DVSEC)
					: c->id == PG_CAP_VNDR;

		if (!vndr)
			continue;
		if (!first)
			first = c;
		n++;
	}
	if (first)
		hit_set(h, first->offset, "%u vendor-specific capabilit%s (first: %s at 0x%03x): "
					  "opaque registers a guest could poke", n,
			n == 1 ? "y" : "ies", first->name, first->offset);
}

static void check_ats_pri_pasid(const struct pg_cfg_layout *l, struct hit *h)
{
	static const struct { uint16_t id; const char *name; } feats[] = {
		{ PG_ECAP_ATS, "ATS" }, { PG_ECAP_PRI, "PRI" }, { PG_ECAP_PASID, "PASID" },
	};
	char list[32] = "";
	uint16_t off = 0;

	for (size_t i = 0; i < sizeof(feats) / sizeof(feats[0]); i++) {
		const struct pg_cap *c = pg_cfg_find_cap(l, true, feats[i].id);
		size_t used = strlen(list);

		if (!c)
			continue;
		if (!off)
			off = c->offset;
		snprintf(list + used, sizeof(list) - used, "%s%s", used ? "/" : "", feats[i].name);
	}
	if (off)
		hit_set(h, off, "%s: the device translates addresses itself; needs an IOMMU "
				"that handles device-side translation", list);
}

static void check_sriov(const struct pg_cfg_layout *l, struct hit *h)
{
	const struct pg_cap *c = pg_cfg_find_cap(l, true, PG_ECAP_SRIOV);

	if (!c)
		return;
	if (c->decoded)
		hit_set(h, c->offset, "SR-IOV physical function (TotalVFs %u): its VFs share the "
				      "PF's fate (reset, driver, firmware)",
			c->info.sriov.total_vfs);
	else
		hit_set(h, c->offset, "SR-IOV physical function: its VFs share the PF's fate "
				      "(reset, driver, firmware)");
}

/* ---- msix-shared-page --------------------------------------------------------------------- */

struct msix_struct {
	const char *what;
	uint8_t bir;
	uint64_t start, end;  /* [start, end) within the BAR */
	bool usable;          /* BIR names a memory BAR of this header */
};

/* What a page holding an MSI-X structure also holds, in BAR bytes. */
struct page_share {
	uint64_t leading;   /* before the first MSI-X byte in the page */
	uint64_t between;   /* between two MSI-X structures */
	uint64_t trailing;  /* after the last MSI-X byte, up to the end of the page and BAR */
};

static bool msix_bar_usable(const struct pg_cfg_layout *l, uint8_t bir)
{
	enum pg_bar_kind k;

	if (bir >= l->nbars || bir >= PG_CFG_ROM_BAR)
		return false;
	k = l->bars[bir].kind;
	return k == PG_BAR_MEM32 || k == PG_BAR_MEM64 || k == PG_BAR_MEM_BELOW1M ||
	       k == PG_BAR_UNKNOWN;
}

/* Measure one page [p, p + 4 KiB) clipped to lim (the BAR end, or the page end when the
 * BAR size is unknown) against the MSI-X structures s[0..n) of the same BAR. */
static void measure_page(uint64_t p, uint64_t lim, bool lim_known, const struct msix_struct *s,
			 size_t n, struct page_share *ps)
{
	uint64_t a[2], b[2];
	size_t k = 0;

	for (size_t i = 0; i < n && k < 2; i++) {
		uint64_t lo = s[i].start > p ? s[i].start : p;
		uint64_t hi = s[i].end < lim ? s[i].end : lim;

		if (lo < hi) {
			a[k] = lo;
			b[k] = hi;
			k++;
		}
	}
	if (!k)
		return;
	if (k == 2 && a[1] < a[0]) {
		uint64_t t = a[0];

		a[0] = a[1];
		a[1] = t;
		t = b[0];
		b[0] = b[1];
		b[1] = t;
	}
	ps->leading += a[0] - p;
	if (k == 2 && a[1] > b[0])
		ps->between += a[1] - b[0];
	if (lim_known) {
		uint64_t last = k == 2 && b[1] > b[0] ? b[1] : b[0];

		ps->trailing += lim - last;
	}
}

/* Walk the pages of structure self. Without a BAR size only what precedes each structure
 * in its pages (and lies between the structures) is known to be BAR space: the BAR may end
 * right after the structure, so nothing after it is counted. */
static void measure_struct(const struct pg_cfg_layout *l, const struct msix_struct *s, size_t n,
			   size_t self, struct page_share *ps)
{
	const struct pg_bar *bar = &l->bars[s[self].bir];
	bool known = bar->size_known && bar->size;
	struct msix_struct same[2];
	size_t m = 0;

	for (size_t i = 0; i < n; i++)
		if (s[i].usable && s[i].bir == s[self].bir)
			same[m++] = s[i];
	/* The table is at most 2048 * 16 bytes, so this visits at most 9 pages. */
	for (uint64_t p = s[self].start & ~(uint64_t)(PG_PAGE_SIZE - 1); p < s[self].end;
	     p += PG_PAGE_SIZE) {
		uint64_t lim = p + PG_PAGE_SIZE;

		if (known && p >= bar->size)
			break; /* msix-bar-small covers a structure that runs past its BAR */
		if (known && bar->size < lim)
			lim = bar->size;
		measure_page(p, lim, known, same, m, ps);
	}
}

static void check_msix_shared(const struct pg_cfg_layout *l, struct hit *h)
{
	const struct pg_cap *c = decoded_cap(l, false, PG_CAP_MSIX);
	struct msix_struct s[2];
	const struct pg_cap_msix *x;

	if (!c || !c->info.msix.table_size)
		return;
	x = &c->info.msix;
	s[0] = (struct msix_struct){ "table", x->table_bir, x->table_offset & ~7u,
				     (uint64_t)(x->table_offset & ~7u) +
					     (uint64_t)x->table_size * MSIX_ENTRY_BYTES,
				     msix_bar_usable(l, x->table_bir) };
	s[1] = (struct msix_struct){ "PBA", x->pba_bir, x->pba_offset & ~7u,
				     (uint64_t)(x->pba_offset & ~7u) +
					     ((x->table_size + MSIX_PBA_BITS_PER_QWORD - 1u) /
					      MSIX_PBA_BITS_PER_QWORD) * 8u,
				     msix_bar_usable(l, x->pba_bir) };
	for (size_t i = 0; i < 2; i++) {
		struct page_share ps = { 0, 0, 0 };
		const struct pg_bar *bar;
		const char *bound;

		if (!s[i].usable)
			continue; /* msix-invalid reports it */
		measure_struct(l, s, 2, i, &ps);
		/* Without the BAR's size nothing after the structures is counted: what is
		 * reported is then a lower bound, and says so. */
		bar = &l->bars[s[i].bir];
		bound = bar->size_known && bar->size ? "" : "at least ";
		if (ps.leading) {
			/* Something of the BAR sits before the structure in its page: a trap on
			 * the page also traps those registers, and a mapping of them exposes the
			 * structure (Xen b177892d2d, QEMU vfio MSI-X relocation). */
			h->severity = PG_SEV_MEDIUM;
			hit_set(h, c->offset, "MSI-X %s (BAR%u+0x%llx) shares its 4 KiB page with "
					      "%llu other BAR bytes before it", s[i].what, s[i].bir,
				(unsigned long long)s[i].start, (unsigned long long)ps.leading);
			return;
		}
		if ((ps.between || ps.trailing) && !h->found) {
			h->severity = PG_SEV_LOW;
			hit_set(h, c->offset, "MSI-X %s (BAR%u+0x%llx) page also spans %s%llu BAR "
					      "bytes outside table and PBA (padding or registers%s)",
				s[i].what, s[i].bir, (unsigned long long)s[i].start, bound,
				(unsigned long long)(ps.between + ps.trailing),
				*bound ? "; BAR size unknown" : "");
		}
	}
}

/* ---- the table ----------------------------------------------------------------------------- */

static const struct finding_rule rules[PG_FIND__COUNT] = {
	[PG_FIND_BRIDGE] = { "bridge", PG_SEV_HIGH, check_bridge,
		"do not pass the bridge; pass the endpoints below it instead" },
	[PG_FIND_CHAIN_MALFORMED] = { "cap-chain-malformed", PG_SEV_HIGH, check_chain_malformed,
		"do not pass through; re-read the live device and suspect its firmware" },
	[PG_FIND_MSIX_SHARED_PAGE] = { "msix-shared-page", PG_SEV_MEDIUM, check_msix_shared,
		"trap the whole page (never map it to the guest), or pick another device" },
	[PG_FIND_NO_RESET] = { "no-reset", PG_SEV_MEDIUM, check_no_reset,
		"dedicate it to one VM, or reset the whole bus between owners" },
	[PG_FIND_VENDOR_CAP] = { "vendor-specific-cap", PG_SEV_LOW, check_vendor_cap,
		"hide the vendor capability from the guest unless its driver needs it" },
	[PG_FIND_ATS_PRI_PASID] = { "ats-pri-pasid", PG_SEV_MEDIUM, check_ats_pri_pasid,
		"hide ATS/PRI/PASID from the guest unless the IOMMU supports them" },
	[PG_FIND_SRIOV_PF] = { "sriov-pf", PG_SEV_MEDIUM, check_sriov,
		"keep the PF on the host and pass VFs, or pass the PF with SR-IOV off" },
	[PG_FIND_NO_ACS] = { "no-acs", PG_SEV_MEDIUM, check_no_acs,
		"pass through only with its whole IOMMU group, or use a slot behind an "
		"ACS-capable port" },
	[PG_FIND_HEADER_CLASS] = { "header-class-mismatch", PG_SEV_MEDIUM, check_header_class,
		"do not pass through; check the device's firmware or the dump" },
	[PG_FIND_CFG_SHORT] = { "cfg-short", PG_SEV_MEDIUM, check_cfg_short,
		"inspect the live device as root, or a full 4096-byte dump" },
	[PG_FIND_HEADER_UNSUPPORTED] = { "header-unsupported", PG_SEV_HIGH,
					 check_header_unsupported,
		"do not pass through: pcigate cannot mediate this header type" },
	[PG_FIND_NO_DEVICE] = { "no-device", PG_SEV_HIGH, check_no_device,
		"check that the device is present, powered and its link up" },
	[PG_FIND_MSIX_INVALID] = { "msix-invalid", PG_SEV_HIGH, check_msix_invalid,
		"do not pass through: its MSI-X table cannot be trapped" },
	/* From a live device's surroundings, not its config: pg_inspect_topology(). */
	[PG_FIND_IOMMU_SHARED] = { "iommu-group-shared", PG_SEV_MEDIUM, NULL,
		"pass the whole IOMMU group to one VM, or leave the others unbound" },
	[PG_FIND_ACS_GAP] = { "acs-gap", PG_SEV_MEDIUM, NULL,
		"use a slot behind an ACS-capable port, or pass its whole group" },
};

/* Most severe first; equal severities keep table (code) order. */
static void sort_findings(struct pg_inspect_result *r)
{
	for (unsigned i = 1; i < r->nfindings; i++) {
		struct pg_finding f = r->findings[i];
		unsigned j = i;

		for (; j > 0 && r->findings[j - 1].severity < f.severity; j--)
			r->findings[j] = r->findings[j - 1];
		r->findings[j] = f;
	}
}

int pg_inspect(const struct pg_cfg_layout *layout, struct pg_inspect_result *out)
{
	bool no_device;

	if (!layout || !out)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	out->worst = PG_SEV_INFO;
	/* Nothing else about a device that does not answer is meaningful. */
	no_device = no_device_diag(layout);
	for (unsigned code = 0; code < PG_FIND__COUNT; code++) {
		const struct finding_rule *rule = &rules[code];
		struct hit h = { .severity = rule->severity };
		struct pg_finding *f;

		if ((no_device && code != PG_FIND_NO_DEVICE) || !rule->check)
			continue;
		rule->check(layout, &h);
		if (!h.found || out->nfindings >= PG_INSPECT_MAX_FINDINGS)
			continue;
		f = &out->findings[out->nfindings++];
		f->code = (enum pg_finding_code)code;
		f->severity = h.severity;
		f->offset = h.offset;
		memcpy(f->why, h.why, sizeof(f->why));
		if (h.severity > out->worst)
			out->worst = h.severity;
	}
	sort_findings(out);
	return 0;
}

static void add_finding(struct pg_inspect_result *r, enum pg_finding_code code,
			const struct hit *h)
{
	struct pg_finding *f;

	if (!h->found || r->nfindings >= PG_INSPECT_MAX_FINDINGS)
		return;
	f = &r->findings[r->nfindings++];
	f->code = code;
	f->severity = h->severity;
	f->offset = h->offset;
	memcpy(f->why, h->why, sizeof(f->why));
	if (h->severity > r->worst)
		r->worst = h->severity;
}

int pg_inspect_topology(const struct pg_topo_dev *t, const struct pg_cfg_layout *l,
			struct pg_inspect_result *r)
{
	struct hit h = { .severity = rules[PG_FIND_IOMMU_SHARED].severity };
	unsigned others = 0;
	const char *first = NULL;

	if (!t || !l || !r)
		return -EINVAL;
	if (!header_known(l) || is_bridge(l))
		return 0; /* nothing to pass through */
	for (unsigned i = 0; i < t->ngroup && i < PG_TOPO_MAX_GROUP; i++)
		if (strcmp(t->group[i], t->bdf)) {
			others++;
			first = first ? first : t->group[i];
		}
	/* The IOMMU cannot tell the group's functions apart: whoever gets one can reach
	 * the others' DMA, so VFIO hands out whole groups. */
	if (others || t->group_truncated)
		hit_set(&h, 0, "IOMMU group %d holds %u other function%s (first %s): pass them "
			       "through together or leave them unbound", t->iommu_group, others,
			others == 1 ? "" : "s", first ? first : "?");
	add_finding(r, PG_FIND_IOMMU_SHARED, &h);
	h = (struct hit){ .severity = rules[PG_FIND_ACS_GAP].severity };
	if (t->acs == PG_TOPO_ACS_GAP && t->acs_at < t->nupstream && t->acs_at < PG_TOPO_MAX_DEPTH)
		hit_set(&h, 0, "not isolated at %s (%s): functions below it can reach each other "
			       "without the IOMMU", t->upstream[t->acs_at].bdf,
			t->upstream[t->acs_at].why ? t->upstream[t->acs_at].why : "?");
	add_finding(r, PG_FIND_ACS_GAP, &h);
	sort_findings(r);
	return 0;
}

const char *pg_finding_remedy(enum pg_finding_code code)
{
	if ((unsigned)code >= PG_FIND__COUNT || !rules[code].remedy)
		return "";
	return rules[code].remedy;
}

const char *pg_finding_name(enum pg_finding_code code)
{
	if ((unsigned)code >= PG_FIND__COUNT || !rules[code].name)
		return "unknown";
	return rules[code].name;
}

static const char *const severity_names[] = {
	[PG_SEV_INFO] = "info",
	[PG_SEV_LOW] = "low",
	[PG_SEV_MEDIUM] = "medium",
	[PG_SEV_HIGH] = "high",
};

const char *pg_severity_name(enum pg_severity sev)
{
	if ((unsigned)sev >= sizeof(severity_names) / sizeof(severity_names[0]))
		return "unknown";
	return severity_names[sev];
}

int pg_severity_parse(const char *text, enum pg_severity *ret)
{
	if (!text || !ret)
		return -EINVAL;
	for (unsigned i = 0; i < sizeof(severity_names) / sizeof(severity_names[0]); i++) {
		if (!strcasecmp(text, severity_names[i])) { /* "HIGH" as reports print it */
			*ret = (enum pg_severity)i;
			return 0;
		}
	}
	return -EINVAL;
}

const char *pg_inspect_hdr_kind_name(enum pg_hdr_kind kind)
{
	static const char *const names[] = {
		[PG_HDR_ENDPOINT] = "endpoint",
		[PG_HDR_BRIDGE] = "bridge",
		[PG_HDR_CARDBUS] = "cardbus",
		[PG_HDR_UNKNOWN] = "unknown",
	};

	return (unsigned)kind < sizeof(names) / sizeof(names[0]) ? names[kind] : "unknown";
}
