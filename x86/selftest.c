/*
 * selftest: the library itself works in this guest — argv, environ, printf,
 * the allocators, setjmp/longjmp, catching exceptions at CPL0 and CPL3, SMP.
 * Arguments: any words (checked against "expect-args=N" if given) and
 * "cpus=N" to check that N CPUs came up.
 */
#include "hvut.h"
#include "selftest-lib.h"
#include <setjmp.h>
#include <asm/desc.h>
#include <asm/processor.h>

extern char selftest_ud2[];
static void do_ud2(void *arg)
{
	(void)arg;
	__asm__ volatile(".globl selftest_ud2\nselftest_ud2: ud2");
}
static void do_nothing(void *arg) { *(int *)arg = 1; }
static void user_read_cs(void *arg) { *(unsigned *)arg = read_cs(); }
static void user_hlt(void *arg) { (void)arg; __asm__ volatile("hlt"); }

static void check_exceptions(void)
{
	struct fault f;
	int ran = 0, v;
	unsigned cs = 0;

	report_prefix_push("exceptions");
	v = catch_exception(do_nothing, &ran, &f);
	report(v == NO_EXCEPTION && ran == 1, "a function that does not fault returns NO_EXCEPTION");
	v = catch_exception(do_ud2, NULL, &f);
	report(v == UD_VECTOR && f.pc == (unsigned long)selftest_ud2,
	       "ud2 is caught as #UD at its address (vector %d, pc %#lx)", v, f.pc);
	v = run_in_user(user_read_cs, &cs, &f);
	report(v == NO_EXCEPTION && (cs & 3) == 3, "run_in_user runs at CPL3 (CS=%#x)", cs);
	v = run_in_user(user_hlt, NULL, &f);
	report(v == GP_VECTOR && f.error_code == 0 && (f.regs.cs & 3) == 3,
	       "hlt at CPL3 is caught as #GP(0) from CPL3 (vector %d, error %#lx)", v, f.error_code);
	report(cpl() == 0, "back at CPL0 afterwards");
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
