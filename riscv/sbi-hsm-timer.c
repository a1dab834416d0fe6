/*
 * sbi-hsm-timer: the boot hart suspends itself through SBI HSM hart_suspend
 * and its own S-mode timer wakes it (the sbi test's HSM part wakes hart 1
 * with an IPI instead).
 *
 * SBI specification v2.0, "Hart State Management Extension", FID #3
 * HART_SUSPEND and table "HSM Hart Suspend Types":
 *   - retentive (0x00000000): the call returns SUCCESS once an interrupt
 *     enabled in sie is pending — here not before the timer's deadline, read
 *     from the time CSR (no host timing involved). "A retentive suspend
 *     state will preserve hart register and CSR values for all privilege
 *     modes" (v2.0 9.4), and chapter 3 "Binary Encoding" has every register
 *     but a0 and a1 preserved across any SBI call: the call is made from
 *     assembly with a value of ours in each GPR and in several S-mode CSRs,
 *     and all are compared right after the ecall;
 *   - non-retentive (0x80000000): the call never returns; the hart resumes
 *     at resume_addr in S-mode with a0 = hart ID, a1 = opaque, satp = 0 and
 *     sstatus.SIE = 0;
 *   - meanwhile hart 1 polls hart_get_status (table "HSM Hart States") and
 *     says whether it saw SUSPENDED (INFO: it depends on the host running it
 *     within the sleep; riscv/sbi-hsm.c asserts it).
 */
#include "hvut.h"
#include <asm/csr.h>
#include <asm/mmu.h>
#include <asm/sbi.h>
#include <asm/smp.h>
#include <asm/timer.h>
#include <setjmp.h>
#include <stddef.h>

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

/*
 * The retentive call, made from assembly so that every GPR is ours: x1-x31
 * are loaded from want[] right before the ecall (sp and tp keep their real
 * values, recorded there first; a0, a1, a2, a6, a7 are the call's arguments)
 * and stored to got[] by the instructions right after it. The only register
 * those instructions may take is a1: the call's value, which hart_suspend
 * does not define. sp is reloaded from `sp` so a firmware that lost it still
 * gets us back to the C caller, and `after` says the code after the ecall ran.
 */
#define HSM_HART_SUSPEND 3   /* SBI v2.0 9.4: FID #3 */

struct gpr_probe {
	unsigned long want[32];    /* offset 0 */
	unsigned long got[32];     /* offset 256 */
	unsigned long sp;          /* offset 512 */
	unsigned long after;       /* offset 520 */
};
_Static_assert(offsetof(struct gpr_probe, got) == 256 && offsetof(struct gpr_probe, sp) == 512 &&
	       offsetof(struct gpr_probe, after) == 520, "the assembly below uses these offsets");

struct gpr_probe probe;
long retentive_ecall(void);
void hsm_alt_trap(void);

__asm__(
	".pushsection .text\n"
	/*
	 * stvec's value of ours during the call (a distinct, valid vector): a
	 * trap taken while sscratch holds a value of ours would look like one
	 * from U-mode to riscv_trap_entry, so zero it (no register needed) first.
	 */
	".balign 4\n"
	".globl hsm_alt_trap\n"
	"hsm_alt_trap:\n"
	"	csrw sscratch, zero\n"
	"	j riscv_trap_entry\n"
	".balign 4\n"
	".globl retentive_ecall\n"
	"retentive_ecall:\n"
	"	addi sp, sp, -128\n"
	"	sd ra, 0(sp)\n"
	"	sd gp, 8(sp)\n"
	"	sd tp, 16(sp)\n"
	"	sd s0, 24(sp)\n"
	"	sd s1, 32(sp)\n"
	"	.irp r, 18,19,20,21,22,23,24,25,26,27\n"
	"	sd x\\r, 8 * \\r - 104(sp)\n"
	"	.endr\n"
	"	lla a1, probe\n"
	"	sd sp, 512(a1)\n"
	"	sd sp, 16(a1)\n"        /* want[2] */
	"	sd tp, 32(a1)\n"        /* want[4] */
	"	.irp r, 1,3,5,6,7,8,9,10,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31\n"
	"	ld x\\r, 8 * \\r(a1)\n"
	"	.endr\n"
	"	ld a1, 88(a1)\n"        /* want[11], the pointer itself, last */
	"	ecall\n"
	"	lla a1, probe\n"
	"	.irp r, 1,2,3,4,5,6,7,8,9,10,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31\n"
	"	sd x\\r, 256 + 8 * \\r(a1)\n"
	"	.endr\n"
	"	li t0, 1\n"
	"	sd t0, 520(a1)\n"
	"	ld sp, 512(a1)\n"
	"	ld ra, 0(sp)\n"
	"	ld gp, 8(sp)\n"
	"	ld tp, 16(sp)\n"
	"	ld s0, 24(sp)\n"
	"	ld s1, 32(sp)\n"
	"	.irp r, 18,19,20,21,22,23,24,25,26,27\n"
	"	ld x\\r, 8 * \\r - 104(sp)\n"
	"	.endr\n"
	"	addi sp, sp, 128\n"
	"	ret\n"                  /* a0: the call's error */
	".popsection\n");

static const char *const gpr_name[32] = {
	"zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2", "s0", "s1", "a0", "a1", "a2", "a3", "a4", "a5",
	"a6", "a7", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6",
};

#define GPRS_S (BIT(8) | BIT(9) | 0x0ffc0000UL)                          /* s0-s1, s2-s11 (x18-x27) */
#define GPRS_SP_GP_TP (BIT(2) | BIT(3) | BIT(4))
#define GPRS_OTHER (BIT(1) | BIT(5) | BIT(6) | BIT(7) | 0x3f000UL | 0xf0000000UL)  /* ra, t0-t6, a2-a7 */

static void probe_fill(void)
{
	for (int i = 0; i < 32; i++)
		/* Not an address, and the register number in two places for the log. */
		probe.want[i] = 0x5aa50000c0000000UL | (unsigned long)i << 16 | i;
	probe.want[10] = SBI_HSM_SUSPEND_RETENTIVE;
	probe.want[11] = (uintptr_t)hsm_resume_entry;   /* unused by a retentive suspend; see retentive() */
	probe.want[12] = (uintptr_t)&ctx;               /* opaque */
	probe.want[16] = HSM_HART_SUSPEND;
	probe.want[17] = SBI_EXT_HSM;
	probe.after = 0;
}

/* One assertion for the registers in `mask`, naming each that changed. */
static bool gprs_kept(unsigned long mask, const char *what, const char *rule)
{
	char diff[200] = "";
	int n = 0, bad = 0;

	for (int i = 1; i < 32; i++) {
		if (!(mask & BIT(i)) || probe.got[i] == probe.want[i])
			continue;
		bad++;
		if (n < (int)sizeof(diff))
			n += snprintf(diff + n, sizeof(diff) - n, " %s = %#lx (was %#lx)", gpr_name[i],
				      probe.got[i], probe.want[i]);
	}
	return report(!bad, "retentive: %s as before the call%s%s [%s]", what, bad ? ":" : "", diff, rule);
}

/* The S-mode CSRs the check sets to values of ours (read back: they are WARL) and compares. */
struct s_csrs {
	unsigned long sscratch, stvec, satp, sie, sstatus, sepc, scause, stval, scounteren;
};

static void csrs_read(struct s_csrs *c)
{
	c->sscratch = csr_read(CSR_SSCRATCH);
	c->stvec = csr_read(CSR_STVEC);
	c->satp = csr_read(CSR_SATP);
	c->sie = csr_read(CSR_SIE);
	c->sstatus = csr_read(CSR_SSTATUS);
	c->sepc = csr_read(CSR_SEPC);
	c->scause = csr_read(CSR_SCAUSE);
	c->stval = csr_read(CSR_STVAL);
	c->scounteren = csr_read(CSR_SCOUNTEREN);
}

/*
 * Values nothing but this test would put there. satp: Sv39 over the identity
 * map of the low 4 GiB (the code, stack and UART stay where they are), ASID
 * 0x5a where ASIDs exist. sepc/scause/stval: only an S-mode trap writes them,
 * so they also say that none came in between. sie: the waking timer, and
 * SSIE too (no IPI is sent to this hart). sstatus: SUM and MXR, which only
 * matter to translated accesses, SIE stays 0. scounteren only matters to
 * U-mode.
 */
static void csrs_write_ours(pte_t *root)
{
	sfence_vma();
	csr_write(CSR_SATP, SATP_MODE_SV39 << SATP_MODE_SHIFT | 0x5aUL << 44 | (uintptr_t)root >> 12);
	sfence_vma();
	csr_write(CSR_SIE, BIT(IRQ_S_TIMER) | BIT(IRQ_S_SOFT));
	csr_set(CSR_SSTATUS, SSTATUS_SUM | SSTATUS_MXR);
	csr_write(CSR_SEPC, (uintptr_t)&probe.got[0]);
	csr_write(CSR_SCAUSE, 3);                       /* breakpoint */
	csr_write(CSR_STVAL, (uintptr_t)&probe.want[0]);
	csr_write(CSR_SCOUNTEREN, 0x5);                 /* CY and IR, not TM: neither 0 nor all */
	csr_write(CSR_STVEC, (uintptr_t)hsm_alt_trap);
	csr_write(CSR_SSCRATCH, 0xa55a0000d0000000UL);  /* last: from here no trap may come */
}

static void csrs_restore(const struct s_csrs *c)
{
	csr_write(CSR_SSCRATCH, c->sscratch);
	csr_write(CSR_STVEC, c->stvec);
	csr_write(CSR_SATP, c->satp);
	sfence_vma();
	csr_write(CSR_SIE, c->sie);
	csr_write(CSR_SSTATUS, c->sstatus);
	csr_write(CSR_SEPC, c->sepc);
	csr_write(CSR_SCAUSE, c->scause);
	csr_write(CSR_STVAL, c->stval);
	csr_write(CSR_SCOUNTEREN, c->scounteren);
}

#define CSR_KEPT(b, a, f, rule) \
	report((a).f == (b).f, "retentive: " #f " as before the call (%#lx, was %#lx) [%s]", (a).f, (b).f, rule)

static void retentive(void)
{
	static const char regs_rule[] = "SBI v2.0 9.4 HSM hart suspend: retentive preserves hart registers";
	static const char abi_rule[] = "SBI v2.0 3 Binary Encoding: all registers but a0, a1 preserved across a call";
	static const char csr_rule[] = "SBI v2.0 9.4 HSM hart suspend: retentive preserves CSR values";
	static const char return_rule[] = "SBI v2.0 9.4 HSM hart suspend: the retentive call returns, "
					  "resume_addr is unused";
	uint64_t deadline = read_time() + us_to_ticks(WAKE_US), woke;
	struct s_csrs old, before, after;
	pte_t *root = mmu_new_identity();
	long err;

	csrs_read(&old);
	probe_fill();
	/* Should the firmware jump to resume_addr instead: hsm_resume_entry brings us back here. */
	ctx.tp = (uintptr_t)this_cpu();
	ctx.sp = (uintptr_t)resume_stack + sizeof(resume_stack);
	if (setjmp(ctx.jb)) {
		csrs_restore(&old);
		timer_disarm();
		report(false, "retentive: the call returns to the instruction after the ecall: it resumed at "
		       "resume_addr instead (a0 = %#lx) [%s]", ctx.a0, return_rule);
		end_watch("retentive");
		return;
	}
	csr_clear(CSR_SIP, BIT(IRQ_S_SOFT));
	start_watch(&deadline);
	sbi_set_timer(deadline);
	csrs_write_ours(root);
	csrs_read(&before);
	err = retentive_ecall();
	woke = read_time();
	csrs_read(&after);
	csrs_restore(&old);
	timer_disarm();
	report(err == SBI_SUCCESS, "retentive: hart_suspend returns SUCCESS (got %s)", sbi_error_name(err));
	report(woke >= deadline, "retentive: it returns at or after the timer's deadline (%llu ticks after) "
	       "[SBI HSM: resumes on a pending interrupt enabled in sie]", (unsigned long long)(woke - deadline));
	/* Failing ways: resume_addr (above), or anywhere else (a1 would not point at probe: a crash). */
	report(probe.after == 1, "retentive: the call returns to the instruction after the ecall, not to "
	       "resume_addr [%s]", return_rule);
	gprs_kept(GPRS_S, "s0-s11", regs_rule);
	gprs_kept(GPRS_SP_GP_TP, "sp, gp, tp", regs_rule);
	gprs_kept(GPRS_OTHER, "ra, t0-t6, a2-a7", abi_rule);
	CSR_KEPT(before, after, sscratch, csr_rule);
	CSR_KEPT(before, after, stvec, csr_rule);
	CSR_KEPT(before, after, satp, csr_rule);
	CSR_KEPT(before, after, sie, csr_rule);
	CSR_KEPT(before, after, sstatus, csr_rule);
	report(after.sepc == before.sepc && after.scause == before.scause && after.stval == before.stval,
	       "retentive: sepc, scause, stval as before the call (%#lx %#lx %#lx, were %#lx %#lx %#lx): "
	       "no trap into S-mode [%s]", after.sepc, after.scause, after.stval, before.sepc, before.scause,
	       before.stval, csr_rule);
	CSR_KEPT(before, after, scounteren, csr_rule);
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
