/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Standard capabilities: per-ID lengths (fixed and computed from fields), clamping of a
 * capability cut by the end of the data or of the standard region, the decoders of PM,
 * MSI, PCIe, AF, VPD, vendor-specific and PCI-X, cap-field diagnostics, duplicates and
 * overlaps fed by the length rules.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "test-caps-util.h"

#define CAP 0x40u

struct len_case {
	const char *what;
	uint8_t hdr_type;
	uint8_t id;
	struct tc_write w[TC_MAX_WRITES];
	uint16_t want;
};

static const struct len_case std_lengths[] = {
	{ "PM", 0, PG_CAP_PM, { { 0 } }, 8 },
	{ "AGP", 0, PG_CAP_AGP, { { 0 } }, 12 },
	{ "VPD", 0, PG_CAP_VPD, { { 0 } }, 8 },
	{ "Slot ID", 1, PG_CAP_SLOTID, { { 0 } }, 4 },
	{ "Hot Swap", 0, PG_CAP_CHSWP, { { 0 } }, 4 },
	{ "Debug Port", 0, PG_CAP_DBG, { { 0 } }, 4 },
	{ "SHPC", 1, PG_CAP_SHPC, { { 0 } }, 8 },
	{ "SSVID", 1, PG_CAP_SSVID, { { 0 } }, 8 },
	{ "MSI-X", 0, PG_CAP_MSIX, { { 0 } }, 12 },
	{ "AF", 0, PG_CAP_AF, { { 2, 1, 6 } }, 6 },
	{ "unknown ID 0x30", 0, 0x30, { { 0 } }, 2 },
	{ "MSI 32", 0, PG_CAP_MSI, { { 2, 2, 0x0000 } }, 0x0a },
	{ "MSI 64", 0, PG_CAP_MSI, { { 2, 2, 0x0080 } }, 0x0e },
	{ "MSI 32 maskable", 0, PG_CAP_MSI, { { 2, 2, 0x0100 } }, 0x14 },
	{ "MSI 64 maskable", 0, PG_CAP_MSI, { { 2, 2, 0x0180 } }, 0x18 },
	{ "MSI 32 ext data", 0, PG_CAP_MSI, { { 2, 2, 0x0200 } }, 0x0c },
	{ "MSI 64 ext data", 0, PG_CAP_MSI, { { 2, 2, 0x0280 } }, 0x10 },
	{ "MSI 64 maskable ext data", 0, PG_CAP_MSI, { { 2, 2, 0x0380 } }, 0x18 },
	{ "vendor len 0x10", 0, PG_CAP_VNDR, { { 2, 1, 0x10 } }, 0x10 },
	{ "vendor len 0 (min 3)", 0, PG_CAP_VNDR, { { 2, 1, 0 } }, 3 },
	{ "PCIe v1 endpoint", 0, PG_CAP_EXP, { { 2, 2, 0x0001 } }, 0x14 },
	{ "PCIe v0 endpoint", 0, PG_CAP_EXP, { { 2, 2, 0x0000 } }, 0x14 },
	{ "PCIe v1 legacy endpoint", 0, PG_CAP_EXP, { { 2, 2, 0x0011 } }, 0x14 },
	{ "PCIe v1 root port", 1, PG_CAP_EXP, { { 2, 2, 0x0041 } }, 0x24 },
	{ "PCIe v1 root port slot", 1, PG_CAP_EXP, { { 2, 2, 0x0141 } }, 0x24 },
	{ "PCIe v1 downstream", 1, PG_CAP_EXP, { { 2, 2, 0x0061 } }, 0x14 },
	{ "PCIe v1 downstream slot", 1, PG_CAP_EXP, { { 2, 2, 0x0161 } }, 0x1c },
	{ "PCIe v1 endpoint slot bit", 0, PG_CAP_EXP, { { 2, 2, 0x0101 } }, 0x14 },
	{ "PCIe v1 RCiEP", 0, PG_CAP_EXP, { { 2, 2, 0x0091 } }, 0x0c },
	{ "PCIe v1 RCEC", 0, PG_CAP_EXP, { { 2, 2, 0x00a1 } }, 0x24 },
	{ "PCIe v1 reserved type", 0, PG_CAP_EXP, { { 2, 2, 0x00f1 } }, 0x14 },
	{ "PCIe v2 endpoint", 0, PG_CAP_EXP, { { 2, 2, 0x0002 } }, 0x3c },
	{ "PCIe v2 root port", 1, PG_CAP_EXP, { { 2, 2, 0x0142 } }, 0x3c },
	{ "PCIe v2 RCiEP", 0, PG_CAP_EXP, { { 2, 2, 0x0092 } }, 0x2c },
	{ "PCIe v3 endpoint", 0, PG_CAP_EXP, { { 2, 2, 0x0003 } }, 0x3c },
	{ "PCI-X device v0", 0, PG_CAP_PCIX, { { 2, 2, 0x0000 } }, 8 },
	{ "PCI-X device v1", 0, PG_CAP_PCIX, { { 2, 2, 0x1000 } }, 24 },
	{ "PCI-X device v2", 0, PG_CAP_PCIX, { { 2, 2, 0x2000 } }, 24 },
	{ "PCI-X bridge v0", 1, PG_CAP_PCIX, { { 2, 2, 0x0000 } }, 16 },
	{ "PCI-X bridge v2", 1, PG_CAP_PCIX, { { 2, 2, 0x2000 } }, 32 },
	{ "HT slave/primary", 0, PG_CAP_HT, { { 2, 2, 0x0000 } }, 28 },
	{ "HT host/secondary", 0, PG_CAP_HT, { { 2, 2, 0x2000 } }, 24 },
	{ "HT MSI mapping", 0, PG_CAP_HT, { { 2, 2, 0xa800 } }, 12 },
	{ "HT interrupt discovery", 0, PG_CAP_HT, { { 2, 2, 0x8000 } }, 8 },
	{ "HT unknown type", 0, PG_CAP_HT, { { 2, 2, 0xf800 } }, 4 },
	{ "SATA via BAR", 0, PG_CAP_SATA, { { 4, 4, 0x00000004 } }, 8 },
	{ "SATA inline", 0, PG_CAP_SATA, { { 4, 4, 0x0000000f } }, 16 },
	/* 2 entries: header+2 dwords, header+4 dwords, after the 4-byte EA header */
	{ "EA type 0", 0, PG_CAP_EA, { { 2, 1, 2 }, { 4, 4, 0x80000002 }, { 16, 4, 0x80000004 } },
	  4 + 12 + 20 },
	{ "EA type 1", 1, PG_CAP_EA, { { 2, 1, 1 }, { 8, 4, 0x80000002 } }, 8 + 12 },
	{ "EA no entries", 0, PG_CAP_EA, { { 2, 1, 0 } }, 4 },
};

static void test_std_lengths(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(std_lengths) / sizeof(std_lengths[0]); i++) {
		const struct len_case *c = &std_lengths[i];
		struct cfgbuild t;
		const struct pg_cfg_layout *l;
		const struct pg_cap *cap;

		tc_init(&t, c->hdr_type);
		cb_add_cap(&t, CAP, c->id);
		tc_apply(&t, CAP, c->w);
		l = tc_parse(&t, PG_CFG_STD_LEN, NULL);
		cap = tc_cap_at(l, false, CAP);
		if (cap->len != c->want)
			print_error("case '%s': len 0x%x, want 0x%x\n", c->what, cap->len, c->want);
		assert_int_equal(cap->len, c->want);
		assert_int_equal(tc_ndiag(l, PG_DIAG_CAP_TRUNCATED, NULL), 0);
	}
}

/* A capability that runs past the data or the standard region is clamped and reported,
 * and its decoder sees zeros for the missing registers. */
static void test_truncation(void **state)
{
	struct cfgbuild t;
	const struct pg_cfg_layout *l;
	const struct pg_cap *cap;

	(void)state;
	/* 64-bit maskable MSI (0x18 bytes) at 0xf0: 0x10 bytes left in the region. */
	tc_init(&t, 0);
	cb_add_cap(&t, 0xf0, PG_CAP_MSI);
	cb_w16(&t, 0xf2, 0x0181);
	l = tc_parse(&t, PG_CFG_STD_LEN, NULL);
	cap = tc_cap_at(l, false, 0xf0);
	assert_int_equal(cap->len, 0x10);
	assert_int_equal(tc_ndiag(l, PG_DIAG_CAP_TRUNCATED, "MSI needs 24 bytes"), 1);
	assert_true(cap->decoded);
	assert_int_equal(tc_field(cap, "maskable"), 1);
	assert_int_equal(tc_field(cap, "mask_off"), 0x10);

	/* The same region cut, but in a 4096-byte space: the standard region still ends at
	 * 0x100, the capability must not spill into extended space. */
	l = tc_parse(&t, PG_CFG_EXT_LEN, NULL);
	assert_int_equal(tc_cap_at(l, false, 0xf0)->len, 0x10);

	/* A vendor-specific length byte of 0xff at 0x50 is clamped at the region end. */
	tc_init(&t, 0);
	cb_add_cap(&t, 0x50, PG_CAP_VNDR);
	cb_w8(&t, 0x52, 0xff);
	l = tc_parse(&t, PG_CFG_STD_LEN, NULL);
	cap = tc_cap_at(l, false, 0x50);
	assert_int_equal(cap->len, 0xb0);
	assert_int_equal(tc_field(cap, "len"), 0xff);
	assert_int_equal(tc_ndiag(l, PG_DIAG_CAP_TRUNCATED, NULL), 1);
}

/* A dump that stops inside a capability: clamped to the data, missing registers zero. */
static void test_truncation_short_dump(void **state)
{
	struct cfgbuild t;
	const struct pg_cfg_layout *l;
	const struct pg_cap *cap;

	(void)state;
	/* MSI-X cut by a short dump: PBA register missing, so it reads 0 and no BAR
	 * judgement is made from the zeros. */
	tc_init(&t, 0);
	tc_bar(&t, 0, 0xfe000000);
	cb_add_cap(&t, CAP, PG_CAP_MSIX);
	cb_w16(&t, CAP + 2, 0x0007);
	cb_w32(&t, CAP + 4, 0x00002003);
	cb_w32(&t, CAP + 8, 0x00003000);
	l = tc_parse(&t, CAP + 8, NULL);
	cap = tc_cap_at(l, false, CAP);
	assert_int_equal(cap->len, 8);
	assert_int_equal(tc_field(cap, "table_size"), 8);
	assert_int_equal(tc_field(cap, "table_bir"), 3);
	assert_int_equal(tc_field(cap, "pba_offset"), 0);
	assert_int_equal(tc_ndiag(l, PG_DIAG_MSIX_BIR, NULL), 0);
	assert_int_equal(tc_ndiag(l, PG_DIAG_CAP_TRUNCATED, NULL), 1);

	/* PCIe v1 endpoint cut after DevCap: later registers read as zero. */
	tc_init(&t, 0);
	cb_add_cap(&t, CAP, PG_CAP_EXP);
	cb_w16(&t, CAP + 2, 0x0001);
	cb_w32(&t, CAP + 4, 0x10000001);
	cb_w16(&t, CAP + 0x12, 0x0041);
	l = tc_parse(&t, CAP + 8, NULL);
	cap = tc_cap_at(l, false, CAP);
	assert_int_equal(cap->len, 8);
	assert_int_equal(tc_field(cap, "flr"), 1);
	assert_int_equal(tc_field(cap, "max_payload"), 256);
	assert_int_equal(tc_field(cap, "lnksta"), 0);
}

static void test_decode_pm(void **state)
{
	struct cfgbuild t;
	const struct pg_cap *cap;

	(void)state;
	tc_init(&t, 0);
	cb_add_cap(&t, CAP, PG_CAP_PM);
	cb_w16(&t, CAP + 2, 0xfe03); /* v3, D1, D2, PME from all states */
	cb_w16(&t, CAP + 4, 0x010b); /* D3hot, NoSoftRst, PME_En */
	cap = tc_cap_at(tc_parse(&t, PG_CFG_STD_LEN, NULL), false, CAP);
	assert_true(cap->decoded);
	assert_int_equal(cap->info.pm.version, 3);
	assert_true(cap->info.pm.d1);
	assert_true(cap->info.pm.d2);
	assert_int_equal(cap->info.pm.pme_support, 0x1f);
	assert_int_equal(cap->info.pm.state, 3);
	assert_true(cap->info.pm.no_soft_reset);
	assert_true(cap->info.pm.pme_enabled);
	assert_int_equal(tc_field(cap, "pme_support"), 0x1f);
}

struct msi_case {
	uint16_t ctrl;
	bool enabled, is64, maskable;
	uint8_t mmc, mme, data_off, mask_off;
};

static const struct msi_case msi_cases[] = {
	{ 0x0000, false, false, false, 0, 0, 0x08, 0x00 },
	{ 0x0081, true, true, false, 0, 0, 0x0c, 0x00 },
	{ 0x0104, false, false, true, 2, 0, 0x08, 0x0c },
	{ 0x01bb, true, true, true, 5, 3, 0x0c, 0x10 },
};

static void test_decode_msi(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(msi_cases) / sizeof(msi_cases[0]); i++) {
		const struct msi_case *c = &msi_cases[i];
		struct cfgbuild t;
		const struct pg_cfg_layout *l;
		const struct pg_cap *cap;

		tc_init(&t, 0);
		cb_add_cap(&t, CAP, PG_CAP_MSI);
		cb_w16(&t, CAP + 2, c->ctrl);
		l = tc_parse(&t, PG_CFG_STD_LEN, NULL);
		cap = tc_cap_at(l, false, CAP);
		assert_int_equal(cap->info.msi.control, c->ctrl);
		assert_int_equal(cap->info.msi.enabled, c->enabled);
		assert_int_equal(cap->info.msi.is64, c->is64);
		assert_int_equal(cap->info.msi.maskable, c->maskable);
		assert_int_equal(cap->info.msi.mmc, c->mmc);
		assert_int_equal(cap->info.msi.mme, c->mme);
		assert_int_equal(cap->info.msi.data_off, c->data_off);
		assert_int_equal(cap->info.msi.mask_off, c->mask_off);
		assert_int_equal(tc_ndiag(l, PG_DIAG_CAP_FIELD, NULL), 0);
	}
}

static void test_decode_pcie(void **state)
{
	struct cfgbuild t;
	const struct pg_cap *cap;

	(void)state;
	tc_init(&t, 1);
	cb_add_cap(&t, CAP, PG_CAP_EXP);
	cb_w16(&t, CAP + 0x02, 0x0742); /* v2 root port, slot, irq 3 */
	cb_w32(&t, CAP + 0x04, 0x10008003); /* FLR, payload 1024 */
	cb_w16(&t, CAP + 0x08, 0x2810);
	cb_w16(&t, CAP + 0x0a, 0x0009);
	cb_w32(&t, CAP + 0x0c, 0x04000104); /* 16 GT/s x16 */
	cb_w16(&t, CAP + 0x12, 0x1083);     /* 8 GT/s x8 */
	cb_w32(&t, CAP + 0x24, 0x00200000);
	cb_w16(&t, CAP + 0x28, 0x0020);
	cap = tc_cap_at(tc_parse(&t, PG_CFG_STD_LEN, NULL), false, CAP);
	assert_int_equal(cap->len, 0x3c);
	assert_int_equal(cap->info.pcie.version, 2);
	assert_int_equal(cap->info.pcie.port_type, PG_PCIE_ROOT_PORT);
	assert_true(cap->info.pcie.slot);
	assert_int_equal(cap->info.pcie.irq_msg, 3);
	assert_int_equal(cap->info.pcie.devcap, 0x10008003);
	assert_true(cap->info.pcie.flr);
	assert_int_equal(cap->info.pcie.max_payload, 1024);
	assert_int_equal(cap->info.pcie.devctl, 0x2810);
	assert_int_equal(cap->info.pcie.devsta, 0x0009);
	assert_int_equal(cap->info.pcie.link_speed_max, 4);
	assert_int_equal(cap->info.pcie.link_width_max, 16);
	assert_int_equal(cap->info.pcie.lnksta, 0x1083);
	assert_int_equal(cap->info.pcie.link_speed, 3);
	assert_int_equal(cap->info.pcie.link_width, 8);
	assert_int_equal(cap->info.pcie.devcap2, 0x00200000);
	assert_int_equal(cap->info.pcie.devctl2, 0x0020);

	/* Version 1: DevCap2/DevCtl2 lie beyond the capability and read as zero even when
	 * the bytes there are not zero. */
	cb_w16(&t, CAP + 0x02, 0x0001);
	cap = tc_cap_at(tc_parse(&t, PG_CFG_STD_LEN, NULL), false, CAP);
	assert_int_equal(cap->len, 0x14);
	assert_int_equal(cap->info.pcie.devcap2, 0);
	assert_int_equal(cap->info.pcie.devctl2, 0);
}

static void test_decode_small(void **state)
{
	struct cfgbuild t;
	const struct pg_cfg_layout *l;

	(void)state;
	tc_init(&t, 0);
	cb_add_cap(&t, 0x40, PG_CAP_AF);
	cb_w8(&t, 0x42, 6);
	cb_w8(&t, 0x43, 0x03);
	cb_add_cap(&t, 0x48, PG_CAP_VPD);
	cb_w16(&t, 0x4a, 0x8123);
	cb_add_cap(&t, 0x50, PG_CAP_VNDR);
	cb_w8(&t, 0x52, 0x0c);
	cb_add_cap(&t, 0x60, PG_CAP_PCIX);
	cb_w16(&t, 0x62, 0x1003);
	cb_w32(&t, 0x64, 0x40010008);
	l = tc_parse(&t, PG_CFG_STD_LEN, NULL);
	assert_true(tc_cap_at(l, false, 0x40)->info.af.tp);
	assert_true(tc_cap_at(l, false, 0x40)->info.af.flr);
	assert_int_equal(tc_cap_at(l, false, 0x48)->info.vpd.addr, 0x0123);
	assert_true(tc_cap_at(l, false, 0x48)->info.vpd.flag);
	assert_int_equal(tc_cap_at(l, false, 0x50)->info.vndr.len, 0x0c);
	assert_int_equal(tc_cap_at(l, false, 0x50)->len, 0x0c);
	assert_false(tc_cap_at(l, false, 0x60)->info.pcix.bridge);
	assert_int_equal(tc_cap_at(l, false, 0x60)->info.pcix.command, 0x1003);
	assert_int_equal(tc_cap_at(l, false, 0x60)->info.pcix.status, 0x40010008);
	assert_true(tc_cap_at(l, false, 0x60)->info.pcix.mode2);
	assert_int_equal(tc_cap_at(l, false, 0x60)->len, 24);
	assert_int_equal(l->ndiags, 0);
}

/* walk.c walks extended space for PCI-X only when the decoder says mode 2 or bridge. */
static void test_pcix_ext_space(void **state)
{
	static const struct {
		uint8_t hdr_type;
		uint32_t status;
		bool walked;
	} cases[] = {
		{ 0, 0x00000000, false },
		{ 0, 0x40000000, true },
		{ 0, 0x80000000, true },
		{ 1, 0x00000000, true },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct cfgbuild t;
		const struct pg_cfg_layout *l;

		tc_init(&t, cases[i].hdr_type);
		cb_add_cap(&t, CAP, PG_CAP_PCIX);
		cb_w32(&t, CAP + 4, cases[i].status);
		cb_add_ecap(&t, 0x100, PG_ECAP_DSN, 1);
		l = tc_parse(&t, PG_CFG_EXT_LEN, NULL);
		assert_int_equal(tc_cap_at(l, false, CAP)->info.pcix.bridge,
				 cases[i].hdr_type == 1);
		assert_int_equal(l->ext_walked, cases[i].walked);
		assert_int_equal(l->ncaps - l->nstd, cases[i].walked ? 1 : 0);
	}
}

struct field_case {
	const char *what;
	uint8_t hdr_type;
	uint8_t id;
	struct tc_write w[TC_MAX_WRITES];
	const char *detail; /* NULL: the capability is valid, no cap-field expected */
};

static const struct field_case field_cases[] = {
	{ "MSI mme > mmc", 0, PG_CAP_MSI, { { 2, 2, 0x0042 } }, "mme 4 exceeds mmc 1" },
	{ "MSI mmc reserved", 0, PG_CAP_MSI, { { 2, 2, 0x000c } }, "mmc 6" },
	{ "MSI mme == mmc", 0, PG_CAP_MSI, { { 2, 2, 0x0025 } }, NULL },
	{ "PCIe version 0", 0, PG_CAP_EXP, { { 2, 2, 0x0000 } }, "version 0" },
	{ "PCIe port type 2", 0, PG_CAP_EXP, { { 2, 2, 0x0022 } }, "port_type 0x2" },
	{ "PCIe port type 0xb", 0, PG_CAP_EXP, { { 2, 2, 0x00b2 } }, "port_type 0xb" },
	{ "PCIe payload 7", 0, PG_CAP_EXP, { { 2, 2, 0x0002 }, { 4, 4, 0x7 } }, "max_payload" },
	{ "PCIe valid", 0, PG_CAP_EXP, { { 2, 2, 0x0002 }, { 4, 4, 0x5 } }, NULL },
	{ "PM version 0 (not judged)", 0, PG_CAP_PM, { { 2, 2, 0x0000 } }, NULL },
	{ "PM D1 unsupported", 0, PG_CAP_PM, { { 2, 2, 0x0003 }, { 4, 2, 0x0001 } }, "D1" },
	{ "PM D2 supported", 0, PG_CAP_PM, { { 2, 2, 0x0403 }, { 4, 2, 0x0002 } }, NULL },
	{ "AF length 5", 0, PG_CAP_AF, { { 2, 1, 5 } }, "AF length byte 5" },
	{ "vendor len 2", 0, PG_CAP_VNDR, { { 2, 1, 2 } }, "len 2" },
	{ "vendor len 3", 0, PG_CAP_VNDR, { { 2, 1, 3 } }, NULL },
	{ "PCI-X version 3", 0, PG_CAP_PCIX, { { 2, 2, 0x3000 } }, "version 3" },
};

static void test_field_diags(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(field_cases) / sizeof(field_cases[0]); i++) {
		const struct field_case *c = &field_cases[i];
		struct cfgbuild t;
		const struct pg_cfg_layout *l;
		unsigned want = c->detail ? 1 : 0;

		tc_init(&t, c->hdr_type);
		cb_add_cap(&t, CAP, c->id);
		tc_apply(&t, CAP, c->w);
		l = tc_parse(&t, PG_CFG_STD_LEN, NULL);
		if (tc_ndiag(l, PG_DIAG_CAP_FIELD, NULL) != want ||
		    tc_ndiag(l, PG_DIAG_CAP_FIELD, c->detail) != want) {
			print_error("case '%s'\n", c->what);
			tc_dump_diags(l);
		}
		assert_int_equal(tc_ndiag(l, PG_DIAG_CAP_FIELD, NULL), want);
		assert_int_equal(tc_ndiag(l, PG_DIAG_CAP_FIELD, c->detail), want);
		if (want)
			assert_int_equal(l->diags[0].offset, CAP);
	}
}

static void test_duplicates(void **state)
{
	static const struct {
		uint8_t id;
		bool unique;
	} cases[] = {
		{ PG_CAP_PM, true },   { PG_CAP_MSI, true }, { PG_CAP_MSIX, true },
		{ PG_CAP_EXP, true },  { PG_CAP_AF, true },  { PG_CAP_PCIX, true },
		{ PG_CAP_VPD, true },  { PG_CAP_VNDR, false }, { PG_CAP_HT, false },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct cfgbuild t;
		const struct pg_cfg_layout *l;

		tc_init(&t, 0);
		cb_add_cap(&t, 0x40, cases[i].id);
		cb_add_cap(&t, 0x80, cases[i].id);
		cb_w8(&t, 0x42, 6); /* keeps AF and vendor-specific lengths valid */
		cb_w8(&t, 0x82, 6);
		l = tc_parse(&t, PG_CFG_STD_LEN, NULL);
		assert_int_equal(l->nstd, 2);
		assert_int_equal(tc_ndiag(l, PG_DIAG_CAP_DUPLICATE, NULL), cases[i].unique ? 1 : 0);
		if (cases[i].unique)
			assert_int_equal(tc_ndiag(l, PG_DIAG_CAP_DUPLICATE, "first at 0x040"), 1);
	}
}

/* The per-ID length is what the overlap check measures: a 64-bit maskable MSI (0x18
 * bytes) at 0x40 overlaps a capability at 0x50, a 32-bit plain one (0x0a) does not. */
static void test_overlap_from_length(void **state)
{
	struct cfgbuild t;
	const struct pg_cfg_layout *l;

	(void)state;
	tc_init(&t, 0);
	cb_add_cap(&t, 0x40, PG_CAP_MSI);
	cb_w16(&t, 0x42, 0x0180);
	cb_add_cap(&t, 0x50, PG_CAP_PM);
	l = tc_parse(&t, PG_CFG_STD_LEN, NULL);
	assert_int_equal(tc_ndiag(l, PG_DIAG_CAP_OVERLAP, NULL), 1);

	cb_w16(&t, 0x42, 0x0000);
	l = tc_parse(&t, PG_CFG_STD_LEN, NULL);
	assert_int_equal(tc_ndiag(l, PG_DIAG_CAP_OVERLAP, NULL), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_std_lengths),
		cmocka_unit_test(test_truncation),
		cmocka_unit_test(test_truncation_short_dump),
		cmocka_unit_test(test_decode_pm),
		cmocka_unit_test(test_decode_msi),
		cmocka_unit_test(test_decode_pcie),
		cmocka_unit_test(test_decode_small),
		cmocka_unit_test(test_pcix_ext_space),
		cmocka_unit_test(test_field_diags),
		cmocka_unit_test(test_duplicates),
		cmocka_unit_test(test_overlap_from_length),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
