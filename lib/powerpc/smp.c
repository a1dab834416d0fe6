/*
 * Secondary CPUs: every CPU in /cpus but the boot one is started with RTAS
 * "start-cpu" at secondary_entry (cstart.S, which copes with RTAS starting
 * it big-endian) and then idles in H_CEDE until on_cpu() hands it work and
 * wakes it with H_PROD.
 */
#include "hvut.h"
#include "devicetree.h"
#include <asm/hcall.h>
#include <asm/processor.h>
#include <asm/rtas.h>
#include <asm/smp.h>

#define STACK_ORDER 2   /* 16 KiB */
#define STACK_SIZE (PAGE_SIZE << STACK_ORDER)

struct cpu cpus[MAX_CPUS];
static int cpu_count = 1;
/* The boot CPU's interrupt stack (in use before the page allocator exists);
 * the secondaries' stacks are allocated when they are started, for the CPUs
 * the device tree has, not MAX_CPUS of them in .bss. */
static uint8_t boot_exstack[STACK_SIZE] __attribute__((aligned(16)));

extern char secondary_entry[];

/* SPRG2 is for the interrupt entry (vectors.S), r13 for C: both name this CPU. */
static void ppc_percpu_init(struct cpu *c)
{
	mtspr(SPR_SPRG2, c);
	__asm__ volatile("mr 13, %0" :: "r"(c));
}

int nr_cpus(void) { return cpu_count; }
int smp_id(void) { return this_cpu()->id; }

static void idle_loop(struct cpu *c)
{
	for (;;) {
		void (*fn)(void *);

		/* H_CEDE returns at once if we were prodded since the last one; then look again. */
		while (!(fn = __atomic_load_n(&c->mb.fn, __ATOMIC_ACQUIRE))) {
			hcall0(H_CEDE);
			irq_disable();   /* H_CEDE sets MSR[EE]; keep interrupts for tests that want them */
		}
		c->mb.fn = NULL;
		fn(c->mb.arg);
		__atomic_store_n(&c->mb.done, true, __ATOMIC_RELEASE);
	}
}

void ppc_secondary_restart(struct cpu *c);
void ppc_secondary_main(struct cpu *c);

void ppc_secondary_main(struct cpu *c)
{
	ppc_percpu_init(c);
	c->mb.done = true;
	__atomic_store_n(&c->online, true, __ATOMIC_RELEASE);
	idle_loop(c);
}

/* From secondary_restart_entry: counts the restarts, then as a first start. */
void ppc_secondary_restart(struct cpu *c)
{
	c->restarts++;
	ppc_secondary_main(c);
}

static void init_cpu(struct cpu *c, int id, unsigned hwid)
{
	c->id = id;
	c->hwid = hwid;
	if (id == 0) {
		/* It runs on cstart.S's stack. */
		c->exstack_top = (unsigned long)boot_exstack + STACK_SIZE;
		return;
	}
	/* Kept by the slot: a CPU that did not come up leaves them to the next. */
	if (!c->stack_top) {
		uint8_t *stack = alloc_pages(STACK_ORDER), *exstack = alloc_pages(STACK_ORDER);

		assert(stack && exstack);
		c->stack_top = (unsigned long)stack + STACK_SIZE;
		c->exstack_top = (unsigned long)exstack + STACK_SIZE;
	}
}

static bool start_cpu(int token, struct cpu *c)
{
	int status = rtas_call(token, 3, 1, NULL, c->hwid, (int)(uintptr_t)secondary_entry,
			       (int)(uintptr_t)c);

	if (status != RTAS_SUCCESS) {
		printf("smp: start-cpu %u failed: %d\n", c->hwid, status);
		return false;
	}
	/* Up to 30 s of timebase, ended by the CPU coming up: a loaded host may not run its thread. */
	for (int i = 0; i < 30000 && !__atomic_load_n(&c->online, __ATOMIC_ACQUIRE); i++)
		udelay(1000);
	if (!c->online)
		report_fail("smp: CPU %u (device tree) did not come up after RTAS start-cpu", c->hwid);
	return c->online;
}

/* Before anything can take an interrupt: the boot CPU's stacks and SPRG2. */
void ppc_boot_cpu_init(void)
{
	init_cpu(&cpus[0], 0, 0);
	cpus[0].online = cpus[0].mb.done = true;
	ppc_percpu_init(&cpus[0]);
}

void ppc_smp_init(void)
{
	int node = fdt_path_offset("/cpus"), cpu, token = rtas_token("start-cpu");
	const uint32_t *hdr = fdt_blob();
	uint32_t boot_hwid = hdr ? fdt32_to_cpu(hdr[7]) : 0;   /* boot_cpuid_phys */

	cpus[0].hwid = boot_hwid;
	if (node < 0 || token == RTAS_UNKNOWN_TOKEN)
		return;
	fdt_for_each_child(cpu, node) {
		const char *type = fdt_getprop_string(cpu, "device_type");
		const uint32_t *servers;
		uint32_t hwid;
		int len = 0;

		if (!type || strcmp(type, "cpu") || !fdt_getprop_u32(cpu, "reg", &hwid))
			continue;
		/*
		 * A core node lists one interrupt server number per thread (PAPR
		 * "ibm,ppc-interrupt-server#s"); start every thread but the boot one.
		 * Without the property the node is one thread, its reg.
		 */
		servers = fdt_getprop(cpu, "ibm,ppc-interrupt-server#s", &len);
		if (!servers || len < 4) {
			servers = NULL;
			len = 4;
		}
		for (int t = 0; t < len / 4; t++) {
			uint32_t server = servers ? fdt32_to_cpu(servers[t]) : hwid;

			if (server == boot_hwid)
				continue;
			if (cpu_count == MAX_CPUS)
				return;
			init_cpu(&cpus[cpu_count], cpu_count, server);
			if (start_cpu(token, &cpus[cpu_count]))
				cpu_count++;
		}
	}
}

struct cpu_mailbox *cpu_mailbox(int cpu) { return &cpus[cpu].mb; }

/* Idle CPUs sleep in H_CEDE until prodded. */
void arch_kick_cpu(int cpu) { hcall1(H_PROD, cpus[cpu].hwid); }
