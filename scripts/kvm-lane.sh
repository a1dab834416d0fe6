#!/usr/bin/env bash
# scripts/kvm-lane.sh: the kvm lane. hvut's guests run under a real KVM: an L1
# Debian 13 Linux booted under QEMU TCG with the virtualization extension
# emulated (x86_64: SVM of `-cpu max`, kvm_amd nested=1; arm64: EL2 with VHE),
# ONE L1 per lane run, with run_tests.sh running inside it against /dev/kvm.
# See docs/kvm.md.
#
#   scripts/kvm-lane.sh setup ARCH              fetch and build (cached, redone
#                                               when Debian's versions change)
#   scripts/kvm-lane.sh run ARCH [run_tests.sh args]
#                                               boot L1, run the suite, leave
#                                               states.txt, logs/, TAP, JUnit as
#                                               a normal run does
#   scripts/kvm-lane.sh version ARCH            "<L1 kernel> <inner QEMU>"
#
# run: the build is the current directory when its config.mak is for ARCH,
# else HVUT_KVM_BUILDDIR, else <srcdir>/build-kvm-ARCH (configured and made
# here). Results go to HVUT_LOGDIR (default: logs, in the current directory),
# shared with L1 over 9p; so does `--junit FILE`; `-t` TAP comes out on stdout.
# Also written there: kvm-l1.log (L1's console), kvm-l1-dmesg.log (its kernel
# log, when L1 got to the end) and kvm-lane.times (L1 boot and lane wall times,
# load, which L0). Environment: HVUT_CACHE, HVUT_KVM_MEM (MiB, default 3072),
# HVUT_KVM_TIMEOUT (whole lane, s; default: L1's boot limit + every test at
# its TIMEOUT, -j at a time, + 120), HVUT_KVM_L0,
# HVUT_KVM_HOST_QEMU, HVUT_KVM_TCG_THREAD (the outer QEMU, below),
# HVUT_KVM_NPT=0 (x86_64: kvm_amd npt=0, KVM's shadow MMU), HVUT_KVM_MODPARAMS
# (more module parameters, MODULE:PARAM=VALUE,...), HVUT_KVM_BOOT_LIMIT / HVUT_KVM_QUIET_LIMIT (the watchdog: s of silence before
# L1 is declared hung, default 600 while booting, 2 * TIMEOUT + 60 after),
# HVUT_KVM_TRACE (L1 tracepoints to record, into kvm-l1-trace.txt; below) and
# HVUT_KVM_KPROBES (kprobe_events lines for it),
# HVUT_NO_SETUP=1 (use the cache as it is), and, passed into L1: TIMEOUT
# (every test's limit, default 300 s, 900 s for arm64 and riscv64: the cfg's
# limits are for TCG, not for KVM nested in TCG), HVUT_ENV.
# Exit: run_tests.sh's status from inside L1. When L1 dies before that
# (panic, hang, L0 crash), kvm-verdicts.sh makes the states from what L1 said
# (finished tests keep theirs, running ones CRASH, the rest NOTRUN): exit 1;
# 3 when not even that is possible. When L0 (the outer QEMU) died of a signal
# of its own, the tests without a verdict first run again in a fresh L1,
# HVUT_KVM_L0_RETRIES times (2; 0: never), and the states come from all the L1s'
# lines (exit 0 when all are PASS, SKIP or XFAIL, else 1); kvm-lane.times
# counts the L0 deaths, kvm-l1.N.log keeps each dead L1's console.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
srcdir=$(cd "$here/.." && pwd)
cache=${HVUT_CACHE:-$HOME/.cache/hvut}

die() { echo "kvm-lane: $*" >&2; exit 3; }
usage() { echo "usage: $0 setup|run|version ARCH [run_tests.sh args]" >&2; exit 2; }

# kvm_trace_job RUNLINE (HVUT_KVM_TRACE=SYSTEM:EVENT,...): the job's end, with L1's
# ftrace recording those tracepoints (e.g. kvm:kvm_exit,kvm:kvm_inj_virq:
# every exit with its EXITINTINFO, every injection and whether KVM re-injected
# it) while the suite runs; the trace goes to kvm-l1-trace.txt. For chasing a
# KVM bug to its exit, not for a normal lane: the trace slows L1 down.
kvm_trace_job() {
	local t=/sys/kernel/tracing e
	[[ $HVUT_KVM_TRACE =~ ^[a-z0-9_]+:[a-z0-9_]+(,[a-z0-9_]+:[a-z0-9_]+)*$ ]] ||
		die "HVUT_KVM_TRACE: SYSTEM:EVENT words, comma-separated (e.g. kvm:kvm_exit,kvm:kvm_inj_virq)"
	echo "echo ${HVUT_KVM_TRACE_KB:-65536} > $t/buffer_size_kb"
	# HVUT_KVM_KPROBES: kprobe_events lines, ';'-separated (e.g. "r:its_cmd
	# vgic_its_handle_command ret=\$retval"), for functions with no
	# tracepoint; name them kprobes:NAME in HVUT_KVM_TRACE. A probe L1's kernel
	# refuses (an inlined function) is said in the trace file, not fatal.
	local k kp=()
	IFS=';' read -r -a kp <<<"${HVUT_KVM_KPROBES:-}"
	[ ${#kp[@]} = 0 ] || printf "grep -E ' (vgic|update_lpi|its)' /proc/kallsyms > %q/kvm-l1-kallsyms.txt\n" "$logdir"
	for k in "${kp[@]}"; do
		printf 'echo %q >> %s/kprobe_events || echo "kprobe refused: %q" >> %q/kvm-l1-trace.txt\n' "$k" "$t" "$k" "$logdir"
	done
	for e in ${HVUT_KVM_TRACE//,/ }; do
		echo "echo 1 > $t/events/${e%%:*}/${e#*:}/enable || echo 'no event $e' >> $logdir/kvm-l1-trace.txt"
	done
	echo "echo 1 > $t/tracing_on"
	echo "$1; rc=\$?"
	# shellcheck disable=SC2016 # $rc is for the job script
	printf 'echo 0 > %s/tracing_on; cat %s/trace >> %q/kvm-l1-trace.txt; exit "$rc"\n' "$t" "$t" "$logdir"
}

cmd=${1:-}
arch=${2:-}
test_timeout=300
{ [ -n "$cmd" ] && [ -n "$arch" ]; } || usage
shift 2
case $arch in
x86_64)
	host_qemu=qemu-system-x86_64
	inner_qemu=/usr/bin/qemu-system-x86_64
	# no_timer_check: on a loaded host TCG is too slow for Linux's IO-APIC
	# timer check, which then panics L1 ("setup_IO_APIC").
	# clocksource=hpet: L1 calibrates its TSC against the PIT at boot, which
	# on a loaded host goes wrong (one L1 saw 1349 s of uptime in 100 s), and
	# every test's TIMEOUT runs on L1's clock. QEMU's HPET counts host time.
	console="ttyS0 no_timer_check clocksource=hpet"
	# Single-threaded TCG: both L1 panics seen (a stack corruption while the
	# access tests ran, an int3 in __schedule during text patching) were on
	# multi-threaded TCG, where QEMU 7.2 has races no single thread can have
	# (docs/kvm.md, "Which L0").
	default_thread=single
	# shellcheck disable=SC2054 # commas are QEMU option syntax
	machine=(-machine q35 -cpu max)
	;;
arm64)
	# Every guest console character is an MMIO exit to the inner QEMU, and the
	# SMP tests' idle vCPUs spin: at load 30 a test took 150-300 s (docs/kvm.md).
	test_timeout=900
	host_qemu=qemu-system-aarch64
	inner_qemu=/usr/bin/qemu-system-aarch64
	console=ttyAMA0
	# Single-threaded TCG as on x86_64: the one arm64 L1 Oops seen was on
	# multi-threaded TCG; single costs little here (the lane 78-87 s multi,
	# 114 s single, quiet machine, 2026-12-02).
	default_thread=single
	# pauth-impdef: QEMU's own pointer-authentication algorithm, far cheaper
	# under TCG than QARMA (halves L1's boot).
	# shellcheck disable=SC2054 # commas are QEMU option syntax
	machine=(-machine virt,virtualization=on,gic-version=3 -cpu max,pauth-impdef=on)
	;;
riscv64)
	test_timeout=900   # as arm64: 150-280 s per test at load 30 (docs/kvm.md)
	host_qemu=qemu-system-riscv64
	inner_qemu=/usr/bin/qemu-system-riscv64
	console=ttyS0
	# h=true: the hypervisor extension (KVM's requirement); the host QEMU's
	# OpenSBI runs L1's M mode.
	# shellcheck disable=SC2054 # commas are QEMU option syntax
	machine=(-machine virt -cpu rv64,h=true -bios default)
	;;
*) usage ;;
esac
top=$cache/kvm-$arch

# L0, the outer QEMU whose TCG is the "silicon" KVM runs on (docs/kvm.md,
# "Which L0"): HVUT_KVM_L0=host (the host's QEMU, Debian 12's 7.2) or qemu10
# (Debian 13's 10.0 from scripts/qemu10.sh, set up on first use);
# HVUT_KVM_HOST_QEMU names a binary instead. HVUT_KVM_TCG_THREAD=multi|single
# is its TCG threading (default: single on x86_64 and arm64, multi elsewhere).
l0=${HVUT_KVM_L0:-host}
tcg_thread=${HVUT_KVM_TCG_THREAD:-${default_thread:-multi}}
case $tcg_thread in multi | single) ;; *) die "HVUT_KVM_TCG_THREAD must be multi or single" ;; esac
l0_qemu() {
	[ -z "${HVUT_KVM_HOST_QEMU:-}" ] || { echo "$HVUT_KVM_HOST_QEMU"; return; }
	case $l0 in
	host) echo "$host_qemu" ;;
	qemu10)
		if ! "$here/qemu10.sh" ready >/dev/null 2>&1; then "$here/qemu10.sh" setup >&2 || die "cannot set up QEMU 10"; fi
		echo "$("$here/qemu10.sh" bindir)/${host_qemu##*/}"
		;;
	*) die "HVUT_KVM_L0 must be host or qemu10" ;;
	esac
}

ready() { [ -f "$top/initrd.img" ] && [ -f "$top/vmlinuz" ] && [ -d "$top/root" ] && [ -f "$top/version.txt" ]; }

setup() {
	mkdir -p "$top"
	# One setup at a time per arch (CI and make check may start two lanes).
	exec 9> "$top/lock"
	flock 9
	"$here/kvm-fetch.sh" "$arch"
	"$here/kvm-root.sh" "$arch"
	exec 9>&-
}

host_qemu_version() {
	"$host_qemu" --version | sed -n 's/^QEMU emulator version \([0-9.]*\).*/\1/p' | head -n 1
}

# config_var NAME FILE: a "NAME := value" line of config.mak.
config_var() { sed -n "s/^$1[[:space:]]*:\{0,1\}=[[:space:]]*//p" "$2" | head -n 1; }

# The build to test: see the header.
find_build() {
	if [ -f config.mak ] && [ "$(config_var ARCH config.mak)" = "$arch" ]; then
		pwd
		return
	fi
	if [ -n "${HVUT_KVM_BUILDDIR:-}" ]; then
		(cd "$HVUT_KVM_BUILDDIR" && pwd)
		return
	fi
	local b=$srcdir/build-kvm-$arch
	mkdir -p "$b"
	(
		cd "$b"
		[ -f config.mak ] || "$srcdir/configure" --arch="$arch" > /dev/null
		make -s -j2 > /dev/null
	) >&2 || die "building $b failed"
	echo "$b"
}

# write_job RUN_TESTS_ARGS...: the job L1 runs (its init execs it in the
# chroot), into $logdir/.kvm-job.sh. Uses run()'s build, src, logdir, env.
write_job() {
	{
		echo "# written by scripts/kvm-lane.sh for L1; run with bash in L1's chroot"
		printf 'cd %q\n' "$build"
		echo "export PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root TMPDIR=/tmp LANG=C.UTF-8"
		printf 'export ACCEL=kvm QEMU=%q HVUT_LOGDIR=%q HVUT_RUNNER_INSIDE=1\n' "$inner_qemu" "$logdir"
		# QEMU refuses M-mode firmware with KVM: KVM itself is the SBI
		# implementation, so riscv/vmm.sh's -bios becomes "none".
		[ "$arch" = riscv64 ] && echo "export OPENSBI=none"
		printf 'export HVUT_ENV=%q\n' "$env${HVUT_ENV:+ $HVUT_ENV}"
		# unittests.cfg's limits are sized for TCG; a test under KVM nested in
		# TCG on a busy 2-core host runs 5-20x longer, so one lane-wide limit.
		printf 'export TIMEOUT=%q\n' "${TIMEOUT:-$test_timeout}"
		local runline
		runline=$(printf '%q' "$src/run_tests.sh" && { [ $# = 0 ] || printf ' %q' "$@"; })
		if [ -z "${HVUT_KVM_TRACE:-}" ]; then
			echo "exec $runline"
		else
			kvm_trace_job "$runline"
		fi
	} >"$logdir/.kvm-job.sh"
}

run() {
	# Fetch only when nothing is there (setup checks Debian for new versions);
	# the local rebuild when kvm-init.sh or the layout changed costs nothing.
	# HVUT_NO_SETUP=1: use the cache as it is (the harness's own tests).
	if [ "${HVUT_NO_SETUP:-0}" = 1 ]; then ready || die "not set up and HVUT_NO_SETUP=1"
	elif ready && "$here/kvm-fetch.sh" "$arch" --wanted; then "$here/kvm-root.sh" "$arch"
	else setup; fi
	local build logdir junit='' t0 boot_us='' rc='' qver kver qemu10 args=() ro=() rw
	build=$(find_build)
	logdir=${HVUT_LOGDIR:-logs}
	mkdir -p "$logdir"
	logdir=$(cd "$logdir" && pwd)
	# --junit FILE is written into the shared results and copied out after.
	while [ $# -gt 0 ]; do
		case $1 in
		--junit) [ $# -ge 2 ] || die "--junit needs a file"; junit=$2; shift ;;
		--junit=*) junit=${1#--junit=} ;;
		*) args+=("$1") ;;
		esac
		shift
	done
	# The lane's own cfg selection (an entry's `lanes` key) applies inside L1
	# when the arch's lanes.cfg has a [kvm] section.
	local tdir
	tdir=$(config_var ARCH_TESTDIR "$build/config.mak")
	if grep -q '^\[kvm\]' "${HVUT_TESTDIR:-$srcdir/$tdir}/lanes.cfg" 2>/dev/null; then args=(--lane kvm "${args[@]}"); fi
	local user_args=("${args[@]}")
	[ -n "$junit" ] && args=(--junit "$logdir/.kvm-junit.xml" "${args[@]}")

	local src
	src=$(config_var SRCDIR "$build/config.mak")
	src=${src:-$srcdir}
	# The shares: L1's root first, then the source and build trees (read-only,
	# parents before children), then the results (writable).
	ro=("$top/root" "$src")
	case $build/ in "$src"/*) ;; *) ro+=("$build") ;; esac
	for p in "${ro[@]}" "$logdir"; do
		[[ $p =~ ^/[A-Za-z0-9_./+-]*$ ]] || die "path '$p' has characters the L1 command line cannot carry"
	done
	# Mount points for the shares, in the cached root (L1 mounts it read-only).
	for p in "${ro[@]:1}" "$logdir"; do mkdir -p "$top/root$p"; done

	read -r kver qemu10 < "$top/version.txt"
	host_qemu=$(l0_qemu)
	qver=$(host_qemu_version)
	# What the guest is told (docs/protocol.md, lib/deviation.h): KVM of this
	# kernel, over QEMU TCG as the "silicon"; the inner QEMU is userspace only.
	# HVUT_VMM=kvm and HVUT_VMM_VERSION (uname -r in L1) come from runtime.sh.
	local env="HVUT_KVM_VERSION=${kver%%[+-]*} HVUT_HOST_VMM=qemu-tcg HVUT_HOST_VMM_VERSION=$qver"
	env+=" HVUT_KVM_QEMU_VERSION=$qemu10"

	# shellcheck disable=SC2054 # commas are QEMU option syntax
	local qemu_cmd=("$host_qemu" "${machine[@]}" -accel "tcg,thread=$tcg_thread" -m "${HVUT_KVM_MEM:-3072}"
		-smp 2 -nodefaults -display none -no-reboot -serial stdio
		-kernel "$top/vmlinuz" -initrd "$top/initrd.img")
	local i=0 ro_arg='' p
	for p in "${ro[@]}"; do
		qemu_cmd+=(-virtfs "local,path=$p,mount_tag=r$i,security_model=none,readonly=on,multidevs=remap")
		ro_arg+=${ro_arg:+,}r$i:$p
		i=$((i + 1))
	done
	qemu_cmd+=(-virtfs "local,path=$logdir,mount_tag=w0,security_model=none,multidevs=remap")
	rw=w0:$logdir
	# KVM's module parameters (kvm-init.sh applies them, MODULE:PARAM=VALUE):
	# force_emulation_prefix=1 lets the emulator-fep and access-fep entries
	# send instructions through KVM's emulator (a ud2 for every other guest);
	# HVUT_KVM_NPT=0 turns nested paging off, so KVM shadows the guests' page
	# tables (the shadow MMU); HVUT_KVM_MODPARAMS adds others.
	local modparams=''
	if [ "$arch" = x86_64 ]; then
		modparams=kvm:force_emulation_prefix=1
		[ "${HVUT_KVM_NPT:-1}" != 0 ] || modparams+=,kvm_amd:npt=0
	fi
	modparams+=${HVUT_KVM_MODPARAMS:+,$HVUT_KVM_MODPARAMS}
	modparams=${modparams#,}
	[[ $modparams =~ ^[A-Za-z0-9_.:=,-]*$ ]] || die "HVUT_KVM_MODPARAMS: MODULE:PARAM=VALUE words, comma-separated"
	# oops=panic: an L1 kernel Oops (seen: arm64 perf_ctx_sched_task_cb under
	# the pmu test) ends L1 at once, so the lane reports it (kvm-verdicts.sh)
	# instead of waiting out the per-test limit on a VMM that died with it.
	qemu_cmd+=(-append "console=$console quiet loglevel=1 panic=-1 oops=panic mitigations=off tsc=reliable hvut.ro=$ro_arg hvut.rw=$rw hvut.job=$logdir/.kvm-job.sh${modparams:+ hvut.modparams=$modparams}")

	local l0_desc="QEMU $qver TCG thread=$tcg_thread"
	echo "kvm-lane: $arch: KVM of Linux $kver (QEMU $qemu10 inside${modparams:+, $modparams}) on $l0_desc; results in $logdir" >&2
	hvut_now
	t0=$now
	rm -f "$logdir/.kvm-junit.xml" "$logdir"/kvm-l1.*.log
	: > "$logdir/.kvm-progress"
	# The watchdog: L1 is quiet while it boots (loglevel=1), then run_tests.sh
	# prints a line at least every time a test ends, and no test outlives its
	# TIMEOUT; so silence longer than that (plus its kill and report time) is
	# a hung L1. Both bounds derive from TIMEOUT, not from this host's speed.
	local per_test=${TIMEOUT:-$test_timeout}
	local boot_limit=${HVUT_KVM_BOOT_LIMIT:-600} quiet_limit=${HVUT_KVM_QUIET_LIMIT:-$((2 * per_test + 60))}
	# The whole lane's limit, a backstop behind the watchdog: L1's boot, then
	# every test at its TIMEOUT, -j at a time (the list made here, as inside).
	local lane_limit=${HVUT_KVM_TIMEOUT:-} ntests jobs=1 a prev=''
	for a in "${user_args[@]}"; do
		[ "$prev" != -j ] || jobs=$a
		case $a in -j?*) jobs=${a#-j} ;; esac
		prev=$a
	done
	[[ $jobs =~ ^[1-9][0-9]*$ ]] || jobs=1
	if [ -z "$lane_limit" ]; then
		ntests=$(cd "$build" && HVUT_RUNNER_INSIDE=1 ACCEL=kvm HVUT_LOGDIR="$logdir/.kvm-list" \
			"$src/run_tests.sh" -l "${user_args[@]}" 2>/dev/null | grep -vc ': SKIP (') || ntests=50
		rm -rf "$logdir/.kvm-list"
		local rounds=$(((ntests + jobs - 1) / jobs))
		lane_limit=$((boot_limit + rounds * per_test + 120))
	fi
	HVUT_KVM_TIMEOUT=$lane_limit
	local l0_rc=0 hung='' why='' l0_deaths=0 out_fd=1 retries=${HVUT_KVM_L0_RETRIES:-2}
	[[ $retries =~ ^[0-9]+$ ]] || die "HVUT_KVM_L0_RETRIES must be a number"
	write_job "${args[@]}"
	boot_l1
	# L0 itself crashing (QEMU 7.2 TCG died of SIGSEGV twice in 2026-12,
	# docs/kvm-x86.md "L0 segfault") says nothing about KVM: the tests it took
	# along (running, or not started) run again in a fresh L1, at most
	# HVUT_KVM_L0_RETRIES (2) times. An L1 kernel panic or Oops, a hung L1 and
	# the lane's limit are KVM's or the lane's own verdicts and are not rerun.
	while [ -z "$rc" ] && [ "$retries" -gt 0 ] && l0_crashed; do
		retries=$((retries - 1)) l0_deaths=$((l0_deaths + 1))
		why=$(l1_death "$logdir/kvm-l1.log" "$l0_rc" "$hung")
		mv -f "$logdir/kvm-l1.log" "$logdir/kvm-l1.$l0_deaths.log"
		local pending=()
		mapfile -t pending < <(cd "$build" && "$here/kvm-verdicts.sh" "$logdir" "$logdir/.kvm-progress" "$why" \
			--pending -- "${user_args[@]}")
		echo "kvm-lane: L0 died ($why): an L0 crash, not a verdict on KVM; its console is in" \
			"$logdir/kvm-l1.$l0_deaths.log. The ${#pending[@]} tests left without a verdict run again in a fresh L1." >&2
		[ "${#pending[@]}" -gt 0 ] || { rc=merged; break; }
		local again=(-j "$jobs")
		[ "${user_args[0]:-}" != --lane ] || again=(--lane "${user_args[1]}" "${again[@]}")
		# The reports (TAP included) are made from all the L1s' lines at the
		# end: this L1's lines go to stderr, as -t's human output does.
		out_fd=2
		# The dead L1's run_tests.sh left its lock in the shared results dir.
		# The fresh L1 boots the same way, so that lock's PID is alive there
		# as some other process and the rerun refused to start (CI, 2026-12-03:
		# "another run_tests.sh (pid 199) is using ..."): no run holds it now.
		rm -f -- "$logdir/.lock"
		write_job "${again[@]}" "${pending[@]}"
		boot_l1
		[ -z "$rc" ] || rc=merged
	done
	hvut_now
	printf 'l1_boot_s=%s\nlane_s=%s\nload=%s\nl0=%s\nlimit_s=%s\nl0_deaths=%s\n' "${boot_us:+$(fmt "$boot_us")}" \
		"$(fmt $((now - t0)))" "$(cut -d' ' -f1-3 /proc/loadavg)" "$l0_desc" "$lane_limit" "$l0_deaths" > "$logdir/kvm-lane.times"
	echo "kvm-lane: lane took $(fmt $((now - t0))) s (load $(cut -d' ' -f1-3 /proc/loadavg))" >&2
	if [ -n "$rc" ] && [ "$l0_deaths" = 0 ]; then
		[ -z "$junit" ] || [ ! -f "$logdir/.kvm-junit.xml" ] || mv -f "$logdir/.kvm-junit.xml" "$junit"
		return "$rc"
	fi
	if [ -z "$rc" ]; then
		why=$(l1_death "$logdir/kvm-l1.log" "$l0_rc" "$hung")
		echo "kvm-lane: L1 ended without a result: $why; its console is in $logdir/kvm-l1.log:" >&2
		tail -n 15 "$logdir/kvm-l1.log" >&2
	fi
	# The tests' states from what L1 (or the L1s, after an L0 crash) said,
	# never invented: exit 1 when that gives verdicts to compare and one is
	# not PASS, SKIP or XFAIL, 0 when all are, 3 when there are none.
	local vargs=(--arch "$arch")
	for a in "${args[@]}"; do [ "$a" != -t ] || vargs+=(--tap); done
	[ -z "$junit" ] || vargs+=(--junit "$junit")
	(cd "$build" && "$here/kvm-verdicts.sh" "$logdir" "$logdir/.kvm-progress" "${why:-none}" "${vargs[@]}" -- "${user_args[@]}") ||
		return 3
	awk '$2 !~ /^(PASS|SKIP|XFAIL)$/ { bad = 1 } END { exit bad }' "$logdir/states.txt"
}

# boot_l1: boots L1 with the job write_job left, streams its tagged console
# lines, and sets rc (the job's exit status; empty when L1 died first),
# l0_rc, hung and boot_us (run()'s locals, bash's dynamic scope).
boot_l1() {
	local limit=$boot_limit l0_pid line got t1
	rc='' l0_rc=0 hung=''
	hvut_now
	t1=$now
	: > "$logdir/kvm-l1.log"
	# L1's console: lines tagged by kvm-init.sh go to our stdout/stderr, the
	# rest (kernel, init) to kvm-l1.log. The job's lines are also kept in
	# .kvm-progress: if L1 dies, kvm-verdicts.sh makes the states from them.
	exec {l1_fd}< <(exec timeout -k 10 "$lane_limit" "${qemu_cmd[@]}" < /dev/null 2>> "$logdir/kvm-l1.log")
	l0_pid=$!
	# Stopped by a signal (a Ctrl-C reaches the whole group anyway; a kill of
	# this script alone does not): L1 goes with us, nothing is left running.
	trap 'kill -TERM "$l0_pid" 2>/dev/null; exit 130' INT
	trap 'kill -TERM "$l0_pid" 2>/dev/null; exit 143' TERM HUP
	while true; do
		got=0
		IFS= read -r -t "$limit" -u "$l1_fd" line || got=$?
		if [ "$got" != 0 ]; then
			# > 128: the watchdog's time ran out; else the console closed.
			if [ "$got" -gt 128 ]; then
				hung="L1 printed nothing for $limit s (watchdog; TIMEOUT=$per_test)"
				kill "$l0_pid" 2>/dev/null || true
			fi
			break
		fi
		line=${line%$'\r'}
		case $line in
		O\|*) printf '%s\n' "${line#O|}" >&"$out_fd"; printf '%s\n' "${line#O|}" >> "$logdir/.kvm-progress" ;;
		E\|*) printf '%s\n' "${line#E|}" >&2; printf '%s\n' "${line#E|}" >> "$logdir/.kvm-progress" ;;
		B\|*)
			hvut_now
			# The first L1's boot is the one make bench quotes.
			[ -n "${boot_us:-}" ] || boot_us=$((now - t1))
			limit=$quiet_limit
			echo "kvm-lane: L1 up in $(fmt $((now - t1))) s (L1 uptime ${line#B|} s)" >&2
			;;
		R\|*) rc=${line#R|} ;;
		*) printf '%s\n' "$line" >> "$logdir/kvm-l1.log" ;;
		esac
	done
	wait "$l0_pid" || l0_rc=$?
	trap - INT TERM HUP
	exec {l1_fd}<&-
}

# What L1's kernel prints when it dies by itself (a panic, BUG or Oops).
l1_panic_re='Kernel panic|BUG:|Oops|general protection fault|kernel BUG'

# l0_crashed: L1 ended because L0, the outer QEMU, died of a signal of its
# own (not the watchdog's, not the lane limit's SIGKILL, not after an L1
# panic or Oops, which end L1 through panic=-1 and -no-reboot).
l0_crashed() {
	[ -z "$hung" ] && [ "$l0_rc" -gt 128 ] && [ "$l0_rc" != 137 ] && ! grep -q -m 1 -E "$l1_panic_re" "$logdir/kvm-l1.log"
}

# l1_death L1LOG L0_STATUS HUNG: one line saying how L1 ended without a
# result: its kernel's panic/BUG/Oops line when it printed one.
l1_death() {
	local p
	p=$(grep -m 1 -E "$l1_panic_re" "$1" | sed 's/^\[ *[0-9.]*\] //' | cut -c1-200) || true
	if [ -n "$p" ]; then echo "L1 kernel: $p"
	elif [ -n "$3" ]; then echo "$3"
	elif [ "$2" = 124 ] || [ "$2" = 137 ]; then echo "the lane's limit (HVUT_KVM_TIMEOUT=${HVUT_KVM_TIMEOUT} s) stopped L1"
	elif [ "$2" -gt 128 ] && [ "$2" -lt 160 ]; then
		echo "L1's QEMU died of SIG$(kill -l $(($2 - 128))) (status $2); last console line: $(tail -n 1 "$1" | cut -c1-160)"
	else echo "L1's QEMU exited with status $2; last console line: $(tail -n 1 "$1" | cut -c1-160)"
	fi
}

hvut_now() { now=${EPOCHREALTIME/[.,]/}; }
fmt() { printf '%d.%d' "$(($1 / 1000000))" "$(($1 % 1000000 / 100000))"; }

case $cmd in
setup) setup ;;
run) run "$@" ;;
version) ready || die "not set up: run $0 setup $arch"; cat "$top/version.txt" ;;
*) usage ;;
esac
