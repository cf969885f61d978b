# Scenario "bench": time 4-byte config reads (pread of sysfs config, dword by dword) on the
# served device, a QEMU-emulated e1000 and the host bridge, three runs each, interleaved.
. /scenarios/lib.sh
s=$(pg_slot "$PG_SERVED") || { echo "PG-VM: device $PG_SERVED missing"; exit 1; }
e=$(pg_slot 8086:100e) || { echo "PG-VM: no e1000"; exit 1; }
for run in 1 2 3; do
	pg-guest cfgbench "$s" "$PG_SWEEPS" | sed "s/^/PG-VM: bench served /"
	pg-guest cfgbench "$e" "$PG_SWEEPS" | sed "s/^/PG-VM: bench e1000 /"
	pg-guest cfgbench 0000:00:00.0 "$PG_SWEEPS" | sed "s/^/PG-VM: bench hostbridge /"
done
exit 0
