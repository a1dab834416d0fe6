/*
 * pmu-counters: every PMUv3 event counter one by one (Arm ARM DDI 0487,
 * chapter D11 "The Performance Monitors Extension" and the registers in D24):
 *   select    PMXEVTYPER/PMXEVCNTR reach PMEVTYPER<n>/PMEVCNTR<n> of the
 *             counter PMSELR_EL0.SEL names, both ways; SEL = 31 makes
 *             PMXEVTYPER the cycle counter's filter PMCCFILTR_EL0
 *   overflow  each counter, and the cycle counter, overflowing sets its own
 *             PMOVSSET bit only and raises the PMU PPI once when, and only
 *             when, its PMINTENSET bit is set
 *   chain     CHAIN (0x1e) in each odd counter counts the overflows of the
 *             even counter below it; with PMCR_EL0.LP (PMUv3p5) it counts
 *             its 64-bit overflow only
 *   pmmir     PMMIR_EL1 exists from PMUv3p4, UNDEFINED before; where
 *             PMCEID1_EL0 lists STALL_SLOT (0x3f), PMMIR_EL1.SLOTS is not 0
 *   pmceid    PMCEID0/1 bits [63:32] are RES0 before PMUv3p1
 * Absent parts (no CHAIN in PMCEID0, PMUVer below p4/p5, no PMU PPI) SKIP by name.
 */
#include "hvut.h"
#include "devicetree.h"
#include <asm/gic.h>
#include <asm/irq.h>
#include <asm/pmu.h>
#include <asm/sysreg.h>
#include <asm/timer.h>

#define CYCLE_BIT (1UL << 31)
#define EVTYPER_P (1UL << 31)
#define EVTYPER_U (1UL << 30)
#define EV_SW_INCR 0x00
#define EV_CHAIN 0x1e
#define EV_STALL_SLOT 0x3f
#define PMUV3P1 4
#define PMUV3P4 5
#define PMUV3P5 6

/* PMEVCNTR<n>_EL0 is S3_3_C14_C(8 + n/8)_(n%8), PMEVTYPER<n>_EL0 S3_3_C14_C(12 + n/8)_(n%8) (D24). */
#define FOR_EACH_COUNTER(X) \
	X(0, 8, 12, 0) X(1, 8, 12, 1) X(2, 8, 12, 2) X(3, 8, 12, 3) X(4, 8, 12, 4) X(5, 8, 12, 5) \
	X(6, 8, 12, 6) X(7, 8, 12, 7) X(8, 9, 13, 0) X(9, 9, 13, 1) X(10, 9, 13, 2) X(11, 9, 13, 3) \
	X(12, 9, 13, 4) X(13, 9, 13, 5) X(14, 9, 13, 6) X(15, 9, 13, 7) X(16, 10, 14, 0) X(17, 10, 14, 1) \
	X(18, 10, 14, 2) X(19, 10, 14, 3) X(20, 10, 14, 4) X(21, 10, 14, 5) X(22, 10, 14, 6) \
	X(23, 10, 14, 7) X(24, 11, 15, 0) X(25, 11, 15, 1) X(26, 11, 15, 2) X(27, 11, 15, 3) \
	X(28, 11, 15, 4) X(29, 11, 15, 5) X(30, 11, 15, 6)

static uint64_t read_evcntr(unsigned n)
{
	switch (n) {
#define X(i, c, t, o) case i: return read_sysreg(S3_3_C14_C##c##_##o);
	FOR_EACH_COUNTER(X)
#undef X
	}
	return 0;
}

static void write_evcntr(unsigned n, uint64_t v)
{
	switch (n) {
#define X(i, c, t, o) case i: write_sysreg(v, S3_3_C14_C##c##_##o); break;
	FOR_EACH_COUNTER(X)
#undef X
	}
	isb();
}

static uint64_t read_evtyper(unsigned n)
{
	switch (n) {
#define X(i, c, t, o) case i: return read_sysreg(S3_3_C14_C##t##_##o);
	FOR_EACH_COUNTER(X)
#undef X
	}
	return 0;
}

static unsigned pmuver, ncounters;

static void select_counter(unsigned n) { write_sysreg(n, pmselr_el0); isb(); }
static void set_type(unsigned n, unsigned long ev) { select_counter(n); write_sysreg(ev, pmxevtyper_el0); isb(); }
static void set_count(unsigned n, uint64_t v) { select_counter(n); write_sysreg(v, pmxevcntr_el0); isb(); }
static uint64_t get_count(unsigned n) { select_counter(n); return read_sysreg(pmxevcntr_el0); }
static void enable(unsigned long mask) { write_sysreg(mask, pmcntenset_el0); isb(); }
static void sw_incr(unsigned long mask) { write_sysreg(mask, pmswinc_el0); isb(); }

static void test_select(void)
{
	unsigned bad_type = 0, bad_count = 0;
	unsigned long f;

	report_prefix_push("select");
	pmu_reset(0);
	for (unsigned n = 0; n < ncounters; n++) {
		unsigned long ev = (n & 1 ? EVTYPER_U : 0) | (0x10 + n);   /* distinct per counter */

		set_type(n, ev);
		if ((read_evtyper(n) & (EVTYPER_U | 0x3ff)) != ev)
			bad_type |= 1U << n;
		write_evcntr(n, 0x1000 + n);
		if ((uint32_t)get_count(n) != 0x1000 + n)
			bad_count |= 1U << n;
		set_count(n, 0x2000 + n);
		if ((uint32_t)read_evcntr(n) != 0x2000 + n)
			bad_count |= 1U << n;
	}
	report(!bad_type, "PMXEVTYPER_EL0 with PMSELR_EL0.SEL = n writes PMEVTYPER<n>_EL0, each of %u counters (wrong: %#x) [DDI 0487 D24 PMXEVTYPER_EL0]",
	       ncounters, bad_type);
	report(!bad_count, "PMXEVCNTR_EL0 with SEL = n reads and writes PMEVCNTR<n>_EL0 (wrong: %#x) [DDI 0487 D24 PMXEVCNTR_EL0]", bad_count);
	set_type(31, EVTYPER_P);
	f = read_sysreg(pmccfiltr_el0);
	report(f & EVTYPER_P, "SEL = 31: PMXEVTYPER_EL0 is PMCCFILTR_EL0 (PMCCFILTR %#lx) [DDI 0487 D24 PMSELR_EL0.SEL]", f);
	write_sysreg(0, pmccfiltr_el0);
	for (unsigned n = 0; n < ncounters; n++)
		set_type(n, 0);
	report_prefix_pop();
}

/* Overflows counter n (31: the cycle counter) once; returns PMOVSSET afterwards. */
static unsigned long overflow(unsigned n)
{
	uint64_t end = read_cntvct() + 5 * read_cntfrq();   /* generous: the host may be 5x loaded */

	if (n == 31) {
		write_sysreg(0xfffffffffffff000UL, pmccntr_el0);   /* LC=1: 64-bit overflow, 4096 cycles away */
		enable(CYCLE_BIT);
		while (!((read_sysreg(pmovsset_el0) | pmu_irq_ovs) & CYCLE_BIT) && read_cntvct() < end)
			;
	} else {
		set_type(n, EV_SW_INCR);
		set_count(n, 0xffffffffUL);
		enable(1UL << n);
		sw_incr(1UL << n);
	}
	udelay(5000);   /* the PPI has no delivery bound; give it time */
	write_sysreg(0xffffffffUL, pmcntenclr_el0);
	isb();
	return read_sysreg(pmovsset_el0) | pmu_irq_ovs;
}

static void test_overflow(void)
{
	unsigned wrong_bit = 0, wrong_irq = 0, masked_irq;
	unsigned long ovs;

	report_prefix_push("overflow");
	if (!pmu_intid || !gic_version()) {
		report_skip("PMU interrupt: no arm,armv8-pmuv3 PPI or no GIC in the device tree");
		report_prefix_pop();
		return;
	}
	for (unsigned i = 0; i <= ncounters; i++) {
		unsigned n = i == ncounters ? 31 : i;

		pmu_reset(PMCR_LC);
		pmu_irqs = 0;
		pmu_irq_ovs = 0;
		write_sysreg(1UL << n, pmintenset_el1);
		isb();
		ovs = overflow(n);
		if (ovs != 1UL << n)
			wrong_bit |= 1U << n;
		if (pmu_irqs != 1)
			wrong_irq |= 1U << n;
	}
	report(!wrong_bit, "each counter's overflow sets its own PMOVSSET bit only (wrong: %#x) [DDI 0487 D11 counter overflow, D24 PMOVSSET_EL0]",
	       wrong_bit);
	report(!wrong_irq, "and with its PMINTENSET bit raises PPI %u once (wrong: %#x) [DDI 0487 D24 PMINTENSET_EL1]", pmu_intid,
	       wrong_irq);
	pmu_reset(PMCR_LC);
	pmu_irqs = 0;
	write_sysreg(~1UL & 0xffffffffUL, pmintenset_el1);   /* every counter's interrupt but counter 0's */
	isb();
	ovs = overflow(0);
	masked_irq = pmu_irqs;
	report(masked_irq == 0 && (ovs & 1), "counter 0 with only the other PMINTENSET bits set: overflow flag, no interrupt (%u)",
	       masked_irq);
	pmu_reset(PMCR_LC);
	report_prefix_pop();
}

static bool has_chain(void)
{
	return read_sysreg(pmceid0_el0) >> EV_CHAIN & 1;
}

static void test_chain(void)
{
	unsigned wrong = 0;
	uint64_t lo, hi;

	report_prefix_push("chain");
	if (!has_chain() || ncounters < 2) {
		report_skip("CHAIN: PMCEID0_EL0 bit 30 (event 0x1e) = %d, %u counters", has_chain(), ncounters);
		report_prefix_pop();
		return;
	}
	for (unsigned odd = 1; odd < ncounters; odd += 2) {
		pmu_reset(PMCR_LC);
		set_type(odd, EV_CHAIN);
		set_count(odd, 0);
		set_type(odd - 1, EV_SW_INCR);
		set_count(odd - 1, 0xfffffffeUL);
		enable(3UL << (odd - 1));
		sw_incr(1UL << (odd - 1));
		if (get_count(odd) != 0)
			wrong |= 1U << odd;   /* no overflow yet */
		sw_incr(1UL << (odd - 1));
		lo = get_count(odd - 1);
		hi = get_count(odd);
		if ((uint32_t)lo != 0 || hi != 1)
			wrong |= 1U << odd;
	}
	report(!wrong, "each odd counter with CHAIN counts the even counter's 32-bit overflow, once (wrong: %#x) [DDI 0487 D11 chaining, CHAIN 0x1e]",
	       wrong);
	if (pmuver < PMUV3P5 || pmuver == 0xf) {
		report_skip("CHAIN with PMCR_EL0.LP: PMUv3p5 not implemented (ID_AA64DFR0_EL1.PMUVer %u)", pmuver);
	} else {
		pmu_reset(PMCR_LC | PMCR_LP);
		set_type(1, EV_CHAIN);
		set_count(1, 0);
		set_type(0, EV_SW_INCR);
		set_count(0, 0xffffffffUL);
		enable(3);
		sw_incr(1);
		lo = get_count(0), hi = get_count(1);
		report(lo == 0x100000000UL && hi == 0, "LP=1: crossing 32 bits is no overflow, CHAIN stays 0 (%#lx:%#lx) [DDI 0487 PMCR_EL0.LP]",
		       (unsigned long)hi, (unsigned long)lo);
		set_count(0, ~0UL);
		sw_incr(1);
		hi = get_count(1);
		/* J1 AArch64.IncrementEventCounter(): CHAIN counts only the 32-bit overflow of a counter that is not 64-bit. */
		report(hi == 0, "LP=1: even the 64-bit overflow is not chained, CHAIN stays 0 (%lu) [DDI 0487 J1 AArch64.IncrementEventCounter()]",
		       (unsigned long)hi);
	}
	pmu_reset(PMCR_LC);
	report_prefix_pop();
}

static void read_pmmir(void *arg)
{
	*(unsigned long *)arg = read_sysreg(S3_0_C9_C14_6);
}

static void test_pmmir(void)
{
	struct fault f;
	unsigned long v = 0;
	int ec = catch_exception(read_pmmir, &v, &f);

	report_prefix_push("pmmir");
	if (pmuver >= PMUV3P4 && pmuver != 0xf) {
		bool stall_slot = read_sysreg(pmceid1_el0) >> (EV_STALL_SLOT - 32) & 1;

		report(ec == NO_EXCEPTION, "PMUv3p4: PMMIR_EL1 is readable (%s, SLOTS %lu) [DDI 0487 D24 PMMIR_EL1]",
		       exception_name(ec), v & 0xff);
		/*
		 * DDI 0487 D24 PMMIR_EL1.SLOTS: the largest amount STALL_SLOT can count
		 * in one cycle; if the STALL_SLOT event is implemented, it must not be
		 * zero. PMCEID1_EL0 bit 31 says whether common event 0x3f is implemented
		 * (D24 PMCEID1_EL0). With the event absent no rule binds SLOTS.
		 */
		if (stall_slot)
			report(ec == NO_EXCEPTION && (v & 0xff) != 0,
			       "STALL_SLOT (0x3f) in PMCEID1_EL0: PMMIR_EL1.SLOTS is not 0 (got %lu) [DDI 0487 D24 PMMIR_EL1.SLOTS]",
			       v & 0xff);
		else
			report_skip("PMMIR_EL1.SLOTS vs STALL_SLOT: STALL_SLOT (0x3f) not in PMCEID1_EL0 (SLOTS %lu)", v & 0xff);
	} else {
		report(ec == EC_UNKNOWN, "before PMUv3p4 PMMIR_EL1 is UNDEFINED (EC %#x) [DDI 0487 D24 PMMIR_EL1]", ec);
	}
	report_prefix_pop();
}

/*
 * DDI 0487 D24 PMCEID0_EL0/PMCEID1_EL0: bits [63:32] (IDhi, the common events
 * 0x4000-0x403F) exist from PMUv3p1; before, they are RES0.
 */
static void test_pmceid_hi(void)
{
	unsigned long c0 = read_sysreg(pmceid0_el0), c1 = read_sysreg(pmceid1_el0);

	report_prefix_push("pmceid");
	if (pmuver >= PMUV3P1 && pmuver != 0xf)
		report_info("PMUv3p1+: PMCEID0[63:32] %#lx, PMCEID1[63:32] %#lx (events 0x4000-0x403f)", c0 >> 32,
			    c1 >> 32);
	else
		report(!(c0 >> 32) && !(c1 >> 32),
		       "before PMUv3p1 PMCEID0/1 bits [63:32] are RES0 (%#lx, %#lx) [DDI 0487 D24 PMCEID0_EL0, PMCEID1_EL0]",
		       c0 >> 32, c1 >> 32);
	report_prefix_pop();
}

int main(int argc, char **argv, char **envp)
{
	(void)argc, (void)argv, (void)envp;
	if (!pmu_probe("PMU", 0, &pmuver, &ncounters))
		return report_summary();
	report_info("PMUVer %u, %u event counters", pmuver, ncounters);
	pmu_irq_setup();
	test_select();
	test_overflow();
	test_chain();
	test_pmmir();
	test_pmceid_hi();
	irq_disable();
	pmu_reset(PMCR_LC);
	return report_summary();
}
