/*
 * gic-mmio: the distributor's (and on GICv3 the redistributors') register
 * semantics, from the GICv2 architecture specification (IHI 0048B, chapter 4
 * "Programmers' Model") and the GICv3/v4 specification (IHI 0069, chapter
 * 12 "Programmers' Model"). "gic=N" says which version the cfg asked for.
 *
 * Every check uses the distributor's last SPI, which no device on QEMU's virt
 * board uses, and leaves it disabled, so no interrupt is ever delivered:
 *   id        PIDR2.ArchRev is the version; TYPER's SPI count; v2: TYPER's
 *             CPU count is the number of CPUs
 *   enable    ISENABLER sets, ICENABLER clears; both read the same state;
 *             writing 0 changes nothing
 *   pending   ISPENDR/ICPENDR, the same way
 *   active    ISACTIVER/ICACTIVER, the same way
 *   priority  IPRIORITYR is byte accessible; 0xff reads back as the
 *             implemented bits, at least 4, the high ones; a byte write leaves
 *             its neighbours alone
 *   config    ICFGR: the SPI's Int_config[1] (edge) is writable; the SGIs'
 *             field is read-only and reads edge (0b10)
 *   group     IGROUPR: the SPI's group bit is read/write (v2 has interrupt
 *             groups with or without the Security Extensions, v3 with
 *             DS = 1); v3 with affinity routing: GICD_IGROUPR0 (SGIs, PPIs)
 *             is RAZ/WI, GICR_IGROUPR0 holds them
 *   targets   v2: ITARGETSR of an SPI keeps only the bits of CPUs that exist
 *             (4.3.12: the others are RAZ/WI); the SGI/PPI bytes are read-only
 *             and read the reading CPU's own bit
 *   unimpl    the INTIDs past TYPER.ITLinesNumber do not exist: their
 *             ISENABLER/ISPENDR/ISACTIVER bits and IPRIORITYR bytes are RAZ/WI
 *   rdist     v3: each CPU has its redistributor, GICR_TYPER.Last only on
 *             the last, Processor_Number distinct, WAKER awake
 *   irouter   v3: GICD_IROUTER of an SPI holds a CPU's affinity
 *   reserved  reserved offsets of the register maps (GICD v2 and v3, GICR
 *             RD_base and SGI_base) read 0; all-ones written there reads
 *             back 0 and changes none of the frame's defined registers
 *   dt        the ID registers against the device tree: v2 CPUNumber is the
 *             DT's CPU count; ITLinesNumber covers every SPI a DT node uses;
 *             v3: one redistributor frame per DT CPU, its Affinity_Value the
 *             CPU's reg (MPIDR), each region's walk ends at a Last frame;
 *             GICD_IIDR and every GICR_IIDR name one implementer and product
 */
#include "hvut.h"
#include "devicetree.h"
#include <asm/gic.h>
#include <asm/io.h>
#include <asm/smp.h>
#include <asm/sysreg.h>

static uintptr_t dist;
static unsigned spi;   /* the INTID all checks use */

static uint32_t bit_of(unsigned intid) { return 1U << (intid % 32); }
static uintptr_t word_of(unsigned reg, unsigned intid) { return dist + reg + intid / 32 * 4; }

static void test_id(int version)
{
	uint32_t typer = readl(dist + GICD_TYPER);
	uint32_t pidr2 = readl(dist + (version == 3 ? GICD_PIDR2_V3 : GICD_PIDR2_V2));
	unsigned lines = ((typer & 0x1f) + 1) * 32;

	report_info("GICD_TYPER %#x (INTIDs 0-%u), GICD_IIDR %#x", typer, lines - 1, readl(dist + GICD_IIDR));
	report((pidr2 >> 4 & 0xf) == (unsigned)version, "PIDR2.ArchRev is %d (PIDR2 %#x) [IHI 0048B 4.3.26 / IHI 0069 12.9.40]",
	       version, pidr2);
	report(lines > 32, "TYPER.ITLinesNumber: there are SPIs (%u INTIDs) [IHI 0048B 4.3.2]", lines);
	if (version == 2)
		report(((typer >> 5) & 7) + 1 == (unsigned)nr_cpus(), "v2: TYPER.CPUNumber + 1 = %d CPUs (got %u)",
		       nr_cpus(), ((typer >> 5) & 7) + 1);
	spi = lines - 1;
}

/* A set/clear register pair: set, read both, clear, read both, and writing 0 does nothing. */
static void check_pair(const char *what, unsigned set_reg, unsigned clear_reg)
{
	uint32_t b = bit_of(spi);
	bool after_set, both_agree, zero_is_nop, after_clear;

	writel(word_of(clear_reg, spi), b);
	writel(word_of(set_reg, spi), b);
	after_set = readl(word_of(set_reg, spi)) & b;
	both_agree = !!(readl(word_of(clear_reg, spi)) & b) == after_set;
	writel(word_of(set_reg, spi), 0);
	writel(word_of(clear_reg, spi), 0);
	zero_is_nop = readl(word_of(set_reg, spi)) & b;
	writel(word_of(clear_reg, spi), b);
	after_clear = !(readl(word_of(set_reg, spi)) & b) && !(readl(word_of(clear_reg, spi)) & b);
	report(after_set, "%s: a 1 written to the set register sets INTID %u's bit [IHI 0048B 4.3.5-4.3.10]", what, spi);
	report(both_agree, "%s: the set and clear registers read the same state", what);
	report(zero_is_nop, "%s: writing 0 to either register changes nothing", what);
	report(after_clear, "%s: a 1 written to the clear register clears the bit", what);
}

static void test_priority(void)
{
	uintptr_t p = dist + GICD_IPRIORITYR + spi;
	uintptr_t w = p & ~3UL;
	unsigned shift = (p & 3) * 8, lanes_changed = 0;
	uint8_t mask, saved = readb(p);
	uint32_t before, after;

	report_prefix_push("priority");
	writeb(p, 0xff);
	mask = readb(p);
	report((mask & 0xf0) == 0xf0 && (uint8_t)(mask | (mask - 1)) == 0xff,
	       "0xff reads back as the implemented bits, at least the top 4, contiguous (got %#x) [IHI 0048B 3.3, 4.3.11]",
	       mask);
	/* The neighbouring bytes of the same word keep their values. */
	writel(w, 0x80808080 & ((uint32_t)mask * 0x01010101U));
	before = readl(w);
	writeb(p, 0x40 & mask);
	after = readl(w);
	for (unsigned i = 0; i < 4; i++)
		if (i * 8 != shift && ((before >> (i * 8)) & 0xff) != ((after >> (i * 8)) & 0xff))
			lanes_changed++;
	report(!lanes_changed && ((after >> shift) & 0xff) == (0x40U & mask),
	       "a byte write changes its own byte only (word %#x -> %#x)", before, after);
	writeb(p, saved);
	report_prefix_pop();
}

static void test_config(int version)
{
	uintptr_t cfg = dist + GICD_ICFGR + spi / 16 * 4;
	unsigned shift = (spi % 16) * 2 + 1;
	uint32_t saved = readl(cfg), sgi_cfg, sgi_base;

	report_prefix_push("config");
	writel(cfg, saved | (1U << shift));
	report(readl(cfg) & (1U << shift), "the SPI's Int_config[1] can be set (edge) [IHI 0048B 4.3.13]");
	writel(cfg, saved & ~(1U << shift));
	report(!(readl(cfg) & (1U << shift)), "and cleared (level)");
	writel(cfg, saved);
	sgi_base = version == 3 ? gic_rdist_base(smp_id()) + GICR_SGI_FRAME : dist;
	sgi_cfg = readl(sgi_base + GICD_ICFGR);
	writel(sgi_base + GICD_ICFGR, 0);
	report(sgi_cfg == 0xaaaaaaaa && readl(sgi_base + GICD_ICFGR) == 0xaaaaaaaa,
	       "SGIs: ICFGR0 reads edge (0xaaaaaaaa) and ignores writes (got %#x, then %#x)", sgi_cfg,
	       readl(sgi_base + GICD_ICFGR));
	report_prefix_pop();
}

static void test_group(int version)
{
	uintptr_t g = word_of(GICD_IGROUPR, spi);
	uint32_t b = bit_of(spi), saved = readl(g), w0, w0_after;
	bool set, cleared;

	report_prefix_push("group");
	writel(g, saved | b);
	set = readl(g) & b;
	writel(g, saved & ~b);
	cleared = !(readl(g) & b);
	writel(g, saved);
	report(set && cleared, "IGROUPR: the SPI's group bit reads back 1 and 0 as written [%s]",
	       version == 3 ? "IHI 0069 GICD_IGROUPR<n>" : "IHI 0048B 4.3.4");
	if (version == 3) {
		w0 = readl(dist + GICD_IGROUPR);
		writel(dist + GICD_IGROUPR, ~w0);
		w0_after = readl(dist + GICD_IGROUPR);
		writel(dist + GICD_IGROUPR, w0);
		report(w0 == 0 && w0_after == 0,
		       "affinity routing: GICD_IGROUPR0 (SGIs, PPIs) is RAZ/WI (%#x, after writing its inverse %#x) [IHI 0069 GICD_IGROUPR<n>: GICR_IGROUPR0 holds them]",
		       w0, w0_after);
	}
	report_prefix_pop();
}

/*
 * IHI 0048B 4.3.2 (ITLinesNumber: 32(N+1) interrupts), 4.3.5-4.3.11 and IHI
 * 0069 GICD_ISENABLER<n> etc.: "Bits corresponding to unimplemented
 * interrupts are RAZ/WI"; a priority field of one is RAZ/WI too.
 */
static void test_unimplemented(int version)
{
	/* QEMU before 10.0: GICv3's ITLinesNumber one short of the SPIs it has (lib/arm64/deviations.c). */
	const char *dev = version == 3 ? "gicv3-itlines-short" : NULL;
	unsigned first = spi + 1;   /* the first INTID past the last line */
	static const struct { const char *name; unsigned set, clear; } regs[] = {
		{ "ISENABLER", GICD_ISENABLER, GICD_ICENABLER },
		{ "ISPENDR", GICD_ISPENDR, GICD_ICPENDR },
		{ "ISACTIVER", GICD_ISACTIVER, GICD_ICACTIVER },
	};
	unsigned bad = 0;
	uint8_t prio, saved;

	report_prefix_push("unimpl");
	if (first >= 1020) {
		report_skip("unimplemented INTIDs: ITLinesNumber = 31, every SPI up to 1019 exists");
		report_prefix_pop();
		return;
	}
	for (unsigned i = 0; i < ARRAY_SIZE(regs); i++) {
		uint32_t got;

		writel(word_of(regs[i].set, first), 0xffffffff);
		got = readl(word_of(regs[i].set, first));
		writel(word_of(regs[i].clear, first), 0xffffffff);
		if (got) {
			bad |= 1U << i;
			report_info("%s for INTIDs %u-%u: 0xffffffff written, %#x read", regs[i].name, first, first + 31, got);
		}
	}
	report_deviation(dev, !bad,
			 "ISENABLER, ISPENDR, ISACTIVER bits of INTIDs %u-%u (past ITLinesNumber) are RAZ/WI (wrong: %s%s%s) [IHI 0048B 4.3.5-4.3.10; IHI 0069 GICD_ISENABLER<n>]",
			 first, first + 31, bad & 1 ? "ISENABLER " : "", bad & 2 ? "ISPENDR " : "", bad & 4 ? "ISACTIVER" : "");
	saved = readb(dist + GICD_IPRIORITYR + first);
	writeb(dist + GICD_IPRIORITYR + first, 0xff);
	prio = readb(dist + GICD_IPRIORITYR + first);
	writeb(dist + GICD_IPRIORITYR + first, saved);
	report_deviation(dev, prio == 0,
			 "IPRIORITYR byte of INTID %u is RAZ/WI (0xff written, %#x read) [IHI 0048B 4.3.11; IHI 0069 GICD_IPRIORITYR<n>]",
			 first, prio);
	report_prefix_pop();
}

static void test_targets(void)
{
	uintptr_t t = dist + GICD_ITARGETSR + spi;
	uint8_t saved = readb(t), all = (uint8_t)((1U << nr_cpus()) - 1), got, own, own_after;

	report_prefix_push("targets");
	writeb(t, 0xff);
	got = readb(t);
	report_deviation("gicv2-itargetsr-absent-cpus", got == all,
			 "v2: ITARGETSR of an SPI written 0xff keeps the %d CPUs' bits only (%#x, got %#x) [IHI 0048B 4.3.12]",
			 nr_cpus(), all, got);
	writeb(t, saved);
	own = readb(dist + GICD_ITARGETSR + 20);   /* a PPI's byte */
	writeb(dist + GICD_ITARGETSR + 20, (uint8_t)~own);
	own_after = readb(dist + GICD_ITARGETSR + 20);
	report(own && !(own & (own - 1)) && own_after == own,
	       "v2: a PPI's ITARGETSR byte reads the CPU's own bit and ignores writes (%#x, then %#x)", own, own_after);
	report_prefix_pop();
}

static void test_rdist(void)
{
	unsigned lasts = 0, dup = 0, asleep = 0;
	uint32_t procnum[MAX_CPUS];

	report_prefix_push("rdist");
	for (int c = 0; c < nr_cpus(); c++) {
		uintptr_t r = gic_rdist_base(c);
		uint64_t typer;

		if (!report(r != 0, "CPU %d has a redistributor", c))
			continue;
		typer = readq(r + GICR_TYPER);
		lasts += !!(typer & (1U << 4));
		procnum[c] = (typer >> 8) & 0xffff;
		for (int d = 0; d < c; d++)
			dup += procnum[d] == procnum[c];
		asleep += !!(readl(r + GICR_WAKER) & 6);
	}
	report(lasts <= 1, "GICR_TYPER.Last set on at most one of the CPUs' redistributors (%u) [IHI 0069 12.11.36]", lasts);
	report(!dup, "GICR_TYPER.Processor_Number distinct (%u duplicates)", dup);
	report(!asleep, "GICR_WAKER: ProcessorSleep and ChildrenAsleep clear after wake-up (%u asleep)", asleep);
	report_prefix_pop();
}

static void test_irouter(void)
{
	uintptr_t r = dist + GICD_IROUTER + spi * 8;
	uint64_t saved = readq(r), aff, got;
	unsigned long mpidr = read_sysreg(mpidr_el1);

	aff = (mpidr & 0xffffff) | ((uint64_t)(mpidr >> 32 & 0xff) << 32);
	writeq(r, aff);
	got = readq(r);
	report(got == aff, "irouter: GICD_IROUTER of an SPI holds this CPU's affinity %#llx (got %#llx) [IHI 0069 12.9.22]",
	       (unsigned long long)aff, (unsigned long long)got);
	writeq(r, saved);
}

/* --- reserved: reserved register addresses ---------------------------------- */

/*
 * IHI 0048B 4.1.2, Table 4-1 (Distributor register map) and IHI 0069 12.8/12.10
 * (GICD, GICR RD_base and SGI_base maps): offsets the tables list as Reserved.
 * GICv2 (IHI 0048B 4.1.2): reserved register addresses are RAZ/WI. GICv3
 * (IHI 0069 12.1 "GIC memory-mapped register access"): reserved register
 * addresses are RES0, and a RES0 location with no function reads 0 and
 * ignores writes (IHI 0069 Glossary, RES0). The IMPLEMENTATION DEFINED ranges
 * (v2 0x020-0x03C, 0xD00-0xDFC; v3 0x0020-0x003C, 0xC000-0xFFCC) are left out.
 */
static const unsigned v2_dist_reserved[] = { 0x00c, 0x010, 0x01c, 0x040, 0x07c, 0xf04, 0xf0c, 0xf30, 0xfcc };
static const unsigned v3_dist_reserved[] = { 0x0014, 0x001c, 0x0044, 0x004c, 0x005c, 0x0070, 0x0f04, 0x0f30, 0x0f7c };
static const unsigned v3_rd_reserved[] = { 0x0050, 0x005c, 0x0080, 0x009c, 0x00c8, 0x00fc, 0x0200, 0x8000 };
static const unsigned v3_sgi_reserved[] = { 0x0000, 0x0040, 0x007c, 0x00fc, 0x0500, 0x0800, 0x0a00, 0x0f00 };

/*
 * Each reserved word: read (expect 0), write 0xffffffff, read again (expect 0).
 * The defined registers in `watch` must keep their values across all the writes.
 */
static void check_reserved(const char *frame, uintptr_t base, const unsigned *off, unsigned n, const unsigned *watch,
			   unsigned nwatch, const char *rule)
{
	uint32_t before[16], first = 0, second = 0;
	unsigned nonzero = 0, written = 0, changed = 0, bad_off = 0;

	for (unsigned i = 0; i < nwatch; i++)
		before[i] = readl(base + watch[i]);
	for (unsigned i = 0; i < n; i++) {
		uint32_t r = readl(base + off[i]), w;

		writel(base + off[i], 0xffffffff);
		w = readl(base + off[i]);
		if (r && !nonzero++) {
			first = r;
			bad_off = off[i];
		}
		if (w && !written++) {
			second = w;
			if (!r)
				bad_off = off[i];
		}
	}
	for (unsigned i = 0; i < nwatch; i++)
		if (readl(base + watch[i]) != before[i]) {
			report_info("%s: %#x changed from %#x to %#x after the reserved writes", frame, watch[i], before[i],
				    readl(base + watch[i]));
			changed++;
		}
	report(!nonzero, "%s: %u reserved offsets read 0 (%u do not, first %#x = %#x) [%s]", frame, n, nonzero, bad_off,
	       first, rule);
	report(!written, "%s: 0xffffffff written to each reads back 0 (%u do not, %#x) [%s]", frame, written, second, rule);
	report(!changed, "%s: the writes change none of %u defined registers (%u changed)", frame, nwatch, changed);
}

static void test_reserved(int version)
{
	/* Defined registers whose contents nothing else changes meanwhile. */
	const unsigned dist_watch[] = { GICD_CTLR, GICD_TYPER, GICD_IIDR, GICD_IGROUPR + spi / 32 * 4,
					GICD_ISENABLER + spi / 32 * 4, GICD_IPRIORITYR + (spi & ~3U), GICD_ICFGR + spi / 16 * 4 };
	const unsigned rd_watch[] = { GICR_CTLR, GICR_IIDR, GICR_TYPER, GICR_TYPER + 4, GICR_WAKER };
	const unsigned sgi_watch[] = { GICD_IGROUPR, GICD_ISENABLER, GICD_IPRIORITYR, GICD_IPRIORITYR + 0x1c, GICD_ICFGR,
				       GICD_ICFGR + 4 };

	report_prefix_push("reserved");
	if (version == 2) {
		check_reserved("GICD", dist, v2_dist_reserved, ARRAY_SIZE(v2_dist_reserved), dist_watch,
			       ARRAY_SIZE(dist_watch), "IHI 0048B 4.1.2 Table 4-1: reserved addresses are RAZ/WI");
	} else {
		uintptr_t rd = gic_rdist_base(smp_id());

		check_reserved("GICD", dist, v3_dist_reserved, ARRAY_SIZE(v3_dist_reserved), dist_watch,
			       ARRAY_SIZE(dist_watch), "IHI 0069 12.8 GICD register map: Reserved, RES0");
		check_reserved("GICR RD_base", rd, v3_rd_reserved, ARRAY_SIZE(v3_rd_reserved), rd_watch,
			       ARRAY_SIZE(rd_watch), "IHI 0069 12.10 GICR RD_base map: Reserved, RES0");
		check_reserved("GICR SGI_base", rd + GICR_SGI_FRAME, v3_sgi_reserved, ARRAY_SIZE(v3_sgi_reserved),
			       sgi_watch, ARRAY_SIZE(sgi_watch), "IHI 0069 12.10 GICR SGI_base map: Reserved, RES0");
	}
	report_prefix_pop();
}

/* --- dt: the ID registers against the device tree --------------------------- */

struct dt_cpus {
	unsigned n;
	uint64_t aff[MAX_CPUS * 4];   /* GICR_TYPER.Affinity_Value form: Aff3.Aff2.Aff1.Aff0 */
};

/* Devicetree spec 3.8 and the Arm CPU binding: /cpus/cpu@N, device_type "cpu", reg = MPIDR affinity. */
static void dt_cpus(struct dt_cpus *c)
{
	int cpus = fdt_path_offset("/cpus"), child;

	c->n = 0;
	if (cpus < 0)
		return;
	fdt_for_each_child(child, cpus) {
		const char *type = fdt_getprop_string(child, "device_type");
		const void *reg;
		int len;
		uint64_t m;

		if (!type || strcmp(type, "cpu") || !(reg = fdt_getprop(child, "reg", &len)) || len < 4)
			continue;
		m = fdt_cells(reg, 0, len >= 8 ? 2 : 1);
		if (c->n < ARRAY_SIZE(c->aff))
			c->aff[c->n] = (m >> 32 & 0xff) << 24 | (m & 0xffffff);
		c->n++;
	}
}

/* The interrupt parent of a node: its own interrupt-parent or the nearest ancestor's (DT spec 2.4.1). */
static uint32_t dt_irq_parent(int node)
{
	uint32_t ph;

	for (; node >= 0; node = fdt_parent(node))
		if (fdt_getprop_u32(node, "interrupt-parent", &ph))
			return ph;
	return 0;
}

/*
 * Every node whose interrupts go to the GIC: the highest SPI INTID used.
 * The GIC binding's 3 cells: type (0 SPI, 1 PPI), number, flags; SPI n is INTID 32 + n.
 */
static void dt_walk_spis(int node, uint32_t gic_phandle, unsigned *max_spi, unsigned *nodes)
{
	int child, len;
	const void *irqs = fdt_getprop(node, "interrupts", &len);

	if (irqs && len >= 12 && dt_irq_parent(node) == gic_phandle) {
		for (int i = 0; i + 2 < len / 4; i += 3)
			if (fdt_cell(irqs, i) == 0 && 32 + fdt_cell(irqs, i + 1) > *max_spi)
				*max_spi = 32 + fdt_cell(irqs, i + 1);
		(*nodes)++;
	}
	fdt_for_each_child(child, node)
		dt_walk_spis(child, gic_phandle, max_spi, nodes);
}

static void test_dt_v3(const struct dt_cpus *c)
{
	int node = fdt_find_compatible(-1, "arm,gic-v3");
	uint32_t regions = 1, gicd_iidr = readl(dist + GICD_IIDR), iidr0 = 0;
	unsigned frames = 0, lasts_wrong = 0, unmatched = 0, dups = 0, iidr_differ = 0;
	uint64_t seen[MAX_CPUS * 4];

	fdt_getprop_u32(node, "#redistributor-regions", &regions);
	for (uint32_t r = 0; r < regions; r++) {
		uint64_t base, size;
		bool found_last = false;

		if (!fdt_reg(node, 1 + r, &base, &size))
			break;
		/*
		 * IHI 0069 12.11.36 GICR_TYPER.Last: the highest-numbered Redistributor of a
		 * contiguous series. The DT region may be larger than the frames in it (room
		 * for more CPUs): the walk must meet Last before the region ends.
		 */
		for (uint64_t off = 0; off < size; ) {
			uint64_t typer = readq(base + off + GICR_TYPER);
			uint32_t iidr = readl(base + off + GICR_IIDR);
			bool last = typer & (1U << 4);
			uint64_t next = off + ((typer & 2) ? 0x40000 : 0x20000);   /* VLPIS: 4 frames, else 2 */

			if (!frames)
				iidr0 = iidr;
			iidr_differ += iidr != iidr0;
			for (unsigned i = 0; i < frames && i < ARRAY_SIZE(seen); i++)
				dups += seen[i] == typer >> 32;
			if (frames < ARRAY_SIZE(seen))
				seen[frames] = typer >> 32;
			frames++;
			if (last) {
				found_last = true;
				break;
			}
			if (next >= size || frames > 64)
				break;
			off = next;
		}
		if (!found_last) {
			report_info("region %u: no frame with GICR_TYPER.Last before the region's end (%#lx bytes)", r,
				    (unsigned long)size);
			lasts_wrong++;
		}
	}
	for (unsigned i = 0; i < c->n && i < ARRAY_SIZE(c->aff); i++) {
		bool found = false;

		for (unsigned j = 0; j < frames && j < ARRAY_SIZE(seen); j++)
			found |= seen[j] == c->aff[i];
		if (!found) {
			report_info("DT CPU %u (affinity %#lx) has no redistributor frame", i, (unsigned long)c->aff[i]);
			unmatched++;
		}
	}
	report(frames == c->n, "v3: %u redistributor frames in %u region(s), one per DT CPU (%u) [IHI 0069 12.11.36 GICR_TYPER]",
	       frames, regions, c->n);
	report(!unmatched && !dups,
	       "v3: each DT CPU's reg (MPIDR affinity) is one frame's GICR_TYPER.Affinity_Value (%u unmatched, %u duplicates) [IHI 0069 12.11.36 GICR_TYPER.Affinity_Value]",
	       unmatched, dups);
	report(!lasts_wrong, "v3: GICR_TYPER.Last ends each region's series of frames (%u regions without) [IHI 0069 12.11.36 GICR_TYPER.Last]",
	       lasts_wrong);
	/* IHI 0069 12.9.16 GICD_IIDR, 12.11.x GICR_IIDR: both identify the implementer and the product of the GIC. */
	report_info("GICD_IIDR %#x (ProductID %#x, Implementer %#x), GICR_IIDR %#x (ProductID %#x, Implementer %#x)",
		    gicd_iidr, gicd_iidr >> 24, gicd_iidr & 0xfff, iidr0, iidr0 >> 24, iidr0 & 0xfff);
	report(!iidr_differ && frames, "v3: every redistributor's GICR_IIDR is the same (%u differ) [IHI 0069 GICR_IIDR]", iidr_differ);
	report((gicd_iidr >> 24) == (iidr0 >> 24) && (gicd_iidr & 0xfff) == (iidr0 & 0xfff),
	       "v3: GICD_IIDR and GICR_IIDR name the same ProductID and Implementer (%#x/%#x vs %#x/%#x) [IHI 0069 GICD_IIDR, GICR_IIDR]",
	       gicd_iidr >> 24, gicd_iidr & 0xfff, iidr0 >> 24, iidr0 & 0xfff);
}

static void test_dt(int version)
{
	static const char *const compat[] = { "arm,gic-v3", "arm,cortex-a15-gic", "arm,gic-400", "arm,cortex-a9-gic" };
	uint32_t typer = readl(dist + GICD_TYPER), phandle = 0;
	unsigned lines = ((typer & 0x1f) + 1) * 32, max_spi = 0, nodes = 0;
	struct dt_cpus c;
	int gic = -1;

	report_prefix_push("dt");
	dt_cpus(&c);
	for (unsigned i = 0; i < ARRAY_SIZE(compat) && gic < 0; i++)
		gic = fdt_find_compatible(-1, compat[i]);
	if (gic < 0 || !fdt_getprop_u32(gic, "phandle", &phandle)) {
		report_fail("the GIC node (%d) has no phandle for interrupt-parent", gic);
		report_prefix_pop();
		return;
	}
	if (version == 2)
		report(((typer >> 5) & 7) + 1 == c.n,
		       "v2: GICD_TYPER.CPUNumber + 1 = %u, the device tree's CPU nodes (%u) [IHI 0048B 4.3.2 GICD_TYPER.CPUNumber]",
		       ((typer >> 5) & 7) + 1, c.n);
	dt_walk_spis(fdt_root(), phandle, &max_spi, &nodes);
	report_info("%u DT nodes with interrupts to the GIC, highest SPI INTID %u", nodes, max_spi);
	report(nodes && max_spi < lines,
	       "GICD_TYPER.ITLinesNumber %u: 32*(N+1) = %u INTIDs cover the highest SPI INTID the DT uses (%u) [IHI 0048B 4.3.2; IHI 0069 12.9.38 GICD_TYPER]",
	       typer & 0x1f, lines, max_spi);
	if (version == 3)
		test_dt_v3(&c);
	report_prefix_pop();
}

int main(int argc, char **argv, char **envp)
{
	int want = gic_wanted_version(argc, argv), version = gic_version();

	(void)envp;
	report_prefix_pushf("gicv%d", version);
	if (!version) {
		report_skip("GIC: no GICv2/v3 node in the device tree");
		return report_summary();
	}
	if (want && want != version)
		report_fail("the cfg asked for GICv%d, the device tree has v%d", want, version);
	dist = gic_dist_base();
	test_id(version);
	gic_disable_irq(spi);
	/* v2: give the SPI a target (this CPU), so its pending state has somewhere to be (4.3.12). */
	if (version == 2)
		writeb(dist + GICD_ITARGETSR + spi, readb(dist + GICD_ITARGETSR));
	check_pair("enable", GICD_ISENABLER, GICD_ICENABLER);
	check_pair("pending", GICD_ISPENDR, GICD_ICPENDR);
	check_pair("active", GICD_ISACTIVER, GICD_ICACTIVER);
	test_priority();
	test_config(version);
	test_group(version);
	test_unimplemented(version);
	if (version == 2) {
		test_targets();
	} else {
		test_rdist();
		test_irouter();
	}
	test_reserved(version);
	test_dt(version);
	report_prefix_pop();
	return report_summary();
}
