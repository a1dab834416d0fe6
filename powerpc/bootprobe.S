/*
 * Boot-time probe, for docs/ppc64.md only (not a test): a big-endian image
 * that needs no firmware services, so the same binary boots under SLOF and
 * under hvut's firmware. It prints "HELLO" on the vty (reg 0x71000000 with
 * -nodefaults -serial stdio) and powers off through H_RTAS with QEMU's
 * power-off token (0x2003 in QEMU 7.2: see /rtas in the device tree).
 * Build: powerpc64le-linux-gnu-gcc -mbig-endian -nostdlib -static
 *        -Wl,-T,powerpc/flat.lds -o bootprobe.elf powerpc/bootprobe.S
 */
	.section .text.boot, "ax"
	.globl _start
_start:
	li 3, 0x58
	lis 4, 0x7100
	li 5, 6
	lis 6, 0x4845
	ori 6, 6, 0x4c4c
	sldi 6, 6, 32
	oris 6, 6, 0x4f0a
	li 7, 0
	sc 1
	bl 1f
1:	mflr 9
	addi 9, 9, buf - 1b
	li 0, 0x2003
	stw 0, 0(9)
	li 0, 2
	stw 0, 4(9)
	li 0, 1
	stw 0, 8(9)
	li 0, 0
	stw 0, 12(9)
	stw 0, 16(9)
	li 3, 0
	ori 3, 3, 0xf000
	mr 4, 9
	sc 1
	b .
	.balign 8
buf:	.space 64
