#!/usr/bin/env bash
# Install everything pcigate needs to build and test, from Debian 12's package registry.
# Idempotent: when every package is already installed it touches nothing (no network).
set -euo pipefail

packages=(
	# build
	gcc meson ninja-build pkg-config
	# libraries: libpci (host access, pci.ids names), json-c (JSON reports),
	# libyaml (policy files), libseccomp (serve sandbox), cmocka (unit tests)
	libc6-dev libpci-dev pciutils pci.ids libjson-c-dev libyaml-dev libseccomp-dev libcmocka-dev
	# man pages
	scdoc
	# functional tests: strace proves the live inspect opens nothing for writing
	strace
	# unit tests of the topology module: sysfs trees built by umockdev's testbed
	# guard unit tests: umockdev's fake sysfs (libumockdev-dev pulls GLib)
	umockdev libumockdev-dev
	# libFuzzer targets and the sanitizer runtime
	clang libclang-rt-14-dev
	# virtio: qemu-storage-daemon's vhost-user-blk export is the real device of the
	# virtio-blk functional tests and benchmark
	qemu-system-common
	# benchmarks: callgrind counts bench-mediator's instructions per access
	# (bench/bench-mediator-ir.sh) and bench-vring's per buffer (bench/vring-instructions.sh),
	# steady where the machine's load moves the nanoseconds
	valgrind
)

missing=()
for p in "${packages[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		missing+=("$p")
	fi
done

if [ ${#missing[@]} -eq 0 ]; then
	echo "install-deps: all ${#packages[@]} packages present"
	exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
	echo "install-deps: missing packages: ${missing[*]}" >&2
	echo "install-deps: run as root (or install them with apt-get) and retry" >&2
	exit 1
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
