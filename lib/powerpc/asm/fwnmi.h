/*
 * An instantiated RTAS and FWNMI registration (lib/powerpc/fwnmi.c).
 */
#ifndef HVUT_PPC_FWNMI_H
#define HVUT_PPC_FWNMI_H
#include <stdbool.h>
#include <stdint.h>

/* The RTAS data area rtas_instantiate() gave the hypervisor (0, 0 before). */
extern unsigned long rtas_area_base, rtas_area_size;

/*
 * Gives RTAS its data area, as Open Firmware's instantiate-rtas would, and
 * tells the hypervisor where it is (/rtas linux,rtas-base in QEMU's copy of
 * the device tree). True when done (or done before); false with *why set.
 */
bool rtas_instantiate(const char **why);

/*
 * RTAS ibm,nmi-register (LoPAR 7.3.14): the real addresses of the system
 * reset and machine check handlers. Returns the RTAS status, or
 * RTAS_UNKNOWN_TOKEN when /rtas has no such call.
 */
int fwnmi_register(unsigned long sreset, unsigned long mce);

#endif
