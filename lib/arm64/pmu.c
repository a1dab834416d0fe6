/* What the PMU tests share: probe, reset, the overflow interrupt (asm/pmu.h). */
#include "hvut.h"
#include "devicetree.h"
#include <asm/gic.h>
#include <asm/irq.h>
#include <asm/pmu.h>
#include <asm/sysreg.h>

unsigned pmu_intid;
volatile unsigned pmu_irqs;
volatile unsigned long pmu_irq_ovs;

static void pmu_irq(struct ex_regs *regs)
{
	uint32_t iar = gic_ack();

	(void)regs;
	if (gic_iar_intid(iar) == GIC_SPURIOUS)
		return;
	if (gic_iar_intid(iar) == pmu_intid) {
		pmu_irq_ovs = read_sysreg(pmovsset_el0);
		/* Level-sensitive: clear the overflow at the PMU before EOI. */
		write_sysreg(pmu_irq_ovs, pmovsclr_el0);
		isb();
		pmu_irqs++;
	}
	gic_eoi(iar);
}

static unsigned find_pmu_intid(void)
{
	int node = fdt_find_compatible(-1, "arm,armv8-pmuv3");
	const void *p;
	int len;

	if (node < 0 || !(p = fdt_getprop(node, "interrupts", &len)) || len < 12 || fdt_cell(p, 0) != 1)
		return 0;
	return fdt_cell(p, 1) + 16;   /* GIC_PPI n is INTID 16 + n */
}

unsigned pmu_irq_setup(void)
{
	pmu_intid = find_pmu_intid();
	if (pmu_intid && gic_version()) {
		install_irq_handler(pmu_irq);
		gic_enable_irq(pmu_intid);
		irq_enable();
	}
	return pmu_intid;
}

bool pmu_probe(const char *what, unsigned min_counters, unsigned *pmuver, unsigned *ncounters)
{
	*pmuver = ID_FIELD(read_sysreg(id_aa64dfr0_el1), 8);
	if (*pmuver == 0 || *pmuver == 0xf) {
		report_skip("%s: no PMUv3 (ID_AA64DFR0_EL1.PMUVer %#x)", what, *pmuver);
		return false;
	}
	*ncounters = PMCR_N(read_sysreg(pmcr_el0));
	if (*ncounters < min_counters) {
		report_skip("%s: needs %u event counters, PMCR_EL0.N = %u", what, min_counters, *ncounters);
		return false;
	}
	return true;
}

void pmu_reset(unsigned long pmcr)
{
	write_sysreg(0xffffffffUL, pmcntenclr_el0);
	write_sysreg(0xffffffffUL, pmintenclr_el1);
	write_sysreg(0xffffffffUL, pmovsclr_el0);
	write_sysreg(pmcr | PMCR_E | PMCR_P | PMCR_C, pmcr_el0);
	write_sysreg(0, pmccfiltr_el0);
	isb();
}
