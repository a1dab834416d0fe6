/*
 * The PAPR virtual terminal (PAPR+ 14.5.4.7): H_PUT_TERM_CHAR takes up to 16
 * bytes in two registers, first byte in the most significant byte of r6.
 * Power-off is the RTAS "power-off" call.
 */
#include "hvut.h"
#include "console.h"
#include "devicetree.h"
#include "spinlock.h"
#include <asm/hcall.h>
#include <asm/rtas.h>
#include <asm/processor.h>

static struct spinlock console_lock;
static unsigned long vty_termno;   /* the vty's "reg"; 0 until the device tree is read */

void ppc_console_init(void)
{
	int node = fdt_find_compatible(-1, "hvterm1");
	uint64_t reg, size;

	if (node >= 0 && fdt_reg(node, 0, &reg, &size))
		vty_termno = reg;
}

unsigned long ppc_vty_termno(void)
{
	return vty_termno;
}

static void put_chunk(const char *s, size_t n)
{
	unsigned long w[2] = { 0, 0 };

	for (size_t i = 0; i < n; i++)
		w[i / 8] |= (unsigned long)(unsigned char)s[i] << (56 - 8 * (i % 8));
	/* H_BUSY: the hypervisor's buffer is full; try again (bounded, never hang). */
	for (int tries = 0; tries < 100000; tries++)
		if (hcall4(H_PUT_TERM_CHAR, vty_termno, n, w[0], w[1]) != H_BUSY)
			break;
}

void console_write(const char *s, size_t n)
{
	spin_lock(&console_lock);
	while (n) {
		size_t k = n < 16 ? n : 16;

		put_chunk(s, k);
		s += k;
		n -= k;
	}
	spin_unlock(&console_lock);
}

/* H_GET_TERM_CHAR: up to 16 bytes, first in the top byte of r5; kept here between calls. */
int console_getc(void)
{
	static unsigned char buf[16];
	static unsigned n, next;
	unsigned long out[6];

	if (next == n) {
		next = n = 0;
		if (hcall(H_GET_TERM_CHAR, out, vty_termno, 0, 0, 0, 0, 0) != H_SUCCESS || !out[0])
			return -1;
		n = out[0] > 16 ? 16 : (unsigned)out[0];
		for (unsigned i = 0; i < n; i++)
			buf[i] = (unsigned char)(out[1 + i / 8] >> (56 - 8 * (i % 8)));
	}
	return buf[next++];
}

/* The hypervisor takes the bytes synchronously: nothing is left to drain. */
void console_flush(void)
{
}

void arch_poweroff(int status)
{
	int token = rtas_token("power-off");

	(void)status;   /* exit() printed it: pseries power-off has no exit code */
	if (token != RTAS_UNKNOWN_TOKEN)
		rtas_call(token, 2, 1, NULL, 0, 0);   /* power-on mask: none */
	/* Still here: stop; the harness's timeout ends the run. */
	for (;;)
		hcall0(H_CEDE);
}
