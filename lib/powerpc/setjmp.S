/*
 * setjmp/longjmp for ppc64 ELFv2: the non-volatile state is r1, r2, r14-r31,
 * CR fields 2-4 and LR. No FP/vector state: hvut builds with -msoft-float
 * -mno-altivec -mno-vsx.
 */
	.text
	.globl setjmp, longjmp
	.type setjmp, @function
setjmp:
	mflr	0
	std	0, 0(3)
	std	1, 8(3)
	std	2, 16(3)
	mfcr	0
	std	0, 24(3)
	std	14, 32(3)
	std	15, 40(3)
	std	16, 48(3)
	std	17, 56(3)
	std	18, 64(3)
	std	19, 72(3)
	std	20, 80(3)
	std	21, 88(3)
	std	22, 96(3)
	std	23, 104(3)
	std	24, 112(3)
	std	25, 120(3)
	std	26, 128(3)
	std	27, 136(3)
	std	28, 144(3)
	std	29, 152(3)
	std	30, 160(3)
	std	31, 168(3)
	li	3, 0
	blr
	.size setjmp, . - setjmp

	.type longjmp, @function
longjmp:
	ld	0, 0(3)
	mtlr	0
	ld	1, 8(3)
	ld	2, 16(3)
	ld	0, 24(3)
	mtcrf	0x38, 0             /* CR2-CR4: the non-volatile fields */
	ld	14, 32(3)
	ld	15, 40(3)
	ld	16, 48(3)
	ld	17, 56(3)
	ld	18, 64(3)
	ld	19, 72(3)
	ld	20, 80(3)
	ld	21, 88(3)
	ld	22, 96(3)
	ld	23, 104(3)
	ld	24, 112(3)
	ld	25, 120(3)
	ld	26, 128(3)
	ld	27, 136(3)
	ld	28, 144(3)
	ld	29, 152(3)
	ld	30, 160(3)
	ld	31, 168(3)
	mr	3, 4                /* longjmp(env, 0) returns 1, as in C */
	cmpdi	3, 0
	bnelr
	li	3, 1
	blr
	.size longjmp, . - longjmp
