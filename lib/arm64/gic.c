/*
 * GICv2 and GICv3 (Arm IHI 0048B and IHI 0069), the parts the tests use:
 * one group (group 1 on v3, group 0 on v2 without security extensions),
 * enable/priority/pending/active per INTID, ack/EOI, SGIs.
 */
#include "hvut.h"
#include "devicetree.h"
#include <asm/sysreg.h>
#include <asm/smp.h>
#include <asm/gic.h>
#include <asm/io.h>   /* every MMIO access: one LDR/STR a hypervisor can emulate */

/* v2 CPU interface */
#define GICC_CTLR 0x00
#define GICC_PMR 0x04
#define GICC_BPR 0x08
#define GICC_IAR 0x0c
#define GICC_EOIR 0x10
#define GICC_RPR 0x14
#define GICC_HPPIR 0x18
#define GICC_DIR 0x1000
#define GICC_CTLR_EOIMODE (1U << 9)   /* EOImodeNS; the only EOImode bit without Security Extensions */
/* v3 redistributor */
#define WAKER_PROCESSOR_SLEEP (1U << 1)
#define WAKER_CHILDREN_ASLEEP (1U << 2)
#define TYPER_VLPIS (1U << 1)
#define TYPER_LAST (1U << 4)

#define ICC_PMR_EL1 S3_0_C4_C6_0
#define ICC_IAR1_EL1 S3_0_C12_C12_0
#define ICC_EOIR1_EL1 S3_0_C12_C12_1
#define ICC_HPPIR1_EL1 S3_0_C12_C12_2
#define ICC_BPR1_EL1 S3_0_C12_C12_3
#define ICC_CTLR_EL1 S3_0_C12_C12_4
#define ICC_SRE_EL1 S3_0_C12_C12_5
#define ICC_IGRPEN1_EL1 S3_0_C12_C12_7
#define ICC_SGI1R_EL1 S3_0_C12_C11_5
#define ICC_RPR_EL1 S3_0_C12_C11_3
#define ICC_DIR_EL1 S3_0_C12_C11_1
#define ICC_CTLR_EOIMODE (1U << 1)
/* One level of macro indirection, so the S3_... spellings (not the names) reach the assembler. */
#define rd_icc(r) read_sysreg(r)
#define wr_icc(v, r) write_sysreg(v, r)

static int version;
static uintptr_t dist, cpuif, rdist_region;
static uintptr_t rdist[MAX_CPUS];     /* v3: each CPU's redistributor */
static uint8_t v2_target[MAX_CPUS];   /* v2: each CPU's interface bit for ITARGETSR/SGIR */

uintptr_t gic_dist_base(void) { return dist; }
uintptr_t gic_rdist_base(int cpu) { return version == 3 ? rdist[cpu] : 0; }


int gic_version(void) { return version; }

int gic_wanted_version(int argc, char **argv)
{
	int want = 0;

	for (int i = 1; i < argc; i++)
		if (!strncmp(argv[i], "gic=", 4))
			want = strtol(argv[i] + 4, NULL, 0);
	return want;
}

bool gic_test_start(int argc, char **argv)
{
	int want = gic_wanted_version(argc, argv);

	if (!gic_version()) {
		report_skip("GIC: no GICv2/GICv3 node in the device tree");
		return false;
	}
	return !want || report(gic_version() == want, "the device tree describes a GICv%d (%d)", want, gic_version());
}

void gic_init(void)
{
	static const char *const v2[] = { "arm,cortex-a15-gic", "arm,gic-400", "arm,cortex-a9-gic" };
	uint64_t d, a;
	int node;

	if ((node = fdt_find_compatible(-1, "arm,gic-v3")) >= 0) {
		version = 3;
	} else {
		for (unsigned i = 0; i < ARRAY_SIZE(v2) && node < 0; i++)
			node = fdt_find_compatible(-1, v2[i]);
		if (node < 0)
			return;
		version = 2;
	}
	if (!fdt_reg(node, 0, &d, NULL) || !fdt_reg(node, 1, &a, NULL)) {
		version = 0;
		return;
	}
	dist = d;
	if (version == 3) {
		rdist_region = a;
		/* Affinity routing on, both groups forwarded (DS=1 layout; NS view ignores bit 0). */
		writel(dist + GICD_CTLR, (1U << 4) | (1U << 1) | (1U << 0));
		while (readl(dist + GICD_CTLR) & GICD_CTLR_RWP)
			;
	} else {
		cpuif = a;
		writel(dist + GICD_CTLR, 1);
	}
}

static void v3_find_rdist(int cpu)
{
	unsigned long m = read_sysreg(mpidr_el1);
	uint64_t aff = (m >> 32 & 0xff) << 24 | (m & 0xffffff);

	for (uintptr_t p = rdist_region;; ) {
		uint64_t typer = readq(p + GICR_TYPER);

		if (typer >> 32 == aff) {
			rdist[cpu] = p;
			return;
		}
		if (typer & TYPER_LAST)
			break;
		p += (typer & TYPER_VLPIS) ? 0x40000 : 0x20000;
	}
	printf("gic: no redistributor for MPIDR %#lx\n", m);
}

void gic_cpu_init(void)
{
	int cpu = smp_id();

	if (version == 3) {
		uintptr_t sgi;

		v3_find_rdist(cpu);
		if (!rdist[cpu])
			return;
		sgi = rdist[cpu] + GICR_SGI_FRAME;
		writel(rdist[cpu] + GICR_WAKER, readl(rdist[cpu] + GICR_WAKER) & ~WAKER_PROCESSOR_SLEEP);
		while (readl(rdist[cpu] + GICR_WAKER) & WAKER_CHILDREN_ASLEEP)
			;
		writel(sgi + GICD_IGROUPR, 0xffffffff);
		writel(sgi + GICD_ICENABLER, 0xffff0000);   /* PPIs off until asked for */
		writel(sgi + GICD_ISENABLER, 0x0000ffff);   /* SGIs on, as on v2 */
		for (int i = 0; i < 32; i += 4)
			writel(sgi + GICD_IPRIORITYR + i, 0xa0a0a0a0);
		wr_icc(rd_icc(ICC_SRE_EL1) | 1, ICC_SRE_EL1);
		isb();
		wr_icc(0xff, ICC_PMR_EL1);
		wr_icc(0, ICC_BPR1_EL1);
		wr_icc(0, ICC_CTLR_EL1);   /* EOImode 0: EOI drops priority and deactivates */
		wr_icc(1, ICC_IGRPEN1_EL1);
		isb();
	} else if (version == 2) {
		writel(dist + GICD_ICENABLER, 0xffff0000);
		writel(dist + GICD_ISENABLER, 0x0000ffff);
		for (int i = 0; i < 32; i += 4)
			writel(dist + GICD_IPRIORITYR + i, 0xa0a0a0a0);
		v2_target[cpu] = readb(dist + GICD_ITARGETSR);   /* reads as this CPU's own bit */
		writel(cpuif + GICC_PMR, 0xff);
		writel(cpuif + GICC_BPR, 0);
		writel(cpuif + GICC_CTLR, 1);
	}
}

void gic_cpu_disable(void)
{
	if (version == 3) {
		wr_icc(0, ICC_IGRPEN1_EL1);
		isb();
	} else if (version == 2) {
		writel(cpuif + GICC_CTLR, 0);
	}
}

/* The frame holding an INTID's bits: banked SGI/PPI registers on v3 are per redistributor. */
static uintptr_t base_for(unsigned intid)
{
	return version == 3 && intid < 32 ? rdist[smp_id()] + GICR_SGI_FRAME : dist;
}

static void set_bit_reg(unsigned reg, unsigned intid)
{
	writel(base_for(intid) + reg + intid / 32 * 4, 1U << (intid % 32));
	dsb(sy);
}

static bool test_bit_reg(unsigned reg, unsigned intid)
{
	return readl(base_for(intid) + reg + intid / 32 * 4) & (1U << (intid % 32));
}

void gic_enable_irq(unsigned intid) { set_bit_reg(GICD_ISENABLER, intid); }
void gic_disable_irq(unsigned intid) { set_bit_reg(GICD_ICENABLER, intid); }
bool gic_irq_pending(unsigned intid) { return test_bit_reg(GICD_ISPENDR, intid); }
bool gic_irq_active(unsigned intid) { return test_bit_reg(GICD_ISACTIVER, intid); }
void gic_clear_pending(unsigned intid) { set_bit_reg(GICD_ICPENDR, intid); }
void gic_clear_active(unsigned intid) { set_bit_reg(GICD_ICACTIVER, intid); }

void gic_set_priority(unsigned intid, uint8_t prio)
{
	writeb(base_for(intid) + GICD_IPRIORITYR + intid, prio);
	dsb(sy);
}

uint8_t gic_get_priority(unsigned intid)
{
	return readb(base_for(intid) + GICD_IPRIORITYR + intid);
}

uint32_t gic_ack(void)
{
	uint32_t iar = version == 3 ? rd_icc(ICC_IAR1_EL1) : readl(cpuif + GICC_IAR);

	dsb(sy);
	return iar;
}

unsigned gic_iar_intid(uint32_t iar)
{
	return version == 3 ? iar & 0xffffff : iar & 0x3ff;
}

void gic_eoi(uint32_t iar)
{
	if (version == 3) {
		wr_icc(iar, ICC_EOIR1_EL1);
		isb();
	} else {
		writel(cpuif + GICC_EOIR, iar);
	}
}

unsigned gic_take(uint32_t *iar)
{
	uint32_t v = gic_ack();
	unsigned id = gic_iar_intid(v);

	if (iar)
		*iar = v;
	/* 1023: the acknowledge activated nothing, there is nothing to EOI (IHI 0069 2.2.1 special INTIDs). */
	if (id != GIC_SPURIOUS)
		gic_eoi(v);
	return id;
}

unsigned gic_hppir(void)
{
	return gic_iar_intid(version == 3 ? rd_icc(ICC_HPPIR1_EL1) : readl(cpuif + GICC_HPPIR));
}

unsigned gic_rpr(void)
{
	return version == 3 ? rd_icc(ICC_RPR_EL1) & 0xff : readl(cpuif + GICC_RPR) & 0xff;
}

void gic_set_pmr(uint8_t pmr)
{
	if (version == 3) {
		wr_icc(pmr, ICC_PMR_EL1);
		isb();
	} else {
		writel(cpuif + GICC_PMR, pmr);
	}
}

uint8_t gic_pmr(void)
{
	return version == 3 ? rd_icc(ICC_PMR_EL1) & 0xff : readl(cpuif + GICC_PMR) & 0xff;
}

void gic_send_sgi(int cpu, unsigned sgi)
{
	dsb(ish);   /* the target must see our stores before the interrupt */
	if (version == 3) {
		unsigned long m = cpu_mpidr(cpu);
		uint64_t v = (1UL << (m & 0xf)) | (m >> 8 & 0xff) << 16 | (uint64_t)sgi << 24 |
			     (m >> 16 & 0xff) << 32 | (m >> 32 & 0xff) << 48;

		wr_icc(v, ICC_SGI1R_EL1);
		isb();
	} else {
		writel(dist + GICD_SGIR, (uint32_t)v2_target[cpu] << 16 | sgi);
	}
}

void gic_send_sgi_others(unsigned sgi)
{
	dsb(ish);
	if (version == 3) {
		wr_icc(1UL << 40 | (uint64_t)sgi << 24, ICC_SGI1R_EL1);   /* IRM: all but self */
		isb();
	} else {
		writel(dist + GICD_SGIR, 1U << 24 | sgi);   /* TargetListFilter 01: all but self */
	}
}

/* EOImode 1: EOI only drops the running priority; gic_deactivate() ends the active state. */
bool gic_set_eoimode(bool split)
{
	if (version == 3) {
		wr_icc(split ? ICC_CTLR_EOIMODE : 0, ICC_CTLR_EL1);
		isb();
		return !!(rd_icc(ICC_CTLR_EL1) & ICC_CTLR_EOIMODE) == split;
	}
	if (version == 2) {
		writel(cpuif + GICC_CTLR, 1 | (split ? GICC_CTLR_EOIMODE : 0));
		return !!(readl(cpuif + GICC_CTLR) & GICC_CTLR_EOIMODE) == split;
	}
	return false;
}

void gic_deactivate(uint32_t iar)
{
	if (version == 3) {
		wr_icc(iar, ICC_DIR_EL1);
		isb();
	} else {
		writel(cpuif + GICC_DIR, iar);
	}
}

/* Writes the binary point (group 1 on v3, GICC_BPR on v2) and returns what reads back. */
unsigned gic_set_bpr(unsigned bpr)
{
	if (version == 3) {
		wr_icc(bpr, ICC_BPR1_EL1);
		isb();
		return rd_icc(ICC_BPR1_EL1) & 7;
	}
	writel(cpuif + GICC_BPR, bpr);
	return readl(cpuif + GICC_BPR) & 7;
}

void gic_set_pending(unsigned intid) { set_bit_reg(GICD_ISPENDR, intid); }
void gic_set_active(unsigned intid) { set_bit_reg(GICD_ISACTIVER, intid); }

/* An SPI delivered to one CPU only: v3 group 1 and IROUTER (IRM=0), v2 ITARGETSR. */
void gic_route_spi(unsigned intid, int cpu)
{
	if (version == 3) {
		writel(dist + GICD_IGROUPR + intid / 32 * 4,
		       readl(dist + GICD_IGROUPR + intid / 32 * 4) | 1U << (intid % 32));
		writeq(dist + GICD_IROUTER + intid * 8, cpu_mpidr(cpu) & MPIDR_HWID_MASK);
	} else if (version == 2) {
		writeb(dist + GICD_ITARGETSR + intid, v2_target[cpu]);
	}
	dsb(sy);
}

void gic_route_spi_here(unsigned intid) { gic_route_spi(intid, smp_id()); }

uint8_t gic_v2_target(int cpu) { return version == 2 ? v2_target[cpu] : 0; }

unsigned gic_nr_intids(void)
{
	return version ? ((readl(dist + GICD_TYPER) & 0x1f) + 1) * 32 : 0;
}

/* GICD_ICFGR Int_config[1] of an SPI: edge-triggered (true) or level-sensitive. */
void gic_set_edge(unsigned intid, bool edge)
{
	uintptr_t cfg = dist + GICD_ICFGR + intid / 16 * 4;
	uint32_t bit = 2U << (intid % 16 * 2);

	writel(cfg, edge ? readl(cfg) | bit : readl(cfg) & ~bit);
	dsb(sy);
}
