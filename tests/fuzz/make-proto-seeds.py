#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Write the seed corpus of fuzz-proto (tests/fuzz/corpus/fuzz-proto/): QEMU 7.2's realize
sequence and one file per kind of hostile message, in fuzz-proto's chunk format
([ctl][bytes]: ctl bits 0..5 = length - 1, bits 6..7 = fds, 3 = count byte follows;
see fuzz-proto.c). Deterministic: re-running rewrites the same files.

usage: make-proto-seeds.py OUTDIR
"""
import os
import struct
import sys

SYNC, RET, CFGW, CFGR, BARW, BARR, IRQFD, RESET = range(8)


def msg(cmd, payload=b"", size=None):
    return struct.pack("<iIQ", cmd, 0, len(payload) if size is None else size) + payload


def cfg(write, addr, val, ln):
    return msg(CFGW if write else CFGR, struct.pack("<IIi", addr, val, ln))


def bar(write, addr, val, size, memory=1):
    return msg(BARW if write else BARR, struct.pack("<QQIB3x", addr, val, size, memory))


def sysmem(regions):
    gpa = [r[0] for r in regions] + [0] * (8 - len(regions))
    size = [r[1] for r in regions] + [0] * (8 - len(regions))
    off = [r[2] for r in regions] + [0] * (8 - len(regions))
    return msg(SYNC, struct.pack("<24Q", *(gpa + size + off)))


def chunks(data, nfds=0, kinds=0, step=64):
    """Encode one message as chunks, fds on the first read."""
    out = b""
    first = True
    for i in range(0, len(data), step):
        part = data[i:i + step]
        fd = 0
        extra = b""
        if first and nfds:
            if nfds in (1, 2) and not kinds:
                fd = nfds
            else:
                fd, extra = 3, bytes([(kinds << 4) | nfds])
        out += bytes([(fd << 6) | (len(part) - 1)]) + extra + part
        first = False
    return out


RAM = [(0, 0xA0000, 0), (0x100000, 0x100000, 0x100000)]


def realize():
    s = chunks(sysmem(RAM), 2)
    s += chunks(msg(IRQFD), 2, kinds=0b11)
    for a in (0x00, 0x02, 0x0A, 0x2E):
        s += chunks(cfg(False, a, 0, 2))
    for i in range(7):
        r = 0x10 + 4 * i
        s += chunks(cfg(False, r, 0, 4)) + chunks(cfg(True, r, 0xFFFFFFFF, 4))
        s += chunks(cfg(False, r, 0, 4)) + chunks(cfg(True, r, 0, 4))
    s += chunks(sysmem(RAM), 2) + chunks(msg(RESET))
    s += chunks(cfg(True, 0x04, 0x0006, 2)) + chunks(bar(True, 0x100010, 0x1122, 4))
    s += chunks(bar(False, 0x100010, 0, 4)) + chunks(bar(False, 0x100008, 0, 8))
    s += chunks(bar(False, 0xC000, 0, 2, memory=0))
    return s


SEEDS = {
    "realize": realize(),
    "short-reads": chunks(cfg(False, 0, 0, 4), step=1) + chunks(msg(RESET), step=3),
    "unknown-cmd": chunks(msg(9)),
    "ret-from-vmm": chunks(msg(RET, struct.pack("<Q", 5))),
    "oversize": chunks(msg(CFGR, b"", size=193)),
    "cfg-len3": chunks(cfg(False, 0, 0, 3)),
    "cfg-misaligned": chunks(cfg(False, 2, 0, 4)),
    "cfg-beyond": chunks(cfg(False, 0xFFFFFFFC, 0, 4)),
    "cfg-write-fail": chunks(cfg(True, 0xFC, 1, 4)),
    "bar-bool": chunks(bar(False, 0x1000, 0, 4, memory=7)),
    "fds-on-cfg": chunks(cfg(False, 0, 0, 4), 1),
    "sysmem-9fds": chunks(sysmem(RAM), 9),
    "sysmem-eventfd": chunks(sysmem(RAM), 2, kinds=0b10),
    "sysmem-overlap": chunks(sysmem([(0, 0x2000, 0), (0x1000, 0x1000, 0)]), 2),
    "sysmem-beyond": chunks(sysmem([(0, 0x400000, 0)]), 1),
    "sysmem-repeat": b"".join(chunks(sysmem(RAM), 2) for _ in range(6)),
    "irqfd-1fd": chunks(msg(IRQFD), 1),
    "eof-mid-header": chunks(msg(RESET)[:9]),
    "eof-mid-payload": chunks(cfg(False, 0, 0, 4)[:20]),
}


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for name, data in SEEDS.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
