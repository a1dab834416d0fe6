/*
 * The SBI Firmware Features extension (FWFT, EID 0x46574654; SBI
 * specification v3.0, chapter "Firmware Features Extension"):
 *   - get of a reserved feature ID, or of a platform-specific one the
 *     firmware does not implement: SBI_ERR_DENIED with value 0 (the spec's
 *     get error table; NOT_SUPPORTED is for a known feature whose
 *     dependencies are missing);
 *   - set with a reserved bit in flags: SBI_ERR_INVALID_PARAM;
 *   - MISALIGNED_EXC_DELEG (0) where supported: set 1, get reads 1, and a
 *     misaligned load in S-mode then traps to S-mode with scause 4 (the
 *     firmware no longer emulates it); set 0 gives it back;
 *   - set with the LOCK flag, then any further set: DENIED (v3.0 names the
 *     error DENIED_LOCKED, -12; the 1.x drafts DENIED, -4: either is
 *     accepted, and which one is printed); get still reads the locked value.
 * Where the firmware does not report a feature, its checks are SKIPs naming it.
 */
#include "sbi-tests.h"
#include <asm/csr.h>

#define SBI_EXT_FWFT 0x46574654     /* "FWFT" */
#define FWFT_SET 0
#define FWFT_GET 1
#define FWFT_MISALIGNED_EXC_DELEG 0x0
#define FWFT_FLAG_LOCK (1UL << 0)
#define FWFT_RESERVED_ID 0x3fffffffUL       /* local feature types reserved for future use */
#define FWFT_PLATFORM_ID 0x7fffffffUL       /* platform-specific local feature types */
#define SBI_ERR_DENIED_LOCKED (-12)
#define CAUSE_MISALIGNED_LOAD 4

static struct sbiret fwft_set(unsigned long feature, unsigned long value, unsigned long flags)
{
	return sbi_ecall(SBI_EXT_FWFT, FWFT_SET, feature, value, flags, 0, 0, 0);
}

static struct sbiret fwft_get(unsigned long feature)
{
	return sbi_ecall(SBI_EXT_FWFT, FWFT_GET, feature, 0, 0, 0, 0, 0);
}

static volatile uint64_t misaligned_buf[2];

static void misaligned_load(void *arg)
{
	(void)arg;
	/* lw from an address 1 mod 4: misaligned in every RV64 implementation's eyes. */
	__asm__ volatile("lw t0, 1(%0)" :: "r"(misaligned_buf) : "t0", "memory");
}

static void test_misaligned_deleg(void)
{
	struct sbiret r = fwft_get(FWFT_MISALIGNED_EXC_DELEG);
	struct fault f;
	int v;

	if (r.error == SBI_ERR_NOT_SUPPORTED) {
		report_skip("MISALIGNED_EXC_DELEG: get says NOT_SUPPORTED");
		return;
	}
	report_prefix_push("misaligned-deleg");
	report(r.error == SBI_SUCCESS && (r.value == 0 || r.value == 1), "get: SUCCESS with 0 or 1 (got %s, %ld)",
	       sbi_error_name(r.error), r.value);
	r = fwft_set(FWFT_MISALIGNED_EXC_DELEG, 1, 0);
	report_sbi_error(r, SBI_SUCCESS, "set 1");
	r = fwft_get(FWFT_MISALIGNED_EXC_DELEG);
	report(r.error == SBI_SUCCESS && r.value == 1, "get reads 1 back (got %s, %ld)", sbi_error_name(r.error), r.value);
	v = catch_exception(misaligned_load, NULL, &f);
	/* The hart may do misaligned loads in hardware: then nothing traps, and that is allowed too. */
	if (v == NO_EXCEPTION)
		report_info("the hart performs misaligned loads itself: no trap to delegate");
	else
		report(v == CAUSE_MISALIGNED_LOAD, "delegated: a misaligned lw traps to S-mode, scause 4 (got %d) [SBI v3.0 FWFT MISALIGNED_EXC_DELEG]", v);
	r = fwft_set(FWFT_MISALIGNED_EXC_DELEG, 0, 0);
	report_sbi_error(r, SBI_SUCCESS, "set 0");
	v = catch_exception(misaligned_load, NULL, &f);
	report(v == NO_EXCEPTION, "not delegated: the same lw completes (emulated below S-mode; got %d)", v);
	report_prefix_pop();
}

static void test_lock(void)
{
	struct sbiret r = fwft_get(FWFT_MISALIGNED_EXC_DELEG);

	if (r.error != SBI_SUCCESS) {
		report_skip("lock: needs a settable feature (MISALIGNED_EXC_DELEG: %s)", sbi_error_name(r.error));
		return;
	}
	report_prefix_push("lock");
	r = fwft_set(FWFT_MISALIGNED_EXC_DELEG, 0, FWFT_FLAG_LOCK);
	report_sbi_error(r, SBI_SUCCESS, "set 0 with LOCK");
	r = fwft_set(FWFT_MISALIGNED_EXC_DELEG, 1, 0);
	report(r.error == SBI_ERR_DENIED || r.error == SBI_ERR_DENIED_LOCKED,
	       "a set after LOCK: DENIED or DENIED_LOCKED (got %s, %ld) [SBI v3.0 FWFT set]", sbi_error_name(r.error),
	       r.error);
	report_info("a locked feature's set returns %ld", r.error);
	r = fwft_get(FWFT_MISALIGNED_EXC_DELEG);
	report(r.error == SBI_SUCCESS && r.value == 0, "get still reads the locked 0 (got %s, %ld)",
	       sbi_error_name(r.error), r.value);
	report_prefix_pop();
}

void sbi_test_fwft(void)
{
	struct sbiret r;

	if (!sbi_ext_begin("fwft", SBI_EXT_FWFT))
		return;
	r = fwft_get(FWFT_RESERVED_ID);
	report(r.error == SBI_ERR_DENIED && r.value == 0,
	       "get of a reserved feature ID: DENIED, value 0 (got %s, %ld) [SBI v3.0 FWFT, Firmware Features Get Errors]",
	       sbi_error_name(r.error), r.value);
	r = fwft_get(FWFT_PLATFORM_ID);
	report(r.error == SBI_ERR_DENIED && r.value == 0,
	       "get of an unimplemented platform-specific feature: DENIED, value 0 (got %s, %ld)",
	       sbi_error_name(r.error), r.value);
	r = fwft_set(FWFT_RESERVED_ID, 0, 0);
	report_sbi_error(r, SBI_ERR_DENIED, "set of a reserved feature ID");
	r = fwft_set(FWFT_MISALIGNED_EXC_DELEG, 0, 1UL << 1);
	report(r.error == SBI_ERR_INVALID_PARAM || r.error == SBI_ERR_NOT_SUPPORTED,
	       "set with reserved flags bit 1: INVALID_PARAM (NOT_SUPPORTED where the feature is absent; got %s)",
	       sbi_error_name(r.error));
	test_misaligned_deleg();
	/* Last: it locks the feature for the rest of the run. */
	test_lock();
	report_prefix_pop();
}
