/*
 * ssdbltrp: the S-mode double-trap bit, sstatus.SDT (bit 24).
 *
 * RISC-V privileged spec v1.13, 12.1.1.5 "Double Trap Control in sstatus
 * Register" and 3.1.18 "Machine Environment Configuration" (menvcfg.DTE):
 *   - with menvcfg.DTE = 0 the hart behaves as if Ssdbltrp were absent:
 *     sstatus.SDT is read-only zero;
 *   - a trap taken into S-mode with SDT = 0 sets SDT to 1;
 *   - SRET sets SDT to 0 (a handler that leaves by other means keeps it 1);
 *   - an explicit CSR write that sets SDT clears SIE whatever was written to
 *     SIE; SIE can be set only by a write that clears SDT or with SDT 0.
 * S-mode reaches menvcfg.DTE through SBI FWFT feature 0x3 DOUBLE_TRAP (SBI
 * v3.0 "Firmware Features Extension", values 0/1).
 * Not done: a trap with SDT = 1 is a double trap into M-mode, which the
 * firmware handles (or not) as it likes: no S-mode check can follow it.
 */
#include "hvut.h"
#include <asm/csr.h>
#include <asm/irq.h>
#include <asm/isa.h>
#include <asm/sbi.h>

#define SSTATUS_SDT (1UL << 24)

static volatile unsigned long sstatus_in_handler;
static volatile int soft_irqs;

/* ebreak: medeleg delegates breakpoints, so the hart itself takes it into S-mode (no firmware redirect). */
static void breakpoint(void *arg)
{
	(void)arg;
	__asm__ volatile("ebreak");
}

static void soft_irq(struct ex_regs *r)
{
	sstatus_in_handler = r->sstatus;
	csr_clear(CSR_SIP, BIT(IRQ_S_SOFT));
	soft_irqs++;
}

static bool set_dte(unsigned long v)
{
	struct sbiret r = sbi_fwft_set(SBI_FWFT_DOUBLE_TRAP, v, 0);
	struct sbiret g = sbi_fwft_get(SBI_FWFT_DOUBLE_TRAP);

	return report(r.error == SBI_SUCCESS && g.error == SBI_SUCCESS && (unsigned long)g.value == v,
		      "FWFT set DOUBLE_TRAP = %lu: %s, get reads %ld [SBI v3.0 FWFT]", v,
		      sbi_error_name(r.error), g.value);
}

static void dte_off(void)
{
	report_prefix_push("DTE=0");
	if (set_dte(0)) {
		csr_set(CSR_SSTATUS, SSTATUS_SDT);
		report(!(csr_read(CSR_SSTATUS) & SSTATUS_SDT),
		       "sstatus.SDT is read-only zero (a write of 1 reads 0) [priv spec 3.1.18 menvcfg.DTE]");
		csr_clear(CSR_SSTATUS, SSTATUS_SDT);
	}
	report_prefix_pop();
}

static void trap_sets_sdt(void)
{
	struct fault f;
	unsigned long after;
	int v;

	/* Exception, left by longjmp (no SRET): SDT set on entry and still set after. */
	csr_clear(CSR_SSTATUS, SSTATUS_SDT);
	v = catch_exception(breakpoint, NULL, &f);
	after = csr_read(CSR_SSTATUS);
	csr_clear(CSR_SSTATUS, SSTATUS_SDT);   /* before anything else can trap: that would be a double trap */
	report(v == EXC_BREAKPOINT && (f.aux & SSTATUS_SDT),
	       "ebreak traps into S-mode with SDT = 1 (got %d, sstatus %#lx) [priv spec 12.1.1.5]", v, f.aux);
	report(after & SSTATUS_SDT,
	       "left without SRET, the handler's SDT = 1 stays [priv spec 12.1.1.5: only SRET or a write clears it]");
	report(!(csr_read(CSR_SSTATUS) & SSTATUS_SDT), "an explicit write clears SDT");

	/* Interrupt, left by SRET: SDT set on entry, clear after. */
	install_irq_handler(IRQ_S_SOFT, soft_irq);
	csr_set(CSR_SIE, BIT(IRQ_S_SOFT));
	soft_irqs = 0;
	csr_set(CSR_SIP, BIT(IRQ_S_SOFT));   /* sip.SSIP is writable from S-mode */
	local_irq_enable();
	while (!soft_irqs)
		cpu_relax();
	local_irq_disable();
	csr_clear(CSR_SIE, BIT(IRQ_S_SOFT));
	report(sstatus_in_handler & SSTATUS_SDT,
	       "a supervisor software interrupt is taken with SDT = 1 (sstatus %#lx) [priv spec 12.1.1.5]",
	       sstatus_in_handler);
	report(!(csr_read(CSR_SSTATUS) & SSTATUS_SDT), "after the handler's SRET, SDT = 0 [priv spec 12.1.1.5]");
	install_irq_handler(IRQ_S_SOFT, NULL);
}

static void sdt_write_clears_sie(void)
{
	unsigned long s = csr_read(CSR_SSTATUS) & ~SSTATUS_SDT & ~SSTATUS_SIE;

	/* No interrupt is enabled in sie here, so SIE = 1 takes nothing. */
	csr_write(CSR_SIE, 0);
	unsigned long both, sie_alone, cleared;

	/* Read everything with SDT = 1 first, report after clearing it (a trap meanwhile would be a double trap). */
	csr_write(CSR_SSTATUS, s | SSTATUS_SDT | SSTATUS_SIE);
	both = csr_read(CSR_SSTATUS);
	csr_set(CSR_SSTATUS, SSTATUS_SIE);
	sie_alone = csr_read(CSR_SSTATUS);
	csr_write(CSR_SSTATUS, s | SSTATUS_SIE);
	cleared = csr_read(CSR_SSTATUS);
	local_irq_disable();
	report((both & (SSTATUS_SDT | SSTATUS_SIE)) == SSTATUS_SDT,
	       "a write of SDT = 1, SIE = 1 leaves SIE = 0 (sstatus %#lx) [priv spec 12.1.1.5]", both);
	report(!(sie_alone & SSTATUS_SIE), "with SDT = 1, setting SIE alone is ignored (sstatus %#lx) [priv spec 12.1.1.5]",
	       sie_alone);
	report((cleared & (SSTATUS_SDT | SSTATUS_SIE)) == SSTATUS_SIE,
	       "a write of SDT = 0, SIE = 1 sets SIE (sstatus %#lx) [priv spec 12.1.1.5]", cleared);
}

int main(int argc, char **argv, char **envp)
{
	long probe = sbi_probe_extension(SBI_EXT_FWFT).value;
	struct sbiret r = { SBI_ERR_NOT_SUPPORTED, 0 };

	(void)argc;
	(void)argv;
	(void)envp;
	local_irq_disable();
	if (!isa_has("ssdbltrp")) {
		report_skip("Ssdbltrp: not in riscv,isa");
		return report_summary();
	}
	if (!probe) {
		report_skip("SBI FWFT DOUBLE_TRAP: sbi_probe_extension(%#x) = 0", SBI_EXT_FWFT);
		return report_summary();
	}
	r = sbi_fwft_get(SBI_FWFT_DOUBLE_TRAP);
	if (r.error != SBI_SUCCESS) {
		report_skip("SBI FWFT DOUBLE_TRAP: get says %s", sbi_error_name(r.error));
		return report_summary();
	}
	report_info("DOUBLE_TRAP is %ld at boot (SBI v3.0: reset value 0)", r.value);
	dte_off();
	report_prefix_push("DTE=1");
	if (set_dte(1)) {
		trap_sets_sdt();
		sdt_write_clears_sie();
	}
	report_prefix_pop();
	csr_clear(CSR_SSTATUS, SSTATUS_SDT);
	sbi_fwft_set(SBI_FWFT_DOUBLE_TRAP, 0, 0);
	return report_summary();
}
