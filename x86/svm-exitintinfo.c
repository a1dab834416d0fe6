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
 */
#include "svm-tests.h"
#include <asm/desc.h>

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

void test_exitintinfo(void)
{
	const uint64_t ud = EVTINJ_VALID | EVTINJ_TYPE_EXCEPTION | UD_VECTOR;
	const uint64_t int40 = EVTINJ_VALID | EVTINJ_TYPE_SOFT_INT | 0x40;
	const uint64_t gp = EVTINJ_VALID | EVTINJ_EV | EVTINJ_TYPE_EXCEPTION | GP_VECTOR | (0x1234ULL << 32);
	struct svm_vcpu v;
	uint64_t root, stack_page;

	report_prefix_push("exitintinfo");
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
