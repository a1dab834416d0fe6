/* Per-CPU state: SPRG2 and r13 point at a CPU's struct cpu. */
#ifndef HVUT_PPC_SMP_H
#define HVUT_PPC_SMP_H

#define MAX_CPUS 8
#define CPU_EXSTACK 0     /* offsetof(struct cpu, exstack_top), for vectors.S */
#define CPU_SCRATCH 8     /* offsetof(struct cpu, scratch) */
#define CPU_STACK 16      /* offsetof(struct cpu, stack_top), for cstart.S */

#ifndef __ASSEMBLY__
#include <asm/processor.h>   /* cpu_relax(), used by lib/smp.c */
#include <stdbool.h>
#include <setjmp.h>
#include "smp.h"
#include "exception.h"

struct cpu {
	unsigned long exstack_top;   /* interrupts run on this stack */
	unsigned long scratch;       /* r3 while an interrupt saves registers */
	unsigned long stack_top;     /* a secondary's first stack */
	int id;                      /* 0 .. nr_cpus()-1 */
	unsigned hwid;               /* interrupt server number (the DT's reg) */
	/* catch_exception() / run_in_user() */
	bool catching, in_user;
	bool slb_loaded;              /* lib/powerpc/mmu.c */
	struct fault *fault;
	jmp_buf catch_jmp;
	/* on_cpu() mailbox */
	struct cpu_mailbox mb;
	volatile bool online;
	volatile int restarts;       /* times started at secondary_restart_entry */
};

/* cstart.S: where RTAS start-cpu restarts a stopped CPU (r3 = its struct cpu). */
extern char secondary_restart_entry[];

extern struct cpu cpus[MAX_CPUS];

static inline struct cpu *this_cpu(void)
{
	struct cpu *c;

	__asm__("mr %0, 13" : "=r"(c));   /* r13 is reserved by the ELFv2 ABI: the compiler never uses it */
	return c;
}
#endif

#endif
