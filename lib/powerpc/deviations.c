/*
 * ppc64: known deviations of VMMs from the architecture manuals
 * (lib/deviation.h). One row per (deviation, VMM layer); versions [from, until),
 * NULL = unbounded. The lanes run QEMU 7.2 and 10.0 (docs/lanes.md): until
 * "10.0" = fixed after 7.2, in 10.0 or earlier.
 */
#include "hvut.h"

const struct deviation arch_deviations[] = {
	/* powerpc/rtas.c */
	{ "rtas-get-time-ns", "qemu-tcg", NULL, NULL, NULL, "get-time-of-day's nanoseconds output is not nanoseconds",
	  "PAPR, RTAS get-time-of-day: the last output is nanoseconds within the second" },
	{ "rtas-set-time-range", "qemu-tcg", NULL, NULL, NULL, "set-time-of-day accepts month 13",
	  "PAPR, RTAS set-time-of-day: status -3 (parameter error) for out-of-range values" },
	{ "rtas-query-ceded-stopped", "qemu-tcg", NULL, "10.0", NULL,
	  "query-cpu-stopped-state answers 0 (stopped) for a CPU idle in H_CEDE",
	  "PAPR RTAS query-cpu-stopped-state: 0 only for a thread in the RTAS stopped state (entered by stop-self), not one that ceded" },
	/* powerpc/pmu.c */
	{ "pmu-no-pm-interrupt", "qemu-tcg", NULL, "10.0", NULL,
	  "MMCR0[PMAO] is set but no performance monitor interrupt is taken",
	  "Power ISA v3.0B Book III 9.4.4 MMCR0[PMAE]: a performance monitor alert raises the interrupt (0xF00)" },
	{ "pmu-fcs-fcp-ignored", "qemu-tcg", NULL, NULL, NULL,
	  "MMCR0[FCS] and [FCP] freeze nothing: the PMCs count in both states",
	  "Power ISA v3.0B Book III 9.4.4 MMCR0: FCS freezes the PMCs when MSR[PR]=0, FCP when MSR[PR]=1" },

	/* powerpc/atomics.c */
	{ "ppc-reservation-by-value", "qemu-tcg", NULL, NULL, NULL,
	  "another CPU's store leaves the reservation unless it changes the reserved doubleword (TCG compares values)",
	  "Power ISA v3.1 Book II 4.4.2: any store by another processor to the reservation granule (>= 16 bytes) clears the reservation" },
	/* powerpc/atomics.c quad (lqarx/stqcx.), the entry's 2 vCPUs, x86_64 host */
	{ "ppc-stqcx-data-segment", "qemu-tcg", NULL, "10.0", NULL,
	  "stqcx. right after lqarx of an aligned quadword in real mode raises a Data Segment interrupt (0x380, DAR = EA) "
	  "(with 1 vCPU instead: no interrupt, but CR0.EQ = 0 and nothing stored)",
	  "Power ISA v3.1 Book II stqcx. and Book III 7.5.3: a Data Segment interrupt needs a translated access (MSR[DR] = 1)" },
	/* powerpc/interrupts.c */
	{ "ppc-align-le-multiple-no-dar", "qemu-tcg", NULL, NULL, NULL,
	  "the Alignment interrupt of lmw/stmw in little-endian mode does not set DAR (it keeps its previous value)",
	  "Power ISA v3.1 Book III 7.5.8 Alignment Interrupt: DAR is set to the effective address computed by the instruction" },
	/* powerpc/smt.c (seen on 7.2 and 10.0 TCG) */
	{ "ppc-confer-all-no-rc", "qemu-tcg", NULL, NULL, NULL,
	  "H_CONFER(-1) returns with r3 still the opcode (0xe4), not a return code",
	  "PAPR/LoPAR H_CONFER: returns H_SUCCESS (proc -1: confer to all processors of the partition)" },
	/* powerpc/emulator.c (seen on 7.2 and 10.0 TCG) */
	{ "ppc-align-le-string-no-dar", "qemu-tcg", NULL, NULL, NULL,
	  "the Alignment interrupt of lswi/lswx/stswi/stswx in little-endian mode does not set DAR",
	  "Power ISA v3.1 Book III 7.5.8 Alignment Interrupt: DAR is set to the effective address computed by the instruction" },
	/* powerpc/xive.c (seen on 7.2 and 10.0 TCG, x86_64 host) */
	{ "xive-int-esb-load-byteswapped", "qemu-tcg", NULL, NULL, NULL,
	  "H_INT_ESB's load returns the ESB doubleword byte-swapped (PQ 01 reads 0x0100000000000000 on a little-endian host)",
	  "LoPAR H_INT_ESB: R4 is the value the load from the ESB page returns, PQ in its low-order bits" },
	/* powerpc/sprs.c migrate: seen on 7.2 TCG; 10.0 keeps DEC and TB together (XPASS there) */
	{ "ppc-migration-tb-dec-skew", "qemu-tcg", NULL, "10.0", NULL,
	  "across a live migration TB and DEC part (by 0.2e9 to 2.2e9 TB ticks modulo 2^32 in three runs on 7.2): QEMU carries the pseries timebase as host ticks plus an offset "
	  "(timebase_save/timebase_post_load), while TCG's TB and DEC both run on the virtual clock",
	  "Power ISA v3.1 Book III Timer Facilities, Decrementer: DEC decrements at the same rate as the Time Base" },
	{ NULL, NULL, NULL, NULL, NULL, NULL, NULL }
};
