/*
 * fpu-c: floating point as the compiler emits it. The rest of the arm64 port
 * is built -mgeneral-regs-only (arm/Makefile); this file alone is not, so
 * its doubles live in V registers the way any guest's compiled code keeps
 * them. From the Arm ARM (DDI 0487): FPCR.RMode, FPSR's cumulative
 * exception bits and the default NaN (FPDefaultNaN()); from IEEE 754-2008:
 * rounding-direction attributes (4.3) and the five exceptions (7.2-7.6);
 * from the procedure call standard (AAPCS64 6.1.2): D8-D15 are callee-saved,
 * so the compiler keeps values there across calls.
 *
 *   round  2/3 and -2/3 under each FPCR.RMode: round to nearest gives
 *          0x3fe5555555555555 (the exact value is nearer it than ...556),
 *          towards plus infinity rounds 2/3 up and -2/3 towards zero,
 *          towards minus infinity the reverse, towards zero both down in
 *          magnitude
 *   flags  each operation sets exactly its FPSR cumulative bits: an inexact
 *          divide IXC; x/0 DZC; sqrt(-1) IOC with the default NaN
 *          (0x7ff8000000000000) as its result; DBL_MAX*2 OFC|IXC and
 *          +infinity; DBL_MIN/3 UFC|IXC (tiny and inexact, FPCR.FZ = 0);
 *          an exact operation none
 *   live   doubles the compiler holds across calls that exit to the VMM (a
 *          PSCI call, a console write) and across a BRK taken at EL1 come
 *          back unchanged
 * Every part runs with CPACR_EL1.FPEN = 11 (fpu.c's fp_on part before it).
 */
#include "hvut.h"
#include <asm/psci.h>
#include <asm/sysreg.h>
#include "fpu-c.h"

#define FPSR_IOC (1UL << 0)
#define FPSR_DZC (1UL << 1)
#define FPSR_OFC (1UL << 2)
#define FPSR_UFC (1UL << 3)
#define FPSR_IXC (1UL << 4)
#define FPSR_CUMULATIVE (FPSR_IOC | FPSR_DZC | FPSR_OFC | FPSR_UFC | FPSR_IXC | (1UL << 7))
#define FPCR_RMODE_SHIFT 22
#define DEFAULT_NAN 0x7ff8000000000000UL
#define POS_INF 0x7ff0000000000000UL
#define TWO_THIRDS_RN 0x3fe5555555555555UL

/* Operands and results through volatile memory: the compiler can neither fold them nor move them past an msr. */
static volatile double v_two = 2.0, v_three = 3.0, v_zero = 0.0, v_one = 1.0, v_neg_one = -1.0;
static volatile double v_max = 1.7976931348623157e308, v_min = 2.2250738585072014e-308;
static volatile double result;

static uint64_t bits(double d)
{
	uint64_t u;

	memcpy(&u, &d, sizeof(u));
	return u;
}

static void set_rmode(unsigned long rmode)
{
	unsigned long fpcr = read_sysreg(fpcr) & ~(3UL << FPCR_RMODE_SHIFT);

	write_sysreg(fpcr | rmode << FPCR_RMODE_SHIFT, fpcr);
	isb();
}

void fpu_c_round(void)
{
	static const struct {
		const char *name;
		uint64_t pos, neg;   /* 2/3 and the magnitude of -2/3 */
	} modes[4] = {
		{ "nearest (RN)", TWO_THIRDS_RN, TWO_THIRDS_RN },
		{ "plus infinity (RP)", TWO_THIRDS_RN + 1, TWO_THIRDS_RN },
		{ "minus infinity (RM)", TWO_THIRDS_RN, TWO_THIRDS_RN + 1 },
		{ "zero (RZ)", TWO_THIRDS_RN, TWO_THIRDS_RN },
	};
	unsigned long old = read_sysreg(fpcr);
	uint64_t pos, neg;

	report_prefix_push("round");
	for (unsigned long m = 0; m < 4; m++) {
		set_rmode(m);
		result = v_two / v_three;
		pos = bits(result);
		result = -v_two / v_three;
		neg = bits(result) & ~(1UL << 63);
		report(pos == modes[m].pos && neg == modes[m].neg,
		       "RMode=%lu, towards %s: 2/3 = %#lx, -2/3 = -%#lx (want %#lx, -%#lx) [DDI 0487 FPCR.RMode; IEEE 754 4.3]",
		       m, modes[m].name, (unsigned long)pos, (unsigned long)neg, (unsigned long)modes[m].pos,
		       (unsigned long)modes[m].neg);
	}
	write_sysreg(old, fpcr);
	isb();
	report_prefix_pop();
}

/* Runs one operation from a clear FPSR; returns the FPSR it left. */
static unsigned long flags_of(double (*op)(void))
{
	write_sysreg(0, fpsr);
	result = op();
	return read_sysreg(fpsr) & FPSR_CUMULATIVE;
}

static double op_inexact(void) { return v_two / v_three; }
static double op_div_zero(void) { return v_one / v_zero; }
static double op_overflow(void) { return v_max * v_two; }
static double op_underflow(void) { return v_min / v_three; }
static double op_exact(void) { return v_three * v_two; }

static double op_sqrt_neg(void)
{
	double r, x = v_neg_one;

	__asm__ volatile("fsqrt %d0, %d1" : "=w"(r) : "w"(x));
	return r;
}

void fpu_c_flags(void)
{
	static const struct {
		const char *what;
		double (*op)(void);
		unsigned long fpsr;
		uint64_t result;   /* 0: not checked */
	} cases[] = {
		{ "2/3 (inexact)", op_inexact, FPSR_IXC, TWO_THIRDS_RN },
		{ "1/0 (divide by zero)", op_div_zero, FPSR_DZC, POS_INF },
		{ "sqrt(-1) (invalid operation)", op_sqrt_neg, FPSR_IOC, DEFAULT_NAN },
		{ "DBL_MAX*2 (overflow)", op_overflow, FPSR_OFC | FPSR_IXC, POS_INF },
		{ "DBL_MIN/3 (underflow: tiny and inexact)", op_underflow, FPSR_UFC | FPSR_IXC, 0 },
		{ "3*2 (exact)", op_exact, 0, 0x4018000000000000UL },
	};
	unsigned long old_fpcr = read_sysreg(fpcr), got;
	uint64_t r;

	report_prefix_push("flags");
	/* Round to nearest, no flush-to-zero, no default-NaN mode, no trap enables. */
	write_sysreg(0, fpcr);
	isb();
	for (unsigned i = 0; i < ARRAY_SIZE(cases); i++) {
		got = flags_of(cases[i].op);
		r = bits(result);
		report(got == cases[i].fpsr && (!cases[i].result || r == cases[i].result),
		       "%s sets FPSR %#lx (got %#lx), result %#lx [DDI 0487 FPSR cumulative bits, FPDefaultNaN(); "
		       "IEEE 754 7.2-7.6]",
		       cases[i].what, cases[i].fpsr, got, (unsigned long)r);
	}
	write_sysreg(0, fpsr);
	write_sysreg(old_fpcr, fpcr);
	isb();
	report_prefix_pop();
}

/*
 * Doubles the compiler must keep across calls: with eight of them live, GCC
 * and clang hold them in D8-D15 (callee-saved) rather than reloading, and
 * neither the library (no FP registers) nor the exception path saves them:
 * what comes back is what the VMM kept.
 */
void fpu_c_live(void (*trap)(void))
{
	double a = v_two * 0.5, b = v_three * 1.25, c = v_two / 8.0, d = v_three * v_three;
	double e = a + b, f = c - d, g = d * 16.0, h = -v_one / 4.0;

	report_prefix_push("live");
	report_info("values held; PSCI_VERSION %#lx", psci_call(PSCI_VERSION, 0, 0, 0));
	trap();
	/* Every value is exact in double: any change is the state's, not rounding's. */
	report(a == 1.0 && b == 3.75 && c == 0.25 && d == 9.0 && e == 4.75 && f == -8.75 && g == 144.0 && h == -0.25,
	       "eight doubles live across a PSCI call, a console write and a BRK are unchanged (a %#lx, h %#lx) "
	       "[DDI 0487: exception entry and return leave V0-V31 alone; AAPCS64 6.1.2: D8-D15 callee-saved]",
	       (unsigned long)bits(a), (unsigned long)bits(h));
	report_prefix_pop();
}
