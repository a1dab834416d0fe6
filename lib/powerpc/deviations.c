/*
 * ppc64: known deviations of VMMs from the architecture manuals
 * (lib/deviation.h). One row per (deviation, VMM layer); versions [from, until),
 * NULL = unbounded.
 */
#include "hvut.h"

const struct deviation arch_deviations[] = {
	/* powerpc/rtas.c */
	{ "rtas-get-time-ns", "qemu-tcg", NULL, NULL, NULL, "get-time-of-day's nanoseconds output is not nanoseconds",
	  "PAPR, RTAS get-time-of-day: the last output is nanoseconds within the second" },
	{ "rtas-set-time-range", "qemu-tcg", NULL, NULL, NULL, "set-time-of-day accepts month 13",
	  "PAPR, RTAS set-time-of-day: status -3 (parameter error) for out-of-range values" },
	/* powerpc/pmu.c */
	{ "pmu-no-pm-interrupt", "qemu-tcg", NULL, NULL, NULL,
	  "MMCR0[PMAO] is set but no performance monitor interrupt is taken",
	  "Power ISA v3.0B Book III 9.4.4 MMCR0[PMAE]: a performance monitor alert raises the interrupt (0xF00)" },
	{ NULL, NULL, NULL, NULL, NULL, NULL, NULL }
};
