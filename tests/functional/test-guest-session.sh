#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Functional tests of `pcigate view` and `pcigate session`:
#   test-guest-session.sh CASE PCIGATE
# Each CASE is one meson test. Exit 0 pass, 1 fail, 77 skip. Needs PG_TESTDATA (and
# PG_CORPUS for the bridge case). Live devices are either a fake sysfs tree built here
# (--sysfs-root) or, in view-live-real, this machine's first PCI device, which is only READ
# (config and resource files, through the read-only sysfs backend).
set -u

case_name=${1:?case}
PCIGATE=${2:?pcigate executable}
DATA=${PG_TESTDATA:?PG_TESTDATA}
CORPUS=${PG_CORPUS:-}
NIC=$DATA/dump/82576-annotated.txt
ROOT_PORT=8086-a294_intel-200-series-pch-pci-express-root-port-5_4096.txt

# shellcheck source=cli-lib.sh
. "$(dirname "$0")/cli-lib.sh"

# lspci FILE: decode a view; exit 0 and nothing on stderr but libkmod's warning
lspci_ok() {
	command -v lspci >/dev/null || skip "lspci not found"
	lspci -F "$1" -vvv >"$tmp/lspci" 2>"$tmp/lspci.err" || fail "lspci -F failed on the view"
	! grep -v "libkmod" "$tmp/lspci.err" | grep -q . ||
		fail "lspci complained: $(cat "$tmp/lspci.err")"
}

# fake_sysfs BDF DUMP RESOURCE: ROOT/bus/pci/devices/BDF/{config,resource} in $tmp/sys
fake_sysfs() {
	local dir=$tmp/sys/bus/pci/devices/$1 fmt
	mkdir -p "$dir"
	fmt=$(awk '/^[0-9a-f][0-9a-f][0-9a-f]?: / { for (i = 2; i <= NF; i++) printf "\\x%s", $i }' "$2")
	# shellcheck disable=SC2059 # the format is the escaped bytes built just above
	printf "$fmt" >"$dir/config"
	cp "$3" "$dir/resource"
}

case "$case_name" in
view-usage)
	run view
	expect_rc 2; err_has "pcigate: view: error: no DEVICE given"
	run view --frob "$NIC"
	expect_rc 2; err_has "unknown option '--frob'"
	run view --profile root "$NIC"
	expect_rc 2; err_has "--profile 'root'"
	run view "$NIC" "$NIC"
	expect_rc 2; err_has "one DEVICE only"
	run view --profile
	expect_rc 2; err_has "needs a value"
	run view --transport qemu "$NIC"
	expect_rc 2; err_has "--transport 'qemu'"
	run view --transport
	expect_rc 2; err_has "needs a value"
	run session
	expect_rc 2; err_has "pcigate: session: error: no DEVICE given"
	run help view
	expect_rc 0; out_has "usage: pcigate view"
	run help session
	expect_rc 0; out_has "usage: pcigate session"; out_has "--strict"
	run view --help
	expect_rc 0; out_has "usage: pcigate view"
	run view "$tmp/missing.txt"
	expect_rc 3; err_has "missing.txt"
	;;
view-dump)
	run view "$NIC"
	expect_rc 0; err_empty
	head -1 "$tmp/out" | grep -q '^01:00.0 Ethernet controller' || fail "header line"
	[ "$(wc -l <"$tmp/out")" -eq 257 ] || fail "not 4096 bytes (256 lines + header)"
	out_has "ff0: 00 00"
	# identity emulated from the device, multifunction cleared, BARs virtual (start at 0)
	out_has "00: 86 80 c9 10"
	grep -q '^10: 00 00 00 00 00 00 00 00' "$tmp/out" || fail "BARs not virtual"
	# extended space hidden in the guest profile: 0x100 reads zero
	grep -q '^100: 00 00 00 00 ' "$tmp/out" || fail "AER visible to a guest"
	cp "$tmp/out" "$tmp/view.txt"
	lspci_ok "$tmp/view.txt"
	grep -q "Capabilities: \[50\] MSI:" "$tmp/lspci" || fail "MSI not shown"
	grep -q "Capabilities: \[70\] MSI-X:" "$tmp/lspci" || fail "MSI-X not shown"
	! grep -q "Advanced Error Reporting" "$tmp/lspci" || fail "AER shown to a guest"
	;;
view-profiles)
	for p in guest device-model permissive; do
		run view --profile "$p" "$NIC"
		expect_rc 0
		cp "$tmp/out" "$tmp/view-$p.txt"
		lspci_ok "$tmp/view-$p.txt"
		cp "$tmp/lspci" "$tmp/lspci-$p"
	done
	grep -q "Advanced Error Reporting" "$tmp/lspci-permissive" || fail "permissive hides AER"
	grep -q "Single Root I/O Virtualization" "$tmp/lspci-permissive" ||
		fail "permissive hides SR-IOV"
	! grep -q "Advanced Error Reporting" "$tmp/lspci-device-model" ||
		fail "device-model shows AER"
	# guest and device-model show the same capabilities; the Command bits differ
	diff <(grep Capabilities "$tmp/lspci-guest") <(grep Capabilities "$tmp/lspci-device-model") \
		>/dev/null || fail "guest and device-model show different capabilities"
	# a policy entry's profile replaces --profile
	printf 'version: 1\ndevices:\n  - match: "8086:10c9"\n    profile: permissive\n' >"$tmp/p.yaml"
	run view --profile guest --policy "$tmp/p.yaml" "$NIC"
	expect_rc 0
	grep -q '^100: 01 00 ' "$tmp/out" || fail "policy profile not applied"
	printf 'version: 1\ndevices:\n  - match: "8086:10c9"\n    profile: root\n' >"$tmp/bad.yaml"
	run view --policy "$tmp/bad.yaml" "$NIC"
	expect_rc 3; err_has "bad.yaml:4:"
	;;
view-bridge)
	[ -n "$CORPUS" ] && [ -f "$CORPUS/$ROOT_PORT" ] || skip "corpus not found (PG_CORPUS)"
	run view "$CORPUS/$ROOT_PORT"
	expect_rc 3; err_has "cannot mediate the device"; err_has "not an endpoint"
	[ ! -s "$tmp/out" ] || fail "a refused device printed a view"
	;;
view-bridge-type0)
	# A host bridge with a type 0 header: refused by the same rule as inspect's "bridge".
	host=8086-0044_intel-core-processor-dram-controller_4096.txt
	[ -n "$CORPUS" ] && [ -f "$CORPUS/$host" ] || skip "corpus not found (PG_CORPUS)"
	run view "$CORPUS/$host"
	expect_rc 3; err_has "header type 0, class 0600 (host bridge): not an endpoint"
	run inspect --dump "$CORPUS/$host"
	expect_rc 0; out_has "HIGH bridge: host bridge (header type 0, class 0600)"
	# The message names the layout, never the raw Header Type byte (0x81 here).
	[ -f "$CORPUS/$ROOT_PORT" ] || skip "corpus not found (PG_CORPUS)"
	run view "$CORPUS/$ROOT_PORT"
	expect_rc 3; err_has "header type 1 (PCI-to-PCI bridge) multi-function, class 0604"
	! grep -q "0x81" "$tmp/err" || fail "raw header byte in the refusal"
	;;
view-conventional)
	# A conventional function (no PCIe capability) dumped in 4096 bytes has 256 bytes of
	# config space: its view has 16 lines, not 256.
	scsi=1000-0021_broadcom-lsi-53c1010-66mhz-ultra3-scsi-adapter_256.txt
	[ -n "$CORPUS" ] && [ -f "$CORPUS/$scsi" ] || skip "corpus not found (PG_CORPUS)"
	{ cat "$CORPUS/$scsi"
	  for o in $(seq 256 16 4080); do
		printf '%03x: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00\n' "$o"
	  done; } >"$tmp/scsi-4096.txt"
	run view "$tmp/scsi-4096.txt"
	expect_rc 0
	[ "$(wc -l <"$tmp/out")" -eq 17 ] || fail "not 256 bytes (16 lines + header)"
	;;
view-bar-sizes)
	# A dump without sizes: one warning naming what was guessed and what was taken as
	# absent. lspci -vvv Region lines give every size: no warning at all.
	nvme=144d-a808_samsung-electronics-co-nvme-ssd-controller-sm981_256.txt
	[ -n "$CORPUS" ] && [ -f "$CORPUS/$nvme" ] || skip "corpus not found (PG_CORPUS)"
	run view "$CORPUS/$nvme"
	expect_rc 0; err_has "BAR sizes missing from the dump; guessed bar0="
	err_has "BAR2, BAR3, BAR4, BAR5, ROM read 0, taken as not implemented"
	awk '/^00:01.0 /{on=1} on && /^$/{exit} on' "$DATA/dump/lspci-vvvxxxx-local.txt" \
		>"$tmp/virtio.txt"
	grep -q 'Region 0: .*size=512K' "$tmp/virtio.txt" || fail "fixture lacks a Region line"
	run view "$tmp/virtio.txt"
	expect_rc 0; err_empty
	run inspect --dump "$tmp/virtio.txt"
	expect_rc 0; out_has "BAR0  mem64 addr=0x4000000000 size=512K"
	! grep -q "unknown" "$tmp/out" || fail "a BAR stayed unknown despite lspci's sizes"
	# The 82576 with its MSI-X BAR (3) unassigned (reads 0) and no sizes: the model keeps
	# BAR3, sized to hold the table and the PBA at 0x2000 (16K), so the guest still sees
	# MSI-X; inspect holds nothing against the zero BAR.
	grep -v '^# pcigate' "$NIC" |
		sed 's/^10: \(.. .. .. .. .. .. .. .. .. .. .. ..\) .. .. .. ../10: \1 00 00 00 00/' \
		>"$tmp/nic-bar3-zero.txt"
	run view "$tmp/nic-bar3-zero.txt"
	expect_rc 0; err_has "bar3=16K"
	cp "$tmp/out" "$tmp/view.txt"
	lspci_ok "$tmp/view.txt"
	grep -q "MSI-X: Enable- Count=10" "$tmp/lspci" || fail "MSI-X hidden in the guest view"
	run inspect --dump "$tmp/nic-bar3-zero.txt"
	expect_rc 0; out_has "BAR3  unknown: reads 0"; out_lacks "msix-invalid"
	;;
dump-live-fake)
	# pcigate dump writes a live device's config and the kernel's BAR sizes; inspect
	# --dump and view read it back with nothing left to guess (no warning, every size).
	fake_sysfs 0000:01:00.0 "$NIC" "$DATA/sysfs/82576.resource"
	run dump --sysfs-root "$tmp/sys" 01:00.0
	expect_rc 0; err_empty
	head -1 "$tmp/out" | grep -q '^0000:01:00.0 ' || fail "header line"
	# From 82576.resource: BAR0 128K, BAR1 4M, BAR2 I/O 32, BAR3 16K, BAR4/5 none, ROM 512K.
	out_has "# pcigate: bar0=128K bar1=4M bar2=32 bar3=16K bar4=0 bar5=0 rom=512K"
	[ "$(grep -c '^[0-9a-f]*: ' "$tmp/out")" -eq 256 ] || fail "not 4096 bytes"
	cp "$tmp/out" "$tmp/card.txt"
	cmp <(awk '/^[0-9a-f]+: /' "$tmp/card.txt") <(awk '/^[0-9a-f]+: /' "$NIC") ||
		fail "config bytes differ from the device's"
	run inspect --dump "$tmp/card.txt"
	expect_rc 0; err_empty
	# every BAR with the kernel's size (none left "unknown: reads 0, size unknown"), the
	# ones sysfs says are absent not shown at all
	out_has "BAR0  mem32 addr=0xe0800000 size=128K"; out_has "BAR2  io addr=0x1020 size=0x20"
	out_has "BAR1  mem32 addr=0xe0000000 size=4M"; out_has "BAR3  mem32 addr=0xe0840000 size=16K"
	out_has "ROM   rom disabled addr=0xc7800000 size=512K"
	! grep -qE '^ +BAR[0-5]  unknown|size unknown|^ +BAR[45] ' "$tmp/out" ||
		fail "a BAR without its size, or BAR4/BAR5 shown: $(grep -E 'BAR[0-5]  ' "$tmp/out")"
	run view "$tmp/card.txt"
	expect_rc 0; err_empty
	run dump --sysfs-root "$tmp/sys" 01:00.0 02:00.0
	expect_rc 3; err_has "pcigate: dump: error: 0000:02:00.0: no such PCI device"
	out_has "0000:01:00.0 "
	run dump
	expect_rc 2; err_has "no BDF given"
	run dump 01:00.0x
	expect_rc 2; err_has "is not a PCI address"
	;;
view-live-fake)
	fake_sysfs 0000:01:00.0 "$NIC" "$DATA/sysfs/82576.resource"
	cp "$tmp/sys/bus/pci/devices/0000:01:00.0/config" "$tmp/config.before"
	run view --sysfs-root "$tmp/sys" 01:00.0
	expect_rc 0
	head -1 "$tmp/out" | grep -q '^0000:01:00.0 Class 0200: Device 8086:10c9' ||
		fail "live header line"
	cp "$tmp/out" "$tmp/view.txt"
	lspci_ok "$tmp/view.txt"
	cmp -s "$tmp/config.before" "$tmp/sys/bus/pci/devices/0000:01:00.0/config" ||
		fail "the device's config changed"
	run view --sysfs-root "$tmp/sys" 02:00.0
	expect_rc 3; err_has "no such PCI device"
	;;
view-live-real)
	dev=$(ls /sys/bus/pci/devices 2>/dev/null | head -1)
	[ -n "$dev" ] || skip "no PCI devices in /sys/bus/pci/devices"
	run view "$dev"
	if [ "$rc" -eq 3 ] && grep -q "not an endpoint" "$tmp/err"; then
		exit 0 # a bridge as first device: refused, which is right
	fi
	expect_rc 0
	n=$(wc -l <"$tmp/out")
	[ "$n" -eq 17 ] || [ "$n" -eq 257 ] || fail "$n lines"
	cp "$tmp/out" "$tmp/view.txt"
	lspci_ok "$tmp/view.txt"
	;;
session-basic)
	cat >"$tmp/in" <<'EOF'
# identity, then the guest enables the device
r 0 4
r 0x4 2
w 0x4 2 0x0006

w 0x104 4 0xffffffff     # AER is hidden from a guest
r 0x104 4
w 0x10 4 0xffffffff
r 0x10 4
r 0x3 2
bw 3 0x0 4 0xfee00000
br 3 0x0 4
bw 3 0x3000 8 1
EOF
	run session "$NIC" <"$tmp/in"
	expect_rc 0; err_empty
	out_has "# session 01:00.0: modelled device, profile guest"
	out_has "r 0x000/4 -> 0x10c98086 hw-mask 0x00000000"
	out_has "w 0x004/2 0x0006 -> ok"
	out_has "  effect cfg-write off=0x004 size=2 value=0x0006 mask=0x0407"
	out_has "  hw cfg-write off=0x004 size=2 value=0x0006"
	out_has "w 0x104/4 0xffffffff -> ok"
	out_has '"verdict":"denied","rule":"hidden-cap:ext:aer"}'
	out_has "r 0x104/4 -> 0x00000000 hw-mask 0x00000000"
	out_has "r 0x010/4 -> 0xfffe0000"
	out_has "r 0x003/2 -> error EINVAL (invalid access)"
	out_has "br 3 0x0/4 -> 0xfee00000 hw-mask 0x00000000"
	out_lacks "hw bar-write bar=3 off=0x0 "
	out_has "hw bar-write bar=3 off=0x3000 size=8"
	out_has "# 13 lines, 11 accesses, 0 malformed; audit: 1 denied, 0 permissive"
	# every audit line is one JSON object with the documented keys
	re='^{"time":"[0-9T:.-]*Z","device":"01:00.0","profile":"guest","space":"cfg",'
	re+='"offset":[0-9]*,"size":[0-9],"value":[0-9]*,"verdict":"[a-z]*","rule":"[^"]*"}$'
	grep '^{' "$tmp/out" | grep -v "$re" | grep -q . && fail "malformed audit line"
	# the model changed, the dump file did not
	run session "$NIC" </dev/null
	expect_rc 0; out_has "# 0 lines, 0 accesses"
	;;
session-malformed)
	printf '%s\n' 'r 0 4' 'x 1 2' 'r 0x10000 4' 'w 4 2' 'r 4 2 # ok' 'w 4 2 0x100000000' \
		'r zz 4' 'r 0 4 5' 'r 8 1' >"$tmp/in"
	run session "$NIC" <"$tmp/in"
	expect_rc 1
	err_has "pcigate: session: error: <stdin>:2: unknown command 'x'"
	err_has "<stdin>:3: OFF '0x10000': out of range"
	err_has "<stdin>:4: 'w' takes 3 arguments, got 2"
	err_has "<stdin>:6: VALUE '0x100000000': out of range"
	err_has "<stdin>:7: OFF 'zz': not a number"
	err_has "<stdin>:8: 'r' takes 2 arguments, got 3"
	[ "$(wc -l <"$tmp/err")" -eq 6 ] || fail "not one error per malformed line"
	out_has "r 0x004/2 -> "
	out_has "r 0x008/1 -> 0x01"   # the session went on after the errors
	out_has "# 9 lines, 3 accesses, 6 malformed"
	# a line too long, and a NUL byte
	{ printf 'r 0 4 %02000d\n' 0; printf 'r 0\0 4\n'; printf 'r 0 4\n'; } >"$tmp/in"
	run session "$NIC" <"$tmp/in"
	expect_rc 1; err_has "<stdin>:1: line longer than 1024 bytes"; err_has "<stdin>:2: NUL byte"
	out_has "# 3 lines, 1 accesses, 2 malformed"
	;;
session-strict)
	printf 'r 0 4\nbogus\nr 4 2\n' >"$tmp/in"
	run session --strict "$NIC" <"$tmp/in"
	expect_rc 1
	err_has "<stdin>:2: unknown command 'bogus'"
	out_has "r 0x000/4 -> "
	out_lacks "r 0x004/2"
	out_has "# 2 lines, 1 accesses, 1 malformed"
	;;
session-device-model)
	# Linux's MSI enable under the device-model profile: only Enable and INTx Disable
	# reach the device
	cat >"$tmp/in" <<'EOF'
w 0x54 4 0xfee01000
w 0x58 4 0
w 0x5c 2 0x4021
w 0x52 2 0x0180
w 0x52 2 0x0181
w 0x04 2 0x0406
w 0x72 2 0x8000   # MSI-X while MSI is on: refused
w 0x06 2 0xffff   # Status RW1C: not the device model's
EOF
	run session --profile device-model "$NIC" <"$tmp/in"
	expect_rc 0
	out_has "profile device-model"
	out_has "w 0x052/2 0x0181 -> ok"
	out_has "  effect cfg-write off=0x052 size=1 value=0x01 mask=0x01"
	out_has "  hw cfg-write off=0x052 size=1 value=0x81"  # 64-bit capable: bit 7 kept
	out_has "  effect irq type=msi vector=all enabled=1"
	out_has "addr=0xfee01000 data=0x4021"
	out_has '"rule":"irq-exclusive"'
	out_has '"rule":"hdr.status"'
	# the refused MSI-X enable leaves MSI-X Enable 0 in the hardware
	out_has "  hw cfg-write off=0x073 size=1 value=0x00"
	# the only hardware writes: MSI control (0x52), MSI-X control (0x73) and Command's
	# high byte (0x05)
	grep '^  hw ' "$tmp/out" |
		grep -v -e 'off=0x052 size=1' -e 'off=0x073 size=1' -e 'off=0x005 size=1' |
		grep -q . && fail "something else reached the hardware"
	true
	;;
session-live-readonly)
	fake_sysfs 0000:01:00.0 "$NIC" "$DATA/sysfs/82576.resource"
	cp "$tmp/sys/bus/pci/devices/0000:01:00.0/config" "$tmp/config.before"
	printf '%s\n' 'r 0 4' 'w 4 2 0x0006' 'w 0x52 2 0x0181' 'br 0 0 4' 'bw 0 0 4 1' \
		'w 0x10 4 0xffffffff' >"$tmp/in"
	run session --profile permissive --sysfs-root "$tmp/sys" 0000:01:00.0 <"$tmp/in"
	expect_rc 0
	out_has "live device, read-only"
	out_has "r 0x000/4 -> 0x10c98086"
	out_has "w 0x004/2 0x0006 -> error EROFS (refused by the backend: the device is read-only)"
	out_has "  hw cfg-write off=0x004 size=2 value=0x0006 refused=EROFS"
	out_has "br 0 0x0/4 -> error EPERM"
	# refused by the backend layer before any device access: no hw line at all
	out_has "bw 0 0x0/4 0x00000001 -> error EPERM (refused by the backend)"
	out_lacks "hw bar-write"
	out_has "w 0x010/4 0xffffffff -> ok"  # BAR sizing is virtual: nothing to refuse
	cmp -s "$tmp/config.before" "$tmp/sys/bus/pci/devices/0000:01:00.0/config" ||
		fail "the live device's config changed"
	;;
*)
	echo "unknown case $case_name" >&2
	exit 1
	;;
esac
exit 0
