/*
 * smt: hardware threads of one core on pseries (QEMU -smp N,threads=T).
 *   - the device tree: a core node lists one interrupt server number per
 *     thread in "ibm,ppc-interrupt-server#s" (PAPR/LoPAR "CPU Node
 *     Properties"); the count must be what the VMM was told (threads=T);
 *   - each thread runs: the library starts every listed thread with RTAS
 *     start-cpu; TIR (SPR 446, Power ISA v3.1 Book III "Thread Identification
 *     Register") tells the threads of a core apart;
 *   - H_PROD wakes a sibling thread from H_CEDE, a prod before the cede makes
 *     it return at once; H_CONFER to all (-1) or to a sibling is H_SUCCESS, to
 *     a server number no thread has H_PARAMETER (PAPR "Processor Register
 *     Hypervisor Resource Access": H_CEDE, H_CONFER, H_PROD).
 * QEMU before 9.0 cannot run more than one thread per core under TCG: that
 * lane has no entry (the VMM would not start).
 */
#include "hvut.h"
#include "devicetree.h"
#include <asm/hcall.h>
#include <asm/processor.h>
#include <asm/smp.h>

#define SPR_TIR 446

static const uint32_t *boot_core_servers(int *n)
{
	int cpus_node = fdt_path_offset("/cpus"), cpu, len;
	const uint32_t *hdr = fdt_blob();
	uint32_t boot = fdt32_to_cpu(hdr[7]);

	fdt_for_each_child(cpu, cpus_node) {
		const uint32_t *s = fdt_getprop(cpu, "ibm,ppc-interrupt-server#s", &len);

		for (int i = 0; s && i < len / 4; i++)
			if (fdt32_to_cpu(s[i]) == boot) {
				*n = len / 4;
				return s;
			}
	}
	*n = 0;
	return NULL;
}

static int cpu_of_server(uint32_t server)
{
	for (int i = 0; i < nr_cpus(); i++)
		if (cpus[i].hwid == server)
			return i;
	return -1;
}

static volatile unsigned long tir[MAX_CPUS];
static volatile int tir_vec[MAX_CPUS];

static void read_tir_fn(void *arg)
{
	(void)arg;
	tir[this_cpu()->id] = mfspr(SPR_TIR);
}

static void read_tir(void *arg)
{
	struct fault f;

	(void)arg;
	tir_vec[this_cpu()->id] = catch_exception(read_tir_fn, NULL, &f);
}

static volatile int ceding, ceded_rc, woke;

static void cede_once(void *arg)
{
	(void)arg;
	mtspr(SPR_DEC, 0x7fffffff);   /* seconds away: only H_PROD can wake it early */
	ceding = 1;
	ceded_rc = hcall0(H_CEDE);
	irq_disable();
	woke = 1;
}

static void prod_and_confer(int sib)
{
	uint64_t start, waited;
	long rc;

	report_prefix_push("H_PROD");
	ceding = woke = 0;
	on_cpu_async(sib, cede_once, NULL);
	while (!ceding)
		cpu_relax();
	udelay(2000);
	report(!woke, "the sibling is in H_CEDE");
	start = mftb();
	rc = hcall1(H_PROD, cpus[sib].hwid);
	on_cpu_wait(sib);
	waited = mftb() - start;
	report(rc == H_SUCCESS && woke && ceded_rc == H_SUCCESS,
	       "H_PROD of the sibling thread: H_SUCCESS, its H_CEDE returns H_SUCCESS (%ld, %d)", rc, ceded_rc);
	report(waited < tb_hz, "long before its decrementer (%lu ms)", (unsigned long)(waited * 1000 / tb_hz));
	rc = hcall1(H_PROD, 0x7fffff);
	report(rc == H_PARAMETER, "H_PROD of a server number no thread has: H_PARAMETER (%ld)", rc);
	report_prefix_pop();

	report_prefix_push("H_CONFER");
	rc = hcall2(H_CONFER, -1UL, 0);
	report_deviation("ppc-confer-all-no-rc", rc == H_SUCCESS, "to all processors (-1): H_SUCCESS (%ld)", rc);
	rc = hcall2(H_CONFER, cpus[sib].hwid, 0);
	report(rc == H_SUCCESS, "to the sibling thread: H_SUCCESS (%ld)", rc);
	rc = hcall2(H_CONFER, 0x7fffff, 0);
	report(rc == H_PARAMETER, "to a server number no thread has: H_PARAMETER (%ld)", rc);
	report_prefix_pop();
}

/* "threads=N" on the command line (unittests.cfg test_args), or NULL. */
static const char *threads_arg(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (!strncmp(argv[i], "threads=", 8))
			return argv[i] + 8;
	return NULL;
}

int main(int argc, char **argv, char **envp)
{
	const char *want = threads_arg(argc, argv);
	const uint32_t *servers;
	int n, sib = -1, online = 0;

	(void)envp;
	report_prefix_push("smt");
	servers = boot_core_servers(&n);
	if (!servers || n < 2) {
		report_skip("SMT: the boot core lists %d thread(s) in ibm,ppc-interrupt-server#s", n);
		return report_summary();
	}
	if (want)
		report(n == atoi(want), "the boot core lists %d threads, the VMM was given threads=%s", n, want);
	for (int t = 0; t < n; t++) {
		int c = cpu_of_server(fdt32_to_cpu(servers[t]));

		online += c >= 0;
		if (c > 0 && sib < 0)
			sib = c;
	}
	report(online == n, "every thread of the boot core is online (%d of %d)", online, n);
	if (sib < 0) {
		report_prefix_pop();
		return report_summary();
	}
	read_tir(NULL);
	on_cpu(sib, read_tir, NULL);
	if (tir_vec[0] != NO_EXCEPTION || tir_vec[sib] != NO_EXCEPTION)
		report_skip("TIR: mfspr 446 raised %#x / %#x", tir_vec[0], tir_vec[sib]);
	else
		report(tir[0] != tir[sib] && tir[0] < (unsigned)n && tir[sib] < (unsigned)n,
		       "TIR tells the threads apart: %lu and %lu, both below %d", tir[0], tir[sib], n);
	prod_and_confer(sib);
	report_prefix_pop();
	return report_summary();
}
