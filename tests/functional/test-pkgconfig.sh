#!/bin/sh
# The shared library and its pkg-config file work for an outside user: install the build
# into a scratch prefix, compile a small program with `pkg-config --cflags --libs pcigate`
# against the installed headers, and run it on a corpus dump.
# Usage: test-pkgconfig.sh BUILD_DIR CC CORPUS_DIR
set -eu
build=$1 cc=$2 corpus=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
meson install -C "$build" --no-rebuild --destdir "$tmp/root" >"$tmp/install.log" 2>&1 ||
	{ cat "$tmp/install.log"; echo "FAIL: meson install"; exit 1; }
pc=$(find "$tmp/root" -name pcigate.pc | head -n 1)
[ -n "$pc" ] || { echo "FAIL: no pcigate.pc installed"; exit 1; }
prefix=$(sed -n 's/^prefix=//p' "$pc")
# Point pkg-config at the scratch root: the .pc names the real prefix.
export PKG_CONFIG_SYSROOT_DIR="$tmp/root" PKG_CONFIG_PATH="${pc%/*}"
cat >"$tmp/user.c" <<'C'
#include <stdio.h>
#include <stdlib.h>
#include <pcigate/pcigate.h>

int main(int argc, char **argv)
{
	struct pg_dump_dev *devs = NULL;
	struct pg_cfg_layout *l = NULL;
	size_t n = 0;

	if (argc != 2 || pg_dump_read_file(argv[1], &devs, &n, NULL) < 0 ||
	    pg_cfg_parse(devs[0].cfg, devs[0].len, NULL, &l) < 0)
		return 1;
	printf("%s %04x:%04x caps=%u\n", pg_version(), l->vendor, l->device, l->ncaps);
	pg_cfg_free(l);
	free(devs);
	return 0;
}
C
# shellcheck disable=SC2046
"$cc" -std=c17 -Wall -Werror -o "$tmp/user" "$tmp/user.c" $(pkg-config --cflags --libs pcigate)
dump=$(ls "$corpus"/144d-a826_*.txt | head -n 1)
out=$(LD_LIBRARY_PATH="$tmp/root$prefix/lib/x86_64-linux-gnu:$tmp/root$prefix/lib" "$tmp/user" "$dump")
echo "$out"
case "$out" in
*"144d:a826 caps=12"*) echo "ok" ;;
*) echo "FAIL: unexpected output"; exit 1 ;;
esac
