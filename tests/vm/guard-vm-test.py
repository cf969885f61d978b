#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""VM scenarios of `pcigate guard`: a Debian 12 guest kernel under QEMU 7.2 (q35, TCG) with
native PCIe hotplug (ACPI hotplug off, pcie-root-ports), devices plugged through QMP
`device_add` while the guest runs the guard daemon. The real drivers (e1000e, nvme) are
loaded in the guest before every plug.

  guard-plug      pci-stub loaded first by the shipped init-top script; 12 plugs (e1000e,
                  nvme, virtio-net): quarantined ones have driver pci-stub, Command 0 and no
                  driver message; allowed by rule (port + serial: the NIC gets a DHCP
                  lease) and by command (the NVMe namespace reads back the disk's data),
                  rejected by slot (slot power-off) and by an inspect finding; an allow
                  without a driver is refused; the daemon restarts without losing decisions
                  or releasing a device, and still gates after the restart.
  guard-failsafe  a rule file error: the daemon keeps everything quarantined and says why;
                  SR-IOV VFs created after arming (QEMU 7.2 nvme, sriov_max_vfs=2) are
                  quarantined while their PF is allowed; a decision made permanent
                  applies to the same NIC unplugged and plugged again; with QEMU's
                  intel-iommu, an NVMe matched by port and IOMMU domain type is assigned
                  to vfio-pci.
  guard-order     e1000e registered before pci-stub: `guard arm` refuses and names it; the
                  plugged NIC is taken by e1000e (a gate breach, audited with bus master)
                  and the daemon takes it back to quarantine.

Every boot prints the daemon's decision times (from its audit log) and the exposure seen.
Exit status: 0 pass, 1 fail, 77 skip.
usage: guard-vm-test.py --scenario NAME --pcigate PATH --source DIR --work DIR [--timeout S]
"""
import argparse
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vmlib  # noqa: E402
from vmlib import fail  # noqa: E402

DISK_MARK = b"PCIGATE-GUARD-DISK-0"
ROOT_PORTS = 12


class QMP:
    """Minimal QMP client over a UNIX socket; every read has a deadline."""

    def __init__(self, path, deadline):
        while True:
            try:
                self.s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                self.s.connect(path)
                break
            except OSError:
                if time.monotonic() > deadline:
                    fail("QMP socket %s did not come up" % path)
                time.sleep(0.1)
        self.s.settimeout(30)
        self.buf = b""
        self._read()  # greeting
        self.cmd("qmp_capabilities")

    def _read(self):
        while b"\n" not in self.buf:
            chunk = self.s.recv(65536)
            if not chunk:
                fail("QMP connection closed")
            self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        return json.loads(line)

    def cmd(self, name, retry_s=0, **args):
        """Run a command; on an error retry for up to retry_s seconds (QEMU finishes a
        device_del only when the guest has powered the slot off), then fail."""
        end = time.monotonic() + retry_s
        while True:
            self.s.sendall(json.dumps({"execute": name, "arguments": args}).encode() + b"\n")
            r = self._read()
            while "return" not in r and "error" not in r:
                r = self._read()  # asynchronous events
            if "return" in r:
                return r["return"]
            if time.monotonic() >= end:
                fail("QMP %s %r: %s" % (name, args, r["error"]))
            time.sleep(0.5)


class GuardVM(vmlib.Harness):
    def __init__(self, args, scenario):
        super().__init__(args, scenario)
        self.kmods = ["e1000e", "nvme", "pci-stub", "vfio-pci"]
        self.iommu = False
        self.bins = [args.pcigate]
        sdir = os.path.join(self.src, "tests/vm/scenarios")
        for f in ("guard-lib.sh", "guard-rules.yaml", "guard-rules-bad.yaml",
                  "guard-rules-sriov.yaml"):
            self.files.append((os.path.join(sdir, f), "scenarios/" + f))
        self.files.append((os.path.join(self.src, "data/guard/pcigate-guard.init-top"),
                           "scenarios/pcigate-guard.init-top"))
        # mkinitramfs only puts dynamic binaries in usr/bin; the guest's PATH has it.
        self.qmp = None

    def disk(self, name):
        path = os.path.join(self.work, name + ".img")
        with open(path, "wb") as f:
            f.write(DISK_MARK + b"\0" * (1024 * 1024 - len(DISK_MARK)))
        return path

    def qemu_cmd(self, initrd, extra):
        cmd = [self.qemu, "-machine", "q35", "-m", "512M", "-smp", "1",
               "-global", "ICH9-LPC.acpi-pci-hotplug-with-bridge-support=off",
               "-qmp", "unix:%s,server=on,wait=off" % self.qmp_path]
        if self.iommu:  # before any PCI device, as QEMU wants for a vIOMMU
            cmd += ["-device", "intel-iommu"]
        for i in range(1, ROOT_PORTS + 1):
            cmd += ["-device", "pcie-root-port,id=rp%d,bus=pcie.0,addr=0x%x,chassis=%d,slot=%d"
                    % (i, 0x0f + i, i, i)]
        guest = self._guest_args(initrd, [])
        # A loaded host makes TCG slow enough for the kernel's IO-APIC timer check to fail
        # ("IO-APIC + timer doesn't work", a panic at boot): skip the check, as VMs do.
        i = guest.index("-append") + 1
        guest[i] += " no_timer_check" + (" intel_iommu=on" if self.iommu else "")
        return cmd + list(extra) + guest

    def boot_guard(self, plugs, extra=()):
        """Boot; plugs: {marker name: [(qmp command, args)]} run when the guest asks."""
        self.qmp_path = os.path.join(self.work, "qmp.sock")
        if os.path.exists(self.qmp_path):
            os.unlink(self.qmp_path)
        initrd = self.build_initramfs({})
        t1 = time.monotonic()
        self.qemu_log = open(os.path.join(self.work, "qemu.stderr"), "w")
        self.vm = subprocess.Popen(self.qemu_cmd(initrd, extra), stdin=subprocess.DEVNULL,
                                   stdout=subprocess.PIPE, stderr=self.qemu_log)
        self._devs = []
        deadline = t1 + self.timeout
        hooks = {}
        for name, cmds in plugs.items():
            hooks["PLUG-" + name] = self._plugger(name, cmds, deadline)
        try:
            serial = self._stream(hooks, deadline)
        finally:
            if self.vm.poll() is None:
                self.vm.kill()
            self.vm.wait()
            self.qemu_log.close()
        t2 = time.monotonic()
        self.vm_seconds += t2 - t1
        with open(os.path.join(self.work, "serial.log"), "w") as f:
            f.write(serial)
        m = re.search(r"PG-VM: END uptime=([\d.]+)", serial)
        print("timing: VM boot to power-off %.1f s wall, guest uptime at end %s s"
              % (t2 - t1, m.group(1) if m else "?"))
        if not re.search(r"^PG-VM: EXIT 0$", serial, re.M) or not m:
            fail("the guest scenario did not complete (serial log: %s/serial.log; QEMU: %s)"
                 % (self.work, open(self.qemu_log.name).read()[-400:]))
        return serial

    def _plugger(self, name, cmds, deadline):
        def fn(_serial):
            if self.qmp is None:
                self.qmp = QMP(self.qmp_path, deadline)
            for c, args in cmds:
                self.qmp.cmd(c, retry_s=30, **args)
            print("  plugged %s" % name)
        return fn


# ---- parsing what the guest reported ---------------------------------------------------------

def states(serial):
    """[{name, bdf, present, driver, cmd, probe}] in order."""
    return vmlib.marker_values(serial, "state")


def first_state(serial, name):
    s = [x for x in states(serial) if x.get("name") == name]
    return s[0] if s else {}


def last_state(serial, name):
    s = [x for x in states(serial) if x.get("name") == name]
    return s[-1] if s else {}


def block(serial, name):
    m = re.search(r"PG-VM: %s BEGIN\n(.*?)PG-VM: %s END" % (name, name), serial, re.S)
    return m.group(1) if m else ""


def audit(serial):
    recs = []
    for line in block(serial, "AUDIT").splitlines():
        try:
            recs.append(json.loads(line))
        except ValueError:
            fail("audit line is not JSON: %r" % line[:160])
    return recs


def check(errs, cond, msg):
    if not cond:
        errs.append(msg)
    return cond


def quarantined(errs, st, name):
    check(errs, st.get("present") == "1" and st.get("driver") == "pci-stub" and
          st.get("cmd") == "0000" and st.get("probe") == "0" and int(st.get("stub", "0")) >= 1,
          "%s should be quarantined (pci-stub claimed it, Command 0000, no message of its "
          "driver): %r" % (name, st))


def decisions_of(recs, bdf):
    return [r for r in recs if r.get("event") == "decision" and r.get("bdf") == bdf]


def exposure(recs, errs, allowed=()):
    """Gate breaches and bus master before a decision, from the daemon's add/bind records."""
    bad = [r for r in recs if r.get("event") == "gate-breach"]
    early = [r for r in recs if r.get("event") in ("add", "bind", "present") and
             r.get("bdf") not in allowed and
             (r.get("bus_master") or r.get("driver") not in ("", "pci-stub"))]
    return bad, early


def report_times(recs):
    dec = [r for r in recs if r.get("event") == "decision" and "decide_us" in r]
    if not dec:
        return
    rd = sorted(r["read_us"] for r in recs if r.get("event") == "add" and "read_us" in r)
    if rd:
        print("  read_us     n=%d min %.0f median %.0f max %.0f us (sysfs read of the device at "
              "its add)" % (len(rd), rd[0], statistics.median(rd), rd[-1]))
    for key in ("decide_us", "process_us", "decision_us", "cpu_us"):
        v = sorted(r[key] for r in dec if key in r)
        if v:
            print("  %-11s n=%d min %.0f median %.0f max %.0f us" % (
                key, len(v), v[0], statistics.median(v), v[-1]))
    for r in dec:
        print("    %s %-10s by=%-11s how=%-14s decide %.0f us, action done %.0f us after "
              "the event, daemon CPU %.0f us" % (r["bdf"], r["action"], r["by"], r.get("how"),
                                                 r["decide_us"], r["process_us"],
                                                 r.get("cpu_us", -1)))


# ---- scenarios --------------------------------------------------------------------------------

def nic(i, mac=None):
    return [("device_add", dict({"driver": "e1000e", "id": "dev%d" % i, "bus": "rp%d" % i,
                                  "netdev": "n%d" % i}, **({"mac": mac} if mac else {})))]


def nvme(i, **kw):
    return [("device_add", dict({"driver": "nvme", "id": "dev%d" % i, "bus": "rp%d" % i,
                                  "serial": "pg%d" % i}, **kw))]


def scenario_plug(h):
    extra = []
    for i in (1, 3, 5, 7, 8, 9, 11):
        extra += ["-netdev", "user,id=n%d" % i]
    for i in (2, 4, 6):
        extra += ["-drive", "if=none,id=d%d,format=raw,file=%s" % (i, h.disk("d%d" % i))]
    plugs = {"q1-e1000e": nic(1), "q2-nvme": nvme(2, drive="d2"),
             "a3-e1000e": nic(3, "52:54:00:12:34:03"), "r4-nvme": nvme(4, drive="d4"),
             "r5-virtio": [("device_add", {"driver": "virtio-net-pci", "id": "dev5",
                                           "bus": "rp5", "netdev": "n5"})],
             "q6-nvme": nvme(6, drive="d6"), "q7-e1000e": nic(7), "q8-e1000e": nic(8),
             "m9-e1000e": nic(9), "m10-nvme": nvme(10), "m11-e1000e": nic(11),
             "m12-nvme": nvme(12)}
    serial = h.boot_guard(plugs, extra)
    errs = []
    recs = audit(serial)
    check(errs, re.search(r"PG-VM: arm-check rc=1", serial), "arm --check before the daemon "
          "should fail (not armed yet)")
    check(errs, re.search(r"PG-VM: arm-check-after rc=0", serial), "arm --check after the "
          "daemon started should pass (armed, verified)")
    check(errs, "pcigate: guard: gate armed now (verified: EEXIST)" in block(serial, "LOG"),
          "the daemon should have armed the gate itself: arm --check must not arm it")
    st = states(serial)
    first = {}
    for s in st:
        first.setdefault(s["name"], s)
    for n in ("q1", "q2", "q6", "q7", "m9", "m10", "m11", "m12"):
        quarantined(errs, first.get(n, {}), n + " after the plug")
    a3 = first.get("a3", {})
    check(errs, a3.get("driver") == "e1000e" and int(a3.get("cmd", "0"), 16) & 4,
          "a3 should be allowed by its rule (e1000e, bus master): %r" % a3)
    check(errs, re.search(r"PG-VM: dhcp name=a3 .*rc=0 lease of 10\.0\.2\.\d+", serial),
          "the NIC allowed by rule got no DHCP lease")
    # Every root port has a power controller: reject powers the slot off (QEMU ejects).
    for n, rule in (("r4", "slot 4"), ("r5", "opaque vendor registers")):
        s = first.get(n, {})
        check(errs, s.get("present") == "0", "%s should be gone: %r" % (n, s))
        d = decisions_of(recs, s.get("bdf"))
        check(errs, d and d[0]["action"] == "reject" and d[0]["how"] == "slot-power-off" and
              d[0].get("rule") == rule,
              "%s: expected a reject by rule '%s' (slot power-off): %r" % (n, rule, d))
    check(errs, re.search(r"PG-VM: allow name=q1 rc=0", serial) and
          re.search(r"PG-VM: allow name=q2 rc=0", serial), "allow by command failed")
    check(errs, re.search(r"PG-VM: allow-nodriver name=q7 rc=1", serial),
          "allow without a driver (and no allow rule) should be refused")
    check(errs, ("PG-VM: nvme-data " + DISK_MARK.decode()) in serial,
          "the NVMe namespace did not read back the disk's data")
    q = [s for s in st if s["name"] in ("q1", "q2")]
    check(errs, len(q) >= 6 and all(s["driver"] == ("e1000e" if s["name"] == "q1" else "nvme")
                                     for s in q[2:]),
          "q1/q2 should stay bound to their drivers after allow, stop and restart: %r" % q)
    check(errs, last_state(serial, "q6").get("driver") == "pci-stub" and
          last_state(serial, "q7").get("driver") == "pci-stub",
          "q6/q7 should stay quarantined across the restart")
    quarantined(errs, last_state(serial, "q8"), "q8 (plugged after the restart)")
    lst = block(serial, "LIST")
    bdf = {n: first.get(n, {}).get("bdf", "?") for n in first}
    check(errs, re.search(r"%s .*decision=allow by=command" % re.escape(bdf["q1"]), lst) and
          re.search(r"%s .*decision=allow by=command.* permanent" % re.escape(bdf["q2"]), lst)
          and re.search(r"%s .*quarantined.*decision=quarantine by=default" %
                        re.escape(bdf["q6"]), lst),
          "guard list after the restart lost decisions:\n" + lst)
    bad, early = exposure(recs, errs, allowed=())
    check(errs, not bad and not early, "exposure: breaches %r, early %r" % (bad, early))
    print("  plugs: %d, quarantined at plug: %d, gate breaches: %d, add/bind records with a "
          "driver other than pci-stub or bus master on: %d" % (
              len(plugs), sum(1 for n in first if n[0] in "qm"), len(bad), len(early)))
    report_times(recs)
    return errs


def scenario_failsafe(h):
    sub = ["-device", "nvme-subsys,id=subsys0"]
    extra = ["-netdev", "user,id=n1"] + sub
    plugs = {"f1-e1000e": nic(1, "52:54:00:12:34:11"),
             "u1-unplug": [("device_del", {"id": "dev1"})],
             "p1-replug": nic(1, "52:54:00:12:34:11"),
             "s1-nvme-sriov": nvme(2, subsys="subsys0", sriov_max_vfs=2,
                                   sriov_vq_flexible=4, sriov_vi_flexible=2,
                                   max_ioqpairs=6, msix_qsize=3),
             "v3-nvme-assign": nvme(3)}
    h.iommu = True
    serial = h.boot_guard(plugs, extra)
    errs = []
    recs = audit(serial)
    check(errs, re.search(r"PG-VM: check-bad rc=1", serial), "guard check should refuse the "
          "bad rule file")
    log = block(serial, "LOG")
    check(errs, "guard-rules-bad.yaml:4:5: error: an allow rule names the driver" in log and
          "fail closed" in log, "the daemon did not say why it fails closed:\n" + log)
    quarantined(errs, first_state(serial, "f1"), "f1 (rules invalid)")
    f1 = first_state(serial, "f1").get("bdf")
    d = decisions_of(recs, f1)
    check(errs, d and d[0]["by"] == "fail-closed" and "guard-rules-bad.yaml" in d[0].get("why", ""),
          "f1's decision should be fail-closed with the reason: %r" % d)
    check(errs, "# fail-closed" in block(serial, "LIST"), "list does not say fail-closed")
    s1 = last_state(serial, "s1")
    check(errs, s1.get("driver") == "nvme", "the SR-IOV PF should be allowed: %r" % s1)
    check(errs, re.search(r"PG-VM: numvfs rc=0", serial), "creating 2 VFs failed")
    for v in ("vf0", "vf1"):
        st = last_state(serial, v)
        quarantined(errs, st, v + " (created after arming)")
        d = decisions_of(recs, st.get("bdf"))
        check(errs, d and d[0]["rule"] == "virtual functions",
              "%s should be quarantined by the vf rule: %r" % (v, d))
    check(errs, re.search(r"PG-VM: allow name=f1 rc=0", serial) and
          last_state(serial, "u1").get("present") == "0",
          "f1 should be allowed permanently, then unplugged")
    p1 = last_state(serial, "p1")
    d = [r for r in decisions_of(recs, p1.get("bdf")) if r.get("by") == "permanent"]
    check(errs, p1.get("driver") == "e1000e" and d and d[0]["action"] == "allow",
          "the re-plugged NIC should be allowed by its permanent decision: %r %r" % (p1, d))
    v3 = last_state(serial, "v3")
    d = decisions_of(recs, v3.get("bdf"))
    check(errs, v3.get("driver") == "vfio-pci" and v3.get("cmd") == "0000" and d and
          d[0]["action"] == "assign" and d[0]["rule"] == "passthrough",
          "the NVMe behind port 00:12.0 with an IOMMU domain should be assigned to vfio-pci "
          "by rule: %r %r" % (v3, d))
    bad, early = exposure(recs, errs, allowed=(s1.get("bdf"),))
    check(errs, not bad and not early, "exposure: breaches %r, early %r" % (bad, early))
    report_times(recs)
    return errs


def scenario_order(h):
    serial = h.boot_guard({"o1-e1000e": nic(1)}, ["-netdev", "user,id=n1"])
    errs = []
    recs = audit(serial)
    arm = block(serial, "ARM")
    check(errs, re.search(r"ARM END rc=1", serial) and "order: WRONG" in arm and
          "registered before pci-stub (wins for what it matches): e1000e/e1000e" in arm and
          "NOT ARMED" in arm, "guard arm should refuse and name e1000e:\n" + arm)
    check(errs, "the gate is NOT armed" in block(serial, "LOG"), "the daemon did not report "
          "the unarmed gate")
    o1 = last_state(serial, "o1")
    breach = [r for r in recs if r.get("event") == "gate-breach" and r.get("bdf") == o1.get("bdf")]
    check(errs, breach and breach[0]["driver"] == "e1000e",
          "the e1000e binding should be audited as a gate breach: %r" % breach)
    check(errs, o1.get("driver") == "pci-stub" and int(o1.get("probe", "0")) > 0,
          "o1 should be taken back to pci-stub after e1000e probed it: %r" % o1)
    if breach:
        print("  gate breach seen: driver %s, Command 0x%04x (bus master %s)" % (
            breach[0]["driver"], breach[0]["command"], breach[0]["bus_master"]))
    report_times(recs)
    return errs


SCENARIOS = {"guard-plug": scenario_plug, "guard-failsafe": scenario_failsafe,
             "guard-order": scenario_order}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--scenario", required=True, choices=sorted(SCENARIOS))
    ap.add_argument("--pcigate", required=True)
    ap.add_argument("--source", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--corpus", default="")
    ap.add_argument("--timeout", type=int, default=150)
    a = ap.parse_args()
    h = GuardVM(a, a.scenario)
    errs = SCENARIOS[a.scenario](h)
    print("VM time: %.1f s" % h.vm_seconds)
    if errs:
        fail("\n  ".join([""] + errs))
    print("PASS: scenario %s" % a.scenario)
    return 0


if __name__ == "__main__":
    sys.exit(main())
