/* CPUID feature lookup and vendor/hypervisor identification. */
#include "hvut.h"
#include <asm/cpufeature.h>
#include <asm/processor.h>

uint32_t cpuid_max_leaf(void) { return cpuid(0).a; }
uint32_t cpuid_max_ext_leaf(void) { return cpuid(0x80000000).a; }

bool this_cpu_has(uint64_t feature)
{
	uint32_t leaf = feature >> 32, sub = (feature >> 16) & 0xffff;
	unsigned reg = (feature >> 8) & 0xff, bit = feature & 0xff;
	uint32_t max = leaf >= 0x80000000 ? cpuid_max_ext_leaf() : leaf >= 0x40000000 ? leaf : cpuid_max_leaf();
	struct cpuid r;
	uint32_t v;

	if (leaf > max)
		return false;
	r = cpuid_indexed(leaf, sub);
	v = reg == CPUID_EAX ? r.a : reg == CPUID_EBX ? r.b : reg == CPUID_ECX ? r.c : r.d;
	return (v >> bit) & 1;
}

const char *x86_feature_name(uint64_t feature, char *buf, unsigned size)
{
	static const char regs[4][4] = { "EAX", "EBX", "ECX", "EDX" };

	snprintf(buf, size, "CPUID.(%#x,%u):%s[%u]", (unsigned)(feature >> 32),
		 (unsigned)(feature >> 16) & 0xffff, regs[(feature >> 8) & 3], (unsigned)feature & 0xff);
	return buf;
}

enum x86_vendor cpu_vendor(void)
{
	struct cpuid r = cpuid(0);

	if (r.b == 0x756e6547 && r.d == 0x49656e69 && r.c == 0x6c65746e)   /* GenuineIntel */
		return X86_VENDOR_INTEL;
	if (r.b == 0x68747541 && r.d == 0x69746e65 && r.c == 0x444d4163)   /* AuthenticAMD */
		return X86_VENDOR_AMD;
	return X86_VENDOR_OTHER;
}

const char *hypervisor_signature(void)
{
	static char sig[13];
	struct cpuid r;

	if (!this_cpu_has(X86_FEATURE_HYPERVISOR))
		return "";
	r = cpuid(0x40000000);
	memcpy(sig, &r.b, 4);
	memcpy(sig + 4, &r.c, 4);
	memcpy(sig + 8, &r.d, 4);
	sig[12] = 0;
	return sig;
}

bool hypervisor_is_tcg(void)
{
	return !strcmp(hypervisor_signature(), "TCGTCGTCGTCG");
}

bool vmm_is_bochs(void)
{
	const char *accel = getenv("ACCEL");

	return accel && !strcmp(accel, "bochs");
}
