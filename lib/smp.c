/*
 * on_cpu() and friends, the same on every arch: a caller fills the target's
 * mailbox and waits for its idle loop to mark it done. Only finding the
 * mailbox and waking the CPU are the arch's (lib/smp.h).
 */
#include "hvut.h"
#include <asm/smp.h>   /* and, through it, the arch's cpu_relax() */

void on_cpu_async(int cpu, void (*fn)(void *), void *arg)
{
	struct cpu_mailbox *mb = cpu_mailbox(cpu);

	assert(cpu >= 0 && cpu < nr_cpus() && cpu != smp_id());
	/* The previous job must be finished before the mailbox is reused. */
	while (!__atomic_load_n(&mb->done, __ATOMIC_ACQUIRE))
		cpu_relax();
	mb->done = false;
	mb->arg = arg;
	__atomic_store_n(&mb->fn, fn, __ATOMIC_RELEASE);
	arch_kick_cpu(cpu);
}

void on_cpu_wait(int cpu)
{
	struct cpu_mailbox *mb = cpu_mailbox(cpu);

	while (!__atomic_load_n(&mb->done, __ATOMIC_ACQUIRE))
		cpu_relax();
}

void on_cpu(int cpu, void (*fn)(void *), void *arg)
{
	if (cpu == smp_id()) {
		fn(arg);
		return;
	}
	on_cpu_async(cpu, fn, arg);
	on_cpu_wait(cpu);
}

void on_cpus(void (*fn)(void *), void *arg)
{
	int self = smp_id();

	for (int i = 0; i < nr_cpus(); i++)
		if (i != self)
			on_cpu_async(i, fn, arg);
	fn(arg);
	for (int i = 0; i < nr_cpus(); i++)
		if (i != self)
			on_cpu_wait(i);
}
