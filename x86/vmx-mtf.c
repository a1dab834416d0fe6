/*
 * mtf: the monitor trap flag (primary processor-based control bit 27; Intel
 * SDM vol. 3C, 2024 numbering, order no. 326019):
 *   - 26.5.2 "Monitor Trap Flag": with the control set, an MTF VM exit
 *     (reason 37, qualification 0) is pending on the boundary after each
 *     instruction L2 completes; after an instruction that faults, after the
 *     delivery of the fault (RIP = the handler's first instruction); no MTF
 *     exit when another VM exit happens first (CPUID, an exception in the
 *     exception bitmap);
 *   - 27.7.8 "Pending MTF VM Exits" / 26.5.2: an entry that injects a
 *     vectored event has an MTF exit pending before the first instruction
 *     (RIP = the event's handler); injection of a pending MTF VM exit
 *     (interruption type 7, vector 0) exits before any instruction.
 */
#include "vmx-tests.h"

#define CPU_MTF (1U << 27)
#define EXIT_MTF 37
#define TYPE_HW_EXC 3U
#define TYPE_OTHER 7U
#define SDM_MTF "SDM vol. 3C 26.5.2 Monitor Trap Flag"
/* Bochs 2.7: with the control set, no MTF exit after L2's instructions (lib/x86/deviations.c). */
#define NO_STEP "vmx-mtf-no-step"
#define SDM_PENDING "SDM vol. 3C 27.7.8 Pending MTF VM Exits"

/* Three one-byte instructions, then RET: the steps MTF exits at. */
void l2_steps(void *arg);
void l2_cpuid_nop(void *arg);
extern char l2_step1[], l2_step2[], l2_step3[], l2_mtf_cpuid[], l2_mtf_after_cpuid[], l2_mtf_ud[];
__asm__(".text\n.balign 16\n.globl l2_steps\nl2_steps:\n\tnop\n"
	".globl l2_step1\nl2_step1:\n\tnop\n.globl l2_step2\nl2_step2:\n\tcld\n.globl l2_step3\nl2_step3:\n\tret\n"
	".balign 16\n.globl l2_cpuid_nop\nl2_cpuid_nop:\n\tpush %rbx\n\txor %eax, %eax\n\txor %ecx, %ecx\n"
	".globl l2_mtf_cpuid\nl2_mtf_cpuid:\n\tcpuid\n\tnop\n.globl l2_mtf_after_cpuid\nl2_mtf_after_cpuid:\n\t"
	"pop %rbx\n.globl l2_mtf_ud\nl2_mtf_ud:\n\tud2\n\tret\n");

static struct vmx_vcpu *v;

static bool mtf_at(enum vmx_end end, const void *rip)
{
	return end == VMX_END_EXIT && v->exit.reason == EXIT_MTF && v->exit.rip == (uintptr_t)rip &&
	       v->exit.qual == 0;
}

static uintptr_t idt_stub(unsigned vector)
{
	return (uintptr_t)vmx_l2_idt_stubs + 16 * vector;
}

static void single_step(void)
{
	static const struct {
		const char *what;
		const void *rip;
	} steps[] = {
		{ "after L2's first instruction (the entry stub's CALL)", l2_steps },
		{ "after NOP", l2_step1 },
		{ "after the second NOP", l2_step2 },
		{ "after CLD", l2_step3 },
		{ "after RET", vmx_l2_done },
	};
	enum vmx_end end;

	vmx_vcpu_set_entry(v, l2_steps, NULL, 0);
	vmx_set_ctl(CPU_CONTROLS, CPU_MTF, 0);
	for (unsigned i = 0; i < ARRAY_SIZE(steps); i++) {
		end = vmx_run(v);
		report_deviation(NO_STEP, mtf_at(end, steps[i].rip), "MTF %s: exit 37, qualification 0, RIP %p [%s] [" SDM_MTF "]",
		       steps[i].what, steps[i].rip, end_str(v, end));
	}
	vmx_set_ctl(CPU_CONTROLS, 0, CPU_MTF);
	end = vmx_run(v);
	report(end == VMX_END_DONE, "MTF cleared: L2 runs to its end [%s]", end_str(v, end));
}

static void priority(void)
{
	enum vmx_end end;

	/* CPUID exits unconditionally: that exit, no MTF exit after it. */
	vmx_vcpu_set_entry(v, l2_cpuid_nop, NULL, 0);
	vmx_set_ctl(CPU_CONTROLS, CPU_MTF, 0);
	do
		end = vmx_run(v);
	while (end == VMX_END_EXIT && v->exit.reason == EXIT_MTF && v->exit.rip <= (uintptr_t)l2_mtf_cpuid);
	report(end == VMX_END_EXIT && v->exit.reason == EXIT_CPUID && v->exit.rip == (uintptr_t)l2_mtf_cpuid,
	       "MTF and CPUID: the CPUID exit, at the instruction [%s] [" SDM_MTF "]", end_str(v, end));
	/* L1 emulates CPUID (skips it): no MTF exit is pending, the next one follows the NOP. */
	vmx_skip_insn(v);
	end = vmx_run(v);
	report_deviation(NO_STEP, mtf_at(end, l2_mtf_after_cpuid),
	       "MTF after L1 skipped CPUID: no exit at once, the next after the NOP [%s] [" SDM_MTF "]", end_str(v, end));
	/* POP; then UD2 faults in L2: the MTF exit follows the #UD's delivery. */
	end = vmx_run(v);
	report_deviation(NO_STEP, mtf_at(end, l2_mtf_ud), "MTF after POP [%s]", end_str(v, end));
	end = vmx_run(v);
	report_deviation(NO_STEP, mtf_at(end, (void *)idt_stub(6)),
	       "MTF on UD2: exit after the #UD is delivered, at L2's #UD handler [%s] [" SDM_MTF "]", end_str(v, end));

	/* The same UD2 with #UD in the exception bitmap: the exception exit wins. */
	vmx_vcpu_set_entry(v, l2_ud2, NULL, 0);
	vmwrite(EXCEPTION_BITMAP, 1U << 6);
	do
		end = vmx_run(v);
	while (end == VMX_END_EXIT && v->exit.reason == EXIT_MTF && v->exit.rip <= (uintptr_t)l2_ud2_insn);
	report(end == VMX_END_EXIT && v->exit.reason == EXIT_EXCEPTION && (v->exit.intr_info & 0xff) == 6 &&
	       v->exit.rip == (uintptr_t)l2_ud2_insn,
	       "MTF and #UD in the exception bitmap: exception exit at UD2, no MTF exit [%s] [" SDM_MTF "]",
	       end_str(v, end));
	vmwrite(EXCEPTION_BITMAP, 0);
	vmx_set_ctl(CPU_CONTROLS, 0, CPU_MTF);
}

static void pending_on_entry(void)
{
	enum vmx_end end;

	vmx_set_ctl(CPU_CONTROLS, CPU_MTF, 0);
	/* A vectored event injected: the MTF exit precedes the handler's first instruction. */
	vmx_vcpu_set_entry(v, l2_nop, NULL, 0);
	vmx_inject_exception(6, false, 0);
	end = vmx_run(v);
	report_deviation(NO_STEP, mtf_at(end, (void *)idt_stub(6)),
	       "MTF with #UD injected: exit at the #UD handler's first instruction [%s] [" SDM_MTF ", " SDM_PENDING "]",
	       end_str(v, end));
	/* Injection of a pending MTF VM exit: exits before L2's first instruction. */
	vmx_vcpu_set_entry(v, l2_nop, NULL, 0);
	vmwrite(ENTRY_INTR_INFO, INTR_INFO_VALID | TYPE_OTHER << 8 | 0);
	end = vmx_run(v);
	report_deviation("vmx-mtf-pending-late", mtf_at(end, vmx_l2_entry),
	       "pending MTF VM exit injected (type 7, vector 0): exit at the entry RIP [%s] [" SDM_PENDING "]",
	       end_str(v, end));
	vmx_set_ctl(CPU_CONTROLS, 0, CPU_MTF);
}

void vmx_test_mtf(void)
{
	if (!vmx_ctl_allowed(CPU_CONTROLS, CPU_MTF)) {
		report_skip("monitor trap flag: primary processor-based control bit 27 not allowed");
		return;
	}
	v = vmx_vcpu_new();
	if (!v)
		return;
	single_step();
	priority();
	pending_on_entry();
}
