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

/* The identity map covers 32 bits of VA (lib/arm64/mmu.c, TCR_EL1.T0SZ = 32): this is beyond it. */
#define OUT_OF_RANGE_VA 0x100000000UL
/* QEMU virt's device window: nothing is mapped at 0x0a800000 (between virtio-mmio and the PCIe window). */
#define UNBACKED_DEVICE_PA 0x0a800000UL
#define ESR_DFSC(esr) ((esr) & 0x3f)
#define DFSC_IS_TRANSLATION(dfsc) (((dfsc) & 0x3c) == 0x04)
static void do_udf(void *arg)
{
	(void)arg;
	__asm__ volatile(".globl selftest_udf\nselftest_udf: udf #0x42");
}
/* A load from arg; the value read goes back through *result (arg[0] = address, arg[1] = value). */
static void do_load(void *arg)
{
	unsigned long *io = arg, v;

	__asm__ volatile(".globl selftest_load\nselftest_load: ldr %0, [%1]" : "=r"(v) : "r"(io[0]) : "memory");
	io[1] = v;
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

/*
 * A load from a device-window address with no device behind it. Whether the
 * system answers with an External abort is not the architecture's to say
 * (Arm ARM DDI 0487, "External aborts": which accesses the memory system
 * aborts is IMPLEMENTATION DEFINED), and QEMU's virt board does not document
 * it: QEMU TCG aborts it, QEMU with KVM completes the MMIO exit and the load
 * reads a value. Both are allowed; an abort, when it comes, must be a
 * synchronous data abort at the load with FAR = the address.
 */
static void check_unbacked_load(void)
{
	struct fault f;
	unsigned long io[2] = { UNBACKED_DEVICE_PA, 0 };
	int v = catch_exception(do_load, io, &f);

	if (v == NO_EXCEPTION) {
		report_info("load from unbacked device space at %#lx completes (read %#lx): no External abort on this system",
			    UNBACKED_DEVICE_PA, io[1]);
		return;
	}
	report_info("load from unbacked device space at %#lx aborts (EC %#x, DFSC %#lx)", UNBACKED_DEVICE_PA, v,
		    ESR_DFSC(f.error_code));
	report(v == EC_DABT_CUR && f.addr == UNBACKED_DEVICE_PA && f.pc == (unsigned long)selftest_load,
	       "an abort of the unbacked load is a data abort at the load with FAR (EC %#x, FAR %#lx)", v, f.addr);
}

static void check_exceptions(void)
{
	struct fault f;
	int ran = 0, v;
	unsigned long val = 0, io[2];

	report_prefix_push("exceptions");
	v = catch_exception(do_nothing, &ran, &f);
	report(v == NO_EXCEPTION && ran == 1, "a function that does not fault returns NO_EXCEPTION");
	v = catch_exception(do_udf, NULL, &f);
	report(v == EC_UNKNOWN && f.pc == (unsigned long)selftest_udf &&
	       (f.aux & PSR_MODE_MASK) == PSR_MODE_EL1H,
	       "udf is caught as EC 0 at its address from EL1h (EC %#x, pc %#lx, SPSR %#lx)", v, f.pc, f.aux);
	/*
	 * A VA outside the translation range must fault: Arm ARM (DDI 0487)
	 * D8, VMSAv8-64 translation, input address size: a VA above the
	 * range TCR_EL1.T0SZ gives is a Translation fault (DFSC 0b0001xx),
	 * and FAR_EL1 holds the VA.
	 */
	io[0] = OUT_OF_RANGE_VA;
	v = catch_exception(do_load, io, &f);
	report(v == EC_DABT_CUR && f.addr == OUT_OF_RANGE_VA && f.pc == (unsigned long)selftest_load &&
	       DFSC_IS_TRANSLATION(ESR_DFSC(f.error_code)),
	       "load above the VA range is a data abort (translation fault) with FAR (EC %#x, DFSC %#lx, FAR %#lx)", v,
	       ESR_DFSC(f.error_code), f.addr);
	check_unbacked_load();
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
