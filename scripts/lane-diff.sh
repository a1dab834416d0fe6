#!/usr/bin/env bash
# lane-diff.sh A B: every assertion whose outcome differs between two lanes'
# results, like `diff` of two results files (docs/lanes.md).
#
# A and B are lane log dirs as `make check` leaves them (logs/<arch>-<lane>/,
# holding states.txt and one <test>.log per test), or lane names looked up
# as logs/<name> in the current dir: from the build dir,
#     scripts/lane-diff.sh x86_64-tcg x86_64-tcg-qemu10
#
# An assertion is (test, text): its PASS/FAIL/XFAIL/XPASS/SKIP line with the
# deviation note "[<VMM> <version>: <what>; <rule>]" and every "(...)" group
# (observed values: "(got #UD at 0x1234)") taken off, so the same check on two
# VMMs pairs up. The same text twice in a test pairs up in order. The lines
# shown are lane A's text (lane B's when A lacks the assertion). Output, one line each:
#   <test>: <outcome in A> -> <outcome in B>: <text>   (an absent side is "-")
#   <test>: test <STATE in A> -> <STATE in B>           (the test's own state)
# then a count line. Exit status: 0 no difference, 1 differences, 2 trouble.
set -euo pipefail

die() { echo "lane-diff: $*" >&2; exit 2; }
[ $# -eq 2 ] || die "usage: $0 LANE_A LANE_B (log dirs, or names under ./logs)"

dir_of() {
	if [ -d "$1" ]; then echo "$1"
	elif [ -d "logs/$1" ]; then echo "logs/$1"
	else die "no results for '$1' (neither a dir nor logs/$1; run make check-lane LANE=$1)"
	fi
}
a=$(dir_of "$1") b=$(dir_of "$2")
[ -f "$a/states.txt" ] || die "$a has no states.txt"
[ -f "$b/states.txt" ] || die "$b has no states.txt"

# One line per assertion: "test\037key\037outcome\037text", keys numbered by
# occurrence; and "test\037\037STATE\037" per test.
extract() {
	local dir=$1 name state
	while read -r name state; do
		printf '%s\037\037%s\037\n' "$name" "$state"
		[ -f "$dir/$name.log" ] || continue
		LC_ALL=C awk -v t="$name" '
			# Text without its (...) groups, nested ones too: observed values.
			function unparen(s,   out, i, c, depth) {
				out = ""; depth = 0
				for (i = 1; i <= length(s); i++) {
					c = substr(s, i, 1)
					if (c == "(") depth++
					else if (c == ")" && depth > 0) depth--
					else if (depth == 0) out = out c
				}
				gsub(/  +/, " ", out); sub(/ +$/, "", out)
				return out
			}
			/^(PASS|FAIL|XFAIL|XPASS|SKIP): / {
				kind = substr($0, 1, index($0, ":") - 1)
				text = substr($0, index($0, ":") + 2)
				sub(/[ \t\r]+$/, "", text)
				key = text
				# The deviation note names the VMM and its version (lib/deviation.c).
				sub(/ \[(QEMU|KVM|Bochs|qemu-tcg|kvm|bochs) .*\]$/, "", key)
				key = unparen(key)
				n = ++seen[key]
				printf "%s\037%s#%d\037%s\037%s\n", t, key, n, kind, text
			}' "$dir/$name.log"
	done <"$dir/states.txt"
}

extract "$a" >"${TMPDIR:-/tmp}/lane-diff.$$.a"
extract "$b" >"${TMPDIR:-/tmp}/lane-diff.$$.b"
trap 'rm -f "${TMPDIR:-/tmp}/lane-diff.$$".[ab]' EXIT

LC_ALL=C awk -F '\037' -v la="$1" -v lb="$2" '
FNR == NR { k = $1 FS $2; A[k] = $3; T[k] = $4; order[++n] = k; next }
{
	k = $1 FS $2
	B[k] = $3
	if (!(k in A)) { T[k] = $4; order[++n] = k }
	else if (T[k] == "") T[k] = $4
}
END {
	print "# lane-diff: " la " -> " lb
	for (i = 1; i <= n; i++) {
		k = order[i]
		if (k in done) continue
		done[k] = 1
		oa = (k in A) ? A[k] : "-"
		ob = (k in B) ? B[k] : "-"
		if (oa == ob) continue
		split(k, p, FS)
		if (p[2] == "")
			printf "%s: test %s -> %s\n", p[1], oa, ob
		else
			printf "%s: %s -> %s: %s\n", p[1], oa, ob, T[k]
		d++
		if (p[2] != "") c[oa " -> " ob]++
	}
	printf "# %d differences", d + 0
	for (x in c) printf "; %s %d", x, c[x]
	print ""
	exit (d > 0)
}' "${TMPDIR:-/tmp}/lane-diff.$$.a" "${TMPDIR:-/tmp}/lane-diff.$$.b"
