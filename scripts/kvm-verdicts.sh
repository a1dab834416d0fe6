#!/usr/bin/env bash
# scripts/kvm-verdicts.sh: the kvm lane's results when L1 died before
# run_tests.sh inside it could write them (a kernel panic, a hung L1 the
# lane's watchdog killed, the outer QEMU crashing). Called by kvm-lane.sh.
#
#   kvm-verdicts.sh LOGDIR PROGRESS WHY [--arch ARCH] [--tap] [--junit FILE] -- RUN_TESTS_ARGS...
#   kvm-verdicts.sh LOGDIR PROGRESS WHY --pending -- RUN_TESTS_ARGS...
#
# Run in the build directory. PROGRESS holds the lines run_tests.sh printed
# inside L1 before it died ("[k/N] running: a b", "PASS a (detail)"); WHY is
# one line saying how L1 ended (its panic line, when it had one).
# Nothing is invented and nothing is lost: a test with a result line keeps
# its state; a test that was running has no verdict of its own and is CRASH
# with WHY; a test never started is NOTRUN; an entry run_tests.sh would have
# skipped (another accelerator) is SKIP as it would have said. Writes
# LOGDIR/states.txt, TAP on stdout with --tap, JUnit with --junit, in
# run_tests.sh's formats (scripts/suite-report.sh). --pending writes nothing
# and prints the names that would be CRASH or NOTRUN, one a line: what
# kvm-lane.sh runs again in a fresh L1 after an L0 crash. PROGRESS may hold
# the lines of several L1s in turn; a test's last result line wins.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
srcdir=$(cd "$here/.." && pwd)
logdir=$1 progress=$2 why=$3
shift 3
tap=0 junit='' arch=x86_64 pending=0
while [ $# -gt 0 ]; do
	case $1 in
	--tap) tap=1 ;;
	--pending) pending=1 ;;
	--arch) arch=$2; shift ;;
	--junit) junit=$2; shift ;;
	--) shift; break ;;
	*) echo "kvm-verdicts: unknown option $1" >&2; exit 2 ;;
	esac
	shift
done

# The selection run_tests.sh made inside L1, made again here from the same
# cfg and arguments (-l lists without running; no /dev/kvm needed).
list=$(mktemp "${TMPDIR:-/tmp}/kvm-verdicts.XXXXXX")
trap 'rm -f "$list" "$list.m"' EXIT
HVUT_LOGDIR=$list.d ACCEL=kvm HVUT_RUNNER_INSIDE=1 "$srcdir/run_tests.sh" -l "$@" >"$list" 2>/dev/null || {
	echo "kvm-verdicts: run_tests.sh -l $* failed: no test list" >&2
	exit 3
}
rm -rf "$list.d"

# Result lines may start with a terminal's clear sequence; drop anything
# before the state word.
declare -A state_of=() detail_of=() started=()
while IFS= read -r line; do
	line=${line//$'\r'/}
	if [[ $line =~ \[[0-9]+/[0-9]+\]\ running:\ (.*)$ ]]; then
		for t in ${BASH_REMATCH[1]}; do started[$t]=1; done
	elif [[ $line =~ (^|[^A-Z])(PASS|FAIL|SKIP|XFAIL|TIMEOUT|CRASH|INTERRUPTED)\ ([^ ]+)\ \((.*)\)$ ]]; then
		state_of[${BASH_REMATCH[3]}]=${BASH_REMATCH[2]}
		detail_of[${BASH_REMATCH[3]}]=${BASH_REMATCH[4]}
	fi
done <"$progress"

n_done=0 n_crash=0 n_notrun=0
: >"$list.m"
while IFS= read -r line; do
	name=${line%%: *}
	rest=${line#*: }
	log=$logdir/$name.log
	if [ "$pending" = 1 ]; then
		[ -n "${state_of[$name]+x}" ] || [[ $rest == SKIP\ \(*\) ]] || echo "$name"
		continue
	elif [ -n "${state_of[$name]+x}" ]; then
		state=${state_of[$name]} detail=${detail_of[$name]}
		n_done=$((n_done + 1))
	elif [[ $rest == SKIP\ \(*\) ]]; then
		state=SKIP detail=${rest#SKIP (}
		detail=${detail%)}
		echo "# hvut: not run: $detail" >"$log"
	elif [ -n "${started[$name]+x}" ]; then
		state=CRASH detail="L1 died while it ran: $why"
		n_crash=$((n_crash + 1))
	else
		state=NOTRUN detail="not started: L1 died ($why)"
		rm -f -- "$log"
		log=/nonexistent
		n_notrun=$((n_notrun + 1))
	fi
	printf '%s\037%s\037%s\0370\037\037%s\n' "$name" "$state" "$detail" "$log" >>"$list.m"
done <"$list"

[ "$pending" = 0 ] || exit 0
awk -F '\037' '{ print $1 " " $2 }' "$list.m" >"$logdir/states.txt.tmp"
mv -f "$logdir/states.txt.tmp" "$logdir/states.txt"
# The report formats are run_tests.sh's own.
# shellcheck source=scripts/suite-report.sh
source "$srcdir/scripts/suite-report.sh"
[ "$tap" = 0 ] || LC_ALL=C awk "$TAP_AWK" "$list.m"
if [ -n "$junit" ]; then
	LC_ALL=C awk -v arch="$arch" -v total_us=0 "$JUNIT_AWK" "$list.m" >"$junit.tmp"
	mv -f "$junit.tmp" "$junit"
fi
echo "kvm-verdicts: $n_done finished with their verdicts, $n_crash CRASH (running when L1 died), $n_notrun NOTRUN" >&2
