/*
 * x2apic: the local APIC's x2APIC mode (SDM vol. 3A 'Extended XAPIC
 * (x2APIC)'): the IA32_APIC_BASE state transitions and their #GPs, the MSR
 * interface's access rules (read-only, write-only and absent registers,
 * reserved bits, EOI of a non-zero value), the 32-bit ID and derived LDR,
 * the 64-bit ICR and the SELF IPI register.
 */
#include "hvut.h"
#include <asm/apic.h>
#include <asm/cpufeature.h>
#include <asm/desc.h>
#include <asm/msr.h>
#include <asm/processor.h>

#define X2(reg) (MSR_X2APIC_BASE + (reg) / 16)
#define VEC 0x50

static const char *mode_name(enum apic_mode m)
{
	static const char *const n[] = { "disabled", "invalid", "xAPIC", "x2APIC" };

	return n[m];
}

/*
 * One step from the current mode to `to`, checked against the #GP rule of
 * SDM 'x2APIC State Transitions'. The steps run in one sequence, not each
 * from a fresh start, so the test reaches "disabled" only at the end.
 */
static void step(enum apic_mode to, bool valid, const char *dev)
{
	enum apic_mode from = apic_mode_now();
	int v = apic_set_mode(to);

	report_deviation(dev, valid ? v == NO_EXCEPTION && apic_mode_now() == to
			      : v == GP_VECTOR && apic_mode_now() == from,
			 "%s -> %s: %s (got %s, now %s)", mode_name(from), mode_name(to), valid ? "allowed" : "#GP",
			 exception_name(v), mode_name(apic_mode_now()));
}

static void test_msrs_outside_x2apic(void)
{
	uint64_t val;
	int v;

	/* SDM 'x2APIC State Transitions': out of reset the APIC is in xAPIC mode, EN=1 EXTD=0. */
	report(apic_mode_now() == APIC_MODE_XAPIC, "after boot the APIC is in xAPIC mode (IA32_APIC_BASE %#lx)",
	       (unsigned long)rdmsr(MSR_IA32_APICBASE));
	/* SDM 'x2APIC Register Availability': the MSRs 800H-8FFH #GP unless in x2APIC mode. */
	v = rdmsr_safe(X2(APIC_ID), &val);
	report_deviation("x2apic-msrs-in-xapic-mode", v == GP_VECTOR, "xAPIC mode: RDMSR 802H (ID) #GPs (got %s)",
			 exception_name(v));
	v = wrmsr_safe(X2(APIC_TPR), 0);
	report_deviation("x2apic-msrs-in-xapic-mode", v == GP_VECTOR, "xAPIC mode: WRMSR 808H (TPR) #GPs (got %s)",
			 exception_name(v));
}

static void expect_gp_dev(const char *dev, bool write, unsigned msr, uint64_t val, const char *what)
{
	uint64_t got;
	int v = write ? wrmsr_safe(msr, val) : rdmsr_safe(msr, &got);

	report_deviation(dev, v == GP_VECTOR, "%s %XH (%s) #GPs (got %s)", write ? "WRMSR" : "RDMSR", msr, what, exception_name(v));
}

static void expect_gp(bool write, unsigned msr, uint64_t val, const char *what)
{
	expect_gp_dev(NULL, write, msr, val, what);
}

static void test_access_rules(void)
{
	uint32_t id = apic_read(APIC_ID), ldr = apic_read(APIC_LDR);
	uint32_t expect_ldr = ((id >> 4) << 16) | (1U << (id & 0xf));
	uint64_t val;

	report_prefix_push("msr");
	/* SDM 'x2APIC Register Address Space' (table of the MSRs and their R/W semantics). */
	if (cpuid_max_leaf() >= 0xb)
		report(id == cpuid_indexed(0xb, 0).d, "x2APIC ID %#x is CPUID.0BH:EDX %#x", id, cpuid_indexed(0xb, 0).d);
	/* SDM 'Deriving Logical x2APIC ID from the Local x2APIC ID'. */
	report_deviation("x2apic-ldr-derived", ldr == expect_ldr, "LDR %#x is (ID[19:4] << 16) | (1 << ID[3:0]) = %#x", ldr, expect_ldr);
	expect_gp(true, X2(APIC_ID), id, "ID, read-only");
	expect_gp(true, X2(APIC_VERSION), apic_read(APIC_VERSION), "version, read-only");
	expect_gp(true, X2(APIC_LDR), ldr, "LDR, read-only in x2APIC mode");
	expect_gp(true, X2(APIC_PPR), 0, "PPR, read-only");
	expect_gp(true, X2(APIC_ISR), 0, "ISR, read-only");
	expect_gp(true, X2(APIC_TMR), 0, "TMR, read-only");
	expect_gp(true, X2(APIC_IRR), 0, "IRR, read-only");
	expect_gp(true, X2(APIC_TIMER_CUR), 0, "current count, read-only");
	expect_gp(false, X2(APIC_EOI), 0, "EOI, write-only");
	expect_gp(false, X2(APIC_SELF_IPI), 0, "SELF IPI, write-only");
	expect_gp(false, X2(APIC_DFR), 0, "DFR, absent in x2APIC mode");
	expect_gp(true, X2(APIC_DFR), 0xffffffff, "DFR, absent in x2APIC mode");
	expect_gp(false, X2(APIC_ICR_HI), 0, "ICR high half, absent: the ICR is one MSR");
	expect_gp(false, X2(APIC_APR), 0, "APR, absent in x2APIC mode");
	expect_gp(true, X2(APIC_EOI), 1, "EOI of a non-zero value");
	/* SDM 'Reserved Bit Checking': non-zero writes to reserved bits #GP. */
	expect_gp(true, X2(APIC_TPR), 0x100, "TPR bit 8, reserved");
	expect_gp(true, X2(APIC_TPR), 1ULL << 32, "TPR bit 32, reserved");
	expect_gp_dev("x2apic-self-ipi-reserved", true, X2(APIC_SELF_IPI), 0x100 | VEC, "SELF IPI bit 8, reserved");
	report(rdmsr_safe(X2(APIC_TPR), &val) == NO_EXCEPTION && val == 0, "TPR unchanged by the rejected writes (%#lx)",
	       (unsigned long)val);
	report_prefix_pop();
}

static volatile unsigned got;

static void on_vec(struct ex_regs *r)
{
	(void)r;
	got++;
	apic_eoi();
}

static void test_self_ipi(void)
{
	bool ok;

	report_prefix_push("self-ipi");
	handle_exception(VEC, on_vec);
	irq_disable();
	/* SDM 'SELF IPI Register': the same as a fixed, edge, self-shorthand ICR write. */
	apic_write(APIC_SELF_IPI, VEC);
	report(apic_vector_bit(APIC_IRR, VEC), "SELF IPI write sets the vector in IRR");
	irq_enable();
	ok = wait_count_at_least(&got, 1, APIC_WAIT_TSC);
	irq_disable();
	report(ok && !apic_vector_bit(APIC_ISR, VEC), "SELF IPI delivered and EOIed");
	/* SDM 'x2APIC Interrupt Command Register': one 64-bit WRMSR, destination in bits 63:32. */
	got = 0;
	apic_icr_write(APIC_ICR_FIXED | VEC, apic_id());
	irq_enable();
	ok = wait_count_at_least(&got, 1, APIC_WAIT_TSC);
	irq_disable();
	report(ok, "64-bit ICR write to the own x2APIC ID delivers the IPI");
	report(!(rdmsr(X2(APIC_ICR_LO)) & APIC_ICR_BUSY), "x2APIC ICR reads with delivery status 0 (%#lx)",
	       (unsigned long)rdmsr(X2(APIC_ICR_LO)));
	report_prefix_pop();
}

int main(int argc, char **argv, char **envp)
{
	(void)argc, (void)argv, (void)envp;
	report_info("running on %s", vmm_description());
	apic_enable();
	apic_quiet_legacy();
	test_msrs_outside_x2apic();
	if (!this_cpu_has(X86_FEATURE_X2APIC)) {
		int v = apic_set_mode(APIC_MODE_X2APIC);

		/* SDM 'Local APIC Status and Location': EXTD without x2APIC support is reserved. */
		report_deviation("apic-base-extd-no-x2apic", v == GP_VECTOR,
				 "without x2APIC, setting IA32_APIC_BASE.EXTD #GPs (got %s)", exception_name(v));
		apic_enable();
		report_skip("x2APIC: CPUID.1:ECX[21]=0");
		return report_summary();
	}
	report_prefix_push("transitions");
	step(APIC_MODE_INVALID, false, NULL);
	step(APIC_MODE_X2APIC, true, NULL);
	step(APIC_MODE_XAPIC, false, NULL);
	step(APIC_MODE_INVALID, false, NULL);
	report_prefix_pop();
	if (apic_mode_now() != APIC_MODE_X2APIC) {
		report_fail("could not enter x2APIC mode");
		return report_summary();
	}
	apic_write(APIC_SPIV, APIC_SPIV_ENABLE | 0xff);
	test_access_rules();
	test_self_ipi();
	report_prefix_push("transitions");
	step(APIC_MODE_DISABLED, true, NULL);
	step(APIC_MODE_X2APIC, false, "apic-global-reenable");
	step(APIC_MODE_INVALID, false, "apic-global-reenable");
	/* SDM 'Enabling or Disabling the Local APIC': FSB-era APICs are re-enabled through IA32_APIC_BASE[11]. */
	step(APIC_MODE_XAPIC, true, "apic-global-reenable");
	report_prefix_pop();
	return report_summary();
}
