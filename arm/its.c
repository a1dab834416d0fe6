/*
 * its: LPIs through the GICv3 Interrupt Translation Service (IHI 0069
 * chapter 5, "Locality-specific Peripheral Interrupts and the ITS"; the
 * registers in chapter 12). One LPI end to end first, then the commands that
 * change its state:
 *   regs      GICD_TYPER.LPIS, GICR_TYPER.PLPIS, GITS_TYPER.Physical, the
 *             tables and queue accepted (BASER/CBASER Valid), EnableLPIs and
 *             GITS_CTLR.Enabled read back, CREADR follows CWRITER
 *   int       MAPC + MAPD + MAPTI then INT: the LPI is signalled once, with its
 *             INTID, and has no active state (EOI alone ends it)
 *   doorbell  a 32-bit write of the EventID to GITS_TRANSLATER by the CPU: the
 *             ITS takes the writer's DeviceID (IMPLEMENTATION DEFINED for a CPU;
 *             QEMU uses 0): that device's event is signalled once
 *   config    an LPI disabled in the configuration table stays pending, and
 *             is signalled after it is enabled and INV makes the redistributor
 *             read the table again
 *   clear     CLEAR removes a pending state INT made
 *   discard   DISCARD removes the mapping: a later INT signals nothing
 *   mapi      MAPI maps EventID = INTID
 *   pendtable (smp 2) CPU 1's redistributor given a pending table with two
 *             LPIs' bits set (PENDBASER.PTZ = 0, live data) before EnableLPIs:
 *             once enabled, the one enabled in the configuration table is
 *             signalled there, once; the disabled one is not, and stays
 *             pending until it is enabled and INV'd
 *   movi      (smp 2) MOVI to a collection on CPU 1: INT is signalled there, not here
 *   errors    a device unmapped by MAPD V=0 translates nothing; MAPTI of an
 *             EventID beyond the device's size maps nothing; INT of an
 *             unmapped event or device signals nothing
 * PSTATE.I stays set; the test reads ICC_IAR1_EL1 itself.
 */
#include "hvut.h"
#include <asm/gic.h>
#include <asm/io.h>
#include <asm/its.h>
#include <asm/smp.h>
#include <asm/sysreg.h>
#include <asm/timer.h>

#define DEV 1
#define DEV_CPU 0          /* the DeviceID QEMU gives a CPU's write to GITS_TRANSLATER */
#define EVENT_BITS 4
#define LPI_A (LPI_BASE + 0)
#define LPI_B (LPI_BASE + 1)
#define LPI_M (LPI_BASE + 5)
#define LPI_P (LPI_BASE + 40)     /* pending in CPU 1's table, enabled */
#define LPI_Q (LPI_BASE + 77)     /* pending in CPU 1's table, disabled */
#define PRIO 0xa0

static struct its_info its;
static volatile unsigned cpu1_got, cpu1_p, cpu1_q, cpu1_other;
static volatile bool cpu1_stop, cpu1_ready;

static void settle(void)
{
	dsb(sy);
	udelay(2000);   /* LPIs have no delivery bound (IHI 0069 5.1); SYNC has made them visible already */
}

/* Takes every signalled interrupt; returns how many were `intid`, and records any other. */
static unsigned take(unsigned intid, unsigned *other)
{
	unsigned n = 0;

	*other = 0;
	for (int i = 0; i < 8; i++) {
		uint32_t iar = gic_ack();
		unsigned id = gic_iar_intid(iar);

		if (id == GIC_SPURIOUS)
			break;
		if (id == intid)
			n++;
		else
			*other = id;
		gic_eoi(iar);
	}
	return n;
}

static bool cmd(enum its_cmd op, uint32_t dev, uint32_t ev, uint32_t intid, uint16_t icid)
{
	return its_cmd(op, dev, ev, intid, icid, 0) && its_sync(0);
}

static void test_int(void)
{
	unsigned n, other;
	bool ok;
	uint32_t iar;

	report_prefix_push("int");
	lpi_configure(LPI_A, PRIO, true);
	ok = its_mapc(0, 0, true) && its_mapd(DEV, EVENT_BITS, true) && cmd(ITS_MAPTI, DEV, 0, LPI_A, 0) &&
	     cmd(ITS_INV, DEV, 0, 0, 0);
	report(ok, "MAPC, MAPD, MAPTI, INV, SYNC: the ITS reads each (CREADR reaches CWRITER, no stall) [IHI 0069 5.3 ITS commands; 12 GITS_CREADR]");
	ok = cmd(ITS_INT, DEV, 0, 0, 0);
	settle();
	if (gic_hppir() != LPI_A) {
		uintptr_t rd = gic_rdist_base(0);

		report_info("after INT: GICR_CTLR %#x GICR_TYPER %#lx PROPBASER %#lx PENDBASER %#lx CREADR %#lx GITS_CTLR %#x",
			    readl(rd + GICR_CTLR), (unsigned long)readq(rd + GICR_TYPER),
			    (unsigned long)readq(rd + GICR_PROPBASER), (unsigned long)readq(rd + GICR_PENDBASER),
			    (unsigned long)its_creadr(), readl(its.base + GITS_CTLR));
		for (unsigned n = 0; n < 8; n++)
			if (readq(its.base + GITS_BASER + n * 8))
				report_info("GITS_BASER%u %#lx", n, (unsigned long)readq(its.base + GITS_BASER + n * 8));
		report_info("GITS_CBASER %#lx, GICD_CTLR %#x", (unsigned long)readq(its.base + GITS_CBASER),
			    readl(gic_dist_base() + GICD_CTLR));
	}
	report(gic_hppir() == LPI_A, "INT: LPI %u is the highest priority pending interrupt (HPPIR %u) [IHI 0069 5.3 ITS commands, INT]",
	       LPI_A, gic_hppir());
	iar = gic_ack();
	report(ok && gic_iar_intid(iar) == LPI_A, "acknowledge returns it (IAR %u)", gic_iar_intid(iar));
	report(gic_rpr() == PRIO, "at the priority of its configuration byte (RPR %#x) [IHI 0069 5.1.1 LPI configuration tables]",
	       gic_rpr());
	gic_eoi(iar);
	report(gic_rpr() == 0xff, "EOI ends it: LPIs have no active state (RPR %#x) [IHI 0069 4.1.2]", gic_rpr());
	n = take(LPI_A, &other);
	report(n == 0 && !other, "delivered once: nothing more (%u more, other %u)", n, other);
	report_prefix_pop();
}

static void test_doorbell(void)
{
	unsigned n, other;
	bool ok;

	report_prefix_push("doorbell");
	lpi_configure(LPI_B, PRIO, true);
	ok = its_mapd(DEV_CPU, EVENT_BITS, true) && cmd(ITS_MAPTI, DEV_CPU, 1, LPI_B, 0) && cmd(ITS_INV, DEV_CPU, 1, 0, 0);
	report(ok, "DeviceID %u, EventID 1 mapped to LPI %u", DEV_CPU, LPI_B);
	writel(its.base + GITS_TRANSLATER, 1);
	settle();
	n = take(LPI_B, &other);
	/*
	 * Which DeviceID a PE's write carries is the implementation's (IHI 0069
	 * 5.2: the DeviceID comes with the write, by IMPLEMENTATION DEFINED
	 * means). QEMU's emulated ITS gives a CPU's write DeviceID 0; KVM's
	 * in-kernel ITS (GITS_IIDR ProductID 0x4b) takes device writes only
	 * through KVM_SIGNAL_MSI and drops a vCPU's: not a check there.
	 */
	if (readl(its.base + GITS_IIDR) >> 24 == 0x4b && n == 0 && !other)
		report_info("a PE's write of EventID 1 to GITS_TRANSLATER signals nothing: KVM's ITS (GITS_IIDR ProductID 0x4b) "
			    "gives PE writes no DeviceID [IHI 0069 5.2: IMPLEMENTATION DEFINED]");
	else
		report(n == 1 && !other,
		       "a write of EventID 1 to GITS_TRANSLATER signals LPI %u once (%u times, other %u) [IHI 0069 5.2 the ITS, 12 GITS_TRANSLATER]",
		       LPI_B, n, other);
	report_prefix_pop();
}

static void test_config(void)
{
	unsigned n, other;

	report_prefix_push("config");
	lpi_configure(LPI_A, PRIO, false);
	cmd(ITS_INV, DEV, 0, 0, 0);
	cmd(ITS_INT, DEV, 0, 0, 0);
	settle();
	n = take(LPI_A, &other);
	report(n == 0 && !other, "a disabled LPI is not signalled (%u, other %u) [IHI 0069 5.1.1 Enable bit]", n, other);
	lpi_configure(LPI_A, PRIO, true);
	cmd(ITS_INV, DEV, 0, 0, 0);
	settle();
	n = take(LPI_A, &other);
	report(n == 1, "it stayed pending: enabled and INV'd, it is signalled once (%u) [IHI 0069 5.3 ITS commands, INV]", n);
	report_prefix_pop();
}

static void test_clear_discard(void)
{
	unsigned n, other;

	report_prefix_push("clear");
	lpi_configure(LPI_A, PRIO, false);
	cmd(ITS_INV, DEV, 0, 0, 0);
	cmd(ITS_INT, DEV, 0, 0, 0);
	cmd(ITS_CLEAR, DEV, 0, 0, 0);
	lpi_configure(LPI_A, PRIO, true);
	cmd(ITS_INV, DEV, 0, 0, 0);
	settle();
	n = take(LPI_A, &other);
	report(n == 0 && !other, "INT then CLEAR while disabled: nothing once enabled (%u, other %u) [IHI 0069 5.3 ITS commands, CLEAR]",
	       n, other);
	report_prefix_pop();

	report_prefix_push("discard");
	cmd(ITS_DISCARD, DEV, 0, 0, 0);
	cmd(ITS_INT, DEV, 0, 0, 0);
	settle();
	n = take(LPI_A, &other);
	report(n == 0 && !other, "after DISCARD, INT of the event signals nothing (%u, other %u) [IHI 0069 5.3 ITS commands, DISCARD]", n,
	       other);
	cmd(ITS_MAPTI, DEV, 0, LPI_A, 0);
	cmd(ITS_INT, DEV, 0, 0, 0);
	settle();
	n = take(LPI_A, &other);
	report(n == 1, "mapped again with MAPTI, it is signalled once (%u)", n);
	report_prefix_pop();
}

static void test_mapi(void)
{
	unsigned n, other;

	report_prefix_push("mapi");
	lpi_configure(LPI_M, PRIO, true);
	/* MAPI: the EventID is the LPI (IHI 0069 5.3, MAPI); our device has 16 events, so use a second device. */
	its_mapd(DEV + 1, LPI_ID_BITS, true);
	cmd(ITS_MAPI, DEV + 1, LPI_M, 0, 0);
	cmd(ITS_INV, DEV + 1, LPI_M, 0, 0);
	cmd(ITS_INT, DEV + 1, LPI_M, 0, 0);
	settle();
	n = take(LPI_M, &other);
	report(n == 1 && !other, "MAPI maps EventID %u to LPI %u: INT signals it once (%u, other %u) [IHI 0069 5.3 ITS commands, MAPI]",
	       LPI_M, LPI_M, n, other);
	report_prefix_pop();
}

/* CPU 1 takes whatever its CPU interface signals; CPU 0 programs CPU 1's redistributor. */
static void cpu1_poll(void *arg)
{
	(void)arg;
	cpu1_ready = true;
	while (!READ_ONCE(cpu1_stop)) {
		uint32_t iar = gic_ack();
		unsigned id = gic_iar_intid(iar);

		if (id == GIC_SPURIOUS)
			continue;
		if (id == LPI_A)
			cpu1_got++;
		else if (id == LPI_P)
			cpu1_p++;
		else if (id == LPI_Q)
			cpu1_q++;
		else
			cpu1_other = id;
		gic_eoi(iar);
	}
}

/* Waits (bounded, 5 s of the guest's clock) until *v reaches n; only spent when it does not. */
static void wait_count(volatile unsigned *v, unsigned n)
{
	uint64_t end = read_cntvct() + 5 * read_cntfrq();

	while (*v < n && read_cntvct() < end)
		;
	settle();
}

static void set_pending_bit(uint8_t *table, unsigned intid)
{
	/* IHI 0069 5.1.2 LPI Pending tables: one bit per INTID, bit N%8 of byte N/8 from the base. */
	table[intid / 8] |= (uint8_t)(1U << (intid % 8));
}

/*
 * IHI 0069 12.11 GICR_PENDBASER.PTZ: 0 says the LPI Pending table is not zero
 * and holds live data; GICR_CTLR.EnableLPIs: when it is written from 0 to 1,
 * the Redistributor loads the LPI Pending table from memory to check for
 * pending LPIs; 5.1.2: the table's first 1 KiB (INTIDs 0-8191) is
 * IMPLEMENTATION DEFINED: left zero here. An LPI pending in the table and
 * enabled in the configuration table (5.1.1) is then signalled; one disabled
 * there stays pending and is signalled once enabled and INV'd (5.3 INV).
 * Both LPIs are mapped through the ITS to a collection on CPU 1 first, which
 * changes nothing of the rule and gives a VMM that tracks only mapped LPIs a
 * record of them.
 */
static bool test_pendtable(void)
{
	uint8_t *table;
	bool ok;
	uint64_t end;
	unsigned n, other;

	report_prefix_push("pendtable");
	if (nr_cpus() < 2) {
		report_skip("pending table on another CPU: needs 2 CPUs (smp >= 2 in unittests.cfg)");
		report_prefix_pop();
		return false;
	}
	table = alloc_pages(4);   /* 64 KiB aligned, zeroed */
	if (!report(table != NULL, "a 64 KiB pending table for CPU 1")) {
		report_prefix_pop();
		return false;
	}
	set_pending_bit(table, LPI_P);
	set_pending_bit(table, LPI_Q);
	lpi_configure(LPI_P, PRIO, true);
	lpi_configure(LPI_Q, PRIO, false);
	ok = lpi_tables_rdist(1, table);
	ok = ok && its_mapc(1, 1, true) && cmd(ITS_MAPTI, DEV, 2, LPI_P, 1) && cmd(ITS_MAPTI, DEV, 3, LPI_Q, 1) &&
	     its_sync(1);
	if (!report(ok, "CPU 1: PROPBASER, PENDBASER (PTZ = 0) written; events 2, 3 of device %u mapped to LPIs %u, %u on collection 1",
		    DEV, LPI_P, LPI_Q)) {
		report_prefix_pop();
		return false;
	}
	/* Diagnostics only: while EnableLPIs is 0 the table is software's; a VMM that already consumed it shows here. */
	report_info("before EnableLPIs: pending table bits of LPI %u: %d, LPI %u: %d", LPI_P,
		    table[LPI_P / 8] >> (LPI_P % 8) & 1, LPI_Q, table[LPI_Q / 8] >> (LPI_Q % 8) & 1);
	on_cpu_async(1, cpu1_poll, NULL);
	end = read_cntvct() + 5 * read_cntfrq();
	while (!cpu1_ready && read_cntvct() < end)
		;
	/* A must-not-happen: a fixed 100 ms of the guest's clock with CPU 1 polling. */
	udelay(100000);
	report_deviation("its-lpi-before-enablelpis", cpu1_ready && !cpu1_p && !cpu1_q,
			 "EnableLPIs = 0: CPU 1 is signalled neither LPI (%u, %u) [IHI 0069 GICR_CTLR.EnableLPIs: 0, LPI support is disabled]",
			 cpu1_p, cpu1_q);
	if (!report(cpu1_ready && lpi_enable_rdist(1), "CPU 1 polls; its GICR_CTLR.EnableLPIs written 1 reads 1")) {
		report_prefix_pop();
		return false;
	}
	wait_count(&cpu1_p, 1);
	n = take(LPI_P, &other);
	report(cpu1_p == 1 && !cpu1_q && n == 0,
	       "LPI %u, set in the pending table before EnableLPIs, is signalled on CPU 1 once (%u), the disabled LPI %u not (%u), CPU 0 nothing (%u) [IHI 0069 GICR_PENDBASER.PTZ, GICR_CTLR.EnableLPIs; 5.1.2 LPI Pending tables]",
	       LPI_P, cpu1_p, LPI_Q, cpu1_q, n);
	lpi_configure(LPI_Q, PRIO, true);
	cmd(ITS_INV, DEV, 3, 0, 0);
	its_sync(1);
	wait_count(&cpu1_q, 1);
	report_deviation("its-pendtable-disabled-lost", cpu1_q == 1 && cpu1_p == 1 && !cpu1_other,
			 "LPI %u stayed pending while disabled: enabled and INV'd, it is signalled on CPU 1 once (%u; other %u) [IHI 0069 5.1.1 Enable; 5.3 INV]",
			 LPI_Q, cpu1_q, cpu1_other);
	report_prefix_pop();
	return true;
}

static void test_movi(bool cpu1_polling)
{
	unsigned n, other;

	report_prefix_push("movi");
	if (nr_cpus() < 2) {
		report_skip("MOVI to another CPU: needs 2 CPUs (smp >= 2 in unittests.cfg)");
		report_prefix_pop();
		return;
	}
	if (!report(cpu1_polling, "CPU 1 polls with LPIs enabled (pendtable)")) {
		report_prefix_pop();
		return;
	}
	its_mapc(1, 1, true);
	cmd(ITS_MOVI, DEV, 0, 0, 1);
	cmd(ITS_INT, DEV, 0, 0, 0);
	its_sync(1);
	wait_count(&cpu1_got, 1);
	n = take(LPI_A, &other);
	report(cpu1_got == 1 && n == 0, "after MOVI to collection 1 (CPU 1), INT is signalled on CPU 1 once (%u), not here (%u) [IHI 0069 5.3 ITS commands, MOVI]",
	       cpu1_got, n);
	cmd(ITS_MOVI, DEV, 0, 0, 0);
	report_prefix_pop();
}

static void test_errors(void)
{
	unsigned n, other;
	uint64_t r;

	report_prefix_push("errors");
	/* MAPD with V=0 unmaps the device: a doorbell write for it translates to nothing (IHI 0069 5.3, MAPD). */
	its_mapd(DEV_CPU, EVENT_BITS, false);
	its_sync(0);
	writel(its.base + GITS_TRANSLATER, 1);
	settle();
	n = take(LPI_B, &other);
	report(n == 0 && !other, "after MAPD V=0, the doorbell write of its event signals nothing (%u, other %u) [IHI 0069 5.3 ITS commands, MAPD]",
	       n, other);
	/* An EventID beyond MAPD's Size is out of range: MAPTI fails, INT finds nothing. */
	lpi_configure(LPI_M + 1, PRIO, true);
	its_cmd(ITS_MAPTI, DEV, 1U << EVENT_BITS, LPI_M + 1, 0, 0);
	its_cmd(ITS_INT, DEV, 1U << EVENT_BITS, 0, 0, 0);
	settle();
	n = take(LPI_M + 1, &other);
	report(n == 0 && !other, "MAPTI of EventID %u, beyond the device's %u bits, maps nothing: INT signals nothing (%u, other %u) [IHI 0069 5.3 ITS commands, MAPTI errors]",
	       1U << EVENT_BITS, EVENT_BITS, n, other);
	its_cmd(ITS_INT, DEV, 9, 0, 0, 0);      /* event 9: never mapped */
	its_cmd(ITS_INT, 40, 0, 0, 0, 0);       /* device 40: never mapped */
	r = its_creadr();
	/* A command error either is ignored or stalls the queue (IHI 0069 5.3 ITS commands, command errors; GITS_TYPER.SEIS); both allowed. */
	report_info("after two erroneous INTs: CREADR %#lx (%s)", (unsigned long)r,
		    r & GITS_CREADR_STALLED ? "stalled" : "ignored");
	settle();
	n = take(GIC_SPURIOUS - 1, &other);
	report(n == 0 && !other, "INT of an unmapped event or device signals nothing (other %u) [IHI 0069 5.3 ITS commands, INT errors]",
	       other);
	report_prefix_pop();
}

int main(int argc, char **argv, char **envp)
{
	uint32_t gicd_typer;
	bool polling;

	(void)argc, (void)argv, (void)envp;
	if (gic_version() != 3) {
		report_skip("ITS: the GIC is not a GICv3 (version %d)", gic_version());
		return report_summary();
	}
	gicd_typer = readl(gic_dist_base() + GICD_TYPER);
	if (!(gicd_typer & GICD_TYPER_LPIS)) {
		report_skip("LPIs: GICD_TYPER.LPIS=0");
		return report_summary();
	}
	if (!its_probe(&its)) {
		report_skip("ITS: no arm,gic-v3-its node in the device tree");
		return report_summary();
	}
	report_info("GITS_TYPER %#lx: %u DeviceID bits, %u EventID bits, ITT entry %u bytes, PTA %d; GITS_IIDR %#x",
		    (unsigned long)its.typer, its.dev_bits, its.event_bits, its.itt_entry_size, its.pta,
		    readl(its.base + GITS_IIDR));
	irq_disable();
	report(((gicd_typer >> 19 & 0x1f) + 1) >= LPI_ID_BITS, "GICD_TYPER.IDbits covers %d-bit INTIDs (%u) [IHI 0069 12 GICD_TYPER.IDbits]",
	       LPI_ID_BITS, (gicd_typer >> 19 & 0x1f) + 1);
	report(its.typer & 1, "GITS_TYPER.Physical: physical LPIs supported [IHI 0069 12 GITS_TYPER]");
	if (!report(its.event_bits >= EVENT_BITS && its.dev_bits >= 6, "GITS_TYPER: at least %d EventID and 6 DeviceID bits", EVENT_BITS) ||
	    !report(lpi_enable_here(), "GICR_PROPBASER/PENDBASER set, GICR_CTLR.EnableLPIs reads 1 [IHI 0069 5.1 LPIs; 12 GICR_PROPBASER, GICR_PENDBASER, GICR_CTLR]") ||
	    !report(its_setup(&its), "device and collection tables (GITS_BASER), command queue (GITS_CBASER), GITS_CTLR.Enabled [IHI 0069 12 GITS_BASER<n>, GITS_CBASER, GITS_CTLR]"))
		return report_summary();
	report((its_creadr() & 0xfffe0) == 0, "GITS_CREADR starts at 0 after CBASER is written [IHI 0069 12 GITS_CBASER, GITS_CREADR]");
	test_int();
	test_doorbell();
	test_config();
	test_clear_discard();
	test_mapi();
	polling = test_pendtable();
	test_movi(polling);
	if (polling) {
		cpu1_stop = true;
		on_cpu_wait(1);
	}
	test_errors();
	return report_summary();
}
