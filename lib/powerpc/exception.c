/*
 * ppc64 interrupt handling: the C side of vectors.S, the uniform catch API,
 * problem-state execution, and the report of an unexpected interrupt.
 */
#include "hvut.h"
#include <asm/processor.h>
#include <asm/smp.h>

void ppc_enter_user(test_fn fn, void *arg, unsigned long sp, unsigned long msr) __attribute__((noreturn));
extern char user_return[];

#define NR_VECTORS (0x1800 / 0x20)
static exception_handler handlers[NR_VECTORS];

static const struct { int vector; const char *name; } names[] = {
	{ 0x100, "system reset" }, { 0x200, "machine check" },
	{ 0x101, "system reset (FWNMI entry)" }, { 0x201, "machine check (FWNMI entry)" }, { 0x300, "data storage" },
	{ 0x380, "data segment" }, { 0x400, "instruction storage" }, { 0x480, "instruction segment" },
	{ 0x500, "external" }, { 0x600, "alignment" }, { 0x700, "program" },
	{ 0x800, "floating-point unavailable" }, { 0x900, "decrementer" },
	{ 0x980, "hypervisor decrementer" }, { 0xa00, "directed privileged doorbell" },
	{ 0xc00, "system call" }, { 0xd00, "trace" }, { 0xe00, "hypervisor data storage" },
	{ 0xe20, "hypervisor instruction storage" }, { 0xe40, "hypervisor emulation assistance" },
	{ 0xe60, "hypervisor maintenance" }, { 0xe80, "directed hypervisor doorbell" },
	{ 0xea0, "hypervisor virtualization" }, { 0xf00, "performance monitor" },
	{ 0xf20, "vector unavailable" }, { 0xf40, "VSX unavailable" },
	{ 0xf60, "facility unavailable" }, { 0xf80, "hypervisor facility unavailable" },
};

const char *exception_name(int vector)
{
	if (vector == NO_EXCEPTION)
		return "no exception";
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (names[i].vector == vector)
			return names[i].name;
	return "interrupt";
}

exception_handler install_exception_handler(int vector, exception_handler h)
{
	exception_handler old;

	assert(vector > 0 && vector < NR_VECTORS * 0x20 && !(vector & 0x1f));
	old = handlers[vector / 0x20];
	handlers[vector / 0x20] = h;
	return old;
}

void dump_regs(const struct ex_regs *r)
{
	printf("NIP=%016lx MSR=%016lx LR=%016lx CTR=%016lx\n", r->nip, r->msr, r->link, r->ctr);
	printf("CR=%08lx XER=%016lx DAR=%016lx DSISR=%08lx\n", r->ccr, r->xer, r->dar, r->dsisr);
	for (int i = 0; i < 32; i += 4)
		printf("R%-2d=%016lx R%-2d=%016lx R%-2d=%016lx R%-2d=%016lx\n", i, r->gpr[i],
		       i + 1, r->gpr[i + 1], i + 2, r->gpr[i + 2], i + 3, r->gpr[i + 3]);
}

static bool plausible_frame(unsigned long sp)
{
	/* Stacks live in the image's .bss or in allocated RAM: inside the RMA. */
	return sp >= 0x1000 && sp < 0x40000000UL && !(sp & 7);
}

extern char __image_start[], __text_end[];

static bool in_text(unsigned long a)
{
	return a >= (unsigned long)__image_start && a < (unsigned long)__text_end;
}

/*
 * The ELFv2 back chain: 0(sp) is the caller's sp, and a function saves its
 * return address at 16(caller's sp) — unless it is a leaf or has not got
 * that far, so slots that do not point into .text are skipped. An
 * interrupted context's LR goes first in its STACK: line (unexpected()): the
 * return address of a function that has not saved it yet.
 */
bool arch_frame_step(unsigned long sp, unsigned long *caller, unsigned long *ret)
{
	unsigned long next;

	if (!plausible_frame(sp))
		return false;
	next = *(unsigned long *)sp;
	if (!plausible_frame(next) || next <= sp)
		return false;
	*caller = next;
	*ret = in_text(((unsigned long *)next)[2]) ? ((unsigned long *)next)[2] : 0;
	return true;
}

static void __attribute__((noreturn)) unexpected(struct ex_regs *r)
{
	printf("Unhandled interrupt %#lx (%s) on CPU %d in %s state, SRR1 %#lx\n", r->trap,
	       exception_name(r->trap), this_cpu()->id, (r->msr & MSR_PR) ? "problem" : "privileged",
	       r->msr);
	dump_regs(r);
	backtrace_with(r->nip, in_text(r->link) ? r->link : 0, r->gpr[1]);
	report_fail("unexpected interrupt %s (%#lx, SRR1 %#lx) at NIP %#lx",
		    exception_name(r->trap), r->trap, r->msr, r->nip);
	exit(report_summary());
}

/*
 * The decrementer always runs; with MSR[EE] set (H_CEDE sets it) it fires
 * every few seconds. Unless a test watches it, push it back and carry on.
 */
static void default_decrementer(struct ex_regs *r)
{
	(void)r;
	mtspr(SPR_DEC, 0x7fffffff);
}

void ppc_handle_interrupt(struct ex_regs *r)
{
	struct cpu *c = this_cpu();
	exception_handler h = r->trap < NR_VECTORS * 0x20 ? handlers[r->trap / 0x20] : NULL;

	if (r->trap == 0xc00 && c->in_user && r->nip == (unsigned long)user_return + 4) {
		c->fault->vector = NO_EXCEPTION;   /* fn returned: back from problem state */
		longjmp(c->catch_jmp, 1);
	}
	if (h) {
		h(r);
		return;
	}
	if (c->catching && r->trap != 0x900) {
		struct fault *f = c->fault;

		f->vector = r->trap;
		f->error_code = r->msr;
		f->pc = r->nip;
		/* DAR and DSISR are only set by storage and alignment interrupts. */
		f->addr = (r->trap == 0x300 || r->trap == 0x380 || r->trap == 0x600) ? r->dar : 0;
		f->aux = (r->trap == 0x300 || r->trap == 0x600) ? r->dsisr : 0;
		f->regs = *r;
		longjmp(c->catch_jmp, 1);
	}
	if (r->trap == 0x900) {
		default_decrementer(r);
		return;
	}
	unexpected(r);
}

/*
 * The handler longjmps back here, abandoning the interrupted context; taking
 * the interrupt cleared MSR[EE] and MSR[RI], so put the MSR back as it was.
 */
static int run_catching(test_fn fn, void *arg, struct fault *out, bool user)
{
	struct cpu *c = this_cpu();
	struct fault local;
	unsigned long msr = mfmsr();
	static uint8_t user_stacks[MAX_CPUS][8192] __attribute__((aligned(16)));

	assert(!c->catching);   /* no nesting: one jmp_buf per CPU */
	c->fault = out ? out : &local;
	memset(c->fault, 0, sizeof(*c->fault));
	c->fault->vector = NO_EXCEPTION;
	c->catching = true;
	c->in_user = user;
	if (setjmp(c->catch_jmp) == 0) {
		if (user)
			ppc_enter_user(fn, arg, (unsigned long)user_stacks[c->id] + sizeof(user_stacks[0]),
				       (msr & ~MSR_EE) | MSR_PR | MSR_IR | MSR_DR);
		fn(arg);
	}
	c->catching = false;
	c->in_user = false;
	mtmsrd(msr);
	return c->fault->vector;
}

int catch_exception(test_fn fn, void *arg, struct fault *f)
{
	return run_catching(fn, arg, f, false);
}

int run_in_user(test_fn fn, void *arg, struct fault *f)
{
	/* Problem state runs translated: without the 1:1 map it cannot even fetch fn. */
	assert(ppc_mmu_ensure());
	return run_catching(fn, arg, f, true);
}
