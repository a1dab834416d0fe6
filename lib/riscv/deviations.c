/*
 * riscv64: known deviations of VMMs from the architecture manuals
 * (lib/deviation.h). One row per (deviation, VMM layer); versions [from, until),
 * NULL = unbounded. The lanes run QEMU 7.2 and 10.0 (docs/lanes.md): until
 * "10.0" = fixed after 7.2, in 10.0 or earlier.
 */
#include "hvut.h"

const struct deviation arch_deviations[] = {
	/* riscv/sbi-pmu.c */
	{ "sbi-pmu-stopped-counter-moves", "qemu-tcg", NULL, "8.0", NULL,
	  "a counter stopped with counter_stop (mcountinhibit set) keeps counting when read",
	  "SBI spec PMU extension counter_stop; RISC-V privileged spec mcountinhibit: an inhibited counter does not increment" },
	{ "sbi-pmu-mode-inhibit-ignored", "qemu-tcg", NULL, "10.0", NULL,
	  "hpmcounters count in S-mode although mhpmevent.SINH is set (Sscofpmf mode filtering not implemented)",
	  "RISC-V privileged spec Sscofpmf: mhpmevent.SINH inhibits counting in S-mode; SBI PMU SET_SINH" },
	/* riscv/zicbo.c (the fixes are upstream QEMU work items 4225 and 4416, after 10.0) */
	{ "senvcfg-cbo-fields-writable", "qemu-tcg", NULL, NULL, NULL,
	  "senvcfg CBIE/CBCFE/CBZE keep 1s written on a hart without Zicbom/Zicboz",
	  "RISC-V privileged spec senvcfg: CBZE read-only zero without Zicboz, CBIE/CBCFE without Zicbom" },
	{ "senvcfg-cbie-reserved-kept", "qemu-tcg", NULL, NULL, NULL,
	  "senvcfg.CBIE (WARL) reads back the reserved encoding 10b after it is written",
	  "CMO spec 1.0 Control and Status Register State: CBIE is WARL, 10b reserved" },
	/*
	 * riscv/migration-hsm.c on the kvm lane (QEMU 10.0 with KVM 6.12): the
	 * harts' HSM state is KVM's vCPU mp_state; the destination's harts come
	 * out of QEMU's reset (boot hart runnable, the others stopped) and the
	 * state is not among what QEMU moves. Also seen there: hart_start of the
	 * STOPPED hart after the move not reaching STARTED in time (1 of 1 runs).
	 */
	{ "hsm-state-not-migrated", "kvm", NULL, NULL, NULL,
	  "after a migration every hart but the boot hart is STOPPED: STARTED and SUSPENDED harts are not carried over",
	  "SBI v2.0 HSM extension: a hart's state changes only by HSM calls (and a migration is not one)" },
	{ NULL, NULL, NULL, NULL, NULL, NULL, NULL }
};
