/*
 * The EL1 vector table: 16 entries of 0x80 bytes (current EL with SP_EL0,
 * current EL with SP_ELx, lower EL AArch64, lower EL AArch32; each sync, IRQ,
 * FIQ, SError). Every entry saves a struct ex_regs (asm/regs.h) and calls
 * arm64_handle_exception(); if that returns, the context is restored and
 * resumed (ELR/SPSR/SP_EL0 as the handler left them in the frame).
 */
#include <asm/regs.h>

.macro ventry idx
	.balign	0x80
	sub	sp, sp, #S_FRAME
	stp	x0, x1, [sp, #0]
	mov	x0, #\idx
	b	vec_common
.endm

	.text
	.balign	0x800
	.globl	vectors
vectors:
	ventry 0
	ventry 1
	ventry 2
	ventry 3
	ventry 4
	ventry 5
	ventry 6
	ventry 7
	ventry 8
	ventry 9
	ventry 10
	ventry 11
	ventry 12
	ventry 13
	ventry 14
	ventry 15

vec_common:
	stp	x2, x3, [sp, #16]
	stp	x4, x5, [sp, #32]
	stp	x6, x7, [sp, #48]
	stp	x8, x9, [sp, #64]
	stp	x10, x11, [sp, #80]
	stp	x12, x13, [sp, #96]
	stp	x14, x15, [sp, #112]
	stp	x16, x17, [sp, #128]
	stp	x18, x19, [sp, #144]
	stp	x20, x21, [sp, #160]
	stp	x22, x23, [sp, #176]
	stp	x24, x25, [sp, #192]
	stp	x26, x27, [sp, #208]
	stp	x28, x29, [sp, #224]
	str	x30, [sp, #S_X30]
	str	x0, [sp, #S_VECTOR]
	/* The interrupted SP: SP_EL0 for lower-EL entries (8..15), else ours before the frame. */
	cmp	x0, #8
	b.lo	1f
	mrs	x1, sp_el0
	b	2f
1:	add	x1, sp, #S_FRAME
2:	str	x1, [sp, #S_SP]
	mrs	x1, elr_el1
	mrs	x2, spsr_el1
	stp	x1, x2, [sp, #S_PC]
	mrs	x1, esr_el1
	mrs	x2, far_el1
	stp	x1, x2, [sp, #S_ESR]
	mov	x0, sp
	bl	arm64_handle_exception

	ldr	x0, [sp, #S_VECTOR]
	cmp	x0, #8
	b.lo	3f
	ldr	x1, [sp, #S_SP]
	msr	sp_el0, x1
3:	ldp	x1, x2, [sp, #S_PC]
	msr	elr_el1, x1
	msr	spsr_el1, x2
	ldp	x0, x1, [sp, #0]
	ldp	x2, x3, [sp, #16]
	ldp	x4, x5, [sp, #32]
	ldp	x6, x7, [sp, #48]
	ldp	x8, x9, [sp, #64]
	ldp	x10, x11, [sp, #80]
	ldp	x12, x13, [sp, #96]
	ldp	x14, x15, [sp, #112]
	ldp	x16, x17, [sp, #128]
	ldp	x18, x19, [sp, #144]
	ldp	x20, x21, [sp, #160]
	ldp	x22, x23, [sp, #176]
	ldp	x24, x25, [sp, #192]
	ldp	x26, x27, [sp, #208]
	ldp	x28, x29, [sp, #224]
	ldr	x30, [sp, #S_X30]
	add	sp, sp, #S_FRAME
	eret

/*
 * enter_user(fn, arg, sp): run fn(arg) at EL0t on stack sp, interrupts
 * masked. user_return's SVC brings the exception handler back, which
 * longjmps to the catcher (lib/arm64/exception.c).
 */
	.globl	enter_user
enter_user:
	msr	sp_el0, x2
	adr	x3, user_trampoline
	msr	elr_el1, x3
	mov	x3, #0x3c0               /* EL0t, D A I F masked */
	msr	spsr_el1, x3
	mov	x2, x0
	mov	x0, x1
	mov	x29, xzr
	mov	x30, xzr
	eret
user_trampoline:
	blr	x2
	.globl	user_return
user_return:
	svc	#0xffff                  /* USER_EXIT_SVC */
	b	user_return
