# SPDX-License-Identifier: GPL-2.0-or-later
"""VM harness library: boot a Linux guest under QEMU 7.2 (TCG) whose PCI devices are served
by `pcigate serve` (one process per device, started here) or by `pcigate launch`, stream
the serial console with a deadline, and hand back everything a scenario asserts on.

Used by vm-test.py (the scenarios). Nothing here knows a scenario: a scenario lists its
devices (Device), the guest script to run (tests/vm/scenarios/NAME.sh, which sources
lib.sh and the generated params.sh), QEMU extras, and hooks that fire on serial markers.

Dependencies (scripts/install-vm-deps.sh): qemu-system-x86_64, busybox-static, pciutils,
pci.ids, a C compiler with a static libc (the guest helper), strace (only where a scenario
asks for it), and a guest kernel in the cache. A missing one is a skip (exit 77) with a
message naming it; every wait has a deadline, and whatever is still running at the end is
killed.
"""
import json
import os
import re
import select
import shutil
import signal
import socket
import subprocess
import sys
import time

SKIP = 77
# Guest-profile allow-list (mediator.h): standard capability ID -> lspci's name.
ALLOWED = {0x01: "Power Management", 0x05: "MSI", 0x10: "Express", 0x11: "MSI-X"}
GUEST_CFLAGS = ["-static", "-O2", "-std=c17", "-D_GNU_SOURCE", "-Wall", "-Wextra", "-Werror",
                "-Wshadow", "-Wstrict-prototypes", "-Wmissing-prototypes", "-Wvla",
                "-Wcast-qual", "-Wformat=2"]


def skip(msg):
    print("SKIP: " + msg + " (install with: sudo scripts/install-vm-deps.sh)")
    sys.exit(SKIP)


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


# ---- config space helpers -------------------------------------------------------------------

def read_dump(path):
    """Config bytes (up to 4096) of the first device of an lspci -x dump."""
    cfg = bytearray(4096)
    seen = False
    for line in open(path, encoding="utf-8", errors="replace"):
        m = re.match(r"^([0-9a-f]{2,3}): ((?:[0-9a-f]{2} ?){1,16})$", line.strip())
        if m:
            off = int(m.group(1), 16)
            vals = bytes(int(x, 16) for x in m.group(2).split())
            cfg[off:off + len(vals)] = vals
            seen = True
        elif seen and not line.strip():
            break
    return cfg


def read_sysfs_config(bdf):
    with open("/sys/bus/pci/devices/%s/config" % bdf, "rb") as f:
        data = f.read(4096)
    return bytearray(data) + bytearray(4096 - len(data))


def le(cfg, off, n):
    return int.from_bytes(cfg[off:off + n], "little")


def std_caps(cfg):
    """[(offset, id)] of the standard capabilities in chain order (bounded walk)."""
    caps, seen = [], set()
    p = cfg[0x34] & 0xFC if cfg[6] & 0x10 else 0
    while p >= 0x40 and p not in seen and len(caps) < 48:
        seen.add(p)
        caps.append((p, cfg[p]))
        p = cfg[p + 1] & 0xFC
    return caps


def cap_offset(cfg, cap_id):
    for off, cid in std_caps(cfg):
        if cid == cap_id:
            return off
    return None


def msix_info(cfg):
    """MSI-X capability: dict(cap, bir, table, entries, pba_bir, pba) or None."""
    p = cap_offset(cfg, 0x11)
    if p is None:
        return None
    ctl, tbl, pba = le(cfg, p + 2, 2), le(cfg, p + 4, 4), le(cfg, p + 8, 4)
    return {"cap": p, "entries": (ctl & 0x7FF) + 1, "bir": tbl & 7, "table": tbl & ~7,
            "pba_bir": pba & 7, "pba": pba & ~7}


def _lowest_bit(v):
    return v & -v


def model_bars(cfg):
    """{index: (kind, size)} of the BARs a guest sees of a modelled dump, following the model
    backend's default sizes (backend.h: natural alignment of the address, memory clamped to
    4 KiB..1 MiB, I/O 4..256 bytes) and QEMU 7.2's limits (64-bit shown as 32-bit, I/O BARs
    under 16 bytes and BARs of 2 GiB or more hidden)."""
    bars, i = {}, 0
    while i < 6:
        v = le(cfg, 0x10 + 4 * i, 4)
        if v == 0:
            i += 1
            continue
        if v & 1:
            addr = v & ~3
            size = min(max(_lowest_bit(addr), 4), 256) if addr else 4
            if size >= 16:
                bars[i] = ("io", size)
            i += 1
            continue
        is64 = (v >> 1) & 3 == 2
        addr = v & ~0xF
        if is64 and i < 5:
            addr |= le(cfg, 0x14 + 4 * i, 4) << 32
        size = min(max(_lowest_bit(addr), 4096), 1 << 20) if addr else 4096
        bars[i] = ("mem", size)
        i += 2 if is64 else 1
    return bars


def sysfs_bars(bdf):
    """{index: (kind, size)} of a host device from its `resource` file, with QEMU's limits."""
    bars = {}
    lines = open("/sys/bus/pci/devices/%s/resource" % bdf).read().splitlines()
    for i, line in enumerate(lines[:6]):
        start, end, flags = (int(x, 16) for x in line.split()[:3])
        if end <= start:
            continue
        size = end - start + 1
        kind = "io" if flags & 0x100 else "mem"
        if (kind == "io" and size < 16) or size >= 1 << 31:
            continue
        bars[i] = (kind, size)
    return bars


def fmt_size(n):
    for unit, shift in (("G", 30), ("M", 20), ("K", 10)):
        if n >= 1 << shift and n % (1 << shift) == 0:
            return "%d%s" % (n >> shift, unit)
    return str(n)


# ---- guest serial output --------------------------------------------------------------------

def device_blocks(serial):
    """{slot: text} of the per-device blocks printed by lib.sh's pg_show_devices."""
    out = {}
    for m in re.finditer(r"PG-VM: device (\S+) (\S+) BEGIN\n(.*?)PG-VM: device \1 END",
                         serial, re.S):
        out[m.group(1)] = (m.group(2), m.group(3))
    return out


def find_block(serial, vendor, device):
    want = "0x%04x:0x%04x" % (vendor, device)
    for slot, (ids, block) in device_blocks(serial).items():
        if ids == want:
            return slot, block
    return None, None


def marker_values(serial, name):
    """Key=value pairs of every 'PG-VM: NAME k=v ...' line, as a list of dicts."""
    out = []
    for m in re.finditer(r"^PG-VM: %s (.*)$" % re.escape(name), serial, re.M):
        out.append(dict(kv.split("=", 1) for kv in m.group(1).split() if "=" in kv))
    return out


def read_jsonl(path):
    """Records of a JSON Lines file; a malformed line is a failure (it must be JSON)."""
    recs = []
    if not os.path.exists(path):
        return recs
    for n, line in enumerate(open(path), 1):
        try:
            recs.append(json.loads(line))
        except ValueError as e:
            fail("%s:%d: not JSON (%s): %r" % (path, n, e, line[:120]))
    return recs


# ---- devices and the harness ----------------------------------------------------------------

class Device:
    """One served device. spec: a dump path or a BDF. After a boot: pid, returncode, stderr
    (the server's), and the paths of its audit log, backend trace and strace output."""

    def __init__(self, spec, profile="guest", strace=False, label=None, launch_opts=""):
        self.spec, self.profile, self.strace = spec, profile, strace
        self.launch_opts = launch_opts  # ",addr=..,rom=.." after --device SPEC (launch)
        self.label = label or os.path.basename(spec)
        self.is_bdf = not os.path.exists(spec)
        self.cfg = read_sysfs_config(spec) if self.is_bdf else read_dump(spec)
        self.vendor, self.device = le(self.cfg, 0, 2), le(self.cfg, 2, 2)
        self.proc = self.pid = self.returncode = None
        self.stderr = ""

    def ids(self):
        return "%04x:%04x" % (self.vendor, self.device)

    def bars(self):
        return sysfs_bars(self.spec) if self.is_bdf else model_bars(self.cfg)

    def audit(self):
        return read_jsonl(self.audit_path)

    def trace(self):
        return read_jsonl(self.trace_path)


class Harness:
    def __init__(self, args, scenario):
        self.pcigate, self.src, self.corpus = args.pcigate, args.source, args.corpus
        self.work = args.work
        self.timeout = args.timeout
        self.scenario = scenario
        os.makedirs(self.work, exist_ok=True)
        self.qemu = shutil.which("qemu-system-x86_64") or skip("qemu-system-x86_64 not found")
        self.busybox = shutil.which("busybox") or "/bin/busybox"
        if not os.path.isfile(self.busybox):
            skip("busybox not found")
        out = subprocess.run(["ldd", self.busybox], capture_output=True, text=True)
        if "not a dynamic executable" not in out.stdout + out.stderr:
            skip("%s is not static (needs busybox-static)" % self.busybox)
        self.tools = [shutil.which("lspci"), shutil.which("setpci")]
        if not all(self.tools):
            skip("lspci/setpci not found (pciutils)")
        self.ids = "/usr/share/misc/pci.ids"
        if not os.path.exists(self.ids):
            skip("%s not found (pci.ids)" % self.ids)
        self.kernel = self._find_kernel()
        self.vm_seconds = 0.0
        self.kmods = []  # guest kernel modules a scenario loads (build_initramfs copies them)
        self.bins = []   # extra host programs for the initramfs (with their libraries)
        self.files = []  # extra (source, initramfs path) pairs

    @staticmethod
    def _find_kernel():
        k = os.environ.get("PG_VM_KERNEL")
        if k:
            if not os.path.isfile(k):
                skip("PG_VM_KERNEL=%s does not exist" % k)
            return k
        cache = os.environ.get("PG_VM_CACHE") or os.path.join(
            os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "pcigate", "vm")
        k = os.path.join(cache, "vmlinuz")
        if not os.path.isfile(k):
            skip("no guest kernel at %s" % k)
        return k

    def kernel_tree(self):
        """The unpacked kernel package behind self.kernel (ROOT/boot/vmlinuz-*), whose
        lib/modules the initramfs takes modules from; skips when it is not there."""
        root = os.path.dirname(os.path.dirname(os.path.realpath(self.kernel)))
        if not os.path.isdir(os.path.join(root, "lib", "modules")):
            skip("no kernel modules beside %s (scripts/install-vm-deps.sh unpacks them)"
                 % self.kernel)
        return root

    def corpus_file(self, name):
        path = os.path.join(self.corpus, name)
        if not os.path.isfile(path):
            fail("device dump %s not found (set PG_CORPUS)" % path)
        return path

    def need_strace(self):
        s = shutil.which("strace")
        if not s:
            skip("strace not found (the read-only sysfs check traces the server)")
        return s

    def build_guest_tool(self):
        """Compile tests/vm/guest/pg-guest.c statically for the initramfs."""
        cc = os.environ.get("CC", "cc").split()[0]
        if not shutil.which(cc):
            skip("no C compiler (%s) for the static guest helper" % cc)
        out = os.path.join(self.work, "pg-guest")
        r = subprocess.run([cc] + GUEST_CFLAGS + ["-o", out,
                           os.path.join(self.src, "tests/vm/guest/pg-guest.c")],
                           capture_output=True, text=True, timeout=120)
        if r.returncode != 0:
            if "cannot find -lc" in r.stderr:
                skip("no static libc for the guest helper (libc6-dev)")
            fail("building the guest helper failed:\n" + r.stderr)
        return out

    def build_initramfs(self, params):
        """Initramfs with busybox, lspci/setpci, pg-guest, /scenarios/{lib,NAME,params}.sh."""
        sdir = os.path.join(self.src, "tests/vm/scenarios")
        pfile = os.path.join(self.work, "params.sh")
        with open(pfile, "w") as f:
            for k, v in sorted(params.items()):
                f.write("%s='%s'\n" % (k, v))
        out = os.path.join(self.work, "initramfs.cpio")
        cmd = [sys.executable, os.path.join(self.src, "tests/vm/mkinitramfs.py"), out,
               "--busybox", self.busybox, "--init", os.path.join(self.src, "tests/vm/init.sh"),
               "--file", self.ids + ":usr/share/misc/pci.ids",
               "--file", os.path.join(sdir, "lib.sh") + ":scenarios/lib.sh",
               "--file", pfile + ":scenarios/params.sh",
               "--file", os.path.join(sdir, self.scenario + ".sh") +
               ":scenarios/%s.sh" % self.scenario,
               "--bin", self.build_guest_tool()]
        for t in self.tools:
            cmd += ["--bin", t]
        for b in self.bins:
            cmd += ["--bin", b]
        for src, dst in self.files:
            cmd += ["--file", "%s:%s" % (src, dst)]
        if self.kmods:
            cmd += ["--kmod-root", self.kernel_tree()]
            for m in self.kmods:
                cmd += ["--kmod", m]
        subprocess.run(cmd, check=True, timeout=60)
        return out

    # ---- booting ----------------------------------------------------------------------------

    def _paths(self, devices):
        for i, d in enumerate(devices):
            base = os.path.join(self.work, "dev%d" % i)
            d.audit_path, d.trace_path = base + ".audit.jsonl", base + ".trace.jsonl"
            d.strace_path, d.log_path = base + ".strace", base + ".stderr"
            for p in (d.audit_path, d.trace_path, d.strace_path):
                if os.path.exists(p):
                    os.unlink(p)

    def _guest_args(self, initrd, extra):
        return (["-nographic", "-no-reboot", "-nic", "none", "-vga", "none",
                 "-kernel", self.kernel, "-initrd", initrd,
                 # no_timer_check: on a loaded host TCG can miss the kernel's early
                 # timer-through-IO-APIC check, which then panics at boot
                 "-append", "console=ttyS0 quiet panic=-1 no_timer_check pg_scenario=%s"
                 % self.scenario]
                + list(extra))

    def _spawn_direct(self, devices, initrd, extra, env):
        """One `pcigate serve --fd` per device (optionally under strace), then QEMU."""
        qfds = []
        for d in devices:
            mine, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
            cmd = [self.pcigate, "serve", "--device", d.spec, "--fd", str(mine.fileno()),
                   "--profile", d.profile, "--audit", d.audit_path,
                   "--trace-backend", d.trace_path, "--verbose"]
            if d.strace:
                cmd = [self.need_strace(), "-f", "-qq", "-o", d.strace_path,
                       "-e", "trace=openat,pread64,pwrite64,mmap,write"] + cmd
            d.log = open(d.log_path, "w")
            d.proc = subprocess.Popen(cmd, pass_fds=(mine.fileno(),), stdin=subprocess.DEVNULL,
                                      stdout=d.log, stderr=d.log, env=env)
            d.pid = d.proc.pid
            mine.close()
            qfds.append(theirs)
        qemu = [self.qemu, "-machine", "pc,memory-backend=pgmem",
                "-object", "memory-backend-memfd,id=pgmem,size=512M,share=on", "-m", "512M"]
        for i, s in enumerate(qfds):
            qemu += ["-device", "x-pci-proxy-dev,id=pg%d,fd=%d" % (i, s.fileno())]
        qemu += self._guest_args(initrd, extra)
        self.qemu_log = open(os.path.join(self.work, "qemu.stderr"), "w")
        p = subprocess.Popen(qemu, pass_fds=[s.fileno() for s in qfds], stdin=subprocess.DEVNULL,
                             stdout=subprocess.PIPE, stderr=self.qemu_log, env=env)
        for s in qfds:
            s.close()
        return p

    def _spawn_launch(self, devices, initrd, extra, env):
        """`pcigate launch` with every device; one shared audit log and backend trace."""
        cmd = [self.pcigate, "launch", "--verbose", "--audit", devices[0].audit_path,
               "--trace-backend", devices[0].trace_path,
               "--timeout", str(max(self.timeout - 10, 10))]
        for d in devices:
            cmd += ["--device", d.spec + d.launch_opts]
            if d.profile != devices[0].profile:
                fail("launch mode serves every device with one profile")
            d.audit_path, d.trace_path = devices[0].audit_path, devices[0].trace_path
        cmd += ["--profile", devices[0].profile, "--"] + self._guest_args(initrd, extra)
        self.qemu_log = open(os.path.join(self.work, "launch.stderr"), "w")
        return subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=self.qemu_log, env=env)

    def boot(self, devices, params=None, extra=(), hooks=None, launch=False):
        """Boot once and return the serial console text. hooks: {marker: fn(serial)} called
        once, as soon as a line starting with 'PG-VM: <marker>' appears. Fails on a timeout,
        a QEMU (or launcher) failure, or a guest scenario that did not complete."""
        self._paths(devices)
        self._devs = devices
        params = dict(params or {})
        t0 = time.monotonic()
        initrd = self.build_initramfs(params)
        # LeakSanitizer cannot run in the seccomp-sandboxed servers (sanitizer builds).
        env = dict(os.environ, ASAN_OPTIONS="detect_leaks=0")
        t1 = time.monotonic()
        spawn = self._spawn_launch if launch else self._spawn_direct
        self.vm = spawn(devices, initrd, extra, env)
        try:
            serial = self._stream(hooks or {}, t1 + self.timeout)
        finally:
            self._reap(devices, launch)
        t2 = time.monotonic()
        self.vm_seconds += t2 - t1
        with open(os.path.join(self.work, "serial.log"), "w") as f:
            f.write(serial)
        self.serial = serial
        m = re.search(r"PG-VM: END uptime=([\d.]+)", serial)
        print("timing: initramfs %.1f s, VM (servers + QEMU, boot to power-off) %.1f s wall, "
              "guest uptime at end %s s" % (t1 - t0, t2 - t1, m.group(1) if m else "?"))
        if self.vm.returncode != 0:
            fail("%s exited with %d (logs in %s)" % ("pcigate launch" if launch else "QEMU",
                                                     self.vm.returncode, self.work))
        if not re.search(r"^PG-VM: EXIT 0$", serial, re.M) or not m:
            fail("the guest scenario did not complete (serial log: %s/serial.log)" % self.work)
        return serial

    def _stream(self, hooks, deadline):
        buf, fired, fd = b"", set(), self.vm.stdout.fileno()
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                self._kill_all()
                with open(os.path.join(self.work, "serial.log"), "wb") as f:
                    f.write(buf)  # what the guest printed before the time ran out
                fail("the VM did not finish within %d s (serial so far in %s/serial.log)"
                     % (self.timeout, self.work))
            r, _, _ = select.select([fd], [], [], min(left, 1.0))
            if not r:
                continue
            chunk = os.read(fd, 65536)
            if not chunk:
                break
            buf += chunk
            text = buf.decode("utf-8", "replace").replace("\r", "")
            for marker, fn in hooks.items():
                if marker not in fired and re.search(r"^PG-VM: %s\b.*\n" % re.escape(marker),
                                                     text, re.M):
                    fired.add(marker)
                    fn(text)
        self.vm.wait(timeout=max(deadline - time.monotonic(), 1))
        return buf.decode("utf-8", "replace").replace("\r", "")

    def _kill_all(self):
        for p in [self.vm] + [getattr(d, "proc", None) for d in getattr(self, "_devs", [])]:
            if p and p.poll() is None:
                p.kill()

    def _reap(self, devices, launch):
        if self.vm.poll() is None:
            try:
                self.vm.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.vm.kill()
                self.vm.wait()
        self.qemu_log.close()
        for d in devices:
            if launch:
                continue
            try:
                d.proc.wait(timeout=10)  # QEMU is gone: the server sees EOF
            except subprocess.TimeoutExpired:
                d.proc.kill()
                d.proc.wait()
            d.returncode = d.proc.returncode
            d.log.close()
            d.stderr = open(d.log_path).read()

    def qemu_stderr(self):
        return open(self.qemu_log.name).read()

    @staticmethod
    def signal(dev, sig):
        """Send sig to a device's server (direct mode)."""
        os.kill(dev.pid, sig)
        print("  sent %s to the server of %s (pid %d)" % (signal.Signals(sig).name, dev.label,
                                                          dev.pid))
