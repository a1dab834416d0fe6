/*
 * GICv3 LPIs and the ITS (lib/arm64/asm/its.h). Every device access goes
 * through asm/io.h (one LDR/STR). Tables live in RAM the CPU maps Normal
 * write-back; the GIC is told the same (inner shareable, RaWaWb), so no
 * cache maintenance is needed (IHI 0069 12, GICR_PROPBASER
 * Shareability/InnerCache).
 */
#include "hvut.h"
#include "devicetree.h"
#include <asm/gic.h>
#include <asm/io.h>
#include <asm/its.h>
#include <asm/smp.h>
#include <asm/sysreg.h>
#include <asm/timer.h>

#define CACHE_RAWAWB 7ULL           /* InnerCache encoding, GITS_BASER/CBASER/PROPBASER */
#define SHARE_INNER 1ULL            /* Shareability encoding */
#define BASER_VALID (1ULL << 63)
#define BASER_TYPE(b) ((unsigned)((b) >> 56) & 7)
#define BASER_ENTRY_SIZE(b) ((unsigned)((b) >> 48 & 0x1f) + 1)
#define BASER_TYPE_DEVICES 1
#define BASER_TYPE_COLLECTIONS 4
#define CMD_SIZE 32
#define QUEUE_BYTES 4096

static uintptr_t its_base;
static uint8_t *prop_table;         /* one byte per LPI, shared by every redistributor */
static uint64_t *cmdq;
static uint64_t cwriter;
static bool pta;
static unsigned itt_entry_size;

bool its_probe(struct its_info *its)
{
	int node = fdt_find_compatible(-1, "arm,gic-v3-its");
	uint64_t base;

	if (gic_version() != 3 || node < 0 || !fdt_reg(node, 0, &base, NULL))
		return false;
	its->base = its_base = base;
	its->typer = readq(base + GITS_TYPER);
	its->itt_entry_size = (its->typer >> 4 & 0xf) + 1;
	its->event_bits = (its->typer >> 8 & 0x1f) + 1;
	its->dev_bits = (its->typer >> 13 & 0x1f) + 1;
	its->pta = pta = its->typer >> 19 & 1;
	itt_entry_size = its->itt_entry_size;
	return true;
}

bool lpi_tables_rdist(int cpu, void *pend_table)
{
	uintptr_t rd = gic_rdist_base(cpu);
	uint64_t prop, pend;
	bool live = pend_table != NULL;

	if (!rd || !(readq(rd + GICR_TYPER) & GICR_TYPER_PLPIS))
		return false;
	if (!prop_table)
		prop_table = alloc_pages(1);   /* 2^14 - 8192 = 8 KiB of configuration */
	if (!pend_table)
		pend_table = alloc_pages(4);  /* 64 KiB aligned (PENDBASER [51:16]), zeroed */
	if (!prop_table || !pend_table)
		return false;
	prop = (uintptr_t)prop_table | CACHE_RAWAWB << 7 | SHARE_INNER << 10 | (LPI_ID_BITS - 1);
	pend = (uintptr_t)pend_table | CACHE_RAWAWB << 7 | SHARE_INNER << 10;
	/* PTZ = 1: the table is all zero; 0: it holds live pending state (IHI 0069 GICR_PENDBASER.PTZ). */
	if (!live)
		pend |= 1ULL << 62;
	dsb(sy);
	writeq(rd + GICR_PROPBASER, prop);
	writeq(rd + GICR_PENDBASER, pend);
	return true;
}

bool lpi_enable_rdist(int cpu)
{
	uintptr_t rd = gic_rdist_base(cpu);

	if (!rd)
		return false;
	dsb(sy);
	writel(rd + GICR_CTLR, readl(rd + GICR_CTLR) | GICR_CTLR_ENABLE_LPIS);
	dsb(sy);
	return readl(rd + GICR_CTLR) & GICR_CTLR_ENABLE_LPIS;
}

bool lpi_enable_here(void)
{
	return lpi_tables_rdist(smp_id(), NULL) && lpi_enable_rdist(smp_id());
}

void lpi_configure(unsigned intid, uint8_t prio, bool enable)
{
	prop_table[intid - LPI_BASE] = (prio & 0xfc) | LPI_PROP_RES1 | (enable ? LPI_PROP_ENABLE : 0);
	dsb(sy);   /* the redistributor reads it only after an INV (IHI 0069 5.3, INV) */
}

/*
 * A flat table for a BASER of the given type, one ITS page long. Page_Size
 * may be fixed (IHI 0069 GITS_BASER<n>.Page_Size: RO when one size only; KVM
 * has 64 KiB only): write 4 KiB, read back what stuck, and place the table
 * at that alignment (with 64 KiB pages, address bits [15:12] hold PA[51:48]).
 */
static bool setup_baser(unsigned type)
{
	static const unsigned order_of[4] = { 0, 2, 4, 4 };   /* 4K, 16K, 64K, 64K */

	for (unsigned n = 0; n < 8; n++) {
		uintptr_t reg = its_base + GITS_BASER + n * 8;
		uint64_t b = readq(reg), v;
		unsigned psz;
		void *table;

		if (BASER_TYPE(b) != type)
			continue;
		v = CACHE_RAWAWB << 59 | (uint64_t)type << 56 | (uint64_t)(BASER_ENTRY_SIZE(b) - 1) << 48 |
		    SHARE_INNER << 10;
		writeq(reg, v);
		psz = readq(reg) >> 8 & 3;
		table = alloc_pages(order_of[psz]);
		if (!table)
			return false;
		writeq(reg, v | BASER_VALID | (uint64_t)psz << 8 | (uintptr_t)table);
		return readq(reg) & BASER_VALID;
	}
	return false;
}

bool its_setup(struct its_info *its)
{
	(void)its;
	if (readl(its_base + GITS_CTLR) & GITS_CTLR_ENABLED)
		return false;
	if (!setup_baser(BASER_TYPE_DEVICES))
		return false;
	/* With enough hardware collections (GITS_TYPER.HCC) there may be no collection table. */
	if (!setup_baser(BASER_TYPE_COLLECTIONS) && !(readq(its_base + GITS_TYPER) >> 24 & 0xff))
		return false;
	/*
	 * 64 KiB aligned, though the queue is one 4 KiB page: with GITS_CBASER
	 * bits [15:12] not all zero the queue's address is CONSTRAINED
	 * UNPREDICTABLE (IHI 0069 12, GITS_CBASER.Physical_Address: those bits
	 * may be treated as zero). KVM takes that choice (it read its commands
	 * from the 64 KiB boundary below a 4 KiB-aligned queue: every command
	 * was lost), QEMU's TCG ITS uses the bits.
	 */
	cmdq = alloc_pages(4);
	if (!cmdq)
		return false;
	writeq(its_base + GITS_CBASER, BASER_VALID | CACHE_RAWAWB << 59 | (uintptr_t)cmdq | SHARE_INNER << 10 |
					  (QUEUE_BYTES / 4096 - 1));
	cwriter = 0;
	writeq(its_base + GITS_CWRITER, 0);
	writel(its_base + GITS_CTLR, GITS_CTLR_ENABLED);
	return readl(its_base + GITS_CTLR) & GITS_CTLR_ENABLED;
}

uint64_t its_creadr(void) { return readq(its_base + GITS_CREADR); }

bool its_cmd(enum its_cmd op, uint32_t devid, uint32_t event, uint32_t intid, uint16_t icid, uint64_t extra)
{
	uint64_t *c = cmdq + cwriter / 8;
	uint64_t end = read_cntvct() + 5 * read_cntfrq();   /* generous: the machine may be 5x loaded */

	c[0] = op | (uint64_t)devid << 32;
	c[1] = event | (uint64_t)intid << 32;
	c[2] = icid | extra;
	c[3] = 0;
	dsb(sy);
	cwriter = (cwriter + CMD_SIZE) % QUEUE_BYTES;
	writeq(its_base + GITS_CWRITER, cwriter);
	for (;;) {
		uint64_t r = its_creadr();

		if (r & GITS_CREADR_STALLED)
			return false;
		if ((r & 0xfffe0) == cwriter)
			return true;
		if (read_cntvct() > end)
			return false;
	}
}

uint64_t its_rdbase(int cpu)
{
	uintptr_t rd = gic_rdist_base(cpu);

	/* IHI 0069 5.3, MAPC: RDbase is the redistributor's address (PTA=1) or its processor number. */
	return pta ? (rd & 0x7ffffff0000ULL) : (readq(rd + GICR_TYPER) >> 8 & 0xffff) << 16;
}

bool its_mapd(uint32_t devid, unsigned event_bits, bool valid)
{
	static void *itt[64];
	uint64_t v = 0;

	if (valid) {
		if (devid < ARRAY_SIZE(itt) && !itt[devid]) {
			/* 2^event_bits entries, 256-byte aligned: whole pages */
			size_t bytes = ((size_t)itt_entry_size << event_bits), order = 0;

			while ((4096UL << order) < bytes)
				order++;
			itt[devid] = alloc_pages(order);
		}
		if (devid >= ARRAY_SIZE(itt) || !itt[devid])
			return false;
		v = (uintptr_t)itt[devid] | 1ULL << 63;
	}
	return its_cmd(ITS_MAPD, devid, event_bits - 1, 0, 0, v);
}

bool its_mapc(uint16_t icid, int cpu, bool valid)
{
	return its_cmd(ITS_MAPC, 0, 0, 0, icid, its_rdbase(cpu) | (valid ? 1ULL << 63 : 0));
}

bool its_sync(int cpu)
{
	return its_cmd(ITS_SYNC, 0, 0, 0, 0, its_rdbase(cpu));
}
