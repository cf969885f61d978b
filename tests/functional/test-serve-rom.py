#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""`pcigate serve --rom-size N`: the ROM BAR a server shows for a ROM file QEMU serves
itself (`-device x-pci-proxy-dev,...,romfile=F,romsize=N`; docs/serve.md, "Expansion
ROM"), seen from a peer playing QEMU over the mpqemu socket.

usage: test-serve-rom.py PCIGATE DUMP        exit 0 pass, 1 fail

Each row: --rom-size as given, the value the ROM register (0x30) reads after the guest's
sizing write of 0xfffff800 (PCI 3.0 §6.2.5.2: the size mask, enable bit clear), and after
writing an address with the enable bit. Without --rom-size the ROM stays hidden (reads 0):
QEMU 7.2's proxy cannot show the device's own ROM. In every case the backend trace shows no
write to the device's ROM register. Bad sizes are usage errors (exit 2).
"""
import json
import os
import sys
import tempfile

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mpqemu import cfg_read, cfg_write, serve  # noqa: E402

ROWS = [  # --rom-size, after sizing, after 0xfe000001
    (None, 0x00000000, 0x00000000),
    ("2K", 0xfffff800, 0xfe000001),
    ("65536", 0xffff0000, 0xfe000001),
    ("16M", 0xff000000, 0xfe000001),
]
BAD = ["1K", "3K", "32M", "4KB", "-2K", ""]


def main():
    pcigate, dump = sys.argv[1:3]
    failures = []
    sandbox = [] if os.geteuid() == 0 else ["--no-sandbox"]
    with tempfile.TemporaryDirectory() as tmp:
        os.chmod(tmp, 0o777)  # the sandboxed server writes its trace as nobody
        for size, sized, placed in ROWS:
            trace = os.path.join(tmp, "trace-%s.jsonl" % size)
            got = {}

            def talk(sk):
                got["sized"] = (cfg_write(sk, 0x30, 0xfffff800), cfg_read(sk, 0x30))
                got["placed"] = (cfg_write(sk, 0x30, 0xfe000001), cfg_read(sk, 0x30))

            extra = (["--rom-size", size] if size else []) + ["--trace-backend", trace]
            rc, _, err = serve(pcigate, dump, extra + sandbox, talk)
            label = "--rom-size %s" % size if size else "no --rom-size"
            if rc != 0:
                failures.append("%s: exit %d: %s" % (label, rc, err[-300:]))
            if got.get("sized", (None, None))[1] != sized:
                failures.append("%s: sizing read %s, expected %#010x" % (label, got, sized))
            if got.get("placed", (None, None))[1] != placed:
                failures.append("%s: address read %s, expected %#010x" % (label, got,
                                                                         placed))
            recs = [json.loads(line) for line in open(trace)] if os.path.exists(trace) else []
            if not recs:
                failures.append("%s: no backend trace" % label)
            rom = [r for r in recs if r.get("trace") == "cfg-write" and
                   0x30 <= r.get("off", -1) < 0x34]
            if rom:
                failures.append("%s: the device's ROM register was written: %s" % (label, rom))
            print("%s: sizing -> %s, address -> %s" % (label, got.get("sized"),
                                                        got.get("placed")))
        for size in BAD:
            rc, _, err = serve(pcigate, dump, ["--rom-size", size] + sandbox, lambda sk: None)
            if rc != 2 or "--rom-size '%s': expected a power of two" % size not in err:
                failures.append("--rom-size %r: exit %d, %r" % (size, rc, err))
    for f in failures:
        print("FAIL: " + f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
