#!/usr/bin/env bash
# README command 2: the whole test suite, exactly what CI runs (.ci/run).
#   0. release build at -O3 (README command 1's flags), warnings as errors: compile only
#   1. normal build, warnings as errors: unit + functional + style suites + vm (Linux guests under QEMU TCG)
#   2. ASan + UBSan build, warnings as errors: unit + functional suites
#   3. clang libFuzzer build: every fuzz target for PG_FUZZ_SECONDS (default 60) each
# Prints each phase's duration, each skipped test with its reason, and a closing
# "N passed, N failed, N skipped" line. A test that ran in an earlier run on this machine
# and now skips fails the suite (scripts/skip-check.py; state in ~/.cache/pcigate/):
# the install scripts above must have provided what it needs.
# Environment: PG_FUZZ_SECONDS, PG_SKIP_FUZZ=1 (local iteration only), PG_BUILD_ROOT,
# PG_TEST_STATE (the state file), PG_ALLOW_NEW_SKIPS=1 (report such skips, do not fail).
set -uo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"

fuzz_seconds=${PG_FUZZ_SECONDS:-60}
broot=${PG_BUILD_ROOT:-build}
total_pass=0 total_fail=0 total_skip=0 skip_regressions=0 status=0
state=${PG_TEST_STATE:-${XDG_CACHE_HOME:-$HOME/.cache}/pcigate/test-state.json}
t_start=$(date +%s)

bash scripts/install-deps.sh || exit 1
bash scripts/install-vm-deps.sh || exit 1

# count_results BUILDDIR: add the results in meson's testlog.json to the totals.
count_results() {
	local log="$1/meson-logs/testlog.json" p f s
	[ -f "$log" ] || return 0
	p=$(grep -c '"result": "OK"' "$log" || true)
	s=$(grep -c '"result": "SKIP"' "$log" || true)
	f=$(grep -cE '"result": "(FAIL|TIMEOUT|ERROR|UNEXPECTEDPASS)"' "$log" || true)
	total_pass=$((total_pass + p)); total_fail=$((total_fail + f)); total_skip=$((total_skip + s))
	echo "   -> $p passed, $f failed, $s skipped"
	# Name every skip; a test that ran here before and skips now fails the suite.
	python3 scripts/skip-check.py --state "$state" --phase "$2" "$log"
	case $? in
	0) ;;
	1) skip_regressions=$((skip_regressions + 1)); status=1 ;;
	*) echo "   skip check failed"; status=1 ;;
	esac
}

# phase NAME BUILDDIR SUITES SETUP-ARGS...: configure (once), build, test, time it.
phase() {
	local name=$1 dir=$2 suites=$3; shift 3
	local t0=$(date +%s) rc=0 args=()
	echo "== $name =="
	if [ ! -f "$dir/build.ninja" ]; then
		meson setup "$dir" --werror "$@" >"$dir.setup.log" 2>&1 ||
			{ cat "$dir.setup.log"; echo "setup of $dir failed"; status=1; total_fail=$((total_fail+1)); return; }
	fi
	if ! ninja -C "$dir" >"$dir.build.log" 2>&1; then
		tail -n 60 "$dir.build.log"; echo "build of $dir failed"
		status=1; total_fail=$((total_fail+1)); return
	fi
	for s in $suites; do args+=(--suite "$s"); done
	meson test -C "$dir" --print-errorlogs --num-processes "$(nproc)" "${args[@]}" || rc=$?
	[ $rc -eq 0 ] || status=1
	count_results "$dir" "$(basename "$dir")"
	echo "   $name took $(( $(date +%s) - t0 )) s"
}

# build_only NAME BUILDDIR SETUP-ARGS...: configure (once) and compile with --werror, no
# tests; counts as one passed or failed check.
build_only() {
	local name=$1 dir=$2; shift 2
	local t0=$(date +%s)
	echo "== $name =="
	if { [ -f "$dir/build.ninja" ] || meson setup "$dir" --werror "$@" >"$dir.setup.log" 2>&1; } &&
		ninja -C "$dir" >"$dir.build.log" 2>&1; then
		total_pass=$((total_pass + 1)); echo "   -> built without warnings"
	else
		tail -n 60 "$dir.build.log" 2>/dev/null || cat "$dir.setup.log"
		echo "build of $dir failed"; status=1; total_fail=$((total_fail + 1))
	fi
	echo "   $name took $(( $(date +%s) - t0 )) s"
}

mkdir -p "$broot"
# README command 1 builds with --buildtype=release (-O3): gcc's -Wmaybe-uninitialized and
# -Wformat-overflow only fire with the optimiser on, which the debug builds below never use.
build_only "release build (gcc -O3, -Werror, compile only)" "$broot/release-O3" \
	--buildtype=release -Doptimization=3
phase "normal build (gcc, -Werror)" "$broot/ci" "unit functional style vm"
phase "sanitizer build (ASan+UBSan)" "$broot/asan" "unit functional" \
	-Db_sanitize=address,undefined -Db_lundef=false
if [ "${PG_SKIP_FUZZ:-0}" != 1 ]; then
	CC=clang phase "fuzz build (clang libFuzzer, ${fuzz_seconds}s per target)" "$broot/fuzz" "fuzz" \
		-Dfuzz=true -Dfuzz_seconds="$fuzz_seconds" -Db_sanitize=address,undefined -Db_lundef=false
else
	echo "== fuzz phase skipped (PG_SKIP_FUZZ=1) =="
fi

echo "suite duration: $(( $(date +%s) - t_start )) s"
echo "$total_pass passed, $total_fail failed, $total_skip skipped" \
	"$([ $skip_regressions -gt 0 ] && echo "($skip_regressions phase(s) skip tests that ran here before)")"
exit $status
