/*
 * CPUID feature bits as one number: leaf, subleaf, register and bit packed so a
 * test can write this_cpu_has(X86_FEATURE_VMX) and a message can name the bit.
 */
#ifndef HVUT_X86_CPUFEATURE_H
#define HVUT_X86_CPUFEATURE_H
#include <stdint.h>
#include <stdbool.h>

enum cpuid_reg { CPUID_EAX, CPUID_EBX, CPUID_ECX, CPUID_EDX };

#define X86_FEATURE(leaf, sub, reg, bit) \
	(((uint64_t)(leaf) << 32) | ((uint64_t)(sub) << 16) | ((uint64_t)(reg) << 8) | (bit))

/* CPUID.1 */
#define X86_FEATURE_SSE3 X86_FEATURE(1, 0, CPUID_ECX, 0)
#define X86_FEATURE_VMX X86_FEATURE(1, 0, CPUID_ECX, 5)
#define X86_FEATURE_SMX X86_FEATURE(1, 0, CPUID_ECX, 6)
#define X86_FEATURE_PDCM X86_FEATURE(1, 0, CPUID_ECX, 15)
#define X86_FEATURE_PCID X86_FEATURE(1, 0, CPUID_ECX, 17)
#define X86_FEATURE_X2APIC X86_FEATURE(1, 0, CPUID_ECX, 21)
#define X86_FEATURE_TSC_DEADLINE X86_FEATURE(1, 0, CPUID_ECX, 24)
#define X86_FEATURE_XSAVE X86_FEATURE(1, 0, CPUID_ECX, 26)
#define X86_FEATURE_OSXSAVE X86_FEATURE(1, 0, CPUID_ECX, 27)
#define X86_FEATURE_HYPERVISOR X86_FEATURE(1, 0, CPUID_ECX, 31)
#define X86_FEATURE_TSC X86_FEATURE(1, 0, CPUID_EDX, 4)
#define X86_FEATURE_MSR X86_FEATURE(1, 0, CPUID_EDX, 5)
#define X86_FEATURE_PAE X86_FEATURE(1, 0, CPUID_EDX, 6)
#define X86_FEATURE_APIC X86_FEATURE(1, 0, CPUID_EDX, 9)
#define X86_FEATURE_SEP X86_FEATURE(1, 0, CPUID_EDX, 11)
#define X86_FEATURE_MTRR X86_FEATURE(1, 0, CPUID_EDX, 12)
#define X86_FEATURE_PGE X86_FEATURE(1, 0, CPUID_EDX, 13)
#define X86_FEATURE_MCA X86_FEATURE(1, 0, CPUID_EDX, 14)
#define X86_FEATURE_PAT X86_FEATURE(1, 0, CPUID_EDX, 16)
#define X86_FEATURE_CLFLUSH X86_FEATURE(1, 0, CPUID_EDX, 19)
/* CPUID.(7,0) */
#define X86_FEATURE_FSGSBASE X86_FEATURE(7, 0, CPUID_EBX, 0)
#define X86_FEATURE_TSC_ADJUST X86_FEATURE(7, 0, CPUID_EBX, 1)
#define X86_FEATURE_SMEP X86_FEATURE(7, 0, CPUID_EBX, 7)
#define X86_FEATURE_INVPCID X86_FEATURE(7, 0, CPUID_EBX, 10)
#define X86_FEATURE_SMAP X86_FEATURE(7, 0, CPUID_EBX, 20)
#define X86_FEATURE_UMIP X86_FEATURE(7, 0, CPUID_ECX, 2)
#define X86_FEATURE_PKU X86_FEATURE(7, 0, CPUID_ECX, 3)
#define X86_FEATURE_SHSTK X86_FEATURE(7, 0, CPUID_ECX, 7)
#define X86_FEATURE_LA57 X86_FEATURE(7, 0, CPUID_ECX, 16)
#define X86_FEATURE_RDPID X86_FEATURE(7, 0, CPUID_ECX, 22)
#define X86_FEATURE_IBT X86_FEATURE(7, 0, CPUID_EDX, 20)
#define X86_FEATURE_SPEC_CTRL X86_FEATURE(7, 0, CPUID_EDX, 26)
/* CPUID.(0xd,1) */
#define X86_FEATURE_XSAVES X86_FEATURE(0xd, 1, CPUID_EAX, 3)
/* Extended leaves */
#define X86_FEATURE_SVM X86_FEATURE(0x80000001, 0, CPUID_ECX, 2)
#define X86_FEATURE_PERFCTR_CORE X86_FEATURE(0x80000001, 0, CPUID_ECX, 23)
#define X86_FEATURE_SYSCALL X86_FEATURE(0x80000001, 0, CPUID_EDX, 11)
#define X86_FEATURE_NX X86_FEATURE(0x80000001, 0, CPUID_EDX, 20)
#define X86_FEATURE_GBPAGES X86_FEATURE(0x80000001, 0, CPUID_EDX, 26)
#define X86_FEATURE_RDTSCP X86_FEATURE(0x80000001, 0, CPUID_EDX, 27)
#define X86_FEATURE_LM X86_FEATURE(0x80000001, 0, CPUID_EDX, 29)
#define X86_FEATURE_PERFMON_V2 X86_FEATURE(0x80000022, 0, CPUID_EAX, 0)
#define X86_FEATURE_NPT X86_FEATURE(0x8000000a, 0, CPUID_EDX, 0)
#define X86_FEATURE_NRIPS X86_FEATURE(0x8000000a, 0, CPUID_EDX, 3)

bool this_cpu_has(uint64_t feature);
/* "CPUID.(7,0):ECX[7]" for messages. */
const char *x86_feature_name(uint64_t feature, char *buf, unsigned size);

enum x86_vendor { X86_VENDOR_OTHER, X86_VENDOR_INTEL, X86_VENDOR_AMD };
enum x86_vendor cpu_vendor(void);
/* CPUID 0x40000000 signature when CPUID.1:ECX.HV=1 ("KVMKVMKVM", "TCGTCGTCGTCG"...), else "". */
const char *hypervisor_signature(void);
/* QEMU's TCG: tests declare its known deviations from the SDM as XFAIL there. */
bool hypervisor_is_tcg(void);
/* Bochs has no hypervisor signature: the harness says so in the environ (ACCEL=bochs). */
bool vmm_is_bochs(void);
uint32_t cpuid_max_leaf(void);
uint32_t cpuid_max_ext_leaf(void);

#endif
