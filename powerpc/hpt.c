/*
 * hpt: the hashed page table hcalls (PAPR/LoPAR "Page Frame Table Access"
 * hcalls: H_ENTER, H_READ, H_REMOVE, H_PROTECT, H_BULK_REMOVE, their flags
 * H_EXACT, H_READ_4, H_AVPN and return codes H_PTEG_FULL, H_NOT_FOUND,
 * H_PARAMETER) and what the translation then does (Power ISA v3.1 Book III
 * 5.7.7 "Page Table", 5.7.13 "Storage Protection", 7.5.3 "Data Storage
 * Interrupt": DSISR bit 33 no translation, bit 36 protection, bit 38 store).
 *
 * One 4 KiB page of a segment nothing else uses (ESID 1, EA 0x10000000, its
 * own VSID, SLB entry 1) is mapped, read back, accessed with MSR[DR] = 1
 * (instruction fetch stays untranslated), protected, removed; then a PTE
 * group is filled to H_PTEG_FULL and emptied with H_BULK_REMOVE. A load
 * from a segment without an SLB entry is a Data Segment interrupt (7.5.4).
 */
#include "hvut.h"
#include "alloc.h"
#include "devicetree.h"
#include <asm/hcall.h>
#include <asm/processor.h>

#define H_REMOVE 0x04
#define H_ENTER 0x08
#define H_READ 0x0c
#define H_PROTECT 0x18
#define H_BULK_REMOVE 0x124
#define H_PTEG_FULL (-6)
#define H_NOT_FOUND (-7)
#define H_EXACT (1UL << (63 - 24))
#define H_READ_4 (1UL << (63 - 26))
#define H_AVPN (1UL << (63 - 32))
#define H_PP1 (1UL << (63 - 62))
#define H_PP2 (1UL << (63 - 63))
/* H_BULK_REMOVE translation specifier high bits: type, response code, flags. */
#define BULK_REQUEST (1UL << 62)
#define BULK_RESPONSE (2UL << 62)
#define BULK_END (3UL << 62)
#define BULK_TYPE(x) ((x) >> 62)
#define BULK_CODE(x) (((x) >> 60) & 3)   /* 0 success, 1 not found, 2 parameter, 3 hardware */

#define VSID 0x777UL
#define ESID 1UL
#define EA (0x10000000UL + 0x5000)
#define SLB_V (1UL << 27)
#define HPTE_V_VALID 1UL
#define HPTE_V_SW 0x78UL   /* dword 0 bits 57:60: software (QEMU keeps a lock/dirty bit there) */
#define HPTE_R_R 0x100UL
#define HPTE_R_C 0x80UL
#define HPTE_R_M 0x10UL
#define HPTE_R_PP 0x3UL
#define DSISR_NOHPTE 0x40000000UL
#define DSISR_PROTFAULT 0x08000000UL
#define DSISR_STORE 0x02000000UL

static unsigned long nr_ptegs;

static bool pft_init(void)
{
	int cpus = fdt_path_offset("/cpus"), cpu;
	const void *p = NULL;
	int len = 0;

	fdt_for_each_child(cpu, cpus)
		if ((p = fdt_getprop(cpu, "ibm,pft-size", &len)) && len == 8)
			break;
	if (!p || len != 8)
		return false;
	nr_ptegs = 1UL << (fdt_cell(p, 1) - 7);   /* 2^n bytes, 128-byte groups */
	return true;
}

static unsigned long hpte_v(unsigned long ea)
{
	unsigned long va = (VSID << 28) | (ea & 0x0fffffff);

	return ((va >> 23) << 7) | HPTE_V_VALID;   /* AVA in dword 0, 256 MiB segment (B = 0) */
}

static unsigned long pteg_of(unsigned long ea)
{
	return ((VSID ^ ((ea & 0x0fffffff) >> 12)) & (nr_ptegs - 1)) * 8;   /* primary hash, 4 KiB pages */
}

/* Runs one load or store at EA with MSR[DR] = 1 (the catch restores the MSR if it faults). */
static volatile unsigned long loaded;
static void dr_load(void *arg)
{
	unsigned long msr = mfmsr(), v;

	(void)arg;
	__asm__ volatile("mtmsrd %2\n\tld %0, 0(%1)\n\tmtmsrd %3" : "=&r"(v) : "b"(EA), "r"(msr | MSR_DR), "r"(msr)
			 : "memory");
	loaded = v;
}

static void dr_store(void *arg)
{
	unsigned long msr = mfmsr();

	__asm__ volatile("mtmsrd %1\n\tstd %2, 0(%0)\n\tmtmsrd %3" :: "b"(EA), "r"(msr | MSR_DR),
			 "r"((unsigned long)arg), "r"(msr) : "memory");
}

/* A load with MSR[DR] = 1 from a segment no SLB entry maps (ESID 2). */
#define EA_NO_SLB 0x20000040UL
static void dr_load_no_slb(void *arg)
{
	unsigned long msr = mfmsr(), v;

	(void)arg;
	__asm__ volatile("mtmsrd %2\n\tld %0, 0(%1)\n\tmtmsrd %3" : "=&r"(v) : "b"(EA_NO_SLB), "r"(msr | MSR_DR),
			 "r"(msr) : "memory");
	loaded = v;
}

static void segment_miss(void)
{
	struct fault f;
	int vec = catch_exception(dr_load_no_slb, NULL, &f);

	report(vec == 0x380 && f.addr == EA_NO_SLB,
	       "a translated load from a segment with no SLB entry: Data Segment interrupt 0x380, DAR = EA "
	       "(%#x, DAR %#lx) [Book III 7.5.4]", vec, f.addr);
}

static void enter_read_access(volatile unsigned long *page, unsigned long v, unsigned long r, unsigned long *slot)
{
	unsigned long out[6] = { 0 }, base = pteg_of(EA);
	struct fault f;
	long rc;
	int vec;

	rc = hcall(H_ENTER, out, 0, base, v, r, 0, 0);
	*slot = out[0];
	report(rc == H_SUCCESS && out[0] >= base && out[0] < base + 8,
	       "H_ENTER: H_SUCCESS, the PTE index it returns is in the group (rc %ld, ptex %#lx, group %#lx)", rc, out[0],
	       base);
	rc = hcall(H_READ, out, 0, *slot, 0, 0, 0, 0);
	report(rc == H_SUCCESS && (out[0] & ~HPTE_V_SW) == v && (out[1] & ~(HPTE_R_R | HPTE_R_C)) == (r & ~(HPTE_R_R | HPTE_R_C)),
	       "H_READ returns the PTE entered, software bits aside (rc %ld, v %#lx, r %#lx)", rc, out[0], out[1]);
	rc = hcall(H_READ, out, H_READ_4, *slot, 0, 0, 0, 0);
	report(rc == H_SUCCESS && (out[(*slot & 3) * 2] & ~HPTE_V_SW) == v,
	       "H_READ with H_READ_4: four PTEs from ptex & ~3, ours among them (rc %ld)", rc);
	rc = hcall(H_READ, out, 0, nr_ptegs * 8, 0, 0, 0, 0);
	report(rc == H_PARAMETER, "H_READ past the table: H_PARAMETER (%ld)", rc);
	page[0] = 0x1122334455667788UL;
	vec = catch_exception(dr_load, NULL, &f);
	report(vec == NO_EXCEPTION && loaded == page[0], "a translated load reads the mapped page (%#lx, vector %#x)",
	       loaded, vec);
	vec = catch_exception(dr_store, (void *)0xcafef00dUL, &f);
	report(vec == NO_EXCEPTION && page[0] == 0xcafef00dUL, "a translated store writes it (%#lx, vector %#x)",
	       page[0], vec);
}

static void protect(unsigned long v, unsigned long slot)
{
	unsigned long out[6] = { 0 };
	struct fault f;
	long rc;
	int vec;

	report_prefix_push("H_PROTECT");
	rc = hcall(H_PROTECT, out, H_AVPN | H_PP1 | H_PP2, slot, (v & ~0x7fUL) ^ 0x80, 0, 0, 0);
	report(rc == H_NOT_FOUND, "with H_AVPN and another AVPN: H_NOT_FOUND (%ld)", rc);
	rc = hcall(H_PROTECT, out, H_PP1 | H_PP2, slot, 0, 0, 0, 0);
	report(rc == H_SUCCESS, "PP = 0b11: H_SUCCESS (%ld)", rc);
	hcall(H_READ, out, 0, slot, 0, 0, 0, 0);
	report((out[1] & HPTE_R_PP) == 3, "H_READ shows PP = 0b11 (r %#lx)", out[1]);
	vec = catch_exception(dr_store, (void *)1UL, &f);
	report(vec == 0x300 && f.addr == EA && (f.aux & DSISR_PROTFAULT) && (f.aux & DSISR_STORE),
	       "a store is a Data Storage interrupt, DAR = EA, DSISR protection|store (%#x, DAR %#lx, DSISR %#lx) "
	       "[Book III 5.7.13: key 0, PP 0b11 is read-only]", vec, f.addr, f.aux);
	vec = catch_exception(dr_load, NULL, &f);
	report(vec == NO_EXCEPTION, "a load still works (%#x)", vec);
	report_prefix_pop();
}

static void remove(unsigned long v, unsigned long slot)
{
	unsigned long out[6] = { 0 };
	struct fault f;
	long rc;
	int vec;

	report_prefix_push("H_REMOVE");
	rc = hcall(H_REMOVE, out, H_AVPN, slot, (v & ~0x7fUL) ^ 0x80, 0, 0, 0);
	report(rc == H_NOT_FOUND, "with H_AVPN and another AVPN: H_NOT_FOUND, nothing removed (%ld)", rc);
	rc = hcall(H_REMOVE, out, H_AVPN, slot, v & ~0x7fUL, 0, 0, 0);
	report(rc == H_SUCCESS && (out[0] & ~HPTE_V_SW) == v, "with the right AVPN: H_SUCCESS, returns the old PTE (%ld, v %#lx)", rc,
	       out[0]);
	hcall(H_READ, out, 0, slot, 0, 0, 0, 0);
	report(!(out[0] & HPTE_V_VALID), "H_READ: the slot is invalid (v %#lx)", out[0]);
	vec = catch_exception(dr_load, NULL, &f);
	report(vec == 0x300 && f.addr == EA && (f.aux & DSISR_NOHPTE),
	       "a load is a Data Storage interrupt, DSISR bit 33 no translation (%#x, DAR %#lx, DSISR %#lx) "
	       "[Book III 7.5.3]", vec, f.addr, f.aux);
	rc = hcall(H_REMOVE, out, 0, slot, 0, 0, 0, 0);
	report(rc == H_NOT_FOUND, "again: H_NOT_FOUND (%ld)", rc);
	report_prefix_pop();
}

/* Fills EA's group, checks H_EXACT and H_PTEG_FULL, then empties it with H_BULK_REMOVE. */
static void full_group(unsigned long v, unsigned long r)
{
	unsigned long out[6] = { 0 }, base = pteg_of(EA), slots[8], a[8];
	int n = 0, removed = 0, bad = 0;
	long rc;

	report_prefix_push("group");
	while (n < 8 && hcall(H_ENTER, out, 0, base, v, r, 0, 0) == H_SUCCESS)
		slots[n++] = out[0];
	rc = hcall(H_ENTER, out, 0, base, v, r, 0, 0);
	report(n == 8 && rc == H_PTEG_FULL, "8 H_ENTERs fill the group, the 9th is H_PTEG_FULL (%d, %ld)", n, rc);
	rc = hcall(H_ENTER, out, H_EXACT, base + 3, v, r, 0, 0);
	report(rc == H_PTEG_FULL, "H_EXACT at an occupied slot: H_PTEG_FULL (%ld)", rc);
	for (int i = 0; i < n; i += 4) {
		for (int j = 0; j < 4; j++) {
			a[2 * j] = i + j < n ? BULK_REQUEST | slots[i + j] : BULK_END;
			a[2 * j + 1] = 0;
		}
		rc = hcall8(H_BULK_REMOVE, a);
		for (int j = 0; j < 4 && i + j < n; j++) {
			if (rc == H_SUCCESS && BULK_TYPE(a[2 * j]) == 2 && BULK_CODE(a[2 * j]) == 0)
				removed++;
			else
				bad++;
		}
	}
	report(removed == n && !bad, "H_BULK_REMOVE of the 8 (two batches of 4): each answered RESPONSE/SUCCESS (%d)",
	       removed);
	for (int j = 0; j < 4; j++) {
		a[2 * j] = j == 0 ? BULK_REQUEST | slots[0] : BULK_END;
		a[2 * j + 1] = 0;
	}
	rc = hcall8(H_BULK_REMOVE, a);
	report(rc == H_SUCCESS && BULK_TYPE(a[0]) == 2 && BULK_CODE(a[0]) == 1,
	       "H_BULK_REMOVE of an empty slot: its response code is NOT_FOUND (rc %ld, %#lx)", rc, a[0]);
	rc = hcall(H_ENTER, out, H_EXACT, base + 3, v, r, 0, 0);
	report(rc == H_SUCCESS && out[0] == base + 3, "H_EXACT at a free slot uses that slot (%ld, %#lx)", rc, out[0]);
	hcall(H_REMOVE, out, 0, base + 3, 0, 0, 0, 0);
	report_prefix_pop();
}

int main(int argc, char **argv, char **envp)
{
	volatile unsigned long *page = alloc_page();
	unsigned long v = hpte_v(EA), r, slot = 0;

	(void)argc;
	(void)argv;
	(void)envp;
	report_prefix_push("hpt");
	if (!pft_init()) {
		report_skip("hashed page table: no ibm,pft-size in /cpus (radix-only guest)");
		return report_summary();
	}
	assert(page && !((unsigned long)page & 0xfff));
	r = (unsigned long)page | HPTE_R_R | HPTE_R_C | HPTE_R_M | 0x2;
	/* SLB entry 1: ESID 1 valid, VSID, 4 KiB base pages (L = 0), keys Ks = Kp = 0. */
	__asm__ volatile("slbmte %0, %1; isync" :: "r"(VSID << 12), "r"((ESID << 28) | SLB_V | 1) : "memory");
	enter_read_access(page, v, r, &slot);
	protect(v, slot);
	remove(v, slot);
	full_group(v, r);
	segment_miss();
	report_prefix_pop();
	return report_summary();
}
