#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# run_tests.sh: run the guest suite of the configured arch; see
# docs/running-tests.md. Runs from a build dir (config.mak there) or from the
# source dir of an in-tree build.
set -euo pipefail

self_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=scripts/runtime.sh
source "$self_dir/scripts/runtime.sh"
# shellcheck source=scripts/cfg.sh
source "$self_dir/scripts/cfg.sh"
# shellcheck source=scripts/lanes.sh
source "$self_dir/scripts/lanes.sh"

usage() {
	cat <<'USAGE'
Usage: run_tests.sh [-h] [--lane NAME] [-L] [-j N] [-g GROUP] [-a] [-l] [-t] [--junit FILE] [-v] [TEST...]

  --lane NAME   run on lane NAME of <testdir>/lanes.cfg (its VMM, version,
                CPU model); default: the host's own VMM for ACCEL
  -L            list the lanes: VMM, CPU, version, available here; run nothing

  -j N          run N tests at once (default: the number of CPUs)
  -g GROUP      only tests in GROUP (repeatable: any of the groups)
  -a            include tests in the group "nodefault"
  -l            list the selected tests and their command lines; run nothing
  -t            TAP (version 13) on stdout; the human output goes to stderr
  --junit FILE  also write JUnit XML to FILE
  -v            show every test's console as it runs
  TEST...       only these tests (by section name)

Environment: ACCEL (tcg, kvm, bochs; default: probed), TIMEOUT (overrides
every test's limit), HVUT_ENV (KEY=VAL words for the guest's environ),
QEMU/PROCESSOR/CROSS_PREFIX (default: config.mak), HVUT_LOGDIR (default:
logs), HVUT_TESTDIR (tests only).
Exit status: 0 when no test ended FAIL, TIMEOUT or CRASH; 1 otherwise;
2 for a usage or unittests.cfg error.
USAGE
}

usage_error() {
	echo "run_tests.sh: $*" >&2
	echo "Try 'run_tests.sh -h'." >&2
	exit 2
}

# --- options -----------------------------------------------------------------
jobs='' all=0 list=0 tap=0 junit='' verbose=0 lane='' list_lanes=0
groups=() names=()
need_arg() { [ $# -ge 2 ] || usage_error "option $1 needs an argument"; }
while [ $# -gt 0 ]; do
	case $1 in
	-h | --help) usage; exit 0 ;;
	-j) need_arg "$@"; jobs=$2; shift ;;
	-j*) jobs=${1#-j} ;;
	-g) need_arg "$@"; groups+=("$2"); shift ;;
	-a) all=1 ;;
	--lane) need_arg "$@"; lane=$2; shift ;;
	--lane=*) lane=${1#--lane=} ;;
	-L) list_lanes=1 ;;
	-l) list=1 ;;
	-t) tap=1 ;;
	-v) verbose=1 ;;
	--junit) need_arg "$@"; junit=$2; shift ;;
	--junit=*) junit=${1#--junit=} ;;
	--) shift; names+=("$@"); break ;;
	-*) usage_error "unknown option '$1'" ;;
	*) names+=("$1") ;;
	esac
	shift
done
[ -n "$jobs" ] || jobs=$(nproc 2>/dev/null || echo 1)
[[ $jobs =~ ^[1-9][0-9]*$ ]] || usage_error "-j wants a number >= 1, got '$jobs'"

# Human output goes to fd 3: stdout, or stderr when stdout carries TAP.
if [ "$tap" = 1 ]; then exec 3>&2; else exec 3>&1; fi

# --- where things are ----------------------------------------------------------
if [ -f config.mak ]; then
	builddir=$PWD
elif [ -f "$self_dir/config.mak" ]; then
	builddir=$self_dir
else
	usage_error "no config.mak here or in $self_dir: run configure and make first"
fi
hvut_read_config "$builddir/config.mak"
ARCH=${HVUT_CONFIG[ARCH]:-}
ARCH_TESTDIR=${HVUT_CONFIG[ARCH_TESTDIR]:-}
SRCDIR=${HVUT_CONFIG[SRCDIR]:-$self_dir}
if [ -z "$ARCH" ] || [ -z "$ARCH_TESTDIR" ]; then
	usage_error "$builddir/config.mak lacks ARCH or ARCH_TESTDIR"
fi
# The environment wins over config.mak, so one build can try another VMM.
: "${QEMU:=${HVUT_CONFIG[QEMU]:-}}" "${PROCESSOR:=${HVUT_CONFIG[PROCESSOR]:-}}"
: "${CROSS_PREFIX:=${HVUT_CONFIG[CROSS_PREFIX]:-}}" "${TARGET:=${HVUT_CONFIG[TARGET]:-qemu}}"
export QEMU PROCESSOR CROSS_PREFIX TARGET SRCDIR
# <arch>/run uses it as is instead of working it out (one process less per test).
export HVUT_SRCDIR=$SRCDIR

# HVUT_TESTDIR (for the harness's own tests): one dir with unittests.cfg, run,
# vmm.sh and the binaries, instead of $SRCDIR/<testdir> + <builddir>/<testdir>.
if [ -n "${HVUT_TESTDIR:-}" ]; then
	src_testdir=$HVUT_TESTDIR bin_testdir=$HVUT_TESTDIR
else
	src_testdir=$SRCDIR/$ARCH_TESTDIR
	if [ "$builddir" = "$PWD" ]; then bin_testdir=$ARCH_TESTDIR; else bin_testdir=$builddir/$ARCH_TESTDIR; fi
fi
cfg=$src_testdir/unittests.cfg
runner=$src_testdir/run
[ -f "$cfg" ] || usage_error "no $cfg"

# User's TIMEOUT overrides every test's; remembered before we set our own.
timeout_override=${TIMEOUT:-}

# --- the lane (docs/lanes.md): which VMM, set up once for the whole suite --------
lanes_file=$src_testdir/lanes.cfg
if [ "$list_lanes" = 1 ]; then
	[ -f "$lanes_file" ] || usage_error "no $lanes_file"
	hvut_lane_list "$lanes_file" "$SRCDIR" "$QEMU" || exit 2
	exit 0
fi
if [ -n "$lane" ]; then
	[ -f "$lanes_file" ] || usage_error "--lane needs $lanes_file"
	hvut_lane_load "$lanes_file" "$lane" || usage_error "no lane '$lane' in $lanes_file (run_tests.sh -L)"
	[ -z "$LANE_RUNNER" ] || usage_error "lane $lane runs through $LANE_RUNNER: make check-lane LANE=$ARCH-$lane"
	hvut_lane_activate "$SRCDIR" || usage_error "lane $lane: its VMM cannot be set up here (see above)"
fi
# One probe for the whole suite; the arch's vmm.sh may add its own probe.
if [ -f "$src_testdir/vmm.sh" ]; then
	# shellcheck source=/dev/null
	source "$src_testdir/vmm.sh"
fi
hvut_probe "$ARCH"
# No --lane: the lane of the host's own VMM for ACCEL, when lanes.cfg has one.
if [ -z "$lane" ] && [ -f "$lanes_file" ] && lane=$(hvut_lane_default "$lanes_file" "$ACCEL"); then
	hvut_lane_load "$lanes_file" "$lane"
	hvut_lane_activate "$SRCDIR" || exit 2
fi

# --- the tests -------------------------------------------------------------------
tmp=$(mktemp -d "${TMPDIR:-/tmp}/hvut-suite.XXXXXX")
hvut_cleanup_add "$tmp"
if [ -n "$lane" ]; then
	hvut_parse_tests "$cfg" "$lanes_file" "$LANE_ACCEL" "$lane" "$LANE_CPU" >"$tmp/cfg.rec" || exit 2
else
	hvut_parse_tests "$cfg" "$lanes_file" "$ACCEL" >"$tmp/cfg.rec" || exit 2
fi

T_NAME=() T_FILE=() T_SMP=() T_EXTRA=() T_ARGS=() T_GROUPS=() T_ARCH=() T_ACCEL=() T_TIMEOUT=() T_BOCHS=()
declare -A index_of=()
n=0
while IFS=$'\037' read -r name file smp extra args grps arch accel tmo bochs _line; do
	T_NAME[n]=$name T_FILE[n]=$file T_SMP[n]=$smp T_EXTRA[n]=$extra T_ARGS[n]=$args
	T_GROUPS[n]=$grps T_ARCH[n]=$arch T_ACCEL[n]=$accel T_TIMEOUT[n]=$tmo T_BOCHS[n]=$bochs
	index_of[$name]=$n
	n=$((n + 1))
done <"$tmp/cfg.rec"

in_list() { # WORD LIST: is WORD one of LIST's words?
	case " $2 " in *" $1 "*) return 0 ;; esac
	return 1
}

# Selection: named tests are taken as named; otherwise everything but
# "nodefault" (unless -a or -g nodefault). -g then keeps tests in any group given.
selected=()
if [ ${#names[@]} -gt 0 ]; then
	for name in "${names[@]}"; do
		[ -n "${index_of[$name]+x}" ] || usage_error "no test '$name' in $cfg${lane:+ for lane $lane}"
		selected+=("${index_of[$name]}")
	done
else
	for ((i = 0; i < n; i++)); do
		if [ "$all" = 0 ] && in_list nodefault "${T_GROUPS[i]}" &&
			! in_list nodefault "${groups[*]:-}"; then
			continue
		fi
		selected+=("$i")
	done
fi
if [ ${#groups[@]} -gt 0 ]; then
	kept=()
	for i in "${selected[@]}"; do
		for g in "${groups[@]}"; do
			if in_list "$g" "${T_GROUPS[i]}"; then kept+=("$i"); break; fi
		done
	done
	selected=("${kept[@]}")
fi

# Why a selected test will not be started, or nothing.
skip_reason() {
	local i=$1
	if [ -n "${T_ARCH[i]}" ] && [ "${T_ARCH[i]}" != "$ARCH" ]; then
		echo "arch ${T_ARCH[i]} only; running $ARCH"
	elif ! in_list "$ACCEL" "${T_ACCEL[i]}"; then
		echo "accel ${T_ACCEL[i]} only; running $ACCEL"
	elif [ ! -f "$bin_testdir/${T_FILE[i]}" ]; then
		echo "$bin_testdir/${T_FILE[i]} not built"
	fi
}

test_timeout() { echo "${timeout_override:-${T_TIMEOUT[$1]}}"; }

cmdline() { # the command, as a shell would take it
	local i=$1
	local -a extra=()
	read -r -a extra <<<"${T_EXTRA[i]}" || true
	printf 'SMP=%s TIMEOUT=%s ACCEL=%s TEST_ARGS=%q' "${T_SMP[i]}" "$(test_timeout "$i")" "$ACCEL" "${T_ARGS[i]}"
	[ -z "${T_BOCHS[i]}" ] || printf ' BOCHS_CPU=%q' "${T_BOCHS[i]}"
	printf ' %q' "$runner" "$bin_testdir/${T_FILE[i]}" "${extra[@]}"
	echo
}

if [ "$list" = 1 ]; then
	for i in "${selected[@]}"; do
		r=$(skip_reason "$i")
		if [ -n "$r" ]; then
			echo "${T_NAME[i]}: SKIP ($r)"
		else
			echo "${T_NAME[i]}: $(cmdline "$i")"
		fi
	done
	exit 0
fi

# HVUT_LOGDIR: where logs, states.txt and .durations go (make check keeps one per lane).
logdir=${HVUT_LOGDIR:-logs}
mkdir -p "$logdir"
total=${#selected[@]}
hvut_now_us
suite_t0=$HVUT_NOW_US

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

# --- schedule: longest first by last run's time, never-seen tests before all --------
durations=$logdir/.durations
declare -A last_us=()
if [ -f "$durations" ]; then
	while read -r dname dus; do
		[[ $dus =~ ^[0-9]+$ ]] && last_us[$dname]=$dus
	done <"$durations"
fi
queue=()
{
	for i in "${selected[@]}"; do
		r=$(skip_reason "$i")
		if [ -n "$r" ]; then
			skip_now "$i" "$r"
			continue
		fi
		# key: never seen sorts above any time; ties keep cfg order.
		echo "${last_us[${T_NAME[i]}]:-999999999999999} $i"
	done >"$tmp/order"
}
while read -r _ i; do queue+=("$i"); done < <(LC_ALL=C sort -s -k1,1nr "$tmp/order")

# --- run --------------------------------------------------------------------------------
# Each job gets its own process group (set -m) so an interrupt can end it and
# everything it started.
declare -A job_pid=()
interrupted=0
on_signal() {
	interrupted=1
	local i
	for i in "${running[@]}"; do
		kill -TERM -- "-${job_pid[$i]}" 2>/dev/null || true
	done
}
trap on_signal INT TERM HUP
set -m

export ACCEL HVUT_PROBED HVUT_ENV
changed=0
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

# --- remember times for the next run's schedule ---------------------------------------
{
	for i in "${selected[@]}"; do
		[ "${R_US[i]:-0}" -gt 0 ] && last_us[${T_NAME[i]}]=${R_US[i]}
	done
	for dname in "${!last_us[@]}"; do echo "$dname ${last_us[$dname]}"; done
} >"$tmp/durations" && mv -f "$tmp/durations" "$durations"

# One "name STATE" line per selected test, for scripts (make check).
for i in "${selected[@]}"; do echo "${T_NAME[i]} ${R_STATE[i]:-CRASH}"; done >"$logdir/states.txt"

hvut_now_us
suite_us=$((HVUT_NOW_US - suite_t0))

# --- reports ------------------------------------------------------------------------------
# Both reports are one awk pass over a manifest (one line per selected test,
# in cfg order: name state detail microseconds failures log), reading the logs
# with getline: a process per test would cost more than the report.
write_manifest() {
	local i
	for i in "${selected[@]}"; do
		printf '%s\037%s\037%s\037%s\037%s\037%s\n' "${T_NAME[i]}" "${R_STATE[i]:-CRASH}" \
			"${R_DETAIL[i]:-no verdict}" "${R_US[i]:-0}" "${R_NFAIL[i]:-0}" "$logdir/${T_NAME[i]}.log"
	done >"$tmp/manifest"
}

# TAP: one line per assertion, then a line for a verdict the assertions do
# not show (TIMEOUT, CRASH, FAIL by a reserved status, a test never started).
# '#' and '\' are escaped: an unescaped '#' starts a directive.
# shellcheck disable=SC2016 # awk program, not shell
TAP_AWK='
function esc(s) { gsub(/[^ -~]/, "?", s); gsub(/\\/, "\\\\", s); gsub(/#/, "\\#", s); return s }
function out(s) { lines[++n] = s }
BEGIN { FS = "\037" }
{
	name = $1; state = $2; detail = $3; lf = $6
	nlines = 0; nf = 0
	while ((getline line < lf) > 0) {
		if (line !~ /^(PASS|FAIL|SKIP|XFAIL|XPASS): /)
			continue
		kind = substr(line, 1, index(line, ":") - 1)
		text = substr(line, index(line, ":") + 2)
		sub(/[ \t\r]+$/, "", text)
		d = esc(name ": " text)
		if (kind == "PASS") out("ok %d - " d)
		else if (kind == "FAIL") { out("not ok %d - " d); nf++ }
		else if (kind == "SKIP") out("ok %d - " d " # SKIP " esc(text))
		else if (kind == "XFAIL") out("not ok %d - " d " # TODO known bug")
		else { out("not ok %d - " d " (XPASS: the known bug did not show up)"); nf++ }
		nlines++
	}
	close(lf)
	if (state == "TIMEOUT" || state == "CRASH")
		out("not ok %d - " esc(name ": " state " (" detail ")"))
	else if (state == "FAIL" && nf == 0)
		out("not ok %d - " esc(name ": FAIL (" detail ")"))
	else if (nlines == 0 && state == "SKIP")
		out("ok %d - " esc(name) " # SKIP " esc(detail))
	else if (nlines == 0)
		out("ok %d - " esc(name ": " state " (" detail ")"))
}
END {
	print "TAP version 13"
	print "1.." n
	for (i = 1; i <= n; i++) {
		gsub(/%/, "%%", lines[i])
		sub(/%%d/, "%d", lines[i])
		printf lines[i] "\n", i
	}
}'

write_tap() { LC_ALL=C awk "$TAP_AWK" "$tmp/manifest"; }

# JUnit: one <testsuite> for the arch. Console text becomes XML 1.0: every
# byte outside tab and printable ASCII (control bytes XML forbids, and
# non-ASCII that may not even be UTF-8) turns into '?', then & < > " are escaped.
# shellcheck disable=SC2016 # awk program, not shell
JUNIT_AWK='
function x(s) {
	gsub(/[^\t -~]/, "?", s)
	gsub(/&/, "\\&amp;", s); gsub(/</, "\\&lt;", s); gsub(/>/, "\\&gt;", s); gsub(/"/, "\\&quot;", s)
	return s
}
function secs(us) { return sprintf("%d.%03d", int(us / 1000000), int(us % 1000000 / 1000)) }
BEGIN { FS = "\037" }
{ rec[++n] = $0; c[$2]++ }
END {
	print "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
	print "<testsuites>"
	printf "  <testsuite name=\"hvut.%s\" tests=\"%d\" failures=\"%d\" errors=\"%d\" skipped=\"%d\" time=\"%s\">\n",
		x(arch), n, c["FAIL"], c["TIMEOUT"] + c["CRASH"], c["SKIP"], secs(total_us)
	for (i = 1; i <= n; i++) {
		split(rec[i], f, "\037")
		name = f[1]; state = f[2]; detail = f[3]; lf = f[6]
		printf "    <testcase classname=\"hvut.%s\" name=\"%s\" time=\"%s\">\n", x(arch), x(name), secs(f[4])
		if (state == "FAIL") {
			printf "      <failure message=\"%s\">", (f[5] > 0 ? f[5] " failed" : x(detail))
			while ((getline line < lf) > 0)
				if (line ~ /^(FAIL|XPASS): /)
					print x(line)
			close(lf)
			print "</failure>"
		} else if (state == "TIMEOUT" || state == "CRASH")
			printf "      <error message=\"%s\"/>\n", x(state " (" detail ")")
		else if (state == "SKIP")
			printf "      <skipped message=\"%s\"/>\n", x(detail)
		printf "      <system-out>"
		while ((getline line < lf) > 0)
			print x(line)
		close(lf)
		print "</system-out>"
		print "    </testcase>"
	}
	print "  </testsuite>"
	print "</testsuites>"
}'

write_junit() { LC_ALL=C awk -v arch="$ARCH" -v total_us="$suite_us" "$JUNIT_AWK" "$tmp/manifest"; }

write_manifest
if [ "$tap" = 1 ]; then
	write_tap
fi
if [ -n "$junit" ]; then
	write_junit >"$junit"
fi

say "hvut: $total tests: ${count[PASS]} PASS, ${count[FAIL]} FAIL, ${count[SKIP]} SKIP, ${count[TIMEOUT]} TIMEOUT, ${count[CRASH]} CRASH ($(hvut_us_fmt "$suite_us") s)"
[ "$interrupted" = 0 ] || exit 130
[ $((count[FAIL] + count[TIMEOUT] + count[CRASH])) -eq 0 ]
