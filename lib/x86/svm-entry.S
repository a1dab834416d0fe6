/*
 * The world switch of the L1 hypervisor, and the code L2 starts and faults in.
 *
 * VMRUN loads and saves only part of the state (APM 15.5.1): RAX and RSP come
 * from the VMCB, the other GPRs are whatever the registers hold, and FS, GS,
 * TR, LDTR, KernelGSBase, STAR... belong to VMLOAD/VMSAVE. So around VMRUN we
 * save L1's callee-saved registers, load L2's GPRs from struct svm_gprs, and
 * after #VMEXIT (RAX = host RAX, RSP = host RSP again) store L2's GPRs back.
 */

/* struct svm_gprs offsets (lib/x86/asm/svm.h) */
#define G_RBX 0
#define G_RCX 8
#define G_RDX 16
#define G_RSI 24
#define G_RDI 32
#define G_RBP 40
#define G_R8 48
#define G_R9 56
#define G_R10 64
#define G_R11 72
#define G_R12 80
#define G_R13 88
#define G_R14 96
#define G_R15 104

	.text
/*
 * void svm_world_switch(uint64_t vmcb_pa, struct svm_gprs *g, uint64_t host_save_pa)
 * Called with GIF=0. VMSAVE L1's hidden state, VMLOAD L2's, VMRUN, VMSAVE
 * L2's, VMLOAD L1's back.
 */
	.globl svm_world_switch
svm_world_switch:
	push %rbx
	push %rbp
	push %r12
	push %r13
	push %r14
	push %r15
	push %rdi                    /* 16(%rsp) at VMRUN: VMCB */
	push %rsi                    /* 8(%rsp): GPR block */
	push %rdx                    /* 0(%rsp): host save area */
	mov %rdx, %rax
	vmsave %rax
	mov %rdi, %rax
	vmload %rax
	mov G_RBX(%rsi), %rbx
	mov G_RCX(%rsi), %rcx
	mov G_RDX(%rsi), %rdx
	mov G_RDI(%rsi), %rdi
	mov G_RBP(%rsi), %rbp
	mov G_R8(%rsi), %r8
	mov G_R9(%rsi), %r9
	mov G_R10(%rsi), %r10
	mov G_R11(%rsi), %r11
	mov G_R12(%rsi), %r12
	mov G_R13(%rsi), %r13
	mov G_R14(%rsi), %r14
	mov G_R15(%rsi), %r15
	mov G_RSI(%rsi), %rsi
	vmrun %rax
	/* #VMEXIT: RAX and RSP are L1's again, every other GPR is L2's. */
	push %rsi
	mov 16(%rsp), %rsi           /* GPR block, one slot further down now */
	mov %rbx, G_RBX(%rsi)
	mov %rcx, G_RCX(%rsi)
	mov %rdx, G_RDX(%rsi)
	mov %rdi, G_RDI(%rsi)
	mov %rbp, G_RBP(%rsi)
	mov %r8, G_R8(%rsi)
	mov %r9, G_R9(%rsi)
	mov %r10, G_R10(%rsi)
	mov %r11, G_R11(%rsi)
	mov %r12, G_R12(%rsi)
	mov %r13, G_R13(%rsi)
	mov %r14, G_R14(%rsi)
	mov %r15, G_R15(%rsi)
	pop %rax
	mov %rax, G_RSI(%rsi)
	mov 16(%rsp), %rax
	vmsave %rax
	mov 0(%rsp), %rax
	vmload %rax
	add $24, %rsp
	pop %r15
	pop %r14
	pop %r13
	pop %r12
	pop %rbp
	pop %rbx
	ret

/*
 * L2 starts here with RDI = arg, RSI = fn and a 16-byte aligned stack: it
 * calls fn(arg) and reports completion with VMMCALL (always intercepted).
 */
	.globl svm_l2_entry
svm_l2_entry:
	call *%rsi
	.globl svm_l2_done
svm_l2_done:
	vmmcall
	ud2

/*
 * L2's IDT gates 0-31: push a zero error code where the CPU pushes none,
 * push the vector, hand the frame to svm_l2_exception() (lib/x86/svm.c),
 * which longjmps to svm_l2_catch() or ends L2 with VMMCALL.
 */
.macro L2_VEC n
l2_vec_\n:
	.if (\n == 8) || (\n >= 10 && \n <= 14) || (\n == 17) || (\n == 21) || (\n == 29) || (\n == 30)
	.else
	push $0
	.endif
	push $\n
	jmp l2_exception_common
.endm

	.irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	L2_VEC \n
	.endr

l2_exception_common:
	mov %rsp, %rdi               /* vector, error code, RIP, CS, RFLAGS, RSP, SS */
	and $-16, %rsp
	call svm_l2_exception
	ud2

	.section .rodata
	.globl svm_l2_vectors
	.balign 8
svm_l2_vectors:
	.irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	.quad l2_vec_\n
	.endr
