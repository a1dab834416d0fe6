/*
 * selftest: the library itself works in this guest — argv, environ, printf,
 * the allocators, setjmp/longjmp, catching interrupts in privileged and
 * problem state, SMP. Arguments: any words (checked against "expect-args=N"
 * if given) and "cpus=N" to check that N CPUs came up.
 */
#include "hvut.h"
#include "selftest-lib.h"
#include <setjmp.h>
#include <asm/processor.h>
#include <asm/smp.h>

extern char selftest_trap[], selftest_illegal[];
/* "tw 31,0,0": trap unconditionally: a program interrupt with SRR1[TRAP]. */
static void do_trap(void *arg)
{
	(void)arg;
	__asm__ volatile(".globl selftest_trap\nselftest_trap: tw 31, 0, 0");
}
/* All-zero is not an instruction in any Power ISA version. */
static void do_illegal(void *arg)
{
	(void)arg;
	__asm__ volatile(".globl selftest_illegal\nselftest_illegal: .long 0");
}
static void do_nothing(void *arg) { *(int *)arg = 1; }
static void user_mfmsr(void *arg) { *(unsigned long *)arg = mfmsr(); }
static void user_read_sprg3(void *arg) { *(unsigned long *)arg = mfspr(SPR_SPRG3_U); }

static void check_exceptions(void)
{
	struct fault f;
	int ran = 0, v;
	unsigned long x = 0;

	report_prefix_push("exceptions");
	v = catch_exception(do_nothing, &ran, &f);
	report(v == NO_EXCEPTION && ran == 1, "a function that does not fault returns NO_EXCEPTION");
	v = catch_exception(do_trap, NULL, &f);
	report(v == 0x700 && f.pc == (unsigned long)selftest_trap && (f.error_code & SRR1_PROGRAM_TRAP),
	       "tw 31 is caught as a program interrupt (trap) at its address (vector %#x, pc %#lx, SRR1 %#lx)",
	       v, f.pc, f.error_code);
	v = catch_exception(do_illegal, NULL, &f);
	report(v == 0x700 && f.pc == (unsigned long)selftest_illegal && (f.error_code & SRR1_PROGRAM_ILLEGAL),
	       "word 0 is caught as an illegal instruction (vector %#x, SRR1 %#lx)", v, f.error_code);
	mtspr(SPR_SPRG3, 0x5a5a1234);
	v = run_in_user(user_read_sprg3, &x, &f);
	report(v == NO_EXCEPTION && x == 0x5a5a1234,
	       "run_in_user runs a function to completion (read SPRG3 %#lx through its user alias)", x);
	v = run_in_user(user_mfmsr, &x, &f);
	report(v == 0x700 && (f.error_code & SRR1_PROGRAM_PRIV) && (f.error_code & MSR_PR),
	       "mfmsr in problem state is a privileged-instruction program interrupt from MSR[PR]=1 "
	       "(vector %#x, SRR1 %#lx)", v, f.error_code);
	report(!(mfmsr() & MSR_PR), "back in privileged state afterwards");
	report_prefix_pop();
}

static void check_smp(int argc, char **argv)
{
	report_prefix_push("smp");
	selftest_smp(argc, argv);
	report_prefix_pop();
}

int main(int argc, char **argv, char **envp)
{
	selftest_lib(argc, argv, envp);
	check_exceptions();
	check_smp(argc, argv);
	return report_summary();
}
