# shellcheck shell=bash disable=SC2154 # run_tests.sh's globals
# suite-run.sh: run_tests.sh's scheduler: starts the selected tests (longest
# first, at most $jobs at once), shows progress, and hands each finished test
# to collect (suite-verdict.sh). Sourced by run_tests.sh; functions only.
# Reads run_tests.sh's globals (T_*, selected, jobs, logdir, tmp, runner...).

# --- progress and human output -----------------------------------------------------
redraw=0
[ -t 2 ] && redraw=1
clear_seq=''
[ "$redraw" = 1 ] && [ -t 3 ] && clear_seq=$'\r\033[K'
done_count=0
running=()

progress() {
	local names_running='' i
	for i in "${running[@]}"; do names_running+=" ${T_NAME[i]}"; done
	if [ "$redraw" = 1 ]; then
		printf '\r\033[K[%d/%d] running:%s' "$done_count" "$total" "$names_running" >&2
	else
		printf '[%d/%d] running:%s\n' "$done_count" "$total" "$names_running" >&2
	fi
}
say() { printf '%s%s\n' "$clear_seq" "$*" >&3; }


# --- one test ------------------------------------------------------------------------
# Tees the console into the log, shows FAIL/XPASS lines (or, with -v, every
# line) the moment they arrive, and keeps what the verdict line needs.
# shellcheck disable=SC2016 # awk program, not shell
LIVE_AWK='
{
	print > logf
	fflush(logf)
	if (verbose)
		printf "%s%s| %s\n", clr, name, $0
	else if ($0 ~ /^(FAIL|XPASS): /)
		printf "%s  %s %s: %s\n", clr, substr($0, 1, index($0, ":") - 1), name, substr($0, index($0, ":") + 2)
	if ($0 ~ /^SUMMARY:/) summary = $0
	else if ($0 ~ /^hvut: [A-Z]+ \(/) trailer = $0
	else if ($0 ~ /^SKIP: / && firstskip == "") firstskip = substr($0, 7)
	if ($0 ~ /[^ \t]/ && $0 !~ /^hvut: /) last = $0
}
END {
	print summary > sumf
	print trailer > sumf
	print firstskip > sumf
	gsub(/[^ -~]/, "?", last)
	print substr(last, 1, 200) > sumf
}'

run_job() {
	local i=$1 name=${T_NAME[$1]} rc=0 t0 t1
	local -a extra=()
	read -r -a extra <<<"${T_EXTRA[i]}" || true
	hvut_now_us
	t0=$HVUT_NOW_US
	{
		echo "# hvut: $(cmdline "$i")"
		SMP=${T_SMP[i]} TEST_ARGS=${T_ARGS[i]} TIMEOUT=$(test_timeout "$i") BOCHS_CPU=${T_BOCHS[i]} \
			"$runner" "$bin_testdir/${T_FILE[i]}" "${extra[@]}" </dev/null 2>&1 || rc=$?
		echo "$rc" >"$tmp/$name.rc"
	} | {
		# shellcheck disable=SC2086 # HVUT_AWK_FLAGS is a list of awk options
		LC_ALL=C awk $HVUT_AWK_FLAGS -v name="$name" -v logf="$logdir/$name.log" -v verbose="$verbose" \
			-v clr="$clear_seq" -v sumf="$tmp/$name.sum" "$LIVE_AWK" >&3
	}
	hvut_now_us
	t1=$HVUT_NOW_US
	echo "$(cat "$tmp/$name.rc" 2>/dev/null || echo 127) $((t1 - t0))" >"$tmp/$name.res"
}


# suite_schedule: fills queue (indices, longest first by the last run's time,
# tests never seen before all) and marks the tests we do not start.
declare -gA last_us=()
suite_schedule() {
	local i r dname dus
	durations=$logdir/.durations
	if [ -f "$durations" ]; then
		while read -r dname dus; do
			[[ $dus =~ ^[0-9]+$ ]] && last_us[$dname]=$dus
		done <"$durations"
	fi
	queue=()
	for i in "${selected[@]}"; do
		r=$(skip_reason "$i")
		if [ -n "$r" ]; then
			skip_now "$i" "$r"
			continue
		fi
		# key: never seen sorts above any time; ties keep cfg order.
		echo "${last_us[${T_NAME[i]}]:-999999999999999} $i"
	done >"$tmp/order"
	while read -r _ i; do queue+=("$i"); done < <(LC_ALL=C sort -s -k1,1nr "$tmp/order")
}

# Each job gets its own process group (set -m) so an interrupt can end it and
# everything it started.
declare -gA job_pid=()
interrupted=0
on_signal() {
	interrupted=1
	local i
	for i in "${running[@]}"; do
		kill -TERM -- "-${job_pid[$i]}" 2>/dev/null || true
	done
}

# suite_run_all: run the queue to the end (or an interrupt).
suite_run_all() {
	local i changed=0 still
	trap on_signal INT TERM HUP
	set -m
	export ACCEL HVUT_PROBED HVUT_ENV
	while [ ${#queue[@]} -gt 0 ] || [ ${#running[@]} -gt 0 ]; do
		while [ "$interrupted" = 0 ] && [ ${#queue[@]} -gt 0 ] && [ ${#running[@]} -lt "$jobs" ]; do
			i=${queue[0]}
			queue=("${queue[@]:1}")
			run_job "$i" &
			job_pid[$i]=$!
			running+=("$i")
			changed=1
		done
		[ "$interrupted" = 1 ] && queue=()
		[ ${#running[@]} -gt 0 ] || break
		# One progress line per batch of starts and ends, not one per event.
		[ "$changed" = 0 ] || progress
		changed=0
		# Every job ends within its time limit (timeout kills the VMM), so this
		# wait is bounded.
		wait -n 2>/dev/null || true
		still=()
		for i in "${running[@]}"; do
			if [ -f "$tmp/${T_NAME[i]}.res" ] || ! kill -0 "${job_pid[$i]}" 2>/dev/null; then
				wait "${job_pid[$i]}" 2>/dev/null || true
				collect "$i"
			else
				still+=("$i")
			fi
		done
		running=("${still[@]}")
		changed=1
	done
	set +m
	[ "$redraw" = 1 ] && printf '\r\033[K' >&2
	return 0
}

# suite_save_durations: remember this run's times for the next run's schedule.
suite_save_durations() {
	local i dname
	{
		for i in "${selected[@]}"; do
			[ "${R_US[i]:-0}" -gt 0 ] && last_us[${T_NAME[i]}]=${R_US[i]}
		done
		for dname in "${!last_us[@]}"; do echo "$dname ${last_us[$dname]}"; done
	} >"$tmp/durations" && mv -f "$tmp/durations" "$durations"
}
