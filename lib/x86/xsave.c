/* XSAVE set-up the tests share (asm/xsave.h). */
#include "hvut.h"
#include <asm/processor.h>
#include <asm/xsave.h>

void xsave_enable_os(void)
{
	write_cr0((read_cr0() & ~X86_CR0_EM) | X86_CR0_MP);
	write_cr4(read_cr4() | X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT | X86_CR4_OSXSAVE);
}

/*
 * SDM vol. 2C XSETBV: XCR0 holds what was written. CPUID exits to a
 * hypervisor if there is one (it always does under KVM), so a VMM that
 * missed the XSETBV (and reloads its own XCR0 around the exit) shows here
 * rather than as a #UD at the first AVX instruction.
 */
bool xcr0_set_checked(uint64_t v)
{
	xsetbv(0, v);
	(void)cpuid(0);
	return report_deviation("xsetbv-not-intercepted", xgetbv(0) == v,
				"XCR0 reads back %#llx after XSETBV(%#llx) and a CPUID",
				(unsigned long long)xgetbv(0), (unsigned long long)v);
}
