/*
 * fpu: FP/SIMD and SVE state, from the Arm ARM (DDI 0487): CPACR_EL1 (FPEN,
 * ZEN), FPCR, FPSR, ZCR_EL1, ESR_EL1 EC 0x07 ("Access to SIMD or
 * floating-point registers trapped by CPACR_EL1.FPEN") and EC 0x19 ("Access
 * to SVE functionality trapped").
 *
 *   fpen   FPEN=00 traps FP at EL1 and EL0; 01 traps EL0 only; 11 traps none
 *   regs   every bit of V0-V31 survives an exception taken and returned from
 *          (a BRK caught at EL1, an EL0 run) and another CPU's own use of its
 *          registers (on_cpu): each CPU's registers are its own
 *   fpcr   FPCR's AHP/DN/FZ/RMode and FPSR's QC/IDC/cumulative flags read
 *          back as written
 *   sve    where ID_AA64PFR0_EL1.SVE != 0: ZEN=00 traps SVE at EL1 (EC 0x19);
 *          ZCR_EL1.LEN=0 gives a 128-bit vector (RDVL = 16), the largest
 *          LEN gives a multiple of 128 bits, at most 2048
 * The library is built without FP registers (-mgeneral-regs-only), so the
 * exception path does not touch V0-V31: what is compared is what the VMM kept.
 */
#include "hvut.h"
#include <asm/smp.h>
#include <asm/sysreg.h>

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
	}
	report_prefix_pop();
}

/* --- fpcr ------------------------------------------------------------------ */

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
	report_prefix_pop();
}

/* fpen leaves FPEN=11 behind it: the later parts need FP on (set again if fpen is not selected). */
static void fp_on(void) { set_cpacr(CPACR_FPEN(3)); }

int main(int argc, char **argv, char **envp)
{
	static const struct test_part parts[] = {
		{ "fpen", test_fpen }, { "regs", fp_on }, { "regs", test_regs }, { "fpcr", fp_on },
		{ "fpcr", test_fpcr }, { "sve", test_sve },
	};

	(void)envp;
	report_prefix_push("fpu");
	run_parts(argc, argv, parts, ARRAY_SIZE(parts));
	report_prefix_pop();
	return report_summary();
}
