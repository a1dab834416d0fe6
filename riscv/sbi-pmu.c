/*
 * PMU: counters and their descriptions, matching cycles and instructions to
 * hardware counters and counting a known loop with them, a firmware counter
 * counting our own set_timer calls (also from an initial value), and the
 * errors for bad counter indices, an undefined event and starting/stopping
 * twice.
 */
#include "sbi-tests.h"
#include <asm/csr.h>
#include <asm/irq.h>
#include <asm/isa.h>
#include <asm/timer.h>

#define LOOPS 100000

/* csrr needs the CSR number in the instruction: one case per counter CSR (0xc00-0xc1f). */
#define C4(n) C(n) C(n + 1) C(n + 2) C(n + 3)
static unsigned long read_counter_csr(unsigned csr)
{
	switch (csr) {
#define C(n) case 0xc00 + (n): return csr_read(0xc00 + (n));
	C4(0) C4(4) C4(8) C4(12) C4(16) C4(20) C4(24) C4(28)
#undef C
	}
	return 0;
}

struct csr_read { unsigned csr; unsigned long val; };
static void do_read(void *arg) { struct csr_read *r = arg; r->val = read_counter_csr(r->csr); }

static void __attribute__((noinline)) busy_loop(void)
{
	for (volatile int i = 0; i < LOOPS; i++)
		;
}

/* Reads the counter's CSR; false (and a FAIL) if S-mode may not read it. */
static bool read_hw(const char *what, unsigned csr, unsigned long *val)
{
	struct csr_read r = { csr, 0 };
	int v = catch_exception(do_read, &r, NULL);

	*val = r.val;
	if (v != NO_EXCEPTION)
		report_fail("%s: reading CSR %#x traps (%s): the firmware did not open it to S-mode",
			    what, csr, exception_name(v));
	return v == NO_EXCEPTION;
}

static void count_loop(const char *what, unsigned long event, unsigned long all)
{
	struct sbiret r = sbi_pmu_counter_config_matching(0, all, SBI_PMU_CFG_CLEAR_VALUE, event, 0);
	unsigned long idx = r.value, csr, a, b, c;

	report_prefix_push(what);
	if (!report(r.error == SBI_SUCCESS, "counter_config_matching finds a counter (%s, index %ld)",
		    sbi_error_name(r.error), r.value)) {
		report_prefix_pop();
		return;
	}
	csr = SBI_PMU_INFO_CSR(sbi_pmu_counter_get_info(idx).value);
	/* cycle and instret may be running since reset: start from a stopped counter. */
	sbi_pmu_counter_stop(idx, 1, 0);
	report_sbi_error(sbi_pmu_counter_start(idx, 1, 0, 0), SBI_SUCCESS, "counter_start");
	report_sbi_error(sbi_pmu_counter_start(idx, 1, 0, 0), SBI_ERR_ALREADY_STARTED, "counter_start again");
	if (read_hw(what, csr, &a)) {
		busy_loop();
		read_hw(what, csr, &b);
		report(b - a >= LOOPS, "a %d-iteration loop counts at least %d (%lu)", LOOPS, LOOPS, b - a);
	}
	report_sbi_error(sbi_pmu_counter_stop(idx, 1, 0), SBI_SUCCESS, "counter_stop");
	report_sbi_error(sbi_pmu_counter_stop(idx, 1, 0), SBI_ERR_ALREADY_STOPPED, "counter_stop again");
	if (read_hw(what, csr, &b)) {
		busy_loop();
		read_hw(what, csr, &c);
		report_deviation("sbi-pmu-stopped-counter-moves", b == c,
				 "a stopped counter does not move (%lu, %lu)", b, c);
	}
	/* Give the counter back (RESET drops its event mapping); it is stopped already. */
	sbi_pmu_counter_stop(idx, 1, SBI_PMU_STOP_RESET);
	report_prefix_pop();
}

static void firmware_counter(unsigned long all)
{
	struct sbiret r = sbi_pmu_counter_config_matching(0, all,
							  SBI_PMU_CFG_CLEAR_VALUE | SBI_PMU_CFG_AUTO_START,
							  SBI_PMU_FW_SET_TIMER, 0);
	unsigned long idx = r.value;
	struct sbiret before, after;

	report_prefix_push("firmware");
	if (!report(r.error == SBI_SUCCESS, "counter_config_matching finds a SET_TIMER counter (%s, index %ld)",
		    sbi_error_name(r.error), r.value)) {
		report_prefix_pop();
		return;
	}
	report(SBI_PMU_INFO_IS_FW(sbi_pmu_counter_get_info(idx).value), "it is a firmware counter");
	before = sbi_pmu_counter_fw_read(idx);
	for (int i = 0; i < 3; i++)
		sbi_set_timer(~0ULL);
	after = sbi_pmu_counter_fw_read(idx);
	report(before.error == SBI_SUCCESS && after.error == SBI_SUCCESS && after.value - before.value == 3,
	       "counter_fw_read: 3 set_timer calls count 3 (%ld -> %ld)", before.value, after.value);
	report_sbi_error(sbi_pmu_counter_stop(idx, 1, SBI_PMU_STOP_RESET), SBI_SUCCESS, "counter_stop");
	report_prefix_pop();
}

/*
 * SBI spec "PMU Extension" counter_start: with SET_INIT_VALUE (flag bit 0)
 * the counter starts from initial_value; a firmware counter then reads that
 * value plus the events since.
 */
static void firmware_init_value(unsigned long all)
{
	struct sbiret r = sbi_pmu_counter_config_matching(0, all, SBI_PMU_CFG_CLEAR_VALUE, SBI_PMU_FW_SET_TIMER, 0);
	unsigned long idx = r.value;
	struct sbiret before, after;

	report_prefix_push("SET_INIT_VALUE");
	if (r.error != SBI_SUCCESS) {
		report_skip("SET_INIT_VALUE: no SET_TIMER firmware counter (%s)", sbi_error_name(r.error));
		report_prefix_pop();
		return;
	}
	report_sbi_error(sbi_pmu_counter_start(idx, 1, SBI_PMU_START_SET_INIT_VALUE, 1000), SBI_SUCCESS,
			 "counter_start with initial value 1000");
	before = sbi_pmu_counter_fw_read(idx);
	sbi_set_timer(~0ULL);
	sbi_set_timer(~0ULL);
	after = sbi_pmu_counter_fw_read(idx);
	report(before.error == SBI_SUCCESS && before.value == 1000 && after.value == 1002,
	       "the counter starts at 1000 and counts 2 set_timer calls (%ld, %ld)", before.value, after.value);
	sbi_pmu_counter_stop(idx, 1, SBI_PMU_STOP_RESET);
	report_prefix_pop();
}

#define SBI_EXT_SSE 0x535345   /* "SSE" */

static volatile int ovf_irqs;
static volatile unsigned long ovf_sip;

static void ovf_handler(struct ex_regs *regs)
{
	(void)regs;
	ovf_irqs++;
	ovf_sip = csr_read(CSR_SIP);
	csr_clear(CSR_SIE, BIT(IRQ_PMU_OVF));   /* once is enough; the test clears LCOFIP */
}

/*
 * SBI spec "PMU Extension" with Sscofpmf: a hardware counter started close to
 * its width's overflow raises the local counter-overflow interrupt (LCOFI,
 * scause 13) in S-mode when sie.LCOFIE is set (RISC-V privileged spec,
 * Sscofpmf). Only hpmcounters (3-31) overflow: cycle (0) and instret (2)
 * are left out of the counter mask.
 */
static void overflow(unsigned long all)
{
	unsigned long mask = all & ~(BIT(0) | BIT(1) | BIT(2)), idx, width;
	struct sbiret r;

	report_prefix_push("overflow");
	if (!isa_has("sscofpmf")) {
		report_skip("counter overflow: Sscofpmf not in riscv,isa");
		report_prefix_pop();
		return;
	}
	/*
	 * A firmware with SSE (OpenSBI 1.6) keeps LCOFI in M-mode and reports the
	 * overflow as the SSE local PMU overflow event instead (SBI spec, SSE
	 * extension): LCOFI in S-mode is then not available to check.
	 */
	if (sbi_probe_extension(SBI_EXT_SSE).value) {
		report_skip("counter overflow as LCOFI: the firmware has SSE (EID %#x), overflow goes to an SSE event",
			    SBI_EXT_SSE);
		report_prefix_pop();
		return;
	}
	r = sbi_pmu_counter_config_matching(0, mask, SBI_PMU_CFG_CLEAR_VALUE, SBI_PMU_HW_INSTRUCTIONS, 0);
	if (!report(r.error == SBI_SUCCESS, "counter_config_matching finds an hpmcounter for instructions (%s, %ld)",
		    sbi_error_name(r.error), r.value)) {
		report_prefix_pop();
		return;
	}
	idx = r.value;
	width = SBI_PMU_INFO_WIDTH(sbi_pmu_counter_get_info(idx).value);
	ovf_irqs = 0;
	install_irq_handler(IRQ_PMU_OVF, ovf_handler);
	csr_set(CSR_SIE, BIT(IRQ_PMU_OVF));
	local_irq_enable();
	r = sbi_pmu_counter_start(idx, 1, SBI_PMU_START_SET_INIT_VALUE,
				  (width >= 64 ? ~0UL : BIT(width) - 1) - 5000);
	busy_loop();
	/* QEMU may signal the overflow from a timer: give it time, interrupts on. */
	wait_flag(&ovf_irqs, EVENT_WAIT_MS);
	local_irq_disable();
	sbi_pmu_counter_stop(idx, 1, SBI_PMU_STOP_RESET);
	report(r.error == SBI_SUCCESS && ovf_irqs == 1 && (ovf_sip & BIT(IRQ_PMU_OVF)),
	       "counter %lu (%lu bits) started 5000 below overflow raises LCOFI once (%s, %d, sip %#lx)", idx, width,
	       sbi_error_name(r.error), ovf_irqs, ovf_sip);
	csr_clear(CSR_SIP, BIT(IRQ_PMU_OVF));
	csr_clear(CSR_SIE, BIT(IRQ_PMU_OVF));
	install_irq_handler(IRQ_PMU_OVF, NULL);
	report_prefix_pop();
}

#define SBI_PMU_CFG_SET_UINH (1UL << 5)
#define SBI_PMU_CFG_SET_SINH (1UL << 6)

/*
 * SBI spec counter_config_matching flags SET_SINH / SET_UINH: the counter
 * does not count in S-mode / U-mode (programmed into mhpmevent's inhibit
 * bits, which need Sscofpmf). An S-mode loop with SINH moves an
 * instruction counter by little (the SBI calls around it run in M-mode and
 * are not S-mode), with UINH by at least the loop.
 */
static void inhibit(unsigned long all)
{
	unsigned long mask = all & ~(BIT(0) | BIT(1) | BIT(2));
	static const struct { unsigned long flag; const char *name; bool counts_s; } f[] = {
		{ SBI_PMU_CFG_SET_SINH, "SET_SINH", false }, { SBI_PMU_CFG_SET_UINH, "SET_UINH", true },
	};

	report_prefix_push("inhibit");
	if (!isa_has("sscofpmf")) {
		report_skip("mode inhibit filters: Sscofpmf not in riscv,isa");
		report_prefix_pop();
		return;
	}
	for (unsigned i = 0; i < ARRAY_SIZE(f); i++) {
		struct sbiret r = sbi_pmu_counter_config_matching(0, mask,
								  SBI_PMU_CFG_CLEAR_VALUE | SBI_PMU_CFG_AUTO_START | f[i].flag,
								  SBI_PMU_HW_INSTRUCTIONS, 0);
		unsigned long idx = r.value, csr, a, b;

		if (!report(r.error == SBI_SUCCESS, "%s: counter_config_matching (%s, %ld)", f[i].name,
			    sbi_error_name(r.error), r.value))
			continue;
		csr = SBI_PMU_INFO_CSR(sbi_pmu_counter_get_info(idx).value);
		if (read_hw(f[i].name, csr, &a)) {
			busy_loop();
			read_hw(f[i].name, csr, &b);
			if (f[i].counts_s)
				report(b - a >= LOOPS, "%s: an S-mode loop of %d iterations counts at least %d (%lu)",
				       f[i].name, LOOPS, LOOPS, b - a);
			else
				report_deviation("sbi-pmu-mode-inhibit-ignored", b - a < LOOPS / 10,
						 "%s: an S-mode loop of %d iterations is not counted (%lu)", f[i].name,
						 LOOPS, b - a);
		}
		sbi_pmu_counter_stop(idx, 1, SBI_PMU_STOP_RESET);
	}
	report_prefix_pop();
}

void sbi_test_pmu(void)
{
	struct sbiret r;
	long n;
	int hw = 0, fw = 0, first_hw = -1;
	bool info_ok = true;

	if (!sbi_ext_begin("pmu", SBI_EXT_PMU))
		return;
	r = sbi_pmu_num_counters();
	n = r.value;
	/* SBI spec ch. "PMU Extension": num_counters cannot fail; zero counters is a valid answer. */
	report(r.error == SBI_SUCCESS && n >= 0, "num_counters succeeds (%s, %ld counters)", sbi_error_name(r.error), n);
	for (long i = 0; i < n && i < 64; i++) {
		r = sbi_pmu_counter_get_info(i);
		if (r.error) {
			/* An index with no counter behind it (e.g. where "time" would be) may be refused. */
			info_ok &= r.error == SBI_ERR_INVALID_PARAM;
			report_info("counter %ld: counter_get_info says %s", i, sbi_error_name(r.error));
		} else if (SBI_PMU_INFO_IS_FW(r.value)) {
			fw++;
		} else {
			hw++;
			info_ok &= SBI_PMU_INFO_CSR(r.value) >= 0xc00 && SBI_PMU_INFO_CSR(r.value) <= 0xc1f;
			if (first_hw < 0)
				first_hw = i;
		}
	}
	report(info_ok, "counter_get_info describes each counter or says INVALID_PARAM (%d hardware in CSRs 0xc00-0xc1f, %d firmware)",
	       hw, fw);
	/* Nothing in the SBI spec requires a hardware counter: platform choice. */
	report_info("%d hardware and %d firmware counters", hw, fw);
	report_sbi_error(sbi_pmu_counter_get_info(n), SBI_ERR_INVALID_PARAM, "counter_get_info past the last counter");
	report_sbi_error(sbi_pmu_counter_start(n, 1, 0, 0), SBI_ERR_INVALID_PARAM, "counter_start past the last counter");
	report_sbi_error(sbi_pmu_counter_stop(n, 1, 0), SBI_ERR_INVALID_PARAM, "counter_stop past the last counter");
	if (first_hw >= 0) {
		r = sbi_pmu_counter_fw_read(first_hw);
		/* OpenSBI 1.1 reads hardware counters as 0 with SUCCESS; 1.6 refuses. */
		report_xfail(opensbi_between(0x10001, 0x10001), r.error == SBI_ERR_INVALID_PARAM,
			     "counter_fw_read of a hardware counter: INVALID_PARAM (got %s)",
			     sbi_error_name(r.error));
	}
	if (n > 0 && n <= 64) {
		unsigned long all = n == 64 ? ~0UL : BIT(n) - 1;

		count_loop("cycles", SBI_PMU_HW_CPU_CYCLES, all);
		count_loop("instructions", SBI_PMU_HW_INSTRUCTIONS, all);
		firmware_counter(all);
		firmware_init_value(all);
		overflow(all);
		inhibit(all);
		/*
		 * SBI spec 2.0 counter_config_matching: NOT_SUPPORTED when none of
		 * the counters can monitor the event (INVALID_PARAM is for invalid
		 * counters or flags). OpenSBI 1.6 answers INVALID_PARAM.
		 */
		r = sbi_pmu_counter_config_matching(0, all, 0, SBI_PMU_EVENT(0, 0xffff), 0);
		report_xfail(opensbi_between(0x10006, 0x10006), r.error == SBI_ERR_NOT_SUPPORTED,
			     "counter_config_matching of an undefined hardware event (0xffff): NOT_SUPPORTED (got %s)",
			     sbi_error_name(r.error));
	}
	report_prefix_pop();
}
