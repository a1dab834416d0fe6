/*
 * HSM: status of every hart, errors for bad hart IDs and for starting a
 * running hart, stop then start of a secondary hart (checking the registers
 * it starts with), and retentive and non-retentive suspend where supported.
 */
#include "sbi-tests.h"
#include <asm/csr.h>
#include <asm/smp.h>
#include <asm/timer.h>

#define INVALID_SUSPEND_TYPE 1UL   /* 0x1-0x0fffffff are reserved */

static volatile int about_to, returned;
static volatile struct sbiret result;

/* Polls hart_get_status until it says `state` or ms milliseconds pass. */
static bool wait_status(unsigned long hartid, long state, unsigned ms)
{
	uint64_t end = read_time() + us_to_ticks(ms * 1000ULL);

	do {
		struct sbiret r = sbi_hart_get_status(hartid);

		if (r.error == SBI_SUCCESS && r.value == state)
			return true;
	} while (read_time() < end);
	return false;
}

static void do_stop(void *arg)
{
	(void)arg;
	about_to = 1;
	result = sbi_hart_stop();
	returned = 1;   /* only when hart_stop failed */
}

static void do_suspend(void *arg)
{
	unsigned long type = (unsigned long)arg;
	struct percpu *c = this_cpu();

	/* The waking IPI must be enabled in sie; SIE = 0 so it is not taken as a trap. */
	csr_write(CSR_SIE, BIT(IRQ_S_SOFT));
	local_irq_disable();
	about_to = 1;
	result = sbi_hart_suspend(type, (uintptr_t)riscv_secondary_entry, (uintptr_t)c);
	csr_clear(CSR_SIP, BIT(IRQ_S_SOFT));
	returned = 1;
}

static bool entry_state_ok(int cpu, const char *how)
{
	struct percpu *c = &cpus[cpu];

	return report(c->entry_a0 == c->hartid && c->entry_a1 == (uintptr_t)c && !c->entry_satp &&
		      !(c->entry_sstatus & SSTATUS_SIE),
		      "%s: a0 = hart ID (%#lx), a1 = opaque, satp = 0 (%#lx), sstatus.SIE = 0 (%#lx)",
		      how, c->entry_a0, c->entry_satp, c->entry_sstatus);
}

static void nothing(void *arg) { *(volatile int *)arg = 1; }

static void stop_start(void)
{
	int cpu = 1, ran = 0;
	unsigned long hartid = cpu_hartid(cpu);
	unsigned before = cpus[cpu].entries;
	struct sbiret r;

	about_to = returned = 0;
	on_cpu_async(cpu, do_stop, NULL);
	report(wait_status(hartid, SBI_HSM_STOPPED, EVENT_WAIT_MS) && !returned,
	       "hart_stop: hart %lu reaches STOPPED", hartid);
	report_sbi_error(sbi_hart_start(cpu_hartid(0), (uintptr_t)riscv_secondary_entry, 0),
			 SBI_ERR_ALREADY_AVAILABLE, "hart_start of this (running) hart");
	/*
	 * SBI spec "HSM Extension" hart_start: INVALID_ADDRESS when start_addr
	 * is not a valid physical address or S-mode may not execute there; the
	 * firmware's own memory at the start of RAM is PMP-protected from S-mode.
	 */
	if (opensbi()) {
		report_sbi_error(sbi_hart_start(hartid, 0x80000000UL, 0), SBI_ERR_INVALID_ADDRESS,
				 "hart_start at the firmware's own memory (0x80000000)");
		report(wait_status(hartid, SBI_HSM_STOPPED, EVENT_WAIT_MS) && cpus[cpu].entries == before,
		       "the hart stays STOPPED and ran nothing");
	} else {
		/* Elsewhere (KVM: no firmware in the guest) 0x80000000 is our own RAM. */
		report_info("hart_start at a PMP-protected address: not attempted (only OpenSBI's own memory is known)");
	}
	r = cpu_start(cpu);
	report(r.error == SBI_SUCCESS && cpus[cpu].entries == before + 1,
	       "hart_start of the stopped hart: %s, it ran the entry point", sbi_error_name(r.error));
	report_deviation("sbi-hsm-idle-suspended", wait_status(hartid, SBI_HSM_STARTED, EVENT_WAIT_MS),
			 "its status is STARTED again");
	entry_state_ok(cpu, "hart_start");
	on_cpu(cpu, nothing, &ran);
	report(ran, "on_cpu works on the restarted hart");
}

static void suspend(unsigned long type, const char *name)
{
	int cpu = 1;
	unsigned long hartid = cpu_hartid(cpu);
	unsigned before = cpus[cpu].entries;
	bool suspended;

	report_prefix_push(name);
	about_to = returned = 0;
	on_cpu_async(cpu, do_suspend, (void *)type);
	wait_flag(&about_to, EVENT_WAIT_MS);
	suspended = wait_status(hartid, SBI_HSM_SUSPENDED, EVENT_WAIT_MS);
	if (returned && result.error == SBI_ERR_NOT_SUPPORTED) {
		report_skip("hart_suspend(%#lx): NOT_SUPPORTED by this firmware", type);
		on_cpu_wait(cpu);
		report_prefix_pop();
		return;
	}
	report(suspended, "hart %lu reaches SUSPENDED", hartid);
	sbi_send_ipi(1, hartid);
	if (type == SBI_HSM_SUSPEND_RETENTIVE) {
		wait_flag(&returned, EVENT_WAIT_MS);
		report(returned && result.error == SBI_SUCCESS, "an IPI resumes it: hart_suspend returns %s",
		       returned ? sbi_error_name(result.error) : "nothing");
	} else {
		uint64_t end = read_time() + us_to_ticks(EVENT_WAIT_MS * 1000ULL);

		while (cpus[cpu].entries == before && read_time() < end)
			cpu_relax();
		report(cpus[cpu].entries == before + 1 && !returned,
		       "an IPI resumes it at the resume address, not after the call");
		if (cpus[cpu].entries == before + 1)
			entry_state_ok(cpu, "resume");
	}
	on_cpu_wait(cpu);
	report_deviation("sbi-hsm-idle-suspended", wait_status(hartid, SBI_HSM_STARTED, EVENT_WAIT_MS),
			 "its status is STARTED again");
	report_prefix_pop();
}

void sbi_test_hsm(void)
{
	unsigned long bad = max_hartid() + 1;
	bool all = true;
	char got[96] = "";
	int n = 0;

	if (!sbi_ext_begin("hsm", SBI_EXT_HSM))
		return;
	for (int c = 0; c < nr_cpus(); c++) {
		struct sbiret r = sbi_hart_get_status(cpu_hartid(c));

		all &= r.error == SBI_SUCCESS && r.value == SBI_HSM_STARTED;
		if (n < (int)sizeof(got))
			n += snprintf(got + n, sizeof(got) - n, "%s%ld/%ld", c ? " " : "", r.error, r.value);
	}
	/* SBI spec "HSM Extension": SUSPENDED only through hart_suspend; an idle (wfi) hart is STARTED. */
	report_deviation("sbi-hsm-idle-suspended", all,
			 "hart_get_status of each of the %d harts is STARTED (error/state per hart: %s)", nr_cpus(), got);
	report_sbi_error(sbi_hart_get_status(bad), SBI_ERR_INVALID_PARAM, "hart_get_status of a hart ID no hart has");
	report_sbi_error(sbi_hart_start(bad, (uintptr_t)riscv_secondary_entry, 0), SBI_ERR_INVALID_PARAM,
			 "hart_start of a hart ID no hart has");
	report_sbi_error(sbi_hart_suspend(INVALID_SUSPEND_TYPE, 0, 0), SBI_ERR_INVALID_PARAM,
			 "hart_suspend with a reserved suspend type");
	if (nr_cpus() < 2) {
		report_skip("stop/start and suspend: needs 2 harts (smp = 2 in unittests.cfg)");
		report_prefix_pop();
		return;
	}
	report_sbi_error(sbi_hart_start(cpu_hartid(1), (uintptr_t)riscv_secondary_entry, (uintptr_t)&cpus[1]),
			 SBI_ERR_ALREADY_AVAILABLE, "hart_start of a running hart");
	stop_start();
	suspend(SBI_HSM_SUSPEND_RETENTIVE, "retentive suspend");
	suspend(SBI_HSM_SUSPEND_NON_RETENTIVE, "non-retentive suspend");
	report_prefix_pop();
}
