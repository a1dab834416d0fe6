/*
 * svm pause-filter: the PAUSE intercept with a filter count (AMD APM vol. 2
 * 15.14.4 Pause Intercept Filtering; CPUID 0x8000000A:EDX[10]). VMRUN loads
 * PAUSE_FILTER_COUNT into an internal counter that each PAUSE decrements;
 * the #VMEXIT PAUSE (0x77) comes when it reaches zero. With a count of N the
 * first N-1 PAUSEs never exit; the APM's wording allows the exit on the N-th
 * or the (N+1)-th, and the test prints which. The threshold (EDX[12]) resets
 * the counter by elapsed cycles, host timing the test does not use.
 */
#include "svm-tests.h"

#define SVM_INTERCEPT_PAUSE (1U << 23)
#define SVM_EXIT_PAUSE 0x77
#define FILTER_COUNT 5
#define L2_PAUSES 20

static volatile unsigned l2_pauses_done;

static void l2_pause_loop(void *arg)
{
	(void)arg;
	for (unsigned i = 0; i < L2_PAUSES; i++) {
		__asm__ volatile("pause" ::: "memory");
		l2_pauses_done++;
	}
}

void test_pause_filter(void)
{
	struct svm_vcpu v;

	report_prefix_push("pause-filter");
	if (!(svm_features() & SVM_FEAT_PAUSE_FILTER)) {
		report_skip("pause filter: CPUID 0x8000000A:EDX[10]=0");
		report_prefix_pop();
		return;
	}
	/* The control: intercept clear, L2 runs all its PAUSEs. */
	svm_vcpu_init(&v, l2_pause_loop, NULL);
	v.vmcb->control.pause_filter_count = FILTER_COUNT;
	l2_pauses_done = 0;
	svm_vmrun(&v);
	expect_exit(&v, SVM_EXIT_VMMCALL, "PAUSE not intercepted: L2 runs its %u PAUSEs", L2_PAUSES);
	report(l2_pauses_done == L2_PAUSES, "L2 ran %u PAUSEs (want %u)", l2_pauses_done, L2_PAUSES);

	svm_vcpu_init(&v, l2_pause_loop, NULL);
	v.vmcb->control.intercept_misc1 |= SVM_INTERCEPT_PAUSE;
	v.vmcb->control.pause_filter_count = FILTER_COUNT;
	l2_pauses_done = 0;
	svm_vmrun(&v);
	if (expect_exit(&v, SVM_EXIT_PAUSE, "PAUSE intercepted, filter count %u [APM 15.14.4]", FILTER_COUNT)) {
		report(l2_pauses_done == FILTER_COUNT - 1 || l2_pauses_done == FILTER_COUNT,
		       "the exit comes at PAUSE number %u or %u, not before (%u completed) [APM 15.14.4]",
		       FILTER_COUNT, FILTER_COUNT + 1, l2_pauses_done);
		report_info("the #VMEXIT came at PAUSE number %u", l2_pauses_done + 1);
	}
	report_prefix_pop();
}
