/*
 * sbi-sse-pmu: a PMU counter overflow delivered as the SSE local PMU overflow
 * event (SBI v3.0 "Supervisor Software Events Extension", event 0x00010000
 * "Local PMU event"; "Performance Monitoring Unit Extension" counter_start
 * with SET_INIT_VALUE; RISC-V privileged spec Sscofpmf: an hpmcounter that
 * overflows sets its OF bit and raises LCOFI). A firmware with SSE keeps LCOFI
 * in M-mode and turns it into this event (the sbi test's PMU part, which
 * waits for LCOFI in S-mode, SKIPs there).
 *
 * Checks: the event registers and enables; an instruction counter started
 * 5000 below its overflow runs the handler once (stopped from inside it),
 * on this hart (a6 = hart ID), with the event RUNNING; no LCOFI reaches
 * S-mode meanwhile.
 */
#include "hvut.h"
#include <asm/csr.h>
#include <asm/irq.h>
#include <asm/isa.h>
#include <asm/sbi.h>
#include <asm/smp.h>
#include <asm/sse.h>
#include <asm/timer.h>

#define EV SBI_SSE_EVENT_LOCAL_PMU_OVERFLOW
#define ST_RUNNING 3

struct pmu_ctx {
	struct sse_handler h;
	unsigned long idx;
	volatile int runs;
	unsigned long status;
	long stop_err;
};

static struct pmu_ctx ctx;
static uint8_t stack[4096] __attribute__((aligned(16)));
static unsigned long attrs[10] __attribute__((aligned(16)));
static volatile int lcofi;

/* OpenSBI 1.6 (impl ID 1, version 0x10006): the firmware of the tcg-qemu10 lane. */
static bool opensbi16(void)
{
	return sbi_get_impl_id().value == SBI_IMPL_OPENSBI && sbi_get_impl_version().value == 0x10006;
}

static struct sbiret sse(unsigned long fid, unsigned long a0, unsigned long a1, unsigned long a2, unsigned long a3)
{
	return sbi_ecall(SBI_EXT_SSE, fid, a0, a1, a2, a3, 0, 0);
}

static void on_overflow(struct sse_handler *h)
{
	struct pmu_ctx *c = (struct pmu_ctx *)h;

	/* Stop it first: a counter still overflowed would signal again after completion. */
	c->stop_err = sbi_pmu_counter_stop(c->idx, 1, SBI_PMU_STOP_RESET).error;
	if (sse(SBI_SSE_READ_ATTRS, EV, 0, 1, (uintptr_t)attrs).error == SBI_SUCCESS)
		c->status = attrs[0];
	c->runs++;
}

static void on_lcofi(struct ex_regs *r)
{
	(void)r;
	lcofi++;
	csr_clear(CSR_SIE, BIT(IRQ_PMU_OVF));
}

static void busy_loop(void)
{
	for (volatile int i = 0; i < 20000; i++)
		;
}

int main(int argc, char **argv, char **envp)
{
	unsigned long mask, width, ovf, ovf0;
	struct sbiret r;
	uint64_t end;

	(void)argc;
	(void)argv;
	(void)envp;
	report_prefix_push("sse-pmu");
	if (!sbi_has(SBI_EXT_SSE) || !sbi_has(SBI_EXT_PMU)) {
		report_skip("SSE PMU overflow: sbi_probe_extension(SSE %#x) = %ld, (PMU %#x) = %ld", SBI_EXT_SSE,
			    sbi_probe_extension(SBI_EXT_SSE).value, SBI_EXT_PMU, sbi_probe_extension(SBI_EXT_PMU).value);
		return report_summary();
	}
	if (!isa_has("sscofpmf")) {
		report_skip("SSE PMU overflow: Sscofpmf not in riscv,isa");
		return report_summary();
	}
	local_irq_disable();
	ctx.h.stack_top = (uintptr_t)stack + sizeof(stack);
	ctx.h.fn = on_overflow;
	r = sse(SBI_SSE_REGISTER, EV, (uintptr_t)sse_entry, (uintptr_t)&ctx, 0);
	if (r.error == SBI_ERR_NOT_SUPPORTED) {
		report_skip("SSE local PMU overflow event %#lx: register says NOT_SUPPORTED", EV);
		return report_summary();
	}
	report(r.error == SBI_SUCCESS, "register event 0x10000: SUCCESS (%s)", sbi_error_name(r.error));
	r = sse(SBI_SSE_ENABLE, EV, 0, 0, 0);
	report(r.error == SBI_SUCCESS, "enable: SUCCESS (%s)", sbi_error_name(r.error));
	r = sse(SBI_SSE_HART_UNMASK, 0, 0, 0, 0);
	report_info("hart_unmask: %s", sbi_error_name(r.error));

	/* hpmcounters only (3..): cycle and instret do not overflow into LCOFI. */
	mask = (BIT(sbi_pmu_num_counters().value) - 1) & ~(BIT(0) | BIT(1) | BIT(2));
	r = sbi_pmu_counter_config_matching(0, mask, SBI_PMU_CFG_CLEAR_VALUE, SBI_PMU_HW_INSTRUCTIONS, 0);
	if (!report(r.error == SBI_SUCCESS, "counter_config_matching finds an hpmcounter for instructions (%s, %ld)",
		    sbi_error_name(r.error), r.value))
		goto out;
	ctx.idx = r.value;
	width = SBI_PMU_INFO_WIDTH(sbi_pmu_counter_get_info(ctx.idx).value);
	install_irq_handler(IRQ_PMU_OVF, on_lcofi);
	csr_set(CSR_SIE, BIT(IRQ_PMU_OVF));
	local_irq_enable();
	/*
	 * OF must be clear once the counter runs, or the bit read after the loop
	 * proves nothing (OpenSBI parks idle counters with OF set, so that they
	 * raise no LCOFI). It is read after a start far from overflow: QEMU
	 * counts "instructions" on hpmcounters from a host clock, and 5000 below
	 * overflow can wrap before the next instruction on a loaded host.
	 */
	r = sbi_pmu_counter_start(ctx.idx, 1, SBI_PMU_START_SET_INIT_VALUE, 0);
	__asm__ volatile("csrr %0, 0xda0" : "=r"(ovf0));   /* scountovf */
	if (r.error == SBI_SUCCESS)
		sbi_pmu_counter_stop(ctx.idx, 1, 0);
	r = sbi_pmu_counter_start(ctx.idx, 1, SBI_PMU_START_SET_INIT_VALUE,
				  (width >= 64 ? ~0UL : BIT(width) - 1) - 5000);
	busy_loop();
	/*
	 * QEMU may signal the overflow from a host timer: wait the generous
	 * EVENT_WAIT_MS (asm/timer.h). Where the deviation below is declared
	 * the event is known never to come: 2 s then, so the lane does not pay
	 * 10 s for an XFAIL (a late event there would only turn XFAIL to XPASS).
	 */
	end = read_time() + us_to_ticks((opensbi16() ? 2000ULL : EVENT_WAIT_MS) * 1000ULL);
	while (!ctx.runs && read_time() < end)
		cpu_relax();
	local_irq_disable();
	__asm__ volatile("csrr %0, 0xda0" : "=r"(ovf));   /* scountovf: the OF bits (Sscofpmf) */
	csr_clear(CSR_SIE, BIT(IRQ_PMU_OVF));
	install_irq_handler(IRQ_PMU_OVF, NULL);
	if (!ctx.runs)
		sbi_pmu_counter_stop(ctx.idx, 1, SBI_PMU_STOP_RESET);
	report(!(ovf0 & BIT(ctx.idx)) && (ctx.runs || (ovf & BIT(ctx.idx))),
	       "the counter overflowed: its scountovf bit %lu clear once started at 0 (%#lx), set after the loop "
	       "(%#lx) or the handler ran [priv spec Sscofpmf: OF set on overflow]", ctx.idx, ovf0, ovf);
	/* Seen on QEMU 10.0 + OpenSBI 1.6: OF set, no event and no LCOFI; which layer drops it is not known. */
	report_xfail(opensbi16(), r.error == SBI_SUCCESS && ctx.runs == 1,
		     "counter %lu (%lu bits) started 5000 below overflow: the SSE handler runs once (%s, %d) "
		     "[SBI v3.0 SSE, local PMU event]", ctx.idx, width, sbi_error_name(r.error), ctx.runs);
	if (ctx.runs) {
		report(ctx.h.entry_a6 == cpu_hartid(0), "on this hart (a6 = %#lx)", ctx.h.entry_a6);
		report((ctx.status & 3) == ST_RUNNING, "the event is RUNNING in its handler (STATUS %#lx)", ctx.status);
		report(ctx.stop_err == SBI_SUCCESS, "counter_stop from the handler: SUCCESS (%s)",
		       sbi_error_name(ctx.stop_err));
	}
	report(lcofi == 0, "no LCOFI reached S-mode (%d): with the event registered the firmware owns LCOFI", lcofi);
out:
	sse(SBI_SSE_DISABLE, EV, 0, 0, 0);
	sse(SBI_SSE_UNREGISTER, EV, 0, 0, 0);
	sse(SBI_SSE_HART_MASK, 0, 0, 0, 0);
	report_prefix_pop();
	return report_summary();
}
