/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bench-vring: what the device-distrusting checks cost. Two threads poll one 256-entry ring
 * (in the style of Linux tools/virtio/ringtest; docs/virtio.md): a driver thread that keeps the
 * ring full and a device thread (the test device, tests/unit/virtio/vdev.c) that uses each
 * buffer at once. The driver is either libpcigate's hardened queue or an unvalidated
 * baseline: the same ring code compiled without its checks (vring-unhardened.c), and a
 * minimal hand-written loop over the same layout for scale, in the same program and run,
 * interleaved round by round (report_mode()). Modes: split and packed, driver publishing
 * every 1 or every 16 buffers. The same table is then printed with the device stepped
 * inline in the driver's thread. The deterministic figure, instructions per buffer, comes
 * from bench/vring-instructions.sh (callgrind on the same-thread mode).
 *
 * Usage: bench-vring [BUFFERS_PER_RUN (default 2000000)] [ROUNDS (default 15, max 1000)]
 * Environment: BENCH_VRING_INLINE=1 runs only the same-thread table; BENCH_VRING_MODES
 * and BENCH_VRING_ONLY select modes and variants (mode_selected(), run_sel()).
 */

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <pcigate/virtio.h>

#include "../tests/unit/virtio/vdev.h"

#define NUM 256u
#define BASE 0x10000000ull
#define MEM (1u << 20)
#define MAX_ROUNDS 1000u

struct ctx {
	uint8_t *mem;
	struct vdev_ring dev;
	atomic_bool stop;
	bool packed;
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void pin(int cpu)
{
	cpu_set_t s;

	CPU_ZERO(&s);
	CPU_SET(cpu, &s);
	(void)pthread_setaffinity_np(pthread_self(), sizeof(s), &s);
}

static void *device(void *arg)
{
	struct ctx *c = arg;
	struct vdev_buf b;

	pin(1);
	while (!atomic_load_explicit(&c->stop, memory_order_relaxed))
		if (vdev_pop(&c->dev, &b) == 1)
			vdev_push(&c->dev, b.id, b.writable, b.ndesc);
	return NULL;
}

/* ---- baseline: the same ring formats, no validation, no private in-flight state ------- */

struct base {
	uint8_t *mem;
	bool packed;
	uint16_t free_head, next[NUM], avail, pub, last_used;
	bool avail_wrap, used_wrap;
	void *tok[NUM];
};

#define DESC(b, i) ((uint64_t *)(void *)((b)->mem + 16u * (i)))
#define AVAIL16(b, i) ((uint16_t *)(void *)((b)->mem + 16u * NUM + 2u * (i)))
#define USED(b) ((b)->mem + ((16u * NUM + 6u + 2u * NUM + 63u) & ~63u))

static void base_add(struct base *b, uint64_t addr, uint32_t len, void *tok)
{
	uint16_t id = b->free_head;
	uint8_t *d;

	b->free_head = b->next[id];
	b->tok[id] = tok;
	if (!b->packed) {
		d = b->mem + 16u * id;
		memcpy(d, &addr, 8);
		memcpy(d + 8, &len, 4);
		*(uint32_t *)(void *)(d + 12) = 2u;              /* WRITE, next 0 */
		*AVAIL16(b, 2u + (b->avail & (NUM - 1u))) = id;
		b->avail++;
		return;
	}
	d = b->mem + 16u * b->avail;
	memcpy(d, &addr, 8);
	memcpy(d + 8, &len, 4);
	*(uint16_t *)(void *)(d + 12) = id;
	__atomic_store_n((uint16_t *)(void *)(d + 14),
			 (uint16_t)(2u | (b->avail_wrap ? 0x80u : 0x8000u)), __ATOMIC_RELEASE);
	if (++b->avail == NUM) {
		b->avail = 0;
		b->avail_wrap = !b->avail_wrap;
	}
}

static void base_kick(struct base *b)
{
	if (!b->packed) {
		__atomic_store_n(AVAIL16(b, 1), b->avail, __ATOMIC_RELEASE);
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		(void)__atomic_load_n((uint16_t *)(void *)(USED(b) + 4 + 8 * NUM), __ATOMIC_RELAXED);
		return;
	}
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	(void)__atomic_load_n((uint32_t *)(void *)(b->mem + 16u * NUM + 64u), __ATOMIC_RELAXED);
}

static void *base_get(struct base *b)
{
	uint16_t id;
	void *tok;

	if (!b->packed) {
		uint8_t *u = USED(b);

		if (__atomic_load_n((uint16_t *)(void *)(u + 2), __ATOMIC_ACQUIRE) == b->last_used)
			return NULL;
		id = (uint16_t)*(uint32_t *)(void *)(u + 4 + 8u * (b->last_used & (NUM - 1u)));
		b->last_used++;
		*AVAIL16(b, 2u + NUM) = b->last_used;            /* used_event */
	} else {
		uint8_t *d = b->mem + 16u * b->last_used;
		uint16_t f = __atomic_load_n((uint16_t *)(void *)(d + 14), __ATOMIC_ACQUIRE);

		if (!!(f & 0x80u) != b->used_wrap || !!(f & 0x8000u) != b->used_wrap)
			return NULL;
		id = *(uint16_t *)(void *)(d + 12);
		if (++b->last_used == NUM) {
			b->last_used = 0;
			b->used_wrap = !b->used_wrap;
		}
	}
	tok = b->tok[id];
	b->next[id] = b->free_head;
	b->free_head = id;
	return tok;
}

/* ---- the same library code built without its checks (vring-unhardened.c) ------------- */
int ub_vq_new(const struct pg_vq_config *cfg, struct pg_vq **ret);
int ub_vq_add(struct pg_vq *vq, const struct pg_vq_seg *segs, unsigned nsegs, void *token);
bool ub_vq_kick_prepare(struct pg_vq *vq);
int ub_vq_get(struct pg_vq *vq, void **token, uint32_t *len);

enum variant { HAND, UNHARDENED, HARDENED };

/* ---- runs -------------------------------------------------------------------------------- */

static int toks[NUM];

struct drv {
	enum variant v;
	struct pg_vq *vq;
	struct base b;
};

/* One add/kick/get of the variant under test (a predictable branch, the same in every
 * variant, so that no variant pays for an indirect call the others do not). */
static inline void drv_add(struct drv *d, int *tok)
{
	struct pg_vq_seg sg = { BASE + 0x80000u, 64, true };

	if (d->v == HARDENED ? pg_vq_add(d->vq, &sg, 1, tok) < 0 :
	    d->v == UNHARDENED ? ub_vq_add(d->vq, &sg, 1, tok) < 0 :
	    (base_add(&d->b, sg.addr, sg.len, tok), false))
		abort();
}

static inline void drv_kick(struct drv *d)
{
	if (d->v == HARDENED)
		(void)pg_vq_kick_prepare(d->vq);
	else if (d->v == UNHARDENED)
		(void)ub_vq_kick_prepare(d->vq);
	else
		base_kick(&d->b);
}

static inline bool drv_get(struct drv *d)
{
	void *tok;
	uint32_t len;

	if (d->v == HARDENED)
		return pg_vq_get(d->vq, &tok, &len) == 1;
	if (d->v == UNHARDENED)
		return ub_vq_get(d->vq, &tok, &len) == 1;
	return base_get(&d->b) != NULL;
}

/* Keep the ring full, publish every `batch` buffers, reap all that is used; n buffers. */
static void drive(struct drv *d, struct ctx *c, unsigned batch, unsigned long n,
		  bool inline_dev)
{
	unsigned long added = 0, done = 0;
	unsigned inflight = 0, nb = 0;

	while (done < n) {
		for (; inflight < NUM && added < n; inflight++, added++) {
			drv_add(d, &toks[added % NUM]);
			if (++nb == batch) {
				nb = 0;
				drv_kick(d);
			}
		}
		if (inline_dev) {
			struct vdev_buf vb;

			while (vdev_pop(&c->dev, &vb) == 1)
				vdev_push(&c->dev, vb.id, vb.writable, vb.ndesc);
		}
		for (; drv_get(d); inflight--)
			done++;
	}
}

static double thread_cpu(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* One run: Mbuf/s, and *cpu_ns the driver thread's CPU time per buffer (it does not count
 * the time the thread was preempted by other load, which the wall clock does). */
static double run(bool packed, enum variant v, unsigned batch, unsigned long n, bool inline_dev,
		  double *cpu_ns)
{
	struct ctx c = { .packed = packed };
	struct pg_vq_config qc = { .layout = packed ? PG_VQ_PACKED : PG_VQ_SPLIT, .num = NUM,
				   .event_idx = true, .device_addr = BASE };
	struct drv d = { .v = v, .b = { .packed = packed, .avail_wrap = true,
					.used_wrap = true } };
	uint64_t da, drva, deva;
	pthread_t th;
	double t0, t, c0;

	if (posix_memalign((void **)&c.mem, 4096, MEM))
		abort();
	memset(c.mem, 0, MEM);
	qc.mem = d.b.mem = c.mem;
	for (unsigned i = 0; i < NUM; i++)
		d.b.next[i] = (uint16_t)((i + 1u) % NUM);
	if ((v == UNHARDENED ? ub_vq_new(&qc, &d.vq) : pg_vq_new(&qc, &d.vq)) < 0)
		abort();
	pg_vq_addrs(d.vq, &da, &drva, &deva);
	vdev_init(&c.dev, packed, false, NUM, c.mem + (da - BASE), c.mem + (drva - BASE),
		  c.mem + (deva - BASE), c.mem, BASE, MEM);
	if (!inline_dev)
		pthread_create(&th, NULL, device, &c);
	pin(0);
	t0 = now();
	c0 = thread_cpu();
	drive(&d, &c, batch, n, inline_dev);
	*cpu_ns = (thread_cpu() - c0) / (double)n * 1e9;
	t = now() - t0;
	atomic_store(&c.stop, true);
	if (!inline_dev)
		pthread_join(th, NULL);
	if (pg_vq_broken(d.vq))
		abort();
	pg_vq_free(d.vq);
	free(c.mem);
	return (double)n / t / 1e6;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, unsigned n)
{
	qsort(v, n, sizeof(double), cmp);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static const struct mode {
	const char *name;        /* for BENCH_VRING_MODES */
	bool packed;
	unsigned batch;
} modes[] = { { "s16", false, 16 }, { "s1", false, 1 }, { "p16", true, 16 }, { "p1", true, 1 } };

/* BENCH_VRING_MODES: comma-separated subset of s16,s1,p16,p1 (default all). */
static bool mode_selected(const struct mode *m)
{
	const char *sel = getenv("BENCH_VRING_MODES");
	size_t n = strlen(m->name);

	for (const char *p = sel; p && *p; p += strcspn(p, ",") + (p[strcspn(p, ",")] != 0))
		if (strncmp(p, m->name, n) == 0 && (p[n] == ',' || p[n] == 0))
			return true;
	return !sel || !*sel;
}

/* BENCH_VRING_ONLY=any of b (hand loop), u (unhardened), h (hardened): run only those
 * (the others print 1.00), for an instruction count under callgrind
 * (bench/vring-instructions.sh). */
static double run_sel(const struct mode *m, enum variant v, unsigned long n, bool inline_dev,
		      double *cpu_ns)
{
	const char *only = getenv("BENCH_VRING_ONLY");

	*cpu_ns = 1.0;
	if (only && !strchr(only, "buh"[v]))
		return 1.0;
	return run(m->packed, v, m->batch, n, inline_dev, cpu_ns);
}

/*
 * One mode: `rounds` rounds, each running the unhardened and the hardened build back to
 * back (order alternating, ABBA..., so that a slow drift of the machine's load hits both
 * alike) and giving one paired ratio hardened/unhardened. The median of the paired ratios
 * is the figure; the minimum is the worst round, i.e. the noise floor on a shared machine.
 * The driver thread's CPU time per buffer is reported beside it (median per variant and
 * the median of the paired unhardened/hardened CPU ratios).
 */
static void report_mode(const struct mode *m, bool inline_dev, unsigned long n, unsigned rounds)
{
	static double u[MAX_ROUNDS], h[MAX_ROUNDS], ratio[MAX_ROUNDS], hand[MAX_ROUNDS],
		      uc[MAX_ROUNDS], hc[MAX_ROUNDS], cr[MAX_ROUNDS];
	double x, mu, mh, mr;

	for (unsigned k = 0; k < rounds; k++) {
		if (k % 2 == 0) {
			u[k] = run_sel(m, UNHARDENED, n, inline_dev, &uc[k]);
			h[k] = run_sel(m, HARDENED, n, inline_dev, &hc[k]);
		} else {
			h[k] = run_sel(m, HARDENED, n, inline_dev, &hc[k]);
			u[k] = run_sel(m, UNHARDENED, n, inline_dev, &uc[k]);
		}
		hand[k] = run_sel(m, HAND, n, inline_dev, &x);
		ratio[k] = h[k] / u[k];
		cr[k] = uc[k] / hc[k];
	}
	/* median() sorts: afterwards [0] is the minimum and [rounds - 1] the maximum. */
	mu = median(u, rounds);
	mh = median(h, rounds);
	mr = median(ratio, rounds);
	/* Noise on a shared machine only ever slows a run down, so the best run of each
	 * variant is the least disturbed one: best/best is printed beside the median. */
	printf("%-6s batch %2u: unhardened %7.2f  hardened %7.2f | ratio median %.3f min %.3f "
	       "max %.3f best/best %.3f | driver ns/buf %6.1f %6.1f, ratio %.3f "
	       "| hand-written loop %7.2f\n",
	       m->packed ? "packed" : "split", m->batch, mu, mh, mr, ratio[0], ratio[rounds - 1],
	       h[rounds - 1] / u[rounds - 1], median(uc, rounds), median(hc, rounds),
	       median(cr, rounds), median(hand, rounds));
}

static void report(bool inline_dev, unsigned long n, unsigned rounds)
{
	if (inline_dev)
		printf("same thread (device stepped inline, no cache-line transfers: the CPU cost "
		       "of driver and device code); same columns\n");
	else
		printf("bench-vring: %lu buffers per run, %u rounds (unhardened and hardened "
		       "back to back, ABBA), ring %u, polling, driver CPU0 / device CPU1; Mbuf/s "
		       "medians; hardened/unhardened ratio per round (median, min, max) and of "
		       "the best runs; driver thread CPU ns per buffer (medians, paired ratio)\n",
		       n, rounds, NUM);
	for (size_t m = 0; m < sizeof(modes) / sizeof(modes[0]); m++)
		if (mode_selected(&modes[m]))
			report_mode(&modes[m], inline_dev, n, rounds);
	fflush(stdout);
}

int main(int argc, char **argv)
{
	unsigned long n = argc > 1 ? strtoul(argv[1], NULL, 0) : 2000000ul;
	unsigned rounds = argc > 2 ? (unsigned)strtoul(argv[2], NULL, 0) : 15u;

	if (!n || !rounds || rounds > MAX_ROUNDS)
		return 2;
	for (int pass = getenv("BENCH_VRING_INLINE") ? 1 : 0; pass < 2; pass++)
		report(pass == 1, n, rounds);
	return 0;
}
