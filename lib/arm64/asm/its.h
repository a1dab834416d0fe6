/*
 * GICv3 LPIs and the Interrupt Translation Service (IHI 0069 chapter 5 "Locality-specific
 * Peripheral Interrupts and the ITS", chapter 12 GITS_* and GICR_PROPBASER/PENDBASER):
 * the redistributors' LPI tables, the ITS's device and collection tables, its
 * command queue, and the commands the tests use.
 */
#ifndef HVUT_ARM64_ITS_H
#define HVUT_ARM64_ITS_H
#include <stdbool.h>
#include <stdint.h>

#define LPI_BASE 8192
#define LPI_ID_BITS 14                 /* INTIDs up to 16383: 8192 LPIs */
#define LPI_PROP_ENABLE (1U << 0)
#define LPI_PROP_RES1 (1U << 1)        /* IHI 0069 5.1.1: bit 1 of an LPI configuration entry is RES1 */

#define GITS_CTLR 0x0000
#define GITS_IIDR 0x0004
#define GITS_TYPER 0x0008
#define GITS_CBASER 0x0080
#define GITS_CWRITER 0x0088
#define GITS_CREADR 0x0090
#define GITS_BASER 0x0100
#define GITS_TRANSLATER 0x10040
#define GITS_CTLR_ENABLED (1U << 0)
#define GITS_CTLR_QUIESCENT (1U << 31)
#define GITS_CREADR_STALLED (1U << 0)

#define GICR_PROPBASER 0x70
#define GICR_PENDBASER 0x78
#define GICR_CTLR_ENABLE_LPIS (1U << 0)
#define GICR_TYPER_PLPIS (1U << 0)
#define GICD_TYPER_LPIS (1U << 17)

/* Command opcodes (IHI 0069 5.3 "ITS commands"). */
enum its_cmd {
	ITS_MOVI = 0x01, ITS_INT = 0x03, ITS_CLEAR = 0x04, ITS_SYNC = 0x05, ITS_MAPD = 0x08,
	ITS_MAPC = 0x09, ITS_MAPTI = 0x0a, ITS_MAPI = 0x0b, ITS_INV = 0x0c, ITS_INVALL = 0x0d,
	ITS_DISCARD = 0x0f,
};

struct its_info {
	uintptr_t base;
	uint64_t typer;
	unsigned dev_bits, event_bits, itt_entry_size;
	bool pta;               /* GITS_TYPER.PTA: collections target redistributor addresses */
};

/* The ITS from the device tree ("arm,gic-v3-its"); false if there is none. */
bool its_probe(struct its_info *its);
/* This CPU's redistributor: shared configuration table, own pending table, EnableLPIs. */
bool lpi_enable_here(void);
/*
 * The same in two steps for any CPU's redistributor (its registers are MMIO):
 * the configuration table and a pending table, then EnableLPIs. pend_table
 * NULL: a fresh zeroed one (PENDBASER.PTZ = 1); else the caller's, 64 KiB
 * aligned, 2^LPI_ID_BITS bits, given as live data (PTZ = 0).
 */
bool lpi_tables_rdist(int cpu, void *pend_table);
bool lpi_enable_rdist(int cpu);
void lpi_configure(unsigned intid, uint8_t prio, bool enable);
/* Device and collection tables, the command queue, then GITS_CTLR.Enabled. */
bool its_setup(struct its_info *its);
/* Queues one command and waits until the ITS has read it (CREADR); false if it stalled or timed out. */
bool its_cmd(enum its_cmd op, uint32_t devid, uint32_t event, uint32_t intid, uint16_t icid, uint64_t extra);
bool its_mapd(uint32_t devid, unsigned event_bits, bool valid);
bool its_mapc(uint16_t icid, int cpu, bool valid);
bool its_sync(int cpu);
uint64_t its_creadr(void);
/* RDbase for a CPU as MAPC/SYNC/MOVALL want it (address or processor number, per PTA). */
uint64_t its_rdbase(int cpu);

#endif
