# shellcheck shell=bash disable=SC2154 # run_tests.sh's globals
# suite-run.sh: run_tests.sh's scheduler: starts the selected tests (longest
# first, at most $jobs at once), shows progress, hands each finished test to
# collect (suite-verdict.sh), and on SIGINT/TERM/HUP ends every test within
# two seconds and still writes every report. Sourced by run_tests.sh.

# --- progress and human output -----------------------------------------------------
redraw=0
[ -t 2 ] && redraw=1
clear_seq=''
[ "$redraw" = 1 ] && [ -t 3 ] && clear_seq=$'\r\033[K'
done_count=0
running=()
total=${#selected[@]}

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

# suite_intro: what this run is (arch, VMM, accelerator and why), and one line
# per accelerator for the selected entries meant for another, instead of one
# SKIP line each.
suite_intro() {
	local i a g common cmd n_a
	local -A need=() groups_of=() names_of=()
	say "hvut: $ARCH on $HVUT_VMM $HVUT_VMM_VERSION, ACCEL=$ACCEL ($HVUT_ACCEL_WHY); ${#runnable[@]} of $total tests to run, -j$jobs"
	for i in "${selected[@]}"; do
		[ -n "${T_SKIP[i]}" ] || continue
		if { [ -z "${T_ARCH[i]}" ] || in_list "$ARCH" "${T_ARCH[i]}"; } && in_list "$ACCEL" "${T_ACCEL[i]}"; then
			say "hvut: ${T_NAME[i]}: SKIP here (${T_SKIP[i]})"   # the host lacks something
			continue
		fi
		if [ -n "${T_ARCH[i]}" ] && ! in_list "$ARCH" "${T_ARCH[i]}"; then a="arch=${T_ARCH[i]}"; else a="ACCEL=${T_ACCEL[i]%% *}"; fi
		need[$a]=$((${need[$a]:-0} + 1))
		names_of[$a]+=" ${T_NAME[i]}"
		# The groups every such entry shares: the -g that selects them.
		if [ -z "${groups_of[$a]+x}" ]; then groups_of[$a]=" ${T_GROUPS[i]} "; else
			common=' '
			for g in ${groups_of[$a]}; do in_list "$g" "${T_GROUPS[i]}" && common+="$g "; done
			groups_of[$a]=$common
		fi
	done
	for a in "${!need[@]}"; do
		n_a="${need[$a]} entries need"
		[ "${need[$a]}" != 1 ] || n_a="1 entry needs"
		g=${groups_of[$a]# }
		g=${g%% *}
		if [[ $a == arch=* ]]; then
			say "hvut: $n_a ${a#arch=} (SKIP here)"
			continue
		fi
		if [ -n "$g" ] && [ "$g" != nodefault ]; then cmd="$a ./run_tests.sh -g $g"; else cmd="$a ./run_tests.sh${names_of[$a]}"; fi
		say "hvut: $n_a $a: $cmd"
	done
}

# suite_schedule: the tests not started get their state now; queue gets the
# others, longest first by the last run's time, tests never seen before all.
declare -gA last_us=()
suite_schedule() {
	local i dname dus
	durations=$logdir/.durations
	if [ -f "$durations" ]; then
		while read -r dname dus; do
			[[ $dus =~ ^[0-9]+$ ]] && last_us[$dname]=$dus
		done <"$durations"
	fi
	queue=()
	for i in "${selected[@]}"; do
		[ -z "${T_SKIP[i]}" ] || skip_now "$i" "${T_SKIP[i]}"
	done
	for i in "${runnable[@]}"; do
		# key: never seen sorts above any time; ties keep cfg order.
		echo "${last_us[${T_NAME[i]}]:-999999999999999} $i"
	done >"$tmp/order"
	while read -r _ i; do queue+=("$i"); done < <(LC_ALL=C sort -s -k1,1nr "$tmp/order")
}

# run_job I: start one test in the background, its console into its log. One
# process (the <arch>/run) from here; it reports through its result file.
# The runner is started by this bash, not through its `#!/usr/bin/env bash`
# line: one exec fewer per test (115 -> 102 ms of CPU, make bench).
declare -gA job_pid=() job_t0=() index_of_pid=()
# Jobs this script SIGKILLed after an interrupt (collect: their 137 is ours).
declare -gA job_sigkilled=()
run_job() {
	local i=$1 name=${T_NAME[$1]}
	local -a extra=()
	read -r -a extra <<<"${T_EXTRA[i]}" || true
	cmdline "$i"
	printf '# hvut: %s\n' "$CMDLINE" >"$logdir/$name.log"
	hvut_now_us
	job_t0[$i]=$HVUT_NOW_US
	local dest=${migrate_dest[${T_MIGRATE_TO[i]:-.}]:-}
	SMP=${T_SMP[i]} TEST_ARGS=${T_ARGS[i]} TIMEOUT=$TEST_TIMEOUT BOCHS_CPU=${T_BOCHS[i]} HVUT_MIGRATE=${T_MIGRATE[i]} \
		HVUT_MIGRATE_DEST=$dest HVUT_NMI=${T_NMI[i]} \
		HVUT_RESULT=$tmp/$name.res HVUT_LIVE=$live HVUT_LIVE_NAME=$name HVUT_LIVE_PREFIX=$clear_seq \
		"$BASH" "$runner" "$bin_testdir/${T_FILE[i]}" "${extra[@]}" </dev/null >>"$logdir/$name.log" 2>&3 &
	job_pid[$i]=$!
	index_of_pid[$!]=$i
}

interrupted=0
# On a signal: no new test; every running one is told to stop (its runner
# ends its VMM within half a second and writes INTERRUPTED); what is left
# after 1 s is killed: the runner's process group and its VMM's session.
on_signal() {
	local i
	interrupted=1
	for i in "${running[@]}"; do
		kill -TERM "${job_pid[$i]}" 2>/dev/null || true
	done
}

# reap PID STATUS: a job ended.
reap() {
	local pid=$1 rc=$2 i still=() j
	i=${index_of_pid[$pid]:-}
	[ -n "$i" ] || return 0
	unset "index_of_pid[$pid]"
	hvut_now_us
	collect "$i" "$rc" $((HVUT_NOW_US - job_t0[$i]))
	for j in "${running[@]}"; do [ "$j" = "$i" ] || still+=("$j"); done
	running=("${still[@]}")
}

# suite_run_all: run the queue to the end, or to an interrupt.
suite_run_all() {
	local i pid rc changed=0 nap t_sig=0 vpid
	trap on_signal INT TERM HUP
	# Each job in its own process group (set -m): an interrupt can end it and
	# all it started, and a Ctrl-C on the terminal reaches only us.
	set -m
	export ACCEL HVUT_PROBED HVUT_ENV HVUT_RUNDIR=$tmp
	live=1
	[ "$verbose" = 0 ] || live=2
	while [ ${#queue[@]} -gt 0 ] || [ ${#running[@]} -gt 0 ]; do
		while [ "$interrupted" = 0 ] && [ ${#queue[@]} -gt 0 ] && [ ${#running[@]} -lt "$jobs" ]; do
			i=${queue[0]}
			queue=("${queue[@]:1}")
			run_job "$i"
			running+=("$i")
			changed=1
		done
		[ ${#running[@]} -gt 0 ] || break
		if [ "$interrupted" = 1 ]; then
			break
		fi
		# One progress line per batch of starts and ends, not one per event.
		[ "$changed" = 0 ] || progress
		changed=0
		# Every job ends within its time limit (its runner kills the VMM), so
		# this wait is bounded; a signal cuts it short.
		pid='' rc=0
		wait -n -p pid 2>/dev/null || rc=$?
		if [ -n "${pid:-}" ]; then
			reap "$pid" "$rc"
			changed=1
		fi
	done
	if [ "$interrupted" = 1 ]; then
		# Each runner ends its VMM (SIGKILL after 0.4 s); give them 1 s in all.
		exec {nap}<> <(:)
		hvut_now_us
		t_sig=$HVUT_NOW_US
		while [ ${#running[@]} -gt 0 ]; do
			for i in "${running[@]}"; do
				if ! kill -0 "${job_pid[$i]}" 2>/dev/null; then
					rc=0
					wait "${job_pid[$i]}" 2>/dev/null || rc=$?
					reap "${job_pid[$i]}" "$rc"
				fi
			done
			[ ${#running[@]} -gt 0 ] || break
			hvut_now_us
			if [ $((HVUT_NOW_US - t_sig)) -gt 1000000 ]; then
				for i in "${running[@]}"; do
					vpid=''
					read -r vpid <"$tmp/${T_NAME[i]}.res.vmm" 2>/dev/null || true
					# shellcheck disable=SC2034 # read by collect (suite-verdict.sh)
					job_sigkilled[$i]=1
					kill -KILL -- "-${job_pid[$i]}" ${vpid:+"-$vpid"} 2>/dev/null || true
				done
			fi
			read -r -t 0.05 -u "$nap" _ || true
		done
		exec {nap}<&-
		for i in "${queue[@]}"; do not_run "$i"; done
		queue=()
	fi
	set +m
	[ "$redraw" = 1 ] && printf '\r\033[K' >&2
	return 0
}
