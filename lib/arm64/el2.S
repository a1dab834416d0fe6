/*
 * A minimal EL2 vector table for tests entered at EL2 (virtualization=on),
 * which otherwise run at EL1 (cstart.S drops there and points VBAR_EL2 here).
 * Its one service, el2_call(): an HVC #0 from EL1 with x0 = a routine, x1-x3
 * its arguments, runs that routine at EL2 and returns its x0. EL2's MMU and
 * caches are off, so the routine must be a leaf that touches no memory
 * (asm/el2.h). Any other exception taken to EL2 returns x0 = EL2_CALL_FAILED
 * (from a lower EL) or spins (at EL2: nothing sensible can resume).
 */
#define EC_HVC64 0x16

.macro el2_stop
	.balign	0x80
	b	.
.endm

.macro el2_refuse
	.balign	0x80
	mov	x0, #-1
	eret
.endm

	.text
	.balign	0x800
	.globl	el2_vectors
el2_vectors:
	el2_stop                /* current EL, SP_EL0: sync, IRQ, FIQ, SError */
	el2_stop
	el2_stop
	el2_stop
	el2_stop                /* current EL, SP_EL2 */
	el2_stop
	el2_stop
	el2_stop
	.balign	0x80            /* lower EL, AArch64, sync: HVC #0 is el2_call() */
	mrs	x9, esr_el2
	lsr	x9, x9, #26
	cmp	x9, #EC_HVC64
	b.ne	1f
	blr	x0
	eret
1:	mov	x0, #-1
	eret
	el2_refuse              /* lower EL, AArch64: IRQ, FIQ, SError */
	el2_refuse
	el2_refuse
	el2_refuse              /* lower EL, AArch32 */
	el2_refuse
	el2_refuse
	el2_refuse
