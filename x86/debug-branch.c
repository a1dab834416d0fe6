/*
 * debug-branch: the branch debug features of the debug-control MSR
 * (IA32_DEBUGCTL, 1D9H), from the SDM vol. 3B 17.4 "Last Branch, Interrupt,
 * and Exception Recording Overview" and vol. 4 table 2-2 (IA32_DEBUGCTL is
 * architectural from 06_0EH: LBR bit 0, BTF bit 1), and the APM vol. 2
 * 13.1.1.6 "Debug-Control MSR (DebugCtl)" and 13.1.1.7 "Control-Transfer
 * Recording MSRs" (LastBranchFromIP 1DBh, LastBranchToIP 1DCh).
 *
 *   btf  DEBUGCTL.BTF with RFLAGS.TF: single-step on branches (SDM 17.4.3):
 *        no trap after a NOP or a Jcc not taken, one at the target of a
 *        taken JMP with DR6.BS; Intel: "the processor clears the BTF flag
 *        when it generates a debug exception"
 *   lbr  DEBUGCTL.LBR: the last taken branch's source and target. AMD:
 *        LastBranchFromIP/ToIP. Intel: architectural LBRs where
 *        CPUID.(7,0):EDX[19] enumerates them (vol. 3B 18.1, IA32_LBR_CTL,
 *        IA32_LBR_0_FROM_IP/TO_IP); without them the LBR stack's MSRs are
 *        model-specific: SKIP naming that
 *
 * The MSR is architectural on every Intel model from 06_0EH and on every
 * AMD64 processor: a VMM whose model is one of those and that #GPs the MSR
 * or ignores the bits deviates (rows in lib/x86/deviations.c).
 * Arguments select parts (default: all).
 */
#include "hvut.h"
#include <asm/cpufeature.h>
#include <asm/desc.h>
#include <asm/processor.h>

#define MSR_DEBUGCTL 0x1d9
#define DEBUGCTL_LBR (1ULL << 0)
#define DEBUGCTL_BTF (1ULL << 1)
#define MSR_LAST_BRANCH_FROM_IP 0x1db   /* AMD */
#define MSR_LAST_BRANCH_TO_IP 0x1dc
#define MSR_LBR_CTL 0x14ce              /* Intel architectural LBRs */
#define MSR_LBR_DEPTH 0x14cf
#define MSR_LBR_0_FROM_IP 0x1500
#define MSR_LBR_0_TO_IP 0x1600
#define LBR_CTL_EN_OS (1ULL << 0 | 1ULL << 1)   /* LBREn, OS (CPL0) */
#define LBR_CTL_BRANCH_TYPES (0x7fULL << 16)   /* JCC .. OTHER_BRANCH */
#define X86_FEATURE_ARCH_LBR X86_FEATURE(7, 0, CPUID_EDX, 19)
#define DR6_BS (1UL << 14)
#define FL_TF (1UL << 8)

static unsigned long read_dr6(void) { unsigned long v; __asm__ volatile("mov %%dr6, %0" : "=r"(v)); return v; }
static void write_dr6(unsigned long v) { __asm__ volatile("mov %0, %%dr6" :: "r"(v)); }

/*
 * Whether the model has IA32_DEBUGCTL: Intel DisplayFamily_DisplayModel
 * 06_0EH and later (vol. 4 table 2-2), any AMD64 (APM vol. 2 13.1.1.6).
 */
static bool model_has_debugctl(void)
{
	uint32_t a = cpuid(1).a, family = (a >> 8) & 0xf, model = (a >> 4) & 0xf;

	if (family == 0xf)
		family += (a >> 20) & 0xff;
	if (family == 0x6 || family >= 0xf)
		model |= ((a >> 16) & 0xf) << 4;
	if (cpu_vendor() == X86_VENDOR_AMD)
		return true;
	return cpu_vendor() == X86_VENDOR_INTEL && (family > 6 || (family == 6 && model >= 0xe));
}

/*
 * Sets DEBUGCTL to v: checks that it does not #GP and keeps v (deviation ids
 * for the two). Returns -1 on a #GP, 0 if v did not stick, 1 if it did.
 */
static int debugctl_set(uint64_t v, const char *what)
{
	uint64_t got = 0;
	int w = wrmsr_safe(MSR_DEBUGCTL, v), r = rdmsr_safe(MSR_DEBUGCTL, &got);

	if (!report_deviation("debugctl-gp", w == NO_EXCEPTION && r == NO_EXCEPTION,
			      "WRMSR/RDMSR IA32_DEBUGCTL with %s: no #GP (got %s/%s) [SDM vol. 4 table 2-2 IA32_DEBUGCTL; APM vol. 2 13.1.1.6]",
			      what, exception_name(w), exception_name(r)))
		return -1;
	return report_deviation("debugctl-ignored", got == v, "IA32_DEBUGCTL reads back %s %#llx (got %#llx)", what,
				(unsigned long long)v, (unsigned long long)got);
}

/* --- btf ------------------------------------------------------------------- */

static volatile unsigned db_count;
static volatile unsigned long db_rip, db_dr6;

/* Records the first #DB and stops the stepping there. */
static void db_handler(struct ex_regs *r)
{
	if (!db_count++) {
		db_rip = r->rip;
		db_dr6 = read_dr6();
	}
	write_dr6(0);
	r->rflags &= ~FL_TF;
}

extern char btf_first[], btf_target[];
static void __attribute__((noinline)) btf_run(void)
{
	/* POPF sets TF: its own trap never comes; with BTF only a taken branch traps. */
	__asm__ volatile("pushfq\n\torq $0x100, (%%rsp)\n\tpopfq\n"
			 "btf_first: nop\n\t"
			 "xor %%eax, %%eax\n\t"
			 "jnz btf_target\n\t"        /* ZF = 1: not taken, no branch */
			 "nop\n\t"
			 "jmp btf_target\n\t"
			 "ud2\n"
			 "btf_target: nop\n\t"
			 "nop" ::: "rax", "memory", "cc");
}

static void test_btf(void)
{
	exception_handler old = handle_exception(DB_VECTOR, db_handler);
	uint64_t after = 0;
	int set;

	report_prefix_push("btf");
	write_dr6(0);
	set = debugctl_set(DEBUGCTL_BTF, "BTF");
	if (set < 0) {
		handle_exception(DB_VECTOR, old);
		report_prefix_pop();
		return;
	}
	db_count = 0;
	btf_run();
	rdmsr_safe(MSR_DEBUGCTL, &after);
	wrmsr_safe(MSR_DEBUGCTL, 0);
	handle_exception(DB_VECTOR, old);
	report_info("first #DB at %#lx (JMP target %p, first NOP %p), DR6 %#lx; DEBUGCTL after it %#llx", db_rip, btf_target,
		    btf_first, db_dr6, (unsigned long long)after);
	/* SDM vol. 3B 17.4.3: "a single-step debug exception only after instructions that cause a branch". */
	report_deviation("debugctl-ignored", db_count >= 1 && db_rip == (unsigned long)btf_target && (db_dr6 & DR6_BS),
			 "TF with BTF: the first #DB is after the taken JMP, at its target, DR6.BS (got %u #DB, at %#lx, want %p; DR6 %#lx) [SDM vol. 3B 17.4.3]",
			 db_count, db_rip, btf_target, db_dr6);
	if (!set)
		report_info("DEBUGCTL.BTF never read back set: whether the #DB clears it is not checked");
	else if (cpu_vendor() == X86_VENDOR_INTEL)
		report(!(after & DEBUGCTL_BTF), "the #DB cleared DEBUGCTL.BTF (%#llx) [SDM vol. 3B 17.4.3]",
		       (unsigned long long)after);
	else
		report_info("DEBUGCTL.BTF after the #DB: %d (the APM does not say it is cleared)", !!(after & DEBUGCTL_BTF));
	report_prefix_pop();
}

/* --- lbr ------------------------------------------------------------------- */

extern char lbr_from[], lbr_to[];
/* MSR ecx := on, a taken JMP, MSR ecx := off: no other branch while recording. */
static void __attribute__((noinline)) lbr_run(uint32_t msr, uint64_t on)
{
	uint32_t lo = (uint32_t)on, hi = (uint32_t)(on >> 32);

	__asm__ volatile("wrmsr\n"
			 "lbr_from: jmp lbr_to\n\t"
			 "ud2\n"
			 "lbr_to: xor %%eax, %%eax\n\t"
			 "xor %%edx, %%edx\n\t"
			 "wrmsr"
			 : "+a"(lo), "+d"(hi) : "c"(msr) : "memory");
}

static void lbr_check(uint32_t from_msr, uint32_t to_msr, const char *dev, const char *rule)
{
	uint64_t from = 0, to = 0;
	int r = rdmsr_safe(from_msr, &from);

	if (r == NO_EXCEPTION)
		r = rdmsr_safe(to_msr, &to);

	report_deviation(dev, r == NO_EXCEPTION && from == (uintptr_t)lbr_from && to == (uintptr_t)lbr_to,
			 "the last branch recorded: from %#llx to %#llx (want %p -> %p; %s) [%s]", (unsigned long long)from,
			 (unsigned long long)to, lbr_from, lbr_to, exception_name(r), rule);
}

static void test_lbr(void)
{
	report_prefix_push("lbr");
	if (cpu_vendor() == X86_VENDOR_AMD) {
		if (debugctl_set(DEBUGCTL_LBR, "LBR") >= 0) {
			wrmsr(MSR_DEBUGCTL, 0);
			lbr_run(MSR_DEBUGCTL, DEBUGCTL_LBR);
			lbr_check(MSR_LAST_BRANCH_FROM_IP, MSR_LAST_BRANCH_TO_IP, "debugctl-ignored",
				  "APM vol. 2 13.1.1.7 LastBranchFromIP/LastBranchToIP");
		}
	} else if (this_cpu_has(X86_FEATURE_ARCH_LBR)) {
		uint64_t ctl = LBR_CTL_EN_OS | ((cpuid_indexed(0x1c, 0).b & 2) ? LBR_CTL_BRANCH_TYPES : 0);
		int v = wrmsr_safe(MSR_LBR_DEPTH, 8);   /* depth 8: CPUID.(1CH,0):EAX[0], always allowed */

		report(v == NO_EXCEPTION, "IA32_LBR_DEPTH = 8 (got %s) [SDM vol. 3B 18.1]", exception_name(v));
		lbr_run(MSR_LBR_CTL, ctl);
		/* IA32_LBR_0 holds the youngest record (vol. 3B 18.1.1). */
		lbr_check(MSR_LBR_0_FROM_IP, MSR_LBR_0_TO_IP, NULL, "SDM vol. 3B 18.1 Architectural Last Branch Records");
	} else {
		/* DEBUGCTL.LBR itself is architectural: it must stick even if the stack is model-specific. */
		if (debugctl_set(DEBUGCTL_LBR, "LBR") >= 0)
			wrmsr(MSR_DEBUGCTL, 0);
		report_skip("LBR stack: Intel without architectural LBRs (CPUID.(7,0):EDX[19]=0): its MSRs are model-specific");
	}
	report_prefix_pop();
}

int main(int argc, char **argv, char **envp)
{
	static const struct test_part parts[] = { { "btf", test_btf }, { "lbr", test_lbr } };

	(void)envp;
	report_prefix_push("debug-branch");
	report_info("vendor %s, CPUID.1:EAX %#x, running on %s", cpu_vendor() == X86_VENDOR_INTEL ? "Intel" :
		    cpu_vendor() == X86_VENDOR_AMD ? "AMD" : "other", cpuid(1).a, vmm_description());
	if (!model_has_debugctl()) {
		report_skip("IA32_DEBUGCTL: neither AMD64 nor Intel 06_0EH or later (SDM vol. 4 table 2-2)");
	} else {
		run_parts(argc, argv, parts, ARRAY_SIZE(parts));
		wrmsr_safe(MSR_DEBUGCTL, 0);
	}
	report_prefix_pop();
	return report_summary();
}
