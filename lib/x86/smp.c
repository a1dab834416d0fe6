/*
 * Secondary CPUs: found in the ACPI MADT, started with INIT-SIPI-SIPI one at a
 * time, then idling in a mailbox loop that on_cpu() fills.
 */
#include "hvut.h"
#include "acpi.h"
#include <asm/apic.h>
#include <asm/desc.h>
#include <asm/processor.h>
#include <asm/smp.h>

#define AP_TRAMPOLINE 0x8000
#define AP_STACK_ORDER 2      /* an AP's kernel stack: 16 KiB (CPU 0 runs on cstart64.S's) */
#define RING0_STACK_ORDER 1   /* 8 KiB */
#define IST_STACK_ORDER 0     /* 4 KiB each */
#define USER_STACK_ORDER 1    /* 8 KiB */
#define AP_WAIT_TSC 20000000000ULL   /* ~7 s of a 3 GHz TSC */

struct percpu cpus[MAX_CPUS];
static int cpu_count = 1;
static volatile int booting_cpu;
/* CPU 0's stacks: in use before the page allocator exists. */
static uint8_t cpu0_ring0_stack[PAGE_SIZE << RING0_STACK_ORDER] __attribute__((aligned(16)));
static uint8_t cpu0_ist_stacks[X86_NR_IST][PAGE_SIZE << IST_STACK_ORDER] __attribute__((aligned(16)));
static uint8_t cpu0_user_stack[PAGE_SIZE << USER_STACK_ORDER] __attribute__((aligned(16)));

extern char ap_trampoline[], ap_trampoline_end[];
extern uint64_t ap_stack_top;
void x86_load_descriptors(int cpu);

int nr_cpus(void) { return cpu_count; }

int smp_id(void)
{
	uint16_t tr;

	__asm__ volatile("str %0" : "=r"(tr));
	return tr < FIRST_TSS_SEL ? 0 : (tr - FIRST_TSS_SEL) / 16;
}

struct percpu *this_cpu(void) { return &cpus[smp_id()]; }

/* The top of 2^order fresh pages, 0 when there are none. */
static uintptr_t stack_top(unsigned order)
{
	uint8_t *p = alloc_pages(order);

	return p ? (uintptr_t)p + (PAGE_SIZE << order) : 0;
}

bool x86_cpu_stacks(int cpu)
{
	struct percpu *c = &cpus[cpu];
	bool ok;

	if (c->ring0_stack)
		return true;
	if (cpu == 0) {
		c->ring0_stack = (uintptr_t)cpu0_ring0_stack + sizeof(cpu0_ring0_stack);
		for (int i = 0; i < X86_NR_IST; i++)
			c->ist_stack[i] = (uintptr_t)cpu0_ist_stacks[i] + sizeof(cpu0_ist_stacks[i]);
		c->user_stack = (uintptr_t)cpu0_user_stack + sizeof(cpu0_user_stack);
		return true;
	}
	/* Never freed: they stay with the slot, which the next AP reuses should this one not come up. */
	c->user_stack = stack_top(USER_STACK_ORDER);
	ok = c->user_stack;
	for (int i = 0; i < X86_NR_IST; i++) {
		c->ist_stack[i] = stack_top(IST_STACK_ORDER);
		ok = ok && c->ist_stack[i];
	}
	if (ok)   /* set last: it marks the set complete */
		c->ring0_stack = stack_top(RING0_STACK_ORDER);
	return c->ring0_stack;
}

/* Port 0x80 is the traditional POST port: each write takes about a microsecond. */
static void io_delay_us(unsigned us)
{
	while (us--)
		outb(0x80, 0);
}

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

void x86_ap_main(void)
{
	struct percpu *c = &cpus[booting_cpu];

	x86_load_descriptors(c->id);
	apic_enable();
	c->mb.done = true;
	__atomic_store_n(&c->online, true, __ATOMIC_RELEASE);
	idle_loop(c);
}

static bool start_ap(int id, unsigned apic)
{
	struct percpu *c = &cpus[id];

	c->id = id;
	c->apic_id = apic;
	booting_cpu = id;
	ap_stack_top = stack_top(AP_STACK_ORDER);
	if (!ap_stack_top || !x86_cpu_stacks(id)) {
		printf("smp: no memory for the stacks of CPU %d\n", id);
		return false;
	}
	apic_icr_write(APIC_ICR_INIT | APIC_ICR_LEVEL_ASSERT, apic);
	io_delay_us(10000);
	for (int sipi = 0; sipi < 2 && !c->online; sipi++) {
		apic_icr_write(APIC_ICR_STARTUP | (AP_TRAMPOLINE >> 12), apic);
		io_delay_us(200);
	}
	/*
	 * The AP is a host thread the host may not run for a while: ~2M port
	 * writes (the bound until now) ran out beside a second make check, and
	 * the test then SKIPped for want of CPUs. A TSC bound of AP_WAIT_TSC;
	 * coming up ends the wait, so only a CPU that never comes pays it.
	 */
	for (uint64_t t = rdtsc(); !__atomic_load_n(&c->online, __ATOMIC_ACQUIRE) && rdtsc() - t < AP_WAIT_TSC;)
		cpu_relax();
	return c->online;
}

void smp_init(void)
{
	unsigned ids[MAX_CPUS];
	int n = acpi_cpu_apic_ids(ids, MAX_CPUS);
	unsigned self;

	apic_enable();
	self = apic_id();
	cpus[0].id = 0;
	cpus[0].apic_id = self;
	cpus[0].online = true;
	cpus[0].mb.done = true;
	memcpy((void *)AP_TRAMPOLINE, ap_trampoline, ap_trampoline_end - ap_trampoline);
	for (int i = 0; i < n; i++) {
		if (ids[i] == self)
			continue;
		if (!start_ap(cpu_count, ids[i])) {
			/* SDM vol. 3A 'MP Initialization Protocol': INIT-SIPI-SIPI starts an AP. A CPU
			 * the VMM lists in the MADT and never starts is a failure, not fewer CPUs to
			 * test with (a test needing it would otherwise SKIP). */
			report_fail("smp: the CPU with APIC ID %u (MADT) did not come up after INIT-SIPI-SIPI", ids[i]);
			continue;
		}
		cpu_count++;
	}
}

struct cpu_mailbox *cpu_mailbox(int cpu) { return &cpus[cpu].mb; }

/* Idle CPUs spin on their mailbox: nothing to wake. */
void arch_kick_cpu(int cpu) { (void)cpu; }

static volatile bool receivers_stop;
static int receivers_first;

static void irq_receive(void *arg)
{
	(void)arg;
	irq_enable();
	while (!__atomic_load_n(&receivers_stop, __ATOMIC_ACQUIRE))
		cpu_relax();
	irq_disable();
}

void irq_receivers_start(int first)
{
	receivers_stop = false;
	receivers_first = first;
	for (int i = first; i < cpu_count; i++)
		on_cpu_async(i, irq_receive, NULL);
}

void irq_receivers_stop(void)
{
	__atomic_store_n(&receivers_stop, true, __ATOMIC_RELEASE);
	for (int i = receivers_first; i < cpu_count; i++)
		on_cpu_wait(i);
}
