/*
 * la57: 5-level paging. CR4.LA57 cannot change in IA-32e mode; with 4-level
 * paging a linear address is canonical at 48 bits, with 5-level at 57
 * (SDM vol. 3A 2.5 CR4.LA57, 4.5, 3.3.7.1 "Canonical Addressing"; vol. 1
 * 3.3.7.1). The permission matrix itself runs under 5-level paging in the
 * access-la57-* entries (x86/access.c).
 */
#include "hvut.h"
#include <asm/cpufeature.h>
#include <asm/desc.h>
#include <asm/msr.h>
#include <asm/paging.h>
#include <asm/processor.h>

static void do_load(void *arg)
{
	(void)*(volatile char *)arg;
}

/* RBP-based: the stack segment, so a non-canonical address is #SS (SDM 3A 6.15 #SS). */
static void do_stack_load(void *arg)
{
	__asm__ volatile("push %%rbp; mov %0, %%rbp; movb (%%rbp), %%al; pop %%rbp" :: "r"(arg) : "rax", "memory");
}

struct addr_case {
	uint64_t addr;
	bool canon48, canon57;
};

/* Bits 63:47 (4-level) or 63:56 (5-level) all equal: canonical. */
static const struct addr_case addrs[] = {
	{ 0x00007ffffffff000ull, true, true },
	{ 0x0000800000000000ull, false, true },
	{ 0x00ff800000000000ull, false, true },
	{ 0x0100000000000000ull, false, false },
	{ 0xff00000000000000ull, false, true },
	{ 0xfeff800000000000ull, false, false },
	{ 0xffff800000000000ull, true, true },
	{ 0x8000000000000000ull, false, false },
};

static void check_canonical(bool five)
{
	for (unsigned i = 0; i < ARRAY_SIZE(addrs); i++) {
		bool canon = five ? addrs[i].canon57 : addrs[i].canon48;
		void *p = (void *)(uintptr_t)addrs[i].addr;
		struct fault f;
		int v = catch_exception(do_load, p, &f);

		/* Canonical: the walk runs and finds nothing mapped there (#PF); else #GP(0). */
		if (canon)
			report(v == PF_VECTOR && f.addr == addrs[i].addr, "load at %#llx: canonical, #PF (got %s CR2=%#lx)",
			       (unsigned long long)addrs[i].addr, exception_name(v), f.addr);
		else
			report(v == GP_VECTOR && f.error_code == 0, "load at %#llx: non-canonical, #GP(0) (got %s(%#lx))",
			       (unsigned long long)addrs[i].addr, exception_name(v), f.error_code);
		v = catch_exception(do_stack_load, p, &f);
		if (canon)
			report(v == PF_VECTOR, "RBP-based load at %#llx: canonical, #PF (got %s)",
			       (unsigned long long)addrs[i].addr, exception_name(v));
		else
			report_deviation("noncanonical-ss-gp", v == SS_VECTOR && f.error_code == 0,
					 "RBP-based load at %#llx: non-canonical, #SS(0) (got %s(%#lx))",
					 (unsigned long long)addrs[i].addr, exception_name(v), f.error_code);
	}
}

/* WRMSR to a base MSR checks canonicality at the current paging mode's width (SDM 2B WRMSR). */
static void check_msr(bool five)
{
	uint64_t a = 0x0080000000000000ull;   /* canonical only at 57 bits */
	uint64_t old = rdmsr(MSR_KERNEL_GS_BASE);
	int v = wrmsr_safe(MSR_KERNEL_GS_BASE, a);

	if (five)
		report(v == NO_EXCEPTION && rdmsr(MSR_KERNEL_GS_BASE) == a,
		       "WRMSR KERNEL_GS_BASE=%#llx: accepted with LA57 (got %s)", (unsigned long long)a,
		       exception_name(v));
	else
		report_deviation("msr-noncanonical-base", v == GP_VECTOR,
				 "WRMSR KERNEL_GS_BASE=%#llx: #GP with 4-level paging (got %s)", (unsigned long long)a,
				 exception_name(v));
	wrmsr(MSR_KERNEL_GS_BASE, old);
}

int main(int argc, char **argv, char **envp)
{
	struct pg_space s;
	unsigned long cr4 = read_cr4();

	(void)argc, (void)argv, (void)envp;
	report_info("running on %s", vmm_description());
	report_prefix_push("4-level");
	check_canonical(false);
	check_msr(false);
	if (!this_cpu_has(X86_FEATURE_LA57)) {
		report_prefix_pop();
		report_skip("5-level paging: CPUID.(7,0):ECX[16]=0 (LA57)");
		pg_check_cr_reserved(4, cr4 | X86_CR4_LA57, "CR4.LA57 without LA57", false);
		return report_summary();
	}
	report(write_cr4_safe(cr4 | X86_CR4_LA57) == GP_VECTOR && !(read_cr4() & X86_CR4_LA57),
	       "MOV to CR4 setting LA57 in IA-32e mode: #GP (SDM 2B MOV CR)");
	report_prefix_pop();

	pg_space_init(&s, 5);
	pg_space_enter(&s);
	report_prefix_push("5-level");
	report(read_cr4() & X86_CR4_LA57, "CR4.LA57 reads 1 after re-entering long mode with it");
	report(rdmsr(MSR_EFER) & EFER_LMA, "EFER.LMA is 1 again");
	report(write_cr4_safe(read_cr4() & ~X86_CR4_LA57) == GP_VECTOR && (read_cr4() & X86_CR4_LA57),
	       "MOV to CR4 clearing LA57 in IA-32e mode: #GP");
	check_canonical(true);
	check_msr(true);
	report_prefix_pop();
	pg_space_leave(&s);
	report(!(read_cr4() & X86_CR4_LA57), "back to 4-level paging: CR4.LA57 reads 0");
	return report_summary();
}
