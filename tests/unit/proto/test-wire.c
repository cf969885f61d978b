/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Tests of the pure mpqemu decoder/encoder (src/lib/proto/wire.c), table-driven: every
 * command's valid and invalid header forms, fd-count limits per command, config access
 * validation (len, alignment, range, value width), BAR access validation, SYNC_SYSMEM
 * region validation, the RET encoding and command names.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <pcigate/proto.h>

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

static void put64(uint8_t *p, uint64_t v)
{
	memcpy(p, &v, 8);
}

static void hdr(uint8_t *b, int32_t cmd, uint64_t size)
{
	memset(b, 0, PG_PROTO_HDR_SIZE);
	put32(b, (uint32_t)cmd);
	put64(b + 8, size);
}

/* ---- headers ------------------------------------------------------------------------- */

static const struct {
	int32_t cmd;
	uint64_t size;
	int rc;
	const char *text; /* substring of the error text */
} hdr_cases[] = {
	{ PG_PROTO_SYNC_SYSMEM, 192, 0, NULL },
	{ PG_PROTO_CFGWRITE, 12, 0, NULL },
	{ PG_PROTO_CFGREAD, 12, 0, NULL },
	{ PG_PROTO_BAR_WRITE, 24, 0, NULL },
	{ PG_PROTO_BAR_READ, 24, 0, NULL },
	{ PG_PROTO_SET_IRQFD, 0, 0, NULL },
	{ PG_PROTO_DEVICE_RESET, 0, 0, NULL },
	{ PG_PROTO_RET, 8, -EPROTO, "server reply" },
	{ PG_PROTO_CMD_MAX, 0, -EPROTO, "unknown command 8" },
	{ -1, 0, -EPROTO, "unknown command -1" },
	{ 0x7fffffff, 0, -EPROTO, "unknown command" },
	{ PG_PROTO_CFGREAD, 193, -EPROTO, "exceeds the 192-byte limit" },
	{ PG_PROTO_SYNC_SYSMEM, 193, -EPROTO, "exceeds" },
	{ PG_PROTO_CFGREAD, UINT64_MAX, -EPROTO, "exceeds" },
	{ PG_PROTO_CFGREAD, 1ull << 32, -EPROTO, "exceeds" },
	{ PG_PROTO_CFGREAD, 8, -EPROTO, "expected 12" },
	{ PG_PROTO_CFGREAD, 0, -EPROTO, "expected 12" },
	{ PG_PROTO_BAR_READ, 21, -EPROTO, "expected 24" },
	{ PG_PROTO_SYNC_SYSMEM, 64, -EPROTO, "expected 192" },
	{ PG_PROTO_SET_IRQFD, 1, -EPROTO, "expected 0" },
	{ PG_PROTO_DEVICE_RESET, 8, -EPROTO, "expected 0" },
};

static void test_headers(void **state)
{
	for (size_t i = 0; i < sizeof(hdr_cases) / sizeof(hdr_cases[0]); i++) {
		uint8_t b[PG_PROTO_HDR_SIZE];
		struct pg_proto_hdr h = { .cmd = PG_PROTO_CMD_MAX, .size = 999 };
		struct pg_proto_error err = { 0, "" };
		int rc;

		hdr(b, hdr_cases[i].cmd, hdr_cases[i].size);
		rc = pg_proto_decode_header(b, &h, &err);
		if (rc != hdr_cases[i].rc)
			fail_msg("case %zu: rc %d, expected %d (%s)", i, rc, hdr_cases[i].rc,
				 err.text);
		if (rc == 0) {
			assert_int_equal(h.cmd, hdr_cases[i].cmd);
			assert_int_equal(h.size, hdr_cases[i].size);
		} else {
			/* output untouched on error */
			assert_int_equal(h.cmd, PG_PROTO_CMD_MAX);
			assert_int_equal(h.size, 999);
			assert_int_equal(err.code, rc);
			if (!strstr(err.text, hdr_cases[i].text))
				fail_msg("case %zu: '%s' lacks '%s'", i, err.text, hdr_cases[i].text);
		}
	}
}

static void test_header_padding_ignored(void **state)
{
	uint8_t b[PG_PROTO_HDR_SIZE];
	struct pg_proto_hdr h;

	hdr(b, PG_PROTO_CFGREAD, 12);
	memset(b + 4, 0xa5, 4);
	assert_int_equal(pg_proto_decode_header(b, &h, NULL), 0);
	assert_int_equal(h.cmd, PG_PROTO_CFGREAD);
}

/* ---- fd counts ------------------------------------------------------------------------ */

static int decode_with(int cmd, const uint8_t *payload, unsigned nfds, struct pg_proto_msg *m,
		       struct pg_proto_error *err)
{
	uint8_t b[PG_PROTO_HDR_SIZE];
	struct pg_proto_hdr h;
	static const uint32_t sizes[] = { 192, 8, 12, 12, 24, 24, 0, 0 };
	int rc;

	hdr(b, cmd, sizes[cmd]);
	rc = pg_proto_decode_header(b, &h, err);
	return rc ? rc : pg_proto_decode(&h, payload, nfds, m, err);
}

static void test_fd_limits(void **state)
{
	/* Allowed fd range per command: SYNC_SYSMEM 1..8, SET_IRQFD 2, others 0. */
	static const struct { int cmd; unsigned lo, hi; } lim[] = {
		{ PG_PROTO_SYNC_SYSMEM, 1, 8 }, { PG_PROTO_CFGWRITE, 0, 0 },
		{ PG_PROTO_CFGREAD, 0, 0 }, { PG_PROTO_BAR_WRITE, 0, 0 },
		{ PG_PROTO_BAR_READ, 0, 0 }, { PG_PROTO_SET_IRQFD, 2, 2 },
		{ PG_PROTO_DEVICE_RESET, 0, 0 },
	};
	uint8_t sysmem[PG_PROTO_MAX_PAYLOAD], other[PG_PROTO_MAX_PAYLOAD];

	/* valid field values: cfg len 4 at +8, bar size 4 at +16; eight 4 KiB regions */
	memset(other, 0, sizeof(other));
	put32(other + 8, 4);
	put32(other + 16, 4);
	memset(sysmem, 0, sizeof(sysmem));
	for (unsigned r = 0; r < 8; r++) {
		put64(sysmem + 8 * r, (uint64_t)r << 20);
		put64(sysmem + 64 + 8 * r, 4096);
	}
	for (size_t i = 0; i < sizeof(lim) / sizeof(lim[0]); i++) {
		for (unsigned n = 0; n <= 12; n++) {
			struct pg_proto_msg m;
			struct pg_proto_error err = { 0, "" };
			int rc = decode_with(lim[i].cmd, lim[i].cmd == PG_PROTO_SYNC_SYSMEM ?
					     sysmem : other, n, &m, &err);
			bool ok = n >= lim[i].lo && n <= lim[i].hi;

			if ((rc == 0) != ok)
				fail_msg("%s with %u fds: rc %d (%s)", pg_proto_cmd_name(lim[i].cmd),
					 n, rc, err.text);
			if (!ok) {
				assert_int_equal(rc, -EPROTO);
				assert_non_null(strstr(err.text, "fds"));
			} else if (lim[i].cmd == PG_PROTO_SYNC_SYSMEM) {
				assert_int_equal(m.u.sysmem.nregions, n);
			}
		}
	}
}

/* ---- config accesses ------------------------------------------------------------------ */

static const struct {
	bool write;
	uint32_t addr, val;
	int32_t len;
	int rc;
	const char *text;
} cfg_cases[] = {
	{ false, 0x00, 0, 1, 0, NULL },
	{ false, 0x00, 0, 2, 0, NULL },
	{ false, 0x00, 0, 4, 0, NULL },
	{ false, 0xfc, 0, 4, 0, NULL },
	{ false, 0xff, 0, 1, 0, NULL },
	{ false, 0xfe, 0, 2, 0, NULL },
	{ true, 0x04, 0xffff, 2, 0, NULL },
	{ true, 0x3c, 0xff, 1, 0, NULL },
	{ true, 0x10, 0xffffffff, 4, 0, NULL },
	{ false, 0x00, 0, 0, -EPROTO, "len 0 is not 1, 2 or 4" },
	{ false, 0x00, 0, 3, -EPROTO, "len 3" },
	{ false, 0x00, 0, 8, -EPROTO, "len 8" },
	{ false, 0x00, 0, -1, -EPROTO, "len -1" },
	{ false, 0x100, 0, 1, -EPROTO, "beyond the 256-byte config space" },
	{ false, 0xfe, 0, 4, -EPROTO, "beyond" },
	{ false, 0xfffffffc, 0, 4, -EPROTO, "beyond" },  /* would wrap in 32 bits */
	{ false, 0xffffffff, 0, 1, -EPROTO, "beyond" },
	{ false, 0x01, 0, 2, -EPROTO, "not aligned" },
	{ false, 0x02, 0, 4, -EPROTO, "not aligned" },
	{ false, 0x03, 0, 2, -EPROTO, "not aligned" },
	{ true, 0x04, 0x10000, 2, -EPROTO, "wider than len 2" },
	{ true, 0x3c, 0x100, 1, -EPROTO, "wider than len 1" },
};

static void test_cfg(void **state)
{
	for (size_t i = 0; i < sizeof(cfg_cases) / sizeof(cfg_cases[0]); i++) {
		uint8_t p[PG_PROTO_CFG_SIZE];
		struct pg_proto_msg m = { .cmd = PG_PROTO_CMD_MAX };
		struct pg_proto_error err = { 0, "" };
		int cmd = cfg_cases[i].write ? PG_PROTO_CFGWRITE : PG_PROTO_CFGREAD;
		int rc;

		put32(p, cfg_cases[i].addr);
		put32(p + 4, cfg_cases[i].val);
		put32(p + 8, (uint32_t)cfg_cases[i].len);
		rc = decode_with(cmd, p, 0, &m, &err);
		if (rc != cfg_cases[i].rc)
			fail_msg("case %zu: rc %d, expected %d (%s)", i, rc, cfg_cases[i].rc, err.text);
		if (rc == 0) {
			assert_int_equal(m.cmd, cmd);
			assert_int_equal(m.u.cfg.addr, cfg_cases[i].addr);
			assert_int_equal(m.u.cfg.len, cfg_cases[i].len);
			assert_int_equal(m.u.cfg.val, cfg_cases[i].write ? cfg_cases[i].val : 0);
		} else {
			assert_int_equal(m.cmd, PG_PROTO_CMD_MAX);
			if (!strstr(err.text, cfg_cases[i].text))
				fail_msg("case %zu: '%s' lacks '%s'", i, err.text, cfg_cases[i].text);
			assert_non_null(strstr(err.text, pg_proto_cmd_name(cmd)));
		}
	}
}

/* A read's val field is ignored (QEMU sends 0, a hostile peer anything). */
static void test_cfg_read_val_ignored(void **state)
{
	uint8_t p[PG_PROTO_CFG_SIZE];
	struct pg_proto_msg m;

	put32(p, 0);
	put32(p + 4, 0xdeadbeef);
	put32(p + 8, 1);
	assert_int_equal(decode_with(PG_PROTO_CFGREAD, p, 0, &m, NULL), 0);
	assert_int_equal(m.u.cfg.val, 0);
}

/* ---- BAR accesses --------------------------------------------------------------------- */

static const struct {
	bool write;
	uint64_t addr, val;
	uint32_t size;
	uint8_t memory;
	int rc;
	const char *text;
} bar_cases[] = {
	{ false, 0xfeb00000, 0, 4, 1, 0, NULL },
	{ false, 0xfeb00001, 0, 1, 1, 0, NULL },
	{ false, 0xfeb00002, 0, 2, 1, 0, NULL },
	{ false, 0xfeb00008, 0, 8, 1, 0, NULL },
	{ false, 0xc000, 0, 4, 0, 0, NULL },
	{ false, 0xfffffffffffffff8ull, 0, 8, 1, 0, NULL },  /* ends exactly at 2^64 - 1 */
	{ true, 0xfeb00000, 0xffffffff, 4, 1, 0, NULL },
	{ true, 0xfeb00000, UINT64_MAX, 8, 1, 0, NULL },
	{ false, 0xfeb00000, 0, 0, 1, -EPROTO, "size 0 is not" },
	{ false, 0xfeb00000, 0, 3, 1, -EPROTO, "size 3" },
	{ false, 0xfeb00000, 0, 16, 1, -EPROTO, "size 16" },
	{ false, 0xfeb00000, 0, 4, 2, -EPROTO, "memory flag 2" },
	{ false, 0xfeb00000, 0, 4, 0xff, -EPROTO, "memory flag" },
	{ false, 0xfeb00002, 0, 4, 1, -EPROTO, "not aligned" },
	{ false, 0xfeb00004, 0, 8, 1, -EPROTO, "not aligned" },
	{ false, 0x10000, 0, 4, 0, -EPROTO, "I/O port" },
	{ true, 0xfeb00000, 0x100, 1, 1, -EPROTO, "wider than size 1" },
	{ true, 0xfeb00000, 0x100000000ull, 4, 1, -EPROTO, "wider than size 4" },
};

static void test_bar(void **state)
{
	for (size_t i = 0; i < sizeof(bar_cases) / sizeof(bar_cases[0]); i++) {
		uint8_t p[PG_PROTO_BAR_SIZE];
		struct pg_proto_msg m = { .cmd = PG_PROTO_CMD_MAX };
		struct pg_proto_error err = { 0, "" };
		int cmd = bar_cases[i].write ? PG_PROTO_BAR_WRITE : PG_PROTO_BAR_READ;
		int rc;

		memset(p, 0xee, sizeof(p)); /* padding bytes are not looked at */
		put64(p, bar_cases[i].addr);
		put64(p + 8, bar_cases[i].val);
		put32(p + 16, bar_cases[i].size);
		p[20] = bar_cases[i].memory;
		rc = decode_with(cmd, p, 0, &m, &err);
		if (rc != bar_cases[i].rc)
			fail_msg("case %zu: rc %d, expected %d (%s)", i, rc, bar_cases[i].rc, err.text);
		if (rc == 0) {
			assert_true(m.u.bar.addr == bar_cases[i].addr);
			assert_int_equal(m.u.bar.size, bar_cases[i].size);
			assert_int_equal(m.u.bar.memory, bar_cases[i].memory);
			assert_true(m.u.bar.val == (bar_cases[i].write ? bar_cases[i].val : 0));
		} else if (!strstr(err.text, bar_cases[i].text)) {
			fail_msg("case %zu: '%s' lacks '%s'", i, err.text, bar_cases[i].text);
		}
	}
}

/* ---- SYNC_SYSMEM ---------------------------------------------------------------------- */

static const struct {
	uint64_t gpa, size, offset;
	int rc;
	const char *text;
} sysmem_cases[] = {
	{ 0, 0xa0000, 0, 0, NULL },
	{ 0x100000, 0x1ff00000, 0x100000, 0, NULL },
	{ 0, 0, 0, -EPROTO, "size 0" },
	{ UINT64_MAX - 0x1fff, 0x1000, 0, 0, NULL },          /* end 2^64 - 0x1000 */
	{ UINT64_MAX - 0xfff, 0x1000, 0, -EPROTO, "wraps" },  /* end 2^64: not representable */
	{ UINT64_MAX - 0xfff, 0x2000, 0, -EPROTO, "wraps" },
	{ 0, 0x1000, (uint64_t)INT64_MAX, -EPROTO, "out of range" },
	{ 0, 0x1000, UINT64_MAX, -EPROTO, "out of range" },   /* a negative off_t */
	/* size above INT64_MAX: offset + size wrapped past the check (fuzz-proto regression) */
	{ 0, 0xffffffffffff0000ull, 0xc0000, -EPROTO, "out of range" },
	{ 0, (uint64_t)INT64_MAX + 1, 0, -EPROTO, "out of range" },
};

static void test_sysmem(void **state)
{
	for (size_t i = 0; i < sizeof(sysmem_cases) / sizeof(sysmem_cases[0]); i++) {
		uint8_t p[PG_PROTO_SYSMEM_SIZE];
		struct pg_proto_msg m;
		struct pg_proto_error err = { 0, "" };
		int rc;

		memset(p, 0, sizeof(p));
		/* region 0 always valid; the case is region 1 */
		put64(p + 64, 0x1000);
		put64(p + 8, sysmem_cases[i].gpa);
		put64(p + 64 + 8, sysmem_cases[i].size);
		put64(p + 128 + 8, sysmem_cases[i].offset);
		/* entries beyond the fd count are ignored: garbage there is harmless */
		memset(p + 16, 0xff, 8);
		rc = decode_with(PG_PROTO_SYNC_SYSMEM, p, 2, &m, &err);
		if (rc != sysmem_cases[i].rc)
			fail_msg("case %zu: rc %d, expected %d (%s)", i, rc, sysmem_cases[i].rc,
				 err.text);
		if (rc == 0) {
			assert_int_equal(m.u.sysmem.nregions, 2);
			assert_true(m.u.sysmem.gpa[1] == sysmem_cases[i].gpa);
			assert_true(m.u.sysmem.size[1] == sysmem_cases[i].size);
			assert_true(m.u.sysmem.offset[1] == sysmem_cases[i].offset);
		} else {
			assert_non_null(strstr(err.text, "region 1"));
			if (!strstr(err.text, sysmem_cases[i].text))
				fail_msg("case %zu: '%s' lacks '%s'", i, err.text,
					 sysmem_cases[i].text);
		}
	}
}

/* ---- encoding, names, arguments -------------------------------------------------------- */

static void test_encode_ret(void **state)
{
	static const uint8_t want[PG_PROTO_REPLY_SIZE] = {
		0x01, 0, 0, 0, 0, 0, 0, 0, 0x08, 0, 0, 0, 0, 0, 0, 0,
		0x36, 0x1b, 0, 0, 0, 0, 0, 0,
	};
	uint8_t b[PG_PROTO_REPLY_SIZE];

	memset(b, 0xcc, sizeof(b));
	pg_proto_encode_ret(0x1b36, b); /* the RET captured in the design doc, section 4 */
	assert_memory_equal(b, want, sizeof(want));
}

static void test_names(void **state)
{
	assert_string_equal(pg_proto_cmd_name(PG_PROTO_SYNC_SYSMEM), "SYNC_SYSMEM");
	assert_string_equal(pg_proto_cmd_name(PG_PROTO_CFGREAD), "CFGREAD");
	assert_string_equal(pg_proto_cmd_name(PG_PROTO_DEVICE_RESET), "DEVICE_RESET");
	assert_string_equal(pg_proto_cmd_name(8), "UNKNOWN");
	assert_string_equal(pg_proto_cmd_name(-5), "UNKNOWN");
}

static void test_null_args(void **state)
{
	uint8_t b[PG_PROTO_HDR_SIZE] = { 0 };
	struct pg_proto_hdr h = { .cmd = PG_PROTO_CFGREAD, .size = 12 };
	struct pg_proto_msg m;

	assert_int_equal(pg_proto_decode_header(NULL, &h, NULL), -EINVAL);
	assert_int_equal(pg_proto_decode_header(b, NULL, NULL), -EINVAL);
	assert_int_equal(pg_proto_decode(NULL, b, 0, &m, NULL), -EINVAL);
	assert_int_equal(pg_proto_decode(&h, NULL, 0, &m, NULL), -EINVAL);
	assert_int_equal(pg_proto_decode(&h, b, 0, NULL, NULL), -EINVAL);
	/* a header that did not come from the decoder is re-checked */
	h.size = 13;
	assert_int_equal(pg_proto_decode(&h, b, 0, &m, NULL), -EPROTO);
	pg_proto_msg_clear(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_headers),
		cmocka_unit_test(test_header_padding_ignored),
		cmocka_unit_test(test_fd_limits),
		cmocka_unit_test(test_cfg),
		cmocka_unit_test(test_cfg_read_val_ignored),
		cmocka_unit_test(test_bar),
		cmocka_unit_test(test_sysmem),
		cmocka_unit_test(test_encode_ret),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_null_args),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
