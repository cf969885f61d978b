/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What `pcigate view --transport qemu72` prints is what a guest served by `pcigate serve`
 * reads (issue 7: the served path used to apply its own per-dword rules, so view showed a
 * config space no served guest ever saw).
 *
 * For every corpus dump ($PG_CORPUS) and each profile, the view printed by the pcigate
 * binary under test (argv[1]) is compared byte for byte with the config space read through
 * the served path: a mediator built as serve builds it (QEMU 7.2 transport options) behind
 * pg_proto_dev_new() and its handler's cfg_read, dword by dword, as QEMU's proxy reads it.
 * The transport forwards 256 bytes, so the view must be 256 bytes long, and all 256 are
 * compared (past a short dump's end both show PG_MEDIATOR_DENY_BYTE). A device view
 * refuses (a bridge, no function) must be refused by the served path too.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <pcigate/pcigate.h>

#include "runprog.h"

#define CORPUS_FILES 316u

static const char *pcigate;

/* Parse `view` output: a header line, then "OFF: b0 ... b15" lines. */
static size_t parse_view(const char *out, uint8_t *buf, size_t max)
{
	const char *p = strchr(out, '\n');
	size_t n = 0;

	while (p && *++p) {
		unsigned off, b;
		int used;

		if (sscanf(p, "%x:%n", &off, &used) != 1 || off != n)
			return 0;
		p += used;
		for (unsigned i = 0; i < 16; i++) {
			if (sscanf(p, " %2x%n", &b, &used) != 1 || n >= max)
				return 0;
			buf[n++] = (uint8_t)b;
			p += used;
		}
		p = strchr(p, '\n');
	}
	return n;
}

/* The served path; returns the config length, or a negative errno when refused. */
static int served(const char *path, enum pg_profile p, uint8_t *buf)
{
	const struct pg_proto_handler *h = pg_proto_dev_handler();
	struct pg_mediator_config cfg;
	struct pg_backend *be = NULL;
	struct pg_mediator *m = NULL;
	struct pg_proto_dev *dev = NULL;
	int rc = pg_backend_model_open(path, &be, NULL);
	uint16_t len = 0;

	if (rc < 0)
		return rc;
	pg_mediator_config_init(&cfg);
	cfg.profile = p;
	cfg.options = PG_MEDIATOR_TRANSPORT_QEMU72;
	rc = pg_mediator_new(be, &cfg, &m);
	if (rc == 0)
		rc = pg_proto_dev_new(m, be, 0, NULL, NULL, &dev);
	len = PG_PROTO_CFG_SPACE;
	for (uint16_t off = 0; rc == 0 && off < len; off = (uint16_t)(off + 4)) {
		uint32_t v = 0;

		rc = h->cfg_read(dev, off, 4, &v); /* as QEMU's proxy reads: dwords */
		for (unsigned i = 0; i < 4; i++)
			buf[off + i] = (uint8_t)(v >> (8 * i));
	}
	pg_proto_dev_free(dev);
	pg_mediator_free(m);
	pg_backend_close(be);
	return rc < 0 ? rc : len;
}

static void check_one(const char *dir, const char *name, enum pg_profile p, unsigned *same,
		      unsigned *refused)
{
	char path[4096], why[256] = "", exe[4096], prof[32];
	char view_s[] = "view", tr[] = "--transport", q[] = "qemu72", pf[] = "--profile";
	char force[] = "--force"; /* bytes compared here; the HIGH refusal is test-cli-opts.sh's */
	char *argv[] = { exe, view_s, tr, q, pf, prof, force, path, NULL };
	uint8_t view[PG_CFG_EXT_LEN], hw[PG_CFG_EXT_LEN];
	size_t outlen = 0, n;
	int status = -1, len;
	char *out;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	snprintf(exe, sizeof(exe), "%s", pcigate);
	snprintf(prof, sizeof(prof), "%s", pg_profile_name(p));
	out = rp_run(argv, NULL, &outlen, &status, why, sizeof(why));
	if (!out)
		fail_msg("%s: %s", name, why);
	len = served(path, p, hw);
	if (status == 3) {
		if (len >= 0)
			fail_msg("%s (%s): view refused the device, the served path did not", name,
				 pg_profile_name(p));
		(*refused)++;
		free(out);
		return;
	}
	if (status != 0 || len < 0)
		fail_msg("%s (%s): view exit %d, served path %d", name, pg_profile_name(p),
			 status, len);
	n = parse_view(out, view, sizeof(view));
	free(out);
	if (n != PG_PROTO_CFG_SPACE)
		fail_msg("%s (%s): view printed %zu bytes, the transport has %u", name,
			 pg_profile_name(p), n, PG_PROTO_CFG_SPACE);
	for (size_t i = 0; i < n; i++) {
		uint8_t want = hw[i];

		if (view[i] != want)
			fail_msg("%s (%s): byte 0x%02zx: view 0x%02x, served guest reads 0x%02x",
				 name, pg_profile_name(p), i, view[i], want);
	}
	(*same)++;
}

static void test_view_equals_served(void **state)
{
	const char *dir = getenv("PG_CORPUS");
	unsigned same = 0, refused = 0;
	char **names = NULL;
	size_t n;

	(void)state;
	if (!dir)
		skip();
	n = rp_list_dir(dir, ".txt", 1024, &names);
	assert_int_equal(n, CORPUS_FILES);
	for (size_t i = 0; i < n; i++)
		for (int p = 0; p < PG_PROFILE__COUNT; p++)
			check_one(dir, names[i], (enum pg_profile)p, &same, &refused);
	rp_free_list(names, n);
	printf("# %u views equal to the served config space, %u refused by both\n", same,
	       refused);
	assert_int_equal(same + refused, CORPUS_FILES * PG_PROFILE__COUNT);
	assert_true(same > refused);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_view_equals_served),
	};

	if (argc < 2) {
		fprintf(stderr, "usage: %s PCIGATE\n", argv[0]);
		return 2;
	}
	pcigate = argv[1];
	return cmocka_run_group_tests(tests, NULL, NULL);
}
