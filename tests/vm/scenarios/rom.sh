# Scenario "rom" (through `pcigate launch`): device A has --device ...,rom=FILE (QEMU maps
# the file, the server shows the ROM BAR), device B rom=off. The guest reads A's ROM through
# sysfs (the kernel enables the ROM BAR, maps it and checks the 55 AA / PCIR image) and
# looks for any ROM on B. vm-test.py compares what was read with the file.
. /scenarios/lib.sh
a=$(pg_slot "$PG_A") || { echo "PG-VM: device $PG_A missing"; exit 1; }
b=$(pg_slot "$PG_B") || { echo "PG-VM: device $PG_B missing"; exit 1; }
lspci -vv -s "$a" | grep -E "Expansion ROM|Region"
echo "PG-VM: rom-a slot=$a lines=$(lspci -vv -s "$a" | grep -c 'Expansion ROM') reg=$(pg_cfg "$a" 0x30 l)"
d=/sys/bus/pci/devices/$a
if [ -e "$d/rom" ]; then
	echo 1 >"$d/rom"
	sum=$(md5sum <"$d/rom" | cut -d' ' -f1)
	size=$(wc -c <"$d/rom")
	echo 0 >"$d/rom"
	echo "PG-VM: rom-a-read md5=$sum size=$size"
else
	echo "PG-VM: rom-a-read md5=none size=0"
fi
# sizing the ROM BAR by hand: all ones in the address bits, then back
old=$(pg_cfg "$a" 0x30 l)
setpci -s "$a" 0x30.l=fffff800
echo "PG-VM: rom-a-size mask=$(pg_cfg "$a" 0x30 l)"
setpci -s "$a" 0x30.l="$old"
echo "PG-VM: rom-b slot=$b lines=$(lspci -vv -s "$b" | grep -c 'Expansion ROM') reg=$(pg_cfg "$b" 0x30 l) sysfs=$([ -e "/sys/bus/pci/devices/$b/rom" ] && echo yes || echo no)"
exit 0
