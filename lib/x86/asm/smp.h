/* x86 per-CPU state shared by the boot, exception and SMP code. */
#ifndef HVUT_X86_SMP_H
#define HVUT_X86_SMP_H
#include <asm/processor.h>   /* cpu_relax(), used by lib/smp.c */
#include <setjmp.h>
#include "smp.h"
#include <stdbool.h>
#include "exception.h"

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
};

extern struct percpu cpus[];
struct percpu *this_cpu(void);
void smp_init(void);

#endif
