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
 *         with SRR0 = that instruction;
 *   7.5 "Floating-Point Unavailable Interrupt" (0x800), 7.5 "Vector
 *         Unavailable Interrupt" (0xF20), 7.5 "VSX Unavailable Interrupt"
 *         (0xF40): an FP, vector or VSX instruction with MSR[FP], MSR[VEC] or
 *         MSR[VSX] = 0 does not execute; SRR0 = that instruction, SRR1 33:36
 *         and 42:47 = 0, the rest the MSR; each bit gates its own class only;
 *   7.5 "Instruction Storage Interrupt" (0x400): with MSR[IR] = 1 a branch
 *         to a page whose PTE has N = 1, or to a segment whose SLB entry has
 *         N = 1, sets SRR1 bit 35; to a page with no PTE, bit 33; SRR0 = the
 *         branch target;
 *   7.5 "Instruction Segment Interrupt" (0x480): a branch to an EA no SLB
 *         entry translates; SRR0 = the target, SRR1 33:36 and 42:47 = 0.
 * The Hypervisor Decrementer (7.5 "Hypervisor Decrementer Interrupt") SKIPs:
 * it is the hypervisor's. The sections these parts added are cited by title:
 * their 7.5.x numbers were not checked against the manual here.
 */
#include "hvut.h"
#include "alloc.h"
#include "devicetree.h"
#include <asm/hcall.h>
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
	 * EE = 1, then poll `hits` until the handler ran or 30 s of timebase
	 * passed, EE = 0. QEMU raises the exception from a host timer, which a
	 * loaded host may run after the DEC already reads negative: so SRR0
	 * must lie in the window, and "right after the mtmsrd" is printed.
	 */
	end = mftb() + 30 * tb_hz;   /* 30 s: only a missing interrupt waits it out */
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

/*
 * Facility unavailable. The port is built soft-float without AltiVec/VSX,
 * so no compiler-generated code touches FPRs, VRs or VSRs: the registers
 * used below (f0, v0-v2, vs0-vs2) need no clobber, and the interrupt path
 * never saves them.
 */
#define MSR_FACILITIES (MSR_FP | MSR_VEC | MSR_VSX)
#define SRR1_CAUSE_BITS SRR1_ZERO_ON_SC   /* SRR1 33:36 and 42:47: set by the interrupt, not copied */

static volatile unsigned long seen_trap;

/* Records the interrupt and skips the instruction, which therefore never executes. */
static void facility_handler(struct ex_regs *r)
{
	if (!hits++) {
		seen_trap = r->trap;
		seen_nip = r->nip;
		seen_srr1 = r->msr;
		seen_msr = mfmsr();
	}
	r->nip += 4;
}

/*
 * Runs insn alone with MSR = msr (the MSR goes back after it); returns the
 * instruction's address: bcl's link register + 8, past the mflr and mtmsrd.
 */
#define WITH_MSR(insn, msr, ...) ({ unsigned long __a, __m = mfmsr(); \
	__asm__ volatile("bcl 20,31,1f\n1:\tmflr %0\n\tmtmsrd %1\n\t" insn "\n\tmtmsrd %2" \
			 : "=&r"(__a) : "r"(msr), "r"(__m), ##__VA_ARGS__ : "lr", "memory"); \
	__a + 8; })

static uint8_t va[16] __attribute__((aligned(16))), vb[16] __attribute__((aligned(16)));
static uint8_t vd[16] __attribute__((aligned(16)));

static unsigned long fp_off(unsigned long msr) { return WITH_MSR("lfd 0, 0(%3)", msr, "b"(va)); }
static unsigned long vec_off(unsigned long msr) { return WITH_MSR("vaddubm 2, 0, 1", msr); }
static unsigned long vsx_off(unsigned long msr) { return WITH_MSR("xxlor 2, 0, 1", msr); }

/* lfd + stfd: the doubleword copied, bytes as they were. */
static bool fp_on(unsigned long msr)
{
	unsigned long m = mfmsr();

	__asm__ volatile("mtmsrd %0\n\tlfd 0, 0(%2)\n\tstfd 0, 0(%3)\n\tmtmsrd %1"
			 :: "r"(msr), "r"(m), "b"(va), "b"(vd) : "memory");
	return !memcmp(vd, va, 8);
}

/* lvx/lvx/vaddubm/stvx: each byte of vd = va + vb modulo 256 (lvx and stvx undo each other's element order). */
static bool vec_on(unsigned long msr)
{
	unsigned long m = mfmsr();

	__asm__ volatile("mtmsrd %0\n\tlvx 0, 0, %2\n\tlvx 1, 0, %3\n\tvaddubm 2, 0, 1\n\tstvx 2, 0, %4\n\tmtmsrd %1"
			 :: "r"(msr), "r"(m), "r"(va), "r"(vb), "r"(vd) : "memory");
	for (int i = 0; i < 16; i++)
		if (vd[i] != (uint8_t)(va[i] + vb[i]))
			return false;
	return true;
}

/* lxvd2x/lxvd2x/xxlor/stxvd2x: each byte of vd = va | vb. */
static bool vsx_on(unsigned long msr)
{
	unsigned long m = mfmsr();

	__asm__ volatile("mtmsrd %0\n\tlxvd2x 0, 0, %2\n\tlxvd2x 1, 0, %3\n\txxlor 2, 0, 1\n\tstxvd2x 2, 0, %4\n\tmtmsrd %1"
			 :: "r"(msr), "r"(m), "r"(va), "r"(vb), "r"(vd) : "memory");
	for (int i = 0; i < 16; i++)
		if (vd[i] != (va[i] | vb[i]))
			return false;
	return true;
}

static const struct facility {
	const char *name, *bit_name, *insn, *rule;
	int vector;
	unsigned long bit;
	const char *needs;   /* the cpu node property that says the facility exists, NULL: always */
	unsigned long (*off)(unsigned long msr);
	bool (*on)(unsigned long msr);
	const char *on_what;
} facilities[] = {
	{ "Floating-Point", "FP", "lfd", "7.5 FP Unavailable", 0x800, MSR_FP, NULL, fp_off, fp_on, "lfd + stfd copy the doubleword" },
	{ "Vector", "VEC", "vaddubm", "7.5 Vector Unavailable", 0xf20, MSR_VEC, "ibm,vmx", vec_off, vec_on,
	  "lvx + vaddubm + stvx store the bytewise sum" },
	{ "VSX", "VSX", "xxlor", "7.5 VSX Unavailable", 0xf40, MSR_VSX, "ibm,vmx", vsx_off, vsx_on,
	  "lxvd2x + xxlor + stxvd2x store the bytewise OR" },
};

/* The boot CPU node's property (ibm,vmx: 1 VMX, 2 VMX and VSX), 0 if absent. */
static uint32_t cpu_prop(const char *name)
{
	int cpus = fdt_path_offset("/cpus"), cpu;
	uint32_t v;

	fdt_for_each_child(cpu, cpus)
		if (fdt_getprop_u32(cpu, name, &v))
			return v;
	return 0;
}

static void facility(const struct facility *fc)
{
	/* The other two facilities on: only this bit may gate this instruction. */
	unsigned long msr = mfmsr(), off = (msr | MSR_FACILITIES) & ~fc->bit, at;
	bool ok;

	report_prefix_pushf("%s unavailable", fc->bit_name);
	if (fc->needs && cpu_prop(fc->needs) < (fc->bit == MSR_VSX ? 2U : 1U)) {
		report_skip("%s: the cpu node's %s is %u: no %s facility", fc->insn, fc->needs, cpu_prop(fc->needs),
			    fc->name);
		report_prefix_pop();
		return;
	}
	install_exception_handler(fc->vector, facility_handler);
	hits = 0;
	seen_trap = seen_nip = seen_srr1 = seen_msr = 0;
	at = fc->off(off);
	report(hits == 1 && seen_trap == (unsigned long)fc->vector && seen_nip == at,
	       "%s with MSR[%s] = 0: %s Unavailable interrupt at %#x, SRR0 = the %s (%d taken, vector %#lx, SRR0 %#lx, "
	       "want %#lx) [Power ISA v3.1 Book III %s]", fc->insn, fc->bit_name, fc->name, fc->vector, fc->insn, hits,
	       seen_trap, seen_nip, at, fc->rule);
	/* SRR1 copies the MSR of the faulting instruction: the other two facility bits are 1 there. */
	report(hits && !(seen_srr1 & SRR1_CAUSE_BITS) && (seen_srr1 & ~SRR1_CAUSE_BITS) == off,
	       "SRR1: 33:36 and 42:47 = 0, the rest the MSR, %s = 0 and the other facility bits 1 (SRR1 %#lx, MSR %#lx) "
	       "[Power ISA v3.1 Book III %s]", fc->bit_name, seen_srr1, off, fc->rule);
	report(hits && !(seen_msr & (MSR_FACILITIES | MSR_CLEARED_ON_ENTRY)) && (seen_msr & MSR_SF) &&
	       (seen_msr & MSR_LE) == (msr & MSR_LE),
	       "handler MSR: FP VEC VSX EE PR IR DR RI = 0, SF = 1, LE = ILE (%#lx) [Power ISA v3.1 Book III 7.5 figure]",
	       seen_msr);
	hits = 0;
	memset(vd, 0, sizeof(vd));
	ok = fc->on((msr & ~MSR_FACILITIES) | fc->bit);
	report(hits == 0 && ok, "with MSR[%s] = 1 (the other two 0) it executes: %s (%s, %d interrupts) "
	       "[Power ISA v3.1 Book III %s]", fc->bit_name, fc->on_what, ok ? "right" : "wrong", hits, fc->rule);
	install_exception_handler(fc->vector, NULL);
	report_prefix_pop();
}

static void facilities_unavailable(void)
{
	for (int i = 0; i < 16; i++) {
		va[i] = 0x11 * i + 3;
		vb[i] = 0xf0 - 7 * i;
	}
	for (size_t i = 0; i < ARRAY_SIZE(facilities); i++)
		facility(&facilities[i]);
}

/*
 * Instruction storage and segment interrupts under the hashed page table
 * (the one translation a pseries guest has without client-architecture-
 * support, powerpc/hpt.c). Instruction fetch translates only with MSR[IR]
 * = 1; the port's code runs in real mode, so the library's 1:1 map of the
 * first 256 MiB (SLB entry 0, ppc_mmu_ensure()) lets this code go on
 * running, translated, once IR is set. Data accesses stay real (DR = 0).
 * A segment of its own (ESID 6, SLB entry 2, 4 KiB pages, Ks = Kp = 0)
 * maps one frame holding "li r3, 0x5a; blr" twice: at ISI_EXEC (N = 0) and
 * ISI_NOEXEC (N = 1); ISI_NOPTE has no PTE. ESID 8 (SLB entry 4) is the
 * same VSID, so ISI_EXEC's PTE translates it too, with the SLB entry's N =
 * 1. ESID 7 has no SLB entry. Interrupts run in real mode (LPCR[AIL] = 0),
 * so the handler needs none of this.
 */
#define H_REMOVE 0x04
#define H_ENTER 0x08
#define ISI_VSID 0x5a5UL
#define ISI_SEG (6UL << 28)
#define ISI_EXEC (ISI_SEG + 0x1000)
#define ISI_NOEXEC (ISI_SEG + 0x2000)
#define ISI_NOPTE (ISI_SEG + 0x3000)
#define ISI_NOSLB ((7UL << 28) + 0x1000)
#define ISI_SEG_N (8UL << 28)
#define SLB_V (1UL << 27)
#define SLB_N 0x200UL                /* SLB entry (RS of slbmte) bit 54: no-execute segment */
#define HPTE_V_VALID 1UL
#define HPTE_R_R 0x100UL
#define HPTE_R_C 0x80UL
#define HPTE_R_M 0x10UL
#define HPTE_R_N 0x4UL               /* PTE dword 1 bit 61: no-execute page */
#define HPTE_R_PP_RW 0x2UL
/* ISI causes in SRR1 (7.5 Instruction Storage Interrupt): bit 33 no PTE, 35 no-execute or guarded, 36 protection. */
#define SRR1_ISI_NOPTE (1UL << 30)
#define SRR1_ISI_N_G (1UL << 28)
#define SRR1_ISI_PROT (1UL << 27)
#define SRR1_ISI_CAUSES (SRR1_ISI_NOPTE | SRR1_ISI_N_G | SRR1_ISI_PROT)
#define CODE_RESULT 0x5a

static unsigned long isi_pteg(unsigned long ea, unsigned long nr_ptegs)
{
	return ((ISI_VSID ^ ((ea & 0x0fffffff) >> 12)) & (nr_ptegs - 1)) * 8;   /* primary hash, 4 KiB pages */
}

/* H_ENTER of ea -> frame with extra dword-1 bits; returns the slot, or -1. */
static long isi_enter(unsigned long ea, unsigned long frame, unsigned long extra, unsigned long nr_ptegs)
{
	unsigned long out[6] = { 0 }, va = (ISI_VSID << 28) | (ea & 0x0fffffff);
	unsigned long v = ((va >> 23) << 7) | HPTE_V_VALID;   /* AVA, 256 MiB segment, 4 KiB page */
	long rc = hcall(H_ENTER, out, 0, isi_pteg(ea, nr_ptegs), v,
			frame | HPTE_R_R | HPTE_R_C | HPTE_R_M | HPTE_R_PP_RW | extra, 0, 0);

	return rc == H_SUCCESS ? (long)out[0] : -1;
}

static volatile unsigned long fetched;

/* Branches (bctrl) to the EA in arg with MSR[IR] = 1; the code there returns with r3 = CODE_RESULT. */
static void branch_translated(void *arg)
{
	unsigned long msr = mfmsr(), r;

	__asm__ volatile("li 3, 0\n\tmtctr %1\n\tmtmsrd %2\n\tbctrl\n\tmtmsrd %3\n\tmr %0, 3"
			 : "=r"(r) : "r"(arg), "r"(msr | MSR_IR), "r"(msr) : "r3", "ctr", "lr", "memory");
	fetched = r;
}

/* One branch to ea that must be an Instruction Storage interrupt with SRR1 cause bit `cause`. */
static void expect_isi(unsigned long ea, unsigned long cause, const char *what, const char *why)
{
	unsigned long msr = mfmsr();
	struct fault f;
	int v = catch_exception(branch_translated, (void *)ea, &f);

	report(v == 0x400 && f.pc == ea && (f.error_code & SRR1_ISI_CAUSES) == cause,
	       "a branch to %s: Instruction Storage interrupt, SRR0 = the target, SRR1 %s only (vector %#x, SRR0 %#lx, "
	       "want %#lx, SRR1 %#lx) [Power ISA v3.1 Book III 7.5 Instruction Storage]", what, why, v, f.pc, ea, f.error_code);
	/* The MSR of the fetch: the caller's with IR = 1. */
	report(v == 0x400 && (f.error_code & ~SRR1_CAUSE_BITS) == (msr | MSR_IR),
	       "%s: SRR1 outside 33:36 and 42:47 is the MSR, IR = 1 (SRR1 %#lx, MSR %#lx) "
	       "[Power ISA v3.1 Book III 7.5 Instruction Storage]", what, f.error_code, msr | MSR_IR);
}

static void storage(void)
{
	int cpus = fdt_path_offset("/cpus"), cpu, len = 0, v;
	unsigned long nr_ptegs, out[6];
	const void *p = NULL;
	uint32_t *code = alloc_page();
	long exec_slot, noexec_slot;
	struct fault f;

	report_prefix_push("instruction storage");
	fdt_for_each_child(cpu, cpus)
		if ((p = fdt_getprop(cpu, "ibm,pft-size", &len)) && len == 8)
			break;
	if (!p || len != 8 || !ppc_mmu_ensure()) {
		report_skip("ISI/ISegI: no hashed page table (no ibm,pft-size in /cpus, or the library's 1:1 map failed)");
		report_prefix_pop();
		return;
	}
	nr_ptegs = 1UL << (fdt_cell(p, 1) - 7);   /* a 2^n-byte table of 128-byte groups */
	assert(code && !((unsigned long)code & 0xfff));
	code[0] = 0x38600000 | CODE_RESULT;   /* li r3, CODE_RESULT */
	code[1] = 0x4e800020;                 /* blr */
	flush_icache_range((unsigned long)code, (unsigned long)code + 8);
	/* After ppc_mmu_ensure(): its first call on a CPU does slbia. */
	__asm__ volatile("slbmte %0, %1\n\tslbmte %2, %3\n\tisync" ::
			 "r"(ISI_VSID << 12), "r"(ISI_SEG | SLB_V | 2),
			 "r"((ISI_VSID << 12) | SLB_N), "r"(ISI_SEG_N | SLB_V | 4) : "memory");
	exec_slot = isi_enter(ISI_EXEC, (unsigned long)code, 0, nr_ptegs);
	noexec_slot = isi_enter(ISI_NOEXEC, (unsigned long)code, HPTE_R_N, nr_ptegs);
	assert(exec_slot >= 0 && noexec_slot >= 0);

	/* The control: without it, the interrupts below could come from a map that never worked. */
	fetched = 0;
	v = catch_exception(branch_translated, (void *)ISI_EXEC, &f);
	report(v == NO_EXCEPTION && fetched == CODE_RESULT,
	       "a branch with MSR[IR] = 1 to a mapped page with N = 0 runs its code (vector %#x, r3 %#lx) "
	       "[Power ISA v3.1 Book III 7.5 Instruction Storage]", v, fetched);
	expect_isi(ISI_NOEXEC, SRR1_ISI_N_G, "the same frame mapped with PTE N = 1", "bit 35 (no-execute)");
	expect_isi(ISI_NOPTE, SRR1_ISI_NOPTE, "a page with no PTE", "bit 33 (no PTE)");
	expect_isi(ISI_SEG_N + (ISI_EXEC & 0x0fffffff), SRR1_ISI_N_G, "that PTE's page through an SLB entry with N = 1",
		   "bit 35 (no-execute segment)");
	report_prefix_pop();

	report_prefix_push("instruction segment");
	v = catch_exception(branch_translated, (void *)ISI_NOSLB, &f);
	report(v == 0x480 && f.pc == ISI_NOSLB,
	       "a branch with MSR[IR] = 1 to an EA no SLB entry translates: Instruction Segment interrupt, SRR0 = the "
	       "target (vector %#x, SRR0 %#lx) [Power ISA v3.1 Book III 7.5 Instruction Segment]", v, f.pc);
	report(v == 0x480 && !(f.error_code & SRR1_CAUSE_BITS) && (f.error_code & ~SRR1_CAUSE_BITS) == (mfmsr() | MSR_IR),
	       "SRR1 33:36 and 42:47 = 0, the rest the MSR, IR = 1 (SRR1 %#lx) [Power ISA v3.1 Book III 7.5 Instruction Segment]",
	       f.error_code);
	report_prefix_pop();

	hcall(H_REMOVE, out, 0, exec_slot, 0, 0, 0, 0);
	hcall(H_REMOVE, out, 0, noexec_slot, 0, 0, 0, 0);
	__asm__ volatile("slbie %0\n\tslbie %1\n\tisync" :: "r"(ISI_SEG), "r"(ISI_SEG_N) : "memory");
}

/*
 * Hypervisor Decrementer (7.5): HDEC (SPR 310), LPCR[HDICE] that enables
 * its interrupt, and the interrupt itself (0x980, taken in hypervisor state
 * with HSRR0/HSRR1) are hypervisor resources. A PAPR partition runs with
 * MSR[HV] = 0 and its hypervisor keeps HDEC for its own time slicing, so
 * nothing of it is visible here: a SKIP with the reason, not a check.
 */
static void hypervisor_decrementer(void)
{
	unsigned long msr = mfmsr();

	report_skip("hypervisor decrementer: HDEC, LPCR[HDICE] and the 0x980 interrupt (HSRR0/HSRR1) are hypervisor "
		    "state, and a PAPR guest runs with MSR[HV] = %d (MSR %#lx): its hypervisor keeps them "
		    "[Power ISA v3.1 Book III 7.5 Hypervisor Decrementer]", !!(msr & MSR_HV), msr);
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
	hypervisor_decrementer();
	facilities_unavailable();
	storage();
	return report_summary();
}
