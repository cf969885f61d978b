#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""VM scenarios of `pcigate serve`: boot a Linux guest under QEMU 7.2 (TCG) whose PCI
devices are served by pcigate, act on them from inside the guest, and assert what the
guest saw and what reached each backend (the server's --audit and --trace-backend logs).

  enumerate  corpus devices (Intel xHCI, Intel Wi-Fi, NVMe, NIC with MSI-X) and this host's
             virtio entropy/balloon device through the read-only sysfs backend (the server
             runs under strace: no resourceN opened, config never written): IDs, class,
             exactly the capabilities the guest profile allows, assigned 32-bit BARs of the
             right sizes; the live device's BARs read all ones and drop writes.
  setpci     BAR relocation stays virtual (the backend's BAR untouched, MMIO follows the new
             address); a write to a hidden capability is dropped and audited; with
             device-model only MSI/MSI-X enables (and INTx Disable) reach the backend.
  mmio       through `pcigate launch`: MMIO reads/writes reach the modelled BAR; MSI-X table
             writes are trapped (the guest reads its own values back, the backend's BAR
             memory at the table is never written).
  kill       SIGKILL of one server and SIGTERM of another once the guest is ready: the guest
             keeps running (the devices read all ones), the SIGTERM'd server quiesces its
             backend (bus master off, reset), a third device keeps working.
  rom        through `pcigate launch`: --device DUMP,rom=FILE shows FILE as the device's
             expansion ROM (the guest's kernel reads it back byte for byte through sysfs,
             the ROM BAR sizes to the file's power-of-two size, nothing of it reaches the
             backend); --device DUMP,rom=off shows no ROM.
  bench      (suite vm-bench) guest-timed 4-byte config reads of a served device, a
             QEMU-emulated e1000 and the host bridge.

Exit status: 0 pass, 1 fail, 77 skip (a dependency is missing: the message names it).
usage: vm-test.py --scenario NAME --pcigate PATH --source DIR --work DIR [--corpus DIR]
                  [--timeout S]
Environment: PG_VM_KERNEL, PG_VM_CACHE, PG_CORPUS, CC (see vmlib.py).
"""
import argparse
import os
import re
import signal
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vmlib  # noqa: E402
from vmlib import Device, fail, le  # noqa: E402

XHCI = "8086-a2af_intel-200-series-z370-chipset-family-usb-3-0-xhc_256.txt"  # no 4096 one
WIFI = "8086-095a_intel-wireless-7265_4096.txt"
NVME = "144d-a826_samsung-electronics-co-nvme-ssd-controller-pm174_4096.txt"
NIC = "8086-10c9_intel-82576-gigabit-network-connection_4096.txt"  # MSI-X in BAR3
NVME_256 = "144d-a808_samsung-electronics-co-nvme-ssd-controller-sm981_256.txt"
BCM5719 = "14e4-1657_broadcom-and-subsidiaries-netxtreme-bcm5719-giga_256.txt"  # VPD hidden


def check(errs, cond, msg):
    if not cond:
        errs.append(msg)
    return cond


# ---- enumerate ------------------------------------------------------------------------------

def host_virtio():
    """This machine's virtio entropy (1af4:1044) or balloon (1af4:1045) device, if any."""
    root = "/sys/bus/pci/devices"
    for want in ("0x1044", "0x1045"):
        for bdf in sorted(os.listdir(root)) if os.path.isdir(root) else []:
            try:
                ids = [open(os.path.join(root, bdf, f)).read().strip()
                       for f in ("vendor", "device")]
            except OSError:
                continue
            if ids == ["0x1af4", want]:
                return bdf
    return None


def guest_caps(d):
    return sorted(vmlib.ALLOWED[c] for _, c in vmlib.std_caps(d.cfg[:256]) if c in vmlib.ALLOWED)


def check_lspci(d, block, errs):
    """IDs, class, capabilities and BARs of one device in the guest's lspci -nn -vvv."""
    head = block.splitlines()[0]
    cls = "[%02x%02x]" % (d.cfg[0x0b], d.cfg[0x0a])
    check(errs, "[%s]" % d.ids() in head and cls in head,
          "%s: lspci line %r lacks [%s] or class %s" % (d.label, head, d.ids(), cls))
    if d.cfg[0x09]:
        check(errs, "prog-if %02x" % d.cfg[0x09] in head, "%s: prog-if %02x not shown"
              % (d.label, d.cfg[0x09]))
    sub = "[%04x:%04x]" % (le(d.cfg, 0x2c, 2), le(d.cfg, 0x2e, 2))
    if le(d.cfg, 0x2c, 4):
        check(errs, re.search(r"Subsystem: .*" + re.escape(sub), block),
              "%s: Subsystem %s not shown" % (d.label, sub))
    seen = sorted(re.findall(r"^\tCapabilities: \[[0-9a-f]+\] ([A-Za-z-]+(?: [A-Z][a-z]+)*)",
                             block, re.M))
    check(errs, seen == guest_caps(d), "%s: capabilities %s, expected %s"
          % (d.label, seen, guest_caps(d)))
    regions = {}
    for m in re.finditer(r"^\tRegion (\d): (Memory|I/O ports) at (\S+)(?: \(([^)]*)\))?"
                         r"(?: \[\w+\])? \[size=(\w+)\]", block, re.M):
        regions[int(m.group(1))] = m.groups()[1:]
    want = d.bars()
    check(errs, sorted(regions) == sorted(want), "%s: Regions %s, expected BARs %s"
          % (d.label, sorted(regions), sorted(want)))
    for i, (kind, size) in want.items():
        if i not in regions:
            continue
        rkind, addr, flags, rsize = regions[i]
        check(errs, re.fullmatch(r"[0-9a-f]+", addr) and int(addr, 16) != 0,
              "%s: BAR%d not assigned (%s)" % (d.label, i, addr))
        check(errs, (rkind == "Memory") == (kind == "mem") and rsize == vmlib.fmt_size(size),
              "%s: BAR%d is %s [size=%s], expected %s [size=%s]"
              % (d.label, i, rkind, rsize, kind, vmlib.fmt_size(size)))
        if kind == "mem":
            check(errs, flags and flags.startswith("32-bit"),
                  "%s: BAR%d is %s, QEMU 7.2 routes 32-bit BARs only" % (d.label, i, flags))
    check(errs, "Expansion ROM" not in block, "%s: an expansion ROM is shown" % d.label)
    print("  %-12s %s class %s: caps %s, BARs %s -> %s"
          % (d.label[:12], d.ids(), cls, seen,
             {i: "%s %s" % (k, vmlib.fmt_size(s)) for i, (k, s) in want.items()},
             "ok" if not errs else "MISMATCH"))


def ro_bar_ops(d):
    """Guest BAR accesses for the read-only live device: {bar: [(op, off, val, expect)]}."""
    ops, bars, msix = {}, d.bars(), vmlib.msix_info(d.cfg)
    for i, (kind, size) in bars.items():
        if kind != "mem":
            continue
        if msix and msix["bir"] == i:
            t = msix["table"]
            ops[i] = [("w32", t + 8, 0x4242, None), ("r32", t + 8, None, 0x4242),
                      ("r32", t + 12, None, 1)]
            free = max(msix["table"] + 16 * msix["entries"], msix["pba"] + 8)
            free = (free + 0xff) & ~0xff
            if free + 4 <= size and not (msix["pba_bir"] == i and free < msix["pba"] + 8):
                ops[i] += [("r32", free, None, 0xffffffff), ("w32", free, 0x12345678, None),
                           ("r32", free, None, 0xffffffff)]
        else:
            ops[i] = [("r32", 0, None, 0xffffffff), ("w32", 0, 0x12345678, None),
                      ("r32", 0, None, 0xffffffff)]
    return ops


def fmt_ops(ops):
    return ";".join("%d %s" % (bar, " ".join(
        "%s:0x%x%s" % (o, off, "=0x%x" % v if o == "w32" else "") for o, off, v, _ in lst))
        for bar, lst in sorted(ops.items()))


def check_mmio_results(serial, prefix, ops, label, errs):
    """Compare 'PG-VM: <prefix>bar=B mmio r32 OFF VAL' lines with the expected reads."""
    got = {}
    for m in re.finditer(r"^PG-VM: %sbar=(\d+) mmio r32 (0x[0-9a-f]+) (0x[0-9a-f]+)$"
                         % re.escape(prefix), serial, re.M):
        got.setdefault((int(m.group(1)), int(m.group(2), 16)), []).append(int(m.group(3), 16))
    for bar, lst in ops.items():
        seen = {}
        for o, off, _, expect in lst:
            if o != "r32":
                continue
            k = seen.get((bar, off), 0)
            seen[(bar, off)] = k + 1
            vals = got.get((bar, off), [])
            v = vals[k] if k < len(vals) else None
            check(errs, v == expect, "%s: BAR%d+0x%x read %s, expected 0x%08x"
                  % (label, bar, off, "nothing" if v is None else "0x%08x" % v, expect))


def check_strace(d, errs):
    """The read-only server opened no resourceN, opened config read-only, never wrote
    (pwrite64, write) or mapped it, and did read it (so the trace sees config accesses)."""
    fds, opens, cfg_reads, cfg_writes_maps = {}, [], 0, 0
    for line in open(d.strace_path):
        m = re.match(r'\d+\s+openat\((AT_FDCWD|\d+), "([^"]+)", ([A-Z_|]+).*\) = (\d+)$',
                     line.strip())
        if m:
            base, path = m.group(1), m.group(2)
            if not path.startswith("/") and base != "AT_FDCWD":
                path = fds.get(int(base), "?") + "/" + path
            fds[int(m.group(4))] = path
            opens.append((path, m.group(3)))
            continue
        m = re.match(r"\d+\s+(pread64|mmap|write)\("  # CALL(FD, ... / mmap(A, L, P, F, FD
                     r"(?:(?:NULL|0x[0-9a-f]+), \d+, [^,]+, [^,]+, )?(-?\d+)", line.strip())
        if m and fds.get(int(m.group(2)), "").endswith("/config"):
            if m.group(1) == "pread64":
                cfg_reads += 1
            else:
                cfg_writes_maps += 1
    cfg = [f for p, f in opens if p == "/sys/bus/pci/devices/%s/config" % d.spec]
    check(errs, cfg and all("O_RDONLY" in f for f in cfg),
          "%s: config opened %s (expected O_RDONLY)" % (d.spec, cfg or "never"))
    bad = [p for p, _ in opens if re.search(r"/resource\d", p)]
    check(errs, not bad, "%s: the server opened %s" % (d.spec, bad))
    text = open(d.strace_path).read()
    check(errs, "pwrite64(" not in text, "%s: the server called pwrite64" % d.spec)
    check(errs, cfg_writes_maps == 0, "%s: the server wrote or mapped its config file"
          % d.spec)
    check(errs, cfg_reads > 0, "%s: no pread64 of config traced (is strace working?)" % d.spec)
    print("  strace of the %s server: %d openat (config %s), %d pread64 of config, "
          "no pwrite64, no write or mmap of config, no resourceN opened" % (d.spec, len(opens),
                                                       cfg[0] if cfg else "-", cfg_reads))


def scenario_enumerate(h):
    devs = [Device(h.corpus_file(f)) for f in (XHCI, WIFI, NVME, NIC)]
    x, w = devs[0].cfg, devs[1].cfg
    if (x[0x0b], x[0x0a], x[0x09], le(x, 0, 2)) != (0x0c, 0x03, 0x30, 0x8086) or \
            (w[0x0b], w[0x0a], le(w, 0, 2)) != (0x02, 0x80, 0x8086):
        fail("corpus dumps are not an Intel xHCI and an Intel Wi-Fi card")
    bdf = host_virtio()
    ro = None
    if bdf:
        h.need_strace()
        ro = Device(bdf, strace=True, label=bdf)
        devs.append(ro)
    else:
        print("NOTE: no virtio entropy/balloon device on this host: the read-only sysfs part "
              "is not run")
    params = {}
    if ro:
        params = {"PG_RO": ro.ids(), "PG_RO_OPS": fmt_ops(ro_bar_ops(ro))}
    serial = h.boot(devs, params)
    errs = []
    for d in devs:
        slot, block = vmlib.find_block(serial, d.vendor, d.device)
        if check(errs, block, "%s (%s) not enumerated by the guest" % (d.label, d.ids())):
            check_lspci(d, block, errs)
        for r in d.trace():
            check(errs, r["trace"] in ("start", "final") or not d.is_bdf,
                  "%s: the read-only backend received %s" % (d.label, r))
        check(errs, d.returncode == 0, "%s: server exited with %s: %s"
              % (d.label, d.returncode, d.stderr[-300:]))
    if ro:
        check_strace(ro, errs)
        check_mmio_results(serial, "ro ", ro_bar_ops(ro), ro.label, errs)
        print("  %s BARs from the guest: %s" % (ro.label, ", ".join(
            "BAR%s+%s=%s" % m for m in re.findall(r"^PG-VM: ro bar=(\d) mmio r32 (\S+) (\S+)$",
                                                  serial, re.M))))
    return errs


# ---- setpci ---------------------------------------------------------------------------------

def byte_changes(rec):
    """{config byte offset: changed bits} of one cfg-write trace record."""
    if "old" not in rec:
        return {rec["off"] + k: 0xff for k in range(rec["size"])}
    diff = rec["old"] ^ rec["value"]
    return {rec["off"] + k: (diff >> (8 * k)) & 0xff for k in range(rec["size"])
            if (diff >> (8 * k)) & 0xff}


def host_restores(tr):
    """Indexes of the cfg-write records that, after a successful reset, put a BAR or the
    ROM register back to its value in the trace's start record: the mediator's documented
    restore of the host-owned registers once a reset has returned them to power-on values
    (include/pcigate/mediator.h, PG_EFFECT_RESET). Any other write still counts."""
    start = [r for r in tr if r["trace"] == "start"]
    if not start:
        return set()
    cfg = bytes.fromhex(start[0]["config"])
    out, after_reset = set(), False
    for i, r in enumerate(tr):
        if r["trace"] == "reset" and r.get("rc") == 0:
            after_reset = True
        elif (r["trace"] == "cfg-write" and after_reset and
              (0x10 <= r["off"] < 0x28 or 0x30 <= r["off"] < 0x34)):
            if r["value"] == int.from_bytes(cfg[r["off"]:r["off"] + r["size"]], "little"):
                out.add(i)
    return out


def check_relocation(a, vpd, newbar, serial, errs):
    """A (guest profile): BAR relocation is virtual and MMIO follows it; the write to the
    hidden VPD capability is dropped and audited."""
    m = vmlib.marker_values(serial, "bar0")
    want = newbar | (le(a.cfg, 0x10, 4) & 0x9)  # flags as served: 64-bit shown as 32-bit
    check(errs, m and int(m[0]["new"], 16) == want, "A: BAR0 read back %s after writing "
          "0x%08x (expected 0x%08x)" % (m and m[0].get("new"), newbar, want))
    m = vmlib.marker_values(serial, "relocated-mmio")
    check(errs, m and int(m[0]["value"], 16) == 0xcafef00d,
          "A: MMIO at the relocated BAR0 read %s, expected 0xcafef00d" % (m and m[0]))
    tr = a.trace()
    start = [r for r in tr if r["trace"] == "start"]
    final = [r for r in tr if r["trace"] == "final"]
    restores = host_restores(tr)
    bar_writes = [r for i, r in enumerate(tr) if r["trace"] == "cfg-write" and
                  0x10 <= r["off"] < 0x28 and byte_changes(r) and i not in restores]
    check(errs, not bar_writes, "A: BAR registers changed in the backend: %s" % bar_writes)
    if check(errs, start and final, "A: no start/final record in %s" % a.trace_path):
        s0, s1 = start[0]["config"][0x20:0x50], final[-1]["config"][0x20:0x50]
        check(errs, s0 == s1, "A: backend BARs at exit %s differ from start %s" % (s1, s0))
        print("  A %s: guest BAR0 0x%08x; backend BAR0..5 at exit %s (unchanged)"
              % (a.label[:9], want, s1))
    check(errs, any(r["trace"] == "bar-write" and r["bar"] == 0 and r["off"] == 0x100 and
                    r["value"] == 0xcafef00d for r in tr),
          "A: the MMIO write at the relocated BAR0+0x100 did not reach the backend")
    m = vmlib.marker_values(serial, "vpd")
    check(errs, m and m[0].get("read") == "00000000",
          "A: hidden VPD capability reads %s, expected 00000000" % (m and m[0]))
    rec = [r for r in a.audit() if r.get("offset") == vpd + 2 and r.get("space") == "cfg"]
    if check(errs, rec, "A: no audit record at offset 0x%x (VPD address)" % (vpd + 2)):
        r = rec[0]
        check(errs, r["rule"].startswith("hidden-cap:") and r["verdict"] == "denied" and
              r["value"] == 0x1234 and r["size"] == 2, "A: audit record %s" % r)
        print("  A: audit %s" % {k: r[k] for k in ("offset", "size", "value", "verdict",
                                                  "rule")})
    check(errs, not [r for r in tr if r["trace"] == "cfg-write" and vpd <= r["off"] < vpd + 8],
          "A: a VPD write reached the backend")


def check_device_model(b, msix, msi, serial, errs):
    """B (device-model): only MSI/MSI-X enables and INTx Disable reach the backend."""
    allowed = {0x05: 0x04, msix["cap"] + 3: 0xc0, msi + 2: 0x01}
    hb = msix["cap"] + 3  # Message Control bit 15 (MSI-X Enable)
    enables, others = [], []
    tr = b.trace()
    restores = host_restores(tr)
    for i, r in enumerate(tr):
        if i in restores:
            continue
        if r["trace"] == "bar-write":
            others.append(r)
        if r["trace"] != "cfg-write":
            continue
        if any(bits & ~allowed.get(off, 0) for off, bits in byte_changes(r).items()):
            others.append(r)
        if r["off"] <= hb < r["off"] + r["size"]:
            enables.append((r["value"] >> 8 * (hb - r["off"])) & 0x80)
    check(errs, not others, "B: writes beyond MSI/MSI-X enable reached the backend: %s"
          % others[:5])
    # The guest sets MSI-X Enable, then clears it: both writes must reach the backend, in
    # that order (the dump's own Enable may already be set, so look at the written value).
    check(errs, 0x80 in enables and 0 in enables[enables.index(0x80):],
          "B: MSI-X Enable set then cleared by the guest did not both reach the backend "
          "(written Enable bits: %s)" % enables)
    m = vmlib.marker_values(serial, "msix")
    check(errs, m and int(m[0]["ctl"], 16) & 0x8000 and int(m[0]["cmd"], 16) & 0x7 == 0x7,
          "B: guest reads MSI-X control/Command %s (expected Enable and IO|MEM|BM set)"
          % (m and m[0]))
    print("  B %s (device-model): MSI-X Enable writes reaching the backend %s, other changes "
          "%d; guest reads %s" % (b.label[:9], enables, len(others), m and m[0]))


def scenario_setpci(h):
    a = Device(h.corpus_file(BCM5719), profile="guest")
    b = Device(h.corpus_file(NIC), profile="device-model")
    vpd = vmlib.cap_offset(a.cfg, 0x03)
    msix, msi = vmlib.msix_info(b.cfg), vmlib.cap_offset(b.cfg, 0x05)
    exp = vmlib.cap_offset(b.cfg, 0x10)
    if vpd is None or msix is None or msi is None or exp is None:
        fail("corpus dumps lack the VPD / MSI / MSI-X / PCIe capabilities this scenario needs")
    newbar = 0xd0000000  # in the 32-bit PCI hole of a 512 MiB pc machine, unused
    params = {"PG_A": a.ids(), "PG_A_VPD": vpd, "PG_A_NEWBAR": "%x" % newbar,
              "PG_B": b.ids(), "PG_B_MSIX": msix["cap"], "PG_B_EXP": exp}
    serial = h.boot([a, b], params)
    errs = []
    check_relocation(a, vpd, newbar, serial, errs)
    check_device_model(b, msix, msi, serial, errs)
    for d in (a, b):
        check(errs, d.returncode == 0, "%s: server exited with %s" % (d.label, d.returncode))
    return errs


# ---- mmio -----------------------------------------------------------------------------------

def mmio_ops(d):
    """(bar, ops, table range, pba range): plain RAM, the MSI-X table, the PBA."""
    x = vmlib.msix_info(d.cfg)
    bar, size = x["bir"], d.bars()[x["bir"]][1]
    tbl = (x["table"], x["table"] + 16 * x["entries"])
    pba = (x["pba"], x["pba"] + 8 * ((x["entries"] + 63) // 64))
    plain = next(o for o in range(0x100, size, 0x100)
                 if not (tbl[0] - 4 < o < tbl[1] or pba[0] - 4 < o < pba[1]))
    t = x["table"]
    ops = [("r32", plain, None, 0), ("w32", plain, 0x12345678, None),
           ("r32", plain, None, 0x12345678),
           ("w32", t, 0xfee01000, None), ("w32", t + 4, 0, None), ("w32", t + 8, 0x4041, None),
           ("w32", t + 12, 0, None), ("r32", t, None, 0xfee01000), ("r32", t + 4, None, 0),
           ("r32", t + 8, None, 0x4041), ("r32", t + 12, None, 0),
           ("r32", t + 16 + 12, None, 1), ("r32", x["pba"], None, 0)]
    return bar, ops, tbl, pba, plain


def scenario_mmio(h):
    devs = [Device(h.corpus_file(NVME)), Device(h.corpus_file(NIC))]
    plan = [mmio_ops(d) for d in devs]
    params = {"PG_MMIO": ";".join("%s %s" % (d.ids(), fmt_ops({p[0]: p[1]}))
                                  for d, p in zip(devs, plan))}
    serial = h.boot(devs, params, launch=True)
    errs = []
    trace = devs[0].trace()
    for d, (bar, ops, tbl, pba, plain) in zip(devs, plan):
        check_mmio_results(serial, "%s " % d.ids(), {bar: ops}, d.label, errs)
        bw = [r for r in trace if r["device"] == d.label and r["trace"] == "bar-write"]
        check(errs, any(r["bar"] == bar and r["off"] == plain and r["value"] == 0x12345678
                        for r in bw), "%s: the plain BAR%d write did not reach the backend: %s"
              % (d.label, bar, bw))
        trapped = [r for r in bw if r["bar"] == bar and
                   (tbl[0] <= r["off"] < tbl[1] or pba[0] <= r["off"] < pba[1])]
        check(errs, not trapped, "%s: MSI-X table/PBA writes reached BAR memory: %s"
              % (d.label, trapped))
        print("  %s: BAR%d: plain +0x%x written and read back; MSI-X table [0x%x,0x%x) "
              "writes trapped (%d backend BAR writes, none in the table/PBA)"
              % (d.label[:24], bar, plain, tbl[0], tbl[1], len(bw)))
    return errs


# ---- kill -----------------------------------------------------------------------------------

def scenario_kill(h):
    a, b, c = (Device(h.corpus_file(f)) for f in (NVME_256, XHCI, WIFI))
    params = {"PG_A": a.ids(), "PG_B": b.ids(), "PG_C": c.ids()}

    def on_ready(_serial):
        h.signal(a, signal.SIGKILL)
        h.signal(b, signal.SIGTERM)

    serial = h.boot([a, b, c], params, hooks={"READY": on_ready})
    errs = []
    m = vmlib.marker_values(serial, "gone")
    check(errs, m and m[0].get("a") == "ffff" and m[0].get("b") == "ffff",
          "guest: killed devices read %s, expected ffff" % (m and m[0]))
    m2 = vmlib.marker_values(serial, "alive")
    check(errs, m2 and m2[0].get("c") == "%04x%04x" % (c.device, c.vendor),
          "guest: the third device reads %s after the kills" % (m2 and m2[0]))
    check(errs, a.returncode == -signal.SIGKILL, "A: server status %s, expected SIGKILL"
          % a.returncode)
    check(errs, b.returncode == 0 and "SIGTERM after message" in b.stderr and
          "device quiesced" in b.stderr, "B: server status %s, stderr %r"
          % (b.returncode, b.stderr[-400:]))
    tr = b.trace()
    q = next((i for i, r in enumerate(tr) if r["trace"] == "quiesce"), None)
    bm_on = [r for r in tr[:q] if r["trace"] == "cfg-write" and r["off"] == 4 and
             r["value"] & 4 and not r["old"] & 4]
    check(errs, bm_on, "B: the guest's Bus Master enable did not reach the backend")
    if check(errs, q is not None and tr[q]["why"] == "SIGTERM", "B: no quiesce record"):
        after = tr[q + 1:]
        bm_off = [r for r in after if r["trace"] == "cfg-write" and r["off"] == 4 and
                  r["old"] & 4 and not r["value"] & 4]
        resets = [r for r in after if r["trace"] == "reset"]
        final = [r for r in after if r["trace"] == "final"]
        check(errs, bm_off and resets and resets[0]["rc"] == 0,
              "B: quiesce did not turn Bus Master off and reset: %s" % after)
        if check(errs, final, "B: no final config record"):
            cmd = int(final[-1]["config"][8:10], 16)
            check(errs, not cmd & 4, "B: Bus Master still on at exit (Command low byte %02x)"
                  % cmd)
        print("  B: after SIGTERM: %s" % ", ".join(
            r["trace"] + ("(off=%d %#x->%#x)" % (r["off"], r["old"], r["value"])
                          if r["trace"] == "cfg-write" else "") for r in after))
    check(errs, c.returncode == 0, "C: server exited with %s" % c.returncode)
    print("  guest: %s; %s" % (m and m[0], m2 and m2[0]))
    return errs


# ---- rom ------------------------------------------------------------------------------------

def rom_image(vendor, device, size=4096):
    """A PCI expansion ROM image (PCI Firmware 3.0 §5.1): 55 AA, the PCI Data Structure at
    0x1c naming the device, one image of size bytes, marked last, code type 3 (EFI), so
    that SeaBIOS does not run it (it runs x86 images, type 0), and a byte pattern."""
    rom = bytearray((i * 7 + 3) & 0xff for i in range(size))
    rom[0:3] = bytes([0x55, 0xaa, size // 512])
    rom[0x18:0x1a] = (0x1c).to_bytes(2, "little")
    pcir = b"PCIR" + vendor.to_bytes(2, "little") + device.to_bytes(2, "little") + \
        bytes([0, 0, 0x18, 0, 3, 0, 0, 0]) + (size // 512).to_bytes(2, "little") + \
        bytes([0, 0, 3, 0x80, 0, 0])
    rom[0x1c:0x1c + len(pcir)] = pcir
    return bytes(rom)


def scenario_rom(h):
    import hashlib
    a0, b = Device(h.corpus_file(NVME_256)), Device(h.corpus_file(XHCI))
    rom = rom_image(a0.vendor, a0.device)
    path = os.path.join(h.work, "test,rom.bin")  # a comma: QEMU's ",," escaping
    with open(path, "wb") as f:
        f.write(rom)
    a = Device(a0.spec, launch_opts=",addr=05.0,rom=%s" % path.replace(",", ",,"))
    b.launch_opts = ",rom=off"
    serial = h.boot([a, b], {"PG_A": a.ids(), "PG_B": b.ids()}, launch=True)
    errs = []
    ra = vmlib.marker_values(serial, "rom-a")
    check(errs, ra and ra[0].get("slot") == "0000:00:05.0" and ra[0].get("lines") == "1",
          "A: no Expansion ROM line at 00:05.0: %s" % ra)
    rd = vmlib.marker_values(serial, "rom-a-read")
    want = hashlib.md5(rom).hexdigest()
    check(errs, rd and rd[0].get("md5") == want and rd[0].get("size") == str(len(rom)),
          "A: the guest read %s from the ROM, expected md5=%s size=%d" % (rd, want, len(rom)))
    sz = vmlib.marker_values(serial, "rom-a-size")
    check(errs, sz and int(sz[0].get("mask", "0"), 16) & 0xfffff800 == 0xfffff000,
          "A: ROM BAR sizing read %s, expected 0xfffff000 (4 KiB)" % sz)
    rb = vmlib.marker_values(serial, "rom-b")
    check(errs, rb and rb[0].get("lines") == "0" and rb[0].get("reg") == "00000000" and
          rb[0].get("sysfs") == "no", "B (rom=off): a ROM is visible: %s" % rb)
    rom_writes = [r for r in a.trace() if r["trace"] == "cfg-write" and 0x30 <= r["off"] < 0x34]
    check(errs, not rom_writes, "the device's ROM register was written: %s" % rom_writes)
    print("  A: ROM at %s read back (md5 %s, %s bytes), sizing %s; B: %s"
          % (ra and ra[0].get("reg"), rd and rd[0].get("md5"), rd and rd[0].get("size"),
             sz and sz[0].get("mask"), rb and rb[0]))
    return errs


# ---- bench ----------------------------------------------------------------------------------

def scenario_bench(h):
    d = Device(h.corpus_file(NVME))
    sweeps = int(os.environ.get("PG_VM_BENCH_SWEEPS", "1000"))
    serial = h.boot([d], {"PG_SERVED": d.ids(), "PG_SWEEPS": sweeps},
                    extra=["-device", "e1000"])
    rows = re.findall(r"^PG-VM: bench (\S+) cfgbench \S+ sweeps=(\d+) dwords=\d+ mean_ns=(\d+) "
                      r"median_ns=(\d+) min_ns=(\d+)$", serial, re.M)
    if not rows:
        return ["no benchmark output from the guest"]
    print("  guest pread() of 4 config bytes, ns per dword (%d sweeps of 64 dwords per run):"
          % sweeps)
    for what, n, mean, med, mn in rows:
        print("    %-10s mean %6s  median %6s  min %6s" % (what, mean, med, mn))
    med = {}
    for what, _, _, m, _ in rows:
        med.setdefault(what, []).append(int(m))
    if "served" in med and "e1000" in med:
        s, e = sorted(med["served"])[len(med["served"]) // 2], sorted(med["e1000"])[
            len(med["e1000"]) // 2]
        print("  served/e1000 median ratio: %.1fx (%d ns vs %d ns)" % (s / e, s, e))
    print(d.stderr.strip().splitlines()[-1] if d.stderr.strip() else "")
    return []


SCENARIOS = {"enumerate": scenario_enumerate, "setpci": scenario_setpci,
             "mmio": scenario_mmio, "kill": scenario_kill, "rom": scenario_rom,
             "bench": scenario_bench}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--scenario", required=True, choices=sorted(SCENARIOS))
    ap.add_argument("--pcigate", required=True)
    ap.add_argument("--source", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--corpus", default=os.environ.get("PG_CORPUS", ""))
    ap.add_argument("--timeout", type=int, default=120)
    a = ap.parse_args()
    h = vmlib.Harness(a, a.scenario)
    errs = SCENARIOS[a.scenario](h)
    print("VM time: %.1f s" % h.vm_seconds)
    if errs:
        fail("\n  ".join([""] + errs))
    print("PASS: scenario %s" % a.scenario)
    return 0


if __name__ == "__main__":
    sys.exit(main())
