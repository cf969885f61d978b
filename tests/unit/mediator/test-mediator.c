/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The mediator as a whole (src/lib/mediator/mediator.c) over every real device of the
 * corpus, through the model backend: it compiles for every endpoint in every profile, the
 * guest view is a well-formed capability list of allowed capabilities only that lspci
 * decodes without complaint, and a storm of random guest writes never reaches a BAR or an
 * identity register and, in the device-model profile, touches nothing but the interrupt
 * enable registers; a read of 2 or 4 bytes is always its bytes read one by one.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "medtest.h"

/* A backend that forwards to another one and logs every config write. */
struct wrap {
	struct pg_backend *inner;
	struct mt_write writes[4096];
	unsigned nwrites;
};

/* Every config write that reaches the device, from the library's forwarding backend. */
static void w_cfg_write(void *data, uint16_t off, uint8_t size, uint32_t val, bool old_valid,
			uint32_t old, int rc)
{
	struct wrap *w = data;

	(void)old_valid;
	(void)old;
	(void)rc;
	if (w->nwrites < 4096)
		w->writes[w->nwrites++] = (struct mt_write){ off, size, val };
}

static const struct pg_backend_observer wrap_obs = { .cfg_write = w_cfg_write };

struct stats {
	unsigned files, endpoints, refused, lspci_checked;
};

static uint32_t lcg(uint32_t *s)
{
	*s = *s * 1103515245u + 12345u;
	return *s >> 1;
}

/* Walk the guest's standard list: bounded, only allowed IDs, no revisits. */
static void check_guest_chain(struct pg_mediator *m, const char *name)
{
	bool seen[64] = { false };
	uint32_t v;
	uint8_t p;

	assert_int_equal(pg_mediator_cfg_read(m, 0x06, 2, &v), 0);
	if (!(v & 0x10))
		return;
	assert_int_equal(pg_mediator_cfg_read(m, 0x34, 1, &v), 0);
	p = (uint8_t)v;
	for (unsigned n = 0; p; n++) {
		if (n >= 48 || p < 0x40 || (p & 3) || seen[p / 4])
			fail_msg("%s: guest chain broken at 0x%02x", name, p);
		seen[p / 4] = true;
		assert_int_equal(pg_mediator_cfg_read(m, p, 2, &v), 0);
		if ((v & 0xff) != PG_CAP_PM && (v & 0xff) != PG_CAP_MSI &&
		    (v & 0xff) != PG_CAP_MSIX && (v & 0xff) != PG_CAP_EXP)
			fail_msg("%s: capability 0x%02x visible to a guest", name, v & 0xff);
		p = (uint8_t)(v >> 8);
	}
}

static uint32_t snap32(const uint8_t *snap, uint16_t off)
{
	return (uint32_t)snap[off] | (uint32_t)snap[off + 1] << 8 | (uint32_t)snap[off + 2] << 16 |
	       (uint32_t)snap[off + 3] << 24;
}

/* Config offsets of the MSI and MSI-X capabilities of a snapshot (0 when absent). */
static void irq_caps(const uint8_t *snap, uint16_t len, uint16_t *msi, uint16_t *msix)
{
	struct pg_cfg_layout *l = NULL;
	const struct pg_cap *c;

	*msi = *msix = 0;
	assert_int_equal(pg_cfg_parse(snap, len, NULL, &l), 0);
	c = pg_cfg_find_cap(l, false, PG_CAP_MSI);
	*msi = c ? c->offset : 0;
	c = pg_cfg_find_cap(l, false, PG_CAP_MSIX);
	*msix = c ? c->offset : 0;
	pg_cfg_free(l);
}

/* The guest view in lspci -x format, decoded by lspci itself. */
static bool lspci_ok(struct pg_mediator *m, uint16_t len, const char *name)
{
	char path[] = "/tmp/pg-med-XXXXXX", cmd[256], line[512];
	bool ok = true;
	FILE *f, *p;
	int fd = mkstemp(path);

	if (fd < 0)
		return true;
	f = fdopen(fd, "w");
	assert_non_null(f);
	fprintf(f, "00:00.0 guest view of %s\n", name);
	for (uint16_t off = 0; off < len; off = (uint16_t)(off + 16)) {
		fprintf(f, "%02x:", off);
		for (unsigned i = 0; i < 16; i++) {
			uint32_t v = 0;

			assert_int_equal(pg_mediator_cfg_read(m, (uint16_t)(off + i), 1, &v), 0);
			fprintf(f, " %02x", v);
		}
		fprintf(f, "\n");
	}
	fclose(f);
	snprintf(cmd, sizeof(cmd), "lspci -F %s -vvv 2>&1", path);
	p = popen(cmd, "r");
	if (!p) {
		unlink(path);
		return true;
	}
	while (fgets(line, sizeof(line), p))
		if (strstr(line, "chain broken") || strstr(line, "looped") ||
		    strstr(line, "Vendor Specific") || strstr(line, "Advanced Error"))
			ok = false;
	ok = (pclose(p) == 0) && ok;
	unlink(path);
	return ok;
}

/* Random writes; afterwards every backend write must be an allowed one. */
static void storm(struct pg_mediator *m, struct wrap *w, const uint8_t *snap, uint16_t len,
		  enum pg_profile p, const char *name, uint32_t seed)
{
	uint16_t msi = 0, msix = 0;

	for (unsigned i = 0; i < 1500; i++) {
		uint8_t size = (uint8_t)(1u << (lcg(&seed) % 3));
		uint16_t off = (uint16_t)((lcg(&seed) % len) & ~(size - 1u));
		int rc;

		if (off + size > len)
			continue;
		rc = pg_mediator_cfg_write(m, off, size, lcg(&seed));
		/* the model may lack a reset; the device model never resets (no FLR) */
		assert_true(rc == 0 || (rc == -EOPNOTSUPP && p != PG_PROFILE_DEVICE_MODEL));
	}
	for (uint16_t i = 0; i < len; i++)
		assert_int_equal(pg_mediator_cfg_read(m, i, 1, &(uint32_t){ 0 }), 0);
	irq_caps(snap, len, &msi, &msix);
	for (unsigned i = 0; i < w->nwrites; i++) {
		const struct mt_write *x = &w->writes[i];
		bool bar = x->off >= 0x10 && x->off < 0x34;

		if (x->off < 0x04 || (x->off >= 0x08 && x->off < 0x0c) || x->off == 0x0e ||
		    (x->off >= 0x2c && x->off < 0x30))
			fail_msg("%s: identity register 0x%02x written", name, x->off);
		if (bar && x->size == 4 && x->val != (snap32(snap, x->off) &
						     (x->off == 0x30 ? ~1u : ~0u)))
			fail_msg("%s: BAR 0x%02x written with 0x%08x (host 0x%08x)", name, x->off,
				 x->val, snap32(snap, x->off));
		if (bar && x->size != 4)
			fail_msg("%s: partial BAR write at 0x%02x", name, x->off);
		if (bar && p == PG_PROFILE_DEVICE_MODEL)
			fail_msg("%s: device-model write restored BAR 0x%02x (a reset?)", name,
				 x->off);
		if (p == PG_PROFILE_DEVICE_MODEL && !bar && x->off != 0x04 && x->off != 0x05 &&
		    (!msi || x->off != msi + 2) && (!msix || (x->off != msix + 2 && x->off != msix + 3)))
			fail_msg("%s: device-model write reached 0x%03x", name, x->off);
	}
}

/* Every byte 0xff (no function answers) or every byte 0x00. */
static bool no_device(const uint8_t *snap, uint16_t len)
{
	size_t n = 0;

	while (n < len && snap[n] == snap[0])
		n++;
	return n == len && (snap[0] == 0xff || snap[0] == 0x00);
}

/*
 * Every read of every size at every offset the mediator accepts equals the same bytes read
 * one at a time: a wider read is its bytes side by side (PCI byte enables; config space is
 * little endian), whatever rows and gaps it spans. Catches the dword walk of the read path
 * (dispatch.c read_plan()) taking a row's bits from the wrong place, keeping bytes of a row
 * outside the access, or fetching the wrong hardware bytes: decisions and full reads
 * through the backend are both compared. Run after the storm, so virtual values differ
 * from their compiled ones.
 */
static void check_reads(struct pg_mediator *m, uint16_t len, const char *name)
{
	static const uint8_t sizes[] = { 2, 4 };

	for (uint32_t off = 0; off < len; off++) {
		for (size_t k = 0; k < sizeof(sizes); k++) {
			uint8_t size = sizes[k];
			struct pg_read_decision d, b;
			uint64_t value = 0, hw = 0;
			uint32_t v, vb, whole = 0;

			if ((off & 3u) + size > 4u || off + size > len)
				continue;
			for (unsigned i = 0; i < size; i++) {
				assert_int_equal(pg_mediator_decide_read(m, (uint16_t)(off + i), 1,
									 &b), 0);
				value |= b.value << (8u * i);
				hw |= b.hw_mask << (8u * i);
				assert_int_equal(pg_mediator_cfg_read(m, (uint16_t)(off + i), 1,
								      &vb), 0);
				whole |= vb << (8u * i);
			}
			assert_int_equal(pg_mediator_decide_read(m, (uint16_t)off, size, &d), 0);
			assert_int_equal(pg_mediator_cfg_read(m, (uint16_t)off, size, &v), 0);
			if (d.value != value || d.hw_mask != hw || d.off != off ||
			    d.size != size || d.space != PG_SPACE_CFG || v != whole)
				fail_msg("%s: read %#x/%u: value %#llx hw %#llx read %#x; its "
					 "bytes: value %#llx hw %#llx read %#x", name, off, size,
					 (unsigned long long)d.value, (unsigned long long)d.hw_mask,
					 v, (unsigned long long)value, (unsigned long long)hw, whole);
		}
	}
}

static void one_profile(struct pg_backend *model, const uint8_t *snap, uint16_t len,
			enum pg_profile p, const char *name, struct stats *st)
{
	struct wrap *w = calloc(1, sizeof(*w));
	struct pg_backend *be = NULL;
	struct pg_mediator *m = NULL;
	struct pg_mediator_config cfg;
	int rc;

	assert_non_null(w);
	w->inner = model;
	assert_int_equal(pg_backend_forward_new(model, 0, &wrap_obs, w, &be), 0);
	pg_mediator_config_init(&cfg);
	cfg.profile = p;
	rc = pg_mediator_new(be, &cfg, &m);
	/* Refused: a header other than type 0, or a bridge class (base class 0x06: host, ISA,
	 * PCI-to-PCI... bridges) on a type 0 header; or no device at all. */
	if ((rc == -EINVAL && ((snap[0x0e] & 0x7f) != 0 || snap[0x0b] == 0x06)) ||
	    (rc == -ENODEV && no_device(snap, len))) {
		st->refused++;
		goto out;
	}
	if (rc != 0)
		fail_msg("%s: pg_mediator_new failed: %d", name, rc);
	if (p == PG_PROFILE_GUEST) {
		st->endpoints++;
		check_guest_chain(m, name);
		if (access("/usr/bin/lspci", X_OK) == 0) {
			if (!lspci_ok(m, (uint16_t)(len & ~15u), name))
				fail_msg("%s: lspci rejects the guest view", name);
			st->lspci_checked++;
		}
	}
	storm(m, w, snap, len, p, name, (uint32_t)len * 2654435761u + (uint32_t)p);
	check_reads(m, len, name);
out:
	pg_mediator_free(m);
	pg_backend_close(be);
	free(w);
}

static void corpus_one(const char *path, const char *name, struct stats *st)
{
	for (int p = 0; p < PG_PROFILE__COUNT; p++) {
		struct pg_backend *model = NULL;
		uint8_t *snap = calloc(1, PG_CFG_EXT_LEN);
		int n;

		assert_non_null(snap);
		if (pg_backend_model_open(path, &model, NULL) < 0) {
			free(snap);
			return; /* the model refuses it; its own tests cover why */
		}
		n = pg_backend_snapshot(model, snap, NULL);
		assert_true(n >= 64);
		one_profile(model, snap, (uint16_t)n, (enum pg_profile)p, name, st);
		pg_backend_close(model);
		free(snap);
	}
	st->files++;
}

static void test_corpus(void **state)
{
	const char *dir = getenv("PG_CORPUS");
	struct stats st = { 0 };
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
		corpus_one(path, e->d_name, &st);
	}
	closedir(d);
	print_message("corpus: %u files, %u endpoints mediated, %u non-endpoints refused, "
		      "%u guest views checked by lspci\n", st.files, st.endpoints, st.refused / 3,
		      st.lspci_checked);
	assert_true(st.endpoints > 100);
}

struct nodev_case {
	const char *name;
	uint8_t fill;          /* every config byte */
	uint16_t len;
	int rc;
	const char *log;       /* the refusal's diagnostic must say why */
	struct { uint8_t off, val; } patch[4]; /* bytes set over the fill (off 0: none) */
};

static const struct nodev_case nodevs[] = {
	{ "all-ones-4096", 0xff, 4096, -ENODEV, "all 0xff", { { 0, 0 } } },
	{ "all-ones-256", 0xff, 256, -ENODEV, "all 0xff", { { 0, 0 } } },
	{ "all-zero-4096", 0x00, 4096, -ENODEV, "all 0x00", { { 0, 0 } } },
	{ "all-zero-256", 0x00, 256, -ENODEV, "all 0x00", { { 0, 0 } } },
	{ "short-header", 0x00, 48, -EINVAL, "too short", { { 0, 0 } } },
	/* Vendor ID 0xffff or 0x0000 (PCI 3.0 §6.2.1) although other bytes differ. */
	{ "vendor-ffff", 0xff, 256, -ENODEV, "Vendor ID reads 0xffff",
	  { { 0x0b, 0x02 }, { 0x0e, 0x00 } } },
	{ "vendor-0000", 0x00, 256, -ENODEV, "Vendor ID reads 0x0000", { { 0x02, 0x34 } } },
	/* One bridge rule with inspect: a host or ISA bridge on a type 0 header is refused,
	 * and the message names the layout, not the raw Header Type byte. */
	{ "host-bridge-type0", 0x00, 256, -EINVAL,
	  "header type 0, class 0600 (host bridge): not an endpoint",
	  { { 0x00, 0x86 }, { 0x01, 0x80 }, { 0x0b, 0x06 } } },
	{ "isa-bridge-type0", 0x00, 256, -EINVAL, "class 0601 (ISA bridge): not an endpoint",
	  { { 0x00, 0x86 }, { 0x01, 0x80 }, { 0x0b, 0x06 }, { 0x0a, 0x01 } } },
	{ "pci-bridge-mf", 0x00, 256, -EINVAL,
	  "header type 1 (PCI-to-PCI bridge) multi-function, class 0604",
	  { { 0x00, 0x86 }, { 0x0e, 0x81 }, { 0x0b, 0x06 }, { 0x0a, 0x04 } } },
};

/* A config space that reads all ones (no function answers: master abort, surprise removal,
 * D3cold) or all zeros holds no device: before the fix it was served as an endpoint with
 * IDs ffff:ffff. It must be refused in every profile without touching the device. */
static void test_refuse_no_device(void **state)
{
	static char sentinel;

	(void)state;
	for (size_t i = 0; i < sizeof(nodevs) / sizeof(nodevs[0]); i++) {
		for (int p = 0; p < PG_PROFILE__COUNT; p++) {
			const struct nodev_case *c = &nodevs[i];
			struct mt *t = calloc(1, sizeof(*t));
			struct pg_mediator_config cfg;
			bool said = false;
			int rc;

			assert_non_null(t);
			memset(t->f.cfg, c->fill, sizeof(t->f.cfg));
			for (size_t k = 0; k < sizeof(c->patch) / sizeof(c->patch[0]); k++)
				if (c->patch[k].off || c->patch[k].val)
					t->f.cfg[c->patch[k].off] = c->patch[k].val;
			t->f.cfg_len = c->len;
			mt_config(t, &cfg, (enum pg_profile)p);
			assert_int_equal(pg_backend_new(&fake_ops, &t->f, c->len, "fake", &t->be),
					 0);
			t->m = (struct pg_mediator *)(void *)&sentinel; /* untouched on failure */
			rc = pg_mediator_new(t->be, &cfg, &t->m);
			if (rc != c->rc)
				fail_msg("%s (%s): pg_mediator_new returned %d, expected %d",
					 c->name, pg_profile_name((enum pg_profile)p), rc, c->rc);
			assert_ptr_equal(t->m, &sentinel);
			assert_int_equal(t->f.nwrites, 0);
			assert_int_equal(t->f.resets, 0);
			for (unsigned k = 0; k < t->rec.nlogs; k++)
				said |= strstr(t->rec.logs[k], c->log) != NULL;
			if (!said)
				fail_msg("%s: no diagnostic saying \"%s\"", c->name, c->log);
			pg_backend_close(t->be);
			free(t);
		}
	}
}

static void test_accessors(void **state)
{
	struct mt *t = mt_new(PG_PROFILE_DEVICE_MODEL, NULL);

	(void)state;
	assert_int_equal(pg_mediator_profile(t->m), PG_PROFILE_DEVICE_MODEL);
	assert_string_equal(pg_mediator_name(t->m), "test0");
	assert_int_equal(pg_mediator_profile(NULL), PG_PROFILE_GUEST);
	assert_false(pg_mediator_cap_visible(NULL, false, PG_CAP_PM));
	assert_int_equal(pg_mediator_irq_type(NULL), PG_IRQ_NONE);
	pg_mediator_config_init(NULL);
	pg_mediator_free(NULL);
	mt_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_accessors),
		cmocka_unit_test(test_refuse_no_device),
		cmocka_unit_test(test_corpus),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
