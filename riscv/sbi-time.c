/* TIME (set_timer): one interrupt, no earlier than asked and within a bound; far future clears STIP. */
#include "sbi-tests.h"
#include <asm/csr.h>
#include <asm/irq.h>
#include <asm/timer.h>

#define DELAY_US 20000
/* How late the interrupt may be: TCG on a shared host is slow; override with timer-bound-ms=N. */
#define DEFAULT_BOUND_MS 500

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
	uint64_t bound = us_to_ticks((b ? strtoul(b, NULL, 0) : DEFAULT_BOUND_MS) * 1000ULL);
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
	wait_flag(&fired, 2000);
	udelay(3 * DELAY_US);   /* room for a wrong second interrupt */
	local_irq_disable();
	report(fired == 1, "the timer interrupt fired once (%d)", fired);
	report(fired && fired_at >= deadline, "not before the deadline (%ld ticks after it)",
	       (long)(fired_at - deadline));
	report(fired && fired_at - deadline <= bound, "within the bound of %lu ticks after it",
	       (unsigned long)bound);

	/* With SIE off nothing is taken: watch sip.STIP directly. */
	sbi_set_timer(read_time());
	for (uint64_t end = read_time() + us_to_ticks(1000000); !pending && read_time() < end;)
		pending = !!(csr_read(CSR_SIP) & BIT(IRQ_S_TIMER));
	report(pending, "a deadline in the past sets sip.STIP");
	sbi_set_timer(~0ULL);
	udelay(1000);
	report(!(csr_read(CSR_SIP) & BIT(IRQ_S_TIMER)), "a deadline in the far future clears sip.STIP");
	csr_clear(CSR_SIE, BIT(IRQ_S_TIMER));
	install_irq_handler(IRQ_S_TIMER, NULL);
	report_prefix_pop();
}
