#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Functional tests of `pcigate policy`: test-policy-cli.sh CASE PCIGATE
# Each CASE is one meson test. Exit 0 pass, 1 fail. Needs PG_TESTDATA (tests/data).
# Exit statuses under test: 0 all valid, 1 some policy invalid, 2 usage, 3 unreadable
# (3 wins over 1: an unread file was not checked at all).
set -u

case_name=${1:?case}
PCIGATE=${2:?pcigate executable}
DATA=${PG_TESTDATA:?PG_TESTDATA}/policy

tmp=$(mktemp -d)
trap 'chmod -R u+rwx "$tmp"; rm -rf "$tmp"' EXIT

fail() {
	echo "FAIL [$case_name]: $*" >&2
	for f in out err; do
		[ -s "$tmp/$f" ] && { echo "--- std$f:" >&2; head -c 4000 "$tmp/$f" >&2; }
	done
	exit 1
}

run() {
	"$PCIGATE" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
}
expect_rc() { [ "$rc" -eq "$1" ] || fail "exit status $rc, expected $1"; }
out_has() { grep -qxF -- "$1" "$tmp/out" || fail "stdout lacks the line: $1"; }
err_has() { grep -qF -- "$1" "$tmp/err" || fail "stderr lacks: $1"; }
lines_of() { wc -l <"$tmp/$1"; }
out_lines() { [ "$(lines_of out)" -eq "$1" ] || fail "stdout has $(lines_of out) lines, not $1"; }
err_lines() { [ "$(lines_of err)" -eq "$1" ] || fail "stderr has $(lines_of err) lines, not $1"; }
err_empty() { [ ! -s "$tmp/err" ] || fail "stderr not empty"; }
out_empty() { [ ! -s "$tmp/out" ] || fail "stdout not empty"; }

case "$case_name" in
check-ok)
	run policy check "$DATA/good/full-entry.yaml"
	expect_rc 0; out_has "$DATA/good/full-entry.yaml: ok (1 device)"; out_lines 1; err_empty
	run policy check "$DATA/good/precedence.yaml" "$DATA/good/minimal.yaml"
	expect_rc 0; out_has "$DATA/good/precedence.yaml: ok (10 devices)"
	out_has "$DATA/good/minimal.yaml: ok (0 devices)"; out_lines 2; err_empty
	;;
check-invalid)
	run policy check "$DATA/bad/reg-bar.yaml"
	expect_rc 1; out_empty; err_lines 1
	err_has "$DATA/bad/reg-bar.yaml:5:19: error: register 0x10 touches 0x10-0x27"
	# a limit (-E2BIG) is an invalid policy too
	run policy check "$DATA/bad/too-many-devices.yaml"
	expect_rc 1; err_has "too-many-devices.yaml:1027:5: error: too many items in devices"
	;;
check-mixed)
	# every file is checked even after a failure, in order
	run policy check "$DATA/bad/version-missing.yaml" "$DATA/good/minimal.yaml" \
		"$DATA/bad/match-duplicate.yaml"
	expect_rc 1; out_has "$DATA/good/minimal.yaml: ok (0 devices)"; out_lines 1; err_lines 2
	err_has "version-missing.yaml:1:1: error: missing required key 'version'"
	err_has "match-duplicate.yaml:4:12: error: duplicate match key '8086:15b8'"
	;;
check-unreadable)
	run policy check "$tmp/absent.yaml"
	expect_rc 3; out_empty; err_lines 1
	err_has "$tmp/absent.yaml: error: cannot open the file: No such file or directory"
	mkfifo "$tmp/fifo"
	run policy check "$tmp/fifo"   # must not block on the FIFO
	expect_rc 3; err_has "$tmp/fifo: error: not a regular file"
	# unreadable wins over invalid, whatever the order; valid files still print ok
	run policy check "$DATA/bad/empty.yaml" "$tmp/absent.yaml" "$DATA/good/minimal.yaml"
	expect_rc 3; err_lines 2; out_lines 1
	run policy check "$tmp/absent.yaml" "$DATA/bad/empty.yaml"
	expect_rc 3; err_lines 2
	# too large to be a policy: refused before reading, as an invalid policy
	head -c 1048577 /dev/zero >"$tmp/big.yaml"
	run policy check "$tmp/big.yaml"
	expect_rc 1; err_has "$tmp/big.yaml: error: policy file is 1048577 bytes"
	;;
check-dir)
	# A directory is checked file by file (every file's errors, with file:line), then as
	# one policy the way serve/launch/view load it. Table: the files to put in the
	# directory (NAME=SOURCE; SOURCE under tests/data/policy, "dup" a file repeating
	# class-slot.yaml's class:02xx key, "fifo" a FIFO), the exit status, then the lines
	# expected on stdout (o:) or stderr (e:); "!" before o:/e: means "must not appear".
	printf 'version: 1\ndevices:\n  - match: "class:02XX"\n' >"$tmp/dup.yaml"
	pd=$tmp/pd
	while IFS='|' read -r files want lines; do
		rm -rf "$pd"; mkdir "$pd"
		for f in $files; do
			case ${f#*=} in
			fifo) mkfifo "$pd/${f%%=*}" ;;
			dup) cp "$tmp/dup.yaml" "$pd/${f%%=*}" ;;
			*) cp "$DATA/${f#*=}" "$pd/${f%%=*}" ;;
			esac
		done
		run policy check "$pd"
		[ "$rc" -eq "$want" ] || fail "[$files]: exit $rc, expected $want"
		IFS=';' read -ra checks <<<"$lines"
		for c in "${checks[@]}"; do
			c=${c# }; neg=false
			[ "${c:0:1}" = "!" ] && { neg=true; c=${c:1}; }
			where=$tmp/out; [ "${c:0:2}" = "e:" ] && where=$tmp/err
			c=${c:2}; c=${c//@/$pd}
			if grep -qF -- "$c" "$where"; then
				! $neg || fail "[$files]: '$c' should not appear"
			else
				$neg || fail "[$files]: no '$c' in ${where##*/}"
			fi
		done
	done <<-'EOF'
	10-a.yaml=good/class-slot.yaml 20-b.yaml=good/capabilities.yaml README=good/minimal.yaml|0|o:@/10-a.yaml: ok (6 devices); o:@/20-b.yaml: ok (3 devices); o:@/README: ignored (only NAME.yaml files are read); o:@: ok (2 files, 9 devices)
	10-a.yaml=good/class-slot.yaml 20-b.yaml=good/full-entry.yaml|1|e:@/20-b.yaml:4:5: error: duplicate match key '8086:15b8' (first at line 13) in @/10-a.yaml
	10-a.yaml=bad/reg-bar.yaml 20-b.yaml=good/minimal.yaml 30-c.yaml=bad/version-missing.yaml|1|e:@/10-a.yaml:5:19: error: register 0x10 touches; o:@/20-b.yaml: ok (0 devices); e:@/30-c.yaml:1:1: error: missing required key 'version'; e:@: error: invalid (serve, launch and view refuse the whole directory); !o:@: ok
	10-a.yaml=good/class-slot.yaml 30-dup.yaml=dup|1|o:@/10-a.yaml: ok (6 devices); o:@/30-dup.yaml: ok (1 device); e:@/30-dup.yaml:3:5: error: duplicate match key 'class:02xx' (first at line 5) in @/10-a.yaml; !o:@: ok (
	.x.yaml=bad/reg-bar.yaml a.yaml.dpkg-old=bad/reg-bar.yaml 10-a.yaml=good/minimal.yaml|0|o:@/a.yaml.dpkg-old: ignored; o:@: ok (1 file, 0 devices); !o:.x.yaml; !e:reg-bar
	|0|o:@: ok (0 files, 0 devices): no policy, every device gets the default
	10-a.yaml=fifo 20-b.yaml=bad/empty.yaml|3|e:@/10-a.yaml: error: not a regular file; e:@/20-b.yaml:
	EOF
	# --device: the entry that applies, named by its file and line; the most specific
	# key wins whichever file holds it (precedence across files as within one)
	R=$PG_TESTDATA/pci-real/10ec-8168_realtek-co-rtl8111-8168-8411-pci-express-gigabit_4096.txt
	rm -rf "$pd"; mkdir "$pd"
	cp "$DATA/good/class-slot.yaml" "$pd/90-classes.yaml"
	run policy check --device "$R" "$pd/"
	expect_rc 0; out_has "$pd/90-classes.yaml:7: class:0200"
	printf 'version: 1\ndevices:\n  - match: "10ec:8168"\n    name: "r8168"\n' >"$pd/10-site.yaml"
	run policy check --device "$R" "$pd/"
	expect_rc 0; out_has "$pd/10-site.yaml:3: 10ec:8168 (r8168)"
	out_has "$pd/: ok (2 files, 7 devices)"
	run policy lookup "$pd" "$R"
	expect_rc 0; out_has "$pd/10-site.yaml:3: 10ec:8168 (r8168)"
	# no PATH: the default directory (here normally absent: the default applies)
	run policy check
	expect_rc 0; grep -q "pcigate/policy.d" "$tmp/out" || fail "no PATH: default dir not named"
	;;
usage)
	run policy
	expect_rc 2; err_lines 1; err_has "pcigate: policy: error: expected 'check', 'lookup' or 'generate'"
	out_empty
	run policy frob "$DATA/good/minimal.yaml"
	expect_rc 2; err_has "unknown action 'frob'"
	run policy lookup "$DATA/good/minimal.yaml"
	expect_rc 2; err_has "pcigate: policy lookup: error: expected FILE and a DEVICE"
	run policy lookup "$DATA/good/minimal.yaml" 8086:15b8:0000:000
	expect_rc 2; err_has "bad device '8086:15b8:0000:000'"
	# never guessed: without subsystem and revision a lookup could pick another entry
	run policy lookup "$DATA/good/minimal.yaml" 8086:15b8
	expect_rc 2; err_has "nothing is guessed"
	run policy lookup "$DATA/good/minimal.yaml" 8086:15b8@03
	expect_rc 2; err_has "nothing is guessed"
	run policy lookup "$DATA/good/minimal.yaml" vfio:0000:03:00.0
	expect_rc 2; err_has "bad device 'vfio:"
	run policy lookup "$DATA/good/minimal.yaml" "$tmp/absent-dump.txt"
	expect_rc 3; err_has "absent-dump.txt"
	run policy check --device 8086:15b8 "$DATA/good/minimal.yaml"
	expect_rc 2; out_empty
	run policy lookup --device 8086:15b8:0000:0000@00 "$DATA/good/minimal.yaml"
	expect_rc 2; err_has "--device is for 'check'"
	run policy check --frob "$DATA/good/minimal.yaml"
	expect_rc 2; err_has "unknown option '--frob'"
	run policy generate
	expect_rc 2; err_has "pcigate: policy generate: error: expected one DEVICE"
	run policy generate vfio:0000:03:00.0
	expect_rc 2
	run policy --help
	expect_rc 0; err_empty; grep -q "usage: pcigate policy check \[--device DEVICE\]" \
		"$tmp/out" || fail "no usage"
	run help policy
	expect_rc 0
	grep -q "pcigate-policy(5)" "$tmp/out" || fail "help does not cite the man page"
	run help
	expect_rc 0; grep -q "^  policy " "$tmp/out" || fail "policy missing from the command list"
	;;
lookup)
	P=$DATA/good/precedence.yaml
	run policy lookup "$P" 10ec:8168:1043:8554@15
	expect_rc 0; err_empty; out_has "$P:16: 10ec:8168:1043:8554@15"; out_has "  flags: no-rom"
	run policy lookup "$P" 10ec:8168:1043:8677@15
	expect_rc 0; out_has "$P:18: 10ec:8168:1043:8677"
	run policy lookup "$P" 10ec:8168:0000:0000@15
	expect_rc 0; out_has "$P:12: 10ec:8168@15"; out_has "  reset avoid: pm"
	run policy lookup "$P" 10ec:8169:0000:0000@00
	expect_rc 0; out_has "$P:8: 10ec:8100-81ff"
	run policy lookup "$P" 10EC:0001:0000:0000@00
	expect_rc 0; out_has "$P:4: 10ec:*"
	run policy lookup "$P" 1234:5678:0000:0000@00
	expect_rc 0
	msg="no entry matches 1234:5678:0000:0000@00; the default applies"
	out_has "$P: $msg (profile guest, nothing opened)"
	F=$DATA/good/full-entry.yaml
	run policy lookup "$F" 8086:15b8:0000:0000@00
	expect_rc 0; out_has "$F:4: 8086:15b8 (Intel I219-V (lab box))"
	out_has "  remove capabilities: pcie ext:aer"; out_has "  register 0x041/1: read mask 0xff"
	out_has "  register 0x0a0/4: emulate 0x00000000"; out_has "  reset prefer: flr pm"
	run policy lookup "$DATA/bad/empty.yaml" 8086:15b8:0000:0000@00
	expect_rc 1; err_has "empty.yaml:1:1: error:"
	run policy lookup "$tmp/absent.yaml" 8086:15b8:0000:0000@00
	expect_rc 3
	# a dump: its own IDs (10ec:8168 rev 1b), class 0200 and slot 0000:08:00.0
	R=$PG_TESTDATA/pci-real/10ec-8168_realtek-co-rtl8111-8168-8411-pci-express-gigabit_4096.txt
	run policy lookup "$P" "$R"
	expect_rc 0; out_has "$P:10: 10ec:8168"; out_has "  profile: device-model"
	;;
match-class-slot)
	# precedence across kinds, from pcigate-policy(5): slot > IDs > class:BBSS > class:BBxx
	R=$PG_TESTDATA/pci-real/10ec-8168_realtek-co-rtl8111-8168-8411-pci-express-gigabit_4096.txt
	U=$PG_TESTDATA/pci-real/1022-7807_amd-fch-usb-ohci-controller_256.txt
	printf 'version: 1\ndevices:\n  - match: "class:02xx"\n' >"$tmp/p.yaml"
	run policy lookup "$tmp/p.yaml" "$R"
	expect_rc 0; out_has "$tmp/p.yaml:3: class:02xx"
	printf '  - match: "class:0200"\n    flags: [no-d3]\n' >>"$tmp/p.yaml"
	run policy lookup "$tmp/p.yaml" "$R"
	expect_rc 0; out_has "$tmp/p.yaml:4: class:0200"
	printf '  - match: "10ec:*"\n' >>"$tmp/p.yaml"
	run policy lookup "$tmp/p.yaml" "$R"
	expect_rc 0; out_has "$tmp/p.yaml:6: 10ec:*"
	printf '  - match: "slot:08:00.0"\n    profile: permissive\n' >>"$tmp/p.yaml"
	run policy lookup "$tmp/p.yaml" "$R"
	expect_rc 0; out_has "$tmp/p.yaml:7: slot:0000:08:00.0"; out_has "  profile: permissive"
	# class and slot keys never match a device given by IDs alone (nothing guessed)
	run policy lookup "$tmp/p.yaml" 1234:5678:0000:0000@00
	expect_rc 0; out_has "$tmp/p.yaml: no entry matches 1234:5678:0000:0000@00; the default applies (profile guest, nothing opened)"
	# a USB controller is neither 02xx nor in slot 08:00.0
	run policy lookup "$tmp/p.yaml" "$U"
	expect_rc 0; grep -q "no entry matches" "$tmp/out" || fail "USB controller matched"
	# check --device prints the entry of every valid file
	run policy check --device "$R" "$tmp/p.yaml" "$DATA/good/class-slot.yaml"
	expect_rc 0; out_has "$tmp/p.yaml: ok (4 devices)"; out_has "$tmp/p.yaml:7: slot:0000:08:00.0"
	out_has "$DATA/good/class-slot.yaml: ok (6 devices)"
	out_has "$DATA/good/class-slot.yaml:7: class:0200"
	;;
view-entry)
	# `pcigate view` names the entry it applies; a directory is merged, clashes refused
	R=$PG_TESTDATA/pci-real/10ec-8168_realtek-co-rtl8111-8168-8411-pci-express-gigabit_4096.txt
	run view --policy "$DATA/good/class-slot.yaml" "$R"
	expect_rc 0
	err_has "pcigate view: $R: policy entry $DATA/good/class-slot.yaml:7 class:0200 (profile guest)"
	mkdir "$tmp/pd"
	cp "$DATA/good/class-slot.yaml" "$tmp/pd/10-classes.yaml"
	printf 'version: 1\ndevices:\n  - match: "10ec:8168"\n    name: "r8168"\n    profile: device-model\n' \
		>"$tmp/pd/20-site.yaml"
	echo "not: a policy" >"$tmp/pd/README"
	run view --policy "$tmp/pd" "$R"
	expect_rc 0
	err_has "policy entry $tmp/pd/20-site.yaml:3 10ec:8168 \"r8168\" (profile device-model)"
	# the same key in two files: the directory is rejected, naming both files
	printf 'version: 1\ndevices:\n  - match: "class:02XX"\n' >"$tmp/pd/30-dup.yaml"
	run view --policy "$tmp/pd" "$R"
	expect_rc 3; out_empty
	err_has "--policy $tmp/pd/30-dup.yaml:3:5: duplicate match key 'class:02xx' (first at line 5) in $tmp/pd/10-classes.yaml"
	# an empty directory is no entry at all
	rm "$tmp/pd"/*.yaml
	run view --policy "$tmp/pd" "$R"
	expect_rc 0; grep -q "policy entry" "$tmp/err" && fail "an empty directory applied an entry"
	;;
generate)
	# every generated policy loads, and names its own device, for corpus dumps
	n=0
	for f in "$PG_TESTDATA"/pci-real/*.txt; do
		run policy generate "$f"
		expect_rc 0
		cp "$tmp/out" "$tmp/gen.yaml"
		grep -q "^    profile: guest$" "$tmp/gen.yaml" || fail "$f: no guest profile"
		ids=$(basename "$f" | cut -c1-9 | tr - :)
		run policy check --device "$f" "$tmp/gen.yaml"
		expect_rc 0; out_has "$tmp/gen.yaml: ok (1 device)"
		grep -q "^$tmp/gen.yaml:[0-9]*: $ids" "$tmp/out" || fail "$f: entry not applied"
		n=$((n + 1))
		[ "$n" -ge 40 ] && break
	done
	[ "$n" -ge 10 ] || fail "only $n dumps"
	run policy generate "$tmp/absent.txt"
	expect_rc 3; err_has "absent.txt"
	;;
golden)
	# The CLI reports exactly what the golden .expect files say.
	n=0
	for f in "$DATA"/good/*.yaml; do
		want=$(sed -n 's/^ok \([0-9]*\)$/\1/p' "${f%.yaml}.expect")
		run policy check "$f"
		expect_rc 0
		grep -qE "^$(printf '%s' "$f" | sed 's/[][\.*^$]/\\&/g'): ok \($want devices?\)$" \
			"$tmp/out" || fail "$f: not 'ok ($want ...)'"
		n=$((n + 1))
	done
	for f in "$DATA"/bad/*.yaml; do
		run policy check "$f"
		expect_rc 1
		exp=$(cat "${f%.yaml}.expect")
		pos=${exp%%: *}
		msg=${exp#*: }
		err_has "$f:$pos: error: $msg"
		n=$((n + 1))
	done
	[ "$n" -ge 26 ] || fail "only $n golden files"
	;;
*)
	echo "unknown case $case_name" >&2
	exit 1
	;;
esac
exit 0
