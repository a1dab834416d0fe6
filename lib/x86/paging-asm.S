/*
 * Assembly for the paging tests (lib/x86/asm/paging.h): a CPL3 access made
 * from a user page, and the switch between 4- and 5-level paging.
 */
#include <asm/desc.h>

/* Kinds, as enum pg_kind; bit 8 of the kind: go through KVM's forced-emulation prefix. */
#define PG_READ 0
#define PG_WRITE 1
#define PG_FETCH 2
#define PG_IMPLICIT_READ 3
#define PG_IMPLICIT_WRITE 4
#define PG_SHSTK 5
#define PG_FEP 0x100
#define LDT_SEL 0x7                      /* LDT index 0, TI=1, RPL3 */
#define FEP ud2; .ascii "kvm"

	.text
/*
 * pg_user_access(code, rsp, kind, addr): IRET to CPL3 at `code` (a copy of
 * pg_user_stub in a user page) with RSP = rsp, ESI = kind, RDI = addr. The
 * stub leaves through INT USER_EXIT_VECTOR, which catch_exception() turns
 * into a return; a fault is caught the same way.
 */
	.globl pg_user_access
pg_user_access:
	pushq $USER_DS
	pushq %rsi
	pushq $0x2                       /* RFLAGS: IF=0, AC=0, IOPL 0 */
	pushq $USER_CS
	pushq %rdi
	mov %edx, %esi
	mov %rcx, %rdi
	mov $USER_DS, %ax
	mov %ax, %ds
	iretq

/* Position-independent: copied to a user page. */
	.globl pg_user_stub, pg_user_stub_end
pg_user_stub:
	cmp $PG_READ, %esi
	jne 1f
	movb (%rdi), %al
	jmp 9f
1:	cmp $PG_WRITE, %esi
	jne 2f
	movb $0x5a, (%rdi)
	jmp 9f
2:	cmp $PG_FETCH, %esi
	jne 3f
	call *%rdi                       /* the target page holds RET */
	jmp 9f
3:	cmp $PG_IMPLICIT_READ, %esi
	jne 4f
	mov $LDT_SEL, %edx
	lar %dx, %eax                    /* reads the LDT: implicit supervisor read */
	jmp 9f
4:	cmp $PG_IMPLICIT_WRITE, %esi
	jne 5f
	mov $LDT_SEL, %edx
	mov %dx, %es                     /* sets the descriptor's accessed bit: implicit write */
	jmp 9f
5:	cmp $(PG_READ | PG_FEP), %esi
	jne 6f
	FEP; movb (%rdi), %al
	jmp 9f
6:	cmp $(PG_WRITE | PG_FEP), %esi
	jne 7f
	FEP; movb $0x5a, (%rdi)
	jmp 9f
7:	cmp $PG_SHSTK, %esi
	jne 9f
	/* Pushes onto the shadow stack too (SSP came from IA32_PL3_SSP); not a
	 * zero-displacement CALL, which CET does not push (SDM 2A CALL). */
	call 8f
	jmp 9f
8:	ret
9:	int $USER_EXIT_VECTOR
	ud2
pg_user_stub_end:

/*
 * pg_switch_la57(cr3, la57): CR4.LA57 may change only outside IA-32e mode
 * (SDM vol. 3A 2.5: MOV to CR4 changing LA57 with EFER.LMA=1 is #GP), so:
 * to compatibility mode, CR0.PG=0 (LMA clears), CR4.LA57, CR3, CR0.PG=1
 * (LMA sets again with EFER.LME), far jump back to 64-bit mode
 * (SDM vol. 3A 10.8.5 "Initializing IA-32e Mode"). Code, stack and GDT are
 * identity-mapped below 4 GiB; CR4.PCIDE must be 0 (clearing PG with it set #GPs).
 */
	.globl pg_switch_la57
pg_switch_la57:
	push %rbx
	push %rbp
	pushfq
	cli
	mov %rdi, %rbx                   /* new CR3 (below 4 GiB) */
	mov %rsi, %rbp                   /* LA57 */
	pushq $KERNEL_CS32
	lea 1f(%rip), %rax
	push %rax
	lretq
	.code32
1:	mov %cr0, %eax
	and $0x7fffffff, %eax
	mov %eax, %cr0                   /* paging off: IA32_EFER.LMA = 0 */
	mov %cr4, %eax
	and $~(1 << 12), %eax
	test %ebp, %ebp
	jz 2f
	or $(1 << 12), %eax
2:	mov %eax, %cr4
	mov %ebx, %cr3
	mov %cr0, %eax
	or $0x80000000, %eax
	mov %eax, %cr0                   /* paging on: LMA = 1 again, compatibility mode */
	ljmp $KERNEL_CS, $3f
	.code64
3:	popfq
	pop %rbp
	pop %rbx
	ret
