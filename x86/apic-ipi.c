/*
 * apic-ipi: inter-processor interrupts between 4 CPUs (SDM vol. 3A 'Issuing
 * Interprocessor Interrupts' and 'Determining IPI Destination'): fixed IPIs
 * to physical IDs, the three shorthands, logical flat and cluster
 * destinations, lowest-priority delivery, delivery status; in x2APIC mode
 * physical IPIs with 32-bit destinations; INIT and SIPI. The APs spin with
 * IF=1 in a receive loop; the handler counts per CPU. Parts (arguments):
 * xapic, x2apic, init-sipi.
 */
#include "hvut.h"
#include <asm/apic.h>
#include <asm/cpufeature.h>
#include <asm/desc.h>
#include <asm/msr.h>
#include <asm/processor.h>
#include <asm/smp.h>

#define VEC 0x60
#define NCPU 4
/* How long a CPU that must not get the IPI is watched: short, since a passing
 * wait for the expected CPUs came first (TSC ticks). */
#define SETTLE_TSC 5000000ULL

static volatile unsigned hits[MAX_CPUS];
static int ncpu;
/* Each check uses the next of 8 vectors and counts only it: an IPI of an
 * earlier check that a slow host delivers late does not count. */
#define NVEC 8
static volatile unsigned want_vec = VEC;

static unsigned next_vec(void)
{
	static unsigned seq;

	want_vec = VEC + seq++ % NVEC;
	return want_vec;
}

/*
 * Where and when each CPU took the check's vector (the first two times): a
 * CPU that takes one IPI twice (seen on the kvm lane, docs/kvm.md) says
 * whether both interrupted the same instruction and how far apart.
 */
static struct { unsigned long rip, rflags; uint64_t tsc; } taken[MAX_CPUS][2];

static void on_vec(struct ex_regs *r)
{
	if (r->vector == want_vec) {
		int cpu = smp_id();
		unsigned n = __atomic_fetch_add(&hits[cpu], 1, __ATOMIC_RELEASE);

		if (n < 2) {
			taken[cpu][n].rip = r->rip;
			taken[cpu][n].rflags = r->rflags;
			taken[cpu][n].tsc = rdtsc();
		}
	}
	apic_eoi();
}

static void start_receivers(void) { irq_receivers_start(1); }
static void stop_receivers(void) { irq_receivers_stop(); }

/*
 * Sends one IPI and checks which CPUs got it: bit i of `expect` set means CPU
 * i gets exactly one. The sender (CPU 0) takes its own with IF=1 meanwhile.
 */
/*
 * Waits for IPIs that must arrive: the other vCPUs are host threads a loaded
 * host may not run for a while (APIC_WAIT_TSC when it was 1e9 ticks, ~0.4 s of QEMU's TSC, ran out
 * once at load ~30: a logical-cluster IPI seen by CPU 0 only). A passing
 * wait ends at the arrival, so only a failure pays the bound.
 */
#define IPI_WAIT_TSC (10 * APIC_WAIT_TSC)

static void check_ipi_dev(const char *dev, uint32_t icr, uint32_t dest, unsigned expect, const char *what)
{
	unsigned got = 0, vec = next_vec();
	bool sent, ok = true;
	uint64_t t;

	for (int i = 0; i < ncpu; i++)
		hits[i] = 0;
	irq_enable();
	sent = apic_icr_write(icr | vec, dest);
	/* One deadline for all the expected CPUs, so a missing one costs one bound, not one each. */
	t = rdtsc();
	for (int i = 0; i < ncpu; i++) {
		uint64_t used = rdtsc() - t;

		if (expect & (1U << i))
			ok &= used < IPI_WAIT_TSC && wait_count_at_least(&hits[i], 1, IPI_WAIT_TSC - used);
	}
	t = rdtsc();
	while (rdtsc() - t < SETTLE_TSC)
		cpu_relax();
	irq_disable();
	for (int i = 0; i < ncpu; i++)
		got |= (hits[i] == 1) << i;
	/*
	 * A miscount made only of takes that interrupted IF=0 code (typically the
	 * other take's own handler: an interrupt gate clears IF) is
	 * irq_miscount_row()'s, on every CPU that miscounted; any other stays a
	 * FAIL. Only the first two takes per CPU are recorded: a third counts as
	 * an IF=1 one.
	 */
	const char *row = NULL;
	bool only_redelivered = sent;
	for (int i = 0; i < ncpu; i++) {
		unsigned want = (expect >> i) & 1, if0 = 0;

		ok &= hits[i] == want;
		if (hits[i] == want)
			continue;
		for (unsigned k = 0; k < hits[i] && k < 2; k++)
			if0 += !(taken[i][k].rflags & X86_EFLAGS_IF);
		row = irq_miscount_row(hits[i], if0, want);
		only_redelivered &= row != NULL;
	}
	if (!ok && only_redelivered && !dev)
		dev = row;
	/* SDM 'Interrupt Command Register': delivery status returns to idle once the IPI is sent. */
	report_deviation(dev, sent && ok, "%s: CPUs %#x get it once (got CPUs %#x; counts %u %u %u %u)", what, expect, got,
	       hits[0], hits[1], hits[2], hits[3]);
	for (int i = 0; i < ncpu; i++)
		if (hits[i] > 1)
			report_info("%s: CPU %d took vector %#x at RIP %#lx (IF=%d), then at RIP %#lx (IF=%d) %llu TSC ticks later",
				    what, i, vec, taken[i][0].rip, !!(taken[i][0].rflags & X86_EFLAGS_IF), taken[i][1].rip,
				    !!(taken[i][1].rflags & X86_EFLAGS_IF), (unsigned long long)(taken[i][1].tsc - taken[i][0].tsc));
}

static void check_ipi(uint32_t icr, uint32_t dest, unsigned expect, const char *what)
{
	check_ipi_dev(NULL, icr, dest, expect, what);
}

static void set_tpr(void *arg) { apic_write(APIC_TPR, (uint32_t)(uintptr_t)arg); }

struct logical { uint32_t dfr, ldr; };
static void set_logical(void *arg)
{
	struct logical *l = arg;

	if (!apic_x2apic_mode())
		apic_write(APIC_DFR, l[smp_id()].dfr);
	apic_write(APIC_LDR, l[smp_id()].ldr);
}

static void test_physical_and_shorthands(void)
{
	report_prefix_push("physical");
	start_receivers();
	for (int i = 0; i < ncpu; i++) {
		char what[64];

		snprintf(what, sizeof(what), "fixed IPI to APIC ID %u", cpus[i].apic_id);
		check_ipi(APIC_ICR_FIXED, cpus[i].apic_id, 1U << i, what);
	}
	/* SDM 'Interrupt Command Register', destination shorthand field. */
	check_ipi(APIC_DEST_SELF, 0, 1, "shorthand self");
	check_ipi(APIC_DEST_ALL, 0, (1U << ncpu) - 1, "shorthand all including self");
	check_ipi(APIC_DEST_ALL_BUT_SELF, 0, (1U << ncpu) - 2, "shorthand all excluding self");
	/* SDM 'Physical Destination Mode': xAPIC destination FFH is a broadcast to all. */
	if (!apic_x2apic_mode())
		check_ipi(APIC_ICR_FIXED, 0xff, (1U << ncpu) - 1, "physical destination FFH (broadcast)");
	stop_receivers();
	report_prefix_pop();
}

static void test_logical(void)
{
	struct logical l[NCPU];

	report_prefix_push("logical");
	/* SDM 'Flat Model': DFR model 1111B, LDR[31:24] a bit mask, the IPI hits every CPU whose bit is set. */
	for (int i = 0; i < ncpu; i++)
		l[i] = (struct logical){ 0xffffffff, (1U << i) << 24 };
	on_cpus(set_logical, l);
	start_receivers();
	check_ipi(APIC_ICR_LOGICAL, 0x0a, 0x0a, "flat: destination 0AH reaches CPUs 1 and 3");
	check_ipi(APIC_ICR_LOGICAL, 0x05, 0x05, "flat: destination 05H reaches CPUs 0 and 2");
	check_ipi(APIC_ICR_LOGICAL, 0x00, 0x00, "flat: destination 0 reaches nobody");
	stop_receivers();

	/* SDM 'Cluster Model': DFR model 0000B, LDR[31:28] cluster, LDR[27:24] member bits. */
	for (int i = 0; i < ncpu; i++)
		l[i] = (struct logical){ 0x0fffffff, ((i / 2) << 28) | ((1U << (i % 2)) << 24) };
	on_cpus(set_logical, l);
	start_receivers();
	check_ipi(APIC_ICR_LOGICAL, 0x11, 0x04, "cluster: destination 11H reaches cluster 1 member 0 (CPU 2)");
	check_ipi(APIC_ICR_LOGICAL, 0x03, 0x03, "cluster: destination 03H reaches cluster 0 (CPUs 0, 1)");
	stop_receivers();

	/* SDM 'Lowest Priority Delivery Mode': exactly one CPU of the set; which one is model-specific. */
	for (int i = 0; i < ncpu; i++)
		l[i] = (struct logical){ 0xffffffff, (1U << i) << 24 };
	on_cpus(set_logical, l);
	on_cpu(1, set_tpr, (void *)0x20);
	on_cpu(2, set_tpr, (void *)0x10);
	on_cpu(3, set_tpr, (void *)0x30);
	start_receivers();
	{
		unsigned vec = next_vec();

		for (int i = 0; i < ncpu; i++)
			hits[i] = 0;
		irq_enable();
		apic_icr_write(APIC_ICR_LOWEST | APIC_ICR_LOGICAL | vec, 0x0e);
	}
	{
		uint64_t t = rdtsc();

		while (hits[1] + hits[2] + hits[3] == 0 && rdtsc() - t < IPI_WAIT_TSC)
			cpu_relax();
		t = rdtsc();
		while (rdtsc() - t < SETTLE_TSC)
			cpu_relax();
	}
	irq_disable();
	stop_receivers();
	report(hits[0] == 0 && hits[1] + hits[2] + hits[3] == 1,
	       "lowest priority to CPUs 1-3: exactly one gets it (counts %u %u %u %u)", hits[0], hits[1], hits[2],
	       hits[3]);
	report_info("lowest priority chose %s (TPRs 20H, 10H, 30H)",
		    hits[2] ? "CPU 2, the lowest TPR" : hits[1] ? "CPU 1" : hits[3] ? "CPU 3" : "nobody");
	for (int i = 1; i < ncpu; i++)
		on_cpu(i, set_tpr, (void *)0);
	report_prefix_pop();
}

/*
 * INIT and STARTUP (SDM 'Interrupt Command Register' delivery modes 101B and
 * 110B; 'MP Initialization Protocol'): INIT puts the last CPU in
 * wait-for-SIPI, a SIPI starts it in real mode at vector * 4 KiB. The code
 * there counts its starts and halts. The CPU is not given back to on_cpu():
 * this part runs last.
 */
#define SIPI_PAGE 0x9000UL   /* below 1 MiB, free once the loader's data were copied */
#define SIPI_COUNTER 0x9800UL

static void test_init_sipi(void)
{
	/* cli; xor ax,ax; mov ds,ax; lock inc word [9800h]; 1: hlt; jmp 1b */
	static const uint8_t code[] = { 0xfa, 0x31, 0xc0, 0x8e, 0xd8, 0xf0, 0xff, 0x06, 0x00, 0x98, 0xf4, 0xeb, 0xfd };
	volatile uint16_t *count = (volatile uint16_t *)SIPI_COUNTER;
	unsigned target = cpus[ncpu - 1].apic_id;
	uint64_t t;
	bool ok;

	report_prefix_push("init-sipi");
	memcpy((void *)SIPI_PAGE, code, sizeof(code));
	*count = 0;
	ok = apic_icr_write(APIC_ICR_INIT | APIC_ICR_LEVEL_ASSERT, target);
	t = rdtsc();
	while (rdtsc() - t < SETTLE_TSC)
		cpu_relax();
	ok &= apic_icr_write(APIC_ICR_STARTUP | (SIPI_PAGE >> 12), target);
	t = rdtsc();
	while (*count == 0 && rdtsc() - t < IPI_WAIT_TSC)
		cpu_relax();
	report(ok && *count == 1, "INIT then SIPI vector 09H: CPU %d runs the code at 9000H (%u starts)", ncpu - 1,
	       *count);
	/* SDM 'MP Initialization Protocol': a SIPI outside wait-for-SIPI is ignored. */
	apic_icr_write(APIC_ICR_STARTUP | (SIPI_PAGE >> 12), target);
	t = rdtsc();
	while (rdtsc() - t < 4 * SETTLE_TSC)
		cpu_relax();
	report(*count == 1, "a second SIPI without INIT is ignored (%u starts)", *count);
	apic_icr_write(APIC_ICR_INIT | APIC_ICR_LEVEL_ASSERT, target);
	t = rdtsc();
	while (rdtsc() - t < SETTLE_TSC)
		cpu_relax();
	apic_icr_write(APIC_ICR_STARTUP | (SIPI_PAGE >> 12), target);
	t = rdtsc();
	while (*count < 2 && rdtsc() - t < IPI_WAIT_TSC)
		cpu_relax();
	report(*count == 2, "INIT again, then SIPI: it starts again (%u starts)", *count);
	report_prefix_pop();
}

static void enter_x2apic(void *arg)
{
	(void)arg;
	apic_set_mode(APIC_MODE_X2APIC);
	apic_write(APIC_SPIV, APIC_SPIV_ENABLE | 0xff);
}

static void update_ids(void *arg)
{
	(void)arg;
	cpus[smp_id()].apic_id = apic_id();
}

int main(int argc, char **argv, char **envp)
{
	(void)envp;
	report_info("running on %s", vmm_description());
	ncpu = nr_cpus();
	if (ncpu < NCPU) {
		report_skip("IPIs: %d CPUs came up, the test needs %d (smp = 4)", ncpu, NCPU);
		return report_summary();
	}
	apic_quiet_legacy();
	for (unsigned v = VEC; v < VEC + NVEC; v++)
		handle_exception(v, on_vec);
	if (arg_selected(argc, argv, "xapic")) {
		report_prefix_push("xapic");
		test_physical_and_shorthands();
		test_logical();
		report_prefix_pop();
	}
	if (arg_selected(argc, argv, "x2apic")) {
		report_prefix_push("x2apic");
		if (!this_cpu_has(X86_FEATURE_X2APIC)) {
			report_skip("x2APIC: CPUID.1:ECX[21]=0");
		} else {
			on_cpus(enter_x2apic, NULL);
			on_cpus(update_ids, NULL);
			test_physical_and_shorthands();
			/* SDM 'Logical Destination Mode in x2APIC Mode': cluster ID in bits 31:16 of the
			 * destination, a member bit mask in 15:0, matched against the derived LDR
			 * (here every ID is below 16: one cluster, member bit = 1 << ID). */
			report_prefix_push("logical");
			start_receivers();
			check_ipi(APIC_ICR_LOGICAL, (1U << cpus[1].apic_id) | (1U << cpus[3].apic_id), 0x0a,
				  "cluster 0, members of CPUs 1 and 3");
			stop_receivers();
			report_prefix_pop();
		}
		report_prefix_pop();
	}
	/* Last: the target CPU stays halted. In x2APIC mode if the part before switched to it. */
	if (arg_selected(argc, argv, "init-sipi"))
		test_init_sipi();
	return report_summary();
}
