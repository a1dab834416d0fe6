/* The svm test's parts (x86/svm*.c), and what they share. */
#ifndef HVUT_X86_SVM_TESTS_H
#define HVUT_X86_SVM_TESTS_H
#include "hvut.h"
#include <asm/svm.h>


/*
 * PASS when the last #VMEXIT of v has code want; the message gets the decoded
 * exit (code by name, EXITINFO1/2) appended.
 */
bool expect_exit(struct svm_vcpu *v, uint64_t want, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

void test_basic(void);
void test_invalid(void);
void test_intercepts(void);
void test_npt(void);
void test_tlb(void);
void test_cet(void);
void test_seam(void);
void test_events(void);
void test_vmrun_checks(void);
void test_vintr(void);
void test_npt_rsvd(void);
void test_pause_filter(void);
void test_lbrv(void);
void test_nmi(void);
void test_smi(void);
void test_init(void);
void test_exitintinfo(void);
void test_evtinj_once(void);
void test_evtinj_stress(void);
/* Parts "migrate" and "migrate-l2", each only when named. */
void test_migrate(int argc, char **argv);

#endif
