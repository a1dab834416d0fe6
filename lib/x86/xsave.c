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

/*
 * Whole-register loads and stores of XMM/YMM 0-15 from and to 32-byte slots
 * (asm/xsave.h), one instruction per register (SSE: 16 bytes, AVX: 32).
 */
__asm__(".pushsection .text\n"
	".globl xmm_load_all, xmm_store_all, ymm_load_all, ymm_store_all, xmm_zero_all\n"
	"xmm_load_all:\n"
	".irp n,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15\n"
	"	movdqu \\n*32(%rdi), %xmm\\n\n"
	".endr\n"
	"	ret\n"
	"xmm_store_all:\n"
	".irp n,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15\n"
	"	movdqu %xmm\\n, \\n*32(%rdi)\n"
	".endr\n"
	"	ret\n"
	"ymm_load_all:\n"
	".irp n,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15\n"
	"	vmovdqu \\n*32(%rdi), %ymm\\n\n"
	".endr\n"
	"	ret\n"
	"ymm_store_all:\n"
	".irp n,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15\n"
	"	vmovdqu %ymm\\n, \\n*32(%rdi)\n"
	".endr\n"
	"	ret\n"
	"xmm_zero_all:\n"
	".irp n,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15\n"
	"	pxor %xmm\\n, %xmm\\n\n"
	".endr\n"
	"	ret\n"
	".popsection");
