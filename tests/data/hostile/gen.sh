#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# gen.sh - regenerate the hostile config spaces in this folder.
#
# Each device below is built from a small recipe (a zeroed buffer plus register writes) and
# written as NAME.txt in `lspci -x` text format (what pg_dump_read_file() and `lspci -F`
# read) together with NAME.expect, the diagnostics pcigate must report for it, one
# "CODE OFFSET" per line (names from pg_diag_name()). The expectations are written here by
# hand from the PCI rules, next to the bytes that provoke them; they are not produced by
# running pcigate. The test (tests/functional/test-hostile.c) reads the committed .txt and
# .expect files only, so this script is needed only to change or add a case.
#
# Usage: sh gen.sh [OUTDIR]   (default: the directory holding this script; the functional
#                             test hostile-gen regenerates into a temporary OUTDIR and
#                             checks the committed files are what this script makes)
#
# Recipe language (one command per line, numbers in C syntax: 0x.. or decimal):
#   dev NAME LEN                 start a device of LEN bytes (a multiple of 16)
#   note TEXT...                 a comment line inside the device block, e.g.
#                                "note # pcigate: bar0=4K" (BAR-size annotation)
#   ep DEVID | bridge DEVID      standard type-0 / type-1 header, Status.CAP_LIST set
#   w8|w16|w32 OFF VAL           little-endian register write (ignored beyond LEN)
#   fill OFF N VAL               N bytes of VAL
#   pm|msi|msi64 OFF NEXT        a plain PM / 32-bit MSI / 64-bit MSI capability
#   msix OFF NEXT N TBIR TOFF PBIR POFF   MSI-X with N entries, table and PBA locations
#   pcie OFF NEXT                a PCIe v2 Endpoint capability (enables extended space)
#   cap OFF ID NEXT              a bare standard capability header
#   ecap OFF ID VER NEXT         a raw extended capability header
#   dsn OFF NEXT                 Device Serial Number extended capability (12 bytes)
#   schain FROM TO ID LAST       standard caps every 4 bytes FROM..TO, the last -> LAST
#   echain FROM TO ID LOWBITS LAST  extended caps every 4 bytes, next |= LOWBITS
#   expect CODE OFF              one expected diagnostic
#   expect_range CODE FROM TO STEP  one expected diagnostic per offset FROM..TO
#   end                          write NAME.txt and NAME.expect
set -eu
out=$(cd "${1:-$(dirname "$0")}" && pwd)

awk -v out="$out" '
function num(s,    v, i, c, d) {
	s = tolower(s)
	if (substr(s, 1, 2) != "0x")
		return s + 0
	v = 0
	for (i = 3; i <= length(s); i++) {
		c = substr(s, i, 1)
		d = index("0123456789abcdef", c) - 1
		if (d < 0) { print "gen.sh: bad number " s > "/dev/stderr"; exit 1 }
		v = v * 16 + d
	}
	return v
}
# H("1b36"): a hex constant (awk has no hex literals)
function H(s) { return num("0x" s) }
function w8(o, v) { if (o < len) b[o] = v % 256 }
function w16(o, v) { w8(o, v % 256); w8(o + 1, int(v / 256) % 256) }
function w32(o, v) { w16(o, v % 65536); w16(o + 2, int(v / 65536) % 65536) }
function hdr(devid, type, class) {
	w16(H("00"), H("1b36")); w16(H("02"), devid)
	w16(H("04"), H("0006"))            # memory decode + bus master
	w16(H("06"), H("0010"))            # Status.CAP_LIST
	w8(H("08"), H("01"))               # revision
	w8(H("09"), class % 256); w8(H("0a"), int(class / 256) % 256); w8(H("0b"), int(class / 65536))
	w8(H("0e"), type)
}
function ecaphdr(o, id, ver, nxt) { w32(o, id + ver * 65536 + nxt * 1048576) }
function cmd(    i, o, n) {
	if ($1 == "dev") {
		name = $2; len = num($3); nnote = 0; nexp = 0
		for (i = 0; i < len; i++) b[i] = 0
	} else if ($1 == "note") {
		notes[nnote++] = substr($0, index($0, $2))
	} else if ($1 == "ep") {
		hdr(num($2), H("00"), H("ff0000"))
		w16(H("2c"), H("1af4")); w16(H("2e"), H("1100")); w8(H("3d"), H("01"))
	} else if ($1 == "bridge") {
		hdr(num($2), H("01"), H("060400"))
		w8(H("18"), H("00")); w8(H("19"), H("01")); w8(H("1a"), H("01"))   # bus numbers
	} else if ($1 == "w8") { w8(num($2), num($3))
	} else if ($1 == "w16") { w16(num($2), num($3))
	} else if ($1 == "w32") { w32(num($2), num($3))
	} else if ($1 == "fill") {
		o = num($2); n = num($3)
		for (i = 0; i < n; i++) w8(o + i, num($4))
	} else if ($1 == "pm") {
		o = num($2); w8(o, H("01")); w8(o + 1, num($3)); w16(o + 2, H("0003"))   # PMC v3
	} else if ($1 == "msi") {
		o = num($2); w8(o, H("05")); w8(o + 1, num($3)); w16(o + 2, H("0000"))
	} else if ($1 == "msi64") {
		o = num($2); w8(o, H("05")); w8(o + 1, num($3)); w16(o + 2, H("0080"))
		w32(o + 4, H("fee00000"))
	} else if ($1 == "msix") {
		o = num($2); w8(o, H("11")); w8(o + 1, num($3)); w16(o + 2, num($4) - 1)
		w32(o + 4, num($6) + num($5)); w32(o + 8, num($8) + num($7))
	} else if ($1 == "pcie") {
		o = num($2); w8(o, H("10")); w8(o + 1, num($3))
		w16(o + H("02"), H("0002"))      # version 2, Endpoint
		w32(o + H("04"), H("00008001"))  # DevCap: MPS 256, role-based error reporting
		w16(o + H("08"), H("2810"))      # DevCtl: MRRS 512, MPS 128, relaxed ordering
		w32(o + H("0c"), H("00000443"))  # LnkCap: 8 GT/s x4, ASPM L0s
		w16(o + H("12"), H("0043"))      # LnkSta: 8 GT/s x4
	} else if ($1 == "cap") {
		o = num($2); w8(o, num($3)); w8(o + 1, num($4))
	} else if ($1 == "ecap") {
		ecaphdr(num($2), num($3), num($4), num($5))
	} else if ($1 == "dsn") {
		o = num($2); ecaphdr(o, H("0003"), 1, num($3))
		w32(o + 4, H("44332211")); w32(o + 8, H("88776655"))
	} else if ($1 == "schain") {
		for (o = num($2); o <= num($3); o += 4) {
			w8(o, num($4)); w8(o + 1, o == num($3) ? num($5) : o + 4)
		}
	} else if ($1 == "echain") {
		for (o = num($2); o <= num($3); o += 4)
			ecaphdr(o, num($4), 1, (o == num($3) ? num($6) : o + 4) + num($5))
	} else if ($1 == "expect") {
		ex[nexp++] = $2 " " $3
	} else if ($1 == "expect_range") {
		for (o = num($3); o <= num($4); o += num($5))
			ex[nexp++] = sprintf("%s 0x%03x", $2, o)
	} else if ($1 == "end") {
		emit()
	} else {
		print "gen.sh: line " NR ": unknown command " $1 > "/dev/stderr"; exit 1
	}
}
function emit(    f, i, o, line) {
	f = out "/" name ".txt"
	printf("00:01.0 Unassigned class [ff00]: pcigate hostile device %s [1b36:%02x%02x]\n",
	       name, b[3], b[2]) > f
	for (i = 0; i < nnote; i++) print notes[i] > f
	for (o = 0; o < len; o += 16) {
		line = sprintf(o < 256 ? "%02x:" : "%03x:", o)
		for (i = 0; i < 16; i++) line = line sprintf(" %02x", b[o + i])
		print line > f
	}
	close(f)
	f = out "/" name ".expect"
	printf("") > f
	for (i = 0; i < nexp; i++) print ex[i] > f
	close(f)
}
/^[ \t]*(#|$)/ { next }
{ cmd() }
' <<'RECIPES'
# ---- standard list: loops -----------------------------------------------------------
# PM -> MSI -> PM: the pointer at 0x51 (MSI next) revisits 0x40.
dev std-loop-2 256
ep 0x0101
w32 0x10 0xfe000000
w8 0x34 0x40
pm 0x40 0x50
msi 0x50 0x40
expect cap-loop 0x51
end

# Four capabilities, the last (at 0x70) points back to the second.
dev std-loop-long 256
ep 0x0102
w32 0x10 0xfe000000
w8 0x34 0x40
pm 0x40 0x50
msi 0x50 0x60
cap 0x60 0x09 0x70
w8 0x62 0x08
cap 0x70 0x0a 0x50
w16 0x72 0x2000
expect cap-loop 0x71
end

# A capability whose next pointer names itself.
dev std-self-loop 256
ep 0x0103
w32 0x10 0xfe000000
w8 0x34 0x40
pm 0x40 0x40
expect cap-loop 0x41
end

# 48 capabilities filling every dword of 0x40..0xff, the last pointing back to the first:
# the TTL (48, as Linux) stops the walk before the revisit is even seen.
dev std-ttl 256
ep 0x0104
w8 0x34 0x40
schain 0x40 0xfc 0x00 0x40
expect cap-ttl 0xfd
end

# ---- standard list: bad pointers ------------------------------------------------------
# The first pointer points into the header.
dev std-ptr-low-first 256
ep 0x0110
w32 0x10 0xfe000000
w8 0x34 0x10
pm 0x40 0x00
expect cap-ptr-low 0x34
end

# A next pointer into the header, mid-chain.
dev std-ptr-low 256
ep 0x0111
w32 0x10 0xfe000000
w8 0x34 0x40
pm 0x40 0x38
expect cap-ptr-low 0x41
end

# Both the first pointer (0x42) and PM's next (0x53) have reserved low bits set; the
# walk masks them and still finds PM at 0x40 and MSI at 0x50.
dev std-misaligned 256
ep 0x0112
w32 0x10 0xfe000000
w8 0x34 0x42
pm 0x40 0x53
msi 0x50 0x00
expect cap-ptr-misaligned 0x34
expect cap-ptr-misaligned 0x41
end

# A 64-bit MSI (14 bytes, 0x50..0x5d) whose next pointer lands inside itself at 0x58.
dev std-overlap 256
ep 0x0113
w32 0x10 0xfe000000
w8 0x34 0x50
msi64 0x50 0x58
pm 0x58 0x00
expect cap-overlap 0x58
end

# PM (8 bytes) at 0xfc runs past the end of the 256-byte standard space.
dev std-cap-past-end 256
ep 0x0114
w32 0x10 0xfe000000
w8 0x34 0x40
msi 0x40 0xfc
pm 0xfc 0x00
expect cap-truncated 0xfc
end

# Capability ID 0xff: lspci's "<chain broken>", the walk stops there.
dev std-cap-ff 256
ep 0x0115
w32 0x10 0xfe000000
w8 0x34 0x40
pm 0x40 0x50
cap 0x50 0xff 0x60
msi 0x60 0x00
expect cap-broken 0x50
end

# Two MSI capabilities: a driver and a mediator could each program a different one.
dev dup-msi 256
ep 0x0116
w32 0x10 0xfe000000
w8 0x34 0x50
msi 0x50 0x60
msi 0x60 0x00
expect cap-duplicate 0x60
end

# Status.CAP_LIST is clear: the garbage pointer (0x37, into the header and misaligned) and
# the garbage after it are never walked, so nothing is reported. The extended space is
# not walked either: without a PCIe capability it does not exist.
dev no-caplist-garbage 4096
ep 0x0117
w16 0x06 0x0000
w8 0x34 0x37
fill 0x40 0xc0 0xa5
w32 0x100 0x12345678
end

# ---- extended list --------------------------------------------------------------------
# DSN -> LTR -> DSN.
dev ecap-loop-2 4096
ep 0x0120
w32 0x10 0xfe000000
w8 0x34 0x40
pcie 0x40 0x00
dsn 0x100 0x110
ecap 0x110 0x0018 1 0x100
expect ecap-loop 0x110
end

# 0x100 -> 0x140 -> 0x200 -> 0x180 -> 0x140.
dev ecap-loop-long 4096
ep 0x0121
w32 0x10 0xfe000000
w8 0x34 0x40
pcie 0x40 0x00
dsn 0x100 0x140
ecap 0x140 0x0018 1 0x200
ecap 0x200 0x001e 1 0x180
ecap 0x180 0x000e 1 0x140
expect ecap-loop 0x180
end

# An extended capability (not the first) pointing at itself.
dev ecap-self-loop 4096
ep 0x0122
w32 0x10 0xfe000000
w8 0x34 0x40
pcie 0x40 0x00
dsn 0x100 0x200
ecap 0x200 0x0018 1 0x200
expect ecap-loop 0x200
end

# A next pointer below 0x100 (lspci would follow it into the standard space).
dev ecap-ptr-low 4096
ep 0x0123
w32 0x10 0xfe000000
w8 0x34 0x40
pcie 0x40 0x00
dsn 0x100 0x0c0
expect ecap-ptr-low 0x100
end

# Next pointer 0x142: reserved low bits masked, LTR at 0x140 still found.
dev ecap-misaligned 4096
ep 0x0124
w32 0x10 0xfe000000
w8 0x34 0x40
pcie 0x40 0x00
dsn 0x100 0x142
ecap 0x140 0x0018 1 0x000
expect ecap-ptr-misaligned 0x100
end

# DSN (12 bytes, 0x100..0x10b) points into its own serial number at 0x108.
dev ecap-overlap 4096
ep 0x0125
w32 0x10 0xfe000000
w8 0x34 0x40
pcie 0x40 0x00
dsn 0x100 0x108
ecap 0x108 0x0018 1 0x000
expect ecap-overlap 0x108
end

# LTR (8 bytes) at 0xffc runs past the end of the 4096-byte space.
dev ecap-past-end 4096
ep 0x0126
w32 0x10 0xfe000000
w8 0x34 0x40
pcie 0x40 0x00
dsn 0x100 0xffc
ecap 0xffc 0x0018 1 0x000
expect ecap-truncated 0xffc
end

# An all-ones header in the middle of the chain (a vanished or broken function).
dev ecap-all-ones-mid 4096
ep 0x0127
w32 0x10 0xfe000000
w8 0x34 0x40
pcie 0x40 0x00
dsn 0x100 0x200
w32 0x200 0xffffffff
expect ecap-broken 0x100
end

# All ones at 0x100 itself is how a function without extended space answers: no
# capability, no diagnostic.
dev ecap-first-all-ones 4096
ep 0x0128
w32 0x10 0xfe000000
w8 0x34 0x40
pcie 0x40 0x00
fill 0x100 0xf00 0xff
end

# 960 extended capabilities, one in every dword of 0x100..0xfff, the last pointing back to
# 0x100: the walk visits all of them once and stops at the revisit. (The walk checks
# revisits before the TTL, and 960 = every dword, so no chain can reach ecap-ttl.)
dev ecap-max-chain 4096
ep 0x0129
w8 0x34 0x40
pcie 0x40 0x00
echain 0x100 0xffc 0x0000 0 0x100
expect ecap-loop 0xffc
end

# The same 960 capabilities ending properly: the longest legal chain, no diagnostic.
dev ecap-max-chain-end 4096
ep 0x012a
w8 0x34 0x40
pcie 0x40 0x00
echain 0x100 0xffc 0x0000 0 0x000
end

# 960 misaligned next pointers: 960 diagnostics, of which the first 64
# (PG_CFG_MAX_DIAGS) are kept and 896 are only counted.
dev diag-flood 4096
ep 0x012b
w8 0x34 0x40
pcie 0x40 0x00
echain 0x100 0xffc 0x0000 1 0x000
expect_range ecap-ptr-misaligned 0x100 0x1fc 4
end

# 480 Null capabilities, then 480 Device Serial Numbers (unique, 12 bytes each at a 4-byte
# stride): 479 cap-duplicate, 2 ecap-truncated (0xff8, 0xffc) and 320 ecap-overlap (a DSN
# that clashes claims no bytes, so every third one starts clean). The first 64 (all
# cap-duplicate, in walk order) are kept, 737 dropped.
# Duplicate detection must stay linear here (a scan of the earlier capabilities per
# duplicate was quadratic).
dev ecap-dup-flood 4096
ep 0x012e
w8 0x34 0x40
pcie 0x40 0x00
echain 0x100 0x87c 0x0000 0 0x880
echain 0x880 0xffc 0x0003 0 0x000
expect_range cap-duplicate 0x884 0x980 4
end

# PCI-X mode 1 endpoint (no 266/533 MHz bits): no extended space, so the DSN-like bytes
# at 0x100 are not a capability (lspci 3.9 walks them anyway).
dev pcix-mode1-noext 4096
ep 0x012c
w32 0x10 0xfe000000
w8 0x34 0x40
cap 0x40 0x07 0x00
w32 0x44 0x00010008
dsn 0x100 0x000
end

# PCI-X mode 2 (266 MHz capable, Status bit 30): extended space exists and is walked.
dev pcix-mode2-ext 4096
ep 0x012d
w32 0x10 0xfe000000
w8 0x34 0x40
cap 0x40 0x07 0x00
w32 0x44 0x40010008
dsn 0x100 0x000
end

# ---- truncated dumps ------------------------------------------------------------------
# 16 bytes: no BARs, and the capability pointer itself is missing.
dev trunc-16 16
ep 0x0130
expect cfg-short 0x10
expect cfg-short 0x34
end

# 48 bytes: the six BARs are there, the ROM register and capability pointer are not.
dev trunc-48 48
ep 0x0131
w32 0x10 0xfe000000
expect cfg-short 0x30
expect cfg-short 0x34
end

# 64 bytes (a non-root `lspci -x`): the pointer names 0x50, beyond the dump.
dev trunc-64 64
ep 0x0132
w32 0x10 0xfe000000
w8 0x34 0x50
expect cap-ptr-past-end 0x34
end

# 128 bytes: PM at 0x40 is there, its next (0xa0) is not.
dev trunc-128 128
ep 0x0133
w32 0x10 0xfe000000
w8 0x34 0x40
pm 0x40 0xa0
expect cap-ptr-past-end 0x41
end

# 320 bytes of a PCIe function: LTR at 0x13c is cut after 4 of its 8 bytes, and its next
# pointer (0x200) lies beyond the dump.
dev trunc-ecap-320 320
ep 0x0134
w32 0x10 0xfe000000
w8 0x34 0x40
pcie 0x40 0x00
dsn 0x100 0x13c
ecap 0x13c 0x0018 1 0x200
expect ecap-truncated 0x13c
expect ecap-ptr-past-end 0x13c
end

# ---- whole-space patterns and header types --------------------------------------------
dev all-ff 256
fill 0x00 0x100 0xff
expect cfg-all-ones 0x000
end

dev all-00 256
expect cfg-all-zero 0x000
end

# Header type 0x03 (reserved): nothing past 0x10 is interpreted, not even the valid-looking
# capability list.
dev hdr-type-03 256
ep 0x0140
w8 0x0e 0x03
w32 0x10 0xfe000000
w8 0x34 0x40
pm 0x40 0x00
expect hdr-unknown 0x0e
end

dev hdr-type-7f 256
ep 0x0141
w8 0x0e 0x7f
w32 0x10 0xfe000000
w8 0x34 0x40
pm 0x40 0x00
expect hdr-unknown 0x0e
end

# CardBus bridge: capability pointer at 0x14, not 0x34 (which holds garbage here).
dev cardbus 256
ep 0x0142
w8 0x0e 0x02
w8 0x09 0x00
w8 0x0a 0x07
w8 0x0b 0x06
w32 0x10 0xfe001000
w8 0x14 0x80
w8 0x34 0x20
w16 0x40 0x1af4
w16 0x42 0x1100
pm 0x80 0x00
expect hdr-cardbus 0x0e
end

# ---- BARs -----------------------------------------------------------------------------
# A 64-bit BAR in BAR5: its upper half would be the CardBus CIS pointer.
dev bar-64-last 256
ep 0x0150
w32 0x10 0xfe000000
w32 0x24 0xfe00000c
expect bar-64-last 0x24
end

# A 64-bit BAR in BAR1 of a bridge: its upper half would be the bus numbers.
dev bar-64-last-bridge 256
bridge 0x0151
w16 0x06 0x0000
w32 0x10 0xfe000000
w32 0x14 0xfe100004
expect bar-64-last 0x14
end

# Memory type 11b is reserved.
dev bar-reserved 256
ep 0x0152
w32 0x10 0xfe000006
w32 0x14 0xfe100000
expect bar-reserved-type 0x10
end

# ---- MSI-X against the BARs -----------------------------------------------------------
# Table in BAR3, which is not implemented (sized 0: a zero register alone could be an
# unassigned BAR).
dev msix-bir-absent 256
note # pcigate: bar0=16K bar3=0
ep 0x0160
w32 0x10 0xfe000000
w8 0x34 0x40
msix 0x40 0x00 8 3 0x0000 0 0x2000
expect msix-bir 0x40
end

# Table in BAR3, which reads 0 and has no size: an unassigned 32-bit memory BAR reads the
# same (PCI 3.0 §6.2.5.1), so nothing can be held against the device.
dev msix-bir-zero-unsized 256
note # pcigate: bar0=16K
ep 0x016f
w32 0x10 0xfe000000
w8 0x34 0x40
msix 0x40 0x00 8 3 0x0000 3 0x2000
end

# Table BIR 6 (the expansion ROM slot: BIR values 6 and 7 are reserved).
dev msix-bir6 256
note # pcigate: bar0=16K rom=64K
ep 0x0161
w32 0x10 0xfe000000
w32 0x30 0xfe100000
w8 0x34 0x40
msix 0x40 0x00 8 6 0x0000 0 0x2000
expect msix-bir 0x40
end

# PBA BIR 7.
dev msix-bir7 256
note # pcigate: bar0=16K
ep 0x0162
w32 0x10 0xfe000000
w8 0x34 0x40
msix 0x40 0x00 8 0 0x0000 7 0x2000
expect msix-bir 0x40
end

# Table BIR 1 is the upper half of the 64-bit BAR0.
dev msix-bir-upper 256
note # pcigate: bar0=16K bar2=16K
ep 0x0163
w32 0x10 0xfe00000c
w32 0x14 0x00000000
w32 0x18 0xfe100000
w8 0x34 0x40
msix 0x40 0x00 8 1 0x0000 2 0x0000
expect msix-bir 0x40
end

# 512 entries (8 KiB) in a 4 KiB BAR0.
dev msix-table-big 256
note # pcigate: bar0=4K bar2=4K
ep 0x0164
w32 0x10 0xfe000000
w32 0x18 0xfe100000
w8 0x34 0x40
msix 0x40 0x00 512 0 0x0000 2 0x0000
expect msix-bar-small 0x40
end

# The PBA sits at 0x1000 of a 4 KiB BAR0: entirely outside it.
dev msix-pba-past-bar 256
note # pcigate: bar0=4K
ep 0x0165
w32 0x10 0xfe000000
w8 0x34 0x40
msix 0x40 0x00 16 0 0x0000 0 0x1000
expect msix-bar-small 0x40
end

# Table 0x000..0x3ff and PBA at 0x200 in the same BAR.
dev msix-overlap 256
note # pcigate: bar0=16K
ep 0x0166
w32 0x10 0xfe000000
w8 0x34 0x40
msix 0x40 0x00 64 0 0x0000 0 0x0200
expect msix-overlap 0x40
end

# A well-formed MSI-X layout with sized BARs: the control case, nothing to report.
dev msix-good 256
note # pcigate: bar0=16K bar2=4K
ep 0x0167
w32 0x10 0xfe000000
w32 0x18 0xfe100000
w8 0x34 0x40
msix 0x40 0x00 64 0 0x2000 2 0x0000
end
RECIPES
