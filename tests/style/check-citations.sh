#!/usr/bin/env bash
# Code and docs cite the PCI/PCIe/PM specifications, QEMU source files or the project's own
# docs/, never a file outside the repository (a clone alone must explain itself). Fails
# naming every line that cites a design note that is not part of the tree.
set -euo pipefail
root=${PG_SOURCE_ROOT:?PG_SOURCE_ROOT is not set}
cd "$root"
pattern='design/[a-z-]+\.md|config-space-reference|qemu-proxy-protocol|hotplug-reference|vfio-reference|virtio-hardening-reference|architecture\.md|/work/shared'
hits=$(grep -rnE "$pattern" src include docs tests bench scripts README.md meson.build \
	--exclude-dir=pci-real --exclude=check-citations.sh || true)
if [ -n "$hits" ]; then
	echo "citations of files outside the repository:"
	echo "$hits"
	exit 1
fi
echo "no citation of a file outside the repository"
