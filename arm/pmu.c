/*
 * pmu: the PMUv3 the ID registers advertise. Counter count and version,
 * the common events PMCEID0 says are there, the cycle counter, event counters
 * through PMSELR/PMXEVTYPER/PMXEVCNTR (SW_INCR exactly, CPU_CYCLES and
 * INST_RETIRED over a known loop), the set/clear register pairs, overflow
 * and its interrupt, CHAIN, 64-bit counters (PMUv3p5), PMCR.LC, PMEVTYPER
 * EL filtering, RAZ/WI enables of unimplemented counters and EL0 access
 * control (EN, CR, SW, ER).
 * What PMCEID or the ID registers say is absent is SKIPped by name.
 */
#include "hvut.h"
#include "devicetree.h"
#include <asm/gic.h>
#include <asm/irq.h>
#include <asm/pmu.h>
#include <asm/sysreg.h>
#include <asm/timer.h>

#define CYCLE_BIT (1UL << 31)
#define PMUSERENR_EN (1UL << 0)
#define PMUSERENR_SW (1UL << 1)
#define PMUSERENR_CR (1UL << 2)
#define PMUSERENR_ER (1UL << 3)
#define EVTYPER_P (1UL << 31)    /* do not count at EL1 */
#define EVTYPER_U (1UL << 30)    /* do not count at EL0 */

#define EV_SW_INCR 0x00
#define EV_INST_RETIRED 0x08
#define EV_CPU_CYCLES 0x11
#define EV_INST_SPEC 0x1b
#define EV_STALL_FRONTEND 0x23
#define EV_STALL_BACKEND 0x24
#define EV_CHAIN 0x1e

#define PMUV3P1 4   /* ID_AA64DFR0_EL1.PMUVer value for PMUv3p1 */
#define PMUV3P5 6   /* ID_AA64DFR0_EL1.PMUVer value for PMUv3p5 */

static unsigned pmuver, ncounters;
static unsigned long pmceid0, pmceid1;

static void select_counter(unsigned n) { write_sysreg(n, pmselr_el0); isb(); }
static void set_type(unsigned n, unsigned ev) { select_counter(n); write_sysreg(ev, pmxevtyper_el0); isb(); }
static void set_count(unsigned n, uint64_t v) { select_counter(n); write_sysreg(v, pmxevcntr_el0); isb(); }
static uint64_t get_count(unsigned n) { select_counter(n); return read_sysreg(pmxevcntr_el0); }
static void enable(unsigned long mask) { write_sysreg(mask, pmcntenset_el0); isb(); }
static void disable(unsigned long mask) { write_sysreg(mask, pmcntenclr_el0); isb(); }
static void sw_incr(unsigned long mask) { write_sysreg(mask, pmswinc_el0); isb(); }
/* PMCEID0 bits 31:0 = common events 0x00-0x1f, PMCEID1 bits 31:0 = 0x20-0x3f. */
static bool has_event(unsigned ev)
{
	return ev < 32 ? pmceid0 >> ev & 1 : ev < 64 ? pmceid1 >> (ev - 32) & 1 : false;
}

/* 2 * n instructions: the loop is subs + b.ne, n times. */
static void __attribute__((noinline)) loop(unsigned long n)
{
	__asm__ volatile("1: subs %0, %0, #1\n b.ne 1b" : "+r"(n) :: "cc");
}

static void check_id(void)
{
	unsigned long pmcr = read_sysreg(pmcr_el0);

	pmceid1 = read_sysreg(pmceid1_el0);
	report_info("PMUVer %u, PMCR_EL0 %#lx: %u event counters, PMCEID0 %#lx PMCEID1 %#lx", pmuver, pmcr,
		    ncounters, pmceid0, pmceid1);
	/*
	 * Arm ARM (DDI0487) D11.11 "The PMU event number space and common
	 * events", required events: SW_INCR, CPU_CYCLES, and at least one of
	 * INST_RETIRED and INST_SPEC; from PMUv3p1 also STALL_FRONTEND and
	 * STALL_BACKEND. PMCEID0/1 must list what the PE implements.
	 */
	report(has_event(EV_SW_INCR), "PMCEID0 lists SW_INCR (0x00), a required event");
	report(has_event(EV_CPU_CYCLES), "PMCEID0 lists CPU_CYCLES (0x11), a required event");
	report_deviation("pmu-inst-event-missing", has_event(EV_INST_RETIRED) || has_event(EV_INST_SPEC),
			 "PMCEID0 lists INST_RETIRED (0x08) or INST_SPEC (0x1b), one of them required");
	if (pmuver >= PMUV3P1 && pmuver != 0xf) {
		report(has_event(EV_STALL_FRONTEND), "PMUv3p1: PMCEID1 lists STALL_FRONTEND (0x23), a required event");
		report(has_event(EV_STALL_BACKEND), "PMUv3p1: PMCEID1 lists STALL_BACKEND (0x24), a required event");
	} else {
		report_info("PMUVer %u < PMUv3p1: STALL_FRONTEND/STALL_BACKEND not required", pmuver);
	}
}

static void check_cycle_counter(void)
{
	uint64_t a, b, c;

	report_prefix_push("PMCCNTR");
	pmu_reset(PMCR_LC);
	enable(CYCLE_BIT);
	a = read_sysreg(pmccntr_el0);
	loop(100000);
	b = read_sysreg(pmccntr_el0);
	report(b > a, "counts while enabled (%lu -> %lu)", (unsigned long)a, (unsigned long)b);
	disable(CYCLE_BIT);
	b = read_sysreg(pmccntr_el0);
	loop(100000);
	c = read_sysreg(pmccntr_el0);
	report(b == c, "stops when disabled in PMCNTENCLR (%lu, %lu)", (unsigned long)b, (unsigned long)c);
	write_sysreg(PMCR_E | PMCR_C | PMCR_LC, pmcr_el0);
	isb();
	c = read_sysreg(pmccntr_el0);
	report(c < b, "PMCR.C resets it (%lu -> %lu)", (unsigned long)b, (unsigned long)c);
	report_prefix_pop();
}

static void check_sets(void)
{
	unsigned long all = CYCLE_BIT | ((1UL << ncounters) - 1);
	static const struct { const char *name; int which; } pairs[] = {
		{ "PMCNTENSET/CLR", 0 }, { "PMINTENSET/CLR", 1 }, { "PMOVSSET/CLR", 2 },
	};

	report_prefix_push("set/clear");
	/* Arm ARM D24.x PMCNTENSET_EL0: P<n> for n >= PMCR.N is RAZ/WI. */
	write_sysreg(0xffffffffUL, pmcntenset_el0);
	isb();
	report(read_sysreg(pmcntenset_el0) == all, "PMCNTENSET bits of unimplemented counters are RAZ/WI (%#lx, want %#lx)",
	       read_sysreg(pmcntenset_el0), all);
	write_sysreg(0xffffffffUL, pmcntenclr_el0);
	isb();
	for (unsigned i = 0; i < ARRAY_SIZE(pairs); i++) {
		unsigned long set, clr, after;

		switch (pairs[i].which) {
		case 0:
			write_sysreg(all, pmcntenset_el0); isb();
			set = read_sysreg(pmcntenset_el0); clr = read_sysreg(pmcntenclr_el0);
			write_sysreg(all, pmcntenclr_el0); isb();
			after = read_sysreg(pmcntenset_el0);
			break;
		case 1:
			write_sysreg(all, pmintenset_el1); isb();
			set = read_sysreg(pmintenset_el1); clr = read_sysreg(pmintenclr_el1);
			write_sysreg(all, pmintenclr_el1); isb();
			after = read_sysreg(pmintenset_el1);
			break;
		default:
			write_sysreg(all, pmovsset_el0); isb();
			set = read_sysreg(pmovsset_el0); clr = read_sysreg(pmovsclr_el0);
			write_sysreg(all, pmovsclr_el0); isb();
			after = read_sysreg(pmovsset_el0);
			break;
		}
		report(set == all && clr == all && after == 0,
		       "%s: setting %#lx reads back in both, clearing clears (%#lx %#lx %#lx)",
		       pairs[i].name, all, set, clr, after);
	}
	report_prefix_pop();
}

static void check_sw_incr(void)
{
	uint64_t c0, c1;

	report_prefix_push("SW_INCR");
	if (ncounters < 2) {
		report_skip("SW_INCR: needs 2 event counters, PMCR.N = %u", ncounters);
		report_prefix_pop();
		return;
	}
	pmu_reset(PMCR_LC);
	set_type(0, EV_SW_INCR);
	set_type(1, EV_SW_INCR);
	set_count(0, 0);
	set_count(1, 0);
	enable(3);
	for (int i = 0; i < 100; i++)
		sw_incr(1);
	c0 = get_count(0);
	c1 = get_count(1);
	report(c0 == 100, "100 PMSWINC writes count 100 (%lu)", (unsigned long)c0);
	report(c1 == 0, "a counter whose PMSWINC bit was not written stays 0 (%lu)", (unsigned long)c1);
	disable(1);
	sw_incr(1);
	report(get_count(0) == 100, "a disabled counter does not count (%lu)", (unsigned long)get_count(0));
	write_sysreg(PMCR_E | PMCR_P | PMCR_LC, pmcr_el0);
	isb();
	report(get_count(0) == 0, "PMCR.P resets event counters (%lu)", (unsigned long)get_count(0));
	report_prefix_pop();
}

/*
 * CPU_CYCLES on an event counter and PMCCNTR count the same clock over the
 * same window (enabled and disabled by one write each), so they agree within
 * 1% plus the few instructions between the two reads. Their rate against the
 * generic timer is the CPU clock: we accept 10 MHz .. 10 GHz, which every
 * Armv8 implementation (and QEMU's nominal 1 GHz) lies in.
 * A hypervisor that backs each counter with a host event starts and stops
 * them one after the other, and a host that deschedules it in between adds
 * its time to one counter only: a measurement that fails is taken again, up
 * to CYCLES_TRIES times. A preemption spoils one try; a wrong PMU spoils all.
 */
#define CYCLES_TRIES 3

static void check_cycles_event(void)
{
	uint64_t t0, t1, ev = 0, cc = 0, hz = 0;
	bool agree = false, plausible = false;

	report_prefix_push("CPU_CYCLES");
	if (!has_event(EV_CPU_CYCLES) || !ncounters) {
		report_skip("CPU_CYCLES (0x11) not in PMCEID0 or no event counter");
		report_prefix_pop();
		return;
	}
	for (int try = 1; try <= CYCLES_TRIES && !(agree && plausible); try++) {
		if (try > 1)
			report_info("try %d spoiled (event %lu, PMCCNTR %lu, %lu MHz): measuring again", try - 1,
				    (unsigned long)ev, (unsigned long)cc, (unsigned long)(hz / 1000000));
		pmu_reset(PMCR_LC);
		set_type(0, EV_CPU_CYCLES);
		set_count(0, 0);
		t0 = read_cntvct();
		enable(1 | CYCLE_BIT);
		loop(1000000);
		disable(1 | CYCLE_BIT);
		t1 = read_cntvct();
		ev = get_count(0);
		cc = read_sysreg(pmccntr_el0);
		agree = ev > 0 && (ev > cc ? ev - cc : cc - ev) <= cc / 100 + 1000;
		hz = t1 > t0 ? cc * read_cntfrq() / (t1 - t0) : 0;
		plausible = hz >= 10000000UL && hz <= 10000000000UL;
	}
	report(agree, "event counter and PMCCNTR agree (%lu, %lu) [DDI 0487 D11 CPU_CYCLES, PMCCNTR_EL0]",
	       (unsigned long)ev, (unsigned long)cc);
	report(plausible, "cycle rate is a plausible CPU clock (%lu MHz)", (unsigned long)(hz / 1000000));
	report_prefix_pop();
}

/* Exactly 2N for the loop, plus at most 64 for the call and the enable/disable writes. */
static void check_inst_retired(void)
{
	const unsigned long n = 10000;
	uint64_t c;

	report_prefix_push("INST_RETIRED");
	if (!has_event(EV_INST_RETIRED) || !ncounters) {
		report_skip("INST_RETIRED (0x08) not in PMCEID0: not implemented (QEMU TCG counts it only with -icount)");
		report_prefix_pop();
		return;
	}
	pmu_reset(PMCR_LC);
	set_type(0, EV_INST_RETIRED);
	set_count(0, 0);
	enable(1);
	loop(n);
	disable(1);
	c = get_count(0);
	report(c >= 2 * n && c <= 2 * n + 64, "a %lu-instruction loop retires %lu", 2 * n, (unsigned long)c);
	report_prefix_pop();
}

/* Counter 0 counts SW_INCR from 0xffffffff; one increment overflows 32 bits. */
static void overflow_once(void)
{
	set_type(0, EV_SW_INCR);
	set_count(0, 0xffffffffUL);
	enable(1);
	sw_incr(1);
	udelay(10000);
}

static void check_overflow(void)
{
	uint64_t c;

	report_prefix_push("overflow");
	if (!ncounters) {
		report_skip("overflow: no event counters (PMCR.N = 0)");
		report_prefix_pop();
		return;
	}
	pmu_reset(PMCR_LC);
	overflow_once();
	c = get_count(0);
	report((uint32_t)c == 0, "0xffffffff + 1 wraps the low 32 bits to 0 (%#lx)", (unsigned long)c);
	report(read_sysreg(pmovsset_el0) & 1, "PMOVSSET bit 0 is set (%#lx)", read_sysreg(pmovsset_el0));
	if (!pmu_intid || !gic_version()) {
		report_skip("PMU interrupt: no arm,armv8-pmuv3 PPI or no GIC in the device tree");
		report_prefix_pop();
		return;
	}
	report(pmu_irqs == 0, "no interrupt while PMINTENSET bit 0 is clear (%u)", pmu_irqs);
	write_sysreg(1, pmovsclr_el0);
	write_sysreg(1, pmintenset_el1);
	isb();
	overflow_once();
	report(pmu_irqs == 1 && (pmu_irq_ovs & 1), "with PMINTENSET bit 0 set, overflow raises INTID %u once (%u, PMOVS %#lx)",
	       pmu_intid, pmu_irqs, pmu_irq_ovs);
	write_sysreg(1, pmintenclr_el1);
	report_prefix_pop();
}

static void check_chain(void)
{
	uint64_t hi, lo;

	report_prefix_push("CHAIN");
	if (!has_event(EV_CHAIN) || ncounters < 2) {
		report_skip("CHAIN (0x1e) not in PMCEID0 (or fewer than 2 counters): not implemented");
		report_prefix_pop();
		return;
	}
	pmu_reset(PMCR_LC);
	set_type(1, EV_CHAIN);
	set_count(1, 0);
	set_type(0, EV_SW_INCR);
	set_count(0, 0xffffffffUL);
	enable(3);
	sw_incr(1);
	lo = get_count(0);
	hi = get_count(1);
	report((uint32_t)lo == 0 && hi == 1, "counter 1 (CHAIN) counts counter 0's overflow (%#lx:%#lx)",
	       (unsigned long)hi, (unsigned long)lo);
	report_prefix_pop();
}

static void check_long_counters(void)
{
	uint64_t c;

	report_prefix_push("PMCR.LP");
	if (pmuver < PMUV3P5 || !ncounters) {
		report_skip("64-bit event counters: PMUv3p5 not implemented (PMUVer %u)", pmuver);
		report_prefix_pop();
		return;
	}
	pmu_reset(PMCR_LC);
	write_sysreg(PMCR_E | PMCR_LC | PMCR_LP, pmcr_el0);
	isb();
	set_type(0, EV_SW_INCR);
	set_count(0, 0xffffffffUL);
	enable(1);
	sw_incr(1);
	c = get_count(0);
	report(c == 0x100000000UL, "with LP, counters are 64-bit: 0xffffffff + 1 = %#lx", (unsigned long)c);
	report(!(read_sysreg(pmovsset_el0) & 1), "and crossing 32 bits is no overflow");
	set_count(0, 0xffffffffffffffffUL);
	sw_incr(1);
	report(get_count(0) == 0 && (read_sysreg(pmovsset_el0) & 1), "wrapping 64 bits sets PMOVSSET");
	report_prefix_pop();
}

static void user_loop(void *arg) { loop(*(unsigned long *)arg); }

/*
 * Arm ARM D24.x PMEVTYPER<n>_EL0: P (bit 31) stops counting at EL1, U (bit
 * 30) at EL0. CPU_CYCLES over a loop at EL1 and at EL0.
 */
static void check_filtering(void)
{
	unsigned long n = 100000;
	uint64_t c;
	struct fault f;

	report_prefix_push("PMEVTYPER filtering");
	if (!has_event(EV_CPU_CYCLES) || !ncounters) {
		report_skip("filtering: CPU_CYCLES not in PMCEID0 or PMCR.N = 0");
		report_prefix_pop();
		return;
	}
	pmu_reset(PMCR_LC);
	set_type(0, EV_CPU_CYCLES | EVTYPER_P);
	set_count(0, 0);
	enable(1);
	loop(n);
	disable(1);
	c = get_count(0);
	report(c == 0, "P=1: an EL1 loop counts nothing (%lu)", (unsigned long)c);
	set_type(0, EV_CPU_CYCLES | EVTYPER_U);
	set_count(0, 0);
	enable(1);
	loop(n);
	disable(1);
	c = get_count(0);
	report(c >= n / 2, "U=1: the EL1 loop counts (%lu)", (unsigned long)c);
	set_type(0, EV_CPU_CYCLES | EVTYPER_P);
	set_count(0, 0);
	enable(1);
	run_in_user(user_loop, &n, &f);
	disable(1);
	c = get_count(0);
	report(c >= n / 2, "P=1: an EL0 loop counts (%lu)", (unsigned long)c);
	report_prefix_pop();
}

/*
 * Arm ARM D24.x PMCR_EL0.LC: with LC=0 the cycle counter overflow (PMOVSSET
 * bit 31) is on the carry out of bit 31; with LC=1 out of bit 63. LC is RES1
 * where AArch32 is not implemented at any EL: then only LC=1 is checked.
 */
static void check_cycle_lc(void)
{
	uint64_t c;

	report_prefix_push("PMCR.LC");
	pmu_reset(PMCR_LC);
	write_sysreg(PMCR_E, pmcr_el0);
	isb();
	if (read_sysreg(pmcr_el0) & PMCR_LC) {
		report_info("PMCR.LC reads 1 after writing 0: RES1 (no AArch32)");
	} else {
		write_sysreg(0xfffff000UL, pmccntr_el0);
		write_sysreg(CYCLE_BIT, pmovsclr_el0);
		enable(CYCLE_BIT);
		loop(100000);
		disable(CYCLE_BIT);
		c = read_sysreg(pmccntr_el0);
		report((read_sysreg(pmovsset_el0) & CYCLE_BIT) && (uint32_t)c < 0xfffff000UL,
		       "LC=0: PMCCNTR passing 2^32 sets PMOVSSET.C (PMCCNTR %#lx, PMOVS %#lx)", (unsigned long)c,
		       read_sysreg(pmovsset_el0));
	}
	write_sysreg(PMCR_E | PMCR_LC, pmcr_el0);
	write_sysreg(0xfffff000UL, pmccntr_el0);
	write_sysreg(CYCLE_BIT, pmovsclr_el0);
	isb();
	enable(CYCLE_BIT);
	loop(100000);
	disable(CYCLE_BIT);
	c = read_sysreg(pmccntr_el0);
	report(!(read_sysreg(pmovsset_el0) & CYCLE_BIT) && c > 0x100000000UL,
	       "LC=1: passing 2^32 is no overflow, the counter is 64-bit (%#lx)", (unsigned long)c);
	write_sysreg(CYCLE_BIT, pmovsclr_el0);
	report_prefix_pop();
}

/*
 * An EL0 access PMUSERENR_EL0 disables traps to EL1 with EC 0x18 (Arm ARM
 * D24 PMUSERENR_EL0; each register's accessibility pseudocode). Two known
 * ways of getting it wrong, told apart by what happened: KVM makes the access
 * UNDEFINED (EC 0); KVM on QEMU TCG never sees it, TCG lets it through to its
 * own PMU (no exception). Any other outcome is a plain failure.
 */
static const char *el0_trap_deviation(int ec)
{
	return ec == EC_UNKNOWN ? "pmu-el0-undef" : ec == NO_EXCEPTION ? "pmu-el0-tpm-ignored" : NULL;
}

static void user_swinc(void *arg) { (void)arg; write_sysreg(1, pmswinc_el0); isb(); }
static void user_read_evcnt(void *arg) { *(unsigned long *)arg = read_sysreg(pmevcntr0_el0); }

/* Arm ARM D24.x PMUSERENR_EL0: SW lets EL0 write PMSWINC, ER read the event counters. */
static void check_el0_sw_er(void)
{
	struct fault f;
	unsigned long v = 0;
	int ec;

	if (!ncounters) {
		report_skip("PMUSERENR.SW/ER: PMCR.N = 0");
		return;
	}
	pmu_reset(PMCR_LC);
	set_type(0, EV_SW_INCR);
	set_count(0, 0);
	enable(1);
	write_sysreg(0, pmuserenr_el0);
	isb();
	ec = run_in_user(user_swinc, NULL, &f);
	report_deviation(el0_trap_deviation(ec), ec == EC_SYSREG && get_count(0) == 0,
			 "PMUSERENR_EL0 = 0: an EL0 PMSWINC write traps (EC %#x)", ec);
	write_sysreg(PMUSERENR_SW, pmuserenr_el0);
	isb();
	ec = run_in_user(user_swinc, NULL, &f);
	report_deviation("pmu-el0-tpm-ignored", ec == NO_EXCEPTION && get_count(0) == 1,
			 "PMUSERENR_EL0.SW: EL0 writes PMSWINC and it counts (%s, %lu)", exception_name(ec),
			 (unsigned long)get_count(0));
	ec = run_in_user(user_read_evcnt, &v, &f);
	report_deviation(el0_trap_deviation(ec), ec == EC_SYSREG, "but EL0 reads of PMEVCNTR0_EL0 still trap (EC %#x)", ec);
	write_sysreg(PMUSERENR_ER, pmuserenr_el0);
	isb();
	ec = run_in_user(user_read_evcnt, &v, &f);
	report_deviation("pmu-el0-tpm-ignored", ec == NO_EXCEPTION && v == 1,
			 "PMUSERENR_EL0.ER: EL0 reads PMEVCNTR0_EL0 (%s, %lu)", exception_name(ec), v);
	ec = run_in_user(user_swinc, NULL, &f);
	report_deviation(el0_trap_deviation(ec), ec == EC_SYSREG, "but an EL0 PMSWINC write traps again (EC %#x)", ec);
	write_sysreg(0, pmuserenr_el0);
	isb();
}

static void user_read_ccnt(void *arg) { *(unsigned long *)arg = read_sysreg(pmccntr_el0); }
static void user_read_pmcr(void *arg) { *(unsigned long *)arg = read_sysreg(pmcr_el0); }

static void check_el0(void)
{
	struct fault f;
	unsigned long v = 0;
	int ec;

	report_prefix_push("EL0");
	pmu_reset(PMCR_LC);
	enable(CYCLE_BIT);
	write_sysreg(0, pmuserenr_el0);
	isb();
	ec = run_in_user(user_read_ccnt, &v, &f);
	report_deviation(el0_trap_deviation(ec), ec == EC_SYSREG, "PMUSERENR_EL0 = 0: reading PMCCNTR_EL0 traps (EC %#x)",
			 ec);
	write_sysreg(PMUSERENR_CR, pmuserenr_el0);
	isb();
	ec = run_in_user(user_read_ccnt, &v, &f);
	report(ec == NO_EXCEPTION && v, "PMUSERENR_EL0.CR: PMCCNTR_EL0 is readable (%#lx)", v);
	ec = run_in_user(user_read_pmcr, &v, &f);
	report_deviation(el0_trap_deviation(ec), ec == EC_SYSREG, "but PMCR_EL0 still traps (EC %#x)", ec);
	write_sysreg(PMUSERENR_EN, pmuserenr_el0);
	isb();
	ec = run_in_user(user_read_pmcr, &v, &f);
	report(ec == NO_EXCEPTION, "PMUSERENR_EL0.EN: PMCR_EL0 is readable (%s)", exception_name(ec));
	write_sysreg(0, pmuserenr_el0);
	check_el0_sw_er();
	report_prefix_pop();
}

int main(int argc, char **argv, char **envp)
{
	(void)argc, (void)argv, (void)envp;
	if (!pmu_probe("PMU", 0, &pmuver, &ncounters))
		return report_summary();
	pmceid0 = read_sysreg(pmceid0_el0);
	pmu_irq_setup();
	check_id();
	check_cycle_counter();
	check_sets();
	check_sw_incr();
	check_cycles_event();
	check_inst_retired();
	check_overflow();
	check_cycle_lc();
	check_filtering();
	check_chain();
	check_long_counters();
	check_el0();
	irq_disable();
	pmu_reset(PMCR_LC);
	return report_summary();
}
