/*
 * migration: state an arm64 guest set up is the same after a live migration
 * (docs/protocol.md "Migration", lib/migrate.h), each register checked to
 * hold what was written (Arm ARM DDI 0487 register descriptions; GICv3
 * IHI 0069 for the distributor):
 *   - system registers: TPIDR_EL0/EL1, TPIDRRO_EL0, CONTEXTIDR_EL1,
 *     VBAR_EL1, MDSCR_EL1 (KDE/MDE), DBGBVR0/DBGBCR0 (disabled), DBGWVR0;
 *   - the virtual timer: CNTV_CVAL and CNTV_CTL (enabled, masked, far in the
 *     future), and CNTVCT never goes back;
 *   - the PMU cycle counter: enabled, it keeps counting up;
 *   - V0-V31 and FPCR;
 *   - the GIC distributor's last SPI: priority, enabled, pending;
 *   - 1 MiB of memory with a pattern.
 * Argument "corrupt": change TPIDR_EL1 after the migration before comparing.
 */
#include "hvut.h"
#include "migrate.h"
#include <asm/gic.h>
#include <asm/io.h>
#include <asm/sysreg.h>

#define MEM_BYTES (1 << 20)

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

static unsigned spi;

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
	write_sysreg(read_sysreg(cntvct_el0) + (read_sysreg(cntfrq_el0) << 16), cntv_cval_el0);
	write_sysreg(3, cntv_ctl_el0);                         /* enabled, masked */
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
	bool corrupt = argc > 1 && !strcmp(argv[1], "corrupt");
	uint8_t *mem = migrate_pattern_fill(MEM_BYTES);
	struct state before, after;
	unsigned long vct_before, vct_after, cyc_before, cyc_after, cyc_later, v;
	unsigned bad, vbad = 0;

	(void)envp;
	report_prefix_push("migration");
	if (!mem || gic_version() != 3) {
		report_skip("migration: needs 1 MiB and a GICv3 (gic-version=3)");
		return report_summary();
	}
	spi = ((readl(gic_dist_base() + GICD_TYPER) & 0x1f) + 1) * 32 - 1;
	for (unsigned i = 0; i < sizeof(vregs_in); i++)
		vregs_in[i] = (uint8_t)(i * 7 + 3);
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
