/*
 * xive: the XIVE exploitation-mode hcalls (PAPR/LoPAR "XIVE Exploitation
 * hcalls", H_INT_*) of a pseries machine started with ic-mode=xive (the cfg
 * entry; without client-architecture-support the tree then offers XIVE
 * only). A source is routed to an event queue and triggered, and the event
 * is seen in the queue; then, with the OS ring's CPPR opened, a second
 * trigger is delivered as an external interrupt and acknowledged.
 *
 *   - the tree: the interrupt controller node (compatible "ibm,power-ivpe"),
 *     its ibm,xive-lisn-ranges (the first range: the IPIs);
 *   - H_INT_GET_SOURCE_INFO: ESB page shift 12 or 16, a trigger page; an
 *     out-of-range LISN is H_P2;
 *   - H_INT_GET_QUEUE_INFO, H_INT_SET_QUEUE_CONFIG / GET: a 4 KiB queue of
 *     this CPU at priority 6 reads back; an unknown target is H_P2;
 *   - H_INT_SET_SOURCE_CONFIG / GET: target, priority, EISN read back;
 *   - H_INT_ESB: a load at 0xC00 sets PQ = 00 (the source starts off, PQ =
 *     01) and returns the old PQ (row xive-int-esb-load-byteswapped: QEMU
 *     returns the doubleword byte-swapped on a little-endian host); a store to the trigger page (mapped
 *     cache-inhibited through the hashed page table) then writes the EISN
 *     into the queue with the generation bit set (first pass), and PQ = 10;
 *   - H_INT_RESET.
 */
#include "hvut.h"
#include "alloc.h"
#include "devicetree.h"
#include <asm/cas.h>
#include <asm/hcall.h>
#include <asm/processor.h>
#include <asm/smp.h>

#define H_P2 (-55)
#define H_ENTER 0x08
#define H_INT_GET_SOURCE_INFO 0x3a8
#define H_INT_SET_SOURCE_CONFIG 0x3ac
#define H_INT_GET_SOURCE_CONFIG 0x3b0
#define H_INT_GET_QUEUE_INFO 0x3b4
#define H_INT_SET_QUEUE_CONFIG 0x3b8
#define H_INT_GET_QUEUE_CONFIG 0x3bc
#define H_INT_ESB 0x3c8
#define H_INT_SYNC 0x3cc
#define H_INT_RESET 0x3d0
#define SRC_SET_EISN (1UL << (63 - 62))
#define ESB_GET 0x800
#define ESB_SET_PQ_00 0xc00
#define PRIO 6
#define EISN 0x1234

/* The trigger page, mapped through a segment of our own. */
#define VSID 0x5a5UL
#define ESID 6UL
#define EA_TRIGGER (ESID << 28)
#define SLB_V (1UL << 27)
#define HPTE_V_VALID 1UL
#define HPTE_R_I 0x20UL
#define HPTE_R_G 0x08UL
#define HPTE_R_PP_RW 0x2UL

static long hc(unsigned long op, unsigned long *out, unsigned long a0, unsigned long a1, unsigned long a2,
	       unsigned long a3, unsigned long a4)
{
	return hcall(op, out, a0, a1, a2, a3, a4, 0);
}

static unsigned long pft_groups(void)
{
	int cpus = fdt_path_offset("/cpus"), cpu;
	const void *p = NULL;
	int len = 0;

	fdt_for_each_child(cpu, cpus)
		if ((p = fdt_getprop(cpu, "ibm,pft-size", &len)) && len == 8)
			return 1UL << (fdt_cell(p, 1) - 7);
	return 0;
}

static uint32_t be32_at(const volatile uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Maps the 4 KiB at pa cache-inhibited and guarded (MMIO) at EA_TRIGGER + page * 4 KiB. */
static bool map_mmio(unsigned long page, unsigned long pa)
{
	unsigned long out[6], n = pft_groups(), va = (VSID << 28) | (page << 12);
	unsigned long v = ((va >> 23) << 7) | HPTE_V_VALID;

	if (!n)
		return false;
	__asm__ volatile("slbmte %0, %1; isync" :: "r"(VSID << 12), "r"((ESID << 28) | SLB_V | 4) : "memory");
	return hcall(H_ENTER, out, 0, ((VSID ^ page) & (n - 1)) * 8, v, pa | HPTE_R_I | HPTE_R_G | HPTE_R_PP_RW, 0, 0) ==
	       H_SUCCESS;
}

static void trigger(void)
{
	unsigned long msr = mfmsr();

	__asm__ volatile("mtmsrd %1\n\tsync\n\tstd %2, 0(%0)\n\tsync\n\tmtmsrd %3" :: "b"(EA_TRIGGER), "r"(msr | MSR_DR),
			 "r"(0UL), "r"(msr) : "memory");
}

/*
 * The thread interrupt management area, OS ring (the XIVE node's second
 * reg entry), mapped at page 1: a byte store of the OS CPPR (QW1 + 1) and
 * the 16-bit acknowledge load (0x810: NSR in the high byte, the new CPPR
 * in the low byte).
 */
#define EA_TIMA_OS (EA_TRIGGER + 0x1000)
#define TM_QW1_OS_CPPR 0x11
#define TM_SPC_ACK_OS_REG 0x810
#define TM_NSR_EO 0x80

static void set_cppr(uint8_t cppr)
{
	unsigned long msr = mfmsr();

	__asm__ volatile("mtmsrd %1\n\tsync\n\tstb %2, 0(%0)\n\tsync\n\tmtmsrd %3" :: "b"(EA_TIMA_OS + TM_QW1_OS_CPPR),
			 "r"(msr | MSR_DR), "r"((unsigned long)cppr), "r"(msr) : "memory");
}

static unsigned ack_os(void)
{
	unsigned long msr = mfmsr(), v;

	__asm__ volatile("mtmsrd %2\n\tsync\n\tlhz %0, 0(%1)\n\tsync\n\tmtmsrd %3" : "=&r"(v)
			 : "b"(EA_TIMA_OS + TM_SPC_ACK_OS_REG), "r"(msr | MSR_DR), "r"(msr) : "memory");
	/* The TIMA is big-endian (LoPAR): a little-endian lhz reads it byte-swapped. */
#ifdef __LITTLE_ENDIAN__
	v = ((v & 0xff) << 8) | ((v >> 8) & 0xff);
#endif
	return (unsigned)v;
}

static volatile unsigned externals;
static volatile unsigned long external_srr0;
static void count_external(struct ex_regs *r)
{
	externals++;
	external_srr0 = r->nip;
	r->msr &= ~MSR_EE;   /* the source stays pending until acknowledged: resume with EE off */
}

/*
 * With CPPR 0xff (all priorities allowed) and MSR[EE] = 1, a trigger is an
 * external interrupt (0x500); the OS acknowledge answers NSR with the OS
 * exception bit and the event's priority as the new CPPR, and the queue
 * gets the EISN as its second entry (LoPAR XIVE; Book III 7.5.6).
 */
static void delivery(int node, unsigned long lisn, volatile uint8_t *queue)
{
	const void *reg;
	int len = 0;
	unsigned long out[6], tima, t0, wait = 10 * tb_hz;   /* generous: QEMU delivers from its own thread */
	unsigned ack;

	reg = fdt_getprop(node, "reg", &len);
	if (!reg || len < 32) {
		report_skip("XIVE delivery: the ibm,power-ivpe node has no second reg entry (OS TIMA)");
		return;
	}
	tima = fdt_cells(reg, 4, 2);
	report_info("XIVE: TIMA reg %#lx+%#lx, %#lx+%#lx", (unsigned long)fdt_cells(reg, 0, 2), (unsigned long)fdt_cells(reg, 2, 2),
		    tima, (unsigned long)fdt_cells(reg, 6, 2));
	if (!map_mmio(1, tima)) {
		report_skip("XIVE delivery: the OS TIMA page could not be mapped (H_ENTER of MMIO, I|G)");
		return;
	}
	hc(H_INT_ESB, out, 0, lisn, ESB_SET_PQ_00, 0, 0);   /* the first trigger left PQ = 10 */
	install_exception_handler(0x500, count_external);
	set_cppr(0xff);
	externals = 0;
	trigger();
	irq_enable();
	t0 = mftb();
	while (!externals && mftb() - t0 < wait)
		cpu_relax();
	irq_disable();
	report(externals == 1, "with OS CPPR 0xff and MSR[EE] = 1, a trigger is an external interrupt 0x500, once (%u, SRR0 %#lx) "
	       "[Book III 7.5.6]", externals, external_srr0);
	ack = externals ? ack_os() : 0;
	report((ack >> 8) & TM_NSR_EO && (ack & 0xff) == PRIO,
	       "the OS acknowledge answers NSR with the OS exception bit and CPPR = the event's priority %d (%#x) [LoPAR XIVE TIMA]",
	       PRIO, ack);
	report(be32_at(queue + 4) == (0x80000000u | EISN), "the second event is the queue's second entry (%#x)", be32_at(queue + 4));
	set_cppr(0);
	install_exception_handler(0x500, NULL);
}


int main(int argc, char **argv, char **envp)
{
	int node = fdt_find_compatible(-1, "ibm,power-ivpe"), len = 0;
	const void *ranges;
	unsigned long out[6], target = this_cpu()->hwid, lisn, nr_lisns;
	volatile uint8_t *queue = alloc_page();
	uint8_t ov5[OV5_BYTE_MMU] = { 0 };   /* hashed page table: byte 24 = 0 */
	long rc;

	(void)argc, (void)argv, (void)envp;
	if (node < 0) {
		report_skip("XIVE: the tree offers no XIVE exploitation (no ibm,power-ivpe node; the entry asks ic-mode=xive)");
		return report_summary();
	}
	ranges = fdt_getprop(node, "ibm,xive-lisn-ranges", &len);
	if (!ranges || len < 8) {
		report_fail("XIVE: no ibm,xive-lisn-ranges in the ibm,power-ivpe node [LoPAR XIVE device tree]");
		return report_summary();
	}
	ov5[OV5_BYTE_INTC - 1] = OV5_INTC_XIVE_EXPLOIT;
	rc = cas_negotiate(ov5, sizeof(ov5));
	if (rc != H_SUCCESS) {
		report_skip("XIVE: client-architecture-support (KVMPPC_H_CAS) asking XIVE exploitation failed (%ld)", rc);
		return report_summary();
	}
	lisn = fdt_cell(ranges, 0) + target;   /* the IPI of this CPU's server (Linux's choice too) */
	nr_lisns = fdt_cell(ranges, 1);
	report_info("XIVE: first LISN range %lu+%lu", (unsigned long)fdt_cell(ranges, 0), nr_lisns);

	rc = hc(H_INT_GET_SOURCE_INFO, out, 0, lisn, 0, 0, 0);
	report(rc == H_SUCCESS && (out[3] == 12 || out[3] == 16) && out[2],
	       "H_INT_GET_SOURCE_INFO: H_SUCCESS, ESB page shift 12 or 16, a trigger page (rc %ld, shift %lu, trigger %#lx) "
	       "[LoPAR H_INT_GET_SOURCE_INFO]", rc, out[3], out[2]);
	unsigned long trig = out[2];
	rc = hc(H_INT_GET_SOURCE_INFO, out, 0, 0xfffffff0UL, 0, 0, 0);
	report(rc == H_P2, "H_INT_GET_SOURCE_INFO of a LISN no range has: H_P2 (%ld)", rc);

	rc = hc(H_INT_GET_QUEUE_INFO, out, 0, target, PRIO, 0, 0);
	report(rc == H_SUCCESS, "H_INT_GET_QUEUE_INFO for this CPU, priority %d: H_SUCCESS (%ld)", PRIO, rc);
	rc = hc(H_INT_GET_QUEUE_INFO, out, 0, 0x7fff0000UL, PRIO, 0, 0);
	report(rc == H_P2, "H_INT_GET_QUEUE_INFO of an unknown target: H_P2 (%ld)", rc);

	assert(queue && !((unsigned long)queue & 0xfff));
	memset((void *)queue, 0, 4096);
	rc = hc(H_INT_SET_QUEUE_CONFIG, out, 0, target, PRIO, (unsigned long)queue, 12);
	report(rc == H_SUCCESS, "H_INT_SET_QUEUE_CONFIG: a 4 KiB queue (size 2^12) at priority %d: H_SUCCESS (%ld)", PRIO, rc);
	rc = hc(H_INT_GET_QUEUE_CONFIG, out, 0, target, PRIO, 0, 0);
	report(rc == H_SUCCESS && out[1] == (unsigned long)queue && out[2] == 12,
	       "H_INT_GET_QUEUE_CONFIG reads it back (rc %ld, page %#lx, size %lu)", rc, out[1], out[2]);

	rc = hc(H_INT_SET_SOURCE_CONFIG, out, SRC_SET_EISN, lisn, target, PRIO, EISN);
	report(rc == H_SUCCESS, "H_INT_SET_SOURCE_CONFIG: LISN %lu to this CPU, priority %d, EISN %#x: H_SUCCESS (%ld)", lisn,
	       PRIO, EISN, rc);
	rc = hc(H_INT_GET_SOURCE_CONFIG, out, 0, lisn, 0, 0, 0);
	report(rc == H_SUCCESS && out[0] == target && out[1] == PRIO && out[2] == EISN,
	       "H_INT_GET_SOURCE_CONFIG reads them back (rc %ld, target %lu, priority %lu, EISN %#lx)", rc, out[0], out[1],
	       out[2]);

	/* PQ = 00 (on) through H_INT_ESB; the load answers the previous PQ. */
	rc = hc(H_INT_ESB, out, 0, lisn, ESB_SET_PQ_00, 0, 0);
	report(rc == H_SUCCESS, "H_INT_ESB load at 0xC00 (set PQ = 00): H_SUCCESS (%ld) [LoPAR H_INT_ESB]", rc);
	/* The 8-byte ESB load's value: PQ in the two low-order bits (01: the source started off). */
	report_deviation("xive-int-esb-load-byteswapped", rc == H_SUCCESS && out[0] == 1,
			 "H_INT_ESB load: R4 is the loaded doubleword, old PQ = 01 (%#lx) [LoPAR H_INT_ESB]", out[0]);

	if (!map_mmio(0, trig)) {
		report_skip("XIVE: the trigger page could not be mapped (H_ENTER of MMIO, I|G)");
	} else {
		trigger();
		hc(H_INT_SYNC, out, 0, lisn, 0, 0, 0);
		report(be32_at(queue) == (0x80000000u | EISN) && be32_at(queue + 4) == 0,
		       "a store to the trigger page puts the EISN in the queue with the generation bit, once (%#x, next %#x) "
		       "[LoPAR XIVE event queue]", be32_at(queue), be32_at(queue + 4));
		rc = hc(H_INT_ESB, out, 0, lisn, ESB_GET, 0, 0);
		report_deviation("xive-int-esb-load-byteswapped", rc == H_SUCCESS && out[0] == 2,
				 "and H_INT_ESB load at 0x800 answers PQ = 10 (rc %ld, %#lx) [LoPAR H_INT_ESB]", rc, out[0]);
		delivery(node, lisn, queue);
	}

	rc = hc(H_INT_RESET, out, 0, 0, 0, 0, 0);
	report(rc == H_SUCCESS, "H_INT_RESET: H_SUCCESS (%ld)", rc);
	rc = hc(H_INT_GET_QUEUE_CONFIG, out, 0, target, PRIO, 0, 0);
	report_info("after H_INT_RESET, H_INT_GET_QUEUE_CONFIG: rc %ld, page %#lx, size %lu", rc, out[1], out[2]);
	return report_summary();
}
