/*
 * mtf-priority: which VM exit wins when several are pending on one
 * instruction boundary, and what the losers leave pending (Intel SDM vol. 3C,
 * 2024 numbering, order no. 326019):
 *   - 26.5.2 "Monitor Trap Flag": SMIs, INIT and higher-priority events take
 *     priority over MTF VM exits; MTF VM exits take priority over debug-trap
 *     exceptions and lower-priority events;
 *   - 26.2 "Other Causes of VM Exits": debug traps and higher-priority events
 *     win over VMX-preemption timer exits, which win over NMI-window exits;
 *     NMI-window exits win over NMIs and lower-priority events, among them
 *     external interrupts;
 *   - 26.4.1 "Event Blocking": with external-interrupt exiting, RFLAGS.IF
 *     does not block external interrupts: one exits even with IF=0;
 *   - 27.7.4 "VMX-Preemption Timer" / 26.5.2: with an injected event, a timer
 *     of 0 at entry and a pending MTF exit both fall on the boundary before
 *     the handler's first instruction;
 *   - 28.3.4 "Saving Nonregister State": an MTF VM exit saves the debug
 *     exceptions still pending (BS, bit 14, for a single-step trap);
 *     27.7.3 "Delivery of Pending Debug Exceptions after VM Entry": the next
 *     entry delivers them.
 * The ladder: L1 leaves an external interrupt pending in its local APIC
 * (IF=0), turns on MTF, the timer at 0, NMI-window exiting and external-
 * interrupt exiting, and injects #UD. Each exit must be the highest one left;
 * L1 turns off the control of the winner and enters again.
 */
#include "vmx-tests.h"
#include <asm/apic.h>
#include <asm/desc.h>
#include <asm/io.h>
#include <asm/processor.h>

#define CPU_MTF (1U << 27)
#define CPU_NMI_WINDOW (1U << 22)
#define PIN_VIRTUAL_NMI (1U << 5)
#define EXIT_MTF 37
#define EXIT_NMI_WINDOW 8
#define PENDING_DBG_BS (1ULL << 14)
#define PENDING_VEC 0x4e
#define NO_STEP "vmx-mtf-no-step"
#define SDM_MTF "SDM vol. 3C 26.5.2 Monitor Trap Flag"
#define SDM_OTHER "SDM vol. 3C 26.2 Other Causes of VM Exits"

static struct vmx_vcpu *v;
static volatile unsigned l1_irqs;

static bool exit_at(enum vmx_end end, unsigned reason, const void *rip)
{
	return end == VMX_END_EXIT && v->exit.reason == reason && v->exit.rip == (uintptr_t)rip;
}

static const void *ud_handler(void)
{
	return vmx_l2_idt_stubs + 16 * 6;
}

static bool irr_set(unsigned vec)
{
	return apic_read(APIC_IRR + vec / 32 * 0x10) & (1U << (vec % 32));
}

static void l1_irq(struct ex_regs *regs)
{
	(void)regs;
	l1_irqs++;
	apic_eoi();
}

/* An MTF exit and a single-step trap after L2's first instruction (the entry stub's CALL). */
static void single_step_trap(void)
{
	enum vmx_end end;
	bool mtf;

	vmx_vcpu_set_entry(v, l2_nop, NULL, 0);
	vmwrite(GUEST_RFLAGS, 0x2 | X86_EFLAGS_TF);
	vmx_set_ctl(CPU_CONTROLS, CPU_MTF, 0);
	end = vmx_run(v);
	mtf = exit_at(end, EXIT_MTF, l2_nop);
	report_deviation(NO_STEP, mtf,
			 "MTF and a single-step trap (TF=1) after one instruction: the MTF exit at RIP %p, no #DB [%s] [" SDM_MTF "]",
			 l2_nop, end_str(v, end));
	report_deviation(NO_STEP, mtf && (vmread(GUEST_PENDING_DBG) & PENDING_DBG_BS),
			 "MTF exit over a single-step trap: pending debug exceptions BS (bit 14) saved [%#lx] [SDM vol. 3C 28.3.4 Saving Nonregister State]",
			 (unsigned long)vmread(GUEST_PENDING_DBG));
	vmx_set_ctl(CPU_CONTROLS, 0, CPU_MTF);
	if (mtf)
		end = vmx_run(v);
	report(end == VMX_END_L2_FAULT && v->fault.vector == 1 && v->fault.rip == (uintptr_t)l2_nop,
	       "the single-step #DB the MTF exit left pending reaches L2 at RIP %p [%s] [SDM vol. 3C 27.7.3 Delivery of Pending Debug Exceptions after VM Entry]",
	       l2_nop, end_str(v, end));
	vmwrite(GUEST_RFLAGS, 0x2);
}

static void ladder(void)
{
	enum vmx_end end;
	bool pending;

	if (!vmx_ctl_allowed(PIN_CONTROLS, PIN_PREEMPTION_TIMER | PIN_NMI | PIN_VIRTUAL_NMI | PIN_EXTINT) ||
	    !vmx_ctl_allowed(CPU_CONTROLS, CPU_NMI_WINDOW)) {
		report_skip("priority ladder: pin-based bits 0/3/5/6 or primary processor-based bit 22 not allowed");
		return;
	}
	/* The legacy PIC's timer would be one more external interrupt: mask it. */
	outb(0x21, 0xff);
	outb(0xa1, 0xff);
	if (!apic_x2apic_mode())
		apic_enable();
	handle_exception(PENDING_VEC, l1_irq);
	l1_irqs = 0;
	apic_icr_write(APIC_DEST_SELF | APIC_ICR_FIXED | PENDING_VEC, 0);
	for (unsigned i = 0; i < 100000 && !irr_set(PENDING_VEC); i++)
		cpu_relax();
	report_info("self-IPI %#x pending in L1's local APIC (IRR): %s", PENDING_VEC, irr_set(PENDING_VEC) ? "yes" : "no");

	vmx_set_ctl(PIN_CONTROLS, PIN_PREEMPTION_TIMER | PIN_NMI | PIN_VIRTUAL_NMI | PIN_EXTINT, 0);
	vmx_set_ctl(CPU_CONTROLS, CPU_MTF | CPU_NMI_WINDOW, 0);
	vmwrite(PREEMPTION_TIMER, 0);
	vmx_vcpu_set_entry(v, l2_nop, NULL, 0);
	vmx_inject_exception(6, false, 0);

	end = vmx_run(v);
	pending = irr_set(PENDING_VEC);
	report_deviation(NO_STEP, exit_at(end, EXIT_MTF, ud_handler()) && pending,
			 "MTF, timer 0, NMI window, external interrupt after an injected #UD: the MTF exit at the handler (%p), the interrupt still pending [%s, IRR %d] [" SDM_MTF "]",
			 ud_handler(), end_str(v, end), pending);
	vmx_set_ctl(CPU_CONTROLS, 0, CPU_MTF);
	end = vmx_run(v);
	report(exit_at(end, EXIT_PREEMPTION_TIMER, ud_handler()),
	       "MTF off: the timer (0 again at entry) exits before the NMI window and the interrupt [%s] [" SDM_OTHER ", SDM vol. 3C 27.7.4 VMX-Preemption Timer]",
	       end_str(v, end));
	vmx_set_ctl(PIN_CONTROLS, 0, PIN_PREEMPTION_TIMER);
	end = vmx_run(v);
	report(exit_at(end, EXIT_NMI_WINDOW, ud_handler()),
	       "timer off: the NMI-window exit (8) before the external interrupt [%s] [" SDM_OTHER "]", end_str(v, end));
	vmx_set_ctl(CPU_CONTROLS, 0, CPU_NMI_WINDOW);
	end = vmx_run(v);
	report_deviation("vmx-extint-exit-if0",
			 exit_at(end, EXIT_EXTINT, ud_handler()) && !(v->exit.intr_info & INTR_INFO_VALID) && irr_set(PENDING_VEC),
			 "NMI window off: the external interrupt exits (1) although L2 has IF=0, not acknowledged, still in the IRR [%s, info %#x] [SDM vol. 3C 26.4.1 Event Blocking, 28.2.2 Information for VM Exits Due to Vectored Events]",
			 end_str(v, end), v->exit.intr_info);
	vmx_set_ctl(PIN_CONTROLS, 0, PIN_EXTINT | PIN_NMI | PIN_VIRTUAL_NMI);
	if (end == VMX_END_EXIT)
		end = vmx_run(v);
	report(end == VMX_END_L2_FAULT && v->fault.vector == 6,
	       "every control off: the injected #UD was delivered, L2's handler runs [%s]", end_str(v, end));
	/* L1 takes the interrupt the exits left pending. */
	irq_enable();
	for (unsigned i = 0; i < 100000 && !l1_irqs; i++)
		cpu_relax();
	irq_disable();
	report(l1_irqs == 1, "L1 takes the interrupt vector %#x the exits left pending [%u taken]", PENDING_VEC, l1_irqs);
	handle_exception(PENDING_VEC, NULL);
}

void vmx_test_mtf_priority(void)
{
	if (!vmx_ctl_allowed(CPU_CONTROLS, CPU_MTF)) {
		report_skip("monitor trap flag: primary processor-based control bit 27 not allowed");
		return;
	}
	v = vmx_vcpu_new();
	if (!v)
		return;
	single_step_trap();
	ladder();
}
