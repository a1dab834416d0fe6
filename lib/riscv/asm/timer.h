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

#endif
