/*
 * apic: the local APIC in xAPIC mode on one CPU, from the SDM vol. 3A APIC
 * chapter: the ID, version, LDR/DFR and spurious-vector registers, the
 * software-disabled state, TPR/PPR and CR8, and fixed self-IPIs through ISR,
 * IRR and EOI with priority classes. Parts (arguments): regs, priority.
 */
#include "hvut.h"
#include <asm/apic.h>
#include <asm/cpufeature.h>
#include <asm/desc.h>
#include <asm/msr.h>
#include <asm/processor.h>

#define VEC_LOW 0x40
#define VEC_LOW2 0x45
#define VEC_HIGH 0x80

static void test_id_version(void)
{
	uint32_t ver = apic_read(APIC_VERSION);
	unsigned initial_id = cpuid(1).b >> 24;
	uint64_t base = rdmsr(MSR_IA32_APICBASE);

	report_info("APIC version register %#x, IA32_APIC_BASE %#lx", ver, (unsigned long)base);
	/* SDM 'Local APIC Version Register': 1xH is an integrated local APIC; Max LVT Entry is entries - 1. */
	report((ver & 0xf0) == 0x10, "version[7:0] %#x is an integrated APIC (1xH)", ver & 0xff);
	report(((ver >> 16) & 0xff) >= 4, "Max LVT entry %u: at least the 5 LVT entries every integrated APIC has",
	       (ver >> 16) & 0xff);
	/* SDM 'Local APIC ID': the xAPIC ID register holds the initial APIC ID of CPUID.1:EBX[31:24]. */
	report(apic_id() == initial_id, "APIC ID %u is CPUID.1:EBX[31:24] %u", apic_id(), initial_id);
	/* SDM 'Local APIC Status and Location': BSP flag set on the bootstrap processor, base at FEE00000H. */
	report((base & APIC_BASE_BSP) && (base & ~0xfffULL) == APIC_DEFAULT_BASE && (base & APIC_BASE_EN),
	       "IA32_APIC_BASE: BSP=1, EN=1, base FEE00000H on the boot CPU (%#lx)", (unsigned long)base);
}

static void test_ldr_dfr(void)
{
	/* SDM 'Logical Destination Mode': LDR[31:24] is the logical ID, the rest reserved;
	 * DFR[31:28] is the model (1111B flat, 0000B cluster), DFR[27:0] read as all 1s. */
	apic_write(APIC_DFR, 0xffffffff);
	report(apic_read(APIC_DFR) == 0xffffffff, "DFR flat model reads FFFFFFFFH (%#x)", apic_read(APIC_DFR));
	apic_write(APIC_DFR, 0x0fffffff);
	report(apic_read(APIC_DFR) == 0x0fffffff, "DFR cluster model reads 0FFFFFFFH (%#x)", apic_read(APIC_DFR));
	apic_write(APIC_DFR, 0xffffffff);
	apic_write(APIC_LDR, 0xa5000000);
	report(apic_read(APIC_LDR) == 0xa5000000, "LDR[31:24] holds the logical ID (%#x)", apic_read(APIC_LDR));
	apic_write(APIC_LDR, 0);
}

static void test_svr(void)
{
	uint32_t lvt;

	/* SDM 'Spurious-Interrupt Vector Register': bits 7:0 the vector, bit 8 APIC software enable. */
	apic_write(APIC_SPIV, APIC_SPIV_ENABLE | 0xef);
	report((apic_read(APIC_SPIV) & 0x1ff) == (APIC_SPIV_ENABLE | 0xef), "SVR vector and enable bit are written (%#x)",
	       apic_read(APIC_SPIV));
	apic_write(APIC_LVT_TIMER, 0x40);
	apic_write(APIC_SPIV, 0xef);
	/* SDM 'Local APIC State After It Has Been Software Disabled': every LVT mask bit is set
	 * and writes cannot clear them. */
	lvt = apic_read(APIC_LVT_TIMER);
	report_deviation("apic-sw-disable-lvt-mask", lvt & APIC_LVT_MASKED,
			 "software disable masks the LVT timer entry (%#x)", lvt);
	apic_write(APIC_LVT_TIMER, 0x40);
	lvt = apic_read(APIC_LVT_TIMER);
	report_deviation("apic-sw-disable-lvt-mask", lvt & APIC_LVT_MASKED,
			 "while software-disabled, the LVT mask bit cannot be cleared (%#x)", lvt);
	report((lvt & 0xff) == 0x40, "while software-disabled, the LVT vector is still written (%#x)", lvt);
	apic_write(APIC_SPIV, APIC_SPIV_ENABLE | 0xff);
	lvt = apic_read(APIC_LVT_TIMER);
	report_deviation("apic-sw-disable-lvt-mask", lvt & APIC_LVT_MASKED,
			 "software enable leaves the LVT entries masked (%#x)", lvt);
	apic_write(APIC_LVT_TIMER, APIC_LVT_MASKED);
}

static void test_tpr_cr8(void)
{
	unsigned long cr8;

	/* SDM 'Task Priority Register': TPR[7:0] writable; PPR equals TPR while no interrupt is in service. */
	apic_write(APIC_TPR, 0x57);
	report_deviation("apic-tpr-subclass", apic_read(APIC_TPR) == 0x57, "TPR reads back %#x", apic_read(APIC_TPR));
	report_deviation("apic-tpr-subclass", apic_read(APIC_PPR) == 0x57, "PPR = TPR with ISR empty (PPR %#x)",
			 apic_read(APIC_PPR));
	/* SDM 'Task Priority in IA-32e Mode': CR8[3:0] is TPR[7:4]. */
	__asm__ volatile("mov %%cr8, %0" : "=r"(cr8));
	report(cr8 == 5, "CR8 reads TPR[7:4] (%lu)", cr8);
	__asm__ volatile("mov %0, %%cr8" :: "r"(9UL));
	report(apic_read(APIC_TPR) == 0x90, "MOV to CR8 sets TPR[7:4] and clears TPR[3:0] (TPR %#x)",
	       apic_read(APIC_TPR));
	__asm__ volatile("mov %0, %%cr8" :: "r"(0UL));
	report(apic_read(APIC_TPR) == 0, "CR8 = 0 clears TPR (%#x)", apic_read(APIC_TPR));
}

/* ------------------------------------------------------------------------ */

static volatile unsigned got_low, got_low_if0, got_low2, got_high, got_spurious;
static volatile uint32_t isr_seen, ppr_seen, irr_seen;
static volatile bool nest_high, nest_low2;

static void on_high(struct ex_regs *r)
{
	(void)r;
	got_high++;
	apic_eoi();
}

/* SDM 'Spurious Interrupt': no EOI for the spurious vector. */
static void on_spurious(struct ex_regs *r)
{
	(void)r;
	got_spurious++;
}

static void on_low2(struct ex_regs *r)
{
	(void)r;
	got_low2++;
	apic_eoi();
}

static void on_low(struct ex_regs *r)
{
	/* Takes that interrupted IF=0 code: irq_miscount_row() (a second delivery of one IPI). */
	if (!(r->rflags & X86_EFLAGS_IF))
		got_low_if0++;
	/* The APIC state of the first take: a wrong second one must not overwrite it. */
	if (++got_low == 1) {
		isr_seen = apic_vector_bit(APIC_ISR, VEC_LOW);
		irr_seen = apic_vector_bit(APIC_IRR, VEC_LOW);
		ppr_seen = apic_read(APIC_PPR);
	}
	if (nest_low2) {
		/* Same priority class as the one in service: held in IRR until EOI. */
		apic_icr_write(APIC_DEST_SELF | VEC_LOW2, 0);
		irq_enable();
		for (int i = 0; i < 1000; i++)
			cpu_relax();
		irq_disable();
		irr_seen = apic_vector_bit(APIC_IRR, VEC_LOW2);
	}
	if (nest_high) {
		/* A higher class preempts the handler once IF is set. */
		apic_icr_write(APIC_DEST_SELF | VEC_HIGH, 0);
		irq_enable();
		wait_count_at_least(&got_high, 1, APIC_WAIT_TSC);
		irq_disable();
	}
	apic_eoi();
}

static void test_self_ipi(void)
{
	bool ok;

	handle_exception(VEC_LOW, on_low);
	handle_exception(VEC_LOW2, on_low2);
	handle_exception(VEC_HIGH, on_high);
	handle_exception(0xff, on_spurious);

	/* SDM 'Interrupt Command Register': shorthand 01 (self) with fixed delivery. */
	irq_disable();
	apic_icr_write(APIC_DEST_SELF | VEC_LOW, 0);
	report(apic_vector_bit(APIC_IRR, VEC_LOW), "with IF=0 the self-IPI waits in IRR");
	irq_enable();
	ok = wait_count_at_least(&got_low, 1, APIC_WAIT_TSC);
	/* Time for a wrong second delivery to show (a count, not a time bound). */
	for (int i = 0; i < 10000; i++)
		cpu_relax();
	irq_disable();
	report(ok, "fixed self-IPI delivered once IF=1");
	/* SDM 'Interrupt Command Register': one IPI, one interrupt. */
	report_deviation(irq_miscount_row(got_low, got_low_if0, 1), got_low == 1,
			 "the self-IPI was taken once (%u, %u of them into IF=0 code)", got_low, got_low_if0);
	/* SDM 'Interrupt Acceptance for Fixed Interrupts': IRR bit to ISR when dispatched;
	 * SDM 'Processor Priority Register': PPR[7:4] = max(TPR[7:4], ISRV[7:4]). */
	report(isr_seen && !irr_seen, "in the handler the vector is in ISR, not IRR");
	report((ppr_seen & 0xf0) == (VEC_LOW & 0xf0), "PPR in the handler is the in-service class (%#x)", ppr_seen);
	report(!apic_vector_bit(APIC_ISR, VEC_LOW) && apic_highest_vector(APIC_ISR) < 0,
	       "EOI cleared the ISR bit (highest ISR %d)", apic_highest_vector(APIC_ISR));
	report(apic_read(APIC_PPR) == 0, "PPR back to TPR (0) after EOI (%#x)", apic_read(APIC_PPR));

	/* SDM 'Task and Processor Priorities': a vector whose class is <= PPR[7:4] is held in IRR. */
	apic_write(APIC_TPR, 0x50);
	got_low = 0;
	apic_icr_write(APIC_DEST_SELF | VEC_LOW, 0);
	irq_enable();
	for (int i = 0; i < 10000; i++)
		cpu_relax();
	irq_disable();
	report(got_low == 0 && apic_vector_bit(APIC_IRR, VEC_LOW), "TPR 50H holds vector 40H in IRR");
	apic_write(APIC_TPR, 0);
	irq_enable();
	ok = wait_count_at_least(&got_low, 1, APIC_WAIT_TSC);
	irq_disable();
	report(ok, "lowering TPR delivers the held vector");

	/* Nesting: a higher class preempts, the same class waits for EOI. */
	got_low = got_high = got_low2 = 0;
	nest_high = true;
	apic_icr_write(APIC_DEST_SELF | VEC_LOW, 0);
	irq_enable();
	ok = wait_count_at_least(&got_low, 1, APIC_WAIT_TSC);
	irq_disable();
	nest_high = false;
	report(ok && got_high == 1, "vector 80H preempts the handler of vector 40H");
	got_low = 0;
	nest_low2 = true;
	apic_icr_write(APIC_DEST_SELF | VEC_LOW, 0);
	irq_enable();
	ok = wait_count_at_least(&got_low, 1, APIC_WAIT_TSC) && wait_count_at_least(&got_low2, 1, APIC_WAIT_TSC);
	irq_disable();
	nest_low2 = false;
	report(irr_seen, "vector 45H (class of 40H, in service) stays in IRR in the 40H handler");
	report(ok, "vector 45H is delivered after the 40H handler's EOI");
	/* SDM 'Spurious Interrupt': the spurious vector comes only when TPR is raised while INTR
	 * is asserted; nothing here raised TPR while an interrupt was pending. */
	report_deviation("apic-spurious-blocked-class", got_spurious == 0,
			 "no spurious interrupt for a vector held back by the in-service class (%u seen)", got_spurious);
	report(apic_highest_vector(APIC_ISR) < 0 && apic_highest_vector(APIC_IRR) < 0,
	       "ISR and IRR empty at the end (highest ISR %d, IRR %d)", apic_highest_vector(APIC_ISR),
	       apic_highest_vector(APIC_IRR));
}

int main(int argc, char **argv, char **envp)
{
	(void)envp;
	report_info("running on %s", vmm_description());
	if (!this_cpu_has(X86_FEATURE_APIC)) {
		report_skip("local APIC: CPUID.1:EDX[9]=0");
		return report_summary();
	}
	apic_enable();
	apic_quiet_legacy();
	if (arg_selected(argc, argv, "regs")) {
		report_prefix_push("regs");
		test_id_version();
		test_ldr_dfr();
		test_svr();
		test_tpr_cr8();
		report_prefix_pop();
	}
	if (arg_selected(argc, argv, "priority")) {
		report_prefix_push("priority");
		test_self_ipi();
		report_prefix_pop();
	}
	return report_summary();
}
