# shellcheck shell=bash disable=SC2154 # run_tests.sh's globals
# suite-check.sh: everything run_tests.sh validates before it starts a test.
# Each mistake is one line on stderr and exit 2 (usage_error): nothing runs,
# no report is written, no log is touched. Sourced by run_tests.sh.

# (The cfg's accel and arch words are checked by its parser, scripts/cfg.sh.)
ACCELS="tcg kvm bochs"

in_list() { # WORD LIST: is WORD one of LIST's words?
	case " $2 " in *" $1 "*) return 0 ;; esac
	return 1
}

# check_env: ACCEL and TIMEOUT from the environment.
check_env() {
	if [ -n "${ACCEL:-}" ] && ! in_list "$ACCEL" "$ACCELS"; then
		usage_error "ACCEL='$ACCEL' is not one of: $ACCELS"
	fi
	if [ -n "$timeout_override" ] && ! hvut_secs_to_us "$timeout_override"; then
		usage_error "TIMEOUT='$timeout_override' is not a number of seconds (0 = no limit)"
	fi
}

# check_selection: unknown groups, an empty selection, binaries not built;
# fills T_SKIP[i] (why a selected test will not be started, for this arch or
# accelerator, or what the host lacks: <arch>/vmm.sh's arch_entry_unavailable)
# and runnable (the indices that will be).
T_SKIP=() runnable=()
check_selection() {
	local g i known=' nodefault ' missing=()
	for ((i = 0; i < n; i++)); do known+="${T_GROUPS[i]} "; done
	for g in "${groups[@]}"; do
		in_list "$g" "$known" || usage_error "-g $g: no test of $cfg is in group '$g'"
	done
	if [ ${#selected[@]} = 0 ]; then
		[ "$tap" = 0 ] || echo "1..0 # SKIP empty selection"
		usage_error "no test selected (groups: ${groups[*]:-none}; names: ${names[*]:-none}; -a: $all)"
	fi
	for i in "${selected[@]}"; do
		T_SKIP[i]=''
		if [ -n "${T_ARCH[i]}" ] && ! in_list "$ARCH" "${T_ARCH[i]}"; then
			T_SKIP[i]="arch ${T_ARCH[i]} only; running $ARCH"
		elif ! in_list "$ACCEL" "${T_ACCEL[i]}"; then
			T_SKIP[i]="accel ${T_ACCEL[i]} only; running $ACCEL"
		elif declare -F arch_entry_unavailable >/dev/null && arch_entry_unavailable "${T_EXTRA[i]}" &&
			[ -n "$ARCH_UNAVAILABLE" ]; then
			# The host cannot run it (<arch>/vmm.sh says why, e.g. no GICv2 under KVM).
			T_SKIP[i]=$ARCH_UNAVAILABLE
		else
			[ -f "$bin_testdir/${T_FILE[i]}" ] || missing+=("$bin_testdir/${T_FILE[i]}")
			runnable+=("$i")
		fi
	done
	if [ ${#missing[@]} -gt 0 ]; then
		usage_error "${#missing[@]} test binaries not built (${missing[0]}$([ ${#missing[@]} = 1 ] || echo ", ...")): run make first"
	fi
	if [ ${#runnable[@]} = 0 ] && [ "$list" = 0 ]; then
		[ "$tap" = 0 ] || echo "1..0 # SKIP no selected test runs on $ARCH with ACCEL=$ACCEL"
		usage_error "none of the ${#selected[@]} selected tests runs with ACCEL=$ACCEL on $ARCH (${T_SKIP[${selected[0]}]})"
	fi
}

# check_writable PATH WHAT: PATH can be created or overwritten.
check_writable() {
	local dir
	dir=$(dirname -- "$1")
	[ -d "$dir" ] || usage_error "$2 $1: no directory $dir"
	[ -w "$dir" ] || usage_error "$2 $1: directory $dir is not writable"
	if [ -e "$1" ] && { [ -d "$1" ] || [ ! -w "$1" ]; }; then
		usage_error "$2 $1: cannot be written"
	fi
}

# check_setup: the VMM (probed once, here), the results dir and its lock, the
# report paths.
check_setup() {
	if [ -z "$HVUT_VMM_BIN" ]; then
		case $HVUT_VMM in
		bochs) usage_error "ACCEL=bochs: bochs-bin is not installed (make deps-check installs it)" ;;
		*) usage_error "${QEMU:-${HVUT_QEMU_DEFAULT[$ARCH]}} is not installed, or not on PATH (make deps-run installs it)" ;;
		esac
	fi
	[ -z "$junit" ] || check_writable "$junit" "--junit"
	[ -z "$json" ] || check_writable "$json" "--json"
	# Logs go to the build dir, never the cwd (a run from / must not make /logs).
	logdir=${HVUT_LOGDIR:-$builddir/logs}
	mkdir -p -- "$logdir" 2>/dev/null || usage_error "cannot create the log dir $logdir"
	[ -w "$logdir" ] || usage_error "the log dir $logdir is not writable"
	suite_lock
}

# suite_lock: one run per results dir; a second refuses (its logs, states
# and .durations would overwrite this one's). A lock whose run is gone is taken:
# its PID no longer runs, or (with /proc) runs something that is not
# run_tests.sh (PIDs come round on a busy host, and a machine booted again,
# such as the kvm lane's L1, hands the same PIDs out in the same order).
suite_lock() {
	local lock=$logdir/.lock pid='' argv=()
	if ! (set -C && echo "$$" >"$lock") 2>/dev/null; then
		read -r pid <"$lock" 2>/dev/null || true
		if [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ]; then
			mapfile -d '' -t argv <"/proc/$pid/cmdline" 2>/dev/null || argv=()
			[[ " ${argv[*]} " == *run_tests.sh* ]] || pid=''
		fi
		if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
			usage_error "another run_tests.sh (pid $pid) is using $logdir; wait for it, or give this one its own HVUT_LOGDIR"
		fi
		rm -f -- "$lock"
		(set -C && echo "$$" >"$lock") 2>/dev/null || usage_error "cannot lock $logdir (another run started just now?)"
	fi
	hvut_cleanup_add "$lock"
}

test_timeout() { TEST_TIMEOUT=${timeout_override:-${T_TIMEOUT[$1]}}; }

# cmdline I: CMDLINE, the test's command as a shell would take it.
cmdline() {
	local i=$1
	local -a extra=()
	read -r -a extra <<<"${T_EXTRA[i]}" || true
	test_timeout "$i"
	printf -v CMDLINE 'SMP=%s TIMEOUT=%s ACCEL=%s TEST_ARGS=%q' "${T_SMP[i]}" "$TEST_TIMEOUT" "$ACCEL" "${T_ARGS[i]}"
	[ -z "${T_BOCHS[i]}" ] || printf -v CMDLINE '%s BOCHS_CPU=%q' "$CMDLINE" "${T_BOCHS[i]}"
	[ "${T_MIGRATE[i]}" = 0 ] || printf -v CMDLINE '%s HVUT_MIGRATE=1' "$CMDLINE"
	[ -z "${T_MIGRATE_TO[i]}" ] || printf -v CMDLINE '%s HVUT_MIGRATE_DEST=%q' "$CMDLINE" "${migrate_dest[${T_MIGRATE_TO[i]}]:-}"
	[ "${T_NMI[i]}" = 0 ] || printf -v CMDLINE '%s HVUT_NMI=1' "$CMDLINE"
	local words
	printf -v words ' %q' "$runner" "$bin_testdir/${T_FILE[i]}" "${extra[@]}"
	CMDLINE+=$words
}
