/*
 * svm exitintinfo: an intercept while an injected event is being delivered
 * through L2's IDT (AMD APM vol. 2 15.7.2 Intercepts During IDT Interrupt
 * Delivery: EXITINTINFO holds the event, in the EVENTINJ format, with its
 * error code in bits 63:32; 15.20 Event Injection; 15.25.6 Nested versus
 * Guest Page Faults; Intel SDM / APM error code format: a gate beyond the
 * IDT limit is #GP(vector << 3 | IDT | EXT), EXT=1 while delivering an
 * exception, 0 for INT n).
 *   - #UD injected with L2's IDT limit below gate 6, #GP intercepted:
 *     #VMEXIT EXCP 13 with EXITINFO1 0x33, EXITINTINFO the #UD;
 *   - INT 0x40 injected (gate beyond L2's 32): EXITINFO1 0x202, EXITINTINFO
 *     the software interrupt;
 *   - #GP(0x1234) injected with L2's stack page not present in the nested
 *     page table: #NPF, EXITINTINFO the #GP with EV and 0x1234.
 *   - #UD, and an external interrupt, injected while a physical interrupt is
 *     pending (INTR intercepted):
 *     #VMEXIT INTR either before the delivery (EXITINTINFO the #UD, L2's RIP
 *     and RSP untouched) or after it (EXITINTINFO empty, L2 at its handler
 *     with the frame pushed), never both: a hypervisor re-injects what
 *     EXITINTINFO holds (15.7.2), so an event reported there after it was
 *     delivered is taken twice.
 *   - #UD injected with the page of L2's #UD handler not present in the
 *     nested page table: the delivery completes (frame pushed, RIP at the
 *     handler) and the fetch of the handler's first instruction takes the
 *     #NPF: EXITINTINFO empty, as that fetch is no part of the delivery.
 */
#include "svm-tests.h"
#include <asm/apic.h>
#include <asm/desc.h>
#include <asm/processor.h>

#define EVTINJ_VALID (1ULL << 31)
#define EVTINJ_EV (1ULL << 11)
#define EVTINJ_TYPE_EXCEPTION (3ULL << 8)
#define EVTINJ_TYPE_SOFT_INT (4ULL << 8)
#define APM_DELIVERY "APM vol. 2 15.7.2 Intercepts During IDT Interrupt Delivery"

static void l2_nothing(void *arg) { (void)arg; }

static void run(struct svm_vcpu *v, uint64_t evt, unsigned idt_limit, bool intercept_gp)
{
	svm_vcpu_init(v, l2_nothing, NULL);
	v->vmcb->save.idtr.limit = idt_limit;
	if (intercept_gp)
		v->vmcb->control.intercept_exceptions |= 1U << GP_VECTOR;
	v->vmcb->control.event_inj = evt;
	v->vmcb->control.exit_int_info = 0;
	svm_vmrun(v);
}

#define PENDING_VECTOR 0xe1

static volatile unsigned l1_irqs;

static void l1_irq(struct ex_regs *r)
{
	(void)r;
	l1_irqs++;
	apic_eoi();
}

void svm_l2_entry(void);   /* where L2 starts (lib/x86/svm-entry.S) */

/*
 * The last case above: inject evt (what) at a VMRUN that a pending interrupt
 * ends at once. Also with an external interrupt (type 0), what KVM injects
 * into its guests: QEMU delivers that type inside VMRUN, exceptions after it.
 */
static void injected_and_intr(uint64_t evt, const char *what)
{
	exception_handler old = handle_exception(PENDING_VECTOR, l1_irq);
	struct svm_vcpu v;
	uint64_t rsp0, eii;
	bool before, after;
	char name[40];

	apic_enable();
	irq_disable();
	apic_quiet_legacy();   /* the legacy PIC's timer would interrupt too */
	l1_irqs = 0;
	svm_vcpu_init(&v, l2_nothing, NULL);
	v.host_if = true;
	rsp0 = v.vmcb->save.rsp;
	apic_self_ipi_pending(PENDING_VECTOR);
	v.vmcb->control.event_inj = evt;
	v.vmcb->control.exit_int_info = 0;
	svm_l2_fault.vector = (uint64_t)-1;
	svm_vmrun(&v);
	eii = v.vmcb->control.exit_int_info;
	irq_enable();
	__asm__ volatile("nop");
	irq_disable();
	handle_exception(PENDING_VECTOR, old);
	if (v.vmcb->control.exit_code != SVM_EXIT_INTR) {
		/* Bochs: L2's IF=0 holds the physical interrupt too (svm-intercept's row svm-intr-l2-if). */
		report_skip("injected %s with an interrupt pending: no #VMEXIT INTR to look at (%s; L1 IRQs %u)", what,
			    svm_exit_name(v.vmcb->control.exit_code, name, sizeof(name)), l1_irqs);
		return;
	}
	before = eii == evt && v.vmcb->save.rip == (uintptr_t)svm_l2_entry && v.vmcb->save.rsp == rsp0;
	after = !(eii & EVTINJ_VALID) && v.vmcb->save.rip != (uintptr_t)svm_l2_entry && v.vmcb->save.rsp < rsp0;
	report_info("injected %s, interrupt pending: #VMEXIT INTR %s the delivery", what, after ? "after" : "before");
	report(before || after,
	       "injected %s, interrupt pending, #VMEXIT INTR: EXITINTINFO %#llx with L2 at RIP %#llx RSP %#llx "
	       "(start %#llx, %#llx): the event either undelivered and held or delivered and not held "
	       "[" APM_DELIVERY "; APM vol. 2 15.20 Event Injection]",
	       what, (unsigned long long)eii, (unsigned long long)v.vmcb->save.rip, (unsigned long long)v.vmcb->save.rsp,
	       (unsigned long long)(uintptr_t)svm_l2_entry, (unsigned long long)rsp0);
}

extern const uint64_t svm_l2_vectors[32];   /* L2's exception stubs (lib/x86/svm-entry.S) */

/* The last case above: the #NPF comes at the handler's first instruction, after the delivery. */
static void injected_then_fetch_npf(uint64_t ud)
{
	uint64_t root = npt_create(), handler = svm_l2_vectors[UD_VECTOR], page = handler & ~0xfffULL, rsp0;
	struct svm_vcpu v;

	svm_vcpu_init(&v, l2_nothing, NULL);
	rsp0 = v.vmcb->save.rsp;
	npt_set_flags(root, page, 0, NPT_PRESENT);
	svm_vcpu_enable_npt(&v, root);
	v.vmcb->control.event_inj = ud;
	v.vmcb->control.exit_int_info = 0;
	svm_vmrun(&v);
	if (!expect_exit(&v, SVM_EXIT_NPF, "injected #UD, the page of L2's #UD handler not present in the nested page table"))
		return;
	report((v.vmcb->control.exit_info_2 & ~0xfffULL) == page && (v.vmcb->control.exit_info_1 & (1U << 4)) &&
	       v.vmcb->save.rip == handler && v.vmcb->save.rsp < rsp0,
	       "injected #UD: the #NPF is the fetch at the handler %#llx (EXITINFO1 %#llx, GPA %#llx), after the "
	       "frame was pushed (RSP %#llx, was %#llx) [APM vol. 2 15.25.6 Nested versus Guest Page Faults]",
	       (unsigned long long)handler, (unsigned long long)v.vmcb->control.exit_info_1,
	       (unsigned long long)v.vmcb->control.exit_info_2, (unsigned long long)v.vmcb->save.rsp,
	       (unsigned long long)rsp0);
	report(!(v.vmcb->control.exit_int_info & EVTINJ_VALID),
	       "injected #UD, #NPF at the handler's first instruction: EXITINTINFO holds no event (%#llx): the "
	       "delivery was done, a hypervisor re-injecting it would deliver it twice [" APM_DELIVERY "]",
	       (unsigned long long)v.vmcb->control.exit_int_info);
}

void test_exitintinfo(void)
{
	const uint64_t ud = EVTINJ_VALID | EVTINJ_TYPE_EXCEPTION | UD_VECTOR;
	const uint64_t int40 = EVTINJ_VALID | EVTINJ_TYPE_SOFT_INT | 0x40;
	const uint64_t gp = EVTINJ_VALID | EVTINJ_EV | EVTINJ_TYPE_EXCEPTION | GP_VECTOR | (0x1234ULL << 32);
	struct svm_vcpu v;
	uint64_t root, stack_page;

	report_prefix_push("exitintinfo");
	injected_and_intr(ud, "#UD");
	injected_and_intr(EVTINJ_VALID | 31, "external interrupt 31");
	run(&v, ud, UD_VECTOR * 16 - 1, true);
	expect_exit(&v, SVM_EXIT_EXCP_BASE + GP_VECTOR, "injected #UD, gate 6 beyond L2's IDT limit, #GP intercepted");
	report(v.vmcb->control.exit_int_info == ud, "injected #UD: EXITINTINFO %#llx [%#llx] [" APM_DELIVERY "]",
	       (unsigned long long)ud, (unsigned long long)v.vmcb->control.exit_int_info);
	report_deviation("svm-idt-gp-ext", v.vmcb->control.exit_info_1 == (UD_VECTOR << 3 | 2 | 1),
			 "injected #UD: EXITINFO1, the #GP error code, 0x33 (index 6, IDT, EXT) [%#llx] [SDM vol. 3A 6.13 Error Code]",
			 (unsigned long long)v.vmcb->control.exit_info_1);

	run(&v, int40, 32 * 16 - 1, true);
	expect_exit(&v, SVM_EXIT_EXCP_BASE + GP_VECTOR, "injected INT 0x40, gate beyond L2's 32, #GP intercepted");
	report(v.vmcb->control.exit_int_info == int40, "injected INT 0x40: EXITINTINFO %#llx [%#llx] [" APM_DELIVERY "]",
	       (unsigned long long)int40, (unsigned long long)v.vmcb->control.exit_int_info);
	report_deviation("idt-error-code", v.vmcb->control.exit_info_1 == (0x40 << 3 | 2),
			 "injected INT 0x40: EXITINFO1, the #GP error code, 0x202 (index 0x40, IDT, EXT=0) [%#llx] [SDM vol. 3A 6.13 Error Code]",
			 (unsigned long long)v.vmcb->control.exit_info_1);

	if (!(svm_features() & SVM_FEAT_NPT)) {
		report_skip("#NPF during delivery: nested paging, CPUID 0x8000000A:EDX[0]=0");
		report_prefix_pop();
		return;
	}
	injected_then_fetch_npf(ud);
	root = npt_create();
	svm_vcpu_init(&v, l2_nothing, NULL);
	stack_page = (v.vmcb->save.rsp - 8) & ~0xfffULL;
	npt_set_flags(root, stack_page, 0, NPT_PRESENT);
	svm_vcpu_enable_npt(&v, root);
	v.vmcb->control.event_inj = gp;
	v.vmcb->control.exit_int_info = 0;
	svm_vmrun(&v);
	expect_exit(&v, SVM_EXIT_NPF, "injected #GP(0x1234), L2's stack page not present in the nested page table");
	report(v.vmcb->control.exit_int_info == gp && (v.vmcb->control.exit_info_2 & ~0xfffULL) == stack_page,
	       "injected #GP(0x1234): #NPF at the stack page %#llx, EXITINTINFO %#llx (EV, error code in 63:32) [%#llx, GPA %#llx] [" APM_DELIVERY ", APM vol. 2 15.25.6]",
	       (unsigned long long)stack_page, (unsigned long long)gp, (unsigned long long)v.vmcb->control.exit_int_info,
	       (unsigned long long)v.vmcb->control.exit_info_2);
	report_prefix_pop();
}
