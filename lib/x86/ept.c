/*
 * EPT for L2: guest-physical = host-physical for the first 4 GiB, so L2 sees
 * the same memory as L1 and a test changes the permissions of the one page it
 * looks at (SDM vol. 3, "The Extended Page Table Mechanism (EPT)").
 */
#include "hvut.h"
#include <asm/processor.h>
#include <asm/vmx.h>

#define EPT_ENTRIES 512
#define EPTP_WB (6ULL << 0)          /* paging-structure memory type */
#define EPTP_WALK4 (3ULL << 3)       /* page-walk length - 1 */
#define INVEPT_SINGLE 1
#define INVEPT_ALL 2
/* Non-leaf entries allow everything; the leaf decides. XU counts only with MBEC. */
#define EPT_TABLE_PERMS (EPT_RWX | EPT_XU)

static uint64_t *table_of(uint64_t entry)
{
	return (uint64_t *)(uintptr_t)(entry & EPT_ADDR_MASK);
}

static uint64_t *new_table(void)
{
	uint64_t *t = alloc_page();

	assert(t);
	return t;
}

struct ept *ept_new(void)
{
	struct ept *e = calloc(1, sizeof(*e));
	uint64_t *pdpt;

	assert(e);
	e->pml4 = new_table();
	pdpt = new_table();
	e->pml4[0] = (uintptr_t)pdpt | EPT_TABLE_PERMS;
	for (unsigned i = 0; i < 4; i++) {
		uint64_t *pd = new_table();

		pdpt[i] = (uintptr_t)pd | EPT_TABLE_PERMS;
		for (unsigned j = 0; j < EPT_ENTRIES; j++)
			pd[j] = (((uint64_t)i << 30) | ((uint64_t)j << 21)) | EPT_TABLE_PERMS |
				(EPT_MT_WB << EPT_MT_SHIFT) | EPT_LARGE;
	}
	e->eptp = (uintptr_t)e->pml4 | EPTP_WB | EPTP_WALK4;
	return e;
}

static uint64_t *pde_of(struct ept *e, uint64_t gpa)
{
	uint64_t *pdpt = table_of(e->pml4[gpa >> 39 & 511]);
	uint64_t *pd = table_of(pdpt[gpa >> 30 & 511]);

	assert(gpa < (4ULL << 30));
	return &pd[gpa >> 21 & 511];
}

/* Replaces a 2 MiB leaf by a page table with the same mapping and permissions. */
static void split(uint64_t *pde)
{
	uint64_t *pt = new_table();
	uint64_t base = *pde & EPT_ADDR_MASK & ~((2ULL << 20) - 1);
	uint64_t flags = *pde & ~EPT_ADDR_MASK & ~EPT_LARGE;

	for (unsigned i = 0; i < EPT_ENTRIES; i++)
		pt[i] = (base + ((uint64_t)i << 12)) | flags;
	*pde = (uintptr_t)pt | EPT_TABLE_PERMS;
}

uint64_t *ept_leaf(struct ept *e, uint64_t gpa)
{
	uint64_t *pde = pde_of(e, gpa);

	if (*pde & EPT_LARGE)
		return pde;
	return &table_of(*pde)[gpa >> 12 & 511];
}

void ept_map_4k(struct ept *e, uint64_t gpa, uint64_t hpa, uint64_t flags)
{
	uint64_t *pde = pde_of(e, gpa);

	if (*pde & EPT_LARGE)
		split(pde);
	table_of(*pde)[gpa >> 12 & 511] = (hpa & EPT_ADDR_MASK) | flags;
}

void ept_map_2m(struct ept *e, uint64_t gpa, uint64_t hpa, uint64_t flags)
{
	/* A page table under this entry is left allocated: tests map few pages. */
	*pde_of(e, gpa) = (hpa & EPT_ADDR_MASK & ~((2ULL << 20) - 1)) | flags | EPT_LARGE;
}

void ept_unmap(struct ept *e, uint64_t gpa)
{
	*ept_leaf(e, gpa) = 0;
}

uint64_t ept_set_perms(struct ept *e, uint64_t gpa, uint64_t perms)
{
	uint64_t *leaf = ept_leaf(e, gpa);
	uint64_t old = *leaf;

	*leaf = (old & ~(EPT_RWX | EPT_XU)) | perms;
	return old;
}

void ept_flush(struct ept *e)
{
	ept_flush_eptp(e->eptp);
}

void ept_flush_eptp(uint64_t eptp)
{
	uint64_t cap = vmx_cap(MSR_IA32_VMX_EPT_VPID_CAP);
	enum vmx_status st;
	char buf[100];

	if (cap & EPT_CAP_INVEPT_SINGLE)
		st = invept(INVEPT_SINGLE, eptp);
	else
		st = invept(INVEPT_ALL, 0);
	if (st != VMX_OK)
		report_fail("INVEPT: %s", vmx_status_str(st, buf, sizeof(buf)));
}

void ept_enable(struct ept *e)
{
	vmwrite(EPT_POINTER, e->eptp);
	vmx_set_ctl(CPU_CONTROLS, CPU_SECONDARY, 0);
	vmx_set_ctl(CPU_CONTROLS2, CPU2_EPT, 0);
}

const char *ept_qual_str(uint64_t qual, bool mbec, char *buf, unsigned size)
{
	static const char *const names[] = {
		"read", "write", "fetch", "readable", "writable",
		NULL /* 5: named below */, NULL /* 6: MBEC only */, "GLA-valid", "GLA-translation",
	};
	unsigned n = snprintf(buf, size, "%#lx [", (unsigned long)qual);

	for (unsigned b = 0; b < 17 && n < size; b++) {
		const char *name = b < ARRAY_SIZE(names) ? names[b] : NULL;

		if (!(qual & (1ULL << b)))
			continue;
		if (b == 5)
			name = mbec ? "supervisor-executable" : "executable";
		else if (b == 6)
			name = mbec ? "user-executable" : "bit6(undefined without MBEC)";
		else if (b == 9)
			name = "user-mode-linear";
		else if (b == 10)
			name = "writable-linear";
		else if (b == 11)
			name = "execute-disable-linear";
		else if (b == 12)
			name = "NMI-unblocking";
		else if (b == 13)
			name = "shadow-stack-access";
		else if (!name)
			name = b == 14 ? "supervisor-shadow-stack" : b == 15 ? "paging-verification" : "asynchronous";
		n += snprintf(buf + n, size - n, "%s%s", n > 1 && buf[n - 1] != '[' ? " " : "", name);
	}
	if (n < size)
		snprintf(buf + n, size - n, "]");
	return buf;
}
