/*
 * The console and the ways a riscv64 guest ends the VM. Output goes to the
 * ns16550 UART the device tree names (QEMU virt: serial@10000000), else to SBI
 * DBCN, else to the legacy SBI putchar. Power-off is SBI SRST, then the legacy
 * shutdown call, then the "sifive,test0" finisher.
 */
#include "hvut.h"
#include "console.h"
#include "devicetree.h"
#include "spinlock.h"
#include <asm/csr.h>
#include <asm/sbi.h>
#include <asm/io.h>   /* every MMIO access: one plain load/store a hypervisor can emulate */

#define UART_THR 0
#define UART_LSR 5
#define LSR_THRE 0x20   /* holding register empty: room for one more byte */
#define LSR_TEMT 0x40   /* transmitter empty: every byte is on the wire */

/* sifive,test0 finisher: the low 16 bits say what to do, the high 16 the exit code. */
#define FINISHER_FAIL 0x3333
#define FINISHER_PASS 0x5555

static struct spinlock console_lock;
static uintptr_t uart;
static unsigned reg_shift, reg_width = 1;
static bool use_dbcn;

static uint32_t uart_read(unsigned reg)
{
	uintptr_t p = uart + (reg << reg_shift);

	return reg_width == 4 ? readl(p) : readb(p);
}

static void uart_write(unsigned reg, uint32_t v)
{
	uintptr_t p = uart + (reg << reg_shift);

	if (reg_width == 4)
		writel(p, v);
	else
		writeb(p, (uint8_t)v);
}

/* The UART /chosen/stdout-path names, or the first enabled ns16550a. */
static int find_uart(void)
{
	int chosen = fdt_path_offset("/chosen");
	const char *path = chosen >= 0 ? fdt_getprop_string(chosen, "stdout-path") : NULL;

	if (path) {
		char buf[128];
		size_t n = strcspn(path, ":");   /* "path:options" */
		int node;

		if (n < sizeof(buf)) {
			memcpy(buf, path, n);
			buf[n] = 0;
			node = fdt_path_offset(buf);
			if (node >= 0 && fdt_is_compatible(node, "ns16550a"))
				return node;
		}
	}
	for (int node = fdt_find_compatible(-1, "ns16550a"); node >= 0;
	     node = fdt_find_compatible(node, "ns16550a"))
		if (fdt_is_enabled(node))
			return node;
	return -1;
}

void riscv_console_init(void)
{
	int node = find_uart();
	uint64_t base, size;
	uint32_t v;

	if (node >= 0 && fdt_reg(node, 0, &base, &size)) {
		if (fdt_getprop_u32(node, "reg-shift", &v))
			reg_shift = v;
		if (fdt_getprop_u32(node, "reg-io-width", &v))
			reg_width = v;
		uart = (uintptr_t)base;
		return;
	}
	use_dbcn = sbi_has(SBI_EXT_DBCN);
}

static void uart_putc(char c)
{
	/* Bounded: a missing UART must not hang the test. */
	for (int i = 0; i < 1000000 && !(uart_read(UART_LSR) & LSR_THRE); i++)
		cpu_relax();
	uart_write(UART_THR, (uint8_t)c);
}

void console_write(const char *s, size_t n)
{
	spin_lock(&console_lock);
	if (uart) {
		for (size_t i = 0; i < n; i++)
			uart_putc(s[i]);
	} else if (use_dbcn) {
		/* DBCN takes a physical address; memory is identity mapped. */
		while (n) {
			struct sbiret r = sbi_dbcn_write(n, (uintptr_t)s, 0);

			if (r.error || !r.value)
				break;
			s += r.value;
			n -= r.value;
		}
	} else {
		for (size_t i = 0; i < n; i++)
			sbi_legacy_putchar(s[i]);
	}
	spin_unlock(&console_lock);
}

int console_getc(void)
{
	if (uart)
		return (uart_read(5) & 1) ? (int)(uart_read(0) & 0xff) : -1;   /* LSR.DR, RBR */
	return -1;
}

void console_flush(void)
{
	for (int i = 0; uart && i < 1000000 && !(uart_read(UART_LSR) & LSR_TEMT); i++)
		cpu_relax();
}

void arch_poweroff(int status)
{
	int test;
	uint64_t base, size;

	if (sbi_has(SBI_EXT_SRST))
		sbi_system_reset(SBI_SRST_SHUTDOWN,
				 status == 1 ? SBI_SRST_REASON_FAILURE : SBI_SRST_REASON_NONE);
	if (sbi_has(SBI_EXT_LEGACY_SHUTDOWN))
		sbi_legacy_shutdown();
	test = fdt_find_compatible(-1, "sifive,test0");
	if (test >= 0 && fdt_reg(test, 0, &base, &size))
		writel((uintptr_t)base, status ? (uint32_t)status << 16 | FINISHER_FAIL : FINISHER_PASS);
	/* Nothing ended the VM: stop here; the harness's timeout ends the run. */
	for (;;) {
		local_irq_disable();
		wfi();
	}
}
