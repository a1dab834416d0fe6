/* The isa test's probes (riscv/isa-probes.c): one instruction or CSR per extension. */
#ifndef HVUT_RISCV_ISA_PROBES_H
#define HVUT_RISCV_ISA_PROBES_H
#include "hvut.h"

/* Not checked where the extension is absent: the encoding is a HINT (or shared), see the row's comment. */
#define PROBE_HINT BIT(0)
/* Not checked where absent for another reason given in the row's comment. */
#define PROBE_LISTED_ONLY BIT(1)
/* Not checked where listed: firmware decides whether S-mode may use it (row comment). */
#define PROBE_ABSENT_ONLY BIT(2)

#define SSTATUS_FS_INITIAL (1UL << 13)   /* privileged spec "Extension Context Status" */
#define SSTATUS_VS_INITIAL (1UL << 9)

struct isa_probe {
	const char *name;        /* the extension, as riscv,isa spells it */
	test_fn insn;            /* runs the instruction; its argument is a block-aligned 4 KiB buffer */
	const char *what;        /* the instruction, for messages */
	unsigned long sstatus;   /* FS/VS to switch on first, or 0 */
	unsigned flags;
	/*
	 * Other listed extensions that also provide the instruction: names separated
	 * by ' ', "c+d" for "both c and d". Absent from the list then means "executes".
	 */
	const char *also;
	/* lib/riscv/deviations.c row for the not-listed-traps check, or NULL. */
	const char *absent_deviation;
};

extern const struct isa_probe isa_probes[];
extern const size_t nr_isa_probes;

void i_fmvwx(void *a);
void i_cbozero(void *a);

#endif
