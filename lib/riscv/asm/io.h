/*
 * MMIO accessors: exactly one plain load or store per access.
 *
 * A hypervisor emulates a guest's MMIO access from the trapping instruction
 * (htinst, or the instruction read back from guest memory: RISC-V Privileged
 * Architecture, "Transformed Instruction or Pseudoinstruction for mtinst or
 * htinst"); KVM decodes plain loads and stores only, not AMOs, LR/SC or
 * vector accesses. Inline asm keeps the compiler from choosing anything else.
 * See docs/kvm.md.
 */
#ifndef ASM_IO_H
#define ASM_IO_H
#include <stdint.h>

static inline uint8_t readb(uintptr_t addr)
{
	uint8_t v;

	__asm__ volatile("lbu %0, 0(%1)" : "=r"(v) : "r"(addr) : "memory");
	return v;
}

static inline uint16_t readw(uintptr_t addr)
{
	uint16_t v;

	__asm__ volatile("lhu %0, 0(%1)" : "=r"(v) : "r"(addr) : "memory");
	return v;
}

static inline uint32_t readl(uintptr_t addr)
{
	uint32_t v;

	__asm__ volatile("lw %0, 0(%1)" : "=r"(v) : "r"(addr) : "memory");
	return v;
}

static inline uint64_t readq(uintptr_t addr)
{
	uint64_t v;

	__asm__ volatile("ld %0, 0(%1)" : "=r"(v) : "r"(addr) : "memory");
	return v;
}

static inline void writeb(uintptr_t addr, uint8_t v)
{
	__asm__ volatile("sb %0, 0(%1)" :: "rJ"(v), "r"(addr) : "memory");
}

static inline void writew(uintptr_t addr, uint16_t v)
{
	__asm__ volatile("sh %0, 0(%1)" :: "rJ"(v), "r"(addr) : "memory");
}

static inline void writel(uintptr_t addr, uint32_t v)
{
	__asm__ volatile("sw %0, 0(%1)" :: "rJ"(v), "r"(addr) : "memory");
}

static inline void writeq(uintptr_t addr, uint64_t v)
{
	__asm__ volatile("sd %0, 0(%1)" :: "rJ"(v), "r"(addr) : "memory");
}

#endif
