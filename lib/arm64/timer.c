/* Where the generic timer's interrupts are wired: the arm,armv8-timer node. */
#include "hvut.h"
#include "devicetree.h"
#include <asm/timer.h>

/*
 * "interrupts" lists secure physical, non-secure physical, virtual and
 * hypervisor timers, three cells each (type, number, flags); type 1 = PPI,
 * whose INTID is number + 16.
 */
bool timer_irqs(unsigned *phys_intid, unsigned *virt_intid)
{
	int node = fdt_find_compatible(-1, "arm,armv8-timer");
	const void *p;
	int len;

	if (node < 0)
		node = fdt_find_compatible(-1, "arm,armv7-timer");
	if (node < 0 || !(p = fdt_getprop(node, "interrupts", &len)) || len < 36)
		return false;
	*phys_intid = fdt_cell(p, 4) + 16;
	*virt_intid = fdt_cell(p, 7) + 16;
	return fdt_cell(p, 3) == 1 && fdt_cell(p, 6) == 1;
}
