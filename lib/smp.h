/* Secondary CPUs: each arch brings them up at boot and idles them until asked. */
#ifndef HVUT_SMP_H
#define HVUT_SMP_H
#include <stdbool.h>

/*
 * What an idle CPU waits on: on_cpu() fills fn and arg, the CPU's idle loop
 * runs fn(arg) and sets done. Every arch's per-CPU state embeds one.
 */
struct cpu_mailbox {
	void (*volatile fn)(void *);
	void *volatile arg;
	volatile bool done;
};

/* Per arch: the mailbox of a CPU, and how to wake it from its idle wait (IPI, H_PROD, or nothing). */
struct cpu_mailbox *cpu_mailbox(int cpu);
void arch_kick_cpu(int cpu);

int nr_cpus(void);
int smp_id(void);   /* 0 .. nr_cpus()-1, 0 is the boot CPU */
/* Runs fn(arg) on cpu and waits for it to return. */
void on_cpu(int cpu, void (*fn)(void *), void *arg);
/* Runs fn(arg) on cpu and returns at once; wait with on_cpu_wait(). */
void on_cpu_async(int cpu, void (*fn)(void *), void *arg);
void on_cpu_wait(int cpu);
/* Runs fn(arg) on every CPU (the caller too) and waits. */
void on_cpus(void (*fn)(void *), void *arg);

#endif
