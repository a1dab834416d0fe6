/*
 * paging-tlb: the TLB invalidations the architecture guarantees (SDM vol. 3A
 * 4.10.4): after a PTE is repointed from page A to page B, INVLPG, a MOV to
 * CR3 (non-global entries) and a MOV to CR4 that changes PGE must make the
 * next access see B. Where stale data is allowed (no invalidation, or a
 * global entry across a CR3 write), the test accepts both and says which.
 */
#include "hvut.h"
#include <asm/cpufeature.h>
#include <asm/processor.h>
#include <asm/vm.h>
#include <asm/paging.h>

static void test_invlpg(struct tlb_pages *t)
{
	tlb_read(t);                           /* fill the TLB with A */
	tlb_repoint(t, 0);
	tlb_info_either(t, "no invalidation");
	invlpg(t->a);
	tlb_expect_new(t, "INVLPG (SDM 3A 4.10.4.1)");
	tlb_restore(t);
}

static void test_cr3(struct tlb_pages *t)
{
	tlb_read(t);
	tlb_repoint(t, 0);
	write_cr3(read_cr3());
	tlb_expect_new(t, "MOV to CR3, non-global page (SDM 3A 4.10.4.1)");
	tlb_restore(t);
}

static void test_global(struct tlb_pages *t)
{
	unsigned long cr4 = read_cr4();

	if (!this_cpu_has(X86_FEATURE_PGE)) {
		report_skip("global pages: CPUID.1:EDX[13]=0 (PGE)");
		return;
	}
	write_cr4(cr4 | X86_CR4_PGE);
	*t->pte = t->orig | PT_GLOBAL;
	invlpg(t->a);
	tlb_read(t);
	tlb_repoint(t, PT_GLOBAL);
	write_cr3(read_cr3());
	tlb_info_either(t, "MOV to CR3, global page with CR4.PGE=1");
	write_cr4(cr4 & ~X86_CR4_PGE);
	tlb_expect_new(t, "MOV to CR4 clearing PGE, global page (SDM 3A 4.10.4.1)");

	write_cr4(cr4 | X86_CR4_PGE);
	*t->pte = t->orig | PT_GLOBAL;
	invlpg(t->a);
	tlb_read(t);
	tlb_repoint(t, PT_GLOBAL);
	invlpg(t->a);
	tlb_expect_new(t, "INVLPG, global page (SDM 3A 4.10.4.1)");

	write_cr4(cr4 & ~X86_CR4_PGE);
	*t->pte = t->orig;
	invlpg(t->a);
	tlb_read(t);
	tlb_repoint(t, 0);
	write_cr4(cr4 | X86_CR4_PGE);
	tlb_expect_new(t, "MOV to CR4 setting PGE (SDM 3A 4.10.4.1: any change of PGE)");
	write_cr4(cr4);
	tlb_restore(t);
}

int main(int argc, char **argv, char **envp)
{
	struct tlb_pages t;

	(void)argc, (void)argv, (void)envp;
	report_info("running on %s", vmm_description());
	tlb_pages_init(&t);
	test_invlpg(&t);
	test_cr3(&t);
	test_global(&t);
	return report_summary();
}
