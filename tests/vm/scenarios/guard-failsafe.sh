# Guard: a rule file error keeps everything quarantined (fail closed, and says why); then
# SR-IOV virtual functions created after arming are quarantined while their PF is allowed;
# a permanent decision; passthrough to vfio-pci by port and IOMMU domain.
. /scenarios/guard-lib.sh
sh /scenarios/pcigate-guard.init-top
modprobe e1000e
modprobe nvme
modprobe vfio-pci
pcigate guard check /scenarios/guard-rules-bad.yaml; echo "PG-VM: check-bad rc=$?"
guard_start /scenarios/guard-rules-bad.yaml
f1=$(plug f1-e1000e 1); wait_audit "\"decision\".*$f1"
sleep 1
state f1 "$f1"
echo "PG-VM: LIST BEGIN"; $GUARD list --socket $SOCK; echo "PG-VM: LIST END"
guard_stop
guard_start /scenarios/guard-rules-sriov.yaml
s1=$(plug s1-nvme-sriov 2); wait_audit "\"decision\".*$s1"
sleep 1
state s1 "$s1"
echo 2 > "/sys/bus/pci/devices/$s1/sriov_numvfs"; echo "PG-VM: numvfs rc=$?"
i=0; while [ ! -e "/sys/bus/pci/devices/$s1/virtfn1" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
for v in 0 1; do
	vf=$(basename "$(readlink "/sys/bus/pci/devices/$s1/virtfn$v")")
	wait_audit "\"decision\".*$vf"
	state "vf$v" "$vf"
done
# A permanent decision: the same NIC re-plugged into the same port is allowed on its own.
$GUARD allow "$f1" --driver e1000e --permanent --socket $SOCK; echo "PG-VM: allow name=f1 rc=$?"
state f1 "$f1"
unplug u1-unplug "$f1" 2>&1
state u1 "$f1"
p1=$(plug p1-replug 1); wait_audit '"by":"permanent"'
sleep 1
state p1 "$p1"
# Passthrough: an NVMe behind port 00:12.0, in an IOMMU domain, is assigned to vfio-pci.
v3=$(plug v3-nvme-assign 3); wait_audit "\"decision\".*$v3"
sleep 1
state v3 "$v3"
echo "PG-VM: iommu v3 $(cat /sys/bus/pci/devices/$v3/iommu_group/type 2>&1)"
guard_stop
guard_dump
