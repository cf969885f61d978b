#!/bin/sh
# /init of the VM harness guest (busybox). Runs /scenarios/$PG_SCENARIO.sh, framing its
# output with markers on the serial console, then powers off. The scenario name comes from
# the kernel command line (pg_scenario=NAME): unknown parameters reach /init as variables.
/bin/busybox --install -s /bin
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
exec >/dev/console 2>&1
scenario=${pg_scenario:-enumerate}
echo "PG-VM: BEGIN $scenario uptime=$(cut -d' ' -f1 /proc/uptime)"
if [ -f "/scenarios/$scenario.sh" ]; then
	sh "/scenarios/$scenario.sh"
	echo "PG-VM: EXIT $?"
else
	echo "PG-VM: EXIT 127 (no scenario $scenario)"
fi
echo "PG-VM: END uptime=$(cut -d' ' -f1 /proc/uptime)"
poweroff -f
