/* The sbi test: one file per SBI extension, all run by riscv/sbi.c. */
#ifndef HVUT_RISCV_SBI_TESTS_H
#define HVUT_RISCV_SBI_TESTS_H
#include "hvut.h"
#include <asm/sbi.h>

/* Pushes the report prefix for an extension; SKIPs and pops when probe_extension says absent. */
bool sbi_ext_begin(const char *name, long eid);
/* PASS when the call returned error `want`; names both errors otherwise. */
bool report_sbi_error(struct sbiret r, long want, const char *what);
/* An expectation from the environment (KEY=VAL) or the command line (key=val), or NULL. */
const char *sbi_expect(const char *env_name, const char *arg_name);
/* Waits up to `ms` milliseconds for *flag to become non-zero. */
bool wait_flag(volatile int *flag, unsigned ms);

/* The SBI implementation is OpenSBI (implementation ID 1): checks of its own memory. */
bool opensbi(void);
/*
 * Known deviations, declared so they show as XFAIL (and as XPASS once fixed):
 * the implementation is OpenSBI with a version in [lo, hi] (major << 16 | minor).
 */
bool opensbi_between(long lo, long hi);
/*
 * QEMU before 8.0 (its generic harts report mvendorid 0 and the QEMU version as
 * mimpid: 0x070216 is 7.2.22) mishandles reads of an inhibited counter.
 */
bool qemu7_counter_inhibit_bug(void);

void sbi_test_base(void);
void sbi_test_time(void);
void sbi_test_ipi(void);
void sbi_test_rfence(void);
void sbi_test_hsm(void);
void sbi_test_srst(void);
void sbi_test_pmu(void);
void sbi_test_dbcn(void);
void sbi_test_susp(void);
void sbi_test_fwft(void);

#endif
