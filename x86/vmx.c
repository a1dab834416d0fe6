/*
 * vmx: the test binary is a small hypervisor (L1) running guest code (L2).
 * Arguments pick groups (default: all): basic exits seam ept mbec entry-checks
 * msr-lists windows shadow-vmcs pml vpid.
 *   (events, the monitor trap flag, the preemption timer and APIC
 *   virtualization are in x86/vmx-events.c, a binary of their own)
 *   basic  VMXON/VMXOFF, VMCLEAR/VMPTRLD/VMPTRST, VMREAD/VMWRITE, failed entries
 *   exits  CPUID, HLT, VMCALL, RDMSR/WRMSR and the MSR bitmap, I/O bitmaps,
 *          exception bitmap, VMX-preemption timer
 *   seam   SEAMCALL/TDCALL in L2 at CPL0 (exits 76/77) and CPL3 (#GP)
 *   ept    EPT permissions R/W/X for every access, misconfigurations, VPID
 *   mbec   mode-based execute control (XS/XU) for EPT
 *   entry-checks  VM-entry checks on controls, host and guest state
 *   msr-lists  VM-entry/VM-exit MSR load and store lists
 *   windows  interrupt-window and NMI-window exiting
 *   shadow-vmcs  VMREAD/VMWRITE in L2 through a shadow VMCS and its bitmaps
 *   pml    page-modification logging
 *   vpid   INVVPID types seen through stale translations
 * Without VMX (QEMU TCG, AMD) everything is one SKIP naming CPUID.1:ECX.VMX.
 */
#include "vmx-tests.h"
#include <asm/msr.h>
#include <asm/processor.h>

static const struct {
	const char *name;
	void (*fn)(void);
} groups[] = {
	{ "basic", vmx_test_basic },
	{ "exits", vmx_test_exits },
	{ "seam", vmx_test_seam },
	{ "ept", vmx_test_ept },
	{ "mbec", vmx_test_mbec },
	{ "entry-checks", vmx_test_entry_checks },
	{ "msr-lists", vmx_test_msr_lists },
	{ "windows", vmx_test_windows },
	{ "shadow-vmcs", vmx_test_shadow_vmcs },
	{ "pml", vmx_test_pml },
	{ "vpid", vmx_test_vpid },
};

int main(int argc, char **argv, char **envp)
{
	const char *why;

	(void)envp;
	report_prefix_push("vmx");
	for (int i = 1; i < argc; i++) {
		bool known = false;

		for (unsigned g = 0; g < ARRAY_SIZE(groups); g++)
			known |= !strcmp(argv[i], groups[g].name);
		if (!known)
			report_fail("unknown group '%s' (basic exits seam ept mbec entry-checks msr-lists windows shadow-vmcs pml vpid)", argv[i]);
	}
	why = vmx_unsupported();
	if (why) {
		report_skip("%s", why);
		return report_summary();
	}
	report_info("IA32_VMX_BASIC %#lx, PROCBASED_CTLS2 %#lx, EPT_VPID_CAP %#lx, MISC %#lx",
		    (unsigned long)vmx_cap(MSR_IA32_VMX_BASIC),
		    (unsigned long)vmx_cap(MSR_IA32_VMX_PROCBASED_CTLS2),
		    (unsigned long)vmx_cap(MSR_IA32_VMX_EPT_VPID_CAP),
		    (unsigned long)vmx_cap(MSR_IA32_VMX_MISC));
	/* basic starts outside VMX operation and leaves the CPU in it, as vmx_on() does. */
	if (arg_selected(argc, argv, "basic"))
		vmx_test_basic();
	else if (!vmx_on())
		return report_summary();
	for (unsigned g = 1; g < ARRAY_SIZE(groups); g++) {
		if (!arg_selected(argc, argv, groups[g].name))
			continue;
		report_prefix_push(groups[g].name);
		groups[g].fn();
		report_prefix_pop();
	}
	vmx_off();
	report_prefix_pop();
	return report_summary();
}
