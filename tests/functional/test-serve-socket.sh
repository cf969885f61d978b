#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# `pcigate serve --socket PATH` lifecycle (docs/serve.md, "Listening on a path"):
# test-serve-socket.sh CASE PCIGATE DUMP. Each CASE is one meson test; exit 0 pass, 1 fail.
#   sigterm  SIGTERM while waiting for QEMU: exit 0, the socket removed
#   stale    a socket file nobody listens on (its server died) is replaced
#   live     a socket another server listens on is refused (exit 3), and that server
#            is not disturbed (it still stops cleanly)
#   notsock  a path that is not a socket is refused and kept
#   user     a bad --user is refused before waiting (exit 3, no socket left)
#   launch-owned  `pcigate launch ... -- QEMU-ARGS` refuses the QEMU options launch sets
#            itself (-m, -machine/-M, -object memory-backend-*) with the pcigate option
#            to use instead, before starting anything (exit 2)
#   launch-devopts  `--device DEVICE,addr=DD.F,multifunction=on,rom=FILE|off` puts exactly
#            those properties on that device's x-pci-proxy-dev (seen by a stand-in QEMU that
#            records its argv and exits: romfile= by absolute path with romsize=); bad
#            options are usage errors, unusable ROM files input errors
#   launch-reset-fail  a real QEMU (paused with -S, told to quit over QMP on stdin once
#            its start-up reset is done) resets a modelled device whose policy allows no
#            reset method, or only one the device lacks: the server refuses QEMU's
#            DEVICE_RESET. With the policy flag reset-required that ends the session and
#            launch exits 1 with messages naming the device and the reason; without it
#            the refusal is logged with the same reason and serving goes on (launch exits
#            0 when QEMU quits) (docs/serve.md "Resets"; skipped without QEMU)
# Every wait is bounded (poll loops of at most 20 s; a watchdog kills a stuck server).
set -u

case_name=${1:?case}
PCIGATE=${2:?pcigate}
DUMP=${3:?dump}
tmp=$(mktemp -d)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null; done
	rm -rf "$tmp"
}
trap cleanup EXIT

fail() {
	echo "FAIL [$case_name]: $*" >&2
	for f in "$tmp"/err*; do [ -s "$f" ] && { echo "--- $f:" >&2; head -c 2000 "$f" >&2; }; done
	exit 1
}

# start_server NAME: serve on $tmp/s.sock in the background, stderr in $tmp/err.NAME
start_server() {
	"$PCIGATE" serve --device "$DUMP" --socket "$tmp/s.sock" --no-sandbox \
		2>"$tmp/err.$1" &
	pid=$!
	pids+=("$pid")
}

# wait_for TEXT FILE: until FILE holds TEXT (at most 20 s)
wait_for() {
	for _ in $(seq 200); do
		grep -qF -- "$1" "$2" 2>/dev/null && return 0
		sleep 0.1
	done
	fail "timed out waiting for '$1' in $2"
}

# stop PID: SIGTERM, then its exit status in rc (a stuck server is killed after 20 s)
stop() {
	kill -TERM "$1" || fail "server $1 already gone"
	for _ in $(seq 200); do
		kill -0 "$1" 2>/dev/null || break
		sleep 0.1
	done
	kill -0 "$1" 2>/dev/null && { kill -KILL "$1"; fail "server ignored SIGTERM"; }
	wait "$1"
	rc=$?
}

# a socket file whose server is gone: bound by a process that then exits
stale_socket() {
	python3 -c 'import socket,sys; s=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1])' \
		"$tmp/s.sock" || fail "cannot make a stale socket"
	[ -S "$tmp/s.sock" ] || fail "no stale socket"
}

case "$case_name" in
sigterm)
	start_server a
	wait_for "listening on $tmp/s.sock" "$tmp/err.a"
	[ -S "$tmp/s.sock" ] || fail "no socket while listening"
	stop "$pid"
	[ "$rc" -eq 0 ] || fail "SIGTERM while waiting: exit $rc, expected 0"
	[ ! -e "$tmp/s.sock" ] || fail "socket left behind after SIGTERM"
	grep -qF "stopped by SIGTERM while waiting for a connection" "$tmp/err.a" ||
		fail "no stop message"
	;;
stale)
	stale_socket
	start_server a
	wait_for "listening on $tmp/s.sock" "$tmp/err.a"
	grep -qF "replaced a stale socket" "$tmp/err.a" || fail "stale socket not reported"
	stop "$pid"
	[ "$rc" -eq 0 ] || fail "exit $rc"
	[ ! -e "$tmp/s.sock" ] || fail "socket left behind"
	;;
live)
	start_server a
	first=$pid
	wait_for "listening on $tmp/s.sock" "$tmp/err.a"
	"$PCIGATE" serve --device "$DUMP" --socket "$tmp/s.sock" --no-sandbox 2>"$tmp/err.b"
	rc=$?
	[ "$rc" -eq 3 ] || fail "second server on a live socket: exit $rc, expected 3"
	grep -qF "another server is listening on it" "$tmp/err.b" || fail "no clear error"
	grep -qF "pcigate: serve: error: --socket $tmp/s.sock:" "$tmp/err.b" || fail "error names no path"
	[ -S "$tmp/s.sock" ] || fail "the live server's socket was removed"
	# the first server was not disturbed: still waiting, stops cleanly
	kill -0 "$first" 2>/dev/null || fail "the first server died"
	stop "$first"
	[ "$rc" -eq 0 ] || fail "first server exit $rc"
	;;
notsock)
	echo keep >"$tmp/s.sock"
	"$PCIGATE" serve --device "$DUMP" --socket "$tmp/s.sock" --no-sandbox 2>"$tmp/err.a"
	rc=$?
	[ "$rc" -eq 3 ] || fail "exit $rc, expected 3"
	grep -qF "exists and is not a socket (not removed)" "$tmp/err.a" || fail "no clear error"
	[ "$(cat "$tmp/s.sock")" = keep ] || fail "a regular file was touched"
	;;
user)
	"$PCIGATE" serve --device "$DUMP" --socket "$tmp/s.sock" \
		--user pcigate-no-such-user-x 2>"$tmp/err.a"
	rc=$?
	[ "$rc" -eq 3 ] || fail "exit $rc, expected 3"
	grep -qF "pcigate: serve: error: --user pcigate-no-such-user-x: no such user" \
		"$tmp/err.a" ||
		fail "no clear error"
	grep -qF "listening" "$tmp/err.a" && fail "listened before checking --user"
	[ ! -e "$tmp/s.sock" ] || fail "socket created"
	;;
launch-owned)
	# owned option -> the hint it must give; QEMU is never started (a bogus --qemu)
	while IFS='|' read -r args opt hint; do
		# shellcheck disable=SC2086
		"$PCIGATE" launch --qemu /nonexistent/qemu --device "$DUMP" -- $args \
			2>"$tmp/err.a"
		rc=$?
		[ "$rc" -eq 2 ] || fail "launch -- $args: exit $rc, expected 2"
		grep -qF -- "$hint" "$tmp/err.a" || fail "launch -- $args: no hint '$hint'"
		grep -qF -- "pcigate: launch: error: QEMU option '$opt" "$tmp/err.a" ||
			fail "launch -- $args: error does not name the option"
	done <<-'CASES'
	-nographic -m 1G|-m|use --memory SIZE
	--m 1G|--m|use --memory SIZE
	-machine q35|-machine|use --machine TYPE
	-M q35|-M|use --machine TYPE
	-object memory-backend-ram,id=r,size=1G|-object memory-backend-ram|use --memory SIZE, or --no-memfd
	CASES
	# with --no-memfd the memory is the user's: -m passes the check (QEMU then fails to
	# start, which is not a usage error)
	"$PCIGATE" launch --no-memfd --qemu /nonexistent/qemu --device "$DUMP" -- -m 1G \
		2>"$tmp/err.a"
	rc=$?
	[ "$rc" -ne 2 ] || fail "--no-memfd -- -m 1G refused as usage"
	grep -qF "use --memory" "$tmp/err.a" && fail "--no-memfd: -m got the hint"
	;;
launch-devopts)
	printf '#!/bin/sh\nprintf "%%s\\n" "$@" >"%s"\nexit 0\n' "$tmp/args" >"$tmp/qemu"
	chmod +x "$tmp/qemu"
	timeout 60 "$PCIGATE" launch --qemu "$tmp/qemu" --no-sandbox \
		--device "$DUMP,addr=05.0,multifunction=on" --device "$DUMP,addr=1f" \
		--device "$DUMP" -- -nographic 2>"$tmp/err.a"
	rc=$?
	[ "$rc" -eq 0 ] || fail "launch with a stand-in QEMU: exit $rc"
	grep -qE '^x-pci-proxy-dev,id=pcigate0,fd=[0-9]+,addr=05\.0,multifunction=on$' \
		"$tmp/args" || fail "device 0 lacks addr=05.0,multifunction=on: $(cat "$tmp/args")"
	grep -qE '^x-pci-proxy-dev,id=pcigate1,fd=[0-9]+,addr=1f\.0$' "$tmp/args" ||
		fail "device 1 lacks addr=1f.0"
	grep -qE '^x-pci-proxy-dev,id=pcigate2,fd=[0-9]+$' "$tmp/args" ||
		fail "device 2 got options it was not given"
	for bad in addr=20.0 addr=05.8 addr=5g addr= multifunction=yes \
		"addr=05.0,romfile=x"; do
		"$PCIGATE" launch --qemu "$tmp/qemu" --device "$DUMP,$bad" 2>"$tmp/err.a"
		rc=$?
		[ "$rc" -eq 2 ] || fail "--device DUMP,$bad: exit $rc, expected 2"
	done
	grep -qF "bad option 'romfile=x'" "$tmp/err.a" || fail "bad option not named"
	# rom=FILE: QEMU gets the file by absolute path (",," for a comma) and a romsize the
	# server shows too (the file's size rounded up to a power of two, at least 2 KiB);
	# rom=off adds nothing (the device's own ROM is never shown through QEMU 7.2)
	mkdir "$tmp/r,d"
	printf '\125\252' >"$tmp/r,d/small.rom"
	head -c 5000 /dev/zero >"$tmp/big.rom"
	pg=$(readlink -f "$PCIGATE")   # run from $tmp: relative ROM paths
	(cd "$tmp" && timeout 60 "$pg" launch --qemu "$tmp/qemu" --no-sandbox \
		--device "$DUMP,rom=r,,d/small.rom,addr=06" --device "$DUMP,rom=big.rom" \
		--device "$DUMP,rom=off" -- -nographic 2>"$tmp/err.a")
	rc=$?
	[ "$rc" -eq 0 ] || fail "launch with rom=: exit $rc"
	grep -qxF "x-pci-proxy-dev,id=pcigate0,fd=$(sed -n 's/^x-pci-proxy-dev,id=pcigate0,fd=\([0-9]*\).*/\1/p' "$tmp/args"),romfile=${tmp//,/,,}/r,,d/small.rom,romsize=2048,addr=06.0" \
		"$tmp/args" || fail "rom=FILE,addr=06: $(grep pcigate0 "$tmp/args")"
	grep -qE "^x-pci-proxy-dev,id=pcigate1,fd=[0-9]+,romfile=.*/big\.rom,romsize=8192$" \
		"$tmp/args" || fail "rom=big.rom: $(grep pcigate1 "$tmp/args")"
	grep -qE '^x-pci-proxy-dev,id=pcigate2,fd=[0-9]+$' "$tmp/args" || fail "rom=off added options"
	grep -qF "big.rom: no 55 AA expansion ROM signature" "$tmp/err.a" ||
		fail "no warning for a ROM file without a signature"
	# unusable ROM files are input errors (3), a repeated rom= a usage error (2)
	while IFS='|' read -r opt want text; do
		"$PCIGATE" launch --qemu "$tmp/qemu" --device "$DUMP,$opt" 2>"$tmp/err.a"
		rc=$?
		[ "$rc" -eq "$want" ] || fail "--device DUMP,$opt: exit $rc, expected $want"
		grep -qF -- "$text" "$tmp/err.a" || fail "--device DUMP,$opt: no '$text'"
	done <<-EOF
	rom=$tmp/absent.rom|3|ROM file $tmp/absent.rom: No such file or directory
	rom=$tmp|3|ROM file $tmp: not a regular file
	rom=/dev/null|3|not a regular file
	rom=off,rom=off|2|bad option 'rom=off' (rom= given twice)
	rom=|2|bad option 'rom='
	EOF
	: >"$tmp/empty.rom"
	"$PCIGATE" launch --qemu "$tmp/qemu" --device "$DUMP,rom=$tmp/empty.rom" 2>"$tmp/err.a"
	[ $? -eq 3 ] && grep -qF "0 bytes, expected 1 byte to 16 MiB" "$tmp/err.a" ||
		fail "an empty ROM file was not refused"
	;;
launch-reset-fail)
	command -v qemu-system-x86_64 >/dev/null ||
		{ echo "SKIP: qemu-system-x86_64 not found (scripts/install-vm-deps.sh)"; exit 77; }
	ids=$(awk '/^00: /{print $3$2":"$5$4; exit}' "$DUMP")
	[ -n "$ids" ] || fail "no IDs in $DUMP"
	name=$(basename "$DUMP")
	# policy reset line | the reason the messages must give
	while IFS='|' read -r reset reason; do
	for flags in "[reset-required]" "[]"; do
		printf 'version: 1\ndevices:\n  - match: "%s"\n    profile: guest\n    reset: %s\n    flags: %s\n' \
			"$ids" "$reset" "$flags" >"$tmp/policy.yaml"
		printf '{"execute":"qmp_capabilities"}\n{"execute":"quit"}\n' |
			timeout 60 "$PCIGATE" launch --no-sandbox --timeout 40 \
			--policy "$tmp/policy.yaml" --device "$DUMP" -- -S -display none \
			-nodefaults -qmp stdio >"$tmp/qmp" 2>"$tmp/err.a"
		rc=$?
		grep -qF '"host-qmp-quit"' "$tmp/qmp" || fail "reset $reset: QEMU did not quit over QMP"
		grep -qF -- "$reason" "$tmp/err.a" || fail "reset $reset: no reason '$reason'"
		if [ "$flags" = "[]" ]; then
			# refused to QEMU, served on: a clean end when QEMU quits
			[ "$rc" -eq 0 ] || fail "reset $reset, no reset-required: launch exit $rc, expected 0"
			grep -F "device reset refused" "$tmp/err.a" | grep -F "serving on" |
				grep -qF "${name:0:40}" ||
				fail "reset $reset: the refusal (serving on) does not name the device"
			continue
		fi
		[ "$rc" -eq 1 ] || fail "reset $reset: launch exit $rc, expected 1"
		grep -F "pcigate: launch: error: " "$tmp/err.a" | grep -F "device reset refused" |
			grep -qF "${name:0:40}" ||
			fail "reset $reset: the refusal does not name the device"
		grep -qF "pcigate: launch: error: server for $DUMP exited with 1" "$tmp/err.a" ||
			fail "reset $reset: launch does not name the failed server's device"
	done
	done <<-'EOF'
	{ avoid: [flr, pm, bus] }|the policy allows no reset method
	{ prefer: [bus] }|the device supports none of the reset methods the policy allows (bus)
	EOF
	;;
*)
	echo "unknown case $case_name" >&2
	exit 1
	;;
esac
exit 0
