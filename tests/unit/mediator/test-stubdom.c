/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The stub-domain scenario (issue 3 §5): a device model (QEMU in a stub domain) drives a
 * device through the mediator with the device-model profile, and only the interrupt
 * enables may reach the hardware. Linux's own sequences are replayed access by access:
 *
 *   MSI   (msi_capability_init): mask all vectors, write Address/Data, set Multiple Message
 *         Enable, set Enable, then set INTx Disable (pci_intx_for_msi);
 *   MSI-X (msix_capability_init): set Enable|Function Mask in Message Control, program
 *         table entries through the BAR, clear Function Mask, set INTx Disable.
 *
 * For every access the exact config writes the mediator decides (offset, size, value,
 * bit mask) are asserted, then what the recording backend of medtest.h received, and at
 * the end that the device differs from its start only in those bits. The same sequences
 * under the guest profile show the documented guest behaviour instead: Command
 * Memory/I/O/Bus Master and the Status error bits reach the hardware, MSI/MSI-X enables
 * stay virtual, INTx Disable reaches the hardware as (guest value OR MSI/MSI-X enabled).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "medtest.h"

#define MSI_CTL (MT_MSI + 2u)    /* 0x52 */
#define MSIX_CTL (MT_MSIX + 2u)  /* 0x72 */
#define MAX_EXP 4

/* One expected PG_EFFECT_CFG_WRITE. */
struct exp_cfg {
	uint16_t off;
	uint8_t size;
	uint32_t value, mask;
};

/* One guest access and what it must produce. */
struct step {
	const char *what;
	bool bar;                 /* a BAR access (BAR0: the MSI-X table) */
	uint32_t off;
	uint8_t size;
	uint32_t value;
	unsigned ncfg;            /* expected config writes, in order */
	struct exp_cfg cfg[MAX_EXP];
	unsigned nirq, nmap;      /* expected IRQ and BAR_MAP effects */
	unsigned npm;             /* expected PM_STATE effects */
};

/* Decide, compare with the expectation, apply, and check what the backend received. */
static void run_step(struct mt *t, const struct step *s)
{
	struct pg_write_decision d;
	unsigned ncfg = 0, nirq = 0, nmap = 0, npm = 0, before = t->f.nwrites;
	unsigned bar_before = t->f.nbar_writes;

	print_message("  %s\n", s->what);
	if (s->bar)
		assert_int_equal(pg_mediator_bar_decide_write(t->m, 0, s->off, s->size, s->value,
							      &d), 0);
	else
		assert_int_equal(pg_mediator_decide_write(t->m, (uint16_t)s->off, s->size,
							  s->value, &d), 0);
	for (unsigned i = 0; i < d.neffects; i++) {
		const struct pg_effect *e = &d.effects[i];

		switch (e->kind) {
		case PG_EFFECT_CFG_WRITE:
			assert_true(ncfg < s->ncfg);
			assert_int_equal(e->u.cfg.off, s->cfg[ncfg].off);
			assert_int_equal(e->u.cfg.size, s->cfg[ncfg].size);
			assert_int_equal(e->u.cfg.write_mask, s->cfg[ncfg].mask);
			assert_int_equal(e->u.cfg.value & e->u.cfg.write_mask, s->cfg[ncfg].value);
			ncfg++;
			break;
		case PG_EFFECT_IRQ:
			nirq++;
			break;
		case PG_EFFECT_BAR_MAP:
			nmap++;
			break;
		case PG_EFFECT_PM_STATE:
			npm++;
			break;
		default:
			fail_msg("%s: unexpected effect kind %d", s->what, (int)e->kind);
		}
	}
	assert_int_equal(ncfg, s->ncfg);
	assert_int_equal(nirq, s->nirq);
	assert_int_equal(nmap, s->nmap);
	assert_int_equal(npm, s->npm);
	assert_int_equal(pg_mediator_apply(t->m, &d), 0);
	/* the backend saw exactly those writes, at those places */
	assert_int_equal(t->f.nwrites - before, s->ncfg);
	for (unsigned i = 0; i < s->ncfg; i++) {
		assert_int_equal(t->f.writes[before + i].off, s->cfg[i].off);
		assert_int_equal(t->f.writes[before + i].size, s->cfg[i].size);
	}
	assert_int_equal(t->f.nbar_writes, bar_before); /* the MSI-X table is virtual */
	assert_int_equal(t->f.resets, 0);
}

static void run_steps(struct mt *t, const struct step *steps, size_t n)
{
	for (size_t i = 0; i < n; i++)
		run_step(t, &steps[i]);
}

/* The device may differ from its start only in the bits of allowed[] (offset, mask). */
static void assert_only_changed(const struct mt *t, const uint8_t *start,
				const struct exp_cfg *allowed, size_t n)
{
	for (unsigned b = 0; b < PG_CFG_EXT_LEN; b++) {
		uint8_t mask = 0;

		for (size_t i = 0; i < n; i++)
			if (b >= allowed[i].off && b < allowed[i].off + allowed[i].size)
				mask |= (uint8_t)(allowed[i].mask >> (8u * (b - allowed[i].off)));
		if ((t->f.cfg[b] ^ start[b]) & ~mask)
			fail_msg("byte 0x%03x changed: 0x%02x -> 0x%02x (allowed bits 0x%02x)", b,
				 start[b], t->f.cfg[b], mask);
	}
}

/* Three table entries: address low, high, data, then Vector Control (unmasked). */
#define ENTRY(i, what)                                                                    \
	{ what " addr", true, MT_TABLE + 16u * (i), 4, 0xfee00000u | (i) << 12, 0, { { 0 } }, \
	  0, 0, 0 },                                                                      \
	{ what " addr hi", true, MT_TABLE + 16u * (i) + 4u, 4, 0, 0, { { 0 } }, 0, 0, 0 },  \
	{ what " data", true, MT_TABLE + 16u * (i) + 8u, 4, 0x4020u + (i), 0, { { 0 } }, 0, \
	  0, 0 },                                                                         \
	{ what " unmask", true, MT_TABLE + 16u * (i) + 12u, 4, 0, 0, { { 0 } }, 1, 0, 0 }

/* ---- device-model ----------------------------------------------------------------------- */

static void test_dm_msi_sequence(void **state)
{
	static const struct step steps[] = {
		/* the device model found INTx enabled: the host's decode bits stay virtual */
		{ "Command = MEM|MASTER (INTx enabled)", false, 0x04, 2, 0x0006, 1,
		  { { 0x05, 1, 0x00, 0x04 } }, 0, 0, 0 },
		{ "mask all vectors", false, MT_MSI + 0x10u, 4, 0xff, 0, { { 0 } }, 0, 0, 0 },
		{ "address low", false, MT_MSI + 4u, 4, 0xfee01000u, 0, { { 0 } }, 0, 0, 0 },
		{ "address high", false, MT_MSI + 8u, 4, 0, 0, { { 0 } }, 0, 0, 0 },
		{ "data", false, MT_MSI + 0xcu, 2, 0x4021, 0, { { 0 } }, 0, 0, 0 },
		/* read-modify-write of Control: MME = 0 (one vector), Enable still clear: the
		 * hardware's Enable does not change, so nothing is written */
		{ "Control: MME", false, MSI_CTL, 2, 0x0186, 0, { { 0 } }, 0, 0, 0 },
		/* Enable reaches the hardware; INTx goes off on it at once (MSI is on) */
		{ "Control: Enable", false, MSI_CTL, 2, 0x0187, 2,
		  { { MSI_CTL, 1, 0x01, 0x01 }, { 0x05, 1, 0x04, 0x04 } }, 1, 0, 0 },
		{ "Command: INTx Disable", false, 0x04, 2, 0x0406, 1, { { 0x05, 1, 0x04, 0x04 } }, 0,
		  0, 0 },
	};
	static const struct exp_cfg allowed[] = { { 0x04, 2, 0, 0x0400 }, { MSI_CTL, 2, 0, 0x0001 } };
	struct mt *t = mt_new(PG_PROFILE_DEVICE_MODEL, NULL);
	uint8_t start[PG_CFG_EXT_LEN];

	(void)state;
	assert_non_null(t);
	memcpy(start, t->f.cfg, sizeof(start));
	run_steps(t, steps, sizeof(steps) / sizeof(steps[0]));
	assert_only_changed(t, start, allowed, 2);
	assert_int_equal(t->f.cfg[MSI_CTL] & 1, 1);           /* MSI on in hardware */
	assert_int_equal(t->f.cfg[0x05] & 0x04, 0x04);        /* INTx off in hardware */
	assert_int_equal(pg_mediator_irq_type(t->m), PG_IRQ_MSI);
	assert_int_equal(mt_rd(t, MT_MSI + 4u, 4), 0xfee01000u); /* the guest's view */
	assert_int_equal(mt_rd(t, 0x04, 2) & 0x0407, 0x0406);
	mt_free(t);
}

static void test_dm_msix_sequence(void **state)
{
	static const struct step steps[] = {
		{ "Command = MEM|MASTER (INTx enabled)", false, 0x04, 2, 0x0006, 1,
		  { { 0x05, 1, 0x00, 0x04 } }, 0, 0, 0 },
		{ "Control: Enable|Function Mask", false, MSIX_CTL, 2, 0xc00f, 2,
		  { { MSIX_CTL + 1u, 1, 0xc0, 0xc0 }, { 0x05, 1, 0x04, 0x04 } }, 1, 0, 0 },
		ENTRY(0, "entry 0"),
		ENTRY(1, "entry 1"),
		ENTRY(2, "entry 2"),
		{ "Control: clear Function Mask", false, MSIX_CTL, 2, 0x800f, 1,
		  { { MSIX_CTL + 1u, 1, 0x80, 0xc0 } }, 1, 0, 0 },
		{ "Command: INTx Disable", false, 0x04, 2, 0x0406, 1, { { 0x05, 1, 0x04, 0x04 } }, 0,
		  0, 0 },
	};
	static const struct exp_cfg allowed[] = { { 0x04, 2, 0, 0x0400 },
						  { MSIX_CTL, 2, 0, 0xc000 } };
	struct mt *t = mt_new(PG_PROFILE_DEVICE_MODEL, NULL);
	struct pg_mediator_msix_entry e;
	uint8_t start[PG_CFG_EXT_LEN];

	(void)state;
	assert_non_null(t);
	memcpy(start, t->f.cfg, sizeof(start));
	run_steps(t, steps, sizeof(steps) / sizeof(steps[0]));
	assert_only_changed(t, start, allowed, 2);
	assert_int_equal(t->f.cfg[MSIX_CTL + 1u] & 0xc0, 0x80); /* enabled, unmasked in hw */
	assert_int_equal(t->f.nbar_writes, 0);
	assert_int_equal(pg_mediator_irq_type(t->m), PG_IRQ_MSIX);
	assert_int_equal(pg_mediator_msix_entry(t->m, 2, &e), 0);
	assert_int_equal(e.addr, 0xfee02000u);
	assert_int_equal(e.data, 0x4022);
	assert_false(e.masked);
	assert_int_equal(pg_mediator_msix_entry(t->m, 3, &e), 0);
	assert_true(e.masked); /* never programmed: masked since reset */
	mt_free(t);
}

/* One interrupt type at a time: MSI Enable while MSI-X is on is refused and audited, and
 * the hardware's MSI Enable never goes to 1; the same the other way round. */
static void test_dm_irq_exclusive(void **state)
{
	struct mt *t = mt_new(PG_PROFILE_DEVICE_MODEL, NULL);
	unsigned before;

	(void)state;
	assert_non_null(t);
	assert_int_equal(mt_wr(t, MSIX_CTL, 2, 0x800f), 0);
	before = t->rec.naudits;
	assert_int_equal(mt_wr(t, MSI_CTL, 2, 0x0187), 0);
	assert_int_equal(t->f.cfg[MSI_CTL] & 1, 0);
	assert_int_equal(mt_rd(t, MSI_CTL, 2) & 1, 0);
	assert_int_equal(pg_mediator_irq_type(t->m), PG_IRQ_MSIX);
	assert_int_equal(t->rec.naudits, before + 1);
	assert_string_equal(t->rec.audits[before].rule, "irq-exclusive");
	assert_int_equal(t->rec.audits[before].verdict, PG_AUDIT_DENIED);
	mt_free(t);

	t = mt_new(PG_PROFILE_DEVICE_MODEL, NULL);
	assert_non_null(t);
	assert_int_equal(mt_wr(t, MSI_CTL, 2, 0x0187), 0);
	before = t->rec.naudits;
	assert_int_equal(mt_wr(t, MSIX_CTL, 2, 0xc00f), 0);
	assert_int_equal(t->f.cfg[MSIX_CTL + 1u] & 0x80, 0); /* MSI-X never enabled in hw */
	assert_int_equal(mt_rd(t, MSIX_CTL, 2) & 0x8000, 0);
	assert_int_equal(pg_mediator_irq_type(t->m), PG_IRQ_MSI);
	assert_int_equal(t->rec.naudits, before + 1);
	assert_string_equal(t->rec.audits[before].rule, "irq-exclusive");
	/* once MSI is off again, MSI-X may be enabled */
	assert_int_equal(mt_wr(t, MSI_CTL, 2, 0x0186), 0);
	assert_int_equal(mt_wr(t, MSIX_CTL, 2, 0x800f), 0);
	assert_int_equal(t->f.cfg[MSIX_CTL + 1u] & 0x80, 0x80);
	mt_free(t);
}

/* Nothing but the interrupt enables: Command decode bits, Status RW1C, PCIe DevCtl, PMCSR
 * and the capability bodies all stay away from the hardware in the device-model profile. */
static void test_dm_nothing_else(void **state)
{
	static const struct step steps[] = {
		/* BARs are virtual (they start at 0, unmapped): programming one maps it, as
		 * Memory decode is on (the host enabled the device) */
		{ "BAR0 = 0xe0000000", false, 0x10, 4, 0xe0000000u, 0, { { 0 } }, 0, 1, 0 },
		{ "BAR0 high = 0", false, 0x14, 4, 0, 0, { { 0 } }, 0, 0, 0 },
		/* decode bits are virtual, but the guest mapping changes: a BAR_MAP effect */
		{ "Command: Memory off, INTx Disable", false, 0x04, 2, 0x0404, 1,
		  { { 0x05, 1, 0x04, 0x04 } }, 0, 1, 0 },
		{ "Command: I/O|MEM|MASTER|INTx", false, 0x04, 2, 0x0407, 1,
		  { { 0x05, 1, 0x04, 0x04 } }, 0, 1, 0 },
		{ "Status: clear the error bits", false, 0x06, 2, 0xf900, 0, { { 0 } }, 0, 0, 0 },
		{ "PCIe DevCtl: everything but FLR", false, MT_PCIE + 8u, 2, 0x7fff, 0, { { 0 } }, 0,
		  0, 0 },
		{ "PCIe LnkCtl: retrain", false, MT_PCIE + 0x10u, 2, 0x0020, 0, { { 0 } }, 0, 0, 0 },
		/* the VMM learns the new state; the device stays in D0 */
		{ "PMCSR: D3hot", false, MT_PM + 4u, 2, 0x0003, 0, { { 0 } }, 0, 0, 1 },
		{ "MSI Mask Bits", false, MT_MSI + 0x10u, 4, 0xffffffffu, 0, { { 0 } }, 0, 0, 0 },
		{ "BAR0 sizing (unmaps it)", false, 0x10, 4, 0xffffffffu, 0, { { 0 } }, 0, 1, 0 },
		{ "ROM enable", false, 0x30, 4, 0xfc000001u, 0, { { 0 } }, 0, 1, 0 },
		{ "vendor capability", false, MT_VNDR + 4u, 4, 0xffffffffu, 0, { { 0 } }, 0, 0, 0 },
		{ "AER (hidden)", false, MT_AER + 4u, 4, 0xffffffffu, 0, { { 0 } }, 0, 0, 0 },
	};
	static const struct exp_cfg allowed[] = { { 0x04, 2, 0, 0x0400 } };
	struct mt *t = mt_new(PG_PROFILE_DEVICE_MODEL, NULL);
	uint8_t start[PG_CFG_EXT_LEN];

	(void)state;
	assert_non_null(t);
	memcpy(start, t->f.cfg, sizeof(start));
	run_steps(t, steps, sizeof(steps) / sizeof(steps[0]));
	assert_only_changed(t, start, allowed, 1);
	mt_free(t);
}

/* ---- guest: the documented guest behaviour ---------------------------------------------- */

static void test_guest_msi_sequence(void **state)
{
	static const struct step steps[] = {
		/* Memory, I/O, Bus Master and INTx Disable reach the hardware; BAR0/2 mapped */
		{ "Command = MEM|MASTER", false, 0x04, 2, 0x0006, 1,
		  { { 0x04, 2, 0x0006, 0x0407 } }, 0, 0, 0 },
		{ "mask all vectors", false, MT_MSI + 0x10u, 4, 0xff, 0, { { 0 } }, 0, 0, 0 },
		{ "address low", false, MT_MSI + 4u, 4, 0xfee01000u, 0, { { 0 } }, 0, 0, 0 },
		{ "address high", false, MT_MSI + 8u, 4, 0, 0, { { 0 } }, 0, 0, 0 },
		{ "data", false, MT_MSI + 0xcu, 2, 0x4021, 0, { { 0 } }, 0, 0, 0 },
		{ "Control: MME", false, MSI_CTL, 2, 0x0186, 0, { { 0 } }, 0, 0, 0 },
		/* Enable stays virtual (the VMM routes the interrupt); INTx goes off in hw */
		{ "Control: Enable", false, MSI_CTL, 2, 0x0187, 1, { { 0x05, 1, 0x04, 0x04 } }, 1,
		  0, 0 },
		{ "Command: INTx Disable", false, 0x04, 2, 0x0406, 1,
		  { { 0x04, 2, 0x0406, 0x0407 } }, 0, 0, 0 },
		/* the Status error bits are RW1C to the hardware: the one written as 1 (and the
		 * RsvdZ bits, as 0) */
		{ "Status: clear SERR", false, 0x06, 2, 0x4000, 1, { { 0x06, 2, 0x4000, 0x4046 } },
		  0, 0, 0 },
	};
	struct mt *t = mt_new(PG_PROFILE_GUEST, NULL);

	(void)state;
	assert_non_null(t);
	run_steps(t, steps, sizeof(steps) / sizeof(steps[0]));
	assert_int_equal(t->f.cfg[MSI_CTL] & 1, 0);            /* never enabled in hw */
	assert_int_equal(mt_hw(t, 0x04, 2) & 0x0407, 0x0406);
	assert_int_equal(t->f.cfg[0x07] & 0x40, 0);            /* SERR cleared */
	assert_int_equal(pg_mediator_irq_type(t->m), PG_IRQ_MSI);
	mt_free(t);
}

static void test_guest_msix_sequence(void **state)
{
	static const struct step steps[] = {
		{ "Command = MEM|MASTER (INTx enabled)", false, 0x04, 2, 0x0006, 1,
		  { { 0x04, 2, 0x0006, 0x0407 } }, 0, 0, 0 },
		/* Control stays virtual; INTx Disable is forced on in the hardware */
		{ "Control: Enable|Function Mask", false, MSIX_CTL, 2, 0xc00f, 1,
		  { { 0x05, 1, 0x04, 0x04 } }, 1, 0, 0 },
		ENTRY(0, "entry 0"),
		ENTRY(1, "entry 1"),
		{ "Control: clear Function Mask", false, MSIX_CTL, 2, 0x800f, 0, { { 0 } }, 1, 0, 0 },
		/* the guest's own INTx Disable: written as guest value OR MSI-X enabled */
		{ "Command: INTx Disable", false, 0x04, 2, 0x0406, 1,
		  { { 0x04, 2, 0x0406, 0x0407 } }, 0, 0, 0 },
		/* and clearing it while MSI-X is on keeps it set in the hardware */
		{ "Command: INTx enabled again", false, 0x04, 2, 0x0006, 1,
		  { { 0x04, 2, 0x0406, 0x0407 } }, 0, 0, 0 },
	};
	struct mt *t = mt_new(PG_PROFILE_GUEST, NULL);

	(void)state;
	assert_non_null(t);
	run_steps(t, steps, sizeof(steps) / sizeof(steps[0]));
	assert_int_equal(t->f.cfg[MSIX_CTL + 1u] & 0xc0, 0);   /* never enabled in hw */
	assert_int_equal(mt_hw(t, 0x04, 2) & 0x0400, 0x0400);
	assert_int_equal(mt_rd(t, 0x04, 2) & 0x0400, 0);       /* the guest sees its value */
	assert_int_equal(pg_mediator_irq_type(t->m), PG_IRQ_MSIX);
	assert_int_equal(t->f.nbar_writes, 0);
	mt_free(t);
}

/* The table's neighbours are the device's registers: a BAR write beside the table reaches
 * the hardware in both profiles, the PBA never does. */
static void test_bar_beside_table(void **state)
{
	static const enum pg_profile profiles[] = { PG_PROFILE_GUEST, PG_PROFILE_DEVICE_MODEL };

	(void)state;
	for (size_t i = 0; i < 2; i++) {
		struct mt *t = mt_new(profiles[i], NULL);

		assert_non_null(t);
		assert_int_equal(pg_mediator_bar_write(t->m, 0, 0x100, 4, 0x1234), 0);
		assert_int_equal(t->f.nbar_writes, 1);
		assert_int_equal(t->f.bar_writes[0].off, 0x100);
		assert_int_equal(pg_mediator_bar_write(t->m, 0, MT_PBA, 8, ~0ull), 0);
		assert_int_equal(t->f.nbar_writes, 1);
		assert_int_equal(pg_mediator_bar_write(t->m, 0, MT_TABLE + 4u, 4, 1), 0);
		assert_int_equal(t->f.nbar_writes, 1);
		mt_free(t);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dm_msi_sequence),
		cmocka_unit_test(test_dm_msix_sequence),
		cmocka_unit_test(test_dm_irq_exclusive),
		cmocka_unit_test(test_dm_nothing_else),
		cmocka_unit_test(test_guest_msi_sequence),
		cmocka_unit_test(test_guest_msix_sequence),
		cmocka_unit_test(test_bar_beside_table),
	};

	return cmocka_run_group_tests_name("mediator-stubdom", tests, NULL, NULL);
}
