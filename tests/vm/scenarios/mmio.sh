# Scenario "mmio": BAR accesses through pg-guest (mmap of resourceN). PG_MMIO holds
# "VVVV:DDDD BAR OP...;..." groups; each result line is prefixed with the device's IDs.
. /scenarios/lib.sh
echo "$PG_MMIO" | tr ';' '\n' | while read -r ids bar ops; do
	[ -n "$ids" ] || continue
	slot=$(pg_slot "$ids") || { echo "PG-VM: device $ids missing"; exit 1; }
	lspci -s "$slot" -vv | grep -E "Region|MSI-X|Vector|Control:"
	pg-guest mmio "$slot" "$bar" $ops | sed "s/^/PG-VM: $ids bar=$bar /" || exit 1
done
