/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Loading and validating policies (src/lib/policy/{load,schema,regs,yaml,names}.c): one
 * table row per validation rule and boundary, the decoded contents of a full entry, the
 * limits, the name tables against the cfg registry, and the file-level errors.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include <pcigate/pcigate.h>

#include "policy/policy-private.h"

#define N_ELEM(a) (sizeof(a) / sizeof((a)[0]))

/* A sentinel no load may write over on failure. */
static struct pg_policy *const SENTINEL = (struct pg_policy *)(uintptr_t)0x5a5a5a50;

static int load_str(const char *text, struct pg_policy **ret, struct pg_policy_error *err)
{
	memset(err, 0, sizeof(*err));
	return pg_policy_load_buf(text, strlen(text), ret, err);
}

/* ---- one row per rule ------------------------------------------------------------------ */

#define HDR "version: 1\ndevices:\n  - match: \"8086:15b8\"\n"
#define REG(body) HDR "    registers:\n      - { " body " }\n"   /* rule on line 5, col 9 */

struct rule_case {
	const char *name;
	const char *text;
	int rc;              /* 0, -EINVAL or -E2BIG */
	unsigned line, col;  /* where the error points */
	const char *why;     /* substring of the reason */
};

static const struct rule_case rule_cases[] = {
	/* registers: placement */
	{ "offset max byte", REG("offset: 0xfff, size: 1, access: read"), 0, 0, 0, NULL },
	{ "offset max dword", REG("offset: 0xffc, size: 4, access: read"), 0, 0, 0, NULL },
	{ "offset beyond", REG("offset: 0x1000, size: 1, access: read"), -EINVAL, 5, 19,
	  "beyond config space" },
	{ "offset huge", REG("offset: 0xffffffff, size: 1, access: read"), -EINVAL, 5, 19,
	  "beyond config space" },
	{ "past end", REG("offset: 0xffe, size: 4, access: read"), -EINVAL, 5, 19,
	  "runs past the end" },
	{ "misaligned 2", REG("offset: 0x41, size: 2, access: read"), -EINVAL, 5, 19,
	  "not aligned" },
	{ "misaligned 4", REG("offset: 0x42, size: 4, access: read"), -EINVAL, 5, 19,
	  "not aligned" },
	{ "size 0", REG("offset: 0x40, size: 0, access: read"), -EINVAL, 5, 31, "1, 2 or 4" },
	{ "size 3", REG("offset: 0x40, size: 3, access: read"), -EINVAL, 5, 31, "1, 2 or 4" },
	{ "size 8", REG("offset: 0x40, size: 8, access: read"), -EINVAL, 5, 31, "1, 2 or 4" },
	{ "no offset", REG("size: 4, access: read"), -EINVAL, 5, 9, "needs an 'offset'" },
	{ "no size", REG("offset: 0x40, access: read"), -EINVAL, 5, 9, "needs a 'size'" },
	{ "no access", REG("offset: 0x40, size: 4"), -EINVAL, 5, 9, "'access' or 'emulate'" },
	{ "both", REG("offset: 0x40, size: 4, access: read, emulate: 1"), -EINVAL, 5, 48,
	  "not both" },
	{ "both rev", REG("offset: 0x40, size: 4, emulate: 1, access: read"), -EINVAL, 5, 46,
	  "not both" },
	{ "mask+emulate", REG("offset: 0x40, size: 4, mask: 1, emulate: 1"), -EINVAL, 5, 43,
	  "belongs to access rules" },
	{ "bad access", REG("offset: 0x40, size: 4, access: READ"), -EINVAL, 5, 42,
	  "unknown access" },
	/* masks and values: width per size */
	{ "mask 1 full", REG("offset: 0x40, size: 1, access: read, mask: 0xff"), 0, 0, 0, NULL },
	{ "mask 1 wide", REG("offset: 0x40, size: 1, access: read, mask: 0x100"), -EINVAL, 5,
	  54, "wider than the 1-byte" },
	{ "mask 2 full", REG("offset: 0x40, size: 2, access: read, mask: 0xffff"), 0, 0, 0, NULL },
	{ "mask 2 wide", REG("offset: 0x40, size: 2, access: read, mask: 0x18000"), -EINVAL, 5,
	  54, "wider than the 2-byte" },
	{ "mask 4 full", REG("offset: 0x40, size: 4, access: read, mask: 0xffffffff"), 0, 0, 0,
	  NULL },
	{ "mask zero", REG("offset: 0x40, size: 4, access: read, mask: 0"), -EINVAL, 5, 54,
	  "opens nothing" },
	{ "emulate 1 full", REG("offset: 0x40, size: 1, emulate: 255"), 0, 0, 0, NULL },
	{ "emulate 1 wide", REG("offset: 0x40, size: 1, emulate: 256"), -EINVAL, 5, 43,
	  "wider than the 1-byte" },
	{ "emulate 2 wide", REG("offset: 0x40, size: 2, emulate: 0x10000"), -EINVAL, 5, 43,
	  "wider than the 2-byte" },
	{ "emulate 4 full", REG("offset: 0x40, size: 4, emulate: 0xffffffff"), 0, 0, 0, NULL },
	{ "emulate quoted", REG("offset: 0x40, size: 4, emulate: '0'"), -EINVAL, 5, 43,
	  "quoted string" },
	{ "overlap", HDR "    registers:\n      - { offset: 0x40, size: 4, access: read }\n"
	  "      - { offset: 0x43, size: 1, emulate: 0 }\n", -EINVAL, 6, 19,
	  "overlaps the rule at line 5" },
	{ "adjacent", HDR "    registers:\n      - { offset: 0x40, size: 4, access: read }\n"
	  "      - { offset: 0x44, size: 1, emulate: 0 }\n", 0, 0, 0, NULL },
	/* numbers */
	{ "leading zero", REG("offset: 0100, size: 1, access: read"), -EINVAL, 5, 19,
	  "got '0100'" },
	{ "hex too long", REG("offset: 0x000000040, size: 1, access: read"), -EINVAL, 5, 19,
	  "1-8 hex digits" },
	{ "plus sign", REG("offset: +64, size: 1, access: read"), -EINVAL, 5, 19, "got '+64'" },
	{ "float", REG("offset: 6.4e1, size: 1, access: read"), -EINVAL, 5, 19, "got '6.4e1'" },
	{ "decimal ok", REG("offset: 64, size: 1, access: read"), 0, 0, 0, NULL },
	{ "empty value", REG("offset: , size: 1, access: read"), -EINVAL, 5, 19, "got ''" },
	/* entries */
	{ "profile", HDR "    profile: Guest\n", -EINVAL, 4, 14, "unknown profile 'Guest'" },
	{ "profile list", HDR "    profile: [guest]\n", -EINVAL, 4, 14, "got a list" },
	{ "name empty", HDR "    name: ''\n", -EINVAL, 4, 11, "1-63 characters" },
	{ "name 63", HDR "    name: '123456789012345678901234567890123456789012345678901234567890"
	  "123'\n", 0, 0, 0, NULL },
	{ "name utf8", HDR "    name: \"caf\xc3\xa9\"\n", -EINVAL, 4, 11, "printable ASCII" },
	{ "caps not map", HDR "    capabilities: [vpd]\n", -EINVAL, 4, 19, "(a mapping)" },
	{ "cap ext std", HDR "    capabilities: {add: [ext:pm]}\n", -EINVAL, 4, 26,
	  "unknown capability 'ext:pm'" },
	{ "cap ext unk", HDR "    capabilities: {add: [ext:0x35]}\n", -EINVAL, 4, 26,
	  "unknown capability" },
	{ "cap big id", HDR "    capabilities: {add: [0x110]}\n", -EINVAL, 4, 26,
	  "unknown capability" },
	{ "cap remove dup", HDR "    capabilities: {remove: [msi, 5]}\n", -EINVAL, 4, 34,
	  "'msi' listed twice" },
	{ "cap rm then add", HDR "    capabilities: {remove: [vpd], add: [3]}\n", -EINVAL, 4,
	  41, "both added and removed" },
	{ "reset not map", HDR "    reset: flr\n", -EINVAL, 4, 12, "(a mapping)" },
	{ "reset avoid then prefer", HDR "    reset: {avoid: [pm], prefer: [pm]}\n", -EINVAL,
	  4, 35, "both preferred and avoided" },
	{ "reset prefer dup", HDR "    reset: {prefer: [pm, flr, pm]}\n", -EINVAL, 4, 31,
	  "listed twice" },
	{ "reset case", HDR "    reset: {prefer: [FLR]}\n", -EINVAL, 4, 22, "unknown reset" },
	{ "flags not list", HDR "    flags: no-rom\n", -EINVAL, 4, 12, "(a list)" },
	{ "flag dup", HDR "    flags: [no-d3, no-d3]\n", -EINVAL, 4, 20, "listed twice" },
	{ "flags all", HDR "    flags: [no-msix-mmap, no-intx, no-rom, no-d3, no-ext-cfg, "
	  "reset-required]\n", 0, 0, 0, NULL },
	/* document level */
	{ "version 0", "version: 0\ndevices: []\n", -EINVAL, 1, 10,
	  "unsupported policy version 0" },
	{ "version hex", "version: 0x1\ndevices: []\n", 0, 0, 0, NULL },
	{ "version late", "devices:\n  - match: nonsense\nversion: 3\n", -EINVAL, 3, 10,
	  "unsupported policy version 3" },
	{ "version late ok", "devices:\n  - match: nonsense\nversion: 1\n", -EINVAL, 2, 12,
	  "bad match" },
	{ "version map", "version: {a: 1}\ndevices: []\n", -EINVAL, 1, 10, "got a mapping" },
	{ "null doc", "~\n", -EINVAL, 1, 1, "got the value '~'" },
	{ "devices null", "version: 1\ndevices:\n", -EINVAL, 2, 9, "got an empty value" },
	{ "two docs", "version: 1\ndevices: []\n---\n", -EINVAL, 3, 1, "exactly one" },
	{ "doc end ok", "---\nversion: 1\ndevices: []\n...\n", 0, 0, 0, NULL },
	{ "merge key", HDR "    <<: {profile: guest}\n", -EINVAL, 4, 5, "unknown key '<<'" },
	{ "alias", HDR "    profile: *p\n", -EINVAL, 4, 14, "aliases" },
	{ "tag on map", HDR "    reset: !!map {prefer: [flr]}\n", -EINVAL, 4, 12, "tags" },
	{ "escape in key", HDR "    \"\\e]0;pwned\\a\\u00e9\": 1\n", -EINVAL, 4, 5,
	  "unknown key '?]0;pwned?\?\?' in device entry" },
	{ "nul in key", HDR "    \"pro\\0file\": guest\n", -EINVAL, 4, 5, "NUL character" },
	{ "tab indent", "version: 1\ndevices:\n\t- match: \"8086:15b8\"\n", -EINVAL, 3, 1,
	  "YAML syntax error" },
	{ "deep nesting",
	  HDR "    registers: [[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]\n",
	  -EINVAL, 4, 17, "register rule (a mapping), got a list" },
	{ "complex top key", "? [a]\n: b\nversion: 1\ndevices: []\n", -EINVAL, 1, 3,
	  "expected a key, got a list" },
	{ "syntax before version", "devices: [a, b\nversion: 1\n", -EINVAL, 2, 8,
	  "YAML syntax error" },
	{ "deep before version", "devices: [[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]\n"
	  "version: 1\n", -EINVAL, 1, 11, "device entry (a mapping), got a list" },
};

static void test_rules(void **state)
{
	unsigned failures = 0;

	/* Report every mismatching row, then fail once. */
	for (size_t i = 0; i < N_ELEM(rule_cases); i++) {
		const struct rule_case *t = &rule_cases[i];
		struct pg_policy *p = SENTINEL;
		struct pg_policy_error err;
		int r = load_str(t->text, &p, &err);

		if (t->rc == 0 && r == 0) {
			assert_ptr_not_equal(p, SENTINEL);
			pg_policy_free(p);
			continue;
		}
		for (const char *m = err.msg; r && *m; m++)
			assert_true(*m >= 0x20 && *m <= 0x7e); /* printable ASCII only */
		if (r == t->rc && err.line == t->line && err.column == t->col &&
		    strstr(err.msg, t->why) && p == SENTINEL)
			continue;
		print_error("%s: got %d %u:%u '%s', expected %d %u:%u '%s'\n", t->name, r,
			    err.line, err.column, r ? err.msg : "", t->rc, t->line, t->col,
			    t->why ? t->why : "");
		if (r == 0)
			pg_policy_free(p);
		failures++;
	}
	assert_int_equal(failures, 0);
}

/* Every byte of the standard header: only 0x0c, 0x0d and 0x0f may be opened, by any kind
 * of rule; every byte above the header may. */
static void test_header_bytes(void **state)
{
	static const char *const kinds[] = { "access: read", "access: write", "emulate: 0" };

	for (unsigned off = 0; off < 0x48; off++) {
		bool allowed = off == 0x0c || off == 0x0d || off == 0x0f || off >= 0x40;

		for (size_t k = 0; k < N_ELEM(kinds); k++) {
			struct pg_policy *p = SENTINEL;
			struct pg_policy_error err;
			char text[256];
			int r;

			(void)snprintf(text, sizeof(text),
				       REG("offset: 0x%x, size: 1, %s"), off, kinds[k]);
			r = load_str(text, &p, &err);
			if (allowed != (r == 0))
				fail_msg("byte 0x%02x (%s): rc %d '%s'", off, kinds[k], r, err.msg);
			if (r == 0) {
				pg_policy_free(p);
				continue;
			}
			assert_non_null(strstr(err.msg, "a policy may never open it"));
			assert_int_equal(err.line, 5);
		}
	}
}

/* ---- the decoded contents -------------------------------------------------------------- */

static const char full_text[] =
	"version: 1\n"
	"devices:\n"
	"  - match: \"8086:15b8:17aa:2233@03\"\n"
	"    name: \"Intel I219-V\"\n"
	"    profile: device-model\n"
	"    capabilities: { add: [vpd, ext:sriov], remove: [pcie, ext:aer, msi] }\n"
	"    registers:\n"
	"      - { offset: 0xa0, size: 4, emulate: 0x12345678 }\n"
	"      - { offset: 0x41, size: 1, access: read, mask: 0x0f }\n"
	"      - { offset: 0x100, size: 2, access: read-write }\n"
	"      - { offset: 0x0c, size: 1, access: write }\n"
	"    reset: { prefer: [pm, flr], avoid: [bus] }\n"
	"    flags: [no-rom, no-msix-mmap]\n"
	"  - match: \"1af4:*\"\n";

static void test_contents(void **state)
{
	const struct pg_policy_entry *e, *e2;
	struct pg_policy_error err;
	struct pg_policy *p = NULL;

	assert_int_equal(load_str(full_text, &p, &err), 0);
	assert_int_equal(pg_policy_count(p), 2);
	e = pg_policy_entry_at(p, 0);
	assert_non_null(e);
	assert_null(pg_policy_entry_at(p, 2));
	assert_int_equal(e->line, 3);
	assert_int_equal(e->column, 5);
	assert_string_equal(e->name, "Intel I219-V");
	assert_int_equal(e->profile, PG_PROFILE_DEVICE_MODEL);
	assert_true(e->match.has_subsys && e->match.has_revision);

	assert_int_equal(e->n_cap_add, 2);
	assert_true(!e->cap_add[0].extended && e->cap_add[0].id == PG_CAP_VPD);
	assert_true(e->cap_add[1].extended && e->cap_add[1].id == PG_ECAP_SRIOV);
	assert_int_equal(e->n_cap_remove, 3);
	assert_true(!e->cap_remove[0].extended && e->cap_remove[0].id == PG_CAP_EXP);
	assert_true(e->cap_remove[1].extended && e->cap_remove[1].id == PG_ECAP_AER);
	assert_true(!e->cap_remove[2].extended && e->cap_remove[2].id == PG_CAP_MSI);

	/* sorted by offset; default and emulate masks are the full width */
	assert_int_equal(e->nregs, 4);
	assert_int_equal(e->regs[0].offset, 0x0c);
	assert_int_equal(e->regs[0].access, PG_POLICY_ACCESS_WRITE);
	assert_int_equal(e->regs[0].mask, 0xff);
	assert_int_equal(e->regs[0].line, 11);
	assert_int_equal(e->regs[1].offset, 0x41);
	assert_int_equal(e->regs[1].access, PG_POLICY_ACCESS_READ);
	assert_int_equal(e->regs[1].mask, 0x0f);
	assert_false(e->regs[1].emulate);
	assert_int_equal(e->regs[2].offset, 0xa0);
	assert_true(e->regs[2].emulate);
	assert_int_equal(e->regs[2].access, 0);
	assert_int_equal(e->regs[2].value, 0x12345678);
	assert_int_equal(e->regs[2].mask, 0xffffffff);
	assert_int_equal(e->regs[2].size, 4);
	assert_int_equal(e->regs[3].offset, 0x100);
	assert_int_equal(e->regs[3].access, PG_POLICY_ACCESS_READ | PG_POLICY_ACCESS_WRITE);
	assert_int_equal(e->regs[3].mask, 0xffff);

	assert_int_equal(e->n_reset_prefer, 2);
	assert_int_equal(e->reset_prefer[0], PG_RESET_PM);
	assert_int_equal(e->reset_prefer[1], PG_RESET_FLR);
	assert_int_equal(e->reset_avoid, PG_POLICY_RESET_BIT(PG_RESET_BUS));
	assert_int_equal(e->flags, PG_POLICY_F_NO_ROM | PG_POLICY_F_NO_MSIX_MMAP);

	/* an entry with only a match: defaults, NULL arrays */
	e2 = pg_policy_entry_at(p, 1);
	assert_int_equal(e2->profile, PG_PROFILE_GUEST);
	assert_string_equal(e2->name, "");
	assert_null(e2->regs);
	assert_null(e2->cap_add);
	assert_null(e2->cap_remove);
	assert_int_equal(e2->nregs + e2->n_cap_add + e2->n_cap_remove + e2->n_reset_prefer, 0);
	assert_int_equal(e2->reset_avoid | e2->flags, 0);
	assert_ptr_equal(pg_policy_lookup(p, 0x8086, 0x15b8, 0x17aa, 0x2233, 0x03), e);
	assert_ptr_equal(pg_policy_lookup(p, 0x1af4, 0x1000, 0, 0, 0), e2);
	assert_null(pg_policy_lookup(p, 0x8086, 0x15b8, 0x17aa, 0x2233, 0x04));
	pg_policy_free(p);
}

/* Fail closed: a valid entry before the bad one is not handed out. */
static void test_fail_closed(void **state)
{
	struct pg_policy *p = SENTINEL;
	struct pg_policy_error err;

	assert_int_equal(load_str("version: 1\ndevices:\n  - match: \"8086:15b8\"\n"
				  "  - match: \"8086:15b9\"\n    flags: [bogus]\n", &p, &err),
			 -EINVAL);
	assert_ptr_equal(p, SENTINEL);
	assert_int_equal(err.line, 5);
	/* err may be NULL */
	assert_int_equal(pg_policy_load_buf("version: 2\ndevices: []\n", 23, &p, NULL), -EINVAL);
	assert_ptr_equal(p, SENTINEL);
	assert_int_equal(pg_policy_load_buf("version: 1\ndevices: []\n", 23, &p, NULL), 0);
	assert_int_equal(pg_policy_count(p), 0);
	pg_policy_free(p);
	pg_policy_free(NULL);
}

static void test_bad_args(void **state)
{
	struct pg_policy *p = SENTINEL;
	struct pg_policy_error err;

	assert_int_equal(pg_policy_load_buf(NULL, 0, &p, &err), -EINVAL);
	assert_true(err.msg[0] != '\0');
	assert_int_equal(pg_policy_load_buf("x", 1, NULL, &err), -EINVAL);
	assert_int_equal(pg_policy_load_file(NULL, &p, &err), -EINVAL);
	assert_int_equal(pg_policy_load_file("/nonexistent", NULL, &err), -EINVAL);
	assert_ptr_equal(p, SENTINEL);
}

/* ---- limits ---------------------------------------------------------------------------- */

static char big[PG_POLICY_MAX_FILE + 2];

static int load_big(size_t len, struct pg_policy **p, struct pg_policy_error *err)
{
	memset(err, 0, sizeof(*err));
	return pg_policy_load_buf(big, len, p, err);
}

static size_t gen_regs(unsigned n)
{
	size_t len = (size_t)snprintf(big, sizeof(big), HDR "    registers:\n");

	for (unsigned i = 0; i < n; i++)
		len += (size_t)snprintf(big + len, sizeof(big) - len,
					"      - { offset: 0x%x, size: 4, access: read }\n",
					0x40 + 4 * i);
	return len;
}

static size_t gen_entries(unsigned n)
{
	size_t len = (size_t)snprintf(big, sizeof(big), "version: 1\ndevices:\n");

	for (unsigned i = 0; i < n; i++)
		len += (size_t)snprintf(big + len, sizeof(big) - len, "  - match: \"1234:%04x\"\n",
					i);
	return len;
}

static size_t gen_caps(unsigned n)
{
	size_t len = (size_t)snprintf(big, sizeof(big), HDR "    capabilities:\n      add:\n");
	unsigned made = 0;

	/* distinct known capabilities, standard then extended */
	for (unsigned ext = 0; ext < 2 && made < n; ext++)
		for (unsigned id = 1; id < 0x40 && made < n; id++) {
			const char *name = pg_policy_cap_name(ext, (uint16_t)id);

			if (!name || strcmp(name, "exp") == 0)
				continue;
			len += (size_t)snprintf(big + len, sizeof(big) - len, "        - %s\n",
						name);
			made++;
		}
	assert_int_equal(made, n);
	return len;
}

static void expect_limit(size_t len, int want, const char *why)
{
	struct pg_policy *p = SENTINEL;
	struct pg_policy_error err;
	int r = load_big(len, &p, &err);

	if (want == 0) {
		if (r != 0)
			fail_msg("rejected: %u:%u %s", err.line, err.column, err.msg);
		pg_policy_free(p);
		return;
	}
	if (r != want || !strstr(err.msg, why))
		fail_msg("got %d '%s', expected %d '%s'", r, err.msg, want, why);
	assert_ptr_equal(p, SENTINEL);
}

static void test_limits(void **state)
{
	size_t len;

	expect_limit(gen_regs(PG_POLICY_MAX_REGS), 0, NULL);
	expect_limit(gen_regs(PG_POLICY_MAX_REGS + 1), -E2BIG, "at most 64");
	expect_limit(gen_entries(PG_POLICY_MAX_ENTRIES), 0, NULL);
	expect_limit(gen_entries(PG_POLICY_MAX_ENTRIES + 1), -E2BIG, "at most 1024");
	expect_limit(gen_caps(PG_POLICY_MAX_CAPS), 0, NULL);
	expect_limit(gen_caps(PG_POLICY_MAX_CAPS + 1), -E2BIG, "at most 32");
	len = (size_t)snprintf(big, sizeof(big), HDR "    reset: {prefer: [flr, pm, bus, flr]}\n");
	expect_limit(len, -E2BIG, "at most 3");

	/* scalars: 256 bytes is read (and judged), 257 is refused unread */
	len = (size_t)snprintf(big, sizeof(big), HDR "    profile: %0256d\n", 0);
	expect_limit(len, -EINVAL, "unknown profile");
	len = (size_t)snprintf(big, sizeof(big), HDR "    profile: %0257d\n", 0);
	expect_limit(len, -E2BIG, "longer than 256");

	/* the text itself: exactly the limit loads, one byte more does not */
	len = (size_t)snprintf(big, sizeof(big), "version: 1\ndevices: []\n#");
	memset(big + len, 'x', PG_POLICY_MAX_FILE - len);
	expect_limit(PG_POLICY_MAX_FILE, 0, NULL);
	big[PG_POLICY_MAX_FILE] = 'x';
	expect_limit(PG_POLICY_MAX_FILE + 1, -E2BIG, "limit");
}

/* ---- names ----------------------------------------------------------------------------- */

static void test_profile_names(void **state)
{
	enum pg_profile pr = PG_PROFILE_PERMISSIVE;

	for (unsigned i = 0; i < PG_PROFILE__COUNT; i++) {
		assert_int_equal(pg_profile_parse(pg_profile_name((enum pg_profile)i), &pr), 0);
		assert_int_equal(pr, i);
	}
	assert_string_equal(pg_profile_name(PG_PROFILE_GUEST), "guest");
	assert_string_equal(pg_profile_name(PG_PROFILE_DEVICE_MODEL), "device-model");
	assert_string_equal(pg_profile_name(PG_PROFILE_PERMISSIVE), "permissive");
	assert_string_equal(pg_profile_name(PG_PROFILE__COUNT), "invalid");
	pr = PG_PROFILE_DEVICE_MODEL;
	assert_int_equal(pg_profile_parse("Guest", &pr), -EINVAL);
	assert_int_equal(pg_profile_parse("", &pr), -EINVAL);
	assert_int_equal(pg_profile_parse("invalid", &pr), -EINVAL);
	assert_int_equal(pg_profile_parse(NULL, &pr), -EINVAL);
	assert_int_equal(pg_profile_parse("guest", NULL), -EINVAL);
	assert_int_equal(pr, PG_PROFILE_DEVICE_MODEL); /* untouched on failure */
}

/* The policy names cover exactly the IDs the cfg registry knows (except Null), and every
 * name parses back to its ID. */
static void test_cap_names(void **state)
{
	unsigned named = 0;

	for (unsigned ext = 0; ext < 2; ext++) {
		for (unsigned id = 0; id <= 0x100; id++) {
			const char *pname = pg_policy_cap_name(ext, (uint16_t)id);
			bool known = strcmp(pg_cap_name(ext, (uint16_t)id), "Unknown") != 0;
			struct pg_policy_cap cap;
			char num[16];

			if (id == 0) {
				assert_null(pname);
				continue;
			}
			if (known != (pname != NULL))
				fail_msg("%s ID 0x%x: registry %s, policy name %s",
					 ext ? "ext" : "std", id, known ? "knows it" : "does not",
					 pname ? pname : "none");
			(void)snprintf(num, sizeof(num), "%s0x%x", ext ? "ext:" : "", id);
			if (!pname) {
				assert_int_equal(pg_policy_cap_parse(num, &cap), -EINVAL);
				continue;
			}
			named++;
			assert_int_equal(pg_policy_cap_parse(pname, &cap), 0);
			assert_true(cap.extended == (bool)ext && cap.id == id);
			assert_int_equal(strncmp(pname, "ext:", 4) == 0, ext);
			assert_int_equal(pg_policy_cap_parse(num, &cap), 0);
			assert_true(cap.extended == (bool)ext && cap.id == id);
		}
	}
	assert_true(named > 60);
}

static void test_cap_parse(void **state)
{
	static const struct {
		const char *text;
		int rc;
		bool ext;
		uint16_t id;
	} cases[] = {
		{ "exp", 0, false, PG_CAP_EXP }, { "PCIe", 0, false, PG_CAP_EXP },
		{ "MSIX", 0, false, PG_CAP_MSIX }, { "17", 0, false, PG_CAP_MSIX },
		{ "EXT:AER", 0, true, PG_ECAP_AER }, { "ext:0x0001", 0, true, PG_ECAP_AER },
		{ "ext:16", 0, true, PG_ECAP_SRIOV }, { "ext:vndr", 0, true, PG_ECAP_VNDR },
		{ "vndr", 0, false, PG_CAP_VNDR },
		{ "", -EINVAL, 0, 0 }, { "ext:", -EINVAL, 0, 0 }, { "0", -EINVAL, 0, 0 },
		{ "aer", -EINVAL, 0, 0 }, { "ext:msix", -EINVAL, 0, 0 },
		{ "ext:ext:aer", -EINVAL, 0, 0 }, { "msix ", -EINVAL, 0, 0 },
		{ "0x11x", -EINVAL, 0, 0 }, { "-1", -EINVAL, 0, 0 },
	};

	for (size_t i = 0; i < N_ELEM(cases); i++) {
		struct pg_policy_cap cap = { .extended = true, .id = 0xbeef };
		int r = pg_policy_cap_parse(cases[i].text, &cap);

		if (r != cases[i].rc)
			fail_msg("'%s': rc %d", cases[i].text, r);
		if (r == 0)
			assert_true(cap.extended == cases[i].ext && cap.id == cases[i].id);
		else
			assert_int_equal(cap.id, 0xbeef);
	}
	assert_int_equal(pg_policy_cap_parse(NULL, &(struct pg_policy_cap){ 0 }), -EINVAL);
	assert_string_equal(pg_policy_cap_name(false, PG_CAP_EXP), "pcie");
}

static void test_reset_flag_names(void **state)
{
	enum pg_reset_method m;
	unsigned nflags = 0;

	assert_string_equal(pg_policy_reset_name(PG_RESET_ANY), "any");
	assert_string_equal(pg_policy_reset_name(PG_RESET_FLR), "flr");
	assert_string_equal(pg_policy_reset_name(PG_RESET_PM), "pm");
	assert_string_equal(pg_policy_reset_name(PG_RESET_BUS), "bus");
	assert_string_equal(pg_policy_reset_name((enum pg_reset_method)99), "invalid");
	for (unsigned i = PG_RESET_FLR; i <= PG_RESET_BUS; i++) {
		assert_int_equal(pp_reset_parse(pg_policy_reset_name((enum pg_reset_method)i), &m),
				 0);
		assert_int_equal(m, i);
	}
	assert_int_equal(pp_reset_parse("any", &m), -EINVAL);
	for (unsigned bit = 0; bit < 32; bit++) {
		const char *name = pg_policy_flag_name(1u << bit);

		assert_int_equal(name != NULL, ((1u << bit) & PG_POLICY_F__ALL) != 0);
		if (name) {
			assert_int_equal(pp_flag_parse(name), 1u << bit);
			nflags++;
		}
	}
	assert_int_equal(nflags, 6);
	assert_null(pg_policy_flag_name(0));
	assert_null(pg_policy_flag_name(PG_POLICY_F_NO_ROM | PG_POLICY_F_NO_D3));
	assert_int_equal(pp_flag_parse("NO-ROM"), 0);
}

static void test_numbers(void **state)
{
	static const struct {
		const char *text;
		int rc;
		uint32_t v;
	} cases[] = {
		{ "0", 0, 0 }, { "7", 0, 7 }, { "4294967295", 0, 0xffffffffu },
		{ "0x0", 0, 0 }, { "0XfF", 0, 0xff }, { "0xffffffff", 0, 0xffffffffu },
		{ "0x00000001", 0, 1 },
		{ "", -EINVAL, 0 }, { "0x", -EINVAL, 0 }, { "00", -EINVAL, 0 },
		{ "012", -EINVAL, 0 }, { "4294967296", -EINVAL, 0 }, { "99999999999", -EINVAL, 0 },
		{ "0x100000000", -EINVAL, 0 }, { "0x000000001", -EINVAL, 0 }, { "1 ", -EINVAL, 0 },
		{ "-1", -EINVAL, 0 }, { "+1", -EINVAL, 0 }, { "0b1", -EINVAL, 0 },
		{ "1_000", -EINVAL, 0 }, { "0x1g", -EINVAL, 0 }, { "1e3", -EINVAL, 0 },
	};

	for (size_t i = 0; i < N_ELEM(cases); i++) {
		uint32_t v = 0xdeadbeef;
		int r = pp_parse_number(cases[i].text, &v);

		if (r != cases[i].rc || (r == 0 && v != cases[i].v) || (r < 0 && v != 0xdeadbeef))
			fail_msg("'%s': rc %d value 0x%x", cases[i].text, r, v);
	}
}

/* ---- files ----------------------------------------------------------------------------- */

static char tmpdir[64];

static int make_tmp(void **state)
{
	(void)snprintf(tmpdir, sizeof(tmpdir), "/tmp/pg-policy-test-XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int remove_tmp(void **state)
{
	char path[128];
	static const char *const names[] = { "fifo", "big.yaml", "ok.yaml" };

	for (size_t i = 0; i < N_ELEM(names); i++) {
		(void)snprintf(path, sizeof(path), "%s/%s", tmpdir, names[i]);
		(void)unlink(path);
	}
	return rmdir(tmpdir);
}

static void expect_file(const char *path, int want, const char *why)
{
	struct pg_policy *p = SENTINEL;
	struct pg_policy_error err;
	int r;

	memset(&err, 0xff, sizeof(err));
	r = pg_policy_load_file(path, &p, &err);
	if (r != want || !strstr(err.msg, why))
		fail_msg("%s: got %d '%s', expected %d '%s'", path, r, err.msg, want, why);
	assert_int_equal(err.line, 0);
	assert_int_equal(err.column, 0);
	assert_ptr_equal(p, SENTINEL);
}

static void test_files(void **state)
{
	struct pg_policy *p = NULL;
	char path[128];
	FILE *f;

	expect_file("/nonexistent/policy.yaml", -ENOENT, "cannot open");
	expect_file(tmpdir, -EISDIR, "directory");
	(void)snprintf(path, sizeof(path), "%s/fifo", tmpdir);
	assert_int_equal(mkfifo(path, 0600), 0);
	expect_file(path, -ENODEV, "not a regular file"); /* and it did not block */
	(void)snprintf(path, sizeof(path), "%s/big.yaml", tmpdir);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fseek(f, PG_POLICY_MAX_FILE, SEEK_SET), 0);
	assert_int_equal(fputc('\n', f), '\n');
	assert_int_equal(fclose(f), 0);
	expect_file(path, -E2BIG, "limit");

	(void)snprintf(path, sizeof(path), "%s/ok.yaml", tmpdir);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_true(fputs(full_text, f) >= 0);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(pg_policy_load_file(path, &p, NULL), 0);
	assert_int_equal(pg_policy_count(p), 2);
	pg_policy_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rules),
		cmocka_unit_test(test_header_bytes),
		cmocka_unit_test(test_contents),
		cmocka_unit_test(test_fail_closed),
		cmocka_unit_test(test_bad_args),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_profile_names),
		cmocka_unit_test(test_cap_names),
		cmocka_unit_test(test_cap_parse),
		cmocka_unit_test(test_reset_flag_names),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test_setup_teardown(test_files, make_tmp, remove_tmp),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
