/*
 * hvut's x86 firmware: the reset vector and the switch to 32-bit protected
 * mode, then fw_main() (x86/fw-main.c) loads the test and enters it the way
 * a multiboot loader does. One 64 KiB ROM for QEMU (-bios) and Bochs
 * (romimage); docs/x86-boot.md explains the boot path.
 *
 * After reset the CPU runs real-mode code at 0xfffffff0 with CS base
 * 0xffff0000 (Intel SDM Vol. 3A, 10.1.4 "First Instruction Executed"), so the
 * whole ROM is one 64 KiB code segment and 16-bit offsets are addresses
 * minus 0xffff0000, where the linker script puts fw_real_start. Nothing is
 * written to the ROM: the stack is in low RAM.
 */
#define FW_CS 0x08
#define FW_DS 0x10
#define FW_STACK_TOP 0x70000

	.section .text.fw16, "ax"
	.code16
fw_real_start:
	cli
	cld
	lgdtl %cs:(fw_gdt_ptr - fw_real_start)   /* fw_real_start is at FW_BASE */
	mov %cr0, %eax
	and $~((1 << 30) | (1 << 29)), %eax   /* CD, NW: caches on, as a BIOS leaves them */
	or $1, %eax                           /* PE */
	mov %eax, %cr0
	ljmpl $FW_CS, $fw_start32

	.code32
fw_start32:
	mov $FW_DS, %ax
	mov %ax, %ds
	mov %ax, %es
	mov %ax, %ss
	mov %ax, %fs
	mov %ax, %gs
	mov $FW_STACK_TOP, %esp
	call fw_main
1:	hlt
	jmp 1b

/*
 * fw_enter(entry, mbi): the multiboot hand-off (Multiboot 0.6.96, 3.2
 * "Machine state"): EAX = 0x2BADB002, EBX = the information structure,
 * 32-bit flat segments, paging off, interrupts off.
 */
	.globl fw_enter
fw_enter:
	mov 4(%esp), %ecx
	mov 8(%esp), %ebx
	mov $0x2BADB002, %eax
	jmp *%ecx

/* In this section, so that its 16-bit offset above is a constant. Accessed bits preset: the CPU would otherwise try to set them in ROM. */
fw_gdt:
	.quad 0
	.quad 0x00cf9b000000ffff         /* FW_CS: 32-bit code, base 0, 4 GiB */
	.quad 0x00cf93000000ffff         /* FW_DS */
fw_gdt_ptr:
	.word fw_gdt_ptr - fw_gdt - 1
	.long fw_gdt

	.section .reset, "ax"
	.code16
	.globl fw_reset
fw_reset:                                /* 0xfffffff0 */
	jmp fw_real_start
