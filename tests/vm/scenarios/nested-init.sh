#!/bin/sh
# /init of the inner guest of the vfio-nested scenario (tests/vm/vfio-test.py): a guest
# inside the VFIO test guest, whose edu device is QEMU's x-pci-proxy-dev served by pcigate
# over vfio. Reads the NVMe controller's Version and a write/read of its Admin Submission
# Queue Base (a plain RW register while the controller is disabled) through BAR0.
/bin/busybox --install -s /bin
export PATH=/bin:/sbin:/usr/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
exec >/dev/console 2>&1
echo "PG-NESTED: BEGIN uptime=$(cut -d' ' -f1 /proc/uptime)"
for d in /sys/bus/pci/devices/*; do
	if [ "$(cat "$d/vendor"):$(cat "$d/device")" = "0x1b36:0x0010" ]; then
		setpci -s "${d##*/}" COMMAND=0x6
		pg-guest mmio "${d##*/}" 0 r32:8 w32:0x28=0x12345000 r32:0x28 |
			sed 's/^/PG-NESTED: /'
	fi
done
echo "PG-NESTED: END uptime=$(cut -d' ' -f1 /proc/uptime)"
poweroff -f
