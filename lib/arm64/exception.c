/*
 * arm64 exception handling: the C side of vectors.S, the uniform catch API,
 * EL0 execution, IRQ dispatch, and the report of an unexpected exception.
 */
#include "hvut.h"
#include <asm/sysreg.h>
#include <asm/smp.h>
#include <asm/irq.h>

#define USER_EXIT_SVC 0xffff   /* the SVC immediate of user_return (vectors.S) */
#define USER_STACK 8192

void enter_user(test_fn fn, void *arg, uintptr_t sp) __attribute__((noreturn));

static irq_handler_t irq_handler;

void install_irq_handler(irq_handler_t h)
{
	irq_handler = h;
	dsb(ish);
}

static const char *const vector_kinds[16] = {
	"sync EL1t", "IRQ EL1t", "FIQ EL1t", "SError EL1t",
	"sync EL1h", "IRQ EL1h", "FIQ EL1h", "SError EL1h",
	"sync EL0 (AArch64)", "IRQ EL0 (AArch64)", "FIQ EL0 (AArch64)", "SError EL0 (AArch64)",
	"sync EL0 (AArch32)", "IRQ EL0 (AArch32)", "FIQ EL0 (AArch32)", "SError EL0 (AArch32)",
};

const char *exception_name(int ec)
{
	switch (ec) {
	case NO_EXCEPTION: return "no exception";
	case EC_UNKNOWN: return "unknown reason (undefined instruction)";
	case EC_WFX: return "trapped WFI/WFE";
	case EC_FP: return "FP/SIMD access trap";
	case EC_ILLEGAL: return "illegal execution state";
	case EC_SVC64: return "SVC";
	case EC_HVC64: return "HVC";
	case EC_SMC64: return "SMC";
	case EC_SYSREG: return "trapped MSR/MRS/system instruction";
	case EC_IABT_LOW: return "instruction abort from EL0";
	case EC_IABT_CUR: return "instruction abort";
	case EC_PC_ALIGN: return "PC alignment fault";
	case EC_DABT_LOW: return "data abort from EL0";
	case EC_DABT_CUR: return "data abort";
	case EC_SP_ALIGN: return "SP alignment fault";
	case EC_SERROR: return "SError";
	case EC_BRK64: return "BRK";
	default: return "exception";
	}
}

void dump_regs(const struct ex_regs *r)
{
	printf("PC =%016lx SP =%016lx PSTATE=%08lx ESR=%08lx FAR=%016lx\n",
	       r->pc, r->sp, r->pstate, r->esr, r->far);
	for (int i = 0; i < 31; i += 4) {
		char line[160];
		int n = 0;

		for (int j = i; j < i + 4 && j < 31; j++)
			n += snprintf(line + n, sizeof(line) - n, "X%-2d=%016lx ", j, r->regs[j]);
		printf("%s\n", line);
	}
}

static bool plausible_frame(unsigned long fp)
{
	/* Frames live in RAM (QEMU virt: from 1 GiB) inside the 4 GiB identity map. */
	return fp >= 0x40000000UL && fp < 0x100000000UL && !(fp & 7);
}

/* AAPCS64 frame record: [fp] = the caller's fp, [fp + 8] = the return address. */
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
	unsigned ec = ESR_EC(r->esr);
	bool sync = (r->vector & 3) == VEC_TYPE_SYNC;

	printf("Unhandled exception: %s on CPU %d: %s (EC %#x), ESR %#lx, FAR %#lx, ELR %#lx, SPSR %#lx\n",
	       vector_kinds[r->vector & 15], smp_id(), sync ? exception_name(ec) : "asynchronous",
	       ec, r->esr, r->far, r->pc, r->pstate);
	dump_regs(r);
	backtrace_from(r->pc, r->regs[29]);
	report_fail("unexpected exception: %s, %s (EC %#x, ESR %#lx) at PC %#lx",
		    vector_kinds[r->vector & 15], sync ? exception_name(ec) : "asynchronous",
		    ec, r->esr, r->pc);
	exit(report_summary());
}

void arm64_handle_exception(struct ex_regs *r)
{
	struct percpu *c = this_cpu();
	unsigned type = r->vector & 3, source = r->vector & ~3UL;

	if (type == VEC_TYPE_IRQ && irq_handler && (source == VEC_EL1H || source == VEC_EL0_64)) {
		irq_handler(r);
		return;
	}
	if (type == VEC_TYPE_SYNC && c->catching && (source == VEC_EL1H || source == VEC_EL0_64)) {
		struct fault *f = c->fault;

		if (source == VEC_EL0_64 && ESR_EC(r->esr) == EC_SVC64 && (r->esr & 0xffff) == USER_EXIT_SVC) {
			f->vector = NO_EXCEPTION;   /* the user function returned */
			longjmp(c->catch_jmp, 1);
		}
		f->vector = ESR_EC(r->esr);
		f->error_code = r->esr;
		f->pc = r->pc;
		f->addr = r->far;
		f->aux = r->pstate;
		f->regs = *r;
		longjmp(c->catch_jmp, 1);
	}
	unexpected(r);
}

/*
 * The handler longjmps back here, abandoning the faulting context; exception
 * entry masked DAIF on the way, so we put DAIF back as it was.
 */
static int run_catching(test_fn fn, void *arg, struct fault *out, bool user)
{
	struct percpu *c = this_cpu();
	struct fault local;
	unsigned long daif = read_sysreg(daif);
	static uint8_t user_stacks[MAX_CPUS][USER_STACK] __attribute__((aligned(16)));

	assert(!c->catching);   /* no nesting: one jmp_buf per CPU */
	c->fault = out ? out : &local;
	memset(c->fault, 0, sizeof(*c->fault));
	c->fault->vector = NO_EXCEPTION;
	c->catching = true;
	if (setjmp(c->catch_jmp) == 0) {
		if (user)
			enter_user(fn, arg, (uintptr_t)user_stacks[c->id] + USER_STACK);
		fn(arg);
	}
	c->catching = false;
	write_sysreg(daif, daif);
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
