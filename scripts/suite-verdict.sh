# shellcheck shell=bash disable=SC2154,SC2034 # run_tests.sh's globals
# suite-verdict.sh: turn a finished test's files into its state, once; every
# report (line, states file, TAP, JUnit) reads R_STATE. Sourced by run_tests.sh.

# --- results ---------------------------------------------------------------------------
R_STATE=() R_DETAIL=() R_US=() R_NFAIL=()
declare -A count=([PASS]=0 [FAIL]=0 [SKIP]=0 [TIMEOUT]=0 [CRASH]=0)

# collect I: turn a finished job's files into its verdict line.
collect() {
	local i=$1 name=${T_NAME[$1]} rc=127 us=0 summary='' trailer='' firstskip='' last=''
	local state detail ntests=0 nfail=0 nskip=0 secs
	if [ -f "$tmp/$name.res" ]; then read -r rc us <"$tmp/$name.res"; fi
	if [ -f "$tmp/$name.sum" ]; then
		{
			IFS= read -r summary || true
			IFS= read -r trailer || true
			IFS= read -r firstskip || true
			IFS= read -r last || true
		} <"$tmp/$name.sum"
	fi
	if [[ $summary =~ ^SUMMARY:\ ([0-9]+)\ tests?,\ ([0-9]+)\ unexpected\ failures?,\ ([0-9]+)\ skipped ]]; then
		ntests=${BASH_REMATCH[1]} nfail=${BASH_REMATCH[2]} nskip=${BASH_REMATCH[3]}
	fi
	secs=$(hvut_us_fmt "$us")
	# The trailer's "(details)", when the run got as far as a verdict.
	local why=''
	if [[ $trailer =~ ^hvut:\ [A-Z]+\ \((.*)\)$ ]]; then why=${BASH_REMATCH[1]}; fi
	case $rc in
	0) state=PASS detail="$ntests tests, $secs s" ;;
	1)
		state=FAIL
		if [ "$nfail" -gt 0 ]; then detail="$nfail of $ntests failed, $secs s"; else detail="$why, $secs s"; fi
		;;
	2)
		state=SKIP
		if [ -n "$firstskip" ]; then detail="$nskip skipped: $firstskip"; else detail="no assertions ran"; fi
		[[ $why == *"see above"* ]] && detail="the VMM cannot run it here: $last"
		;;
	3) state=CRASH detail=${why:-"no verdict; last line: $last"} ;;
	4) state=TIMEOUT detail="$(test_timeout "$i") s" ;;
	*) state=CRASH detail="$runner exited $rc; last line: $last" ;;
	esac
	R_STATE[i]=$state R_DETAIL[i]=$detail R_US[i]=$us R_NFAIL[i]=$nfail
	count[$state]=$((count[$state] + 1))
	done_count=$((done_count + 1))
	say "$state $name ($detail)"
}

skip_now() { # I REASON: a test we do not start
	local i=$1 name=${T_NAME[$1]}
	echo "# hvut: not run: $2" >"$logdir/$name.log"
	R_STATE[i]=SKIP R_DETAIL[i]=$2 R_US[i]=0
	count[SKIP]=$((count[SKIP] + 1))
	done_count=$((done_count + 1))
	say "SKIP $name ($2)"
}

