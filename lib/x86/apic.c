/* The local APIC in xAPIC (MMIO) and x2APIC (MSR) modes; see <asm/apic.h>. */
#include "hvut.h"
#include <asm/apic.h>
#include <asm/desc.h>
#include <asm/msr.h>
#include <asm/processor.h>
#include <asm/io.h>
#include <asm/smp.h>

/* Each CPU's mode as last set through this file (the boot leaves xAPIC). */
static bool x2apic_on[MAX_CPUS];

/* One MOV per register access (asm/io.h): what every VMM's MMIO emulation decodes. */
uint32_t apic_mmio_read(unsigned reg) { return readl(APIC_DEFAULT_BASE + reg); }
void apic_mmio_write(unsigned reg, uint32_t val) { writel(APIC_DEFAULT_BASE + reg, val); }

bool apic_x2apic_mode(void) { return x2apic_on[smp_id()]; }

uint32_t apic_read(unsigned reg)
{
	if (apic_x2apic_mode())
		return (uint32_t)rdmsr(MSR_X2APIC_BASE + reg / 16);
	return apic_mmio_read(reg);
}

void apic_write(unsigned reg, uint32_t val)
{
	if (apic_x2apic_mode())
		wrmsr(MSR_X2APIC_BASE + reg / 16, val);
	else
		apic_mmio_write(reg, val);
}

uint32_t apic_id(void)
{
	return apic_x2apic_mode() ? apic_read(APIC_ID) : apic_read(APIC_ID) >> 24;
}

void apic_eoi(void) { apic_write(APIC_EOI, 0); }

void apic_enable(void)
{
	/* Global enable at the default base, then software enable with spurious vector 0xff. */
	wrmsr(MSR_IA32_APICBASE, (rdmsr(MSR_IA32_APICBASE) & 0xfff & ~APIC_BASE_EXTD) | APIC_DEFAULT_BASE
	      | APIC_BASE_EN);
	x2apic_on[smp_id()] = false;
	apic_write(APIC_SPIV, APIC_SPIV_ENABLE | 0xff);
}

enum apic_mode apic_mode_now(void)
{
	uint64_t b = rdmsr(MSR_IA32_APICBASE);

	return (enum apic_mode)(((b & APIC_BASE_EN) ? 2 : 0) | ((b & APIC_BASE_EXTD) ? 1 : 0));
}

int apic_set_mode(enum apic_mode mode)
{
	uint64_t b = rdmsr(MSR_IA32_APICBASE) & ~(APIC_BASE_EN | APIC_BASE_EXTD);
	int v;

	b |= (mode & 2 ? APIC_BASE_EN : 0) | (mode & 1 ? APIC_BASE_EXTD : 0);
	v = wrmsr_safe(MSR_IA32_APICBASE, b);
	x2apic_on[smp_id()] = apic_mode_now() == APIC_MODE_X2APIC;
	return v;
}

bool apic_icr_write(uint32_t icr_lo, uint32_t dest)
{
	uint64_t start;

	if (apic_x2apic_mode()) {
		/* x2APIC: the ICR is one 64-bit MSR, written at once (SDM "x2APIC Interrupt Command Register"). */
		wrmsr(MSR_X2APIC_BASE + APIC_ICR_LO / 16, (uint64_t)dest << 32 | icr_lo);
		return true;
	}
	apic_write(APIC_ICR_HI, dest << 24);
	apic_write(APIC_ICR_LO, icr_lo);
	start = rdtsc();
	while (apic_read(APIC_ICR_LO) & APIC_ICR_BUSY) {
		if (rdtsc() - start > APIC_WAIT_TSC)
			return false;
		cpu_relax();
	}
	return true;
}

bool apic_vector_bit(unsigned reg, unsigned vector)
{
	return apic_read(reg + vector / 32 * 0x10) & (1U << (vector % 32));
}

int apic_highest_vector(unsigned reg)
{
	for (int i = 7; i >= 0; i--) {
		uint32_t w = apic_read(reg + i * 0x10);

		if (w)
			return i * 32 + 31 - __builtin_clz(w);
	}
	return -1;
}

bool apic_self_ipi_pending(unsigned vector)
{
	apic_icr_write(APIC_DEST_SELF | vector, 0);
	for (unsigned i = 0; i < 1000000 && !apic_vector_bit(APIC_IRR, vector); i++)
		cpu_relax();
	return apic_vector_bit(APIC_IRR, vector);
}

void apic_quiet_legacy(void)
{
	outb(0x21, 0xff);
	outb(0xa1, 0xff);
	apic_write(APIC_LVT_LINT0, APIC_LVT_MASKED);
}

/* asm/apic.h: APIC_WAIT_TSC. Until the environ names the VMM (early boot), the host-clock bound. */
uint64_t apic_wait_tsc(void)
{
	static uint64_t tsc;
	const char *vmm, *accel;

	if (tsc)
		return tsc;
	vmm = getenv("HVUT_VMM");
	accel = getenv("ACCEL");
	if (!vmm && !accel)
		return 5000000000ULL;
	if ((vmm && !strcmp(vmm, "bochs")) || (accel && !strcmp(accel, "bochs")))
		tsc = 1000000000ULL;
	else
		tsc = 5000000000ULL;
	return tsc;
}

bool wait_count_at_least(volatile unsigned *count, unsigned target, uint64_t tsc)
{
	uint64_t start = rdtsc();

	while (__atomic_load_n(count, __ATOMIC_ACQUIRE) < target) {
		if (rdtsc() - start > tsc)
			return false;
		cpu_relax();
	}
	return true;
}

/*
 * `got` interrupts were taken where `want` were due, `got_if0` of them by
 * code running with IF=0. Such a take was no interrupt the APIC delivered
 * (SDM vol. 3A 'Maskable Hardware Interrupts': IF=0 masks INTR): it is one
 * event delivered twice by the layer under the APIC, which under KVM nested
 * in QEMU TCG is TCG's SVM (docs/kvm.md). A miscount that is exactly such
 * extra takes gets that row; any other stays a plain failure (NULL).
 */
const char *irq_miscount_row(unsigned got, unsigned got_if0, unsigned want)
{
	return got > want && got - got_if0 == want ? "irq-redelivered-by-l0" : NULL;
}
