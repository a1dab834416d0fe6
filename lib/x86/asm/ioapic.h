/*
 * The I/O APIC (Intel 82093AA datasheet): two indirect registers, IOREGSEL
 * and IOWIN, at its base; version 20H parts add an EOI register at 40H.
 */
#ifndef HVUT_X86_IOAPIC_H
#define HVUT_X86_IOAPIC_H
#include <stdint.h>

#define IOAPIC_DEFAULT_BASE 0xfec00000UL
#define IOAPIC_ID 0x00
#define IOAPIC_VERSION 0x01
#define IOAPIC_ARB 0x02
#define IOAPIC_REDIR(pin) (0x10 + 2 * (pin))
#define IOAPIC_EOI_OFFSET 0x40

/* Redirection entry fields (82093AA 3.2.4). */
#define IOAPIC_LOWEST (1ULL << 8)
#define IOAPIC_LOGICAL (1ULL << 11)
#define IOAPIC_DELIVS (1ULL << 12)
#define IOAPIC_ACTIVE_LOW (1ULL << 13)
#define IOAPIC_REMOTE_IRR (1ULL << 14)
#define IOAPIC_LEVEL (1ULL << 15)
#define IOAPIC_MASKED (1ULL << 16)
#define IOAPIC_DEST(d) ((uint64_t)(d) << 56)

uint32_t ioapic_read(unsigned reg);
void ioapic_write(unsigned reg, uint32_t val);
uint64_t ioapic_redir_read(unsigned pin);
/* Writes the high word first, so an unmasked low word never meets a stale destination. */
void ioapic_redir_write(unsigned pin, uint64_t entry);
/* The EOI register of version 20H and later: clears Remote IRR of the entries with this vector. */
void ioapic_eoi(unsigned vector);

#endif
