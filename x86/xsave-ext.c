/*
 * xsave-ext: the XSAVE state components beyond x87/SSE/AVX that hvut's
 * lanes enumerate: PKRU (component 9) and AVX-512 (5 opmask, 6 ZMM_Hi256,
 * 7 Hi16_ZMM). SDM vol. 1 chapter "Managing State Using the XSAVE Feature
 * Set" (sections on the PKRU and AVX-512 state components, and "XSAVE-
 * Managed State" for the init values), vol. 2A CPUID leaf 0DH.
 *
 *   pkru    CPUID.(0DH,9) gives 8 bytes; XSAVE stores PKRU, XSTATE_BV[9] is
 *           set while PKRU is not 0; XRSTOR loads it back; XRSTOR with
 *           XSTATE_BV[9]=0 gives PKRU its initial value 0
 *   avx512  CPUID.(0DH,5/6/7) give 64, 512 and 1024 bytes; k0-k7 and every
 *           bit of ZMM0-31 survive XSAVE, clobbering, XRSTOR
 * A component the CPU does not enumerate is a SKIP naming the CPUID bit.
 * Arguments select parts (default: all).
 */
#include "hvut.h"
#include <asm/cpufeature.h>
#include <asm/processor.h>
#include <asm/xsave.h>

#define X86_FEATURE_AVX512F X86_FEATURE(7, 0, CPUID_EBX, 16)

static uint64_t supported;   /* CPUID.(0DH,0):EDX:EAX */
static uint64_t base;        /* x87 | SSE (| AVX): what XCR0 has outside a part */
static uint8_t area[4096] __attribute__((aligned(64)));

static inline uint32_t rdpkru(void)
{
	uint32_t eax, edx;

	__asm__ volatile("rdpkru" : "=a"(eax), "=d"(edx) : "c"(0));
	return eax;
}

static inline void wrpkru(uint32_t v)
{
	__asm__ volatile("wrpkru" :: "a"(v), "c"(0), "d"(0) : "memory");
}

/* --- pkru ------------------------------------------------------------------ */

static void test_pkru(void)
{
	/* Access-disable for keys 2-15 only: key 0 (every hvut page) stays open. */
	const uint32_t pattern = 0x55555550;
	struct cpuid c = cpuid_indexed(0xd, 9);
	unsigned long cr4 = read_cr4();

	report_prefix_push("pkru");
	if (!this_cpu_has(X86_FEATURE_PKU) || !(supported & XFEATURE_PKRU)) {
		report_skip("PKRU state: CPUID.(7,0):ECX[3] PKU=%d, CPUID.(0DH,0):EAX[9]=%d",
			    this_cpu_has(X86_FEATURE_PKU), !!(supported & XFEATURE_PKRU));
		report_prefix_pop();
		return;
	}
	report_deviation("xsave-pkru-cpuid", c.a == 8 && c.b >= 576,
			 "CPUID.(0DH,9): the PKRU component is 8 bytes at an offset past the header (got %u at %u) [SDM vol. 1 PKRU State]",
			 c.a, c.b);
	write_cr4(cr4 | X86_CR4_PKE);
	if (!xcr0_set_checked(base | XFEATURE_PKRU)) {
		report_skip("the PKRU checks: XCR0 is not what XSETBV wrote");
		xsetbv(0, base);
		write_cr4(cr4);
		report_prefix_pop();
		return;
	}
	wrpkru(pattern);
	memset(area, 0, sizeof(area));
	xsave(area, XFEATURE_PKRU);
	/* Where CPUID gives no offset (a deviation above), this check has nothing to look at. */
	report_deviation(c.b ? NULL : "xsave-pkru-cpuid",
			 *(uint32_t *)(area + c.b) == pattern && (*xstate_bv(area) & XFEATURE_PKRU),
			 "XSAVE stores PKRU at its offset and sets XSTATE_BV[9] (got %#x, XSTATE_BV %#llx)",
			 *(uint32_t *)(area + c.b), (unsigned long long)*xstate_bv(area));
	wrpkru(0);
	xrstor(area, XFEATURE_PKRU);
	report(rdpkru() == pattern, "XRSTOR loads PKRU (got %#x)", rdpkru());
	*xstate_bv(area) &= ~XFEATURE_PKRU;
	xrstor(area, XFEATURE_PKRU);
	report(rdpkru() == 0, "XRSTOR with XSTATE_BV[9]=0 puts PKRU in its initial state 0 (got %#x) [SDM vol. 1 XRSTOR]",
	       rdpkru());
	wrpkru(0);
	xsetbv(0, base);
	write_cr4(cr4);
	report_prefix_pop();
}

/* --- avx512 ------------------------------------------------------------------ */

static uint8_t zmm_in[32 * 64] __attribute__((aligned(64))), zmm_out[32 * 64] __attribute__((aligned(64)));
static uint16_t k_in[8], k_out[8];

/* One instruction per register: 32 ZMM (64 bytes each), 8 opmask (16 bits: AVX512F's KMOVW). */
void zmm_load_all(const void *buf);
void zmm_store_all(void *buf);
void zmm_zero_all(void);
void k_load_all(const void *buf);
void k_store_all(void *buf);
__asm__(".pushsection .text\n"
	".globl zmm_load_all, zmm_store_all, zmm_zero_all, k_load_all, k_store_all\n"
	"zmm_load_all:\n"
	".irp n,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31\n"
	"	vmovdqu64 \\n*64(%rdi), %zmm\\n\n"
	".endr\n"
	"	ret\n"
	"zmm_store_all:\n"
	".irp n,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31\n"
	"	vmovdqu64 %zmm\\n, \\n*64(%rdi)\n"
	".endr\n"
	"	ret\n"
	"zmm_zero_all:\n"
	".irp n,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31\n"
	"	vpxord %zmm\\n, %zmm\\n, %zmm\\n\n"
	".endr\n"
	"	kxorw %k0, %k0, %k0\n"
	".irp n,1,2,3,4,5,6,7\n"
	"	kxorw %k\\n, %k\\n, %k\\n\n"
	".endr\n"
	"	ret\n"
	"k_load_all:\n"
	".irp n,0,1,2,3,4,5,6,7\n"
	"	kmovw \\n*2(%rdi), %k\\n\n"
	".endr\n"
	"	ret\n"
	"k_store_all:\n"
	".irp n,0,1,2,3,4,5,6,7\n"
	"	kmovw %k\\n, \\n*2(%rdi)\n"
	".endr\n"
	"	ret\n"
	".popsection");

static void test_avx512(void)
{
	static const unsigned sizes[3] = { 64, 512, 1024 };   /* components 5, 6, 7 */
	uint64_t mask = base | XFEATURE_AVX | XFEATURE_AVX512;
	unsigned bad = 0;

	report_prefix_push("avx512");
	if (!this_cpu_has(X86_FEATURE_AVX512F) || (supported & XFEATURE_AVX512) != XFEATURE_AVX512) {
		report_skip("AVX-512 state: CPUID.(7,0):EBX[16] AVX512F=%d, CPUID.(0DH,0):EAX[7:5]=%#llx",
			    this_cpu_has(X86_FEATURE_AVX512F), (unsigned long long)((supported >> 5) & 7));
		report_prefix_pop();
		return;
	}
	for (unsigned i = 0; i < 3; i++) {
		struct cpuid c = cpuid_indexed(0xd, 5 + i);

		report(c.a == sizes[i], "CPUID.(0DH,%u):EAX, the component's size, is %u (got %u) [SDM vol. 1 AVX-512 State]",
		       5 + i, sizes[i], c.a);
	}
	if (!xcr0_set_checked(mask)) {
		report_skip("the AVX-512 checks: XCR0 is not what XSETBV wrote");
		xsetbv(0, base);
		report_prefix_pop();
		return;
	}
	for (unsigned i = 0; i < sizeof(zmm_in); i++)
		zmm_in[i] = (uint8_t)(0x3c + i * 13 + (i >> 6));
	for (unsigned i = 0; i < 8; i++)
		k_in[i] = (uint16_t)(0x1234 * (i + 1) + 0x0f0f);
	zmm_load_all(zmm_in);
	k_load_all(k_in);
	memset(area, 0, sizeof(area));
	xsave(area, mask);
	report((*xstate_bv(area) & XFEATURE_AVX512) == XFEATURE_AVX512,
	       "XSTATE_BV after XSAVE has the three AVX-512 components (%#llx)", (unsigned long long)*xstate_bv(area));
	zmm_zero_all();
	xrstor(area, mask);
	zmm_store_all(zmm_out);
	k_store_all(k_out);
	for (unsigned r = 0; r < 32; r++)
		bad += memcmp(zmm_in + r * 64, zmm_out + r * 64, 64) != 0;
	report(!bad, "all 32 ZMM registers restored bit for bit (%u differ)", bad);
	report(!memcmp(k_in, k_out, sizeof(k_in)), "k0-k7 restored (k1 %#x, got %#x)", k_in[1], k_out[1]);
	xsetbv(0, base);
	report_prefix_pop();
}

int main(int argc, char **argv, char **envp)
{
	static const struct test_part parts[] = { { "pkru", test_pkru }, { "avx512", test_avx512 } };
	struct cpuid d;

	(void)envp;
	report_prefix_push("xsave-ext");
	if (!this_cpu_has(X86_FEATURE_XSAVE)) {
		report_skip("XSAVE: CPUID.1:ECX[26]=0");
		report_prefix_pop();
		return report_summary();
	}
	d = cpuid_indexed(0xd, 0);
	supported = d.a | ((uint64_t)d.d << 32);
	base = XFEATURE_X87 | XFEATURE_SSE | (supported & XFEATURE_AVX);
	report_info("running on %s; XCR0 may have %#llx", vmm_description(), (unsigned long long)supported);
	xsave_enable_os();
	if (xcr0_set_checked(base))
		run_parts(argc, argv, parts, ARRAY_SIZE(parts));
	else
		report_skip("the other parts: XCR0 is not what XSETBV wrote");
	report_prefix_pop();
	return report_summary();
}
