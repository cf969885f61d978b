/* SPDX-License-Identifier: GPL-2.0-or-later */
/**
 * @file dump.h
 * @brief Reader for `lspci -x`/`-xxx`/`-xxxx` text dumps (the corpus format).
 *
 * A dump holds one or more devices. Each starts with a header line
 * (`[domain:]bus:dev.fn description`) followed by lines `OFF: b0 b1 ... b15` with
 * contiguous offsets from 00, and ends at a blank line, the next header line or the end of
 * the text. Lines starting with `#` are comments, except BAR-size annotations inside a
 * device block, which lspci ignores and the model backend uses:
 *
 *     # pcigate: bar0=0x4000 bar2=1M rom=64K
 *
 * (sizes in bytes, decimal or 0x-hex, optional K/M/G suffix, each a power of two or 0 for
 * a BAR that is not implemented, which a register reading 0 cannot tell by itself; each
 * key bar0..bar5/rom at most once per device; an annotation outside a device block is an
 * error, not a comment).
 *
 * Details of the accepted text: the slot is `bb:dd.f` or `dddd:bb:dd.f` with a domain of
 * 4 to 8 hex digits (lspci prints at least 4), bus and device exactly 2 hex digits
 * (device <= 1f), function 0-7; hex digits in either case; CRLF line ends; the last line
 * may lack its newline; lines indented with spaces or tabs between a header line and its
 * first hex line are `lspci -v` decode lines and are ignored (anywhere else they are an
 * error); offsets have 2 or 3 hex digits. The description is kept as printable ASCII:
 * any other byte becomes '?', so a dump cannot carry terminal escape sequences into the
 * reports that print it.
 *
 * The text is hostile: every line is length-bounded, offsets must be contiguous and
 * 16-byte aligned, bytes must be two hex digits, and a device holds at most 4096 bytes.
 * The first violation is an error naming the line. Files are read in one pass with
 * bounded memory (a 64 KiB buffer and one device): pg_dump_read_each() hands each device
 * to the caller as soon as it ends and has no limit on the file size or the device count;
 * the array-returning readers are bounded by what they must hold (the caller's capacity;
 * PG_DUMP_MAX_TEXT bytes of text and PG_DUMP_MAX_DEVICES devices for a whole file).
 */
#ifndef PCIGATE_DUMP_H
#define PCIGATE_DUMP_H

#include <pcigate/cfg.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Most devices pg_dump_read_file() returns: every function of one PCI segment (256
 *  buses x 32 devices x 8 functions); its array then takes about 280 MiB. */
#define PG_DUMP_MAX_DEVICES 65536u
#define PG_DUMP_MAX_TEXT (8u << 20)   /**< largest text of pg_dump_parse() and
					   pg_dump_read_file() (8 MiB) */
#define PG_DUMP_MAX_LINE 1024u        /**< longest line accepted */

/** One device read from a dump. */
struct pg_dump_dev {
	char slot[32];                  /**< "[dddd:]bb:dd.f" as written in the dump */
	char desc[160];                 /**< rest of the header line, truncated */
	unsigned line;                  /**< 1-based line of the header line */
	uint16_t len;                   /**< config bytes read (multiple of 16, <= 4096) */
	uint8_t cfg[PG_CFG_EXT_LEN];    /**< bytes; zero beyond len */
	struct pg_cfg_bar_sizes sizes;  /**< from `# pcigate:` annotations */
};

/** Where and why a dump was rejected. */
struct pg_dump_error {
	unsigned line;                  /**< 1-based line number, 0 if not line-specific */
	char msg[128];
};

/**
 * Parse dump text.
 *
 * @param text     borrowed; need not be NUL-terminated
 * @param len      bytes of text (at most PG_DUMP_MAX_TEXT)
 * @param devs     out: array of max entries filled in order of appearance (contents
 *                 unspecified on failure); may be NULL only when max is 0
 * @param max      capacity of devs
 * @param ret_n    out: number of devices parsed (at least 1 on success)
 * @param err      out, may be NULL: filled on -EINVAL
 * @return 0; -EINVAL for malformed text (err says line and why), no device at all, or
 *         bad arguments (NULL ret_n, NULL text with len > 0, NULL devs with max > 0);
 *         -E2BIG when the text is too long (err line 0) or holds more than max devices
 *         (err names the first header too many);
 *         -ENOMEM. err is filled on every failure except bad arguments and -ENOMEM.
 * Thread-safety: reentrant.
 */
PG_EXPORT PG_MUST_CHECK int pg_dump_parse(const char *text, size_t len,
					  struct pg_dump_dev *devs, size_t max,
					  size_t *ret_n, struct pg_dump_error *err);

/**
 * Read and parse a dump file.
 *
 * @param path  borrowed
 * @param ret_devs out: array of *ret_n devices, owned by the caller (free())
 * @param ret_n out
 * @param err   out, may be NULL: line and reason on -EINVAL; for I/O errors line 0 and
 *              the strerror text
 * The file is opened O_RDONLY | O_CLOEXEC | O_NONBLOCK and fstat()ed before reading:
 * only regular files are read (a FIFO or device node never blocks the caller), in one
 * pass of 64 KiB reads; at most PG_DUMP_MAX_TEXT + 64 KiB bytes are ever read.
 * @return 0; -errno from open/read (e.g. -ENOENT, -EACCES, -ELOOP); -EISDIR for a
 *         directory; -EINVAL for another non-regular file (err: "not a regular file") or
 *         malformed text (err: line and reason); -E2BIG when the file exceeds
 *         PG_DUMP_MAX_TEXT (err: "file too large") or holds more than
 *         PG_DUMP_MAX_DEVICES devices; -ENOMEM (err msg empty).
 *         Outputs are written on success only.
 * Thread-safety: reentrant.
 */
PG_EXPORT PG_MUST_CHECK int pg_dump_read_file(const char *path, struct pg_dump_dev **ret_devs,
					      size_t *ret_n, struct pg_dump_error *err);

/**
 * Read a dump file in one pass and call fn for each device as soon as its block ends.
 * Memory stays bounded (a 64 KiB read buffer and one device) whatever the size of the
 * file or the number of devices, neither of which is limited.
 *
 * @param path  borrowed; opened as for pg_dump_read_file()
 * @param fn    called with data and the device (borrowed: valid during the call only);
 *              returns 0 to go on, > 0 to stop reading (success: what follows is not
 *              read or checked), or a negative errno to fail (returned, err names the
 *              device's line)
 * @param ret_n out, may be NULL: devices passed to fn; written on success only
 * @param err   out, may be NULL: as for pg_dump_read_file()
 * @return 0; -EINVAL (NULL path/fn, malformed text, no device, not a regular file);
 *         -EISDIR; -errno from open/read; fn's negative errno; -ENOMEM. A failure can come
 *         after fn has seen earlier devices.
 * Thread-safety: reentrant.
 */
PG_EXPORT PG_MUST_CHECK int pg_dump_read_each(const char *path,
					      int (*fn)(void *data,
							const struct pg_dump_dev *dev),
					      void *data, size_t *ret_n,
					      struct pg_dump_error *err);

/**
 * A size in the form annotations use: the largest binary unit that divides it ("16K",
 * "4M", "2G") or plain decimal ("32", "0"). pg_dump_parse() reads it back exactly.
 * @param buf out: NUL-terminated, at least 24 bytes for any 64-bit size; returned
 */
PG_EXPORT const char *pg_dump_size_text(uint64_t size, char *buf, size_t n);

#ifdef __cplusplus
}
#endif
#endif
