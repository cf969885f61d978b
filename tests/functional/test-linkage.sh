#!/bin/sh
# Linkage check: the shared library exports exactly the functions the public headers
# declare with PG_EXPORT — no more (internal symbols leaking into the ABI), no fewer
# (a documented function missing from the .so).
# Usage: test-linkage.sh INCLUDE_DIR LIBPCIGATE_SO
set -eu
inc=$1 so=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
command -v nm >/dev/null 2>&1 || { echo "SKIP: nm (binutils) not found"; exit 77; }
nm -D --defined-only "$so" | awk '$2 == "T" { print $3 }' | sort >"$tmp/so"
# Join each header into one line, take every "PG_EXPORT ... name(" up to the first '(' and
# keep the identifier just before it.
for h in "$inc"/pcigate/*.h; do [ "${h##*/}" = export.h ] && continue; tr '\n' ' ' <"$h"; echo; done |
	grep -oE 'PG_EXPORT[^;{(]*\(' | sed -E 's/[[:space:]]*\($//; s/.*[^A-Za-z0-9_]//' |
	sort -u >"$tmp/hdr"
n=$(wc -l <"$tmp/hdr")
if ! diff -u "$tmp/hdr" "$tmp/so" >"$tmp/diff"; then
	echo "FAIL: exported symbols differ from PG_EXPORT declarations (- header only, + .so only):"
	cat "$tmp/diff"
	exit 1
fi
[ "$n" -ge 50 ] || { echo "FAIL: only $n exported functions found: extraction broken?"; exit 1; }
echo "ok: $n exported functions match the public headers"
