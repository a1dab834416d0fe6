/*
 * mte: the Memory Tagging Extension at EL1 (Arm ARM DDI 0487, D10 "The
 * Memory Tagging Extension"; instructions in C6; SCTLR_EL1, GCR_EL1,
 * TFSR_EL1 in D23/D24). QEMU: `-machine virt,mte=on -cpu max`, TCG only.
 *   ids      ID_AA64PFR1_EL1.MTE >= 2 (FEAT_MTE2: tag checks), else SKIP
 *   irg      IRG honours GCR_EL1.Exclude and its register mask; all
 *            excluded gives tag 0
 *   addg     ADDG adds to the address and to the tag
 *   stg/ldg  STG sets one granule's allocation tag, LDG reads it back, the
 *            next granule keeps its own; with SCTLR_EL1.ATA=0 tag accesses
 *            do nothing and LDG reads 0
 *   sync     SCTLR_EL1.TCF=1: a store through a pointer whose tag differs
 *            from the granule's faults before it is done (EC 0x25, DFSC
 *            0x11, FAR the address); a matching tag does not; TCF=0 and
 *            PSTATE.TCO=1 make the access unchecked
 *            a mismatched load faults too (WnR=0)
 *   el0      SCTLR_EL1.TCF0 controls EL0 (EC 0x24), TCF does not
 *   async    TCF=2: no exception, TFSR_EL1.TF0 records the fault
 * All RAM becomes Normal Tagged by rewriting the MAIR attribute the library
 * maps it with (WB either way, so no mismatched attributes); every
 * allocation tag starts at 0 and untagged pointers carry tag 0, so the rest
 * of the program keeps running with checks on.
 */
#include "hvut.h"
#include <asm/sysreg.h>

/* One macro level more, so the S3_... encodings (not the names) reach the assembler. */
#define rd(r) read_sysreg(r)
#define wr(v, r) write_sysreg(v, r)

#define SCTLR_ATA (1UL << 43)
#define SCTLR_ATA0 (1UL << 42)
#define SCTLR_TCF0_SHIFT 38
#define SCTLR_TCF0_MASK (3UL << SCTLR_TCF0_SHIFT)
#define ESR_WNR (1UL << 6)
#define SCTLR_TCF_SHIFT 40
#define SCTLR_TCF_MASK (3UL << SCTLR_TCF_SHIFT)
#define TCR_TBI0 (1UL << 37)
#define GCR_EL1 S3_0_C1_C0_6
#define RGSR_EL1 S3_0_C1_C0_5
#define TFSR_EL1 S3_0_C5_C6_0
#define MAIR_RAM_INDEX 2           /* lib/arm64/mmu.c: ATTR_NORMAL_WB */
#define MAIR_TAGGED_NORMAL 0xf0UL  /* D8 MAIR_ELx Attr: Tagged Normal, Inner/Outer WB non-transient RW-allocate */
#define DFSC_TAG_CHECK 0x11
#define GRANULE 16

static inline uint64_t with_tag(uint64_t p, unsigned tag) { return (p & ~(0xfUL << 56)) | (uint64_t)tag << 56; }
static inline unsigned tag_of(uint64_t p) { return p >> 56 & 0xf; }

static inline uint64_t irg(uint64_t p, uint64_t exclude)
{
	uint64_t r;

	__asm__ volatile("irg %0, %1, %2" : "=r"(r) : "r"(p), "r"(exclude));
	return r;
}

static inline void stg(uint64_t p)
{
	__asm__ volatile("stg %0, [%0]" :: "r"(p) : "memory");
}

static inline unsigned ldg(uint64_t p)
{
	uint64_t r = p;

	__asm__ volatile("ldg %0, [%1]" : "+r"(r) : "r"(p) : "memory");
	return tag_of(r);
}

static void set_sctlr(unsigned long set, unsigned long clear)
{
	write_sysreg((read_sysreg(sctlr_el1) & ~clear) | set, sctlr_el1);
	isb();
}

static void set_tcf(unsigned tcf) { set_sctlr((unsigned long)tcf << SCTLR_TCF_SHIFT, SCTLR_TCF_MASK); }

static void set_tco(bool on)
{
	if (on)
		__asm__ volatile("msr tco, #1" ::: "memory");
	else
		__asm__ volatile("msr tco, #0" ::: "memory");
	isb();
}

static void store_byte(void *arg)
{
	*(volatile uint8_t *)(uintptr_t)*(uint64_t *)arg = 0x5a;
}

static void load_byte(void *arg)
{
	(void)*(volatile uint8_t *)(uintptr_t)*(uint64_t *)arg;
}

static void tagged_memory_on(void)
{
	unsigned long mair = read_sysreg(mair_el1);

	mair = (mair & ~(0xffUL << (MAIR_RAM_INDEX * 8))) | MAIR_TAGGED_NORMAL << (MAIR_RAM_INDEX * 8);
	write_sysreg(mair, mair_el1);
	write_sysreg(read_sysreg(tcr_el1) | TCR_TBI0, tcr_el1);   /* tags in pointers need Top Byte Ignore */
	isb();
	__asm__ volatile("tlbi vmalle1\n dsb nsh\n isb" ::: "memory");   /* the TLB may hold the old attributes */
	wr(0x1234UL << 8, RGSR_EL1);                          /* a non-zero IRG seed */
	set_sctlr(SCTLR_ATA, 0);
}

static void test_irg(uint64_t page)
{
	unsigned wrong = 0, seen = 0;

	report_prefix_push("irg");
	wr(0xffffUL & ~(1UL << 5), GCR_EL1);   /* only tag 5 allowed */
	isb();
	for (int i = 0; i < 16; i++)
		if (tag_of(irg(page, 0)) != 5)
			wrong++;
	report(!wrong, "GCR_EL1.Exclude leaves tag 5 only: IRG returns 5 every time (%u wrong) [DDI 0487 C6 IRG, D23 GCR_EL1]", wrong);
	report(tag_of(irg(page, 1UL << 5)) == 0, "excluded by the register operand too: IRG returns tag 0 (got %u)",
	       tag_of(irg(page, 1UL << 5)));
	wr(0, GCR_EL1);
	isb();
	for (int i = 0; i < 64; i++)
		seen |= 1U << tag_of(irg(page, 0));
	report(seen & (seen - 1), "nothing excluded: IRG gives more than one tag over 64 tries (mask %#x)", seen);
	report((irg(page, 0) & ((1UL << 56) - 1)) == page, "IRG keeps the address bits");
	report_prefix_pop();
}

static void test_addg(uint64_t page)
{
	uint64_t r;

	report_prefix_push("addg");
	__asm__ volatile("addg %0, %1, #32, #3" : "=r"(r) : "r"(with_tag(page, 14)));
	report(tag_of(r) == 1 && (r & ((1UL << 56) - 1)) == page + 32,
	       "ADDG #32, #3 on tag 14: address + 32, tag (14 + 3) mod 16 = 1 (got tag %u) [DDI 0487 C6 ADDG]", tag_of(r));
	report_prefix_pop();
}

static void test_stg_ldg(uint64_t page)
{
	report_prefix_push("stg/ldg");
	stg(with_tag(page, 7));
	report(ldg(page) == 7, "STG sets the granule's allocation tag to 7, LDG reads it (%u) [DDI 0487 C6 STG, LDG]", ldg(page));
	report(ldg(page + GRANULE) == 0, "the next granule keeps tag 0 (%u)", ldg(page + GRANULE));
	set_sctlr(0, SCTLR_ATA);
	stg(with_tag(page + GRANULE, 9));
	report(ldg(page) == 0, "SCTLR_EL1.ATA=0: LDG reads tag 0 (%u) [DDI 0487 D10 allocation tag access disabled]", ldg(page));
	set_sctlr(SCTLR_ATA, 0);
	report(ldg(page + GRANULE) == 0, "and STG did not store a tag (%u)", ldg(page + GRANULE));
	report_prefix_pop();
}

static void test_sync(uint64_t page)
{
	struct fault f;
	uint64_t bad = with_tag(page, 3), good = with_tag(page, 7);
	volatile uint8_t *mem = (volatile uint8_t *)(uintptr_t)page;
	unsigned tco;
	int ec;

	report_prefix_push("sync");
	mem[0] = 0;
	set_tcf(1);
	ec = catch_exception(store_byte, &bad, &f);
	tco = read_sysreg(S3_3_C4_C2_7) >> 25 & 1;
	set_tco(false);
	set_tcf(0);
	report(ec == EC_DABT_CUR && (f.error_code & 0x3f) == DFSC_TAG_CHECK,
	       "TCF=1: a store with tag 3 to a granule tagged 7 takes a data abort, DFSC 0x11 (EC %#x, ESR %#lx) [DDI 0487 D10 tag check fault, ISS DFSC]",
	       ec, f.error_code);
	report((f.addr & ((1UL << 56) - 1)) == page && (f.error_code & ESR_WNR),
	       "FAR holds the address (%#lx), ISS.WnR says write", f.addr);
	report(mem[0] == 0, "the store was not done: synchronous faults are precise (%#x)", mem[0]);
	/*
	 * catch_exception() returns by longjmp, not ERET: PSTATE is still what
	 * exception entry made it, and entry sets TCO (AArch64.TakeException,
	 * FEAT_MTE) so that the handler's own accesses are unchecked. Every
	 * catch below is followed by set_tco(false) for that reason.
	 */
	report(tco == 1 && !(f.aux >> 25 & 1), "exception entry set PSTATE.TCO (%u; SPSR.TCO %lu) [DDI 0487 D1 exception entry, PSTATE.TCO]",
	       tco, f.aux >> 25 & 1);
	set_tcf(1);
	ec = catch_exception(store_byte, &good, &f);
	set_tco(false);
	set_tcf(0);
	report(ec == NO_EXCEPTION && mem[0] == 0x5a, "a store with the matching tag 7 is done (%s)", exception_name(ec));
	mem[0] = 0;
	ec = catch_exception(store_byte, &bad, &f);
	set_tco(false);
	report(ec == NO_EXCEPTION && mem[0] == 0x5a, "TCF=0: no check, the mismatched store is done (%s) [DDI 0487 SCTLR_EL1.TCF]",
	       exception_name(ec));
	mem[0] = 0;
	set_tco(true);
	set_tcf(1);
	ec = catch_exception(store_byte, &bad, &f);
	set_tcf(0);
	set_tco(false);
	report(ec == NO_EXCEPTION && mem[0] == 0x5a, "PSTATE.TCO=1: the access is unchecked (%s) [DDI 0487 D10 PSTATE.TCO]",
	       exception_name(ec));
	set_tcf(1);
	ec = catch_exception(load_byte, &bad, &f);
	set_tco(false);
	set_tcf(0);
	report(ec == EC_DABT_CUR && (f.error_code & 0x3f) == DFSC_TAG_CHECK && !(f.error_code & ESR_WNR),
	       "a load with the wrong tag faults too, WnR=0 (EC %#x, ESR %#lx)", ec, f.error_code);
	report_prefix_pop();
}

/* EL0 has its own control, SCTLR_EL1.TCF0; TCF governs EL1 only (DDI 0487 SCTLR_EL1.TCF0). */
static void test_el0(uint64_t page)
{
	struct fault f;
	uint64_t bad = with_tag(page, 3);
	int ec;

	report_prefix_push("el0");
	set_sctlr(SCTLR_ATA0 | 1UL << SCTLR_TCF0_SHIFT, SCTLR_TCF0_MASK);
	ec = run_in_user(store_byte, &bad, &f);
	set_tco(false);
	report(ec == EC_DABT_LOW && (f.error_code & 0x3f) == DFSC_TAG_CHECK,
	       "TCF0=1: an EL0 store with the wrong tag takes a data abort from EL0, DFSC 0x11 (EC %#x, ESR %#lx) [DDI 0487 SCTLR_EL1.TCF0]",
	       ec, f.error_code);
	set_sctlr(0, SCTLR_TCF0_MASK);
	set_tcf(1);
	ec = run_in_user(store_byte, &bad, &f);
	set_tco(false);
	set_tcf(0);
	report(ec == NO_EXCEPTION, "TCF0=0 with TCF=1: EL0 is unchecked (%s)", exception_name(ec));
	set_sctlr(0, SCTLR_ATA0);
	report_prefix_pop();
}

static void test_async(uint64_t page)
{
	struct fault f;
	uint64_t bad = with_tag(page, 3);
	unsigned long tfsr;
	int ec;

	report_prefix_push("async");
	wr(0, TFSR_EL1);
	isb();
	set_tcf(2);
	ec = catch_exception(store_byte, &bad, &f);
	set_tco(false);
	__asm__ volatile("dsb nsh\n isb" ::: "memory");   /* D10: TFSR is synchronised by DSB + context synchronisation */
	set_tcf(0);
	tfsr = rd(TFSR_EL1);
	report(ec == NO_EXCEPTION, "TCF=2: no exception on the mismatched store (%s) [DDI 0487 SCTLR_EL1.TCF asynchronous]",
	       exception_name(ec));
	report(tfsr & 1, "TFSR_EL1.TF0 records it (TFSR %#lx) [DDI 0487 D24 TFSR_EL1]", tfsr);
	wr(0, TFSR_EL1);
	report_prefix_pop();
}

int main(int argc, char **argv, char **envp)
{
	unsigned mte = ID_FIELD(read_sysreg(id_aa64pfr1_el1), 8);
	uint64_t page;

	(void)argc, (void)argv, (void)envp;
	if (mte < 2) {
		report_skip("MTE tag checks: ID_AA64PFR1_EL1.MTE = %u (FEAT_MTE2 needs 2)", mte);
		return report_summary();
	}
	report_info("ID_AA64PFR1_EL1.MTE = %u", mte);
	page = (uintptr_t)alloc_page();
	tagged_memory_on();
	test_irg(page);
	test_addg(page);
	test_stg_ldg(page);
	test_sync(page);
	test_el0(page);
	test_async(page);
	stg(with_tag(page, 0));
	return report_summary();
}
