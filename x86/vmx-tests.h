/* The vmx test program's groups (x86/vmx-*.c) and the L2 code they share (x86/vmx-l2.S). */
#ifndef HVUT_X86_VMX_TESTS_H
#define HVUT_X86_VMX_TESTS_H
#include "hvut.h"
#include <asm/vmx.h>

void vmx_test_basic(void);
void vmx_test_exits(void);
void vmx_test_seam(void);
void vmx_test_ept(void);
void vmx_test_mbec(void);
void vmx_test_entry_checks(void);
void vmx_test_msr_lists(void);
void vmx_test_windows(void);
void vmx_test_shadow_vmcs(void);
void vmx_test_pml(void);
void vmx_test_vpid(void);
void vmx_test_inject(void);
void vmx_test_mtf(void);
void vmx_test_preemption_timer(void);
void vmx_test_apicv(void);
void vmx_test_mtf_priority(void);
void vmx_test_init_sipi(void);
void vmx_test_nmi(void);
void vmx_test_load_save(void);
void vmx_test_unrestricted(void);
void vmx_test_vectoring(void);

/* x86/vmx-util.c. Bochs (ACCEL=bochs): the emulator whose deviations are declared XFAIL. */
bool on_bochs(void);
/* A group of checks a VMX test binary's arguments select by name. */
struct vmx_group {
	const char *name;
	void (*fn)(void);
};
/*
 * The main of a VMX test binary (x86/vmx-util.c): unknown group names FAIL,
 * no VMX is one SKIP, then VMX operation and the selected groups, each under
 * its name as prefix. first_enters_vmx: groups[0] starts outside VMX
 * operation and leaves the CPU in it (x86/vmx.c's basic), without a prefix.
 */
int vmx_main(int argc, char **argv, const struct vmx_group *groups, unsigned n, bool first_enters_vmx);
/* "%s" of how a run ended, for messages. */
const char *end_str(struct vmx_vcpu *v, enum vmx_end end);

/* x86/vmx-l2.S: L2 functions (void fn(void *arg)) and the addresses of their instructions. */
void l2_nop(void *arg);
void l2_cpuid(void *out);            /* CPUID leaf 0; stores EAX, EBX, ECX, EDX to out[0..3] */
void l2_hlt(void *arg);
void l2_vmcall(void *inout);         /* RAX = *inout; VMCALL; *inout = RAX */
void l2_rdmsr(void *op);             /* op: u32 msr at 0, u64 value at 8 (stored) */
void l2_wrmsr(void *op);             /* op: u32 msr at 0, u64 value at 8 */
void l2_rdmsr_twice(void *op);       /* RDMSR, VMCALL, RDMSR: values at 8 and 16 */
void l2_out80(void *arg);            /* OUT 0x80, AL (immediate port) */
void l2_in_dx(void *op);             /* op: u16 port at 0; IN AL, DX; AL stored at 8 */
void l2_ud2(void *arg);
void l2_read(void *addr);            /* one byte read from addr */
void l2_write(void *addr);           /* one byte (0xc3) written to addr */
void l2_call(void *addr);            /* CALL addr */
void l2_spin(void *arg);             /* loops forever */
void l2_seamcall(void *arg);
void l2_tdcall(void *arg);
extern char l2_cpuid_insn[], l2_hlt_insn[], l2_vmcall_insn[], l2_ud2_insn[], l2_read_insn[];
extern char l2_seamcall_insn[], l2_tdcall_insn[];

#endif
