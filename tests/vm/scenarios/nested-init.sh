#!/bin/sh
# /init of the inner guest of the vfio-nested scenario (tests/vm/vfio-test.py): a guest
# inside the VFIO test guest, whose edu device is QEMU's x-pci-proxy-dev served by pcigate
# over vfio. edu has no reset method: QEMU's machine-start DEVICE_RESET is refused by the
# server, which serves on. Reads edu's identification register and its liveness check
# (the device returns the bitwise inverse of what was written) through BAR0.
/bin/busybox --install -s /bin
export PATH=/bin:/sbin:/usr/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
exec >/dev/console 2>&1
echo "PG-NESTED: BEGIN uptime=$(cut -d' ' -f1 /proc/uptime)"
for d in /sys/bus/pci/devices/*; do
	if [ "$(cat "$d/vendor"):$(cat "$d/device")" = "0x1234:0x11e8" ]; then
		setpci -s "${d##*/}" COMMAND=0x6
		pg-guest mmio "${d##*/}" 0 r32:0 w32:4=0x12345678 r32:4 |
			sed 's/^/PG-NESTED: /'
	fi
done
echo "PG-NESTED: END uptime=$(cut -d' ' -f1 /proc/uptime)"
poweroff -f
