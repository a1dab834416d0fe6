/*
 * Nested page tables (APM 15.25): guest physical = host physical for the first
 * 4 GiB, as L1's own boot map, so L2 can share L1's page tables as its gCR3.
 * Nested walks treat every access as a user access (APM 15.25.5), so every
 * level carries U/S=1; tests take permissions away one 4 KiB page at a time.
 */
#include "hvut.h"
#include <asm/msr.h>
#include <asm/processor.h>
#include <asm/svm.h>

#define NPT_TABLE (NPT_PRESENT | NPT_WRITABLE | NPT_USER)
#define SZ_2M (1ULL << 21)

uint64_t npt_create(void)
{
	uint64_t *pml4 = alloc_page(), *pdpt = alloc_page();

	assert(pml4 && pdpt);
	pml4[0] = (uintptr_t)pdpt | NPT_TABLE;
	for (unsigned g = 0; g < 4; g++) {
		uint64_t *pd = alloc_page();

		assert(pd);
		pdpt[g] = (uintptr_t)pd | NPT_TABLE;
		for (unsigned i = 0; i < 512; i++)
			pd[i] = ((uint64_t)g << 30) + i * SZ_2M + (NPT_TABLE | NPT_LARGE);
	}
	return (uintptr_t)pml4;
}

static uint64_t *next_level(uint64_t *entry)
{
	assert(*entry & NPT_PRESENT);
	return (uint64_t *)(uintptr_t)(*entry & NPT_ADDR_MASK);
}

uint64_t *npt_pte(uint64_t root, uint64_t gpa)
{
	uint64_t *pml4 = (uint64_t *)(uintptr_t)root;
	uint64_t *pdpt = next_level(&pml4[(gpa >> 39) & 511]);
	uint64_t *pd = next_level(&pdpt[(gpa >> 30) & 511]);
	uint64_t *pde = &pd[(gpa >> 21) & 511];

	if (*pde & NPT_LARGE) {
		uint64_t *pt = alloc_page();
		uint64_t base = *pde & NPT_ADDR_MASK & ~(SZ_2M - 1);
		uint64_t flags = *pde & ~NPT_ADDR_MASK & ~NPT_LARGE;

		assert(pt);
		for (unsigned i = 0; i < 512; i++)
			pt[i] = (base + ((uint64_t)i << 12)) | flags;
		*pde = (uintptr_t)pt | NPT_TABLE;
	}
	return &next_level(pde)[(gpa >> 12) & 511];
}

uint64_t npt_set_flags(uint64_t root, uint64_t gpa, uint64_t set, uint64_t clear)
{
	uint64_t *pte = npt_pte(root, gpa);
	uint64_t old = *pte;

	/* The caller asks for a TLB flush on the next VMRUN (TLB_CONTROL) to make it visible. */
	*pte = (old & ~clear) | set;
	return old;
}

void svm_vcpu_enable_npt(struct svm_vcpu *v, uint64_t root)
{
	v->vmcb->control.np_enable = 1;
	v->vmcb->control.n_cr3 = root;
	/* With nested paging VMRUN loads the guest PAT from G_PAT; L1's PAT is a valid value. */
	v->vmcb->save.g_pat = rdmsr(MSR_IA32_CR_PAT);
}
