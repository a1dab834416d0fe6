/*
 * tsc: the time-stamp counter, from the SDM vol. 3B section "Time-Stamp
 * Counter" (and "Time-Stamp Counter Adjustment"), vol. 2B RDTSC/RDTSCP/RDPID,
 * and CPUID leaves 15H/16H (vol. 2A CPUID).
 *
 *   monotonic  successive RDTSCs never go back
 *   cpus       a TSC read on CPU 1 after it saw CPU 0's reading is not below
 *              it (causality; every VMM here keeps the TSCs in step)
 *   adjust     IA32_TSC_ADJUST: WRMSR to it moves the TSC by the difference,
 *              WRMSR to IA32_TSC moves TSC_ADJUST by the difference
 *   rdtscp     RDTSCP returns IA32_TSC_AUX[31:0] in ECX, RDPID returns it
 *   tsd        CR4.TSD=1: RDTSC/RDTSCP at CPL3 #GP(0); allowed with TSD=0
 *   rate       the TSC rate, measured against the 8254 PIT's channel 2 (a
 *              clock of the same VM, not host time), agrees within 10% with
 *              CPUID 15H (or 16H) where those leaves give one
 * Arguments select parts (default: all).
 */
#include "hvut.h"
#include <asm/cpufeature.h>
#include <asm/desc.h>
#include <asm/msr.h>
#include <asm/processor.h>

static void test_monotonic(void)
{
	uint64_t prev = rdtsc(), now;
	unsigned backwards = 0;

	for (int i = 0; i < 100000; i++) {
		now = rdtsc();
		if (now < prev)
			backwards++;
		prev = now;
	}
	report(!backwards, "monotonic: 100000 successive RDTSCs never went back (%u did) [SDM vol. 3B Time-Stamp Counter]",
	       backwards);
}

/* --- cpus: a ping-pong of TSC readings between CPU 0 and CPU 1 ----------- */

static volatile uint64_t handed_tsc;
static volatile unsigned handed_seq, acked_seq;
static volatile unsigned causality_breaks;
#define HANDOFFS 2000

static void tsc_reader(void *arg)
{
	(void)arg;
	for (unsigned seq = 1; seq <= HANDOFFS; seq++) {
		uint64_t seen, mine;

		while (handed_seq != seq)
			cpu_relax();
		seen = handed_tsc;
		mine = rdtsc();
		if (mine < seen)
			causality_breaks++;
		acked_seq = seq;
	}
}

static void test_cpus(void)
{
	if (nr_cpus() < 2) {
		report_skip("cpus: needs 2 CPUs (smp = 2)");
		return;
	}
	causality_breaks = 0;
	handed_seq = acked_seq = 0;
	on_cpu_async(1, tsc_reader, NULL);
	for (unsigned seq = 1; seq <= HANDOFFS; seq++) {
		handed_tsc = rdtsc();
		__atomic_store_n(&handed_seq, seq, __ATOMIC_RELEASE);
		while (acked_seq != seq)
			cpu_relax();
	}
	on_cpu_wait(1);
	report(!causality_breaks, "cpus: CPU 1's TSC never below a CPU 0 reading it had seen (%u of %u handoffs were)",
	       causality_breaks, HANDOFFS);
}

/* --- adjust --------------------------------------------------------------- */

static void test_adjust(void)
{
	const uint64_t delta = 1ULL << 40, slack = 1ULL << 36;
	uint64_t adj0, adj1, t0, t1;

	if (!this_cpu_has(X86_FEATURE_TSC_ADJUST)) {
		report_skip("adjust: IA32_TSC_ADJUST: CPUID.(7,0):EBX[1]=0");
		return;
	}
	report_prefix_push("adjust");
	adj0 = rdmsr(MSR_IA32_TSC_ADJUST);
	t0 = rdtsc();
	wrmsr(MSR_IA32_TSC_ADJUST, adj0 + delta);
	t1 = rdtsc();
	report(t1 - t0 >= delta && t1 - t0 < delta + slack,
	       "WRMSR TSC_ADJUST += 2^40 moves the TSC by 2^40 (moved %#llx) [SDM vol. 3B Time-Stamp Counter Adjustment]",
	       (unsigned long long)(t1 - t0));
	wrmsr(MSR_IA32_TSC_ADJUST, adj0);

	t0 = rdtsc();
	wrmsr(MSR_IA32_TSC, t0 + delta);
	adj1 = rdmsr(MSR_IA32_TSC_ADJUST);
	report_deviation("msr-tsc-write-ignored", adj1 - adj0 >= delta - slack && adj1 - adj0 <= delta + slack,
			 "WRMSR TSC += 2^40 moves TSC_ADJUST by about 2^40 (moved %#llx)",
			 (unsigned long long)(adj1 - adj0));
	/* Put both back: TSC_ADJUST to where it was moves the TSC back too. */
	wrmsr(MSR_IA32_TSC_ADJUST, adj0);
	report_prefix_pop();
}

/* --- rdtscp / rdpid --------------------------------------------------------- */

static void test_rdtscp(void)
{
	uint32_t lo, hi, aux;
	uint64_t pid;

	report_prefix_push("rdtscp");
	wrmsr(MSR_TSC_AUX, 0x5a5a1234);
	if (this_cpu_has(X86_FEATURE_RDTSCP)) {
		__asm__ volatile("rdtscp" : "=a"(lo), "=d"(hi), "=c"(aux));
		report(aux == 0x5a5a1234, "RDTSCP: ECX = IA32_TSC_AUX (got %#x) [SDM vol. 2B RDTSCP]", aux);
	} else {
		report_skip("RDTSCP: CPUID.80000001H:EDX[27]=0");
	}
	if (this_cpu_has(X86_FEATURE_RDPID)) {
		__asm__ volatile("rdpid %0" : "=r"(pid));
		report(pid == 0x5a5a1234, "RDPID reads IA32_TSC_AUX (got %#llx) [SDM vol. 2B RDPID]",
		       (unsigned long long)pid);
	} else {
		report_skip("RDPID: CPUID.(7,0):ECX[22]=0");
	}
	report_prefix_pop();
}

/* --- tsd ------------------------------------------------------------------- */

static void user_rdtsc(void *arg) { (void)arg; (void)rdtsc(); }
static void user_rdtscp(void *arg)
{
	uint32_t lo, hi, aux;

	(void)arg;
	__asm__ volatile("rdtscp" : "=a"(lo), "=d"(hi), "=c"(aux));
}

static void test_tsd(void)
{
	unsigned long cr4 = read_cr4();
	struct fault f;
	int v;

	report_prefix_push("tsd");
	write_cr4(cr4 & ~X86_CR4_TSD);
	v = run_in_user(user_rdtsc, NULL, &f);
	report(v == NO_EXCEPTION, "CR4.TSD=0: RDTSC at CPL3 runs (got %s) [SDM vol. 2B RDTSC]", exception_name(v));
	write_cr4(cr4 | X86_CR4_TSD);
	v = run_in_user(user_rdtsc, NULL, &f);
	report(v == GP_VECTOR && f.error_code == 0, "CR4.TSD=1: RDTSC at CPL3 #GP(0) (got %s(%#lx))",
	       exception_name(v), f.error_code);
	if (this_cpu_has(X86_FEATURE_RDTSCP)) {
		v = run_in_user(user_rdtscp, NULL, &f);
		report(v == GP_VECTOR && f.error_code == 0, "CR4.TSD=1: RDTSCP at CPL3 #GP(0) (got %s(%#lx)) [SDM vol. 2B RDTSCP]",
		       exception_name(v), f.error_code);
	}
	write_cr4(cr4);
	report_prefix_pop();
}

/* --- rate: TSC ticks during a known number of PIT ticks ----------------------- */

#define PIT_HZ 1193182ULL
#define PIT_TICKS 59659u   /* ~50 ms */

/* TSC ticks while PIT channel 2 counts PIT_TICKS down in mode 0, or 0 if OUT2 never rose. */
static uint64_t tsc_per_pit_window(void)
{
	uint8_t gate = inb(0x61);
	uint64_t t0, t1;
	unsigned long polls = 0;

	outb(0x61, (gate & ~0x02) | 0x01);   /* speaker off, channel 2 gate on */
	outb(0x43, 0xb0);                     /* channel 2, lobyte/hibyte, mode 0, binary */
	outb(0x42, PIT_TICKS & 0xff);
	t0 = rdtsc();
	outb(0x42, PIT_TICKS >> 8);           /* counting starts with the high byte */
	/*
	 * Bounded by polls, not time (the TSC rate is what we measure): 50 ms
	 * takes ~10^5 port reads on the VMMs here; 2*10^7 is a hang.
	 */
	while (!(inb(0x61) & 0x20))
		if (++polls > 20000000)
			return 0;
	t1 = rdtsc();
	outb(0x61, gate);
	return t1 - t0;
}

static void test_rate(void)
{
	struct cpuid l15 = cpuid_max_leaf() >= 0x15 ? cpuid(0x15) : (struct cpuid){ 0, 0, 0, 0 };
	struct cpuid l16 = cpuid_max_leaf() >= 0x16 ? cpuid(0x16) : (struct cpuid){ 0, 0, 0, 0 };
	uint64_t ticks = tsc_per_pit_window(), measured_khz, nominal_khz = 0;
	const char *source = NULL;

	report_prefix_push("rate");
	if (!report(ticks != 0, "PIT channel 2 OUT rose within the bound (8254 mode 0)")) {
		report_prefix_pop();
		return;
	}
	measured_khz = ticks * PIT_HZ / PIT_TICKS / 1000;
	report_info("measured TSC rate %llu kHz (against the PIT)", (unsigned long long)measured_khz);
	if (l15.a && l15.b && l15.c) {
		nominal_khz = (uint64_t)l15.c * l15.b / l15.a / 1000;
		source = "CPUID 15H (ECX * EBX / EAX)";
	} else if (l16.a) {
		nominal_khz = (uint64_t)l16.a * 1000;
		source = "CPUID 16H EAX (base frequency, MHz)";
	}
	if (!source) {
		report_skip("nominal TSC rate: CPUID 15H/16H give none");
	} else {
		report_deviation("cpuid-15h-rate", measured_khz * 10 >= nominal_khz * 9 && measured_khz * 10 <= nominal_khz * 11,
				 "measured rate %llu kHz within 10%% of %s: %llu kHz [SDM vol. 2A CPUID leaf 15H]",
				 (unsigned long long)measured_khz, source, (unsigned long long)nominal_khz);
	}
	report_prefix_pop();
}

int main(int argc, char **argv, char **envp)
{
	static const struct test_part parts[] = {
		{ "monotonic", test_monotonic }, { "cpus", test_cpus }, { "adjust", test_adjust },
		{ "rdtscp", test_rdtscp }, { "tsd", test_tsd }, { "rate", test_rate },
	};

	(void)envp;
	report_prefix_push("tsc");
	report_info("running on %s", vmm_description());
	run_parts(argc, argv, parts, ARRAY_SIZE(parts));
	report_prefix_pop();
	return report_summary();
}
