# Guard, the main case: pci-stub loaded first by the shipped init-top script, the real
# drivers (e1000e, nvme) loaded before any plug; devices plugged into root ports are
# quarantined, allowed by rule and by command, rejected by slot and by an inspect finding;
# the daemon restarts without losing decisions.
. /scenarios/guard-lib.sh
sh /scenarios/pcigate-guard.init-top
modprobe e1000e
modprobe nvme
echo "PG-VM: modules $(cut -d' ' -f1 /proc/modules | tr '\n' ' ')"
$GUARD arm --check; echo "PG-VM: arm-check rc=$?"
guard_start /scenarios/guard-rules.yaml
$GUARD arm --check; echo "PG-VM: arm-check-after rc=$?"

q1=$(plug q1-e1000e 1); wait_audit "\"decision\".*$q1"
q2=$(plug q2-nvme 2); wait_audit "\"decision\".*$q2"
a3=$(plug a3-e1000e 3); wait_audit "\"decision\".*$a3"
r4=$(plug r4-nvme 4); wait_audit "\"decision\".*$r4"
r5=$(plug r5-virtio 5); wait_audit "\"decision\".*$r5"
q6=$(plug q6-nvme 6); wait_audit "\"decision\".*$q6"
q7=$(plug q7-e1000e 7); wait_audit "\"decision\".*$q7"
m9=$(plug m9-e1000e 9); wait_audit "\"decision\".*$m9"
m10=$(plug m10-nvme 10); wait_audit "\"decision\".*$m10"
m11=$(plug m11-e1000e 11); wait_audit "\"decision\".*$m11"
m12=$(plug m12-nvme 12); wait_audit "\"decision\".*$m12"
sleep 1
for x in q1:$q1 q2:$q2 a3:$a3 r4:$r4 r5:$r5 q6:$q6 q7:$q7 m9:$m9 m10:$m10 m11:$m11 m12:$m12; do
	state "${x%%:*}" "${x#*:}"
done

# The NIC allowed by rule comes up and gets a DHCP lease (real DMA both ways).
ifc=$(ls /sys/bus/pci/devices/$a3/net 2>/dev/null | head -1)
ip link set "$ifc" up
udhcpc -i "$ifc" -n -q -t 5 -T 2 -s /bin/true >/tmp/dhcp.log 2>&1
echo "PG-VM: dhcp name=a3 ifc=$ifc rc=$? $(grep -o 'lease of [0-9.]*' /tmp/dhcp.log)"

# Allowed by command; the NVMe one permanently. Its namespace reads back the disk's data.
$GUARD allow "$q1" --driver e1000e --socket $SOCK; echo "PG-VM: allow name=q1 rc=$?"
$GUARD allow "$q2" --driver nvme --permanent --socket $SOCK; echo "PG-VM: allow name=q2 rc=$?"
$GUARD allow "$q7" --socket $SOCK; echo "PG-VM: allow-nodriver name=q7 rc=$?"
i=0; while [ ! -b /dev/nvme0n1 ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
echo "PG-VM: nvme-data $(dd if=/dev/nvme0n1 bs=512 count=1 2>/dev/null | head -c 20)"
state q1 "$q1"; state q2 "$q2"

# Restart: stop the daemon, nothing changes; start it again, decisions are listed as kept,
# and a device plugged after the restart is still quarantined.
guard_stop
state q1 "$q1"; state q2 "$q2"; state q6 "$q6"
guard_start /scenarios/guard-rules.yaml
echo "PG-VM: LIST BEGIN"; $GUARD list --socket $SOCK; echo "PG-VM: LIST END"
q8=$(plug q8-e1000e 8); wait_audit "\"decision\".*$q8"
sleep 1
state q1 "$q1"; state q2 "$q2"; state q6 "$q6"; state q8 "$q8"
guard_stop
guard_dump
