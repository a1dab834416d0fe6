/*
 * Instructions powerpc/emulator.c needs with registers C cannot name: the
 * Move Assist (string) instructions with a register range that wraps from
 * r31 to r0, and unaligned integer/floating-point accesses optionally with
 * MSR[DR] = 1 (the FP ones with MSR[FP] = 1 for just that access; the port
 * is built soft-float). ELFv2 leaf functions; r29-r31 are saved in the red
 * zone. A fault in any of them is caught by catch_exception(), whose
 * longjmp restores the callee-saved registers and the MSR.
 *
 * The string instructions are .long encodings (X-form, primary opcode 31;
 * Power ISA v3.1 Book I 3.3.7 "Move Assist Instructions"): the assembler
 * refuses them when assembling little-endian, where they are an Alignment
 * interrupt (Book III 7.5.8), which is what the little-endian build tests.
 */
#define XFORM(rt, ra, rb, xo) .long (31 << 26) | ((rt) << 21) | ((ra) << 16) | ((rb) << 11) | ((xo) << 1)
#define LSWI(rt, ra, nb) XFORM(rt, ra, nb, 597)
#define LSWX(rt, ra, rb) XFORM(rt, ra, rb, 533)
#define STSWI(rs, ra, nb) XFORM(rs, ra, nb, 725)
#define STSWX(rs, ra, rb) XFORM(rs, ra, rb, 661)
#define LMW(rt, ra, d) .long (46 << 26) | ((rt) << 21) | ((ra) << 16) | ((d) & 0xffff)
#define STMW(rs, ra, d) .long (47 << 26) | ((rs) << 21) | ((ra) << 16) | ((d) & 0xffff)
#define MSR_FP 0x2000

	.text
	.macro SAVE_R29_31
	std	29, -24(1)
	std	30, -16(1)
	std	31, -8(1)
	.endm
	.macro RESTORE_R29_31
	ld	29, -24(1)
	ld	30, -16(1)
	ld	31, -8(1)
	.endm

/* void str_lswi_wrap(const void *src, unsigned long out[4]): lswi r29, r3, 15
 * loads r29, r30, r31 and then r0 (the range wraps); all four start as -1. */
	.globl str_lswi_wrap
str_lswi_wrap:
	SAVE_R29_31
	li	29, -1
	li	30, -1
	li	31, -1
	li	0, -1
	LSWI(29, 3, 15)
	std	29, 0(4)
	std	30, 8(4)
	std	31, 16(4)
	std	0, 24(4)
	RESTORE_R29_31
	blr

/* void str_stswi_wrap(void *dst, const unsigned long in[4]): r29, r30, r31,
 * r0 = in[0..3], then stswi r29, r3, 15. */
	.globl str_stswi_wrap
str_stswi_wrap:
	SAVE_R29_31
	ld	29, 0(4)
	ld	30, 8(4)
	ld	31, 16(4)
	ld	0, 24(4)
	STSWI(29, 3, 15)
	RESTORE_R29_31
	blr

/* void str_lswx(const void *base, unsigned long off, unsigned long out[6],
 * unsigned long count): XER[57:63] = count, lswx r7, r3, r4 (EA = base +
 * off); r7-r12 start as -1 and are stored to out. */
	.globl str_lswx
str_lswx:
	li	7, -1
	li	8, -1
	li	9, -1
	li	10, -1
	li	11, -1
	li	12, -1
	mtxer	6
	LSWX(7, 3, 4)
	std	7, 0(5)
	std	8, 8(5)
	std	9, 16(5)
	std	10, 24(5)
	std	11, 32(5)
	std	12, 40(5)
	blr

/* void str_stswx(void *base, unsigned long off, const unsigned long in[6],
 * unsigned long count): r7-r12 = in[0..5], XER[57:63] = count, stswx r7, r3, r4. */
	.globl str_stswx
str_stswx:
	ld	7, 0(5)
	ld	8, 8(5)
	ld	9, 16(5)
	ld	10, 24(5)
	ld	11, 32(5)
	ld	12, 40(5)
	mtxer	6
	STSWX(7, 3, 4)
	blr

/* void mw_lmw(const void *src, unsigned long out[3]): lmw r29, 0(r3) (Book I
 * 3.3.6: r29, r30, r31 get one word each, zero-extended); r29-r31 start as -1. */
	.globl mw_lmw
mw_lmw:
	SAVE_R29_31
	li	29, -1
	li	30, -1
	li	31, -1
	LMW(29, 3, 0)
	std	29, 0(4)
	std	30, 8(4)
	std	31, 16(4)
	RESTORE_R29_31
	blr

/* void mw_stmw(void *dst, const unsigned long in[3]): r29-r31 = in[0..2],
 * stmw r29, 0(r3): the low word of each. */
	.globl mw_stmw
mw_stmw:
	SAVE_R29_31
	ld	29, 0(4)
	ld	30, 8(4)
	ld	31, 16(4)
	STMW(29, 3, 0)
	RESTORE_R29_31
	blr

/*
 * Unaligned accesses with MSR |= or_msr (0 or MSR[DR]) around the access
 * only. unsigned long ua_lwz(const void *p, unsigned long or_msr),
 * ua_ld(...); void ua_std(void *p, unsigned long v, unsigned long or_msr).
 */
	.globl ua_lwz
ua_lwz:
	mfmsr	5
	or	6, 5, 4
	mtmsrd	6
	isync
	lwz	3, 0(3)
	mtmsrd	5
	isync
	blr

	.globl ua_ld
ua_ld:
	mfmsr	5
	or	6, 5, 4
	mtmsrd	6
	isync
	ld	3, 0(3)
	mtmsrd	5
	isync
	blr

	.globl ua_std
ua_std:
	mfmsr	6
	or	7, 6, 5
	mtmsrd	7
	isync
	std	4, 0(3)
	mtmsrd	6
	isync
	blr

/* void ua_lfd(const void *src, void *dst, unsigned long or_msr): lfd from
 * src with MSR |= or_msr | FP, stfd to dst (aligned, untranslated) with FP only. */
	.globl ua_lfd
ua_lfd:
	mfmsr	6
	ori	8, 6, MSR_FP
	or	7, 8, 5
	mtmsrd	7
	isync
	lfd	0, 0(3)
	mtmsrd	8
	isync
	stfd	0, 0(4)
	mtmsrd	6
	isync
	blr

/* void ua_stfd(void *dst, const void *src, unsigned long or_msr): lfd from
 * src (aligned, untranslated), stfd to dst with MSR |= or_msr | FP. */
	.globl ua_stfd
ua_stfd:
	mfmsr	6
	ori	8, 6, MSR_FP
	or	7, 8, 5
	mtmsrd	8
	isync
	lfd	0, 0(4)
	mtmsrd	7
	isync
	stfd	0, 0(3)
	mtmsrd	6
	isync
	blr

	.section .note.GNU-stack, "", @progbits
