/*
 * vmx-state: the test binary as an L1 hypervisor, for L2's state across VM
 * entries and exits, and the groups moved out of vmx.elf for room (a third
 * VMX binary: vmx.elf and vmx-events.elf are at Bochs' 128 KiB image limit,
 * docs/vmx.md). Arguments pick groups (default: all):
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
 *   windows       interrupt-window and NMI-window exiting (x86/vmx-windows.c)
 *   shadow-vmcs   VMREAD/VMWRITE in L2 through a shadow VMCS and its bitmaps
 *   pml           page-modification logging (x86/vmx-pml.c)
 *   vpid          INVVPID types seen through stale translations (x86/vmx-vpid.c)
 * (these four moved from vmx.elf, which the clang build took past 128 KiB)
 *   nmi           a real NMI while L2 runs, with and without NMI exiting, a
 *                 faulting IRET under virtual-NMI blocking (x86/vmx-nmi.c)
 * Without VMX (QEMU TCG, AMD) everything is one SKIP naming CPUID.1:ECX.VMX.
 */
#include "vmx-tests.h"

static const struct vmx_group groups[] = {
	{ "msr-lists", vmx_test_msr_lists },
	{ "load-save", vmx_test_load_save },
	{ "unrestricted", vmx_test_unrestricted },
	{ "vectoring", vmx_test_vectoring },
	{ "windows", vmx_test_windows },
	{ "shadow-vmcs", vmx_test_shadow_vmcs },
	{ "pml", vmx_test_pml },
	{ "vpid", vmx_test_vpid },
	{ "nmi", vmx_test_nmi },
};

int main(int argc, char **argv, char **envp)
{
	(void)envp;
	return vmx_main(argc, argv, groups, ARRAY_SIZE(groups), false);
}
