/*
 * id-regs: the AArch64 ID registers describe the CPU consistently. Fields
 * say what is implemented, and what they say holds: RAS advertised means the
 * error record registers (ERRIDR/ERRSELR/ERX*) and DISR are accessible, not
 * advertised means they are undefined. Reserved ID encodings read as zero;
 * every CPU reports the same features.
 */
#include "hvut.h"
#include <asm/smp.h>
#include <asm/sysreg.h>

#define ERRIDR_EL1 S3_0_C5_C3_0
#define ERRSELR_EL1 S3_0_C5_C3_1
#define ERXFR_EL1 S3_0_C5_C4_0
#define ERXCTLR_EL1 S3_0_C5_C4_1
#define ERXSTATUS_EL1 S3_0_C5_C4_2
#define ERXADDR_EL1 S3_0_C5_C4_3
#define DISR_EL1 S3_0_C12_C1_1
/* One level of macro indirection so that the S3_... spelling reaches the assembler. */
#define rd(r) read_sysreg(r)
#define wr(v, r) write_sysreg(v, r)

struct idregs {
	unsigned long midr, pfr0, pfr1, dfr0, isar0, isar1, mmfr0, mmfr1, mmfr2;
};

static void read_ids(void *arg)
{
	struct idregs *r = (struct idregs *)arg + smp_id();

	r->midr = read_sysreg(midr_el1);
	r->pfr0 = read_sysreg(id_aa64pfr0_el1);
	r->pfr1 = read_sysreg(id_aa64pfr1_el1);
	r->dfr0 = read_sysreg(id_aa64dfr0_el1);
	r->isar0 = read_sysreg(id_aa64isar0_el1);
	r->isar1 = read_sysreg(id_aa64isar1_el1);
	r->mmfr0 = read_sysreg(id_aa64mmfr0_el1);
	r->mmfr1 = read_sysreg(id_aa64mmfr1_el1);
	r->mmfr2 = read_sysreg(id_aa64mmfr2_el1);
}

static void check_basics(unsigned long pfr0)
{
	unsigned long midr = read_sysreg(midr_el1), mmfr0 = read_sysreg(id_aa64mmfr0_el1);
	unsigned fp = ID_FIELD(pfr0, 16), simd = ID_FIELD(pfr0, 20);

	report_info("MIDR_EL1 %#lx, ID_AA64PFR0_EL1 %#lx, ID_AA64MMFR0_EL1 %#lx", midr, pfr0, mmfr0);
	/* Implementer 0 is "reserved for software use" (QEMU's max CPU): only Architecture is fixed. */
	report(ID_FIELD(midr, 16) == 0xf, "MIDR_EL1.Architecture is 0xf: features come from the ID registers (%#lx)",
	       ID_FIELD(midr, 16));
	report(read_sysreg(mpidr_el1) & (1UL << 31), "MPIDR_EL1 bit 31 is RES1");
	report(ID_FIELD(pfr0, 0) >= 1 && ID_FIELD(pfr0, 4) >= 1,
	       "ID_AA64PFR0_EL1: EL0 and EL1 implement AArch64 (%lu, %lu)", ID_FIELD(pfr0, 0), ID_FIELD(pfr0, 4));
	report((fp == 0xf) == (simd == 0xf), "FP (%#x) and AdvSIMD (%#x) are both implemented or both not", fp, simd);
	report(ID_FIELD(mmfr0, 0) <= 6, "ID_AA64MMFR0_EL1.PARange is a defined value (%lu)", ID_FIELD(mmfr0, 0));
	report(ID_FIELD(mmfr0, 28) != 0xf, "4 KiB granule supported, as this library's page tables need (TGran4 %#lx)",
	       ID_FIELD(mmfr0, 28));
}

/* Each accessor is one MRS or MSR, run under catch_exception(). */
static void rd_erridr(void *a) { *(unsigned long *)a = rd(ERRIDR_EL1); }
static void wr_errselr(void *a) { (void)a; wr(0, ERRSELR_EL1); isb(); }
static void rd_erxfr(void *a) { *(unsigned long *)a = rd(ERXFR_EL1); }
static void rd_erxctlr(void *a) { *(unsigned long *)a = rd(ERXCTLR_EL1); }
static void rd_erxstatus(void *a) { *(unsigned long *)a = rd(ERXSTATUS_EL1); }
static void rd_erxaddr(void *a) { *(unsigned long *)a = rd(ERXADDR_EL1); }
static void rd_disr(void *a) { *(unsigned long *)a = rd(DISR_EL1); }

/*
 * With FEAT_RAS, ERRIDR_EL1 and DISR_EL1 always exist. ERRSELR_EL1 and the
 * ERX* window onto the selected record exist when ERRIDR_EL1.NUM > 0; with no
 * records the Arm ARM lets them be UNDEFINED or RES0, so then we accept either
 * but a read must give 0. Without FEAT_RAS they are all UNDEFINED.
 */
static void check_ras(unsigned long pfr0)
{
	static const struct { const char *name; test_fn fn; bool record; } regs[] = {
		{ "ERRIDR_EL1", rd_erridr, false }, { "DISR_EL1", rd_disr, false },
		{ "ERRSELR_EL1 (write)", wr_errselr, true }, { "ERXFR_EL1", rd_erxfr, true },
		{ "ERXCTLR_EL1", rd_erxctlr, true }, { "ERXSTATUS_EL1", rd_erxstatus, true },
		{ "ERXADDR_EL1", rd_erxaddr, true },
	};
	unsigned ras = ID_FIELD(pfr0, 28);
	unsigned long records = 0;

	report_prefix_push("RAS");
	report_info("ID_AA64PFR0_EL1.RAS = %u (%s)", ras, ras ? "FEAT_RAS" : "no RAS extension");
	if (ras && catch_exception(rd_erridr, &records, NULL) == NO_EXCEPTION) {
		records &= 0xffff;
		report_info("ERRIDR_EL1.NUM = %lu error records", records);
	}
	for (unsigned i = 0; i < ARRAY_SIZE(regs); i++) {
		unsigned long v = 0;
		int ec = catch_exception(regs[i].fn, &v, NULL);

		if (!ras)
			report(ec == EC_UNKNOWN, "%s is undefined without RAS (EC %#x)", regs[i].name, ec);
		else if (!regs[i].record || records)
			report(ec == NO_EXCEPTION, "%s is accessible (%s)", regs[i].name, exception_name(ec));
		else
			report(ec == EC_UNKNOWN || (ec == NO_EXCEPTION && v == 0),
			       "%s with no error records: UNDEFINED or RES0 (%s, %#lx)", regs[i].name,
			       exception_name(ec), v);
	}
	report_prefix_pop();
}

/* Reserved encodings in the ID register space (op0=3, op1=0, CRn=0): RAZ (Arm ARM D19.2). */
static void rd_res_c3_3(void *a) { *(unsigned long *)a = rd(S3_0_C0_C3_3); }
static void rd_res_c3_7(void *a) { *(unsigned long *)a = rd(S3_0_C0_C3_7); }
static void rd_res_c7_7(void *a) { *(unsigned long *)a = rd(S3_0_C0_C7_7); }

static void check_reserved(void)
{
	static const struct { const char *name; test_fn fn; } regs[] = {
		{ "S3_0_C0_C3_3", rd_res_c3_3 }, { "S3_0_C0_C3_7", rd_res_c3_7 }, { "S3_0_C0_C7_7", rd_res_c7_7 },
	};

	for (unsigned i = 0; i < ARRAY_SIZE(regs); i++) {
		unsigned long v = 0xdead;
		int ec = catch_exception(regs[i].fn, &v, NULL);

		report(ec == NO_EXCEPTION && v == 0, "reserved ID register %s reads as zero (%s, %#lx)",
		       regs[i].name, exception_name(ec), v);
	}
}

static void check_cpus_agree(void)
{
	static struct idregs ids[MAX_CPUS];

	if (nr_cpus() < 2) {
		report_skip("ID registers across CPUs: needs 2 CPUs (smp >= 2 in unittests.cfg)");
		return;
	}
	on_cpus(read_ids, ids);
	for (int c = 1; c < nr_cpus(); c++)
		report(!memcmp(&ids[c], &ids[0], sizeof(ids[0])), "CPU %d reports the same ID registers as CPU 0", c);
}

int main(int argc, char **argv, char **envp)
{
	unsigned long pfr0 = read_sysreg(id_aa64pfr0_el1);

	(void)argc, (void)argv, (void)envp;
	check_basics(pfr0);
	check_ras(pfr0);
	check_reserved();
	check_cpus_agree();
	return report_summary();
}
