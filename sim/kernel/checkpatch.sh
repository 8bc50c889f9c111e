#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# checkpatch.sh - run the kernel's own style checkers on vfiosim sources.
#
# For every FILE:
#	scripts/checkpatch.pl --no-tree --strict --file FILE
# and, for .c and .h files, also
#	scripts/kernel-doc -none -Wall -Werror FILE
# Any ERROR, WARNING or CHECK from checkpatch.pl and any warning or error
# from kernel-doc fails the run.
#
# The scripts come from a kernel tree given with --kernel-src, or else are
# extracted once from the linux-source-6.12 tarball into a cache directory
# (--workdir) and reused from there.
#
# Exit status: 0 all files clean, 1 some file has findings, 2 usage or
# environment error (missing perl, tarball or scripts; unreadable FILE).

set -euo pipefail

readonly PROG=${0##*/}

# Members of the kernel tree this script needs, relative to its top.
# checkpatch.pl reads spelling.txt and const_structs.checkpatch next to
# itself; checkpatch.rst is only read for --verbose but is tiny.
readonly MEMBERS=(
	scripts/checkpatch.pl
	scripts/spelling.txt
	scripts/const_structs.checkpatch
	scripts/kernel-doc
	Documentation/dev-tools/checkpatch.rst
)

# checkpatch.pl message types that are ignored, each with the reason.  Keep
# this list short: everything else a kernel maintainer would see counts.
#  FILE_PATH_CHANGES: "added, moved or deleted file(s), does MAINTAINERS need
#	updating?" is about the kernel's MAINTAINERS file, which a standalone
#	project does not have.  (It is only emitted for patches, never for
#	--file, so this is belt and braces.)
readonly IGNORE_TYPES=FILE_PATH_CHANGES

KSRC=
WORKDIR=
TARBALL=/usr/src/linux-source-6.12.tar.xz
VERBOSE=0
SCRATCH=
FETCH_TMP=
SCRIPTS=
LOCK_FD=

# shellcheck source=sim/kernel/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
declare -a FILES=()

usage() {
	cat <<EOF
Usage: $PROG [OPTIONS] FILE...

Run the Linux kernel's scripts/checkpatch.pl --no-tree --strict --file on
each FILE, and scripts/kernel-doc -none -Wall on each .c/.h FILE.  Any
ERROR, WARNING or CHECK fails.

Options:
  --kernel-src TREE  take the scripts from this kernel tree if it has
                     scripts/checkpatch.pl, spelling.txt,
                     const_structs.checkpatch and kernel-doc
  --workdir DIR      otherwise extract them from the tarball into DIR once
                     (default: \${XDG_CACHE_HOME:-\$HOME/.cache}/vfiosim/kscripts)
  --tarball FILE     kernel source tarball to extract from
                     (default: $TARBALL, Debian package linux-source-6.12)
  -v, --verbose      pass --verbose to checkpatch.pl (explains each finding)
  -h, --help         show this help and exit

Ignored checkpatch types: $IGNORE_TYPES (see the comment in this script).
Exit status: 0 clean, 1 findings, 2 usage or environment error.
EOF
}

cleanup() {
	[[ -z $SCRATCH ]] || rm -rf -- "$SCRATCH"
	[[ -z $FETCH_TMP ]] || rm -rf -- "$FETCH_TMP"
}

parse_args() {
	while (($#)); do
		case $1 in
		--kernel-src | --workdir | --tarball)
			(($# >= 2)) || die_usage "option '$1' needs an argument"
			set -- "$1=$2" "${@:3}"
			continue
			;;
		--kernel-src=*)
			KSRC=${1#*=}
			;;
		--workdir=*)
			WORKDIR=${1#*=}
			;;
		--tarball=*)
			TARBALL=${1#*=}
			;;
		-v | --verbose)
			VERBOSE=1
			;;
		-h | --help)
			usage
			exit 0
			;;
		--)
			shift
			break
			;;
		-*)
			die_usage "unknown option '$1'"
			;;
		*)
			break
			;;
		esac
		shift
	done

	(($#)) || die_usage "no FILE given"
	FILES=("$@")
	if [[ -z $WORKDIR ]]; then
		WORKDIR=${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/vfiosim/kscripts
	fi
}

# True if TREE holds every script this tool runs.
tree_complete() {
	local tree=$1 m

	for m in "${MEMBERS[@]}"; do
		[[ $m == Documentation/* || -f $tree/$m ]] || return 1
	done
	return 0
}

# Extract MEMBERS from the tarball into $WORKDIR/tree (once per tarball).
extract_scripts() {
	local stamp want top m
	local -a names=()

	stamp=$WORKDIR/tree/.complete
	if [[ ! -f $TARBALL ]]; then
		# A cache extracted earlier is still good without the tarball.
		if [[ -f $stamp ]] && tree_complete "$WORKDIR/tree"; then
			return 0
		fi
		die_env "'$TARBALL' not found" \
			"(apt-get install linux-source-6.12, or use --kernel-src)"
	fi
	want="$TARBALL $(stat -c '%s %Y' -- "$TARBALL")"
	if [[ -f $stamp && $(<"$stamp") == "$want" ]] && tree_complete "$WORKDIR/tree"; then
		return 0
	fi

	command -v tar >/dev/null 2>&1 || die_env "'tar' not found"
	command -v xz >/dev/null 2>&1 || die_env "'xz' not found (Debian package: xz-utils)"
	mkdir -p -- "$WORKDIR" || die_env "cannot create '$WORKDIR'"
	FETCH_TMP=$(mktemp -d "$WORKDIR/.extract.XXXXXX") ||
		die_env "cannot write to '$WORKDIR'"

	# The tarball has a single top-level directory (linux-source-6.12/).
	# Only its first entry is read here; tar is killed by SIGPIPE after.
	top=$(tar -tJf "$TARBALL" 2>/dev/null | head -n 1 || true)
	top=${top%%/*}
	[[ -n $top ]] || die_env "cannot list '$TARBALL'"
	for m in "${MEMBERS[@]}"; do
		names+=("$top/$m")
	done

	info "extracting ${MEMBERS[*]} from $TARBALL (once)"
	tar -xJf "$TARBALL" -C "$FETCH_TMP" --strip-components=1 "${names[@]}" ||
		die_env "extracting from '$TARBALL' failed"
	printf '%s\n' "$want" >"$FETCH_TMP/.complete"
	chmod 755 "$FETCH_TMP"

	rm -rf -- "$WORKDIR/tree"
	mv -- "$FETCH_TMP" "$WORKDIR/tree" || die_env "cannot populate '$WORKDIR/tree'"
	FETCH_TMP=
}

# Run one tool; print its output with the scratch path of FILE replaced by
# the name the user gave.  Returns 0 if clean, 1 if not.
run_tool() {
	local name=$1 abs=$2 pattern=$3 out rc=0
	shift 3

	out=$(cd "$SCRATCH" && HOME=$SCRATCH GIT_DIR=$SCRATCH/no-git "$@" 2>&1) || rc=$?
	out=${out//"$abs"/"$name"}
	[[ -z $out ]] || printf '%s\n' "$out"
	if ((rc != 0)) || grep -q -E "$pattern" <<<"$out"; then
		return 1
	fi
	return 0
}

main() {
	local f abs bad=0 nbad=0
	local -a cp_args=() kdoc_extra=()

	parse_args "$@"
	command -v perl >/dev/null 2>&1 || die_env "'perl' not found (Debian package: perl)"
	# checkpatch.pl needs modules that perl-base alone does not ship.
	perl -MTerm::ANSIColor -MEncode -MGetopt::Long -MFile::Basename -MCwd \
		-e 1 2>/dev/null ||
		die_env "perl lacks modules checkpatch.pl needs (Debian package: perl)"

	for f in "${FILES[@]}"; do
		[[ -f $f && -r $f ]] || die_usage "'$f' is not a readable file"
	done

	if [[ -n $KSRC ]] && tree_complete "$KSRC"; then
		SCRIPTS=$KSRC/scripts
	else
		if [[ -n $KSRC ]]; then
			info "'$KSRC' lacks the checkpatch scripts; using $WORKDIR"
		fi
		lock_workdir
		extract_scripts
		unlock_workdir
		SCRIPTS=$WORKDIR/tree/scripts
	fi
	SCRIPTS=$(cd "$SCRIPTS" && pwd)
	info "using $SCRIPTS/checkpatch.pl and $SCRIPTS/kernel-doc"

	# checkpatch.pl writes a CamelCase cache file (.checkpatch-camelcase.*)
	# into its working directory and reads .checkpatch.conf from there and
	# from $HOME; run it in a private directory so that neither the
	# checkout nor the user's configuration leaks in.  With --no-tree it
	# would scan "$root/include" for CamelCase names; point --root at an
	# empty include/ so only the file itself is used.
	SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/checkpatch.XXXXXX") ||
		die_env "cannot create a scratch directory"
	mkdir -p "$SCRATCH/include"

	cp_args=(--no-tree --strict --file --color=never --root="$SCRATCH"
		--ignore "$IGNORE_TYPES")
	((VERBOSE)) && cp_args+=(--verbose)

	# -Wall: also warn about missing return descriptions and short
	# descriptions; -Werror: non-zero exit status on any warning.
	kdoc_extra=(-Wall -Werror)

	for f in "${FILES[@]}"; do
		abs=$(realpath -- "$f")
		bad=0
		run_tool "$f" "$abs" '^(ERROR|WARNING|CHECK):' \
			perl "$SCRIPTS/checkpatch.pl" "${cp_args[@]}" "$abs" || bad=1
		if [[ $f == *.[ch] ]]; then
			info "kernel-doc: $f"
			run_tool "$f" "$abs" '(warning|error):' \
				perl "$SCRIPTS/kernel-doc" -none "${kdoc_extra[@]}" "$abs" || bad=1
		fi
		if ((bad)); then
			nbad=$((nbad + 1))
			printf '%s: FAIL: %s\n\n' "$PROG" "$f"
		else
			printf '%s: ok: %s\n\n' "$PROG" "$f"
		fi
	done

	if ((nbad)); then
		printf '%s: FAIL: %d of %d file(s) have findings\n' \
			"$PROG" "$nbad" "${#FILES[@]}" >&2
		return 1
	fi
	info "PASS: ${#FILES[@]} file(s) clean"
	return 0
}

trap cleanup EXIT
main "$@"
