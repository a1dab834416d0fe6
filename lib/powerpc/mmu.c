/*
 * A 1:1 hashed page table mapping of the first 256 MiB, for problem state:
 * setting MSR[PR] also sets MSR[IR] and MSR[DR] (Power ISA Book III, MSR),
 * so user code always runs translated. Privileged code and every interrupt
 * handler stay in real mode (LPCR[AIL] = 0), where the mapping is not used.
 *
 * One SLB entry (ESID 0, 256 MiB segment, 64 KiB base pages: QEMU's pseries
 * offers 4K and 64K unless cap-hpt-max-page-size allows 16M) and 4096 PTEs
 * entered through H_ENTER into the hash table QEMU allocated (its size is the
 * DT's ibm,pft-size). Everything is read/write/execute for both keys (PP=0b10).
 */
#include "hvut.h"
#include "devicetree.h"
#include <asm/hcall.h>
#include <asm/processor.h>
#include <asm/smp.h>
#include "spinlock.h"

#define H_ENTER 0x08
#define VSID 0x42ULL                /* any VSID works: one segment, one partition */
#define PAGE_SHIFT_64K 16
#define SEGMENT_SIZE (256UL << 20)

/*
 * SLB entry (ISA Book III 5.7.6.1): RB = ESID | V | index; RS = B=256M | VSID
 * | L=1, LP=0b01; "L||LP" = 0x110 is the 64K encoding the DT's
 * ibm,segment-page-sizes lists, and the PTE carries 64K's encoding 1 in the
 * low RPN bits.
 */
#define SLB_V (1UL << 27)
#define SLB_VSID_SHIFT 12
#define SLB_L_LP_64K 0x110UL
#define HPTE_R_LP_64K 0x1000UL
/* HPTE (ISA Book III 5.7.7.1). */
#define HPTE_V_VALID 1UL
#define HPTE_V_LARGE 4UL
#define HPTE_R_R 0x100UL
#define HPTE_R_C 0x80UL
#define HPTE_R_M 0x10UL
#define HPTE_R_PP_RW 0x2UL

static unsigned long pteg_mask;
static bool mmu_ready;

static bool hpt_init(void)
{
	int cpus = fdt_path_offset("/cpus"), cpu;
	const void *p = NULL;
	int len;

	fdt_for_each_child(cpu, cpus)
		if ((p = fdt_getprop(cpu, "ibm,pft-size", &len)) && len == 8)
			break;
	if (!p || len != 8)
		return false;
	/* The table has 2^n bytes; a PTE group is 8 PTEs of 16 bytes. */
	pteg_mask = (1UL << (fdt_cell(p, 1) - 7)) - 1;
	for (unsigned long ea = 0; ea < SEGMENT_SIZE; ea += 1UL << PAGE_SHIFT_64K) {
		unsigned long page = ea >> PAGE_SHIFT_64K;
		/* Primary hash for a 256 MiB segment: VSID xor page index within the segment. */
		unsigned long hash = (VSID ^ page) & pteg_mask;
		unsigned long va = (VSID << 28) | ea;
		unsigned long v = ((va >> 23) << 7) | HPTE_V_LARGE | HPTE_V_VALID;
		unsigned long r = ea | HPTE_R_LP_64K | HPTE_R_R | HPTE_R_C | HPTE_R_M | HPTE_R_PP_RW;
		long rc = hcall4(H_ENTER, 0, hash * 8, v, r);

		if (rc != H_SUCCESS) {
			printf("mmu: H_ENTER for %#lx failed: %ld\n", ea, rc);
			return false;
		}
	}
	return true;
}

/*
 * Called before entering problem state: the first call fills the hash table
 * (4096 hcalls, a few hundred ms under TCG: tests that never use problem state
 * do not pay for it), and each CPU loads its SLB entry once.
 */
bool ppc_mmu_ensure(void)
{
	static struct spinlock lock;
	static bool tried;
	struct cpu *c = this_cpu();

	spin_lock(&lock);
	if (!tried)
		mmu_ready = hpt_init();
	tried = true;
	spin_unlock(&lock);
	if (mmu_ready && !c->slb_loaded) {
		__asm__ volatile("slbia; isync" ::: "memory");
		__asm__ volatile("slbmte %0, %1; isync" ::
				 "r"((VSID << SLB_VSID_SHIFT) | SLB_L_LP_64K), "r"(0UL | SLB_V | 0) : "memory");
		c->slb_loaded = true;
	}
	return mmu_ready;
}
