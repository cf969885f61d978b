# Scenario "enumerate": what the guest's PCI core and lspci see of every device, and BAR
# accesses to the read-only live device (PG_RO: its IDs; PG_RO_OPS: "BAR OP..." groups
# separated by ';'). The host-side runner (vm-test.py) checks IDs, capabilities and BARs.
. /scenarios/lib.sh
echo "PG-VM: lspci-nn BEGIN"
lspci -nn
echo "PG-VM: lspci-nn END"
pg_show_devices
if [ -n "$PG_RO" ]; then
	slot=$(pg_slot "$PG_RO") || { echo "PG-VM: read-only device $PG_RO missing"; exit 1; }
	echo "$PG_RO_OPS" | tr ';' '\n' | while read -r bar ops; do
		[ -n "$bar" ] && pg-guest mmio "$slot" $bar $ops | sed "s/^/PG-VM: ro bar=$bar /"
	done
fi
exit 0
