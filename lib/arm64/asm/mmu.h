/* The identity map and the cache maintenance around turning it on. */
#ifndef HVUT_ARM64_MMU_H
#define HVUT_ARM64_MMU_H
#include <stddef.h>

/* What a secondary CPU loads to join the boot CPU's address space. */
struct mmu_regs {
	unsigned long mair, tcr, ttbr0, sctlr;
};
extern struct mmu_regs mmu_regs;

void mmu_setup(void);
void dcache_inval_range(const void *p, size_t n);
void dcache_clean_range(const void *p, size_t n);

#endif
