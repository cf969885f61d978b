#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Instructions per buffer of the hardened and the unhardened driver (bench-vring's
# same-thread mode under callgrind): the deterministic counterpart of bench-vring's wall
# clock ratios, which are noisy on a shared machine. "driver" counts only inside the
# driver entry points (add, kick, get); "+device" adds the test device's pop and push, the
# other half of a two-thread run's work. Ratio = unhardened / hardened instructions (the
# throughput ratio a CPU-bound run would show).
#
# Usage: bench/vring-instructions.sh BENCH_VRING_BINARY [BUFFERS (default 100000)]
set -eu
bin=${1:?usage: $0 BENCH_VRING_BINARY [BUFFERS]}
n=${2:-100000}
command -v valgrind >/dev/null 2>&1 || { echo "valgrind not installed: skipped"; exit 77; }

# count VARIANT(u|h) MODE FUNCTION... -> instructions collected inside FUNCTIONs
count() {
	v=$1 m=$2
	shift 2
	t=""
	for f in "$@"; do t="$t --toggle-collect=$f"; done
	# shellcheck disable=SC2086
	BENCH_VRING_INLINE=1 BENCH_VRING_MODES=$m BENCH_VRING_ONLY=$v \
		valgrind --tool=callgrind --callgrind-out-file=/dev/null $t "$bin" "$n" 1 2>&1 \
		>/dev/null | sed -n 's/.*Collected : *\([0-9]*\).*/\1/p'
}

echo "bench-vring instructions per buffer (callgrind, same thread, $n buffers per mode)"
printf '%-6s %-5s %12s %12s %7s %14s %14s %7s\n' mode batch "unhardened" "hardened" ratio \
	"unh.+device" "hard.+device" ratio
for m in s16 s1 p16 p1; do
	ud=$(count u $m ub_vq_add ub_vq_kick_prepare ub_vq_get)
	hd=$(count h $m pg_vq_add pg_vq_kick_prepare pg_vq_get)
	ua=$(count u $m ub_vq_add ub_vq_kick_prepare ub_vq_get vdev_pop vdev_push)
	ha=$(count h $m pg_vq_add pg_vq_kick_prepare pg_vq_get vdev_pop vdev_push)
	case $m in s*) lay="split" ;; *) lay="packed" ;; esac
	awk -v lay=$lay -v b="${m#?}" -v n="$n" -v ud="$ud" -v hd="$hd" -v ua="$ua" -v ha="$ha" \
		'BEGIN { printf "%-6s %-5s %12.2f %12.2f %7.3f %14.2f %14.2f %7.3f\n", lay, b,
			 ud / n, hd / n, ud / hd, ua / n, ha / n, ua / ha }'
done
