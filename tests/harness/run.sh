#!/usr/bin/env bash
# tests/harness/run.sh: the harness's own tests. Every "guest" here is a fake
# VMM (tests/harness/fake/vmm) printing a canned console, so this needs no
# QEMU and takes seconds. Prints each failing check, ends with
# "N passed, N failed"; exit status 1 when any check failed.
#
# Each case builds a throwaway build dir (config.mak) and a fake testdir
# (HVUT_TESTDIR: unittests.cfg, run, vmm.sh, *.elf) under one temp dir.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/../.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/hvut-harness-tests.XXXXXX")
trap 'rm -rf "$work"' EXIT

# Deterministic input: nothing from the caller's environment leaks in.
unset ACCEL HVUT_PROBED TIMEOUT HVUT_ENV TEST_ARGS SMP HVUT_TESTDIR QEMU PROCESSOR FAKE_ORDER FAKE_MARKER \
	HVUT_LOGDIR HVUT_RESULT HVUT_RUNDIR HVUT_LIVE
export SRCDIR=$top
# Our own TMPDIR: whatever the harness leaves behind there is a bug.
export TMPDIR=$work/tmp HVUT_CACHE=$work/cache
mkdir -p "$TMPDIR"

passed=0 failed=0
ok() { passed=$((passed + 1)); }
bad() {
	failed=$((failed + 1))
	echo "FAILED: $*"
}
# check DESCRIPTION COMMAND...: one check, passing when COMMAND succeeds.
check() {
	local what=$1
	shift
	if "$@"; then ok; else bad "$what"; fi
}
has() { grep -Eq -- "$2" "$1"; }     # FILE ERE: some line matches
hasnt() { ! grep -Eq -- "$2" "$1"; } # FILE ERE: no line matches
quiet() { "$@" >/dev/null 2>&1; }
eq() { [ "$1" = "$2" ] || { echo "    expected '$2', got '$1'"; return 1; }; }
# states_are WANT: the suite in $B left these states ("name STATE ..."). A
# mismatch also shows why: the suite's verdict line for each test that
# differs, and the end of its log (a flake under load must say what it was).
states_are() {
	local got t
	got=$(tr '\n' ' ' <"$B/logs/states.txt")
	eq "$got" "$1" && return 0
	for t in $(printf '%s\n' "$got" | tr ' ' '\n' | paste - - | grep -vxFf <(printf '%s\n' "$1" | tr ' ' '\n' | paste - -) | cut -f1); do
		grep -E "^[A-Z]+ $t " "$B/err" | sed 's/^/    suite: /'
		tail -n 5 "$B/logs/$t.log" 2>/dev/null | sed "s/^/    $t.log: /"
	done
	return 1
}

# setup CASE [CFG]: fresh $B (build dir) and $T (testdir) for a case; the
# cfg comes from stdin when CFG is '-', else the fake arch's own.
setup() {
	B=$work/$1/build T=$work/$1/testdir
	mkdir -p "$B" "$T"
	cp "$here/fake/vmm" "$here/fake/vmm.sh" "$here/fake/run" "$T/"
	if [ "${2:-}" = - ]; then cat >"$T/unittests.cfg"; else cp "$here/fake/unittests.cfg" "$T/"; fi
	local s
	for s in pass fail skip xpass reserved hang crash segv vmmfail nosummary garbage garbageonly \
		crlf nonl slowfail novmm env chatty1 chatty2 chatty3 chatty4 sleep1 sleep2 sleep3 sleep4 \
		stubborn escape spew mute liar rawfail fakeend nulfail twosum badcount status1 xfail; do
		# An x86_64 ELF header (e_machine 62 at byte 18), then the fake's note.
		printf '\177ELF\2\1\1\0\0\0\0\0\0\0\0\0\2\0\076\0fake binary: the scenario is the name\n' >"$T/$s.elf"
	done
	printf 'SRCDIR := %s\nARCH := x86_64\nARCH_TESTDIR := fake\nQEMU := %s\n' "$top" "$here/fake/vmm" >"$B/config.mak"
}

# suite ARGS...: run_tests.sh in $B; stdout in $B/out, stderr in $B/err, status in RC.
suite() {
	RC=0
	(cd "$B" && HVUT_TESTDIR=$T "$top/run_tests.sh" "$@" >"$B/out" 2>"$B/err") || RC=$?
}

# arun SCENARIO: <arch>/run straight on SCENARIO.elf; output in $T/out, status in RC.
arun() {
	RC=0
	"$T/run" "$T/$1.elf" >"$T/out" 2>&1 </dev/null || RC=$?
}

# The children the signal checks signal start with SIGINT, SIGTERM and SIGHUP
# at their defaults: a caller that ignores them (nohup, or any `cmd &` from a
# script: bash starts those with SIGINT ignored) would otherwise hand that on,
# and a bash that starts with a signal ignored cannot trap it.
dfl=()
if env --default-signal=INT true 2>/dev/null; then dfl=(env "--default-signal=INT,TERM,HUP"); fi

# wait_for FILE ERE: poll (bounded: 10 s) until FILE has a matching line.
wait_for() {
	local _
	for _ in $(seq 100); do
		grep -Eq -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

echo "== <arch>/run: verdicts from the console, exit codes 0..4"
setup run
export ACCEL=tcg
arun pass; check "pass: exit 0" eq "$RC" 0
check "pass: the VMM's exit 1 is ignored" has "$T/out" '^hvut: PASS \(3 passed\)$'
check "pass: console streamed through" has "$T/out" '^PASS: msr: tsc$'
arun fail; check "fail: exit 1" eq "$RC" 1
arun skip; check "all-skip: exit 2" eq "$RC" 2
arun xpass; check "XPASS (status 1): exit 1" eq "$RC" 1
arun reserved; check "reserved EXIT status 7: exit 1 (FAIL)" eq "$RC" 1
arun crash; check "crash (no SUMMARY/EXIT): exit 3" eq "$RC" 3
check "crash: says why, VMM status and last line" has "$T/out" '^hvut: CRASH \(no SUMMARY/EXIT line; VMM exit 1; last line: triple fault, resetting\)$'
arun segv; check "VMM killed by a signal: exit 3" eq "$RC" 3
check "segv: names the signal" has "$T/out" 'VMM killed by SIGSEGV'
arun vmmfail; check "VMM fails at start-up: exit 3 (CRASH, never SKIP)" eq "$RC" 3
check "vmmfail: the VMM's stderr is in the console" has "$T/out" "unable to find CPU model"
arun nosummary; check "EXIT without SUMMARY: exit 3" eq "$RC" 3
arun garbage; check "garbage bytes around valid lines: exit 0" eq "$RC" 0
arun garbageonly; check "garbage only: exit 3" eq "$RC" 3
arun crlf; check "CRLF line ends: exit 0" eq "$RC" 0
check "CRLF: no CR left in the console" hasnt "$T/out" $'\r'
arun nonl; check "no final newline after EXIT: exit 0" eq "$RC" 0
arun novmm; check "arch_vmm_command cannot set the VMM up: CRASH, exit 3" eq "$RC" 3
# 3 s, not 1: the last-line check needs the fake VMM (a bash script) to have
# printed its line by then, and at load 40 bash can take over a second to
# start. The wall bound only tells "killed at the limit" from "slept its 100 s".
t0=$(date +%s%N)
TIMEOUT=3 arun hang
t1=$(date +%s%N)
check "hang with TIMEOUT=3: exit 4" eq "$RC" 4
check "hang: killed at the limit, not at the VMM's own end (< 15 s)" test $(((t1 - t0) / 1000000)) -lt 15000
check "hang: TIMEOUT line" has "$T/out" '^hvut: TIMEOUT \(3 s; last line: PASS: before the hang\)$'
# (the [m] keeps pgrep from matching this very command line)
TIMEOUT=1 arun mute
check "a VMM that closes its console then hangs: TIMEOUT all the same" eq "$RC" 4
check "hang: no sleeping VMM left behind" bash -c "! pgrep -f '$T/vm[m] $T/hang' >/dev/null"
RC=0
"$T/run" "$T/nosuch.elf" >"$T/out" 2>&1 || RC=$?
check "missing ELF: usage error, exit 2" eq "$RC" 2
check "missing ELF: says so" has "$T/out" 'nosuch\.elf: no such file$'
RC=0
"$T/run" "$T/vmm" >"$T/out" 2>&1 || RC=$?
check "not an ELF: exit 2, one clear line" eq "$RC/$(wc -l <"$T/out")" 2/1
check "not an ELF: says so" has "$T/out" 'vmm: not an ELF file$'
printf '\177ELF\2\1\1\0\0\0\0\0\0\0\0\0\2\0\267\0' >"$T/arm.elf"
RC=0
"$T/run" "$T/arm.elf" >"$T/out" 2>&1 || RC=$?
check "ELF of another arch: exit 2" eq "$RC" 2
check "ELF of another arch: says which" has "$T/out" 'an ELF for machine 183, not for x86_64$'
RC=0
"$T/run" >"$T/out" 2>&1 || RC=$?
check "<arch>/run without args: usage error, exit 2" eq "$RC" 2
RC=0
"$T/run" -x "$T/pass.elf" >"$T/out" 2>&1 || RC=$?
check "<arch>/run -x: unknown option, exit 2" eq "$RC" 2
check "<arch>/run -x: names it" has "$T/out" "unknown option '-x'"
RC=0
"$T/run" -h >"$T/out" 2>&1 || RC=$?
check "<arch>/run -h: usage, exit 0" eq "$RC" 0
check "<arch>/run -h: usage text" has "$T/out" '^Usage: .*run \[-h\] ELF'
RC=0
TIMEOUT=abc "$T/run" "$T/pass.elf" >"$T/out" 2>&1 || RC=$?
check "<arch>/run TIMEOUT=abc: exit 2 before starting" eq "$RC" 2

echo "== <arch>/run: the verdict from every line"
arun liar; check "FAIL line denied by SUMMARY/EXIT 0: FAIL" eq "$RC" 1
check "liar: names the first failure" has "$T/out" '^hvut: FAIL \(1 of 2 failed: b: the real result\)$'
arun rawfail; check "FAIL line outside the report API: FAIL" eq "$RC" 1
arun fakeend; check "fake SUMMARY/EXIT, then FAIL and a triple fault: FAIL" eq "$RC" 1
arun nulfail; check "a NUL does not hide the FAIL line after it" eq "$RC" 1
arun twosum; check "two SUMMARY/EXIT pairs: CRASH" eq "$RC" 3
check "twosum: protocol, with the reason" has "$T/out" '^hvut: CRASH \(protocol: 2 SUMMARY and 2 EXIT lines'
arun badcount; check "SUMMARY counts disagree with the lines: CRASH" eq "$RC" 3
check "badcount: says both counts" has "$T/out" 'protocol: SUMMARY says 3 tests, 0 failures, 0 skipped; the lines before it: 2, 0, 0'
arun status1; check "STATUS=1 without a FAIL line: CRASH" eq "$RC" 3
arun xfail; check "all XFAIL (and a SKIP), no PASS: XFAIL, exit 5" eq "$RC" 5
check "xfail: says no assertion passed" has "$T/out" '^hvut: XFAIL \(no assertion passed: 2 known failures, 1 skipped\)$'

echo "== <arch>/run: signals"
# SIGTERM mid-run: the VMM (which ignores SIGTERM) and the filter end within
# 2 s by design (SIGKILL after 0.4 s); INTERRUPTED, exit 130.
"${dfl[@]}" "$T/run" "$T/stubborn.elf" >"$T/out" 2>&1 &
pid=$!
wait_for "$T/out" '^PASS: before the hang$' || bad "stubborn: never started"
t0=$(date +%s%N)
kill -TERM "$pid"
RC=0
wait "$pid" || RC=$?
t1=$(date +%s%N)
check "TERM to <arch>/run: exit 130" eq "$RC" 130
echo "    (TERM to exit: $(((t1 - t0) / 1000000)) ms)"
# The bound only tells "ended by the harness" from "ran until the VMM's own
# end" (100 s): make check runs beside other loads here (load 30 on 2 cores,
# where a fork can take 100s of ms), so the time is printed, not held to 2 s.
check "TERM to <arch>/run: over well before the VMM's own end (< 10 s)" test $(((t1 - t0) / 1000000)) -lt 10000
check "TERM to <arch>/run: INTERRUPTED line" has "$T/out" '^hvut: INTERRUPTED \('
check "TERM to <arch>/run: no VMM left" bash -c "! pgrep -f '$T/vm[m] $T/stubborn' >/dev/null"
check "TERM to <arch>/run: the lines before it still counted" has "$T/out" '^hvut: INTERRUPTED \(.*; 1 result lines so far\)$'

echo "== <arch>/run: the console filter keeps its counts"
# The VMM (ignoring SIGTERM) is killed at its time limit, but a helper that
# left its process group holds the console open a while longer: the filter
# waits for it (seconds, not a moment: on a loaded host it may not run for
# that long), so the FAIL line before the hang still decides the verdict.
# (It used to be SIGKILLed 0.3 s after the VMM, its counts lost: TIMEOUT.)
export FAKE_MARKER=$T/marker.escape
TIMEOUT=3 HVUT_KILL_AFTER=1 "$T/run" "$T/escape.elf" >"$T/out" 2>&1 &
pid=$!
wait_for "$T/out" '^FAIL: escape: ' || bad "escape: never started"
for _ in $(seq 100); do pgrep -f "$T/vm[m] $T/escape" >/dev/null || break; sleep 0.1; done
sleep 0.6
touch "$FAKE_MARKER"
RC=0
wait "$pid" || RC=$?
check "console held open past the VMM's SIGKILL: still FAIL, exit 1" eq "$RC" 1
check "escape: the first failure, then the time limit" has "$T/out" '^hvut: FAIL \(1 of 1 failed: escape: counted before the hang; then timed out\)$'
# Held open for good: the filter is killed after HVUT_FILTER_GRACE, and the
# verdict says so instead of a bare "no record".
rm -f "$FAKE_MARKER"
TIMEOUT=3 HVUT_KILL_AFTER=1 HVUT_FILTER_GRACE=1 arun escape
touch "$FAKE_MARKER"
check "console held open for good: TIMEOUT, exit 4" eq "$RC" 4
check "escape: says the filter was killed and why" has "$T/out" "^hvut: TIMEOUT \(3 s; last line: \(the console filter was killed: a process outside the VMM's group held its console open\)\)$"
unset FAKE_MARKER
# A console that never goes quiet: the time limit is looked at after every
# read, not only when a read times out.
t0=$(date +%s%N)
TIMEOUT=2 HVUT_LIVE=1 arun spew
t1=$(date +%s%N)
check "FAIL lines without end: FAIL (then timed out), exit 1" eq "$RC" 1
check "spew: cut at the time limit (< 15 s; the guest would go on for 30 s)" test $(((t1 - t0) / 1000000)) -lt 15000
check "spew: says it timed out" has "$T/out" '^hvut: FAIL \([0-9]+ of [0-9]+ failed: spew: line 1; then timed out\)$'

# The guest's environ: ACCEL, HVUT_ARCH and the HVUT_ENV words, in that order.
HVUT_ENV="FOO=bar BAZ=1" arun env
check "envfile: ACCEL, HVUT_ARCH, the VMM, then HVUT_ENV" has "$T/out" '^INFO: environ: ACCEL=tcg HVUT_ARCH=x86_64 HVUT_ACCEL=tcg HVUT_VMM=qemu HVUT_VMM_VERSION=[^ ]+ HVUT_CPU=max FOO=bar BAZ=1 $'
ACCEL=bochs BOCHS_CPU=ryzen arun env
check "envfile: Bochs and its CPU model" has "$T/out" 'HVUT_ACCEL=bochs HVUT_VMM=bochs HVUT_VMM_VERSION=[^ ]+ HVUT_CPU=ryzen $'
HVUT_ENV="notkeyval" arun env
check "HVUT_ENV word without '=': exit 2" eq "$RC" 2

# Live console: the FAIL line must be out while the VMM still runs. The fake
# VMM holds its verdict until the marker exists (or 5 s).
export FAKE_MARKER=$T/marker
"$T/run" "$T/slowfail.elf" >"$T/out" 2>&1 &
pid=$!
if wait_for "$T/out" '^FAIL: live: seen early$'; then
	check "<arch>/run streams: the VMM has not ended yet" hasnt "$T/out" '^hvut: '
else
	bad "<arch>/run streams: FAIL line not seen while the VMM ran"
fi
touch "$FAKE_MARKER"
wait "$pid"
check "slowfail: exit 1" eq "$?" 1
unset FAKE_MARKER

# STACK: symbolised from the ELF with addr2line, when a host compiler exists.
if command -v cc >/dev/null && command -v nm >/dev/null; then
	printf 'int helper(int x) { return x * 3; }\nint main(void) { return helper(2); }\n' >"$T/stack.c"
	cc -g -O0 -o "$T/stack.elf" "$T/stack.c"
	arun stack
	check "STACK: exit 1" eq "$RC" 1
	check "STACK: each address symbolised, indented" has "$T/out" '^    at 0x[0-9a-f]+: helper at .*stack\.c:1$'
	check "STACK: unknown address still listed" has "$T/out" '^    at 0xdeadbeef: '
else
	echo "(no host cc: STACK symbolisation not checked)"
fi
unset ACCEL

echo "== hvut_probe"
check "probe: tcg when the host arch differs" eq "$(bash -c "source '$top/scripts/runtime.sh'; hvut_probe riscv64-not-this; echo \$ACCEL/\$HVUT_PROBED")" tcg/1
if [ -r /dev/kvm ] && [ -w /dev/kvm ] && [ "$(uname -m)" = x86_64 ]; then want=kvm; else want=tcg; fi
check "probe: $want on this host for x86_64" eq "$(bash -c "source '$top/scripts/runtime.sh'; hvut_probe x86_64; echo \$ACCEL")" "$want"
check "probe: ACCEL from the environment wins" eq "$(ACCEL=bochs bash -c "source '$top/scripts/runtime.sh'; hvut_probe x86_64; echo \$ACCEL")" bochs
if [ ! -e /dev/kvm ]; then
	check "probe: says why TCG" eq "$(bash -c "source '$top/scripts/runtime.sh'; hvut_probe x86_64; echo \$HVUT_ACCEL_WHY")" "/dev/kvm absent: using TCG"
fi
check "probe: does nothing when HVUT_PROBED=1" eq "$(HVUT_PROBED=1 bash -c "source '$top/scripts/runtime.sh'; hvut_probe x86_64; echo \${ACCEL:-unset}")" unset

echo "== run_tests.sh: the fake suite"
setup suite
suite -j2 --junit junit.xml --json results.json
check "suite: exit 1 (FAIL, TIMEOUT, CRASH present)" eq "$RC" 1
check "suite: states" states_are "pass PASS fail FAIL skip SKIP hang TIMEOUT crash CRASH cpu-model SKIP other-arch SKIP xfail XFAIL "
check "suite: first line names the VMM and why this accelerator" has "$B/out" '^hvut: x86_64 on qemu [^ ]+, ACCEL=tcg \(.*\); 6 of 8 tests to run, -j2$'
check "suite: PASS line" has "$B/out" '^PASS pass \(3 passed, [0-9]+\.[0-9] s\)$'
check "suite: FAIL line" has "$B/out" '^FAIL fail \(1 of 3 failed: EFER: write reserved bit #GP, [0-9]+\.[0-9] s\)$'
check "suite: live FAIL line" has "$B/out" '^  FAIL fail: EFER: write reserved bit #GP$'
check "suite: guest SKIP line" has "$B/out" '^SKIP skip \(2 skipped: vmx: VMX not supported\)$'
check "suite: TIMEOUT line" has "$B/out" '^TIMEOUT hang \(3 s; last line: PASS: before the hang\)$'
check "suite: CRASH line" has "$B/out" '^CRASH crash \(no SUMMARY/EXIT line; VMM exit 1; last line: triple fault, resetting\)$'
check "suite: XFAIL line" has "$B/out" '^XFAIL xfail \(no assertion passed: 2 known failures, 1 skipped, [0-9.]+ s\)$'
check "suite: entries for another VMM: one line with the command" has "$B/out" '^hvut: 1 entry needs ACCEL=bochs: ACCEL=bochs \./run_tests\.sh cpu-model$'
check "suite: no SKIP line per entry for another VMM" hasnt "$B/out" '^SKIP cpu-model'
check "suite: nodefault test not selected" hasnt "$B/logs/states.txt" '^manual '
check "suite: summary line" has "$B/out" '^hvut: 8 tests: 1 PASS, 1 FAIL, 3 SKIP, 1 XFAIL, 1 TIMEOUT, 1 CRASH \([0-9]+\.[0-9] s\)$'
check "suite: progress on stderr, plain when not a tty" has "$B/err" '^\[[0-9]+/8\] running: '
check "suite: no escape codes when not a tty" hasnt "$B/err" $'\033'
check "suite: logs in the build dir" test -f "$B/logs/pass.log"
check "suite: the lock is gone" test ! -e "$B/logs/.lock"
check "logs: header names the command" has "$B/logs/pass.log" '^# hvut: SMP=2 TIMEOUT=90 ACCEL=tcg TEST_ARGS=one\\ two .*/run .*/pass\.elf -m 64 -device foo$'
check "logs: whole console kept" has "$B/logs/fail.log" '^EXIT: STATUS=1$'
check "logs: smp, test_args and extra_params reach the VMM" has "$B/logs/pass.log" '^INFO: smp=2 test_args=one two extra=-m 64 -device foo probed=1$'
check "logs: a test not run says why" has "$B/logs/cpu-model.log" '^# hvut: not run: accel bochs only; running tcg$'
check "durations remembered for the run tests only" eq "$(awk '{ print $1 }' "$B/logs/.durations" | sort | tr '\n' ' ')" "crash fail hang pass skip xfail "
check "junit: well-formed" xmllint --noout "$B/junit.xml"
check "junit: one testcase per test" eq "$(grep -c '<testcase classname="hvut.x86_64" name=' "$B/junit.xml")" 8
check "junit: failure message is the first failing assertion" eq "$(grep -c '<failure message="EFER: write reserved bit #GP">FAIL: EFER: write reserved bit #GP' "$B/junit.xml")" 1
check "junit: errors for TIMEOUT and CRASH" eq "$(grep -c '<error message=' "$B/junit.xml")" 2
check "junit: skipped with reason" has "$B/junit.xml" '<skipped message="accel bochs only; running tcg"/>'
check "junit: XFAIL is skipped, said so" has "$B/junit.xml" '<skipped message="XFAIL: no assertion passed'
check "junit: counts agree with the summary" has "$B/junit.xml" 'tests="8" failures="1" errors="2" skipped="4"'
if command -v python3 >/dev/null; then
	json_get() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))" "$B/results.json" "$1"; }
	check "json: parses; states agree with states.txt" eq "$(json_get "' '.join(t['name']+' '+t['state'] for t in d['tests'])") " "$(tr '\n' ' ' <"$B/logs/states.txt")"
	check "json: VMM and version" eq "$(json_get "d['vmm']+'/'+str(bool(d['vmm_version']))")" qemu/True
	check "json: per-assertion kind, prefix, text" eq "$(json_get "d['tests'][1]['assertions'][1]")" "{'kind': 'FAIL', 'prefix': 'EFER', 'text': 'write reserved bit #GP'}"
	check "json: duration per test" eq "$(json_get "d['tests'][0]['duration_s'] > 0")" True
else
	echo "(no python3: JSON not parsed)"
fi

echo "== TAP (-t) and prove"
suite -t -j2
check "tap: exit 1" eq "$RC" 1
check "tap: stdout is only TAP" hasnt "$B/out" '^([^on1T]|o[^k]|n[^o]|1[^.]|T[^A])'
check "tap: human output went to stderr" has "$B/err" '^hvut: 8 tests: '
check "tap: plan matches the lines" eq "$(sed -n 2p "$B/out")" "1..$(grep -Ec '^(not )?ok ' "$B/out")"
check "tap: XFAIL is TODO" has "$B/out" '^not ok [0-9]+ - fail: EFER: known bug # TODO known bug$'
check "tap: '#' in a description is escaped" has "$B/out" '^not ok [0-9]+ - fail: EFER: write reserved bit \\#GP$'
check "tap: a test not run is a SKIP" has "$B/out" '^ok [0-9]+ - cpu-model # SKIP accel bochs only; running tcg$'
check "tap: TIMEOUT and CRASH are not ok" eq "$(grep -Ec '^not ok [0-9]+ - (hang: TIMEOUT|crash: CRASH)' "$B/out")" 2
prove -e cat "$B/out" >"$B/prove" 2>&1
check "tap: prove parses it and reports the failures" has "$B/prove" 'Failed tests: '
check "tap: XFAIL state is a TODO line" has "$B/out" '^not ok [0-9]+ - xfail: XFAIL \(no assertion passed: .*\) # TODO no assertion passed$'
check "tap: prove sees no parse errors" hasnt "$B/prove" 'Parse errors'
suite -t pass skip cpu-model
check "tap: passing selection: exit 0" eq "$RC" 0
check "tap: prove passes" quiet prove -e cat "$B/out"

echo "== run_tests.sh: lying guests agree everywhere"
setup liars - <<'EOF'
[liar]
[rawfail]
[fakeend]
[nulfail]
[twosum]
[badcount]
[status1]
[pass]
EOF
suite -t --junit junit.xml
check "liars: exit 1" eq "$RC" 1
check "liars: states" states_are "liar FAIL rawfail FAIL fakeend FAIL nulfail FAIL twosum CRASH badcount CRASH status1 CRASH pass PASS "
check "liars: junit failures and errors agree" has "$B/junit.xml" 'tests="8" failures="4" errors="3" skipped="0"'
check "liars: the summary agrees" has "$B/err" '^hvut: 8 tests: 1 PASS, 4 FAIL, 0 SKIP, 0 XFAIL, 0 TIMEOUT, 3 CRASH '
# TAP: every test but pass has a not ok line; pass has none.
tap_bad=$(grep '^not ok' "$B/out" | sed 's/^not ok [0-9]* - \([^:]*\):.*/\1/' | sort -u | tr '\n' ' ')
check "liars: TAP not ok for exactly the failed tests" eq "$tap_bad" "badcount fakeend liar nulfail rawfail status1 twosum "

echo "== odd consoles through run_tests.sh"
setup odd - <<'EOF'
[garbage]
[garbageonly]
[crlf]
[nonl]
[nosummary]
[segv]
[reserved]
[xpass]
[novmm]
EOF
suite --junit junit.xml -t
check "odd: states" states_are "garbage PASS garbageonly CRASH crlf PASS nonl PASS nosummary CRASH segv CRASH reserved FAIL xpass FAIL novmm CRASH "
check "odd: junit well-formed despite garbage" xmllint --noout "$B/junit.xml"
prove -e cat "$B/out" >"$B/prove" 2>&1
check "odd: prove parses garbage" hasnt "$B/prove" 'Parse errors'
check "odd: reserved status names itself" has "$B/err" '^FAIL reserved \(reserved EXIT: STATUS=7, [0-9.]+ s\)$'
check "odd: live XPASS line" has "$B/err" '^  XPASS xpass: known bug did not show up$'

echo "== selection"
setup sel
export ACCEL=tcg
suite -l
check "-l: exit 0" eq "$RC" 0
check "-l: command lines" has "$B/out" '^pass: SMP=2 TIMEOUT=90 ACCEL=tcg TEST_ARGS=one\\ two .*/run .*/pass\.elf -m 64 -device foo$'
check "-l: skip reasons" has "$B/out" '^cpu-model: SKIP \(accel bochs only; running tcg\)$'
check "-l: nothing ran" test ! -e "$B/logs"
suite -l -a
check "-a: nodefault included" has "$B/out" '^manual: '
suite -l
check "default: nodefault left out" hasnt "$B/out" '^manual: '
suite -l -g quick
check "-g: the group only" eq "$(cut -d: -f1 "$B/out" | tr '\n' ' ')" "pass fail "
suite -l -g nodefault
check "-g nodefault: selects it" eq "$(cut -d: -f1 "$B/out" | tr '\n' ' ')" "manual "
suite -l skip manual
check "names: exactly those, in order" eq "$(cut -d: -f1 "$B/out" | tr '\n' ' ')" "skip manual "
suite nosuchtest
check "unknown name: exit 2" eq "$RC" 2
check "unknown name: says so" has "$B/err" "no test 'nosuchtest'"
suite -j 0
check "-j 0: usage error, exit 2" eq "$RC" 2
suite pass
check "one passing test: exit 0" eq "$RC" 0
suite skip cpu-model
check "only SKIPs: exit 0" eq "$RC" 0
suite hang
check "only a TIMEOUT: exit 1" eq "$RC" 1
TIMEOUT=0.5 suite hang
check "TIMEOUT env overrides the cfg's" has "$B/out" '^TIMEOUT hang \(0\.5 s; '

suite -v pass
check "-v: console shown live, prefixed" has "$B/out" '^pass\| PASS: cpuid: vendor$'
HVUT_ENV=FOO=bar suite pass
check "HVUT_ENV reaches the guest through run_tests.sh" has "$B/logs/pass.log" 'environ: ACCEL=tcg HVUT_ARCH=x86_64 .* FOO=bar $'
ACCEL=bochs suite cpu-model pass
check "ACCEL=bochs: the bochs-only test runs, the others skip" states_are "cpu-model PASS pass SKIP "
unset ACCEL

echo "== unittests.cfg errors: exit 2, file:line, nothing run"
cfg_error() { # WHAT ERE-for-stderr, cfg on stdin
	local what=$1 want=$2
	setup "cfg-$what" -
	suite
	check "cfg $what: exit 2" eq "$RC" 2
	check "cfg $what: names file:line" has "$B/err" "$want"
	check "cfg $what: nothing ran" test ! -e "$B/logs"
}
printf '[pass]\nfile = pass.elf\nbogus = 1\n' | cfg_error unknown-key 'unittests\.cfg:3: unknown key "bogus"'
printf '[pass]\nthis is not a key value\n' | cfg_error malformed 'unittests\.cfg:2: expected "key = value"'
printf '# c\nfile = pass.elf\n[pass]\n' | cfg_error before-section 'unittests\.cfg:2: key "file" before any \[section\]'
printf '[pass]\n\n[pass]\n' | cfg_error duplicate 'unittests\.cfg:3: duplicate section \[pass\] \(first at [^ ]*unittests\.cfg:1\)'
# shellcheck disable=SC2016 # a literal $MAX_SMP: the cfg takes no variables
printf '[pass]\nsmp = $MAX_SMP\n' | cfg_error smp 'unittests\.cfg:2: smp must be a number'
printf '[pass]\n[bad name]\n' | cfg_error section 'unittests\.cfg:2: malformed section header'
printf '[pass]\nmigration = maybe\n' | cfg_error migration 'unittests\.cfg:2: migration must be yes, no or a lane'

# A list split in parts (unittests-<part>.cfg, read after unittests.cfg in
# name order): their entries run, and a name is unique across the parts.
setup cfg-parts -
printf '[pass]\n' >"$T/unittests.cfg"
printf '# part b\n[skip]\n' >"$T/unittests-b.cfg"
printf '[fail]\n' >"$T/unittests-a.cfg"
suite
check "cfg parts: every part's entries run, in name order" states_are "pass PASS fail FAIL skip SKIP "
printf '\n[pass]\n' >>"$T/unittests-b.cfg"
suite
check "cfg parts: a name taken in another part: exit 2" eq "$RC" 2
check "cfg parts: says both places" has "$B/err" 'unittests-b\.cfg:4: duplicate section \[pass\] \(first at [^ ]*/unittests\.cfg:1\)'
printf 'file = fail.elf\n[x]\n' >"$T/unittests-a.cfg"
suite
check "cfg parts: a key before a section of its own part is an error" has "$B/err" 'unittests-a\.cfg:1: key "file" before any \[section\]'

echo "== bad input: exit 2, one line, nothing run"
# bad WHAT ERE [ENV=VAL...] -- ARGS...: run_tests.sh refuses before starting anything.
bad_input() {
	local what=$1 want=$2
	shift 2
	local -a envs=()
	while [ "$1" != -- ]; do envs+=("$1"); shift; done
	shift
	setup "bad-$what"
	RC=0
	(cd "$B" && env HVUT_TESTDIR="$T" "${envs[@]}" "$top/run_tests.sh" "$@" >"$B/out" 2>"$B/err") || RC=$?
	check "bad $what: exit 2" eq "$RC" 2
	check "bad $what: says why" has "$B/err" "$want"
	check "bad $what: nothing ran, no logs" test ! -e "$B/logs/states.txt" -a ! -e "$B/logs/pass.log"
}
bad_input accel "ACCEL='nosuch' is not one of" ACCEL=nosuch --
bad_input group "no test of .* is in group 'nosuchgroup'" -- -g nosuchgroup
bad_input empty 'no test selected' -- -g slow pass
bad_input timeout "TIMEOUT='abc' is not a number" TIMEOUT=abc --
bad_input novmm 'nosuchvmm is not installed' QEMU=nosuchvmm --
bad_input junit-dir 'no directory /nonexistent/dir' -- --junit /nonexistent/dir/x.xml
bad_input junit-option "option --junit needs a value, got the option-like '-t'" -- --junit -t
check "bad junit-option: no file named -t" test ! -e "$B/-t"
bad_input json-option "option --json needs a value, got the option-like '-v'" -- --json=-v
bad_input logdir 'cannot create the log dir' HVUT_LOGDIR=/proc/nosuch/logs --
bad_input other-vmm-only 'none of the 1 selected tests runs with ACCEL=tcg' -- cpu-model
# make check's kvm lane list: a typo would quietly run fewer lanes. deps.sh
# checks it first (before any install), so `make check` stops there.
RC=0
HVUT_CHECK_KVM="x86_64 arm65" "$top/scripts/deps.sh" check >"$B/out" 2>"$B/err" || RC=$?
check "bad HVUT_CHECK_KVM: deps.sh exits 2" eq "$RC" 2
check "bad HVUT_CHECK_KVM: says which word" has "$B/err" "^deps: HVUT_CHECK_KVM: 'arm65' is not 0, 1 or an arch"
setup bad-unbuilt
rm -f "$T/pass.elf"
RC=0
(cd "$B" && HVUT_TESTDIR=$T "$top/run_tests.sh" pass >"$B/out" 2>"$B/err") || RC=$?
check "bad unbuilt: exit 2" eq "$RC" 2
check "bad unbuilt: says so" has "$B/err" 'test binaries not built .*pass\.elf'
setup empty-tap
suite -t -g slow pass
check "empty selection: TAP says 1..0 # SKIP" eq "$(head -n 1 "$B/out")" "1..0 # SKIP empty selection"
printf '[pass]\naccel = kvn\n' | cfg_error accel-typo 'unittests\.cfg:2: accel: unknown VMM kind "kvn"'
printf '[pass]\narch = x86-64\n' | cfg_error arch-typo 'unittests\.cfg:2: arch: unknown arch "x86-64"'

echo "== interrupts: reports written, nothing left behind, exit 130"
setup intr - <<'EOF'
[pass]
[stubborn]
timeout = 60
[hang]
timeout = 60
[crash]
[skip]
EOF
mkdir -p "$B/logs"
# An old log of a test that will not start: never reported again.
printf '# hvut: old\nPASS: from an old run\nSUMMARY: 1 tests, 0 unexpected failures, 0 skipped\nEXIT: STATUS=0\n' >"$B/logs/skip.log"
printf 'stubborn 9000000\nhang 8000000\npass 1\ncrash 1\nskip 1\n' >"$B/logs/.durations"
(cd "$B" && HVUT_TESTDIR=$T exec setsid "${dfl[@]}" "$top/run_tests.sh" -j2 -t --junit junit.xml --json results.json >"$B/out" 2>"$B/err") &
pid=$!
if ! wait_for "$B/logs/hang.log" '^PASS: before the hang$' || ! wait_for "$B/logs/stubborn.log" '^PASS: before the hang$'; then
	bad "intr: the two long tests did not start"
fi
t0=$(date +%s%N)
kill -INT -- "-$pid"
RC=0
wait "$pid" || RC=$?
t1=$(date +%s%N)
check "intr: exit 130" eq "$RC" 130
# The design ends it within ~1.2 s (runners SIGKILL at 0.4 s, run_tests.sh at
# 1 s, then the reports); the issue asks for 2 s. The bound here only tells
# "ended by the interrupt" from "ran to the tests' own 60 s limits": this
# host runs make check beside other loads (load 30 on 2 cores). The time is
# printed.
echo "    (interrupt to exit: $(((t1 - t0) / 1000000)) ms)"
check "intr: over well before the tests' own limits (< 10 s)" test $(((t1 - t0) / 1000000)) -lt 10000
check "intr: states: cut INTERRUPTED, never started NOTRUN" states_are "pass NOTRUN stubborn INTERRUPTED hang INTERRUPTED crash NOTRUN skip NOTRUN "
check "intr: junit written and well-formed" xmllint --noout "$B/junit.xml"
check "intr: TAP plan complete" eq "$(sed -n 2p "$B/out")" "1..$(grep -Ec '^(not )?ok ' "$B/out")"
check "intr: TAP never reads an old log" hasnt "$B/out" 'from an old run'
check "intr: the old log of a test not run is gone" test ! -e "$B/logs/skip.log"
check "intr: summary says it" has "$B/err" '^hvut: 5 tests: 0 PASS, .* 2 INTERRUPTED, 3 NOTRUN '
check "intr: no VMM, runner or awk left" bash -c "! pgrep -f '$T/[a-z]' >/dev/null"
# The runners and run_tests.sh remove their files in the background as they
# exit (runtime.sh hvut_cleanup): give those rm's up to 10 s to run. A bare-root
# make check beside a CI run (load 4-6) once found 10 files still there.
for _ in $(seq 100); do
	[ -n "$(find "$TMPDIR" -mindepth 1 -print -quit)" ] || break
	sleep 0.1
done
check "intr: no temp file left (within 10 s)" eq "$(find "$TMPDIR" -mindepth 1 | wc -l)" 0

echo "== two runs in one tree"
setup twice - <<'EOF'
[hang]
timeout = 20
EOF
(cd "$B" && HVUT_TESTDIR=$T exec "${dfl[@]}" "$top/run_tests.sh" >"$B/out1" 2>&1) &
pid=$!
wait_for "$B/logs/hang.log" '^PASS: before the hang$' || bad "twice: the first run did not start"
suite hang
check "twice: the second run refuses, exit 2" eq "$RC" 2
check "twice: and says why" has "$B/err" "another run_tests.sh \(pid $pid\) is using .*/logs"
kill -TERM "$pid"
wait "$pid"
check "twice: the first run's log is its own" has "$B/logs/hang.log" '^hvut: INTERRUPTED '
HVUT_LOGDIR=$B/other suite -l
check "twice: a lock left by a dead run is taken over" bash -c "echo 999999 >'$B/logs/.lock' && cd '$B' && HVUT_TESTDIR='$T' TIMEOUT=0.2 '$top/run_tests.sh' hang >/dev/null 2>&1; [ \$? = 1 ]"

echo "== parallel runs and scheduling"
setup par - <<'EOF'
[chatty1]
[chatty2]
[chatty3]
[chatty4]
EOF
suite -j4 -v
check "-j4: all four ran at once" has "$B/err" '^\[0/4\] running: chatty[1-4] chatty[1-4] chatty[1-4] chatty[1-4]$'
mixed=0
for c in 1 2 3 4; do
	[ "$(grep -c "^PASS: chatty$c line" "$B/logs/chatty$c.log")" = 200 ] || mixed=1
	grep -v "chatty$c" "$B/logs/chatty$c.log" | grep -q '^PASS' && mixed=1
done
check "-j4: each log has its own 200 lines and nothing else" eq "$mixed" 0
check "-j4: every test PASS" eq "$(grep -c ' PASS$' "$B/logs/states.txt")" 4

setup sched - <<'EOF'
[short]
file = sleep1.elf
[long]
file = sleep3.elf
[middle]
file = sleep2.elf
[new]
file = sleep4.elf
EOF
mkdir -p "$B/logs"
printf 'short 100000\nlong 300000\nmiddle 200000\ngone 5\n' >"$B/logs/.durations"
export FAKE_ORDER=$B/order
suite -j1
unset FAKE_ORDER
check "schedule: never-seen first, then longest first" eq "$(tr '\n' ' ' <"$B/order")" "sleep4 sleep3 sleep2 sleep1 "
check "schedule: durations updated, old entries kept" eq "$(awk '{ print $1 }' "$B/logs/.durations" | sort | tr '\n' ' ')" "gone long middle new short "
check "schedule: times are this run's" has "$B/logs/.durations" '^new [0-9]{6,}$'

echo "== live FAIL line from run_tests.sh"
setup live - <<'EOF'
[slowfail]
EOF
export FAKE_MARKER=$T/marker
(cd "$B" && HVUT_TESTDIR=$T "$top/run_tests.sh" >"$B/out" 2>"$B/err") &
pid=$!
if wait_for "$B/out" '^  FAIL slowfail: live: seen early$'; then
	check "live: FAIL shown before the test ended" hasnt "$B/out" '^FAIL slowfail '
else
	bad "live: FAIL line not shown while the test ran"
fi
touch "$FAKE_MARKER"
wait "$pid"
check "live: exit 1" eq "$?" 1
unset FAKE_MARKER

echo "== make standalone"
setup standalone
rm "$T/xfail.elf"
RC=0
(cd "$B" && HVUT_TESTDIR=$T "$top/scripts/mkstandalone.sh" >"$B/out" 2>"$B/err") || RC=$?
check "standalone: fails when a binary is missing" eq "$RC" 1
check "standalone: names the one it could not write" has "$B/err" 'NOT written: tests/xfail'
check "standalone: writes the others" eq "$(cd "$B/tests" && echo *)" "cpu-model crash fail hang manual other-arch pass skip"
RC=0
"$B/tests/pass" -h >"$B/out" 2>&1 || RC=$?
check "standalone -h: usage, exit 0" eq "$RC" 0
check "standalone -h: usage text" has "$B/out" '^Usage: .*pass \[-h\]'
RC=0
"$B/tests/pass" --bogus >"$B/out" 2>&1 || RC=$?
check "standalone --bogus: unknown option, exit 2" eq "$RC/$(wc -l <"$B/out")" 2/1
export FAKE_VMM=$T/vmm
RC=0
ACCEL=tcg "$B/tests/pass" >"$B/out" 2>&1 || RC=$?
check "standalone pass: exit 0" eq "$RC" 0
check "standalone pass: cfg values applied" has "$B/out" '^INFO: smp=2 test_args=one two extra=-m 64 -device foo'
RC=0
ACCEL=tcg SMP=4 "$B/tests/pass" >"$B/out" 2>&1 || RC=$?
check "standalone: environment overrides the cfg" has "$B/out" '^INFO: smp=4 '
RC=0
ACCEL=tcg "$B/tests/fail" >/dev/null 2>&1 || RC=$?
check "standalone fail: exit 1" eq "$RC" 1
RC=0
ACCEL=tcg "$B/tests/cpu-model" >"$B/out" 2>&1 || RC=$?
check "standalone: wrong accel is a SKIP, exit 2" eq "$RC" 2
RC=0
ACCEL=tcg TIMEOUT=1 "$B/tests/hang" >/dev/null 2>&1 || RC=$?
check "standalone hang: exit 4" eq "$RC" 4
# TIMEOUT=60: the cfg's 1 s could run out before the SIGHUP on a loaded host.
ACCEL=tcg TIMEOUT=60 "${dfl[@]}" "$B/tests/hang" >"$B/out" 2>&1 &
pid=$!
wait_for "$B/out" '^PASS: before the hang$' || bad "standalone hang: never started"
kill -HUP "$pid"
RC=0
wait "$pid" || RC=$?
check "standalone: SIGHUP mid-run: exit 130" eq "$RC" 130
check "standalone: nothing left behind" bash -c "! pgrep -f 'hvut-standalone[.]' >/dev/null && [ -z \"\$(ls '$TMPDIR')\" ]"
unset FAKE_VMM

# shellcheck source=tests/harness/migration.sh
source "$here/migration.sh"
# shellcheck source=tests/harness/kvm-lane.sh
source "$here/kvm-lane.sh"

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
