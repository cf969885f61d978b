#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Make skipped tests visible, and fail when a test that ran here last time now skips.

usage: skip-check.py --state FILE --phase NAME TESTLOG.json

Reads meson's testlog.json (one JSON object per line) of one phase of scripts/test.sh,
prints one line per skipped test with its reason (the last line the test printed), and
compares with the state file: a JSON object {phase: [names of tests that ran]} kept on this
machine (scripts/test.sh uses ~/.cache/pcigate/test-state.json). A test that ran in an
earlier run of this phase and skips now is a regression: on the same machine, the skip
means a dependency that the project's install scripts provide (scripts/install-deps.sh,
scripts/install-vm-deps.sh) went missing, and CI must not turn green by skipping it.
Tests that ran are added to the state, which is rewritten atomically. Exit status: 0, or 1
when such a regression was found (each named on stdout), or 2 on a usage or I/O error.
PG_ALLOW_NEW_SKIPS=1 reports regressions without failing (and keeps the state as it was
for the regressed tests, so the next run still reports them).
"""
import argparse
import json
import os
import sys
import tempfile

RAN = {"OK", "FAIL", "TIMEOUT", "ERROR", "EXPECTEDFAIL", "UNEXPECTEDPASS"}


def skip_reason(entry):
    for key in ("stderr", "stdout"):
        lines = [l.strip() for l in (entry.get(key) or "").splitlines() if l.strip()]
        if lines:
            return lines[-1][:160]
    return "no reason printed"


def load_log(path):
    tests = []
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            entry = json.loads(line)
            tests.append((entry.get("name", "?"), entry.get("result", "?"), entry))
    return tests


def load_state(path):
    try:
        with open(path, encoding="utf-8") as f:
            state = json.load(f)
    except FileNotFoundError:
        return {}
    if not isinstance(state, dict):
        raise ValueError(f"{path}: not a JSON object")
    return state


def save_state(path, state):
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path) or ".", prefix=".test-state.")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(state, f, indent=1, sort_keys=True)
        f.write("\n")
    os.replace(tmp, path)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--state", required=True)
    ap.add_argument("--phase", required=True)
    ap.add_argument("testlog")
    a = ap.parse_args()
    try:
        tests = load_log(a.testlog)
        state = load_state(a.state)
    except (OSError, ValueError) as e:
        print(f"skip-check: {e}", file=sys.stderr)
        return 2
    ran_before = set(state.get(a.phase, []))
    ran_now = {name for name, result, _ in tests if result in RAN}
    regressions = []
    for name, result, entry in tests:
        if result != "SKIP":
            continue
        reason = skip_reason(entry)
        print(f"   skipped: {name}: {reason}")
        if name in ran_before:
            regressions.append((name, reason))
    for name, reason in regressions:
        print(f"   SKIP REGRESSION: {name} ran in an earlier '{a.phase}' run on this machine "
              f"and now skips ({reason}); a dependency the install scripts provide is "
              f"missing")
    state[a.phase] = sorted(ran_before | ran_now)
    try:
        save_state(a.state, state)
    except OSError as e:
        print(f"skip-check: {a.state}: {e}", file=sys.stderr)
        return 2
    if regressions and os.environ.get("PG_ALLOW_NEW_SKIPS") != "1":
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
