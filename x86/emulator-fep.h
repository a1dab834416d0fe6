/*
 * emulator-fep: the shared part of x86/emulator-fep.c (the harness and the
 * register-only cases) and x86/emulator-fep-sys.c (system instructions,
 * control transfers, string instructions, faults).
 *
 * A "case" is a few instructions written once and assembled twice: once as
 * they are (name_native) and once with KVM's forced-emulation prefix
 * (ud2; .ascii "kvm") before the instructions marked FEP (name_fep). KVM,
 * loaded with force_emulation_prefix=1, takes the #UD of that ud2, skips the
 * five bytes and runs the next instruction through its instruction emulator
 * (arch/x86/kvm/emulate.c) instead of letting the CPU run it.
 *
 * Both copies take and give back the same register image (struct fep_regs):
 * RAX, RBX, RCX, RDX, RSI, RDI and RFLAGS are loaded before the body and
 * stored after it; R8-R11 are scratch. The body must not leave DF set (the
 * epilogue clears it after storing RFLAGS) and must not move RSP for good.
 */
#ifndef HVUT_X86_EMULATOR_FEP_H
#define HVUT_X86_EMULATOR_FEP_H
#include "hvut.h"

struct fep_regs {
	uint64_t rax, rbx, rcx, rdx, rsi, rdi, flags;
};

/* The cases take a struct fep_regs *; void * so they are test_fn for catch_exception(). */
typedef void (*fep_fn)(void *regs);

/* The prefix, in the copy assembled with fep_on = 1 only. */
#define FEP ".if fep_on\n\tud2\n\t.ascii \"kvm\"\n\t.endif\n\t"

#define FEP_FN_ASM(fn, on, body)                                                     \
	".pushsection .text\n"                                                       \
	".set fep_on, " #on "\n"                                                     \
	".globl " #fn "\n"                                                           \
	".type " #fn ", @function\n"                                                 \
	#fn ":\n\t"                                                                  \
	"push %rbp\n\tmov %rsp, %rbp\n\tpush %rbx\n\tpush %r12\n\t"                  \
	"mov %rdi, %r12\n\t"                                                         \
	"pushq 48(%r12)\n\tpopfq\n\t"                                                \
	"mov 0(%r12), %rax\n\tmov 8(%r12), %rbx\n\tmov 16(%r12), %rcx\n\t"           \
	"mov 24(%r12), %rdx\n\tmov 32(%r12), %rsi\n\tmov 40(%r12), %rdi\n\t"         \
	body "\n\t"                                                                  \
	"mov %rax, 0(%r12)\n\tmov %rbx, 8(%r12)\n\tmov %rcx, 16(%r12)\n\t"           \
	"mov %rdx, 24(%r12)\n\tmov %rsi, 32(%r12)\n\tmov %rdi, 40(%r12)\n\t"         \
	"pushfq\n\tpopq 48(%r12)\n\tcld\n\t"                                         \
	"pop %r12\n\tpop %rbx\n\tpop %rbp\n\tret\n"                                  \
	".size " #fn ", . - " #fn "\n"                                               \
	".popsection\n"

/* FEP_CASE(name, body): defines name_native and name_fep. */
#define FEP_CASE(name, body)                                                         \
	void name##_native(void *regs);                                              \
	void name##_fep(void *regs);                                                 \
	__asm__(FEP_FN_ASM(name##_native, 0, body) FEP_FN_ASM(name##_fep, 1, body));

/* RFLAGS masks: the flags an instruction defines (SDM vol. 1 3.4.3, each instruction's "Flags Affected"). */
#define FL_CF 0x001UL
#define FL_PF 0x004UL
#define FL_AF 0x010UL
#define FL_ZF 0x040UL
#define FL_SF 0x080UL
#define FL_OF 0x800UL
#define FL_ARITH (FL_OF | FL_SF | FL_ZF | FL_AF | FL_PF | FL_CF)
#define FL_LOGIC (FL_OF | FL_SF | FL_ZF | FL_PF | FL_CF)
#define FL_STATUS FL_ARITH

/* Runs fn on *r under catch_exception(); returns the vector or NO_EXCEPTION. */
int fep_run(fep_fn fn, struct fep_regs *r, struct fault *f);
/*
 * Runs native and fep on the same image: true when they raise the same
 * exception (vector and error code) and leave the same registers and the
 * same flags in mask; else false with the difference in why.
 */
bool fep_same(fep_fn native, fep_fn fep, const struct fep_regs *in, uint64_t mask, char *why, unsigned size);
/* One assertion of fep_same() on one image; rule cites the manual page. */
bool fep_compare(const char *name, fep_fn native, fep_fn fep, const struct fep_regs *in, uint64_t mask,
		 const char *rule);

/* The parts of emulator-fep-sys.c that wanted() names ("system", "string", "fault", "transfer"). */
void fep_sys_tests(bool (*wanted)(const char *part));

#endif
