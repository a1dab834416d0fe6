/*
 * svm lbrv: LBR virtualization (AMD APM vol. 2 15.23 Last Branch Record
 * Virtualization; CPUID 0x8000000A:EDX[1]). With LBR_VIRTUALIZATION_ENABLE
 * (VMCB 0x0B8 bit 0) VMRUN loads DBGCTL and the four LBR registers from the
 * VMCB and #VMEXIT saves them there, restoring the host's: L2 reads the
 * VMCB's DEBUGCTL, its write lands in the VMCB, L1's DEBUGCTL is untouched.
 */
#include "svm-tests.h"
#include <asm/msr.h>
#include <asm/processor.h>

#define MSR_DEBUGCTL 0x1d9
#define DEBUGCTL_LBR (1ULL << 0)
#define DEBUGCTL_BTF (1ULL << 1)
#define LBR_VIRT_ENABLE (1ULL << 0)

static volatile u64 l2_debugctl;
static volatile int l2_rd_vector, l2_wr_vector;

static void l2_rd(void *arg)
{
	(void)arg;
	l2_debugctl = rdmsr(MSR_DEBUGCTL);
}

static void l2_wr(void *arg)
{
	(void)arg;
	wrmsr(MSR_DEBUGCTL, DEBUGCTL_BTF);
}

/* Each access on its own: a #GP in L2 is caught there and reported, not fatal. */
static void l2_debugctl_rw(void *arg)
{
	(void)arg;
	l2_rd_vector = svm_l2_catch(l2_rd, NULL);
	l2_wr_vector = svm_l2_catch(l2_wr, NULL);
}

void test_lbrv(void)
{
	struct svm_vcpu v;
	u64 l1_debugctl = 0;
	bool l1_ok;

	report_prefix_push("lbrv");
	if (!(svm_features() & SVM_FEAT_LBRV)) {
		report_skip("LBR virtualization: CPUID 0x8000000A:EDX[1]=0");
		report_prefix_pop();
		return;
	}
	/*
	 * DebugCtl is architectural on every AMD64 processor (APM vol. 2
	 * 13.1.1.6). L2's accesses below do not depend on L1's: with LBR
	 * virtualization they reach the VMCB's DBGCTL, so they run either way
	 * (before, a #GP here skipped them and they never ran on any lane).
	 */
	l1_ok = report_deviation("svm-lbrv-debugctl-gp", wrmsr_safe(MSR_DEBUGCTL, 0) == NO_EXCEPTION &&
				 rdmsr_safe(MSR_DEBUGCTL, &l1_debugctl) == NO_EXCEPTION,
				 "L1 writes and reads DEBUGCTL (1D9h) [APM vol. 2 13.1.1.6]");
	svm_vcpu_init(&v, l2_debugctl_rw, NULL);
	v.vmcb->control.virt_ext |= LBR_VIRT_ENABLE;
	v.vmcb->save.dbgctl = DEBUGCTL_LBR;
	l2_debugctl = ~0ULL;
	l2_rd_vector = l2_wr_vector = -2;
	svm_vmrun(&v);
	if (expect_exit(&v, SVM_EXIT_VMMCALL, "L2 reads and writes DEBUGCTL with LBR virtualization")) {
		report_deviation("svm-lbrv-debugctl-gp", l2_rd_vector == -1 && l2_debugctl == DEBUGCTL_LBR,
				 "L2 read the VMCB's DBGCTL %#llx (got %#llx, vector %d) [APM 15.23]",
				 (unsigned long long)DEBUGCTL_LBR, (unsigned long long)l2_debugctl, l2_rd_vector);
		report_deviation("svm-lbrv-debugctl-gp", l2_wr_vector == -1 && v.vmcb->save.dbgctl == DEBUGCTL_BTF,
				 "#VMEXIT saved L2's DEBUGCTL write in the VMCB (%#llx, vector %d) [APM 15.23]",
				 (unsigned long long)v.vmcb->save.dbgctl, l2_wr_vector);
	}
	if (l1_ok) {
		report(rdmsr(MSR_DEBUGCTL) == l1_debugctl, "L1's DEBUGCTL is its own again (%#llx, was %#llx) [APM 15.23]",
		       (unsigned long long)rdmsr(MSR_DEBUGCTL), (unsigned long long)l1_debugctl);
		wrmsr(MSR_DEBUGCTL, 0);
	}
	report_prefix_pop();
}
