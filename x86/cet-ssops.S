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
