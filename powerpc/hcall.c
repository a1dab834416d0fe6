/*
 * hcall: PAPR hypervisor calls (PAPR+ chapter 14) as the guest sees them:
 * H_SET_SPRG0, H_RANDOM (when the DT offers it), unknown opcodes,
 * H_SET_MODE's endianness resource, H_CEDE woken by the decrementer and H_PROD.
 */
#include "hvut.h"
#include "devicetree.h"
#include <asm/hcall.h>
#include <asm/processor.h>
#include <asm/smp.h>

static void check_sprg0(void)
{
	unsigned long old = mfspr(SPR_SPRG0);
	long rc;

	report_prefix_push("H_SET_SPRG0");
	if (!hcall_available("sprg0")) {
		report_skip("H_SET_SPRG0: no hcall-sprg0 in ibm,hypertas-functions");
		report_prefix_pop();
		return;
	}
	rc = hcall1(H_SET_SPRG0, 0x1234567890abcdefUL);
	report(rc == H_SUCCESS, "returns H_SUCCESS (%ld)", rc);
	report(mfspr(SPR_SPRG0) == 0x1234567890abcdefUL, "SPRG0 holds the value (%#lx)", mfspr(SPR_SPRG0));
	hcall1(H_SET_SPRG0, old);
	report(mfspr(SPR_SPRG0) == old, "and can be put back");
	report_prefix_pop();
}

/*
 * PAPR advertises H_RANDOM with an "ibm,random-v1" node under
 * /ibm,platform-facilities (QEMU's spapr-rng writes one); accept the
 * hypertas string too.
 */
static bool random_available(void)
{
	return hcall_available("random") || fdt_find_compatible(-1, "ibm,random-v1") >= 0 ||
	       fdt_path_offset("/ibm,platform-facilities/ibm,random-v1") >= 0;
}

static void check_random(void)
{
	unsigned long out[6] = { 0 }, a, b;
	long rc1, rc2;

	report_prefix_push("H_RANDOM");
	if (!random_available()) {
		/* The call must then not exist either. */
		rc1 = hcall(H_RANDOM, out, 0, 0, 0, 0, 0, 0);
		report(rc1 == H_FUNCTION, "not advertised and returns H_FUNCTION (%ld)", rc1);
		report_skip("H_RANDOM: no ibm,random-v1 node nor hcall-random (needs -device spapr-rng)");
		report_prefix_pop();
		return;
	}
	rc1 = hcall(H_RANDOM, out, 0, 0, 0, 0, 0, 0);
	a = out[0];
	rc2 = hcall(H_RANDOM, out, 0, 0, 0, 0, 0, 0);
	b = out[0];
	report(rc1 == H_SUCCESS && rc2 == H_SUCCESS, "returns H_SUCCESS (%ld, %ld)", rc1, rc2);
	/* Two equal 64-bit random numbers: one chance in 2^64. */
	report(a != b, "two calls give different numbers (%#lx, %#lx)", a, b);
	report_prefix_pop();
}

static void check_unknown(void)
{
	/* Opcodes PAPR does not define: not a multiple of 4, past the table, below QEMU's private range. */
	static const unsigned long ops[] = { 0x1, 0x3fe, 0x7ffc, 0xeffc };

	report_prefix_push("unknown opcode");
	for (size_t i = 0; i < ARRAY_SIZE(ops); i++) {
		long rc = hcall0(ops[i]);

		report(rc == H_FUNCTION, "hcall %#lx returns H_FUNCTION (%ld)", ops[i], rc);
	}
	report_prefix_pop();
}

/*
 * QEMU's decrementer and timebase both follow the host clock, and the
 * decrementer interrupt is raised by a host timer that a loaded host may run
 * late: bounds below are in timebase ticks and generous, never "the interrupt
 * came within N us". The architecture (Power ISA v3.1B Book III 9.4,
 * "Decrementer") only promises that DEC counts down at the timebase
 * frequency and that the interrupt comes once it has passed zero.
 */
#define DEC_WAIT_TICKS	(30 * tb_hz)	/* longer than any host stall we saw; shorter than TIMEOUT */

static volatile int decrementer_hits;
static void count_decrementer(struct ex_regs *r)
{
	decrementer_hits++;
	mtspr(SPR_DEC, 0x7fffffff);
	r->msr &= ~MSR_EE;   /* one is enough: resume with interrupts off */
}

/* H_SET_MODE resource 4's mflags for this build's endianness (PAPR: 1 little, 0 big). */
#ifdef __LITTLE_ENDIAN__
#define BUILD_LE_MFLAGS 1
#else
#define BUILD_LE_MFLAGS 0
#endif

static void check_set_mode(void)
{
	uint64_t t0;
	long rc;

	report_prefix_push("H_SET_MODE");
	if (!hcall_available("set-mode")) {
		report_skip("H_SET_MODE: no hcall-set-mode in ibm,hypertas-functions");
		report_prefix_pop();
		return;
	}
	/*
	 * The boot code already asked for interrupts in the build's endianness
	 * (mflags 1 little, 0 big); asking again is harmless. Asking for the
	 * other one would run our vectors byte-swapped.
	 */
	rc = hcall4(H_SET_MODE, BUILD_LE_MFLAGS, H_SET_MODE_RESOURCE_LE, 0, 0);
	report(rc == H_SUCCESS, "resource 4 (endianness), mflags %d (%s, as built): H_SUCCESS (%ld)",
	       BUILD_LE_MFLAGS, BUILD_LE_MFLAGS ? "little" : "big", rc);
	rc = hcall4(H_SET_MODE, 2, H_SET_MODE_RESOURCE_LE, 0, 0);
	report(rc == H_UNSUPPORTED_FLAG, "endianness with mflags 2: H_UNSUPPORTED_FLAG (%ld)", rc);
	rc = hcall4(H_SET_MODE, 1, H_SET_MODE_RESOURCE_LE, 1, 0);
	report(rc == H_P3, "endianness with value1 != 0: H_P3 (%ld)", rc);
	rc = hcall4(H_SET_MODE, 1, H_SET_MODE_RESOURCE_LE, 0, 1);
	report(rc == H_P4, "endianness with value2 != 0: H_P4 (%ld)", rc);
	/* Interrupts still arrive in our endianness: a decrementer is caught as usual. */
	install_exception_handler(0x900, count_decrementer);
	decrementer_hits = 0;
	t0 = mftb();
	mtspr(SPR_DEC, 1000);
	irq_enable();
	while (!decrementer_hits && mftb() - t0 < DEC_WAIT_TICKS)
		cpu_relax();
	irq_disable();
	/* Not left pending for H_CEDE below, should it never have come. */
	mtspr(SPR_DEC, 0x7fffffff);
	install_exception_handler(0x900, NULL);
	report(decrementer_hits == 1, "a decrementer interrupt is still delivered and handled (%d)",
	       decrementer_hits);
	report_prefix_pop();
}

static void check_cede(void)
{
	uint64_t t0, ticks, dec = tb_hz / 200;
	long rc;
	unsigned long msr;

	report_prefix_push("H_CEDE");
	install_exception_handler(0x900, count_decrementer);
	/*
	 * A decrementer interrupt still pending from earlier (QEMU raises it
	 * from a host timer, late on a loaded host) would end H_CEDE at once:
	 * seen as "58 us, 5000 wanted" at load 28. Let it be taken first.
	 */
	mtspr(SPR_DEC, 0x7fffffff);
	irq_enable();
	irq_disable();
	decrementer_hits = 0;
	/*
	 * 5 ms from now. The decrementer must wake the ceded CPU; MSR[EE] is off
	 * until H_CEDE. The timebase is read before DEC is written: a vCPU
	 * thread preempted 5 ms between the two (QEMU's clock runs on) finds
	 * the decrementer fired already and measures from a late t0 (the
	 * likely cause of "27 us, 5000 wanted" in a loaded make check).
	 */
	t0 = mftb();
	mtspr(SPR_DEC, dec);
	rc = hcall0(H_CEDE);
	msr = mfmsr();
	ticks = mftb() - t0;
	irq_disable();
	install_exception_handler(0x900, NULL);
	report(rc == H_SUCCESS, "returns H_SUCCESS (%ld)", rc);
	report(decrementer_hits == 1, "the decrementer interrupt that woke it was delivered (%d)", decrementer_hits);
	/*
	 * Woken no earlier than DEC ticks of timebase, give or take QEMU's
	 * decrementer and timebase drifting apart by a few hundred us: a fifth
	 * of it still tells a wake-up by the decrementer from one at once.
	 */
	report(ticks >= dec / 5, "slept until the decrementer fired (%lu us, %lu wanted)",
	       (unsigned long)(ticks * 1000000 / tb_hz), (unsigned long)(dec * 1000000 / tb_hz));
	report(ticks < DEC_WAIT_TICKS, "and woke up (%lu ms of timebase, under %lu s)",
	       (unsigned long)(ticks * 1000 / tb_hz), (unsigned long)(DEC_WAIT_TICKS / tb_hz));
	report((msr & MSR_EE) || decrementer_hits, "MSR[EE] was set by H_CEDE (%#lx)", msr);
	report_prefix_pop();
}

static volatile uint64_t cede_ticks;
static volatile long cede_rc;
static volatile bool ceding;
#define CEDE_LONG_DEC	0x7fffffffUL	/* the largest positive DEC: seconds of timebase */
static void cede_long(void *arg)
{
	uint64_t t0;

	(void)arg;
	mtspr(SPR_DEC, CEDE_LONG_DEC);   /* only H_PROD can wake us before it fires */
	t0 = mftb();
	ceding = true;
	cede_rc = hcall0(H_CEDE);
	cede_ticks = mftb() - t0;
	irq_disable();
}

static void check_prod(void)
{
	long rc;

	report_prefix_push("H_PROD");
	if (nr_cpus() < 2) {
		report_skip("H_PROD: needs 2 CPUs (smp = 2 in unittests.cfg)");
		report_prefix_pop();
		return;
	}
	ceding = false;
	on_cpu_async(1, cede_long, NULL);
	while (!ceding)
		cpu_relax();
	udelay(20000);
	rc = hcall1(H_PROD, cpus[1].hwid);
	on_cpu_wait(1);
	report(rc == H_SUCCESS, "H_PROD of CPU 1 returns H_SUCCESS (%ld)", rc);
	/* Before its decrementer, whatever the host's delays: the bound is the DEC itself. */
	report(cede_rc == H_SUCCESS && cede_ticks < CEDE_LONG_DEC,
	       "wakes CPU 1 from H_CEDE before its decrementer (%lu ms, under %lu)",
	       (unsigned long)(cede_ticks * 1000 / tb_hz), (unsigned long)(CEDE_LONG_DEC * 1000 / tb_hz));
	rc = hcall1(H_PROD, 0x7fff0000);
	report(rc == H_PARAMETER, "H_PROD of a CPU that does not exist: H_PARAMETER (%ld)", rc);
	report_prefix_pop();
}

int main(int argc, char **argv, char **envp)
{
	(void)argc, (void)argv, (void)envp;
	check_sprg0();
	check_random();
	check_unknown();
	check_set_mode();
	check_cede();
	check_prod();
	return report_summary();
}
