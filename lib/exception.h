/*
 * The uniform "run this and tell me which exception it raised" API.
 * Every arch implements catch_exception() and run_in_user(); the meaning of the
 * fields of struct fault is arch-specific but their names are the same:
 *   x86:     vector = IDT vector, error_code = pushed error code, addr = CR2
 *   arm64:   vector = ESR_ELx.EC, error_code = ESR_ELx, addr = FAR_ELx
 *   riscv64: vector = scause (interrupt bit cleared), error_code = scause, addr = stval
 *   ppc64:   vector = interrupt offset (0x700...), error_code = SRR1, addr = DAR
 */
#ifndef HVUT_EXCEPTION_H
#define HVUT_EXCEPTION_H
#include <stdbool.h>
#include <asm/regs.h>

#define NO_EXCEPTION (-1)

struct fault {
	int vector;                /* NO_EXCEPTION if fn returned normally */
	unsigned long error_code;
	unsigned long pc;          /* address of the faulting instruction */
	unsigned long addr;
	unsigned long aux;         /* x86: unused; arm64: SPSR; ppc64: DSISR */
	struct ex_regs regs;       /* registers at the time of the exception */
};

typedef void (*test_fn)(void *arg);

/* Runs fn(arg) at the kernel's privilege; returns the vector raised or NO_EXCEPTION. */
int catch_exception(test_fn fn, void *arg, struct fault *f);
/* Runs fn(arg) at user privilege (CPL3 / EL0 / U-mode / problem state). */
int run_in_user(test_fn fn, void *arg, struct fault *f);
/* Name of a vector ("#GP", "data abort", ...), for messages. */
const char *exception_name(int vector);

/* Prints registers and a STACK: line for the current or a faulting context (lib/backtrace.c). */
void dump_regs(const struct ex_regs *regs);
void backtrace_from(unsigned long pc, unsigned long fp);
/* The same with a return address known from a register (ppc64's LR), shown first when not 0. */
void backtrace_with(unsigned long pc, unsigned long ret, unsigned long fp);
void backtrace_here(void);
/*
 * Per arch: one step of the walk. From frame pointer fp (ppc64: the back-chain
 * sp), the caller's frame and the return address into the caller (0: none to
 * show here, walk on); false when fp cannot be a frame of ours (the walk ends).
 */
bool arch_frame_step(unsigned long fp, unsigned long *caller, unsigned long *ret);

#endif
