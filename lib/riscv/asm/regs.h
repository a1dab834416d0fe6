/*
 * Registers saved on every riscv64 trap, in the order lib/riscv/trap.S stores
 * them: x1..x31 at 8*(n-1), then the trap CSRs.
 */
#ifndef HVUT_RISCV_REGS_H
#define HVUT_RISCV_REGS_H

#ifndef __ASSEMBLY__
struct ex_regs {
	unsigned long ra, sp, gp, tp, t0, t1, t2, s0, s1;
	unsigned long a0, a1, a2, a3, a4, a5, a6, a7;
	unsigned long s2, s3, s4, s5, s6, s7, s8, s9, s10, s11;
	unsigned long t3, t4, t5, t6;
	unsigned long sepc, sstatus, scause, stval;
};
#endif

#define EX_REGS_SEPC (31 * 8)
#define EX_REGS_SSTATUS (32 * 8)
#define EX_REGS_SCAUSE (33 * 8)
#define EX_REGS_STVAL (34 * 8)
/* The trap frame: struct ex_regs rounded up to keep sp 16-byte aligned. */
#define EX_REGS_FRAME (36 * 8)

#endif
