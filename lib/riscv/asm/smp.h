/*
 * riscv64 per-CPU state. CPU numbers (smp_id) are ours: 0 is the hart OpenSBI
 * booted us on, then the other harts in device-tree order. tp points at the
 * running CPU's struct percpu (nothing else uses tp in a freestanding guest).
 */
#ifndef HVUT_RISCV_SMP_H
#define HVUT_RISCV_SMP_H

#define PERCPU_STACK_TOP 0   /* offsetof(struct percpu, stack_top), for cstart.S */

#ifndef __ASSEMBLY__
#include <asm/csr.h>   /* cpu_relax(), used by lib/smp.c */
#include <setjmp.h>
#include "smp.h"
#include <stdbool.h>
#include <asm/sbi.h>
#include "exception.h"

#define MAX_CPUS 16

struct percpu {
	unsigned long stack_top;    /* first: cstart.S loads it through tp */
	unsigned long hartid;
	int id;
	volatile bool online;
	/* catch_exception()/run_in_user() state */
	bool catching;
	bool in_user;
	struct fault *fault;
	jmp_buf catch_jmp;
	/* on_cpu() mailbox */
	struct cpu_mailbox mb;
	/* What the last (re)entry through riscv_secondary_entry saw, for the HSM tests. */
	volatile unsigned long entry_a0, entry_a1, entry_sstatus, entry_satp;
	volatile unsigned entries;
};

extern struct percpu cpus[MAX_CPUS];

static inline struct percpu *this_cpu(void)
{
	struct percpu *c;

	__asm__("mv %0, tp" : "=r"(c));
	return c;
}

unsigned long cpu_hartid(int cpu);
/* The CPU number of a hart ID, or -1 if no CPU of ours has it. */
int hartid_to_cpu(unsigned long hartid);
/* The largest hart ID in the device tree (for "an ID no hart has" tests). */
unsigned long max_hartid(void);
/*
 * (Re)starts a stopped hart through SBI HSM into the idle loop and waits until
 * it is online; returns what hart_start returned.
 */
struct sbiret cpu_start(int cpu);
/* Entry point handed to hart_start/hart_suspend: a0 = hart ID, a1 = struct percpu *. */
void riscv_secondary_entry(void);
void smp_init(void);

#endif
#endif
