/*
 * What the PMU tests share: finding a PMUv3 and putting it in a known state
 * (DDI 0487 D24 ID_AA64DFR0_EL1.PMUVer, PMCR_EL0), and its overflow
 * interrupt (PMINTENSET_EL1; the PPI from the device tree's
 * "arm,armv8-pmuv3" node).
 */
#ifndef HVUT_ARM64_ASM_PMU_H
#define HVUT_ARM64_ASM_PMU_H
#include <stdbool.h>

#define PMCR_E (1UL << 0)    /* enable */
#define PMCR_P (1UL << 1)    /* event counter reset */
#define PMCR_C (1UL << 2)    /* cycle counter reset */
#define PMCR_LC (1UL << 6)   /* 64-bit cycle counter overflow */
#define PMCR_LP (1UL << 7)   /* 64-bit event counter overflow (PMUv3p5) */
#define PMCR_N(pmcr) (((pmcr) >> 11) & 0x1f)

/*
 * The PMU tests' prologue: *pmuver = ID_AA64DFR0_EL1.PMUVer, *ncounters =
 * PMCR_EL0.N. Returns false after a report_skip() starting with `what`
 * when there is no PMUv3 (PMUVer 0, or 0xf: IMPLEMENTATION DEFINED) or fewer
 * than min_counters event counters.
 */
bool pmu_probe(const char *what, unsigned min_counters, unsigned *pmuver, unsigned *ncounters);

/*
 * Every counter disabled, no overflow interrupt enabled, no overflow flag
 * set, PMCCFILTR_EL0 0 (count at EL0 and EL1), PMCR_EL0 = pmcr | E | P | C:
 * enabled with all counters reset.
 */
void pmu_reset(unsigned long pmcr);

extern unsigned pmu_intid;                  /* the PMU's INTID, 0: none in the DT */
extern volatile unsigned pmu_irqs;          /* PMU interrupts taken */
extern volatile unsigned long pmu_irq_ovs;  /* PMOVSSET_EL0 when the last one came */

/*
 * Finds the PPI and, with a GIC, takes its interrupts: each one records
 * PMOVSSET_EL0 and clears it at the PMU before the EOI (the line is level-
 * sensitive). Unmasks IRQs then. Returns pmu_intid.
 */
unsigned pmu_irq_setup(void);

#endif
