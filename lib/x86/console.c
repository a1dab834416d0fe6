/* COM1 console, and the ways an x86 guest ends the VM. */
#include "hvut.h"
#include "console.h"
#include "spinlock.h"
#include <asm/processor.h>

#define COM1 0x3f8
#define UART_THR 0
#define UART_IER 1
#define UART_DLL 0
#define UART_DLM 1
#define UART_FCR 2
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define LSR_THRE 0x20   /* holding register empty: room for one more byte */
#define LSR_TEMT 0x40   /* transmitter empty: every byte is on the wire */

/* QEMU's isa-debug-exit, as run_tests.sh configures it. */
#define DEBUG_EXIT_PORT 0xf4
/* Bochs: "Shutdown" written to this port powers off. */
#define BOCHS_SHUTDOWN_PORT 0x8900

static struct spinlock console_lock;

void x86_console_init(void)
{
	outb(COM1 + UART_IER, 0);
	outb(COM1 + UART_LCR, 0x80);    /* DLAB: divisor follows */
	outb(COM1 + UART_DLL, 1);       /* 115200 baud */
	outb(COM1 + UART_DLM, 0);
	outb(COM1 + UART_LCR, 0x03);    /* 8N1 */
	outb(COM1 + UART_FCR, 0xc7);    /* FIFOs on and cleared */
	outb(COM1 + UART_MCR, 0x0b);
}

static void uart_putc(char c)
{
	/* Bounded: a missing UART must not hang the test. */
	for (int i = 0; i < 1000000 && !(inb(COM1 + UART_LSR) & LSR_THRE); i++)
		cpu_relax();
	outb(COM1 + UART_THR, c);
}

void console_write(const char *s, size_t n)
{
	spin_lock(&console_lock);
	for (size_t i = 0; i < n; i++)
		uart_putc(s[i]);
	spin_unlock(&console_lock);
}

int console_getc(void)
{
	return (inb(COM1 + UART_LSR) & 1) ? inb(COM1 + UART_THR) : -1;   /* LSR.DR; RBR shares THR's port */
}

void console_flush(void)
{
	for (int i = 0; i < 1000000 && !(inb(COM1 + UART_LSR) & LSR_TEMT); i++)
		cpu_relax();
}

void arch_poweroff(int status)
{
	const char *bochs = "Shutdown";

	outl(DEBUG_EXIT_PORT, status);
	for (const char *p = bochs; *p; p++)
		outb(BOCHS_SHUTDOWN_PORT, *p);
	/* Nothing ended the VM: stop here; the harness's timeout ends the run. */
	for (;;) {
		irq_disable();
		halt();
	}
}
