#!/bin/busybox sh
# SPDX-License-Identifier: GPL-2.0-only
#
# /init of the ground-truth guest (tests/groundtruth/run.sh builds the
# initramfs).  Loads the stock vfio modules, binds every device listed in
# /gt/devices to vfio-pci, runs each plan /gt/plans/NAME.trace with
# vfiosim-probe three ways (plain, under strace, and the dynamic probe under
# libvfiosim-record.so), checks the committed trace of the same name with
# vfiosim-probe --check, and sends the results as a base64 tar.gz on
# /dev/ttyS1.  The console (ttyS0) carries the progress lines the host
# prints on a failure.  gt.describe=1 on the command line also prints each
# device's catalog entry as the kernel reports it.
#
# The shebang is busybox itself: /bin/sh exists only after --install.

/bin/busybox --install -s /bin
export PATH=/bin:/sbin:/usr/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t tmpfs tmpfs /tmp

say() { echo "gt: $*"; }
die() {
	say "FAILED: $*"
	echo "@@GT-FAILED"
	poweroff -f
}

# Kernel messages must not interleave with the progress lines.
echo 1 > /proc/sys/kernel/printk
# Deterministic mmap addresses, so recorded traces are the same each run.
echo 0 > /proc/sys/kernel/randomize_va_space

describe=0
grep -q 'gt.describe=1' /proc/cmdline && describe=1

say "kernel $(uname -r), uptime $(cut -d' ' -f1 /proc/uptime)"
modprobe vfio || die "modprobe vfio"
modprobe vfio_iommu_type1 allow_unsafe_interrupts=0 ||
	die "modprobe vfio_iommu_type1"
modprobe vfio-pci || die "modprobe vfio-pci"

# /gt/devices: one "NAME VENDOR:DEVICE" per line
while read -r name ids; do
	[ -n "$name" ] || continue
	found=
	for d in /sys/bus/pci/devices/*; do
		v=$(cat "$d/vendor")
		p=$(cat "$d/device")
		[ "${v#0x}:${p#0x}" = "$ids" ] || continue
		bdf=${d##*/}
		echo vfio-pci > "$d/driver_override"
		[ -e "$d/driver" ] && echo "$bdf" > "$d/driver/unbind"
		echo "$bdf" > /sys/bus/pci/drivers_probe
		grp=$(readlink "$d/iommu_group")
		drv=$(readlink "$d/driver")
		say "device $name $ids at $bdf, driver ${drv##*/}," \
			"iommu group ${grp##*/}"
		[ "${drv##*/}" = vfio-pci ] || die "$bdf did not bind to vfio-pci"
		found=$bdf
	done
	[ -n "$found" ] || die "no device $ids ($name)"
done < /gt/devices
ls /dev/vfio
say "devices bound, uptime $(cut -d' ' -f1 /proc/uptime)"

out=/tmp/out
mkdir -p $out
if [ $describe = 1 ]; then
	while read -r name ids; do
		bdf=
		for d in /sys/bus/pci/devices/*; do
			[ "$(readlink "$d/driver")" ] || continue
			v=$(cat "$d/vendor")
			p=$(cat "$d/device")
			[ "${v#0x}:${p#0x}" = "$ids" ] && bdf=${d##*/}
		done
		/vfiosim-probe --describe "$bdf" --name "$name" \
			> $out/$name.describe 2>&1
	done < /gt/devices
fi

# The strace importer's sidecar of each device: what sysfs shows of it.
while read -r name ids; do
	for d in /sys/bus/pci/devices/*; do
		v=$(cat "$d/vendor")
		p=$(cat "$d/device")
		[ "${v#0x}:${p#0x}" = "$ids" ] || continue
		grp=$(readlink "$d/iommu_group")
		{
			echo "device ${d##*/} group=${grp##*/}"
			cat "$d/resource"
			od -Ax -tx1 -v "$d/config"
		} > $out/$name.sidecar
	done
done < /gt/devices

capture=$(cat /gt/capture)
# what vfiosim help import-strace asks strace to trace
calls=openat,close,dup,dup2,dup3,fcntl,ioctl,mmap,munmap,mremap
calls=$calls,pread64,pwrite64,clone,clone3,fork,vfork,execve
for plan in /gt/plans/*.trace; do
	n=$(basename "$plan" .trace)
	t0=$(cut -d' ' -f1 /proc/uptime)
	/vfiosim-probe --catalog /gt/catalog --capture "$capture" \
		--record $out/$n.trace "$plan" > $out/$n.probe.log 2>&1
	rc1=$?
	strace -f -o $out/$n.strace -y -tt -T -X verbose -x -s 64 \
		-e trace=$calls \
		-e signal=none \
		/vfiosim-probe --catalog /gt/catalog --capture "$capture" \
		--record $out/$n.strace-probe.trace "$plan" \
		> $out/$n.strace-probe.log 2>&1
	rc2=$?
	rc3=0
	if [ -f /lib/libvfiosim-record.so ]; then
		VFIOSIM_RECORD=$out/$n.recorded.trace \
			LD_PRELOAD=/lib/libvfiosim-record.so \
			/vfiosim-probe-dyn --catalog /gt/catalog \
			--capture "$capture" --record $out/$n.dyn.trace \
			"$plan" > $out/$n.dyn.log 2>&1
		rc3=$?
	fi
	# the committed trace as a plan: does the kernel still answer so?
	rc4=0
	if [ -f /gt/committed/$n.trace ]; then
		/vfiosim-probe --catalog /gt/catalog --check \
			/gt/committed/$n.trace > $out/$n.check.log 2>&1
		rc4=$?
	fi
	say "plan $n: probe $rc1, under strace $rc2, recorded $rc3," \
		"committed $rc4" \
		"($t0 s .. $(cut -d' ' -f1 /proc/uptime) s)"
done
say "all done, uptime $(cut -d' ' -f1 /proc/uptime)"

stty -F /dev/ttyS1 raw -echo 2> /dev/null
{
	echo "@@GT-BEGIN"
	tar -C $out -cf - . | gzip -1 | base64
	echo "@@GT-END"
} > /dev/ttyS1
sync
sleep 1
echo "@@GT-DONE"
poweroff -f
