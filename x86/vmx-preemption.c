/*
 * preemption-timer: the VMX-preemption timer (pin-based control bit 6; Intel
 * SDM vol. 3C, 2024 numbering, order no. 326019):
 *   - 26.5.1 "VMX-Preemption Timer": counts down by 1 each time bit X of the
 *     TSC changes, X = IA32_VMX_MISC[4:0]; at 0 a VM exit with reason 52.
 *     The bounds here are the TSC's own: from a value N, L1 sees at least
 *     (N - 1) << X TSC ticks between VM entry and the exit, and L2, reading
 *     the TSC in a loop, sees at most (N + 1) << X between its first and its
 *     last read;
 *   - 27.7.4 "VMX-Preemption Timer": a value of 0 at VM entry exits before
 *     L2's first instruction;
 *   - 28.3.4 "Saving Nonregister State": with "save VMX-preemption timer
 *     value" (VM-exit control bit 22) an exit stores the remaining count
 *     (0 when the timer caused it); without it the field keeps the value
 *     that was loaded.
 *   - 26.2 "Other Causes of VM Exits", 27.7.2 "Activity State": timer exits
 *     wake the processor from the shutdown state (activity state 2,
 *     IA32_VMX_MISC[7]), interrupt-window exits do not occur in it, NMI-window
 *     exits wake it; 28.3.4: the exit saves the activity state it ended.
 * The timer in the HLT activity state is in x86/vmx-inject.c.
 */
#include "vmx-tests.h"
#include <asm/processor.h>

#define EXIT_SAVE_TIMER (1U << 22)
#define SDM_TIMER "SDM vol. 3C 26.5.1 VMX-Preemption Timer"
#define SDM_SAVE "SDM vol. 3C 28.3.4 Saving Nonregister State"

/* out[0] = the first TSC L2 reads, out[1] = the last; loops until the timer exits. */
void l2_tsc_loop(void *out);
__asm__(".text\n.balign 16\n.globl l2_tsc_loop\nl2_tsc_loop:\n\t"
	"rdtsc\n\tshl $32, %rdx\n\tor %rdx, %rax\n\tmov %rax, (%rdi)\n"
	"1:\trdtsc\n\tshl $32, %rdx\n\tor %rdx, %rax\n\tmov %rax, 8(%rdi)\n\tjmp 1b\n");

static struct vmx_vcpu *v;

static bool timer_exit(enum vmx_end end)
{
	return end == VMX_END_EXIT && v->exit.reason == EXIT_PREEMPTION_TIMER;
}

static void zero_at_entry(void)
{
	enum vmx_end end;

	vmx_vcpu_set_entry(v, l2_nop, NULL, 0);
	vmwrite(PREEMPTION_TIMER, 0);
	end = vmx_run(v);
	report(timer_exit(end) && v->exit.rip == (uintptr_t)vmx_l2_entry,
	       "timer 0 at VM entry: exit 52 before L2's first instruction [%s] [SDM vol. 3C 27.7.4 VMX-Preemption Timer]",
	       end_str(v, end));
}

static void rate(unsigned x)
{
	static volatile uint64_t tsc[2];
	const uint64_t n = 20000;
	uint64_t t0, t1, l2_span;
	enum vmx_end end;

	vmx_vcpu_set_entry(v, l2_tsc_loop, (void *)tsc, 0);
	tsc[0] = tsc[1] = 0;
	vmwrite(PREEMPTION_TIMER, n);
	t0 = rdtsc();
	end = vmx_run(v);
	t1 = rdtsc();
	l2_span = tsc[1] - tsc[0];
	report_info("timer %lu, rate TSC >> %u: L1 saw %lu TSC ticks around the run, L2 %lu between its reads",
		    (unsigned long)n, x, (unsigned long)(t1 - t0), (unsigned long)l2_span);
	report(timer_exit(end), "timer %lu: a looping L2 exits with reason 52 [%s] [" SDM_TIMER "]",
	       (unsigned long)n, end_str(v, end));
	report(t1 - t0 >= (n - 1) << x,
	       "timer %lu: no exit before (N - 1) << IA32_VMX_MISC[4:0] = %lu TSC ticks [L1 saw %lu] [" SDM_TIMER "]",
	       (unsigned long)n, (unsigned long)((n - 1) << x), (unsigned long)(t1 - t0));
	report(tsc[1] > tsc[0] && l2_span <= (n + 1) << x,
	       "timer %lu: L2 ran and saw at most (N + 1) << IA32_VMX_MISC[4:0] = %lu TSC ticks before the exit [%lu] [" SDM_TIMER "]",
	       (unsigned long)n, (unsigned long)((n + 1) << x), (unsigned long)l2_span);
}

static void save_value(unsigned x)
{
	const uint64_t n = 10000000;
	uint64_t inout = 0, t0, t1, left;
	enum vmx_end end;

	/* Without the save control the field keeps what the entry loaded. */
	vmx_vcpu_set_entry(v, l2_vmcall, &inout, 0);
	vmwrite(PREEMPTION_TIMER, n);
	end = vmx_run(v);
	report(end == VMX_END_EXIT && v->exit.reason == EXIT_VMCALL && vmread(PREEMPTION_TIMER) == n,
	       "save control 0: the timer-value field still holds %lu after a VMCALL exit [%s, field %lu] [" SDM_SAVE "]",
	       (unsigned long)n, end_str(v, end), (unsigned long)vmread(PREEMPTION_TIMER));

	if (!vmx_ctl_allowed(EXIT_CONTROLS, EXIT_SAVE_TIMER)) {
		report_skip("save VMX-preemption timer value: VM-exit control bit 22 not allowed");
		return;
	}
	vmx_set_ctl(EXIT_CONTROLS, EXIT_SAVE_TIMER, 0);
	vmx_vcpu_set_entry(v, l2_vmcall, &inout, 0);
	vmwrite(PREEMPTION_TIMER, n);
	t0 = rdtsc();
	end = vmx_run(v);
	t1 = rdtsc();
	left = vmread(PREEMPTION_TIMER);
	report(end == VMX_END_EXIT && v->exit.reason == EXIT_VMCALL && left > 0 && left <= n &&
	       n - left <= ((t1 - t0) >> x) + 1,
	       "save control 1: a VMCALL exit stores the count left, %lu - %lu <= (TSC ticks %lu >> %u) + 1 [%s] [" SDM_SAVE "]",
	       (unsigned long)n, (unsigned long)left, (unsigned long)(t1 - t0), x, end_str(v, end));
	/* The resumed run counts on from the stored value (the VMCALL is not skipped: it exits again). */
	vmx_vcpu_set_entry(v, l2_spin, NULL, 0);
	vmwrite(PREEMPTION_TIMER, 3000);
	end = vmx_run(v);
	report(timer_exit(end) && vmread(PREEMPTION_TIMER) == 0,
	       "save control 1: the timer's own exit stores 0 [%s, field %lu] [" SDM_SAVE "]", end_str(v, end),
	       (unsigned long)vmread(PREEMPTION_TIMER));
	vmx_set_ctl(EXIT_CONTROLS, 0, EXIT_SAVE_TIMER);
}

#define ACTIVITY_SHUTDOWN 2
#define MISC_SHUTDOWN (1ULL << 7)
#define CPU_INTR_WINDOW (1U << 2)
#define CPU_NMI_WINDOW (1U << 22)
#define PIN_VIRTUAL_NMI (1U << 5)
#define SDM_OTHER "SDM vol. 3C 26.2 Other Causes of VM Exits"

static void shutdown_state(void)
{
	enum vmx_end end;

	if (!(vmx_cap(MSR_IA32_VMX_MISC) & MISC_SHUTDOWN)) {
		report_skip("shutdown activity state: IA32_VMX_MISC[7]=0");
		return;
	}
	vmx_vcpu_set_entry(v, l2_nop, NULL, 0);
	vmwrite(GUEST_ACTIVITY, ACTIVITY_SHUTDOWN);
	vmwrite(PREEMPTION_TIMER, 3000);
	end = vmx_run(v);
	report(timer_exit(end) && v->exit.rip == (uintptr_t)vmx_l2_entry && vmread(GUEST_ACTIVITY) == ACTIVITY_SHUTDOWN,
	       "shutdown state at entry: the preemption timer wakes it (exit 52), RIP unchanged, activity state 2 saved [%s, activity %lu] [" SDM_OTHER ", " SDM_SAVE "]",
	       end_str(v, end), (unsigned long)vmread(GUEST_ACTIVITY));

	if (vmx_ctl_allowed(CPU_CONTROLS, CPU_INTR_WINDOW)) {
		vmx_vcpu_set_entry(v, l2_nop, NULL, 0);
		vmwrite(GUEST_RFLAGS, 0x2 | X86_EFLAGS_IF);
		vmwrite(GUEST_ACTIVITY, ACTIVITY_SHUTDOWN);
		vmwrite(PREEMPTION_TIMER, 3000);
		vmx_set_ctl(CPU_CONTROLS, CPU_INTR_WINDOW, 0);
		end = vmx_run(v);
		vmx_set_ctl(CPU_CONTROLS, 0, CPU_INTR_WINDOW);
		report(timer_exit(end) && vmread(GUEST_ACTIVITY) == ACTIVITY_SHUTDOWN,
		       "shutdown state, IF=1, interrupt-window exiting: no exit 7, the timer's 52 [%s] [" SDM_OTHER "]",
		       end_str(v, end));
	} else {
		report_skip("interrupt window in shutdown: primary processor-based control bit 2 not allowed");
	}

	if (vmx_ctl_allowed(PIN_CONTROLS, PIN_NMI | PIN_VIRTUAL_NMI) && vmx_ctl_allowed(CPU_CONTROLS, CPU_NMI_WINDOW)) {
		vmx_vcpu_set_entry(v, l2_nop, NULL, 0);
		vmwrite(GUEST_ACTIVITY, ACTIVITY_SHUTDOWN);
		vmwrite(PREEMPTION_TIMER, 10000000);   /* a backstop only */
		vmx_set_ctl(PIN_CONTROLS, PIN_NMI | PIN_VIRTUAL_NMI, 0);
		vmx_set_ctl(CPU_CONTROLS, CPU_NMI_WINDOW, 0);
		end = vmx_run(v);
		vmx_set_ctl(CPU_CONTROLS, 0, CPU_NMI_WINDOW);
		vmx_set_ctl(PIN_CONTROLS, 0, PIN_NMI | PIN_VIRTUAL_NMI);
		report(end == VMX_END_EXIT && v->exit.reason == 8 && v->exit.rip == (uintptr_t)vmx_l2_entry,
		       "shutdown state, NMI-window exiting: exit 8 wakes it at the entry RIP [%s, activity %lu] [SDM vol. 3C 27.7.6 NMI-Window Exiting]",
		       end_str(v, end), (unsigned long)vmread(GUEST_ACTIVITY));
	} else {
		report_skip("NMI window in shutdown: pin-based bits 3/5 or primary processor-based bit 22 not allowed");
	}
	vmwrite(GUEST_ACTIVITY, 0);
}

void vmx_test_preemption_timer(void)
{
	unsigned x = vmx_cap(MSR_IA32_VMX_MISC) & 0x1f;

	if (!vmx_ctl_allowed(PIN_CONTROLS, PIN_PREEMPTION_TIMER)) {
		report_skip("VMX-preemption timer: pin-based control bit 6 not allowed");
		return;
	}
	v = vmx_vcpu_new();
	if (!v)
		return;
	vmx_set_ctl(PIN_CONTROLS, PIN_PREEMPTION_TIMER, 0);
	zero_at_entry();
	rate(x);
	save_value(x);
	shutdown_state();
}
