/*
 * TLB checks for the paging tests: a 4 KiB PTE repointed from page A to page
 * B without invalidation, then one invalidation, then a read through A's
 * address (x86/paging-tlb.c, x86/pcid.c). Uses the boot hierarchy (lib/x86/vm.c).
 */
#include "hvut.h"
#include <asm/paging.h>
#include <asm/processor.h>
#include <asm/vm.h>

void tlb_pages_init(struct tlb_pages *t)
{
	t->a = alloc_page();
	t->b = alloc_page();
	assert(t->a && t->b);
	t->a[0] = (char)0xaa;
	t->b[0] = (char)0xbb;
	t->pte = get_pte(t->a);   /* splits the 2 MiB page now, not in the middle of a test */
	t->orig = *t->pte;
}

/* Repoints the PTE of page A at page B (with extra flags), without invalidating. */
void tlb_repoint(struct tlb_pages *t, uint64_t flags)
{
	*t->pte = (t->orig & ~PT_ADDR_MASK) | (uintptr_t)t->b | flags;
}

void tlb_restore(struct tlb_pages *t)
{
	*t->pte = t->orig;
	invlpg(t->a);
}

unsigned char tlb_read(const struct tlb_pages *t)
{
	return *(volatile unsigned char *)t->a;
}

/* A must-invalidate check: the next read sees B. */
bool tlb_expect_new(const struct tlb_pages *t, const char *what)
{
	unsigned char v = tlb_read(t);

	return report(v == 0xbb, "%s: the new translation is used (read %#x, A=0xaa B=0xbb)", what, v);
}

/* A may-keep check: both allowed; say which. */
void tlb_info_either(const struct tlb_pages *t, const char *what)
{
	unsigned char v = tlb_read(t);

	report_info("%s: %s translation used (read %#x; both allowed, SDM 3A 4.10.4.3)", what,
		    v == 0xaa ? "the stale" : v == 0xbb ? "the new" : "an unexpected", v);
}

