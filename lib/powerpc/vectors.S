/*
 * Interrupt vectors and the common entry/exit path.
 *
 * The vectors are linked into the image (section .vectors) and copied to real
 * address 0 at boot (setup.c): a pseries guest takes interrupts in real mode
 * at offset 0x100..0xf80 from 0 (LPCR[AIL] = 0). A vector has 0x20 bytes in
 * the 0xe00/0xf00 ranges, so each one only parks r1 and r3, names itself in
 * r3 and branches (absolute: "ba" works from the copy) to interrupt_entry.
 *
 * Scratch state: SPRG1 holds the interrupted r1, SPRG2 always points at this
 * CPU's struct cpu (asm/smp.h), whose scratch word holds the interrupted r3.
 */
#include <asm/regs.h>
#include <asm/smp.h>

#define FRAME (32 + EX_REGS_SIZE)   /* ELFv2 minimal frame header, then struct ex_regs */
#define R(n) (32 + EX_GPR(n))

	.macro VECTOR off
	.org	\off
	mtspr	273, 1              /* SPRG1 = interrupted r1 */
	mfspr	1, 274              /* r1 = struct cpu */
	std	3, CPU_SCRATCH(1)
	li	3, \off
	ba	interrupt_entry
	.endm

	.section .vectors, "ax"
	.globl __vectors_start, __vectors_end
__vectors_start:
	.irp off, 0x100, 0x200, 0x300, 0x380, 0x400, 0x480, 0x500, 0x600, 0x700, 0x800, 0x900, 0x980, 0xa00, 0xb00, 0xc00, 0xd00
	VECTOR \off
	.endr
	.irp off, 0xe00, 0xe20, 0xe40, 0xe60, 0xe80, 0xea0, 0xf00, 0xf20, 0xf40, 0xf60, 0xf80, 0xfa0
	VECTOR \off
	.endr
	.irp off, 0x1000, 0x1100, 0x1200, 0x1300, 0x1400, 0x1500, 0x1600, 0x1700
	VECTOR \off
	.endr
__vectors_end:

	.text
	.globl interrupt_entry
	.type interrupt_entry, @function
interrupt_entry:
	ld	1, CPU_EXSTACK(1)
	subi	1, 1, FRAME
	std	0, R(0)(1)
	mfspr	0, 273
	std	0, R(1)(1)
	std	0, 0(1)             /* back chain to the interrupted frame, for backtraces */
	std	2, R(2)(1)
	std	3, 32 + EX_TRAP(1)
	mfspr	3, 274
	ld	0, CPU_SCRATCH(3)
	std	0, R(3)(1)
	.irp n, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
	std	\n, R(\n)(1)
	.endr
	mfsrr0	0
	std	0, 32 + EX_NIP(1)
	mfsrr1	0
	std	0, 32 + EX_MSR(1)
	mfctr	0
	std	0, 32 + EX_CTR(1)
	mflr	0
	std	0, 32 + EX_LINK(1)
	mfxer	0
	std	0, 32 + EX_XER(1)
	mfcr	0
	std	0, 32 + EX_CCR(1)
	mfdar	0
	std	0, 32 + EX_DAR(1)
	mfdsisr	0
	std	0, 32 + EX_DSISR(1)
	/* The C environment: TOC pointer and this CPU in r13, whatever the interrupted code had. */
	lis	2, .TOC.@ha
	addi	2, 2, .TOC.@l
	mr	13, 3
	addi	3, 1, 32
	bl	ppc_handle_interrupt
	nop

	/* The handler returned: resume at regs->nip with regs->msr. */
	ld	0, 32 + EX_NIP(1)
	mtsrr0	0
	ld	0, 32 + EX_MSR(1)
	mtsrr1	0
	ld	0, 32 + EX_CTR(1)
	mtctr	0
	ld	0, 32 + EX_LINK(1)
	mtlr	0
	ld	0, 32 + EX_XER(1)
	mtxer	0
	ld	0, 32 + EX_CCR(1)
	mtcr	0
	ld	0, R(0)(1)
	ld	2, R(2)(1)
	.irp n, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
	ld	\n, R(\n)(1)
	.endr
	ld	1, R(1)(1)
	rfid
	.size interrupt_entry, . - interrupt_entry

/*
 * void ppc_enter_user(fn, arg, sp, msr): runs fn(arg) in problem state with
 * stack sp and MSR msr (which has PR set). fn returns to user_return, whose
 * "sc" brings us back as a 0xc00 interrupt with SRR0 = user_return + 4.
 */
	.globl ppc_enter_user, user_return
	.type ppc_enter_user, @function
ppc_enter_user:
	mtsrr0	3
	mtsrr1	6
	mr	12, 3               /* ELFv2: a global entry point wants its address in r12 */
	mr	3, 4
	subi	1, 5, 32
	li	0, 0
	std	0, 0(1)             /* end of the user stack's back chain */
	lis	4, user_return@ha
	addi	4, 4, user_return@l
	mtlr	4
	rfid
user_return:
	sc
	b	user_return         /* not reached: the 0xc00 handler longjmps */
	.size ppc_enter_user, . - ppc_enter_user
