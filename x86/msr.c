/*
 * msr: architectural MSRs behave as the SDM / APM say: values read back,
 * reserved bits and non-canonical addresses #GP, unknown MSRs #GP.
 *
 * Known VMM deviations (QEMU's TCG ignores reserved bits and reads unknown
 * MSRs as 0) are rows of lib/x86/deviations.c: XFAIL on the VMM and version
 * the table names, plain checks everywhere else, XPASS once fixed.
 */
#include "hvut.h"
#include <asm/cpufeature.h>
#include <asm/desc.h>
#include <asm/msr.h>
#include <asm/processor.h>

#define NONCANONICAL 0x0000800000000000ULL
#define UNKNOWN_MSR 0x0badc0deU   /* in no vendor's documented MSR range */

static const char *vec(int v)
{
	return exception_name(v);
}

/* A write must #GP; dev names the deviation-table row of VMMs known not to. */
static void expect_wrmsr_gp(const char *dev, uint32_t msr, uint64_t val, const char *what)
{
	int v = wrmsr_safe(msr, val);

	report_deviation(dev, v == GP_VECTOR, "WRMSR %#x %s: #GP (got %s)", msr, what, vec(v));
}

static void roundtrip(uint32_t msr, uint64_t val, uint64_t mask, const char *name)
{
	uint64_t old = 0, got = 0;
	int r0 = rdmsr_safe(msr, &old), w = wrmsr_safe(msr, val), r = rdmsr_safe(msr, &got);

	report(r0 == NO_EXCEPTION && w == NO_EXCEPTION && r == NO_EXCEPTION && (got & mask) == (val & mask),
	       "%s: %#llx written reads back (got %#llx, %s/%s)", name, (unsigned long long)val,
	       (unsigned long long)got, vec(w), vec(r));
	wrmsr_safe(msr, old);
}

static void test_efer(void)
{
	uint64_t efer = rdmsr(MSR_EFER), after;

	report_prefix_push("EFER");
	report((efer & EFER_LME) && (efer & EFER_LMA), "LME and LMA set in long mode (%#llx)", (unsigned long long)efer);
	report(!!(efer & EFER_NXE) == this_cpu_has(X86_FEATURE_NX), "NXE set exactly when CPUID says NX");
	report(wrmsr_safe(MSR_EFER, efer) == NO_EXCEPTION, "writing the current value is accepted");
	expect_wrmsr_gp("msr-efer-reserved", MSR_EFER, efer | (1ULL << 1), "reserved bit 1");
	expect_wrmsr_gp("msr-efer-reserved", MSR_EFER, efer | (1ULL << 63), "reserved bit 63");
	after = rdmsr(MSR_EFER);
	report(!(after & ((1ULL << 1) | (1ULL << 63))), "reserved bits never read back set (%#llx)", (unsigned long long)after);
	expect_wrmsr_gp("msr-efer-lme-paging", MSR_EFER, efer & ~EFER_LME, "clearing LME while paging is on");
	report(rdmsr(MSR_EFER) & EFER_LMA, "still in long mode");
	report_prefix_pop();
}

static void test_sysenter(void)
{
	/* The APM keeps only 32 bits of SYSENTER_ESP/EIP on AMD CPUs. */
	uint64_t mask = cpu_vendor() == X86_VENDOR_AMD ? 0xffffffffULL : ~0ULL;

	report_prefix_push("SYSENTER");
	roundtrip(MSR_IA32_SYSENTER_CS, 0x1234, 0xffff, "SYSENTER_CS");
	roundtrip(MSR_IA32_SYSENTER_ESP, 0xffff800012345678ULL, mask, "SYSENTER_ESP");
	roundtrip(MSR_IA32_SYSENTER_EIP, 0x00007fff87654321ULL, mask, "SYSENTER_EIP");
	if (cpu_vendor() == X86_VENDOR_INTEL) {
		expect_wrmsr_gp("msr-noncanonical-base", MSR_IA32_SYSENTER_ESP, NONCANONICAL, "non-canonical");
		expect_wrmsr_gp("msr-noncanonical-base", MSR_IA32_SYSENTER_EIP, NONCANONICAL, "non-canonical");
	}
	report_prefix_pop();
}

static void test_syscall_msrs(void)
{
	report_prefix_push("SYSCALL");
	roundtrip(MSR_STAR, 0x0023001000000000ULL | 0xdeadbeef, ~0ULL, "STAR");
	roundtrip(MSR_LSTAR, 0xffffffff81000000ULL, ~0ULL, "LSTAR");
	roundtrip(MSR_SYSCALL_MASK, 0x47700, 0xffffffffULL, "SFMASK");
	expect_wrmsr_gp("msr-noncanonical-base", MSR_LSTAR, NONCANONICAL, "non-canonical");
	report_prefix_pop();
}

static void test_segment_bases(void)
{
	static const struct { uint32_t msr; const char *name; } bases[] = {
		{ MSR_FS_BASE, "FS_BASE" }, { MSR_GS_BASE, "GS_BASE" }, { MSR_KERNEL_GS_BASE, "KERNEL_GS_BASE" },
	};

	report_prefix_push("bases");
	for (unsigned i = 0; i < ARRAY_SIZE(bases); i++) {
		roundtrip(bases[i].msr, 0xffff888000001000ULL, ~0ULL, bases[i].name);
		expect_wrmsr_gp("msr-noncanonical-base", bases[i].msr, NONCANONICAL, bases[i].name);
	}
	report_prefix_pop();
}

static void test_tsc_aux(void)
{
	uint64_t got = 0;
	int v;

	report_prefix_push("TSC_AUX");
	if (!this_cpu_has(X86_FEATURE_RDTSCP) && !this_cpu_has(X86_FEATURE_RDPID)) {
		v = rdmsr_safe(MSR_TSC_AUX, &got);
		report_deviation("msr-tsc-aux-without-rdtscp", v == GP_VECTOR, "no RDTSCP/RDPID: RDMSR #GP (got %s)", vec(v));
		report_prefix_pop();
		return;
	}
	roundtrip(MSR_TSC_AUX, 0x89abcdef, ~0ULL, "low 32 bits");
	v = wrmsr_safe(MSR_TSC_AUX, 0x100000001ULL);
	rdmsr_safe(MSR_TSC_AUX, &got);
	/* Intel: bits 63:32 reserved, #GP. AMD: the MSR is 32 bits wide. Either way they never read back. */
	if (cpu_vendor() == X86_VENDOR_INTEL)
		report_deviation("msr-tsc-aux-high-gp", v == GP_VECTOR, "bits 63:32 set: #GP (got %s)", vec(v));
	report_deviation("msr-tsc-aux-high", !(got >> 32), "bits 63:32 never read back set (got %#llx)", (unsigned long long)got);
	report_prefix_pop();
}

static void test_pat(void)
{
	uint64_t pat = rdmsr(MSR_IA32_CR_PAT);

	report_prefix_push("PAT");
	report(pat == 0x0007040600070406ULL, "power-on value (got %#llx)", (unsigned long long)pat);
	roundtrip(MSR_IA32_CR_PAT, 0x0001050600070406ULL, ~0ULL, "valid memory types");
	for (unsigned type = 2; type <= 3; type++)
		expect_wrmsr_gp("msr-pat-reserved", MSR_IA32_CR_PAT, (pat & ~0xffULL) | type, type == 2 ? "reserved type 2" : "reserved type 3");
	expect_wrmsr_gp("msr-pat-reserved", MSR_IA32_CR_PAT, pat | (0x08ULL << 56), "reserved bit 59");
	report_deviation("msr-pat-reserved", rdmsr(MSR_IA32_CR_PAT) == pat, "PAT unchanged after the refused writes");
	report_prefix_pop();
}

static void test_apic_base(void)
{
	uint64_t base = rdmsr(MSR_IA32_APICBASE);

	report_prefix_push("APIC_BASE");
	report((base & 0xfffff000ULL) == 0xfee00000ULL, "base address 0xfee00000 (%#llx)", (unsigned long long)base);
	report(base & (1 << 8), "BSP flag set on the boot CPU");
	report(base & (1 << 11), "global enable set");
	expect_wrmsr_gp("msr-apic-base-reserved", MSR_IA32_APICBASE, base | 1, "reserved bit 0");
	report_prefix_pop();
}

static void test_tsc(void)
{
	uint64_t t0 = 1ULL << 40, t1;

	report_prefix_push("TSC");
	wrmsr(MSR_IA32_TSC, t0);
	t1 = rdtsc();
	/* Whatever the frequency, a few instructions later the counter is past t0 and not far past it. */
	report_deviation("msr-tsc-write-ignored", t1 >= t0 && t1 - t0 < (1ULL << 36), "RDTSC after WRMSR(TSC, 2^40) is just past it (%#llx)",
	       (unsigned long long)t1);
	report_prefix_pop();
}

static void test_unknown(void)
{
	uint64_t v = 0;
	int r = rdmsr_safe(UNKNOWN_MSR, &v);

	report_prefix_push("unknown MSR");
	report_deviation("msr-unknown-no-gp", r == GP_VECTOR, "RDMSR %#x: #GP (got %s, value %#llx)", UNKNOWN_MSR, vec(r),
		     (unsigned long long)v);
	expect_wrmsr_gp("msr-unknown-no-gp", UNKNOWN_MSR, 0, "");
	report_prefix_pop();
}

static void test_cpl3(void *arg)
{
	(void)arg;
	rdmsr(MSR_EFER);
}

int main(int argc, char **argv, char **envp)
{
	struct fault f;
	int v;

	(void)argc, (void)argv, (void)envp;
	report_info("vendor %s, hypervisor '%s', running on %s",
		    cpu_vendor() == X86_VENDOR_INTEL ? "Intel" : cpu_vendor() == X86_VENDOR_AMD ? "AMD" : "other",
		    hypervisor_signature(), vmm_description());
	test_efer();
	test_sysenter();
	test_syscall_msrs();
	test_segment_bases();
	test_tsc_aux();
	test_pat();
	test_apic_base();
	test_tsc();
	test_unknown();
	v = run_in_user(test_cpl3, NULL, &f);
	report(v == GP_VECTOR && f.error_code == 0, "RDMSR at CPL3: #GP(0) (got %s)", vec(v));
	return report_summary();
}
