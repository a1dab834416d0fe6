#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# check.sh: `make check`, from the build dir. Four parts, always all run:
#   1. host unit tests   tests/unit/run.sh <builddir>/tests/host-bin
#   2. harness tests     tests/harness/run.sh
#   3. lint              shellcheck on every tracked shell script, yamllint on CI YAML
#   4. guest suite       run_tests.sh under TCG, states compared with
#                        tests/expected/<ARCH>.txt
# Counting: one check per unit test and per harness check (their own
# "N passed, N failed" lines), per linted file, and per test line compared in
# part 4. A part that ends without its count line, or cannot run at all (a
# linter missing, no expected file), counts as one failed check. A part
# whose script does not exist yet is skipped with a message and counts nothing.
# Ends with exactly one line "N passed, N failed"; exit 1 when N failed > 0.
set -uo pipefail

self_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=scripts/runtime.sh
source "$self_dir/runtime.sh"

[ -f config.mak ] || hvut_die "no config.mak here: run me from the build dir (make check)"
hvut_read_config config.mak
arch=${HVUT_CONFIG[ARCH]:-}
srcdir=${HVUT_CONFIG[SRCDIR]:-$(dirname "$self_dir")}
builddir=$PWD
ncpu=$(nproc 2>/dev/null || echo 1)
mkdir -p logs

passed=0 failed=0
fail_check() {
	failed=$((failed + 1))
	echo "check: FAILED: $*"
}

# counted PART LOG CMD...: run a part that ends with "N passed, N failed",
# its output shown and kept in LOG, and add its counts.
counted() {
	local part=$1 log=$2 rc=0 line
	shift 2
	"$@" 2>&1 | tee "$log" || rc=$?
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$log" | tail -n 1)
	if [ -z "$line" ]; then
		fail_check "$part ended (status $rc) without an 'N passed, N failed' line; see $log"
		return
	fi
	read -r p _ f _ <<<"$line"
	passed=$((passed + p)) failed=$((failed + f))
	if [ "$f" = 0 ] && [ "$rc" != 0 ]; then
		fail_check "$part reported 0 failed but exited $rc"
	fi
}

echo "== 1/4 host unit tests"
if [ -f "$srcdir/tests/unit/run.sh" ]; then
	counted "unit tests" logs/check-unit.log bash "$srcdir/tests/unit/run.sh" "$builddir/tests/host-bin"
else
	echo "(skipped: $srcdir/tests/unit/run.sh does not exist yet)"
fi

echo "== 2/4 harness tests"
counted "harness tests" logs/check-harness.log bash "$srcdir/tests/harness/run.sh"

echo "== 3/4 lint"
# Tracked files when this is a git checkout; else every file but build output.
list_files() {
	if git -C "$srcdir" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
		git -C "$srcdir" ls-files
	else
		(cd "$srcdir" && find . -type f -not -path './.git/*' -not -path './build*' -not -path './logs/*' | sed 's|^\./||')
	fi
}
shell_files=() yaml_files=()
while IFS= read -r f; do
	[ -f "$srcdir/$f" ] || continue
	case $f in
	*.sh) shell_files+=("$f") ;;
	*.yml | *.yaml) yaml_files+=("$f") ;;
	*.*) ;;
	*) # no extension: a script if its first line says so (configure, <arch>/run)
		if head -n 1 "$srcdir/$f" 2>/dev/null | grep -Eq '^#!.*\b(ba)?sh\b'; then shell_files+=("$f"); fi ;;
	esac
done < <(list_files)
if [ ${#shell_files[@]} -gt 0 ]; then
	if command -v shellcheck >/dev/null; then
		for f in "${shell_files[@]}"; do
			# From srcdir, with -x: directives name sourced files relative to it.
			if (cd "$srcdir" && shellcheck -x -S style "$f"); then
				passed=$((passed + 1))
			else
				fail_check "shellcheck $f"
			fi
		done
	else
		fail_check "shellcheck is not installed (make deps)"
	fi
fi
if [ ${#yaml_files[@]} -gt 0 ]; then
	if command -v yamllint >/dev/null; then
		for f in "${yaml_files[@]}"; do
			if (cd "$srcdir" && yamllint -s "$f"); then
				passed=$((passed + 1))
			else
				fail_check "yamllint $f"
			fi
		done
	else
		fail_check "yamllint is not installed (make deps)"
	fi
fi
echo "(${#shell_files[@]} shell scripts, ${#yaml_files[@]} YAML files)"

echo "== 4/4 guest suite ($arch, TCG)"
rc=0
ACCEL=tcg "$srcdir/run_tests.sh" -j"$ncpu" --junit logs/junit.xml -t >logs/results.tap || rc=$?
expected=$srcdir/tests/expected/$arch.txt
if [ "$rc" -ge 2 ] || [ ! -f logs/states.txt ]; then
	fail_check "run_tests.sh could not run the suite (status $rc)"
elif [ ! -f "$expected" ]; then
	fail_check "no $expected; this run gave (logs/states.txt):"
	sed 's/^/    /' logs/states.txt
else
	# Both files as "name STATE"; comments and blank lines in expected ignored.
	while IFS= read -r line; do
		case $line in
		ok*) passed=$((passed + 1)) ;;
		*) fail_check "$line" ;;
		esac
	done < <(awk '
		FNR == NR { if ($0 !~ /^[ \t]*(#|$)/) { want[$1] = $2; order[++n] = $1 } next }
		{ got[$1] = $2; seen[++m] = $1 }
		END {
			for (i = 1; i <= n; i++) {
				t = order[i]
				if (!(t in got)) print "guest suite: " t " expected " want[t] " but it did not run"
				else if (got[t] != want[t]) print "guest suite: " t " expected " want[t] ", got " got[t] " (logs/" t ".log)"
				else print "ok " t
			}
			for (i = 1; i <= m; i++)
				if (!(seen[i] in want))
					print "guest suite: " seen[i] " ran (" got[seen[i]] ") but is not in the expected file"
		}' "$expected" logs/states.txt)
fi

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
