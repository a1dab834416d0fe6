/*
 * long hcall(op, out, a0..a5): PAPR's calling convention is "sc 1" with the
 * opcode in r3 and arguments in r4-r12; the status comes back in r3 and
 * results in r4-r12. Our C arguments arrive in r3-r10 (ELFv2), so shift them.
 */
	.text
	.globl hcall
	.type hcall, @function
hcall:
	std	4, -8(1)            /* out: the hcall may clobber r4-r12, keep it below r1 (protected zone) */
	mr	4, 5
	mr	5, 6
	mr	6, 7
	mr	7, 8
	mr	8, 9
	mr	9, 10
	sc	1
	ld	11, -8(1)
	cmpdi	11, 0
	beqlr
	std	4, 0(11)
	std	5, 8(11)
	std	6, 16(11)
	std	7, 24(11)
	std	8, 32(11)
	std	9, 40(11)
	blr
	.size hcall, . - hcall
