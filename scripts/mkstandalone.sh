#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# shellcheck disable=SC2016 # single quotes on purpose: this writes shell code
# mkstandalone.sh: `make standalone`, from the build dir. For every test of
# unittests.cfg writes tests/<name>: one bash script holding runtime.sh, the
# arch's vmm.sh, the test's cfg values, its ELF and the images booted next to
# it (firmware.bin; arm64's <test>.bin), in base64, to run that test on a host
# that only has the VMM. Exit status 1 when a script could not be
# written (its binary is missing); every test is either written or named.
set -euo pipefail

self_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=scripts/runtime.sh
source "$self_dir/runtime.sh"
# shellcheck source=scripts/cfg.sh
source "$self_dir/cfg.sh"
# shellcheck source=scripts/lanes.sh
source "$self_dir/lanes.sh"

[ -f config.mak ] || hvut_die "no config.mak here: run me from the build dir (make standalone)"
hvut_read_config config.mak
arch=${HVUT_CONFIG[ARCH]:-} testdir=${HVUT_CONFIG[ARCH_TESTDIR]:-}
srcdir=${HVUT_CONFIG[SRCDIR]:-$(dirname "$self_dir")}
if [ -z "$arch" ] || [ -z "$testdir" ]; then
	hvut_die "config.mak lacks ARCH or ARCH_TESTDIR"
fi
if [ -n "${HVUT_TESTDIR:-}" ]; then # the harness's own tests
	src_testdir=$HVUT_TESTDIR bin_testdir=$HVUT_TESTDIR
else
	src_testdir=$srcdir/$testdir bin_testdir=$testdir
fi
cfg=$src_testdir/unittests.cfg
vmm=$src_testdir/vmm.sh
[ -f "$cfg" ] || hvut_die "no $cfg"
[ -f "$vmm" ] || hvut_die "no $vmm: the arch has no VMM glue yet"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/hvut-mkst.XXXXXX")
hvut_cleanup_add "$tmp"
# Every entry; on ACCEL=bochs one script per Bochs CPU model (<entry>@<model>).
hvut_parse_tests "$cfg" "$src_testdir/lanes.cfg" "${ACCEL:-tcg}" >"$tmp/cfg.rec" || exit 2
# tests/ also holds the project's own files (tests/unit, tests/expected, ...;
# tests/host-bin is the unit tests' build): a section named like one would
# overwrite it. Only an earlier standalone script may be replaced.
clash=0
while IFS=$'\037' read -r name _ _ _ _ _ _ _ _ _ _ line _; do
	for f in "$srcdir/tests/$name" "tests/$name"; do
		if [ "$name" = host-bin ] || { [ -e "$f" ] && ! head -n 3 "$f" 2>/dev/null | grep -q 'written by scripts/mkstandalone.sh'; }; then
			echo "$line: section [$name] would overwrite tests/$name, a file of the project: rename the section" >&2
			clash=1
			break
		fi
	done
done <"$tmp/cfg.rec"
[ "$clash" = 0 ] || exit 2
mkdir -p tests

# write_one NAME FILE SMP EXTRA ARGS ARCH ACCEL TIMEOUT BOCHS_CPU > script
write_one() {
	local name=$1 file=$2 smp=$3 extra=$4 args=$5 tarch=$6 accel=$7 tmo=$8 bochs=$9
	local -a extra_words=()
	read -r -a extra_words <<<"$extra" || true
	cat <<EOF
#!/usr/bin/env bash
# shellcheck disable=SC2317 # the library has functions this test never calls
# hvut standalone test "$name" ($arch), written by scripts/mkstandalone.sh
# from $testdir/unittests.cfg. Needs bash, coreutils, awk and the VMM.
# Environment (each optional): ACCEL, SMP, TIMEOUT, TEST_ARGS, HVUT_ENV,
# QEMU, PROCESSOR, BOCHS_CPU. Exit status: 0 PASS, 1 FAIL, 2 SKIP, 3 CRASH,
# 4 TIMEOUT, 5 XFAIL, 130 INTERRUPTED (docs/protocol.md); 2 for a usage error.
set -euo pipefail
case \${1:-} in
'') ;;
-h | --help)
	echo "Usage: \$0 [-h]"
	echo "Runs the hvut test $name ($arch) on this host's VMM; the environment above adjusts it."
	exit 0 ;;
*)
	echo "\$0: unknown option or argument '\$1' (try '\$0 -h')" >&2
	exit 2 ;;
esac

# ---- scripts/runtime.sh ----
EOF
	cat "$self_dir/runtime.sh"
	echo
	echo "# ---- $testdir/vmm.sh ----"
	cat "$vmm"
	echo
	echo "# ---- the test: unittests.cfg [$name] ----"
	printf ': "${SMP:=%s}" "${TIMEOUT:=%s}"\n' "$smp" "$tmo"
	printf 'TEST_ARGS=${TEST_ARGS-%q}\n' "$args"
	# Not inside double quotes: a %q word is only unquoted again outside them.
	printf 'QEMU=${QEMU:-%q} PROCESSOR=${PROCESSOR:-%q} TARGET=${TARGET:-%q}\n' \
		"${HVUT_CONFIG[QEMU]:-}" "${HVUT_CONFIG[PROCESSOR]:-}" "${HVUT_CONFIG[TARGET]:-qemu}"
	[ -z "$bochs" ] || printf 'BOCHS_CPU=${BOCHS_CPU:-%q}\n' "$bochs"
	echo 'export SMP TIMEOUT TEST_ARGS QEMU PROCESSOR TARGET'
	[ -z "$bochs" ] || echo 'export BOCHS_CPU'
	printf 'hvut_probe %q\n' "$arch"
	if [ -n "$tarch" ] && [ "$tarch" != "$arch" ]; then
		printf 'echo %q\nexit 2\n' "SKIP $name (arch $tarch only; this script is for $arch)"
	fi
	printf 'hvut_accels=%q\n' "$accel"
	printf 'case " $hvut_accels " in *" $ACCEL "*) ;; *)\n'
	printf '\techo "SKIP %s (accel %s only; running $ACCEL)"\n\texit 2 ;;\nesac\n' "$name" "$accel"
	echo 'hvut_elfdir=$(mktemp -d "${TMPDIR:-/tmp}/hvut-standalone.XXXXXX")'
	echo 'hvut_cleanup_add "$hvut_elfdir"'
	if [[ " $accel " == *" bochs "* ]] && [ -f "$self_dir/bochs.sh" ]; then
		# The Bochs glue is two scripts; they go next to the ELF, which then
		# stands in for the source tree (HVUT_SRCDIR) that x86/vmm.sh reads them from.
		echo 'mkdir -p "$hvut_elfdir/scripts"'
		local f
		for f in bochs.sh bochs-run.sh; do
			printf 'cat >"$hvut_elfdir/scripts/%s" <<'"'"'HVUT_SCRIPT'"'"'\n' "$f"
			cat "$self_dir/$f"
			echo 'HVUT_SCRIPT'
		done
		echo 'export HVUT_SRCDIR=$hvut_elfdir'
	fi
	printf 'base64 -d >"$hvut_elfdir"/%q <<'"'"'HVUT_ELF'"'"'\n' "$(basename "$file")"
	base64 "$bin_testdir/$file"
	echo 'HVUT_ELF'
	# What <testdir>/vmm.sh boots next to the ELF: the arch's own firmware
	# (x86, ppc64: firmware.bin, the VMM's floor instead of SeaBIOS or SLOF)
	# and a flat image of the test (arm64: <test>.bin). One process each.
	local img
	for img in firmware.bin "${file%.elf}.bin"; do
		if [ "$img" = "$file" ] || [ ! -f "$bin_testdir/$img" ]; then
			continue
		fi
		printf 'base64 -d >"$hvut_elfdir"/%q <<'"'"'HVUT_IMAGE'"'"'\n' "$(basename "$img")"
		base64 "$bin_testdir/$img"
		echo 'HVUT_IMAGE'
	done
	printf 'hvut_main %q "$hvut_elfdir"/%q' "$arch" "$(basename "$file")"
	[ ${#extra_words[@]} = 0 ] || printf ' %q' "${extra_words[@]}"
	echo
}

written=0 missing=0
while IFS=$'\037' read -r name file smp extra args _groups tarch accel tmo bochs _line; do
	if [ ! -f "$bin_testdir/$file" ]; then
		echo "mkstandalone: NOT written: tests/$name ($bin_testdir/$file is not built)" >&2
		missing=$((missing + 1))
		continue
	fi
	write_one "$name" "$file" "$smp" "$extra" "$args" "$tarch" "$accel" "$tmo" "$bochs" >"$tmp/script"
	chmod +x "$tmp/script"
	mv -f "$tmp/script" "tests/$name"
	written=$((written + 1))
done <"$tmp/cfg.rec"
echo "mkstandalone: wrote $written scripts in tests/; $missing not written"
[ "$missing" = 0 ]
