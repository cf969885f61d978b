#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""VM harness: boot a Linux guest under QEMU (TCG) whose PCI devices are served by
`pcigate launch` from corpus dumps, and check what the guest's PCI core and lspci see.

Scenario "enumerate" (tests/vm/scenarios/enumerate.sh): for every served device the guest
must show the dump's vendor/device/subsystem IDs, exactly the capabilities the guest
profile allows among those the dump has (PM, MSI, PCI Express, MSI-X; everything else
hidden), and only 32-bit memory BARs (QEMU 7.2's proxy). The launcher must exit 0 and every
audit line must be JSON.

Exit status: 0 pass, 1 fail, 77 skip (a dependency is missing: the message says which and
how to install it). Every step has a timeout: a hung guest is killed, never waited for.

usage: vm-test.py --pcigate PATH --source DIR --work DIR [--corpus DIR] [--timeout S]
                  [--device DUMP]...
Environment: PG_VM_KERNEL (kernel image; default: the cache of scripts/install-vm-deps.sh),
PG_VM_CACHE, PG_CORPUS.
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time

SKIP = 77
# Guest-profile allow-list (mediator.h): standard capability ID -> lspci's name.
ALLOWED = {0x01: "Power Management", 0x05: "MSI", 0x10: "Express", 0x11: "MSI-X"}
DEFAULT_DEVICES = [
    # NVMe with MSI-X and a 64-bit BAR: every capability it has is allowed.
    "144d-a808_samsung-electronics-co-nvme-ssd-controller-sm981_256.txt",
    # BCM5719: VPD (0x03) must be hidden; three 64-bit BARs.
    "14e4-1657_broadcom-and-subsidiaries-netxtreme-bcm5719-giga_256.txt",
]


def skip(msg):
    print("SKIP: " + msg + " (install with: sudo scripts/install-vm-deps.sh)")
    sys.exit(SKIP)


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def find_kernel():
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


def check_deps():
    qemu = shutil.which("qemu-system-x86_64")
    if not qemu:
        skip("qemu-system-x86_64 not found")
    busybox = shutil.which("busybox") or "/bin/busybox"
    if not os.path.isfile(busybox):
        skip("busybox not found")
    out = subprocess.run(["ldd", busybox], capture_output=True, text=True)
    if "not a dynamic executable" not in (out.stdout + out.stderr):
        skip("%s is not static (needs busybox-static)" % busybox)
    tools = [shutil.which("lspci"), shutil.which("setpci")]
    if not all(tools):
        skip("lspci/setpci not found (pciutils)")
    ids = "/usr/share/misc/pci.ids"
    if not os.path.exists(ids):
        skip("%s not found (pci.ids)" % ids)
    return qemu, busybox, tools, ids


def read_dump(path):
    """Config bytes of the first device of an lspci -x dump."""
    cfg = bytearray(256)
    for line in open(path, encoding="utf-8", errors="replace"):
        m = re.match(r"^([0-9a-f]{2,3}): ((?:[0-9a-f]{2} ?){1,16})$", line.strip())
        if m and int(m.group(1), 16) < 256:
            off = int(m.group(1), 16)
            vals = bytes(int(x, 16) for x in m.group(2).split())
            cfg[off:off + len(vals)] = vals
        elif cfg[0:2] != b"\0\0" and not line.strip():
            break
    return cfg


def std_caps(cfg):
    """Standard capability IDs in chain order (bounded, like the library's walk)."""
    ids, seen, p = [], set(), cfg[0x34] & 0xFC if cfg[6] & 0x10 else 0
    while p >= 0x40 and p not in seen and len(ids) < 48:
        seen.add(p)
        ids.append(cfg[p])
        p = cfg[p + 1] & 0xFC
    return ids


def expectations(path):
    cfg = read_dump(path)
    le16 = lambda o: cfg[o] | cfg[o + 1] << 8
    caps = std_caps(cfg)
    return {
        "path": path,
        "vendor": le16(0), "device": le16(2),
        "subsys": (le16(0x2C), le16(0x2E)),
        "caps": sorted(ALLOWED[c] for c in caps if c in ALLOWED),
        "hidden": sorted("0x%02x" % c for c in caps if c not in ALLOWED),
    }


def check_device(exp, serial):
    vid = "0x%04x:0x%04x" % (exp["vendor"], exp["device"])
    m = re.search(r"PG-VM: device (\S+) %s BEGIN\n(.*?)PG-VM: device \1 END" % vid, serial,
                  re.S)
    if not m:
        return ["%s: device %s not enumerated by the guest" % (exp["path"], vid)]
    slot, block = m.group(1), m.group(2)
    errs = []
    ids = "[%04x:%04x]" % (exp["vendor"], exp["device"])
    if ids not in block.splitlines()[0]:
        errs.append("%s: lspci -nn line lacks %s" % (slot, ids))
    sub = "[%04x:%04x]" % exp["subsys"]
    if exp["subsys"] != (0, 0) and not re.search(r"Subsystem: .*" + re.escape(sub), block):
        errs.append("%s: Subsystem %s not shown" % (slot, sub))
    seen = sorted(re.findall(r"^\tCapabilities: \[[0-9a-f]+\] ([A-Za-z-]+(?: [A-Z][a-z]+)*)",
                             block, re.M))
    if seen != exp["caps"]:
        errs.append("%s: capabilities %s, expected %s (hidden in the dump: %s)"
                    % (slot, seen, exp["caps"], exp["hidden"]))
    for r in re.findall(r"^\tRegion \d+: Memory at \S+ \(([^,)]+)", block, re.M):
        if r != "32-bit":
            errs.append("%s: a %s memory BAR (QEMU 7.2 routes 32-bit BARs only)" % (slot, r))
    print("  %s %s: caps %s, hidden %s -> %s" % (slot, ids, exp["caps"], exp["hidden"],
                                                 "ok" if not errs else "MISMATCH"))
    return errs


def build_initramfs(src, work, busybox, tools, ids, scenario):
    out = os.path.join(work, "initramfs.cpio")
    cmd = [sys.executable, os.path.join(src, "tests/vm/mkinitramfs.py"), out,
           "--busybox", busybox, "--init", os.path.join(src, "tests/vm/init.sh"),
           "--file", ids + ":usr/share/misc/pci.ids",
           "--file", os.path.join(src, "tests/vm/scenarios", scenario + ".sh") +
           ":scenarios/%s.sh" % scenario]
    for t in tools:
        cmd += ["--bin", t]
    subprocess.run(cmd, check=True, timeout=60)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pcigate", required=True)
    ap.add_argument("--source", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--corpus", default=os.environ.get("PG_CORPUS", ""))
    ap.add_argument("--timeout", type=int, default=120)
    ap.add_argument("--device", action="append", default=[])
    a = ap.parse_args()

    qemu, busybox, tools, ids = check_deps()
    kernel = find_kernel()
    devices = a.device or [os.path.join(a.corpus, d) for d in DEFAULT_DEVICES]
    for d in devices:
        if not os.path.isfile(d):
            fail("device dump %s not found (set PG_CORPUS)" % d)
    os.makedirs(a.work, exist_ok=True)
    exps = [expectations(d) for d in devices]

    t0 = time.monotonic()
    initrd = build_initramfs(a.source, a.work, busybox, tools, ids, "enumerate")
    t1 = time.monotonic()
    audit = os.path.join(a.work, "audit.jsonl")
    if os.path.exists(audit):
        os.unlink(audit)
    cmd = [a.pcigate, "launch", "--verbose", "--audit", audit,
           "--timeout", str(max(a.timeout - 10, 10))]
    for d in devices:
        cmd += ["--device", d]
    cmd += ["--", "-nographic", "-no-reboot", "-nic", "none", "-vga", "none",
            "-kernel", kernel, "-initrd", initrd,
            "-append", "console=ttyS0 quiet panic=-1 pg_scenario=enumerate"]
    print("running: " + " ".join(cmd))
    try:
        # LeakSanitizer cannot run in the seccomp-sandboxed servers (sanitizer builds).
        env = dict(os.environ, ASAN_OPTIONS="detect_leaks=0")
        p = subprocess.run(cmd, capture_output=True, timeout=a.timeout,
                           stdin=subprocess.DEVNULL, env=env)
    except subprocess.TimeoutExpired:
        fail("the VM did not finish within %d s" % a.timeout)
    t2 = time.monotonic()
    serial = p.stdout.decode("utf-8", "replace").replace("\r", "")
    with open(os.path.join(a.work, "serial.log"), "w") as f:
        f.write(serial)
    sys.stdout.write(p.stderr.decode("utf-8", "replace"))
    if p.returncode != 0:
        fail("pcigate launch exited with %d (serial log: %s/serial.log)" % (p.returncode, a.work))
    m = re.search(r"PG-VM: END uptime=([\d.]+)", serial)
    if "PG-VM: EXIT 0" not in serial or not m:
        fail("the guest scenario did not complete (serial log: %s/serial.log)" % a.work)
    errs = []
    for e in exps:
        errs += check_device(e, serial)
    n = 0
    if os.path.exists(audit):
        for line in open(audit):
            json.loads(line)  # raises on a malformed record
            n += 1
    print("timing: initramfs %.1f s, boot+scenario %.1f s wall (guest uptime at end %s s); "
          "%d audit records" % (t1 - t0, t2 - t1, m.group(1), n))
    if errs:
        fail("; ".join(errs))
    print("PASS: %d device(s) enumerated with the guest profile's view" % len(exps))
    return 0


if __name__ == "__main__":
    sys.exit(main())
