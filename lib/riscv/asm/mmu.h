/*
 * Sv39 page tables (privileged spec v1.12, 4.4): enough for tests to run with
 * translation on. The identity map of the low 4 GiB (RAM and MMIO) uses 1 GiB
 * leaves; map_page() adds 4 KiB mappings anywhere else.
 */
#ifndef HVUT_RISCV_MMU_H
#define HVUT_RISCV_MMU_H
#include <stdbool.h>
#include <stdint.h>

#define PTE_V (1UL << 0)
#define PTE_R (1UL << 1)
#define PTE_W (1UL << 2)
#define PTE_X (1UL << 3)
#define PTE_U (1UL << 4)
#define PTE_G (1UL << 5)
#define PTE_A (1UL << 6)
#define PTE_D (1UL << 7)
#define PTE_PPN_SHIFT 10

typedef uint64_t pte_t;

/* A new root table with the low 4 GiB identity mapped RWX (kernel only). */
pte_t *mmu_new_identity(void);
/* Maps one 4 KiB page va -> pa with flags (R/W/X/U; V, A and D are added). */
void mmu_map_page(pte_t *root, uintptr_t va, uintptr_t pa, unsigned long flags);
/* The level-0 (4 KiB) PTE of va that mmu_map_page made, for tests that edit its bits. */
pte_t *mmu_leaf_pte(pte_t *root, uintptr_t va);
/* Turns Sv39 translation on with root (ASID 0) and off again; false if Sv39 is missing. */
bool mmu_enable(pte_t *root);
void mmu_disable(void);
static inline void sfence_vma(void) { __asm__ volatile("sfence.vma" ::: "memory"); }

#endif
