/*
 * timer: the EL1 virtual and physical generic timers. CVAL and TVAL are two
 * views of one deadline; ISTATUS follows the deadline whatever IMASK says;
 * the interrupt (the PPI the device tree names) fires once the deadline
 * passes, not before (how late is reported); IMASK and ENABLE=0 keep it quiet.
 */
#include "hvut.h"
#include <asm/gic.h>
#include <asm/irq.h>
#include <asm/timer.h>

/*
 * Every bound here is in counter ticks (CNTFRQ_EL0), never host time. The
 * architecture puts no bound on how late a timer interrupt may be signalled,
 * so lateness is reported, not asserted: what must happen gets a generous
 * limit (a KVM nested in TCG on a loaded 2-core host takes milliseconds per
 * trapped timer access), which only a timer that never fires reaches.
 */
#define MUST_HAPPEN_MS 30000
/* A deadline no descheduling of the vCPU between two instructions reaches: 10 s, within TVAL's 31 bits. */
#define FAR_MS 10000

static unsigned intid[2];
static const char *const names[2] = { "virtual", "physical" };
static volatile unsigned irqs[2], other_irqs;
static volatile uint64_t irq_at[2];
static volatile unsigned long irq_ctl[2];

static uint64_t ms_ticks(unsigned ms) { return read_cntfrq() * ms / 1000; }
/* FAR_MS in ticks, capped to what a 32-bit signed TVAL holds (1 GHz counters: QEMU 9+ cpu max). */
static uint64_t far_ticks(void) { return ms_ticks(FAR_MS) < (1UL << 30) ? ms_ticks(FAR_MS) : 1UL << 30; }

static void timer_irq(struct ex_regs *regs)
{
	uint32_t iar = gic_ack();
	unsigned id = gic_iar_intid(iar);

	(void)regs;
	if (id == GIC_SPURIOUS)
		return;
	for (int t = 0; t < 2; t++) {
		if (id != intid[t])
			continue;
		irq_at[t] = timer_count(t);
		irq_ctl[t] = timer_read_ctl(t);
		/* The line is level-triggered: mask it at the source before EOI, or it fires again. */
		timer_write_ctl(t, irq_ctl[t] | CNT_CTL_IMASK);
		irqs[t]++;
		gic_eoi(iar);
		return;
	}
	other_irqs++;
	gic_eoi(iar);
}

/* Waits up to ms for the count of timer t's interrupts to reach n. */
static bool wait_irqs(enum timer_kind t, unsigned n, unsigned ms)
{
	uint64_t end = read_cntvct() + ms_ticks(ms);

	while (irqs[t] < n && read_cntvct() < end)
		;
	return irqs[t] >= n;
}

static void check_views(enum timer_kind t)
{
	uint64_t before, after, cval, delta = far_ticks();
	int32_t tval;

	timer_write_ctl(t, 0);
	before = timer_count(t);
	timer_write_cval(t, before + delta);
	tval = timer_read_tval(t);
	report(tval > 0 && (uint64_t)tval <= delta, "TVAL reads CVAL - count after a CVAL write (%d of %lu)",
	       tval, (unsigned long)delta);
	before = timer_count(t);
	timer_write_tval(t, (int32_t)delta);
	after = timer_count(t);
	cval = timer_read_cval(t);
	report(cval >= before + delta && cval <= after + delta,
	       "a TVAL write sets CVAL = count + TVAL (%#lx in [%#lx, %#lx])", (unsigned long)cval,
	       (unsigned long)(before + delta), (unsigned long)(after + delta));
	timer_write_cval(t, timer_count(t) - ms_ticks(1));
	tval = timer_read_tval(t);
	report(tval < 0, "TVAL is negative once the deadline has passed (%d)", tval);
}

static void check_status(enum timer_kind t)
{
	unsigned before = irqs[t], tries;
	uint64_t end, cval, read_at = 0, ctl = 0;

	/*
	 * ISTATUS reads clear while the count is below CVAL (Arm ARM,
	 * CNTx_CVAL_EL0: the condition is met when count - CVAL >= 0;
	 * CNTx_CTL_EL0.ISTATUS). The deadline is far (FAR_MS); the check counts
	 * only when the count read just after CTL is still below CVAL, else it
	 * tries again.
	 */
	for (tries = 0; tries < 5; tries++) {
		timer_write_ctl(t, 0);
		cval = timer_count(t) + far_ticks();
		timer_write_cval(t, cval);
		timer_write_ctl(t, CNT_CTL_ENABLE | CNT_CTL_IMASK);
		ctl = timer_read_ctl(t);
		read_at = timer_count(t);
		if (read_at < cval)
			break;
	}
	if (read_at < cval)
		report(!(ctl & CNT_CTL_ISTATUS), "ISTATUS is clear before the deadline");
	else
		report_skip("ISTATUS before the deadline: the count passed a %d ms deadline before CTL could be read, 5 times",
			    FAR_MS);
	/* Now the deadline is the present: the condition holds from here on. */
	timer_write_cval(t, timer_count(t));
	/* QEMU updates ISTATUS from a host timer: it may take a while, never forever. */
	end = read_cntvct() + ms_ticks(MUST_HAPPEN_MS);
	while (!(timer_read_ctl(t) & CNT_CTL_ISTATUS) && read_cntvct() < end)
		;
	report(timer_read_ctl(t) & CNT_CTL_ISTATUS, "ISTATUS is set after the deadline, with IMASK set");
	udelay(5000);
	report(irqs[t] == before && !gic_irq_pending(intid[t]),
	       "IMASK keeps the interrupt from being signalled (%u IRQs, pending %d)", irqs[t] - before,
	       gic_irq_pending(intid[t]));
	timer_write_ctl(t, CNT_CTL_ENABLE);
	report(wait_irqs(t, before + 1, MUST_HAPPEN_MS), "clearing IMASK delivers the pending condition as an IRQ");
	report(irq_ctl[t] & CNT_CTL_ISTATUS, "the handler saw ISTATUS set (CTL %#lx)", irq_ctl[t]);

	timer_write_ctl(t, 0);
	timer_write_cval(t, timer_count(t) - 1);
	udelay(20000);
	report(irqs[t] == before + 1, "ENABLE=0: an expired deadline raises nothing");
}

static void check_fires(enum timer_kind t)
{
	unsigned before = irqs[t];
	uint64_t cval, late;

	timer_write_ctl(t, 0);
	timer_write_tval(t, (int32_t)ms_ticks(10));
	cval = timer_read_cval(t);
	timer_write_ctl(t, CNT_CTL_ENABLE);
	if (!report(wait_irqs(t, before + 1, MUST_HAPPEN_MS), "a 10 ms deadline raises INTID %u", intid[t]))
		return;
	late = irq_at[t] - cval;
	report(irq_at[t] >= cval, "not before the deadline (%ld ticks after)", (long)late);
	/* No architectural bound on the lateness (see MUST_HAPPEN_MS): said, not checked. */
	report_info("signalled %lu us after the deadline", (unsigned long)(late * 1000000 / read_cntfrq()));
	udelay(20000);
	report(irqs[t] == before + 1, "exactly once (%u)", irqs[t] - before);
}

int main(int argc, char **argv, char **envp)
{
	uint64_t a, b;

	(void)argc, (void)argv, (void)envp;
	report_info("CNTFRQ_EL0 = %lu Hz", (unsigned long)read_cntfrq());
	report(read_cntfrq() != 0, "CNTFRQ_EL0 is set");
	a = read_cntvct();
	udelay(1000);
	b = read_cntvct();
	report(b > a, "the virtual count advances");
	a = read_cntpct();
	udelay(1000);
	report(read_cntpct() > a, "the physical count advances");

	if (!timer_irqs(&intid[TIMER_PHYS], &intid[TIMER_VIRT])) {
		report_skip("timer interrupts: no arm,armv8-timer PPIs in the device tree");
		return report_summary();
	}
	if (!gic_version()) {
		report_skip("timer interrupts: no GICv2/v3 in the device tree");
		return report_summary();
	}
	report_info("PPIs: physical INTID %u, virtual INTID %u, GICv%d", intid[TIMER_PHYS], intid[TIMER_VIRT],
		    gic_version());
	install_irq_handler(timer_irq);
	for (int t = 0; t < 2; t++) {
		timer_write_ctl(t, 0);
		gic_enable_irq(intid[t]);
	}
	irq_enable();
	for (int t = 0; t < 2; t++) {
		report_prefix_push(names[t]);
		check_views(t);
		check_status(t);
		check_fires(t);
		timer_write_ctl(t, 0);
		report_prefix_pop();
	}
	irq_disable();
	report(other_irqs == 0, "no other interrupts (%u)", other_irqs);
	return report_summary();
}
