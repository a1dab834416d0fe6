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
#define AP_STACK_SIZE 16384

struct percpu cpus[MAX_CPUS];
static int cpu_count = 1;
static volatile int booting_cpu;
static uint8_t ap_stacks[MAX_CPUS][AP_STACK_SIZE] __attribute__((aligned(16)));

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
	ap_stack_top = (uintptr_t)ap_stacks[id] + AP_STACK_SIZE;
	apic_icr_write(APIC_ICR_INIT | APIC_ICR_LEVEL_ASSERT, apic);
	io_delay_us(10000);
	for (int sipi = 0; sipi < 2 && !c->online; sipi++) {
		apic_icr_write(APIC_ICR_STARTUP | (AP_TRAMPOLINE >> 12), apic);
		io_delay_us(200);
	}
	for (int i = 0; i < 2000 && !__atomic_load_n(&c->online, __ATOMIC_ACQUIRE); i++)
		io_delay_us(1000);
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
			printf("smp: CPU with APIC ID %u did not come up\n", ids[i]);
			continue;
		}
		cpu_count++;
	}
}

struct cpu_mailbox *cpu_mailbox(int cpu) { return &cpus[cpu].mb; }

/* Idle CPUs spin on their mailbox: nothing to wake. */
void arch_kick_cpu(int cpu) { (void)cpu; }
