#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# make-cfg-seeds.sh - rebuild corpus/fuzz-cfg/ (binary seeds of fuzz-cfg) from the
# single-device text dumps in corpus/fuzz-dump/.
#
# fuzz-cfg input format (see fuzz-cfg.c): byte 0 = mask of BARs whose size is known
# (bit 7 set: pass no sizes at all), bytes 1..7 = log2 of the size of BAR0..BAR5 and the
# ROM (0xff: size 0, i.e. not implemented), then the raw config bytes (at most 4096).
# Seeds alternate between "no sizes" and a plausible set (BAR0 16K, others 4K, ROM 64K)
# so both the sized and the unsized MSI-X/BAR paths start covered.
#
# Needs xxd (Debian package xxd, also shipped with vim). Usage: sh make-cfg-seeds.sh
set -eu
here=$(cd "$(dirname "$0")" && pwd)
src=$here/corpus/fuzz-dump
dst=$here/corpus/fuzz-cfg
mkdir -p "$dst"
i=0
for f in "$src"/*.txt; do
	# one device per seed: skip dumps holding several header lines
	[ "$(grep -c '^[0-9a-f]*:[0-9a-f]*:\|^[0-9a-f][0-9a-f]:[0-9a-f][0-9a-f]\.' "$f")" -eq 1 ] || continue
	out=$dst/$(basename "$f" .txt).bin
	if [ $((i % 2)) -eq 0 ]; then
		prefix=80ffffffffffffff
	else
		prefix=7f0e0c0c0c0c0c10
	fi
	{
		echo "$prefix"
		grep -E '^[0-9a-f]{2,3}: ' "$f" | cut -d: -f2
	} | xxd -r -p >"$out"
	i=$((i + 1))
done
echo "$i seeds in $dst"
