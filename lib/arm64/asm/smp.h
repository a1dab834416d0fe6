/* arm64 per-CPU state shared by the boot, exception and SMP code. */
#ifndef HVUT_ARM64_SMP_H
#define HVUT_ARM64_SMP_H
#include <asm/sysreg.h>   /* cpu_relax(), used by lib/smp.c */
#include <setjmp.h>
#include "smp.h"
#include <stdbool.h>
#include "exception.h"

#define MAX_CPUS 8

struct percpu {
	int id;
	unsigned long mpidr;
	volatile bool online;
	/* catch_exception()/run_in_user() state */
	bool catching;
	struct fault *fault;
	jmp_buf catch_jmp;
	/* on_cpu() mailbox */
	struct cpu_mailbox mb;
};

extern struct percpu cpus[MAX_CPUS];
struct percpu *this_cpu(void);
void smp_init(void);
/* MPIDR of a CPU by index, and the index of an MPIDR (-1 if not ours). */
unsigned long cpu_mpidr(int cpu);
/* CPU_OFF from the CPU itself (via on_cpu_async) and CPU_ON back; PSCI return value. */
void smp_cpu_off(int cpu);
long smp_cpu_on(int cpu);
/* Possible CPUs listed in the device tree (online or not). */
int nr_possible_cpus(void);

#endif
