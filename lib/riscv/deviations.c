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
	{ NULL, NULL, NULL, NULL, NULL, NULL, NULL }
};
