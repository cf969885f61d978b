#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# run-fuzzer.sh FUZZER SEEDS WORK SECONDS [EXTRA_CORPUS_DIR...] [-- LIBFUZZER_OPTIONS...]
#
# Run a libFuzzer target for SECONDS over a copy of its committed seed corpus. The copy
# lives in WORK (in the build directory) and is the only directory libFuzzer writes new
# inputs to; SEEDS and the extra directories (e.g. regressions) are only read, so a fuzz
# run never changes the source tree. Crash/leak/timeout inputs go to WORK/artifacts/.
set -eu
[ $# -ge 4 ] || { echo "usage: $0 FUZZER SEEDS WORK SECONDS [DIR...] [-- OPTS...]" >&2; exit 2; }
fuzzer=$1 seeds=$2 work=$3 secs=$4
shift 4
dirs=
while [ $# -gt 0 ] && [ "$1" != "--" ]; do
	[ -d "$1" ] && dirs="$dirs $1"
	shift
done
[ $# -gt 0 ] && shift
mkdir -p "$work/corpus" "$work/artifacts"
cp -f "$seeds"/* "$work/corpus/"
# shellcheck disable=SC2086 # $dirs holds build-generated paths without blanks
# libFuzzer exits 77 on a crash by default, which meson would count as a skip: make every
# crash, leak or timeout a failure.
exec "$fuzzer" -max_total_time="$secs" -print_final_stats=1 -artifact_prefix="$work/artifacts/" \
	-error_exitcode=1 -timeout_exitcode=1 \
	"$@" "$work/corpus" $dirs
