# shellcheck shell=bash disable=SC2154,SC2034 # run_tests.sh's globals
# suite-verdict.sh: each test's state, decided once; the line on screen, the
# states file, TAP, JUnit, JSON and the exit status all read R_STATE.
# The state itself comes from <arch>/run (hvut_verdict in runtime.sh), which
# writes it to a result file; here it is only cross-checked and recorded.
# Sourced by run_tests.sh.

R_STATE=() R_DETAIL=() R_US=() R_FIRSTFAIL=() R_LOG=()
SUITE_STATES="PASS FAIL SKIP XFAIL TIMEOUT CRASH INTERRUPTED NOTRUN"
declare -A count=()
for s in $SUITE_STATES; do count[$s]=0; done
declare -A STATE_RC=([PASS]=0 [FAIL]=1 [SKIP]=2 [CRASH]=3 [TIMEOUT]=4 [XFAIL]=5 [INTERRUPTED]=130)

# record I STATE DETAIL US [FIRSTFAIL]: the one place a state is set.
record() {
	local i=$1
	R_STATE[i]=$2 R_DETAIL[i]=$3 R_US[i]=$4 R_FIRSTFAIL[i]=${5:-}
	count[$2]=$((count[$2] + 1))
}

# collect I RC US: a finished test's result file (written by <arch>/run) into
# its state and its line on screen.
collect() {
	local i=$1 rc=$2 us=$3 name=${T_NAME[$1]} res=$tmp/${T_NAME[$1]}.res
	local state='' why='' p=0 f=0 s=0 xf=0 xp=0 firstfail='' secs last=''
	if [ -f "$res" ]; then
		IFS=$'\037' read -r state why p f s xf xp firstfail <"$res" || true
	fi
	hvut_us_secs "$us"
	secs=$HVUT_SECS
	if [ -z "$state" ] || [ -z "${STATE_RC[$state]+x}" ]; then
		if [ "$interrupted" = 1 ]; then
			state=INTERRUPTED why="stopped by a signal before its verdict"
		else
			last=$(tail -n 1 "$logdir/$name.log" 2>/dev/null | tr -c ' -~' '?' | cut -c1-200)
			state=CRASH why="$runner exited $rc without a verdict; last line: $last"
		fi
	elif [ "$rc" = 137 ] && [ -n "${job_sigkilled[$i]:-}" ]; then
		# Its verdict was written; our SIGKILL, 1 s after the interrupt, came
		# before it exited (a loaded host): the verdict stands.
		why="$why; its runner was still exiting at the SIGKILL"
	elif [ "${STATE_RC[$state]}" != "$rc" ]; then
		# The runner's status and its verdict must tell the same story.
		why="$runner said $state ($why) but exited $rc"
		state=CRASH
	fi
	case $state in PASS | FAIL | XFAIL) why="$why, $secs s" ;; esac
	record "$i" "$state" "$why" "$us" "$firstfail"
	R_LOG[i]=$logdir/$name.log
	done_count=$((done_count + 1))
	say "$state $name ($why)"
}

# skip_now I REASON: a test not started, for another arch or accelerator.
skip_now() {
	local i=$1
	echo "# hvut: not run: $2" >"$logdir/${T_NAME[i]}.log"
	record "$i" SKIP "$2" 0
	R_LOG[i]=$logdir/${T_NAME[i]}.log
	done_count=$((done_count + 1))
}

# not_run I: a test an interrupt kept from starting; its old log is not ours.
not_run() {
	record "$1" NOTRUN "not started: interrupted" 0
	R_LOG[$1]=''
}
