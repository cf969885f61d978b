# Helpers shared by the guest scenario scripts (busybox sh), and the scenario's parameters
# (params.sh, written by the host-side harness tests/vm/vmlib.py: device IDs, offsets).
[ -f /scenarios/params.sh ] && . /scenarios/params.sh

# pg_slot VVVV:DDDD: print the slot of the first device with these IDs; 1 if none.
pg_slot() {
	for d in /sys/bus/pci/devices/*; do
		if [ "$(cat "$d/vendor"):$(cat "$d/device")" = "0x${1%%:*}:0x${1##*:}" ]; then
			echo "${d##*/}"
			return 0
		fi
	done
	return 1
}

# pg_show SLOT: one framed `lspci -nn -vvv -xxx` block (the host parses these).
pg_show() {
	d=/sys/bus/pci/devices/$1
	echo "PG-VM: device $1 $(cat "$d/vendor"):$(cat "$d/device") BEGIN"
	lspci -nn -vvv -xxx -s "$1"
	echo "PG-VM: device $1 END"
}

pg_show_devices() {
	for d in /sys/bus/pci/devices/*; do
		pg_show "${d##*/}"
	done
}

# pg_hex N: N (decimal or 0x hex) as bare hex, the form setpci takes.
pg_hex() {
	printf '%x' "$(($1))"
}

# pg_cfg SLOT OFF WIDTH: read config (WIDTH b, w or l) with setpci; prints bare hex.
pg_cfg() {
	setpci -s "$1" "$(pg_hex "$2").$3"
}
