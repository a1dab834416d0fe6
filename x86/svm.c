/*
 * svm: the test binary as an L1 hypervisor on AMD SVM (APM vol. 2, ch. 15),
 * running L2 code and checking what VMRUN and #VMEXIT do.
 *
 * Arguments pick parts (default: all): basic, invalid, intercept, npt, tlb,
 * cet, seam, events, vmrun-checks, vintr, npt-rsvd, pause-filter, lbrv, nmi,
 * exitintinfo, evtinj-once and evtinj-stress (smp = 2);
 * migrate, migrate-l2, init (smp = 2; it may leave CPU 1 reset) and smi (it
 * writes an SMM handler to low memory) only when named. This file: main, VMRUN/#VMEXIT
 * basics and the first VMRUN consistency checks; the other parts live in
 * x86/svm-*.c.
 */
#include "svm-tests.h"
#include <asm/cpufeature.h>
#include <asm/msr.h>
#include <asm/processor.h>


bool expect_exit(struct svm_vcpu *v, uint64_t want, const char *fmt, ...)
{
	char msg[200], got[160], name[40];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return report(v->vmcb->control.exit_code == want, "%s: #VMEXIT %s (got %s)", msg,
		      svm_exit_name(want, name, sizeof(name)),
		      svm_exit_describe(v->vmcb, got, sizeof(got)));
}

/* --- basic: run L2, come back, resume, GPRs, VMLOAD/VMSAVE ------------- */

static volatile u64 l2_progress;

static void l2_two_steps(void *arg)
{
	(void)arg;
	l2_progress = 1;
	svm_vmmcall();
	l2_progress = 2;
}

/* L2 adds 1 to every GPR but RSP, then VMMCALLs: both directions of the GPR switch. */
void l2_bump_gprs(void);
extern char l2_bump_vmmcall[];
__asm__(".text\n.globl l2_bump_gprs\nl2_bump_gprs:\n\t"
	"inc %rax\n\tinc %rbx\n\tinc %rcx\n\tinc %rdx\n\tinc %rsi\n\tinc %rdi\n\tinc %rbp\n\t"
	"inc %r8\n\tinc %r9\n\tinc %r10\n\tinc %r11\n\tinc %r12\n\tinc %r13\n\tinc %r14\n\tinc %r15\n"
	".globl l2_bump_vmmcall\nl2_bump_vmmcall:\n\tvmmcall\n\tud2\n");

static volatile u64 l2_kgs_seen;

static void l2_kernel_gs(void *arg)
{
	l2_kgs_seen = rdmsr(MSR_KERNEL_GS_BASE);
	wrmsr(MSR_KERNEL_GS_BASE, (uintptr_t)arg);
}

static void basic_gprs(void)
{
	struct svm_vcpu v;
	u64 *r = (u64 *)&v.regs;
	unsigned bad = 0, n = sizeof(v.regs) / 8;

	svm_vcpu_init(&v, l2_two_steps, NULL);
	v.vmcb->save.rip = (uintptr_t)l2_bump_gprs;
	for (unsigned i = 0; i < n; i++)
		r[i] = 0x1000 * (i + 1);
	v.vmcb->save.rax = 0xa0a0;
	svm_vmrun(&v);
	expect_exit(&v, SVM_EXIT_VMMCALL, "L2 incrementing its GPRs ends with VMMCALL");
	for (unsigned i = 0; i < n; i++)
		bad += r[i] != 0x1000 * (i + 1) + 1;
	report(!bad, "L2 got the 14 GPRs L1 set and L1 got L2's values back (%u wrong)", bad);
	report(v.vmcb->save.rax == 0xa0a1, "RAX travels in the VMCB (got %#llx, want 0xa0a1)",
	       (unsigned long long)v.vmcb->save.rax);
	report(v.vmcb->save.rip == (uintptr_t)l2_bump_vmmcall,
	       "VMCB RIP is the intercepted VMMCALL (%#llx, want %p)",
	       (unsigned long long)v.vmcb->save.rip, l2_bump_vmmcall);
	if (svm_features() & SVM_FEAT_NRIPS)
		report(v.vmcb->control.next_rip == (uintptr_t)l2_bump_vmmcall + 3,
		       "nRIP is the instruction after VMMCALL (%#llx)",
		       (unsigned long long)v.vmcb->control.next_rip);
	else
		report_skip("nRIP: CPUID 0x8000000A:EDX[3] NRIPS=0");
}

static void test_basic_run(void)
{
	struct svm_vcpu v;

	l2_progress = 0;
	svm_vcpu_init(&v, l2_two_steps, NULL);
	svm_vmrun(&v);
	expect_exit(&v, SVM_EXIT_VMMCALL, "L2's first VMMCALL");
	report(l2_progress == 1, "L2 ran up to its VMMCALL (progress %llu)", (unsigned long long)l2_progress);
	svm_skip(&v, 3);
	svm_vmrun(&v);
	expect_exit(&v, SVM_EXIT_VMMCALL, "resumed after the VMMCALL, L2 returns");
	report(l2_progress == 2, "L2 resumed after VMMCALL and ran on (progress %llu)",
	       (unsigned long long)l2_progress);
}

static void test_vmload_vmsave(void)
{
	struct svm_vcpu v;
	u64 mine = rdmsr(MSR_KERNEL_GS_BASE), l2_writes = 0xffff888000002000ULL;

	svm_vcpu_init(&v, l2_kernel_gs, (void *)(uintptr_t)l2_writes);
	v.vmcb->save.kernel_gs_base = 0xffff888000001000ULL;
	svm_vmrun(&v);
	expect_exit(&v, SVM_EXIT_VMMCALL, "L2 reading and writing KernelGSBase");
	report(l2_kgs_seen == 0xffff888000001000ULL, "VMLOAD gave L2 the VMCB's KernelGSBase (L2 read %#llx)",
	       (unsigned long long)l2_kgs_seen);
	report(v.vmcb->save.kernel_gs_base == l2_writes, "VMSAVE stored L2's KernelGSBase (%#llx)",
	       (unsigned long long)v.vmcb->save.kernel_gs_base);
	report(rdmsr(MSR_KERNEL_GS_BASE) == mine, "L1's KernelGSBase is back after VMLOAD of its own state (%#llx)",
	       (unsigned long long)rdmsr(MSR_KERNEL_GS_BASE));
}

void test_basic(void)
{
	report_prefix_push("basic");
	test_basic_run();
	basic_gprs();
	test_vmload_vmsave();
	/* No lane enumerates the TSC ratio MSR (APM vol. 2 15.30 "TSC Ratio MSR", C000_0104h), so no check of it could be seen failing. */
	if (!(svm_features() & SVM_FEAT_TSC_RATE))
		report_skip("TSC ratio: CPUID 0x8000000A:EDX[4] TscRateMsr=0");
	else
		report_info("TSC ratio: enumerated, not covered by this test");
	report_prefix_pop();
}

/* --- invalid: VMRUN consistency checks (APM 15.5.1) --------------------- */

static u64 invalid_code;

static void l2_nothing(void *arg)
{
	(void)arg;
}

/*
 * VMRUN refused the VMCB: EXITCODE's low 32 bits are all ones. That the field
 * is the 64-bit -1 (APM table C-1) is checked once, in test_invalid().
 */
static void invalid_case(const char *what, void (*breakit)(struct vmcb *))
{
	struct svm_vcpu v;
	char got[160];

	svm_vcpu_init(&v, l2_nothing, NULL);
	breakit(v.vmcb);
	svm_vmrun(&v);
	report((u32)v.vmcb->control.exit_code == (u32)SVM_EXIT_INVALID,
	       "%s: #VMEXIT INVALID (got %s)", what, svm_exit_describe(v.vmcb, got, sizeof(got)));
	invalid_code = v.vmcb->control.exit_code;
}

static void no_svme(struct vmcb *b) { b->save.efer &= ~EFER_SVME; }
static void cd0_nw1(struct vmcb *b) { b->save.cr0 = (b->save.cr0 & ~X86_CR0_CD) | X86_CR0_NW; }
static void asid0(struct vmcb *b) { b->control.asid = 0; }
static void no_vmrun_intercept(struct vmcb *b) { b->control.intercept_misc2 &= ~SVM_INTERCEPT2_VMRUN; }
static void cr0_high(struct vmcb *b) { b->save.cr0 |= 1ULL << 32; }
static void long_no_pae(struct vmcb *b) { b->save.cr4 &= ~X86_CR4_PAE; }
static void dr6_high(struct vmcb *b) { b->save.dr6 |= 1ULL << 32; }
static void dr7_high(struct vmcb *b) { b->save.dr7 |= 1ULL << 32; }

void test_invalid(void)
{
	struct svm_vcpu v;

	report_prefix_push("invalid");
	/* The control: the same VMCB, unbroken, runs. */
	svm_vcpu_init(&v, l2_nothing, NULL);
	svm_vmrun(&v);
	expect_exit(&v, SVM_EXIT_VMMCALL, "unmodified VMCB runs L2");
	invalid_case("guest EFER.SVME=0", no_svme);
	/* APM table C-1: VMEXIT_INVALID is -1 in the 64-bit EXITCODE. */
	report_deviation("svm-invalid-exitcode", invalid_code == SVM_EXIT_INVALID, "EXITCODE of a failed VMRUN is the 64-bit -1 (%#llx)",
		     (unsigned long long)invalid_code);
	invalid_case("guest CR0.CD=0 with CR0.NW=1", cd0_nw1);
	invalid_case("ASID 0", asid0);
	invalid_case("VMRUN intercept clear", no_vmrun_intercept);
	invalid_case("guest CR0[63:32] not zero", cr0_high);
	invalid_case("EFER.LME=CR0.PG=1 with CR4.PAE=0", long_no_pae);
	invalid_case("guest DR6[63:32] not zero", dr6_high);
	invalid_case("guest DR7[63:32] not zero", dr7_high);
	report_prefix_pop();
}

/* --- main -------------------------------------------------------------- */

int main(int argc, char **argv, char **envp)
{
	const char *missing;
	u32 f = svm_features();

	(void)envp;
	report_prefix_push("svm");
	missing = svm_enable();
	if (missing) {
		report_skip("%s", missing);
		report_prefix_pop();
		return report_summary();
	}
	report_info("CPUID 0x8000000A: EAX rev %u, EBX %u ASIDs, EDX %#x (NPT %d NRIPS %d FlushByAsid %d VGIF %d)",
		    cpuid(0x8000000a).a & 0xff, cpuid(0x8000000a).b, f, !!(f & SVM_FEAT_NPT),
		    !!(f & SVM_FEAT_NRIPS), !!(f & SVM_FEAT_FLUSH_BY_ASID), !!(f & SVM_FEAT_VGIF));
	if (arg_selected(argc, argv, "basic"))
		test_basic();
	if (arg_selected(argc, argv, "invalid"))
		test_invalid();
	if (arg_selected(argc, argv, "intercept"))
		test_intercepts();
	if (arg_selected(argc, argv, "npt"))
		test_npt();
	if (arg_selected(argc, argv, "tlb"))
		test_tlb();
	if (arg_selected(argc, argv, "cet"))
		test_cet();
	if (arg_selected(argc, argv, "seam"))
		test_seam();
	if (arg_selected(argc, argv, "events"))
		test_events();
	if (arg_selected(argc, argv, "vmrun-checks"))
		test_vmrun_checks();
	if (arg_selected(argc, argv, "vintr"))
		test_vintr();
	if (arg_selected(argc, argv, "npt-rsvd"))
		test_npt_rsvd();
	if (arg_selected(argc, argv, "pause-filter"))
		test_pause_filter();
	if (arg_selected(argc, argv, "lbrv"))
		test_lbrv();
	if (arg_selected(argc, argv, "nmi"))
		test_nmi();
	if (arg_selected(argc, argv, "exitintinfo"))
		test_exitintinfo();
	if (arg_selected(argc, argv, "evtinj-once"))
		test_evtinj_once();
	if (arg_selected(argc, argv, "evtinj-stress"))
		test_evtinj_stress();
	if (argc > 1)   /* only when named */
		test_migrate(argc, argv);
	if (argc > 1 && arg_selected(argc, argv, "init"))
		test_init();
	if (argc > 1 && arg_selected(argc, argv, "smi"))
		test_smi();
	report_prefix_pop();
	return report_summary();
}
