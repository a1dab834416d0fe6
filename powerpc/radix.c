/*
 * radix: a partition that asks for the radix MMU through client-
 * architecture-support (OV5 byte 24 0x40, byte 26 0x40 GTSE; lib/powerpc/
 * cas.c) where /chosen ibm,arch-vec-5-platform-support offers it, then
 * registers its process table with H_REGISTER_PROC_TBL (PAPR/LoPAR
 * "H_REGISTER_PROC_TBL": flags NEW | RADIX | GTSE, the table's real
 * address, page size 0, size as log2(bytes) - 12).
 *
 *   - the registration succeeds;
 *   - with LPCR[GTSE] = 1 in a radix partition, tlbie with PRS = 1 (process
 *     scoped) is a privileged, not hypervisor-privileged, instruction (Power
 *     ISA v3.1 Book III 6.10.1/5.10.1): it completes, where the same tlbie in
 *     a hashed-page-table partition is a program interrupt (powerpc/mmu.c).
 *   - translation through a radix tree of our own (PID 0, quadrant 3):
 *     a load reads the PTE's frame, a changed PTE after tlbie is seen, a
 *     missing PTE is a DSI with DSISR bit 33 and DAR = EA.
 *   - across CPUs (smp = 2; Book III "TLB Management Instructions": tlbie
 *     invalidates the matching TLB entries of every processor, and
 *     eieio; tlbsync; ptesync on the issuing processor waits until all of
 *     them have): CPU 1 holds a translation; CPU 0 changes the PTE and
 *     issues tlbie (all of PID 0, then one page, IS = 0) + eieio; tlbsync;
 *     ptesync; CPU 1's next load reads the new frame, not its stale TLB
 *     entry; CPU 0 invalidates the PTE, tlbie: CPU 1's load is a DSI.
 *   - lwarx/stwcx. on Caching Inhibited storage (a leaf with ATT = 0b11,
 *     tolerant I/O): printed, not asserted. Power ISA v3.1 Book II (Load
 *     And Reserve and Store Conditional Instructions) and Book III 7.5.3
 *     (Data Storage Interrupt, DSISR bit 37) name such storage for larx/
 *     stcx., but whether the interrupt is required or the result is
 *     implementation-specific was not confirmed from the text here, so no
 *     outcome is checked (docs/ppc64.md).
 */
#include "hvut.h"
#include "alloc.h"
#include "devicetree.h"
#include <asm/cas.h>
#include <asm/hcall.h>
#include <asm/processor.h>

#define H_REGISTER_PROC_TBL 0x37c
#define H_MULTI_THREADS_ACTIVE (-9005)
#define PROC_TABLE_NEW 0x18
#define PROC_TABLE_RADIX 0x04
#define PROC_TABLE_GTSE 0x01

static bool radix_offered(void)
{
	int chosen = fdt_path_offset("/chosen"), len = 0;
	const uint8_t *v5 = chosen >= 0 ? fdt_getprop(chosen, "ibm,arch-vec-5-platform-support", &len) : NULL;

	/* (byte index, value) pairs; byte 24 is the MMU: 0x40 radix, 0x80 hash, 0xc0 either. */
	for (int i = 0; v5 && i + 1 < len; i += 2)
		if (v5[i] == OV5_BYTE_MMU && (v5[i + 1] & OV5_MMU_RADIX))
			return true;
	return false;
}

static void do_tlbie_prs(void *a)
{
	(void)a;
	/*
	 * tlbie RB, RS, RIC = 0, PRS = 1, R = 1: IS = 0b11 in RB (all entries of
	 * PID RS), PID 0. Encoded by hand: tlbie RB=r3, RS=r4 with RIC/PRS/R
	 * (X-form 31/306: RS 6:10, RIC 12:13, PRS 14, R 15, RB 16:20).
	 */
	__asm__ volatile("li 3, 0xc00\n\tli 4, 0\n\tptesync\n\t"
			 ".long (31 << 26) | (4 << 21) | (1 << 17) | (1 << 16) | (3 << 11) | (306 << 1)\n\t"
			 "eieio\n\ttlbsync\n\tptesync" ::: "r3", "r4", "memory");
}

/*
 * A radix tree of our own for PID 0 (Book III 6.7.10 "Radix Tree
 * Translation"; entries are big-endian whatever MSR[LE]): 52-bit EAs, levels
 * of 13, 9, 9 and 9 bits, 4 KiB pages. Quadrant 3 EAs (0xc...) translate
 * with PID 0, the process table's entry 0.
 */
#define PTE_V (1UL << 63)
#define PTE_L (1UL << 62)           /* leaf */
#define PTE_R (1UL << 8)            /* bit 55 */
#define PTE_C (1UL << 7)            /* bit 56 */
#define PTE_EAA_READ (1UL << 2)     /* bit 61 */
#define PTE_EAA_RW (1UL << 1)       /* bit 62 */
#define RADIX_EA 0xc000000012345000UL
#define DSI 0x300
#define DSISR_NOPTE 0x40000000UL

static void put_be64(volatile uint64_t *p, uint64_t v)
{
	volatile uint8_t *b = (volatile uint8_t *)p;

	for (int i = 0; i < 8; i++)
		b[i] = (uint8_t)(v >> (56 - 8 * i));
}

#define LEAF(frame) (PTE_V | PTE_L | (unsigned long)(frame) | PTE_R | PTE_C | PTE_EAA_READ | PTE_EAA_RW)

static uint64_t *level[4];      /* root (2^13 entries), then 2^9 each */

/* Builds the PDEs down to the last level for ea; returns the leaf slot. */
static volatile uint64_t *leaf_slot(unsigned long ea)
{
	static const int bits[4] = { 13, 9, 9, 9 };
	unsigned long idx[4];
	int shift = 52;

	for (int i = 0; i < 4; i++) {
		shift -= bits[i];
		idx[i] = (ea >> shift) & ((1UL << bits[i]) - 1);
	}
	for (int i = 0; i < 3; i++)   /* PDE: V, next level base, next level size (bits it translates) */
		put_be64(&level[i][idx[i]], PTE_V | (unsigned long)level[i + 1] | (unsigned long)bits[i + 1]);
	return &level[3][idx[3]];
}

static volatile uint64_t radix_loaded;
static void radix_load(void *a)
{
	unsigned long msr = mfmsr(), v;

	__asm__ volatile("mtmsrd %2\n\tld %0, 0(%1)\n\tmtmsrd %3" : "=&r"(v) : "b"(a), "r"(msr | MSR_DR), "r"(msr)
			 : "memory");
	radix_loaded = v;
}

static void tlbie_all_pid0(void)
{
	do_tlbie_prs(NULL);
}

/* tlbie of one 4 KiB page of PID 0 (IS = 0, AP = 0: RB = EPN | IS | AP), RIC = 0, PRS = 1, R = 1. */
static void tlbie_page_pid0(unsigned long ea)
{
	register unsigned long rb __asm__("r3") = ea & ~0xfffUL;

	__asm__ volatile("li 4, 0\n\tptesync\n\t"
			 ".long (31 << 26) | (4 << 21) | (1 << 17) | (1 << 16) | (3 << 11) | (306 << 1)\n\t"
			 "eieio\n\ttlbsync\n\tptesync" :: "r"(rb) : "r4", "memory");
}

struct remote_load {
	unsigned long ea;
	int vec;
	struct fault f;
};

static void remote_load(void *arg)
{
	struct remote_load *r = arg;

	r->vec = catch_exception(radix_load, (void *)r->ea, &r->f);
}

static void across_cpus(volatile uint64_t *slot, volatile uint64_t *frame_a, volatile uint64_t *frame_b)
{
	struct remote_load r = { .ea = RADIX_EA };

	report_prefix_push("across CPUs");
	if (nr_cpus() < 2) {
		report_skip("tlbie across CPUs: needs 2 CPUs (smp = 2)");
		report_prefix_pop();
		return;
	}
	/* The slot maps frame B now: CPU 1 loads through it, its TLB caches B. */
	on_cpu(1, remote_load, &r);
	report(r.vec == NO_EXCEPTION && radix_loaded == frame_b[0],
	       "CPU 1 translates through the same process table: frame B (%#lx, %s)",
	       radix_loaded, r.vec == NO_EXCEPTION ? "no interrupt" : exception_name(r.vec));

	put_be64(slot, LEAF(frame_a));
	__asm__ volatile("ptesync" ::: "memory");
	tlbie_all_pid0();
	on_cpu(1, remote_load, &r);
	report(r.vec == NO_EXCEPTION && radix_loaded == frame_a[0],
	       "CPU 0 points the PTE at frame A, tlbie (PID 0) + eieio; tlbsync; ptesync: CPU 1 reads frame A (%#lx) [Book III TLB Management Instructions: tlbie]",
	       radix_loaded);

	put_be64(slot, LEAF(frame_b));
	__asm__ volatile("ptesync" ::: "memory");
	tlbie_page_pid0(RADIX_EA);
	on_cpu(1, remote_load, &r);
	report(r.vec == NO_EXCEPTION && radix_loaded == frame_b[0],
	       "back to frame B, tlbie of the one page (IS = 0): CPU 1 reads frame B (%#lx)", radix_loaded);

	put_be64(slot, 0);
	__asm__ volatile("ptesync" ::: "memory");
	tlbie_page_pid0(RADIX_EA);
	on_cpu(1, remote_load, &r);
	report(r.vec == DSI && (r.f.aux & DSISR_NOPTE) && r.f.addr == RADIX_EA,
	       "the PTE invalidated, tlbie of the page: CPU 1's load is a DSI, DSISR bit 33 (%s, DSISR %#lx, DAR %#lx) [Book III 7.5.3]",
	       r.vec == NO_EXCEPTION ? "no interrupt" : exception_name(r.vec), r.f.aux, r.f.addr);
	report_prefix_pop();
}

#define PTE_ATT_TOLERANT_IO (3UL << 4)   /* bits 58:59 = 0b11: caching inhibited, not guarded */

struct ci_access {
	unsigned long ea, cr, value;
};

static void larx_stcx_dr(void *arg)
{
	struct ci_access *a = arg;
	unsigned long msr = mfmsr(), v, cr;

	__asm__ volatile("mtmsrd %3\n\tlwarx %0, 0, %2\n\tstwcx. %0, 0, %2\n\tmfcr %1\n\tmtmsrd %4"
			 : "=&r"(v), "=&r"(cr) : "b"(a->ea), "r"(msr | MSR_DR), "r"(msr) : "cr0", "memory");
	a->value = v;
	a->cr = cr;
}

static void caching_inhibited(volatile uint64_t *frame)
{
	unsigned long ea = RADIX_EA + 0x2000;
	struct ci_access a = { .ea = ea };
	struct fault f;
	int vec;

	put_be64(leaf_slot(ea), LEAF(frame) | PTE_ATT_TOLERANT_IO);
	__asm__ volatile("ptesync" ::: "memory");
	tlbie_all_pid0();
	vec = catch_exception(larx_stcx_dr, &a, &f);
	if (vec == NO_EXCEPTION)
		report_info("lwarx/stwcx. on Caching Inhibited storage (radix ATT 0b11): no interrupt, stwcx. CR0.EQ %lu (printed, not asserted: docs/ppc64.md)",
			    (a.cr >> 29) & 1);
	else
		report_info("lwarx/stwcx. on Caching Inhibited storage (radix ATT 0b11): %s at %#lx, DSISR %#lx (printed, not asserted: docs/ppc64.md)",
			    exception_name(vec), (unsigned long)f.pc, f.aux);
}

static void translate(void *table)
{
	volatile uint64_t *frame_a = alloc_page(), *frame_b = alloc_page(), *slot;
	struct fault f;
	int vec;

	level[0] = alloc_pages(4);   /* 8192 x 8 bytes, aligned to its size */
	for (int i = 1; i < 4; i++)
		level[i] = alloc_page();
	assert(level[0] && level[1] && level[2] && level[3] && frame_a && frame_b);
	memset(level[0], 0, 65536);
	for (int i = 1; i < 4; i++)
		memset(level[i], 0, 4096);
	frame_a[0] = 0xa1a2a3a4a5a6a7a8UL;
	frame_b[0] = 0xb1b2b3b4b5b6b7b8UL;
	/*
	 * Process table entry 0, dword 0: RTS = 52 - 31 = 21 split as bits 1:2
	 * (21 >> 3) and 56:58 (21 & 7), the root's base, RPDS = log2(8192).
	 */
	put_be64((volatile uint64_t *)table, (2UL << 61) | (unsigned long)level[0] | (5UL << 5) | 13);
	slot = leaf_slot(RADIX_EA);
	put_be64(slot, PTE_V | PTE_L | (unsigned long)frame_a | PTE_R | PTE_C | PTE_EAA_READ | PTE_EAA_RW);
	__asm__ volatile("ptesync" ::: "memory");
	tlbie_all_pid0();

	vec = catch_exception(radix_load, (void *)RADIX_EA, &f);
	report(vec == NO_EXCEPTION && radix_loaded == frame_a[0],
	       "a load with MSR[DR] = 1 at %#lx reads the frame its radix PTE names (%#lx, %s) [Book III 6.7.10]",
	       RADIX_EA, radix_loaded, vec == NO_EXCEPTION ? "no interrupt" : exception_name(vec));

	put_be64(slot, PTE_V | PTE_L | (unsigned long)frame_b | PTE_R | PTE_C | PTE_EAA_READ | PTE_EAA_RW);
	__asm__ volatile("ptesync" ::: "memory");
	tlbie_all_pid0();
	vec = catch_exception(radix_load, (void *)RADIX_EA, &f);
	report(vec == NO_EXCEPTION && radix_loaded == frame_b[0],
	       "the PTE changed to another frame, tlbie + ptesync: the load reads the new frame (%#lx) [Book III 6.10.1]",
	       radix_loaded);

	vec = catch_exception(radix_load, (void *)(RADIX_EA + 0x1000), &f);
	report(vec == DSI && (f.aux & DSISR_NOPTE) && f.addr == RADIX_EA + 0x1000,
	       "the next page has no PTE: DSI, DSISR bit 33, DAR = EA (%s, DSISR %#lx, DAR %#lx) [Book III 7.5.3]",
	       vec == NO_EXCEPTION ? "no interrupt" : exception_name(vec), f.aux, f.addr);

	caching_inhibited(frame_a);
	across_cpus(slot, frame_a, frame_b);
}

int main(int argc, char **argv, char **envp)
{
	uint8_t ov5[OV5_BYTE_RADIX_EXT] = { 0 };
	void *table = alloc_page();
	struct fault f;
	long rc;
	int vec;

	(void)argc, (void)argv, (void)envp;
	if (!radix_offered()) {
		report_skip("radix: /chosen ibm,arch-vec-5-platform-support does not offer it (byte 24)");
		return report_summary();
	}
	ov5[OV5_BYTE_MMU - 1] = OV5_MMU_RADIX;
	ov5[OV5_BYTE_RADIX_EXT - 1] = OV5_RADIX_GTSE;
	/*
	 * With smp = 2, QEMU 10.0 refuses the MMU change with -9005 (its "other
	 * threads active") unless CPU 1 is halted, which it is once back in its
	 * idle H_CEDE: retry for up to 10 s of timebase, spent only on refusal.
	 */
	for (uint64_t end = mftb() + 10 * tb_hz;;) {
		rc = cas_negotiate(ov5, sizeof(ov5));
		if (rc != H_MULTI_THREADS_ACTIVE || mftb() >= end)
			break;
		udelay(1000);
	}
	if (rc != H_SUCCESS) {
		report_skip("radix: client-architecture-support asking radix + GTSE failed (%ld)", rc);
		return report_summary();
	}
	memset(table, 0, 4096);
	rc = hcall(H_REGISTER_PROC_TBL, NULL, PROC_TABLE_NEW | PROC_TABLE_RADIX | PROC_TABLE_GTSE,
		   (unsigned long)table, 0, 0, 0, 0);
	report(rc == H_SUCCESS, "H_REGISTER_PROC_TBL radix + GTSE, a 4 KiB table: H_SUCCESS (%ld) [LoPAR H_REGISTER_PROC_TBL]", rc);

	vec = catch_exception(do_tlbie_prs, NULL, &f);
	report(rc == H_SUCCESS && vec == NO_EXCEPTION,
	       "radix with GTSE: a process-scoped tlbie completes (%s) [Book III 5.10.1: privileged when LPCR[GTSE] = 1]",
	       vec == NO_EXCEPTION ? "no interrupt" : exception_name(vec));
	if (rc == H_SUCCESS && vec == NO_EXCEPTION)
		translate(table);
	return report_summary();
}
