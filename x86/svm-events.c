/*
 * svm events: what an L1 hypervisor injects into L2 and the intercepts around
 * its control state (AMD APM vol. 2: 15.20 Event Injection, 15.9 Control
 * Register intercepts incl. the selective CR0 write intercept, 15.10
 * Debug Register intercepts, 15.30.4 / 15.13 TSC offset and RDTSC intercept).
 *
 *   - EVENTINJ of an exception with an error code (#GP), without one (#UD),
 *     an NMI and a software interrupt (INT3): L2 takes exactly that event
 *     before its first instruction, with the error code given; afterwards
 *     EXITINTINFO holds nothing.
 *   - TSC_OFFSET: L2's RDTSC is L1's plus the offset.
 *   - The RDTSC intercept: #VMEXIT 0x6E at the RDTSC.
 *   - The selective CR0 write intercept: a MOV to CR0 changing CD exits with
 *     CR0_SEL_WRITE (0x65); one changing only TS does not.
 *   - A DR7 write intercept: #VMEXIT 0x37.
 * On the kvm lane these run hvut's L1 on KVM's nested SVM (svm/nested.c).
 */
#include "svm-tests.h"
#include <asm/desc.h>
#include <asm/processor.h>

#define EVTINJ_VALID (1ULL << 31)
#define EVTINJ_EV (1ULL << 11)
#define EVTINJ_TYPE_NMI (2ULL << 8)
#define EVTINJ_TYPE_EXCEPTION (3ULL << 8)
#define EVTINJ_TYPE_SOFT_INT (4ULL << 8)
#define SVM_INTERCEPT_CR0_SEL_WRITE (1U << 5)
#define SVM_INTERCEPT_RDTSC (1U << 14)
#define SVM_EXIT_WRITE_DR7 0x37
#define SVM_EXIT_CR0_SEL_WRITE 0x65
#define SVM_EXIT_RDTSC 0x6e

/* Where L2 starts (lib/x86/svm-entry.S): an injected event is delivered before it runs. */
void svm_l2_entry(void);

static void l2_nothing(void *arg) { (void)arg; }

/* Inject evt at VMRUN into an L2 that would do nothing; check what L2's handler saw. */
static void inject(uint64_t evt, unsigned vector, bool has_code, uint32_t code, const char *what)
{
	struct svm_vcpu v;

	svm_vcpu_init(&v, l2_nothing, NULL);
	v.vmcb->control.event_inj = evt;
	svm_l2_fault.vector = (uint64_t)-1;
	svm_vmrun(&v);
	if (!expect_exit(&v, SVM_EXIT_VMMCALL, "%s: L2 ends with VMMCALL after taking it", what))
		return;
	report(svm_l2_fault.vector == vector && (!has_code || svm_l2_fault.error_code == code) &&
	       svm_l2_fault.rip == (uintptr_t)svm_l2_entry,
	       "%s: L2 took vector %u%s before its first instruction (got vector %lld, error code %#llx, RIP %#llx) [APM 15.20]",
	       what, vector, has_code ? " with the error code" : "", (long long)svm_l2_fault.vector,
	       (unsigned long long)svm_l2_fault.error_code, (unsigned long long)svm_l2_fault.rip);
	report(!(v.vmcb->control.exit_int_info & EVTINJ_VALID), "%s: EXITINTINFO holds no event afterwards (%#llx)",
	       what, (unsigned long long)v.vmcb->control.exit_int_info);
}

static void test_injection(void)
{
	report_prefix_push("inject");
	inject(EVTINJ_VALID | EVTINJ_EV | EVTINJ_TYPE_EXCEPTION | GP_VECTOR | (0x1234ULL << 32), GP_VECTOR, true, 0x1234,
	       "#GP(0x1234)");
	inject(EVTINJ_VALID | EVTINJ_TYPE_EXCEPTION | UD_VECTOR, UD_VECTOR, false, 0, "#UD");
	inject(EVTINJ_VALID | EVTINJ_TYPE_NMI | NMI_VECTOR, NMI_VECTOR, false, 0, "NMI");
	inject(EVTINJ_VALID | EVTINJ_TYPE_SOFT_INT | BP_VECTOR, BP_VECTOR, false, 0, "software INT3");
	report_prefix_pop();
}

/* --- TSC ------------------------------------------------------------------ */

static volatile uint64_t l2_tsc;
static void l2_rdtsc(void *arg) { (void)arg; l2_tsc = rdtsc(); }

static void test_tsc(void)
{
	const uint64_t offset = 1ULL << 50;
	struct svm_vcpu v;
	uint64_t before, after;

	report_prefix_push("tsc");
	svm_vcpu_init(&v, l2_rdtsc, NULL);
	v.vmcb->control.tsc_offset = offset;
	before = rdtsc();
	svm_vmrun(&v);
	after = rdtsc();
	expect_exit(&v, SVM_EXIT_VMMCALL, "L2 ran RDTSC with TSC_OFFSET = 2^50");
	report(l2_tsc >= before + offset && l2_tsc <= after + offset,
	       "L2's RDTSC is L1's plus the offset (L1 %#llx..%#llx, L2 %#llx) [APM 15.30.4 TSC offset]",
	       (unsigned long long)before, (unsigned long long)after, (unsigned long long)l2_tsc);
	svm_vcpu_init(&v, l2_rdtsc, NULL);
	v.vmcb->control.intercept_misc1 |= SVM_INTERCEPT_RDTSC;
	svm_vmrun(&v);
	expect_exit(&v, SVM_EXIT_RDTSC, "RDTSC intercepted: #VMEXIT RDTSC");
	report_prefix_pop();
}

/* --- CR0 selective write, DR7 write ---------------------------------------- */

static void l2_toggle_cd(void *arg)
{
	(void)arg;
	write_cr0(read_cr0() ^ X86_CR0_CD);
}

static void l2_toggle_ts(void *arg)
{
	(void)arg;
	write_cr0(read_cr0() ^ X86_CR0_TS);
	write_cr0(read_cr0() ^ X86_CR0_TS);
}

static void l2_write_dr7(void *arg)
{
	(void)arg;
	__asm__ volatile("mov %0, %%dr7" :: "r"(0x400UL));
}

static void test_control_intercepts(void)
{
	struct svm_vcpu v;

	report_prefix_push("intercepts");
	svm_vcpu_init(&v, l2_toggle_cd, NULL);
	/*
	 * L2 starts with CD=NW=0, so its toggle sets CD whatever L1's boot firmware
	 * left in CR0 (a BIOS may leave CD=NW=1; CD=0 with NW=1 is invalid).
	 */
	v.vmcb->save.cr0 &= ~(X86_CR0_CD | X86_CR0_NW);
	v.vmcb->control.intercept_misc1 |= SVM_INTERCEPT_CR0_SEL_WRITE;
	svm_vmrun(&v);
	expect_exit(&v, SVM_EXIT_CR0_SEL_WRITE, "selective CR0 write: setting CD exits with CR0_SEL_WRITE [APM 15.9.2]");
	svm_vcpu_init(&v, l2_toggle_ts, NULL);
	v.vmcb->save.cr0 &= ~(X86_CR0_CD | X86_CR0_NW);
	v.vmcb->control.intercept_misc1 |= SVM_INTERCEPT_CR0_SEL_WRITE;
	svm_vmrun(&v);
	expect_exit(&v, SVM_EXIT_VMMCALL, "selective CR0 write: changing only TS does not exit");
	svm_vcpu_init(&v, l2_write_dr7, NULL);
	v.vmcb->control.intercept_dr |= 1U << (16 + 7);
	svm_vmrun(&v);
	expect_exit(&v, SVM_EXIT_WRITE_DR7, "DR7 write intercepted: #VMEXIT 0x37 [APM 15.10]");
	report_prefix_pop();
}

void test_events(void)
{
	report_prefix_push("events");
	test_injection();
	test_tsc();
	test_control_intercepts();
	report_prefix_pop();
}
