# Scenario "kill": A's server is SIGKILLed and B's SIGTERMed by the host once READY is
# printed; the guest waits until both read all ones, then shows it is alive and that C
# still works. B's Bus Master is turned on first so that quiescing has something to undo.
. /scenarios/lib.sh
a=$(pg_slot "$PG_A") || { echo "PG-VM: device $PG_A missing"; exit 1; }
b=$(pg_slot "$PG_B") || { echo "PG-VM: device $PG_B missing"; exit 1; }
c=$(pg_slot "$PG_C") || { echo "PG-VM: device $PG_C missing"; exit 1; }
setpci -s "$b" COMMAND=4:4
echo "PG-VM: bm b=$(pg_cfg "$b" 4 w)"
echo "PG-VM: READY"
i=0
while [ $i -lt 150 ]; do
	va=$(pg_cfg "$a" 0 w)
	vb=$(pg_cfg "$b" 0 w)
	[ "$va" = ffff ] && [ "$vb" = ffff ] && break
	sleep 0.2
	i=$((i + 1))
done
echo "PG-VM: gone a=$va b=$vb polls=$i"
echo "PG-VM: alive c=$(pg_cfg "$c" 0 l) uptime=$(cut -d' ' -f1 /proc/uptime)"
lspci -nn
exit 0
