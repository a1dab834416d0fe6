/*
 * A private paging hierarchy for the paging tests. The boot hierarchy maps
 * 4 GiB 1:1 as user pages; here the 1:1 map is reached through a supervisor
 * root entry (so SMEP and SMAP can be on while hvut's own code runs), a user
 * region holds the CPL3 stub and its stack, and one target page is reached
 * through tables of its own, whose entries the tests rewrite:
 *
 *   4-level: root[0] -> boot PDPT (1:1, supervisor)   root[1] -> target walk
 *            root[2] -> user code and stack
 *   5-level: PML5[0] -> the 4-level root               PML5[1] -> target walk
 *
 * Every table is identity-mapped RAM below 4 GiB.
 */
#include "hvut.h"
#include <asm/desc.h>
#include <asm/paging.h>
#include <asm/processor.h>
#include <asm/vm.h>

#define USER_REGION (2ULL << 39)

static uint64_t *new_table(void)
{
	uint64_t *t = alloc_page();

	assert(t);
	return t;
}

void pg_space_init(struct pg_space *s, int levels)
{
	uint64_t *root4 = new_table();
	uint64_t *u3 = new_table(), *u2 = new_table(), *u1 = new_table();
	char *code = alloc_page(), *stack = alloc_page();

	memset(s, 0, sizeof(*s));
	s->levels = levels;
	s->page = alloc_page();
	assert(code && stack && s->page);
	uint64_t *id3 = new_table();

	/*
	 * Our own 1:1 map of 4 GiB in 2 MiB pages, with protection key 15 (used
	 * only here) so a test can deny every other key through PKRU/IA32_PKRS
	 * while hvut's code, stacks and descriptor tables stay reachable.
	 */
	for (int i = 0; i < 4; i++) {
		uint64_t *pd = new_table();

		id3[i] = (uintptr_t)pd | PTE_ALLOW;
		for (uint64_t j = 0; j < 512; j++)
			pd[j] = ((uint64_t)i << 30 | j << 21) | PTE_ALLOW | PTE_PS | PG_HARNESS_KEY;
	}
	root4[0] = (uintptr_t)id3 | PTE_P | PTE_RW;
	root4[2] = (uintptr_t)u3 | PTE_ALLOW;
	u3[0] = (uintptr_t)u2 | PTE_ALLOW;
	u2[0] = (uintptr_t)u1 | PTE_ALLOW;
	u1[0] = (uintptr_t)code | PTE_ALLOW | PG_HARNESS_KEY;
	u1[1] = (uintptr_t)stack | PTE_ALLOW | PG_HARNESS_KEY;
	memcpy(code, pg_user_stub, pg_user_stub_end - pg_user_stub);
	s->user_code = USER_REGION;
	s->user_stack_top = USER_REGION + 2 * PAGE_SIZE - 16;

	if (levels == 5) {
		s->root = new_table();
		s->root[0] = (uintptr_t)root4 | PTE_ALLOW;
	} else {
		s->root = root4;
	}
	s->table[levels] = s->root;
	s->idx[levels] = 1;
	for (int l = levels - 1; l >= 1; l--)
		s->table[l] = new_table();
}

uintptr_t pg_target_va(const struct pg_space *s, int leaf)
{
	uintptr_t base = s->levels == 5 ? 1ULL << 48 : 1ULL << 39;
	uintptr_t pa = (uintptr_t)s->page;

	if (leaf == PG_PD)
		return base + (pa & ((1UL << 21) - 1));
	if (leaf == PG_PDPT)
		return base + (pa & ((1UL << 30) - 1));
	return base;
}

void pg_space_set(struct pg_space *s, const struct pg_case *c)
{
	uintptr_t pa = (uintptr_t)s->page;

	for (int l = s->levels; l >= c->leaf; l--) {
		uint64_t addr;

		if (l > c->leaf)
			addr = (uintptr_t)s->table[l - 1];
		else if (l == PG_PD)
			addr = pa & ~((1UL << 21) - 1);
		else if (l == PG_PDPT)
			addr = pa & ~((1UL << 30) - 1);
		else
			addr = pa;
		s->table[l][s->idx[l]] = c->entry[l] | addr;
	}
	/* INVLPG also drops every paging-structure-cache entry (SDM 3A 4.10.4.1). */
	invlpg((void *)pg_target_va(s, c->leaf));
}

uint64_t pg_space_get(const struct pg_space *s, int level)
{
	return READ_ONCE(s->table[level][s->idx[level]]);
}

void pg_space_enter(struct pg_space *s)
{
	s->saved_cr3 = read_cr3();
	if (s->levels == 5)
		pg_switch_la57((uintptr_t)s->root, 1);
	else
		write_cr3((uintptr_t)s->root);
}

void pg_space_leave(struct pg_space *s)
{
	if (s->levels == 5)
		pg_switch_la57(s->saved_cr3, 0);
	else
		write_cr3(s->saved_cr3);
	pg_ldt_clear();
}

/*
 * An LDT at a linear address of the test's choosing, so that CPL3 code can
 * make implicit supervisor-mode accesses to it (LAR, segment loads). hvut's
 * GDT has no LDT slot: we run on a copy with one appended.
 */
static uint64_t gdt_copy[64] __attribute__((aligned(16)));
static struct descriptor_ptr saved_gdtr;
static bool on_copy;

void pg_ldt_load(uintptr_t base, unsigned limit)
{
	struct descriptor_ptr cur, gp;
	unsigned slot;

	if (!on_copy) {
		__asm__ volatile("sgdt %0" : "=m"(saved_gdtr));
		assert((size_t)saved_gdtr.limit + 1 + 16 <= sizeof(gdt_copy));
		memcpy(gdt_copy, (void *)saved_gdtr.base, saved_gdtr.limit + 1);
		on_copy = true;
	}
	slot = (saved_gdtr.limit + 1) / 8;
	/* 64-bit LDT descriptor: type 2, present, DPL0 (SDM 3A 8.2.3 / 3.5). */
	gdt_copy[slot] = (limit & 0xffff) | ((uint64_t)(base & 0xffffff) << 16) | (0x82ULL << 40) |
			 ((uint64_t)(limit >> 16 & 0xf) << 48) | ((uint64_t)(base >> 24 & 0xff) << 56);
	gdt_copy[slot + 1] = base >> 32;
	gp.limit = (slot + 2) * 8 - 1;
	gp.base = (uintptr_t)gdt_copy;
	__asm__ volatile("sgdt %0" : "=m"(cur));
	if (cur.base != gp.base || cur.limit != gp.limit)
		__asm__ volatile("lgdt %0" :: "m"(gp));
	__asm__ volatile("lldt %w0" :: "r"((uint16_t)(slot * 8)));
}

void pg_ldt_clear(void)
{
	if (!on_copy)
		return;
	__asm__ volatile("lldt %w0" :: "r"((uint16_t)0));
	__asm__ volatile("lgdt %0" :: "m"(saved_gdtr));
	on_copy = false;
}

unsigned pg_maxphyaddr(void)
{
	if (cpuid(0x80000000).a >= 0x80000008)
		return cpuid(0x80000008).a & 0xff;
	return 36;
}

static void do_write_cr3(void *arg) { write_cr3(*(unsigned long *)arg); }

/*
 * MOV to CR3/CR4 with a reserved bit must #GP (SDM 2B MOV CR). QEMU's TCG
 * hangs the vCPU instead, and KVM on TCG (CR3 writes not intercepted with
 * NPT) then fails its next VMRUN: where lib/x86/deviations.c says so the
 * check is an XFAIL that is not attempted unless `force` (a test argument)
 * asks for it.
 */
void pg_check_cr_reserved(int cr, unsigned long val, const char *what, bool force)
{
	const char *id = cr == 3 ? "cr3-reserved-bit" : "cr4-reserved-bit";
	unsigned long old = cr == 3 ? read_cr3() : read_cr4();
	int v;

	if (deviation_applies(id) && !force) {
		report_deviation(id, false, "%s: #GP (not attempted; test argument force tries)", what);
		return;
	}
	v = cr == 3 ? catch_exception(do_write_cr3, &val, NULL) : write_cr4_safe(val);
	report_deviation(id, v == GP_VECTOR && (cr == 3 ? read_cr3() : read_cr4()) == old, "%s: #GP (got %s)", what,
			 exception_name(v));
	if (cr == 3)
		write_cr3(old);
	else
		write_cr4(old);
}
