/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * serve-client modes vfio and request (usage in serve-client.c): `pcigate serve --device
 * vfio:BDF` on QEMU's edu bound to vfio-pci, inside the VM harness guest
 * (tests/vm/vfio-test.py). edu's registers: QEMU docs/specs/edu.rst.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <pcigate/proto.h>

#include "serve-client.h"

#define EDU_BAR 0xfeb00000u   /* where "the guest" puts edu's 1 MiB BAR0 */

static uint64_t bar_rw(int sk, bool write, uint64_t addr, uint64_t val, uint32_t size)
{
	uint8_t b[PG_PROTO_BAR_SIZE] = { 0 };

	memcpy(b, &addr, 8);
	memcpy(b + 8, &val, 8);
	memcpy(b + 16, &size, 4);
	b[20] = 1; /* memory */
	send_msg(sk, write ? PG_PROTO_BAR_WRITE : PG_PROTO_BAR_READ, b, sizeof(b), NULL, 0);
	return await_ret(sk);
}

/* One edu DMA (registers at 0x80..0x98; bit 1 of the command: device to RAM); 0 when the
 * engine went idle within 3 s. */
static int edu_dma(int sk, uint64_t src, uint64_t dst, uint32_t len, bool to_ram)
{
	bar_rw(sk, true, EDU_BAR + 0x80, src, 8);
	bar_rw(sk, true, EDU_BAR + 0x88, dst, 8);
	bar_rw(sk, true, EDU_BAR + 0x90, len, 8);
	bar_rw(sk, true, EDU_BAR + 0x98, to_ram ? 3 : 1, 8);
	for (int i = 0; i < 300; i++) {
		struct timespec ts = { 0, 10 * 1000 * 1000 };

		if (!(bar_rw(sk, false, EDU_BAR + 0x98, 0, 4) & 1))
			return 0;
		nanosleep(&ts, NULL);
	}
	return -1;
}

static uint64_t wait_event(int fd, int ms)
{
	struct timespec ts = { 0, 10 * 1000 * 1000 };
	uint64_t v = 0;

	for (int i = 0; i < ms / 10; i++) {
		if (read(fd, &v, 8) == 8)
			return v;
		nanosleep(&ts, NULL);
	}
	return 0;
}

/* The device's real Command register, from the guest kernel's sysfs (not pcigate). */
static unsigned sysfs_command(const char *spec)
{
	char path[96];
	uint8_t b[2] = { 0xff, 0xff };
	int fd;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/config", spec + 5);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || pread(fd, b, 2, 4) != 2)
		b[0] = b[1] = 0xff;
	if (fd >= 0)
		close(fd);
	return b[0] | (unsigned)b[1] << 8;
}

static void vfio_dma_and_intx(struct child *c, int ram, const int *ev)
{
	uint8_t src[1024], dst[1024];

	for (unsigned i = 0; i < sizeof(src); i++)
		src[i] = (uint8_t)(i * 13 + 5);
	check(pwrite(ram, src, sizeof(src), 0x100000) == (ssize_t)sizeof(src), "RAM write");
	check(cfg(c->sk, true, 0x10, EDU_BAR, 4) == 0, "BAR0 write");
	check(cfg(c->sk, true, 0x04, 0x0006, 2) == 0, "Command: memory + bus master");
	check(bar_rw(c->sk, false, EDU_BAR, 0, 4) == 0x010000ed, "edu ID through the proxy");
	check(edu_dma(c->sk, 0x100000, 0x40000, sizeof(src), false) == 0, "DMA RAM->edu");
	check(edu_dma(c->sk, 0x40000, 0x200000, sizeof(src), true) == 0, "DMA edu->RAM");
	check(pread(ram, dst, sizeof(dst), 0x200000) == (ssize_t)sizeof(dst) &&
	      !memcmp(src, dst, sizeof(src)), "DMA round trip through SYNC_SYSMEM memory");
	/* INTx: edu raises its pin (MSI is off); vfio signals QEMU's irqfd directly. */
	for (int i = 0; i < 2; i++) {
		uint64_t one = 1;

		bar_rw(c->sk, true, EDU_BAR + 0x60, 1, 4);
		check(wait_event(ev[0], 2000) == 1, "INTx %d did not reach the irqfd", i);
		bar_rw(c->sk, true, EDU_BAR + 0x64, 1, 4);   /* the guest acks */
		check(write(ev[1], &one, 8) == 8, "resample"); /* EOI: vfio unmasks */
	}
	/* The VMM shrinks guest RAM under the pinned mapping; a DMA into the lost range must
	 * neither crash the server nor bring the file back. */
	check(ftruncate(ram, 0x100000) == 0, "ftruncate: %s", strerror(errno));
	check(edu_dma(c->sk, 0x40000, 0x200000, sizeof(src), true) == 0, "DMA after shrink");
	check(bar_rw(c->sk, false, EDU_BAR, 0, 4) == 0x010000ed, "server alive after shrink");
}

void mode_vfio(char *pcigate, char *spec)
{
	char *argv[] = { pcigate, "serve", "--device", spec, "--fd", "3", "--verbose", NULL };
	struct child c;
	char out[8192], b;
	int ram = memfd_create("guest-ram", MFD_CLOEXEC);
	int ev[2] = { eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK), eventfd(0, EFD_CLOEXEC) };
	uint64_t p[24] = { 0 };
	struct stat st;
	int rc;

	check(ram >= 0 && ftruncate(ram, 64 << 20) == 0, "memfd");
	spawn(&c, argv);
	p[0] = 0;
	p[8] = 64 << 20;
	send_msg(c.sk, PG_PROTO_SYNC_SYSMEM, p, sizeof(p), &ram, 1);
	send_msg(c.sk, PG_PROTO_SET_IRQFD, NULL, 0, ev, 2);
	/* QEMU re-sends the same table after each memory-topology change: kept mapped */
	send_msg(c.sk, PG_PROTO_SYNC_SYSMEM, p, sizeof(p), &ram, 1);
	/* QEMU's machine-start reset: edu has no reset method, so it is refused (all ones)
	 * and serving goes on, INTx still routed to the irqfd */
	send_msg(c.sk, PG_PROTO_DEVICE_RESET, NULL, 0, NULL, 0);
	check(await_ret(c.sk) == UINT64_MAX, "DEVICE_RESET on edu not refused");
	vfio_dma_and_intx(&c, ram, ev);
	check(fstat(ram, &st) == 0 && st.st_size == 0x100000, "the shrunk file grew back");
	check(kill(c.pid, SIGTERM) == 0, "kill: %s", strerror(errno));
	check(recv(c.sk, &b, 1, 0) == 0, "socket not closed after SIGTERM");
	rc = finish(&c, out, sizeof(out));
	check(rc == 0, "serve exited %d after SIGTERM, expected 0:\n%s", rc, out);
	check(strstr(out, "device quiesced") != NULL, "no quiesce reported:\n%s", out);
	check(strstr(out, "device reset refused") != NULL && strstr(out, "(1 refused)") != NULL,
	      "the refused DEVICE_RESET is not logged:\n%s", out);
	check(strstr(out, "sync-sysmem 2 (dma: 1 mapped, 1 kept)") != NULL,
	      "the unchanged SYNC_SYSMEM was not kept mapped:\n%s", out);
	check(!(sysfs_command(spec) & 4), "Bus Master still on in hardware (cmd %#x)",
	      sysfs_command(spec));
	printf("%s", out);
	close(ram);
	close(ev[0]);
	close(ev[1]);
}

/* The kernel asks for a served vfio device back: an unbind from vfio-pci (by a child: the
 * write blocks until the device is released) must make serve quiesce and exit 0 within
 * seconds, saying why; then the unbind completes and Bus Master is off in hardware. */
void mode_request(char *pcigate, char *spec)
{
	char *argv[] = { pcigate, "serve", "--device", spec, "--fd", "3", "--verbose", NULL };
	char path[128], out[8192];
	struct child c;
	struct timespec t0, t1;
	pid_t unbinder;
	int rc, urc;

	spawn(&c, argv);
	check(cfg(c.sk, false, 0x00, 0, 2) != UINT64_MAX - 1, "first read");
	check(cfg(c.sk, true, 0x04, 0x0006, 2) == 0, "Command: memory + bus master");
	check(sysfs_command(spec) & 4, "Bus Master not on in hardware (cmd %#x)",
	      sysfs_command(spec));
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver/unbind", spec + 5);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	unbinder = fork();
	if (unbinder == 0) {
		int fd = open(path, O_WRONLY | O_CLOEXEC);

		_exit(fd >= 0 && write(fd, spec + 5, strlen(spec + 5)) ==
		      (ssize_t)strlen(spec + 5) ? 0 : 1);
	}
	rc = wait_bounded(c.pid, 20000);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	urc = wait_bounded(unbinder, 20000);
	c.pid = -1;
	close(c.sk);
	read_all(c.out, out, sizeof(out));
	close(c.out);
	check(rc == 0, "serve exited %d after the unbind request, expected 0 (-1: still "
	      "running after 20 s):\n%s", rc, out);
	check(urc == 0, "the unbind did not complete (%d)", urc);
	check(strstr(out, "the kernel asks for the device back") != NULL &&
	      strstr(out, "device quiesced") != NULL, "no request/quiesce in the log:\n%s", out);
	check(!(sysfs_command(spec) & 4), "Bus Master still on in hardware (cmd %#x)",
	      sysfs_command(spec));
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver", spec + 5);
	check(access(path, F_OK) != 0, "the device is still bound to a driver");
	printf("request: serve exited %.0f ms after the unbind began\n",
	       (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6);
	printf("%s", out);
}
