/*
 * svnapot: naturally aligned power-of-two (NAPOT) translation contiguity,
 * PTE bit 63 (N) under Sv39.
 *
 * RISC-V privileged spec v1.12/v1.13, chapter "Svnapot" (table "Page table
 * entry encodings when pte.N=1"): at level 0, N = 1 with ppn[3:0] = 1000 is a
 * 64 KiB NAPOT mapping; the address is translated as if pte.ppn[3:0] were
 * va.vpn[0][3:0] ("the implicit reads of the NAPOT page table entries ...
 * translate every 4 KiB page of the range"); every other ppn[3:0] with N = 1
 * is reserved, and so is N = 1 at any level other than 0 ("if pte.n = 1 ...
 * and i != 0 or the encoding is reserved, stop and raise a page-fault
 * exception", translation process step 6/7 as amended by Svnapot); for
 * non-leaf PTEs bit 63 is reserved. Without Svnapot, bit 63 is reserved
 * (4.4.1): page fault (4.3.2 step 3).
 *
 * Where riscv,isa lists svnapot: the 16 level-0 PTEs of a 64 KiB-aligned VA
 * range all hold N = 1 and the same NAPOT ppn of a 64 KiB-aligned buffer;
 * page i of the range must read the marker written in physical page i (a
 * hart ignoring N would map every page to page 8). Then N = 1 with
 * ppn[3:0] = 0000, N on a 2 MiB leaf and N on a non-leaf PTE each fault.
 * Where it is not listed: a 4 KiB leaf with N = 1 faults.
 */
#include "hvut.h"
#include <asm/csr.h>
#include <asm/isa.h>
#include <asm/mmu.h>

#define PTE_N (1UL << 63)
#define NAPOT_PAGES 16
#define NAPOT_SIZE (NAPOT_PAGES * 4096UL)
/* Above the 4 GiB identity map, inside Sv39's 256 GiB lower half, 2 MiB aligned. */
#define TEST_VA 0x200000000UL
/* The next 2 MiB: a superpage leaf for the level-1 check. */
#define SUPER_VA (TEST_VA + (2UL << 20))

static pte_t *root, *leaves[NAPOT_PAGES];
static uint64_t *buf;   /* NAPOT_SIZE bytes, NAPOT_SIZE aligned */

static pte_t *l1_table(void)
{
	return (pte_t *)((root[(TEST_VA >> 30) & 511] >> PTE_PPN_SHIFT) << 12);
}

static void load(void *arg)
{
	uintptr_t va = *(uintptr_t *)arg;

	*(uint64_t *)arg = *(volatile uint64_t *)va;
}

/* One load at va; the vector, and the value read in *val. */
static int load_at(uintptr_t va, uint64_t *val, unsigned long *stval)
{
	uint64_t io = va;
	struct fault f;
	int v = catch_exception(load, &io, &f);

	*val = io;
	*stval = f.addr;
	return v;
}

/* All 16 leaves: N = 1, ppn = the buffer's with ppn[3:0] = low. */
static void set_napot(unsigned low)
{
	uintptr_t ppn = ((uintptr_t)buf >> 12) | low;

	for (int i = 0; i < NAPOT_PAGES; i++)
		*leaves[i] = (*leaves[i] & ((1UL << PTE_PPN_SHIFT) - 1)) | PTE_N | ppn << PTE_PPN_SHIFT;
	sfence_vma();
}

static void check_translation(void)
{
	unsigned wrong = 0, faults = 0, first_bad = NAPOT_PAGES;
	uint64_t v;
	unsigned long stval;

	set_napot(8);
	for (unsigned i = 0; i < NAPOT_PAGES; i++) {
		/* An offset inside the page too: vpn[0][3:0] and the page offset both come from the VA. */
		int e = load_at(TEST_VA + i * 4096UL + 8 * i, &v, &stval);

		faults += e != NO_EXCEPTION;
		if (e == NO_EXCEPTION && v != 0xa000 + i) {
			wrong++;
			if (first_bad == NAPOT_PAGES)
				first_bad = i;
		}
	}
	report(!faults && !wrong,
	       "a 64 KiB NAPOT PTE (N = 1, ppn[3:0] = 1000) maps page i of the range to physical page i, all 16 "
	       "(%u faults, %u wrong, first wrong page %u) [priv spec Svnapot]", faults, wrong, first_bad);
}

static void check_fault(const char *what, uintptr_t va, const char *rule)
{
	uint64_t v;
	unsigned long stval;
	int e = load_at(va, &v, &stval);

	report(e == EXC_LOAD_PAGE_FAULT && stval == va,
	       "%s: a load is a load page fault (13), stval = the VA (got %s, %d, stval %#lx) [%s]", what,
	       exception_name(e), e, stval, rule);
}

static void check_reserved_encodings(void)
{
	pte_t *l1 = l1_table(), saved;

	set_napot(0);
	check_fault("N = 1 with ppn[3:0] = 0000", TEST_VA + 4096, "priv spec Svnapot: reserved pte.ppn[3:0] encoding");
	set_napot(8);

	/* A 2 MiB leaf at level 1 over RAM: readable without N (the control), a fault with it. */
	l1[(SUPER_VA >> 21) & 511] = ((0x80400000UL >> 12) << PTE_PPN_SHIFT) | PTE_V | PTE_R | PTE_A | PTE_D;
	sfence_vma();
	{
		uint64_t v;
		unsigned long stval;
		int e = load_at(SUPER_VA, &v, &stval);

		report(e == NO_EXCEPTION, "control: a 2 MiB leaf without N is readable (%s)", exception_name(e));
	}
	l1[(SUPER_VA >> 21) & 511] |= PTE_N;
	sfence_vma();
	check_fault("N = 1 on a 2 MiB (level 1) leaf", SUPER_VA, "priv spec Svnapot: N = 1 at level i != 0 is reserved");
	l1[(SUPER_VA >> 21) & 511] = 0;

	saved = l1[(TEST_VA >> 21) & 511];
	l1[(TEST_VA >> 21) & 511] = saved | PTE_N;
	sfence_vma();
	check_fault("N = 1 on a non-leaf PTE", TEST_VA, "priv spec Svnapot: bit 63 of non-leaf PTEs is reserved");
	l1[(TEST_VA >> 21) & 511] = saved;
	sfence_vma();
}

int main(int argc, char **argv, char **envp)
{
	(void)argc;
	(void)argv;
	(void)envp;
	report_prefix_push("svnapot");
	buf = alloc_pages(4);   /* 16 pages, aligned to their size */
	assert(buf && !((uintptr_t)buf & (NAPOT_SIZE - 1)));
	for (unsigned i = 0; i < NAPOT_PAGES; i++)
		buf[i * 512 + i] = 0xa000 + i;   /* page i, word i */
	root = mmu_new_identity();
	for (unsigned i = 0; i < NAPOT_PAGES; i++) {
		mmu_map_page(root, TEST_VA + i * 4096UL, (uintptr_t)buf + i * 4096UL, PTE_R);
		leaves[i] = mmu_leaf_pte(root, TEST_VA + i * 4096UL);
	}
	if (!mmu_enable(root)) {
		report_skip("Svnapot: the hart has no Sv39 (satp.MODE = 8 did not stick)");
		return report_summary();
	}
	if (isa_has("svnapot")) {
		check_translation();
		check_reserved_encodings();
	} else {
		report_info("svnapot not in riscv,isa: bit 63 is reserved");
		set_napot(8);
		check_fault("N = 1 on a 4 KiB leaf without Svnapot", TEST_VA + 4096,
			    "priv spec 4.4.1: bit 63 reserved without Svnapot; 4.3.2 step 3");
	}
	mmu_disable();
	report_prefix_pop();
	return report_summary();
}
