#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Helpers shared by the sim/kernel scripts; sourced, never run.
# The caller sets PROG, WORKDIR and LOCK_FD.

die_usage() {
	printf '%s: %s\n' "$PROG" "$*" >&2
	printf "Try '%s --help' for more information.\n" "$PROG" >&2
	exit 2
}

die_env() {
	printf '%s: error: %s\n' "$PROG" "$*" >&2
	exit 2
}

info() {
	printf '%s: %s\n' "$PROG" "$*"
}

# Serialise cache population between concurrent runs (e.g. ctest -j).
lock_workdir() {
	mkdir -p -- "$WORKDIR" || die_env "cannot create '$WORKDIR'"
	command -v flock >/dev/null 2>&1 || return 0
	# A read-only cache that is already complete needs no lock.
	if ! exec {LOCK_FD}>"$WORKDIR/.lock"; then
		LOCK_FD=
		return 0
	fi 2>/dev/null
	flock -w 900 "$LOCK_FD" || die_env "timed out waiting for '$WORKDIR/.lock'"
}

unlock_workdir() {
	[[ -z $LOCK_FD ]] || exec {LOCK_FD}>&-
	LOCK_FD=
}
