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

# The host's arch spelled the way configure spells ARCH, in HVUT_HOST_ARCH
# (bash's HOSTTYPE: no uname, no process); hvut_host_arch prints it.
hvut_host_arch() { hvut_set_host_arch && echo "$HVUT_HOST_ARCH"; }
hvut_set_host_arch() {
	case ${HOSTTYPE:-} in
	x86_64 | amd64) HVUT_HOST_ARCH=x86_64 ;;
	aarch64 | arm64) HVUT_HOST_ARCH=arm64 ;;
	riscv64) HVUT_HOST_ARCH=riscv64 ;;
	ppc64 | ppc64le | powerpc64 | powerpc64le) HVUT_HOST_ARCH=ppc64 ;;
	*) HVUT_HOST_ARCH=${HOSTTYPE:-unknown} ;;
	esac
}

# hvut_which NAME: NAME's path on PATH into HVUT_WHICH (empty: not found),
# without the process a $(command -v) costs.
hvut_which() {
	local d
	HVUT_WHICH=''
	if [[ $1 == */* ]]; then
		[ -x "$1" ] && HVUT_WHICH=$1
		return 0
	fi
	local IFS=:
	for d in $PATH; do
		if [ -f "${d:-.}/$1" ] && [ -x "${d:-.}/$1" ]; then
			HVUT_WHICH=${d:-.}/$1
			return 0
		fi
	done
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
# The same into HVUT_SECS, without a process.
hvut_us_secs() {
	printf -v HVUT_SECS '%d.%d' "$(($1 / 1000000))" "$(($1 % 1000000 / 100000))"
}

# hvut_probe ARCH: decide, once per suite, what every test would otherwise
# re-discover. Exported so that <arch>/run children inherit it. Sets
# HVUT_ACCEL_WHY (why this accelerator, for the suite's first line) and, by
# hvut_vmm_info, HVUT_VMM, HVUT_VMM_BIN and HVUT_VMM_VERSION.
hvut_probe() {
	local arch=$1
	if [ "${HVUT_PROBED:-}" = 1 ]; then
		return 0
	fi
	if [ -n "${ACCEL:-}" ]; then
		HVUT_ACCEL_WHY="ACCEL=$ACCEL from the environment"
	elif [ "${TARGET:-qemu}" = bochs ]; then
		ACCEL=bochs HVUT_ACCEL_WHY="configured --target=bochs"
	elif hvut_set_host_arch && [ "$HVUT_HOST_ARCH" != "$arch" ]; then
		ACCEL=tcg HVUT_ACCEL_WHY="host is $HVUT_HOST_ARCH, tests are $arch: using TCG"
	elif [ -c /dev/kvm ] && [ -r /dev/kvm ] && [ -w /dev/kvm ]; then
		ACCEL=kvm HVUT_ACCEL_WHY="/dev/kvm usable: using KVM"
	elif [ -e /dev/kvm ]; then
		ACCEL=tcg HVUT_ACCEL_WHY="/dev/kvm not usable by this user: using TCG"
	else
		ACCEL=tcg HVUT_ACCEL_WHY="/dev/kvm absent: using TCG"
	fi
	# mawk reads pipes in big blocks unless told otherwise, which would hold
	# the console back until the guest ends; in its interactive mode it cuts
	# lines at a NUL (and glues what follows to the next line: a FAIL line
	# could hide), so NULs are dropped first by tr, which stdbuf keeps from
	# holding output back. gawk needs neither (two execs less per test:
	# scripts/deps.sh installs it with the VMM).
	HVUT_AWK=awk HVUT_AWK_FLAGS='' HVUT_NUL_FILTER=''
	if command -v gawk >/dev/null 2>&1; then
		HVUT_AWK=gawk
	elif command -v mawk >/dev/null 2>&1; then
		HVUT_AWK=mawk HVUT_AWK_FLAGS="-W interactive"
		command -v stdbuf >/dev/null 2>&1 && HVUT_NUL_FILTER="stdbuf -o0"
	fi
	# The symboliser: the cross one first, then any that understands the ELF.
	HVUT_ADDR2LINE=
	local a
	for a in "${CROSS_PREFIX:-}addr2line" addr2line llvm-addr2line; do
		hvut_which "$a"
		if [ -n "$HVUT_WHICH" ]; then
			HVUT_ADDR2LINE=$HVUT_WHICH
			break
		fi
	done
	if declare -F arch_vmm_probe >/dev/null; then
		arch_vmm_probe "$arch"
	fi
	hvut_vmm_info "$arch"
	HVUT_PROBED=1
	export ACCEL HVUT_PROBED HVUT_AWK HVUT_AWK_FLAGS HVUT_NUL_FILTER HVUT_ADDR2LINE \
		HVUT_ACCEL_WHY HVUT_VMM HVUT_VMM_BIN HVUT_VMM_VERSION
}

# The QEMU binary each arch's vmm.sh defaults to.
declare -gA HVUT_QEMU_DEFAULT=([x86_64]=qemu-system-x86_64 [arm64]=qemu-system-aarch64
	[riscv64]=qemu-system-riscv64 [ppc64]=qemu-system-ppc64)

# hvut_vmm_info ARCH: which VMM runs the tests and its version, for the
# guest's environ (its deviation table keys on them) and the reports:
# HVUT_VMM qemu (TCG), kvm (the host kernel's) or bochs; HVUT_VMM_BIN the
# binary's path, empty when it is not installed; HVUT_VMM_VERSION x.y.z.
# Asking a VMM its version costs a start-up, so the answer is cached per
# binary and reused while the binary is older than the cache.
hvut_vmm_info() {
	local arch=$1 bin cache f v=''
	case ${ACCEL:-tcg} in
	bochs) HVUT_VMM=bochs bin=bochs-bin ;;
	kvm) HVUT_VMM=kvm bin=${QEMU:-${HVUT_QEMU_DEFAULT[$arch]:-qemu-system-x86_64}} ;;
	*) HVUT_VMM=qemu bin=${QEMU:-${HVUT_QEMU_DEFAULT[$arch]:-qemu-system-x86_64}} ;;
	esac
	hvut_which "$bin"
	HVUT_VMM_BIN=$HVUT_WHICH
	HVUT_VMM_VERSION=unknown
	if [ "$HVUT_VMM" = kvm ]; then
		v=$(uname -r) && HVUT_VMM_VERSION=${v%%-*}
		return 0
	fi
	[ -n "$HVUT_VMM_BIN" ] || return 0
	cache=${HVUT_CACHE:-${HOME:-/tmp}/.cache/hvut}/vmm-version
	f=$cache/${HVUT_VMM_BIN//\//_}
	if [ -f "$f" ] && [ "$f" -nt "$HVUT_VMM_BIN" ] && IFS= read -r v <"$f" && [ -n "$v" ]; then
		HVUT_VMM_VERSION=$v
		return 0
	fi
	if [ "$HVUT_VMM" = bochs ]; then
		# Bochs has no --version; its banner names it (no config: it stops at once).
		v=$("$HVUT_VMM_BIN" -q -n </dev/null 2>&1 | sed -n 's/.*Bochs x86 Emulator \([0-9][0-9.]*\).*/\1/p;T;q') || v=''
	else
		v=$("$HVUT_VMM_BIN" --version 2>/dev/null | sed -n 's/^QEMU emulator version \([0-9][0-9.]*\).*/\1/p;T;q') || v=''
	fi
	[ -n "$v" ] || return 0
	HVUT_VMM_VERSION=$v
	{ mkdir -p "$cache" && echo "$v" >"$f.$$" && mv -f "$f.$$" "$f"; } 2>/dev/null || true
}

# hvut_cpu_model ARCH: HVUT_CPU, the CPU model the VMM is asked for (the -cpu
# or Bochs model), as each arch's vmm.sh chooses it. A variable, not output:
# command substitution would cost a process per test.
hvut_cpu_model() {
	if [ "${ACCEL:-tcg}" = bochs ]; then
		HVUT_CPU=${BOCHS_CPU:-tigerlake}
		return
	fi
	case $1 in
	riscv64) HVUT_CPU=${PROCESSOR:-rv64} ;;
	ppc64) HVUT_CPU=${PROCESSOR:-default} ;;
	*) HVUT_CPU=${PROCESSOR:-max} ;;
	esac
	if [ "${ACCEL:-tcg}" = kvm ] && { [ "$HVUT_CPU" = max ] || [ "$HVUT_CPU" = rv64 ]; }; then
		HVUT_CPU=host
	fi
}

# hvut_envfile ARCH FILE: write the guest's environ (an initrd of KEY=VAL
# lines) to FILE. No process is started: this runs once per test.
hvut_envfile() {
	local arch=$1 f=$2 w
	local -a words=()
	read -r -a words <<<"${HVUT_ENV:-}" || true
	for w in "${words[@]}"; do
		if ! [[ $w =~ ^[A-Za-z_][A-Za-z0-9_]*= ]]; then
			echo "hvut: error: HVUT_ENV word '$w' is not KEY=VAL" >&2
			return 2
		fi
	done
	hvut_cpu_model "$arch"
	# A key HVUT_ENV sets itself (kvm-lane.sh names the L1 kernel) is its.
	local -A mine=([ACCEL]=${ACCEL:-} [HVUT_ARCH]=$arch [HVUT_ACCEL]=${ACCEL:-} [HVUT_VMM]=${HVUT_VMM:-unknown}
		[HVUT_VMM_VERSION]=${HVUT_VMM_VERSION:-unknown} [HVUT_CPU]=$HVUT_CPU)
	for w in "${words[@]}"; do unset "mine[${w%%=*}]"; done
	{
		for w in ACCEL HVUT_ARCH HVUT_ACCEL HVUT_VMM HVUT_VMM_VERSION HVUT_CPU; do
			[ -z "${mine[$w]+x}" ] || echo "$w=${mine[$w]}"
		done
		for w in "${words[@]}"; do
			echo "$w"
		done
	} >"$f" || return 2
}

# The console filter: echo every line (CR stripped) to stderr, which the
# caller points at its stdout, the moment it arrives; symbolise STACK lines;
# count every result line. Its own stdout goes back to hvut_run_guest: "L
# text" for each line to show live on the harness's screen (live=1: FAIL and
# XPASS lines as "  FAIL name: text"; live=2: every line as "name| line"), and
# at the end one "S" record with the counts the verdict is made of (see
# hvut_verdict).
# shellcheck disable=SC2016 # awk program, not shell
HVUT_CONSOLE_AWK='
function shq(s) { gsub("\047", "\047\\\047\047", s); return "\047" s "\047" }
function clean(s) { gsub(/[^ -~]/, "?", s); return substr(s, 1, 200) }
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
		print "    at " w[i] ": " out > "/dev/stderr"
	}
}
BEGIN { nul = sprintf("%c", 0) }
{
	# A NUL must not hide what follows it on the line (tests/harness
	# "nulfail"): gawk keeps NULs in $0, so they go here; under mawk, tr
	# dropped them already.
	if (index($0, nul))
		gsub(nul, "")
	sub(/\r+$/, "")
	print > "/dev/stderr"
	fflush("/dev/stderr")
	kind = ""
	if ($0 ~ /^(PASS|FAIL|SKIP|XFAIL|XPASS): /)
		kind = substr($0, 1, index($0, ":") - 1)
	if (live == 2) {
		print "L " name "| " clean($0)
		fflush()
	} else if (live == 1 && (kind == "FAIL" || kind == "XPASS")) {
		print "L   " kind " " name ": " clean(substr($0, length(kind) + 3))
		fflush()
	}
	if (kind != "") {
		n[kind]++
		if (ne) after++
		if ((kind == "FAIL" || kind == "XPASS") && firstfail == "") firstfail = clean(substr($0, length(kind) + 3))
		if (kind == "SKIP" && firstskip == "") firstskip = clean(substr($0, 7))
	} else if ($0 ~ /^SUMMARY:/) {
		if (++ns == 1) {
			if ($0 ~ /^SUMMARY: [0-9]+ tests?, [0-9]+ unexpected failures?, [0-9]+ skipped[ \t]*$/) {
				split($0, w, /[ ,]+/)
				sn = w[2]; sf = w[4]; ss = w[7]
				# What the lines said until then, to hold the summary to.
				cn = n["PASS"] + n["FAIL"] + n["SKIP"] + n["XFAIL"] + n["XPASS"]
				cf = n["FAIL"] + n["XPASS"]; cs = n["SKIP"]
			} else
				sbad = 1
		}
	} else if ($0 ~ /^EXIT:/) {
		if (++ne == 1) {
			if ($0 ~ /^EXIT: STATUS=[0-9]+[ \t]*$/) {
				est = substr($0, 14)
				sub(/[ \t]+$/, "", est)
				est = est + 0
			} else
				est = "bad"
		}
	} else if ($0 ~ /^STACK: / && a2l != "")
		symbolise($0)
	if ($0 ~ /[^ \t]/)
		last = $0
}
END {
	# One write for the whole record (mawk -W interactive writes each piece
	# of a printf on its own), ended by a field that says it is whole.
	rec = sprintf("S\037%d\037%d\037%d\037%d\037%d\037%d\037%d\037%s\037%d\037%d\037%d\037%d\037%d\037%s\037%s\037%s\037%s\037%s\037%s\037E",
		n["PASS"], n["FAIL"], n["SKIP"], n["XFAIL"], n["XPASS"], ns, ne, est, after, sbad, cn, cf, cs,
		(sn == "" ? "-" : sn), (sf == "" ? "-" : sf), (ss == "" ? "-" : ss), firstfail, firstskip, clean(last))
	printf "%s", rec "\n"
}'

# hvut_verdict: the one place a test's state is decided, from the console
# filter's counts (V_* variables) and how the VMM ended. Sets HVUT_STATE,
# HVUT_WHY and HVUT_RC (docs/protocol.md, "States"). Every result line counts,
# wherever it is: one FAIL or XPASS line anywhere makes the test FAIL,
# whatever SUMMARY and EXIT say after it.
hvut_verdict() {
	local st='' why='' nres=$((V_PASS + V_FAIL + V_SKIP + V_XFAIL + V_XPASS))
	local nbad=$((V_FAIL + V_XPASS))
	if [ "$V_INTERRUPTED" = 1 ]; then
		st=INTERRUPTED why="stopped by a signal after ${V_SECS} s; $nres result lines so far"
	elif [ "$nbad" -gt 0 ]; then
		st=FAIL why="$nbad of $nres failed: $V_FIRSTFAIL"
		[ "$V_TIMEDOUT" = 0 ] || why="$why; then timed out"
	elif [ "$V_TIMEDOUT" = 1 ]; then
		st=TIMEOUT why="$V_LIMIT s; last line: $V_LAST"
	elif [ "$V_NE" = 0 ]; then
		st=CRASH
		if [ "$V_NS" = 0 ]; then why="no SUMMARY/EXIT line"; else why="no EXIT line"; fi
		why="$why; $V_HOW; last line: $V_LAST"
	elif [ "$V_NS" = 0 ]; then
		st=CRASH why="EXIT without SUMMARY line; $V_HOW; last line: $V_LAST"
	elif [ "$V_NS" -gt 1 ] || [ "$V_NE" -gt 1 ]; then
		st=CRASH why="protocol: $V_NS SUMMARY and $V_NE EXIT lines, one of each wanted"
	elif [ "$V_SBAD" = 1 ] || [ "$V_EST" = bad ]; then
		st=CRASH why="protocol: a malformed SUMMARY or EXIT line"
	elif [ "$V_SN" != "$V_CN" ] || [ "$V_SF" != "$V_CF" ] || [ "$V_SS" != "$V_CS" ]; then
		st=CRASH why="protocol: SUMMARY says $V_SN tests, $V_SF failures, $V_SS skipped; the lines before it: $V_CN, $V_CF, $V_CS"
	elif [ "$V_AFTER" -gt 0 ]; then
		st=CRASH why="protocol: $V_AFTER result lines after EXIT"
	else
		case $V_EST in
		0)
			if [ "$V_PASS" -gt 0 ]; then
				st=PASS why="$V_PASS passed"
				[ "$V_XFAIL" = 0 ] || why="$why, $V_XFAIL known failures"
				[ "$V_SKIP" = 0 ] || why="$why, $V_SKIP skipped"
			elif [ "$V_XFAIL" -gt 0 ]; then
				st=XFAIL why="no assertion passed: $V_XFAIL known failures"
				[ "$V_SKIP" = 0 ] || why="$why, $V_SKIP skipped"
			else
				st=CRASH why="protocol: STATUS=0 but no PASS line"
			fi ;;
		1) st=CRASH why="protocol: STATUS=1 but no FAIL or XPASS line" ;;
		2)
			if [ "$V_PASS" -gt 0 ]; then
				st=CRASH why="protocol: STATUS=2 but $V_PASS PASS lines"
			elif [ "$V_XFAIL" -gt 0 ]; then
				st=XFAIL why="no assertion passed: $V_XFAIL known failures, $V_SKIP skipped"
			elif [ "$V_SKIP" -gt 0 ]; then
				st=SKIP why="$V_SKIP skipped: $V_FIRSTSKIP"
			else
				st=SKIP why="no assertions ran"
			fi ;;
		*) st=FAIL why="reserved EXIT: STATUS=$V_EST" ;;
		esac
	fi
	HVUT_STATE=$st HVUT_WHY=$why
	case $st in
	PASS) HVUT_RC=0 ;; FAIL) HVUT_RC=1 ;; SKIP) HVUT_RC=2 ;; CRASH) HVUT_RC=3 ;;
	TIMEOUT) HVUT_RC=4 ;; XFAIL) HVUT_RC=5 ;; *) HVUT_RC=130 ;;
	esac
}

# hvut_is_child PID: PID is a child of this shell, running or not yet reaped.
# Bash reaps its children as they end, so a remembered PID may belong to
# another process by now (on a busy host PIDs come round fast): never signal
# one without asking. Without /proc, trust it. HVUT_CHILD_STATE: its state
# letter (Z: ended, not yet reaped), '?' without /proc.
hvut_is_child() {
	local stat
	HVUT_CHILD_STATE='?'
	[ -d /proc/self ] || return 0
	IFS= read -r stat 2>/dev/null </proc/"$1"/stat || return 1
	stat=${stat##*) } # "state ppid ...", after the command's name
	HVUT_CHILD_STATE=${stat%% *}
	stat=${stat#* }
	[ "${stat%% *}" = "$BASHPID" ]
}
# hvut_child_lives PID: a child of ours that has not ended.
hvut_child_lives() {
	if [ -d /proc/self ]; then
		hvut_is_child "$1" && [ "$HVUT_CHILD_STATE" != Z ]
	else
		kill -0 "$1" 2>/dev/null
	fi
}

# hvut_kill_vmm SIG: signal the VMM of hvut_run_guest (vpid) and, through its
# process group (its own: hvut_start_vmm), every helper it started. A process
# group's id is not handed out again while one member lives.
hvut_kill_vmm() {
	kill -"$1" -- "-$vpid" 2>/dev/null || true
	if hvut_is_child "$vpid"; then
		kill -"$1" "$vpid" 2>/dev/null || true
	fi
}

# hvut_on_signal: SIGINT/TERM/HUP while a guest runs: end the VMM's group
# now; the loop sends SIGKILL 0.4 s later if it is still there. No `read`
# here (so no hvut_is_child): the trap may run in the middle of
# hvut_run_guest's `read -t`, and bash's read is not reentrant (a read in the
# trap makes the outer one return 1, as if the console had ended).
hvut_on_signal() {
	interrupted=1 slice=0.1 signals=$((signals + 1))
	if [ "$kill_at" = 0 ]; then
		kill -TERM -- "-$vpid" 2>/dev/null || true
		hvut_now_us
		kill_at=$((HVUT_NOW_US + 400000))
	fi
}

# hvut_start_vmm CMD...: start the VMM with its console (stdout and stderr) on
# the fd vfd, its pid in vpid, in a process group of its own, so that a
# timeout or an interrupt ends it and every helper it started, and nothing
# else. The group comes from bash's job control (set -m) around a coproc, not
# from setsid(1): one exec less per test (#17; a process substitution never
# gets a group of its own, a coproc does). Only one coproc lives per shell:
# run_tests.sh runs each test in a process of its own.
hvut_start_vmm() {
	local flags=$-
	set -m
	coproc HVUT_VMM { exec "$@" </dev/null 2>&1; }
	[[ $flags == *m* ]] || set +m
	# shellcheck disable=SC2153 # set by coproc
	vpid=$HVUT_VMM_PID
	# Our own copy of the read end (bash closes a coproc's fds when it reaps
	# it); the coproc's own two fds closed.
	local r=${HVUT_VMM[0]} w=${HVUT_VMM[1]}
	exec {vfd}<&"$r" {r}<&- {w}>&-
}

# hvut_run_guest ELF -- CMD...: run the VMM, stream its console, return the
# state's code: 0 PASS, 1 FAIL, 2 SKIP, 3 CRASH, 4 TIMEOUT, 5 XFAIL,
# 130 INTERRUPTED (docs/protocol.md). The VMM's own exit code only ever
# explains a CRASH; it never decides a verdict. Ends the console with one line
# "hvut: STATE (details)"; with HVUT_RESULT set, also writes the state there
# for run_tests.sh. Processes: the VMM, the console filter (and tr under
# mawk): the time limit is kept here, by bash's read -t, not by timeout(1).
hvut_run_guest() {
	local elf=$1
	shift
	if [ "${1:-}" = -- ]; then
		shift
	fi
	local limit=${TIMEOUT:-90} limit_us
	if ! hvut_secs_to_us "$limit"; then
		echo "hvut: error: TIMEOUT='$limit' is not a number of seconds" >&2
		return 2
	fi
	limit_us=$HVUT_US
	local out vfd cfd sfd vpid apid vrc=0 t0 now deadline kill_at=0 line rec='' st
	hvut_now_us
	t0=$HVUT_NOW_US
	deadline=$((limit_us > 0 ? t0 + limit_us : 0))
	exec {out}>&1
	hvut_start_vmm "$@"
	cfd=$vfd
	if [ -n "${HVUT_NUL_FILTER:-}" ]; then
		# shellcheck disable=SC2086 # HVUT_NUL_FILTER is a list of words
		exec {cfd}< <(trap '' INT TERM HUP && exec $HVUT_NUL_FILTER tr -d '\000' <&"$vfd")
		exec {vfd}<&-
	fi
	# shellcheck disable=SC2086 # HVUT_AWK_FLAGS is a list of awk options
	exec {sfd}< <(trap '' INT TERM HUP && LC_ALL=C exec "${HVUT_AWK:-awk}" ${HVUT_AWK_FLAGS:-} -v elf="$elf" -v a2l="${HVUT_ADDR2LINE:-}" \
		-v live="${HVUT_LIVE:-0}" -v name="${HVUT_LIVE_NAME:-}" "$HVUT_CONSOLE_AWK" <&"$cfd" 2>&"$out")
	apid=$!
	exec {cfd}<&- {out}>&-
	# A signal ends the VMM (and so the filter, which then reports); the VMM
	# ignoring it is met with SIGKILL 0.4 s later. The filter and tr ignore
	# the signal (a Ctrl-C reaches our whole process group): they end when
	# the VMM's output does, so the verdict still has its counts.
	local interrupted=0 timed_out=0 slice=0.25 filter_kill_at=0 filter_killed=0 signals=0 seen
	[ -z "${HVUT_RESULT:-}" ] || echo "$vpid" >"$HVUT_RESULT.vmm"
	trap hvut_on_signal INT TERM HUP
	while :; do
		# Slices: a trap does not cut a read -t short. The clock is looked at
		# after every read: a guest that never stops printing FAIL lines
		# still meets its time limit.
		st=0 seen=$signals
		IFS= read -r -t "$slice" -u "$sfd" line || st=$?
		# A read cut short by a signal is not the end of the console.
		[ "$st" = 0 ] || [ "$seen" = "$signals" ] || st=$((128 + 15))
		if [ "$st" -le 128 ]; then
			# The filter ended (st 1): a last line without its newline is
			# taken as it is; a record cut short is not taken at all.
			[ "$st" = 0 ] || [ -n "$rec$line" ] || break
			line=$rec$line rec=''
			case $line in
			L\ *) printf '%s%s\n' "${HVUT_LIVE_PREFIX:-}" "${line#L }" >&2 ;;
			S$'\037'*$'\037'E) V_REC=$line ;;
			esac
			[ "$st" = 0 ] || break
		else
			rec+=$line
		fi
		hvut_now_us
		now=$HVUT_NOW_US
		if [ "$kill_at" = 0 ]; then
			if [ "$interrupted" = 1 ]; then
				# SIGKILL 0.4 s later if it is still there.
				hvut_kill_vmm TERM
				kill_at=$((now + 400000))
			elif [ "$deadline" -gt 0 ] && [ "$now" -ge "$deadline" ]; then
				timed_out=1 slice=0.1
				hvut_kill_vmm TERM
				kill_at=$((now + ${HVUT_KILL_AFTER:-5} * 1000000))
			fi
		elif [ "$now" -ge "$kill_at" ]; then
			hvut_kill_vmm KILL
			# The filter ends by itself once the VMM's group is gone: only a
			# process that left the group and holds the console open keeps it
			# waiting. It gets seconds, not a moment: on a loaded host it may
			# not run for that long, and killed it takes its counts along.
			if [ "$filter_kill_at" = 0 ]; then
				filter_kill_at=$((now + (interrupted ? 1000000 : ${HVUT_FILTER_GRACE:-5} * 1000000)))
			elif [ "$now" -ge "$filter_kill_at" ] && hvut_is_child "$apid"; then
				kill -KILL "$apid" 2>/dev/null || true
				filter_killed=1
			fi
		fi
	done
	exec {sfd}<&-
	# The console ended but the VMM lives on (it closed its output): the time
	# limit and a signal still hold, with a nap instead of the read.
	if hvut_child_lives "$vpid"; then
		local nap
		exec {nap}<> <(:)
		while hvut_child_lives "$vpid"; do
			hvut_now_us
			now=$HVUT_NOW_US
			if [ "$kill_at" = 0 ] && { [ "$interrupted" = 1 ] || { [ "$deadline" -gt 0 ] && [ "$now" -ge "$deadline" ]; }; }; then
				[ "$interrupted" = 1 ] || timed_out=1
				hvut_kill_vmm TERM
				kill_at=$((now + 600000))
			elif [ "$kill_at" != 0 ] && [ "$now" -ge "$kill_at" ]; then
				hvut_kill_vmm KILL
			fi
			read -r -t 0.1 -u "$nap" _ || true
		done
		exec {nap}<&-
	fi
	# 2>/dev/null: bash would report a VMM killed by a signal with its own
	# "Segmentation fault" chatter; the verdict line below says it instead.
	wait "$vpid" 2>/dev/null || vrc=$?
	wait "$apid" 2>/dev/null || true
	trap - INT TERM HUP
	hvut_now_us
	now=$HVUT_NOW_US

	local -a vf=()
	IFS=$'\037' read -r -a vf <<<"${V_REC:-S}" || true
	V_PASS=${vf[1]:-0} V_FAIL=${vf[2]:-0} V_SKIP=${vf[3]:-0} V_XFAIL=${vf[4]:-0} V_XPASS=${vf[5]:-0}
	V_NS=${vf[6]:-0} V_NE=${vf[7]:-0} V_EST=${vf[8]:-} V_AFTER=${vf[9]:-0} V_SBAD=${vf[10]:-0}
	V_CN=${vf[11]:-0} V_CF=${vf[12]:-0} V_CS=${vf[13]:-0} V_SN=${vf[14]:--} V_SF=${vf[15]:--} V_SS=${vf[16]:--}
	V_FIRSTFAIL=${vf[17]:-} V_FIRSTSKIP=${vf[18]:-} V_LAST=${vf[19]:-}
	V_INTERRUPTED=$interrupted V_TIMEDOUT=$timed_out V_LIMIT=$limit
	hvut_us_secs $((now - t0))
	V_SECS=$HVUT_SECS
	if [ -z "${V_REC:-}" ] && [ "$interrupted" = 0 ]; then
		V_LAST="(the console filter ended without its record)"
		[ "$filter_killed" = 0 ] ||
			V_LAST="(the console filter was killed: a process outside the VMM's group held its console open)"
	fi
	V_HOW="VMM exit $vrc"
	if [ "$vrc" -gt 128 ] && [ "$vrc" -lt 160 ] && [ "$timed_out" = 0 ]; then
		V_HOW="VMM killed by SIG$(kill -l "$((vrc - 128))" 2>/dev/null || echo "$((vrc - 128))")"
	fi
	hvut_verdict
	echo "hvut: $HVUT_STATE ($HVUT_WHY)"
	if [ -n "${HVUT_RESULT:-}" ]; then
		printf '%s\037%s\037%s\037%s\037%s\037%s\037%s\037%s\n' "$HVUT_STATE" "$HVUT_WHY" "$V_PASS" \
			"$V_FAIL" "$V_SKIP" "$V_XFAIL" "$V_XPASS" "$V_FIRSTFAIL" >"$HVUT_RESULT"
	fi
	return "$HVUT_RC"
}

hvut_usage() {
	cat <<USAGE
Usage: $1 [-h] ELF [VMM ARGS...]
Runs one hvut test binary for $2 and exits with its state: 0 PASS, 1 FAIL,
2 SKIP, 3 CRASH, 4 TIMEOUT, 5 XFAIL, 130 INTERRUPTED (docs/protocol.md);
2 also for a usage error (then with a message on stderr and no verdict).
Environment: ACCEL (tcg, kvm, bochs), SMP, TEST_ARGS, TIMEOUT (seconds),
HVUT_ENV (KEY=VAL words for the guest's environ), QEMU, PROCESSOR.
USAGE
}

# hvut_check_elf FILE ARCH: 0 when FILE is an ELF for ARCH; else says why in HVUT_ELF_WHY.
# Reads the header with bash alone (NUL bytes come back as empty reads).
hvut_check_elf() {
	local file=$1 arch=$2 c i=0 b=() m LC_ALL=C
	HVUT_ELF_WHY=''
	[ -f "$file" ] || { HVUT_ELF_WHY="no such file"; return 1; }
	[ -r "$file" ] || { HVUT_ELF_WHY="not readable"; return 1; }
	{
		while [ $i -lt 20 ] && IFS= read -r -d '' -n 1 c; do
			if [ -z "$c" ]; then b[i]=0; else printf -v 'b[i]' '%d' "'$c"; fi
			i=$((i + 1))
		done
	} <"$file"
	if [ $i -lt 20 ] || [ "${b[0]}" != 127 ] || [ "${b[1]}" != 69 ] || [ "${b[2]}" != 76 ] || [ "${b[3]}" != 70 ]; then
		HVUT_ELF_WHY="not an ELF file"
		return 1
	fi
	if [ "${b[5]}" = 2 ]; then m=$((b[18] * 256 + b[19])); else m=$((b[19] * 256 + b[18])); fi
	case $arch:$m in
	x86_64:62 | x86_64:3 | arm64:183 | riscv64:243 | ppc64:21) return 0 ;;
	esac
	HVUT_ELF_WHY="an ELF for machine $m, not for $arch"
	return 1
}

# hvut_main ARCH [-h] ELF [EXTRA VMM ARGS...]: the whole of an <arch>/run.
hvut_main() {
	local arch=$1 me=$0
	shift
	while [ $# -gt 0 ]; do
		case $1 in
		-h | --help) hvut_usage "$me" "$arch"; exit 0 ;;
		--) shift; break ;;
		-*) echo "$me: unknown option '$1' (try '$me -h')" >&2; exit 2 ;;
		*) break ;;
		esac
	done
	if [ $# = 0 ]; then
		echo "$me: which test binary? (try '$me -h')" >&2
		exit 2
	fi
	local elf=$1
	shift
	if ! hvut_check_elf "$elf" "$arch"; then
		echo "$me: $elf: $HVUT_ELF_WHY" >&2
		exit 2
	fi
	: "${SMP:=1}" "${TEST_ARGS:=}" "${TIMEOUT:=90}"
	if ! hvut_secs_to_us "$TIMEOUT"; then
		echo "$me: TIMEOUT='$TIMEOUT' is not a number of seconds" >&2
		exit 2
	fi
	hvut_probe "$arch"
	export SMP TEST_ARGS TIMEOUT
	local envfile rc=0
	# run_tests.sh gives a directory for the run's files; alone, one file in
	# TMPDIR named by our pid (no mktemp: one process less).
	if [ -n "${HVUT_RUNDIR:-}" ]; then
		envfile=$HVUT_RUNDIR/environ.$$
	else
		envfile=${TMPDIR:-/tmp}/hvut-environ.$$.$RANDOM
		hvut_cleanup_add "$envfile"
	fi
	hvut_envfile "$arch" "$envfile" || exit 2
	VMM_CMD=()
	arch_vmm_command "$elf" "$envfile" "$@" 2>&1 || rc=$?
	# A VMM that cannot be set up (missing firmware, tool, image) is a CRASH,
	# never a SKIP (docs/protocol.md): the cfg must not select what cannot run.
	if [ "$rc" != 0 ] || [ "${#VMM_CMD[@]}" = 0 ]; then
		echo "hvut: CRASH (the VMM could not be set up: arch_vmm_command failed with status $rc; see above)"
		[ -z "${HVUT_RESULT:-}" ] ||
			printf 'CRASH\037the VMM could not be set up (see the log)\0370\0370\0370\0370\0370\037\n' >"$HVUT_RESULT"
		exit 3
	fi
	hvut_which "${VMM_CMD[0]}"
	if [ -z "$HVUT_WHICH" ]; then
		echo "hvut: CRASH (the VMM ${VMM_CMD[0]} is not installed, or not on PATH)"
		[ -z "${HVUT_RESULT:-}" ] ||
			printf 'CRASH\037the VMM %s is not installed\0370\0370\0370\0370\0370\037\n' "${VMM_CMD[0]}" >"$HVUT_RESULT"
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

# hvut_migration_wrap ENVFILE, called by each <arch>/vmm.sh once VMM_CMD is
# complete (docs/protocol.md "Migration"). HVUT_MIGRATE=1: the guest may ask
# to be moved to a new QEMU mid-test, scripts/migrate-vmm.sh runs the QEMUs;
# HVUT_MIGRATE_DEST: the destination QEMU (cross-version, the cfg's
# `migration = LANE`), or "why: ..." when that lane's QEMU is not here: the
# guest is then told it cannot migrate, and why (its migrate_once() SKIPs).
# HVUT_NMI=1 (the cfg's `nmi = yes`, docs/protocol.md "NMI"): the same script
# runs QEMU and answers the guest's NMI requests over QMP.
hvut_migration_wrap() {
	local envfile=$1 migrate=${HVUT_MIGRATE:-0}
	if [ "$migrate" = 1 ]; then
		case ${HVUT_MIGRATE_DEST:-} in
		why:*)
			printf 'HVUT_MIGRATION=0\nHVUT_MIGRATION_WHY=%s\n' "${HVUT_MIGRATE_DEST#why: }" >>"$envfile"
			migrate=0 ;;
		*) echo "HVUT_MIGRATION=1" >>"$envfile" ;;
		esac
	fi
	[ "${HVUT_NMI:-0}" != 1 ] || echo "HVUT_NMI=1" >>"$envfile"
	[ "$migrate" = 1 ] || [ "${HVUT_NMI:-0}" = 1 ] || return 0
	# Its sockets and fifos in a directory this process removes on exit: a
	# SIGKILLed migrate-vmm.sh (timeout, Ctrl-C) cannot clean up itself.
	HVUT_MIGRATE_DIR=${HVUT_RUNDIR:-${TMPDIR:-/tmp}}/hvut-migrate.$$
	export HVUT_MIGRATE_DIR
	hvut_cleanup_add "$HVUT_MIGRATE_DIR"
	VMM_CMD=("$HVUT_SRCDIR/scripts/migrate-vmm.sh" "${VMM_CMD[@]}")
}
