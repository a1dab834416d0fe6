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
	/* arm/gic-active.c: seen on KVM 6.12 in QEMU 7.2 TCG; ICV_DIR_EL1 is not trapped by KVM, so the
	 * layer (KVM's list register handling or TCG's ICH emulation) is not yet known: docs/arm64.md. */
	{ "gicv3-dir-loses-pending", "kvm/qemu-tcg", "7.2", NULL, NULL,
	  "EOImode=1: an active and pending level SPI (ISPENDR) is neither signalled nor pending after DIR; edge is fine",
	  "GICv3 IHI 0069 4.1.2 interrupt handling state machine; ICC_DIR_EL1: active and pending -> pending" },
	{ NULL, NULL, NULL, NULL, NULL, NULL, NULL }
};
