/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Test helpers for the mediator: a recording backend over a byte array (hardware that
 * honours per-bit read-only and RW1C masks, logs every write, and can be told to fail),
 * a synthetic device with every capability the mediator handles, and an audit/effect
 * recorder. Every helper is static so each test binary carries its own copy.
 */
#ifndef PG_TEST_MEDTEST_H
#define PG_TEST_MEDTEST_H

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <pcigate/pcigate.h>

#include "cfgbuild.h"

#define MT_MAX_LOG 512

struct mt_write {
	uint16_t off;
	uint8_t size;
	uint32_t val;
};

struct mt_bar_write {
	unsigned bar;
	uint64_t off;
	uint8_t size;
	uint64_t val;
};

struct fake {
	uint8_t cfg[PG_CFG_EXT_LEN];
	uint8_t ro[PG_CFG_EXT_LEN];   /* bits the "hardware" never changes */
	uint8_t w1c[PG_CFG_EXT_LEN];  /* bits that are write-one-to-clear */
	uint16_t cfg_len;
	struct pg_bar_info bars[PG_CFG_NUM_BARS];
	struct mt_write writes[MT_MAX_LOG];
	unsigned nwrites;
	unsigned nreads;
	struct mt_bar_write bar_writes[MT_MAX_LOG];
	unsigned nbar_writes;
	unsigned nbar_reads;
	uint64_t bar_val;             /* what every BAR read returns */
	unsigned resets;
	unsigned reset_calls;         /* backend reset requests, successful or not */
	enum pg_reset_method last_reset;
	uint8_t reset_ok;             /* bit m: method m works */
	int fail_write;               /* non-zero: cfg_write returns it */
};

static int fake_cfg_read(struct pg_backend *be, uint16_t off, uint8_t size, uint32_t *val)
{
	struct fake *f = pg_backend_priv(be);
	uint32_t v = 0;

	for (unsigned i = 0; i < size; i++)
		v |= (uint32_t)f->cfg[off + i] << (8 * i);
	f->nreads++;
	*val = v;
	return 0;
}

static int fake_cfg_write(struct pg_backend *be, uint16_t off, uint8_t size, uint32_t val)
{
	struct fake *f = pg_backend_priv(be);

	if (f->fail_write)
		return f->fail_write;
	if (f->nwrites < MT_MAX_LOG)
		f->writes[f->nwrites++] = (struct mt_write){ off, size, val };
	for (unsigned i = 0; i < size; i++) {
		uint8_t b = (uint8_t)(val >> (8 * i)), keep = f->ro[off + i] | f->w1c[off + i];
		uint8_t nb = (uint8_t)((f->cfg[off + i] & keep) | (b & ~keep));

		f->cfg[off + i] = (uint8_t)(nb & ~(b & f->w1c[off + i]));
	}
	return 0;
}

static int fake_bar_info(struct pg_backend *be, unsigned bar, struct pg_bar_info *info)
{
	struct fake *f = pg_backend_priv(be);

	*info = f->bars[bar];
	return 0;
}

static int fake_bar_read(struct pg_backend *be, unsigned bar, uint64_t off, uint8_t size,
			 uint64_t *val)
{
	struct fake *f = pg_backend_priv(be);

	(void)bar;
	(void)off;
	f->nbar_reads++;
	*val = size == 8 ? f->bar_val : f->bar_val & ((1ull << (8 * size)) - 1);
	return 0;
}

static int fake_bar_write(struct pg_backend *be, unsigned bar, uint64_t off, uint8_t size,
			  uint64_t val)
{
	struct fake *f = pg_backend_priv(be);

	if (f->nbar_writes < MT_MAX_LOG)
		f->bar_writes[f->nbar_writes++] = (struct mt_bar_write){ bar, off, size, val };
	return 0;
}

/* Resets with the first listed method in reset_ok (ANY always works), like a backend. */
static int fake_reset(struct pg_backend *be, const enum pg_reset_method *methods, unsigned n,
		      enum pg_reset_method *used)
{
	struct fake *f = pg_backend_priv(be);

	f->reset_calls++;
	for (unsigned i = 0; i < n; i++) {
		enum pg_reset_method m = methods[i];

		if (m != PG_RESET_ANY && !(f->reset_ok & (1u << m)))
			continue;
		f->resets++;
		f->last_reset = m;
		*used = m;
		return 0;
	}
	return -EOPNOTSUPP;
}

static const struct pg_backend_ops fake_ops = {
	.kind = "fake",
	.cfg_read = fake_cfg_read,
	.cfg_write = fake_cfg_write,
	.bar_info = fake_bar_info,
	.bar_read = fake_bar_read,
	.bar_write = fake_bar_write,
	.reset = fake_reset,
	.destroy = NULL,
};

/* ---- the standard test device ---------------------------------------------------------- */

/* Offsets of the capabilities of mt_device(). */
#define MT_PM 0x40u
#define MT_MSI 0x50u
#define MT_MSIX 0x70u
#define MT_PCIE 0x80u
#define MT_VNDR 0xc0u
#define MT_AF 0xd0u
#define MT_AER 0x100u
#define MT_DSN 0x140u
#define MT_LTR 0x150u
#define MT_TABLE 0x2000u
#define MT_PBA 0x3000u
#define MT_NVEC 16u

static void fake_set_ro(struct fake *f, unsigned off, unsigned size, uint32_t mask)
{
	for (unsigned i = 0; i < size; i++)
		f->ro[off + i] = (uint8_t)(mask >> (8 * i));
}

/*
 * An Intel-like NIC: BAR0 64-bit 16 KiB (MSI-X table at 0x2000, PBA at 0x3000), BAR2 32-bit
 * 4 KiB, BAR4 I/O 32 bytes, ROM 64 KiB; PM (D1/D2, no NoSoftRst), MSI 64-bit maskable with
 * 8 vectors, MSI-X 16 entries, PCIe v2 endpoint with FLR, a vendor capability, AF with FLR;
 * extended AER at 0x100, DSN, LTR.
 */
static void mt_device(struct fake *f)
{
	struct cfgbuild c;

	memset(f, 0, sizeof(*f));
	cb_header(&c, 0x8086, 0x10d3, 0x020000, 0x80, MT_PM);
	cb_w16(&c, 0x04, 0x0406);                 /* MEM, MASTER, INTx Disable */
	cb_w16(&c, 0x06, 0x4210);                 /* SERR signalled, DEVSEL medium, CAP_LIST */
	cb_w8(&c, 0x08, 0x03);
	cb_w8(&c, 0x0c, 0x10);
	cb_w32(&c, 0x10, 0xfe000004);             /* BAR0 mem64 */
	cb_w32(&c, 0x14, 0x00000001);
	cb_w32(&c, 0x18, 0xfd000000);             /* BAR2 mem32 */
	cb_w32(&c, 0x20, 0x0000e001);             /* BAR4 io */
	cb_w16(&c, 0x2c, 0x8086);
	cb_w16(&c, 0x2e, 0xa01f);
	cb_w32(&c, 0x30, 0xfc000000);             /* ROM, disabled */
	cb_w8(&c, 0x3c, 0x0b);
	cb_w8(&c, 0x3d, 0x01);
	cb_cap(&c, MT_PM, PG_CAP_PM, MT_MSI);
	cb_w16(&c, MT_PM + 2, 0xc603);            /* D1, D2, PME from D3hot/cold */
	cb_w16(&c, MT_PM + 4, 0x0000);            /* D0, NoSoftRst clear */
	cb_cap(&c, MT_MSI, PG_CAP_MSI, MT_MSIX);
	cb_w16(&c, MT_MSI + 2, 0x0186);           /* PVM, 64-bit, MMC = 3 (8 vectors) */
	cb_cap(&c, MT_MSIX, PG_CAP_MSIX, MT_PCIE);
	cb_w16(&c, MT_MSIX + 2, MT_NVEC - 1);
	cb_w32(&c, MT_MSIX + 4, MT_TABLE | 0);
	cb_w32(&c, MT_MSIX + 8, MT_PBA | 0);
	cb_pcie(&c, MT_PCIE, MT_VNDR, PG_PCIE_ENDPOINT);
	cb_w32(&c, MT_PCIE + 4, 0x10008fc0);      /* DevCap: FLR */
	cb_w16(&c, MT_PCIE + 8, 0x2810);          /* DevCtl: MRRS 512, NoSnoop, RO */
	cb_w16(&c, MT_PCIE + 0x10, 0x0040);       /* LnkCtl: common clock */
	cb_cap(&c, MT_VNDR, PG_CAP_VNDR, MT_AF);
	cb_w8(&c, MT_VNDR + 2, 0x0c);
	cb_cap(&c, MT_AF, PG_CAP_AF, 0);
	cb_w8(&c, MT_AF + 2, 0x06);
	cb_w8(&c, MT_AF + 3, 0x03);               /* TP, FLR */
	cb_ecap(&c, MT_AER, PG_ECAP_AER, 1, MT_DSN);
	cb_ecap(&c, MT_DSN, PG_ECAP_DSN, 1, MT_LTR);
	cb_w32(&c, MT_DSN + 4, 0x12345678);
	cb_ecap(&c, MT_LTR, PG_ECAP_LTR, 1, 0);
	memcpy(f->cfg, c.b, sizeof(f->cfg));
	f->cfg_len = PG_CFG_EXT_LEN;
	fake_set_ro(f, 0x00, 4, 0xffffffffu);      /* IDs */
	fake_set_ro(f, 0x06, 2, 0x06ffu);          /* Status RO */
	f->w1c[0x07] = 0xf9;                       /* Status error bits */
	f->w1c[0x06] = 0x00;
	f->w1c[MT_PCIE + 0xa] = 0x0f;              /* DevSta */
	f->bars[0] = (struct pg_bar_info){ true, PG_BAR_MEM64, false, 0x4000, 0x1fe000000ull,
					   true };
	f->bars[1] = (struct pg_bar_info){ false, PG_BAR_MEM64_HI, false, 0, 0, false };
	f->bars[2] = (struct pg_bar_info){ true, PG_BAR_MEM32, false, 0x1000, 0xfd000000ull,
					   true };
	f->bars[4] = (struct pg_bar_info){ true, PG_BAR_IO, false, 0x20, 0xe000, true };
	f->bars[PG_CFG_ROM_BAR] = (struct pg_bar_info){ true, PG_BAR_ROM, false, 0x10000,
							0xfc000000ull, true };
	f->reset_ok = (uint8_t)(1u << PG_RESET_FLR);
}

/* ---- recorders ------------------------------------------------------------------------- */

struct mt_rec {
	struct pg_audit_record audits[MT_MAX_LOG];
	char rules[MT_MAX_LOG][48];
	unsigned naudits;
	struct pg_effect effects[MT_MAX_LOG];
	unsigned neffects;
	int effect_rc;
	char logs[16][256];
	unsigned nlogs;
	struct timespec now;
};

static void mt_audit(void *data, const struct pg_audit_record *rec)
{
	struct mt_rec *r = data;

	if (r->naudits >= MT_MAX_LOG)
		return;
	r->audits[r->naudits] = *rec;
	strncpy(r->rules[r->naudits], rec->rule, sizeof(r->rules[0]) - 1);
	r->audits[r->naudits].rule = r->rules[r->naudits];
	r->audits[r->naudits].device = NULL;
	r->naudits++;
}

static int mt_effect(void *data, const struct pg_effect *e)
{
	struct mt_rec *r = data;

	if (r->neffects < MT_MAX_LOG)
		r->effects[r->neffects++] = *e;
	return r->effect_rc;
}

static void mt_log(void *data, int level, const char *msg)
{
	struct mt_rec *r = data;

	(void)level;
	if (r->nlogs < 16)
		strncpy(r->logs[r->nlogs++], msg, sizeof(r->logs[0]) - 1);
}

static int mt_clock(void *data, struct timespec *ts)
{
	*ts = ((struct mt_rec *)data)->now;
	return 0;
}

/* A test fixture: fake + backend + mediator + recorder. */
struct mt {
	struct fake f;
	struct mt_rec rec;
	struct pg_backend *be;
	struct pg_mediator *m;
};

static void mt_config(struct mt *t, struct pg_mediator_config *cfg, enum pg_profile p)
{
	pg_mediator_config_init(cfg);
	cfg->profile = p;
	cfg->name = "test0";
	cfg->audit = mt_audit;
	cfg->audit_data = &t->rec;
	cfg->effect = mt_effect;
	cfg->effect_data = &t->rec;
	cfg->log = mt_log;
	cfg->log_data = &t->rec;
	cfg->clock = mt_clock;
	cfg->clock_data = &t->rec;
	cfg->rate.burst = 0;     /* unlimited unless a test sets it */
}

/* Build the mediator over t->f (already filled). Returns pg_mediator_new()'s result. */
static int mt_open_cfg(struct mt *t, const struct pg_mediator_config *cfg)
{
	int rc = pg_backend_new(&fake_ops, &t->f, t->f.cfg_len ? t->f.cfg_len : 256, "fake",
				&t->be);

	if (rc < 0)
		return rc;
	rc = pg_mediator_new(t->be, cfg, &t->m);
	t->f.nwrites = t->f.nreads = 0;
	return rc;
}

static struct mt *mt_new(enum pg_profile p, const struct pg_policy_entry *pol)
{
	struct mt *t = calloc(1, sizeof(*t));
	struct pg_mediator_config cfg;

	if (!t)
		return NULL;
	mt_device(&t->f);
	mt_config(t, &cfg, p);
	cfg.policy = pol;
	if (mt_open_cfg(t, &cfg) < 0) {
		pg_backend_close(t->be);
		free(t);
		return NULL;
	}
	return t;
}

/* mt_new() for a device setup() changes after mt_device() (may be NULL), under a policy of
 * profile p adding the capabilities add[0..nadd) (the strict profiles hide the others). */
static struct mt *mt_new_caps(enum pg_profile p, const struct pg_policy_cap *add, size_t nadd,
			      void (*setup)(struct fake *))
{
	struct mt *t = calloc(1, sizeof(*t));
	struct pg_policy_entry pol;
	struct pg_mediator_config cfg;

	if (!t)
		return NULL;
	memset(&pol, 0, sizeof(pol));
	pol.profile = p; /* the policy's profile is the one that applies */
	pol.cap_add = add;
	pol.n_cap_add = nadd;
	mt_device(&t->f);
	if (setup)
		setup(&t->f);
	mt_config(t, &cfg, p);
	cfg.policy = &pol;
	if (mt_open_cfg(t, &cfg) < 0) {
		pg_backend_close(t->be);
		free(t);
		return NULL;
	}
	return t;
}

/* Set the device's little-endian dword at off. */
static void fake_w32(struct fake *f, unsigned off, uint32_t v)
{
	for (unsigned i = 0; i < 4; i++)
		f->cfg[off + i] = (uint8_t)(v >> (8 * i));
}

static void mt_free(struct mt *t)
{
	if (!t)
		return;
	pg_mediator_free(t->m);
	pg_backend_close(t->be);
	free(t);
}

static uint32_t mt_rd(struct mt *t, uint16_t off, uint8_t size)
{
	uint32_t v = 0xdeadbeef;

	if (pg_mediator_cfg_read(t->m, off, size, &v) < 0)
		return 0xdeadbeef;
	return v;
}

static int mt_wr(struct mt *t, uint16_t off, uint8_t size, uint32_t v)
{
	return pg_mediator_cfg_write(t->m, off, size, v);
}

static uint32_t mt_hw(const struct mt *t, uint16_t off, uint8_t size)
{
	uint32_t v = 0;

	for (unsigned i = 0; i < size; i++)
		v |= (uint32_t)t->f.cfg[off + i] << (8 * i);
	return v;
}

/* Count recorded effects of a kind. */
static unsigned mt_count(const struct mt *t, enum pg_effect_kind k)
{
	unsigned n = 0;

	for (unsigned i = 0; i < t->rec.neffects; i++)
		n += t->rec.effects[i].kind == k;
	return n;
}

/* Silence "unused" for helpers a given test does not call. */
static inline void mt_unused(void)
{
	(void)mt_new;
	(void)mt_new_caps;
	(void)fake_w32;
	(void)mt_free;
	(void)mt_rd;
	(void)mt_wr;
	(void)mt_hw;
	(void)mt_count;
	(void)mt_open_cfg;
	(void)mt_config;
}

#endif
