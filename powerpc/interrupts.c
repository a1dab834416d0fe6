/*
 * interrupts: what the guest's own interrupts save and set, from the Power
 * ISA v3.1 Book III chapter 7 "Interrupts":
 *   7.5   "Interrupt Definitions", figure "MSR setting due to interrupt":
 *         on entry SF = 1, EE = PR = FP = SE = BE = IR = DR = RI = 0 (AIL = 0
 *         for a pseries guest), ME unchanged, LE = the little-endian
 *         interrupt mode (H_SET_MODE made it the build's endianness);
 *   7.5.9 "Program Interrupt": SRR0 = the trap instruction, SRR1 bit 46
 *         (0x20000) for a trap, bit 44 (0x80000) for an illegal instruction;
 *         the other SRR1 bits copy the MSR; a trap whose condition is false
 *         does nothing;
 *   7.5.8 "Alignment Interrupt": lmw in little-endian mode is one; DAR =
 *         the effective address;
 *   7.5.14 "System Call Interrupt": sc 0 goes to 0xC00 with SRR0 = the
 *         instruction after sc, SRR1 33:36 and 42:47 = 0, the rest the MSR;
 *   7.5.11 "Decrementer Interrupt": a decrementer exception with MSR[EE] = 0
 *         stays pending; setting EE takes it before the next instruction,
 *         with SRR0 = that instruction.
 */
#include "hvut.h"
#include <asm/processor.h>

#define SRR1_ZERO_ON_SC 0x783f0000UL   /* SRR1 bits 33:36 and 42:47 */
/* MSR bits an interrupt copies into SRR1 and that must not change at all here. */
#define MSR_KEPT (MSR_SF | MSR_ME | MSR_LE | MSR_RI)
#define MSR_CLEARED_ON_ENTRY (MSR_EE | MSR_PR | MSR_FP | MSR_SE | MSR_IR | MSR_DR | MSR_RI)

static volatile unsigned long seen_nip, seen_srr1, seen_msr;
static volatile int hits;

/* Program interrupt handler: records SRR0/SRR1 and the MSR it runs with, skips the instruction. */
static void program_handler(struct ex_regs *r)
{
	seen_nip = r->nip;
	seen_srr1 = r->msr;
	seen_msr = mfmsr();
	hits++;
	r->nip += 4;
}

/* Runs a trap instruction; returns its address. */
#define AT_INSN(insn, ...) ({ unsigned long __a; \
	__asm__ volatile("bcl 20,31,1f\n1:\tmflr %0\n\t" insn "\n" : "=&r"(__a) : __VA_ARGS__ : "lr", "memory"); \
	__a + 4; })

static void program(void)
{
	unsigned long msr = mfmsr(), at;

	report_prefix_push("program");
	install_exception_handler(0x700, program_handler);
	hits = 0;
	at = AT_INSN("trap", "r"(0));
	report(hits == 1 && seen_nip == at && (seen_srr1 & SRR1_PROGRAM_TRAP) && !(seen_srr1 & SRR1_PROGRAM_ILLEGAL),
	       "trap: SRR0 = the trap (%#lx, want %#lx), SRR1 bit 46 (%#lx) [Book III 7.5.9]", seen_nip, at, seen_srr1);
	report((seen_srr1 & MSR_KEPT) == (msr & MSR_KEPT),
	       "SRR1 keeps the MSR's SF/ME/LE/RI (%#lx, MSR %#lx) [Book III 7.5]", seen_srr1, msr);
	/* H_SET_MODE made the interrupt endianness (ILE) the build's: MSR[LE] stays as it was. */
	report(!(seen_msr & MSR_CLEARED_ON_ENTRY) && (seen_msr & MSR_SF) && (seen_msr & MSR_LE) == (msr & MSR_LE) &&
	       (seen_msr & MSR_ME) == (msr & MSR_ME),
	       "handler MSR: EE PR FP SE IR DR RI = 0, SF = 1, LE = ILE (%lu), ME kept (%#lx) [Book III 7.5 figure]",
	       msr & MSR_LE, seen_msr);
	hits = 0;
	at = AT_INSN("tdi 4, %1, 5", "r"(4UL));   /* TO = EQ: 4 != 5 */
	report(hits == 0, "tdi EQ with unequal operands does not trap (%d) [Book II 3.3.11]", hits);
	at = AT_INSN("tdi 4, %1, 5", "r"(5UL));
	report(hits == 1 && seen_nip == at && (seen_srr1 & SRR1_PROGRAM_TRAP),
	       "tdi EQ with equal operands traps at its address (%#lx, SRR1 %#lx)", seen_nip, seen_srr1);
	hits = 0;
	at = AT_INSN("tw 16, %1, %2", "r"(-1L), "r"(1L));   /* TO = LT (signed): -1 < 1 */
	report(hits == 1 && seen_nip == at, "tw LT (signed) -1 < 1 traps");
	hits = 0;
	AT_INSN("tw 2, %1, %2", "r"(-1L), "r"(1L));           /* TO = 2: logically less than */
	report(hits == 0, "tw logically-less-than: 0xffffffff < 1 is false, no trap (%d)", hits);
	hits = 0;
	at = AT_INSN(".long 0", "r"(0));
	report(hits == 1 && seen_nip == at && (seen_srr1 & SRR1_PROGRAM_ILLEGAL),
	       "an illegal instruction (0x00000000): SRR1 bit 44 (%#lx) at its address", seen_srr1);
	install_exception_handler(0x700, NULL);
	report_prefix_pop();
}

static uint32_t words[4] __attribute__((aligned(16)));

static void do_lmw(void *arg)
{
	(void)arg;
	/*
	 * lmw 31 loads r31 only. r31 is the frame pointer, which cannot be a
	 * clobber: store its own (below 4 GiB) value first, so that an lmw that
	 * wrongly completes leaves it as it was. The assembler refuses lmw when
	 * little-endian: 0xbbe90000 is lmw 31, 0(9).
	 */
	__asm__ volatile("mr 9, %0\n\tstw 31, 0(9)\n\t.long 0xbbe90000" :: "r"(words) : "r9", "memory");
}

static void do_lwarx(void *arg)
{
	unsigned long v;

	(void)arg;
	__asm__ volatile("lwarx %0, 0, %1" : "=r"(v) : "r"((char *)words + 2) : "memory");
}

/* Book III 7.5.8: DAR = the effective address computed by the instruction. */
static void alignment(void)
{
	struct fault f;
	int v = catch_exception(do_lwarx, NULL, &f);

	report(v == 0x600 && f.addr == (unsigned long)words + 2,
	       "alignment: lwarx at an address 2 mod 4: Alignment interrupt, DAR = its address (got %#x, DAR %#lx) "
	       "[Book III 7.5.8]", v, f.addr);
	if (!(mfmsr() & MSR_LE)) {
		report_skip("alignment: lmw: only little-endian mode makes it an Alignment interrupt (MSR[LE] = 0)");
		return;
	}
	v = catch_exception(do_lmw, NULL, &f);
	report(v == 0x600, "alignment: lmw in little-endian mode is an Alignment interrupt (got %#x) [Book III 7.5.8]",
	       v);
	report_deviation("ppc-align-le-multiple-no-dar", v == 0x600 && f.addr == (unsigned long)words,
			 "alignment: lmw in little-endian mode: DAR = its address (DAR %#lx, want %#lx)", f.addr,
			 (unsigned long)words);
	report_info("alignment: DSISR %#lx (undefined for Alignment since ISA v3.0), SRR1 %#lx", f.aux, f.error_code);
}

static unsigned long sc_at;

static void do_sc(void *arg)
{
	(void)arg;
	sc_at = AT_INSN("sc", "r"(0));
}

static void system_call(void)
{
	unsigned long msr = mfmsr();
	struct fault f;
	int v;

	report_prefix_push("sc 0");
	sc_at = 0;
	v = catch_exception(do_sc, NULL, &f);
	/* The handler longjmps: AT_INSN's result was never stored, so find sc from SRR0 = sc + 4. */
	report(v == 0xc00, "sc 0 goes to the system call vector 0xC00 (got %#x) [Book III 7.5.14]", v);
	report(v == 0xc00 && *(uint32_t *)(f.pc - 4) == 0x44000002,
	       "SRR0 = the instruction after sc (the word before SRR0 is sc: %#x)", *(uint32_t *)(f.pc - 4));
	report(!(f.error_code & SRR1_ZERO_ON_SC) && (f.error_code & MSR_KEPT) == (msr & MSR_KEPT),
	       "SRR1: bits 33:36 and 42:47 clear, the rest the MSR (SRR1 %#lx, MSR %#lx)", f.error_code, msr);
	report_prefix_pop();
}

static void dec_handler(struct ex_regs *r)
{
	seen_nip = r->nip;
	seen_srr1 = r->msr;
	hits++;
	mtspr(SPR_DEC, 0x7fffffff);
}

static void decrementer(void)
{
	unsigned long off = mfmsr() & ~MSR_EE, on = off | MSR_EE, base, stop;
	uint64_t end;

	report_prefix_push("decrementer");
	irq_disable();
	install_exception_handler(0x900, dec_handler);
	hits = 0;
	mtspr(SPR_DEC, 1000);
	/* Until the DEC has run out (its top bit set), and as long again: EE = 0 keeps it pending. */
	end = mftb() + 2000;
	while ((long)(int)mfspr(SPR_DEC) >= 0 || mftb() < end)
		cpu_relax();
	report(hits == 0, "with MSR[EE] = 0 a negative DEC interrupts nothing (%d) [Book III 7.5.11]", hits);
	seen_nip = seen_srr1 = 0;
	/*
	 * EE = 1, then poll `hits` until the handler ran or 1 s of timebase
	 * passed, EE = 0. QEMU raises the exception from a host timer, which a
	 * loaded host may run after the DEC already reads negative: so SRR0
	 * must lie in the window, and "right after the mtmsrd" is printed.
	 */
	end = mftb() + tb_hz;
	__asm__ volatile("bcl 20,31,1f\n1:\tmflr %0\n\t"
			 "mtmsrd %3, 1\n"
			 "2:\tlwz 9, 0(%5)\n\tcmpwi 9, 0\n\tbne 3f\n\tmftb 9\n\tcmpld 9, %2\n\tblt 2b\n"
			 "3:\tmtmsrd %4, 1\n\t"
			 "bcl 20,31,4f\n4:\tmflr %1\n"
			 : "=&r"(base), "=&r"(stop) : "r"(end), "r"(on), "r"(off), "b"(&hits) : "r9", "lr", "cr0", "memory");
	report(hits == 1, "setting MSR[EE] takes the pending decrementer interrupt, once (%d) [Book III 7.5.11]", hits);
	report(seen_nip >= base + 8 && seen_nip < stop && (seen_srr1 & MSR_EE),
	       "SRR0 is an instruction run with EE = 1 (%#lx in [%#lx, %#lx)), SRR1[EE] = 1 (%#lx)", seen_nip, base + 8,
	       stop, seen_srr1);
	report_info("taken %s the mtmsrd that set EE (SRR0 - mtmsrd = %ld)",
		    seen_nip == base + 8 ? "right after" : "later than", (long)(seen_nip - base - 4));
	install_exception_handler(0x900, NULL);
	mtspr(SPR_DEC, 0x7fffffff);
	report_prefix_pop();
}

int main(int argc, char **argv, char **envp)
{
	(void)argc;
	(void)argv;
	(void)envp;
	program();
	alignment();
	system_call();
	decrementer();
	return report_summary();
}
