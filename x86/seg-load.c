/*
 * seg-load: MOV to SS and DS with good and bad selectors in 64-bit mode,
 * from the SDM vol. 2B "MOV -- Move" (Operation, "64-Bit Mode Exceptions"),
 * "POP", "PUSH", and vol. 3A "Segment Selectors" (the error code of a
 * #GP/#SS/#NP(selector) is the selector with RPL replaced by EXT/IDT = 0).
 *
 *   ss     null selector: loadable at CPL0 with RPL = CPL, #GP(0) with
 *          RPL != CPL, #GP(0) at CPL3; RPL != CPL, DPL != CPL, a code
 *          segment, a selector past the GDT limit, a TI=1 selector with a
 *          null LDTR: #GP(selector); not present: #SS(selector)
 *   ds     null (any RPL) loads; a readable code segment loads; a system
 *          descriptor and a selector past the limit: #GP(selector); not
 *          present: #NP(selector)
 *   invalid  POP SS, PUSH CS and MOV to CS: #UD in 64-bit mode
 *
 * The not-present descriptor is written into a GDT slot no CPU uses (the TSS
 * slot of CPU MAX_CPUS - 1) and cleared again.
 */
#include "hvut.h"
#include <asm/desc.h>
#include <asm/processor.h>

#define SPARE_SEL (FIRST_TSS_SEL + 16 * (MAX_CPUS - 1))
/* A 4 GiB read/write data segment, DPL0, present bit clear. */
#define DATA_NOT_PRESENT 0x00cf13000000ffffULL

struct load {
	uint16_t sel;
	bool ss;
};

/* Loads sel into SS or DS and puts the old value back at once. */
static void do_load(void *arg)
{
	const struct load *l = arg;

	if (l->ss)
		__asm__ volatile("mov %%ss, %%ecx\n\tmov %0, %%ss\n\tmov %%ecx, %%ss" :: "r"((unsigned)l->sel) : "rcx", "memory");
	else
		__asm__ volatile("mov %%ds, %%ecx\n\tmov %0, %%ds\n\tmov %%ecx, %%ds" :: "r"((unsigned)l->sel) : "rcx", "memory");
}

static uint64_t *gdt_base(uint16_t *limit)
{
	struct descriptor_ptr p;

	__asm__ volatile("sgdt %0" : "=m"(p));
	*limit = p.limit;
	return (uint64_t *)(uintptr_t)p.base;
}

/* One load at CPL0 (or CPL3): want_vec NO_EXCEPTION, or the vector and error code. */
static void expect(bool ss, uint16_t sel, bool user, int want_vec, unsigned long want_err, const char *why,
		   const char *dev)
{
	struct load l = { sel, ss };
	struct fault f;
	int v = user ? run_in_user(do_load, &l, &f) : catch_exception(do_load, &l, &f);
	bool ok = v == want_vec && (want_vec == NO_EXCEPTION || f.error_code == want_err);

	report_deviation(dev, ok, "CPL%d MOV %s, %#x (%s): %s(%#lx) (got %s(%#lx))", user ? 3 : 0, ss ? "SS" : "DS",
			 sel, why, exception_name(want_vec), want_err, exception_name(v),
			 v == NO_EXCEPTION ? 0UL : f.error_code);
}

static void test_ss(void)
{
	uint16_t limit;
	uint64_t *gdt = gdt_base(&limit);
	uint16_t past = (uint16_t)((limit + 1) & ~7);

	report_prefix_push("SS");
	/* MOV, 64-Bit Mode Exceptions: #GP(0) for a null SS at CPL3, or at CPL < 3 with RPL != CPL. */
	expect(true, 0, false, NO_EXCEPTION, 0, "null, RPL = CPL = 0", NULL);
	expect(true, 3, false, GP_VECTOR, 0, "null, RPL 3 != CPL", "movss-null-rpl");
	expect(true, 1, false, GP_VECTOR, 0, "null, RPL 1 != CPL", "movss-null-rpl");
	expect(true, 3, true, GP_VECTOR, 0, "null at CPL3", NULL);
	/* MOV, Operation: SS needs RPL = CPL, a writable data segment with DPL = CPL, else #GP(selector). */
	expect(true, KERNEL_DS | 3, false, GP_VECTOR, KERNEL_DS, "RPL 3 != CPL", NULL);
	expect(true, USER_DS & ~3, false, GP_VECTOR, USER_DS & ~3, "DPL 3 != CPL", NULL);
	expect(true, KERNEL_CS, false, GP_VECTOR, KERNEL_CS, "a code segment", NULL);
	expect(true, past, false, GP_VECTOR, past, "past the GDT limit", NULL);
	expect(true, 0x14, false, GP_VECTOR, 0x14, "TI = 1, LDTR null", NULL);
	if (nr_cpus() >= MAX_CPUS) {
		report_skip("not-present SS: no spare GDT slot with %d CPUs", nr_cpus());
	} else {
		gdt[SPARE_SEL / 8] = DATA_NOT_PRESENT;
		/* MOV: #SS(selector) if SS is loaded with a segment marked not present. */
		expect(true, SPARE_SEL, false, SS_VECTOR, SPARE_SEL, "not present", NULL);
		gdt[SPARE_SEL / 8] = 0;
	}
	report_prefix_pop();
}

static void test_ds(void)
{
	uint16_t limit;
	uint64_t *gdt = gdt_base(&limit);
	uint16_t past = (uint16_t)((limit + 1) & ~7);

	report_prefix_push("DS");
	/* MOV, Operation: a null selector loads into DS..GS, whatever its RPL. */
	expect(false, 0, false, NO_EXCEPTION, 0, "null", NULL);
	expect(false, 3, false, NO_EXCEPTION, 0, "null, RPL 3", NULL);
	expect(false, 0, true, NO_EXCEPTION, 0, "null at CPL3", NULL);
	/* A readable code segment is allowed in DS; a system descriptor is not. */
	expect(false, KERNEL_CS, false, NO_EXCEPTION, 0, "readable code segment", NULL);
	expect(false, FIRST_TSS_SEL, false, GP_VECTOR, FIRST_TSS_SEL, "a TSS descriptor", NULL);
	expect(false, past, false, GP_VECTOR, past, "past the GDT limit", NULL);
	if (nr_cpus() >= MAX_CPUS) {
		report_skip("not-present DS: no spare GDT slot with %d CPUs", nr_cpus());
	} else {
		gdt[SPARE_SEL / 8] = DATA_NOT_PRESENT;
		/* MOV: #NP(selector) if DS..GS is loaded with a segment marked not present. */
		expect(false, SPARE_SEL, false, NP_VECTOR, SPARE_SEL, "not present", NULL);
		gdt[SPARE_SEL / 8] = 0;
	}
	report_prefix_pop();
}

#define INVALID(name, bytes)                                                         \
	extern char name##_insn[];                                                   \
	static void __attribute__((noinline)) name(void *arg)                        \
	{                                                                            \
		(void)arg;                                                           \
		__asm__ volatile(".globl " #name "_insn\n" #name "_insn: " bytes);  \
	}
INVALID(do_pop_ss, ".byte 0x17")         /* POP SS */
INVALID(do_push_cs, ".byte 0x0e")        /* PUSH CS */
INVALID(do_mov_cs, ".byte 0x8e, 0xc8")   /* MOV CS, AX */

static void test_invalid(void)
{
	static const struct {
		void (*fn)(void *);
		const char *insn, *name, *rule;
	} cases[] = {
		{ do_pop_ss, do_pop_ss_insn, "POP SS", "vol. 2B POP: #UD in 64-bit mode (opcode 17)" },
		{ do_push_cs, do_push_cs_insn, "PUSH CS", "vol. 2B PUSH: PUSH CS invalid in 64-bit mode (opcode 0E)" },
		{ do_mov_cs, do_mov_cs_insn, "MOV CS, r16", "vol. 2B MOV: #UD if an attempt is made to load CS" },
	};
	struct fault f;

	report_prefix_push("invalid");
	for (unsigned i = 0; i < ARRAY_SIZE(cases); i++) {
		int v = catch_exception(cases[i].fn, NULL, &f);

		report(v == UD_VECTOR && f.pc == (unsigned long)cases[i].insn, "%s: #UD at the instruction (got %s at %#lx) [SDM %s]",
		       cases[i].name, exception_name(v), f.pc, cases[i].rule);
	}
	report_prefix_pop();
}

int main(int argc, char **argv, char **envp)
{
	static const struct test_part parts[] = { { "ss", test_ss }, { "ds", test_ds }, { "invalid", test_invalid } };

	(void)envp;
	report_prefix_push("seg-load");
	report_info("running on %s", vmm_description());
	run_parts(argc, argv, parts, ARRAY_SIZE(parts));
	report_prefix_pop();
	return report_summary();
}
