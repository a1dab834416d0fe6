/*
 * One entry stub per IDT vector. Each pushes a dummy error code where the CPU
 * pushes none, then the vector, so every exception reaches the C handler with
 * the same frame: struct ex_regs in <asm/regs.h>.
 */
#include <asm/regs.h>

/* Vectors for which the CPU pushes an error code (SDM vol. 3, table 6-1). */
#define HAS_ERROR_CODE(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || (v) == 21 || (v) == 29 || (v) == 30)

	.text
	.globl isr_stubs
	.balign 16
/* Each stub is padded to 16 bytes so desc.c finds stub n at isr_stubs + 16 n. */
isr_stubs:
	vector = 0
	.rept 256
	.balign 16
	.if HAS_ERROR_CODE(vector)
	pushq $vector
	.else
	pushq $0
	pushq $vector
	.endif
	jmp isr_common
	vector = vector + 1
	.endr

isr_common:
	push %r15
	push %r14
	push %r13
	push %r12
	push %r11
	push %r10
	push %r9
	push %r8
	push %rdi
	push %rsi
	push %rbp
	push %rbx
	push %rdx
	push %rcx
	push %rax
	mov %rsp, %rdi
	cld
	call x86_handle_exception
	pop %rax
	pop %rcx
	pop %rdx
	pop %rbx
	pop %rbp
	pop %rsi
	pop %rdi
	pop %r8
	pop %r9
	pop %r10
	pop %r11
	pop %r12
	pop %r13
	pop %r14
	pop %r15
	add $16, %rsp                    /* vector and error code */
	iretq

/*
 * enter_user(fn, arg, user_rsp): IRET to CPL3 at user_trampoline with rdi =
 * arg and rsi = fn. The user code comes back with INT USER_EXIT_VECTOR, which
 * the exception handler turns into a longjmp to run_in_user()'s caller.
 */
	.globl enter_user
enter_user:
	mov %rdx, %rax
	pushq $0x2b                      /* USER_DS */
	push %rax                        /* user RSP */
	pushfq
	andq $~0x100, (%rsp)             /* no single-stepping into user code */
	pushq $0x33                      /* USER_CS */
	lea user_trampoline(%rip), %rax
	push %rax
	xchg %rdi, %rsi                  /* rdi = arg, rsi = fn */
	mov $0x2b, %ax
	mov %ax, %ds
	mov %ax, %es
	iretq

	.globl user_trampoline
user_trampoline:
	xor %ebp, %ebp
	call *%rsi
	int $0x81                        /* USER_EXIT_VECTOR */
	ud2
