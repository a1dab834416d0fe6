/*
 * SRST: reserved reset types and reasons are refused. The real reset is how
 * every test ends (lib/riscv/console.c: arch_poweroff), so a working shutdown
 * is checked by every run reaching its end cleanly.
 */
#include "sbi-tests.h"

#define RESERVED_TYPE 3         /* 0x3-0xefffffff are reserved */
#define RESERVED_REASON 2       /* 0x2-0xdfffffff are reserved */

void sbi_test_srst(void)
{
	struct sbiret r;

	if (!sbi_ext_begin("srst", SBI_EXT_SRST))
		return;
	r = sbi_system_reset(RESERVED_TYPE, SBI_SRST_REASON_NONE);

	/* SBI spec "System Reset": INVALID_PARAM for a reset_type that is not valid (reserved). */
	report_deviation("sbi-srst-reserved-type", r.error == SBI_ERR_INVALID_PARAM,
			 "system_reset with a reserved type: INVALID_PARAM (got %s, %ld)", sbi_error_name(r.error), r.error);
	/* KVM shuts the VM down for it: the rest of the test would be lost. */
	if (deviation_applies("sbi-srst-reserved-reason"))
		report_deviation("sbi-srst-reserved-reason", false,
				 "system_reset(shutdown) with a reserved reason: INVALID_PARAM (not attempted)");
	else
		report_sbi_error(sbi_system_reset(SBI_SRST_SHUTDOWN, RESERVED_REASON), SBI_ERR_INVALID_PARAM,
				 "system_reset(shutdown) with a reserved reason");
	report_prefix_pop();
}
