/*
 * emulator-fep: KVM's instruction emulator (arch/x86/kvm/emulate.c) on
 * instructions that never reach it otherwise. KVM emulates an instruction
 * when it touches MMIO or a page KVM must trap (x86/emulator.c tests that
 * path); register-only ALU instructions, CPUID, MOV CR/DR, far transfers and
 * IRET run on the CPU. KVM's forced-emulation prefix (module parameter
 * kvm.force_emulation_prefix=1) sends the next instruction through the
 * emulator anyway, so each instruction here runs twice from the same
 * registers and flags, without the prefix (the CPU, the reference) and with
 * it (the emulator), and must give the same result: registers, the flags the
 * SDM defines for it, and the same exception.
 *
 * Where the prefix is not honoured (TCG, Bochs, KVM without the parameter)
 * it is a UD2: the test SKIPs naming why. The cfg entry is for the kvm lane
 * (scripts/kvm-lane.sh loads kvm with force_emulation_prefix=1).
 *
 * This file: the harness and the register-only cases; emulator-fep-sys.c:
 * system instructions, control transfers, string instructions and faults.
 * Arguments select parts: alu system string fault transfer (default: all).
 */
#include "emulator-fep.h"
#include <asm/desc.h>
#include <asm/processor.h>

/* Register-only instructions (SDM vol. 2 instruction pages; flags as each page's "Flags Affected"). */
FEP_CASE(add8, FEP "addb %bl, %al")
FEP_CASE(add8h, FEP "addb %bh, %ah")
FEP_CASE(add16, FEP "addw %bx, %ax")
FEP_CASE(add32, FEP "addl %ebx, %eax")
FEP_CASE(add64, FEP "addq %rbx, %rax")
FEP_CASE(add_imm8, FEP "addq $-128, %rax")
FEP_CASE(add_imm32, FEP "addl $0x7fffffff, %ecx")
FEP_CASE(adc64, FEP "adcq %rbx, %rax")
FEP_CASE(sub64, FEP "subq %rbx, %rax")
FEP_CASE(sbb32, FEP "sbbl %ebx, %eax")
FEP_CASE(cmp64, FEP "cmpq %rbx, %rax")
FEP_CASE(cmp8_imm, FEP "cmpb $0x80, %dl")
FEP_CASE(inc64, FEP "incq %rax")
FEP_CASE(dec8, FEP "decb %al")
FEP_CASE(neg32, FEP "negl %eax")
FEP_CASE(and64, FEP "andq %rbx, %rax")
FEP_CASE(or32, FEP "orl %ebx, %eax")
FEP_CASE(xor16, FEP "xorw %bx, %ax")
FEP_CASE(test8, FEP "testb %bl, %al")
FEP_CASE(not64, FEP "notq %rax")
FEP_CASE(mul64, FEP "mulq %rbx")
FEP_CASE(imul64, FEP "imulq %rbx")
FEP_CASE(imul64_2op, FEP "imulq %rbx, %rax")
FEP_CASE(imul32_3op, FEP "imull $-7, %ebx, %eax")
FEP_CASE(div64, "orq $1, %rbx\n\txorl %edx, %edx\n\t" FEP "divq %rbx")
FEP_CASE(idiv32, "orl $3, %ebx\n\tcltd\n\t" FEP "idivl %ebx")
FEP_CASE(shl64_cl, FEP "shlq %cl, %rax")
FEP_CASE(shr32_cl, FEP "shrl %cl, %eax")
FEP_CASE(sar64_cl, FEP "sarq %cl, %rdx")
FEP_CASE(shl64_1, FEP "shlq $1, %rax")
FEP_CASE(rol64_cl, FEP "rolq %cl, %rax")
FEP_CASE(ror8_cl, FEP "rorb %cl, %al")
FEP_CASE(rcl64_cl, FEP "rclq %cl, %rax")
FEP_CASE(rcr32_3, FEP "rcrl $3, %eax")
FEP_CASE(shld64_cl, FEP "shldq %cl, %rbx, %rax")
FEP_CASE(shrd32_cl, FEP "shrdl %cl, %ebx, %eax")
FEP_CASE(bt64, FEP "btq %rcx, %rax")
FEP_CASE(bts32, FEP "btsl %ecx, %eax")
FEP_CASE(btr16_imm, FEP "btrw $5, %ax")
FEP_CASE(btc64, FEP "btcq %rcx, %rax")
FEP_CASE(bsf64, "orq $0x100, %rax\n\t" FEP "bsfq %rax, %rbx")
FEP_CASE(bsr32, "orl $1, %eax\n\t" FEP "bsrl %eax, %ebx")
FEP_CASE(xchg64, FEP "xchgq %rax, %rbx")
FEP_CASE(xchg8, FEP "xchgb %al, %bh")
FEP_CASE(xadd64, FEP "xaddq %rbx, %rax")
FEP_CASE(cmpxchg64, FEP "cmpxchgq %rbx, %rcx")
FEP_CASE(cmpxchg32_eq, "movl %ecx, %eax\n\t" FEP "cmpxchgl %ebx, %ecx")
FEP_CASE(bswap64, FEP "bswapq %rax")
FEP_CASE(bswap32, FEP "bswapl %ebx")
FEP_CASE(movzx, FEP "movzbl %bl, %eax\n\t" FEP "movzwq %dx, %rcx")
FEP_CASE(movsx, FEP "movsbq %bl, %rax\n\t" FEP "movswl %dx, %ecx")
FEP_CASE(movsxd, FEP "movslq %ebx, %rax")
FEP_CASE(mov_imm64, FEP "movabsq $0x123456789abcdef0, %rax")
FEP_CASE(mov32_zext, FEP "movl %ebx, %eax")
FEP_CASE(mov8h, FEP "movb %bl, %ah")
FEP_CASE(lea64, FEP "leaq 0x10(%rbx,%rcx,4), %rax")
FEP_CASE(lea32, FEP "leal -1(%rbx,%rcx), %eax")
FEP_CASE(cmovz64, FEP "cmovzq %rbx, %rax")
FEP_CASE(cmovl64, FEP "cmovlq %rbx, %rax")
FEP_CASE(cmovbe32, FEP "cmovbel %ebx, %eax")
FEP_CASE(setcc, FEP "setc %al\n\t" FEP "setz %ah\n\t" FEP "sets %bl\n\t" FEP "seto %bh\n\t"
	 FEP "setp %cl\n\t" FEP "setl %ch\n\t" FEP "setle %dl\n\t" FEP "setbe %dh")
FEP_CASE(cbw_cwde_cdqe, FEP "cbtw\n\t" "movq %rax, %rbx\n\t" FEP "cwtl\n\t" "movq %rax, %rcx\n\t" FEP "cltq")
FEP_CASE(cwd_cdq_cqo, FEP "cwtd\n\t" "movq %rdx, %rbx\n\t" FEP "cltd\n\t" "movq %rdx, %rcx\n\t" FEP "cqto")
FEP_CASE(lahf, FEP "lahf")
FEP_CASE(sahf, FEP "sahf")
FEP_CASE(clc_stc_cmc, FEP "cmc\n\t" "setc %bl\n\t" FEP "stc\n\t" "setc %bh\n\t" FEP "clc")
FEP_CASE(std_cld, FEP "std\n\tpushfq\n\tpopq %rbx\n\t" FEP "cld")
FEP_CASE(push_pop, FEP "pushq %rax\n\tpopq %rbx\n\tpushq %rcx\n\t" FEP "popq %rdx\n\t" FEP "pushq $-5\n\tpopq %rsi")
FEP_CASE(push16, FEP "pushw %ax\n\tpopw %bx\n\tpushw %cx\n\t" FEP "popw %dx")
FEP_CASE(pushf, FEP "pushfq\n\tpopq %rbx")
FEP_CASE(popf, "pushfq\n\tpopq %r8\n\tandq $0x202, %r8\n\tandq $0x8d5, %rax\n\torq %r8, %rax\n\t"
	 "pushq %rax\n\t" FEP "popfq")
FEP_CASE(leave, "movq %rsp, %r8\n\tpushq %rbp\n\tmovq %rsp, %rbp\n\tsubq $40, %rsp\n\t" FEP "leave\n\t"
	 "movq %rsp, %rbx\n\tsubq %r8, %rbx")
FEP_CASE(jmp_jcc, FEP "jmp 1f\n\torq $1, %rdi\n1:\t" FEP "jz 2f\n\torq $2, %rdi\n2:\t" FEP "jc 3f\n\t"
	 "orq $4, %rdi\n3:\t" FEP "jo 4f\n\torq $8, %rdi\n4:\t" FEP "jle 5f\n\torq $16, %rdi\n5:\t"
	 FEP "jp 6f\n\torq $32, %rdi\n6:")
FEP_CASE(loop, "andl $7, %ecx\n\tincl %ecx\n\txorl %ebx, %ebx\n1:\tincq %rbx\n\t" FEP "loop 1b")
FEP_CASE(jrcxz, "xorl %ebx, %ebx\n\t" FEP "jrcxz 1f\n\tmovl $1, %ebx\n1:")
FEP_CASE(call_ret, FEP "call 1f\n3:\tjmp 2f\n1:\tmovq (%rsp), %rbx\n\tleaq 3b(%rip), %r8\n\tsubq %r8, %rbx\n\t"
	 FEP "ret\n2:")
FEP_CASE(call_indirect, "leaq 1f(%rip), %r8\n\t" FEP "call *%r8\n\tjmp 2f\n1:\tmovq %rsp, %rbx\n\t"
	 FEP "ret $0\n2:\tsubq %rsp, %rbx")

struct alu_case {
	const char *name;
	fep_fn native, fep;
	uint64_t mask;          /* the flags the instruction defines for every input below */
	const char *rule;
};

#define C(n, m, r) { #n, n##_native, n##_fep, m, r }
static const struct alu_case alu_cases[] = {
	C(add8, FL_ARITH, "SDM vol. 2A ADD"),
	C(add8h, FL_ARITH, "SDM vol. 2A ADD (AH/BH without REX)"),
	C(add16, FL_ARITH, "SDM vol. 2A ADD"),
	C(add32, FL_ARITH, "SDM vol. 2A ADD; vol. 1 3.4.1.1 (32-bit results zero-extend)"),
	C(add64, FL_ARITH, "SDM vol. 2A ADD"),
	C(add_imm8, FL_ARITH, "SDM vol. 2A ADD (imm8 sign-extended)"),
	C(add_imm32, FL_ARITH, "SDM vol. 2A ADD"),
	C(adc64, FL_ARITH, "SDM vol. 2A ADC"),
	C(sub64, FL_ARITH, "SDM vol. 2B SUB"),
	C(sbb32, FL_ARITH, "SDM vol. 2B SBB"),
	C(cmp64, FL_ARITH, "SDM vol. 2A CMP"),
	C(cmp8_imm, FL_ARITH, "SDM vol. 2A CMP"),
	C(inc64, FL_ARITH, "SDM vol. 2A INC (CF unaffected)"),
	C(dec8, FL_ARITH, "SDM vol. 2A DEC (CF unaffected)"),
	C(neg32, FL_ARITH, "SDM vol. 2B NEG"),
	C(and64, FL_LOGIC, "SDM vol. 2A AND (AF undefined)"),
	C(or32, FL_LOGIC, "SDM vol. 2B OR (AF undefined)"),
	C(xor16, FL_LOGIC, "SDM vol. 2B XOR (AF undefined)"),
	C(test8, FL_LOGIC, "SDM vol. 2B TEST (AF undefined)"),
	C(not64, FL_STATUS, "SDM vol. 2B NOT (flags unaffected)"),
	C(mul64, FL_CF | FL_OF, "SDM vol. 2B MUL (SF ZF AF PF undefined)"),
	C(imul64, FL_CF | FL_OF, "SDM vol. 2A IMUL one operand"),
	C(imul64_2op, FL_CF | FL_OF, "SDM vol. 2A IMUL two operands"),
	C(imul32_3op, FL_CF | FL_OF, "SDM vol. 2A IMUL three operands"),
	C(div64, 0, "SDM vol. 2A DIV (flags undefined)"),
	C(idiv32, 0, "SDM vol. 2A IDIV (flags undefined; INT_MIN / -1 is #DE)"),
	C(shl64_cl, FL_CF | FL_SF | FL_ZF | FL_PF, "SDM vol. 2B SAL/SAR/SHL/SHR (OF undefined for count > 1, AF for count > 0)"),
	C(shr32_cl, FL_CF | FL_SF | FL_ZF | FL_PF, "SDM vol. 2B SAL/SAR/SHL/SHR"),
	C(sar64_cl, FL_CF | FL_SF | FL_ZF | FL_PF, "SDM vol. 2B SAL/SAR/SHL/SHR"),
	C(shl64_1, FL_CF | FL_OF | FL_SF | FL_ZF | FL_PF, "SDM vol. 2B SAL/SAR/SHL/SHR (OF defined for count 1)"),
	C(rol64_cl, FL_CF, "SDM vol. 2B RCL/RCR/ROL/ROR (OF undefined for count > 1)"),
	C(ror8_cl, FL_CF, "SDM vol. 2B RCL/RCR/ROL/ROR (8-bit: count mod 8)"),
	C(rcl64_cl, FL_CF, "SDM vol. 2B RCL/RCR/ROL/ROR"),
	C(rcr32_3, FL_CF, "SDM vol. 2B RCL/RCR/ROL/ROR"),
	C(shld64_cl, FL_CF | FL_SF | FL_ZF | FL_PF, "SDM vol. 2B SHLD (OF undefined for count > 1, AF undefined)"),
	C(shrd32_cl, FL_CF | FL_SF | FL_ZF | FL_PF, "SDM vol. 2B SHRD"),
	C(bt64, FL_CF, "SDM vol. 2A BT (bit offset mod 64; OF SF AF PF undefined)"),
	C(bts32, FL_CF, "SDM vol. 2A BTS"),
	C(btr16_imm, FL_CF, "SDM vol. 2A BTR"),
	C(btc64, FL_CF, "SDM vol. 2A BTC"),
	C(bsf64, FL_ZF, "SDM vol. 2A BSF (non-zero source; other flags undefined)"),
	C(bsr32, FL_ZF, "SDM vol. 2A BSR"),
	C(xchg64, FL_STATUS, "SDM vol. 2B XCHG"),
	C(xchg8, FL_STATUS, "SDM vol. 2B XCHG"),
	C(xadd64, FL_ARITH, "SDM vol. 2B XADD"),
	C(cmpxchg64, FL_ARITH, "SDM vol. 2A CMPXCHG (not equal: RAX loaded)"),
	C(cmpxchg32_eq, FL_ARITH, "SDM vol. 2A CMPXCHG (equal: destination written)"),
	C(bswap64, FL_STATUS, "SDM vol. 2A BSWAP"),
	C(bswap32, FL_STATUS, "SDM vol. 2A BSWAP (32-bit result zero-extends)"),
	C(movzx, FL_STATUS, "SDM vol. 2B MOVZX"),
	C(movsx, FL_STATUS, "SDM vol. 2B MOVSX/MOVSXD"),
	C(movsxd, FL_STATUS, "SDM vol. 2B MOVSX/MOVSXD"),
	C(mov_imm64, FL_STATUS, "SDM vol. 2B MOV (B8+r imm64)"),
	C(mov32_zext, FL_STATUS, "SDM vol. 2B MOV; vol. 1 3.4.1.1"),
	C(mov8h, FL_STATUS, "SDM vol. 2B MOV (AH)"),
	C(lea64, FL_STATUS, "SDM vol. 2A LEA"),
	C(lea32, FL_STATUS, "SDM vol. 2A LEA (32-bit address size... operand size 32)"),
	C(cmovz64, FL_STATUS, "SDM vol. 2A CMOVcc"),
	C(cmovl64, FL_STATUS, "SDM vol. 2A CMOVcc"),
	C(cmovbe32, FL_STATUS, "SDM vol. 2A CMOVcc (32-bit: upper half cleared even when not moved)"),
	C(setcc, FL_STATUS, "SDM vol. 2B SETcc"),
	C(cbw_cwde_cdqe, FL_STATUS, "SDM vol. 2A CBW/CWDE/CDQE"),
	C(cwd_cdq_cqo, FL_STATUS, "SDM vol. 2A CWD/CDQ/CQO"),
	C(lahf, FL_STATUS, "SDM vol. 2A LAHF"),
	C(sahf, FL_STATUS, "SDM vol. 2B SAHF (OF unaffected)"),
	C(clc_stc_cmc, FL_STATUS, "SDM vol. 2A CLC, CMC; vol. 2B STC"),
	C(std_cld, FL_STATUS, "SDM vol. 2B STD, vol. 2A CLD"),
	C(push_pop, FL_STATUS, "SDM vol. 2B PUSH, POP (64-bit mode: 8 bytes)"),
	C(push16, FL_STATUS, "SDM vol. 2B PUSH, POP (66H: 2 bytes)"),
	C(pushf, FL_STATUS, "SDM vol. 2B PUSHF (RF, VM clear in the image)"),
	C(popf, FL_STATUS, "SDM vol. 2B POPF (CPL0)"),
	C(leave, FL_STATUS, "SDM vol. 2A LEAVE"),
	C(jmp_jcc, FL_STATUS, "SDM vol. 2A JMP, Jcc"),
	C(loop, FL_STATUS, "SDM vol. 2A LOOP (RCX decremented, flags unaffected)"),
	C(jrcxz, FL_STATUS, "SDM vol. 2A JRCXZ"),
	C(call_ret, FL_STATUS, "SDM vol. 2A CALL (pushes the next RIP), vol. 2B RET"),
	C(call_indirect, FL_STATUS, "SDM vol. 2A CALL r/m64, vol. 2B RET imm16"),
};

/* Inputs: edges of signed and unsigned ranges, counts 0, 1, 4, 31, 63 (and 64 = 0 masked), each status flag. */
static const struct fep_regs alu_inputs[] = {
	{ 0, 0, 0, 0, 0x11, 0, 0 },
	{ 1, ~0ULL, 1, 0x80, 0x22, 0, FL_CF },
	{ 0x7fffffffffffffffULL, 1, 63, 0x7f, 0x33, 0, FL_ZF | FL_PF },
	{ 0x8000000000000000ULL, 0x8000000000000000ULL, 64, ~0ULL, 0x44, 0, FL_SF | FL_OF },
	{ 0x123456789abcdef0ULL, 0x0fedcba987654321ULL, 4, 0xfedcba9876543210ULL, 0x55, 0, FL_STATUS },
	{ 0x00000000ffffffffULL, 0x80, 31, 0x8000, 0x66, 0, FL_OF | FL_AF },
	{ 0x8000, 0x8000000080008080ULL, 0x105, 5, 0x77, 0, FL_CF | FL_ZF },
	{ 0xff, 0xff, 8, 0x80000000ULL, 0x88, 0, 0 },
};

static unsigned long base_flags;

int fep_run(fep_fn fn, struct fep_regs *r, struct fault *f)
{
	return catch_exception(fn, r, f);
}

static void describe(char *buf, unsigned size, int v, const struct fault *f, const struct fep_regs *r)
{
	if (v != NO_EXCEPTION)
		snprintf(buf, size, "%s(%#lx)", exception_name(v), f->error_code);
	else
		snprintf(buf, size, "rax=%#lx rbx=%#lx rcx=%#lx rdx=%#lx rsi=%#lx rdi=%#lx fl=%#lx",
			 r->rax, r->rbx, r->rcx, r->rdx, r->rsi, r->rdi, r->flags);
}

bool fep_same(fep_fn native, fep_fn fep, const struct fep_regs *in, uint64_t mask, char *why, unsigned size)
{
	struct fep_regs a = *in, b = *in;
	struct fault fa, fb;
	int va, vb;
	bool same;
	char da[160], db[160];

	a.flags = b.flags = base_flags | (in->flags & (FL_STATUS | X86_EFLAGS_DF));
	va = fep_run(native, &a, &fa);
	vb = fep_run(fep, &b, &fb);
	if (va != NO_EXCEPTION || vb != NO_EXCEPTION)
		same = va == vb && fa.error_code == fb.error_code;
	else
		same = a.rax == b.rax && a.rbx == b.rbx && a.rcx == b.rcx && a.rdx == b.rdx && a.rsi == b.rsi &&
		       a.rdi == b.rdi && !((a.flags ^ b.flags) & mask);
	if (!same) {
		describe(da, sizeof(da), va, &fa, &a);
		describe(db, sizeof(db), vb, &fb, &b);
		snprintf(why, size, " (in rax=%#lx rbx=%#lx rcx=%#lx fl=%#lx: CPU %s; emulator %s)", in->rax, in->rbx,
			 in->rcx, in->flags, da, db);
	}
	return same;
}

bool fep_compare(const char *name, fep_fn native, fep_fn fep, const struct fep_regs *in, uint64_t mask,
		 const char *rule)
{
	char why[512] = "";
	bool ok = fep_same(native, fep, in, mask, why, sizeof(why));

	return report(ok, "%s: emulated = CPU%s [%s]", name, why, rule);
}

/* One assertion per instruction, over every input: the console is slow where this runs (nested KVM). */
static void alu_tests(void)
{
	report_prefix_push("register-only");
	for (unsigned i = 0; i < ARRAY_SIZE(alu_cases); i++) {
		const struct alu_case *c = &alu_cases[i];
		char why[512] = "";
		bool ok = true;

		for (unsigned j = 0; j < ARRAY_SIZE(alu_inputs) && ok; j++)
			ok = fep_same(c->native, c->fep, &alu_inputs[j], c->mask, why, sizeof(why));
		report(ok, "%s: emulated = CPU, %u inputs%s [%s]", c->name,
		       (unsigned)ARRAY_SIZE(alu_inputs), why, c->rule);
	}
	report_prefix_pop();
}

static void fep_probe(void *arg)
{
	(void)arg;
	__asm__ volatile("ud2; .ascii \"kvm\"; nop");
}

static int nr_args;
static char **args;

/* The parts named on the command line (alu system string fault transfer); none named: all. */
static bool wanted(const char *part)
{
	if (nr_args <= 1)
		return true;
	for (int i = 1; i < nr_args; i++)
		if (!strcmp(args[i], part))
			return true;
	return false;
}

int main(int argc, char **argv, char **envp)
{
	(void)envp;
	nr_args = argc;
	args = argv;
	report_info("running on %s", vmm_description());
	if (catch_exception(fep_probe, NULL, NULL) != NO_EXCEPTION) {
		report_skip("forced emulation: the prefix ud2+\"kvm\" raised #UD (not KVM, or KVM without "
			    "kvm.force_emulation_prefix=1)");
		return report_summary();
	}
	/* The inputs' status flags and DF go in over these: IF as it is, TF/AC/RF clear, bit 1 set. */
	base_flags = (read_rflags() & X86_EFLAGS_IF) | 2;
	if (wanted("alu"))
		alu_tests();
	fep_sys_tests(wanted);
	return report_summary();
}
