/*
 * cpu-model: what the (virtual) CPU enumerates, and whether its MSRs agree.
 *
 * Prints the CPUID vendor, brand, signature, maximum leaves and the main
 * feature registers as INFO lines, then checks that the virtualization MSRs
 * exist exactly when CPUID says so:
 *  - CPUID.1:ECX.VMX = 1: IA32_VMX_BASIC .. IA32_VMX_VMCS_ENUM (0x480-0x48A)
 *    read without a fault; IA32_VMX_PROCBASED_CTLS2 (0x48B) when the primary
 *    controls allow "activate secondary controls"; IA32_VMX_EPT_VPID_CAP
 *    (0x48C) when EPT or VPID may be enabled; the TRUE_* MSRs (0x48D-0x490)
 *    when VMX_BASIC bit 55 is set; IA32_VMX_VMFUNC (0x491) when "enable VM
 *    functions" may be set. Every other one of 0x480-0x491 #GPs, and with
 *    VMX = 0 all of them do (SDM vol. 3, appendix A).
 *  - CPUID.80000001H:ECX.SVM = 1: VM_CR (0xC0010114) and VM_HSAVE_PA
 *    (0xC0010117) read without a fault and CPUID 8000000AH exists; with
 *    SVM = 0 both MSRs #GP (APM vol. 2, 15.30).
 *
 * Known deviations are rows of lib/x86/deviations.c (XFAIL there, XPASS once
 * fixed): Bochs 2.7 reads the VMX MSRs 0x480-0x48B and 0x48D-0x490 without
 * VMX (e.g. model ryzen) and #GPs on VM_CR with SVM enumerated; QEMU's TCG
 * reads every VMX MSR as 0 instead of #GP.
 *
 * Arguments name what the model must enumerate, so a lane that relies on a
 * feature notices when its CPU model stops giving it: vmx ept vpid ug cet svm
 * npt (e.g. test_args = vmx ept cet for Bochs' tigerlake).
 */
#include "hvut.h"
#include <asm/cpufeature.h>
#include <asm/desc.h>
#include <asm/msr.h>
#include <asm/processor.h>

#define MSR_VMX_BASIC 0x480
#define MSR_VMX_PROCBASED 0x482
#define MSR_VMX_PROCBASED2 0x48b
#define MSR_VMX_VMFUNC 0x491
#define MSR_VM_CR 0xc0010114
#define MSR_VM_HSAVE_PA 0xc0010117

/* Bochs 2.7 reads these without VMX (0x480-0x48B, 0x48D-0x490; bit n = 0x480 + n). */
#define BOCHS_VMX_MSRS_ALWAYS 0x1efffu

static const char *const vmx_msr_names[] = {
	"BASIC", "PINBASED_CTLS", "PROCBASED_CTLS", "EXIT_CTLS", "ENTRY_CTLS", "MISC",
	"CR0_FIXED0", "CR0_FIXED1", "CR4_FIXED0", "CR4_FIXED1", "VMCS_ENUM",
	"PROCBASED_CTLS2", "EPT_VPID_CAP", "TRUE_PINBASED_CTLS", "TRUE_PROCBASED_CTLS",
	"TRUE_EXIT_CTLS", "TRUE_ENTRY_CTLS", "VMFUNC",
};

static bool has(struct cpuid r, enum cpuid_reg reg, int bit)
{
	uint32_t v = reg == CPUID_EAX ? r.a : reg == CPUID_EBX ? r.b : reg == CPUID_ECX ? r.c : r.d;

	return (v >> bit) & 1;
}

static uint32_t max_basic, max_ext;

static struct cpuid leaf(uint32_t l, uint32_t sub)
{
	bool ext = l >= 0x80000000;

	if ((ext && l > max_ext) || (!ext && l > max_basic))
		return (struct cpuid){ 0, 0, 0, 0 };
	return cpuid_indexed(l, sub);
}

static void show_identity(void)
{
	struct cpuid r = cpuid(0);
	char vendor[13], brand[49];
	uint32_t *w = (uint32_t *)brand;

	max_basic = r.a;
	memcpy(vendor, &r.b, 4);
	memcpy(vendor + 4, &r.d, 4);
	memcpy(vendor + 8, &r.c, 4);
	vendor[12] = 0;
	max_ext = cpuid(0x80000000).a;
	if (max_ext < 0x80000000 || max_ext > 0x8000ffff)
		max_ext = 0;
	memset(brand, 0, sizeof(brand));
	if (max_ext >= 0x80000004) {
		for (uint32_t l = 0; l < 3; l++) {
			r = cpuid(0x80000002 + l);
			w[l * 4] = r.a, w[l * 4 + 1] = r.b, w[l * 4 + 2] = r.c, w[l * 4 + 3] = r.d;
		}
	}
	r = cpuid(1);
	uint32_t fam = (r.a >> 8) & 0xf, model = (r.a >> 4) & 0xf;
	if (fam == 0xf)
		fam += (r.a >> 20) & 0xff;
	if (fam >= 6)
		model |= ((r.a >> 16) & 0xf) << 4;
	report_info("vendor '%s', brand '%s'", vendor, brand);
	report_info("family %#x model %#x stepping %u (CPUID.1:EAX %#x)", fam, model, r.a & 0xf, r.a);
	report_info("max basic leaf %#x, max extended leaf %#x", max_basic, max_ext);

	bool printable = true;
	for (int i = 0; i < 12; i++)
		printable &= vendor[i] >= 0x20 && vendor[i] < 0x7f;
	report(printable, "vendor string is 12 printable characters");
	report(max_basic >= 1 && max_ext >= 0x80000001, "CPUID leaves 1 and 80000001H exist");
}

static void show_features(void)
{
	struct cpuid r1 = leaf(1, 0), r7 = leaf(7, 0), e1 = leaf(0x80000001, 0), ea = leaf(0x8000000a, 0);

	report_info("CPUID.1: ECX %#010x EDX %#010x", r1.c, r1.d);
	report_info("CPUID.(7,0): EBX %#010x ECX %#010x EDX %#010x", r7.b, r7.c, r7.d);
	report_info("CPUID.80000001H: ECX %#010x EDX %#010x", e1.c, e1.d);
	report_info("features: vmx=%d smx=%d x2apic=%d xsave=%d pcid=%d smep=%d smap=%d umip=%d pku=%d "
		    "la57=%d shstk=%d ibt=%d svm=%d nx=%d 1g=%d rdtscp=%d lm=%d",
		    has(r1, CPUID_ECX, 5), has(r1, CPUID_ECX, 6), has(r1, CPUID_ECX, 21),
		    has(r1, CPUID_ECX, 26), has(r1, CPUID_ECX, 17), has(r7, CPUID_EBX, 7),
		    has(r7, CPUID_EBX, 20), has(r7, CPUID_ECX, 2), has(r7, CPUID_ECX, 3),
		    has(r7, CPUID_ECX, 16), has(r7, CPUID_ECX, 7), has(r7, CPUID_EDX, 20),
		    has(e1, CPUID_ECX, 2), has(e1, CPUID_EDX, 20), has(e1, CPUID_EDX, 26),
		    has(e1, CPUID_EDX, 27), has(e1, CPUID_EDX, 29));
	if (has(e1, CPUID_ECX, 2))
		report_info("CPUID.8000000AH: EAX %#x (SVM revision) EBX %#x (ASIDs) EDX %#010x", ea.a, ea.b, ea.d);
	report(has(e1, CPUID_EDX, 29), "long mode is enumerated (we run in it)");
	report(!(has(r1, CPUID_ECX, 5) && has(e1, CPUID_ECX, 2)), "not both VMX and SVM");
}

/* VMX capability MSRs: which of 0x480-0x491 must exist, per SDM appendix A. */
static struct { bool vmx, ept, vpid, ug, vmfunc; } vmx;

static void check_vmx(void)
{
	bool exists[ARRAY_SIZE(vmx_msr_names)] = { false };
	uint64_t basic = 0, proc = 0, proc2 = 0;

	vmx.vmx = this_cpu_has(X86_FEATURE_VMX);
	report_prefix_push("vmx");
	if (vmx.vmx) {
		for (int i = 0; i <= 0xa; i++)
			exists[i] = true;
		rdmsr_safe(MSR_VMX_BASIC, &basic);
		rdmsr_safe(MSR_VMX_PROCBASED, &proc);
		if (proc & BIT_ULL(63)) {   /* allowed-1: activate secondary controls */
			exists[0xb] = true;
			rdmsr_safe(MSR_VMX_PROCBASED2, &proc2);
		}
		vmx.ept = proc2 & BIT_ULL(32 + 1);
		vmx.vpid = proc2 & BIT_ULL(32 + 5);
		vmx.ug = proc2 & BIT_ULL(32 + 7);
		vmx.vmfunc = proc2 & BIT_ULL(32 + 13);
		exists[0xc] = vmx.ept || vmx.vpid;
		for (int i = 0xd; i <= 0x10; i++)
			exists[i] = basic & BIT_ULL(55);
		exists[0x11] = vmx.vmfunc;
		report_info("VMX_BASIC %#llx: revision %#llx, VMCS %llu bytes, true controls %d",
			    (unsigned long long)basic, (unsigned long long)(basic & 0x7fffffff),
			    (unsigned long long)((basic >> 32) & 0x1fff), !!(basic & BIT_ULL(55)));
		report_info("secondary controls allowed-1 %#llx: ept=%d vpid=%d unrestricted=%d vmfunc=%d",
			    (unsigned long long)(proc2 >> 32), vmx.ept, vmx.vpid, vmx.ug, vmx.vmfunc);
		report(!(basic & BIT_ULL(31)), "VMX_BASIC bit 31 is 0");
		uint64_t size = (basic >> 32) & 0x1fff;
		report(size > 0 && size <= 4096, "VMCS size %llu is within 1..4096", (unsigned long long)size);
	} else {
		report_info("CPUID.1:ECX.VMX = 0: every VMX capability MSR must #GP");
	}
	for (unsigned i = 0; i < ARRAY_SIZE(vmx_msr_names); i++) {
		uint64_t v = 0;
		int vec = rdmsr_safe(MSR_VMX_BASIC + i, &v);

		if (exists[i])
			report(vec == NO_EXCEPTION, "RDMSR %#x (%s) reads (got %s, %#llx)", MSR_VMX_BASIC + i,
			       vmx_msr_names[i], exception_name(vec), (unsigned long long)v);
		else
			report_deviation((BOCHS_VMX_MSRS_ALWAYS >> i) & 1 ? "vmx-msrs-without-vmx" : "vmx-more-msrs-without-vmx",
					 vec == GP_VECTOR, "RDMSR %#x (%s) #GPs: not enumerated (got %s)",
				     MSR_VMX_BASIC + i, vmx_msr_names[i], exception_name(vec));
	}
	report_prefix_pop();
}

static bool svm_enumerated, npt;

static void check_svm(void)
{
	uint64_t v;
	int vec;

	svm_enumerated = this_cpu_has(X86_FEATURE_SVM);
	report_prefix_push("svm");
	if (svm_enumerated) {
		npt = leaf(0x8000000a, 0).d & 1;
		report(max_ext >= 0x8000000a, "CPUID 8000000AH exists (max extended leaf %#x)", max_ext);
	}
	v = 0;
	vec = rdmsr_safe(MSR_VM_CR, &v);
	if (svm_enumerated)
		report_deviation("vm-cr-gp", vec == NO_EXCEPTION, "RDMSR VM_CR reads (got %s, %#llx)", exception_name(vec),
			     (unsigned long long)v);
	else
		report(vec == GP_VECTOR, "RDMSR VM_CR #GPs: SVM not enumerated (got %s)", exception_name(vec));
	v = 0;
	vec = rdmsr_safe(MSR_VM_HSAVE_PA, &v);
	if (svm_enumerated)
		report(vec == NO_EXCEPTION, "RDMSR VM_HSAVE_PA reads (got %s, %#llx)", exception_name(vec),
		       (unsigned long long)v);
	else
		report(vec == GP_VECTOR, "RDMSR VM_HSAVE_PA #GPs: SVM not enumerated (got %s)",
		       exception_name(vec));
	report_prefix_pop();
}

static void check_expected(int argc, char **argv)
{
	bool cet = this_cpu_has(X86_FEATURE_SHSTK) && this_cpu_has(X86_FEATURE_IBT);

	report_prefix_push("expected");
	for (int i = 1; i < argc; i++) {
		const char *w = argv[i];
		int got;

		if (!strcmp(w, "vmx"))
			got = vmx.vmx;
		else if (!strcmp(w, "ept"))
			got = vmx.ept;
		else if (!strcmp(w, "vpid"))
			got = vmx.vpid;
		else if (!strcmp(w, "ug"))
			got = vmx.ug;
		else if (!strcmp(w, "cet"))
			got = cet;
		else if (!strcmp(w, "svm"))
			got = svm_enumerated;
		else if (!strcmp(w, "npt"))
			got = npt;
		else {
			report_fail("unknown argument '%s' (vmx ept vpid ug cet svm npt)", w);
			continue;
		}
		report(got, "the CPU model enumerates %s", w);
	}
	report_prefix_pop();
}

int main(int argc, char **argv, char **envp)
{
	(void)envp;
	report_info("hypervisor '%s', running on %s", hypervisor_signature(), vmm_description());
	show_identity();
	show_features();
	check_vmx();
	check_svm();
	check_expected(argc, argv);
	return report_summary();
}
