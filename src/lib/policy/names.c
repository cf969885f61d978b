/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Name tables of the policy language: profiles, capabilities, reset methods and flags.
 * Each is a const table; parsing and printing read the same rows, so a name can never be
 * accepted that cannot be printed back, and vice versa.
 */
#include <errno.h>
#include <string.h>
#include <strings.h>

#include "policy-private.h"

#define N_ELEM(a) (sizeof(a) / sizeof((a)[0]))

static const char *const profile_names[PG_PROFILE__COUNT] = {
	[PG_PROFILE_GUEST] = "guest",
	[PG_PROFILE_DEVICE_MODEL] = "device-model",
	[PG_PROFILE_PERMISSIVE] = "permissive",
};

const char *pg_profile_name(enum pg_profile profile)
{
	if ((unsigned)profile >= PG_PROFILE__COUNT)
		return "invalid";
	return profile_names[profile];
}

int pg_profile_parse(const char *name, enum pg_profile *ret)
{
	if (!name || !ret)
		return -EINVAL;
	for (unsigned i = 0; i < PG_PROFILE__COUNT; i++) {
		if (strcmp(name, profile_names[i]) == 0) {
			*ret = (enum pg_profile)i;
			return 0;
		}
	}
	return -EINVAL;
}

/*
 * Short capability names, following the Linux PCI_CAP_ID_* / PCI_EXT_CAP_ID_* suffixes in
 * lower case (the names administrators know from lspci and the kernel), with "pcie" for
 * PCI Express. Every row must name an ID the cfg registry knows (checked by a unit test).
 * The Null capability (ID 0) has no name: it cannot be added or removed.
 */
struct cap_name {
	const char *name;   /* as written and printed; extended ones start with "ext:" */
	bool extended;
	uint16_t id;
};

#define STD(nm, id) { (nm), false, (id) }
#define EXT(nm, id) { "ext:" nm, true, (id) }
static const struct cap_name cap_names[] = {
	STD("pm", PG_CAP_PM), STD("agp", PG_CAP_AGP), STD("vpd", PG_CAP_VPD),
	STD("slotid", PG_CAP_SLOTID), STD("msi", PG_CAP_MSI), STD("chswp", PG_CAP_CHSWP),
	STD("pcix", PG_CAP_PCIX), STD("ht", PG_CAP_HT), STD("vndr", PG_CAP_VNDR),
	STD("dbg", PG_CAP_DBG), STD("ccrc", PG_CAP_CCRC), STD("shpc", PG_CAP_SHPC),
	STD("ssvid", PG_CAP_SSVID), STD("agp3", PG_CAP_AGP3), STD("secdev", PG_CAP_SECDEV),
	STD("pcie", PG_CAP_EXP),
	STD("exp", PG_CAP_EXP), /* alias of pcie, which comes first and so is printed */
	STD("msix", PG_CAP_MSIX), STD("sata", PG_CAP_SATA), STD("af", PG_CAP_AF),
	STD("ea", PG_CAP_EA), STD("fpb", PG_CAP_FPB), EXT("aer", PG_ECAP_AER),
	EXT("vc", PG_ECAP_VC), EXT("dsn", PG_ECAP_DSN), EXT("pwr", PG_ECAP_PWR),
	EXT("rcld", PG_ECAP_RCLD), EXT("rcilc", PG_ECAP_RCILC), EXT("rcec", PG_ECAP_RCEC),
	EXT("mfvc", PG_ECAP_MFVC), EXT("vc9", PG_ECAP_VC9), EXT("rcrb", PG_ECAP_RCRB),
	EXT("vndr", PG_ECAP_VNDR), EXT("cac", PG_ECAP_CAC), EXT("acs", PG_ECAP_ACS),
	EXT("ari", PG_ECAP_ARI), EXT("ats", PG_ECAP_ATS), EXT("sriov", PG_ECAP_SRIOV),
	EXT("mriov", PG_ECAP_MRIOV), EXT("mcast", PG_ECAP_MCAST), EXT("pri", PG_ECAP_PRI),
	EXT("amd-xxx", PG_ECAP_AMD_XXX), EXT("rebar", PG_ECAP_REBAR), EXT("dpa", PG_ECAP_DPA),
	EXT("tph", PG_ECAP_TPH), EXT("ltr", PG_ECAP_LTR), EXT("secpci", PG_ECAP_SECPCI),
	EXT("pmux", PG_ECAP_PMUX), EXT("pasid", PG_ECAP_PASID), EXT("lnr", PG_ECAP_LNR),
	EXT("dpc", PG_ECAP_DPC), EXT("l1ss", PG_ECAP_L1SS), EXT("ptm", PG_ECAP_PTM),
	EXT("mpcie", PG_ECAP_MPCIE), EXT("frs", PG_ECAP_FRS), EXT("rtr", PG_ECAP_RTR),
	EXT("dvsec", PG_ECAP_DVSEC), EXT("vf-rebar", PG_ECAP_VF_REBAR),
	EXT("dlnk", PG_ECAP_DLNK), EXT("pl16", PG_ECAP_PL16), EXT("lmr", PG_ECAP_LMR),
	EXT("hier-id", PG_ECAP_HIER_ID), EXT("npem", PG_ECAP_NPEM), EXT("pl32", PG_ECAP_PL32),
	EXT("alt-proto", PG_ECAP_ALT_PROTO), EXT("sfi", PG_ECAP_SFI),
	EXT("shadow", PG_ECAP_SHADOW), EXT("doe", PG_ECAP_DOE), EXT("dev3", PG_ECAP_DEV3),
	EXT("ide", PG_ECAP_IDE), EXT("pl64", PG_ECAP_PL64), EXT("flit-log", PG_ECAP_FLIT_LOG),
	EXT("flit-perf", PG_ECAP_FLIT_PERF), EXT("flit-err", PG_ECAP_FLIT_ERR),
};
#undef STD
#undef EXT

static const struct cap_name *cap_find_id(bool extended, uint32_t id)
{
	for (size_t i = 0; i < N_ELEM(cap_names); i++)
		if (cap_names[i].extended == extended && cap_names[i].id == id)
			return &cap_names[i];
	return NULL;
}

const char *pg_policy_cap_name(bool extended, uint16_t id)
{
	const struct cap_name *row = cap_find_id(extended, id);

	return row ? row->name : NULL;
}

int pg_policy_cap_parse(const char *text, struct pg_policy_cap *ret)
{
	const struct cap_name *row = NULL;
	bool extended;
	uint32_t id;

	if (!text || !ret)
		return -EINVAL;
	extended = strncasecmp(text, "ext:", 4) == 0;
	if (pp_parse_number(text + (extended ? 4 : 0), &id) == 0) {
		row = cap_find_id(extended, id);
	} else {
		for (size_t i = 0; i < N_ELEM(cap_names) && !row; i++)
			if (strcasecmp(cap_names[i].name, text) == 0)
				row = &cap_names[i];
	}
	if (!row)
		return -EINVAL;
	ret->extended = row->extended;
	ret->id = row->id;
	return 0;
}

static const char *const reset_names[] = {
	[PG_RESET_ANY] = "any",
	[PG_RESET_FLR] = "flr",
	[PG_RESET_PM] = "pm",
	[PG_RESET_BUS] = "bus",
};

const char *pg_policy_reset_name(enum pg_reset_method m)
{
	if ((unsigned)m >= N_ELEM(reset_names) || !reset_names[m])
		return "invalid";
	return reset_names[m];
}

int pp_reset_parse(const char *text, enum pg_reset_method *ret)
{
	/* "any" is not a method one can prefer or avoid: start at FLR. */
	for (unsigned i = PG_RESET_FLR; i < N_ELEM(reset_names); i++) {
		if (reset_names[i] && strcmp(text, reset_names[i]) == 0) {
			*ret = (enum pg_reset_method)i;
			return 0;
		}
	}
	return -EINVAL;
}

static const struct {
	uint32_t bit;
	const char *name;
} flag_names[] = {
	{ PG_POLICY_F_NO_MSIX_MMAP, "no-msix-mmap" },
	{ PG_POLICY_F_NO_INTX, "no-intx" },
	{ PG_POLICY_F_NO_ROM, "no-rom" },
	{ PG_POLICY_F_NO_D3, "no-d3" },
	{ PG_POLICY_F_NO_EXT_CFG, "no-ext-cfg" },
	{ PG_POLICY_F_RESET_REQUIRED, "reset-required" },
};

const char *pg_policy_flag_name(uint32_t flag)
{
	for (size_t i = 0; i < N_ELEM(flag_names); i++)
		if (flag_names[i].bit == flag)
			return flag_names[i].name;
	return NULL;
}

uint32_t pp_flag_parse(const char *text)
{
	for (size_t i = 0; i < N_ELEM(flag_names); i++)
		if (strcmp(text, flag_names[i].name) == 0)
			return flag_names[i].bit;
	return 0;
}
