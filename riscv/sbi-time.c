/*
 * TIME (set_timer; SBI spec v2.0, chapter "Timer Extension"): one interrupt,
 * no earlier than asked (time >= stime_value); a deadline in the past sets
 * sip.STIP, one in the far future clears it ("this function must clear the
 * pending timer interrupt bit as well").
 *
 * How late the interrupt may be is not bounded by the SBI or the privileged
 * spec, and under QEMU TCG the time CSR runs on the host clock while a host
 * thread raises the interrupt: any "late" bound is a wall bound. So the test
 * waits EVENT_WAIT_MS (asm/timer.h: 10 s of time CSR, generous) and asserts
 * only that the interrupt came within that wait; the lateness itself, in
 * ticks of /cpus/timebase-frequency and in microseconds, is INFO.
 * timer-bound-ms=N (or SBI_TIMER_BOUND_MS) asks for a tighter bound on a
 * quiet machine.
 */
#include "sbi-tests.h"
#include <asm/csr.h>
#include <asm/irq.h>
#include <asm/timer.h>

#define DELAY_US 20000

static volatile int fired;
static volatile uint64_t fired_at;

static void timer_irq(struct ex_regs *regs)
{
	(void)regs;
	if (!fired)
		fired_at = read_time();
	fired++;
	/* The spec's way to clear a pending timer interrupt: a deadline in the future. */
	sbi_set_timer(~0ULL);
}

void sbi_test_time(void)
{
	const char *b = sbi_expect("SBI_TIMER_BOUND_MS", "timer-bound-ms");
	unsigned long bound_ms = b ? strtoul(b, NULL, 0) : EVENT_WAIT_MS;
	uint64_t bound = us_to_ticks(bound_ms * 1000ULL);
	uint64_t delay = us_to_ticks(DELAY_US), start, deadline;
	volatile int pending = 0;
	struct sbiret r;

	if (!sbi_ext_begin("time", SBI_EXT_TIME))
		return;
	install_irq_handler(IRQ_S_TIMER, timer_irq);
	fired = 0;
	csr_set(CSR_SIE, BIT(IRQ_S_TIMER));
	start = read_time();
	deadline = start + delay;
	r = sbi_set_timer(deadline);
	local_irq_enable();
	report_sbi_error(r, SBI_SUCCESS, "set_timer 20 ms ahead");
	wait_flag(&fired, bound_ms > EVENT_WAIT_MS ? bound_ms : EVENT_WAIT_MS);
	/* Room for a wrong second interrupt: too short a window can only miss a bug, never fail a good VMM. */
	udelay(3 * DELAY_US);
	local_irq_disable();
	/* Lost now and then under KVM on QEMU 7.2 TCG: the row only where it was (intermittent). */
	report_deviation(fired ? NULL : "vstip-lost-on-hvip-write", fired == 1, "the timer interrupt fired once (%d)",
			 fired);
	/* When and how late: only of an interrupt that came (the line above failed otherwise). */
	if (fired) {
		report(fired_at >= deadline,
		       "not before the deadline: time >= stime_value in the handler (%ld ticks after it) [SBI v2.0 TIME set_timer]",
		       (long)(fired_at - deadline));
		report_info("late by %lu ticks = %lu us (timebase %lu Hz; no spec bound, host-dependent under TCG)",
			    (unsigned long)(fired_at - deadline),
			    (unsigned long)((fired_at - deadline) * 1000000 / timer_freq()), (unsigned long)timer_freq());
		report(fired_at - deadline <= bound, "within %lu ms of time CSR (%lu ticks) after it (%s)", bound_ms,
		       (unsigned long)bound, b ? "timer-bound-ms" : "EVENT_WAIT_MS, generous: no spec bound");
	}

	/* With SIE off nothing is taken: watch sip.STIP directly. */
	sbi_set_timer(read_time());
	for (uint64_t end = read_time() + us_to_ticks(EVENT_WAIT_MS * 1000ULL); !pending && read_time() < end;)
		pending = !!(csr_read(CSR_SIP) & BIT(IRQ_S_TIMER));
	report_deviation(pending ? NULL : "vstip-lost-on-hvip-write", pending, "a deadline in the past sets sip.STIP");
	sbi_set_timer(~0ULL);
	udelay(1000);
	report(!(csr_read(CSR_SIP) & BIT(IRQ_S_TIMER)), "a deadline in the far future clears sip.STIP");
	csr_clear(CSR_SIE, BIT(IRQ_S_TIMER));
	install_irq_handler(IRQ_S_TIMER, NULL);
	report_prefix_pop();
}
