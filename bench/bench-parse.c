/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bench-parse: how long pg_cfg_parse_into() takes per device on real config spaces.
 *
 * Every dump of the corpus is read once; then every device is parsed and laid out
 * ROUNDS times, each call timed with CLOCK_MONOTONIC. Medians (and p99) are reported per
 * dump size class (64, 256 and 4096 bytes; partial dumps of other lengths as "other") and
 * overall, with the slowest 4096-byte device by median. A baseline measured the same way
 * in the same process (memcpy of the device's bytes plus a naive byte sum) gives a ratio
 * that is comparable across machines. Optional extra dumps (default: the hostile set) are
 * reported separately and excluded from the corpus figures.
 *
 * Usage: bench-parse [-r ROUNDS] [CORPUS_DIR [EXTRA_DIR]]
 *   defaults: $PG_CORPUS or the configured corpus, and tests/data/hostile of the source tree.
 * Numbers only: the benchmark never fails on timing (machines are noisy); the exit status
 * is non-zero only when inputs cannot be read or parsed.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <pcigate/cfg.h>
#include <pcigate/dump.h>

#ifndef PG_BENCH_CORPUS
#define PG_BENCH_CORPUS "tests/data/pci-real"
#endif
#ifndef PG_BENCH_EXTRA
#define PG_BENCH_EXTRA ""
#endif

#define DEFAULT_ROUNDS 200u
#define MAX_ROUNDS 10000u
#define TARGET_US 20.0

enum size_class { CLASS_64, CLASS_256, CLASS_4096, CLASS_OTHER, CLASS_N };

static const char *const class_names[CLASS_N] = { "64 B", "256 B", "4096 B", "other" };

struct bench_dev {
	char name[96];
	uint16_t len;
	uint8_t cfg[PG_CFG_EXT_LEN];
	struct pg_cfg_bar_sizes sizes;
	uint16_t ncaps, ndiags;
	double *parse_ns;     /* one sample per round */
	double *base_ns;
	double median_ns;
};

struct dev_set {
	struct bench_dev *devs;
	size_t n, cap;
};

static volatile uint64_t sink; /* results consumed, so no call is optimised away */

static enum size_class classify(uint16_t len)
{
	return len == 64 ? CLASS_64 : len == 256 ? CLASS_256 : len == 4096 ? CLASS_4096
								      : CLASS_OTHER;
}

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

/* Quantile q (0..1) of v[0..n), sorting v in place. */
static double quantile(double *v, size_t n, double q)
{
	if (!n)
		return 0;
	qsort(v, n, sizeof(*v), cmp_double);
	return v[(size_t)(q * (double)(n - 1) + 0.5)];
}

static int add_file(struct dev_set *set, const char *dir, const char *file)
{
	struct pg_dump_error err = { 0 };
	struct pg_dump_dev *devs = NULL;
	char path[4096];
	size_t n = 0;
	int r;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	r = pg_dump_read_file(path, &devs, &n, &err);
	if (r < 0) {
		fprintf(stderr, "%s: %s (line %u: %s)\n", path, strerror(-r), err.line, err.msg);
		return r;
	}
	for (size_t i = 0; i < n; i++) {
		struct bench_dev *d;

		if (set->n == set->cap) {
			size_t nc = set->cap ? 2 * set->cap : 256;
			struct bench_dev *nd = realloc(set->devs, nc * sizeof(*nd));

			if (!nd) {
				free(devs);
				return -ENOMEM;
			}
			set->devs = nd;
			set->cap = nc;
		}
		d = &set->devs[set->n++];
		memset(d, 0, sizeof(*d));
		snprintf(d->name, sizeof(d->name), "%s", file);
		d->len = devs[i].len;
		memcpy(d->cfg, devs[i].cfg, sizeof(d->cfg));
		d->sizes = devs[i].sizes;
	}
	free(devs);
	return 0;
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Read every *.txt of dir (sorted, so runs are comparable) into set. */
static int load_dir(struct dev_set *set, const char *dir)
{
	char *names[4096];
	size_t n = 0;
	struct dirent *e;
	int r = 0;
	DIR *d = opendir(dir);

	if (!d) {
		fprintf(stderr, "%s: %s\n", dir, strerror(errno));
		return -errno;
	}
	while ((e = readdir(d)) && n < sizeof(names) / sizeof(names[0])) {
		size_t len = strlen(e->d_name);

		if (len > 4 && !strcmp(e->d_name + len - 4, ".txt") && (names[n] = strdup(e->d_name)))
			n++;
	}
	closedir(d);
	qsort(names, n, sizeof(names[0]), cmp_name);
	for (size_t i = 0; i < n; i++) {
		if (!r)
			r = add_file(set, dir, names[i]);
		free(names[i]);
	}
	return r;
}

/* Time ROUNDS parses and baselines of every device; the layout storage is reused so the
 * figure is the parser's work, not malloc's. */
static int run(struct dev_set *set, unsigned rounds, struct pg_cfg_layout *l)
{
	static uint8_t copy[PG_CFG_EXT_LEN];

	for (size_t i = 0; i < set->n; i++) {
		struct bench_dev *d = &set->devs[i];

		d->parse_ns = calloc(rounds, sizeof(double));
		d->base_ns = calloc(rounds, sizeof(double));
		if (!d->parse_ns || !d->base_ns)
			return -ENOMEM;
		if (pg_cfg_parse_into(d->cfg, d->len, &d->sizes, l) < 0) /* warm-up, counts */
			return -EINVAL;
		d->ncaps = l->ncaps;
		d->ndiags = l->ndiags;
	}
	for (unsigned r = 0; r < rounds; r++) {
		for (size_t i = 0; i < set->n; i++) {
			struct bench_dev *d = &set->devs[i];
			uint64_t sum = 0;
			double t0, t1, t2;

			t0 = now_ns();
			if (pg_cfg_parse_into(d->cfg, d->len, &d->sizes, l) < 0)
				return -EINVAL;
			t1 = now_ns();
			memcpy(copy, d->cfg, d->len);
			for (size_t k = 0; k < d->len; k++)
				sum += copy[k];
			t2 = now_ns();
			sink += l->ncaps + sum;
			d->parse_ns[r] = t1 - t0;
			d->base_ns[r] = t2 - t1;
		}
	}
	return 0;
}

static void print_row(const char *label, size_t ndev, double *p, double *b, size_t n)
{
	double pm = quantile(p, n, 0.5), p99 = quantile(p, n, 0.99), bm = quantile(b, n, 0.5);

	printf("%-10s %7zu %13.2f %9.2f %13.3f %9.1fx\n", label, ndev, pm / 1e3, p99 / 1e3,
	       bm / 1e3, bm > 0 ? pm / bm : 0.0);
}

/* Pool the samples of the devices of one class (CLASS_N: all) and print a row. */
static int report_class(const struct dev_set *set, unsigned rounds, enum size_class cls,
			const char *label)
{
	size_t ndev = 0, k = 0;
	double *p, *b;

	for (size_t i = 0; i < set->n; i++)
		ndev += cls == CLASS_N || classify(set->devs[i].len) == cls;
	if (!ndev)
		return 0;
	p = calloc(ndev * rounds, sizeof(double));
	b = calloc(ndev * rounds, sizeof(double));
	if (!p || !b) {
		free(p);
		free(b);
		return -ENOMEM;
	}
	for (size_t i = 0; i < set->n; i++) {
		const struct bench_dev *d = &set->devs[i];

		if (cls != CLASS_N && classify(d->len) != cls)
			continue;
		memcpy(p + k, d->parse_ns, rounds * sizeof(double));
		memcpy(b + k, d->base_ns, rounds * sizeof(double));
		k += rounds;
	}
	print_row(label, ndev, p, b, k);
	free(p);
	free(b);
	return 0;
}

/* Literal header: printf widths count bytes, and "µ" is two of them in UTF-8. */
static void print_header(void)
{
	printf("class      devices  parse med µs    p99 µs   baseline µs      ratio\n");
	printf("---------- ------- ------------- --------- ------------- ----------\n");
}

/* Per-device medians; the slowest device of the 4096-byte class, and the extra set. */
static void report_devices(struct dev_set *set, struct dev_set *extra, unsigned rounds)
{
	const struct bench_dev *worst = NULL, *most = NULL;
	static double tmp[MAX_ROUNDS], b[MAX_ROUNDS];

	for (size_t i = 0; i < set->n; i++) {
		struct bench_dev *d = &set->devs[i];

		memcpy(tmp, d->parse_ns, rounds * sizeof(double));
		d->median_ns = quantile(tmp, rounds, 0.5);
		if (classify(d->len) != CLASS_4096)
			continue;
		if (!worst || d->median_ns > worst->median_ns)
			worst = d;
		if (!most || d->ncaps > most->ncaps)
			most = d;
	}
	if (worst)
		printf("\n4096-byte corpus devices, median of %u rounds:\n"
		       "  slowest:           %7.2f µs  %s (%u capabilities, %u diagnostics)\n"
		       "  most capabilities: %7.2f µs  %s (%u capabilities, %u diagnostics)\n",
		       rounds, worst->median_ns / 1e3, worst->name, worst->ncaps, worst->ndiags,
		       most->median_ns / 1e3, most->name, most->ncaps, most->ndiags);
	if (!extra->n)
		return;
	printf("\nextra inputs (not in the figures above), median per device:\n");
	for (size_t i = 0; i < extra->n; i++) {
		struct bench_dev *d = &extra->devs[i];

		memcpy(tmp, d->parse_ns, rounds * sizeof(double));
		memcpy(b, d->base_ns, rounds * sizeof(double));
		d->median_ns = quantile(tmp, rounds, 0.5);
		if (d->ncaps >= 64 || d->median_ns > 5e3)
			printf("  %-32s %5u B %5u caps %3u diags %9.2f µs (baseline %.3f µs)\n",
			       d->name, d->len, d->ncaps, d->ndiags, d->median_ns / 1e3,
			       quantile(b, rounds, 0.5) / 1e3);
	}
	printf("  (only inputs with >= 64 capabilities or > 5 µs are listed)\n");
}

static void free_set(struct dev_set *set)
{
	for (size_t i = 0; i < set->n; i++) {
		free(set->devs[i].parse_ns);
		free(set->devs[i].base_ns);
	}
	free(set->devs);
}

static int parse_args(int argc, char **argv, unsigned *rounds, const char **dir,
		      const char **extra)
{
	int i = 1;

	if (argc > 2 && !strcmp(argv[1], "-r")) {
		char *end;
		unsigned long v = strtoul(argv[2], &end, 10);

		if (*end || v == 0 || v > MAX_ROUNDS) {
			fprintf(stderr, "-r: rounds must be 1..%u, not \"%s\"\n", MAX_ROUNDS,
				argv[2]);
			return -EINVAL;
		}
		*rounds = (unsigned)v;
		i = 3;
	}
	if (i < argc)
		*dir = argv[i++];
	if (i < argc)
		*extra = argv[i++];
	if (i < argc) {
		fprintf(stderr, "usage: %s [-r ROUNDS] [CORPUS_DIR [EXTRA_DIR]]\n", argv[0]);
		return -EINVAL;
	}
	return 0;
}

int main(int argc, char **argv)
{
	const char *dir = getenv("PG_CORPUS") ? getenv("PG_CORPUS") : PG_BENCH_CORPUS;
	const char *extra_dir = PG_BENCH_EXTRA;
	struct dev_set set = { 0 }, extra = { 0 };
	unsigned rounds = DEFAULT_ROUNDS;
	struct pg_cfg_layout *l = malloc(sizeof(*l));
	int r = -ENOMEM;

	if (!l || parse_args(argc, argv, &rounds, &dir, &extra_dir) < 0)
		goto out;
	r = load_dir(&set, dir);
	if (!r && extra_dir[0])
		r = load_dir(&extra, extra_dir);
	if (r < 0 || !set.n) {
		fprintf(stderr, "no devices read from %s\n", dir);
		r = r < 0 ? r : -ENOENT;
		goto out;
	}
	r = run(&set, rounds, l);
	if (!r)
		r = run(&extra, rounds, l);
	if (r < 0)
		goto out;
	printf("pcigate bench-parse: %zu devices from %s, %u rounds; pg_cfg_parse_into() per "
	       "device vs baseline (memcpy + byte sum), each call timed\n\n", set.n, dir, rounds);
	print_header();
	for (int c = 0; c < CLASS_N && !r; c++)
		r = report_class(&set, rounds, (enum size_class)c, class_names[c]);
	if (!r)
		r = report_class(&set, rounds, CLASS_N, "overall");
	if (r < 0)
		goto out;
	report_devices(&set, &extra, rounds);
	printf("\ntarget: < %.0f µs per 4096-byte device (informative; never a test failure)\n",
	       TARGET_US);
out:
	free_set(&set);
	free_set(&extra);
	free(l);
	if (r < 0)
		fprintf(stderr, "bench-parse: %s\n", strerror(-r));
	return r < 0 ? 1 : 0;
}
