/* SPDX-License-Identifier: GPL-2.0-or-later */
/* MSI (src/lib/mediator/msi.c): virtual message registers, enable sequences, clamping. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

#include <cmocka.h>

#include "medtest.h"

static const struct pg_effect *last_irq(const struct mt *t)
{
	for (unsigned i = t->rec.neffects; i-- > 0;)
		if (t->rec.effects[i].kind == PG_EFFECT_IRQ)
			return &t->rec.effects[i];
	return NULL;
}

static void test_registers(void **state)
{
	struct mt *t = mt_new(PG_PROFILE_GUEST, NULL);
	const struct {
		uint16_t off;
		uint8_t size;
		uint32_t write, read;
	} regs[] = {
		{ MT_MSI + 2, 2, 0xffff, 0x01b7 },              /* MME clamped to MMC (3) */
		{ MT_MSI + 4, 4, 0xfee01003, 0xfee01000 },      /* address bits 1:0 RsvdP */
		{ MT_MSI + 8, 4, 0x00000001, 0x00000001 },      /* upper address */
		{ MT_MSI + 0xc, 2, 0x4041, 0x4041 },             /* data */
		{ MT_MSI + 0xe, 2, 0xffff, 0x0000 },             /* reserved */
		{ MT_MSI + 0x10, 4, 0xffffffff, 0x000000ff },   /* mask: 8 vectors */
		{ MT_MSI + 0x14, 4, 0xffffffff, 0x00000000 },   /* pending: hardware, RO */
	};

	(void)state;
	assert_int_equal(mt_rd(t, MT_MSI + 2, 2), 0x0186);
	for (size_t i = 0; i < sizeof(regs) / sizeof(regs[0]); i++) {
		assert_int_equal(mt_wr(t, regs[i].off, regs[i].size, regs[i].write), 0);
		if (mt_rd(t, regs[i].off, regs[i].size) != regs[i].read)
			fail_msg("0x%x reads 0x%x, expected 0x%x", regs[i].off,
				 mt_rd(t, regs[i].off, regs[i].size), regs[i].read);
	}
	/* partial writes of the address */
	assert_int_equal(mt_wr(t, MT_MSI + 6, 2, 0xabcd), 0);
	assert_int_equal(mt_rd(t, MT_MSI + 4, 4), 0xabcd1000);
	/* nothing of it reached the device, except nothing: MSI bytes are all virtual */
	for (unsigned i = 0; i < t->f.nwrites; i++)
		assert_true(t->f.writes[i].off < MT_MSI || t->f.writes[i].off >= MT_MSI + 0x18);
	assert_int_equal(mt_hw(t, MT_MSI + 4, 4), 0);
	assert_int_equal(mt_hw(t, MT_MSI + 2, 2), 0x0186);
	assert_int_equal(t->rec.naudits, 0);
	mt_free(t);
}

static void test_enable_sequence(void **state)
{
	struct mt *t = mt_new(PG_PROFILE_GUEST, NULL);
	const struct pg_effect *e;

	(void)state;
	assert_int_equal(mt_wr(t, 0x04, 2, 0x0006), 0);          /* guest enables INTx */
	assert_int_equal(mt_hw(t, 0x04, 2) & 0x0400, 0);
	assert_int_equal(pg_mediator_irq_type(t->m), PG_IRQ_INTX);
	assert_int_equal(mt_wr(t, MT_MSI + 4, 4, 0xfee00000), 0);
	assert_int_equal(mt_wr(t, MT_MSI + 8, 4, 0), 0);
	assert_int_equal(mt_wr(t, MT_MSI + 0xc, 2, 0x4041), 0);
	assert_int_equal(mt_count(t, PG_EFFECT_IRQ), 0);         /* disabled: nothing routes */
	assert_int_equal(mt_wr(t, MT_MSI + 2, 2, 0x0071), 0);    /* enable, ask for 128 */
	assert_int_equal(mt_rd(t, MT_MSI + 2, 2), 0x01b7);       /* MME clamped to 8 */
	e = last_irq(t);
	assert_non_null(e);
	assert_int_equal(e->u.irq.type, PG_IRQ_MSI);
	assert_true(e->u.irq.enabled);
	assert_int_equal(e->u.irq.nvectors, 8);
	assert_int_equal(e->u.irq.addr, 0xfee00000);
	assert_int_equal(e->u.irq.data, 0x4041);
	assert_int_equal(mt_hw(t, MT_MSI + 2, 2), 0x0186);       /* guest profile: virtual */
	assert_int_equal(mt_hw(t, 0x04, 2) & 0x0400, 0x0400);    /* INTx forced off on hw */
	assert_int_equal(mt_rd(t, 0x04, 2) & 0x0400, 0);         /* guest still sees its value */
	assert_int_equal(pg_mediator_irq_type(t->m), PG_IRQ_MSI);
	/* re-programming while enabled re-routes */
	assert_int_equal(mt_wr(t, MT_MSI + 0xc, 2, 0x4042), 0);
	assert_int_equal(last_irq(t)->u.irq.data, 0x4042);
	assert_int_equal(mt_count(t, PG_EFFECT_IRQ), 2);
	assert_int_equal(mt_wr(t, MT_MSI + 0x10, 4, 0x3), 0);
	assert_int_equal(last_irq(t)->u.irq.msi_mask, 0x3);
	assert_true(last_irq(t)->u.irq.masked);
	/* writing the same value does not */
	assert_int_equal(mt_wr(t, MT_MSI + 0xc, 2, 0x4042), 0);
	assert_int_equal(mt_count(t, PG_EFFECT_IRQ), 3);
	/* disable: route torn down, INTx back to the guest's choice */
	assert_int_equal(mt_wr(t, MT_MSI + 2, 2, 0x0000), 0);
	assert_false(last_irq(t)->u.irq.enabled);
	assert_int_equal(mt_hw(t, 0x04, 2) & 0x0400, 0);
	assert_int_equal(t->rec.naudits, 0);
	mt_free(t);
}

static void test_exclusive_with_msix(void **state)
{
	struct mt *t = mt_new(PG_PROFILE_GUEST, NULL);

	(void)state;
	assert_int_equal(mt_wr(t, MT_MSIX + 2, 2, 0x8000), 0);
	assert_int_equal(mt_wr(t, MT_MSI + 2, 2, 0x0001), 0);
	assert_int_equal(mt_rd(t, MT_MSI + 2, 2) & 1, 0);
	assert_int_equal(t->rec.naudits, 1);
	assert_string_equal(t->rec.audits[0].rule, "irq-exclusive");
	assert_int_equal(pg_mediator_irq_type(t->m), PG_IRQ_MSIX);
	mt_free(t);

	/* permissive: let through, but audited as permissive */
	t = mt_new(PG_PROFILE_PERMISSIVE, NULL);
	assert_int_equal(mt_wr(t, MT_MSIX + 2, 2, 0x8000), 0);
	assert_int_equal(mt_wr(t, MT_MSI + 2, 2, 0x0001), 0);
	assert_int_equal(mt_rd(t, MT_MSI + 2, 2) & 1, 1);
	assert_int_equal(t->rec.naudits, 1);
	assert_int_equal(t->rec.audits[0].verdict, PG_AUDIT_PERMISSIVE);
	mt_free(t);
}

static void test_device_model_enable(void **state)
{
	struct mt *t = mt_new(PG_PROFILE_DEVICE_MODEL, NULL);

	(void)state;
	assert_int_equal(mt_wr(t, MT_MSI + 4, 4, 0xfee00000), 0);
	assert_int_equal(mt_wr(t, MT_MSI + 2, 2, 0x0011), 0);
	assert_int_equal(mt_hw(t, MT_MSI + 2, 2), 0x0187);       /* only Enable reached hw */
	assert_int_equal(mt_hw(t, MT_MSI + 4, 4), 0);
	assert_int_equal(mt_rd(t, MT_MSI + 2, 2), 0x0197);
	mt_free(t);
}

struct dm_msi_case {
	const char *name;
	uint16_t msix_ctl;     /* MSI-X Control written first (0: none) */
	uint16_t first;        /* MSI Control written next (0: none) */
	uint16_t write;        /* the MSI Control write under test (2 bytes) */
	unsigned ncfg;         /* config writes it must produce */
	uint8_t hw;            /* MSI Enable in hardware afterwards */
};

static const struct dm_msi_case dm_msis[] = {
	/* refused (MSI-X is on): nothing reaches the hardware, not even Enable = 0 */
	{ "refused-enable", 0x800f, 0, 0x0187, 0, 0 },
	/* Enable already as written: MME and the rest are virtual, so no write */
	{ "mme-only", 0, 0, 0x0196, 0, 0 },
	{ "unchanged-on", 0, 0x0187, 0x01a7, 0, 1 },
	/* a real change still reaches the hardware */
	{ "enable", 0, 0, 0x0187, 1, 1 },
	{ "disable", 0, 0x0187, 0x0186, 1, 0 },
};

/* Device-model profile: MSI Enable reaches the hardware only when it changes there; a
 * refused enable writes nothing. */
static void test_device_model_writes(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(dm_msis) / sizeof(dm_msis[0]); i++) {
		const struct dm_msi_case *c = &dm_msis[i];
		struct mt *t = mt_new(PG_PROFILE_DEVICE_MODEL, NULL);
		struct pg_write_decision d;
		unsigned n = 0, before;

		assert_non_null(t);
		if (c->msix_ctl)
			assert_int_equal(mt_wr(t, MT_MSIX + 2, 2, c->msix_ctl), 0);
		if (c->first)
			assert_int_equal(mt_wr(t, MT_MSI + 2, 2, c->first), 0);
		assert_int_equal(pg_mediator_decide_write(t->m, MT_MSI + 2, 2, c->write, &d), 0);
		for (unsigned k = 0; k < d.neffects; k++)
			n += d.effects[k].kind == PG_EFFECT_CFG_WRITE;
		if (n != c->ncfg)
			fail_msg("%s: %u config writes decided, expected %u", c->name, n, c->ncfg);
		before = t->f.nwrites;
		assert_int_equal(pg_mediator_apply(t->m, &d), 0);
		assert_int_equal(t->f.nwrites - before, c->ncfg);
		assert_int_equal(t->f.cfg[MT_MSI + 2] & 1, c->hw);
		mt_free(t);
	}
}

struct layout_case {
	const char *name;
	uint16_t ctl;
	uint16_t data;       /* offset of Message Data */
	bool has_mask;
	uint16_t read_ctl;
};

static const struct layout_case layouts[] = {
	{ "32-bit", 0x0000, 0x08, false, 0x0000 },
	{ "64-bit", 0x0080, 0x0c, false, 0x0080 },
	{ "32-bit-maskable", 0x0100, 0x08, true, 0x0100 },
	{ "mmc-reserved-clamped", 0x018e, 0x0c, true, 0x018a },
};

static void test_layouts(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(layouts) / sizeof(layouts[0]); i++) {
		const struct layout_case *c = &layouts[i];
		struct mt t0, *t = &t0;
		struct pg_mediator_config cfg;

		memset(t, 0, sizeof(*t));
		mt_device(&t->f);
		t->f.cfg[MT_MSI + 2] = (uint8_t)c->ctl;
		t->f.cfg[MT_MSI + 3] = (uint8_t)(c->ctl >> 8);
		mt_config(t, &cfg, PG_PROFILE_GUEST);
		assert_int_equal(mt_open_cfg(t, &cfg), 0);
		assert_true(pg_mediator_cap_visible(t->m, false, PG_CAP_MSI));
		if (mt_rd(t, MT_MSI + 2, 2) != c->read_ctl)
			fail_msg("%s: control 0x%x", c->name, mt_rd(t, MT_MSI + 2, 2));
		assert_int_equal(mt_wr(t, MT_MSI + c->data, 2, 0x1234), 0);
		assert_int_equal(mt_rd(t, MT_MSI + c->data, 2), 0x1234);
		if (c->has_mask) {
			assert_int_equal(mt_wr(t, MT_MSI + c->data + 4, 4, 1), 0);
			assert_int_equal(mt_rd(t, MT_MSI + c->data + 4, 4), 1);
		}
		assert_int_equal(t->rec.naudits, 0);
		assert_int_equal(t->f.nwrites, 0);
		pg_mediator_free(t->m);
		pg_backend_close(t->be);
	}
}

/*
 * Per-vector masking (PCI 3.0 §6.8.1.3, Message Control bit 8): Mask Bits follow Message
 * Data (+0x0c with a 32-bit address, +0x10 with a 64-bit one), Pending Bits the dword after.
 * One Mask bit per vector the function is capable of (Multiple Message Capable; the rest
 * RsvdP): virtual in every profile (interrupt routing stays mediated, even in permissive),
 * a change while MSI is enabled re-routes with the new mask in the PG_EFFECT_IRQ. Pending
 * Bits are the device's, read-only. Nothing of either reaches the device, nothing audited.
 */
struct mask_case {
	const char *name;
	enum pg_profile profile;
	uint16_t ctl;        /* the device's Message Control */
	uint16_t mask;       /* offset of Mask Bits */
	uint32_t vecs;       /* the implemented Mask bits */
};

static const struct mask_case mask_cases[] = {
	{ "guest-32-bit-2", PG_PROFILE_GUEST, 0x0102, 0x0c, 0x00000003 },
	{ "guest-64-bit-8", PG_PROFILE_GUEST, 0x0186, 0x10, 0x000000ff },
	{ "guest-64-bit-32", PG_PROFILE_GUEST, 0x018a, 0x10, 0xffffffff },
	{ "device-model-32-bit-1", PG_PROFILE_DEVICE_MODEL, 0x0100, 0x0c, 0x00000001 },
	{ "device-model-64-bit-8", PG_PROFILE_DEVICE_MODEL, 0x0186, 0x10, 0x000000ff },
	{ "permissive-32-bit-4", PG_PROFILE_PERMISSIVE, 0x0104, 0x0c, 0x0000000f },
	{ "permissive-64-bit-8", PG_PROFILE_PERMISSIVE, 0x0186, 0x10, 0x000000ff },
};

static void mask_case_run(const struct mask_case *c)
{
	struct mt t0, *t = &t0;
	struct pg_mediator_config cfg;
	const struct pg_effect *e;
	unsigned irqs;

	memset(t, 0, sizeof(*t));
	mt_device(&t->f);
	t->f.cfg[MT_MSI + 2] = (uint8_t)c->ctl;
	t->f.cfg[MT_MSI + 3] = (uint8_t)(c->ctl >> 8);
	for (unsigned i = 0; i < 4; i++)
		t->f.cfg[MT_MSI + c->mask + 4 + i] = 0xa5; /* the device's pending bits */
	mt_config(t, &cfg, c->profile);
	assert_int_equal(mt_open_cfg(t, &cfg), 0);
	/* disabled: the mask is stored, nothing routes */
	assert_int_equal(mt_wr(t, MT_MSI + c->mask, 4, 0xffffffff), 0);
	if (mt_rd(t, MT_MSI + c->mask, 4) != c->vecs)
		fail_msg("%s: mask reads 0x%x", c->name, mt_rd(t, MT_MSI + c->mask, 4));
	assert_int_equal(mt_count(t, PG_EFFECT_IRQ), 0);
	/* enabled: the effect carries the mask; unmasking vector 0 re-routes */
	assert_int_equal(mt_wr(t, MT_MSI + 2, 2, 0x0001), 0);
	e = last_irq(t);
	assert_non_null(e);
	assert_int_equal(e->u.irq.msi_mask, c->vecs);
	assert_true(e->u.irq.masked);
	irqs = mt_count(t, PG_EFFECT_IRQ);
	assert_int_equal(mt_wr(t, MT_MSI + c->mask, 1, 0xfe), 0);
	assert_int_equal(mt_count(t, PG_EFFECT_IRQ), irqs + 1);
	e = last_irq(t);
	assert_int_equal(e->u.irq.msi_mask, c->vecs & ~1u);
	assert_false(e->u.irq.masked);
	/* the same value again: no re-route */
	assert_int_equal(mt_wr(t, MT_MSI + c->mask, 1, 0xfe), 0);
	assert_int_equal(mt_count(t, PG_EFFECT_IRQ), irqs + 1);
	/* Pending Bits: the device's, read-only */
	assert_int_equal(mt_wr(t, MT_MSI + c->mask + 4, 4, 0), 0);
	if (mt_rd(t, MT_MSI + c->mask + 4, 4) != 0xa5a5a5a5u)
		fail_msg("%s: pending reads 0x%x", c->name, mt_rd(t, MT_MSI + c->mask + 4, 4));
	assert_int_equal(mt_hw(t, MT_MSI + c->mask, 4), 0);
	assert_int_equal(mt_hw(t, MT_MSI + c->mask + 4, 4), 0xa5a5a5a5u);
	for (unsigned i = 0; i < t->f.nwrites; i++)
		if (t->f.writes[i].off >= MT_MSI + c->mask && t->f.writes[i].off < MT_MSI + c->mask + 8)
			fail_msg("%s: write at 0x%x reached the device", c->name, t->f.writes[i].off);
	if (t->rec.naudits)
		fail_msg("%s: %u audits, first %s", c->name, t->rec.naudits, t->rec.audits[0].rule);
	pg_mediator_free(t->m);
	pg_backend_close(t->be);
}

static void test_mask_bits(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(mask_cases) / sizeof(mask_cases[0]); i++)
		mask_case_run(&mask_cases[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_registers),
		cmocka_unit_test(test_enable_sequence),
		cmocka_unit_test(test_exclusive_with_msix),
		cmocka_unit_test(test_device_model_enable),
		cmocka_unit_test(test_device_model_writes),
		cmocka_unit_test(test_layouts),
		cmocka_unit_test(test_mask_bits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
