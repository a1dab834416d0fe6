/*
 * fpu: FP/SIMD and SVE state, from the Arm ARM (DDI 0487): CPACR_EL1 (FPEN,
 * ZEN), FPCR, FPSR, ZCR_EL1, ESR_EL1 EC 0x07 ("Access to SIMD or
 * floating-point registers trapped by CPACR_EL1.FPEN") and EC 0x19 ("Access
 * to SVE functionality trapped").
 *
 *   fpen   FPEN=00 traps FP at EL1 and EL0; 01 traps EL0 only; 11 traps none
 *   regs   every bit of V0-V31 survives an exception taken and returned from
 *          (a BRK caught at EL1, an EL0 run) and another CPU's own use of its
 *          registers (on_cpu): each CPU's registers are its own; CPU 1
 *          powered off and on (PSCI) leaves CPU 0's alone; exits to the VMM
 *          (a console write, a PSCI call) change nothing
 *   fpcr   FPCR's AHP/DN/FZ/RMode and FPSR's QC/IDC/cumulative flags read
 *          back as written
 *   cfp    C compiled with FP registers (arm/fpu-c.c): FPCR.RMode rounds,
 *          FPSR flags per operation, doubles live across VMM exits and a BRK
 *   sve    where ID_AA64PFR0_EL1.SVE != 0: ZEN=00 traps SVE at EL1 (EC 0x19);
 *          ZCR_EL1.LEN=0 gives a 128-bit vector (RDVL = 16), the largest
 *          LEN gives a multiple of 128 bits, at most 2048
 *   zregs  with SVE, at the largest vector length: Z0-Z31 and P0-P15 survive
 *          a BRK, an EL0 run, exits to the VMM and the other CPU's own use
 *   ffr    with SVE, the first-fault register (arm/fpu-ffr.c): SETFFR,
 *          WRFFR/RDFFR, LDFF1B across into an unmapped page, kept like P
 * The library and this file are built without FP registers
 * (-mgeneral-regs-only), so the exception path does not touch V0-V31: what is
 * compared is what the VMM kept. arm/fpu-c.c alone is built with them.
 */
#include "hvut.h"
#include <asm/psci.h>
#include <asm/smp.h>
#include <asm/sysreg.h>
#include "fpu-c.h"
#include "fpu-ffr.h"

#define EC_SVE 0x19
#define CPACR_FPEN(x) ((unsigned long)(x) << 20)
#define CPACR_ZEN(x) ((unsigned long)(x) << 16)
#define ZCR_EL1 S3_0_C1_C2_0
#define rd_zcr() read_sysreg(S3_0_C1_C2_0)
#define wr_zcr(v) write_sysreg(v, S3_0_C1_C2_0)

static uint8_t pattern[MAX_CPUS][32 * 16] __attribute__((aligned(16)));
static uint8_t readback[MAX_CPUS][32 * 16] __attribute__((aligned(16)));

__asm__(".pushsection .text\n"
	".arch_extension fp\n"
	".arch_extension simd\n"
	".globl v_load_all, v_store_all\n"
	"v_load_all:\n"
	".irp n,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31\n"
	"	ldr q\\n, [x0, #(\\n * 16)]\n"
	".endr\n"
	"	ret\n"
	"v_store_all:\n"
	".irp n,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31\n"
	"	str q\\n, [x0, #(\\n * 16)]\n"
	".endr\n"
	"	ret\n"
	".popsection");
void v_load_all(const void *buf);
void v_store_all(void *buf);

static void set_cpacr(unsigned long fpen_zen)
{
	unsigned long v = read_sysreg(cpacr_el1) & ~(CPACR_FPEN(3) | CPACR_ZEN(3));

	write_sysreg(v | fpen_zen, cpacr_el1);
	isb();
}

static void fill(uint8_t *buf, uint8_t seed)
{
	for (unsigned i = 0; i < 32 * 16; i++)
		buf[i] = (uint8_t)(seed + i * 13 + (i >> 4));
}

static unsigned differing_regs(const uint8_t *a, const uint8_t *b)
{
	unsigned n = 0;

	for (unsigned r = 0; r < 32; r++)
		n += !!memcmp(a + r * 16, b + r * 16, 16);
	return n;
}

/* --- fpen ------------------------------------------------------------------ */

static void fp_insn(void *arg)
{
	(void)arg;
	/* The library is built -mgeneral-regs-only: tell the assembler FP is meant here. */
	__asm__ volatile(".arch_extension fp\n\tfmov d0, xzr" ::: "memory");
}

static void test_fpen(void)
{
	struct fault f;
	int v;

	report_prefix_push("fpen");
	set_cpacr(CPACR_FPEN(0));
	v = catch_exception(fp_insn, NULL, &f);
	report(v == EC_FP, "FPEN=00: an FP instruction at EL1 traps, EC 0x07 (got EC %#x) [DDI 0487 CPACR_EL1.FPEN]", v);
	v = run_in_user(fp_insn, NULL, &f);
	report(v == EC_FP, "FPEN=00: and at EL0 (got EC %#x)", v);
	set_cpacr(CPACR_FPEN(1));
	v = catch_exception(fp_insn, NULL, &f);
	report(v == NO_EXCEPTION, "FPEN=01: EL1 runs it (got EC %#x)", v);
	v = run_in_user(fp_insn, NULL, &f);
	report(v == EC_FP, "FPEN=01: EL0 traps (got EC %#x)", v);
	set_cpacr(CPACR_FPEN(3));
	v = run_in_user(fp_insn, NULL, &f);
	report(v == NO_EXCEPTION, "FPEN=11: EL0 runs it (got EC %#x)", v);
	report_prefix_pop();
}

/* --- regs ------------------------------------------------------------------ */

static void do_brk(void *arg) { (void)arg; __asm__ volatile("brk #1"); }
static void el0_nothing(void *arg) { (void)arg; }

static void cpu_load(void *arg)
{
	(void)arg;
	set_cpacr(CPACR_FPEN(3));
	v_load_all(pattern[smp_id()]);
}

static void cpu_store(void *arg) { (void)arg; v_store_all(readback[smp_id()]); }

static void test_regs(void)
{
	unsigned bad;

	report_prefix_push("regs");
	fill(pattern[0], 0x21);
	v_load_all(pattern[0]);
	catch_exception(do_brk, NULL, NULL);
	v_store_all(readback[0]);
	bad = differing_regs(pattern[0], readback[0]);
	report(!bad, "V0-V31 unchanged across a BRK taken and caught at EL1 (%u differ)", bad);
	v_load_all(pattern[0]);
	run_in_user(el0_nothing, NULL, NULL);
	v_store_all(readback[0]);
	bad = differing_regs(pattern[0], readback[0]);
	report(!bad, "V0-V31 unchanged across a run at EL0 and the SVC back (%u differ)", bad);
	if (nr_cpus() < 2) {
		report_skip("V registers per CPU: needs 2 CPUs (smp = 2)");
	} else {
		unsigned bad1;

		fill(pattern[1], 0x9c);
		v_load_all(pattern[0]);
		on_cpu(1, cpu_load, NULL);
		on_cpu(1, cpu_store, NULL);
		v_store_all(readback[0]);
		bad = differing_regs(pattern[0], readback[0]);
		bad1 = differing_regs(pattern[1], readback[1]);
		report(!bad && !bad1, "CPU 0 and CPU 1 keep their own V0-V31 (%u and %u differ) [DDI 0487: registers are per PE]",
		       bad, bad1);

		/*
		 * CPU 1 powered off and on (DEN0022 CPU_OFF, CPU_ON): its registers
		 * are UNKNOWN after the new entry, so it loads a fresh pattern; CPU
		 * 0's must not move while that happens.
		 */
		fill(pattern[1], 0x5a);
		v_load_all(pattern[0]);
		smp_cpu_off(1);
		if (smp_cpu_on(1) != PSCI_SUCCESS) {
			report_skip("V registers across CPU_OFF/CPU_ON: CPU 1 did not come back");
		} else {
			on_cpu(1, cpu_load, NULL);
			on_cpu(1, cpu_store, NULL);
			v_store_all(readback[0]);
			bad = differing_regs(pattern[0], readback[0]);
			bad1 = differing_regs(pattern[1], readback[1]);
			report(!bad && !bad1,
			       "CPU 1 off and on again (PSCI): CPU 0's V0-V31 unchanged, CPU 1 keeps what it loads after (%u and %u differ)",
			       bad, bad1);
		}
	}

	/* Exits to the VMM (a console write, a PSCI call): the state a hypervisor switches out and back. */
	v_load_all(pattern[0]);
	report_info("V0-V31 loaded; PSCI_VERSION %#lx", psci_call(PSCI_VERSION, 0, 0, 0));
	v_store_all(readback[0]);
	bad = differing_regs(pattern[0], readback[0]);
	report(!bad, "V0-V31 unchanged across a console write and a PSCI call (%u differ)", bad);
	report_prefix_pop();
}

/* --- fpcr ------------------------------------------------------------------ */

#define FPCR_KEPT ((1UL << 25) | (2UL << 22))   /* DN, RMode = towards minus infinity */
#define FPSR_KEPT ((1UL << 27) | 0x15)          /* QC, IXC, OFC, IOC */

static void cpu_fpcr_other(void *arg)
{
	(void)arg;
	set_cpacr(CPACR_FPEN(3));
	write_sysreg(0, fpcr);
	write_sysreg(0x1f, fpsr);
}

/*
 * FPCR and FPSR are FP state like V0-V31 (DDI 0487 FPCR, FPSR): a VMM that
 * switches the registers must switch these too. Set to values nothing else
 * uses, they must survive a BRK taken at EL1, an EL0 run, a PSCI call and
 * the other CPU writing its own.
 */
static void test_fpcr_kept(void)
{
	unsigned long fpcr, fpsr;
	struct fault f;

	write_sysreg(FPCR_KEPT, fpcr);
	write_sysreg(FPSR_KEPT, fpsr);
	(void)catch_exception(do_brk, NULL, &f);
	(void)run_in_user(el0_nothing, NULL, &f);
	report_info("FPCR %#lx and FPSR %#lx set; PSCI_VERSION %#lx", FPCR_KEPT, FPSR_KEPT,
		    psci_call(PSCI_VERSION, 0, 0, 0));
	if (nr_cpus() > 1)
		on_cpu(1, cpu_fpcr_other, NULL);
	fpcr = read_sysreg(fpcr);
	fpsr = read_sysreg(fpsr);
	report(fpcr == FPCR_KEPT && fpsr == FPSR_KEPT,
	       "FPCR and FPSR unchanged across a BRK, an EL0 run, a PSCI call and CPU 1 writing its own "
	       "(FPCR %#lx, FPSR %#lx) [DDI 0487 FPCR, FPSR: per-PE FP state]", fpcr, fpsr);
	write_sysreg(0, fpcr);
	write_sysreg(0, fpsr);
}

static void test_fpcr(void)
{
	unsigned long fpcr_bits = (1UL << 26) | (1UL << 25) | (1UL << 24) | (3UL << 22);
	unsigned long fpsr_bits = (1UL << 27) | (1UL << 7) | 0x1f;
	unsigned long old_fpcr = read_sysreg(fpcr), got;

	report_prefix_push("fpcr");
	write_sysreg(fpcr_bits, fpcr);
	got = read_sysreg(fpcr);
	report((got & fpcr_bits) == fpcr_bits, "FPCR AHP, DN, FZ, RMode=11 read back (wrote %#lx, got %#lx) [DDI 0487 FPCR]",
	       fpcr_bits, got);
	write_sysreg(0, fpcr);
	report(!(read_sysreg(fpcr) & fpcr_bits), "and clear again (got %#lx)", read_sysreg(fpcr));
	write_sysreg(old_fpcr, fpcr);
	write_sysreg(fpsr_bits, fpsr);
	got = read_sysreg(fpsr);
	report(got == fpsr_bits, "FPSR QC, IDC and the cumulative flags read back (wrote %#lx, got %#lx) [DDI 0487 FPSR]",
	       fpsr_bits, got);
	write_sysreg(0, fpsr);
	test_fpcr_kept();
	report_prefix_pop();
}

/* --- sve ------------------------------------------------------------------- */

static unsigned long rdvl(void)
{
	unsigned long vl;

	__asm__ volatile(".arch_extension sve\n\trdvl %0, #1" : "=r"(vl));
	return vl;
}

static void sve_insn(void *arg) { (void)arg; (void)rdvl(); }

static void test_sve(void)
{
	unsigned long vl_min, vl_max;
	struct fault f;
	int v;

	if (!ID_FIELD(read_sysreg(id_aa64pfr0_el1), 32)) {
		report_skip("SVE: ID_AA64PFR0_EL1.SVE=0");
		return;
	}
	report_prefix_push("sve");
	set_cpacr(CPACR_FPEN(3) | CPACR_ZEN(0));
	v = catch_exception(sve_insn, NULL, &f);
	report(v == EC_SVE, "ZEN=00: an SVE instruction at EL1 traps, EC 0x19 (got EC %#x) [DDI 0487 CPACR_EL1.ZEN]", v);
	set_cpacr(CPACR_FPEN(3) | CPACR_ZEN(1));
	v = catch_exception(sve_insn, NULL, &f);
	report(v == NO_EXCEPTION, "ZEN=01: EL1 runs it (got EC %#x)", v);
	v = run_in_user(sve_insn, NULL, &f);
	report(v == EC_SVE, "ZEN=01: EL0 traps, EC 0x19 (got EC %#x) [DDI 0487 CPACR_EL1.ZEN]", v);
	set_cpacr(CPACR_FPEN(3) | CPACR_ZEN(3));
	v = run_in_user(sve_insn, NULL, &f);
	report(v == NO_EXCEPTION, "ZEN=11: EL0 runs it (got EC %#x)", v);
	set_cpacr(CPACR_FPEN(3) | CPACR_ZEN(3));
	wr_zcr(0);
	isb();
	vl_min = rdvl();
	report(vl_min == 16, "ZCR_EL1.LEN=0: RDVL is 16 bytes (got %lu) [DDI 0487 ZCR_EL1, RDVL]", vl_min);
	wr_zcr(0xf);
	isb();
	vl_max = rdvl();
	report(vl_max >= 16 && vl_max <= 256 && !(vl_max % 16),
	       "ZCR_EL1.LEN=0xf: RDVL a multiple of 16 bytes, 16..256 (got %lu)", vl_max);
	report_info("largest vector length %lu bits", vl_max * 8);

	/*
	 * DDI 0487 ZCR_EL1.LEN: the vector length is the largest implemented
	 * one not above (LEN + 1) * 128 bits: never above the request, a
	 * multiple of 128 bits, never shorter for a larger LEN.
	 */
	{
		unsigned long prev = 0, got;
		unsigned bad = 0;
		char set[128];
		size_t o = 0;

		for (unsigned len = 0; len < 16; len++) {
			wr_zcr(len);
			isb();
			got = rdvl();
			if (got > (len + 1) * 16UL || got % 16 || got < prev)
				bad++;
			if (got != prev && o < sizeof(set))
				o += snprintf(set + o, sizeof(set) - o, "%s%lu", o ? " " : "", got * 8);
			prev = got;
		}
		report(!bad, "LEN 0..15: each RDVL at most (LEN+1)*16 bytes, a multiple of 16, non-decreasing (%u wrong) [DDI 0487 ZCR_EL1.LEN]",
		       bad);
		report_info("vector lengths reached (bits): %s", set);
		wr_zcr(0xf);
		isb();
	}
	report_prefix_pop();
}

/* --- zregs: Z0-Z31 and P0-P15 at the largest vector length ------------------ */

#define SVE_VL_MAX 256   /* bytes: the architecture's 2048 bits */
static uint8_t z_pattern[MAX_CPUS][32 * SVE_VL_MAX + 16 * SVE_VL_MAX / 8] __attribute__((aligned(16)));
static uint8_t z_readback[MAX_CPUS][32 * SVE_VL_MAX + 16 * SVE_VL_MAX / 8] __attribute__((aligned(16)));

/* x0 = Z0-Z31 (32 * VL bytes) followed by P0-P15 (16 * VL/8 bytes). */
__asm__(".pushsection .text\n"
	".arch_extension sve\n"
	".globl sve_load_all, sve_store_all\n"
	"sve_load_all:\n"
	".irp n,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31\n"
	"	ldr z\\n, [x0, #\\n, mul vl]\n"
	".endr\n"
	"	addvl x1, x0, #31\n"
	"	addvl x1, x1, #1\n"
	".irp n,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15\n"
	"	ldr p\\n, [x1, #\\n, mul vl]\n"
	".endr\n"
	"	ret\n"
	"sve_store_all:\n"
	".irp n,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31\n"
	"	str z\\n, [x0, #\\n, mul vl]\n"
	".endr\n"
	"	addvl x1, x0, #31\n"
	"	addvl x1, x1, #1\n"
	".irp n,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15\n"
	"	str p\\n, [x1, #\\n, mul vl]\n"
	".endr\n"
	"	ret\n"
	".popsection");
void sve_load_all(const void *buf);
void sve_store_all(void *buf);

static void sve_on_max(void)
{
	set_cpacr(CPACR_FPEN(3) | CPACR_ZEN(3));
	wr_zcr(0xf);
	isb();
}

static void z_fill(uint8_t *buf, size_t len, uint8_t seed)
{
	for (size_t i = 0; i < len; i++)
		buf[i] = (uint8_t)(seed + i * 7 + (i >> 5));
}

/* How many of Z0-Z31, P0-P15 differ at vector length vl bytes. */
static unsigned z_differing(const uint8_t *a, const uint8_t *b, unsigned long vl)
{
	unsigned n = 0;

	for (unsigned r = 0; r < 32; r++)
		n += !!memcmp(a + r * vl, b + r * vl, vl);
	for (unsigned r = 0; r < 16; r++)
		n += !!memcmp(a + 32 * vl + r * (vl / 8), b + 32 * vl + r * (vl / 8), vl / 8);
	return n;
}

static void cpu_z_load(void *arg) { (void)arg; sve_on_max(); sve_load_all(z_pattern[smp_id()]); }
static void cpu_z_store(void *arg) { (void)arg; sve_store_all(z_readback[smp_id()]); }

/*
 * DDI 0487 (SVE registers Z0-Z31, P0-P15): every bit up to the vector
 * length survives an exception at EL1, an EL0 run, exits to the VMM, and
 * the other CPU using its own; where the vector length exceeds 128 bits,
 * these are the bits a VMM that kept only the V registers would lose.
 */
static void test_zregs(void)
{
	unsigned long vl;
	size_t len;
	unsigned bad, bad1;

	if (!ID_FIELD(read_sysreg(id_aa64pfr0_el1), 32)) {
		report_skip("SVE registers: ID_AA64PFR0_EL1.SVE=0");
		return;
	}
	report_prefix_push("zregs");
	sve_on_max();
	vl = rdvl();
	len = 32 * vl + 16 * vl / 8;
	report_info("vector length %lu bytes: %zu bytes of Z and P state", vl, len);
	z_fill(z_pattern[0], len, 0x33);
	sve_load_all(z_pattern[0]);
	catch_exception(do_brk, NULL, NULL);
	sve_store_all(z_readback[0]);
	bad = z_differing(z_pattern[0], z_readback[0], vl);
	report(!bad, "Z0-Z31, P0-P15 unchanged across a BRK caught at EL1 (%u differ)", bad);
	sve_load_all(z_pattern[0]);
	run_in_user(el0_nothing, NULL, NULL);
	sve_store_all(z_readback[0]);
	bad = z_differing(z_pattern[0], z_readback[0], vl);
	report(!bad, "and across a run at EL0 (%u differ)", bad);
	sve_load_all(z_pattern[0]);
	report_info("Z and P loaded; PSCI_VERSION %#lx", psci_call(PSCI_VERSION, 0, 0, 0));
	sve_store_all(z_readback[0]);
	bad = z_differing(z_pattern[0], z_readback[0], vl);
	report(!bad, "and across a console write and a PSCI call (%u differ)", bad);
	if (nr_cpus() < 2) {
		report_skip("SVE registers per CPU: needs 2 CPUs (smp = 2)");
	} else {
		z_fill(z_pattern[1], len, 0xc5);
		sve_load_all(z_pattern[0]);
		on_cpu(1, cpu_z_load, NULL);
		on_cpu(1, cpu_z_store, NULL);
		sve_store_all(z_readback[0]);
		bad = z_differing(z_pattern[0], z_readback[0], vl);
		bad1 = z_differing(z_pattern[1], z_readback[1], vl);
		report(!bad && !bad1, "CPU 0 and CPU 1 keep their own Z and P registers (%u and %u differ)", bad, bad1);
	}
	report_prefix_pop();
}

/* fpen leaves FPEN=11 behind it: the later parts need FP on (set again if fpen is not selected). */
static void fp_on(void) { set_cpacr(CPACR_FPEN(3)); }

/* For fpu-c's live part: a BRK taken at EL1 and returned from, and a console write. */
static void brk_and_print(void)
{
	struct fault f;

	report_info("BRK at EL1 gave EC %#x", catch_exception(do_brk, NULL, &f));
}

static void c_live(void) { fpu_c_live(brk_and_print); }

int main(int argc, char **argv, char **envp)
{
	static const struct test_part parts[] = {
		{ "fpen", test_fpen }, { "regs", fp_on }, { "regs", test_regs }, { "fpcr", fp_on },
		{ "fpcr", test_fpcr }, { "cfp", fp_on }, { "cfp", fpu_c_round }, { "cfp", fpu_c_flags },
		{ "cfp", c_live }, { "sve", test_sve }, { "zregs", test_zregs },
		{ "ffr", fpu_ffr },
	};

	(void)envp;
	report_prefix_push("fpu");
	run_parts(argc, argv, parts, ARRAY_SIZE(parts));
	report_prefix_pop();
	return report_summary();
}
