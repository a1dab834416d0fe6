/*
 * umip: with CR4.UMIP=1, SGDT, SIDT, SLDT, STR and SMSW at CPL>0 raise
 * #GP(0); with it clear they run at CPL3; at CPL0 they always run
 * (SDM vol. 3A 2.5 "Control Registers", CR4.UMIP; vol. 2 SGDT/SIDT/SLDT/STR/SMSW).
 */
#include "hvut.h"
#include <asm/cpufeature.h>
#include <asm/desc.h>
#include <asm/paging.h>
#include <asm/processor.h>

struct insn {
	const char *name;
	void (*fn)(void *arg);
};

static void do_sgdt(void *arg) { (void)arg; struct descriptor_ptr d; __asm__ volatile("sgdt %0" : "=m"(d)); }
static void do_sidt(void *arg) { (void)arg; struct descriptor_ptr d; __asm__ volatile("sidt %0" : "=m"(d)); }
static void do_sldt(void *arg) { (void)arg; uint16_t s; __asm__ volatile("sldt %0" : "=m"(s)); }
static void do_str(void *arg) { (void)arg; uint16_t s; __asm__ volatile("str %0" : "=m"(s)); }
static void do_smsw_mem(void *arg) { (void)arg; uint16_t s; __asm__ volatile("smsw %0" : "=m"(s)); }
static void do_smsw_reg(void *arg) { (void)arg; unsigned long r; __asm__ volatile("smsw %0" : "=r"(r)); }

static const struct insn insns[] = {
	{ "SGDT", do_sgdt }, { "SIDT", do_sidt }, { "SLDT m16", do_sldt }, { "STR m16", do_str },
	{ "SMSW m16", do_smsw_mem }, { "SMSW r64", do_smsw_reg },
};

static void run_all(bool umip)
{
	report_prefix_pushf("UMIP=%d", umip);
	for (unsigned i = 0; i < ARRAY_SIZE(insns); i++) {
		struct fault f;
		int v = run_in_user(insns[i].fn, NULL, &f);

		if (umip)
			report(v == GP_VECTOR && f.error_code == 0, "CPL3 %s: #GP(0) (got %s(%#lx))", insns[i].name,
			       exception_name(v), f.error_code);
		else
			report(v == NO_EXCEPTION, "CPL3 %s: runs (got %s)", insns[i].name, exception_name(v));
		v = catch_exception(insns[i].fn, NULL, &f);
		report(v == NO_EXCEPTION, "CPL0 %s: runs (got %s)", insns[i].name, exception_name(v));
	}
	report_prefix_pop();
}

int main(int argc, char **argv, char **envp)
{
	unsigned long cr4 = read_cr4();

	(void)argc, (void)argv, (void)envp;
	report_info("running on %s", vmm_description());
	run_all(false);
	if (!this_cpu_has(X86_FEATURE_UMIP)) {
		report_skip("UMIP: CPUID.(7,0):ECX[2]=0");
		/* Without the feature the bit is reserved (SDM 3A 2.5): MOV to CR4 #GPs. */
		pg_check_cr_reserved(4, cr4 | X86_CR4_UMIP, "CR4.UMIP without UMIP", false);
		return report_summary();
	}
	write_cr4(cr4 | X86_CR4_UMIP);
	report(read_cr4() & X86_CR4_UMIP, "CR4.UMIP reads back 1");
	run_all(true);
	write_cr4(cr4);
	run_all(false);
	return report_summary();
}
