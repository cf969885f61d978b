/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Tests of the vfio backend's host-independent parts (src/lib/backend/vfio.c, vfio-ctl.c):
 * the "vfio:BDF" spec, the reset ladder, the DMA mapping checks, IOMMU group membership
 * and drivers from a fake sysfs tree, the interrupt-remapping decision from fake /proc and
 * module parameters, and the open path's refusals before any VFIO ioctl (no device, no
 * IOMMU group, no /dev/vfio). The VFIO ioctls themselves run on real vfio-pci inside a
 * QEMU guest (tests/vm/vfio-test.py): this host's devices are never touched.
 *
 * Oracles: the rules written in include/pcigate/backend.h (vfio section), which follow
 * linux/vfio.h (type1 MAP_DMA takes page-aligned, non-overlapping ranges inside the IOMMU's
 * IOVA ranges) and the PCI reset methods of the kernel's reset_method attribute.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include <pcigate/backend.h>
#include <pcigate/mediator.h>

#include "backend/backend-private.h"

static char root[64];

/* ---- spec --------------------------------------------------------------------------- */

static void test_spec(void **state)
{
	static const struct {
		const char *in;
		int rc;
		const char *bdf;
	} rows[] = {
		{ "vfio:0000:00:02.0", 0, "0000:00:02.0" },
		{ "vfio:00:1f.7", 0, "0000:00:1f.7" },
		{ "vfio:ABCD:0A:1F.3", 0, "abcd:0a:1f.3" },
		{ "vfio:", -EINVAL, NULL },
		{ "vfio:zz", -EINVAL, NULL },
		{ "vfio:00:20.0", -EINVAL, NULL },   /* device > 0x1f */
		{ "vfio:00:02.8", -EINVAL, NULL },   /* function > 7 */
		{ "vfio:0000:00:02.0 ", -EINVAL, NULL },
		{ "VFIO:00:02.0", -ENOENT, NULL },   /* the prefix is exact */
		{ "00:02.0", -ENOENT, NULL },
		{ "/tmp/dump.txt", -ENOENT, NULL },
		{ "", -ENOENT, NULL },
	};
	char bdf[13];

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		memset(bdf, 'x', sizeof(bdf));
		assert_int_equal(pg_vfio_spec_parse(rows[i].in, bdf), rows[i].rc);
		if (rows[i].bdf)
			assert_string_equal(bdf, rows[i].bdf);
		else
			assert_int_equal(bdf[0], 'x'); /* untouched on failure */
	}
	assert_int_equal(pg_vfio_spec_parse(NULL, bdf), -EINVAL);
	assert_int_equal(pg_vfio_spec_parse("vfio:00:02.0", NULL), -EINVAL);
}

/* ---- reset ladder ------------------------------------------------------------------- */

static void test_reset_plan(void **state)
{
	enum { NO = -EOPNOTSUPP, DEV = PG_VFIO_DEVICE_RESET, HOT = PG_VFIO_HOT_RESET };
#define A PG_RESET_ANY
#define F PG_RESET_FLR
#define P PG_RESET_PM
#define B PG_RESET_BUS
	static const struct {
		enum pg_reset_method m[3];
		unsigned n;
		bool dev, hot, reorder;
		const char *rm;          /* the kernel's reset_method */
		int want;                /* NO, DEV or HOT */
		const char *order;       /* reset_method for the reset ("" leave it) */
		enum pg_reset_method first;
	} rows[] = {
		/* ANY: the kernel's own choice, else a hot reset of our group only */
		{ { A }, 1, true, false, true, "flr", DEV, "", A },
		{ { A }, 1, true, true, false, "pm bus", DEV, "", A },
		{ { A }, 1, false, true, true, "", HOT, "", A },
		{ { A }, 1, false, false, true, "", NO, "", A },            /* edu: nothing */
		/* named methods narrow the kernel's list to the allowed ones, in order */
		{ { F }, 1, true, false, true, "flr", DEV, "flr", F },
		{ { F }, 1, true, false, false, "flr", DEV, "flr", F },     /* already exact */
		{ { F }, 1, true, false, true, "flr pm bus", DEV, "flr", F },
		{ { F }, 1, true, false, false, "flr pm bus", NO, "", A },  /* cannot narrow */
		{ { P, F }, 2, true, false, true, "flr pm", DEV, "pm flr", P },
		{ { F, P }, 2, true, false, true, "pm", DEV, "pm", P },     /* FLR not offered */
		{ { F }, 1, true, false, true, "pm bus", NO, "", A },       /* excluded stay out */
		{ { F }, 1, false, true, true, "flr", NO, "", A },          /* no DEVICE_RESET */
		{ { F }, 1, true, false, true, "flrx", NO, "", A },         /* whole words only */
		{ { F }, 1, true, false, true, "af_flr", DEV, "af_flr", F }, /* AF FLR is FLR */
		/* BUS: the kernel's bus method when offered, else a hot reset */
		{ { B }, 1, true, false, true, "flr bus", DEV, "bus", B },
		{ { B }, 1, true, true, true, "flr", HOT, "", B },
		{ { F, B }, 2, true, true, true, "pm", HOT, "", B },
		{ { B }, 1, true, false, true, "flr", NO, "", A },          /* other groups */
		{ { P }, 1, true, true, true, "flr", NO, "", A },           /* BUS not allowed */
	};

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		enum pg_vfio_reset_how how = 0;
		enum pg_reset_method first = (enum pg_reset_method)7;
		char order[64] = "junk";
		int r = pg_vfio_reset_plan(rows[i].m, rows[i].n, rows[i].dev, rows[i].hot,
					   rows[i].reorder, rows[i].rm, order, sizeof(order), &how,
					   &first);

		if (rows[i].want == NO) {
			assert_int_equal(r, -EOPNOTSUPP);
			continue;
		}
		assert_int_equal(r, 0);
		assert_int_equal(how, rows[i].want);
		assert_string_equal(order, rows[i].order);
		assert_int_equal(first, rows[i].first);
	}
	{
		const enum pg_reset_method bad[1] = { (enum pg_reset_method)9 };
		enum pg_vfio_reset_how how;
		enum pg_reset_method first;
		char order[64];

		assert_int_equal(pg_vfio_reset_plan(bad, 1, true, true, true, "flr", order,
						    sizeof(order), &how, &first), -EINVAL);
	}
#undef A
#undef F
#undef P
#undef B
}

/* ---- DMA checks --------------------------------------------------------------------- */

/* A type1 IOMMU as the Intel VT-d one reports it: 4 KiB pages, the MSI window
 * 0xfee00000-0xfeefffff left out of the IOVA ranges; no mapping yet. */
static void fake_iommu(struct pg_vfio_dev *d)
{
	memset(d, 0, sizeof(*d));
	d->pgsize = 4096;
	d->ranges[0] = (struct pg_vfio_range){ 0, 0xfedfffff };
	d->ranges[1] = (struct pg_vfio_range){ 0xfef00000, 0x000fffffffffffffull };
	d->nranges = 2;
}

static void test_dma_check(void **state)
{
	struct pg_vfio_dev d;
	static const struct {
		uint64_t iova, vaddr, size;
		int rc;
	} rows[] = {
		{ 0x100000, 0x7f0000000000, 0x10000, 0 },
		{ 0x0, 0x7f0000000000, 0x1000, 0 },                 /* first page of range 0 */
		{ 0x100000, 0x7f0000000000, 0, -EINVAL },           /* empty */
		{ 0x100800, 0x7f0000000000, 0x1000, -EINVAL },      /* iova not page aligned */
		{ 0x100000, 0x7f0000000800, 0x1000, -EINVAL },      /* vaddr not aligned */
		{ 0x100000, 0x7f0000000000, 0x1800, -EINVAL },      /* size not aligned */
		{ UINT64_MAX - 0xfff, 0x7f0000000000, 0x2000, -EINVAL }, /* wraps */
		{ 0xfee00000, 0x7f0000000000, 0x1000, -ERANGE },    /* the MSI window hole */
		{ 0xfed00000, 0x7f0000000000, 0x200000, -ERANGE },  /* runs into the hole */
		{ 0x100000000, 0x7f0000000000, 0x1000, 0 },         /* range 1 */
		{ 0x200000, 0x7f0000000000, 0x1000, -EEXIST },      /* inside a mapping */
		{ 0x1ff000, 0x7f0000000000, 0x2000, -EEXIST },      /* straddles its start */
		{ 0x20f000, 0x7f0000000000, 0x1000, -EEXIST },      /* its last page */
		{ 0x210000, 0x7f0000000000, 0x1000, 0 },            /* right after it */
		{ 0x1ff000, 0x7f0000000000, 0x1000, 0 },            /* right before it */
	};

	(void)state;
	fake_iommu(&d);
	d.dma[0] = (struct pg_vfio_dma){ 0x200000, 0x10000, 0x7f0000100000, 0 };
	d.ndma = 1;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		assert_int_equal(pg_vfio_dma_check(&d, rows[i].iova, rows[i].vaddr, rows[i].size),
				 rows[i].rc);
	/* No ranges reported: any IOVA, still aligned and non-overlapping. */
	d.nranges = 0;
	assert_int_equal(pg_vfio_dma_check(&d, 0xfee00000, 0x7f0000000000, 0x1000), 0);
	/* A full table refuses more. */
	d.ndma = PG_VFIO_MAX_DMA;
	for (unsigned i = 0; i < PG_VFIO_MAX_DMA; i++)
		d.dma[i] = (struct pg_vfio_dma){ 0x1000000ull * (i + 1), 0x1000, 0, 0 };
	assert_int_equal(pg_vfio_dma_check(&d, 0x100000, 0x7f0000000000, 0x1000), -ENOSPC);
	/* A larger IOMMU page raises the alignment. */
	d.ndma = 0;
	d.pgsize = 0x200000;
	assert_int_equal(pg_vfio_dma_check(&d, 0x100000, 0x7f0000000000, 0x200000), -EINVAL);
	assert_int_equal(pg_vfio_dma_check(&d, 0x200000, 0x7f0000000000, 0x200000), 0);
}

/*
 * The bookkeeping of a SYNC_SYSMEM table (pg_vfio_dma_plan()): with current mappings
 *   0: iova 0       size 0xa0000    vaddr A  token 1   (low RAM)
 *   1: iova 0x100000 size 0x1f00000 vaddr B token 2   (RAM above 1 MiB)
 *   2: iova 0xc0000 size 0x20000    vaddr C  token 3   (a ROM shadow)
 * an entry equal in iova, size, vaddr and non-zero token stays mapped; anything else
 * (a moved, resized or remapped region, another token, token 0) is mapped anew and the
 * mapping it replaces removed; a refused table (overlap, misalignment, range, too many)
 * is refused whole.
 */
#define VA(x) ((void *)(uintptr_t)(x))
static const struct plan_case {
	const char *name;
	struct pg_vfio_dma_region r[4];
	unsigned n;
	int rc;
	uint64_t keep, map;
} plan_cases[] = {
	{ "same table", { { 0, VA(0x7f0000000000), 0xa0000, 1 },
			  { 0x100000, VA(0x7f0000200000), 0x1f00000, 2 },
			  { 0xc0000, VA(0x7f0010000000), 0x20000, 3 } }, 3, 0, 0x7, 0x0 },
	{ "same, reordered", { { 0xc0000, VA(0x7f0010000000), 0x20000, 3 },
			       { 0, VA(0x7f0000000000), 0xa0000, 1 } }, 2, 0, 0x5, 0x0 },
	{ "ROM shadow removed", { { 0, VA(0x7f0000000000), 0xa0000, 1 },
				  { 0x100000, VA(0x7f0000200000), 0x1f00000, 2 } }, 2, 0, 0x3, 0x0 },
	{ "RAM grown", { { 0, VA(0x7f0000000000), 0xa0000, 1 },
			 { 0x100000, VA(0x7f0000200000), 0x3f00000, 2 } }, 2, 0, 0x1, 0x2 },
	{ "same address, other memory", { { 0, VA(0x7f0000000000), 0xa0000, 9 } }, 1, 0, 0x0,
	  0x1 },
	{ "moved vaddr", { { 0, VA(0x7f0020000000), 0xa0000, 1 } }, 1, 0, 0x0, 0x1 },
	{ "no token: always remapped", { { 0, VA(0x7f0000000000), 0xa0000, 0 } }, 1, 0, 0x0,
	  0x1 },
	{ "new region added", { { 0, VA(0x7f0000000000), 0xa0000, 1 },
				{ 0x100000000, VA(0x7f0040000000), 0x100000, 4 } }, 2, 0, 0x1, 0x2 },
	{ "duplicate entry: overlap", { { 0, VA(0x7f0000000000), 0xa0000, 1 },
					 { 0, VA(0x7f0000000000), 0xa0000, 1 } }, 2, -EEXIST, 0, 0 },
	{ "overlap in the new table", { { 0, VA(0x7f0000000000), 0xa0000, 1 },
					{ 0x9f000, VA(0x7f0050000000), 0x2000, 5 } }, 2, -EEXIST,
	  0, 0 },
	{ "misaligned", { { 0x800, VA(0x7f0000000000), 0x1000, 6 } }, 1, -EINVAL, 0, 0 },
	{ "empty entry", { { 0x1000, VA(0x7f0000000000), 0, 6 } }, 1, -EINVAL, 0, 0 },
	{ "in the MSI hole", { { 0xfee00000, VA(0x7f0000000000), 0x1000, 6 } }, 1, -ERANGE,
	  0, 0 },
	{ "empty table", { { 0, NULL, 0, 0 } }, 0, 0, 0x0, 0x0 },
};

static void test_dma_plan(void **state)
{
	struct pg_vfio_dev d;
	struct pg_vfio_dma_region many[PG_VFIO_MAX_DMA + 1];
	uint64_t keep, map;

	(void)state;
	fake_iommu(&d);
	d.dma[0] = (struct pg_vfio_dma){ 0, 0xa0000, 0x7f0000000000, 1 };
	d.dma[1] = (struct pg_vfio_dma){ 0x100000, 0x1f00000, 0x7f0000200000, 2 };
	d.dma[2] = (struct pg_vfio_dma){ 0xc0000, 0x20000, 0x7f0010000000, 3 };
	d.ndma = 3;
	for (size_t i = 0; i < sizeof(plan_cases) / sizeof(plan_cases[0]); i++) {
		const struct plan_case *c = &plan_cases[i];

		keep = map = 0xdead;
		print_message("case: %s\n", c->name);
		assert_int_equal(pg_vfio_dma_plan(&d, c->r, c->n, &keep, &map), c->rc);
		if (c->rc == 0) {
			assert_int_equal(keep, c->keep);
			assert_int_equal(map, c->map);
		} else {
			assert_int_equal(keep, 0xdead); /* nothing decided for a refused table */
		}
	}
	/* at most PG_VFIO_MAX_DMA entries; NULL with entries */
	for (unsigned i = 0; i <= PG_VFIO_MAX_DMA; i++)
		many[i] = (struct pg_vfio_dma_region){ 0x1000000ull * (i + 1),
						       VA(0x7f0000000000), 0x1000, 0 };
	assert_int_equal(pg_vfio_dma_plan(&d, many, PG_VFIO_MAX_DMA + 1, &keep, &map), -ENOSPC);
	assert_int_equal(pg_vfio_dma_plan(&d, many, PG_VFIO_MAX_DMA, &keep, &map), 0);
	assert_int_equal(map, UINT64_MAX);
	assert_int_equal(pg_vfio_dma_plan(&d, NULL, 1, &keep, &map), -EINVAL);
	/* not a vfio backend */
	assert_int_equal(pg_vfio_dma_sync(NULL, NULL, 0, NULL, NULL), -EINVAL);
}

/* ---- fake sysfs: groups, drivers, IR ------------------------------------------------ */

static void mkdirs(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void mkdirs(const char *fmt, ...)
{
	char path[PATH_MAX], cmd[PATH_MAX + 16];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	snprintf(cmd, sizeof(cmd), "mkdir -p '%s'", path);
	assert_int_equal(system(cmd), 0);
}

static void link_to(const char *target, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void link_to(const char *target, const char *fmt, ...)
{
	char path[PATH_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	assert_int_equal(symlink(target, path), 0);
}

static void write_text(const char *text, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void write_text(const char *text, const char *fmt, ...)
{
	char path[PATH_MAX];
	va_list ap;
	FILE *f;

	va_start(ap, fmt);
	vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* Group 6: 1f.0 (no driver), 1f.2 (vfio-pci), 1f.3 (i801_smbus); 02.0 has no group. */
static void add_dev(const char *bdf, int group, const char *driver)
{
	char target[64];

	mkdirs("%s/bus/pci/devices/%s", root, bdf);
	if (group >= 0) {
		snprintf(target, sizeof(target), "../../../../kernel/iommu_groups/%d", group);
		link_to(target, "%s/bus/pci/devices/%s/iommu_group", root, bdf);
		mkdirs("%s/kernel/iommu_groups/%d/devices", root, group);
		link_to("../../../../bus/pci/devices/x", "%s/kernel/iommu_groups/%d/devices/%s", root,
			group, bdf);
	}
	if (driver) {
		snprintf(target, sizeof(target), "../../../bus/pci/drivers/%s", driver);
		link_to(target, "%s/bus/pci/devices/%s/driver", root, bdf);
	}
}

/* A config file with class code and header type (the first 16 bytes are enough). */
static void add_config(const char *bdf, unsigned cls, unsigned hdr)
{
	char path[PATH_MAX];
	uint8_t b[64] = { 0x86, 0x80, 0x34, 0x12 };
	FILE *f;

	b[0x09] = (uint8_t)cls;
	b[0x0a] = (uint8_t)(cls >> 8);
	b[0x0b] = (uint8_t)(cls >> 16);
	b[0x0e] = (uint8_t)hdr;
	snprintf(path, sizeof(path), "%s/bus/pci/devices/%s/config", root, bdf);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(b, 1, sizeof(b), f), sizeof(b));
	fclose(f);
}

static int setup_tree(void **state)
{
	(void)state;
	snprintf(root, sizeof(root), "/tmp/pg-vfio-XXXXXX");
	assert_non_null(mkdtemp(root));
	add_dev("0000:00:1f.0", 6, NULL);
	add_dev("0000:00:1f.2", 6, "vfio-pci");
	add_dev("0000:00:1f.3", 6, "i801_smbus");
	add_dev("0000:00:04.0", 3, "vfio-pci");
	add_dev("0000:00:02.0", -1, NULL);
	add_dev("0000:00:00.0", 0, NULL);              /* host bridge */
	add_dev("0000:00:1c.0", 7, "pcieport");        /* root port */
	add_dev("0000:00:1d.0", 8, NULL);              /* bridge class, header 0 */
	add_dev("0000:00:05.0", 9, NULL);              /* assignable, vfio-pci not loaded */
	add_dev("0000:00:06.0", 10, "e1000e");         /* assignable, group alone */
	add_config("0000:00:1f.0", 0x060100, 0);
	add_config("0000:00:1f.2", 0x010601, 0);
	add_config("0000:00:1f.3", 0x0c0500, 0);
	add_config("0000:00:04.0", 0x010802, 0);
	add_config("0000:00:00.0", 0x060000, 0);
	add_config("0000:00:1c.0", 0x060400, 1);
	add_config("0000:00:1d.0", 0x068000, 0);
	add_config("0000:00:05.0", 0x0c0330, 0);
	add_config("0000:00:06.0", 0x020000, 0);
	add_config("0000:00:02.0", 0x00ff00, 0);
	mkdirs("%s/module/vfio_iommu_type1/parameters", root);
	mkdirs("%s/proc-ir", root);
	mkdirs("%s/proc-noir", root);
	write_text("  0:   42  IR-IO-APIC    2-edge      timer\n 24:  7  IR-PCI-MSI 65536-edge "
		   "nvme0q0\n", "%s/proc-ir/interrupts", root);
	write_text("  0:   42   IO-APIC    2-edge      timer\n", "%s/proc-noir/interrupts", root);
	return 0;
}

static int teardown_tree(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	return system(cmd) == 0 ? 0 : -1;
}

static void test_group_members(void **state)
{
	char members[512], drv[64];
	int group = -1;

	(void)state;
	assert_int_equal(pg_iommu_group(root, "00:1f.2", &group, members, sizeof(members)), 0);
	assert_int_equal(group, 6);
	assert_string_equal(members, "0000:00:1f.0 (no driver), 0000:00:1f.3 (i801_smbus)");
	assert_int_equal(pg_iommu_group(root, "0000:00:04.0", &group, members, sizeof(members)),
			 0);
	assert_int_equal(group, 3);
	assert_string_equal(members, "no other member is listed");
	/* Truncation never overflows. */
	assert_int_equal(pg_iommu_group(root, "00:1f.0", &group, members, 20), 0);
	assert_true(strlen(members) < 20);
	assert_int_equal(pg_iommu_group(root, "0000:00:02.0", &group, members, sizeof(members)),
			 -ENODEV);
	assert_int_equal(pg_iommu_group(root, "00:1f.9", &group, members, sizeof(members)),
			 -EINVAL);
	assert_int_equal(pg_pci_driver(root, "00:1f.3", drv), 0);
	assert_string_equal(drv, "i801_smbus");
	assert_int_equal(pg_pci_driver(root, "00:1f.0", drv), 0);
	assert_string_equal(drv, "");
	assert_int_equal(pg_pci_driver(root, "00:1e.0", drv), -ENODEV);
	assert_int_equal(pg_pci_driver(root, "junk", drv), -EINVAL);
	{
		char list[4][13];
		size_t n = 99;

		/* every member, itself included, sorted */
		assert_int_equal(pg_iommu_group_list(root, "00:1f.2", &group, list, 4, &n), 0);
		assert_int_equal(group, 6);
		assert_int_equal(n, 3);
		assert_string_equal(list[0], "0000:00:1f.0");
		assert_string_equal(list[1], "0000:00:1f.2");
		assert_string_equal(list[2], "0000:00:1f.3");
		assert_int_equal(pg_iommu_group_list(root, "00:1f.2", &group, list, 2, &n), -E2BIG);
		assert_int_equal(pg_iommu_group_list(root, "0000:00:02.0", &group, list, 4, &n),
				 -ENODEV);
		assert_int_equal(pg_iommu_group_list(root, "zz", &group, list, 4, &n), -EINVAL);
		assert_int_equal(pg_iommu_group_list(root, "00:1f.2", &group, NULL, 4, &n),
				 -EINVAL);
	}
}

static void test_irq_remap(void **state)
{
	char proc[128];
	const char *why = NULL;

	(void)state;
	snprintf(proc, sizeof(proc), "%s/proc-ir", root);
	assert_int_equal(pg_topo_irq_remap(root, proc, &why), PG_TOPO_IR_ON);
	assert_non_null(strstr(why, "IR-"));
	snprintf(proc, sizeof(proc), "%s/proc-noir", root);
	write_text("N\n", "%s/module/vfio_iommu_type1/parameters/allow_unsafe_interrupts", root);
	assert_false(pg_topo_unsafe_interrupts(root));
	assert_int_equal(pg_topo_irq_remap(root, proc, &why), PG_TOPO_IR_OFF);
	assert_null(strstr(why, "allow_unsafe"));
	write_text("Y\n", "%s/module/vfio_iommu_type1/parameters/allow_unsafe_interrupts", root);
	assert_true(pg_topo_unsafe_interrupts(root));
	assert_int_equal(pg_topo_irq_remap(root, proc, &why), PG_TOPO_IR_OFF);
	assert_non_null(strstr(why, "allow_unsafe_interrupts"));
	/* no /proc/interrupts: unknown, not "off" */
	snprintf(proc, sizeof(proc), "%s/no-such-proc", root);
	assert_int_equal(pg_topo_irq_remap(root, proc, &why), PG_TOPO_IR_UNKNOWN);
	assert_non_null(strstr(why, "could not be read"));
	assert_int_equal(pg_topo_irq_remap(root, proc, NULL), PG_TOPO_IR_UNKNOWN);
	assert_string_equal(pg_topo_irq_remap_name(PG_TOPO_IR_ON), "on");
	assert_string_equal(pg_topo_irq_remap_name(PG_TOPO_IR_OFF), "off");
	assert_string_equal(pg_topo_irq_remap_name(PG_TOPO_IR_UNKNOWN), "unknown");
}

/* ---- open refusals before any ioctl ------------------------------------------------- */

static void test_open_refusals(void **state)
{
	struct pg_vfio_config vc = { .sysfs_root = root };
	struct pg_vfio_error err;
	struct pg_backend *be = (struct pg_backend *)&vc; /* must stay untouched */
	char devroot[128];

	(void)state;
	assert_int_equal(pg_backend_vfio_open("zz", &vc, &be, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "'zz' is not a PCI address"));
	assert_int_equal(pg_backend_vfio_open("00:1e.0", &vc, &be, &err), -ENODEV);
	assert_non_null(strstr(err.msg, "no such PCI device"));
	assert_int_equal(pg_backend_vfio_open("00:02.0", &vc, &be, &err), -ENODEV);
	assert_non_null(strstr(err.msg, "no IOMMU group"));
	snprintf(devroot, sizeof(devroot), "%s/dev-vfio", root); /* no container node */
	vc.dev_root = devroot;
	assert_int_equal(pg_backend_vfio_open("00:04.0", &vc, &be, &err), -ENODEV);
	assert_non_null(strstr(err.msg, "vfio module loaded"));
	assert_ptr_equal(be, (struct pg_backend *)&vc);
	assert_int_equal(pg_backend_vfio_open(NULL, &vc, &be, NULL), -EINVAL);
}

/* assign/release refuse before writing anything; the fake tree has no kernel behind its
 * files, so only refusals and the already-assigned case can succeed here (binding itself
 * runs in the VM scenario). */
static void test_assign_refusals(void **state)
{
	static const struct {
		const char *bdf;
		int rc;
		const char *text;
	} rows[] = {
		{ "zz", -EINVAL, "not a PCI address" },
		{ "00:1e.0", -ENODEV, "no such PCI device" },
		{ "00:00.0", -EPERM, "host bridge" },
		{ "00:1c.0", -EPERM, "bridge (class 060400, header type 1)" },
		{ "00:1d.0", -EPERM, "bridge (class 068000" },
		{ "00:1f.0", -EPERM, "bridge (class 060100" },      /* ISA bridge */
		{ "00:1f.2", -EBUSY, "0000:00:1f.3 (i801_smbus) must be released" },
		{ "00:02.0", -ENODEV, "no IOMMU group" },
		{ "00:05.0", -ENOENT, "vfio-pci is not loaded" },
		{ "00:04.0", 0, "" },                               /* already vfio-pci */
	};
	struct pg_vfio_error err;
	char path[PATH_MAX];
	struct stat st;

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		assert_int_equal(pg_vfio_assign(root, rows[i].bdf, &err), rows[i].rc);
		if (!strstr(err.msg, rows[i].text))
			fail_msg("%s: %s", rows[i].bdf, err.msg);
	}
	/* nothing was written: no driver_override appeared anywhere */
	snprintf(path, sizeof(path), "%s/bus/pci/devices/0000:00:1f.2/driver_override", root);
	assert_int_equal(stat(path, &st), -1);
	snprintf(path, sizeof(path), "%s/bus/pci/devices/0000:00:05.0/driver_override", root);
	assert_int_equal(stat(path, &st), -1);
	assert_int_equal(pg_vfio_release(root, "00:06.0", &err), -EBUSY);
	assert_non_null(strstr(err.msg, "bound to e1000e, not vfio-pci"));
	assert_int_equal(pg_vfio_release(root, "00:1e.0", &err), -ENODEV);
	assert_int_equal(pg_vfio_release(root, "0000:00:20.0", &err), -EINVAL);
}

/* Every vfio call refuses a backend that is not vfio (here a model) with -EINVAL. */
static void test_not_vfio(void **state)
{
	static const uint8_t cfg[64] = { 0x34, 0x12, 0xe8, 0x11 };
	struct pg_dump_dev dev;
	struct pg_backend *be = NULL;
	struct pg_vfio_info vi;
	struct pg_irq_effect e;
	const char *why = NULL;
	int fd = -1;

	(void)state;
	memset(&dev, 0, sizeof(dev));
	memcpy(dev.cfg, cfg, sizeof(cfg));
	dev.len = 64;
	assert_int_equal(pg_backend_model_new(&dev, "m", &be), 0);
	memset(&e, 0, sizeof(e));
	assert_false(pg_backend_is_vfio(be));
	assert_int_equal(pg_vfio_info(be, &vi), -EINVAL);
	assert_int_equal(pg_vfio_irq_set(be, PG_VFIO_IRQ_MSI, 0, 1, &fd), -EINVAL);
	assert_int_equal(pg_vfio_irq_unmask(be), -EINVAL);
	assert_int_equal(pg_vfio_irq_effect(be, NULL, &e, NULL, 0), -EINVAL);
	assert_int_equal(pg_vfio_dma_map(be, 0, &vi, 4096, 0), -EINVAL);
	assert_int_equal(pg_vfio_dma_unmap(be, 0, 4096), -EINVAL);
	assert_int_equal(pg_vfio_quiesce(be), -EINVAL);
	assert_int_equal(pg_vfio_request_fd(be), -EINVAL);
	{
		const enum pg_reset_method flr = PG_RESET_FLR;

		assert_int_equal(pg_vfio_set_quiesce_resets(be, &flr, 1), -EINVAL);
	}
	pg_vfio_dma_unmap_all(be); /* no effect, no crash */
	assert_false(pg_vfio_msix_direct_map(be, NULL, &why));
	assert_string_equal(why, "not a vfio device");
	pg_backend_close(be);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spec),
		cmocka_unit_test(test_reset_plan),
		cmocka_unit_test(test_dma_check),
		cmocka_unit_test(test_dma_plan),
		cmocka_unit_test(test_group_members),
		cmocka_unit_test(test_irq_remap),
		cmocka_unit_test(test_open_refusals),
		cmocka_unit_test(test_not_vfio),
		cmocka_unit_test(test_assign_refusals),
	};

	return cmocka_run_group_tests(tests, setup_tree, teardown_tree);
}
