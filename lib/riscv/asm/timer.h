/* The time CSR and the SBI timer, in the timebase of /cpus/timebase-frequency. */
#ifndef HVUT_RISCV_TIMER_H
#define HVUT_RISCV_TIMER_H
#include <stdint.h>
#include <asm/csr.h>

static inline uint64_t read_time(void) { return csr_read(CSR_TIME); }
/* Ticks per second (from the device tree; 10 MHz on QEMU virt). */
uint64_t timer_freq(void);
uint64_t us_to_ticks(uint64_t us);
void udelay(uint64_t us);
/* Arms the S-mode timer for `ticks` from now through SBI (TIME, or the legacy call). */
void timer_arm(uint64_t ticks);
/* Sets the timer to the far future, which also clears sip.STIP. */
void timer_disarm(void);
void timer_init(void);

/*
 * How long a test waits for an asynchronous event (an interrupt, an IPI, an
 * SBI event, another hart's state change) before calling it lost: 10 s of the
 * time CSR. Neither the privileged spec nor the SBI spec bounds how late a
 * pending interrupt or a remote hart's action may be observed, and under QEMU
 * TCG the time CSR follows the host clock (the ACLINT mtime of the virt
 * machine) while the event is raised by a host thread: a loaded host shows up
 * as guest time passing. So this is a generous wall bound, not an
 * architectural one; a passing wait ends at the arrival and costs nothing.
 */
#define EVENT_WAIT_MS 10000U

#endif
