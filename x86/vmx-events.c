/*
 * vmx-events: the test binary as an L1 hypervisor, for events and timers
 * (a binary apart from x86/vmx.c to keep each image small; see x86/Makefile).
 * Arguments pick groups (default: all):
 *   inject            VM-entry event injection of each interruption type, the
 *                     HLT activity state (x86/vmx-inject.c)
 *   mtf               the monitor trap flag (x86/vmx-mtf.c)
 *   preemption-timer  the VMX-preemption timer's rate, 0 at entry, the saved
 *                     value (x86/vmx-preemption.c)
 *   apicv             TPR shadow and threshold, APIC-access exits, virtual-
 *                     interrupt delivery and EOI virtualization (x86/vmx-apicv.c)
 * Without VMX (QEMU TCG, AMD) everything is one SKIP naming CPUID.1:ECX.VMX.
 */
#include "vmx-tests.h"
#include <asm/msr.h>

static const struct {
	const char *name;
	void (*fn)(void);
} groups[] = {
	{ "inject", vmx_test_inject },
	{ "mtf", vmx_test_mtf },
	{ "preemption-timer", vmx_test_preemption_timer },
	{ "apicv", vmx_test_apicv },
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
			report_fail("unknown group '%s' (inject mtf preemption-timer apicv)", argv[i]);
	}
	why = vmx_unsupported();
	if (why) {
		report_skip("%s", why);
		return report_summary();
	}
	report_info("IA32_VMX_BASIC %#lx, PROCBASED_CTLS2 %#lx, MISC %#lx",
		    (unsigned long)vmx_cap(MSR_IA32_VMX_BASIC),
		    (unsigned long)vmx_cap(MSR_IA32_VMX_PROCBASED_CTLS2),
		    (unsigned long)vmx_cap(MSR_IA32_VMX_MISC));
	if (!vmx_on())
		return report_summary();
	for (unsigned g = 0; g < ARRAY_SIZE(groups); g++) {
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
