/* The local APIC in xAPIC mode (MMIO at its default base). */
#ifndef HVUT_X86_APIC_H
#define HVUT_X86_APIC_H
#include <stdint.h>

#define APIC_DEFAULT_BASE 0xfee00000UL
#define APIC_ID 0x20
#define APIC_VERSION 0x30
#define APIC_TPR 0x80
#define APIC_EOI 0xb0
#define APIC_SPIV 0xf0
#define APIC_ESR 0x280
#define APIC_ICR_LO 0x300
#define APIC_ICR_HI 0x310
#define APIC_LVT_TIMER 0x320
#define APIC_LVT_PERF 0x340
#define APIC_LVT_LINT0 0x350
#define APIC_LVT_LINT1 0x360
#define APIC_LVT_ERROR 0x370
#define APIC_TIMER_INIT 0x380
#define APIC_TIMER_CUR 0x390
#define APIC_TIMER_DIV 0x3e0

#define APIC_LVT_MASKED (1U << 16)
#define APIC_ICR_INIT 0x00000500U
#define APIC_ICR_STARTUP 0x00000600U
#define APIC_ICR_NMI 0x00000400U
#define APIC_ICR_LEVEL_ASSERT 0x00004000U
#define APIC_ICR_BUSY 0x00001000U

uint32_t apic_read(unsigned reg);
void apic_write(unsigned reg, uint32_t val);
uint32_t apic_id(void);
void apic_eoi(void);
void apic_enable(void);
/* Sends an IPI: icr_lo holds delivery mode and vector. */
void apic_icr_write(uint32_t icr_lo, uint32_t dest_apic_id);

#endif
