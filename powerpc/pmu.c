/*
 * pmu: the Power ISA performance monitor (Book III chapter 9) as a pseries
 * guest sees it: PMC1-6 and MMCR0/1/2/A, freezing with MMCR0[FC], PMC5
 * counting instructions and PMC6 cycles over a known loop, PMC1-4 event
 * selection (POWER8/9 events 0x02 instructions completed, 0x1e cycles),
 * the performance monitor alert on counter overflow (MMCR0[PMAE], [PMAO],
 * [FCECE], [PMC1CE]) and problem-state access under MMCR0[PMCC].
 */
#include "hvut.h"
#include "devicetree.h"
#include <asm/processor.h>

/* MMCR0 bits: 1 << (63 - ISA bit number). */
#define MMCR0_FC     (1UL << 31)
#define MMCR0_FCS    (1UL << 30)
#define MMCR0_FCP    (1UL << 29)
#define MMCR0_PMAE   (1UL << 26)
#define MMCR0_FCECE  (1UL << 25)
#define MMCR0_PMCC_SHIFT 18
#define MMCR0_PMCC   (3UL << MMCR0_PMCC_SHIFT)
#define MMCR0_PMC1CE (1UL << 15)
#define MMCR0_PMCJCE (1UL << 14)
#define MMCR0_PMAO   (1UL << 7)
#define MMCR0_FC56   (1UL << 4)
/* MMCR1 PMCnSEL: ISA bits 32-39, 40-47, 48-55, 56-63. */
#define MMCR1_SEL(pmc, ev) ((unsigned long)(ev) << (8 * (4 - (pmc))))
#define EV_INST_CMPL 0x02
#define EV_CYC       0x1e

#define LOOPS 100000UL

/* Exactly 2 instructions per iteration (addi, bdnz) plus 3 around them. */
static void __attribute__((noinline)) known_loop(unsigned long n)
{
	__asm__ volatile("mtctr %0\n1: addi 9, 9, 1\n bdnz 1b" :: "r"(n) : "r9", "ctr", "memory");
}

static void freeze(void) { mtspr(SPR_MMCR0, MMCR0_FC); }

static void zero_counters(void)
{
	mtspr(SPR_PMC1, 0); mtspr(SPR_PMC2, 0); mtspr(SPR_PMC3, 0);
	mtspr(SPR_PMC4, 0); mtspr(SPR_PMC5, 0); mtspr(SPR_PMC6, 0);
}

static unsigned long read_pmc(int n)
{
	switch (n) {
	case 1: return mfspr(SPR_PMC1);
	case 2: return mfspr(SPR_PMC2);
	case 3: return mfspr(SPR_PMC3);
	case 4: return mfspr(SPR_PMC4);
	case 5: return mfspr(SPR_PMC5);
	default: return mfspr(SPR_PMC6);
	}
}

static void check_registers(void)
{
	report_prefix_push("registers");
	freeze();
	mtspr(SPR_PMC1, 0x11111111); mtspr(SPR_PMC2, 0x22222222); mtspr(SPR_PMC3, 0x33333333);
	mtspr(SPR_PMC4, 0x44444444); mtspr(SPR_PMC5, 0x55555555); mtspr(SPR_PMC6, 0x66666666);
	for (int i = 1; i <= 6; i++)
		report(read_pmc(i) == 0x11111111UL * i, "PMC%d holds what was written while frozen (%#lx)", i, read_pmc(i));
	mtspr(SPR_MMCR1, 0x0102030405060708UL);
	report(mfspr(SPR_MMCR1) == 0x0102030405060708UL, "MMCR1 holds a value (%#lx)", mfspr(SPR_MMCR1));
	mtspr(SPR_MMCR1, 0);
	/*
	 * Non-zero values, so that a register that reads 0 whatever is written
	 * fails. MMCR2 (Power ISA v3.0B Book III 9.4.5): FC1S|FC1P, ISA bits 0
	 * and 1, freeze PMC1 in privileged and problem state. MMCRA (9.4.6):
	 * the threshold start/stop event selectors, ISA bits 48:55, choose
	 * events and count nothing while MMCR0[FC] is set.
	 */
	mtspr(SPR_MMCRA, 0x000000000000ff00UL);
	report(mfspr(SPR_MMCRA) == 0x000000000000ff00UL, "MMCRA holds a threshold event selection (%#lx)",
	       mfspr(SPR_MMCRA));
	mtspr(SPR_MMCRA, 0);
	mtspr(SPR_MMCR2, 0xc000000000000000UL);
	report(mfspr(SPR_MMCR2) == 0xc000000000000000UL, "MMCR2 holds FC1S|FC1P (%#lx)", mfspr(SPR_MMCR2));
	mtspr(SPR_MMCR2, 0);
	report(mfspr(SPR_MMCRA) == 0 && mfspr(SPR_MMCR2) == 0, "MMCRA and MMCR2 can be cleared (%#lx, %#lx)",
	       mfspr(SPR_MMCRA), mfspr(SPR_MMCR2));
	report((mfspr(SPR_MMCR0) & MMCR0_FC) == MMCR0_FC, "MMCR0[FC] reads back set (%#lx)", mfspr(SPR_MMCR0));
	report_prefix_pop();
}

static void check_freeze(void)
{
	unsigned long a[7];

	report_prefix_push("MMCR0[FC]");
	freeze();
	zero_counters();
	mtspr(SPR_MMCR1, MMCR1_SEL(1, EV_INST_CMPL) | MMCR1_SEL(2, EV_CYC) |
	      MMCR1_SEL(3, EV_INST_CMPL) | MMCR1_SEL(4, EV_CYC));
	known_loop(LOOPS);
	for (int i = 1; i <= 6; i++)
		a[i] = read_pmc(i);
	report(!a[1] && !a[2] && !a[3] && !a[4] && !a[5] && !a[6],
	       "no counter moves while frozen (%lu %lu %lu %lu %lu %lu)", a[1], a[2], a[3], a[4], a[5], a[6]);
	mtspr(SPR_MMCR0, 0);
	known_loop(LOOPS);
	freeze();
	for (int i = 1; i <= 6; i++)
		a[i] = read_pmc(i);
	known_loop(LOOPS);
	report(read_pmc(5) == a[5] && read_pmc(6) == a[6] && read_pmc(1) == a[1],
	       "setting FC again stops PMC1/5/6 where they were (%lu %lu %lu)", a[1], a[5], a[6]);
	mtspr(SPR_MMCR1, 0);
	report_prefix_pop();
}

static void check_pmc56(void)
{
	unsigned long inst, cyc, clock_hz = 1000000000;
	uint64_t t0, ns;
	uint32_t hz;
	int cpu;

	fdt_for_each_child(cpu, fdt_path_offset("/cpus"))
		if (fdt_getprop_u32(cpu, "clock-frequency", &hz))
			clock_hz = hz;
	report_prefix_push("PMC5/PMC6");
	/*
	 * Power ISA v3.0B Book III 9.4.x (PMC5, PMC6) and 4.3.x (CTRL): PMC5 and
	 * PMC6 count only while the run latch CTRL[RUN] is 1. Set it (through
	 * CTRLT, SPR 152) rather than trust the firmware left it on.
	 */
	mtspr(SPR_CTRL_W, 1);
	report_info("CTRL %#lx (RUN is bit 63)", mfspr(SPR_CTRL_R));
	freeze();
	zero_counters();
	t0 = mftb();
	mtspr(SPR_MMCR0, 0);
	known_loop(LOOPS);
	freeze();
	ns = (mftb() - t0) * 1000000000 / tb_hz;
	inst = read_pmc(5);
	cyc = read_pmc(6);
	report(inst >= 2 * LOOPS && inst <= 2 * LOOPS + 200,
	       "PMC5 counts the loop's %lu instructions (%lu)", 2 * LOOPS, inst);
	/* Cycles: at least one per 4 instructions, at most what the clock allows in the time taken (x2). */
	report(cyc >= LOOPS / 2 && cyc <= 2 * (ns * (clock_hz / 1000000) / 1000) + 1000,
	       "PMC6 counts cycles within bounds (%lu in %lu us at %lu MHz)", cyc,
	       (unsigned long)(ns / 1000), clock_hz / 1000000);
	mtspr(SPR_MMCR0, MMCR0_FC56);
	mtspr(SPR_PMC5, 0);
	known_loop(LOOPS);
	report(read_pmc(5) == 0, "MMCR0[FC56] freezes PMC5 alone (%lu)", read_pmc(5));
	freeze();
	report_prefix_pop();
}

static void check_pmc14(void)
{
	unsigned long v[5];

	report_prefix_push("PMC1-4 events");
	freeze();
	zero_counters();
	mtspr(SPR_MMCR1, MMCR1_SEL(1, EV_INST_CMPL) | MMCR1_SEL(2, EV_CYC) |
	      MMCR1_SEL(3, EV_INST_CMPL) | MMCR1_SEL(4, EV_CYC));
	mtspr(SPR_MMCR0, 0);
	known_loop(LOOPS);
	freeze();
	for (int i = 1; i <= 4; i++)
		v[i] = read_pmc(i);
	report(v[1] >= 2 * LOOPS && v[1] <= 2 * LOOPS + 200, "PMC1 event 0x02 counts instructions (%lu)", v[1]);
	report(v[3] >= 2 * LOOPS && v[3] <= 2 * LOOPS + 200, "PMC3 event 0x02 counts instructions (%lu)", v[3]);
	report(v[2] >= LOOPS / 2, "PMC2 event 0x1e counts cycles (%lu)", v[2]);
	report(v[4] >= LOOPS / 2, "PMC4 event 0x1e counts cycles (%lu)", v[4]);
	mtspr(SPR_MMCR1, 0);
	report_prefix_pop();
}

static volatile int pm_hits;
static volatile unsigned long pm_mmcr0;
static void pm_handler(struct ex_regs *r)
{
	pm_hits++;
	pm_mmcr0 = mfspr(SPR_MMCR0);
	mtspr(SPR_MMCR0, MMCR0_FC | (pm_mmcr0 & MMCR0_FCECE));   /* clears PMAO: no second interrupt */
	r->msr &= ~MSR_EE;
}

/* PMC1 counts instructions from 100 below overflow (bit 31 set = "negative"). */
static void overflow_run(unsigned long mmcr0)
{
	freeze();
	zero_counters();
	mtspr(SPR_MMCR1, MMCR1_SEL(1, EV_INST_CMPL));
	mtspr(SPR_PMC1, 0x80000000UL - 100);
	pm_hits = 0;
	pm_mmcr0 = 0;
	irq_enable();
	mtspr(SPR_MMCR0, mmcr0);
	known_loop(1000);
	irq_disable();
}

static void check_overflow(void)
{
	exception_handler old = install_exception_handler(0xf00, pm_handler);
	unsigned long mmcr0, pmc1, pmc1_later;

	report_prefix_push("overflow");
	overflow_run(MMCR0_PMC1CE);
	mmcr0 = mfspr(SPR_MMCR0);
	pmc1 = read_pmc(1);
	freeze();
	report(pmc1 >= 0x80000000UL, "PMC1 went negative (%#lx)", pmc1);
	report(pm_hits == 0 && !(mmcr0 & MMCR0_PMAO), "without MMCR0[PMAE] no interrupt, no PMAO (%d, MMCR0 %#lx)",
	       pm_hits, mmcr0);

	overflow_run(MMCR0_PMC1CE | MMCR0_PMAE);
	mmcr0 = mfspr(SPR_MMCR0);
	freeze();
	report_deviation("pmu-no-pm-interrupt", pm_hits == 1, "with MMCR0[PMAE] the performance monitor interrupt is taken (%d)", pm_hits);
	if (pm_hits)
		mmcr0 = pm_mmcr0;
	report((mmcr0 & MMCR0_PMAO) && !(mmcr0 & MMCR0_PMAE),
	       "MMCR0[PMAO] records the alert and PMAE is cleared (MMCR0 %#lx)", mmcr0);

	overflow_run(MMCR0_PMC1CE | MMCR0_PMAE | MMCR0_FCECE);
	mmcr0 = pm_hits ? pm_mmcr0 : mfspr(SPR_MMCR0);
	pmc1 = read_pmc(1);
	known_loop(1000);
	pmc1_later = read_pmc(1);
	freeze();
	report((mmcr0 & MMCR0_FC) && pmc1 == pmc1_later && pmc1 >= 0x80000000UL && pmc1 < 0x80000000UL + 100,
	       "MMCR0[FCECE] freezes the counters at the overflow (MMCR0 %#lx, PMC1 %#lx then %#lx)",
	       mmcr0, pmc1, pmc1_later);
	install_exception_handler(0xf00, old);
	mtspr(SPR_MMCR1, 0);
	report_prefix_pop();
}

static void u_read_pmc1(void *a) { *(unsigned long *)a = mfspr(SPR_UPMC1); }
static void u_read_mmcr0(void *a) { *(unsigned long *)a = mfspr(SPR_UMMCR0); }
static void u_write_pmc1(void *a) { (void)a; mtspr(SPR_UPMC1, 0x1234); }

static void check_problem_state(void)
{
	struct fault f;
	unsigned long v = 0;
	int vec;

	report_prefix_push("MMCR0[PMCC]");
	freeze();
	mtspr(SPR_PMC1, 0x4242);
	/* PMCC = 0b00: problem state may read the PMCs and MMCR0, not write them. */
	mtspr(SPR_MMCR0, MMCR0_FC);
	vec = run_in_user(u_read_pmc1, &v, &f);
	report(vec == NO_EXCEPTION && v == 0x4242, "PMCC=00: user reads PMC1 (%#lx, vector %#x)", v, vec);
	vec = run_in_user(u_read_mmcr0, &v, &f);
	report(vec == NO_EXCEPTION && (v & MMCR0_FC), "PMCC=00: user reads MMCR0 (%#lx, vector %#x)", v, vec);
	vec = run_in_user(u_write_pmc1, NULL, &f);
	report(vec == 0x700 && (f.error_code & SRR1_PROGRAM_PRIV) && read_pmc(1) == 0x4242,
	       "PMCC=00: a user write to PMC1 is a privileged-instruction program interrupt "
	       "(vector %#x, SRR1 %#lx) and changes nothing", vec, f.error_code);
	/* PMCC = 0b10: problem state may read and write them. */
	mtspr(SPR_MMCR0, MMCR0_FC | (2UL << MMCR0_PMCC_SHIFT));
	vec = run_in_user(u_write_pmc1, NULL, &f);
	report(vec == NO_EXCEPTION && read_pmc(1) == 0x1234, "PMCC=10: user writes PMC1 (%#lx, vector %#x)",
	       read_pmc(1), vec);
	/* PMCC = 0b01: no problem-state access at all. */
	mtspr(SPR_MMCR0, MMCR0_FC | (1UL << MMCR0_PMCC_SHIFT));
	vec = run_in_user(u_read_pmc1, &v, &f);
	report(vec == 0xf60 && (f.error_code & MSR_PR),
	       "PMCC=01: a user read of PMC1 is a facility unavailable interrupt (vector %#x, SRR1 %#lx)",
	       vec, f.error_code);
	freeze();
	report_prefix_pop();
}

static void u_loop(void *arg) { (void)arg; known_loop(LOOPS); }

/*
 * Power ISA v3.0B Book III 9.4.4 MMCR0: FCS freezes the PMCs in privileged
 * state (MSR[PR]=0), FCP in problem state (MSR[PR]=1).
 */
static void check_fcs_fcp(void)
{
	struct fault f;
	unsigned long c;

	report_prefix_push("MMCR0[FCS]/[FCP]");
	freeze();
	zero_counters();
	mtspr(SPR_MMCR1, MMCR1_SEL(1, EV_INST_CMPL));
	mtspr(SPR_MMCR0, MMCR0_FCS);
	known_loop(LOOPS);
	freeze();
	report_deviation("pmu-fcs-fcp-ignored", read_pmc(1) == 0, "FCS: a privileged-state loop counts nothing (%lu)",
			 read_pmc(1));
	mtspr(SPR_PMC1, 0);
	mtspr(SPR_MMCR0, MMCR0_FCS);
	run_in_user(u_loop, NULL, &f);
	freeze();
	c = read_pmc(1);
	report_deviation("pmu-fcs-fcp-ignored", c >= 2 * LOOPS && c <= 2 * LOOPS + 200,
			 "FCS: a problem-state loop counts its %lu instructions, not the privileged code around it (%lu)",
			 2 * LOOPS, c);
	mtspr(SPR_PMC1, 0);
	mtspr(SPR_MMCR0, MMCR0_FCP);
	known_loop(LOOPS);
	freeze();
	c = read_pmc(1);
	report(c >= 2 * LOOPS && c <= 2 * LOOPS + 200, "FCP: a privileged-state loop counts (%lu)", c);
	mtspr(SPR_PMC1, 0);
	mtspr(SPR_MMCR0, MMCR0_FCP);
	run_in_user(u_loop, NULL, &f);
	freeze();
	c = read_pmc(1);
	report_deviation("pmu-fcs-fcp-ignored", c < 2 * LOOPS,
			 "FCP: the problem-state loop is not counted (%lu, only the privileged entry/exit)", c);
	mtspr(SPR_MMCR1, 0);
	report_prefix_pop();
}

/*
 * MMCR0[PMCjCE] enables the alert when PMC2-6 become negative, as PMC1CE does
 * for PMC1 (Power ISA v3.0B Book III 9.4.4): PMC3 counting instructions from
 * 100 below 2^31 sets MMCR0[PMAO] only with PMCjCE.
 */
static void check_pmcjce(void)
{
	exception_handler old = install_exception_handler(0xf00, pm_handler);
	unsigned long mmcr0;

	report_prefix_push("MMCR0[PMCjCE]");
	for (int ce = 0; ce < 2; ce++) {
		freeze();
		zero_counters();
		/* Instructions, not cycles: QEMU derives cycles from the host clock (flaky here). */
		mtspr(SPR_MMCR1, MMCR1_SEL(3, EV_INST_CMPL));
		mtspr(SPR_PMC3, 0x80000000UL - 100);
		pm_hits = 0;
		irq_enable();
		mtspr(SPR_MMCR0, MMCR0_PMAE | (ce ? MMCR0_PMCJCE : 0));
		known_loop(1000);
		irq_disable();
		mmcr0 = pm_hits ? pm_mmcr0 : mfspr(SPR_MMCR0);
		freeze();
		if (ce)
			report(mmcr0 & MMCR0_PMAO, "PMCjCE=1: PMC3 going negative sets PMAO (MMCR0 %#lx, %d interrupts)",
			       mmcr0, pm_hits);
		else
			report(!(mmcr0 & MMCR0_PMAO) && !pm_hits, "PMCjCE=0: PMC3 going negative raises no alert (MMCR0 %#lx)",
			       mmcr0);
	}
	mtspr(SPR_MMCR1, 0);
	install_exception_handler(0xf00, old);
	report_prefix_pop();
}

int main(int argc, char **argv, char **envp)
{
	(void)argc, (void)argv, (void)envp;
	check_registers();
	check_freeze();
	check_pmc56();
	check_pmc14();
	check_overflow();
	check_fcs_fcp();
	check_pmcjce();
	check_problem_state();
	freeze();
	return report_summary();
}
