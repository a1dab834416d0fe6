/* Sv39 page tables: three levels of 512 entries, VPN[2..0] = va bits 38:30, 29:21, 20:12. */
#include "hvut.h"
#include <asm/csr.h>
#include <asm/mmu.h>

#define LEVEL_SHIFT(l) (12 + 9 * (l))
#define VPN(va, l) (((va) >> LEVEL_SHIFT(l)) & 511)

static pte_t make_pte(uintptr_t pa, unsigned long flags)
{
	return (pa >> 12) << PTE_PPN_SHIFT | flags | PTE_V;
}

pte_t *mmu_new_identity(void)
{
	pte_t *root = alloc_page();

	assert(root);
	/* 1 GiB leaves: 0-1 GiB (MMIO), 1-2, 2-3 (RAM at 0x80000000), 3-4. */
	for (uintptr_t gb = 0; gb < 4; gb++)
		root[gb] = make_pte(gb << 30, PTE_R | PTE_W | PTE_X | PTE_A | PTE_D | PTE_G);
	return root;
}

void mmu_map_page(pte_t *root, uintptr_t va, uintptr_t pa, unsigned long flags)
{
	pte_t *table = root;

	for (int level = 2; level > 0; level--) {
		pte_t *e = &table[VPN(va, level)];

		if (!(*e & PTE_V)) {
			pte_t *next = alloc_page();

			assert(next);
			*e = make_pte((uintptr_t)next, 0);   /* R=W=X=0: a pointer to the next level */
		}
		assert(!(*e & (PTE_R | PTE_W | PTE_X)));   /* no 4 KiB page inside a superpage */
		table = (pte_t *)((*e >> PTE_PPN_SHIFT) << 12);
	}
	table[VPN(va, 0)] = make_pte(pa, flags | PTE_A | PTE_D);
	sfence_vma();
}

pte_t *mmu_leaf_pte(pte_t *root, uintptr_t va)
{
	pte_t *table = root;

	for (int level = 2; level > 0; level--) {
		pte_t e = table[VPN(va, level)];

		assert((e & PTE_V) && !(e & (PTE_R | PTE_W | PTE_X)));
		table = (pte_t *)((e >> PTE_PPN_SHIFT) << 12);
	}
	return &table[VPN(va, 0)];
}

bool mmu_enable(pte_t *root)
{
	unsigned long satp = SATP_MODE_SV39 << SATP_MODE_SHIFT | (uintptr_t)root >> 12;

	/* A mode the hart does not implement leaves satp unchanged (WARL): read it back. */
	sfence_vma();
	csr_write(CSR_SATP, satp);
	sfence_vma();
	return csr_read(CSR_SATP) == satp;
}

void mmu_disable(void)
{
	csr_write(CSR_SATP, 0);
	sfence_vma();
}
