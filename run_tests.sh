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
	hvut_lane_list "$lanes_file" "$SRCDIR" "$QEMU" "$ARCH" || exit 2
	exit 0
fi
if [ -n "$lane" ]; then
	[ -f "$lanes_file" ] || usage_error "--lane needs $lanes_file"
	hvut_lane_load "$lanes_file" "$lane" || usage_error "no lane '$lane' in $lanes_file (run_tests.sh -L)"
	[ -z "$LANE_RUNNER" ] || usage_error "lane $lane runs through $LANE_RUNNER: make check-lane LANE=$ARCH-$lane"
	HVUT_LANE_NO_SETUP=$list hvut_lane_activate "$SRCDIR" ||
		usage_error "lane $lane: its VMM cannot be set up here (see above)"
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

# shellcheck source=scripts/suite-run.sh
source "$self_dir/scripts/suite-run.sh"
# shellcheck source=scripts/suite-verdict.sh
source "$self_dir/scripts/suite-verdict.sh"
# shellcheck source=scripts/suite-report.sh
source "$self_dir/scripts/suite-report.sh"

suite_schedule
suite_run_all
suite_save_durations

# One "name STATE" line per selected test, for scripts (make check).
for i in "${selected[@]}"; do echo "${T_NAME[i]} ${R_STATE[i]:-CRASH}"; done >"$logdir/states.txt"

hvut_now_us
suite_us=$((HVUT_NOW_US - suite_t0))

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
