# shellcheck shell=bash disable=SC2154 # run.sh's helpers and $work, $top, $here
# tests/harness/kvm-lane.sh: scripts/kvm-lane.sh when L1 dies mid-lane, with a
# fake L1 (fake/l0-qemu as the outer QEMU, a fake cache, the fake arch's
# suite). Sourced by run.sh. The lane must not lose or invent a verdict:
# finished tests keep their states, running ones are CRASH quoting L1's
# panic line, the rest NOTRUN; a silent L1 is stopped by the watchdog.

echo "== kvm-lane.sh: L1 dies mid-lane"
# kvm_lane CASE: a fake lane run in a fresh $B; status in RC, stdout in
# $B/out, stderr in $B/err, results in $B/logs.
kvm_lane() {
	setup "$1"
	local c=$work/cache/kvm-x86_64
	mkdir -p "$c/root"
	: >"$c/initrd.img"
	: >"$c/vmlinuz"
	echo "6.12.0-fake 10.0.0" >"$c/version.txt"
	RC=0
	(cd "$B" && HVUT_NO_SETUP=1 HVUT_TESTDIR=$T HVUT_KVM_HOST_QEMU=$here/fake/l0-qemu HVUT_LOGDIR=$B/logs \
		"$top/scripts/kvm-lane.sh" run x86_64 -j2 -t --junit "$B/junit.xml" >"$B/out" 2>"$B/err") || RC=$?
}

FAKE_L1=panic kvm_lane kvm-panic
check "kvm panic: exit 1 (verdicts recovered, some CRASH)" eq "$RC" 1
check "kvm panic: states of finished tests kept" eq "$(grep -E '^(pass|fail) ' "$B/logs/states.txt" | tr '\n' ' ')" "pass PASS fail FAIL "
check "kvm panic: running tests CRASH" eq "$(grep -E '^(skip|hang) ' "$B/logs/states.txt" | tr '\n' ' ')" "skip CRASH hang CRASH "
check "kvm panic: tests never started NOTRUN" eq "$(grep -E '^(crash|xfail) ' "$B/logs/states.txt" | tr '\n' ' ')" "crash NOTRUN xfail NOTRUN "
check "kvm panic: entries for another accel/arch stay SKIP" eq "$(grep -cE '^(cpu-model|other-arch) SKIP$' "$B/logs/states.txt")" 2
check "kvm panic: nodefault entries not listed" hasnt "$B/logs/states.txt" '^manual '
check "kvm panic: the CRASH quotes the panic line (TAP)" has "$B/out" \
	'^not ok [0-9]+ - skip: CRASH \(L1 died while it ran: L1 kernel: Kernel panic - not syncing: corrupted stack end'
check "kvm panic: the panic is on stderr" has "$B/err" 'L1 ended without a result: L1 kernel: Kernel panic'
check "kvm panic: JUnit written, 2 errors" has "$B/junit.xml" 'tests="8" failures="1" errors="2"'
check "kvm panic: the kernel's lines stay in kvm-l1.log" has "$B/logs/kvm-l1.log" 'CPU: 0 UID: 0 PID: 474'

HVUT_KVM_QUIET_LIMIT=1 FAKE_L1=hang FAKE_L1_PIDFILE=$work/kvm-hang.pid kvm_lane kvm-hang
check "kvm hang: exit 1" eq "$RC" 1
check "kvm hang: the watchdog says why" has "$B/logs/states.txt" '^hang CRASH$'
check "kvm hang: CRASH names the watchdog" has "$B/out" 'CRASH \(L1 died while it ran: L1 printed nothing for 1 s \(watchdog'
check "kvm hang: no fake L1 left running" bash -c "! kill -0 \$(cat '$work/kvm-hang.pid') 2>/dev/null"

# L0 itself dying (QEMU 7.2 did, of SIGSEGV): the tests it took along run again
# in a fresh L1, once; the reports are made from both L1s' lines.
rm -f "$work/kvm-segv-mark"
FAKE_L1=segv FAKE_L1_MARK=$work/kvm-segv-mark kvm_lane kvm-segv
check "kvm L0 segv: exit 1 (a FAIL among the verdicts)" eq "$RC" 1
check "kvm L0 segv: the second L1 runs only the tests without a verdict" has "$work/kvm-segv-mark.job" \
	'run_tests.sh --lane kvm -j 2 skip hang crash xfail$|run_tests.sh -j 2 skip hang crash xfail$'
check "kvm L0 segv: every state from one L1 or the other" eq \
	"$(grep -E '^(pass|fail|skip|hang|crash|xfail) ' "$B/logs/states.txt" | tr '\n' ' ')" \
	"pass PASS fail FAIL skip SKIP hang PASS crash XFAIL xfail XFAIL "
check "kvm L0 segv: stderr names the L0 crash" has "$B/err" 'L0 died \(.*status 139.*an L0 crash, not a verdict on KVM'
check "kvm L0 segv: the first L1's console kept" has "$B/logs/kvm-l1.1.log" 'Linux version 6.12.0-fake'
check "kvm L0 segv: one TAP plan, on stdout" eq "$(grep -c '^1\.\.' "$B/out")" 1
check "kvm L0 segv: JUnit of all tests" has "$B/junit.xml" 'tests="8" failures="1" errors="0"'
check "kvm L0 segv: kvm-lane.times counts it" has "$B/logs/kvm-lane.times" '^l0_deaths=1$'

# kvm-lane.sh alone stopped by SIGTERM (a kill of its pid, not of its group):
# its L1 goes with it.
setup kvm-term
rm -f "$work/kvm-term.pid"
(cd "$B" && FAKE_L1=hang FAKE_L1_PIDFILE=$work/kvm-term.pid HVUT_NO_SETUP=1 HVUT_TESTDIR=$T \
	HVUT_KVM_HOST_QEMU=$here/fake/l0-qemu HVUT_LOGDIR=$B/logs \
	exec "${dfl[@]}" "$top/scripts/kvm-lane.sh" run x86_64 -j2 >"$B/out" 2>"$B/err") &
lane_pid=$!
wait_for "$work/kvm-term.pid" '^[0-9]+$'
kill -TERM "$lane_pid"
RC=0
wait "$lane_pid" || RC=$?
check "kvm TERM: exit 143" eq "$RC" 143
check "kvm TERM: no fake L1 left running" bash -c \
	"for i in \$(seq 50); do kill -0 \$(cat '$work/kvm-term.pid') 2>/dev/null || exit 0; sleep 0.1; done; exit 1"
