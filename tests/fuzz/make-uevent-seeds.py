#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Write the seed corpus of fuzz-uevent: kernel uevent messages as lib/kobject_uevent.c
sends them for PCI devices (add, bind, remove, an SR-IOV VF, another subsystem) and a
libudev-format message. usage: make-uevent-seeds.py DIR"""
import os
import sys

DP = "/devices/pci0000:00/0000:00:1c.0/0000:05:00.0"


def msg(action, devpath, fields):
    return ("%s@%s\0" % (action, devpath) + "".join(f + "\0" for f in
            ["ACTION=" + action, "DEVPATH=" + devpath] + fields)).encode()


PCI = ["SUBSYSTEM=pci", "PCI_CLASS=20000", "PCI_ID=8086:10D3", "PCI_SUBSYS_ID=8086:0000",
       "PCI_SLOT_NAME=0000:05:00.0", "MODALIAS=pci:v00008086d000010D3sv00008086sd00000000bc02sc00i00"]
SEEDS = {
    "add": msg("add", DP, PCI + ["SEQNUM=2411"]),
    "bind-stub": msg("bind", DP, ["DRIVER=pci-stub"] + PCI + ["SEQNUM=2412"]),
    "bind-e1000e": msg("bind", DP, ["DRIVER=e1000e"] + PCI + ["SEQNUM=2413"]),
    "remove": msg("remove", DP, PCI + ["SEQNUM=2414"]),
    "vf-add": msg("add", "/devices/pci0000:00/0000:00:11.0/0000:02:00.1",
                  ["SUBSYSTEM=pci", "PCI_CLASS=10802", "PCI_ID=1B36:0010",
                   "PCI_SLOT_NAME=0000:02:00.1", "SEQNUM=9"]),
    "usb": msg("add", "/devices/pci0000:00/0000:00:14.0/usb1/1-1",
               ["SUBSYSTEM=usb", "DEVTYPE=usb_device", "SEQNUM=10"]),
    "libudev": b"libudev\0\xfe\xed\xca\xfe" + b"\0" * 32 + msg("add", DP, PCI),
}

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
for name, data in SEEDS.items():
    with open(os.path.join(out, name), "wb") as f:
        f.write(data)
