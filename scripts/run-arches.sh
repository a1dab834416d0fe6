#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# run-arches.sh all | ARCH...: `make run ARCHES=...`, from the build dir. Runs
# the suite of each arch: the configured arch here, every other one built in
# build-<arch>/ beside it (configured on first use; the same dirs `make check`
# uses). Each arch's compiler and VMM are installed first (scripts/deps.sh).
# Logs go to logs/run-<arch>/; the run ends with one line per arch and one
# combined "hvut: all arches: ..." line. Exit status 1 when any test ended
# FAIL, TIMEOUT or CRASH or an arch could not be built or run.
set -uo pipefail

self_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=scripts/runtime.sh
source "$self_dir/runtime.sh"

[ -f config.mak ] || hvut_die "no config.mak here: run me from the build dir (make run ARCHES=...)"
hvut_read_config config.mak
arch=${HVUT_CONFIG[ARCH]:-}
srcdir=${HVUT_CONFIG[SRCDIR]:-$(dirname "$self_dir")}
builddir=$PWD

testdir_of() {
	case $1 in x86_64) echo x86 ;; arm64) echo arm ;; riscv64) echo riscv ;; ppc64) echo powerpc ;; *) return 1 ;; esac
}

[ $# -gt 0 ] || hvut_die "usage: run-arches.sh all | ARCH..."
arches=()
for a in "$@"; do
	if [ "$a" = all ]; then
		for b in x86_64 arm64 riscv64 ppc64; do
			[ -f "$srcdir/$(testdir_of "$b")/Makefile" ] && arches+=("$b")
		done
	elif testdir_of "$a" >/dev/null; then
		arches+=("$a")
	else
		hvut_die "unknown arch '$a' (expected all, x86_64, arm64, riscv64 or ppc64)"
	fi
done

declare -A total=()
summary=() broken=0
for a in "${arches[@]}"; do
	echo "== $a"
	dir=$builddir
	if [ "$a" != "$arch" ]; then
		dir=$builddir/build-$a
		mkdir -p "$dir"
	fi
	# make runs scripts/deps.sh build; the VMM is the run part's.
	if ! (cd "$dir" && { [ -f config.mak ] || "$srcdir/configure" --arch="$a"; } && make -s &&
		"$srcdir/scripts/deps.sh" run "$a"); then
		summary+=("hvut: $a: could not be built (see above)")
		broken=1
		continue
	fi
	logdir=$builddir/logs/run-$a
	rc=0
	(cd "$dir" && HVUT_LOGDIR=$logdir "$srcdir/run_tests.sh") || rc=$?
	if [ "$rc" -ge 2 ] || [ ! -f "$logdir/states.txt" ]; then
		summary+=("hvut: $a: run_tests.sh could not run the suite (status $rc)")
		broken=1
		continue
	fi
	declare -A count=([PASS]=0 [FAIL]=0 [SKIP]=0 [TIMEOUT]=0 [CRASH]=0)
	n=0
	while read -r _ state; do
		count[$state]=$((${count[$state]:-0} + 1))
		total[$state]=$((${total[$state]:-0} + 1))
		n=$((n + 1))
	done <"$logdir/states.txt"
	total[n]=$((${total[n]:-0} + n))
	summary+=("hvut: $a: $n tests: ${count[PASS]} PASS, ${count[FAIL]} FAIL, ${count[SKIP]} SKIP, ${count[TIMEOUT]} TIMEOUT, ${count[CRASH]} CRASH (logs/run-$a/)")
	unset count
done

echo
printf '%s\n' "${summary[@]}"
echo "hvut: all arches (${arches[*]}): ${total[n]:-0} tests: ${total[PASS]:-0} PASS, ${total[FAIL]:-0} FAIL, ${total[SKIP]:-0} SKIP, ${total[TIMEOUT]:-0} TIMEOUT, ${total[CRASH]:-0} CRASH"
[ "$broken" = 0 ] && [ "${total[FAIL]:-0}" = 0 ] && [ "${total[TIMEOUT]:-0}" = 0 ] && [ "${total[CRASH]:-0}" = 0 ]
