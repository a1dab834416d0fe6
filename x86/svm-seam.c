/*
 * svm seam: SEAMCALL (66 0F 01 CF) and TDCALL (66 0F 01 CC) in an SVM guest.
 * They are Intel TDX instructions: AMD CPUs and emulators of them do not know
 * the opcodes, so L2 gets #UD like any undefined opcode, with no #VMEXIT,
 * unless L1 intercepts #UD (APM 15.12): then the exit is EXCP #UD (0x46) with
 * RIP at the instruction.
 */
#include "svm-tests.h"
#include <asm/desc.h>

#define SEAM_INSN(op, modrm)                                                  \
	__asm__(".text\n.globl l2_" #op "\nl2_" #op ":\n"                    \
		".globl l2_" #op "_insn\nl2_" #op "_insn:\n\t"               \
		".byte 0x66, 0x0f, 0x01, " #modrm "\n\tret\n");              \
	void l2_##op(void *arg);                                             \
	extern char l2_##op##_insn[]

SEAM_INSN(seamcall, 0xcf);
SEAM_INSN(tdcall, 0xcc);

static volatile int l2_vector;
static volatile u64 l2_fault_rip;

static void l2_try(void *arg)
{
	l2_vector = svm_l2_catch((svm_l2_fn)arg, NULL);
	l2_fault_rip = svm_l2_fault.rip;
}

static void seam_case(const char *name, svm_l2_fn fn, const char *insn)
{
	struct svm_vcpu v;

	report_prefix_push(name);
	/* #UD not intercepted: L2 handles it, the only exit is L2's final VMMCALL. */
	l2_vector = -2;
	svm_vcpu_init(&v, l2_try, fn);
	svm_vmrun(&v);
	expect_exit(&v, SVM_EXIT_VMMCALL, "#UD not intercepted: no exit until L2's end");
	report(v.exits == 1, "exactly one #VMEXIT (%u)", v.exits);
	report(l2_vector == UD_VECTOR && l2_fault_rip == (uintptr_t)insn,
	       "#UD in L2 at the instruction (got %s at %#llx, want %p)", exception_name(l2_vector),
	       (unsigned long long)l2_fault_rip, insn);

	/* #UD intercepted: L1 sees it first; skipping the 4 bytes lets L2 go on. */
	l2_vector = -2;
	svm_vcpu_init(&v, l2_try, fn);
	v.vmcb->control.intercept_exceptions = 1U << UD_VECTOR;
	svm_vmrun(&v);
	if (expect_exit(&v, SVM_EXIT_EXCP_BASE + UD_VECTOR, "#UD intercepted")) {
		report(v.vmcb->save.rip == (uintptr_t)insn, "RIP at the instruction (%#llx, want %p)",
		       (unsigned long long)v.vmcb->save.rip, insn);
		v.vmcb->save.rip += 4;
		svm_vmrun(&v);
		expect_exit(&v, SVM_EXIT_VMMCALL, "L1 skipped it: L2 ends normally");
		report(l2_vector == NO_EXCEPTION, "L2 saw no exception (%s)", exception_name(l2_vector));
	}
	report_prefix_pop();
}

/* L2 at CPL3: USER_CS/USER_DS and VMCB CPL 3 (APM 15.5.1: CPL comes from the VMCB). */
static void set_user(struct svm_vcpu *v)
{
	struct vmcb_save *s = &v->vmcb->save;
	struct vmcb_seg *segs[] = { &s->ss, &s->ds, &s->es };

	s->cs.sel = USER_CS;
	s->cs.attrib = svm_seg_attrib(USER_CS);
	for (unsigned i = 0; i < ARRAY_SIZE(segs); i++) {
		segs[i]->sel = USER_DS;
		segs[i]->attrib = svm_seg_attrib(USER_DS);
	}
	s->cpl = 3;
}

/*
 * At CPL3 the opcodes are as undefined as at CPL0 on an AMD CPU: #UD in L2
 * (through its IDT: the handler ends L2 with VMMCALL), or, with #UD
 * intercepted, EXCP #UD at the instruction with the VMCB's CPL 3.
 */
static void seam_case_cpl3(const char *name, svm_l2_fn fn, const char *insn)
{
	struct svm_vcpu v;

	report_prefix_pushf("%s at CPL3", name);
	svm_vcpu_init(&v, fn, NULL);
	set_user(&v);
	svm_l2_fault.vector = (uint64_t)-1;
	svm_vmrun(&v);
	expect_exit(&v, SVM_EXIT_VMMCALL, "#UD not intercepted: L2's #UD handler ends L2");
	report(svm_l2_fault.vector == UD_VECTOR && svm_l2_fault.rip == (uintptr_t)insn,
	       "#UD in L2 at the instruction (got %s at %#llx, want %p)", exception_name((int)svm_l2_fault.vector),
	       (unsigned long long)svm_l2_fault.rip, insn);
	svm_vcpu_init(&v, fn, NULL);
	set_user(&v);
	v.vmcb->control.intercept_exceptions = 1U << UD_VECTOR;
	svm_vmrun(&v);
	if (expect_exit(&v, SVM_EXIT_EXCP_BASE + UD_VECTOR, "#UD intercepted"))
		report(v.vmcb->save.rip == (uintptr_t)insn && v.vmcb->save.cpl == 3,
		       "RIP at the instruction, CPL 3 (%#llx, CPL %u)", (unsigned long long)v.vmcb->save.rip,
		       v.vmcb->save.cpl);
	report_prefix_pop();
}

void test_seam(void)
{
	report_prefix_push("seam");
	seam_case("SEAMCALL", l2_seamcall, l2_seamcall_insn);
	seam_case("TDCALL", l2_tdcall, l2_tdcall_insn);
	seam_case_cpl3("SEAMCALL", l2_seamcall, l2_seamcall_insn);
	seam_case_cpl3("TDCALL", l2_tdcall, l2_tdcall_insn);
	report_prefix_pop();
}
