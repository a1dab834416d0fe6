/*
 * xics: external interrupts through the pseries XICS interrupt presentation
 * hcalls (PAPR/LoPAR, "Interrupt Support" chapter: H_CPPR, H_IPI, H_IPOLL,
 * H_XIRR, H_EOI; the XICS model: an interrupt is presented to a server when
 * its priority is more favoured, numerically lower, than the server's CPPR;
 * XIRR = CPPR << 24 | XISR, XISR 2 = the inter-processor interrupt).
 *
 * hvut boots without SLOF, so there is no ibm,client-architecture-support
 * negotiation: QEMU keeps the interrupt controller the device tree shows at
 * boot. XICS ("IBM,ppc-xicp") is tested; a tree offering only XIVE
 * exploitation (compatible "ibm,power-ivpe") is a SKIP naming it.
 *
 * The interrupt is taken at 0x500 (Power ISA v3.1 Book III 7.5.5 "External
 * Interrupt") with MSR[EE] = 1 only.
 */
#include "hvut.h"
#include "devicetree.h"
#include <asm/hcall.h>
#include <asm/processor.h>
#include <asm/smp.h>

#define H_EOI 0x64
#define H_CPPR 0x68
#define H_IPI 0x6c
#define H_IPOLL 0x70
#define H_XIRR 0x74
#define XISR_IPI 2
#define XISR(x) ((x) & 0xffffff)
#define XIRR_CPPR(x) (((x) >> 24) & 0xff)
#define LEAST_FAVORED 0xff

static volatile int hits[MAX_CPUS];
static volatile unsigned long xirr_seen[MAX_CPUS];

/* 0x500: accept (H_XIRR), withdraw the IPI (MFRR = 0xff), end it (H_EOI). */
static void external(struct ex_regs *r)
{
	struct cpu *c = this_cpu();
	unsigned long out[6] = { 0 };

	(void)r;
	hcall(H_XIRR, out, 0, 0, 0, 0, 0, 0);
	xirr_seen[c->id] = out[0];
	hcall2(H_IPI, c->hwid, LEAST_FAVORED);
	hcall1(H_EOI, out[0]);
	hits[c->id]++;
}

/*
 * Keeps MSR[EE] = 1 until this CPU's handler ran `want` times or 30 s of
 * timebase passed: every caller waits for an interrupt that must come, and a
 * loaded host may not run the sending vCPU (CPU 1's waits) for seconds.
 */
static void wait_hits(int want)
{
	uint64_t end = mftb() + 30 * tb_hz;

	irq_enable();
	while (hits[this_cpu()->id] < want && mftb() < end)
		cpu_relax();
	irq_disable();
}

static void self_ipi(void)
{
	struct cpu *c = this_cpu();
	unsigned long out[6] = { 0 };
	long rc;

	report_prefix_push("self IPI");
	rc = hcall1(H_CPPR, LEAST_FAVORED);
	report(rc == H_SUCCESS, "H_CPPR 0xff: H_SUCCESS (%ld)", rc);
	rc = hcall2(H_IPI, c->hwid, 5);
	report(rc == H_SUCCESS, "H_IPI to this server, priority 5: H_SUCCESS (%ld)", rc);
	rc = hcall(H_IPOLL, out, c->hwid, 0, 0, 0, 0, 0);
	report(rc == H_SUCCESS && out[1] == 5 && XISR(out[0]) == XISR_IPI,
	       "H_IPOLL: MFRR 5, XISR 2 pending (rc %ld, xirr %#lx, mfrr %#lx) [PAPR H_IPOLL]", rc, out[0], out[1]);
	udelay(1000);
	report(hits[c->id] == 0, "with MSR[EE] = 0 nothing is taken (%d) [Book III 7.5.5]", hits[c->id]);
	wait_hits(1);
	report(hits[c->id] == 1, "MSR[EE] = 1: one external interrupt at 0x500 (%d)", hits[c->id]);
	report(XISR(xirr_seen[c->id]) == XISR_IPI && XIRR_CPPR(xirr_seen[c->id]) == LEAST_FAVORED,
	       "H_XIRR in the handler: XISR 2 (IPI), CPPR field = the previous CPPR 0xff (%#lx) [PAPR H_XIRR]",
	       xirr_seen[c->id]);
	rc = hcall(H_XIRR, out, 0, 0, 0, 0, 0, 0);
	report(rc == H_SUCCESS && XISR(out[0]) == 0 && XIRR_CPPR(out[0]) == LEAST_FAVORED,
	       "after H_EOI: nothing pending, CPPR back to 0xff (xirr %#lx)", out[0]);

	/* Priority: MFRR 5 is not presented while CPPR = 4 (5 is less favoured), it is at CPPR 6. */
	hits[c->id] = 0;
	hcall1(H_CPPR, 4);
	hcall2(H_IPI, c->hwid, 5);
	irq_enable();
	udelay(2000);
	irq_disable();
	report(hits[c->id] == 0, "CPPR 4 masks an IPI of priority 5 (%d) [XICS: presented when priority < CPPR]",
	       hits[c->id]);
	hcall1(H_CPPR, 6);
	wait_hits(1);
	report(hits[c->id] == 1 && XIRR_CPPR(xirr_seen[c->id]) == 6,
	       "CPPR 6 lets it through (%d, xirr %#lx)", hits[c->id], xirr_seen[c->id]);
	hcall1(H_CPPR, LEAST_FAVORED);
	report_prefix_pop();
}

static volatile int cpu1_ready;

static void wait_for_ipi(void *arg)
{
	(void)arg;
	hcall1(H_CPPR, LEAST_FAVORED);
	cpu1_ready = 1;
	wait_hits(1);
}

static void cross_ipi(void)
{
	long rc;

	report_prefix_push("IPI to CPU 1");
	if (nr_cpus() < 2) {
		report_skip("IPI to another CPU: needs 2 CPUs");
		report_prefix_pop();
		return;
	}
	hits[1] = 0;
	cpu1_ready = 0;
	on_cpu_async(1, wait_for_ipi, NULL);
	while (!cpu1_ready)
		cpu_relax();
	rc = hcall2(H_IPI, cpus[1].hwid, 0);
	report(rc == H_SUCCESS, "H_IPI to server %u, priority 0: H_SUCCESS (%ld)", cpus[1].hwid, rc);
	on_cpu_wait(1);
	report(hits[1] == 1 && XISR(xirr_seen[1]) == XISR_IPI, "CPU 1 took it at 0x500: XISR 2 (%d, %#lx)", hits[1],
	       xirr_seen[1]);
	report(hits[0] == 0, "CPU 0 took nothing (%d)", hits[0]);
	report_prefix_pop();
}

int main(int argc, char **argv, char **envp)
{
	unsigned max_server = 0;
	long rc;

	(void)argc;
	(void)argv;
	(void)envp;
	report_prefix_push("xics");
	if (fdt_find_compatible(-1, "IBM,ppc-xicp") < 0) {
		if (fdt_find_compatible(-1, "ibm,power-ivpe") >= 0)
			report_skip("XICS: the tree offers XIVE exploitation (ibm,power-ivpe) only");
		else
			report_skip("XICS: no IBM,ppc-xicp node");
		return report_summary();
	}
	if (!hcall_available("interrupt")) {
		report_skip("XICS hcalls: no hcall-interrupt in ibm,hypertas-functions");
		return report_summary();
	}
	irq_disable();
	install_exception_handler(0x500, external);
	self_ipi();
	hits[0] = 0;
	cross_ipi();
	for (int i = 0; i < nr_cpus(); i++)
		if (cpus[i].hwid > max_server)
			max_server = cpus[i].hwid;
	rc = hcall2(H_IPI, max_server + 64, 0);
	report(rc == H_PARAMETER, "H_IPI to a server no CPU has: H_PARAMETER (%ld) [PAPR H_IPI]", rc);
	install_exception_handler(0x500, NULL);
	report_prefix_pop();
	return report_summary();
}
