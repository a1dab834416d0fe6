/*
 * unrestricted: L2 in real-address mode and in protected mode without paging
 * under "unrestricted guest" (secondary control bit 7, with EPT; Intel SDM
 * vol. 3C, 2024 numbering, order no. 326019):
 *   - 27.3.1.1 "Checks on Guest Control Registers...": CR0.PE and CR0.PG may
 *     be 0 only with unrestricted guest (IA32_VMX_CR0_FIXED0 says 1
 *     otherwise): without it the entry fails (exit 33, bit 31 set);
 *   - 27.3.1.2 "Checks on Guest Segment Registers": with unrestricted guest
 *     a real-mode CS may have type 3 (DPL 0), SS DPL 0;
 *   - vol. 3B "8086 Emulation", real-address mode: a segment's base is its
 *     selector << 4 after a far JMP; INT n goes through the 4-byte IVT
 *     entries at IDTR.base and pushes FLAGS, CS, IP (6 bytes).
 * The 16/32-bit code lives in a page of the test's own that EPT maps at
 * guest-physical 0x7000 (real mode needs it below 1 MiB; no host memory
 * there is touched): CS = 0x0700, DS = SS = 0x0700, IVT at 0x7600, data at
 * 0x7400, stack top 0x7ff0.
 */
#include "vmx-tests.h"
#include <asm/desc.h>
#include <asm/msr.h>
#include <asm/processor.h>

#define GPA 0x7000
#define RM_SEL (GPA >> 4)
#define FAR_SEL 0x0720              /* the far JMP's target segment: base 0x7200 */
#define IVT_OFF 0x600
#define INT_VEC 0x20
#define DATA_WORD 0xbeef
#define AR_RM 0x93                  /* present, S, DPL0, type 3 (read/write, accessed) */
#define AR_CODE32 0xc09b            /* present, S, DPL0, execute/read accessed, D=1, G=1 */
#define AR_DATA32 0xc093
#define SDM_CR "SDM vol. 3C 27.3.1.1 Checks on Guest Control Registers, Debug Registers, and MSRs"
#define SDM_RM "SDM vol. 3B 8086 Emulation: Real-Address Mode Operation"

/* Offsets in the page are fixed with .org; the blob is copied, never run where it is linked. */
extern char ug_blob[], ug_blob_end[], ug_vmcall1[], ug_after_int[], ug_handler[], ug_far_vmcall[], ug_pm32[],
	ug_pm32_vmcall[];
__asm__(".pushsection .rodata.hvut_ug, \"a\"\n.globl ug_blob\nug_blob:\n.code16\n"
	"\tmov $0x1234, %ax\n\tmov %cr0, %ebx\n\tmov (0x400), %cx\n"
	".globl ug_vmcall1\nug_vmcall1:\n\tvmcall\n"
	"\tint $0x20\n.globl ug_after_int\nug_after_int:\n\tud2\n"
	".org 0x100\n.globl ug_handler\nug_handler:\n\tvmcall\n\tljmp $0x0720, $0\n"
	".org 0x200\n.globl ug_far_vmcall\nug_far_vmcall:\n\tvmcall\n\tud2\n"
	".org 0x300\n.code32\n.globl ug_pm32\nug_pm32:\n\tmov $0xcafe, %eax\n\tmov %cr0, %ebx\n"
	".globl ug_pm32_vmcall\nug_pm32_vmcall:\n\tvmcall\n\tud2\n"
	".org 0x400\n\t.word 0xbeef\n.code64\n.globl ug_blob_end\nug_blob_end:\n.popsection\n");

static struct vmx_vcpu *v;
static uint8_t *page;

#define OFF(sym) ((unsigned long)((sym) - ug_blob))

static void set_seg(enum vmcs_field sel, uint16_t s, uint64_t base, uint32_t limit, uint32_t ar)
{
	/* selector, limit, AR and base fields are each one apart per register (appendix B). */
	vmwrite(sel, s);
	vmwrite(GUEST_ES_LIMIT + (sel - GUEST_ES_SEL), limit);
	vmwrite(GUEST_ES_AR + (sel - GUEST_ES_SEL), ar);
	vmwrite(GUEST_ES_BASE + (sel - GUEST_ES_SEL), base);
}

/* Common to both modes: 32-bit state, no IA-32e mode, EFER.LMA/LME clear. */
static void legacy_guest(uint64_t cr0)
{
	vmwrite(GUEST_CR0, (vmread(GUEST_CR0) & ~(X86_CR0_PG | X86_CR0_PE)) | cr0);
	vmwrite(GUEST_CR4, read_cr4() & ~X86_CR4_PCIDE);
	vmx_set_ctl(ENTRY_CONTROLS, 0, ENTRY_GUEST_64);
	if (vmread(ENTRY_CONTROLS) & ENTRY_LOAD_EFER)
		vmwrite(GUEST_EFER, rdmsr(MSR_EFER) & ~(EFER_LMA | EFER_LME));
	vmwrite(GUEST_RFLAGS, 0x2);
	vmwrite(GUEST_INTERRUPTIBILITY, 0);
	vmwrite(GUEST_ACTIVITY, 0);
	memset(&v->regs, 0, sizeof(v->regs));
}

static void real_mode_guest(void)
{
	legacy_guest(0);
	for (enum vmcs_field f = GUEST_ES_SEL; f <= GUEST_GS_SEL; f += 2)
		set_seg(f, RM_SEL, GPA, 0xffff, AR_RM);
	vmwrite(GUEST_IDTR_BASE, GPA + IVT_OFF);
	vmwrite(GUEST_IDTR_LIMIT, 0x3ff);
	vmwrite(GUEST_RIP, 0);
	vmwrite(GUEST_RSP, 0xff0);
}

static bool vmcall_at(enum vmx_end end, unsigned long ip)
{
	return end == VMX_END_EXIT && v->exit.reason == EXIT_VMCALL && v->exit.rip == ip;
}

static void real_mode(void)
{
	uint16_t *stack = (uint16_t *)(page + 0xff0 - 6);
	enum vmx_end end;

	real_mode_guest();
	end = vmx_run(v);
	report(vmcall_at(end, OFF(ug_vmcall1)) && (uint16_t)v->regs.rax == 0x1234 && !(v->regs.rbx & X86_CR0_PE) &&
	       (uint16_t)v->regs.rcx == DATA_WORD && vmread(GUEST_CS_BASE) == GPA,
	       "real mode (CR0.PE=0): L2 runs at CS 0x700:0 up to VMCALL at IP %#lx, AX 0x1234, CR0.PE=0 in EBX, DS:0x400 = 0xbeef [%s, AX %#lx EBX %#lx CX %#lx] [" SDM_CR ", " SDM_RM "]",
	       OFF(ug_vmcall1), end_str(v, end), v->regs.rax & 0xffff, v->regs.rbx, v->regs.rcx & 0xffff);
	if (end != VMX_END_EXIT)
		return;
	vmx_skip_insn(v);
	memset(stack, 0, 6);
	end = vmx_run(v);
	report(vmcall_at(end, OFF(ug_handler)) && vmread(GUEST_RSP) == 0xff0 - 6 && stack[0] == OFF(ug_after_int) &&
	       stack[1] == RM_SEL && (stack[2] & 0x2),
	       "real mode INT 0x20: through the IVT entry 0x700:0x100, FLAGS, CS, IP pushed (SP 0xff0 - 6) [%s, SP %#lx, IP %#x CS %#x FLAGS %#x] [" SDM_RM "]",
	       end_str(v, end), (unsigned long)vmread(GUEST_RSP), stack[0], stack[1], stack[2]);
	if (end != VMX_END_EXIT)
		return;
	vmx_skip_insn(v);
	end = vmx_run(v);
	report(vmcall_at(end, 0) && vmread(GUEST_CS_SEL) == FAR_SEL && vmread(GUEST_CS_BASE) == (uint64_t)FAR_SEL << 4,
	       "real mode far JMP 0x720:0: CS base 0x7200 (selector << 4) [%s, CS %#lx base %#lx] [" SDM_RM "]",
	       end_str(v, end), (unsigned long)vmread(GUEST_CS_SEL), (unsigned long)vmread(GUEST_CS_BASE));
}

static void pm32_guest(void)
{
	legacy_guest(X86_CR0_PE);
	set_seg(GUEST_CS_SEL, KERNEL_CS, 0, 0xffffffff, AR_CODE32);
	set_seg(GUEST_SS_SEL, KERNEL_DS, 0, 0xffffffff, AR_DATA32);
	set_seg(GUEST_DS_SEL, KERNEL_DS, 0, 0xffffffff, AR_DATA32);
	set_seg(GUEST_ES_SEL, KERNEL_DS, 0, 0xffffffff, AR_DATA32);
	vmwrite(GUEST_RIP, GPA + OFF(ug_pm32));
	vmwrite(GUEST_RSP, GPA + 0xff0);
}

static void protected_no_paging(void)
{
	enum vmx_end end;

	pm32_guest();
	end = vmx_run(v);
	report(vmcall_at(end, GPA + OFF(ug_pm32_vmcall)) && (uint32_t)v->regs.rax == 0xcafe &&
	       (v->regs.rbx & (X86_CR0_PE | X86_CR0_PG)) == X86_CR0_PE,
	       "protected mode without paging (CR0.PE=1, PG=0): L2 runs 32-bit code at %#lx up to VMCALL [%s, EAX %#lx, CR0 %#lx] [" SDM_CR "]",
	       (unsigned long)(GPA + OFF(ug_pm32)), end_str(v, end), v->regs.rax, v->regs.rbx);
}

static void without_ug(void)
{
	enum vmx_end end;

	vmx_set_ctl(CPU_CONTROLS2, 0, CPU2_UNRESTRICTED);
	real_mode_guest();
	end = vmx_run(v);
	report(end == VMX_END_EXIT && v->exit.reason == (EXIT_REASON_ENTRY_FAIL | EXIT_INVALID_GUEST),
	       "real mode (CR0.PE=0) without unrestricted guest: VM entry fails, exit 0x80000021 [%s] [" SDM_CR "]",
	       end_str(v, end));
	pm32_guest();
	end = vmx_run(v);
	report(end == VMX_END_EXIT && v->exit.reason == (EXIT_REASON_ENTRY_FAIL | EXIT_INVALID_GUEST),
	       "the same 32-bit state with CR0.PG=0 without unrestricted guest: VM entry fails, exit 0x80000021 [%s] [" SDM_CR "]",
	       end_str(v, end));
}

void vmx_test_unrestricted(void)
{
	struct ept *e;
	uint32_t *ivt;

	if (!vmx_ctl_allowed(CPU_CONTROLS, CPU_SECONDARY) ||
	    !vmx_ctl_allowed(CPU_CONTROLS2, CPU2_EPT | CPU2_UNRESTRICTED)) {
		report_skip("unrestricted guest: secondary controls bits 1 and 7 not allowed");
		return;
	}
	v = vmx_vcpu_new();
	if (!v)
		return;
	page = alloc_page();
	memset(page, 0, PAGE_SIZE);
	memcpy(page, ug_blob, ug_blob_end - ug_blob);
	ivt = (uint32_t *)(page + IVT_OFF);
	ivt[INT_VEC] = (uint32_t)RM_SEL << 16 | OFF(ug_handler);
	e = ept_new();
	ept_map_4k(e, GPA, (uintptr_t)page, EPT_RWX | EPT_XU | (EPT_MT_WB << EPT_MT_SHIFT));
	ept_enable(e);
	vmx_set_ctl(CPU_CONTROLS2, CPU2_UNRESTRICTED, 0);
	real_mode();
	protected_no_paging();
	without_ug();
}
