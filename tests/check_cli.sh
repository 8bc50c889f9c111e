#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The command line of design §7 end to end: exit codes, JSON, CSV, SVG, the
# device catalog.  Usage: check_cli.sh VFIOSIM SOURCE_DIR
#
# Nothing is skipped: a check that cannot run is a failure with its reason.
set -uo pipefail

if [ $# -ne 2 ]; then
	echo "usage: $0 VFIOSIM SOURCE_DIR" >&2
	exit 2
fi
vfiosim=$1
src=$2
scenarios=$src/traces/scenarios
catalog=$src/traces/devices
failures=0
checks=0

tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT

fail() {
	echo "FAIL: $*" >&2
	failures=$((failures + 1))
}

ok() {
	checks=$((checks + 1))
}

# expect_rc RC DESCRIPTION -- COMMAND...: run COMMAND (stdout and stderr to
# $tmp/out, $tmp/err) and check its exit status.
expect_rc() {
	local want=$1 what=$2 rc
	shift 3
	"$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ "$rc" -ne "$want" ]; then
		fail "$what: exit $rc, expected $want: $*"
		sed 's/^/  stderr: /' "$tmp/err" | head -5 >&2
		return 1
	fi
	ok
	return 0
}

# rc_ok RC DESCRIPTION: a report was written (0 matched, 1 mismatched).
rc_ok() {
	if [ "$1" -le 1 ]; then
		ok
	else
		fail "$2: exit $1"
	fi
}

need() {
	if ! command -v "$1" >/dev/null; then
		fail "$1 is needed by this test and is not installed"
		return 1
	fi
}

need python3 || exit 1
if [ ! -x "$vfiosim" ]; then
	fail "$vfiosim is not an executable"
	exit 1
fi

# -- usage and exit codes -------------------------------------------------
expect_rc 0 "--help" -- "$vfiosim" --help
grep -q '^usage: vfiosim COMMAND' "$tmp/out" || fail "--help: no usage line"
grep -q 'import-strace' "$tmp/out" || fail "--help does not list import-strace"
grep -q 'gen ' "$tmp/out" || fail "--help does not list gen"
expect_rc 0 "help replay" -- "$vfiosim" help replay
for cmd in replay compare layout devices import-strace gen; do
	expect_rc 0 "$cmd --help" -- "$vfiosim" "$cmd" --help &&
		{ grep -q "^usage: vfiosim $cmd" "$tmp/out" ||
			fail "$cmd --help: no usage line"; }
	[ -s "$tmp/err" ] && fail "$cmd --help wrote to stderr"
done
expect_rc 2 "no command" -- "$vfiosim"
expect_rc 2 "unknown command" -- "$vfiosim" frobnicate
grep -q "unknown command 'frobnicate'" "$tmp/err" ||
	fail "unknown command: no message naming it"
for cmd in replay compare layout devices; do
	expect_rc 2 "$cmd: unknown option" -- "$vfiosim" "$cmd" --no-such-option
	grep -q -- "--no-such-option" "$tmp/err" ||
		fail "$cmd: unknown option not named"
done
expect_rc 2 "option without its argument" -- "$vfiosim" replay --design
expect_rc 2 "unknown design" -- "$vfiosim" replay --design nope x.trace
expect_rc 2 "unknown layout" -- "$vfiosim" replay --layout nope x.trace
expect_rc 2 "replay: csv is not a replay format" -- \
	"$vfiosim" replay --format csv x.trace
expect_rc 2 "compare: unknown format" -- "$vfiosim" compare --format xml x.trace
expect_rc 2 "replay: no trace" -- "$vfiosim" replay
expect_rc 2 "compare: no trace" -- "$vfiosim" compare
expect_rc 2 "layout: no trace" -- "$vfiosim" layout
expect_rc 2 "layout: two traces" -- "$vfiosim" layout a.trace b.trace
expect_rc 2 "devices: an argument" -- "$vfiosim" devices extra
expect_rc 2 "gen SCENARIO is not implemented" -- "$vfiosim" gen x
grep -q "not implemented yet" "$tmp/err" ||
	fail "gen: no 'not implemented yet'"
expect_rc 2 "import-strace: a missing log" -- "$vfiosim" import-strace \
	"$tmp/no-such.strace"

# -- bad input --------------------------------------------------------------
missing=$tmp/no-such.trace
for cmd in replay compare layout; do
	expect_rc 2 "$cmd: a missing file" -- "$vfiosim" "$cmd" "$missing"
	grep -q "no-such.trace" "$tmp/err" ||
		fail "$cmd: a missing file is not named on stderr"
	[ -s "$tmp/out" ] && fail "$cmd: output for a missing file"
done
printf 'vfiotrace 1\ndev d0 from=h100\np=1 open fd=3 dev=d0 = 3\np=1 bogus fd=3\n' \
	>"$tmp/bad.trace"
for cmd in replay compare layout; do
	expect_rc 2 "$cmd: a malformed trace" -- "$vfiosim" "$cmd" "$tmp/bad.trace"
	grep -Eq "^$tmp/bad.trace:4:[0-9]+: " "$tmp/err" ||
		fail "$cmd: a malformed trace: no FILE:LINE:COLUMN on stderr: $(head -1 "$tmp/err")"
	[ -s "$tmp/out" ] && fail "$cmd: output for a malformed trace"
done
expect_rc 2 "devices: a missing catalog" -- \
	"$vfiosim" devices --catalog "$tmp/no-such-dir"
VFIOSIM_CATALOG=$tmp/no-such-dir expect_rc 2 "VFIOSIM_CATALOG is used" -- \
	"$vfiosim" devices

# -- the device catalog -----------------------------------------------------
ndev=0
for f in "$catalog"/*.dev; do
	[ -e "$f" ] && ndev=$((ndev + 1))
done
if [ "$ndev" -eq 0 ]; then
	fail "no device catalog entries in $catalog"
else
	expect_rc 0 "devices" -- "$vfiosim" devices --catalog "$catalog"
	expect_rc 0 "devices --format json" -- "$vfiosim" devices --format json
	python3 - "$tmp/out" "$ndev" <<'EOF' || fail "devices --format json"
import json, sys
doc = json.load(open(sys.argv[1]))
devs = doc["devices"]
assert len(devs) == int(sys.argv[2]), f"{len(devs)} devices, expected {sys.argv[2]}"
for d in devs:
    for k in ("name", "vendor", "device", "regions", "irqs", "flags"):
        assert k in d, f"device without {k}"
EOF
fi

# -- the bundled traces -----------------------------------------------------
traces=()
for t in "$scenarios"/*.trace; do
	[ -e "$t" ] && traces+=("$t")
done
if [ ${#traces[@]} -eq 0 ]; then
	fail "no traces in $scenarios: the compare, replay and layout checks need the bundled scenarios"
	echo "$checks checks passed, $failures failed" >&2
	exit 1
fi
ntr=${#traces[@]}

# compare: JSON, 12 results per trace, every design and layout
"$vfiosim" compare --format json "${traces[@]}" >"$tmp/cmp.json" 2>"$tmp/err"
rc=$?
if [ $rc -gt 1 ]; then
	fail "compare --format json: exit $rc"
	sed 's/^/  stderr: /' "$tmp/err" | head -5 >&2
else
	ok
	[ -s "$tmp/err" ] && fail "compare: stderr not empty when piped: $(head -1 "$tmp/err")"
	python3 -m json.tool "$tmp/cmp.json" >/dev/null ||
		fail "compare --format json is not JSON"
	python3 - "$tmp/cmp.json" "$rc" "${traces[@]}" <<'EOF' || fail "compare --format json: contents"
import json, sys
doc = json.load(open(sys.argv[1]))
rc = int(sys.argv[2])
traces = sys.argv[3:]
res = doc["results"]
assert len(res) == 12 * len(traces), f"{len(res)} results for {len(traces)} traces"
keys = ("trace", "design", "layout", "events", "mismatches", "errors",
        "cookies", "span_bytes", "region_bytes", "maple_nodes", "maple_bytes",
        "fits_mmap2_32bit", "matches", "unchecked", "unsupported", "skipped",
        "zap_missed", "invalid")
designs = {"legacy", "setattr", "alias", "getmmap"}
layouts = {"legacy", "compat", "compact"}
for t in traces:
    mine = [r for r in res if r["trace"] == t]
    assert len(mine) == 12, f"{t}: {len(mine)} results"
    assert {(r["design"], r["layout"]) for r in mine} == \
        {(d, l) for d in designs for l in layouts}, f"{t}: designs/layouts"
for r in res:
    for k in keys:
        assert k in r, f"a result without {k}"
    assert isinstance(r["errors"], dict)
    for name, n in r["errors"].items():
        assert name.startswith("E") and isinstance(n, int) and n > 0, name
    outcomes = r["matches"] + r["mismatches"] + r["unchecked"] + \
        r["unsupported"] + r["skipped"]
    assert outcomes == r["events"], f"{r['trace']}: outcomes {outcomes} != events {r['events']}"
    assert isinstance(r["fits_mmap2_32bit"], bool)
    assert "events_detail" not in r, "compare has no events_detail"
failed = any(r["mismatches"] or r["invalid"] for r in res)
assert rc == (1 if failed else 0), f"exit {rc} but failed={failed}"
EOF
fi

# compare: CSV, a header and 12 rows per trace
"$vfiosim" compare --format csv "${traces[@]}" >"$tmp/cmp.csv" 2>"$tmp/err"
rc=$?
if [ $rc -gt 1 ]; then
	fail "compare --format csv: exit $rc"
else
	ok
	python3 - "$tmp/cmp.csv" "$ntr" <<'EOF' || fail "compare --format csv"
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="")))
head, body = rows[0], rows[1:]
assert len(body) == 12 * int(sys.argv[2]), f"{len(body)} rows"
for k in ("trace", "design", "layout", "events", "mismatches", "cookies",
          "span_bytes", "region_bytes", "maple_nodes", "maple_bytes",
          "fits_mmap2_32bit"):
    assert k in head, f"no column {k}"
assert all(len(r) == len(head) for r in body), "ragged rows"
EOF
fi

# compare: the text table fits 100 columns (trace names aside)
"$vfiosim" compare "${traces[@]}" >"$tmp/cmp.txt" 2>"$tmp/err"
rc=$?
if [ $rc -gt 1 ]; then
	fail "compare (text): exit $rc"
else
	ok
	awk 'length($0) > 100 && $0 !~ /\(.* events\)$/ { bad = 1; print "  " $0 }
	     END { exit bad }' "$tmp/cmp.txt" >&2 ||
		fail "compare (text): lines over 100 columns"
	for d in legacy setattr alias getmmap; do
		grep -q "^  $d " "$tmp/cmp.txt" || fail "compare (text): no row for $d"
	done
fi

# replay: defaults, text lines, JSON with events_detail, exit status
i=0
for t in "${traces[@]}"; do
	i=$((i + 1))
	"$vfiosim" replay --format json "$t" >"$tmp/rep$i.json" 2>"$tmp/err"
	rc=$?
	echo "$rc" >"$tmp/rep$i.rc"
	if [ $rc -gt 1 ]; then
		fail "replay --format json $t: exit $rc"
		continue
	fi
	ok
	"$vfiosim" replay "$t" >"$tmp/rep$i.txt" 2>"$tmp/err"
	rc2=$?
	[ "$rc2" -eq "$rc" ] || fail "replay $t: exit $rc2 in text, $rc in json"
done
python3 - "$tmp" "${traces[@]}" <<'PY' || fail "replay: JSON and text"
import json, os, re, sys
tmp, traces = sys.argv[1], sys.argv[2:]
bad = 0
for i, t in enumerate(traces, 1):
    rc = int(open(f"{tmp}/rep{i}.rc").read())
    if rc > 1:
        continue
    try:
        (r,) = json.load(open(f"{tmp}/rep{i}.json"))["results"]
        assert r["trace"] == t and r["design"] == "legacy" and \
            r["layout"] == "legacy", "not the default design and layout"
        det = r["events_detail"]
        assert len(det) == r["mismatches"] + r["unsupported"] + \
            r["skipped"], "events_detail"
        for e in det:
            assert e["outcome"] in ("mismatch", "unsupported", "skipped"), e
            assert isinstance(e["line"], int) and isinstance(e["reason"], str)
        assert rc == (1 if r["mismatches"] or r["invalid"] else 0), \
            f"exit {rc}"
        lines = open(f"{tmp}/rep{i}.txt").read().splitlines()
        ev = [l for l in lines if re.match(re.escape(t) +
              r":\d+: (mismatch|unsupported|skipped): ", l)]
        assert len(ev) == len(det), f"{len(ev)} event lines in text"
        summary = [l for l in lines if l.startswith(t + ": legacy/legacy: ")]
        assert len(summary) == 1, "no summary line in text"
        assert len(lines) == len(ev) + 1 + (1 if r["invalid"] else 0), \
            "stray lines in text"
    except (AssertionError, KeyError, ValueError) as e:
        print(f"FAIL: replay {t}: {e!r}", file=sys.stderr)
        bad = 1
sys.exit(bad)
PY

# every design and layout is accepted by replay
for d in legacy setattr alias getmmap; do
	for l in legacy compat compact; do
		"$vfiosim" replay --design "$d" --layout "$l" --format json \
			"${traces[0]}" >"$tmp/one-$d-$l.json" 2>"$tmp/err"
		rc=$?
		rc_ok $rc "replay --design $d --layout $l"
	done
done
python3 - "$tmp" <<'PY' || fail "replay --design --layout: wrong results"
import json, sys
for d in ("legacy", "setattr", "alias", "getmmap"):
    for l in ("legacy", "compat", "compact"):
        (r,) = json.load(open(f"{sys.argv[1]}/one-{d}-{l}.json"))["results"]
        assert (r["design"], r["layout"]) == (d, l), (d, l)
PY

# layout: tables, JSON with the map, SVG that is XML
t=${traces[0]}
"$vfiosim" layout "$t" >"$tmp/lay.txt" 2>"$tmp/err"
rc=$?
if [ $rc -gt 1 ]; then
	fail "layout $t: exit $rc"
else
	ok
	for l in legacy compat compact; do
		grep -q "^$t: legacy/$l: " "$tmp/lay.txt" ||
			fail "layout: no table for $l"
	done
fi
"$vfiosim" layout --format json --layout compact "$t" >"$tmp/lay.json" 2>"$tmp/err"
rc_ok $? "layout --format json"
for d in legacy getmmap; do
	"$vfiosim" layout --design "$d" --svg "$tmp/lay-$d.svg" "$t" >/dev/null 2>"$tmp/err"
	rc_ok $? "layout --svg ($d)"
	grep -q '>compact</text>' "$tmp/lay-$d.svg" || fail "layout --svg ($d): no compact band"
done
"$vfiosim" layout --svg - --layout legacy "$t" >"$tmp/lay-std.svg" 2>"$tmp/err"
rc_ok $? "layout --svg -"
python3 - "$tmp" <<'PY' || fail "layout: JSON map or SVG"
import json, sys, xml.dom.minidom
tmp = sys.argv[1]
(r,) = json.load(open(f"{tmp}/lay.json"))["results"]
assert r["layout"] == "compact" and len(r["map"]) > 0, "layout json: no map"
for f in ("lay-legacy.svg", "lay-getmmap.svg", "lay-std.svg"):
    try:
        xml.dom.minidom.parse(f"{tmp}/{f}")
    except Exception as e:
        sys.exit(f"FAIL: {f} is not XML: {e}")
PY
expect_rc 2 "layout --svg into a missing directory" -- \
	"$vfiosim" layout --svg "$tmp/no/such/dir.svg" "$t"

# --catalog and VFIOSIM_CATALOG are where "dev from=NAME" looks
VFIOSIM_CATALOG=$catalog expect_rc 0 "VFIOSIM_CATALOG" -- "$vfiosim" devices
if grep -q 'from=' "${traces[@]}"; then
	expect_rc 2 "replay --catalog (a directory without the entries)" -- \
		"$vfiosim" replay --catalog "$tmp" "${traces[@]}"
	VFIOSIM_CATALOG=$tmp expect_rc 2 "replay with VFIOSIM_CATALOG" -- \
		"$vfiosim" replay "${traces[@]}"
	VFIOSIM_CATALOG=$tmp expect_rc 0 "--catalog wins over VFIOSIM_CATALOG" -- \
		"$vfiosim" devices --catalog "$catalog"
else
	fail "no bundled trace uses 'dev from=NAME': --catalog is not exercised"
fi

echo "$checks checks passed, $failures failed" >&2
[ "$failures" -eq 0 ]
