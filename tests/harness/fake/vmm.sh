# shellcheck shell=bash
# vmm.sh of the fake arch used by tests/harness: boots nothing, runs the fake
# VMM ($FAKE_VMM, default: ./vmm next to this file) on the ELF.
arch_vmm_command() {
	local elf=$1 envfile=$2
	shift 2
	# A VMM that cannot be set up on this host: CRASH, never SKIP.
	if [ "$(basename "$elf")" = novmm.elf ]; then
		echo "fake vmm.sh: this host lacks the fake device" >&2
		return 2
	fi
	# shellcheck disable=SC2034 # hvut_main reads it
	VMM_CMD=("${FAKE_VMM:-$(dirname "${BASH_SOURCE[0]}")/vmm}" "$elf" "$envfile" "$@")
}
