/*
 * MMIO accessors: exactly one MOV per access.
 *
 * On an EPT violation or #NPF the hypervisor decodes and emulates the
 * faulting instruction; a plain MOV is what every instruction emulator
 * handles. A compiler is free to turn `*p |= x` into a locked or unlocked
 * read-modify-write (OR m32, r32) and a copy into MOVS: string and RMW
 * instructions on MMIO are emulated by fewer VMMs, and not at all where the
 * VMM cannot read guest instructions (SEV-ES/TDX use a paravirtual path).
 * Inline asm keeps it to one MOV. Port I/O (inb/outb) is in asm/processor.h.
 * See docs/kvm.md.
 */
#ifndef ASM_IO_H
#define ASM_IO_H
#include <stdint.h>

static inline uint8_t readb(uintptr_t addr)
{
	uint8_t v;

	__asm__ volatile("movb (%1), %0" : "=q"(v) : "r"(addr) : "memory");
	return v;
}

static inline uint16_t readw(uintptr_t addr)
{
	uint16_t v;

	__asm__ volatile("movw (%1), %0" : "=r"(v) : "r"(addr) : "memory");
	return v;
}

static inline uint32_t readl(uintptr_t addr)
{
	uint32_t v;

	__asm__ volatile("movl (%1), %0" : "=r"(v) : "r"(addr) : "memory");
	return v;
}

static inline uint64_t readq(uintptr_t addr)
{
	uint64_t v;

	__asm__ volatile("movq (%1), %0" : "=r"(v) : "r"(addr) : "memory");
	return v;
}

static inline void writeb(uintptr_t addr, uint8_t v)
{
	__asm__ volatile("movb %0, (%1)" :: "q"(v), "r"(addr) : "memory");
}

static inline void writew(uintptr_t addr, uint16_t v)
{
	__asm__ volatile("movw %0, (%1)" :: "r"(v), "r"(addr) : "memory");
}

static inline void writel(uintptr_t addr, uint32_t v)
{
	__asm__ volatile("movl %0, (%1)" :: "r"(v), "r"(addr) : "memory");
}

static inline void writeq(uintptr_t addr, uint64_t v)
{
	__asm__ volatile("movq %0, (%1)" :: "r"(v), "r"(addr) : "memory");
}

#endif
