/*
 * The identity map, 4 KiB granule, 32-bit VA (TCR.T0SZ = 32: the walk starts
 * at level 1 with four 1 GiB entries). QEMU virt puts devices below 1 GiB and
 * RAM from 1 GiB. Runs with the MMU off, so only aligned stores here
 * (-mstrict-align) and no atomics.
 *
 * EL0 must be able to run test functions (run_in_user) and use its stack:
 * the image's text and rodata are read-only for EL1 and EL0 and executable
 * by both; the rest of RAM is read-write for both and never executable
 * (memory EL0 can write is never executable at EL1 anyway, Arm ARM D8.4).
 */
#include "hvut.h"
#include <asm/sysreg.h>
#include <asm/mmu.h>

#define PTE_VALID (1UL << 0)
#define PTE_TABLE (1UL << 1)           /* level 1/2: next-level table; level 3: page */
#define PTE_ATTR(i) ((unsigned long)(i) << 2)
#define PTE_AP_EL0 (1UL << 6)          /* AP[1]: EL0 access */
#define PTE_AP_RO (1UL << 7)           /* AP[2]: read-only */
#define PTE_SH_INNER (3UL << 8)
#define PTE_AF (1UL << 10)
#define PTE_PXN (1UL << 53)
#define PTE_UXN (1UL << 54)

/* MAIR_EL1 attribute indexes. */
#define ATTR_DEVICE_nGnRnE 0
#define ATTR_DEVICE_nGnRE 1
#define ATTR_NORMAL_WB 2
#define ATTR_NORMAL_NC 3
#define MAIR_VALUE (0x00UL << 0 | 0x04UL << 8 | 0xffUL << 16 | 0x44UL << 24)

#define DEVICE_BLOCK (PTE_VALID | PTE_ATTR(ATTR_DEVICE_nGnRE) | PTE_AF | PTE_PXN | PTE_UXN)
#define RAM_DATA (PTE_VALID | PTE_ATTR(ATTR_NORMAL_WB) | PTE_SH_INNER | PTE_AF | PTE_AP_EL0 | PTE_PXN | PTE_UXN)
#define RAM_TEXT (PTE_VALID | PTE_ATTR(ATTR_NORMAL_WB) | PTE_SH_INNER | PTE_AF | PTE_AP_EL0 | PTE_AP_RO)

#define SZ_2M (2UL << 20)
#define SZ_1G (1UL << 30)
#define L3_TABLES 4                     /* the image may span this many 2 MiB blocks */

/* TCR_EL1: T0SZ=32, inner/outer WB WA walks, inner shareable, 4K, no TTBR1 walks. */
#define TCR_T0SZ 32UL
#define TCR_IRGN0_WBWA (1UL << 8)
#define TCR_ORGN0_WBWA (1UL << 10)
#define TCR_SH0_INNER (3UL << 12)
#define TCR_EPD1 (1UL << 23)
#define TCR_IPS_SHIFT 32

#define SCTLR_M (1UL << 0)
#define SCTLR_C (1UL << 2)
#define SCTLR_I (1UL << 12)
#define SCTLR_RES1 0x30d00800UL          /* includes SPAN: PAN stays clear on exception entry */

static unsigned long l1[512] __attribute__((aligned(4096)));
static unsigned long l2_ram[512] __attribute__((aligned(4096)));
static unsigned long l3[L3_TABLES][512] __attribute__((aligned(4096)));
struct mmu_regs mmu_regs;

extern char __image_start[], __text_end[], __image_end[];

void mmu_enable(unsigned long mair, unsigned long tcr, unsigned long ttbr, unsigned long sctlr);

void mmu_setup(void)
{
	uintptr_t ts = (uintptr_t)__image_start, te = (uintptr_t)__text_end, ie = (uintptr_t)__image_end;
	uintptr_t first = ALIGN_DOWN(ts, SZ_2M);
	unsigned long parange = read_sysreg(id_aa64mmfr0_el1) & 0xf;
	int used = 0;

	l1[0] = 0 | DEVICE_BLOCK;
	l1[1] = (uintptr_t)l2_ram | PTE_VALID | PTE_TABLE;
	l1[2] = 2 * SZ_1G | RAM_DATA;
	l1[3] = 3 * SZ_1G | RAM_DATA;
	for (int i = 0; i < 512; i++) {
		uintptr_t block = SZ_1G + i * SZ_2M;

		if (block + SZ_2M <= first || block >= ie || used == L3_TABLES) {
			l2_ram[i] = block | RAM_DATA;
			continue;
		}
		/* A block holding part of the image: map it page by page. */
		for (int j = 0; j < 512; j++) {
			uintptr_t page = block + j * PAGE_SIZE;

			l3[used][j] = page | PTE_TABLE | ((page >= ts && page < te) ? RAM_TEXT : RAM_DATA);
		}
		l2_ram[i] = (uintptr_t)l3[used++] | PTE_VALID | PTE_TABLE;
	}
	if (parange > 5)
		parange = 5;
	mmu_regs.mair = MAIR_VALUE;
	mmu_regs.tcr = TCR_T0SZ | TCR_IRGN0_WBWA | TCR_ORGN0_WBWA | TCR_SH0_INNER | TCR_EPD1 |
		       parange << TCR_IPS_SHIFT;
	mmu_regs.ttbr0 = (uintptr_t)l1;
	mmu_regs.sctlr = SCTLR_RES1 | SCTLR_M | SCTLR_C | SCTLR_I;
	/* The tables were written with the MMU off: no stale cache lines may shadow them. */
	dcache_inval_range(l1, sizeof(l1));
	dcache_inval_range(l2_ram, sizeof(l2_ram));
	dcache_inval_range(l3, sizeof(l3));
	dsb(sy);
	mmu_enable(mmu_regs.mair, mmu_regs.tcr, mmu_regs.ttbr0, mmu_regs.sctlr);
}

static unsigned long dcache_line(void)
{
	return 4UL << ((read_sysreg(ctr_el0) >> 16) & 0xf);   /* CTR_EL0.DminLine, in words */
}

void dcache_inval_range(const void *p, size_t n)
{
	unsigned long line = dcache_line();

	for (uintptr_t a = ALIGN_DOWN((uintptr_t)p, line); a < (uintptr_t)p + n; a += line)
		__asm__ volatile("dc ivac, %0" :: "r"(a) : "memory");
	dsb(sy);
}

void dcache_clean_range(const void *p, size_t n)
{
	unsigned long line = dcache_line();

	for (uintptr_t a = ALIGN_DOWN((uintptr_t)p, line); a < (uintptr_t)p + n; a += line)
		__asm__ volatile("dc civac, %0" :: "r"(a) : "memory");
	dsb(sy);
}
