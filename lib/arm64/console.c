/* The console: the first enabled PL011 in the device tree (QEMU virt: 0x09000000). */
#include "hvut.h"
#include "console.h"
#include "devicetree.h"
#include "spinlock.h"
#include <asm/sysreg.h>
#include <asm/psci.h>
#include <asm/io.h>

#define UART_DR 0x00
#define UART_FR 0x18
#define FR_BUSY (1 << 3)
#define FR_TXFF (1 << 5)

static uintptr_t uart;   /* MMIO through asm/io.h (docs/kvm.md) */
static struct spinlock lock;

void arm64_console_init(void)
{
	int node = fdt_find_compatible(-1, "arm,pl011");
	uint64_t base;

	while (node >= 0 && !fdt_is_enabled(node))
		node = fdt_find_compatible(node, "arm,pl011");
	if (node >= 0 && fdt_reg(node, 0, &base, NULL))
		uart = (uintptr_t)base;
}

void console_write(const char *s, size_t n)
{
	if (!uart)
		return;
	spin_lock(&lock);
	for (size_t i = 0; i < n; i++) {
		while (readl(uart + UART_FR) & FR_TXFF)
			;
		writel(uart + UART_DR, (unsigned char)s[i]);
	}
	spin_unlock(&lock);
}

#define FR_RXFE (1 << 4)
int console_getc(void)
{
	if (!uart || (readl(uart + UART_FR) & FR_RXFE))
		return -1;
	return (int)(readl(uart + UART_DR) & 0xff);
}

void console_flush(void)
{
	while (uart && (readl(uart + UART_FR) & FR_BUSY))
		;
}

void arch_poweroff(int status)
{
	(void)status;   /* the harness reads the status from the EXIT: line */
	psci_call(PSCI_SYSTEM_OFF, 0, 0, 0);
	for (;;)
		wfi();
}
