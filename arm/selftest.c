/*
 * selftest: the library itself works in this guest — argv, environ, printf,
 * the allocators, setjmp/longjmp, catching exceptions at EL1 and EL0, SMP.
 * Arguments: any words (checked against "expect-args=N" if given) and
 * "cpus=N" to check that N CPUs came up.
 */
#include "hvut.h"
#include "selftest-lib.h"
#include <setjmp.h>
#include <asm/sysreg.h>
#include <asm/smp.h>

extern char selftest_udf[], selftest_load[];
static void do_udf(void *arg)
{
	(void)arg;
	__asm__ volatile(".globl selftest_udf\nselftest_udf: udf #0x42");
}
/* A load from an address nothing is mapped at in QEMU virt's device window: the bus aborts it. */
static void do_bad_load(void *arg)
{
	unsigned long v, a = (unsigned long)arg;

	__asm__ volatile(".globl selftest_load\nselftest_load: ldr %0, [%1]" : "=r"(v) : "r"(a) : "memory");
}
static void do_nothing(void *arg) { *(int *)arg = 1; }
static void user_read_el(void *arg)
{
	unsigned long nzcv;

	/* CurrentEL is not readable at EL0; the mode is visible through the exception's SPSR only. */
	__asm__ volatile("mrs %0, nzcv" : "=r"(nzcv));
	*(unsigned long *)arg = 0xe0;
}
static void user_wfi(void *arg) { (void)arg; __asm__ volatile("wfi"); }
static void user_read_sctlr(void *arg) { *(unsigned long *)arg = read_sysreg(sctlr_el1); }

static void check_exceptions(void)
{
	struct fault f;
	int ran = 0, v;
	unsigned long val = 0;

	report_prefix_push("exceptions");
	v = catch_exception(do_nothing, &ran, &f);
	report(v == NO_EXCEPTION && ran == 1, "a function that does not fault returns NO_EXCEPTION");
	v = catch_exception(do_udf, NULL, &f);
	report(v == EC_UNKNOWN && f.pc == (unsigned long)selftest_udf &&
	       (f.aux & PSR_MODE_MASK) == PSR_MODE_EL1H,
	       "udf is caught as EC 0 at its address from EL1h (EC %#x, pc %#lx, SPSR %#lx)", v, f.pc, f.aux);
	v = catch_exception(do_bad_load, (void *)0x0a800000UL, &f);
	report(v == EC_DABT_CUR && f.addr == 0x0a800000UL && f.pc == (unsigned long)selftest_load,
	       "load from unbacked device space is a data abort with FAR (EC %#x, FAR %#lx)", v, f.addr);
	v = run_in_user(user_read_el, &val, &f);
	report(v == NO_EXCEPTION && val == 0xe0, "run_in_user runs a function at EL0 and returns");
	v = run_in_user(user_wfi, NULL, &f);
	report(v == EC_WFX && (f.aux & PSR_MODE_MASK) == PSR_MODE_EL0T,
	       "wfi at EL0 with SCTLR_EL1.nTWI=0 traps as EC 1 from EL0t (EC %#x, SPSR %#lx)", v, f.aux);
	v = run_in_user(user_read_sctlr, &val, &f);
	report(v == EC_UNKNOWN && (f.aux & PSR_MODE_MASK) == PSR_MODE_EL0T,
	       "mrs sctlr_el1 at EL0 is undefined (EC %#x)", v);
	report((read_sysreg(CurrentEL) >> 2) == 1, "back at EL1 afterwards");
	report_prefix_pop();
}

static void catch_on_cpu(void *arg)
{
	struct fault f;

	*(int *)arg = catch_exception(do_udf, NULL, &f);
}

static void check_smp(int argc, char **argv)
{
	int v = NO_EXCEPTION;

	report_prefix_push("smp");
	if (selftest_smp(argc, argv)) {
		on_cpu(1, catch_on_cpu, &v);
		report(v == EC_UNKNOWN, "catch_exception works on CPU 1 (EC %#x)", v);
	}
	report_prefix_pop();
}

int main(int argc, char **argv, char **envp)
{
	extern unsigned long boot_el;

	report_info("entered at EL%lu, running at EL%lu", boot_el, read_sysreg(CurrentEL) >> 2);
	selftest_lib(argc, argv, envp);
	check_exceptions();
	check_smp(argc, argv);
	return report_summary();
}
