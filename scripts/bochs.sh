# shellcheck shell=bash
# scripts/bochs.sh: the Bochs lane (ACCEL=bochs) for x86_64. Sourced by
# x86/vmm.sh; see docs/bochs.md.
#
#   bochs_probe                      cheap check that the tools are installed
#   bochs_suite_probe                once per suite: settle BOCHS_DISPLAY and
#                                    BOCHS_PDEATHSIG and export them, so that
#                                    no run forks to find them out again
#   bochs_vmm_command ELF ENVFILE [BOCHSRC LINE...]
#                                    fill VMM_CMD with the command that runs ELF
#
# Inputs from the environment: TEST_ARGS (the test's arguments), BOCHS_CPU
# (Bochs CPU model, default tigerlake), SMP (CPU count, default 1), BOCHS_MEM
# (guest RAM in MB, default MEM or 256), BOCHS_DISPLAY (auto, rfb or term),
# X86_FIRMWARE (hvut's firmware ROM, set by x86/vmm.sh; empty: the Bochs BIOS
# and GRUB), HVUT_CACHE (the GRUB path's ISO cache lives in $HVUT_CACHE/bochs).

# bochs_probe: 0 when everything the Bochs lane runs is present; otherwise
# prints what is missing (and the package to install) and returns 1.
bochs_probe() {
	local missing=() t
	for t in bochs-bin:bochs unshare:util-linux; do
		command -v "${t%%:*}" > /dev/null 2>&1 || missing+=("${t%%:*} (${t#*:})")
	done
	[ -e /usr/share/vgabios/vgabios.bin ] || missing+=("/usr/share/vgabios/vgabios.bin (vgabios)")
	# The GRUB path only (HVUT_FIRMWARE=bios).
	if [ -z "${X86_FIRMWARE:-}" ]; then
		for t in grub-mkrescue:grub-common xorriso:xorriso sha256sum:coreutils tail:coreutils; do
			command -v "${t%%:*}" > /dev/null 2>&1 || missing+=("${t%%:*} (${t#*:})")
		done
		for t in /usr/share/bochs/BIOS-bochs-latest:bochsbios /usr/lib/grub/i386-pc/multiboot.mod:grub-pc-bin; do
			[ -e "${t%%:*}" ] || missing+=("${t%%:*} (${t#*:})")
		done
	fi
	[ ${#missing[@]} -eq 0 ] && return 0
	echo "bochs: missing: ${missing[*]}" >&2
	return 1
}

bochs_suite_probe() {
	case ${BOCHS_DISPLAY:-auto} in
	auto) if unshare -rn true 2>/dev/null; then BOCHS_DISPLAY=rfb; else BOCHS_DISPLAY=term; fi ;;
	esac
	BOCHS_PDEATHSIG=0
	setpriv --help 2>/dev/null | grep -q -- --pdeathsig && BOCHS_PDEATHSIG=1
	export BOCHS_DISPLAY BOCHS_PDEATHSIG
}

# bochs_vmm_command ELF ENVFILE [BOCHSRC LINE...]: VMM_CMD=(the command).
# Extra arguments are appended to the generated bochsrc, one line each.
# Nothing is created now: the command builds (or reuses) the ISO and its
# private temp directory when it runs, and removes the latter when it ends.
bochs_vmm_command() {
	local elf=$1 envfile=$2 line
	shift 2
	local src=${HVUT_SRCDIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
	VMM_CMD=(bash "$src/scripts/bochs-run.sh"
		--cpu "${BOCHS_CPU:-tigerlake}" --smp "${SMP:-1}" --mem "${BOCHS_MEM:-${MEM:-256}}"
		--args "${TEST_ARGS:-}")
	[ -n "${X86_FIRMWARE:-}" ] && VMM_CMD+=(--firmware "$X86_FIRMWARE")
	# Inside <arch>/run (scripts/runtime.sh's hvut_main): its private run
	# directory, removed when the run ends; bochs-run.sh then needs no own.
	[ -n "${HVUT_RUNDIR:-}" ] && [ -d "$HVUT_RUNDIR" ] && VMM_CMD+=(--workdir "$HVUT_RUNDIR")
	for line in "$@"; do VMM_CMD+=(--rc "$line"); done
	VMM_CMD+=(-- "$elf" "$envfile")
}
