/* RFENCE: remote fence.i and sfence.vma succeed for valid hart lists and fail for invalid ones. */
#include "sbi-tests.h"
#include <asm/smp.h>

/*
 * OpenSBI 1.6 skips hart IDs it does not know and says SUCCESS; 1.1 follows
 * the spec. KVM as the SBI implementation: row sbi-rfence-unknown-hart.
 */
static void check_invalid(struct sbiret r, const char *what)
{
	if (opensbi_between(0x10006, 0x10006))
		report_xfail(true, r.error == SBI_ERR_INVALID_PARAM, "%s: INVALID_PARAM (got %s)", what,
			     sbi_error_name(r.error));
	else
		report_deviation("sbi-rfence-unknown-hart", r.error == SBI_ERR_INVALID_PARAM,
				 "%s: INVALID_PARAM (got %s)", what, sbi_error_name(r.error));
}

void sbi_test_rfence(void)
{
	unsigned long mask = 0, bad = max_hartid() + 1;
	uintptr_t va = (uintptr_t)&mask & ~0xfffUL;
	struct sbiret r;

	if (!sbi_ext_begin("rfence", SBI_EXT_RFENCE))
		return;
	for (int c = 0; c < nr_cpus(); c++)
		if (cpu_hartid(c) < 64)
			mask |= BIT(cpu_hartid(c));
	report_sbi_error(sbi_remote_fence_i(mask, 0), SBI_SUCCESS, "remote_fence_i on every hart (mask)");
	report_sbi_error(sbi_remote_fence_i(0, -1UL), SBI_SUCCESS, "remote_fence_i on all harts (base -1)");
	report_sbi_error(sbi_remote_sfence_vma(mask, 0, 0, -1UL), SBI_SUCCESS,
			 "remote_sfence_vma of the whole address space");
	report_sbi_error(sbi_remote_sfence_vma(1, cpu_hartid(0), va, 4096), SBI_SUCCESS,
			 "remote_sfence_vma of one page on this hart");
	report_sbi_error(sbi_remote_sfence_vma_asid(0, -1UL, va, 8192, 0), SBI_SUCCESS,
			 "remote_sfence_vma_asid of two pages, ASID 0, all harts");
	check_invalid(sbi_remote_fence_i(1, bad), "remote_fence_i with a hart ID no hart has");
	check_invalid(sbi_remote_sfence_vma(1, bad, 0, -1UL), "remote_sfence_vma with a hart ID no hart has");
	check_invalid(sbi_remote_sfence_vma_asid(1, bad, 0, -1UL, 0), "remote_sfence_vma_asid with a hart ID no hart has");
	/* SBI spec: any hart ID from base and mask not valid. OpenSBI 1.1 and 1.6 skip it in the mask. */
	r = sbi_remote_fence_i(BIT(bad - cpu_hartid(0)), cpu_hartid(0));
	if (opensbi_between(0x10001, 0x10006))
		report_xfail(true, r.error == SBI_ERR_INVALID_PARAM,
			     "remote_fence_i with a valid hart base and a mask bit for a hart ID no hart has: INVALID_PARAM "
			     "(got %s)", sbi_error_name(r.error));
	else
		check_invalid(r, "remote_fence_i with a valid hart base and a mask bit for a hart ID no hart has");
	/*
	 * SBI spec "RFENCE Extension": INVALID_ADDRESS when start_addr or size
	 * is not valid; which ranges are invalid is the implementation's call.
	 * A range that wraps around the address space may be refused or flushed.
	 */
	r = sbi_remote_sfence_vma(mask, 0, -4096UL, 8192);
	report(r.error == SBI_SUCCESS || r.error == SBI_ERR_INVALID_ADDRESS,
	       "remote_sfence_vma of a range wrapping past 2^64: SUCCESS or INVALID_ADDRESS (got %s)",
	       sbi_error_name(r.error));
	report_info("wrapping range: %s", sbi_error_name(r.error));
	report_prefix_pop();
}
