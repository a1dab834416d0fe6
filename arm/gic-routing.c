/*
 * gic-routing: where an SPI goes. Every CPU waits with interrupts unmasked;
 * the SPI (the distributor's last, unused by QEMU's virt devices) is made
 * pending through GICD_ISPENDR and we count who acknowledges it.
 *  - to each CPU: GICv3 GICD_IROUTER<n> with Interrupt_Routing_Mode 0 and
 *    that CPU's affinity (IHI 0069 12.9 GICD_IROUTER<n>), GICv2
 *    GICD_ITARGETSR<n> with its CPU interface bit (IHI 0048B 4.3.12): taken
 *    there once, nowhere else;
 *  - GICv2 with several targets: the 1-N model (IHI 0048B 1.4.3, 3.2.3): one
 *    of the targeted CPUs takes it, once; none that is not targeted. With no
 *    target no CPU takes it;
 *  - GICv3 1 of N (IROUTER.IRM = 1) where GICD_TYPER.No1N = 0: exactly one
 *    participating PE takes it; GICR_CTLR.DPG1NS (where GICR_TYPER.DPGS = 1)
 *    takes a PE out of the selection. GICD_CTLR.E1NWF is IMPLEMENTATION
 *    DEFINED programmable or RAZ/WI: reported.
 */
#include "hvut.h"
#include <asm/gic.h>
#include <asm/io.h>
#include <asm/irq.h>
#include <asm/smp.h>
#include <asm/sysreg.h>
#include <asm/timer.h>

#define IROUTER_IRM (1UL << 31)
#define GICD_TYPER_NO1N (1U << 25)
#define GICD_CTLR_E1NWF (1U << 7)
#define GICR_TYPER_DPGS (1U << 5)
#define GICR_CTLR_DPG1NS (1U << 25)
#define ROUNDS 8   /* deliveries per multi-target case */

static unsigned spi;
static int ncpus;
static volatile unsigned taken[MAX_CPUS];
static volatile unsigned others;
static volatile bool stop;

static void spi_irq(struct ex_regs *regs)
{
	unsigned id = gic_take(NULL);

	(void)regs;
	if (id == GIC_SPURIOUS)
		return;   /* the 1-N model's losers see this: allowed */
	if (id == spi)
		taken[smp_id()]++;
	else
		others++;
}

static void irq_loop(void *arg)
{
	(void)arg;
	irq_enable();
	while (!READ_ONCE(stop))
		;
	irq_disable();
}

static unsigned total(void)
{
	unsigned t = 0;

	for (int c = 0; c < ncpus; c++)
		t += taken[c];
	return t;
}

static void clear_counts(void)
{
	for (int c = 0; c < ncpus; c++)
		taken[c] = 0;
}

/*
 * Waits, interrupts unmasked here too, until some CPU took the SPI (at most
 * 10 s of the generic counter: a bound only for the failing case, generous
 * because under KVM nested in TCG on a loaded 2-core host, four vCPU threads
 * share two cores twice over), then 10 ms more for a second delivery.
 * Returns the deliveries.
 */
static unsigned wait_taken(void)
{
	uint64_t end;

	irq_enable();
	end = read_cntvct() + 10 * read_cntfrq();
	while (total() == 0 && read_cntvct() < end)
		;
	udelay(10000);
	irq_disable();
	return total();
}

static unsigned deliver(void)
{
	gic_set_pending(spi);
	return wait_taken();
}

/*
 * ROUNDS deliveries to several possible takers; taken[] ends up holding each
 * CPU's total. Returns the rounds that were not taken exactly once, or
 * (cpu0_out) were taken by CPU 0.
 */
static unsigned deliver_rounds(bool cpu0_out)
{
	unsigned hits[MAX_CPUS] = { 0 }, bad = 0;

	for (int r = 0; r < ROUNDS; r++) {
		clear_counts();
		if (deliver() != 1 || (cpu0_out && taken[0]))
			bad++;
		for (int c = 0; c < ncpus; c++)
			hits[c] += taken[c];
	}
	for (int c = 0; c < ncpus; c++)
		taken[c] = hits[c];
	return bad;
}

static void describe_counts(char *buf, size_t len)
{
	size_t o = 0;

	buf[0] = 0;
	for (int c = 0; c < ncpus && o < len; c++)
		o += snprintf(buf + o, len - o, "%s%u", c ? " " : "", taken[c]);
}

static void check_each_cpu(void)
{
	char counts[64];

	for (int c = 0; c < ncpus; c++) {
		bool exact;

		clear_counts();
		gic_route_spi(spi, c);
		if (gic_version() == 3) {
			uint64_t r = readq(gic_dist_base() + GICD_IROUTER + spi * 8);

			report(r == (cpu_mpidr(c) & MPIDR_HWID_MASK),
			       "IROUTER reads back CPU %d's affinity, IRM 0 (%#lx)", c, (unsigned long)r);
		}
		deliver();
		exact = true;
		for (int o = 0; o < ncpus; o++)
			exact &= taken[o] == (o == c ? 1u : 0u);
		describe_counts(counts, sizeof(counts));
		report(exact, "routed to CPU %d (%s): taken there once, nowhere else (per CPU: %s)", c,
		       gic_version() == 3 ? "IROUTER" : "ITARGETSR", counts);
	}
}

/* IHI 0048B 1.4.3 the 1-N model, 3.2.3: one targeted processor handles it. */
static void check_v2_multi(void)
{
	uint8_t mask = 0;
	unsigned bad;
	char counts[64];

	for (int c = 1; c < ncpus; c++)
		mask |= gic_v2_target(c);
	writeb(gic_dist_base() + GICD_ITARGETSR + spi, mask);
	dsb(sy);
	report(readb(gic_dist_base() + GICD_ITARGETSR + spi) == mask, "ITARGETSR takes the targets of CPUs 1-%d (%#x)",
	       ncpus - 1, mask);
	bad = deliver_rounds(true);
	describe_counts(counts, sizeof(counts));
	report_deviation("gicv2-spi-1n-several-acks", !bad,
			 "%d targets: each of %d deliveries taken once, by a target, never by CPU 0 (totals: %s)", ncpus - 1,
			 ROUNDS, counts);

	/*
	 * No target: an implementation may refuse the pending state (the
	 * Cortex-A9 MPCore does) or hold it; either way no CPU may take it.
	 */
	writeb(gic_dist_base() + GICD_ITARGETSR + spi, 0);
	dsb(sy);
	clear_counts();
	deliver();
	report(total() == 0, "ITARGETSR 0: taken by no CPU");
	report_info("ITARGETSR 0: the ISPENDR write %s", gic_irq_pending(spi) ? "left it pending" : "left nothing pending");
	gic_clear_pending(spi);
}

static void set_dpg1ns(int cpu, bool on)
{
	uintptr_t ctlr = gic_rdist_base(cpu) + GICR_CTLR;

	writel(ctlr, on ? readl(ctlr) | GICR_CTLR_DPG1NS : readl(ctlr) & ~GICR_CTLR_DPG1NS);
	dsb(sy);
}

/* IHI 0069 12.9 GICD_IROUTER<n>.Interrupt_Routing_Mode, 12.11 GICR_CTLR.DPG1NS, GICR_TYPER.DPGS. */
static void check_v3_1ofn(void)
{
	uintptr_t d = gic_dist_base();
	uint32_t typer = readl(d + GICD_TYPER), ctlr = readl(d + GICD_CTLR);
	unsigned bad;
	uint64_t r;
	char counts[64];

	writel(d + GICD_CTLR, ctlr | GICD_CTLR_E1NWF);
	while (readl(d + GICD_CTLR) & GICD_CTLR_RWP)
		;
	report_info("GICD_CTLR.E1NWF (IMPLEMENTATION DEFINED programmable or RAZ/WI): %s",
		    readl(d + GICD_CTLR) & GICD_CTLR_E1NWF ? "programmable" : "RAZ/WI");
	writel(d + GICD_CTLR, ctlr);
	while (readl(d + GICD_CTLR) & GICD_CTLR_RWP)
		;
	gic_route_spi(spi, 0);
	writeq(d + GICD_IROUTER + spi * 8, IROUTER_IRM);
	dsb(sy);
	r = readq(d + GICD_IROUTER + spi * 8);
	if (typer & GICD_TYPER_NO1N) {
		report_info("IROUTER with IRM written reads %#lx", (unsigned long)r);
		report_skip("1 of N SPI routing: GICD_TYPER.No1N = 1 (GICD_TYPER %#x)", typer);
		return;
	}
	if (!report_deviation("gicv3-no1n-irm-ignored", r & IROUTER_IRM,
			      "GICD_TYPER.No1N = 0: IROUTER.IRM is writable (%#lx)", (unsigned long)r)) {
		report_skip("1 of N deliveries: IRM did not stick");
		return;
	}
	bad = deliver_rounds(false);
	describe_counts(counts, sizeof(counts));
	report(!bad, "IRM = 1: each of %d deliveries taken by exactly one PE (totals: %s)", ROUNDS, counts);

	if (!(readq(gic_rdist_base(0) + GICR_TYPER) & GICR_TYPER_DPGS)) {
		report_skip("GICR_CTLR.DPG1NS: GICR_TYPER.DPGS = 0");
		return;
	}
	for (int sel = 0; sel < ncpus; sel++) {
		bool exact = true;

		for (int c = 0; c < ncpus; c++)
			set_dpg1ns(c, c != sel);
		clear_counts();
		deliver();
		for (int c = 0; c < ncpus; c++)
			exact &= taken[c] == (c == sel ? 1u : 0u);
		describe_counts(counts, sizeof(counts));
		report(exact, "DPG1NS on every PE but CPU %d: taken there once (per CPU: %s)", sel, counts);
	}
	for (int c = 0; c < ncpus; c++)
		set_dpg1ns(c, false);
}

int main(int argc, char **argv, char **envp)
{
	int want = gic_wanted_version(argc, argv);

	(void)envp;
	if (!gic_version()) {
		report_skip("GIC: no GICv2/GICv3 node in the device tree");
		return report_summary();
	}
	if (want)
		report(gic_version() == want, "the device tree describes a GICv%d (%d)", want, gic_version());
	ncpus = nr_cpus();
	if (ncpus < 2) {
		report_skip("SPI routing: needs 2 CPUs (smp >= 2 in unittests.cfg)");
		return report_summary();
	}
	spi = gic_nr_intids() - 1;
	report_info("GICv%d, %d CPUs, SPI %u", gic_version(), ncpus, spi);
	install_irq_handler(spi_irq);
	gic_disable_irq(spi);
	gic_clear_pending(spi);
	gic_set_edge(spi, true);
	gic_set_priority(spi, 0x80);
	gic_enable_irq(spi);
	for (int c = 1; c < ncpus; c++)
		on_cpu_async(c, irq_loop, NULL);
	udelay(5000);   /* let them reach irq_enable() */

	report_prefix_push("one CPU");
	check_each_cpu();
	report_prefix_pop();
	if (gic_version() == 2) {
		report_prefix_push("v2 targets");
		check_v2_multi();
		report_prefix_pop();
	} else {
		report_prefix_push("1 of N");
		check_v3_1ofn();
		report_prefix_pop();
	}
	gic_disable_irq(spi);
	WRITE_ONCE(stop, true);
	for (int c = 1; c < ncpus; c++)
		on_cpu_wait(c);
	report(others == 0, "no other interrupts (%u)", others);
	return report_summary();
}
