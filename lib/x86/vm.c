/* Changing the boot page tables one 4 KiB page at a time. */
#include "hvut.h"
#include <asm/processor.h>
#include <asm/vm.h>


uint64_t *get_pte(const void *va)
{
	uintptr_t a = (uintptr_t)va;
	uint64_t *pml4 = (uint64_t *)(read_cr3() & PT_ADDR_MASK);
	uint64_t *pdpt = (uint64_t *)(pml4[(a >> 39) & 511] & PT_ADDR_MASK);
	uint64_t *pd = (uint64_t *)(pdpt[(a >> 30) & 511] & PT_ADDR_MASK);
	uint64_t *pde = &pd[(a >> 21) & 511];

	if (*pde & PT_PAGE_SIZE) {
		/* Split the 2 MiB page into 512 4 KiB pages with the same attributes. */
		uint64_t *pt = alloc_page();
		uint64_t base = *pde & PT_ADDR_MASK & ~((1ULL << 21) - 1);
		uint64_t flags = *pde & ~PT_ADDR_MASK & ~PT_PAGE_SIZE;

		assert(pt);
		for (int i = 0; i < 512; i++)
			pt[i] = (base + ((uint64_t)i << 12)) | flags;
		*pde = (uintptr_t)pt | PT_PRESENT | PT_WRITABLE | PT_USER;
		write_cr3(read_cr3());   /* flush the old large-page translation */
	}
	return &((uint64_t *)(*pde & PT_ADDR_MASK))[(a >> 12) & 511];
}

uint64_t set_page_flags(const void *va, uint64_t set, uint64_t clear)
{
	uint64_t *pte = get_pte(va);
	uint64_t old = *pte;

	*pte = (old & ~clear) | set;
	invlpg(va);
	return old;
}
