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
