/* Registers saved on every x86_64 exception, in the order lib/x86/isr.S pushes them. */
#ifndef HVUT_X86_REGS_H
#define HVUT_X86_REGS_H

#ifndef __ASSEMBLY__
struct ex_regs {
	unsigned long rax, rcx, rdx, rbx, rbp, rsi, rdi;
	unsigned long r8, r9, r10, r11, r12, r13, r14, r15;
	unsigned long vector, error_code;
	/* What the CPU pushed: */
	unsigned long rip, cs, rflags, rsp, ss;
};
#endif

#define EX_REGS_VECTOR 120   /* offsetof(struct ex_regs, vector), for isr.S */

#endif
