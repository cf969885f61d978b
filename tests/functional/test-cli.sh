#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Functional tests of the pcigate CLI: test-cli.sh CASE PCIGATE JSONCHECK
# Each CASE is one meson test. Exit 0 pass, 1 fail, 77 skip. Needs PG_CORPUS (real dumps).
# Live-device cases only READ /sys/bus/pci/devices/*/{config,resource}; the strace check
# proves no other device file (resourceN, reset, driver) is ever opened.
set -u

case_name=${1:?case}
PCIGATE=${2:?pcigate executable}
JSONCHECK=${3:?json checker}
CORPUS=${PG_CORPUS:-}

ROOT_PORT=1022-1414_amd-family-15h-models-10h-1fh-processor-root-por_4096.txt
SAS=1000-0072_broadcom-lsi-sas2008-pci-express-fusion-mpt-sas_4096.txt
SHORT=2646-502b_kingston-company-device_64.txt
QEMU_NVME=1b36-0010_red-hat-qemu-nvm-express-controller_256.txt

# shellcheck source=cli-lib.sh
. "$(dirname "$0")/cli-lib.sh"
err_lines() {
	local n
	n=$(wc -l <"$tmp/err")
	[ "$n" -eq "$1" ] || fail "stderr has $n lines, expected $1"
}
need_corpus() {
	[ -n "$CORPUS" ] && [ -f "$CORPUS/$ROOT_PORT" ] || skip "corpus not found (PG_CORPUS)"
}
need_sysfs() {
	[ -d /sys/bus/pci/devices ] && [ -n "$(ls /sys/bus/pci/devices)" ] ||
		skip "no PCI devices in /sys/bus/pci/devices"
}

# fake_dev ROOT BDF PARENT-PATH CLASS HDR PORT-TYPE ACS-CTRL LEN: a function in a fake sysfs
# tree ROOT: ROOT/devices/PARENT-PATH/BDF with a config attribute (PCIe capability of
# PORT-TYPE at 0x40 unless it is "none", ACS with control ACS-CTRL at 0x100 unless "-",
# LEN bytes) and an empty resource table, linked from ROOT/bus/pci/devices.
fake_dev() {
	local root=$1 bdf=$2 path=$3/$2 dir
	dir=$root/devices/$path
	mkdir -p "$dir" "$root/bus/pci/devices"
	python3 - "$dir/config" "$4" "$5" "$6" "$7" "$8" <<'PY'
import struct, sys
out, cls, hdr, port, acs, n = sys.argv[1], int(sys.argv[2], 16), int(sys.argv[3], 16), \
    sys.argv[4], sys.argv[5], int(sys.argv[6])
b = bytearray(4096)
struct.pack_into('<HHBBBB', b, 0, 0x8086, 0x1234, 0, 0, (cls >> 8) & 0xff, cls >> 16)
b[0x0e] = hdr
if port != 'none':
    struct.pack_into('<H', b, 0x06, 0x10); b[0x34] = 0x40
    b[0x40], b[0x41] = 0x10, 0
    struct.pack_into('<H', b, 0x42, 0x2 | int(port, 16) << 4)
if acs != '-':
    struct.pack_into('<IHH', b, 0x100, 0x0d | 1 << 16, 0x5f, int(acs, 16))
open(out, 'wb').write(bytes(b[:n]))
PY
	: >"$dir/resource"
	ln -s "../../../devices/$path" "$root/bus/pci/devices/$bdf"
}

case "$case_name" in
live-dump-roundtrip)
	# Every device of this machine, dumped with `pcigate dump` (read-only) and inspected
	# back from the dump, reports the same BARs (kinds, addresses, sizes), capabilities,
	# diagnostics and config findings as inspected live: the dump loses nothing.
	need_sysfs
	for d in /sys/bus/pci/devices/*; do
		bdf=$(basename "$d")
		"$PCIGATE" dump "$bdf" >"$tmp/dump.txt" 2>"$tmp/dump.err" ||
			fail "dump $bdf: $(cat "$tmp/dump.err")"
		"$PCIGATE" inspect "$bdf" 2>/dev/null |
			sed -n '/^  bars/,/^  diagnostics/p' >"$tmp/live"
		"$PCIGATE" inspect --dump "$tmp/dump.txt" 2>/dev/null |
			sed -n '/^  bars/,/^  diagnostics/p' >"$tmp/back"
		[ -s "$tmp/live" ] || fail "no live report for $bdf"
		cmp -s "$tmp/live" "$tmp/back" ||
			fail "$bdf: dump read back differs: $(diff "$tmp/live" "$tmp/back" | head -5)"
		"$PCIGATE" inspect "$bdf" 2>/dev/null | grep -E '^    (HIGH|MEDIUM|LOW|INFO) ' |
			grep -vE ' (iommu-group-shared|acs-gap|cfg-short|no-reset):' >"$tmp/lf"
		"$PCIGATE" inspect --dump "$tmp/dump.txt" 2>/dev/null |
			grep -E '^    (HIGH|MEDIUM|LOW|INFO) ' |
			grep -vE ' (cfg-short|no-reset):' >"$tmp/df"
		cmp -s "$tmp/lf" "$tmp/df" || fail "$bdf: findings differ: $(diff "$tmp/lf" "$tmp/df")"
	done
	;;
short-unprivileged)
	need_corpus
	# --fail-on takes severities in any case ("HIGH", as reports print them)
	run inspect --fail-on HIGH --dump "$CORPUS/$ROOT_PORT"
	expect_rc 1
	run inspect --fail-on Medium --short --dump "$CORPUS/$SAS" --dump "$CORPUS/$ROOT_PORT"
	expect_rc 1; err_empty
	[ "$(wc -l <"$tmp/out")" -eq 2 ] || fail "--short: not one line per device"
	grep -q "^$CORPUS/$ROOT_PORT [0-9a-f:.]*  .* \[1022:1414\]  HIGH  bridge: " "$tmp/out" ||
		fail "--short line of the root port"
	# A live device read in 64 bytes (what a non-root user gets): no cfg-short or no-reset
	# blamed on the device, and one note saying how to see the rest.
	s=$tmp/sys
	fake_dev "$s" 0000:02:00.0 pci0000:00 020000 00 0 - 64
	run inspect --sysfs-root "$s" 02:00.0
	expect_rc 0
	out_has "config     64 bytes"; out_lacks "cfg-short"; out_lacks "no-reset"
	err_has "pcigate: inspect: warning: 0000:02:00.0 was read in 64 bytes only: without root"
	err_has "run \`sudo pcigate inspect\` for the full report"
	run inspect --sysfs-root "$s" --short --fail-on medium 02:00.0
	expect_rc 0; out_has "0000:02:00.0  "; out_has "  none"
	;;
live-topology)
	# A fake tree: a root port with full ACS above a NIC (driver igb, group 7, alone,
	# reset_method "flr bus"), a root port without ACS above a two-function card that
	# shares group 8.
	s=$tmp/sys
	fake_dev "$s" 0000:00:1c.0 pci0000:00 060400 01 4 1d 4096
	fake_dev "$s" 0000:03:00.0 pci0000:00/0000:00:1c.0 020000 00 0 - 4096
	fake_dev "$s" 0000:00:1d.0 pci0000:00 060400 01 4 - 4096
	fake_dev "$s" 0000:04:00.0 pci0000:00/0000:00:1d.0 020000 80 0 - 4096
	fake_dev "$s" 0000:04:00.1 pci0000:00/0000:00:1d.0 020000 80 0 - 4096
	d3=$s/devices/pci0000:00/0000:00:1c.0/0000:03:00.0
	ln -s ../../../../bus/pci/drivers/igb "$d3/driver"
	echo "flr bus" >"$d3/reset_method"
	mkdir -p "$s/kernel/iommu_groups/7/devices" "$s/kernel/iommu_groups/8/devices"
	ln -s ../../../../kernel/iommu_groups/7 "$d3/iommu_group"
	ln -s ../../../../bus/pci/devices/0000:03:00.0 "$s/kernel/iommu_groups/7/devices/0000:03:00.0"
	for f in 0 1; do
		ln -s ../../../../kernel/iommu_groups/8 \
			"$s/devices/pci0000:00/0000:00:1d.0/0000:04:00.$f/iommu_group"
		ln -s ../../../../bus/pci/devices/0000:04:00.$f \
			"$s/kernel/iommu_groups/8/devices/0000:04:00.$f"
	done
	run inspect --sysfs-root "$s" 03:00.0
	expect_rc 0; err_empty
	out_has "  iommu      group 7, alone in it"
	out_has "  driver     igb"
	out_has "  reset      flr bus (the kernel's reset_method, in order)"
	out_has "  upstream   0000:00:1c.0"
	out_has "  isolation  ACS isolates every bridge above"
	out_has "  irq remap  unknown (not read: a sysfs tree other than /sys was given)"
	run inspect --sysfs-root "$s" 04:00.1
	expect_rc 0
	out_has "  iommu      group 8 with 1 other function: 0000:04:00.0"
	out_has "  driver     none"
	out_has "  reset      none listed"
	out_has "  isolation  NOT isolated at 0000:00:1d.0 (no ACS capability)"
	out_has "MEDIUM iommu-group-shared: IOMMU group 8 holds 1 other function (first 0000:04:00.0)"
	out_has "MEDIUM acs-gap: not isolated at 0000:00:1d.0 (no ACS capability)"
	run inspect --sysfs-root "$s" --fail-on medium 04:00.1
	expect_rc 1
	run inspect --sysfs-root "$s" 03:00.0
	out_lacks "iommu-group-shared"; out_lacks "acs-gap"
	run inspect --sysfs-root "$s" --json 04:00.0 03:00.0
	expect_rc 0
	"$JSONCHECK" --devices 2 <"$tmp/out" || fail "JSON with topology"
	out_has '"acs": "gap"'; out_has '"acs_at": "0000:00:1d.0"'; out_has '"iommu_group": 8'
	out_has '"reset_method": "flr bus"'; out_has '"driver": "igb"'
	# a test tree has no /proc of its own: interrupt remapping is not guessed from the host's
	out_has '"interrupt_remapping": "unknown"'; out_has '"vfio": null'
	run inspect --sysfs-root "$s" --tree
	expect_rc 0; err_empty
	out_has "0000:00:1c.0 "; out_has "ACS: isolates)"
	out_has "0000:00:1d.0 "; out_has "ACS: no ACS capability)"
	grep -q '^|-- 0000:04:00.0 .*(group 8)$' "$tmp/out" || fail "04:00.0 is not a child"
	grep -q '^`-- 0000:04:00.1 ' "$tmp/out" || fail "04:00.1 is not the last child"
	grep -q '^`-- 0000:03:00.0 .*(group 7, igb)$' "$tmp/out" || fail "03:00.0 line"
	[ "$(wc -l <"$tmp/out")" -eq 5 ] || fail "not one line per function"
	run inspect --sysfs-root "$s" --dot
	expect_rc 0
	out_has "digraph pci {"; out_has '"0000:00:1d.0" -> "0000:04:00.1";'
	out_has 'subgraph "cluster_iommu_8"'; out_has ', color=red];'
	if command -v dot >/dev/null; then
		dot -Tsvg "$tmp/out" >/dev/null || fail "dot rejects the graph"
	fi
	run inspect --tree --json
	expect_rc 2; err_has "--tree and --dot show every device"
	;;
version)
	run --version
	expect_rc 0; out_has "pcigate "; err_empty
	run help
	expect_rc 0; out_has "inspect"; out_has "exit status"
	run help inspect
	expect_rc 0; out_has "--fail-on"
	run inspect --help
	expect_rc 0; out_has "usage: pcigate inspect"; out_has "3 an input could not be read"
	;;
usage)
	run
	expect_rc 2; err_has "pcigate: error: no command given"; err_lines 1
	run frobnicate
	expect_rc 2; err_has "pcigate: error: unknown command 'frobnicate'"; err_lines 1
	run --frob
	expect_rc 2; err_has "'--frob'"
	run inspect --frob
	expect_rc 2; err_has "pcigate: inspect: error: unknown option '--frob'"; err_lines 1
	[ ! -s "$tmp/out" ] || fail "usage error printed a report or usage on stdout"
	run inspect --fail-on
	expect_rc 2; err_has "'--fail-on' needs a value"
	run inspect --fail-on critical --dump /dev/null
	expect_rc 2; err_has "'critical' is not a severity"
	run inspect --dump
	expect_rc 2; err_has "'--dump' needs a value"
	run help nosuch
	expect_rc 2; err_has "unknown command 'nosuch'"
	;;
bad-bdf)
	for bdf in zz:zz 0000:00:20.0 00:00.8 0:0:0:0 "00:1f.3 " 10000:00:00.0; do
		run inspect "$bdf"
		expect_rc 2
		err_has "pcigate: inspect: error: '$bdf' is not a PCI address"
		err_lines 1
	done
	# A bad BDF after a good input still stops everything before any reading.
	need_corpus
	run inspect --dump "$CORPUS/$SAS" nonsense
	expect_rc 2; err_has "'nonsense'"
	[ ! -s "$tmp/out" ] || fail "a usage error must not leave half a report"
	;;
missing-bdf)
	[ -e /sys/bus/pci/devices/0000:ff:1f.7 ] && skip "0000:ff:1f.7 exists here"
	run inspect 0000:ff:1f.7
	expect_rc 3; err_has "pcigate: inspect: error: 0000:ff:1f.7: no such PCI device"; err_lines 1
	run inspect ff:1f.7
	expect_rc 3; err_has "0000:ff:1f.7"
	;;
missing-file)
	run inspect --dump "$tmp/no-such-dump.txt"
	expect_rc 3; err_has "pcigate: inspect: error: $tmp/no-such-dump.txt: "; err_lines 1
	run inspect --dump "$tmp"
	expect_rc 3; err_has "pcigate: inspect: error: $tmp: "
	;;
malformed)
	printf '00:1f.0 Broken device\n00: 86 80 zz 12 00 00 00 00 00 00 00 00 00 00 00 00\n' \
		>"$tmp/bad.txt"
	run inspect --dump "$tmp/bad.txt"
	expect_rc 3; err_has "pcigate: inspect: error: $tmp/bad.txt:2: "; err_lines 1
	printf '00:1f.0 Gap\n00: 86 80 34 12 00 00 00 00 00 00 00 00 00 00 00 00\n20: 00\n' \
		>"$tmp/gap.txt"
	run inspect --dump "$tmp/gap.txt"
	expect_rc 3; err_has "$tmp/gap.txt:3: "
	;;
continue)
	# An unreadable input is reported once; the others are still reported; exit 3.
	need_corpus
	run inspect --dump "$tmp/missing.txt" --dump "$CORPUS/$ROOT_PORT" --json
	expect_rc 3; err_lines 1; err_has "missing.txt"
	"$JSONCHECK" --devices 1 --finding bridge <"$tmp/out" || fail "JSON after an error"
	# 3 wins over 1.
	run inspect --fail-on high --dump "$CORPUS/$ROOT_PORT" --dump "$tmp/missing.txt"
	expect_rc 3; out_has "HIGH bridge:"
	;;
dump-4096)
	need_corpus
	run inspect --dump "$CORPUS/$SAS"
	expect_rc 0; err_empty
	out_has "(dump)"
	out_has "  device     1000:0072"
	out_has "  config     4096 bytes"
	out_has "[0c0] MSI-X (0x11)"
	out_has "(ext 0x0001 v1)"
	out_has "MEDIUM msix-shared-page: MSI-X PBA (BAR1+0x3800)"
	out_has "  worst      medium"
	;;
dump-bridge)
	need_corpus
	run inspect --dump "$CORPUS/$ROOT_PORT"
	expect_rc 0
	out_has "  header     type 1 (bridge)"
	out_has "HIGH bridge: PCI-to-PCI bridge header"
	out_has "MEDIUM no-acs: PCIe root port without ACS"
	out_has "  worst      high"
	;;
color)
	# Severity words are coloured only when asked for or for a terminal (ESC [ is the
	# start of every SGR sequence, ECMA-48); NO_COLOR (no-color.org) turns auto off.
	need_corpus
	esc=$(printf '\033[')
	run inspect --color=always --dump "$CORPUS/$ROOT_PORT"
	expect_rc 0
	out_has "${esc}1;31mHIGH${esc}0m bridge: PCI-to-PCI bridge header"
	out_has "${esc}33mMEDIUM${esc}0m no-acs:"
	run inspect --color never --dump "$CORPUS/$ROOT_PORT"
	expect_rc 0; out_lacks "$esc"; out_has "    HIGH bridge: "
	run inspect --dump "$CORPUS/$ROOT_PORT" # auto, stdout a file
	expect_rc 0; out_lacks "$esc"
	run inspect --json --color=always --dump "$CORPUS/$ROOT_PORT"
	expect_rc 0; out_lacks "$esc"
	run inspect --color=sometimes --dump "$CORPUS/$ROOT_PORT"
	expect_rc 2; err_has "--color: 'sometimes' is not auto, always or never"
	# auto on a terminal: script(1) gives pcigate a pseudo-terminal as stdout.
	command -v script >/dev/null 2>&1 || { echo "SKIP: script(1) (util-linux) not found"; exit 77; }
	cmd="'$PCIGATE' inspect --dump '$CORPUS/$ROOT_PORT'"
	env -u NO_COLOR timeout 60 script -qec "$cmd" /dev/null </dev/null >"$tmp/out" 2>&1
	out_has "${esc}1;31mHIGH"
	NO_COLOR=1 timeout 60 script -qec "$cmd" /dev/null </dev/null >"$tmp/out" 2>&1
	out_has "HIGH bridge: "; out_lacks "$esc"
	;;
dump-short)
	need_corpus
	run inspect --dump "$CORPUS/$SHORT"
	expect_rc 0
	out_has "  config     64 bytes"
	out_has "MEDIUM cfg-short: cap-ptr-past-end"
	out_lacks "cap-chain-malformed"
	;;
dump-multi)
	# One file holding two devices, and two files: every device, in order.
	need_corpus
	{ cat "$CORPUS/$SAS"; echo; cat "$CORPUS/$ROOT_PORT"; } >"$tmp/two.txt"
	run inspect --dump "$tmp/two.txt" --dump="$CORPUS/$QEMU_NVME"
	expect_rc 0
	[ "$(grep -c '(dump)$' "$tmp/out")" -eq 3 ] || fail "expected 3 device reports"
	first=$(grep -n '1000:0072' "$tmp/out" | head -1 | cut -d: -f1)
	second=$(grep -n '1022:1414' "$tmp/out" | head -1 | cut -d: -f1)
	third=$(grep -n '1b36:0010' "$tmp/out" | head -1 | cut -d: -f1)
	[ "$first" -lt "$second" ] && [ "$second" -lt "$third" ] || fail "devices out of order"
	;;
json)
	need_corpus
	run inspect --json --dump "$CORPUS/$SAS" --dump "$CORPUS/$ROOT_PORT" \
		--dump "$CORPUS/$SHORT"
	expect_rc 0; err_empty
	"$JSONCHECK" --devices 3 --finding bridge --finding msix-shared-page \
		--finding cfg-short <"$tmp/out" || fail "JSON check"
	run inspect --json --dump "$tmp/none.txt"
	expect_rc 3
	"$JSONCHECK" --devices 0 <"$tmp/out" || fail "JSON with no device"
	;;
json-flat)
	# One file of 3,000 devices (more than the 256 a dump once allowed), as text and as
	# JSON: each device is reported as soon as it is read, so peak memory stays that of a
	# few devices (an array of them all, or the whole document in json-c, is 13 MiB and
	# 170 MiB). Peak RSS of the child, measured by the kernel (getrusage), not timed.
	# Under ASan, freed memory waits in a quarantine: turned off so RSS shows what is live.
	need_corpus
	for i in $(seq 3000); do cat "$CORPUS/$ROOT_PORT"; echo; done >"$tmp/many.txt"
	for mode in text json; do
		rss=$(ASAN_OPTIONS=quarantine_size_mb=0:thread_local_quarantine_size_kb=0 \
		      python3 - "$PCIGATE" "$tmp/many.txt" "$mode" "$tmp/out" <<'PY'
import resource, subprocess, sys
pcigate, dump, mode, out = sys.argv[1:5]
args = [pcigate, "inspect"] + (["--json"] if mode == "json" else []) + ["--dump", dump]
with open(out, "wb") as f:
    rc = subprocess.run(args, stdout=f, stderr=subprocess.DEVNULL).returncode
print(rc, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
PY
		)
		[ "${rss%% *}" = 0 ] || fail "$mode: exit status ${rss%% *}"
		[ "${rss##* }" -lt 24576 ] || fail "$mode: peak RSS ${rss##* } KiB for 3000 devices"
	done
	"$JSONCHECK" --devices 3000 --finding bridge <"$tmp/out" || fail "JSON check"
	;;
fail-on)
	need_corpus
	run inspect --fail-on high --dump "$CORPUS/$ROOT_PORT"
	expect_rc 1; out_has "HIGH bridge:"
	run inspect --fail-on=high --dump "$CORPUS/$SAS"
	expect_rc 0
	run inspect --fail-on medium --json --dump "$CORPUS/$SAS"
	expect_rc 1
	run inspect --dump "$CORPUS/$ROOT_PORT"
	expect_rc 0 # findings alone never change the status
	;;
live-all)
	need_sysfs
	run inspect
	expect_rc 0; err_empty
	for d in /sys/bus/pci/devices/*; do
		bdf=$(basename "$d")
		grep -q "^$bdf (sysfs)$" "$tmp/out" || fail "no report for $bdf"
	done
	n=$(ls /sys/bus/pci/devices | wc -l)
	run inspect --json
	expect_rc 0
	"$JSONCHECK" --devices "$n" <"$tmp/out" || fail "JSON of live devices"
	;;
live-bdf)
	need_sysfs
	bdf=$(ls /sys/bus/pci/devices | head -1)
	run inspect "${bdf#0000:}"
	expect_rc 0; err_empty
	out_has "$bdf (sysfs)"
	;;
live-readonly)
	# Only the device list (read by libpci's sysfs method, which opens no per-device file
	# while scanning), device directories and their config and resource files may be
	# opened (directly or relative to a directory fd), and nothing for writing. Never a
	# BAR (resourceN), /dev/port, /dev/mem or /proc/bus/pci (libpci's other methods).
	need_sysfs
	command -v strace >/dev/null || skip "strace not installed"
	ASAN_OPTIONS=${ASAN_OPTIONS:-}:detect_leaks=0 \
		strace -f -qq -e trace=open,openat,openat2 -o "$tmp/trace" "$PCIGATE" inspect \
		>/dev/null 2>&1 || skip "strace cannot trace here"
	if grep -E '"(/dev/port|/dev/mem|/proc/bus/pci)|/resource[0-9]|"resource[0-9]' \
		"$tmp/trace" >"$tmp/other"; then
		fail "opened a port, memory or BAR file: $(head -3 "$tmp/other")"
	fi
	grep -E '/sys/|openat2?\([0-9]+,' "$tmp/trace" >"$tmp/sys" || fail "no sysfs access traced"
	grep -q '"/sys/bus/pci/devices", O_RDONLY' "$tmp/sys" || fail "device list not read"
	grep -q '"config"\|/config"' "$tmp/sys" || fail "config files were not read"
	# The topology module opens /sys, each device directory (by its BDF), reset_method and
	# an IOMMU group's device list; links (driver, iommu_group) are read with readlinkat.
	# Interrupt remapping: /proc/interrupts (openat on /proc) and, without it, the
	# allow_unsafe_interrupts parameter of vfio_iommu_type1.
	allowed='"/sys/bus/pci/devices(/[0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7])?"'
	allowed+='|"/sys/bus/pci/devices/[0-9a-f:.]+/(config|resource)"'
	allowed+='|"/sys", O_RDONLY'
	allowed+='|"/sys/module/vfio_iommu_type1/parameters/allow_unsafe_interrupts", O_RDONLY'
	allowed+='|openat2?\([0-9]+, "([0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]|config|resource|'
	allowed+='reset_method|interrupts|kernel/iommu_groups/[0-9]+/devices)"'
	if grep -v -E "$allowed" "$tmp/sys" >"$tmp/other"; then
		fail "opened other files: $(head -3 "$tmp/other")"
	fi
	if grep -E 'O_WRONLY|O_RDWR|O_CREAT|O_TRUNC' "$tmp/sys" >"$tmp/other"; then
		fail "opened sysfs for writing: $(head -3 "$tmp/other")"
	fi
	if grep -v -E ', O_RDONLY' "$tmp/sys" >"$tmp/other"; then
		fail "sysfs open not O_RDONLY: $(head -3 "$tmp/other")"
	fi
	;;
live-config-once)
	# A live device's config is read once per inspect: the backend reads it, and the
	# topology takes the identity from those bytes instead of reading the attribute
	# again (each dword of a sysfs config read is a config cycle in the kernel). strace
	# -y names the file behind each fd; the bridge above is read once for its ACS. Then
	# the same on every device of this machine (READ ONLY: inspect opens config and
	# resource only, see live-readonly).
	command -v strace >/dev/null || skip "strace not installed"
	s=$tmp/sys
	fake_dev "$s" 0000:00:1c.0 pci0000:00 060400 01 4 1d 4096
	fake_dev "$s" 0000:03:00.0 pci0000:00/0000:00:1c.0 020000 00 0 - 4096
	config_opens() { # BDF ARGS...: n = opens of BDF's config file by `pcigate inspect ARGS`
		local bdf=$1; shift
		ASAN_OPTIONS=${ASAN_OPTIONS:-}:detect_leaks=0 strace -f -qq -y -e trace=openat \
			-o "$tmp/trace" "$PCIGATE" inspect "$@" >"$tmp/out" 2>"$tmp/err" ||
			fail "inspect $* failed (or strace cannot trace here)"
		n=$(grep -c "= [0-9]*<[^>]*/$bdf/config>" "$tmp/trace")
	}
	config_opens 0000:03:00.0 --sysfs-root "$s" 03:00.0
	[ "$n" -eq 1 ] || fail "03:00.0's config opened $n times, expected 1"
	config_opens 0000:00:1c.0 --sysfs-root "$s" 03:00.0
	[ "$n" -eq 1 ] || fail "the bridge's config opened $n times, expected 1"
	out_has "  device     8086:1234"
	out_has "  isolation  ACS isolates every bridge above"
	[ -d /sys/bus/pci/devices ] || exit 0
	for dev in /sys/bus/pci/devices/*; do
		[ -e "$dev/config" ] || continue
		bdf=${dev##*/}
		config_opens "$bdf" "$bdf"
		[ "$n" -eq 1 ] || fail "$bdf: config opened $n times, expected 1"
	done
	;;
*)
	echo "unknown case $case_name" >&2
	exit 1
	;;
esac
exit 0
