/*
 * riscv64 entry. OpenSBI's fw_dynamic jumps here in S-mode (QEMU loads the ELF
 * at its link address, 0x80200000, and hands OpenSBI the entry point) with
 * a0 = hart ID, a1 = device tree, satp = 0 and interrupts off.
 */
#include <asm/csr.h>
#include <asm/smp.h>

#define BOOT_STACK_SIZE 32768

	.section .text.boot, "ax"
	.globl _start
_start:
	csrw CSR_SIE, zero
	csrw CSR_SSCRATCH, zero
	la t0, riscv_trap_entry
	csrw CSR_STVEC, t0
	/* BSS first (the boot stack lives there): nothing has used it yet. */
	la t0, __bss_start
	la t1, __bss_end
1:	bgeu t0, t1, 2f
	sd zero, 0(t0)
	addi t0, t0, 8
	j 1b
2:	la sp, boot_stack + BOOT_STACK_SIZE
	la tp, cpus                      /* cpus[0] is the boot CPU */
	mv s0, zero                      /* ends the frame-pointer chain */
	call riscv_boot_main
3:	wfi
	j 3b

/*
 * Secondary harts, started (or resumed from a non-retentive suspend) by SBI
 * HSM: a0 = hart ID, a1 = opaque = its struct percpu, whose first word is the
 * top of its stack.
 */
	.text
	.globl riscv_secondary_entry
	.balign 4
riscv_secondary_entry:
	csrw CSR_SIE, zero
	csrw CSR_SSCRATCH, zero
	la t0, riscv_trap_entry
	csrw CSR_STVEC, t0
	mv tp, a1
	ld sp, PERCPU_STACK_TOP(tp)
	mv s0, zero
	call riscv_secondary_main
4:	wfi
	j 4b

	.bss
	.balign 16
boot_stack:
	.space BOOT_STACK_SIZE
