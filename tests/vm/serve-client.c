/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * End-to-end tests of `pcigate serve` without QEMU: this program plays QEMU 7.2's side of
 * the mpqemu socket (same bytes, same order as x-pci-proxy-dev's realize, from
 * docs/serve.md, mpqemu §3) against a real `pcigate serve --fd 3` process.
 *
 * usage: serve-client PCIGATE DUMP MODE
 *   realize  SYNC_SYSMEM (memfd), SET_IRQFD, ID reads, the BAR probe of slots 0..6,
 *            DEVICE_RESET, more SYNC_SYSMEMs, then EOF: serve must exit 0 and every reply
 *            must be a RET with the expected value (IDs from the dump, power-of-two
 *            32-bit BAR0, zero elsewhere).
 *   bad      one valid CFGREAD, then a CFGREAD with len 3: serve must close the socket,
 *            exit 1 and name the bad field on stderr.
 *   sandbox  serve --sandbox-check: after the sandbox, open() and socket() must fail with
 *            EPERM (and, when started as root, the uid must no longer be 0).
 *   probe    the sandbox observed from outside serve's code: sandbox-probe.so (path in
 *            $PG_SANDBOX_PROBE) is LD_PRELOADed into a real serve; after the sandbox, at
 *            serve's first recvmsg, it tries exec, ptrace, connect, open and socket and
 *            reports each result on an inherited pipe (and an x32-ABI getpid). Sandboxed,
 *            every one must fail
 *            with EPERM; a --no-sandbox control run must see none fail with EPERM
 *            (proving the probe really observes the calls). Serving still works.
 *   refused  one valid CFGREAD, then a SYNC_SYSMEM that decodes but whose fd is an
 *            eventfd, which the handler refuses: serve must name message 2 (not 3) and
 *            say why the region was refused.
 *   listen   --fd names a listening socket: refused at start (exit 3, "not connected").
 *   fifo     --audit / --trace-backend naming a FIFO without a reader: start-up fails at
 *            once with a message (exit 3) instead of hanging in open().
 *   epipe    serve's stderr is a pipe nobody reads any more: a bad message must still
 *            close the connection, quiesce (trace) and exit 1, not die of SIGPIPE.
 *   stuck    the peer sends requests but never reads a reply, until serve blocks in
 *            send(); then SIGTERM: serve must stop, quiesce and exit 0 within seconds.
 *   pdeath   (root) a launcher sets PR_SET_PDEATHSIG for serve, as `pcigate launch` does,
 *            and dies after serve dropped privileges: serve must exit.
 *   term     serve --trace-backend: Bus Master on through a Command write, then SIGTERM:
 *            serve must close the socket, exit 0 and say so, and its backend trace must
 *            show the quiesce (Bus Master 1 -> 0, a reset) and a final config without Bus
 *            Master.
 *   policy   --policy with class keys and --audit: stderr and every audit record name the
 *            applied entry (FILE:LINE KEY "NAME" (profile P)).
 *   noreset  an edu-like dump (no FLR, no PM) under a policy allowing only flr and pm:
 *            QEMU's DEVICE_RESET at machine start is answered as a failed operation,
 *            audited (reset:unsupported) and logged, and serving goes on with the guest's
 *            Command back at 0; with the policy flag reset-required the same reset
 *            closes the connection (exit 1). DUMP is not used.
 *   vfio     DUMP is vfio:BDF of QEMU's edu bound to vfio-pci (run inside the VM harness
 *            guest, tests/vm/vfio-test.py): SYNC_SYSMEM with a memfd is mapped for DMA (sent
 *            again unchanged, it stays mapped: no unmap/map), an
 *            edu DMA round trip lands in the memfd, QEMU's machine-start DEVICE_RESET is
 *            refused (edu has no reset method) and serving goes on, edu's INTx reaches the
 *            irqfd and the
 *            resample eventfd re-arms it, a shrink of the memfd under the mapping crashes
 *            nothing, and SIGTERM quiesces (Bus Master off in the real Command register).
 *   request  DUMP is vfio:BDF (in the VM guest): while serve holds the device, a child
 *            unbinds it from vfio-pci; the kernel's device request must make serve
 *            quiesce (Bus Master off in hardware) and exit 0 within 20 s, after which
 *            the unbind completes.
 * Exit status 0 pass, 1 fail, 2 usage. The harness is serve-client-lib.c, the vfio and
 * request modes are serve-client-vfio.c (serve-client.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <pcigate/proto.h>

#include "serve-client.h"

/* IDs from the dump's first hex line ("00: 4d 14 08 a8 ..."). */
static uint32_t dump_ids(const char *path)
{
	FILE *f = fopen(path, "r");
	char line[256];
	unsigned b[4];

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "00: %x %x %x %x", &b[0], &b[1], &b[2], &b[3]) == 4) {
			fclose(f);
			return b[0] | b[1] << 8 | b[2] << 16 | (uint32_t)b[3] << 24;
		}
	fclose(f);
	return 0;
}

/* QEMU 7.2's probe_pci_info(): READ, WRITE ~0, READ, WRITE orig for slots 0..6. */
static void probe_bars(int sk)
{
	for (unsigned i = 0; i < 7; i++) {
		uint32_t reg = 0x10 + 4 * i, orig, nv, size;

		orig = (uint32_t)cfg(sk, false, reg, 0, 4);
		check(cfg(sk, true, reg, 0xffffffff, 4) == 0, "probe write 0x%x", reg);
		nv = (uint32_t)cfg(sk, false, reg, 0, 4);
		check(cfg(sk, true, reg, orig, 4) == 0, "restore 0x%x", reg);
		size = ~(nv & 0xfffffff0u) + 1;
		if (i == 0)
			check(size && !(size & (size - 1)) && !(nv & 6), "BAR0 probe 0x%x", nv);
		else
			check(size == 0, "slot %u (0x%x) sizes to 0x%x", i, reg, size);
	}
}

/* A BAR write then read through BAR0 at its programmed address (0xfeb00000). */
static void bar_roundtrip(int sk)
{
	uint8_t b[PG_PROTO_BAR_SIZE] = { 0 };
	uint64_t addr = 0xfeb00100, val = 0x1234, v;
	uint32_t size = 4;

	memcpy(b, &addr, 8);
	memcpy(b + 8, &val, 8);
	memcpy(b + 16, &size, 4);
	b[20] = 1;
	send_msg(sk, PG_PROTO_BAR_WRITE, b, sizeof(b), NULL, 0);
	check(await_ret(sk) == 0, "BAR write reply");
	send_msg(sk, PG_PROTO_BAR_READ, b, sizeof(b), NULL, 0);
	v = await_ret(sk);
	check(v == 0x1234, "BAR read back 0x%llx", (unsigned long long)v);
}

static void mode_realize(char *pcigate, char *dump)
{
	char *argv[] = { pcigate, "serve", "--device", dump, "--fd", "3",
			 "--verbose", NULL };
	struct child c;
	char out[8192];
	int ram = memfd_create("guest-ram", MFD_CLOEXEC);
	int ev[2] = { eventfd(0, EFD_CLOEXEC), eventfd(0, EFD_CLOEXEC) };
	uint64_t v;
	struct timespec t0, t1;
	int rc;

	if (ram < 0 || ftruncate(ram, 0x2000000) < 0) {
		check(false, "memfd: %s", strerror(errno));
		return;
	}
	spawn(&c, argv);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	sync_sysmem(c.sk, ram);
	send_msg(c.sk, PG_PROTO_SET_IRQFD, NULL, 0, ev, 2);
	v = cfg(c.sk, false, 0x00, 0, 2);
	check(v == (dump_ids(dump) & 0xffff), "vendor 0x%llx", (unsigned long long)v);
	v = cfg(c.sk, false, 0x02, 0, 2);
	check(v == dump_ids(dump) >> 16, "device 0x%llx", (unsigned long long)v);
	(void)cfg(c.sk, false, 0x0a, 0, 2);
	(void)cfg(c.sk, false, 0x2e, 0, 2);
	probe_bars(c.sk);
	for (unsigned i = 0; i < 20; i++)
		sync_sysmem(c.sk, ram); /* unsolicited, no reply expected */
	send_msg(c.sk, PG_PROTO_DEVICE_RESET, NULL, 0, NULL, 0);
	check(await_ret(c.sk) == 0, "DEVICE_RESET reply");
	/* a few accesses the guest would make: program BAR0, enable memory, read the BAR */
	check(cfg(c.sk, true, 0x10, 0xfeb00000, 4) == 0, "BAR0 write");
	check(cfg(c.sk, true, 0x04, 0x0002, 2) == 0, "Command write");
	bar_roundtrip(c.sk);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	rc = finish(&c, out, sizeof(out));
	check(rc == 0, "serve exited %d:\n%s", rc, out);
	check(strstr(out, "sync-sysmem 21") != NULL, "summary lacks 21 SYNC_SYSMEMs:\n%s", out);
	printf("realize sequence: %.1f ms for %u round trips\n",
	       (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6,
	       4 + 28 + 1 + 4);
	close(ram);
	close(ev[0]);
	close(ev[1]);
}

/* The applied policy entry is named in the log and in every audit record (pcigate-policy(5),
 * docs/serve.md): a class key for the NVMe dump (class 0108), a denied write to audit. */
static void mode_policy(char *pcigate, char *dump)
{
	char dir[] = "/tmp/pg-serve-policy-XXXXXX", pol[256], audit[256], want[512];
	char out[8192], line[2048];
	char *argv[] = { pcigate, "serve", "--device", dump, "--fd", "3", "--policy", pol,
			 "--audit", audit, NULL };
	struct child c;
	unsigned n = 0;
	FILE *f;
	int rc;

	if (trace_dir(dir, audit, sizeof(audit)) < 0)
		return;
	snprintf(pol, sizeof(pol), "%s/p.yaml", dir);
	snprintf(audit, sizeof(audit), "%s/audit.jsonl", dir);
	f = fopen(pol, "w");
	check(f && fputs("version: 1\ndevices:\n  - match: \"class:01xx\"\n"
			 "  - match: \"class:0108\"\n    name: \"nvme\"\n", f) >= 0, "policy");
	if (f)
		fclose(f);
	spawn(&c, argv);
	check(cfg(c.sk, false, 0x00, 0, 2) == (dump_ids(dump) & 0xffff), "first read");
	(void)cfg(c.sk, true, 0xf0, 0x12345678, 4); /* no capability there: denied, audited */
	(void)cfg(c.sk, true, 0xf4, 0x1, 4);
	rc = finish(&c, out, sizeof(out));
	check(rc == 0, "serve exited %d:\n%s", rc, out);
	snprintf(want, sizeof(want), "policy entry: %s:4 class:0108 \"nvme\" (profile guest)",
		 pol);
	check(strstr(out, want) != NULL, "stderr does not name the entry (%s):\n%s", want, out);
	snprintf(want, sizeof(want), "\"policy_entry\":\"%s:4 class:0108 \\\"nvme\\\" "
		 "(profile guest)\"}", pol);
	f = fopen(audit, "r");
	check(f != NULL, "no audit file");
	while (f && fgets(line, sizeof(line), f)) {
		n++;
		check(strstr(line, want) != NULL, "audit record without the entry (%s): %s", want,
		      line);
	}
	check(n >= 1, "no audit record");
	if (f)
		fclose(f);
	unlink(audit);
	unlink(pol);
	rmdir(dir);
}

/* An endpoint like QEMU's edu: no capabilities, so no FLR and no PM reset. */
static const char edu_dump[] =
	"00:02.0 Unclassified device [00ff]: Device 1234:11e8 (rev 10)\n"
	"# pcigate: bar0=1M bar1=0 bar2=0 bar3=0 bar4=0 bar5=0 rom=0\n"
	"00: 34 12 e8 11 00 00 10 00 10 00 ff 00 00 00 00 00\n"
	"10: 00 00 a0 fe 00 00 00 00 00 00 00 00 00 00 00 00\n"
	"20: 00 00 00 00 00 00 00 00 00 00 00 00 f4 1a 00 11\n"
	"30: 00 00 00 00 00 00 00 00 00 00 00 00 0b 01 00 00\n";

/* One server of the edu-like device whose policy allows only FLR and PM (it has neither),
 * as QEMU drives it at machine start: DEVICE_RESET first, then the guest's accesses. */
static void noreset_run(char *pcigate, const char *dir, bool required)
{
	char dump[256], pol[256], audit[256], out[8192], b;
	char *argv[] = { pcigate, "serve", "--device", dump, "--fd", "3", "--policy", pol,
			 "--audit", audit, "--verbose", NULL };
	struct child c;
	int rc;

	snprintf(dump, sizeof(dump), "%s/edu.txt", dir);
	snprintf(pol, sizeof(pol), "%s/p.yaml", dir);
	snprintf(audit, sizeof(audit), "%s/audit.jsonl", dir);
	write_file(dump, edu_dump);
	write_file(pol, required ? "version: 1\ndevices:\n  - match: \"1234:11e8\"\n"
			"    reset: { prefer: [flr, pm] }\n    flags: [reset-required]\n"
			: "version: 1\ndevices:\n  - match: \"1234:11e8\"\n"
			"    reset: { prefer: [flr, pm] }\n");
	unlink(audit);
	spawn(&c, argv);
	check(cfg(c.sk, true, 0x04, 0x0006, 2) == 0, "Command write");
	send_msg(c.sk, PG_PROTO_DEVICE_RESET, NULL, 0, NULL, 0);
	check(await_ret(c.sk) == UINT64_MAX, "DEVICE_RESET not answered as a failed operation");
	if (required) {
		check(recv(c.sk, &b, 1, 0) == 0, "socket not closed (reset-required)");
	} else {
		/* served on: the guest's view started over (Command 0), IDs still read */
		check(cfg(c.sk, false, 0x04, 0, 2) == 0, "Command after the refused reset");
		check(cfg(c.sk, false, 0x00, 0, 4) == 0x11e81234, "IDs after the refused reset");
		check(cfg(c.sk, true, 0x04, 0x0002, 2) == 0, "Command write after the reset");
		check(cfg(c.sk, false, 0x04, 0, 2) == 0x0002, "Command read back");
	}
	rc = finish(&c, out, sizeof(out));
	check(rc == (required ? 1 : 0), "serve exited %d (reset-required %d):\n%s", rc, required,
	      out);
	check(strstr(out, "device reset refused") != NULL, "stderr does not name the refusal:\n%s",
	      out);
	if (required)
		check(strstr(out, "(policy flag reset-required)") != NULL &&
		      strstr(out, "closing the connection after message 2: DEVICE_RESET") != NULL,
		      "the closing is not explained:\n%s", out);
	else
		check(strstr(out, "serving on") != NULL && strstr(out, "(1 refused)") != NULL,
		      "no refusal in the log or summary:\n%s", out);
	check(file_has(audit, "\"rule\":\"reset:unsupported\""),
	      "no reset:unsupported audit record");
	unlink(audit);
	unlink(pol);
	unlink(dump);
}

/* A device with no reset method the policy allows (docs/serve.md "Resets"). */
static void mode_noreset(char *pcigate, char *dump)
{
	char dir[] = "/tmp/pg-serve-noreset-XXXXXX", ignored[256];

	(void)dump;
	if (trace_dir(dir, ignored, sizeof(ignored)) < 0)
		return;
	noreset_run(pcigate, dir, false);
	noreset_run(pcigate, dir, true);
	rmdir(dir);
}

static void mode_bad(char *pcigate, char *dump)
{
	char *argv[] = { pcigate, "serve", "--device", dump, "--fd", "3", NULL };
	struct child c;
	char out[8192], b;
	int rc;

	spawn(&c, argv);
	check(cfg(c.sk, false, 0x00, 0, 2) == (dump_ids(dump) & 0xffff), "first read");
	check(cfg(c.sk, false, 0x00, 0, 3) == UINT64_MAX - 1, "len 3 got a reply");
	check(recv(c.sk, &b, 1, 0) == 0, "socket not closed after the bad message");
	rc = finish(&c, out, sizeof(out));
	check(rc == 1, "serve exited %d, expected 1:\n%s", rc, out);
	check(strstr(out, "closing the connection after message 2: CFGREAD: len 3 is not 1, 2 "
			  "or 4") != NULL, "stderr lacks the reason:\n%s", out);
	check(strstr(out, "device quiesced") != NULL, "stderr lacks the quiesce:\n%s", out);
}

static void mode_refused(char *pcigate, char *dump)
{
	char *argv[] = { pcigate, "serve", "--device", dump, "--fd", "3", NULL };
	struct child c;
	char out[8192], b;
	int ev = eventfd(0, EFD_CLOEXEC), rc;

	spawn(&c, argv);
	check(cfg(c.sk, false, 0x00, 0, 2) == (dump_ids(dump) & 0xffff), "first read");
	sync_sysmem(c.sk, ev); /* well-formed, but an eventfd is no guest memory */
	check(recv(c.sk, &b, 1, 0) == 0, "socket not closed after the refused message");
	rc = finish(&c, out, sizeof(out));
	check(rc == 1, "serve exited %d, expected 1:\n%s", rc, out);
	check(strstr(out, "closing the connection after message 2: SYNC_SYSMEM handler failed")
	      != NULL, "stderr does not name message 2:\n%s", out);
	check(strstr(out, "region 0") != NULL, "stderr does not say which region:\n%s", out);
	close(ev);
}

static void mode_sandbox(char *pcigate, char *dump)
{
	char *argv[] = { pcigate, "serve", "--device", dump, "--fd", "3",
			 "--sandbox-check", NULL };
	struct child c;
	char out[8192];
	int rc;

	spawn(&c, argv);
	rc = finish(&c, out, sizeof(out));
	fputs(out, stdout);
	check(rc == 0, "sandbox check exited %d", rc);
	check(strstr(out, "open(/etc/passwd): Operation not permitted") != NULL, "open allowed");
	check(strstr(out, "socket(AF_INET): Operation not permitted") != NULL, "socket allowed");
	if (geteuid() == 0)
		check(strstr(out, "uid 0 ") == NULL, "still root after the sandbox");
}

/* One run of serve with the probe preloaded: one CFGREAD served, then EOF. Returns the
 * probe's report. */
static void probe_run(char *pcigate, char *dump, bool sandboxed, char *report, size_t cap)
{
	char *argv[] = { pcigate, "serve", "--device", dump, "--fd", "3",
			 sandboxed ? NULL : "--no-sandbox", NULL };
	struct child c;
	char out[8192];
	int pp[2], rc;

	report[0] = 0;
	if (pipe2(pp, O_CLOEXEC) < 0) {
		check(false, "pipe: %s", strerror(errno));
		return;
	}
	probe_fd = pp[1];
	spawn(&c, argv);
	probe_fd = -1;
	close(pp[1]);
	check(cfg(c.sk, false, 0x00, 0, 2) == (dump_ids(dump) & 0xffff),
	      "%s: vendor read through the probed server", sandboxed ? "sandboxed" : "control");
	rc = finish(&c, out, sizeof(out));
	read_all(pp[0], report, cap);
	close(pp[0]);
	check(rc == 0, "%s serve exited %d:\n%s", sandboxed ? "sandboxed" : "control", rc, out);
	printf("probe (%s):\n%s", sandboxed ? "sandboxed" : "--no-sandbox", report);
}

static void mode_probe(char *pcigate, char *dump)
{
	static const char *const calls[] = { "exec", "ptrace", "connect", "open", "socket",
					     "x32" };
	char rep[1024], line[64];

	if (!getenv("PG_SANDBOX_PROBE")) {
		check(false, "PG_SANDBOX_PROBE is not set (meson sets it)");
		return;
	}
	probe_run(pcigate, dump, true, rep, sizeof(rep));
	check(strstr(rep, "done\n") != NULL, "sandboxed: the probe did not run");
	for (size_t i = 0; i < sizeof(calls) / sizeof(calls[0]); i++) {
		snprintf(line, sizeof(line), "%s EPERM\n", calls[i]);
		check(strstr(rep, line) != NULL, "sandboxed: %s did not fail with EPERM", calls[i]);
	}
	probe_run(pcigate, dump, false, rep, sizeof(rep));
	check(strstr(rep, "done\n") != NULL, "control: the probe did not run");
	for (size_t i = 0; i < sizeof(calls) / sizeof(calls[0]); i++) {
		snprintf(line, sizeof(line), "%s EPERM\n", calls[i]);
		check(strstr(rep, line) == NULL, "control: %s failed with EPERM without the "
		      "sandbox: the probe cannot tell", calls[i]);
	}
}

/* The backend trace after the quiesce record: 1 when Bus Master went 1 -> 0, then a reset
 * succeeded, and the final config has Bus Master off. */
static bool trace_shows_quiesce(FILE *f)
{
	bool quiesce = false, bm_off = false, reset = false, final_off = false;
	char line[16384];

	while (fgets(line, sizeof(line), f)) {
		unsigned off, size, old, val;
		char *p;

		if (strstr(line, "\"trace\":\"quiesce\",\"why\":\"SIGTERM\""))
			quiesce = true;
		if (!quiesce)
			continue;
		p = strstr(line, "\"trace\":\"cfg-write\",");
		if (p && sscanf(p, "\"trace\":\"cfg-write\",\"off\":%u,\"size\":%u,\"old\":%u,"
				"\"value\":%u", &off, &size, &old, &val) == 4 && off == 4 &&
		    (old & 4) && !(val & 4))
			bm_off = true;
		if (strstr(line, "\"trace\":\"reset\"") && strstr(line, "\"rc\":0"))
			reset = bm_off;
		p = strstr(line, "\"trace\":\"final\",\"config\":\"");
		if (p && strlen(p) > 40) {
			p += strlen("\"trace\":\"final\",\"config\":\"");
			/* Command low byte: hex digits 8..9 of the config string */
			final_off = reset && !(strtoul((char[]){ p[8], p[9], 0 }, NULL, 16) & 4);
		}
	}
	return final_off;
}

static void mode_term(char *pcigate, char *dump)
{
	char dir[] = "/tmp/pg-serve-term-XXXXXX", trace[64], out[8192], b;
	char *argv[] = { pcigate, "serve", "--device", dump, "--fd", "3", "--trace-backend",
			 trace, NULL };
	struct child c;
	FILE *f;
	int rc;

	if (trace_dir(dir, trace, sizeof(trace)) < 0)
		return;
	spawn(&c, argv);
	check(cfg(c.sk, true, 0x04, 0x0002, 2) == 0, "Command write (Bus Master off)");
	check(cfg(c.sk, true, 0x04, 0x0006, 2) == 0, "Command write (Bus Master on)");
	check(kill(c.pid, SIGTERM) == 0, "kill: %s", strerror(errno));
	check(recv(c.sk, &b, 1, 0) == 0, "socket not closed after SIGTERM");
	rc = finish(&c, out, sizeof(out));
	check(rc == 0, "serve exited %d after SIGTERM, expected 0:\n%s", rc, out);
	check(strstr(out, "SIGTERM after message 2: stopping") != NULL &&
	      strstr(out, "device quiesced") != NULL, "stderr lacks the stop/quiesce:\n%s", out);
	f = fopen(trace, "r");
	check(f && trace_shows_quiesce(f), "%s: no quiesce (Bus Master off, reset, final "
	      "config without Bus Master) after SIGTERM", trace);
	if (f)
		fclose(f);
	(void)unlink(trace);
	(void)rmdir(dir);
}

static void mode_listen(char *pcigate, char *dump)
{
	char *argv[] = { pcigate, "serve", "--device", dump, "--fd", "3", NULL };
	char dir[] = "/tmp/pg-serve-listen-XXXXXX", out[4096];
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int lfd, rc, ep[2];
	ssize_t n;
	pid_t pid;

	if (!mkdtemp(dir)) {
		check(false, "mkdtemp: %s", strerror(errno));
		return;
	}
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/s", dir);
	lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	check(lfd >= 0 && bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) == 0 &&
	      listen(lfd, 1) == 0, "listening socket: %s", strerror(errno));
	check(pipe2(ep, O_CLOEXEC) == 0, "pipe: %s", strerror(errno));
	pid = fork();
	if (pid == 0) {
		/* the listening socket as the server's fd 3 (dup2 onto itself keeps
		 * FD_CLOEXEC: clear it explicitly) */
		if (dup2(lfd, 3) < 0 || fcntl(3, F_SETFD, 0) < 0 || dup2(ep[1], 1) < 0 ||
		    dup2(ep[1], 2) < 0)
			_exit(126);
		setenv("ASAN_OPTIONS", "detect_leaks=0", 1);
		execv(argv[0], argv);
		_exit(127);
	}
	close(ep[1]);
	rc = wait_bounded(pid, 20000);
	n = read(ep[0], out, sizeof(out) - 1);
	out[n > 0 ? n : 0] = 0;
	close(ep[0]);
	check(strstr(out, "socket fd 3: Transport endpoint is not connected") != NULL,
	      "serve --fd <listening socket>: no message naming it:\n%s", out);
	check(rc == 3, "serve --fd <listening socket> exited %d, expected 3 (refused)", rc);
	close(lfd);
	unlink(sa.sun_path);
	rmdir(dir);
}

static void mode_fifo(char *pcigate, char *dump)
{
	static char *opts[] = { "--audit", "--trace-backend" };
	char dir[] = "/tmp/pg-serve-fifo-XXXXXX", fifo[64], out[8192];

	if (!mkdtemp(dir)) {
		check(false, "mkdtemp: %s", strerror(errno));
		return;
	}
	snprintf(fifo, sizeof(fifo), "%s/fifo", dir);
	check(mkfifo(fifo, 0600) == 0, "mkfifo: %s", strerror(errno));
	for (size_t i = 0; i < 2; i++) {
		char *argv[] = { pcigate, "serve", "--device", dump, "--fd", "3",
				 opts[i], fifo, NULL };
		struct child c;
		int rc;

		spawn(&c, argv);
		rc = wait_bounded(c.pid, 20000);
		read_all(c.out, out, sizeof(out));
		close(c.out);
		close(c.sk);
		check(rc == 3, "serve %s FIFO: exit %d, expected 3 at once (-1: hung)", opts[i],
		      rc);
		check(strstr(out, "FIFO") != NULL, "serve %s FIFO: no message naming it:\n%s",
		      opts[i], out);
	}
	unlink(fifo);
	rmdir(dir);
}

static void mode_epipe(char *pcigate, char *dump)
{
	char dir[] = "/tmp/pg-serve-epipe-XXXXXX", trace[64];
	char *argv[] = { pcigate, "serve", "--device", dump, "--fd", "3", "--trace-backend",
			 trace, NULL };
	struct child c;
	int rc;

	if (trace_dir(dir, trace, sizeof(trace)) < 0)
		return;
	spawn(&c, argv);
	close(c.out); /* nobody reads serve's stderr any more */
	check(cfg(c.sk, false, 0x00, 0, 2) == (dump_ids(dump) & 0xffff), "first read");
	check(cfg(c.sk, false, 0x00, 0, 3) == UINT64_MAX - 1, "len 3 got a reply");
	close(c.sk);
	rc = wait_bounded(c.pid, 20000);
	check(rc == 1, "serve with a closed stderr exited %d after a bad message, expected 1 "
	      "(141: killed by SIGPIPE)", rc);
	check(file_has(trace, "\"trace\":\"quiesce\",\"why\":\"error\""),
	      "no quiesce in the backend trace");
	unlink(trace);
	rmdir(dir);
}

static void mode_stuck(char *pcigate, char *dump)
{
	char *argv[] = { pcigate, "serve", "--device", dump, "--fd", "3", NULL };
	uint8_t msg[PG_PROTO_HDR_SIZE + PG_PROTO_CFG_SIZE] = { 0 };
	uint32_t cmd = PG_PROTO_CFGREAD, len = 4;
	uint64_t size = PG_PROTO_CFG_SIZE;
	struct child c;
	char out[8192];
	size_t sent = 0;
	int rc, fl;

	memcpy(msg, &cmd, 4);
	memcpy(msg + 8, &size, 8);
	memcpy(msg + PG_PROTO_HDR_SIZE + 8, &len, 4);
	spawn(&c, argv);
	fl = fcntl(c.sk, F_GETFL);
	(void)fcntl(c.sk, F_SETFL, fl | O_NONBLOCK);
	/* Send requests, never read a reply, until neither side can make progress: the
	 * server is then blocked sending replies nobody reads. Bounded: 10 s. */
	for (int idle = 0, t = 0; idle < 25 && t < 200000; t++) {
		ssize_t n = send(c.sk, msg, sizeof(msg), MSG_NOSIGNAL);

		if (n == (ssize_t)sizeof(msg)) {
			sent++;
			idle = 0;
			continue;
		}
		idle++;
		usleep(20000);
	}
	check(sent > 100, "only %zu requests could be sent", sent);
	check(kill(c.pid, SIGTERM) == 0, "kill: %s", strerror(errno));
	rc = wait_bounded(c.pid, 15000);
	check(rc == 0, "serve blocked in send: exit %d after SIGTERM, expected 0 (-1: hung)",
	      rc);
	read_all(c.out, out, sizeof(out));
	check(strstr(out, "SIGTERM after message") != NULL && strstr(out, "device quiesced"),
	      "stderr lacks the stop/quiesce:\n%s", out);
	close(c.out);
	close(c.sk);
}

static void mode_pdeath(char *pcigate, char *dump)
{
	char *argv[] = { pcigate, "serve", "--device", dump, "--fd", "3", NULL };
	int sv[2], rc;
	pid_t launcher, server = 0;
	int pp[2];

	if (geteuid() != 0) {
		printf("pdeath: not root: serve does not switch users, nothing to check\n");
		return;
	}
	check(prctl(PR_SET_CHILD_SUBREAPER, 1) == 0, "subreaper: %s", strerror(errno));
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0 || pipe(pp) < 0) {
		check(false, "socketpair: %s", strerror(errno));
		return;
	}
	launcher = fork();
	if (launcher == 0) {
		pid_t g = fork();

		if (g == 0) {
			int devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);

			/* as pcigate launch does for its servers */
			(void)prctl(PR_SET_PDEATHSIG, SIGTERM);
			if (dup2(sv[1], 3) < 0 || dup2(devnull, 2) < 0)
				_exit(126);
			setenv("ASAN_OPTIONS", "detect_leaks=0", 1);
			execv(argv[0], argv);
			_exit(127);
		}
		(void)!write(pp[1], &g, sizeof(g));
		pause(); /* until the test kills the launcher */
		_exit(0);
	}
	close(sv[1]);
	close(pp[1]);
	check(read(pp[0], &server, sizeof(server)) == (ssize_t)sizeof(server), "server pid");
	close(pp[0]);
	/* a reply means serve is in its loop: privileges dropped, sandbox on */
	check(cfg(sv[0], false, 0x00, 0, 2) == (dump_ids(dump) & 0xffff), "first read");
	kill(launcher, SIGKILL);
	waitpid(launcher, NULL, 0);
	rc = wait_bounded(server, 15000);
	check(rc == 0, "serve outlived its launcher (exit %d, -1: still running)", rc);
	close(sv[0]);
}

static const struct {
	const char *name;
	void (*run)(char *pcigate, char *dump);
} modes[] = {
	{ "realize", mode_realize }, { "bad", mode_bad }, { "sandbox", mode_sandbox },
	{ "term", mode_term }, { "probe", mode_probe }, { "refused", mode_refused },
	{ "listen", mode_listen }, { "fifo", mode_fifo }, { "epipe", mode_epipe },
	{ "stuck", mode_stuck }, { "pdeath", mode_pdeath }, { "vfio", mode_vfio },
	{ "policy", mode_policy }, { "request", mode_request }, { "noreset", mode_noreset },
};

int main(int argc, char **argv)
{
	for (size_t i = 0; argc == 4 && i < sizeof(modes) / sizeof(modes[0]); i++) {
		if (strcmp(argv[3], modes[i].name))
			continue;
		signal(SIGPIPE, SIG_IGN);
		modes[i].run(argv[1], argv[2]);
		printf("%s: %s\n", argv[3], failures ? "FAIL" : "PASS");
		return failures ? 1 : 0;
	}
	fprintf(stderr, "usage: serve-client PCIGATE DUMP MODE (realize|bad|sandbox|term|probe|"
		"refused|listen|fifo|epipe|stuck|pdeath|vfio|policy|noreset|request)\n");
	return 2;
}
