/*
 * init-sipi: INIT and SIPI sent through the local APIC to a second CPU that
 * runs L2 (Intel SDM vol. 3C, 2024 numbering, order no. 326019; vol. 2
 * VMXON/VMXOFF):
 *   - 26.2 "Other Causes of VM Exits" / 28.1 "Architectural State before a
 *     VM Exit": an INIT that arrives while the processor is not in the
 *     wait-for-SIPI state causes a VM exit directly (basic reason 3), and
 *     nothing else: it is not pending afterwards;
 *   - 25.8 "Restrictions on VMX Operation", VMXON/VMXOFF: INIT is blocked
 *     in VMX root operation (VMXON blocks it, VMXOFF unblocks it), not in
 *     VMX non-root operation: the INIT that came while L1 ran is held, not
 *     acted on (the CPU is not reset), and exits at the next VM entry, before
 *     L2's first instruction, as non-root operation does not block it;
 *   - 28.2.1 "Basic VM-Exit Information": a SIPI that arrives in the
 *     wait-for-SIPI activity state (3, IA32_VMX_MISC[8]) exits with reason 4
 *     and the SIPI's vector in bits 7:0 of the exit qualification; 26.2:
 *     VMX-preemption timer exits do not occur in the wait-for-SIPI state
 *     (27.7.4: not even with the timer at 0 at entry); INIT is blocked in
 *     the wait-for-SIPI state (no exit), held until the next entry into the
 *     active state, which it exits before L2's first instruction; an INIT
 *     to L2 in the HLT activity state exits with HLT saved (28.3.4).
 * CPU 1 is L1 and runs L2; CPU 0 sends the IPIs and checks what CPU 1
 * recorded. Waits for CPU 1 are bounded by the TSC (generously), the short
 * delays that give an IPI time to act by loop counts.
 */
#include "vmx-tests.h"
#include <asm/apic.h>
#include <asm/processor.h>
#include <asm/smp.h>

#define EXIT_INIT 3
#define EXIT_SIPI 4
#define ACTIVITY_WAIT_SIPI 3
#define MISC_WAIT_SIPI (1ULL << 8)
#define SIPI_VECTOR 0x9a
#define BACKSTOP_TIMER 20000000     /* the preemption timer ends an L2 that no INIT stopped */
/* Waits for CPU 1's progress: TSC-bounded, generous (a loaded host may not run a vCPU thread for long). */
#define WAIT_TSC (10 * APIC_WAIT_TSC)
#define SDM_INIT "SDM vol. 3C 26.2 Other Causes of VM Exits, 28.1 Architectural State before a VM Exit"
#define STEP_DONE 14
#define ACTIVITY_HLT 1
#define MISC_HLT (1ULL << 6)
#define SDM_SIPI "SDM vol. 3C 28.2.1 Basic VM-Exit Information, 26.2 Other Causes of VM Exits"
#define NO_SIPI_EXIT "vmx-wait-sipi-no-exit"
#define SDM_BLOCK "SDM vol. 3C 25.8 Restrictions on VMX Operation; vol. 2B VMXON, VMXOFF: INIT blocked in VMX root operation"

/* L2: says it runs, then spins until an event takes it out. */
void l2_flag_spin(void *flag);
__asm__(".text\n.balign 16\n.globl l2_flag_spin\nl2_flag_spin:\n\tmovl $1, (%rdi)\n1:\tpause\n\tjmp 1b\n");

struct run {
	enum vmx_end end;
	uint32_t reason;
	uint64_t qual, rip, activity;
	int l2_ran;
};

/* What CPU 1 did, step by step; CPU 0 moves it on with go. */
static struct {
	volatile int step, go;
	volatile int l2_flag;
	bool timer, wait_sipi, hlt;
	struct run run[8];
} ap;

static void record(struct vmx_vcpu *v, enum vmx_end end, struct run *r)
{
	*r = (struct run){ end, v->exit.reason, v->exit.qual, v->exit.rip, vmread(GUEST_ACTIVITY), ap.l2_flag };
}

/*
 * One VM entry into L2's flag loop: in ACTIVITY (0: active), with the
 * preemption timer at TIMER; STEP (unless negative) is published right
 * before the entry; the end goes to R, and L2's activity is back to active.
 */
static void enter_l2(struct vmx_vcpu *v, unsigned activity, uint64_t timer, int step, struct run *r)
{
	vmx_vcpu_set_entry(v, l2_flag_spin, (void *)&ap.l2_flag, 0);
	if (activity)
		vmwrite(GUEST_ACTIVITY, activity);
	vmwrite(PREEMPTION_TIMER, timer);
	ap.l2_flag = 0;
	if (step >= 0)
		ap.step = step;
	record(v, vmx_run(v), r);
	if (activity)
		vmwrite(GUEST_ACTIVITY, 0);
}

static void wait_go(int n)
{
	while (ap.go < n)
		cpu_relax();
}

/* CPU 1: the L1 hypervisor whose L2 gets the IPIs. */
static void ap_l1(void *arg)
{
	struct vmx_vcpu *v;

	(void)arg;
	if (!vmx_on() || !(v = vmx_vcpu_new())) {
		ap.step = -1;
		return;
	}
	if (ap.timer)
		vmx_set_ctl(PIN_CONTROLS, PIN_PREEMPTION_TIMER, 0);
	/* 1: INIT while L2 runs. */
	enter_l2(v, 0, BACKSTOP_TIMER, 1, &ap.run[0]);
	/* 1b: the INIT was that exit: the next entry runs L2 until the timer ends it. */
	vmx_vcpu_set_entry(v, l2_flag_spin, (void *)&ap.l2_flag, 0);
	vmwrite(PREEMPTION_TIMER, ap.timer ? 2000000 : 0);
	ap.l2_flag = 0;
	if (ap.timer)
		record(v, vmx_run(v), &ap.run[7]);
	ap.step = 2;
	/* 2: INIT while L1 runs in VMX root operation: CPU 1 must carry on. */
	wait_go(2);
	for (unsigned i = 0; i < 200000; i++)
		cpu_relax();
	ap.step = 3;
	/* 3: the next VM entry, with the INIT held. */
	wait_go(3);
	enter_l2(v, 0, BACKSTOP_TIMER, -1, &ap.run[1]);
	ap.step = 4;
	/* 4, 5: wait-for-SIPI, the second time with the timer at 0; CPU 0 repeats the SIPI until the exit is seen. */
	for (int i = 0; i < 2 && ap.wait_sipi; i++) {
		wait_go(4 + i);
		vmx_vcpu_set_entry(v, l2_flag_spin, (void *)&ap.l2_flag, 0);
		vmwrite(GUEST_ACTIVITY, ACTIVITY_WAIT_SIPI);
		vmwrite(PREEMPTION_TIMER, i ? 0 : BACKSTOP_TIMER);
		if (i && !ap.timer)
			break;
		ap.l2_flag = 0;
		ap.step = 5 + 2 * i;
		record(v, vmx_run(v), &ap.run[2 + i]);
		vmwrite(GUEST_ACTIVITY, 0);
		ap.step = 6 + 2 * i;
	}
	/* 6: INIT in wait-for-SIPI (blocked), then the SIPI's exit; 7: the held INIT at the next entry. */
	if (ap.wait_sipi && ap.timer) {
		wait_go(6);
		enter_l2(v, ACTIVITY_WAIT_SIPI, BACKSTOP_TIMER, 9, &ap.run[4]);
		ap.step = 10;
		wait_go(7);
		enter_l2(v, 0, BACKSTOP_TIMER, -1, &ap.run[5]);
		ap.step = 11;
	}
	/* 8: INIT while L2 is in the HLT activity state. */
	if (ap.hlt) {
		wait_go(8);
		enter_l2(v, ACTIVITY_HLT, BACKSTOP_TIMER, 12, &ap.run[6]);
		ap.step = 13;
	}
	vmx_set_ctl(PIN_CONTROLS, 0, PIN_PREEMPTION_TIMER);
	vmx_off();
	ap.step = STEP_DONE;
}

static bool wait_step(int n)
{
	uint64_t start = rdtsc();

	while (ap.step < n && ap.step >= 0 && rdtsc() - start < WAIT_TSC)
		cpu_relax();
	return ap.step >= n;
}

/* CPU 1 enters wait-for-SIPI at step done - 1: SIPIs until it reaches done (a SIPI before its entry is lost). */
static bool sipi_until(int done)
{
	unsigned dest = cpus[1].apic_id;

	wait_step(done - 1);
	for (unsigned i = 0; i < 1000 && ap.step == done - 1; i++) {
		apic_icr_write(APIC_ICR_STARTUP | SIPI_VECTOR, dest);
		for (unsigned j = 0; j < 20000 && ap.step == done - 1; j++)
			cpu_relax();
	}
	if (wait_step(done))
		return true;
	report_fail("CPU 1 stayed in L2's wait-for-SIPI state after 1000 SIPIs (step %d)", ap.step);
	return false;
}

static const char *run_str(const struct run *r)
{
	static char buf[160];

	snprintf(buf, sizeof(buf), "end %d, exit reason %#x qual %#lx at RIP %#lx, activity %lu, L2 ran %d", r->end,
		 r->reason, (unsigned long)r->qual, (unsigned long)r->rip, (unsigned long)r->activity,
		 r->l2_ran);
	return buf;
}

/* 8: INIT to L2 halted (activity state HLT): an exit, the activity state saved HLT; then CPU 1 ends. */
static void init_in_hlt_and_finish(void)
{
	const struct run *r;

	if (ap.hlt) {
		ap.go = 8;
		if (!wait_step(12))
			return;
		/* CPU 1 sets step 12 just before its entry: give it time to be halted in L2. */
		for (unsigned i = 0; i < 200000; i++)
			cpu_relax();
		apic_icr_write(APIC_ICR_INIT | APIC_ICR_LEVEL_ASSERT, cpus[1].apic_id);
		if (!wait_step(13)) {
			report_fail("CPU 1 did not come back from the halted L2 (step %d)", ap.step);
			return;
		}
		r = &ap.run[6];
		report_deviation("vmx-init-hlt-activity",
				 r->end == VMX_END_EXIT && r->reason == EXIT_INIT && r->rip == (uintptr_t)vmx_l2_entry &&
				 r->activity == ACTIVITY_HLT && !r->l2_ran,
				 "INIT to L2 in the HLT activity state: exit 3 at the entry RIP, activity state 1 (HLT) saved [%s] [" SDM_INIT ", 28.3.4 Saving Nonregister State]",
				 run_str(r));
	} else {
		report_skip("INIT in the HLT activity state: IA32_VMX_MISC[6]=0 or no preemption timer");
	}
	/* A bounded loop, not WAIT_TSC: CPU 1 may never get there (Bochs 2.7 resets it at its VMXOFF). */
	for (unsigned i = 0; i < 20000000 && ap.step != STEP_DONE; i++)
		cpu_relax();
	if (ap.step == STEP_DONE)
		on_cpu_wait(1);
	else
		report_info("CPU 1 did not get past step %d (its VMXOFF after the last exit)", ap.step);
}

/* 6, 7: INIT to L2 in wait-for-SIPI is blocked; the SIPI exits; the held INIT exits at the next entry. */
static void init_in_wait_sipi(void)
{
	const struct run *r;
	bool blocked;

	ap.go = 6;
	wait_step(9);
	apic_icr_write(APIC_ICR_INIT | APIC_ICR_LEVEL_ASSERT, cpus[1].apic_id);
	for (unsigned i = 0; i < 200000 && ap.step == 9; i++)
		cpu_relax();
	blocked = ap.step == 9;
	report(blocked, "INIT to L2 in the wait-for-SIPI state: blocked, no VM exit [step %d, %s] [SDM vol. 3C 26.2 Other Causes of VM Exits]",
	       ap.step, blocked ? "still waiting" : run_str(&ap.run[4]));
	if (!blocked || !sipi_until(10))
		return;
	r = &ap.run[4];
	report(r->end == VMX_END_EXIT && r->reason == EXIT_SIPI && !r->l2_ran,
	       "the SIPI after the blocked INIT: exit 4 [%s] [" SDM_SIPI "]", run_str(r));
	ap.go = 7;
	if (!wait_step(11))
		return;
	r = &ap.run[5];
	report(r->end == VMX_END_EXIT && r->reason == EXIT_INIT && r->rip == (uintptr_t)vmx_l2_entry && !r->l2_ran,
	       "the INIT blocked in wait-for-SIPI stays pending: exit 3 right after the next VM entry to the active state [%s] [SDM vol. 3C 26.2 Other Causes of VM Exits; " SDM_BLOCK "]",
	       run_str(r));
}

void vmx_test_init_sipi(void)
{
	unsigned dest;
	const struct run *r;

	if (nr_cpus() < 2) {
		report_skip("INIT/SIPI to L2: needs a second CPU (smp = 2), have %d", nr_cpus());
		return;
	}
	if (!apic_x2apic_mode())
		apic_enable();
	dest = cpus[1].apic_id;
	memset((void *)&ap, 0, sizeof(ap));
	ap.timer = vmx_ctl_allowed(PIN_CONTROLS, PIN_PREEMPTION_TIMER);
	/* Bochs 2.7 starts L2 in real mode at the SIPI's vector instead of exiting, and panics: not sent there. */
	ap.hlt = ap.timer && (vmx_cap(MSR_IA32_VMX_MISC) & MISC_HLT);
	ap.wait_sipi = (vmx_cap(MSR_IA32_VMX_MISC) & MISC_WAIT_SIPI) && !deviation_applies(NO_SIPI_EXIT);
	on_cpu_async(1, ap_l1, NULL);

	/* 1: L2 runs on CPU 1: INIT. */
	for (uint64_t start = rdtsc(); !ap.l2_flag && ap.step >= 0 && rdtsc() - start < WAIT_TSC;)
		cpu_relax();
	if (!ap.l2_flag) {
		report_fail("CPU 1 did not start L2 (step %d)", ap.step);
		return;
	}
	apic_icr_write(APIC_ICR_INIT | APIC_ICR_LEVEL_ASSERT, dest);
	if (!wait_step(2)) {
		report_fail("CPU 1 did not come back from L2 after the INIT (step %d)", ap.step);
		return;
	}
	r = &ap.run[0];
	report(r->end == VMX_END_EXIT && r->reason == EXIT_INIT && r->l2_ran,
	       "INIT to a CPU in VMX non-root operation: VM exit with basic reason 3 [%s] [" SDM_INIT "]", run_str(r));
	r = &ap.run[7];
	if (ap.timer)
		report_deviation("vmx-init-exit-not-consumed",
				 r->end == VMX_END_EXIT && r->reason == EXIT_PREEMPTION_TIMER && r->l2_ran,
				 "the INIT is consumed by its exit: the next entry runs L2 (the preemption timer ends it) [%s] [" SDM_INIT "]",
				 run_str(r));

	/* 2: INIT to CPU 1 in VMX root operation. */
	apic_icr_write(APIC_ICR_INIT | APIC_ICR_LEVEL_ASSERT, dest);
	ap.go = 2;
	report(wait_step(3), "INIT to a CPU in VMX root operation: blocked, the CPU runs on (no reset) [step %d] [" SDM_BLOCK "]",
	       ap.step);
	if (ap.step < 3)
		return;

	/* 3: back to L2: the held INIT exits first. */
	ap.go = 3;
	if (!wait_step(4)) {
		report_fail("CPU 1 did not come back from the second L2 run (step %d)", ap.step);
		return;
	}
	r = &ap.run[1];
	if (!ap.timer)
		report_info("no VMX-preemption timer: a lost INIT would leave L2 spinning");
	if (deviation_applies("vmx-init-exit-not-consumed"))
		report_info("here the first INIT was never consumed: the next check cannot tell a held INIT from it");
	report_deviation("vmx-init-blocked-lost",
			 r->end == VMX_END_EXIT && r->reason == EXIT_INIT && r->rip == (uintptr_t)vmx_l2_entry && !r->l2_ran,
			 "the INIT blocked in VMX root operation stays pending: exit 3 right after the next VM entry, before L2's first instruction [%s] [" SDM_BLOCK "; " SDM_INIT "]",
			 run_str(r));

	/* 4: wait-for-SIPI. */
	if (!ap.wait_sipi) {
		if (!(vmx_cap(MSR_IA32_VMX_MISC) & MISC_WAIT_SIPI))
			report_skip("wait-for-SIPI activity state: IA32_VMX_MISC[8]=0");
		else
			report_deviation(NO_SIPI_EXIT, false,
					 "SIPI to L2 in the wait-for-SIPI state: exit 4 (not sent: the SIPI would start the CPU) [" SDM_SIPI "]");
		init_in_hlt_and_finish();
		return;
	}
	ap.go = 4;
	if (!sipi_until(6))
		return;
	r = &ap.run[2];
	report(r->end == VMX_END_EXIT && r->reason == EXIT_SIPI && (r->qual & 0xff) == SIPI_VECTOR && !r->l2_ran,
	       "SIPI (vector %#x) to L2 in the wait-for-SIPI state: exit 4, the vector in qualification bits 7:0, L2 never ran [%s] [" SDM_SIPI "]",
	       SIPI_VECTOR, run_str(r));
	report_info("activity state saved by the SIPI exit: %lu", (unsigned long)r->activity);

	/* 5: the same with the VMX-preemption timer at 0: it does not exit in wait-for-SIPI. */
	ap.go = 5;
	if (!ap.timer) {
		report_skip("VMX-preemption timer in wait-for-SIPI: pin-based control bit 6 not allowed");
	} else {
		if (!sipi_until(8))
			return;
		r = &ap.run[3];
		report(r->end == VMX_END_EXIT && r->reason == EXIT_SIPI && !r->l2_ran,
		       "wait-for-SIPI with the preemption timer at 0: no timer exit (52), the SIPI's exit 4 [%s] [SDM vol. 3C 26.2 Other Causes of VM Exits, 27.7.4 VMX-Preemption Timer]",
		       run_str(r));
		init_in_wait_sipi();
	}
	init_in_hlt_and_finish();
}
