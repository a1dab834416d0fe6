/*
 * ppc64 (Power ISA v3.0/3.1, server) registers and instructions the library
 * and tests use. SPR numbers and MSR bits are from the Power ISA; the MSR bit
 * values below are 1 << (63 - ISA bit number).
 */
#ifndef HVUT_PPC_PROCESSOR_H
#define HVUT_PPC_PROCESSOR_H

#define MSR_SF   (1UL << 63)
#define MSR_HV   (1UL << 60)
#define MSR_VEC  (1UL << 25)
#define MSR_VSX  (1UL << 23)
#define MSR_EE   (1UL << 15)
#define MSR_PR   (1UL << 14)
#define MSR_FP   (1UL << 13)
#define MSR_ME   (1UL << 12)
#define MSR_SE   (1UL << 10)
#define MSR_IR   (1UL << 5)
#define MSR_DR   (1UL << 4)
#define MSR_PMM  (1UL << 2)
#define MSR_RI   (1UL << 1)
#define MSR_LE   (1UL << 0)

/* SRR1 bits a program interrupt (0x700) sets to say why (ISA bits 43-46). */
#define SRR1_PROGRAM_FP      (1UL << 20)
#define SRR1_PROGRAM_ILLEGAL (1UL << 19)
#define SRR1_PROGRAM_PRIV    (1UL << 18)
#define SRR1_PROGRAM_TRAP    (1UL << 17)

/* SPR numbers. */
#define SPR_XER    1
#define SPR_DSCR_U 3
#define SPR_LR     8
#define SPR_CTR    9
#define SPR_DSCR   17
#define SPR_DSISR  18
#define SPR_DAR    19
#define SPR_DEC    22
#define SPR_SRR0   26
#define SPR_SRR1   27
#define SPR_CFAR   28
#define SPR_AMR    29
#define SPR_PIDR   48
#define SPR_CTRL_R 136
#define SPR_CTRL_W 152
#define SPR_FSCR   153
#define SPR_UAMOR  157
#define SPR_PSPB   159
#define SPR_DPDES  176
#define SPR_VRSAVE 256
#define SPR_SPRG3_U 259
#define SPR_TB     268
#define SPR_TBU    269
#define SPR_SPRG0  272
#define SPR_SPRG1  273
#define SPR_SPRG2  274
#define SPR_SPRG3  275
#define SPR_PVR    287
#define SPR_PPR    896
#define SPR_PPR32  898
#define SPR_TAR    815
#define SPR_IAMR   61
#define SPR_PIR    1023
/* Performance monitor: problem-state (read-only unless MMCR0[PMCC] allows) and privileged numbers. */
#define SPR_UMMCR2 769
#define SPR_UMMCRA 770
#define SPR_UPMC1  771
#define SPR_UPMC2  772
#define SPR_UPMC3  773
#define SPR_UPMC4  774
#define SPR_UPMC5  775
#define SPR_UPMC6  776
#define SPR_UMMCR0 779
#define SPR_USIAR  780
#define SPR_USDAR  781
#define SPR_UMMCR1 782
#define SPR_MMCR2  785
#define SPR_MMCRA  786
#define SPR_PMC1   787
#define SPR_PMC2   788
#define SPR_PMC3   789
#define SPR_PMC4   790
#define SPR_PMC5   791
#define SPR_PMC6   792
#define SPR_MMCR0  795
#define SPR_SIAR   796
#define SPR_SDAR   797
#define SPR_MMCR1  798

#define __stringify_1(x) #x
#define __stringify(x) __stringify_1(x)

#ifndef __ASSEMBLY__
#include <stdbool.h>
#include <stdint.h>
#include <asm/regs.h>

#define mfspr(spr) ({ unsigned long __v; \
	__asm__ volatile("mfspr %0, " __stringify(spr) : "=r"(__v)); __v; })
#define mtspr(spr, val) \
	__asm__ volatile("mtspr " __stringify(spr) ", %0" :: "r"((unsigned long)(val)) : "memory")

static inline unsigned long mfmsr(void)
{
	unsigned long msr;

	__asm__ volatile("mfmsr %0" : "=r"(msr));
	return msr;
}

/* L=0: every bit; the ISA keeps MSR[HV,ME,LE...] rules for the guest. */
static inline void mtmsrd(unsigned long msr)
{
	__asm__ volatile("mtmsrd %0" :: "r"(msr) : "memory");
}

static inline uint64_t mftb(void)
{
	uint64_t tb;

	__asm__ volatile("mftb %0" : "=r"(tb));
	return tb;
}

static inline void irq_enable(void) { mtmsrd(mfmsr() | MSR_EE); }
static inline void irq_disable(void) { mtmsrd(mfmsr() & ~MSR_EE); }
static inline void cpu_relax(void) { __asm__ volatile("or 1,1,1; or 2,2,2" ::: "memory"); }

/* Makes freshly written code visible to instruction fetch (ISA Book II 1.8). */
void flush_icache_range(unsigned long start, unsigned long end);

/*
 * Interrupts the library handles itself unless a test installs a handler:
 * the handler runs on the interrupt stack and the interrupted code resumes at
 * regs->nip with regs->msr (the handler may change both). NULL uninstalls.
 */
typedef void (*exception_handler)(struct ex_regs *regs);
exception_handler install_exception_handler(int vector, exception_handler h);

/*
 * The library's 1:1 hashed-page-table map of the first 256 MiB (SLB entry 0,
 * lib/powerpc/mmu.c): built on the first call, its SLB entry loaded once per
 * CPU (after an slbia). False where it cannot be built.
 */
bool ppc_mmu_ensure(void);

/* Timebase ticks per second, from the device tree. */
extern uint64_t tb_hz;
void udelay(unsigned long us);
#endif

#endif
