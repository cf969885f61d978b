/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Reader for `lspci -x`/`-xxx`/`-xxxx` text (the corpus format), one pass, line by line.
 * Files are read in 64 KiB chunks and each device is handed on as soon as its block ends,
 * so memory is one chunk plus one device whatever the file holds.
 *
 * Grammar (see dump.h; anything else is an error naming the line):
 *   header   = SLOT [WS description]          SLOT = [DOMAIN ":"] BB ":" DD "." F
 *   hexline  = OFF ":" 16 * (WS XX)           OFF = 2 or 3 hex digits, 16-aligned, <= ff0
 *   comment  = "#" text                        annotation = "#" [WS] "pcigate:" 1*(WS key=size)
 *   decode   = (SP | TAB) text                 only between a header and its first hex line
 *   blank    = [WS]                            ends the current device
 * DOMAIN is 4 to 8 hex digits (lspci prints at least 4), BB and DD exactly 2 (DD <= 1f), F a
 * digit 0-7. Hex digits may be upper or lower case; CRLF line ends are accepted.
 *
 * Threats: the text comes from files users download or paste (mailing lists, bug reports)
 * and may be crafted. Every line is bounded before it is examined (PG_DUMP_MAX_LINE), the
 * text held in memory is bounded (PG_DUMP_MAX_TEXT; a streamed file needs no bound), the
 * devices returned in an array are bounded by its capacity, every byte index
 * is derived from a validated offset (<= 0xff0, 16-aligned, contiguous), and descriptions
 * are reduced to printable ASCII so a dump cannot smuggle terminal escape sequences into
 * reports that print them.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <pcigate/dump.h>

#include "dump-private.h"
#include "util/util.h"

#define BYTES_PER_LINE 16u
#define MAX_OFFSET 0xff0u
#define ANNOT_TAG "pcigate:"
#define ANNOT_MAX_SIZE (1ull << 63) /* largest 64-bit BAR */

enum pstate {
	OUTSIDE,  /* no device block open */
	HEADER,   /* header line seen, no hex line yet (decode lines allowed) */
	HEX,      /* hex lines being read */
};

struct parser {
	struct pg_dump_dev *devs; /* array sink (pg_dump_parse), or NULL */
	/* callback sink (pg_dump_read_each): 0 go on, > 0 stop, < 0 fail */
	int (*fn)(void *data, const struct pg_dump_dev *dev);
	void *data;
	bool stopped;             /* fn asked to stop */
	size_t limit;             /* max devices accepted */
	size_t n;                 /* devices completed */
	struct pg_dump_error *err;
	enum pstate st;
	unsigned line;            /* 1-based number of the current line */
	uint8_t annotated;        /* annotation keys seen in the current device */
	struct pg_dump_regions regions; /* lspci -v Region lines of the current device */
	struct pg_dump_dev cur;   /* device being built */
};

/* A bounded view of one line: never NUL-terminated, never longer than PG_DUMP_MAX_LINE. */
struct span {
	const char *s;
	size_t n;
};

static int fail(struct parser *p, unsigned line, int rc, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int fail(struct parser *p, unsigned line, int rc, const char *fmt, ...)
{
	va_list ap;

	if (p->err) {
		p->err->line = line;
		va_start(ap, fmt);
		vsnprintf(p->err->msg, sizeof(p->err->msg), fmt, ap);
		va_end(ap);
	}
	return rc;
}

static bool is_ws(char c)
{
	return c == ' ' || c == '\t';
}

static struct span skip_ws(struct span v)
{
	while (v.n && is_ws(*v.s)) {
		v.s++;
		v.n--;
	}
	return v;
}

/* Split off the next whitespace-separated token; *rest is what follows it. */
static struct span next_token(struct span v, struct span *rest)
{
	struct span t;

	v = skip_ws(v);
	t.s = v.s;
	t.n = 0;
	while (t.n < v.n && !is_ws(v.s[t.n]))
		t.n++;
	rest->s = v.s + t.n;
	rest->n = v.n - t.n;
	return t;
}

static size_t count_hex(struct span v, size_t max)
{
	size_t i = 0;

	while (i < v.n && i < max && pg_util_hexval(v.s[i]) >= 0)
		i++;
	return i;
}

/* ---- device blocks ------------------------------------------------------------------ */

static int finish_device(struct parser *p)
{
	if (p->st == OUTSIDE)
		return 0;
	if (p->cur.len == 0)
		return fail(p, p->cur.line, -EINVAL, "device %s has no config bytes",
			    p->cur.slot);
	pg_dump_regions_apply(&p->regions, &p->cur);
	p->st = OUTSIDE;
	if (p->devs)
		memcpy(&p->devs[p->n], &p->cur, sizeof(p->cur));
	p->n++;
	if (p->fn) {
		int r = p->fn(p->data, &p->cur);

		if (r < 0)
			return fail(p, p->cur.line, r, "device %s refused by the caller: %s",
				    p->cur.slot, strerror(-r));
		p->stopped = r > 0;
	}
	return 0;
}

/* Copy the description, keeping only printable ASCII (see the file comment). */
static void copy_desc(char *dst, size_t cap, struct span v)
{
	size_t i = 0;

	for (; i < v.n && i + 1 < cap; i++)
		dst[i] = (v.s[i] >= 0x20 && v.s[i] < 0x7f) ? v.s[i] : '?';
	dst[i] = '\0';
}

/* Validate SLOT strictly; returns 0 or -EINVAL with a reason in why. */
static int check_slot(struct span t, const char **why)
{
	static const size_t bdf_len = 7; /* "bb:dd.f" */
	size_t pos = 0;
	uint64_t dev;

	*why = "expected [domain:]bus:dev.fn";
	if (t.n < bdf_len || t.n > 8 + 1 + bdf_len)
		return -EINVAL;
	if (t.n > bdf_len) {
		size_t nd = t.n - bdf_len - 1; /* domain digits */

		if (nd < 4 || count_hex(t, nd) != nd || t.s[nd] != ':')
			return -EINVAL;
		pos = nd + 1;
	}
	if (count_hex((struct span){ t.s + pos, 2 }, 2) != 2 || t.s[pos + 2] != ':' ||
	    count_hex((struct span){ t.s + pos + 3, 2 }, 2) != 2 || t.s[pos + 5] != '.')
		return -EINVAL;
	if (pg_util_parse_hex(t.s + pos + 3, 2, &dev) < 0 || dev > 0x1f) {
		*why = "device number above 1f";
		return -EINVAL;
	}
	if (t.s[pos + 6] < '0' || t.s[pos + 6] > '7') {
		*why = "function number not 0-7";
		return -EINVAL;
	}
	return 0;
}

static int start_device(struct parser *p, struct span v)
{
	struct span rest, slot = next_token(v, &rest);
	const char *why;
	int r;

	if (check_slot(slot, &why) < 0)
		return fail(p, p->line, -EINVAL, "malformed device address '%.*s': %s",
			    (int)(slot.n > 32 ? 32 : slot.n), slot.s, why);
	r = finish_device(p);
	if (r < 0)
		return r;
	if (p->n >= p->limit)
		return fail(p, p->line, -E2BIG, "more than %zu devices", p->limit);
	memset(&p->cur, 0, sizeof(p->cur));
	pg_util_copy(p->cur.slot, sizeof(p->cur.slot), slot.s, slot.n);
	copy_desc(p->cur.desc, sizeof(p->cur.desc), skip_ws(rest));
	p->cur.line = p->line;
	p->annotated = 0;
	memset(&p->regions, 0, sizeof(p->regions));
	p->st = HEADER;
	return 0;
}

/* ---- hex lines ---------------------------------------------------------------------- */

static int check_offset(struct parser *p, uint64_t off, size_t ndigits)
{
	uint64_t want = p->cur.len;

	if (ndigits > 3 || off > MAX_OFFSET)
		return fail(p, p->line, -EINVAL, "offset 0x%llx beyond 0xff0",
			    (unsigned long long)off);
	if (ndigits < 2)
		return fail(p, p->line, -EINVAL, "offset '%llx' must have 2 or 3 hex digits",
			    (unsigned long long)off);
	if (off % BYTES_PER_LINE)
		return fail(p, p->line, -EINVAL, "offset 0x%02llx is not 16-byte aligned",
			    (unsigned long long)off);
	if (off == want)
		return 0;
	if (want && off == want - BYTES_PER_LINE)
		return fail(p, p->line, -EINVAL, "duplicated offset 0x%02llx",
			    (unsigned long long)off);
	if (off < want)
		return fail(p, p->line, -EINVAL, "offset 0x%02llx out of order (expected 0x%02llx)",
			    (unsigned long long)off, (unsigned long long)want);
	return fail(p, p->line, -EINVAL, "gap: offset 0x%02llx where 0x%02llx was expected",
		    (unsigned long long)off, (unsigned long long)want);
}

/* The form lspci prints, " XX" sixteen times: decoded directly. Any other spacing (tabs,
 * several spaces) takes the general tokenizer below, which accepts the same bytes. */
static bool bytes_fast(struct span v, uint8_t out[BYTES_PER_LINE])
{
	if (v.n != 3 * BYTES_PER_LINE)
		return false;
	for (unsigned i = 0; i < BYTES_PER_LINE; i++) {
		const char *b = v.s + 3 * i;
		int hi = pg_util_hexval(b[1]), lo = pg_util_hexval(b[2]);

		if (b[0] != ' ' || hi < 0 || lo < 0)
			return false;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return true;
}

static int parse_bytes(struct parser *p, struct span v, uint8_t out[BYTES_PER_LINE])
{
	unsigned nb = 0;

	if (bytes_fast(v, out))
		return 0;
	for (;;) {
		struct span t = next_token(v, &v);
		uint64_t b;

		if (!t.n)
			break;
		if (nb == BYTES_PER_LINE)
			return fail(p, p->line, -EINVAL, "too many bytes (more than 16)");
		if (t.n != 2 || pg_util_parse_hex(t.s, 2, &b) < 0)
			return fail(p, p->line, -EINVAL,
				    "non-hex byte '%.*s' (expected two hex digits)",
				    (int)(t.n > 8 ? 8 : t.n), t.s);
		out[nb++] = (uint8_t)b;
	}
	if (nb != BYTES_PER_LINE)
		return fail(p, p->line, -EINVAL, "only %u bytes on the line, expected 16", nb);
	return 0;
}

static int hex_line(struct parser *p, struct span v, size_t ndigits)
{
	uint8_t bytes[BYTES_PER_LINE];
	uint64_t off = 0;
	int r;

	if (p->st == OUTSIDE)
		return fail(p, p->line, -EINVAL, "config bytes before any device header line");
	if (ndigits > 16 || pg_util_parse_hex(v.s, ndigits, &off) < 0)
		off = UINT64_MAX;
	r = check_offset(p, off, ndigits);
	if (r < 0)
		return r;
	r = parse_bytes(p, (struct span){ v.s + ndigits + 1, v.n - ndigits - 1 }, bytes);
	if (r < 0)
		return r;
	memcpy(&p->cur.cfg[off], bytes, BYTES_PER_LINE);
	p->cur.len = (uint16_t)(p->cur.len + BYTES_PER_LINE);
	p->st = HEX;
	return 0;
}

/* ---- annotations -------------------------------------------------------------------- */

/* Annotation key to BAR index (PG_CFG_ROM_BAR for rom), or -1. */
static int annot_key(struct span k)
{
	static const char *const keys[PG_CFG_NUM_BARS] = {
		"bar0", "bar1", "bar2", "bar3", "bar4", "bar5", "rom",
	};

	for (int i = 0; i < (int)PG_CFG_NUM_BARS; i++)
		if (strlen(keys[i]) == k.n && !memcmp(keys[i], k.s, k.n))
			return i;
	return -1;
}

static int annot_item(struct parser *p, struct span t)
{
	const char *eq = memchr(t.s, '=', t.n);
	struct span k, val;
	uint64_t size;
	int idx;

	if (!eq)
		return fail(p, p->line, -EINVAL, "annotation '%.*s' is not key=size",
			    (int)(t.n > 24 ? 24 : t.n), t.s);
	k = (struct span){ t.s, (size_t)(eq - t.s) };
	val = (struct span){ eq + 1, t.n - k.n - 1 };
	idx = annot_key(k);
	if (idx < 0)
		return fail(p, p->line, -EINVAL, "unknown annotation key '%.*s' (bar0-bar5, rom)",
			    (int)(k.n > 16 ? 16 : k.n), k.s);
	if (p->annotated & (1u << idx))
		return fail(p, p->line, -EINVAL, "annotation %.*s given twice", (int)k.n, k.s);
	if (pg_util_parse_size(val.s, val.n, ANNOT_MAX_SIZE, &size) < 0)
		return fail(p, p->line, -EINVAL, "bad size '%.*s' for %.*s",
			    (int)(val.n > 24 ? 24 : val.n), val.s, (int)k.n, k.s);
	if (size && !pg_util_is_pow2(size)) /* 0: the BAR is not implemented */
		return fail(p, p->line, -EINVAL, "size of %.*s (0x%llx) is not a power of two",
			    (int)k.n, k.s, (unsigned long long)size);
	p->annotated |= (uint8_t)(1u << idx);
	p->cur.sizes.size[idx] = size;
	p->cur.sizes.known |= (uint8_t)(1u << idx);
	return 0;
}

/* v starts after "pcigate:". */
static int annotation(struct parser *p, struct span v)
{
	unsigned items = 0;

	if (p->st == OUTSIDE)
		return fail(p, p->line, -EINVAL, "annotation outside a device block");
	for (;;) {
		struct span t = next_token(v, &v);
		int r;

		if (!t.n)
			break;
		r = annot_item(p, t);
		if (r < 0)
			return r;
		items++;
	}
	if (!items)
		return fail(p, p->line, -EINVAL, "empty annotation");
	return 0;
}

static int comment(struct parser *p, struct span v)
{
	v = skip_ws((struct span){ v.s + 1, v.n - 1 });
	if (v.n >= strlen(ANNOT_TAG) && !memcmp(v.s, ANNOT_TAG, strlen(ANNOT_TAG)))
		return annotation(p, (struct span){ v.s + strlen(ANNOT_TAG),
						     v.n - strlen(ANNOT_TAG) });
	return 0; /* plain comment */
}

/* ---- line dispatch ------------------------------------------------------------------ */

static int one_line(struct parser *p, struct span v)
{
	size_t nd;

	while (v.n && (is_ws(v.s[v.n - 1]) || v.s[v.n - 1] == '\r'))
		v.n--;
	if (memchr(v.s, '\0', v.n))
		return fail(p, p->line, -EINVAL, "NUL byte in the line");
	if (!v.n)
		return finish_device(p);
	if (v.s[0] == '#')
		return comment(p, v);
	if (is_ws(v.s[0])) {
		if (p->st == HEADER) {
			/* lspci -v decode line: only its BAR sizes are used */
			pg_dump_region_line(&p->regions, v.s, v.n);
			return 0;
		}
		return fail(p, p->line, -EINVAL, "unexpected indented line %s",
			    p->st == HEX ? "among the config bytes" : "outside a device block");
	}
	nd = count_hex(v, 17);
	if (nd && nd < v.n && v.s[nd] == ':' && (nd + 1 == v.n || is_ws(v.s[nd + 1])))
		return hex_line(p, v, nd);
	if (nd)
		return start_device(p, v);
	return fail(p, p->line, -EINVAL,
		    "unrecognised line (expected a device header, 'OFF: bytes', '#' or blank)");
}

/*
 * Feed the complete lines of buf[0, len) to the parser; *used says how far it got. Unless
 * eof, a last line without its newline is left for the next call with more bytes (it can
 * be at most PG_DUMP_MAX_LINE + 1 bytes before it is an error, so a caller's buffer of
 * FEED_MIN bytes always makes progress). Stops early when the sink asked to.
 */
#define FEED_MIN (PG_DUMP_MAX_LINE + 2u)

static int feed(struct parser *p, const char *buf, size_t len, bool eof, size_t *used)
{
	size_t pos = 0;
	int r = 0;

	while (pos < len && !p->stopped) {
		size_t rem = len - pos;
		size_t scan = rem < FEED_MIN ? rem : FEED_MIN;
		const char *nl = memchr(buf + pos, '\n', scan);
		size_t n = nl ? (size_t)(nl - (buf + pos)) : rem;

		if (!nl && !eof && rem < FEED_MIN)
			break; /* an incomplete line: wait for more bytes */
		p->line++;
		if (n && buf[pos + n - 1] == '\r')
			n--;
		if (n > PG_DUMP_MAX_LINE)
			return fail(p, p->line, -EINVAL, "line longer than %u bytes",
				    PG_DUMP_MAX_LINE);
		r = one_line(p, (struct span){ buf + pos, n });
		if (r < 0)
			return r;
		pos += nl ? (size_t)(nl - (buf + pos)) + 1 : rem;
	}
	*used = pos;
	return 0;
}

/* End of the text: close the open device; a text without a device is an error. */
static int finish_text(struct parser *p)
{
	int r = p->stopped ? 0 : finish_device(p);

	if (r < 0)
		return r;
	if (!p->n)
		return fail(p, 0, -EINVAL, "no device found");
	return 0;
}

/* pg_dump_parse(): the whole text is in memory. */
static int dump_parse(const char *text, size_t len, struct pg_dump_dev *devs, size_t max,
		      size_t *ret_n, struct pg_dump_error *err)
{
	struct parser *p;
	size_t used = 0;
	int r;

	if (len > PG_DUMP_MAX_TEXT) {
		if (err) {
			err->line = 0;
			snprintf(err->msg, sizeof(err->msg), "text longer than %u bytes",
				 PG_DUMP_MAX_TEXT);
		}
		return -E2BIG;
	}
	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->devs = devs;
	p->limit = max; /* the caller's array: the only bound on the count */
	p->err = err;
	r = feed(p, text, len, true, &used);
	if (r == 0)
		r = finish_text(p);
	if (r == 0)
		*ret_n = p->n;
	free(p);
	return r;
}

int pg_dump_parse(const char *text, size_t len, struct pg_dump_dev *devs, size_t max,
		  size_t *ret_n, struct pg_dump_error *err)
{
	if ((!text && len) || (!devs && max) || !ret_n)
		return -EINVAL;
	return dump_parse(text, len, devs, max, ret_n, err);
}

static void io_error(struct pg_dump_error *err, int rc, const char *what)
{
	char buf[64];

	if (!err)
		return;
	err->line = 0;
	snprintf(err->msg, sizeof(err->msg), "%s: %s", what,
		 strerror_r(-rc, buf, sizeof(buf)));
}

/* Open a dump file as pg_util_read_file_at() would: regular files only, never blocking. */
static int open_dump(const char *path, size_t cap, struct pg_dump_error *err)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	int r;

	if (fd < 0) {
		r = -errno;
		io_error(err, r, "cannot read the file");
		return r;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		r = S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL;
		if (r == -EINVAL && err) {
			err->line = 0;
			snprintf(err->msg, sizeof(err->msg), "not a regular file");
		} else {
			io_error(err, r, "cannot read the file");
		}
		close(fd);
		return r;
	}
	if (cap && st.st_size > 0 && (uint64_t)st.st_size > cap) {
		io_error(err, -E2BIG, "file too large"); /* refused before a byte is read */
		close(fd);
		return -E2BIG;
	}
	return fd;
}

#define READ_CHUNK (64u << 10) /* read buffer: memory stays this + one device */

/* One pass over the file, bounded memory; cap (0: none) bounds the bytes read. */
static int read_each(const char *path, size_t cap, struct parser *p)
{
	char *buf = malloc(READ_CHUNK);
	size_t have = 0, total = 0;
	bool eof = false;
	int fd, r = 0;

	if (!buf)
		return -ENOMEM;
	fd = open_dump(path, cap, p->err);
	if (fd < 0) {
		free(buf);
		return fd;
	}
	while (!eof && !p->stopped) {
		size_t used = 0;
		ssize_t n = read(fd, buf + have, READ_CHUNK - have);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			r = -errno;
			io_error(p->err, r, "cannot read the file");
			break;
		}
		eof = n == 0;
		have += (size_t)n;
		total += (size_t)n;
		if (cap && total > cap) {
			r = -E2BIG;
			io_error(p->err, r, "file too large");
			break;
		}
		r = feed(p, buf, have, eof, &used);
		if (r < 0)
			break;
		memmove(buf, buf + used, have - used);
		have -= used;
	}
	close(fd);
	free(buf);
	return r < 0 ? r : finish_text(p);
}

int pg_dump_read_each(const char *path, int (*fn)(void *data, const struct pg_dump_dev *dev),
		      void *data, size_t *ret_n, struct pg_dump_error *err)
{
	struct parser *p;
	int r;

	if (!path || !fn)
		return -EINVAL;
	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->fn = fn;
	p->data = data;
	p->limit = SIZE_MAX;
	p->err = err;
	r = read_each(path, 0, p);
	if (r == 0 && ret_n)
		*ret_n = p->n;
	free(p);
	return r;
}

/* pg_dump_read_file(): collect into an array that grows by doubling. */
struct collect {
	struct pg_dump_dev *devs;
	size_t n, cap;
};

static int collect_dev(void *data, const struct pg_dump_dev *dev)
{
	struct collect *c = data;

	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 1;
		struct pg_dump_dev *d = realloc(c->devs, cap * sizeof(*d));

		if (!d)
			return -ENOMEM;
		c->devs = d;
		c->cap = cap;
	}
	c->devs[c->n++] = *dev;
	return 0;
}

int pg_dump_read_file(const char *path, struct pg_dump_dev **ret_devs, size_t *ret_n,
		      struct pg_dump_error *err)
{
	struct collect c = { NULL, 0, 0 };
	struct parser *p;
	int r;

	if (!path || !ret_devs || !ret_n)
		return -EINVAL;
	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->fn = collect_dev;
	p->data = &c;
	p->limit = PG_DUMP_MAX_DEVICES;
	p->err = err;
	r = read_each(path, PG_DUMP_MAX_TEXT, p);
	free(p);
	if (r == -ENOMEM && err)
		err->msg[0] = '\0'; /* out of memory is not the file's fault */
	if (r < 0) {
		free(c.devs);
		return r;
	}
	*ret_devs = c.devs;
	*ret_n = c.n;
	return 0;
}
