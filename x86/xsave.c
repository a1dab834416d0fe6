/*
 * xsave: extended processor state, from the SDM vol. 1 chapter "Managing
 * State Using the XSAVE Feature Set", vol. 2C XSETBV/XGETBV and vol. 2D
 * XSAVE/XRSTOR/XSAVEOPT/XSAVEC, and CPUID leaf 0DH (vol. 2A).
 *
 *   xcr0      XSETBV's #UD/#GP rules: CR4.OSXSAVE=0, CPL3, ECX other than 0,
 *             XCR0[0]=0, AVX without SSE, bits CPUID.(0DH,0) does not
 *             enumerate, AVX-512's three bits not set together
 *   roundtrip the SSE and AVX registers (every bit of XMM0-15/YMM0-15) and
 *             MXCSR survive XSAVE, clobbering, XRSTOR; XSTATE_BV has the bits
 *             of the components in use
 *   header    XRSTOR #GPs on a misaligned area, a reserved header byte, an
 *             XSTATE_BV bit outside XCR0; XRSTOR of XSTATE_BV=0 puts SSE in
 *             its initial state (XMM0 = 0)
 *   xsavec    the compacted form: XCOMP_BV[63] set, XRSTOR of it restores
 *   xinuse    XGETBV(ECX=1): XINUSE[1] is 1 while XMM0 is not zero
 *   xsaveopt  XSAVEOPT's image restores; after XRSTOR from the same area a
 *             register changed since is saved (the modified optimisation may
 *             skip only unmodified components: for AVX, which it did is INFO)
 *   cpus      each CPU keeps its own XMM state while the other runs code
 *   migrate   (only when named) XMM0-15/YMM0-15, MXCSR and XCR0 are the same
 *             after a live migration (docs/protocol.md "Migration")
 * Arguments select parts (default: all but migrate).
 */
#include "hvut.h"
#include "migrate.h"
#include <asm/cpufeature.h>
#include <asm/desc.h>
#include <asm/processor.h>
#include <asm/xsave.h>

#define X86_FEATURE_AVX_ X86_FEATURE(1, 0, CPUID_ECX, 28)

static uint64_t supported;   /* CPUID.(0DH,0):EDX:EAX */
static bool avx;

static uint8_t area[8192] __attribute__((aligned(64)));
static uint8_t regs_in[16 * 32] __attribute__((aligned(32)));
static uint8_t regs_out[16 * 32] __attribute__((aligned(32)));

struct xsetbv_op { uint32_t idx; uint64_t val; };
static void do_xsetbv(void *p)
{
	struct xsetbv_op *op = p;

	xsetbv(op->idx, op->val);
}

static int xsetbv_safe(uint32_t idx, uint64_t val)
{
	struct xsetbv_op op = { idx, val };

	return catch_exception(do_xsetbv, &op, NULL);
}

static inline void xsavec(void *a, uint64_t mask)
{
	__asm__ volatile("xsavec64 (%0)" :: "r"(a), "a"((uint32_t)mask), "d"((uint32_t)(mask >> 32)) : "memory");
}

struct xrstor_op { void *area; uint64_t mask; };
static void do_xrstor(void *p)
{
	struct xrstor_op *op = p;

	xrstor(op->area, op->mask);
}

static int xrstor_safe(void *a, uint64_t mask)
{
	struct xrstor_op op = { a, mask };

	return catch_exception(do_xrstor, &op, NULL);
}

static uint64_t *xcomp_bv(void *a) { return (uint64_t *)((uint8_t *)a + XSAVE_HDR + 8); }

static void fill_pattern(uint8_t *buf, unsigned n, uint8_t seed)
{
	for (unsigned i = 0; i < n; i++)
		buf[i] = (uint8_t)(seed + i * 7 + (i >> 5));
}

static uint64_t enabled_mask(void)
{
	return XFEATURE_X87 | XFEATURE_SSE | (avx ? XFEATURE_AVX : 0);
}

/* XMM/YMM0-15 from regs_in, then MXCSR (the registers hvut's SSE-free C leaves alone). */
static void load_regs(uint32_t mxcsr)
{
	if (avx)
		ymm_load_all(regs_in);
	else
		xmm_load_all(regs_in);
	__asm__ volatile("ldmxcsr %0" :: "m"(mxcsr));
}

/* XMM/YMM0-15 into regs_out and MXCSR into *mxcsr; how many registers differ from regs_in. */
static unsigned store_regs_and_count(uint32_t *mxcsr)
{
	unsigned width = avx ? 32 : 16, bad = 0;

	memset(regs_out, 0, sizeof(regs_out));
	if (avx)
		ymm_store_all(regs_out);
	else
		xmm_store_all(regs_out);
	__asm__ volatile("stmxcsr %0" : "=m"(*mxcsr));
	for (unsigned r = 0; r < 16; r++)
		bad += memcmp(regs_in + r * 32, regs_out + r * 32, width) != 0;
	return bad;
}

/* --- xcr0 ------------------------------------------------------------------ */

static void user_xsetbv(void *arg)
{
	(void)arg;
	__asm__ volatile("xsetbv" :: "c"(0), "a"((uint32_t)(XFEATURE_X87 | XFEATURE_SSE)), "d"(0));
}

static void test_xcr0(void)
{
	unsigned long cr4 = read_cr4();
	uint64_t xcr0 = xgetbv(0);
	struct fault f;
	int v;

	report_prefix_push("xcr0");
	write_cr4(cr4 & ~X86_CR4_OSXSAVE);
	v = xsetbv_safe(0, XFEATURE_X87 | XFEATURE_SSE);
	report_deviation("xsetbv-intercept-before-ud", v == UD_VECTOR, "CR4.OSXSAVE=0: XSETBV #UD (got %s) [SDM vol. 2C XSETBV]",
			 exception_name(v));
	write_cr4(cr4);
	v = run_in_user(user_xsetbv, NULL, &f);
	report(v == GP_VECTOR && f.error_code == 0, "CPL3: XSETBV #GP(0) (got %s(%#lx))", exception_name(v), f.error_code);
	v = xsetbv_safe(1, XFEATURE_X87 | XFEATURE_SSE);
	report(v == GP_VECTOR, "ECX=1: #GP (XINUSE is read-only; got %s)", exception_name(v));
	v = xsetbv_safe(0, XFEATURE_SSE);
	report(v == GP_VECTOR, "XCR0[0]=0: #GP (got %s)", exception_name(v));
	if (avx) {
		v = xsetbv_safe(0, XFEATURE_X87 | XFEATURE_AVX);
		report(v == GP_VECTOR, "AVX without SSE: #GP (got %s)", exception_name(v));
	}
	for (unsigned bit = 0; bit < 64; bit++) {
		uint64_t b = 1ULL << bit;

		if (supported & b)
			continue;
		v = xsetbv_safe(0, XFEATURE_X87 | XFEATURE_SSE | b);
		if (!report(v == GP_VECTOR, "bit %u, not in CPUID.(0DH,0):EDX:EAX: #GP (got %s)", bit, exception_name(v)))
			break;
		if (bit >= 10)   /* a few are enough for the rule; the rest cost time */
			break;
	}
	if ((supported & XFEATURE_AVX512) == XFEATURE_AVX512) {
		v = xsetbv_safe(0, XFEATURE_X87 | XFEATURE_SSE | XFEATURE_AVX | (1ULL << 5));
		report(v == GP_VECTOR, "AVX-512 opmask without ZMM_Hi256/Hi16_ZMM: #GP (got %s)", exception_name(v));
	} else {
		report_skip("AVX-512 bit rule: CPUID.(0DH,0):EAX[7:5] not all set");
	}
	xsetbv_safe(0, xcr0);
	report(xgetbv(0) == xcr0, "XCR0 back to %#llx after the refused writes (got %#llx)", (unsigned long long)xcr0,
	       (unsigned long long)xgetbv(0));
	report_prefix_pop();
}

/* --- roundtrip ------------------------------------------------------------------ */

static void test_roundtrip(void)
{
	uint32_t mxcsr_in = 0x1f80 | (3 << 13), mxcsr_out = 0;
	unsigned bad;

	report_prefix_push("roundtrip");
	fill_pattern(regs_in, sizeof(regs_in), 0x11);
	memset(area, 0, sizeof(area));
	load_regs(mxcsr_in);
	xsave(area, enabled_mask());
	report((*xstate_bv(area) & XFEATURE_SSE) && (!avx || (*xstate_bv(area) & XFEATURE_AVX)),
	       "XSTATE_BV after XSAVE has SSE%s (got %#llx) [SDM vol. 1 XSAVE-Supported Features and State-Component Bitmaps]",
	       avx ? " and AVX" : "", (unsigned long long)*xstate_bv(area));
	xmm_zero_all();
	if (avx)
		__asm__ volatile("vzeroall");
	__asm__ volatile("ldmxcsr %0" :: "m"((uint32_t){ 0x1f80 }));
	report(xrstor_safe(area, enabled_mask()) == NO_EXCEPTION, "XRSTOR of what XSAVE wrote runs");
	bad = store_regs_and_count(&mxcsr_out);
	report(!bad, "all 16 %s registers restored bit for bit (%u differ)", avx ? "YMM" : "XMM", bad);
	report(mxcsr_out == mxcsr_in, "MXCSR restored (%#x, got %#x)", mxcsr_in, mxcsr_out);
	report_prefix_pop();
}

/* --- header ---------------------------------------------------------------------- */

static void test_header(void)
{
	uint8_t zero[16] = { 0 };
	int v;

	report_prefix_push("header");
	xmm_load_all(regs_in);
	xsave(area, enabled_mask());
	v = xrstor_safe(area + 16, enabled_mask());
	report(v == GP_VECTOR, "XRSTOR of an area not 64-byte aligned: #GP (got %s) [SDM vol. 2D XRSTOR]",
	       exception_name(v));
	area[XSAVE_HDR + 20] = 1;
	v = xrstor_safe(area, enabled_mask());
	report(v == GP_VECTOR, "a reserved header byte (offset 20) set: #GP (got %s)", exception_name(v));
	area[XSAVE_HDR + 20] = 0;
	if (~xgetbv(0) & (1ULL << 9)) {
		*xstate_bv(area) |= 1ULL << 9;   /* PKRU, or any bit XCR0 lacks */
		v = xrstor_safe(area, enabled_mask());
		report(v == GP_VECTOR, "XSTATE_BV bit 9 set with XCR0[9]=0: #GP (got %s)", exception_name(v));
		*xstate_bv(area) &= ~(1ULL << 9);
	}
	/* XSTATE_BV[1]=0: XRSTOR puts SSE in its initial state. */
	*xstate_bv(area) &= ~XFEATURE_SSE;
	v = xrstor_safe(area, enabled_mask());
	xmm_store_all(regs_out);
	report(v == NO_EXCEPTION && !memcmp(regs_out, zero, 16),
	       "XSTATE_BV[1]=0: XRSTOR initialises XMM0 to 0 (got %s) [SDM vol. 1 Operation of XRSTOR]",
	       exception_name(v));
	report_prefix_pop();
}

/* --- xsavec ------------------------------------------------------------------------ */

static void test_xsavec(void)
{
	unsigned bad = 0;
	int v;

	if (!(cpuid_indexed(0xd, 1).a & 2)) {
		report_skip("XSAVEC: CPUID.(0DH,1):EAX[1]=0");
		return;
	}
	report_prefix_push("xsavec");
	memset(area, 0, sizeof(area));
	xmm_load_all(regs_in);
	xsavec(area, enabled_mask());
	report(*xcomp_bv(area) >> 63, "XCOMP_BV[63] set: the compacted form (got %#llx) [SDM vol. 2D XSAVEC]",
	       (unsigned long long)*xcomp_bv(area));
	xmm_zero_all();
	v = xrstor_safe(area, enabled_mask());
	report_deviation("xrstor-compacted-gp", v == NO_EXCEPTION,
			 "XRSTOR takes the compacted form (got %s; XSTATE_BV %#llx) [SDM vol. 1 Operation of XRSTOR: compacted form]",
			 exception_name(v), (unsigned long long)*xstate_bv(area));
	xmm_store_all(regs_out);
	for (unsigned r = 0; r < 16; r++)
		if (memcmp(regs_in + r * 32, regs_out + r * 32, 16))
			bad++;
	report_deviation("xrstor-compacted-gp", !bad, "XMM0-15 restored from the compacted form (%u differ)", bad);
	report_prefix_pop();
}

/* --- xinuse ------------------------------------------------------------------------ */

static void test_xinuse(void)
{
	if (!(cpuid_indexed(0xd, 1).a & 4)) {
		report_skip("XINUSE: XGETBV with ECX=1: CPUID.(0DH,1):EAX[2]=0");
		return;
	}
	xmm_load_all(regs_in);
	report(xgetbv(1) & XFEATURE_SSE, "XGETBV(1): XINUSE[1]=1 while XMM0-15 hold non-zero values (got %#llx) [SDM vol. 1 Processor Tracking of XSAVE-Managed State]",
	       (unsigned long long)xgetbv(1));
}

/* --- xsaveopt --------------------------------------------------------------------- */

/* XMM register n's 16 bytes in a standard-form area (the legacy region, SDM vol. 1 Table 10-2). */
static uint8_t *xmm_slot(uint8_t *a, unsigned n) { return a + 160 + 16 * n; }

static void test_xsaveopt(void)
{
	uint8_t stale[16];
	unsigned bad;

	if (!(cpuid_indexed(0xd, 1).a & 1)) {
		report_skip("XSAVEOPT: CPUID.(0DH,1):EAX[0]=0");
		return;
	}
	report_prefix_push("xsaveopt");
	fill_pattern(regs_in, sizeof(regs_in), 0x44);
	memset(area, 0, sizeof(area));
	xmm_load_all(regs_in);
	xsaveopt(area, enabled_mask());
	xmm_zero_all();
	report(xrstor_safe(area, enabled_mask()) == NO_EXCEPTION, "XRSTOR of what XSAVEOPT wrote runs [SDM vol. 1 13.9]");
	xmm_store_all(regs_out);
	bad = 0;
	for (unsigned r = 0; r < 16; r++)
		bad += memcmp(regs_in + r * 32, regs_out + r * 32, 16) != 0;
	report(!bad, "XMM0-15 restored from XSAVEOPT's image (%u differ)", bad);

	/*
	 * SDM vol. 1 13.9: after XRSTOR from this area, XSAVEOPT may skip a
	 * component not modified since. XMM0 (SSE) is written, so SSE must be
	 * saved with it. YMM0's high half (AVX, untouched by a legacy SSE
	 * write) has its slot scribbled on: rewritten or left is allowed.
	 */
	xrstor(area, enabled_mask());
	memset(stale, 0xee, sizeof(stale));
	if (avx)
		memcpy(area + cpuid_indexed(0xd, 2).b, stale, 16);
	fill_pattern(regs_in, 32, 0x99);
	__asm__ volatile("movdqu %0, %%xmm0" :: "m"(*(uint8_t(*)[16])regs_in));
	xsaveopt(area, enabled_mask());
	report(!memcmp(xmm_slot(area, 0), regs_in, 16),
	       "after XRSTOR from the area, XSAVEOPT saves the XMM0 written since [SDM vol. 1 13.9 modified optimization]");
	if (avx)
		report_info("AVX, unmodified since the XRSTOR: its scribbled slot was %s (both allowed)",
			    memcmp(area + cpuid_indexed(0xd, 2).b, stale, 16) ? "rewritten (no optimization)" :
			    "left (modified optimization)");
	xrstor(area, enabled_mask() & ~XFEATURE_AVX);   /* leaves the scribble out of YMM0 */
	report_prefix_pop();
}

/* --- cpus --------------------------------------------------------------------------- */

static uint8_t cpu1_in[16 * 32] __attribute__((aligned(32))), cpu1_out[16 * 32] __attribute__((aligned(32)));

static void enable_xsave_here(void *arg);
static void cpu1_load(void *arg) { (void)arg; xmm_load_all(cpu1_in); }
static void cpu1_store(void *arg) { (void)arg; xmm_store_all(cpu1_out); }

static void test_cpus(void)
{
	unsigned bad0 = 0, bad1 = 0;

	if (nr_cpus() < 2) {
		report_skip("cpus: needs 2 CPUs (smp = 2)");
		return;
	}
	fill_pattern(regs_in, sizeof(regs_in), 0x33);
	fill_pattern(cpu1_in, sizeof(cpu1_in), 0x77);
	on_cpu(1, enable_xsave_here, NULL);
	xmm_load_all(regs_in);
	on_cpu(1, cpu1_load, NULL);
	on_cpu(1, cpu1_store, NULL);
	xmm_store_all(regs_out);
	for (unsigned r = 0; r < 16; r++) {
		bad0 += !!memcmp(regs_in + r * 32, regs_out + r * 32, 16);
		bad1 += !!memcmp(cpu1_in + r * 32, cpu1_out + r * 32, 16);
	}
	report(!bad0 && !bad1, "CPU 0's and CPU 1's XMM registers stay their own (%u and %u differ) [SDM vol. 1: state is per logical processor]",
	       bad0, bad1);
}

/* --- migrate ---------------------------------------------------------------------- */

/*
 * A register holds what was last written to it (SDM vol. 1 "SSE Registers",
 * "AVX" and 13.3 for XCR0); a live migration is invisible to the guest, so
 * the destination must show exactly the source's values. Nothing between
 * the load and the store touches these registers: hvut's C code is built
 * without SSE (x86/Makefile), so migrate_once() and printf() leave them.
 */
static void test_migrate(void)
{
	uint32_t mxcsr_in = 0x1f80 | (1U << 15) | (2U << 13), mxcsr_out = 0;   /* FZ, round up */
	uint64_t xcr0_in = xgetbv(0), xcr0_out;
	unsigned bad;

	report_prefix_push("migrate");
	fill_pattern(regs_in, sizeof(regs_in), 0x5a);
	load_regs(mxcsr_in);
	if (!migrate_once()) {
		report_prefix_pop();
		return;
	}
	bad = store_regs_and_count(&mxcsr_out);
	xcr0_out = xgetbv(0);
	report(!bad, "all 16 %s registers kept bit for bit across the migration (%u differ)",
	       avx ? "YMM" : "XMM", bad);
	report(mxcsr_out == mxcsr_in, "MXCSR kept (%#x, then %#x)", mxcsr_in, mxcsr_out);
	report(xcr0_out == xcr0_in, "XCR0 kept (%#llx, then %#llx) [SDM vol. 1 13.3]",
	       (unsigned long long)xcr0_in, (unsigned long long)xcr0_out);
	report_prefix_pop();
}

static void enable_xsave_here(void *arg)
{
	(void)arg;
	xsave_enable_os();
	xsetbv(0, enabled_mask());
}

int main(int argc, char **argv, char **envp)
{
	struct cpuid d;

	static const struct test_part parts[] = {
		{ "xcr0", test_xcr0 }, { "roundtrip", test_roundtrip }, { "header", test_header },
		{ "xsavec", test_xsavec }, { "xinuse", test_xinuse }, { "xsaveopt", test_xsaveopt }, { "cpus", test_cpus },
	};

	(void)envp;
	report_prefix_push("xsave");
	if (!this_cpu_has(X86_FEATURE_XSAVE)) {
		report_skip("XSAVE: CPUID.1:ECX[26]=0");
		report_prefix_pop();
		return report_summary();
	}
	d = cpuid_indexed(0xd, 0);
	supported = d.a | ((uint64_t)d.d << 32);
	avx = this_cpu_has(X86_FEATURE_AVX_) && (supported & XFEATURE_AVX);
	report_info("running on %s; XCR0 may have %#llx; XSAVE area %u bytes", vmm_description(),
		    (unsigned long long)supported, d.c);
	xsave_enable_os();
	if (!xcr0_set_checked(enabled_mask())) {
		report_skip("the other parts: XCR0 is not what XSETBV wrote");
		report_prefix_pop();
		return report_summary();
	}
	if (!avx)
		report_skip("AVX: CPUID.1:ECX[28]=0 or XCR0[2] not enumerated");
	run_parts(argc, argv, parts, ARRAY_SIZE(parts));
	if (argc > 1 && arg_selected(argc, argv, "migrate"))
		test_migrate();
	report_prefix_pop();
	return report_summary();
}
