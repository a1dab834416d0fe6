/*
 * insn-ud: an instruction whose CPUID feature bit is 0 raises #UD, and one
 * whose bit is 1 runs. Each instruction page of the SDM vol. 2 lists, under
 * "64-Bit Mode Exceptions", "#UD If CPUID.<leaf>:<reg>.<feature>[bit n] = 0"
 * (the APM vol. 3 pages likewise). A VMM that lacks an instruction must not
 * run it anyway, hang or crash: this is where the suite sees that, on the CPU
 * models that lack most of these (QEMU's qemu64, here with RDRAND added so
 * that RDSEED, which shares its opcode 0F C7, is absent next to it; Bochs'
 * ryzen).
 *
 * Left out: encodings that run as an older instruction where the feature is
 * absent (LZCNT/TZCNT as BSR/BSF, WBNOINVD as WBINVD, CLDEMOTE and
 * PREFETCHW as NOPs), waits (MWAIT, UMWAIT) and instructions a control
 * register gates too (RDPKRU, RDFSBASE).
 */
#include "hvut.h"
#include <asm/cpufeature.h>
#include <asm/desc.h>
#include <asm/processor.h>

static uint8_t scratch[128] __attribute__((aligned(64)));

/* The SSE forms need no xmm clobber: hvut is built without SSE, so no C code keeps a value there. */
#define INSN(name, body, ...) \
	static void name(void *arg) { (void)arg; __asm__ volatile(body :: "D"(scratch) : "rax", "rcx", "rdx", "memory", "cc" __VA_ARGS__); }

INSN(do_movbe, "movbe (%%rdi), %%eax")
INSN(do_rdrand, "rdrand %%eax")
INSN(do_rdseed, "rdseed %%eax")
INSN(do_rdpid, "rdpid %%rax")
INSN(do_adcx, "adcx %%eax, %%ecx")
INSN(do_adox, "adox %%eax, %%ecx")
INSN(do_clwb, "clwb (%%rdi)")
INSN(do_invpcid, "mov $2, %%eax\n\tinvpcid (%%rdi), %%rax")   /* type 2: all contexts, globals too */
INSN(do_movdiri, "movdiri %%eax, (%%rdi)")
INSN(do_movdir64b, "lea 64(%%rdi), %%rax\n\tmovdir64b (%%rdi), %%rax")
INSN(do_serialize, ".byte 0x0f, 0x01, 0xe8")
INSN(do_popcnt, "popcnt %%eax, %%ecx")
INSN(do_crc32, "crc32l %%eax, %%ecx")
INSN(do_pshufb, "pshufb %%xmm1, %%xmm0")
INSN(do_pmulld, "pmulld %%xmm1, %%xmm0")
INSN(do_aesenc, "aesenc %%xmm1, %%xmm0")
INSN(do_pclmul, "pclmulqdq $0, %%xmm1, %%xmm0")
INSN(do_sha1, "sha1rnds4 $0, %%xmm1, %%xmm0")
INSN(do_gfni, "gf2p8mulb %%xmm1, %%xmm0")
INSN(do_andn, "andn %%eax, %%ecx, %%edx")
INSN(do_pdep, "pdep %%eax, %%ecx, %%edx")
INSN(do_rdtscp, "rdtscp")
INSN(do_clzero, "mov %%rdi, %%rax\n\t.byte 0x0f, 0x01, 0xfc")
INSN(do_rdpru, "xor %%ecx, %%ecx\n\t.byte 0x0f, 0x01, 0xfd")   /* ECX = 0: MPERF */
INSN(do_cmpxchg16b, "xor %%eax, %%eax\n\txor %%edx, %%edx\n\tlock cmpxchg16b (%%rdi)", , "rbx")
INSN(do_lahf, "lahf")

struct insn {
	const char *name;
	uint64_t feature;
	void (*fn)(void *);
	const char *dev;   /* the deviation id of a VMM known to run it without the bit, or NULL */
};

static const struct insn insns[] = {
	{ "MOVBE r32, m32", X86_FEATURE(1, 0, CPUID_ECX, 22), do_movbe, NULL },
	{ "RDRAND r32", X86_FEATURE(1, 0, CPUID_ECX, 30), do_rdrand, NULL },
	{ "RDSEED r32", X86_FEATURE(7, 0, CPUID_EBX, 18), do_rdseed, "rdseed-not-gated" },
	{ "RDPID r64", X86_FEATURE(7, 0, CPUID_ECX, 22), do_rdpid, NULL },
	{ "ADCX r32, r32", X86_FEATURE(7, 0, CPUID_EBX, 19), do_adcx, NULL },
	{ "ADOX r32, r32", X86_FEATURE(7, 0, CPUID_EBX, 19), do_adox, NULL },
	{ "CLWB m8", X86_FEATURE(7, 0, CPUID_EBX, 24), do_clwb, NULL },
	{ "INVPCID type 2", X86_FEATURE(7, 0, CPUID_EBX, 10), do_invpcid, NULL },
	{ "MOVDIRI m32, r32", X86_FEATURE(7, 0, CPUID_ECX, 27), do_movdiri, NULL },
	{ "MOVDIR64B", X86_FEATURE(7, 0, CPUID_ECX, 28), do_movdir64b, NULL },
	{ "SERIALIZE", X86_FEATURE(7, 0, CPUID_EDX, 14), do_serialize, NULL },
	{ "POPCNT r32, r32", X86_FEATURE(1, 0, CPUID_ECX, 23), do_popcnt, NULL },
	{ "CRC32 r32, r32 (SSE4.2)", X86_FEATURE(1, 0, CPUID_ECX, 20), do_crc32, NULL },
	{ "PSHUFB xmm, xmm (SSSE3)", X86_FEATURE(1, 0, CPUID_ECX, 9), do_pshufb, NULL },
	{ "PMULLD xmm, xmm (SSE4.1)", X86_FEATURE(1, 0, CPUID_ECX, 19), do_pmulld, NULL },
	{ "AESENC xmm, xmm", X86_FEATURE(1, 0, CPUID_ECX, 25), do_aesenc, NULL },
	{ "PCLMULQDQ xmm, xmm", X86_FEATURE(1, 0, CPUID_ECX, 1), do_pclmul, NULL },
	{ "SHA1RNDS4 xmm, xmm", X86_FEATURE(7, 0, CPUID_EBX, 29), do_sha1, NULL },
	{ "GF2P8MULB xmm, xmm (GFNI)", X86_FEATURE(7, 0, CPUID_ECX, 8), do_gfni, NULL },
	{ "ANDN r32 (BMI1)", X86_FEATURE(7, 0, CPUID_EBX, 3), do_andn, NULL },
	{ "PDEP r32 (BMI2)", X86_FEATURE(7, 0, CPUID_EBX, 8), do_pdep, NULL },
	{ "RDTSCP", X86_FEATURE(0x80000001, 0, CPUID_EDX, 27), do_rdtscp, NULL },
	{ "CLZERO", X86_FEATURE(0x80000008, 0, CPUID_EBX, 0), do_clzero, NULL },
	{ "RDPRU", X86_FEATURE(0x80000008, 0, CPUID_EBX, 4), do_rdpru, NULL },
	{ "CMPXCHG16B m128", X86_FEATURE(1, 0, CPUID_ECX, 13), do_cmpxchg16b, NULL },
	{ "LAHF in 64-bit mode", X86_FEATURE(0x80000001, 0, CPUID_ECX, 0), do_lahf, NULL },
};

int main(int argc, char **argv, char **envp)
{
	unsigned absent = 0;
	char buf[48];
	uint32_t brand[13] = { 0 };

	(void)argc, (void)argv, (void)envp;
	report_prefix_push("insn-ud");
	for (unsigned i = 0; i < 3 && cpuid(0x80000000).a >= 0x80000004; i++) {
		struct cpuid c = cpuid(0x80000002 + i);

		brand[4 * i] = c.a, brand[4 * i + 1] = c.b, brand[4 * i + 2] = c.c, brand[4 * i + 3] = c.d;
	}
	report_info("running on %s; CPUID brand \"%s\"", vmm_description(), (const char *)brand);
	/* SSE instructions need CR0.EM = 0 and CR4.OSFXSR = 1, or they #UD whatever CPUID says (SDM vol. 3A 13.1.3). */
	write_cr0((read_cr0() & ~X86_CR0_EM) | X86_CR0_MP);
	write_cr4(read_cr4() | X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT);
	for (unsigned i = 0; i < ARRAY_SIZE(insns); i++) {
		const struct insn *n = &insns[i];
		bool has = this_cpu_has(n->feature);
		struct fault f;
		int v;

		x86_feature_name(n->feature, buf, sizeof(buf));
		v = catch_exception(n->fn, NULL, &f);
		if (has) {
			report(v == NO_EXCEPTION, "%s, %s=1: runs (got %s)", n->name, buf, exception_name(v));
		} else {
			absent++;
			/*
			 * Ran anyway: the instruction's own row, or, on a VMM that
			 * cannot hide instructions (under KVM the CPU runs them
			 * natively), that one. Any other outcome is a plain FAIL.
			 */
			const char *dev = v != NO_EXCEPTION ? NULL :
					  deviation_applies("insn-not-hidden") ? "insn-not-hidden" : n->dev;

			report_deviation(dev, v == UD_VECTOR,
					 "%s, %s=0: #UD (got %s) [SDM vol. 2 / APM vol. 3 instruction page: #UD if the CPUID bit is 0]",
					 n->name, buf, exception_name(v));
		}
	}
	report_info("%u of %u instructions not enumerated by this CPU model", absent, (unsigned)ARRAY_SIZE(insns));
	report_prefix_pop();
	return report_summary();
}
