/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bench-mediator: the cost of mediation on the hot path, per dword config access.
 *
 * A real NVMe controller with MSI-X (corpus dump of a Samsung PM174X, 4 KiB config) is
 * modelled by the model backend (any dump may be given, 64-byte ones too). In one process
 * and one run, six hot loops are timed with CLOCK_MONOTONIC:
 *   direct read           pg_backend_cfg_read()      (the backend alone: the baseline)
 *   mediated read         pg_mediator_cfg_read()     (decide + backend read where needed)
 *   direct write          pg_backend_cfg_write()
 *   mediated write        pg_mediator_cfg_write()    (decide + execute effects)
 *   direct effect write   pg_backend_cfg_write() of the changing values below
 *   mediated effect write pg_mediator_cfg_write() of them
 * Reads cycle over the dwords of the standard header and capability area the device has
 * (64, or 16 for a 64-byte device: emulated IDs and BARs, hardware Command/Status,
 * capability registers, hidden bytes). Rewrites cycle over the registers a running driver
 * writes: Command, the PCIe Device Control dword, MSI-X Message Control and the PM
 * Control/Status dword, each written with the value it already holds so every iteration
 * does identical work. Effect writes change state and so produce effects: Command Memory
 * Space toggled with BAR0 programmed (a hardware write and a BAR mapping change), Device
 * Control Relaxed Ordering toggled (a hardware write) and MSI-X Enable toggled (an
 * interrupt routing change and INTx Disable on the hardware). Each loop runs ROUNDS times,
 * the rounds of all loops interleaved; the best and the median round are reported in ns
 * per access, with the ratio to the direct access of the same kind, all measured in this
 * run.
 *
 * Targets: mediated read within 40 ns, mediated write within 80 ns (issue 3); a mediated
 * write at most 3x a direct backend write, rewrites and writes with effects alike (issue
 * 7). Numbers only: the exit status is non-zero only when the device cannot be opened.
 *
 * On a loaded machine the nanoseconds move with the neighbours; instruction counts do not.
 * Each loop is its own function (loop_direct_write, loop_mediated_fx, ...), so
 *   valgrind --tool=callgrind --callgrind-out-file=cg.out bench-mediator -n 100000 [DUMP]
 *   callgrind_annotate --inclusive=yes cg.out | grep loop_
 * gives each loop's instructions; divided by 9 x ITERATIONS, per access, and the ratios
 * of the mediated to the direct loops are the same targets counted in instructions.
 *
 * -k K keeps only the K-th effect toggle the device has (0: Command Memory Space, 1:
 * Device Control Relaxed Ordering, 2: MSI-X Enable, in that order when present), so the
 * effect loops time one kind of effect; the other loops are unchanged.
 *
 * Usage: bench-mediator [-n ITERATIONS] [-k K] [DUMP]
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <pcigate/pcigate.h>

#ifndef PG_BENCH_CORPUS
#define PG_BENCH_CORPUS "tests/data/pci-real"
#endif
#define DEVICE "144d-a826_samsung-electronics-co-nvme-ssd-controller-pm174_4096.txt"
#define ROUNDS 9
#define DEFAULT_ITER 2000000u

static volatile uint32_t sink;

struct wreg {
	uint16_t off;
	uint32_t val;
};

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

enum op { DIRECT_READ, MEDIATED_READ, DIRECT_WRITE, MEDIATED_WRITE, DIRECT_FX, MEDIATED_FX,
	  OP_N };

static const char *const op_names[OP_N] = { "direct read", "mediated read", "direct write",
					     "mediated write", "direct fx write",
					     "mediated fx write" };

struct ctx {
	struct pg_backend *be;
	struct pg_mediator *m;
	struct wreg w[8];      /* rewrites of unchanged values */
	unsigned nw;
	struct wreg fx[8];     /* pairs: a changed value, then the original (effects) */
	unsigned nfx;
	unsigned nread;        /* dwords read: the standard area the device has */
	unsigned long effects; /* effects the mediated effect writes produced */
	unsigned iter;
};

static int count_effect(void *data, const struct pg_effect *e)
{
	(void)e;
	((struct ctx *)data)->effects++;
	return 0;
}

/* One loop per kind of access, out of line so a profiler (valgrind --tool=callgrind, whose
 * instruction counts are stable on a loaded machine) attributes each its own cost. */
#define LOOP(name, expr)							\
	__attribute__((noinline)) static int name(struct ctx *c, uint32_t *acc)	\
	{									\
		uint32_t v = 0;							\
		int rc = 0;							\
										\
		for (unsigned i = 0; i < c->iter && rc == 0; i++) {		\
			uint16_t off = (uint16_t)((i % c->nread) * 4u);		\
			const struct wreg *w = &c->w[i % c->nw];		\
			const struct wreg *f = &c->fx[i % c->nfx];		\
										\
			(void)off; (void)w; (void)f;				\
			rc = (expr);						\
			*acc += v;						\
		}								\
		return rc;							\
	}

LOOP(loop_direct_read, pg_backend_cfg_read(c->be, off, 4, &v))
LOOP(loop_mediated_read, pg_mediator_cfg_read(c->m, off, 4, &v))
LOOP(loop_direct_write, pg_backend_cfg_write(c->be, w->off, 4, w->val))
LOOP(loop_mediated_write, pg_mediator_cfg_write(c->m, w->off, 4, w->val))
LOOP(loop_direct_fx, pg_backend_cfg_write(c->be, f->off, 4, f->val))
LOOP(loop_mediated_fx, pg_mediator_cfg_write(c->m, f->off, 4, f->val))

static int (*const loops[OP_N])(struct ctx *c, uint32_t *acc) = {
	loop_direct_read, loop_mediated_read, loop_direct_write, loop_mediated_write,
	loop_direct_fx, loop_mediated_fx,
};

/* One timed round of op; returns ns per access, or a negative value on error. */
static double round_ns(struct ctx *c, enum op op)
{
	uint32_t acc = 0;
	double t0 = now_ns();
	int rc = loops[op](c, &acc);

	sink = acc;
	return rc < 0 ? -1.0 : (now_ns() - t0) / c->iter;
}

static void read_or_zero(struct pg_mediator *m, uint16_t off, uint8_t size, uint32_t *v)
{
	if (pg_mediator_cfg_read(m, off, size, v) < 0)
		*v = 0;
}

/* A write that changes bits of the register at off, then one restoring it. */
static void add_toggle(struct ctx *c, uint16_t off, uint32_t v, uint32_t bit)
{
	if (c->nfx + 2 > sizeof(c->fx) / sizeof(c->fx[0]))
		return;
	c->fx[c->nfx++] = (struct wreg){ off, v ^ bit };
	c->fx[c->nfx++] = (struct wreg){ off, v };
}

/* The registers a driver writes, each with the value it holds (via the mediator, so the
 * mediated write re-states the guest view; the direct write re-states the hardware), and
 * the effect writes. */
static void pick_writes(struct ctx *c)
{
	static const uint8_t ids[] = { PG_CAP_EXP, PG_CAP_MSIX, PG_CAP_PM };
	static const uint8_t rel[] = { 0x08, 0x00, 0x04 };
	uint32_t v = 0, p = 0;

	c->nw = c->nfx = 0;
	/* BAR0 programmed, so Memory Space decode toggles map and unmap it */
	if (pg_mediator_cfg_write(c->m, 0x10, 4, 0xf0000000u) < 0)
		fprintf(stderr, "bench-mediator: programming BAR0 failed\n");
	read_or_zero(c->m, 0x04, 4, &v);
	c->w[c->nw++] = (struct wreg){ 0x04, v & 0xffffu };
	add_toggle(c, 0x04, v & 0xffffu, 0x0002u);
	read_or_zero(c->m, 0x34, 1, &p);
	for (unsigned n = 0; p && n < 48; n++) {
		uint32_t h = 0;

		read_or_zero(c->m, (uint16_t)p, 2, &h);
		for (unsigned k = 0; k < sizeof(ids); k++) {
			if ((h & 0xffu) != ids[k])
				continue;
			read_or_zero(c->m, (uint16_t)(p + rel[k]), 4, &v);
			/* status halves written as 0: no RW1C clearing, same work every time */
			c->w[c->nw++] = (struct wreg){ (uint16_t)(p + rel[k]),
						       ids[k] == PG_CAP_MSIX ? v : v & 0xffffu };
			if (ids[k] == PG_CAP_EXP)   /* Relaxed Ordering */
				add_toggle(c, (uint16_t)(p + rel[k]), v & 0xffffu, 0x10u);
			if (ids[k] == PG_CAP_MSIX)  /* MSI-X Enable */
				add_toggle(c, (uint16_t)(p + rel[k]), v, 0x80000000u);
		}
		p = (h >> 8) & 0xfcu;
	}
}

static int open_device(const char *path, struct ctx *c)
{
	struct pg_mediator_config cfg;
	struct pg_dump_error err;
	int rc = pg_backend_model_open(path, &c->be, &err);

	if (rc < 0) {
		fprintf(stderr, "bench-mediator: %s: %s (line %u)\n", path,
			err.msg[0] ? err.msg : strerror(-rc), err.line);
		return rc;
	}
	pg_mediator_config_init(&cfg);
	cfg.profile = PG_PROFILE_GUEST;
	cfg.effect = count_effect;
	cfg.effect_data = c;
	c->nread = pg_backend_cfg_len(c->be) / 4u < 64u ? pg_backend_cfg_len(c->be) / 4u : 64u;
	rc = pg_mediator_new(c->be, &cfg, &c->m);
	if (rc < 0) {
		fprintf(stderr, "bench-mediator: %s: mediator: %s\n", path, strerror(-rc));
		pg_backend_close(c->be);
	}
	return rc;
}

static const char *verdict(double ratio, double target)
{
	return ratio <= target ? "met" : "missed";
}

/* Rounds are interleaved (round r of every loop, then round r + 1), so a burst of load from
 * other processes lands on all loops alike rather than on one of them; the ratios compare
 * the medians (and the bests) of loops measured side by side. */
static void report(struct ctx *c)
{
	double s[OP_N][ROUNDS], best[OP_N], med[OP_N];
	double rw, fx;

	for (int r = 0; r < ROUNDS; r++)
		for (int op = 0; op < OP_N; op++)
			s[op][r] = round_ns(c, (enum op)op);
	for (int op = 0; op < OP_N; op++) {
		qsort(s[op], ROUNDS, sizeof(s[op][0]), cmp_double);
		best[op] = s[op][0];
		med[op] = s[op][ROUNDS / 2];
	}
	printf("%-18s %9s %9s %12s %10s\n", "access", "best ns", "median ns", "ratio median",
	       "ratio best");
	for (int op = 0; op < OP_N; op++) {
		int base = op & ~1;

		printf("%-18s %9.1f %9.1f %11.2fx %9.2fx\n", op_names[op], best[op], med[op],
		       med[base] > 0 ? med[op] / med[base] : 0.0,
		       best[base] > 0 ? best[op] / best[base] : 0.0);
	}
	rw = med[MEDIATED_WRITE] / med[DIRECT_WRITE];
	fx = med[MEDIATED_FX] / med[DIRECT_FX];
	printf("targets (medians of this run; times move with the machine's load, "
	       "bench/bench-mediator-ir.sh counts instructions):\n");
	printf("  issue 3: mediated read  %6.1f ns <= 40 ns: %s\n", med[MEDIATED_READ],
	       verdict(med[MEDIATED_READ], 40.0));
	printf("  issue 3: mediated write %6.1f ns <= 80 ns: %s\n", med[MEDIATED_WRITE],
	       verdict(med[MEDIATED_WRITE], 80.0));
	printf("  issue 7: mediated / direct write, rewrites      %5.2fx (best %5.2fx) <= 3x: %s\n",
	       rw, best[MEDIATED_WRITE] / best[DIRECT_WRITE], verdict(rw, 3.0));
	printf("  issue 7: mediated / direct write, with effects  %5.2fx (best %5.2fx) <= 3x: %s"
	       " (%.2f callback effects per write)\n", fx, best[MEDIATED_FX] / best[DIRECT_FX],
	       verdict(fx, 3.0), (double)c->effects / ((double)c->iter * ROUNDS));
}

int main(int argc, char **argv)
{
	char path[4096];
	const char *dir = getenv("PG_CORPUS");
	struct ctx c;
	long kind = -1;
	int i = 1;

	memset(&c, 0, sizeof(c));
	c.iter = DEFAULT_ITER;
	if (argc > i + 1 && strcmp(argv[i], "-n") == 0) {
		long n = strtol(argv[i + 1], NULL, 10);

		c.iter = n > 0 && n < 1000000000L ? (unsigned)n : DEFAULT_ITER;
		i += 2;
	}
	if (argc > i + 1 && strcmp(argv[i], "-k") == 0) {
		kind = strtol(argv[i + 1], NULL, 10);
		i += 2;
	}
	if (i < argc)
		snprintf(path, sizeof(path), "%s", argv[i]);
	else
		snprintf(path, sizeof(path), "%s/%s", dir ? dir : PG_BENCH_CORPUS, DEVICE);
	if (open_device(path, &c) < 0)
		return 1;
	pick_writes(&c);
	if (kind >= 0) {
		if ((unsigned long)kind * 2u + 2u > c.nfx) {
			fprintf(stderr, "bench-mediator: no effect toggle %ld on this device\n", kind);
			pg_mediator_free(c.m);
			pg_backend_close(c.be);
			return 1;
		}
		c.fx[0] = c.fx[2 * kind];
		c.fx[1] = c.fx[2 * kind + 1];
		c.nfx = 2;
	}
	printf("bench-mediator: %s, guest profile, %u accesses per round, %d rounds, "
	       "%u dwords read, %u rewrite targets, %u effect writes\n", path, c.iter, ROUNDS,
	       c.nread, c.nw, c.nfx);
	report(&c);
	pg_mediator_free(c.m);
	pg_backend_close(c.be);
	return 0;
}
