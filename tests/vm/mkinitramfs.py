#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Build the guest initramfs of the VM harness as a newc cpio archive, without root.

Writing the archive ourselves lets it hold the device nodes the kernel needs before /init
runs (/dev/console, /dev/null) with no mknod, no mount and no root. Contents: a static
busybox, the given dynamic binaries (lspci, setpci) with every shared library `ldd` names,
pci.ids, /init and the scenario scripts.
Static binaries (the guest helper) are copied alone.
Kernel modules (--kmod NAME, from the unpacked guest kernel tree --kmod-root) are copied with
every module they depend on, under lib/modules/VERSION/, with a modules.dep listing just those,
so that busybox `modprobe NAME` works in the guest.

usage: mkinitramfs.py OUT --busybox PATH --init FILE [--bin PATH]... [--file SRC:DST]...
                      [--kmod-root DIR --kmod NAME...]
"""
import argparse
import os
import re
import stat
import subprocess
import sys


class Cpio:
    def __init__(self, f):
        self.f = f
        self.ino = 1
        self.seen = set()

    def _entry(self, name, mode, data=b"", rdev=(0, 0)):
        name_b = name.encode() + b"\0"
        hdr = "070701" + "".join("%08x" % v for v in (
            self.ino, mode, 0, 0, 1, 0, len(data), 0, 0, rdev[0], rdev[1], len(name_b), 0))
        self.ino += 1
        self.f.write(hdr.encode() + name_b)
        self.f.write(b"\0" * ((4 - (110 + len(name_b)) % 4) % 4))
        self.f.write(data)
        self.f.write(b"\0" * ((4 - len(data) % 4) % 4))

    def dirs(self, path):
        parts = path.strip("/").split("/")[:-1]
        for i in range(1, len(parts) + 1):
            d = "/".join(parts[:i])
            if d and d not in self.seen:
                self.seen.add(d)
                self._entry(d, stat.S_IFDIR | 0o755)

    def add_dir(self, path):
        self.dirs(path + "/x")

    def add_file(self, path, data, mode=0o755):
        path = path.strip("/")
        if path in self.seen:
            return
        self.dirs(path)
        self.seen.add(path)
        self._entry(path, stat.S_IFREG | mode, data)

    def add_link(self, path, target):
        path = path.strip("/")
        self.dirs(path)
        self.seen.add(path)
        self._entry(path, stat.S_IFLNK | 0o777, target.encode())

    def add_chr(self, path, major, minor):
        path = path.strip("/")
        self.dirs(path)
        self.seen.add(path)
        self._entry(path, stat.S_IFCHR | 0o600, b"", (major, minor))

    def close(self):
        self._entry("TRAILER!!!", 0)


def libs_of(binary):
    """Absolute paths of the shared libraries (and the loader) `ldd` lists for binary."""
    out = subprocess.run(["ldd", binary], capture_output=True, text=True)
    if "not a dynamic executable" in out.stdout + out.stderr:
        return []  # static (busybox, the guest helper)
    if out.returncode != 0:
        sys.exit("mkinitramfs: ldd %s failed: %s" % (binary, out.stderr.strip()))
    libs = []
    for line in out.stdout.splitlines():
        m = re.search(r"(/\S+)\s+\(0x", line)
        if m:
            libs.append(m.group(1))
    return libs


def kmod_closure(root, names):
    """(version, [(relpath, [deprelpaths])]) for names and everything they depend on.

    root is the unpacked kernel package (ROOT/lib/modules/VERSION/...). modules.dep is made
    with `depmod -b ROOT VERSION` when the tree has none yet (install-vm-deps.sh makes it).
    A name that is built into the kernel (modules.builtin) needs no file and is skipped; an
    unknown name is an error that names it."""
    mdir = os.path.join(root, "lib", "modules")
    vers = sorted(os.listdir(mdir)) if os.path.isdir(mdir) else []
    if len(vers) != 1:
        sys.exit("mkinitramfs: expected one kernel under %s, found %r" % (mdir, vers))
    ver = vers[0]
    base = os.path.join(mdir, ver)
    dep = os.path.join(base, "modules.dep")
    if not os.path.exists(dep):
        subprocess.run(["depmod", "-b", root, ver], check=True, timeout=120)
    norm = lambda n: n.replace("-", "_")
    deps, by_name = {}, {}
    with open(dep) as f:
        for line in f:
            mod, _, rest = line.partition(":")
            deps[mod] = rest.split()
            stem = os.path.basename(mod).split(".ko")[0]
            by_name[norm(stem)] = mod
    builtin = set()
    bpath = os.path.join(base, "modules.builtin")
    if os.path.exists(bpath):
        with open(bpath) as f:
            builtin = {norm(os.path.basename(l.strip()).split(".ko")[0]) for l in f}
    todo, out = [], {}
    for n in names:
        if norm(n) in by_name:
            todo.append(by_name[norm(n)])
        elif norm(n) not in builtin:
            sys.exit("mkinitramfs: no kernel module %s in %s" % (n, base))
    while todo:  # bounded: each module of modules.dep is taken at most once
        m = todo.pop()
        if m in out:
            continue
        out[m] = deps.get(m, [])
        todo.extend(out[m])
    return ver, base, sorted(out.items())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--busybox", required=True)
    ap.add_argument("--init", required=True)
    ap.add_argument("--bin", action="append", default=[])
    ap.add_argument("--file", action="append", default=[])
    ap.add_argument("--kmod-root")
    ap.add_argument("--kmod", action="append", default=[])
    a = ap.parse_args()
    if a.kmod and not a.kmod_root:
        ap.error("--kmod needs --kmod-root")

    with open(a.out + ".tmp", "wb") as f:
        c = Cpio(f)
        for d in ("dev", "proc", "sys", "tmp", "bin", "sbin", "usr/bin", "usr/sbin"):
            c.add_dir(d)
        c.add_chr("dev/console", 5, 1)
        c.add_chr("dev/null", 1, 3)
        c.add_chr("dev/ttyS0", 4, 64)
        c.add_file("bin/busybox", open(a.busybox, "rb").read())
        c.add_link("bin/sh", "busybox")
        c.add_file("init", open(a.init, "rb").read())
        for b in a.bin:
            c.add_file("usr/bin/" + os.path.basename(b), open(b, "rb").read())
            for lib in libs_of(b):
                real = os.path.realpath(lib)
                c.add_file(real, open(real, "rb").read())
                if real != lib.lstrip("/") and os.path.abspath(lib) != real:
                    c.add_link(lib, real)
        for spec in a.file:
            src, dst = spec.split(":", 1)
            c.add_file(dst, open(os.path.realpath(src), "rb").read(), 0o644)
        if a.kmod:
            ver, base, mods = kmod_closure(a.kmod_root, a.kmod)
            lines = []
            for mod, mdeps in mods:
                c.add_file("lib/modules/%s/%s" % (ver, mod),
                           open(os.path.join(base, mod), "rb").read(), 0o644)
                lines.append("%s: %s\n" % (mod, " ".join(mdeps)))
            c.add_file("lib/modules/%s/modules.dep" % ver, "".join(lines).encode(), 0o644)
        c.close()
    os.replace(a.out + ".tmp", a.out)


if __name__ == "__main__":
    main()
