/*
 * Shadow-stack management instructions for x86/cet-ssp.c (SDM vol. 2:
 * WRSS, WRUSS, INCSSP, RSTORSSP, SAVEPREVSSP, RDSSP). Assembly: the test
 * moves SSP between shadow stacks and must control every CALL and RET.
 */
	.text

/* cet_wrss(u64 a[2]) / cet_wruss(u64 a[2]): write a[1] to the shadow stack at a[0]. */
	.globl cet_wrss, cet_wrss_insn, cet_wruss, cet_wruss_insn
cet_wrss:
	mov 8(%rdi), %rax
	mov 0(%rdi), %rdx
cet_wrss_insn:
	wrssq %rax, (%rdx)
	ret
cet_wruss:
	mov 8(%rdi), %rax
	mov 0(%rdi), %rdx
cet_wruss_insn:
	wrussq %rax, (%rdx)
	ret

/*
 * cet_incssp(u64 out[2]), CPL3: out[0] SSP on entry, out[1] SSP after
 * INCSSPQ 1, which pops our own return address: leave by INT 0x81
 * (USER_EXIT_VECTOR), not RET.
 */
	.globl cet_incssp
cet_incssp:
	xor %eax, %eax
	rdsspq %rax
	mov %rax, 0(%rdi)
	mov $1, %ecx
	incsspq %rcx
	xor %eax, %eax
	rdsspq %rax
	mov %rax, 8(%rdi)
	int $0x81

/*
 * cet_switch(u64 r[8]), CPL3: switch to the shadow stack whose restore token
 * is at r[0] and back.
 *   r[1] SSP_A on entry          r[2] CF after RSTORSSP
 *   r[3] SSP after RSTORSSP      r[4] SSP after SAVEPREVSSP
 *   r[5] the restore token SAVEPREVSSP left at SSP_A - 8
 *   r[6] SSP after RSTORSSP back to it and INCSSPQ 1 (must be SSP_A again)
 */
	.globl cet_switch, cet_rstorssp_insn
cet_switch:
	xor %eax, %eax
	rdsspq %rax
	mov %rax, 8(%rdi)
	mov 0(%rdi), %rdx
cet_rstorssp_insn:
	rstorssp (%rdx)
	setc %al
	movzbl %al, %eax
	mov %rax, 16(%rdi)
	xor %eax, %eax
	rdsspq %rax
	mov %rax, 24(%rdi)
	saveprevssp
	xor %eax, %eax
	rdsspq %rax
	mov %rax, 32(%rdi)
	mov 8(%rdi), %rdx
	sub $8, %rdx
	mov (%rdx), %rax
	mov %rax, 40(%rdi)
	rstorssp (%rdx)
	mov $1, %ecx
	incsspq %rcx
	xor %eax, %eax
	rdsspq %rax
	mov %rax, 48(%rdi)
	ret

/*
 * cet_ist_run(u64 r[4]), CPL0, interrupts off, CR4.CET=1, IA32_PL0_SSP at a
 * free supervisor token r[0]: shadow stacks on (S_CET), SETSSBSY, INT 0x42
 * (an IST gate), then back off. r[1] SSP before the INT, r[2] SSP after its
 * IRET, r[3] CF of the CLRSSBSY that releases the token again.
 */
	.globl cet_ist_run, cet_ist_after
cet_ist_run:
	push %rbx
	mov %rdi, %rbx
	mov $0x6a2, %ecx                 /* IA32_S_CET = SH_STK_EN */
	mov $1, %eax
	xor %edx, %edx
	wrmsr
	setssbsy
	xor %eax, %eax
	rdsspq %rax
	mov %rax, 8(%rbx)
	int $0x42
cet_ist_after:
	xor %eax, %eax
	rdsspq %rax
	mov %rax, 16(%rbx)
	mov 0(%rbx), %rax
	clrssbsy (%rax)
	setc %dl
	movzbl %dl, %edx
	mov %rdx, 24(%rbx)
	mov $0x6a2, %ecx
	xor %eax, %eax
	xor %edx, %edx
	wrmsr
	pop %rbx
	ret
