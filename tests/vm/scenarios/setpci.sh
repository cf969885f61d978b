# Scenario "setpci" (vm-test.py checks the results and the servers' logs):
# A (guest profile): relocate BAR0 to PG_A_NEWBAR and use it; write the hidden VPD
#   capability at PG_A_VPD.
# B (device-model): write Command, PCIe Device Control and MSI-X Message Control (Enable on,
#   then off); only the enables may reach the backend.
. /scenarios/lib.sh
a=$(pg_slot "$PG_A") || { echo "PG-VM: device $PG_A missing"; exit 1; }
b=$(pg_slot "$PG_B") || { echo "PG-VM: device $PG_B missing"; exit 1; }

setpci -s "$a" COMMAND=2:2
old=$(pg_cfg "$a" 0x10 l)
setpci -s "$a" BASE_ADDRESS_0="$PG_A_NEWBAR"
echo "PG-VM: bar0 old=$old new=$(pg_cfg "$a" 0x10 l)"
addr=$((0x$PG_A_NEWBAR + 0x100))
devmem "$addr" 32 0xcafef00d
echo "PG-VM: relocated-mmio value=$(devmem "$addr" 32)"

setpci -s "$a" "$(pg_hex $((PG_A_VPD + 2))).w=1234"
echo "PG-VM: vpd read=$(pg_cfg "$a" "$PG_A_VPD" l)"

setpci -s "$b" COMMAND=7:7
setpci -s "$b" "$(pg_hex $((PG_B_EXP + 8))).w=10:10"
setpci -s "$b" "$(pg_hex $((PG_B_MSIX + 2))).w=8000:8000"
echo "PG-VM: msix ctl=$(pg_cfg "$b" $((PG_B_MSIX + 2)) w) cmd=$(pg_cfg "$b" 4 w)"
setpci -s "$b" "$(pg_hex $((PG_B_MSIX + 2))).w=0:8000"
echo "PG-VM: msix-off ctl=$(pg_cfg "$b" $((PG_B_MSIX + 2)) w)"
exit 0
