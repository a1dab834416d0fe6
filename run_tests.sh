#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# run_tests.sh: run the guest suite of the configured arch; see
# docs/running-tests.md. Runs from a build dir (config.mak there) or from the
# source dir of an in-tree build.
set -euo pipefail

self_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=scripts/runtime.sh
source "$self_dir/scripts/runtime.sh"
# shellcheck source=scripts/suite-check.sh
source "$self_dir/scripts/suite-check.sh"
# shellcheck source=scripts/cfg.sh
source "$self_dir/scripts/cfg.sh"
# shellcheck source=scripts/lanes.sh
source "$self_dir/scripts/lanes.sh"

usage() {
	cat <<'USAGE'
Usage: run_tests.sh [-h] [--lane NAME] [-L] [-j N] [-g GROUP] [-a] [-l] [-t] [--junit FILE] [--json FILE] [-v] [TEST...]

  --lane NAME   run on lane NAME of <testdir>/lanes.cfg (its VMM, version,
                CPU model); default: the host's own VMM for ACCEL
  -L            list the lanes: VMM, CPU, version, available here; run nothing

  -j N          run N tests at once (default: the number of CPUs)
  -g GROUP      only tests in GROUP (repeatable: any of the groups)
  -a            include tests in the group "nodefault"
  -l            list the selected tests and their command lines; run nothing
  -t            TAP (version 13) on stdout; the human output goes to stderr
  --junit FILE  also write JUnit XML to FILE
  --json FILE   also write the results as JSON to FILE (docs/running-tests.md)
  -v            show every test's console as it runs
  TEST...       only these tests (by section name)

Environment: ACCEL (tcg, kvm, bochs; default: probed), TIMEOUT (overrides
every test's limit), HVUT_ENV (KEY=VAL words for the guest's environ),
QEMU/PROCESSOR/CROSS_PREFIX (default: config.mak), HVUT_LOGDIR (default:
logs/ in the build dir), HVUT_TESTDIR (tests only).
Exit status: 0 when no test ended FAIL, TIMEOUT or CRASH; 1 otherwise;
2 for a usage, setup or unittests.cfg error (nothing ran); 130 when
interrupted (the reports are written all the same).
USAGE
}

usage_error() {
	echo "run_tests.sh: $*" >&2
	echo "Try 'run_tests.sh -h'." >&2
	exit 2
}

# --- options -----------------------------------------------------------------
jobs='' all=0 list=0 tap=0 junit='' json='' verbose=0 lane='' list_lanes=0
groups=() names=()
# An option's value that looks like an option is a mistake (--junit -t).
need_arg() {
	if [ $# -lt 2 ] || [ -z "$2" ]; then usage_error "option $1 needs an argument"; fi
	[[ $2 != -* ]] || usage_error "option $1 needs a value, got the option-like '$2'"
}
while [ $# -gt 0 ]; do
	case $1 in
	-h | --help) usage; exit 0 ;;
	-j) need_arg "$@"; jobs=$2; shift ;;
	-j*) jobs=${1#-j} ;;
	-g) need_arg "$@"; groups+=("$2"); shift ;;
	-a) all=1 ;;
	--lane) need_arg "$@"; lane=$2; shift ;;
	--lane=*) need_arg --lane "${1#--lane=}"; lane=${1#--lane=} ;;
	-L) list_lanes=1 ;;
	-l) list=1 ;;
	-t) tap=1 ;;
	-v) verbose=1 ;;
	--junit) need_arg "$@"; junit=$2; shift ;;
	--junit=*) need_arg --junit "${1#--junit=}"; junit=${1#--junit=} ;;
	--json) need_arg "$@"; json=$2; shift ;;
	--json=*) need_arg --json "${1#--json=}"; json=${1#--json=} ;;
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
check_env

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
	# Inside the runner (the kvm lane's L1: scripts/kvm-lane.sh sets
	# HVUT_RUNNER_INSIDE=1) the lane is named for its cfg selection (`lanes`).
	[ -z "$LANE_RUNNER" ] || [ "${HVUT_RUNNER_INSIDE:-0}" = 1 ] ||
		usage_error "lane $lane runs through $LANE_RUNNER: make check-lane LANE=$ARCH-$lane"
	HVUT_LANE_NO_SETUP=$list hvut_lane_activate "$SRCDIR" ||
		usage_error "lane $lane: its VMM cannot be set up here (see above)"
	# A lane of another build (lanes.cfg env HVUT_ENDIAN: ppc64's big-endian
	# lanes) must not run this build's binaries under its name.
	if [ -n "${HVUT_ENDIAN:-}" ] && [ "$HVUT_ENDIAN" != "${HVUT_CONFIG[ENDIAN]:-little}" ]; then
		usage_error "lane $lane is for a $HVUT_ENDIAN-endian build, this one is ${HVUT_CONFIG[ENDIAN]:-little}-endian: configure --endian=$HVUT_ENDIAN, or make check-lane LANE=$ARCH-$lane (builds build-$ARCH-$HVUT_ENDIAN/)"
	fi
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

T_NAME=() T_FILE=() T_SMP=() T_EXTRA=() T_ARGS=() T_GROUPS=() T_ARCH=() T_ACCEL=() T_TIMEOUT=() T_BOCHS=() T_MIGRATE=()
T_MIGRATE_TO=() T_NMI=()
declare -A index_of=()
n=0
while IFS=$'\037' read -r name file smp extra args grps arch accel tmo bochs migrate _line nmi; do
	T_NAME[n]=$name T_FILE[n]=$file T_SMP[n]=$smp T_EXTRA[n]=$extra T_ARGS[n]=$args
	T_GROUPS[n]=$grps T_ARCH[n]=$arch T_ACCEL[n]=$accel T_TIMEOUT[n]=$tmo T_BOCHS[n]=$bochs
	T_MIGRATE[n]=0 T_MIGRATE_TO[n]=''
	case $migrate in no) ;; yes) T_MIGRATE[n]=1 ;; *) T_MIGRATE[n]=1 T_MIGRATE_TO[n]=$migrate ;; esac
	T_NMI[n]=0
	[ "$nmi" != yes ] || T_NMI[n]=1
	index_of[$name]=$n
	n=$((n + 1))
done <"$tmp/cfg.rec"

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

check_selection

# Cross-version migration (cfg `migration = LANE`): each destination lane's
# QEMU found once per run; a run that cannot reach it SKIPs with the reason.
declare -A migrate_dest=()
for i in "${runnable[@]}"; do
	to=${T_MIGRATE_TO[i]}
	[ -z "$to" ] || [ -n "${migrate_dest[$to]+x}" ] ||
		migrate_dest[$to]=$(hvut_migration_dest "$lanes_file" "$to" "$SRCDIR" "$QEMU")
done

if [ "$list" = 1 ]; then
	for i in "${selected[@]}"; do
		if [ -n "${T_SKIP[i]}" ]; then
			echo "${T_NAME[i]}: SKIP (${T_SKIP[i]})"
		else
			cmdline "$i"
			echo "${T_NAME[i]}: $CMDLINE"
		fi
	done
	exit 0
fi

check_setup

# shellcheck source=scripts/suite-verdict.sh
source "$self_dir/scripts/suite-verdict.sh"
# shellcheck source=scripts/suite-run.sh
source "$self_dir/scripts/suite-run.sh"
# shellcheck source=scripts/suite-report.sh
source "$self_dir/scripts/suite-report.sh"

hvut_now_us
suite_t0=$HVUT_NOW_US
suite_intro
suite_schedule
suite_run_all
hvut_now_us
suite_us=$((HVUT_NOW_US - suite_t0))
suite_finish
