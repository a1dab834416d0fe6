/*
 * Known deviations of a VMM from the architecture manuals, kept in ONE table
 * per arch (lib/<arch>/deviations.c) instead of guesses scattered in tests.
 *
 * A check declared with report_deviation(ID, cond, ...) is:
 *   - an ordinary PASS/FAIL check on every VMM the table does not name for ID;
 *   - an XFAIL (cond false) or XPASS (cond true: the bug is gone, look at it)
 *     on a VMM it names, and the line ends with
 *     "[<VMM> <version>: <what>; <rule>]" so the reader sees who deviates from
 *     which rule without opening the source.
 *
 * Which VMM runs comes from the harness through the environ
 * (docs/protocol.md): HVUT_VMM (qemu, bochs, kvm), HVUT_ACCEL (tcg, kvm,
 * bochs), HVUT_VMM_VERSION, HVUT_CPU and, for KVM nested in another VMM,
 * HVUT_HOST_VMM / HVUT_HOST_VMM_VERSION (the "silicon" under KVM).
 */
#ifndef HVUT_DEVIATION_H
#define HVUT_DEVIATION_H
#include <stdbool.h>

/*
 * One row: deviation `id` shows on `stack` at versions [from, until).
 * stack names the layer that deviates:
 *   "qemu-tcg"       QEMU's TCG (not when it runs under KVM)
 *   "bochs"          Bochs
 *   "kvm"            KVM itself, whatever it runs on
 *   "kvm/qemu-tcg"   KVM nested in QEMU TCG, where an instruction KVM does not
 *                    intercept runs on TCG's "silicon" (the version range is
 *                    the host QEMU's)
 * from/until: dotted versions; NULL = unbounded. cpu: NULL for every model,
 * else the model the harness names in HVUT_CPU (e.g. a Bochs model).
 */
struct deviation {
	const char *id;
	const char *stack;
	const char *from, *until;
	const char *cpu;
	const char *what;   /* the behaviour seen, in a few words */
	const char *rule;   /* the manual and section it contradicts */
};

/* The arch's table, ended by a row with id == NULL. */
extern const struct deviation arch_deviations[];

/* The row that applies to the running VMM, or NULL. */
const struct deviation *deviation_find(const char *id);
/* True when deviation id applies here (for tests that must take another path). */
bool deviation_applies(const char *id);
/* A check that is an XFAIL where the table says so; see above. id NULL: a plain check. Returns cond. */
bool report_deviation(const char *id, bool cond, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* What the harness says this run is, for INFO lines: "QEMU 7.2.19 TCG (cpu max)". */
const char *vmm_description(void);
/* Compares dotted versions numerically: <0, 0, >0. */
int version_cmp(const char *a, const char *b);

#endif
