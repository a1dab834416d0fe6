/*
 * Secondary harts: listed in /cpus, started with SBI HSM hart_start, then
 * idling in wfi until on_cpu() fills their mailbox and sends an SBI IPI.
 *
 * The idle loop reads the mailbox only after it has consumed the IPI (sip.SSIP)
 * that announced it, and a caller waits for `done` before filling it again, so
 * when fn runs no IPI of ours is still on its way: a test that counts IPIs on
 * that hart sees only its own.
 */
#include "hvut.h"
#include "devicetree.h"
#include <asm/csr.h>
#include <asm/sbi.h>
#include <asm/smp.h>
#include <asm/timer.h>

#define SECONDARY_STACK_ORDER 2   /* 16 KiB */

struct percpu cpus[MAX_CPUS];
static int cpu_count = 1;
static unsigned long highest_hartid;

int nr_cpus(void) { return cpu_count; }
int smp_id(void) { return this_cpu()->id; }
unsigned long cpu_hartid(int cpu) { return cpus[cpu].hartid; }
unsigned long max_hartid(void) { return highest_hartid; }

int hartid_to_cpu(unsigned long hartid)
{
	for (int i = 0; i < cpu_count; i++)
		if (cpus[i].hartid == hartid)
			return i;
	return -1;
}

static void idle_loop(struct percpu *c)
{
	csr_write(CSR_SIE, BIT(IRQ_S_SOFT));   /* wfi wakes on SSIP; SIE stays 0: no trap */
	for (;;) {
		void (*fn)(void *);

		while (!(csr_read(CSR_SIP) & BIT(IRQ_S_SOFT)))
			wfi();
		csr_clear(CSR_SIP, BIT(IRQ_S_SOFT));
		fn = __atomic_load_n(&c->mb.fn, __ATOMIC_ACQUIRE);
		if (!fn)
			continue;
		c->mb.fn = NULL;
		fn(c->mb.arg);
		csr_write(CSR_SIE, BIT(IRQ_S_SOFT));   /* fn may have changed it */
		local_irq_disable();
		__atomic_store_n(&c->mb.done, true, __ATOMIC_RELEASE);
	}
}

/* Every (re)entry of a secondary hart: hart_start, or resume from non-retentive suspend. */
void __attribute__((noreturn)) riscv_secondary_main(unsigned long a0, struct percpu *c)
{
	c->entry_a0 = a0;
	c->entry_a1 = (unsigned long)c;
	c->entry_sstatus = csr_read(CSR_SSTATUS);
	c->entry_satp = csr_read(CSR_SATP);
	/* A fresh entry abandons whatever the hart was doing: its mailbox is free. */
	c->mb.fn = NULL;
	c->catching = false;
	c->in_user = false;
	__atomic_store_n(&c->mb.done, true, __ATOMIC_RELEASE);
	__atomic_add_fetch(&c->entries, 1, __ATOMIC_RELEASE);
	__atomic_store_n(&c->online, true, __ATOMIC_RELEASE);
	idle_loop(c);
	__builtin_unreachable();
}

struct sbiret cpu_start(int cpu)
{
	struct percpu *c = &cpus[cpu];
	struct sbiret r;

	c->online = false;
	c->mb.fn = NULL;
	r = sbi_hart_start(c->hartid, (uintptr_t)riscv_secondary_entry, (uintptr_t)c);
	if (r.error)
		return r;
	/*
	 * The hart is a host thread a loaded host may not run for a while: 30 s
	 * of the time CSR (timer_init() has run), ended by the hart coming up,
	 * so only a hart that never starts pays it.
	 */
	for (uint64_t end = read_time() + 30 * timer_freq();
	     !__atomic_load_n(&c->online, __ATOMIC_ACQUIRE) && read_time() < end;)
		cpu_relax();
	if (!c->online)
		r.error = SBI_ERR_FAILED;
	return r;
}

void smp_init(void)
{
	int cpus_node = fdt_path_offset("/cpus"), node;
	bool hsm = sbi_has(SBI_EXT_HSM);

	cpus[0].id = 0;
	cpus[0].online = true;
	cpus[0].mb.done = true;
	highest_hartid = cpus[0].hartid;
	if (cpus_node < 0)
		return;
	fdt_for_each_child(node, cpus_node) {
		const char *type = fdt_getprop_string(node, "device_type");
		uint64_t hartid, size;
		struct percpu *c;
		struct sbiret r;

		if (!type || strcmp(type, "cpu") || !fdt_is_enabled(node) || !fdt_reg(node, 0, &hartid, &size))
			continue;
		if (hartid > highest_hartid)
			highest_hartid = hartid;
		if (hartid == cpus[0].hartid)
			continue;
		if (!hsm) {
			printf("smp: SBI HSM missing: hart %lu stays offline\n", (unsigned long)hartid);
			continue;
		}
		if (cpu_count == MAX_CPUS)
			continue;
		c = &cpus[cpu_count];
		c->id = cpu_count;
		c->hartid = hartid;
		c->stack_top = (uintptr_t)alloc_pages(SECONDARY_STACK_ORDER) + (PAGE_SIZE << SECONDARY_STACK_ORDER);
		r = cpu_start(cpu_count);
		if (r.error) {
			/* A hart the device tree lists that never starts is a failure, not fewer
			 * harts to test with. */
			report_fail("smp: hart %lu (device tree) did not start with SBI HSM hart_start (%s)",
				    (unsigned long)hartid, sbi_error_name(r.error));
			continue;
		}
		cpu_count++;
	}
}

struct cpu_mailbox *cpu_mailbox(int cpu) { return &cpus[cpu].mb; }

/* Idle harts sleep in WFI until a supervisor software interrupt. */
void arch_kick_cpu(int cpu) { sbi_send_ipi(1, cpus[cpu].hartid); }
