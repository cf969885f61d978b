#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""VFIO VM scenarios: libpcigate's vfio backend on real VFIO inside a QEMU q35 guest (TCG)
with an emulated Intel IOMMU. QEMU's edu, e1000e and nvme (and qemu-xhci, an ICH9 SATA
function) are bound to vfio-pci in the guest; tests/vm/guest/pg-vfio.c (linked against
libpcigate) drives them and reads every outcome back through the guest kernel's own sysfs
config file, the device's registers or the kernel's eventfd signals, printing one
"PG-VM: CHECK NAME ok|FAIL: why" line per assertion. This script boots the guest, then
asserts that every expected check ran and passed, plus the open/refusal messages.

  vfio          intremap=on: config (e1000e: denied, virtual, hidden, device-model),
                interrupts (edu MSI: one eventfd signal per raise; nvme MSI-X through the
                trapped path), DMA (edu round trip, unmapped IOVA, limits, shrunk memfd),
                resets (nvme FLR, e1000e PM; resync), MSI-X direct-map decision, hostile
                inputs (bad BDFs, non-viable group, removed device, a device removed
                while held: the kernel's request is seen and honoured), quiesce on close;
                pcigate inspect/view/session vfio:BDF in the guest; `pcigate serve --device
                vfio:BDF` driven by serve-client (SYNC_SYSMEM DMA, the machine-start
                DEVICE_RESET refused on edu and served on, INTx irqfd, memfd shrink, SIGTERM
                quiesce; an unbind while served: serve quiesces and exits); SIGKILL of a server under `pcigate launch` (launch
                quiesces).
  vfio-unsafe   intremap=off: type1 refuses the group (pcigate never sets the knob); after
                the test sets allow_unsafe_interrupts, the MSI-X direct map is refused
                with the reason.
  vfio-bench    (suite vm-bench) mediated vs raw VFIO config and BAR reads.
  vfio-nested   (suite vm-slow, ~3 min) `pcigate launch` inside the guest serves edu (vfio,
                no reset method: QEMU's machine-start DEVICE_RESET is refused and served on)
                to an inner guest (TCG in TCG), which reads and writes its BAR0.

usage: vfio-test.py --scenario NAME --pcigate PATH --guest-tool PATH --serve-client PATH
                    --source DIR --work DIR [--timeout S]
Exit status: 0 pass, 1 fail, 77 skip (QEMU, the guest kernel or its modules missing).
"""
import argparse
import os
import re
import subprocess
import sys
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vmlib  # noqa: E402
from vmlib import fail  # noqa: E402

EDU, E1000E, NVME, XHCI, SATA = ("0000:00:02.0", "0000:00:03.0", "0000:00:04.0",
                                 "0000:00:05.0", "0000:00:1f.2")
NVME_RP = "0000:01:00.0"  # a second nvme behind a PCIe root port: "bus" reset possible

# Ordered lists of allowed reset methods -> (rc, method used). On the root bus nvme offers
# only FLR (no bus to reset); behind a root port the kernel offers FLR and a bus reset
# (reset_method "flr bus"), and its group is alone behind the port, so a hot reset works
# too. Lists come from the policy's order with its exclusions applied: what is not listed
# must never be used, and "used" is the method that really reset the function.
RESETLISTS = {
    NVME: {"flr": (0, "flr"), "pm": (-95, "-"), "bus": (-95, "-"),
           "pm,flr": (0, "flr"), "bus,flr": (0, "flr")},
    NVME_RP: {"flr": (0, "flr"), "pm": (-95, "-"), "bus": (0, "bus"),
              "pm,flr": (0, "flr"), "bus,flr": (0, "bus")},
}

CFG = ["cfg-bar-write-ok", "cfg-bar-guest-view", "cfg-bar-hw-unchanged",
       "cfg-intline-hw-unchanged", "cfg-cacheline-hw-unchanged", "cfg-hidden-cap-view",
       "cfg-hidden-cap-hw-unchanged", "cfg-busmaster-set-hw", "cfg-busmaster-clear-hw",
       "dm-cmd-hw-unchanged", "dm-cacheline-hw-unchanged", "dm-msi-enable-write",
       "dm-msi-enable-hw", "dm-msi-addr-not-guest", "dm-msi-disable-hw"]
IRQ = ["irq-msi-enable", "irq-msi-hw-enabled", "irq-quiet-before", "irq-raise-0",
       "irq-raise-1", "irq-raise-2", "irq-no-extra", "irq-msi-disable-hw",
       "irq-silent-after-disable"]
MSIX = ["msix-enable", "msix-hw-enabled", "msix-virtual-entry", "msix-real-table-not-guest",
        "msix-hw-disabled"]
DMA = ["dma-map-src", "dma-map-dst", "dma-to-dev", "dma-to-ram", "dma-round-trip",
       "dma-overlap-refused", "dma-misaligned-refused", "dma-wrap-refused",
       "dma-empty-refused", "dma-unmap-unknown", "dma-unmapped-iova-harmless",
       "dma-map-memfd", "dma-shrink", "dma-after-shrink", "dma-after-shrink-alive",
       "dma-unmap-memfd", "dma-unmap-src"]
REQUEST = ["request-fd", "request-signalled", "request-device-still-usable",
           "request-removal-finished", "request-device-gone"]
RESET = ["reset-ok", "reset-msix-off-hw", "reset-msix-off-guest", "reset-bar-restored",
         "reset-hw-cmd-cleared", "reset-guest-cmd-in-sync", "reset-bar-read-decode-off",
         "reset-usable-after"]

SCENARIOS = {
    "vfio": {"intremap": "on", "steps": "cfg irq msix dma reset resetlist msixmap cli serve killserve hostile assign "
                      "request"},
    "vfio-unsafe": {"intremap": "off", "steps": "unsafe"},
    "vfio-bench": {"intremap": "on", "steps": "bench"},
    "vfio-nested": {"intremap": "on", "steps": "nested"},
}


def qemu_args(h, initrd, intremap, nvme_img, mem="1024"):
    # no_timer_check: on a loaded host TCG can miss the kernel's early timer-through-IO-APIC
    # check, which then panics ("timer doesn't work through Interrupt-remapped IO-APIC").
    return [h.qemu, "-machine", "q35", "-accel", "tcg", "-cpu", "max", "-smp", "1",
            "-m", mem, "-nographic", "-no-reboot", "-vga", "none", "-nic", "none",
            "-kernel", h.kernel, "-initrd", initrd,
            "-append", "console=ttyS0 intel_iommu=on iommu=pt panic=-1 quiet loglevel=4 "
                       "no_timer_check "
                       "pg_scenario=vfio",
            "-device", "intel-iommu,intremap=%s" % intremap,
            "-device", "edu,addr=02.0",
            "-device", "e1000e,addr=03.0",
            "-drive", "file=%s,if=none,id=nv0,format=raw" % nvme_img,
            "-device", "nvme,serial=pg,drive=nv0,addr=04.0",
            "-device", "qemu-xhci,addr=05.0",
            # native PCIe hotplug (pciehp) owns the root port's slot, as on real hosts:
            # with QEMU's default ACPI hotplug the slot has no reset op (bus reset ENOTTY)
            "-global", "ICH9-LPC.acpi-pci-hotplug-with-bridge-support=off",
            "-device", "pcie-root-port,id=rp1,chassis=1,slot=1,addr=06.0",
            "-drive", "file=%s,if=none,id=nv1,format=raw" % (nvme_img + "2"),
            "-device", "nvme,serial=pg2,drive=nv1,bus=rp1"]


def nested_files(h):
    """The inner guest of vfio-nested: QEMU's firmware, the kernel and an initramfs whose
    /init reads edu's registers through the proxied BAR (busybox, setpci, pg-guest)."""
    sdir = os.path.join(h.src, "tests/vm/scenarios")
    inner = os.path.join(h.work, "inner.cpio")
    subprocess.run([sys.executable, os.path.join(h.src, "tests/vm/mkinitramfs.py"), inner,
                    "--busybox", h.busybox, "--init", os.path.join(sdir, "nested-init.sh"),
                    "--bin", h.build_guest_tool(), "--bin", h.tools[1]],
                   check=True, timeout=60)
    files = [(h.kernel, "nested/vmlinuz"), (inner, "nested/inner.cpio")]
    for src, dst in (("/usr/share/seabios/bios-256k.bin", "usr/share/seabios/bios-256k.bin"),
                     ("/usr/share/qemu/linuxboot_dma.bin", "usr/share/qemu/linuxboot_dma.bin"),
                     ("/usr/share/qemu/kvmvapic.bin", "usr/share/qemu/kvmvapic.bin"),
                     # Debian builds TCG as a loadable QEMU module
                     ("/usr/lib/x86_64-linux-gnu/qemu/accel-tcg-x86_64.so",
                      "usr/lib/x86_64-linux-gnu/qemu/accel-tcg-x86_64.so")):
        if not os.path.exists(src):
            vmlib.skip("%s not found (QEMU firmware for the inner guest)" % src)
        files.append((src, dst))
    return files


def boot(h, args, steps):
    h.scenario = "vfio"
    h.kmods = ["vfio-pci", "vfio_iommu_type1", "i2c-i801"]
    h.bins = [args.guest_tool, args.pcigate, args.serve_client]
    if args.scenario == "vfio-nested":
        h.bins.append(h.qemu)
        h.files = nested_files(h)
    params = {"EDU": EDU, "E1000E": E1000E, "NVME": NVME, "NVME_RP": NVME_RP, "XHCI": XHCI,
              "SATA": SATA, "NESTED_TIMEOUT": str(max(args.timeout - 60, 30)),
              "VFIO_STEPS": steps, "KMODS_EXTRA": "vfio_iommu_type1 i2c-i801"}
    t0 = time.monotonic()
    initrd = h.build_initramfs(params)
    img = os.path.join(h.work, "nvme.img")
    for path in (img, img + "2"):
        with open(path, "wb") as f:
            f.truncate(16 << 20)
    cmd = qemu_args(h, initrd, SCENARIOS[args.scenario]["intremap"], img,
                    "2048" if args.scenario == "vfio-nested" else "1024")
    t1 = time.monotonic()
    h.qemu_log = open(os.path.join(h.work, "qemu.stderr"), "w")
    h._devs = []
    h.vm = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=h.qemu_log)
    try:
        serial = h._stream({}, t1 + h.timeout)
    finally:
        if h.vm.poll() is None:
            h.vm.kill()
        h.vm.wait()
        h.qemu_log.close()
    t2 = time.monotonic()
    with open(os.path.join(h.work, "serial.log"), "w") as f:
        f.write(serial)
    print("timing: initramfs %.1f s, VM boot to power-off %.1f s wall" % (t1 - t0, t2 - t1))
    if not re.search(r"^PG-VM: EXIT 0$", serial, re.M):
        fail("the guest scenario did not complete (serial log: %s/serial.log)" % h.work)
    return serial


def checks(serial):
    """{name: [outcome...]} of every CHECK line (a name can repeat: two reset devices)."""
    out = {}
    for m in re.finditer(r"^PG-VM: CHECK (\S+) (ok|FAIL: .*)$", serial, re.M):
        out.setdefault(m.group(1), []).append(m.group(2))
    return out


def opens(serial):
    return {m.group(1): (int(m.group(2)), m.group(3).strip())
            for m in re.finditer(r"^PG-VM: OPEN (\S+) rc=(-?\d+)(.*)$", serial, re.M)}


def assert_checks(serial, want, errs, times=1):
    got = checks(serial)
    for name, outcomes in sorted(got.items()):
        for o in outcomes:
            if o != "ok":
                errs.append("%s: %s" % (name, o))
    for name in want:
        if len(got.get(name, [])) < times:
            errs.append("%s: ran %d times, expected %d" % (name, len(got.get(name, [])), times))


def scenario_vfio(serial, errs):
    assert_checks(serial, CFG + IRQ + MSIX + DMA + REQUEST + ["reset-nvme-intms-cleared"], errs)
    assert_checks(serial, RESET, errs, times=2)  # nvme (FLR) and e1000e (PM)
    for want in ("reset_method=flr", "reset_method=pm"):
        if "PG-VM: INFO %s device_reset=1" % want not in serial:
            errs.append("no reset with %s reported" % want)
    if len(checks(serial).get("quiesced-busmaster-off", [])) < 6:
        errs.append("quiesce on close was not checked after every step")
    m = re.search(r"^PG-VM: MSIXMAP %s direct=(\d) why=(.*)$" % NVME, serial, re.M)
    if not m or m.group(1) != "1" or "MSIX_MAPPABLE" not in m.group(2):
        errs.append("MSI-X direct map with interrupt remapping: %r" % (m and m.group(0)))
    o = opens(serial)
    expect = {
        "zz:1": (-22, "not a PCI address"),
        "0000:00:1f.7": (-19, "no such PCI device"),
        SATA: (-16, "0000:00:1f.3 (i801_smbus)"),
        XHCI: (-19, "no such PCI device"),
        EDU: (0, ""),
    }
    for bdf, (rc, text) in expect.items():
        if bdf not in o or o[bdf][0] != rc or text not in o[bdf][1]:
            errs.append("open %s: expected rc %d with %r, got %r" % (bdf, rc, text, o.get(bdf)))
    if SATA in o and "not viable" not in o[SATA][1]:
        errs.append("non-viable group refusal does not say so: %r" % o[SATA][1])
    scenario_cli(serial, errs)
    scenario_assign(serial, errs)
    scenario_killserve(serial, errs)
    got = {}
    for m in re.finditer(r"^PG-VM: RESETLIST (\S+) (\S+) rc=(-?\d+) used=(\S+)$", serial, re.M):
        got.setdefault(m.group(1), {})[m.group(2)] = (int(m.group(3)), m.group(4))
    for bdf, want in RESETLISTS.items():
        if got.get(bdf) != want:
            errs.append("reset lists on %s: got %r, expected %r" % (bdf, got.get(bdf), want))
    if len(checks(serial).get("resetlist-method-restored", [])) != 10:
        errs.append("reset_method restore was not checked after every list")
    if not re.search(r"^vfio: PASS$", serial, re.M) or "PG-VM: SERVE-RC 0" not in serial:
        errs.append("pcigate serve --device vfio:%s (serve-client vfio) failed" % EDU)
    if not re.search(r"^request: PASS$", serial, re.M) or \
            "PG-VM: SERVE-REQUEST-RC 0" not in serial:
        errs.append("pcigate serve --device vfio:%s did not let go of the device when "
                    "the kernel asked (serve-client request)" % NVME_RP)
    if not re.search(r"^PG-VM: ACCEPT-REQUEST unbind-rc=0$", serial, re.M) or \
            not re.search(r"^PG-VM: ACCEPT-REQUEST serve-rc=0 sock=0$", serial, re.M) or \
            "the kernel asks for the device back (unbind or removal) while waiting for a " \
            "connection" not in serial:
        errs.append("pcigate serve --socket waiting for QEMU did not let go of vfio:%s "
                    "when the kernel asked" % NVME_RP)
    m = re.search(r"^request: serve exited (\d+) ms after the unbind began$", serial, re.M)
    if m:
        print("request: serve exited %s ms (guest time) after the unbind began" % m.group(1))


def scenario_cli(serial, errs):
    """pcigate inspect/view/session with vfio:BDF, run inside the guest."""
    m = re.search(r"PG-VM: CLI-BEGIN.*?PG-VM: CLI-END", serial, re.S)
    if not m:
        errs.append("the CLI step did not run")
        return
    out = m.group(0)
    rcs = dict(re.findall(r"^PG-VM: CLI-RC (\S+) (\d+)$", out, re.M))
    want_rc = {"inspect": "0", "inspect-json": "0", "inspect-nonviable": "3",
               "inspect-bad": "2", "view": "0", "session": "0"}
    for k, v in want_rc.items():
        if rcs.get(k) != v:
            errs.append("pcigate %s exited %s, expected %s" % (k, rcs.get(k), v))
    for text in ("0000:00:04.0 (vfio)", "IOMMU group:          3", "iommu      group 3",
                 "driver     vfio-pci",
                 "reset:                VFIO_DEVICE_RESET offered (kernel order: flr)",
                 "interrupt remapping:  on", "MSI-X 65 vectors",
                 "MSI-X table:          direct map allowed",
                 "0000:00:1f.3 (i801_smbus)", "not a PCI address after vfio:",
                 "0000:00:02.0 VFIO device", "00: 34 12 e8 11",
                 "VFIO device (writes, BAR accesses and resets reach it"):
        if text not in out:
            errs.append("CLI output lacks %r" % text)
    # inspect --json carries the VFIO section and the host's interrupt remapping (topology),
    # and a plain live BDF shows interrupt remapping too
    for text in ('PG-VM: JSON "interrupt_remapping":"on"', 'PG-VM: JSON "device_reset":true',
                 'PG-VM: JSON "interrupt_remapping":true', 'PG-VM: JSON "msix":65',
                 'PG-VM: JSON "direct_map":true', 'PG-VM: JSON "iommu_group":3',
                 "PG-VM: LIVE   irq remap  on (the kernel's irqchips remap interrupts"):
        if text not in out:
            errs.append("CLI output lacks %r" % text)
    # Only the Command write reached the device; Interrupt Line and Cache Line stayed virtual.
    hw = re.findall(r"^  hw cfg-write off=(0x[0-9a-f]+)", out, re.M)
    if hw != ["0x004"]:
        errs.append("session: writes that reached the device: %r, expected only 0x004" % hw)
    m = re.search(r"^PG-VM: CLI-HW cmd=([0-9a-f]+) intline=([0-9a-f]+)$", out, re.M)
    if not m or m.group(2) == "5a" or int(m.group(1), 16) & 4:
        errs.append("after session: %r (Interrupt Line must not be 5a, Bus Master off after "
                    "the quiesce at close)" % (m and m.group(0)))


def scenario_assign(serial, errs):
    """pcigate assign/release in the guest; driver links read back from sysfs."""
    got = {m.group(1): dict(kv.split("=", 1) for kv in m.group(2).split())
           for m in re.finditer(r"^PG-VM: ASSIGN (\S+) (.*)$", serial, re.M)}
    want = {
        "hostbridge": {"rc": "3"}, "rootport": {"rc": "3", "drv": "pcieport"},
        "isa": {"rc": "3"}, "bad": {"rc": "2"},
        "release": {"rc": "0", "drv": "none", "override": "(null)"},  # the kernel's "unset"
        "assign": {"rc": "0", "drv": "vfio-pci"},
        "release-sata": {"rc": "0", "drv": "none"},
        "nonviable": {"rc": "3", "drv": "none", "override": "(null)"},  # nothing written
    }
    for k, w in want.items():
        g = got.get(k, {})
        for kk, vv in w.items():
            if g.get(kk, "") != vv:
                errs.append("assign step %s: %s=%r, expected %r" % (k, kk, g.get(kk), vv))
    for text in ("0000:00:00.0: a host bridge is never assigned",
                 "0000:00:06.0: a bridge (class 060400, header type 1)",
                 "0000:00:1f.0: a bridge (class 060100",
                 "%s: released from vfio-pci" % NVME, "%s: bound to vfio-pci" % NVME):
        if text not in serial:
            errs.append("assign output lacks %r" % text)
    if not re.search(r"0000:00:1f\.2: IOMMU group \d+ would not be viable: "
                     r"0000:00:1f\.3 \(i801_smbus\) must be released", serial):
        errs.append("the non-viable refusal does not name 0000:00:1f.3 (i801_smbus)")
    if len(re.findall(r"^PG-VM: OPEN %s rc=0$" % NVME, serial, re.M)) < 1:
        errs.append("%s could not be opened after release + assign" % NVME)


def scenario_killserve(serial, errs):
    """SIGKILL of the server under pcigate launch: launch quiesces the vfio device."""
    before = re.search(r"^PG-VM: KILLSERVE before cmd=([0-9a-f]+)$", serial, re.M)
    after = re.search(r"^PG-VM: KILLSERVE after cmd=([0-9a-f]+)$", serial, re.M)
    if not re.search(r"^PG-VM: KILLSERVE killed \d+$", serial, re.M):
        errs.append("killserve: no server process was found and killed")
    if not before or not int(before.group(1), 16) & 4:
        errs.append("killserve: Bus Master was not on before the kill: %r" %
                    (before and before.group(0)))
    if not after or int(after.group(1), 16) & 4:
        errs.append("killserve: Bus Master still on after the kill: %r" %
                    (after and after.group(0)))
    if not re.search(r"KILLSERVE-ERR .*was killed by signal 9; device quiesced", serial):
        errs.append("killserve: launch did not report quiescing the killed server's device")


def scenario_unsafe(serial, errs):
    o = re.findall(r"^PG-VM: OPEN %s rc=(-?\d+)(.*)$" % NVME, serial, re.M)
    if not o or o[0][0] != "-1" or "allow_unsafe_interrupts" not in o[0][1]:
        errs.append("without interrupt remapping the open must fail with EPERM and name "
                    "the knob: %r" % (o[:1],))
    m = re.search(r"^PG-VM: MSIXMAP %s direct=(\d) why=(.*)$" % NVME, serial, re.M)
    if not m or m.group(1) != "0" or not m.group(2):
        errs.append("MSI-X direct map without interrupt remapping: %r" % (m and m.group(0)))
    else:
        print("  refused direct map: %s" % m.group(2))


def scenario_bench(serial, errs):
    """Prints the figures; asserts the deterministic ones: a mediated read of Command (the
    mediator reads the hardware every time) makes exactly the one pread a raw read makes,
    and no read failed."""
    lines = re.findall(r"^PG-VM: (BENCH\S* .*)$", serial, re.M)
    for line in lines:
        print("bench: " + line)
    m = re.search(r"^PG-VM: BENCH n=\d+ .*errors=(\d+)$", serial, re.M)
    if not m or m.group(1) != "0":
        errs.append("bench: no summary line, or reads failed: %r" % (m and m.group(0)))
    for name in ("cmd", "cfg16", "bar"):
        if not re.search(r"^PG-VM: BENCH-PAIR %s .*ratio_median=[\d.]+" % name, serial, re.M):
            errs.append("bench: no interleaved %s figures" % name)
    s = re.search(r"^PG-VM: BENCH-SYSCALLS .*cmd_raw=([\d.]+) cmd_mediated=([\d.]+)", serial,
                  re.M)
    if not s or float(s.group(1)) != 1.0 or float(s.group(2)) != 1.0:
        errs.append("bench: preads per Command read raw/mediated are not 1/1: %r" %
                    (s and s.group(0)))
    if not re.search(r"^PG-VM: BENCH-CPU mediator_cmd_ns_median=", serial, re.M):
        errs.append("bench: no mediator CPU figures")


def scenario_nested(serial, errs):
    """Timing of the nested boot, edu's registers as the inner guest read them, and the
    refused machine-start reset."""
    start = re.search(r"^PG-VM: NESTED-START uptime=([\d.]+)", serial, re.M)
    end = re.search(r"^PG-VM: NESTED-END rc=(\d+) uptime=([\d.]+)", serial, re.M)
    begin = re.search(r"PG-NESTED: BEGIN uptime=([\d.]+)", serial)
    if start and end:
        print("nested: launch to inner power-off %.1f s of outer guest time (rc %s); inner "
              "guest uptime at /init %s s" % (float(end.group(2)) - float(start.group(1)),
                                               end.group(1), begin and begin.group(1)))
    if not re.search(r"PG-NESTED: mmio r32 0x0 0x010000ed", serial):
        errs.append("the inner guest did not read edu's identification through pcigate")
    if not re.search(r"PG-NESTED: mmio r32 0x4 0xedcba987", serial):
        errs.append("the inner guest's liveness check of edu (inverse of 0x12345678) failed")
    if "device reset refused (the device has no allowed reset method)" not in serial:
        errs.append("QEMU's DEVICE_RESET of edu (no reset method) was not refused and logged")
    if not end or end.group(1) != "0":
        errs.append("pcigate launch in the guest exited %s" % (end and end.group(1)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--scenario", required=True, choices=sorted(SCENARIOS))
    ap.add_argument("--pcigate", required=True)
    ap.add_argument("--guest-tool", required=True)
    ap.add_argument("--serve-client", required=True)
    ap.add_argument("--source", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--corpus", default="")
    ap.add_argument("--timeout", type=int, default=150)
    args = ap.parse_args()
    h = vmlib.Harness(args, "vfio")
    h.kernel_tree()  # skips when the guest kernel has no modules
    serial = boot(h, args, SCENARIOS[args.scenario]["steps"])
    errs = []
    {"vfio": scenario_vfio, "vfio-unsafe": scenario_unsafe, "vfio-bench": scenario_bench,
     "vfio-nested": scenario_nested}[args.scenario](serial, errs)
    n = len(checks(serial))
    if errs:
        print("\n".join("FAIL: " + e for e in errs))
        print("(serial log: %s/serial.log)" % args.work)
        sys.exit(1)
    print("PASS: %s (%d distinct checks)" % (args.scenario, n))


if __name__ == "__main__":
    main()
