/* Secondary CPUs: each arch brings them up at boot and idles them until asked. */
#ifndef HVUT_SMP_H
#define HVUT_SMP_H

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
