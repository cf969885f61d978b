# Scenario "enumerate": what the guest's PCI core and lspci see. The host-side runner
# (vm-test.py) checks the IDs and capability lists against the served devices.
echo "PG-VM: lspci-nn BEGIN"
lspci -nn
echo "PG-VM: lspci-nn END"
for d in /sys/bus/pci/devices/*; do
	v=$(cat "$d/vendor"); id=$(cat "$d/device")
	slot=${d##*/}
	echo "PG-VM: device $slot $v:$id BEGIN"
	lspci -nn -vvv -xxx -s "$slot"
	echo "PG-VM: device $slot END"
done
