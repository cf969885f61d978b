/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Tests of the dump reader (src/lib/dump/dump.c): table-driven good and bad texts (each bad
 * text asserts the exact error line and a key word of the message), every corpus file,
 * this machine's real lspci output (fixtures captured here, and a live run when lspci
 * exists), and file reading (missing, directory, FIFO, oversized, malformed).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include <pcigate/dump.h>

/* 64 bytes whose value is their offset. */
#define L00 "00: 00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f\n"
#define L10 "10: 10 11 12 13 14 15 16 17 18 19 1a 1b 1c 1d 1e 1f\n"
#define L20 "20: 20 21 22 23 24 25 26 27 28 29 2a 2b 2c 2d 2e 2f\n"
#define L30 "30: 30 31 32 33 34 35 36 37 38 39 3a 3b 3c 3d 3e 3f\n"
#define HEX64 L00 L10 L20 L30

/* A type 0 header: BAR0 mem32 at 0xfee00000, BAR2 I/O at 0xe000, BAR1/3/4/5 and ROM 0. */
#define NIC64 "00: 86 80 33 15 07 04 10 00 03 00 00 02 10 00 00 00\n" \
	"10: 00 00 e0 fe 00 00 00 00 01 e0 00 00 00 00 00 00\n" \
	"20: 00 00 00 00 00 00 00 00 00 00 00 00 86 80 00 00\n" \
	"30: 00 00 00 00 40 00 00 00 00 00 00 00 0b 01 00 00\n"
/* lspci -vvv decode lines with sizes (as lspci prints them from sysfs): BAR3 unassigned,
 * and an SR-IOV-style Region line one level deeper that must not count. */
#define REGIONS "\tRegion 0: Memory at fee00000 (32-bit, non-prefetchable) [size=128K]\n" \
	"\tRegion 2: I/O ports at e000 [size=32]\n" \
	"\tRegion 3: Memory at <unassigned> (32-bit, non-prefetchable) [size=16K]\n" \
	"\tCapabilities: [160 v1] Single Root I/O Virtualization (SR-IOV)\n" \
	"\t\tRegion 4: Memory at 0000000000000000 (64-bit, prefetchable) [size=1M]\n"

/* ---- good texts --------------------------------------------------------------------- */

struct good_case {
	const char *name;
	const char *text;
	size_t n;
	struct {
		const char *slot, *desc;
		unsigned line;
		uint16_t len;
		uint8_t known;
		uint64_t size[PG_CFG_NUM_BARS];
	} dev[3];
};

static const struct good_case good_cases[] = {
	{ "one device", "00:1f.0 ISA bridge: Intel\n" HEX64, 1,
	  { { "00:1f.0", "ISA bridge: Intel", 1, 64, 0, { 0 } } } },
	{ "blank-separated and back-to-back devices",
	  "00:00.0 Host bridge\n" HEX64 "\n\n01:00.0 VGA\n" HEX64 "01:00.1 Audio\n" HEX64, 3,
	  { { "00:00.0", "Host bridge", 1, 64, 0, { 0 } },
	    { "01:00.0", "VGA", 8, 64, 0, { 0 } },
	    { "01:00.1", "Audio", 13, 64, 0, { 0 } } } },
	{ "domains of 4 and 5 digits",
	  "0000:00:02.0 x\n" HEX64 "\n10000:00:04.0 vmd child\n" HEX64, 2,
	  { { "0000:00:02.0", "x", 1, 64, 0, { 0 } },
	    { "10000:00:04.0", "vmd child", 7, 64, 0, { 0 } } } },
	{ "CRLF, upper case, no final newline",
	  "00:1F.7 Upper\r\n00: 00 01 02 03 04 05 06 07 08 09 0A 0B 0C 0D 0E 0F\r\n"
	  L10 L20 "30: 30 31 32 33 34 35 36 37 38 39 3a 3b 3c 3d 3e 3f", 1,
	  { { "00:1F.7", "Upper", 1, 64, 0, { 0 } } } },
	{ "annotation",
	  "02:00.0 NIC\n# pcigate: bar0=0x4000 bar2=1M rom=64K\n" HEX64, 1,
	  { { "02:00.0", "NIC", 1, 64, 0x45, { 0x4000, 0, 1u << 20, 0, 0, 0, 64u << 10 } } } },
	{ "annotations split, after the bytes, decimal, G and k suffixes, #pcigate: spelling",
	  "02:00.0 NIC\n# a comment\n" HEX64 "#pcigate: bar1=4096\n# pcigate:  bar4=2G\t"
	  "bar5=16k\n", 1,
	  { { "02:00.0", "NIC", 1, 64, 0x32,
	      { 0, 4096, 0, 0, 2ull << 30, 16u << 10, 0 } } } },
	{ "lspci -vvv Region sizes: given ones, and none for zero slots without a line",
	  "01:00.0 Ethernet controller: Intel I210\n\tSubsystem: Intel\n" REGIONS NIC64, 1,
	  { { "01:00.0", "Ethernet controller: Intel I210", 1, 64, 0x7f,
	      { 128u << 10, 0, 32, 16u << 10, 0, 0, 0 } } } },
	{ "an annotation wins over a Region line",
	  "01:00.0 NIC\n" REGIONS "# pcigate: bar3=8K\n" NIC64, 1,
	  { { "01:00.0", "NIC", 1, 64, 0x7f, { 128u << 10, 0, 32, 8u << 10, 0, 0, 0 } } } },
	{ "Region lines without sizes (lspci -F) give nothing",
	  "01:00.0 NIC\n\tRegion 0: Memory at fee00000 (32-bit, non-prefetchable)\n" NIC64, 1,
	  { { "01:00.0", "NIC", 1, 64, 0, { 0 } } } },
	{ "size zero annotation: not implemented",
	  "02:00.0 NIC\n# pcigate: bar1=0 rom=0\n" HEX64, 1,
	  { { "02:00.0", "NIC", 1, 64, 0x42, { 0 } } } },
	{ "lspci -v decode lines before the bytes, comments and blank lines around",
	  "# captured with lspci -vxxx\n\n00:03.0 Ethernet controller: X\n\tSubsystem: Y\n"
	  "\t\tnested\n  Flags: fast\n" HEX64 "\n# trailer\n", 1,
	  { { "00:03.0", "Ethernet controller: X", 3, 64, 0, { 0 } } } },
	{ "header without description, runs of blanks between bytes",
	  "00:00.0\n00:  00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f\n" L10 L20
	  "30: 30 31 32 33 34 35 36 37 38 39 3a 3b 3c 3d 3e\t3f  \n", 1,
	  { { "00:00.0", "", 1, 64, 0, { 0 } } } },
	{ "control characters in the description are neutralised",
	  "00:00.0 evil \x1b[2Jname\x7f!\n" HEX64, 1,
	  { { "00:00.0", "evil ?[2Jname?!", 1, 64, 0, { 0 } } } },
	{ "a single line of bytes is a 16-byte device",
	  "00:00.0 short\n" L00, 1, { { "00:00.0", "short", 1, 16, 0, { 0 } } } },
};

static void check_good(const struct good_case *c)
{
	struct pg_dump_dev *devs = calloc(4, sizeof(*devs));
	struct pg_dump_error err = { 0, "" };
	size_t n = 0;
	int r;

	assert_non_null(devs);
	r = pg_dump_parse(c->text, strlen(c->text), devs, 4, &n, &err);
	if (r != 0)
		fail_msg("%s: rc %d, line %u: %s", c->name, r, err.line, err.msg);
	assert_int_equal(n, c->n);
	for (size_t i = 0; i < n; i++) {
		const struct pg_dump_dev *d = &devs[i];

		assert_string_equal(d->slot, c->dev[i].slot);
		assert_string_equal(d->desc, c->dev[i].desc);
		assert_int_equal(d->line, c->dev[i].line);
		assert_int_equal(d->len, c->dev[i].len);
		assert_int_equal(d->sizes.known, c->dev[i].known);
		for (unsigned b = 0; b < PG_CFG_NUM_BARS; b++)
			assert_int_equal(d->sizes.size[b], c->dev[i].size[b]);
		for (unsigned o = 0; o < d->len && !strstr(c->text, NIC64); o++)
			assert_int_equal(d->cfg[o], o); /* every fixture byte equals its offset */
		for (unsigned o = d->len; o < PG_CFG_EXT_LEN; o++)
			assert_int_equal(d->cfg[o], 0);
	}
	free(devs);
}

/* The annotation form of sizes, and that the reader takes it back exactly. */
static void test_size_text(void **state)
{
	static const struct { uint64_t size; const char *text; } rows[] = {
		{ 0, "0" }, { 32, "32" }, { 4096, "4K" }, { 0x4000, "16K" }, { 1536, "1536" },
		{ 1u << 20, "1M" }, { 3u << 20, "3M" }, { 1ull << 31, "2G" }, { 1ull << 40, "1024G" },
		{ 1ull << 63, "8589934592G" },
	};
	char buf[24];

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		char text[128];
		struct pg_dump_dev d;
		size_t n = 0;

		assert_string_equal(pg_dump_size_text(rows[i].size, buf, sizeof(buf)), rows[i].text);
		if (rows[i].size & (rows[i].size - 1))
			continue; /* annotations take powers of two (and 0) only */
		snprintf(text, sizeof(text), "00:00.0 x\n# pcigate: bar0=%s\n" L00, buf);
		assert_int_equal(pg_dump_parse(text, strlen(text), &d, 1, &n, NULL), 0);
		assert_int_equal(d.sizes.size[0], rows[i].size);
	}
}

static void test_good(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(good_cases) / sizeof(good_cases[0]); i++)
		check_good(&good_cases[i]);
}

/* Text of one device with nlines hex lines, byte value (off + i) * 7. */
static char *gen_device(const char *header, unsigned nlines)
{
	size_t cap = strlen(header) + 2 + (size_t)nlines * 64, pos;
	char *t = malloc(cap);

	assert_non_null(t);
	pos = (size_t)snprintf(t, cap, "%s\n", header);
	for (unsigned l = 0; l < nlines; l++) {
		pos += (size_t)snprintf(t + pos, cap - pos, "%02x:", l * 16);
		for (unsigned i = 0; i < 16; i++)
			pos += (size_t)snprintf(t + pos, cap - pos, " %02x",
						((l * 16 + i) * 7) & 0xff);
		pos += (size_t)snprintf(t + pos, cap - pos, "\n");
	}
	return t;
}

static void test_extended_4096(void **state)
{
	char *t = gen_device("0000:3a:00.0 Big", 256);
	struct pg_dump_dev *dev = calloc(1, sizeof(*dev));
	size_t n = 0;

	(void)state;
	assert_non_null(dev);
	assert_int_equal(pg_dump_parse(t, strlen(t), dev, 1, &n, NULL), 0);
	assert_int_equal(n, 1);
	assert_int_equal(dev->len, 4096);
	for (unsigned o = 0; o < 4096; o++)
		assert_int_equal(dev->cfg[o], (o * 7) & 0xff);
	free(dev);
	free(t);
}

/* ---- bad texts ---------------------------------------------------------------------- */

struct bad_case {
	const char *name;
	const char *text;
	int rc;
	unsigned line;
	const char *word;
};

#define HDR "00:00.0 dev\n"
#define B15 " 00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e"
static const struct bad_case bad_cases[] = {
	{ "bytes first", L00, -EINVAL, 1, "before any device header" },
	{ "bytes after a blank line", HDR L00 "\n" L10, -EINVAL, 4, "before any device header" },
	{ "non-hex byte", HDR "00: 00 0g" B15 "\n", -EINVAL, 2, "non-hex" },
	{ "one-digit byte", HDR "00: 0" B15 " 0f\n", -EINVAL, 2, "non-hex" },
	{ "three-digit byte", HDR "00: 000" B15 " 0f\n", -EINVAL, 2, "non-hex" },
	{ "17 bytes", HDR "00:" B15 " 0f 10\n", -EINVAL, 2, "too many bytes" },
	{ "15 bytes", HDR "00:" B15 "\n", -EINVAL, 2, "only 15 bytes" },
	{ "gap", HDR L00 L20, -EINVAL, 3, "gap" },
	{ "first offset not 00", HDR L10, -EINVAL, 2, "gap" },
	{ "duplicated offset", HDR L00 L10 L10, -EINVAL, 4, "duplicated" },
	{ "out of order", HDR L00 L10 L20 L00, -EINVAL, 5, "out of order" },
	{ "misaligned offset", HDR L00 "18:" B15 " 0f\n", -EINVAL, 3, "aligned" },
	{ "offset beyond 0xff0", HDR L00 "1000:" B15 " 0f\n", -EINVAL, 3, "beyond 0xff0" },
	{ "one-digit offset", HDR "0:" B15 " 0f\n", -EINVAL, 2, "2 or 3 hex digits" },
	{ "device number above 1f", "00:20.0 x\n" L00, -EINVAL, 1, "above 1f" },
	{ "function above 7", "00:1f.8 x\n" L00, -EINVAL, 1, "function" },
	{ "short bus", "0:00.0 x\n" L00, -EINVAL, 1, "malformed device address" },
	{ "three-digit domain", "000:00:00.0 x\n" L00, -EINVAL, 1, "malformed device address" },
	{ "garbage after the slot", "00:00.0x dev\n" L00, -EINVAL, 1, "malformed device address" },
	{ "unrecognised line", HDR L00 "hello\n", -EINVAL, 3, "unrecognised" },
	{ "quoted mail line", "> 00:00.0 dev\n", -EINVAL, 1, "unrecognised" },
	{ "header without bytes, then a header", HDR "00:01.0 b\n" L00, -EINVAL, 1,
	  "no config bytes" },
	{ "header without bytes at the end", HDR L00 "\n00:01.0 b\n", -EINVAL, 4,
	  "no config bytes" },
	{ "annotation before any device", "# pcigate: bar0=4K\n" HDR L00, -EINVAL, 1,
	  "outside a device block" },
	{ "annotation after the block ended", HDR L00 "\n# pcigate: bar0=4K\n", -EINVAL, 4,
	  "outside a device block" },
	{ "unknown annotation key", HDR "# pcigate: bar6=4K\n" L00, -EINVAL, 2,
	  "unknown annotation key" },
	{ "annotation twice", HDR "# pcigate: bar0=4K\n" L00 "# pcigate: bar0=8K\n", -EINVAL,
	  4, "twice" },
	{ "size not a power of two", HDR "# pcigate: bar0=0x3000\n" L00, -EINVAL, 2,
	  "power of two" },
	{ "size with a bad suffix", HDR "# pcigate: bar0=12Q\n" L00, -EINVAL, 2, "bad size" },
	{ "size overflowing 64 bits", HDR "# pcigate: bar0=0x10000000000000000\n" L00, -EINVAL,
	  2, "bad size" },
	{ "size above 2^63", HDR "# pcigate: bar0=16G bar2=0xffffffffffffffff\n" L00, -EINVAL,
	  2, "bad size" },
	{ "annotation without =", HDR "# pcigate: bar0\n" L00, -EINVAL, 2, "key=size" },
	{ "empty annotation", HDR "# pcigate:   \n" L00, -EINVAL, 2, "empty annotation" },
	{ "indented line among the bytes", HDR L00 "\tdecode\n", -EINVAL, 3, "indented" },
	{ "indented line outside a device", "  x\n" HDR L00, -EINVAL, 1, "indented" },
	{ "empty text", "", -EINVAL, 0, "no device" },
	{ "only comments and blanks", "# hello\n\n   \n# pcigate is great\n", -EINVAL, 0,
	  "no device" },
};

static void check_bad(const char *name, const char *text, size_t len, size_t max, int rc,
		      unsigned line, const char *word)
{
	struct pg_dump_dev *devs = calloc(max ? max : 1, sizeof(*devs));
	struct pg_dump_error err = { 12345, "untouched" };
	size_t n = 777;
	int r;

	assert_non_null(devs);
	r = pg_dump_parse(text, len, devs, max, &n, &err);
	if (r != rc || err.line != line || !strstr(err.msg, word))
		fail_msg("%s: rc %d (want %d), line %u (want %u), msg '%s' (want '%s')", name, r,
			 rc, err.line, line, err.msg, word);
	assert_int_equal(n, 777); /* not written on failure */
	free(devs);
}

static void test_bad(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const struct bad_case *c = &bad_cases[i];

		check_bad(c->name, c->text, strlen(c->text), 4, c->rc, c->line, c->word);
	}
}

static void test_bad_lines(void **state)
{
	char *t = malloc(PG_DUMP_MAX_LINE + 64);
	size_t n;

	(void)state;
	assert_non_null(t);
	/* A line of exactly PG_DUMP_MAX_LINE bytes is fine; one more is not. */
	n = (size_t)snprintf(t, 64, "00:00.0 ");
	memset(t + n, 'a', PG_DUMP_MAX_LINE - n);
	memcpy(t + PG_DUMP_MAX_LINE, "\n" L00, sizeof("\n" L00));
	{
		struct pg_dump_dev *dev = calloc(1, sizeof(*dev));
		size_t nd = 0;

		assert_non_null(dev);
		assert_int_equal(pg_dump_parse(t, strlen(t), dev, 1, &nd, NULL), 0);
		assert_int_equal(nd, 1);
		assert_int_equal(strlen(dev->desc), sizeof(dev->desc) - 1); /* truncated */
		free(dev);
	}
	memset(t + n, 'a', PG_DUMP_MAX_LINE + 1 - n);
	memcpy(t + PG_DUMP_MAX_LINE + 1, "\n" L00, sizeof("\n" L00));
	check_bad("long line", t, strlen(t), 1, -EINVAL, 1, "longer than 1024");
	/* The same without any newline at all (the reader must not scan without bound). */
	check_bad("long unterminated", t, PG_DUMP_MAX_LINE + 1, 1, -EINVAL, 1, "longer than");
	/* A NUL inside a line. */
	memcpy(t, HDR "00: 00\0" B15 "\n", sizeof(HDR "00: 00\0" B15 "\n"));
	check_bad("NUL", t, sizeof(HDR "00: 00\0" B15 "\n") - 1, 1, -EINVAL, 2, "NUL byte");
	free(t);
}

/* lspci's own spacing (decoded directly) and any other spacing give the same bytes, and a
 * bad byte in lspci's spacing is still named. */
static void test_spacing(void **state)
{
	static const char plain[] = "00:00.0 d\n"
		"00: 00 11 22 33 44 55 66 77 88 99 aa BB cc dd ee ff\n";
	static const char odd[] = "00:00.0 d\n"
		"00:\t00  11 22 33 44 55 66 77 88 99 aa bb cc dd ee ff \n";
	struct pg_dump_dev a, b;
	size_t n = 0;

	(void)state;
	assert_int_equal(pg_dump_parse(plain, strlen(plain), &a, 1, &n, NULL), 0);
	assert_int_equal(pg_dump_parse(odd, strlen(odd), &b, 1, &n, NULL), 0);
	assert_int_equal(a.len, 16);
	assert_memory_equal(a.cfg, b.cfg, 16);
	assert_int_equal(a.cfg[11], 0xbb);
	assert_int_equal(a.cfg[15], 0xff);
	check_bad("fast path bad byte", HDR "00: 00 11 22 33 44 55 66 77 88 99 aa bb cc dd ee fg\n",
		  strlen(HDR "00: 00 11 22 33 44 55 66 77 88 99 aa bb cc dd ee fg\n"), 1,
		  -EINVAL, 2, "non-hex byte 'fg'");
}

static void test_limits(void **state)
{
	const char *two = HDR L00 "00:01.0 second\n" L00;
	size_t big = PG_DUMP_MAX_TEXT + 1, n = 0;
	char *t;

	(void)state;
	check_bad("max 1", two, strlen(two), 1, -E2BIG, 3, "more than 1 devices");
	check_bad("max 0", two, strlen(two), 0, -E2BIG, 1, "more than 0 devices");
	/* No arbitrary device limit: 1000 devices parse when the array has room; the
	 * array's capacity is the bound, named at the first header too many. */
	t = malloc(1000 * 80);
	assert_non_null(t);
	t[0] = '\0';
	for (unsigned i = 0; i < 1000; i++)
		snprintf(t + strlen(t), 80, "%02x:%02x.0 d\n" L00, i & 0xff, (i >> 8) & 0x1f);
	{
		struct pg_dump_dev *many = calloc(1000, sizeof(*many));

		assert_non_null(many);
		assert_int_equal(pg_dump_parse(t, strlen(t), many, 1000, &n, NULL), 0);
		assert_int_equal(n, 1000);
		assert_string_equal(many[999].slot, "e7:03.0");
		free(many);
	}
	check_bad("257 devices in 256", t, strlen(t), 256, -E2BIG, 256 * 2 + 1, "more than 256");
	free(t);
	/* Oversized text is refused before it is examined. */
	t = malloc(big);
	assert_non_null(t);
	memset(t, '\n', big);
	check_bad("text too long", t, big, 1, -E2BIG, 0, "text longer");
	free(t);
	/* Argument validation. */
	assert_int_equal(pg_dump_parse(NULL, 1, NULL, 0, &n, NULL), -EINVAL);
	assert_int_equal(pg_dump_parse(two, strlen(two), NULL, 1, &n, NULL), -EINVAL);
	assert_int_equal(pg_dump_parse(two, strlen(two), NULL, 0, NULL, NULL), -EINVAL);
}

/* ---- corpus ------------------------------------------------------------------------- */

/* Length in the file name: the digits between the last '_' and ".txt"; 0 if none. */
static unsigned name_len(const char *name)
{
	const char *us = strrchr(name, '_'), *dot = strstr(name, ".txt");
	unsigned v = 0;

	if (!us || !dot || dot[4] != '\0' || dot <= us + 1)
		return 0;
	for (const char *p = us + 1; p < dot; p++) {
		if (*p < '0' || *p > '9')
			return 0;
		v = v * 10 + (unsigned)(*p - '0');
	}
	return v;
}

static void test_corpus(void **state)
{
	const char *dir = getenv("PG_CORPUS");
	unsigned files = 0, seen_len[5000] = { 0 };
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
		struct pg_dump_dev *devs = NULL;
		struct pg_dump_error err = { 0, "" };
		unsigned want = name_len(e->d_name);
		size_t n = 0;
		int r;

		if (!want)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		r = pg_dump_read_file(path, &devs, &n, &err);
		if (r != 0)
			fail_msg("%s: rc %d line %u: %s", e->d_name, r, err.line, err.msg);
		if (n != 1 || devs[0].len != want)
			fail_msg("%s: %zu devices, len %u, want 1 device of %u bytes", e->d_name, n,
				 devs[0].len, want);
		if (want < 5000)
			seen_len[want]++;
		free(devs);
		files++;
	}
	closedir(d);
	print_message("parsed %u corpus files\n", files);
	assert_true(files > 0);
	/* The corpus README promises these lengths: each must have been exercised. */
	assert_true(seen_len[64] && seen_len[224] && seen_len[256] && seen_len[272] &&
		    seen_len[288] && seen_len[320] && seen_len[4096]);
}

/* ---- this machine's lspci output ---------------------------------------------------- */

static void check_fixture(const char *file, size_t ndev, const uint16_t *lens, bool domain)
{
	const char *data = getenv("PG_TESTDATA");
	struct pg_dump_dev *devs = NULL;
	struct pg_dump_error err = { 0, "" };
	char path[4096];
	size_t n = 0;
	int r;

	assert_non_null(data);
	snprintf(path, sizeof(path), "%s/dump/%s", data, file);
	r = pg_dump_read_file(path, &devs, &n, &err);
	if (r != 0)
		fail_msg("%s: rc %d line %u: %s", file, r, err.line, err.msg);
	assert_int_equal(n, ndev);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(devs[i].len, lens[i]);
		assert_int_equal(strlen(devs[i].slot), domain ? 12 : 7);
	}
	/* Device 1 of the captured machine is a virtio balloon, 1af4:1045. */
	assert_int_equal(devs[1].cfg[0] | devs[1].cfg[1] << 8, 0x1af4);
	assert_int_equal(devs[1].cfg[2] | devs[1].cfg[3] << 8, 0x1045);
	free(devs);
}

static void test_lspci_fixtures(void **state)
{
	static const uint16_t l256[6] = { 256, 256, 256, 256, 256, 256 };
	static const uint16_t l4k[6] = { 4096, 256, 256, 256, 256, 256 };

	(void)state;
	check_fixture("lspci-xxx-local.txt", 6, l256, false);
	check_fixture("lspci-D-xxx-local.txt", 6, l256, true);
	check_fixture("lspci-xxxx-local.txt", 6, l4k, false);
	check_fixture("lspci-vvvxxxx-local.txt", 6, l4k, false);
}

/* Entries of /sys/bus/pci/devices: what lspci lists. */
static size_t count_sysfs_devices(void)
{
	DIR *d = opendir("/sys/bus/pci/devices");
	struct dirent *e;
	size_t n = 0;

	assert_non_null(d);
	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

/* Run lspci here, if it exists, and parse what it prints. */
static void test_lspci_live(void **state)
{
	static const char *const cmds[] = { "lspci -xxx 2>/dev/null", "lspci -D -xxxx 2>/dev/null",
					    "lspci -vvvxxx 2>/dev/null" };
	size_t nsys = 0;

	(void)state;
	if (access("/usr/bin/lspci", X_OK) != 0 || access("/sys/bus/pci/devices", F_OK) != 0) {
		print_message("skip: no /usr/bin/lspci or no /sys/bus/pci on this machine\n");
		skip();
		return;
	}
	nsys = count_sysfs_devices();
	if (nsys > PG_DUMP_MAX_DEVICES) {
		print_message("skip: %zu PCI functions, more than a dump may hold\n", nsys);
		skip();
		return;
	}
	for (size_t c = 0; c < sizeof(cmds) / sizeof(cmds[0]); c++) {
		FILE *f = popen(cmds[c], "r");
		char *buf = malloc(PG_DUMP_MAX_TEXT);
		struct pg_dump_dev *devs = calloc(nsys + 1, sizeof(*devs));
		struct pg_dump_error err = { 0, "" };
		size_t len, n = 0;
		int r;

		assert_non_null(f);
		assert_non_null(buf);
		assert_non_null(devs);
		len = fread(buf, 1, PG_DUMP_MAX_TEXT, f);
		pclose(f);
		r = pg_dump_parse(buf, len, devs, nsys + 1, &n, &err);
		if (r != 0)
			fail_msg("%s: rc %d line %u: %s", cmds[c], r, err.line, err.msg);
		assert_int_equal(n, nsys); /* one device per sysfs entry */
		for (size_t i = 0; i < n; i++)
			assert_true(devs[i].len >= 64);
		free(devs);
		free(buf);
	}
}

/* ---- files -------------------------------------------------------------------------- */

static char tmpdir[64];

static int setup_tmp(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/pg-dump-test-XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown_tmp(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static void write_file(const char *path, const char *text, size_t len)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

static void expect_file_error(const char *path, int rc, unsigned line, const char *word)
{
	struct pg_dump_dev *devs = (void *)0x1;
	struct pg_dump_error err = { 999, "" };
	size_t n = 777;
	int r = pg_dump_read_file(path, &devs, &n, &err);

	if (r != rc || err.line != line || !strstr(err.msg, word))
		fail_msg("%s: rc %d (want %d) line %u (want %u) msg '%s' (want '%s')", path, r, rc,
			 err.line, line, err.msg, word);
	assert_ptr_equal(devs, (void *)0x1);
	assert_int_equal(n, 777);
}

static void on_alarm(int sig)
{
	(void)sig;
	_exit(99); /* a blocked open()/read() of the FIFO: fail loudly */
}

static void test_files(void **state)
{
	const char *good = "# two devices\n00:00.0 a\n" HEX64 "\n00:00.1 b\n# pcigate: bar0=4K\n"
			   HEX64;
	struct pg_dump_dev *devs = NULL;
	char path[128];
	size_t n = 0;
	int fd;

	(void)state;
	snprintf(path, sizeof(path), "%s/good.txt", tmpdir);
	write_file(path, good, strlen(good));
	assert_int_equal(pg_dump_read_file(path, &devs, &n, NULL), 0);
	assert_int_equal(n, 2);
	assert_string_equal(devs[1].slot, "00:00.1");
	assert_int_equal(devs[1].sizes.size[0], 4096);
	free(devs);

	snprintf(path, sizeof(path), "%s/bad.txt", tmpdir);
	write_file(path, HDR L00 L00, strlen(HDR L00 L00));
	expect_file_error(path, -EINVAL, 3, "duplicated");

	snprintf(path, sizeof(path), "%s/missing.txt", tmpdir);
	expect_file_error(path, -ENOENT, 0, "No such file");
	expect_file_error(tmpdir, -EISDIR, 0, "directory");

	/* A FIFO with no writer: a blocking open would hang forever. */
	snprintf(path, sizeof(path), "%s/fifo", tmpdir);
	assert_int_equal(mkfifo(path, 0600), 0);
	signal(SIGALRM, on_alarm);
	alarm(10);
	expect_file_error(path, -EINVAL, 0, "not a regular file");
	alarm(0);
	expect_file_error("/dev/null", -EINVAL, 0, "not a regular file");

	/* One byte over the cap (sparse): refused, and memory stays bounded. */
	snprintf(path, sizeof(path), "%s/big.txt", tmpdir);
	fd = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, (off_t)PG_DUMP_MAX_TEXT * 4), 0);
	close(fd);
	expect_file_error(path, -E2BIG, 0, "too large");
	fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, PG_DUMP_MAX_TEXT + 1), 0);
	close(fd);
	expect_file_error(path, -E2BIG, 0, "too large");

	assert_int_equal(pg_dump_read_file(NULL, &devs, &n, NULL), -EINVAL);
	assert_int_equal(pg_dump_read_file(path, NULL, &n, NULL), -EINVAL);
}

/* ---- one pass, bounded memory: pg_dump_read_each() ------------------------------------ */

struct each {
	size_t n, stop_at;
	int fail_at_rc;
	char last[32];
};

static int each_fn(void *data, const struct pg_dump_dev *dev)
{
	struct each *e = data;

	e->n++;
	snprintf(e->last, sizeof(e->last), "%s", dev->slot);
	if (e->fail_at_rc && e->n == e->stop_at)
		return e->fail_at_rc;
	return e->stop_at && e->n == e->stop_at ? 1 : 0;
}

static long maxrss_kib(void)
{
	struct rusage ru;

	assert_int_equal(getrusage(RUSAGE_SELF, &ru), 0);
	return ru.ru_maxrss;
}

/* Write ndev devices of 256 bytes each (about 1.2 KiB of text per device). */
static void write_many(const char *path, unsigned ndev, const char *tail)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	for (unsigned i = 0; i < ndev; i++) {
		fprintf(f, "%04x:%02x:%02x.0 d\n", i >> 13, (i >> 5) & 0xff, i & 0x1f);
		for (unsigned off = 0; off < 256; off += 16)
			fprintf(f, "%02x: 00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f\n", off);
		fputc('\n', f);
	}
	fputs(tail, f);
	assert_int_equal(fclose(f), 0);
}

static void test_read_each(void **state)
{
	struct pg_dump_error err = { 0, "" };
	struct pg_dump_dev *devs = NULL;
	struct each e = { 0 };
	char path[128];
	long rss0;
	size_t n = 0;

	(void)state;
	/* 10,000 devices, 8.6 MB of text: more than the 8 MiB an in-memory text may have
	 * and far more than 256 devices. Streamed in one pass, memory does not grow with it. */
	snprintf(path, sizeof(path), "%s/many.txt", tmpdir);
	write_many(path, 10000, "");
	rss0 = maxrss_kib();
	if (pg_dump_read_each(path, each_fn, &e, &n, &err) != 0)
		fail_msg("%s:%u: %s", path, err.line, err.msg);
	assert_int_equal(n, 10000);
	assert_int_equal(e.n, 10000);
	assert_string_equal(e.last, "0001:38:0f.0");
	if (maxrss_kib() - rss0 > 2048)
		fail_msg("streaming 8.6 MB of dump raised the peak RSS by %ld KiB",
			 maxrss_kib() - rss0);
	/* The whole-file reader is bounded by its text cap, with a clear error. */
	expect_file_error(path, -E2BIG, 0, "too large");

	/* 300 devices: refused before (256 at most), read now, in order. */
	snprintf(path, sizeof(path), "%s/300.txt", tmpdir);
	write_many(path, 300, "");
	assert_int_equal(pg_dump_read_file(path, &devs, &n, &err), 0);
	assert_int_equal(n, 300);
	assert_string_equal(devs[299].slot, "0000:09:0b.0");
	assert_int_equal(devs[299].len, 256);
	free(devs);

	/* Stop after the first device: what follows (malformed here) is not read. */
	snprintf(path, sizeof(path), "%s/stop.txt", tmpdir);
	write_many(path, 3, "zz not a line\n");
	memset(&e, 0, sizeof(e));
	e.stop_at = 1;
	assert_int_equal(pg_dump_read_each(path, each_fn, &e, &n, &err), 0);
	assert_int_equal(n, 1);
	/* Read to the end, the malformed line is an error naming it. */
	memset(&e, 0, sizeof(e));
	assert_int_equal(pg_dump_read_each(path, each_fn, &e, NULL, &err), -EINVAL);
	assert_int_equal(err.line, 3 * 18 + 1);
	assert_int_equal(e.n, 3);
	/* A callback's error is returned and names the device's header line. */
	memset(&e, 0, sizeof(e));
	e.stop_at = 2;
	e.fail_at_rc = -ENOSPC;
	assert_int_equal(pg_dump_read_each(path, each_fn, &e, NULL, &err), -ENOSPC);
	assert_int_equal(err.line, 19);
	assert_int_equal(pg_dump_read_each(NULL, each_fn, &e, NULL, NULL), -EINVAL);
	assert_int_equal(pg_dump_read_each(path, NULL, &e, NULL, NULL), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_size_text),
		cmocka_unit_test(test_extended_4096),
		cmocka_unit_test(test_bad),
		cmocka_unit_test(test_bad_lines),
		cmocka_unit_test(test_spacing),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_corpus),
		cmocka_unit_test(test_lspci_fixtures),
		cmocka_unit_test(test_lspci_live),
		cmocka_unit_test_setup_teardown(test_files, setup_tmp, teardown_tmp),
		cmocka_unit_test_setup_teardown(test_read_each, setup_tmp, teardown_tmp),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
