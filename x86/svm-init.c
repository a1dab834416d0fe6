/*
 * svm init: the INIT intercept (AMD APM vol. 2 15.13.4 INIT Intercept,
 * appendix C exit code 0x63; intercept vector 3 bit 3 at VMCB offset 0x00C).
 * CPU 1 is the L1 hypervisor, its L2 spins; CPU 0 sends INIT to CPU 1
 * through the local APIC: #VMEXIT INIT. CPU 0 reads the exit code from
 * CPU 1's VMCB in memory, so the check does not depend on what CPU 1 does
 * with the INIT afterwards (with GIF=0 after #VMEXIT and STGI right after,
 * it may take the INIT and reset: printed, not checked).
 * APM vol. 2 15.17 Global Interrupt Flag, STGI and CLGI: with GIF=0 an INIT
 * is held pending. CPU 2 executes CLGI, CPU 0 sends it INIT, CPU 2 must run
 * on; after its STGI it takes the INIT (printed).
 * Last part of the run (CPUs 1 and 2 may be reset), only when named, smp = 3.
 */
#include "svm-tests.h"
#include <asm/apic.h>
#include <asm/processor.h>
#include <asm/smp.h>

#define SVM_INTERCEPT_INIT (1U << 3)
#define SVM_EXIT_INIT 0x63
#define NO_EXIT 0xdeadULL
/*
 * Waits for another CPU's progress are TSC-bounded and generous (ten times
 * APIC_WAIT_TSC): under QEMU TCG each vCPU is a host thread, and on a loaded
 * host one may not run for a long while. A passing wait ends at once.
 */
#define WAIT_TSC (10 * APIC_WAIT_TSC)

static struct {
	struct svm_vcpu v;
	volatile int l2_ran, back, failed;
	volatile uint64_t code;
} ap;

/* CPU 2: GIF=0, then STGI; held and after_stgi say how far it got. */
static struct {
	volatile int gif0, go, held, after_stgi;
	volatile unsigned beat;     /* CPU 2's loop count while it waits with GIF=0 */
} gif;

/* Until *flag is set or WAIT_TSC ticks pass. */
static bool wait_flag(volatile int *flag)
{
	uint64_t start = rdtsc();

	while (!*flag && rdtsc() - start < WAIT_TSC)
		cpu_relax();
	return *flag;
}

static void cpu_gif0(void *arg)
{
	(void)arg;
	if (svm_enable())
		return;
	svm_clgi();
	gif.gif0 = 1;
	while (!gif.go)
		cpu_relax();
	for (unsigned i = 0; i < 200000; i++) {
		gif.beat++;
		cpu_relax();
	}
	gif.held = 1;
	svm_stgi();
	for (unsigned i = 0; i < 1000; i++)
		cpu_relax();
	gif.after_stgi = 1;
}

static void init_with_gif0(void)
{
	uint64_t seen, stall;
	unsigned beat;

	if (nr_cpus() < 3) {
		report_skip("INIT with GIF=0: needs a third CPU (smp = 3), have %d", nr_cpus());
		return;
	}
	on_cpu_async(2, cpu_gif0, NULL);
	if (!wait_flag(&gif.gif0)) {
		report_fail("CPU 2 did not reach GIF=0");
		return;
	}
	apic_icr_write(APIC_ICR_INIT | APIC_ICR_LEVEL_ASSERT, cpus[2].apic_id);
	gif.go = 1;
	/*
	 * Until CPU 2 is done, or its loop count stands still long enough to say
	 * the INIT reset it. Where the table says the INIT does (svm-init-gif0),
	 * every run ends that way: a short window, APIC_STALL_TSC. Elsewhere a
	 * reset is the failure, and a loaded host may leave CPU 2's thread unrun
	 * for a while (the kvm lane, 3 vCPUs on 2: no beat for 10^9 ticks, then
	 * CPU 2 ran on and held was set): WAIT_TSC, spent only on a failure.
	 */
	stall = deviation_applies("svm-init-gif0") ? APIC_STALL_TSC : WAIT_TSC;
	beat = gif.beat;
	seen = rdtsc();
	while (!gif.held && rdtsc() - seen < stall) {
		if (gif.beat != beat) {
			beat = gif.beat;
			seen = rdtsc();
		}
		cpu_relax();
	}
	report_deviation("svm-init-gif0", gif.held,
			 "INIT to a CPU with GIF=0: held pending, the CPU runs on [APM vol. 2 15.17 Global Interrupt Flag, STGI and CLGI]");
	for (unsigned i = 0; i < 2000000 && !gif.after_stgi; i++)
		cpu_relax();
	report_info("CPU 2 after its STGI: %s", gif.after_stgi ? "runs on (the INIT was lost)" : "stopped (reset by the INIT)");
}

static void l2_flag_spin(void *arg)
{
	(void)arg;
	ap.l2_ran = 1;
	for (;;)
		cpu_relax();
}

static void ap_l1(void *arg)
{
	const char *why;

	(void)arg;
	why = svm_enable();
	if (why) {
		ap.failed = 1;
		return;
	}
	svm_vcpu_init(&ap.v, l2_flag_spin, NULL);
	ap.v.vmcb->control.intercept_misc1 |= SVM_INTERCEPT_INIT;
	ap.v.vmcb->control.exit_code = NO_EXIT;
	ap.code = svm_vmrun(&ap.v);
	ap.back = 1;
}

void test_init(void)
{
	volatile struct vmcb *vmcb;
	uint64_t start;
	unsigned i;

	report_prefix_push("init");
	if (nr_cpus() < 2) {
		report_skip("INIT intercept: needs a second CPU (smp = 2), have %d", nr_cpus());
		report_prefix_pop();
		return;
	}
	if (!apic_x2apic_mode())
		apic_enable();
	on_cpu_async(1, ap_l1, NULL);
	start = rdtsc();
	while (!ap.l2_ran && !ap.failed && rdtsc() - start < WAIT_TSC)
		cpu_relax();
	if (!ap.l2_ran) {
		report_fail("CPU 1 did not start L2 (SVM enable failed: %d)", ap.failed);
		report_prefix_pop();
		return;
	}
	vmcb = ap.v.vmcb;
	apic_icr_write(APIC_ICR_INIT | APIC_ICR_LEVEL_ASSERT, cpus[1].apic_id);
	start = rdtsc();
	while (vmcb->control.exit_code == NO_EXIT && rdtsc() - start < WAIT_TSC)
		cpu_relax();
	report(vmcb->control.exit_code == SVM_EXIT_INIT,
	       "INIT to a CPU running L2 with the INIT intercept: #VMEXIT INIT (0x63) [exit code %#lx] [APM vol. 2 15.13.4 INIT Intercept, table C-1]",
	       (unsigned long)vmcb->control.exit_code);
	for (i = 0; i < 2000000 && !ap.back; i++)
		cpu_relax();
	report_info("CPU 1 after the #VMEXIT and its STGI: %s", ap.back ? "back in L1" : "did not come back (the INIT reset it)");
	init_with_gif0();
	report_prefix_pop();
}
