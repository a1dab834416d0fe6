/*
 * gic: the interrupt controller the device tree describes (v2 or v3, checked
 * against "gic=N" from unittests.cfg). SGIs reach exactly the CPUs they were
 * sent to, once each; an SGI's pending -> active -> inactive life through
 * ack and EOI; the priority mask holds back an interrupt of lower priority.
 */
#include "hvut.h"
#include <asm/gic.h>
#include <asm/io.h>
#include <asm/irq.h>
#include <asm/smp.h>
#include <asm/sysreg.h>
#include <asm/timer.h>

#define SGI_SELF 1
#define SGI_PRIO 2
#define SGI_ONE 3
#define SGI_OTHERS 4
#define SGI_SELF_FILTER 5

static volatile unsigned counts[MAX_CPUS][16];
static volatile unsigned v2_source[MAX_CPUS];
static volatile unsigned others;
static volatile bool stop;

static void sgi_irq(struct ex_regs *regs)
{
	uint32_t iar;
	unsigned id = gic_take(&iar);

	(void)regs;
	if (id == GIC_SPURIOUS)
		return;
	if (id < 16) {
		counts[smp_id()][id]++;
		v2_source[smp_id()] = iar >> 10 & 7;   /* GICv2 IAR.CPUID: the sender */
	} else {
		others++;
	}
}

static void irq_loop(void *arg)
{
	(void)arg;
	irq_enable();
	while (!READ_ONCE(stop))
		;
	irq_disable();
}

/*
 * Waits for CPU cpu's count of sgi to reach n. The GIC puts no bound on
 * delivery; 10 s of the counter is only spent when it never comes, and is
 * generous because the receiving vCPU may wait for a core (KVM nested in
 * TCG on a loaded 2-core host runs 4 vCPU threads on 2 L1 CPUs).
 */
static bool wait_count(int cpu, unsigned sgi, unsigned n)
{
	uint64_t end = read_cntvct() + 10 * read_cntfrq();

	while (counts[cpu][sgi] < n && read_cntvct() < end)
		;
	return counts[cpu][sgi] >= n;
}

static void check_states(void)
{
	unsigned hppir, intid, rpr;
	uint32_t iar, iar2;

	report_prefix_push("states");
	/* PSTATE.I set: the SGI stays at the GIC for us to look at. */
	gic_send_sgi(smp_id(), SGI_SELF);
	udelay(1000);
	report(gic_irq_pending(SGI_SELF) && !gic_irq_active(SGI_SELF), "a masked SGI to self is pending, not active");
	hppir = gic_hppir();
	report(hppir == SGI_SELF, "it is the highest priority pending interrupt (HPPIR %u)", hppir);
	iar = gic_ack();
	intid = gic_iar_intid(iar);
	report(intid == SGI_SELF, "acknowledge returns it (INTID %u)", intid);
	report(!gic_irq_pending(SGI_SELF) && gic_irq_active(SGI_SELF), "acknowledged: active, no longer pending");
	rpr = gic_rpr();
	report(rpr == gic_get_priority(SGI_SELF), "running priority is its priority (%#x, %#x)", rpr,
	       gic_get_priority(SGI_SELF));
	iar2 = gic_ack();
	report(gic_iar_intid(iar2) == GIC_SPURIOUS, "a second acknowledge is spurious (%u)", gic_iar_intid(iar2));
	gic_eoi(iar);
	report(!gic_irq_active(SGI_SELF) && !gic_irq_pending(SGI_SELF), "after EOI: inactive");
	report(gic_rpr() == 0xff, "running priority back to idle (%#x)", gic_rpr());
	report_prefix_pop();
}

static void check_priority_mask(void)
{
	report_prefix_push("priority");
	gic_set_priority(SGI_PRIO, 0x80);
	report((gic_get_priority(SGI_PRIO) & 0xf0) == 0x80, "priority reads back (%#x)", gic_get_priority(SGI_PRIO));
	gic_set_pmr(0x80);
	irq_enable();
	gic_send_sgi(smp_id(), SGI_PRIO);
	udelay(10000);
	report(counts[0][SGI_PRIO] == 0 && gic_irq_pending(SGI_PRIO),
	       "PMR 0x80 holds back a priority 0x80 SGI: pending, not taken");
	gic_set_pmr(0x90);
	report(wait_count(0, SGI_PRIO, 1), "PMR 0x90 lets it through");
	udelay(1000);
	report(counts[0][SGI_PRIO] == 1, "exactly once (%u)", counts[0][SGI_PRIO]);
	irq_disable();
	gic_set_pmr(0xff);
	gic_set_priority(SGI_PRIO, 0xa0);
	report_prefix_pop();
}

static void check_targets(void)
{
	int n = nr_cpus();
	bool exact;

	report_prefix_push("SGI targets");
	if (n < 2) {
		report_skip("SGIs between CPUs: needs 2 CPUs (smp >= 2 in unittests.cfg)");
		report_prefix_pop();
		return;
	}
	for (int c = 1; c < n; c++)
		on_cpu_async(c, irq_loop, NULL);
	udelay(5000);   /* let them reach irq_enable() */
	for (int c = 1; c < n; c++) {
		gic_send_sgi(c, SGI_ONE);
		wait_count(c, SGI_ONE, 1);
		udelay(5000);
		exact = true;
		for (int o = 0; o < n; o++)
			exact &= counts[o][SGI_ONE] == (o >= 1 && o <= c ? 1u : 0u);
		report(exact, "SGI %d to CPU %d: taken once there, nowhere else", SGI_ONE, c);
		if (gic_version() == 2)
			report(v2_source[c] == 0, "GICv2 IAR names CPU interface 0 as the sender (%u)", v2_source[c]);
	}
	gic_send_sgi_others(SGI_OTHERS);
	for (int c = 1; c < n; c++)
		wait_count(c, SGI_OTHERS, 1);
	udelay(5000);
	exact = counts[0][SGI_OTHERS] == 0;
	for (int c = 1; c < n; c++)
		exact &= counts[c][SGI_OTHERS] == 1;
	report(exact, "SGI %d to all but self: once on each of the %d others, not on the sender", SGI_OTHERS, n - 1);
	if (gic_version() == 2) {
		/* IHI 0048B 4.3.15 GICD_SGIR.TargetListFilter 0b10: only the requesting processor's interface. */
		irq_enable();
		writel(gic_dist_base() + GICD_SGIR, 2U << 24 | SGI_SELF_FILTER);
		wait_count(0, SGI_SELF_FILTER, 1);
		udelay(5000);
		irq_disable();
		exact = counts[0][SGI_SELF_FILTER] == 1;
		for (int c = 1; c < n; c++)
			exact &= counts[c][SGI_SELF_FILTER] == 0;
		report(exact, "v2 GICD_SGIR TargetListFilter 0b10: SGI %d once on the sender, nowhere else [IHI 0048B 4.3.15]",
		       SGI_SELF_FILTER);
	}
	WRITE_ONCE(stop, true);
	for (int c = 1; c < n; c++)
		on_cpu_wait(c);
	report_prefix_pop();
}

int main(int argc, char **argv, char **envp)
{
	int want = gic_wanted_version(argc, argv);

	(void)envp;
	if (!gic_version()) {
		report_skip("GIC: no GICv2/GICv3 node in the device tree");
		return report_summary();
	}
	report_info("GICv%d", gic_version());
	if (want)
		report(gic_version() == want, "the device tree describes a GICv%d (%d)", want, gic_version());
	if (gic_version() == 3)
		report(ID_FIELD(read_sysreg(id_aa64pfr0_el1), 24) >= 1,
		       "ID_AA64PFR0_EL1.GIC says the GICv3 system registers are there");
	install_irq_handler(sgi_irq);
	check_states();
	check_priority_mask();
	check_targets();
	report(others == 0, "no other interrupts (%u)", others);
	return report_summary();
}
