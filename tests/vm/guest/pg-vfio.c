/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pg-vfio: the in-guest driver of the VFIO VM scenarios (tests/vm/vfio-test.py). It runs
 * inside a QEMU q35 guest with an emulated Intel IOMMU, where QEMU's edu, e1000e and nvme
 * devices are bound to vfio-pci, and exercises libpcigate's vfio backend and mediator on
 * them. Every outcome is read back through a path pcigate does not control: the guest
 * kernel's own /sys/bus/pci/devices/BDF/config (the real hardware registers, not vfio's
 * virtualised view), the device's registers, or the eventfd the kernel signals.
 *
 *   pg-vfio cfg BDF        (e1000e) config writes: denied/virtual/hidden vs passed bits
 *   pg-vfio irq BDF        (edu) MSI through the mediator: one eventfd signal per raise
 *   pg-vfio msix BDF       (nvme) MSI-X through the mediator: the kernel programs the table
 *   pg-vfio dma BDF        (edu) DMA round trip through mapped memory, unmapped IOVA, limits
 *   pg-vfio reset BDF      (nvme, e1000e) reset effect, state resynced afterwards
 *   pg-vfio resetlist BDF  ordered lists of allowed reset methods (policy order/exclusions)
 *   pg-vfio request BDF    (e1000e) the guest removes the device while it is held
 *   pg-vfio open BDF       open and print the outcome (hostile-input scenarios)
 *   pg-vfio msixmap BDF    print the MSI-X direct-map decision
 *   pg-vfio bench BDF N    mediated vs raw config/BAR reads, eventfd wake-up latency
 *
 * Output: "PG-VM: CHECK NAME ok" or "PG-VM: CHECK NAME FAIL: why" per assertion, and
 * "PG-VM: INFO ..." lines. Exit status: 0 all checks passed, 1 a check failed, 2 usage.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include <pcigate/backend.h>
#include <pcigate/mediator.h>

#include "vfio-bench.h"

static int failures;
static const char *g_bdf;

static void check(const char *name, int ok, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void check(const char *name, int ok, const char *fmt, ...)
{
	va_list ap;

	printf("PG-VM: CHECK %s %s", name, ok ? "ok" : "FAIL: ");
	if (!ok) {
		failures++;
		va_start(ap, fmt);
		vprintf(fmt, ap);
		va_end(ap);
	}
	printf("\n");
	fflush(stdout);
}

/* Calls whose failure the following checks reveal anyway: note it and go on. */
#define TRY(call) do {                                                              \
		int try_rc_ = (call);                                               \
		if (try_rc_ < 0)                                                    \
			printf("PG-VM: INFO line %d: %s: %s\n", __LINE__, #call,   \
			       strerror(-try_rc_));                                 \
	} while (0)

/* The real register, from the guest kernel's sysfs (pci_read_config, not vfio). */
static uint32_t hw(uint16_t off, unsigned size)
{
	char path[96];
	uint8_t b[4] = { 0 };
	uint32_t v = 0;
	int fd;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/config", g_bdf);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || pread(fd, b, size, off) != (ssize_t)size) {
		printf("PG-VM: INFO sysfs config read %#x failed: %s\n", off, strerror(errno));
		if (fd >= 0)
			close(fd);
		return 0xffffffffu;
	}
	close(fd);
	for (unsigned i = size; i-- > 0;)
		v = v << 8 | b[i];
	return v;
}

static uint16_t hw_cap(uint8_t id)
{
	uint16_t p = hw(0x34, 1) & 0xfc;

	for (int n = 0; p >= 0x40 && n < 48; n++, p = hw(p + 1, 1) & 0xfc)
		if (hw(p, 1) == id)
			return p;
	return 0;
}

static void log_cb(void *data, int level, const char *msg)
{
	(void)data;
	printf("PG-VM: LOG %d %s\n", level, msg);
}

static struct pg_backend *open_vfio(const char *bdf)
{
	struct pg_vfio_config vc = { .log = log_cb };
	struct pg_vfio_error err;
	struct pg_backend *be = NULL;
	int r = pg_backend_vfio_open(bdf, &vc, &be, &err);

	if (r < 0) {
		printf("PG-VM: OPEN %s rc=%d %s\n", bdf, r, err.msg);
		return NULL;
	}
	printf("PG-VM: OPEN %s rc=0\n", bdf);
	return be;
}

/* Effects a VMM carries out: IRQ effects become VFIO_DEVICE_SET_IRQS on our eventfds. */
struct fx {
	struct pg_backend *be;
	struct pg_mediator *m;
	int fds[8];
	unsigned nfds;
	int irq_rc;
	unsigned nirq;
};

static int effect_cb(void *data, const struct pg_effect *e)
{
	struct fx *x = data;

	if (e->kind != PG_EFFECT_IRQ || !x->m)
		return 0;
	x->nirq++;
	x->irq_rc = pg_vfio_irq_effect(x->be, x->m, &e->u.irq, x->fds, x->nfds);
	return x->irq_rc;
}

static struct pg_mediator *mediate(struct pg_backend *be, enum pg_profile p, struct fx *x)
{
	struct pg_mediator_config mc;
	struct pg_mediator *m = NULL;
	int r;

	pg_mediator_config_init(&mc);
	mc.profile = p;
	mc.log = log_cb;
	mc.effect = effect_cb;
	mc.effect_data = x;
	r = pg_mediator_new(be, &mc, &m);
	check("mediator-new", r == 0, "pg_mediator_new: %s", strerror(-r));
	if (x) {
		x->be = be;
		x->m = m;
	}
	return m;
}

static uint32_t mread(struct pg_mediator *m, uint16_t off, uint8_t size)
{
	uint32_t v = 0xdeadbeef;

	if (pg_mediator_cfg_read(m, off, size, &v) < 0)
		printf("PG-VM: INFO mediated read %#x failed\n", off);
	return v;
}

static int mwrite(struct pg_mediator *m, uint16_t off, uint8_t size, uint32_t v)
{
	return pg_mediator_cfg_write(m, off, size, v);
}

/* ---- cfg ---------------------------------------------------------------------------- */

static uint16_t hw_first_ext(void)
{
	uint32_t h = hw(0x100, 4);

	return h && h != 0xffffffffu ? 0x100 : 0;
}

static void cfg_guest(struct pg_backend *be)
{
	struct pg_mediator *m = mediate(be, PG_PROFILE_GUEST, NULL);
	uint32_t bar0 = hw(0x10, 4), il = hw(0x3c, 1), cls = hw(0x0c, 1), cmd;
	uint16_t ext = hw_first_ext();

	if (!m)
		return;
	/* BAR relocation stays virtual. */
	check("cfg-bar-write-ok", mwrite(m, 0x10, 4, 0xf0000000u) == 0, "write failed");
	check("cfg-bar-guest-view", (mread(m, 0x10, 4) & ~0xfu) == 0xf0000000u,
	      "guest reads %#x", mread(m, 0x10, 4));
	check("cfg-bar-hw-unchanged", hw(0x10, 4) == bar0, "hw BAR0 %#x -> %#x", bar0,
	      hw(0x10, 4));
	/* Interrupt Line and Cache Line Size are virtual / denied. */
	(void)mwrite(m, 0x3c, 1, il ^ 0x5a);
	check("cfg-intline-hw-unchanged", hw(0x3c, 1) == il, "hw %#x -> %#x", il, hw(0x3c, 1));
	(void)mwrite(m, 0x0c, 1, 0x10);
	check("cfg-cacheline-hw-unchanged", hw(0x0c, 1) == cls, "hw %#x -> %#x", cls,
	      hw(0x0c, 1));
	/* Hidden extended capability: the guest sees no header, writes do not land. */
	if (ext) {
		uint32_t body = hw((uint16_t)(ext + 8), 4);

		check("cfg-hidden-cap-view", (mread(m, ext, 4) & 0xffff) != (hw(ext, 4) & 0xffff),
		      "guest sees the hidden header %#x", mread(m, ext, 4));
		(void)mwrite(m, (uint16_t)(ext + 8), 4, ~body);
		check("cfg-hidden-cap-hw-unchanged", hw((uint16_t)(ext + 8), 4) == body,
		      "hw %#x -> %#x", body, hw((uint16_t)(ext + 8), 4));
	} else {
		check("cfg-hidden-cap-present", 0, "the device has no extended capability");
	}
	/* Positive control: Bus Master is a guest bit that reaches the hardware. */
	cmd = hw(0x04, 2);
	(void)mwrite(m, 0x04, 2, (mread(m, 0x04, 2) | 0x6) & 0xffff);
	check("cfg-busmaster-set-hw", (hw(0x04, 2) & 0x4) != 0, "hw cmd %#x", hw(0x04, 2));
	(void)mwrite(m, 0x04, 2, mread(m, 0x04, 2) & ~0x4u);
	check("cfg-busmaster-clear-hw", (hw(0x04, 2) & 0x4) == 0, "hw cmd %#x (was %#x)",
	      hw(0x04, 2), cmd);
	pg_mediator_free(m);
}

static void cfg_device_model(struct pg_backend *be)
{
	struct fx x = { .fds = { -1 }, .nfds = 1 };
	struct pg_mediator *m;
	uint16_t msi = hw_cap(0x05);
	uint32_t cmd = hw(0x04, 2), cls = hw(0x0c, 1);

	x.fds[0] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	m = mediate(be, PG_PROFILE_DEVICE_MODEL, &x);
	if (!m)
		return;
	(void)mwrite(m, 0x04, 2, 0);
	check("dm-cmd-hw-unchanged", hw(0x04, 2) == cmd, "hw cmd %#x -> %#x", cmd, hw(0x04, 2));
	(void)mwrite(m, 0x0c, 1, 0x20);
	check("dm-cacheline-hw-unchanged", hw(0x0c, 1) == cls, "hw %#x", hw(0x0c, 1));
	if (!msi) {
		check("dm-msi-present", 0, "no MSI capability");
		goto out;
	}
	(void)mwrite(m, (uint16_t)(msi + 4), 4, 0x12345678u); /* guest address: virtual */
	check("dm-msi-enable-write", mwrite(m, (uint16_t)(msi + 2), 2, 1) == 0 && x.irq_rc == 0,
	      "irq effect rc %d", x.irq_rc);
	check("dm-msi-enable-hw", (hw((uint16_t)(msi + 2), 2) & 1) == 1, "hw MSI ctrl %#x",
	      hw((uint16_t)(msi + 2), 2));
	check("dm-msi-addr-not-guest", hw((uint16_t)(msi + 4), 4) != 0x12345678u,
	      "the guest's MSI address reached the device");
	printf("PG-VM: INFO hw MSI address %#x (kernel-programmed)\n", hw((uint16_t)(msi + 4), 4));
	(void)mwrite(m, (uint16_t)(msi + 2), 2, 0);
	check("dm-msi-disable-hw", (hw((uint16_t)(msi + 2), 2) & 1) == 0, "hw MSI ctrl %#x",
	      hw((uint16_t)(msi + 2), 2));
out:
	pg_mediator_free(m);
	close(x.fds[0]);
}

/* ---- irq (edu) ---------------------------------------------------------------------- */

/* Wait for an eventfd; the counter read (0 on timeout). */
static uint64_t wait_fd(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	uint64_t v = 0;

	if (poll(&p, 1, ms) == 1 && read(fd, &v, sizeof(v)) != sizeof(v))
		v = 0;
	return v;
}

static int bar_w32(struct pg_mediator *m, uint64_t off, uint32_t v)
{
	return pg_mediator_bar_write(m, 0, off, 4, v);
}

static uint32_t bar_r32(struct pg_mediator *m, uint64_t off)
{
	uint64_t v = 0xffffffffu;

	TRY(pg_mediator_bar_read(m, 0, off, 4, &v));
	return (uint32_t)v;
}

static void do_irq(struct pg_backend *be)
{
	struct fx x = { .nfds = 1 };
	struct pg_mediator *m;
	uint16_t msi = hw_cap(0x05);

	x.fds[0] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	m = mediate(be, PG_PROFILE_GUEST, &x);
	if (!m || !msi) {
		check("irq-setup", 0, "no mediator or no MSI capability");
		return;
	}
	(void)mwrite(m, 0x04, 2, 0x6); /* memory + bus master: QEMU drops MSI without it */
	(void)mwrite(m, (uint16_t)(msi + 4), 4, 0xfee00000u);
	check("irq-msi-enable", mwrite(m, (uint16_t)(msi + 2), 2, 1) == 0 && x.irq_rc == 0 &&
	      x.nirq >= 1, "effects %u rc %d", x.nirq, x.irq_rc);
	check("irq-msi-hw-enabled", hw((uint16_t)(msi + 2), 2) & 1, "hw ctrl %#x",
	      hw((uint16_t)(msi + 2), 2));
	check("irq-quiet-before", wait_fd(x.fds[0], 50) == 0, "eventfd fired with no raise");
	for (int i = 0; i < 3; i++) {
		char name[32];
		uint64_t n;

		(void)bar_w32(m, 0x60, 1u << i); /* edu: raise interrupt */
		n = wait_fd(x.fds[0], 2000);
		snprintf(name, sizeof(name), "irq-raise-%d", i);
		check(name, n == 1, "eventfd counter %llu", (unsigned long long)n);
		(void)bar_w32(m, 0x64, 1u << i); /* acknowledge */
		check(i == 2 ? "irq-no-extra" : "irq-no-extra-mid", wait_fd(x.fds[0], 30) == 0,
		      "a second signal for one raise");
	}
	(void)mwrite(m, (uint16_t)(msi + 2), 2, 0);
	check("irq-msi-disable-hw", (hw((uint16_t)(msi + 2), 2) & 1) == 0, "hw ctrl %#x",
	      hw((uint16_t)(msi + 2), 2));
	(void)bar_w32(m, 0x60, 0x80);
	check("irq-silent-after-disable", wait_fd(x.fds[0], 200) == 0, "fired while disabled");
	(void)bar_w32(m, 0x64, 0x80);
	pg_mediator_free(m);
	close(x.fds[0]);
}

/* ---- msix (nvme) -------------------------------------------------------------------- */

static void do_msix(struct pg_backend *be)
{
	struct fx x = { .nfds = 2 };
	struct pg_mediator *m;
	struct pg_mediator_msix_entry ent;
	uint16_t cap = hw_cap(0x11);
	uint32_t tbl = cap ? hw((uint16_t)(cap + 4), 4) : 0;
	unsigned bir = tbl & 7;
	uint64_t toff = tbl & ~7u;
	uint64_t before = 0, after = 0;

	x.fds[0] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	x.fds[1] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	m = mediate(be, PG_PROFILE_GUEST, &x);
	if (!m || !cap) {
		check("msix-setup", 0, "no mediator or no MSI-X");
		return;
	}
	TRY(pg_backend_bar_read(be, bir, toff, 8, &before));
	(void)mwrite(m, 0x04, 2, 0x6);
	/* Guest programs entry 0 (address/data are the guest's, virtual) and unmasks it. */
	TRY(pg_mediator_bar_write(m, bir, toff, 4, 0xfee01234u));
	TRY(pg_mediator_bar_write(m, bir, toff + 4, 4, 0));
	TRY(pg_mediator_bar_write(m, bir, toff + 8, 4, 0x4242));
	TRY(pg_mediator_bar_write(m, bir, toff + 12, 4, 0));
	check("msix-enable", mwrite(m, (uint16_t)(cap + 2), 2, 0x8000) == 0 && x.irq_rc == 0,
	      "rc %d", x.irq_rc);
	check("msix-hw-enabled", (hw((uint16_t)(cap + 2), 2) & 0x8000) != 0, "hw ctrl %#x",
	      hw((uint16_t)(cap + 2), 2));
	check("msix-virtual-entry", pg_mediator_msix_entry(m, 0, &ent) == 0 &&
	      ent.addr == 0xfee01234u && ent.data == 0x4242 && !ent.masked, "entry not kept");
	TRY(pg_backend_bar_read(be, bir, toff, 8, &after));
	printf("PG-VM: INFO real table entry 0 addr %#llx (before %#llx)\n",
	       (unsigned long long)after, (unsigned long long)before);
	check("msix-real-table-not-guest", (after & 0xffffffffu) != 0xfee01234u,
	      "the guest's address reached the real table");
	(void)mwrite(m, (uint16_t)(cap + 2), 2, 0);
	check("msix-hw-disabled", (hw((uint16_t)(cap + 2), 2) & 0x8000) == 0, "hw ctrl %#x",
	      hw((uint16_t)(cap + 2), 2));
	pg_mediator_free(m);
	close(x.fds[0]);
	close(x.fds[1]);
}

/* ---- dma (edu) ---------------------------------------------------------------------- */

#define EDU_BUF 0x40000u

/* One edu DMA transfer; 0 when the engine went idle within 3 s. */
static int edu_dma(struct pg_mediator *m, uint64_t src, uint64_t dst, uint32_t len, bool to_ram)
{
	TRY(pg_mediator_bar_write(m, 0, 0x80, 8, src));
	TRY(pg_mediator_bar_write(m, 0, 0x88, 8, dst));
	TRY(pg_mediator_bar_write(m, 0, 0x90, 8, len));
	TRY(pg_mediator_bar_write(m, 0, 0x98, 8, to_ram ? 3 : 1));
	for (int i = 0; i < 300; i++) {
		struct timespec ts = { 0, 10 * 1000 * 1000 };

		if (!(bar_r32(m, 0x98) & 1))
			return 0;
		nanosleep(&ts, NULL);
	}
	return -ETIMEDOUT;
}

static void dma_limits(struct pg_backend *be, uint8_t *buf)
{
	int r;

	r = pg_vfio_dma_map(be, 0x101000, buf + 4096, 4096, 0);
	check("dma-overlap-refused", r == -EEXIST, "rc %d", r);
	r = pg_vfio_dma_map(be, 0x100800, buf, 4096, 0);
	check("dma-misaligned-refused", r == -EINVAL, "rc %d", r);
	r = pg_vfio_dma_map(be, UINT64_MAX - 4095, buf, 8192, 0);
	check("dma-wrap-refused", r == -EINVAL || r == -ERANGE, "rc %d", r);
	r = pg_vfio_dma_map(be, 0x900000, buf, 0, 0);
	check("dma-empty-refused", r == -EINVAL, "rc %d", r);
	r = pg_vfio_dma_unmap(be, 0x700000, 4096);
	check("dma-unmap-unknown", r == -ENOENT, "rc %d", r);
}

static void do_dma(struct pg_backend *be)
{
	struct pg_mediator *m = mediate(be, PG_PROFILE_GUEST, NULL);
	uint8_t *src = mmap(NULL, 2 * 65536, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			    -1, 0), *dst = src + 65536;
	int memfd, r;
	uint8_t *shrink;

	if (!m || src == MAP_FAILED) {
		check("dma-setup", 0, "no mediator or memory");
		return;
	}
	for (unsigned i = 0; i < 1024; i++)
		src[i] = (uint8_t)(i * 7 + 3);
	memset(dst, 0xee, 65536);
	(void)mwrite(m, 0x04, 2, 0x6); /* bus master: QEMU drops DMA without it */
	r = pg_vfio_dma_map(be, 0x100000, src, 65536, 0);
	check("dma-map-src", r == 0, "rc %d", r);
	r = pg_vfio_dma_map(be, 0x200000, dst, 65536, 0);
	check("dma-map-dst", r == 0, "rc %d", r);
	check("dma-to-dev", edu_dma(m, 0x100000, EDU_BUF, 1024, false) == 0, "engine stuck");
	check("dma-to-ram", edu_dma(m, EDU_BUF, 0x200000, 1024, true) == 0, "engine stuck");
	check("dma-round-trip", memcmp(src, dst, 1024) == 0, "dst[0..3]=%02x %02x %02x %02x",
	      dst[0], dst[1], dst[2], dst[3]);
	dma_limits(be, src);
	/* DMA to an IOVA nobody mapped: the IOMMU blocks it; we stay alive, memory intact. */
	memset(dst, 0xee, 1024);
	(void)edu_dma(m, EDU_BUF, 0x600000, 1024, true);
	check("dma-unmapped-iova-harmless", dst[0] == 0xee && bar_r32(m, 0) == 0x010000edu,
	      "dst %02x, edu id %#x", dst[0], bar_r32(m, 0));
	/* A memory file shrunk after mapping (a compromised VMM): pages stay pinned. */
	memfd = memfd_create("pg-guest-ram", MFD_CLOEXEC);
	if (memfd >= 0 && ftruncate(memfd, 65536) == 0 &&
	    (shrink = mmap(NULL, 65536, PROT_READ | PROT_WRITE, MAP_SHARED, memfd, 0)) !=
		    MAP_FAILED) {
		shrink[0] = 1;
		r = pg_vfio_dma_map(be, 0x400000, shrink, 65536, 0);
		check("dma-map-memfd", r == 0, "rc %d", r);
		check("dma-shrink", ftruncate(memfd, 0) == 0, "ftruncate: %s", strerror(errno));
		check("dma-after-shrink", edu_dma(m, EDU_BUF, 0x400000, 1024, true) == 0,
		      "engine stuck");
		check("dma-after-shrink-alive", bar_r32(m, 0) == 0x010000edu, "edu id %#x",
		      bar_r32(m, 0));
		check("dma-unmap-memfd", pg_vfio_dma_unmap(be, 0x400000, 65536) == 0, "unmap");
		munmap(shrink, 65536);
	} else {
		check("dma-memfd", 0, "memfd: %s", strerror(errno));
	}
	if (memfd >= 0)
		close(memfd);
	check("dma-unmap-src", pg_vfio_dma_unmap(be, 0x100000, 65536) == 0, "unmap");
	pg_mediator_free(m); /* dst stays mapped: pg_backend_close() must unmap it */
}

/* ---- reset -------------------------------------------------------------------------- */

static void do_reset(struct pg_backend *be)
{
	struct fx x = { .nfds = 1 };
	struct pg_mediator *m;
	struct pg_vfio_info vi;
	uint16_t msix = hw_cap(0x11);
	uint32_t bar0 = hw(0x10, 4), id = hw(0, 4);
	uint64_t reg = 0;
	int r;

	x.fds[0] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	m = mediate(be, PG_PROFILE_GUEST, &x);
	if (!m || pg_vfio_info(be, &vi) < 0)
		return;
	printf("PG-VM: INFO reset_method=%s device_reset=%d hot_reset=%d\n", vi.reset_method,
	       vi.reset, vi.hot_reset);
	(void)mwrite(m, 0x04, 2, 0x6);
	if (msix) { /* state the reset must clear: MSI-X enabled in hardware */
		TRY(pg_mediator_bar_write(m, hw((uint16_t)(msix + 4), 4) & 7,
					  hw((uint16_t)(msix + 4), 4) & ~7u, 4, 0xfee00000u));
		(void)mwrite(m, (uint16_t)(msix + 2), 2, 0x8000);
		check("reset-msix-on-before", hw((uint16_t)(msix + 2), 2) & 0x8000, "hw %#x",
		      hw((uint16_t)(msix + 2), 2));
	}
	if (id == 0x00101b36u) /* nvme: INTMS (0x0c) is cleared by a controller reset */
		TRY(pg_backend_bar_write(be, 0, 0x0c, 4, 0x1));
	else if (id == 0x10d38086u) /* e1000e: RDBAL (0x2800) */
		TRY(pg_backend_bar_write(be, 0, 0x2800, 4, 0x12345000u));
	r = pg_mediator_reset(m);
	check("reset-ok", r == 0, "pg_mediator_reset: %s", strerror(-r));
	check("reset-msix-off-hw", !msix || !(hw((uint16_t)(msix + 2), 2) & 0x8000), "hw %#x",
	      msix ? hw((uint16_t)(msix + 2), 2) : 0);
	check("reset-msix-off-guest", pg_mediator_irq_type(m) != PG_IRQ_MSIX, "guest view");
	check("reset-bar-restored", hw(0x10, 4) == bar0, "hw BAR0 %#x, was %#x", hw(0x10, 4),
	      bar0);
	/* Resynced: a function reset leaves Command 0 (PCIe Base 6.0 7.5.1.1.3 / FLR), and the
	 * guest's view says the same, so the guest re-enables what it needs. */
	check("reset-hw-cmd-cleared", (hw(0x04, 2) & 0x7) == 0, "hw cmd %#x", hw(0x04, 2));
	check("reset-guest-cmd-in-sync", (mread(m, 0x04, 2) & 0x7) == (hw(0x04, 2) & 0x7),
	      "guest cmd %#x, hw %#x", mread(m, 0x04, 2), hw(0x04, 2));
	/* The server must survive a BAR access while decode is off (vfio would SIGBUS a
	 * mapping): an error, not a crash. */
	check("reset-bar-read-decode-off", pg_backend_bar_read(be, 0, 0x0c, 4, &reg) < 0,
	      "read succeeded with Memory decode off");
	(void)mwrite(m, 0x04, 2, 0x6);
	check("reset-usable-after", (hw(0x04, 2) & 0x6) == 0x6, "hw cmd %#x", hw(0x04, 2));
	if (id == 0x00101b36u) {
		TRY(pg_backend_bar_read(be, 0, 0x0c, 4, &reg));
		check("reset-nvme-intms-cleared", reg == 0, "INTMS %#llx", (unsigned long long)reg);
	} else if (id == 0x10d38086u) {
		TRY(pg_backend_bar_read(be, 0, 0x2800, 4, &reg));
		printf("PG-VM: INFO e1000e RDBAL after PM reset %#llx\n", (unsigned long long)reg);
	}
	pg_mediator_free(m);
	close(x.fds[0]);
}

/* ---- reset lists (policy order and exclusions) --------------------------------------- */

static void sysfs_reset_method(char *out, size_t cap)
{
	char path[96];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/reset_method", g_bdf);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	n = fd >= 0 ? read(fd, out, cap - 1) : -1;
	out[n > 0 ? n : 0] = '\0';
	out[strcspn(out, "\n")] = '\0';
	if (fd >= 0)
		close(fd);
}

/* Each list through pg_backend_reset_list(); prints "RESETLIST BDF LIST rc=R used=U" and
 * checks that the kernel's reset_method reads as before afterwards (read from sysfs). */
static void do_resetlist(struct pg_backend *be)
{
	static const char *const names[] = { "any", "flr", "pm", "bus" };
	static const struct {
		enum pg_reset_method m[3];
		unsigned n;
	} lists[] = {
		{ { PG_RESET_FLR }, 1 },
		{ { PG_RESET_PM }, 1 },
		{ { PG_RESET_BUS }, 1 },
		{ { PG_RESET_PM, PG_RESET_FLR }, 2 },
		{ { PG_RESET_BUS, PG_RESET_FLR }, 2 },
	};
	char before[128], after[128];

	sysfs_reset_method(before, sizeof(before));
	printf("PG-VM: INFO %s reset_method=\"%s\"\n", g_bdf, before);
	for (size_t i = 0; i < sizeof(lists) / sizeof(lists[0]); i++) {
		enum pg_reset_method used = PG_RESET_ANY;
		char list[32] = "";
		int r = pg_backend_reset_list(be, lists[i].m, lists[i].n, &used);

		for (unsigned k = 0; k < lists[i].n; k++)
			snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s",
				 k ? "," : "", names[lists[i].m[k]]);
		printf("PG-VM: RESETLIST %s %s rc=%d used=%s\n", g_bdf, list, r,
		       r == 0 ? names[used] : "-");
		sysfs_reset_method(after, sizeof(after));
		check("resetlist-method-restored", !strcmp(before, after), "%s -> %s", before,
		      after);
	}
}

/* ---- a device that disappears ---------------------------------------------------------- */

/* The guest removes the device (sysfs remove) while we hold it: the kernel asks for it
 * back through the request eventfd, we quiesce and close, and the removal completes. */
static int do_request(struct pg_backend *be)
{
	char path[96];
	int fd = pg_vfio_request_fd(be), st = -1;
	uint32_t id = 0;
	uint64_t n;
	pid_t pid;

	check("request-fd", fd >= 0, "pg_vfio_request_fd: %s", strerror(fd < 0 ? -fd : 0));
	if (fd < 0)
		return 0;
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/remove", g_bdf);
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		/* exec, so that the child holds none of our VFIO fds (all O_CLOEXEC): a forked
		 * copy of them would keep the device in use and the removal waiting forever. */
		execl("/bin/sh", "sh", "-c", "echo 1 > \"$0\"", path, (char *)NULL);
		_exit(127);
	}
	n = wait_fd(fd, 5000);
	check("request-signalled", n >= 1, "no device request within 5 s");
	check("request-device-still-usable", pg_backend_cfg_read(be, 0, 4, &id) == 0 &&
	      id == 0x10d38086u, "config read while the request is pending: %#x", id);
	pg_backend_close(be); /* quiesce and let go: the removal may finish */
	for (int i = 0; i < 500 && waitpid(pid, &st, WNOHANG) == 0; i++) {
		struct timespec ts = { 0, 20 * 1000 * 1000 };

		nanosleep(&ts, NULL);
	}
	check("request-removal-finished", WIFEXITED(st) && WEXITSTATUS(st) == 0,
	      "the removal did not complete within 10 s of the close");
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s", g_bdf);
	check("request-device-gone", access(path, F_OK) < 0, "%s still exists", path);
	return 1; /* closed */
}

/* ---- bench -------------------------------------------------------------------------- */

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/* edu raise -> eventfd: time from the BAR write to poll() returning, median of 200. */
static double irq_latency(struct pg_backend *be, struct pg_mediator *m, struct fx *x)
{
	uint16_t msi = hw_cap(0x05);
	double lat[200], t0;
	int n = 0;

	(void)mwrite(m, 0x04, 2, 0x6);
	(void)mwrite(m, (uint16_t)(msi + 2), 2, 1);
	for (int i = 0; i < 200; i++) {
		struct pollfd p = { .fd = x->fds[0], .events = POLLIN };
		uint64_t v;

		t0 = now_ns();
		TRY(pg_backend_bar_write(be, 0, 0x60, 4, 1));
		if (poll(&p, 1, 1000) == 1 && read(x->fds[0], &v, 8) == 8)
			lat[n++] = now_ns() - t0;
		TRY(pg_backend_bar_write(be, 0, 0x64, 4, 1));
	}
	(void)mwrite(m, (uint16_t)(msi + 2), 2, 0);
	for (int i = 1; i < n; i++) /* insertion sort: n <= 200 */
		for (int j = i; j > 0 && lat[j] < lat[j - 1]; j--) {
			double t = lat[j];

			lat[j] = lat[j - 1];
			lat[j - 1] = t;
		}
	return n ? lat[n / 2] : -1;
}

static void do_bench(struct pg_backend *be, long n)
{
	struct fx x = { .nfds = 1 };
	struct pg_mediator *m;
	long bad;
	double lat;

	x.fds[0] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	m = mediate(be, PG_PROFILE_GUEST, &x);
	if (!m)
		return;
	(void)mwrite(m, 0x04, 2, 0x2);
	bad = pg_vfio_bench_reads(be, m, n);
	lat = irq_latency(be, m, &x);
	printf("PG-VM: BENCH n=%ld irq_raise_to_wakeup_median_ns=%.0f errors=%ld\n", n, lat, bad);
	pg_mediator_free(m);
	close(x.fds[0]);
}

/* ---- main --------------------------------------------------------------------------- */

int main(int argc, char **argv)
{
	struct pg_backend *be;
	const char *why = "";

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 3) {
		fprintf(stderr, "usage: pg-vfio cfg|irq|msix|dma|reset|open|msixmap|bench BDF\n");
		return 2;
	}
	g_bdf = argv[2];
	be = open_vfio(argv[2]);
	if (!strcmp(argv[1], "open"))
		goto out;
	if (!be) {
		check("open", 0, "cannot open %s", argv[2]);
		return 1;
	}
	if (!strcmp(argv[1], "cfg")) {
		cfg_guest(be);
		cfg_device_model(be);
	} else if (!strcmp(argv[1], "irq")) {
		do_irq(be);
	} else if (!strcmp(argv[1], "msix")) {
		do_msix(be);
	} else if (!strcmp(argv[1], "dma")) {
		do_dma(be);
	} else if (!strcmp(argv[1], "reset")) {
		do_reset(be);
	} else if (!strcmp(argv[1], "resetlist")) {
		do_resetlist(be);
	} else if (!strcmp(argv[1], "request")) {
		if (do_request(be))
			be = NULL;
	} else if (!strcmp(argv[1], "msixmap")) {
		struct pg_mediator *m = mediate(be, PG_PROFILE_GUEST, NULL);
		bool ok = pg_vfio_msix_direct_map(be, m, &why);

		printf("PG-VM: MSIXMAP %s direct=%d why=%s\n", argv[2], ok, why);
		pg_mediator_free(m);
	} else if (!strcmp(argv[1], "bench")) {
		do_bench(be, argc > 3 ? atol(argv[3]) : 20000);
	} else {
		fprintf(stderr, "pg-vfio: unknown command %s\n", argv[1]);
		pg_backend_close(be);
		return 2;
	}
out:
	if (be) {
		pg_backend_close(be); /* quiesces: irqs off, bus master off, reset, DMA unmapped */
		check("quiesced-busmaster-off", (hw(0x04, 2) & 0x4) == 0, "hw cmd %#x",
		      hw(0x04, 2));
	}
	printf("PG-VM: DONE %s %s failures=%d\n", argv[1], argv[2], failures);
	return failures ? 1 : 0;
}
