# shellcheck shell=bash
# x86_64: how to start a test binary under each VMM. Sourced by x86/run (through
# scripts/runtime.sh's hvut_main) and embedded in standalone scripts.
# arch_vmm_command ELF ENVFILE [EXTRA VMM ARGS...] fills the array VMM_CMD.
# Inputs: ACCEL (kvm, tcg or bochs), SMP, TEST_ARGS, QEMU, PROCESSOR, MEM (MiB),
# HVUT_FIRMWARE (docs/x86-boot.md): unset or "auto" boots through hvut's own
# firmware, x86/firmware.bin next to the ELF, when it is there and through the
# VMM's BIOS (SeaBIOS; Bochs BIOS + GRUB) otherwise; "hvut" insists on hvut's;
# "seabios" (QEMU) or "bios" (either VMM) is the VMM's own BIOS and a multiboot
# loader; anything else is the path of a firmware image.

# x86_firmware ELF: the firmware image into X86_FIRMWARE, "" for the VMM's BIOS.
x86_firmware() {
	local elf=$1 fw=${HVUT_FIRMWARE:-auto}
	X86_FIRMWARE=
	case $fw in
	seabios | bios) return 0 ;;
	auto) [ -f "${elf%/*}/firmware.bin" ] && X86_FIRMWARE=${elf%/*}/firmware.bin ;;
	hvut) X86_FIRMWARE=${elf%/*}/firmware.bin ;;
	*) X86_FIRMWARE=$fw ;;
	esac
	if [ -n "$X86_FIRMWARE" ] && [ ! -f "$X86_FIRMWARE" ]; then
		echo "x86: no firmware image $X86_FIRMWARE (HVUT_FIRMWARE=$fw; make builds x86/firmware.bin)" >&2
		return 1
	fi
	return 0
}

# Once per suite (scripts/runtime.sh's hvut_probe). A standalone script
# probes before its Bochs glue is unpacked: bochs-run.sh then finds out per run.
arch_vmm_probe() {
	if [ "${ACCEL:-tcg}" = bochs ] && [ -f "${HVUT_SRCDIR:-}/scripts/bochs.sh" ]; then
		# shellcheck source=scripts/bochs.sh
		source "$HVUT_SRCDIR/scripts/bochs.sh"
		bochs_suite_probe
	fi
	return 0
}

arch_vmm_command() {
	local elf=$1 envfile=$2
	shift 2
	x86_firmware "$elf" || return 1
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
		-kernel "$elf" -initrd "$envfile")
	[ -n "$X86_FIRMWARE" ] && VMM_CMD+=(-bios "$X86_FIRMWARE")
	VMM_CMD+=("$@")
	# The multiboot command line is "<kernel> <append>": argv[0] comes from the kernel path.
	[ -n "${TEST_ARGS:-}" ] && VMM_CMD+=(-append "$TEST_ARGS")
	hvut_migration_wrap "$envfile"
	return 0
}
