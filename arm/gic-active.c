/*
 * gic-active: the active state and the running priority of the CPU
 * interface, GICv3 (IHI 0069, chapter 4 "Physical Interrupt Handling and
 * Prioritization") and GICv2 (IHI 0048B, chapter 3 "Interrupt Handling and
 * Prioritization"); "gic=N" says which version the cfg asked for.
 *
 * PSTATE.I stays set throughout: the test reads the acknowledge register
 * itself, so what it sees is what the CPU interface would signal, without a
 * handler in between. Three SPIs at the top of the INTID range (unused by
 * QEMU's virt devices) are made pending through ISPENDR and routed here:
 *   idle      nothing pending: IAR is 1023, RPR is the idle priority 0xff
 *   eoimode0  EOI drops the priority and deactivates at once
 *   eoimode1  EOI only drops the priority: the interrupt stays active, is not
 *             signalled again while active even when pending, an interrupt of
 *             the same priority now is; DIR deactivates it; once with the SPI
 *             level-sensitive, once edge-triggered
 *   isactiver an interrupt made active through ISACTIVER is not signalled
 *             when pending, does not change the running priority, and
 *             ICACTIVER releases it
 *   group     an interrupt in the group the CPU interface does not forward
 *             (v3: group 0, ICC_IGRPEN0_EL1 = 0, and ICC_IAR1_EL1 takes group
 *             1 only; v2: group 1, GICC_CTLR.EnableGrp1 = 0) is not
 *             acknowledged and stays pending; back in the forwarded group it is
 *   preempt   a higher group priority preempts an active interrupt, an equal
 *             one does not; EOI restores the running priority of the
 *             interrupt underneath; with the binary point at 7 the two
 *             priorities fall in one group and there is no preemption
 */
#include "hvut.h"
#include <asm/gic.h>
#include <asm/io.h>
#include <asm/smp.h>
#include <asm/sysreg.h>
#include <asm/timer.h>

#define ICC_IGRPEN0_EL1 S3_0_C12_C12_6
#define PRIO_LOW 0xa0
#define PRIO_HIGH 0x80   /* differs from PRIO_LOW in bit 5 only among the top three */

static unsigned spi_a, spi_b, spi_c;   /* A: PRIO_LOW; B, C: PRIO_HIGH (C: PRIO_LOW in eoimode1) */

/* What the CPU interface signals now; acknowledges it if it is an interrupt. */
static unsigned ack(uint32_t *iar)
{
	*iar = gic_ack();
	return gic_iar_intid(*iar);
}

/* The distributor may take a moment to forward a new pending state (IHI 0069 4.1: no timing). */
static void settle(void)
{
	dsb(sy);
	udelay(1000);
}

static void pend(unsigned intid)
{
	gic_set_pending(intid);
	settle();
}

static void test_idle(void)
{
	unsigned id = gic_take(NULL);

	report_prefix_push("idle");
	report(id == GIC_SPURIOUS, "nothing pending: IAR reads 1023 [IHI 0069 2.2.1 special INTIDs, ICC_IAR1_EL1; IHI 0048B 4.4.4] (got %u)", id);
	report(gic_rpr() == 0xff, "no active priority: RPR is the idle priority 0xff [IHI 0069 ICC_RPR_EL1; IHI 0048B 4.4.6] (got %#x)", gic_rpr());
	report_prefix_pop();
}

static void test_eoimode0(void)
{
	uint32_t iar;
	unsigned id;

	report_prefix_push("eoimode0");
	pend(spi_a);
	id = ack(&iar);
	report(id == spi_a && gic_irq_active(spi_a) && gic_rpr() == PRIO_LOW,
	       "acknowledge: INTID %u active at running priority %#x (got %u, RPR %#x) [IHI 0069 4.1 interrupt lifecycle]",
	       spi_a, PRIO_LOW, id, gic_rpr());
	gic_eoi(iar);
	report(!gic_irq_active(spi_a) && gic_rpr() == 0xff,
	       "EOImode=0: EOI drops the priority and deactivates (active %d, RPR %#x) [IHI 0069 ICC_CTLR_EL1.EOImode; IHI 0048B 3.2.4]",
	       gic_irq_active(spi_a), gic_rpr());
	report_prefix_pop();
}

static void test_eoimode1(bool edge)
{
	uint32_t iar, iar2, iar3;
	unsigned id, hppir;
	bool was_pending;

	report_prefix_pushf("eoimode1 %s", edge ? "edge" : "level");
	gic_set_edge(spi_a, edge);
	if (!report(gic_set_eoimode(true), "EOImode=1 can be set [IHI 0069 ICC_CTLR_EL1.EOImode; IHI 0048B 4.4.1 GICC_CTLR.EOImodeNS]")) {
		report_prefix_pop();
		return;
	}
	pend(spi_a);
	id = gic_take(&iar);
	report(id == spi_a && gic_irq_active(spi_a) && gic_rpr() == 0xff,
	       "EOI drops the running priority to idle and leaves INTID %u active (got %u, active %d, RPR %#x) [IHI 0069 4.1.1 priority drop and deactivation; IHI 0048B 3.2.4]",
	       spi_a, id, gic_irq_active(spi_a), gic_rpr());
	pend(spi_a);
	id = gic_take(NULL);
	report(id == GIC_SPURIOUS && gic_irq_pending(spi_a),
	       "active and pending: not signalled again until deactivated (IAR %u, pending %d) [IHI 0069 4.1.2 interrupt handling state machine; IHI 0048B 3.2.4]",
	       id, gic_irq_pending(spi_a));
	/* After the drop an interrupt of the same priority is signalled (C at PRIO_LOW here). */
	gic_set_priority(spi_c, PRIO_LOW);
	pend(spi_c);
	id = gic_take(&iar3);
	report(id == spi_c, "after the drop an interrupt of the same priority is signalled (IAR %u, want %u) [IHI 0069 4.8 preemption by running priority]",
	       id, spi_c);
	if (id == spi_c)
		gic_deactivate(iar3);
	gic_set_priority(spi_c, PRIO_HIGH);
	was_pending = gic_irq_pending(spi_a);
	gic_deactivate(iar);
	settle();
	report(!gic_irq_active(spi_a), "DIR deactivates it [IHI 0069 ICC_DIR_EL1; IHI 0048B 4.4.15 GICC_DIR]");
	hppir = gic_hppir();
	id = gic_take(&iar2);
	if (edge)
		report(id == spi_a, "once inactive, its pending state is signalled (IAR %u, want %u; pending before DIR %d, HPPIR after %u)",
		       id, spi_a, was_pending, hppir);
	else
		report_deviation("gicv3-dir-loses-pending", id == spi_a,
				 "once inactive, its pending state is signalled (IAR %u, want %u; pending before DIR %d, HPPIR after %u)",
				 id, spi_a, was_pending, hppir);
	if (id == spi_a)
		gic_deactivate(iar2);
	report(!gic_irq_active(spi_a) && !gic_irq_pending(spi_a) && gic_rpr() == 0xff, "EOI + DIR: inactive, idle priority");
	gic_set_eoimode(false);
	gic_set_edge(spi_a, false);
	report_prefix_pop();
}

static void test_isactiver(void)
{
	unsigned id;

	report_prefix_push("isactiver");
	gic_set_active(spi_a);
	report(gic_irq_active(spi_a) && gic_rpr() == 0xff,
	       "ISACTIVER sets the active state; the running priority stays idle (active %d, RPR %#x) [IHI 0069 GICD_ISACTIVER<n>, ICC_RPR_EL1: the running priority comes from the active priorities ICC_AP1R<n>_EL1, set only by an acknowledge; IHI 0048B 4.3.9]",
	       gic_irq_active(spi_a), gic_rpr());
	pend(spi_a);
	id = gic_take(NULL);
	report(id == GIC_SPURIOUS, "pending while active: not signalled (IAR %u) [IHI 0069 4.1.2; IHI 0048B 3.2.4]", id);
	gic_clear_active(spi_a);
	settle();
	id = gic_take(NULL);
	report(id == spi_a, "ICACTIVER clears it and the pending interrupt is signalled (IAR %u) [IHI 0069 GICD_ICACTIVER; IHI 0048B 4.3.10]", id);
	report_prefix_pop();
}

static void test_group(void)
{
	uintptr_t g = gic_dist_base() + GICD_IGROUPR + spi_a / 32 * 4;
	uint32_t b = 1U << (spi_a % 32), saved = readl(g), iar;
	unsigned id, hppir, other = saved & b ? 0 : 1;

	report_prefix_push("group");
	if (gic_version() == 3 && (read_sysreg(ICC_IGRPEN0_EL1) & 1)) {
		report_info("ICC_IGRPEN0_EL1 was 1: cleared");
		write_sysreg(0, ICC_IGRPEN0_EL1);
		isb();
	}
	writel(g, saved ^ b);
	pend(spi_a);
	hppir = gic_hppir();
	iar = gic_ack();
	id = gic_iar_intid(iar);
	if (id == spi_a)
		gic_eoi(iar);
	report(id != spi_a && gic_irq_pending(spi_a),
	       "in group %u, which this CPU interface does not forward: not acknowledged, still pending (IAR %u, HPPIR %u) [%s]",
	       other, id, hppir,
	       gic_version() == 3 ? "IHI 0069 ICC_IGRPEN0_EL1, ICC_IAR1_EL1: Group 1 interrupts only" :
				    "IHI 0048B 4.4.1 GICC_CTLR.EnableGrp1, 4.3.4 GICD_IGROUPRn");
	writel(g, saved);
	settle();
	id = gic_take(NULL);
	report(id == spi_a, "back in group %u: its pending state is signalled (IAR %u)", 1 - other, id);
	report_prefix_pop();
}

static void test_preempt(void)
{
	uint32_t iar_a, iar_b;
	unsigned id, bpr = gic_set_bpr(0), hppir;

	report_prefix_push("preempt");
	report_info("binary point: smallest implemented %u", bpr);
	pend(spi_a);
	ack(&iar_a);
	pend(spi_b);
	id = ack(&iar_b);
	report(id == spi_b && gic_rpr() == PRIO_HIGH,
	       "priority %#x preempts active %#x: IAR %u, RPR %#x [IHI 0069 4.8 preemption; IHI 0048B 3.3.3]",
	       PRIO_HIGH, PRIO_LOW, id, gic_rpr());
	pend(spi_c);
	id = gic_take(NULL);
	report(id == GIC_SPURIOUS, "the same priority %#x does not preempt %#x: IAR %u", PRIO_HIGH, PRIO_HIGH, id);
	gic_eoi(iar_b);
	report(gic_rpr() == PRIO_LOW, "EOI restores the running priority of the interrupt underneath (RPR %#x, want %#x)",
	       gic_rpr(), PRIO_LOW);
	id = gic_take(NULL);
	report(id == spi_c, "then the equal-priority one preempts that (IAR %u, want %u)", id, spi_c);
	gic_eoi(iar_a);
	report(gic_rpr() == 0xff, "all EOIed: idle (RPR %#x)", gic_rpr());

	/*
	 * Binary point 7: group priority field [7:7] (v3 Non-secure group 1) or
	 * none (v2 group 0); 0x80 and 0xa0 share bit 7, so one group.
	 */
	bpr = gic_set_bpr(7);
	report(bpr == 7, "the binary point takes 7 (%u) [IHI 0069 ICC_BPR1_EL1; IHI 0048B 4.4.3]", bpr);
	pend(spi_a);
	ack(&iar_a);
	pend(spi_b);
	id = gic_take(NULL);
	hppir = gic_hppir();
	report(id == GIC_SPURIOUS && hppir == spi_b,
	       "binary point 7: %#x does not preempt %#x, one group priority (IAR %u, HPPIR %u) [IHI 0069 4.8 priority grouping]",
	       PRIO_HIGH, PRIO_LOW, id, hppir);
	gic_eoi(iar_a);
	id = gic_take(NULL);
	report(id == spi_b, "after the EOI it is signalled (IAR %u)", id);
	gic_set_bpr(0);
	report_prefix_pop();
}

int main(int argc, char **argv, char **envp)
{
	unsigned spis[3];

	(void)envp;
	if (!gic_test_start(argc, argv))
		return report_summary();
	report_info("GICv%d, %u INTIDs", gic_version(), gic_nr_intids());
	irq_disable();
	spi_a = gic_nr_intids() - 1;
	spi_b = spi_a - 1;
	spi_c = spi_a - 2;
	spis[0] = spi_a, spis[1] = spi_b, spis[2] = spi_c;
	for (unsigned i = 0; i < 3; i++) {
		gic_route_spi_here(spis[i]);
		gic_set_priority(spis[i], i ? PRIO_HIGH : PRIO_LOW);
		gic_enable_irq(spis[i]);
	}
	test_idle();
	test_eoimode0();
	test_eoimode1(false);   /* SPIs reset level-sensitive; ISPENDR latches either way (IHI 0069 4.1.1) */
	test_eoimode1(true);
	test_isactiver();
	test_group();
	test_preempt();
	for (unsigned i = 0; i < 3; i++) {
		gic_disable_irq(spis[i]);
		gic_clear_pending(spis[i]);
	}
	return report_summary();
}
