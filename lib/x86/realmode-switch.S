/*
 * Long mode -> real mode -> long mode, for realmode_call() (lib/x86/realmode.c,
 * lib/x86/asm/realmode.h). Steps and rules from the SDM vol. 3A chapter 9:
 *
 *   out: 64-bit -> compatibility mode (far return to a 32-bit code segment in
 *   an identity-mapped page) -> CR0.PG = 0, which deactivates IA-32e mode
 *   (EFER.LMA = 0) -> EFER.LME = 0 (9.8.5.4) -> 16-bit protected-mode code
 *   and data segments of 64 KiB limit -> IDTR = the real-mode IVT -> CR0.PE = 0
 *   -> far jump to real-mode code -> real-mode segment registers (9.9.2).
 *   back: LGDT, CR0.PE = 1, far jump to 32-bit code (9.9.1) -> CR3, EFER.LME = 1,
 *   CR0.PG = 1 (EFER.LMA = 1) -> far jump to 64-bit code (9.8.5).
 *
 * The part from rm_low to rm_low_end runs from its copy at REALMODE_CODE:
 * T(x) is x's address there, D(x) a field of struct realmode_data.
 */
#include <asm/desc.h>
#include <asm/realmode.h>

#define MSR_EFER 0xc0000080
#define EFER_LME (1 << 8)
#define MSR_FS_BASE 0xc0000100
#define MSR_GS_BASE 0xc0000101
#define T(x) ((x) - rm_low + REALMODE_CODE)
#define D(off) (REALMODE_DATA + (off))

	.text
	.code64
	.globl realmode_switch
/* void realmode_switch(void): realmode.c filled struct realmode_data. */
realmode_switch:
	push %rbx
	push %rbp
	push %r12
	push %r13
	push %r14
	push %r15
	pushfq
	cli
	mov $MSR_FS_BASE, %ecx
	rdmsr
	push %rdx
	push %rax
	mov $MSR_GS_BASE, %ecx
	rdmsr
	push %rdx
	push %rax
	sgdt D(RMD_GDTR64)
	sidt D(RMD_IDTR64)
	mov %rsp, D(RMD_RSP)
	mov %cr0, %rax
	mov %eax, D(RMD_CR0)
	mov %cr3, %rax
	mov %eax, D(RMD_CR3)
	pushq $KERNEL_CS32
	pushq $REALMODE_CODE
	lretq

/* Back from the low copy, in 64-bit mode on the test's GDT and IDT. */
realmode_back:
	xor %eax, %eax
	mov %ax, %fs
	mov %ax, %gs
	mov $MSR_GS_BASE, %ecx
	pop %rax
	pop %rdx
	wrmsr
	mov $MSR_FS_BASE, %ecx
	pop %rax
	pop %rdx
	wrmsr
	popfq
	pop %r15
	pop %r14
	pop %r13
	pop %r12
	pop %rbp
	pop %rbx
	ret

	.globl rm_low, rm_low_end
	.code32
rm_low:
	/* Compatibility mode, on the test's GDT. SS may be null after run_in_user(). */
	mov $KERNEL_DS, %ax
	mov %ax, %ds
	mov %ax, %es
	mov %ax, %ss
	mov %cr0, %eax
	and $0x7fffffff, %eax
	mov %eax, %cr0                   /* PG = 0: IA-32e mode off, EFER.LMA = 0 */
	mov $MSR_EFER, %ecx
	rdmsr
	mov %eax, D(RMD_EFER_PG_OFF)
	and $~EFER_LME, %eax
	wrmsr
	lgdt D(RMD_GDT_PTR)
	ljmp $RM_SEL_CS16, $T(rm_pm16)

	.code16
rm_pm16:
	mov $RM_SEL_DS16, %ax            /* 64 KiB limit, byte granular, as 9.9.2 asks */
	mov %ax, %ds
	mov %ax, %es
	mov %ax, %fs
	mov %ax, %gs
	mov %ax, %ss
	lidtl D(RMD_IVT_PTR)
	mov %cr0, %eax
	and $0xfffffffe, %eax
	mov %eax, %cr0                   /* PE = 0 */
	ljmp $0, $T(rm_real)
rm_real:
	xor %ax, %ax
	mov %ax, %ds
	mov %ax, %es
	mov %ax, %fs
	mov %ax, %gs
	mov %ax, %ss
	mov $REALMODE_STACK_TOP, %sp
	mov %cr0, %eax
	mov %eax, D(RMD_CR0_REAL)
	pushl D(RMD_EFLAGS)
	popfl
	mov D(RMD_BLOB_PTR + 2), %ax     /* the blob's segment */
	mov %ax, %ds
	mov %ax, %es
	mov %cs:D(RMD_REGS + 0), %eax
	mov %cs:D(RMD_REGS + 4), %ebx
	mov %cs:D(RMD_REGS + 8), %ecx
	mov %cs:D(RMD_REGS + 12), %edx
	mov %cs:D(RMD_REGS + 16), %esi
	mov %cs:D(RMD_REGS + 20), %edi
	mov %cs:D(RMD_REGS + 24), %ebp
	lcall *%cs:D(RMD_BLOB_PTR)
	pushfl
	popl %cs:D(RMD_EFLAGS)
	mov %eax, %cs:D(RMD_REGS + 0)
	mov %ebx, %cs:D(RMD_REGS + 4)
	mov %ecx, %cs:D(RMD_REGS + 8)
	mov %edx, %cs:D(RMD_REGS + 12)
	mov %esi, %cs:D(RMD_REGS + 16)
	mov %edi, %cs:D(RMD_REGS + 20)
	mov %ebp, %cs:D(RMD_REGS + 24)
	cli
	cld
	xor %ax, %ax
	mov %ax, %ds
	lgdtl D(RMD_GDT_PTR)
	mov %cr0, %eax
	or $1, %eax
	mov %eax, %cr0                   /* PE = 1 */
	ljmpl $RM_SEL_CS32, $T(rm_pm32)

	.code32
rm_pm32:
	mov $RM_SEL_DS, %ax
	mov %ax, %ds
	mov %ax, %es
	mov %ax, %fs
	mov %ax, %gs
	mov %ax, %ss
	mov D(RMD_CR3), %eax
	mov %eax, %cr3
	mov $MSR_EFER, %ecx
	rdmsr
	or $EFER_LME, %eax
	wrmsr
	rdmsr
	mov %eax, D(RMD_EFER_LME_ON)
	mov D(RMD_CR0), %eax
	mov %eax, %cr0                   /* PG = 1 with LME = 1: EFER.LMA = 1 */
	ljmp $RM_SEL_CS64, $T(rm_lm64)

	.code64
rm_lm64:
	lgdt D(RMD_GDTR64)
	lidt D(RMD_IDTR64)
	mov $KERNEL_DS, %eax
	mov %eax, %ds
	mov %eax, %es
	mov %eax, %ss
	mov D(RMD_RSP), %rsp
	movabs $realmode_back, %rax
	pushq $KERNEL_CS
	push %rax
	lretq
rm_low_end:
