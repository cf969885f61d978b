/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Tests of the model backend (src/lib/backend/model.c): register write semantics as
 * tables (IDs RO, Command mask, Status RW1C, BAR sizing for I/O, mem32, mem64 in both
 * halves, prefetch flag kept, ROM, bridge registers, capability headers RO and bodies RW),
 * bar_info, BAR RAM and bounds, reset methods and restore, annotation checks, and a sweep
 * over every corpus dump (sizing protocol agrees with bar_info, reset restores the dump
 * after a storm of writes).
 */
#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <pcigate/backend.h>

#include "backend/backend-private.h"
#include "cfgbuild.h"

/* ---- devices ------------------------------------------------------------------------ */

static void set_size(struct pg_dump_dev *d, unsigned bar, uint64_t size)
{
	d->sizes.size[bar] = size;
	d->sizes.known |= (uint8_t)(1u << bar);
}

static void to_dev(struct pg_dump_dev *d, const struct cfgbuild *c, uint16_t len)
{
	memset(d, 0, sizeof(*d));
	snprintf(d->slot, sizeof(d->slot), "00:04.0");
	d->line = 7;
	d->len = len;
	memcpy(d->cfg, c->b, len);
}

/*
 * Device A, an endpoint: BAR0 I/O at 0xe000 (annotated 32 bytes), BAR1 mem32 at
 * 0xfe000000 (default size: 1 MiB clamp), BAR2/3 mem64 prefetchable at 0x4_0000_0000
 * (annotated 8 GiB, so the upper half has a read-only bit too), BAR4 mem32 prefetchable
 * at 0xd0000000 (annotated 64 KiB), BAR5 not implemented, ROM at 0xfea00000 (64 KiB),
 * PM at 0x40 (No_Soft_Reset clear), PCIe v2 at 0x50 with DevCap FLR, vendor bytes at 0xf0.
 */
static void dev_a(struct pg_dump_dev *d)
{
	struct cfgbuild c;

	cb_header(&c, 0x8086, 0x1234, 0x020000, 0x00, 0x40);
	cb_w8(&c, 0x08, 0x05);
	cb_w16(&c, 0x04, 0x0006);
	cb_w16(&c, 0x06, 0xf910);
	cb_w32(&c, 0x10, 0x0000e001);
	cb_w32(&c, 0x14, 0xfe000000);
	cb_w32(&c, 0x18, 0x0000000c);
	cb_w32(&c, 0x1c, 0x00000004);
	cb_w32(&c, 0x20, 0xd0000008);
	cb_w32(&c, 0x2c, 0xabcd8086);
	cb_w32(&c, 0x30, 0xfea00000);
	cb_w8(&c, 0x3c, 0x0b);
	cb_w8(&c, 0x3d, 0x01);
	cb_cap(&c, 0x40, PG_CAP_PM, 0x50);
	cb_w16(&c, 0x42, 0x0003);
	cb_pcie(&c, 0x50, 0, PG_PCIE_ENDPOINT);
	cb_w32(&c, 0x54, 1u << 28);
	cb_w32(&c, 0xf0, 0x11223344);
	to_dev(d, &c, 256);
	set_size(d, 0, 32);
	set_size(d, 2, 8ull << 30);
	set_size(d, 4, 64u << 10);
	set_size(d, PG_CFG_ROM_BAR, 64u << 10);
}

/* Device B, a PCI-to-PCI bridge: BAR0 mem32 at 0xfc000000, BAR1 absent, no ROM, 32-bit
 * I/O window, 64-bit prefetchable window, Secondary Status and Bridge Control with their
 * RW1C bits set. */
static void dev_b(struct pg_dump_dev *d)
{
	struct cfgbuild c;

	cb_header(&c, 0x8086, 0x2448, 0x060400, 0x01, 0);
	cb_w32(&c, 0x10, 0xfc000000);
	cb_w32(&c, 0x18, 0x00020100);
	cb_w8(&c, 0x1c, 0x11);
	cb_w8(&c, 0x1d, 0x21);
	cb_w16(&c, 0x1e, 0xfa00);
	cb_w32(&c, 0x20, 0xfe00fc00);
	cb_w32(&c, 0x24, 0x00010001);
	cb_w16(&c, 0x3e, 0x0400);
	to_dev(d, &c, 256);
}

/* Device E, PCIe with extended capabilities: PCIe at 0x40, AER at 0x100, DSN at 0x140. */
static void dev_e(struct pg_dump_dev *d)
{
	struct cfgbuild c;

	cb_header(&c, 0x10de, 0x1eb8, 0x030200, 0x00, 0x40);
	cb_pcie(&c, 0x40, 0, PG_PCIE_ENDPOINT);
	cb_ecap(&c, 0x100, PG_ECAP_AER, 1, 0x140);
	cb_ecap(&c, 0x140, PG_ECAP_DSN, 1, 0);
	cb_w32(&c, 0x144, 0xcafef00d);
	cb_w32(&c, 0x300, 0x55aa55aa);
	to_dev(d, &c, 4096);
}

/* Device M: a real-world misaligned BAR (O2 Micro SD host, corpus 1217-7120): BAR0 mem32
 * at 0xfc401800, which the default size (4 KiB) does not align; ROM at 0xfea01000 with a
 * 64 KiB annotation. */
static void dev_m(struct pg_dump_dev *d)
{
	struct cfgbuild c;

	cb_header(&c, 0x1217, 0x7120, 0x080501, 0x00, 0);
	cb_w32(&c, 0x10, 0xfc401800);
	cb_w32(&c, 0x30, 0xfea01001);
	to_dev(d, &c, 64);
	set_size(d, PG_CFG_ROM_BAR, 64u << 10);
}

static struct pg_backend *model(void (*build)(struct pg_dump_dev *))
{
	struct pg_dump_dev *d = calloc(1, sizeof(*d));
	struct pg_backend *be = NULL;

	assert_non_null(d);
	build(d);
	assert_int_equal(pg_backend_model_new(d, NULL, &be), 0);
	free(d);
	return be;
}

static uint32_t rd(struct pg_backend *be, uint16_t off, uint8_t size)
{
	uint32_t v = 0;

	assert_int_equal(pg_backend_cfg_read(be, off, size, &v), 0);
	return v;
}

static void wr(struct pg_backend *be, uint16_t off, uint8_t size, uint32_t v)
{
	assert_int_equal(pg_backend_cfg_write(be, off, size, v), 0);
}

/* ---- register semantics ------------------------------------------------------------- */

struct reg_case {
	const char *name;
	void (*build)(struct pg_dump_dev *);
	uint16_t off;
	uint8_t size;
	uint32_t write;
	uint32_t expect;
};

static const struct reg_case reg_cases[] = {
	{ "IDs RO", dev_a, 0x00, 4, 0xffffffffu, 0x12348086 },
	{ "device ID RO (word)", dev_a, 0x02, 2, 0x0000, 0x1234 },
	{ "Command writable bits", dev_a, 0x04, 2, 0xffff, 0x077f },
	{ "Command cleared", dev_a, 0x04, 2, 0x0000, 0x0000 },
	{ "Status all ones clears the RW1C bits", dev_a, 0x06, 2, 0xffff, 0x0010 },
	{ "Status one RW1C bit", dev_a, 0x06, 2, 0x0100, 0xf810 },
	{ "Status zero changes nothing", dev_a, 0x06, 2, 0x0000, 0xf910 },
	{ "Status high byte alone", dev_a, 0x07, 1, 0x80, 0x79 },
	{ "Command+Status dword", dev_a, 0x04, 4, 0xffffffffu, 0x0010077f },
	{ "revision and class RO", dev_a, 0x08, 4, 0xffffffffu, 0x02000005 },
	{ "cache line RW, latency RW, header type and BIST RO", dev_a, 0x0c, 4, 0xffffffffu,
	  0x0000ffff },
	{ "header type RO", dev_a, 0x0e, 1, 0x01, 0x00 },
	{ "I/O BAR sized (32 bytes), I/O flag kept", dev_a, 0x10, 4, 0xffffffffu, 0xffffffe1 },
	{ "I/O BAR relocated", dev_a, 0x10, 4, 0x0000c020, 0x0000c021 },
	{ "mem32 BAR default size 1 MiB", dev_a, 0x14, 4, 0xffffffffu, 0xfff00000 },
	{ "mem32 BAR low address bits RO", dev_a, 0x14, 4, 0x12345678, 0x12300000 },
	{ "mem32 BAR top byte alone", dev_a, 0x17, 1, 0xab, 0xab },
	{ "mem32 BAR low byte RO", dev_a, 0x14, 1, 0xff, 0x00 },
	{ "mem64 low half: 8 GiB leaves no writable bit, flags kept", dev_a, 0x18, 4,
	  0xffffffffu, 0x0000000c },
	{ "mem64 upper half: bit 32 below the size", dev_a, 0x1c, 4, 0xffffffffu, 0xfffffffe },
	{ "mem64 upper half relocated", dev_a, 0x1c, 4, 0x00000012, 0x00000012 },
	{ "mem32 prefetchable 64 KiB, prefetch flag kept", dev_a, 0x20, 4, 0xffffffffu,
	  0xffff0008 },
	{ "unimplemented BAR5 stays zero", dev_a, 0x24, 4, 0xffffffffu, 0 },
	{ "CardBus CIS RO", dev_a, 0x28, 4, 0xffffffffu, 0 },
	{ "subsystem IDs RO", dev_a, 0x2c, 4, 0xffffffffu, 0xabcd8086 },
	{ "ROM sized 64 KiB, enable writable", dev_a, 0x30, 4, 0xffffffffu, 0xffff0001 },
	{ "ROM disabled and moved", dev_a, 0x30, 4, 0xfeb00000, 0xfeb00000 },
	{ "ROM reserved bits RO", dev_a, 0x30, 4, 0x000007fe, 0 },
	{ "capability pointer RO", dev_a, 0x34, 1, 0x80, 0x40 },
	{ "reserved 0x38 RO", dev_a, 0x38, 4, 0xffffffffu, 0 },
	{ "interrupt line RW", dev_a, 0x3c, 1, 0xff, 0xff },
	{ "interrupt pin, min_gnt, max_lat RO", dev_a, 0x3c, 4, 0x00000000, 0x00000100 },
	{ "PM capability header RO", dev_a, 0x40, 2, 0x0000, 0x5001 },
	{ "PM body RW (PMC)", dev_a, 0x42, 2, 0xffff, 0xffff },
	{ "PM body RW (PMCSR)", dev_a, 0x44, 4, 0x12345678, 0x12345678 },
	{ "PCIe capability header RO", dev_a, 0x50, 2, 0xffff, 0x0010 },
	{ "PCIe body RW (DevCtl)", dev_a, 0x58, 2, 0xa5a5, 0xa5a5 },
	{ "bytes outside any capability RO", dev_a, 0xf0, 4, 0, 0x11223344 },
	{ "extended header RO", dev_e, 0x100, 4, 0, 0x14010001 },
	{ "extended header RO (byte 3)", dev_e, 0x103, 1, 0xff, 0x14 },
	{ "extended body RW", dev_e, 0x104, 4, 0xdeadbeef, 0xdeadbeef },
	{ "second extended header RO", dev_e, 0x140, 2, 0xffff, 0x0003 },
	{ "DSN body RW", dev_e, 0x144, 4, 0x1, 0x1 },
	{ "extended space outside any capability RO", dev_e, 0x300, 4, 0, 0x55aa55aa },
	{ "bridge bus numbers and secondary latency RW", dev_b, 0x18, 4, 0xffffffffu,
	  0xffffffffu },
	{ "bridge I/O base keeps the 32-bit capability nibble", dev_b, 0x1c, 2, 0xffff, 0xf1f1 },
	{ "bridge secondary status RW1C", dev_b, 0x1e, 2, 0xffff, 0x0200 },
	{ "bridge memory window", dev_b, 0x20, 4, 0xffffffffu, 0xfff0fff0 },
	{ "bridge prefetch window keeps the 64-bit flag", dev_b, 0x24, 4, 0xffffffffu,
	  0xfff1fff1 },
	{ "bridge prefetch upper base", dev_b, 0x28, 4, 0xffffffffu, 0xffffffffu },
	{ "bridge I/O upper halves", dev_b, 0x30, 4, 0xffffffffu, 0xffffffffu },
	{ "bridge ROM register absent (zero, not annotated)", dev_b, 0x38, 4, 0xffffffffu, 0 },
	{ "bridge control RW, discard timer status RW1C", dev_b, 0x3e, 2, 0xffff, 0x0bff },
	{ "bridge BAR0 default 1 MiB", dev_b, 0x10, 4, 0xffffffffu, 0xfff00000 },
	{ "bridge BAR1 absent", dev_b, 0x14, 4, 0xffffffffu, 0 },
	{ "misaligned dump BAR: bits below the size read 0 once written", dev_m, 0x10, 4,
	  0xffffffffu, 0xfffff000 },
	{ "misaligned dump BAR: top byte write clears nothing else", dev_m, 0x13, 1, 0xfe, 0xfe },
	{ "misaligned dump ROM: sized, enable kept", dev_m, 0x30, 4, 0xffffffffu, 0xffff0001 },
	{ "misaligned dump ROM: relocated", dev_m, 0x30, 4, 0xfeb01001, 0xfeb00001 },
};

static void test_registers(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(reg_cases) / sizeof(reg_cases[0]); i++) {
		const struct reg_case *c = &reg_cases[i];
		struct pg_backend *be = model(c->build);
		uint32_t got;

		wr(be, c->off, c->size, c->write);
		got = rd(be, c->off, c->size);
		if (got != c->expect)
			fail_msg("%s: wrote %x at 0x%x/%u, read 0x%x want 0x%x", c->name, c->write,
				 c->off, c->size, got, c->expect);
		pg_backend_close(be);
	}
}

/* The sizing protocol a PCI core runs: save, write ones, read, restore. */
static void test_bar_sizing_restore(void **state)
{
	struct pg_backend *be = model(dev_a);
	uint32_t lo, hi;

	(void)state;
	wr(be, 0x18, 4, 0xffffffffu);
	wr(be, 0x1c, 4, 0xffffffffu);
	lo = rd(be, 0x18, 4);
	hi = rd(be, 0x1c, 4);
	assert_int_equal(~((uint64_t)hi << 32 | (lo & ~0xfu)) + 1, 8ull << 30);
	wr(be, 0x18, 4, 0x0000000c);
	wr(be, 0x1c, 4, 0x00000004);
	assert_int_equal(rd(be, 0x18, 4), 0x0000000c);
	assert_int_equal(rd(be, 0x1c, 4), 0x00000004);
	wr(be, 0x14, 4, 0xffffffffu);
	wr(be, 0x14, 4, 0xfe000000);
	assert_int_equal(rd(be, 0x14, 4), 0xfe000000);
	pg_backend_close(be);

	/* A misaligned dump address reads verbatim until written. */
	be = model(dev_m);
	assert_int_equal(rd(be, 0x10, 4), 0xfc401800);
	assert_int_equal(rd(be, 0x30, 4), 0xfea01001);
	wr(be, 0x11, 1, 0x18); /* the byte holding the misaligned bit */
	assert_int_equal(rd(be, 0x10, 4), 0xfc401000);
	pg_backend_close(be);
}

/* ---- bar_info ----------------------------------------------------------------------- */

static void test_bar_info(void **state)
{
	static const struct pg_bar_info want[PG_CFG_NUM_BARS] = {
		{ true, PG_BAR_IO, false, 32, 0, true },
		{ true, PG_BAR_MEM32, false, 1u << 20, 0, true },
		{ true, PG_BAR_MEM64, true, 8ull << 30, 0, true },
		{ false, PG_BAR_MEM64_HI, false, 0, 0, false },
		{ true, PG_BAR_MEM32, true, 64u << 10, 0, true },
		{ false, PG_BAR_NONE, false, 0, 0, false },
		{ true, PG_BAR_ROM, false, 64u << 10, 0, true },
	};
	struct pg_backend *be = model(dev_a);
	struct pg_cfg_bar_sizes sizes;
	uint8_t *buf = malloc(PG_CFG_EXT_LEN);

	(void)state;
	assert_non_null(buf);
	for (unsigned i = 0; i < PG_CFG_NUM_BARS; i++) {
		struct pg_bar_info info;

		assert_int_equal(pg_backend_bar_info(be, i, &info), 0);
		if (info.present != want[i].present || info.kind != want[i].kind ||
		    info.prefetchable != want[i].prefetchable || info.size != want[i].size ||
		    info.accessible != want[i].accessible || info.host_addr)
			fail_msg("bar %u: present %d kind %d pf %d size 0x%llx acc %d", i,
				 info.present, info.kind, info.prefetchable,
				 (unsigned long long)info.size, info.accessible);
	}
	assert_string_equal(pg_backend_kind(be), "model");
	assert_string_equal(pg_backend_name(be), "00:04.0");
	assert_int_equal(pg_backend_cfg_len(be), 256);
	assert_int_equal(pg_backend_snapshot(be, buf, &sizes), 256);
	assert_int_equal(sizes.known, 0x7f);
	assert_int_equal(sizes.size[2], 8ull << 30);
	assert_int_equal(sizes.size[5], 0);
	free(buf);
	pg_backend_close(be);
}

/* Default sizes: natural alignment of the address, clamped (backend.h). */
struct default_case {
	uint32_t reg, reg_hi;
	uint64_t size;
};

static const struct default_case default_cases[] = {
	{ 0x0000e001, 0, 256 },          /* I/O 0xe000: clamp to 256 */
	{ 0x0000e021, 0, 32 },
	{ 0x00000001, 0, 4 },            /* unprogrammed I/O */
	{ 0xfebf0000, 0, 64u << 10 },
	{ 0xfebff000, 0, 4096 },
	{ 0xfebff800, 0, 4096 },         /* clamp up to PG_MODEL_MIN_MEM_BAR */
	{ 0x80000000, 0, 1u << 20 },     /* clamp down to PG_MODEL_MAX_DEFAULT_BAR */
	{ 0x00000008, 0, 4096 },         /* unprogrammed, prefetchable flag only */
	{ 0x0000000c, 0x40, 1u << 20 },  /* mem64 at 0x40_0000_0000 */
	{ 0x0008000c, 0, 512u << 10 },
	{ 0x00000004, 0, 4096 },         /* unprogrammed mem64 */
};

static void test_default_sizes(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(default_cases) / sizeof(default_cases[0]); i++) {
		const struct default_case *c = &default_cases[i];
		struct pg_dump_dev *d = calloc(1, sizeof(*d));
		struct pg_backend *be = NULL;
		struct pg_bar_info info;
		struct cfgbuild cb;

		assert_non_null(d);
		cb_header(&cb, 0x1af4, 0x1000, 0x020000, 0, 0);
		cb_w32(&cb, 0x10, c->reg);
		cb_w32(&cb, 0x14, c->reg_hi);
		to_dev(d, &cb, 64);
		assert_int_equal(pg_backend_model_new(d, "t", &be), 0);
		assert_int_equal(pg_backend_bar_info(be, 0, &info), 0);
		if (info.size != c->size)
			fail_msg("BAR 0x%08x: size 0x%llx want 0x%llx", c->reg,
				 (unsigned long long)info.size, (unsigned long long)c->size);
		free(d);
		pg_backend_close(be);
	}
}

/* ---- BAR RAM ------------------------------------------------------------------------ */

static uint64_t bar_rd(struct pg_backend *be, unsigned bar, uint64_t off, uint8_t size)
{
	uint64_t v = 0xdead;

	assert_int_equal(pg_backend_bar_read(be, bar, off, size, &v), 0);
	return v;
}

static void test_bar_ram(void **state)
{
	struct pg_backend *be = model(dev_a);
	uint64_t v;

	(void)state;
	assert_int_equal(bar_rd(be, 1, 0, 8), 0); /* zero before the first write */
	assert_int_equal(pg_backend_bar_write(be, 1, 0, 8, 0x0102030405060708ull), 0);
	assert_int_equal(bar_rd(be, 1, 0, 1), 0x08);
	assert_int_equal(bar_rd(be, 1, 7, 1), 0x01);
	assert_int_equal(bar_rd(be, 1, 2, 2), 0x0506);
	assert_int_equal(bar_rd(be, 1, 4, 4), 0x01020304);
	assert_int_equal(pg_backend_bar_write(be, 1, 3, 1, 0xee), 0);
	assert_int_equal(bar_rd(be, 1, 0, 4), 0xee060708);
	assert_int_equal(bar_rd(be, 4, 0, 8), 0); /* BARs are independent */

	/* Bounds of a 1 MiB BAR. */
	assert_int_equal(pg_backend_bar_write(be, 1, (1u << 20) - 8, 8, 42), 0);
	assert_int_equal(bar_rd(be, 1, (1u << 20) - 8, 8), 42);
	assert_int_equal(pg_backend_bar_read(be, 1, 1u << 20, 1, &v), -ERANGE);
	assert_int_equal(pg_backend_bar_write(be, 1, 1u << 20, 4, 0), -ERANGE);
	assert_int_equal(pg_backend_bar_read(be, 1, (1u << 20) - 4, 8, &v), -EINVAL);

	/* An 8 GiB BAR: RAM covers the first MiB; beyond reads 0 and drops writes. */
	assert_int_equal(pg_backend_bar_write(be, 2, PG_MODEL_MAX_BAR_RAM - 4, 4, 7), 0);
	assert_int_equal(bar_rd(be, 2, PG_MODEL_MAX_BAR_RAM - 4, 4), 7);
	assert_int_equal(pg_backend_bar_write(be, 2, PG_MODEL_MAX_BAR_RAM, 4, 9), 0);
	assert_int_equal(bar_rd(be, 2, PG_MODEL_MAX_BAR_RAM, 4), 0);
	assert_int_equal(pg_backend_bar_write(be, 2, (8ull << 30) - 8, 8, 9), 0);
	assert_int_equal(bar_rd(be, 2, (8ull << 30) - 8, 8), 0);
	assert_int_equal(pg_backend_bar_read(be, 2, 8ull << 30, 8, &v), -ERANGE);

	/* A 32-byte I/O BAR. */
	assert_int_equal(pg_backend_bar_write(be, 0, 28, 4, 0xa5a5a5a5), 0);
	assert_int_equal(bar_rd(be, 0, 24, 8), 0xa5a5a5a500000000ull);
	assert_int_equal(pg_backend_bar_read(be, 0, 32, 1, &v), -ERANGE);

	/* ROM reads (no image: zero) but refuses writes; absent slots are -ENXIO. */
	assert_int_equal(bar_rd(be, PG_CFG_ROM_BAR, 0, 4), 0);
	assert_int_equal(pg_backend_bar_write(be, PG_CFG_ROM_BAR, 0, 4, 1), -EROFS);
	assert_int_equal(pg_backend_bar_read(be, 3, 0, 4, &v), -ENXIO);
	assert_int_equal(pg_backend_bar_write(be, 5, 0, 4, 0), -ENXIO);
	pg_backend_close(be);
}

/* ---- reset -------------------------------------------------------------------------- */

/* What a reset leaves of device A (PCI 3.0 §6.2, PCIe 4.0 §6.6.2, §7.5.3.4): the dump with
 * every writable header register at its power-on value 0 (read-only bits such as the BAR
 * type and prefetch flags stay), Status error bits clear, and PCIe Device Control at its
 * defaults. The Bus Master bit of the dump must not survive. */
static void power_on_a(uint8_t *want, const uint8_t *dump)
{
	memcpy(want, dump, 256);
	pg_le_store(want + 0x04, 2, 0x0000);      /* Command: no decode, no Bus Master */
	pg_le_store(want + 0x06, 2, 0x0010);      /* Status: RW1C errors clear, CAP_LIST */
	pg_le_store(want + 0x10, 4, 0x00000001);  /* BAR0 I/O: flag kept, address 0 */
	pg_le_store(want + 0x14, 4, 0x00000000);  /* BAR1 mem32 */
	pg_le_store(want + 0x18, 4, 0x0000000c);  /* BAR2 mem64 prefetchable: flags kept */
	pg_le_store(want + 0x1c, 4, 0x00000000);  /* BAR3 upper half */
	pg_le_store(want + 0x20, 4, 0x00000008);  /* BAR4 mem32 prefetchable */
	pg_le_store(want + 0x30, 4, 0x00000000);  /* ROM: address 0, decode off */
	want[0x3c] = 0;                           /* Interrupt Line */
	pg_le_store(want + 0x58, 2, 0x2810);      /* DevCtl: RO, No Snoop, MRRS 512 B */
}

static void test_reset_restores(void **state)
{
	struct pg_backend *be = model(dev_a);
	uint8_t *before = malloc(PG_CFG_EXT_LEN), *after = malloc(PG_CFG_EXT_LEN);
	static const enum pg_reset_method ok[] = { PG_RESET_ANY, PG_RESET_FLR, PG_RESET_PM };

	(void)state;
	assert_non_null(before);
	assert_non_null(after);
	assert_int_equal(pg_backend_snapshot(be, after, NULL), 256);
	power_on_a(before, after);
	for (size_t m = 0; m < sizeof(ok) / sizeof(ok[0]); m++) {
		wr(be, 0x04, 2, 0x0000);
		wr(be, 0x06, 2, 0xffff);
		wr(be, 0x14, 4, 0xffffffffu);
		wr(be, 0x44, 4, 0x3);
		assert_int_equal(pg_backend_bar_write(be, 1, 16, 4, 0x1234), 0);
		/* An unsupported method changes nothing. */
		assert_int_equal(pg_backend_reset(be, PG_RESET_BUS), -EOPNOTSUPP);
		assert_int_equal(rd(be, 0x14, 4), 0xfff00000);
		assert_int_equal(bar_rd(be, 1, 16, 4), 0x1234);

		assert_int_equal(pg_backend_reset(be, ok[m]), 0);
		assert_int_equal(pg_backend_snapshot(be, after, NULL), 256);
		assert_memory_equal(before, after, 256);
		assert_int_equal(rd(be, 0x04, 2) & 0x0004u, 0); /* Bus Master off */
		assert_int_equal(bar_rd(be, 1, 16, 4), 0);
		/* The BARs still size: reset cleared addresses, not the decoders. */
		wr(be, 0x14, 4, 0xffffffffu);
		assert_int_equal(rd(be, 0x14, 4), 0xfff00000);
	}
	{
		/* a list: the first supported method, never one outside it */
		static const enum pg_reset_method bus_pm[] = { PG_RESET_BUS, PG_RESET_PM };
		static const enum pg_reset_method bus[] = { PG_RESET_BUS };
		enum pg_reset_method used = PG_RESET_ANY;

		wr(be, 0x14, 4, 0xffffffffu);
		assert_int_equal(pg_backend_reset_list(be, bus, 1, &used), -EOPNOTSUPP);
		assert_int_equal(rd(be, 0x14, 4), 0xfff00000);
		assert_int_equal(pg_backend_reset_list(be, bus_pm, 2, &used), 0);
		assert_int_equal(used, PG_RESET_PM);
		assert_int_equal(pg_backend_snapshot(be, after, NULL), 256);
		assert_memory_equal(before, after, 256);
	}
	free(before);
	free(after);
	pg_backend_close(be);
}

struct reset_case {
	const char *name;
	void (*caps)(struct cfgbuild *c);
	bool flr, pm;
};

static void caps_none(struct cfgbuild *c) { (void)c; }
static void caps_pcie_noflr(struct cfgbuild *c) { cb_pcie(c, 0x40, 0, 0); }
static void caps_pcie_flr(struct cfgbuild *c)
{
	cb_pcie(c, 0x40, 0, 0);
	cb_w32(c, 0x44, 0x10008fc0);
}
static void caps_af_flr(struct cfgbuild *c)
{
	cb_cap(c, 0x40, PG_CAP_AF, 0);
	cb_w8(c, 0x42, 6);
	cb_w8(c, 0x43, 0x03);
}
static void caps_af_tp_only(struct cfgbuild *c)
{
	cb_cap(c, 0x40, PG_CAP_AF, 0);
	cb_w8(c, 0x42, 6);
	cb_w8(c, 0x43, 0x01);
}
static void caps_pm_nosoftrst(struct cfgbuild *c)
{
	cb_cap(c, 0x40, PG_CAP_PM, 0);
	cb_w16(c, 0x42, 0x0003);
	cb_w16(c, 0x44, 0x0008);
}
static void caps_pm_softrst_and_flr(struct cfgbuild *c)
{
	cb_cap(c, 0x40, PG_CAP_PM, 0x50);
	cb_w16(c, 0x42, 0x0003);
	cb_pcie(c, 0x50, 0, 0);
	cb_w32(c, 0x54, 1u << 28);
}

static const struct reset_case reset_cases[] = {
	{ "no capabilities", caps_none, false, false },
	{ "PCIe without FLR", caps_pcie_noflr, false, false },
	{ "PCIe DevCap FLR", caps_pcie_flr, true, false },
	{ "AF with FLR", caps_af_flr, true, false },
	{ "AF with TP only", caps_af_tp_only, false, false },
	{ "PM with No_Soft_Reset", caps_pm_nosoftrst, false, false },
	{ "PM soft reset and PCIe FLR", caps_pm_softrst_and_flr, true, true },
};

static void test_reset_methods(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(reset_cases) / sizeof(reset_cases[0]); i++) {
		const struct reset_case *c = &reset_cases[i];
		struct pg_dump_dev *d = calloc(1, sizeof(*d));
		struct pg_backend *be = NULL;
		struct cfgbuild cb;
		int flr, pm;

		assert_non_null(d);
		cb_header(&cb, 0x8086, 0x1111, 0x088000, 0, c->caps == caps_none ? 0 : 0x40);
		c->caps(&cb);
		to_dev(d, &cb, 256);
		assert_int_equal(pg_backend_model_new(d, NULL, &be), 0);
		flr = pg_backend_reset(be, PG_RESET_FLR);
		pm = pg_backend_reset(be, PG_RESET_PM);
		if (flr != (c->flr ? 0 : -EOPNOTSUPP) || pm != (c->pm ? 0 : -EOPNOTSUPP))
			fail_msg("%s: FLR %d PM %d", c->name, flr, pm);
		assert_int_equal(pg_backend_reset(be, PG_RESET_ANY), 0);
		assert_int_equal(pg_backend_reset(be, PG_RESET_BUS), -EOPNOTSUPP);
		free(d);
		pg_backend_close(be);
	}
}

/* ---- annotations that do not fit ---------------------------------------------------- */

static void ann_upper_half(struct pg_dump_dev *d) { dev_a(d); set_size(d, 3, 4096); }
static void ann_io_big(struct pg_dump_dev *d) { dev_a(d); set_size(d, 0, 128u << 10); }
static void ann_io_small(struct pg_dump_dev *d) { dev_a(d); set_size(d, 0, 2); }
static void ann_mem32_big(struct pg_dump_dev *d) { dev_a(d); set_size(d, 1, 4ull << 30); }
static void ann_mem_small(struct pg_dump_dev *d) { dev_a(d); set_size(d, 1, 8); }
static void ann_rom_small(struct pg_dump_dev *d) { dev_a(d); set_size(d, 6, 1024); }
static void ann_bridge_bar2(struct pg_dump_dev *d) { dev_b(d); set_size(d, 2, 4096); }
static void ann_cardbus_rom(struct pg_dump_dev *d)
{
	dev_b(d);
	d->cfg[0x0e] = 0x02;
	set_size(d, PG_CFG_ROM_BAR, 64u << 10);
}
static void ann_64_last(struct pg_dump_dev *d)
{
	dev_a(d);
	d->cfg[0x24] = 0x04; /* 64-bit BAR in slot 5: invalid */
	set_size(d, 5, 4096);
}
static void ann_short(struct pg_dump_dev *d) { dev_a(d); d->len = 48; }

struct ann_case {
	const char *name;
	void (*build)(struct pg_dump_dev *);
	const char *word; /* in the error message; NULL: no message (argument error) */
};

static const struct ann_case ann_cases[] = {
	{ "upper half of a 64-bit BAR", ann_upper_half, "upper half" },
	{ "I/O BAR of 128 KiB", ann_io_big, "out of range" },
	{ "I/O BAR of 2 bytes", ann_io_small, "out of range" },
	{ "mem32 BAR of 4 GiB", ann_mem32_big, "out of range" },
	{ "memory BAR of 8 bytes", ann_mem_small, "out of range" },
	{ "ROM of 1 KiB", ann_rom_small, "out of range" },
	{ "bridge BAR2", ann_bridge_bar2, "no such BAR" },
	{ "CardBus ROM", ann_cardbus_rom, "no ROM register" },
	{ "64-bit BAR in the last slot", ann_64_last, "invalid BAR" },
	{ "dump shorter than the header", ann_short, NULL },
};

static void test_annotation_errors(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(ann_cases) / sizeof(ann_cases[0]); i++) {
		const struct ann_case *c = &ann_cases[i];
		struct pg_dump_dev *d = calloc(1, sizeof(*d));
		struct pg_dump_error err = { 0, "" };
		struct pg_backend *be = (void *)0x1;
		int r;

		assert_non_null(d);
		c->build(d);
		assert_int_equal(pg_backend_model_new(d, NULL, &be), -EINVAL);
		r = pg_model_new_err(d, NULL, &be, &err);
		if (r != -EINVAL || (c->word && (err.line != 7 || !strstr(err.msg, c->word))))
			fail_msg("%s: rc %d line %u msg '%s'", c->name, r, err.line, err.msg);
		assert_ptr_equal(be, (void *)0x1);
		free(d);
	}
	assert_int_equal(pg_backend_model_new(NULL, NULL, &(struct pg_backend *){ NULL }),
			 -EINVAL);
}

/* An annotation may turn an all-zero BAR register into a memory BAR. */
static void ann_bar5(struct pg_dump_dev *d) { dev_a(d); set_size(d, 5, 4096); }

static void test_annotation_implements(void **state)
{
	struct pg_backend *be = model(ann_bar5);
	struct pg_bar_info info;

	(void)state;
	assert_int_equal(pg_backend_bar_info(be, 5, &info), 0);
	assert_true(info.present);
	assert_int_equal(info.kind, PG_BAR_MEM32);
	assert_int_equal(info.size, 4096);
	wr(be, 0x24, 4, 0xffffffffu);
	assert_int_equal(rd(be, 0x24, 4), 0xfffff000);
	pg_backend_close(be);
}

/* ---- guessed sizes -------------------------------------------------------------------- */

/* A NIC dumped with its BARs unassigned (they read 0, as on an I210 the firmware skipped):
 * BAR0 registers, BAR3 holding the MSI-X table (16 entries at 0) and PBA (at 0x2000). */
static void dev_unassigned(struct pg_dump_dev *d)
{
	struct cfgbuild c;

	cb_header(&c, 0x8086, 0x1533, 0x020000, 0x00, 0x40);
	cb_w32(&c, 0x18, 0x0000e001);            /* BAR2 I/O at 0xe000, no size given */
	cb_cap(&c, 0x40, PG_CAP_MSIX, 0);
	cb_w16(&c, 0x42, 15);                    /* 16 entries */
	cb_w32(&c, 0x44, 0x00000003);            /* table: BIR 3, offset 0 */
	cb_w32(&c, 0x48, 0x00002003);            /* PBA: BIR 3, offset 0x2000 */
	to_dev(d, &c, 256);
}

static void test_guesses(void **state)
{
	struct pg_backend *be = model(dev_unassigned);
	struct pg_model_guesses g;
	struct pg_bar_info info;
	struct pg_dump_dev *d = calloc(1, sizeof(*d));

	(void)state;
	assert_non_null(d);
	assert_int_equal(pg_backend_model_guesses(be, &g), 0);
	/* BAR3 holds MSI-X, so it exists: a 32-bit memory BAR big enough for the PBA end
	 * (0x2008), rounded to a power of two. BAR2 gets the documented default. */
	assert_int_equal(g.guessed, (1u << 3) | (1u << 2));
	assert_int_equal(g.size[3], 0x4000);
	assert_int_equal(g.size[2], PG_MODEL_MAX_DEFAULT_IO_BAR); /* 0xe000: 8K-aligned, clamped */
	assert_int_equal(g.absent, (1u << 0) | (1u << 1) | (1u << 4) | (1u << 5) |
				   (1u << PG_CFG_ROM_BAR));
	assert_int_equal(pg_backend_bar_info(be, 3, &info), 0);
	assert_true(info.present);
	assert_int_equal(info.kind, PG_BAR_MEM32);
	assert_int_equal(info.size, 0x4000);
	{
		char text[160];

		assert_string_equal(pg_backend_model_guess_text(be, text, sizeof(text)),
				    "guessed bar2=256 bar3=16K; BAR0, BAR1, BAR4, BAR5, ROM read 0, "
				    "taken as not implemented");
		assert_string_equal(pg_backend_model_guess_text(be, text, 8), "guessed");
	}
	pg_backend_close(be);

	/* Sizes in the dump: nothing is guessed, and size 0 says "not implemented". */
	dev_unassigned(d);
	set_size(d, 0, 128u << 10);
	for (unsigned i = 1; i < PG_CFG_NUM_BARS; i++)
		set_size(d, i, i == 2 ? 32 : i == 3 ? 16u << 10 : 0);
	assert_int_equal(pg_backend_model_new(d, NULL, &be), 0);
	assert_int_equal(pg_backend_model_guesses(be, &g), 0);
	assert_int_equal(g.guessed, 0);
	assert_int_equal(g.absent, 0);
	{
		char text[16] = "x";

		assert_string_equal(pg_backend_model_guess_text(be, text, sizeof(text)), "");
	}
	assert_int_equal(pg_backend_bar_info(be, 0, &info), 0);
	assert_true(info.present);
	assert_int_equal(info.size, 128u << 10);
	assert_int_equal(pg_backend_bar_info(be, 4, &info), 0);
	assert_false(info.present);
	pg_backend_close(be);

	/* Size 0 for a BAR whose register is not zero contradicts the dump. */
	dev_unassigned(d);
	set_size(d, 2, 0);
	assert_int_equal(pg_backend_model_new(d, NULL, &be), -EINVAL);
	free(d);
	assert_int_equal(pg_backend_model_guesses(NULL, &g), -EINVAL);
}

/* ---- files -------------------------------------------------------------------------- */

static void test_open_fixture(void **state)
{
	const char *data = getenv("PG_TESTDATA");
	static const uint64_t sizes[PG_CFG_NUM_BARS] = {
		128u << 10, 4u << 20, 32, 16u << 10, 0, 0, 512u << 10,
	};
	struct pg_dump_error err = { 0, "" };
	struct pg_backend *be = NULL;
	char path[4096];

	(void)state;
	assert_non_null(data);
	snprintf(path, sizeof(path), "%s/dump/82576-annotated.txt", data);
	assert_int_equal(pg_backend_model_open(path, &be, &err), 0);
	assert_string_equal(pg_backend_name(be) + strlen(pg_backend_name(be)) - 4, ".txt");
	assert_int_equal(pg_backend_cfg_len(be), 4096);
	for (unsigned i = 0; i < PG_CFG_NUM_BARS; i++) {
		struct pg_bar_info info;

		assert_int_equal(pg_backend_bar_info(be, i, &info), 0);
		assert_int_equal(info.size, sizes[i]);
	}
	wr(be, 0x18, 4, 0xffffffffu); /* BAR2: I/O, 32 bytes */
	assert_int_equal(rd(be, 0x18, 4), 0xffffffe1);
	/* PM with No_Soft_Reset clear and DevCap FLR: both resets work. */
	assert_int_equal(pg_backend_reset(be, PG_RESET_FLR), 0);
	assert_int_equal(pg_backend_reset(be, PG_RESET_PM), 0);
	assert_int_equal(rd(be, 0x18, 4), 0x00000001); /* power-on: I/O flag, address 0 */
	pg_backend_close(be);

	snprintf(path, sizeof(path), "%s/dump/no-such-file.txt", data);
	assert_int_equal(pg_backend_model_open(path, &be, &err), -ENOENT);
	assert_int_equal(pg_backend_model_open(NULL, &be, &err), -EINVAL);
}

static void test_open_bad_annotation(void **state)
{
	char path[] = "/tmp/pg-model-test-XXXXXX";
	static const char text[] =
		"# bridge with a BAR2 annotation\n"
		"00:1c.0 PCI bridge\n"
		"# pcigate: bar2=4K\n"
		"00: 86 80 48 24 00 00 00 00 00 00 04 06 00 00 01 00\n"
		"10: 00 00 00 fc 00 00 00 00 00 01 02 00 11 21 00 fa\n"
		"20: 00 fc 00 fe 01 00 01 00 00 00 00 00 00 00 00 00\n"
		"30: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 04\n";
	struct pg_dump_error err = { 0, "" };
	struct pg_backend *be = NULL;
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, sizeof(text) - 1), (ssize_t)sizeof(text) - 1);
	close(fd);
	assert_int_equal(pg_backend_model_open(path, &be, &err), -EINVAL);
	assert_int_equal(err.line, 2);
	assert_non_null(strstr(err.msg, "bar2"));
	assert_non_null(strstr(err.msg, "no such BAR"));
	assert_null(be);
	unlink(path);
}

/* ---- the corpus --------------------------------------------------------------------- */

/* Offset of BAR i's register (the ROM register for PG_CFG_ROM_BAR), 0 if none. */
static uint16_t bar_reg(const uint8_t *cfg, unsigned i)
{
	unsigned type = cfg[0x0e] & 0x7f;

	if (i == PG_CFG_ROM_BAR)
		return type == 0 ? 0x30 : type == 1 ? 0x38 : 0;
	return (uint16_t)(0x10 + 4 * i);
}

/* Size a BAR through config space the way a PCI core does and compare with bar_info. */
static void check_sizing(struct pg_backend *be, const uint8_t *cfg, unsigned i,
			 const struct pg_bar_info *info, const char *name)
{
	uint16_t reg = bar_reg(cfg, i);
	uint32_t orig = rd(be, reg, 4), lo, hi = 0xffffffffu, fmask;
	uint64_t mask, size;

	wr(be, reg, 4, 0xffffffffu);
	lo = rd(be, reg, 4);
	if (info->kind == PG_BAR_MEM64) {
		wr(be, reg + 4, 4, 0xffffffffu);
		hi = rd(be, reg + 4, 4);
	}
	if (info->kind == PG_BAR_IO)
		mask = lo & ~0x3u;
	else if (info->kind == PG_BAR_ROM)
		mask = lo & 0xfffff800u;
	else
		mask = lo & ~0xfu;
	mask |= (uint64_t)hi << 32;
	size = ~mask + 1;
	/* Flag bits (I/O, memory type, prefetchable) survive; the ROM enable bit is set. */
	fmask = info->kind == PG_BAR_IO ? 0x3 : info->kind == PG_BAR_ROM ? 0 : 0xf;
	if (size != info->size || (lo & fmask) != (orig & fmask) ||
	    (info->kind == PG_BAR_ROM && !(lo & 1)))
		fail_msg("%s BAR%u: sized 0x%llx (reg 0x%08x) want 0x%llx, orig 0x%08x", name, i,
			 (unsigned long long)size, lo, (unsigned long long)info->size, orig);
}

static uint32_t xorshift(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/* A storm of writes leaves no trace after a reset: the result equals the reset state of
 * an untouched model of the same dump, has Command 0 (no Bus Master, no decode) and only
 * zero addresses in its memory BARs. */
static void storm_and_reset(struct pg_backend *be, const struct pg_dump_dev *dev,
			    const char *name)
{
	const uint8_t *dump = dev->cfg;
	uint16_t len = dev->len;
	uint8_t *buf = malloc(PG_CFG_EXT_LEN), *fresh = malloc(PG_CFG_EXT_LEN);
	struct pg_backend *clean = NULL;
	uint32_t seed = 0x12345678u;

	assert_non_null(buf);
	assert_non_null(fresh);
	assert_int_equal(pg_backend_model_new(dev, name, &clean), 0);
	assert_int_equal(pg_backend_reset(clean, PG_RESET_ANY), 0);
	assert_int_equal(pg_backend_snapshot(clean, fresh, NULL), len);
	pg_backend_close(clean);
	for (unsigned n = 0; n < 2000; n++) {
		uint8_t size = (uint8_t)(1u << (xorshift(&seed) % 3));
		uint16_t off = (uint16_t)((xorshift(&seed) % len) & ~(size - 1u));
		uint32_t v = xorshift(&seed) & (size == 4 ? 0xffffffffu : (1u << (8 * size)) - 1);

		if (off + size <= len)
			wr(be, off, size, v);
	}
	/* Identity never changes, whatever was written. */
	assert_int_equal(rd(be, 0, 4), pg_le_load(dump, 4));
	assert_int_equal(rd(be, 8, 4), pg_le_load(dump + 8, 4));
	assert_int_equal(pg_backend_reset(be, PG_RESET_ANY), 0);
	assert_int_equal(pg_backend_snapshot(be, buf, NULL), len);
	if (memcmp(buf, fresh, len))
		fail_msg("%s: the writes survived a reset", name);
	/* Identity survives; Command's RW bits (PCI 3.0 §6.2.2: 0-6, 8-10; bit 7 is
	 * hardwired) are 0 unless nobody answers (an all-ones dump). */
	if (memcmp(buf, dump, 4) || memcmp(buf + 8, dump + 8, 4))
		fail_msg("%s: reset changed the IDs or class", name);
	if (pg_le_load(dump, 2) != 0xffff && (pg_le_load(buf + 4, 2) & 0x077fu) != 0)
		fail_msg("%s: Command 0x%04x after reset, want 0", name,
			 (unsigned)pg_le_load(buf + 4, 2));
	free(buf);
	free(fresh);
}

static void corpus_one(const char *path, const char *name)
{
	struct pg_dump_dev *devs = NULL;
	struct pg_backend *be = NULL;
	uint8_t *snap = malloc(PG_CFG_EXT_LEN);
	size_t n = 0;

	assert_non_null(snap);
	assert_int_equal(pg_dump_read_file(path, &devs, &n, NULL), 0);
	if (pg_backend_model_new(&devs[0], name, &be) != 0)
		fail_msg("%s: model refused", name);
	assert_int_equal(pg_backend_snapshot(be, snap, NULL), devs[0].len);
	assert_memory_equal(snap, devs[0].cfg, devs[0].len);
	for (unsigned i = 0; i < PG_CFG_NUM_BARS; i++) {
		struct pg_bar_info info;

		assert_int_equal(pg_backend_bar_info(be, i, &info), 0);
		if (info.present)
			check_sizing(be, devs[0].cfg, i, &info, name);
	}
	storm_and_reset(be, &devs[0], name);
	pg_backend_close(be);
	free(devs);
	free(snap);
}

static void test_corpus(void **state)
{
	const char *dir = getenv("PG_CORPUS");
	unsigned files = 0;
	struct dirent *e;
	DIR *d;

	(void)state;
	if (!dir || !(d = opendir(dir))) {
		print_message("skip: corpus directory PG_CORPUS unset or missing\n");
		skip();
		return;
	}
	while ((e = readdir(d))) {
		char path[4096];
		size_t l = strlen(e->d_name);

		if (l < 5 || strcmp(e->d_name + l - 4, ".txt"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		corpus_one(path, e->d_name);
		files++;
	}
	closedir(d);
	print_message("modelled %u corpus devices\n", files);
	assert_true(files > 0);
}

/* A dump reading all ones (no device answers): everything read-only, no BARs. */
static void test_all_ones(void **state)
{
	struct pg_dump_dev *d = calloc(1, sizeof(*d));
	struct pg_backend *be = NULL;

	(void)state;
	assert_non_null(d);
	memset(d->cfg, 0xff, 256);
	d->len = 256;
	assert_int_equal(pg_backend_model_new(d, "dead", &be), 0);
	for (uint16_t off = 0; off < 256; off += 4) {
		wr(be, off, 4, 0);
		assert_int_equal(rd(be, off, 4), 0xffffffffu);
	}
	for (unsigned i = 0; i < PG_CFG_NUM_BARS; i++) {
		struct pg_bar_info info;

		assert_int_equal(pg_backend_bar_info(be, i, &info), 0);
		assert_false(info.present);
	}
	assert_int_equal(pg_backend_reset(be, PG_RESET_FLR), -EOPNOTSUPP);
	free(d);
	pg_backend_close(be);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_registers),
		cmocka_unit_test(test_bar_sizing_restore),
		cmocka_unit_test(test_bar_info),
		cmocka_unit_test(test_default_sizes),
		cmocka_unit_test(test_bar_ram),
		cmocka_unit_test(test_reset_restores),
		cmocka_unit_test(test_reset_methods),
		cmocka_unit_test(test_annotation_errors),
		cmocka_unit_test(test_annotation_implements),
		cmocka_unit_test(test_guesses),
		cmocka_unit_test(test_open_fixture),
		cmocka_unit_test(test_open_bad_annotation),
		cmocka_unit_test(test_corpus),
		cmocka_unit_test(test_all_ones),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
