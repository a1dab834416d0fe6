/*
 * XSAVE state components and instructions (SDM vol. 1 chapter "Managing
 * State Using the XSAVE Feature Set", vol. 2C/2D XGETBV, XSETBV, XSAVE,
 * XRSTOR). The caller enables CR4.OSXSAVE first.
 */
#ifndef HVUT_X86_ASM_XSAVE_H
#define HVUT_X86_ASM_XSAVE_H
#include <stdbool.h>
#include <stdint.h>

#define XFEATURE_X87 (1ULL << 0)
#define XFEATURE_SSE (1ULL << 1)
#define XFEATURE_AVX (1ULL << 2)
#define XFEATURE_OPMASK (1ULL << 5)
#define XFEATURE_ZMM_HI256 (1ULL << 6)
#define XFEATURE_HI16_ZMM (1ULL << 7)
#define XFEATURE_AVX512 (XFEATURE_OPMASK | XFEATURE_ZMM_HI256 | XFEATURE_HI16_ZMM)
#define XFEATURE_PKRU (1ULL << 9)
#define XSAVE_HDR 512   /* the XSAVE header: XSTATE_BV, then XCOMP_BV */

static inline uint64_t xgetbv(uint32_t idx)
{
	uint32_t lo, hi;

	__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(idx));
	return lo | ((uint64_t)hi << 32);
}

static inline void xsetbv(uint32_t idx, uint64_t val)
{
	__asm__ volatile("xsetbv" :: "c"(idx), "a"((uint32_t)val), "d"((uint32_t)(val >> 32)));
}

static inline void xsave(void *a, uint64_t mask)
{
	__asm__ volatile("xsave64 (%0)" :: "r"(a), "a"((uint32_t)mask), "d"((uint32_t)(mask >> 32)) : "memory");
}

static inline void xrstor(void *a, uint64_t mask)
{
	__asm__ volatile("xrstor64 (%0)" :: "r"(a), "a"((uint32_t)mask), "d"((uint32_t)(mask >> 32)) : "memory");
}

static inline uint64_t *xstate_bv(void *a) { return (uint64_t *)((uint8_t *)a + XSAVE_HDR); }

static inline void xsaveopt(void *a, uint64_t mask)
{
	__asm__ volatile("xsaveopt64 (%0)" :: "r"(a), "a"((uint32_t)mask), "d"((uint32_t)(mask >> 32)) : "memory");
}

/* XMM (16 bytes) or YMM (32) registers 0-15 from and to buf[32 * n] (lib/x86/xsave.c); xmm_zero_all: PXOR each. */
void xmm_load_all(const void *buf);
void xmm_store_all(void *buf);
void ymm_load_all(const void *buf);
void ymm_store_all(void *buf);
void xmm_zero_all(void);

/* CR0.EM=0, MP=1 and CR4.OSFXSR, OSXMMEXCPT, OSXSAVE: what XSAVE and SSE/AVX need (lib/x86/xsave.c). */
void xsave_enable_os(void);
/*
 * XSETBV(0, v), then XCR0 read back after a CPUID: a check (an XFAIL where
 * the deviation table names "xsetbv-not-intercepted"). False: XCR0 is not v.
 */
bool xcr0_set_checked(uint64_t v);

#endif
