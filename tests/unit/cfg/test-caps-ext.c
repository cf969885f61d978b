/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Extended capabilities: per-ID lengths (fixed, computed from fields, or depending on the
 * PCIe port type and lane count), saturation of hostile sizes, the decoders of AER, ACS,
 * ARI, ATS, PRI, PASID, SR-IOV, Resizable BAR, DPC, LTR, L1SS, DSN, VSEC, DVSEC, DOE and
 * PTM, cap-field diagnostics and duplicates.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "test-caps-util.h"

#define ECAP 0x100u
#define EP PG_PCIE_ENDPOINT
#define RP PG_PCIE_ROOT_PORT
#define EE_PREFIX 0x00200000u

struct ext_case {
	const char *what;
	uint8_t port_type; /* of the PCIe capability that precedes the extended list */
	uint8_t width;
	uint32_t devcap2;
	uint16_t id;
	uint8_t version;
	struct tc_write w[TC_MAX_WRITES];
	uint16_t want;
};

static const struct ext_case ext_lengths[] = {
	{ "AER endpoint", EP, 4, 0, PG_ECAP_AER, 2, { { 0 } }, 0x2c },
	{ "AER root port", RP, 4, 0, PG_ECAP_AER, 2, { { 0 } }, 0x38 },
	{ "AER RCEC", PG_PCIE_RC_EC, 0, 0, PG_ECAP_AER, 2, { { 0 } }, 0x38 },
	{ "AER TLP prefix", EP, 4, EE_PREFIX, PG_ECAP_AER, 2, { { 0 } }, 0x48 },
	{ "VC one VC", EP, 1, 0, PG_ECAP_VC, 1, { { 0 } }, 0x1c },
	{ "VC two VCs", EP, 1, 0, PG_ECAP_VC, 1, { { 4, 4, 1 } }, 0x28 },
	/* 32-phase VC arbitration table (16 bytes) after the resources, 16-byte aligned */
	{ "VC arb table implicit", RP, 1, 0, PG_ECAP_VC, 1, { { 8, 4, 0x2 } }, 0x30 },
	{ "VC arb table at 0x40", RP, 1, 0, PG_ECAP_VC, 1, { { 8, 4, 0x04000002 } }, 0x50 },
	/* port arbitration table: 64 phases x 2 bits at 0x60 */
	{ "VC port arb table", RP, 1, 0, PG_ECAP_VC, 1,
	  { { 4, 4, 1u << 10 }, { 0x10, 4, 0x06000004 } }, 0x70 },
	{ "MFVC", EP, 1, 0, PG_ECAP_MFVC, 1, { { 4, 4, 2 } }, 0x34 },
	{ "VC9", EP, 1, 0, PG_ECAP_VC9, 1, { { 0 } }, 0x1c },
	{ "DSN", EP, 1, 0, PG_ECAP_DSN, 1, { { 0 } }, 0x0c },
	{ "Power Budgeting", EP, 1, 0, PG_ECAP_PWR, 1, { { 0 } }, 0x10 },
	{ "RCLD 2 links", PG_PCIE_RC_EC, 0, 0, PG_ECAP_RCLD, 1, { { 4, 4, 0x0200 } }, 0x30 },
	{ "RCLD 239 links", PG_PCIE_RC_EC, 0, 0, PG_ECAP_RCLD, 1, { { 4, 4, 0xef00 } }, 0xf00 },
	{ "RCILC", EP, 0, 0, PG_ECAP_RCILC, 1, { { 0 } }, 0x0c },
	{ "RCEC v1", PG_PCIE_RC_EC, 0, 0, PG_ECAP_RCEC, 1, { { 0 } }, 0x08 },
	{ "RCEC v2", PG_PCIE_RC_EC, 0, 0, PG_ECAP_RCEC, 2, { { 0 } }, 0x0c },
	{ "RCRB", EP, 0, 0, PG_ECAP_RCRB, 1, { { 0 } }, 0x14 },
	{ "VSEC 0x24", EP, 1, 0, PG_ECAP_VNDR, 1, { { 4, 4, 0x02410001 } }, 0x24 },
	{ "VSEC len 4 (min 8)", EP, 1, 0, PG_ECAP_VNDR, 1, { { 4, 4, 0x00410001 } }, 0x08 },
	{ "CAC", EP, 1, 0, PG_ECAP_CAC, 1, { { 0 } }, 0x08 },
	{ "ACS no egress", RP, 1, 0, PG_ECAP_ACS, 1, { { 4, 2, 0x005f } }, 0x08 },
	{ "ACS egress 0 = 256 bits", RP, 1, 0, PG_ECAP_ACS, 1, { { 4, 2, 0x0020 } }, 0x28 },
	{ "ACS egress 8 bits", RP, 1, 0, PG_ECAP_ACS, 1, { { 4, 2, 0x0820 } }, 0x0c },
	{ "ACS egress 33 bits", RP, 1, 0, PG_ECAP_ACS, 1, { { 4, 2, 0x2120 } }, 0x10 },
	{ "ACS size without EC", RP, 1, 0, PG_ECAP_ACS, 1, { { 4, 2, 0x2100 } }, 0x08 },
	{ "ARI", EP, 1, 0, PG_ECAP_ARI, 1, { { 0 } }, 0x08 },
	{ "ATS", EP, 1, 0, PG_ECAP_ATS, 1, { { 0 } }, 0x08 },
	{ "SR-IOV", EP, 1, 0, PG_ECAP_SRIOV, 1, { { 0 } }, 0x40 },
	{ "Multicast endpoint", EP, 1, 0, PG_ECAP_MCAST, 1, { { 0 } }, 0x28 },
	{ "Multicast downstream", PG_PCIE_DOWNSTREAM, 1, 0, PG_ECAP_MCAST, 1, { { 0 } }, 0x30 },
	{ "PRI", EP, 1, 0, PG_ECAP_PRI, 1, { { 0 } }, 0x10 },
	{ "ReBAR 1", EP, 1, 0, PG_ECAP_REBAR, 1, { { 8, 4, 0x20 } }, 0x0c },
	{ "ReBAR 3", EP, 1, 0, PG_ECAP_REBAR, 1, { { 8, 4, 0x60 } }, 0x1c },
	{ "ReBAR 0 (one entry)", EP, 1, 0, PG_ECAP_REBAR, 1, { { 8, 4, 0x00 } }, 0x0c },
	{ "ReBAR 7", EP, 1, 0, PG_ECAP_REBAR, 1, { { 8, 4, 0xe0 } }, 0x3c },
	{ "VF ReBAR 2", EP, 1, 0, PG_ECAP_VF_REBAR, 1, { { 8, 4, 0x40 } }, 0x14 },
	{ "DPA 1 substate", EP, 1, 0, PG_ECAP_DPA, 1, { { 0 } }, 0x14 },
	{ "DPA 32 substates", EP, 1, 0, PG_ECAP_DPA, 1, { { 4, 4, 0x1f } }, 0x30 },
	{ "TPH no table", EP, 1, 0, PG_ECAP_TPH, 1, { { 4, 4, 0x00030000 } }, 0x0c },
	{ "TPH table in MSI-X", EP, 1, 0, PG_ECAP_TPH, 1, { { 4, 4, 0x00030400 } }, 0x0c },
	{ "TPH 4 entries", EP, 1, 0, PG_ECAP_TPH, 1, { { 4, 4, 0x00030200 } }, 0x14 },
	{ "TPH 3 entries", EP, 1, 0, PG_ECAP_TPH, 1, { { 4, 4, 0x00020200 } }, 0x14 },
	{ "LTR", EP, 1, 0, PG_ECAP_LTR, 1, { { 0 } }, 0x08 },
	{ "Secondary PCIe x1", EP, 1, 0, PG_ECAP_SECPCI, 1, { { 0 } }, 0x10 },
	{ "Secondary PCIe x4", EP, 4, 0, PG_ECAP_SECPCI, 1, { { 0 } }, 0x14 },
	{ "Secondary PCIe x16", EP, 16, 0, PG_ECAP_SECPCI, 1, { { 0 } }, 0x2c },
	{ "Secondary PCIe x63 (saturated to 32)", EP, 63, 0, PG_ECAP_SECPCI, 1, { { 0 } }, 0x4c },
	{ "PMUX 2", EP, 1, 0, PG_ECAP_PMUX, 1, { { 4, 4, 2 } }, 0x18 },
	{ "PASID", EP, 1, 0, PG_ECAP_PASID, 1, { { 0 } }, 0x08 },
	{ "LNR", EP, 1, 0, PG_ECAP_LNR, 1, { { 0 } }, 0x08 },
	{ "DPC", RP, 1, 0, PG_ECAP_DPC, 1, { { 0 } }, 0x0c },
	{ "DPC RP log 4", RP, 1, 0, PG_ECAP_DPC, 1, { { 4, 2, 0x0420 } }, 0x30 },
	{ "DPC RP log 9", RP, 1, 0, PG_ECAP_DPC, 1, { { 4, 2, 0x0920 } }, 0x44 },
	{ "DPC RP log 15, bit 13 without Flit", RP, 1, 0, PG_ECAP_DPC, 1, { { 4, 2, 0x2f20 } },
	  0x5c },
	{ "DPC log without RP ext", RP, 1, 0, PG_ECAP_DPC, 1, { { 4, 2, 0x0f00 } }, 0x0c },
	{ "L1SS", EP, 1, 0, PG_ECAP_L1SS, 1, { { 0 } }, 0x10 },
	{ "PTM", EP, 1, 0, PG_ECAP_PTM, 1, { { 0 } }, 0x0c },
	{ "FRS", EP, 1, 0, PG_ECAP_FRS, 1, { { 0 } }, 0x10 },
	{ "RTR", EP, 1, 0, PG_ECAP_RTR, 1, { { 0 } }, 0x0c },
	{ "DVSEC 0x38", EP, 1, 0, PG_ECAP_DVSEC, 1, { { 4, 4, 0x03811e98 } }, 0x38 },
	{ "DVSEC len 0 (min 0xa)", EP, 1, 0, PG_ECAP_DVSEC, 1, { { 4, 4, 0x00011e98 } }, 0x0a },
	{ "Data Link Feature", EP, 1, 0, PG_ECAP_DLNK, 1, { { 0 } }, 0x0c },
	{ "PL 16 GT/s x4", EP, 4, 0, PG_ECAP_PL16, 1, { { 0 } }, 0x24 },
	{ "PL 16 GT/s x16", RP, 16, 0, PG_ECAP_PL16, 1, { { 0 } }, 0x30 },
	{ "PL 16 GT/s x2", EP, 2, 0, PG_ECAP_PL16, 1, { { 0 } }, 0x24 },
	{ "Lane Margining x4", EP, 4, 0, PG_ECAP_LMR, 1, { { 0 } }, 0x18 },
	{ "Lane Margining x16", EP, 16, 0, PG_ECAP_LMR, 1, { { 0 } }, 0x48 },
	{ "Hierarchy ID", EP, 1, 0, PG_ECAP_HIER_ID, 1, { { 0 } }, 0x20 },
	{ "NPEM", EP, 1, 0, PG_ECAP_NPEM, 1, { { 0 } }, 0x10 },
	{ "PL 32 GT/s x8", EP, 8, 0, PG_ECAP_PL32, 1, { { 0 } }, 0x28 },
	{ "Alternate Protocol", EP, 1, 0, PG_ECAP_ALT_PROTO, 1, { { 0 } }, 0x18 },
	{ "DOE", EP, 1, 0, PG_ECAP_DOE, 1, { { 0 } }, 0x18 },
	{ "Device 3", EP, 1, 0, PG_ECAP_DEV3, 1, { { 0 } }, 0x10 },
	{ "PL 64 GT/s x8", EP, 8, 0, PG_ECAP_PL64, 1, { { 0 } }, 0x18 },
	{ "named, unsized (IDE)", EP, 1, 0, PG_ECAP_IDE, 1, { { 0 } }, 0x04 },
	{ "unknown ID 0x60", EP, 1, 0, 0x60, 1, { { 0 } }, 0x04 },
};

static const struct pg_cfg_layout *parse_one(const struct ext_case *c, uint16_t at)
{
	struct cfgbuild t;

	tc_init(&t, c->port_type == RP || c->port_type == PG_PCIE_DOWNSTREAM ? 1 : 0);
	tc_pcie(&t, 0x40, c->port_type, c->width, c->devcap2);
	if (at != ECAP)
		cb_add_ecap(&t, ECAP, PG_ECAP_LTR, 1);
	cb_add_ecap(&t, at, c->id, c->version);
	tc_apply(&t, at, c->w);
	return tc_parse(&t, PG_CFG_EXT_LEN, NULL);
}

static void test_ext_lengths(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(ext_lengths) / sizeof(ext_lengths[0]); i++) {
		const struct ext_case *c = &ext_lengths[i];
		const struct pg_cfg_layout *l = parse_one(c, ECAP);
		const struct pg_cap *cap = tc_cap_at(l, true, ECAP);

		if (cap->len != c->want)
			print_error("case '%s': len 0x%x, want 0x%x\n", c->what, cap->len, c->want);
		assert_int_equal(cap->len, c->want);
		assert_int_equal(tc_ndiag(l, PG_DIAG_ECAP_TRUNCATED, NULL), 0);
	}
}

/* Hostile size fields: whatever they say, a length never passes the end of the config
 * space; the walker clamps and reports it. */
static void test_hostile_sizes(void **state)
{
	static const struct ext_case hostile[] = {
		{ "TPH 2048 entries", EP, 1, 0, PG_ECAP_TPH, 1, { { 4, 4, 0x07ff0200 } }, 0 },
		{ "VSEC 0xfff", EP, 1, 0, PG_ECAP_VNDR, 1, { { 4, 4, 0xfff00001 } }, 0 },
		{ "DVSEC 0xfff", EP, 1, 0, PG_ECAP_DVSEC, 1, { { 4, 4, 0xfff00001 } }, 0 },
		{ "RCLD 255 links", EP, 1, 0, PG_ECAP_RCLD, 1, { { 4, 4, 0xff00 } }, 0 },
		{ "VC max tables", RP, 1, 0, PG_ECAP_VC, 1,
		  { { 4, 4, 0x00000c07 }, { 8, 4, 0xff000008 }, { 0x10, 4, 0xff000020 } }, 0 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(hostile) / sizeof(hostile[0]); i++) {
		const struct pg_cfg_layout *l = parse_one(&hostile[i], 0xe00);
		const struct pg_cap *cap = tc_cap_at(l, true, 0xe00);

		assert_int_equal(cap->len, PG_CFG_EXT_LEN - 0xe00);
		assert_int_equal(tc_ndiag(l, PG_DIAG_ECAP_TRUNCATED, NULL), 1);
	}
}

/* Every ID, random contents: lengths stay inside the config space, decoders never read
 * outside their clamped length (ASan would catch it) and never crash. Deterministic. */
static void test_random_contents(void **state)
{
	uint32_t seed = 0x12345678u;

	(void)state;
	for (unsigned round = 0; round < 64; round++) {
		for (uint16_t id = 0; id < 0x40; id++) {
			struct cfgbuild t;
			const struct pg_cfg_layout *l;
			uint16_t at = (uint16_t)(0x100u + ((seed >> 8) % 0x3c0u) * 4u);

			tc_init(&t, (uint8_t)(round & 1));
			for (unsigned b = 0x40; b < PG_CFG_EXT_LEN; b++) {
				seed = seed * 1103515245u + 12345u;
				t.b[b] = (uint8_t)(seed >> 16);
			}
			t.std_link = 0x34;
			cb_w8(&t, 0x34, 0);
			tc_pcie(&t, 0x40, (uint8_t)(seed >> 4), (uint8_t)(seed >> 9),
				(uint32_t)seed);
			cb_add_cap(&t, (uint8_t)(0x80u + (seed >> 24) % 0x1fu * 4u), (uint8_t)id);
			t.ext_last = 0;
			if (at != ECAP)
				cb_add_ecap(&t, ECAP, 0, 0);
			cb_add_ecap(&t, at, id, (uint8_t)seed);
			l = tc_parse(&t, PG_CFG_EXT_LEN, NULL);
			for (uint16_t i = 0; i < l->ncaps; i++) {
				const struct pg_cap *c = &l->caps[i];
				uint32_t end = c->extended ? PG_CFG_EXT_LEN : PG_CFG_STD_LEN;

				assert_true((uint32_t)c->offset + c->len <= end);
			}
		}
	}
}

static void test_decode_aer(void **state)
{
	static const uint8_t types[] = { EP, RP, PG_PCIE_RC_EC, PG_PCIE_UPSTREAM };

	(void)state;
	for (size_t i = 0; i < sizeof(types); i++) {
		struct ext_case c = { "AER", types[i], 1, 0, PG_ECAP_AER, 2,
				      { { 0x04, 4, 0x00100000 }, { 0x08, 4, 0x00400000 },
					{ 0x0c, 4, 0x00462030 }, { 0x10, 4, 0x00002000 },
					{ 0x14, 4, 0x0000e000 }, { 0x18, 4, 0x000001b2 } },
				      0 };
		const struct pg_cap *cap = tc_cap_at(parse_one(&c, ECAP), true, ECAP);
		bool root = types[i] == RP || types[i] == PG_PCIE_RC_EC;

		assert_int_equal(cap->info.aer.uncor_status, 0x00100000);
		assert_int_equal(cap->info.aer.uncor_mask, 0x00400000);
		assert_int_equal(cap->info.aer.uncor_sev, 0x00462030);
		assert_int_equal(cap->info.aer.cor_status, 0x00002000);
		assert_int_equal(cap->info.aer.cor_mask, 0x0000e000);
		assert_int_equal(cap->info.aer.cap_ctrl, 0x000001b2);
		assert_int_equal(cap->info.aer.first_error, 0x12);
		assert_int_equal(cap->info.aer.root, root);
		assert_int_equal(cap->len, root ? 0x38 : 0x2c);
	}
}

static void test_decode_isolation(void **state)
{
	struct cfgbuild t;
	const struct pg_cfg_layout *l;
	const struct pg_cap *c;

	(void)state;
	tc_init(&t, 1);
	tc_pcie(&t, 0x40, RP, 4, 0);
	cb_add_ecap(&t, 0x100, PG_ECAP_ACS, 1);
	cb_w16(&t, 0x104, 0x107f); /* all capabilities, 16-bit egress vector */
	cb_w16(&t, 0x106, 0x001d);
	cb_add_ecap(&t, 0x110, PG_ECAP_ARI, 1);
	cb_w16(&t, 0x114, 0x0803);
	cb_add_ecap(&t, 0x118, PG_ECAP_ATS, 1);
	cb_w16(&t, 0x11c, 0x0020); /* queue depth 0 = 32, page aligned */
	cb_w16(&t, 0x11e, 0x8003);
	cb_add_ecap(&t, 0x120, PG_ECAP_PRI, 1);
	cb_w16(&t, 0x124, 0x0001);
	cb_w32(&t, 0x128, 512);
	cb_w32(&t, 0x12c, 256);
	cb_add_ecap(&t, 0x130, PG_ECAP_PASID, 1);
	cb_w16(&t, 0x134, 0x1406); /* exec, priv, width 20 */
	cb_w16(&t, 0x136, 0x0001);
	l = tc_parse(&t, PG_CFG_EXT_LEN, NULL);
	assert_int_equal(l->ndiags, 0);
	c = tc_cap_at(l, true, 0x100);
	assert_int_equal(c->len, 0x0c);
	assert_int_equal(c->info.acs.cap, 0x107f);
	assert_int_equal(c->info.acs.ctrl, 0x001d);
	assert_true(c->info.acs.sv && c->info.acs.tb && c->info.acs.rr && c->info.acs.cr);
	assert_true(c->info.acs.uf && c->info.acs.ec && c->info.acs.dt);
	assert_int_equal(c->info.acs.egress_vec_bits, 16);
	c = tc_cap_at(l, true, 0x110);
	assert_true(c->info.ari.mfvc && c->info.ari.acs);
	assert_int_equal(c->info.ari.next_fn, 8);
	c = tc_cap_at(l, true, 0x118);
	assert_int_equal(c->info.ats.inv_queue_depth, 32);
	assert_true(c->info.ats.page_aligned);
	assert_true(c->info.ats.enabled);
	assert_int_equal(c->info.ats.stu, 3);
	c = tc_cap_at(l, true, 0x120);
	assert_true(c->info.pri.enabled);
	assert_int_equal(c->info.pri.outstanding_capacity, 512);
	assert_int_equal(c->info.pri.outstanding_alloc, 256);
	c = tc_cap_at(l, true, 0x130);
	assert_true(c->info.pasid.exec && c->info.pasid.priv && c->info.pasid.enabled);
	assert_int_equal(c->info.pasid.max_width, 20);
}

static void test_decode_sriov_rebar(void **state)
{
	struct cfgbuild t;
	const struct pg_cfg_layout *l;
	const struct pg_cap *c;

	(void)state;
	tc_init(&t, 0);
	tc_pcie(&t, 0x40, EP, 8, 0);
	cb_add_ecap(&t, 0x100, PG_ECAP_SRIOV, 1);
	cb_w32(&t, 0x104, 0x00000002);
	cb_w16(&t, 0x108, 0x0019);
	cb_w16(&t, 0x10c, 64);
	cb_w16(&t, 0x10e, 64);
	cb_w16(&t, 0x110, 8);
	cb_w16(&t, 0x114, 0x80);
	cb_w16(&t, 0x116, 2);
	cb_w16(&t, 0x11a, 0x10ed);
	cb_w32(&t, 0x11c, 0x553);
	cb_w32(&t, 0x120, 0x1);
	cb_add_ecap(&t, 0x140, PG_ECAP_REBAR, 1);
	cb_w32(&t, 0x144, 0x0001fff0);       /* 1 MiB .. 128 GiB */
	cb_w32(&t, 0x148, 0x00000840);       /* BAR0, 2 entries, size 8 (256 MiB) */
	cb_w32(&t, 0x14c, 0x000000f0);
	cb_w32(&t, 0x150, 0x00000202);       /* BAR2, size 2 */
	l = tc_parse(&t, PG_CFG_EXT_LEN, NULL);
	assert_int_equal(l->ndiags, 0);
	c = tc_cap_at(l, true, 0x100);
	assert_int_equal(c->info.sriov.cap, 2);
	assert_int_equal(c->info.sriov.ctrl, 0x19);
	assert_true(c->info.sriov.vf_enable);
	assert_int_equal(c->info.sriov.initial_vfs, 64);
	assert_int_equal(c->info.sriov.total_vfs, 64);
	assert_int_equal(c->info.sriov.num_vfs, 8);
	assert_int_equal(c->info.sriov.vf_offset, 0x80);
	assert_int_equal(c->info.sriov.vf_stride, 2);
	assert_int_equal(c->info.sriov.vf_device, 0x10ed);
	assert_int_equal(c->info.sriov.page_sizes, 0x553);
	assert_int_equal(c->info.sriov.page_size, 1);
	c = tc_cap_at(l, true, 0x140);
	assert_int_equal(c->len, 0x14);
	assert_int_equal(c->info.rebar.nbars, 2);
	assert_int_equal(c->info.rebar.bars[0].bar, 0);
	assert_int_equal(c->info.rebar.bars[0].sizes, 0x1fff);
	assert_int_equal(c->info.rebar.bars[0].cur_size, 8);
	assert_int_equal(c->info.rebar.bars[1].bar, 2);
	assert_int_equal(c->info.rebar.bars[1].sizes, 0xf);
	assert_int_equal(c->info.rebar.bars[1].cur_size, 2);
	assert_int_equal(c->info.rebar.bars[2].sizes, 0);
	assert_int_equal(tc_field(c, "bar1_index"), 2);
	assert_int_equal(tc_field(c, "bar0_cur_size"), 8);
	/* Reports list the two declared entries, not six slots: nbars + 3 fields each. */
	{
		size_t nf = 0;
		const struct pg_field *f = pg_cap_fields(c, &nf);

		assert_non_null(f);
		assert_int_equal(nf, 1 + 3 * 2);
		assert_string_equal(f[nf - 1].name, "bar1_cur_size");
	}
}

static void test_decode_power(void **state)
{
	struct cfgbuild t;
	const struct pg_cfg_layout *l;
	const struct pg_cap *c;

	(void)state;
	tc_init(&t, 1);
	tc_pcie(&t, 0x40, RP, 4, 0);
	cb_add_ecap(&t, 0x100, PG_ECAP_DPC, 1);
	cb_w16(&t, 0x104, 0x04e0);
	cb_w16(&t, 0x106, 0x000d);
	cb_w16(&t, 0x108, 0x0001);
	cb_add_ecap(&t, 0x140, PG_ECAP_LTR, 1);
	cb_w16(&t, 0x144, 0x1003);
	cb_w16(&t, 0x146, 0x0c01);
	cb_add_ecap(&t, 0x148, PG_ECAP_L1SS, 1);
	cb_w32(&t, 0x14c, 0x0028281f);
	cb_w32(&t, 0x150, 0x40a0280f);
	cb_w32(&t, 0x154, 0x00000028);
	cb_add_ecap(&t, 0x164, PG_ECAP_PTM, 1);
	cb_w32(&t, 0x168, 0x00000a07);
	cb_w32(&t, 0x16c, 0x00000001);
	l = tc_parse(&t, PG_CFG_EXT_LEN, NULL);
	assert_int_equal(l->ndiags, 0);
	c = tc_cap_at(l, true, 0x100);
	assert_int_equal(c->len, 0x30);
	assert_true(c->info.dpc.rp_ext);
	assert_int_equal(c->info.dpc.rp_pio_log_size, 4);
	assert_int_equal(c->info.dpc.cap, 0x04e0);
	assert_int_equal(c->info.dpc.ctrl, 0x000d);
	assert_int_equal(c->info.dpc.status, 0x0001);
	c = tc_cap_at(l, true, 0x140);
	assert_int_equal(c->info.ltr.max_snoop, 0x1003);
	assert_int_equal(c->info.ltr.max_nosnoop, 0x0c01);
	c = tc_cap_at(l, true, 0x148);
	assert_int_equal(c->info.l1ss.cap, 0x0028281f);
	assert_int_equal(c->info.l1ss.ctl1, 0x40a0280f);
	assert_int_equal(c->info.l1ss.ctl2, 0x28);
	c = tc_cap_at(l, true, 0x164);
	assert_true(c->info.ptm.requester && c->info.ptm.responder && c->info.ptm.root);
	assert_int_equal(c->info.ptm.granularity, 0x0a);
	assert_true(c->info.ptm.enabled);
}

static void test_decode_identity(void **state)
{
	struct cfgbuild t;
	const struct pg_cfg_layout *l;
	const struct pg_cap *c;

	(void)state;
	tc_init(&t, 0);
	tc_pcie(&t, 0x40, EP, 4, 0);
	cb_add_ecap(&t, 0x100, PG_ECAP_DSN, 1);
	cb_w32(&t, 0x104, 0x4c3c70aa);
	cb_w32(&t, 0x108, 0x001a11ff);
	cb_add_ecap(&t, 0x170, PG_ECAP_VNDR, 1);
	cb_w32(&t, 0x174, 0x0182abcd);
	cb_add_ecap(&t, 0x190, PG_ECAP_DVSEC, 1);
	cb_w32(&t, 0x194, 0x01811e98);
	cb_w16(&t, 0x198, 0x0003);
	cb_add_ecap(&t, 0x1b0, PG_ECAP_DOE, 1);
	cb_w32(&t, 0x1b4, 0x0000000b);
	cb_w32(&t, 0x1b8, 0x00000002);
	cb_w32(&t, 0x1bc, 0x80000000);
	l = tc_parse(&t, PG_CFG_EXT_LEN, NULL);
	assert_int_equal(l->ndiags, 0);
	c = tc_cap_at(l, true, 0x100);
	assert_int_equal(c->info.dsn.serial, 0x001a11ff4c3c70aaull);
	assert_int_equal(tc_field(c, "serial"), 0x001a11ff4c3c70aaull);
	c = tc_cap_at(l, true, 0x170);
	assert_int_equal(c->len, 0x18);
	assert_int_equal(c->info.vsec.vsec_id, 0xabcd);
	assert_int_equal(c->info.vsec.vsec_rev, 2);
	assert_int_equal(c->info.vsec.vsec_len, 0x18);
	c = tc_cap_at(l, true, 0x190);
	assert_int_equal(c->len, 0x18);
	assert_int_equal(c->info.dvsec.vendor, 0x1e98);
	assert_int_equal(c->info.dvsec.revision, 1);
	assert_int_equal(c->info.dvsec.dvsec_len, 0x18);
	assert_int_equal(c->info.dvsec.dvsec_id, 3);
	c = tc_cap_at(l, true, 0x1b0);
	assert_int_equal(c->info.doe.cap, 0xb);
	assert_true(c->info.doe.irq);
	assert_int_equal(c->info.doe.irq_msg, 5);
	assert_int_equal(c->info.doe.ctrl, 2);
	assert_int_equal(c->info.doe.status, 0x80000000u);
}

/* In Flit Mode (PCIe flags bit 15) DPC capability bit 13 is bit 4 of the RP PIO log size
 * and the log may reach 15 dwords; outside it 4..9 are the valid sizes. */
static void test_dpc_flit(void **state)
{
	static const struct {
		bool flit;
		uint16_t dcap;
		uint16_t len;
		bool field;
	} cases[] = {
		{ false, 0x0920, 0x44, false }, { false, 0x0a20, 0x48, true },
		{ true, 0x0e20, 0x58, false },  { true, 0x0f20, 0x5c, false },
		{ true, 0x2020, 0x60, true },   { true, 0x2f20, 0x9c, true },
		{ true, 0x2f00, 0x0c, false },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct cfgbuild t;
		const struct pg_cfg_layout *l;
		const struct pg_cap *c;

		tc_init(&t, 1);
		tc_pcie(&t, 0x40, RP, 4, 0);
		if (cases[i].flit)
			cb_w16(&t, 0x42, 0x8042);
		cb_add_ecap(&t, ECAP, PG_ECAP_DPC, 1);
		cb_w16(&t, ECAP + 4, cases[i].dcap);
		l = tc_parse(&t, PG_CFG_EXT_LEN, NULL);
		c = tc_cap_at(l, true, ECAP);
		assert_int_equal(c->len, cases[i].len);
		assert_int_equal(tc_ndiag(l, PG_DIAG_CAP_FIELD, "rp_pio_log_size"),
				 cases[i].field ? 1 : 0);
	}
}

static const struct ext_case field_cases[] = {
	{ "ReBAR nbars 0", EP, 1, 0, PG_ECAP_REBAR, 1, { { 8, 4, 0x00 } }, 0 },
	{ "ReBAR nbars 7", EP, 1, 0, PG_ECAP_REBAR, 1, { { 8, 4, 0xe0 } }, 0 },
	{ "ReBAR BAR 6", EP, 1, 0, PG_ECAP_REBAR, 1, { { 8, 4, 0x26 } }, 0 },
	{ "SR-IOV num > total", EP, 1, 0, PG_ECAP_SRIOV, 1,
	  { { 0x0e, 2, 4 }, { 0x10, 2, 5 }, { 0x14, 2, 1 }, { 0x16, 2, 1 } }, 0 },
	{ "SR-IOV initial > total", EP, 1, 0, PG_ECAP_SRIOV, 1, { { 0x0c, 2, 8 }, { 0x0e, 2, 4 } },
	  0 },
	{ "SR-IOV enabled, no offset", EP, 1, 0, PG_ECAP_SRIOV, 1,
	  { { 0x08, 2, 1 }, { 0x0e, 2, 4 }, { 0x10, 2, 2 }, { 0x16, 2, 1 } }, 0 },
	{ "SR-IOV enabled, no stride", EP, 1, 0, PG_ECAP_SRIOV, 1,
	  { { 0x08, 2, 1 }, { 0x0e, 2, 4 }, { 0x10, 2, 2 }, { 0x14, 2, 1 } }, 0 },
	{ "PASID width 21", EP, 1, 0, PG_ECAP_PASID, 1, { { 4, 2, 0x1500 } }, 0 },
	{ "PRI alloc > capacity", EP, 1, 0, PG_ECAP_PRI, 1, { { 8, 4, 16 }, { 12, 4, 17 } }, 0 },
	{ "DPC RP log 2", RP, 1, 0, PG_ECAP_DPC, 1, { { 4, 2, 0x0220 } }, 0 },
	{ "VSEC len 4", EP, 1, 0, PG_ECAP_VNDR, 1, { { 4, 4, 0x00400001 } }, 0 },
	{ "DVSEC len 8", EP, 1, 0, PG_ECAP_DVSEC, 1, { { 4, 4, 0x00800001 } }, 0 },
	{ "ACS ctrl beyond cap", RP, 1, 0, PG_ECAP_ACS, 1, { { 4, 2, 0x0001 }, { 6, 2, 0x0003 } },
	  0 },
	{ "PTM root not responder", EP, 1, 0, PG_ECAP_PTM, 1, { { 4, 4, 0x0005 } }, 0 },
};

static const char *const field_details[] = {
	"nbars 0", "nbars 7", "names BAR 6", "num_vfs 5 exceeds total_vfs 4",
	"initial_vfs 8 exceeds", "vf_offset 0", "vf_stride 0", "max_width 21",
	"outstanding_alloc 17", "rp_pio_log_size 2", "vsec_len 0x4", "dvsec_len 0x8",
	"ACS ctrl 0x0003", "PTM root",
};

static void test_field_diags(void **state)
{
	_Static_assert(sizeof(field_cases) / sizeof(field_cases[0]) ==
		       sizeof(field_details) / sizeof(field_details[0]), "one detail per case");
	(void)state;
	for (size_t i = 0; i < sizeof(field_cases) / sizeof(field_cases[0]); i++) {
		const struct pg_cfg_layout *l = parse_one(&field_cases[i], ECAP);

		if (tc_ndiag(l, PG_DIAG_CAP_FIELD, field_details[i]) != 1) {
			print_error("case '%s'\n", field_cases[i].what);
			tc_dump_diags(l);
		}
		assert_int_equal(tc_ndiag(l, PG_DIAG_CAP_FIELD, NULL), 1);
		assert_int_equal(tc_ndiag(l, PG_DIAG_CAP_FIELD, field_details[i]), 1);
	}
}

static void test_duplicates(void **state)
{
	static const struct {
		uint16_t id;
		bool unique;
	} cases[] = {
		{ PG_ECAP_AER, true },   { PG_ECAP_ACS, true },    { PG_ECAP_ARI, true },
		{ PG_ECAP_ATS, true },   { PG_ECAP_PRI, true },    { PG_ECAP_PASID, true },
		{ PG_ECAP_SRIOV, true }, { PG_ECAP_REBAR, true },  { PG_ECAP_DPC, true },
		{ PG_ECAP_LTR, true },   { PG_ECAP_L1SS, true },   { PG_ECAP_DSN, true },
		{ PG_ECAP_PTM, true },   { PG_ECAP_VNDR, false },  { PG_ECAP_DVSEC, false },
		{ PG_ECAP_DOE, false },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct cfgbuild t;
		const struct pg_cfg_layout *l;

		tc_init(&t, 1);
		tc_pcie(&t, 0x40, RP, 1, 0);
		cb_add_ecap(&t, 0x100, cases[i].id, 1);
		cb_add_ecap(&t, 0x200, cases[i].id, 1);
		cb_w32(&t, 0x104, 0x01000001); /* VSEC/DVSEC length 0x10 */
		cb_w32(&t, 0x204, 0x01000001);
		l = tc_parse(&t, PG_CFG_EXT_LEN, NULL);
		assert_int_equal(l->ncaps - l->nstd, 2);
		assert_int_equal(tc_ndiag(l, PG_DIAG_CAP_DUPLICATE, NULL), cases[i].unique ? 1 : 0);
	}
}

/* AER's length rule reads the PCIe capability: the standard list must have been walked
 * first, and a function without one (PCI-X mode 2) is sized as an endpoint. */
static void test_aer_without_pcie(void **state)
{
	struct cfgbuild t;
	const struct pg_cfg_layout *l;

	(void)state;
	tc_init(&t, 0);
	cb_add_cap(&t, 0x40, PG_CAP_PCIX);
	cb_w32(&t, 0x44, 0x80000000);
	cb_add_ecap(&t, 0x100, PG_ECAP_AER, 1);
	l = tc_parse(&t, PG_CFG_EXT_LEN, NULL);
	assert_int_equal(tc_cap_at(l, true, 0x100)->len, 0x2c);
	assert_false(tc_cap_at(l, true, 0x100)->info.aer.root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ext_lengths),
		cmocka_unit_test(test_hostile_sizes),
		cmocka_unit_test(test_random_contents),
		cmocka_unit_test(test_decode_aer),
		cmocka_unit_test(test_decode_isolation),
		cmocka_unit_test(test_decode_sriov_rebar),
		cmocka_unit_test(test_decode_power),
		cmocka_unit_test(test_decode_identity),
		cmocka_unit_test(test_dpc_flit),
		cmocka_unit_test(test_field_diags),
		cmocka_unit_test(test_duplicates),
		cmocka_unit_test(test_aer_without_pcie),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
