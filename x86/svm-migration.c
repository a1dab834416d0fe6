/*
 * svm migrate: live migration of a VM whose vCPU is hvut's L1 hypervisor
 * (docs/protocol.md "Migration"). Both parts run only when named.
 *
 * migrate     between two VMRUNs: L2 ran to a VMMCALL, L1 asks to be
 *             migrated, then on the destination EFER.SVME and VM_HSAVE_PA
 *             are L1's (APM vol. 2 15.4, 15.30.4), the VMCB in memory resumes
 *             L2 where it stopped, its TSC_OFFSET applies (15.30.4: RDTSC in
 *             the guest returns the TSC plus TSC_OFFSET), and L2 exits again.
 * migrate-l2  inside L2, i.e. with the vCPU in guest mode (L2 reaches the
 *             console: no I/O intercepts): what VMRUN loaded stays in force
 *             (15.5.1): L2's VMMCALL still exits (15.8), its TSC keeps the
 *             offset, its KERNEL_GS_BASE is kept, and L1 runs a new L2 after.
 *             QEMU's TCG cannot migrate a vCPU in guest mode (the destination
 *             refuses "vCPU set in guest-mode inconsistent with migrated
 *             kernel nested state"; QEMU 7.2 and 10.0): kvm entries only.
 */
#include "svm-tests.h"
#include "migrate.h"
#include <asm/msr.h>
#include <asm/processor.h>

#define L2_TSC_OFFSET (1ULL << 50)
#define L2_KERNEL_GS 0xffff800012345000ULL

static volatile struct {
	unsigned progress;
	bool migrated;
	uint64_t tsc[2], kernel_gs_after;
} l2;

/* --- migrate: L1 migrates between VMRUNs -------------------------------- */

static void l2_two_halves(void *arg)
{
	(void)arg;
	l2.tsc[0] = rdtsc();
	l2.progress = 1;
	svm_vmmcall();
	l2.tsc[1] = rdtsc();
	l2.progress = 2;
}

static void test_migrate_l1(void)
{
	struct svm_vcpu v;
	uint64_t efer, hsave = rdmsr(MSR_VM_HSAVE_PA);

	report_prefix_push("migrate");
	l2.progress = 0;
	svm_vcpu_init(&v, l2_two_halves, NULL);
	v.vmcb->control.tsc_offset = L2_TSC_OFFSET;
	svm_vmrun(&v);
	if (!expect_exit(&v, SVM_EXIT_VMMCALL, "L2's first half ends with VMMCALL") || !migrate_once()) {
		report_prefix_pop();
		return;
	}
	efer = rdmsr(MSR_EFER);
	report(efer & EFER_SVME, "EFER.SVME kept (EFER %#llx) [APM 15.4]", (unsigned long long)efer);
	report(rdmsr(MSR_VM_HSAVE_PA) == hsave, "VM_HSAVE_PA kept (%#llx, then %#llx) [APM 15.30.4]",
	       (unsigned long long)hsave, (unsigned long long)rdmsr(MSR_VM_HSAVE_PA));
	svm_skip(&v, 3);
	svm_vmrun(&v);
	expect_exit(&v, SVM_EXIT_VMMCALL, "on the destination, the VMCB resumes L2 after its VMMCALL, to its end");
	report(l2.progress == 2, "L2 ran its second half (progress %u)", l2.progress);
	report(l2.tsc[0] >= L2_TSC_OFFSET && l2.tsc[1] >= l2.tsc[0],
	       "L2's TSC has TSC_OFFSET 2^50 before and after, and does not go back (%#llx, then %#llx) [APM 15.30.4]",
	       (unsigned long long)l2.tsc[0], (unsigned long long)l2.tsc[1]);
	report_prefix_pop();
}

/* --- migrate-l2: the migration happens inside L2 ------------------------- */

static void l2_migrate(void *arg)
{
	(void)arg;
	wrmsr(MSR_KERNEL_GS_BASE, L2_KERNEL_GS);
	l2.tsc[0] = rdtsc();
	l2.migrated = migrate_once();
	l2.tsc[1] = rdtsc();
	l2.kernel_gs_after = rdmsr(MSR_KERNEL_GS_BASE);
}

static void l2_done(void *arg) { (void)arg; }

static void test_migrate_l2(void)
{
	struct svm_vcpu v;

	report_prefix_push("migrate-l2");
	l2.migrated = false;
	svm_vcpu_init(&v, l2_migrate, NULL);
	v.vmcb->control.tsc_offset = L2_TSC_OFFSET;
	svm_vmrun(&v);
	if (!l2.migrated) {   /* migrate_once() said why (SKIP or FAIL) */
		report_prefix_pop();
		return;
	}
	expect_exit(&v, SVM_EXIT_VMMCALL, "L2 migrated while running: its VMMCALL still exits to L1 [APM 15.8]");
	report(l2.tsc[1] >= L2_TSC_OFFSET && l2.tsc[1] >= l2.tsc[0],
	       "L2's TSC keeps TSC_OFFSET 2^50 across the migration and does not go back (%#llx, then %#llx) [APM 15.30.4]",
	       (unsigned long long)l2.tsc[0], (unsigned long long)l2.tsc[1]);
	report(l2.kernel_gs_after == L2_KERNEL_GS, "L2's KERNEL_GS_BASE kept (%#llx, then %#llx)",
	       (unsigned long long)L2_KERNEL_GS, (unsigned long long)l2.kernel_gs_after);
	svm_vcpu_restart(&v, l2_done, NULL);
	svm_vmrun(&v);
	expect_exit(&v, SVM_EXIT_VMMCALL, "on the destination, L1 runs a new L2 to its VMMCALL");
	report_prefix_pop();
}

void test_migrate(int argc, char **argv)
{
	if (arg_selected(argc, argv, "migrate"))
		test_migrate_l1();
	if (arg_selected(argc, argv, "migrate-l2"))
		test_migrate_l2();
}
