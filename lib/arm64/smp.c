/*
 * Secondary CPUs: listed under /cpus in the device tree, started one at a
 * time with PSCI CPU_ON (entry secondary_entry in arm/cstart.S, context_id =
 * CPU index), then idling in a mailbox loop that on_cpu() fills.
 */
#include "hvut.h"
#include "devicetree.h"
#include <asm/sysreg.h>
#include <asm/mmu.h>
#include <asm/psci.h>
#include <asm/smp.h>
#include <asm/gic.h>
#include <asm/timer.h>

#define SECONDARY_STACK_ORDER 2   /* 16 KiB */

struct percpu cpus[MAX_CPUS];
static int cpu_count = 1, possible = 1;
/* A secondary's stack: allocated at its first CPU_ON and kept for the next
 * ones (it only runs on it with its MMU on), not MAX_CPUS of them in .bss. */
static uintptr_t stack_tops[MAX_CPUS];
/* Read with the MMU off by secondary_entry: { stack top, mair, tcr, ttbr0, sctlr }. */
unsigned long secondary_boot[5];

extern char secondary_entry[];
void arm64_secondary_main(int id);

int nr_cpus(void) { return cpu_count; }
int nr_possible_cpus(void) { return possible; }
int smp_id(void) { return (int)read_sysreg(tpidr_el1); }
struct percpu *this_cpu(void) { return &cpus[smp_id()]; }
unsigned long cpu_mpidr(int cpu) { return cpus[cpu].mpidr; }

static void idle_loop(struct percpu *c)
{
	for (;;) {
		void (*fn)(void *);

		while (!(fn = __atomic_load_n(&c->mb.fn, __ATOMIC_ACQUIRE)))
			cpu_relax();
		c->mb.fn = NULL;
		fn(c->mb.arg);
		__atomic_store_n(&c->mb.done, true, __ATOMIC_RELEASE);
	}
}

void arm64_secondary_main(int id)
{
	struct percpu *c = &cpus[id];

	gic_cpu_init();
	c->mb.done = true;
	__atomic_store_n(&c->online, true, __ATOMIC_RELEASE);
	idle_loop(c);
}

/*
 * CPU_ON and wait for the CPU to say it is online; the PSCI result. The limit
 * is in counter ticks and generous: a vCPU under a nested KVM on a loaded
 * host may wait seconds to be scheduled; only a CPU that never starts hits it.
 */
#define CPU_ON_WAIT_S 30
long smp_cpu_on(int id)
{
	struct percpu *c = &cpus[id];
	uint64_t deadline;
	long ret;

	c->online = false;
	c->mb.fn = NULL;
	if (!stack_tops[id]) {
		uint8_t *stack = alloc_pages(SECONDARY_STACK_ORDER);

		assert(stack);
		stack_tops[id] = (uintptr_t)stack + (PAGE_SIZE << SECONDARY_STACK_ORDER);
	}
	secondary_boot[0] = stack_tops[id];
	secondary_boot[1] = mmu_regs.mair;
	secondary_boot[2] = mmu_regs.tcr;
	secondary_boot[3] = mmu_regs.ttbr0;
	secondary_boot[4] = mmu_regs.sctlr;
	/* The new CPU reads these with its MMU (and so its caches) off. */
	dcache_clean_range(secondary_boot, sizeof(secondary_boot));
	dcache_clean_range(c, sizeof(*c));
	ret = psci_call(PSCI_CPU_ON_64, c->mpidr, (uintptr_t)secondary_entry, id);
	if (ret != PSCI_SUCCESS)
		return ret;
	deadline = read_cntvct() + read_cntfrq() * CPU_ON_WAIT_S;
	while (!__atomic_load_n(&c->online, __ATOMIC_ACQUIRE) && read_cntvct() < deadline)
		cpu_relax();
	return c->online ? PSCI_SUCCESS : PSCI_INTERNAL_FAILURE;
}

static void cpu_off_self(void *arg)
{
	(void)arg;
	gic_cpu_disable();
	__atomic_store_n(&this_cpu()->online, false, __ATOMIC_RELEASE);
	psci_call(PSCI_CPU_OFF, 0, 0, 0);
	printf("CPU %d: PSCI CPU_OFF returned\n", smp_id());   /* not supposed to happen */
	for (;;)
		wfi();
}

void smp_cpu_off(int cpu)
{
	on_cpu_async(cpu, cpu_off_self, NULL);
	while (__atomic_load_n(&cpus[cpu].online, __ATOMIC_ACQUIRE))
		cpu_relax();
}

void smp_init(void)
{
	int node = fdt_path_offset("/cpus"), child;
	unsigned long self = read_sysreg(mpidr_el1) & MPIDR_HWID_MASK;

	cpus[0].id = 0;
	cpus[0].mpidr = self;
	cpus[0].online = true;
	cpus[0].mb.done = true;
	gic_cpu_init();
	if (node < 0)
		return;
	fdt_for_each_child(child, node) {
		const char *type = fdt_getprop_string(child, "device_type");
		const void *reg;
		int len, id;

		if (!type || strcmp(type, "cpu") || !(reg = fdt_getprop(child, "reg", &len)) || len < 4)
			continue;
		unsigned long mpidr = fdt_cells(reg, 0, len >= 8 ? 2 : 1) & MPIDR_HWID_MASK;

		if (mpidr == self)
			continue;
		if (possible == MAX_CPUS) {
			printf("smp: more than %d CPUs in the device tree, ignoring the rest\n", MAX_CPUS);
			break;
		}
		possible++;
		id = cpu_count;
		cpus[id].id = id;
		cpus[id].mpidr = mpidr;
		if (smp_cpu_on(id) != PSCI_SUCCESS) {
			/* A CPU the device tree lists that never starts is a failure, not fewer CPUs
			 * to test with (a test needing it would SKIP). */
			report_fail("smp: the CPU with MPIDR %#lx (device tree) did not come up after PSCI CPU_ON",
				    mpidr);
			continue;
		}
		cpu_count++;
	}
}

struct cpu_mailbox *cpu_mailbox(int cpu) { return &cpus[cpu].mb; }

/* Idle CPUs spin on their mailbox: nothing to wake. */
void arch_kick_cpu(int cpu) { (void)cpu; }
