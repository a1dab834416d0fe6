/*
 * x86_64 entry: multiboot v1 hands us 32-bit protected mode with paging off
 * (EAX = 0x2BADB002, EBX = multiboot info). We build 1:1 page tables for the
 * first 4 GiB, enter long mode and call the C boot code. The AP trampoline
 * at the end is copied below 1 MiB for INIT/SIPI.
 */
#include <asm/desc.h>

#define MB_MAGIC 0x1BADB002
/* bit 0: page-align modules, bit 1: memory info, bit 16: addresses below are valid */
#define MB_FLAGS ((1 << 0) | (1 << 1) | (1 << 16))
#define STACK_SIZE 16384
#define AP_TRAMPOLINE 0x8000

	.section .multiboot, "a"
	.balign 4
mb_header:
	.long MB_MAGIC
	.long MB_FLAGS
	.long -(MB_MAGIC + MB_FLAGS)
	.long mb_header          /* header_addr */
	.long __image_start      /* load_addr */
	.long __data_end         /* load_end_addr */
	.long __image_end        /* bss_end_addr */
	.long mb_entry           /* entry_addr */

	.section .text.boot, "ax"
	.code32
	.globl mb_entry
mb_entry:
	cli
	cld
	mov %ebx, %esi                   /* keep the multiboot info pointer */
	lgdt gdt_ptr32
	ljmp $KERNEL_CS32, $1f
1:	mov $KERNEL_DS, %ax
	mov %ax, %ds
	mov %ax, %es
	mov %ax, %ss
	mov %ax, %fs
	mov %ax, %gs
	/*
	 * zero .bss: loaders differ in whether they do. By dwords (flat.lds aligns
	 * both ends): TCG runs each iteration of a REP string instruction as one
	 * translation-block execution, and 785 KB of bytes were most of an empty
	 * test's boot.
	 */
	mov $__data_end, %edi
	mov $__image_end, %ecx
	sub %edi, %ecx
	shr $2, %ecx
	xor %eax, %eax
	rep stosl
	mov $boot_stack_top, %esp

	/* PML4[0] -> PDPT; PDPT[0..3] -> four page directories of 2 MiB pages. */
	mov $pdpt, %eax
	or $7, %eax                      /* present, writable, user */
	mov %eax, pml4
	xor %ecx, %ecx
2:	mov %ecx, %eax
	shl $12, %eax
	add $pd, %eax
	or $7, %eax
	mov %eax, pdpt(,%ecx,8)
	inc %ecx
	cmp $4, %ecx
	jb 2b
	xor %ecx, %ecx                   /* 2048 entries of 2 MiB = 4 GiB */
3:	mov %ecx, %eax
	shl $21, %eax
	or $0x87, %eax                   /* present, writable, user, page size */
	mov %eax, pd(,%ecx,8)
	mov %ecx, %eax
	shr $11, %eax                    /* bits 32+ of the address: 0 below 4 GiB */
	mov %eax, pd+4(,%ecx,8)
	inc %ecx
	cmp $2048, %ecx
	jb 3b

	call enter_long_mode
	ljmp $KERNEL_CS, $start64

/* PAE, CR3, EFER.LME (+NXE when CPUID says so), paging. Shared with the APs. */
enter_long_mode:
	mov %cr4, %eax
	or $(1 << 5), %eax               /* PAE */
	mov %eax, %cr4
	mov $pml4, %eax
	mov %eax, %cr3
	mov $0x80000001, %eax
	cpuid
	xor %ebx, %ebx
	bt $20, %edx                     /* NX */
	jnc 4f
	mov $(1 << 11), %ebx
4:	mov $0xc0000080, %ecx
	rdmsr
	or $(1 << 8), %eax               /* LME */
	or %ebx, %eax
	wrmsr
	mov %cr0, %eax
	or $0x80010001, %eax             /* PG, WP, PE */
	mov %eax, %cr0
	ret

	.code64
start64:
	lgdt gdt_ptr64
	mov $KERNEL_DS, %ax
	mov %ax, %ds
	mov %ax, %es
	mov %ax, %ss
	xor %eax, %eax
	mov %ax, %fs
	mov %ax, %gs
	mov $boot_stack_top, %rsp
	xor %ebp, %ebp                   /* the backtrace ends here */
	mov %esi, %edi                   /* multiboot info */
	call x86_boot_main
5:	hlt
	jmp 5b

/* APs arrive here from the trampoline, in long mode on the boot page tables. */
	.globl ap_start64
ap_start64:
	lgdt gdt_ptr64
	mov $KERNEL_DS, %ax
	mov %ax, %ds
	mov %ax, %es
	mov %ax, %ss
	xor %eax, %eax
	mov %ax, %fs
	mov %ax, %gs
	/* stack: the one the BSP left for this AP in ap_stack_top */
	mov ap_stack_top(%rip), %rsp
	xor %ebp, %ebp
	call x86_ap_main
6:	hlt
	jmp 6b

/*
 * Real-mode trampoline, copied to AP_TRAMPOLINE (a SIPI vector is a page
 * number below 1 MiB). It runs from that copy, so addresses inside it are
 * computed relative to AP_TRAMPOLINE.
 */
#define T(x) ((x) - ap_trampoline + AP_TRAMPOLINE)
	.code16
	.globl ap_trampoline, ap_trampoline_end
ap_trampoline:
	cli
	cld
	xor %ax, %ax
	mov %ax, %ds
	lgdtl T(tramp_gdt_ptr)
	mov %cr0, %eax
	or $1, %eax
	mov %eax, %cr0
	ljmpl $KERNEL_CS32, $T(ap_tramp32)
	.code32
ap_tramp32:
	mov $KERNEL_DS, %ax
	mov %ax, %ds
	mov %ax, %es
	mov %ax, %ss
	mov $ap_boot_stack_top, %esp     /* only for the call below; shared, APs start one at a time */
	mov $enter_long_mode, %eax
	call *%eax
	ljmp $KERNEL_CS, $ap_start64
	.balign 8
tramp_gdt:
	.quad 0
	.quad 0x00af9b000000ffff         /* 0x08: 64-bit code */
	.quad 0x00cf93000000ffff         /* 0x10: data */
	.quad 0x00cf9b000000ffff         /* 0x18: 32-bit code */
tramp_gdt_ptr:
	.word tramp_gdt_ptr - tramp_gdt - 1
	.long T(tramp_gdt)
ap_trampoline_end:
#undef T

	.data
	.balign 16
/* The boot GDT; lib/x86/desc.c installs the full one (with TSSs) later. */
boot_gdt:
	.quad 0
	.quad 0x00af9b000000ffff         /* KERNEL_CS: 64-bit code */
	.quad 0x00cf93000000ffff         /* KERNEL_DS */
	.quad 0x00cf9b000000ffff         /* KERNEL_CS32 */
boot_gdt_end:
gdt_ptr32:
	.word boot_gdt_end - boot_gdt - 1
	.long boot_gdt
gdt_ptr64:
	.word boot_gdt_end - boot_gdt - 1
	.quad boot_gdt
	.globl ap_stack_top
ap_stack_top:
	.quad 0

	.bss
	.balign 4096
	.globl pml4
pml4:	.skip 4096
pdpt:	.skip 4096
pd:	.skip 4 * 4096
	.balign 16
	.skip STACK_SIZE
boot_stack_top:
	.skip 256
ap_boot_stack_top:
