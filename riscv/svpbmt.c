/*
 * svpbmt: the page-based memory types, PTE bits 62:61 (PBMT) under Sv39.
 *
 * RISC-V privileged spec v1.12/v1.13, chapter "Svpbmt" (table "Encodings for
 * PBMT field in Sv39, Sv48, and Sv57 PTEs"): 0 = PMA, 1 = NC, 2 = IO,
 * 3 = reserved for future standard use; "for non-leaf PTEs, bits 62-61 are
 * reserved for future standard use". 4.3.2 / 12.3.2 "Virtual Address
 * Translation Process", step 3 (v1.12 "if any bits or encodings that are
 * reserved for future standard use are set within pte, stop and raise a
 * page-fault exception corresponding to the original access type"); 4.4.1
 * "Addressing and Memory Protection" (Sv39 PTE): without Svpbmt, bits 62:61
 * stay reserved.
 *
 * Where riscv,isa lists svpbmt:
 *   - a leaf with PBMT = NC or IO maps: a store and a load through it complete
 *     and the load returns the stored value (and PMA, the control);
 *   - PBMT = 3 on a leaf: load and store page faults (13, 15), stval = the VA;
 *   - PBMT != 0 on a non-leaf PTE: load page fault.
 * Where it is not listed: PBMT = NC on a leaf is a reserved encoding: page fault.
 * (menvcfg.PBMTE is M-mode's: the firmware sets it where the hart has Svpbmt.)
 */
#include "hvut.h"
#include <asm/csr.h>
#include <asm/isa.h>
#include <asm/mmu.h>

#define PTE_PBMT_SHIFT 61
#define PTE_PBMT(v) ((unsigned long)(v) << PTE_PBMT_SHIFT)
#define PBMT_PMA 0
#define PBMT_NC 1
#define PBMT_IO 2
#define PBMT_RESERVED 3

/* Above the 4 GiB identity map, inside Sv39's 256 GiB lower half. */
#define TEST_VA 0x200000000UL

static pte_t *root, *leaf;
static uint64_t *page;   /* the physical page behind TEST_VA */

static void load(void *arg)
{
	*(uint64_t *)arg = *(volatile uint64_t *)TEST_VA;
}

static void store(void *arg)
{
	*(volatile uint64_t *)TEST_VA = *(uint64_t *)arg;
}

static void set_pbmt(pte_t *pte, unsigned v)
{
	*pte = (*pte & ~PTE_PBMT(3)) | PTE_PBMT(v);
	sfence_vma();
}

/* The level-1 PTE that points at TEST_VA's level-0 table. */
static pte_t *nonleaf(void)
{
	pte_t *l1 = (pte_t *)((root[(TEST_VA >> 30) & 511] >> PTE_PPN_SHIFT) << 12);

	return &l1[(TEST_VA >> 21) & 511];
}

static void check_fault(pte_t *pte, unsigned pbmt, const char *what, bool do_store, const char *rule)
{
	uint64_t v = 0x1234;
	struct fault f;
	int want = do_store ? EXC_STORE_PAGE_FAULT : EXC_LOAD_PAGE_FAULT;
	int got;

	set_pbmt(pte, pbmt);
	got = catch_exception(do_store ? store : load, &v, &f);
	set_pbmt(pte, PBMT_PMA);
	report(got == want && f.addr == TEST_VA,
	       "%s, PBMT = %u: a %s is a %s page fault (%d), stval = the VA (got %s, %d, stval %#lx) [%s]", what, pbmt,
	       do_store ? "store" : "load", do_store ? "store" : "load", want, exception_name(got), got, f.addr, rule);
}

static void check_type_maps(unsigned pbmt, const char *name)
{
	uint64_t in = 0x5a5a0000 + pbmt, out = 0;
	struct fault f;
	int s, l;

	set_pbmt(leaf, pbmt);
	s = catch_exception(store, &in, &f);
	l = catch_exception(load, &out, &f);
	set_pbmt(leaf, PBMT_PMA);
	report(s == NO_EXCEPTION && l == NO_EXCEPTION && out == in,
	       "leaf PBMT = %u (%s): store and load complete, the load reads the stored %#lx (%s, %s, read %#lx) "
	       "[priv spec Svpbmt]", pbmt, name, (unsigned long)in, exception_name(s), exception_name(l),
	       (unsigned long)out);
	/* Different attributes for one location need cache maintenance to agree: INFO only. */
	report_info("PBMT = %u: the PMA identity view of the page reads %#lx", pbmt, (unsigned long)page[0]);
}

int main(int argc, char **argv, char **envp)
{
	(void)argc;
	(void)argv;
	(void)envp;
	report_prefix_push("svpbmt");
	page = alloc_page();
	root = mmu_new_identity();
	mmu_map_page(root, TEST_VA, (uintptr_t)page, PTE_R | PTE_W);
	leaf = mmu_leaf_pte(root, TEST_VA);
	if (!mmu_enable(root)) {
		report_skip("Svpbmt: the hart has no Sv39 (satp.MODE = 8 did not stick)");
		return report_summary();
	}
	if (isa_has("svpbmt")) {
		check_type_maps(PBMT_PMA, "PMA");
		check_type_maps(PBMT_NC, "NC");
		check_type_maps(PBMT_IO, "IO");
		check_fault(leaf, PBMT_RESERVED, "leaf", false, "priv spec Svpbmt: 3 is reserved; translation step 3");
		check_fault(leaf, PBMT_RESERVED, "leaf", true, "priv spec Svpbmt: 3 is reserved; translation step 3");
		check_fault(nonleaf(), PBMT_NC, "non-leaf", false,
			    "priv spec Svpbmt: bits 62:61 of non-leaf PTEs are reserved");
	} else {
		report_info("svpbmt not in riscv,isa: PBMT bits are reserved");
		check_fault(leaf, PBMT_NC, "leaf without Svpbmt", false,
			    "priv spec 4.4.1: bits 62:61 reserved without Svpbmt; 4.3.2 step 3");
		check_fault(leaf, PBMT_IO, "leaf without Svpbmt", true,
			    "priv spec 4.4.1: bits 62:61 reserved without Svpbmt; 4.3.2 step 3");
	}
	mmu_disable();
	report_prefix_pop();
	return report_summary();
}
