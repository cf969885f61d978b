# VFIO scenarios (tests/vm/vfio-test.py): QEMU's edu, e1000e and nvme bound to vfio-pci in a
# q35 guest with an emulated Intel IOMMU, driven through libpcigate by /usr/bin/pg-vfio.
# Each step prints "PG-VM: CHECK NAME ok|FAIL" lines; the host asserts on them.
# Parameters (params.sh): EDU E1000E NVME NVME_RP XHCI SATA (BDFs), VFIO_STEPS (which steps).
. /scenarios/lib.sh

# children PID: the PIDs whose parent is PID (busybox has no pgrep)
children() {
	parent=$1
	for st in /proc/[0-9]*/stat; do
		f=$(cat "$st" 2>/dev/null) || continue
		set -- $f
		[ "$4" = "$parent" ] && echo "$1"
	done
}

bind() {
	echo vfio-pci > "/sys/bus/pci/devices/$1/driver_override"
	echo "$1" > /sys/bus/pci/drivers_probe
	echo "PG-VM: BIND $1 $(basename "$(readlink "/sys/bus/pci/devices/$1/driver")" 2>/dev/null)"
}

modprobe vfio-pci || echo "PG-VM: MODPROBE vfio-pci failed"
for m in $KMODS_EXTRA; do modprobe "$m" || echo "PG-VM: MODPROBE $m failed"; done
echo "PG-VM: IR $(grep -c ' IR-' /proc/interrupts) unsafe=$(cat /sys/module/vfio_iommu_type1/parameters/allow_unsafe_interrupts)"
for d in $EDU $E1000E $NVME $NVME_RP $XHCI $SATA; do bind "$d"; done

for step in $VFIO_STEPS; do
	case $step in
	cfg) pg-vfio cfg "$E1000E" ;;
	irq) pg-vfio irq "$EDU" ;;
	msix) pg-vfio msix "$NVME" ;;
	dma) pg-vfio dma "$EDU" ;;
	reset) pg-vfio reset "$NVME"; pg-vfio reset "$E1000E" ;;
	resetlist) pg-vfio resetlist "$NVME"; pg-vfio resetlist "$NVME_RP" ;;
	request) timeout 40 pg-vfio request "$E1000E" ;;
	msixmap) pg-vfio msixmap "$NVME" ;;
	hostile)
		pg-vfio open zz:1
		pg-vfio open 0000:00:1f.7
		pg-vfio open "$SATA"                   # group shared with a host-bound driver
		echo 1 > "/sys/bus/pci/devices/$XHCI/remove"
		pg-vfio open "$XHCI"                   # the device is gone
		pg-vfio open "$EDU"                    # the harness is still fine
		;;
	cli)
		echo "PG-VM: CLI-BEGIN inspect"
		pcigate inspect "vfio:$NVME"; echo "PG-VM: CLI-RC inspect $?"
		pcigate inspect --json "vfio:$NVME" > /tmp/inspect.json; echo "PG-VM: CLI-RC inspect-json $?"
		grep -E '"(direct_map|interrupt_remapping|device_reset|msix|iommu_group)"' /tmp/inspect.json |
			tr -d ' ,' | sed 's/^/PG-VM: JSON /'
		pcigate inspect "$EDU" | grep 'irq remap' | sed 's/^/PG-VM: LIVE /'
		pcigate inspect "vfio:$SATA"; echo "PG-VM: CLI-RC inspect-nonviable $?"
		pcigate inspect vfio:zz; echo "PG-VM: CLI-RC inspect-bad $?"
		pcigate view "vfio:$EDU" > /tmp/view.txt; echo "PG-VM: CLI-RC view $?"
		head -3 /tmp/view.txt
		printf 'w 0x3c 1 0x5a\nw 0x0c 1 0x10\nw 0x04 2 0x6\nr 0x04 2\n' |
			pcigate session "vfio:$E1000E"; echo "PG-VM: CLI-RC session $?"
		echo "PG-VM: CLI-HW cmd=$(setpci -s "$E1000E" COMMAND) intline=$(setpci -s "$E1000E" INTERRUPT_LINE)"
		echo "PG-VM: CLI-END"
		;;
	assign)
		drv() { l=$(readlink "/sys/bus/pci/devices/$1/driver") && basename "$l" || echo none; }
		pcigate assign 0000:00:00.0; echo "PG-VM: ASSIGN hostbridge rc=$?"
		pcigate assign 0000:00:06.0; echo "PG-VM: ASSIGN rootport rc=$? drv=$(drv 0000:00:06.0)"
		pcigate assign 0000:00:1f.0; echo "PG-VM: ASSIGN isa rc=$?"
		pcigate assign zz; echo "PG-VM: ASSIGN bad rc=$?"
		pcigate release "$NVME"; echo "PG-VM: ASSIGN release rc=$? drv=$(drv "$NVME") override=$(cat "/sys/bus/pci/devices/$NVME/driver_override")"
		pcigate assign "$NVME"; echo "PG-VM: ASSIGN assign rc=$? drv=$(drv "$NVME") dev=$(ls /dev/vfio | grep -c .)"
		pcigate release "$SATA"; echo "PG-VM: ASSIGN release-sata rc=$? drv=$(drv "$SATA")"
		pcigate assign "$SATA"; echo "PG-VM: ASSIGN nonviable rc=$? drv=$(drv "$SATA") override=$(cat "/sys/bus/pci/devices/$SATA/driver_override")"
		pg-vfio open "$NVME"                   # usable again after release + assign
		;;
	killserve)
		# pcigate launch holds the device; its server is SIGKILLed: launch must quiesce.
		# A stand-in "QEMU" that only waits, so that no guest needs to boot.
		printf '#!/bin/sh\nsleep 30\n' > /tmp/fake-qemu; chmod +x /tmp/fake-qemu
		pcigate launch --device "vfio:$NVME" --qemu /tmp/fake-qemu --timeout 40 -- \
			2> /tmp/launch.err &
		lp=$!
		sleep 2
		setpci -s "$NVME" COMMAND=0x6
		echo "PG-VM: KILLSERVE before cmd=$(setpci -s "$NVME" COMMAND)"
		for c in $(children "$lp"); do
			[ "$(readlink /proc/$c/exe)" = "$(readlink /proc/$lp/exe)" ] && kill -9 "$c" &&
				echo "PG-VM: KILLSERVE killed $c"
		done
		sleep 2
		echo "PG-VM: KILLSERVE after cmd=$(setpci -s "$NVME" COMMAND)"
		kill $(children "$lp") 2>/dev/null   # the stand-in QEMU
		wait "$lp"; echo "PG-VM: KILLSERVE launch-rc=$?"
		sed 's/^/PG-VM: KILLSERVE-ERR /' /tmp/launch.err
		;;
	serve)
		# serve drops root to "nobody" (the initramfs has no user database)
		mkdir -p /etc
		echo 'root:x:0:0:root:/:/bin/sh' > /etc/passwd
		echo 'nobody:x:65534:65534:nobody:/:/bin/false' >> /etc/passwd
		printf 'root:x:0:\nnogroup:x:65534:\n' > /etc/group
		serve-client /usr/bin/pcigate "vfio:$EDU" vfio; echo "PG-VM: SERVE-RC $?"
		# the kernel asks for a served device back (unbind): serve quiesces and exits
		timeout 60 serve-client /usr/bin/pcigate "vfio:$NVME_RP" request
		echo "PG-VM: SERVE-REQUEST-RC $?"
		# the same while serve --socket still waits for QEMU (rebound first: the
		# driver_override above still names vfio-pci)
		echo "$NVME_RP" > /sys/bus/pci/drivers_probe
		pcigate serve --device "vfio:$NVME_RP" --socket /tmp/rq.sock 2> /tmp/rq.err &
		sp=$!
		for i in 1 2 3 4 5 6 7 8 9 10; do grep -q listening /tmp/rq.err && break; sleep 1; done
		timeout 30 sh -c "echo $NVME_RP > /sys/bus/pci/devices/$NVME_RP/driver/unbind"
		echo "PG-VM: ACCEPT-REQUEST unbind-rc=$?"
		for i in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$sp" 2>/dev/null || break; sleep 1; done
		kill -9 "$sp" 2>/dev/null
		wait "$sp"; echo "PG-VM: ACCEPT-REQUEST serve-rc=$? sock=$(ls /tmp/rq.sock 2>/dev/null | wc -l)"
		sed 's/^/PG-VM: ACCEPT-REQUEST-ERR /' /tmp/rq.err
		;;
	bench) pg-vfio bench "$EDU" 62000 ;;
	nested)
		# pcigate launch in this guest serves edu (vfio) to an inner guest (TCG in TCG);
		# edu has no reset method: QEMU's machine-start DEVICE_RESET is refused, served on
		mkdir -p /etc
		echo 'root:x:0:0:root:/:/bin/sh' > /etc/passwd
		echo 'nobody:x:65534:65534:nobody:/:/bin/false' >> /etc/passwd
		printf 'root:x:0:\nnogroup:x:65534:\n' > /etc/group
		echo "PG-VM: NESTED-START uptime=$(cut -d' ' -f1 /proc/uptime)"
		pcigate launch --device "vfio:$EDU" --memory 192M --timeout "$NESTED_TIMEOUT" --verbose \
			-- -nographic -no-reboot -nic none -vga none -kernel /nested/vmlinuz \
			-initrd /nested/inner.cpio -append "console=ttyS0 quiet panic=-1 no_timer_check"
		echo "PG-VM: NESTED-END rc=$? uptime=$(cut -d' ' -f1 /proc/uptime)"
		;;
	unsafe)
		pg-vfio open "$NVME"                   # refused: no interrupt remapping
		echo Y > /sys/module/vfio_iommu_type1/parameters/allow_unsafe_interrupts
		pg-vfio msixmap "$NVME"
		;;
	esac
	echo "PG-VM: STEP $step rc=$?"
done
