/*
 * pmu: x86 performance counters as the guest's CPUID describes them.
 *
 * Intel (SDM vol. 3 ch. 20 "Performance Monitoring", vol. 4 table 2-2):
 *   CPUID.0AH: EAX[7:0] version, [15:8] GP counters, [23:16] width,
 *   [31:24] EBX length; EBX bit set = architectural event NOT available;
 *   EDX[4:0] fixed counters, [12:5] their width (version > 1).
 *   IA32_PMCx (0xC1+x) / IA32_PERFEVTSELx (0x186+x) exist only when
 *   CPUID.0AH:EAX[15:8] > x; FIXED_CTR*, FIXED_CTR_CTRL and the GLOBAL MSRs
 *   only when the version is > 1. Legacy PMC writes set bits 31:0 and
 *   sign-extend bit 31; the full-width aliases (0x4C1+x, PERF_CAPABILITIES
 *   bit 13) write the whole width and #GP beyond it.
 * AMD (APM vol. 2 ch. 13): legacy PERF_CTL0-3/PERF_CTR0-3 at 0xC0010000-7,
 *   six extended pairs at 0xC0010200+ with CPUID 0x80000001:ECX[23]
 *   (PerfCtrExtCore); PerfMonV2 (0x80000022:EAX[0]) adds global control.
 * RDPMC: #GP(0) for an unsupported counter index, and at CPL>0 with CR4.PCE=0.
 * Counting is checked on a loop of N iterations of DEC+JNZ: exactly 2N
 * instructions and N branches inside the window, plus the few instructions
 * between the enabling and disabling WRMSRs (bounded by SLACK).
 */
#include "hvut.h"
#include <asm/apic.h>
#include <asm/cpufeature.h>
#include <asm/desc.h>
#include <asm/msr.h>
#include <asm/processor.h>

#define LOOPS 100000ULL
#define SLACK 200ULL            /* WRMSR/RDMSR glue inside the counting window */
#define EVTSEL_USR (1ULL << 16)
#define EVTSEL_OS (1ULL << 17)
#define EVTSEL_INT (1ULL << 20)
#define EVTSEL_EN (1ULL << 22)
#define PMI_VECTOR 0xe3
#define PERF_CAP_FW_WRITE (1ULL << 13)
#define MSR_AMD_PERF_CTL0 0xc0010000
#define MSR_AMD_PERF_CTR0 0xc0010004
#define MSR_AMD_EXT_CTL0 0xc0010200
#define MSR_AMD_GLOBAL_STATUS 0xc0000300
#define MSR_AMD_GLOBAL_CTL 0xc0000301

static struct {
	unsigned version, nr_gp, width, nr_fixed, fixed_width;
	u32 unavailable;       /* CPUID.0AH:EBX */
	unsigned ebx_len;      /* CPUID.0AH:EAX[31:24]: how many EBX bits are meaningful */
	u64 perf_caps;
} pmu;
static bool amd;

static void count_loop(u64 n)
{
	__asm__ volatile("1: dec %0; jnz 1b" : "+r"(n) :: "cc");
}

static void user_loop(void *arg) { count_loop(*(u64 *)arg); }

struct rdpmc_op { u32 idx; u64 val; };
static void do_rdpmc(void *p)
{
	struct rdpmc_op *op = p;
	u32 lo, hi;

	__asm__ volatile("rdpmc" : "=a"(lo), "=d"(hi) : "c"(op->idx));
	op->val = lo | ((u64)hi << 32);
}

static int rdpmc_safe(u32 idx, u64 *val, bool user)
{
	struct rdpmc_op op = { idx, 0 };
	struct fault f;
	int v = user ? run_in_user(do_rdpmc, &op, &f) : catch_exception(do_rdpmc, &op, &f);

	*val = op.val;
	return v;
}

static void check_rdpmc_common(u32 valid_idx, bool has_valid, u32 bad_idx)
{
	unsigned long cr4 = read_cr4();
	u64 v;
	int r;

	report_prefix_push("RDPMC");
	write_cr4(cr4 & ~X86_CR4_PCE);
	r = rdpmc_safe(has_valid ? valid_idx : 0, &v, true);
	report(r == GP_VECTOR, "at CPL3 with CR4.PCE=0 #GPs (got %s)", exception_name(r));
	r = rdpmc_safe(bad_idx, &v, false);
	report_deviation("pmu-rdpmc-bad-index", r == GP_VECTOR, "of the unsupported counter index %#x #GPs (got %s)",
			 bad_idx, exception_name(r));
	if (has_valid) {
		r = rdpmc_safe(valid_idx, &v, false);
		report_deviation("pmu-rdpmc-ud", r == NO_EXCEPTION, "of the supported counter %#x at CPL0 works (got %s)",
				 valid_idx, exception_name(r));
		write_cr4(cr4 | X86_CR4_PCE);
		r = rdpmc_safe(valid_idx, &v, true);
		report_deviation("pmu-rdpmc-ud", r == NO_EXCEPTION, "at CPL3 with CR4.PCE=1 works (got %s)",
				 exception_name(r));
	}
	write_cr4(cr4);
	report_prefix_pop();
}

/* --- Intel ----------------------------------------------------------- */

static u64 width_mask(unsigned w) { return w >= 64 ? ~0ULL : (1ULL << w) - 1; }

static bool intel_msrs_work(void)
{
	u64 v;
	int r1 = rdmsr_safe(MSR_IA32_PMC0, &v), r2 = rdmsr_safe(MSR_IA32_PERFEVTSEL0, &v);
	bool ok = r1 == NO_EXCEPTION && r2 == NO_EXCEPTION;

	report_deviation("pmu-counter-msrs-gp", ok, "IA32_PMC0 and IA32_PERFEVTSEL0 exist as CPUID.0AH enumerates (%s, %s)",
		     exception_name(r1), exception_name(r2));
	return ok;
}

/* Counts event (umask<<8|event) with GP counter i over fn; returns the count. */
static u64 intel_count(unsigned i, u64 evtsel, bool global, bool user, u64 n)
{
	struct fault f;

	wrmsr(MSR_IA32_PERFEVTSEL0 + i, 0);
	wrmsr(MSR_IA32_PMC0 + i, 0);
	if (pmu.version > 1)
		wrmsr(MSR_IA32_PERF_GLOBAL_CTRL, global ? 1ULL << i : 0);
	wrmsr(MSR_IA32_PERFEVTSEL0 + i, evtsel | EVTSEL_EN);
	if (user)
		run_in_user(user_loop, &n, &f);
	else
		count_loop(n);
	wrmsr(MSR_IA32_PERFEVTSEL0 + i, evtsel);
	if (pmu.version > 1)
		wrmsr(MSR_IA32_PERF_GLOBAL_CTRL, 0);
	return rdmsr(MSR_IA32_PMC0 + i);
}

/*
 * SDM vol. 3B 20.2.1.2 (CPUID.0AH): architectural event i is available iff
 * i < EAX[31:24] (the EBX bit vector length) AND EBX[i] = 0; a bit beyond the
 * length says nothing, the event is not available.
 */
static bool arch_event_available(unsigned i)
{
	return i < pmu.ebx_len && !(pmu.unavailable & (1U << i));
}

static void intel_gp_counting(void)
{
	static const struct { u8 event, umask, bit; const char *name; } ev[] = {
		{ 0xc0, 0, 1, "instructions retired" },
		{ 0x3c, 0, 0, "core cycles" },
		{ 0xc4, 0, 5, "branches retired" },
	};

	for (unsigned i = 0; i < pmu.nr_gp; i++) {
		report_prefix_pushf("GP%u", i);
		for (unsigned e = 0; e < ARRAY_SIZE(ev); e++) {
			u64 sel = ev[e].event | ((u64)ev[e].umask << 8) | EVTSEL_OS | EVTSEL_USR, c;

			if (!arch_event_available(ev[e].bit)) {
				report_skip("%s: CPUID.0AH:EBX[%u]=%u, EAX[31:24]=%u", ev[e].name, ev[e].bit,
					    pmu.unavailable >> ev[e].bit & 1, pmu.ebx_len);
				continue;
			}
			c = intel_count(i, sel, true, false, LOOPS);
			if (e == 0)
				report(c >= 2 * LOOPS && c <= 2 * LOOPS + SLACK, "%s: %llu in [2N, 2N+%llu]",
				       ev[e].name, (unsigned long long)c, SLACK);
			else if (e == 1)   /* at most 2 iterations per cycle; loose upper bound for exits */
				report(c >= LOOPS / 2 && c <= 1000 * LOOPS, "%s: %llu in [N/2, 1000N]", ev[e].name,
				       (unsigned long long)c);
			else
				report(c >= LOOPS && c <= LOOPS + SLACK, "%s: %llu in [N, N+%llu]", ev[e].name,
				       (unsigned long long)c, SLACK);
		}
		u64 sel = 0xc0 | EVTSEL_OS | EVTSEL_USR;
		if (pmu.version > 1) {
			u64 c = intel_count(i, sel, false, false, LOOPS);
			report(c == 0, "GLOBAL_CTRL bit clear: nothing counted (%llu)", (unsigned long long)c);
		}
		u64 c = intel_count(i, 0xc0 | EVTSEL_USR, true, false, LOOPS);
		report(c == 0, "USR only, CPL0 loop: nothing counted (%llu)", (unsigned long long)c);
		c = intel_count(i, 0xc0 | EVTSEL_USR, true, true, LOOPS);
		report(c >= 2 * LOOPS && c <= 2 * LOOPS + SLACK, "USR only, CPL3 loop: %llu in [2N, 2N+%llu]",
		       (unsigned long long)c, SLACK);
		c = intel_count(i, sel, true, false, 1000);
		u64 m = rdmsr(MSR_IA32_PMC0 + i), p = 0;
		int r = rdpmc_safe(i, &p, false);
		report(r == NO_EXCEPTION && p == m, "RDPMC(%u) equals RDMSR (%#llx, %#llx)", i,
		       (unsigned long long)p, (unsigned long long)m);
		report_prefix_pop();
	}
}

static void intel_writes(void)
{
	u64 mask = width_mask(pmu.width), v;

	report_prefix_push("writes");
	wrmsr(MSR_IA32_PERFEVTSEL0, 0);
	wrmsr(MSR_IA32_PMC0, 0xdead00007fff0000ULL);
	v = rdmsr(MSR_IA32_PMC0);
	report(v == 0x7fff0000ULL, "legacy IA32_PMC0 write keeps bits 31:0 only (%#llx)", (unsigned long long)v);
	wrmsr(MSR_IA32_PMC0, 0x80000001ULL);
	v = rdmsr(MSR_IA32_PMC0);
	report(v == ((0xffffffff80000001ULL) & mask), "legacy write sign-extends bit 31 to the width (%#llx)",
	       (unsigned long long)v);
	if (pmu.perf_caps & PERF_CAP_FW_WRITE) {
		u64 full = (1ULL << (pmu.width - 1)) | 5;
		int r = wrmsr_safe(MSR_IA32_PMC0_FULL, full);

		v = rdmsr(MSR_IA32_PMC0);
		report(r == NO_EXCEPTION && v == full, "full-width write keeps %u bits (%#llx)", pmu.width,
		       (unsigned long long)v);
		r = wrmsr_safe(MSR_IA32_PMC0_FULL, 1ULL << pmu.width);
		report(r == GP_VECTOR, "full-width write beyond bit %u #GPs (got %s)", pmu.width - 1,
		       exception_name(r));
	} else {
		report_skip("full-width writes: PERF_CAPABILITIES.FW_WRITE[13]=0");
	}
	wrmsr(MSR_IA32_PMC0, 0);
	report_prefix_pop();
}

static volatile unsigned pmis;
static void pmi_handler(struct ex_regs *r)
{
	(void)r;
	pmis++;
	apic_eoi();
}

static void intel_overflow(void)
{
	u64 st, sel = 0xc0 | EVTSEL_OS | EVTSEL_USR;

	if (pmu.version < 2) {
		report_skip("overflow status: needs CPUID.0AH version >= 2 (version %u)", pmu.version);
		return;
	}
	report_prefix_push("overflow");
	handle_exception(PMI_VECTOR, pmi_handler);
	apic_write(APIC_LVT_PERF, PMI_VECTOR);
	for (int with_int = 0; with_int < 2; with_int++) {
		pmis = 0;
		wrmsr(MSR_IA32_PERF_GLOBAL_STATUS_RESET, 1);
		wrmsr(MSR_IA32_PERFEVTSEL0, 0);
		/* Overflows after about half the loop. */
		wrmsr(MSR_IA32_PMC0, (u64)(-(s64)LOOPS) & 0xffffffffULL);   /* sign-extended to -N */
		wrmsr(MSR_IA32_PERF_GLOBAL_CTRL, 1);
		apic_write(APIC_LVT_PERF, PMI_VECTOR);
		irq_enable();
		wrmsr(MSR_IA32_PERFEVTSEL0, sel | EVTSEL_EN | (with_int ? EVTSEL_INT : 0));
		count_loop(LOOPS);
		wrmsr(MSR_IA32_PERFEVTSEL0, sel);
		for (int i = 0; i < 1000 && with_int && !pmis; i++)
			cpu_relax();
		irq_disable();
		wrmsr(MSR_IA32_PERF_GLOBAL_CTRL, 0);
		st = rdmsr(MSR_IA32_PERF_GLOBAL_STATUS);
		report(st & 1, "%s: overflow of PMC0 sets GLOBAL_STATUS bit 0 (%#llx)",
		       with_int ? "INT=1" : "INT=0", (unsigned long long)st);
		if (with_int)
			report(pmis >= 1, "INT=1: a PMI arrives through LVT performance (%u)", pmis);
		else
			report(pmis == 0, "INT=0: no PMI (%u)", pmis);
		wrmsr(MSR_IA32_PERF_GLOBAL_STATUS_RESET, 1);
		st = rdmsr(MSR_IA32_PERF_GLOBAL_STATUS);
		report(!(st & 1), "GLOBAL_STATUS_RESET bit 0 clears it (%#llx)", (unsigned long long)st);
	}
	apic_write(APIC_LVT_PERF, APIC_LVT_MASKED | PMI_VECTOR);
	handle_exception(PMI_VECTOR, NULL);
	report_prefix_pop();
}

static void intel_fixed(void)
{
	if (pmu.version < 2 || !pmu.nr_fixed) {
		report_skip("fixed counters: CPUID.0AH version %u, %u fixed counters", pmu.version, pmu.nr_fixed);
		return;
	}
	report_prefix_push("fixed");
	for (unsigned i = 0; i < MIN(pmu.nr_fixed, 2u); i++) {
		u64 c;

		wrmsr(MSR_IA32_FIXED_CTR_CTRL, 0);
		wrmsr(MSR_IA32_FIXED_CTR0 + i, 0);
		wrmsr(MSR_IA32_PERF_GLOBAL_CTRL, 1ULL << (32 + i));
		wrmsr(MSR_IA32_FIXED_CTR_CTRL, 3ULL << (4 * i));   /* OS and USR */
		count_loop(LOOPS);
		wrmsr(MSR_IA32_FIXED_CTR_CTRL, 0);
		wrmsr(MSR_IA32_PERF_GLOBAL_CTRL, 0);
		c = rdmsr(MSR_IA32_FIXED_CTR0 + i);
		if (i == 0)
			report(c >= 2 * LOOPS && c <= 2 * LOOPS + SLACK, "FIXED_CTR0 (instructions): %llu",
			       (unsigned long long)c);
		else
			report(c >= LOOPS / 2 && c <= 1000 * LOOPS, "FIXED_CTR1 (core cycles): %llu",
			       (unsigned long long)c);
	}
	report_prefix_pop();
}

static void intel_absent(void)
{
	static const struct { u32 msr; const char *name; unsigned min_version; } m[] = {
		{ MSR_IA32_PMC0, "IA32_PMC0", 1 },
		{ MSR_IA32_PERFEVTSEL0, "IA32_PERFEVTSEL0", 1 },
		{ MSR_IA32_FIXED_CTR0, "IA32_FIXED_CTR0", 2 },
		{ MSR_IA32_FIXED_CTR_CTRL, "IA32_FIXED_CTR_CTRL", 2 },
		{ MSR_IA32_PERF_GLOBAL_CTRL, "IA32_PERF_GLOBAL_CTRL", 2 },
		{ MSR_IA32_PERF_GLOBAL_STATUS, "IA32_PERF_GLOBAL_STATUS", 2 },
	};

	report_prefix_push("no GP counters");
	for (unsigned i = 0; i < ARRAY_SIZE(m); i++) {
		u64 v;
		int r;

		if (pmu.version >= m[i].min_version && m[i].min_version > 1)
			continue;
		r = rdmsr_safe(m[i].msr, &v);
		report(r == GP_VECTOR, "RDMSR %s #GPs (got %s)", m[i].name, exception_name(r));
		r = wrmsr_safe(m[i].msr, 0);
		report(r == GP_VECTOR, "WRMSR %s #GPs (got %s)", m[i].name, exception_name(r));
	}
	report_prefix_pop();
}

static void intel(void)
{
	struct cpuid a = cpuid_max_leaf() >= 0xa ? cpuid(0xa) : (struct cpuid){ 0, 0, 0, 0 };

	pmu.version = a.a & 0xff;
	pmu.nr_gp = (a.a >> 8) & 0xff;
	pmu.width = (a.a >> 16) & 0xff;
	pmu.unavailable = a.b;
	pmu.ebx_len = a.a >> 24;
	pmu.nr_fixed = pmu.version > 1 ? a.d & 0x1f : 0;
	pmu.fixed_width = pmu.version > 1 ? (a.d >> 5) & 0xff : 0;
	report_info("CPUID.0AH: version %u, %u GP counters of %u bits, %u fixed of %u bits, EBX %#x",
		    pmu.version, pmu.nr_gp, pmu.width, pmu.nr_fixed, pmu.fixed_width, a.b);
	if (this_cpu_has(X86_FEATURE_PDCM) && rdmsr_safe(MSR_IA32_PERF_CAPABILITIES, &pmu.perf_caps) == NO_EXCEPTION)
		report_info("PERF_CAPABILITIES %#llx", (unsigned long long)pmu.perf_caps);
	if (!pmu.version || !pmu.nr_gp) {
		intel_absent();
		check_rdpmc_common(0, false, 0);
		report_skip("counting: CPUID.0AH enumerates no GP counter (version %u, %u counters)",
			    pmu.version, pmu.nr_gp);
		return;
	}
	check_rdpmc_common(0, true, pmu.nr_gp);
	if (!intel_msrs_work()) {
		report_skip("counting: the enumerated counter MSRs #GP");
		return;
	}
	intel_gp_counting();
	intel_writes();
	intel_fixed();
	intel_overflow();
}

/* --- AMD ------------------------------------------------------------- */

static void amd_count(u32 ctl, u32 ctr, bool v2, unsigned idx)
{
	static const struct { u16 event; const char *name; } ev[] = {
		{ 0xc0, "retired instructions" }, { 0x76, "cycles not in halt" },
	};

	for (unsigned e = 0; e < ARRAY_SIZE(ev); e++) {
		u64 c;

		wrmsr(ctl, 0);
		wrmsr(ctr, 0);
		if (v2)
			wrmsr(MSR_AMD_GLOBAL_CTL, 1ULL << idx);
		wrmsr(ctl, ev[e].event | EVTSEL_OS | EVTSEL_USR | EVTSEL_EN);
		count_loop(LOOPS);
		wrmsr(ctl, 0);
		if (v2)
			wrmsr(MSR_AMD_GLOBAL_CTL, 0);
		c = rdmsr(ctr);
		if (e == 0)
			report(c >= 2 * LOOPS && c <= 2 * LOOPS + SLACK, "%#x: %s %llu in [2N, 2N+%llu]", ctr,
			       ev[e].name, (unsigned long long)c, SLACK);
		else
			report(c >= LOOPS / 2 && c <= 1000 * LOOPS, "%#x: %s %llu in [N/2, 1000N]", ctr, ev[e].name,
			       (unsigned long long)c);
	}
}

static void amd_pmu(void)
{
	bool ext = this_cpu_has(X86_FEATURE_PERFCTR_CORE), v2 = this_cpu_has(X86_FEATURE_PERFMON_V2);
	u32 ecx = cpuid(0x80000001).c;
	bool nb = ecx & (1U << 24), llc = ecx & (1U << 28);
	unsigned nr = ext ? 6 : 4, bad;

	if (v2)
		nr = cpuid(0x80000022).b & 0xf;
	/*
	 * APM vol. 3 RDPMC: ECX 0-5 core counters (0-3 without PerfCtrExtCore,
	 * CPUID 0x80000001:ECX[23]; PerfMonV2 counts them in 0x80000022:EBX[3:0]),
	 * 6-9 northbridge with PerfCtrExtNB (ECX[24]), 10-15 L2I/LLC with
	 * PerfCtrExtLLC (ECX[28]); an unimplemented counter #GP(0). The first
	 * index CPUID leaves unimplemented is the one to try.
	 */
	bad = nr < 6 ? nr : !nb ? 6 : !llc ? 10 : 16;
	report_info("AMD: PerfCtrExtCore=%d PerfCtrExtNB=%d PerfCtrExtLLC=%d PerfMonV2=%d, %u core counters; "
		    "RDPMC %u is unimplemented", ext, nb, llc, v2, nr, bad);
	/* Legacy counters 0-3 are architectural on AMD (no CPUID bit): RDPMC 0 must work. */
	check_rdpmc_common(0, true, bad);
	if (!ext) {
		report_skip("AMD counting: CPUID 0x80000001:ECX.PerfCtrExtCore[23]=0 (no way to tell a "
			    "counting legacy PMU from an absent one)");
		return;
	}
	report_prefix_push("AMD");
	for (unsigned i = 0; i < 4; i++)
		amd_count(MSR_AMD_PERF_CTL0 + i, MSR_AMD_PERF_CTR0 + i, v2, i);
	for (unsigned i = 0; i < nr; i++)
		amd_count(MSR_AMD_EXT_CTL0 + 2 * i, MSR_AMD_EXT_CTL0 + 2 * i + 1, v2, i);
	if (v2) {
		u64 st;

		wrmsr(MSR_AMD_EXT_CTL0, 0);
		wrmsr(MSR_AMD_EXT_CTL0 + 1, width_mask(48) - LOOPS / 2);
		wrmsr(MSR_AMD_GLOBAL_CTL, 1);
		wrmsr(MSR_AMD_EXT_CTL0, 0xc0 | EVTSEL_OS | EVTSEL_USR | EVTSEL_EN);
		count_loop(LOOPS);
		wrmsr(MSR_AMD_EXT_CTL0, 0);
		wrmsr(MSR_AMD_GLOBAL_CTL, 0);
		st = rdmsr(MSR_AMD_GLOBAL_STATUS);
		report(st & 1, "PerfMonV2: overflow sets GLOBAL_STATUS bit 0 (%#llx)", (unsigned long long)st);
		wrmsr(MSR_AMD_GLOBAL_STATUS + 2, 1);   /* GLOBAL_STATUS_CLR */
		report(!(rdmsr(MSR_AMD_GLOBAL_STATUS) & 1), "PerfMonV2: STATUS_CLR clears it");
	} else {
		report_skip("AMD global control: CPUID 0x80000022:EAX.PerfMonV2[0]=0");
	}
	report_prefix_pop();
}

int main(int argc, char **argv, char **envp)
{
	(void)argc, (void)argv, (void)envp;
	amd = cpu_vendor() == X86_VENDOR_AMD;
	report_prefix_push("pmu");
	if (amd)
		amd_pmu();
	else
		intel();
	report_prefix_pop();
	return report_summary();
}
