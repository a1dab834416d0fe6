/*
 * migration-hsm: SBI HSM states of secondary harts survive a live migration
 * (docs/protocol.md "Migration", lib/migrate.h). Before the move, hart 1 is
 * STOPPED (hart_stop), hart 2 SUSPENDED (retentive hart_suspend) and hart 3
 * STARTED running a loop that increments a counter. After the move,
 * hart_get_status of each hart must say the same (SBI specification, "Hart
 * State Management Extension": hart states; the status is the firmware's,
 * carried by the VMM as part of guest RAM and vCPU state), the running hart
 * must still run (its counter advances), the stopped hart must start with
 * hart_start and run, and an IPI must resume the suspended hart with
 * hart_suspend returning SUCCESS (HSM "Retentive suspend": resumes after the
 * call once an enabled interrupt is pending).
 * Argument "corrupt": expect hart 1 to be STARTED after the move (to see the
 * check fail).
 */
#include "hvut.h"
#include "migrate.h"
#include <asm/csr.h>
#include <asm/sbi.h>
#include <asm/smp.h>
#include <asm/timer.h>

enum { STOPPED_CPU = 1, SUSPENDED_CPU = 2, RUNNING_CPU = 3, HARTS = 4 };

static volatile int stop_called, suspend_called, suspend_returned, stop_loop;
static volatile unsigned long counter;
static volatile struct sbiret stop_result, suspend_result;

static const char *state_name(long s)
{
	static const char *const names[] = {
		"STARTED", "STOPPED", "START_PENDING", "STOP_PENDING",
		"SUSPENDED", "SUSPEND_PENDING", "RESUME_PENDING",
	};

	return s >= 0 && s <= SBI_HSM_RESUME_PENDING ? names[s] : "?";
}

/* Returns the HSM state of cpu's hart, or -1 (after printing) when the call failed. */
static long hart_state(int cpu)
{
	struct sbiret r = sbi_hart_get_status(cpu_hartid(cpu));

	if (r.error != SBI_SUCCESS) {
		printf("hart_get_status(%lu): %s\n", cpu_hartid(cpu), sbi_error_name(r.error));
		return -1;
	}
	return r.value;
}

/* Polls until cpu's hart is in `state` or EVENT_WAIT_MS of timebase pass (pending states are transient). */
static bool wait_state(int cpu, long state)
{
	uint64_t end = read_time() + us_to_ticks(EVENT_WAIT_MS * 1000ULL);

	do {
		if (hart_state(cpu) == state)
			return true;
	} while (read_time() < end);
	return false;
}

static bool wait_until(volatile int *flag)
{
	uint64_t end = read_time() + us_to_ticks(EVENT_WAIT_MS * 1000ULL);

	while (!*flag && read_time() < end)
		cpu_relax();
	return *flag;
}

static void do_stop(void *arg)
{
	(void)arg;
	stop_called = 1;
	stop_result = sbi_hart_stop();   /* returns only when hart_stop failed */
}

static void do_suspend(void *arg)
{
	(void)arg;
	/* The waking IPI must be enabled in sie; sstatus.SIE = 0 so it is not taken as a trap. */
	csr_write(CSR_SIE, BIT(IRQ_S_SOFT));
	local_irq_disable();
	suspend_called = 1;
	suspend_result = sbi_hart_suspend(SBI_HSM_SUSPEND_RETENTIVE, (uintptr_t)riscv_secondary_entry,
					  (uintptr_t)this_cpu());
	csr_clear(CSR_SIP, BIT(IRQ_S_SOFT));
	suspend_returned = 1;
}

static void count(void *arg)
{
	(void)arg;
	while (!stop_loop)
		counter++;
}

static void mark(void *arg) { *(volatile int *)arg = 1; }

int main(int argc, char **argv, char **envp)
{
	bool corrupt = argc > 1 && !strcmp(argv[1], "corrupt"), suspended, counting = true;
	long want[HARTS] = { SBI_HSM_STARTED, SBI_HSM_STOPPED, SBI_HSM_SUSPENDED, SBI_HSM_STARTED };
	long before[HARTS], after[HARTS];
	unsigned long c0, c1, c2;
	uint64_t end;
	int ran = 0;
	struct sbiret r;

	(void)envp;
	report_prefix_push("migration-hsm");
	if (!sbi_has(SBI_EXT_HSM)) {
		report_skip("SBI HSM extension absent (probe_extension)");
		goto out;
	}
	if (nr_cpus() < HARTS) {
		report_skip("needs %d harts, has %d (smp = 4 in unittests.cfg)", HARTS, nr_cpus());
		goto out;
	}

	on_cpu_async(STOPPED_CPU, do_stop, NULL);
	report(wait_until(&stop_called) && wait_state(STOPPED_CPU, SBI_HSM_STOPPED),
	       "before: hart_stop brings hart %lu to STOPPED", cpu_hartid(STOPPED_CPU));
	on_cpu_async(SUSPENDED_CPU, do_suspend, NULL);
	wait_until(&suspend_called);
	suspended = wait_state(SUSPENDED_CPU, SBI_HSM_SUSPENDED);
	if (suspend_returned && suspend_result.error == SBI_ERR_NOT_SUPPORTED) {
		report_info("retentive hart_suspend: NOT_SUPPORTED; hart %lu stays STARTED (idle)",
			    cpu_hartid(SUSPENDED_CPU));
		on_cpu_wait(SUSPENDED_CPU);
		want[SUSPENDED_CPU] = SBI_HSM_STARTED;
	} else {
		report(suspended, "before: retentive hart_suspend brings hart %lu to SUSPENDED",
		       cpu_hartid(SUSPENDED_CPU));
	}
	on_cpu_async(RUNNING_CPU, count, NULL);
	while (!counter)
		cpu_relax();

	for (int c = 0; c < HARTS; c++)
		before[c] = hart_state(c);
	for (int c = 0; c < HARTS; c++)
		report(before[c] == want[c], "before: hart %lu is %s", cpu_hartid(c), state_name(before[c]));
	c0 = counter;
	if (!migrate_once())
		goto unwind;
	c1 = counter;
	for (int c = 0; c < HARTS; c++)
		after[c] = hart_state(c);
	if (corrupt)
		want[STOPPED_CPU] = SBI_HSM_STARTED;
	/*
	 * The HSM state of a hart under KVM is KVM's (the vCPU's mp_state): the
	 * VMM must carry it across the move (row hsm-state-not-migrated, which
	 * leaves every hart but the boot hart STOPPED: not a deviation for the
	 * one that was STOPPED).
	 */
	for (int c = 0; c < HARTS; c++)
		report_deviation(c && want[c] != SBI_HSM_STOPPED ? "hsm-state-not-migrated" : NULL, after[c] == want[c],
				 "after: hart %lu is %s (want %s) [SBI v2.0 HSM: hart states]", cpu_hartid(c),
				 state_name(after[c]), state_name(want[c]));
	/* The counter hart must also run on the destination: its counter moves within EVENT_WAIT_MS. */
	end = read_time() + us_to_ticks(EVENT_WAIT_MS * 1000ULL);
	while (counter == c1 && read_time() < end)
		cpu_relax();
	c2 = counter;
	counting = c2 != c1;
	report_deviation("hsm-state-not-migrated", counting,
			 "after: the STARTED hart %lu keeps running (counter %#lx before, %#lx at, %#lx after)",
			 cpu_hartid(RUNNING_CPU), c0, c1, c2);

	r = cpu_start(STOPPED_CPU);
	report_deviation("hsm-state-not-migrated", r.error == SBI_SUCCESS && wait_state(STOPPED_CPU, SBI_HSM_STARTED),
			 "after: hart_start of the STOPPED hart: %s, it is STARTED [SBI v2.0 HSM hart_start]",
			 sbi_error_name(r.error));
	on_cpu(STOPPED_CPU, mark, &ran);
	report(ran, "after: the restarted hart runs on_cpu work");

unwind:
	if (want[SUSPENDED_CPU] == SBI_HSM_SUSPENDED) {
		sbi_send_ipi(1UL, cpu_hartid(SUSPENDED_CPU));
		report_deviation("hsm-state-not-migrated",
				 wait_until(&suspend_returned) && suspend_result.error == SBI_SUCCESS,
				 "an IPI resumes the SUSPENDED hart: hart_suspend returns %s [SBI v2.0 HSM hart_suspend]",
				 suspend_returned ? sbi_error_name(suspend_result.error) : "nothing");
		/* A hart the move left STOPPED never ends its on_cpu work: no wait for it. */
		if (suspend_returned)
			on_cpu_wait(SUSPENDED_CPU);
	}
	stop_loop = 1;
	if (counting)
		on_cpu_wait(RUNNING_CPU);
out:
	report_prefix_pop();
	return report_summary();
}
