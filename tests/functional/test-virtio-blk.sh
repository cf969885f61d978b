#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# test-virtio-blk.sh CASE PCIGATE [VHOST-HOSTILE]: `pcigate virtio-blk` against a real virtio device,
# qemu-storage-daemon's vhost-user-blk export (virtio 1.2 §5.2 over QEMU's vhost-user
# protocol), started per case with a bounded lifetime on a socket in a scratch directory.
# The oracle for data is the daemon's backing file itself, read with dd: what the driver
# wrote must be in the file, and what was put in the file must be what the driver reads.
set -u
case_name=$1
PCIGATE=$2
HOSTILE=${3:-}
. "$(dirname "$0")/cli-lib.sh"

# start_hostile SCENARIO: our own misbehaving back end (vhost-hostile) on $tmp/sock.
start_hostile() {
	"$HOSTILE" "$tmp/sock" "$1" 2>"$tmp/hostile.err" &
	hpid=$!
	trap 'kill "$hpid" 2>/dev/null; rm -rf "$tmp"' EXIT
	i=0
	while [ ! -S "$tmp/sock" ]; do
		i=$((i + 1))
		[ $i -le 100 ] || fail "vhost-hostile did not listen"
		sleep 0.1
	done
}

# hostile-audit runs against our own misbehaving back end, not qemu-storage-daemon
if [ "$case_name" = hostile-audit ]; then
	start_hostile id-range
	run virtio-blk --vhost-user "$tmp/sock" --timeout 5000 --audit "$tmp/audit.jsonl" \
		write 0 8 --seed 1
	expect_rc 1
	err_has "write at sector 0 failed"
	[ "$(wc -l <"$tmp/audit.jsonl")" -eq 1 ] || fail "expected one audit record"
	grep -q '"space":"virtio","queue":0,"layout":"split","verdict":"broken","rule":"id-range"' \
		"$tmp/audit.jsonl" || fail "audit record: $(cat "$tmp/audit.jsonl")"
	# the broken ring is still stopped, and the back end fetched the one request
	out_has "queue 0 stopped at ring base 1"
	exit 0
fi
# hostile-stop: a back end that never answers GET_VRING_BASE: the command still ends within
# about one --timeout, with a transport record and exit status 1.
if [ "$case_name" = hostile-stop ]; then
	start_hostile stop-silent
	t0=$(date +%s)
	run virtio-blk --vhost-user "$tmp/sock" --timeout 2000 --audit "$tmp/audit.jsonl" \
		write 0 8 --seed 1
	t=$(($(date +%s) - t0))
	expect_rc 1
	out_has "wrote 8 sectors at 0"
	err_has "stopping queue 0 (GET_VRING_BASE) failed: Connection timed out"
	[ "$t" -le 6 ] || fail "the command took ${t} s with a 2 s timeout"
	[ "$(wc -l <"$tmp/audit.jsonl")" -eq 1 ] || fail "expected one audit record"
	grep -q '"queue":0,"verdict":"failed","rule":"transport".*GET_VRING_BASE' \
		"$tmp/audit.jsonl" || fail "audit record: $(cat "$tmp/audit.jsonl")"
	exit 0
fi
# hostile-desc: a back end that writes its read-only descriptor table while the driver is
# idle (virtio 1.2 §2.7.5), found by the audit when the ring stops: one device-desc-flags
# record, a message naming the queue, exit status 1; the data written still arrived.
if [ "$case_name" = hostile-desc ]; then
	start_hostile stop-desc-flags
	run virtio-blk --vhost-user "$tmp/sock" --timeout 5000 --audit "$tmp/audit.jsonl" \
		write 0 8 --seed 1
	expect_rc 1
	out_has "wrote 8 sectors at 0"
	err_has "queue 0 stopped at ring base 1, but the device wrote its descriptor table"
	[ "$(wc -l <"$tmp/audit.jsonl")" -eq 1 ] || fail "expected one audit record"
	grep -q '"queue":0,"layout":"split","verdict":"broken","rule":"device-desc-flags"' \
		"$tmp/audit.jsonl" || fail "audit record: $(cat "$tmp/audit.jsonl")"
	exit 0
fi

QSD=$(command -v qemu-storage-daemon) ||
	skip "qemu-storage-daemon not installed (Debian package qemu-system-common, scripts/install-deps.sh)"
qsd_pid=
trap '[ -n "$qsd_pid" ] && kill "$qsd_pid" 2>/dev/null; rm -rf "$tmp"' EXIT

# start_qsd DRIVER QUEUES: a 16 MiB export on $tmp/sock; the daemon dies after 60 s anyway.
start_qsd() {
	if [ "$1" = file ]; then
		truncate -s 16M "$tmp/disk"
		node="driver=file,node-name=n0,filename=$tmp/disk"
	else
		node="driver=null-co,node-name=n0,size=16777216,read-zeroes=on"
	fi
	timeout 60 "$QSD" --blockdev "$node" \
		--export "type=vhost-user-blk,id=e0,node-name=n0,addr.type=unix,addr.path=$tmp/sock,writable=on,num-queues=$2" \
		>"$tmp/qsd.log" 2>&1 &
	qsd_pid=$!
	i=0
	while [ ! -S "$tmp/sock" ]; do
		i=$((i + 1))
		[ $i -le 100 ] || { cat "$tmp/qsd.log" >&2; fail "qemu-storage-daemon did not listen"; }
		sleep 0.1
	done
	sleep 0.1   # the socket file exists from bind(); give listen() a moment
}

vb() { run virtio-blk --vhost-user "$tmp/sock" --timeout 10000 "$@"; }

# rw OPTIONS...: write random data, check the file; put random data in the file, read it.
rw() {
	head -c 1536000 /dev/urandom >"$tmp/in"
	vb "$@" write 8 3000 --input "$tmp/in"
	expect_rc 0
	out_has "wrote 3000 sectors at 8"
	dd if="$tmp/disk" bs=512 skip=8 count=3000 status=none | cmp -s - "$tmp/in" ||
		fail "the backing file does not hold what was written ($*)"
	head -c 65536 /dev/urandom >"$tmp/in2"
	dd if="$tmp/in2" of="$tmp/disk" bs=512 seek=5000 conv=notrunc status=none
	vb "$@" read 5000 128 --output "$tmp/got"
	expect_rc 0
	cmp -s "$tmp/got" "$tmp/in2" || fail "read data differs from the backing file ($*)"
}

case $case_name in
info)
	start_qsd file 1
	vb info
	expect_rc 0
	out_has "capacity 32768 sectors"
	out_has "ring split indirect event-idx"
	out_has "queue 0 stopped at ring base 0"
	# qsd 7.2 offers no packed ring: --packed falls back to what was negotiated
	vb --packed info
	expect_rc 0
	out_has "ring split"
	;;
rw-default)
	start_qsd file 1
	rw
	# vhost-user.rst: GET_VRING_BASE answers the next avail index the back end would
	# process: the write took 24 requests of at most 128 sectors (3000 = 23 * 128 + 56),
	# the read one, and every request is one available buffer (§2.7.6).
	vb write 8 3000 --seed 3
	expect_rc 0
	out_has "queue 0 stopped at ring base 24"
	;;
rw-plain) start_qsd file 1; rw --no-indirect --no-event-idx --depth 1 ;;
rw-small-ring) start_qsd file 1; rw --queue-size 4 --depth 8 --no-indirect ;;
rw-queue1)
	start_qsd file 2
	rw --queues 2 --queue 1
	out_has "queue 0 stopped at ring base 0"
	out_has "queue 1 stopped at ring base 1"
	;;
verify)
	start_qsd file 1
	vb write 100 64 --seed 9
	expect_rc 0
	vb verify 100 64 --seed 9
	expect_rc 0
	out_has "verified 64 sectors from 100"
	vb verify 100 64 --seed 10
	expect_rc 1
	out_has "mismatch at byte 51200"
	;;
null-read)
	start_qsd null 1
	vb --depth 16 read 0 2048 --output "$tmp/z"
	expect_rc 0
	head -c 1048576 /dev/zero | cmp -s - "$tmp/z" || fail "null-co read-zeroes data not zero"
	out_has "queue 0 stopped at ring base 16"   # 2048 sectors in 128-sector requests
	;;
beyond)
	start_qsd file 1
	vb read 32760 16
	expect_rc 1
	err_has "sector 32760"
	;;
no-socket)
	run virtio-blk --vhost-user "$tmp/nothing" info
	expect_rc 3
	err_has "$tmp/nothing"
	;;
usage)
	run virtio-blk info
	expect_rc 2
	err_has "--vhost-user SOCKET is required"
	run virtio-blk --vhost-user x --len-policy maybe info
	expect_rc 2
	err_has "bad --len-policy 'maybe'"
	;;
*) fail "unknown case" ;;
esac
exit 0
