/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * AER extended capability (src/lib/mediator/aer.c), checked against PCIe r5.0 §7.8.4 and
 * the per-profile rules of docs/mediation.md. The bit layouts below are written from the
 * specification, not taken from the mediator's headers.
 *
 * The fake hardware implements the AER registers as the spec does: status bits RW1C
 * (reserved bits read 0, unchanged), mask and severity bits RW (reserved read-only), the
 * capability bits read-only and an ECRC enable writable only where its capable bit is set,
 * the logs read-only. Each case writes one value to one register under one profile and
 * checks what the device then holds, what the guest reads back, whether the device saw a
 * write at all and which audit record (rule, verdict) the write produced.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

#include <cmocka.h>

#include "medtest.h"

/* PCIe r5.0 §7.8.4: register offsets from the capability header */
#define UNC_STA (MT_AER + 0x04)
#define UNC_MSK (MT_AER + 0x08)
#define UNC_SEV (MT_AER + 0x0c)
#define COR_STA (MT_AER + 0x10)
#define COR_MSK (MT_AER + 0x14)
#define CAPCTL (MT_AER + 0x18)
#define HDRLOG (MT_AER + 0x1c)
#define ROOTCMD (MT_AER + 0x2c)
#define PFXLOG (MT_AER + 0x38)

/* §7.8.4.2: Uncorrectable Error Status bits (mask and severity share the layout) */
#define UNC_UNDEF (1u << 0)      /* Undefined: software may write any value */
#define UNC_DLP (1u << 4)
#define UNC_SDES (1u << 5)
#define UNC_PTLP (1u << 12)
#define UNC_FCP (1u << 13)
#define UNC_CTO (1u << 14)
#define UNC_CA (1u << 15)
#define UNC_UC (1u << 16)
#define UNC_RXO (1u << 17)
#define UNC_MTLP (1u << 18)
#define UNC_ECRC (1u << 19)
#define UNC_UR (1u << 20)
#define UNC_ACSV (1u << 21)
#define UNC_UIE (1u << 22)
#define UNC_MCB (1u << 23)
#define UNC_AEB (1u << 24)
#define UNC_TPB (1u << 25)
#define UNC_PEB (1u << 26)
#define UNC_ALL (UNC_UNDEF | UNC_DLP | UNC_SDES | UNC_PTLP | UNC_FCP | UNC_CTO | UNC_CA | \
		 UNC_UC | UNC_RXO | UNC_MTLP | UNC_ECRC | UNC_UR | UNC_ACSV | UNC_UIE | UNC_MCB | \
		 UNC_AEB | UNC_TPB | UNC_PEB)
/* §7.8.4.5: Correctable Error Status bits */
#define COR_RE (1u << 0)
#define COR_BTLP (1u << 6)
#define COR_BDLLP (1u << 7)
#define COR_RRO (1u << 8)
#define COR_RTO (1u << 12)
#define COR_ANF (1u << 13)
#define COR_CIE (1u << 14)
#define COR_HLO (1u << 15)
#define COR_ALL (COR_RE | COR_BTLP | COR_BDLLP | COR_RRO | COR_RTO | COR_ANF | COR_CIE | COR_HLO)
/* §7.8.4.7: Advanced Error Capabilities and Control */
#define CAP_FEP(n) ((uint32_t)(n) & 0x1fu)
#define CAP_GEN_CAP (1u << 5)
#define CAP_GEN_EN (1u << 6)
#define CAP_CHK_CAP (1u << 7)
#define CAP_CHK_EN (1u << 8)
#define CAP_MHR_CAP (1u << 9)
#define CAP_MHR_EN (1u << 10)

/* The device's AER state when the mediator is compiled: three uncorrectable errors logged
 * (First Error Pointer at UR), Uncorrectable Internal masked by the host, the default
 * severities (§7.8.4.4), two correctable errors, Advisory Non-Fatal and Corrected Internal
 * masked (the former by default, §7.8.4.6), ECRC generation capable but not checking. */
#define HW_UNC_STA (UNC_UR | UNC_CTO | UNC_DLP)
#define HW_UNC_MSK UNC_UIE
#define HW_UNC_SEV (UNC_DLP | UNC_SDES | UNC_FCP | UNC_RXO | UNC_MTLP | UNC_UIE)
#define HW_COR_STA (COR_ANF | COR_BTLP | COR_RE)
#define HW_COR_MSK (COR_ANF | COR_CIE)
#define HW_CAPCTL (CAP_FEP(20) | CAP_GEN_CAP)
#define HW_HDRLOG0 0x40000001u   /* a memory write header ... */
#define HW_HDRLOG2 0xfe001000u   /* ... with the host's physical BAR address */

static void fake_set_w1c(struct fake *f, unsigned off, uint32_t mask)
{
	for (unsigned i = 0; i < 4; i++)
		f->w1c[off + i] = (uint8_t)(mask >> (8 * i));
}

/* AER registers of mt_device() as real hardware has them: value, RW1C bits, read-only
 * bits (reserved bits read 0 and never change; only the capable ECRC enable is RWS). */
static const struct { uint16_t off; uint32_t value, w1c, ro; } aer_regs[] = {
	{ UNC_STA, HW_UNC_STA, UNC_ALL, ~UNC_ALL },
	{ UNC_MSK, HW_UNC_MSK, 0, ~UNC_ALL },
	{ UNC_SEV, HW_UNC_SEV, 0, ~UNC_ALL },
	{ COR_STA, HW_COR_STA, COR_ALL, ~COR_ALL },
	{ COR_MSK, HW_COR_MSK, 0, ~COR_ALL },
	{ CAPCTL, HW_CAPCTL, 0, ~CAP_GEN_EN },
	{ HDRLOG, HW_HDRLOG0, 0, 0xffffffffu },
	{ HDRLOG + 4, 0, 0, 0xffffffffu },
	{ HDRLOG + 8, HW_HDRLOG2, 0, 0xffffffffu },
	{ HDRLOG + 12, 0, 0, 0xffffffffu },
};

static void aer_hw(struct fake *f)
{
	for (size_t i = 0; i < sizeof(aer_regs) / sizeof(aer_regs[0]); i++) {
		fake_w32(f, aer_regs[i].off, aer_regs[i].value);
		fake_set_w1c(f, aer_regs[i].off, aer_regs[i].w1c);
		fake_set_ro(f, aer_regs[i].off, 4, aer_regs[i].ro);
	}
}

static const struct pg_policy_cap add_aer = { .extended = true, .id = PG_ECAP_AER };

/* The device with aer_hw()'s AER state, or setup's (which starts from it), AER added by
 * the policy. */
static struct mt *aer_new(enum pg_profile p, void (*setup)(struct fake *))
{
	return mt_new_caps(p, &add_aer, 1, setup ? setup : aer_hw);
}

/* Did the device receive a config write touching [off, off + 4)? */
static bool hw_written(const struct mt *t, uint16_t off)
{
	for (unsigned i = 0; i < t->f.nwrites; i++)
		if (t->f.writes[i].off < off + 4u && t->f.writes[i].off + t->f.writes[i].size > off)
			return true;
	return false;
}

struct aer_case {
	const char *name;
	enum pg_profile profile;
	uint16_t off;
	uint8_t size;
	uint32_t write;
	uint32_t hw;          /* the device's register afterwards */
	uint32_t guest;       /* what the guest reads back */
	bool written;         /* the device received a write */
	const char *audit;    /* rule of the single audit record, or NULL for none */
	enum pg_audit_verdict verdict;
};

#define G PG_PROFILE_GUEST
#define DM PG_PROFILE_DEVICE_MODEL
#define P PG_PROFILE_PERMISSIVE
#define DEN PG_AUDIT_DENIED
#define PER PG_AUDIT_PERMISSIVE

static const struct aer_case cases[] = {
	/* guest: status RW1C (a 1 clears, a 0 leaves), reserved bits RsvdZ */
	{ "g-unc-status-w1c", G, UNC_STA, 4, UNC_CTO | UNC_DLP, UNC_UR, UNC_UR, true, NULL, 0 },
	{ "g-unc-status-zero", G, UNC_STA, 4, 0, HW_UNC_STA, HW_UNC_STA, false, NULL, 0 },
	{ "g-unc-status-rsvd", G, UNC_STA, 4, ~UNC_ALL, HW_UNC_STA, HW_UNC_STA, false, NULL, 0 },
	{ "g-unc-status-all", G, UNC_STA, 4, 0xffffffffu, 0, 0, true, NULL, 0 },
	{ "g-unc-status-byte", G, UNC_STA + 2, 1, UNC_UR >> 16, UNC_CTO | UNC_DLP,
	  UNC_CTO | UNC_DLP, true, NULL, 0 },
	{ "g-cor-status-w1c", G, COR_STA, 4, COR_BTLP | COR_RE, COR_ANF, COR_ANF, true, NULL, 0 },
	{ "g-cor-status-rsvd", G, COR_STA, 4, ~COR_ALL, HW_COR_STA, HW_COR_STA, false, NULL, 0 },
	/* guest: masks: more masking reaches the device, a host mask bit stays set */
	{ "g-unc-mask-set", G, UNC_MSK, 4, UNC_UR | UNC_UIE, UNC_UR | UNC_UIE, UNC_UR | UNC_UIE,
	  true, NULL, 0 },
	{ "g-unc-mask-unmask-host", G, UNC_MSK, 4, UNC_UR, UNC_UR | UNC_UIE, UNC_UR | UNC_UIE,
	  true, "aer.uncor-mask", DEN },
	{ "g-unc-mask-rsvd", G, UNC_MSK, 4, ~UNC_ALL | UNC_UIE, HW_UNC_MSK, HW_UNC_MSK, true,
	  NULL, 0 },
	{ "g-cor-mask-set", G, COR_MSK, 4, HW_COR_MSK | COR_RE | COR_RTO,
	  HW_COR_MSK | COR_RE | COR_RTO, HW_COR_MSK | COR_RE | COR_RTO, true, NULL, 0 },
	{ "g-cor-mask-unmask-anf", G, COR_MSK, 4, COR_CIE, HW_COR_MSK, HW_COR_MSK, true,
	  "aer.cor-mask", DEN },
	/* guest: severity is the host's; the guest's copy is virtual */
	{ "g-unc-sev-virtual", G, UNC_SEV, 4, UNC_UR | UNC_CTO, HW_UNC_SEV, UNC_UR | UNC_CTO,
	  false, NULL, 0 },
	{ "g-unc-sev-rsvd", G, UNC_SEV, 4, ~UNC_ALL, HW_UNC_SEV, 0, false, NULL, 0 },
	/* guest: ECRC enables only where capable; Multiple Header Recording not capable */
	{ "g-capctl-ecrc-gen", G, CAPCTL, 4, CAP_GEN_EN, HW_CAPCTL | CAP_GEN_EN,
	  HW_CAPCTL | CAP_GEN_EN, true, NULL, 0 },
	{ "g-capctl-ecrc-chk-incapable", G, CAPCTL, 4, CAP_CHK_EN | CAP_MHR_EN, HW_CAPCTL,
	  HW_CAPCTL, true, NULL, 0 },
	{ "g-capctl-ro-bits", G, CAPCTL, 4, 0xffffe000u | CAP_FEP(3) | CAP_CHK_CAP, HW_CAPCTL,
	  HW_CAPCTL, true, NULL, 0 },
	/* guest: the Header Log reads 0 (host addresses and IDs) and ignores writes */
	{ "g-header-log", G, HDRLOG, 4, 0x12345678u, HW_HDRLOG0, 0, false, NULL, 0 },
	{ "g-header-log-2", G, HDRLOG + 8, 4, 0, HW_HDRLOG2, 0, false, NULL, 0 },
	/* device-model: nothing reaches the device */
	{ "dm-unc-status-refused", DM, UNC_STA, 4, UNC_CTO, HW_UNC_STA, HW_UNC_STA, false,
	  "aer.uncor-status", DEN },
	{ "dm-unc-status-zero", DM, UNC_STA, 4, 0, HW_UNC_STA, HW_UNC_STA, false, NULL, 0 },
	{ "dm-cor-status-refused", DM, COR_STA, 4, COR_RE, HW_COR_STA, HW_COR_STA, false,
	  "aer.cor-status", DEN },
	{ "dm-unc-mask-virtual", DM, UNC_MSK, 4, UNC_UR | UNC_UIE, HW_UNC_MSK, UNC_UR | UNC_UIE,
	  false, NULL, 0 },
	{ "dm-unc-mask-unmask-host", DM, UNC_MSK, 4, 0, HW_UNC_MSK, HW_UNC_MSK, false,
	  "aer.uncor-mask", DEN },
	{ "dm-unc-sev-virtual", DM, UNC_SEV, 4, 0, HW_UNC_SEV, 0, false, NULL, 0 },
	{ "dm-capctl-virtual", DM, CAPCTL, 4, CAP_GEN_EN, HW_CAPCTL, HW_CAPCTL | CAP_GEN_EN, false,
	  NULL, 0 },
	{ "dm-header-log", DM, HDRLOG, 4, 0, HW_HDRLOG0, 0, false, NULL, 0 },
	/* permissive: everything reaches the device, audited when it changes what the
	 * strict profiles keep */
	{ "p-unc-sev", P, UNC_SEV, 4, UNC_UR, UNC_UR, UNC_UR, true, "aer.uncor-severity", PER },
	{ "p-unc-mask-unmask-host", P, UNC_MSK, 4, 0, 0, 0, true, "aer.uncor-mask", PER },
	{ "p-unc-status-w1c", P, UNC_STA, 4, UNC_UR, UNC_CTO | UNC_DLP, UNC_CTO | UNC_DLP, true,
	  NULL, 0 },
	{ "p-header-log-hw", P, HDRLOG + 8, 4, HW_HDRLOG2, HW_HDRLOG2, HW_HDRLOG2, true, NULL,
	  0 },
};

static void test_registers(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct aer_case *c = &cases[i];
		uint16_t reg = (uint16_t)(c->off & ~3u);
		struct mt *t = aer_new(c->profile, NULL);

		assert_non_null(t);
		assert_true(pg_mediator_cap_visible(t->m, true, PG_ECAP_AER));
		assert_int_equal(mt_wr(t, c->off, c->size, c->write), 0);
		if (mt_hw(t, reg, 4) != c->hw)
			fail_msg("%s: device 0x%08x, expected 0x%08x", c->name, mt_hw(t, reg, 4),
				 c->hw);
		if (mt_rd(t, reg, 4) != c->guest)
			fail_msg("%s: guest reads 0x%08x, expected 0x%08x", c->name,
				 mt_rd(t, reg, 4), c->guest);
		if (hw_written(t, reg) != c->written)
			fail_msg("%s: device %s a write", c->name, c->written ? "missed" : "received");
		if (t->rec.naudits != (c->audit ? 1u : 0u))
			fail_msg("%s: %u audit records", c->name, t->rec.naudits);
		if (c->audit) {
			assert_string_equal(t->rec.audits[0].rule, c->audit);
			assert_int_equal(t->rec.audits[0].verdict, c->verdict);
			assert_int_equal(t->rec.audits[0].offset, c->off);
		}
		mt_free(t);
	}
}

/* What each register reads before any write: status, masks, severity and capability as
 * the device has them (the virtual ones start there), the logs 0 except in permissive. */
static void test_initial_view(void **state)
{
	static const enum pg_profile profiles[] = { G, DM, P };

	(void)state;
	for (size_t i = 0; i < 3; i++) {
		struct mt *t = aer_new(profiles[i], NULL);
		bool perm = profiles[i] == P;

		assert_non_null(t);
		assert_int_equal(mt_rd(t, MT_AER, 4) & 0xffffu, PG_ECAP_AER);
		assert_int_equal(mt_rd(t, UNC_STA, 4), HW_UNC_STA);
		assert_int_equal(mt_rd(t, UNC_MSK, 4), HW_UNC_MSK);
		assert_int_equal(mt_rd(t, UNC_SEV, 4), HW_UNC_SEV);
		assert_int_equal(mt_rd(t, COR_STA, 4), HW_COR_STA);
		assert_int_equal(mt_rd(t, COR_MSK, 4), HW_COR_MSK);
		assert_int_equal(mt_rd(t, CAPCTL, 4), HW_CAPCTL);
		assert_int_equal(mt_rd(t, HDRLOG, 4), perm ? HW_HDRLOG0 : 0);
		assert_int_equal(mt_rd(t, HDRLOG + 8, 4), perm ? HW_HDRLOG2 : 0);
		assert_int_equal(mt_rd(t, HDRLOG + 8, 2), perm ? (HW_HDRLOG2 & 0xffffu) : 0);
		assert_int_equal(t->f.nwrites, 0);
		mt_free(t);
	}
}

/* Without the policy's "add", the strict profiles keep AER hidden: reads 0, writes
 * dropped and audited as a hidden capability's. */
static void test_hidden_by_default(void **state)
{
	struct mt *t = mt_new(G, NULL);

	(void)state;
	assert_non_null(t);
	aer_hw(&t->f);
	assert_false(pg_mediator_cap_visible(t->m, true, PG_ECAP_AER));
	assert_int_equal(mt_rd(t, UNC_STA, 4), 0);
	assert_int_equal(mt_wr(t, UNC_STA, 4, UNC_UR), 0);
	assert_int_equal(mt_hw(t, UNC_STA, 4), HW_UNC_STA);
	assert_int_equal(t->rec.naudits, 1);
	assert_int_equal(t->rec.audits[0].verdict, PG_AUDIT_DENIED);
	mt_free(t);
}

/* The guest's masks survive further writes: a host-set mask bit is refused every time,
 * a guest mask bit can be cleared again (it is the guest's), RW1C never sets a bit. */
static void test_mask_sequence(void **state)
{
	struct mt *t = aer_new(G, NULL);

	(void)state;
	assert_non_null(t);
	assert_int_equal(mt_wr(t, UNC_MSK, 4, UNC_UR | UNC_UIE), 0);
	assert_int_equal(mt_hw(t, UNC_MSK, 4), UNC_UR | UNC_UIE);
	assert_int_equal(mt_wr(t, UNC_MSK, 4, UNC_UIE), 0);      /* the guest's own bit */
	assert_int_equal(mt_hw(t, UNC_MSK, 4), UNC_UIE);
	assert_int_equal(t->rec.naudits, 0);
	assert_int_equal(mt_wr(t, UNC_MSK + 2, 1, 0), 0);        /* byte 2 holds UIE */
	assert_int_equal(mt_hw(t, UNC_MSK, 4), UNC_UIE);
	assert_int_equal(mt_rd(t, UNC_MSK, 4), UNC_UIE);
	assert_int_equal(t->rec.naudits, 1);
	assert_string_equal(t->rec.audits[0].rule, "aer.uncor-mask");
	assert_int_equal(mt_wr(t, UNC_MSK, 1, 0), 0);            /* byte 0: no host bit */
	assert_int_equal(t->rec.naudits, 1);
	/* clearing status twice: the second write finds nothing to clear */
	assert_int_equal(mt_wr(t, COR_STA, 4, COR_RE), 0);
	assert_int_equal(mt_wr(t, COR_STA, 4, COR_RE), 0);
	assert_int_equal(mt_hw(t, COR_STA, 4), COR_ANF | COR_BTLP);
	mt_free(t);
}

/* A function with End-End TLP Prefixes (DevCap2 bit 21) has the TLP Prefix Log at 0x38
 * (AER 0x48 bytes); its 0x2c-0x37 are reserved, not root registers. Both read 0. */
static void prefix_device(struct fake *f)
{
	aer_hw(f);
	fake_w32(f, MT_PCIE + 0x24, 1u << 21);
	fake_w32(f, MT_AER, PG_ECAP_AER | 1u << 16 | (uint32_t)MT_LTR << 20); /* skip DSN */
	memset(&f->cfg[MT_DSN], 0, 12);
	fake_w32(f, ROOTCMD, 0x7);
	fake_w32(f, ROOTCMD + 4, 0x7f);
	fake_w32(f, PFXLOG, 0x9abcdef0u);
	fake_w32(f, PFXLOG + 12, 0x11111111u);
}

static void test_prefix_log(void **state)
{
	struct mt *t = aer_new(G, prefix_device);

	(void)state;
	assert_non_null(t);
	for (uint16_t off = ROOTCMD; off < PFXLOG + 16; off += 4) {
		assert_int_equal(mt_rd(t, off, 4), 0);
		assert_int_equal(mt_wr(t, off, 4, 0xffffffffu), 0);
	}
	assert_int_equal(t->f.nwrites, 0);
	assert_int_equal(t->rec.naudits, 0);
	assert_int_equal(mt_hw(t, PFXLOG, 4), 0x9abcdef0u);
	mt_free(t);
	t = aer_new(P, prefix_device);
	assert_non_null(t);
	assert_int_equal(mt_rd(t, PFXLOG, 4), 0x9abcdef0u);
	assert_int_equal(mt_rd(t, PFXLOG + 12, 4), 0x11111111u);
	mt_free(t);
}

/* A second AER capability (the DSN slot of mt_device(), masks all clear) is hidden: at
 * most one per function, and the host's driver programmed the first. */
static void second_aer(struct fake *f)
{
	aer_hw(f);
	fake_w32(f, MT_DSN, PG_ECAP_AER | 1u << 16 | (uint32_t)MT_LTR << 20);
	memset(&f->cfg[MT_DSN + 4], 0, 8);
}

static void test_second_aer_hidden(void **state)
{
	struct mt *t = aer_new(G, second_aer);

	(void)state;
	assert_non_null(t);
	assert_true(pg_mediator_cap_visible(t->m, true, PG_ECAP_AER));
	assert_int_equal(mt_rd(t, MT_AER, 4) >> 20, 0); /* the chain ends at the first */
	assert_int_equal(mt_rd(t, MT_DSN, 4), 0);
	assert_int_equal(mt_rd(t, MT_DSN + 8, 4), 0);
	assert_int_equal(mt_wr(t, MT_DSN + 8, 4, 0xffffffffu), 0); /* its mask */
	assert_int_equal(t->f.nwrites, 0);
	assert_int_equal(t->rec.naudits, 1);
	assert_int_equal(t->rec.audits[0].verdict, PG_AUDIT_DENIED);
	mt_free(t);
}

/* A Root Complex Event Collector (a type 0 function, PCIe device/port type 1010b) has the
 * root registers at 0x2c-0x37 (AER 0x38 bytes): Root Error Command and Status read from
 * the device and are never written (the host's AER service collects through them), the
 * Error Source Identification (host requester IDs) reads 0. */
static void rcec_device(struct fake *f)
{
	aer_hw(f);
	f->cfg[0x0b] = 0x08;                        /* class 0807: event collector */
	f->cfg[0x0a] = 0x07;
	f->cfg[MT_PCIE + 2] = (uint8_t)(0x2 | PG_PCIE_RC_EC << 4);
	fake_w32(f, ROOTCMD, 0x00000007u);          /* the three reporting enables */
	fake_w32(f, ROOTCMD + 4, 0x00000005u);      /* ERR_COR and ERR_FATAL/NONFATAL received */
	fake_w32(f, ROOTCMD + 8, 0x01000100u);      /* source IDs 01:00.0 and 00:20.0 */
}

static void test_rcec_root_registers(void **state)
{
	static const enum pg_profile profiles[] = { G, DM, P };

	(void)state;
	for (size_t p = 0; p < 3; p++) {
		struct mt *t = aer_new(profiles[p], rcec_device);
		bool perm = profiles[p] == P;

		assert_non_null(t);
		assert_true(pg_mediator_cap_visible(t->m, true, PG_ECAP_AER));
		assert_int_equal(mt_rd(t, ROOTCMD, 4), 0x7);
		assert_int_equal(mt_rd(t, ROOTCMD + 4, 4), 0x5);
		assert_int_equal(mt_rd(t, ROOTCMD + 8, 4), perm ? 0x01000100u : 0);
		assert_int_equal(mt_wr(t, ROOTCMD, 4, 0), 0);
		assert_int_equal(mt_wr(t, ROOTCMD + 4, 4, 0x5), 0);
		assert_int_equal(mt_hw(t, ROOTCMD, 4), perm ? 0 : 0x7);
		assert_int_equal(mt_hw(t, ROOTCMD + 4, 4), 0x5);   /* plain RAM: never RW1C'd */
		if (!perm)
			assert_int_equal(t->f.nwrites, 0);
		mt_free(t);
	}
}

/* A function reset does not make the virtual copies lie: severity starts over at the
 * device's value, and the device's own severities were never changed. */
static void test_reset_restarts_virtual(void **state)
{
	struct mt *t = aer_new(G, NULL);

	(void)state;
	assert_non_null(t);
	assert_int_equal(mt_wr(t, UNC_SEV, 4, 0), 0);
	assert_int_equal(mt_rd(t, UNC_SEV, 4), 0);
	assert_int_equal(pg_mediator_reset(t->m), 0);
	assert_int_equal(mt_rd(t, UNC_SEV, 4), HW_UNC_SEV);
	assert_int_equal(mt_hw(t, UNC_SEV, 4), HW_UNC_SEV);
	mt_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_registers),
		cmocka_unit_test(test_initial_view),
		cmocka_unit_test(test_hidden_by_default),
		cmocka_unit_test(test_mask_sequence),
		cmocka_unit_test(test_prefix_log),
		cmocka_unit_test(test_reset_restarts_virtual),
		cmocka_unit_test(test_second_aer_hidden),
		cmocka_unit_test(test_rcec_root_registers),
	};

	mt_unused();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
