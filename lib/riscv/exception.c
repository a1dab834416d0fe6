/*
 * riscv64 trap handling: the C side of trap.S, the uniform catch API,
 * U-mode execution, interrupt dispatch, and the report of an unexpected trap.
 */
#include "hvut.h"
#include <asm/csr.h>
#include <asm/irq.h>
#include <asm/smp.h>

void enter_user(test_fn fn, void *arg, uintptr_t user_sp) __attribute__((noreturn));
extern char user_exit_ecall[], __image_start[], __text_end[];

#define NR_IRQS 16
static irq_handler_t irq_handlers[NR_IRQS];

static const char *const names[] = {
	"instruction address misaligned", "instruction access fault", "illegal instruction",
	"breakpoint", "load address misaligned", "load access fault",
	"store/AMO address misaligned", "store/AMO access fault", "ecall from U-mode",
	"ecall from S-mode", "exception 10", "ecall from M-mode", "instruction page fault",
	"load page fault", "exception 14", "store/AMO page fault",
};

const char *exception_name(int vector)
{
	if (vector == NO_EXCEPTION)
		return "no exception";
	if (vector >= 0 && vector < (int)ARRAY_SIZE(names))
		return names[vector];
	return "exception";
}

void install_irq_handler(unsigned irq, irq_handler_t fn)
{
	assert(irq < NR_IRQS);
	WRITE_ONCE(irq_handlers[irq], fn);
}

void dump_regs(const struct ex_regs *r)
{
	printf("sepc=%016lx sstatus=%016lx scause=%016lx stval=%016lx\n",
	       r->sepc, r->sstatus, r->scause, r->stval);
	printf("ra =%016lx sp =%016lx gp =%016lx tp =%016lx\n", r->ra, r->sp, r->gp, r->tp);
	printf("t0 =%016lx t1 =%016lx t2 =%016lx s0 =%016lx\n", r->t0, r->t1, r->t2, r->s0);
	printf("s1 =%016lx a0 =%016lx a1 =%016lx a2 =%016lx\n", r->s1, r->a0, r->a1, r->a2);
	printf("a3 =%016lx a4 =%016lx a5 =%016lx a6 =%016lx\n", r->a3, r->a4, r->a5, r->a6);
	printf("a7 =%016lx s2 =%016lx s3 =%016lx s4 =%016lx\n", r->a7, r->s2, r->s3, r->s4);
	printf("s5 =%016lx s6 =%016lx s7 =%016lx s8 =%016lx\n", r->s5, r->s6, r->s7, r->s8);
	printf("s9 =%016lx s10=%016lx s11=%016lx t3 =%016lx\n", r->s9, r->s10, r->s11, r->t3);
	printf("t4 =%016lx t5 =%016lx t6 =%016lx satp=%016lx\n", r->t4, r->t5, r->t6,
	       csr_read(CSR_SATP));
}

static bool in_text(unsigned long pc)
{
	return pc >= (unsigned long)__image_start && pc < (unsigned long)__text_end;
}

/*
 * With frame pointers, s0 is the caller's sp at entry: the return address is
 * at s0 - 8 and the caller's s0 at s0 - 16. A leaf function may not save ra,
 * so every return address is checked to lie in our text before it is shown.
 */
bool arch_frame_step(unsigned long fp, unsigned long *caller, unsigned long *ret)
{
	if (fp < 0x80000000UL || (fp & 7))   /* RAM starts at 2 GiB on QEMU virt */
		return false;
	*caller = ((unsigned long *)fp)[-2];
	*ret = ((unsigned long *)fp)[-1];
	return in_text(*ret);
}

static void __attribute__((noreturn)) unexpected(struct ex_regs *r)
{
	bool irq = r->scause & SCAUSE_INTERRUPT;
	unsigned long code = r->scause & ~SCAUSE_INTERRUPT;

	printf("Unhandled %s %lu (%s) on CPU %d (hart %lu) in %s-mode, sepc %#lx, stval %#lx\n",
	       irq ? "interrupt" : "exception", code, irq ? "interrupt" : exception_name(code),
	       smp_id(), this_cpu()->hartid, r->sstatus & SSTATUS_SPP ? "S" : "U",
	       r->sepc, r->stval);
	dump_regs(r);
	backtrace_from(r->sepc, r->s0);
	report_fail("unexpected %s (scause %#lx, stval %#lx) at sepc %#lx",
		    irq ? "interrupt" : exception_name(code), r->scause, r->stval, r->sepc);
	exit(report_summary());
}

void riscv_handle_trap(struct ex_regs *r)
{
	struct percpu *c = this_cpu();
	unsigned long code = r->scause & ~SCAUSE_INTERRUPT;

	if (r->scause & SCAUSE_INTERRUPT) {
		irq_handler_t h = code < NR_IRQS ? READ_ONCE(irq_handlers[code]) : NULL;

		if (!h)
			unexpected(r);
		h(r);
		return;
	}
	if (code == EXC_ECALL_U && c->catching && c->in_user && r->sepc == (uintptr_t)user_exit_ecall) {
		c->fault->vector = NO_EXCEPTION;
		longjmp(c->catch_jmp, 1);
	}
	if (c->catching) {
		struct fault *f = c->fault;

		f->vector = code;
		f->error_code = r->scause;
		f->pc = r->sepc;
		f->addr = r->stval;
		f->aux = r->sstatus;
		f->regs = *r;
		longjmp(c->catch_jmp, 1);
	}
	unexpected(r);
}

/*
 * The trap handler longjmps back here, abandoning the faulting context; the
 * trap cleared sstatus.SIE on the way, so we put it back as it was.
 */
static int run_catching(test_fn fn, void *arg, struct fault *out, bool user)
{
	struct percpu *c = this_cpu();
	struct fault local;
	unsigned long sie = csr_read(CSR_SSTATUS) & SSTATUS_SIE;
	static uint8_t user_stacks[MAX_CPUS][8192] __attribute__((aligned(16)));

	assert(!c->catching);   /* no nesting: one jmp_buf per CPU */
	c->fault = out ? out : &local;
	memset(c->fault, 0, sizeof(*c->fault));
	c->fault->vector = NO_EXCEPTION;
	c->in_user = user;
	c->catching = true;
	if (setjmp(c->catch_jmp) == 0) {
		if (user)
			enter_user(fn, arg, (uintptr_t)user_stacks[c->id] + sizeof(user_stacks[0]));
		fn(arg);
	}
	c->catching = false;
	c->in_user = false;
	if (sie)
		local_irq_enable();
	else
		local_irq_disable();
	return c->fault->vector;
}

int catch_exception(test_fn fn, void *arg, struct fault *f)
{
	return run_catching(fn, arg, f, false);
}

int run_in_user(test_fn fn, void *arg, struct fault *f)
{
	return run_catching(fn, arg, f, true);
}
