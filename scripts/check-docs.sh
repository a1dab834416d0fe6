#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# check-docs.sh: the examples in README.md, DEVELOPERS.md and docs/*.md,
# checked as written, so that they cannot rot. From the build dir (`make
# check`, project part). One check per example:
#   ```ini       a unittests.cfg fragment: hvut_parse_cfg must accept it, and
#                no value it yields may carry a '#' (comments end at '#').
#   ```conf      a lanes.cfg fragment: the same, with hvut_parse_lanes.
#   ```c with a main()  a whole test: extracted to docs-examples/, built like
#                a test (the build's -Werror: warning-free), then run alone
#                under TCG, where it must PASS. A line `<!-- example: ARCH... -->`
#                right before the fence names the arches it is for (none:
#                every arch); it is checked in a build for one of them.
#   ```c without a main() is a fragment and not checked.
# Ends with "N passed, N failed"; exit 1 when N failed > 0.
set -uo pipefail

self_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=scripts/runtime.sh
source "$self_dir/runtime.sh"
# shellcheck source=scripts/cfg.sh
source "$self_dir/cfg.sh"

[ -f config.mak ] || hvut_die "no config.mak here: run me from the build dir (make check)"
hvut_read_config config.mak
arch=${HVUT_CONFIG[ARCH]:-} testdir=${HVUT_CONFIG[ARCH_TESTDIR]:-}
srcdir=${HVUT_CONFIG[SRCDIR]:-$(dirname "$self_dir")}
out=docs-examples
rm -rf "$out"
mkdir -p "$out" logs/docs

passed=0 failed=0
ok() { passed=$((passed + 1)); echo "ok   $*"; }
bad() { failed=$((failed + 1)); echo "FAIL $*"; }

# extract DOC: writes each ini/conf/c block of DOC to $out/<doc>-<n>.<ini|conf|c> and
# prints "file kind arches doc:line" per block (arches "-": every arch).
# shellcheck disable=SC2016 # awk program, not shell
extract() {
	local doc=$1 base
	base=$(basename "$doc" .md)
	awk -v out="$out" -v base="$base" -v doc="${doc#"$srcdir"/}" '
	!infence && /^[ \t]*<!-- example: .* -->[ \t]*$/ {
		a = $0; sub(/^[ \t]*<!-- example: /, "", a); sub(/ -->[ \t]*$/, "", a); marked = a; next
	}
	!infence && /^[ \t]*```(ini|conf|c)[ \t]*$/ {
		indent = $0; sub(/```.*/, "", indent)
		kind = $0; sub(/^[ \t]*```/, "", kind); sub(/[ \t]*$/, "", kind)
		n++; file = out "/" base "-" n "." kind
		printf "" > file
		printf "%s %s %s %s:%d\n", file, kind, (marked == "" ? "-" : marked), doc, FNR
		infence = 1; marked = ""; next
	}
	infence && /^[ \t]*```[ \t]*$/ { infence = 0; close(file); next }
	infence { line = $0; if (substr(line, 1, length(indent)) == indent) line = substr(line, length(indent) + 1); print line > file; next }
	{ marked = "" }
	' "$doc"
}

# check_ini FILE WHERE [PARSER WHAT]: a unittests.cfg (or, with
# hvut_parse_lanes, a lanes.cfg) example parses and no '#' reaches a value.
check_ini() {
	local file=$1 where=$2 parser=${3:-hvut_parse_cfg} what=${4:-cfg} recs
	if ! recs=$("$parser" "$file" 2>"$file.err"); then
		bad "$where: the $what example does not parse: $(tr '\n' ' ' <"$file.err")"
	elif [ -z "$recs" ]; then
		bad "$where: the $what example has no [section]"
	elif [[ $recs == *'#'* ]]; then
		bad "$where: a '#' reached a value: $recs"
	else
		ok "$where: $what example parses"
	fi
}

check_c() {
	local file=$1 where=$2 name elf log rc=0
	name=$(basename "$file" .c)
	elf=$out/$name.elf
	log=logs/docs/$name.log
	if ! make -s "$elf" >"$log" 2>&1; then
		bad "$where: the example does not build warning-free for $arch ($log):"
		sed 's/^/    /' "$log"
		return
	fi
	ACCEL=tcg TIMEOUT=60 "$srcdir/$testdir/run" "$elf" >>"$log" 2>&1 || rc=$?
	if [ "$rc" = 0 ]; then
		ok "$where: example builds warning-free and PASSes on $arch TCG"
	else
		bad "$where: example built but did not PASS on $arch TCG (status $rc; $log):"
		tail -n 15 "$log" | sed 's/^/    /'
	fi
}

for doc in "$srcdir/README.md" "$srcdir/DEVELOPERS.md" "$srcdir"/docs/*.md; do
	[ -f "$doc" ] || continue
	while read -r file kind arches where; do
		case $kind in
		ini) check_ini "$file" "$where" ;;
		conf) check_ini "$file" "$where" hvut_parse_lanes lanes.cfg ;;
		c)
			grep -Eq '^int main\(' "$file" || continue
			if [ "$arches" != - ] && [[ ",$arches," != *",$arch,"* ]]; then
				echo "--   $where: example for $arches, not checked in this $arch build"
				continue
			fi
			check_c "$file" "$where" ;;
		esac
	done < <(extract "$doc")
done
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
