/* The generic timer: counters, and the EL1 physical and EL1 virtual timers. */
#ifndef HVUT_ARM64_TIMER_H
#define HVUT_ARM64_TIMER_H
#include <stdbool.h>
#include <stdint.h>
#include <asm/sysreg.h>

#define CNT_CTL_ENABLE (1UL << 0)
#define CNT_CTL_IMASK (1UL << 1)
#define CNT_CTL_ISTATUS (1UL << 2)

static inline uint64_t read_cntfrq(void) { return read_sysreg(cntfrq_el0); }
/* The ISB keeps the counter read from being done early (Arm ARM D12.1.2). */
static inline uint64_t read_cntvct(void) { isb(); return read_sysreg(cntvct_el0); }
static inline uint64_t read_cntpct(void) { isb(); return read_sysreg(cntpct_el0); }

static inline void udelay(unsigned long us)
{
	uint64_t end = read_cntvct() + us * read_cntfrq() / 1000000;

	while (read_cntvct() < end)
		;
}

enum timer_kind { TIMER_VIRT, TIMER_PHYS };

/* One timer's registers, so tests can run the same checks on both. */
static inline unsigned long timer_read_ctl(enum timer_kind t)
{
	return t == TIMER_VIRT ? read_sysreg(cntv_ctl_el0) : read_sysreg(cntp_ctl_el0);
}
static inline void timer_write_ctl(enum timer_kind t, unsigned long v)
{
	if (t == TIMER_VIRT)
		write_sysreg(v, cntv_ctl_el0);
	else
		write_sysreg(v, cntp_ctl_el0);
	isb();
}
static inline uint64_t timer_read_cval(enum timer_kind t)
{
	return t == TIMER_VIRT ? read_sysreg(cntv_cval_el0) : read_sysreg(cntp_cval_el0);
}
static inline void timer_write_cval(enum timer_kind t, uint64_t v)
{
	if (t == TIMER_VIRT)
		write_sysreg(v, cntv_cval_el0);
	else
		write_sysreg(v, cntp_cval_el0);
	isb();
}
/* TVAL is a signed 32-bit view of CVAL - counter. */
static inline int32_t timer_read_tval(enum timer_kind t)
{
	return (int32_t)(t == TIMER_VIRT ? read_sysreg(cntv_tval_el0) : read_sysreg(cntp_tval_el0));
}
static inline void timer_write_tval(enum timer_kind t, int32_t v)
{
	if (t == TIMER_VIRT)
		write_sysreg((unsigned long)(long)v, cntv_tval_el0);
	else
		write_sysreg((unsigned long)(long)v, cntp_tval_el0);
	isb();
}
static inline uint64_t timer_count(enum timer_kind t)
{
	return t == TIMER_VIRT ? read_cntvct() : read_cntpct();
}

/* The timers' PPIs (INTIDs) from the device tree's arm,armv8-timer node; false if absent. */
bool timer_irqs(unsigned *phys_intid, unsigned *virt_intid);

#endif
