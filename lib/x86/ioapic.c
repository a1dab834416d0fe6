/* The I/O APIC's indirect register access; see <asm/ioapic.h>. */
#include "hvut.h"
#include <asm/ioapic.h>

/* One plain 32-bit MOV per access, as for the local APIC (lib/x86/apic.c). */
static uint32_t mmio_read32(uintptr_t addr)
{
	uint32_t v;

	__asm__ volatile("movl (%1), %0" : "=r"(v) : "r"(addr) : "memory");
	return v;
}

static void mmio_write32(uintptr_t addr, uint32_t val)
{
	__asm__ volatile("movl %0, (%1)" :: "r"(val), "r"(addr) : "memory");
}

uint32_t ioapic_read(unsigned reg)
{
	mmio_write32(IOAPIC_DEFAULT_BASE, reg);
	return mmio_read32(IOAPIC_DEFAULT_BASE + 0x10);
}

void ioapic_write(unsigned reg, uint32_t val)
{
	mmio_write32(IOAPIC_DEFAULT_BASE, reg);
	mmio_write32(IOAPIC_DEFAULT_BASE + 0x10, val);
}

uint64_t ioapic_redir_read(unsigned pin)
{
	uint32_t lo = ioapic_read(IOAPIC_REDIR(pin));

	return lo | (uint64_t)ioapic_read(IOAPIC_REDIR(pin) + 1) << 32;
}

void ioapic_redir_write(unsigned pin, uint64_t entry)
{
	ioapic_write(IOAPIC_REDIR(pin) + 1, entry >> 32);
	ioapic_write(IOAPIC_REDIR(pin), (uint32_t)entry);
}

void ioapic_eoi(unsigned vector)
{
	mmio_write32(IOAPIC_DEFAULT_BASE + IOAPIC_EOI_OFFSET, vector);
}
