/*
 * Shadow-stack code for x86/cet.c: it must control every CALL and RET, so it
 * is written in assembly. The user routines run at CPL3 under run_in_user()
 * (rdi = argument); the supervisor one runs at CPL0 with interrupts off.
 * Encodings: Intel SDM vol. 2 (RDSSP, SETSSBSY, CLRSSBSY), vol. 1 ch. 17.
 */
#define MSR_IA32_S_CET 0x6a2

	.text

/* cet_user_calls(u64 out[4]): out[0] SSP on entry, out[1] our return
 * address (what the shadow stack must hold at out[0]), out[2] SSP inside a
 * nested near call, out[3] SSP after that call returned. */
	.globl cet_user_calls
cet_user_calls:
	xor %eax, %eax                   /* RDSSP is a NOP when shadow stacks are off */
	rdsspq %rax
	mov %rax, 0(%rdi)
	mov (%rsp), %rax
	mov %rax, 8(%rdi)
	call 1f
	xor %eax, %eax
	rdsspq %rax
	mov %rax, 24(%rdi)
	ret
1:	xor %eax, %eax
	rdsspq %rax
	mov %rax, 16(%rdi)
	ret

/* cet_user_bad_ret: a near RET whose data-stack return address was changed. */
	.globl cet_user_bad_ret, cet_bad_ret_insn
cet_user_bad_ret:
	call 1f
	ret
1:	lea 2f(%rip), %rax
	mov %rax, (%rsp)
cet_bad_ret_insn:
	ret                              /* #CP(NEAR-RET) expected */
2:	ret                              /* reached only if the shadow stack was ignored */

/* cet_user_far(tamper): far CALL (m16:32) to our own CS and far RET; with
 * tamper != 0 the return EIP on the data stack is changed first. */
	.globl cet_user_far, cet_far_ret_insn
cet_user_far:
	sub $16, %rsp
	lea 2f(%rip), %rax
	mov %eax, (%rsp)                 /* offset (the image lives below 4 GiB) */
	movw $0x33, 4(%rsp)              /* USER_CS */
	lcall *(%rsp)
	add $16, %rsp
	ret
2:	test %rdi, %rdi
	jz cet_far_ret_insn
	lea 3f(%rip), %rax
	mov %eax, (%rsp)
cet_far_ret_insn:
	lretl                            /* #CP(FAR-RET/IRET) expected when tampered */
3:	add $16, %rsp                    /* reached only if the shadow stack was ignored */
	ret

/*
 * cet_super_run(struct sss *s), CPL0, interrupts off, CR4.CET=1:
 *   s[0] in:  token address (IA32_PL0_SSP already points at it)
 *   s[1] out: SSP after SETSSBSY      s[2] out: token after SETSSBSY
 *   s[3] out: SSP inside a near call  s[4] out: shadow-stack slot at that SSP
 *   s[5] out: CF after CLRSSBSY       s[6] out: SSP after CLRSSBSY
 *   s[7] out: token after CLRSSBSY
 *   s[8] in:  1: corrupt a near RET (expect #CP; the test's handler
 *             turns S_CET off and resumes at cet_super_recover);
 *             2: SETSSBSY a second time, on the now busy token (#CP too)
 *   s[9]:     RSP to resume with (the faulting RET left its slot behind)
 */
	.globl cet_super_run, cet_super_ret_addr, cet_super_bad_ret, cet_super_recover, cet_super_setssbsy
cet_super_run:
	push %rbx
	mov %rdi, %rbx
	mov %rsp, 72(%rbx)
	mov $MSR_IA32_S_CET, %ecx
	mov $1, %eax                     /* SH_STK_EN */
	xor %edx, %edx
	wrmsr
	setssbsy
	xor %eax, %eax
	rdsspq %rax
	mov %rax, 8(%rbx)
	mov 0(%rbx), %rax
	mov (%rax), %rax
	mov %rax, 16(%rbx)
	testq $2, 64(%rbx)
	jz 3f
cet_super_setssbsy:
	setssbsy                         /* the token is busy now: #CP(SETSSBSY) */
	jmp cet_super_recover
3:	call 1f
cet_super_ret_addr:
	testq $1, 64(%rbx)
	jz cet_super_recover
	call 2f
	jmp cet_super_recover            /* not reached when the shadow stack works */
1:	xor %eax, %eax
	rdsspq %rax
	mov %rax, 24(%rbx)
	mov (%rax), %rax
	mov %rax, 32(%rbx)
	ret
2:	lea cet_super_recover(%rip), %rax
	mov %rax, (%rsp)
cet_super_bad_ret:
	ret
cet_super_recover:
	mov 72(%rbx), %rsp
	mov $MSR_IA32_S_CET, %ecx        /* the #CP handler may have turned it off */
	mov $1, %eax
	xor %edx, %edx
	wrmsr
	mov 0(%rbx), %rax
	clrssbsy (%rax)
	setc %dl
	movzbl %dl, %edx
	mov %rdx, 40(%rbx)
	mov $-1, %rax
	rdsspq %rax
	mov %rax, 48(%rbx)
	mov 0(%rbx), %rax
	mov (%rax), %rax
	mov %rax, 56(%rbx)
	mov $MSR_IA32_S_CET, %ecx
	xor %eax, %eax
	xor %edx, %edx
	wrmsr
	pop %rbx
	ret
