#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Real strace output: run tests/strace-real/probe under the strace binary
# with the recommended capture options (docs/capture.md), import the log
# and check the trace holds what the probe did, with the ENOTTY of every
# VFIO ioctl kept as its result.  Installs nothing: without strace (or
# when ptrace is not allowed) the test fails and says why.
#
#   run.sh PROBE VFIOSIM
set -u

probe=${1:?usage: run.sh PROBE VFIOSIM}
vfiosim=${2:?usage: run.sh PROBE VFIOSIM}

fail() {
	echo "strace_real: FAIL: $*" >&2
	exit 1
}

command -v strace >/dev/null 2>&1 ||
	fail "strace is not installed: this test needs the real strace binary (scripts/setup installs the Debian package 'strace')"

tmp=$(mktemp -d) || fail "mktemp"
trap 'rm -rf "$tmp"' EXIT
tmp=$(realpath "$tmp")
dev=$tmp/dev.bin
log=$tmp/probe.log

echo "strace_real: $(strace -V | head -n 1)"
# a probe built with sanitizers anyway: LeakSanitizer cannot run under ptrace
ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
strace -f -o "$log" -y -tt -T -X verbose -x -s 64 \
	-e trace=openat,close,dup,dup2,dup3,fcntl,ioctl,mmap,munmap,mremap,pread64,pwrite64,clone,clone3,fork,vfork,execve \
	-e signal=none "$probe" "$dev" > "$tmp/probe.out" 2>&1 ||
	fail "strace could not run the probe (is ptrace allowed?): $(cat "$tmp/probe.out")"
[ -s "$log" ] || fail "strace wrote no log"

"$vfiosim" import-strace --device-path "$dev" -o "$tmp/probe.trace" "$log" \
	2> "$tmp/import.err" || {
	cat "$tmp/import.err" >&2
	fail "the importer does not take the log of the real strace"
}
cat "$tmp/import.err" >&2

events() {
	grep -v '^#' "$tmp/probe.trace" | grep -c -E "$1" || true
}

expect() {
	local what=$1 want=$2 got
	got=$(events "$3")
	[ "$got" -eq "$want" ] ||
		fail "$what: $got events, not $want (trace: $tmp/probe.trace)"
}

# The probe's own calls (the dynamic loader's are not on the file).
expect "open of the file" 1 ' open fd=[0-9]+ dev=d0'
expect "VFIO ioctls, each -ENOTTY" 9 ' (info|rinfo|irqinfo|irqset|reset|ioeventfd|ioctl) fd=.* = -ENOTTY'
expect "GET_REGION_INFO" 2 " cmd=0x3b6c = -ENOTTY"
expect "the unknown ioctl" 1 ' ioctl fd=[0-9]+ cmd=0x3ba0 = -ENOTTY'
expect "pwrite64" 2 ' wr fd='
expect "pread64 (the child's and the thread's too)" 5 ' rd fd='
expect "pread64 at 7 << 40 + 4, past the end" 1 ' rd fd=[0-9]+ at=!0x70000000004 len=2 = 0'
expect "mmap" 2 ' mmap fd='
expect "mmap at 2 << 40" 1 ' mmap fd=[0-9]+ at=!0x20000000000 len=0x1000 prot=R flags=SHARED = va='
expect "munmap" 2 ' munmap va='
expect "dup and F_DUPFD_CLOEXEC" 2 ' dup fd='
expect "fork" 1 ' fork child='
expect "close" 3 ' close fd=[0-9]+ = 0'
expect "the bytes written" 1 ' wr fd=[0-9]+ at=!0x0 len=4 data=06040e15 = 4'
# the thread's pread is the process's, not a process of its own
pid=$(grep -v '^#' "$tmp/probe.trace" | grep ' open fd=' | sed 's/.*p=\([0-9]*\) .*/\1/')
expect "the thread's pread, in the process" 1 "p=$pid rd fd=[0-9]+ at=!0x20 len=4"

# The trace replays (it mismatches: a file is not a device); 2 would be
# a trace that does not parse.
"$vfiosim" replay "$tmp/probe.trace" > "$tmp/replay.out" 2>&1
rc=$?
[ $rc -le 1 ] || fail "the imported trace does not replay (exit $rc): $(cat "$tmp/replay.out")"
echo "strace_real: ok"
