/*
 * vmx-checks: the test binary as an L1 hypervisor for the VM-entry
 * consistency checks (x86/vmx-entry-checks.c, group entry-checks). A fourth
 * VMX binary: with the checks of every control field against its capability
 * MSR, the clang build took vmx.elf past Bochs' 128 KiB image limit
 * (docs/vmx.md). Without VMX (QEMU TCG, AMD) everything is one SKIP naming
 * CPUID.1:ECX.VMX.
 */
#include "vmx-tests.h"

static const struct vmx_group groups[] = {
	{ "entry-checks", vmx_test_entry_checks },
};

int main(int argc, char **argv, char **envp)
{
	(void)envp;
	return vmx_main(argc, argv, groups, ARRAY_SIZE(groups), false);
}
