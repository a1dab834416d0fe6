#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# bench.sh: `make bench`, from the build dir. What the harness costs per test:
#   (a) the bare VMM booting a guest that exits at once (no harness at all),
#   (b) the same guest through <arch>/run (probe, envfile, timeout, console
#       filter, verdict),
#   (c) the whole suite through run_tests.sh.
# Per-test overhead = (b) - (a). Medians of BENCH_RUNS runs (default 7);
# BENCH_SUITE_RUNS (default 1) for (c), which may take minutes.
# The guest is <testdir>/empty.elf; without it, on x86_64, a 5-instruction
# multiboot stub built here with the host assembler stands in for (a).
set -euo pipefail

self_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=scripts/runtime.sh
source "$self_dir/runtime.sh"

[ -f config.mak ] || hvut_die "no config.mak here: run me from the build dir (make bench)"
hvut_read_config config.mak
arch=${HVUT_CONFIG[ARCH]:-} testdir=${HVUT_CONFIG[ARCH_TESTDIR]:-}
srcdir=${HVUT_CONFIG[SRCDIR]:-$(dirname "$self_dir")}
: "${QEMU:=${HVUT_CONFIG[QEMU]:-}}" "${PROCESSOR:=${HVUT_CONFIG[PROCESSOR]:-}}"
: "${CROSS_PREFIX:=${HVUT_CONFIG[CROSS_PREFIX]:-}}" "${TARGET:=${HVUT_CONFIG[TARGET]:-qemu}}"
export QEMU PROCESSOR CROSS_PREFIX TARGET SRCDIR=$srcdir HVUT_SRCDIR=$srcdir
runs=${BENCH_RUNS:-7} suite_runs=${BENCH_SUITE_RUNS:-1}
[[ $runs =~ ^[1-9][0-9]*$ ]] || hvut_die "BENCH_RUNS must be a number >= 1"
[[ $suite_runs =~ ^[0-9]+$ ]] || hvut_die "BENCH_SUITE_RUNS must be a number"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/hvut-bench.XXXXXX")
hvut_cleanup_add "$tmp"
mkdir -p logs
# Every measured command is bounded: a guest that does not exit at once is a
# broken benchmark, not a reason to hang.
export TIMEOUT=${BENCH_TIMEOUT:-30}

if [ -f "$srcdir/$testdir/vmm.sh" ]; then
	# shellcheck source=/dev/null
	source "$srcdir/$testdir/vmm.sh"
fi
hvut_probe "$arch"

# time_runs N LABEL CMD...: run CMD N times (output to logs/bench.log), leave
# the times in ms in $tmp/LABEL, fail if a run failed its own test.
time_runs() {
	local n=$1 label=$2 k t0 rc
	shift 2
	: >"$tmp/$label"
	for ((k = 0; k < n; k++)); do
		hvut_now_us
		t0=$HVUT_NOW_US
		rc=0
		"$@" >>logs/bench.log 2>&1 </dev/null || rc=$?
		hvut_now_us
		echo $(((HVUT_NOW_US - t0) / 1000)) >>"$tmp/$label"
		echo "# $label run $k: status $rc" >>logs/bench.log
	done
}

# row LABEL WHAT: "what | median ms | min | max" from $tmp/LABEL.
row() {
	sort -n "$tmp/$1" | awk -v what="$2" '
		{ v[NR] = $1 }
		END { printf "%-44s | %9d | %6d | %6d\n", what, v[int((NR + 1) / 2)], v[1], v[NR] }'
}
median() { sort -n "$tmp/$1" | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

: >logs/bench.log
guest=$testdir/empty.elf
bare=()
if [ -f "$guest" ] && declare -F arch_vmm_command >/dev/null; then
	envfile=$tmp/environ
	hvut_envfile "$arch" "$envfile"
	SMP=1 TEST_ARGS='' arch_vmm_command "$guest" "$envfile"
	bare=(timeout "$TIMEOUT" "${VMM_CMD[@]}")
elif [ "$arch" = x86_64 ] && [ "$TARGET" = qemu ] && command -v as >/dev/null && command -v ld >/dev/null; then
	# Multiboot header, then write 0 to the isa-debug-exit port: QEMU exits.
	cat >"$tmp/stub.S" <<'EOF'
	.text
	.code32
	.globl _start
	.align 4
	.long 0x1BADB002, 0, -0x1BADB002
_start:	movw $0xf4, %dx
	xorl %eax, %eax
	outl %eax, %dx
1:	hlt
	jmp 1b
EOF
	as --32 -o "$tmp/stub.o" "$tmp/stub.S"
	ld -m elf_i386 -Ttext=0x100000 -e _start -o "$tmp/stub.elf" "$tmp/stub.o"
	bare=(timeout "$TIMEOUT" "${QEMU:-qemu-system-x86_64}" -machine pc -accel "$ACCEL" -nodefaults
		-display none -device "isa-debug-exit,iobase=0xf4,iosize=4" -kernel "$tmp/stub.elf")
fi

echo "hvut bench: arch $arch, accel $ACCEL, $runs runs each (log: logs/bench.log)"
printf '%-44s | %9s | %6s | %6s\n' what "median ms" min max
printf '%s\n' "---------------------------------------------+-----------+--------+-------"
if [ ${#bare[@]} -gt 0 ]; then
	time_runs "$runs" bare "${bare[@]}"
	row bare "(a) bare VMM, guest exits at once"
else
	echo "(a) bare VMM: n/a (no $guest and no stub for $arch/$TARGET)"
fi
if [ -f "$guest" ] && [ -x "$srcdir/$testdir/run" ]; then
	time_runs "$runs" harness "$srcdir/$testdir/run" "$guest"
	row harness "(b) same guest through $testdir/run"
else
	echo "(b) through $testdir/run: n/a (needs $guest and $srcdir/$testdir/run)"
fi
if [ -s "$tmp/bare" ] && [ -s "$tmp/harness" ]; then
	echo "per-test overhead of the harness: $(($(median harness) - $(median bare))) ms (median (b) - median (a))"
fi
if [ "$suite_runs" -gt 0 ]; then
	# The suite's own verdicts do not matter here, only its wall time.
	time_runs "$suite_runs" suite "$srcdir/run_tests.sh"
	row suite "(c) whole suite: run_tests.sh ($suite_runs run)"
fi
