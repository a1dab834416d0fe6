/*
 * The local APIC (Intel SDM vol. 3A, chapter "Advanced Programmable Interrupt
 * Controller (APIC)") in xAPIC (MMIO) and x2APIC (MSR) modes. apic_read() and
 * apic_write() take the xAPIC MMIO offset and go through the MSR 0x800 + off/16
 * when this CPU is in x2APIC mode (SDM "x2APIC Register Address Space").
 */
#ifndef HVUT_X86_APIC_H
#define HVUT_X86_APIC_H
#include <stdint.h>
#include <stdbool.h>

#define APIC_DEFAULT_BASE 0xfee00000UL
#define APIC_ID 0x20
#define APIC_VERSION 0x30
#define APIC_TPR 0x80
#define APIC_APR 0x90
#define APIC_PPR 0xa0
#define APIC_EOI 0xb0
#define APIC_LDR 0xd0
#define APIC_DFR 0xe0
#define APIC_SPIV 0xf0
#define APIC_ISR 0x100
#define APIC_TMR 0x180
#define APIC_IRR 0x200
#define APIC_ESR 0x280
#define APIC_LVT_CMCI 0x2f0
#define APIC_ICR_LO 0x300
#define APIC_ICR_HI 0x310
#define APIC_LVT_TIMER 0x320
#define APIC_LVT_THERMAL 0x330
#define APIC_LVT_PERF 0x340
#define APIC_LVT_LINT0 0x350
#define APIC_LVT_LINT1 0x360
#define APIC_LVT_ERROR 0x370
#define APIC_TIMER_INIT 0x380
#define APIC_TIMER_CUR 0x390
#define APIC_TIMER_DIV 0x3e0
#define APIC_SELF_IPI 0x3f0   /* x2APIC only */

/* IA32_APIC_BASE (SDM "Local APIC Status and Location") */
#define APIC_BASE_BSP (1ULL << 8)
#define APIC_BASE_EXTD (1ULL << 10)
#define APIC_BASE_EN (1ULL << 11)
#define MSR_X2APIC_BASE 0x800

/* Spurious-interrupt vector register */
#define APIC_SPIV_ENABLE (1U << 8)
#define APIC_SPIV_EOI_SUPPRESS (1U << 12)

/* LVT entries */
#define APIC_LVT_MASKED (1U << 16)
#define APIC_LVT_PENDING (1U << 12)
#define APIC_LVT_LEVEL (1U << 15)
#define APIC_LVT_NMI (4U << 8)
#define APIC_TIMER_ONESHOT (0U << 17)
#define APIC_TIMER_PERIODIC (1U << 17)
#define APIC_TIMER_TSC_DEADLINE (2U << 17)

/* ICR (low word) */
#define APIC_ICR_FIXED 0x00000000U
#define APIC_ICR_LOWEST 0x00000100U
#define APIC_ICR_NMI 0x00000400U
#define APIC_ICR_INIT 0x00000500U
#define APIC_ICR_STARTUP 0x00000600U
#define APIC_ICR_LOGICAL 0x00000800U
#define APIC_ICR_BUSY 0x00001000U
#define APIC_ICR_LEVEL_ASSERT 0x00004000U
#define APIC_ICR_TRIGGER_LEVEL 0x00008000U
#define APIC_DEST_SELF 0x00040000U
#define APIC_DEST_ALL 0x00080000U
#define APIC_DEST_ALL_BUT_SELF 0x000c0000U

/* The single-instruction MMIO accessors: one plain 32-bit load or store. */
uint32_t apic_mmio_read(unsigned reg);
void apic_mmio_write(unsigned reg, uint32_t val);

/* Mode-aware accessors (xAPIC offsets; x2APIC: the MSR 0x800 + reg / 16). */
uint32_t apic_read(unsigned reg);
void apic_write(unsigned reg, uint32_t val);
uint32_t apic_id(void);   /* xAPIC: ID[31:24]; x2APIC: the 32-bit x2APIC ID */
void apic_eoi(void);
void apic_enable(void);   /* xAPIC, software enabled, spurious vector 0xff */
bool apic_x2apic_mode(void);

/*
 * Moves this CPU's APIC to a mode (SDM "x2APIC State Transitions"): writes
 * IA32_APIC_BASE with EN/EXTD as given and returns the vector the WRMSR
 * raised (NO_EXCEPTION on success); the accessors follow the new mode.
 */
enum apic_mode { APIC_MODE_DISABLED, APIC_MODE_INVALID, APIC_MODE_XAPIC, APIC_MODE_X2APIC };
int apic_set_mode(enum apic_mode mode);
enum apic_mode apic_mode_now(void);

/* Sends an IPI: icr_lo holds delivery mode, vector, shorthand; dest is the
 * destination field (8 bits in xAPIC, 32 in x2APIC). Waits (bounded) for the
 * delivery status to clear in xAPIC mode; returns false if it stayed busy. */
bool apic_icr_write(uint32_t icr_lo, uint32_t dest);

/* One bit of the 256-bit ISR, TMR or IRR (reg = APIC_ISR, APIC_TMR, APIC_IRR). */
bool apic_vector_bit(unsigned reg, unsigned vector);
/* The highest vector set in ISR/TMR/IRR, or -1. */
int apic_highest_vector(unsigned reg);

/*
 * Sends a fixed self-IPI of `vector` and waits (bounded: an emulated APIC,
 * Bochs, may set the bit a little later) for its IRR bit; returns that bit.
 * With IF=0 it stays pending there, for a test that wants an interrupt
 * waiting at a given point (e.g. VMRUN).
 */
bool apic_self_ipi_pending(unsigned vector);

/* Masks the 8259 PICs and LINT0 so no ExtINT reaches us behind a test's back. */
void apic_quiet_legacy(void);

/*
 * Bounded waits: every wait in the interrupt tests ends after `tsc` TSC ticks
 * at most. APIC_WAIT_TSC bounds a wait for something that must happen, and
 * a passing wait ends as soon as its condition holds: only a failure pays it.
 * Under QEMU and KVM the TSC follows host time, which a loaded host (a vCPU
 * thread, or the kvm lane's L1, not run for a while) spends without running
 * the guest: 5e9 ticks there, ~2 s at host GHz rates. Bochs' TSC counts the
 * guest's own instructions, which no host load eats, and a failing wait is
 * already minutes of it: 1e9 ticks there. Which one comes from the harness'
 * HVUT_VMM/ACCEL (lib/x86/apic.c: apic_wait_tsc()).
 * APIC_STALL_TSC is a window that a passing run may spend in full (how long
 * another CPU's progress must stand still to count as stopped): 1e9 ticks.
 */
#define APIC_WAIT_TSC apic_wait_tsc()
#define APIC_STALL_TSC 1000000000ULL
uint64_t apic_wait_tsc(void);
bool wait_count_at_least(volatile unsigned *count, unsigned target, uint64_t tsc);
/* The row for an interrupt miscount made only of takes that interrupted IF=0 code (lib/x86/apic.c). */
const char *irq_miscount_row(unsigned got, unsigned got_if0, unsigned want);

#endif
