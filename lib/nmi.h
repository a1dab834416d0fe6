/*
 * A non-maskable interrupt from the harness (docs/protocol.md "NMI"): the
 * guest asks on its console, the harness injects one with QEMU's QMP
 * inject-nmi (an NMI to every vCPU on x86, a system reset on pseries) and
 * then says so on the console input. Only for cfg entries with `nmi = yes`
 * on QEMU lanes (the harness writes HVUT_NMI=1 into the environ).
 */
#ifndef HVUT_NMI_H
#define HVUT_NMI_H
#include <stdbool.h>

/* True when this run can ask for an NMI; else prints one SKIP naming why and returns false. */
bool nmi_available(void);
/*
 * Prints "NMI: inject N" without its newline: the harness acts on the
 * newline, which the caller writes itself, so that it can end the line from
 * code whose every instruction it knows (the NMI may come right after it).
 */
void nmi_request_start(void);
/* The whole request line. */
void nmi_request(void);
/*
 * Waits for the harness's "NMI-INJECTED" on the console input (it comes
 * after QEMU accepted inject-nmi); as long as it takes: the harness bounds
 * the wait (lib/nmi.c says how). Returns true.
 */
bool nmi_wait_injected(void);

#endif
