# shellcheck shell=bash
# riscv64: how to start a test binary under QEMU. Sourced by riscv/run (through
# scripts/runtime.sh's hvut_main) and embedded in standalone scripts.
# arch_vmm_command ELF ENVFILE [EXTRA VMM ARGS...] fills the array VMM_CMD.
# Inputs: ACCEL (kvm or tcg), SMP, TEST_ARGS, QEMU, PROCESSOR, MEM (MiB), and
# OPENSBI (or FIRMWARE): the M-mode firmware for -bios, default QEMU's own
# OpenSBI ("default"). A test whose TEST_ARGS contain the word
# "firmware=opensbi-new" (a unittests.cfg entry) runs on the newer OpenSBI
# instead: $OPENSBI_NEW, else what scripts/opensbi-new.sh fetches (cached).

# riscv_new_opensbi: prints the path of the newer OpenSBI, or fails saying why.
riscv_new_opensbi() {
	if [ -n "${OPENSBI_NEW:-}" ]; then
		echo "$OPENSBI_NEW"
		return 0
	fi
	if [ ! -x "${HVUT_SRCDIR:-.}/scripts/opensbi-new.sh" ]; then
		echo "hvut: firmware=opensbi-new needs OPENSBI_NEW=path or scripts/opensbi-new.sh" >&2
		return 1
	fi
	"$HVUT_SRCDIR/scripts/opensbi-new.sh"
}

arch_vmm_command() {
	local elf=$1 envfile=$2
	shift 2
	local bios=${OPENSBI:-${FIRMWARE:-default}}
	if [[ " ${TEST_ARGS:-} " == *" firmware=opensbi-new "* ]]; then
		# Without the firmware the VMM cannot start: a CRASH, saying why (docs/protocol.md).
		bios=$(riscv_new_opensbi) || return 1
	fi
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
	VMM_CMD+=(-append "${elf##*/}${TEST_ARGS:+ $TEST_ARGS}")
	hvut_migration_wrap "$envfile"
	return 0
}
