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
	if (!sbi_ext_begin("srst", SBI_EXT_SRST))
		return;
	report_sbi_error(sbi_system_reset(RESERVED_TYPE, SBI_SRST_REASON_NONE), SBI_ERR_INVALID_PARAM,
			 "system_reset with a reserved type");
	report_sbi_error(sbi_system_reset(SBI_SRST_SHUTDOWN, RESERVED_REASON), SBI_ERR_INVALID_PARAM,
			 "system_reset(shutdown) with a reserved reason");
	report_prefix_pop();
}
