/*
 * arm64: known deviations of VMMs from the architecture manuals
 * (lib/deviation.h). One row per (deviation, VMM layer); versions [from, until),
 * NULL = unbounded.
 */
#include "hvut.h"

const struct deviation arch_deviations[] = {
	/* arm/pmu.c */
	{ "pmu-inst-event-missing", "qemu-tcg", NULL, NULL, NULL,
	  "PMCEID0 lists neither INST_RETIRED nor INST_SPEC (INST_RETIRED only with -icount)",
	  "Arm ARM D11.11 required events: INST_RETIRED or INST_SPEC" },
	/* arm/gic-mmio.c */
	{ "gicv2-itargetsr-absent-cpus", "qemu-tcg", NULL, NULL, NULL,
	  "ITARGETSR keeps the bits of CPU interfaces that do not exist",
	  "GICv2 IHI 0048B 4.3.12 GICD_ITARGETSRn: bits for unimplemented CPU interfaces are RAZ/WI" },
	/* arm/debug.c */
	{ "oslock-bp-fires", "qemu-tcg", NULL, NULL, NULL, "breakpoints fire while the OS lock is set",
	  "DDI 0487 D2.5 The OS Lock; AArch64.GenerateDebugExceptionsFrom(): no debug exceptions but BRK while OSLK=1" },
	{ "dcc-tdcc-ignored", "qemu-tcg", NULL, "10.0", NULL,
	  "MDSCR_EL1.TDCC=1 does not trap EL0's MRS of MDCCSR_EL0: it runs (seen on 7.2; 10.0 traps it)",
	  "DDI 0487 MDSCR_EL1.TDCC: EL0 accesses to the DCC registers trap to EL1 with EC 0x18" },
	{ "dbgdtr-el0-missing", "qemu-tcg", NULL, "10.0", NULL,
	  "DBGDTR_EL0 is UNDEFINED (EC 0x00) at EL0 whatever MDSCR_EL1.TDCC says (seen on 7.2; 10.0 has it)",
	  "DDI 0487 DBGDTR_EL0: a DCC register of every AArch64 PE, accessible at EL0 unless TDCC traps it" },
	/* The same two under KVM on a QEMU 7.2 TCG host: EL0's DCC accesses reach TCG (with QEMU 10.0 as L0 all pass). */
	{ "dcc-tdcc-ignored", "kvm/qemu-tcg", NULL, "10.0", NULL,
	  "MDSCR_EL1.TDCC=1 does not trap EL0's MRS of MDCCSR_EL0 (the access reaches the TCG host, which ignores TDCC)",
	  "DDI 0487 MDSCR_EL1.TDCC: EL0 accesses to the DCC registers trap to EL1 with EC 0x18" },
	{ "dbgdtr-el0-missing", "kvm/qemu-tcg", NULL, "10.0", NULL,
	  "DBGDTR_EL0 is UNDEFINED (EC 0x00) at EL0: the access reaches the TCG host, which lacks the register",
	  "DDI 0487 DBGDTR_EL0: a DCC register of every AArch64 PE, accessible at EL0 unless TDCC traps it" },
	/* arm/pmu.c, under KVM (docs/kvm.md "arm64") */
	{ "pmu-inst-event-missing", "kvm/qemu-tcg", NULL, NULL, NULL,
	  "KVM's PMCEID0 is the host PMU's (TCG's) event list: neither INST_RETIRED nor INST_SPEC",
	  "Arm ARM D11.11 required events: INST_RETIRED or INST_SPEC" },
	{ "pmu-el0-undef", "kvm", NULL, NULL, NULL,
	  "an EL0 PMU access the guest's PMUSERENR_EL0 disables is made UNDEFINED (EC 0x00), seen on 6.12.117",
	  "DDI 0487 D24 PMUSERENR_EL0 and each PMU register's accessibility: AArch64.SystemAccessTrap(EL1, 0x18)" },
	{ "pmu-el0-tpm-ignored", "kvm/qemu-tcg", NULL, NULL, NULL,
	  "TCG lets the EL0 PMU accesses PMUSERENR_EL0.CR/SW/ER allow (KVM sets them all) through past MDCR_EL2.TPM: "
	  "they reach TCG's own PMU instead of KVM",
	  "DDI 0487 D24 PMCCNTR_EL0, PMSWINC_EL0, PMEVCNTR<n>_EL0 accessibility: MDCR_EL2.TPM=1 traps EL0 access to EL2" },
	/* arm/gic-active.c: seen on KVM 6.12 in QEMU 7.2 TCG; ICV_DIR_EL1 is not trapped by KVM, so the
	 * layer (KVM's list register handling or TCG's ICH emulation) is not yet known: docs/arm64.md. */
	{ "gicv3-dir-loses-pending", "kvm/qemu-tcg", "7.2", NULL, NULL,
	  "EOImode=1: an active and pending level SPI (ISPENDR) is neither signalled nor pending after DIR; edge is fine",
	  "GICv3 IHI 0069 4.1.2 interrupt handling state machine; ICC_DIR_EL1: active and pending -> pending" },
	/* arm/gic-routing.c */
	{ "gicv2-spi-1n-several-acks", "qemu-tcg", NULL, NULL, NULL,
	  "an SPI made pending once with several CPU interfaces in ITARGETSR is acknowledged by more than one of them",
	  "GICv2 IHI 0048B 1.4.3 Models for handling interrupts: SPIs use the 1-N model, one processor handles it" },
	/* arm/debug.c "ctx" */
	{ "bp-ctx-unlinked-ignored", "qemu-tcg", NULL, NULL, NULL,
	  "an unlinked Context ID match breakpoint (DBGBCR<n>_EL1.BT = 0b0010) never fires; linked ones work",
	  "DDI 0487 D2.9 Breakpoint exceptions: Context ID match breakpoints; DBGBCR<n>_EL1.BT" },
	/* arm/pmu-filter.c: KVM's PMSWINC emulation (seen on 6.12.117 in QEMU 7.2 TCG) */
	{ "pmu-swinc-unfiltered", "kvm", NULL, NULL, NULL,
	  "an EL1 PMSWINC_EL0 write increments a SW_INCR counter whose PMEVTYPER<n>_EL0.P excludes EL1",
	  "DDI 0487 D11.7.2 Accuracy of event filtering: software increments are filtered by the EL of the write" },
	/* arm/gic-routing.c, seen on KVM 6.12.117 */
	{ "gicv3-no1n-irm-ignored", "kvm", NULL, NULL, NULL,
	  "GICD_TYPER.No1N = 0 (1 of N supported) but GICD_IROUTER<n>.Interrupt_Routing_Mode reads 0 after writing 1",
	  "GICv3 IHI 0069 12.9 GICD_TYPER.No1N, GICD_IROUTER<n>.Interrupt_Routing_Mode" },
	/* arm/debug.c "ctx" under KVM: the guest's breakpoints run on the L0 TCG's debug logic */
	{ "bp-ctx-unlinked-ignored", "kvm/qemu-tcg", NULL, NULL, NULL,
	  "an unlinked Context ID match breakpoint (DBGBCR<n>_EL1.BT = 0b0010) never fires; linked ones work",
	  "DDI 0487 D2.9 Breakpoint exceptions: Context ID match breakpoints; DBGBCR<n>_EL1.BT" },
	/* arm/migration.c (docs/kvm.md "arm64") */
	{ "pmu-counter-not-restored", "kvm", NULL, NULL, NULL,
	  "after a live migration an enabled PMCCNTR_EL0 no longer counts: userspace's KVM_SET_ONE_REG of PMCR_EL0/"
	  "PMCNTENSET_EL0 stores the values without creating the counter's perf event (seen on 6.12.117 with QEMU 10.0; "
	  "the 2025 series 'KVM: arm64: PMU: Fix SET_ONE_REG for vPMC regs' reloads the PMU on such writes)",
	  "DDI 0487 D24 PMCCNTR_EL0: counts while PMCR_EL0.E and PMCNTENSET_EL0.C are 1" },
	/* arm/gic-ppi.c: seen on QEMU 7.2.22, not on 10.0.13 (the fix between them not bisected) */
	{ "gicv2-ppi-ispendr-ignored", "qemu-tcg", NULL, "10.0", NULL,
	  "a GICv2 GICD_ISPENDR0 write of a PPI's bit leaves the PPI not pending on the writing CPU",
	  "GICv2 IHI 0048B 4.3.7 GICD_ISPENDRn: GICD_ISPENDR0 is banked per processor; writing 1 makes the interrupt pending" },
	/* arm/gic-mmio.c "unimpl": seen on QEMU 7.2.22 (ITLinesNumber 7, 288 INTIDs), not on 10.0.13 (8) */
	{ "gicv3-itlines-short", "qemu-tcg", NULL, "10.0", NULL,
	  "GICD_TYPER.ITLinesNumber counts 32 INTIDs fewer than the GIC has: the 32 past it hold enable, pending, "
	  "active and priority state",
	  "GICv3 IHI 0069 GICD_TYPER.ITLinesNumber (32(N+1) INTIDs); GICD_ISENABLER<n> etc.: bits of unimplemented "
	  "interrupts RAZ/WI" },
	/* arm/gic-ppi.c "waker": seen on KVM 6.12.117 (vgic-v3 in L1), arm64-kvm lane */
	{ "gicv3-waker-children-awake", "kvm", NULL, NULL, NULL,
	  "GICR_WAKER.ProcessorSleep = 1 reads back 1 but ChildrenAsleep stays 0 (2 s of the counter)",
	  "GICv3 IHI 0069 GICR_WAKER: software sets ProcessorSleep to 1 and waits until ChildrenAsleep == 1" },
	/*
	 * arm/its.c "pendtable": seen on KVM 6.12.117 (vgic-its in L1), arm64-kvm lane. CPU 1's pending table
	 * has LPIs P (enabled) and Q (disabled) set, PTZ = 0, its EnableLPIs still 0; MAPTI of both to
	 * CPU 1's collection. KVM's ITS reads and clears both table bits at the MAPTI (the INFO line reads
	 * them 0 before EnableLPIs), signals P at once, and at EnableLPIs reloads the now-clear table: Q is lost.
	 */
	{ "its-lpi-before-enablelpis", "kvm", NULL, NULL, NULL,
	  "an LPI mapped by MAPTI to a redistributor whose GICR_CTLR.EnableLPIs is 0 is taken from its pending "
	  "table (the bit cleared) and signalled before EnableLPIs is set",
	  "GICv3 IHI 0069 GICR_CTLR.EnableLPIs: 0, LPI support is disabled at the Redistributor" },
	{ "its-pendtable-disabled-lost", "kvm", NULL, NULL, NULL,
	  "a disabled LPI pending in the pending table (PTZ = 0) before EnableLPIs is never signalled after it is "
	  "enabled and INV'd (its state consumed at MAPTI, then reloaded as 0 at EnableLPIs)",
	  "GICv3 IHI 0069 GICR_PENDBASER.PTZ (0: live data), GICR_CTLR.EnableLPIs (0 to 1 loads the table); "
	  "5.1.1: a disabled LPI stays pending" },
	{ NULL, NULL, NULL, NULL, NULL, NULL, NULL }
};
