/* x86 per-CPU state shared by the boot, exception and SMP code. */
#ifndef HVUT_X86_SMP_H
#define HVUT_X86_SMP_H
#include <asm/processor.h>   /* cpu_relax(), used by lib/smp.c */
#include <setjmp.h>
#include "smp.h"
#include <stdbool.h>
#include "exception.h"

#define X86_NR_IST 3   /* IST stacks per CPU */

struct percpu {
	int id;
	unsigned apic_id;
	bool online;
	/* catch_exception()/run_in_user() state */
	bool catching;
	struct fault *fault;
	jmp_buf catch_jmp;
	/* on_cpu() mailbox */
	struct cpu_mailbox mb;
	/*
	 * Stack tops: RSP0 (CPL3 -> 0), the IST stacks (1 #DF, 2 NMI, 3 #MC) and
	 * run_in_user()'s CPL3 stack. CPU 0's are in .bss; an AP's are allocated
	 * when smp_init() starts it, so an image holds no stacks for absent CPUs.
	 */
	uintptr_t ring0_stack, ist_stack[X86_NR_IST], user_stack;
};

extern struct percpu cpus[];
struct percpu *this_cpu(void);
void smp_init(void);
/* Sets cpus[cpu]'s stack tops (CPU 0: static; an AP: allocated, once); false when out of memory. */
bool x86_cpu_stacks(int cpu);
/*
 * Interrupt receivers: CPUs first..nr_cpus()-1 wait with IF=1 (an idle CPU
 * waits with IF=0) until irq_receivers_stop(), so interrupt tests can count
 * what each CPU takes.
 */
void irq_receivers_start(int first);
void irq_receivers_stop(void);

#endif
