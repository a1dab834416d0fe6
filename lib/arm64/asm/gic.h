/*
 * The GIC, version 2 (memory-mapped CPU interface) or 3 (system register CPU
 * interface, per-CPU redistributors), whichever the device tree describes.
 * INTIDs: 0-15 SGIs, 16-31 PPIs (banked per CPU), 32+ SPIs.
 */
#ifndef HVUT_ARM64_GIC_H
#define HVUT_ARM64_GIC_H
#include <stdbool.h>
#include <stdint.h>

/*
 * Distributor registers (IHI 0048B 4.3, IHI 0069 12.9); on v3 the SGI/PPI
 * ones live at the same offsets in each redistributor's SGI frame.
 */
#define GICD_CTLR 0x000
#define GICD_TYPER 0x004
#define GICD_IIDR 0x008
#define GICD_IGROUPR 0x080
#define GICD_ISENABLER 0x100
#define GICD_ICENABLER 0x180
#define GICD_ISPENDR 0x200
#define GICD_ICPENDR 0x280
#define GICD_ISACTIVER 0x300
#define GICD_ICACTIVER 0x380
#define GICD_IPRIORITYR 0x400
#define GICD_ITARGETSR 0x800
#define GICD_ICFGR 0xc00
#define GICD_SGIR 0xf00
#define GICD_IROUTER 0x6000
#define GICD_PIDR2_V2 0xfe8
#define GICD_PIDR2_V3 0xffe8
#define GICD_CTLR_RWP (1U << 31)
#define GICR_CTLR 0x00
#define GICR_IIDR 0x04
#define GICR_TYPER 0x08
#define GICR_WAKER 0x14
#define GICR_SGI_FRAME 0x10000

#define GIC_SPURIOUS 1023
#define GIC_PPI(n) (16 + (n))
#define GIC_SPI(n) (32 + (n))

/* MMIO bases: the distributor, and on v3 a CPU's redistributor (0 on v2). */
uintptr_t gic_dist_base(void);
uintptr_t gic_rdist_base(int cpu);

/* 2 or 3; 0 when the device tree has no GIC we know. */
int gic_version(void);
/* The version a test argument "gic=N" asks for (the cfg entry names the machine's GIC), 0 without one. */
int gic_wanted_version(int argc, char **argv);
/*
 * A GIC test's start: false after a SKIP when the device tree has no GIC,
 * or after a FAIL when argv's gic=N (gic_wanted_version()) is not the GIC
 * it describes; true to go on.
 */
bool gic_test_start(int argc, char **argv);
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
/*
 * An interrupt handler's usual shape: acknowledge and, unless the result is
 * spurious (nothing was acknowledged, nothing to EOI), EOI it at once.
 * Returns the INTID, GIC_SPURIOUS for none; the raw IAR value in *iar if
 * iar is not NULL. With EOImode 1 the EOI only drops the priority.
 */
unsigned gic_take(uint32_t *iar);
unsigned gic_hppir(void);     /* highest priority pending INTID (GIC_SPURIOUS if none) */
unsigned gic_rpr(void);       /* running priority */
void gic_set_pmr(uint8_t pmr);
uint8_t gic_pmr(void);

/* EOImode 1 (priority drop and deactivation apart); false if the bit did not stick. */
bool gic_set_eoimode(bool split);
void gic_deactivate(uint32_t iar);   /* ICC_DIR_EL1 / GICC_DIR */
unsigned gic_set_bpr(unsigned bpr);  /* binary point of the group in use; returns the value read back */
void gic_set_pending(unsigned intid);
void gic_set_active(unsigned intid);
void gic_route_spi_here(unsigned intid);
void gic_route_spi(unsigned intid, int cpu);   /* to that CPU only (v3: IROUTER IRM=0, group 1) */
uint8_t gic_v2_target(int cpu);               /* v2: the CPU's ITARGETSR bit (0 on v3) */
void gic_set_edge(unsigned intid, bool edge);   /* SPIs: GICD_ICFGR */
unsigned gic_nr_intids(void);        /* from GICD_TYPER.ITLinesNumber */

void gic_send_sgi(int cpu, unsigned sgi);
void gic_send_sgi_others(unsigned sgi);

#endif
