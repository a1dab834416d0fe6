/*
 * vmx-events: the test binary as an L1 hypervisor, for events and timers
 * (a binary apart from x86/vmx.c to keep each image small; see x86/Makefile).
 * Arguments pick groups (default: all):
 *   inject            VM-entry event injection of each interruption type, the
 *                     HLT activity state (x86/vmx-inject.c)
 *   mtf               the monitor trap flag (x86/vmx-mtf.c)
 *   preemption-timer  the VMX-preemption timer's rate, 0 at entry, the saved
 *                     value (x86/vmx-preemption.c)
 *   mtf-priority      MTF against the single-step trap, the preemption
 *                     timer, NMI window and external interrupt pending on the
 *                     same boundary (x86/vmx-mtf-priority.c)
 *   init-sipi         INIT and SIPI from CPU 0 to CPU 1's L2: exits 3 and 4,
 *                     INIT blocked in VMX root operation (x86/vmx-init-sipi.c)
 *   nmi               a real NMI while L2 runs: with NMI exiting (exit 0,
 *                     L1's NMIs blocked until IRET) and without (x86/vmx-nmi.c)
 *   apicv             TPR shadow and threshold, APIC-access exits, virtual-
 *                     interrupt delivery and EOI virtualization (x86/vmx-apicv.c)
 * Without VMX (QEMU TCG, AMD) everything is one SKIP naming CPUID.1:ECX.VMX.
 */
#include "vmx-tests.h"

static const struct vmx_group groups[] = {
	{ "inject", vmx_test_inject },
	{ "mtf", vmx_test_mtf },
	{ "preemption-timer", vmx_test_preemption_timer },
	{ "apicv", vmx_test_apicv },
	{ "mtf-priority", vmx_test_mtf_priority },
	{ "init-sipi", vmx_test_init_sipi },
	{ "nmi", vmx_test_nmi },
};

int main(int argc, char **argv, char **envp)
{
	(void)envp;
	return vmx_main(argc, argv, groups, ARRAY_SIZE(groups), false);
}
