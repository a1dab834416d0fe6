#!/usr/bin/env bash
# migrate-vmm.sh QEMU [ARGS...]: run a QEMU guest that may ask to be live
# migrated (docs/protocol.md, "Migration"). <arch>/vmm.sh puts this script in
# front of the QEMU command when HVUT_MIGRATE=1; to the harness it is the VMM:
# its stdout is the guest's console, start to end, across every migration.
#
# Each time the console shows "MIGRATE: request", a destination QEMU is
# started with the same arguments plus -incoming, the current one is migrated
# to it over QMP (socat on UNIX sockets in a private directory), and once
# query-migrate says "completed" the line "MIGRATED" is written to the
# destination's console input; the source is then told to quit. A failed
# migration ends everything, with the QMP answer as the last console line (a
# CRASH for the harness, whose detail quotes it). Exit status: the last QEMU's.
# "MIGRATE: continuous start" ... "MIGRATE: continuous stop": migrations back
# to back in between, each acknowledged with MIGRATED; the stop with
# MIGRATE-STOPPED once the migration under way (if any) is done.
#
# HVUT_MIGRATE_DEST=QEMU2 (the cfg's `migration = LANE`, docs/protocol.md):
# destinations are QEMU2 instead of QEMU, cross-version migration. The
# destination gets the machine type the source resolved ("pc" -> pc-i440fx-7.2,
# asked over QMP), because a newer QEMU accepts an older one's stream only into
# the older machine type.
#
# "NMI: inject N" (docs/protocol.md "NMI", the cfg's `nmi = yes`): QMP
# inject-nmi on the current instance (an NMI to every vCPU on x86, a system
# reset on pseries), then "NMI-INJECTED" to its console input. A QMP error
# ends everything like a failed migration: "hvut: nmi N failed: <answer>" last.
set -uo pipefail

[ $# -ge 1 ] || { echo "usage: $0 QEMU [ARGS...]" >&2; exit 2; }
command -v socat >/dev/null || { echo "hvut: migration needs socat (scripts/deps.sh)" >&2; exit 3; }

# HVUT_MIGRATE_DIR: the directory to use, which the caller removes even
# when this script is killed (scripts/runtime.sh); else a new one.
if [ -n "${HVUT_MIGRATE_DIR:-}" ]; then
	dir=$HVUT_MIGRATE_DIR
	mkdir -m 700 "$dir" || exit 3
else
	dir=$(mktemp -d "${TMPDIR:-/tmp}/hvut-migrate.XXXXXX") || exit 3
fi
pids=()
# shellcheck disable=SC2317 # run by the EXIT trap
cleanup() {
	local p
	for p in "${pids[@]}" "${qmp_pid[@]}"; do kill -KILL "$p" 2>/dev/null; done
	exec 8>&- 2>/dev/null
	rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP
# A write to the console input of a QEMU that has just exited must not kill
# us with SIGPIPE (the run's last console lines would be lost): it fails, and
# the exit status of that QEMU is what we report.
trap '' PIPE

# nap S: sleep S seconds without a process: a read that times out on a pipe
# that never speaks. Every wait here polls, and in an L1 nested in TCG a
# sleep process per poll (tens a second) starved the QEMUs it waits for.
exec {napfd}<> <(:)
nap() { read -r -t "$1" -u "$napfd" _ || :; }

mkfifo "$dir/console" || exit 3
# Our own read end stays open across instances: the loop below ends when we
# close it, not when one QEMU exits.
exec 9<>"$dir/console"

gen=0
# start N [EXTRA...]: QEMU instance N, console into the shared fifo, its
# input from its own fifo (held open on fd 8 for the current instance).
start() {
	local n=$1
	shift
	mkfifo "$dir/in$n"
	"$@" -qmp "unix:$dir/qmp$n,server=on,wait=off" <"$dir/in$n" >"$dir/console" 2>&1 &
	pids[n]=$!
	exec 8>"$dir/in$n"
}

# One QMP connection per instance, kept open (qmp_connect): a socat between
# two fifos, with the fds to write commands (qmp_w) and read answers (qmp_r).
# A socat per command cost five processes per query-migrate poll; at load 20
# each call took 1-2 s and the polls' forks more CPU than the migration.
declare -A qmp_w=() qmp_r=() qmp_pid=()

# qmp_connect N: the connection to instance N, capabilities negotiated; 1
# when it cannot be made (QMP_ANSWER says why).
qmp_connect() {
	local n=$1 w r
	[ -z "${qmp_w[$n]:-}" ] || return 0
	mkfifo "$dir/qin$n" "$dir/qout$n" 2>/dev/null || { QMP_ANSWER="hvut: no fifos for QMP $n"; return 1; }
	socat - "UNIX-CONNECT:$dir/qmp$n" <"$dir/qin$n" >"$dir/qout$n" 2>&1 &
	qmp_pid[$n]=$!
	exec {w}>"$dir/qin$n" {r}<"$dir/qout$n"
	rm -f "$dir/qin$n" "$dir/qout$n"
	qmp_w[$n]=$w qmp_r[$n]=$r
	qmp_send "$n" '{"execute":"qmp_capabilities"}'
	case $QMP_ANSWER in *'"return"'*) return 0 ;; esac
	qmp_close "$n"
	return 1
}

# qmp_close N: forget instance N's connection (it quit, or the line broke).
qmp_close() {
	local n=$1 w=${qmp_w[$1]:-} r=${qmp_r[$1]:-}
	[ -n "$w" ] || return 0
	exec {w}>&- {r}<&-
	kill "${qmp_pid[$n]}" 2>/dev/null
	unset "qmp_w[$n]" "qmp_r[$n]" "qmp_pid[$n]"
}

# qmp_send N JSON-COMMAND: QMP_ANSWER, the answer's line (return or error;
# else the last thing socat said, e.g. why it could not connect). Waits up to
# 30 s for it: a fixed wait loses the answer of a QEMU that a loaded host
# does not run in time.
qmp_send() {
	local n=$1 line t0=$SECONDS
	QMP_ANSWER=''
	printf '%s\n' "$2" 1>&"${qmp_w[$n]}" 2>/dev/null
	while [ $((SECONDS - t0)) -le 30 ] && IFS= read -r -t 30 -u "${qmp_r[$n]}" line; do
		case $line in *'"QMP"'* | *'"event"'*) continue ;; esac
		QMP_ANSWER=$line
		case $line in *'"return"'* | *'"error"'*) return 0 ;; esac
	done
	# No answer: socat ended (QEMU gone) or the wait ran out; start afresh next time.
	qmp_close "$n"
	[ -n "$QMP_ANSWER" ] || QMP_ANSWER="hvut: no QMP answer from instance $n"
}

# qmp N JSON-COMMAND: one command on instance N's QMP socket; the answer in QMP_ANSWER.
qmp() {
	qmp_connect "$1" || return 0
	qmp_send "$1" "$2"
}

wait_socket() { # PATH: up to 60 s for a UNIX socket to appear (a QEMU starting on a loaded host)
	local i
	for ((i = 0; i < 600; i++)); do [ -S "$1" ] && return 0; nap 0.1; done
	return 1
}

# No time bound of its own below the test's: how long a migration takes is
# the host's doing (a 400 MB arm64 guest of KVM nested in TCG at load 30 was
# still "active" after 120 s). The test's time limit (TIMEOUT, which the
# runner enforces) ends a stuck one; a line every 30 s says how far it got.
limit=${TIMEOUT:-600}
limit=${limit%%.*}

# dest_command QEMU [ARGS...]: DEST, the destination's command line.
dest_command() {
	DEST=("$@")
	[ -n "${HVUT_MIGRATE_DEST:-}" ] || return 0
	local answer type
	qmp "$gen" '{"execute":"qom-get","arguments":{"path":"/machine","property":"type"}}'
	answer=$QMP_ANSWER
	type=$(printf '%s' "$answer" | sed -n 's/.*"return": *"\([A-Za-z0-9._-]*\)-machine".*/\1/p')
	[ -n "$type" ] || { failure="hvut: migration to $HVUT_MIGRATE_DEST: no machine type from the source: $answer"; return 1; }
	DEST=("$HVUT_MIGRATE_DEST" "${@:2}" -machine "$type")
}

migrate() {
	local from=$gen to=$((gen + 1)) status='' answer='' deadline t0 said
	echo "# migrate-vmm: request seen; starting instance $to${HVUT_MIGRATE_DEST:+ ($HVUT_MIGRATE_DEST)}"
	wait_socket "$dir/qmp$from" || { failure="hvut: migration $to failed: no QMP socket"; return 1; }
	dest_command "$@" || return 1
	start "$to" "${DEST[@]}" -incoming "unix:$dir/mig$to"
	if ! wait_socket "$dir/qmp$to" || ! wait_socket "$dir/qmp$from" || ! wait_socket "$dir/mig$to"; then
		failure="hvut: migration $to failed: no QMP or incoming socket"
		return 1
	fi
	qmp "$from" "{\"execute\":\"migrate\",\"arguments\":{\"uri\":\"unix:$dir/mig$to\"}}"
	answer=$QMP_ANSWER
	case $answer in *'"error"'*) failure="hvut: migration $to failed: $answer"; return 1 ;; esac
	# Bounded by the clock, not by polls: one poll can take a second on a loaded host.
	t0=$SECONDS deadline=$((SECONDS + limit)) said=$SECONDS
	while [ "$SECONDS" -lt "$deadline" ]; do
		qmp "$from" '{"execute":"query-migrate"}'
		answer=$QMP_ANSWER status=''
		[[ $answer =~ \"status\":\ *\"([a-z-]*)\" ]] && status=${BASH_REMATCH[1]}
		case $status in
		completed) break ;;
		failed | cancelled) failure="hvut: migration $to failed: $answer"; return 1 ;;
		esac
		# A source that ended (its guest powered off mid-migration) answers
		# nothing ever again: say so now, not at the TIMEOUT; its last
		# console lines follow (docs/protocol.md "Migration").
		if ! kill -0 "${pids[from]}" 2>/dev/null; then
			failure="hvut: migration $to failed: the source QEMU exited during the migration"
			return 1
		fi
		if [ $((SECONDS - said)) -ge 30 ]; then
			said=$SECONDS
			echo "# migrate-vmm: migration $to still ${status:-unanswered} after $((SECONDS - t0)) s" \
				"(RAM bytes sent: $(printf '%s' "$answer" | sed -n 's/.*"transferred": *\([0-9]*\).*/\1/p'))"
		fi
		nap 0.2
	done
	[ "$status" = completed ] || { failure="hvut: migration $to did not complete in $limit s: $answer"; return 1; }
	# The source says completed when it has sent everything; the destination
	# may still be loading device state, which would overwrite console input
	# that arrived before it: acknowledge once the destination runs.
	deadline=$((SECONDS + limit))
	while [ "$SECONDS" -lt "$deadline" ]; do
		qmp "$to" '{"execute":"query-status"}'
		answer=$QMP_ANSWER
		case $answer in *'"running"'*) break ;; esac
		kill -0 "${pids[to]}" 2>/dev/null || break
		nap 0.2
	done
	case $answer in *'"running"'*) ;; *) failure="hvut: migration $to: the destination does not run: $answer"; return 1 ;; esac
	echo "# migrate-vmm: migration $to completed; acknowledging"
	if [ "$continuous" = 1 ] || [ -z "$request" ]; then
		printf 'MIGRATED\n' >&8 2>/dev/null
	else
		ack="MIGRATED $request" ack_at=$SECONDS
		printf '%s\n' "$ack" >&8 2>/dev/null
	fi
	qmp "$from" '{"execute":"quit"}'
	qmp_close "$from"
	gen=$to
	return 0
}

# nmi LINE: the guest's "NMI: inject N".
nmi() {
	local n=${1#NMI: inject } answer
	wait_socket "$dir/qmp$gen" || { failure="hvut: nmi $n failed: no QMP socket"; return 1; }
	qmp "$gen" '{"execute":"inject-nmi"}'
	answer=$QMP_ANSWER
	case $answer in *'"return"'*) ;; *) failure="hvut: nmi $n failed: $answer"; return 1 ;; esac
	echo "# migrate-vmm: nmi $n injected; acknowledging"
	printf 'NMI-INJECTED\n' >&8 2>/dev/null
	return 0
}

# A request's acknowledgement ("MIGRATED N") is sent again every
# HVUT_MIGRATE_RESEND seconds until the guest says "INFO: migration N done",
# and at once when it names the line it got instead: riscv64 QEMU 7.2
# destinations hand their guest "IGRATED 1" (the first byte lost; in 3 of 18
# runs of riscv/migration at load 12), and the guest waited for good. The
# guest ignores (and names) the lines that are not its acknowledgement, so a
# copy that comes late is harmless. The log shows each resend.
resend=${HVUT_MIGRATE_RESEND:-10}
request=0 ack='' ack_at=0
# ack_check LINE: the guest's line; forgets the acknowledgement it confirms,
# resends one the guest has not confirmed in time.
ack_check() {
	[ -n "$ack" ] || return 0
	case $1 in
	"INFO: migration ${ack#MIGRATED } done"*) ack=''; return 0 ;;
	# The guest got something else: no need to wait.
	"INFO: migration ${ack#MIGRATED }: console input"*) echo "# migrate-vmm: the guest did not get \"$ack\"; sending it again" ;;
	*)
		[ $((SECONDS - ack_at)) -ge "$resend" ] || return 0
		echo "# migrate-vmm: no \"migration ${ack#MIGRATED } done\" from the guest $((SECONDS - ack_at)) s after \"$ack\"; sending it again" ;;
	esac
	printf '%s\n' "$ack" >&8 2>/dev/null
	ack_at=$SECONDS
}

start 0 "$@"
# What ended a migration (or an NMI request) that failed: printed last, after what the QEMUs still
# had to say, so that it is the console's last line (the CRASH's detail).
failure=''
rc=0 partial='' continuous=0
while :; do
	line=''
	if IFS= read -r -t 1 line <&9; then
		line=$partial$line partial=''
		printf '%s\n' "$line"
		case $line in
		"MIGRATE: request"*)
			request=${line#MIGRATE: request } request=${request%%[!0-9]*}
			migrate "$@" || { rc=3; break; } ;;
		"NMI: inject"*) nmi "$line" || { rc=3; break; } ;;
		# Continuous mode: a migration after every line or second of
		# silence, until the guest says stop; then it is told none will come.
		"MIGRATE: continuous start"*) continuous=1 ;;
		"MIGRATE: continuous stop"*)
			continuous=0
			echo "# migrate-vmm: continuous migration stopped"
			printf 'MIGRATE-STOPPED\n' >&8 2>/dev/null ;;
		*) ack_check "$line" ;;
		esac
	else
		# A timeout keeps what it read of an unfinished line.
		partial=$partial$line
		kill -0 "${pids[gen]}" 2>/dev/null || break
		ack_check ''
	fi
	if [ "$continuous" = 1 ] && kill -0 "${pids[gen]}" 2>/dev/null; then
		migrate "$@" || { rc=3; break; }
	fi
done
# What the last instance printed before it ended, then its status.
while IFS= read -r -t 0.2 line <&9; do printf '%s\n' "$partial$line"; partial=''; done
[ -z "$partial" ] || printf '%s\n' "$partial"
[ -z "$failure" ] || printf '%s\n' "$failure"
if [ "$rc" = 0 ]; then
	wait "${pids[gen]}" 2>/dev/null
	rc=$?
fi
exit "$rc"
