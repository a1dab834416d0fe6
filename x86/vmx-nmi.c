/*
 * nmi: a real NMI that arrives while L2 runs (Intel SDM vol. 3C, 2024
 * numbering, order no. 326019). L2 sends itself an NMI through the local
 * APIC (no APIC virtualization: the real one; an x2APIC's ICR through a zero
 * MSR bitmap) and spins; a preemption timer is only a backstop.
 *   - 26.2 "Other Causes of VM Exits": with "NMI exiting" (pin bit 3) the NMI
 *     causes a VM exit, 28.2.2: basic reason 0, interruption information
 *     0x80000202 (valid, type 2 NMI, vector 2);
 *   - 28.1 "Architectural State before a VM Exit": such an NMI blocks later
 *     NMIs once the exit completes: L1's own self-NMI stays pending until L1
 *     executes IRET (vol. 3A 6.7.1 Handling Multiple NMIs);
 *   - without NMI exiting L2 takes the NMI through its own IDT (vector 2) and
 *     the next exit saves blocking by NMI (interruptibility bit 3; 28.3.4);
 *   - with virtual NMIs (pin bit 5), an IRET that faults (#GP for a null CS,
 *     in the exception bitmap) while virtual-NMI blocking is in effect: the
 *     exit's interruption information has bit 12 ("NMI unblocking due to
 *     IRET", 28.2.2) and virtual-NMI blocking is cleared before the exit
 *     (28.1), so the saved interruptibility bit 3 is 0; without the blocking
 *     bit 12 is 0. The same for an EPT violation on the IRET's frame read
 *     (bit 12 of the EPT-violation qualification; "Exit Qualification for
 *     EPT Violations", 28.2.1).
 */
#include "vmx-tests.h"
#include <asm/apic.h>
#include <asm/desc.h>
#include <asm/processor.h>

#define BLOCKING_BY_NMI (1U << 3)
#define NMI_EXIT_INFO (INTR_INFO_VALID | 2U << 8 | 2)

static struct vmx_vcpu *v;
static volatile unsigned l1_nmis;
static uint32_t self;

static void l1_nmi(struct ex_regs *regs)
{
	(void)regs;
	l1_nmis++;
}

/* IRETQ to the next instruction: ends the NMI blocking an NMI left behind (SDM vol. 3A 6.7.1). */
static void iret_to_self(void)
{
	__asm__ volatile("mov %%rsp, %%rax\n\tmov %%ss, %%ecx\n\tpush %%rcx\n\tpush %%rax\n\tpushfq\n\t"
			 "mov %%cs, %%ecx\n\tpush %%rcx\n\tlea 1f(%%rip), %%rax\n\tpush %%rax\n\tiretq\n1:"
			 ::: "rax", "rcx", "memory");
}

static void l2_self_nmi(void *arg)
{
	(void)arg;
	apic_icr_write(APIC_ICR_NMI, self);
	for (;;)
		cpu_relax();
}

static void wait_nmis(unsigned n)
{
	for (unsigned i = 0; i < 100000 && l1_nmis < n; i++)
		cpu_relax();
}

static void nmi_exiting(void)
{
	enum vmx_end end;

	vmx_set_ctl(PIN_CONTROLS, PIN_NMI, 0);
	vmx_vcpu_set_entry(v, l2_self_nmi, NULL, 0);
	vmwrite(PREEMPTION_TIMER, 50000000);
	end = vmx_run(v);
	vmx_set_ctl(PIN_CONTROLS, 0, PIN_NMI);
	report(end == VMX_END_EXIT && v->exit.reason == EXIT_EXCEPTION && v->exit.intr_info == NMI_EXIT_INFO,
	       "NMI exiting: L2's self-NMI exits with reason 0, interruption information %#x [%s, info %#x] [SDM vol. 3C 26.2 Other Causes of VM Exits, 28.2.2 Information for VM Exits Due to Vectored Events]",
	       NMI_EXIT_INFO, end_str(v, end), v->exit.intr_info);
	if (end != VMX_END_EXIT || v->exit.reason != EXIT_EXCEPTION)
		return;
	/* The exit's NMI blocks L1's next one until L1's IRET. */
	l1_nmis = 0;
	apic_icr_write(APIC_ICR_NMI, self);
	wait_nmis(1);
	report(l1_nmis == 0, "after the NMI exit L1's own self-NMI is blocked until an IRET [%u taken] [SDM vol. 3C 28.1 Architectural State before a VM Exit]",
	       l1_nmis);
	iret_to_self();
	wait_nmis(1);
	report(l1_nmis == 1, "L1's IRET ends the blocking: the held NMI is taken [%u taken] [SDM vol. 3A 6.7.1 Handling Multiple NMIs]",
	       l1_nmis);
}

static void nmi_to_l2(void)
{
	enum vmx_end end;

	vmx_vcpu_set_entry(v, l2_self_nmi, NULL, 0);
	vmwrite(PREEMPTION_TIMER, 50000000);
	end = vmx_run(v);
	report(end == VMX_END_L2_FAULT && v->fault.vector == 2,
	       "no NMI exiting: L2 takes its self-NMI through its IDT (vector 2) [%s] [SDM vol. 3C 26.2 Other Causes of VM Exits]",
	       end_str(v, end));
	report(end == VMX_END_L2_FAULT && (vmread(GUEST_INTERRUPTIBILITY) & BLOCKING_BY_NMI),
	       "the next exit (L2's handler's VMCALL) saves blocking by NMI (interruptibility bit 3) [%#lx] [SDM vol. 3C 28.3.4 Saving Nonregister State]",
	       (unsigned long)vmread(GUEST_INTERRUPTIBILITY));
	vmwrite(GUEST_INTERRUPTIBILITY, 0);
	/* Whatever the exit left of that blocking in L1: an IRET ends it. */
	iret_to_self();
}

#define PIN_VIRTUAL_NMI (1U << 5)
#define INFO_NMI_UNBLOCKING (1U << 12)

/* IRETQ with CS = 0: #GP(0) on the IRET itself. */
void l2_bad_iret(void *arg);
__asm__(".text\n.balign 16\n.globl l2_bad_iret\nl2_bad_iret:\n\t"
	"mov %rsp, %rax\n\tmov %ss, %ecx\n\tpush %rcx\n\tpush %rax\n\tpushfq\n\t"
	"push $0\n\tlea 1f(%rip), %rax\n\tpush %rax\n\tiretq\n1:\tret\n");

static void faulting_iret(void)
{
	enum vmx_end end;

	if (!vmx_ctl_allowed(PIN_CONTROLS, PIN_NMI | PIN_VIRTUAL_NMI)) {
		report_skip("virtual NMIs: pin-based bits 3/5 not allowed");
		return;
	}
	vmx_set_ctl(PIN_CONTROLS, PIN_NMI | PIN_VIRTUAL_NMI, 0);
	vmwrite(EXCEPTION_BITMAP, 1U << GP_VECTOR);
	for (int blocked = 1; blocked >= 0; blocked--) {
		vmx_vcpu_set_entry(v, l2_bad_iret, NULL, 0);
		vmwrite(GUEST_INTERRUPTIBILITY, blocked ? BLOCKING_BY_NMI : 0);
		vmwrite(PREEMPTION_TIMER, 50000000);
		end = vmx_run(v);
		report(end == VMX_END_EXIT && v->exit.reason == EXIT_EXCEPTION && (v->exit.intr_info & 0xff) == GP_VECTOR &&
		       !!(v->exit.intr_info & INFO_NMI_UNBLOCKING) == blocked &&
		       !(vmread(GUEST_INTERRUPTIBILITY) & BLOCKING_BY_NMI),
		       "IRET faulting (#GP) with virtual-NMI blocking %s: interruption information bit 12 = %d, saved virtual-NMI blocking 0 [%s, info %#x, interruptibility %#lx] [SDM vol. 3C 28.2.2 Information for VM Exits Due to Vectored Events, 28.1 Architectural State before a VM Exit]",
		       blocked ? "on" : "off", blocked, end_str(v, end), v->exit.intr_info,
		       (unsigned long)vmread(GUEST_INTERRUPTIBILITY));
	}
	vmwrite(EXCEPTION_BITMAP, 0);
	vmwrite(GUEST_INTERRUPTIBILITY, 0);
	vmx_set_ctl(PIN_CONTROLS, 0, PIN_NMI | PIN_VIRTUAL_NMI);
}

/* IRETQ from a frame at arg (RSP = arg): the frame's page is not in EPT. */
void l2_iret_from(void *frame);
__asm__(".text\n.balign 16\n.globl l2_iret_from\nl2_iret_from:\n\tmov %rdi, %rsp\n\tiretq\n");

static void ept_iret(void)
{
	uint8_t *frame_page = alloc_page();
	enum vmx_end end;
	struct ept *e;

	if (!vmx_ctl_allowed(CPU_CONTROLS, CPU_SECONDARY) || !vmx_ctl_allowed(CPU_CONTROLS2, CPU2_EPT) ||
	    !vmx_ctl_allowed(PIN_CONTROLS, PIN_NMI | PIN_VIRTUAL_NMI)) {
		report_skip("IRET EPT violation: EPT (secondary bit 1) or virtual NMIs (pin bits 3/5) not allowed");
		return;
	}
	/* Without the blocking first, then with it, then without again (a stale blocking would show there). */
	e = ept_new();
	ept_unmap(e, (uintptr_t)frame_page);
	ept_enable(e);
	vmx_set_ctl(PIN_CONTROLS, PIN_NMI | PIN_VIRTUAL_NMI, 0);
	for (int blocked = 0; blocked <= 1; blocked++) {
		vmx_vcpu_set_entry(v, l2_iret_from, frame_page + 0x800, 0);
		vmwrite(GUEST_INTERRUPTIBILITY, blocked ? BLOCKING_BY_NMI : 0);
		vmwrite(PREEMPTION_TIMER, 50000000);
		end = vmx_run(v);
		report_deviation(blocked ? "vmx-iret-ept-nmi-unblocking" : NULL,
		       end == VMX_END_EXIT && v->exit.reason == EXIT_EPT_VIOLATION &&
		       !!(v->exit.qual & EPT_QUAL_NMI_UNBLOCKING) == blocked &&
		       !(vmread(GUEST_INTERRUPTIBILITY) & BLOCKING_BY_NMI),
		       "IRET reading its frame from a page not in EPT, virtual-NMI blocking %s: EPT violation, qualification bit 12 = %d, saved blocking 0 [%s, interruptibility %#lx] [SDM vol. 3C 28.2.1 Exit Qualification for EPT Violations, 28.1 Architectural State before a VM Exit]",
		       blocked ? "on" : "off", blocked, end_str(v, end), (unsigned long)vmread(GUEST_INTERRUPTIBILITY));
	}
	/* Again without: the entry loads interruptibility 0, so no blocking is left from the case before. */
	vmx_vcpu_set_entry(v, l2_iret_from, frame_page + 0x800, 0);
	vmwrite(GUEST_INTERRUPTIBILITY, 0);
	end = vmx_run(v);
	report_deviation("vmx-vnmi-blocking-stale",
			 end == VMX_END_EXIT && v->exit.reason == EXIT_EPT_VIOLATION &&
			 !(v->exit.qual & EPT_QUAL_NMI_UNBLOCKING) && !(vmread(GUEST_INTERRUPTIBILITY) & BLOCKING_BY_NMI),
			 "the same IRET once more, entered with interruptibility 0: bit 12 = 0, saved blocking 0 [%s, interruptibility %#lx] [SDM vol. 3C 27.7.1 Interruptibility State, 28.3.4 Saving Nonregister State]",
			 end_str(v, end), (unsigned long)vmread(GUEST_INTERRUPTIBILITY));
	vmwrite(GUEST_INTERRUPTIBILITY, 0);
	vmx_set_ctl(PIN_CONTROLS, 0, PIN_NMI | PIN_VIRTUAL_NMI);
	vmx_set_ctl(CPU_CONTROLS2, 0, CPU2_EPT);
}

void vmx_test_nmi(void)
{
	exception_handler old;
	void *bitmap;

	if (!vmx_ctl_allowed(PIN_CONTROLS, PIN_NMI | PIN_PREEMPTION_TIMER)) {
		report_skip("NMI exiting: pin-based bits 3 and 6 not allowed");
		return;
	}
	v = vmx_vcpu_new();
	if (!v)
		return;
	if (!apic_x2apic_mode())
		apic_enable();
	self = apic_id();
	if (apic_x2apic_mode()) {
		if (!vmx_ctl_allowed(CPU_CONTROLS, CPU_MSR_BITMAP)) {
			report_skip("NMI from L2 in x2APIC mode: MSR bitmaps (primary bit 28) not allowed");
			return;
		}
		bitmap = alloc_page();
		memset(bitmap, 0, PAGE_SIZE);
		vmwrite(MSR_BITMAP, (uintptr_t)bitmap);
		vmx_set_ctl(CPU_CONTROLS, CPU_MSR_BITMAP, 0);
	}
	vmx_set_ctl(PIN_CONTROLS, PIN_PREEMPTION_TIMER, 0);
	old = handle_exception(NMI_VECTOR, l1_nmi);
	nmi_to_l2();
	nmi_exiting();
	faulting_iret();
	ept_iret();
	handle_exception(NMI_VECTOR, old);
	vmx_set_ctl(PIN_CONTROLS, 0, PIN_PREEMPTION_TIMER);
}
