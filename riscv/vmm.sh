# shellcheck shell=bash
# riscv64: how to start a test binary under QEMU. Sourced by riscv/run (through
# scripts/runtime.sh's hvut_main) and embedded in standalone scripts.
# arch_vmm_command ELF ENVFILE [EXTRA VMM ARGS...] fills the array VMM_CMD.
# Inputs: ACCEL (kvm or tcg), SMP, TEST_ARGS, QEMU, PROCESSOR, MEM (MiB), and
# OPENSBI (or FIRMWARE): the M-mode firmware for -bios, default QEMU's own
# OpenSBI ("default"); scripts/opensbi-new.sh prints a newer one.

arch_vmm_command() {
	local elf=$1 envfile=$2
	shift 2
	local bios=${OPENSBI:-${FIRMWARE:-default}}
	# QEMU 7.2 has no "max" CPU for riscv; rv64 is its full-featured generic hart.
	local cpu=${PROCESSOR:-rv64}
	[ "${ACCEL:-tcg}" = kvm ] && [ "$cpu" = rv64 ] && cpu=host
	# -kernel loads the ELF at its link address (0x80200000) and tells the
	# firmware (fw_dynamic) to jump there in S-mode. -no-reboot: a reset ends QEMU.
	# shellcheck disable=SC2054 # the commas are QEMU option syntax
	VMM_CMD=("${QEMU:-qemu-system-riscv64}" -machine virt -accel "${ACCEL:-tcg}" -cpu "$cpu"
		-m "${MEM:-256}" -smp "${SMP:-1}" -nodefaults -display none -no-reboot
		-serial stdio -bios "$bios" -kernel "$elf" -initrd "$envfile" "$@")
	# bootargs: "<test>.elf args..."; the guest takes a first word ending in .elf as argv[0].
	VMM_CMD+=(-append "$(basename "$elf")${TEST_ARGS:+ $TEST_ARGS}")
	return 0
}
