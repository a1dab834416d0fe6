/* Registers saved on every ppc64 interrupt, in the layout lib/powerpc/vectors.S stores. */
#ifndef HVUT_PPC_REGS_H
#define HVUT_PPC_REGS_H

#ifndef __ASSEMBLY__
struct ex_regs {
	unsigned long gpr[32];
	unsigned long nip;      /* SRR0: where the interrupt happened (or the next instruction) */
	unsigned long msr;      /* SRR1: MSR at the interrupt plus the interrupt's cause bits */
	unsigned long ctr, link, xer, ccr;
	unsigned long dar, dsisr;
	unsigned long trap;     /* the vector's offset: 0x300, 0x700, 0xc00... */
	unsigned long pad;
};
#endif

/* Offsets into struct ex_regs for vectors.S. */
#define EX_GPR(n) ((n) * 8)
#define EX_NIP 256
#define EX_MSR 264
#define EX_CTR 272
#define EX_LINK 280
#define EX_XER 288
#define EX_CCR 296
#define EX_DAR 304
#define EX_DSISR 312
#define EX_TRAP 320
#define EX_REGS_SIZE 336

#endif
