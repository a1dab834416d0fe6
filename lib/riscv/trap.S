/*
 * The S-mode trap vector (stvec, direct mode) and the way into U-mode.
 *
 * sscratch is 0 while the hart runs in S-mode and holds the kernel stack
 * pointer while it runs in U-mode: one swap at entry tells the two apart and
 * gives us a trustworthy stack either way. Every trap saves the whole register
 * file as a struct ex_regs (asm/regs.h) and calls riscv_handle_trap(regs).
 */
#include <asm/regs.h>
#include <asm/csr.h>

	.text
	.balign 4
	.globl riscv_trap_entry
riscv_trap_entry:
	csrrw sp, CSR_SSCRATCH, sp
	bnez sp, 1f                      /* from U-mode: sp is now the kernel stack */
	csrrw sp, CSR_SSCRATCH, sp       /* from S-mode: put sp back, sscratch = 0 */
1:	addi sp, sp, -EX_REGS_FRAME
	sd x1, 0(sp)
	sd x3, 16(sp)
	sd x4, 24(sp)
	sd x5, 32(sp)
	sd x6, 40(sp)
	sd x7, 48(sp)
	sd x8, 56(sp)
	sd x9, 64(sp)
	sd x10, 72(sp)
	sd x11, 80(sp)
	sd x12, 88(sp)
	sd x13, 96(sp)
	sd x14, 104(sp)
	sd x15, 112(sp)
	sd x16, 120(sp)
	sd x17, 128(sp)
	sd x18, 136(sp)
	sd x19, 144(sp)
	sd x20, 152(sp)
	sd x21, 160(sp)
	sd x22, 168(sp)
	sd x23, 176(sp)
	sd x24, 184(sp)
	sd x25, 192(sp)
	sd x26, 200(sp)
	sd x27, 208(sp)
	sd x28, 216(sp)
	sd x29, 224(sp)
	sd x30, 232(sp)
	sd x31, 240(sp)
	csrrw t0, CSR_SSCRATCH, zero     /* the user sp, or 0 when we came from S-mode */
	bnez t0, 2f
	addi t0, sp, EX_REGS_FRAME
2:	sd t0, 8(sp)
	csrr t0, CSR_SEPC
	sd t0, EX_REGS_SEPC(sp)
	csrr t0, CSR_SSTATUS
	sd t0, EX_REGS_SSTATUS(sp)
	csrr t0, CSR_SCAUSE
	sd t0, EX_REGS_SCAUSE(sp)
	csrr t0, CSR_STVAL
	sd t0, EX_REGS_STVAL(sp)
	mv a0, sp
	call riscv_handle_trap

	/* The handler may have changed sepc/sstatus (e.g. to skip an instruction). */
	ld t0, EX_REGS_SEPC(sp)
	csrw CSR_SEPC, t0
	ld t0, EX_REGS_SSTATUS(sp)
	csrw CSR_SSTATUS, t0
	andi t0, t0, SSTATUS_SPP
	bnez t0, 3f
	addi t0, sp, EX_REGS_FRAME       /* back to U-mode: the next trap needs this stack */
	csrw CSR_SSCRATCH, t0
3:	ld x1, 0(sp)
	ld x3, 16(sp)
	ld x4, 24(sp)
	ld x5, 32(sp)
	ld x6, 40(sp)
	ld x7, 48(sp)
	ld x8, 56(sp)
	ld x9, 64(sp)
	ld x10, 72(sp)
	ld x11, 80(sp)
	ld x12, 88(sp)
	ld x13, 96(sp)
	ld x14, 104(sp)
	ld x15, 112(sp)
	ld x16, 120(sp)
	ld x17, 128(sp)
	ld x18, 136(sp)
	ld x19, 144(sp)
	ld x20, 152(sp)
	ld x21, 160(sp)
	ld x22, 168(sp)
	ld x23, 176(sp)
	ld x24, 184(sp)
	ld x25, 192(sp)
	ld x26, 200(sp)
	ld x27, 208(sp)
	ld x28, 216(sp)
	ld x29, 224(sp)
	ld x30, 232(sp)
	ld x31, 240(sp)
	ld sp, 8(sp)
	sret

/*
 * enter_user(fn, arg, user_sp): sret to U-mode at user_trampoline, which calls
 * fn(arg) and comes back with an ecall that riscv_handle_trap recognises by its
 * address (user_exit_ecall) and turns into a longjmp to run_in_user().
 */
	.globl enter_user
enter_user:
	la t0, user_trampoline
	csrw CSR_SEPC, t0
	li t0, SSTATUS_SPP | SSTATUS_SPIE
	csrc CSR_SSTATUS, t0             /* SPP = 0: sret goes to U-mode */
	csrw CSR_SSCRATCH, sp
	mv sp, a2
	mv t1, a0
	mv a0, a1
	mv a1, t1
	sret

	.balign 4
user_trampoline:
	jalr a1
	.globl user_exit_ecall
user_exit_ecall:
	ecall
	j user_exit_ecall                /* not reached: the trap handler never returns here */
