# Helpers of the guard scenarios (busybox sh). The host plugs devices through QEMU's monitor
# when it reads "PG-VM: PLUG-<name>" and reports back nothing: the guest waits for the new
# device itself (every wait has a deadline: TCG on a loaded machine is slow).
. /scenarios/lib.sh
GUARD="pcigate guard"
SOCK=/tmp/guard.sock
AUDIT=/tmp/guard-audit.jsonl
STATE=/tmp/guard-state.json

# guard_start RULES: start the daemon, wait for its control socket (60 s).
guard_start() {
	pcigate guard run --rules "$1" --state $STATE --audit $AUDIT --socket $SOCK \
		>>/tmp/guard.log 2>&1 &
	GUARD_PID=$!
	i=0
	while [ ! -S $SOCK ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
	[ -S $SOCK ] || { echo "PG-VM: FAIL daemon did not start"; cat /tmp/guard.log; }
	sleep 0.3
}

guard_stop() {
	kill "$GUARD_PID"
	i=0
	while kill -0 "$GUARD_PID" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
}

# plug NAME N: ask the host to plug into root port N and print the device's address. The
# firmware numbers the root ports' buses 1, 2, ... in order: the device is 0000:NN:00.0. A
# rejected device may be gone before this loop looks, so the sign is the daemon's add
# record for it (one more than before; 60 s).
plug() {
	b=0000:$(printf %02x "$2"):00.0
	n0=$(grep -c "\"add\".*$b" $AUDIT 2>/dev/null)
	echo "PG-VM: PLUG-$1" >&2
	i=0
	while [ "$(grep -c "\"add\".*$b" $AUDIT 2>/dev/null)" -le "${n0:-0}" ] && [ $i -lt 600 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	echo "$b"
}

# unplug NAME BDF: ask the host to unplug (pciehp waits 5 s: the attention button) and wait
# until the device is gone (30 s).
unplug() {
	echo "PG-VM: PLUG-$1" >&2
	i=0
	while [ -d "/sys/bus/pci/devices/$2" ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
}

# wait_audit PATTERN [SECONDS]: until a line of the audit log matches (grep -E).
wait_audit() {
	i=0
	while ! grep -qE "$1" $AUDIT 2>/dev/null && [ $i -lt $((${2:-30} * 10)) ]; do
		sleep 0.1
		i=$((i + 1))
	done
}

drv() {
	if [ -e "/sys/bus/pci/devices/$1/driver" ]; then
		basename "$(readlink "/sys/bus/pci/devices/$1/driver")"
	else
		echo none
	fi
}

# state NAME BDF: one line the host parses; probe= counts messages of e1000e/nvme/virtio
# drivers about the device (none while it is quarantined), stub= pci-stub's "claimed by
# stub" messages (its probe ran).
state() {
	if [ -d "/sys/bus/pci/devices/$2" ]; then
		cmd=$(setpci -s "$2" COMMAND)
		p=$(dmesg | grep -E "(e1000e|nvme|virtio).*$2" | grep -cv pci-stub)
		st=$(dmesg | grep -c "pci-stub $2: claimed by stub")
		echo "PG-VM: state name=$1 bdf=$2 present=1 driver=$(drv "$2") cmd=$cmd probe=$p stub=$st"
	else
		echo "PG-VM: state name=$1 bdf=$2 present=0 driver=none cmd=0000 probe=0"
	fi
}

guard_dump() {
	echo "PG-VM: AUDIT BEGIN"
	cat $AUDIT
	echo "PG-VM: AUDIT END"
	echo "PG-VM: LOG BEGIN"
	cat /tmp/guard.log
	echo "PG-VM: LOG END"
}
