#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""`pcigate serve --syslog` and `pcigate launch --syslog` end to end: the records a real
glibc syslog(3) sends, read from a private /dev/log.

usage: test-serve-syslog.py PCIGATE DUMP        exit 0 pass, 1 fail, 77 skip

glibc's syslog(3) always writes to /dev/log, so the test re-runs itself in a private mount
namespace (`unshare --mount`, or `--user --map-root-user --mount` when not root) where /dev
is a fresh tmpfs holding only the device nodes a server needs and the test's own datagram
socket at /dev/log. The host's /dev and its syslog configuration are never touched: the
mounts vanish with the namespace.

Cases (each asserts ident, facility daemon, severity, the server's pid and the text, and
that the messages left stderr):
  eof      serve --syslog --verbose, sandboxed as root: one config read, then the peer
           closes; exit 0, the message summary at LOG_INFO (sent after the sandbox is in
           place: the socket was connected before it).
  bad      serve --syslog: an unknown command; exit 1, "closing the connection after
           message 1" at LOG_ERR and "device quiesced" at LOG_NOTICE.
  quiet    serve --syslog without --verbose: no LOG_INFO record.
  launch   launch --syslog --verbose with a stand-in QEMU that exits at once: the server's
           records carry the ident pcigate-launch.
"""
import os
import re
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mpqemu import msg, recv_exact, serve  # noqa: E402

LOG_DAEMON = 3
LOG_ERR, LOG_WARNING, LOG_NOTICE, LOG_INFO = 3, 4, 5, 6
# RFC 3164 as glibc writes it: <PRI>Mmm dd hh:mm:ss IDENT[PID]: TEXT
RECORD = re.compile(r"^<(\d+)>[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d ([\w.-]+)\[(\d+)\]: (.*)$",
                    re.S)
NODES = ("null", "zero", "full", "random", "urandom")
failures = []


def check(cond, msg):
    if not cond:
        failures.append(msg)
    return cond


def reexec_in_namespace():
    """Run this script again in a private mount namespace; returns its exit status."""
    unshare = shutil.which("unshare")
    if not unshare:
        print("SKIP: unshare (util-linux) not found")
        return 77
    cmd = [unshare, "--mount", "--propagation", "private"]
    if os.geteuid() != 0:
        cmd[1:1] = ["--user", "--map-root-user"]
    probe = subprocess.run(cmd + ["true"], capture_output=True, text=True)
    if probe.returncode != 0:
        print("SKIP: cannot make a private mount namespace (%s): %s"
              % (" ".join(cmd[1:]), probe.stderr.strip()))
        return 77
    env = dict(os.environ, PG_SYSLOG_TEST_NS="root" if os.geteuid() == 0 else "user")
    return subprocess.run(cmd + [sys.executable] + sys.argv, env=env).returncode


def private_dev():
    """/dev as a tmpfs with the usual nodes bound from the real one, and no /dev/log.
    The real /dev is reachable through a bind mount only while the nodes are bound, then
    unmounted: nothing later (no cleanup) can walk into the host's devtmpfs."""
    old = tempfile.mkdtemp(prefix="pg-syslog-olddev.")
    subprocess.run(["mount", "--bind", "/dev", old], check=True)
    try:
        subprocess.run(["mount", "-t", "tmpfs", "-o", "mode=0755", "pg-syslog-test", "/dev"],
                       check=True)
        for n in NODES:
            open("/dev/" + n, "w").close()
            subprocess.run(["mount", "--bind", os.path.join(old, n), "/dev/" + n], check=True)
        os.symlink("/proc/self/fd", "/dev/fd")
    finally:
        subprocess.run(["umount", "-l", old], check=True)
    if os.path.ismount(old):
        raise SystemExit("FAIL: the real /dev is still bound at %s" % old)
    os.rmdir(old)  # empty again: never a recursive removal here


class Syslog:
    """A datagram socket at /dev/log collecting what arrives (glibc tries SOCK_DGRAM
    first)."""

    def __init__(self):
        self.sk = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sk.bind("/dev/log")
        os.chmod("/dev/log", 0o666)
        self.sk.setblocking(False)

    def drain(self, settle=0.5):
        """Every record received so far (waiting settle seconds for stragglers)."""
        out, end = [], time.monotonic() + settle
        while time.monotonic() < end:
            try:
                out.append(self.sk.recv(4096).decode("utf-8", "replace"))
                end = time.monotonic() + settle
            except BlockingIOError:
                time.sleep(0.02)
        return out


def parse(records):
    rows = []
    for r in records:
        m = RECORD.match(r)
        if check(m, "record not in syslog format: %r" % r):
            pri = int(m.group(1))
            rows.append({"facility": pri >> 3, "severity": pri & 7, "ident": m.group(2),
                         "pid": int(m.group(3)), "text": m.group(4)})
    return rows


def expect(rows, ident, pid, severity, pattern, label):
    hit = [r for r in rows if r["severity"] == severity and re.search(pattern, r["text"])]
    if check(hit, "%s: no severity-%d record matching %r in %s" % (label, severity, pattern,
                                                                   rows)):
        r = hit[0]
        check(r["ident"] == ident, "%s: ident %r, expected %r" % (label, r["ident"], ident))
        check(r["facility"] == LOG_DAEMON, "%s: facility %d, expected daemon (3)"
              % (label, r["facility"]))
        check(pid is None or r["pid"] == pid, "%s: pid %d, expected the server's %s"
              % (label, r["pid"], pid))


def case_eof(pcigate, dump, log, sandboxed):
    def talk(sk):
        sk.sendall(msg(3, struct.pack("<IIi", 0, 0, 4)))  # PCI_CFGREAD of the IDs
        hdr = recv_exact(sk, 24)
        check(len(hdr) == 24 and struct.unpack("<i", hdr[:4])[0] == 1,
              "eof: no RET for the config read: %r" % hdr)
    extra = ["--syslog", "--verbose"] + ([] if sandboxed else ["--no-sandbox"])
    rc, pid, err = serve(pcigate, dump, extra, talk)
    rows = parse(log.drain())
    check(rc == 0, "eof: exit %d, expected 0; stderr %r" % (rc, err))
    expect(rows, "pcigate-serve", pid, LOG_INFO, r": 1 messages: cfg 1 R / 0 W", "eof")
    check("messages: cfg" not in err, "eof: the summary went to stderr too: %r" % err)
    print("eof (%s): %d records, e.g. %r" % ("sandboxed" if sandboxed else "no sandbox",
                                            len(rows), rows[-1]["text"] if rows else None))


def case_bad(pcigate, dump, log, sandboxed):
    extra = ["--syslog"] + ([] if sandboxed else ["--no-sandbox"])
    rc, pid, err = serve(pcigate, dump, extra, lambda sk: sk.sendall(msg(99)))
    rows = parse(log.drain())
    check(rc == 1, "bad: exit %d, expected 1; stderr %r" % (rc, err))
    expect(rows, "pcigate-serve", pid, LOG_ERR, r"closing the connection after message 1: ",
           "bad")
    expect(rows, "pcigate-serve", pid, LOG_NOTICE, r": device quiesced", "bad")
    check("closing the connection" not in err, "bad: the error went to stderr too: %r" % err)
    print("bad: %s" % [(r["severity"], r["text"][:60]) for r in rows])


def case_quiet(pcigate, dump, log, sandboxed):
    extra = ["--syslog"] + ([] if sandboxed else ["--no-sandbox"])
    rc, _, err = serve(pcigate, dump, extra, lambda sk: None)
    rows = parse(log.drain())
    check(rc == 0, "quiet: exit %d; stderr %r" % (rc, err))
    check(not [r for r in rows if r["severity"] == LOG_INFO],
          "quiet: LOG_INFO records without --verbose: %s" % rows)


def case_launch(pcigate, dump, log, tmp):
    qemu = os.path.join(tmp, "qemu")
    with open(qemu, "w") as f:
        f.write("#!/bin/sh\nexit 0\n")
    os.chmod(qemu, 0o755)
    env = dict(os.environ, ASAN_OPTIONS="detect_leaks=0")
    p = subprocess.run([pcigate, "launch", "--syslog", "--verbose", "--no-sandbox", "--qemu",
                        qemu, "--device", dump, "--", "-nographic"], capture_output=True,
                       text=True, timeout=60, env=env)
    rows = parse(log.drain())
    check(p.returncode == 0, "launch: exit %d; stderr %r" % (p.returncode, p.stderr))
    expect(rows, "pcigate-launch", None, LOG_INFO, r": 0 messages: cfg 0 R / 0 W", "launch")
    check(not [r for r in rows if r["ident"] != "pcigate-launch"],
          "launch: records with another ident: %s" % rows)


def main():
    if len(sys.argv) != 3:
        print(__doc__)
        return 1
    if not os.environ.get("PG_SYSLOG_TEST_NS"):
        return reexec_in_namespace()
    pcigate, dump = (os.path.abspath(a) for a in sys.argv[1:])
    # the sandbox drops root to nobody: only with real root (not a mapped one)
    sandboxed = os.environ["PG_SYSLOG_TEST_NS"] == "root"
    with tempfile.TemporaryDirectory() as tmp:
        private_dev()
        log = Syslog()
        case_eof(pcigate, dump, log, sandboxed)
        case_bad(pcigate, dump, log, sandboxed)
        case_quiet(pcigate, dump, log, sandboxed)
        case_launch(pcigate, dump, log, tmp)
    for f in failures:
        print("FAIL: " + f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
