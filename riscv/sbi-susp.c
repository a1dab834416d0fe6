/*
 * SUSP (system_suspend): argument checks only. A reserved sleep type is
 * INVALID_PARAM, and suspend-to-RAM while other harts run is DENIED (the spec
 * wants every other hart stopped first).
 */
#include "sbi-tests.h"
#include <asm/smp.h>

void sbi_test_susp(void)
{
	if (!sbi_ext_begin("susp", SBI_EXT_SUSP))
		return;
	report_sbi_error(sbi_system_suspend(1, (uintptr_t)riscv_secondary_entry, (uintptr_t)&cpus[0]),
			 SBI_ERR_INVALID_PARAM, "system_suspend with a reserved sleep type");
	if (nr_cpus() < 2)
		report_skip("system_suspend with other harts running: needs 2 harts");
	else
		report_sbi_error(sbi_system_suspend(SBI_SUSP_SUSPEND_TO_RAM, (uintptr_t)riscv_secondary_entry,
						    (uintptr_t)&cpus[0]),
				 SBI_ERR_DENIED, "suspend to RAM while other harts run");
	report_prefix_pop();
}
