#!/usr/bin/env bash
# scripts/kvm-diff.sh LOGDIR_A LOGDIR_B: every assertion whose outcome differs
# between two runs of the same suite (e.g. the tcg lane and the kvm lane), as
#     test | assertion | outcome in A | outcome in B
# one per line, for docs/kvm.md's table. An assertion is a console line
# "PASS|FAIL|XFAIL|XPASS|SKIP: text" (docs/protocol.md); the text is compared
# without its trailing "(measured values)" and "[deviation note]", which
# differ from run to run. A test that ran in one run only is one row, its
# state against "-"; within a test that ran in both, "-" is an assertion
# that only one of them made.
set -euo pipefail

{ [ $# = 2 ] && [ -d "$1" ] && [ -d "$2" ]; } || { echo "usage: $0 LOGDIR_A LOGDIR_B" >&2; exit 2; }

outcomes() { # LOGDIR: "test<TAB>text<TAB>outcome" lines
	local f t
	for f in "$1"/*.log; do
		t=${f##*/}
		t=${t%.log}
		case $t in kvm-l1) continue ;; esac
		awk -v t="$t" '
			# drop trailing (values) and [deviation] groups, nested ones too
			function strip_groups(s,   i, d, c, op, cl) {
				for (;;) {
					sub(/[ ]+$/, "", s)
					c = substr(s, length(s), 1)
					if (c == ")") { op = "("; cl = ")" }
					else if (c == "]") { op = "["; cl = "]" }
					else return s
					d = 0
					for (i = length(s); i > 0; i--) {
						c = substr(s, i, 1)
						if (c == cl) d++
						else if (c == op && --d == 0) break
					}
					if (i <= 1) return s
					s = substr(s, 1, i - 1)
				}
			}
			/^(PASS|FAIL|XFAIL|XPASS|SKIP): / {
				o = $1; sub(/:$/, "", o)
				s = $0; sub(/^[A-Z]+: /, "", s)
				s = strip_groups(s)
				n[s]++
				if (n[s] > 1) s = s " #" n[s]   # the same text twice: keep both
				printf "%s\t%s\t%s\n", t, s, o
			}
			/^hvut: (PASS|FAIL|SKIP|CRASH|TIMEOUT)/ { printf "%s\t(test state)\t%s\n", t, $2 }' "$f"
	done
}

LC_ALL=C join -t $'\t' -a1 -a2 -e - -o 0,1.2,2.2 \
	<(outcomes "$1" | awk -F'\t' '{ print $1 " | " $2 "\t" $3 }' | LC_ALL=C sort -t $'\t' -k1,1) \
	<(outcomes "$2" | awk -F'\t' '{ print $1 " | " $2 "\t" $3 }' | LC_ALL=C sort -t $'\t' -k1,1) |
	awk -F'\t' '
		# A test that did not run on one side shows as its state row only.
		{ split($1, k, " [|] "); if (k[2] == "(test state)" && ($2 == "-" || $3 == "-")) gone[k[1]] = 1
		  row[++n] = $0; test[n] = k[1] }
		END {
			for (i = 1; i <= n; i++) {
				split(row[i], f, "\t")
				if (f[2] == f[3] || (test[i] in gone && f[1] !~ /[(]test state[)]$/)) continue
				print f[1] " | " f[2] " | " f[3]
			}
		}'
