# SPDX-License-Identifier: GPL-2.0-or-later
"""A minimal QEMU 7.2 mpqemu peer for functional tests of `pcigate serve --fd` (the wire
format of docs/serve.md, "The mpqemu protocol": a header {int cmd; size_t size} padded to
16 bytes, then size payload bytes; replies are RET with a u64)."""
import os
import socket
import struct
import subprocess

RET, CFGWRITE, CFGREAD = 1, 2, 3


def msg(cmd, payload=b""):
    return struct.pack("<iIQ", cmd, 0, len(payload)) + payload


def recv_exact(sk, n):
    buf = b""
    while len(buf) < n:
        chunk = sk.recv(n - len(buf))
        if not chunk:
            break
        buf += chunk
    return buf


def ret(sk):
    """The u64 of the next RET, or None when the server sent something else or closed."""
    b = recv_exact(sk, 24)
    if len(b) != 24 or struct.unpack("<i", b[:4])[0] != RET:
        return None
    return struct.unpack("<Q", b[16:24])[0]


def cfg_read(sk, addr, size=4):
    sk.sendall(msg(CFGREAD, struct.pack("<IIi", addr, 0, size)))
    return ret(sk)


def cfg_write(sk, addr, val, size=4):
    sk.sendall(msg(CFGWRITE, struct.pack("<IIi", addr, val, size)))
    return ret(sk)


def serve(pcigate, dump, extra, talk):
    """Run `pcigate serve --device DUMP --fd N EXTRA...`, let talk(sock) play QEMU, close
    the socket; returns (exit status, pid, stderr text)."""
    ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    env = dict(os.environ, ASAN_OPTIONS="detect_leaks=0")  # no LSan under seccomp
    p = subprocess.Popen([pcigate, "serve", "--device", dump, "--fd", str(theirs.fileno())]
                         + extra, pass_fds=(theirs.fileno(),), stdin=subprocess.DEVNULL,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    theirs.close()
    ours.settimeout(30)
    try:
        talk(ours)
    finally:
        ours.close()
    try:
        _, err = p.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        p.kill()
        _, err = p.communicate()
    return p.returncode, p.pid, err.decode("utf-8", "replace")
