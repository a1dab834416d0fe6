/* Local APIC access in xAPIC (MMIO) mode. */
#include "hvut.h"
#include <asm/apic.h>
#include <asm/msr.h>
#include <asm/processor.h>
#include <asm/io.h>

/* One MOV per register access (asm/io.h): what every VMM's MMIO emulation decodes. */
uint32_t apic_read(unsigned reg) { return readl(APIC_DEFAULT_BASE + reg); }
void apic_write(unsigned reg, uint32_t val) { writel(APIC_DEFAULT_BASE + reg, val); }
uint32_t apic_id(void) { return apic_read(APIC_ID) >> 24; }
void apic_eoi(void) { apic_write(APIC_EOI, 0); }

void apic_enable(void)
{
	/* Global enable at the default base, then software enable with spurious vector 0xff. */
	wrmsr(MSR_IA32_APICBASE, (rdmsr(MSR_IA32_APICBASE) & 0xfff) | APIC_DEFAULT_BASE | (1 << 11));
	apic_write(APIC_SPIV, 0x1ff);
}

void apic_icr_write(uint32_t icr_lo, uint32_t dest)
{
	apic_write(APIC_ICR_HI, dest << 24);
	apic_write(APIC_ICR_LO, icr_lo);
	for (int i = 0; i < 1000000 && (apic_read(APIC_ICR_LO) & APIC_ICR_BUSY); i++)
		cpu_relax();
}
