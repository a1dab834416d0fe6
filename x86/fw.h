/* hvut's x86 firmware (x86/firmware.S): what its parts share. 32-bit code. */
#ifndef HVUT_X86_FW_H
#define HVUT_X86_FW_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Low memory while the firmware runs, all of it free again once the test runs
 * (the test copies argv and environ before it allocates; it puts its AP
 * trampoline at 0x8000):
 *   0x05000  multiboot information built here (Bochs)
 *   0x10000  ACPI tables (QEMU's from fw_cfg, or the MADT built for Bochs), up to FW_ACPI_END
 *   0x70000  top of the firmware's stack
 *   0x80000  Bochs: the boot blob (bochs-run.sh), up to FW_BLOB_END
 *   0x9fc00  the EBDA: the RSDP, where lib/x86/acpi.c looks first (BDA word 0x40e)
 * Bochs: the test's ELF file at FW_BOCHS_ELF, copied to its link address.
 */
#define FW_MBI 0x5000
#define FW_ACPI 0x10000
#define FW_ACPI_END 0x60000
#define FW_BLOB 0x80000
#define FW_BLOB_END 0x9f000
#define FW_EBDA 0x9fc00
#define FW_EBDA_END 0xa0000
#define FW_BOCHS_ELF 0x2000000

#define MB_BOOT_MAGIC 0x2BADB002
#define MB_INFO_MEM (1 << 0)
#define MB_INFO_CMDLINE (1 << 2)
#define MB_INFO_MODS (1 << 3)
#define MB_INFO_MMAP (1 << 6)

struct mb_info {
	uint32_t flags, mem_lower, mem_upper, boot_device, cmdline, mods_count, mods_addr;
};
struct mb_module {
	uint32_t start, end, string, reserved;
};

static inline void outb(uint16_t port, uint8_t v) { __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port) : "memory"); }
static inline void outw(uint16_t port, uint16_t v) { __asm__ volatile("outw %0, %1" : : "a"(v), "Nd"(port) : "memory"); }
static inline void outl(uint16_t port, uint32_t v) { __asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port) : "memory"); }
static inline uint8_t inb(uint16_t port)
{
	uint8_t v;

	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port) : "memory");
	return v;
}

void *memcpy(void *d, const void *s, size_t n);
void *memmove(void *d, const void *s, size_t n);
void *memset(void *d, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
/* A pointer to a physical address (the firmware runs 1:1, paging off). */
static inline void *phys(uintptr_t a)
{
	__asm__("" : "+r"(a));
	return (void *)a;
}

/* Prints "hvut-firmware: <why>" on COM1 and powers off (QEMU, Bochs). */
void fw_fail(const char *why) __attribute__((noreturn));
void fw_puts(const char *s);
/* Into the test: fw_enter(entry, mbi), firmware.S. */
void fw_enter(uint32_t entry, uint32_t mbi) __attribute__((noreturn));
/* The byte that makes the n bytes at p sum to 0 (ACPI 6.5, 5.2.5.3 and 5.2.6). */
uint8_t acpi_checksum(const void *p, size_t n);
/* Points the BIOS data area's EBDA word (0x40e) at FW_EBDA. */
void fw_set_ebda(void);

/* x86/fw-qemu.c: true (after entering the test, so never) when QEMU's fw_cfg is there. */
bool fw_cfg_present(void);
void fw_qemu_boot(void) __attribute__((noreturn));
/* x86/fw-bochs.c: the blob that bochs-run.sh loaded with optramimage. */
bool fw_blob_present(void);
void fw_bochs_boot(void) __attribute__((noreturn));
#endif
