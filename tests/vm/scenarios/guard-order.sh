# Guard: the wrong module order (e1000e registered before pci-stub) is detected: `arm`
# refuses and names the driver, the daemon runs without the gate, and a plugged NIC that
# e1000e takes is reported as a gate breach and taken back to quarantine.
. /scenarios/guard-lib.sh
modprobe e1000e
modprobe pci-stub
modprobe nvme
echo "PG-VM: modules $(cut -d' ' -f1 /proc/modules | tr '\n' ' ')"
echo "PG-VM: ARM BEGIN"; $GUARD arm; echo "PG-VM: ARM END rc=$?"
guard_start /scenarios/guard-rules.yaml
o1=$(plug o1-e1000e 1); wait_audit "\"decision\".*$o1"
sleep 1
state o1 "$o1"
guard_stop
guard_dump
