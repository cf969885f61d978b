/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pcigate virtio-blk --vhost-user SOCKET [OPTIONS] info|read|write|verify ...
 *
 * Block I/O through the hardened virtqueues (libpcigate virtio.h) against a vhost-user-blk
 * back end such as qemu-storage-daemon. Device faults (a ring violation, a config space
 * that will not settle, a back end that hangs or dies) are written as JSON Lines audit
 * records to --audit FILE, or to stderr. Exit: 0 ok; 1 device fault or verify mismatch;
 * 2 usage; 3 cannot connect.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pcigate/virtio.h>

#include "cli.h"

#define CHUNK_SECTORS 128u   /* 64 KiB per request */
#define MAX_SECTORS (1u << 21) /* 1 GiB per command */

void pg_cmd_virtio_blk_usage(FILE *out)
{
	fputs("usage: pcigate virtio-blk --vhost-user SOCKET [OPTIONS] COMMAND\n"
	      "commands:\n"
	      "  info                       negotiated features, capacity, queues\n"
	      "  read SECTOR COUNT          read COUNT 512-byte sectors to --output (default stdout)\n"
	      "  write SECTOR COUNT         write --input FILE, or the --seed pattern\n"
	      "  verify SECTOR COUNT        read and compare with the --seed pattern\n"
	      "options:\n"
	      "  --packed                   use a packed ring if the device offers one\n"
	      "  --no-indirect --no-event-idx --in-order\n"
	      "  --queue-size N (default 128)  --queues N  --queue Q  --depth N (default 8)\n"
	      "  --len-policy clamp|reject|ignore   used-length policy (default clamp)\n"
	      "  --timeout MS (default 5000)  --audit FILE  --seed N  --input FILE  --output FILE\n"
	      "exit status: 0 ok; 1 device fault or mismatch; 2 usage error; 3 cannot connect.\n",
	      out);
}

struct opts {
	const char *socket, *audit, *input, *output;
	struct pg_vblk_config cfg;
	unsigned queue;
	unsigned seed;
	FILE *audit_f;
};

static void audit_sink(void *data, const struct pg_virtio_audit *rec)
{
	struct opts *o = data;
	char *line = NULL;

	if (pg_virtio_audit_to_json(rec, &line) < 0)
		return;
	if (o->audit_f)
		fprintf(o->audit_f, "%s\n", line);
	else
		fprintf(stderr, "pcigate: virtio-blk: error: device fault: %s\n", line);
	free(line);
}

static int parse_uint(const char *what, const char *s, unsigned long long max,
		      unsigned long long *ret)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s || *end || s[0] == '-' || v > max) {
		pg_cli_error("virtio-blk", "bad %s '%s'", what, s);
		return -1;
	}
	*ret = v;
	return 0;
}

static int len_policy(const char *s, enum pg_vq_len_policy *ret)
{
	static const char *const names[] = { "clamp", "reject", "ignore" };

	for (unsigned i = 0; i < 3; i++)
		if (!strcmp(s, names[i])) {
			*ret = (enum pg_vq_len_policy)i;
			return 0;
		}
	pg_cli_error("virtio-blk", "bad --len-policy '%s' (clamp, reject or ignore)", s);
	return -1;
}

/* 0 parsed; 1 --help printed; -1 error printed. */
static int parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct option lo[] = {
		{ "vhost-user", required_argument, NULL, 's' }, { "packed", no_argument, NULL, 'p' },
		{ "no-indirect", no_argument, NULL, 'I' }, { "no-event-idx", no_argument, NULL, 'E' },
		{ "in-order", no_argument, NULL, 'O' }, { "queue-size", required_argument, NULL, 'n' },
		{ "queues", required_argument, NULL, 'Q' }, { "queue", required_argument, NULL, 'q' },
		{ "depth", required_argument, NULL, 'd' }, { "len-policy", required_argument, NULL, 'l' },
		{ "timeout", required_argument, NULL, 't' }, { "audit", required_argument, NULL, 'a' },
		{ "seed", required_argument, NULL, 'S' }, { "input", required_argument, NULL, 'i' },
		{ "output", required_argument, NULL, 'o' }, PG_CLI_OPT_HELP,
		{ 0 } };
	static const struct pg_cli_parser parser = { "virtio-blk", ":h", lo,
						     pg_cmd_virtio_blk_usage };
	unsigned long long v;
	int c;

	pg_cli_opts_begin();
	while ((c = pg_cli_next_opt(&parser, argc, argv)) != PG_OPT_END) {
		switch (c) {
		case 's': o->socket = optarg; break;
		case 'p': o->cfg.packed = true; break;
		case 'I': o->cfg.no_indirect = true; break;
		case 'E': o->cfg.no_event_idx = true; break;
		case 'O': o->cfg.in_order = true; break;
		case 'n': if (parse_uint("--queue-size", optarg, 32768, &v)) return -1;
			  o->cfg.queue_size = (uint16_t)v; break;
		case 'Q': if (parse_uint("--queues", optarg, 8, &v)) return -1;
			  o->cfg.queues = (unsigned)v; break;
		case 'q': if (parse_uint("--queue", optarg, 7, &v)) return -1;
			  o->queue = (unsigned)v; break;
		case 'd': if (parse_uint("--depth", optarg, 64, &v)) return -1;
			  o->cfg.depth = (unsigned)v; break;
		case 'l': if (len_policy(optarg, &o->cfg.len_policy)) return -1; break;
		case 't': if (parse_uint("--timeout", optarg, 600000, &v) || !v) return -1;
			  o->cfg.vhu.timeout_ms = (int)v; break;
		case 'a': o->audit = optarg; break;
		case 'S': if (parse_uint("--seed", optarg, 255, &v)) return -1;
			  o->seed = (unsigned)v; break;
		case 'i': o->input = optarg; break;
		case 'o': o->output = optarg; break;
		case PG_OPT_HELP: return 1;
		default: return -1; /* PG_OPT_BAD: printed */
		}
	}
	if (!o->socket) {
		pg_cli_error("virtio-blk", "--vhost-user SOCKET is required");
		return -1;
	}
	return 0;
}

/* The --seed pattern: byte at absolute disk offset off. */
static uint8_t pattern(unsigned seed, uint64_t off)
{
	return (uint8_t)(((off * 2654435761u) >> 11) ^ (off >> 9) ^ seed);
}

static int read_input(const struct opts *o, uint8_t *buf, size_t len, uint64_t base)
{
	FILE *f;
	size_t n;

	if (!o->input) {
		for (size_t i = 0; i < len; i++)
			buf[i] = pattern(o->seed, base + i);
		return 0;
	}
	f = fopen(o->input, "rbe");
	if (!f) {
		pg_cli_error("virtio-blk", "cannot open '%s': %s", o->input, strerror(errno));
		return -1;
	}
	n = fread(buf, 1, len, f);
	fclose(f);
	if (n != len) {
		pg_cli_error("virtio-blk", "'%s' holds fewer than %zu bytes", o->input, len);
		return -1;
	}
	return 0;
}

static int do_io(struct pg_vblk *b, const struct opts *o, enum pg_vblk_op op, uint64_t sector,
		 uint8_t *buf, uint64_t count)
{
	for (uint64_t done = 0; done < count;) {
		uint64_t left = count - done;
		unsigned n = left >= CHUNK_SECTORS ? CHUNK_SECTORS : (unsigned)left;
		uint32_t len = n == CHUNK_SECTORS ? CHUNK_SECTORS * 512u : n * 512u;
		unsigned reqs = n == CHUNK_SECTORS ? (unsigned)(left / CHUNK_SECTORS) : 1u;
		int rc = pg_vblk_io(b, o->queue, op, sector + done, buf + done * 512u, len, reqs);

		if (rc < 0) {
			pg_cli_error("virtio-blk", "%s at sector %llu failed: %s",
				   op == PG_VBLK_READ ? "read" : "write",
				   (unsigned long long)(sector + done), strerror(-rc));
			return PG_EXIT_FINDING;
		}
		done += (uint64_t)reqs * n;
	}
	return PG_EXIT_OK;
}

static void print_info(struct pg_vblk *b)
{
	struct pg_vblk_info i;

	pg_vblk_info(b, &i);
	printf("features 0x%llx\ncapacity %llu sectors\nblk_size %u\nseg_max %u\n"
	       "queues %u\nqueue_size %u\nring %s%s%s%s\n",
	       (unsigned long long)i.features, (unsigned long long)i.capacity, i.blk_size,
	       i.seg_max, i.queues, i.queue_size, i.packed ? "packed" : "split",
	       i.indirect ? " indirect" : "", i.event_idx ? " event-idx" : "",
	       i.in_order ? " in-order" : "");
}

static int write_output(const struct opts *o, const uint8_t *buf, size_t len)
{
	FILE *f = o->output ? fopen(o->output, "wbe") : stdout;
	bool ok;

	if (!f) {
		pg_cli_error("virtio-blk", "cannot create '%s': %s", o->output, strerror(errno));
		return PG_EXIT_INPUT;
	}
	ok = fwrite(buf, 1, len, f) == len;
	if (o->output)
		ok = fclose(f) == 0 && ok;
	else
		ok = fflush(f) == 0 && ok;
	if (!ok) {
		pg_cli_error("virtio-blk", "writing the data failed");
		return PG_EXIT_INPUT;
	}
	return PG_EXIT_OK;
}

static int verify(const struct opts *o, const uint8_t *buf, uint64_t sector, uint64_t count)
{
	for (uint64_t i = 0; i < count * 512u; i++) {
		if (buf[i] != pattern(o->seed, sector * 512u + i)) {
			printf("mismatch at byte %llu (sector %llu)\n",
			       (unsigned long long)(sector * 512u + i),
			       (unsigned long long)(sector + i / 512u));
			return PG_EXIT_FINDING;
		}
	}
	printf("verified %llu sectors from %llu\n", (unsigned long long)count,
	       (unsigned long long)sector);
	return PG_EXIT_OK;
}

static int run(struct pg_vblk *b, const struct opts *o, int argc, char **argv)
{
	unsigned long long sector, count;
	uint8_t *buf;
	int rc;

	if (!strcmp(argv[0], "info") && argc == 1) {
		print_info(b);
		return PG_EXIT_OK;
	}
	if (argc != 3 || (strcmp(argv[0], "read") && strcmp(argv[0], "write") &&
			  strcmp(argv[0], "verify"))) {
		pg_cli_error("virtio-blk", "expected info, or read|write|verify SECTOR COUNT");
		return PG_EXIT_USAGE;
	}
	if (parse_uint("SECTOR", argv[1], UINT64_MAX / 512u, &sector) ||
	    parse_uint("COUNT", argv[2], MAX_SECTORS, &count) || !count)
		return PG_EXIT_USAGE;
	buf = malloc(count * 512u);
	if (!buf)
		return PG_EXIT_INPUT;
	if (argv[0][0] == 'w') {
		rc = read_input(o, buf, count * 512u, sector * 512u) ? PG_EXIT_INPUT :
		     do_io(b, o, PG_VBLK_WRITE, sector, buf, count);
		if (!rc)
			printf("wrote %llu sectors at %llu\n", count, sector);
	} else {
		rc = do_io(b, o, PG_VBLK_READ, sector, buf, count);
		if (!rc)
			rc = argv[0][0] == 'r' ? write_output(o, buf, count * 512u) :
			     verify(o, buf, sector, count);
	}
	free(buf);
	return rc;
}

/* Stop every queue (GET_VRING_BASE, validated by the library, then the ring audited) and
 * print where each back end ring stopped, unless stdout carries read data. A failed stop or
 * audit is a device fault. */
static int stop_queues(struct pg_vblk *b, const struct opts *o, const char *cmd, int rc)
{
	struct pg_vblk_info info;
	bool print = strcmp(cmd, "read") || o->output;

	pg_vblk_info(b, &info);
	for (unsigned q = 0; q < info.queues; q++) {
		uint32_t base;
		int s = pg_vblk_stop(b, q, &base);

		if (s == -EIO && pg_vq_broken(pg_vblk_queue(b, q))) {
			/* The back end stopped the ring; the audit that follows found its
			 * descriptor table written (the device fault printed above). */
			pg_cli_error("virtio-blk", "queue %u stopped at ring base %u, but the device "
				     "wrote its descriptor table", q, base);
			rc = rc ? rc : PG_EXIT_FINDING;
			continue;
		}
		if (s < 0) {
			pg_cli_error("virtio-blk", "stopping queue %u (GET_VRING_BASE) failed: %s",
				     q, strerror(-s));
			return rc ? rc : PG_EXIT_FINDING;
		}
		if (print)
			printf("queue %u stopped at ring base %u\n", q, base);
	}
	return rc;
}

int pg_cmd_virtio_blk(int argc, char **argv)
{
	struct opts o = { 0 };
	struct pg_vblk *b = NULL;
	int rc;

	o.cfg.depth = 8;
	rc = parse_opts(argc, argv, &o);
	if (rc)
		return rc > 0 ? PG_EXIT_OK : PG_EXIT_USAGE;
	if (optind >= argc) {
		pg_cli_error("virtio-blk", "no command given (info, read, write, verify)");
		return PG_EXIT_USAGE;
	}
	if (o.audit) {
		o.audit_f = fopen(o.audit, "ae");
		if (!o.audit_f) {
			pg_cli_error("virtio-blk", "cannot open --audit '%s': %s", o.audit,
				   strerror(errno));
			return PG_EXIT_INPUT;
		}
	}
	o.cfg.vhu.audit = audit_sink;
	o.cfg.vhu.audit_data = &o;
	if (o.cfg.queues <= o.queue)
		o.cfg.queues = o.queue + 1;
	rc = pg_vblk_open(o.socket, &o.cfg, &b);
	if (rc < 0) {
		pg_cli_error("virtio-blk", "cannot use '%s': %s", o.socket, strerror(-rc));
		rc = rc == -ENOENT || rc == -ECONNREFUSED ? PG_EXIT_INPUT : PG_EXIT_FINDING;
	} else {
		rc = run(b, &o, argc - optind, argv + optind);
		rc = stop_queues(b, &o, argv[optind], rc);
		pg_vblk_close(b);
	}
	if (o.audit_f)
		fclose(o.audit_f);
	return rc;
}
