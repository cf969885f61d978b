/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Whether a bridge isolates what is below it, by the rule the Linux kernel uses to form
 * IOMMU groups (drivers/pci/pci.c pci_acs_enabled(), REQ_ACS_FLAGS in
 * drivers/iommu/iommu.c). The flags are ACS Source Validation, P2P Request Redirect, P2P
 * Completion Redirect and Upstream Forwarding (PCIe 4.0 §7.7.7.2-3): without them a
 * device below the bridge can reach its peers without the IOMMU seeing the request. Each
 * flag is required only where the port implements it (a port without Upstream
 * Forwarding cannot forward upstream-bound peer traffic).
 *
 * A pure function over a parsed config: the bytes are hostile, but the parser bounded and
 * decoded them already.
 */
#include <errno.h>
#include <string.h>

#include <pcigate/topology.h>

#define ACS_SV 0x0001u
#define ACS_RR 0x0004u
#define ACS_CR 0x0008u
#define ACS_UF 0x0010u
#define ACS_EC 0x0020u
#define ACS_REQUIRED (ACS_SV | ACS_RR | ACS_CR | ACS_UF)

/* Which port types the rule checks, and whether only when multi-function. */
static const struct port_rule {
	uint8_t type;
	bool checked;        /* ACS must be enabled (subject to mf_only) */
	bool mf_only;        /* ... only for a multi-function device */
	bool never;          /* never isolates: no ACS is defined for it */
} port_rules[] = {
	{ PG_PCIE_ROOT_PORT, true, false, false },
	{ PG_PCIE_DOWNSTREAM, true, false, false },
	{ PG_PCIE_UPSTREAM, true, true, false },
	{ PG_PCIE_ENDPOINT, true, true, false },
	{ PG_PCIE_LEGACY_ENDPOINT, true, true, false },
	{ PG_PCIE_RC_IEP, true, true, false },
	{ PG_PCIE_PCIE_TO_PCI, false, false, true },
};

static bool flags_enabled(const struct pg_topo_bridge *b)
{
	uint16_t need = ACS_REQUIRED & (b->acs_cap | ACS_EC);

	return (b->acs_ctrl & need) == need;
}

int pg_topo_bridge_judge(const struct pg_cfg_layout *l, struct pg_topo_bridge *ret)
{
	const struct pg_cap *exp, *acs;
	const struct port_rule *rule = NULL;
	struct pg_topo_bridge b;

	if (!l || !ret)
		return -EINVAL;
	memset(&b, 0, sizeof(b));
	memcpy(b.bdf, ret->bdf, sizeof(b.bdf));
	exp = pg_cfg_find_cap(l, false, PG_CAP_EXP);
	acs = pg_cfg_find_cap(l, true, PG_ECAP_ACS);
	b.pcie = exp && exp->decoded;
	b.port_type = b.pcie ? exp->info.pcie.port_type : 0xffu;
	b.multifunction = l->multifunction;
	b.ext_readable = l->len > PG_CFG_STD_LEN;
	if (acs && acs->decoded) {
		b.has_acs = true;
		b.acs_cap = acs->info.acs.cap;
		b.acs_ctrl = acs->info.acs.ctrl;
	}
	for (size_t i = 0; b.pcie && i < sizeof(port_rules) / sizeof(port_rules[0]); i++)
		if (port_rules[i].type == b.port_type)
			rule = &port_rules[i];
	b.why = "";
	b.known = true;
	if (!b.pcie && l->len < PG_CFG_STD_LEN) {
		/* 64 bytes (an unprivileged read): the capabilities are out of sight. */
		b.needs_acs = true;
		b.known = false;
		b.why = "config read short (needs root)";
	} else if (!b.pcie) {
		b.needs_acs = true;
		b.why = "conventional PCI bridge: no ACS";
	} else if (!rule || rule->never) {
		b.needs_acs = true;
		b.why = "PCIe-to-PCI bridge: no ACS";
	} else if (rule->mf_only && !b.multifunction) {
		b.isolates = true; /* a single function needs no ACS of its own */
	} else if (!b.ext_readable) {
		b.needs_acs = true;
		b.known = false;
		b.why = "extended config unreadable (needs root)";
	} else if (!b.has_acs) {
		b.needs_acs = true;
		b.why = "no ACS capability";
	} else {
		b.needs_acs = true;
		b.isolates = flags_enabled(&b);
		b.why = b.isolates ? "" : "ACS present but SV/RR/CR/UF not all enabled";
	}
	*ret = b;
	return 0;
}

const char *pg_topo_acs_name(enum pg_topo_acs acs)
{
	static const char *const names[] = {
		[PG_TOPO_ACS_ISOLATED] = "isolated",
		[PG_TOPO_ACS_GAP] = "gap",
		[PG_TOPO_ACS_UNKNOWN] = "unknown",
	};

	return (unsigned)acs < sizeof(names) / sizeof(names[0]) ? names[acs] : "unknown";
}
