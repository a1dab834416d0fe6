/*
 * The GIC, version 2 (memory-mapped CPU interface) or 3 (system register CPU
 * interface, per-CPU redistributors), whichever the device tree describes.
 * INTIDs: 0-15 SGIs, 16-31 PPIs (banked per CPU), 32+ SPIs.
 */
#ifndef HVUT_ARM64_GIC_H
#define HVUT_ARM64_GIC_H
#include <stdbool.h>
#include <stdint.h>

#define GIC_SPURIOUS 1023
#define GIC_PPI(n) (16 + (n))
#define GIC_SPI(n) (32 + (n))

/* 2 or 3; 0 when the device tree has no GIC we know. */
int gic_version(void);
void gic_init(void);          /* boot CPU: the distributor */
void gic_cpu_init(void);      /* every CPU: its CPU interface (and redistributor) */
void gic_cpu_disable(void);

void gic_enable_irq(unsigned intid);
void gic_disable_irq(unsigned intid);
void gic_set_priority(unsigned intid, uint8_t prio);
uint8_t gic_get_priority(unsigned intid);
bool gic_irq_pending(unsigned intid);
bool gic_irq_active(unsigned intid);
void gic_clear_pending(unsigned intid);
void gic_clear_active(unsigned intid);

/* Acknowledge: returns the raw IAR value, to be handed back to gic_eoi(). */
uint32_t gic_ack(void);
unsigned gic_iar_intid(uint32_t iar);
void gic_eoi(uint32_t iar);
unsigned gic_hppir(void);     /* highest priority pending INTID (GIC_SPURIOUS if none) */
unsigned gic_rpr(void);       /* running priority */
void gic_set_pmr(uint8_t pmr);
uint8_t gic_pmr(void);

void gic_send_sgi(int cpu, unsigned sgi);
void gic_send_sgi_others(unsigned sgi);

#endif
