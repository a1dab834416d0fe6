/*
 * xsave-compact: the compacted form of the XSAVE area, written by XSAVEC and
 * XSAVES and read by XRSTORS, and the supervisor state components of
 * IA32_XSS. From the SDM vol. 1 chapter "Managing State Using the XSAVE
 * Feature Set": 13.3 (IA32_XSS), 13.4.3 (the extended region in the
 * compacted format: component i at 576 or after the previous component
 * present, rounded up to 64 where CPUID.(0DH,i):ECX[1] = 1), 13.10 XSAVEC,
 * 13.11 XSAVES, 13.12 XRSTORS; vol. 2D XSAVEC/XSAVES/XRSTORS (exceptions);
 * vol. 2A CPUID leaf 0DH sub-leaf 1.
 *
 *   layout  for every subset of the probed components (AVX 2, opmask 5,
 *           Hi16_ZMM 7, PKRU 9, as enumerated) XSAVEC and XSAVES write XCOMP_BV =
 *           RFBM | bit 63, XSTATE_BV with the loaded components, and each
 *           component's bytes at its computed compacted offset
 *   xrstors XRSTORS restores what XSAVES wrote; XSTATE_BV[i] = 0 initialises
 *   faults  XRSTORS #GP: XCOMP_BV[63] = 0, an XSTATE_BV bit outside
 *           XCOMP_BV, an XCOMP_BV bit outside XCR0 | IA32_XSS, a reserved
 *           header byte, a misaligned area; XSAVES/XRSTORS at CPL3 #GP(0);
 *           XSAVES with CR4.OSXSAVE = 0 #UD
 *   xss     IA32_XSS takes the bits CPUID.(0DH,1):EDX:ECX enumerates, #GPs
 *           on a user component's bit and an unenumerated one; with all of
 *           them set XSAVES's XCOMP_BV has them and XSAVEC's does not;
 *           CPUID.(0DH,1):EBX is the compacted size of XCR0 | IA32_XSS;
 *           XRSTOR (not S) #GPs on a compacted area with a supervisor bit
 * SKIP names CPUID.(0DH,1):EAX[1] (XSAVEC) or EAX[3] (XSAVES) where absent.
 * Arguments select parts (default: all).
 */
#include "hvut.h"
#include <asm/cpufeature.h>
#include <asm/desc.h>
#include <asm/msr.h>
#include <asm/processor.h>
#include <asm/xsave.h>

#define X86_FEATURE_AVX_ X86_FEATURE(1, 0, CPUID_ECX, 28)
#define X86_FEATURE_AVX512F X86_FEATURE(7, 0, CPUID_EBX, 16)
#define COMPACTED (1ULL << 63)

static uint64_t xcr0;            /* what the test runs with */
static uint64_t xss_supported;   /* CPUID.(0DH,1):EDX:ECX */
static uint64_t xcr0_supported;  /* CPUID.(0DH,0):EDX:EAX */
static bool has_xsavec, has_xsaves;
static uint8_t area[8192] __attribute__((aligned(64)));
static uint8_t area2[8192] __attribute__((aligned(64)));

static void xsavec(void *a, uint64_t m)
{
	__asm__ volatile("xsavec64 (%0)" :: "r"(a), "a"((uint32_t)m), "d"((uint32_t)(m >> 32)) : "memory");
}

static void xsaves(void *a, uint64_t m)
{
	__asm__ volatile("xsaves64 (%0)" :: "r"(a), "a"((uint32_t)m), "d"((uint32_t)(m >> 32)) : "memory");
}

static void xrstors(void *a, uint64_t m)
{
	__asm__ volatile("xrstors64 (%0)" :: "r"(a), "a"((uint32_t)m), "d"((uint32_t)(m >> 32)) : "memory");
}

static uint64_t *xcomp_bv(void *a) { return (uint64_t *)((uint8_t *)a + XSAVE_HDR + 8); }

/* Component i's offset in a compacted area with XCOMP_BV bv (SDM vol. 1 13.4.3); the end for i = 63. */
static unsigned compacted_offset(uint64_t bv, unsigned i)
{
	unsigned off = 576;

	for (unsigned j = 2; j < 63; j++) {
		struct cpuid c;

		if (!(bv & (1ULL << j)))
			continue;
		c = cpuid_indexed(0xd, j);
		if (c.c & 2)
			off = (off + 63) & ~63U;
		if (j == i)
			return off;
		off += c.a;
	}
	return off;
}

/* --- the components the test loads: one register of each ------------------ */

/* 64 bytes for the vector registers, then 4 for PKRU: access-disable for keys 1-15, key 0 (all of hvut) open. */
static uint8_t pattern[68] __attribute__((aligned(64)));

static void load_ymm0(void) { __asm__ volatile("vmovdqu %0, %%ymm0" :: "m"(*(uint8_t(*)[32])pattern)); }
static void clear_ymm0(void) { __asm__ volatile("vpxor %%ymm0, %%ymm0, %%ymm0" ::: "memory"); }
static void load_k1(void) { __asm__ volatile("kmovw %0, %%k1" :: "m"(*(uint16_t *)pattern)); }
static void clear_k1(void) { __asm__ volatile("kxorw %%k1, %%k1, %%k1" ::: "memory"); }
static void load_zmm16(void) { __asm__ volatile("vmovdqu64 %0, %%zmm16" :: "m"(*(uint8_t(*)[64])pattern)); }
static void clear_zmm16(void) { __asm__ volatile("vpxord %%zmm16, %%zmm16, %%zmm16" ::: "memory"); }
static void load_pkru(void) { __asm__ volatile("wrpkru" :: "a"(*(uint32_t *)(pattern + 64)), "c"(0), "d"(0) : "memory"); }
static void clear_pkru(void) { __asm__ volatile("wrpkru" :: "a"(0), "c"(0), "d"(0) : "memory"); }

/*
 * Where a component keeps the loaded register, and what it holds there:
 * AVX (2) YMM0[255:128] at +0; opmask (5) k1 at +8 (kmovw: 16 bits, zero
 * extended); Hi16_ZMM (7) ZMM16 at +0 (SDM vol. 1 13.5.3, 13.5.4); PKRU (9)
 * at +0 (13.5.7).
 */
struct probe {
	unsigned comp, at, len, from;   /* bytes [at, at+len) of the component = pattern[from..] */
	void (*load)(void), (*clear)(void);
	const char *name;
};
static const struct probe all_probes[] = {
	{ 2, 0, 16, 16, load_ymm0, clear_ymm0, "AVX (YMM0 high)" },
	{ 5, 8, 2, 0, load_k1, clear_k1, "opmask (k1)" },
	{ 7, 0, 64, 0, load_zmm16, clear_zmm16, "Hi16_ZMM (ZMM16)" },
	{ 9, 0, 4, 64, load_pkru, clear_pkru, "PKRU" },
};
static const struct probe *probes[4];
static unsigned nprobes;

static void load_all(void)
{
	for (unsigned i = 0; i < nprobes; i++)
		probes[i]->load();
}

static void clear_all(void)
{
	for (unsigned i = 0; i < nprobes; i++)
		probes[i]->clear();
}

/* Does area a, compacted with XCOMP_BV bv, hold probe p's register? (k1's bytes 2-7 must be 0) */
static bool holds(const uint8_t *a, uint64_t bv, const struct probe *p)
{
	unsigned off = compacted_offset(bv, p->comp) + p->at;
	static const uint8_t zero[6];

	if (memcmp(a + off, pattern + p->from, p->len))
		return false;
	return p->comp != 5 || !memcmp(a + off + 2, zero, 6);
}

/* --- layout ---------------------------------------------------------------- */

static void layout_with(const char *insn, void (*save)(void *, uint64_t))
{
	for (unsigned set = 1; set < (1U << nprobes); set++) {
		uint64_t rfbm = XFEATURE_X87 | XFEATURE_SSE, bv;
		bool ok = true;
		char where[96] = "";
		unsigned n = 0;

		for (unsigned i = 0; i < nprobes; i++)
			if (set & (1U << i))
				rfbm |= 1ULL << probes[i]->comp;
		memset(area, 0, sizeof(area));
		load_all();
		save(area, rfbm);
		bv = *xcomp_bv(area);
		for (unsigned i = 0; i < nprobes; i++) {
			if (!(set & (1U << i)))
				continue;
			ok &= holds(area, rfbm, probes[i]) && (*xstate_bv(area) & (1ULL << probes[i]->comp));
			n += snprintf(where + n, sizeof(where) - n, " %u@%u", probes[i]->comp,
				      compacted_offset(rfbm, probes[i]->comp));
		}
		report(bv == (rfbm | COMPACTED), "%s RFBM %#llx: XCOMP_BV = RFBM | bit 63 (got %#llx) [SDM vol. 1 13.10/13.11]",
		       insn, (unsigned long long)rfbm, (unsigned long long)bv);
		report_deviation("xsave-compacted-offset", ok,
				 "%s RFBM %#llx: each loaded register at its compacted offset (component@offset:%s), XSTATE_BV %#llx has it [SDM vol. 1 13.4.3]",
				 insn, (unsigned long long)rfbm, where, (unsigned long long)*xstate_bv(area));
	}
}

static void test_layout(void)
{
	report_prefix_push("layout");
	if (has_xsavec)
		layout_with("XSAVEC", xsavec);
	else
		report_skip("XSAVEC: CPUID.(0DH,1):EAX[1]=0");
	if (has_xsaves)
		layout_with("XSAVES", xsaves);
	else
		report_skip("XSAVES: CPUID.(0DH,1):EAX[3]=0");
	report_prefix_pop();
}

/* --- xrstors --------------------------------------------------------------- */

static uint64_t all_rfbm(void) { return xcr0 | rdmsr(MSR_IA32_XSS); }

static void test_xrstors(void)
{
	uint64_t rfbm = all_rfbm();
	bool ok = true, init = true;

	report_prefix_push("xrstors");
	memset(area, 0, sizeof(area));
	load_all();
	xsaves(area, rfbm);
	clear_all();
	xrstors(area, rfbm);
	/* XSAVES the restored state into a second area: every probe is back. */
	memset(area2, 0, sizeof(area2));
	xsaves(area2, rfbm);
	for (unsigned i = 0; i < nprobes; i++)
		ok &= holds(area2, rfbm, probes[i]);
	report_deviation("xsave-compacted-offset", ok, "XRSTORS loads back the %u registers XSAVES stored [SDM vol. 1 13.12]",
			 nprobes);
	/* XSTATE_BV[i] = 0 with XCOMP_BV[i] = 1: component i goes to its initial state (all zero here). */
	for (unsigned i = 0; i < nprobes; i++)
		*xstate_bv(area) &= ~(1ULL << probes[i]->comp);
	xrstors(area, rfbm);
	memset(area2, 0xff, sizeof(area2));
	memset(area2 + XSAVE_HDR, 0, 64);
	xsaves(area2, rfbm);
	for (unsigned i = 0; i < nprobes; i++) {
		const struct probe *p = probes[i];
		bool in_use = *xstate_bv(area2) & (1ULL << p->comp);
		unsigned off = compacted_offset(rfbm, p->comp) + p->at;

		/* Saved as in use or not (XINUSE may stay 1): if saved, the bytes are the init value 0. */
		for (unsigned b = 0; in_use && b < p->len; b++)
			init &= area2[off + b] == 0;
	}
	report(init, "XRSTORS with XSTATE_BV[i] = 0 puts each component in its initial state [SDM vol. 1 13.12]");
	report_prefix_pop();
}

/* --- faults ---------------------------------------------------------------- */

struct op { void *a; uint64_t rfbm; bool save; };
static void do_op(void *arg)
{
	struct op *o = arg;

	if (o->save)
		xsaves(o->a, o->rfbm);
	else
		xrstors(o->a, o->rfbm);
}

static int try_op(void *a, uint64_t rfbm, bool save, struct fault *f)
{
	struct op o = { a, rfbm, save };

	return catch_exception(do_op, &o, f);
}

/* XRSTORS of a fresh XSAVES image after mutate(): the #GP(0) the SDM lists. */
static void expect_gp(uint64_t rfbm, void (*mutate)(void), const char *what)
{
	struct fault f;
	int v;

	memset(area, 0, sizeof(area));
	load_all();
	xsaves(area, rfbm);
	mutate();
	v = try_op(area, rfbm, false, &f);
	report(v == GP_VECTOR && f.error_code == 0, "XRSTORS with %s: #GP(0) (got %s(%#lx)) [SDM vol. 2D XRSTORS]", what,
	       exception_name(v), f.error_code);
}

static uint64_t outside_bit;   /* a bit in [2, 62] that XCR0 | IA32_XSS lacks */
static void clear_bit63(void) { *xcomp_bv(area) &= ~COMPACTED; }
static void xstate_outside(void) { *xcomp_bv(area) &= ~XFEATURE_SSE; *xstate_bv(area) |= XFEATURE_SSE; }
static void xcomp_outside(void) { *xcomp_bv(area) |= outside_bit; }
static void reserved_byte(void) { area[XSAVE_HDR + 16] = 1; }

static void user_xsaves(void *arg) { (void)arg; xsaves(area, XFEATURE_X87 | XFEATURE_SSE); }
static void user_xrstors(void *arg) { (void)arg; xrstors(area, XFEATURE_X87 | XFEATURE_SSE); }

static void test_faults(void)
{
	uint64_t rfbm = all_rfbm();
	unsigned long cr4 = read_cr4();
	struct fault f;
	int v;

	report_prefix_push("faults");
	expect_gp(rfbm, clear_bit63, "XCOMP_BV[63] = 0");
	expect_gp(rfbm, xstate_outside, "an XSTATE_BV bit that XCOMP_BV lacks");
	for (unsigned b = 2; b < 63 && !outside_bit; b++)
		if (!(rfbm & (1ULL << b)))
			outside_bit = 1ULL << b;
	expect_gp(rfbm, xcomp_outside, "an XCOMP_BV bit outside XCR0 | IA32_XSS");
	expect_gp(rfbm, reserved_byte, "header byte 16 (reserved) set");
	memset(area, 0, sizeof(area));
	xsaves(area, rfbm);
	v = try_op(area + 16, rfbm, false, &f);
	report(v == GP_VECTOR, "XRSTORS of an area not 64-byte aligned: #GP (got %s)", exception_name(v));
	v = try_op(area + 16, rfbm, true, &f);
	report(v == GP_VECTOR, "XSAVES to an area not 64-byte aligned: #GP (got %s)", exception_name(v));
	v = run_in_user(user_xsaves, NULL, &f);
	report(v == GP_VECTOR && f.error_code == 0, "XSAVES at CPL3: #GP(0) (got %s(%#lx))", exception_name(v), f.error_code);
	v = run_in_user(user_xrstors, NULL, &f);
	report(v == GP_VECTOR && f.error_code == 0, "XRSTORS at CPL3: #GP(0) (got %s(%#lx))", exception_name(v), f.error_code);
	write_cr4(cr4 & ~X86_CR4_OSXSAVE);
	v = try_op(area, XFEATURE_X87 | XFEATURE_SSE, true, &f);
	write_cr4(cr4);
	report(v == UD_VECTOR, "XSAVES with CR4.OSXSAVE = 0: #UD (got %s)", exception_name(v));
	report_prefix_pop();
}

/* --- xss ------------------------------------------------------------------- */

static void xrstor_op(void *arg) { xrstor(arg, ~0ULL); }

static void test_xss(void)
{
	uint64_t old = rdmsr(MSR_IA32_XSS), got = 0, bad = 0;
	struct cpuid d1 = cpuid_indexed(0xd, 1);
	struct fault f;
	unsigned size;
	int v;

	report_prefix_push("xss");
	report_info("CPUID.(0DH,1): EAX %#x EBX %u ECX %#x EDX %#x", d1.a, d1.b, d1.c, d1.d);
	/* SDM vol. 1 13.3: IA32_XSS bits of user components (those XCR0 may have) are reserved: #GP. */
	v = wrmsr_safe(MSR_IA32_XSS, old | XFEATURE_SSE);
	report(v == GP_VECTOR, "WRMSR IA32_XSS with bit 1 (SSE, a user component): #GP (got %s) [SDM vol. 1 13.3]",
	       exception_name(v));
	for (unsigned b = 8; b < 63 && !bad; b++)
		if (!((xss_supported | xcr0_supported) & (1ULL << b)))
			bad = 1ULL << b;
	if (bad) {
		v = wrmsr_safe(MSR_IA32_XSS, old | bad);
		report(v == GP_VECTOR, "WRMSR IA32_XSS with bit %d, not in CPUID.(0DH,1):EDX:ECX: #GP (got %s) [SDM vol. 1 13.3]",
		       __builtin_ctzll(bad), exception_name(v));
	}
	if (!xss_supported) {
		report_skip("supervisor state components: CPUID.(0DH,1):EDX:ECX = 0");
		wrmsr(MSR_IA32_XSS, old);
		report_prefix_pop();
		return;
	}
	v = wrmsr_safe(MSR_IA32_XSS, xss_supported);
	rdmsr_safe(MSR_IA32_XSS, &got);
	report(v == NO_EXCEPTION && got == xss_supported, "IA32_XSS takes every enumerated bit %#llx (got %s, reads %#llx)",
	       (unsigned long long)xss_supported, exception_name(v), (unsigned long long)got);
	size = compacted_offset(xcr0 | xss_supported, 63);
	d1 = cpuid_indexed(0xd, 1);
	report(d1.b == size, "CPUID.(0DH,1):EBX is the compacted size of XCR0 | IA32_XSS: %u (computed %u) [SDM vol. 2A CPUID 0DH]",
	       d1.b, size);
	memset(area, 0, sizeof(area));
	xsaves(area, ~0ULL);
	report(*xcomp_bv(area) == (xcr0 | xss_supported | COMPACTED),
	       "XSAVES with EDX:EAX = ~0: XCOMP_BV = XCR0 | IA32_XSS | bit 63 (%#llx, got %#llx) [SDM vol. 1 13.11]",
	       (unsigned long long)(xcr0 | xss_supported | COMPACTED), (unsigned long long)*xcomp_bv(area));
	/* XRSTOR (not S) reads the compacted form only for XCR0's components: a supervisor bit is #GP. */
	v = catch_exception(xrstor_op, area, &f);
	report(v == GP_VECTOR, "XRSTOR of that area (XCOMP_BV has supervisor bits): #GP (got %s) [SDM vol. 2D XRSTOR]",
	       exception_name(v));
	xrstors(area, ~0ULL);   /* puts back what was saved */
	if (has_xsavec) {
		memset(area, 0, sizeof(area));
		xsavec(area, ~0ULL);
		report(*xcomp_bv(area) == (xcr0 | COMPACTED),
		       "XSAVEC with EDX:EAX = ~0: XCOMP_BV = XCR0 | bit 63, no IA32_XSS bit (got %#llx) [SDM vol. 1 13.10]",
		       (unsigned long long)*xcomp_bv(area));
	}
	wrmsr(MSR_IA32_XSS, old);
	report_prefix_pop();
}

int main(int argc, char **argv, char **envp)
{
	static const struct test_part parts[] = {
		{ "layout", test_layout }, { "xrstors", test_xrstors }, { "faults", test_faults }, { "xss", test_xss },
	};
	struct cpuid d0, d1;
	uint64_t supported;

	(void)envp;
	report_prefix_push("xsave-compact");
	if (!this_cpu_has(X86_FEATURE_XSAVE)) {
		report_skip("XSAVE: CPUID.1:ECX[26]=0");
		report_prefix_pop();
		return report_summary();
	}
	d0 = cpuid_indexed(0xd, 0);
	d1 = cpuid_indexed(0xd, 1);
	supported = xcr0_supported = d0.a | ((uint64_t)d0.d << 32);
	xss_supported = d1.c | ((uint64_t)d1.d << 32);
	has_xsavec = d1.a & 2;
	has_xsaves = d1.a & 8;
	xcr0 = XFEATURE_X87 | XFEATURE_SSE;
	if (this_cpu_has(X86_FEATURE_AVX_) && (supported & XFEATURE_AVX)) {
		xcr0 |= XFEATURE_AVX;
		probes[nprobes++] = &all_probes[0];
		if (this_cpu_has(X86_FEATURE_AVX512F) && (supported & XFEATURE_AVX512) == XFEATURE_AVX512) {
			xcr0 |= XFEATURE_AVX512;
			probes[nprobes++] = &all_probes[1];
			probes[nprobes++] = &all_probes[2];
		}
	}
	/* PKRU needs its size from CPUID.(0DH,9) to place what follows (Bochs 2.7 gives 0: xsave-pkru-cpuid). */
	if (this_cpu_has(X86_FEATURE_PKU) && (supported & XFEATURE_PKRU) && cpuid_indexed(0xd, 9).a == 8) {
		write_cr4(read_cr4() | X86_CR4_PKE);
		xcr0 |= XFEATURE_PKRU;
		probes[nprobes++] = &all_probes[3];
	}
	report_info("running on %s; XCR0 %#llx of %#llx, IA32_XSS may have %#llx; XSAVEC %d, XSAVES %d", vmm_description(),
		    (unsigned long long)xcr0, (unsigned long long)supported, (unsigned long long)xss_supported, has_xsavec,
		    has_xsaves);
	for (unsigned i = 0; i < 64; i++)
		pattern[i] = (uint8_t)(0xa5 ^ (i * 29 + 3));
	*(uint32_t *)(pattern + 64) = 0x55555550;
	xsave_enable_os();
	if (!xcr0_set_checked(xcr0)) {
		report_skip("the parts: XCR0 is not what XSETBV wrote");
	} else if (!has_xsaves) {
		/* XRSTORS, its faults and IA32_XSS need XSAVES; the layout part runs XSAVEC alone. */
		test_layout();
		report_skip("XSAVES/XRSTORS, IA32_XSS: CPUID.(0DH,1):EAX[3]=0");
	} else {
		run_parts(argc, argv, parts, ARRAY_SIZE(parts));
	}
	report_prefix_pop();
	return report_summary();
}
