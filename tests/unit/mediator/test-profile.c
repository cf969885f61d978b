/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Profiles and policy rules (src/lib/mediator/profile.c): the device-model profile's
 * narrow delegation (Linux's MSI-X enable sequence), permissive mode's audited
 * pass-through, default deny across the whole space, and policy register rules.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

#include <cmocka.h>

#include "medtest.h"

/* Bits that changed on the hardware, per byte, outside the allowed mask. */
static void assert_only_changed(const uint8_t *before, const struct mt *t, const uint8_t *allow)
{
	for (unsigned i = 0; i < PG_CFG_EXT_LEN; i++) {
		uint8_t diff = (uint8_t)(before[i] ^ t->f.cfg[i]);

		if (diff & ~allow[i])
			fail_msg("hw byte 0x%03x changed 0x%02x -> 0x%02x", i, before[i], t->f.cfg[i]);
	}
}

static struct mt *open_intx_enabled(enum pg_profile p)
{
	struct mt *t = calloc(1, sizeof(*t));
	struct pg_mediator_config cfg;

	assert_non_null(t);
	mt_device(&t->f);
	t->f.cfg[0x05] = 0x00; /* INTx enabled on the device */
	mt_config(t, &cfg, p);
	assert_int_equal(mt_open_cfg(t, &cfg), 0);
	return t;
}

/* Linux: MSI-X Enable|Function Mask, program the table, clear Function Mask, then INTx
 * Disable (pci_intx). Every step succeeds and only the interrupt bits reach hardware. */
static void test_device_model_linux_sequence(void **state)
{
	struct mt *t = open_intx_enabled(PG_PROFILE_DEVICE_MODEL);
	uint8_t before[PG_CFG_EXT_LEN], allow[PG_CFG_EXT_LEN] = { 0 };

	(void)state;
	memcpy(before, t->f.cfg, sizeof(before));
	assert_int_equal(mt_wr(t, MT_MSIX + 2, 2, 0xc000), 0);
	assert_int_equal(mt_hw(t, MT_MSIX + 2, 2), 0xc00f);
	assert_int_equal(mt_hw(t, 0x04, 2) & 0x0400, 0x0400);    /* INTx off while MSI-X on */
	for (unsigned v = 0; v < 4; v++) {
		uint64_t base = MT_TABLE + 16u * v;

		assert_int_equal(pg_mediator_bar_write(t->m, 0, base, 4, 0xfee00000), 0);
		assert_int_equal(pg_mediator_bar_write(t->m, 0, base + 4, 4, 0), 0);
		assert_int_equal(pg_mediator_bar_write(t->m, 0, base + 8, 4, 0x20 + v), 0);
		assert_int_equal(pg_mediator_bar_write(t->m, 0, base + 12, 4, 0), 0);
	}
	assert_int_equal(mt_wr(t, MT_MSIX + 2, 2, 0x8000), 0);
	assert_int_equal(mt_hw(t, MT_MSIX + 2, 2), 0x800f);
	assert_int_equal(mt_wr(t, 0x04, 2, 0x0406), 0);
	assert_int_equal(mt_rd(t, 0x04, 2), 0x0406);
	assert_int_equal(mt_hw(t, 0x04, 2), 0x0406);
	assert_int_equal(t->rec.naudits, 0);
	assert_int_equal(t->f.nbar_writes, 0);
	assert_int_equal(pg_mediator_irq_type(t->m), PG_IRQ_MSIX);
	allow[0x05] = 0x04;
	allow[MT_MSIX + 3] = 0xc0;
	assert_only_changed(before, t, allow);
	for (unsigned i = 0; i < t->f.nwrites; i++)
		assert_true(t->f.writes[i].off == 0x04 || t->f.writes[i].off == 0x05 ||
			    t->f.writes[i].off == MT_MSIX + 2 || t->f.writes[i].off == MT_MSIX + 3);

	/* one type at a time: MSI is refused while MSI-X is on */
	assert_int_equal(mt_wr(t, MT_MSI + 2, 2, 0x0001), 0);
	assert_int_equal(mt_hw(t, MT_MSI + 2, 2) & 1, 0);
	assert_int_equal(t->rec.naudits, 1);
	assert_string_equal(t->rec.audits[0].rule, "irq-exclusive");
	/* and back: disable MSI-X, then re-enable INTx */
	assert_int_equal(mt_wr(t, MT_MSIX + 2, 2, 0x0000), 0);
	assert_int_equal(mt_wr(t, 0x04, 2, 0x0006), 0);
	assert_int_equal(mt_hw(t, MT_MSIX + 2, 2), 0x000f);
	assert_int_equal(mt_hw(t, 0x04, 2) & 0x0400, 0);
	mt_free(t);
}

/* Write all ones to every dword: in the device-model profile only the interrupt bits
 * may change on hardware; in the guest profile only the documented pass bits. */
static void sweep(struct mt *t)
{
	for (uint16_t off = 0; off < PG_CFG_EXT_LEN; off = (uint16_t)(off + 4))
		assert_int_equal(mt_wr(t, off, 4, 0xffffffff), 0);
}

static void test_sweep_device_model(void **state)
{
	struct mt *t = open_intx_enabled(PG_PROFILE_DEVICE_MODEL);
	uint8_t before[PG_CFG_EXT_LEN], allow[PG_CFG_EXT_LEN] = { 0 };

	(void)state;
	memcpy(before, t->f.cfg, sizeof(before));
	sweep(t);
	allow[0x05] = 0x04;
	allow[MT_MSI + 2] = 0x01;
	allow[MT_MSIX + 3] = 0xc0;
	assert_only_changed(before, t, allow);
	assert_int_equal(t->f.nbar_writes, 0);
	assert_true(t->rec.naudits > 0);
	mt_free(t);
}

static void test_sweep_guest(void **state)
{
	struct mt *t = open_intx_enabled(PG_PROFILE_GUEST);
	uint8_t before[PG_CFG_EXT_LEN], allow[PG_CFG_EXT_LEN] = { 0 };
	struct pg_audit_counters c;

	(void)state;
	memcpy(before, t->f.cfg, sizeof(before));
	sweep(t);
	allow[0x04] = 0x07;                    /* I/O, Memory, Bus Master */
	allow[0x05] = 0x04;                    /* INTx Disable */
	allow[0x06] = 0x00;
	allow[0x07] = 0xf9;                    /* Status RW1C */
	allow[MT_PM + 4] = 0x03;               /* PowerState */
	allow[MT_PM + 5] = 0x1e;               /* Data_Select */
	allow[MT_PCIE + 8] = 0x1f;             /* DevCtl pass bits */
	allow[MT_PCIE + 9] = 0x09;
	allow[MT_PCIE + 0xa] = 0x4f;           /* DevSta RW1C */
	allow[MT_PCIE + 0x28] = 0x5f;          /* DevCtl2 pass bits */
	allow[MT_PCIE + 0x29] = 0x03;
	assert_only_changed(before, t, allow);
	/* every FLR request became a reset, never a write */
	assert_true(t->f.resets >= 1);
	pg_mediator_counters(t->m, &c);
	assert_true(c.denied > 900); /* every hidden/gap dword of 4 KiB was audited */
	assert_int_equal(c.permissive, 0);
	mt_free(t);
}

static void test_permissive(void **state)
{
	struct mt *t = mt_new(PG_PROFILE_PERMISSIVE, NULL);
	struct pg_audit_counters c;

	(void)state;
	/* a gap byte goes to hardware, audited as permissive */
	t->f.cfg[0xe0] = 0x11;
	assert_int_equal(mt_rd(t, 0xe0, 1), 0x11);
	assert_int_equal(mt_wr(t, 0xe1, 1, 0x7f), 0);
	assert_int_equal(mt_hw(t, 0xe1, 1), 0x7f);
	assert_int_equal(t->rec.naudits, 1);
	assert_int_equal(t->rec.audits[0].verdict, PG_AUDIT_PERMISSIVE);
	assert_string_equal(t->rec.audits[0].rule, "default-deny");
	/* a virtual-in-guest register goes to hardware only when it changes, and is audited */
	assert_int_equal(mt_wr(t, 0x0c, 1, 0x10), 0);
	assert_int_equal(t->rec.naudits, 1);
	assert_int_equal(mt_wr(t, 0x0c, 1, 0x20), 0);
	assert_int_equal(mt_hw(t, 0x0c, 1), 0x20);
	assert_int_equal(t->rec.naudits, 2);
	assert_string_equal(t->rec.audits[1].rule, "hdr.cacheline");
	assert_int_equal(mt_wr(t, 0x0c, 1, 0x20), 0); /* unchanged: no new record */
	assert_int_equal(t->rec.naudits, 2);
	/* phantom functions: refused in guest, passed and audited here */
	assert_int_equal(mt_wr(t, MT_PCIE + 8, 2, 0x2a10), 0);
	assert_int_equal(mt_hw(t, MT_PCIE + 8, 2), 0x2a10);
	assert_int_equal(t->rec.audits[2].verdict, PG_AUDIT_PERMISSIVE);
	/* BARs stay virtual, FLR stays a reset */
	assert_int_equal(mt_wr(t, 0x18, 4, 0xffffffff), 0);
	assert_int_equal(mt_hw(t, 0x18, 4), 0xfd000000);
	assert_int_equal(mt_rd(t, 0x18, 4), 0xfffff000);
	assert_int_equal(mt_wr(t, MT_PCIE + 8, 2, 0x8000), 0);
	assert_int_equal(t->f.resets, 1);
	assert_int_equal(mt_hw(t, MT_PCIE + 8, 2) & 0x8000, 0);
	/* visible vendor capability body: raw write, audited */
	assert_int_equal(mt_wr(t, MT_VNDR + 4, 4, 0xcafe), 0);
	assert_int_equal(mt_hw(t, MT_VNDR + 4, 4), 0xcafe);
	pg_mediator_counters(t->m, &c);
	assert_int_equal(c.denied, 0);
	assert_int_equal(c.permissive, t->rec.naudits);
	mt_free(t);
}

static struct pg_policy_reg preg(uint16_t off, uint8_t size, uint8_t access, uint32_t mask,
				 bool emulate, uint32_t value, unsigned line)
{
	struct pg_policy_reg r;

	memset(&r, 0, sizeof(r));
	r.offset = off;
	r.size = size;
	r.access = access;
	r.mask = mask;
	r.emulate = emulate;
	r.value = value;
	r.line = line;
	return r;
}

static void test_policy_registers(void **state)
{
	struct pg_policy_reg regs[6];
	struct pg_policy_entry pol;
	struct mt *t;

	(void)state;
	regs[0] = preg(0x0c, 1, PG_POLICY_ACCESS_READ | PG_POLICY_ACCESS_WRITE, 0xff, false, 0, 3);
	regs[1] = preg(MT_VNDR + 4, 4, PG_POLICY_ACCESS_READ, 0xffffffff, false, 0, 4);
	regs[2] = preg(0xe0, 4, PG_POLICY_ACCESS_READ | PG_POLICY_ACCESS_WRITE, 0x0000ffff, false,
		       0, 5);
	regs[3] = preg(0xe4, 1, PG_POLICY_ACCESS_READ, 0x0f, false, 0, 6);
	regs[4] = preg(0xe8, 2, PG_POLICY_ACCESS_WRITE, 0xffff, false, 0, 7);
	regs[5] = preg(0xec, 4, 0, 0xffffffff, true, 0x12345678, 8);
	memset(&pol, 0, sizeof(pol));
	pol.regs = regs;
	pol.nregs = 6;
	t = mt_new(PG_PROFILE_GUEST, &pol);
	assert_non_null(t);
	memset(t->f.cfg + 0xe0, 0xaa, 16);
	t->f.cfg[MT_VNDR + 4] = 0x42;
	/* cache line opened to hardware */
	assert_int_equal(mt_wr(t, 0x0c, 1, 0x40), 0);
	assert_int_equal(mt_hw(t, 0x0c, 1), 0x40);
	/* read-only window into a hidden capability */
	assert_int_equal(mt_rd(t, MT_VNDR + 4, 4), 0xaaaaaa42 & 0x000000ff);
	assert_int_equal(mt_rd(t, MT_VNDR, 4), 0);
	/* masked read/write */
	assert_int_equal(mt_rd(t, 0xe0, 4), 0x0000aaaa);
	assert_int_equal(mt_wr(t, 0xe0, 4, 0xffff1234), 0);
	assert_int_equal(mt_hw(t, 0xe0, 4), 0xaaaa1234);
	assert_int_equal(t->rec.naudits, 1);
	assert_string_equal(t->rec.audits[0].rule, "policy:5");
	assert_int_equal(mt_rd(t, 0xe4, 1), 0x0a);
	assert_int_equal(mt_wr(t, 0xe4, 1, 0x05), 0);
	assert_int_equal(mt_hw(t, 0xe4, 1), 0xaa);
	assert_int_equal(mt_rd(t, 0xe8, 2), 0);                  /* write-only */
	assert_int_equal(mt_wr(t, 0xe8, 2, 0x5555), 0);
	assert_int_equal(mt_hw(t, 0xe8, 2), 0x5555);
	assert_int_equal(mt_rd(t, 0xec, 4), 0x12345678);          /* emulated */
	assert_int_equal(mt_wr(t, 0xec, 4, 0), 0);
	assert_int_equal(mt_rd(t, 0xec, 4), 0x12345678);
	assert_int_equal(mt_hw(t, 0xec, 4), 0xaaaaaaaa);
	assert_int_equal(t->rec.naudits, 1);
	mt_free(t);
}

static void test_policy_conflicts(void **state)
{
	struct pg_policy_reg r = preg(MT_MSI + 2, 2, PG_POLICY_ACCESS_WRITE, 0xffff, false, 0, 9);
	struct pg_policy_entry pol;
	struct mt t0, *t = &t0;
	struct pg_mediator_config cfg;
	bool named = false;

	(void)state;
	memset(&pol, 0, sizeof(pol));
	pol.regs = &r;
	pol.nregs = 1;
	memset(t, 0, sizeof(*t));
	mt_device(&t->f);
	mt_config(t, &cfg, PG_PROFILE_GUEST);
	cfg.policy = &pol;
	assert_int_equal(mt_open_cfg(t, &cfg), -EEXIST);
	assert_null(t->m);
	for (unsigned i = 0; i < t->rec.nlogs; i++)
		named |= strstr(t->rec.logs[i], "msi.control") && strstr(t->rec.logs[i], "line 9");
	assert_true(named);
	pg_backend_close(t->be);

	/* a rule beyond a 256-byte device */
	r = preg(0x100, 4, PG_POLICY_ACCESS_READ, 0xffffffff, false, 0, 2);
	memset(t, 0, sizeof(*t));
	mt_device(&t->f);
	t->f.cfg_len = 256;
	mt_config(t, &cfg, PG_PROFILE_GUEST);
	cfg.policy = &pol;
	assert_int_equal(mt_open_cfg(t, &cfg), -EINVAL);
	pg_backend_close(t->be);

	/* profile out of range */
	memset(t, 0, sizeof(*t));
	mt_device(&t->f);
	mt_config(t, &cfg, (enum pg_profile)7);
	assert_int_equal(mt_open_cfg(t, &cfg), -EINVAL);
	pg_backend_close(t->be);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_device_model_linux_sequence),
		cmocka_unit_test(test_sweep_device_model),
		cmocka_unit_test(test_sweep_guest),
		cmocka_unit_test(test_permissive),
		cmocka_unit_test(test_policy_registers),
		cmocka_unit_test(test_policy_conflicts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
