#!/usr/bin/env bash
# Instructions per config access of bench-mediator's loops, counted by callgrind (steady on
# a loaded machine, where the nanoseconds bench-mediator prints are not), and the issue 7
# ratios: mediated / direct write, rewrites and writes with effects (target <= 3x).
#   bench/bench-mediator-ir.sh BUILD [DUMP...]
# Default devices: the corpus NVMe controller (4 KiB) and virtio-blk (a 64-byte dump).
set -euo pipefail

build=${1:?usage: bench-mediator-ir.sh BUILD [DUMP...]}
shift
bench=$build/bench/bench-mediator
iter=${PG_BENCH_ITER:-20000}
rounds=9 # ROUNDS in bench-mediator.c: each loop runs rounds x iter accesses
corpus=$(cd "$(dirname "$0")/.." && pwd)/tests/data/pci-real
if [ $# -eq 0 ]; then
	set -- "$corpus/144d-a826_samsung-electronics-co-nvme-ssd-controller-pm174_4096.txt" \
	       "$corpus/1af4-1001_red-hat-virtio-block-device_64.txt"
fi
command -v valgrind >/dev/null || { echo "bench-mediator-ir: valgrind not installed" >&2; exit 1; }
[ -x "$bench" ] || { echo "bench-mediator-ir: no $bench (build first)" >&2; exit 1; }
out=$(mktemp)
trap 'rm -f "$out"' EXIT
printf '%-58s %8s %8s %8s %8s %8s %8s %7s %7s\n' device rd-dir rd-med wr-dir wr-med \
	fx-dir fx-med wr-x fx-x
for dump in "$@"; do
	valgrind --tool=callgrind --callgrind-out-file="$out" "$bench" -n "$iter" "$dump" \
		>/dev/null 2>&1
	callgrind_annotate --inclusive=yes "$out" 2>/dev/null | tr -d , |
	awk -v n=$((iter * rounds)) -v dev="$(basename "$dump")" '
		match($0, /loop_[a-z_]+/) { v[substr($0, RSTART, RLENGTH)] = $1 / n }
		END {
			printf "%-58s %8.0f %8.0f %8.0f %8.0f %8.0f %8.0f %6.2fx %6.2fx\n",
			       substr(dev, 1, 58), v["loop_direct_read"], v["loop_mediated_read"],
			       v["loop_direct_write"], v["loop_mediated_write"],
			       v["loop_direct_fx"], v["loop_mediated_fx"],
			       v["loop_mediated_write"] / v["loop_direct_write"],
			       v["loop_mediated_fx"] / v["loop_direct_fx"]
		}'
done
