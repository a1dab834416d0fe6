/*
 * The L1 <-> L2 switch and the code L2 runs on its own behalf (SDM vol. 3,
 * "VM Entries", "VM Exits"). C cannot do this: between VMLAUNCH and the VM
 * exit every general-purpose register belongs to L2, and a VM exit resumes
 * at HOST_RIP with HOST_RSP and nothing else of L1's registers.
 */
#include <asm/regs.h>

#define HOST_RSP 0x6c14

/* struct vmx_gprs offsets */
#define G_RAX 0
#define G_RCX 8
#define G_RDX 16
#define G_RBX 24
#define G_RBP 32
#define G_RSI 40
#define G_RDI 48
#define G_R8 56
#define G_R9 64
#define G_R10 72
#define G_R11 80
#define G_R12 88
#define G_R13 96
#define G_R14 104
#define G_R15 112

	.text
/*
 * enum vmx_status vmx_enter(struct vmx_gprs *regs, bool launched)
 * Returns 0 after a VM exit (L2's registers saved in *regs), 1 for
 * VMfailInvalid, 2 for VMfailValid. RFLAGS (IF) is restored either way: a VM
 * exit loads RFLAGS with only bit 1 set.
 */
	.globl vmx_enter
vmx_enter:
	pushfq
	push %rbp
	push %rbx
	push %r12
	push %r13
	push %r14
	push %r15
	push %rdi                       /* regs: the exit path finds it at HOST_RSP */
	mov $HOST_RSP, %eax
	vmwrite %rsp, %rax
	jbe 3f
	test %sil, %sil                 /* bool: only the low byte is defined (SysV ABI); MOVs leave ZF */
	mov G_RAX(%rdi), %rax
	mov G_RCX(%rdi), %rcx
	mov G_RDX(%rdi), %rdx
	mov G_RBX(%rdi), %rbx
	mov G_RBP(%rdi), %rbp
	mov G_RSI(%rdi), %rsi
	mov G_R8(%rdi), %r8
	mov G_R9(%rdi), %r9
	mov G_R10(%rdi), %r10
	mov G_R11(%rdi), %r11
	mov G_R12(%rdi), %r12
	mov G_R13(%rdi), %r13
	mov G_R14(%rdi), %r14
	mov G_R15(%rdi), %r15
	mov G_RDI(%rdi), %rdi
	jnz 1f
	vmlaunch
	jmp 3f
1:	vmresume
	/* Still here: the entry failed as an instruction; CF or ZF say how. */
3:	mov $1, %eax
	jc 4f
	mov $2, %eax
	jz 4f
	mov $3, %eax                    /* neither flag: not a VMX status, caller reports it */
4:	add $8, %rsp
	pop %r15
	pop %r14
	pop %r13
	pop %r12
	pop %rbx
	pop %rbp
	popfq
	ret

/* HOST_RIP: RSP is what vmx_enter wrote to HOST_RSP, (%rsp) the regs pointer. */
	.globl vmx_host_rip
vmx_host_rip:
	push %rdi
	mov 8(%rsp), %rdi
	mov %rax, G_RAX(%rdi)
	mov %rcx, G_RCX(%rdi)
	mov %rdx, G_RDX(%rdi)
	mov %rbx, G_RBX(%rdi)
	mov %rbp, G_RBP(%rdi)
	mov %rsi, G_RSI(%rdi)
	mov %r8, G_R8(%rdi)
	mov %r9, G_R9(%rdi)
	mov %r10, G_R10(%rdi)
	mov %r11, G_R11(%rdi)
	mov %r12, G_R12(%rdi)
	mov %r13, G_R13(%rdi)
	mov %r14, G_R14(%rdi)
	mov %r15, G_R15(%rdi)
	popq G_RDI(%rdi)
	add $8, %rsp
	pop %r15
	pop %r14
	pop %r13
	pop %r12
	pop %rbx
	pop %rbp
	popfq
	xor %eax, %eax
	ret

/*
 * L2 starts here with RSI = the function and RDI = its argument; when the
 * function returns, the VMCALL at vmx_l2_done tells L1 (which knows the
 * address) that L2 is finished. Works at CPL3 too: VMCALL exits at any CPL.
 */
	.globl vmx_l2_entry, vmx_l2_done
vmx_l2_entry:
	call *%rsi
vmx_l2_done:
	vmcall
	ud2

/*
 * L2's IDT: one 16-byte stub per exception vector. Each makes the frame
 * uniform (a 0 error code where the CPU pushes none), pushes the vector and
 * RAX, and executes the VMCALL at vmx_l2_fault; L1 reads the frame at L2's
 * RSP: RAX, vector, error code, RIP, CS, RFLAGS, RSP, SS.
 */
.macro l2_stub vec
	.balign 16
	.if (\vec == 8) || ((\vec >= 10) && (\vec <= 14)) || (\vec == 17) || (\vec == 21) || (\vec == 29) || (\vec == 30)
	.else
	pushq $0
	.endif
	pushq $\vec
	jmp l2_fault_common
.endm

	.balign 16
	.globl vmx_l2_idt_stubs
vmx_l2_idt_stubs:
	.irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	l2_stub \v
	.endr

l2_fault_common:
	push %rax
	.globl vmx_l2_fault
vmx_l2_fault:
	vmcall
	ud2
