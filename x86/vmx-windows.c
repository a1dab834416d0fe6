/*
 * windows: interrupt-window and NMI-window exiting (Intel SDM vol. 3C 26.2
 * Other Causes of VM Exits, 26.7.5 Interrupt-Window Exiting and Virtual-
 * Interrupt Delivery, 26.7.6 NMI-Window Exiting; 2024 numbering).
 *   - interrupt-window exiting (primary control bit 2): exit 7 at the first
 *     instruction boundary where RFLAGS.IF=1 and nothing blocks interrupts:
 *     at L2's first instruction when it starts with IF=1; after STI, only once
 *     the instruction in STI's shadow has run; never while IF=0;
 *   - NMI-window exiting (primary bit 22, with NMI exiting and virtual NMIs,
 *     pin bits 3 and 5): exit 8 at L2's first instruction without virtual-NMI
 *     blocking; with blocking by NMI set at entry, only after L2's IRET
 *     (which ends virtual-NMI blocking).
 */
#include "vmx-tests.h"
#include <asm/processor.h>

#define CPU_INTR_WINDOW (1U << 2)
#define CPU_NMI_WINDOW (1U << 22)
#define PIN_VIRTUAL_NMI (1U << 5)
#define EXIT_INTR_WINDOW 7
#define EXIT_NMI_WINDOW 8
#define BLOCKING_BY_NMI (1U << 3)
#define SDM_IW "SDM vol. 3C 26.7.5 Interrupt-Window Exiting"
#define SDM_NW "SDM vol. 3C 26.7.6 NMI-Window Exiting"

/* STI; one instruction in its shadow; the window opens at l2_sti_open. */
void l2_sti_window(void *arg);
void l2_cli_only(void *arg);
void l2_iret_self(void *arg);
extern char l2_sti_shadow[], l2_sti_open[], l2_after_iret[];
__asm__(".text\n.globl l2_sti_window\nl2_sti_window:\n\t"
	"sti\n.globl l2_sti_shadow\nl2_sti_shadow:\n\tnop\n.globl l2_sti_open\nl2_sti_open:\n\tnop\n\tcli\n\tret\n"
	".globl l2_cli_only\nl2_cli_only:\n\tnop\n\tnop\n\tret\n"
	/* IRETQ to the next instruction at the same privilege: a frame of SS, RSP, RFLAGS, CS, RIP. */
	".globl l2_iret_self\nl2_iret_self:\n\t"
	"mov %rsp, %rax\n\tmov %ss, %ecx\n\tpush %rcx\n\tpush %rax\n\tpushfq\n\t"
	"mov %cs, %ecx\n\tpush %rcx\n\tlea l2_after_iret(%rip), %rax\n\tpush %rax\n\tiretq\n"
	".globl l2_after_iret\nl2_after_iret:\n\tnop\n\tret\n");

static bool expect_window(struct vmx_vcpu *v, enum vmx_end end, unsigned reason, const void *rip,
			  const char *what, const char *rule)
{
	return report(end == VMX_END_EXIT && v->exit.reason == reason && v->exit.rip == (uintptr_t)rip,
		      "%s: exit %u at RIP %p [got %s] [%s]", what, reason, rip, end_str(v, end), rule);
}

static void interrupt_window(void)
{
	struct vmx_vcpu *v;
	enum vmx_end end;

	if (!vmx_ctl_allowed(CPU_CONTROLS, CPU_INTR_WINDOW)) {
		report_skip("interrupt-window exiting: primary processor-based control bit 2 not allowed");
		return;
	}
	v = vmx_vcpu_new();
	if (!v)
		return;
	vmx_set_ctl(CPU_CONTROLS, CPU_INTR_WINDOW, 0);
	vmx_vcpu_set_entry(v, l2_cli_only, NULL, 0);
	end = vmx_run(v);
	report(end == VMX_END_DONE, "interrupt window, L2 keeps IF=0: no exit [got %s] [" SDM_IW "]", end_str(v, end));

	vmx_vcpu_set_entry(v, l2_cli_only, NULL, 0);
	vmwrite(GUEST_RFLAGS, 0x2 | X86_EFLAGS_IF);
	end = vmx_run(v);
	expect_window(v, end, EXIT_INTR_WINDOW, vmx_l2_entry, "interrupt window, L2 starts with IF=1", SDM_IW);

	vmx_vcpu_set_entry(v, l2_sti_window, NULL, 0);
	end = vmx_run(v);
	expect_window(v, end, EXIT_INTR_WINDOW, l2_sti_open,
		      "interrupt window, L2 executes STI: after the instruction in its shadow", SDM_IW);
	vmx_set_ctl(CPU_CONTROLS, 0, CPU_INTR_WINDOW);
	end = vmx_run(v);
	report(end == VMX_END_DONE, "control cleared: L2 resumes to its end [got %s]", end_str(v, end));
}

static void nmi_window(void)
{
	struct vmx_vcpu *v;
	enum vmx_end end;

	if (!vmx_ctl_allowed(PIN_CONTROLS, PIN_NMI | PIN_VIRTUAL_NMI) ||
	    !vmx_ctl_allowed(CPU_CONTROLS, CPU_NMI_WINDOW)) {
		report_skip("NMI-window exiting: pin bits 3/5 or primary processor-based bit 22 not allowed");
		return;
	}
	v = vmx_vcpu_new();
	if (!v)
		return;
	vmx_set_ctl(PIN_CONTROLS, PIN_NMI | PIN_VIRTUAL_NMI, 0);
	vmx_set_ctl(CPU_CONTROLS, CPU_NMI_WINDOW, 0);
	vmx_vcpu_set_entry(v, l2_cli_only, NULL, 0);
	end = vmx_run(v);
	expect_window(v, end, EXIT_NMI_WINDOW, vmx_l2_entry,
		      "NMI window, no virtual-NMI blocking: at L2's first instruction", SDM_NW);

	vmx_vcpu_set_entry(v, l2_iret_self, NULL, 0);
	vmwrite(GUEST_INTERRUPTIBILITY, BLOCKING_BY_NMI);
	end = vmx_run(v);
	expect_window(v, end, EXIT_NMI_WINDOW, l2_after_iret,
		      "NMI window, blocking by NMI at entry: after L2's IRET", SDM_NW);
	vmx_set_ctl(CPU_CONTROLS, 0, CPU_NMI_WINDOW);
	end = vmx_run(v);
	report(end == VMX_END_DONE, "control cleared: L2 resumes to its end [got %s]", end_str(v, end));
}

void vmx_test_windows(void)
{
	/*
	 * L2 runs with IF=1 here, without external-interrupt exiting: a BIOS's
	 * PIC timer (IRQ0 at vector 8) would land in L2's IDT. Mask the legacy PIC.
	 */
	outb(0x21, 0xff);
	outb(0xa1, 0xff);
	interrupt_window();
	nmi_window();
}
