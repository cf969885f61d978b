#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# scripts/skip-check.py (used by scripts/test.sh): every skip is named with its reason, and
# a test that ran in an earlier run on this machine and skips now fails the check, while a
# test that has always skipped (never ran here) only shows.
set -u
here=${PG_SOURCE_ROOT:?}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
check() { if ! eval "$2"; then echo "FAIL: $1"; fail=1; fi; }

log() { # NAME RESULT [OUTPUT]...: a testlog.json line
	printf '{"name": "%s", "result": "%s", "stdout": "%s"}\n' "$1" "$2" "${3:-}"
}
run() { python3 "$here/scripts/skip-check.py" --state "$tmp/state.json" --phase ci "$1" \
	>"$tmp/out" 2>&1; echo $?; }

# First run: vm-a runs, vm-b skips (never ran here): exit 0, the skip is named.
{ log vm-a OK; log vm-b SKIP 'skip: qemu-system-x86_64 not found'; } >"$tmp/1.json"
check "first run exits 0" '[ "$(run "$tmp/1.json")" = 0 ]'
check "the skip is named with its reason" \
	'grep -q "skipped: vm-b: skip: qemu-system-x86_64 not found" "$tmp/out"'
check "state records what ran" 'grep -q "\"vm-a\"" "$tmp/state.json" && ! grep -q "\"vm-b\"" "$tmp/state.json"'

# Second run: vm-a now skips: a regression, exit 1, named.
{ log vm-a SKIP 'skip: guest kernel missing'; log vm-b SKIP 'skip: qemu'; } >"$tmp/2.json"
check "a test that ran before and skips now fails" '[ "$(run "$tmp/2.json")" = 1 ]'
check "the regression is named" 'grep -q "SKIP REGRESSION: vm-a ran" "$tmp/out"'
check "vm-b (never ran) is no regression" '! grep -q "REGRESSION: vm-b" "$tmp/out"'

# It stays a failure until the test runs again; PG_ALLOW_NEW_SKIPS reports without failing.
check "still failing on the next run" '[ "$(run "$tmp/2.json")" = 1 ]'
check "PG_ALLOW_NEW_SKIPS=1 does not fail" \
	'[ "$(PG_ALLOW_NEW_SKIPS=1 run "$tmp/2.json")" = 0 ] && grep -q REGRESSION "$tmp/out"'
{ log vm-a OK; log vm-b OK; } >"$tmp/3.json"
check "running again clears it" '[ "$(run "$tmp/3.json")" = 0 ]'

# Phases are separate: a test that ran in phase ci may skip in another phase.
check "other phase" '[ "$(python3 "$here/scripts/skip-check.py" --state "$tmp/state.json" \
	--phase asan "$tmp/2.json" >/dev/null; echo $?)" = 0 ]'
# Broken inputs are errors (2), not silent passes.
echo '{' >"$tmp/bad.json"
check "a broken testlog is an error" '[ "$(run "$tmp/bad.json")" = 2 ]'

# test.sh wires it in and its closing line counts skips.
check "test.sh runs skip-check.py" 'grep -q "scripts/skip-check.py" "$here/scripts/test.sh"'
check "closing line shows skips" 'grep -q "skipped\"" "$here/scripts/test.sh"'
exit $fail
