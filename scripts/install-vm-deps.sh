#!/usr/bin/env bash
# Install what the VM harness (tests/vm, meson suite 'vm') needs, from Debian 12's registry:
#   - qemu-system-x86 (QEMU 7.2: x-pci-proxy-dev, TCG) and busybox-static (guest userspace),
#   - pciutils (lspci/setpci, copied into the guest initramfs with their shared libraries),
#   - strace (vm-enumerate traces the read-only sysfs server's openat/pread64/pwrite64/mmap),
#   - gcc and libc6-dev (the static guest helper tests/vm/guest/pg-guest.c),
#   - a Debian 6.1 kernel, NOT installed on the host: its .deb is downloaded with
#     `apt-get download` into a cache directory and unpacked there with `dpkg-deb -x`;
#     kmod's `depmod -b` writes the unpacked tree's modules.dep, from which
#     tests/vm/mkinitramfs.py copies the modules a scenario loads (busybox modprobe).
# Idempotent: with everything present it touches nothing (no network).
#
# Cache: $PG_VM_CACHE, default ${XDG_CACHE_HOME:-$HOME/.cache}/pcigate/vm. After a
# successful run it holds `vmlinuz` (a symlink to the unpacked kernel) and `kernel-version`.
set -euo pipefail

cache=${PG_VM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pcigate/vm}
# dpdk-dev: dpdk-testpmd with the vhost PMD, the packed-ring vhost-user device of the virtio
# tests (about 220 packages, hence here and not in install-deps.sh; those tests skip without)
packages=(qemu-system-x86 busybox-static pciutils python3 strace gcc libc6-dev kmod dpdk-dev)

say() { echo "install-vm-deps: $*"; }
die() { echo "install-vm-deps: error: $*" >&2; exit 1; }

missing=()
for p in "${packages[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		missing+=("$p")
	fi
done
updated=0
if [ ${#missing[@]} -gt 0 ]; then
	[ "$(id -u)" -eq 0 ] || die "missing packages: ${missing[*]} (run as root or apt-get install them)"
	say "installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	updated=1
	apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
	say "packages present: ${packages[*]}"
fi

# depmod_tree: modules.dep for the unpacked kernel (idempotent; only the cache is written).
depmod_tree() {
	local v
	v=$(cat "$cache/kernel-version")
	[ -s "$cache/root/lib/modules/$v/modules.dep" ] && return 0
	depmod -b "$cache/root" "$v" || die "depmod -b $cache/root $v failed"
	say "modules.dep written for $v"
}

mkdir -p "$cache"
if [ -e "$cache/vmlinuz" ] && [ -s "$cache/kernel-version" ]; then
	say "kernel present: $(cat "$cache/kernel-version") in $cache"
	depmod_tree
	exit 0
fi

# The kernel package linux-image-amd64 currently depends on (e.g. linux-image-6.1.0-56-amd64).
# With no package lists yet, update them once.
kpkg=$(apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/ {print $2; exit}')
if [ -z "$kpkg" ] && [ $updated -eq 0 ]; then
	[ "$(id -u)" -eq 0 ] || die "no package lists; run 'apt-get update' as root and retry"
	apt-get update -qq
	kpkg=$(apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/ {print $2; exit}')
fi
[ -n "$kpkg" ] || die "cannot resolve the kernel package behind linux-image-amd64"
say "downloading $kpkg into $cache (not installing it)"
(cd "$cache" && apt-get download -q -o APT::Sandbox::User=root "$kpkg") || die "apt-get download $kpkg failed"
deb=$(ls -t "$cache"/"$kpkg"_*.deb 2>/dev/null | head -n1)
[ -n "$deb" ] || die "no .deb for $kpkg in $cache after download"
rm -rf "$cache/root"
mkdir -p "$cache/root"
dpkg-deb -x "$deb" "$cache/root"
kimg=$(ls "$cache"/root/boot/vmlinuz-* 2>/dev/null | head -n1)
[ -n "$kimg" ] || die "$deb holds no boot/vmlinuz-*"
ln -sfn "$kimg" "$cache/vmlinuz"
basename "$kimg" | sed 's/^vmlinuz-//' >"$cache/kernel-version"
rm -f "$deb"
say "kernel $(cat "$cache/kernel-version") unpacked: $cache/vmlinuz"
depmod_tree
