/*
 * exceptions: each architectural exception arrives with the vector, error
 * code, faulting RIP (or next RIP for traps) and CR2 the SDM specifies, at CPL0
 * and at CPL3. Every faulting instruction sits behind a global label so the
 * test knows its exact address.
 */
#include "hvut.h"
#include <asm/cpufeature.h>
#include <asm/desc.h>
#include <asm/processor.h>
#include <asm/vm.h>

#define NONCANONICAL "0x0000800000000000"
/* Page-fault error code bits (SDM vol. 3, 4.7). */
#define PFERR_P (1 << 0)
#define PFERR_W (1 << 1)
#define PFERR_U (1 << 2)
#define PFERR_I (1 << 4)

/* One faulting instruction per function; "<name>_insn" labels it, "<name>_next" follows it. */
#define FAULTING(name, insn, ...)                                                \
	extern char name##_insn[], name##_next[];                                  \
	static void __attribute__((noinline)) name(void *arg)                      \
	{                                                                          \
		(void)arg;                                                         \
		__asm__ volatile(".globl " #name "_insn, " #name "_next\n"          \
				 #name "_insn: " insn "\n" #name "_next:" __VA_ARGS__); \
	}

FAULTING(do_div0, "divl %%ecx", :: "a"(1), "d"(0), "c"(0))
FAULTING(do_ud2, "ud2")
FAULTING(do_into, ".byte 0xce")   /* INTO is invalid in 64-bit mode */
/* The address goes through a register: assemblers disagree on absolute 64-bit operands. */
extern char do_noncanon_load_insn[];
static void __attribute__((noinline)) do_noncanon_load(void *arg)
{
	(void)arg;
	__asm__ volatile("movabs $" NONCANONICAL ", %%rax\n"
			 ".globl do_noncanon_load_insn\ndo_noncanon_load_insn: movq (%%rax), %%rax" ::: "rax");
}
FAULTING(do_int3, "int3")
FAULTING(do_int1, ".byte 0xf1")   /* INT1 / ICEBP */
FAULTING(do_hlt, "hlt")
FAULTING(do_cli, "cli")
FAULTING(do_in, "inb $0x80, %%al", ::: "rax")
FAULTING(do_int20, "int $0x20")
FAULTING(do_fninit, "fninit")

/* dev: the row of lib/x86/deviations.c for VMMs known to get this wrong, or NULL. */
static void expect_dev(const char *dev, int got, int vector, unsigned long code, unsigned long pc,
			 const struct fault *f, const char *what)
{
	report_deviation(dev, got == vector && f->error_code == code && f->pc == pc,
		     "%s: %s(%#lx) at %#lx (got %s(%#lx) at %#lx)", what, exception_name(vector), code, pc,
		     exception_name(got), f->error_code, f->pc);
}

static void expect(int got, int vector, unsigned long code, unsigned long pc, const struct fault *f, const char *what)
{
	expect_dev(NULL, got, vector, code, pc, f, what);
}

static void test_cpl0(void)
{
	struct fault f;
	int v;

	report_prefix_push("CPL0");
	v = catch_exception(do_div0, NULL, &f);
	expect(v, DE_VECTOR, 0, (unsigned long)do_div0_insn, &f, "DIV by zero");
	v = catch_exception(do_ud2, NULL, &f);
	expect(v, UD_VECTOR, 0, (unsigned long)do_ud2_insn, &f, "UD2");
	v = catch_exception(do_into, NULL, &f);
	expect_dev("into-64-no-ud", v, UD_VECTOR, 0, (unsigned long)do_into_insn, &f, "INTO in 64-bit mode");
	v = catch_exception(do_noncanon_load, NULL, &f);
	expect(v, GP_VECTOR, 0, (unsigned long)do_noncanon_load_insn, &f, "non-canonical load");
	v = catch_exception(do_int3, NULL, &f);
	/* #BP is a trap: RIP points after INT3. */
	expect(v, BP_VECTOR, 0, (unsigned long)do_int3_next, &f, "INT3");
	v = catch_exception(do_int1, NULL, &f);
	/* TCG raises #UD for INT1 (F1), which the SDM defines in 64-bit mode. */
	expect_dev("int1-ud", v, DB_VECTOR, 0, (unsigned long)do_int1_next, &f, "INT1");
	write_cr0(read_cr0() | X86_CR0_TS | X86_CR0_MP);
	v = catch_exception(do_fninit, NULL, &f);
	write_cr0(read_cr0() & ~X86_CR0_TS);
	expect(v, NM_VECTOR, 0, (unsigned long)do_fninit_insn, &f, "FNINIT with CR0.TS");
	report_prefix_pop();
}

/* RBP-based addressing uses SS: a non-canonical address there is #SS(0), not #GP. */
extern char ss_insn[];
static void do_noncanon_ss(void *arg)
{
	(void)arg;
	__asm__ volatile("push %%rbp\n\tmovabs $" NONCANONICAL ", %%rbp\n"
			 ".globl ss_insn\nss_insn: movq (%%rbp), %%rax\n\tpop %%rbp" ::: "rax", "memory");
}

static void test_ss(void)
{
	struct fault f;
	int v = catch_exception(do_noncanon_ss, NULL, &f);

	/* TCG raises #GP here. */
	expect_dev("noncanonical-ss-gp", v, SS_VECTOR, 0, (unsigned long)ss_insn, &f, "CPL0: non-canonical RBP-based load");
}

/* Single-step: with RFLAGS.TF set by POPF, the next instruction completes, then #DB with DR6.BS. */
extern char after_step[];
static void do_single_step(void *arg)
{
	(void)arg;
	__asm__ volatile("pushfq\n\torq $0x100, (%%rsp)\n\tpopfq\n\tnop\n"
			 ".globl after_step\nafter_step: nop" ::: "memory", "cc");
}

static void test_single_step(void)
{
	struct fault f;
	unsigned long dr6;
	int v;

	__asm__ volatile("mov %0, %%dr6" :: "r"(0xffff0ff0UL));
	v = catch_exception(do_single_step, NULL, &f);
	__asm__ volatile("mov %%dr6, %0" : "=r"(dr6));
	report(v == DB_VECTOR && f.pc == (unsigned long)after_step && (dr6 & (1 << 14)),
	       "CPL0: single step: #DB after one instruction with DR6.BS (got %s at %#lx, DR6 %#lx)",
	       exception_name(v), f.pc, dr6);
}

struct access {
	volatile char *p;
	bool write;
};

static void do_access(void *arg)
{
	struct access *a = arg;

	if (a->write)
		*a->p = 1;
	else
		(void)*a->p;
}

static void do_fetch(void *arg)
{
	((void (*)(void))arg)();
}

static void check_pf(int v, const struct fault *f, unsigned long code, const volatile void *addr, const char *what)
{
	report(v == PF_VECTOR && f->error_code == code && f->addr == (unsigned long)addr,
	       "%s: #PF(%#lx) CR2=%p (got %s(%#lx) CR2=%#lx)", what, code, (const void *)addr, exception_name(v),
	       f->error_code, f->addr);
}

static void test_page_faults(void)
{
	char *page = alloc_page();
	struct access a = { page + 0x10, false };
	struct fault f;
	int v;

	report_prefix_push("#PF");
	set_page_flags(page, 0, PT_PRESENT);
	v = catch_exception(do_access, &a, &f);
	check_pf(v, &f, 0, a.p, "read of a not-present page");
	a.write = true;
	v = catch_exception(do_access, &a, &f);
	check_pf(v, &f, PFERR_W, a.p, "write to a not-present page");
	set_page_flags(page, PT_PRESENT, PT_WRITABLE);
	v = catch_exception(do_access, &a, &f);
	check_pf(v, &f, PFERR_P | PFERR_W, a.p, "write to a read-only page with CR0.WP");
	set_page_flags(page, PT_WRITABLE, PT_USER);
	a.write = false;
	v = run_in_user(do_access, &a, &f);
	check_pf(v, &f, PFERR_P | PFERR_U, a.p, "CPL3 read of a supervisor page");
	set_page_flags(page, PT_USER, 0);
	if (this_cpu_has(X86_FEATURE_NX)) {
		page[0] = (char)0xc3;   /* RET */
		set_page_flags(page, PT_NX, 0);
		v = catch_exception(do_fetch, page, &f);
		check_pf(v, &f, PFERR_P | PFERR_I, page, "fetch from an NX page");
		report(f.pc == (unsigned long)page, "the faulting RIP is the fetch address (%#lx)", f.pc);
		set_page_flags(page, 0, PT_NX);
	} else {
		report_skip("fetch from an NX page: CPUID.80000001H:EDX.NX=0");
	}
	v = catch_exception(do_access, &a, &f);
	report(v == NO_EXCEPTION, "the page works again once restored");
	report_prefix_pop();
	free_page(page);
}

static void test_cpl3(void)
{
	struct fault f;
	int v;

	report_prefix_push("CPL3");
	v = run_in_user(do_hlt, NULL, &f);
	expect(v, GP_VECTOR, 0, (unsigned long)do_hlt_insn, &f, "HLT");
	v = run_in_user(do_cli, NULL, &f);
	expect(v, GP_VECTOR, 0, (unsigned long)do_cli_insn, &f, "CLI with IOPL 0");
	v = run_in_user(do_in, NULL, &f);
	expect(v, GP_VECTOR, 0, (unsigned long)do_in_insn, &f, "IN with IOPL 0 and no I/O bitmap");
	v = run_in_user(do_int3, NULL, &f);
	expect(v, BP_VECTOR, 0, (unsigned long)do_int3_next, &f, "INT3 through a DPL3 gate");
	/* Error code for an IDT gate: vector << 3 | IDT (bit 1). TCG uses the byte offset of the 16-byte gate. */
	v = run_in_user(do_int20, NULL, &f);
	expect_dev("idt-error-code", v, GP_VECTOR, (0x20 << 3) | 2, (unsigned long)do_int20_insn, &f, "INT 0x20 through a DPL0 gate");
	v = run_in_user(do_ud2, NULL, &f);
	expect(v, UD_VECTOR, 0, (unsigned long)do_ud2_insn, &f, "UD2");
	report((f.regs.cs & 3) == 3 && (f.regs.ss & 3) == 3, "the fault was taken from CPL3 (CS %#lx, SS %#lx)",
	       f.regs.cs, f.regs.ss);
	report_prefix_pop();
}

/* An exception handler may fix the fault up and resume: here it skips the UD2. */
static void skip_ud2(struct ex_regs *regs)
{
	regs->rip += 2;
}

static void test_handler_resume(void)
{
	exception_handler old = handle_exception(UD_VECTOR, skip_ud2);
	struct fault f;
	int v = catch_exception(do_ud2, NULL, &f);

	handle_exception(UD_VECTOR, old);
	report(v == NO_EXCEPTION, "an installed #UD handler resumes after UD2 (got %s)", exception_name(v));
}

int main(int argc, char **argv, char **envp)
{
	(void)argc, (void)argv, (void)envp;
	report_info("running on %s: its known deviations (lib/x86/deviations.c) are XFAIL", vmm_description());
	test_cpl0();
	test_ss();
	test_single_step();
	test_page_faults();
	test_cpl3();
	test_handler_resume();
	return report_summary();
}
