/*
 * ppc64 entry points. QEMU loads the ELF at its link address (vmm.sh passes
 * kernel-addr=0) and hvut's firmware jumps to the image's first byte with
 * r3 = the device tree. Secondary CPUs arrive at secondary_entry from RTAS
 * start-cpu with r3 = their struct cpu.
 *
 * Both arrive in real mode, and RTAS starts CPUs big-endian whatever we are
 * (so does firmware), so each entry begins with ENTER_NATIVE below.
 */
#include <asm/smp.h>

#ifdef __LITTLE_ENDIAN__
/*
 * The first word is 0x48000008 read big-endian, "b .+8", and 0x08000048 read
 * little-endian, "tdi 0,0,0x48", which never traps (TO = 0). So a
 * little-endian CPU falls through to "b \target"; a big-endian one runs the
 * byte-reversed stub, which sets MSR[LE] with rfid and resumes at that same
 * "b \target" (stub: bl .+4; mflr r11; addi r11,r11,-8; mfmsr r12;
 * ori r12,r12,1; mtsrr0 r11; mtsrr1 r12; rfid — encodings from the ISA,
 * checked with a big-endian assembler).
 */
	.macro ENTER_NATIVE target
	.byte 0x48, 0x00, 0x00, 0x08
	b	\target
	.byte 0x48, 0x00, 0x00, 0x05
	.byte 0x7d, 0x68, 0x02, 0xa6
	.byte 0x39, 0x6b, 0xff, 0xf8
	.byte 0x7d, 0x80, 0x00, 0xa6
	.byte 0x61, 0x8c, 0x00, 0x01
	.byte 0x7d, 0x7a, 0x03, 0xa6
	.byte 0x7d, 0x9b, 0x03, 0xa6
	.byte 0x4c, 0x00, 0x00, 0x24
	.endm
#else
	.macro ENTER_NATIVE target
	b	\target
	.endm
#endif

/*
 * QEMU starts the CPUs (and RTAS start-cpu the secondaries) with MSR[SF] = 0
 * (mfmsr read 0x1 on QEMU 7.2). In 32-bit mode XER[CA] and the record forms'
 * CR0 come from the low 32 bits (Power ISA v3.1 Book I 3.3.9), so gcc's
 * carry-based 64-bit comparisons answer wrong (a timebase 0x3_01233cee came
 * out "below" 0x0_01529ce9). So 64-bit mode before any C. (MSR[ME] stays
 * as the hypervisor set it: a supervisor mtmsrd does not change it.)
 * MSR[FP], MSR[VEC] and MSR[VSX] go off here too: the port has no FP or
 * vector code, so any such instruction should trap, and QEMU 10.0 starts
 * the CPU with MSR[FP] = 1 (0x3001) where 7.2 starts it with 0.
 */
	.macro ENTER_64BIT
	mfmsr	12
	li	11, 1
	sldi	11, 11, 63          /* MSR[SF] */
	or	12, 12, 11
	lis	11, 0x0280          /* MSR[VEC] 0x2000000 | MSR[VSX] 0x800000 */
	ori	11, 11, 0x2000      /* MSR[FP] */
	andc	12, 12, 11
	mtmsrd	12
	.endm

	.macro LOAD_TOC
	lis	2, .TOC.@ha         /* linked below 2 GiB and not relocated: absolute is fine */
	addi	2, 2, .TOC.@l
	.endm

	.section .text.boot, "ax"
	.globl _start
_start:
	ENTER_NATIVE boot
boot:
	ENTER_64BIT
	mr	31, 3               /* the device tree */
	LOAD_TOC
	/* Clear .bss (8-byte aligned by the linker script) before using the stack in it. */
	lis	4, __bss_start@ha
	addi	4, 4, __bss_start@l
	lis	5, __bss_end@ha
	addi	5, 5, __bss_end@l
	li	0, 0
1:	cmpld	4, 5
	bge	2f
	std	0, 0(4)
	addi	4, 4, 8
	b	1b
2:	lis	1, boot_stack_top@ha
	addi	1, 1, boot_stack_top@l
	stdu	0, -32(1)           /* a null back chain ends backtraces */
	mr	3, 31
	bl	ppc_boot_main
	nop
	b	.

	.globl secondary_entry
secondary_entry:
	ENTER_NATIVE secondary
secondary:
	ENTER_64BIT
	LOAD_TOC
	ld	1, CPU_STACK(3)
	li	0, 0
	stdu	0, -32(1)
	bl	ppc_secondary_main
	nop
	b	.

/*
 * The same for a CPU started again after RTAS stop-self (powerpc/rtas.c's
 * stop-self check): a second entry point, so the test can tell which one
 * start-cpu used.
 */
	.globl secondary_restart_entry
secondary_restart_entry:
	ENTER_NATIVE restart
restart:
	ENTER_64BIT
	LOAD_TOC
	ld	1, CPU_STACK(3)
	li	0, 0
	stdu	0, -32(1)
	bl	ppc_secondary_restart
	nop
	b	.

	.bss
	.balign 16
	.space 32768
boot_stack_top:
