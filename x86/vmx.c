/*
 * vmx: the test binary is a small hypervisor (L1) running guest code (L2).
 * Arguments pick groups (default: all): basic exits seam ept mbec entry-checks
 * windows shadow-vmcs pml vpid.
 *   (events, the monitor trap flag, the preemption timer and APIC
 *   virtualization are in x86/vmx-events.c, a binary of their own; the MSR
 *   lists and other guest-state paths in x86/vmx-state.c)
 *   basic  VMXON/VMXOFF, VMCLEAR/VMPTRLD/VMPTRST, VMREAD/VMWRITE, failed entries
 *   exits  CPUID, HLT, VMCALL, RDMSR/WRMSR and the MSR bitmap, I/O bitmaps,
 *          exception bitmap, VMX-preemption timer
 *   seam   SEAMCALL/TDCALL in L2 at CPL0 (exits 76/77) and CPL3 (#GP)
 *   ept    EPT permissions R/W/X for every access, misconfigurations, VPID
 *   mbec   mode-based execute control (XS/XU) for EPT
 *   entry-checks  VM-entry checks on controls, host and guest state
 *   windows  interrupt-window and NMI-window exiting
 *   shadow-vmcs  VMREAD/VMWRITE in L2 through a shadow VMCS and its bitmaps
 *   pml    page-modification logging
 *   vpid   INVVPID types seen through stale translations
 * Without VMX (QEMU TCG, AMD) everything is one SKIP naming CPUID.1:ECX.VMX.
 */
#include "vmx-tests.h"

static const struct vmx_group groups[] = {
	{ "basic", vmx_test_basic },   /* starts outside VMX operation and leaves the CPU in it */
	{ "exits", vmx_test_exits },
	{ "seam", vmx_test_seam },
	{ "ept", vmx_test_ept },
	{ "mbec", vmx_test_mbec },
	{ "entry-checks", vmx_test_entry_checks },
	{ "windows", vmx_test_windows },
	{ "shadow-vmcs", vmx_test_shadow_vmcs },
	{ "pml", vmx_test_pml },
	{ "vpid", vmx_test_vpid },
};

int main(int argc, char **argv, char **envp)
{
	(void)envp;
	return vmx_main(argc, argv, groups, ARRAY_SIZE(groups), true);
}
