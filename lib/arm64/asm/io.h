/*
 * MMIO accessors: exactly one plain LDR/STR per access, base register only.
 *
 * Why not *(volatile uint32_t *)p: the compiler may pick any addressing mode,
 * e.g. a post-indexed `str w1, [x0], #4` in a loop, or LDP/STP for neighbours.
 * When such an access faults at stage 2 (device memory the hypervisor
 * emulates), ESR_EL2.ISV is 0: no register or size is reported (Arm ARM
 * DDI 0487, ESR_EL2, "ISS encoding for an exception from a Data Abort", ISV:
 * valid only for a single general-purpose-register load or store without
 * writeback), so KVM cannot emulate the access and injects an external abort
 * (or, on older kernels, fails KVM_RUN). A single LDR/STR without writeback
 * reports ISV=1.
 * See docs/kvm.md.
 */
#ifndef ASM_IO_H
#define ASM_IO_H
#include <stdint.h>

static inline uint8_t readb(uintptr_t addr)
{
	uint32_t v;

	__asm__ volatile("ldrb %w0, [%1]" : "=r"(v) : "r"(addr) : "memory");
	return (uint8_t)v;
}

static inline uint16_t readw(uintptr_t addr)
{
	uint32_t v;

	__asm__ volatile("ldrh %w0, [%1]" : "=r"(v) : "r"(addr) : "memory");
	return (uint16_t)v;
}

static inline uint32_t readl(uintptr_t addr)
{
	uint32_t v;

	__asm__ volatile("ldr %w0, [%1]" : "=r"(v) : "r"(addr) : "memory");
	return v;
}

static inline uint64_t readq(uintptr_t addr)
{
	uint64_t v;

	__asm__ volatile("ldr %x0, [%1]" : "=r"(v) : "r"(addr) : "memory");
	return v;
}

static inline void writeb(uintptr_t addr, uint8_t v)
{
	__asm__ volatile("strb %w0, [%1]" :: "rZ"((uint32_t)v), "r"(addr) : "memory");
}

static inline void writew(uintptr_t addr, uint16_t v)
{
	__asm__ volatile("strh %w0, [%1]" :: "rZ"((uint32_t)v), "r"(addr) : "memory");
}

static inline void writel(uintptr_t addr, uint32_t v)
{
	__asm__ volatile("str %w0, [%1]" :: "rZ"(v), "r"(addr) : "memory");
}

static inline void writeq(uintptr_t addr, uint64_t v)
{
	__asm__ volatile("str %x0, [%1]" :: "rZ"(v), "r"(addr) : "memory");
}

#endif
