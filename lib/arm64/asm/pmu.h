/*
 * The PMU's overflow interrupt (DDI 0487 D24 PMINTENSET_EL1; the PPI from
 * the device tree's "arm,armv8-pmuv3" node), shared by the PMU tests.
 */
#ifndef HVUT_ARM64_ASM_PMU_H
#define HVUT_ARM64_ASM_PMU_H

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
