/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A hostile guest against the mediator, on real devices from the corpus: an NVMe SSD with
 * MSI-X (Samsung PM174x), a NIC with MSI and MSI-X (Intel 82576), a GPU with many extended
 * capabilities (AMD Fiji), a Wi-Fi card with a version 1 PCI Express capability at 0xe0
 * (Intel 4965) and a bridge (Intel 200-series root port).
 *
 * For each profile and endpoint, PER_PROFILE random accesses (so 4x that per profile):
 * config reads and writes at offsets up to 0x1100 (misaligned, dword-crossing, beyond the
 * config length), sizes 0-8 (invalid ones included), random values, and BAR accesses on
 * the MSI-X BAR (table, PBA, around them, beyond the BAR). Every access is checked by the
 * independent oracle of tests/common/guest-oracle.h (invariants W1 W2 R1 R2 A1 I1 B1 there):
 * the recording backend checks each config write against the bits the profile's rules
 * open, hidden bytes must read 0x00, invalid accesses must fail with -EINVAL and change
 * nothing, and no BAR access may reach the MSI-X table or PBA. The bridge must be refused
 * (the mediator serves endpoints only) without a single write. Under device-model no guest
 * write may reset the device or restore its BARs (invariant D1): the toolstack owns resets.
 * Guest and device-model run again under a policy adding the extended capabilities the
 * oracle has rules for (GO_EXT_RULES of guest-oracle-ecap.h: AER, SR-IOV, ATS, PASID, PRI,
 * ACS, LTR, L1SS, Power Budgeting, Resizable BARs), on these devices and on every corpus
 * device, and permissive runs every corpus device too, aimed at its extended capabilities.
 *
 * The seed is fixed and printed; PG_HOSTILE_SEED=N reproduces another run and
 * PG_HOSTILE_COUNT=N changes the number of accesses per endpoint and profile.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <dirent.h>

#include <cmocka.h>

#include "guest-oracle.h"

#define DEFAULT_SEED 0x5eed2024c0ffee01ull
#define PER_PROFILE 1000000ul /* per endpoint and profile */

struct device {
	const char *file;
	const char *label;
	bool mediated;   /* an endpoint the mediator serves */
};

static const struct device devices[] = {
	{ "144d-a826_samsung-electronics-co-nvme-ssd-controller-pm174_4096.txt", "nvme", true },
	{ "8086-10c9_intel-82576-gigabit-network-connection_4096.txt", "nic", true },
	{ "1002-7300_amd-ati-fiji-radeon-r9-fury-nano-series-10_4096.txt", "gpu-ext-caps", true },
	/* a version 1 PCI Express capability at 0xe0 (regression: it used to be hidden) */
	{ "8086-4229_intel-pro-wireless-4965-ag-or-agn-kedron-network_4096.txt", "wifi-pcie-v1",
	  true },
	{ "8086-a294_intel-200-series-pch-pci-express-root-port-5_4096.txt", "bridge", false },
};
#define NDEVICES (sizeof(devices) / sizeof(devices[0]))

static uint64_t seed = DEFAULT_SEED;
static unsigned long per_profile = PER_PROFILE;

/* ---- random accesses -------------------------------------------------------------------- */

static uint64_t rnd(uint64_t *s)
{
	/* xorshift64*: fast, and reproducible from the printed seed */
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1dull;
}

static uint32_t rnd_value(uint64_t *s)
{
	uint64_t r = rnd(s);

	switch (r % 6) {
	case 0: return 0;
	case 1: return 0xffffffffu;
	case 2: return 1u << ((r >> 8) % 32);
	case 3: return (uint32_t)(r >> 16) & (uint32_t)(rnd(s) >> 16);
	default: return (uint32_t)(r >> 24);
	}
}

static uint8_t rnd_size(uint64_t *s, bool bar)
{
	static const uint8_t cfg_sizes[] = { 1, 2, 4, 4, 2, 4 };
	static const uint8_t bar_sizes[] = { 4, 8, 4, 8, 1, 2 };
	uint64_t r = rnd(s);

	if (r % 4 == 0)
		return (uint8_t)((r >> 8) % (bar ? 10u : 9u)); /* 0-8 (BAR: 0-9), invalid ones too */
	return bar ? bar_sizes[(r >> 8) % 6] : cfg_sizes[(r >> 8) % 6];
}

/* An offset: often inside a register the device has, sometimes anywhere up to 0x1100. */
static uint16_t rnd_cfg_off(uint64_t *s, const struct go_oracle *o, uint8_t size)
{
	uint64_t r = rnd(s);
	uint32_t off;

	if (r % 10 < 4 && o->ncaps) {
		const struct go_cap *c = &o->caps[(r >> 8) % o->ncaps];

		off = c->off + (uint32_t)((r >> 20) % (c->len + 8u)) - 4u;
	} else if (r % 10 < 6) {
		off = (uint32_t)((r >> 8) % 0x40u);
	} else if (r % 10 < 8) {
		off = (uint32_t)((r >> 8) % 0x100u);
	} else {
		off = (uint32_t)((r >> 8) % 0x1100u);
	}
	if ((r >> 40) % 10 < 7 && size && (size & (size - 1)) == 0)
		off &= ~(uint32_t)(size - 1u); /* mostly aligned, as guests do */
	return (uint16_t)off;
}

static void rnd_bar(uint64_t *s, const struct go_oracle *o, unsigned *bar, uint64_t *off)
{
	uint64_t r = rnd(s);
	uint64_t bsize;

	*bar = (r % 10 < 8 && o->msix_trap) ? o->tbir : (unsigned)((r >> 4) % 8);
	bsize = *bar < 6 && o->bars[*bar].size ? o->bars[*bar].size : 0x4000;
	switch ((r >> 8) % 10) {
	case 0: case 1: case 2: case 3:
		*off = o->toff + (r >> 16) % (o->tlen + 32u) - 16u;
		break;
	case 4: case 5:
		*off = o->poff + (r >> 16) % (o->plen + 32u) - 16u;
		break;
	case 6: case 7: case 8:
		*off = (r >> 16) % bsize;
		break;
	default:
		*off = (r >> 16) % (bsize * 4u);
		break;
	}
	if ((r >> 60) % 4)
		*off &= ~7ull;
}

static void one_access(uint64_t *s, struct go_oracle *o, struct pg_mediator *m,
		       unsigned long *nbar)
{
	uint64_t r = rnd(s);

	if (r % 100 < 12) {
		unsigned bar;
		uint64_t off;
		uint8_t size = rnd_size(s, true);

		uint64_t v;

		rnd_bar(s, o, &bar, &off);
		v = (uint64_t)rnd_value(s) << 32;
		v |= rnd_value(s);
		go_bar_access(o, m, (r >> 8) % 2, bar, off, size, v);
		(*nbar)++;
	} else {
		uint8_t size = rnd_size(s, false);

		go_cfg_access(o, m, (r >> 8) % 2, rnd_cfg_off(s, o, size), size, rnd_value(s));
	}
}

/* ---- devices ---------------------------------------------------------------------------- */

struct fixture {
	struct pg_dump_dev *devs;
	struct pg_backend *model, *be;
	struct pg_mediator *m;
	struct go_oracle *o;
};

static void fixture_free(struct fixture *f)
{
	pg_mediator_free(f->m);
	pg_backend_close(f->be);
	pg_backend_close(f->model);
	free(f->devs);
	free(f->o);
	memset(f, 0, sizeof(*f));
}

/* Load a corpus device, derive the oracle for profile op, build the mediator for profile
 * mp over the recording backend; with ext, both under a policy adding the extended
 * capabilities the oracle has rules for (GO_EXT_RULES). Returns pg_mediator_new()'s
 * result. */
static int fixture_open3(struct fixture *f, const struct device *d, enum pg_profile op,
			 enum pg_profile mp, bool ext)
{
	struct pg_policy_cap add[64];
	struct pg_policy_entry pol;
	const char *dir = getenv("PG_CORPUS");
	struct pg_bar_info bars[PG_CFG_NUM_BARS];
	struct pg_mediator_config cfg;
	char path[4096];
	size_t n = 0;

	memset(f, 0, sizeof(*f));
	if (!dir)
		fail_msg("PG_CORPUS is not set (run through meson test)");
	snprintf(path, sizeof(path), "%s/%s", dir, d->file);
	assert_int_equal(pg_dump_read_file(path, &f->devs, &n, NULL), 0);
	assert_int_equal(pg_backend_model_new(&f->devs[0], d->label, &f->model), 0);
	memset(bars, 0, sizeof(bars));
	for (unsigned i = 0; i < PG_CFG_NUM_BARS; i++)
		if (pg_backend_bar_info(f->model, i, &bars[i]) < 0)
			memset(&bars[i], 0, sizeof(bars[i])); /* absent */
	f->o = calloc(1, sizeof(*f->o));
	assert_non_null(f->o);
	go_init_ext(f->o, f->devs[0].cfg, f->devs[0].len, bars, op, ext ? GO_EXT_RULES : 0);
	f->o->model = f->model;
	assert_int_equal(pg_backend_new(&go_ops, f->o, f->o->cfg_len, d->label, &f->be), 0);
	go_config(f->o, &cfg);
	cfg.profile = mp;
	if (ext) {
		memset(&pol, 0, sizeof(pol));
		pol.profile = mp;
		pol.cap_add = add;
		pol.n_cap_add = go_ext_policy(GO_EXT_RULES, add);
		cfg.policy = &pol; /* read by pg_mediator_new() only */
	}
	return pg_mediator_new(f->be, &cfg, &f->m);
}

static int fixture_open2(struct fixture *f, const struct device *d, enum pg_profile op,
			 enum pg_profile mp)
{
	return fixture_open3(f, d, op, mp, false);
}

static int fixture_open(struct fixture *f, const struct device *d, enum pg_profile p)
{
	return fixture_open2(f, d, p, p);
}

struct tally {
	unsigned long accesses, invalid, bar, hw_writes, restores, resets, denied, permissive;
	unsigned long ext_writes;
};

static void run_device(const struct device *d, enum pg_profile p, bool ext,
		       unsigned long count, uint64_t *s, struct tally *t)
{
	struct pg_audit_counters c;
	struct fixture f;
	int rc = fixture_open3(&f, d, p, p, ext);

	if (!d->mediated) {
		/* vfio refuses bridges too: they steer host traffic (bus numbers, windows) */
		assert_int_equal(rc, -EINVAL);
		assert_null(f.m);
		assert_int_equal(f.o->cfg_writes, 0);
		fixture_free(&f);
		return;
	}
	assert_int_equal(rc, 0);
	go_check_visibility(f.o, f.m);
	if (ext && (pg_mediator_cap_visible(f.m, true, PG_ECAP_AER) !=
		    (go_find_ext(f.o, PG_ECAP_AER) != NULL)))
		fail_msg("%s: AER visibility differs from the oracle's", d->label);
	for (unsigned long i = 0; i < count && !f.o->failed; i++)
		one_access(s, f.o, f.m, &t->bar);
	if (f.o->failed)
		fail_msg("%s (%s%s), seed 0x%llx: %s", d->label, pg_profile_name(p),
			 ext ? " + ext caps" : "", (unsigned long long)seed, f.o->why);
	t->ext_writes += f.o->ext_writes;
	pg_mediator_counters(f.m, &c);
	t->accesses += f.o->accesses;
	t->invalid += f.o->invalid;
	t->hw_writes += f.o->cfg_writes;
	t->restores += f.o->restores;
	t->resets += f.o->resets;
	t->denied += c.denied;
	t->permissive += c.permissive;
	fixture_free(&f);
}

static void run_profile_ext(enum pg_profile p, bool ext)
{
	unsigned long per_dev = per_profile; /* per endpoint: each profile gets 4x */
	struct timespec a, b;
	struct tally t = { 0 };
	uint64_t s = seed ^ ((uint64_t)p + 1u + (ext ? 16u : 0u)) * 0x9e3779b97f4a7c15ull;

	clock_gettime(CLOCK_MONOTONIC, &a);
	for (size_t i = 0; i < NDEVICES; i++)
		run_device(&devices[i], p, ext, per_dev, &s, &t);
	clock_gettime(CLOCK_MONOTONIC, &b);
	print_message("%s%s: %lu accesses (%lu on BARs, %lu invalid) over %zu endpoints, seed "
		      "0x%llx: %lu config "
		      "writes reached the device, %lu resets, %lu host BAR restores; audit %lu "
		      "denied, %lu permissive; %lu writes at 0x100+; %.2f s\n", pg_profile_name(p),
		      ext ? " + ext caps" : "", t.accesses, t.bar,
		      t.invalid, NDEVICES - 1, (unsigned long long)seed, t.hw_writes, t.resets, t.restores,
		      t.denied, t.permissive, t.ext_writes,
		      (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9);
	assert_true(t.accesses >= per_profile);
	assert_true(t.hw_writes > 0); /* the guest did reach the device where allowed */
	if (p == PG_PROFILE_DEVICE_MODEL) {
		/* the toolstack owns resets: no guest FLR resets the device, and nothing
		 * rewrites BARs, ROM or Command afterwards (the oracle fails the access that
		 * decides a reset or restore; this catches one it did not see) */
		assert_int_equal(t.resets, 0);
		assert_int_equal(t.restores, 0);
	} else if (per_profile >= PER_PROFILE / 10) {
		assert_true(t.resets > 0); /* the same generator does request FLRs */
	}
	/* the strict profiles write nothing at 0x100+ except, in guest, what AER opens */
	if (p == PG_PROFILE_DEVICE_MODEL || (p == PG_PROFILE_GUEST && !ext))
		assert_int_equal(t.ext_writes, 0);
	else if (per_profile >= PER_PROFILE / 10)
		assert_true(t.ext_writes > 0);
}

static void run_profile(enum pg_profile p)
{
	run_profile_ext(p, false);
}

static void test_guest(void **state)
{
	(void)state;
	run_profile(PG_PROFILE_GUEST);
}

static void test_device_model(void **state)
{
	(void)state;
	run_profile(PG_PROFILE_DEVICE_MODEL);
}

static void test_permissive(void **state)
{
	(void)state;
	run_profile(PG_PROFILE_PERMISSIVE);
}

/* A policy adds the extended capabilities of GO_EXT_RULES to the strict profiles. */
static void test_guest_ext(void **state)
{
	(void)state;
	run_profile_ext(PG_PROFILE_GUEST, true);
}

static void test_device_model_ext(void **state)
{
	(void)state;
	run_profile_ext(PG_PROFILE_DEVICE_MODEL, true);
}

/* An access aimed at a visible extended capability (its registers, sizes 1/2/4, often
 * aligned), or else anywhere (one_access()). */
static void ext_access(uint64_t *s, struct go_oracle *o, struct pg_mediator *m,
		       unsigned long *nbar)
{
	const struct go_cap *vis[GO_MAX_CAPS], *a;
	uint64_t r = rnd(s);
	uint8_t size = (uint8_t)(1u << ((r >> 8) % 3));
	unsigned n = 0;
	uint16_t off;

	for (unsigned i = 0; i < o->ncaps; i++)
		if (o->caps[i].ext && o->caps[i].visible)
			vis[n++] = &o->caps[i];
	if (r % 10 >= 7 || !n) {
		one_access(s, o, m, nbar);
		return;
	}
	a = vis[(r >> 48) % n];
	off = (uint16_t)(a->off + (r >> 16) % (a->len + 40u) - 4u); /* ReBAR: len 4 here */
	if ((r >> 40) % 8)
		off &= (uint16_t)~(size - 1u);
	go_cfg_access(o, m, (r >> 12) % 2, off, size, rnd_value(s));
}

/* Every corpus device: guest and device-model under a policy adding the extended
 * capabilities of GO_EXT_RULES (the oracle's rules, guest-oracle-ecap.h, on every layout
 * the corpus has: AER root and TLP Prefix Log variants, short and overlapping
 * capabilities), and permissive with every extended capability visible (the host-owned
 * controls stay refused). */
static void test_corpus_ext(void **state)
{
	static const enum pg_profile profiles[] = { PG_PROFILE_GUEST, PG_PROFILE_DEVICE_MODEL,
						    PG_PROFILE_PERMISSIVE };
	const char *dir = getenv("PG_CORPUS");
	unsigned long n = per_profile / 200u, bar = 0, with_aer = 0, files = 0, ext = 0;
	unsigned long longer = 0; /* AER with root registers or a TLP Prefix Log */
	uint64_t s = seed ^ 0xae5ae5ae5ull;
	struct dirent *e;
	DIR *d = NULL;

	(void)state;
	if (!dir || !(d = opendir(dir))) {
		fail_msg("PG_CORPUS is not set or unreadable (run through meson test)");
		return;
	}
	while ((e = readdir(d))) {
		size_t l = strlen(e->d_name);
		struct device dev = { e->d_name, e->d_name, true };

		if (l < 5 || strcmp(e->d_name + l - 4, ".txt"))
			continue;
		files++;
		for (size_t p = 0; p < 3; p++) {
			struct fixture f;
			const struct go_cap *a;

			if (fixture_open3(&f, &dev, profiles[p], profiles[p], p < 2) < 0) {
				assert_int_equal(f.o->cfg_writes, 0); /* refused untouched */
				fixture_free(&f);
				continue;
			}
			go_check_visibility(f.o, f.m);
			a = go_find_ext(f.o, PG_ECAP_AER);
			with_aer += a && p == 0;
			longer += a && p == 0 && a->len > 0x2c;
			for (unsigned long i = 0; i < n && !f.o->failed; i++)
				ext_access(&s, f.o, f.m, &bar);
			if (f.o->failed)
				fail_msg("%s (%s%s), seed 0x%llx: %s", e->d_name,
					 pg_profile_name(profiles[p]), p < 2 ? " + ext caps" : "",
					 (unsigned long long)seed, f.o->why);
			ext += p == 0 ? f.o->ext_writes : 0;
			if (profiles[p] == PG_PROFILE_DEVICE_MODEL)
				assert_int_equal(f.o->ext_writes, 0);
			fixture_free(&f);
		}
	}
	closedir(d);
	print_message("corpus: %lu files, %lu accesses per endpoint and profile; %lu endpoints "
		      "with AER (%lu longer than 0x2c); %lu guest writes at 0x100+\n", files,
		      n, with_aer, longer, ext);
	assert_true(files >= 300);
	assert_true(with_aer >= 40); /* 42 in the committed corpus */
	if (n >= 1000)
		assert_true(ext > 0);
}

/* The oracle itself must catch what it is there to catch: a backend write it forbids. */
static void test_oracle_catches(void **state)
{
	struct fixture f;

	(void)state;
	assert_int_equal(fixture_open(&f, &devices[1], PG_PROFILE_DEVICE_MODEL), 0);
	assert_int_equal(pg_backend_cfg_write(f.be, 0x04, 2, go_rd(f.o->hw, 0x04, 2) ^ 0x0002), 0);
	assert_true(f.o->failed); /* Memory Enable is not the device model's to change */
	assert_non_null(strstr(f.o->why, "byte 0x004"));
	fixture_free(&f);
	assert_int_equal(fixture_open(&f, &devices[1], PG_PROFILE_PERMISSIVE), 0);
	assert_int_equal(pg_backend_cfg_write(f.be, 0x10, 4, 0xffffffffu), 0);
	assert_true(f.o->failed); /* BAR sizing must never reach the device */
	fixture_free(&f);
	assert_int_equal(fixture_open(&f, &devices[0], PG_PROFILE_GUEST), 0);
	assert_true(f.o->msix_trap);
	assert_int_equal(go_bar_write(f.be, f.o->tbir, f.o->toff, 4, 0), 0);
	assert_true(f.o->failed);
	fixture_free(&f);
	/* AER under a policy adding it: severity is the host's, and so is a mask bit the
	 * device had set; status bits may be cleared */
	for (unsigned k = 0; k < 3; k++) {
		const struct go_cap *a;
		uint16_t reg;
		uint32_t v;

		assert_int_equal(fixture_open3(&f, &devices[1], PG_PROFILE_GUEST,
					       PG_PROFILE_GUEST, true), 0);
		a = go_find_ext(f.o, PG_ECAP_AER);
		assert_non_null(a);
		reg = (uint16_t)(a->off + (k == 0 ? 0x0cu : k == 1 ? 0x14u : 0x10u));
		v = go_rd(f.o->hw, reg, 4);
		if (k == 1)
			assert_true(v & 0x2000u); /* Advisory Non-Fatal masked (its default) */
		assert_int_equal(pg_backend_cfg_write(f.be, reg, 4, k == 0 ? v ^ 0x00100000u :
						      k == 1 ? v & ~0x2000u : 0x000000c1u), 0);
		assert_true(f.o->failed == (k < 2));
		fixture_free(&f);
	}
}

/* Mutation check of the whole harness: a mediator compiled for a broader profile than the
 * oracle's must be caught by the random accesses within a few thousand of them. */
static void test_oracle_catches_broader_profile(void **state)
{
	static const struct {
		enum pg_profile oracle, mediator;
	} pairs[] = {
		{ PG_PROFILE_DEVICE_MODEL, PG_PROFILE_GUEST },
		{ PG_PROFILE_GUEST, PG_PROFILE_DEVICE_MODEL },
		{ PG_PROFILE_GUEST, PG_PROFILE_PERMISSIVE },
		{ PG_PROFILE_DEVICE_MODEL, PG_PROFILE_PERMISSIVE },
	};
	uint64_t s = seed;

	(void)state;
	for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		for (size_t d = 0; d + 1 < NDEVICES; d++) {
			struct fixture f;
			unsigned long bar = 0, n = 0;

			assert_int_equal(fixture_open2(&f, &devices[d], pairs[i].oracle,
						       pairs[i].mediator), 0);
			for (; n < 200000 && !f.o->failed; n++)
				one_access(&s, f.o, f.m, &bar);
			print_message("oracle %s, mediator %s, %s: caught after %lu accesses: %s\n",
				      pg_profile_name(pairs[i].oracle),
				      pg_profile_name(pairs[i].mediator), devices[d].label, n,
				      f.o->why);
			assert_true(f.o->failed);
			fixture_free(&f);
		}
	}
}

/* And the oracle's view of the devices is the documented one. */
static void test_oracle_maps(void **state)
{
	struct fixture f;

	(void)state;
	assert_int_equal(fixture_open(&f, &devices[1], PG_PROFILE_GUEST), 0);
	assert_int_equal(f.o->chg[0x04], 0x07);
	assert_int_equal(f.o->chg[0x05], 0x04);
	assert_int_equal(f.o->w1c[0x07], 0xf9);
	assert_true(f.o->zread[0x100]);   /* AER hidden */
	assert_false(f.o->zread[0x50]);   /* MSI visible */
	go_check_visibility(f.o, f.m);
	assert_false(f.o->failed);
	fixture_free(&f);
	assert_int_equal(fixture_open(&f, &devices[2], PG_PROFILE_PERMISSIVE), 0);
	assert_false(f.o->zread[0x48]);   /* vendor capability visible */
	assert_int_equal(f.o->chg[0x48], 0x00); /* but its header is not the guest's */
	assert_int_equal(f.o->chg[0x4a], 0xff);
	assert_int_equal(f.o->chg[0x10], 0x00);
	fixture_free(&f);
	/* regression: a version 1 PCI Express capability at 0xe0 (20 bytes) is visible and
	 * its DevCtl is the guest's, instead of being hidden for want of 0x24 bytes */
	assert_int_equal(fixture_open(&f, &devices[3], PG_PROFILE_GUEST), 0);
	assert_true(pg_mediator_cap_visible(f.m, false, PG_CAP_EXP));
	assert_int_equal(f.o->chg[0xe8], 0x1f);
	assert_true(f.o->zread[0xf4]);
	go_check_visibility(f.o, f.m);
	assert_false(f.o->failed);
	fixture_free(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_oracle_maps),
		cmocka_unit_test(test_oracle_catches),
		cmocka_unit_test(test_oracle_catches_broader_profile),
		cmocka_unit_test(test_guest),
		cmocka_unit_test(test_device_model),
		cmocka_unit_test(test_permissive),
		cmocka_unit_test(test_guest_ext),
		cmocka_unit_test(test_device_model_ext),
		cmocka_unit_test(test_corpus_ext),
	};
	const char *e = getenv("PG_HOSTILE_SEED");

	if (e)
		seed = strtoull(e, NULL, 0);
	e = getenv("PG_HOSTILE_COUNT");
	if (e)
		per_profile = strtoul(e, NULL, 0);
	printf("hostile-guest: seed 0x%llx, %lu accesses per endpoint and profile\n",
	       (unsigned long long)seed, per_profile);
	return cmocka_run_group_tests_name("mediator-hostile-guest", tests, NULL, NULL);
}
