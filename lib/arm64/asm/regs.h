/* Registers saved on every arm64 exception, in the order lib/arm64/vectors.S stores them. */
#ifndef HVUT_ARM64_REGS_H
#define HVUT_ARM64_REGS_H

#define S_X30 240
#define S_SP 248
#define S_PC 256
#define S_PSTATE 264
#define S_ESR 272
#define S_FAR 280
#define S_VECTOR 288
#define S_FRAME 304     /* a multiple of 16: SP stays aligned */

#ifndef __ASSEMBLY__
struct ex_regs {
	unsigned long regs[31];   /* x0 .. x30 */
	unsigned long sp;         /* SP of the interrupted context (SP_EL0 when from EL0) */
	unsigned long pc;         /* ELR_EL1 */
	unsigned long pstate;     /* SPSR_EL1 */
	unsigned long esr;        /* ESR_EL1 */
	unsigned long far;        /* FAR_EL1 */
	unsigned long vector;     /* 0..15: which of the 16 vector table entries */
	unsigned long pad;
};
_Static_assert(sizeof(struct ex_regs) == S_FRAME, "vectors.S frame layout");
#endif

/* Vector table entries: (source << 2) | type. */
#define VEC_TYPE_SYNC 0
#define VEC_TYPE_IRQ 1
#define VEC_TYPE_FIQ 2
#define VEC_TYPE_SERROR 3
#define VEC_EL1T 0          /* current EL with SP_EL0 */
#define VEC_EL1H 4          /* current EL with SP_EL1: the kernel */
#define VEC_EL0_64 8        /* lower EL, AArch64: EL0 */
#define VEC_EL0_32 12       /* lower EL, AArch32 */

#endif
