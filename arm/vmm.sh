# shellcheck shell=bash
# arm64: how to start a test binary under QEMU's virt board. Sourced by arm/run
# (through scripts/runtime.sh's hvut_main) and embedded in standalone scripts.
# arch_vmm_command ELF ENVFILE [EXTRA VMM ARGS...] fills the array VMM_CMD.
# Inputs: ACCEL (kvm or tcg), SMP, TEST_ARGS, QEMU, PROCESSOR, MEM (MiB).

arch_vmm_command() {
	local elf=$1 envfile=$2
	shift 2
	local cpu=${PROCESSOR:-max}
	[ "${ACCEL:-tcg}" = kvm ] && [ "$cpu" = max ] && cpu=host
	# QEMU boots the flat image next to the ELF: its arm64 Image header makes
	# QEMU enter it with x0 = the device tree (docs/arm64.md). Extra
	# "-machine gic-version=3"-style options merge with this -machine.
	# -no-reboot: a guest that resets ends QEMU (no EXIT line: CRASH).
	# shellcheck disable=SC2054 # the commas are QEMU option syntax
	VMM_CMD=("${QEMU:-qemu-system-aarch64}" -machine virt -accel "${ACCEL:-tcg}" -cpu "$cpu"
		-m "${MEM:-256}" -smp "${SMP:-1}" -nodefaults -display none -no-reboot
		-serial stdio -kernel "${elf%.elf}.bin" -initrd "$envfile" "$@")
	# "<test>.elf" first: the guest's argv[0] (lib/argv.c).
	VMM_CMD+=(-append "${elf##*/}${TEST_ARGS:+ $TEST_ARGS}")
	hvut_migration_wrap "$envfile"
	return 0
}
# arch_entry_unavailable EXTRA_PARAMS: sets ARCH_UNAVAILABLE to why this host
# cannot run an entry with these VMM arguments (one line), or to "". Asked by
# run_tests.sh before anything starts (scripts/suite-check.sh): what the host
# cannot run is a SKIP with its reason, never a CRASH. Under KVM two machine
# options depend on the host, and real hosts differ, so neither the cfg nor
# the lane can know; QEMU is asked, once per option:
#  - gic-version=2: KVM emulates a GICv2 only where the host GIC has a
#    GICv2-compatible CPU interface (a GICv3's GICV is optional, IHI 0069
#    "Legacy operation");
#  - virtualization=on: a guest EL2 needs KVM's nested virtualization
#    (FEAT_NV2 on the host CPU, kvm-arm.mode=nested, and a KVM and QEMU
#    that offer it).
declare -gA ARM_KVM_REFUSES=()
# shellcheck disable=SC2034 # ARCH_UNAVAILABLE is read by scripts/suite-check.sh
arch_entry_unavailable() {
	local opt what out rc
	ARCH_UNAVAILABLE=''
	[ "${ACCEL:-tcg}" = kvm ] || return 0
	for opt in gic-version=2 virtualization=on; do
		case " $1 " in *"$opt"*) ;; *) continue ;; esac
		if [ -z "${ARM_KVM_REFUSES[$opt]+x}" ]; then
			rc=0
			# -S: the machine (GIC, CPUs) is built, no guest runs; QMP ends it.
			# shellcheck disable=SC2054 # the commas are QEMU option syntax
			out=$(printf '%s\n' '{"execute":"qmp_capabilities"}' '{"execute":"quit"}' |
				timeout 300 "${QEMU:-qemu-system-aarch64}" -machine "virt,$opt" -accel kvm -cpu host \
					-m 64 -nodefaults -display none -S -qmp stdio 2>&1 >/dev/null) || rc=$?
			ARM_KVM_REFUSES[$opt]=''
			# Status 1 is QEMU's refusal; a timeout or a crash is no answer (the test runs and says).
			if [ "$rc" = 1 ]; then
				case $opt in
				gic-version=2) what="KVM cannot emulate a GICv2 on this host (no GICv2-compatible CPU interface)" ;;
				*) what="KVM offers no nested virtualization (guest EL2) here" ;;
				esac
				ARM_KVM_REFUSES[$opt]="$what: ${out##*$'\n'}"
			fi
		fi
		ARCH_UNAVAILABLE=${ARM_KVM_REFUSES[$opt]}
		[ -z "$ARCH_UNAVAILABLE" ] || return 0
	done
}
