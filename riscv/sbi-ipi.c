/*
 * IPI (send_ipi): to one hart, to a mask, to all harts (base -1), and an
 * invalid hart list. Each receiver counts its supervisor software interrupts;
 * smp.c guarantees no IPI of on_cpu() is still in flight when a receiver runs.
 */
#include "sbi-tests.h"
#include <asm/csr.h>
#include <asm/irq.h>
#include <asm/smp.h>
#include <asm/timer.h>

static volatile int got[MAX_CPUS], ready[MAX_CPUS];

static void ipi_irq(struct ex_regs *regs)
{
	(void)regs;
	csr_clear(CSR_SIP, BIT(IRQ_S_SOFT));
	got[smp_id()]++;
}

/* Runs on a receiver: take IPIs until one arrives (or EVENT_WAIT_MS pass). */
static void receive(void *arg)
{
	int me = smp_id();

	(void)arg;
	csr_set(CSR_SIE, BIT(IRQ_S_SOFT));
	local_irq_enable();
	ready[me] = 1;
	wait_flag(&got[me], EVENT_WAIT_MS);
	udelay(10000);   /* room for a wrong second one */
	local_irq_disable();
}

static void reset(void)
{
	for (int i = 0; i < MAX_CPUS; i++)
		got[i] = ready[i] = 0;
}

/* Starts receive() on every CPU in `who` (a bitmap of CPU numbers) but this one. */
static void start_receivers(unsigned long who)
{
	for (int c = 0; c < nr_cpus(); c++)
		if (c != smp_id() && (who & BIT(c))) {
			on_cpu_async(c, receive, NULL);
			wait_flag(&ready[c], EVENT_WAIT_MS);
		}
}

static void wait_receivers(unsigned long who)
{
	for (int c = 0; c < nr_cpus(); c++)
		if (c != smp_id() && (who & BIT(c)))
			on_cpu_wait(c);
}

static bool counts_are(unsigned long who)
{
	bool ok = true;

	for (int c = 0; c < nr_cpus(); c++)
		ok &= got[c] == ((who & BIT(c)) ? 1 : 0);
	return ok;
}

void sbi_test_ipi(void)
{
	unsigned long others = 0, hartmask = 0, all = BIT(nr_cpus()) - 1;
	struct sbiret r;

	if (!sbi_ext_begin("ipi", SBI_EXT_IPI))
		return;
	install_irq_handler(IRQ_S_SOFT, ipi_irq);

	/* To ourselves: the interrupt is taken as soon as it is enabled. */
	reset();
	csr_set(CSR_SIE, BIT(IRQ_S_SOFT));
	r = sbi_send_ipi(1, cpu_hartid(0));
	local_irq_enable();
	wait_flag(&got[0], EVENT_WAIT_MS);
	local_irq_disable();
	report(r.error == SBI_SUCCESS && got[0] == 1, "to this hart: %s, %d interrupt(s)",
	       sbi_error_name(r.error), got[0]);

	if (nr_cpus() < 2) {
		report_skip("IPIs to other harts: needs 2 harts (smp = 2 in unittests.cfg)");
	} else {
		reset();
		start_receivers(BIT(1));
		r = sbi_send_ipi(1, cpu_hartid(1));
		wait_receivers(BIT(1));
		report(r.error == SBI_SUCCESS && counts_are(BIT(1)), "to one other hart: %s, %d interrupt(s) there",
		       sbi_error_name(r.error), got[1]);

		for (int c = 1; c < nr_cpus(); c++) {
			others |= BIT(c);
			if (cpu_hartid(c) < 64)
				hartmask |= BIT(cpu_hartid(c));
		}
		reset();
		start_receivers(others);
		r = sbi_send_ipi(hartmask, 0);
		wait_receivers(others);
		report(r.error == SBI_SUCCESS && counts_are(others), "to a mask of the other harts (%#lx): %s",
		       hartmask, sbi_error_name(r.error));
	}

	reset();
	start_receivers(all);
	r = sbi_send_ipi(0, -1UL);
	local_irq_enable();
	wait_flag(&got[0], EVENT_WAIT_MS);
	local_irq_disable();
	wait_receivers(all);
	report(r.error == SBI_SUCCESS && counts_are(all), "to all harts (base -1): %s, every hart once",
	       sbi_error_name(r.error));

	/* OpenSBI 1.6 skips hart IDs it does not know and says SUCCESS; 1.1 follows the spec. */
	r = sbi_send_ipi(1, max_hartid() + 1);
	report_xfail(opensbi_between(0x10006, 0x10006), r.error == SBI_ERR_INVALID_PARAM,
		     "a hart list with a hart ID no hart has: INVALID_PARAM (got %s)", sbi_error_name(r.error));
	/*
	 * SBI spec "IPI Extension" send_ipi: INVALID_PARAM when any hart ID built
	 * from the base and the mask is not valid, also with a valid base. Only
	 * the bad bit is set, so no valid hart is sent anything either way.
	 */
	r = sbi_send_ipi(BIT(max_hartid() + 1 - cpu_hartid(0)), cpu_hartid(0));
	/* OpenSBI 1.1 and 1.6 check the base but skip unknown hart IDs in the mask. */
	report_xfail(opensbi_between(0x10001, 0x10006), r.error == SBI_ERR_INVALID_PARAM,
		     "a valid hart base (%lu) with a mask bit for a hart ID no hart has: INVALID_PARAM (got %s)",
		     cpu_hartid(0), sbi_error_name(r.error));
	csr_clear(CSR_SIE, BIT(IRQ_S_SOFT));
	install_irq_handler(IRQ_S_SOFT, NULL);
	report_prefix_pop();
}
