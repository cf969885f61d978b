#!/usr/bin/env bash
# README command 1: install dependencies, build pcigate, and inspect this machine's PCI
# devices (read-only: config space from sysfs, no BAR access, no writes).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"

bash scripts/install-deps.sh
if [ ! -f build/release/build.ninja ]; then
	meson setup build/release --buildtype=release -Dtests=false >/dev/null
fi
ninja -C build/release
echo
echo "== pcigate inspect (this machine) =="
./build/release/src/cli/pcigate inspect
