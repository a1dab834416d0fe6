/*
 * sbi-hsm-timer: the boot hart suspends itself through SBI HSM hart_suspend
 * and its own S-mode timer wakes it (the sbi test's HSM part wakes hart 1
 * with an IPI instead).
 *
 * SBI specification v2.0, "Hart State Management Extension", FID #3
 * HART_SUSPEND and table "HSM Hart Suspend Types":
 *   - retentive (0x00000000): the call returns SUCCESS once an interrupt
 *     enabled in sie is pending, with all state kept — here not before the
 *     timer's deadline, read from the time CSR (no host timing involved);
 *   - non-retentive (0x80000000): the call never returns; the hart resumes
 *     at resume_addr in S-mode with a0 = hart ID, a1 = opaque, satp = 0 and
 *     sstatus.SIE = 0;
 *   - meanwhile hart 1 polls hart_get_status (table "HSM Hart States") and
 *     says whether it saw SUSPENDED (INFO: it depends on the host running it
 *     within the sleep; riscv/sbi-hsm.c asserts it).
 */
#include "hvut.h"
#include <asm/csr.h>
#include <asm/smp.h>
#include <asm/timer.h>
#include <setjmp.h>

/* How far ahead the waking timer is: long enough for hart 1 to see SUSPENDED on a loaded host. */
#define WAKE_US 300000

struct resume_ctx {
	unsigned long tp;          /* offset 0: the hart's percpu pointer, lost in non-retentive suspend */
	unsigned long sp;          /* offset 8: a stack for the resume path */
	jmp_buf jb;
	volatile unsigned long a0, a1, sstatus, satp, time;
	uint64_t deadline;
};

struct resume_ctx ctx;
unsigned long resumed_a1;
static uint8_t resume_stack[4096] __attribute__((aligned(16)));
static volatile int saw_suspended, watching;

void hsm_resume_entry(void);
void hsm_resumed(unsigned long a0, struct resume_ctx *c);

/* Non-retentive resume: registers and most CSRs are gone; put back what the library needs. */
__asm__(
	".pushsection .text\n"
	".balign 4\n"
	".globl hsm_resume_entry\n"
	"hsm_resume_entry:\n"
	"	csrw sie, zero\n"
	"	csrw sscratch, zero\n"
	"	la t0, riscv_trap_entry\n"
	"	csrw stvec, t0\n"
	"	la t0, resumed_a1\n"
	"	sd a1, 0(t0)\n"
	"	la a1, ctx\n"           /* whatever a1 was: resumed_a1 tells */
	"	ld tp, 0(a1)\n"
	"	ld sp, 8(a1)\n"
	"	call hsm_resumed\n"
	"1:	j 1b\n"
	".popsection\n");

void hsm_resumed(unsigned long a0, struct resume_ctx *c)
{
	c->a0 = a0;
	c->a1 = resumed_a1;
	c->sstatus = csr_read(CSR_SSTATUS);
	c->satp = csr_read(CSR_SATP);
	c->time = read_time();
	longjmp(c->jb, 1);
}

/* On hart 1: polls hart 0's status until it is SUSPENDED or the wake deadline has passed. */
static void watch(void *arg)
{
	uint64_t until = *(uint64_t *)arg;

	watching = 1;
	while (read_time() < until) {
		struct sbiret r = sbi_hart_get_status(cpu_hartid(0));

		if (r.error == SBI_SUCCESS && r.value == SBI_HSM_SUSPENDED) {
			saw_suspended = 1;
			return;
		}
	}
}

static void start_watch(uint64_t *until)
{
	saw_suspended = watching = 0;
	if (nr_cpus() < 2)
		return;
	on_cpu_async(1, watch, until);
	while (!watching)
		cpu_relax();
}

static void end_watch(const char *type)
{
	if (nr_cpus() < 2) {
		report_skip("%s: hart_get_status from another hart: needs 2 harts", type);
		return;
	}
	on_cpu_wait(1);
	/*
	 * Printed, not asserted: hart 1 sees the state only if the host runs it
	 * while hart 0 sleeps (the timer's deadline is a host-time window). The
	 * sbi test's HSM part asserts SUSPENDED with an IPI wake, which waits for it.
	 */
	report_info("%s: hart 1 %s SUSPENDED for hart 0 while it slept [SBI HSM, HART_GET_STATUS]", type,
		    saw_suspended ? "read" : "did not get to read");
}

static void retentive(void)
{
	uint64_t deadline = read_time() + us_to_ticks(WAKE_US), woke;
	struct sbiret r;

	csr_write(CSR_SIE, BIT(IRQ_S_TIMER));   /* enabled in sie, but SIE = 0: wakes, not taken */
	start_watch(&deadline);
	sbi_set_timer(deadline);
	r = sbi_hart_suspend(SBI_HSM_SUSPEND_RETENTIVE, 0, 0);
	woke = read_time();
	timer_disarm();
	csr_write(CSR_SIE, 0);
	report(r.error == SBI_SUCCESS, "retentive: hart_suspend returns SUCCESS (got %s)", sbi_error_name(r.error));
	report(woke >= deadline, "retentive: it returns at or after the timer's deadline (%llu ticks after) "
	       "[SBI HSM: resumes on a pending interrupt enabled in sie]", (unsigned long long)(woke - deadline));
	end_watch("retentive");
}

static void non_retentive(void)
{
	struct sbiret r = { SBI_SUCCESS, 0 };

	ctx.tp = (uintptr_t)this_cpu();
	ctx.sp = (uintptr_t)resume_stack + sizeof(resume_stack);
	ctx.a0 = ctx.a1 = ~0UL;
	if (setjmp(ctx.jb) == 0) {
		ctx.deadline = read_time() + us_to_ticks(WAKE_US);
		csr_write(CSR_SIE, BIT(IRQ_S_TIMER));
		start_watch(&ctx.deadline);
		sbi_set_timer(ctx.deadline);
		r = sbi_hart_suspend(SBI_HSM_SUSPEND_NON_RETENTIVE, (uintptr_t)hsm_resume_entry, (uintptr_t)&ctx);
		/* Only when the call failed. */
		timer_disarm();
		report(false, "non-retentive: hart_suspend returned (%s) instead of resuming at the resume address",
		       sbi_error_name(r.error));
		end_watch("non-retentive");
		return;
	}
	timer_disarm();
	csr_write(CSR_SIE, 0);
	report(ctx.a0 == cpu_hartid(0) && ctx.a1 == (uintptr_t)&ctx,
	       "non-retentive: resumed at resume_addr with a0 = hart ID (%#lx), a1 = opaque", ctx.a0);
	report(ctx.time >= ctx.deadline, "non-retentive: resumed at or after the timer's deadline (%llu ticks after)",
	       (unsigned long long)(ctx.time - ctx.deadline));
	report(ctx.satp == 0 && !(ctx.sstatus & SSTATUS_SIE),
	       "non-retentive: satp = 0 (%#lx), sstatus.SIE = 0 (%#lx) [SBI HSM, HART_SUSPEND register state]",
	       ctx.satp, ctx.sstatus);
	end_watch("non-retentive");
}

int main(int argc, char **argv, char **envp)
{
	(void)argc;
	(void)argv;
	(void)envp;
	report_prefix_push("hsm-suspend-timer");
	if (!sbi_has(SBI_EXT_HSM) || !sbi_has(SBI_EXT_TIME)) {
		report_skip("SBI HSM or TIME: sbi_probe_extension(%#x) = %ld, (%#x) = %ld", SBI_EXT_HSM,
			    sbi_probe_extension(SBI_EXT_HSM).value, SBI_EXT_TIME, sbi_probe_extension(SBI_EXT_TIME).value);
		return report_summary();
	}
	local_irq_disable();
	retentive();
	non_retentive();
	report_prefix_pop();
	return report_summary();
}
