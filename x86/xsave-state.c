/*
 * xsave-state: the x87 component in the XSAVE area, the init optimization
 * as far as the SDM guarantees its results, and an XSAVE image moved from
 * one CPU to another (SDM vol. 1 chapter 13 "Managing State Using the XSAVE
 * Feature Set", vol. 2D XSAVE/XRSTOR/XSAVEOPT). x86/xsave.c does XCR0,
 * SSE/AVX round trips and the header rules.
 *
 *   x87   state set by x87 instructions (FLDCW, FILD, FLD1, FLDZ) is saved by
 *         XSAVE with RFBM = {x87} where 13.4.1 / Table 10-2 place it: FCW at
 *         byte 0, FSW 2, abridged FTW 4, ST(i) at 32 + 16i; MXCSR (bytes
 *         24-31) and the XMM slots are not written (13.7: MXCSR goes with
 *         RFBM[1] or RFBM[2]); XSTATE_BV[0] = 1 (not the initial
 *         configuration, 13.6). XRSTOR loads it back. FOP (bytes 6-7), FIP
 *         (8-15) and FDP (16-23, REX.W forms) go through XRSTOR then XSAVE
 *         unchanged; what the x87 itself puts there is model-specific
 *         (FOP compatibility mode, FDP_EXCPTN_ONLY, AMD's pointer saving
 *         with FSW.ES=0), so that image has ES set and no x87 instruction
 *         runs between the two.
 *   init  a component not in its initial configuration has XINUSE[i] = 1
 *         and XSTATE_BV[i] = 1 (13.6, 13.7); XRSTOR with XSTATE_BV[i] = 0
 *         puts it in the initial configuration (13.8.1); XSAVE writes
 *         XSTATE_BV[i] = XINUSE[i] (XGETBV(1), 13.7); XSAVEOPT's image is
 *         always one XRSTOR turns into the state saved: a component it
 *         leaves out (XSTATE_BV[i] = 0) is initial, one it writes has the
 *         initial values (13.9); after an XRSTOR from another area, or a
 *         change to the registers since, XSAVEOPT may not skip (modified
 *         optimization, 13.9 and 13.8.3). Whether the optimizations happen
 *         is INFO: the SDM allows either.
 *   cpus  an image XSAVEd on CPU 0 (x87, SSE, AVX) XRSTORed on CPU 1 and
 *         XSAVEd there is the same image, CPU 1 then holds CPU 0's values,
 *         and neither CPU's registers change while the other runs (state
 *         is per logical processor).
 * Arguments select parts (default: all).
 */
#include "hvut.h"
#include <asm/cpufeature.h>
#include <asm/processor.h>
#include <asm/xsave.h>

#define X86_FEATURE_AVX_ X86_FEATURE(1, 0, CPUID_ECX, 28)
#define LEGACY_SAVED 416   /* bytes 0-415 of the legacy region are written; 416-511 are not (13.4.1) */

static bool avx;
static unsigned avx_off;   /* CPUID.(0DH,2):EBX */
static uint64_t rfbm;

static uint8_t area[4096] __attribute__((aligned(64)));
static uint8_t area2[4096] __attribute__((aligned(64)));
static uint8_t zimg[4096] __attribute__((aligned(64)));   /* XSTATE_BV = 0: every component initial */
static uint8_t regs_a[16 * 32] __attribute__((aligned(32)));
static uint8_t regs_b[16 * 32] __attribute__((aligned(32)));
static uint8_t regs_out[16 * 32] __attribute__((aligned(32)));
static const uint8_t zero32[32];
static const uint8_t zero_regs[16 * 32] __attribute__((aligned(32)));

static void vec_load(const uint8_t *buf) { if (avx) ymm_load_all(buf); else xmm_load_all(buf); }

/* How many of the 16 registers differ from want (32 bytes each with AVX, 16 without). */
static unsigned vec_differ(const uint8_t *want)
{
	unsigned bad = 0;

	memset(regs_out, 0x5a, sizeof(regs_out));
	if (avx)
		ymm_store_all(regs_out);
	else
		xmm_store_all(regs_out);
	for (unsigned r = 0; r < 16; r++)
		bad += memcmp(regs_out + r * 32, want + r * 32, avx ? 32 : 16) != 0;
	return bad;
}

/* Every one of n bytes is b. */
static bool all_bytes(const uint8_t *a, uint8_t b, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		if (a[i] != b)
			return false;
	return true;
}

static void fill(uint8_t *buf, unsigned n, uint8_t seed)
{
	for (unsigned i = 0; i < n; i++)
		buf[i] = (uint8_t)(seed + i * 13 + (i >> 4));
}

static uint16_t rd16(const uint8_t *a, unsigned off) { uint16_t v; memcpy(&v, a + off, 2); return v; }
static uint64_t rd64(const uint8_t *a, unsigned off) { uint64_t v; memcpy(&v, a + off, 8); return v; }
static void wr16(uint8_t *a, unsigned off, uint16_t v) { memcpy(a + off, &v, 2); }
static void wr64(uint8_t *a, unsigned off, uint64_t v) { memcpy(a + off, &v, 8); }

/* An area with its header zeroed (XRSTOR's reserved-byte rule) and the rest set to fillbyte. */
static void area_prep(uint8_t *a, uint8_t fillbyte)
{
	memset(a, fillbyte, sizeof(area));
	memset(a + XSAVE_HDR, 0, 64);
}

/* --- x87 ------------------------------------------------------------------ */

static const int32_t ival = 12345;

/* The 80-bit extended-precision encoding of a positive integer (SDM vol. 1 4.2.2, 4.8.2). */
static void ext80(uint8_t out[10], uint32_t n)
{
	unsigned msb = 31;

	memset(out, 0, 10);
	if (!n)
		return;
	while (!(n >> msb))
		msb--;
	wr64(out, 0, (uint64_t)n << (63 - msb));
	wr16(out, 8, (uint16_t)(16383 + msb));
}

/* FNINIT, FCW = 0B7FH (all masked, PC 11, RC up), then ST0 = 0, ST1 = 1, ST2 = 12345: TOP = 5. */
static void x87_load_state(void)
{
	uint16_t cw = 0x0b7f;

	__asm__ volatile("fninit\n\tfldcw %0\n\tfildl %1\n\tfld1\n\tfldz" :: "m"(cw), "m"(ival) : "memory");
}

static void test_x87(void)
{
	static const uint32_t st_int[3] = { 0, 1, 12345 };
	uint8_t want[10], got[3][10];
	uint16_t cw = 0, sw = 0;
	uint32_t mxcsr;
	int stbad = -1;

	report_prefix_push("x87");
	area_prep(area, 0xcc);
	x87_load_state();
	xsave(area, XFEATURE_X87);
	for (int i = 0; i < 3 && stbad < 0; i++) {
		ext80(want, st_int[i]);
		if (memcmp(area + 32 + 16 * i, want, 10))
			stbad = i;
	}
	/* FSW: C0, C2, C3 are undefined after FLD (vol. 2A FLD), so left out. */
	report(rd16(area, 0) == 0x0b7f && (rd16(area, 2) & ~0x4500) == 0x2800 && area[4] == 0xe0 && stbad < 0,
	       "XSAVE RFBM={x87}: FCW %#x at byte 0 (want 0xb7f), FSW %#x at 2 (want TOP 5: 0x2800), abridged FTW %#x at 4 (want R5-R7 valid: 0xe0), ST(i) at 32+16i (first wrong: %d) [SDM vol. 1 13.4.1, Table 10-2]",
	       rd16(area, 0), rd16(area, 2), area[4], stbad);
	report(rd64(area, 24) == 0xccccccccccccccccULL && all_bytes(area + 160, 0xcc, 256),
	       "MXCSR/MXCSR_MASK (bytes 24-31) and XMM slots not written with RFBM={x87} (got %#llx) [SDM vol. 1 13.7]",
	       (unsigned long long)rd64(area, 24));
	report(*xstate_bv(area) == XFEATURE_X87, "XSTATE_BV = 1: x87 not initial, bit 1 outside RFBM left 0 (got %#llx) [SDM vol. 1 13.6, 13.7]",
	       (unsigned long long)*xstate_bv(area));
	report_info("FOP %#x, FIP %#llx, FDP %#llx after FLDZ (model-specific)", rd16(area, 6),
		    (unsigned long long)rd64(area, 8), (unsigned long long)rd64(area, 16));

	__asm__ volatile("stmxcsr %0" : "=m"(mxcsr));
	area_prep(area2, 0xcc);
	xsave(area2, XFEATURE_X87 | XFEATURE_SSE);
	report(rd16(area2, 0) == 0x0b7f && rd16(area2, 24) == (mxcsr & 0xffff) && rd16(area2, 26) == (mxcsr >> 16),
	       "RFBM={x87,SSE}: MXCSR %#x at byte 24 (got %#x) [SDM vol. 1 13.4.1]", mxcsr,
	       (unsigned)(rd16(area2, 24) | (uint32_t)rd16(area2, 26) << 16));

	/* Clobber (FNINIT: FCW 037FH, TOP 0, all empty), then XRSTOR the first image back. */
	__asm__ volatile("fninit\n\tfldz");
	xrstor(area, XFEATURE_X87);
	__asm__ volatile("fnstcw %0\n\tfnstsw %1\n\tfstpt %2\n\tfstpt %3\n\tfstpt %4\n\tfninit"
			 : "=m"(cw), "=m"(sw), "=m"(got[0]), "=m"(got[1]), "=m"(got[2]) :: "memory");
	stbad = -1;
	for (int i = 0; i < 3 && stbad < 0; i++) {
		ext80(want, st_int[i]);
		if (memcmp(got[i], want, 10))
			stbad = i;
	}
	report(cw == 0x0b7f && ((sw >> 11) & 7) == 5 && stbad < 0,
	       "XRSTOR RFBM={x87}: FCW %#x (want 0xb7f), TOP %u (want 5), ST0-ST2 0, 1, 12345 (first wrong: %d) [SDM vol. 1 13.8]",
	       cw, (sw >> 11) & 7, stbad);

	/*
	 * FOP, FIP, FDP: XRSTOR loads them, XSAVE stores them (64-bit forms).
	 * FSW = B|TOP 5|ES|IE with IE unmasked in FCW: a pending exception, so
	 * the pointers count on every vendor; nothing waits on it before FNINIT.
	 */
	area_prep(area, 0);
	wr16(area, 0, 0x0b7e);
	wr16(area, 2, 0xa881);
	area[4] = 0xe0;
	wr16(area, 6, 0x05da);
	wr64(area, 8, 0x00007ffe12345678ULL);
	wr64(area, 16, 0xffff800087654320ULL);
	for (int i = 0; i < 8; i++)
		ext80(area + 32 + 16 * i, 1000u * (unsigned)i + 7);
	*xstate_bv(area) = XFEATURE_X87;
	area_prep(area2, 0);
	__asm__ volatile("xrstor64 (%0)\n\txsave64 (%1)\n\tfninit"
			 :: "r"(area), "r"(area2), "a"(1), "d"(0) : "memory");
	report_deviation("xsave-x87-fop-fip-fdp", !memcmp(area, area2, 24) && !memcmp(area + 32, area2 + 32, 128),
	       "XRSTOR then XSAVE: FCW %#x, FSW %#x, FTW %#x, FOP %#x (bytes 6-7), FIP %#llx (8-15), FDP %#llx (16-23), ST0-7 come back where they were (want 0xb7e 0xa881 0xe0 0x5da 0x7ffe12345678 0xffff800087654320) [SDM vol. 1 13.4.1, Table 10-2]",
	       rd16(area2, 0), rd16(area2, 2), area2[4], rd16(area2, 6), (unsigned long long)rd64(area2, 8),
	       (unsigned long long)rd64(area2, 16));
	report_prefix_pop();
}

/* --- init ------------------------------------------------------------------ */

/* Is component i of image a in its initial configuration (13.6), or left out (XSTATE_BV[i] = 0)? */
static bool image_initial(const uint8_t *a, unsigned i)
{
	if (!(*xstate_bv((void *)a) & (1ULL << i)))
		return true;
	if (i == 0) {
		for (int r = 0; r < 8; r++)
			if (memcmp(a + 32 + 16 * r, zero32, 10))
				return false;
		return rd16(a, 0) == 0x037f && rd16(a, 2) == 0 && a[4] == 0 && rd16(a, 6) == 0 && !rd64(a, 8) &&
		       !rd64(a, 16);
	}
	if (i == 1)
		return all_bytes(a + 160, 0, 256);
	return all_bytes(a + avx_off, 0, 256);
}

/* The registers are initial: XMM/YMM zero, FCW 037FH, FSW 0, all tags empty. */
static bool regs_initial(uint16_t *cw, uint16_t *sw, uint16_t *tw)
{
	uint8_t env[28];
	unsigned bad = vec_differ(zero_regs);

	__asm__ volatile("fnstenv %0\n\tfldcw %0" : "=m"(env) :: "memory");   /* FNSTENV masks; the reload undoes it */
	*cw = rd16(env, 0);
	*sw = rd16(env, 4);
	*tw = rd16(env, 8);
	return !bad && *cw == 0x037f && *sw == 0 && *tw == 0xffff;
}

static void make_not_initial(void)
{
	fill(regs_a, sizeof(regs_a), 0x21);
	vec_load(regs_a);
	x87_load_state();
}

static void test_init(void)
{
	bool has_xinuse = cpuid_indexed(0xd, 1).a & 4, has_opt = cpuid_indexed(0xd, 1).a & 1;
	uint64_t xinuse = 0;
	uint16_t cw, sw, tw;
	bool ok;

	report_prefix_push("init");
	area_prep(zimg, 0);
	wr16(zimg, 24, 0x1f80);   /* MXCSR: loaded whenever RFBM[1] or [2] (13.8.1), even with XSTATE_BV = 0 */

	make_not_initial();
	if (has_xinuse) {
		xinuse = xgetbv(1);
		report((xinuse & rfbm) == rfbm, "XGETBV(1) = %#llx: XINUSE set for x87, SSE%s, all not initial [SDM vol. 1 13.6]",
		       (unsigned long long)xinuse, avx ? ", AVX" : "");
	}
	area_prep(area, 0xcc);
	xsave(area, rfbm);
	report((*xstate_bv(area) & rfbm) == rfbm, "XSAVE: XSTATE_BV %#llx has every component in use [SDM vol. 1 13.7]",
	       (unsigned long long)*xstate_bv(area));

	/* XSTATE_BV = 0: XRSTOR initialises every component in RFBM (13.8.1). */
	xrstor(zimg, rfbm);
	ok = regs_initial(&cw, &sw, &tw);
	report(ok, "XRSTOR of XSTATE_BV=0: XMM%s 0, FCW %#x, FSW %#x, FTW %#x (want 0x37f, 0, 0xffff) [SDM vol. 1 13.8.1, 13.6]",
	       avx ? "/YMM" : "", cw, sw, tw);
	if (has_xinuse) {
		xinuse = xgetbv(1);
		area_prep(area, 0xcc);
		xsave(area, rfbm);
		report((*xstate_bv(area) & rfbm) == (xinuse & rfbm),
		       "XSAVE writes XSTATE_BV[i] = XINUSE[i]: %#llx, XGETBV(1) %#llx [SDM vol. 1 13.7]",
		       (unsigned long long)*xstate_bv(area), (unsigned long long)xinuse);
		report_info("after XRSTOR of XSTATE_BV=0, XINUSE %#llx: %s", (unsigned long long)(xinuse & rfbm),
			    (xinuse & rfbm) ? "some components still tracked in use (allowed)" : "all tracked initial");
	} else {
		report_skip("XINUSE: CPUID.(0DH,1):EAX[2]=0");
	}
	if (!has_opt) {
		report_skip("XSAVEOPT: CPUID.(0DH,1):EAX[0]=0");
		report_prefix_pop();
		return;
	}

	/* XSAVEOPT of the initial state: whatever it skips, the image says initial. */
	area_prep(area, 0xcc);
	wr64(area, 24, 0x1f80);   /* a valid MXCSR for the XRSTOR below, written or not */
	xsaveopt(area, rfbm);
	for (unsigned i = 0; i < (avx ? 3u : 2u); i++) {
		bool left = !(*xstate_bv(area) & (1ULL << i));

		if (i == 0)   /* the x87 fields, for a failure's line; FOP is where TCG's XSAVE writes nothing */
			report_deviation("xsave-x87-fop-fip-fdp", image_initial(area, 0),
					 "XSAVEOPT, x87 initial: XSTATE_BV[0] %d, %s (FCW %#x FSW %#x FTW %#x FOP %#x FIP %#llx FDP %#llx; want 0x37f 0 0 0 0 0) [SDM vol. 1 13.9, 13.6]",
					 !left, left ? "left out (XRSTOR initialises it)" : "written with the initial values",
					 rd16(area, 0), rd16(area, 2), area[4], rd16(area, 6),
					 (unsigned long long)rd64(area, 8), (unsigned long long)rd64(area, 16));
		else
			report(image_initial(area, i), "XSAVEOPT, component %u initial: XSTATE_BV[%u] %d, %s [SDM vol. 1 13.9]",
			       i, i, !left, left ? "left out (XRSTOR initialises it)" : "written with the initial values");
	}
	make_not_initial();
	xrstor(area, rfbm);
	report(regs_initial(&cw, &sw, &tw), "XRSTOR of that image gives the initial state (FCW %#x, FSW %#x, FTW %#x)", cw, sw, tw);

	/*
	 * Modified optimization (13.9): XSAVEOPT may skip a component only if
	 * unmodified since an XRSTOR from this same area. A: in use; XRSTOR
	 * A, then XRSTOR of another area (initial): A must get the initial state.
	 */
	make_not_initial();
	area_prep(area, 0);
	xsaveopt(area, rfbm);
	xrstor(area, rfbm);
	xrstor(zimg, rfbm);
	xsaveopt(area, rfbm);
	make_not_initial();
	xrstor(area, rfbm);
	report(regs_initial(&cw, &sw, &tw),
	       "XRSTOR A, XRSTOR other (initial), XSAVEOPT A: A restores the initial state (FCW %#x, FSW %#x, FTW %#x) [SDM vol. 1 13.9]",
	       cw, sw, tw);

	/* XRSTOR A, then the registers changed by instructions: XSAVEOPT A saves the change. */
	make_not_initial();
	area_prep(area, 0);
	xsave(area, rfbm);
	xrstor(area, rfbm);
	fill(regs_b, sizeof(regs_b), 0x6b);
	vec_load(regs_b);
	xsaveopt(area, rfbm);
	vec_load(regs_a);
	xrstor(area, rfbm);
	report(!vec_differ(regs_b), "XRSTOR A, new %s values, XSAVEOPT A: A restores the new values [SDM vol. 1 13.9]",
	       avx ? "YMM" : "XMM");
	__asm__ volatile("fninit");
	report_prefix_pop();
}

/* --- cpus ------------------------------------------------------------------ */

static uint8_t img0[4096] __attribute__((aligned(64))), img1[4096] __attribute__((aligned(64)));
static uint8_t regs_c[16 * 32] __attribute__((aligned(32)));
static unsigned cpu1_bad;

static void enable_here(void *arg)
{
	(void)arg;
	xsave_enable_os();
	xsetbv(0, rfbm);
}
static void cpu1_load_b(void *arg) { (void)arg; vec_load(regs_b); __asm__ volatile("fninit\n\tfld1"); }
static void cpu1_check(void *arg) { cpu1_bad = vec_differ(arg); }
static void cpu1_move(void *arg)
{
	(void)arg;
	xrstor(img0, rfbm);
	xsave(img1, rfbm);
}

/* Bytes XSAVE writes for rfbm: legacy 0-415 (x87, MXCSR, XMM), XSTATE_BV, AVX's 256. */
static int image_diff(void)
{
	int d = -1;

	for (unsigned i = 0; i < LEGACY_SAVED && d < 0; i++)
		if (img0[i] != img1[i])
			d = (int)i;
	if (d < 0 && *xstate_bv(img0) != *xstate_bv(img1))
		d = XSAVE_HDR;
	if (d < 0 && avx && memcmp(img0 + avx_off, img1 + avx_off, 256))
		d = (int)avx_off;
	return d;
}

static void test_cpus(void)
{
	unsigned bad0;
	int d;

	if (nr_cpus() < 2) {
		report_skip("cpus: needs 2 CPUs (smp = 2)");
		return;
	}
	report_prefix_push("cpus");
	fill(regs_a, sizeof(regs_a), 0x35);
	fill(regs_b, sizeof(regs_b), 0x91);
	fill(regs_c, sizeof(regs_c), 0xc7);
	on_cpu(1, enable_here, NULL);
	on_cpu(1, cpu1_load_b, NULL);
	vec_load(regs_a);
	x87_load_state();
	memset(img0, 0, sizeof(img0));
	memset(img1, 0, sizeof(img1));
	xsave(img0, rfbm);
	on_cpu(1, cpu1_check, regs_b);
	report(!cpu1_bad, "CPU 1 keeps its own %s values while CPU 0 loads and XSAVEs (%u differ)", avx ? "YMM" : "XMM",
	       cpu1_bad);
	on_cpu(1, cpu1_move, NULL);
	d = image_diff();
	report(d < 0 && (*xstate_bv(img0) & rfbm) == rfbm,
	       "CPU 0's image (XSTATE_BV %#llx) XRSTORed and XSAVEd on CPU 1: the same image (first difference at byte %d) [SDM vol. 1 13.7, 13.8]",
	       (unsigned long long)*xstate_bv(img0), d);
	on_cpu(1, cpu1_check, regs_a);
	report(!cpu1_bad, "CPU 1 now holds CPU 0's %s values (%u differ)", avx ? "YMM" : "XMM", cpu1_bad);
	vec_load(regs_c);
	on_cpu(1, cpu1_check, regs_a);
	bad0 = vec_differ(regs_c);
	report(!cpu1_bad && !bad0,
	       "CPU 0 loads new values: CPU 1 keeps CPU 0's old ones, CPU 0 has the new (%u and %u differ) [SDM vol. 1: state per logical processor]",
	       cpu1_bad, bad0);
	__asm__ volatile("fninit");
	report_prefix_pop();
}

int main(int argc, char **argv, char **envp)
{
	static const struct test_part parts[] = { { "x87", test_x87 }, { "init", test_init }, { "cpus", test_cpus } };
	struct cpuid d;
	uint64_t supported;

	(void)envp;
	report_prefix_push("xsave-state");
	if (!this_cpu_has(X86_FEATURE_XSAVE)) {
		report_skip("XSAVE: CPUID.1:ECX[26]=0");
		report_prefix_pop();
		return report_summary();
	}
	d = cpuid_indexed(0xd, 0);
	supported = d.a | ((uint64_t)d.d << 32);
	avx = this_cpu_has(X86_FEATURE_AVX_) && (supported & XFEATURE_AVX);
	avx_off = cpuid_indexed(0xd, 2).b;
	rfbm = XFEATURE_X87 | XFEATURE_SSE | (avx ? XFEATURE_AVX : 0);
	report_info("running on %s; XCR0 %#llx; CPUID.(0DH,1):EAX %#x", vmm_description(), (unsigned long long)rfbm,
		    cpuid_indexed(0xd, 1).a);
	xsave_enable_os();
	if (!xcr0_set_checked(rfbm)) {
		report_prefix_pop();
		return report_summary();
	}
	if (!avx)
		report_skip("AVX: CPUID.1:ECX[28]=0 or XCR0[2] not enumerated");
	run_parts(argc, argv, parts, ARRAY_SIZE(parts));
	report_prefix_pop();
	return report_summary();
}
