/* PSCI calls through the conduit the device tree names (/psci "method"). */
#include "hvut.h"
#include "devicetree.h"
#include <asm/psci.h>

static bool use_smc;

bool psci_init(void)
{
	int node = fdt_find_compatible(-1, "arm,psci-0.2");
	const char *method;

	if (node < 0)
		node = fdt_find_compatible(-1, "arm,psci");
	if (node < 0)
		return false;
	method = fdt_getprop_string(node, "method");
	use_smc = method && !strcmp(method, "smc");
	return method != NULL;
}

bool psci_uses_smc(void) { return use_smc; }

/* SMC Calling Convention: function ID in x0, arguments in x1-x3, result in x0. */
long psci_call(unsigned long fn, unsigned long a1, unsigned long a2, unsigned long a3)
{
	register unsigned long x0 __asm__("x0") = fn;
	register unsigned long x1 __asm__("x1") = a1;
	register unsigned long x2 __asm__("x2") = a2;
	register unsigned long x3 __asm__("x3") = a3;

	if (use_smc)
		__asm__ volatile("smc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3) :: "memory");
	else
		__asm__ volatile("hvc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3) :: "memory");
	return (long)x0;
}
