/*
 * vmx-state: the test binary as an L1 hypervisor, for L2's state across VM
 * entries and exits (a third VMX binary: vmx.elf and vmx-events.elf are at
 * Bochs' 128 KiB image limit, docs/vmx.md). Arguments pick groups (default:
 * all):
 *   msr-lists     VM-entry/VM-exit MSR load and store lists (x86/vmx-msr-lists.c;
 *                 moved from vmx.elf, which clang had built past 128 KiB)
 *   load-save     IA32_PAT, IA32_EFER and DR7 loaded at entry, saved and
 *                 loaded at exit, with and without their controls
 *                 (x86/vmx-load-save.c)
 *   unrestricted  L2 in real mode and in protected mode without paging
 *                 (x86/vmx-unrestricted.c)
 *   vectoring     a VM exit during delivery of an injected event: the
 *                 IDT-vectoring information, error code and instruction
 *                 length (x86/vmx-vectoring.c)
 * Without VMX (QEMU TCG, AMD) everything is one SKIP naming CPUID.1:ECX.VMX.
 */
#include "vmx-tests.h"

static const struct vmx_group groups[] = {
	{ "msr-lists", vmx_test_msr_lists },
	{ "load-save", vmx_test_load_save },
	{ "unrestricted", vmx_test_unrestricted },
	{ "vectoring", vmx_test_vectoring },
};

int main(int argc, char **argv, char **envp)
{
	(void)envp;
	return vmx_main(argc, argv, groups, ARRAY_SIZE(groups), false);
}
