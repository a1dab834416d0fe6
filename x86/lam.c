/*
 * lam: linear-address masking (Intel ISE, "Linear Address Masking";
 * CPUID.(7,1):EAX[26]). CR3[62] LAM_U48 and CR3[61] LAM_U57 mask the
 * metadata bits of user pointers (bit 63 = 0), CR4[28] LAM_SUP those of
 * supervisor pointers (bit 63 = 1); the address is then checked as
 * canonical with the masked bits replaced by bit 47 (or 56), and bit 63 must
 * equal that bit. Without LAM the control bits are reserved.
 */
#include "hvut.h"
#include <asm/cpufeature.h>
#include <asm/desc.h>
#include <asm/paging.h>
#include <asm/processor.h>

#define X86_FEATURE_LAM X86_FEATURE(7, 1, CPUID_EAX, 26)
#define CR3_LAM_U57 (1UL << 61)
#define CR3_LAM_U48 (1UL << 62)
#define X86_CR4_LAM_SUP (1UL << 28)
#define SUPERVISOR_ALIAS 0xffff800000000000UL   /* PML4[256]: an alias of the 1:1 map */

extern uint64_t pml4[];

static void do_load(void *arg)
{
	*(volatile char *)arg;
}

static void expect_load(uintptr_t p, bool ok, const char *what)
{
	struct fault f;
	int v = catch_exception(do_load, (void *)p, &f);

	if (ok)
		report(v == NO_EXCEPTION, "%s: load at %#lx works (got %s)", what, p, exception_name(v));
	else
		report(v == GP_VECTOR, "%s: load at %#lx: #GP (got %s)", what, p, exception_name(v));
}

int main(int argc, char **argv, char **envp)
{
	unsigned long cr3 = read_cr3(), cr4 = read_cr4();
	uintptr_t page = (uintptr_t)alloc_page();

	bool force = argc > 1 && !strcmp(argv[1], "force");

	(void)envp;
	report_info("running on %s", vmm_description());
	/* LAM off (the state at boot): metadata bits make a pointer non-canonical. */
	expect_load(page | 0x1234UL << 48, false, "no LAM, metadata in 62:48");
	if (!this_cpu_has(X86_FEATURE_LAM)) {
		report_skip("LAM: CPUID.(7,1):EAX[26]=0");
		pg_check_cr_reserved(4, cr4 | X86_CR4_LAM_SUP, "CR4[28] (LAM_SUP) without LAM", force);
		pg_check_cr_reserved(3, cr3 | CR3_LAM_U48, "CR3[62] (LAM_U48) without LAM", force);
		pg_check_cr_reserved(3, cr3 | CR3_LAM_U57, "CR3[61] (LAM_U57) without LAM", force);
		return report_summary();
	}
	if (cr4 & X86_CR4_LA57) {
		report_skip("LAM checks written for 4-level paging");
		return report_summary();
	}
	write_cr3(cr3 | CR3_LAM_U48);
	expect_load(page | 0x1234UL << 48, true, "LAM_U48, metadata in 62:48");
	expect_load(page | 0x7fffUL << 48, true, "LAM_U48, all of 62:48 set");
	expect_load(page | 1UL << 63, false, "LAM_U48, bit 63 != bit 47");
	write_cr3(cr3 | CR3_LAM_U57);
	expect_load(page | 0x3fUL << 57, true, "LAM_U57, metadata in 62:57");
	expect_load(page | 1UL << 50, false, "LAM_U57, bit 50 is address, not metadata");
	write_cr3(cr3 | CR3_LAM_U57 | CR3_LAM_U48);
	expect_load(page | 1UL << 50, false, "LAM_U57 and LAM_U48: LAM_U57 wins");
	write_cr3(cr3);

	pml4[256] = pml4[0];
	write_cr3(cr3);
	expect_load(SUPERVISOR_ALIAS + page, true, "the supervisor alias");
	expect_load((SUPERVISOR_ALIAS + page) & ~(0x1234UL << 48), false, "no LAM_SUP, metadata in 62:48");
	write_cr4(cr4 | X86_CR4_LAM_SUP);
	expect_load((SUPERVISOR_ALIAS + page) & ~(0x1234UL << 48), true, "LAM_SUP, metadata in 62:48");
	expect_load(page | 0x1234UL << 48, false, "LAM_SUP only: a user pointer is not masked");
	write_cr4(cr4);
	pml4[256] = 0;
	write_cr3(cr3);
	return report_summary();
}
