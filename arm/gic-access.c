/*
 * gic-access: the access sizes the GIC specifications require of the
 * memory-mapped registers, each checked against the same register's 32-bit
 * (or 64-bit) view. GICv3/v4: IHI 0069 12.1.3 "GIC memory-mapped register
 * access" (8.1.3 in issue A): 64-bit registers accessible as one doubleword
 * or as two 32-bit words; GICD_IPRIORITYR<n> and GICR_IPRIORITYR<n> "are
 * byte-accessible" (their register descriptions). GICv2: IHI 0048B chapter
 * 4: 32-bit access to every register, and "These registers are
 * byte-accessible" for GICD_IPRIORITYRn (4.3.11), GICD_ITARGETSRn (4.3.12),
 * GICD_CPENDSGIRn (4.3.16), GICD_SPENDSGIRn (4.3.17). "gic=N" says which
 * version the cfg asked for.
 *   bytes   a byte read returns its lane of the word; a byte write changes
 *           its lane exactly as a 32-bit write of that lane would and no
 *           other: IPRIORITYR (v2, v3 distributor; v3 redistributor SGIs),
 *           ITARGETSR (v2); SPENDSGIR/CPENDSGIR (v2) set and clear one
 *           SGI's source bit, the SGI of the byte written
 *   halves  v3 64-bit registers: a doubleword read equals its two words;
 *           a 32-bit write changes its half only, as the doubleword write of
 *           the same value does: GICD_IROUTER<n>, GICR_PROPBASER,
 *           GICR_PENDBASER, GITS_BASER<n>, GITS_CBASER, GITS_CWRITER (the
 *           read-only GICR_TYPER, GITS_TYPER: reads only; GITS_CREADR
 *           reads 0 with the ITS never enabled, telling nothing)
 * Not asserted: the sizes the specifications do not list (halfwords, bytes
 * to registers that are not byte-accessible, doublewords to 32-bit
 * registers); IHI 0069 12.1.3 makes them UNPREDICTABLE, IHI 0048B asks
 * only for the word and byte accesses above.
 *
 * Every access is one LDR/STR of its size (asm/io.h): KVM can only emulate
 * those (docs/kvm.md). Only unused INTIDs at the top of the SPI range and
 * SGIs 12-15 are touched, with PSTATE.I set and nothing enabled that is
 * not already; the ITS and LPIs are never enabled.
 */
#include "hvut.h"
#include <asm/gic.h>
#include <asm/io.h>
#include <asm/its.h>
#include <asm/smp.h>
#include <asm/sysreg.h>

#define GICD_CPENDSGIR 0xf10
#define GICD_SPENDSGIR 0xf20
#define GICD_TYPER_A3V (1U << 24)
#define GITS_BASER_TYPE(b) ((unsigned)((b) >> 56) & 7)

static uintptr_t dist;
static unsigned top_spi;   /* the last SPI; the word of four SPIs ending with it is used */

static uint32_t lane_of(uint32_t w, unsigned k) { return w >> (k * 8) & 0xff; }
static uint32_t with_lane(uint32_t w, unsigned k, uint8_t v)
{
	return (w & ~(0xffU << (k * 8))) | (uint32_t)v << (k * 8);
}

/*
 * A byte-accessible word at w, starting from the lanes a[] (written as one
 * word), byte b[k] written to each lane k in turn. Returns true when every
 * byte read matches its lane of the word read and every byte write gave the
 * word a 32-bit write of the same lane gives; *vacuous when b[k] did not
 * change a lane (the value is not implemented: nothing was shown).
 */
static bool bytes_match(uintptr_t w, const uint8_t a[4], const uint8_t b[4], char *why, size_t len, bool *vacuous)
{
	uint32_t base = 0, ref, want, got;

	*vacuous = false;
	for (unsigned k = 0; k < 4; k++)
		base |= (uint32_t)a[k] << (k * 8);
	writel(w, base);
	ref = readl(w);
	for (unsigned k = 0; k < 4; k++) {
		uint8_t byte = readb(w + k);

		if (byte != lane_of(ref, k)) {
			snprintf(why, len, "byte read of lane %u: %#x, the word %#x", k, byte, ref);
			return false;
		}
	}
	for (unsigned k = 0; k < 4; k++) {
		writel(w, with_lane(base, k, b[k]));
		want = readl(w);
		writel(w, base);
		writeb(w + k, b[k]);
		got = readl(w);
		writel(w, base);
		*vacuous |= want == ref;
		if (got != want) {
			snprintf(why, len, "byte %#x to lane %u: word %#x, a 32-bit write gives %#x (before %#x)", b[k], k,
				 got, want, ref);
			return false;
		}
	}
	snprintf(why, len, "word %#x", ref);
	return true;
}

static void check_bytes(const char *name, uintptr_t w, const uint8_t a[4], const uint8_t b[4], const char *rule)
{
	uint32_t saved = readl(w);
	char why[120];
	bool vacuous, ok = bytes_match(w, a, b, why, sizeof(why), &vacuous);

	writel(w, saved);
	report(ok && !vacuous, "%s: byte reads are the word's lanes, a byte write changes its own lane only [%s] (%s%s)",
	       name, rule, why, vacuous ? "; a lane did not change" : "");
}

static void test_priority_bytes(void)
{
	/* Top nibbles differ: at least 4 priority bits are implemented (IHI 0048B 3.3, IHI 0069 4.8). */
	static const uint8_t a[4] = { 0x40, 0x50, 0x60, 0x70 }, b[4] = { 0xc0, 0xd0, 0xe0, 0xf0 };

	check_bytes("GICD_IPRIORITYR (4 SPIs)", dist + GICD_IPRIORITYR + (top_spi & ~3U), a, b,
		    gic_version() == 3 ? "IHI 0069 12.1.3, GICD_IPRIORITYR<n>" : "IHI 0048B 4.3.11");
	if (gic_version() == 3)
		check_bytes("GICR_IPRIORITYR (SGIs 12-15)", gic_rdist_base(smp_id()) + GICR_SGI_FRAME + GICD_IPRIORITYR + 12,
			    a, b, "IHI 0069 12.1.3, GICR_IPRIORITYR<n>");
}

/* v2 ITARGETSRn of SPIs: only the bits of CPUs that exist (the others are RAZ/WI, 4.3.12). */
static void test_targets_bytes(void)
{
	uint8_t a[4], b[4];

	if (nr_cpus() < 2) {
		report_skip("GICD_ITARGETSR byte access: needs 2 CPUs (smp >= 2 in unittests.cfg)");
		return;
	}
	for (unsigned k = 0; k < 4; k++) {   /* lanes told apart: a byte from the wrong lane shows */
		a[k] = gic_v2_target(k % nr_cpus());
		b[k] = gic_v2_target((k + 1) % nr_cpus());
	}
	check_bytes("GICD_ITARGETSR (4 SPIs)", dist + GICD_ITARGETSR + (top_spi & ~3U), a, b, "IHI 0048B 4.3.12");
}

/*
 * v2 GICD_SPENDSGIRn / GICD_CPENDSGIRn (4.3.16, 4.3.17): byte k of word n
 * holds SGI 4n + k's pending state per source CPU interface. A byte write of
 * this CPU's bit must set (clear) that SGI's pending state from this source,
 * not the word's first SGI's.
 */
static void test_sgi_pending_bytes(void)
{
	uintptr_t set = dist + GICD_SPENDSGIR + 12, clr = dist + GICD_CPENDSGIR + 12;   /* SGIs 12-15 */
	uint8_t src = gic_v2_target(smp_id());
	unsigned bad_set = 0, bad_read = 0, bad_clear = 0;
	uint32_t w = 0;

	writel(clr, 0xffffffff);
	for (unsigned k = 0; k < 4; k++) {
		unsigned sgi = 12 + k;
		uint32_t after_set, after_clear;
		uint8_t byte;

		writeb(set + k, src);
		after_set = readl(set);
		byte = readb(set + k);
		if (after_set != (uint32_t)src << (k * 8) || !gic_irq_pending(sgi)) {
			bad_set |= 1U << sgi;
			w = after_set;
		}
		if (byte != src)
			bad_read |= 1U << sgi;
		writeb(clr + k, src);
		after_clear = readl(set);
		if (after_clear || gic_irq_pending(sgi)) {
			bad_clear |= 1U << sgi;
			w = after_clear;
		}
	}
	writel(clr, 0xffffffff);
	report(!bad_set, "GICD_SPENDSGIR: a byte write of source bit %#x makes that byte's SGI pending, and only it [IHI 0048B 4.3.17] (wrong SGIs %#x, word %#x)",
	       src, bad_set, w);
	report(!bad_read, "GICD_SPENDSGIR: a byte read returns that SGI's source bits (wrong SGIs %#x)", bad_read);
	report(!bad_clear, "GICD_CPENDSGIR: a byte write of the source bit clears that byte's SGI [IHI 0048B 4.3.16] (wrong SGIs %#x, word %#x)",
	       bad_clear, w);
}

/* A read-only 64-bit register: the doubleword read is its two word reads. */
static void check_halves_ro(const char *name, uintptr_t r)
{
	uint64_t q = readq(r);
	uint32_t lo = readl(r), hi = readl(r + 4);

	report(q == ((uint64_t)hi << 32 | lo),
	       "%s: a 64-bit read equals the two 32-bit reads [IHI 0069 12.1.3] (%#llx; %#x, %#x)", name,
	       (unsigned long long)q, hi, lo);
}

/*
 * A writable 64-bit register and two values it holds differently in both
 * halves where it can: v1 written as a doubleword reads r1, in two words
 * (low half, then high half, on top of v2) reads r1 again, each word write
 * changing its own half only. The register is restored.
 */
static void check_halves_rw(const char *name, uintptr_t r, uint64_t v1, uint64_t v2)
{
	uint64_t saved = readq(r), r1, r2, after_lo, after_hi;
	uint32_t lo, hi;

	writeq(r, v1);
	r1 = readq(r);
	lo = readl(r), hi = readl(r + 4);
	writeq(r, v2);
	r2 = readq(r);
	writel(r, (uint32_t)v1);
	after_lo = readq(r);
	writel(r + 4, (uint32_t)(v1 >> 32));
	after_hi = readq(r);
	writeq(r, saved);
	report(r1 == ((uint64_t)hi << 32 | lo), "%s: a 64-bit read equals the two 32-bit reads [IHI 0069 12.1.3] (%#llx; %#x, %#x)",
	       name, (unsigned long long)r1, hi, lo);
	if (r1 == r2) {
		report_fail("%s: %#llx and %#llx read back the same (%#llx): the test has no two values to tell apart", name,
			    (unsigned long long)v1, (unsigned long long)v2, (unsigned long long)r1);
		return;
	}
	report(after_lo == ((r2 & ~0xffffffffULL) | (r1 & 0xffffffffULL)) && after_hi == r1,
	       "%s: 32-bit writes change their own half, as a 64-bit write would [IHI 0069 12.1.3] (%#llx, then %#llx over %#llx; 64-bit: %#llx)",
	       name, (unsigned long long)after_lo, (unsigned long long)after_hi, (unsigned long long)r2,
	       (unsigned long long)r1);
}

static void test_irouter_halves(void)
{
	uintptr_t r = dist + GICD_IROUTER + top_spi * 8;
	uint64_t aff1 = cpu_mpidr(nr_cpus() - 1) & MPIDR_HWID_MASK, aff0 = cpu_mpidr(0) & MPIDR_HWID_MASK;
	uint64_t v1 = (aff1 & 0xffffff) | (aff1 >> 32 & 0xff) << 32, v2 = (aff0 & 0xffffff) | (aff0 >> 32 & 0xff) << 32;

	/*
	 * Aff3 (bits [39:32]) is the only field of the high half; RES0 unless
	 * GICD_TYPER.A3V. A path without a PE is CONSTRAINED UNPREDICTABLE only
	 * once the SPI becomes pending (GICD_IROUTER<n>.IRM); it never does here.
	 */
	if (readl(dist + GICD_TYPER) & GICD_TYPER_A3V)
		v1 |= (v2 >> 32 ^ 1) << 32;
	else
		report_info("GICD_TYPER.A3V = 0: IROUTER's high half (Aff3) is RES0");
	if (v1 == v2)
		v1 ^= 1;   /* one CPU: Aff0 + 1, no PE; the SPI stays disabled */
	check_halves_rw("GICD_IROUTER", r, v1, v2);
}

static void test_rdist_halves(void)
{
	uintptr_t rd = gic_rdist_base(smp_id());
	/* PA fields in both halves; LPIs are never enabled here, so both registers stay writable (12.11). */
	uint64_t pa1 = 0x123450000ULL, pa2 = 0x20000ULL;

	for (int c = 0; c < nr_cpus(); c++) {
		char name[32];

		snprintf(name, sizeof(name), "GICR_TYPER (CPU %d)", c);
		check_halves_ro(name, gic_rdist_base(c) + GICR_TYPER);
	}
	if (!(readq(rd + GICR_TYPER) & GICR_TYPER_PLPIS)) {
		report_skip("GICR_PROPBASER/PENDBASER: GICR_TYPER.PLPIS = 0");
		return;
	}
	check_halves_rw("GICR_PROPBASER", rd + GICR_PROPBASER, pa1 | 13, pa2 | 15);
	check_halves_rw("GICR_PENDBASER", rd + GICR_PENDBASER, pa1, pa2);
}

static void test_its_halves(void)
{
	struct its_info its;
	uint64_t pa1 = 0x123450000ULL, pa2 = 0x20000ULL;
	bool any = false;

	if (!its_probe(&its)) {
		report_skip("GITS_* registers: no arm,gic-v3-its node in the device tree");
		return;
	}
	if (readl(its.base + GITS_CTLR) & GITS_CTLR_ENABLED) {
		report_skip("GITS_* registers: the ITS is already enabled (BASER/CBASER read-only then)");
		return;
	}
	check_halves_ro("GITS_TYPER", its.base + GITS_TYPER);
	for (unsigned n = 0; n < 8; n++) {
		uintptr_t r = its.base + GITS_BASER + n * 8;
		char name[24];

		if (!GITS_BASER_TYPE(readq(r)))
			continue;   /* Type 0: no table, RAZ/WI */
		snprintf(name, sizeof(name), "GITS_BASER%u", n);
		/* Valid stays 0: nothing uses the addresses. 64 KiB aligned, for any Page_Size. */
		check_halves_rw(name, r, (readq(r) & 0x07ff000000000000ULL) | pa1,
				(readq(r) & 0x07ff000000000000ULL) | pa2);
		any = true;
	}
	if (!any)
		report_info("GITS_BASER<n>: every Type is 0 (no tables)");
	check_halves_rw("GITS_CBASER", its.base + GITS_CBASER, pa1, pa2);
	/* Offsets inside the queue CBASER (Size 0: 4 KiB) describes; with the ITS disabled nothing runs. */
	writeq(its.base + GITS_CBASER, pa2);
	check_halves_rw("GITS_CWRITER", its.base + GITS_CWRITER, 0x20, 0x40);
	writeq(its.base + GITS_CBASER, 0);
}

int main(int argc, char **argv, char **envp)
{
	(void)envp;
	if (!gic_test_start(argc, argv))
		return report_summary();
	irq_disable();
	dist = gic_dist_base();
	top_spi = gic_nr_intids() - 1;
	report_info("GICv%d, %d CPUs, SPIs %u-%u", gic_version(), nr_cpus(), top_spi & ~3U, top_spi);
	for (unsigned i = top_spi & ~3U; i <= top_spi; i++) {
		gic_disable_irq(i);
		gic_clear_pending(i);
	}

	report_prefix_push("bytes");
	test_priority_bytes();
	if (gic_version() == 2) {
		test_targets_bytes();
		test_sgi_pending_bytes();
	}
	report_prefix_pop();
	if (gic_version() == 3) {
		report_prefix_push("halves");
		test_irouter_halves();
		test_rdist_halves();
		test_its_halves();
		report_prefix_pop();
	}
	return report_summary();
}
