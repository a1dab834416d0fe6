/*
 * migration: state an arm64 guest set up is the same after a live migration
 * (docs/protocol.md "Migration", lib/migrate.h), each register checked to
 * hold what was written (Arm ARM DDI 0487 register descriptions; GICv3
 * IHI 0069 for the distributor):
 *   - system registers: TPIDR_EL0/EL1, TPIDRRO_EL0, CONTEXTIDR_EL1,
 *     VBAR_EL1, MDSCR_EL1 (KDE/MDE), DBGBVR0/DBGBCR0 (disabled), DBGWVR0;
 *   - the virtual timer: CNTV_CVAL and CNTV_CTL (enabled, not masked, the
 *     deadline DEADLINE_S counter seconds after the request, IRQs masked at
 *     PSTATE.I across the move), and CNTVCT never goes back; its interrupt
 *     is taken once after the move, not before the deadline (not lost);
 *   - the PMU cycle counter: enabled, it keeps counting up;
 *   - V0-V31 and FPCR;
 *   - the GIC distributor's last SPI: priority, enabled, pending;
 *   - active state: an SPI and a (preempting) SGI acknowledged and not yet
 *     EOIed before the move are still active after it (GICD_ISACTIVER,
 *     GICR_ISACTIVER0) at the SGI's running priority, and EOI then ends each
 *     active state in turn;
 *   - 1 MiB of memory with a pattern.
 * Argument "corrupt": change TPIDR_EL1 after the migration before comparing;
 * "corrupt-gic": clear the SPI's active state (GICD_ICACTIVER) after it;
 * "corrupt-timer": disable the virtual timer after it (its interrupt is lost).
 */
#include "hvut.h"
#include "migrate.h"
#include <asm/gic.h>
#include <asm/io.h>
#include <asm/irq.h>
#include <asm/sysreg.h>
#include <asm/timer.h>

#define MEM_BYTES (1 << 20)
/*
 * Priorities (IHI 0069 4.8, lower is higher): the SGI preempts the active
 * SPI, the timer's PPI preempts both, so it is taken while they stay active.
 */
#define ACTIVE_SPI_PRIO 0x80
#define ACTIVE_SGI 3
#define ACTIVE_SGI_PRIO 0x40
#define VTIMER_PRIO 0x20
/*
 * The virtual timer's deadline, in counter seconds after the request: past
 * the move on the tcg lanes (the counter advanced 24 s across it on the
 * loaded 2-core host, start of the destination included; a 20 s deadline
 * passed during the move). Where the move takes longer the deadline passes
 * during it, the interrupt stays pending behind PSTATE.I and must still be
 * taken once after: report_info says which happened.
 */
#define DEADLINE_S 40
/* A timer interrupt that never comes: this many counter seconds past the deadline. */
#define MUST_HAPPEN_S 30

static uint8_t vregs_in[32 * 16] __attribute__((aligned(16)));
static uint8_t vregs_out[32 * 16] __attribute__((aligned(16)));

__asm__(".pushsection .text\n"
	".arch_extension fp\n"
	".arch_extension simd\n"
	".globl mig_v_load, mig_v_store\n"
	"mig_v_load:\n"
	".irp n,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31\n"
	"	ldr q\\n, [x0, #(\\n * 16)]\n"
	".endr\n"
	"	ret\n"
	"mig_v_store:\n"
	".irp n,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31\n"
	"	str q\\n, [x0, #(\\n * 16)]\n"
	".endr\n"
	"	ret\n"
	".popsection");
void mig_v_load(const void *buf);
void mig_v_store(void *buf);

struct state {
	unsigned long tpidr0, tpidr1, tpidrro, contextidr, vbar, mdscr, bvr0, bcr0, wvr0, cval, ctl, fpcr;
	uint8_t spi_prio;
	bool spi_enabled, spi_pending;
};

static unsigned spi, active_spi, vtimer_intid;
static uint32_t spi_iar, sgi_iar;
static volatile unsigned vtimer_irqs, other_irqs;
static volatile uint64_t vtimer_irq_at;

static void irq(struct ex_regs *regs)
{
	uint32_t iar = gic_ack();
	unsigned id = gic_iar_intid(iar);

	(void)regs;
	if (id == GIC_SPURIOUS)
		return;
	if (id == vtimer_intid) {
		vtimer_irq_at = read_cntvct();
		/* Level-triggered: mask it at the timer before EOI, or it fires again. */
		write_sysreg(read_sysreg(cntv_ctl_el0) | CNT_CTL_IMASK, cntv_ctl_el0);
		isb();
		vtimer_irqs++;
	} else {
		other_irqs++;
	}
	gic_eoi(iar);
}

/* Waits (bounded by the counter) until intid is the highest priority pending one, then acknowledges it. */
static uint32_t ack_when_pending(unsigned intid)
{
	uint64_t end = read_cntvct() + read_cntfrq() * 10;

	while (gic_hppir() != intid && read_cntvct() < end)
		;
	return gic_ack();
}

/*
 * With PSTATE.I set: leaves the SPI and then the SGI acknowledged and not
 * EOIed (active, IHI 0069 4.1 interrupt lifecycle), and arms the virtual
 * timer DEADLINE_S ahead with its PPI enabled. False when an acknowledge
 * returned another INTID.
 */
static bool arm_irqs(void)
{
	irq_disable();
	active_spi = spi - 1;
	gic_set_edge(active_spi, true);
	gic_set_priority(active_spi, ACTIVE_SPI_PRIO);
	gic_route_spi_here(active_spi);
	gic_enable_irq(active_spi);
	gic_set_pending(active_spi);
	spi_iar = ack_when_pending(active_spi);
	gic_set_priority(ACTIVE_SGI, ACTIVE_SGI_PRIO);
	gic_enable_irq(ACTIVE_SGI);
	gic_send_sgi(smp_id(), ACTIVE_SGI);
	sgi_iar = ack_when_pending(ACTIVE_SGI);
	if (!report(gic_iar_intid(spi_iar) == active_spi && gic_iar_intid(sgi_iar) == ACTIVE_SGI &&
		    gic_irq_active(active_spi) && gic_irq_active(ACTIVE_SGI),
		    "before: SPI %u then SGI %u acknowledged, both active (IAR %u, %u) [IHI 0069 4.1, 4.8 preemption]",
		    active_spi, ACTIVE_SGI, gic_iar_intid(spi_iar), gic_iar_intid(sgi_iar)))
		return false;
	gic_set_priority(vtimer_intid, VTIMER_PRIO);
	gic_enable_irq(vtimer_intid);
	install_irq_handler(irq);
	write_sysreg(read_sysreg(cntvct_el0) + read_cntfrq() * DEADLINE_S, cntv_cval_el0);
	write_sysreg(CNT_CTL_ENABLE, cntv_ctl_el0);
	isb();
	return true;
}

/* After the move: the active states are still there, then EOI ends them (SGI first: it is the running priority). */
static void check_active(void)
{
	unsigned rpr = gic_rpr();

	report(gic_irq_active(active_spi), "SPI %u still active after the move [IHI 0069 GICD_ISACTIVER<n>]", active_spi);
	report(gic_irq_active(ACTIVE_SGI), "SGI %u still active after the move [IHI 0069 GICR_ISACTIVER0]", ACTIVE_SGI);
	report(rpr == ACTIVE_SGI_PRIO, "running priority is still the SGI's (RPR %#x, want %#x) [IHI 0069 ICC_RPR_EL1, ICC_AP1R<n>_EL1]",
	       rpr, ACTIVE_SGI_PRIO);
	gic_eoi(sgi_iar);
	report(!gic_irq_active(ACTIVE_SGI) && gic_irq_active(active_spi) && gic_rpr() == ACTIVE_SPI_PRIO,
	       "EOI of the SGI: it is inactive, the SPI still active, RPR %#x (want %#x) [IHI 0069 ICC_EOIR1_EL1, EOImode 0]",
	       gic_rpr(), ACTIVE_SPI_PRIO);
	gic_eoi(spi_iar);
	report(!gic_irq_active(active_spi) && gic_rpr() == 0xff,
	       "EOI of the SPI: it is inactive, RPR idle (%#x) [IHI 0069 ICC_EOIR1_EL1, ICC_RPR_EL1]", gic_rpr());
}

/* After the move: the virtual timer's interrupt comes once, not before its deadline. */
static void check_vtimer(unsigned long cval, unsigned long vct_after)
{
	uint64_t end = (cval > vct_after ? cval : vct_after) + read_cntfrq() * MUST_HAPPEN_S;

	report_info("virtual timer deadline %s the move (CVAL %#lx, CNTVCT after the move %#lx)",
		    cval > vct_after ? "after" : "passed during", cval, vct_after);
	irq_enable();
	while (!vtimer_irqs && read_cntvct() < end)
		;
	irq_disable();
	report(vtimer_irqs == 1 && vtimer_irq_at >= cval,
	       "the virtual timer's interrupt is taken after the move, at or after CVAL (%u taken, at %#lx, CVAL %#lx) "
	       "[DDI 0487 D12.2.4 timer condition CNTVCT >= CVAL asserts the interrupt]",
	       vtimer_irqs, (unsigned long)vtimer_irq_at, cval);
	write_sysreg(0, cntv_ctl_el0);
	isb();
	report(other_irqs == 0, "no other interrupts taken (%u)", other_irqs);
}

static void read_state(struct state *s)
{
	s->tpidr0 = read_sysreg(tpidr_el0);
	s->tpidr1 = read_sysreg(tpidr_el1);
	s->tpidrro = read_sysreg(tpidrro_el0);
	s->contextidr = read_sysreg(contextidr_el1);
	s->vbar = read_sysreg(vbar_el1);
	s->mdscr = read_sysreg(mdscr_el1);
	s->bvr0 = read_sysreg(dbgbvr0_el1);
	s->bcr0 = read_sysreg(dbgbcr0_el1);
	s->wvr0 = read_sysreg(dbgwvr0_el1);
	s->cval = read_sysreg(cntv_cval_el0);
	s->ctl = read_sysreg(cntv_ctl_el0) & 3;   /* ENABLE, IMASK; ISTATUS is the timer's own */
	s->fpcr = read_sysreg(fpcr);
	s->spi_prio = gic_get_priority(spi);
	s->spi_enabled = readl(gic_dist_base() + GICD_ISENABLER + spi / 32 * 4) & (1U << (spi % 32));
	s->spi_pending = gic_irq_pending(spi);
}

static void set_state(void)
{
	write_sysreg(0x1111222233334444UL, tpidr_el0);
	write_sysreg(0x5555666677778888UL, tpidr_el1);
	write_sysreg(0x99990000aaaabbbbUL, tpidrro_el0);
	write_sysreg(0x1234, contextidr_el1);
	write_sysreg((1UL << 13) | (1UL << 15), mdscr_el1);   /* KDE, MDE */
	write_sysreg(0x400000, dbgbvr0_el1);
	write_sysreg(0x1e4, dbgbcr0_el1);                      /* BAS=0xF, PMC=0b10, E=0 */
	write_sysreg(0x500000, dbgwvr0_el1);
	write_sysreg(read_sysreg(cpacr_el1) | (3UL << 20), cpacr_el1);
	isb();
	write_sysreg(3UL << 22, fpcr);                         /* RMode = round towards zero */
	write_sysreg(read_sysreg(pmcr_el0) | 1, pmcr_el0);     /* E */
	write_sysreg(1UL << 31, pmcntenset_el0);               /* the cycle counter */
	isb();
	gic_disable_irq(spi);
	gic_set_priority(spi, 0xa0);
	writel(gic_dist_base() + GICD_ISENABLER + spi / 32 * 4, 1U << (spi % 32));
	gic_disable_irq(spi);
	writel(gic_dist_base() + GICD_ISPENDR + spi / 32 * 4, 1U << (spi % 32));
}

/* PMCCNTR_EL0 once 1 ms of the virtual count (CNTFRQ_EL0 ticks a second) went by. */
static unsigned long cycles_a_ms_later(void)
{
	unsigned long start = read_sysreg(cntvct_el0), ms = read_sysreg(cntfrq_el0) / 1000;

	while (read_sysreg(cntvct_el0) - start < ms)
		isb();
	isb();
	return read_sysreg(pmccntr_el0);
}

#define SAME(field, what) report(a->field == b->field, "%s kept (%#lx, then %#lx)", what, \
				 (unsigned long)a->field, (unsigned long)b->field)

static void compare(const struct state *a, const struct state *b)
{
	SAME(tpidr0, "TPIDR_EL0");
	SAME(tpidr1, "TPIDR_EL1");
	SAME(tpidrro, "TPIDRRO_EL0");
	SAME(contextidr, "CONTEXTIDR_EL1");
	SAME(vbar, "VBAR_EL1");
	SAME(mdscr, "MDSCR_EL1");
	SAME(bvr0, "DBGBVR0_EL1");
	SAME(bcr0, "DBGBCR0_EL1");
	SAME(wvr0, "DBGWVR0_EL1");
	SAME(cval, "CNTV_CVAL_EL0");
	SAME(ctl, "CNTV_CTL_EL0 ENABLE/IMASK");
	SAME(fpcr, "FPCR");
	SAME(spi_prio, "the SPI's GICD_IPRIORITYR byte");
	SAME(spi_enabled, "the SPI's enable bit (clear)");
	SAME(spi_pending, "the SPI's pending bit (set)");
}

int main(int argc, char **argv, char **envp)
{
	const char *arg = argc > 1 ? argv[1] : "";
	bool corrupt = !strcmp(arg, "corrupt");
	uint8_t *mem = migrate_pattern_fill(MEM_BYTES);
	struct state before, after;
	unsigned long tpidr1, vct_before, vct_after, cyc_before, cyc_after, cyc_later, v;
	unsigned bad, vbad = 0, ptimer_intid;

	(void)envp;
	report_prefix_push("migration");
	if (!mem || gic_version() != 3) {
		report_skip("migration: needs 1 MiB and a GICv3 (gic-version=3)");
		return report_summary();
	}
	if (!timer_irqs(&ptimer_intid, &vtimer_intid)) {
		report_skip("migration: no arm,armv8-timer PPIs in the device tree");
		return report_summary();
	}
	spi = ((readl(gic_dist_base() + GICD_TYPER) & 0x1f) + 1) * 32 - 1;
	for (unsigned i = 0; i < sizeof(vregs_in); i++)
		vregs_in[i] = (uint8_t)(i * 7 + 3);
	/* Before set_state(): the GIC helpers find this CPU's redistributor through TPIDR_EL1 (this_cpu). */
	tpidr1 = read_sysreg(tpidr_el1);
	if (!arm_irqs()) {
		report_prefix_pop();
		return report_summary();
	}
	set_state();
	mig_v_load(vregs_in);
	read_state(&before);
	vct_before = read_sysreg(cntvct_el0);
	cyc_before = read_sysreg(pmccntr_el0);
	/* A counter that does not count before the move says nothing about the move. */
	v = cycles_a_ms_later();
	report(v > cyc_before, "PMCCNTR_EL0 counts on the source (%#lx, 1 ms of CNTVCT later %#lx)", cyc_before, v);
	if (!migrate_once()) {
		report_prefix_pop();
		return report_summary();
	}
	mig_v_store(vregs_out);
	vct_after = read_sysreg(cntvct_el0);
	cyc_after = read_sysreg(pmccntr_el0);
	if (corrupt)
		write_sysreg(0x5555666677778889UL, tpidr_el1);
	read_state(&after);
	compare(&before, &after);
	for (unsigned r = 0; r < 32; r++)
		vbad += !!memcmp(vregs_in + 16 * r, vregs_out + 16 * r, 16);
	report(!vbad, "V0-V31 kept (%u differ)", vbad);
	write_sysreg(tpidr1, tpidr_el1);   /* this_cpu again, for the GIC helpers and the IRQ path */
	isb();
	if (!strcmp(arg, "corrupt-gic"))
		gic_clear_active(active_spi);
	if (!strcmp(arg, "corrupt-timer")) {
		write_sysreg(0, cntv_ctl_el0);
		isb();
	}
	check_active();
	check_vtimer(before.cval, vct_after);
	bad = migrate_pattern_diff(mem, MEM_BYTES);
	report(!bad, "1 MiB of memory kept (%u bytes differ)", bad);
	report(vct_after >= vct_before, "CNTVCT_EL0 did not go back (%#lx, then %#lx) [DDI 0487 D12 Generic Timer]",
	       vct_before, vct_after);
	cyc_later = read_sysreg(pmccntr_el0);
	if (cyc_later == cyc_after) {
		unsigned long c0, c1;

		/*
		 * Which layer stopped it: the guest writes PMCNTENSET_EL0.C again
		 * (a trapped write, so a KVM re-creates its counter); if it counts
		 * then, the restore did not start the counter, not the PMU under it.
		 */
		write_sysreg(1UL << 31, pmcntenset_el0);
		isb();
		c0 = read_sysreg(pmccntr_el0);
		c1 = cycles_a_ms_later();
		report_info("PMCCNTR_EL0 after PMCNTENSET_EL0.C is written again on the destination: %#lx, then %#lx (%s)",
			    c0, c1, c1 > c0 ? "counts: the restored enable did not start it" : "still stopped");
	}
	report_deviation("pmu-counter-not-restored", cyc_later > cyc_after,
			 "PMCCNTR_EL0 counts on the destination (%#lx before, %#lx, then %#lx) "
			 "[DDI 0487 D24 PMCCNTR_EL0: counts while PMCR_EL0.E and PMCNTENSET_EL0.C are 1]",
			 cyc_before, cyc_after, cyc_later);
	report_prefix_pop();
	return report_summary();
}
