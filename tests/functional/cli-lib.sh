# SPDX-License-Identifier: GPL-2.0-or-later
# Shared helpers of the CLI functional tests (sourced, not run). The sourcing script sets
# case_name and PCIGATE first. Provides a scratch directory $tmp (removed on exit), fail and
# skip (exit 1 / 77 with the captured output), run (pcigate with stdout/stderr captured and
# the exit status in $rc) and assertions over the captured output.

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

fail() {
	echo "FAIL [$case_name]: $*" >&2
	for f in out err; do
		[ -s "$tmp/$f" ] && { echo "--- std$f:" >&2; head -c 6000 "$tmp/$f" >&2; }
	done
	exit 1
}
skip() {
	echo "SKIP [$case_name]: $*" >&2
	exit 77
}

# run ARGS... [< input]: pcigate with stdout/stderr captured, exit status in $rc
run() {
	"$PCIGATE" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
}
expect_rc() { [ "$rc" -eq "$1" ] || fail "exit status $rc, expected $1"; }
out_has() { grep -qF -- "$1" "$tmp/out" || fail "stdout lacks: $1"; }
out_lacks() { ! grep -qF -- "$1" "$tmp/out" || fail "stdout has: $1"; }
err_has() { grep -qF -- "$1" "$tmp/err" || fail "stderr lacks: $1"; }
err_empty() { [ ! -s "$tmp/err" ] || fail "stderr not empty"; }
