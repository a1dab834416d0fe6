/*
 * hvut's x86 firmware, 32-bit part: what QEMU and Bochs share. fw_main()
 * quiets the legacy interrupt controllers, then hands over to the loader for
 * the VMM it finds: QEMU's fw_cfg (x86/fw-qemu.c) or the blob bochs-run.sh
 * put in RAM (x86/fw-bochs.c).
 */
#include "fw.h"

#define COM1 0x3f8
#define QEMU_DEBUG_EXIT 0xf4      /* isa-debug-exit, as x86/vmm.sh configures it */
#define BOCHS_SHUTDOWN 0x8900

void *memcpy(void *d, const void *s, size_t n)
{
	__asm__ volatile("rep movsb" : "+D"(d), "+S"(s), "+c"(n) : : "memory");
	return d;
}

void *memmove(void *d, const void *s, size_t n)
{
	uint8_t *dp = d;
	const uint8_t *sp = s;

	if (dp <= sp || dp >= sp + n)
		return memcpy(d, s, n);
	while (n--)
		dp[n] = sp[n];
	return d;
}

void *memset(void *d, int c, size_t n)
{
	void *p = d;

	__asm__ volatile("rep stosb" : "+D"(p), "+c"(n) : "a"(c) : "memory");
	return d;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const uint8_t *x = a, *y = b;

	for (size_t i = 0; i < n; i++)
		if (x[i] != y[i])
			return x[i] - y[i];
	return 0;
}

size_t strlen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

/*
 * COM1 at 8 data bits (LCR = 03H, no parity, 1 stop bit; 16550 datasheet,
 * "Line Control Register"): Bochs starts with LCR = 0, five data bits, and
 * sends 'h' as 08H. The divisor does not matter to either VMM. Then wait
 * for THR empty (LSR bit 5) before each byte.
 */
void fw_puts(const char *s)
{
	outb(COM1 + 3, 0x03);
	for (; *s; s++) {
		while (!(inb(COM1 + 5) & 0x20))
			;
		outb(COM1, *s);
	}
}

void fw_fail(const char *why)
{
	fw_puts("hvut-firmware: ");
	fw_puts(why);
	fw_puts("\n");
	outb(QEMU_DEBUG_EXIT, 1);
	for (const char *p = "Shutdown"; *p; p++)
		outb(BOCHS_SHUTDOWN, *p);
	for (;;)
		__asm__ volatile("cli; hlt");
}

uint8_t acpi_checksum(const void *p, size_t n)
{
	uint8_t sum = 0;

	for (size_t i = 0; i < n; i++)
		sum += ((const uint8_t *)p)[i];
	return (uint8_t)-sum;
}

void fw_set_ebda(void)
{
	*(volatile uint16_t *)phys(0x40e) = FW_EBDA >> 4;
}

/*
 * The 8259 pair, initialised (ICW1-ICW4: vectors 0x20 and 0x28, cascade on
 * IRQ2) and then fully masked: the tests use the local APIC only, and no
 * legacy IRQ should ever reach a test that enables interrupts (Intel 8259A
 * datasheet, "Initialization Command Words").
 */
static void mask_pics(void)
{
	outb(0x20, 0x11);
	outb(0xa0, 0x11);
	outb(0x21, 0x20);
	outb(0xa1, 0x28);
	outb(0x21, 0x04);
	outb(0xa1, 0x02);
	outb(0x21, 0x01);
	outb(0xa1, 0x01);
	outb(0x21, 0xff);
	outb(0xa1, 0xff);
}

void fw_main(void);
void fw_main(void)
{
	mask_pics();
	if (fw_cfg_present())
		fw_qemu_boot();
	if (fw_blob_present())
		fw_bochs_boot();
	fw_fail("no QEMU fw_cfg and no hvut boot blob: nothing to boot");
}
