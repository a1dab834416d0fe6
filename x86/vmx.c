/*
 * vmx: the test binary is a small hypervisor (L1) running guest code (L2).
 * Arguments pick groups (default: all): basic exits seam ept mbec.
 *   (events, the monitor trap flag, the preemption timer and APIC
 *   virtualization are in x86/vmx-events.c, a binary of their own; the MSR
 *   lists, guest-state paths, windows, shadow VMCS, PML and VPID in
 *   x86/vmx-state.c; the entry checks in x86/vmx-checks.c: each image must
 *   stay under Bochs' 128 KiB)
 *   basic  VMXON/VMXOFF, VMCLEAR/VMPTRLD/VMPTRST, VMREAD/VMWRITE, failed entries
 *   exits  CPUID, HLT, VMCALL, RDMSR/WRMSR and the MSR bitmap, I/O bitmaps,
 *          exception bitmap, VMX-preemption timer
 *   seam   SEAMCALL/TDCALL in L2 at CPL0 (exits 76/77) and CPL3 (#GP)
 *   ept    EPT permissions R/W/X for every access, misconfigurations, VPID
 *   mbec   mode-based execute control (XS/XU) for EPT
 * Without VMX (QEMU TCG, AMD) everything is one SKIP naming CPUID.1:ECX.VMX.
 */
#include "vmx-tests.h"

static const struct vmx_group groups[] = {
	{ "basic", vmx_test_basic },   /* starts outside VMX operation and leaves the CPU in it */
	{ "exits", vmx_test_exits },
	{ "seam", vmx_test_seam },
	{ "ept", vmx_test_ept },
	{ "mbec", vmx_test_mbec },
};

int main(int argc, char **argv, char **envp)
{
	(void)envp;
	return vmx_main(argc, argv, groups, ARRAY_SIZE(groups), true);
}
