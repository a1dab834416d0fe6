# shellcheck shell=bash
# runtime.sh: the host side of docs/protocol.md, shared by every <arch>/run,
# run_tests.sh, mkstandalone.sh (which embeds this file verbatim) and bench.sh.
#
# An <arch>/run script is:
#     source "$srcdir/scripts/runtime.sh"
#     source "$srcdir/<testdir>/vmm.sh"     # defines arch_vmm_command
#     hvut_main <arch> "$@"
# arch_vmm_command ELF ENVFILE [EXTRA...] fills the bash array VMM_CMD with the
# command that boots ELF. It returns 0, or non-zero after printing why on stderr
# when the VMM cannot be set up (missing firmware, image, tool): that is a CRASH.
# vmm.sh may also define arch_vmm_probe, called once per suite by hvut_probe
# to resolve and export things like the VMM's path.
#
# Only functions and no side effects at source time: sourcing must be cheap and
# safe under `set -euo pipefail`.

# --- cleanup: one EXIT trap for everything, so helpers never steal each other's
# trap (hvut_main and the standalone wrapper both have temp files).
HVUT_CLEANUP=()
# shellcheck disable=SC2317 # called by the EXIT trap
hvut_cleanup() {
	# In the background: the caller's result does not wait for the rm.
	if [ ${#HVUT_CLEANUP[@]} -gt 0 ]; then
		rm -rf -- "${HVUT_CLEANUP[@]}" &
	fi
	HVUT_CLEANUP=()
}
hvut_cleanup_add() {
	HVUT_CLEANUP+=("$1")
	trap hvut_cleanup EXIT
}

hvut_die() {
	echo "hvut: error: $*" >&2
	exit 2
}

# uname -m spelled the way configure spells ARCH.
hvut_host_arch() {
	case $(uname -m) in
	x86_64 | amd64) echo x86_64 ;;
	aarch64 | arm64) echo arm64 ;;
	riscv64) echo riscv64 ;;
	ppc64 | ppc64le) echo ppc64 ;;
	*) uname -m ;;
	esac
}

# hvut_now_us: microseconds since the epoch into HVUT_NOW_US (a variable, not
# output: command substitution would cost a fork). EPOCHREALTIME's separator
# follows the locale, hence both '.' and ','.
hvut_now_us() {
	local t=${EPOCHREALTIME:-}
	if [ -n "$t" ]; then
		t=${t//[.,]/}
		HVUT_NOW_US=$((10#$t))
	else
		HVUT_NOW_US=$(($(date +%s) * 1000000))
	fi
}

# hvut_secs_to_us S: "1.5" or "90" seconds -> microseconds in HVUT_US;
# fails on anything else.
hvut_secs_to_us() {
	local s=$1 int frac
	[[ $s =~ ^[0-9]+(\.[0-9]+)?$ ]] || return 1
	int=${s%%.*}
	frac=0
	if [[ $s == *.* ]]; then
		frac=${s#*.}000000
		frac=${frac:0:6}
	fi
	HVUT_US=$((10#$int * 1000000 + 10#$frac))
}

# microseconds -> "1.2"
hvut_us_fmt() {
	local us=$1
	printf '%d.%d' "$((us / 1000000))" "$((us % 1000000 / 100000))"
}

# hvut_probe ARCH: decide, once per suite, what every test would otherwise
# re-discover. Exported so that <arch>/run children inherit it.
hvut_probe() {
	local arch=$1
	if [ "${HVUT_PROBED:-}" = 1 ]; then
		return 0
	fi
	if [ -z "${ACCEL:-}" ]; then
		if [ "${TARGET:-qemu}" = bochs ]; then
			ACCEL=bochs
		elif [ -c /dev/kvm ] && [ -r /dev/kvm ] && [ -w /dev/kvm ] &&
			[ "$(hvut_host_arch)" = "$arch" ]; then
			ACCEL=kvm
		else
			ACCEL=tcg
		fi
	fi
	# mawk reads pipes in big blocks unless told otherwise, which would hold
	# the console back until the guest ends.
	HVUT_AWK_FLAGS=
	if awk -W version 2>&1 | grep -q mawk; then
		HVUT_AWK_FLAGS="-W interactive"
	fi
	HVUT_NUL_FILTER=
	if command -v stdbuf >/dev/null 2>&1; then
		HVUT_NUL_FILTER="stdbuf -o0"
	fi
	# The symboliser: the cross one first, then any that understands the ELF.
	HVUT_ADDR2LINE=
	local a
	for a in "${CROSS_PREFIX:-}addr2line" addr2line llvm-addr2line; do
		if command -v "$a" >/dev/null 2>&1; then
			HVUT_ADDR2LINE=$(command -v "$a")
			break
		fi
	done
	if declare -F arch_vmm_probe >/dev/null; then
		arch_vmm_probe "$arch"
	fi
	HVUT_PROBED=1
	export ACCEL HVUT_PROBED HVUT_AWK_FLAGS HVUT_NUL_FILTER HVUT_ADDR2LINE
}

# hvut_envfile ARCH: the guest's environ (an initrd of KEY=VAL lines).
# Prints the file's path; the caller registers it with hvut_cleanup_add.
hvut_envfile() {
	local arch=$1 f w
	local -a words=()
	read -r -a words <<<"${HVUT_ENV:-}" || true
	for w in "${words[@]}"; do
		if ! [[ $w =~ ^[A-Za-z_][A-Za-z0-9_]*= ]]; then
			echo "hvut: error: HVUT_ENV word '$w' is not KEY=VAL" >&2
			return 1
		fi
	done
	# In hvut_main's private dir when there is one: one mktemp less per test.
	if [ -n "${HVUT_RUNDIR:-}" ]; then
		f=$HVUT_RUNDIR/environ
	else
		f=$(mktemp "${TMPDIR:-/tmp}/hvut-env.XXXXXX") || return 1
	fi
	{
		echo "ACCEL=${ACCEL:-}"
		echo "HVUT_ARCH=$arch"
		# What the guest runs on (docs/lanes.md), as the lane set it up
		# (scripts/lanes.sh): the deviation table keys on it. On Bochs the CPU
		# model is each test's.
		local v cpu=${HVUT_CPU:-}
		[ "${ACCEL:-}" != bochs ] || cpu=${BOCHS_CPU:-tigerlake}
		for v in HVUT_LANE HVUT_VMM HVUT_ACCEL HVUT_VMM_VERSION; do
			[ -z "${!v:-}" ] || echo "$v=${!v}"
		done
		[ -z "$cpu" ] || echo "HVUT_CPU=$cpu"
		for w in "${words[@]}"; do
			echo "$w"
		done
	} >"$f"
	echo "$f"
}

# The console filter: echo every line as soon as it arrives (CR stripped),
# symbolise STACK lines, and leave what the verdict needs in a state file:
# line 1 "1" if SUMMARY was seen, line 2 the last EXIT status (or empty),
# line 3 the last non-empty line.
# shellcheck disable=SC2016 # awk program, not shell
HVUT_CONSOLE_AWK='
function shq(s) { gsub("\047", "\047\\\047\047", s); return "\047" s "\047" }
function symbolise(line,   n, i, w, cmd, l, out) {
	n = split(line, w, /[ \t]+/)
	for (i = 2; i <= n; i++) {
		if (w[i] !~ /^0[xX][0-9a-fA-F]+$/)
			continue
		out = ""
		cmd = shq(a2l) " -f -i -p -C -e " shq(elf) " " w[i] " 2>/dev/null"
		while ((cmd | getline l) > 0) {
			sub(/^ +/, "", l)
			out = out (out == "" ? "" : " ") l
		}
		close(cmd)
		if (out == "")
			out = "??"
		print "    at " w[i] ": " out
	}
}
{
	sub(/\r+$/, "")
	print
	if ($0 ~ /^SUMMARY:/)
		summary = 1
	else if ($0 ~ /^EXIT: STATUS=[0-9]+[ \t]*$/) {
		st = substr($0, 14)
		sub(/[ \t]+$/, "", st)
		exitst = st + 0
	} else if ($0 ~ /^STACK: / && a2l != "")
		symbolise($0)
	if ($0 ~ /[^ \t]/)
		last = $0
}
END {
	print (summary ? 1 : 0) > state
	print exitst > state
	gsub(/[^ -~]/, "?", last)
	print substr(last, 1, 200) > state
}'

# hvut_run_guest ELF -- CMD...: run the VMM, stream its console, return
# 0 PASS, 1 FAIL, 2 SKIP, 3 CRASH, 4 TIMEOUT (docs/protocol.md). The VMM's own
# exit code only ever explains a CRASH; it never decides a verdict.
# Ends the console with one line "hvut: STATE (details)".
hvut_run_guest() {
	local elf=$1
	shift
	if [ "${1:-}" = -- ]; then
		shift
	fi
	local limit=${TIMEOUT:-90} limit_us tmpd vpid apid vrc=0 t0 t1
	if ! hvut_secs_to_us "$limit"; then
		echo "hvut: CRASH (TIMEOUT='$limit' is not a number of seconds)"
		return 3
	fi
	limit_us=$HVUT_US
	if [ -n "${HVUT_RUNDIR:-}" ]; then
		tmpd=$HVUT_RUNDIR
	else
		tmpd=$(mktemp -d "${TMPDIR:-/tmp}/hvut-run.XXXXXX")
		hvut_cleanup_add "$tmpd"
	fi
	mkfifo "$tmpd/console"

	hvut_now_us
	t0=$HVUT_NOW_US
	# timeout signals the whole process group it creates, so helpers the VMM
	# forks die too.
	# timeout's own rare messages (it could not start the VMM) join the
	# console, where the log shows them; no shell in between, to save a process.
	timeout -k "${HVUT_KILL_AFTER:-5}" "$limit" "$@" </dev/null >"$tmpd/console" 2>&1 &
	vpid=$!
	# NUL bytes go first: mawk's interactive mode cuts lines (and loses
	# data) at a NUL. stdbuf keeps tr from holding output back.
	# shellcheck disable=SC2086 # HVUT_AWK_FLAGS is a list of awk options
	$HVUT_NUL_FILTER tr -d '\000' <"$tmpd/console" |
		LC_ALL=C awk ${HVUT_AWK_FLAGS:-} -v elf="$elf" -v a2l="${HVUT_ADDR2LINE:-}" \
			-v state="$tmpd/state" "$HVUT_CONSOLE_AWK" &
	apid=$!
	# Waiting in the builtin (not a foreground awk) lets a signal reach us at
	# once; we pass it on to timeout, which passes it on to the VMM.
	local interrupted=0
	trap 'interrupted=1; kill -TERM "$vpid" 2>/dev/null || true' INT TERM HUP
	# 2>/dev/null: bash would report a VMM killed by a signal with its own
	# "Segmentation fault" chatter; the verdict line below says it instead.
	{
		while :; do
			wait "$apid" && break
			[ $? -gt 128 ] && [ "$interrupted" = 1 ] && continue
			break
		done
		while :; do
			wait "$vpid" && vrc=0 && break
			vrc=$?
			[ "$vrc" -gt 128 ] && kill -0 "$vpid" && continue
			break
		done
	} 2>/dev/null
	trap - INT TERM HUP
	hvut_now_us
	t1=$HVUT_NOW_US

	local summary=0 exitst='' last='' timed_out=0 how rc
	if [ -f "$tmpd/state" ]; then
		{
			IFS= read -r summary || true
			IFS= read -r exitst || true
			IFS= read -r last || true
		} <"$tmpd/state"
	fi
	if [ "$limit_us" -gt 0 ] && { [ "$vrc" = 124 ] || { [ "$vrc" = 137 ] && [ $((t1 - t0)) -ge "$limit_us" ]; }; }; then
		timed_out=1
	fi

	how="VMM exit $vrc"
	if [ "$vrc" -gt 128 ] && [ "$vrc" -lt 160 ] && [ "$timed_out" = 0 ]; then
		how="VMM killed by SIG$(kill -l "$((vrc - 128))" 2>/dev/null || echo "$((vrc - 128))")"
	fi
	[ "$interrupted" = 1 ] && how="$how; interrupted"

	if [ -n "$exitst" ] && [ "$summary" = 1 ]; then
		case $exitst in
		0) rc=0 ;;
		2) rc=2 ;;
		*) rc=1 ;;
		esac
		local names=(PASS FAIL SKIP)
		echo "hvut: ${names[$rc]} (EXIT: STATUS=$exitst; $how)"
		return "$rc"
	fi
	if [ -n "$exitst" ]; then
		echo "hvut: CRASH (EXIT without SUMMARY line; $how; last line: $last)"
		return 3
	fi
	if [ "$timed_out" = 1 ]; then
		echo "hvut: TIMEOUT ($limit s; last line: $last)"
		return 4
	fi
	if [ "$summary" = 1 ]; then
		echo "hvut: CRASH (no EXIT line; $how; last line: $last)"
	else
		echo "hvut: CRASH (no SUMMARY/EXIT line; $how; last line: $last)"
	fi
	return 3
}

# hvut_main ARCH ELF [EXTRA VMM ARGS...]: the whole of an <arch>/run.
hvut_main() {
	local arch=$1 elf=${2:-}
	if [ -z "$elf" ]; then
		echo "usage: $0 ELF [EXTRA VMM ARGS...]" >&2
		exit 3
	fi
	shift 2
	if [ ! -f "$elf" ]; then
		echo "hvut: CRASH (no such test binary: $elf)"
		exit 3
	fi
	hvut_probe "$arch"
	: "${SMP:=1}" "${TEST_ARGS:=}" "${TIMEOUT:=90}"
	export SMP TEST_ARGS TIMEOUT
	local envfile rc=0
	# One private dir for the run's files (environ, console fifo, state).
	HVUT_RUNDIR=$(mktemp -d "${TMPDIR:-/tmp}/hvut-run.XXXXXX")
	hvut_cleanup_add "$HVUT_RUNDIR"
	envfile=$(hvut_envfile "$arch") || exit 3
	VMM_CMD=()
	arch_vmm_command "$elf" "$envfile" "$@" || rc=$?
	# A VMM that cannot be set up (missing firmware, tool, image) is a CRASH,
	# never a SKIP (docs/protocol.md): the cfg must not select what cannot run.
	if [ "$rc" != 0 ] || [ "${#VMM_CMD[@]}" = 0 ]; then
		echo "hvut: CRASH (the VMM could not be set up: arch_vmm_command failed with status $rc; see above)"
		exit 3
	fi
	if [ -n "${HVUT_VERBOSE_CMD:-}" ]; then
		printf '# hvut: vmm:' && printf ' %q' "${VMM_CMD[@]}" && echo
	fi
	rc=0
	hvut_run_guest "$elf" -- "${VMM_CMD[@]}" || rc=$?
	exit "$rc"
}

# --- shared by run_tests.sh, mkstandalone.sh, bench.sh and check.sh --------

# hvut_read_config FILE: config.mak's "KEY := value" lines into the
# associative array HVUT_CONFIG (make syntax beyond that is not used there).
# shellcheck disable=SC2034 # read by the scripts that source this file
declare -gA HVUT_CONFIG=()
hvut_read_config() {
	local line
	while IFS= read -r line || [ -n "$line" ]; do
		if [[ $line =~ ^([A-Za-z_][A-Za-z0-9_]*)[[:space:]]*:?=[[:space:]]*(.*)$ ]]; then
			# shellcheck disable=SC2034 # read by the scripts that source this file
			HVUT_CONFIG[${BASH_REMATCH[1]}]=${BASH_REMATCH[2]%"${BASH_REMATCH[2]##*[![:space:]]}"}
		fi
	done <"$1"
}
