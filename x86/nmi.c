/*
 * nmi: non-maskable interrupts sent as IPIs (SDM vol. 3A 'Nonmaskable
 * Interrupt (NMI)', 'Handling Multiple NMIs', and the APIC chapter's ICR
 * delivery mode 100B): delivery with IF=0, NMI blocking until the next IRET,
 * one NMI latched while blocked, IRET of another handler lifting the
 * blocking, NMIs to one and to several CPUs, and a HLT with IF=0 woken by an NMI.
 */
#include "hvut.h"
#include <asm/apic.h>
#include <asm/desc.h>
#include <asm/processor.h>
#include <asm/smp.h>

/* How long a blocked NMI is given to show up (it must not): TSC ticks. */
#define BLOCKED_TSC 20000000ULL
/*
 * NMIs that must reach other CPUs: those vCPUs are host threads a loaded
 * host may not run for a while (4 vCPUs on 2 cores: APIC_WAIT_TSC at 1e9 ticks, ~0.4 s
 * of QEMU's TSC, once ran out, 0x8 of 0xe at load 8). A passing wait ends
 * at the arrival, so only a failure pays the bound.
 */
#define SMP_WAIT_TSC (10 * APIC_WAIT_TSC)

static volatile unsigned nmis[MAX_CPUS];
static volatile unsigned depth, max_depth, nested_during_block;
static volatile int mode;   /* what the handler does on CPU 0 */
enum { PLAIN, BLOCK_TEST, IRET_UNBLOCK };

static void send_self_nmi(void)
{
	apic_icr_write(APIC_ICR_NMI, apic_id());
}

static void skip_ud2(struct ex_regs *r)
{
	r->rip += 2;
}

static void on_nmi(struct ex_regs *r)
{
	unsigned before;
	uint64_t t;

	(void)r;
	__atomic_fetch_add(&nmis[smp_id()], 1, __ATOMIC_RELEASE);
	if (smp_id() != 0)
		return;
	depth++;
	if (depth > max_depth)
		max_depth = depth;
	if (depth == 1 && mode == BLOCK_TEST) {
		mode = PLAIN;   /* once: the NMIs sent here come back through this handler */
		/* Two more NMIs while this one is handled: blocked, and only one can be latched. */
		before = nmis[0];
		send_self_nmi();
		send_self_nmi();
		t = rdtsc();
		while (rdtsc() - t < BLOCKED_TSC)
			cpu_relax();
		nested_during_block = nmis[0] - before;
	} else if (depth == 1 && mode == IRET_UNBLOCK) {
		mode = PLAIN;
		/* The #UD handler's IRET ends NMI blocking: the pending NMI nests here. */
		send_self_nmi();
		__asm__ volatile("ud2");
		wait_count_at_least(&nmis[0], 2, APIC_WAIT_TSC);
	}
	depth--;
}

static void test_self(void)
{
	bool ok;

	report_prefix_push("self");
	nmis[0] = 0;
	mode = PLAIN;
	irq_disable();
	send_self_nmi();
	ok = wait_count_at_least(&nmis[0], 1, APIC_WAIT_TSC);
	/* SDM 'Nonmaskable Interrupt (NMI)': RFLAGS.IF does not mask NMIs. */
	report(ok && nmis[0] == 1, "an NMI IPI to the own APIC ID arrives with IF=0 (%u)", nmis[0]);

	nmis[0] = 0;
	max_depth = 0;
	mode = BLOCK_TEST;
	send_self_nmi();
	ok = wait_count_at_least(&nmis[0], 2, APIC_WAIT_TSC);
	{
		uint64_t t = rdtsc();

		while (rdtsc() - t < BLOCKED_TSC)
			cpu_relax();
	}
	/* SDM 'Handling Multiple NMIs': NMIs are blocked from NMI delivery until the next IRET;
	 * one more NMI can be pending meanwhile. */
	report(nested_during_block == 0 && max_depth == 1, "no NMI nests in the NMI handler (%u arrived, depth %u)",
	       nested_during_block, max_depth);
	report(ok, "the NMI sent in the handler is delivered after its IRET");
	report(nmis[0] == 2, "two NMIs sent while blocked make one pending NMI (%u handled in all)", nmis[0]);

	/* The handler's own stack: a nested NMI on IST 2 would overwrite the outer frame. */
	set_idt_ist(NMI_VECTOR, 0);
	handle_exception(UD_VECTOR, skip_ud2);
	nmis[0] = 0;
	max_depth = 0;
	mode = IRET_UNBLOCK;
	send_self_nmi();
	ok = wait_count_at_least(&nmis[0], 2, APIC_WAIT_TSC);
	handle_exception(UD_VECTOR, NULL);
	set_idt_ist(NMI_VECTOR, 2);
	/* SDM 'Handling Multiple NMIs': blocking lasts until the next IRET, whichever handler executes it. */
	report(ok && max_depth == 2, "IRET from a #UD handler inside the NMI handler unblocks NMIs (depth %u)",
	       max_depth);
	mode = PLAIN;
	report_prefix_pop();
}

static volatile bool stop;
static volatile unsigned woke[MAX_CPUS];

static void spin_if0(void *arg)
{
	(void)arg;
	irq_disable();
	while (!__atomic_load_n(&stop, __ATOMIC_ACQUIRE))
		cpu_relax();
}

static void hlt_if0(void *arg)
{
	(void)arg;
	irq_disable();
	/* Several NMIs could come: HLT until the one that means "woken". */
	__asm__ volatile("hlt" ::: "memory");
	woke[smp_id()]++;
}

static void test_other_cpus(void)
{
	int n = nr_cpus();
	unsigned expect_all = 0, got_all = 0;
	bool ok = true;

	report_prefix_push("smp");
	if (n < 2) {
		report_skip("NMI to other CPUs: 1 CPU (smp = 4 in the cfg)");
		report_prefix_pop();
		return;
	}
	stop = false;
	for (int i = 0; i < n; i++)
		nmis[i] = 0;
	for (int i = 1; i < n; i++)
		on_cpu_async(i, spin_if0, NULL);
	/* SDM 'Interrupt Command Register': delivery mode NMI, physical destination. */
	apic_icr_write(APIC_ICR_NMI, cpus[n - 1].apic_id);
	ok = wait_count_at_least(&nmis[n - 1], 1, SMP_WAIT_TSC);
	report(ok && nmis[0] == 0 && (n < 3 || nmis[1] == 0), "an NMI to APIC ID %u reaches that CPU only",
	       cpus[n - 1].apic_id);
	apic_icr_write(APIC_ICR_NMI | APIC_DEST_ALL_BUT_SELF, 0);
	for (int i = 1; i < n; i++) {
		expect_all |= 1U << i;
		if (wait_count_at_least(&nmis[i], i == n - 1 ? 2 : 1, SMP_WAIT_TSC))
			got_all |= 1U << i;
	}
	report(got_all == expect_all && nmis[0] == 0, "an all-but-self NMI reaches every other CPU with IF=0 (%#x of %#x)",
	       got_all, expect_all);
	__atomic_store_n(&stop, true, __ATOMIC_RELEASE);
	for (int i = 1; i < n; i++)
		on_cpu_wait(i);

	/* SDM 'HLT': an NMI resumes a halted processor even with IF=0. */
	woke[1] = 0;
	on_cpu_async(1, hlt_if0, NULL);
	{
		uint64_t t = rdtsc();

		while (rdtsc() - t < BLOCKED_TSC)
			cpu_relax();
	}
	report(woke[1] == 0, "CPU 1 halts with IF=0");
	/* An NMI that lands before the HLT is handled and the HLT still halts: send until one wakes it. */
	{
		uint64_t t = rdtsc();

		do {
			apic_icr_write(APIC_ICR_NMI, cpus[1].apic_id);
			ok = wait_count_at_least(&woke[1], 1, BLOCKED_TSC);
		} while (!ok && rdtsc() - t < APIC_WAIT_TSC);
	}
	report(ok, "an NMI wakes CPU 1 from HLT with IF=0");
	if (ok)
		on_cpu_wait(1);
	report_prefix_pop();
}

int main(int argc, char **argv, char **envp)
{
	(void)envp;
	report_info("running on %s", vmm_description());
	apic_quiet_legacy();
	handle_exception(NMI_VECTOR, on_nmi);
	if (arg_selected(argc, argv, "self"))
		test_self();
	if (arg_selected(argc, argv, "smp"))
		test_other_cpus();
	return report_summary();
}
