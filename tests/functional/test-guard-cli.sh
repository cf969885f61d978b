#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Functional tests of `pcigate guard` that need no kernel: test-guard-cli.sh CASE PCIGATE
# Each CASE is one meson test. Exit 0 pass, 1 fail. Needs PG_TESTDATA (tests/data).
# Trees given with --sysfs-root are plain files in a temporary directory: nothing here
# reads or writes the host's /sys.
set -u

case_name=${1:?case}
PCIGATE=${2:?pcigate executable}
DATA=${PG_TESTDATA:?PG_TESTDATA}/guard

. "$(dirname "$0")/cli-lib.sh"

# A sysfs-shaped tree: root port 0000:00:1c.0 with a NIC bound to e1000e and an NVMe
# controller held by pci-stub below it; drivers e1000e, nvme, pci-stub (modules) and
# pcieport (built in).
fake_tree() {
	s=$tmp/sys
	mkdir -p "$s/bus/pci/devices" "$s/bus/pci/slots" "$s/module"
	for d in e1000e:e1000e nvme:nvme pci-stub:pci_stub pcieport:; do
		mkdir -p "$s/bus/pci/drivers/${d%%:*}"
		if [ -n "${d#*:}" ]; then
			mkdir -p "$s/module/${d#*:}"
			ln -s "../../../../module/${d#*:}" "$s/bus/pci/drivers/${d%%:*}/module"
		fi
	done
	dev 0000:00:1c.0 "" 0x8086 0xa110 0x060400 pcieport
	dev 0000:05:00.0 0000:00:1c.0/ 0x8086 0x10d3 0x020000 e1000e
	dev 0000:06:00.0 0000:00:1c.0/ 0x1b36 0x0010 0x010802 pci-stub
}

dev() { # BDF PARENT-PATH VENDOR DEVICE CLASS DRIVER
	p=$s/devices/pci0000:00/$2$1
	mkdir -p "$p"
	printf '%s\n' "$3" >"$p/vendor"
	printf '%s\n' "$4" >"$p/device"
	printf '0x8086\n' >"$p/subsystem_vendor"
	printf '0x0000\n' >"$p/subsystem_device"
	printf '%s\n' "$5" >"$p/class"
	printf '0x00\n' >"$p/revision"
	head -c 256 /dev/zero >"$p/config"
	ln -s "../../../devices/pci0000:00/$2$1" "$s/bus/pci/devices/$1"
	ln -s "../../../../bus/pci/drivers/$6" "$p/driver"
}

case "$case_name" in
check-good)
	for f in "$DATA"/good/*.yaml; do
		run guard check "$f"
		expect_rc 0
		out_has "$f: ok ("
	done
	;;
check-bad)
	for f in "$DATA"/bad/*.yaml; do
		pos=$(sed -n '1s/^# expect: \([0-9]*:[0-9]*\): .*/\1/p' "$f")
		[ -n "$pos" ] || fail "$f has no expect line"
		run guard check "$f"
		expect_rc 1
		err_has "$f:$pos: error: "
	done
	;;
check-mixed)
	run guard check "$DATA/good/empty-rules.yaml" "$DATA/bad/bad-action.yaml" "$tmp/missing"
	expect_rc 3
	out_has "empty-rules.yaml: ok (0 rules)"
	err_has "bad-action.yaml:4:13: error: unknown action 'block'"
	err_has "missing: error: cannot read it: No such file or directory"
	;;
usage)
	run guard
	expect_rc 2
	err_has "pcigate: guard: error: no subcommand given"
	run guard frob
	expect_rc 2
	err_has "unknown subcommand 'frob'"
	run guard run
	expect_rc 2
	err_has "pcigate: guard run: error: --rules FILE is required"
	run guard allow
	expect_rc 2
	err_has "pcigate: guard allow: error: expected one device address (BDF)"
	run guard list --permanent
	expect_rc 2
	run help guard
	expect_rc 0
	out_has "usage: pcigate guard arm"
	;;
no-daemon)
	run guard list --socket "$tmp/none.sock"
	expect_rc 3
	err_has "cannot reach the daemon at $tmp/none.sock"
	;;
arm-order)
	# e1000e loaded before pci_stub (newest first): arm refuses and names it, writes nothing.
	fake_tree
	printf 'nvme 1 0 - Live 0x0\npci_stub 1 0 - Live 0x0\ne1000e 1 0 - Live 0x0\n' >"$tmp/mods"
	run guard arm --sysfs-root "$s" --modules "$tmp/mods"
	expect_rc 1
	out_has "order: WRONG"
	out_has "registered before pci-stub (wins for what it matches): e1000e/e1000e"
	out_has "built-in driver, always before the gate: pcieport"
	out_has "catch-all: NOT ARMED"
	[ ! -e "$s/bus/pci/drivers/pci-stub/new_id" ] || fail "new_id was written"
	# Right order: --check writes only the probe ID and removes it again; arming writes the
	# catch-all, but a plain file also takes the probe, which the kernel would refuse.
	printf 'e1000e 1 0 - Live 0x0\nnvme 1 0 - Live 0x0\npci_stub 1 0 - Live 0x0\n' >"$tmp/mods"
	: >"$s/bus/pci/drivers/pci-stub/new_id"
	: >"$s/bus/pci/drivers/pci-stub/remove_id"
	run guard arm --check --sysfs-root "$s" --modules "$tmp/mods"
	expect_rc 1
	out_has "order: pci-stub before every loadable PCI driver"
	out_has "why: the catch-all is not in place (run"
	grep -q ffffffff "$s/bus/pci/drivers/pci-stub/new_id" && fail "--check wrote the catch-all"
	grep -qx 'ffff ffff' "$s/bus/pci/drivers/pci-stub/remove_id" || fail "probe ID not removed"
	run guard arm --sysfs-root "$s" --modules "$tmp/mods"
	expect_rc 1
	out_has "why: the catch-all was accepted but does not match"
	;;
generate)
	fake_tree
	run guard generate --sysfs-root "$s"
	expect_rc 0
	out_has 'action: allow'
	out_has '    driver: e1000e'
	out_has 'match: { id: "8086:10d3", subsystem: "8086:0000", class: "020000", port: "0000:00:1c.0/0000:05:00.0" }'
	out_has 'action: quarantine'
	grep -q 'driver: pcieport' "$tmp/out" && : # a bridge bound to pcieport is listed too
	cp "$tmp/out" "$tmp/generated.yaml"
	run guard check "$tmp/generated.yaml"
	expect_rc 0
	out_has "generated.yaml: ok (3 rules)"
	;;
softdeps)
	printf 'alias pci:v00008086d000010D3sv*sd*bc*sc*i* e1000e\nalias usb:v1* x\n' >"$tmp/alias"
	run guard softdeps --alias "$tmp/alias"
	expect_rc 0
	out_has "softdep e1000e pre: pci-stub"
	grep -q "softdep x " "$tmp/out" && fail "a USB module got a softdep"
	run guard softdeps --alias "$tmp/none"
	expect_rc 3
	;;
softdeps-kmod)
	# kmod itself honours the generated file: against the VM harness's guest kernel tree,
	# `modprobe --show-depends` (a dry run: it lists, never loads) puts pci-stub before
	# each PCI driver, and does not without the file.
	cache=${PG_VM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pcigate/vm}
	ver=$(ls "$cache/root/lib/modules" 2>/dev/null | head -1)
	modprobe=$(command -v modprobe || echo /sbin/modprobe)
	[ -n "$ver" ] && [ -f "$cache/root/lib/modules/$ver/modules.dep" ] ||
		skip "no guest kernel tree in $cache (scripts/install-vm-deps.sh)"
	[ -x "$modprobe" ] || skip "modprobe (kmod) not found"
	mkdir "$tmp/conf"
	run guard softdeps --alias "$cache/root/lib/modules/$ver/modules.alias"
	expect_rc 0
	cp "$tmp/out" "$tmp/conf/pcigate-guard.conf"
	for m in e1000e nvme; do
		"$modprobe" -d "$cache/root" -S "$ver" -C "$tmp/conf" --show-depends "$m" >"$tmp/deps" 2>&1 ||
			fail "modprobe --show-depends $m failed: $(cat "$tmp/deps")"
		stub=$(grep -n '/pci-stub.ko' "$tmp/deps" | cut -d: -f1)
		drv=$(grep -n "/$m.ko" "$tmp/deps" | cut -d: -f1)
		[ -n "$stub" ] && [ -n "$drv" ] && [ "$stub" -lt "$drv" ] ||
			fail "$m: pci-stub not loaded first: $(cat "$tmp/deps")"
		"$modprobe" -d "$cache/root" -S "$ver" -C "$tmp/none" --show-depends "$m" >"$tmp/deps" 2>&1
		! grep -q '/pci-stub.ko' "$tmp/deps" || fail "$m pulls pci-stub without the softdeps"
	done
	;;
*)
	fail "unknown case"
	;;
esac
exit 0
