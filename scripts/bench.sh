#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# bench.sh: `make bench`, from the build dir. What a test costs beyond the
# VMM's own floor, per lane of the configured arch:
#   floor  the VMM starting and stopping at once: firmware whose first
#          instructions power off (x86: a 64 KiB ROM as QEMU -bios or Bochs
#          romimage; arm64: PSCI SYSTEM_OFF; riscv64: the sifive_test device;
#          ppc64: RTAS power-off), with the machine options of <arch>/vmm.sh
#   fw     riscv64 only: the floor with the firmware every test needs (QEMU's
#          OpenSBI, -bios default), its payload an SBI SRST shutdown at once:
#          what OpenSBI's own start costs, which no harness change can remove
#   bare   <testdir>/empty.elf booted by the lane's VMM command, no harness
#   run    the same through <testdir>/run (probe, environ, timeout, console
#          filter, verdict)
#   suite  the lane's default suite through run_tests.sh -j BENCH_JOBS (2), set
#          against the sum of its tests' own guest time (test time - floor)
# floor, bare and run are paired: each round runs all three back to back, so
# load that comes and goes hits them alike; the table gives medians of
# BENCH_RUNS (9) rounds, the ratios are medians of the per-round ratios.
# Wall and CPU (user+sys of the children) milliseconds: on a loaded machine
# the CPU column is the steadier one. Benchmarks only: nothing here fails
# because a machine is slow.
#
# Environment: BENCH_RUNS, BENCH_SUITE_RUNS (1; 0 skips the suites),
# BENCH_JOBS, BENCH_LANES (x86_64 default "tcg seabios bochs", plus
# "tcg-qemu10" when scripts/qemu10.sh is ready and "kvm" when /dev/kvm works;
# also "bochs-grub", "bochs3"; other arches "tcg" [tcg-qemu10] [kvm]),
# BENCH_JSON=FILE (the numbers as JSON, for CI artifacts), BENCH_TIMEOUT (30 s
# per measured command), BENCH_REF=DIR (another source tree, e.g. a worktree
# of main: its <testdir>/run of the same empty.elf is a row of the same
# paired rounds, for before/after on a loaded machine), BENCH_KVM=1 (also the kvm lane of scripts/kvm-lane.sh:
# an L1 Linux under TCG running the suite under its KVM, minutes; its L1 boot
# and suite set against the tcg lane's suite measured here), BENCH_KVM_TESTS
# (names: only those tests in L1; then no ratio to the tcg suite).
set -euo pipefail

self_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=scripts/runtime.sh
source "$self_dir/runtime.sh"

[ -f config.mak ] || hvut_die "no config.mak here: run me from the build dir (make bench)"
hvut_read_config config.mak
arch=${HVUT_CONFIG[ARCH]:-} testdir=${HVUT_CONFIG[ARCH_TESTDIR]:-}
srcdir=${HVUT_CONFIG[SRCDIR]:-$(dirname "$self_dir")}
: "${QEMU:=${HVUT_CONFIG[QEMU]:-}}" "${PROCESSOR:=${HVUT_CONFIG[PROCESSOR]:-}}"
: "${CROSS_PREFIX:=${HVUT_CONFIG[CROSS_PREFIX]:-}}"
export QEMU PROCESSOR CROSS_PREFIX SRCDIR=$srcdir HVUT_SRCDIR=$srcdir
runs=${BENCH_RUNS:-9} suite_runs=${BENCH_SUITE_RUNS:-1} jobs=${BENCH_JOBS:-2}
[[ $runs =~ ^[1-9][0-9]*$ ]] || hvut_die "BENCH_RUNS must be a number >= 1"
[[ $suite_runs =~ ^[0-9]+$ ]] || hvut_die "BENCH_SUITE_RUNS must be a number"
[[ $jobs =~ ^[1-9][0-9]*$ ]] || hvut_die "BENCH_JOBS must be a number >= 1"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/hvut-bench.XXXXXX")
hvut_cleanup_add "$tmp"
mkdir -p logs
: >logs/bench.log
# Every measured command is bounded: a guest that does not exit at once is a
# broken benchmark, not a reason to hang.
export TIMEOUT=${BENCH_TIMEOUT:-30}
guest=$testdir/empty.elf
# Every arch builds one (common/empty.c); without it (a build that left it
# out), only the floor and the suite.
[ -f "$guest" ] || { echo "bench: no $guest: the bare and run rows are left out"; guest=''; }
# shellcheck source=/dev/null
source "$srcdir/$testdir/vmm.sh"

# --- timing ------------------------------------------------------------------
# cpu_now: the children's user+sys time so far, in ms, into CPU_MS ("times"
# is a builtin: no fork disturbs what we measure).
cpu_now() {
	local line ms=0 t
	times >"$tmp/times"
	{ read -r line; read -r line; } <"$tmp/times"
	for t in $line; do
		[[ $t =~ ^([0-9]+)m([0-9]+)[.,]([0-9]{3}) ]] || continue
		ms=$((ms + 10#${BASH_REMATCH[1]} * 60000 + 10#${BASH_REMATCH[2]} * 1000 + 10#${BASH_REMATCH[3]}))
	done
	CPU_MS=$ms
}

# measure LABEL CMD...: one run of CMD (output to logs/bench.log); appends its
# wall and CPU ms to $tmp/LABEL.wall and $tmp/LABEL.cpu.
measure() {
	local label=$1 t0 c0 rc=0
	shift
	cpu_now
	c0=$CPU_MS
	hvut_now_us
	t0=$HVUT_NOW_US
	"$@" >>logs/bench.log 2>&1 </dev/null || rc=$?
	hvut_now_us
	cpu_now
	echo $(((HVUT_NOW_US - t0) / 1000)) >>"$tmp/$label.wall"
	echo $((CPU_MS - c0)) >>"$tmp/$label.cpu"
	echo "# bench: $label: status $rc" >>logs/bench.log
}

# median FILE: the median line of a file of numbers (the lower one of an even count).
median() { sort -n "$1" | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)]; else print "" }'; }
# ratio_median A B: median of the per-round A/B (paired rows), 2 decimals.
ratio_median() {
	paste "$1" "$2" | awk '$2 > 0 { print $1 / $2 }' | sort -g |
		awk '{ v[NR] = $1 } END { if (NR) printf "%.2f", v[int((NR + 1) / 2)]; else print "" }'
}

# --- floors --------------------------------------------------------------------
# A 64 KiB x86 ROM whose reset vector jumps to its start, where it writes
# isa-debug-exit (QEMU exits) and "Shutdown" to port 0x8900 (Bochs exits).
make_x86_floor_rom() {
	local rom_file=$tmp/floor.bin code
	code='\xba\xf4\x00\xee\xba\x00\x89'                      # mov $0xf4,%dx; out %al,%dx; mov $0x8900,%dx
	code+='\xb0S\xee\xb0h\xee\xb0u\xee\xb0t\xee\xb0d\xee\xb0o\xee\xb0w\xee\xb0n\xee'
	code+='\xf4\xeb\xfd'                                     # hlt; jmp .-1
	{
		printf '%b' "$code"
		head -c $((0xfff0 - 34)) /dev/zero
		printf '\xe9\x0d\x00'                               # at 0xfff0: jmp 0x0000
		head -c 13 /dev/zero
	} >"$rom_file"
	[ "$(wc -c <"$rom_file")" = 65536 ] || hvut_die "floor ROM is not 64 KiB"
	echo "$rom_file"
}

# emit32 le|be WORD...: the 32-bit words as bytes, on stdout.
emit32() {
	local e=$1 w b
	shift
	for w; do
		if [ "$e" = le ]; then
			printf -v b '\\x%02x\\x%02x\\x%02x\\x%02x' $((w & 255)) $((w >> 8 & 255)) $((w >> 16 & 255)) $((w >> 24 & 255))
		else
			printf -v b '\\x%02x\\x%02x\\x%02x\\x%02x' $((w >> 24 & 255)) $((w >> 16 & 255)) $((w >> 8 & 255)) $((w & 255))
		fi
		printf '%b' "$b"
	done
}

# The other arches' floors: the first instructions at reset power off (QEMU
# virt/pseries, loaded with -bios). Encodings by hand, from the ISA manuals.
make_other_floor() {
	local img=$tmp/floor-$arch.bin
	case $arch in
	riscv64)
		# M-mode at 0x80000000: sw 0x5555 (FINISHER_PASS) to the sifive_test
		# device at 0x100000. lui t0,0x100; lui t1,0x5; addi t1,t1,0x555;
		# sw t1,0(t0); j .
		emit32 le 0x001002b7 0x00005337 0x55530313 0x0062a023 0x0000006f >"$img" ;;
	arm64)
		# EL1 at 0 (flash): PSCI SYSTEM_OFF (0x84000008) through HVC, QEMU's
		# conduit when firmware is loaded without EL3. movz w0,#8;
		# movk w0,#0x8400,lsl #16; hvc #0; b .
		emit32 le 0x52800100 0x72b08000 0xd4000002 0x14000000 >"$img" ;;
	ppc64)
		# Big-endian real mode at 0x100: RTAS power-off (QEMU 7.2 token
		# 0x2003, 2 inputs, 1 output) through KVMPPC_H_RTAS (0xf000), the
		# argument buffer at 0x1000. li r4,0x1000; li r0,0x2003; stw r0,0(r4);
		# li r0,2; stw r0,4(r4); li r0,1; stw r0,8(r4); li r0,0; stw r0,12(r4);
		# stw r0,16(r4); li r3,0; ori r3,r3,0xf000; sc 1; b .
		{
			head -c 256 /dev/zero
			emit32 be 0x38801000 0x38002003 0x90040000 0x38000002 0x90040004 0x38000001 \
				0x90040008 0x38000000 0x9004000c 0x90040010 0x38600000 0x6063f000 \
				0x44000022 0x48000000
		} >"$img" ;;
	*) return 1 ;;
	esac
	echo "$img"
}

# make_fw_floor: riscv64's S-mode payload for the "fw" row, loaded with
# -kernel at 0x80200000 under QEMU's OpenSBI: SBI SRST system_reset
# (EID 0x53525354, FID 0) with type 0 (shutdown), reason 0 (SBI spec, System
# Reset Extension). lui a7,0x53525; addi a7,a7,0x354; li a6,0; li a0,0;
# li a1,0; ecall; j .
make_fw_floor() {
	local img=$tmp/fwfloor-$arch.bin
	[ "$arch" = riscv64 ] || return 1
	emit32 le 0x535258b7 0x35488893 0x00000813 0x00000513 0x00000593 0x00000073 0x0000006f >"$img"
	echo "$img"
}

# bochs_floor_rc ROM: a bochsrc as scripts/bochs-run.sh writes it, booting ROM.
bochs_floor_rc() {
	local display_line='display_library: term'
	[ "${BOCHS_DISPLAY:-rfb}" = rfb ] && display_line='display_library: rfb, options="timeout=0"'
	cat >"$tmp/floor.bochsrc" <<RC
$display_line
cpu: model=tigerlake, count=1, ignore_bad_msrs=0, reset_on_triple_fault=0
memory: guest=256, host=256
romimage: file="$1"
vgaromimage: file=/usr/share/vgabios/vgabios.bin
vga: extension=none
sound: driver=dummy
speaker: enabled=0
mouse: enabled=0
clock: sync=none, time0=1704067200
panic: action=fatal
error: action=report
log: $tmp/floor.bochs.log
RC
	printf 'c\nq\n' >"$tmp/floor.debugrc"
}

# --- lanes ---------------------------------------------------------------------
# lane_setup NAME: sets lane_env (VAR=VALUE words for env), lane_desc,
# lane_suite (run_tests.sh arguments) and FLOOR_CMD; false when the lane
# cannot run here (and says why).
lane_setup() {
	local rom lane=$1
	lane_env=() lane_suite=(-j "$jobs") FLOOR_CMD=() FW_FLOOR_CMD=() lane_path=$PATH
	if [ "$lane" = tcg-qemu10 ]; then
		# QEMU 10 of a Debian 13 root (scripts/qemu10.sh): its wrappers first
		# in PATH for the floor, bare and run rows; the suite's --lane does the same.
		if ! "$srcdir/scripts/qemu10.sh" setup >&2 || ! lane_path=$("$srcdir/scripts/qemu10.sh" bindir):$PATH; then
			echo "(lane tcg-qemu10: no QEMU 10 root)"
			return 1
		fi
		lane=tcg
	fi
	case $arch:$lane in
	x86_64:tcg | x86_64:kvm | x86_64:seabios)
		local accel=tcg cpu=max
		[ "$1" = kvm ] && accel=kvm cpu=host
		if [ "$accel" = kvm ] && ! { [ -r /dev/kvm ] && [ -w /dev/kvm ]; }; then
			echo "(lane $1: no usable /dev/kvm)"
			return 1
		fi
		lane_env=("ACCEL=$accel" HVUT_FIRMWARE=hvut)
		lane_desc="QEMU $accel, hvut firmware"
		if [ "$1" = tcg-qemu10 ]; then
			lane_desc="QEMU 10 tcg, hvut firmware" lane_suite+=(--lane tcg-qemu10)
		fi
		if [ "$1" = seabios ]; then
			lane_env=(ACCEL=tcg HVUT_FIRMWARE=seabios)
			lane_desc="QEMU tcg, SeaBIOS + multiboot"
		fi
		rom=$(make_x86_floor_rom)
		# shellcheck disable=SC2054 # the commas are QEMU option syntax
		FLOOR_CMD=("${QEMU:-qemu-system-x86_64}" -machine pc -accel "$accel" -cpu "$cpu" -m 256 -smp 1
			-nodefaults -display none -no-reboot -serial none
			-device isa-debug-exit,iobase=0xf4,iosize=4 -bios "$rom")
		;;
	x86_64:bochs | x86_64:bochs-grub | x86_64:bochs3)
		if [ "$1" = bochs3 ]; then
			if ! "$srcdir/scripts/bochs3.sh" setup >&2 || ! lane_path=$("$srcdir/scripts/bochs3.sh" bindir):$PATH; then
				echo "(lane bochs3: no Bochs 3.0 root)"
				return 1
			fi
		fi
		PATH=$lane_path command -v bochs-bin >/dev/null || { echo "(lane $1: no bochs-bin)"; return 1; }
		lane_env=(ACCEL=bochs HVUT_FIRMWARE=hvut)
		lane_desc="Bochs, hvut firmware"
		lane_suite+=(--lane bochs)
		case $1 in
		bochs-grub) lane_env=(ACCEL=bochs HVUT_FIRMWARE=bios) lane_desc="Bochs, Bochs BIOS + GRUB" ;;
		bochs3) lane_desc="Bochs 3.0, hvut firmware" lane_suite=(-j "$jobs" --lane bochs3) ;;
		esac
		ACCEL=bochs arch_vmm_probe "$arch"
		rom=$(make_x86_floor_rom)
		bochs_floor_rc "$rom"
		FLOOR_CMD=(bochs-bin -q -f "$tmp/floor.bochsrc" -rc "$tmp/floor.debugrc")
		[ "${BOCHS_DISPLAY:-}" = rfb ] && FLOOR_CMD=(unshare -rn "${FLOOR_CMD[@]}")
		;;
	*:tcg | *:kvm)
		if [ "$lane" = kvm ] && ! { [ -r /dev/kvm ] && [ -w /dev/kvm ]; }; then
			echo "(lane $1: no usable /dev/kvm)"
			return 1
		fi
		lane_env=(ACCEL="$lane")
		lane_desc="QEMU $lane"
		if [ "$1" = tcg-qemu10 ]; then
			lane_desc="QEMU 10 tcg" lane_suite+=(--lane tcg-qemu10)
		fi
		rom=$(make_other_floor) || rom=''
		[ -n "$rom" ] || return 0
		local cpu=max machine=virt q=${QEMU:-}
		case $arch in
		arm64) q=${q:-qemu-system-aarch64} ;;
		riscv64) q=${q:-qemu-system-riscv64} cpu=rv64 ;;
		ppc64)
			q=${q:-qemu-system-ppc64} cpu='' machine=pseries
			# As powerpc/vmm.sh: what TCG cannot mitigate, said once.
			[ "$lane" = tcg ] && machine+=,cap-cfpc=broken,cap-sbbc=broken,cap-ibs=broken,cap-ccf-assist=off
			;;
		esac
		[ "$lane" = kvm ] && cpu=host
		FLOOR_CMD=("$q" -machine "$machine" -accel "$lane" ${cpu:+-cpu "$cpu"} -m 256 -smp 1
			-nodefaults -display none -no-reboot -serial none -bios "$rom")
		if rom=$(make_fw_floor); then
			FW_FLOOR_CMD=("${FLOOR_CMD[@]}")
			FW_FLOOR_CMD[${#FW_FLOOR_CMD[@]} - 1]=default
			FW_FLOOR_CMD+=(-kernel "$rom")
		fi
		;;
	*)
		echo "(lane $1: not known for $arch)"
		return 1
		;;
	esac
}

default_lanes() {
	case $arch in
	x86_64)
		echo tcg seabios
		"$srcdir/scripts/qemu10.sh" ready 2>/dev/null && echo tcg-qemu10
		[ -r /dev/kvm ] && [ -w /dev/kvm ] && [ "$(hvut_host_arch)" = "$arch" ] && echo kvm
		command -v bochs-bin >/dev/null && echo bochs
		;;
	*)
		echo tcg
		"$srcdir/scripts/qemu10.sh" ready 2>/dev/null && echo tcg-qemu10
		[ -r /dev/kvm ] && [ -w /dev/kvm ] && [ "$(hvut_host_arch)" = "$arch" ] && echo kvm
		;;
	esac
	return 0
}

# suite_guest_ms JUNIT FLOOR_MS: the sum over the suite's tests that ran of
# (their time in run_tests.sh's JUnit file - the floor), in ms, and how many.
suite_guest_ms() {
	awk -v floor="$2" '
		{
			while (match($0, /<testcase [^>]*time="[0-9.]+"/)) {
				tc = substr($0, RSTART, RLENGTH)
				$0 = substr($0, RSTART + RLENGTH)
				sub(/.*time="/, "", tc)
				t = tc * 1000
				if (t <= 0)
					continue
				g += (t > floor ? t - floor : 0)
				n++
			}
		}
		END { printf "%d %d\n", g, n }' "$1"
}

json=()
declare -A suite_ms_of=()
# The columns: what, wall ms, CPU ms, wall / floor, CPU / floor (the ratios:
# medians of the per-round ones; on a loaded machine read the CPU ones).
row() { printf '  %-46s | %8s | %7s | %7s | %7s\n' "$1" "$2" "$3" "$4" "${5:-}"; }

bench_lane() {
	local lane=$1 bare_ok=1 fl_wall='' fl_cpu=''
	lane_setup "$lane" || return 0
	echo "== lane $lane ($lane_desc)"
	row what "wall ms" "CPU ms" "x floor" "CPU x"
	# The lane's bare command: its arch_vmm_command, as <testdir>/run would build it.
	local envfile=$tmp/environ
	printf 'ACCEL=%s\nHVUT_ARCH=%s\n' "${lane_env[0]#ACCEL=}" "$arch" >"$envfile"
	VMM_CMD=()
	[ -n "$guest" ] || bare_ok=0
	# shellcheck disable=SC2016 # the child shell expands these
	if [ "$bare_ok" = 1 ] && ! env "${lane_env[@]}" PATH="$lane_path" bash -c 'source "$1"; source "$2"; SMP=1 TEST_ARGS= arch_vmm_command "$3" "$4" &&
		printf "%s\0" "${VMM_CMD[@]}"' _ "$self_dir/runtime.sh" "$srcdir/$testdir/vmm.sh" "$guest" "$envfile" >"$tmp/vmmcmd"; then
		bare_ok=0
	fi
	[ "$bare_ok" = 1 ] && mapfile -d '' -t VMM_CMD <"$tmp/vmmcmd"

	rm -f "$tmp"/{floor,fw,bare,run,ref}.{wall,cpu}
	local k ref=${BENCH_REF:+$BENCH_REF/$testdir/run}
	for ((k = 0; k < runs; k++)); do
		[ ${#FLOOR_CMD[@]} -gt 0 ] && measure floor env PATH="$lane_path" timeout "$TIMEOUT" "${FLOOR_CMD[@]}"
		[ ${#FW_FLOOR_CMD[@]} -gt 0 ] && measure fw env PATH="$lane_path" timeout "$TIMEOUT" "${FW_FLOOR_CMD[@]}"
		[ "$bare_ok" = 1 ] && measure bare env "${lane_env[@]}" PATH="$lane_path" timeout "$TIMEOUT" "${VMM_CMD[@]}"
		# As a user runs it: <testdir>/run finds its tree itself (no HVUT_SRCDIR).
		[ -n "$guest" ] && measure run env -u HVUT_SRCDIR "${lane_env[@]}" PATH="$lane_path" "$srcdir/$testdir/run" "$guest"
		[ -n "$guest" ] && [ -n "$ref" ] && measure ref env -u HVUT_SRCDIR "${lane_env[@]}" PATH="$lane_path" "$ref" "$guest"
	done
	local base=floor
	if [ -s "$tmp/floor.wall" ]; then
		fl_wall=$(median "$tmp/floor.wall") fl_cpu=$(median "$tmp/floor.cpu")
		row "floor: VMM, firmware that powers off at once" "$fl_wall" "$fl_cpu" 1.00 1.00
	else
		base=bare
		row "floor: n/a for $arch (bare empty test instead)" "" "" ""
	fi
	local fw_wall='' fw_x=''
	if [ -s "$tmp/fw.wall" ] && [ -s "$tmp/$base.wall" ]; then
		fw_wall=$(median "$tmp/fw.wall")
		fw_x=$(ratio_median "$tmp/fw.wall" "$tmp/$base.wall")
		row "fw: the floor + OpenSBI, SBI SRST at once" "$fw_wall" "$(median "$tmp/fw.cpu")" "$fw_x" \
			"$(ratio_median "$tmp/fw.cpu" "$tmp/$base.cpu")"
	fi
	local bare_wall='' run_wall='' bare_x='' run_x='' bare_cx='' run_cx='' run_fx=''
	if [ -s "$tmp/bare.wall" ]; then
		bare_wall=$(median "$tmp/bare.wall")
		bare_x=$(ratio_median "$tmp/bare.wall" "$tmp/$base.wall")
		bare_cx=$(ratio_median "$tmp/bare.cpu" "$tmp/$base.cpu")
		row "bare: $guest, the VMM command alone" "$bare_wall" "$(median "$tmp/bare.cpu")" "$bare_x" "$bare_cx"
	fi
	if [ -s "$tmp/run.wall" ] && [ -s "$tmp/$base.wall" ]; then
		run_wall=$(median "$tmp/run.wall")
		run_x=$(ratio_median "$tmp/run.wall" "$tmp/$base.wall")
		run_cx=$(ratio_median "$tmp/run.cpu" "$tmp/$base.cpu")
		row "run: $testdir/run $guest" "$run_wall" "$(median "$tmp/run.cpu")" "$run_x" "$run_cx"
		if [ -s "$tmp/fw.wall" ]; then
			run_fx=$(ratio_median "$tmp/run.wall" "$tmp/fw.wall")
			echo "  run / fw (what a test costs beyond the firmware it needs): $run_fx wall, $(ratio_median "$tmp/run.cpu" "$tmp/fw.cpu") CPU"
		fi
	fi
	if [ -s "$tmp/ref.wall" ] && [ -s "$tmp/$base.wall" ]; then
		row "run (BENCH_REF): ${BENCH_REF##*/}/$testdir/run" "$(median "$tmp/ref.wall")" "$(median "$tmp/ref.cpu")" \
			"$(ratio_median "$tmp/ref.wall" "$tmp/$base.wall")" "$(ratio_median "$tmp/ref.cpu" "$tmp/$base.cpu")"
	fi
	[ -z "$fl_wall" ] && fl_wall=$bare_wall

	local suite_wall='' guest_ms='' ntests='' suite_x=''
	if [ "$suite_runs" -gt 0 ]; then
		rm -f "$tmp"/suite.{wall,cpu}
		for ((k = 0; k < suite_runs; k++)); do
			: >"$tmp/suite.log"
			# -u TIMEOUT: ours bounds one measured command; run_tests.sh would
			# take it as every test's limit instead of the cfg's own.
			measure suite env -u TIMEOUT "${lane_env[@]}" PATH="$lane_path" HVUT_LOGDIR="$tmp/suite-logs" \
				bash -c '"$@" >"'"$tmp"'/suite.log" 2>&1' _ "$srcdir/run_tests.sh" "${lane_suite[@]}" \
				--junit "$tmp/suite.xml"
			cat "$tmp/suite.log" >>logs/bench.log
		done
		suite_wall=$(median "$tmp/suite.wall")
		suite_ms_of[$lane]=$suite_wall
		guest_ms=0 ntests=0
		if [ -s "$tmp/suite.xml" ]; then
			read -r guest_ms ntests < <(suite_guest_ms "$tmp/suite.xml" "${fl_wall:-0}")
		else
			echo "  (the suite wrote no JUnit file: see logs/bench.log)"
		fi
		# The target: -j N keeps N tests' guest time running at once.
		if [ "$guest_ms" -gt 0 ]; then
			suite_x=$(awk -v s="$suite_wall" -v g="$guest_ms" -v j="$jobs" 'BEGIN { printf "%.2f", s / (g / j) }')
		fi
		row "suite: run_tests.sh ${lane_suite[*]} ($ntests ran)" "$suite_wall" "$(median "$tmp/suite.cpu")" ""
		echo "  suite guest time (sum of test times - floor): $guest_ms ms; suite / (guest / $jobs) = ${suite_x:-n/a}"
	fi
	json+=("$(printf '"%s": {"desc": "%s", "floor_ms": %s, "floor_cpu_ms": %s, "fw_ms": %s, "run_x_fw": %s, "bare_ms": %s, "run_ms": %s, "run_cpu_ms": %s, "bare_x_floor": %s, "run_x_floor": %s, "bare_cpu_x_floor": %s, "run_cpu_x_floor": %s, "suite_ms": %s, "suite_tests": %s, "suite_guest_ms": %s, "suite_x_guest_per_job": %s}' \
		"$lane" "$lane_desc" "${fl_wall:-null}" "${fl_cpu:-null}" "${fw_wall:-null}" "${run_fx:-null}" "${bare_wall:-null}" "${run_wall:-null}" \
		"$( [ -s "$tmp/run.cpu" ] && median "$tmp/run.cpu" || echo null)" "${bare_x:-null}" "${run_x:-null}" "${bare_cx:-null}" "${run_cx:-null}" "${suite_wall:-null}" "${ntests:-null}" \
		"${guest_ms:-null}" "${suite_x:-null}")")
}

# --- the kvm lane (BENCH_KVM=1) -------------------------------------------------
# scripts/kvm-lane.sh boots one L1 Linux under QEMU TCG and runs the suite in
# it under L1's KVM. No floor, bare or run rows (they would be L1's, seen
# through TCG): its L1 boot and suite, from the kvm-lane.times it writes
# (l1_boot_s, lane_s), and the suite set against the tcg lane's, measured in
# this same run: side by side, never against a fixed number.
bench_kvm() {
	local d=$tmp/kvm-logs line boot_ms='' lane_ms='' in_l1='' guest_ms='' ntests='' x_tcg='' x_guest=''
	local -a sel=()
	read -r -a sel <<<"${BENCH_KVM_TESTS:-}" || true
	mkdir -p "$d"
	echo "== lane kvm (scripts/kvm-lane.sh: KVM in an L1 Linux under QEMU TCG; minutes)"
	rm -f "$tmp"/kvm.{wall,cpu}
	# -u TIMEOUT: kvm-lane.sh passes it into L1 as every test's limit (its default: 300 s).
	measure kvm env -u TIMEOUT HVUT_LOGDIR="$d" "$srcdir/scripts/kvm-lane.sh" run "$arch" -j "$jobs" --junit "$d/kvm.xml" "${sel[@]}"
	if [ ! -s "$d/kvm-lane.times" ]; then
		echo "  (no $d/kvm-lane.times: the lane did not run; see logs/bench.log)"
		return 0
	fi
	# key=seconds lines (one decimal); milliseconds from here on.
	while IFS='=' read -r line val; do
		[[ $val =~ ^[0-9]+(\.[0-9]+)?$ ]] || continue
		hvut_secs_to_us "$val"
		case $line in
		l1_boot_s) boot_ms=$((HVUT_US / 1000)) ;;
		lane_s) lane_ms=$((HVUT_US / 1000)) ;;
		esac
	done <"$d/kvm-lane.times"
	[ -n "$boot_ms" ] && [ -n "$lane_ms" ] && in_l1=$((lane_ms - boot_ms))
	[ -s "$d/kvm.xml" ] && read -r guest_ms ntests < <(suite_guest_ms "$d/kvm.xml" 0)
	if [ ${#sel[@]} = 0 ] && [ -n "$in_l1" ] && [ -n "${suite_ms_of[tcg]:-}" ] && [ "${suite_ms_of[tcg]}" -gt 0 ]; then
		x_tcg=$(awk -v k="$in_l1" -v t="${suite_ms_of[tcg]}" 'BEGIN { printf "%.2f", k / t }')
	fi
	if [ -n "$in_l1" ] && [ "${guest_ms:-0}" -gt 0 ]; then
		x_guest=$(awk -v s="$in_l1" -v g="$guest_ms" -v j="$jobs" 'BEGIN { printf "%.2f", s / (g / j) }')
	fi
	row what "wall ms" "CPU ms" "x tcg" ""
	row "L1 boot (kvm-lane.times l1_boot_s)" "${boot_ms:-?}" "" ""
	row "suite in L1 (lane_s - l1_boot_s; ${ntests:-?} ran)" "${in_l1:-?}" "" "${x_tcg:-n/a}"
	row "lane: kvm-lane.sh run, all of it" "$(median "$tmp/kvm.wall")" "$(median "$tmp/kvm.cpu")" ""
	echo "  suite guest time (sum of test times in L1): ${guest_ms:-?} ms; suite / (guest / $jobs) = ${x_guest:-n/a}; x tcg: the suite in L1 over the tcg lane's suite above"
	json+=("$(printf '"kvm-lane": {"desc": "KVM in an L1 Linux under QEMU TCG (scripts/kvm-lane.sh)", "l1_boot_ms": %s, "lane_ms": %s, "suite_in_l1_ms": %s, "suite_tests": %s, "suite_guest_ms": %s, "suite_x_guest_per_job": %s, "suite_x_tcg_suite": %s}' \
		"${boot_ms:-null}" "${lane_ms:-null}" "${in_l1:-null}" "${ntests:-null}" "${guest_ms:-null}" "${x_guest:-null}" "${x_tcg:-null}")")
}

read -r -a lanes <<<"${BENCH_LANES:-$(default_lanes | tr '\n' ' ')}"
loadavg() { cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?'; }
echo "hvut bench: arch $arch, lanes ${lanes[*]}: medians of $runs paired rounds; suites -j$jobs, $suite_runs run(s) (log: logs/bench.log)"
echo "load average at the start: $(loadavg)"
for l in "${lanes[@]}"; do bench_lane "$l"; done
[ "${BENCH_KVM:-0}" != 1 ] || bench_kvm
echo "load average at the end: $(loadavg)"

if [ -n "${BENCH_JSON:-}" ]; then
	{
		printf '{"arch": "%s", "runs": %d, "suite_runs": %d, "jobs": %d, "load_avg": "%s", "lanes": {' \
			"$arch" "$runs" "$suite_runs" "$jobs" "$(loadavg)"
		sep=''
		for j in "${json[@]}"; do printf '%s\n  %s' "$sep" "$j"; sep=,; done
		printf '\n}}\n'
	} >"$BENCH_JSON"
	echo "bench: numbers in $BENCH_JSON"
fi
