/*
 * Code L2 runs: each function does one thing whose exit (or absence of one)
 * the tests look at, with a label on the instruction so L1 can compare the
 * exit's RIP. They run at CPL0 or CPL3 (vmx_vcpu_set_entry), System V ABI.
 */
	.text
.macro fn name
	.globl \name
	.balign 16
\name:
.endm
.macro insn name
	.globl \name
\name:
.endm

fn l2_nop
	ret

fn l2_cpuid
	push %rbx
	mov %rdi, %r8
	xor %eax, %eax
	xor %ecx, %ecx
insn l2_cpuid_insn
	cpuid
	mov %eax, 0(%r8)
	mov %ebx, 4(%r8)
	mov %ecx, 8(%r8)
	mov %edx, 12(%r8)
	pop %rbx
	ret

fn l2_hlt
insn l2_hlt_insn
	hlt
	ret

fn l2_vmcall
	mov (%rdi), %rax
insn l2_vmcall_insn
	vmcall
	mov %rax, (%rdi)
	ret

fn l2_rdmsr
	mov (%rdi), %ecx
	rdmsr
	mov %eax, 8(%rdi)
	mov %edx, 12(%rdi)
	ret

fn l2_wrmsr
	mov (%rdi), %ecx
	mov 8(%rdi), %eax
	mov 12(%rdi), %edx
	wrmsr
	ret

/* The VMCALL between the two reads is where L1 changes the MSR bitmap. */
fn l2_rdmsr_twice
	mov %rdi, %rsi
	mov (%rsi), %ecx
	rdmsr
	mov %eax, 8(%rsi)
	mov %edx, 12(%rsi)
	vmcall
	mov (%rsi), %ecx
	rdmsr
	mov %eax, 16(%rsi)
	mov %edx, 20(%rsi)
	ret

fn l2_out80
	mov $0x5a, %al
	out %al, $0x80
	ret

fn l2_in_dx
	movzwl (%rdi), %edx
	mov $0xee, %eax
	in %dx, %al
	movzbl %al, %eax
	mov %rax, 8(%rdi)
	ret

fn l2_ud2
insn l2_ud2_insn
	ud2
	ret

fn l2_read
insn l2_read_insn
	movzbl (%rdi), %eax
	ret

fn l2_write
	movb $0xc3, (%rdi)
	ret

fn l2_call
	call *%rdi
	ret

fn l2_spin
1:	pause
	jmp 1b

/* SEAMCALL = 66 0F 01 CF, TDCALL = 66 0F 01 CC: 4 bytes each. */
fn l2_seamcall
insn l2_seamcall_insn
	.byte 0x66, 0x0f, 0x01, 0xcf
	ret

fn l2_tdcall
insn l2_tdcall_insn
	.byte 0x66, 0x0f, 0x01, 0xcc
	ret
