# shellcheck shell=bash
# x86_64: how to start a test binary under each VMM. Sourced by x86/run (through
# scripts/runtime.sh's hvut_main) and embedded in standalone scripts.
# arch_vmm_command ELF ENVFILE [EXTRA VMM ARGS...] fills the array VMM_CMD.
# Inputs: ACCEL (kvm, tcg or bochs), SMP, TEST_ARGS, QEMU, PROCESSOR, MEM (MiB).

arch_vmm_command() {
	local elf=$1 envfile=$2
	shift 2
	if [ "${ACCEL:-tcg}" = bochs ]; then
		# shellcheck source=scripts/bochs.sh
		source "$HVUT_SRCDIR/scripts/bochs.sh"
		bochs_vmm_command "$elf" "$envfile"
		return
	fi
	local cpu=${PROCESSOR:-max}
	[ "${ACCEL:-tcg}" = kvm ] && [ "$cpu" = max ] && cpu=host
	# -no-reboot: a triple fault ends QEMU (no EXIT line: CRASH) instead of rebooting.
	# isa-debug-exit at 0xf4 is how the guest powers off (lib/x86/console.c).
	# shellcheck disable=SC2054 # the commas are QEMU option syntax
	VMM_CMD=("${QEMU:-qemu-system-x86_64}" -machine pc -accel "${ACCEL:-tcg}" -cpu "$cpu"
		-m "${MEM:-256}" -smp "${SMP:-1}" -nodefaults -display none -no-reboot
		-serial stdio -device isa-debug-exit,iobase=0xf4,iosize=4
		-kernel "$elf" -initrd "$envfile" "$@")
	# The multiboot command line is "<kernel> <append>": argv[0] comes from the kernel path.
	[ -n "${TEST_ARGS:-}" ] && VMM_CMD+=(-append "$TEST_ARGS")
	return 0
}
