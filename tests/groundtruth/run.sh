#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Ground truth: run every plan of tests/groundtruth/plans against the real
# vfio-pci of a stock Debian 6.12 kernel booted under QEMU/TCG with an
# emulated VT-d, and hold vfiosim to what the kernel answered.
#
#   run.sh --build DIR --probe P --probe-dyn P --recorder SO --vfiosim BIN
#          [--update] [--describe]
#
# Everything comes from Debian packages: qemu-system-x86, busybox-static,
# strace, cpio, kmod, and linux-image-$KVER, downloaded with apt-get download
# and unpacked with dpkg-deb -x into DIR/groundtruth/cache (never installed).
# Each step is bounded by timeout; a boot that fails prints the console tail.
#
# Checks, each fatal:
#  1. every plan ran in the guest (plain, under strace, under the recorder),
#     and vfiosim-probe --check of the committed trace found the kernel
#     answering every event as committed;
#  2. vfiosim replay --design legacy --layout legacy: 0 mismatches on every
#     recorded trace (plain and under strace), and on every committed
#     traces/groundtruth/*.trace, apart from the disagreements listed in
#     tests/groundtruth/known-disagreements (each must still occur);
#  3. the trace libvfiosim-record.so wrote equals the probe's own record
#     (events; pids and comments aside), and replays like it;
#  4. vfiosim import-strace of every strace log replays with 0 mismatches
#     (once vfiosim has import-strace; until then it says it skipped).
# --update copies the recorded traces and strace logs to traces/groundtruth.
set -euo pipefail

KVER=${GT_KVER:-6.12.117+deb12-amd64}
KPKG_VERSION=${GT_KPKG_VERSION:-6.12.117-1~deb12u1}
QEMU_SERIES=7.2
QEMU_TIMEOUT=${GT_QEMU_TIMEOUT:-200}

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
src=$(cd "$here/../.." && pwd)
build= probe= probe_dyn= recorder= vfiosim= update=0 describe=0

die() {
	echo "groundtruth: error: $*" >&2
	exit 1
}

while [ $# -gt 0 ]; do
	case "$1" in
	--build) build=$2; shift ;;
	--probe) probe=$2; shift ;;
	--probe-dyn) probe_dyn=$2; shift ;;
	--recorder) recorder=$2; shift ;;
	--vfiosim) vfiosim=$2; shift ;;
	--update) update=1 ;;
	--describe) describe=1 ;;
	*) die "unknown argument '$1'" ;;
	esac
	shift
done
for v in build probe probe_dyn vfiosim; do
	[ -n "${!v}" ] || die "--${v//_/-} is required"
done
for f in "$probe" "$probe_dyn" ${recorder:+"$recorder"} "$vfiosim"; do
	[ -f "$f" ] || die "$f is not built"
done

t_start=$(date +%s.%N)
elapsed() { echo "$(date +%s.%N) $t_start" | awk '{printf "%.1f", $1 - $2}'; }

# ---- tools (scripts/setup installs them) ----
need=(qemu-system-x86_64 cpio depmod modprobe strace dpkg-deb apt-get gzip
      base64 timeout)
for t in "${need[@]}"; do
	command -v "$t" > /dev/null ||
		die "$t is missing: run scripts/setup (qemu-system-x86, cpio, kmod, strace)"
done
busybox=/bin/busybox
[ -x "$busybox" ] || die "$busybox is missing: install busybox-static"
ldd "$busybox" > /dev/null 2>&1 &&
	die "$busybox is dynamic: install busybox-static"

qemu_version=$(qemu-system-x86_64 --version | head -1)
case "$qemu_version" in
*"version $QEMU_SERIES."*) ;;
*) [ "${GT_ALLOW_QEMU:-0}" = 1 ] ||
	die "QEMU $QEMU_SERIES is pinned (the device models' answers are " \
	    "recorded from it), found: $qemu_version (GT_ALLOW_QEMU=1 overrides)" ;;
esac

gt=$build/groundtruth
cache=$gt/cache
work=$gt/work
mkdir -p "$cache"
rm -rf "$work"
mkdir -p "$work"

# ---- the kernel: downloaded and unpacked, never installed ----
kroot=$cache/kroot-$KVER
if [ ! -f "$kroot/boot/vmlinuz-$KVER" ]; then
	deb=$(ls "$cache"/linux-image-"$KVER"_*.deb 2> /dev/null | head -1 || true)
	if [ -z "$deb" ]; then
		echo "groundtruth: downloading linux-image-$KVER=$KPKG_VERSION" >&2
		(cd "$cache" && timeout 180 apt-get download -q \
			"linux-image-$KVER=$KPKG_VERSION" 2>&1 |
			grep -v '^W: Download is performed unsandboxed') ||
			true
		deb=$(ls "$cache"/linux-image-"$KVER"_*.deb 2> /dev/null |
		      head -1 || true)
		[ -n "$deb" ] ||
			die "apt-get download linux-image-$KVER=$KPKG_VERSION" \
			    "failed (is bookworm-security in the apt sources?" \
			    "run apt-get update)"
	fi
	rm -rf "$kroot.tmp"
	timeout 120 dpkg-deb -x "$deb" "$kroot.tmp" || die "dpkg-deb -x $deb"
	depmod -b "$kroot.tmp" "$KVER" || die "depmod -b $kroot.tmp"
	mv "$kroot.tmp" "$kroot"
fi
kernel_version=$(dpkg-deb --showformat='${Package} ${Version}' -W \
		 "$(ls "$cache"/linux-image-"$KVER"_*.deb | head -1)")
echo "groundtruth: kernel $kernel_version ($kroot)"
echo "groundtruth: $qemu_version"

# ---- the initramfs ----
ird=$work/initrd
mkdir -p "$ird"/{bin,sbin,usr/bin,lib,lib64,proc,sys,dev,tmp} \
	"$ird"/gt/{plans,catalog}
cp "$busybox" "$ird/bin/busybox"
install -m 0755 "$here/init.sh" "$ird/init"
cp "$probe" "$ird/vfiosim-probe"
cp "$probe_dyn" "$ird/vfiosim-probe-dyn"
[ -z "$recorder" ] || cp "$recorder" "$ird/lib/libvfiosim-record.so"
cp "$here"/plans/*.trace "$ird/gt/plans/"
cp "$src"/traces/devices/*.dev "$ird/gt/catalog/"
cp "$here/devices" "$ird/gt/devices"
mkdir -p "$ird/gt/committed"
cp "$src"/traces/groundtruth/*.trace "$ird/gt/committed/" 2> /dev/null || true
echo "${qemu_version%% (*}, $kernel_version," \
	"q35 TCG + intel-iommu,intremap=on" \
	> "$ird/gt/capture"
# strace and the dynamic probe need the dynamic loader and their libraries
cp "$(command -v strace)" "$ird/usr/bin/strace"
for bin in "$(command -v strace)" "$probe_dyn" ${recorder:+"$recorder"}; do
	ldd "$bin" | awk '/=> \//{print $3} /^\t\/lib64/{print $1}'
done | sort -u | while read -r lib; do
	case "$lib" in
	/lib64/*) cp -L "$lib" "$ird/lib64/" ;;
	*) mkdir -p "$ird$(dirname "$lib")"; cp -L "$lib" "$ird$lib" ;;
	esac
done
# the stock modules, decompressed for busybox modprobe
mods=$(modprobe -d "$kroot" -S "$KVER" --show-depends vfio-pci |
       awk '/^insmod/{print $2}'
       modprobe -d "$kroot" -S "$KVER" --show-depends vfio_iommu_type1 |
       awk '/^insmod/{print $2}')
[ -n "$mods" ] || die "no vfio modules in $kroot"
for m in $(echo "$mods" | sort -u); do
	rel=${m#"$kroot"/}
	mkdir -p "$ird/$(dirname "$rel")"
	case "$m" in
	*.xz) xz -dc "$m" > "$ird/${rel%.xz}" ;;
	*.zst) zstd -qdc "$m" > "$ird/${rel%.zst}" ;;
	*) cp "$m" "$ird/$rel" ;;
	esac
done
cp "$kroot/lib/modules/$KVER"/modules.{order,builtin,builtin.modinfo} \
	"$ird/lib/modules/$KVER/" 2> /dev/null || true
depmod -b "$ird" "$KVER"
(cd "$ird" && find . | cpio -o -H newc --quiet | gzip -1) > "$work/initrd.gz"
echo "groundtruth: initramfs $(du -k "$work/initrd.gz" | cut -f1) KiB," \
	"$(echo "$mods" | sort -u | wc -l) modules ($(elapsed) s)"

# ---- boot ----
truncate -s 1M "$work/nvme.img"
append="console=ttyS0 panic=-1 intel_iommu=on"
[ $describe = 1 ] && append+=" gt.describe=1"
t_boot=$(date +%s.%N)
set +e
timeout --kill-after=10 "$QEMU_TIMEOUT" qemu-system-x86_64 \
	-machine q35 -accel tcg -cpu max -m 1024 -smp 2 \
	-nographic -no-reboot -vga none -nic none \
	-device intel-iommu,intremap=on \
	-device e1000e,addr=01.0 \
	-drive file="$work/nvme.img",if=none,id=nvm,format=raw \
	-device nvme,serial=gt0001,drive=nvm,addr=02.0 \
	-device edu,addr=03.0 \
	-device pci-testdev,addr=04.0 \
	-object memory-backend-ram,id=ivm,size=1G \
	-device ivshmem-plain,memdev=ivm,addr=05.0 \
	-serial mon:stdio -serial file:"$work/out.b64" \
	-kernel "$kroot/boot/vmlinuz-$KVER" -initrd "$work/initrd.gz" \
	-append "$append" < /dev/null > "$work/console.raw" 2>&1
qrc=$?
set -e
tr -d '\r' < "$work/console.raw" > "$work/console.log"
boot_s=$(echo "$(date +%s.%N) $t_boot" | awk '{printf "%.1f", $1 - $2}')
console_tail() {
	echo "---- console tail ($work/console.log) ----" >&2
	tail -n 40 "$work/console.log" >&2
	echo "----" >&2
}
if [ $qrc = 124 ] || [ $qrc = 137 ]; then
	console_tail
	die "QEMU did not finish within $QEMU_TIMEOUT s"
fi
if grep -q '@@GT-FAILED' "$work/console.log" ||
   ! grep -q '@@GT-DONE' "$work/console.log"; then
	console_tail
	die "the guest did not complete (QEMU exit $qrc)"
fi
grep '^gt: ' "$work/console.log"
echo "groundtruth: QEMU ran $boot_s s"

out=$work/out
mkdir -p "$out"
tr -d '\r' < "$work/out.b64" |
	sed -n '/^@@GT-BEGIN$/,/^@@GT-END$/{/^@@GT-/d;p}' |
	base64 -d | tar -xzf - -C "$out" ||
	die "could not unpack what the guest sent ($work/out.b64)"

# ---- checks ----
fail=0
bad() {
	echo "groundtruth: FAIL: $*" >&2
	fail=1
}
plans=$(cd "$here/plans" && ls *.trace | sed 's/\.trace$//')
# known-disagreements: "ERE<tab>kernel path" lines; see the file
known_file=$here/known-disagreements
grep -vE '^(#|$)' "$known_file" | cut -f1 > "$work/known.re" || true
: > "$work/known.used"
# known TRACE REPLAY_OUTPUT: every mismatch is a known disagreement?
known() {
	local trace=$1 lines l ev pat ok=0
	lines=$(echo "$2" | sed -n 's/^.*:\([0-9]*\): mismatch: .*/\1/p')
	for l in $lines; do
		ev=$(sed -n "${l}p" "$trace" | sed -E 's/ #.*//; s/^(t=[^ ]* )?p=[0-9]+ //')
		pat=$(while read -r re; do
			echo "$ev" | grep -qE "^$re\$" && { echo "$re"; break; }
		done < "$work/known.re")
		if [ -n "$pat" ]; then
			echo "$pat" >> "$work/known.used"
			echo "groundtruth: known disagreement: $(basename "$trace"):$l: $ev"
		else
			echo "$2" | grep -E ":$l: mismatch" >&2
			ok=1
		fi
	done
	return $ok
}
total=0 matched=0 devices=0
for n in $plans; do
	line=$(grep "^gt: plan $n:" "$work/console.log" || true)
	case "$line" in
	*"probe 0, under strace 0, recorded 0, committed 0"*) ;;
	*) bad "$n did not run cleanly in the guest: ${line:-no result}"
	   for l in probe strace-probe dyn check; do
		   sed "s/^/  $n.$l: /" "$out/$n.$l.log" >&2 || true
	   done
	   continue ;;
	esac
	devices=$((devices + 1))
	recorded=
	[ -z "$recorder" ] || recorded=$n.recorded.trace
	for t in "$n.trace" "$n.strace-probe.trace" $recorded; do
		set +e
		r=$("$vfiosim" replay --design legacy --layout legacy \
		    --catalog "$src/traces/devices" "$out/$t" 2>&1)
		rc=$?
		set -e
		summary=$(echo "$r" | grep -E ' events: ' | tail -1 || true)
		ev=$(echo "$summary" | sed -n 's/.* \([0-9]*\) events: .*/\1/p')
		ma=$(echo "$summary" | sed -n 's/.* events: \([0-9]*\) match.*/\1/p')
		if [ -z "$ev" ]; then
			echo "$r" >&2
			bad "vfiosim could not replay $t"
		elif [ $rc != 0 ] && ! known "$out/$t" "$r"; then
			bad "vfiosim disagrees with the kernel on $t"
		fi
		if [ "$t" = "$n.trace" ]; then
			total=$((total + ${ev:-0}))
			matched=$((matched + ${ma:-0}))
			echo "groundtruth: $t: $summary" | sed 's/: [^ ]*: legacy/: legacy/'
		fi
	done
	# the recorder's trace against the probe's own record of the same run
	events_of() {
		grep -vE '^(#|vfiotrace |meta |dev |reg |irq |$)' "$1" |
			sed -E 's/ #.*//; s/^(t=[^ ]* )?p=[0-9]+ //'
	}
	if [ -z "$recorder" ]; then
		echo "groundtruth: no recorder given, $n not recorded"
	elif ! diff -u <(events_of "$out/$n.dyn.trace") \
		     <(events_of "$out/$n.recorded.trace") > "$out/$n.rec.diff"; then
		head -n 40 "$out/$n.rec.diff" >&2
		bad "libvfiosim-record.so's trace of $n differs from the probe's"
	fi
	# import-strace, once vfiosim has it
	if "$vfiosim" help import-strace 2>&1 | grep -q 'Not implemented'; then
		import=skipped
	else
		import=checked
		set +e
		"$vfiosim" import-strace -o "$out/$n.imported.trace" \
			--sidecar "$out/$n.sidecar" \
			"$out/$n.strace" > "$out/$n.import.log" 2>&1 &&
		"$vfiosim" replay --design legacy --layout legacy \
			--catalog "$src/traces/devices" \
			"$out/$n.imported.trace" >> "$out/$n.import.log" 2>&1
		rc=$?
		set -e
		if [ $rc != 0 ]; then
			tail -n 30 "$out/$n.import.log" >&2
			bad "import-strace of $n.strace does not replay with 0 mismatches"
		fi
	fi
	# the committed trace: still what the kernel answers?
	committed=$src/traces/groundtruth/$n.trace
	if [ -f "$committed" ] &&
	   ! diff -q <(events_of "$committed") <(events_of "$out/$n.trace") \
		> /dev/null; then
		echo "groundtruth: note: $n.trace differs from the committed one" \
			"(--update refreshes it)"
	fi
done
for t in "$src"/traces/groundtruth/*.trace; do
	[ -f "$t" ] || continue
	set +e
	r=$("$vfiosim" replay --design legacy --layout legacy \
	    --catalog "$src/traces/devices" "$t" 2>&1)
	rc=$?
	set -e
	if [ $rc != 0 ] && ! known "$t" "$r" > /dev/null; then
		bad "vfiosim disagrees with committed $(basename "$t")"
	fi
done

while read -r re; do
	grep -qxF "$re" "$work/known.used" ||
		bad "known disagreement no longer seen (remove it from $known_file): $re"
done < "$work/known.re"

if [ $update = 1 ] && [ $fail = 0 ]; then
	mkdir -p "$src/traces/groundtruth/strace"
	for n in $plans; do
		cp "$out/$n.trace" "$src/traces/groundtruth/$n.trace"
		cp "$out/$n.strace" "$src/traces/groundtruth/strace/$n.strace"
		cp "$out/$n.sidecar" "$src/traces/groundtruth/strace/$n.sidecar"
	done
	echo "groundtruth: updated traces/groundtruth"
fi
if [ $describe = 1 ]; then
	cat "$out"/*.describe
fi

pct=$(awk -v m=$matched -v t=$total 'BEGIN{printf "%.1f", t ? 100 * m / t : 0}')
echo "groundtruth: $devices devices, $total events, $matched match the" \
	"real kernel ($pct%), $((total - matched)) known disagreements," \
	"import-strace $import, QEMU $boot_s s, total $(elapsed) s"
[ $fail = 0 ] || die "see above"
[ "$total" -ge 1 ] || die "no events recorded"
echo "groundtruth: PASS"
