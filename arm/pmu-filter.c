/*
 * pmu-filter: PMU event filtering by Exception level, every combination of
 * the six filter bits of PMEVTYPER<n>_EL0 and PMCCFILTR_EL0 (DDI 0487 D24:
 * P 31, U 30, NSK 29, NSU 28, NSH 27, M 26), counted at EL0, EL1 and, when the
 * test was entered at EL2, at EL2.
 *
 * The rules (DDI 0487 "Filtering by Exception level and Security state" and
 * the two registers' field descriptions), for the Non-secure state QEMU's
 * -kernel runs us in:
 *   EL1 counts iff P == NSK where EL3 is implemented, iff P == 0 where not;
 *   EL0 counts iff U == NSU, resp. U == 0;
 *   EL2 counts iff NSH == 1 (EL2 implemented).
 * NSK, NSU and M are RES0 without EL3, NSH without EL2: such a bit may read
 * back as written or as 0, but must not change what is counted (Glossary,
 * RES0). So the same matrix runs on a model with neither (the default
 * entry: NSK/NSU/NSH/M must have no effect), with EL3 (secure=on) and with
 * EL2 (virtualization=on).
 *
 * SW_INCR gives exact counts: "Accuracy of event filtering" requires software
 * increments to be filtered by the EL the PMSWINC write is made at. CPU_CYCLES
 * (an event counter) and PMCCNTR (the cycle counter) are enabled and disabled
 * at the EL under test, so a filtered EL counts exactly 0 and a counted one
 * more than 0.
 */
#include "hvut.h"
#include <asm/el2.h>
#include <asm/pmu.h>
#include <asm/sysreg.h>

#define CYCLE_BIT (1UL << 31)
#define PMUSERENR_EN (1UL << 0)

#define F_P (1UL << 31)
#define F_U (1UL << 30)
#define F_NSK (1UL << 29)
#define F_NSU (1UL << 28)
#define F_NSH (1UL << 27)
#define F_M (1UL << 26)
#define NR_FILTERS 64   /* every combination of the six bits */

#define EV_SW_INCR 0x00
#define EV_CPU_CYCLES 0x11

#define LOOPS 2000

static const unsigned long filter_bit[6] = { F_P, F_U, F_NSK, F_NSU, F_NSH, F_M };
static const char *const filter_name[6] = { "P", "U", "NSK", "NSU", "NSH", "M" };
static bool have_el2, have_el3, at_el2;
static unsigned ncounters;

static unsigned long filter_of(unsigned i)
{
	unsigned long f = 0;

	for (unsigned b = 0; b < 6; b++)
		if (i >> b & 1)
			f |= filter_bit[b];
	return f;
}

static bool bit(unsigned long f, unsigned long b) { return (f & b) != 0; }

/* The architecture's answer for filter f at el (Non-secure state). */
static bool counts_at(unsigned el, unsigned long f)
{
	switch (el) {
	case 0:
		return have_el3 ? bit(f, F_U) == bit(f, F_NSU) : !bit(f, F_U);
	case 1:
		return have_el3 ? bit(f, F_P) == bit(f, F_NSK) : !bit(f, F_P);
	default:
		return bit(f, F_NSH);
	}
}

static const char *rule_of(unsigned el)
{
	switch (el) {
	case 0:
		return have_el3 ? "U == NSU (EL3 implemented)" : "U == 0 (no EL3: NSU, NSK, M RES0)";
	case 1:
		return have_el3 ? "P == NSK (EL3 implemented)" : "P == 0 (no EL3: NSK, NSU, M RES0)";
	default:
		return "NSH == 1";
	}
}

static void reset_pmu(void)
{
	pmu_reset(PMCR_LC);
	write_sysreg(PMUSERENR_EN, pmuserenr_el0);   /* EL0 enables, increments and reads */
	isb();
}

/*
 * The EL2 routines (el2_call(): leaves, no memory). x1 = counter mask,
 * x2 = loop count. Both enable the counters at EL2 and disable them there.
 */
void el2_swinc(void);
void el2_cycles(void);
__asm__(".text\n"
	".globl el2_swinc\n"
	"el2_swinc:\n"
	"	msr pmcntenset_el0, x1\n"
	"	isb\n"
	"	msr pmswinc_el0, x1\n"
	"	isb\n"
	"	msr pmcntenclr_el0, x1\n"
	"	isb\n"
	"	mov x0, #0\n"
	"	ret\n"
	".globl el2_cycles\n"
	"el2_cycles:\n"
	"	msr pmcntenset_el0, x1\n"
	"	isb\n"
	"1:	subs x2, x2, #1\n"
	"	b.ne 1b\n"
	"	msr pmcntenclr_el0, x1\n"
	"	isb\n"
	"	mov x0, #0\n"
	"	ret\n");

/* The same at EL1 or EL0 (run_in_user; PMUSERENR_EL0.EN lets EL0 do all of it). */
static void __attribute__((noinline)) swinc_here(unsigned long mask)
{
	write_sysreg(mask, pmcntenset_el0);
	isb();
	write_sysreg(mask, pmswinc_el0);
	isb();
	write_sysreg(mask, pmcntenclr_el0);
	isb();
}

static void __attribute__((noinline)) cycles_here(unsigned long mask)
{
	unsigned long n = LOOPS;

	write_sysreg(mask, pmcntenset_el0);
	isb();
	__asm__ volatile("1: subs %0, %0, #1\n b.ne 1b" : "+r"(n) :: "cc");
	write_sysreg(mask, pmcntenclr_el0);
	isb();
}

static void user_swinc(void *arg) { swinc_here(*(unsigned long *)arg); }
static void user_cycles(void *arg) { cycles_here(*(unsigned long *)arg); }

enum measure { SWINC, CYCLES };

/*
 * Counts event counter 0 (SW_INCR), or event counter 1 (CPU_CYCLES) and the
 * cycle counter, with filter f, at el. Returns false if el could not be
 * entered.
 */
static bool measure(enum measure m, unsigned el, unsigned long f, uint64_t *ev, uint64_t *cyc)
{
	unsigned long mask = m == SWINC ? 1UL : (1UL << 1) | CYCLE_BIT;
	struct fault flt;
	int ec = NO_EXCEPTION;

	reset_pmu();
	if (m == SWINC) {
		write_sysreg(f | EV_SW_INCR, pmevtyper0_el0);
		write_sysreg(0, pmevcntr0_el0);
	} else {
		write_sysreg(f | EV_CPU_CYCLES, pmevtyper1_el0);
		write_sysreg(0, pmevcntr1_el0);
		write_sysreg(f, pmccfiltr_el0);
		write_sysreg(0, pmccntr_el0);
	}
	isb();
	if (el == 2) {
		if (el2_call(m == SWINC ? el2_swinc : el2_cycles, mask, LOOPS, 0) != 0)
			return false;
	} else if (el == 1) {
		if (m == SWINC)
			swinc_here(mask);
		else
			cycles_here(mask);
	} else {
		ec = run_in_user(m == SWINC ? user_swinc : user_cycles, &mask, &flt);
		if (ec != NO_EXCEPTION) {
			report_info("EL0 run faulted: EC %#x", ec);
			return false;
		}
	}
	if (m == SWINC) {
		*ev = read_sysreg(pmevcntr0_el0);
		*cyc = 0;
	} else {
		*ev = read_sysreg(pmevcntr1_el0);
		*cyc = read_sysreg(pmccntr_el0);
	}
	return true;
}

static void describe(unsigned long f, char *buf, size_t len)
{
	size_t o = 0;

	buf[0] = 0;
	for (unsigned b = 0; b < 6 && o < len; b++)
		if (f & filter_bit[b])
			o += snprintf(buf + o, len - o, "%s%s", o ? "+" : "", filter_name[b]);
	if (!o)
		snprintf(buf, len, "none");
}

/* All 64 filters at one EL; one assertion per counter. */
static void check_el(unsigned el)
{
	unsigned sw_missing = 0, sw_extra = 0, bad_ev = 0, bad_cc = 0, broken = 0;
	char name[32];

	for (unsigned i = 0; i < NR_FILTERS; i++) {
		unsigned long f = filter_of(i);
		bool want = counts_at(el, f);
		uint64_t sw, ev, cc;

		describe(f, name, sizeof(name));
		if (!measure(SWINC, el, f, &sw, &cc) || !measure(CYCLES, el, f, &ev, &cc)) {
			broken++;
			continue;
		}
		if (sw != (want ? 1 : 0) && (want ? sw_missing++ : sw_extra++) < 4)
			report_info("EL%u filter %s: SW_INCR counted %lu, want %u", el, name, (unsigned long)sw, want);
		if ((ev != 0) != want && bad_ev++ < 4)
			report_info("EL%u filter %s: CPU_CYCLES counted %lu, want %s", el, name, (unsigned long)ev,
				    want ? "> 0" : "0");
		if ((cc != 0) != want && bad_cc++ < 4)
			report_info("EL%u filter %s: PMCCNTR counted %lu, want %s", el, name, (unsigned long)cc,
				    want ? "> 0" : "0");
	}
	report(!broken, "EL%u: each of the %u filters measured", el, NR_FILTERS);
	/*
	 * Two checks, as two ways to fail are known (lib/arm64/deviations.c):
	 * an EL0 PMSWINC write that never reaches the emulated PMU, and a
	 * software increment counted whatever the filter says.
	 */
	report_deviation(el == 0 ? "pmu-el0-tpm-ignored" : NULL, !sw_missing,
			 "EL%u: SW_INCR (PMEVTYPER0) counts the increment in each filter where %s (%u missed)", el,
			 rule_of(el), sw_missing);
	/* EL0 writes that never arrived say nothing of KVM's filtering: a plain check then. */
	report_deviation(el == 0 && sw_missing ? NULL : "pmu-swinc-unfiltered", !sw_extra,
			 "EL%u: SW_INCR (PMEVTYPER0) counts nothing in each filter where not %s (%u counted)", el,
			 rule_of(el), sw_extra);
	report(!bad_ev, "EL%u: CPU_CYCLES (PMEVTYPER1) counts exactly when %s (%u wrong)", el, rule_of(el), bad_ev);
	report(!bad_cc, "EL%u: PMCCNTR (PMCCFILTR) counts exactly when %s (%u wrong)", el, rule_of(el), bad_cc);
}

/*
 * Read-back: P and U are always read/write; NSK, NSU and M with EL3, NSH with
 * EL2. Where RES0, reading back 0 or the written value are both allowed.
 */
static void check_readback(void)
{
	for (unsigned b = 0; b < 6; b++) {
		unsigned long f = filter_bit[b];
		bool implemented = f == F_P || f == F_U || (f == F_NSH ? have_el2 : have_el3);
		unsigned long t, c;

		write_sysreg(f | EV_CPU_CYCLES, pmevtyper0_el0);
		write_sysreg(f, pmccfiltr_el0);
		isb();
		t = read_sysreg(pmevtyper0_el0) & f;
		c = read_sysreg(pmccfiltr_el0) & f;
		if (implemented)
			report(t && c, "%s: read/write in PMEVTYPER0_EL0 and PMCCFILTR_EL0 (%#lx, %#lx)", filter_name[b],
			       t, c);
		else
			report_info("%s is RES0 here: PMEVTYPER0 reads %s, PMCCFILTR %s", filter_name[b],
				    t ? "it back" : "0", c ? "it back" : "0");
	}
	write_sysreg(0, pmevtyper0_el0);
	write_sysreg(0, pmccfiltr_el0);
	isb();
}

int main(int argc, char **argv, char **envp)
{
	unsigned long pfr0 = read_sysreg(id_aa64pfr0_el1);
	unsigned pmuver;

	(void)argc;
	(void)argv;
	(void)envp;
	if (!pmu_probe("PMU filtering", 2, &pmuver, &ncounters))
		return report_summary();
	have_el2 = ID_FIELD(pfr0, 8) != 0;
	have_el3 = ID_FIELD(pfr0, 12) != 0;
	at_el2 = boot_el == 2;
	report_info("PMUVer %u, %u counters; ID_AA64PFR0_EL1 %#lx: EL2 %s, EL3 %s; entered at EL%lu", pmuver,
		    ncounters, pfr0, have_el2 ? "yes" : "no", have_el3 ? "yes" : "no", boot_el);

	report_prefix_push("readback");
	check_readback();
	report_prefix_pop();
	report_prefix_push("filter");
	check_el(1);
	check_el(0);
	if (at_el2)
		check_el(2);
	else
		report_skip("EL2 counting (NSH): not entered at EL2 (needs -machine virtualization=on)");
	report_prefix_pop();
	return report_summary();
}
