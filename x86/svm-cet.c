/*
 * svm cet: the CET MSRs (U_CET 0x6A0, S_CET 0x6A2, PL0-3_SSP 0x6A4-0x6A7,
 * INT_SSP_TAB 0x6A8; Intel SDM vol. 4, AMD APM vol. 2 ch. 18) accessed by L2.
 * The MSR permission map decides (APM 15.11): intercepted accesses #VMEXIT
 * with code MSR whether or not the MSR exists (the intercept is checked
 * before the MSR number); passed-through ones act on the CPU's MSRs: with
 * SHSTK the values L2 writes persist across exits, without it (and without
 * IBT for U_CET/S_CET) they #GP in L2.
 */
#include "svm-tests.h"
#include <asm/cpufeature.h>
#include <asm/desc.h>
#include <asm/msr.h>
#include <asm/processor.h>

static const struct { u32 msr; const char *name; u64 value; } cet_msrs[] = {
	{ MSR_IA32_U_CET, "U_CET", 1 },          /* SH_STK_EN: inert while CR4.CET=0 */
	{ MSR_IA32_S_CET, "S_CET", 1 },
	{ MSR_IA32_PL0_SSP, "PL0_SSP", 0x10000 },
	{ MSR_IA32_PL1_SSP, "PL1_SSP", 0x11000 },
	{ MSR_IA32_PL2_SSP, "PL2_SSP", 0x12000 },
	{ MSR_IA32_PL3_SSP, "PL3_SSP", 0x13000 },
	{ MSR_IA32_INT_SSP_TAB, "INT_SSP_TAB", 0x14000 },
};
#define N ARRAY_SIZE(cet_msrs)

struct access { u32 msr; u64 value; };
static volatile int rd_vec[N], wr_vec[N];
static volatile u64 readback[N];

static void do_rd(void *p) { struct access *a = p; a->value = rdmsr(a->msr); }
static void do_wr(void *p) { struct access *a = p; wrmsr(a->msr, a->value); }

/* L2: RDMSR then WRMSR of each CET MSR, each under its own catch. */
static void l2_access_all(void *arg)
{
	(void)arg;
	for (unsigned i = 0; i < N; i++) {
		struct access a = { cet_msrs[i].msr, 0 };

		rd_vec[i] = svm_l2_catch(do_rd, &a);
		a.value = cet_msrs[i].value;
		wr_vec[i] = svm_l2_catch(do_wr, &a);
	}
}

/* L2: write every MSR, let L1 run, read them back. */
static void l2_persist(void *arg)
{
	(void)arg;
	for (unsigned i = 0; i < N; i++)
		wrmsr(cet_msrs[i].msr, cet_msrs[i].value);
	svm_vmmcall();
	for (unsigned i = 0; i < N; i++)
		readback[i] = rdmsr(cet_msrs[i].msr);
}

static void intercepted(void)
{
	struct svm_vcpu v;

	svm_vcpu_init(&v, l2_access_all, NULL);
	v.vmcb->control.intercept_misc1 |= SVM_INTERCEPT_MSR;
	for (unsigned i = 0; i < N; i++)
		svm_msr_intercept(&v, cet_msrs[i].msr, true, true);
	for (unsigned i = 0; i < N; i++) {
		for (unsigned w = 0; w < 2; w++) {
			svm_vmrun(&v);
			if (!expect_exit(&v, SVM_EXIT_MSR, "intercepted %s %s", w ? "WRMSR" : "RDMSR",
					 cet_msrs[i].name))
				return;
			report(v.vmcb->control.exit_info_1 == w && (u32)v.regs.rcx == cet_msrs[i].msr &&
			       (!w || ((u32)v.vmcb->save.rax | v.regs.rdx << 32) == cet_msrs[i].value),
			       "intercepted %s %s: EXITINFO1 %llu, ECX %#x%s", w ? "WRMSR" : "RDMSR",
			       cet_msrs[i].name, (unsigned long long)v.vmcb->control.exit_info_1,
			       (u32)v.regs.rcx, w ? ", EDX:EAX the value" : "");
			svm_skip(&v, 2);
		}
	}
	svm_vmrun(&v);
	expect_exit(&v, SVM_EXIT_VMMCALL, "L2 ends after 14 intercepted accesses");
}

static void passed_through_no_shstk(bool ibt)
{
	struct svm_vcpu v;

	svm_vcpu_init(&v, l2_access_all, NULL);
	v.vmcb->control.intercept_misc1 |= SVM_INTERCEPT_MSR;
	svm_vmrun(&v);
	if (!expect_exit(&v, SVM_EXIT_VMMCALL, "passed through: no exit until L2's end"))
		return;
	for (unsigned i = 0; i < N; i++) {
		if (ibt && i < 2)
			continue;   /* U_CET/S_CET exist with IBT alone */
		report_deviation("svm-cet-msrs-l2", rd_vec[i] == GP_VECTOR, "RDMSR %s in L2 #GPs (got %s)", cet_msrs[i].name,
			     exception_name(rd_vec[i]));
		report_deviation("svm-cet-msrs-l2", wr_vec[i] == GP_VECTOR, "WRMSR %s in L2 #GPs (got %s)", cet_msrs[i].name,
			     exception_name(wr_vec[i]));
	}
}

static void passed_through_shstk(void)
{
	struct svm_vcpu v;
	u64 saved[N];

	for (unsigned i = 0; i < N; i++)
		saved[i] = rdmsr(cet_msrs[i].msr);
	svm_vcpu_init(&v, l2_persist, NULL);
	v.vmcb->control.intercept_misc1 |= SVM_INTERCEPT_MSR;
	svm_vmrun(&v);
	if (expect_exit(&v, SVM_EXIT_VMMCALL, "L2 wrote the CET MSRs without exits")) {
		svm_skip(&v, 3);
		svm_vmrun(&v);
		expect_exit(&v, SVM_EXIT_VMMCALL, "L2 read them back after an exit");
		for (unsigned i = 0; i < N; i++)
			report(readback[i] == cet_msrs[i].value, "%s keeps L2's value across the exit (%#llx)",
			       cet_msrs[i].name, (unsigned long long)readback[i]);
	}
	for (unsigned i = 0; i < N; i++)
		wrmsr(cet_msrs[i].msr, saved[i]);
}

void test_cet(void)
{
	bool shstk = this_cpu_has(X86_FEATURE_SHSTK), ibt = this_cpu_has(X86_FEATURE_IBT);

	report_prefix_push("cet");
	report_info("CPUID.(7,0): SHSTK (ECX[7]) %d, IBT (EDX[20]) %d", shstk, ibt);
	intercepted();
	if (shstk) {
		passed_through_shstk();
	} else {
		report_skip("CET MSR values persisting in L2: CPUID.(7,0):ECX[7] SHSTK=0");
		passed_through_no_shstk(ibt);
	}
	report_prefix_pop();
}
