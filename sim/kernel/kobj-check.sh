#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# kobj-check.sh - prove that the vfiosim core builds, unchanged, as kernel code.
#
# Every CORE_DIR/*.c (with CORE_DIR/*.h beside it) is copied to a scratch
# external-module directory and built with
#
#	make -C <headers> M=<scratch> W=1 <name>.o
#
# against Debian bookworm's newest 6.12 amd64 kernel headers.  Any compiler,
# objtool or kbuild "warning:" or "error:" fails the check.
#
# The headers are not installed on the host.  The three packages
# (linux-headers-<abi>-amd64, linux-headers-<abi>-common and
# linux-kbuild-<abi>) are fetched with "apt-get download" and unpacked with
# "dpkg-deb -x" into a cache directory; the one absolute path that matters
# (the -amd64 Makefile includes /usr/src/linux-headers-<abi>-common/Makefile)
# is rewritten to point into the cache, so nothing under /usr is needed.
# Later runs reuse the cache and do not touch apt at all.
#
# Exit status: 0 the core builds cleanly, 1 it does not (warnings or errors),
# 2 usage or environment error (missing tools, download failure, bad paths).

set -euo pipefail

readonly PROG=${0##*/}

# Package-name pattern for the flavour we build against.
readonly HDR_RE='^linux-headers-6\.12\.[0-9]+\+deb12-amd64$'

# make output meaning a build tool could not run at all (environment error).
TOOL_FAILURE_RE="error while loading shared libraries|: command not found"
readonly TOOL_FAILURE_RE+="|env: '[^']+': No such file"

WORKDIR=
HEADERS=
UPDATE=0
VERBOSE=0
KEEP=0
CORE_DIR=
SCRATCH=
SCRATCH_FETCH=
LOCK_FD=

# shellcheck source=sim/kernel/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() {
	cat <<EOF
Usage: $PROG [OPTIONS] CORE_DIR

Build every CORE_DIR/*.c as a kernel object (make M=... W=1 NAME.o) against
Debian bookworm's newest linux-headers-6.12.*-amd64 and fail on any warning
or error.

Options:
  --workdir DIR   cache for the downloaded and unpacked header packages
                  (default: \${XDG_CACHE_HOME:-\$HOME/.cache}/vfiosim/kheaders)
  --headers DIR   use this prepared kernel build tree instead (a directory
                  that "make -C DIR M=..." accepts, e.g. /lib/modules/\$(uname -r)/build);
                  nothing is downloaded
  --update        ask apt for a newer 6.12 headers package even when the
                  cache already holds one
  --keep          keep the scratch build directory and print its path
  -v, --verbose   pass V=1 to make
  -h, --help      show this help and exit

Exit status: 0 clean build, 1 warnings or errors, 2 usage or environment error.
EOF
}

cleanup() {
	[[ -z $SCRATCH_FETCH ]] || rm -rf -- "$SCRATCH_FETCH"
	if [[ -n $SCRATCH && -d $SCRATCH ]]; then
		if ((KEEP)); then
			info "scratch directory kept: $SCRATCH"
		else
			rm -rf -- "$SCRATCH"
		fi
	fi
}

need_cmd() {
	local cmd=$1 pkg=$2

	command -v "$cmd" >/dev/null 2>&1 ||
		die_env "'$cmd' not found (Debian package: $pkg)"
}

parse_args() {
	while (($#)); do
		case $1 in
		--workdir)
			(($# >= 2)) || die_usage "option '$1' needs an argument"
			WORKDIR=$2
			shift 2
			;;
		--workdir=*)
			WORKDIR=${1#*=}
			shift
			;;
		--headers)
			(($# >= 2)) || die_usage "option '$1' needs an argument"
			HEADERS=$2
			shift 2
			;;
		--headers=*)
			HEADERS=${1#*=}
			shift
			;;
		--update)
			UPDATE=1
			shift
			;;
		--keep)
			KEEP=1
			shift
			;;
		-v | --verbose)
			VERBOSE=1
			shift
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
	done

	(($# == 1)) || die_usage "expected exactly one CORE_DIR argument"
	CORE_DIR=$1
	[[ -d $CORE_DIR ]] || die_usage "'$CORE_DIR' is not a directory"
	[[ -z $WORKDIR || -z $HEADERS ]] ||
		die_usage "--workdir and --headers are mutually exclusive"
	if [[ -z $WORKDIR ]]; then
		WORKDIR=${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/vfiosim/kheaders
	fi
}

# Newest "<abi>" (e.g. 6.12.117+deb12) already unpacked in the cache, if any.
cached_abi() {
	local d best=

	for d in "$WORKDIR"/*/.complete; do
		[[ -e $d ]] || continue
		d=${d%/.complete}
		d=${d##*/}
		if [[ -z $best ]] ||
			[[ $(printf '%s\n%s\n' "$best" "$d" | sort -V | tail -n 1) == "$d" ]]; then
			best=$d
		fi
	done
	printf '%s' "$best"
}

# Newest "<abi>" that apt knows of.
apt_newest_abi() {
	local names newest

	need_cmd apt-cache apt
	names=$(apt-cache pkgnames linux-headers-6.12. 2>/dev/null || true)
	newest=$(printf '%s\n' "$names" | grep -E "$HDR_RE" | sort -V | tail -n 1 || true)
	[[ -n $newest ]] ||
		die_env "apt knows no package matching $HDR_RE (run 'apt-get update' first;" \
			"bookworm-security must be in the sources)"
	newest=${newest#linux-headers-}
	printf '%s' "${newest%-amd64}"
}

# Download and unpack the three packages for ABI into $WORKDIR/ABI.
fetch_headers() {
	local abi=$1 dest tmp pkg ver deb
	local -a specs=()
	local -a pkgs=(
		"linux-headers-$abi-amd64"
		"linux-headers-$abi-common"
		"linux-kbuild-$abi"
	)

	dest=$WORKDIR/$abi
	need_cmd apt-get apt
	need_cmd dpkg-deb dpkg
	mkdir -p -- "$WORKDIR" || die_env "cannot create '$WORKDIR'"
	tmp=$(mktemp -d "$WORKDIR/.fetch.XXXXXX") || die_env "cannot write to '$WORKDIR'"
	SCRATCH_FETCH=$tmp

	for pkg in "${pkgs[@]}"; do
		ver=$(apt-cache policy "$pkg" 2>/dev/null |
			sed -n 's/^ *Candidate: *//p' | head -n 1)
		[[ -n $ver && $ver != "(none)" ]] ||
			die_env "apt has no candidate for '$pkg' (run 'apt-get update' first)"
		specs+=("$pkg=$ver")
	done
	info "downloading ${specs[*]}"
	# apt's _apt sandbox user cannot write to a root-owned 0755 directory;
	# apt would fall back to the calling user with a warning anyway.
	if ! (cd "$tmp" && apt-get download -q -o APT::Sandbox::User="$(id -un)" \
		"${specs[@]}" >download.log 2>&1); then
		cat "$tmp/download.log" >&2 || true
		die_env "'apt-get download ${specs[*]}' failed"
	fi

	mkdir -p "$tmp/root"
	for deb in "$tmp"/*.deb; do
		dpkg-deb -x "$deb" "$tmp/root" || die_env "dpkg-deb -x $deb failed"
	done

	fixup_tree "$abi" "$tmp/root"
	ver=$(dpkg-deb -f "$tmp/linux-headers-$abi-amd64_"*.deb Version)
	printf 'linux-headers-%s-amd64 %s\n' "$abi" "$ver" >"$tmp/root/VERSION"
	rm -f -- "$tmp"/*.deb "$tmp/download.log"

	rm -rf -- "$dest"
	mv -- "$tmp/root" "$dest" || die_env "cannot move unpacked headers to '$dest'"
	rm -rf -- "$tmp"
	SCRATCH_FETCH=
	touch -- "$dest/.complete"
}

# Make the unpacked tree self-contained.  The packages' internal symlinks
# (usr/src/*/scripts -> ../../lib/linux-kbuild-<abi>/scripts, ...) are
# relative and stay valid; the absolute ones are rewritten.
fixup_tree() {
	local abi=$1 root=$2 mk link target

	mk=$root/usr/src/linux-headers-$abi-amd64/Makefile
	[[ -f $mk ]] || die_env "unexpected package layout: '$mk' missing"
	[[ -f $root/usr/src/linux-headers-$abi-common/Makefile ]] ||
		die_env "unexpected package layout: common Makefile missing"
	[[ -d $root/usr/lib/linux-kbuild-$abi/scripts ]] ||
		die_env "unexpected package layout: linux-kbuild scripts missing"

	# "include /usr/src/linux-headers-<abi>-common/Makefile": point it at
	# the sibling directory, relative to the Makefile's own location so the
	# cache can be moved.  The $(...) are make functions, not shell.
	# shellcheck disable=SC2016
	local here='$(dir $(lastword $(MAKEFILE_LIST)))'
	local common='linux-headers-[^/]+-common/Makefile'

	sed -i -E "s@^include /usr/src/($common)\$@include $here../\\1@" "$mk"
	if grep -q '^include /' "$mk"; then
		die_env "could not rewrite the absolute include in '$mk'"
	fi

	# Any absolute symlink (lib/modules/<abi>/build, .../source) would point
	# at the host; make it relative to the cache.
	while IFS= read -r -d '' link; do
		target=$(readlink -- "$link")
		ln -sfn -- "$(realpath -m --relative-to="${link%/*}" "$root$target")" "$link"
	done < <(find "$root" -type l -lname '/*' -print0)
}

# Compiler and cross prefix the headers' Makefile expects (.kernelvariables).
check_compiler() {
	local hdr=$1 vars cc cross

	vars=$hdr/.kernelvariables
	[[ -f $vars ]] || return 0
	cc=$(sed -n -E 's/^CC = .*\$\(CROSS_COMPILE\)([^ ]+).*/\1/p' "$vars" | head -n 1)
	cross=$(sed -n -E 's/^override CROSS_COMPILE = *([^ ]*).*/\1/p' "$vars" | head -n 1)
	[[ -n $cc ]] || return 0
	need_cmd "$cross$cc" "$cc"
	need_cmd "${cross}nm" "binutils"
}

# W=1 makes kbuild run scripts/kernel-doc (a perl script using Pod::Usage,
# which perl-base alone lacks) on every .c file.
check_perl() {
	need_cmd perl "perl"
	perl -MPod::Usage -e 1 2>/dev/null ||
		die_env "perl lacks Pod::Usage, needed by scripts/kernel-doc (Debian package: perl)"
}

# Copy stdin to stdout, naming the core's own files in compiler and objtool
# diagnostics instead of their scratch copies; other lines (make's, V=1
# command lines) keep the scratch paths, which are what make really used.
map_paths() {
	local line

	while IFS= read -r line; do
		case $line in
		"$SCRATCH/"* | "In file included from $SCRATCH/"* | *" from $SCRATCH/"*)
			line=${line/"$SCRATCH/"/"$CORE_DIR/"}
			;;
		esac
		printf '%s\n' "$line"
	done
}

main() {
	local abi hdr version f base out rc=0 status
	local -a objs=() make_args=()

	parse_args "$@"
	need_cmd make "make"
	check_perl

	for f in "$CORE_DIR"/*.c; do
		[[ -e $f ]] || continue
		base=${f##*/}
		objs+=("${base%.c}.o")
	done
	((${#objs[@]})) || die_usage "no .c files in '$CORE_DIR'"

	if [[ -n $HEADERS ]]; then
		hdr=$HEADERS
		[[ -f $hdr/Makefile ]] || die_usage "'$hdr' has no Makefile"
		version=$(cat -- "$hdr/VERSION" 2>/dev/null ||
			make -s -C "$hdr" kernelversion 2>/dev/null || echo unknown)
	else
		abi=$(cached_abi)
		if [[ -z $abi ]] || ((UPDATE)); then
			local newest
			newest=$(apt_newest_abi)
			lock_workdir
			if [[ ! -e $WORKDIR/$newest/.complete ]]; then
				fetch_headers "$newest"
			fi
			unlock_workdir
			abi=$newest
		fi
		hdr=$WORKDIR/$abi/usr/src/linux-headers-$abi-amd64
		version=$(cat -- "$WORKDIR/$abi/VERSION")
	fi
	info "kernel headers: $version ($hdr)"
	check_compiler "$hdr"

	SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/kobj-check.XXXXXX") ||
		die_env "cannot create a scratch directory"
	for f in "$CORE_DIR"/*.c "$CORE_DIR"/*.h; do
		[[ -e $f ]] || continue
		cp -- "$f" "$SCRATCH/" || die_env "cannot copy '$f'"
	done
	printf 'obj-m += %s\n' "${objs[@]}" >"$SCRATCH/Kbuild"

	# Debian's headers Makefile would wrap CC in ccache if asked to.
	unset DEBIAN_KERNEL_USE_CCACHE
	make_args=(-C "$hdr" "M=$SCRATCH" W=1)
	((VERBOSE)) && make_args+=(V=1)

	info "building ${objs[*]} from $CORE_DIR"
	out=$(make "${make_args[@]}" "${objs[@]}" 2>&1) || rc=$?
	out=$(map_paths <<<"$out")
	printf '%s\n' "$out"

	if ((rc != 0)) && grep -q -E "$TOOL_FAILURE_RE" <<<"$out"; then
		die_env "the kbuild tool chain could not run (see above; missing libelf1 or perl?)"
	fi

	status=0
	if ((rc != 0)); then
		printf '%s: FAIL: make exited with status %d\n' "$PROG" "$rc" >&2
		status=1
	fi
	if grep -q -i -E 'warning:|error:' <<<"$out"; then
		printf '%s: FAIL: build output has %d warning/error line(s):\n' "$PROG" \
			"$(grep -c -i -E 'warning:|error:' <<<"$out")" >&2
		grep -i -E 'warning:|error:' <<<"$out" >&2 || true
		status=1
	fi
	for f in "${objs[@]}"; do
		if [[ ! -s $SCRATCH/$f ]]; then
			printf '%s: FAIL: %s was not produced\n' "$PROG" "$f" >&2
			status=1
		fi
	done
	if ((status == 0)); then
		info "PASS: ${objs[*]} built cleanly with W=1 against $version"
	fi
	return "$status"
}

trap cleanup EXIT
main "$@"
