# shellcheck shell=bash disable=SC2154 # run.sh's globals (B, T, RC, TMPDIR, work, dfl)
# tests/harness/migration.sh, sourced by run.sh: live migration through the
# real scripts/migrate-vmm.sh and hvut_migration_wrap (scripts/runtime.sh),
# with tests/harness/fake/qemu-mig as QEMU: it speaks QMP over socat on the
# UNIX sockets migrate-vmm.sh gives it, like QEMU, and plays a migration that
# completes, one that never ends (for a Ctrl-C in flight) or one the
# destination refuses. docs/protocol.md "Migration".

# mig_setup CASE: a testdir whose vmm.sh runs the fake QEMU behind
# hvut_migration_wrap, as <arch>/vmm.sh does for QEMU lanes.
mig_setup() {
	setup "$1" -
	local s
	for s in migok miglose mighang migrefuse migcont migdie nmiok nmirefuse; do cp "$T/pass.elf" "$T/$s.elf"; done
	cat >"$T/vmm.sh" <<EOF
# shellcheck shell=bash
arch_vmm_command() {
	local elf=\$1 envfile=\$2
	shift 2
	case \$(basename "\$elf") in
	mig* | nmi*) VMM_CMD=("$here/fake/qemu-mig" "\$elf" "\$envfile" "\$@") ;;
	*) VMM_CMD=("$here/fake/vmm" "\$elf" "\$envfile" "\$@") ;;
	esac
	hvut_migration_wrap "\$envfile"
}
EOF
}

# mig_leftovers: what a run left behind: processes started from the testdir
# or with the run's temp dir on their command line (the fake QEMUs, socat,
# migrate-vmm.sh), then whatever is still in TMPDIR. Waits up to 10 s for
# them to go: processes already killed and a background rm need to be
# scheduled, which at load 30 takes seconds; the bound only tells "gone" from
# "left behind", never how fast.
mig_leftovers() {
	local _ left=''
	for _ in $(seq 100); do
		left=$(pgrep -af -- "$T/|$TMPDIR/" | grep -v pgrep)
		[ -z "$left" ] && [ -z "$(find "$TMPDIR" -mindepth 1 -maxdepth 1)" ] && return 0
		sleep 0.1
	done
	echo "    left behind: ${left:-(no process)} $(find "$TMPDIR" -mindepth 1 -maxdepth 1 -printf '%f ')"
	return 1
}

echo "== migration: migrate-vmm.sh with a fake QEMU (QMP over socat)"
if ! command -v socat >/dev/null; then
	bad "migration: socat is not installed (scripts/deps.sh installs it)"
else
	mig_setup mig - <<'EOF'
[migok]
file = migok.elf
migration = yes
[migrefuse]
file = migrefuse.elf
migration = yes
[mignot]
file = pass.elf
[migcont]
file = migcont.elf
migration = yes
[migdie]
file = migdie.elf
migration = yes
timeout = 120
[miglose]
file = miglose.elf
migration = yes
EOF
	suite -j2 -v
	check "mig: run_tests.sh exits 1 (one CRASH, one FAIL)" eq "$RC" 1
	check "mig: states" states_are "migok PASS migrefuse CRASH mignot PASS migcont PASS migdie FAIL miglose PASS "
	# The source ended mid-migration: its guest's last lines, then why, long before the TIMEOUT.
	check "mig: migdie: the guest's FAIL line is relayed" has "$B/logs/migdie.log" '^FAIL: migdie: the guest gave up waiting$'
	check "mig: migdie: the harness says the source exited" has "$B/logs/migdie.log" \
		'^hvut: migration 1 failed: the source QEMU exited during the migration$'
	check "mig: migdie: not a TIMEOUT" hasnt "$B/out" '^TIMEOUT migdie'

	# (the fake QEMU itself refuses to run without HVUT_MIGRATION=1 in the environ)
	check "mig: an entry without the key is not told it may migrate" hasnt "$B/logs/mignot.log" 'HVUT_MIGRATION'
	check "mig: migok: acknowledged on the destination" has "$B/logs/migok.log" '^PASS: migok: after the move \(fake vmstate of migok\)$'
	check "mig: miglose: the guest names what it got" has "$B/logs/miglose.log" \
		'^INFO: migration 1: console input "IGRATED 1" ignored \("MIGRATED 1" wanted\)$'
	check "mig: miglose: sent again at once" has "$B/logs/miglose.log" \
		'^# migrate-vmm: the guest did not get "MIGRATED 1"; sending it again$'
	check "mig: migok: no resend" hasnt "$B/logs/migok.log" 'sending it again'
	check "mig: migok: migrate-vmm.sh says so" has "$B/logs/migok.log" '^# migrate-vmm: migration 1 completed; acknowledging$'
	# The destination refused: QMP's error quoted, as the last console line
	# before the destination's own complaint, and in the state's detail.
	check "mig: migrefuse: the QMP error is in the log" has "$B/logs/migrefuse.log" \
		'^hvut: migration 1 failed: .*"status": "failed", "error-desc": "load of migration failed: Invalid argument'
	check "mig: migrefuse: the CRASH detail quotes it" has "$B/out" \
		'^CRASH migrefuse \(.*last line: hvut: migration 1 failed: .*load of migration failed'
	check "mig: migrefuse: never PASS after the refusal" hasnt "$B/logs/migrefuse.log" 'after the move'
	# Continuous mode: migrations back to back until the guest says stop,
	# each acknowledged; the stop answered with MIGRATE-STOPPED.
	check "mig: migcont: a 2nd back-to-back migration" has "$B/logs/migcont.log" '^# migrate-vmm: migration 2 completed; acknowledging$'
	check "mig: migcont: the stop is seen" has "$B/logs/migcont.log" '^# migrate-vmm: continuous migration stopped$'
	check "mig: migcont: MIGRATE-STOPPED ends it after >= 2 migrations" has "$B/logs/migcont.log" \
		'^PASS: migcont: continuous migration stopped after ([2-9]|[1-9][0-9]+) migrations$'
	check "mig: nothing left behind (QEMUs, socat, sockets, temp dirs)" mig_leftovers

	# NMI requests (docs/protocol.md "NMI") go through the same script.
	echo "== nmi: NMI: inject through migrate-vmm.sh with the fake QEMU"
	mig_setup nmi - <<'EOF'
[nmiok]
file = nmiok.elf
nmi = yes
[nmirefuse]
file = nmirefuse.elf
nmi = yes
[nminot]
file = pass.elf
EOF
	suite -j2 -v
	check "nmi: run_tests.sh exits 1 (one CRASH)" eq "$RC" 1
	check "nmi: states" states_are "nmiok PASS nmirefuse CRASH nminot PASS "
	check "nmi: an entry without the key is not told it may ask" hasnt "$B/logs/nminot.log" 'HVUT_NMI'
	check "nmi: nmiok: the command line says HVUT_NMI=1" has "$B/logs/nmiok.log" '^# hvut: .* HVUT_NMI=1 '
	check "nmi: nmiok: not told it may migrate" hasnt "$B/logs/nmiok.log" 'HVUT_MIGRATION=1'
	check "nmi: nmiok: injected before the acknowledgement" has "$B/logs/nmiok.log" '^PASS: nmiok: the NMI came before NMI-INJECTED$'
	check "nmi: nmiok: migrate-vmm.sh says so" has "$B/logs/nmiok.log" '^# migrate-vmm: nmi 1 injected; acknowledging$'
	check "nmi: nmirefuse: the CRASH detail quotes the QMP error" has "$B/out" \
		'^CRASH nmirefuse \(.*last line: hvut: nmi 1 failed: .*not currently supported'
	check "nmi: nothing left behind (QEMUs, socat, sockets, temp dirs)" mig_leftovers

	echo "== migration: Ctrl-C while a migration is in flight"
	mig_setup migint - <<'EOF'
[mighang]
file = mighang.elf
migration = yes
timeout = 120
[pass]
file = pass.elf
EOF
	(cd "$B" && HVUT_TESTDIR=$T exec setsid "${dfl[@]}" "$top/run_tests.sh" -j1 -t --junit junit.xml >"$B/out" 2>"$B/err") &
	pid=$!
	# In flight: the source answered "active" to a query-migrate (the fake
	# records each migrate command's URI once it got it).
	if ! wait_for "$B/logs/mighang.log" '^# migrate-vmm: request seen; starting instance 1$'; then
		bad "migint: the migration did not start"
	fi
	for _ in $(seq 100); do
		compgen -G "$TMPDIR/*/hvut-migrate.*/qmp0.state.uri" >/dev/null && break
		sleep 0.1
	done
	compgen -G "$TMPDIR/*/hvut-migrate.*/qmp0.state.uri" >/dev/null || bad "migint: the source never got the migrate command"
	kill -INT -- "-$pid"
	RC=0
	wait "$pid" || RC=$?
	check "migint: exit 130" eq "$RC" 130
	check "migint: states: in flight INTERRUPTED, not started NOTRUN" eq "$(tr '\n' ' ' <"$B/logs/states.txt")" \
		"mighang INTERRUPTED pass NOTRUN "
	check "migint: the log says INTERRUPTED" has "$B/logs/mighang.log" '^hvut: INTERRUPTED '
	check "migint: junit written and well-formed" xmllint --noout "$B/junit.xml"
	check "migint: TAP plan complete" eq "$(sed -n 2p "$B/out")" "1..$(grep -Ec '^(not )?ok ' "$B/out")"
	check "migint: nothing left behind (QEMUs, socat, migrate-vmm.sh, sockets, temp dirs)" mig_leftovers
fi

# A runner that has written its verdict but is slow to exit when run_tests.sh
# SIGKILLs it (1 s after the interrupt; at load 25 it happened): the verdict
# stands, it is not a CRASH "said INTERRUPTED but exited 137". The fake
# runner lingers 5 s deaf to signals after the real one ends.
echo "== interrupts: a runner SIGKILLed after its verdict"
setup linger - <<'EOF'
[hang]
timeout = 60
EOF
mv "$T/run" "$T/run.real"
cat >"$T/run" <<'EOF'
#!/usr/bin/env bash
"$(dirname "$0")/run.real" "$@" &
child=$!
trap 'kill -TERM "$child" 2>/dev/null' TERM INT HUP
rc=0
while kill -0 "$child" 2>/dev/null; do wait "$child"; rc=$?; done
trap '' TERM INT HUP
sleep 5
exit "$rc"
EOF
chmod +x "$T/run"
(cd "$B" && HVUT_TESTDIR=$T exec setsid "${dfl[@]}" "$top/run_tests.sh" >"$B/out" 2>"$B/err") &
pid=$!
wait_for "$B/logs/hang.log" '^PASS: before the hang$' || bad "linger: the test did not start"
kill -INT -- "-$pid"
RC=0
wait "$pid" || RC=$?
check "linger: exit 130" eq "$RC" 130
check "linger: INTERRUPTED, not CRASH" eq "$(cat "$B/logs/states.txt")" "hang INTERRUPTED"
check "linger: says the runner was still exiting" has "$B/out" '^INTERRUPTED hang \(.*still exiting at the SIGKILL\)$'
