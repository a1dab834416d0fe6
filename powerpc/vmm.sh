# shellcheck shell=bash
# ppc64: how to start a test binary under QEMU's pseries machine. Sourced by
# powerpc/run (through scripts/runtime.sh's hvut_main) and embedded in
# standalone scripts.
# arch_vmm_command ELF ENVFILE [EXTRA VMM ARGS...] fills the array VMM_CMD.
# Inputs: ACCEL (kvm or tcg), SMP, TEST_ARGS, QEMU, PROCESSOR, MEM (MiB),
# HVUT_PPC_FIRMWARE (a -bios image; default: firmware.bin next to the ELF,
# hvut's own, see powerpc/firmware.S; "slof" boots through QEMU's SLOF, which
# the tests do not support: only for measuring it).

arch_vmm_command() {
	local elf=$1 envfile=$2
	shift 2
	local fw=${HVUT_PPC_FIRMWARE:-${elf%/*}/firmware.bin}
	# An ELF built elsewhere in the build dir (docs-examples/): the build's own firmware.
	[ -n "${HVUT_PPC_FIRMWARE:-}" ] || [ -f "$fw" ] || fw=${elf%/*}/../powerpc/firmware.bin
	local machine=pseries
	# kernel-addr=0: QEMU loads the ELF at its link address (powerpc/flat.lds).
	machine+=,kernel-addr=0
	if [ "${ACCEL:-tcg}" = tcg ]; then
		# Spectre-class mitigations TCG cannot provide: say so, instead of a warning per run.
		machine+=,cap-cfpc=broken,cap-sbbc=broken,cap-ibs=broken,cap-ccf-assist=off
	fi
	VMM_CMD=("${QEMU:-qemu-system-ppc64}" -machine "$machine" -accel "${ACCEL:-tcg}"
		-m "${MEM:-256}" -smp "${SMP:-1}" -nodefaults -display none -no-reboot
		-serial stdio -kernel "$elf" -initrd "$envfile")
	[ "$fw" != slof ] && VMM_CMD+=(-bios "$fw")
	[ -n "${PROCESSOR:-}" ] && VMM_CMD+=(-cpu "$PROCESSOR")
	VMM_CMD+=("$@")
	# "<test>.elf" first: the guest's argv[0] (lib/argv.c).
	VMM_CMD+=(-append "${elf##*/}${TEST_ARGS:+ $TEST_ARGS}")
	hvut_migration_wrap "$envfile"
	return 0
}
