#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# check.sh [all | project | lane NAME...]: `make check`, from the build dir.
#   project  1. host unit tests   tests/unit/run.sh <builddir>/tests/host-bin
#            2. harness tests     tests/harness/run.sh
#            3. lint              shellcheck on every tracked shell script, yamllint on CI YAML
#   lane     one guest suite run by run_tests.sh --lane, its states compared
#            with tests/expected/<lane>.txt; lanes: <arch>-<lane> for every
#            lane in <testdir>/lanes.cfg (docs/lanes.md) of the configured
#            arch and of every other arch whose port and cross compiler are
#            here (built out of tree in build-<arch>/), x86_64-harness-check
#            (guests failing on purpose), and clang-<arch>: the same sources
#            built with clang (build-<arch>-clang/), which must be
#            warning-free too (one check: the build).
#   all      project, then every lane (the default: what CI runs).
# Counting: what is checked, not how many vectors a check loops over: one
# check per host unit-test function (the test_* functions tests/unit/check.h
# declares; the vectors they compare are shown beside), one per harness check
# (tests/harness/run.sh's own count), one per linted file, one per guest
# result compared in a lane, one per clang build. A part that ends without its
# count line, or cannot run at all (a linter missing, no expected file, a
# build failing), counts as one failed check. Ends with the counts per part,
# then exactly one line "N passed, N failed"; exit 1 when N failed > 0.
set -uo pipefail

self_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=scripts/runtime.sh
source "$self_dir/runtime.sh"
# shellcheck source=scripts/cfg.sh
source "$self_dir/cfg.sh"
# shellcheck source=scripts/lanes.sh
source "$self_dir/lanes.sh"

[ -f config.mak ] || hvut_die "no config.mak here: run me from the build dir (make check)"
why=$(hvut_check_kvm_valid) || hvut_die "$why"
hvut_read_config config.mak
arch=${HVUT_CONFIG[ARCH]:-}
srcdir=${HVUT_CONFIG[SRCDIR]:-$(dirname "$self_dir")}
builddir=$PWD
ncpu=$(nproc 2>/dev/null || echo 1)
mkdir -p logs

# Ctrl-C (or TERM, HUP): the part under way ends as it does on its own
# (run_tests.sh gets the signal too, writes its reports and exits 130), no
# later part starts, the counts so far are printed, and the status is 128 +
# the signal's number. Without the traps bash went on with the next lane: a
# child that exits 130 instead of dying of the signal does not stop its caller.
interrupted=0
trap 'interrupted=130' INT
trap 'interrupted=143' TERM
trap 'interrupted=129' HUP

passed=0 failed=0
# Per part (the first word of each part's name), for the lines above the total.
declare -A part_pass=() part_fail=() part_note=()
parts=()
part=project
pass_check() { add_checks 1 0; }
# Every failed check again at the end, beside the counts: a CI page often shows
# only the tail of a long log, and the tail must say what failed and why.
failures=()
fail_check() {
	add_checks 0 1
	echo "check: FAILED: $*"
	failures+=("$*")
}
add_checks() { # PASSED FAILED: to the total and to the current part
	[ -n "${part_pass[$part]+x}" ] || { parts+=("$part"); part_pass[$part]=0 part_fail[$part]=0; }
	part_pass[$part]=$((part_pass[$part] + $1)) part_fail[$part]=$((part_fail[$part] + $2))
	passed=$((passed + $1)) failed=$((failed + $2))
}

# counted PART LOG CMD...: run a part that ends with "N passed, N failed",
# its output shown and kept in LOG, and add its counts.
counted() {
	local part=$1 log=$2 rc=0 line
	shift 2
	"$@" 2>&1 | tee "$log" || rc=$?
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$log" | tail -n 1)
	if [ -z "$line" ]; then
		fail_check "$part ended (status $rc) without an 'N passed, N failed' line; see $log"
		return
	fi
	read -r p _ f _ <<<"$line"
	add_checks "$p" "$f"
	if [ "$f" = 0 ] && [ "$rc" != 0 ]; then
		fail_check "$part reported 0 failed but exited $rc"
	fi
}

# unit_tests: the libc unit tests, one check per test function: all pass
# when no vector failed; otherwise the failing vectors (at most one per
# function) are the failed checks. The vectors are shown beside.
unit_tests() {
	local log=logs/check-unit.log rc=0 line p f nfun
	bash "$srcdir/tests/unit/run.sh" "$builddir/tests/host-bin" 2>&1 | tee "$log" || rc=$?
	nfun=$(grep -Ec '^void test_[a-z0-9_]+\(void\);' "$srcdir/tests/unit/check.h" 2>/dev/null) || nfun=0
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$log" | tail -n 1)
	if [ -z "$line" ] || [ "$nfun" = 0 ]; then
		fail_check "host unit tests ended (status $rc) without an 'N passed, N failed' line; see $log"
		return
	fi
	read -r p _ f _ <<<"$line"
	[ "$f" -le "$nfun" ] || f=$nfun
	[ "$rc" = 0 ] || [ "$f" -gt 0 ] || f=1
	add_checks $((nfun - f)) "$f"
	part_note[$part]=" ($line vectors)"
}

run_project() {
echo "== host unit tests"
part="host unit tests"
if [ -f "$srcdir/tests/unit/run.sh" ]; then
	unit_tests
else
	echo "(skipped: $srcdir/tests/unit/run.sh does not exist yet)"
fi

[ "$interrupted" = 0 ] || return
echo "== harness tests"
part="harness tests"
counted "harness tests" logs/check-harness.log bash "$srcdir/tests/harness/run.sh"
[ "$interrupted" = 0 ] || return
echo "== docs examples"; part="docs examples"; counted "docs examples" logs/check-docs.log bash "$srcdir/scripts/check-docs.sh"

[ "$interrupted" = 0 ] || return
echo "== lint"
part="lint (files)"
# Tracked files when this is a git checkout; else every file but build output.
list_files() {
	if git -C "$srcdir" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
		git -C "$srcdir" ls-files
	else
		(cd "$srcdir" && find . -type f -not -path './.git/*' -not -path './build*' -not -path './logs/*' | sed 's|^\./||')
	fi
}
shell_files=() yaml_files=()
while IFS= read -r f; do
	[ -f "$srcdir/$f" ] || continue
	case $f in
	*.sh) shell_files+=("$f") ;;
	*.yml | *.yaml) yaml_files+=("$f") ;;
	*.*) ;;
	*) # no extension: a script if its first line says so (configure, <arch>/run)
		if head -n 1 "$srcdir/$f" 2>/dev/null | grep -Eq '^#!.*\b(ba)?sh\b'; then shell_files+=("$f"); fi ;;
	esac
done < <(list_files)
if [ ${#shell_files[@]} -gt 0 ]; then
	if command -v shellcheck >/dev/null; then
		for f in "${shell_files[@]}"; do
			# From srcdir, with -x: directives name sourced files relative to it.
			if (cd "$srcdir" && shellcheck -x -S style "$f"); then
				pass_check
			else
				fail_check "shellcheck $f"
			fi
		done
	else
		fail_check "shellcheck is not installed (make deps-check)"
	fi
fi
if [ ${#yaml_files[@]} -gt 0 ]; then
	if command -v yamllint >/dev/null; then
		for f in "${yaml_files[@]}"; do
			if (cd "$srcdir" && yamllint -s "$f"); then
				pass_check
			else
				fail_check "yamllint $f"
			fi
		done
	else
		fail_check "yamllint is not installed (make deps-check)"
	fi
fi
# One check more: no merge-conflict marker in any tracked file (a merged
# branch once left ">>>>>>> arm64" in docs/kvm.md). Lines of 7 '<' or '>'
# then a space or the end: "=======" alone is also a Markdown underline.
markers=$(cd "$srcdir" && list_files | tr '\n' '\0' | xargs -0 grep -n -I -E '^(<<<<<<<|>>>>>>>)( |$)' 2>/dev/null)
if [ -z "$markers" ]; then
	pass_check
else
	printf '%s\n' "$markers"
	fail_check "merge-conflict markers in tracked files (above)"
fi
# And one for docs/deviations.md, generated from the deviation tables.
if bash "$srcdir/scripts/deviations-doc.sh" --check; then
	pass_check
else
	fail_check "docs/deviations.md is stale: make deviations-doc"
fi
echo "(${#shell_files[@]} shell scripts, ${#yaml_files[@]} YAML files, merge markers, docs/deviations.md)"

}

# Lanes (docs/lanes.md): "<arch>-<lane>" for each section of the arch's
# <testdir>/lanes.cfg (x86_64-tcg, x86_64-tcg-qemu10, x86_64-bochs, ...),
# compared with tests/expected/<arch>-<lane>.txt; x86_64-harness-check (the
# guests that fail on purpose, on the tcg lane); clang-<arch> (build only).
# The old names stay as aliases: <arch> = <arch>-tcg, bochs, bochs3, kvm-<arch>.

testdir_of() {
	case $1 in x86_64) echo x86 ;; arm64) echo arm ;; riscv64) echo riscv ;; ppc64) echo powerpc ;; esac
}

# lane_def NAME: sets lane_arch, lane_name (the section of lanes.cfg),
# lane_args (run_tests.sh options) and lane_expected (file under
# tests/expected/); false for an unknown lane.
lane_def() {
	local a n=$1
	case $n in
	x86_64 | arm64 | riscv64 | ppc64) n=$n-tcg ;;
	bochs | bochs3) n=x86_64-$n ;;
	kvm-x86_64 | kvm-arm64 | kvm-riscv64) n=${n#kvm-}-kvm ;;
	esac
	lane_args=() lane_expected=$n lane_arch=''
	if [ "$n" = x86_64-harness-check ]; then
		lane_arch=x86_64 lane_name=tcg lane_args=(-a -g harness-check)
	else
		for a in x86_64 arm64 riscv64 ppc64; do
			case $n in "$a"-*) lane_arch=$a lane_name=${n#"$a"-} ;; esac
		done
	fi
	[ -n "$lane_arch" ] && [ -f "$srcdir/$(testdir_of "$lane_arch")/lanes.cfg" ] &&
		hvut_lane_load "$srcdir/$(testdir_of "$lane_arch")/lanes.cfg" "$lane_name"
}

# The lanes this machine can run: every lane of the configured arch's
# lanes.cfg, and of each other arch with a port in the tree and its cross
# compiler installed (make deps), whose VMM is here or can be installed here
# (a provider lane builds its VMM on first use; HVUT_NO_SETUP=1 skips those
# whose VMM is not installed yet).
available_lanes() {
	local a gcc lanes_file l why
	for a in x86_64 arm64 riscv64 ppc64; do
		[ -f "$srcdir/$(testdir_of "$a")/Makefile" ] || continue
		if [ "$a" != "$arch" ]; then
			case $a in
			x86_64) gcc=x86_64-linux-gnu-gcc; [ "$(uname -m)" = x86_64 ] && gcc=gcc ;;
			arm64) gcc=aarch64-linux-gnu-gcc ;;
			riscv64) gcc=riscv64-linux-gnu-gcc ;;
			ppc64) gcc=powerpc64le-linux-gnu-gcc ;;
			esac
			command -v "$gcc" >/dev/null || { echo "(lanes $a-*: no $gcc, skipped)" >&2; continue; }
		fi
		lanes_file=$srcdir/$(testdir_of "$a")/lanes.cfg
		while IFS= read -r l; do
			hvut_lane_load "$lanes_file" "$l" || continue
			why=$(hvut_lane_unavailable "$srcdir" "$(qemu_of "$a")" "$a")
			if [ -z "$why" ] && [ -n "$LANE_PROVIDER" ] && [ "${HVUT_NO_SETUP:-0}" = 1 ] &&
				! "$srcdir/$LANE_PROVIDER" ready >/dev/null 2>&1; then
				why="its VMM is not installed and HVUT_NO_SETUP=1"
			fi
			if [ -n "$why" ]; then echo "(lane $a-$l: $why, skipped)" >&2; else echo "$a-$l"; fi
		done < <(hvut_lane_names "$lanes_file")
		[ "$a" != x86_64 ] || echo x86_64-harness-check
		if command -v clang >/dev/null; then echo "clang-$a"
		else echo "(lane clang-$a: no clang, skipped)" >&2; fi
	done
}

qemu_of() {
	case $1 in
	x86_64) echo qemu-system-x86_64 ;; arm64) echo qemu-system-aarch64 ;;
	riscv64) echo qemu-system-riscv64 ;; ppc64) echo qemu-system-ppc64 ;;
	esac
}

# build_dir_for ARCH [ENDIAN]: the configured build dir, or build-<arch>/
# beside it, configured and built on first use. ENDIAN (a lane's
# HVUT_ENDIAN, ppc64's big-endian lanes) other than the configured build's
# gives build-<arch>-<endian>/, configured --endian=ENDIAN.
build_dir_for() {
	local a=$1 e=${2:-little} dir
	local -a opts=(--arch="$a")
	if [ "$a" = "$arch" ] && [ "$e" = "${HVUT_CONFIG[ENDIAN]:-little}" ]; then echo "$builddir"; return; fi
	dir=$builddir/build-$a
	if [ "$e" != little ]; then dir+=-$e opts+=(--endian="$e"); fi
	mkdir -p "$dir"
	if ! (cd "$dir" && { [ -f config.mak ] || "$srcdir/configure" "${opts[@]}" >&2; } && make -s >&2); then
		return 1
	fi
	echo "$dir"
}

# lane_endian: the loaded lane's HVUT_ENDIAN env word (lanes.cfg), or little.
lane_endian() {
	local w e=little
	local -a words=()
	read -r -a words <<<"$LANE_ENV" || true
	for w in "${words[@]}"; do
		case $w in HVUT_ENDIAN=?*) e=${w#HVUT_ENDIAN=} ;; esac
	done
	echo "$e"
}

# clang-ARCH: build with clang, warnings are errors; one check.
run_clang_lane() {
	local a=${1#clang-} dir
	echo "== lane $1 (build only)"
	part="clang builds"
	dir=$builddir/build-$a-clang
	mkdir -p "$dir"
	if (cd "$dir" && { [ -f config.mak ] || "$srcdir/configure" --arch="$a" --cc=clang >&2; } && make -s >&2); then
		pass_check
	else
		fail_check "lane $1: the clang build failed (see above)"
	fi
}

# setup_migration_dests ARCH: entries that migrate to another lane's QEMU
# (cfg `migration = LANE`, cross-version) SKIP while that lane's provider is
# not set up (hvut_migration_dest starts no setup). Set it up before the
# lane runs, so its results do not depend on which lane ran first: on a
# fresh machine `make check` runs <arch>-tcg before <arch>-tcg-qemu10.
setup_migration_dests() {
	local td dest
	[ "${HVUT_NO_SETUP:-0}" != 1 ] || return 0
	td=$srcdir/$(testdir_of "$1")
	[ -f "$td/lanes.cfg" ] || return 0
	while read -r dest; do
		case $dest in yes | no) continue ;; esac
		# A subshell: hvut_lane_load would replace the running lane's LANE_*.
		(
			hvut_lane_load "$td/lanes.cfg" "$dest" && [ -n "$LANE_PROVIDER" ] || exit 0
			"$srcdir/$LANE_PROVIDER" ready >/dev/null 2>&1 && exit 0
			"$srcdir/$LANE_PROVIDER" can-setup >/dev/null 2>&1 || exit 0
			echo "hvut: lane $1-$dest: setting up its VMM first, entries migrate to it ($LANE_PROVIDER setup)"
			"$srcdir/$LANE_PROVIDER" setup </dev/null >&2 || echo "hvut: lane $1-$dest: setup failed"
		)
	done < <(hvut_cfg_files "$td/unittests.cfg" | xargs -d '\n' sed -n 's/^[[:space:]]*migration[[:space:]]*=[[:space:]]*\([A-Za-z0-9_.+-]*\).*/\1/p' | sort -u)
}

# first_failures MISMATCH: for a lane's "t expected S, got S (LOG)" line, the
# log's first FAIL/XPASS lines (at most 3), else its last line, each on a line
# of its own below the mismatch; nothing when the line names no log.
first_failures() {
	local log=${1##*(} l
	log=${log%)}
	[ "$log" != "$1" ] && [ -f "$log" ] || return 0
	{ grep -E '^(FAIL|XPASS):' "$log" | head -n 3 | grep . || tail -n 1 "$log"; } |
		while IFS= read -r l; do printf '\n      %s' "$l"; done
}

run_lane() {
	local name=$1 dir logdir expected rc=0 line t0
	case $name in clang-*) run_clang_lane "$name"; return ;; esac
	part="guest results ($name)"
	lane_def "$name" || { fail_check "unknown lane '$name'"; return; }
	name=$lane_expected
	echo "== lane $name ($lane_arch, lane $lane_name: $LANE_ABOUT)"
	if ! dir=$(build_dir_for "$lane_arch" "$(lane_endian)"); then
		fail_check "lane $name: configure/make for $lane_arch ($(lane_endian)-endian) failed"
		return
	fi
	[ "$LANE_VMM" != qemu ] || [ -n "$LANE_RUNNER" ] || setup_migration_dests "$lane_arch"
	logdir=$builddir/logs/$name
	rm -rf "$logdir"
	mkdir -p "$logdir"
	hvut_now_us
	t0=$HVUT_NOW_US
	# A lane with a runner (KVM in a nested L1, scripts/kvm-lane.sh) runs the
	# suite itself: "<runner> run ARCH <run_tests.sh options>", leaving
	# states.txt and the logs in HVUT_LOGDIR like run_tests.sh does.
	local -a cmd=("$srcdir/run_tests.sh" --lane "$lane_name")
	[ -z "$LANE_RUNNER" ] || cmd=("$srcdir/$LANE_RUNNER" run "$lane_arch")
	(cd "$dir" && env -u ACCEL -u PROCESSOR HVUT_LOGDIR="$logdir" "${cmd[@]}" \
		-j"$ncpu" "${lane_args[@]}" --junit "$logdir/junit.xml" -t >"$logdir/results.tap") || rc=$?
	hvut_now_us
	# The lane's wall time, for docs/lanes.md and make bench.
	echo "$name $(hvut_us_fmt $((HVUT_NOW_US - t0)))" >"$logdir/wall.txt"
	echo "lane $name: $(hvut_us_fmt $((HVUT_NOW_US - t0))) s wall"
	expected=$srcdir/tests/expected/$name.txt
	if [ "$rc" -ge 2 ] || [ ! -f "$logdir/states.txt" ]; then
		fail_check "lane $name: run_tests.sh could not run the suite (status $rc)"
	elif [ ! -f "$expected" ]; then
		fail_check "lane $name: no $expected; this run gave ($logdir/states.txt):"
		sed 's/^/    /' "$logdir/states.txt"
	else
		# Both files as "name STATE"; comments and blank lines in expected ignored.
		while IFS= read -r line; do
			case $line in
			ok*) pass_check ;;
			*) fail_check "$line$(first_failures "$line")" ;;
			esac
		done < <(awk -v lane="$name" -v logs="$logdir" '
			FNR == NR { if ($0 !~ /^[ \t]*(#|$)/) { want[$1] = $2; order[++n] = $1 } next }
			{ got[$1] = $2; seen[++m] = $1 }
			END {
				for (i = 1; i <= n; i++) {
					t = order[i]
					if (!(t in got)) print lane ": " t " expected " want[t] " but it did not run"
					else if (got[t] != want[t]) print lane ": " t " expected " want[t] ", got " got[t] " (" logs "/" t ".log)"
					else print "ok " t
				}
				for (i = 1; i <= m; i++)
					if (!(seen[i] in want))
						print lane ": " seen[i] " ran (" got[seen[i]] ") but is not in " FILENAME
			}' "$expected" "$logdir/states.txt")
	fi
}

case ${1:-all} in
all)
	run_project
	mapfile -t lanes < <(available_lanes)
	for l in "${lanes[@]}"; do
		[ "$interrupted" = 0 ] || break
		run_lane "$l"
	done ;;
project) run_project ;;
lane)
	shift
	[ $# -gt 0 ] || hvut_die "usage: check.sh lane NAME..."
	for l in "$@"; do
		[ "$interrupted" = 0 ] || break
		run_lane "$l"
	done ;;
*) hvut_die "usage: check.sh [all | project | lane NAME...]" ;;
esac

if [ ${#failures[@]} -gt 0 ]; then
	echo "== failed checks"
	printf 'check: FAILED: %s\n' "${failures[@]}"
fi
echo "== counts"
for p in "${parts[@]}"; do
	printf '%6d passed, %d failed: %s%s\n' "${part_pass[$p]}" "${part_fail[$p]}" "$p" "${part_note[$p]:-}"
done
echo "$passed passed, $failed failed"
if [ "$interrupted" != 0 ]; then
	echo "check: interrupted: the parts after the one under way did not run"
	exit "$interrupted"
fi
[ "$failed" = 0 ]
