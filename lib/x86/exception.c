/*
 * x86 exception handling: the C side of isr.S, the uniform catch API, CPL3
 * execution, and the report of an unexpected exception.
 */
#include "hvut.h"
#include <asm/desc.h>
#include <asm/processor.h>
#include <asm/smp.h>

exception_handler x86_installed_handler(unsigned vector);
void enter_user(test_fn fn, void *arg, uintptr_t user_rsp) __attribute__((noreturn));

static const char *const names[32] = {
	"#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM", "#DF", "coprocessor overrun",
	"#TS", "#NP", "#SS", "#GP", "#PF", "vector 15", "#MF", "#AC", "#MC", "#XM",
	"#VE", "#CP", "vector 22", "vector 23", "vector 24", "vector 25", "vector 26",
	"vector 27", "#HV", "#VC", "#SX", "vector 31",
};

const char *exception_name(int vector)
{
	if (vector == NO_EXCEPTION)
		return "no exception";
	if (vector >= 0 && vector < 32)
		return names[vector];
	return "interrupt";
}

void dump_regs(const struct ex_regs *r)
{
	printf("RIP=%016lx CS=%04lx RFLAGS=%016lx RSP=%016lx SS=%04lx\n",
	       r->rip, r->cs, r->rflags, r->rsp, r->ss);
	printf("RAX=%016lx RBX=%016lx RCX=%016lx RDX=%016lx\n", r->rax, r->rbx, r->rcx, r->rdx);
	printf("RSI=%016lx RDI=%016lx RBP=%016lx R8 =%016lx\n", r->rsi, r->rdi, r->rbp, r->r8);
	printf("R9 =%016lx R10=%016lx R11=%016lx R12=%016lx\n", r->r9, r->r10, r->r11, r->r12);
	printf("R13=%016lx R14=%016lx R15=%016lx\n", r->r13, r->r14, r->r15);
	printf("CR0=%016lx CR2=%016lx CR3=%016lx CR4=%016lx\n",
	       read_cr0(), read_cr2(), read_cr3(), read_cr4());
}

static bool plausible_frame(unsigned long fp)
{
	/* Frames live in our image (.bss stacks) or in allocated RAM, all below 4 GiB. */
	return fp >= 0x1000 && fp < 0x100000000UL && !(fp & 7);
}

/* A frame record: [rbp] = the caller's rbp, [rbp + 8] = the return address. */
bool arch_frame_step(unsigned long fp, unsigned long *caller, unsigned long *ret)
{
	if (!plausible_frame(fp))
		return false;
	*caller = ((unsigned long *)fp)[0];
	*ret = ((unsigned long *)fp)[1];
	return *ret != 0;
}

static void __attribute__((noreturn)) unexpected(struct ex_regs *r)
{
	printf("Unhandled exception %lu (%s) on CPU %d at CPL%lu, error code %#lx\n",
	       r->vector, exception_name(r->vector), smp_id(), r->cs & 3, r->error_code);
	dump_regs(r);
	backtrace_from(r->rip, r->rbp);
	report_fail("unexpected exception %s (vector %lu, error code %#lx) at RIP %#lx",
		    exception_name(r->vector), r->vector, r->error_code, r->rip);
	exit(report_summary());
}

void x86_handle_exception(struct ex_regs *r)
{
	struct percpu *c = this_cpu();
	exception_handler h = x86_installed_handler(r->vector);

	if (r->vector == USER_EXIT_VECTOR && c->catching) {
		c->fault->vector = NO_EXCEPTION;
		longjmp(c->catch_jmp, 1);
	}
	if (h) {
		h(r);
		return;
	}
	if (c->catching && r->vector < 32) {
		struct fault *f = c->fault;

		f->vector = r->vector;
		f->error_code = r->error_code;
		f->pc = r->rip;
		f->addr = r->vector == PF_VECTOR ? read_cr2() : 0;
		f->aux = 0;
		f->regs = *r;
		longjmp(c->catch_jmp, 1);
	}
	unexpected(r);
}

/*
 * The exception handler longjmps back here, abandoning the faulting context;
 * an exception gate cleared RFLAGS.IF on the way, so we put IF back as it was.
 */
static int run_catching(test_fn fn, void *arg, struct fault *out, bool user)
{
	struct percpu *c = this_cpu();
	struct fault local;
	unsigned long flags = read_rflags();

	assert(!c->catching);   /* no nesting: one jmp_buf per CPU */
	c->fault = out ? out : &local;
	memset(c->fault, 0, sizeof(*c->fault));
	c->fault->vector = NO_EXCEPTION;
	c->catching = true;
	if (setjmp(c->catch_jmp) == 0) {
		if (user)
			enter_user(fn, arg, c->user_stack - 8);
		fn(arg);
	}
	c->catching = false;
	__asm__ volatile("mov %0, %%ds; mov %0, %%es" :: "r"(KERNEL_DS));
	if (flags & X86_EFLAGS_IF)
		irq_enable();
	else
		irq_disable();
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

/* The *_safe accessors: one instruction each, run under catch_exception(). */
struct msr_op { uint32_t msr; uint64_t val; };

static void do_rdmsr(void *p) { struct msr_op *op = p; op->val = rdmsr(op->msr); }
static void do_wrmsr(void *p) { struct msr_op *op = p; wrmsr(op->msr, op->val); }
static void do_write_cr4(void *p) { write_cr4(*(unsigned long *)p); }
static void do_write_cr0(void *p) { write_cr0(*(unsigned long *)p); }

int rdmsr_safe(uint32_t msr, uint64_t *val)
{
	struct msr_op op = { msr, 0 };
	int v = catch_exception(do_rdmsr, &op, NULL);

	*val = op.val;
	return v;
}

int wrmsr_safe(uint32_t msr, uint64_t val)
{
	struct msr_op op = { msr, val };

	return catch_exception(do_wrmsr, &op, NULL);
}

int write_cr4_safe(unsigned long val)
{
	return catch_exception(do_write_cr4, &val, NULL);
}

int write_cr0_safe(unsigned long val)
{
	return catch_exception(do_write_cr0, &val, NULL);
}
