/*
 * Indirect-branch targets and branches for x86/cet-ibt.c (cet-branches.S:
 * its own object name) (user mode). The
 * test controls which instruction an indirect branch lands on, so this is
 * assembly. ENDBR64 = F3 0F 1E FA (SDM vol. 2A ENDBR64); NOTRACK = the 3E
 * prefix on an indirect CALL/JMP (SDM vol. 1 "Indirect Branch Tracking").
 * Each routine is called by user_trampoline's CALL *%rsi with rdi = arg.
 */
	.text

/* A target that starts with ENDBR64. */
	.globl ibt_endbr
ibt_endbr:
	endbr64
	ret

/* A target that does not: #CP(ENDBRANCH) here when tracking is on. */
	.globl ibt_plain
ibt_plain:
	nop
	ret

/* ibt_call(target): indirect CALL. */
	.globl ibt_call
ibt_call:
	endbr64
	call *%rdi
	ret

/* ibt_notrack_call(target): NOTRACK indirect CALL. */
	.globl ibt_notrack_call
ibt_notrack_call:
	endbr64
	notrack call *%rdi
	ret

/* ibt_jmp(target): indirect JMP; the target's RET comes back to 1f. */
	.globl ibt_jmp
ibt_jmp:
	endbr64
	lea 1f(%rip), %rax
	push %rax
	jmp *%rdi
1:	ret

/* A target without ENDBR64 alone in its 4 KiB page: the legacy bitmap can name it. */
	.balign 4096
	.globl ibt_legacy
ibt_legacy:
	nop
	ret
	.balign 4096

/*
 * Supervisor IBT. ibt_super_call(target): S_CET = ENDBR_EN with interrupts
 * off, indirect CALL to target, S_CET = 0. ibt_cp_entry: an IDT entry for
 * #CP that starts with ENDBR64 (event delivery at CPL0 with S_CET.ENDBR_EN
 * waits for one), turns S_CET off and continues at hvut's own #CP stub,
 * whose address x86/cet-ibt.c stores in ibt_cp_next.
 */
	.text
	.globl ibt_super_call, ibt_cp_entry, ibt_cp_next
ibt_super_call:
	pushfq
	cli
	push %rdi
	mov $0x6a2, %ecx
	mov $4, %eax                     /* ENDBR_EN */
	xor %edx, %edx
	wrmsr
	pop %rdi
	call *%rdi
	mov $0x6a2, %ecx
	xor %eax, %eax
	xor %edx, %edx
	wrmsr
	popfq
	ret

ibt_cp_entry:
	endbr64
	push %rax
	push %rcx
	push %rdx
	mov $0x6a2, %ecx
	xor %eax, %eax
	xor %edx, %edx
	wrmsr
	pop %rdx
	pop %rcx
	pop %rax
	jmp *ibt_cp_next(%rip)

	.data
	.balign 8
ibt_cp_next:
	.quad 0
