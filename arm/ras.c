/*
 * ras: what the RAS extension adds at EL1 beyond the record registers
 * arm/id-regs.c checks (Arm ARM DDI 0487, A2 FEAT_RAS / FEAT_RASv1p1, C6 ESB,
 * D23 DISR_EL1, ERXMISC<n>_EL1):
 *   esb      ESB is in the hint space: it executes without RAS, and with RAS
 *            and no pending SError it leaves DISR_EL1.A clear
 *   v1p1     ERXMISC2_EL1/ERXMISC3_EL1 exist only with FEAT_RASv1p1
 *            (ID_AA64PFR0_EL1.RAS >= 2, or RAS = 1 and ID_AA64PFR1_EL1.RAS_frac
 *            = 1): UNDEFINED without it; with it, accessible, or (no error
 *            records, ERRIDR_EL1.NUM = 0) UNDEFINED or RES0 as for the other
 *            ERX* registers
 */
#include "hvut.h"
#include <asm/sysreg.h>

/* One macro level more, so the S3_... encodings (not the names) reach the assembler. */
#define rd(r) read_sysreg(r)
#define wr(v, r) write_sysreg(v, r)

#define ERRIDR_EL1 S3_0_C5_C3_0
#define ERXMISC2_EL1 S3_0_C5_C5_2
#define ERXMISC3_EL1 S3_0_C5_C5_3
#define DISR_EL1 S3_0_C12_C1_1
#define DISR_A (1UL << 31)

static void esb(void *arg)
{
	(void)arg;
	__asm__ volatile("hint #16" ::: "memory");   /* ESB */
}

static void rd_erridr(void *a) { *(unsigned long *)a = rd(ERRIDR_EL1); }
static void rd_erxmisc2(void *a) { *(unsigned long *)a = rd(ERXMISC2_EL1); }
static void rd_erxmisc3(void *a) { *(unsigned long *)a = rd(ERXMISC3_EL1); }

static void test_esb(unsigned ras)
{
	struct fault f;
	int ec;

	report_prefix_push("esb");
	if (ras)
		wr(0, DISR_EL1);
	ec = catch_exception(esb, NULL, &f);
	report(ec == NO_EXCEPTION, "ESB executes (%s) [DDI 0487 C6 ESB: a hint, a NOP without FEAT_RAS]", exception_name(ec));
	if (ras)
		report(!(rd(DISR_EL1) & DISR_A), "no SError pending: DISR_EL1.A stays 0 (DISR %#lx) [DDI 0487 D23 DISR_EL1]",
		       rd(DISR_EL1));
	else
		report_skip("DISR_EL1 after ESB: ID_AA64PFR0_EL1.RAS = 0");
	report_prefix_pop();
}

static void test_v1p1(unsigned ras, unsigned frac)
{
	bool v1p1 = ras >= 2 || (ras == 1 && frac == 1);
	unsigned long v = 0, num = 0;
	static const struct { const char *name; void (*fn)(void *); } regs[] = {
		{ "ERXMISC2_EL1", rd_erxmisc2 }, { "ERXMISC3_EL1", rd_erxmisc3 },
	};

	report_prefix_push("v1p1");
	report_info("ID_AA64PFR0_EL1.RAS %u, ID_AA64PFR1_EL1.RAS_frac %u: FEAT_RASv1p1 %s", ras, frac, v1p1 ? "yes" : "no");
	if (ras)
		catch_exception(rd_erridr, &num, NULL);
	for (unsigned i = 0; i < ARRAY_SIZE(regs); i++) {
		int ec = catch_exception(regs[i].fn, &v, NULL);

		if (!v1p1)
			report(ec == EC_UNKNOWN, "%s is UNDEFINED without FEAT_RASv1p1 (EC %#x) [DDI 0487 %s]", regs[i].name, ec,
			       regs[i].name);
		else if (num & 0xffff)
			report(ec == NO_EXCEPTION, "%s is accessible with %lu error records (%s) [DDI 0487 %s]", regs[i].name,
			       num & 0xffff, exception_name(ec), regs[i].name);
		else
			report(ec == EC_UNKNOWN || (ec == NO_EXCEPTION && v == 0),
			       "no error records: %s is UNDEFINED or reads 0 (%s, %#lx) [DDI 0487 ERRIDR_EL1.NUM = 0]", regs[i].name,
			       exception_name(ec), v);
	}
	report_prefix_pop();
}

int main(int argc, char **argv, char **envp)
{
	unsigned ras = ID_FIELD(read_sysreg(id_aa64pfr0_el1), 28);
	unsigned frac = ID_FIELD(read_sysreg(id_aa64pfr1_el1), 12);

	(void)argc, (void)argv, (void)envp;
	test_esb(ras);
	test_v1p1(ras, frac);
	return report_summary();
}
